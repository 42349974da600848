"""Pair work over the wire (server/rooms/pairs.py): a pair's board reaches only the pair, on the raw
frames of every kind of client (events, views, patches, the projector, the facilitator), on a
resume and in the exports, until the facilitator reveals it, pair by pair."""

from __future__ import annotations

import json
from typing import Any

from kring_testlib import Client, ServerProc, assert_contiguous, create_room, export_room, until

CANARY_AB = "CANARY-pair-ab-51c2"
CANARY_CD = "CANARY-pair-cd-9e07"


def _raw(c: Client) -> str:
    return "\n".join(c.raw)


async def test_a_pairs_board_stays_within_the_pair_until_revealed(
    sqlite_server: ServerProc, clients: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "waarderend")
    rid = room["room"]
    fac: Client = clients(rid)
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna", "view": True, "patches": True})
    a: Client = clients(rid)  # a protocol client: events
    await a.connect({"key": room["join_key"], "name": "Anna"})
    b: Client = clients(rid)  # a browser: patches
    await b.connect({"key": room["join_key"], "name": "Bram", "view": True, "patches": True})
    c: Client = clients(rid)  # a browser of old: whole views
    await c.connect({"key": room["join_key"], "name": "Cas", "view": True})
    d: Client = clients(rid)
    await d.connect({"key": room["join_key"], "name": "Dirk"})
    beamer: Client = clients(rid)
    await beamer.connect({"key": room["projector_key"], "projector": True, "view": True, "patches": True})
    phases = [p["id"] for p in fac.welcome["state"]["method"]["phases"]]  # type: ignore[index]
    await fac.ok("phase.goto", {"index": phases.index("tweetallen")})
    groups = [[a.pid, b.pid], [c.pid, d.pid]]
    await fac.ok("pairs.start", {"groups": groups, "minutes": 10})

    s1 = await a.ok("pair.add", {"id": "k1", "kind": "card", "text": f"Ze nam de tijd {CANARY_AB}"})
    s2 = await c.ok("pair.add", {"id": "k1", "kind": "note", "text": f"Hij vroeg door {CANARY_CD}"})
    s3 = await b.ok("pair.edit", {"id": "k1", "text": f"Ze nam echt de tijd {CANARY_AB}"})
    r = await d.cmd("pair.edit", {"id": "zz", "text": "niets"})
    assert r["code"] == "not_found"
    r = await fac.cmd("pair.add", {"id": "f1", "kind": "card", "text": "ik doe mee"})
    assert r["code"] == "forbidden"  # not in a pair
    last = max(s1, s2, s3)
    for cl in (a, d):
        await cl.wait_seq(last)
    await until(lambda: any(m["t"] == "patch" and m["seq"] >= last for m in fac.msgs))
    await until(lambda: any(m["t"] == "patch" and m["seq"] >= last for m in beamer.msgs))
    await until(lambda: any(m["t"] == "patch" and m["seq"] >= last for m in b.msgs))
    await until(lambda: any(m["t"] == "view" and m["seq"] >= last for m in c.msgs))

    # Each pair's raw frames hold its own board and nothing of the other's.
    assert CANARY_AB in _raw(a) and CANARY_AB in _raw(b)
    assert CANARY_CD not in _raw(a) and CANARY_CD not in _raw(b)
    assert CANARY_CD in _raw(c) and CANARY_CD in _raw(d)
    assert CANARY_AB not in _raw(c) and CANARY_AB not in _raw(d)
    # The facilitator and the projector: that pairs work, nothing they wrote.
    for cl in (fac, beamer):
        assert "CANARY" not in _raw(cl)
    ev = next(e for e in d.events if e["seq"] == s1)
    assert ev == {"t": "event", "seq": s1, "type": "private", "actor": None, "at": ev["at"], "data": {}}
    assert_contiguous(d.events)
    counts = [
        m for m in fac.msgs if m["t"] == "patch" and any(op["path"] == "pair_counts" for op in m["ops"])
    ]
    assert any(op.get("value") == {"0/0": 1, "0/1": 1} for m in counts for op in m["ops"])

    # Not on a fresh join, not on a resume, not in another pair's or the facilitator's export.
    late: Client = clients(rid)
    wl = await late.connect({"key": room["join_key"], "token": d.token})
    # C's "k1" is kept under a key of its own (Anna's pair has a hidden "k1"): Dirk sees it so.
    board = wl["state"]["pair_board"]
    assert CANARY_AB not in json.dumps(wl) and [it["text"][-len(CANARY_CD) :] for it in board.values()] == [
        CANARY_CD
    ]
    res: Client = clients(rid)
    wr = await res.connect({"key": room["join_key"], "token": d.token, "epoch": d.epoch, "since": s1 - 1})
    assert CANARY_AB not in json.dumps(wr)
    for token in (d.token, fac.token):
        for fmt in ("md", "json"):
            assert CANARY_AB not in export_room(base, rid, room["join_key"], str(token), fmt)
    assert CANARY_AB in export_room(base, rid, room["join_key"], str(a.token), "json")

    # Everyone returns; the first pair presents: its board reaches all, the other's still nobody.
    await fac.ok("pairs.end")
    rev = await fac.ok("pairs.reveal", {"group": 0})
    for cl in (c, d, late):
        e = await cl.wait_for(lambda m: m["t"] == "event" and m["seq"] == rev)
        assert CANARY_AB in json.dumps(e)
    await until(lambda: CANARY_AB in _raw(beamer) and CANARY_AB in _raw(fac))
    assert CANARY_CD not in _raw(fac) + _raw(beamer) + _raw(a) + _raw(b)
    rev2 = await fac.ok("pairs.reveal")
    await a.wait_seq(rev2)
    await until(lambda: CANARY_CD in _raw(beamer) and CANARY_CD in _raw(b))
    assert CANARY_CD in _raw(a)
    md = export_room(base, rid, room["join_key"], str(fac.token), "md")
    assert CANARY_AB in md and CANARY_CD in md
