"""The translation catalogs (client/i18n/<lang>.json) and server/i18n.py: every language has every
key (plural categories included), the same placeholders, and every key the code names."""

from __future__ import annotations

import copy
import json
import logging
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

from server import i18n, report
from server.methods import ERROR_CODES, MethodError, MethodLibrary, parse_method, parse_toml, path_text

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "client"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    assert not dup, f"duplicate keys: {dup}"
    return dict(pairs)


def _raw(lang: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (CLIENT / "i18n" / f"{lang}.json").read_text("utf-8"), object_pairs_hook=_no_duplicates
    )
    return data


def test_one_catalog_per_language_and_nothing_else() -> None:
    assert sorted(p.stem for p in (CLIENT / "i18n").glob("*.json")) == sorted(i18n.LANGS)
    for lang in i18n.LANGS:
        assert _raw(lang) == i18n.catalog(lang)


def test_key_parity_with_plural_categories() -> None:
    """A key in one language is in all of them; a plural has exactly its language's CLDR categories."""
    cats = {lang: i18n.catalog(lang) for lang in i18n.LANGS}
    every = set().union(*(set(c) for c in cats.values()))
    for lang, c in cats.items():
        assert not every - set(c), f"{lang} lacks {sorted(every - set(c))}"
    for key in sorted(every):
        kinds = {lang: isinstance(c[key], dict) for lang, c in cats.items()}
        assert len(set(kinds.values())) == 1, f"{key}: a plural in some languages only: {kinds}"
        for lang, c in cats.items():
            entry = c[key]
            if isinstance(entry, dict):
                want = i18n.plural_categories(lang)
                assert set(entry) == want, f"{lang}: {key} has {sorted(entry)}, CLDR wants {sorted(want)}"
                assert all(isinstance(v, str) and v.strip() for v in entry.values()), (lang, key)
            else:
                assert isinstance(entry, str) and entry.strip(), (lang, key)


def test_plural_categories_come_from_cldr() -> None:
    for lang in i18n.LANGS:
        assert i18n.plural_categories(lang) == Locale.parse(lang).plural_form.tags | {"other"}
    assert i18n.plural_categories("nl") == {"one", "other"}


def _texts(entry: str | dict[str, str]) -> dict[str, str]:
    return entry if isinstance(entry, dict) else {"": entry}


def test_placeholders_match_across_languages() -> None:
    """The same {placeholders} in every language (per plural category), so no value goes missing."""
    nl = i18n.catalog("nl")
    for lang in i18n.LANGS:
        other = i18n.catalog(lang)
        for key, entry in nl.items():
            for cat, text in _texts(entry).items():
                mine = set(PLACEHOLDER.findall(text))
                theirs = set(PLACEHOLDER.findall(_texts(other[key])[cat]))
                assert mine == theirs, f"{key}{'.' + cat if cat else ''}: nl {mine}, {lang} {theirs}"


def test_plurals_by_babel() -> None:
    assert i18n.t("nl", "cueMinutes", n=1) == "1 minuut"
    assert i18n.t("nl", "cueMinutes", n=5) == "5 minuten"
    assert i18n.t("nl", "cueSeconds", n=0) == "0 seconden"
    assert i18n.t("en", "cueMinutes", n=1) == "1 minute"
    assert i18n.t("en", "earlierPhases", n=2) == "Earlier phases (2 cards)"
    assert i18n.t("nl", "earlierPhases", n=1) == "Eerdere fasen (1 kaart)"
    assert i18n.t("en", "grpTotal", n=1, m=20) == "(1 phase, 20 min)"


def test_placeholders_and_language_normalisation() -> None:
    assert i18n.t("nl", "broughtBy", name="Anna") == "Inbrenger: Anna"
    assert i18n.t("en", "broughtBy", name="Anna") == "Case-bringer: Anna"
    # An unsupported language is the default language, as everywhere in Kring.
    assert i18n.t("de", "broughtBy", name="Anna") == "Inbrenger: Anna"
    assert i18n.norm("en") == "en" and i18n.norm(None) == "nl" and i18n.norm("fr") == "nl"


def test_missing_key_raises_in_tests() -> None:
    # tests/conftest.py sets KRING_STRICT_I18N
    with pytest.raises(i18n.MissingTranslation):
        i18n.t("nl", "noSuchKey")
    with pytest.raises(i18n.MissingTranslation):
        i18n.t("en", "cueMinutes")  # a plural without n
    with pytest.raises(i18n.MissingTranslation):
        i18n.t("en", "broughtBy")  # no value for {name}


def test_missing_key_is_logged_and_marked_outside_tests(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("KRING_STRICT_I18N")
    with caplog.at_level(logging.ERROR, logger="kring.i18n"):
        assert i18n.t("en", "noSuchKey") == "⟦noSuchKey⟧"
    assert "missing translation: en: noSuchKey" in caplog.text


def test_page_json_names_the_catalogs_and_is_safe_in_a_script_element() -> None:
    for lang in i18n.LANGS:
        text = str(i18n.page_json(lang))
        assert "<" not in text and ">" not in text and "&" not in text
        data = json.loads(text)
        assert data["lang"] == lang and data["langs"] == list(i18n.LANGS)
        assert "messages" not in data  # the page's catalog is a cached module (i18n.module_url)
        assert re.fullmatch(rf"/i18n/{lang}\.js\?v=[0-9a-f]{{12}}", i18n.module_url(lang))
        body, stamp = i18n.module_source(lang)
        assert body.startswith(b"export default {") and body.endswith(b"};\n")
        assert json.loads(body[len(b"export default ") : -2]) == i18n.catalog(lang)
        assert i18n.module_url(lang).endswith("?v=" + stamp)
        # The other catalogs under content-stamped URLs (served by server/app.py's /i18n mount).
        assert data["urls"] == {x: i18n.catalog_url(x) for x in i18n.LANGS}
        assert re.fullmatch(r"/i18n/en\.json\?v=[0-9a-f]{12}", data["urls"]["en"])


# --- every key the code names is in the catalogs ------------------------------------------------------

# Which catalog section a template's `L.key` reads: a board tool's component has its own section.
SECTION_OF_TEMPLATE = {
    "partials/drawing.html": "drawing.",
    "partials/forcefield.html": "forcefield.",
    "partials/mindmap.html": "mindmap.",
    "partials/plan.html": "plan.",
    "partials/vote.html": "vote.",
    "partials/pairs.html": "pairs.",
    "projector.html": "projector.",
    "report.html": "report.",
}
TOOL_FILES = ("drawing", "forcefield", "mindmap", "plan", "vote", "pairs", "projector", "report")


def _named_keys() -> dict[str, set[str]]:
    """{key: where} for every literal key in the templates and the JS files."""
    found: dict[str, set[str]] = {}

    def add(key: str, where: str) -> None:
        found.setdefault(key, set()).add(where)

    templates = CLIENT / "templates"
    for path in sorted(templates.rglob("*.html")):
        rel = path.relative_to(templates).as_posix()
        text = path.read_text("utf-8")
        for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""", text):
            add(key, rel)
        prefix = SECTION_OF_TEMPLATE.get(rel, "")
        for key in re.findall(r"\bL\.(\w+)", text):
            add(prefix + key, rel)
    # A literal key, not the start of one built with + (those are checked by the browser tests).
    lit = r"""["']([\w.]+)["'](?!\s*\+)"""
    js = CLIENT / "static" / "js"
    for path in sorted(js.rglob("*.js")):
        if path.name == "i18n.js":
            continue  # the machinery; its comments show made-up keys
        text = path.read_text("utf-8")
        where = path.relative_to(js).as_posix()
        # A board tool's modules are named after it: tools/mindmap.js, tools/mindmap-layout.js.
        tool_name = path.stem.split("-")[0]
        tool = tool_name in TOOL_FILES
        for key in re.findall(r"kringI18n\.t\([^,()]+,\s*" + lit, text):
            add(key, where)
        for key in re.findall(r"(?:store|kring|K)\.t\(\s*" + lit, text):
            add(key, where)
        prefix = tool_name + "." if tool else ""
        for key in re.findall(r"(?:this|self)\.f\(\s*" + lit, text):
            add(prefix + key, where)
        # In the board tools T is the tool's L; elsewhere it is conn.js's message-type table.
        for key in re.findall(r"\b(?:L|T)\.(\w+)\b" if tool else r"\bL\.(\w+)\b", text):
            add(prefix + key, where)
    return found


def test_every_key_the_code_names_exists() -> None:
    found = _named_keys()
    assert len(found) > 400  # the scan sees the code
    for lang in i18n.LANGS:
        missing = {k: sorted(w) for k, w in found.items() if k not in i18n.catalog(lang)}
        assert not missing, f"{lang}: {missing}"


# --- method validation errors --------------------------------------------------------------------------


def test_every_method_error_code_has_a_message() -> None:
    for lang in i18n.LANGS:
        for code in ERROR_CODES:
            assert i18n.has(lang, "methodError." + code), (lang, code)
    for key in i18n.catalog("nl"):
        if key.startswith("methodError."):
            assert key.removeprefix("methodError.") in ERROR_CODES, key


def _basis() -> dict[str, Any]:
    data = tomllib.loads((ROOT / "methods" / "basis.toml").read_text("utf-8"))
    data["id"] = "eigen"
    return data


def _broken() -> list[tuple[dict[str, Any] | str, str, list[str | int]]]:
    cases: list[tuple[dict[str, Any] | str, str, list[str | int]]] = []

    def case(change: Any, code: str, path: list[str | int]) -> None:
        d = _basis()
        change(d)
        cases.append((d, code, path))

    case(lambda d: d.update(id="Eigen Methode"), "bad_id", ["id"])
    case(lambda d: d.update(level="pro"), "one_of", ["level"])
    case(lambda d: d["phases"][0]["title"].update(nl=" "), "empty_text", ["phases", 0, "title", "nl"])
    case(lambda d: d["phases"][1].update(tools=["laser"]), "unknown_value", ["phases", 1, "tools"])
    case(lambda d: d["phases"][1].update(fallback="nergens"), "bad_fallback", ["phases", 1, "fallback"])
    case(lambda d: d["phases"][2].update(minutes=0), "bad_minutes", ["phases", 2, "minutes"])
    case(lambda d: d["phases"][2].update(id=d["phases"][1]["id"]), "duplicate_phase", ["phases", 2, "id"])
    case(lambda d: d["name"].update(de="Name"), "unknown_lang", ["name"])
    case(lambda d: d.update(phases=[d["phases"][0]] * 31), "too_many_phases", ["phases"])
    case(lambda d: d.pop("summary"), "missing", ["summary"])
    cases.append(('id = "x"\n[[', "bad_toml", []))
    return cases


@pytest.mark.parametrize("data,code,path", _broken())
def test_method_errors_carry_code_path_and_params(
    data: dict[str, Any] | str, code: str, path: list[str | int]
) -> None:
    basic_ids = MethodLibrary.load(ROOT / "methods").basic_ids
    with pytest.raises(MethodError) as got:
        if isinstance(data, str):
            parse_toml(data, "import.toml", basic_ids)
        else:
            parse_method(copy.deepcopy(data), "method", basic_ids)
    e = got.value
    assert e.detail() == {"code": code, "path": path, "params": e.params}
    json.dumps(e.detail())
    if path:
        # The English message names the same field.
        assert str(e).startswith(f"method: {path_text(tuple(path))}: ")
    for lang in i18n.LANGS:
        # The catalog's message takes exactly the values the error gives (strict: raises otherwise).
        text = i18n.t(lang, "methodError." + code, **e.params)
        assert "{" not in text


# --- the Markdown report --------------------------------------------------------------------------------


def _view() -> dict[str, Any]:
    def rated(mean: float | None) -> dict[str, Any]:
        return {"mean": mean, "spread": 0.5, "n": 2}

    kinds = ["question", "advice", "position", "reflection", "association", "judgement", "statement"]
    kinds += ["observation", "idea", "reformulation", "success", "alternative", "value"]
    return {
        "room": {"title": "Intervisie"},
        "method": {
            "name": {"nl": "Basismethode", "en": "Basic method"},
            "phases": [
                {
                    "id": "intro",
                    "title": {"nl": "Intro", "en": "Intro"},
                    "minutes": 10,
                    "used_ms": 540000,
                    "tools": ["text", "plan"],
                    "outcomes": [{"id": "x", "label": {"nl": "Wat deed ik", "en": "What I did"}}],
                }
            ],
        },
        "participants": {"p1": {"name": "Anna", "roles": []}, "p2": {"name": "Bram", "roles": ["listener"]}},
        "outcomes": {"intro/x": "Ik belde"},
        "case": {"question": "Wat nu?", "reformulation": "Hoe dan?"},
        "mindmap": {"root": "Wat nu?", "nodes": {"a": {"parent": "root", "text": "Team"}}},
        "forcefield": {
            "current": "Nu",
            "desired": "Straks",
            "forces": {
                "f": {
                    "side": "promoting",
                    "text": "Steun",
                    "influenceable": True,
                    "summary": {
                        "importance": rated(4.0),
                        "difficulty": rated(2.0),
                        "clarity": rated(None),
                        "n": 2,
                    },
                }
            },
        },
        "notes": {"n": {"revealed": True, "author": "p2", "text": "Let op", "phase": "intro"}},
        "cards": {
            k: {
                "private": False,
                "revealed": False,
                "at": i,
                "kind": k,
                "phase": "intro",
                "author": "p1",
                "text": k,
                "useful": i == 0,
            }
            for i, k in enumerate(kinds)
        },
        "plan": {"action": "Bellen"},
        "evaluation": {"n": 2, "content": {"n": 2, "mean": 4.5}, "process": {"n": 2, "mean": 4.0}},
    }


def test_report_words_come_from_the_catalog() -> None:
    nl = report.markdown(_view(), "nl")
    en = report.markdown(_view(), "en")
    assert nl.startswith("# Verslag: Intervisie\n\n**Methode:** Basismethode\n\n## Fasen\n")
    assert "- Intro: gepland 10 min, gebruikt 9 min" in nl
    assert "- **Actie:** Bellen" in nl and "- **Terugkijkdatum:** (leeg)" in nl
    # The method's own phases as sections: outcomes, cards by kind, notes by their writers' role.
    assert "## 1. Intro\n\n- **Wat deed ik:** Ik belde\n" in nl
    assert (
        "### Vragen\n\n- question (Anna) ✓ bruikbaar\n" in nl
        and "### Kernbeweringen\n\n- statement (Anna)" in nl
    )
    assert "- inhoud: 4.5 (n=2)" in nl and "### Notities van de stille luisteraars\n\n- Let op (Bram)" in nl
    assert "## Actieplan" in nl
    assert en.startswith("# Report: Intervisie\n\n**Method:** Basic method\n\n## Phases\n")
    assert "- Steun — influenceable — importance 4.0 (±0.5), difficulty 2.0 (±0.5), n=2" in en
    assert "- **Review date:** (empty)" in en and "- process: 4.0 (n=2)" in en
    assert report.markdown(_view(), "de") == nl
    # No action plan where the method has none; the inbrenger's notes are labelled as theirs.
    v = _view()
    v["method"]["phases"][0]["tools"] = ["text"]
    v["participants"]["p2"]["roles"] = ["inbrenger"]
    nl = report.markdown(v, "nl")
    assert "Actieplan" not in nl and "### Notities van de inbrenger\n\n- Let op (Bram)" in nl
    assert "stille luisteraars" not in nl


def test_report_shows_the_viewers_own_evaluation_answers_only() -> None:
    v = _view()
    assert "Jouw eigen antwoorden" not in report.markdown(v, "nl")  # none given: no section
    v["evaluation"]["mine"] = {"content": 4, "process": 3, "learned": "Meer *vragen*"}
    nl = report.markdown(v, "nl")
    assert "### Jouw eigen antwoorden (alleen in jouw verslag)" in nl
    assert "- inhoud: 4" in nl and "- proces: 3" in nl and "- geleerd: Meer \\*vragen\\*" in nl
    assert "### Your own answers (only in your report)" in report.markdown(v, "en")
