"""A drawing made in private (server/rooms/drawing.py), over the wire: while the facilitator's two
appointed drawers draw, nothing of the picture reaches anyone else (a protocol client, a browser
taking views, a browser and a projector taking patches, the facilitator), not in a raw frame, not on
a resume, not in an export; the give-back then brings the picture to everyone at once."""

from __future__ import annotations

import json
from typing import Any

from kring_testlib import Client, ServerProc, assert_contiguous, create_room, export_room, until
from patchlib import followed_view

CANARY = "CANARY-drawing-3e9c"
POINTS = [[x, 100 + (x * 7) % 40] for x in range(10, 400, 4)]  # a wobbly pen stroke, 98 points


async def test_a_private_drawing_reaches_nobody_but_its_drawers_until_given_back(
    sqlite_server: ServerProc, clients: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "balint")
    rid = room["room"]
    fac: Client = clients(rid)
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna", "view": True, "patches": True})
    anna: Client = clients(rid)
    await anna.connect({"key": room["join_key"], "name": "Anna"})
    bram: Client = clients(rid)
    await bram.connect({"key": room["join_key"], "name": "Bram", "view": True, "patches": True})
    cor: Client = clients(rid)  # a protocol client: events
    await cor.connect({"key": room["join_key"], "name": "Cor"})
    dirk: Client = clients(rid)  # a browser taking whole views
    await dirk.connect({"key": room["join_key"], "name": "Dirk", "view": True})
    beamer: Client = clients(rid)
    await beamer.connect({"key": room["projector_key"], "projector": True, "view": True, "patches": True})
    others = (fac, cor, dirk, beamer)

    start = await fac.ok("draw.private", {"drawers": [anna.pid, bram.pid], "minutes": 30})
    add = await anna.ok(
        "draw.add", {"id": "s1", "shape": "pen", "points": POINTS, "color": "red", "label": f"hek {CANARY}"}
    )
    await bram.ok(
        "draw.add", {"id": "s2", "shape": "text", "points": [[500, 300]], "color": "blue", "label": CANARY}
    )
    await bram.ok("draw.label", {"id": "s1", "label": f"het hek {CANARY}"})
    await anna.ok("draw.remove", {"id": "s2"})
    last = await anna.ok("draw.describe", {"text": f"Een school met een hek {CANARY}"})
    # Refused to others before anything else is looked at: not even whether a stroke exists.
    for c in (cor, fac):
        r = await c.cmd("draw.remove", {"id": "s1"})
        assert r["code"] == "forbidden"
        r = await c.cmd("draw.add", {"id": "x", "shape": "pen", "points": [[1, 1]], "color": "red"})
        assert r["code"] == "forbidden"
    for c in (cor, anna):
        await c.wait_seq(last)
    await until(lambda: any(m["t"] == "view" and m["seq"] >= last for m in dirk.msgs))
    for c in (fac, bram, beamer):
        await until(lambda c=c: any(m["t"] == "patch" and m["seq"] >= last for m in c.msgs))

    # Anna's own event carries the simplified stroke: the server simplified it at decide time.
    mine = next(m for m in anna.msgs if m["t"] == "event" and m["seq"] == add)
    assert 2 <= len(mine["data"]["points"]) < len(POINTS)
    for c in others:
        raw = "".join(c.raw)
        assert CANARY not in raw and '"draw.add"' not in raw and '"draw.describe"' not in raw, c
        assert '"s1"' not in raw and '"s2"' not in raw  # not even the ids
        assert json.dumps(POINTS[0]) not in raw.replace(" ", "")
    # Protocol clients: the log without a gap, the drawing's events as placeholders.
    assert_contiguous(cor.events)
    assert [e["type"] for e in cor.events if e["seq"] > start] == ["private"] * (last - start)
    # The views others hold: who draws, no stroke, no description.
    held = followed_view(beamer.msgs)["drawing"]
    assert held["private"] and held["drawers"] == [anna.pid, bram.pid] and held["strokes"] == {}
    assert held["description"] == ""
    dv = next(m for m in reversed(dirk.msgs) if m["t"] == "view")["state"]["drawing"]
    assert dv["strokes"] == {} and dv["description"] == ""
    assert CANARY in json.dumps(followed_view(bram.msgs)["drawing"])
    # Not on a fresh join, not on a resume, not in the exports.
    late: Client = clients(rid)
    wl = await late.connect({"key": room["join_key"], "token": cor.token})
    assert CANARY not in json.dumps(wl)
    res: Client = clients(rid)
    wr = await res.connect({"key": room["join_key"], "token": cor.token, "epoch": cor.epoch, "since": start})
    assert {e["type"] for e in wr["events"]} == {"private"}
    for who in (cor, fac):
        for fmt in ("md", "json"):
            assert CANARY not in export_room(base, rid, room["join_key"], str(who.token), fmt)
    assert CANARY in export_room(base, rid, room["join_key"], str(anna.token), "md")

    # Given back by a drawer: one public event with the picture, for everyone and the projector.
    back = await bram.ok("draw.giveback")
    for c in (cor, anna):
        e = await c.wait_for(lambda m: m["t"] == "event" and m["seq"] == back)
        assert e["type"] == "draw.giveback" and set(e["data"]["strokes"]) == {"s1"}
        assert CANARY in e["data"]["description"]
    await until(lambda: any(m["t"] == "patch" and m["seq"] >= back for m in beamer.msgs))
    held = followed_view(beamer.msgs)["drawing"]
    assert not held["private"] and held["strokes"]["s1"]["label"] == f"het hek {CANARY}"
    v = await dirk.wait_for(lambda m: m["t"] == "view" and m["seq"] >= back)
    assert set(v["state"]["drawing"]["strokes"]) == {"s1"}
    md = export_room(base, rid, room["join_key"], str(cor.token), "md")
    assert "data:image/svg+xml;base64," in md and CANARY in md
