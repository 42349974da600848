"""The store interface every backend implements, and the URL-based factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlparse

from ..rooms.events import Event, NoSuchRoom

__all__ = ["AppendResult", "Conflict", "NoSuchRoom", "Store", "Unavailable", "open_store"]


class Conflict(Exception):
    """The room's seq moved on since the command was decided: re-read and decide again."""

    def __init__(self, current: int) -> None:
        super().__init__(f"room is at seq {current}")
        self.current = current


class Unavailable(Exception):
    """The backend cannot be reached right now (e.g. Redis is down)."""


@dataclass(frozen=True)
class AppendResult:
    seq: int
    duplicate: bool


class Store(Protocol):
    """An ordered, per-room event log with command-id dedupe and snapshots.

    `append` is atomic: it succeeds only if the room's head is still `expected` (so the event gets
    seq `expected + 1`), unless `dedupe` was seen before, in which case nothing is appended and the
    original seq comes back with `duplicate=True`.
    """

    async def create_room(self, room: str, meta: dict[str, str], first: Event) -> str:
        """Store a new room with its first event; returns the room's epoch."""
        ...

    async def meta(self, room: str) -> dict[str, str] | None:
        """The room's metadata (always including 'epoch'), or None if there is no such room."""
        ...

    async def set_meta(self, room: str, fields: dict[str, str]) -> None: ...

    async def append(self, room: str, expected: int, event: Event, dedupe: str | None) -> AppendResult: ...

    async def dedupe_seq(self, room: str, key: str) -> int | None:
        """The seq a command id was appended as, if it was."""
        ...

    @property
    def waits_for_replicas(self) -> bool:
        """Whether an ack must wait for `confirm` (Redis with WAIT on and a replica); False for
        stores whose append is durable once it returns (memory, SQLite)."""
        ...

    async def recount_replicas(self) -> None:
        """Before a command: let a store whose acks can wait for replicas notice a new one."""
        ...

    async def confirm(self, room: str) -> bool:
        """Is everything appended so far durable (Redis: WAIT for a replica)? Called without the
        room's lock, before an ack, when `waits_for_replicas`; False: answer `unavailable`."""
        ...

    async def new_epoch(self, room: str, old: str) -> str | None:
        """Give the room a new epoch if it still has `old` (its stored log lost events someone
        holds); returns the room's epoch now, or None if there is no such room."""
        ...

    async def read(self, room: str, after: int, limit: int | None = None) -> list[Event]:
        """Events with seq > after, in order."""
        ...

    async def head(self, room: str) -> int: ...

    async def save_snapshot(self, room: str, seq: int, state: dict[str, Any]) -> None:
        """Keep `state` as the room's state at `seq`. `state` may share objects with the live room:
        a store serialises or copies it before its first await (every store here does)."""
        ...

    async def load_snapshot(self, room: str) -> tuple[int, dict[str, Any]] | None: ...

    async def delete_room(self, room: str) -> None: ...

    async def rooms_idle_since(self, before_ms: int) -> list[str]:
        """Rooms whose last activity is older than `before_ms` (for retention)."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


def open_store(url: str, wait_ms: int = 0) -> Store:
    """Pick a backend by URL scheme: memory://, sqlite:///path, redis://host:port/db,
    redis+sentinel://host:26379[,host:26379]/service[/db]. `wait_ms`: Redis's WAIT before acks."""
    scheme = urlparse(url).scheme
    if scheme == "memory":
        from .memory import MemoryStore

        return MemoryStore()
    if scheme == "sqlite":
        from .sqlite import SqliteStore

        # SQLAlchemy's convention: sqlite:///relative/path, sqlite:////absolute/path.
        rest = url.split("://", 1)[1]
        path = rest[1:] if rest.startswith("/") else rest
        return SqliteStore(path or "./data/kring.db")
    if is_redis(url):
        from .redis import RedisStore

        return RedisStore(url, wait_ms=wait_ms)
    raise ValueError(
        f"unknown store URL scheme {scheme!r} "
        "(use memory://, sqlite:///path, redis://host:port/db or redis+sentinel://host:port/service)"
    )


REDIS_SCHEMES = ("redis", "rediss", "unix", "redis+sentinel", "rediss+sentinel")


def is_redis(url: str) -> bool:
    """A Redis store URL (plain, TLS, a Unix socket, or through Sentinel)."""
    return url.split("://", 1)[0] in REDIS_SCHEMES
