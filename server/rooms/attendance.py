"""Attendance in a group meeting (personal data, docs/privacy.md): the server records when a
member first comes in (`attendance.seen`, on their hello), and the facilitator confirms or corrects
who was there at the end (`attendance.confirm`). Only facilitators see it in the room, in their
view: on the wire both events reach everyone, the facilitators too, as the `private` placeholder
(audience NOBODY). The member's own statement of participation reads it back
(server/reflection.py)."""

from __future__ import annotations

from typing import Any

from .commands import Draft, _arg_id, _Bad, _only_keys
from .events import NOBODY, Event
from .limits import MAX_PARTICIPANTS
from .permissions import _need_fac
from .registry import applies, facilitator_part, handles, touches
from .state import RoomState


@handles("attendance.seen")
def _seen(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "pid")
    if actor:
        raise _Bad("forbidden", "only the server records attendance")
    pid = _arg_id(a, "pid")
    if s.group is None or pid not in s.participants:
        raise _Bad("not_found", "no such participant in a group meeting")
    if pid in s.attendance:
        raise _Bad("conflict", "already recorded")
    return Draft("attendance.seen", {"pid": pid}, audience=NOBODY)


@handles("attendance.confirm")
def _confirm(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """The facilitator confirms who was there: the list replaces the recorded one."""
    _only_keys(a, "present")
    _need_fac(s, actor)
    present = a.get("present")
    if not isinstance(present, list) or len(present) > MAX_PARTICIPANTS:
        raise _Bad("invalid", "'present' must be a list of participant ids")
    if any(not isinstance(p, str) or p not in s.participants for p in present):
        raise _Bad("not_found", "'present' names someone who is not a participant")
    return Draft("attendance.confirmed", {"present": sorted(set(present))}, audience=NOBODY)


@touches("attendance")
@applies("attendance.seen")
def _a_seen(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.attendance[d["pid"]] = e.at


@touches("attendance")
@applies("attendance.confirmed")
def _a_confirmed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.attendance_confirmed = list(d["present"])


@facilitator_part("attendance")
def _attendance_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return {"seen": dict(s.attendance), "confirmed": s.attendance_confirmed}
