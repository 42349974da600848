"""SQLite group commit: the appends of one loop turn share a transaction, and none of them
returns before that transaction is in the file."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.rooms import Event
from server.store.base import Conflict
from server.store.sqlite import SqliteStore

FIRST = Event(seq=1, type="room.created", actor=None, at=1000, data={"title": "t"})


def _ev(seq: int, text: str = "q") -> Event:
    return Event(seq=seq, type="case.set", actor="p1", at=1000 + seq, data={"question": f"{text}{seq}"})


class _CountingDb:
    """The store's connection, counting the statements it runs; COMMIT can be made to fail."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.statements: list[str] = []
        self.fail_commit = False

    def execute(self, sql: str, *args: Any) -> Any:
        self.statements.append(sql.split()[0].upper())
        if sql == "COMMIT" and self.fail_commit:
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return self.db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def _committed(path: Path, room: str) -> list[int]:
    """What another connection sees in the file: committed events only."""
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT seq FROM events WHERE room=? ORDER BY seq", (room,))]
    finally:
        con.close()


@contextlib.asynccontextmanager
async def _store(tmp_path: Path, rooms: int) -> AsyncIterator[tuple[SqliteStore, _CountingDb]]:
    """A store with `rooms` rooms (r0, r1, ...) whose connection counts statements; closed after."""
    s = SqliteStore(str(tmp_path / "g.db"))
    try:
        for i in range(rooms):
            await s.create_room(f"r{i}", {}, FIRST)
        spy = _CountingDb(s._conn())
        s._db = spy  # type: ignore[assignment]
        yield s, spy
    finally:
        await s.close()


async def test_appends_of_one_turn_share_one_commit(tmp_path: Path) -> None:
    async with _store(tmp_path, 20) as (s, spy):
        results = await asyncio.gather(*(s.append(f"r{i}", 1, _ev(2), f"p1:c{i}") for i in range(20)))
        assert [r.seq for r in results] == [2] * 20 and not any(r.duplicate for r in results)
        assert spy.statements.count("BEGIN") == 1 and spy.statements.count("COMMIT") == 1
        assert spy.statements.count("INSERT") == 20
        for i in range(20):
            assert _committed(tmp_path / "g.db", f"r{i}") == [1, 2]


async def test_an_append_returns_only_after_its_commit(tmp_path: Path) -> None:
    async with _store(tmp_path, 1) as (s, _):
        task = asyncio.ensure_future(s.append("r0", 1, _ev(2), "p1:a"))
        await asyncio.sleep(0)  # the insert ran; the commit is queued behind this turn
        assert not task.done()
        assert _committed(tmp_path / "g.db", "r0") == [1]
        res = await task
        assert res.seq == 2
        assert _committed(tmp_path / "g.db", "r0") == [1, 2]


async def test_a_repeat_in_the_same_turn_waits_for_the_original(tmp_path: Path) -> None:
    async with _store(tmp_path, 1) as (s, spy):
        first = asyncio.ensure_future(s.append("r0", 1, _ev(2), "p1:a"))
        again = asyncio.ensure_future(s.append("r0", 1, _ev(2), "p1:a"))
        await asyncio.sleep(0)
        assert not again.done()  # its original is not in the file yet: no ack for it either
        a, b = await asyncio.gather(first, again)
        assert (a.seq, a.duplicate) == (2, False) and (b.seq, b.duplicate) == (2, True)
        assert spy.statements.count("COMMIT") == 1
        # A conflict in the group fails that append alone.
        c, d = await asyncio.gather(
            s.append("r0", 2, _ev(3), "p1:b"), s.append("r0", 2, _ev(3), "p1:c"), return_exceptions=True
        )
        assert not isinstance(c, BaseException) and c.seq == 3
        assert isinstance(d, Conflict) and d.current == 3
        assert _committed(tmp_path / "g.db", "r0") == [1, 2, 3]


async def test_any_other_call_commits_the_open_group_first(tmp_path: Path) -> None:
    async with _store(tmp_path, 1) as (s, spy):
        task = asyncio.ensure_future(s.append("r0", 1, _ev(2), "p1:a"))
        await asyncio.sleep(0)
        assert [e.seq for e in await s.read("r0", 0)] == [1, 2]  # committed before the read ran
        assert _committed(tmp_path / "g.db", "r0") == [1, 2]
        assert (await task).seq == 2
        await s.save_snapshot("r0", 2, {"x": 1})  # not inside a transaction that is still open
        assert spy.statements.count("COMMIT") == 2


async def test_a_failed_commit_fails_every_append_of_the_group_and_loses_nothing_else(tmp_path: Path) -> None:
    async with _store(tmp_path, 3) as (s, spy):
        await s.append("r0", 1, _ev(2), "p1:ok")
        spy.fail_commit = True
        results = await asyncio.gather(
            *(s.append(f"r{i}", 2 if i == 0 else 1, _ev(3 if i == 0 else 2), f"p1:x{i}") for i in range(3)),
            return_exceptions=True,
        )
        assert all(isinstance(r, sqlite3.OperationalError) for r in results)
        spy.fail_commit = False
        # Nothing of the failed group is in the file, and the heads are the file's again.
        assert _committed(tmp_path / "g.db", "r0") == [1, 2]
        assert await s.head("r0") == 2 and await s.head("r1") == 1
        assert await s.dedupe_seq("r0", "p1:x0") is None
        # The same commands go through on retry.
        res = await s.append("r0", 2, _ev(3), "p1:x0")
        assert (res.seq, res.duplicate) == (3, False)
        assert _committed(tmp_path / "g.db", "r0") == [1, 2, 3]


async def test_a_cancelled_caller_does_not_fail_the_others(tmp_path: Path) -> None:
    async with _store(tmp_path, 2) as (s, _):
        gone = asyncio.ensure_future(s.append("r0", 1, _ev(2), "p1:a"))
        stays = asyncio.ensure_future(s.append("r1", 1, _ev(2), "p1:b"))
        await asyncio.sleep(0)
        gone.cancel()
        assert (await stays).seq == 2
        with pytest.raises(asyncio.CancelledError):
            await gone
        # The cancelled append was committed all the same: a retry is a repeat, not a second event.
        assert _committed(tmp_path / "g.db", "r0") == [1, 2]
        res = await s.append("r0", 1, _ev(2), "p1:a")
        assert (res.seq, res.duplicate) == (2, True)


async def test_hub_applies_an_append_whose_caller_was_cancelled(tmp_path: Path) -> None:
    """The command's task is cancelled while its event waits for the commit: the event is in the
    file, but this process never applied it. A retry of that command must bring it into the room
    (fanned out, applied) instead of only acknowledging it."""
    from server.hub import Hub
    from server.methods import MethodLibrary
    from server.rooms import Command
    from server.settings import ROOT

    lib = MethodLibrary.load(ROOT / "methods")
    store = SqliteStore(str(tmp_path / "h.db"))
    hub = Hub(store, lib.methods)
    try:
        room, _, _ = await hub.create(lib.methods["basis"], "T", "nl")
        live = await hub.get(room)
        assert live is not None
        join = Command("participant.join", {"pid": "p1", "name": "A", "roles": ["facilitator"]})
        assert not hasattr(await hub.submit(live, join, "p1", None), "code")
        head = live.state.seq
        cmd = Command("case.set", {"question": "Hoe doe ik dat?"}, "c1")
        task = asyncio.ensure_future(hub.submit(live, cmd, "p1", "p1:c1"))
        for _ in range(3):
            await asyncio.sleep(0)
            if store._group is not None:
                break
        assert store._group is not None, "the append should be waiting for its commit"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert live.state.seq == head  # committed, not applied
        res = await hub.submit(live, cmd, "p1", "p1:c1")
        assert getattr(res, "seq", None) == head + 1 and getattr(res, "duplicate", False)
        assert live.state.seq == head + 1 and live.state.case["question"] == "Hoe doe ik dat?"
    finally:
        await hub.close()
        await store.close()
