"""Unit tests of the pure room engine: every command, every refusal, and replay."""

from __future__ import annotations

import pytest
from engine_harness import LIB, Room, basic_room

from server.report import markdown
from server.rooms import MAX_CARD, MAX_CARDS, MAX_FORCES, MAX_NAME, MAX_NODE, Event, RoomState, view


def test_join_and_roles() -> None:
    r = basic_room()
    v = r.view("A")
    assert v["participants"]["F"] == {"name": "Fenna", "roles": ["facilitator"]}
    assert v["case"]["inbrenger"] == "I"
    assert "stats" not in v
    assert "stats" in r.view("F")
    r.refuse("X", "participant.join", "too_large", pid="X", name="x" * (MAX_NAME + 1), roles=[])
    r.refuse("X", "participant.join", "invalid", pid="X", name="   ", roles=[])
    r.refuse("A", "participant.join", "conflict", pid="A", name="again", roles=[])
    r.refuse("X", "participant.join", "invalid", pid="X", name="x", roles=["boss"])
    r.refuse("X", "participant.join", "invalid", pid="bad id!", name="x", roles=[])


def test_strangers_and_unknown_commands() -> None:
    r = basic_room()
    r.refuse("nobody", "card.add", "forbidden", id="c1", kind="question", text="Wat?")
    r.refuse("A", "no.such", "unknown_command")


def test_role_assign() -> None:
    r = basic_room()
    r.refuse("A", "role.assign", "forbidden", pid="B", role="timekeeper", on=True)
    r.refuse("F", "role.assign", "invalid", pid="B", role="king", on=True)
    r.refuse("F", "role.assign", "not_found", pid="Z", role="timekeeper", on=True)
    r.refuse("F", "role.assign", "invalid", pid="B", role="timekeeper", on="yes")
    r.refuse("F", "role.assign", "invalid", pid="F", role="facilitator", on=False)
    r.refuse("F", "role.assign", "invalid", pid="B", role="timekeeper", on=True, extra=1)
    r.do("F", "role.assign", pid="B", role="timekeeper", on=True)
    assert "timekeeper" in r.view("B")["participants"]["B"]["roles"]
    # One inbrenger at a time.
    r.do("F", "role.assign", pid="A", role="inbrenger", on=True)
    assert r.state.case["inbrenger"] == "A"
    assert "inbrenger" not in r.state.participants["I"]["roles"]
    r.do("F", "role.assign", pid="A", role="inbrenger", on=False)
    assert r.state.case["inbrenger"] is None
    # A second facilitator may step down the first.
    r.do("F", "role.assign", pid="B", role="facilitator", on=True)
    r.do("B", "role.assign", pid="F", role="facilitator", on=False)
    assert not r.state.is_fac("F")


def test_phases_are_facilitator_only_and_bounded() -> None:
    r = basic_room()
    n = len(r.state.method.phases)
    r.refuse("A", "phase.next", "forbidden")
    r.refuse("F", "phase.prev", "invalid")
    r.refuse("F", "phase.goto", "invalid", index=n)
    r.refuse("F", "phase.goto", "invalid", index=0)
    r.refuse("F", "phase.goto", "invalid", index="1")
    r.refuse("F", "phase.next", "invalid", force=True)
    r.tick(60_000)
    e = r.do("F", "phase.next")
    assert e.type == "phase.changed" and e.data == {"index": 1, "id": "keuze"}
    assert r.state.used_ms["introductie"] == 60_000
    assert r.state.timer["running"] and r.state.timer["deadline"] == r.now + 10 * 60_000
    r.do("F", "phase.prev")
    r.do("F", "phase.goto", index=n - 1)
    r.refuse("F", "phase.next", "invalid")
    v = r.view("A")
    assert v["phase"] == {"index": n - 1, "id": "evaluatie", "started": r.now}
    assert [p["state"] for p in v["method"]["phases"]][-2:] == ["done", "current"]


def test_phase_minutes_and_meeting_end() -> None:
    r = basic_room()
    r.refuse("A", "phase.minutes", "forbidden", index=2, minutes=20)
    r.refuse("F", "phase.minutes", "invalid", index=2, minutes=0)
    r.refuse("F", "phase.minutes", "invalid", index=99, minutes=5)
    r.do("F", "phase.minutes", index=2, minutes=20)
    ph = r.view("A")["method"]["phases"][2]
    assert ph["minutes"] == 20 and ph["planned"] == 30
    r.goto("onderzoeken")
    assert r.state.timer["duration_ms"] == 20 * 60_000
    r.refuse("A", "meeting.end", "forbidden", at=5)
    r.refuse("F", "meeting.end", "invalid", at="noon")
    r.do("F", "meeting.end", at=r.now + 3_600_000)
    assert r.view("A")["meeting_end"] == r.now + 3_600_000


def test_timer_commands() -> None:
    r = basic_room()
    r.refuse("A", "timer.start", "forbidden", seconds=60)
    r.refuse("F", "timer.start", "invalid", seconds=0)
    r.refuse("F", "timer.start", "invalid", seconds=10**9)
    r.do("F", "timer.start", seconds=60)
    assert r.state.timer == {
        "running": True,
        "deadline": r.now + 60_000,
        "remaining_ms": 60_000,
        "duration_ms": 60_000,
    }
    r.refuse("F", "timer.resume", "invalid")
    r.tick(15_000)
    r.do("F", "timer.pause")
    assert r.state.timer["running"] is False and r.state.timer["remaining_ms"] == 45_000
    r.refuse("F", "timer.pause", "invalid")
    r.do("F", "timer.add", seconds=30)
    assert r.state.timer["remaining_ms"] == 75_000
    r.tick(100_000)
    r.do("F", "timer.resume")
    assert r.state.timer["deadline"] == r.now + 75_000
    r.do("F", "timer.add", seconds=-10)
    assert r.state.timer["deadline"] == r.now + 65_000
    # The timekeeper may run the timer too.
    r.do("F", "role.assign", pid="B", role="timekeeper", on=True)
    r.do("B", "timer.pause")
    r.refuse("F", "timer.add", "invalid", seconds="ten")


def test_case_set_and_reformulate_keep_both_versions() -> None:
    r = basic_room()
    r.refuse("A", "case.set", "forbidden", question="Hoe?")
    r.refuse("I", "case.reformulate", "invalid", text="Eigenlijk…")
    r.refuse("I", "case.set", "invalid", question="")
    r.refuse("I", "case.set", "too_large", question="x" * 3000)
    r.do("I", "case.set", question="Hoe krijg ik mijn team mee?")
    r.refuse("A", "case.reformulate", "forbidden", text="Wat wil ik?")
    r.do("I", "case.reformulate", text="Wat maakt dat ik blijf doorpraten?")
    c = r.view("A")["case"]
    assert c["question"] == "Hoe krijg ik mijn team mee?"
    assert c["reformulation"] == "Wat maakt dat ik blijf doorpraten?"
    assert r.view("A")["mindmap"]["root"] == c["reformulation"]


def test_cards_open_per_phase() -> None:
    r = basic_room()
    r.refuse("A", "card.add", "phase_closed", id="q1", kind="question", text="Wat gebeurde er?")
    r.goto("onderzoeken")
    r.refuse("A", "card.add", "phase_closed", id="a1", kind="advice", text="Doe dit")
    r.refuse("L", "card.add", "forbidden", id="q1", kind="question", text="Wat?")
    r.refuse("A", "card.add", "invalid", id="q 1", kind="question", text="Wat?")
    r.refuse("A", "card.add", "invalid", id="q1", kind="question", text="  ")
    r.refuse("A", "card.add", "too_large", id="q1", kind="question", text="x" * (MAX_CARD + 1))
    r.refuse("A", "card.add", "invalid", id="q1", kind=3, text="Wat?")
    r.do("A", "card.add", id="q1", kind="question", text="Wat gebeurde er daarna?")
    r.refuse("B", "card.add", "conflict", id="q1", kind="question", text="Wat?")
    e = r.do("B", "card.add", id="q2", kind="question", text="Heb je al overwogen om te stoppen?")
    # The hint is its author's: not in the event everyone receives, only in the author's view.
    assert e.data["flag"] is None and r.state.cards["q2"]["flag"] == "advice"
    assert r.view("B")["cards"]["q2"]["flag"] == "advice" and "flag" not in r.view("A")["cards"]["q2"]
    r.refuse("A", "card.edit", "forbidden", id="q2", text="Hoe dan?")
    r.refuse("A", "card.edit", "not_found", id="nope", text="Hoe dan?")
    r.do("B", "card.edit", id="q2", text="Wat heb je al geprobeerd?")
    assert r.state.cards["q2"]["flag"] is None
    r.do("F", "card.edit", id="q2", text="Wat heb je al geprobeerd, en wat werkte?")
    r.refuse("A", "card.remove", "forbidden", id="q2")
    r.do("B", "card.remove", id="q2")
    assert "q2" not in r.view("A")["cards"]
    # The facilitator sees per-person counts, including flagged questions.
    stats = r.view("F")["stats"]
    assert stats["A"]["cards"] == 1 and stats["B"]["cards"] == 1 and stats["B"]["flagged"] == 1
    r.goto("actieplan")
    r.do("A", "card.add", id="a1", kind="advice", text="Begin klein")
    r.refuse("A", "card.mark", "forbidden", id="a1", useful=True)
    r.refuse("I", "card.mark", "not_found", id="zz", useful=True)
    r.do("I", "card.mark", id="a1", useful=True)
    assert r.view("B")["cards"]["a1"]["useful"] is True


def test_private_cards_hidden_until_reveal() -> None:
    r = Room("incident")
    r.join("F", "F", ["facilitator"])
    for p in ("I", "A", "B"):
        r.join(p)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.goto("standpuntbepaling")
    e = r.do("A", "card.add", id="pA", kind="position", text="Ik zou het gesprek aangaan")
    assert e.audience == {"A"}
    assert e.wire_for("B")["type"] == "private" and e.wire_for("B")["data"] == {}
    assert "pA" in r.view("A")["cards"]
    assert "pA" not in r.view("B")["cards"] and "pA" not in r.view("F")["cards"]
    r.refuse("B", "card.edit", "not_found", id="pA", text="mine now")
    r.refuse("F", "card.edit", "not_found", id="pA", text="peek")
    r.refuse("A", "cards.reveal", "forbidden", phase="standpuntbepaling")
    r.refuse("F", "cards.reveal", "not_found", phase="nope")
    rev = r.do("F", "cards.reveal", phase="standpuntbepaling")
    assert rev.audience is None and rev.data["cards"]["pA"]["text"] == "Ik zou het gesprek aangaan"
    assert r.view("B")["cards"]["pA"]["revealed"] is True
    # After the reveal, new cards in that phase are public.
    e2 = r.do("B", "card.add", id="pB", kind="position", text="Ik wacht af")
    assert e2.audience is None


def test_private_cards_and_their_hints_count_for_the_facilitator_only_once_revealed() -> None:
    r = Room("incident")
    r.join("F", "F", ["facilitator"])
    for p in ("A", "B"):
        r.join(p)
    r.goto("vragen-noteren")
    e = r.do("A", "card.add", id="q1", kind="question", text="Heb je al overwogen om te stoppen?")
    assert e.audience == {"A"} and e.data["flag"] == "advice"  # only A receives this event
    edit = r.do("A", "card.edit", id="q1", text="Heb je het gezien?")
    assert edit.audience == {"A"} and edit.data["flag"] == "closed"
    # Who wrote a hidden card, and its hint, is nobody's business but the author's.
    assert r.view("F")["stats"]["A"] == {"cards": 0, "turns": 0, "flagged": 0}
    assert r.view("A")["cards"]["q1"]["flag"] == "closed"
    rev = r.do("F", "cards.reveal", phase="vragen-noteren")
    assert rev.data["cards"]["q1"]["flag"] is None and rev.data["cards"]["q1"]["author"] == "A"
    assert r.view("F")["stats"]["A"] == {"cards": 1, "turns": 0, "flagged": 1}
    assert "flag" not in r.view("B")["cards"]["q1"]
    # A public edit carries no hint either; the author's view has it.
    e2 = r.do("A", "card.edit", id="q1", text="Vind je zelf ook niet dat het te veel is?")
    assert e2.audience is None and e2.data["flag"] is None
    assert r.view("A")["cards"]["q1"]["flag"] == "leading"
    assert r.replayed().to_dict() == r.state.to_dict()


def test_mindmap_tree_rules() -> None:
    r = basic_room()
    r.refuse("A", "mindmap.add", "phase_closed", id="n1", parent="root", text="Team")
    r.goto("onderzoeken")
    r.refuse("L", "mindmap.add", "forbidden", id="n1", parent="root", text="Team")
    r.do("A", "mindmap.add", id="n1", parent="root", text="Team")
    r.do("B", "mindmap.add", id="n2", parent="n1", text="Stilte")
    r.do("A", "mindmap.add", id="n3", parent="n2", text="Wegkijken")
    r.refuse("A", "mindmap.add", "not_found", id="n4", parent="zz", text="x")
    r.refuse("A", "mindmap.add", "conflict", id="n1", parent="root", text="x")
    r.refuse("A", "mindmap.add", "conflict", id="root", parent="root", text="x")
    r.refuse("A", "mindmap.add", "too_large", id="n4", parent="root", text="x" * (MAX_NODE + 1))
    r.refuse("A", "mindmap.move", "invalid", id="n1", parent="n3")
    r.refuse("A", "mindmap.move", "invalid", id="n1", parent="n1")
    r.refuse("A", "mindmap.edit", "not_found", id="zz", text="x")
    r.do("I", "mindmap.edit", id="n2", text="Het wordt stil")
    r.do("A", "mindmap.move", id="n3", parent="root")
    r.do("B", "mindmap.remove", id="n1")
    assert set(r.view("A")["mindmap"]["nodes"]) == {"n3"}
    r.refuse("A", "mindmap.remove", "not_found", id="n2")


def test_mindmap_limit() -> None:
    r = basic_room()
    r.goto("onderzoeken")
    for i in range(500):  # the facilitator (a scribe for the group) has no share of their own
        r.do("F", "mindmap.add", id=f"n{i}", parent="root", text=str(i))
    r.refuse("F", "mindmap.add", "too_large", id="n500", parent="root", text="one too many")
    r.refuse("A", "mindmap.add", "too_large", id="n500", parent="root", text="one too many")


def test_one_person_fills_only_their_share_of_a_room() -> None:
    """Hardening: one participant cannot fill the room to its caps (a view of megabytes sent to
    every browser after every change): 20% of each count cap per person, facilitators excepted."""
    from server.rooms.limits import PERSON_SHARE, person_cap

    assert PERSON_SHARE == 20 and person_cap(MAX_CARDS) == 100 and person_cap(MAX_FORCES) == 20
    r = basic_room()
    r.goto("onderzoeken")
    for i in range(100):
        r.do("A", "card.add", id=f"a{i}", kind="question", text=f"Vraag {i}?")
        r.do("A", "mindmap.add", id=f"m{i}", parent="root", text=str(i))
    r.refuse("A", "card.add", "too_large", id="a100", kind="question", text="Nog een?")
    r.refuse("A", "mindmap.add", "too_large", id="m100", parent="root", text="x")
    # A removed card frees a place; others and the facilitator still write.
    r.do("A", "card.remove", id="a0")
    r.do("A", "card.add", id="a100", kind="question", text="Nog een?")
    r.do("B", "card.add", id="b0", kind="question", text="Wat deed je?")
    r.do("F", "mindmap.add", id="f0", parent="root", text="Team")
    r.do("L", "note.add", id="n0", text="stil")
    ff = Room("krachtenveld")
    ff.join("F", "F", ["facilitator"])
    ff.join("A")
    ff.goto("krachten-inventariseren")
    for i in range(20):
        ff.do("A", "force.add", id=f"f{i}", side="promoting", text=str(i))
    ff.refuse("A", "force.add", "too_large", id="f20", side="hindering", text="x")
    ff.do("F", "force.add", id="f20", side="hindering", text="x")


def test_projector_key_commands_and_expel() -> None:
    r = basic_room()
    assert r.do("F", "projector.rotate").type == "projector.rotated"
    assert r.do("F", "projector.revoke").type == "projector.revoked"
    r.refuse("A", "projector.rotate", "forbidden")
    r.refuse("A", "projector.revoke", "forbidden")
    r.refuse("F", "projector.rotate", "invalid", extra=1)
    # The server's removal of a group member: a participant, or an id that never came in.
    e = r.do(None, "participant.expel", pid="B")
    assert e.type == "participant.remove" and e.data == {"pid": "B"}
    assert "B" not in r.state.participants and "B" in r.state.removed
    r.refuse(None, "participant.expel", "conflict", pid="B")
    r.do(None, "participant.expel", pid="mNEVER")
    assert "mNEVER" in r.state.removed
    r.refuse(None, "participant.join", "conflict", pid="mNEVER", name="Terug", roles=[])
    assert r.replayed().to_dict() == r.state.to_dict()


def test_forcefield() -> None:
    r = Room("krachtenveld")
    r.join("F", "F", ["facilitator"])
    for p in ("I", "A", "B"):
        r.join(p)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.refuse("A", "force.add", "phase_closed", id="f1", side="promoting", text="Steun")
    r.do("I", "forcefield.set", current="Ik regel alles", desired="Het team pakt mee op")
    r.goto("krachten-inventariseren")
    r.refuse("A", "force.add", "invalid", id="f1", side="up", text="Steun")
    r.do("A", "force.add", id="f1", side="promoting", text="Steun van de directie")
    r.do("B", "force.add", id="f2", side="hindering", text="Tijdsdruk")
    # Listing the forces: "eerst verzamelen, nog niet bespreken"; no ratings, for nobody.
    for who in ("A", "F"):
        r.refuse(who, "force.rate", "phase_closed", id="f1", importance=3, difficulty=1, clarity=1)
    assert r.view("A")["may"]["rate"] is False
    r.goto("samenhang-en-classificatie")
    assert r.view("A")["may"]["rate"] is True
    r.refuse("A", "force.rate", "invalid", id="f1", importance=6, difficulty=1, clarity=1)
    r.refuse("A", "force.rate", "invalid", id="f1", importance=3, difficulty=1)
    r.refuse("A", "force.rate", "not_found", id="zz", importance=3, difficulty=1, clarity=1)
    r.do("A", "force.rate", id="f1", importance=5, difficulty=2, clarity=4)
    r.do("B", "force.rate", id="f1", importance=3, difficulty=2, clarity=4)
    r.do("A", "force.rate", id="f1", importance=4, difficulty=2, clarity=4)  # changes A's rating
    s = r.view("I")["forcefield"]["forces"]["f1"]["summary"]
    assert s["importance"] == {"mean": 3.5, "spread": 0.5} and s["n"] == 2
    r.do("B", "force.flag", id="f2", influenceable=True)
    r.do("A", "force.edit", id="f2", text="Te weinig tijd")
    r.do("A", "force.remove", id="f1")
    ff = r.view("I")["forcefield"]
    assert ff["current"] == "Ik regel alles" and list(ff["forces"]) == ["f2"]
    assert ff["forces"]["f2"]["influenceable"] is True
    r.refuse("A", "forcefield.set", "invalid")


def test_forcefield_merge_links_and_the_inbrengers_scores() -> None:
    r = Room("krachtenveld")
    r.join("F", "F", ["facilitator"])
    for p in ("I", "A", "B", "L"):
        r.join(p)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.do("F", "role.assign", pid="L", role="listener", on=True)
    r.goto("krachten-inventariseren")
    for fid, side, text in (
        ("f1", "promoting", "Steun van de directie"),
        ("f2", "promoting", "De directie steunt het"),
        ("f3", "hindering", "Tijdsdruk"),
    ):
        r.do("A", "force.add", id=fid, side=side, text=text)
    r.refuse("A", "force.link", "phase_closed", a="f1", b="f3", on=True)
    r.goto("samenhang-en-classificatie")
    r.do("A", "force.rate", id="f1", importance=5, difficulty=2, clarity=4)
    r.do("A", "force.rate", id="f2", importance=1, difficulty=1, clarity=1)  # A rated both
    r.do("B", "force.rate", id="f2", importance=3, difficulty=3, clarity=3)  # B only the duplicate
    r.do("A", "force.link", a="f3", b="f2", on=True)
    r.do("B", "force.link", a="f1", b="f3", on=True)
    r.refuse("A", "force.link", "invalid", a="f1", b="f1", on=True)
    r.refuse("A", "force.link", "not_found", a="f1", b="zz", on=True)
    r.refuse("L", "force.link", "forbidden", a="f1", b="f2", on=True)
    assert r.view("A")["forcefield"]["links"] == [["f2", "f3"], ["f1", "f3"]]
    r.refuse("A", "force.merge", "invalid", id="f1", into="f1")
    r.refuse("A", "force.merge", "not_found", id="f2", into="zz")
    r.do("A", "force.merge", id="f2", into="f1")
    ff = r.view("I")["forcefield"]
    assert list(ff["forces"]) == ["f1", "f3"]
    kept = ff["forces"]["f1"]
    # A rated both: the kept force's rating wins; B's rating of the duplicate moves over.
    assert kept["ratings"] == {
        "A": {"importance": 5, "difficulty": 2, "clarity": 4},
        "B": {"importance": 3, "difficulty": 3, "clarity": 3},
    }
    assert kept["summary"]["n"] == 2 and kept["summary"]["importance"]["mean"] == 4.0
    # The links follow the kept force, without a duplicate pair.
    assert ff["links"] == [["f1", "f3"]]
    # The inbrenger's own scores, beside the mean, once given.
    assert kept["decided"] is None
    r.do("I", "force.rate", id="f1", importance=2, difficulty=4, clarity=5)
    kept = r.view("A")["forcefield"]["forces"]["f1"]
    assert kept["decided"] == {"importance": 2, "difficulty": 4, "clarity": 5}
    r.do("A", "force.link", a="f1", b="f3", on=True)
    md = markdown(r.view("A"), "nl")
    assert "  - Inbrenger beslist: belang 2, moeilijkheid 4, duidelijkheid 5" in md
    assert "  - Hangt samen met: Tijdsdruk" in md
    r.do("A", "force.link", a="f1", b="f3", on=False)
    assert kept["summary"]["n"] == 3
    r.do("A", "force.link", a="f1", b="f3", on=False)
    assert r.view("A")["forcefield"]["links"] == []
    r.do("A", "force.link", a="f1", b="f3", on=True)
    r.do("A", "force.remove", id="f3")
    assert r.view("A")["forcefield"]["links"] == []
    # The plan phase shows the force field but weighs nothing.
    r.goto("actieplan")
    r.refuse("I", "force.rate", "phase_closed", id="f1", importance=2, difficulty=4, clarity=5)
    assert r.replayed().to_dict() == r.state.to_dict()


def test_the_evaluation_plan_has_criteria_and_dated_check_moments() -> None:
    r = Room("krachtenveld")
    r.join("F", "F", ["facilitator"])
    r.join("I")
    r.join("A")
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.goto("evaluatieplan")
    assert r.view("I")["method"]["phases"][r.state.phase]["plan"] == "evaluation"
    r.do("I", "plan.set", field="criteria", text="Het team pakt zelf taken op.")
    r.do("I", "plan.set", field="check1_date", text="2027-01-11")
    r.do("I", "plan.set", field="check1", text="Na de teamvergadering: wie nam wat op?")
    r.refuse("I", "plan.set", "invalid", field="check9", text="x")
    r.refuse("A", "plan.set", "forbidden", field="criteria", text="x")
    plan = r.view("A")["plan"]
    assert plan["criteria"] == "Het team pakt zelf taken op." and plan["check1_date"] == "2027-01-11"
    assert plan["action"] == "" and plan["check2"] == ""


def test_notes_private_until_reveal() -> None:
    r = basic_room()
    r.refuse("A", "note.add", "phase_closed", id="n1", text="mine")
    e = r.do("L", "note.add", id="n1", text="Ze zegt vaak 'eigenlijk'")
    assert e.audience == {"L"}
    assert "n1" not in r.view("F")["notes"] and "n1" in r.view("L")["notes"]
    r.refuse("A", "note.edit", "not_found", id="n1", text="x")
    r.refuse("F", "note.remove", "not_found", id="n1")
    r.do("L", "note.edit", id="n1", text="Ze zegt vaak 'eigenlijk' als het spannend wordt")
    r.refuse("L", "notes.reveal", "forbidden")
    rev = r.do("F", "notes.reveal")
    assert rev.audience is None
    assert r.view("A")["notes"]["n1"]["revealed"] is True


def test_vote_and_case_choice() -> None:
    r = basic_room()
    r.refuse("A", "case.propose", "phase_closed", id="k1", text="Mijn vraag.")
    r.goto("keuze")
    r.refuse("A", "case.propose", "invalid", id="k1", text="Een. Twee. Drie. Vier.")
    r.refuse("L", "case.propose", "forbidden", id="k1", text="Vraag?")
    r.do("A", "case.propose", id="k1", text="Een collega komt te laat. Ik zeg niets. Hoe spreek ik hem aan?")
    r.do("B", "case.propose", id="k2", text="Hoe vind ik mijn plek?")
    r.refuse("B", "case.propose", "conflict", id="k1", text="Overgenomen?")
    r.do("B", "case.propose", id="k3", text="Nog een vraag?")
    r.refuse("A", "case.withdraw", "forbidden", id="k3")
    r.refuse("B", "case.withdraw", "not_found", id="k8")
    r.do("B", "case.withdraw", id="k3")
    r.refuse("A", "vote.cast", "not_found", id="k9")
    r.refuse("A", "vote.config", "forbidden", votes=2)
    r.do("F", "vote.config", votes=2)
    e = r.do("A", "vote.cast", id="k2")
    assert e.audience == {"A"}
    r.do("A", "vote.cast", id="k2")
    r.refuse("A", "vote.cast", "invalid", id="k1")
    r.do("A", "vote.retract", id="k2")
    r.refuse("B", "vote.retract", "not_found", id="k2")
    r.do("B", "vote.cast", id="k1")
    r.do("I", "vote.cast", id="k1")
    assert "votes" not in r.view("A")["vote"]["candidates"]["k1"]
    assert r.view("A")["vote"]["mine"] == {"k2": 1}
    r.refuse("A", "vote.close", "forbidden")
    r.do("F", "vote.close")
    assert r.view("A")["vote"]["candidates"]["k1"]["votes"] == 2
    r.refuse("A", "vote.cast", "conflict", id="k1")
    r.refuse("A", "case.choose", "forbidden", id="k1")
    r.refuse("F", "case.choose", "not_found", id="k7")
    r.do("F", "case.choose", id="k1")
    assert r.state.case["inbrenger"] == "A" and "inbrenger" not in r.state.participants["I"]["roles"]
    assert r.state.case["question"].startswith("Een collega")


def test_plan_and_suggestions() -> None:
    r = basic_room()
    r.refuse("I", "plan.set", "phase_closed", field="action", text="Gesprek plannen")
    r.goto("actieplan")
    r.refuse("A", "plan.set", "forbidden", field="action", text="x")
    r.refuse("I", "plan.set", "invalid", field="mood", text="x")
    r.do("I", "plan.set", field="action", text="Gesprek plannen met Jan")
    r.do("A", "plan.suggest", id="s1", field="first_step", text="Mail Jan vandaag")
    r.refuse("L", "plan.suggest", "forbidden", id="s2", field="first_step", text="x")
    r.refuse("A", "plan.accept", "forbidden", id="s1")
    r.refuse("I", "plan.accept", "not_found", id="s9")
    r.do("I", "plan.accept", id="s1")
    r.do("A", "plan.suggest", id="s2", field="measurable", text="Afspraak staat")
    r.do("I", "plan.dismiss", id="s2")
    v = r.view("B")
    assert v["plan"]["action"] == "Gesprek plannen met Jan" and v["plan"]["first_step"] == "Mail Jan vandaag"
    assert v["plan"]["review_date"] == ""
    assert v["suggestions"]["s2"]["status"] == "dismissed"


def test_rounds() -> None:
    r = basic_room()
    r.refuse("F", "round.start", "phase_closed")
    r.goto("onderzoeken")
    r.refuse("A", "round.start", "forbidden")
    r.refuse("F", "round.start", "not_found", order=["A", "Q"])
    r.refuse("F", "round.start", "invalid", order=["A", "A"])
    r.refuse("F", "round.start", "invalid", order=[])
    r.refuse("F", "round.next", "invalid")
    r.do("F", "round.start", order=["A", "B"], seconds=60)
    assert r.state.round is not None and r.state.round["order"] == ["A", "B"]
    r.refuse("B", "round.next", "forbidden")
    r.do("A", "round.next")
    r.do("F", "round.next")
    assert r.state.round["done"] is True
    assert r.view("F")["stats"]["A"]["turns"] == 1
    r.refuse("F", "round.next", "invalid")
    r.do("F", "round.stop")
    # By default the phase's writers speak: not the facilitator, not the inbrenger, not a listener.
    assert r.view("A")["speakers"] == ["A", "B"]
    e = r.do("F", "round.start", shuffle=True)
    assert sorted(e.data["order"]) == ["A", "B"]
    r.do("F", "phase.next")
    assert r.state.round is None


def test_method_switch_keeps_content() -> None:
    r = Room("balint")
    r.join("F", "F", ["facilitator"])
    r.join("A")
    r.goto("beeldvorming")
    r.do("A", "card.add", id="q1", kind="question", text="Wat voelde je toen?")
    r.refuse("A", "method.switch", "forbidden", method="basis")
    r.refuse("F", "method.switch", "not_found", method="nope")
    r.refuse("F", "method.switch", "invalid", method="balint")
    r.do("F", "method.switch", method="basis")
    assert r.state.method.id == "basis" and r.state.current.id == "onderzoeken"
    assert "q1" in r.view("A")["cards"]


def test_eval_scores_anonymous() -> None:
    r = basic_room()
    r.refuse("A", "eval.submit", "phase_closed", content=4)
    r.goto("evaluatie")
    r.refuse("A", "eval.submit", "invalid", content=9)
    r.refuse("A", "eval.submit", "invalid")
    e = r.do("A", "eval.submit", content=4, process=5)
    assert e.audience == {"A"}
    # One answer: a mean would be that person's score. Only the count, until the close.
    ev = r.view("I")["evaluation"]
    assert ev["n"] == 1 and ev["content"] == {"mean": None, "n": 1} and ev["closed"] is False
    r.do("B", "eval.submit", content=2)
    r.do("I", "eval.submit", content=3, process=4)
    r.do("A", "eval.submit", content=5)  # changed before the close: still only counts
    ev = r.view("I")["evaluation"]
    assert ev["content"] == {"mean": None, "n": 3} and ev["process"] == {"mean": None, "n": 2}
    assert ev["mine"] == {"content": 3, "process": 4}
    assert r.view("A")["evaluation"]["mine"] == {"content": 5, "process": 5}
    r.refuse("A", "evaluation.close", "forbidden")
    r.do("F", "evaluation.close")
    r.refuse("F", "evaluation.close", "conflict")
    # Closed: the means where at least three people gave the score, and nothing changes any more.
    ev = r.view("B")["evaluation"]
    assert ev["closed"] is True and ev["content"] == {"mean": 3.33, "n": 3}
    assert ev["process"] == {"mean": None, "n": 2}
    r.refuse("B", "eval.submit", "conflict", process=1)
    assert r.view("B")["may"]["evaluate"] is False
    assert r.replayed().to_dict() == r.state.to_dict()


def test_the_evaluation_closes_when_its_phase_ends() -> None:
    r = Room("incident")
    r.join("F", "F", ["facilitator"])
    for p in ("A", "B", "C"):
        r.join(p)
    r.goto("evaluatie")
    r.goto("afsluitende-discussie")  # nobody answered yet: nothing to close
    assert r.view("A")["evaluation"]["closed"] is False
    r.goto("evaluatie")
    for p, score in (("A", 4), ("B", 2), ("C", 3)):
        r.do(p, "eval.submit", process=score)
    assert r.view("A")["evaluation"]["process"]["mean"] is None
    r.goto("afsluitende-discussie")
    assert r.view("A")["evaluation"]["process"] == {"mean": 3.0, "n": 3}
    r.goto("evaluatie")  # back again: still closed
    r.refuse("A", "eval.submit", "conflict", process=5)


def test_rename_and_remove() -> None:
    r = basic_room()
    r.do("A", "participant.rename", name="Anna")
    assert r.view("B")["participants"]["A"]["name"] == "Anna"
    r.refuse("A", "participant.rename", "invalid", name="")
    r.refuse("A", "participant.remove", "forbidden", pid="I")
    r.refuse("F", "participant.remove", "not_found", pid="Q")
    r.refuse("F", "participant.remove", "invalid", pid="F")
    r.do("F", "participant.remove", pid="I")
    assert r.state.case["inbrenger"] is None and "I" not in r.state.participants
    # A removed person cannot come back under the same id, and sees nothing.
    r.refuse(None, "participant.join", "conflict", pid="I", name="I", roles=[])
    assert r.view("I")["cards"] == {} and r.view("I")["participants"] == {}


def test_lock_wait_admit() -> None:
    r = basic_room()
    r.goto("onderzoeken")
    r.do("A", "card.add", id="q1", kind="question", text="Wat gebeurde er?")
    r.refuse("A", "room.lock", "forbidden", locked=True)
    r.do("F", "room.lock", locked=True)
    r.do("W", "participant.wait", pid="W", name="Wim")
    v = r.view("W")
    assert v["waiting_for_admission"] is True and v["cards"] == {} and v["case"]["question"] == ""
    assert r.view("F")["waiting"] == {"W": {"name": "Wim", "at": r.now}}
    assert "waiting" not in r.view("A")
    r.refuse("W", "card.add", "forbidden", id="q2", kind="question", text="Mag ik?")
    r.refuse("A", "participant.admit", "forbidden", pid="W")
    r.refuse("F", "participant.admit", "not_found", pid="Z")
    r.do("F", "participant.admit", pid="W")
    assert "q1" in r.view("W")["cards"] and r.state.waiting == {}
    r.do("V", "participant.wait", pid="V", name="Vera")
    r.do("F", "participant.remove", pid="V")
    assert r.state.waiting == {} and "V" in r.state.removed


def test_erase_and_rotate_are_facilitator_only() -> None:
    r = basic_room()
    r.refuse("A", "room.erase", "forbidden")
    r.refuse("A", "room.rotate", "forbidden")
    r.do("F", "room.rotate")
    # Without an actor only the server erases (a group's erasure erases its meetings); nothing else.
    r.refuse(None, "phase.next", "forbidden")
    r.refuse(None, "room.rotate", "forbidden")
    assert r.decide(None, "room.erase").type == "room.erased"  # type: ignore[union-attr]
    r.do("F", "room.erase")
    assert r.state.ended
    r.refuse("F", "phase.next", "conflict")


def test_replay_reproduces_state_and_snapshot_roundtrip() -> None:
    r = basic_room()
    r.goto("keuze")
    r.do("A", "case.propose", id="k1", text="Hoe?")
    r.do("F", "case.choose", id="k1")
    r.goto("onderzoeken")
    r.do("B", "card.add", id="q1", kind="question", text="Wat deed je?")
    r.do("B", "mindmap.add", id="m1", parent="root", text="Team")
    r.do("L", "note.add", id="n1", text="stil")
    r.do("F", "timer.start", seconds=90)
    again = r.replayed()
    assert again.to_dict() == r.state.to_dict()
    snap = RoomState.from_dict(r.state.to_dict())
    assert view(snap, "A") == r.view("A")
    # Events round-trip through their stored record form.
    assert [Event.from_record(e.to_record()) for e in r.log] == r.log


def test_apply_rejects_out_of_order() -> None:
    r = basic_room()
    bad = Event(r.state.seq + 2, "case.set", "I", 0, {"question": "x"})
    with pytest.raises(ValueError):
        from server.rooms import apply

        apply(r.state, bad)


def test_every_client_command_has_a_test_here() -> None:
    from pathlib import Path

    from server.rooms import CLIENT_COMMANDS

    src = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    missing = [c for c in sorted(CLIENT_COMMANDS) if f'"{c}"' not in src]
    assert not missing, f"commands without a unit test: {missing}"
    assert LIB.basic.id == "basis"


def _group_room() -> Room:
    from server.rooms import created_event, replay

    r = Room()
    members = {
        "mA": {"name": "Anna", "roles": ["facilitator"]},
        "mB": {"name": "Bram", "roles": ["inbrenger"]},
        "mC": {"name": "Cor", "roles": []},
    }
    followups = [
        {
            "meeting": "old1",
            "title": "Sept",
            "owner": "mC",
            "owner_name": "Cor",
            "plan": {"action": "Gesprek met Jan"},
            "review_date": "2026-10-01",
        },
    ]
    first = created_event(
        "r1", LIB.basic, "Okt", "nl", r.now, group="g1", members=members, followups=followups
    )
    r.log = [first]
    r.state = replay("r1", r.log)
    return r


def test_group_meeting_starts_with_members_and_followups() -> None:
    r = _group_room()
    v = r.view("mC")
    assert v["group"] == "g1" and set(v["participants"]) == {"mA", "mB", "mC"}
    assert v["case"]["inbrenger"] == "mB" and r.state.is_fac("mA")
    assert v["followups"][0]["report"] is None
    r.refuse("mB", "followup.report", "forbidden", meeting="old1", status="done", text="")
    r.refuse("mC", "followup.report", "invalid", meeting="old1", status="finished", text="")
    r.refuse("mC", "followup.report", "not_found", meeting="zz", status="done", text="")
    r.do("mC", "followup.report", meeting="old1", status="partly", text="Eerste gesprek gevoerd")
    assert r.view("mB")["followups"][0]["report"]["status"] == "partly"


def test_case_queue_stays_private_until_the_case_choice() -> None:
    r = _group_room()
    e = r.do("mC", "case.queue", id="w1", text="Hoe spreek ik mijn collega aan?")
    assert e.audience == {"mC"}
    assert r.view("mB")["queued"] == {} and r.view("mC")["queued"]["w1"]["text"].startswith("Hoe")
    assert r.view("mB")["vote"]["candidates"] == {}
    # Someone else's private werkvraag's id: taken as a free one (test_a_hidden_werkvraag_id_...).
    r.refuse("mB", "case.queue", "invalid", id="w2", text="Een. Twee. Drie. Vier.")
    ev = r.do("mA", "phase.next")  # into the case choice
    assert ev.data["released"]["w1"]["author"] == "mC"
    assert r.view("mB")["vote"]["candidates"]["w1"]["author"] == "mC" and r.state.queued == {}
    # During the case choice a queued werkvraag is simply a proposal.
    assert r.do("mB", "case.queue", id="w3", text="Mijn vraag?").type == "case.proposed"


def test_meeting_next_records_chair_and_inbrenger() -> None:
    r = _group_room()
    r.refuse("mA", "meeting.next", "phase_closed", chair="mC")
    r.goto("evaluatie", actor="mA")
    r.refuse("mC", "meeting.next", "forbidden", chair="mC")
    r.refuse("mA", "meeting.next", "not_found", chair="zz")
    r.do("mA", "meeting.next", chair="mC", inbrenger="mA")
    assert r.view("mB")["next_roles"] == {"chair": "mC", "inbrenger": "mA"}
    assert r.replayed().to_dict() == r.state.to_dict()


def test_facilitator_sees_hidden_counts_not_cards() -> None:
    r = Room("incident")
    r.join("F", "F", ["facilitator"])
    r.join("A")
    r.goto("standpuntbepaling")
    r.do("A", "card.add", id="p1", kind="position", text="geheim standpunt")
    v = r.view("F")
    assert v["hidden"] == {"standpuntbepaling": 1} and "p1" not in v["cards"]
    assert "hidden" not in r.view("A") and "geheim" not in repr(v)
    r.do("F", "cards.reveal", phase="standpuntbepaling")
    assert r.view("A")["revealed_phases"] == ["standpuntbepaling"] and r.view("F")["hidden"] == {}


def test_one_rule_set_for_proposed_and_queued_candidates() -> None:
    r = _group_room()
    r.do("mA", "role.assign", pid="mC", role="listener", on=True)
    # Before the case choice: a silent listener brings no case, queued or proposed.
    r.refuse("mC", "case.queue", "forbidden", id="w1", text="Mijn vraag?")
    # At most three candidates per person, queued and proposed together.
    for i in range(3):
        r.do("mB", "case.queue", id=f"b{i}", text="Een vraag?")
    r.refuse("mB", "case.queue", "too_large", id="b3", text="Nog een?")
    r.do("mB", "case.queue", id="b0", text="Anders gezegd?")  # one's own: a new text, not a new one
    assert r.view("mB")["queued"]["b0"]["text"] == "Anders gezegd?"
    r.do("mA", "phase.next")  # the case choice: they are candidates now
    r.refuse("mB", "case.propose", "too_large", id="b4", text="Nog een?")
    r.refuse("mB", "case.queue", "too_large", id="b4", text="Nog een?")
    r.refuse("mC", "case.queue", "forbidden", id="c1", text="Tijdens de stemming?")
    r.refuse("mC", "case.propose", "forbidden", id="c1", text="Tijdens de stemming?")
    r.do("mA", "case.queue", id="a1", text="Van de voorzitter?")
    r.do("mA", "vote.close")
    # After the vote: nobody adds a candidate, whichever way.
    r.refuse("mA", "case.queue", "conflict", id="a2", text="Te laat?")
    r.refuse("mA", "case.propose", "conflict", id="a2", text="Te laat?")
    assert len(r.state.vote["candidates"]) == 4


def test_after_the_choice_no_case_is_queued() -> None:
    r = basic_room()
    r.goto("keuze")
    r.do("A", "case.propose", id="k1", text="Hoe?")
    r.do("F", "case.choose", id="k1")
    r.goto("onderzoeken")
    r.refuse("B", "case.queue", "conflict", id="k2", text="Alsnog?")
    r.refuse("F", "case.propose", "conflict", id="k2", text="Alsnog?")


def test_the_room_caps_candidates_for_both_ways_in() -> None:
    from server.rooms import MAX_CANDIDATES

    r = Room()
    r.join("F", "F", ["facilitator"])
    pids = [f"p{i}" for i in range(MAX_CANDIDATES // 3 + 1)]
    for pid in pids:
        r.join(pid)
    n = 0
    for pid in pids:
        for j in range(3):
            if n == MAX_CANDIDATES:
                r.refuse(pid, "case.queue", "too_large", id=f"{pid}x{j}", text="Vraag?")
                continue
            r.do(pid, "case.queue", id=f"{pid}x{j}", text="Vraag?")
            n += 1
    # Queued werkvragen count for a proposal too (they become candidates at the case choice).
    r.refuse("F", "case.propose", "too_large", id="f1", text="Van de voorzitter?")
    r.goto("keuze")
    assert len(r.state.vote["candidates"]) == MAX_CANDIDATES


def test_a_hidden_item_id_is_answered_as_a_free_id() -> None:
    """An id that only someone else's private item has is answered exactly as a free id is (ids are
    scoped per author where they must be), so probing ids tells nobody that a hidden card, note or
    werkvraag exists; and nothing of the hidden item changes."""
    r = Room("incident")
    r.join("F", "F", ["facilitator"])
    for p in ("A", "B", "L", "M"):
        r.join(p)
    r.do("F", "role.assign", pid="L", role="listener", on=True)
    r.do("F", "role.assign", pid="M", role="listener", on=True)
    r.goto("vragen-noteren")
    r.do("A", "card.add", id="qa", kind="question", text="Wat gebeurde er?")
    taken = r.do("B", "card.add", id="qa", kind="question", text="Wat gebeurde er?")
    free = r.do("B", "card.add", id="qfree", kind="question", text="Wat gebeurde er?")
    assert taken.data == {**free.data, "id": "qa"} and taken.audience == free.audience
    r.do("F", "card.add", id="qa", kind="question", text="Van de voorzitter?")
    # Each author sees their own card under the id they gave it; nobody sees another's.
    assert r.view("A")["cards"]["qa"]["text"] == "Wat gebeurde er?"
    assert r.view("A")["cards"]["qa"]["author"] == "A"
    assert r.view("B")["cards"]["qa"]["author"] == "B" and len(r.view("B")["cards"]) == 2
    assert r.view("F")["cards"]["qa"]["author"] == "F" and len(r.view("F")["cards"]) == 1
    # The author edits and removes theirs by that id; A's card is untouched.
    r.do("B", "card.edit", id="qa", text="Wat gebeurde er daarna?")
    assert r.view("B")["cards"]["qa"]["text"] == "Wat gebeurde er daarna?"
    assert r.view("A")["cards"]["qa"]["text"] == "Wat gebeurde er?"
    r.refuse("B", "card.add", "conflict", id="qa", kind="question", text="Nog een?")  # B's own now
    # Notes: the same.
    r.do("L", "note.add", id="nl", text="stil")
    r.do("M", "note.add", id="nl", text="mijn notitie")
    assert r.view("L")["notes"]["nl"]["text"] == "stil"
    assert r.view("M")["notes"]["nl"]["text"] == "mijn notitie"
    r.do("M", "note.edit", id="nl", text="mijn notitie, anders")
    assert r.view("L")["notes"]["nl"]["text"] == "stil"
    # The reveal shows every card: A's under its id, the others under keys of their own.
    r.do("F", "cards.reveal", phase="vragen-noteren")
    cards = r.view("A")["cards"]
    assert sorted(c["text"] for c in cards.values()) == sorted(
        ["Wat gebeurde er?", "Wat gebeurde er daarna?", "Wat gebeurde er?", "Van de voorzitter?"]
    )
    assert cards["qa"]["author"] == "A" and all("alias" not in c for c in cards.values())
    r.do("F", "notes.reveal")
    assert all("alias" not in n for n in r.view("A")["notes"].values())
    assert {n["text"] for n in r.view("A")["notes"].values()} == {"stil", "mijn notitie, anders"}
    # Once visible, a taken id is simply taken.
    r.refuse("A", "card.add", "conflict", id="qa", kind="question", text="Wat?")
    assert r.replayed().to_dict() == r.state.to_dict()


def test_a_hidden_werkvraag_id_is_answered_as_a_free_id() -> None:
    r = Room("basis")
    r.join("F", "F", ["facilitator"])
    for p in ("A", "B"):
        r.join(p)
    r.do("A", "case.queue", id="w1", text="Hoe nu?")
    free = r.do("B", "case.queue", id="wfree", text="Hoe verder?")
    taken = r.do("B", "case.queue", id="w1", text="Hoe verder?")
    assert taken.data == {**free.data, "id": "w1"} and taken.audience == free.audience
    assert r.view("A")["queued"] == {"w1": {"text": "Hoe nu?", "author": "A"}}
    assert r.view("B")["queued"]["w1"] == {"text": "Hoe verder?", "author": "B"}
    r.do("B", "case.queue", id="w1", text="Hoe verder dan?")  # B saves theirs again
    assert r.view("A")["queued"]["w1"]["text"] == "Hoe nu?"
    # The facilitator proposes a public candidate with the same id: it takes the id, and A's
    # werkvraag moves aside when the case choice opens.
    r.do("F", "case.propose", id="w1", text="Van de voorzitter?")
    r.goto("keuze")
    texts = {c["text"]: cid for cid, c in r.state.vote["candidates"].items()}
    assert set(texts) == {"Hoe nu?", "Hoe verder?", "Hoe verder dan?", "Van de voorzitter?"}
    assert texts["Van de voorzitter?"] == "w1" and not r.state.queued
    assert all("alias" not in c for c in r.view("A")["vote"]["candidates"].values())
    assert r.replayed().to_dict() == r.state.to_dict()


def test_attendance_of_a_group_meeting() -> None:
    """The server records when a member first comes in; the facilitator confirms who was there;
    only facilitators see it."""
    r = _group_room()
    r.refuse("mC", "attendance.seen", "forbidden", pid="mC")
    r.refuse(None, "attendance.seen", "not_found", pid="mX")
    r.do(None, "attendance.seen", pid="mC")
    r.refuse(None, "attendance.seen", "conflict", pid="mC")
    assert r.state.attendance == {"mC": r.now}
    assert "attendance" not in r.view("mC")
    assert r.view("mA")["attendance"] == {"seen": {"mC": r.now}, "confirmed": None}
    r.refuse("mC", "attendance.confirm", "forbidden", present=["mC"])
    r.refuse("mA", "attendance.confirm", "not_found", present=["mX"])
    r.refuse("mA", "attendance.confirm", "invalid", present="mC")
    r.do("mA", "attendance.confirm", present=["mC", "mA", "mA"])
    assert r.view("mA")["attendance"]["confirmed"] == ["mA", "mC"]
    assert r.replayed().to_dict() == r.state.to_dict()
    # Not in a room outside a group.
    b = basic_room()
    b.refuse(None, "attendance.seen", "not_found", pid="A")
