"""The action plan (SMART fields), written by the inbrenger; the others suggest, the inbrenger
accepts or dismisses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .cards import card_visible
from .commands import Draft, _arg_id, _arg_text, _Bad, _only_keys, check_base
from .events import Event
from .limits import MAX_CARDS, MAX_TEXT, check_share
from .permissions import _need_tool, tool_open
from .registry import ABSENT, applies, facilitator_part, handles, item_part, shared_part, touches
from .state import RoomState

PLAN_FIELDS = (
    "action",
    "specific",
    "measurable",
    "acceptable",
    "realistic",
    "timebound",
    "first_step",
    "review_date",
)
# The evaluation plan (a phase's `plan = "evaluation"`, krachtenveld's Evaluatieplan): how you will
# notice the plan works, and check moments, each a date and what is checked then.
EVAL_PLAN_FIELDS = (
    "criteria",
    "check1_date",
    "check1",
    "check2_date",
    "check2",
    "check3_date",
    "check3",
)
ALL_PLAN_FIELDS = PLAN_FIELDS + EVAL_PLAN_FIELDS
DATE_FIELDS = frozenset({"review_date", "check1_date", "check2_date", "check3_date"})


# --- decide ---------------------------------------------------------------------------------------


def _plan_field(a: Mapping[str, Any]) -> str:
    f = a.get("field")
    if f not in ALL_PLAN_FIELDS:
        raise _Bad("invalid", f"'field' must be one of {', '.join(ALL_PLAN_FIELDS)}")
    return str(f)


@handles("plan.set")
def _plan_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "field", "text", "base")
    f = _plan_field(a)
    text = _arg_text(a, "text", MAX_TEXT, empty_ok=True)
    if not s.is_fac(actor):
        if "inbrenger" not in s.roles(actor):
            raise _Bad("forbidden", "the inbrenger writes the action plan; others may suggest")
        if not tool_open(s, "plan"):
            raise _Bad("phase_closed", "the action plan is not open in this phase")
    check_base(s, a, "plan." + f, s.plan.get(f, ""), text)
    return Draft("plan.set", {"field": f, "text": text})


@handles("plan.suggest")
def _plan_suggest(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "field", "text")
    sid = _arg_id(a)
    f = _plan_field(a)
    text = _arg_text(a, "text", MAX_TEXT)
    _need_tool(s, actor, "plan", "action plan")
    if sid in s.suggestions:
        raise _Bad("conflict", "a suggestion with this id exists")
    if len(s.suggestions) >= MAX_CARDS:
        raise _Bad("too_large", "too many suggestions")
    check_share(actor, s.is_fac(actor), s.suggestions.values(), MAX_CARDS, "suggestions")
    return Draft("plan.suggest", {"id": sid, "field": f, "text": text})


def _suggestion_decision(s: RoomState, a: Mapping[str, Any], actor: str) -> str:
    _only_keys(a, "id")
    sid = _arg_id(a)
    if sid not in s.suggestions:
        raise _Bad("not_found", "no such suggestion")
    if not s.roles(actor) & {"inbrenger", "facilitator"}:
        raise _Bad("forbidden", "the inbrenger decides on suggestions")
    return sid


@handles("plan.accept")
def _plan_accept(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    sid = _suggestion_decision(s, a, actor)
    sug = s.suggestions[sid]
    return Draft("plan.accept", {"id": sid, "field": sug["field"], "text": sug["text"]})


@handles("plan.dismiss")
def _plan_dismiss(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    return Draft("plan.dismiss", {"id": _suggestion_decision(s, a, actor)})


# --- apply ----------------------------------------------------------------------------------------


@touches("plan/{field}", "versions/plan.{field}", "plan_missing")
@applies("plan.set")
def _a_plan_set(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.plan[d["field"]] = d["text"]
    s.versions["plan." + d["field"]] = e.seq


@touches("suggestions/{id}")
@applies("plan.suggest")
def _a_plan_suggest(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.suggestions[d["id"]] = {"field": d["field"], "text": d["text"], "author": e.actor, "status": "open"}


@touches("plan/{field}", "versions/plan.{field}", "suggestions/{id}", "plan_missing")
@applies("plan.accept")
def _a_plan_accept(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.plan[d["field"]] = d["text"]
    s.versions["plan." + d["field"]] = e.seq
    s.suggestions[d["id"]]["status"] = "accepted"


@touches("suggestions/{id}")
@applies("plan.dismiss")
def _a_plan_dismiss(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.suggestions[d["id"]]["status"] = "dismissed"


# --- view -----------------------------------------------------------------------------------------


@shared_part("versions")
def _versions_view(s: RoomState) -> dict[str, int]:
    """Beside the texts, not inside them: the seq of each edited field's last change ("plan.who"),
    the `base` an edit names (absent: never changed, base 0). A card's only while everyone sees
    it: a hidden card's version would tell others it exists."""
    return {k: v for k, v in s.versions.items() if not k.startswith("card.") or _public_card(s, k[5:])}


def _public_card(s: RoomState, cid: str) -> bool:
    c = s.cards.get(cid)
    return c is not None and card_visible(c, None)


@shared_part("plan")
def _plan_view(s: RoomState) -> dict[str, str]:
    return {f: s.plan.get(f, "") for f in ALL_PLAN_FIELDS}


@item_part("versions")
def _version_item(s: RoomState, viewer: str | None, key: str) -> Any:
    if key.startswith("card.") and not _public_card(s, key[5:]):
        return ABSENT  # as in the whole part: a hidden card's version is nobody's business
    return s.versions.get(key, ABSENT)


@item_part("plan")
def _plan_item(s: RoomState, viewer: str | None, f: str) -> Any:
    return s.plan.get(f, "") if f in ALL_PLAN_FIELDS else ABSENT


@item_part("suggestions")
def _suggestion_item(s: RoomState, viewer: str | None, sid: str) -> Any:
    v = s.suggestions.get(sid)
    return ABSENT if v is None else dict(v)


@shared_part("suggestions")
def _suggestions_view(s: RoomState) -> dict[str, Any]:
    return {k: dict(v) for k, v in s.suggestions.items()}


@facilitator_part("plan_missing")
def _plan_missing_view(s: RoomState, viewer: str | None) -> bool:
    """The method has an action plan and neither its action nor its first step is written: the
    facilitator's page asks before skipping the plan's phase or ending the meeting."""
    has_plan = any("plan" in p.tools for p in s.method.phases)
    return has_plan and not (s.plan.get("action", "").strip() or s.plan.get("first_step", "").strip())
