"""The state of one room (the fold of its log), how a room starts, and the small helpers the tools'
folds share. `to_dict`/`from_dict` are the snapshot format: a plain JSON object, one key per field.

The records inside (cards, nodes, forces, ...) stay plain dicts: they are the snapshot's JSON as it
is stored, and the views copy them field by field.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..methods import Method, Phase, parse_method
from .events import Event, NoSuchRoom


@dataclass
class RoomState:
    room: str
    title: str
    lang: str
    method: Method
    created: int
    seq: int = 0
    phase: int = 0
    phase_started: int = 0
    used_ms: dict[str, int] = field(default_factory=dict)
    minutes: dict[str, int] = field(default_factory=dict)
    meeting_end: int | None = None
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    timer: dict[str, Any] = field(
        default_factory=lambda: {"running": False, "deadline": None, "remaining_ms": 0, "duration_ms": 0}
    )
    case: dict[str, Any] = field(
        default_factory=lambda: {"question": "", "reformulation": "", "inbrenger": None}
    )
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    revealed_phases: list[str] = field(default_factory=list)
    mindmap: dict[str, dict[str, Any]] = field(default_factory=dict)
    forcefield: dict[str, Any] = field(
        default_factory=lambda: {"current": "", "desired": "", "forces": {}, "links": []}
    )
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    plan: dict[str, str] = field(default_factory=dict)
    # The seq of the last change of each editable text field ("plan.<field>"), for `base` checks.
    versions: dict[str, int] = field(default_factory=dict)
    suggestions: dict[str, dict[str, Any]] = field(default_factory=dict)
    vote: dict[str, Any] = field(
        default_factory=lambda: {
            "candidates": {},
            "votes": {},
            "per_person": 3,
            "closed": False,
            "chosen": None,
        }
    )
    round: dict[str, Any] | None = None
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    evaluation: dict[str, dict[str, Any]] = field(default_factory=dict)
    evaluation_closed: bool = False  # no more scores; the means may be shown
    ended: bool = False
    locked: bool = False
    waiting: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    # Meetings of an intervisie group (server/groups.py):
    group: str | None = None
    date: str = ""  # a group meeting's planned date (YYYY-MM-DD), "" otherwise
    followups: list[dict[str, Any]] = field(default_factory=list)
    next_roles: dict[str, str | None] = field(default_factory=lambda: {"chair": None, "inbrenger": None})
    queued: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Members who share their persoonlijke leervraag with the group: their check-in cards are
    # the group's; anyone else's are theirs only (server/rooms/cards.py).
    leervraag_shared: list[str] = field(default_factory=list)
    # Group meetings: when each member first came in (ms), and who the facilitator confirmed was
    # there (None until they do; server/rooms/attendance.py).
    attendance: dict[str, int] = field(default_factory=dict)
    attendance_confirmed: list[str] | None = None
    # Phase outcomes, "<phase>/<field>" -> text (server/rooms/outcomes.py), and the facilitators
    # who turned their own writing on where the method says they add no content.
    outcomes: dict[str, str] = field(default_factory=dict)
    fac_writing: list[str] = field(default_factory=list)
    # Proposals for outcome fields the group chooses by vote: id -> {key, text, author, voters,
    # adopted} (server/rooms/proposals.py).
    proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    # A knowledge input beside the case: {title, text, link, at} or None (server/rooms/knowledge.py).
    knowledge: dict[str, Any] | None = None
    # Pair work: its rounds (groups, time, revealed boards) and the pairs' board items
    # (server/rooms/pairs.py).
    pairs: list[dict[str, Any]] = field(default_factory=list)
    pair_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The drawing board: strokes, description, who draws in private (server/rooms/drawing.py).
    drawing: dict[str, Any] = field(default_factory=lambda: _new_drawing())

    # -- serialisation (snapshots) -----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.shallow_dict())

    def shallow_dict(self) -> dict[str, Any]:
        """The same data as `to_dict`, sharing this state's lists and dicts: only for serialising
        at once (a snapshot is dumped to JSON before the store's first await)."""
        d = {k: v for k, v in self.__dict__.items() if k != "method" and not k.startswith("_")}
        d["method"] = self.method.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RoomState:
        if "kind" in d or "method" not in d:
            # A group's snapshot (server/groups.py) under an id someone asked for as a room.
            raise NoSuchRoom("not a room's snapshot")
        data = copy.deepcopy(dict(d))
        data["method"] = parse_method(data["method"], "snapshot")
        return cls(**data)

    # -- helpers -----------------------------------------------------------------------------
    @property
    def current(self) -> Phase:
        return self.method.phases[self.phase]

    def phase_minutes(self, p: Phase) -> int:
        return self.minutes.get(p.id, p.minutes)

    def roles(self, pid: str | None) -> set[str]:
        if pid is None or pid not in self.participants:
            return set()
        return set(self.participants[pid]["roles"])

    def is_fac(self, pid: str | None) -> bool:
        p = self.participants.get(pid) if pid is not None else None
        return p is not None and "facilitator" in p["roles"]

    def groups(self, pid: str | None) -> set[str]:
        """The writer groups (methods.WRITERS) a person belongs to. `participants` are the group's
        peers: not the inbrenger, not a silent listener, not the coach/interviewer."""
        if pid is None or pid not in self.participants:
            return set()
        r = self.roles(pid)
        g = {"all"} | (r & {"inbrenger", "coach", "facilitator", "timekeeper"})
        if "listener" in r:
            g.add("listeners")
        if not r & {"inbrenger", "listener", "coach"}:
            g.add("participants")
        return g


def new_room(room: str, created: dict[str, Any]) -> RoomState:
    """The state right after the `room.created` event (seq 1)."""
    method = parse_method(created["method"], "room")
    members = created.get("members") or {}
    return RoomState(
        room=room,
        title=created["title"],
        lang=created["lang"],
        method=method,
        created=created["at"],
        seq=1,
        phase_started=created["at"],
        timer=_timer_for(method.phases[0].minutes, created["at"], False),
        group=created.get("group"),
        date=created.get("date", ""),
        participants={
            pid: {"name": m["name"], "roles": list(m.get("roles", [])), "joined": created["at"]}
            for pid, m in members.items()
        },
        case={
            "question": "",
            "reformulation": "",
            "inbrenger": next((p for p, m in members.items() if "inbrenger" in m.get("roles", [])), None),
        },
        followups=[dict(f, report=None) for f in created.get("followups") or []],
        leervraag_shared=[pid for pid, m in members.items() if m.get("leervraag_shared")],
    )


def created_event(
    room: str,
    method: Method,
    title: str,
    lang: str,
    now: int,
    *,
    group: str | None = None,
    members: dict[str, dict[str, Any]] | None = None,
    followups: list[dict[str, Any]] | None = None,
    date: str = "",
) -> Event:
    """The first event of a room. A group meeting also carries the group's members (already
    joined, with the chair as facilitator) and the open action plans to follow up."""
    data: dict[str, Any] = {"title": title, "lang": lang, "method": method.to_dict(), "at": now}
    if group is not None:
        data["group"] = group
        data["members"] = members or {}
        data["followups"] = followups or []
    if date:
        data["date"] = date  # a group meeting's planned date (YYYY-MM-DD)
    return Event(seq=1, type="room.created", actor=None, at=now, data=data)


# --- helpers shared by the tools ---------------------------------------------------------------


def _new_drawing() -> dict[str, Any]:
    from .drawing import new_drawing  # the tool's module imports this one

    return new_drawing()


def _timer_for(minutes: int, now: int, running: bool) -> dict[str, Any]:
    """The timer of a phase that starts at `now` (a new room, a phase change, a method switch)."""
    ms = minutes * 60_000
    return {
        "running": running,
        "deadline": now + ms if running else None,
        "remaining_ms": ms,
        "duration_ms": ms,
    }


def _stat(s: RoomState, pid: str | None, key: str, n: int = 1) -> None:
    """Count one contribution (cards written, turns taken, hints flagged) for the facilitator."""
    if pid is None:
        return
    st = s.stats.setdefault(pid, {"cards": 0, "turns": 0, "flagged": 0})
    st[key] = st.get(key, 0) + n


def _mean_spread(values: list[int]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    m = sum(values) / len(values)
    var = sum([(v - m) ** 2 for v in values]) / len(values)  # a list, not a generator: faster
    return round(m, 2), round(var**0.5, 2)
