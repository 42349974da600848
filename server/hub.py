"""Live rooms in this process: cached state, connections, command submission and fan-out.

Ordering: every event reaches `_ingest` in seq order (under the room's lock) and is pushed into
each connection's bounded queue right there, so every connection sees events in log order. Each
connection has one writer task draining its queue; nothing ever awaits a send in a loop over
members. An event is serialised once per audience (full, and redacted for everyone else).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass, field
from types import CoroutineType
from typing import Any

from . import protocol as P
from .auth import hash_key, new_key, new_room_id
from .methods import Method
from .rooms import (
    Command,
    Event,
    Rejection,
    RoomState,
    apply,
    card_view,
    card_visible,
    created_event,
    decide,
    new_room,
    shared_view,
    view,
    viewer_view,
)
from .store.base import Conflict, NoSuchRoom, Store, Unavailable
from .wsraw import RawSocket, text_frame

log = logging.getLogger("kring.hub")


def now_ms() -> int:
    return int(time.time() * 1000)


def asgi_text(text: str) -> dict[str, Any]:
    """The ASGI message that sends `text` as one WebSocket text frame."""
    return {"type": "websocket.send", "text": text}


class Message:
    """One outgoing text message, shared by every connection it goes to: the ASGI message for the
    writer task and, built on first use, the wire frame that `RawSocket` writes as it is."""

    __slots__ = ("_frame", "asgi")

    def __init__(self, text: str) -> None:
        self.asgi = asgi_text(text)
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        f = self._frame
        if f is None:
            f = self._frame = text_frame(self.asgi["text"].encode())
        return f


class Conn:
    """One WebSocket connection's outbound side: messages leave in push order.

    When the connection is idle (nothing queued, the writer task waiting), `push` writes at once:
    the message's prebuilt frame through `raw` (uvicorn's transport, see server/wsraw.py), or
    else by stepping the ASGI `send` coroutine, which completes without suspending while the
    transport is writable. So fanning an event out to ten members costs ten transport writes and
    no task switch. If the transport cannot take it (paused: the peer's socket buffer is full) or
    a send does suspend, the writer task finishes that send and everything after it goes through
    the queue; a queue that reaches `queue_size` means a slow consumer (4008).
    Browser connections that want views always go through the writer, which adds the view.
    """

    __slots__ = (
        "__weakref__",
        "_pending",
        "_waiter",
        "close_code",
        "close_reason",
        "lang",
        "out",
        "pid",
        "projector",
        "queue_size",
        "raw",
        "send",
        "view_dirty",
        "want_view",
        "writer",
    )

    def __init__(
        self,
        pid: str,
        queue_size: int,
        want_view: bool,
        lang: str,
        projector: bool = False,
        send: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
        raw: RawSocket | None = None,
    ) -> None:
        self.pid = pid
        self.projector = projector  # a read-only screen in the room: public content, no identity
        self.want_view = want_view
        self.lang = lang
        self.queue_size = queue_size
        self.out: deque[Message | None] = deque()
        self.close_code: int | None = None
        self.close_reason = ""
        self.writer: asyncio.Task[None] | None = None
        self.view_dirty = want_view
        self.send = None if want_view else send
        self.raw = None if want_view else raw
        self._waiter: asyncio.Future[None] | None = None  # set while the writer waits for work
        self._pending: Awaitable[None] | None = None  # a direct send the writer has to finish

    def push(self, text: str, changes_state: bool = False) -> None:
        """Send or queue one serialised message; `changes_state` (events, welcome) makes a view due."""
        self.push_message(Message(text), changes_state)

    def push_message(self, msg: Message, changes_state: bool = False) -> None:
        """`push` with a ready Message: a fan-out builds one per event for all its members."""
        if not self.write_direct(msg):  # never for a connection that wants views: no view to make due
            self.send_later(msg, changes_state)

    def send_later(self, msg: Message, changes_state: bool = False) -> None:
        """What `push_message` does when the raw socket cannot take `msg` now: step the ASGI send,
        or queue it for the writer task."""
        if self.close_code is not None:
            return
        if changes_state:
            self.view_dirty = self.want_view
        if (
            self._waiter is not None
            and not self.out
            and self._pending is None
            and self.raw is None
            and self.send
        ):
            self._step(msg)
            return
        if len(self.out) >= self.queue_size:
            self.kill(P.CLOSE_SLOW, "slow; resync")
            return
        self.out.append(msg)
        self._wake()

    def push_pair(self, msg: Message, then: Message) -> None:
        """An event (it changes state) and, right behind it, a reply to the same connection: one
        write when the connection is idle (the sender's event and its ack)."""
        if self.write_direct(msg, then):
            return
        self.push_message(msg, True)
        self.push_message(then)

    def write_direct(self, msg: Message, then: Message | None = None) -> bool:
        """Write `msg` (and `then` behind it, in one write) straight to the raw socket, if a frame
        may go there now: open, the writer idle, nothing queued or half-sent ahead of it, and the
        transport taking it. False: nothing was written; the caller queues instead."""
        raw = self.raw
        return (
            raw is not None
            and self._waiter is not None
            and self.close_code is None
            and not self.out
            and self._pending is None
            and raw.write(msg.frame if then is None else msg.frame + then.frame)
        )

    def _step(self, msg: Message) -> None:
        """Send `msg` now by stepping the ASGI send; hand it to the writer if it suspends."""
        assert self.send is not None
        coro = self.send(msg.asgi)
        if type(coro) is not CoroutineType:  # not a native coroutine: let the writer await it
            self._pending = coro
            self._wake()
            return
        try:
            blocked_on = coro.send(None)
        except StopIteration:
            return  # written to the transport
        except Exception:
            # The socket is gone: queue it; the writer retries, fails the same way and ends it.
            self.out.append(msg)
            self._wake()
            return
        self._pending = _Resume(coro, blocked_on)
        self._wake()

    def _wake(self) -> None:
        w = self._waiter
        if w is not None:
            self._waiter = None  # from now on pushes queue behind what the writer is about to do
            if not w.done():
                w.set_result(None)

    def take_pending(self) -> Awaitable[None] | None:
        p, self._pending = self._pending, None
        return p

    async def idle(self) -> None:
        """Wait until there is something to write (the writer task's only wait)."""
        if self.out or self._pending is not None:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def kill(self, code: int, reason: str) -> None:
        if self.close_code is not None:
            return
        self.close_code = code
        self.close_reason = reason
        if code in (P.CLOSE_NORMAL, P.CLOSE_GOING_AWAY) or self.writer is None:
            # A polite close: let the writer flush what is queued first, then the sentinel.
            self.out.append(None)
            self._wake()
        else:
            # Slow, removed, erased: stop now, even if a send is stuck on a full socket.
            self.writer.cancel()


class _Resume:
    """Awaits a coroutine that was already stepped once outside any task and then suspended on
    `blocked_on`: what `yield from` would do, so the writer task can finish a direct send."""

    __slots__ = ("blocked_on", "coro")

    def __init__(self, coro: Coroutine[Any, Any, None], blocked_on: Any) -> None:
        self.coro = coro
        self.blocked_on = blocked_on

    def __await__(self) -> Generator[Any, Any, None]:
        coro, value = self.coro, self.blocked_on
        while True:
            try:
                sent = yield value
            except BaseException as exc:  # cancellation of the writer reaches the send
                try:
                    value = coro.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    value = coro.send(sent)
                except StopIteration:
                    return


@dataclass(frozen=True)
class ViewCache:
    seq: int
    head: str  # the start of a view message: `{"t":"view","seq":N,"state":{` + the shared part
    cards: dict[str, str]  # card id -> `"id":{...}` for every card that everyone may see


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
    erasing: bool = False
    last: Event | None = None  # the last event applied (the fan-out compares it to the store's)
    remote_online: set[str] = field(default_factory=set)  # pids online at other workers (fan-out)
    view_cache: ViewCache | None = None  # the parts of views that are the same for every member

    def online(self) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for pid in [c.pid for c in self.conns] + sorted(self.remote_online):
            p = self.state.participants.get(pid)
            if p is not None and pid not in seen:
                seen[pid] = {"pid": pid, "name": p["name"], "roles": list(p["roles"])}
        return list(seen.values())


@dataclass(frozen=True)
class Submitted:
    seq: int
    duplicate: bool
    acked: bool = False  # the ack went to the sender together with the event (one write)


class Hub:
    def __init__(
        self,
        store: Store,
        methods: dict[str, Method],
        *,
        queue_size: int = 2000,
        snapshot_every: int = 200,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.store = store
        self.methods = methods
        self.queue_size = queue_size
        self.snapshot_every = snapshot_every
        self.clock = clock
        self.rooms: dict[str, LiveRoom] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._snapshot_due: dict[str, LiveRoom] = {}
        self._snapshotter: asyncio.Task[Any] | None = None
        # Hooks for cross-worker fan-out (set by the Redis fan-out, None when embedded).
        self.on_room_open: Callable[[str], Awaitable[None]] | None = None
        self.on_room_idle: Callable[[str], Awaitable[None]] | None = None
        self.on_presence: Callable[[LiveRoom], None] | None = None

    # -- loading ---------------------------------------------------------------------------------

    async def get(self, room: str) -> LiveRoom | None:
        live = self.rooms.get(room)
        if live is not None:
            return live
        lock = self._loading.setdefault(room, asyncio.Lock())
        async with lock:
            live = self.rooms.get(room)
            if live is None:
                live = await self._load(room)
                if live is not None:
                    self.rooms[room] = live
                    if self.on_room_open is not None:
                        await self.on_room_open(room)
        self._loading.pop(room, None)
        return live

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
        self._ingest(live, events)

    def drop(self, room: str) -> None:
        live = self.rooms.pop(room, None)
        if live is not None:
            for c in list(live.conns):
                c.kill(P.CLOSE_GOING_AWAY, "room closed")

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

    # -- commands --------------------------------------------------------------------------------

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
        if cmd.type == "room.erase":
            live.erasing = True
            ack = None  # no ack before the data is gone; the sender gets 4010 instead
        try:
            res = await self._submit(live, cmd, actor, dedupe, ack)
        finally:
            live.erasing = False
        if isinstance(res, Submitted) and not res.duplicate and cmd.type == "room.erase":
            # The data goes first, then every socket here closes: once a client sees 4010,
            # nothing of the room is left in the store.
            await self.store.delete_room(live.id)
            self.rooms.pop(live.id, None)
            self._close_all(live, P.CLOSE_ERASED, "the room was erased")
        return res

    def _close_all(self, live: LiveRoom, code: int, reason: str) -> None:
        for c in list(live.conns):
            c.kill(code, reason)

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
                return Submitted(live.dedupe[dedupe], True)
            for _ in range(20):
                now = self.clock()
                decided = decide(live.state, cmd, actor, now, self.methods)
                if isinstance(decided, Rejection):
                    # A retry of a command appended before this process loaded the room: the
                    # original result wins over what deciding it again would say.
                    if dedupe is not None:
                        seq = await self.store.dedupe_seq(live.id, dedupe)
                        if seq is not None:
                            return Submitted(seq, True)
                    return decided
                if cmd.type == "room.rotate":
                    # The new key goes to the store's metadata, never into the event log.
                    join_key = new_key()
                    fields = {"join_key": join_key, "join_hash": hash_key(join_key)}
                    await self.store.set_meta(live.id, fields)
                    live.meta = {**live.meta, **fields}
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
                        self._ingest(live, missed)
                    else:
                        await self.catch_up(live)
                    continue
                except NoSuchRoom:
                    # The store no longer holds the history this copy was built from (erased,
                    # expired, or Redis lost it): forget the copy; members reconnect and resync.
                    if self.rooms.get(live.id) is live:
                        self.drop(live.id)
                    raise Unavailable("the room's stored history changed; reconnect") from None
                if res.duplicate:
                    if res.seq > live.state.seq:
                        # Appended, but this copy never applied it (the caller that appended it
                        # was cancelled while the store committed): catch up, so the room gets it.
                        await self.catch_up(live)
                    return Submitted(res.seq, True)
                acked = self._ingest(live, [event], ack)
                return Submitted(event.seq, False, acked)
            return Rejection(P.CONFLICT, "the room is too busy; try again")

    def _ingest(self, live: LiveRoom, events: list[Event], ack: tuple[Conn, str] | None = None) -> bool:
        """Apply and fan out events in seq order; True if `ack` went out with the last one."""
        acked = False
        for e in events:
            if e.seq <= live.state.seq:
                continue
            apply(live.state, e)
            live.last = e
            if e.cmd is not None:
                live.dedupe[e.cmd] = e.seq
                if len(live.dedupe) > 20_000:
                    for k in list(live.dedupe)[:10_000]:
                        del live.dedupe[k]
            acked = self._fan_out(live, e, ack if e is events[-1] else None)
        if live.state.seq - live.snapshot_seq >= self.snapshot_every:
            live.snapshot_seq = live.state.seq
            self._snapshot_due[live.id] = live
            if self._snapshotter is None or self._snapshotter.done():
                self._snapshotter = self._spawn(self._snapshots())
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

    def _fan_out(self, live: LiveRoom, e: Event, ack: tuple[Conn, str] | None = None) -> bool:
        """Send `e` to every connection (full or redacted); True if `ack` went with it."""
        if not live.conns:
            return False
        full = Message(P.event_text(e.seq, e.type, e.actor, e.at, e.data_json))
        origin = ack[0] if ack is not None else None
        acked = False
        redacted: Message | None = None
        members = live.state.participants
        audience = e.audience
        about = e.data.get("pid")  # a join, wait or removal is visible to the person it is about
        for c in live.conns:
            pid = c.pid
            if c.projector:
                public = audience is None
            else:
                # e.visible_to(pid), inlined: this loop runs once per member per event
                public = (audience is None or audience == pid) and (pid in members or about == pid)
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
        if e.type in ("participant.join", "participant.rename", "role.assign", "case.chosen"):
            self.broadcast_presence(live)
        if e.type == "participant.remove":
            gone = e.data["pid"]
            for c in list(live.conns):
                if c.pid == gone:
                    c.kill(P.CLOSE_REMOVED, "removed by the facilitator")
        elif e.type == "participant.wait":
            self.broadcast_presence(live)
        elif e.type == "room.erased":
            if self.rooms.get(live.id) is live:
                del self.rooms[live.id]
            if not live.erasing:  # erased through another worker: close our sockets now
                self._close_all(live, P.CLOSE_ERASED, "the room was erased")
        elif e.type == "room.rotated":
            self._spawn(self._send_keys(live))
        return acked

    async def _send_keys(self, live: LiveRoom) -> None:
        """After a join-link rotation: refresh the keys (another worker may have rotated) and tell
        the facilitators the new join key. Keys never go into the event log."""
        meta = await self.store.meta(live.id)
        if meta is None:
            return
        live.meta = meta
        msg = P.dumps({"t": P.KEYS, "join_key": meta.get("join_key", "")})
        for c in live.conns:
            if live.state.is_fac(c.pid):
                c.push(msg)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` in the background: kept until done, a failure logged, cancelled by `close`."""
        t = asyncio.ensure_future(coro)
        self._tasks.add(t)
        t.add_done_callback(self._task_done)
        return t

    def _task_done(self, t: asyncio.Task[Any]) -> None:
        self._tasks.discard(t)
        if not t.cancelled() and t.exception() is not None:
            log.warning("background task failed: %s", type(t.exception()).__name__)

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
            if epoch == live.epoch and since is not None and since <= head and head - since <= resume_limit:
                events = [e for e in await self.store.read(live.id, since) if e.seq <= head]
                welcome["events"] = [e.wire_for(conn.pid) for e in events]
            else:
                welcome["state"] = view(live.state, conn.pid, public=conn.projector)
            welcome["seq"] = head
            welcome["epoch"] = live.epoch
            welcome["server_time"] = self.clock()
            conn.push(P.dumps(welcome), True)
            live.conns.add(conn)
        self.broadcast_presence(live)

    def detach(self, live: LiveRoom, conn: Conn) -> None:
        live.conns.discard(conn)
        self.broadcast_presence(live)
        if not live.conns:
            self._spawn(self._maybe_unload(live))

    async def _maybe_unload(self, live: LiveRoom) -> None:
        await asyncio.sleep(30)
        if not live.conns and self.rooms.get(live.id) is live:
            del self.rooms[live.id]
            if self.on_room_idle is not None:
                await self.on_room_idle(live.id)

    def broadcast_presence(self, live: LiveRoom) -> None:
        msg = Message(P.dumps(P.presence(live.online())))
        for c in live.conns:
            c.push_message(msg)
        if self.on_presence is not None:
            self.on_presence(live)

    def view_for(self, live: LiveRoom, conn: Conn) -> str:
        """The `view` message for one connection: `{"t": "view", "seq", "state": view(...)}`.

        What is the same for everyone (the board, and every card that all may see) is serialised
        once per room and seq; each viewer adds only their own part (their own cards with the
        hint flag, notes, vote, permissions). The parts have no key in common, so they are spliced
        as text: a burst that makes ten members' views due builds the board once, not ten times.
        """
        s = live.state
        if not conn.projector and conn.pid not in s.participants:
            return P.dumps({"t": P.VIEW, "seq": s.seq, "state": view(s, conn.pid)})
        cache = live.view_cache
        if cache is None or cache.seq != s.seq:
            head = P.dumps({"t": P.VIEW, "seq": s.seq, "state": shared_view(s)})
            cards = {
                cid: P.dumps({cid: card_view(c, None)})[1:-1]
                for cid, c in s.cards.items()
                if card_visible(c, None)
            }
            cache = live.view_cache = ViewCache(s.seq, head[:-2], cards)  # head without its "}}"
        viewer = None if conn.projector else conn.pid
        parts = []
        for cid, c in s.cards.items():
            if c["author"] == viewer and viewer is not None:
                parts.append(P.dumps({cid: card_view(c, viewer)})[1:-1])
            else:
                shared = cache.cards.get(cid)
                if shared is not None:
                    parts.append(shared)
        own = P.dumps(viewer_view(s, viewer, cards=False))
        return f'{cache.head},"cards":{{{",".join(parts)}}},{own[1:]}}}'

    async def expire(self, idle_before_ms: int) -> int:
        """Retention: erase every room with no activity since `idle_before_ms`. Returns how many."""
        rooms = await self.store.rooms_idle_since(idle_before_ms)
        for room in rooms:
            live = self.rooms.pop(room, None)
            if live is not None:
                for c in list(live.conns):
                    c.kill(P.CLOSE_ERASED, "the room expired")
            await self.store.delete_room(room)
        return len(rooms)

    async def close(self) -> None:
        for live in list(self.rooms.values()):
            for c in list(live.conns):
                c.kill(P.CLOSE_GOING_AWAY, "server shutting down")
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(BaseException):
                await t
