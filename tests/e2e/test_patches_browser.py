"""The browser takes deltas (hello `patches: true`, client/static/js/core/patch.js): after 200
mixed commands from four protocol clients (cards public and private, the mind-map, notes, roles,
the timer, the plan, a method switch and reveals), the view a real Chromium holds is exactly the
view a fresh join gets, it received no events and no whole views, and the board shows it."""

from __future__ import annotations

import json
import random
from typing import Any

from kring_testlib import ARTIFACTS, Client, ServerProc, create_room

from .browserlib import T, join, shot, wait_js

OUT = ARTIFACTS / "patches"


async def _mix(fac: Client, members: list[Client], n: int) -> tuple[int, int]:
    """`n` commands, most of them accepted: (acks, the last seq)."""
    rng = random.Random(19)
    everyone = [fac, *members]
    a, b, c = members
    await fac.ok("role.assign", {"pid": a.pid, "role": "inbrenger", "on": True})
    await fac.ok("role.assign", {"pid": c.pid, "role": "listener", "on": True})
    await a.ok("case.set", {"question": "Hoe houd ik de stilte in mijn les uit?"})
    await fac.ok("phase.goto", {"index": 2})
    nodes: list[str] = []
    cards: dict[str, Client] = {}
    acks, last = 4, 0
    for i in range(n - 4):
        if i == 110:
            await fac.cmd("phase.goto", {"index": 4})
        if i == 150:
            await fac.cmd("method.switch", {"method": "incident"})
            await fac.cmd("phase.goto", {"index": 6})  # standpuntbepaling: private positions
        if i == 190:
            r = await fac.cmd("cards.reveal", {"phase": "standpuntbepaling"})
            acks, last = (acks + 1, r["seq"]) if r["t"] == "ack" else (acks, last)
            continue
        who = everyone[i % 4]
        roll = rng.random()
        if i >= 150:
            kind = "position"
        elif i >= 110:
            kind = "advice"
        else:
            kind = "question"
        if who is c and roll < 0.5:
            r = await c.cmd("note.add", {"id": f"n{i}", "text": f"Notitie {i}"})
        elif who is c:
            r = (
                await fac.cmd("notes.reveal", {})
                if rng.random() < 0.2
                else await fac.cmd("timer.add", {"seconds": 30})
            )
        elif roll < 0.35:
            cid = f"k{i}"
            r = await who.cmd("card.add", {"id": cid, "kind": kind, "text": f"Kaart {i} van {who.pid[:4]}?"})
            if r["t"] == "ack":
                cards[cid] = who
        elif roll < 0.45 and cards:
            cid = rng.choice(sorted(cards))
            r = await cards[cid].cmd("card.edit", {"id": cid, "text": f"Kaart {cid} opnieuw?"})
        elif roll < 0.75 and i < 150:
            nid = f"m{i}"
            parent = rng.choice(["root", *nodes[-8:]])
            r = await who.cmd("mindmap.add", {"id": nid, "parent": parent, "text": f"Knoop {i}"})
            if r["t"] == "ack":
                nodes.append(nid)
        elif roll < 0.82 and nodes and i < 150:
            r = await fac.cmd("mindmap.edit", {"id": rng.choice(nodes), "text": f"Knoop bewerkt {i}"})
        elif roll < 0.86 and len(nodes) > 3 and i < 150:
            gone = nodes.pop(rng.randrange(len(nodes)))
            r = await fac.cmd("mindmap.remove", {"id": gone})
            nodes = [x for x in nodes if x in {*nodes}]
        elif roll < 0.92 and 110 <= i < 150:
            r = await a.cmd("plan.set", {"field": "action", "text": f"Actie {i}"})
        elif roll < 0.96:
            on = rng.random() < 0.5
            r = await fac.cmd("role.assign", {"pid": b.pid, "role": "timekeeper", "on": on})
        else:
            r = await fac.cmd("timer.start", {"seconds": 60 + i})
        if r["t"] == "ack":
            acks, last = acks + 1, r["seq"]
    return acks, last


async def test_a_browser_stays_identical_to_a_fresh_join_after_200_mixed_commands(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Delta's")
    rid = room["room"]
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    made: list[Client] = []
    try:
        fac = Client(sqlite_server.ws_base, rid, base)
        made.append(fac)
        await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
        members = []
        for name in ("Anna", "Bram", "Cas"):
            m = Client(sqlite_server.ws_base, rid, base)
            made.append(m)
            await m.connect({"key": room["join_key"], "name": name})
            members.append(m)
        await join(page, f"{base}/r/{rid}#{room['join_key']}", "Dirk")

        acks, last = await _mix(fac, members, 200)
        assert acks >= 150, f"only {acks} of 200 commands were accepted"
        await wait_js(page, "(n) => Alpine.store('kring').state.seq >= n", last, timeout=T * 2)

        held = await page.evaluate("JSON.parse(JSON.stringify(Alpine.store('kring').state))")
        token = await page.evaluate("(r) => Alpine.store('kring').saved(r).token", rid)
        fresh = Client(sqlite_server.ws_base, rid, base)
        made.append(fresh)
        w = await fresh.connect({"key": room["join_key"], "token": token, "view": True})
        assert w["seq"] == last
        assert held == w["state"], _diff(held, w["state"])

        got = [json.loads(f) for f in frames if f.startswith("{")]
        kinds = {m["t"] for m in got}
        assert "patch" in kinds and "event" not in kinds and "view" not in kinds, kinds
        # Nothing of anyone else's that was hidden: every card and note a patch carried was
        # public or revealed when it came (Dirk writes none of his own).
        for m in got:
            for op in m.get("ops", []) if m["t"] == "patch" else []:
                v = op.get("value")
                if op["path"].startswith("cards/") and v is not None:
                    assert not v["private"] or v["revealed"], op
                if op["path"].startswith("notes/") and v is not None:
                    assert v["revealed"], op
        # The board shows what the view holds: every position card on the screen.
        texts = [c["text"] for c in w["state"]["cards"].values() if c["kind"] == "position"]
        assert texts
        for t in texts[:3]:
            await page.get_by_text(t).first.wait_for(timeout=T)
        await shot(page.locator("main"), OUT / "laptop.png")
        await page.set_viewport_size({"width": 390, "height": 844})
        await shot(page.locator("main"), OUT / "phone.png")
        assert not errors, errors
    finally:
        for c in made:
            await c.close()
        await ctx.close()


def _diff(a: dict[str, Any], b: dict[str, Any]) -> str:
    keys = sorted(k for k in {*a, *b} if a.get(k) != b.get(k))
    return "; ".join(f"{k}: {json.dumps(a.get(k))[:400]} != {json.dumps(b.get(k))[:400]}" for k in keys)
