"""What a host expects, with real processes: the metrics endpoint, JSON logs, the SIGTERM drain.

Drain: SIGTERM to a worker. On Redis its clients get close code 1012, reconnect to the other
worker and resume; embedded (SQLite) they reconnect to the restarted process and resume. Either
way every command is acknowledged exactly once and every client ends with the stored log.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from kring_testlib import RedisProc, ServerProc, free_port
from scalelib import RClient, check_room, http_create_room
from test_scale import SCALE_ENV, _rooms

RESTART = 1012


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return int(r.status), r.read().decode()
    except urllib.error.HTTPError as e:
        return int(e.code), ""


def _value(text: str, sample: str) -> float:
    """The value of one sample line (`name{labels}`) in the exposition text, 0 if absent."""
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    return 0.0


def test_metrics_absent_without_configuration(sqlite_server: ServerProc) -> None:
    assert _get(sqlite_server.base + "/metrics")[0] == 404
    assert _get(sqlite_server.base + "/metrics", "anything")[0] == 404


async def test_metrics_port_token_and_json_logs(tmp_path: Path) -> None:
    port = free_port()
    srv = ServerProc(
        {
            "KRING_STORE": f"sqlite:///{tmp_path}/kring.db",
            "KRING_SECRET": "test-secret",
            "KRING_METRICS_PORT": str(port),
            "KRING_METRICS_TOKEN": "s3cret-token",
            "KRING_LOG_FORMAT": "json",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        },
        log_path=tmp_path / "server.log",
    ).start()
    try:
        assert _get(srv.base + "/metrics")[0] == 401
        assert _get(srv.base + "/metrics", "wrong")[0] == 401
        status, before = _get(srv.base + "/metrics", "s3cret-token")
        assert status == 200 and "kring_commands_total" in before
        status, on_port = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and "kring_command_seconds" in on_port
        info = http_create_room(srv.base)
        c = RClient([(srv.ws_base, srv.base)], info["room"], info["facilitator_key"], "Fien")
        c.start()
        await asyncio.wait_for(c.connected.wait(), 10)
        for k in range(5):
            await c.send_cmd(f"m{k}", "case.set", {"question": f"Hoe begin ik {k}?"})
        await c.send_cmd("bad", "phase.goto", {"index": 99})
        await c.wait(lambda: not c.pending, 10)
        await asyncio.sleep(2.2)  # the gauges are sampled every 2 s
        _, after = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/metrics")
        ack = 'kring_commands_total{outcome="ack"}'
        assert _value(after, ack) - _value(before, ack) == 5
        assert _value(after, 'kring_commands_total{outcome="rejected"}') >= 1
        assert _value(after, "kring_command_seconds_count") >= 6
        assert _value(after, 'kring_store_append_seconds_count{store="sqlite"}') >= 6  # joins too
        assert _value(after, 'kring_events_total{source="local"}') >= 6
        assert _value(after, "kring_connections") == 1
        assert _value(after, "kring_rooms") == 1
        await c.stop()
    finally:
        srv.stop()
    lines = [ln for ln in (tmp_path / "server.log").read_text().splitlines() if ln.strip()]
    records = [json.loads(ln) for ln in lines]  # every line is one JSON object
    assert {"ts", "level", "logger", "msg"} <= set(records[0])
    text = "\n".join(lines)
    assert not re.search(r"\b127\.0\.0\.1\b", text), "no addresses in the log"
    assert info["room"] not in text and info["facilitator_key"] not in text


async def test_drain_on_sigterm_redis(redis_server: RedisProc, redis_workers: Any) -> None:
    """SIGTERM to one of two workers mid-traffic: its clients are closed with 1012, move to the
    other worker, and resume; every command acked once, every log equal to the stream."""
    workers = redis_workers(2, redis_server, SCALE_ENV)
    rooms = await _rooms(workers, 2, 4)
    victim = workers[0]
    on_victim = [c for room in rooms for c in room.clients if c.url == victim.ws_base]
    assert on_victim
    try:
        traffic = asyncio.gather(*(room.burst(i, 40, "a") for room in rooms for i in range(room.n)))
        await asyncio.sleep(0.2)
        t0 = time.monotonic()
        proc = victim.proc
        assert proc is not None
        await asyncio.to_thread(victim.stop, signal.SIGTERM)
        took = time.monotonic() - t0
        _drained(victim, proc)
        await traffic
        await asyncio.gather(*(room.burst(i, 10, "b") for room in rooms for i in range(room.n)))
        for room in rooms:
            await room.all_answered(30)
        r = redis_server.client()
        for room in rooms:
            await room.converged(r, 10)
            check_room(r, room.id, room.clients, room.sent)
        for c in on_victim:
            assert c.closes and c.closes[0][0] == RESTART, c.closes[:3]
            assert c.url == workers[1].ws_base
            assert "events" in c.welcomes[-1], "resumed, not a fresh snapshot"
        epochs = {w["epoch"] for room in rooms for c in room.clients for w in c.welcomes}
        assert len(epochs) == len(rooms), "a drain loses nothing: no epoch changes"
        print(f"\ndrain (redis): worker exited {took:.2f}s after SIGTERM, {len(on_victim)} clients moved")
    finally:
        for room in rooms:
            await room.close()


def _drained(srv: ServerProc, proc: Any) -> None:
    """The worker drained and shut down cleanly (uvicorn re-raises SIGTERM after its shutdown)."""
    assert proc.returncode in (0, -signal.SIGTERM)
    assert srv.log_path is not None
    log = srv.log_path.read_text()
    assert "drain: done" in log and "Application shutdown complete" in log, log[-2000:]


class _SqliteLog:
    """Just enough of a Redis client for `check_room`: the room's log read from the SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def xrange(self, _key: str) -> list[tuple[str, dict[str, str]]]:
        room = _key.split("{", 1)[1].split("}", 1)[0]
        with sqlite3.connect(self.path) as db:
            rows = db.execute(
                "SELECT seq, type, actor, at, data, cmd FROM events WHERE room=? ORDER BY seq", (room,)
            ).fetchall()
        out = []
        for seq, type_, actor, at, data, cmd in rows:
            rec = {"seq": seq, "type": type_, "actor": actor, "at": at, "data": json.loads(data), "cmd": cmd}
            out.append((f"{seq}-0", {"r": json.dumps(rec)}))
        return out

    def hget(self, key: str, _field: str) -> str:
        return str(max((int(i.split("-")[0]) for i, _ in self.xrange(key)), default=-1))


async def test_drain_on_sigterm_embedded(tmp_path: Path) -> None:
    """Embedded: SIGTERM mid-traffic, the same process restarted on the same port and file; the
    clients reconnect to it and resume (same epoch, the missed events), nothing lost."""
    env = {"KRING_STORE": f"sqlite:///{tmp_path}/kring.db", "KRING_SECRET": "test-secret", **SCALE_ENV}
    srv = ServerProc(env, log_path=tmp_path / "server.log").start()
    from test_scale import Room

    room = await Room([srv], 4).open()
    try:
        traffic = asyncio.gather(*(room.burst(i, 40, "a") for i in range(room.n)))
        await asyncio.sleep(0.2)
        proc = srv.proc
        assert proc is not None
        await asyncio.to_thread(srv.stop, signal.SIGTERM)
        _drained(srv, proc)
        srv.start()
        await traffic
        await asyncio.gather(*(room.burst(i, 10, "b") for i in range(room.n)))
        await room.all_answered(30)
        store = _SqliteLog(tmp_path / "kring.db")
        await room.converged(store, 10)
        check_room(store, room.id, room.clients, room.sent)
        for c in room.clients:
            assert c.closes and c.closes[0][0] == RESTART, c.closes[:3]
            assert len({w["epoch"] for w in c.welcomes}) == 1
            assert "events" in c.welcomes[-1], "resumed, not a fresh snapshot"
    finally:
        await room.close()
        srv.stop()
