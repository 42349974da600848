"""The Redis store and fan-out in-process: two hubs (two "workers") on one real redis-server.

These drive the paths the process-level tests can only hit by chance: a lost Pub/Sub message, a
log rewound under a cached room, two histories for one seq.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from kring_testlib import RedisProc

from server.fanout import Fanout, start_fanout
from server.hub import Hub
from server.methods import MethodLibrary
from server.rooms import Command, Event
from server.settings import ROOT, Settings
from server.store.base import NoSuchRoom, Unavailable
from server.store.redis import RedisStore, key

LIB = MethodLibrary.load(ROOT / "methods")
pytestmark = pytest.mark.redis


async def _until(pred: Callable[[], bool], timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not pred():  # noqa: ASYNC110 - the state lives in another object; polling is simplest
            await asyncio.sleep(0.01)


@pytest.fixture
async def workers(redis_server: RedisProc) -> AsyncIterator[Any]:
    made: list[tuple[Hub, RedisStore, Fanout]] = []

    async def make() -> tuple[Hub, RedisStore, Fanout]:
        store = RedisStore(redis_server.url)
        hub = Hub(store, LIB.methods)
        fan = await start_fanout(store, hub)
        assert fan is not None
        await asyncio.wait_for(fan.connected.wait(), 5)
        made.append((hub, store, fan))
        return hub, store, fan

    yield make
    for hub, store, fan in made:
        await fan.stop()
        await hub.close()
        await store.close()


async def _room_on_both(a: Hub, b: Hub) -> str:
    room, _, _ = await a.create(LIB.methods["basis"], "T", "nl")
    la, lb = await a.get(room), await b.get(room)
    assert la is not None and lb is not None
    await a.submit(
        la, Command("participant.join", {"pid": "p1", "name": "A", "roles": ["facilitator"]}), "p1", None
    )
    await _until(lambda: lb.state.seq == la.state.seq)
    return room


async def _case(hub: Hub, room: str, text: str, cid: str) -> int:
    live = hub.rooms[room]
    res = await hub.submit(live, Command("case.set", {"question": text}, cid), "p1", f"p1:{cid}")
    assert not hasattr(res, "code"), res
    return live.state.seq


async def test_room_keys_are_hash_tagged_and_expire(workers: Any, redis_server: RedisProc) -> None:
    (a, store, _), (b, _, _) = await workers(), await workers()
    store.retention_s = 3 * 86400
    room = await _room_on_both(a, b)
    await _case(a, room, "Hoe dan?", "c1")
    await store.save_snapshot(room, a.rooms[room].state.seq, a.rooms[room].state.to_dict())
    await store.presence_put(room, "w1", {"p1"}, set(), 1000, 30_000, True)
    r = redis_server.client()
    keys = [k for k in r.keys("kring:*") if k not in ("kring:rooms", "kring:boot")]
    assert {k.split("}:", 1)[1] for k in keys} >= {"meta", "log", "dedupe", "snap", "online"}
    for k in keys:
        assert k.startswith(f"kring:{{{room}}}:"), k
        assert 0 < r.ttl(k) <= 3 * 86400, k


async def test_lost_pubsub_messages_are_backfilled(workers: Any) -> None:
    (a, _, _), (b, _, fb) = await workers(), await workers()
    room = await _room_on_both(a, b)
    handle = fb._handle
    fb._handle = lambda msg: None  # type: ignore[method-assign]  # Pub/Sub drops everything
    for i in range(3):
        await _case(a, room, f"Vraag {i}?", f"c{i}")
    await asyncio.sleep(0.1)
    lb = b.rooms[room]
    assert lb.state.seq < a.rooms[room].state.seq
    fb._handle = handle  # type: ignore[method-assign]
    head = await _case(a, room, "En nu?", "c9")  # arrives with a gap: b reads the stream
    await _until(lambda: lb.state.seq == head)
    assert lb.state.case["question"] == "En nu?"


async def test_rewound_log_gives_a_new_epoch(workers: Any, redis_server: RedisProc) -> None:
    (a, _, _), (b, _, _) = await workers(), await workers()
    room = await _room_on_both(a, b)
    await _case(a, room, "Een?", "c1")
    seq = await _case(a, room, "Twee?", "c2")
    await _until(lambda: b.rooms[room].state.seq == seq)
    old = a.rooms[room].epoch
    # What a Redis crash with `appendfsync everysec` can do: the last two writes are gone.
    r = redis_server.client()
    r.xdel(key(room, "log"), f"{seq}-0", f"{seq - 1}-0")
    r.execute_command("XSETID", key(room, "log"), f"{seq - 2}-0")
    r.hset(key(room, "meta"), "_seq", seq - 2)
    with pytest.raises(Unavailable):
        await _case(a, room, "Drie?", "c3")
    assert room not in a.rooms  # a dropped its copy: its members reconnect and get a snapshot
    await _until(lambda: room not in b.rooms)  # and b heard the reset
    assert r.hget(key(room, "meta"), "epoch") != old
    again = await a.get(room)
    assert again is not None and again.epoch != old and again.state.seq == seq - 2


async def test_two_histories_for_one_seq_are_noticed(workers: Any, redis_server: RedisProc) -> None:
    (a, _, _), (b, _, _) = await workers(), await workers()
    room = await _room_on_both(a, b)
    seq = await _case(a, room, "Een?", "c1")
    await _until(lambda: b.rooms[room].state.seq == seq)
    # Redis lost seq, and a worker that never saw it (a fresh store) writes a different one there.
    r = redis_server.client()
    r.xdel(key(room, "log"), f"{seq}-0")
    r.execute_command("XSETID", key(room, "log"), f"{seq - 1}-0")
    r.hset(key(room, "meta"), "_seq", seq - 1)
    other = RedisStore(redis_server.url)
    try:
        ev = Event(seq=seq, type="case.set", actor="p1", at=1, data={"question": "Anders?"})
        assert (await other.append(room, seq - 1, ev, None)).seq == seq
    finally:
        await other.close()
    await _until(lambda: room not in a.rooms and room not in b.rooms)


async def test_own_lost_reply_is_not_a_conflict(redis_server: RedisProc) -> None:
    store = RedisStore(redis_server.url)
    try:
        first = Event(seq=1, type="room.created", actor=None, at=1, data={})
        await store.create_room("r1", {}, first)
        real = store._do

        async def twice(fn: Any, retry: bool = True) -> Any:
            await real(fn, retry)  # the script ran, but pretend its reply was lost
            return await real(fn, retry)

        store._do = twice  # type: ignore[method-assign]
        res = await store.append("r1", 1, Event(seq=2, type="x", actor=None, at=2, data={}), None)
        assert res.seq == 2 and not res.duplicate
        assert await real(lambda: store.client.xlen(key("r1", "log"))) == 2
    finally:
        await store.close()


async def test_redis_down_is_unavailable_not_a_hang(redis_server: RedisProc) -> None:
    store = RedisStore(redis_server.url)
    try:
        first = Event(seq=1, type="room.created", actor=None, at=1, data={})
        await store.create_room("r1", {}, first)
        redis_server.stop()
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        for op in (
            store.head("r1"),
            store.read("r1", 0),
            store.meta("r1"),
            store.append("r1", 1, Event(seq=2, type="x", actor=None, at=2, data={}), "k"),
            store.ping(),
        ):
            with pytest.raises(Unavailable):
                await asyncio.wait_for(op, 5)
        assert loop.time() - t0 < 2.5
        redis_server.start()  # no persistence in this fixture: back, but empty
        with pytest.raises(NoSuchRoom):
            await store.head("r1")
    finally:
        await store.close()


def test_redis_store_needs_a_shared_secret() -> None:
    with pytest.raises(SystemExit, match="KRING_SECRET"):
        Settings.from_env({"KRING_STORE": "redis://127.0.0.1:1/0"})
    s = Settings.from_env({"KRING_STORE": "redis://127.0.0.1:1/0", "KRING_ALLOW_EPHEMERAL_SECRET": "1"})
    assert s.secret
    assert Settings.from_env({"KRING_STORE": "redis://127.0.0.1:1/0", "KRING_SECRET": "x"}).secret == "x"
