"""Typing presence in one process (server/typing_presence.py): names or counts by the phase, the
rate per person, the end of an entry, other workers' entries; nothing of it in the room's state."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from engine_harness import Room, basic_room

from server import protocol as P
from server import typing_presence as TP
from server.rooms import RoomState


@dataclass(eq=False)
class FakeConn:
    pid: str
    projector: bool = False
    got: list[str] = field(default_factory=list)

    def push_message(self, msg: Any) -> None:
        self.got.append(msg.asgi["text"])


@dataclass
class FakeLive:
    state: RoomState
    id: str = "r1"
    conns: set[Any] = field(default_factory=set)
    typing: TP.RoomTyping = field(default_factory=TP.RoomTyping)
    buckets: dict[tuple[str, str], Any] = field(default_factory=dict)
    spent: int = 0


class FakePeers:
    def __init__(self) -> None:
        self.told: list[list[TP.Entry]] = []

    def typing_changed(self, room: str, entries: list[TP.Entry]) -> None:
        self.told.append(entries)


def _live(r: Room, *pids: str) -> tuple[FakeLive, dict[str, FakeConn]]:
    conns = {pid: FakeConn(pid) for pid in pids}
    live = FakeLive(r.state, conns=set(conns.values()))
    return live, conns


def _last(c: FakeConn) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(c.got[-1])
    return frame


def test_names_where_shared_counts_for_notes_and_never_text() -> None:
    r = basic_room()
    r.goto("onderzoeken")
    live, c = _live(r, "A", "B", "L", "F")
    peers = FakePeers()
    TP.receive(live, c["A"], P.Typing("cards", "card-question", True), peers)
    TP.receive(live, c["L"], P.Typing("notes", "note-new", True), peers)
    got = _last(c["F"])
    assert got == {
        "t": "typing",
        "writing": [{"pid": "A", "tool": "cards", "field": "card-question"}],
        "counts": {"notes": 1},
    }
    assert all(_last(x) == got for x in c.values())  # one frame for everyone
    assert peers.told[-1] == [("A", "cards", "card-question"), ("L", "notes", "note-new")]
    # Nothing of it in the room's state or its log.
    assert "typing" not in json.dumps(r.state.to_dict()) and "card-question" not in json.dumps(
        r.state.to_dict()
    )
    # Stopping, and a socket that goes, end the entries.
    TP.receive(live, c["A"], P.Typing("cards", "card-question", False), peers)
    assert _last(c["F"])["writing"] == []
    TP.detach(live, c["L"], peers)
    assert _last(c["F"]) == {"t": "typing", "writing": [], "counts": {}}
    assert peers.told[-1] == []


def test_a_private_phase_counts_and_a_phase_change_names_again() -> None:
    r = Room("incident")
    r.join("F", "Fenna", ["facilitator"])
    r.join("A")
    r.join("B")
    r.goto("vragen-noteren")
    live, c = _live(r, "A", "B", "F")
    TP.receive(live, c["A"], P.Typing("cards", "card-question", True), None)
    TP.receive(live, c["B"], P.Typing("cards", "card-question", True), None)
    got = _last(c["F"])
    assert got["writing"] == [] and got["counts"] == {"cards": 2}
    assert '"A"' not in c["F"].got[-1] and '"B"' not in c["F"].got[-1]
    r.goto("informatieronde")
    TP.broadcast(live)  # what Hub.ingest does after a phase change
    assert [w["pid"] for w in _last(c["F"])["writing"]] == ["A", "B"]


def test_members_only_within_their_rate_and_until_the_ttl() -> None:
    r = basic_room()
    r.goto("onderzoeken")
    live, c = _live(r, "A", "F")
    ghost = FakeConn("nobody")
    beamer = FakeConn("", projector=True)
    live.conns |= {ghost, beamer}
    TP.receive(live, ghost, P.Typing("cards", "x", True), None)
    TP.receive(live, beamer, P.Typing("cards", "x", True), None)
    assert not c["F"].got and not live.typing.local
    # A flood of changes: the burst goes through, the rest is dropped.
    for i in range(3 * TP.BURST):
        TP.receive(live, c["A"], P.Typing("mindmap", f"mm-{i}", True), None)
    assert len(c["F"].got) == TP.BURST
    assert not ghost.got  # not a member: gets nothing
    # An entry nobody refreshes ends after the TTL.
    now = time.monotonic()
    assert live.typing.entries(now) and not live.typing.entries(now + TP.TTL_S + 0.1)
    # Another worker's entries count too, for the TTL, and are replaced by its next announcement.
    TP.from_peer(live, "w2", [("B", "plan", "plan-action")])
    assert ("B", "plan", "plan-action") in live.typing.entries(time.monotonic())
    assert {"pid": "B", "tool": "plan", "field": "plan-action"} in _last(c["F"])["writing"]
    TP.from_peer(live, "w2", [])
    assert ("B", "plan", "plan-action") not in live.typing.entries(time.monotonic())
    # Someone removed from the room is left out of the frame.
    assert TP.frame(r.state, [("gone", "cards", "x")]) == {"t": "typing", "writing": [], "counts": {}}


def test_the_typing_frame_is_bounded() -> None:
    ok = P.parse('{"t":"typing","tool":"plan","field":"plan-action","on":false}')
    assert ok == P.Typing("plan", "plan-action", False)
    assert P.parse('{"t":"typing","tool":"notes"}') == P.Typing("notes", "", True)
    for bad in (
        {"t": "typing", "tool": "plan", "field": "plan-action", "text": "hallo"},
        {"t": "typing", "tool": "chat"},
        {"t": "typing", "tool": "plan", "field": "x" * (P.TYPING_FIELD_MAX + 1)},
        {"t": "typing", "tool": "plan", "field": "a b"},
        {"t": "typing", "tool": "plan", "on": 1},
    ):
        try:
            P.parse(json.dumps(bad))
        except P.ProtocolError as e:
            assert e.code == P.BAD_MESSAGE
        else:
            raise AssertionError(f"accepted {bad}")
