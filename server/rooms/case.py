"""The case: the question and its reformulation, candidate cases (proposals, werkvragen queued
before the case choice) and the choice that makes one of them the case and its author the inbrenger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .commands import (
    Draft,
    _arg_id,
    _arg_text,
    _Bad,
    _only_keys,
    _sentences,
    check_base,
    item_key,
    only,
    public_fields,
    scoped_record,
    scoped_view,
)
from .events import Event
from .limits import MAX_CANDIDATES, MAX_CANDIDATES_PER_PERSON, MAX_PITCH, MAX_SENTENCES, MAX_TEXT
from .permissions import _need_fac, tool_open
from .registry import applies, handles, shared_part, touches, viewer_part
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


@handles("case.set")
def _case_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "question", "base")
    if not s.roles(actor) & {"facilitator", "inbrenger"}:
        raise _Bad("forbidden", "only the inbrenger or the facilitator may set the question")
    question = _arg_text(a, "question", MAX_TEXT)
    check_base(s, a, "case.question", s.case["question"], question)
    return Draft("case.set", {"question": question})


@handles("case.reformulate")
def _case_reformulate(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "text", "base")
    if not s.roles(actor) & {"facilitator", "inbrenger"}:
        raise _Bad("forbidden", "the inbrenger has the final word on the reformulation")
    if not s.case["question"]:
        raise _Bad("invalid", "there is no question to reformulate yet")
    text = _arg_text(a, "text", MAX_TEXT)
    check_base(s, a, "case.reformulation", s.case["reformulation"], text)
    return Draft("case.reformulate", {"text": text})


def queued_visible(q: Mapping[str, Any], viewer: str | None) -> bool:
    return bool(q["author"] == viewer)


def _candidate(s: RoomState, a: dict[str, Any], actor: str, *, propose: bool) -> tuple[str, str, str]:
    """The one rule set for a candidate case, whether proposed during the case choice
    (`case.propose`) or queued before it (`case.queue`): the id and text, then who may, when, and
    how many (at most MAX_CANDIDATES in the room, MAX_CANDIDATES_PER_PERSON per person, queued and
    proposed together). Saving an existing candidate of one's own again changes its text.
    Returns the id as given, the key it names, and the text."""
    _only_keys(a, "id", "text")
    cid = _arg_id(a)
    # An id that only someone else's private werkvraag has is answered as a free one: a queued
    # werkvraag of the actor's is kept under a key of its own (commands.py, "ids of private
    # items"); a public proposal takes the id, and the hidden one moves aside when it is released.
    key = item_key(s.queued, actor, cid, queued_visible)
    queued = s.queued.get(key)
    if queued is None and (propose or tool_open(s, "vote")):
        key = cid
    text = _arg_text(a, "text", MAX_PITCH)
    if propose and not s.is_fac(actor) and not tool_open(s, "vote"):
        raise _Bad("phase_closed", "proposing a case is not open in this phase")
    if "listener" in s.roles(actor) and not s.is_fac(actor):
        raise _Bad("forbidden", "silent listeners do not bring a case")
    if s.vote["closed"]:
        raise _Bad("conflict", "the vote is closed")
    if s.vote["chosen"] is not None:
        raise _Bad("conflict", "the case has been chosen")
    if _sentences(text) > MAX_SENTENCES:
        raise _Bad("invalid", "pitch your question in at most three sentences")
    existing = s.vote["candidates"].get(key)
    if existing is not None and (existing["author"] != actor or not (propose or tool_open(s, "vote"))):
        raise _Bad("conflict", "that id is taken")
    if existing is None and queued is None:
        if len(s.vote["candidates"]) + len(s.queued) >= MAX_CANDIDATES:
            raise _Bad("too_large", f"at most {MAX_CANDIDATES} candidate cases")
        own = sum(1 for c in s.vote["candidates"].values() if c["author"] == actor)
        own += sum(1 for q in s.queued.values() if q["author"] == actor)
        if own >= MAX_CANDIDATES_PER_PERSON:
            raise _Bad("too_large", f"at most {MAX_CANDIDATES_PER_PERSON} candidate cases per person")
    return cid, key, text


@handles("case.propose")
def _case_propose(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _cid, key, text = _candidate(s, a, actor, propose=True)
    return Draft("case.proposed", {"id": key, "text": text})


@handles("case.withdraw")
def _case_withdraw(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    cid = _arg_id(a)
    c = s.vote["candidates"].get(cid)
    if c is None:
        raise _Bad("not_found", "no such candidate")
    if c["author"] != actor and not s.is_fac(actor):
        raise _Bad("forbidden", "only its author may withdraw a case")
    return Draft("case.withdrawn", {"id": cid})


@handles("case.choose")
def _case_choose(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    _need_fac(s, actor)
    cid = _arg_id(a)
    c = s.vote["candidates"].get(cid)
    if c is None:
        raise _Bad("not_found", "no such candidate")
    return Draft("case.chosen", {"id": cid, "inbrenger": c["author"], "question": c["text"]})


@handles("case.queue")
def _case_queue(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """A werkvraag submitted ahead of the case choice: private to its author until then. During
    the case choice it is a proposal; the rules are those of `case.propose` either way."""
    cid, key, text = _candidate(s, a, actor, propose=False)
    if tool_open(s, "vote"):
        return Draft("case.proposed", {"id": key, "text": text})
    return Draft("case.queued", {"id": cid, "text": text}, audience=only(actor))


# --- apply ----------------------------------------------------------------------------------------


@touches("case", "versions/case.question", "mindmap/root")
@applies("case.set")
def _a_case(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.case["question"] = d["question"]
    s.versions["case.question"] = e.seq
    if s.case["inbrenger"] is None and "inbrenger" in s.roles(e.actor):
        s.case["inbrenger"] = e.actor


@touches("case", "versions/case.reformulation", "mindmap/root")
@applies("case.reformulate")
def _a_reform(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.case["reformulation"] = d["text"]
    s.versions["case.reformulation"] = e.seq


@touches("vote", "queued")
@applies("case.proposed")
def _a_proposed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["candidates"][d["id"]] = {"text": d["text"], "author": e.actor}
    q = s.queued.get(d["id"])
    if q is not None and q["author"] == e.actor:
        del s.queued[d["id"]]  # one's own queued werkvraag, proposed after all


@touches("vote")
@applies("case.withdrawn")
def _a_withdrawn(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["candidates"].pop(d["id"], None)
    for per in s.vote["votes"].values():
        per.pop(d["id"], None)


@touches(
    "vote",
    "case",
    "versions/case.question",
    "versions/case.reformulation",
    "participants",
    "mindmap/root",
    "may",
    "speakers",
    "notes_hidden_by",
    "forcefield",  # the forces' `decided`: the new inbrenger's scores
)
@applies("case.chosen")
def _a_chosen(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.vote["chosen"] = d["id"]
    s.case["question"] = d["question"]
    s.case["reformulation"] = ""
    s.versions["case.question"] = s.versions["case.reformulation"] = e.seq
    who = d["inbrenger"]
    for pid, p in s.participants.items():
        if "inbrenger" in p["roles"] and pid != who:
            p["roles"] = [r for r in p["roles"] if r != "inbrenger"]
    if who in s.participants and "inbrenger" not in s.participants[who]["roles"]:
        s.participants[who]["roles"] = sorted([*s.participants[who]["roles"], "inbrenger"])
    s.case["inbrenger"] = who if who in s.participants else None


@touches("queued")
@applies("case.queued")
def _a_queued(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    key = item_key(s.queued, e.actor, d["id"], queued_visible)
    s.queued[key] = scoped_record(key, d["id"], {"text": d["text"], "author": e.actor})


# --- view -----------------------------------------------------------------------------------------


@shared_part("case")
def _case_view(s: RoomState) -> dict[str, Any]:
    return dict(s.case)


@viewer_part("queued")
def _queued_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return scoped_view(s.queued, viewer, queued_visible, public_fields)
