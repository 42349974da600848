"""The rooms of this process: each room's cached state and connections, its commands, its lifetime.

A command's path, top-down in this file: `submit` takes the room's lock, `decide`s it (the rules,
server/rooms.py), runs the event's `before_append` effect, appends it to the store, and `ingest`s
it: `apply`, then `_fan_out` pushes one serialised message per audience into every connection
(server/transport.py), then the event's `after_fan_out` effect (server/effects.py: presence,
removal, rotation, erasure). Events appended by other workers arrive through `ingest` as well
(server/fanout.py), under the same lock.

Ordering: every event reaches `ingest` in seq order (under the room's lock) and is pushed into
each connection's bounded queue right there, so every connection sees events in log order. Each
connection has one writer task draining its queue; nothing ever awaits a send in a loop over
members. An event is serialised once per audience (full, and redacted for everyone else).

Lifetime: `get` loads a room on first use (HTTP reads, exports and connections alike); a room with
no connection and not in use for `idle_unload` seconds is unloaded again (`_sweep`), and with Redis
its channel is unsubscribed (`Peers.room_closed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import protocol as P
from . import typing_presence
from .auth import ProjectorKeys, hash_key, new_key, new_room_id
from .effects import EFFECTS, Effect
from .methods import Method
from .metrics import M
from .patches import send_patches
from .rooms import (
    Command,
    Event,
    Rejection,
    RoomState,
    Touched,
    apply,
    created_event,
    decide,
    new_room,
    view,
)
from .store.base import Conflict, NoSuchRoom, Store, Unavailable
from .transport import Conn, Message
from .viewsplice import ViewCache

log = logging.getLogger("kring.hub")
REWIND_CLAIM_EVERY = 10.0  # seconds: a client's claim to hold more than the log moves a room once


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class LiveRoom:
    id: str
    state: RoomState
    epoch: str
    meta: dict[str, str]
    conns: set[Conn] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    snapshot_seq: int = 0
    dedupe: dict[str, int] = field(default_factory=dict)
    last: Event | None = None  # the last event applied (the fan-out compares it to the store's)
    remote_online: set[str] = field(default_factory=set)  # pids online at other workers (fan-out)
    view_cache: ViewCache | None = None  # the parts of views that are the same for every member
    users: int = 0  # connections between `Hub.use` and their end: never unloaded while above 0
    used: float = field(default_factory=time.monotonic)  # last `get`, or last connection gone
    # What people cost the others (server/ws.py): per (kind, pid) token buckets and byte budgets,
    # the bytes the fan-out sent so far (frame size x recipients), the browsers that get views and
    # the size of the last view built (a view's cost, estimated).
    buckets: dict[tuple[str, str], Any] = field(default_factory=dict)
    spent: int = 0
    viewers: int = 0
    view_bytes: int = 0
    typing: typing_presence.RoomTyping = field(default_factory=typing_presence.RoomTyping)
    patchers: int = 0  # connections that take `patch` deltas (server/patches.py)

    def online(self) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for pid in [c.pid for c in self.conns] + sorted(self.remote_online):
            p = self.state.participants.get(pid)
            if p is not None and pid not in seen:
                seen[pid] = {"pid": pid, "name": p["name"], "roles": list(p["roles"])}
        return list(seen.values())

    def screens(self) -> list[dict[str, Any]]:
        """The projectors connected now ("beamer"): one entry per projector socket here, and one
        if other workers hold any (their presence says only that one is there)."""
        n = sum(1 for c in self.conns if c.projector) + ("" in self.remote_online)
        return [{"kind": "projector", "name": "beamer"} for _ in range(n)]

    def close(self, code: int, reason: str, pid: str | None = None) -> None:
        """Close every connection of the room (or of one participant) with `code`."""
        for c in list(self.conns):
            if pid is None or c.pid == pid:
                c.kill(code, reason)


@dataclass(frozen=True)
class Submitted:
    seq: int
    duplicate: bool
    acked: bool = False  # the ack went to the sender together with the event (one write)
    cost: int = 0  # bytes the fan-out sent because of it (frame size x recipients, views estimated)
    effect: Effect | None = field(default=None, repr=False, compare=False)  # of the appended event
    # False: in the log, but not (yet) confirmed durable: `submit` asks the store once the room's
    # lock is released (Redis: WAIT for a replica); still False after that, the sender gets
    # `unavailable` instead of the ack, and its retry meets the dedupe.
    confirmed: bool = True


class Peers(Protocol):
    """The other workers serving the same rooms: the Redis fan-out (server/fanout.py), or None."""

    async def room_opened(self, room: str) -> None:
        """This worker loaded `room`: deliver its events here (`Hub.ingest`)."""

    async def room_closed(self, room: str) -> None:
        """This worker unloaded `room`."""

    def presence_changed(self, live: LiveRoom) -> None:
        """Who is connected to `live` at this worker may have changed."""

    def typing_changed(self, room: str, entries: list[typing_presence.Entry]) -> None:
        """Who is writing at this worker changed (server/typing_presence.py): tell the others."""


class Hub:
    def __init__(
        self,
        store: Store,
        methods: dict[str, Method],
        *,
        queue_size: int = 2000,
        snapshot_every: int = 200,
        idle_unload: float = 30.0,
        clock: Callable[[], int] = now_ms,
        secret: str = "",
    ) -> None:
        self.store = store
        self.methods = methods
        self.queue_size = queue_size
        self.snapshot_every = snapshot_every
        self.idle_unload = idle_unload  # seconds a room without connections stays loaded
        self.clock = clock
        # The rooms' projector keys, derived from the server secret (server/auth.py).
        self.projector = ProjectorKeys(secret or new_key())
        self.rooms: dict[str, LiveRoom] = {}
        self.peers: Peers | None = None  # set by the Redis fan-out while it runs
        self._loading: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._snapshot_due: dict[str, LiveRoom] = {}
        self._snapshotter: asyncio.Task[Any] | None = None
        self._sweeper: asyncio.TimerHandle | None = None
        self._claims: dict[str, float] = {}  # room -> when a client's since last forced a new epoch

    # -- a command: decide, append, ingest, fan out ----------------------------------------------

    async def submit(
        self,
        live: LiveRoom,
        cmd: Command,
        actor: str | None,
        dedupe: str | None,
        ack: tuple[Conn, str] | None = None,
    ) -> Submitted | Rejection:
        """Decide, append and fan out one command. With `ack` (the sender's connection and command
        id), the sender gets its event and the ack in one write (`Submitted.acked`); otherwise, or
        for a repeat, the caller sends the ack."""
        await self.store.recount_replicas()
        res = await self._submit(live, cmd, actor, dedupe, ack)
        if isinstance(res, Submitted) and not res.confirmed:
            res = await self._confirm(live, res)
        if isinstance(res, Submitted) and res.effect is not None and res.effect.after_submit is not None:
            await res.effect.after_submit(self, live)
        return res

    async def _submit(
        self,
        live: LiveRoom,
        cmd: Command,
        actor: str | None,
        dedupe: str | None,
        ack: tuple[Conn, str] | None = None,
    ) -> Submitted | Rejection:
        async with live.lock:
            if dedupe is not None and dedupe in live.dedupe:
                return Submitted(live.dedupe[dedupe], True, confirmed=not self.store.waits_for_replicas)
            for _ in range(20):
                now = self.clock()
                decided = decide(live.state, cmd, actor, now, self.methods)
                if isinstance(decided, Rejection):
                    # A retry of a command appended before this process loaded the room: the
                    # original result wins over what deciding it again would say.
                    if dedupe is not None:
                        seq = await self.store.dedupe_seq(live.id, dedupe)
                        if seq is not None:
                            return Submitted(seq, True, confirmed=not self.store.waits_for_replicas)
                    # Refused by a copy that may be behind (another worker appended events this
                    # one has not applied yet, e.g. the phase change the command was meant for):
                    # decide again on the room as it is, rather than refuse on an old state. Only
                    # with other workers (the Redis fan-out): alone, this copy is the room.
                    if self.peers is not None and await self.store.head(live.id) > live.state.seq:
                        await self.catch_up(live)
                        continue
                    return decided
                effect = EFFECTS.get(decided.type)
                if effect is not None:
                    if not effect.ack:
                        ack = None
                    if effect.before_append is not None:
                        await effect.before_append(self, live, decided.data)
                event = Event(
                    seq=live.state.seq + 1,
                    type=decided.type,
                    actor=actor,
                    at=now,
                    data=decided.data,
                    audience=decided.audience,
                    cmd=dedupe,
                )
                try:
                    res = await self.store.append(live.id, live.state.seq, event, dedupe)
                except Conflict as c:
                    missed = getattr(c, "events", None)  # the Redis store sends what we missed along
                    if missed and missed[0].seq == live.state.seq + 1:
                        self.ingest(live, missed)
                    else:
                        await self.catch_up(live)
                    continue
                except NoSuchRoom:
                    # The store no longer holds the history this copy was built from (erased,
                    # expired, or Redis lost it): forget the copy; members reconnect and resync.
                    if self.rooms.get(live.id) is live:
                        self.drop(live)
                    raise Unavailable("the room's stored history changed; reconnect") from None
                if res.duplicate:
                    if res.seq > live.state.seq:
                        # Appended, but this copy never applied it (the caller that appended it
                        # was cancelled while the store committed): catch up, so the room gets it.
                        await self.catch_up(live)
                    return Submitted(res.seq, True, confirmed=not self.store.waits_for_replicas)
                # To be confirmed (Redis WAIT), the event is in the log all the same: everyone gets
                # it now, the sender without the ack.
                wait = self.store.waits_for_replicas
                spent = live.spent
                acked = self.ingest(live, [event], None if wait else ack, mine=True)
                return Submitted(event.seq, False, acked, live.spent - spent, effect, not wait)
            return Rejection(P.CONFLICT, "the room is too busy; try again")

    async def _confirm(self, live: LiveRoom, res: Submitted) -> Submitted:
        """Ask the store whether the event is durable (Redis: WAIT for a replica), without the
        room's lock: one slow replica then delays each command's ack, not the room. Only from the
        copy this process still holds: a dropped copy's event or dedupe may name a lost event."""
        confirmed = await self.store.confirm(live.id)
        if self.rooms.get(live.id) is not live:
            raise Unavailable("the room was reloaded; try again")
        return dataclasses.replace(res, confirmed=confirmed)

    def ingest(
        self, live: LiveRoom, events: list[Event], ack: tuple[Conn, str] | None = None, mine: bool = False
    ) -> bool:
        """Apply and fan out events in seq order (under the room's lock), whoever appended them
        (`mine`: this worker, just now); True if `ack` went out with the last one. Events the room
        already has are skipped."""
        acked = False
        touched = Touched() if live.patchers else None
        for e in events:
            if e.seq <= live.state.seq:
                continue
            if touched is not None:
                touched.add(live.state, e)  # what it touches is asked before it is applied
            apply(live.state, e)
            live.last = e
            if e.cmd is not None:
                live.dedupe[e.cmd] = e.seq
                if len(live.dedupe) > 20_000:
                    for k in list(live.dedupe)[:10_000]:
                        del live.dedupe[k]
            acked = self._fan_out(live, e, ack if e is events[-1] else None, mine)
            if e.type in typing_presence.RETYPE_EVENTS and live.typing.last:
                typing_presence.broadcast(live)  # names or counts: the phase decides
        if touched:
            # The batch's delta to the browsers that take patches, after its events went to the
            # others; a sender that takes patches gets its ack in the same write.
            sent, paired = send_patches(live, touched, live.conns, ack)
            live.spent += sent
            acked = acked or paired
        if live.state.seq - live.snapshot_seq >= self.snapshot_every:
            live.snapshot_seq = live.state.seq
            self._snapshot_due[live.id] = live
            if self._snapshotter is None or self._snapshotter.done():
                self._snapshotter = self.spawn(self._snapshots())
        return acked

    def _fan_out(self, live: LiveRoom, e: Event, ack: tuple[Conn, str] | None, mine: bool) -> bool:
        """Send `e` to every connection (full or redacted), then run its effect; True if `ack`
        went with it."""
        acked = False
        takers = len(live.conns) - live.patchers  # those that take events (the rest: a patch later)
        if takers:
            text = P.event_text(e.seq, e.type, e.actor, e.at, e.data_json)
            full = Message(text)
            # What this event costs (counted against its author's budget, server/ws.py): the frame
            # to every connection that takes it, and a view (of the last view's size) to every
            # browser; a patch is counted as it is sent (`ingest`).
            live.spent += len(text) * takers + live.view_bytes * live.viewers
            origin = ack[0] if ack is not None else None
            redacted: Message | None = None
            members = live.state.participants
            audience = e.audience
            about = e.data.get("pid")  # a join, wait or removal is visible to the person it is about
            for c in live.conns:
                if c.patches:
                    continue  # a delta after the batch instead (`ingest`)
                pid = c.pid
                if c.projector:
                    public = audience is None
                elif pid in members or about == pid:
                    # e.visible_to(pid), inlined: this loop runs once per member per event
                    public = audience is None or pid in audience
                else:
                    continue  # waiting to be admitted: nothing of the room, not even placeholders
                if public:
                    msg = full
                else:
                    if redacted is None:
                        redacted = Message(P.dumps(e.redacted()))
                    # A private event of someone else can still change what this viewer sees
                    # (counts, the case-choice release), so it makes a view due as well.
                    msg = redacted
                if c is origin and ack is not None:
                    c.push_pair(msg, Message(P.dumps(P.ack(ack[1], e.seq))))
                    acked = True
                elif not c.write_direct(msg):  # c.push_message(msg, True) in its two steps: one call
                    c.send_later(msg, True)  # fewer in the loop that runs once per member per event
        effect = EFFECTS.get(e.type)
        if effect is not None and effect.after_fan_out is not None:
            effect.after_fan_out(self, live, e, mine)
        return acked

    async def _snapshots(self) -> None:
        """Save the snapshots that are due, one room at a time, yielding to the loop in between.

        Rooms that started together reach their snapshot seq together (a national day: hundreds at
        once), and a snapshot of a busy room takes milliseconds (state copy, JSON, write). Saved
        inline they stalled every room's events by hundreds of milliseconds; one at a time, the
        events of other rooms go out between two snapshots.
        """
        while self._snapshot_due:
            room = next(iter(self._snapshot_due))
            live = self._snapshot_due.pop(room)
            # Never after the room was erased, expired or dropped: the row would outlive the data.
            if self.rooms.get(room) is live and not live.state.ended:
                try:
                    await self.store.save_snapshot(room, live.state.seq, live.state.shallow_dict())
                except Exception as e:  # a snapshot is an optimisation; the next one is 200 events on
                    log.warning("snapshot of a room failed: %s", type(e).__name__)
            await asyncio.sleep(0)

    # -- connections -----------------------------------------------------------------------------

    async def attach(
        self,
        live: LiveRoom,
        conn: Conn,
        welcome: dict[str, Any],
        epoch: str | None,
        since: int | None,
        resume_limit: int,
    ) -> None:
        """Queue the welcome (a snapshot view or the missed events) and start fan-out to `conn`.

        Done under the room lock, so no event can slip between the welcome and the live stream.
        """
        async with live.lock:
            await self.catch_up(live)
            head = live.state.seq
            # Only a member (or the projector) resumes from events: someone waiting to be admitted
            # gets the empty view, never the log (which would carry the board before admission).
            member = conn.projector or conn.pid in live.state.participants
            if member and epoch == live.epoch and since is not None and since > head:
                await self._rewound(live)  # a member holds more than the log: it got shorter
            if (
                member
                and not conn.patches  # a browser that takes patches holds a view, not the log
                and epoch == live.epoch
                and since is not None
                and since <= head
                and head - since <= resume_limit
            ):
                events = [e for e in await self.store.read(live.id, since) if e.seq <= head]
                welcome["events"] = [e.wire_for(conn.pid) for e in events]
            else:
                welcome["state"] = view(live.state, conn.pid, public=conn.projector)
            welcome["seq"] = head
            welcome["epoch"] = live.epoch
            welcome["server_time"] = self.clock()
            conn.push(P.dumps(welcome), True)
            live.conns.add(conn)
            live.viewers += conn.want_view
            live.patchers += conn.patches
        self.broadcast_presence(live)
        if live.typing.last and (conn.projector or conn.pid in live.state.participants):
            conn.push_message(Message(live.typing.last))

    async def _rewound(self, live: LiveRoom) -> None:
        """A client holds events past the stored head in the same epoch: the log got shorter (a
        Redis failover or restart lost its tail while no worker that had it was there to notice).
        The room moves to a new epoch, so no one continues on a history the others do not have:
        every member reconnects and gets a fresh snapshot. At most once per room per
        REWIND_CLAIM_EVERY seconds (a client's `since` is only a claim); raises Unavailable, and the
        connection closes with 1001, so the client comes back to the new epoch."""
        now = time.monotonic()
        if now - self._claims.get(live.id, -1e9) >= REWIND_CLAIM_EVERY:
            if len(self._claims) > 10_000:
                self._claims.clear()
            self._claims[live.id] = now
            log.warning("a client holds events past a room's stored head; giving it a new epoch")
            M.epoch_resets.inc()
            await self.store.new_epoch(live.id, live.epoch)
            if self.rooms.get(live.id) is live:
                self.drop(live)
        raise Unavailable("the room's history changed; reconnect")

    def detach(self, live: LiveRoom, conn: Conn) -> None:
        if conn in live.conns:
            live.conns.discard(conn)
            live.viewers -= conn.want_view
            live.patchers -= conn.patches
        self.broadcast_presence(live)
        typing_presence.detach(live, conn, self.peers)
        if not live.conns:
            live.used = time.monotonic()  # the idle time before unloading starts now

    def broadcast_presence(self, live: LiveRoom) -> None:
        """Who is online, to the room's members and projectors; someone waiting to be admitted
        gets no presence (no names) until admitted."""
        text = P.dumps(P.presence(live.online(), live.screens()))
        msg = Message(text)
        members = live.state.participants
        n = 0
        for c in live.conns:
            if c.projector or c.pid in members:
                c.push_message(msg)
                n += 1
        live.spent += len(text) * n
        if self.peers is not None:
            self.peers.presence_changed(live)

    # -- loading and unloading -------------------------------------------------------------------

    async def meta(self, room: str) -> dict[str, str] | None:
        """The room's metadata (its key hashes) without loading the room: the loaded copy's, else
        the store's. For checking a key before anything is loaded."""
        live = self.rooms.get(room)
        return live.meta if live is not None else await self.store.meta(room)

    async def get(self, room: str) -> LiveRoom | None:
        """The room, loaded on first use; None if there is no such room (or it was erased)."""
        live = self.rooms.get(room)
        if live is not None:
            live.used = time.monotonic()
            return live
        lock = self._loading.setdefault(room, asyncio.Lock())
        async with lock:
            live = self.rooms.get(room)
            if live is None:
                live = await self._load(room)
                if live is not None:
                    self.rooms[room] = live
                    self._arm_sweeper()
                    if self.peers is not None:
                        await self.peers.room_opened(room)
        self._loading.pop(room, None)
        return live

    @contextlib.asynccontextmanager
    async def use(self, room: str) -> AsyncIterator[LiveRoom | None]:
        """`get` for a connection's whole life: the room is not unloaded while it is in use (from
        before its first attach to after its last detach)."""
        live = await self.get(room)
        if live is None:
            yield None
            return
        live.users += 1
        try:
            yield live
        finally:
            live.users -= 1
            live.used = time.monotonic()

    async def _load(self, room: str) -> LiveRoom | None:
        meta = await self.store.meta(room)
        if meta is None:
            return None
        snap = await self.store.load_snapshot(room)
        try:
            if snap is not None:
                state = RoomState.from_dict(snap[1])
                events = await self.store.read(room, state.seq)
            else:
                events = await self.store.read(room, 0)
                if not events or events[0].type != "room.created":
                    return None  # not a room (a group's log shares the store)
                state = new_room(room, events[0].data)
                events = events[1:]
        except NoSuchRoom:
            return None
        for e in events:
            apply(state, e)
        if state.ended:
            return None  # erased: the rows may still be on their way out
        return LiveRoom(
            id=room,
            state=state,
            epoch=meta["epoch"],
            meta=meta,
            snapshot_seq=state.seq,
            last=events[-1] if events else None,
        )

    async def catch_up(self, live: LiveRoom) -> None:
        """Apply events other workers appended (no-op when this process is the only writer)."""
        events = await self.store.read(live.id, live.state.seq)
        self.ingest(live, events)

    def _arm_sweeper(self) -> None:
        if self._sweeper is None and self.rooms:
            every = max(0.01, min(self.idle_unload / 2, 5.0))
            self._sweeper = asyncio.get_running_loop().call_later(every, self._sweep)

    def _sweep(self) -> None:
        """Unload the rooms that had no connection and no use for `idle_unload` seconds."""
        self._sweeper = None
        now = time.monotonic()
        for live in list(self.rooms.values()):
            if (
                not live.conns
                and not live.users
                and now - live.used >= self.idle_unload
                and not live.lock.locked()
            ):
                self.unload(live)
        self._arm_sweeper()

    def unload(self, live: LiveRoom) -> None:
        """Let go of a room nobody here is connected to; it loads again on its next use."""
        if self.rooms.get(live.id) is live:
            del self.rooms[live.id]
            if self.peers is not None:
                self.spawn(self.peers.room_closed(live.id))

    def forget(self, live: LiveRoom) -> None:
        """Stop holding this copy of a room (erased, expired, or its history changed)."""
        if self.rooms.get(live.id) is live:
            del self.rooms[live.id]

    def drop(self, live: LiveRoom) -> None:
        """Forget the copy and close its sockets (1001): the members reconnect and resync."""
        self.forget(live)
        live.close(P.CLOSE_GOING_AWAY, "room closed")

    async def create(self, method: Method, title: str, lang: str) -> tuple[str, str, str]:
        """A new room: (room id, join key, facilitator key). Only the keys' hashes are checked later."""
        room, join_key, fac_key = new_room_id(), new_key(), new_key()
        meta = {
            "join_key": join_key,
            "join_hash": hash_key(join_key),
            "facilitator_hash": hash_key(fac_key),
            "gen": "0",
        }
        await self.store.create_room(room, meta, created_event(room, method, title, lang, self.clock()))
        return room, join_key, fac_key

    async def expel(self, room: str, pid: str) -> None:
        """Remove `pid` from a room on the server's own authority (a member removed from the
        room's group): their tokens stop working and the join link rotates (server/effects.py)."""
        live = await self.get(room)
        if live is None or pid in live.state.removed:
            return
        await self.submit(live, Command("participant.expel", {"pid": pid}), None, None)

    async def expire(self, idle_before_ms: int) -> int:
        """Retention: erase every room with no activity since `idle_before_ms`. Returns how many."""
        rooms = await self.store.rooms_idle_since(idle_before_ms)
        for room in rooms:
            live = self.rooms.pop(room, None)
            if live is not None:
                live.close(P.CLOSE_ERASED, "the room expired")
            await self.store.delete_room(room)
        return len(rooms)

    # -- background work -------------------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` in the background: kept until done, a failure logged, cancelled by `close`."""
        t = asyncio.ensure_future(coro)
        self._tasks.add(t)
        t.add_done_callback(self._task_done)
        return t

    def _task_done(self, t: asyncio.Task[Any]) -> None:
        self._tasks.discard(t)
        if not t.cancelled() and t.exception() is not None:
            log.warning("background task failed: %s", type(t.exception()).__name__)

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        for live in list(self.rooms.values()):
            live.close(P.CLOSE_GOING_AWAY, "server shutting down")
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(BaseException):
                await t
