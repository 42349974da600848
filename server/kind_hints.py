"""Hints for cards other than questions: the rules a method states per phase (a phase's `hints`).

Question cards have their own table (server/hints.py). Other card kinds get a gentle hint only
where the method says what to watch for in that phase:

* ``s_advice`` — advice hidden in a reflection or an observation ("je zou…", "misschien kun je…",
  "you should…"), where the phase asks what one noticed, not what to do;
* ``direct``   — addressing the inbrenger directly in a reflecting team ("jij…", "jouw…", "you…"),
  where the team talks about the inbrenger, never to them;
* ``hearsay``  — hearsay in a Socratic claim ("ik heb gehoord…", "men zegt…", "they say…");
* ``theory``   — theory or a generalisation in a Socratic claim ("in het algemeen…", "onderzoek
  laat zien…", "always…"), where a claim is about what one did or thought oneself.

A hint is a notice, never a refusal. The browser applies the very same table
(``client/static/js/hints.js`` ``checkKind``, fed by :func:`client_rules`), with the same portable
regex subset as the question rules: alternations of words, ``\\s``, character classes, no nested
quantifiers, so a pattern's work is linear in the text, whatever its length. Patterns are searched
anywhere in the normalised text (:func:`server.hints.normalise`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from . import hints, i18n

S_ADVICE = "s_advice"
DIRECT = "direct"
HEARSAY = "hearsay"
THEORY = "theory"
CODES = (S_ADVICE, DIRECT, HEARSAY, THEORY)

_E = r"(?:\s|$|[?!.,;:])"  # a word ends here (a portable stand-in for \b)
_B = r"(?:^|\s|[(\"'])"  # a word starts here

# fmt: off
RULES: tuple[hints.Rule, ...] = (
    # Advice in a reflection or observation.
    hints.Rule(S_ADVICE, "nl", _B + r"(?:je|jij|u)\s+(?:zou|zoudt|moet|moeten|kunt|kan)\s+(?:\S+\s+){0,3}"
               r"(?:eens|beter|proberen|moeten|gaan|doen|vragen|zeggen|overwegen|nemen)" + _E),
    hints.Rule(S_ADVICE, "nl", _B + r"(?:misschien|wellicht)\s+(?:moet|kun|kunt|kan|zou)\s+(?:je|jij|u|ze|hij|zij)" + _E),
    hints.Rule(S_ADVICE, "nl", _B + r"(?:mijn\s+advies|een\s+tip|ik\s+raad|ik\s+adviseer|als\s+ik\s+(?:jou|haar|hem)\s+was)" + _E),
    hints.Rule(S_ADVICE, "en", _B + r"(?:you|she|he|they)\s+(?:should|could|ought\s+to|might\s+want\s+to|need\s+to)" + _E),
    hints.Rule(S_ADVICE, "en", _B + r"(?:my\s+advice|i\s+(?:would\s+)?(?:suggest|recommend|advise)|if\s+i\s+were\s+(?:you|her|him))" + _E),
    # Addressing the inbrenger directly (a reflecting team talks about them).
    hints.Rule(DIRECT, "nl", _B + r"(?:jij|jou|jouw|je|jullie)" + _E),
    hints.Rule(DIRECT, "en", _B + r"(?:you|your|yours|you're|you've)" + _E),
    # Hearsay in a claim.
    hints.Rule(HEARSAY, "nl", _B + r"(?:ik\s+heb\s+(?:ooit\s+)?gehoord|men\s+zegt|ze\s+zeggen|naar\s+verluidt|volgens\s+(?:een\s+)?(?:collega|anderen|zeggen))" + _E),
    hints.Rule(HEARSAY, "en", _B + r"(?:i(?:'ve|\s+have)\s+heard|i\s+heard|they\s+say|people\s+say|apparently|reportedly)" + _E),
    # Theory or a generalisation in a claim.
    hints.Rule(THEORY, "nl", _B + r"(?:in\s+het\s+algemeen|over\s+het\s+algemeen|onderzoek\s+(?:laat|toont)|de\s+theorie|volgens\s+de\s+literatuur|iedereen\s+weet|mensen\s+zijn\s+nu\s+eenmaal)" + _E),
    hints.Rule(THEORY, "en", _B + r"(?:in\s+general|generally|research\s+shows|studies\s+show|in\s+theory|everyone\s+knows|people\s+always)" + _E),
)
# fmt: on

_COMPILED = tuple((r, re.compile(r.pattern, re.IGNORECASE)) for r in RULES)


@functools.lru_cache(maxsize=256)
def _check(text: str, codes: tuple[str, ...]) -> str | None:
    norm = hints.normalise(text)
    if not norm:
        return None
    for rule, rx in _COMPILED:
        if rule.code in codes and rx.search(norm):
            return rule.code
    return None


def check(text: str, codes: Iterable[str]) -> str | None:
    """The first of `codes` (a phase's `hints`) whose rules match `text`, in table order, or None."""
    wanted = tuple(c for c in CODES if c in set(codes))
    return _check(text, wanted) if wanted else None


def message(code: str, lang: str) -> str:
    if code not in CODES:
        raise ValueError(f"unknown hint code {code!r}")
    return i18n.t(lang, "hint_" + code)


def client_rules() -> list[dict[str, str]]:
    """The table as JSON-able dicts for the browser (page data `kind_hint_rules`)."""
    return [{"code": r.code, "pattern": r.pattern, "flags": r.flags} for r in RULES]
