"""Helpers for the Redis scale-out tests: a resilient protocol client and log checks.

`RClient` behaves like a careful real client: it pings (and treats a missing pong as a dead link),
reconnects with back-off (rotating over the worker URLs it was given), resumes with epoch+since,
re-sends unacknowledged commands with the same ids, and retries commands that were refused as
`unavailable`, `conflict` or `rate_limited`. It records every problem it can see by itself (a gap,
a duplicate, an event that does not follow its since) in `problems`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.request
from typing import Any

import websockets

RETRYABLE = {"unavailable", "conflict", "rate_limited"}
GOOD_BYE = {4001, 4003, 4010}  # bad key / removed / erased: do not come back


def http_create_room(base: str, method: str = "basis") -> dict[str, Any]:
    req = urllib.request.Request(
        base + "/api/rooms",
        method="POST",
        data=json.dumps({"method": method, "title": "Scale", "lang": "nl"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        room: dict[str, Any] = json.loads(r.read())
        return room


def healthz(base: str) -> int:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=3) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return 0


def dump_key(r: Any, key: str) -> str:
    """A Redis key's content as text, whatever its type (to look for what must not be stored)."""
    t = r.type(key)
    if t == "string":
        return str(r.get(key))
    if t == "hash":
        return repr(r.hgetall(key))
    if t == "stream":
        return repr(r.xrange(key))
    if t == "zset":
        return repr(r.zrange(key, 0, -1))
    if t == "set":
        return repr(r.smembers(key))
    if t == "list":
        return repr(r.lrange(key, 0, -1))
    return ""


class RClient:
    def __init__(
        self,
        bases: list[tuple[str, str]],  # (ws base, http origin) per worker, tried in turn
        room: str,
        key: str,
        name: str,
        *,
        ping_every: float = 0.5,
        pong_timeout: float = 1.5,
        open_timeout: float = 3.0,
    ) -> None:
        self.bases = bases
        self.at = 0
        self.room = room
        self.key = key
        self.name = name
        self.ping_every = ping_every
        self.pong_timeout = pong_timeout
        self.open_timeout = open_timeout
        self.token: str | None = None
        self.epoch: str | None = None
        self.pid: str | None = None
        self.seq = 0  # the last seq this client has (from a welcome or an event)
        self.log: dict[int, dict[str, Any]] = {}  # seq -> event, for the current epoch
        self.welcomes: list[dict[str, Any]] = []
        self.closes: list[tuple[int | None, str, float]] = []
        self.problems: list[str] = []
        self.acks: dict[str, int] = {}
        self.errors: dict[str, str] = {}
        self.unavailable = 0
        self.pending: dict[str, tuple[str, dict[str, Any]]] = {}  # sent or to send, not yet answered
        self.gone: int | None = None  # a close code that ends this client
        self.connected = asyncio.Event()
        self.changed = asyncio.Event()
        self.dead_links = 0
        self.online: set[str] = set()  # names in the last presence message
        self.retried: dict[str, int] = {}  # error code -> how many commands were retried for it
        self._ws: Any = None
        self._task: asyncio.Task[None] | None = None
        self._retry_task: asyncio.Task[None] | None = None
        self._stop = False
        self._last_rx = 0.0

    # -- public ----------------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stop = True
        for t in (self._task, self._retry_task):
            if t is not None:
                t.cancel()
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(t, 3)
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 2)

    @property
    def url(self) -> str:
        return self.bases[self.at % len(self.bases)][0]

    async def send_cmd(self, cid: str, type_: str, args: dict[str, Any]) -> None:
        self.pending[cid] = (type_, args)
        await self._send({"t": "cmd", "id": cid, "type": type_, "args": args})

    async def wait(self, pred: Any, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not pred():
                self.changed.clear()
                await self.changed.wait()

    # -- internals -------------------------------------------------------------------------------

    async def _send(self, msg: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or not self.connected.is_set():
            return  # re-sent after the next welcome
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.send(json.dumps(msg)), 5)

    def _touch(self) -> None:
        self.changed.set()

    async def _run(self) -> None:
        backoff = 0.05
        while not self._stop and self.gone is None:
            ws_base, origin = self.bases[self.at % len(self.bases)]
            try:
                ws = await asyncio.wait_for(
                    websockets.connect(
                        f"{ws_base}/ws/{self.room}",
                        origin=origin,  # type: ignore[arg-type]
                        max_size=None,
                        compression=None,
                        ping_interval=None,
                        open_timeout=None,
                        close_timeout=1,
                    ),
                    self.open_timeout,
                )
            except (OSError, TimeoutError, websockets.WebSocketException):
                self.at += 1
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
                continue
            self._ws = ws
            hello: dict[str, Any] = {"t": "hello", "key": self.key, "name": self.name}
            if self.token:
                hello["token"] = self.token
            if self.epoch is not None:
                hello["epoch"] = self.epoch
                hello["since"] = self.seq
            try:
                await ws.send(json.dumps(hello))
                await self._session(ws)
                backoff = 0.05
            except (OSError, TimeoutError, websockets.WebSocketException):
                pass
            finally:
                self.connected.clear()
                self._ws = None
                code = getattr(ws, "close_code", None)
                self.closes.append((code, getattr(ws, "close_reason", "") or "", time.monotonic()))
                if code in GOOD_BYE:
                    self.gone = code
                with contextlib.suppress(Exception):
                    ws.transport.abort()
                self._touch()
            if not self._stop and self.gone is None:
                self.at += 1
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 1.0)

    async def _session(self, ws: Any) -> None:
        self._last_rx = time.monotonic()
        pinger = asyncio.create_task(self._pinger(ws))
        try:
            async for raw in ws:
                self._last_rx = time.monotonic()
                self._on(json.loads(raw))
                if self.connected.is_set() and self._welcomed_now:
                    self._welcomed_now = False
                    for cid, (type_, args) in list(self.pending.items()):
                        msg = {"t": "cmd", "id": cid, "type": type_, "args": args}
                        await asyncio.wait_for(ws.send(json.dumps(msg)), 5)
        finally:
            pinger.cancel()
            with contextlib.suppress(BaseException):
                await pinger

    _welcomed_now = False

    async def _pinger(self, ws: Any) -> None:
        while True:
            await asyncio.sleep(self.ping_every)
            if time.monotonic() - self._last_rx > self.pong_timeout:
                self.dead_links += 1
                ws.transport.abort()  # the link is dead: drop it and reconnect
                return
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.send(json.dumps({"t": "ping", "c": int(time.time() * 1000)})), 2)

    def _on(self, m: dict[str, Any]) -> None:
        t = m.get("t")
        if t == "welcome":
            self._welcome(m)
        elif t == "event":
            s = m["seq"]
            if s <= self.seq:
                self.problems.append(f"duplicate or old event {s} after {self.seq}")
            elif s != self.seq + 1:
                self.problems.append(f"gap: event {s} after {self.seq}")
            self.log[s] = m
            self.seq = max(self.seq, s)
        elif t == "presence":
            self.online = {p["name"] for p in m["online"]}
        elif t == "ack":
            cid = m["id"]
            if cid in self.acks and self.acks[cid] != m["seq"]:
                self.problems.append(f"command {cid} acked as {self.acks[cid]} and {m['seq']}")
            self.acks[cid] = m["seq"]
            self.pending.pop(cid, None)
        elif t == "error":
            cid = m.get("id")
            if cid is not None and cid in self.pending:
                if m["code"] in RETRYABLE:
                    self.retried[m["code"]] = self.retried.get(m["code"], 0) + 1
                    if m["code"] == "unavailable":
                        self.unavailable += 1
                    self._schedule_retry()
                else:
                    self.errors[cid] = m["code"]
                    self.pending.pop(cid, None)
        self._touch()

    def _welcome(self, w: dict[str, Any]) -> None:
        w["_at"] = time.monotonic()
        self.welcomes.append(w)
        self.token = w["token"]
        self.pid = w["you"]["pid"]
        if "events" in w:
            if w["epoch"] != self.epoch:
                self.problems.append("events in a welcome for a different epoch")
            for e in w["events"]:
                if e["seq"] != self.seq + 1:
                    self.problems.append(f"resume gap: {e['seq']} after {self.seq}")
                self.log[e["seq"]] = e
                self.seq = e["seq"]
            if w["seq"] != self.seq:
                self.problems.append(f"resume ended at {self.seq}, welcome says {w['seq']}")
        else:
            # A fresh snapshot. Same epoch: it must not be *behind* what we already have.
            if w["epoch"] == self.epoch and w["seq"] < self.seq:
                self.problems.append(f"same epoch, snapshot at {w['seq']} behind our {self.seq}")
            if w["epoch"] != self.epoch:
                self.log = {}
            self.seq = w["seq"]
        self.epoch = w["epoch"]
        self.connected.set()
        self._welcomed_now = True

    _retry_due = False

    def _schedule_retry(self) -> None:
        # A refusal can arrive while a retry round is already sending: mark it due again, or that
        # command would wait for an error or a reconnect that never comes.
        self._retry_due = True
        if self._retry_task is None or self._retry_task.done():
            self._retry_task = asyncio.create_task(self._retry())

    async def _retry(self) -> None:
        while self._retry_due:
            self._retry_due = False
            await asyncio.sleep(0.3)
            for cid, (type_, args) in list(self.pending.items()):
                await self._send({"t": "cmd", "id": cid, "type": type_, "args": args})


def stream(redis_client: Any, room: str) -> dict[int, dict[str, Any]]:
    """The room's log straight from Redis: seq -> event record."""
    out = {}
    for _id, fields in redis_client.xrange(f"kring:{{{room}}}:log"):
        r = json.loads(fields["r"])
        out[int(r["seq"])] = r
    return out


def head(redis_client: Any, room: str) -> int:
    v = redis_client.hget(f"kring:{{{room}}}:meta", "_seq")
    return int(v) if v is not None else -1


def check_room(
    redis_client: Any, room: str, clients: list[RClient], sent: dict[int, set[str]]
) -> dict[str, Any]:
    """Every client has exactly the stream's events (same order, no gaps, no duplicates) and every
    command it sent was acknowledged once, as the event that carries its command id."""
    log = stream(redis_client, room)
    seqs = sorted(log)
    assert seqs == list(range(1, len(seqs) + 1)), "the stream itself has a gap"
    by_cmd: dict[str, list[int]] = {}
    for s, r in log.items():
        if r.get("cmd"):
            by_cmd.setdefault(r["cmd"], []).append(s)
    doubled = {k: v for k, v in by_cmd.items() if len(v) > 1}
    assert not doubled, f"commands appended twice: {list(doubled.items())[:5]}"
    for i, c in enumerate(clients):
        assert not c.problems, f"client {i}: {c.problems[:5]}"
        assert c.seq == seqs[-1], f"client {i} at {c.seq}, log at {seqs[-1]}"
        first = min(c.log) if c.log else c.seq + 1
        assert sorted(c.log) == list(range(first, c.seq + 1)), f"client {i} log has holes"
        for s, e in c.log.items():
            r = log[s]
            if e["type"] == "private":
                continue
            assert (e["type"], e["actor"], e["at"], e["data"]) == (
                r["type"],
                r["actor"],
                r["at"],
                r["data"],
            ), f"client {i} differs at {s}"
        mine = sent.get(i, set())
        assert not c.pending, f"client {i} has unanswered commands: {list(c.pending)[:5]}"
        assert not c.errors, f"client {i} got errors: {list(c.errors.items())[:5]}"
        assert set(c.acks) == mine, f"client {i}: {len(mine - set(c.acks))} commands never acked"
        for cid, s in c.acks.items():
            assert log[s].get("cmd") == f"{c.pid}:{cid}", f"client {i}: ack {cid}->{s} is not its event"
    return {"events": len(seqs)}
