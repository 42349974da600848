"""Proposals for an outcome field, voted on by the group: where a method says a phase's result is
chosen together (`propose = true` on the outcome; the Socratic uitgangsvraag), the field's writers
propose texts, vote for one of them (one vote each per field; voting for another moves it), and
the facilitator adopts the one the group chose. Adopting writes the proposal's text into the
outcome field like `outcome.set` (versions and `base` as there); the proposals and their counts
stay, for the report. Counts are public; who voted for what is only the voter's own."""

from __future__ import annotations

from typing import Any

from ..methods import Outcome, Phase
from .commands import Draft, _arg_bool, _arg_id, _arg_text, _Bad, _only_keys, check_base, only
from .events import Event
from .limits import MAX_PROPOSALS, MAX_PROPOSALS_PER_PERSON, MAX_TEXT
from .permissions import _need_fac, fac_writes, may_write_outcome
from .registry import applies, handles, touches, viewer_part
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


def _open_field(s: RoomState, field: Any) -> tuple[Phase, Outcome]:
    """The current phase's outcome field `field`, which must take proposals."""
    outcome = next((o for o in s.current.outcomes if o.id == field), None)
    if outcome is None:
        raise _Bad("not_found", "this phase has no such outcome field")
    if not outcome.propose:
        raise _Bad("invalid", "this outcome is written, not proposed and voted on")
    return s.current, outcome


def _need_voice(s: RoomState, actor: str, phase: Phase, outcome: Outcome) -> None:
    """Proposing and voting are the field's writers' (a facilitator's where they write)."""
    if s.is_fac(actor):
        if not fac_writes(s, actor):
            raise _Bad(
                "forbidden", "in this method the facilitator adds no content (turn your writing on first)"
            )
    elif not may_write_outcome(s, actor, phase, outcome):
        raise _Bad("forbidden", "your role does not write this phase's outcome")


def _proposal(s: RoomState, pid: str) -> dict[str, Any]:
    p = s.proposals.get(pid)
    if p is None:
        raise _Bad("not_found", "no such proposal")
    return p


@handles("outcome.propose")
def _propose(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{field, id, text}`: a proposal for the current phase's field."""
    _only_keys(a, "field", "id", "text")
    phase, outcome = _open_field(s, a.get("field"))
    _need_voice(s, actor, phase, outcome)
    pid = _arg_id(a)
    if pid in s.proposals:
        raise _Bad("conflict", "a proposal with this id exists")
    text = _arg_text(a, "text", MAX_TEXT)
    key = f"{phase.id}/{outcome.id}"
    same = [p for p in s.proposals.values() if p["key"] == key]
    if len(same) >= MAX_PROPOSALS:
        raise _Bad("too_large", f"a field takes at most {MAX_PROPOSALS} proposals")
    if not s.is_fac(actor) and sum(1 for p in same if p["author"] == actor) >= MAX_PROPOSALS_PER_PERSON:
        raise _Bad("too_large", f"one person makes at most {MAX_PROPOSALS_PER_PERSON} proposals here")
    return Draft("outcome.proposed", {"id": pid, "key": key, "text": text})


@handles("outcome.withdraw")
def _withdraw(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{id}`: the author takes their proposal back (the facilitator any), until one is adopted."""
    _only_keys(a, "id")
    pid = _arg_id(a)
    p = _proposal(s, pid)
    if p["author"] != actor and not s.is_fac(actor):
        raise _Bad("forbidden", "only its author withdraws a proposal")
    if p["adopted"]:
        raise _Bad("conflict", "this proposal was adopted")
    return Draft("outcome.withdrawn", {"id": pid})


@handles("outcome.vote")
def _vote(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{id, on}`: vote for a proposal (moving one's vote from another of the same field), or
    take the vote back."""
    _only_keys(a, "id", "on")
    pid = _arg_id(a)
    on = _arg_bool(a, "on")
    p = _proposal(s, pid)
    phase, outcome = _open_field(s, p["key"].split("/", 1)[1])
    if p["key"] != f"{phase.id}/{outcome.id}":
        raise _Bad("phase_closed", "that proposal's vote was in another phase")
    _need_voice(s, actor, phase, outcome)
    if on == (actor in p["voters"]):
        raise _Bad("conflict", "you already voted for it" if on else "you have no vote on it")
    return Draft("outcome.voted", {"id": pid, "on": on}, audience=only(actor))


@handles("outcome.adopt")
def _adopt(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{id, base?}`: the facilitator writes the chosen proposal into the field. Choosing is
    leading the process, not content: also where the facilitator adds no content."""
    _only_keys(a, "id", "base")
    _need_fac(s, actor)
    pid = _arg_id(a)
    p = _proposal(s, pid)
    phase, field = p["key"].split("/", 1)
    check_base(s, a, f"outcome.{p['key']}", s.outcomes.get(p["key"], ""), p["text"])
    return Draft("outcome.adopted", {"id": pid, "phase": phase, "field": field, "text": p["text"]})


# --- apply ----------------------------------------------------------------------------------------


@touches("proposals")
@applies("outcome.proposed")
def _a_proposed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.proposals[d["id"]] = {
        "key": d["key"],
        "text": d["text"],
        "author": e.actor,
        "voters": [],
        "adopted": False,
    }


@touches("proposals")
@applies("outcome.withdrawn")
def _a_withdrawn(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.proposals.pop(d["id"], None)


@touches("proposals")
@applies("outcome.voted")
def _a_voted(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    p = s.proposals.get(d["id"])
    if p is None or e.actor is None:
        return
    if d["on"]:
        for other in s.proposals.values():  # one vote per person per field
            if other["key"] == p["key"] and e.actor in other["voters"]:
                other["voters"].remove(e.actor)
        p["voters"].append(e.actor)
    elif e.actor in p["voters"]:
        p["voters"].remove(e.actor)


@touches("proposals", "outcomes", "versions")
@applies("outcome.adopted")
def _a_adopted(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    key = f"{d['phase']}/{d['field']}"
    for p in s.proposals.values():
        if p["key"] == key:
            p["adopted"] = False
    if d["id"] in s.proposals:
        s.proposals[d["id"]]["adopted"] = True
    s.outcomes[key] = d["text"]
    s.versions[f"outcome.{key}"] = e.seq


# --- view -----------------------------------------------------------------------------------------


@viewer_part("proposals")
def _proposals_view(s: RoomState, viewer: str | None) -> dict[str, dict[str, Any]]:
    """`{id: {key, text, author, votes, mine, adopted}}`: counts for all, one's own vote only."""
    return {
        pid: {
            "key": p["key"],
            "text": p["text"],
            "author": p["author"],
            "votes": len(p["voters"]),
            "mine": viewer is not None and viewer in p["voters"],
            "adopted": p["adopted"],
        }
        for pid, p in s.proposals.items()
    }
