"""Cross-worker fan-out over Redis Pub/Sub, with the stream as the source of truth.

Each worker subscribes only to the channels of rooms it has loaded (the hub calls this module as
its `Peers`: `room_opened` / `room_closed` / `presence_changed`). An event message is applied when
its seq is the next one; anything else (a gap, a message that arrives while the room lock is held, a
(re)subscription) goes through a per-room drain task that takes the room lock and back-fills from
the stream with XRANGE. So events reach `hub.ingest` in seq order under the room lock, and an event this worker appended itself (already ingested by
`hub.submit`) is skipped by seq: nothing is delivered twice.

When the Pub/Sub connection drops, the store is paused (appends and reads wait briefly, then fail
with `unavailable`), the listener reconnects with back-off, and before resuming it checks whether
Redis restarted (run_id) and, if so, whether each cached room is still the history this process
has: same epoch, head not behind, and the same event at our last seq. A room whose history is gone
is dropped (members reconnect: 4001 if the room is gone, a fresh snapshot under a new epoch if the
log was rewound). Then every room is back-filled.

Typing presence (server/typing_presence.py) is only announced on the room channel, never stored:
each worker sends its own entries when they change, and the others keep them for a few seconds.

Presence: each worker keeps its online pids in `kring:{room}:online` (expiring, refreshed by a
heartbeat) and announces changes on the room channel; the others re-read the set and broadcast.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from . import typing_presence
from .hub import Hub, LiveRoom
from .metrics import M
from .rooms import Event
from .store.base import NoSuchRoom, Store, Unavailable
from .store.redis import RedisStore, channel, fingerprint, room_of_channel

log = logging.getLogger("kring.fanout")
BEAT_CHUNK = 100  # rooms refreshed in one pipeline by the heartbeat


def _now_ms() -> int:
    return int(time.time() * 1000)


def _entries(raw: Any) -> list[typing_presence.Entry]:
    """Another worker's typing entries: [[pid, tool, field], ...], anything else left out."""
    if not isinstance(raw, list):
        return []
    return [
        (e[0], e[1], e[2])
        for e in raw[:200]
        if isinstance(e, list) and len(e) == 3 and all(isinstance(x, str) and len(x) <= 80 for x in e)
    ]


@dataclass
class _Feed:
    pending: list[Event] = field(default_factory=list)
    draining: bool = False
    backfill: bool = False


class Fanout:
    def __init__(
        self,
        store: RedisStore,
        hub: Hub,
        *,
        heartbeat: float = 5.0,
        presence_ttl: float = 15.0,
        ping_every: float = 3.0,
        dead_after: float = 8.0,
        max_backoff: float = 2.0,
    ) -> None:
        self.store = store
        self.hub = hub
        self.worker = secrets.token_hex(6)
        self.heartbeat = heartbeat
        self.presence_ttl_ms = int(presence_ttl * 1000)
        self.ping_every = ping_every
        self.dead_after = dead_after
        self.max_backoff = max_backoff
        self.connected = asyncio.Event()
        self.reconnects = 0
        self._ctl = f"kring:worker:{self.worker}"
        self._subs: set[str] = set()
        self._ps: PubSub | None = None
        self._ps_lock = asyncio.Lock()
        self._feeds: dict[str, _Feed] = {}
        self._published: dict[str, frozenset[str]] = {}
        self._push_dirty: set[str] = set()
        self._push_busy: set[str] = set()
        self._pull_dirty: set[str] = set()
        self._pull_busy: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._main: list[asyncio.Task[Any]] = []
        self._run_id: str | None = None
        self._boot: str | None = None
        self._last_rx = 0.0
        self._last_ping = 0.0
        self._stopped = False

    # -- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self.hub.peers = self
        self._main = [
            asyncio.create_task(self._listen(), name="kring-fanout-listen"),
            asyncio.create_task(self._beat(), name="kring-fanout-heartbeat"),
        ]

    async def stop(self) -> None:
        self._stopped = True
        if self.hub.peers is self:
            self.hub.peers = None
        for t in [*self._main, *self._tasks]:
            t.cancel()
        for t in [*self._main, *self._tasks]:
            with contextlib.suppress(BaseException):
                await t
        # Leave the presence sets at once rather than after the heartbeat TTL.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1.0):
                for room, pids in list(self._published.items()):
                    if pids:
                        await self.store.presence_put(
                            room, self.worker, set(), pids, _now_ms(), self.presence_ttl_ms, True
                        )
        await self._close_ps()

    def _spawn(self, coro: Any) -> None:
        if self._stopped:
            coro.close()
            return
        t = asyncio.ensure_future(coro)
        self._tasks.add(t)
        t.add_done_callback(self._done)

    def _done(self, t: asyncio.Task[Any]) -> None:
        self._tasks.discard(t)
        if not t.cancelled() and t.exception() is not None:
            log.warning("fan-out task failed: %r", t.exception())

    # -- subscriptions (the hub's Peers) ------------------------------------------------------------

    async def room_opened(self, room: str) -> None:
        self._subs.add(room)
        ps = self._ps
        if ps is None:
            return  # the listener subscribes every room in _subs when it (re)connects
        try:
            async with self._ps_lock:
                await ps.subscribe(channel(room))
        except (RedisError, OSError) as e:
            log.info("subscribe failed (%s); the listener will reconnect", type(e).__name__)
            await self._close_ps()

    async def room_closed(self, room: str) -> None:
        self._subs.discard(room)
        self._feeds.pop(room, None)
        pids = self._published.pop(room, frozenset())
        try:
            ps = self._ps
            if ps is not None:
                async with self._ps_lock:
                    await ps.unsubscribe(channel(room))
            if pids:
                await self.store.presence_put(
                    room, self.worker, set(), pids, _now_ms(), self.presence_ttl_ms, True
                )
        except (RedisError, OSError, Unavailable):
            pass

    async def _close_ps(self) -> None:
        ps, self._ps = self._ps, None
        if ps is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await ps.aclose()

    # -- the listener ----------------------------------------------------------------------------

    async def _listen(self) -> None:
        backoff = 0.0
        while True:
            try:
                ps = self.store.client.pubsub()
                async with self._ps_lock:
                    self._ps = ps
                    await ps.subscribe(self._ctl, *(channel(r) for r in sorted(self._subs)))
                self._last_rx = time.monotonic()
                await self._after_connect()
                backoff = 0.0
                self.connected.set()
                while True:
                    msg = await ps.get_message(timeout=1.0)
                    now = time.monotonic()
                    if msg is not None:
                        self._last_rx = now
                        self._handle(msg)
                        continue
                    if now - self._last_rx > self.dead_after:
                        raise RedisConnectionError("no answer on the pub/sub connection")
                    if now - self._last_rx > self.ping_every and now - self._last_ping > self.ping_every:
                        self._last_ping = now
                        async with self._ps_lock:
                            await ps.ping()
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError, Unavailable, RuntimeError) as e:
                if self.connected.is_set():
                    log.warning("redis pub/sub connection lost (%s); reconnecting", type(e).__name__)
            except Exception:
                log.exception("fan-out listener failed; reconnecting")
            finally:
                self.store.pause()
                self.connected.clear()
                await self._close_ps()
            self.reconnects += 1
            M.redis_reconnects.inc()
            await asyncio.sleep(backoff)
            backoff = min(max(backoff * 2, 0.1), self.max_backoff)

    async def _after_connect(self) -> None:
        """Check the cached rooms against Redis (after a restart), then resume and back-fill all."""
        run_id, boot = await self.store.server_identity()
        restarted = self._run_id is not None and run_id != self._run_id
        lost = self._boot is not None and boot != self._boot
        if lost:
            log.warning(
                "redis lost its data (boot id changed); checking %d cached room(s)", len(self.hub.rooms)
            )
        elif restarted:
            log.info("redis restarted; checking %d cached room(s)", len(self.hub.rooms))
        if restarted or lost:
            cached = list(self.hub.rooms.values())
            for i in range(0, len(cached), 50):  # a few round trips, not one per room
                await asyncio.gather(*(self._verify(live) for live in cached[i : i + 50]))
        self._run_id, self._boot = run_id, boot
        with contextlib.suppress(Unavailable):
            await self.store.refresh_replicas()  # a new primary may have none (yet)
        self.store.resume()
        for room, live in list(self.hub.rooms.items()):
            self._feed(room).backfill = True
            self._kick(live)
            self._push_dirty.add(room)
            self._schedule_push(room)
            self._schedule_pull(room)

    async def _verify(self, live: LiveRoom) -> None:
        got = await self.store.probe(live.id, live.state.seq)
        if got is None:
            log.warning("a cached room is gone from redis; closing its connections")
            self._drop(live)
            return
        epoch, head, ev = got
        if epoch != live.epoch:
            self._drop(live)
            return
        last = live.last
        rewound = head < live.state.seq or (
            ev is not None
            and last is not None
            and last.seq == ev.seq
            and fingerprint(ev) != fingerprint(last)
        )
        if rewound:
            log.warning("a room's log was rewound in redis; giving it a new epoch")
            M.epoch_resets.inc()
            await self.store.new_epoch(live.id, live.epoch)
            self._drop(live)

    def _drop(self, live: LiveRoom) -> None:
        self._feeds.pop(live.id, None)
        self.hub.drop(live)

    # -- messages --------------------------------------------------------------------------------

    def _handle(self, msg: dict[str, Any]) -> None:
        kind = msg.get("type")
        ch = msg.get("channel")
        room = room_of_channel(ch) if isinstance(ch, str) else None
        if room is None:
            return
        if kind == "subscribe":
            live = self.hub.rooms.get(room)
            if live is not None:
                self._feed(room).backfill = True
                self._kick(live)
                self._schedule_pull(room)
            return
        if kind != "message":
            return
        live = self.hub.rooms.get(room)
        if live is None:
            return
        try:
            data = json.loads(msg["data"])
        except (ValueError, TypeError):
            return
        if not isinstance(data, dict):
            return
        if "seq" in data:
            try:
                ev = Event.from_record(data)
            except (KeyError, TypeError, ValueError):
                return
            self._on_event(live, ev)
        elif "typing" in data:
            if data["typing"] != self.worker:
                typing_presence.from_peer(live, str(data["typing"]), _entries(data.get("entries")))
        elif "presence" in data:
            if data["presence"] != self.worker:
                self._schedule_pull(room)
        elif "reset" in data:
            if data["reset"] != live.epoch:
                self._drop(live)

    def _feed(self, room: str) -> _Feed:
        f = self._feeds.get(room)
        if f is None:
            f = self._feeds[room] = _Feed()
        return f

    def _on_event(self, live: LiveRoom, ev: Event) -> None:
        feed = self._feed(live.id)
        if not feed.pending and not feed.draining and not live.lock.locked() and not self.store.paused:
            if ev.seq <= live.state.seq:
                self._check_same(live, ev)
                return
            if ev.seq == live.state.seq + 1:
                self._deliver(live, [ev])
                return
        feed.pending.append(ev)
        self._kick(live)

    def _check_same(self, live: LiveRoom, ev: Event) -> None:
        last = live.last
        if last is not None and last.seq == ev.seq and fingerprint(last) != fingerprint(ev):
            # Another worker appended a different event at a seq we already have: history forked.
            log.warning("conflicting event at a seq this worker already has; resyncing the room")
            self._spawn(self._fork(live))

    async def _fork(self, live: LiveRoom) -> None:
        M.epoch_resets.inc()
        with contextlib.suppress(Unavailable):
            await self.store.new_epoch(live.id, live.epoch)
        self._drop(live)

    def _deliver(self, live: LiveRoom, events: list[Event]) -> None:
        """Hand other workers' events to the hub (in seq order, the room's lock held or free)."""
        if events and M.on:
            now = _now_ms()
            for ev in events:
                if ev.seq > live.state.seq:
                    M.events_peer.inc()
                    M.fanout_lag.observe(max(0, now - ev.at) / 1000)
        self.hub.ingest(live, events)

    def _kick(self, live: LiveRoom) -> None:
        feed = self._feed(live.id)
        if not feed.draining and (feed.pending or feed.backfill):
            feed.draining = True
            self._spawn(self._drain(live, feed))

    async def _drain(self, live: LiveRoom, feed: _Feed) -> None:
        room = live.id
        try:
            async with live.lock:
                while self.hub.rooms.get(room) is live and self._feeds.get(room) is feed:
                    if self.store.paused:
                        return  # _after_connect kicks every room once Redis is checked
                    if feed.backfill:
                        feed.backfill = False
                        feed.pending.clear()  # the read covers everything published before it
                        self._deliver(live, await self.store.read(room, live.state.seq))
                        continue
                    if not feed.pending:
                        return
                    batch, feed.pending = feed.pending, []
                    for ev in batch:
                        if ev.seq <= live.state.seq:
                            self._check_same(live, ev)
                        elif ev.seq == live.state.seq + 1:
                            self._deliver(live, [ev])
                        else:
                            feed.backfill = True  # a gap: read the stream
                            break
        except NoSuchRoom:
            self._drop(live)
        except Unavailable:
            feed.backfill = True  # retried by the heartbeat or after the reconnect
        finally:
            feed.draining = False

    # -- presence --------------------------------------------------------------------------------

    def presence_changed(self, live: LiveRoom) -> None:
        if self._stopped:
            return
        local = frozenset(c.pid for c in live.conns)
        if local != self._published.get(live.id, frozenset()):
            self._push_dirty.add(live.id)
            self._schedule_push(live.id)

    def typing_changed(self, room: str, entries: list[typing_presence.Entry]) -> None:
        """This worker's typing presence in `room` changed: announce it (fire and forget: a lost
        announcement ends by itself after the TTL)."""
        if not self._stopped:
            self._spawn(self._typing_put(room, entries))

    async def _typing_put(self, room: str, entries: list[typing_presence.Entry]) -> None:
        with contextlib.suppress(Unavailable):
            await self.store.typing_put(room, self.worker, entries)

    def _schedule_push(self, room: str) -> None:
        if room not in self._push_busy:
            self._push_busy.add(room)
            self._spawn(self._push(room))

    async def _push(self, room: str) -> None:
        try:
            while room in self._push_dirty:
                self._push_dirty.discard(room)
                live = self.hub.rooms.get(room)
                local = frozenset(c.pid for c in live.conns) if live is not None else frozenset()
                prev = self._published.get(room, frozenset())
                if not local and not prev:
                    continue
                await self.store.presence_put(
                    room, self.worker, local, prev - local, _now_ms(), self.presence_ttl_ms, local != prev
                )
                self._published[room] = local
        except Unavailable:
            self._push_dirty.add(room)  # the heartbeat tries again
        finally:
            self._push_busy.discard(room)

    def _schedule_pull(self, room: str) -> None:
        self._pull_dirty.add(room)
        if room not in self._pull_busy:
            self._pull_busy.add(room)
            self._spawn(self._pull(room))

    async def _pull(self, room: str) -> None:
        try:
            while room in self._pull_dirty:
                self._pull_dirty.discard(room)
                live = self.hub.rooms.get(room)
                if live is None:
                    continue
                self._set_remote(live, await self.store.presence_get(room, _now_ms()))
        except Unavailable:
            pass
        finally:
            self._pull_busy.discard(room)

    def _set_remote(self, live: LiveRoom, online: list[tuple[str, str]]) -> None:
        """Take the room's online (worker, pid) pairs; tell local members if the others changed."""
        remote = {pid for w, pid in online if w != self.worker}
        if remote != live.remote_online:
            live.remote_online = remote
            self.hub.broadcast_presence(live)

    async def _check_primary(self) -> None:
        """Is the server the commands reach still the one the listener checked? A failover that
        left the Pub/Sub connection up (on a demoted primary that now replicates the new one) is
        noticed here: the listener reconnects, which checks every room. Also refreshes the replica
        count that decides whether acks WAIT."""
        try:
            run_id, _ = await self.store.server_identity()
            await self.store.refresh_replicas()
        except Unavailable:
            return
        if run_id and self._run_id and run_id != self._run_id:
            log.warning("commands reach a different redis server than the subscription; reconnecting")
            self.store.pause()
            await self._close_ps()

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                await self._beat_once()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.info("fan-out heartbeat: %s", type(e).__name__)

    async def _beat_once(self) -> None:
        # Forget subscriptions of rooms the hub no longer holds (dropped, erased, expired).
        for room in list(self._subs):
            if room not in self.hub.rooms:
                await self.room_closed(room)
        if not self.connected.is_set():
            return
        await self._check_primary()
        # A few pipelines for all rooms, not two round trips per room: hundreds of rooms refreshed
        # one by one were a burst of tasks and round trips that delayed every room's events.
        rooms = list(self.hub.rooms.items())
        for i in range(0, len(rooms), BEAT_CHUNK):
            if i:
                await asyncio.sleep(0)
            chunk = rooms[i : i + BEAT_CHUNK]
            refresh: dict[str, frozenset[str]] = {}
            for room, live in chunk:
                local = frozenset(c.pid for c in live.conns)
                if local != self._published.get(room, frozenset()) or room in self._push_busy:
                    self._push_dirty.add(room)  # a change: the per-room push announces it
                    self._schedule_push(room)
                elif local:
                    refresh[room] = local
                if self._feed(room).backfill:
                    self._kick(live)
            try:
                if refresh:
                    await self.store.presence_refresh(self.worker, refresh, _now_ms(), self.presence_ttl_ms)
                online = await self.store.presence_get_many([room for room, _ in chunk], _now_ms())
            except Unavailable:
                return
            for (room, live), members in zip(chunk, online, strict=True):
                if self.hub.rooms.get(room) is not live or room in self._pull_busy:
                    continue
                self._set_remote(live, members)


async def start_fanout(store: Store, hub: Hub, retention_days: int = 30) -> Fanout | None:
    """Attach the Redis fan-out when the store is Redis (None otherwise: the embedded path)."""
    if not isinstance(store, RedisStore):
        return None
    store.retention_s = max(1, retention_days) * 86400
    fanout = Fanout(store, hub)
    await fanout.start()
    return fanout
