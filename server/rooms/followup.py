"""Continuity between the meetings of an intervisie group: reports on the open action plans of
earlier meetings, and who chairs and who brings a case next time."""

from __future__ import annotations

import copy
from typing import Any

from .commands import Draft, _arg_text, _Bad, _only_keys
from .events import Event
from .limits import MAX_TEXT
from .permissions import _need_fac, tool_open
from .registry import applies, handles, shared_part, touches
from .state import RoomState

FOLLOWUP_STATUS = ("done", "partly", "not_yet")


# --- decide ---------------------------------------------------------------------------------------


@handles("followup.report")
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


@handles("meeting.next")
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


# --- apply ----------------------------------------------------------------------------------------


@touches("followups")
@applies("followup.report")
def _a_followup(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for f in s.followups:
        if f["meeting"] == d["meeting"]:
            f["report"] = {"status": d["status"], "text": d["text"], "at": e.at, "by": e.actor}


@touches("next_roles")
@applies("meeting.next")
def _a_meeting_next(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.next_roles = {"chair": d.get("chair"), "inbrenger": d.get("inbrenger")}


# --- view -----------------------------------------------------------------------------------------


@shared_part("group")
def _group_view(s: RoomState) -> str | None:
    return s.group


@shared_part("followups")
def _followups_view(s: RoomState) -> list[dict[str, Any]]:
    return copy.deepcopy(s.followups)


@shared_part("next_roles")
def _next_roles_view(s: RoomState) -> dict[str, str | None]:
    return dict(s.next_roles)
