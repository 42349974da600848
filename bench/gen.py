"""The load generator: one process, asyncio, the `websockets` client (its sans-I/O protocol driven by an
asyncio.Protocol, so receiving a frame costs no task switch and the generator stays out of the way).

It is started by the runner (`python -m bench.gen`), reads one JSON spec line on stdin, connects its
share of the rooms, prints {"ready": …} and then obeys one JSON command per stdin line:
  {"cmd": "step", "rate": r, "warmup": s, "measure": s, "drain": s}  -> one line of step results
  {"cmd": "resync", …}                                                -> one line of resync results
  {"cmd": "stats"}                                                    -> connection counts
  {"cmd": "quit"}
Every room lives in one generator process (its members may be connected to different servers), so
"the last member of the room received the event" is known without sharing clocks. Sends are open-loop
(Poisson per member) and latency is measured from the *scheduled* send time, so a late generator or a
server that stops reading cannot hide queueing. The command id also carries the wall-clock send stamp.

Dialects: "kring" (protocol v1), "peer" (the bench's minimal room protocol, bench/peers/ws_bare.py) and
"sio" (the same over Socket.IO / Engine.IO v4 text packets).
The process exits by itself at its deadline (`max_seconds` in the spec) or when stdin closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.typing import Origin
from websockets.uri import parse_uri

from .workload import MemberPlan, RoomPlan, next_command, record, setup_commands

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads
_now = time.monotonic


class Room:
    __slots__ = ("acked", "head", "id", "info", "members", "n", "plan", "recv")

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.id: str = info["room"]
        self.plan = RoomPlan(info.get("kind", "basis"))
        self.members: list[Member] = []
        self.n = 0  # members connected: an event is complete when n of them received it
        self.head = 0
        self.recv: dict[int, list[Any]] = {}  # seq -> [receivers so far, time of the last one]
        self.acked: dict[int, tuple[float, bool]] = {}  # seq -> (scheduled send time, in window)


class Member(asyncio.Protocol):
    def __init__(self, gen: Gen, room: Room, idx: int, url: str, origin: str, hello: dict[str, Any]) -> None:
        self.gen = gen
        self.room = room
        self.idx = idx
        self.plan = MemberPlan(idx, idx == 0)
        self.url = url
        self.origin = origin
        self.hello = hello
        self.proto: ClientProtocol | None = None
        self.transport: Any = None
        self.ready: asyncio.Future[dict[str, Any]] = gen.loop.create_future()
        self.closed: asyncio.Future[None] = gen.loop.create_future()
        self.open = False
        self.last_seq = -1
        self.pending: dict[str, tuple[float, bool, Any]] = {}  # cid -> (scheduled, in window, item)
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.sio_ids: dict[int, str] = {}
        self.n = 0
        self.frag: list[bytes] = []
        self.welcome: dict[str, Any] | None = None
        self.close_code: int | None = None
        self.fast = False  # parsing the server's frames in _frames (after the handshake)
        self.buf = b""

    # -- transport ---------------------------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.proto = ClientProtocol(parse_uri(self.url), origin=Origin(self.origin), max_size=None)
        self.proto.send_request(self.proto.connect())
        self._flush()

    def _flush(self) -> None:
        assert self.proto is not None
        out = self.proto.data_to_send()
        for chunk in out:
            if chunk:
                self.transport.write(chunk)
            else:
                self.transport.close()

    def send_text(self, text: str) -> None:
        if not self.open:
            return
        assert self.proto is not None
        self.proto.send_text(text.encode())
        self._flush()

    def data_received(self, data: bytes) -> None:
        if self.fast:
            self._frames(data)
            return
        proto = self.proto
        assert proto is not None
        gen = self.gen
        if gen.counting:
            gen.bytes_in += len(data)
        proto.receive_data(data)
        for ev in proto.events_received():
            if isinstance(ev, Response):
                if proto.handshake_exc is not None:
                    if not self.ready.done():
                        self.ready.set_exception(ConnectionError(str(proto.handshake_exc)))
                    self.transport.close()
                    return
                self.open = True
                self._opened()
                continue
            op = ev.opcode
            if op is Opcode.TEXT or op is Opcode.CONT or op is Opcode.BINARY:
                self._data_frame(ev.fin, ev.data)
        if proto.close_rcvd is not None and self.close_code is None:
            self.close_code = proto.close_rcvd.code
        self._flush()
        # Once open with nothing buffered, parse frames here: the server's frames are unmasked, so a
        # frame is a 2-10 byte header and its payload; websockets' general parser cost the generator
        # more CPU than most servers spend (it shares the machine with them).
        if self.open and not self.frag and not proto.reader.buffer and proto.close_rcvd is None:
            self.fast = True

    def _frames(self, data: bytes) -> None:
        gen = self.gen
        if gen.counting:
            gen.bytes_in += len(data)
        buf = self.buf + data if self.buf else data
        i, n = 0, len(buf)
        while n - i >= 2:
            b0, ln = buf[i], buf[i + 1]
            h = 2
            if ln == 126:
                if n - i < 4:
                    break
                ln, h = int.from_bytes(buf[i + 2 : i + 4], "big"), 4
            elif ln == 127:
                if n - i < 10:
                    break
                ln, h = int.from_bytes(buf[i + 2 : i + 10], "big"), 10
            elif ln > 127:  # a masked frame from a server is a protocol error
                self.close_code = 1002
                self.transport.close()
                return
            if n - i < h + ln:
                break
            payload = buf[i + h : i + h + ln]
            i += h + ln
            op = b0 & 0x0F
            if op <= 2:  # continuation, text, binary
                self._data_frame(bool(b0 & 0x80), payload)
            elif op == 9:  # ping: answer through the protocol (it masks client frames)
                assert self.proto is not None
                self.proto.send_pong(payload)
                self._flush()
            elif op == 8:  # close: note the code; the connection ends here
                if self.close_code is None:
                    self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                self.open = False
                self.transport.close()
                return
        self.buf = buf[i:] if i < n else b""

    def _data_frame(self, fin: bool, payload: bytes) -> None:
        """A text, binary or continuation frame: a whole message goes to the generator."""
        if not fin:
            self.frag.append(payload)
            return
        if self.frag:
            self.frag.append(payload)
            payload = b"".join(self.frag)
            self.frag = []
        self.gen.on_message(self, payload)

    def eof_received(self) -> bool | None:
        if self.proto is not None:
            self.proto.receive_eof()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        was_open = self.open
        self.open = False
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed before ready ({self.close_code})"))
        if not self.closed.done():
            self.closed.set_result(None)
        for f in self.waiters.values():
            if not f.done():
                f.set_exception(ConnectionError("closed"))
        if was_open and not self.gen.closing:
            self.gen.on_lost(self)

    # -- protocol ----------------------------------------------------------------------------------

    def _opened(self) -> None:
        d = self.gen.dialect
        if d == "kring":
            self.send_text(_dumps({"t": "hello", **self.hello}))
        elif d == "peer":
            self.send_text(_dumps({"t": "join", "room": self.room.id, "name": f"m{self.idx}"}))
        # sio: wait for the Engine.IO open packet

    def send_cmd(self, ctype: str, args: dict[str, Any], t_sched: float, window: bool, item: Any) -> str:
        self.n += 1
        cid = f"c{self.n}-{time.time_ns() // 1000}"  # the wall-clock send stamp rides in the id
        self.pending[cid] = (t_sched, window, item)
        d = self.gen.dialect
        if d == "kring":
            self.send_text(_dumps({"t": "cmd", "id": cid, "type": ctype, "args": args}))
        elif d == "peer":
            self.send_text(_dumps({"t": "msg", "id": cid, "type": ctype, "args": args}))
        else:
            self.sio_ids[self.n] = cid
            self.send_text(f"42{self.n}" + _dumps(["msg", {"id": cid, "type": ctype, "args": args}]))
        return cid

    async def call(self, ctype: str, args: dict[str, Any], item: Any, timeout: float = 20) -> dict[str, Any]:
        """A setup command: send, wait for its ack (or error)."""
        cid = self.send_cmd(ctype, args, _now(), False, item)
        fut: asyncio.Future[dict[str, Any]] = self.gen.loop.create_future()
        self.waiters[cid] = fut
        return await asyncio.wait_for(fut, timeout)


class Gen:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.loop = asyncio.get_running_loop()
        self.dialect: str = spec["dialect"]
        self.rnd = random.Random(spec.get("seed", 1))
        self.rooms = [Room(r) for r in spec["rooms"]]
        self.members: list[Member] = []
        self.closing = False
        self.counting = False
        self.win0 = self.win1 = 0.0
        self.setup_retries = 0
        self.reset()

    def reset(self) -> None:
        self.fanout: list[int] = []  # microseconds, commands scheduled in the window
        self.ackl: list[int] = []
        self.late: list[int] = []
        self.errors: Counter[str] = Counter()
        self.delivered = 0
        self.delivered_all = 0
        self.gaps = 0
        self.dups = 0
        self.lost_conns = 0
        self.close_codes: Counter[str] = Counter()
        self.bytes_in = 0
        self.sent = 0
        self.acks = 0
        self.views = 0

    # -- receiving ---------------------------------------------------------------------------------

    def on_message(self, m: Member, payload: bytes) -> None:
        if self.dialect == "sio":
            self._on_sio(m, payload)
            return
        if payload.startswith(b'{"t":"view"'):
            # The browser client's full per-viewer state after a batch (hello "view": true): counted,
            # not parsed (the generator must stay cheap).
            if self.counting:
                self.views += 1
            return
        if payload.startswith(b'{"t":"event","seq":'):
            # Every server's events start this way: the seq is all the generator needs.
            self.on_event(m, int(payload[19 : payload.index(b",", 19)]))
            return
        if payload.startswith(b'{"t":"patch","seq":'):
            # A browser that takes patches (hello "patches": true): one patch per batch of events,
            # which delivers every event up to its seq (the ops are not parsed: the generator must
            # stay cheap).
            seq = int(payload[19 : payload.index(b",", 19)])
            for s in range(m.last_seq + 1 if m.last_seq >= 0 else seq, seq + 1):
                self.on_event(m, s)
            return
        msg = _loads(payload)
        t = msg.get("t")
        if t == "event":
            self.on_event(m, msg["seq"])
        elif t == "ack":
            self.on_ack(m, msg["id"], msg["seq"])
        elif t == "error":
            self.on_error(m, msg.get("id"), msg.get("code", "?"), msg)
        elif t == "welcome" or t == "joined":
            m.welcome = msg
            m.last_seq = int(msg["seq"])
            for e in msg.get("events", ()):
                m.last_seq = max(m.last_seq, int(e["seq"]))
            if not m.ready.done():
                m.ready.set_result(msg)

    def _on_sio(self, m: Member, payload: bytes) -> None:
        c = payload[:2]
        if payload.startswith(b'42["event",{"seq":'):
            self.on_event(m, int(payload[18 : payload.index(b",", 18)]))
        elif c == b"42":
            ev = _loads(payload[2:])
            if ev[0] == "event":
                self.on_event(m, ev[1]["seq"])
        elif c == b"43":
            i = 2
            while payload[i] in b"0123456789":
                i += 1
            n = int(payload[2:i])
            body = _loads(payload[i:])[0]
            if n == 0:
                m.welcome = body
                m.last_seq = int(body["seq"])
                if not m.ready.done():
                    m.ready.set_result(body)
            else:
                cid = m.sio_ids.pop(n, None)
                if cid is not None:
                    self.on_ack(m, cid, body["seq"])
        elif payload == b"2":
            m.send_text("3")
        elif payload[:1] == b"0":
            m.send_text("40")
        elif c == b"40":
            m.send_text("420" + _dumps(["join", {"room": m.room.id, "name": f"m{m.idx}"}]))
        elif c == b"44":
            if not m.ready.done():
                m.ready.set_exception(ConnectionError(payload.decode()))

    def on_event(self, m: Member, seq: int) -> None:
        now = _now()
        self.delivered_all += 1
        if self.counting:
            self.delivered += 1
        last = m.last_seq
        if seq != last + 1 and last >= 0:
            if seq <= last:
                self.dups += 1
            else:
                self.gaps += 1
        if seq > last:
            m.last_seq = seq
        room = m.room
        if seq > room.head:
            room.head = seq
        r = room.recv.get(seq)
        if r is None:
            r = room.recv[seq] = [1, now]
        else:
            r[0] += 1
            r[1] = now
        if r[0] >= room.n:
            a = room.acked.get(seq)
            if a is not None:
                del room.acked[seq]
                del room.recv[seq]
                if a[1]:
                    self.fanout.append(int((now - a[0]) * 1e6))

    def on_ack(self, m: Member, cid: str, seq: int) -> None:
        now = _now()
        p = m.pending.pop(cid, None)
        if p is None:
            return
        t_sched, window, item = p
        record(m.room.plan, m.plan, item)
        if window:
            self.ackl.append(int((now - t_sched) * 1e6))
            self.acks += 1
        room = m.room
        r = room.recv.get(seq)
        if r is not None and r[0] >= room.n:
            del room.recv[seq]
            if window:
                self.fanout.append(int((r[1] - t_sched) * 1e6))
        else:
            room.acked[seq] = (t_sched, window)
        w = m.waiters.pop(cid, None)
        if w is not None and not w.done():
            w.set_result({"t": "ack", "seq": seq})

    def on_error(self, m: Member, cid: str | None, code: str, msg: dict[str, Any]) -> None:
        if cid is not None:
            m.pending.pop(cid, None)
        self.errors[str(code)] += 1
        if len(self.errors) <= 3 and sum(self.errors.values()) <= 3:
            print(json.dumps({"log": f"error {code}: {msg.get('message')}"}), file=sys.stderr)
        if cid is not None:
            w = m.waiters.pop(cid, None)
            if w is not None and not w.done():
                w.set_result(msg)

    def on_lost(self, m: Member) -> None:
        self.lost_conns += 1
        self.close_codes[str(m.close_code)] += 1
        m.room.n = max(0, m.room.n - 1)

    # -- connecting --------------------------------------------------------------------------------

    async def connect(self, m: Member, timeout: float = 30) -> None:
        u = urlsplit(m.url)
        await asyncio.wait_for(self.loop.create_connection(lambda: m, u.hostname, u.port), timeout)
        await asyncio.wait_for(asyncio.shield(m.ready), timeout)

    def _member(self, room: Room, idx: int, hello: dict[str, Any]) -> Member:
        if self.spec.get("view"):
            hello = {**hello, "view": True}
        if self.spec.get("patches"):
            hello = {**hello, "view": True, "patches": True}
        info = room.info
        urls: list[str] = info["urls"]
        origins: list[str] = info["origins"]
        k = idx % len(urls)
        return Member(self, room, idx, urls[k], origins[k], hello)

    async def join(self, room: Room, idx: int, hello: dict[str, Any], tries: int = 5) -> Member:
        """Connect one member; like a real client, retry a refused or dropped join with back-off."""
        for attempt in range(tries):
            m = self._member(room, idx, hello)
            try:
                await self.connect(m)
                return m
            except (OSError, TimeoutError, ConnectionError):
                if m.transport is not None:
                    m.transport.close()
                if attempt == tries - 1:
                    raise
                self.setup_retries += 1
                await asyncio.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    async def setup_call(
        self, m: Member, ctype: str, args: dict[str, Any], item: Any, tries: int = 5
    ) -> None:
        for attempt in range(tries):
            r = await m.call(ctype, args, item)
            if r.get("t") == "ack":
                return
            if r.get("code") != "unavailable" or attempt == tries - 1:
                raise RuntimeError(f"setup {ctype} failed: {r}")
            self.setup_retries += 1
            await asyncio.sleep(0.2 * (attempt + 1))

    async def setup(self, members: int) -> dict[str, Any]:
        """Connect every room: the facilitator first (phase, anchors), then the other members."""
        sem = asyncio.Semaphore(self.spec.get("parallel", 32))
        t0 = _now()
        self.setup_retries = 0

        async def one_room(room: Room) -> None:
            async with sem:
                fac = await self.join(room, 0, {"key": room.info.get("facilitator_key"), "name": "fac"})
                room.members.append(fac)
                room.n = 1
                for ctype, args, item in setup_commands(room.plan, fac.plan):
                    await self.setup_call(fac, ctype, args, item)
                rest = await asyncio.gather(
                    *(
                        self.join(room, i, {"key": room.info.get("join_key"), "name": f"m{i}"})
                        for i in range(1, members)
                    )
                )
                room.members.extend(rest)
                # A member the server dropped meanwhile (e.g. the room was reloaded) joins again.
                for _ in range(3):
                    gone = [i for i, m in enumerate(room.members) if not m.open]
                    if not gone:
                        break
                    for i in gone:
                        key = room.info.get("facilitator_key" if i == 0 else "join_key")
                        room.members[i] = await self.join(room, i, {"key": key, "name": f"m{i}"})
                        self.setup_retries += 1
                room.n = len(room.members)

        await asyncio.gather(*(one_room(r) for r in self.rooms))
        self.members = [m for r in self.rooms for m in r.members]
        # Errors during the setup (retried) are not the load's: start counting afresh.
        errors = dict(self.errors)
        self.reset()
        return {
            "connected": len(self.members),
            "seconds": round(_now() - t0, 2),
            "retries": self.setup_retries,
            "setup_errors": errors,
        }

    async def connect_idle(self, members: int) -> dict[str, Any]:
        """Capacity: members that join and then only hold the connection."""
        sem = asyncio.Semaphore(self.spec.get("parallel", 64))
        t0 = _now()
        failed = 0

        async def one(room: Room, i: int) -> None:
            nonlocal failed
            async with sem:
                m = self._member(room, i, {"key": room.info.get("join_key"), "name": f"m{i}"})
                room.members.append(m)
                try:
                    await self.connect(m)
                except (OSError, TimeoutError, ConnectionError):
                    failed += 1

        await asyncio.gather(*(one(r, i) for r in self.rooms for i in range(members)))
        self.members = [m for r in self.rooms for m in r.members if m.open]
        return {"connected": len(self.members), "failed": failed, "seconds": round(_now() - t0, 2)}

    # -- load --------------------------------------------------------------------------------------

    async def step(self, rate: float, warmup: float, measure: float, drain: float) -> dict[str, Any]:
        self.reset()
        for room in self.rooms:
            room.recv.clear()
            room.acked.clear()
        live = [m for m in self.members if m.open]
        rnd = self.rnd
        exp = rnd.expovariate
        t0 = _now()
        self.win0, self.win1 = t0 + warmup, t0 + warmup + measure
        heap = [(t0 + exp(rate), i) for i in range(len(live))]
        heapq.heapify(heap)
        late = self.late
        started = False
        end = self.win1
        sent_w = 0
        while True:
            now = _now()
            if not started and now >= self.win0:
                started = True
                self.counting = True
            if now >= end:
                break
            while heap and heap[0][0] <= now:
                t, i = heapq.heappop(heap)
                m = live[i]
                if m.open:
                    window = self.win0 <= t < self.win1
                    ctype, args, item = next_command(m.room.plan, m.plan, rnd)
                    m.send_cmd(ctype, args, t, window, item)
                    if window:
                        sent_w += 1
                        late.append(int((now - t) * 1e6))
                heapq.heappush(heap, (t + exp(rate), i))
            delay = (heap[0][0] if heap else end) - _now()
            await asyncio.sleep(min(max(delay, 0.0), 0.005))
        self.counting = False
        # Drain: wait for every ack and every event of this step to arrive everywhere.
        t_drain = _now()
        while _now() - t_drain < drain:
            if not any(m.pending for m in live if m.open) and all(not r.acked for r in self.rooms):
                if all(m.last_seq >= m.room.head for m in live if m.open):
                    break
            await asyncio.sleep(0.02)
        drained = round(_now() - t_drain, 3)
        unacked = sum(len(m.pending) for m in live if m.open)
        behind = sum(1 for m in live if m.open and m.last_seq < m.room.head)
        incomplete = sum(len(r.acked) for r in self.rooms)
        for m in live:
            m.pending.clear()
            m.sio_ids.clear()
        return {
            "rate": rate,
            "members": len(live),
            "open": sum(1 for m in live if m.open),
            "measure": measure,
            "sent": sent_w,
            "acks": self.acks,
            "fanout_us": self.fanout,
            "ack_us": self.ackl,
            "late_us": late,
            "delivered": self.delivered,
            "delivered_all": self.delivered_all,
            "bytes_in": self.bytes_in,
            "views": self.views,
            "errors": dict(self.errors),
            "gaps": self.gaps,
            "dups": self.dups,
            "lost_conns": self.lost_conns,
            "close_codes": dict(self.close_codes),
            "unacked": unacked,
            "behind": behind,
            "incomplete": incomplete,
            "drain_s": drained,
        }

    # -- resync (Kring only) -----------------------------------------------------------------------

    async def resync(self, gap: int, iterations: int, large_nodes: int, large_cards: int) -> dict[str, Any]:
        """Catch-up on a `gap`-event gap (hello epoch+since) and the snapshot of a large room."""
        gap_room, big_room = self.rooms[0], self.rooms[1]
        out: dict[str, Any] = {"gap": gap, "iterations": iterations}

        async def fac_of(room: Room) -> Member:
            fac = self._member(room, 0, {"key": room.info["facilitator_key"], "name": "fac"})
            room.members.append(fac)
            await self.connect(fac)
            room.n = 1
            for ctype, args, item in setup_commands(room.plan, fac.plan):
                await fac.call(ctype, args, item)
            return fac

        async def pipeline(fac: Member, cmds: list[tuple[str, dict[str, Any], Any]]) -> None:
            cids = [fac.send_cmd(c, a, _now(), False, it) for c, a, it in cmds]
            futs = []
            for cid in cids:
                f: asyncio.Future[dict[str, Any]] = self.loop.create_future()
                fac.waiters[cid] = f
                futs.append(f)
            res = await asyncio.wait_for(asyncio.gather(*futs), 60)
            bad = [r for r in res if r.get("t") != "ack"]
            if bad:
                raise RuntimeError(f"resync setup: {len(bad)} commands failed, e.g. {bad[0]}")

        async def reconnect(room: Room, hello: dict[str, Any]) -> tuple[float, Member]:
            m = self._member(room, 1, hello)
            t0 = _now()
            await self.connect(m, 30)
            return _now() - t0, m

        # 1. the gap: a member drops, `gap` events happen, it comes back with epoch + since.
        fac = await fac_of(gap_room)
        m = self._member(gap_room, 1, {"key": gap_room.info["join_key"], "name": "returner"})
        await self.connect(m)
        assert m.welcome is not None
        token, epoch = m.welcome["token"], m.welcome["epoch"]
        times, ok = [], 0
        for it in range(iterations):
            since = m.last_seq
            m.transport.close()
            await asyncio.wait_for(asyncio.shield(m.closed), 10)
            cmds = []
            for j in range(gap):
                if j % 3 == 0:
                    cmds.append(("timer.add", {"seconds": 1}, None))
                else:
                    nid = gap_room.plan.anchors[j % len(gap_room.plan.anchors)]
                    cmds.append(("mindmap.edit", {"id": nid, "text": f"knoop {it}.{j}"}, None))
            await pipeline(fac, cmds)
            dt, m = await reconnect(
                gap_room, {"key": gap_room.info["join_key"], "token": token, "epoch": epoch, "since": since}
            )
            evs = (m.welcome or {}).get("events")
            if evs is not None and [e["seq"] for e in evs] == list(range(since + 1, since + gap + 1)):
                ok += 1
            times.append(int(dt * 1e6))
        out["gap_us"] = times
        out["gap_ok"] = ok
        m.transport.close()

        # 2. the snapshot fallback of a large room: a stale epoch makes the server send the full state.
        fac = await fac_of(big_room)
        plan = big_room.plan
        cmds = []
        for i in range(large_nodes - len(plan.anchors)):
            parent = plan.anchors[i % len(plan.anchors)] if i < 100 else f"big{i % 100}"
            cmds.append(
                ("mindmap.add", {"id": f"big{i}", "parent": parent, "text": f"knoop {i} werkdruk"}, None)
            )
        for i in range(large_cards):
            text = f"Vraag {i}: wat gebeurde er precies vlak voordat het gesprek stil viel?"
            cmds.append(("card.add", {"id": f"card{i}", "kind": "question", "text": text}, None))
        for k in range(0, len(cmds), 100):
            await pipeline(fac, cmds[k : k + 100])
        m = self._member(big_room, 1, {"key": big_room.info["join_key"], "name": "viewer"})
        await self.connect(m)
        assert m.welcome is not None
        token = m.welcome["token"]
        times, ok, size = [], 0, 0
        for _ in range(iterations):
            since = m.last_seq
            m.transport.close()
            await asyncio.wait_for(asyncio.shield(m.closed), 10)
            dt, m = await reconnect(
                big_room, {"key": big_room.info["join_key"], "token": token, "epoch": "stale", "since": since}
            )
            st = (m.welcome or {}).get("state")
            if (
                st is not None
                and len(st["mindmap"]["nodes"]) >= large_nodes
                and len(st["cards"]) >= large_cards
            ):
                ok += 1
                size = len(_dumps(m.welcome))
            times.append(int(dt * 1e6))
        out["snapshot_us"] = times
        out["snapshot_ok"] = ok
        out["snapshot_bytes"] = size
        m.transport.close()
        return out

    async def close(self) -> None:
        self.closing = True
        for m in self.members:
            if m.transport is not None:
                with contextlib.suppress(Exception):
                    m.transport.close()
        await asyncio.sleep(0.1)


def _out(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


async def amain() -> None:
    loop = asyncio.get_running_loop()
    spec = json.loads(await loop.run_in_executor(None, sys.stdin.readline))
    # Bounded in time no matter what the runner does.
    loop.call_later(float(spec.get("max_seconds", 600)), os._exit, 3)
    gen = Gen(spec)
    mode = spec.get("mode", "load")
    try:
        if mode == "load":
            res = await gen.setup(spec["members"])
        elif mode == "idle":
            res = await gen.connect_idle(spec["members"])
        else:
            res = {}
        gc.collect()
        gc.freeze()
        _out({"ready": res})
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            cmd = json.loads(line)
            if cmd["cmd"] == "quit":
                break
            if cmd["cmd"] == "step":
                _out(await gen.step(cmd["rate"], cmd["warmup"], cmd["measure"], cmd["drain"]))
            elif cmd["cmd"] == "resync":
                _out(await gen.resync(cmd["gap"], cmd["iterations"], cmd["nodes"], cmd["cards"]))
            elif cmd["cmd"] == "stats":
                _out({"open": sum(1 for m in gen.members if m.open), "lost": gen.lost_conns})
    except Exception as e:
        _out({"error": f"{type(e).__name__}: {e}"})
    finally:
        await gen.close()


def main() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    gc.set_threshold(50_000, 20, 20)
    asyncio.run(amain())


if __name__ == "__main__":
    main()
