"""The method's phases: moving between them, their minutes, the planned end of the meeting, and
switching to another method mid-meeting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..methods import BASIC_METHOD, PHASE_MINUTES, Method, parse_method
from .commands import Draft, _arg_int, _Bad, _only_keys, public_fields, scoped_key
from .evaluation import close_when_left
from .events import Event
from .permissions import _need_fac
from .registry import applies, expands, handles, shared_part, touches
from .state import RoomState, _timer_for

# --- decide ---------------------------------------------------------------------------------------


def _phase_draft(s: RoomState, index: int) -> Draft:
    if not 0 <= index < len(s.method.phases):
        raise _Bad("invalid", f"phase index must be from 0 to {len(s.method.phases) - 1}")
    if index == s.phase:
        raise _Bad("invalid", "the group is already in that phase")
    data: dict[str, Any] = {"index": index, "id": s.method.phases[index].id}
    if s.queued and "vote" in s.method.phases[index].tools:
        # Werkvragen submitted before the meeting stay private until the case choice.
        # A werkvraag kept under its id that a public candidate took meanwhile moves aside to its
        # author's own key (commands.py, "ids of private items").
        data["released"] = {
            (scoped_key(q["author"], k) if k in s.vote["candidates"] else k): public_fields(q)
            for k, q in s.queued.items()
        }
    return Draft("phase.changed", data)


@handles("phase.next")
def _phase_next(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    if s.phase >= len(s.method.phases) - 1:
        raise _Bad("invalid", "this is the last phase")
    return _phase_draft(s, s.phase + 1)


@handles("phase.prev")
def _phase_prev(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    if s.phase == 0:
        raise _Bad("invalid", "this is the first phase")
    return _phase_draft(s, s.phase - 1)


@handles("phase.goto")
def _phase_goto(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "index")
    _need_fac(s, actor)
    return _phase_draft(s, _arg_int(a, "index", 0, len(s.method.phases) - 1))


@handles("phase.minutes")
def _phase_minutes(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "index", "minutes")
    _need_fac(s, actor)
    index = _arg_int(a, "index", 0, len(s.method.phases) - 1)
    minutes = _arg_int(a, "minutes", *PHASE_MINUTES)
    return Draft("phase.minutes", {"id": s.method.phases[index].id, "minutes": minutes})


@handles("meeting.end")
def _meeting_end(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "at")
    _need_fac(s, actor)
    at = a.get("at")
    if at is not None and (not isinstance(at, int) or isinstance(at, bool) or at < 0 or at > 10**14):
        raise _Bad("invalid", "'at' must be a time in ms since the epoch, or null")
    return Draft("meeting.end", {"at": at})


@handles("method.switch")
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


# --- apply ----------------------------------------------------------------------------------------


def _enter_phase(s: RoomState, index: int, at: int) -> None:
    left = s.current
    old = left.id
    s.used_ms[old] = s.used_ms.get(old, 0) + max(0, at - s.phase_started)
    close_when_left(s, left, s.method.phases[index])
    s.phase = index
    s.phase_started = at
    s.timer = _timer_for(s.phase_minutes(s.current), at, True)
    s.round = None


def _phase_touches(s: RoomState, e: Event) -> list[str]:
    """A phase change: the phase, its timer and round, the progress and everyone's `may`; the vote
    and the queued werkvragen when it releases them; the evaluation when leaving it closes it."""
    out = ["phase", "timer", "round", "method/progress", "may", "speakers"]
    if e.data.get("released"):
        out += ["vote", "queued"]
    entered = s.method.phases[e.data["index"]]
    if s.evaluation and "evaluation" in s.current.tools and "evaluation" not in entered.tools:
        out.append("evaluation")
    return out


@touches(_phase_touches)
@applies("phase.changed")
def _a_phase(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    _enter_phase(s, d["index"], e.at)
    for cid, q in (d.get("released") or {}).items():
        s.vote["candidates"][cid] = {"text": q["text"], "author": q["author"]}
    if d.get("released"):
        s.queued.clear()


@touches("method/progress")
@applies("phase.minutes")
def _a_minutes(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.minutes[d["id"]] = d["minutes"]


@touches("meeting_end")
@applies("meeting.end")
def _a_meeting_end(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.meeting_end = d["at"]


@touches("method", "phase", "timer", "round", "may", "evaluation", "speakers", "plan_missing")
@applies("method.switched")
def _a_switch(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    left = s.current
    old = left.id
    s.used_ms[old] = s.used_ms.get(old, 0) + max(0, e.at - s.phase_started)
    s.method = parse_method(d["method"], "room")
    s.minutes = {}
    close_when_left(s, left, s.method.phases[d["index"]])
    s.phase = d["index"]
    s.phase_started = e.at
    s.timer = _timer_for(s.phase_minutes(s.current), e.at, True)
    s.round = None


# --- view -----------------------------------------------------------------------------------------


@shared_part("method")
def _method_view(s: RoomState) -> dict[str, Any]:
    m = s.method
    phases = []
    for i, p in enumerate(m.phases):
        progress = _progress_of(s, i)
        phases.append(
            {
                "id": p.id,
                "title": p.title.to_dict(),
                "instructions": p.instructions.to_dict(),
                "minutes": progress["minutes"],
                "planned": p.minutes,
                "used_ms": progress["used_ms"],
                "tools": list(p.tools),
                "show": list(p.show),
                "order": list(p.order),
                "rate": p.rate,
                "plan": p.plan,
                "cards": list(p.cards),
                "private": p.private,
                "writers": list(p.writers),
                "fallback": p.fallback,
                "outcomes": [o.to_dict() for o in p.outcomes],
                "per_person": p.per_person,
                "inbrenger_listens": p.inbrenger_listens,
                "hints": list(p.hints),
                "state": progress["state"],
            }
        )
    return {
        "id": m.id,
        "name": m.name.to_dict(),
        "level": m.level,
        "kind": m.kind,
        "summary": m.summary.to_dict(),
        "rules": [r.to_dict() for r in m.rules],
        "labels": {role: t.to_dict() for role, t in m.labels},
        "facilitator_writes": m.facilitator_writes,
        "phases": phases,
        "minutes": sum(s.phase_minutes(p) for p in m.phases),
    }


def _progress_of(s: RoomState, i: int) -> dict[str, Any]:
    """What moves in a phase of the method while the meeting goes on (the rest is static)."""
    p = s.method.phases[i]
    return {
        "minutes": s.phase_minutes(p),
        "used_ms": s.used_ms.get(p.id, 0),
        "state": "done" if i < s.phase else ("current" if i == s.phase else "next"),
    }


@expands("method/progress")
def _progress(s: RoomState) -> list[tuple[str, Any]]:
    """A phase change or new minutes: each phase's progress and the total, not the method's texts
    (static: in the welcome, and again only when the method changes)."""
    ops = [
        (f"method/phases/{i}/{k}", v)
        for i in range(len(s.method.phases))
        for k, v in _progress_of(s, i).items()
    ]
    ops.append(("method/minutes", sum(s.phase_minutes(p) for p in s.method.phases)))
    return ops


@shared_part("phase")
def _phase_view(s: RoomState) -> dict[str, Any]:
    return {"index": s.phase, "id": s.current.id, "started": s.phase_started}


@shared_part("meeting_end")
def _meeting_end_view(s: RoomState) -> int | None:
    return s.meeting_end
