"""Every method on its own terms (engine): outcome fields, what a phase shows of earlier ones,
round defaults, the inbrenger's whole silence, per-person limits, the reveal per author group, the
facilitator who adds no content, and the plan the facilitator is reminded of."""

from __future__ import annotations

from engine_harness import LIB, Room

from server.methods import parse_method, parse_toml, to_toml


def _room(method: str, coach: bool = False) -> Room:
    """Facilitator F, inbrenger I, participants A and B, listener L (and coach C)."""
    r = Room(method)
    r.join("F", "Fenna", ["facilitator"])
    for pid in ("I", "A", "B", "L", *(["C"] if coach else [])):
        r.join(pid)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.do("F", "role.assign", pid="L", role="listener", on=True)
    if coach:
        r.do("F", "role.assign", pid="C", role="coach", on=True)
    return r


def test_every_built_in_method_survives_toml_with_its_new_keys() -> None:
    for m in LIB.methods.values():
        assert parse_toml(to_toml(m), m.id, LIB.basic_ids) == m, m.id
        assert parse_method(m.to_dict(), m.id, LIB.basic_ids) == m, m.id
    ui = LIB.methods["ui-model"]
    assert [o.id for o in ui.phases[ui.phase_index("laag-gedrag") or 0].outcomes] == ["nu", "gewenst"]
    assert dict(LIB.methods["reflecting-team"].labels)["coach"].nl == "Interviewer"
    assert LIB.methods["socratisch"].facilitator_writes is False


def test_an_outcome_field_with_versions_and_conflicts() -> None:
    r = _room("incident")
    r.refuse("I", "outcome.set", "not_found", field="gedaan", text="Ik greep in.")  # not this phase
    r.goto("wat-deed-de-inbrenger")
    assert r.view("I")["may"]["outcome"] == ["gedaan"] and r.view("A")["may"]["outcome"] == []
    r.refuse("A", "outcome.set", "forbidden", field="gedaan", text="Hij greep in.")
    r.refuse("I", "outcome.set", "not_found", field="nope", text="x")
    e = r.do("I", "outcome.set", field="gedaan", text="Ik greep in.", base=0)
    assert e.data == {"phase": "wat-deed-de-inbrenger", "field": "gedaan", "text": "Ik greep in."}
    v = r.view("A")
    assert v["outcomes"] == {"wat-deed-de-inbrenger/gedaan": "Ik greep in."}
    assert v["versions"]["outcome.wat-deed-de-inbrenger/gedaan"] == e.seq
    stale = r.refuse("I", "outcome.set", "conflict", field="gedaan", text="Ik wachtte af.", base=0)
    assert stale.extra == {
        "field": "outcome.wat-deed-de-inbrenger/gedaan",
        "current": "Ik greep in.",
        "version": e.seq,
    }
    r.goto("afsluitende-discussie")
    r.refuse("I", "outcome.set", "phase_closed", phase="wat-deed-de-inbrenger", field="gedaan", text="x")
    r.do("F", "outcome.set", phase="wat-deed-de-inbrenger", field="gedaan", text="Ik greep in, te laat.")
    assert r.view("B")["outcomes"]["wat-deed-de-inbrenger/gedaan"] == "Ik greep in, te laat."
    assert r.replayed().to_dict() == r.state.to_dict()


def test_a_phase_shows_what_earlier_phases_made() -> None:
    m = LIB.methods["incident"]
    standpunten = m.phases[m.phase_index("standpunten") or 0]
    assert standpunten.show == ("cards:position",)
    wat = m.phases[m.phase_index("afsluitende-discussie") or 0]
    assert wat.show == ("cards:position", "outcomes")
    bad = m.to_dict()
    bad["phases"][1]["show"] = ["cards:position"]  # no earlier phase has position cards
    try:
        parse_method(bad, "x", LIB.basic_ids)
    except ValueError as e:
        assert "show" in str(e)
    else:
        raise AssertionError("showing cards no earlier phase has must be refused")


def test_rounds_take_the_phases_speakers() -> None:
    r = _room("coaching", coach=True)
    r.goto("luisterronde")
    assert r.view("F")["speakers"] == ["L"]  # the listening round: the listeners, not the facilitator
    e = r.do("F", "round.start")
    assert e.data["order"] == ["L"]
    r.do("F", "round.stop")
    r.do("F", "round.start", order=["L", "C"])  # the facilitator reorders as they like
    i = _room("incident")
    i.goto("standpunten")
    assert i.view("A")["speakers"] == ["A", "B"]


def test_the_inbrenger_listening_changes_nothing_shared() -> None:
    r = _room("incident")
    r.do("I", "case.set", question="Wat doe ik als een leerling wegloopt?")
    r.goto("standpuntbepaling")
    r.do("A", "card.add", id="p1", kind="position", text="Ik zou de ouders bellen.")
    r.goto("standpunten")
    r.do("F", "cards.reveal", phase="standpuntbepaling")
    may = r.view("I")["may"]
    assert not may["case"] and not may["mark"] and may["cards"] == [] and may["outcome"] == []
    for cmd, args in (
        ("case.set", {"question": "Anders?"}),
        ("case.reformulate", {"text": "Anders?"}),
        ("card.mark", {"id": "p1", "useful": True}),
        ("card.add", {"id": "p2", "kind": "position", "text": "Ik ook"}),
    ):
        r.refuse("I", cmd, "forbidden", **args)
    r.do("F", "card.mark", id="p1", useful=True)  # the facilitator still may
    r.goto("wat-deed-de-inbrenger")
    assert r.view("I")["may"]["case"] and r.view("I")["may"]["mark"]
    r.do("I", "card.mark", id="p1", useful=False)


def test_a_phase_caps_cards_per_person() -> None:
    r = _room("roddel")
    r.goto("verkenning")
    for i in range(3):
        r.do("A", "card.add", id=f"q{i}", kind="question", text=f"Wat gebeurde er {i}?")
    r.refuse("A", "card.add", "too_large", id="q3", kind="question", text="Nog een vraag?")
    r.do("B", "card.add", id="q4", kind="question", text="Wat deed jij?")


def test_notes_are_revealed_per_author_group() -> None:
    r = _room("roddel")
    r.goto("roddelen")
    r.do("I", "note.add", id="ni", text="Wat zij over mij zeggen")
    r.do("L", "note.add", id="nl", text="Wat ik opmerk")
    assert r.view("F")["notes_hidden_by"] == {"inbrenger": 1, "listeners": 1}
    r.refuse("F", "notes.reveal", "invalid", authors="nobody")
    r.do("F", "notes.reveal", authors="listeners")
    assert set(r.view("A")["notes"]) == {"nl"}
    assert r.view("F")["notes_hidden_by"] == {"inbrenger": 1}
    r.refuse("F", "notes.reveal", "invalid", authors="listeners")  # none left
    r.do("F", "notes.reveal", authors="inbrenger")
    assert set(r.view("A")["notes"]) == {"nl", "ni"}


def test_the_facilitator_adds_no_content_where_the_method_says_so() -> None:
    r = _room("socratisch")
    r.goto("uitgangsvraag")
    assert r.view("F")["may"]["outcome"] == [] and r.view("F")["may"]["fac_write_switch"]
    r.refuse("F", "outcome.set", "forbidden", field="uitgangsvraag", text="Wat is moed?")
    r.do("A", "outcome.propose", field="uitgangsvraag", id="u1", text="Wanneer grijp je in?")
    r.goto("onderzoek")
    r.refuse("F", "mindmap.add", "forbidden", id="n1", parent="root", text="Waarde: veiligheid")
    r.do("F", "facilitator.writes", on=True)
    assert r.view("A")["fac_writing"] == ["F"]
    r.do("F", "mindmap.add", id="n1", parent="root", text="Waarde: veiligheid")
    r.do("F", "facilitator.writes", on=False)
    r.refuse("F", "mindmap.add", "forbidden", id="n2", parent="root", text="Waarde: rust")
    r.refuse("A", "facilitator.writes", "forbidden", on=True)
    b = _room("basis")
    b.refuse("F", "facilitator.writes", "invalid", on=True)
    assert r.replayed().to_dict() == r.state.to_dict()


def test_the_facilitator_is_reminded_of_a_missing_plan() -> None:
    r = _room("basis")
    assert r.view("F")["plan_missing"] is True and "plan_missing" not in r.view("A")
    r.goto("actieplan")
    r.do("I", "plan.set", field="first_step", text="Morgen Jan bellen")
    assert r.view("F")["plan_missing"] is False
    s = _room("socratisch")  # no action plan in the method: nothing to remind of
    assert s.view("F")["plan_missing"] is False


def test_a_knowledge_input_beside_the_case() -> None:
    r = _room("basis")
    r.refuse("A", "knowledge.set", "forbidden", text="Weerstand is informatie.")
    r.refuse("F", "knowledge.set", "invalid", text="x", link="javascript:alert(1)")
    r.refuse("F", "knowledge.set", "invalid", text="x", link="ftp://example.org/a")
    r.refuse("F", "knowledge.set", "invalid", text="x", link="https://a.example/" + "x" * 600)
    r.refuse("F", "knowledge.set", "invalid", title="Weerstand", text="")
    e = r.do(
        "F", "knowledge.set", title="Weerstand", text="Weerstand is informatie.", link="https://example.org/w"
    )
    assert r.view("A")["knowledge"] == {
        "title": "Weerstand",
        "text": "Weerstand is informatie.",
        "link": "https://example.org/w",
        "at": e.at,
    }
    r.do("F", "knowledge.set", text="")
    assert r.view("A")["knowledge"] is None
    assert r.replayed().to_dict() == r.state.to_dict()


def test_the_uitgangsvraag_is_proposed_voted_on_and_adopted() -> None:
    r = _room("socratisch")
    r.refuse("A", "outcome.propose", "not_found", field="uitgangsvraag", id="u1", text="Te vroeg?")
    r.goto("uitgangsvraag")
    assert r.view("A")["may"]["outcome_propose"] == ["uitgangsvraag"]
    assert r.view("A")["may"]["outcome"] == []  # the field itself: only by adopting a proposal
    assert r.view("F")["may"]["outcome_propose"] == []  # the facilitator adds no content here
    r.refuse("A", "outcome.set", "forbidden", field="uitgangsvraag", text="Wat is moed?")
    r.refuse("F", "outcome.propose", "forbidden", field="uitgangsvraag", id="u0", text="Wat is moed?")
    r.do("A", "outcome.propose", field="uitgangsvraag", id="u1", text="Wanneer spreek je een collega aan?")
    r.do("B", "outcome.propose", field="uitgangsvraag", id="u2", text="Wat is een goede grens?")
    r.refuse("B", "outcome.propose", "conflict", field="uitgangsvraag", id="u1", text="Dubbel")
    for i in range(2):
        r.do("B", "outcome.propose", field="uitgangsvraag", id=f"b{i}", text=f"Vraag {i}?")
    r.refuse("B", "outcome.propose", "too_large", field="uitgangsvraag", id="b9", text="Nog een?")
    r.do("B", "outcome.withdraw", id="b1")
    r.refuse("A", "outcome.withdraw", "forbidden", id="b0")  # not theirs
    r.do("A", "outcome.vote", id="u2", on=True)
    r.do("I", "outcome.vote", id="u2", on=True)
    r.do("B", "outcome.vote", id="u1", on=True)
    r.do("B", "outcome.vote", id="u2", on=True)  # one vote per field: it moves
    r.refuse("B", "outcome.vote", "conflict", id="u2", on=True)
    v = r.view("A")["proposals"]
    assert (v["u1"]["votes"], v["u2"]["votes"]) == (0, 3)
    assert v["u2"]["mine"] and not v["u1"]["mine"] and not r.view("L")["proposals"]["u2"]["mine"]
    assert "voters" not in v["u2"]  # who voted for what is only the voter's own
    r.do("A", "outcome.vote", id="u2", on=False)
    assert r.view("A")["proposals"]["u2"]["votes"] == 2
    r.refuse("A", "outcome.adopt", "forbidden", id="u2")
    e = r.do("F", "outcome.adopt", id="u2", base=0)  # choosing leads the process: not content
    assert e.data["text"] == "Wat is een goede grens?"
    assert r.view("I")["outcomes"]["uitgangsvraag/uitgangsvraag"] == "Wat is een goede grens?"
    r.refuse("B", "outcome.withdraw", "conflict", id="u2")
    r.refuse("F", "outcome.adopt", "conflict", id="u1", base=0)  # someone adopted one meanwhile
    # Choosing the example does not overwrite it, and later phases pin it.
    r.goto("voorbeeld-kiezen")
    r.refuse("A", "outcome.vote", "not_found", id="u1", on=True)  # this phase has no such field
    r.do("A", "case.propose", id="c1", text="Ik sprak Jan aan op zijn toon.")
    r.do("F", "case.choose", id="c1")
    assert r.view("B")["outcomes"]["uitgangsvraag/uitgangsvraag"] == "Wat is een goede grens?"
    assert r.replayed().to_dict() == r.state.to_dict()


def test_a_method_file_says_which_outcomes_are_proposed() -> None:
    m = LIB.methods["socratisch"]
    field = m.phases[m.phase_index("uitgangsvraag") or 0].outcomes[0]
    assert field.propose and "propose = true" in to_toml(m)
    bad = m.to_dict()
    bad["phases"][1]["outcomes"][0]["propose"] = "ja"
    try:
        parse_method(bad, "x", LIB.basic_ids)
    except ValueError as e:
        assert "propose" in str(e)
    else:
        raise AssertionError("a propose that is not true or false must be refused")
