"""The drawing board's geometry and picture, kept equal to `client/static/js/tools/drawing-geom.js`:
the Ramer-Douglas-Peucker simplification of a pen stroke (the browser simplifies before sending, the
engine again at decide time, server/rooms/drawing.py), and the SVG of a drawing, as a list of
elements (`svg_items`) that the board, the projector and the report page build in the browser and
that the Markdown report embeds as a `data:image/svg+xml;base64,…` image (`data_uri`).

Integer arithmetic only (squared distances, no square roots), so Python and JavaScript agree to the
point on every input (tests/unit/test_drawing.py runs both on the same fixtures).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

# The board's logical coordinate space: integers 0..W × 0..H, scaled to every screen (viewBox).
DRAW_SIZE = (960, 640)
# A pen stroke's points closer than this to the line between their neighbours kept go (logical units).
EPSILON = 2
# The colours a stroke may have, by name (the name is what events carry), in the toolbar's order.
COLORS: dict[str, str] = {
    "black": "#1f2937",
    "red": "#dc2626",
    "blue": "#2563eb",
    "green": "#15803d",
    "orange": "#ea580c",
    "purple": "#7c3aed",
}
SHAPES = ("pen", "line", "rect", "ellipse", "text")
STROKE_WIDTH = 4
TEXT_SIZE = 28
LABEL_SIZE = 18

Point = list[int]
Item = list[Any]  # [tag, {attribute: value}, text or None]


def dedupe(points: Sequence[Sequence[int]]) -> list[Point]:
    """The points without a point equal to the one before it."""
    out: list[Point] = []
    for p in points:
        if not out or out[-1][0] != p[0] or out[-1][1] != p[1]:
            out.append([p[0], p[1]])
    return out


def _far(p: Point, a: Point, b: Point, eps: int) -> int:
    """How far `p` is from the segment's line a-b, squared and scaled: > 0 when farther than eps.
    The comparison `cross² > eps² · |ab|²` is exact on integers (no division, no root)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    len2 = dx * dx + dy * dy
    if len2 == 0:
        ex, ey = p[0] - a[0], p[1] - a[1]
        return ex * ex + ey * ey - eps * eps
    cross = dx * (p[1] - a[1]) - dy * (p[0] - a[0])
    return cross * cross - eps * eps * len2


def simplify(points: Sequence[Sequence[int]], eps: int = EPSILON) -> list[Point]:
    """Ramer-Douglas-Peucker on integer points (iterative; the first farthest point splits)."""
    pts = dedupe(points)
    n = len(pts)
    if n <= 2:
        return pts
    keep = [False] * n
    keep[0] = keep[n - 1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, at = 0, -1
        for k in range(i + 1, j):
            d = _far(pts[k], pts[i], pts[j], 0)
            if d > best:
                best, at = d, k
        if at >= 0 and _far(pts[at], pts[i], pts[j], eps) > 0:
            keep[at] = True
            stack.append((i, at))
            stack.append((at, j))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def _half(n: int) -> str:
    """n / 2 as the browser writes it: "12" or "12.5"."""
    return str(n // 2) if n % 2 == 0 else f"{n // 2}.5"


def _paint(color: str) -> str:
    return COLORS.get(color, COLORS["black"])


def stroke_items(s: Mapping[str, Any]) -> list[Item]:
    """The SVG elements of one stroke: its shape, and its label as text beside it."""
    pts = s["points"]
    c = _paint(s["color"])
    line = {"stroke": c, "stroke-width": str(STROKE_WIDTH), "fill": "none"}
    rnd = {"stroke-linecap": "round", "stroke-linejoin": "round"}
    shape = s["shape"]
    out: list[Item] = []
    if shape == "text":
        x, y = pts[0]
        attrs = {"x": str(x), "y": str(y), "font-size": str(TEXT_SIZE), "fill": c}
        return [["text", attrs, s.get("label") or ""]]
    if shape == "pen" and len(pts) == 1:
        x, y = pts[0]
        out.append(["circle", {"cx": str(x), "cy": str(y), "r": str(STROKE_WIDTH), "fill": c}, None])
    elif shape == "pen":
        out.append(["polyline", {"points": " ".join(f"{x},{y}" for x, y in pts), **line, **rnd}, None])
    elif shape == "line":
        (x1, y1), (x2, y2) = pts
        out.append(
            ["line", {"x1": str(x1), "y1": str(y1), "x2": str(x2), "y2": str(y2), **line, **rnd}, None]
        )
    else:
        (x1, y1), (x2, y2) = pts
        lx, ly, hx, hy = min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)
        if shape == "rect":
            box = {"x": str(lx), "y": str(ly), "width": str(hx - lx), "height": str(hy - ly)}
            out.append(["rect", {**box, **line}, None])
        else:
            box = {"cx": _half(lx + hx), "cy": _half(ly + hy), "rx": _half(hx - lx), "ry": _half(hy - ly)}
            out.append(["ellipse", {**box, **line}, None])
    label = s.get("label") or ""
    if label:
        lx = min(p[0] for p in pts)
        ly = min(p[1] for p in pts)
        pos = {"x": str(lx), "y": str(max(LABEL_SIZE, ly - 6)), "font-size": str(LABEL_SIZE), "fill": c}
        out.append(["text", pos, label])
    return out


def ordered(strokes: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    """The strokes in the order they were drawn (their seq), the first at the bottom."""
    return sorted(strokes.items(), key=lambda kv: (kv[1]["at"], kv[0]))


def svg_items(drawing: Mapping[str, Any]) -> list[list[Any]]:
    """`[[stroke id, [items…]], …]`: what the browser's `svgItems` returns for the same drawing."""
    return [[sid, stroke_items(s)] for sid, s in ordered(drawing.get("strokes") or {})]


def _el(item: Item) -> str:
    tag, attrs, text = item
    a = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in attrs.items())
    return f"<{tag}{a}>{escape(text, quote=False)}</{tag}>" if text is not None else f"<{tag}{a}/>"


def svg_text(drawing: Mapping[str, Any], title: str) -> str:
    """The drawing as a standalone SVG document (the Markdown report's image)."""
    w, h = DRAW_SIZE
    desc = drawing.get("description") or ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        f' role="img" aria-label="{escape(title, quote=True)}">',
        f"<title>{escape(title, quote=False)}</title>",
        f"<desc>{escape(desc, quote=False)}</desc>" if desc else "",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
        '<g font-family="sans-serif">',
    ]
    for _sid, items in svg_items(drawing):
        parts.extend(_el(i) for i in items)
    parts.append("</g></svg>")
    return "".join(parts)


def data_uri(drawing: Mapping[str, Any], title: str) -> str:
    """The drawing as a `data:image/svg+xml;base64,…` URI: an image inside the file, no link."""
    b64 = base64.b64encode(svg_text(drawing, title).encode()).decode("ascii")
    return "data:image/svg+xml;base64," + b64
