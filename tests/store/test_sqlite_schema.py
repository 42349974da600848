"""SQLite files written by earlier versions (events as a WITHOUT ROWID table) open, migrate once and
keep every event, command id, snapshot and room."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from server.rooms import Event
from server.store.sqlite import SqliteStore

# The events table as releases before the rowid table wrote it (verbatim).
OLD_EVENTS = """CREATE TABLE events (
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  audience TEXT,
  cmd TEXT,
  PRIMARY KEY (room, seq)
) WITHOUT ROWID"""


def _old_file(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, seq INTEGER NOT NULL, "
        "meta TEXT NOT NULL, touched INTEGER NOT NULL)"
    )
    db.execute(OLD_EVENTS)
    db.execute("CREATE TABLE snapshots (room TEXT PRIMARY KEY, seq INTEGER NOT NULL, state TEXT NOT NULL)")
    for room in ("a", "b"):
        db.execute(
            "INSERT INTO rooms VALUES (?,?,?,?,?)", (room, f"epoch-{room}", 1, json.dumps({"k": room}), 1000)
        )
        for seq in range(1, 41):
            db.execute(
                "INSERT INTO events VALUES (?,?,?,?,?,?,?,?)",
                (
                    room,
                    seq,
                    "room.created" if seq == 1 else "card.add",
                    None if seq == 1 else "p1",
                    1000 + seq,
                    json.dumps({"text": f"{room}{seq}", "pad": "é" * 300}),
                    "p2" if seq == 7 else None,
                    None if seq == 1 else f"p1:{room}{seq}",
                ),
            )
    db.execute("INSERT INTO snapshots VALUES (?,?,?)", ("a", 20, json.dumps({"seq": 20})))
    db.close()


def _events_sql(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(
            db.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='events'").fetchone()[0]
        )
    finally:
        db.close()


async def test_old_without_rowid_file_migrates_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_file(path)
    assert "WITHOUT ROWID" in _events_sql(path)

    s = SqliteStore(str(path))
    try:
        events = await s.read("a", 0)
        assert [e.seq for e in events] == list(range(1, 41))
        assert events[6].audience == {"p2"} and events[6].data["text"] == "a7" and events[6].cmd == "p1:a7"
        assert len(events[6].data["pad"]) == 300
        assert [e.seq for e in await s.read("b", 35)] == [36, 37, 38, 39, 40]
        assert await s.head("b") == 40
        meta = await s.meta("b")
        assert meta == {"k": "b", "epoch": "epoch-b"}
        assert await s.load_snapshot("a") == (20, {"seq": 20})
        # A command id from before the migration is still a repeat, and the next append goes on.
        assert (await s.append("a", 40, _ev(41), "p1:a12")).duplicate
        res = await s.append("a", 40, _ev(41), "p1:new")
        assert res.seq == 41 and not res.duplicate
    finally:
        await s.close()
    assert "WITHOUT ROWID" not in _events_sql(path)
    # The one-pid audience column was rewritten once as a set of people (a JSON list).
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        rows = db.execute("SELECT audience FROM events WHERE room='a' AND audience IS NOT NULL").fetchall()
        assert rows == [('["p2"]',)]
    finally:
        db.close()

    # Opened again: nothing to migrate, nothing lost.
    s2 = SqliteStore(str(path))
    try:
        assert [e.seq for e in await s2.read("a", 38)] == [39, 40, 41]
        assert await s2.head("b") == 40
    finally:
        await s2.close()


async def test_new_file_has_a_rowid_events_table(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    s = SqliteStore(str(path))
    try:
        await s.create_room("r", {}, Event(seq=1, type="room.created", actor=None, at=1, data={}))
    finally:
        await s.close()
    sql = _events_sql(path)
    assert "WITHOUT ROWID" not in sql and "UNIQUE (room, seq)" in sql


def _ev(seq: int) -> Event:
    return Event(
        seq=seq, type="card.add", actor="p1", at=5000 + seq, data={"text": "x"}, audience=None, cmd=None
    )


def test_an_event_record_reads_both_audience_forms() -> None:
    """Redis keeps event records as JSON: one written before the audience became a set names one
    pid; a new one lists them."""
    old = Event.from_record(
        {"seq": 3, "type": "note.add", "actor": "p1", "at": 1, "data": {}, "audience": "p1"}
    )
    assert old.audience == {"p1"} and old.visible_to("p1") and not old.visible_to("p2")
    pair = Event(4, "note.add", "p1", 1, {}, frozenset({"p1", "p2"}))
    rec = pair.to_record()
    assert rec["audience"] == ["p1", "p2"]
    back = Event.from_record(json.loads(json.dumps(rec)))
    assert back == pair and back.visible_to("p2") and not back.visible_to("p3")
    assert back.wire_for("p3")["type"] == "private"
