"""Concurrent edits of one field: `versions` beside the texts, and an edit's optional `base`
(docs/protocol.md, "Concurrent edits")."""

from __future__ import annotations

from engine_harness import Room, basic_room

from server import protocol as P
from server.rooms import RoomState


def test_plan_field_versions_and_stale_base() -> None:
    r = basic_room()
    r.goto("actieplan")
    assert r.view("I")["versions"] == {}
    # Never changed: version 0; the first writer names base 0.
    e1 = r.do("I", "plan.set", field="action", text="Gesprek plannen", base=0)
    v = r.view("A")
    assert v["versions"] == {"plan.action": e1.seq}
    assert v["plan"]["action"] == "Gesprek plannen"  # the texts keep their shape
    # The facilitator started from the same version 0: refused, with the current text and version.
    rej = r.refuse("F", "plan.set", "conflict", field="action", text="Iets anders", base=0)
    assert rej.extra == {"field": "plan.action", "current": "Gesprek plannen", "version": e1.seq}
    frame = P.error(rej.code, rej.message, "c1", rej.extra)
    assert frame["current"] == "Gesprek plannen" and frame["code"] == "conflict" and frame["id"] == "c1"
    # Keeping one's own text: the edit names the current version.
    e2 = r.do("F", "plan.set", field="action", text="Iets anders", base=e1.seq)
    assert r.view("I")["versions"]["plan.action"] == e2.seq
    # Writing what is already there is no conflict; without base nothing is checked (old clients).
    r.do("I", "plan.set", field="action", text="Iets anders", base=e1.seq)
    r.do("I", "plan.set", field="action", text="Zonder base")
    # Other fields have their own versions.
    r.do("I", "plan.set", field="first_step", text="Mail Jan", base=0)
    r.refuse("I", "plan.set", "invalid", field="first_step", text="x", base=-1)
    r.refuse("I", "plan.set", "invalid", field="first_step", text="x", base="3")
    r.refuse("I", "plan.set", "invalid", field="first_step", text="x", base=True)


def test_accepted_suggestion_moves_the_version_and_replay_keeps_it() -> None:
    r = basic_room()
    r.goto("actieplan")
    r.do("I", "plan.set", field="first_step", text="Eerst", base=0)
    base = r.view("I")["versions"]["plan.first_step"]
    r.do("A", "plan.suggest", id="s1", field="first_step", text="Mail Jan vandaag")
    acc = r.do("I", "plan.accept", id="s1")
    assert r.view("I")["versions"]["plan.first_step"] == acc.seq
    r.refuse("I", "plan.set", "conflict", field="first_step", text="Mijn versie", base=base)
    again = r.replayed()
    assert again.versions == r.state.versions
    assert RoomState.from_dict(r.state.to_dict()).versions == r.state.versions
    # A snapshot from before versions existed still loads.
    old = r.state.to_dict()
    del old["versions"]
    assert RoomState.from_dict(old).versions == {}


def test_case_question_and_reformulation_take_a_base() -> None:
    r = basic_room()
    e1 = r.do("I", "case.set", question="Hoe deel ik taken?", base=0)
    assert r.view("A")["versions"]["case.question"] == e1.seq
    rej = r.refuse("F", "case.set", "conflict", question="Hoe verdeel ik werk?", base=0)
    assert rej.extra == {"field": "case.question", "current": "Hoe deel ik taken?", "version": e1.seq}
    r.do("F", "case.set", question="Hoe verdeel ik werk?", base=e1.seq)
    e2 = r.do("I", "case.reformulate", text="Hoe laat ik los?", base=0)
    rej = r.refuse("F", "case.reformulate", "conflict", text="Wat houdt me tegen?", base=0)
    assert rej.extra is not None and rej.extra["current"] == "Hoe laat ik los?"
    r.do("F", "case.reformulate", text="Wat houdt me tegen?", base=e2.seq)
    assert r.replayed().versions == r.state.versions


def test_situation_fields_take_a_base_each() -> None:
    r = Room("krachtenveld")
    r.join("F", "Fenna", ["facilitator"])
    r.join("I")
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    e1 = r.do("I", "forcefield.set", current="Het team zwijgt", base=0)
    assert r.view("F")["versions"] == {"forcefield.current": e1.seq}
    rej = r.refuse("F", "forcefield.set", "conflict", current="Niemand zegt iets", base=0)
    assert rej.extra == {"field": "forcefield.current", "current": "Het team zwijgt", "version": e1.seq}
    # The other field has its own version: base 0 is still current there.
    e2 = r.do("F", "forcefield.set", desired="Iedereen praat mee", base=0)
    assert r.view("I")["versions"]["forcefield.desired"] == e2.seq
    r.do("F", "forcefield.set", current="Niemand zegt iets", base=e1.seq)
    r.do("I", "forcefield.set", current="Zonder base")  # older clients: nothing checked
    assert r.replayed().versions == r.state.versions


def test_card_and_node_texts_take_a_base() -> None:
    r = basic_room()
    r.goto("onderzoeken")
    r.do("A", "card.add", id="q1", kind="question", text="Wat gebeurde er?")
    assert "card.q1" not in r.view("A")["versions"]  # never edited: version 0
    e1 = r.do("F", "card.edit", id="q1", text="Wat gebeurde er precies?", base=0)
    assert r.view("B")["versions"]["card.q1"] == e1.seq
    rej = r.refuse("A", "card.edit", "conflict", id="q1", text="Wat gebeurde er daarna?", base=0)
    assert rej.extra == {"field": "card.q1", "current": "Wat gebeurde er precies?", "version": e1.seq}
    r.do("A", "card.edit", id="q1", text="Wat gebeurde er daarna?", base=e1.seq)
    r.do("A", "card.remove", id="q1")
    assert "card.q1" not in r.state.versions
    # Mind-map nodes, and a removed subtree takes its versions along.
    r.do("A", "mindmap.add", id="n1", parent="root", text="Team")
    r.do("A", "mindmap.add", id="n2", parent="n1", text="Stilte")
    e2 = r.do("B", "mindmap.edit", id="n2", text="Lange stilte", base=0)
    rej = r.refuse("A", "mindmap.edit", "conflict", id="n2", text="Korte stilte", base=0)
    assert rej.extra == {"field": "node.n2", "current": "Lange stilte", "version": e2.seq}
    r.do("A", "mindmap.edit", id="n2", text="Korte stilte", base=e2.seq)
    r.do("A", "mindmap.remove", id="n1")
    assert not [k for k in r.state.versions if k.startswith("node.")]
    assert r.replayed().versions == r.state.versions


def test_a_hidden_cards_version_is_in_nobodys_view() -> None:
    r = Room("incident")
    r.join("F", "Fenna", ["facilitator"])
    r.join("A")
    r.join("B")
    r.goto("vragen-noteren")  # private: questions written alone, revealed later
    r.do("A", "card.add", id="pq", kind="question", text="Wat wilde je bereiken?")
    r.do("A", "card.edit", id="pq", text="Wat wilde je toen bereiken?", base=0)
    r.do("A", "card.edit", id="pq", text="Wat wilde je echt bereiken?", base=0)  # one writer: no check
    for pid in ("A", "B", "F"):
        assert "card.pq" not in r.view(pid)["versions"]
    r.do("F", "cards.reveal", phase="vragen-noteren")
    assert r.view("B")["versions"]["card.pq"] > 0
