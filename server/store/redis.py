"""The scale-out store: Redis, shared by any number of workers on any number of hosts.

Layout (every key is hash-tagged by room, so Redis Cluster keeps a room on one shard, and every room
key carries the retention TTL, refreshed on every append):

    kring:{room}:meta    hash    epoch, _seq (head), _at (last activity), _nonce, plus the room's meta
    kring:{room}:log     stream  one entry per event, id "<seq>-0", field "r" = the event record (JSON)
    kring:{room}:dedupe  hash    command id -> seq
    kring:{room}:snap    hash    seq, state (JSON)
    kring:{room}:online  zset    "<worker>|<pid>" scored by expiry (ms): presence across workers
    kring:{room}:ch      channel events (the record JSON), {"presence": worker}, {"reset": epoch}
    kring:rooms          zset    room -> last activity (ms), for rooms_idle_since (coarse, best effort)
    kring:boot           string  a random id set with SET NX: it changes only when Redis lost its data

One Lua script per append does everything atomically: epoch check, dedupe, expected-seq check, XADD
with an approximate MAXLEN, head bump, TTL refresh and PUBLISH. If the head is *behind* the seq the
caller decided against, the log was rewound (Redis restarted and lost its last writes): the script
gives the room a new epoch on the spot, so no client can resume across the hole.

Connection and timeout errors become `Unavailable`; nothing retries in a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Collection
from importlib import metadata
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import NoBackoff
from redis.driver_info import DriverInfo
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ..metrics import M
from ..protocol import dumps
from ..rooms.events import Event
from .base import AppendResult, Conflict, NoSuchRoom, Unavailable
from .redis_scripts import (  # noqa: F401 (SENTINEL_SCHEMES, parse_sentinel_url: re-exported)
    _APPEND,
    _CREATE,
    _NEW_EPOCH,
    _SET_META,
    _SNAPSHOT,
    SENTINEL_SCHEMES,
    SentinelTarget,
    parse_sentinel_url,
)

_REDIS_PY_VERSION = metadata.version("redis")


def _online_pairs(members: list[str]) -> list[tuple[str, str]]:
    """Entries of a room's online set (`worker|pid`) as (worker, pid)."""
    out = []
    for m in members:
        w, _, pid = m.partition("|")
        out.append((w, pid))
    return out


log = logging.getLogger("kring.store.redis")

ROOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
ROOMS_INDEX = "kring:rooms"
BOOT_KEY = "kring:boot"
INTERNAL = ("_seq", "_at", "_nonce", "_loser")
INDEX_EVERY_S = 60.0  # refresh a room's entry in kring:rooms at most this often


class ConflictWithEvents(Conflict):
    """A Conflict that carries the events the caller missed (so it need not read them again)."""

    def __init__(self, current: int, events: list[Event]) -> None:
        super().__init__(current)
        self.events = events


def key(room: str, part: str) -> str:
    return f"kring:{{{room}}}:{part}"


def channel(room: str) -> str:
    return key(room, "ch")


def room_of_channel(ch: str) -> str | None:
    if ch.startswith("kring:{") and ch.endswith("}:ch"):
        return ch[len("kring:{") : -len("}:ch")]
    return None


def fingerprint(e: Event) -> str:
    """Two events are the same event iff their records are equal (used to detect a rewound log)."""
    return json.dumps(e.to_record(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class RedisStore:
    """The Store protocol on Redis. `pause`/`resume` let the fan-out hold appends and reads while it
    checks, after a reconnect, that Redis still has the history this process has cached."""

    def __init__(
        self,
        url: str,
        *,
        retention_s: int = 30 * 86400,
        maxlen: int = 100_000,
        timeout: float = 3.0,
        pause_grace: float = 1.0,
        wait_ms: int = 0,
    ) -> None:
        self.url = url
        self.retention_s = retention_s
        self.maxlen = maxlen
        self.pause_grace = pause_grace
        # redis-py's pool raises "Too many connections" past its cap (100 by default) instead of
        # waiting, which a burst of joins reached in bench/; the cap here is far above what one
        # worker's concurrent commands need, and each connection is reused once it is free.
        self.wait_ms = wait_ms  # WAIT 1 <ms> before an ack while a replica is connected; 0: off
        self.replicas = 0  # replicas in sync with the primary (ROLE), refreshed by the fan-out
        kwargs: dict[str, Any] = {
            "max_connections": 2000,
            "decode_responses": True,
            "socket_timeout": timeout,
            "socket_connect_timeout": min(timeout, 2.0),
            "retry": Retry(NoBackoff(), 0),
            "client_name": "kring",
            # Resolved once: without it every new pooled connection reads the package metadata
            # (importlib.metadata, milliseconds of CPU on the event loop; seen as 250 ms stalls
            # when a burst of concurrent commands grows the pool).
            "driver_info": DriverInfo(lib_version=_REDIS_PY_VERSION),
        }
        self.sentinel: Sentinel | None = None
        self.service = ""
        self._replicas_read = 0.0
        if url.split("://", 1)[0] in SENTINEL_SCHEMES:
            target = parse_sentinel_url(url)
            self.service = target.service
            self.sentinel = Sentinel(
                target.sentinels,
                sentinel_kwargs={
                    "socket_timeout": min(timeout, 1.0),
                    "socket_connect_timeout": min(timeout, 1.0),
                    "password": target.sentinel_password,
                    "decode_responses": True,
                    "ssl": target.ssl,
                },
            )
            self.client: aioredis.Redis = self.sentinel.master_for(
                target.service,
                redis_class=aioredis.Redis,
                db=target.db,
                password=target.password,
                username=target.username,
                ssl=target.ssl,
                **kwargs,
            )
        else:
            self.client = aioredis.Redis.from_url(url, **kwargs)
        self._create = self.client.register_script(_CREATE)
        self._append = self.client.register_script(_APPEND)
        self._set_meta = self.client.register_script(_SET_META)
        self._snapshot = self.client.register_script(_SNAPSHOT)
        self._new_epoch = self.client.register_script(_NEW_EPOCH)
        self.writer = secrets.token_hex(6)  # this store's id in the append script's fairness mark
        self._epochs: dict[str, str] = {}  # the epoch this process last saw per room
        self._indexed: dict[str, float] = {}
        self._losses: dict[str, int] = {}  # consecutive conflicts per room
        self._ready = asyncio.Event()
        self._ready.set()
        self._paused_at = 0.0

    # -- plumbing --------------------------------------------------------------------------------

    async def _do(self, fn: Callable[[], Awaitable[Any]], retry: bool = True) -> Any:
        """Run one Redis operation; connection trouble becomes Unavailable.

        A connection error gets one immediate second try (a pooled connection may have died while
        idle, e.g. after a Redis restart); a timeout does not (the command may have run).
        """
        for attempt in (0, 1):
            try:
                return await fn()
            except (RedisTimeoutError, TimeoutError) as e:
                M.redis_timeout.inc()
                raise Unavailable(f"redis timed out: {e}") from None
            except (RedisConnectionError, ReadOnlyError, OSError) as e:
                M.redis_connection.inc()
                if retry and attempt == 0 and type(e) is RedisConnectionError:
                    continue
                raise Unavailable(f"redis unavailable: {e}") from None
            except ResponseError as e:
                if str(e).startswith(
                    ("LOADING", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "OOM", "BUSY")
                ):
                    M.redis_not_ready.inc()
                    raise Unavailable(f"redis not ready: {e}") from None
                raise
        raise AssertionError("unreachable")

    def pause(self) -> None:
        if self._ready.is_set():
            self._paused_at = time.monotonic()
            self._ready.clear()

    def resume(self) -> None:
        self._ready.set()

    @property
    def paused(self) -> bool:
        return not self._ready.is_set()

    async def _wait_ready(self) -> None:
        if self._ready.is_set():
            return
        left = self.pause_grace - (time.monotonic() - self._paused_at)
        if left > 0:
            try:
                await asyncio.wait_for(self._ready.wait(), left)
                return
            except TimeoutError:
                pass
        raise Unavailable("reconnecting to redis")

    def _remember(self, room: str, epoch: str) -> None:
        if len(self._epochs) > 50_000:
            self._epochs.clear()
        self._epochs[room] = epoch

    async def _index(self, room: str, at: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._indexed.get(room, -1e9) < INDEX_EVERY_S:
            return
        if len(self._indexed) > 50_000:
            self._indexed.clear()
        self._indexed[room] = now

        async def go() -> None:
            async with self.client.pipeline(transaction=False) as p:
                p.zadd(ROOMS_INDEX, {room: at})
                p.expire(ROOMS_INDEX, self.retention_s)
                await p.execute()

        await self._do(go)

    # -- the Store protocol ----------------------------------------------------------------------

    async def create_room(self, room: str, meta: dict[str, str], first: Event) -> str:
        if not ROOM_ID.match(room):
            raise ValueError("bad room id")
        epoch = secrets.token_hex(8)
        fields: list[str] = []
        for k, v in meta.items():
            if k != "epoch" and k not in INTERNAL:
                fields += [k, v]
        keys = [key(room, p) for p in ("meta", "log", "dedupe", "snap", "online")]
        args: list[Any] = [
            epoch,
            first.seq,
            dumps(first.to_record()),
            first.at,
            self.retention_s,
            self.maxlen,
            *fields,
        ]
        made = await self._do(lambda: self._create(keys=keys, args=args))
        if not made:
            raise ValueError("room exists")
        self._remember(room, epoch)
        await self._index(room, first.at, force=True)
        return epoch

    async def meta(self, room: str) -> dict[str, str] | None:
        if not ROOM_ID.match(room):
            return None
        raw: dict[str, str] = await self._do(lambda: self.client.hgetall(key(room, "meta")))
        if not raw or "epoch" not in raw:
            return None
        self._remember(room, raw["epoch"])
        return {k: v for k, v in raw.items() if k not in INTERNAL}

    async def set_meta(self, room: str, fields: dict[str, str]) -> None:
        args: list[str] = []
        for k, v in fields.items():
            if k != "epoch" and k not in INTERNAL:
                args += [k, v]
        if not args:
            return
        ok = await self._do(lambda: self._set_meta(keys=[key(room, "meta")], args=args))
        if not ok:
            raise NoSuchRoom(room)

    async def append(self, room: str, expected: int, event: Event, dedupe: str | None) -> AppendResult:
        if event.seq != expected + 1:
            raise ValueError("event seq must be expected + 1")
        await self._wait_ready()
        keys = [key(room, p) for p in ("meta", "log", "dedupe", "snap", "online")]
        args: list[Any] = [
            expected,
            dumps(event.to_record()),
            dedupe or "",
            self._epochs.get(room, ""),
            secrets.token_hex(8),  # the same nonce on the retry: our own lost reply is not a conflict
            self.maxlen,
            self.retention_s,
            channel(room),
            event.at,
            secrets.token_hex(8),
            self.writer,
            "1" if self._losses.get(room, 0) >= 3 else "",
        ]
        t0 = time.perf_counter()
        res = await self._do(lambda: self._append(keys=keys, args=args))
        M.append_redis.observe(time.perf_counter() - t0)
        status, value = str(res[0]), res[1]
        if status == "conflict":
            self._losses[room] = self._losses.get(room, 0) + 1
        else:
            self._losses.pop(room, None)
        if status == "ok":
            M.events_local.inc()
            await self._maybe_index(room, event.at)
            return AppendResult(int(value), False)
        if status == "dup":
            return AppendResult(int(value), True)
        if status == "conflict":
            missed = [Event.from_record(json.loads(r)) for r in res[2:]]
            if missed and [e.seq for e in missed] != list(range(expected + 1, expected + 1 + len(missed))):
                missed = []
            raise ConflictWithEvents(int(value), missed)
        if status == "rewound":
            log.warning("room log was rewound (redis lost recent writes); new epoch for the room")
            self._remember(room, str(value))
        elif status == "epoch":
            self._remember(room, str(value))
        raise NoSuchRoom(room)

    async def _after_wait_timeout(self) -> None:
        """No replica confirmed in time: it may be down (then acks go out without WAIT once the
        count says so) or behind (the command is answered `unavailable` and retried). The count is
        read again at most once a second from here, however many commands time out."""
        if time.monotonic() - self._replicas_read < 1.0:
            return
        try:
            await self.refresh_replicas()
        except Unavailable:
            pass

    async def refresh_replicas(self) -> int:
        """How many replicas could take over from the primary; acks WAIT for one while any could.

        Through Sentinel: the replicas Sentinel knows and does not consider down, connected to the
        primary or not (a replica that is up but fell behind, or lost its link, can still be
        promoted, so acks must wait for it, or fail). Otherwise: the replicas the primary has in
        sync (ROLE); a replica whose link is broken does not count there."""
        self._replicas_read = time.monotonic()
        n = 0
        if self.sentinel is not None:
            n = await self._sentinel_replicas(self.sentinel)
        else:

            async def go() -> Any:
                return await self.client.execute_command("ROLE")  # type: ignore[no-untyped-call]

            async def online() -> Any:  # WAIT 0 0 answers at once: the replicas that are online
                return ["master", 0, [None] * int(await self.client.wait(0, 0))]

            try:
                role = await self._do(go, retry=False)
            except ResponseError:  # ROLE renamed or disabled (some managed Redis)
                role = await self._do(online, retry=False)
            if isinstance(role, list | tuple) and role and str(role[0]) == "master" and len(role) > 2:
                n = len(role[2] or [])
        if n != self.replicas:
            log.info("redis: %d replica(s) could take over", n)
        self.replicas = n
        M.redis_replicas.set(n)
        return n

    async def _sentinel_replicas(self, sentinel: Sentinel) -> int:
        """The replicas of the service that the first Sentinel to answer does not consider down.
        No Sentinel answering keeps the count as it was (Unavailable)."""
        for node in sentinel.sentinels:
            try:
                replicas = await node.sentinel_slaves(self.service)
            except (RedisError, OSError):
                continue
            return len(sentinel.filter_slaves(replicas))
        M.redis_connection.inc()
        raise Unavailable("no sentinel answered")

    async def recount_replicas(self) -> None:
        """Before a command: with WAIT on and no replica when last counted, count again (at most
        once a second). A replica that (re)joined since could be promoted, so acks must wait for it
        from then on, not only after the fan-out's next heartbeat (every few seconds)."""
        if self.wait_ms and not self.replicas and time.monotonic() - self._replicas_read >= 1.0:
            self._replicas_read = time.monotonic()  # one caller reads; the others go on
            with contextlib.suppress(Unavailable):
                await self.refresh_replicas()

    @property
    def waits_for_replicas(self) -> bool:
        """Acks wait for `confirm`: WAIT is on and a replica could take over from the primary."""
        return bool(self.wait_ms and self.replicas)

    async def confirm(self, room: str) -> bool:
        """Before an ack: True once a replica has everything written to the primary up to now (the
        original append included: the replication stream is ordered), False when WAIT timed out.

        WAIT counts the replicas that have this connection's last write, so the pipeline writes
        first (the room's TTL, refreshed as an append would) and WAITs behind it; any pooled
        connection will do, and the room's lock need not be held while a replica is slow."""
        if not self.waits_for_replicas:
            return True
        await self._wait_ready()

        async def go() -> list[Any]:
            async with self.client.pipeline(transaction=False) as p:
                p.expire(key(room, "meta"), self.retention_s)
                p.wait(1, self.wait_ms)
                got: list[Any] = await p.execute()
                return got

        _, waited = await self._do(go)
        if int(waited) >= 1:
            return True
        M.redis_wait_timeout.inc()
        await self._after_wait_timeout()
        return False

    async def _maybe_index(self, room: str, at: int) -> None:
        try:
            await self._index(room, at)
        except Unavailable:
            pass  # the index is only a retention hint; the append itself succeeded

    async def dedupe_seq(self, room: str, key_: str) -> int | None:
        v: str | None = await self._do(lambda: self.client.hget(key(room, "dedupe"), key_))
        return int(v) if v is not None else None

    async def read(self, room: str, after: int, limit: int | None = None) -> list[Event]:
        await self._wait_ready()
        return await self.read_raw(room, after, limit)

    async def read_raw(self, room: str, after: int, limit: int | None = None) -> list[Event]:
        """`read` without waiting for a paused store (for the fan-out's own checks)."""
        if not ROOM_ID.match(room):
            raise NoSuchRoom(room)

        async def go() -> list[Any]:
            async with self.client.pipeline(transaction=True) as p:
                p.exists(key(room, "meta"))
                p.xrange(key(room, "log"), min=f"{after + 1}-0", max="+", count=limit)
                return await p.execute()

        exists, entries = await self._do(go)
        if not exists:
            raise NoSuchRoom(room)
        events = [Event.from_record(json.loads(fields["r"])) for _id, fields in entries]
        if events and events[0].seq != after + 1:
            # Trimmed by MAXLEN: the caller must start from a snapshot instead.
            raise Unavailable(f"events after {after} are no longer in the log")
        return events

    async def head(self, room: str) -> int:
        v: str | None = await self._do(lambda: self.client.hget(key(room, "meta"), "_seq"))
        if v is None:
            raise NoSuchRoom(room)
        return int(v)

    async def save_snapshot(self, room: str, seq: int, state: dict[str, Any]) -> None:
        args: list[Any] = [seq, dumps(state), self.retention_s]
        res = await self._do(lambda: self._snapshot(keys=[key(room, "meta"), key(room, "snap")], args=args))
        if res == -1:
            raise NoSuchRoom(room)

    async def load_snapshot(self, room: str) -> tuple[int, dict[str, Any]] | None:
        if not ROOM_ID.match(room):
            return None
        raw: dict[str, str] = await self._do(lambda: self.client.hgetall(key(room, "snap")))
        if not raw or "seq" not in raw:
            return None
        return int(raw["seq"]), json.loads(raw["state"])

    async def delete_room(self, room: str) -> None:
        async def go() -> None:
            async with self.client.pipeline(transaction=False) as p:
                p.delete(*(key(room, part) for part in ("meta", "log", "dedupe", "snap", "online")))
                p.zrem(ROOMS_INDEX, room)
                await p.execute()

        await self._do(go)
        self._epochs.pop(room, None)
        self._indexed.pop(room, None)

    async def rooms_idle_since(self, before_ms: int) -> list[str]:
        rooms: list[str] = await self._do(
            lambda: self.client.zrangebyscore(ROOMS_INDEX, "-inf", f"({before_ms}")
        )
        return rooms

    async def ping(self) -> bool:
        return bool(await self._do(lambda: self.client.ping(), retry=False))

    async def close(self) -> None:
        try:
            await self.client.aclose()
            if self.sentinel is not None:
                await self.sentinel.aclose()
        except (RedisError, OSError):
            pass

    # -- for the fan-out (server/fanout.py) ------------------------------------------------------

    async def server_identity(self) -> tuple[str, str]:
        """(run_id, boot): run_id changes on every Redis restart; boot only when its data was lost."""

        async def go() -> tuple[str, str]:
            try:
                info = await self.client.info("server")
            except ResponseError:  # INFO disabled or renamed (some managed Redis): boot id only
                info = {}
            await self.client.set(BOOT_KEY, secrets.token_hex(8), nx=True)
            boot = await self.client.get(BOOT_KEY)
            return str(info.get("run_id", "")), str(boot or "")

        run_id, boot = await self._do(go)
        return str(run_id), str(boot)

    async def probe(self, room: str, seq: int) -> tuple[str, int, Event | None] | None:
        """(epoch, head, the event at `seq` if still in the log), or None if the room is gone."""

        async def go() -> list[Any]:
            async with self.client.pipeline(transaction=True) as p:
                p.hmget(key(room, "meta"), ["epoch", "_seq"])
                p.xrange(key(room, "log"), min=f"{seq}-0", max=f"{seq}-0")
                return await p.execute()

        (epoch, head), entries = await self._do(go)
        if epoch is None or head is None:
            return None
        ev = Event.from_record(json.loads(entries[0][1]["r"])) if entries else None
        self._remember(room, epoch)
        return str(epoch), int(head), ev

    async def new_epoch(self, room: str, old: str) -> str | None:
        """Give the room a new epoch if it still has `old` (and announce it); None if it is gone."""
        new = secrets.token_hex(8)
        got = await self._do(
            lambda: self._new_epoch(keys=[key(room, "meta")], args=[old, new, channel(room)])
        )
        if not got:
            return None
        self._remember(room, str(got))
        return str(got)

    async def presence_put(
        self,
        room: str,
        worker: str,
        add: set[str] | frozenset[str],
        remove: set[str] | frozenset[str],
        now_ms: int,
        ttl_ms: int,
        announce: bool,
    ) -> None:
        """Set this worker's online pids in the room (each expiring after ttl_ms), drop expired ones."""

        async def go() -> None:
            async with self.client.pipeline(transaction=False) as p:
                self._queue_presence(p, room, worker, add, remove, now_ms, ttl_ms)
                if announce:
                    p.publish(channel(room), dumps({"presence": worker}))
                await p.execute()

        await self._do(go, retry=False)

    async def typing_put(self, room: str, worker: str, entries: list[tuple[str, str, str]]) -> None:
        """Announce this worker's typing presence in the room (server/typing_presence.py): on the
        room's channel only, never stored."""
        msg = dumps({"typing": worker, "entries": [list(e) for e in entries]})
        await self._do(lambda: self.client.publish(channel(room), msg), retry=False)

    async def presence_refresh(
        self, worker: str, rooms: dict[str, frozenset[str]], now_ms: int, ttl_ms: int
    ) -> None:
        """The heartbeat: extend this worker's online pids in many rooms, in one pipeline."""

        async def go() -> None:
            async with self.client.pipeline(transaction=False) as p:
                for room, pids in rooms.items():
                    self._queue_presence(p, room, worker, pids, (), now_ms, ttl_ms)
                await p.execute()

        await self._do(go, retry=False)

    async def presence_get_many(self, rooms: list[str], now_ms: int) -> list[list[tuple[str, str]]]:
        """`presence_get` for many rooms in one pipeline."""

        async def go() -> list[list[str]]:
            async with self.client.pipeline(transaction=False) as p:
                for room in rooms:
                    p.zrangebyscore(key(room, "online"), now_ms, "+inf")
                result: list[list[str]] = await p.execute()
                return result

        got: list[list[str]] = await self._do(go)
        return [_online_pairs(members) for members in got]

    def _queue_presence(
        self,
        p: Pipeline,
        room: str,
        worker: str,
        add: Collection[str],
        remove: Collection[str],
        now_ms: int,
        ttl_ms: int,
    ) -> None:
        """Queue on pipeline `p`: this worker's pids in `add` online until now + ttl, those in
        `remove` gone, expired entries dropped, the set kept as long as the room."""
        zk = key(room, "online")
        if remove:
            p.zrem(zk, *(f"{worker}|{pid}" for pid in remove))
        if add:
            p.zadd(zk, {f"{worker}|{pid}": now_ms + ttl_ms for pid in add})
        p.zremrangebyscore(zk, "-inf", f"({now_ms}")
        p.expire(zk, self.retention_s)

    async def presence_get(self, room: str, now_ms: int) -> list[tuple[str, str]]:
        """(worker, pid) pairs whose heartbeat has not expired."""
        members: list[str] = await self._do(
            lambda: self.client.zrangebyscore(key(room, "online"), now_ms, "+inf")
        )
        return _online_pairs(members)
