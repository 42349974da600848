"""Concurrent edits of one field: `versions` beside the texts, and an edit's optional `base`
(docs/protocol.md, "Concurrent edits")."""

from __future__ import annotations

from engine_harness import basic_room

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
