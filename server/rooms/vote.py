"""Voting on the candidate cases: each vote is private to the voter until the facilitator closes
the vote and the tally is published."""

from __future__ import annotations

from typing import Any

from .commands import Draft, _arg_id, _arg_int, _Bad, _only_keys, only
from .events import Event
from .limits import VOTES_PER_PERSON
from .permissions import _need_fac, tool_open
from .registry import applies, handles, touches, viewer_part
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


@handles("vote.cast")
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
    return Draft("vote.cast", {"id": cid}, audience=only(actor))


@handles("vote.retract")
def _vote_retract(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    cid = _arg_id(a)
    if s.vote["closed"]:
        raise _Bad("conflict", "the vote is closed")
    if not s.vote["votes"].get(actor, {}).get(cid):
        raise _Bad("not_found", "you have no vote on that candidate")
    return Draft("vote.retract", {"id": cid}, audience=only(actor))


@handles("vote.config")
def _vote_config(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "votes")
    _need_fac(s, actor)
    return Draft("vote.config", {"votes": _arg_int(a, "votes", *VOTES_PER_PERSON)})


@handles("vote.close")
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


# --- apply ----------------------------------------------------------------------------------------


@touches("vote")
@applies("vote.cast")
def _a_vote(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    per = s.vote["votes"].setdefault(e.actor, {})
    per[d["id"]] = per.get(d["id"], 0) + 1


@touches("vote")
@applies("vote.retract")
def _a_retract(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    per = s.vote["votes"].setdefault(e.actor, {})
    per[d["id"]] = per.get(d["id"], 0) - 1
    if per[d["id"]] <= 0:
        del per[d["id"]]


@touches("vote")
@applies("vote.config")
def _a_vote_config(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["per_person"] = d["votes"]


@touches("vote", "may")
@applies("vote.closed")
def _a_vote_closed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["closed"] = True
    s.vote["tally"] = d["tally"]


# --- view -----------------------------------------------------------------------------------------


@viewer_part("vote")
def _vote_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    vote = s.vote
    candidates = {}
    for cid, c in vote["candidates"].items():
        entry: dict[str, Any] = {"text": c["text"], "author": c["author"]}
        if vote["closed"]:
            entry["votes"] = vote.get("tally", {}).get(cid, 0)
        candidates[cid] = entry
    return {
        "candidates": candidates,
        "mine": dict(vote["votes"].get(viewer, {})) if viewer else {},
        "per_person": vote["per_person"],
        "closed": vote["closed"],
        "chosen": vote["chosen"],
        "voters": sum(1 for v in vote["votes"].values() if v),
    }
