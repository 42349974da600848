"""Property tests over the room engine: several actors, all commands, random (often bad) arguments."""

from __future__ import annotations

import json
from typing import Any

from engine_harness import LIB, Room
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from server import protocol as P
from server.hub import LiveRoom
from server.rooms import (
    CLIENT_COMMANDS,
    MAX_CARD,
    MAX_CARDS,
    MAX_NAME,
    MAX_NODE,
    MAX_NODES,
    ROOT,
    Command,
    Draft,
    Event,
    apply,
    decide,
    replay,
    view,
)
from server.transport import Conn
from server.viewsplice import view_text

ACTORS = ["F", "I", "A", "B", "L", "T"]
IDS = st.sampled_from(["x1", "x2", "x3", "x4", "root", "bad id", "", "n" * 41])
TEXT = st.one_of(
    st.sampled_from(
        ["Wat gebeurde er?", "Heb je al overwogen te stoppen?", "  ", "<img src=x onerror=alert(1)>"]
    ),
    st.text(max_size=30),
    st.just("x" * (MAX_CARD + 1)),
    st.just("y" * (MAX_NODE + 1)),
)
SMALL = st.one_of(st.integers(-3, 8), st.just(10**12), st.none(), st.text(max_size=3), st.booleans())
ARG = st.one_of(
    IDS,
    TEXT,
    SMALL,
    st.lists(st.sampled_from(ACTORS), max_size=4),
    st.sampled_from(
        [
            "promoting",
            "hindering",
            "question",
            "advice",
            "position",
            "association",
            "judgement",
            "statement",
            "basis",
            "balint",
            "facilitator",
            "listener",
            "inbrenger",
            "action",
            "first_step",
        ]
    ),
)
KEYS = [
    "id",
    "parent",
    "text",
    "kind",
    "side",
    "importance",
    "difficulty",
    "clarity",
    "index",
    "seconds",
    "pid",
    "role",
    "on",
    "question",
    "field",
    "votes",
    "order",
    "phase",
    "method",
    "influenceable",
    "useful",
    "locked",
    "minutes",
    "current",
    "desired",
    "content",
    "process",
    "shuffle",
    "name",
    "at",
]


def _descends(nodes: dict[str, Any], nid: str) -> bool:
    seen = set()
    while nid != ROOT:
        if nid in seen or nid not in nodes:
            return False
        seen.add(nid)
        nid = nodes[nid]["parent"]
    return True


class RoomMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.room = Room("incident")
        r = self.room
        r.join("F", "Fenna", ["facilitator"])
        for pid in ACTORS[1:]:
            r.join(pid)
        r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
        r.do("F", "role.assign", pid="L", role="listener", on=True)
        r.do("F", "role.assign", pid="T", role="timekeeper", on=True)
        # One live room across the steps: its cached shared view must follow every event.
        self.live = LiveRoom("r1", r.state, "e1", {})

    def _submit(self, actor: str, type_: str, args: dict[str, Any]) -> None:
        r = self.room
        before = r.state.seq
        fac_before = r.state.is_fac(actor)
        d = decide(r.state, Command(type_, args), actor, r.now, LIB.methods)
        if isinstance(d, Draft):
            e = Event(before + 1, d.type, actor, r.now, d.data, d.audience)
            r.log.append(e)
            data_json = e.data_json  # made before apply, as the SQLite store does when it appends
            apply(r.state, e)
            assert r.state.seq == before + 1, "seq strictly increases by one"
            # The members' frame is built around that JSON after apply: apply must not change it.
            assert P.event_text(e.seq, e.type, e.actor, e.at, data_json) == P.dumps(e.wire())
            if d.type in ("phase.changed", "method.switched", "notes.revealed", "cards.revealed"):
                assert fac_before, f"{actor} did {d.type} without being facilitator"
        else:
            assert r.state.seq == before
            assert d.code in {
                "invalid",
                "forbidden",
                "not_found",
                "conflict",
                "phase_closed",
                "too_large",
                "unknown_command",
            }
        r.tick(1000)

    @rule(
        actor=st.sampled_from(ACTORS),
        type_=st.sampled_from(sorted(CLIENT_COMMANDS)),
        args=st.dictionaries(st.sampled_from(KEYS), ARG, max_size=5),
    )
    def any_command(self, actor: str, type_: str, args: dict[str, Any]) -> None:
        self._submit(actor, type_, args)

    @rule(
        actor=st.sampled_from(ACTORS),
        nid=st.sampled_from(["x1", "x2", "x3", "x4"]),
        parent=st.sampled_from(["root", "x1", "x2", "x3", "x4"]),
        op=st.sampled_from(["add", "move", "remove"]),
    )
    def mindmap(self, actor: str, nid: str, parent: str, op: str) -> None:
        self._submit(
            actor,
            f"mindmap.{op}",
            {"id": nid, "parent": parent, "text": "knoop"}
            if op == "add"
            else ({"id": nid, "parent": parent} if op == "move" else {"id": nid}),
        )

    @rule(
        actor=st.sampled_from(ACTORS),
        kind=st.sampled_from(["question", "position", "association"]),
        cid=st.sampled_from(["c1", "c2", "c3"]),
    )
    def card(self, actor: str, kind: str, cid: str) -> None:
        self._submit(actor, "card.add", {"id": cid, "kind": kind, "text": f"{actor} schrijft {cid}"})

    @rule(actor=st.sampled_from(ACTORS), nid=st.sampled_from(["n1", "n2"]))
    def note(self, actor: str, nid: str) -> None:
        self._submit(actor, "note.add", {"id": nid, "text": f"notitie van {actor}"})

    @precondition(lambda self: self.room.state.phase < len(self.room.state.method.phases) - 1)
    @rule(actor=st.sampled_from(ACTORS))
    def next_phase(self, actor: str) -> None:
        self._submit(actor, "phase.next", {})

    @invariant()
    def views_never_leak(self) -> None:
        s = self.room.state
        for viewer in ACTORS:
            v = view(s, viewer)
            for c in v["cards"].values():
                assert not c["private"] or c["revealed"] or c["author"] == viewer
            for n in v["notes"].values():
                assert n["revealed"] or n["author"] == viewer
            assert ("stats" in v) == s.is_fac(viewer)

    @invariant()
    def spliced_views_are_the_views(self) -> None:
        """What the hub sends a browser (shared part once per seq + the viewer's part) is `view()`."""
        s = self.room.state
        self.live.state = s
        for viewer in [*ACTORS, "stranger", None]:
            conn = Conn(viewer or "", 10, True, "nl", projector=viewer is None)
            got = json.loads(view_text(self.live, conn.pid, conn.projector))
            want = view(s, viewer, public=viewer is None)
            assert got == {"t": "view", "seq": s.seq, "state": json.loads(P.dumps(want))}

    @invariant()
    def caps_and_tree(self) -> None:
        s = self.room.state
        assert len(s.cards) <= MAX_CARDS and len(s.mindmap) <= MAX_NODES
        assert all(0 < len(c["text"]) <= MAX_CARD for c in s.cards.values())
        assert all(0 < len(n["text"]) <= MAX_NODE for n in s.mindmap.values())
        assert all(0 < len(p["name"]) <= MAX_NAME for p in s.participants.values())
        for nid in s.mindmap:
            assert _descends(s.mindmap, nid), f"node {nid} is orphaned or in a cycle"

    def teardown(self) -> None:
        again = replay("r1", self.room.log)
        assert again.to_dict() == self.room.state.to_dict(), "replaying the log gives the state"
        assert self.room.state.shallow_dict() == again.to_dict(), "a snapshot's data is the state's"


TestRoomMachine = RoomMachine.TestCase
TestRoomMachine.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_concurrent_mindmap_and_force_edits_converge() -> None:
    """Three actors' interleaved edits, decided in any order, replay to one state on every screen."""
    import random

    for seed in range(30):
        rng = random.Random(seed)
        r = Room("krachtenveld")
        r.join("F", "F", ["facilitator"])
        r.join("A")
        r.join("B")
        r.goto("krachten-inventariseren")
        for step in range(150):
            actor = rng.choice(["F", "A", "B"])
            fid = f"f{rng.randrange(8)}"
            choice = rng.randrange(4)
            if choice == 0:
                args: dict[str, Any] = {
                    "id": fid,
                    "side": rng.choice(["promoting", "hindering"]),
                    "text": f"k{step}",
                }
                d = r.decide(actor, "force.add", **args)
                name = "force.add"
            elif choice == 1:
                args = {
                    "id": fid,
                    "importance": rng.randint(1, 5),
                    "difficulty": rng.randint(1, 5),
                    "clarity": rng.randint(1, 5),
                }
                name = "force.rate"
            elif choice == 2:
                args = {"id": fid}
                name = "force.remove"
            else:
                args = {"id": fid, "influenceable": rng.random() < 0.5}
                name = "force.flag"
            d = r.decide(actor, name, **args)
            if isinstance(d, Draft):
                r.do(actor, name, **args)
        views = [view(replay("r1", r.log), p) for p in ("F", "A", "B")]
        assert views[0]["forcefield"] == views[1]["forcefield"] == views[2]["forcefield"]
