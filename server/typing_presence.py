"""Typing presence (extension, docs/protocol.md "Typing presence"): who is writing where now.

Like online presence it lives outside the event log: never stored, never in a report or export,
gone with the process. A client says `{"t":"typing","tool","field","on"}` while a person writes in
a box (again every few seconds while they go on) and `on: false` when they stop or send; an entry
nobody refreshes ends after `TTL_S`, and with its connection. Never the text.

What the room's members then get is one `typing` frame for everyone: where the board is shared,
who writes in which tool and field ("Joost schrijft…"); in a private phase, and always for notes
and the evaluation, only how many write in a tool ("3 mensen schrijven nog"), never who or where.
That choice is made against the room's current phase each time the frame is built, so a phase
change re-sends it (`Hub.ingest`).

Each person may send `BURST` typing frames at once and `RATE` a second after that; more are
dropped without an answer (they change nothing anyone must know about). With Redis, each worker
publishes its own entries on the room's channel (`Peers.typing_changed`) and keeps the other
workers' as they last announced them, each for `TTL_S`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

from . import protocol as P
from .security import TokenBucket
from .transport import Message

if TYPE_CHECKING:
    from .rooms import RoomState
    from .transport import Conn

TTL_S: Final = 8.0  # an entry nobody refreshes ends after this; browsers refresh every 3 s
RATE: Final = 1.0  # typing frames a second per person, after BURST
BURST: Final = 6
COUNT_ONLY_TOOLS: Final = frozenset({"notes", "evaluation"})  # private to their writers
RETYPE_EVENTS: Final = frozenset({"phase.changed", "method.switched", "role.assign", "participant.remove"})

Entry = tuple[str, str, str]  # (pid, tool, field)


class _Live(Protocol):
    """What this module needs of a `server.hub.LiveRoom`."""

    id: str
    state: RoomState
    conns: set[Conn]
    typing: RoomTyping
    buckets: dict[tuple[str, str], Any]
    spent: int


class _Peers(Protocol):
    def typing_changed(self, room: str, entries: list[Entry]) -> None: ...


@dataclass
class RoomTyping:
    """A room's typing presence in this process: its own connections' entries (each until a
    monotonic time) and the other workers' (as they last announced them, until a time)."""

    local: dict[Conn, tuple[Entry, float]] = field(default_factory=dict)
    remote: dict[str, tuple[list[Entry], float]] = field(default_factory=dict)
    last: str = ""  # the frame last sent to this room's connections
    published: float = 0.0  # when this worker last announced its entries to the others
    timer: asyncio.TimerHandle | None = None

    def entries(self, now: float) -> list[Entry]:
        """Everyone writing now, once per (person, tool, field), in a stable order."""
        out = {e for e, until in self.local.values() if until > now}
        for got, until in self.remote.values():
            if until > now:
                out.update(got)
        return sorted(out)

    def own(self, now: float) -> list[Entry]:
        return sorted({e for e, until in self.local.values() if until > now})

    def expire(self, now: float) -> None:
        for c in [c for c, (_, until) in self.local.items() if until <= now]:
            del self.local[c]
        for w in [w for w, (_, until) in self.remote.items() if until <= now]:
            del self.remote[w]

    def next_expiry(self) -> float | None:
        times = [u for _, u in self.local.values()] + [u for _, u in self.remote.values()]
        return min(times) if times else None


def count_only(state: RoomState, tool: str) -> bool:
    """Only a count may be told: the current phase is private, or the tool is a private one."""
    if tool in COUNT_ONLY_TOOLS:
        return True
    return bool(state.method.phases) and state.current.private


def frame(state: RoomState, entries: list[Entry]) -> dict[str, Any]:
    """The one `typing` frame for the room's members and projectors: names where the board is
    shared, counts elsewhere; people no longer in the room are left out."""
    writing: list[dict[str, str]] = []
    counts: dict[str, set[str]] = {}
    for pid, tool, fld in entries:
        if pid not in state.participants:
            continue
        if count_only(state, tool):
            counts.setdefault(tool, set()).add(pid)
        else:
            writing.append({"pid": pid, "tool": tool, "field": fld})
    return P.typing(writing, {t: len(pids) for t, pids in sorted(counts.items())})


def receive(live: _Live, conn: Conn, msg: P.Typing, peers: _Peers | None) -> None:
    """A typing frame from `conn`: members only, within the person's rate; then, if anything
    anyone sees changed, the frame to the room (and the entries to the other workers)."""
    if conn.projector or conn.pid not in live.state.participants:
        return
    bucket = live.buckets.get(("typing", conn.pid))
    if bucket is None:
        bucket = live.buckets[("typing", conn.pid)] = TokenBucket(RATE, BURST)
    if not bucket.take():
        return
    now = time.monotonic()
    t = live.typing
    if msg.on:
        t.local[conn] = ((conn.pid, msg.tool, msg.field), now + TTL_S)
    elif t.local.pop(conn, None) is None:
        return
    changed(live, peers, now)


def detach(live: _Live, conn: Conn, peers: _Peers | None) -> None:
    """A connection is gone: so is what it was writing."""
    if live.typing.local.pop(conn, None) is not None:
        changed(live, peers, time.monotonic())


def from_peer(live: _Live, worker: str, entries: list[Entry]) -> None:
    """Another worker's entries, as it announced them now."""
    now = time.monotonic()
    if entries:
        live.typing.remote[worker] = (entries, now + TTL_S)
    else:
        live.typing.remote.pop(worker, None)
    broadcast(live, now)


def changed(live: _Live, peers: _Peers | None, now: float) -> None:
    """Send the frame if it changed; announce this worker's entries when they changed, or again
    before the others' copy of them runs out."""
    t = live.typing
    before = t.last
    broadcast(live, now)
    if peers is not None and (t.last != before or now - t.published > TTL_S / 3):
        t.published = now
        peers.typing_changed(live.id, t.own(now))


def broadcast(live: _Live, now: float | None = None) -> None:
    """The room's typing frame to its members and projectors, unless it is what they have."""
    now = time.monotonic() if now is None else now
    t = live.typing
    t.expire(now)
    text = P.dumps(frame(live.state, t.entries(now)))
    if text != t.last:
        t.last = text
        msg = Message(text)
        members = live.state.participants
        n = 0
        for c in live.conns:
            if c.projector or c.pid in members:
                c.push_message(msg)
                n += 1
        live.spent += len(text) * n
    _arm(live)


def _arm(live: _Live) -> None:
    """One timer per room, at the next entry's end."""
    t = live.typing
    if t.timer is not None:
        t.timer.cancel()
        t.timer = None
    until = t.next_expiry()
    if until is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    t.timer = loop.call_later(max(0.0, until - time.monotonic()) + 0.05, broadcast, live)
