"""The built-in method library (methods/*.toml) and the schema errors of server/methods.py."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from server.methods import MethodError, MethodLibrary, Phase, parse_method, parse_toml, to_toml

METHODS_DIR = Path(__file__).parents[2] / "methods"
BASIS_FILE = METHODS_DIR / "basis.toml"

EXPECTED_IDS = {
    "basis",
    "incident",
    "balint",
    "tienstappen",
    "socratisch",
    "waarderend",
    "krachtenveld",
    "ui-model",
    "coaching",
    "roddel",
    "reflecting-team",
    "clinic",
    "vijfstappen",
    "oplossingsgericht",
}
APPRECIATIVE = {"geheim-van-de-smid", "waarderend", "oplossingsgericht"}
CONVERSATION_CARDS = {"question", "advice"}


@pytest.fixture(scope="module")
def lib() -> MethodLibrary:
    return MethodLibrary.load(METHODS_DIR)


def phase(lib: MethodLibrary, method_id: str, phase_id: str) -> Phase:
    m = lib.get(method_id)
    assert m is not None, f"no method {method_id!r}"
    i = m.phase_index(phase_id)
    assert i is not None, f"{method_id} has no phase {phase_id!r}"
    return m.phases[i]


# --- the library as a whole ------------------------------------------------------------------


def test_library_has_all_methods(lib: MethodLibrary) -> None:
    ids = {m.id for m in lib}
    assert len(ids) >= 14
    assert ids >= EXPECTED_IDS
    assert next(iter(lib)).id == "basis"


def test_method_ids_match_file_names() -> None:
    for f in METHODS_DIR.glob("*.toml"):
        assert tomllib.loads(f.read_text("utf-8"))["id"] == f.stem


def test_fallbacks_point_into_basis(lib: MethodLibrary) -> None:
    basic_ids = lib.basic_ids
    assert basic_ids == {"introductie", "keuze", "onderzoeken", "herformulering", "actieplan", "evaluatie"}
    for m in lib:
        for p in m.phases:
            assert p.fallback in basic_ids, f"{m.id}.{p.id} falls back to {p.fallback!r}"


def test_texts_are_present_in_both_languages(lib: MethodLibrary) -> None:
    for m in lib:
        for label, t in (("name", m.name), ("summary", m.summary), ("purpose", m.purpose)):
            assert t.nl.strip() and t.en.strip(), f"{m.id}.{label}"
        assert m.rules, f"{m.id} has no rules"
        for p in m.phases:
            for label, t in (("title", p.title), ("instructions", p.instructions)):
                assert t.nl.strip(), f"{m.id}.{p.id}.{label}.nl"
                assert t.en.strip(), f"{m.id}.{p.id}.{label}.en"
            assert p.instructions.nl != p.instructions.en, f"{m.id}.{p.id} is not translated"


def test_total_minutes_are_plausible(lib: MethodLibrary) -> None:
    for m in lib:
        assert 40 <= m.minutes <= 180, f"{m.id} takes {m.minutes} minutes"


def test_levels_kinds_and_roles(lib: MethodLibrary) -> None:
    for m in lib:
        assert m.kind == ("appreciative" if m.id in APPRECIATIVE else "problem"), m.id
        assert "facilitator" in m.roles
        assert "inbrenger" in m.roles
        for p in m.phases:
            if "coach" in p.writers or "coach" in p.note_writers:
                assert "coach" in m.roles, f"{m.id}.{p.id} names a coach the method lacks"


def test_every_method_ends_with_evaluation(lib: MethodLibrary) -> None:
    for m in lib:
        last = m.phases[-1]
        assert "evaluation" in last.tools, m.id
        assert last.fallback == "evaluatie", m.id
        assert last.writers == ("all",), m.id
        assert last.cards == ("reflection",), m.id


def test_every_method_has_an_action_plan(lib: MethodLibrary) -> None:
    # "No closing without an AP or at least a first step" (domain.md §3); socratisch has no plan.
    for m in lib:
        if m.id == "socratisch":
            continue
        assert any("plan" in p.tools and p.fallback == "actieplan" for p in m.phases), m.id


def test_evaluation_tool_only_in_evaluation_phases(lib: MethodLibrary) -> None:
    for m in lib:
        for p in m.phases:
            if "evaluation" in p.tools:
                assert p.fallback == "evaluatie", f"{m.id}.{p.id}"


def test_the_method_survives_a_round_trip(lib: MethodLibrary) -> None:
    for m in lib:
        assert parse_method(m.to_dict(), m.id, lib.basic_ids) == m


# --- role rules -------------------------------------------------------------------------------


def test_silent_listeners_never_post_questions_or_advice(lib: MethodLibrary) -> None:
    for m in lib:
        for p in m.phases:
            if CONVERSATION_CARDS & set(p.cards):
                assert not {"listeners", "all"} & set(p.writers), f"{m.id}.{p.id} lets listeners write"


def test_no_advice_before_the_advice_phase(lib: MethodLibrary) -> None:
    for m in lib:
        for p in m.phases:
            if "advice" in p.cards or "advice" in p.tools:
                assert p.fallback == "actieplan", f"{m.id}.{p.id} opens advice too early"
    tien = lib.get("tienstappen")
    assert tien is not None
    with_advice = [p.id for p in tien.phases if "advice" in p.cards or "advice" in p.tools]
    assert with_advice == ["wat-gaat-de-inbrenger-doen"]
    assert tien.phases[-2].id == "wat-gaat-de-inbrenger-doen"
    for mid in ("socratisch", "waarderend", "oplossingsgericht", "coaching", "reflecting-team", "roddel"):
        m = lib.get(mid)
        assert m is not None
        assert not any("advice" in p.cards for p in m.phases), mid


def test_private_phases_have_a_card_kind(lib: MethodLibrary) -> None:
    for m in lib:
        for p in m.phases:
            if p.private:
                assert p.cards, f"{m.id}.{p.id}"


def test_incident(lib: MethodLibrary) -> None:
    p = phase(lib, "incident", "vragen-noteren")
    assert p.private and p.cards == ("question",) and p.writers == ("participants",)
    p = phase(lib, "incident", "standpuntbepaling")
    assert p.private and p.cards == ("position",) and p.writers == ("participants",)
    p = phase(lib, "incident", "standpunten")
    assert not p.private and "position" in p.cards and "rounds" in p.tools
    assert "inbrenger" not in p.writers
    p = phase(lib, "incident", "informatieronde")
    assert not p.private and "question" in p.cards and "advice" not in p.cards
    m = lib.get("incident")
    assert m is not None
    order = [q.id for q in m.phases]
    assert order.index("vragen-noteren") < order.index("informatieronde")
    assert (
        order.index("standpuntbepaling") < order.index("standpunten") < order.index("wat-deed-de-inbrenger")
    )


def test_balint(lib: MethodLibrary) -> None:
    p = phase(lib, "balint", "associeren")
    assert p.private and p.cards == ("association",)
    assert "inbrenger" not in p.writers
    p = phase(lib, "balint", "individueel-oordeel")
    assert p.private and p.cards == ("judgement",)
    p = phase(lib, "balint", "oordeelsvorming")
    assert not p.private and "judgement" in p.cards
    assert {"mindmap", "rounds"} <= set(p.tools)
    assert p.writers == ("participants",)
    p = phase(lib, "balint", "beeldvorming")
    assert p.cards == ("question",)


def test_socratisch(lib: MethodLibrary) -> None:
    p = phase(lib, "socratisch", "ieders-kernbewering")
    assert p.private and p.cards == ("statement",) and p.writers == ("participants",)
    # The voorbeeldgever's kernbewering is an outcome field, pinned in every later phase.
    p = phase(lib, "socratisch", "kernbewering")
    assert not p.private and [o.id for o in p.outcomes] == ["kernbewering"]
    assert [o.writers for o in p.outcomes] == [("inbrenger",)]
    assert "outcomes" in phase(lib, "socratisch", "onderzoek").show


def test_tienstappen(lib: MethodLibrary) -> None:
    m = lib.get("tienstappen")
    assert m is not None
    p = phase(lib, "tienstappen", "vragen-formuleren")
    assert p.private and p.cards == ("question",)
    p = phase(lib, "tienstappen", "probleem-formuleren")
    assert p.private and p.cards == ("reformulation",)
    # opening + ten steps + evaluation
    assert len(m.phases) == 12


def test_roddel(lib: MethodLibrary) -> None:
    p = phase(lib, "roddel", "roddelen")
    assert p.writers == ("participants",)
    assert {"mindmap", "notes"} <= set(p.tools)
    assert p.note_writers == ("inbrenger",)
    assert "inbrenger" not in p.writers


def test_reflecting_team(lib: MethodLibrary) -> None:
    m = lib.get("reflecting-team")
    assert m is not None and "coach" in m.roles
    p = phase(lib, "reflecting-team", "interview")
    assert set(p.writers) == {"coach", "inbrenger"}
    assert "notes" in p.tools
    assert set(p.note_writers) == {"participants", "listeners"}
    p = phase(lib, "reflecting-team", "reflectie")
    assert p.writers == ("participants",)
    assert p.cards == ("reflection",)
    assert "inbrenger" not in p.writers


def test_coaching(lib: MethodLibrary) -> None:
    m = lib.get("coaching")
    assert m is not None and {"coach", "listener"} <= set(m.roles)
    p = phase(lib, "coaching", "coachgesprek")
    assert set(p.writers) == {"coach", "inbrenger"}
    assert "notes" in p.tools
    assert p.note_writers == ("listeners",)
    p = phase(lib, "coaching", "luisterronde")
    assert p.writers == ("listeners",)
    assert p.cards == ("observation",)
    assert "rounds" in p.tools


def test_krachtenveld_follows_the_seven_steps(lib: MethodLibrary) -> None:
    m = lib.get("krachtenveld")
    assert m is not None
    ph = m.phases
    assert [p.minutes for p in ph[:6]] == [15, 20, 15, 20, 15, 10]
    assert "forcefield" not in ph[0].tools
    assert all("forcefield" in p.tools for p in ph[1:4])
    assert all("plan" in p.tools for p in ph[4:6])
    assert not any("plan" in p.tools for p in ph[:4])
    assert ph[4].show == ("forcefield",)  # the action plan has the force-field diagram on screen
    assert "evaluation" in ph[-1].tools


def test_ui_model_peels_six_layers(lib: MethodLibrary) -> None:
    m = lib.get("ui-model")
    assert m is not None
    layers = [p for p in m.phases if p.id.startswith("laag-")]
    assert [p.id for p in layers] == [
        "laag-omgeving",
        "laag-gedrag",
        "laag-vaardigheden",
        "laag-overtuigingen",
        "laag-identiteit",
        "laag-kern",
    ]
    assert all(p.minutes == 7 for p in layers)


def test_appreciative_methods_have_no_problem_analysis_cards(lib: MethodLibrary) -> None:
    for mid in APPRECIATIVE:
        m = lib.get(mid)
        assert m is not None
        assert not any({"advice", "judgement"} & set(p.cards) for p in m.phases), mid


# --- schema errors ----------------------------------------------------------------------------


def basis_data() -> dict[str, Any]:
    return tomllib.loads(BASIS_FILE.read_text("utf-8"))


def basis_ids() -> frozenset[str]:
    return frozenset(p["id"] for p in basis_data()["phases"])


Mutation = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: Any) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        target: Any = d
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = value

    return f


def _both(*fs: Mutation) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        for g in fs:
            g(d)

    return f


def _del(path: tuple[Any, ...]) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        target: Any = d
        for k in path[:-1]:
            target = target[k]
        del target[path[-1]]

    return f


def _as_other_method(fallback: str) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        d["id"] = "proef"
        d["phases"][0]["fallback"] = fallback

    return f


def _repeat_phase(i: int) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        d["phases"].append(copy.deepcopy(d["phases"][i]))

    return f


# (case name, mutation, pass basic_ids, expected message substring)
SCHEMA_CASES: list[tuple[str, Mutation, bool, str]] = [
    ("unknown top key", _set(("colour",), "red"), False, "basis.toml: colour: unknown key"),
    ("unknown phase key", _set(("phases", 2, "timer"), 5), False, "phases[2].timer: unknown key"),
    ("missing top key", _del(("roles",)), False, "basis.toml: roles: missing"),
    ("missing phase key", _del(("phases", 1, "fallback")), False, "phases[1].fallback: missing"),
    ("missing nl text", _del(("name", "nl")), False, "name.nl: missing or empty text"),
    ("empty en text", _set(("summary", "en"), "   "), False, "summary.en: missing or empty text"),
    (
        "empty phase instructions",
        _set(("phases", 3, "instructions", "nl"), ""),
        False,
        "phases[3].instructions.nl: missing or empty text",
    ),
    ("unknown language", _set(("purpose", "de"), "Zweck"), False, "unknown language key 'de'"),
    ("text not a table", _set(("name",), "Basis"), False, "name: must be a table with 'nl' and 'en'"),
    (
        "unknown tool",
        _set(("phases", 2, "tools"), ["questions", "whiteboard"]),
        False,
        "phases[2].tools: unknown value 'whiteboard'",
    ),
    (
        "unknown card kind",
        _set(("phases", 2, "cards"), ["rant"]),
        False,
        "phases[2].cards: unknown value 'rant'",
    ),
    (
        "unknown writer",
        _set(("phases", 2, "writers"), ["boss"]),
        False,
        "phases[2].writers: unknown value 'boss'",
    ),
    (
        "unknown note writer",
        _set(("phases", 2, "note_writers"), ["everyone"]),
        False,
        "phases[2].note_writers: unknown value 'everyone'",
    ),
    (
        "duplicate tool",
        _set(("phases", 0, "tools"), ["text", "text"]),
        False,
        "phases[0].tools: has a duplicate",
    ),
    (
        "tools not a list",
        _set(("phases", 0, "tools"), "text"),
        False,
        "phases[0].tools: must be a list of strings",
    ),
    (
        "duplicate phase id",
        _repeat_phase(0),
        False,
        "phases[6].id: duplicate phase id 'introductie'",
    ),
    ("bad phase id", _set(("phases", 1, "id"), "Keuze!"), False, "phases[1].id: must be 1-40 characters"),
    ("bad method id", _set(("id",), "Basis Methode"), False, "basis.toml: id: must be 1-40 characters"),
    ("bad fallback", _as_other_method("nergens"), True, "'nergens' is not a phase of the basic method"),
    ("minutes 0", _set(("phases", 0, "minutes"), 0), False, "phases[0].minutes: must be a whole number"),
    (
        "minutes too many",
        _set(("phases", 0, "minutes"), 241),
        False,
        "phases[0].minutes: must be a whole number",
    ),
    (
        "minutes as string",
        _set(("phases", 0, "minutes"), "10"),
        False,
        "phases[0].minutes: must be a whole number",
    ),
    (
        "minutes as bool",
        _set(("phases", 0, "minutes"), True),
        False,
        "phases[0].minutes: must be a whole number",
    ),
    (
        "private without cards",
        _both(_set(("phases", 0, "cards"), []), _set(("phases", 0, "private"), True)),
        False,
        "phases[0].private: a private phase needs at least one card kind",
    ),
    (
        "private not a bool",
        _set(("phases", 2, "private"), "yes"),
        False,
        "phases[2].private: must be true or false",
    ),
    (
        "nobody writes",
        _set(("phases", 1, "writers"), []),
        False,
        "phases[1].writers: nobody may write in a phase that opens a board tool",
    ),
    ("level invalid", _set(("level",), "expert"), False, "level: must be one of beginner, experienced"),
    ("kind invalid", _set(("kind",), "fun"), False, "kind: must be one of appreciative, problem"),
    (
        "roles without facilitator",
        _set(("roles",), ["inbrenger", "listener"]),
        False,
        "roles: must include 'facilitator'",
    ),
    ("unknown role", _set(("roles",), ["facilitator", "chair"]), False, "roles: unknown value 'chair'"),
    ("no phases", _set(("phases",), []), False, "phases: must be a non-empty list"),
    ("rules not a list", _set(("rules",), "be nice"), False, "rules: must be a list of {nl, en} tables"),
    ("source not a string", _set(("source",), 4), False, "source: must be a string"),
    (
        "show an unshowable tool",
        _set(("phases", 3, "show"), ["vote"]),
        False,
        "phases[3].show: unknown value 'vote'",
    ),
    (
        "show a tool the phase opens",
        _set(("phases", 2, "show"), ["mindmap"]),
        False,
        "phases[2].show: 'mindmap' is open in this phase already",
    ),
    (
        "show a tool no earlier phase opened",
        _set(("phases", 1, "show"), ["mindmap"]),
        False,
        "phases[1].show: 'mindmap' is not open in an earlier phase",
    ),
    (
        "order names what is not on screen",
        _set(("phases", 2, "order"), ["plan"]),
        False,
        "phases[2].order: 'plan' is not on screen in this phase",
    ),
    (
        "order names cards in a phase without cards",
        _set(("phases", 1, "order"), ["cards"]),
        False,
        "phases[1].order: 'cards' is not on screen",
    ),
    ("order names an unknown area", _set(("phases", 4, "order"), ["board"]), False, "unknown value 'board'"),
    ("show not a list", _set(("phases", 3, "show"), "mindmap"), False, "phases[3].show: must be a list"),
]


def test_the_unchanged_basis_data_is_valid() -> None:
    m = parse_method(basis_data(), "basis.toml")
    assert m.id == "basis" and len(m.phases) == 6
    assert parse_method(basis_data(), "basis.toml", basis_ids()) == m


@pytest.mark.parametrize(
    ("mutate", "with_basic_ids", "message"),
    [pytest.param(m, b, msg, id=name) for name, m, b, msg in SCHEMA_CASES],
)
def test_schema_errors(mutate: Mutation, with_basic_ids: bool, message: str) -> None:
    data = copy.deepcopy(basis_data())
    mutate(data)
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml", basis_ids() if with_basic_ids else None)
    assert message in str(exc.value)
    assert str(exc.value).startswith("basis.toml: ")


def test_show_is_validated_with_a_code_and_survives_toml() -> None:
    data = copy.deepcopy(basis_data())
    data["phases"][2]["show"] = ["mindmap"]
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "show_open" and exc.value.path == ("phases", 2, "show")
    data["phases"][2]["show"] = []
    data["phases"][1]["show"] = ["mindmap"]
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "show_not_earlier"
    data["phases"][1]["show"] = []
    data["phases"][4]["show"] = ["mindmap"]
    m = parse_method(data, "basis.toml")
    assert m.phases[4].show == ("mindmap",) and m.phases[1].show == ()
    assert parse_toml(to_toml(m)) == m
    assert parse_method(m.to_dict()) == m


def test_order_puts_the_advice_before_the_plan_and_survives_toml(lib: MethodLibrary) -> None:
    basis = lib.get("basis")
    assert basis is not None
    plan = basis.phases[4]
    assert plan.order == ("cards", "plan")  # the advice box before the SMART form
    assert parse_toml(to_toml(basis)) == basis and "order = [" in to_toml(basis)
    data = copy.deepcopy(basis_data())
    data["phases"][4]["order"] = ["plan", "cards", "plan"]
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "duplicate_value"
    data["phases"][4]["order"] = ["mindmap"]
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "order_not_here" and exc.value.path == ("phases", 4, "order")


def test_rate_is_validated_with_a_code_and_survives_toml(lib: MethodLibrary) -> None:
    kv = lib.get("krachtenveld")
    assert kv is not None
    # Only "Samenhang en classificatie" weighs the forces; listing and discussing them does not.
    assert [p.rate for p in kv.phases[1:4]] == [False, False, True]
    assert "rate = true" in to_toml(kv) and parse_toml(to_toml(kv)) == kv
    assert parse_method(kv.to_dict()) == kv
    data = copy.deepcopy(basis_data())
    data["phases"][2]["rate"] = True  # the investigation opens no force field
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "rate_needs_forcefield" and exc.value.path == ("phases", 2, "rate")
    data["phases"][2]["rate"] = "ja"
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "not_bool" and exc.value.path == ("phases", 2, "rate")


def test_plan_form_is_validated_and_survives_toml(lib: MethodLibrary) -> None:
    kv = lib.get("krachtenveld")
    assert kv is not None
    assert [p.plan for p in kv.phases[4:6]] == ["smart", "evaluation"]  # Actieplan, Evaluatieplan
    assert 'plan = "evaluation"' in to_toml(kv) and parse_toml(to_toml(kv)) == kv
    data = copy.deepcopy(basis_data())
    data["phases"][4]["plan"] = "kanban"
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "one_of" and exc.value.path == ("phases", 4, "plan")
    data["phases"][4]["plan"] = "evaluation"
    data["phases"][2]["plan"] = "evaluation"  # the investigation has no plan open
    with pytest.raises(MethodError) as exc:
        parse_method(data, "basis.toml")
    assert exc.value.code == "plan_needs_plan" and exc.value.path == ("phases", 2, "plan")


def test_schema_error_cases_do_not_touch_the_file() -> None:
    assert len(SCHEMA_CASES) >= 12
    before = basis_data()
    for _, mutate, _, _ in SCHEMA_CASES:
        mutate(copy.deepcopy(before))
    assert basis_data() == before


def test_bad_toml_syntax() -> None:
    text = BASIS_FILE.read_text("utf-8").replace('level = "beginner"', 'level = "beginner', 1)
    with pytest.raises(MethodError, match=r"^broken\.toml: not valid TOML: "):
        parse_toml(text, "broken.toml")


def test_a_method_named_differently_from_its_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "basis.toml").write_text(BASIS_FILE.read_text("utf-8"), "utf-8")
    other = BASIS_FILE.read_text("utf-8").replace('id = "basis"', 'id = "anders"', 1)
    (tmp_path / "proef.toml").write_text(other, "utf-8")
    with pytest.raises(MethodError, match=r"proef\.toml: id: 'anders' must match the file name 'proef'"):
        MethodLibrary.load(tmp_path)


def test_a_library_without_basis_is_refused(tmp_path: Path) -> None:
    (tmp_path / "incident.toml").write_text((METHODS_DIR / "incident.toml").read_text("utf-8"), "utf-8")
    with pytest.raises(MethodError, match=r"missing basis\.toml"):
        MethodLibrary.load(tmp_path)


def test_a_bad_fallback_in_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "basis.toml").write_text(BASIS_FILE.read_text("utf-8"), "utf-8")
    text = (
        (METHODS_DIR / "incident.toml")
        .read_text("utf-8")
        .replace('fallback = "introductie"', 'fallback = "opening"', 1)
    )
    (tmp_path / "incident.toml").write_text(text, "utf-8")
    with pytest.raises(
        MethodError, match=r"^incident\.toml: phases\[0\]\.fallback: 'opening' is not a phase"
    ):
        MethodLibrary.load(tmp_path)


def test_every_builtin_method_opens_the_checkin_in_its_opening_phase() -> None:
    """The check-in on one's persoonlijke leervraag ("wat is er bewogen?") in every meeting."""
    for m in MethodLibrary.load(METHODS_DIR):
        assert "checkin" in m.phases[0].cards, m.id
        assert not m.phases[0].private, m.id  # who sees a check-in follows the leervraag's sharing
        assert all("checkin" not in p.cards for p in m.phases[1:]), m.id
