"""Who may do what: the phase's tools and writer groups, the facilitator's override, and the `may`
block of the view (the client shows controls from it; it decides nothing)."""

from __future__ import annotations

from typing import Any

from ..methods import Outcome, Phase
from .commands import _Bad
from .registry import viewer_part
from .state import RoomState

# What a listening inbrenger may not do (a phase's `inbrenger_listens`): everything that changes
# what the group shares. Their own notes, their evaluation and their votes stay theirs. The drawing
# board decides for itself (server/rooms/drawing.py `_need_draw`): an inbrenger appointed to draw in
# private draws there, since nothing of it is shared until it is given back.
SHARED_EDITS = frozenset(
    {
        "card.add",
        "card.edit",
        "card.remove",
        "card.mark",
        "case.set",
        "case.reformulate",
        "case.propose",
        "plan.set",
        "plan.suggest",
        "plan.accept",
        "plan.dismiss",
        "mindmap.add",
        "mindmap.edit",
        "mindmap.move",
        "mindmap.remove",
        "force.add",
        "force.edit",
        "force.remove",
        "force.rate",
        "force.flag",
        "forcefield.set",
        "outcome.set",
    }
)


def inbrenger_listening(s: RoomState, pid: str | None) -> bool:
    """The inbrenger in a phase where the method says they listen (a facilitator never is)."""
    return s.current.inbrenger_listens and "inbrenger" in s.roles(pid) and not s.is_fac(pid)


def fac_writes(s: RoomState, pid: str | None) -> bool:
    """A facilitator who writes content anywhere: unless the method says the facilitator adds no
    content and they have not turned their own writing on (server/rooms/outcomes.py)."""
    return s.is_fac(pid) and (s.method.facilitator_writes or pid in s.fac_writing)


def _need_fac(s: RoomState, actor: str) -> None:
    if not s.is_fac(actor):
        raise _Bad("forbidden", "only the facilitator may do this")


def may_write(s: RoomState, pid: str | None, phase: Phase | None = None) -> bool:
    p = phase or s.current
    return bool(s.groups(pid) & set(p.writers))


def may_write_outcome(s: RoomState, pid: str | None, phase: Phase, outcome: Outcome) -> bool:
    """An outcome field's writers (the phase's, unless the field names its own)."""
    if phase.inbrenger_listens and "inbrenger" in s.roles(pid) and not s.is_fac(pid):
        return False
    return bool(s.groups(pid) & set(outcome.writers or phase.writers))


def tool_open(s: RoomState, tool: str) -> bool:
    return tool in s.current.tools


def _need_tool(s: RoomState, actor: str, tool: str, label: str) -> None:
    """Board content: the tool must be open in this phase and the actor one of its writers."""
    if fac_writes(s, actor):
        return
    if s.is_fac(actor):
        raise _Bad("forbidden", "in this method the facilitator adds no content (turn your writing on first)")
    if not tool_open(s, tool):
        raise _Bad("phase_closed", f"the {label} is not open in this phase")
    if not may_write(s, actor):
        raise _Bad("forbidden", f"your role does not write on the {label} in this phase")


def may_draw(s: RoomState, pid: str | None) -> bool:
    """Who draws on the board now (server/rooms/drawing.py): its drawers while it is private, in
    any phase (an appointed inbrenger too where they listen: nothing is shared until it is given
    back); else the writers of a phase that opens it."""
    if pid is None or pid not in s.participants:
        return False
    if s.drawing["private"]:
        return pid in s.drawing["drawers"]
    if inbrenger_listening(s, pid):
        return False
    if fac_writes(s, pid):
        return True
    return not s.is_fac(pid) and tool_open(s, "drawing") and may_write(s, pid)


def may_note(s: RoomState, pid: str | None) -> bool:
    """Silent listeners may always write notes; others where the phase opens notes to them."""
    g = s.groups(pid)
    if "listeners" in g:
        return True
    return tool_open(s, "notes") and bool(g & set(s.current.note_writers))


def card_kinds_for(s: RoomState, pid: str | None) -> list[str]:
    if pid is None or pid not in s.participants:
        return []
    if inbrenger_listening(s, pid):
        return []
    if fac_writes(s, pid) or (may_write(s, pid) and not s.is_fac(pid)):
        return list(s.current.cards)
    return []


@viewer_part("may")
def permissions(s: RoomState, pid: str | None) -> dict[str, Any]:
    """What this person may do right now; the client shows controls from this, it decides nothing."""
    roles = s.roles(pid)
    fac = "facilitator" in roles
    listening = inbrenger_listening(s, pid)
    writer = not listening and (fac_writes(s, pid) or (not fac and may_write(s, pid)))
    return {
        "facilitator": fac,
        "timer": bool(roles & {"facilitator", "timekeeper"}),
        "cards": card_kinds_for(s, pid),
        "mindmap": writer and (fac or tool_open(s, "mindmap")),
        "forcefield": writer and (fac or tool_open(s, "forcefield")),
        "rate": s.current.rate and tool_open(s, "forcefield") and ("listener" not in roles or fac),
        "link": s.current.rate and tool_open(s, "forcefield") and writer,
        "notes": may_note(s, pid),
        "plan": fac or ("inbrenger" in roles and tool_open(s, "plan") and not listening),
        "suggest": not fac and "inbrenger" not in roles and writer and tool_open(s, "plan"),
        "vote": tool_open(s, "vote") and not s.vote["closed"],
        "propose": (fac or tool_open(s, "vote"))
        and not s.vote["closed"]
        and ("listener" not in roles or fac),
        "case": fac or ("inbrenger" in roles and not listening),
        "mark": fac or ("inbrenger" in roles and not listening),
        "outcome": [
            o.id
            for o in s.current.outcomes
            if (fac_writes(s, pid) if fac else not o.propose and may_write_outcome(s, pid, s.current, o))
        ],
        # Fields the group proposes and votes on (server/rooms/proposals.py): this person's voice.
        "outcome_propose": [
            o.id
            for o in s.current.outcomes
            if o.propose and (fac_writes(s, pid) if fac else may_write_outcome(s, pid, s.current, o))
        ],
        # The method says the facilitator adds no content: their own switch (`facilitator.writes`).
        "fac_write_switch": fac and not s.method.facilitator_writes,
        "evaluate": tool_open(s, "evaluation") and not s.evaluation_closed,
        "draw": may_draw(s, pid),
    }
