"""View deltas against full views: for random command sequences over every tool (reveals, role
changes, joins and removals, a method switch), batched at random, every viewer's welcome view plus
every delta since equals a fresh full view, and no delta tells a viewer of something they may not
see (server/rooms/delta.py)."""

from __future__ import annotations

import json
from typing import Any

from engine_harness import LIB, Room
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from patchlib import apply_ops

from server.rooms import CLIENT_COMMANDS, SERVER_COMMANDS, Command, Draft, Event, apply, decide, view
from server.rooms.delta import Touched, batch_ops, ops_for, shared_ops, viewer_ops
from server.rooms.registry import APPLIERS

PEOPLE = ["F", "I", "A", "B", "L", "N1", "N2"]  # N1, N2 join (or knock) during the run
IDS = ["a", "b", "c"]
POOL: dict[str, list[Any]] = {
    "id": IDS,
    "into": IDS,
    "a": IDS,
    "b": IDS,
    "parent": ["root", *IDS],
    "text": ["Wat gebeurde er?", "Heb je al overwogen te stoppen?", "Ik zou wachten"],
    "question": ["Hoe ga ik om met stilte?"],
    # The kinds the three methods below open, the question most.
    "kind": [
        "question",
        "question",
        "position",
        "association",
        "checkin",
        "advice",
        "judgement",
        "card",
        "note",
    ],
    "side": ["promoting", "hindering"],
    "importance": [1, 3, 5],
    "difficulty": [2, 4],
    "clarity": [1, 5],
    "influenceable": [True, False],
    "useful": [True, False],
    "index": [0, 1, 2, 2, 3, 4, 5],
    "minutes": [3, 20],
    "seconds": [30, 120],
    "pid": PEOPLE,
    "role": ["facilitator", "inbrenger", "listener", "timekeeper", "coach"],
    "on": [True, False],
    "votes": [1, 3],
    "field": ["action", "first_step", "gedaan", "uitgangsvraag"],
    "method": ["basis", "incident", "krachtenveld", "balint", "socratisch", "waarderend"],
    "authors": ["all", "listeners", "inbrenger"],
    "title": ["Weerstand", ""],
    "link": ["https://example.org/w", ""],
    "phase": ["introductie", "onderzoeken", "vragen-noteren", "standpuntbepaling"],
    "locked": [True, False],
    "current": ["Het is stil"],
    "desired": ["Er wordt gepraat"],
    "content": [3, 5],
    "process": [2, 4],
    "learned": ["Stilte mag"],
    "name": ["Nieuwe naam"],
    "at": [None, 2_000_000],
    "present": [["F", "A"], ["A", "B", "L"], ["A", "B", "I", "L", "F"]],
    "chair": ["A", None],
    "inbrenger": ["I", None],
    "meeting": ["m0"],
    "status": ["done"],
    "shared": [True, False],
    "group": [0, 1, None],
    "shuffle": [True, False],
    "shape": ["pen", "rect", "text"],
    "points": [[[10, 10], [200, 120]], [[300, 300]], [[0, 0], [50, 3], [100, 0], [150, 90]]],
    "color": ["red", "blue"],
    "label": ["de school", ""],
    "drawers": [["A", "B"], ["B"], ["L", "N1"]],
}
ARGS: dict[str, tuple[str, ...]] = {
    "phase.goto": ("index",),
    "phase.minutes": ("index", "minutes"),
    "meeting.end": ("at",),
    "method.switch": ("method",),
    "role.assign": ("pid", "role", "on"),
    "participant.rename": ("name",),
    "participant.remove": ("pid",),
    "participant.admit": ("pid",),
    "room.lock": ("locked",),
    "timer.start": ("seconds",),
    "timer.add": ("seconds",),
    "case.set": ("question",),
    "case.reformulate": ("text",),
    "case.propose": ("id", "text"),
    "case.queue": ("id", "text"),
    "case.withdraw": ("id",),
    "case.choose": ("id",),
    "vote.cast": ("id",),
    "vote.retract": ("id",),
    "vote.config": ("votes",),
    "card.add": ("id", "kind", "text"),
    "card.edit": ("id", "text"),
    "card.remove": ("id",),
    "card.mark": ("id", "useful"),
    "cards.reveal": ("phase",),
    "mindmap.add": ("id", "parent", "text"),
    "mindmap.edit": ("id", "text"),
    "mindmap.move": ("id", "parent"),
    "mindmap.remove": ("id",),
    "force.add": ("id", "side", "text"),
    "force.edit": ("id", "text"),
    "force.remove": ("id",),
    "force.rate": ("id", "importance", "difficulty", "clarity"),
    "force.flag": ("id", "influenceable"),
    "force.merge": ("id", "into"),
    "force.link": ("a", "b", "on"),
    "forcefield.set": ("current", "desired"),
    "note.add": ("id", "text"),
    "note.edit": ("id", "text"),
    "note.remove": ("id",),
    "plan.set": ("field", "text"),
    "plan.suggest": ("id", "field", "text"),
    "plan.accept": ("id",),
    "plan.dismiss": ("id",),
    "eval.submit": ("content", "process", "learned"),
    "followup.report": ("meeting", "status", "text"),
    "meeting.next": ("chair", "inbrenger"),
    "attendance.confirm": ("present",),
    "outcome.set": ("field", "text"),
    "outcome.propose": ("field", "id", "text"),
    "outcome.withdraw": ("id",),
    "outcome.vote": ("id", "on"),
    "outcome.adopt": ("id",),
    "facilitator.writes": ("on",),
    "knowledge.set": ("title", "text", "link"),
    "notes.reveal": ("authors",),
    "pairs.start": ("present", "shuffle", "minutes"),
    "pairs.move": ("pid", "group"),
    "pairs.time": ("seconds",),
    "pairs.reveal": ("group",),
    "pair.add": ("id", "kind", "text"),
    "pair.edit": ("id", "text"),
    "pair.remove": ("id",),
    "draw.add": ("id", "shape", "points", "color", "label"),
    "draw.remove": ("id",),
    "draw.label": ("id", "label"),
    "draw.describe": ("text",),
    "draw.private": ("drawers", "minutes"),
    # The server's own, with no actor:
    "participant.join": ("pid", "name"),
    "participant.wait": ("pid", "name"),
    "participant.expel": ("pid",),
    "leervraag.shared": ("pid", "shared"),
    "attendance.seen": ("pid",),
}
NEVER = {"room.erase", "participant.grant"}  # the end of a room; the hello's own role change
SERVER_SIDE = sorted(SERVER_COMMANDS - NEVER)
# The board tools often, the rest now and then, so a run reaches deep states.
BOARD = sorted(
    t
    for t in CLIENT_COMMANDS - NEVER
    if t.split(".")[0] in {"card", "mindmap", "force", "note", "pair", "pairs", "draw"}
)


def _command(type_: str) -> st.SearchStrategy[tuple[str | None, str, dict[str, Any]]]:
    pools = dict(POOL)
    if type_ in ("participant.expel", "participant.remove"):
        pools["pid"] = ["N1", "N2", "B"]  # keep most of the room in it
    elif type_ in SERVER_COMMANDS:
        pools["pid"] = ["N1", "N2", "A", "I"]
    args = st.fixed_dictionaries({k: st.sampled_from(pools[k]) for k in ARGS.get(type_, ())})
    actor: st.SearchStrategy[str | None] = (
        st.just(None) if type_ in SERVER_COMMANDS else st.sampled_from(["F", "F", "F", "I", "A", "B", "L"])
    )
    return st.tuples(actor, st.just(type_), args)


# The board tools and the phase moves often, the rest now and then, the server's own rarely.
OFTEN = [*BOARD, "phase.next", "phase.goto", "cards.reveal", "notes.reveal", "role.assign"]
STEP = st.tuples(
    st.sampled_from([*OFTEN, *OFTEN, *OFTEN, *sorted(CLIENT_COMMANDS - NEVER), *SERVER_SIDE]).flatmap(
        _command
    ),
    st.booleans(),  # the batch ends after this step
)


def _group_room(method: str) -> Room:
    """A group meeting (attendance, follow-ups, leervragen) with F, I, A, B and L in it."""
    r = Room(method)
    created = r.log[0]
    created.data.update(
        group="g1",
        members={
            "F": {"name": "Fenna", "roles": ["facilitator"]},
            "I": {"name": "Ilse", "roles": ["inbrenger"], "leervraag_shared": True},
            "A": {"name": "Ahmed", "roles": []},
            "B": {"name": "Bo", "roles": []},
            "L": {"name": "Lin", "roles": ["listener"]},
        },
        followups=[{"meeting": "m0", "owner": "I", "question": "q", "plan": {}}],
    )
    from server.rooms import replay

    r.state = replay("r1", r.log)
    return r


def _ids(path: str) -> list[str]:
    """The keys in a path below its view key (list indexes are no one's ids)."""
    return [k for k in path.split("/")[1:] if not k.isdigit()]


def _check_batch(
    r: Room,
    touched: Touched,
    held: dict[str | None, dict[str, Any]],
    before: dict[str | None, str],
    events: list[Event],
) -> None:
    s = r.state
    viewers: list[str | None] = [None, *s.participants]
    # As the transport makes them: each group of viewers' own ops rendered for one of them.
    made = batch_ops(s, touched, viewers)
    for v in viewers:
        fresh = view(s, v, public=v is None)
        if v not in held:  # joined in this batch: their welcome is a fresh view
            held[v] = fresh
            continue
        ops = made[v]
        assert ops == ops_for(s, touched, v), f"viewer {v}: the group's ops are not their own"
        # What this viewer may know: their view before and after, and the events they received
        # whole (the others only as placeholders). A delta names nothing else: no id of someone
        # else's hidden card or note, not even that it was added and removed in one batch.
        known = before[v] + json.dumps(fresh) + json.dumps([e.data for e in events if e.visible_to(v)])
        for op in ops:
            assert all(k in known for k in _ids(op["path"])), (v, op)
        held[v] = apply_ops(held[v], ops, s.seq)
        assert held[v] == fresh, f"viewer {v}: {_diff(held[v], fresh)}"
    for gone in set(held) - set(viewers):
        del held[gone]


def _diff(a: dict[str, Any], b: dict[str, Any]) -> str:
    keys = sorted(k for k in {*a, *b} if a.get(k) != b.get(k))
    return "; ".join(f"{k}: {json.dumps(a.get(k))[:300]} != {json.dumps(b.get(k))[:300]}" for k in keys)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["basis", "incident", "krachtenveld", "waarderend"]),
    group=st.booleans(),
    steps=st.lists(STEP, min_size=40, max_size=90),
)
def test_welcome_plus_deltas_is_the_fresh_view_for_every_viewer(
    method: str, group: bool, steps: list[tuple[tuple[str | None, str, dict[str, Any]], bool]]
) -> None:
    if group:
        r = _group_room(method)
    else:
        r = Room(method)
        r.join("F", "Fenna", ["facilitator"])
        for pid in ("I", "A", "B", "L"):
            r.join(pid)
        r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
        r.do("F", "role.assign", pid="L", role="listener", on=True)
    _walk(r, steps)


def _walk(r: Room, steps: list[tuple[tuple[str | None, str, dict[str, Any]], bool]]) -> None:
    """Decide and apply each step (refusals change nothing); where a step says so, check the batch
    so far: every viewer's held view plus its delta equals a fresh view, and nothing leaks."""
    held = {v: view(r.state, v, public=v is None) for v in [None, *r.state.participants]}
    touched, events = Touched(), []
    before = {v: json.dumps(h) for v, h in held.items()}
    for (actor, type_, args), flush in steps:
        d = decide(r.state, Command(type_, dict(args)), actor, r.now, LIB.methods)
        if isinstance(d, Draft):
            e = Event(r.state.seq + 1, d.type, actor, r.now, d.data, d.audience)
            touched.add(r.state, e)
            apply(r.state, e)
            events.append(e)
        r.tick(7_000)
        if flush and touched:
            _check_batch(r, touched, held, before, events)
            touched, events = Touched(), []
            before = {v: json.dumps(h) for v, h in held.items()}
    if touched:
        _check_batch(r, touched, held, before, events)


# Pair work: rounds, moves, late joins and removals, the pairs' own boards and their reveals, in the
# phase that opens it (the run above reaches it only now and then).
PAIR_STEP = st.tuples(
    st.sampled_from(
        [
            *["pair.add"] * 8,
            *["pair.edit"] * 4,
            *["pair.remove"] * 2,
            *["pairs.start", "pairs.move", "pairs.reveal"] * 2,
            "pairs.end",
            "pairs.time",
            "participant.join",
            "participant.remove",
            "role.assign",
            "phase.goto",
        ]
    ).flatmap(_command),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(PAIR_STEP, min_size=30, max_size=70))
def test_pair_work_deltas_for_every_viewer(
    steps: list[tuple[tuple[str | None, str, dict[str, Any]], bool]],
) -> None:
    r = Room("waarderend")
    r.join("F", "Fenna", ["facilitator"])
    for pid in ("I", "A", "B", "L"):
        r.join(pid)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.do("F", "role.assign", pid="L", role="listener", on=True)
    r.goto("tweetallen")
    # A pair's own board is written by its members, not by the facilitator.
    _walk(r, [((("A" if t.startswith("pair.") and a == "F" else a), t, x), f) for (a, t, x), f in steps])


def test_a_reveal_is_a_delta_that_adds_the_revealed_cards() -> None:
    r = Room("incident")
    r.join("F", "Fenna", ["facilitator"])
    r.join("A")
    r.join("B")
    r.goto("standpuntbepaling")
    t = Touched()
    e = r.decide("A", "card.add", id="p1", kind="position", text="Ik wacht af")
    assert isinstance(e, Draft)
    ev = Event(r.state.seq + 1, e.type, "A", r.now, e.data, e.audience)
    t.add(r.state, ev)
    apply(r.state, ev)
    # Only the author's delta has the hidden card; B's and the facilitator's have nothing of it.
    assert [op["path"] for op in ops_for(r.state, t, "A")] == ["cards/p1"]
    assert "p1" not in json.dumps(ops_for(r.state, t, "B"))
    assert "p1" not in json.dumps(ops_for(r.state, t, "F")) and "Ik wacht af" not in json.dumps(
        ops_for(r.state, t, "F")
    )
    t = Touched()
    rev = r.decide("F", "cards.reveal", phase="standpuntbepaling")
    assert isinstance(rev, Draft)
    ev = Event(r.state.seq + 1, rev.type, "F", r.now, rev.data, rev.audience)
    t.add(r.state, ev)
    apply(r.state, ev)
    ops = ops_for(r.state, t, "B")
    assert {"op": "set", "path": "cards/p1", "value": view(r.state, "B")["cards"]["p1"]} in ops


def test_a_phase_change_sends_the_phases_progress_not_the_methods_texts() -> None:
    r = Room("basis")
    r.join("F", "Fenna", ["facilitator"])
    t = Touched()
    d = r.decide("F", "phase.next")
    assert isinstance(d, Draft)
    ev = Event(r.state.seq + 1, d.type, "F", r.now, d.data, d.audience)
    t.add(r.state, ev)
    apply(r.state, ev)
    shared, _ = t.split()
    text = json.dumps(shared_ops(r.state, shared))
    assert "method/phases/1/state" in text and "instructions" not in text
    assert len(text) < 2000


def test_the_projector_gets_no_facilitator_sections() -> None:
    r = Room("basis")
    r.join("F", "Fenna", ["facilitator"])
    t = Touched()
    d = r.decide(None, "participant.join", pid="Z", name="Zo")
    assert isinstance(d, Draft)
    ev = Event(r.state.seq + 1, d.type, None, r.now, d.data, d.audience)
    t.add(r.state, ev)
    apply(r.state, ev)
    _, personal = t.split()
    assert viewer_ops(r.state, personal, None) == []
    assert {"op": "set", "path": "stats/Z", "value": {"cards": 0, "turns": 0, "flagged": 0}} in viewer_ops(
        r.state, personal, "F"
    )


# Every event type at least once, in a group meeting: the property test above reaches most of them
# at random; this walk makes sure of all of them (each step its own batch, then in threes).
SCRIPT: list[tuple[str | None, str, dict[str, Any]]] = [
    ("B", "case.queue", {"id": "w1", "text": "Een vraag van tevoren?"}),
    ("F", "phase.goto", {"index": 1}),
    ("A", "case.propose", {"id": "a", "text": "Hoe ga ik om met stilte?"}),
    ("B", "case.propose", {"id": "b", "text": "Wat doe ik met kritiek?"}),
    ("A", "vote.cast", {"id": "a"}),
    ("A", "vote.retract", {"id": "a"}),
    ("B", "vote.cast", {"id": "a"}),
    ("B", "case.withdraw", {"id": "b"}),
    ("F", "vote.config", {"votes": 2}),
    ("F", "vote.close", {}),
    ("F", "case.choose", {"id": "a"}),
    # The drawing: in private for A and B (everyone else sees who draws, nothing of the picture),
    # a third drawer added, given back, then drawn on in public and cleared.
    ("F", "draw.private", {"drawers": ["A", "B"], "minutes": 20}),
    ("A", "draw.add", {"id": "d1", "shape": "pen", "points": [[10, 10], [50, 60], [90, 10]], "color": "red"}),
    (
        "B",
        "draw.add",
        {"id": "d2", "shape": "text", "points": [[100, 100]], "color": "blue", "label": "school"},
    ),
    ("B", "draw.label", {"id": "d1", "label": "het hek"}),
    ("A", "draw.describe", {"text": "Een school met een hek"}),
    ("A", "draw.remove", {"id": "d2"}),
    ("F", "draw.private", {"drawers": ["A", "B", "L"]}),
    ("B", "draw.giveback", {}),
    ("F", "draw.add", {"id": "d3", "shape": "ellipse", "points": [[5, 5], [80, 40]], "color": "green"}),
    (
        "F",
        "draw.add",
        {"id": "d4", "shape": "line", "points": [[0, 0], [90, 40]], "color": "blue", "label": ""},
    ),
    ("F", "draw.remove", {"id": "d4"}),
    ("F", "draw.clear", {}),
    ("F", "phase.next", {}),
    ("A", "card.add", {"id": "q1", "kind": "question", "text": "Heb je al overwogen te stoppen?"}),
    ("A", "card.edit", {"id": "q1", "text": "Wat gebeurde er?"}),
    ("A", "card.mark", {"id": "q1", "useful": True}),
    ("A", "card.add", {"id": "q2", "kind": "question", "text": "Wie was er?"}),
    ("A", "card.remove", {"id": "q2"}),
    ("A", "mindmap.add", {"id": "m1", "parent": "root", "text": "stilte"}),
    ("B", "mindmap.add", {"id": "m2", "parent": "m1", "text": "angst"}),
    ("B", "mindmap.move", {"id": "m2", "parent": "root"}),
    ("A", "mindmap.edit", {"id": "m1", "text": "de stilte"}),
    ("F", "mindmap.add", {"id": "m3", "parent": "m1", "text": "onder"}),
    ("F", "mindmap.remove", {"id": "m1"}),
    ("F", "round.start", {}),
    ("F", "round.next", {}),
    ("F", "round.stop", {}),
    ("L", "note.add", {"id": "n1", "text": "A kijkt weg"}),
    ("L", "note.edit", {"id": "n1", "text": "A kijkt vaak weg"}),
    ("L", "note.add", {"id": "n2", "text": "weg"}),
    ("L", "note.remove", {"id": "n2"}),
    ("F", "notes.reveal", {}),
    ("F", "timer.start", {"seconds": 60}),
    ("F", "timer.pause", {}),
    ("F", "timer.resume", {}),
    ("F", "timer.add", {"seconds": 30}),
    ("F", "phase.next", {}),
    ("A", "case.reformulate", {"text": "Hoe houd ik de stilte uit?"}),
    ("A", "case.set", {"question": "Hoe ga ik om met de stilte?"}),
    ("F", "phase.next", {}),
    ("A", "plan.set", {"field": "action", "text": "Tot tien tellen"}),
    ("B", "plan.suggest", {"id": "s1", "field": "first_step", "text": "Morgen"}),
    ("A", "plan.accept", {"id": "s1"}),
    ("B", "plan.suggest", {"id": "s2", "field": "first_step", "text": "Nu"}),
    ("A", "plan.dismiss", {"id": "s2"}),
    ("F", "phase.minutes", {"index": 5, "minutes": 20}),
    ("F", "phase.next", {}),
    ("A", "eval.submit", {"content": 4, "process": 5, "learned": "Stilte mag"}),
    ("B", "eval.submit", {"content": 3}),
    ("F", "meeting.next", {"chair": "A", "inbrenger": None}),
    ("I", "followup.report", {"meeting": "m0", "status": "done", "text": "Gedaan"}),
    ("F", "evaluation.close", {}),
    (None, "attendance.seen", {"pid": "A"}),
    ("F", "attendance.confirm", {"present": ["F", "A"]}),
    ("F", "method.switch", {"method": "krachtenveld"}),
    ("F", "force.add", {"id": "f1", "side": "promoting", "text": "steun"}),
    ("F", "force.edit", {"id": "f1", "text": "veel steun"}),
    ("F", "phase.goto", {"index": 3}),  # Samenhang en classificatie: the forces are weighed here
    ("F", "force.rate", {"id": "f1", "importance": 4, "difficulty": 2, "clarity": 5}),
    ("F", "force.flag", {"id": "f1", "influenceable": True}),
    ("F", "force.add", {"id": "f2", "side": "hindering", "text": "tijd"}),
    ("F", "force.link", {"a": "f1", "b": "f2", "on": True}),
    ("F", "force.add", {"id": "f3", "side": "promoting", "text": "steun ook"}),
    ("F", "force.rate", {"id": "f3", "importance": 2, "difficulty": 2, "clarity": 2}),
    ("F", "force.merge", {"id": "f3", "into": "f1"}),
    ("F", "force.remove", {"id": "f2"}),
    ("F", "forcefield.set", {"current": "stil", "desired": "levendig"}),
    ("F", "method.switch", {"method": "incident"}),
    ("F", "phase.goto", {"index": 6}),
    ("B", "card.add", {"id": "p1", "kind": "position", "text": "Ik wacht af"}),
    ("B", "card.edit", {"id": "p1", "text": "Ik wacht eerst af"}),
    ("F", "card.add", {"id": "p2", "kind": "position", "text": "Ik ga erop af"}),
    ("F", "card.remove", {"id": "p2"}),
    ("F", "cards.reveal", {"phase": "standpuntbepaling"}),
    ("F", "room.lock", {"locked": True}),
    (None, "participant.wait", {"pid": "N1", "name": "Nora"}),
    ("F", "participant.admit", {"pid": "N1"}),
    ("F", "role.assign", {"pid": "A", "role": "facilitator", "on": True}),
    ("F", "role.assign", {"pid": "A", "role": "facilitator", "on": False}),
    ("F", "role.assign", {"pid": "B", "role": "inbrenger", "on": True}),
    ("B", "participant.rename", {"name": "Bobbie"}),
    (None, "participant.expel", {"pid": "N1"}),
    (None, "participant.wait", {"pid": "N2", "name": "Nico"}),
    ("F", "participant.remove", {"pid": "N2"}),
    (None, "leervraag.shared", {"pid": "A", "shared": True}),
    ("F", "knowledge.set", {"title": "Weerstand", "text": "Weerstand is informatie", "link": ""}),
    ("F", "outcome.set", {"phase": "wat-deed-de-inbrenger", "field": "gedaan", "text": "Ik wachtte"}),
    ("F", "method.switch", {"method": "waarderend"}),
    ("F", "phase.goto", {"index": 3}),  # In tweetallen: pair work
    ("F", "pairs.start", {"present": ["A", "B", "I", "L"], "shuffle": True, "minutes": 5}),
    ("F", "pairs.start", {"groups": [["A", "B"], ["I", "L"]], "minutes": 5}),
    ("A", "pair.add", {"id": "pa", "kind": "card", "text": "Ze nam de tijd"}),
    ("I", "pair.add", {"id": "pa", "kind": "note", "text": "Een andere pa"}),
    ("B", "pair.edit", {"id": "pa", "text": "Ze nam echt de tijd"}),
    ("L", "pair.add", {"id": "pl", "kind": "card", "text": "weg"}),
    ("I", "pair.remove", {"id": "pl"}),
    ("F", "pairs.time", {"seconds": 60}),
    ("F", "pairs.move", {"pid": "L", "group": 0}),
    ("F", "pairs.move", {"pid": "L"}),
    ("F", "pairs.end", {}),
    ("F", "pairs.reveal", {"group": 1}),
    ("F", "pairs.reveal", {}),
    ("F", "method.switch", {"method": "socratisch"}),
    ("F", "phase.goto", {"index": 1}),  # the uitgangsvraag: proposed and voted on
    ("A", "outcome.propose", {"field": "uitgangsvraag", "id": "u1", "text": "Wanneer spreek je aan?"}),
    ("B", "outcome.propose", {"field": "uitgangsvraag", "id": "u2", "text": "Wat is een grens?"}),
    ("B", "outcome.vote", {"id": "u1", "on": True}),
    ("A", "outcome.vote", {"id": "u1", "on": True}),
    ("B", "outcome.vote", {"id": "u2", "on": True}),
    ("B", "outcome.withdraw", {"id": "u2"}),
    ("F", "outcome.adopt", {"id": "u1"}),
    ("F", "facilitator.writes", {"on": True}),
    ("F", "meeting.end", {"at": 2_000_000}),
    ("F", "room.rotate", {}),
    ("F", "projector.rotate", {}),
    ("F", "projector.revoke", {}),
    ("F", "room.erase", {}),
]


def test_every_event_type_in_one_walk_in_batches_of_one_and_of_three() -> None:
    for size in (1, 3):
        r = _group_room("basis")
        held = {v: view(r.state, v, public=v is None) for v in [None, *r.state.participants]}
        seen: set[str] = set()
        touched, events = Touched(), []
        before = {v: json.dumps(h) for v, h in held.items()}
        for i, (actor, type_, args) in enumerate(SCRIPT, 1):
            d = decide(r.state, Command(type_, dict(args)), actor, r.now, LIB.methods)
            assert isinstance(d, Draft), f"step {i} {type_} {args} by {actor}: {d}"
            e = Event(r.state.seq + 1, d.type, actor, r.now, d.data, d.audience)
            touched.add(r.state, e)
            apply(r.state, e)
            events.append(e)
            seen.add(e.type)
            r.tick(5_000)
            if i % size == 0 or i == len(SCRIPT):
                _check_batch(r, touched, held, before, events)
                touched, events = Touched(), []
                before = {v: json.dumps(h) for v, h in held.items()}
        assert seen >= set(APPLIERS) - {"participant.grant"}, sorted(set(APPLIERS) - seen)
