"""Phase outcomes: the written result a phase asks of its writers (the Socratic answer, the
ui-model's "nu / gewenst" per layer, what the inbrenger did, the inbrenger's reaction), one text per
field, with versions and `base` conflicts like the plan. The method names the fields (a phase's
`outcomes`); later phases may show them (`show = ["outcomes"]`), and the report files them under
their phase. Also the facilitator's own switch for writing where the method says they add no
content (`facilitator_writes = false`, socratisch)."""

from __future__ import annotations

from typing import Any

from .commands import Draft, _arg_bool, _arg_text, _Bad, _only_keys, check_base
from .events import Event
from .limits import MAX_TEXT
from .permissions import fac_writes, may_write_outcome
from .registry import applies, handles, shared_part, touches
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


@handles("outcome.set")
def _outcome_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{field, text, phase?, base?}`: the field's writers while its phase is the current one; a
    facilitator who writes (`fac_writes`) in any phase, to correct what was written."""
    _only_keys(a, "field", "text", "phase", "base")
    phase_id = a.get("phase", s.current.id)
    index = s.method.phase_index(phase_id) if isinstance(phase_id, str) else None
    if index is None:
        raise _Bad("not_found", "no such phase in this method")
    phase = s.method.phases[index]
    field = a.get("field")
    outcome = next((o for o in phase.outcomes if o.id == field), None)
    if outcome is None:
        raise _Bad("not_found", "this phase has no such outcome field")
    text = _arg_text(a, "text", MAX_TEXT, empty_ok=True)
    if s.is_fac(actor):
        if not fac_writes(s, actor):
            raise _Bad(
                "forbidden", "in this method the facilitator adds no content (turn your writing on first)"
            )
    else:
        if phase_id != s.current.id:
            raise _Bad("phase_closed", "that phase's outcome is written in that phase")
        if not may_write_outcome(s, actor, phase, outcome):
            raise _Bad("forbidden", "your role does not write this phase's outcome")
        if outcome.propose:
            raise _Bad("forbidden", "this outcome is proposed and voted on; the facilitator adopts one")
    key = f"{phase_id}/{field}"
    check_base(s, a, f"outcome.{key}", s.outcomes.get(key, ""), text)
    return Draft("outcome.set", {"phase": phase_id, "field": field, "text": text})


@handles("facilitator.writes")
def _facilitator_writes(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{on}`: a facilitator turns their own writing tools on (or off again) where the method says
    the facilitator adds no content; the room sees that they did."""
    _only_keys(a, "on")
    on = _arg_bool(a, "on")
    if not s.is_fac(actor):
        raise _Bad("forbidden", "only a facilitator turns their own writing on")
    if s.method.facilitator_writes:
        raise _Bad("invalid", "in this method the facilitator writes anyway")
    return Draft("facilitator.writes", {"on": on})


# --- apply ----------------------------------------------------------------------------------------


@touches("outcomes", "versions")  # keys hold a "/": the whole (small) parts
@applies("outcome.set")
def _a_outcome_set(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    key = f"{d['phase']}/{d['field']}"
    s.outcomes[key] = d["text"]
    s.versions[f"outcome.{key}"] = e.seq


@touches("fac_writing", "may")
@applies("facilitator.writes")
def _a_facilitator_writes(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    if e.actor is None:
        return
    if d["on"] and e.actor not in s.fac_writing:
        s.fac_writing.append(e.actor)
    elif not d["on"] and e.actor in s.fac_writing:
        s.fac_writing.remove(e.actor)


# --- view -----------------------------------------------------------------------------------------


@shared_part("outcomes")
def _outcomes_view(s: RoomState) -> dict[str, str]:
    """`{"<phase>/<field>": text}` for every outcome field written so far."""
    return dict(s.outcomes)


@shared_part("fac_writing")
def _fac_writing_view(s: RoomState) -> list[str]:
    """The facilitators who turned their own writing on where the method says they add no content."""
    return list(s.fac_writing)
