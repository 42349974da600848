"""In-process store for tests and throwaway rooms: nothing survives the process."""

from __future__ import annotations

import copy
import secrets
from typing import Any

from ..rooms.events import Event
from .base import AppendResult, Conflict, NoSuchRoom


class _Room:
    def __init__(self, meta: dict[str, str]) -> None:
        self.meta = meta
        self.events: list[Event] = []
        self.dedupe: dict[str, int] = {}
        self.snapshot: tuple[int, dict[str, Any]] | None = None
        self.touched = 0


class MemoryStore:
    def __init__(self) -> None:
        self._rooms: dict[str, _Room] = {}

    def _room(self, room: str) -> _Room:
        r = self._rooms.get(room)
        if r is None:
            raise NoSuchRoom(room)
        return r

    async def create_room(self, room: str, meta: dict[str, str], first: Event) -> str:
        if room in self._rooms:
            raise ValueError("room exists")
        epoch = secrets.token_hex(8)
        r = _Room({**meta, "epoch": epoch})
        r.events.append(first)
        r.touched = first.at
        self._rooms[room] = r
        return epoch

    async def meta(self, room: str) -> dict[str, str] | None:
        r = self._rooms.get(room)
        return dict(r.meta) if r else None

    async def set_meta(self, room: str, fields: dict[str, str]) -> None:
        self._room(room).meta.update(fields)

    async def append(self, room: str, expected: int, event: Event, dedupe: str | None) -> AppendResult:
        r = self._room(room)
        if dedupe is not None and dedupe in r.dedupe:
            return AppendResult(r.dedupe[dedupe], True)
        if len(r.events) != expected:
            raise Conflict(len(r.events))
        if event.seq != expected + 1:
            raise ValueError("event seq must be expected + 1")
        r.events.append(event)
        r.touched = event.at
        if dedupe is not None:
            r.dedupe[dedupe] = event.seq
        return AppendResult(event.seq, False)

    async def dedupe_seq(self, room: str, key: str) -> int | None:
        return self._room(room).dedupe.get(key)

    waits_for_replicas = False

    async def recount_replicas(self) -> None:
        pass

    async def confirm(self, room: str) -> bool:
        return True

    async def new_epoch(self, room: str, old: str) -> str | None:
        r = self._rooms.get(room)
        if r is None:
            return None
        if r.meta["epoch"] == old:
            r.meta["epoch"] = secrets.token_hex(8)
        return r.meta["epoch"]

    async def read(self, room: str, after: int, limit: int | None = None) -> list[Event]:
        r = self._room(room)
        out = r.events[after:]
        return out[:limit] if limit is not None else list(out)

    async def head(self, room: str) -> int:
        return len(self._room(room).events)

    async def save_snapshot(self, room: str, seq: int, state: dict[str, Any]) -> None:
        r = self._room(room)
        if r.snapshot is None or seq > r.snapshot[0]:
            r.snapshot = (seq, copy.deepcopy(state))

    async def load_snapshot(self, room: str) -> tuple[int, dict[str, Any]] | None:
        snap = self._room(room).snapshot
        return (snap[0], copy.deepcopy(snap[1])) if snap else None

    async def delete_room(self, room: str) -> None:
        self._rooms.pop(room, None)

    async def rooms_idle_since(self, before_ms: int) -> list[str]:
        return [k for k, r in self._rooms.items() if r.touched < before_ms]

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._rooms.clear()
