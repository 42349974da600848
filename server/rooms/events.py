"""The event record: what the log stores and the members receive. Nothing of the rules.

The stores (server/store/) and the fan-out only need this module: an event is appended, read back,
serialised and redacted here; what it means for a room is `server.rooms`' business.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..protocol import dumps

Audience = frozenset[str] | None  # who may see an event: a set of pids, or None for everyone


def audience_of(value: str | Iterable[str] | None) -> Audience:
    """An audience from any of its stored forms: None (everyone), a list of pids (records and the
    SQLite column since the audience became a set, as JSON text there), or one pid as plain text
    (what releases before wrote: one author)."""
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset(json.loads(value)) if value.startswith("[") else frozenset((value,))
    return frozenset(value)


def audience_text(a: Audience) -> str | None:
    """The stored form of an audience in a text column: a JSON list of pids (sorted), or NULL."""
    return None if a is None else json.dumps(sorted(a), separators=(",", ":"))


class NoSuchRoom(Exception):
    """No room by that id (the stores raise it; `server.store.base` re-exports it). Defined here,
    beside the record every store imports, so the engine can raise it too: a snapshot that is not a
    room's (a group's, which shares the store) is no room (server/rooms/state.py `from_dict`)."""


# An audience no participant is: every connection gets the event as the `private` placeholder.
# For data some roles may see in their view but nobody on the wire (attendance: the facilitators'
# view part, server/rooms/attendance.py).
NOBODY: frozenset[str] = frozenset({""})  # no pid is "": no participant is in it


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    actor: str | None
    at: int
    data: dict[str, Any]
    audience: Audience = None
    cmd: str | None = None

    def __post_init__(self) -> None:
        if self.audience is not None and not isinstance(self.audience, frozenset):
            object.__setattr__(self, "audience", audience_of(self.audience))

    @property
    def data_json(self) -> str:
        """`data` as compact JSON, made once: the store's row and the members' frame both carry it.
        (An event's data is never changed once the event exists.) Kept in the instance's __dict__,
        outside the dataclass fields, so equality and `dataclasses.replace` ignore it; a plain
        property rather than functools.cached_property, whose first access takes a lock."""
        d = self.__dict__
        j: str | None = d.get("_data_json")
        if j is None:
            j = d["_data_json"] = dumps(self.data)  # the wire's own JSON settings
        return j

    def to_record(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "type": self.type,
            "actor": self.actor,
            "at": self.at,
            "data": self.data,
            "audience": None if self.audience is None else sorted(self.audience),
            "cmd": self.cmd,
        }

    @classmethod
    def from_record(cls, r: Mapping[str, Any]) -> Event:
        return cls(
            seq=int(r["seq"]),
            type=str(r["type"]),
            actor=r.get("actor"),
            at=int(r["at"]),
            data=dict(r.get("data") or {}),
            audience=audience_of(r.get("audience")),
            cmd=r.get("cmd"),
        )

    def wire(self) -> dict[str, Any]:
        return {
            "t": "event",
            "seq": self.seq,
            "type": self.type,
            "actor": self.actor,
            "at": self.at,
            "data": self.data,
        }

    def redacted(self) -> dict[str, Any]:
        # Same seq so every client sees an unbroken log, but nothing about the content or author.
        return {"t": "event", "seq": self.seq, "type": "private", "actor": None, "at": self.at, "data": {}}

    def visible_to(self, pid: str | None) -> bool:
        return self.audience is None or pid in self.audience

    def wire_for(self, pid: str | None) -> dict[str, Any]:
        return self.wire() if self.visible_to(pid) else self.redacted()
