"""UI strings: one JSON catalog per language, shared by the server and the browser client.

The catalogs are `client/i18n/<lang>.json` (package data, served to the browser at
`/i18n/<lang>.json`, and as an ES module at `/i18n/<lang>.js`, which the page imports for its own
language). A catalog maps a key to either a
string or, for a count, an object keyed by CLDR plural category ("one", "other", ...). Placeholders
are `{name}`; a plural entry takes its count from the placeholder `n`, and the category comes from
Babel's CLDR rules for the language (the browser uses `Intl.PluralRules`, the same CLDR data).

A key missing from a catalog never falls back to another language: `t` logs an error and returns
the key marked as `⟦key⟧`, and raises `MissingTranslation` instead when KRING_STRICT_I18N is set
(the tests set it).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import re
from collections.abc import Callable
from typing import Any

from babel import Locale
from babel.dates import format_date
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .assets import Assets
from .paths import I18N

log = logging.getLogger("kring.i18n")

LANGS = ("nl", "en")
DEFAULT = "nl"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Entry = str | dict[str, str]

# Content stamps of the catalog files: served at /i18n/<lang>.json?v=<stamp> (server/app.py),
# cached for a year under the current stamp, like the static files (server/assets.py).
stamps = Assets(I18N)


class MissingTranslation(KeyError):
    """A key (or a plural category, or a placeholder value) that the catalog cannot give."""


def norm(lang: str | None) -> str:
    """A supported language: `lang` itself, or the default for anything else."""
    return lang if lang in LANGS else DEFAULT


@functools.cache
def catalog(lang: str) -> dict[str, Entry]:
    """The catalog of a supported language, read once."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    with open(I18N / f"{lang}.json", encoding="utf-8") as fh:
        data: dict[str, Entry] = json.load(fh)
    return data


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@functools.cache
def long_date(iso: str, lang: str) -> str:
    """ "14 maart 2025" / "14 March 2025" from "2025-03-14", as the browser writes dates
    (client/static/js/core/time.js longDate); anything else as it is."""
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return format_date(d, "d MMMM y", locale=_locale(norm(lang)))


def plural_categories(lang: str) -> frozenset[str]:
    """The CLDR plural categories of `lang` ("other" always among them)."""
    return frozenset(_locale(lang).plural_form.tags | {"other"})


def plural_category(lang: str, n: float) -> str:
    """Babel's CLDR plural category of the count `n` in `lang`: "one", "other", ..."""
    category: str = _locale(lang).plural_form(n)
    return category


def _missing(lang: str, what: str) -> str:
    if os.environ.get("KRING_STRICT_I18N"):
        raise MissingTranslation(f"{lang}: {what}")
    log.error("missing translation: %s: %s", lang, what)
    return f"⟦{what}⟧"


def has(lang: str, key: str) -> bool:
    return key in catalog(norm(lang))


def t(lang: str, key: str, **params: Any) -> str:
    """The text of `key` in `lang` with its {placeholders} filled in; plurals by `n`."""
    lang = norm(lang)
    entry = catalog(lang).get(key)
    if entry is None:
        return _missing(lang, key)
    if isinstance(entry, dict):
        if "n" not in params:
            return _missing(lang, f"{key} (a plural needs n)")
        category = plural_category(lang, params["n"])
        text = entry.get(category)
        if text is None:
            return _missing(lang, f"{key}.{category}")
    else:
        text = entry

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in params:
            return _missing(lang, f"{key}: no value for {{{name}}}")
        return str(params[name])

    return _PLACEHOLDER.sub(fill, text)


def translator(lang: str) -> Callable[..., str]:
    """`t` bound to one language, for templates: `{{ t("key", n=3) }}`."""
    lang = norm(lang)
    return functools.partial(t, lang)


def catalog_url(lang: str) -> str:
    """Where the browser fetches the catalog of `lang` (the language switch)."""
    return f"/i18n/{lang}.json?v={stamps.version(lang + '.json')}"


# The page's own catalog is an ES module, `import messages from "kring/catalog"` (core/i18n.js):
# each page's import map points this specifier at its language's module under the catalog's stamp,
# so a repeat load takes it from the cache (pages themselves are `no-store`).
MODULE = "kring/catalog"


def module_url(lang: str) -> str:
    """The stamped URL of the ES module whose default export is the catalog of `lang`."""
    return f"/i18n/{lang}.js?v={stamps.version(lang + '.json')}"


_modules: dict[tuple[str, str], bytes] = {}


def module_source(lang: str) -> tuple[bytes, str]:
    """The catalog of `lang` as an ES module (JSON is a JavaScript expression), and its stamp:
    the file as it is now, like the static files (a checkout being edited gets a new stamp)."""
    stamp = stamps.version(lang + ".json") or ""
    body = _modules.get((lang, stamp))
    if body is None:
        text = (I18N / f"{lang}.json").read_text(encoding="utf-8")
        json.loads(text)  # a broken catalog fails here, not as a syntax error in every page
        body = b"export default " + text.strip().encode() + b";\n"
        _modules[(lang, stamp)] = body
    return body, stamp


@functools.cache
def page_json(lang: str) -> Markup:
    """What the page embeds about the catalogs (`<script type="application/json" id="kring-i18n">`):
    its language, the languages and the other catalogs' stamped URLs (the language switch), as JSON
    with <, >, & and ' escaped (Jinja's `tojson`). The messages come from the cached module
    (`module_url`), not from the page."""
    data = {"lang": lang, "langs": list(LANGS), "urls": {x: catalog_url(x) for x in LANGS}}
    return htmlsafe_json_dumps(data, ensure_ascii=False, separators=(",", ":"))
