"""Walk every method from first to last phase with the roles it needs; what is open and refused in
each phase is read from the method files, not copied by hand."""

from __future__ import annotations

import pytest
from engine_harness import LIB, Room

from server.methods import CARD_KINDS, Method, Phase

# One person per role; "A" is a plain participant.
PEOPLE = {
    "F": ["facilitator"],
    "I": ["inbrenger"],
    "A": [],
    "L": ["listener"],
    "C": ["coach"],
    "T": ["timekeeper"],
}


def _groups(pid: str) -> set[str]:
    roles = set(PEOPLE[pid])
    g = {"all"} | (roles & {"inbrenger", "coach", "facilitator", "timekeeper"})
    if "listener" in roles:
        g.add("listeners")
    if not roles & {"inbrenger", "listener", "coach"}:
        g.add("participants")
    return g


def _room(m: Method) -> Room:
    r = Room(m.id)
    for pid, roles in PEOPLE.items():
        r.join(pid, pid, roles[:1] if roles == ["facilitator"] else [])
    for pid, roles in PEOPLE.items():
        for role in roles:
            if role != "facilitator":
                r.do("F", "role.assign", pid=pid, role=role, on=True)
    return r


def _writes(m: Method, p: Phase, pid: str) -> bool | None:
    """Whether the method itself decides for `pid` here: the facilitator writes content unless the
    method says they add none; a listening inbrenger writes nothing shared. None: the writers say."""
    if pid == "F":
        return m.facilitator_writes
    if pid == "I" and p.inbrenger_listens:
        return False
    return None


def _expect_card(m: Method, p: Phase, pid: str, kind: str) -> bool:
    if kind not in p.cards:
        return False
    w = _writes(m, p, pid)
    return bool(_groups(pid) & set(p.writers)) if w is None else w


def _expect_note(p: Phase, pid: str) -> bool:
    if "listeners" in _groups(pid):
        return True
    return "notes" in p.tools and bool(_groups(pid) & set(p.note_writers))


def _expect_tool(m: Method, p: Phase, pid: str, tool: str) -> bool:
    w = _writes(m, p, pid)
    return (tool in p.tools and bool(_groups(pid) & set(p.writers))) if w is None else w


@pytest.mark.parametrize("method_id", sorted(LIB.methods))
def test_walk_method(method_id: str) -> None:
    m = LIB.methods[method_id]
    r = _room(m)
    n = 0
    for i, p in enumerate(m.phases):
        assert r.state.current.id == p.id
        for pid in PEOPLE:
            for kind in sorted(CARD_KINDS):
                n += 1
                d = r.decide(pid, "card.add", id=f"c{n}", kind=kind, text="Wat gebeurde er toen?")
                want = _expect_card(m, p, pid, kind)
                assert (getattr(d, "code", None) is None) == want, f"{m.id}/{p.id}: {pid} card {kind}: {d}"
                if not want:
                    listening = pid == "I" and p.inbrenger_listens
                    closed = kind not in p.cards and not listening
                    assert d.code == ("phase_closed" if closed else "forbidden")  # type: ignore[union-attr]
                elif p.private:
                    assert d.audience == {pid}  # type: ignore[union-attr]
            d = r.decide(pid, "note.add", id=f"n{n}", text="valt me op")
            assert (getattr(d, "code", None) is None) == _expect_note(p, pid), (
                f"{m.id}/{p.id}: {pid} note: {d}"
            )
            d = r.decide(pid, "mindmap.add", id=f"m{n}", parent="root", text="knoop")
            assert (getattr(d, "code", None) is None) == _expect_tool(m, p, pid, "mindmap"), (
                f"{m.id}/{p.id} {pid} mm"
            )
            d = r.decide(pid, "force.add", id=f"f{n}", side="promoting", text="steun")
            assert (getattr(d, "code", None) is None) == _expect_tool(m, p, pid, "forcefield"), (
                f"{m.id}/{p.id} {pid}"
            )
            # Only the facilitator moves phases; facilitator and timekeeper run the timer.
            assert getattr(r.decide(pid, "phase.goto", index=(i + 1) % len(m.phases)), "code", None) == (
                None if pid == "F" else "forbidden"
            )
            assert getattr(r.decide(pid, "timer.start", seconds=60), "code", None) == (
                None if pid in ("F", "T") else "forbidden"
            )
            want_round = "rounds" in p.tools and pid == "F"
            d = r.decide(pid, "round.start")
            assert (getattr(d, "code", None) is None) == want_round, f"{m.id}/{p.id} {pid} round: {d}"
        if i + 1 < len(m.phases):
            r.do("F", "phase.next")
    r.refuse("F", "phase.next", "invalid")
    assert r.replayed().to_dict() == r.state.to_dict()


def _phase(method: str, pid: str) -> Phase:
    m = LIB.methods[method]
    idx = m.phase_index(pid)
    assert idx is not None, f"{method} has no phase {pid}"
    return m.phases[idx]


def test_no_advice_before_the_advice_phase() -> None:
    for m in LIB:
        seen_advice = False
        for p in m.phases:
            if "advice" in p.cards:
                seen_advice = True
            if not seen_advice:
                assert "advice" not in p.cards
        if m.id == "tienstappen":
            assert [p for p in m.phases if "advice" in p.cards] in ([], [m.phases[-2]], [m.phases[-1]])


def test_listeners_never_post_cards_in_conversation_phases_but_always_write_notes() -> None:
    for m in LIB:
        for p in m.phases:
            if {"question", "advice"} & set(p.cards):
                assert not {"listeners", "all"} & set(p.writers), f"{m.id}/{p.id}"
    r = _room(LIB.methods["basis"])
    for p in LIB.methods["basis"].phases:
        r.goto(p.id)
        assert r.view("L")["may"]["notes"] is True
        if {"question", "advice"} & set(p.cards):
            assert r.view("L")["may"]["cards"] == []


def test_roddel_gossip_phase_inbrenger_writes_only_private_notes() -> None:
    r = _room(LIB.methods["roddel"])
    r.goto("roddelen")
    assert r.decide("I", "note.add", id="n1", text="Ze hebben gelijk").audience == {"I"}  # type: ignore[union-attr]
    r.refuse("I", "mindmap.add", "forbidden", id="m1", parent="root", text="x")
    assert r.view("I")["may"]["cards"] == []
    r.do("A", "mindmap.add", id="m1", parent="root", text="Loyaliteit")


def test_reflecting_team_does_not_address_the_inbrenger() -> None:
    p = _phase("reflecting-team", "reflectie")
    assert "question" not in p.cards and "reflection" in p.cards
    assert "inbrenger" not in p.writers and "all" not in p.writers
    r = _room(LIB.methods["reflecting-team"])
    r.goto("reflectie")
    r.refuse("A", "card.add", "phase_closed", id="q1", kind="question", text="Wat bedoel je?")
    r.refuse("I", "card.add", "forbidden", id="r1", kind="reflection", text="Ik hoor…")
    r.do("A", "card.add", id="r2", kind="reflection", text="Ik vraag me af of zij zich alleen voelt")


def test_coaching_only_coach_and_inbrenger_write_during_the_conversation() -> None:
    p = _phase("coaching", "coachgesprek")
    assert set(p.writers) <= {"coach", "inbrenger"}
    r = _room(LIB.methods["coaching"])
    r.goto("coachgesprek")
    assert r.decide("L", "note.add", id="n1", text="De coach vraagt door").audience == {"L"}  # type: ignore[union-attr]
    r.refuse(
        "A",
        "mindmap.add",
        "phase_closed" if "mindmap" not in p.tools else "forbidden",
        id="m1",
        parent="root",
        text="x",
    )


@pytest.mark.parametrize(
    ("method", "phase", "kind"),
    [
        ("incident", "standpuntbepaling", "position"),
        ("balint", "individueel-oordeel", "judgement"),
        ("socratisch", "ieders-kernbewering", "statement"),
    ],
)
def test_private_phases(method: str, phase: str, kind: str) -> None:
    p = _phase(method, phase)
    assert p.private and kind in p.cards


def test_timekeeper_may_run_the_timer() -> None:
    r = _room(LIB.methods["basis"])
    r.do("T", "timer.start", seconds=300)
    r.do("T", "timer.pause")
    r.refuse("A", "timer.resume", "forbidden")
