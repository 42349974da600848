"""The evaluation: scores for content and process and what someone learned, private to their
author. Before the evaluation closes the view shows only how many people answered; once it is
closed (its phase ends, or the facilitator closes it) it shows the means, each only when at least
MIN_EVAL_N people gave that score. Nobody submits or changes a score after the close, so
consecutive views cannot tell one person's score from the next (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from ..methods import Phase
from .commands import Draft, _arg_int, _arg_text, _Bad, _only_keys, only
from .events import Event
from .limits import MAX_CARD, SCORE
from .permissions import _need_fac, tool_open
from .registry import applies, handles, touches, viewer_part
from .state import RoomState, _mean_spread

EVAL_KEYS = ("content", "process")  # the two scores
SCORES = EVAL_KEYS
MIN_EVAL_N = 3  # a mean of fewer scores says too much about each of them

# --- decide ---------------------------------------------------------------------------------------


@handles("eval.submit")
def _eval_submit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, *EVAL_KEYS, "learned")
    if not tool_open(s, "evaluation"):
        raise _Bad("phase_closed", "the evaluation is not open in this phase")
    if s.evaluation_closed:
        raise _Bad("conflict", "the evaluation is closed")
    data: dict[str, Any] = {}
    for k in EVAL_KEYS:
        if a.get(k) is not None:
            data[k] = _arg_int(a, k, *SCORE)
    if "learned" in a:
        data["learned"] = _arg_text(a, "learned", MAX_CARD, empty_ok=True)
    if not data:
        raise _Bad("invalid", "give a score for content or process, or what you learned")
    # Scores are anonymous in the aggregate: only the author sees their own submission.
    return Draft("eval.submit", data, audience=only(actor))


@handles("evaluation.close")
def _eval_close(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """The facilitator closes the evaluation: no more scores, and the means may be shown."""
    _only_keys(a)
    _need_fac(s, actor)
    if s.evaluation_closed:
        raise _Bad("conflict", "the evaluation is closed")
    return Draft("evaluation.closed", {})


# --- apply ----------------------------------------------------------------------------------------


@touches("evaluation")
@applies("eval.submit")
def _a_eval(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.evaluation.setdefault(str(e.actor), {}).update(d)


@touches("evaluation", "may")
@applies("evaluation.closed")
def _a_eval_closed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.evaluation_closed = True


def close_when_left(s: RoomState, left: Phase, entered: Phase) -> None:
    """The evaluation's phase ends (a phase change or a method switch away from the evaluation
    tool): once anyone answered, the evaluation is closed for good."""
    if s.evaluation and "evaluation" in left.tools and "evaluation" not in entered.tools:
        s.evaluation_closed = True


# --- view -----------------------------------------------------------------------------------------


def evaluation_means(s: RoomState) -> dict[str, float | None]:
    """The mean of each score as anyone may see it: only once the evaluation is closed and at
    least MIN_EVAL_N people gave that score, else None. Every later use of the scores (the room's
    view and report, the group's trend) goes through this."""
    out: dict[str, float | None] = {}
    for k in SCORES:
        vals = [int(v[k]) for v in s.evaluation.values() if k in v]
        out[k] = _mean_spread(vals)[0] if s.evaluation_closed and len(vals) >= MIN_EVAL_N else None
    return out


@viewer_part("evaluation")
def evaluation_summary(s: RoomState, viewer: str | None) -> dict[str, Any]:
    """How many answered, the means as `evaluation_means` allows, and the viewer's own answers."""
    means = evaluation_means(s)
    out: dict[str, Any] = {"n": len(s.evaluation)}
    for k in EVAL_KEYS:
        out[k] = {"mean": means[k], "n": sum(1 for v in s.evaluation.values() if k in v)}
    out["mine"] = dict(s.evaluation.get(viewer or "", {}))
    out["closed"] = s.evaluation_closed
    return out
