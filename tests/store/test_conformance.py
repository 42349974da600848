"""One conformance suite for every store backend (memory, sqlite; redis joins via the fixture)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.rooms import Event
from server.rooms.events import NOBODY
from server.store.base import Conflict, NoSuchRoom, Store, open_store

BACKENDS = ["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)]


def _ev(
    seq: int,
    type_: str = "case.set",
    data: dict[str, Any] | None = None,
    audience: frozenset[str] | None = None,
) -> Event:
    return Event(
        seq=seq,
        type=type_,
        actor="p1",
        at=1000 + seq,
        data=data or {"question": f"q{seq}"},
        audience=audience,
        cmd=None,
    )


FIRST = Event(seq=1, type="room.created", actor=None, at=1000, data={"title": "t"})


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    kind = request.param
    if kind == "memory":
        s = open_store("memory://")
    elif kind == "redis":
        s = open_store(request.getfixturevalue("redis_server").url)
    else:
        s = open_store(f"sqlite:///{tmp_path}/c.db")
    try:
        yield s
    finally:
        await s.close()


async def test_create_and_meta(store: Store) -> None:
    epoch = await store.create_room("r1", {"join_hash": "h"}, FIRST)
    meta = await store.meta("r1")
    assert meta is not None and meta["join_hash"] == "h" and meta["epoch"] == epoch
    assert await store.meta("nope") is None
    await store.set_meta("r1", {"gen": "2"})
    meta = await store.meta("r1")
    assert meta is not None and meta["gen"] == "2" and meta["epoch"] == epoch
    assert await store.head("r1") == 1


async def test_append_on_expected_seq(store: Store) -> None:
    await store.create_room("r1", {}, FIRST)
    res = await store.append("r1", 1, _ev(2), "p1:a")
    assert res.seq == 2 and not res.duplicate
    with pytest.raises(Conflict) as ei:
        await store.append("r1", 1, _ev(2), "p1:b")
    assert ei.value.current == 2
    assert await store.head("r1") == 2


async def test_dedupe_returns_original_seq(store: Store) -> None:
    await store.create_room("r1", {}, FIRST)
    await store.append("r1", 1, _ev(2), "p1:a")
    await store.append("r1", 2, _ev(3), "p1:b")
    again = await store.append("r1", 3, _ev(4), "p1:a")
    assert again.seq == 2 and again.duplicate
    assert await store.head("r1") == 3
    assert await store.dedupe_seq("r1", "p1:a") == 2
    assert await store.dedupe_seq("r1", "p1:zz") is None


async def test_read_after_seq_in_order(store: Store) -> None:
    await store.create_room("r1", {}, FIRST)
    for seq in range(2, 12):
        await store.append(
            "r1", seq - 1, _ev(seq, audience=frozenset({"p9", "p2"}) if seq % 3 == 0 else None), None
        )
    got = await store.read("r1", 5)
    assert [e.seq for e in got] == list(range(6, 12))
    assert got[0] == _ev(6, audience=frozenset({"p9", "p2"}))  # an audience is a set of people
    assert [e.seq for e in await store.read("r1", 0, limit=3)] == [1, 2, 3]
    assert await store.read("r1", 11) == []
    with pytest.raises(NoSuchRoom):
        await store.read("nope", 0)


async def test_an_event_for_nobody_stays_for_nobody(store: Store) -> None:
    """NOBODY (an empty audience: attendance) must not come back as None, which is everyone."""
    await store.create_room("r1", {}, FIRST)
    await store.append("r1", 1, _ev(2, "attendance.seen", {"pid": "m1"}, audience=NOBODY), None)
    (got,) = await store.read("r1", 1)
    assert got.audience == NOBODY and not got.visible_to("m1") and not got.visible_to(None)


async def test_concurrent_appends_never_share_a_seq(store: Store) -> None:
    await store.create_room("r1", {}, FIRST)

    async def writer(name: str) -> list[int]:
        mine = []
        for i in range(30):
            while True:
                head = await store.head("r1")
                try:
                    res = await store.append(
                        "r1", head, _ev(head + 1, data={"w": name, "i": i}), f"{name}:{i}"
                    )
                    mine.append(res.seq)
                    break
                except Conflict:
                    await asyncio.sleep(0)
        return mine

    results = await asyncio.gather(*(writer(f"w{k}") for k in range(4)))
    all_seqs = sorted(s for r in results for s in r)
    assert all_seqs == list(range(2, 2 + 120))
    events = await store.read("r1", 0)
    assert [e.seq for e in events] == list(range(1, 122))


async def test_snapshot(store: Store) -> None:
    await store.create_room("r1", {}, FIRST)
    assert await store.load_snapshot("r1") is None
    await store.save_snapshot("r1", 5, {"x": [1, 2]})
    await store.save_snapshot("r1", 3, {"x": "older"})  # an older snapshot never replaces a newer one
    assert await store.load_snapshot("r1") == (5, {"x": [1, 2]})


async def test_delete_room(store: Store) -> None:
    await store.create_room("r1", {}, FIRST)
    await store.append("r1", 1, _ev(2), "p1:a")
    await store.save_snapshot("r1", 2, {"x": 1})
    await store.delete_room("r1")
    assert await store.meta("r1") is None
    with pytest.raises(NoSuchRoom):
        await store.read("r1", 0)
    # The id can be used again from scratch.
    await store.create_room("r1", {}, FIRST)
    assert await store.head("r1") == 1
    assert await store.dedupe_seq("r1", "p1:a") is None


async def test_idle_rooms(store: Store) -> None:
    await store.create_room("old", {}, FIRST)
    await store.create_room("new", {}, Event(seq=1, type="room.created", actor=None, at=50_000, data={}))
    assert await store.rooms_idle_since(10_000) == ["old"]
    assert await store.ping()


async def test_sqlite_survives_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    s = open_store(url)
    epoch = await s.create_room("r1", {"a": "b"}, FIRST)
    await s.append("r1", 1, _ev(2), "p1:a")
    await s.close()
    s2 = open_store(url)
    try:
        meta = await s2.meta("r1")
        assert meta is not None and meta["epoch"] == epoch
        assert [e.seq for e in await s2.read("r1", 0)] == [1, 2]
        assert (await s2.append("r1", 2, _ev(3), "p1:a")).duplicate
    finally:
        await s2.close()


def test_store_urls(tmp_path: Path) -> None:
    from server.store.sqlite import SqliteStore

    s = open_store("sqlite:///./data/x.db")
    assert isinstance(s, SqliteStore) and s.path == "./data/x.db"
    s2 = open_store(f"sqlite:///{tmp_path}/y.db")
    assert isinstance(s2, SqliteStore) and s2.path == f"{tmp_path}/y.db"
    with pytest.raises(ValueError):
        open_store("ftp://x")
