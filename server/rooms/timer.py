"""The shared timer: started, paused, resumed and extended by the facilitator or the timekeeper.
Nothing ticks on the server: the timer is a deadline (running) or what remains (paused)."""

from __future__ import annotations

from typing import Any

from .commands import Draft, _arg_int, _Bad, _only_keys
from .events import Event
from .limits import MAX_TIMER_S
from .registry import applies, handles, shared_part, touches
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


def _may_time(s: RoomState, actor: str) -> None:
    if not s.roles(actor) & {"facilitator", "timekeeper"}:
        raise _Bad("forbidden", "only the facilitator or the timekeeper may run the timer")


@handles("timer.start")
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


@handles("timer.pause")
def _timer_pause(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _may_time(s, actor)
    if not s.timer["running"]:
        raise _Bad("invalid", "the timer is not running")
    return Draft(
        "timer.set",
        {**s.timer, "running": False, "deadline": None, "remaining_ms": int(s.timer["deadline"]) - now},
    )


@handles("timer.resume")
def _timer_resume(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _may_time(s, actor)
    if s.timer["running"]:
        raise _Bad("invalid", "the timer is already running")
    rem = int(s.timer["remaining_ms"])
    return Draft("timer.set", {**s.timer, "running": True, "deadline": now + rem, "remaining_ms": rem})


@handles("timer.add")
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


# --- apply ----------------------------------------------------------------------------------------


@touches("timer")
@applies("timer.set")
def _a_timer(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.timer = {k: d[k] for k in ("running", "deadline", "remaining_ms", "duration_ms")}


# --- view -----------------------------------------------------------------------------------------


@shared_part("timer")
def _timer_view(s: RoomState) -> dict[str, Any]:
    return dict(s.timer)
