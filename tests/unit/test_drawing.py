"""The drawing board (server/rooms/drawing.py, server/drawing_svg.py): a stroke's caps and its
simplification (the same in Python and in the browser's drawing-geom.js), who draws where, drawing in
private and giving the picture back, and the picture in the Markdown report."""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from engine_harness import Room

from server import drawing_svg
from server.drawing_svg import DRAW_SIZE, EPSILON, data_uri, simplify, svg_items, svg_text
from server.report import markdown
from server.rooms import view
from server.rooms.limits import MAX_DRAWING_POINTS, MAX_STROKE_POINTS, MAX_STROKES, person_cap

JS_FILE = Path(__file__).resolve().parents[2] / "client" / "static" / "js" / "tools" / "drawing-geom.js"


def drawing_room() -> Room:
    """Balint's judgement phase opens the board; F facilitates, I brings the case, A, B and C draw."""
    r = Room("balint")
    r.join("F", "Fenna", ["facilitator"])
    for pid in ("I", "A", "B", "C"):
        r.join(pid)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    return r


def _open(r: Room) -> None:
    idx = next(i for i, p in enumerate(r.state.method.phases) if "drawing" in p.tools)
    r.do("F", "phase.goto", index=idx)


# --- simplification ---------------------------------------------------------------------------------


def test_simplify_keeps_corners_and_drops_what_lies_on_a_line() -> None:
    line = [[x, 100] for x in range(0, 200, 5)]
    assert simplify(line) == [[0, 100], [195, 100]]
    corner = [[x, 0] for x in range(0, 101, 10)] + [[100, y] for y in range(10, 101, 10)]
    assert simplify(corner) == [[0, 0], [100, 0], [100, 100]]
    # Within EPSILON of the line goes, beyond it stays.
    assert simplify([[0, 0], [50, EPSILON], [100, 0]]) == [[0, 0], [100, 0]]
    assert simplify([[0, 0], [50, EPSILON + 1], [100, 0]]) == [[0, 0], [50, EPSILON + 1], [100, 0]]
    # Repeated points, a dot, a closed loop.
    assert simplify([[5, 5], [5, 5], [5, 5]]) == [[5, 5]]
    loop = [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]
    assert simplify(loop) == loop


def _fixtures() -> list[list[list[int]]]:
    rnd = random.Random(22)
    w, h = DRAW_SIZE
    out: list[list[list[int]]] = [[[1, 1]], [[0, 0], [0, 0]], [[0, 0], [3, 1], [6, 0]]]
    for n in (5, 40, 200, 600):
        x, y = rnd.randrange(w), rnd.randrange(h)
        pts = []
        for _ in range(n):  # a hand's wander: small steps
            x = min(w, max(0, x + rnd.randint(-6, 6)))
            y = min(h, max(0, y + rnd.randint(-6, 6)))
            pts.append([x, y])
        out.append(pts)
    out.append([[rnd.randrange(w), rnd.randrange(h)] for _ in range(300)])  # scribbles
    return out


_NODE_SCRIPT = r"""
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const src = fs.readFileSync(input.file, "utf8");
import("data:text/javascript;charset=utf-8," + encodeURIComponent(src)).then((g) => {
  process.stdout.write(JSON.stringify({
    simple: input.strokes.map((p) => g.simplify(p, input.eps)),
    capped: input.strokes.map((p) => g.fit(p, input.eps, input.cap)),
    items: g.svgItems(input.drawing, input.palette),
    shapes: g.SHAPES,
  }));
});
"""


def _drawing_fixture() -> dict[str, object]:
    strokes = {
        "s1": {
            "shape": "pen",
            "points": [[10, 10], [40, 60], [90, 20]],
            "color": "red",
            "label": "pad & <weg>",
        },
        "s2": {"shape": "pen", "points": [[300, 300]], "color": "blue", "label": ""},
        "s3": {"shape": "line", "points": [[5, 600], [700, 20]], "color": "green", "label": ""},
        "s4": {"shape": "rect", "points": [[500, 400], [401, 301]], "color": "black", "label": "het team"},
        "s5": {"shape": "ellipse", "points": [[0, 0], [101, 51]], "color": "orange", "label": "ik"},
        "s6": {"shape": "text", "points": [[200, 500]], "color": "purple", "label": 'Stilte "hier"'},
    }
    for i, s in enumerate(strokes.values()):
        s.update(author="A", at=10 - i)  # drawn in reverse: the order follows `at`
    return {"strokes": strokes, "description": "Een team rond een tafel"}


def test_js_matches_python() -> None:
    node = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if node is None:
        pytest.skip("node is not installed; cannot run client/static/js/tools/drawing-geom.js")
    strokes = _fixtures()
    drawing = _drawing_fixture()
    payload = {
        "file": str(JS_FILE),
        "strokes": strokes,
        "eps": EPSILON,
        "cap": 20,
        "drawing": drawing,
        "palette": drawing_svg.COLORS,
    }
    proc = subprocess.run(
        [node, "-e", _NODE_SCRIPT], input=json.dumps(payload), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    assert js["simple"] == [simplify(p) for p in strokes]
    for pts, capped in zip(strokes, js["capped"], strict=True):
        assert len(capped) <= 20 and capped[0] == simplify(pts)[0]
    assert js["items"] == svg_items(drawing)
    assert js["shapes"] == list(drawing_svg.SHAPES)
    assert [sid for sid, _ in js["items"]] == ["s6", "s5", "s4", "s3", "s2", "s1"]


# --- caps and rules ---------------------------------------------------------------------------------


def test_a_stroke_is_simplified_when_it_is_decided_and_its_caps_hold() -> None:
    r = drawing_room()
    _open(r)
    wobbly = [[x, 200 + (x % 2)] for x in range(100, 400)]  # 300 points, all within a pixel of a line
    e = r.do("A", "draw.add", id="s1", shape="pen", points=wobbly, color="red")
    assert e.data["points"] == [[100, 200], [399, 201]]
    assert r.view("B")["drawing"]["strokes"]["s1"]["points"] == [[100, 200], [399, 201]]
    assert r.replayed().drawing == r.state.drawing
    too_many = [[x, 100 + 50 * (x % 2)] for x in range(MAX_STROKE_POINTS + 1)]
    r.refuse("A", "draw.add", "too_large", id="s2", shape="pen", points=too_many, color="red")
    w, h = DRAW_SIZE
    for bad in ([[w + 1, 0]], [[0, -1]], [[1.5, 2]], [[True, 2]], [[1, 2, 3]], [], "0,0", [["1", "2"]]):
        r.refuse("A", "draw.add", "invalid", id="s2", shape="pen", points=bad, color="red")
    r.refuse("A", "draw.add", "invalid", id="s2", shape="line", points=[[0, 0]], color="red")
    r.refuse("A", "draw.add", "invalid", id="s2", shape="rect", points=[[0, 0], [1, 1], [2, 2]], color="red")
    r.refuse("A", "draw.add", "invalid", id="s2", shape="text", points=[[0, 0]], color="red")
    r.refuse("A", "draw.add", "invalid", id="s2", shape="star", points=[[0, 0]], color="red")
    r.refuse("A", "draw.add", "invalid", id="s2", shape="pen", points=[[0, 0]], color="#ff0000")
    r.refuse("A", "draw.add", "invalid", id="s2", shape="pen", points=[[0, 0]], color="red", width=3)
    r.refuse(
        "A", "draw.add", "too_large", id="s2", shape="text", points=[[0, 0]], color="red", label="x" * 500
    )
    r.refuse("A", "draw.add", "conflict", id="s1", shape="pen", points=[[0, 0]], color="red")
    r.do("A", "draw.add", id="t1", shape="text", points=[[50, 50]], color="blue", label="  stilte ")
    assert r.state.drawing["strokes"]["t1"]["label"] == "stilte"


def test_strokes_per_board_points_per_board_and_each_persons_share() -> None:
    r = drawing_room()
    _open(r)
    cap = person_cap(MAX_STROKES)
    for i in range(cap):
        r.do("A", "draw.add", id=f"a{i}", shape="pen", points=[[i % 900, 10]], color="black")
    r.refuse("A", "draw.add", "too_large", id="more", shape="pen", points=[[1, 1]], color="black")
    # The facilitator scribes for the group: no share, only the board's caps.
    zigzag = [[x * 3, 100 + 200 * (x % 2)] for x in range(MAX_STROKE_POINTS)]
    n = 0
    while sum(len(s["points"]) for s in r.state.drawing["strokes"].values()) + MAX_STROKE_POINTS <= (
        MAX_DRAWING_POINTS
    ):
        r.do("F", "draw.add", id=f"z{n}", shape="pen", points=zigzag, color="red")
        n += 1
    r.refuse("F", "draw.add", "too_large", id="last", shape="pen", points=zigzag, color="red")
    r.state.drawing["strokes"] = {
        f"x{i}": {"shape": "pen", "points": [[0, 0]], "color": "red", "label": "", "author": "F", "at": i}
        for i in range(MAX_STROKES)
    }
    r.refuse("F", "draw.add", "too_large", id="one", shape="pen", points=[[1, 1]], color="red")


def test_who_draws_where() -> None:
    r = drawing_room()
    r.refuse("A", "draw.add", "phase_closed", id="s1", shape="pen", points=[[1, 1]], color="red")
    assert not r.view("A")["may"]["draw"]
    _open(r)
    assert r.view("A")["may"]["draw"] and not r.view("I")["may"]["draw"]  # the phase's writers
    r.refuse("I", "draw.add", "forbidden", id="s1", shape="pen", points=[[1, 1]], color="red")
    r.do("A", "draw.add", id="s1", shape="rect", points=[[10, 10], [50, 50]], color="red")
    # The eraser removes anyone's stroke; labels and the description by anyone who draws.
    r.do("B", "draw.label", id="s1", label="de school")
    r.do("B", "draw.describe", text="Een school met een hek")
    r.do("B", "draw.remove", id="s1")
    r.refuse("B", "draw.remove", "not_found", id="s1")
    r.refuse("B", "draw.label", "not_found", id="s1", label="x")
    r.do("A", "draw.add", id="t1", shape="text", points=[[10, 10]], color="red", label="woord")
    r.refuse("A", "draw.label", "invalid", id="t1", label="")  # a text keeps its words
    r.refuse("A", "draw.clear", "forbidden")
    r.do("F", "draw.clear")
    assert r.view("A")["drawing"]["strokes"] == {} and r.view("A")["drawing"]["description"] == ""


def test_a_private_drawing_is_the_drawers_alone_until_it_is_given_back() -> None:
    r = drawing_room()
    r.refuse("A", "draw.private", "forbidden", drawers=["A", "B"])
    r.refuse("F", "draw.private", "invalid", drawers=["A", "nobody"])
    r.refuse("F", "draw.private", "invalid", drawers=["A", "A"])
    r.refuse("F", "draw.private", "invalid", drawers=[])
    r.refuse("F", "draw.private", "invalid", drawers=["A"], minutes=0)
    e = r.do("F", "draw.private", drawers=["A", "B"], minutes=25)
    assert e.audience is None  # everyone may know who draws
    # In a phase that does not open the board, the drawers draw; nobody else does.
    assert r.view("A")["may"]["draw"] and not r.view("C")["may"]["draw"] and not r.view("F")["may"]["draw"]
    e = r.do("A", "draw.add", id="s1", shape="pen", points=[[1, 1], [90, 90]], color="red", label="CANARY")
    assert e.audience == frozenset({"A", "B"})
    e = r.do("B", "draw.describe", text="CANARY beschrijving")
    assert e.audience == frozenset({"A", "B"})
    r.refuse("C", "draw.add", "forbidden", id="s2", shape="pen", points=[[1, 1]], color="red")
    r.refuse("F", "draw.add", "forbidden", id="s2", shape="pen", points=[[1, 1]], color="red")
    r.refuse("C", "draw.remove", "forbidden", id="s1")  # not even "not found": nothing to learn
    r.refuse("F", "draw.private", "invalid", drawers=["A"], minutes=999)
    r.refuse("F", "draw.clear", "conflict")
    for v in ("C", "F", "I", None):
        d = view(r.state, v, public=v is None)["drawing"]
        assert d["private"] and d["drawers"] == ["A", "B"] and d["minutes"] == 25 and d["started"] == r.now
        assert d["strokes"] == {} and d["description"] == ""
        assert "CANARY" not in json.dumps(view(r.state, v, public=v is None))
    assert "CANARY" in json.dumps(r.view("B")["drawing"])
    # The drawing continues across phase changes; the facilitator may add a drawer.
    r.do("F", "phase.next")
    r.do("F", "draw.private", drawers=["A", "B", "C"])
    assert r.state.drawing["minutes"] == 25
    assert r.view("C")["drawing"]["strokes"]["s1"]["label"] == "CANARY"
    r.do("C", "draw.add", id="s2", shape="ellipse", points=[[100, 100], [200, 150]], color="green")
    r.refuse("I", "draw.giveback", "forbidden")
    g = r.do("C", "draw.giveback")
    assert g.audience is None and set(g.data["strokes"]) == {"s1", "s2"}
    assert g.data["description"] == "CANARY beschrijving"
    for v in ("F", "I", None):
        d = view(r.state, v, public=v is None)["drawing"]
        assert not d["private"] and d["given"] == r.now and set(d["strokes"]) == {"s1", "s2"}
    r.refuse("F", "draw.giveback", "conflict")
    r.refuse("F", "draw.private", "conflict", drawers=["C"])  # the board has a drawing: clear it first
    assert r.replayed().drawing == r.state.drawing


def test_the_markdown_report_embeds_the_picture_and_its_words() -> None:
    r = drawing_room()
    _open(r)
    r.do("A", "draw.add", id="s1", shape="rect", points=[[10, 10], [50, 50]], color="red", label="het <team>")
    r.do("A", "draw.describe", text="Een team rond een tafel")
    md = markdown(r.view("A"), "nl")
    assert "](data:image/svg+xml;base64," in md
    uri = md.split("](", 1)[1].split(")", 1)[0]
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert svg == svg_text(r.view("A")["drawing"], "Tekening")
    assert (
        "het &lt;team&gt;" in svg
        and "<script" not in svg
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )
    assert "Een team rond een tafel" in md and "het \\<team\\>" in md
    assert uri == data_uri(r.view("A")["drawing"], "Tekening")
    # A private drawing is in no one's report but its drawers'.
    r2 = drawing_room()
    r2.do("F", "draw.private", drawers=["A"])
    r2.do("A", "draw.add", id="s1", shape="pen", points=[[1, 1]], color="red", label="CANARY")
    assert "CANARY" not in markdown(r2.view("F"), "nl") and "data:image" not in markdown(r2.view("F"), "nl")
    assert "data:image" in markdown(r2.view("A"), "nl")


def test_a_method_opens_the_board_shows_it_later_and_survives_toml() -> None:
    from engine_harness import LIB

    from server.methods import MethodError, parse_method, parse_toml, to_toml

    m = LIB.methods["balint"].to_dict()
    later = next(i for i, p in enumerate(m["phases"]) if p["id"] == "besluitvorming")
    m["phases"][later]["show"] = [*m["phases"][later].get("show", []), "drawing"]
    parsed = parse_method(m, "custom", LIB.basic_ids)
    assert "drawing" in parsed.phases[later].show
    assert parse_toml(to_toml(parsed), "custom", LIB.basic_ids) == parsed
    early = next(i for i, p in enumerate(m["phases"]) if p["id"] == "opening")
    m["phases"][early]["show"] = ["drawing"]
    with pytest.raises(MethodError):  # nothing to show before a phase opened the board
        parse_method(m, "custom", LIB.basic_ids)


def test_an_appointed_inbrenger_draws_in_private_where_they_listen_and_a_removed_drawer_is_not_named() -> (
    None
):
    r = drawing_room()
    r.goto("oordeelsvorming")  # the inbrenger listens here (and the board is open)
    assert r.state.current.inbrenger_listens and not r.view("I")["may"]["draw"]
    r.refuse("I", "draw.add", "forbidden", id="s0", shape="pen", points=[[1, 1]], color="red")
    # Appointed, they draw on the private board: nothing of it is shared until it is given back.
    r.do("F", "draw.private", drawers=["I", "A"])
    assert r.view("I")["may"]["draw"]
    e = r.do("I", "draw.add", id="s1", shape="pen", points=[[1, 1], [40, 40]], color="red")
    assert e.audience == frozenset({"I", "A"})
    # Someone removed from the room is no longer named as drawing, on any screen.
    r.do("F", "participant.remove", pid="A")
    for v in ("F", "I", "B", None):
        assert view(r.state, v, public=v is None)["drawing"]["drawers"] == ["I"]
    assert r.replayed().drawing == r.state.drawing
