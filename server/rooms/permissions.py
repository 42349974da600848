"""Who may do what: the phase's tools and writer groups, the facilitator's override, and the `may`
block of the view (the client shows controls from it; it decides nothing)."""

from __future__ import annotations

from typing import Any

from ..methods import Phase
from .commands import _Bad
from .registry import viewer_part
from .state import RoomState


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


@viewer_part("may")
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
        "rate": s.current.rate and tool_open(s, "forcefield") and ("listener" not in roles or fac),
        "link": s.current.rate and tool_open(s, "forcefield") and writer,
        "notes": may_note(s, pid),
        "plan": fac or ("inbrenger" in roles and tool_open(s, "plan")),
        "suggest": not fac and "inbrenger" not in roles and writer and tool_open(s, "plan"),
        "vote": tool_open(s, "vote") and not s.vote["closed"],
        "propose": (fac or tool_open(s, "vote"))
        and not s.vote["closed"]
        and ("listener" not in roles or fac),
        "case": bool(roles & {"facilitator", "inbrenger"}),
        "mark": bool(roles & {"facilitator", "inbrenger"}),
        "evaluate": tool_open(s, "evaluation") and not s.evaluation_closed,
    }
