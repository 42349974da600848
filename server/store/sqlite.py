"""The embedded default: one SQLite file in WAL mode.

An append is one INSERT, so a crash at any point leaves either the whole event or none of it. The
room's head is the highest seq in `events` and a command id is the event's `cmd` column: this
process, the file's only writer, keeps both per room in memory (loaded from the file on first use),
so the expected-seq and repeat checks cost no query. Fewer pages per append matter more than
anything else here: every commit writes each page it touched to the WAL (hence also 1 KiB pages
for new files: an event is a few hundred bytes).

Calls run inline on the event loop: with WAL and synchronous=NORMAL an append is tens of
microseconds and never waits for an fsync, which is cheaper than a hop to a worker thread and
back (the hop and the GIL hand-over cost more than the insert; measured in bench/, for single
calls and for group commit on a store thread). One connection, one thread: transactions can
never interleave.

Appends are group-committed: the first append of a loop turn opens a transaction, the appends of
the other commands that arrive in the same turn join it, and one callback queued behind them
commits it. Every append waits for that commit, so nothing is fanned out or acknowledged before it
is in the file; under load one commit carries the events of many rooms (a commit costs about as
much as the inserts it carries). Any other call commits the open group first.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import secrets
import sqlite3
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..metrics import M
from ..protocol import dumps
from ..rooms.events import Event, audience_of, audience_text
from .base import AppendResult, Conflict, NoSuchRoom

T = TypeVar("T")

_EVENTS = """(
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  audience TEXT,
  cmd TEXT,
  UNIQUE (room, seq)
)"""
_EVENT_COLUMNS = "room, seq, type, actor, at, data, audience, cmd"
_INSERT_EVENT = f"INSERT INTO events({_EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS rooms (
  room TEXT PRIMARY KEY,
  epoch TEXT NOT NULL,
  seq INTEGER NOT NULL,      -- the head when the room was created; the live head is max(events.seq)
  meta TEXT NOT NULL,
  touched INTEGER NOT NULL   -- creation time; the last activity is the newest event's `at`
);
-- A rowid table with (room, seq) unique beside it, not a WITHOUT ROWID table keyed on (room, seq):
-- the rows go in at the end of the table (one leaf page takes the events of many rooms in a group
-- commit) and only the small index entries land in each room's place. A WITHOUT ROWID row of a few
-- hundred bytes also spills into an overflow page at 1 KiB pages. Half the cost per append.
CREATE TABLE IF NOT EXISTS events {_EVENTS};
-- Command ids now live in events.cmd; this table is only read from files written before that.
CREATE TABLE IF NOT EXISTS dedupe (
  room TEXT NOT NULL,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (room, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  room TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL
);
"""


CHECKPOINT_EVERY_S = 1.0
PAGE_SIZE = 1024
CACHED_ROOMS = 2000  # rooms whose head and command ids are kept in memory (least recently used out)


class _RoomIndex:
    __slots__ = ("cmds", "head")

    def __init__(self, head: int, cmds: dict[str, int]) -> None:
        self.head = head
        self.cmds = cmds


def _private_files(path: Path) -> None:
    """Room content is personal data: the data directory is created 0700 and the database 0600.
    SQLite creates its -wal and -shm files with the database's own mode; files an older version
    left readable to others are narrowed too."""
    parent = path.parent
    if not parent.exists():
        parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        parent.chmod(0o700)  # mkdir's mode is masked by the umask
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            if f.exists() and f.stat().st_mode & 0o077:
                f.chmod(0o600)


class SqliteStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._checkpointer: asyncio.Task[None] | None = None
        self._index: OrderedDict[str, _RoomIndex] = OrderedDict()
        # The open group commit: one future per append in it (settled by the commit), and the
        # rooms it appended to. None when no transaction is open.
        self._group: list[asyncio.Future[None]] | None = None
        self._group_rooms: list[str] = []

    async def _run(self, fn: Any, *args: Any) -> Any:
        self._start_checkpoints()
        self._commit()
        return fn(*args)

    def _start_checkpoints(self) -> None:
        if self._checkpointer is None and self.path != ":memory:":
            self._checkpointer = asyncio.create_task(self._checkpoints())

    def _commit(self) -> None:
        """Commit the open group (if any) and settle its appends: now, or from the loop."""
        waiting = self._group
        if waiting is None:
            return
        self._group = None
        rooms, self._group_rooms = self._group_rooms, []

        try:
            self._conn().execute("COMMIT")
        except Exception as e:  # nothing of the group is in the file
            with contextlib.suppress(Exception):
                self._conn().execute("ROLLBACK")
            for room in rooms:
                self._index.pop(room, None)  # its head moved on in memory only: reload from the file
            for fut in waiting:
                if not fut.done():
                    fut.set_exception(e)
            return
        for fut in waiting:
            if not fut.done():  # a caller that was cancelled meanwhile
                fut.set_result(None)

    async def _checkpoints(self) -> None:
        """Copy the WAL into the database file off the event loop, on a connection of its own.

        Automatic checkpoints are off on the main connection: they would run inside a commit on
        the loop and stall every room for the length of an fsync.
        """
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kring-checkpoint") as pool:
            con = await loop.run_in_executor(pool, _checkpoint_conn, self.path)
            try:
                while True:
                    await asyncio.sleep(CHECKPOINT_EVERY_S)
                    await loop.run_in_executor(pool, con.execute, "PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                await loop.run_in_executor(pool, con.close)

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            if self.path != ":memory:":
                _private_files(Path(self.path))
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file only; an existing one keeps its own
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=5000")
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA wal_autocheckpoint=0")
            _migrate(db)
            db.executescript(_SCHEMA)
            _migrate_audience(db)
            self._db = db
        return self._db

    # -- sync parts, run on the store thread ----------------------------------------------------

    def _create(self, room: str, meta: dict[str, str], first: Event) -> str:
        db = self._conn()
        epoch = secrets.token_hex(8)
        with _tx(db):
            db.execute(
                "INSERT INTO rooms(room, epoch, seq, meta, touched) VALUES (?,?,?,?,?)",
                (room, epoch, first.seq, dumps(meta), first.at),
            )
            _insert_event(db, room, first)
        return epoch

    def _meta(self, room: str) -> dict[str, str] | None:
        row = self._conn().execute("SELECT epoch, meta FROM rooms WHERE room=?", (room,)).fetchone()
        if row is None:
            return None
        meta: dict[str, str] = json.loads(row[1])
        meta["epoch"] = row[0]
        return meta

    def _set_meta(self, room: str, fields: dict[str, str]) -> None:
        db = self._conn()
        with _tx(db):
            row = db.execute("SELECT meta FROM rooms WHERE room=?", (room,)).fetchone()
            if row is None:
                raise NoSuchRoom(room)
            meta = json.loads(row[0])
            meta.update({k: v for k, v in fields.items() if k != "epoch"})
            db.execute("UPDATE rooms SET meta=? WHERE room=?", (dumps(meta), room))

    def _room_index(self, room: str) -> _RoomIndex:
        ix = self._index.get(room)
        if ix is not None:
            self._index.move_to_end(room)
            return ix
        db = self._conn()
        if db.execute("SELECT 1 FROM rooms WHERE room=?", (room,)).fetchone() is None:
            raise NoSuchRoom(room)
        row = db.execute("SELECT max(seq) FROM events WHERE room=?", (room,)).fetchone()
        cmds = {
            k: int(v)
            for k, v in db.execute("SELECT cmd, seq FROM events WHERE room=? AND cmd IS NOT NULL", (room,))
        }
        # Files written before the command ids moved into `events` kept them in `dedupe`.
        for k, v in db.execute("SELECT key, seq FROM dedupe WHERE room=?", (room,)):
            cmds.setdefault(k, int(v))
        ix = self._index[room] = _RoomIndex(int(row[0] or 0), cmds)
        while len(self._index) > CACHED_ROOMS:
            self._index.popitem(last=False)
        return ix

    def _append(self, room: str, expected: int, event: Event, dedupe: str | None) -> AppendResult:
        if event.seq != expected + 1:
            raise ValueError("event seq must be expected + 1")
        ix = self._room_index(room)
        if dedupe is not None:
            seen = ix.cmds.get(dedupe)
            if seen is not None:
                return AppendResult(seen, True)  # a repeat wins over a conflict
        if ix.head != expected:
            raise Conflict(ix.head)
        if event.cmd != dedupe:
            event = dataclasses.replace(event, cmd=dedupe)  # the command id is what makes a repeat
        try:
            _insert_event(self._conn(), room, event)
        except sqlite3.IntegrityError:
            # Not this process's index: someone else wrote the file. Forget it and tell the caller.
            self._index.pop(room, None)
            raise Conflict(self._room_index(room).head) from None
        ix.head = event.seq
        if dedupe is not None:
            ix.cmds[dedupe] = event.seq
        return AppendResult(event.seq, False)

    def _dedupe_seq(self, room: str, key: str) -> int | None:
        try:
            return self._room_index(room).cmds.get(key)
        except NoSuchRoom:
            return None

    def _read(self, room: str, after: int, limit: int | None) -> list[Event]:
        db = self._conn()
        if db.execute("SELECT 1 FROM rooms WHERE room=?", (room,)).fetchone() is None:
            raise NoSuchRoom(room)
        rows = db.execute(
            "SELECT seq, type, actor, at, data, audience, cmd FROM events WHERE room=? AND seq>? ORDER BY seq"
            + (" LIMIT ?" if limit is not None else ""),
            (room, after, limit) if limit is not None else (room, after),
        ).fetchall()
        return [
            Event(
                seq=r[0],
                type=r[1],
                actor=r[2],
                at=r[3],
                data=json.loads(r[4]),
                audience=audience_of(r[5]),
                cmd=r[6],
            )
            for r in rows
        ]

    def _head(self, room: str) -> int:
        return self._room_index(room).head

    def _save_snapshot(self, room: str, seq: int, state: dict[str, Any]) -> None:
        db = self._conn()
        with _tx(db):
            db.execute(
                "INSERT INTO snapshots(room, seq, state) VALUES (?,?,?) "
                "ON CONFLICT(room) DO UPDATE SET seq=excluded.seq, state=excluded.state WHERE excluded.seq > seq",
                (room, seq, dumps(state)),
            )

    def _load_snapshot(self, room: str) -> tuple[int, dict[str, Any]] | None:
        row = self._conn().execute("SELECT seq, state FROM snapshots WHERE room=?", (room,)).fetchone()
        return (int(row[0]), json.loads(row[1])) if row else None

    def _delete(self, room: str) -> None:
        self._index.pop(room, None)
        db = self._conn()
        with _tx(db):
            for table in ("events", "dedupe", "snapshots", "rooms"):
                db.execute(f"DELETE FROM {table} WHERE room=?", (room,))
        # Make deleted content unrecoverable from the WAL as well as the main file.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _idle(self, before_ms: int) -> list[str]:
        # A room's last activity is its newest event (`touched` is the creation time, never updated).
        rows = (
            self._conn()
            .execute(
                "SELECT r.room FROM rooms r WHERE coalesce("
                "(SELECT e.at FROM events e WHERE e.room = r.room ORDER BY e.seq DESC LIMIT 1), r.touched) < ?",
                (before_ms,),
            )
            .fetchall()
        )
        return [r[0] for r in rows]

    def _ping(self) -> bool:
        self._conn().execute("SELECT 1").fetchone()
        return True

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- the async interface ---------------------------------------------------------------------

    async def create_room(self, room: str, meta: dict[str, str], first: Event) -> str:
        return str(await self._run(self._create, room, meta, first))

    async def meta(self, room: str) -> dict[str, str] | None:
        result: dict[str, str] | None = await self._run(self._meta, room)
        return result

    async def set_meta(self, room: str, fields: dict[str, str]) -> None:
        await self._run(self._set_meta, room, fields)

    async def append(self, room: str, expected: int, event: Event, dedupe: str | None) -> AppendResult:
        self._start_checkpoints()
        t0 = time.perf_counter()
        loop = asyncio.get_running_loop()
        waiting = self._group
        if waiting is None:
            self._conn().execute("BEGIN IMMEDIATE")
            waiting = self._group = []
            loop.call_soon(self._commit)
        result = self._append(room, expected, event, dedupe)
        if not result.duplicate:
            self._group_rooms.append(room)
        # A repeat waits as well: its original may be in this very group, not yet committed.
        fut: asyncio.Future[None] = loop.create_future()
        waiting.append(fut)
        await fut
        M.append_sqlite.observe(time.perf_counter() - t0)  # insert plus the group commit it waited for
        if not result.duplicate:
            M.events_local.inc()
        return result

    async def dedupe_seq(self, room: str, key: str) -> int | None:
        result: int | None = await self._run(self._dedupe_seq, room, key)
        return result

    waits_for_replicas = False

    async def recount_replicas(self) -> None:
        pass

    async def confirm(self, room: str) -> bool:
        return True  # an append returns once committed

    async def new_epoch(self, room: str, old: str) -> str | None:
        result: str | None = await self._run(self._new_epoch, room, old)
        return result

    def _new_epoch(self, room: str, old: str) -> str | None:
        db = self._conn()
        with _tx(db):
            row = db.execute("SELECT epoch FROM rooms WHERE room=?", (room,)).fetchone()
            if row is None:
                return None
            if row[0] != old:
                return str(row[0])
            new = secrets.token_hex(8)
            db.execute("UPDATE rooms SET epoch=? WHERE room=?", (new, room))
            return new

    async def read(self, room: str, after: int, limit: int | None = None) -> list[Event]:
        result: list[Event] = await self._run(self._read, room, after, limit)
        return result

    async def head(self, room: str) -> int:
        return int(await self._run(self._head, room))

    async def save_snapshot(self, room: str, seq: int, state: dict[str, Any]) -> None:
        await self._run(self._save_snapshot, room, seq, state)

    async def load_snapshot(self, room: str) -> tuple[int, dict[str, Any]] | None:
        result: tuple[int, dict[str, Any]] | None = await self._run(self._load_snapshot, room)
        return result

    async def delete_room(self, room: str) -> None:
        await self._run(self._delete, room)

    async def rooms_idle_since(self, before_ms: int) -> list[str]:
        result: list[str] = await self._run(self._idle, before_ms)
        return result

    async def ping(self) -> bool:
        return bool(await self._run(self._ping))

    async def close(self) -> None:
        self._commit()
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            with contextlib.suppress(BaseException):
                await self._checkpointer
        self._close()


def _migrate(db: sqlite3.Connection) -> None:
    """Files written before events became a rowid table: copy the events over, in one transaction."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='events'").fetchone()
    if row is None or "WITHOUT ROWID" not in row[0].upper():
        return
    with _tx(db):
        db.execute("DROP TABLE IF EXISTS events_rowid")
        db.execute(f"CREATE TABLE events_rowid {_EVENTS}")
        db.execute(
            f"INSERT INTO events_rowid({_EVENT_COLUMNS}) SELECT {_EVENT_COLUMNS} FROM events ORDER BY room, seq"
        )
        db.execute("DROP TABLE events")
        db.execute("ALTER TABLE events_rowid RENAME TO events")


SCHEMA_VERSION = 1  # PRAGMA user_version: 1 = audiences stored as JSON lists of pids


def _migrate_audience(db: sqlite3.Connection) -> None:
    """Files written before an event's audience became a set of people kept one pid as plain text:
    rewrite those once as one-element JSON lists (reading accepts both forms anyway)."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    with _tx(db):
        db.execute(
            "UPDATE events SET audience = json_array(audience) "
            "WHERE audience IS NOT NULL AND substr(audience, 1, 1) != '['"
        )
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _checkpoint_conn(path: str) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA busy_timeout=5000")
    return con


class _tx:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _insert_event(db: sqlite3.Connection, room: str, e: Event) -> None:
    db.execute(
        _INSERT_EVENT,
        (room, e.seq, e.type, e.actor, e.at, e.data_json, audience_text(e.audience), e.cmd),
    )
