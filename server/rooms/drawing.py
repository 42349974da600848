"""The shared drawing board (seed 001: "laat twee deelnemers een tekening maken en dit beeld
teruggeven na circa 30 minuten"): pen strokes, lines, rectangles, ellipses and text, each with an
optional label, and a text description of the picture for people who cannot see it.

A phase opens the board with `tools = ["drawing"]`; its writers draw there. The facilitator may
also appoint drawers (`draw.private`): from then on only they draw and see the board, in any phase,
until the facilitator or one of them gives the picture back (`draw.giveback`). While it is private
every stroke is an event for the drawers alone (its audience is the set of their pids); everyone
else, the facilitator included unless appointed, sees only who is drawing and since when (the timer
the drawers and the facilitator see). Giving it back is one public event that carries the picture,
like the reveal of private cards.

Coordinates are integers in a fixed space (server/drawing_svg.py DRAW_SIZE) that every screen
scales; a pen stroke is simplified (Ramer-Douglas-Peucker) here at decide time, as the browser did
before sending, so the log holds what every replay shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..drawing_svg import COLORS, DRAW_SIZE, SHAPES, simplify
from .commands import Draft, _arg_id, _arg_int, _arg_text, _Bad, _only_keys
from .events import Event
from .limits import (
    DRAW_MINUTES,
    DRAW_MINUTES_DEFAULT,
    MAX_DRAWERS,
    MAX_DRAWING_POINTS,
    MAX_LABEL,
    MAX_STROKE_POINTS,
    MAX_STROKES,
    MAX_TEXT,
    check_share,
)
from .permissions import _need_fac, _need_tool, inbrenger_listening
from .registry import ABSENT, applies, handles, item_part, touches, viewer_part
from .state import RoomState

# How many points each shape has: a pen stroke 1 (a dot) or more, a text its anchor.
POINTS = {"line": 2, "rect": 2, "ellipse": 2, "text": 1}


def new_drawing() -> dict[str, Any]:
    """An empty, public board (RoomState.drawing)."""
    return {
        "strokes": {},
        "description": "",
        "private": False,
        "drawers": [],
        "started": None,
        "minutes": DRAW_MINUTES_DEFAULT,
        "given": None,
    }


def hidden_from(s: RoomState, viewer: str | None) -> bool:
    """Whether the picture is private and `viewer` (None: the projector) is not drawing it."""
    d = s.drawing
    return bool(d["private"]) and viewer not in d["drawers"]


def audience(s: RoomState) -> frozenset[str] | None:
    """Who may see a change of the picture now: the drawers while it is private, else everyone."""
    return frozenset(s.drawing["drawers"]) if s.drawing["private"] else None


# --- decide ---------------------------------------------------------------------------------------


def _need_draw(s: RoomState, actor: str) -> None:
    """The drawers while the picture is private (in any phase); else the phase's writers where the
    phase opens the board (a facilitator who writes content: anywhere). An inbrenger the facilitator
    appointed draws in private even in a phase where they listen: nothing of it is shared until the
    picture is given back."""
    if s.drawing["private"]:
        if actor not in s.drawing["drawers"]:
            raise _Bad("forbidden", "only the appointed drawers draw while the drawing is private")
        return
    if inbrenger_listening(s, actor):
        raise _Bad("forbidden", "the inbrenger listens in this phase and changes nothing shared")
    _need_tool(s, actor, "drawing", "drawing board")


def _points(a: Mapping[str, Any], shape: str) -> list[list[int]]:
    pts = a.get("points")
    if not isinstance(pts, list) or not pts:
        raise _Bad("invalid", "'points' must be a non-empty list of [x, y] pairs")
    if len(pts) > MAX_STROKE_POINTS:
        raise _Bad("too_large", f"a stroke has at most {MAX_STROKE_POINTS} points (simplify it first)")
    w, h = DRAW_SIZE
    out: list[list[int]] = []
    for p in pts:
        if (
            not isinstance(p, list)
            or len(p) != 2
            or any(isinstance(v, bool) or not isinstance(v, int) for v in p)
            or not (0 <= p[0] <= w and 0 <= p[1] <= h)
        ):
            raise _Bad("invalid", f"each point must be [x, y] with whole numbers 0-{w} and 0-{h}")
        out.append([p[0], p[1]])
    want = POINTS.get(shape)
    if want is not None and len(out) != want:
        raise _Bad("invalid", f"a {shape} has {want} point{'s' if want > 1 else ''}")
    return simplify(out) if shape == "pen" else out


def _label(a: Mapping[str, Any], shape: str) -> str:
    label = _arg_text(a, "label", MAX_LABEL, empty_ok=True) if "label" in a else ""
    if shape == "text" and not label:
        raise _Bad("invalid", "a text needs its 'label' (the words to show)")
    return label


def _stroke(s: RoomState, a: Mapping[str, Any]) -> dict[str, Any]:
    sid = _arg_id(a)
    stroke: dict[str, Any] | None = s.drawing["strokes"].get(sid)
    if stroke is None:
        raise _Bad("not_found", "no such stroke")
    return stroke


@handles("draw.add")
def _draw_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{id, shape, points, color, label?}`: a stroke or shape; a pen stroke simplified."""
    _only_keys(a, "id", "shape", "points", "color", "label")
    _need_draw(s, actor)
    sid = _arg_id(a)
    shape = a.get("shape")
    if shape not in SHAPES:
        raise _Bad("invalid", f"'shape' must be one of {', '.join(SHAPES)}")
    color = a.get("color")
    if not isinstance(color, str) or color not in COLORS:
        raise _Bad("invalid", f"'color' must be one of {', '.join(COLORS)}")
    points = _points(a, shape)
    label = _label(a, shape)
    strokes = s.drawing["strokes"]
    if sid in strokes:
        raise _Bad("conflict", "a stroke with this id exists")
    if len(strokes) >= MAX_STROKES:
        raise _Bad("too_large", f"a drawing holds at most {MAX_STROKES} strokes")
    if sum(len(x["points"]) for x in strokes.values()) + len(points) > MAX_DRAWING_POINTS:
        raise _Bad("too_large", f"a drawing holds at most {MAX_DRAWING_POINTS} points")
    check_share(actor, s.is_fac(actor), strokes.values(), MAX_STROKES, "strokes")
    data = {"id": sid, "shape": shape, "points": points, "color": color, "label": label}
    return Draft("draw.add", data, audience=audience(s))


@handles("draw.remove")
def _draw_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{id}`: the eraser, or undoing one's own stroke."""
    _only_keys(a, "id")
    _need_draw(s, actor)
    _stroke(s, a)
    return Draft("draw.remove", {"id": a["id"]}, audience=audience(s))


@handles("draw.label")
def _draw_label(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{id, label}`: a shape's label (a text's words), "" for none."""
    _only_keys(a, "id", "label")
    _need_draw(s, actor)
    stroke = _stroke(s, a)
    if "label" not in a:
        raise _Bad("invalid", "'label' must be a string")
    label = _label(a, stroke["shape"])
    return Draft("draw.label", {"id": a["id"], "label": label}, audience=audience(s))


@handles("draw.describe")
def _draw_describe(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{text}`: the picture in words, for people who cannot see it."""
    _only_keys(a, "text")
    _need_draw(s, actor)
    text = _arg_text(a, "text", MAX_TEXT, empty_ok=True)
    return Draft("draw.describe", {"text": text}, audience=audience(s))


@handles("draw.private")
def _draw_private(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{drawers, minutes?}`: the facilitator appoints who draws in private (on an empty board), or
    changes the drawers or the minutes while they draw."""
    _only_keys(a, "drawers", "minutes")
    _need_fac(s, actor)
    drawers = a.get("drawers")
    if (
        not isinstance(drawers, list)
        or not drawers
        or len(drawers) > MAX_DRAWERS
        or any(not isinstance(p, str) or p not in s.participants for p in drawers)
        or len(set(drawers)) != len(drawers)
    ):
        raise _Bad("invalid", f"'drawers' must name 1 to {MAX_DRAWERS} people in the room, each once")
    minutes = _arg_int(a, "minutes", *DRAW_MINUTES) if "minutes" in a else s.drawing["minutes"]
    d = s.drawing
    if not d["private"] and (d["strokes"] or d["description"]):
        raise _Bad("conflict", "the board has a drawing already (clear it first)")
    return Draft("draw.private", {"drawers": list(drawers), "minutes": minutes})


@handles("draw.giveback")
def _draw_giveback(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{}`: the facilitator or a drawer gives the picture back to the group: everyone sees it."""
    _only_keys(a)
    d = s.drawing
    if not d["private"]:
        raise _Bad("conflict", "the drawing is not private")
    if not s.is_fac(actor) and actor not in d["drawers"]:
        raise _Bad("forbidden", "only the facilitator or a drawer gives the drawing back")
    strokes = {sid: _stroke_view(x) for sid, x in d["strokes"].items()}
    return Draft("draw.giveback", {"strokes": strokes, "description": d["description"]})


@handles("draw.clear")
def _draw_clear(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{}`: the facilitator empties a board that is not private (to draw anew)."""
    _only_keys(a)
    _need_fac(s, actor)
    if s.drawing["private"]:
        raise _Bad("conflict", "the drawing is private: give it back first")
    return Draft("draw.clear", {})


# --- apply ----------------------------------------------------------------------------------------


@touches("drawing/strokes/{id}")
@applies("draw.add")
def _a_draw_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.drawing["strokes"][d["id"]] = {
        "shape": d["shape"],
        "points": d["points"],
        "color": d["color"],
        "label": d["label"],
        "author": e.actor,
        "at": e.seq,
    }


@touches("drawing/strokes/{id}")
@applies("draw.remove")
def _a_draw_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.drawing["strokes"].pop(d["id"], None)


@touches("drawing/strokes/{id}")
@applies("draw.label")
def _a_draw_label(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.drawing["strokes"][d["id"]]["label"] = d["label"]


@touches("drawing/description")
@applies("draw.describe")
def _a_draw_describe(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.drawing["description"] = d["text"]


@touches("drawing", "may")
@applies("draw.private")
def _a_draw_private(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    dr = s.drawing
    if not dr["private"]:
        dr["private"] = True
        dr["started"] = e.at
        dr["given"] = None
    dr["drawers"] = list(d["drawers"])
    dr["minutes"] = d["minutes"]


@touches("drawing", "may")
@applies("draw.giveback")
def _a_draw_giveback(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.drawing["private"] = False
    s.drawing["given"] = e.at


@touches("drawing")
@applies("draw.clear")
def _a_draw_clear(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.drawing = new_drawing()


# --- view -----------------------------------------------------------------------------------------


def _stroke_view(x: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "shape": x["shape"],
        "points": [p[:] for p in x["points"]],
        "color": x["color"],
        "label": x["label"],
        "author": x["author"],
        "at": x["at"],
    }


def _drawers_here(s: RoomState) -> list[str]:
    """The drawers still in the room: someone removed is no longer named as drawing (a removal
    touches `drawing/drawers`, server/rooms/admission.py)."""
    return [p for p in s.drawing["drawers"] if p in s.participants]


@viewer_part("drawing")
def _drawing_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    """The board as `viewer` sees it: while private and they do not draw it, who draws and since
    when, with no stroke and no description."""
    d = s.drawing
    hidden = hidden_from(s, viewer)
    return {
        "private": d["private"],
        "drawers": _drawers_here(s),
        "started": d["started"],
        "minutes": d["minutes"],
        "given": d["given"],
        "description": "" if hidden else d["description"],
        "strokes": {} if hidden else {sid: _stroke_view(x) for sid, x in d["strokes"].items()},
    }


@item_part("drawing")
def _drawing_item(s: RoomState, viewer: str | None, key: str) -> Any:
    """`drawing/description` and the other small fields, without building the strokes."""
    if key == "strokes":
        return _drawing_view(s, viewer)["strokes"]
    if key == "description":
        return "" if hidden_from(s, viewer) else s.drawing["description"]
    if key in ("private", "started", "minutes", "given"):
        return s.drawing[key]
    if key == "drawers":
        return _drawers_here(s)
    return ABSENT


@item_part("drawing/strokes")
def _stroke_item(s: RoomState, viewer: str | None, sid: str) -> Any:
    x = s.drawing["strokes"].get(sid)
    return ABSENT if x is None or hidden_from(s, viewer) else _stroke_view(x)
