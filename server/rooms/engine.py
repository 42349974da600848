"""The engine: `decide`, `apply`, `replay` and `view` over the tools' registered handlers and parts.

`decide(state, cmd, actor, now)` checks what every command needs (an object of args, a known type,
a meeting that has not ended, an actor who joined) and hands the rest to the command's handler;
`apply(state, event)` folds one appended event in through its event type's handler; `view(state,
viewer)` puts together the parts the tools registered, in the order the keys have always had.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..methods import Method
from .commands import Command, Draft, Rejection, _Bad, _rej
from .events import Event
from .permissions import SHARED_EDITS, inbrenger_listening
from .registry import (
    ABSENT,
    FACILITATOR_PARTS,
    SERVER_COMMANDS,
    SHARED_PARTS,
    SYSTEM_COMMANDS,
    TOUCHERS,
    TOUCHES,
    VIEWER_PARTS,
    SharedPart,
    ViewerPart,
    facilitator_part,
    item_part,
    shared_part,
)
from .registry import APPLIERS as _APPLY
from .registry import HANDLERS as _HANDLERS
from .state import RoomState, new_room


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
    system = actor is None and cmd.type in SYSTEM_COMMANDS  # the server itself; its handler knows
    if cmd.type not in SERVER_COMMANDS and not system and (actor is None or actor not in s.participants):
        return _rej("forbidden", "join the room first")
    if actor is not None and cmd.type in SHARED_EDITS and inbrenger_listening(s, actor):
        return _rej("forbidden", "the inbrenger listens in this phase and changes nothing shared")
    try:
        return handler(s, cmd.args, actor or "", now, methods or {})
    except _Bad as b:
        return Rejection(b.code, b.message, b.extra)


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


def touched_by(s: RoomState, e: Event) -> list[str]:
    """The view paths `e` touches (server/rooms/delta.py), asked before `e` is applied to `s`."""
    return list(TOUCHES[e.type](s, e))


def replay(room: str, events: list[Event]) -> RoomState:
    if not events or events[0].type != "room.created":
        raise ValueError("a room log starts with room.created")
    state = new_room(room, events[0].data)
    for e in events[1:]:
        apply(state, e)
    return state


# --- view --------------------------------------------------------------------------------------

# The keys of a view, in the order clients have always received them. Every key has exactly one
# part, registered by the tool that owns it (`seal` checks this when the package is imported).
SHARED_KEYS = (
    "room",
    "seq",
    "method",
    "phase",
    "meeting_end",
    "participants",
    "timer",
    "case",
    "mindmap",
    "forcefield",
    "plan",
    "suggestions",
    "versions",
    "round",
    "locked",
    "group",
    "followups",
    "next_roles",
    "revealed_phases",
    "outcomes",
    "fac_writing",
    "speakers",
    "knowledge",
    "pairs",
)
VIEWER_KEYS = ("notes", "vote", "queued", "evaluation", "may", "pair_board", "cards", "proposals", "drawing")
FACILITATOR_KEYS = (
    "hidden",
    "waiting",
    "stats",
    "attendance",
    "notes_hidden",
    "notes_hidden_by",
    "plan_missing",
    "pair_counts",
)

# Filled by `seal` from the registered parts, in the order above.
_SHARED: tuple[tuple[str, SharedPart], ...] = ()
_VIEWER: tuple[tuple[str, ViewerPart], ...] = ()
_VIEWER_NO_CARDS: tuple[tuple[str, ViewerPart], ...] = ()
_FACILITATOR: tuple[tuple[str, ViewerPart], ...] = ()


def seal() -> frozenset[str]:
    """Called once by `server/rooms/__init__.py` after every tool module has registered: orders the
    view parts, checks that nothing is missing or doubled, and returns the client commands (every
    command with a handler that only the server may issue excepted)."""
    global _SHARED, _VIEWER, _VIEWER_NO_CARDS, _FACILITATOR
    for keys, table in (
        (SHARED_KEYS, SHARED_PARTS),
        (VIEWER_KEYS, VIEWER_PARTS),
        (FACILITATOR_KEYS, FACILITATOR_PARTS),
    ):
        if set(keys) != set(table) or len(set(keys)) != len(keys):
            raise RuntimeError(f"view parts {sorted(table)} do not match the view keys {keys}")
    if len({*SHARED_KEYS, *VIEWER_KEYS, *FACILITATOR_KEYS}) != (
        len(SHARED_KEYS) + len(VIEWER_KEYS) + len(FACILITATOR_KEYS)
    ):
        raise RuntimeError("a view key is registered in two kinds of part")
    missing = SERVER_COMMANDS - _HANDLERS.keys()
    if missing:
        raise RuntimeError(f"server commands without a handler: {sorted(missing)}")
    untouched = sorted(t for t, fn in _APPLY.items() if fn not in TOUCHERS)
    if untouched:
        raise RuntimeError(f"apply handlers without a touches declaration: {untouched}")
    TOUCHES.clear()
    TOUCHES.update({t: TOUCHERS[fn] for t, fn in _APPLY.items()})
    _SHARED = tuple((k, SHARED_PARTS[k]) for k in SHARED_KEYS)
    _VIEWER = tuple((k, VIEWER_PARTS[k]) for k in VIEWER_KEYS)
    _VIEWER_NO_CARDS = tuple(kp for kp in _VIEWER if kp[0] != "cards")
    _FACILITATOR = tuple((k, FACILITATOR_PARTS[k]) for k in FACILITATOR_KEYS)
    return frozenset(_HANDLERS) - SERVER_COMMANDS


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
    return {key: part(s) for key, part in _SHARED}


def viewer_view(s: RoomState, viewer: str | None, *, cards: bool = True) -> dict[str, Any]:
    """The part of `view()` that depends on who looks (None: the projector). Its keys never overlap
    `shared_view()`'s. `cards=False` leaves the cards out (the hub splices them in from parts
    serialised once per seq)."""
    out = {key: part(s, viewer) for key, part in (_VIEWER if cards else _VIEWER_NO_CARDS)}
    if s.is_fac(viewer):
        for key, part in _FACILITATOR:
            out[key] = part(s, viewer)
    return out


@shared_part("room")
def _room_view(s: RoomState) -> dict[str, Any]:
    return {
        "id": s.room,
        "title": s.title,
        "lang": s.lang,
        "created": s.created,
        "ended": s.ended,
        "date": s.date,
    }


@shared_part("seq")
def _seq_view(s: RoomState) -> int:
    return s.seq


@facilitator_part("stats")
def _stats_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return {pid: _stats_item(s, viewer, pid) for pid in s.participants}


@item_part("stats", differs=lambda s, pid: ())
def _stats_item(s: RoomState, viewer: str | None, pid: str) -> Any:
    if pid not in s.participants:
        return ABSENT
    return dict(s.stats.get(pid, {"cards": 0, "turns": 0, "flagged": 0}))


def _outside_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    """The same shape with nothing in it, for someone who is not (yet) in the room."""
    m = s.method
    return {
        "room": {
            "id": s.room,
            "title": s.title,
            "lang": s.lang,
            "created": s.created,
            "ended": s.ended,
            "date": s.date,
        },
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
        "forcefield": {"current": "", "desired": "", "forces": {}, "links": []},
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
            "closed": False,
        },
        "may": {},
    }
