"""Question hints: the one place where the rule set for question cards lives.

While a participant types a question card, the board gently hints when the question looks

* ``advice``  — advice in disguise ("Heb je al overwogen…", "Why don't you…"),
* ``leading`` — a suggestive question that already holds its answer ("Vind je zelf ook niet dat…",
  "Don't you think…"),
* ``closed``  — a yes/no question (Dutch: starts with a finite verb, "Heb je…"; English: "Do you…").

Open questions ("Wat…", "Hoe…", "Waardoor…", "What…", "How…", "Tell me…") get no hint.

The rules are data: one ordered table, applied to Dutch and English alike (a group may mix
languages). The first rule that matches decides, so the table is in precedence order:
``open`` exceptions first (phrases a later rule would wrongly catch, e.g. "Ik zou graag willen
weten…"; they mean "no hint"), then ``advice``, ``leading`` and ``closed``.

The browser applies the very same table (``client/static/js/hints.js``, fed by
:func:`client_rules`), so every pattern must mean the same in Python ``re`` and JavaScript
``RegExp``: only ``^``/``$``, ``\\s``/``\\S``, character classes, alternations and ``(?:…)`` groups
with simple quantifiers; no ``\\b``, ``\\w``, lookarounds, named groups or inline flags. The only
flag is ``i``. Patterns are matched with *search* semantics (``re.search`` / ``RegExp.test``)
against the normalised text (see :func:`normalise`, mirrored in the JS file).

The work per text is bounded, whatever its length (a card may hold 2,000 characters): the filler
words in front are dropped in one linear pass (:data:`FILLERS`), then the rules anchored at the
start see only the first :data:`WINDOW` characters after them and the tag-question rules (not
anchored, they end in ``$``) only the last :data:`WINDOW` characters. A hint is about how a
question opens or how it ends, so nothing a real question needs is cut off; a crafted text cannot
make every rule backtrack over its whole length (2,000 characters of ``en , en , …`` cost 15-20 ms
before). The browser does the same (``hints.js``: ``FILLERS``, ``WINDOW``).
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from typing import Any

from . import i18n

ADVICE = "advice"
LEADING = "leading"
CLOSED = "closed"
# A rule with this code marks a phrase as fine: matching it stops the search with "no hint".
NO_HINT = "open"

CODES = (ADVICE, LEADING, CLOSED)
# Order of the rule table: exceptions, then hint codes from strongest to weakest.
PRECEDENCE = (NO_HINT, ADVICE, LEADING, CLOSED)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    lang: str
    pattern: str
    flags: str = "i"


# --- building blocks ----------------------------------------------------------------------
# Rule bodies below use short placeholders, expanded by _r() into plain (portable) regex text.
_TOKENS = {
    # A word ends here: whitespace, end of text or punctuation (a portable stand-in for \b).
    "<E>": r"(?:\s|$|[?!.,;:])",
    # Dutch "you".
    "<J>": r"(?:je|jij|u|jullie)",
    # Up to two / three arbitrary words, each followed by whitespace.
    "<W2>": r"(?:\S+\s+){0,2}",
    "<W3>": r"(?:\S+\s+){0,3}",
    # Dutch finite verbs that double as imperatives: a question only when a subject follows.
    "<NL_STEM>": (
        r"(?:heb|ben|kun|wil|zal|ga|doe|vind|denk|weet|voel|merk|zie|hoor|ken|snap|begrijp|herken|"
        r"ervaar|verwacht|krijg|durf|blijf|kom|werk|sta|zit|lig|maak|neem|speel|praat|spreek|geloof|"
        r"hoop|bedoel|probeer|word|mis|wens|hou|houd|leer|twijfel|vraag|vertrouw|schaam|erger)"
    ),
    # Dutch finite verbs that make a yes/no question whatever follows ("Heeft…", "Was…").
    "<NL_FINITE>": (
        r"(?:is|was|waren|zijn|heeft|hebt|had|hadden|hebben|bent|kan|kunt|kon|konden|kunnen|wilt|"
        r"wilde|wilden|willen|wou|zou|zouden|zult|zullen|gaat|ging|gingen|gaan|moet|moest|moesten|"
        r"moeten|mag|mocht|mogen|doet|deed|deden|doen|vindt|vond|vonden|vinden|denkt|dacht|dachten|"
        r"denken|weet|wist|weten|voelt|voelde|voelden|merkt|merkte|ziet|zag|zien|hoort|hoorde|kent|"
        r"kende|kennen|speelt|speelde|klopt|klopte|lukt|lukte|helpt|hielp|werkt|werkte|gebeurt|"
        r"gebeurde|komt|kwam|kwamen|staat|stond|zit|zat|ligt|lag|wordt|werd|werden|worden|blijft|"
        r"bleef|begrijpt|begreep|herkent|herkende|ervaart|ervoer|krijgt|kreeg|durft|durfde|bestaat|"
        r"past|maakt|maakte|geeft|gaf|houdt|hield|hoopt|hoopte|snapt|snapte|mist|miste|gelooft|"
        r"geloofde|lijkt|leek|kost|kostte|duurt|duurde|valt|viel|raakt|raakte|stoort|stoorde|"
        r"verwachtte)"
    ),
}
# Start of the text, allowing a few filler words in front ("En…", "Maar…", "So…", "Well,…").
_START = r"^(?:(?:en|maar|of|dus|nou|oké|oke|ok|okay|and|but|or|so|well)(?:\s|,)+)*"


def _expand(body: str) -> str:
    for token, regex in _TOKENS.items():
        body = body.replace(token, regex)
    if "<" in body:
        raise ValueError(f"unknown placeholder in hint rule: {body!r}")
    return body


def _r(code: str, lang: str, *body: str) -> Rule:
    """A rule anchored at the start of the (normalised) text; `body` parts are concatenated."""
    return Rule(code, lang, _START + _expand("".join(body)))


def _tail(code: str, lang: str, *body: str) -> Rule:
    """A rule about the end of the text (tag questions); not anchored at the start."""
    return Rule(code, lang, _expand("".join(body)))


# fmt: off
RULES: tuple[Rule, ...] = (
    # --- open: polite open questions that a later rule would catch ---------------------------
    _r(NO_HINT, "nl", r"ik\s+(?:zou|wil)\s+(?:(?:graag|ook|nog|best|heel)\s+)*(?:willen\s+)?",
       r"(?:weten|horen|begrijpen|snappen)<E>"),
    _r(NO_HINT, "en", r"(?:i\s+would|i'd)\s+(?:(?:really|also|just)\s+)?(?:like|love)\s+to\s+",
       r"(?:know|hear|understand)<E>"),

    # --- advice, Dutch -----------------------------------------------------------------------
    # "Heb je al overwogen…", "Heb je er al aan gedacht om…", "Heb je al eens geprobeerd…"
    _r(ADVICE, "nl", r"(?:heb|hebt|heeft)\s+<J>\s+(?:(?:al|wel|ooit|nog|eens|weleens|er|dan|nou|",
       r"niet|daar|het|ook|misschien|nooit)\s+)*",
       r"(?:overwogen|geprobeerd|gedacht\s+aan|aan\s+gedacht|eraan\s+gedacht)<E>"),
    # "Zou je niet…", "Zou je het niet eens proberen?", "Moet je geen…"
    _r(ADVICE, "nl", r"(?:zou|zoudt|zouden|moet|moeten)\s+<J>\s+<W2>(?:niet|geen)<E>"),
    # "Kun je niet gewoon…", "Ga je niet eerst…" (but "Kun je niet slapen?" is closed)
    _r(ADVICE, "nl", r"(?:kun|kunt|kan|kunnen|kon|ga|gaat|gaan|wil|wilt|willen)\s+<J>\s+<W3>niet\s+",
       r"(?:gewoon|gewoonweg|gwn|eens|beter|eerst|even|liever|simpelweg|zelf|meteen|direct)<E>"),
    # "Waarom ga/doe/probeer je niet…" (but "Waarom koos je…" is an open question)
    _r(ADVICE, "nl", r"waarom\s+(?:ga|doe|probeer|zeg|vraag|neem|kies|stop|begin|praat|maak|zoek|",
       r"laat|bel|stuur|schrijf|stap|leg|geef|pak|zou|zoudt|regel|spreek|kaart)\s+<J>\s+<W2>",
       r"(?:niet|geen)<E>"),
    # "Waarom niet gewoon…" ("Waarom niet?" on its own is a fair question)
    _r(ADVICE, "nl", r"waarom\s+niet\s+[^\s?!.,;:]"),
    # "Misschien moet je…", "Misschien kun je…"
    _r(ADVICE, "nl", r"misschien\s+(?:moet|moeten|kun|kunt|kan|kunnen|zou|zouden|helpt|werkt|wil|",
       r"wilt|is|ligt|valt)<E>"),
    # "Wat als je…", "Wat nou als je…" (but "Wat als het misgaat?" is open)
    _r(ADVICE, "nl", r"wat\s+(?:(?:nou|nu|dan)\s+)?als\s+<J><E>"),
    # "Wat dacht je van…"
    _r(ADVICE, "nl", r"wat\s+dacht\s+<J>\s+(?:er\s+)?van<E>"),
    # "Zou het niet helpen als…", "Is het niet beter om…", "Is het geen idee om…"
    _r(ADVICE, "nl", r"(?:zou|zal|is|was|wordt|lijkt|kan)\s+het\s+",
       r"(?:(?:dan|misschien|toch|nou|eigenlijk)\s+)*(?:niet|geen)\s+(?:(?:een|goed|veel|heel|wat)\s+)*",
       r"(?:helpen|schelen|beter|verstandig|verstandiger|handig|handiger|slim|slimmer|idee|nuttig|",
       r"nuttiger|makkelijker|eenvoudiger|optie|oplossing|raadzaam|tijd|zinvol|zinvoller|wijs|wijzer|",
       r"prettiger|fijner)<E>"),
    # "Zou het helpen als…", "Zou het schelen om…"
    _r(ADVICE, "nl", r"(?:zou|zal|kan)\s+het\s+(?:(?:misschien|ook|dan)\s+)*(?:helpen|schelen|werken)",
       r"\s+(?:als|om|wanneer)<E>"),
    # "Is het een idee om…", "Zou het een goed idee zijn…"
    _r(ADVICE, "nl", r"(?:is|zou|was|lijkt|wordt)\s+het\s+(?:(?:misschien|dan|ook|niet)\s+)*",
       r"(?:een|geen)\s+(?:(?:goed|slim|beter)\s+)?idee<E>"),
    # "Ik zou…", "Ik raad je aan…", "Ik denk dat je beter…" (but see the "open" rules)
    _r(ADVICE, "nl", r"ik\s+(?:zou|raad|adviseer|stel\s+voor|",
       r"(?:denk|vind)\s+dat\s+<J>\s+(?:moet|moeten|beter|zou|zouden|kunt|kan))<E>"),
    # "Als ik jou was…", "In jouw schoenen…" (but "Als ik je goed begrijp…" is fine)
    _r(ADVICE, "nl", r"(?:als\s+ik\s+(?:jou|u|jij)\s+(?:was|ben|zou\s+zijn|geweest)|",
       r"(?:als\s+ik\s+)?in\s+(?:jouw|uw|je)\s+(?:schoenen|plaats|positie|situatie)|",
       r"in\s+(?:jouw|uw|je)\s+geval\s+zou)<E>"),
    # "Je zou…", "Je moet…", "Je kunt ook…"
    _r(ADVICE, "nl", r"<J>\s+(?:zou|zoudt|zouden|moet|moeten|kunt|kan|kunnen)<E>"),
    # "Mijn advies…", "Een tip:", "Tip:"
    _r(ADVICE, "nl", r"(?:(?:mijn|m'n|een)\s+(?:advies|tip|suggestie)|tip)<E>"),
    # "Probeer eens…", "Vraag het gewoon…", "Bel haar maar…" (but "Vertel eens…" is open)
    _r(ADVICE, "nl", r"(?:probeer|vraag|zeg|praat|bel|neem|stop|begin|kies|maak|stuur|schrijf|pak|",
       r"zoek|spreek|regel|kaart)\s+(?:(?:het|dat|haar|hem|ze|dan|toch|je|er)\s+)?",
       r"(?:eens|gewoon|toch|maar|even|eerst|gwn)<E>"),

    # --- advice, English ---------------------------------------------------------------------
    # "Have you considered…", "Have you tried…", "Have you thought about…"
    _r(ADVICE, "en", r"have\s+you\s+(?:(?:ever|already|not|yet|also|maybe|perhaps|even|just)\s+)*",
       r"(?:considered|tried|thought\s+(?:about|of)|looked\s+into|explored)<E>"),
    # "Why don't you…", "Why not ask…" (but "Why did you…" and "Why not?" are fine)
    _r(ADVICE, "en", r"why\s+(?:(?:don't|dont|do\s+not|wouldn't|wouldnt|won't|shouldn't|shouldnt)",
       r"\s+(?:you|we)|not\s+[^\s?!.,;:])"),
    # "Wouldn't it be better…", "Isn't it time to…", "Would it not help…"
    _r(ADVICE, "en", r"(?:(?:wouldn't|wouldnt|won't|isn't|isnt|wasn't|couldn't|couldnt)\s+it|",
       r"(?:would|is|could|will)\s+it\s+not)\s+(?:be\s+)?",
       r"(?:(?:a|an|much|even|more|so|really|maybe|perhaps|just|good|great|bit)\s+)*",
       r"(?:better|easier|wiser|wise|smarter|smart|helpful|idea|help|sensible|simpler|useful|worth|",
       r"time|nicer)<E>"),
    # "Would it help if you…", "Would it be a good idea to…"
    _r(ADVICE, "en", r"(?:would|will|could|might)\s+it\s+(?:(?:maybe|perhaps|also)\s+)*",
       r"(?:help|work|be\s+(?:(?:a|an|good|great|much|more)\s+)*",
       r"(?:better|easier|wise|wiser|smarter|idea|helpful|useful))\s+(?:if|to|for|when)<E>"),
    # "Maybe you should…", "Perhaps we could…"
    _r(ADVICE, "en", r"(?:maybe|perhaps)(?:\s|,)+(?:you|we|it)\s+(?:(?:just|really|also)\s+)?",
       r"(?:should|could|can|need|must|ought|might|would|will|have\s+to)<E>"),
    # "What if you…", "What about asking…" (but "What if it fails?" is open)
    _r(ADVICE, "en", r"what\s+(?:(?:if|about\s+if)\s+(?:you|we)|about\s+(?:just\s+)?(?:asking|trying|",
       r"talking|telling|going|taking|saying|calling|writing|sending|making|doing|giving|letting|",
       r"stopping|starting|speaking|discussing|setting|using|having))<E>"),
    # "If I were you…", "In your shoes…"
    _r(ADVICE, "en", r"(?:if\s+i\s+(?:were|was)\s+you|in\s+your\s+(?:shoes|place|position))<E>"),
    # "I would…", "I'd…", "I suggest…", "My advice…" (but see the "open" rules)
    _r(ADVICE, "en", r"(?:i\s+(?:would|wouldn't|wouldnt|suggest|recommend|advise)|i'd|",
       r"(?:my|a|one)\s+(?:advice|tip|suggestion))<E>"),
    # "You should…", "You could…", "You might want to…"
    _r(ADVICE, "en", r"you\s+(?:should|could|might|must|ought|need\s+to|can\s+(?:always|also|just))<E>"),
    # "Shouldn't you…", "Should you not…", "Can't you just…"
    _r(ADVICE, "en", r"(?:(?:shouldn't|shouldnt|oughtn't|mustn't)\s+(?:you|we)|should\s+(?:you|we)\s+not|",
       r"(?:can't|cant|couldn't|couldnt|won't|wouldn't)\s+you\s+(?:just|simply|try|at\s+least)|",
       r"(?:can|could)\s+(?:you|we)\s+not\s+(?:just|simply))<E>"),
    # "Try to…", "Just ask…"
    _r(ADVICE, "en", r"(?:try\s+(?:to|and|it|talking|asking|saying|being|not|telling|writing)|",
       r"just\s+(?:ask|talk|say|try|go|do|call|stop|quit|let|leave|write|send|take))<E>"),

    # --- leading, Dutch ----------------------------------------------------------------------
    # "Vind je zelf ook niet dat…", "Denk je niet dat…", "Ben je niet bang dat…"
    _r(LEADING, "nl", r"(?:vind|vindt|denk|denkt|voel|voelt|merk|merkt|zie|ziet|geloof|gelooft|ben|",
       r"bent|ervaar|ervaart)\s+<J>\s+<W3>niet\s+<W3>dat<E>"),
    # "Ben je het niet met me eens…"
    _r(LEADING, "nl", r"(?:ben|bent|zijn)\s+<J>\s+het\s+<W2>niet\s+<W3>eens<E>"),
    # "Is het niet zo dat…", "Zou het niet kunnen dat…", "Klopt het niet dat…"
    _r(LEADING, "nl", r"(?:is|was|zou|klopt|kan|kon|zit|ligt|wordt|lijkt)\s+het\s+<W2>niet\s+<W3>dat<E>"),
    # "Je bent toch ook…", "Dat is toch…"
    _r(LEADING, "nl", r"(?:je|jij|u|jullie|dat|dit|het|hij|zij|ze|we|wij|er)\s+\S+\s+(?:\S+\s+)?toch<E>"),
    # Tag question at the end: "…, toch?", "…, niet dan?"
    _tail(LEADING, "nl", r",\s*(?:toch|niet\s+dan|hè|hé|nietwaar)\s*[?!.]*$"),

    # --- leading, English --------------------------------------------------------------------
    # "Don't you think…", "Isn't it…", "Wouldn't you agree…"
    _r(LEADING, "en", r"(?:don't|dont|doesn't|doesnt|didn't|didnt|aren't|arent|isn't|isnt|wasn't|",
       r"wasnt|weren't|werent|haven't|havent|hasn't|hasnt|hadn't|won't|wouldn't|wouldnt|can't|",
       r"couldn't|couldnt)<E>"),
    # "Do you not think…", "Is it not…"
    _r(LEADING, "en", r"(?:do|does|did|are|is|was|were|have|has|would|will)\s+",
       r"(?:you|it|that|this|he|she|they|we)\s+not<E>"),
    # "Surely…"
    _r(LEADING, "en", r"surely<E>"),
    # Tag question at the end: "…, right?", "…, isn't it?"
    _tail(LEADING, "en", r",\s*(?:right|no|isn't\s+it|don't\s+you|didn't\s+you|aren't\s+you|",
          r"wasn't\s+it|doesn't\s+it|won't\s+you|wouldn't\s+you)\s*[?!.]*$"),

    # --- closed, Dutch -----------------------------------------------------------------------
    # "Denk je…", "Ga je…", "Heb jij…" (a subject must follow: "Vertel eens…" is open)
    _r(CLOSED, "nl", r"<NL_STEM>\s+(?:je|jij|ik)<E>"),
    # "Heeft…", "Was…", "Gaat…", "Moet…", "Is het…", "Zou het…"
    _r(CLOSED, "nl", r"<NL_FINITE><E>"),

    # --- closed, English ---------------------------------------------------------------------
    # "Do you…", "Did…", "Are you…", "Is it…", "Have you…", "Can you…", "Would…"
    _r(CLOSED, "en", r"(?:do|does|did|are|is|was|were|am|have|has|had|can|could|would|will|should|",
       r"shall|may|might|must)<E>"),
)
# fmt: on

_FLAGS = {"i": re.IGNORECASE}


def _compile(rule: Rule) -> re.Pattern[str]:
    flags = 0
    for f in rule.flags:
        flags |= _FLAGS[f]
    return re.compile(rule.pattern, flags)


_COMPILED: tuple[tuple[Rule, re.Pattern[str]], ...] = tuple((r, _compile(r)) for r in RULES)


def _first_chars(body: str) -> frozenset[str] | None:
    """The lowercase ASCII characters a match of `body` can start with, or None when that is not
    known to be a short list (anything else may come first: an optional part, a class like \\s)."""
    # The standard library's own regex parser (re._parser, re._constants: no public API).
    c: Any = importlib.import_module("re._constants")
    _parser: Any = importlib.import_module("re._parser")

    def firsts(item: tuple[Any, Any]) -> set[str] | None:
        op, av = item
        if op is c.LITERAL:
            return {chr(av)}
        if op is c.IN:
            out: set[str] = set()
            for iop, iav in av:
                if iop is not c.LITERAL:
                    return None
                out.add(chr(iav))
            return out
        if op is c.BRANCH:
            out = set()
            for branch in av[1]:
                if not branch.data or branch.getwidth()[0] == 0:
                    return None
                f = firsts(branch.data[0])
                if f is None:
                    return None
                out |= f
            return out
        if op is c.SUBPATTERN and av[3].data and av[3].getwidth()[0] > 0:
            return firsts(av[3].data[0])
        if op is c.MAX_REPEAT and av[0] > 0 and av[2].data:
            return firsts(av[2].data[0])
        return None

    parsed = _parser.parse(body, re.IGNORECASE)
    if not parsed.data or parsed.getwidth()[0] == 0:
        return None
    got = firsts(parsed.data[0])
    if got is None or not all(ch.isascii() for ch in got):
        return None
    return frozenset(ch.lower() for ch in got)


def _by_first_char() -> dict[str, tuple[tuple[Rule, re.Pattern[str]], ...]]:
    """For each ASCII character a normalised text may start with: the rules (in table order) that
    can match such a text when it does not start with a filler word. A rule anchored at the start
    whose body can only begin with other characters cannot match it, so `check` need not try it."""
    firsts = [
        _first_chars(r.pattern[len(_START) :]) if r.pattern.startswith(_START) else None for r, _ in _COMPILED
    ]
    return {
        chr(i): tuple(rx for rx, f in zip(_COMPILED, firsts, strict=True) if f is None or chr(i).lower() in f)
        for i in range(128)
    }


_BY_FIRST = _by_first_char()

# The filler words in front of a question ("En…", "So,…"), all of them: one greedy pass that never
# backtracks, since nothing follows it in the pattern. The rules' own `_START` then matches nothing.
FILLERS = re.compile(_START, re.IGNORECASE)
# How much of the text the rules look at: the first WINDOW characters after the fillers (the rules
# anchored at the start) and the last WINDOW characters (the tag questions at the end).
WINDOW = 200

# Leading noise to drop: whitespace, quotes, dashes and bullets. Mirrored in hints.js.
_LEADING_NOISE = re.compile("^[\\s\"'`´“”„‚‘’«»‹›\\-–—•*·]+")
_APOSTROPHES = re.compile("[‘’ʼ`´]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Drop leading whitespace/quotes/bullets, unify apostrophes and spaces, lowercase."""
    text = _LEADING_NOISE.sub("", text)
    text = _APOSTROPHES.sub("'", text)
    text = _SPACES.sub(" ", text).strip()
    return text.lower()


def windows(norm: str) -> tuple[str, str]:
    """The two bounded parts of a normalised text the rules see: the start without its filler
    words (for the anchored rules) and the end (for the tag questions). Mirrored in hints.js."""
    m = FILLERS.match(norm)
    start = m.end() if m else 0
    return norm[start : start + WINDOW], norm[-WINDOW:]


@functools.lru_cache(maxsize=256)
def check(text: str) -> str | None:
    """The hint code for a question card ("advice", "leading", "closed") or None.

    Cached: a card's flag is decided when it is written and derived again when the event is
    applied (server/rooms/cards.py), for the same text."""
    norm = normalise(text)
    if not norm:
        return None
    head, tail = windows(norm)
    rules = _BY_FIRST.get(head[0], _COMPILED) if head else _COMPILED
    return _first_match(head, tail, rules)


def check_rule_by_rule(text: str) -> str | None:
    """`check` without skipping any rule: the definition that `check` must agree with."""
    norm = normalise(text)
    return _first_match(*windows(norm), _COMPILED) if norm else None


def _first_match(head: str, tail: str, rules: tuple[tuple[Rule, re.Pattern[str]], ...]) -> str | None:
    """The hint code of the first of `rules` that matches (the "open" rules mean no hint): a rule
    anchored at the start is tried on `head`, a tag-question rule on `tail`."""
    for rule, rx in rules:
        if rx.search(head if rule.pattern.startswith("^") else tail):
            return None if rule.code == NO_HINT else rule.code
    return None


def message(code: str, lang: str) -> str:
    """The gentle hint text for `code` (catalog key `hint_<code>`, shared with the browser), in
    English for lang "en", otherwise Dutch."""
    if code not in CODES:
        raise ValueError(f"unknown hint code {code!r}")
    return i18n.t(lang, "hint_" + code)


def client_rules() -> list[dict[str, str]]:
    """The rule table, in precedence order, as JSON-able dicts for the browser."""
    return [{"code": r.code, "pattern": r.pattern, "flags": r.flags} for r in RULES]
