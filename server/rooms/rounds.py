"""Speaking rounds: an order of speakers with a time per turn, passed on by the speaker, the
timekeeper or the facilitator."""

from __future__ import annotations

import copy
import random
from typing import Any

from .commands import Draft, _arg_int, _Bad, _only_keys
from .events import Event
from .limits import ROUND_DEFAULT_S, ROUND_SECONDS
from .permissions import _need_fac, may_write, tool_open
from .registry import applies, handles, shared_part, touches
from .state import RoomState, _stat

# --- decide ---------------------------------------------------------------------------------------


def default_speakers(s: RoomState) -> list[str]:
    """Who speaks in a round by default: the phase's writers (the listeners in a listening round,
    the participants in a round of questions), never the facilitator nor the inbrenger, whom a
    round turns to: they speak in turn only where nobody else would."""
    writers = [p for p in s.participants if may_write(s, p) and not s.roles(p) & {"facilitator", "inbrenger"}]
    if not writers:
        writers = [p for p in s.participants if not s.roles(p) & {"inbrenger", "facilitator", "listener"}]
    return writers or [p for p in s.participants if not s.is_fac(p)] or list(s.participants)


@handles("round.start")
def _round_start(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "order", "seconds", "shuffle")
    _need_fac(s, actor)
    if not tool_open(s, "rounds"):
        raise _Bad("phase_closed", "this phase has no rounds")
    secs = _arg_int(a, "seconds", *ROUND_SECONDS) if "seconds" in a else ROUND_DEFAULT_S
    order = a.get("order")
    if order is None:
        order = default_speakers(s)
    if not isinstance(order, list) or not order or not all(isinstance(p, str) for p in order):
        raise _Bad("invalid", "'order' must be a non-empty list of participant ids")
    if len(set(order)) != len(order):
        raise _Bad("invalid", "'order' names someone twice")
    unknown = [p for p in order if p not in s.participants]
    if unknown:
        raise _Bad("not_found", "'order' names someone who is not in the room")
    if a.get("shuffle", False) is True:
        order = list(order)
        random.Random(now * 1_000_003 + s.seq).shuffle(order)
    return Draft(
        "round.started",
        {"order": order, "seconds": secs, "deadline": now + secs * 1000, "phase": s.current.id},
    )


@handles("round.next")
def _round_next(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    r = s.round
    if r is None or r["done"]:
        raise _Bad("invalid", "no round is running")
    speaker = r["order"][r["index"]]
    if actor != speaker and not s.roles(actor) & {"facilitator", "timekeeper"}:
        raise _Bad("forbidden", "only the speaker, the timekeeper or the facilitator passes the turn")
    nxt = r["index"] + 1
    done = nxt >= len(r["order"])
    return Draft(
        "round.next",
        {"index": nxt, "done": done, "deadline": None if done else now + int(r["seconds"]) * 1000},
    )


@handles("round.stop")
def _round_stop(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    if s.round is None:
        raise _Bad("invalid", "no round is running")
    return Draft("round.stopped", {})


# --- apply ----------------------------------------------------------------------------------------


@touches("round")
@applies("round.started")
def _a_round_started(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.round = {
        "order": list(d["order"]),
        "index": 0,
        "seconds": d["seconds"],
        "deadline": d["deadline"],
        "phase": d["phase"],
        "done": False,
    }


@touches("round", "stats")
@applies("round.next")
def _a_round_next(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    r = s.round
    assert r is not None
    _stat(s, r["order"][r["index"]], "turns")
    r["index"] = d["index"]
    r["done"] = d["done"]
    r["deadline"] = d["deadline"]


@touches("round")
@applies("round.stopped")
def _a_round_stopped(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.round = None


# --- view -----------------------------------------------------------------------------------------


@shared_part("round")
def _round_view(s: RoomState) -> dict[str, Any] | None:
    return copy.deepcopy(s.round)


@shared_part("speakers")
def _speakers_view(s: RoomState) -> list[str]:
    """The order a round would start with now (the facilitator may reorder it before starting)."""
    return default_speakers(s) if "rounds" in s.current.tools else []
