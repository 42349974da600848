"""The evaluation: scores for content and process and what someone learned, private to their
author; the view shows only means and counts."""

from __future__ import annotations

from typing import Any

from .commands import Draft, _arg_int, _arg_text, _Bad, _only_keys
from .events import Event
from .limits import MAX_CARD, SCORE
from .permissions import tool_open
from .registry import applies, handles, viewer_part
from .state import RoomState, _mean_spread

EVAL_KEYS = ("content", "process")  # the two scores

# --- decide ---------------------------------------------------------------------------------------


@handles("eval.submit")
def _eval_submit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, *EVAL_KEYS, "learned")
    if not tool_open(s, "evaluation"):
        raise _Bad("phase_closed", "the evaluation is not open in this phase")
    data: dict[str, Any] = {}
    for k in EVAL_KEYS:
        if a.get(k) is not None:
            data[k] = _arg_int(a, k, *SCORE)
    if "learned" in a:
        data["learned"] = _arg_text(a, "learned", MAX_CARD, empty_ok=True)
    if not data:
        raise _Bad("invalid", "give a score for content or process, or what you learned")
    # Scores are anonymous in the aggregate: only the author sees their own submission.
    return Draft("eval.submit", data, audience=actor)


# --- apply ----------------------------------------------------------------------------------------


@applies("eval.submit")
def _a_eval(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.evaluation.setdefault(str(e.actor), {}).update(d)


# --- view -----------------------------------------------------------------------------------------


@viewer_part("evaluation")
def evaluation_summary(s: RoomState, viewer: str | None) -> dict[str, Any]:
    """Scores only in the aggregate (means and counts); each person sees their own entry."""
    out: dict[str, Any] = {"n": len(s.evaluation)}
    for k in EVAL_KEYS:
        vals = [int(v[k]) for v in s.evaluation.values() if k in v]
        mean, _ = _mean_spread(vals)
        out[k] = {"mean": mean, "n": len(vals)}
    out["mine"] = dict(s.evaluation.get(viewer or "", {}))
    return out
