"""An intervisie group's state and its pure fold: `GroupState`, `apply_group` (the group's event
log folded like a room's), and `GroupError`. server/groups.py keeps the groups of this process."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .rooms import Event


@dataclass
class GroupState:
    id: str
    name: str
    lang: str
    created: int
    seq: int = 1
    rotating_chair: bool = False
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)  # members whose data the group no longer shows
    meetings: list[dict[str, Any]] = field(default_factory=list)
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    # A member's persoonlijke leervraag and learning log: only the keys and dates of their texts
    # here (and so in the log and snapshots); the texts are in the group's metadata (`lv:{key}`,
    # `log:{key}`), where erasing the member erases them (server/groups.py).
    leervragen: dict[str, dict[str, Any]] = field(default_factory=dict)  # mid -> {versions, shared}
    logs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # mid -> [{key, room, at}]
    programme: str | None = None  # the programme (traject) this group is part of (server/programme.py)

    def is_admin(self, mid: str) -> bool:
        return bool(self.members.get(mid, {}).get("admin"))

    def to_dict(self) -> dict[str, Any]:
        """The snapshot: `kind` tells it from a room's (server/rooms/state.py refuses it)."""
        return {"kind": "group", **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GroupState:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


class GroupError(Exception):
    """A refused group request: `code` and an English `message`; `method_error` is the
    MethodError's {code, path, params} when a method was refused (see MethodError.detail)."""

    def __init__(self, code: str, message: str, method_error: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.method_error = method_error


def _group_from(gid: str, first: Event) -> GroupState:
    return GroupState(id=gid, name=first.data["name"], lang=first.data["lang"], created=first.at)


def apply_group(g: GroupState, e: Event) -> GroupState:
    d = e.data
    if e.type == "member.join":
        # The name: in the event in logs written before names moved to the metadata, else filled
        # in from the metadata when the group is loaded (Groups._names).
        g.members[d["mid"]] = {"name": d.get("name", ""), "admin": d["admin"], "joined": e.at}
    elif e.type == "member.remove":
        g.members.pop(d["mid"], None)
        if d["mid"] not in g.removed:
            g.removed.append(d["mid"])
    elif e.type == "member.erase":
        # The member's own data: gone from the state (their membership, their name) and from the
        # view (server/groups.py `view` leaves out what is theirs in the meetings).
        g.members.pop(d["mid"], None)
        if d["mid"] not in g.erased:
            g.erased.append(d["mid"])
        for m in g.meetings:
            if m.get("chair") == d["mid"]:
                m["chair"] = None
        g.leervragen.pop(d["mid"], None)
        g.logs.pop(d["mid"], None)
    elif e.type == "leervraag.set":
        lv = g.leervragen.setdefault(d["mid"], {"versions": [], "shared": False})
        lv["versions"].append({"key": d["key"], "at": e.at})
    elif e.type == "leervraag.share":
        if d["mid"] in g.leervragen:
            g.leervragen[d["mid"]]["shared"] = bool(d["shared"])
    elif e.type == "log.add":
        g.logs.setdefault(d["mid"], []).append({"key": d["key"], "room": d["room"], "at": e.at})
    elif e.type == "group.programme":
        g.programme = d["programme"]
        g.rotating_chair = True  # after the begeleider's first meetings, the chair rotates
    elif e.type == "group.settings":
        g.rotating_chair = d.get("rotating_chair", g.rotating_chair)
        g.name = d.get("name", g.name)
    elif e.type == "meeting.created":
        g.meetings.append(dict(d))
    elif e.type == "method.saved":
        g.methods[d["method"]["id"]] = d["method"]
    elif e.type == "method.removed":
        g.methods.pop(d["id"], None)
    # "group.active": retention saw one of its meetings in use (Groups.count_meetings_as_activity).
    g.seq = e.seq
    return g
