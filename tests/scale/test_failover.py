"""Redis that survives its primary: Sentinel failover with real processes.

A primary, a replica and a Sentinel (tests/scale/sentinellib.py) on free loopback ports; two Kring
workers with `KRING_STORE=redis+sentinel://…`, clients on both. The primary is killed with
SIGKILL mid-traffic; Sentinel promotes the replica within a few seconds and the workers follow.

Forcing a lost tail: a replica that is behind when its primary dies is made deterministic by
detaching it (`REPLICAOF NO ONE` on the replica) just before the last writes. It stops applying the
primary's stream, as a replica that lags would, but stays up, so Sentinel still promotes it when
the primary is killed. Every write between the detach and the kill exists only on the dead primary.
- WAIT on (the default): those writes are appended and published but never acknowledged (WAIT for
  a replica times out: `unavailable`); the clients retry them, and after the failover they are
  decided again on the new primary. No acknowledged event is lost.
- WAIT off: they are acknowledged and then lost. The workers find the room's head below what they
  hold and move it to a new epoch; every client resyncs and converges with a fresh joiner.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from scalelib import RClient, check_room, head, stream
from sentinellib import Topology
from test_scale import SCALE_ENV, Room, _bases, _rooms

pytestmark = pytest.mark.redis

BACK_WITHIN = 15.0  # seconds from the kill to the first acknowledged command


def _metrics(base: str, token: str) -> str:
    req = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return str(r.read().decode())


def _value(text: str, sample: str) -> float:
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    return 0.0


async def _until_replicas(workers: list[Any], token: str, timeout: float = 15) -> None:
    """Until every worker counts a replica that could take over (its acks WAIT for it again)."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [await asyncio.to_thread(_metrics, w.base, token) for w in workers]
        if all(_value(t, "kring_redis_replicas") >= 1 for t in texts):
            return
        assert time.monotonic() < deadline, "the workers never counted the restarted replica"
        await asyncio.sleep(0.2)


def _forget_metrics(workers: list[Any]) -> None:
    """Stop the workers and remove kring serve's default metrics directory (one per port)."""
    for w in workers:
        w.stop()
        shutil.rmtree(Path(tempfile.gettempdir()) / f"kring-metrics-{os.getuid()}-{w.port}", True)


@pytest.fixture
def topo(tmp_path: Path) -> Any:
    t = Topology(tmp_path)
    try:
        yield t
    finally:
        t.stop()


async def _probe(room: Room, tag: str, timeout: float = 30) -> float:
    """Send one command from the facilitator and return when it was acknowledged (monotonic)."""
    fac = room.clients[0]
    cid = f"probe-{tag}"
    await room.cmd(0, cid, "card.add", {"id": cid, "kind": "question", "text": "Zijn we terug?"})
    await fac.wait(lambda: cid in fac.acks, timeout)
    return time.monotonic()


async def _kill_primary_mid_traffic(
    topo: Topology, rooms: list[Room], tag: str, detach: bool
) -> dict[str, Any]:
    """Traffic, (detach the replica,) kill -9 the primary, traffic on; returns timings."""
    old = topo.primary()
    replica = topo.other(old.port)
    traffic = asyncio.gather(*(room.burst(i, 30, f"{tag}a") for room in rooms for i in range(room.n)))
    await asyncio.sleep(0.2)
    if detach:
        replica.client().execute_command("REPLICAOF", "NO", "ONE")
        # Writes from here on exist only on the primary that is about to die.
        await asyncio.gather(*(room.burst(i, 3, f"{tag}t") for room in rooms for i in range(room.n)))
        await asyncio.sleep(0.4)
    killed = time.monotonic()
    old.kill()
    await traffic
    more = asyncio.gather(*(room.burst(i, 10, f"{tag}b") for room in rooms for i in range(room.n)))
    new_port = topo.wait_failover(old.port)
    promoted = time.monotonic() - killed
    back = await _probe(rooms[0], tag) - killed
    await more
    for room in rooms:
        await room.all_answered(45)
    return {"old": old.port, "new": new_port, "promoted": promoted, "back": back}


async def test_failover_with_wait_keeps_every_ack(topo: Topology, redis_workers: Any) -> None:
    """WAIT on: a replica that fell behind is promoted, and still no acknowledged event is lost.
    Then the dead primary comes back as a replica, resyncs, and a second failover loses nothing."""
    workers = redis_workers(2, topo, {**SCALE_ENV, "KRING_METRICS_TOKEN": "t0ken"})
    rooms = await _rooms(workers, 2, 4)
    try:
        await _until_replicas(workers, "t0ken")  # acks WAIT for the replica before it falls behind
        first = await _kill_primary_mid_traffic(topo, rooms, "x", detach=True)
        assert first["back"] < BACK_WITHIN, first
        texts = [await asyncio.to_thread(_metrics, w.base, "t0ken") for w in workers]
        waits = sum(_value(t, 'kring_redis_errors_total{kind="wait_timeout"}') for t in texts)
        assert waits >= 1, "the detached replica never confirmed: WAIT timed out"
        assert sum(_value(t, 'kring_commands_total{outcome="unavailable"}') for t in texts) >= 1
        r = topo.nodes[first["new"]].client()
        for room in rooms:
            await room.converged(r, 10)
            check_room(r, room.id, room.clients, room.sent)  # every ack is its own event in the log
        unavailable = sum(c.retried.get("unavailable", 0) for room in rooms for c in room.clients)
        assert unavailable > 0, "commands during the failover must have been answered unavailable"

        # The old primary restarts as a replica of the new one and resyncs.
        old = topo.nodes[first["old"]]
        old.replica_of = first["new"]
        old.start()
        topo.wait_synced(old.port)
        topo.wait_watched(old.port)
        await _until_replicas(workers, "t0ken")
        second = await _kill_primary_mid_traffic(topo, rooms, "y", detach=False)
        assert second["new"] == old.port and second["back"] < BACK_WITHIN, second
        r = old.client()
        for room in rooms:
            await room.converged(r, 10)
            check_room(r, room.id, room.clients, room.sent)
        print(
            f"\nfailover (replica behind, WAIT on): promoted after {first['promoted']:.1f}s, "
            f"acks again after {first['back']:.1f}s, {unavailable} commands retried; after the "
            f"replica's restart: promoted after {second['promoted']:.1f}s, acks after {second['back']:.1f}s"
        )
    finally:
        for room in rooms:
            await room.close()
        _forget_metrics(workers)


async def test_sentinel_restart_then_failover(topo: Topology, redis_workers: Any) -> None:
    """The Sentinel restarts: the workers keep serving meanwhile, and a failover after it works."""
    workers = redis_workers(2, topo, {**SCALE_ENV, "KRING_METRICS_TOKEN": "t0ken"})
    rooms = await _rooms(workers, 1, 4)
    room = rooms[0]
    try:
        topo.sentinel.stop()
        await asyncio.gather(*(room.burst(i, 10, "s") for i in range(room.n)))
        await room.all_answered(20)  # served with the Sentinel down
        topo.sentinel.start()
        topo.wait_watched(topo.other(topo.primary().port).port)
        await _until_replicas(workers, "t0ken")
        got = await _kill_primary_mid_traffic(topo, rooms, "z", detach=False)
        assert got["back"] < BACK_WITHIN, got
        r = topo.nodes[got["new"]].client()
        await room.converged(r, 10)
        check_room(r, room.id, room.clients, room.sent)
        # The failover shows in the workers' metrics: each one's subscription reconnected.
        for w in workers:
            text = await asyncio.to_thread(_metrics, w.base, "t0ken")
            assert _value(text, "kring_redis_reconnects_total") >= 1
            assert _value(text, 'kring_store_append_seconds_count{store="redis"}') >= 1
        print(f"\nsentinel restarted, then failover: acks again after {got['back']:.1f}s")
    finally:
        await room.close()
        _forget_metrics(workers)


async def test_failover_without_wait_moves_a_lost_tail_to_a_new_epoch(
    topo: Topology, redis_workers: Any
) -> None:
    """WAIT off: acknowledged events that never reached the replica are lost with the primary.
    The room gets a new epoch, every client resyncs, and all of them converge with a fresh joiner."""
    workers = redis_workers(2, topo, {**SCALE_ENV, "KRING_REDIS_WAIT_MS": "0"})
    rooms = await _rooms(workers, 1, 4)
    room = rooms[0]
    try:
        await asyncio.gather(*(room.burst(i, 5, "a") for i in range(room.n)))
        await room.all_answered(10)
        old = topo.primary()
        replica = topo.other(old.port)
        replica.client().execute_command("REPLICAOF", "NO", "ONE")
        kept = head(replica.client(), room.id)
        await asyncio.gather(*(room.burst(i, 5, "t") for i in range(room.n)))
        await room.all_answered(10)  # acknowledged by the primary alone
        await room.converged(old.client(), 5)
        held = {id(c): (c.epoch, c.seq) for c in room.clients}
        assert all(seq > kept for _, seq in held.values())
        old.kill()
        topo.wait_failover(old.port)
        r = replica.client()
        assert head(r, room.id) == kept, "the tail must be lost for this test to mean anything"
        async with asyncio.timeout(20):
            for c in room.clients:
                await c.wait(lambda c=c: c.epoch != held[id(c)][0] and c.connected.is_set(), 20)
        for c in room.clients:
            assert not c.problems, c.problems
            assert "state" in c.welcomes[-1], "a new epoch comes with a fresh snapshot"
        info = room.clients[0]
        joiner = RClient(_bases(workers, 1), room.id, info.key, "Nieuw")
        room.clients.append(joiner)
        joiner.start()
        await asyncio.wait_for(joiner.connected.wait(), 10)
        await asyncio.gather(*(room.burst(i, 3, "c") for i in range(room.n)))
        await room.all_answered(20)
        await room.converged(r, 10)
        log = stream(r, room.id)
        assert sorted(log) == list(range(1, max(log) + 1))
        assert len({c.epoch for c in room.clients}) == 1
        assert {c.seq for c in room.clients} == {max(log)}
        for c in room.clients:
            assert not c.problems, c.problems
            for s, e in c.log.items():  # everything after the resync is the new primary's log
                if e["type"] != "private":
                    assert (e["type"], e["data"]) == (log[s]["type"], log[s]["data"])
        print(f"\nlost tail (WAIT off): head {max(v for _, v in held.values())} -> {kept}, new epoch")
    finally:
        await room.close()
