"""The force field: the current and desired situation, promoting and hindering forces, each
person's rating of a force and the facilitator's flag for what the inbrenger can influence; where
the method weighs the forces (a phase's `rate`), ratings and "hangt samen met" links; merging a
duplicate force into another keeps its ratings and links."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .commands import Draft, _arg_bool, _arg_id, _arg_int, _arg_text, _Bad, _only_keys, check_base
from .events import Event
from .limits import MAX_FORCES, MAX_NODE, MAX_TEXT, SCORE, check_share
from .permissions import _need_tool, may_write, tool_open
from .registry import ABSENT, applies, handles, item_part, shared_part, touches
from .state import RoomState, _mean_spread

RATING_KEYS = ("importance", "difficulty", "clarity")


SIDES = ("promoting", "hindering")


# --- decide ---------------------------------------------------------------------------------------


def _force(s: RoomState, fid: str) -> dict[str, Any]:
    f = s.forcefield["forces"].get(fid)
    if f is None:
        raise _Bad("not_found", "no such force")
    return dict(f)


@handles("force.add")
def _force_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "side", "text")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    side = a.get("side")
    if side not in SIDES:
        raise _Bad("invalid", "'side' must be 'promoting' or 'hindering'")
    text = _arg_text(a, "text", MAX_NODE)
    if fid in s.forcefield["forces"]:
        raise _Bad("conflict", "a force with this id exists")
    if len(s.forcefield["forces"]) >= MAX_FORCES:
        raise _Bad("too_large", f"the force field holds at most {MAX_FORCES} forces")
    check_share(actor, s.is_fac(actor), s.forcefield["forces"].values(), MAX_FORCES, "forces")
    return Draft("force.add", {"id": fid, "side": side, "text": text})


@handles("force.edit")
def _force_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    _force(s, fid)
    return Draft("force.edit", {"id": fid, "text": _arg_text(a, "text", MAX_NODE)})


@handles("force.remove")
def _force_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    _force(s, fid)
    return Draft("force.remove", {"id": fid})


def _need_rating(s: RoomState, actor: str) -> None:
    """Ratings and links: only in a phase where the method weighs the forces (`rate`)."""
    if not s.current.rate or not tool_open(s, "forcefield"):
        raise _Bad("phase_closed", "the forces are not weighed in this phase")
    if "listener" in s.roles(actor) and not s.is_fac(actor):
        raise _Bad("forbidden", "silent listeners do not rate forces")


@handles("force.rate")
def _force_rate(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", *RATING_KEYS)
    _need_rating(s, actor)
    fid = _arg_id(a)
    _force(s, fid)
    rating = {k: _arg_int(a, k, *SCORE) for k in RATING_KEYS}
    return Draft("force.rate", {"id": fid, "rating": rating})


@handles("force.merge")
def _force_merge(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`id` is a duplicate of `into`: it goes, its ratings and links move to `into` (where one
    person rated both, the rating of the force that is kept stays)."""
    _only_keys(a, "id", "into")
    _need_tool(s, actor, "forcefield", "force field")
    fid, into = _arg_id(a), _arg_id(a, "into")
    if fid == into:
        raise _Bad("invalid", "a force cannot be merged into itself")
    _force(s, fid)
    _force(s, into)
    return Draft("force.merge", {"id": fid, "into": into})


@handles("force.link")
def _force_link(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "a", "b", "on")
    _need_rating(s, actor)
    if not may_write(s, actor) and not s.is_fac(actor):
        raise _Bad("forbidden", "your role does not write on the force field in this phase")
    one, two = _arg_id(a, "a"), _arg_id(a, "b")
    if one == two:
        raise _Bad("invalid", "a force cannot be linked to itself")
    _force(s, one)
    _force(s, two)
    if a.get("on", True) is True and len(_links(s)) >= MAX_FORCES:
        raise _Bad("too_large", f"at most {MAX_FORCES} links")
    lo, hi = sorted((one, two))
    return Draft("force.link", {"a": lo, "b": hi, "on": _arg_bool(a, "on")})


@handles("force.flag")
def _force_flag(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "influenceable")
    _need_tool(s, actor, "forcefield", "force field")
    fid = _arg_id(a)
    _force(s, fid)
    return Draft("force.flag", {"id": fid, "influenceable": _arg_bool(a, "influenceable")})


@handles("forcefield.set")
def _ff_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "current", "desired", "base")
    if not s.roles(actor) & {"facilitator", "inbrenger"}:
        _need_tool(s, actor, "forcefield", "force field")
    data: dict[str, Any] = {
        k: _arg_text(a, k, MAX_TEXT, empty_ok=True) for k in ("current", "desired") if k in a
    }
    if not data:
        raise _Bad("invalid", "give 'current', 'desired' or both")
    for k, text in data.items():  # `base`: each field given against its own version
        check_base(s, a, "forcefield." + k, s.forcefield[k], text)
    return Draft("forcefield.set", data)


# --- apply ----------------------------------------------------------------------------------------


def _situation(s: RoomState, e: Event) -> list[str]:
    keys = [k for k in ("current", "desired") if k in e.data]
    return [f"forcefield/{k}" for k in keys] + [f"versions/forcefield.{k}" for k in keys]


@touches("forcefield/forces/{id}")
@applies("force.add")
def _a_force_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]] = {
        "side": d["side"],
        "text": d["text"],
        "author": e.actor,
        "influenceable": False,
        "ratings": {},
    }


@touches("forcefield/forces/{id}")
@applies("force.edit")
def _a_force_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]]["text"] = d["text"]


@touches("forcefield/forces/{id}", "forcefield/links")
@applies("force.remove")
def _a_force_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"].pop(d["id"], None)
    _set_links(s, [p for p in _links(s) if d["id"] not in p])


def _links(s: RoomState) -> list[list[str]]:
    links: list[list[str]] = s.forcefield.setdefault("links", [])
    return links


def _set_links(s: RoomState, pairs: list[list[str]]) -> None:
    """Pairs of force ids, each sorted, no duplicates, no force linked to itself, in first order."""
    out: list[list[str]] = []
    for one, two in pairs:
        pair = sorted((one, two))
        if one != two and pair not in out:
            out.append(pair)
    s.forcefield["links"] = out


@touches("forcefield")
@applies("force.merge")
def _a_force_merge(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    forces = s.forcefield["forces"]
    gone = forces.pop(d["id"])
    kept = forces[d["into"]]
    for pid, rating in gone["ratings"].items():
        kept["ratings"].setdefault(pid, rating)
    _set_links(s, [[d["into"] if x == d["id"] else x for x in pair] for pair in _links(s)])


@touches("forcefield/links")
@applies("force.link")
def _a_force_link(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    pair = [d["a"], d["b"]]
    rest = [p for p in _links(s) if p != pair]
    _set_links(s, [*rest, pair] if d["on"] else rest)


@touches("forcefield/forces/{id}")
@applies("force.rate")
def _a_force_rate(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]]["ratings"][e.actor] = dict(d["rating"])


@touches("forcefield/forces/{id}")
@applies("force.flag")
def _a_force_flag(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.forcefield["forces"][d["id"]]["influenceable"] = d["influenceable"]


@touches(_situation)
@applies("forcefield.set")
def _a_ff_set(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for k in ("current", "desired"):
        if k in d:
            s.forcefield[k] = d[k]
            s.versions["forcefield." + k] = e.seq


# --- view -----------------------------------------------------------------------------------------


def force_summary(f: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ratings = f["ratings"].values()
    for k in RATING_KEYS:
        mean, spread = _mean_spread([r[k] for r in ratings])
        out[k] = {"mean": mean, "spread": spread}
    out["n"] = len(ratings)
    return out


@shared_part("forcefield")
def _forcefield_view(s: RoomState) -> dict[str, Any]:
    inbrenger = s.case["inbrenger"]
    return {
        "links": [list(p) for p in s.forcefield.get("links", [])],
        "current": s.forcefield["current"],
        "desired": s.forcefield["desired"],
        "forces": {fid: _force_view(f, inbrenger) for fid, f in s.forcefield["forces"].items()},
    }


def _force_view(f: Mapping[str, Any], inbrenger: str | None) -> dict[str, Any]:
    return {
        "side": f["side"],
        "text": f["text"],
        "author": f["author"],
        "influenceable": f["influenceable"],
        "ratings": {pid: dict(r) for pid, r in f["ratings"].items()},  # {pid: {key: int}}
        "summary": force_summary(f),
        # The inbrenger decides the scores: theirs, beside the group's mean, once given.
        "decided": dict(f["ratings"][inbrenger]) if inbrenger in f["ratings"] else None,
    }


@item_part("forcefield")
def _situation_item(s: RoomState, viewer: str | None, key: str) -> Any:
    """`forcefield/current` and `forcefield/desired` (the forces are `forcefield/forces/<id>`)."""
    return s.forcefield[key] if key in ("current", "desired") else _forcefield_view(s).get(key, ABSENT)


@item_part("forcefield/forces")
def _force_item(s: RoomState, viewer: str | None, fid: str) -> Any:
    f = s.forcefield["forces"].get(fid)
    return ABSENT if f is None else _force_view(f, s.case["inbrenger"])
