"""The room engine: pure `decide`, `apply` and `view`. No I/O, no clock, no randomness of its own.

A room is a fold of its ordered event log. `decide(state, cmd, actor, now)` validates one command
against the current state and the method's rules and returns the event to append (or a Rejection);
`apply(state, event)` folds an appended event in; `view(state, viewer)` is what one person may see.
Events that carry private content have an `audience` (the author's pid): everyone else only ever
sees a redacted placeholder with the same seq (see `Event.wire_for`).
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import hints
from .methods import BASIC_METHOD, ROLES, Method, Phase, parse_method
from .protocol import dumps

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

# Content caps (also enforced for every command, whoever sends it).
MAX_NAME = 40
MAX_CARD = 2000
MAX_NODE = 300
MAX_TEXT = 2000
MAX_PITCH = 600
MAX_CARDS = 500
MAX_NODES = 500
MAX_FORCES = 100
MAX_NOTES = 500
MAX_PARTICIPANTS = 60
MAX_CANDIDATES = 30
MAX_TIMER_S = 6 * 3600
ROOT = "root"

PLAN_FIELDS = (
    "action",
    "specific",
    "measurable",
    "acceptable",
    "realistic",
    "timebound",
    "first_step",
    "review_date",
)
RATING_KEYS = ("importance", "difficulty", "clarity")
SIDES = ("promoting", "hindering")


@dataclass(frozen=True)
class Command:
    type: str
    args: dict[str, Any]
    id: str | None = None


@dataclass(frozen=True)
class Rejection:
    code: str
    message: str


@dataclass(frozen=True)
class Draft:
    """An event decided but not yet appended (no seq yet)."""

    type: str
    data: dict[str, Any]
    audience: str | None = None


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    actor: str | None
    at: int
    data: dict[str, Any]
    audience: str | None = None
    cmd: str | None = None

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
            "audience": self.audience,
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
            audience=r.get("audience"),
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
        return self.audience is None or self.audience == pid

    def wire_for(self, pid: str | None) -> dict[str, Any]:
        return self.wire() if self.visible_to(pid) else self.redacted()


def _rej(code: str, message: str) -> Rejection:
    return Rejection(code, message)


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
    forcefield: dict[str, Any] = field(default_factory=lambda: {"current": "", "desired": "", "forces": {}})
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    plan: dict[str, str] = field(default_factory=dict)
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
    ended: bool = False
    locked: bool = False
    waiting: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    # Meetings of an intervisie group (server/groups.py):
    group: str | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    next_roles: dict[str, str | None] = field(default_factory=lambda: {"chair": None, "inbrenger": None})
    queued: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- serialisation (snapshots) -----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.shallow_dict())

    def shallow_dict(self) -> dict[str, Any]:
        """The same data as `to_dict`, sharing this state's lists and dicts: only for serialising
        at once (a snapshot is dumped to JSON before the store's first await)."""
        d = {k: v for k, v in self.__dict__.items() if k != "method"}
        d["method"] = self.method.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RoomState:
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
        return "facilitator" in self.roles(pid)

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
) -> Event:
    """The first event of a room. A group meeting also carries the group's members (already
    joined, with the chair as facilitator) and the open action plans to follow up."""
    data: dict[str, Any] = {"title": title, "lang": lang, "method": method.to_dict(), "at": now}
    if group is not None:
        data["group"] = group
        data["members"] = members or {}
        data["followups"] = followups or []
    return Event(seq=1, type="room.created", actor=None, at=now, data=data)


def replay(room: str, events: list[Event]) -> RoomState:
    if not events or events[0].type != "room.created":
        raise ValueError("a room log starts with room.created")
    state = new_room(room, events[0].data)
    for e in events[1:]:
        apply(state, e)
    return state


def _timer_for(minutes: int, now: int, running: bool) -> dict[str, Any]:
    ms = minutes * 60_000
    return {
        "running": running,
        "deadline": now + ms if running else None,
        "remaining_ms": ms,
        "duration_ms": ms,
    }


# --- argument checking -------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _arg_id(args: Mapping[str, Any], key: str = "id") -> str:
    v = args.get(key)
    if not isinstance(v, str) or not ID_RE.match(v):
        raise _Bad("invalid", f"'{key}' must be 1-40 characters of letters, digits, '_' or '-'")
    return v


def _arg_text(args: Mapping[str, Any], key: str, limit: int, *, empty_ok: bool = False) -> str:
    v = args.get(key)
    if not isinstance(v, str):
        raise _Bad("invalid", f"'{key}' must be a string")
    v = v.strip()
    if not v and not empty_ok:
        raise _Bad("invalid", f"'{key}' must not be empty")
    if len(v) > limit:
        raise _Bad("too_large", f"'{key}' is {len(v)} characters; the limit is {limit}")
    return v


def _arg_int(args: Mapping[str, Any], key: str, lo: int, hi: int) -> int:
    v = args.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise _Bad("invalid", f"'{key}' must be a whole number from {lo} to {hi}")
    return v


def _arg_bool(args: Mapping[str, Any], key: str, default: bool | None = None) -> bool:
    v = args.get(key, default)
    if not isinstance(v, bool):
        raise _Bad("invalid", f"'{key}' must be true or false")
    return v


def _only_keys(args: Mapping[str, Any], *keys: str) -> None:
    extra = sorted(set(args) - set(keys))
    if extra:
        raise _Bad("invalid", f"unexpected argument '{extra[0]}'")


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"[.!?]+(?:\s+|$)", text) if s.strip()])


# --- permissions -------------------------------------------------------------------------------


def _need_fac(s: RoomState, actor: str) -> None:
    if not s.is_fac(actor):
        raise _Bad("forbidden", "only the facilitator may do this")


def may_write(s: RoomState, pid: str | None, phase: Phase | None = None) -> bool:
    p = phase or s.current
    return bool(s.groups(pid) & set(p.writers))


def tool_open(s: RoomState, tool: str) -> bool:
    return tool in s.current.tools


def _need_tool(s: RoomState, actor: str, tool: str, label: str) -> None:
    """Board content: the tool must be open in this phase and the actor one of its writers."""
    if s.is_fac(actor):
        return
    if not tool_open(s, tool):
        raise _Bad("phase_closed", f"the {label} is not open in this phase")
    if not may_write(s, actor):
        raise _Bad("forbidden", f"your role does not write on the {label} in this phase")


def may_note(s: RoomState, pid: str | None) -> bool:
    """Silent listeners may always write notes; others where the phase opens notes to them."""
    g = s.groups(pid)
    if "listeners" in g:
        return True
    return tool_open(s, "notes") and bool(g & set(s.current.note_writers))


def card_kinds_for(s: RoomState, pid: str | None) -> list[str]:
    if pid is None or pid not in s.participants:
        return []
    if s.is_fac(pid) or may_write(s, pid):
        return list(s.current.cards)
    return []


def card_visible(card: Mapping[str, Any], viewer: str | None) -> bool:
    return not card["private"] or card["revealed"] or card["author"] == viewer


def note_visible(note: Mapping[str, Any], viewer: str | None) -> bool:
    return bool(note["revealed"]) or note["author"] == viewer


def _may_time(s: RoomState, actor: str) -> None:
    if not s.roles(actor) & {"facilitator", "timekeeper"}:
        raise _Bad("forbidden", "only the facilitator or the timekeeper may run the timer")


# --- decide ------------------------------------------------------------------------------------

CLIENT_COMMANDS = frozenset(
    {
        "phase.next",
        "phase.prev",
        "phase.goto",
        "phase.minutes",
        "meeting.end",
        "method.switch",
        "role.assign",
        "timer.start",
        "timer.pause",
        "timer.resume",
        "timer.add",
        "case.set",
        "case.reformulate",
        "case.propose",
        "case.withdraw",
        "case.choose",
        "vote.cast",
        "vote.retract",
        "vote.close",
        "vote.config",
        "card.add",
        "card.edit",
        "card.remove",
        "card.mark",
        "cards.reveal",
        "mindmap.add",
        "mindmap.edit",
        "mindmap.move",
        "mindmap.remove",
        "force.add",
        "force.edit",
        "force.rate",
        "force.flag",
        "force.remove",
        "forcefield.set",
        "note.add",
        "note.edit",
        "note.remove",
        "notes.reveal",
        "plan.set",
        "plan.suggest",
        "plan.accept",
        "plan.dismiss",
        "round.start",
        "round.next",
        "round.stop",
        "participant.rename",
        "participant.remove",
        "participant.admit",
        "room.lock",
        "room.erase",
        "room.rotate",
        "eval.submit",
        "followup.report",
        "meeting.next",
        "case.queue",
    }
)
# Commands only the server issues (joining is part of the hello handshake).
SERVER_COMMANDS = frozenset({"participant.join", "participant.grant", "participant.wait"})


def decide(
    s: RoomState,
    cmd: Command,
    actor: str | None,
    now: int,
    methods: Mapping[str, Method] | None = None,
) -> Draft | Rejection:
    """Validate `cmd` from `actor` at server time `now` (ms) and return the event to append."""
    if not isinstance(cmd.args, dict):
        return _rej("invalid", "'args' must be an object")
    handler = _HANDLERS.get(cmd.type)
    if handler is None:
        return _rej("unknown_command", f"unknown command '{cmd.type}'")
    if s.ended:
        return _rej("conflict", "this meeting has ended")
    if cmd.type not in SERVER_COMMANDS and (actor is None or actor not in s.participants):
        return _rej("forbidden", "join the room first")
    try:
        return handler(s, cmd.args, actor or "", now, methods or {})
    except _Bad as b:
        return _rej(b.code, b.message)


Handler = Callable[[RoomState, dict[str, Any], str, int, Mapping[str, Method]], Draft]
_HANDLERS: dict[str, Handler] = {}


def _handles(name: str) -> Callable[[Handler], Handler]:
    def reg(fn: Handler) -> Handler:
        _HANDLERS[name] = fn
        return fn

    return reg


# participants -----------------------------------------------------------------------------


@_handles("participant.join")
def _join(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    pid = _arg_id(a, "pid")
    name = _arg_text(a, "name", MAX_NAME)
    roles = a.get("roles", [])
    if not isinstance(roles, list) or not all(r in ROLES for r in roles):
        raise _Bad("invalid", "'roles' must be a list of known roles")
    if pid in s.participants or pid in s.removed:
        raise _Bad("conflict", "this participant has already joined")
    if len(s.participants) >= MAX_PARTICIPANTS:
        raise _Bad("too_large", f"a room holds at most {MAX_PARTICIPANTS} participants")
    return Draft("participant.join", {"pid": pid, "name": name, "roles": sorted(set(roles))})


@_handles("participant.grant")
def _grant(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """A returning participant who now holds the facilitator key gets the facilitator role."""
    pid = _arg_id(a, "pid")
    if pid not in s.participants:
        raise _Bad("not_found", "no such participant")
    if a.get("role") not in ROLES:
        raise _Bad("invalid", "unknown role")
    return Draft("role.assign", {"pid": pid, "role": a["role"], "on": True})


@_handles("participant.remove")
def _remove_participant(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "pid")
    _need_fac(s, actor)
    pid = _arg_id(a, "pid")
    if pid not in s.participants and pid not in s.waiting:
        raise _Bad("not_found", "no such participant")
    if pid == actor:
        raise _Bad("invalid", "you cannot remove yourself")
    return Draft("participant.remove", {"pid": pid})


@_handles("participant.wait")
def _wait(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """Someone with the join link knocks on a locked room: they wait until admitted."""
    pid = _arg_id(a, "pid")
    name = _arg_text(a, "name", MAX_NAME)
    if pid in s.participants or pid in s.waiting:
        raise _Bad("conflict", "already known")
    if len(s.waiting) >= MAX_PARTICIPANTS:
        raise _Bad("too_large", "the waiting list is full")
    return Draft("participant.wait", {"pid": pid, "name": name})


@_handles("participant.admit")
def _admit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "pid")
    _need_fac(s, actor)
    pid = _arg_id(a, "pid")
    w = s.waiting.get(pid)
    if w is None:
        raise _Bad("not_found", "nobody with that id is waiting")
    if len(s.participants) >= MAX_PARTICIPANTS:
        raise _Bad("too_large", f"a room holds at most {MAX_PARTICIPANTS} participants")
    return Draft("participant.join", {"pid": pid, "name": w["name"], "roles": []})


@_handles("room.lock")
def _lock(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "locked")
    _need_fac(s, actor)
    return Draft("room.lock", {"locked": _arg_bool(a, "locked")})


@_handles("room.erase")
def _erase(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    return Draft("room.erased", {})


@_handles("room.rotate")
def _rotate(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    return Draft("room.rotated", {})


@_handles("participant.rename")
def _rename(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "name")
    return Draft("participant.rename", {"pid": actor, "name": _arg_text(a, "name", MAX_NAME)})


@_handles("role.assign")
def _role_assign(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "pid", "role", "on")
    _need_fac(s, actor)
    pid = _arg_id(a, "pid")
    role = a.get("role")
    if role not in ROLES:
        raise _Bad("invalid", f"'role' must be one of {', '.join(sorted(ROLES))}")
    on = _arg_bool(a, "on")
    if pid not in s.participants:
        raise _Bad("not_found", "no such participant")
    if role == "facilitator" and not on:
        others = [p for p in s.participants if p != pid and s.is_fac(p)]
        if not others:
            raise _Bad("invalid", "the room needs at least one facilitator")
    return Draft("role.assign", {"pid": pid, "role": role, "on": on})


# phases -----------------------------------------------------------------------------------


def _phase_draft(s: RoomState, index: int) -> Draft:
    if not 0 <= index < len(s.method.phases):
        raise _Bad("invalid", f"phase index must be from 0 to {len(s.method.phases) - 1}")
    if index == s.phase:
        raise _Bad("invalid", "the group is already in that phase")
    data: dict[str, Any] = {"index": index, "id": s.method.phases[index].id}
    if s.queued and "vote" in s.method.phases[index].tools:
        # Werkvragen submitted before the meeting stay private until the case choice.
        data["released"] = {cid: dict(q) for cid, q in s.queued.items()}
    return Draft("phase.changed", data)


@_handles("phase.next")
def _phase_next(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    if s.phase >= len(s.method.phases) - 1:
        raise _Bad("invalid", "this is the last phase")
    return _phase_draft(s, s.phase + 1)


@_handles("phase.prev")
def _phase_prev(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    if s.phase == 0:
        raise _Bad("invalid", "this is the first phase")
    return _phase_draft(s, s.phase - 1)


@_handles("phase.goto")
def _phase_goto(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "index")
    _need_fac(s, actor)
    return _phase_draft(s, _arg_int(a, "index", 0, len(s.method.phases) - 1))


@_handles("phase.minutes")
def _phase_minutes(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "index", "minutes")
    _need_fac(s, actor)
    index = _arg_int(a, "index", 0, len(s.method.phases) - 1)
    minutes = _arg_int(a, "minutes", 1, 240)
    return Draft("phase.minutes", {"id": s.method.phases[index].id, "minutes": minutes})


@_handles("meeting.end")
def _meeting_end(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "at")
    _need_fac(s, actor)
    at = a.get("at")
    if at is not None and (not isinstance(at, int) or isinstance(at, bool) or at < 0 or at > 10**14):
        raise _Bad("invalid", "'at' must be a time in ms since the epoch, or null")
    return Draft("meeting.end", {"at": at})


@_handles("method.switch")
def _method_switch(
    s: RoomState, a: dict[str, Any], actor: str, now: int, methods: Mapping[str, Method]
) -> Draft:
    _only_keys(a, "method")
    _need_fac(s, actor)
    mid = a.get("method")
    if not isinstance(mid, str) or mid not in methods:
        raise _Bad("not_found", "no such method")
    if mid == s.method.id:
        raise _Bad("invalid", "the room already uses this method")
    target = methods[mid]
    index = 0
    if mid == BASIC_METHOD:
        found = target.phase_index(s.current.fallback)
        index = found if found is not None else 0
    return Draft("method.switched", {"method": target.to_dict(), "index": index, "from": s.method.id})


# timer ------------------------------------------------------------------------------------


@_handles("timer.start")
def _timer_start(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "seconds")
    _may_time(s, actor)
    secs = _arg_int(a, "seconds", 1, MAX_TIMER_S)
    return Draft(
        "timer.set",
        {
            "running": True,
            "deadline": now + secs * 1000,
            "remaining_ms": secs * 1000,
            "duration_ms": secs * 1000,
        },
    )


@_handles("timer.pause")
def _timer_pause(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _may_time(s, actor)
    if not s.timer["running"]:
        raise _Bad("invalid", "the timer is not running")
    return Draft(
        "timer.set",
        {**s.timer, "running": False, "deadline": None, "remaining_ms": int(s.timer["deadline"]) - now},
    )


@_handles("timer.resume")
def _timer_resume(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _may_time(s, actor)
    if s.timer["running"]:
        raise _Bad("invalid", "the timer is already running")
    rem = int(s.timer["remaining_ms"])
    return Draft("timer.set", {**s.timer, "running": True, "deadline": now + rem, "remaining_ms": rem})


@_handles("timer.add")
def _timer_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "seconds")
    _may_time(s, actor)
    secs = _arg_int(a, "seconds", -MAX_TIMER_S, MAX_TIMER_S)
    t = dict(s.timer)
    if t["running"]:
        t["deadline"] = int(t["deadline"]) + secs * 1000
        t["remaining_ms"] = int(t["deadline"]) - now
    else:
        t["remaining_ms"] = int(t["remaining_ms"]) + secs * 1000
    t["duration_ms"] = max(0, int(t["duration_ms"]) + secs * 1000)
    return Draft("timer.set", t)


# case and vote ----------------------------------------------------------------------------


@_handles("case.set")
def _case_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "question")
    if not s.roles(actor) & {"facilitator", "inbrenger"}:
        raise _Bad("forbidden", "only the inbrenger or the facilitator may set the question")
    return Draft("case.set", {"question": _arg_text(a, "question", MAX_TEXT)})


@_handles("case.reformulate")
def _case_reformulate(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "text")
    if not s.roles(actor) & {"facilitator", "inbrenger"}:
        raise _Bad("forbidden", "the inbrenger has the final word on the reformulation")
    if not s.case["question"]:
        raise _Bad("invalid", "there is no question to reformulate yet")
    return Draft("case.reformulate", {"text": _arg_text(a, "text", MAX_TEXT)})


@_handles("case.propose")
def _case_propose(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    cid = _arg_id(a)
    text = _arg_text(a, "text", MAX_PITCH)
    if not s.is_fac(actor) and not tool_open(s, "vote"):
        raise _Bad("phase_closed", "proposing a case is not open in this phase")
    if "listener" in s.roles(actor) and not s.is_fac(actor):
        raise _Bad("forbidden", "silent listeners do not bring a case")
    if s.vote["closed"]:
        raise _Bad("conflict", "the vote is closed")
    if _sentences(text) > 3:
        raise _Bad("invalid", "pitch your question in at most three sentences")
    existing = s.vote["candidates"].get(cid)
    if existing is not None and existing["author"] != actor:
        raise _Bad("conflict", "that id is taken")
    if existing is None and len(s.vote["candidates"]) >= MAX_CANDIDATES:
        raise _Bad("too_large", f"at most {MAX_CANDIDATES} candidate cases")
    return Draft("case.proposed", {"id": cid, "text": text})


@_handles("case.withdraw")
def _case_withdraw(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    cid = _arg_id(a)
    c = s.vote["candidates"].get(cid)
    if c is None:
        raise _Bad("not_found", "no such candidate")
    if c["author"] != actor and not s.is_fac(actor):
        raise _Bad("forbidden", "only its author may withdraw a case")
    return Draft("case.withdrawn", {"id": cid})


@_handles("vote.cast")
def _vote_cast(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    cid = _arg_id(a)
    if not tool_open(s, "vote"):
        raise _Bad("phase_closed", "voting is not open in this phase")
    if s.vote["closed"]:
        raise _Bad("conflict", "the vote is closed")
    if cid not in s.vote["candidates"]:
        raise _Bad("not_found", "no such candidate")
    used = sum(s.vote["votes"].get(actor, {}).values())
    if used >= s.vote["per_person"]:
        raise _Bad("invalid", f"you have used all {s.vote['per_person']} of your votes")
    return Draft("vote.cast", {"id": cid}, audience=actor)


@_handles("vote.retract")
def _vote_retract(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    cid = _arg_id(a)
    if s.vote["closed"]:
        raise _Bad("conflict", "the vote is closed")
    if not s.vote["votes"].get(actor, {}).get(cid):
        raise _Bad("not_found", "you have no vote on that candidate")
    return Draft("vote.retract", {"id": cid}, audience=actor)


@_handles("vote.config")
def _vote_config(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "votes")
    _need_fac(s, actor)
    return Draft("vote.config", {"votes": _arg_int(a, "votes", 1, 10)})


@_handles("vote.close")
def _vote_close(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    if s.vote["closed"]:
        raise _Bad("conflict", "the vote is already closed")
    tally = {cid: 0 for cid in s.vote["candidates"]}
    for per in s.vote["votes"].values():
        for cid, n in per.items():
            if cid in tally:
                tally[cid] += n
    return Draft("vote.closed", {"tally": tally})


@_handles("case.choose")
def _case_choose(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    _need_fac(s, actor)
    cid = _arg_id(a)
    c = s.vote["candidates"].get(cid)
    if c is None:
        raise _Bad("not_found", "no such candidate")
    return Draft("case.chosen", {"id": cid, "inbrenger": c["author"], "question": c["text"]})


# cards ------------------------------------------------------------------------------------


def _own_card(s: RoomState, actor: str, cid: str) -> dict[str, Any]:
    card = s.cards.get(cid)
    if card is None or not card_visible(card, actor):
        raise _Bad("not_found", "no such card")
    if card["author"] != actor and not s.is_fac(actor):
        raise _Bad("forbidden", "only its author or the facilitator may change a card")
    return card


@_handles("card.add")
def _card_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "kind", "text")
    cid = _arg_id(a)
    kind = a.get("kind")
    text = _arg_text(a, "text", MAX_CARD)
    if not isinstance(kind, str):
        raise _Bad("invalid", "'kind' must be a string")
    if kind not in s.current.cards:
        raise _Bad("phase_closed", f"'{kind}' cards are not open in this phase")
    if not s.is_fac(actor) and not may_write(s, actor):
        raise _Bad("forbidden", "your role does not write cards in this phase")
    if cid in s.cards:
        raise _Bad("conflict", "a card with this id exists")
    if len(s.cards) >= MAX_CARDS:
        raise _Bad("too_large", f"a room holds at most {MAX_CARDS} cards")
    private = s.current.private and s.current.id not in s.revealed_phases
    flag = hints.check(text) if kind == "question" else None
    data = {"id": cid, "kind": kind, "text": text, "phase": s.current.id, "private": private, "flag": flag}
    return Draft("card.add", data, audience=actor if private else None)


@_handles("card.edit")
def _card_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    cid = _arg_id(a)
    text = _arg_text(a, "text", MAX_CARD)
    card = _own_card(s, actor, cid)
    hidden = card["private"] and not card["revealed"]
    flag = hints.check(text) if card["kind"] == "question" else None
    return Draft(
        "card.edit", {"id": cid, "text": text, "flag": flag}, audience=card["author"] if hidden else None
    )


@_handles("card.remove")
def _card_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    cid = _arg_id(a)
    card = _own_card(s, actor, cid)
    hidden = card["private"] and not card["revealed"]
    return Draft("card.remove", {"id": cid}, audience=card["author"] if hidden else None)


@_handles("card.mark")
def _card_mark(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "useful")
    cid = _arg_id(a)
    useful = _arg_bool(a, "useful")
    if not s.roles(actor) & {"inbrenger", "facilitator"}:
        raise _Bad("forbidden", "only the inbrenger marks cards as useful")
    card = s.cards.get(cid)
    if card is None or not card_visible(card, None):
        raise _Bad("not_found", "no such card")
    return Draft("card.mark", {"id": cid, "useful": useful})


@_handles("cards.reveal")
def _cards_reveal(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "phase")
    _need_fac(s, actor)
    phase = a.get("phase", s.current.id)
    if not isinstance(phase, str) or s.method.phase_index(phase) is None:
        raise _Bad("not_found", "no such phase in this method")
    hidden = {
        cid: {k: c[k] for k in ("kind", "text", "author", "phase", "flag")}
        for cid, c in s.cards.items()
        if c["phase"] == phase and c["private"] and not c["revealed"]
    }
    return Draft("cards.revealed", {"phase": phase, "cards": hidden})


# mind-map ---------------------------------------------------------------------------------


def _node_parent(s: RoomState, a: Mapping[str, Any]) -> str:
    parent = a.get("parent")
    if parent == ROOT:
        return ROOT
    pid = _arg_id(a, "parent")
    if pid not in s.mindmap:
        raise _Bad("not_found", "the parent node does not exist")
    return pid


def _node(s: RoomState, nid: str) -> dict[str, Any]:
    node = s.mindmap.get(nid)
    if node is None:
        raise _Bad("not_found", "no such node")
    return node


@_handles("mindmap.add")
def _mm_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "parent", "text")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    if nid == ROOT or nid in s.mindmap:
        raise _Bad("conflict", "a node with this id exists")
    parent = _node_parent(s, a)
    text = _arg_text(a, "text", MAX_NODE)
    if len(s.mindmap) >= MAX_NODES:
        raise _Bad("too_large", f"the mind-map holds at most {MAX_NODES} nodes")
    return Draft("mindmap.add", {"id": nid, "parent": parent, "text": text})


@_handles("mindmap.edit")
def _mm_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    _node(s, nid)
    return Draft("mindmap.edit", {"id": nid, "text": _arg_text(a, "text", MAX_NODE)})


@_handles("mindmap.move")
def _mm_move(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "parent")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    _node(s, nid)
    parent = _node_parent(s, a)
    p: str | None = parent
    while p is not None and p != ROOT:
        if p == nid:
            raise _Bad("invalid", "a node cannot move under itself or its own descendants")
        p = s.mindmap[p]["parent"]
    return Draft("mindmap.move", {"id": nid, "parent": parent})


@_handles("mindmap.remove")
def _mm_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    _need_tool(s, actor, "mindmap", "mind-map")
    nid = _arg_id(a)
    _node(s, nid)
    return Draft("mindmap.remove", {"id": nid})


def subtree(nodes: Mapping[str, Mapping[str, Any]], nid: str) -> list[str]:
    children: dict[str, list[str]] = {}
    for k, n in nodes.items():
        children.setdefault(n["parent"], []).append(k)
    out, stack = [], [nid]
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack.extend(children.get(cur, []))
    return out


# force field ------------------------------------------------------------------------------


def _force(s: RoomState, fid: str) -> dict[str, Any]:
    f = s.forcefield["forces"].get(fid)
    if f is None:
        raise _Bad("not_found", "no such force")
    return dict(f)


@_handles("force.add")
def _force_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "side", "text")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    side = a.get("side")
    if side not in SIDES:
        raise _Bad("invalid", "'side' must be 'promoting' or 'hindering'")
    text = _arg_text(a, "text", MAX_NODE)
    if fid in s.forcefield["forces"]:
        raise _Bad("conflict", "a force with this id exists")
    if len(s.forcefield["forces"]) >= MAX_FORCES:
        raise _Bad("too_large", f"the force field holds at most {MAX_FORCES} forces")
    return Draft("force.add", {"id": fid, "side": side, "text": text})


@_handles("force.edit")
def _force_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    _force(s, fid)
    return Draft("force.edit", {"id": fid, "text": _arg_text(a, "text", MAX_NODE)})


@_handles("force.remove")
def _force_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    _force(s, fid)
    return Draft("force.remove", {"id": fid})


@_handles("force.rate")
def _force_rate(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", *RATING_KEYS)
    if not tool_open(s, "forcefield") and not s.is_fac(actor):
        raise _Bad("phase_closed", "the force field is not open in this phase")
    if "listener" in s.roles(actor) and not s.is_fac(actor):
        raise _Bad("forbidden", "silent listeners do not rate forces")
    fid = _arg_id(a)
    _force(s, fid)
    rating = {k: _arg_int(a, k, 1, 5) for k in RATING_KEYS}
    return Draft("force.rate", {"id": fid, "rating": rating})


@_handles("force.flag")
def _force_flag(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "influenceable")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    _force(s, fid)
    return Draft("force.flag", {"id": fid, "influenceable": _arg_bool(a, "influenceable")})


@_handles("forcefield.set")
def _ff_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "current", "desired")
    if not s.roles(actor) & {"facilitator", "inbrenger"}:
        _need_tool(s, actor, "forcefield", "force field")
    data: dict[str, Any] = {
        k: _arg_text(a, k, MAX_TEXT, empty_ok=True) for k in ("current", "desired") if k in a
    }
    if not data:
        raise _Bad("invalid", "give 'current', 'desired' or both")
    return Draft("forcefield.set", data)


# notes ------------------------------------------------------------------------------------


def _own_note(s: RoomState, actor: str, nid: str) -> dict[str, Any]:
    n = s.notes.get(nid)
    if n is None or n["author"] != actor:
        # Another person's note is indistinguishable from a missing one.
        raise _Bad("not_found", "no such note")
    return n


@_handles("note.add")
def _note_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    nid = _arg_id(a)
    text = _arg_text(a, "text", MAX_CARD)
    if not may_note(s, actor):
        raise _Bad("phase_closed", "notes are not open to you in this phase")
    if nid in s.notes:
        raise _Bad("conflict", "a note with this id exists")
    if len(s.notes) >= MAX_NOTES:
        raise _Bad("too_large", f"a room holds at most {MAX_NOTES} notes")
    return Draft("note.add", {"id": nid, "text": text, "phase": s.current.id}, audience=actor)


@_handles("note.edit")
def _note_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    nid = _arg_id(a)
    text = _arg_text(a, "text", MAX_CARD)
    n = _own_note(s, actor, nid)
    return Draft("note.edit", {"id": nid, "text": text}, audience=None if n["revealed"] else actor)


@_handles("note.remove")
def _note_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    nid = _arg_id(a)
    n = _own_note(s, actor, nid)
    return Draft("note.remove", {"id": nid}, audience=None if n["revealed"] else actor)


@_handles("notes.reveal")
def _notes_reveal(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    hidden = {
        nid: {"author": n["author"], "text": n["text"], "phase": n["phase"]}
        for nid, n in s.notes.items()
        if not n["revealed"]
    }
    return Draft("notes.revealed", {"notes": hidden})


# plan -------------------------------------------------------------------------------------


def _plan_field(a: Mapping[str, Any]) -> str:
    f = a.get("field")
    if f not in PLAN_FIELDS:
        raise _Bad("invalid", f"'field' must be one of {', '.join(PLAN_FIELDS)}")
    return str(f)


@_handles("plan.set")
def _plan_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "field", "text")
    f = _plan_field(a)
    text = _arg_text(a, "text", MAX_TEXT, empty_ok=True)
    if not s.is_fac(actor):
        if "inbrenger" not in s.roles(actor):
            raise _Bad("forbidden", "the inbrenger writes the action plan; others may suggest")
        if not tool_open(s, "plan"):
            raise _Bad("phase_closed", "the action plan is not open in this phase")
    return Draft("plan.set", {"field": f, "text": text})


@_handles("plan.suggest")
def _plan_suggest(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "field", "text")
    sid = _arg_id(a)
    f = _plan_field(a)
    text = _arg_text(a, "text", MAX_TEXT)
    _need_tool(s, actor, "plan", "action plan")
    if sid in s.suggestions:
        raise _Bad("conflict", "a suggestion with this id exists")
    if len(s.suggestions) >= MAX_CARDS:
        raise _Bad("too_large", "too many suggestions")
    return Draft("plan.suggest", {"id": sid, "field": f, "text": text})


def _suggestion_decision(s: RoomState, a: Mapping[str, Any], actor: str) -> str:
    _only_keys(a, "id")
    sid = _arg_id(a)
    if sid not in s.suggestions:
        raise _Bad("not_found", "no such suggestion")
    if not s.roles(actor) & {"inbrenger", "facilitator"}:
        raise _Bad("forbidden", "the inbrenger decides on suggestions")
    return sid


@_handles("plan.accept")
def _plan_accept(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    sid = _suggestion_decision(s, a, actor)
    sug = s.suggestions[sid]
    return Draft("plan.accept", {"id": sid, "field": sug["field"], "text": sug["text"]})


@_handles("plan.dismiss")
def _plan_dismiss(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    return Draft("plan.dismiss", {"id": _suggestion_decision(s, a, actor)})


# rounds -----------------------------------------------------------------------------------


@_handles("round.start")
def _round_start(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "order", "seconds", "shuffle")
    _need_fac(s, actor)
    if not tool_open(s, "rounds"):
        raise _Bad("phase_closed", "this phase has no rounds")
    secs = _arg_int(a, "seconds", 10, 3600) if "seconds" in a else 120
    order = a.get("order")
    if order is None:
        order = [p for p in s.participants if "inbrenger" not in s.roles(p)]
    if not isinstance(order, list) or not order or not all(isinstance(p, str) for p in order):
        raise _Bad("invalid", "'order' must be a non-empty list of participant ids")
    if len(set(order)) != len(order):
        raise _Bad("invalid", "'order' names someone twice")
    unknown = [p for p in order if p not in s.participants]
    if unknown:
        raise _Bad("not_found", "'order' names someone who is not in the room")
    if a.get("shuffle", False) is True:
        order = list(order)
        random.Random(now * 1_000_003 + s.seq).shuffle(order)
    return Draft(
        "round.started",
        {"order": order, "seconds": secs, "deadline": now + secs * 1000, "phase": s.current.id},
    )


@_handles("round.next")
def _round_next(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    r = s.round
    if r is None or r["done"]:
        raise _Bad("invalid", "no round is running")
    speaker = r["order"][r["index"]]
    if actor != speaker and not s.roles(actor) & {"facilitator", "timekeeper"}:
        raise _Bad("forbidden", "only the speaker, the timekeeper or the facilitator passes the turn")
    nxt = r["index"] + 1
    done = nxt >= len(r["order"])
    return Draft(
        "round.next",
        {"index": nxt, "done": done, "deadline": None if done else now + int(r["seconds"]) * 1000},
    )


@_handles("round.stop")
def _round_stop(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    if s.round is None:
        raise _Bad("invalid", "no round is running")
    return Draft("round.stopped", {})


# evaluation -------------------------------------------------------------------------------


@_handles("eval.submit")
def _eval_submit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "content", "process", "learned")
    if not tool_open(s, "evaluation"):
        raise _Bad("phase_closed", "the evaluation is not open in this phase")
    data: dict[str, Any] = {}
    for k in ("content", "process"):
        if a.get(k) is not None:
            data[k] = _arg_int(a, k, 1, 5)
    if "learned" in a:
        data["learned"] = _arg_text(a, "learned", MAX_CARD, empty_ok=True)
    if not data:
        raise _Bad("invalid", "give a score for content or process, or what you learned")
    # Scores are anonymous in the aggregate: only the author sees their own submission.
    return Draft("eval.submit", data, audience=actor)


# group meetings ---------------------------------------------------------------------------

FOLLOWUP_STATUS = ("done", "partly", "not_yet")


@_handles("followup.report")
def _followup_report(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "meeting", "status", "text")
    meeting = a.get("meeting")
    f = next((f for f in s.followups if f["meeting"] == meeting), None)
    if f is None:
        raise _Bad("not_found", "no open action plan from that meeting")
    if f["owner"] != actor and not s.is_fac(actor):
        raise _Bad("forbidden", "the owner of the plan reports back")
    status = a.get("status")
    if status not in FOLLOWUP_STATUS:
        raise _Bad("invalid", f"'status' must be one of {', '.join(FOLLOWUP_STATUS)}")
    return Draft(
        "followup.report",
        {"meeting": meeting, "status": status, "text": _arg_text(a, "text", MAX_TEXT, empty_ok=True)},
    )


@_handles("meeting.next")
def _meeting_next(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """The evaluation records who chairs and who brings a case next time."""
    _only_keys(a, "chair", "inbrenger")
    _need_fac(s, actor)
    if not tool_open(s, "evaluation"):
        raise _Bad("phase_closed", "the next chair and inbrenger are chosen in the evaluation")
    data: dict[str, str | None] = {}
    for k in ("chair", "inbrenger"):
        v = a.get(k)
        if v is not None and v not in s.participants:
            raise _Bad("not_found", f"'{k}' is not a participant")
        data[k] = v
    return Draft("meeting.next", data)


@_handles("case.queue")
def _case_queue(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """A werkvraag submitted ahead of the case choice: private to its author until then."""
    _only_keys(a, "id", "text")
    cid = _arg_id(a)
    text = _arg_text(a, "text", MAX_PITCH)
    if _sentences(text) > 3:
        raise _Bad("invalid", "pitch your question in at most three sentences")
    if cid in s.queued or cid in s.vote["candidates"]:
        raise _Bad("conflict", "that id is taken")
    if len(s.queued) + len(s.vote["candidates"]) >= MAX_CANDIDATES:
        raise _Bad("too_large", f"at most {MAX_CANDIDATES} candidate cases")
    if tool_open(s, "vote"):
        return Draft("case.proposed", {"id": cid, "text": text})
    return Draft("case.queued", {"id": cid, "text": text}, audience=actor)


# --- apply -------------------------------------------------------------------------------------


def _stat(s: RoomState, pid: str | None, key: str, n: int = 1) -> None:
    if pid is None:
        return
    st = s.stats.setdefault(pid, {"cards": 0, "turns": 0, "flagged": 0})
    st[key] = st.get(key, 0) + n


def apply(s: RoomState, e: Event) -> RoomState:
    """Fold `e` into `s` (in place) and return it. Events must come in seq order."""
    if e.seq != s.seq + 1:
        raise ValueError(f"event seq {e.seq} does not follow {s.seq}")
    fn = _APPLY.get(e.type)
    if fn is None:
        raise ValueError(f"unknown event type {e.type!r}")
    fn(s, e, e.data)
    s.seq = e.seq
    return s


Applier = Callable[[RoomState, Event, dict[str, Any]], None]
_APPLY: dict[str, Applier] = {}


def _applies(name: str) -> Callable[[Applier], Applier]:
    def reg(fn: Applier) -> Applier:
        _APPLY[name] = fn
        return fn

    return reg


@_applies("participant.join")
def _a_join(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.waiting.pop(d["pid"], None)
    s.participants[d["pid"]] = {"name": d["name"], "roles": list(d["roles"]), "joined": e.at}


@_applies("participant.wait")
def _a_wait(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.waiting[d["pid"]] = {"name": d["name"], "at": e.at}


@_applies("room.lock")
def _a_lock(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.locked = d["locked"]


@_applies("room.erased")
def _a_erased(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.ended = True


@_applies("room.rotated")
def _a_rotated(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    pass


@_applies("participant.remove")
def _a_premove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.waiting.pop(d["pid"], None)
    if d["pid"] not in s.removed:
        s.removed.append(d["pid"])
    s.participants.pop(d["pid"], None)
    if s.case["inbrenger"] == d["pid"]:
        s.case["inbrenger"] = None


@_applies("participant.rename")
def _a_rename(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.participants[d["pid"]]["name"] = d["name"]


@_applies("role.assign")
def _a_role(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    roles = set(s.participants[d["pid"]]["roles"])
    if d["on"]:
        roles.add(d["role"])
    else:
        roles.discard(d["role"])
    s.participants[d["pid"]]["roles"] = sorted(roles)
    if d["role"] == "inbrenger":
        if d["on"]:
            for pid, p in s.participants.items():
                if pid != d["pid"] and "inbrenger" in p["roles"]:
                    p["roles"] = [r for r in p["roles"] if r != "inbrenger"]
            s.case["inbrenger"] = d["pid"]
        elif s.case["inbrenger"] == d["pid"]:
            s.case["inbrenger"] = None


def _enter_phase(s: RoomState, index: int, at: int) -> None:
    old = s.current.id
    s.used_ms[old] = s.used_ms.get(old, 0) + max(0, at - s.phase_started)
    s.phase = index
    s.phase_started = at
    s.timer = _timer_for(s.phase_minutes(s.current), at, True)
    s.round = None


@_applies("phase.changed")
def _a_phase(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    _enter_phase(s, d["index"], e.at)
    for cid, q in (d.get("released") or {}).items():
        s.vote["candidates"][cid] = {"text": q["text"], "author": q["author"]}
        s.queued.pop(cid, None)


@_applies("phase.minutes")
def _a_minutes(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.minutes[d["id"]] = d["minutes"]


@_applies("meeting.end")
def _a_meeting_end(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.meeting_end = d["at"]


@_applies("method.switched")
def _a_switch(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    old = s.current.id
    s.used_ms[old] = s.used_ms.get(old, 0) + max(0, e.at - s.phase_started)
    s.method = parse_method(d["method"], "room")
    s.minutes = {}
    s.phase = d["index"]
    s.phase_started = e.at
    s.timer = _timer_for(s.phase_minutes(s.current), e.at, True)
    s.round = None


@_applies("timer.set")
def _a_timer(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.timer = {k: d[k] for k in ("running", "deadline", "remaining_ms", "duration_ms")}


@_applies("case.set")
def _a_case(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.case["question"] = d["question"]
    if s.case["inbrenger"] is None and "inbrenger" in s.roles(e.actor):
        s.case["inbrenger"] = e.actor


@_applies("case.reformulate")
def _a_reform(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.case["reformulation"] = d["text"]


@_applies("case.proposed")
def _a_proposed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["candidates"][d["id"]] = {"text": d["text"], "author": e.actor}


@_applies("case.withdrawn")
def _a_withdrawn(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["candidates"].pop(d["id"], None)
    for per in s.vote["votes"].values():
        per.pop(d["id"], None)


@_applies("vote.cast")
def _a_vote(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    per = s.vote["votes"].setdefault(e.actor, {})
    per[d["id"]] = per.get(d["id"], 0) + 1


@_applies("vote.retract")
def _a_retract(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    per = s.vote["votes"].setdefault(e.actor, {})
    per[d["id"]] = per.get(d["id"], 0) - 1
    if per[d["id"]] <= 0:
        del per[d["id"]]


@_applies("vote.config")
def _a_vote_config(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["per_person"] = d["votes"]


@_applies("vote.closed")
def _a_vote_closed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["closed"] = True
    s.vote["tally"] = d["tally"]


@_applies("case.chosen")
def _a_chosen(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["chosen"] = d["id"]
    s.case["question"] = d["question"]
    s.case["reformulation"] = ""
    who = d["inbrenger"]
    for pid, p in s.participants.items():
        if "inbrenger" in p["roles"] and pid != who:
            p["roles"] = [r for r in p["roles"] if r != "inbrenger"]
    if who in s.participants and "inbrenger" not in s.participants[who]["roles"]:
        s.participants[who]["roles"] = sorted([*s.participants[who]["roles"], "inbrenger"])
    s.case["inbrenger"] = who if who in s.participants else None


@_applies("card.add")
def _a_card_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.cards[d["id"]] = {
        "kind": d["kind"],
        "text": d["text"],
        "author": e.actor,
        "phase": d["phase"],
        "private": d["private"],
        "revealed": False,
        "useful": False,
        "flag": d.get("flag"),
        "at": e.at,
    }
    _stat(s, e.actor, "cards")
    if d.get("flag"):
        _stat(s, e.actor, "flagged")


@_applies("card.edit")
def _a_card_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    c = s.cards[d["id"]]
    if d.get("flag") and not c.get("flag"):
        _stat(s, c["author"], "flagged")
    c["text"] = d["text"]
    c["flag"] = d.get("flag")


@_applies("card.remove")
def _a_card_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.cards.pop(d["id"], None)


@_applies("card.mark")
def _a_card_mark(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.cards[d["id"]]["useful"] = d["useful"]


@_applies("cards.revealed")
def _a_cards_revealed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for cid in d["cards"]:
        if cid in s.cards:
            s.cards[cid]["revealed"] = True
    if d["phase"] not in s.revealed_phases:
        s.revealed_phases.append(d["phase"])


@_applies("mindmap.add")
def _a_mm_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.mindmap[d["id"]] = {"parent": d["parent"], "text": d["text"], "author": e.actor, "at": e.seq}


@_applies("mindmap.edit")
def _a_mm_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.mindmap[d["id"]]["text"] = d["text"]


@_applies("mindmap.move")
def _a_mm_move(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.mindmap[d["id"]]["parent"] = d["parent"]
    s.mindmap[d["id"]]["at"] = e.seq


@_applies("mindmap.remove")
def _a_mm_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for nid in subtree(s.mindmap, d["id"]):
        s.mindmap.pop(nid, None)


@_applies("force.add")
def _a_force_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]] = {
        "side": d["side"],
        "text": d["text"],
        "author": e.actor,
        "influenceable": False,
        "ratings": {},
    }


@_applies("force.edit")
def _a_force_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]]["text"] = d["text"]


@_applies("force.remove")
def _a_force_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"].pop(d["id"], None)


@_applies("force.rate")
def _a_force_rate(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]]["ratings"][e.actor] = dict(d["rating"])


@_applies("force.flag")
def _a_force_flag(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]]["influenceable"] = d["influenceable"]


@_applies("forcefield.set")
def _a_ff_set(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for k in ("current", "desired"):
        if k in d:
            s.forcefield[k] = d[k]


@_applies("note.add")
def _a_note_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.notes[d["id"]] = {"author": e.actor, "text": d["text"], "phase": d["phase"], "revealed": False}


@_applies("note.edit")
def _a_note_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.notes[d["id"]]["text"] = d["text"]


@_applies("note.remove")
def _a_note_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.notes.pop(d["id"], None)


@_applies("notes.revealed")
def _a_notes_revealed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for nid in d["notes"]:
        if nid in s.notes:
            s.notes[nid]["revealed"] = True


@_applies("plan.set")
def _a_plan_set(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.plan[d["field"]] = d["text"]


@_applies("plan.suggest")
def _a_plan_suggest(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.suggestions[d["id"]] = {"field": d["field"], "text": d["text"], "author": e.actor, "status": "open"}


@_applies("plan.accept")
def _a_plan_accept(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.plan[d["field"]] = d["text"]
    s.suggestions[d["id"]]["status"] = "accepted"


@_applies("plan.dismiss")
def _a_plan_dismiss(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.suggestions[d["id"]]["status"] = "dismissed"


@_applies("round.started")
def _a_round_started(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.round = {
        "order": list(d["order"]),
        "index": 0,
        "seconds": d["seconds"],
        "deadline": d["deadline"],
        "phase": d["phase"],
        "done": False,
    }


@_applies("round.next")
def _a_round_next(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    r = s.round
    assert r is not None
    _stat(s, r["order"][r["index"]], "turns")
    r["index"] = d["index"]
    r["done"] = d["done"]
    r["deadline"] = d["deadline"]


@_applies("round.stopped")
def _a_round_stopped(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.round = None


@_applies("followup.report")
def _a_followup(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for f in s.followups:
        if f["meeting"] == d["meeting"]:
            f["report"] = {"status": d["status"], "text": d["text"], "at": e.at, "by": e.actor}


@_applies("meeting.next")
def _a_meeting_next(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.next_roles = {"chair": d.get("chair"), "inbrenger": d.get("inbrenger")}


@_applies("case.queued")
def _a_queued(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.queued[d["id"]] = {"text": d["text"], "author": e.actor}


@_applies("eval.submit")
def _a_eval(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.evaluation.setdefault(str(e.actor), {}).update(d)


# --- view --------------------------------------------------------------------------------------


def _mean_spread(values: list[int]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    m = sum(values) / len(values)
    var = sum((v - m) ** 2 for v in values) / len(values)
    return round(m, 2), round(var**0.5, 2)


def force_summary(f: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in RATING_KEYS:
        mean, spread = _mean_spread([r[k] for r in f["ratings"].values()])
        out[k] = {"mean": mean, "spread": spread}
    out["n"] = len(f["ratings"])
    return out


def permissions(s: RoomState, pid: str | None) -> dict[str, Any]:
    """What this person may do right now; the client shows controls from this, it decides nothing."""
    roles = s.roles(pid)
    fac = "facilitator" in roles
    writer = fac or may_write(s, pid)
    return {
        "facilitator": fac,
        "timer": bool(roles & {"facilitator", "timekeeper"}),
        "cards": card_kinds_for(s, pid),
        "mindmap": writer and (fac or tool_open(s, "mindmap")),
        "forcefield": writer and (fac or tool_open(s, "forcefield")),
        "rate": (fac or tool_open(s, "forcefield")) and ("listener" not in roles or fac),
        "notes": may_note(s, pid),
        "plan": fac or ("inbrenger" in roles and tool_open(s, "plan")),
        "suggest": not fac and "inbrenger" not in roles and writer and tool_open(s, "plan"),
        "vote": tool_open(s, "vote") and not s.vote["closed"],
        "propose": (fac or tool_open(s, "vote"))
        and not s.vote["closed"]
        and ("listener" not in roles or fac),
        "case": bool(roles & {"facilitator", "inbrenger"}),
        "mark": bool(roles & {"facilitator", "inbrenger"}),
        "evaluate": tool_open(s, "evaluation"),
    }


def view(
    s: RoomState, viewer: str | None, lang: str | None = None, *, public: bool = False
) -> dict[str, Any]:
    """Everything `viewer` may see. Never includes another person's unrevealed card, note or vote.

    Someone who is not (or not yet) a participant, e.g. waiting to be admitted, sees only the
    room's title and method name: the shape is the same, the content is empty.
    """
    if viewer not in s.participants and not public:
        return _outside_view(s, viewer)
    if public:
        viewer = None  # the projector: what everyone in the room may see, nobody's private things
    out = shared_view(s)
    out.update(viewer_view(s, viewer))
    return out


def shared_view(s: RoomState) -> dict[str, Any]:
    """The part of `view()` that is the same for every participant (and the projector): built once
    per room and seq when many members need a view (server/hub.py `view_for`)."""
    m = s.method
    phases = []
    for i, p in enumerate(m.phases):
        used = s.used_ms.get(p.id, 0)
        phases.append(
            {
                "id": p.id,
                "title": p.title.to_dict(),
                "instructions": p.instructions.to_dict(),
                "minutes": s.phase_minutes(p),
                "planned": p.minutes,
                "used_ms": used,
                "tools": list(p.tools),
                "cards": list(p.cards),
                "private": p.private,
                "writers": list(p.writers),
                "fallback": p.fallback,
                "state": "done" if i < s.phase else ("current" if i == s.phase else "next"),
            }
        )
    return {
        "room": {"id": s.room, "title": s.title, "lang": s.lang, "created": s.created, "ended": s.ended},
        "seq": s.seq,
        "method": {
            "id": m.id,
            "name": m.name.to_dict(),
            "level": m.level,
            "kind": m.kind,
            "summary": m.summary.to_dict(),
            "rules": [r.to_dict() for r in m.rules],
            "phases": phases,
            "minutes": sum(s.phase_minutes(p) for p in m.phases),
        },
        "phase": {"index": s.phase, "id": s.current.id, "started": s.phase_started},
        "meeting_end": s.meeting_end,
        "participants": {
            pid: {"name": p["name"], "roles": list(p["roles"])} for pid, p in s.participants.items()
        },
        "timer": dict(s.timer),
        "case": dict(s.case),
        "mindmap": {
            "root": s.case["reformulation"] or s.case["question"],
            "nodes": {nid: {"parent": n["parent"], "text": n["text"]} for nid, n in s.mindmap.items()},
        },
        "forcefield": {
            "current": s.forcefield["current"],
            "desired": s.forcefield["desired"],
            "forces": {
                fid: {
                    "side": f["side"],
                    "text": f["text"],
                    "author": f["author"],
                    "influenceable": f["influenceable"],
                    "ratings": copy.deepcopy(f["ratings"]),
                    "summary": force_summary(f),
                }
                for fid, f in s.forcefield["forces"].items()
            },
        },
        "plan": {f: s.plan.get(f, "") for f in PLAN_FIELDS},
        "suggestions": {k: dict(v) for k, v in s.suggestions.items()},
        "round": copy.deepcopy(s.round),
        "locked": s.locked,
        "group": s.group,
        "followups": copy.deepcopy(s.followups),
        "next_roles": dict(s.next_roles),
        "revealed_phases": list(s.revealed_phases),
    }


def card_view(card: Mapping[str, Any], viewer: str | None) -> dict[str, Any]:
    """One card as `viewer` sees it (only its author sees the question-hint flag)."""
    out = {k: card[k] for k in CARD_VIEW_FIELDS}
    if card["author"] == viewer:
        out["flag"] = card.get("flag")
    return out


CARD_VIEW_FIELDS = ("kind", "text", "author", "phase", "private", "revealed", "useful", "at")


def viewer_view(s: RoomState, viewer: str | None, *, cards: bool = True) -> dict[str, Any]:
    """The part of `view()` that depends on who looks (None: the projector). Its keys never overlap
    `shared_view()`'s. `cards=False` leaves the cards out (the hub splices them in from parts
    serialised once per seq)."""
    fac = s.is_fac(viewer)
    vote = s.vote
    candidates = {}
    for cid, c in vote["candidates"].items():
        entry: dict[str, Any] = {"text": c["text"], "author": c["author"]}
        if vote["closed"]:
            entry["votes"] = vote.get("tally", {}).get(cid, 0)
        candidates[cid] = entry
    out: dict[str, Any] = {
        "notes": {nid: dict(n) for nid, n in s.notes.items() if note_visible(n, viewer)},
        "vote": {
            "candidates": candidates,
            "mine": dict(vote["votes"].get(viewer, {})) if viewer else {},
            "per_person": vote["per_person"],
            "closed": vote["closed"],
            "chosen": vote["chosen"],
            "voters": sum(1 for v in vote["votes"].values() if v),
        },
        "queued": {cid: dict(q) for cid, q in s.queued.items() if q["author"] == viewer},
        "evaluation": evaluation_summary(s, viewer),
        "may": permissions(s, viewer),
    }
    if cards:
        out["cards"] = {cid: card_view(c, viewer) for cid, c in s.cards.items() if card_visible(c, viewer)}
    if fac:
        # How many private cards wait per phase: a count for the reveal button, never their content.
        hidden: dict[str, int] = {}
        for c in s.cards.values():
            if c["private"] and not c["revealed"]:
                hidden[c["phase"]] = hidden.get(c["phase"], 0) + 1
        out["hidden"] = hidden
        out["waiting"] = {pid: dict(w) for pid, w in s.waiting.items()}
        out["stats"] = {
            pid: dict(s.stats.get(pid, {"cards": 0, "turns": 0, "flagged": 0})) for pid in s.participants
        }
    return out


def evaluation_summary(s: RoomState, viewer: str | None) -> dict[str, Any]:
    """Scores only in the aggregate (means and counts); each person sees their own entry."""
    out: dict[str, Any] = {"n": len(s.evaluation)}
    for k in ("content", "process"):
        vals = [int(v[k]) for v in s.evaluation.values() if k in v]
        mean, _ = _mean_spread(vals)
        out[k] = {"mean": mean, "n": len(vals)}
    out["mine"] = dict(s.evaluation.get(viewer or "", {}))
    return out


def _outside_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    m = s.method
    return {
        "room": {"id": s.room, "title": s.title, "lang": s.lang, "created": s.created, "ended": s.ended},
        "seq": s.seq,
        "method": {
            "id": m.id,
            "name": m.name.to_dict(),
            "level": m.level,
            "kind": m.kind,
            "summary": m.summary.to_dict(),
            "rules": [],
            "phases": [],
            "minutes": 0,
        },
        "phase": {"index": 0, "id": "", "started": 0},
        "meeting_end": None,
        "participants": {},
        "timer": {"running": False, "deadline": None, "remaining_ms": 0, "duration_ms": 0},
        "case": {"question": "", "reformulation": "", "inbrenger": None},
        "cards": {},
        "mindmap": {"root": "", "nodes": {}},
        "forcefield": {"current": "", "desired": "", "forces": {}},
        "notes": {},
        "plan": {},
        "suggestions": {},
        "vote": {"candidates": {}, "mine": {}, "per_person": 0, "closed": False, "chosen": None, "voters": 0},
        "round": None,
        "locked": s.locked,
        "waiting_for_admission": viewer in s.waiting,
        "evaluation": {
            "n": 0,
            "content": {"mean": None, "n": 0},
            "process": {"mean": None, "n": 0},
            "mine": {},
        },
        "may": {},
    }
