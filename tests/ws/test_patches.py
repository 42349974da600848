"""Patches over the wire (hello `patches: true`): a browser-like member and a projector that take
deltas hold, after a mix of commands from others (private cards and notes, reveals, role changes,
a method switch), exactly the view a fresh join gets; they receive no events and no whole views,
their acks follow the patch with their event, and no frame carries another person's hidden text.
Clients that ask for views without `patches`, and protocol clients, get what they always got."""

from __future__ import annotations

import json
from typing import Any

from kring_testlib import Client, ServerProc, create_room, until
from patchlib import followed_view

CANARY_CARD = "CANARY-card-5e1d"
CANARY_NOTE = "CANARY-note-c07a"


async def _mixed(fac: Client, a: Client, b: Client) -> int:
    """A mix of commands over the tools of `incident`; the last seq."""
    phases = [p["id"] for p in fac.welcome["state"]["method"]["phases"]]  # type: ignore[index]
    await fac.ok("phase.goto", {"index": phases.index("standpuntbepaling")})
    await a.ok("card.add", {"id": "pa", "kind": "position", "text": f"Ik grijp in {CANARY_CARD}"})
    await b.ok("card.add", {"id": "pb", "kind": "position", "text": "Ik wacht af"})
    await a.ok("card.edit", {"id": "pa", "text": f"Ik grijp meteen in {CANARY_CARD}"})
    await fac.ok("role.assign", {"pid": a.pid, "role": "listener", "on": True})
    await a.ok("note.add", {"id": "na", "text": f"B twijfelt {CANARY_NOTE}"})
    await fac.ok("role.assign", {"pid": a.pid, "role": "listener", "on": False})
    await fac.ok("timer.start", {"seconds": 90})
    await fac.ok("cards.reveal", {"phase": "standpuntbepaling"})
    await fac.ok("role.assign", {"pid": b.pid, "role": "facilitator", "on": True})
    await fac.ok("role.assign", {"pid": b.pid, "role": "facilitator", "on": False})
    await fac.ok("method.switch", {"method": "basis"})
    await fac.ok("phase.goto", {"index": 2})
    await a.ok("mindmap.add", {"id": "m1", "parent": "root", "text": "stilte"})
    await b.ok("mindmap.add", {"id": "m2", "parent": "m1", "text": "angst"})
    await fac.ok("mindmap.remove", {"id": "m1"})
    await a.ok("card.add", {"id": "q1", "kind": "question", "text": "Wat gebeurde er?"})
    return await fac.ok("participant.rename", {"name": "Fenna B."})


def _patches_of(c: Client) -> list[dict[str, Any]]:
    return [m for m in c.msgs if m["t"] == "patch"]


async def test_a_member_and_a_projector_that_take_patches_stay_equal_to_a_fresh_join(
    sqlite_server: ServerProc, clients: Any
) -> None:
    room = create_room(sqlite_server.base, "incident")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    a: Client = clients(room["room"])
    await a.connect({"key": room["join_key"], "name": "Anna"})
    b: Client = clients(room["room"])  # the browser: views as patches
    await b.connect({"key": room["join_key"], "name": "Bram", "view": True, "patches": True})
    beamer: Client = clients(room["room"])
    await beamer.connect({"key": room["projector_key"], "projector": True, "view": True, "patches": True})
    old: Client = clients(room["room"])  # a browser of before: events and whole views
    await old.connect({"key": room["join_key"], "name": "Oud", "view": True})

    last = await _mixed(fac, a, b)
    await until(lambda: any(p["seq"] == last for p in _patches_of(b)))
    await until(lambda: any(p["seq"] == last for p in _patches_of(beamer)))

    for c, hello in (
        (b, {"key": room["join_key"], "token": b.token, "view": True}),
        (beamer, {"key": room["projector_key"], "projector": True, "view": True}),
    ):
        fresh: Client = clients(room["room"])
        w = await fresh.connect(hello)
        assert w["seq"] == last
        assert followed_view(c.msgs) == w["state"]
        # Only patches: not one event, not one whole view, and the seqs go up.
        kinds = {m["t"] for m in c.msgs}
        assert "event" not in kinds and "view" not in kinds, kinds
        seqs = [p["seq"] for p in _patches_of(c)]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        # Nobody's hidden text: A's card before the reveal was in no frame, A's note never.
        assert CANARY_NOTE not in "".join(c.raw)
        reveal_seq = next(e["seq"] for e in fac.events if e["type"] == "cards.revealed")
        first_reveal = next(i for i, m in enumerate(c.msgs) if CANARY_CARD in json.dumps(m))
        assert all(m["t"] != "patch" or m["seq"] >= reveal_seq for m in c.msgs[first_reveal:])
        reveal = c.msgs[first_reveal]
        assert reveal["t"] == "patch" and any(op["path"] == "cards/pa" for op in reveal["ops"])
        assert not any(op["path"] == "method" for op in reveal["ops"])

    # B's own acks come after the patch that carries their event.
    ack = await b.cmd("card.add", {"id": "q2", "kind": "question", "text": "Wie was erbij?"})
    assert ack["t"] == "ack"
    i_ack = b.msgs.index(ack)
    assert any(m["t"] == "patch" and m["seq"] == ack["seq"] for m in b.msgs[:i_ack])

    # The browser of before still gets every event and whole views.
    await until(lambda: old.last_seq >= ack["seq"])
    assert any(m["t"] == "view" for m in old.msgs)
    assert not any(m["t"] == "patch" for m in old.msgs)
    # A protocol client too, and the placeholder for A's hidden card.
    assert not any(m["t"] in ("patch", "view") for m in fac.msgs)
    assert any(e["type"] == "private" for e in fac.events)


async def test_a_reveal_patch_is_small_and_the_method_texts_come_once(
    sqlite_server: ServerProc, clients: Any
) -> None:
    room = create_room(sqlite_server.base, "basis")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    b: Client = clients(room["room"])
    w = await b.connect({"key": room["join_key"], "name": "Bram", "view": True, "patches": True})
    instructions = w["state"]["method"]["phases"][2]["instructions"]["nl"]
    await fac.ok("phase.goto", {"index": 2})
    seq = await fac.ok("card.add", {"id": "q1", "kind": "question", "text": "Wat gebeurde er?"})
    await until(lambda: any(p["seq"] == seq for p in _patches_of(b)))
    card = next(r for r in b.raw if f'"seq":{seq},' in r and '"patch"' in r)
    assert len(card) < 400, card
    assert instructions not in "".join(b.raw[1:])  # the method's texts only in the welcome


async def test_someone_waiting_gets_no_patches_and_the_admitted_a_whole_view(
    sqlite_server: ServerProc, clients: Any
) -> None:
    room = create_room(sqlite_server.base, "basis")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    await fac.ok("room.lock", {"locked": True})
    w: Client = clients(room["room"])
    welcome = await w.connect({"key": room["join_key"], "name": "Wim", "view": True, "patches": True})
    assert welcome["you"].get("waiting")
    await fac.ok("case.set", {"question": "Geheim voor wie wacht"})
    await fac.ok("participant.admit", {"pid": w.pid})
    got = await w.wait_for(lambda m: m["t"] == "view")
    assert "Geheim voor wie wacht" in json.dumps(got)
    assert not any("Geheim voor wie wacht" in r for r in w.raw[: w.msgs.index(got)])
    seq = await fac.ok("timer.start", {"seconds": 60})
    await until(lambda: any(p["seq"] == seq for p in _patches_of(w)))
    fresh: Client = clients(room["room"])
    f = await fresh.connect({"key": room["join_key"], "token": w.token, "view": True})
    assert followed_view(w.msgs) == f["state"]


async def test_patches_from_another_worker_over_redis(redis_server: Any, redis_workers: Any) -> None:
    """Commands on one worker, the browser on the other: the deltas come from the events the
    fan-out delivers (server/fanout.py), and still make the fresh view."""
    w1, w2 = redis_workers(2, redis_server)
    room = create_room(w1.base, "incident")
    made: list[Client] = []

    def on(w: ServerProc) -> Client:
        c = Client(w.ws_base, room["room"], w.base)
        made.append(c)
        return c

    try:
        fac, a, b = on(w1), on(w1), on(w2)
        await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
        await a.connect({"key": room["join_key"], "name": "Anna"})
        await b.connect({"key": room["join_key"], "name": "Bram", "view": True, "patches": True})
        last = await _mixed(fac, a, b)
        await until(lambda: any(p["seq"] == last for p in _patches_of(b)))
        fresh = on(w1)
        f = await fresh.connect({"key": room["join_key"], "token": b.token, "view": True})
        assert f["seq"] == last and followed_view(b.msgs) == f["state"]
        assert CANARY_NOTE not in "".join(b.raw)
    finally:
        for c in made:
            await c.close()
