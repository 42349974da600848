"""Live protocol tests: a real uvicorn subprocess, real WebSocket clients, the basic method end to end."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import websockets
from kring_testlib import Client, ServerProc, assert_contiguous, create_room


async def _join(make: Any, room: dict[str, Any], key: str, name: str, **hello: Any) -> Client:
    c: Client = make(room["room"])
    await c.connect({"key": key, "name": name, **hello})
    return c


async def _three(
    make: Any, base: str, method: str = "basis"
) -> tuple[dict[str, Any], Client, Client, Client]:
    room = create_room(base, method)
    fac = await _join(make, room, room["facilitator_key"], "Fenna")
    a = await _join(make, room, room["join_key"], "Anna")
    b = await _join(make, room, room["join_key"], "Bram")
    return room, fac, a, b


def _settle_same(clients: list[Client]) -> None:
    logs = [[(e["seq"], e["type"], json.dumps(e["data"], sort_keys=True)) for e in c.events] for c in clients]
    ends = {c.last_seq for c in clients}
    assert len(ends) == 1, ends
    for c in clients:
        assert_contiguous(c.events)
    # Same events in the same order, wherever two logs overlap.
    by_seq = [dict((s, (t, d)) for s, t, d in log) for log in logs]
    for seq in set().union(*by_seq):
        seen = {m[seq] for m in by_seq if seq in m}
        assert len(seen) == 1, f"seq {seq} differs between clients: {seen}"


async def test_walk_basic_method_three_clients(sqlite_server: ServerProc, clients: Any) -> None:
    room, fac, a, b = await _three(clients, sqlite_server.base)
    assert "facilitator" in fac.welcome["you"]["roles"]  # type: ignore[index]
    assert a.welcome["state"]["method"]["id"] == "basis"  # type: ignore[index]
    # A participant may not move the phase.
    r = await a.cmd("phase.next")
    assert r["t"] == "error" and r["code"] == "forbidden"
    await fac.ok("role.assign", {"pid": a.pid, "role": "inbrenger", "on": True})
    await a.ok("case.set", {"question": "Hoe krijg ik mijn team aan het meedenken?"})
    phases = fac.welcome["state"]["method"]["phases"]  # type: ignore[index]
    for i in range(1, len(phases)):
        seq = await fac.ok("phase.next")
        if phases[i]["id"] == "onderzoeken":
            await b.ok(
                "card.add", {"id": "q1", "kind": "question", "text": "Wat gebeurde er toen het stil werd?"}
            )
            r = await b.cmd("card.add", {"id": "x1", "kind": "advice", "text": "Stop met praten"})
            assert r["t"] == "error" and r["code"] == "phase_closed"
        if phases[i]["id"] == "herformulering":
            await a.ok("case.reformulate", {"text": "Wat maakt dat ik blijf doorpraten?"})
        if phases[i]["id"] == "actieplan":
            await b.ok("card.add", {"id": "a1", "kind": "advice", "text": "Laat een stilte vallen"})
            await a.ok("card.mark", {"id": "a1", "useful": True})
            await a.ok("plan.set", {"field": "action", "text": "Volgende vergadering vijf minuten stilte"})
        for c in (fac, a, b):
            await c.wait_seq(seq)
    r = await fac.cmd("phase.next")
    assert r["t"] == "error" and r["code"] == "invalid"
    head = fac.last_seq
    for c in (fac, a, b):
        await c.wait_seq(head)
    _settle_same([fac, a, b])
    # Every client saw every event of the session (after its own welcome) with no gaps.
    for c in (fac, a, b):
        assert c.events[-1]["seq"] == head
    types = [e["type"] for e in fac.events]
    assert types.count("phase.changed") == len(phases) - 1


async def test_resume_gets_exactly_the_missed_events(sqlite_server: ServerProc, clients: Any) -> None:
    room, fac, a, b = await _three(clients, sqlite_server.base)
    await fac.ok("phase.goto", {"index": 2})
    await b.wait_seq(fac.last_seq)
    since, token, epoch = b.last_seq, b.token, b.epoch
    await b.close()
    missed = []
    for i in range(10):
        missed.append(
            await a.ok("card.add", {"id": f"q{i}", "kind": "question", "text": f"Wat gebeurde er {i}?"})
        )
    b2: Client = clients(room["room"])
    w = await b2.connect({"key": room["join_key"], "token": token, "epoch": epoch, "since": since})
    assert w["you"]["pid"] == b.pid, "the token restores the same participant"
    assert "state" not in w
    got = [e["seq"] for e in w["events"]]
    assert got == missed and len(got) == 10
    assert w["seq"] == missed[-1]
    # A wrong epoch gets a fresh snapshot instead.
    b3: Client = clients(room["room"])
    w3 = await b3.connect({"key": room["join_key"], "token": token, "epoch": "other", "since": since})
    assert "events" not in w3 and set(w3["state"]["cards"]) >= {f"q{i}" for i in range(10)}


async def test_repeated_command_id_appends_nothing(sqlite_server: ServerProc, clients: Any) -> None:
    room, fac, a, b = await _three(clients, sqlite_server.base)
    await fac.ok("phase.goto", {"index": 2})
    first = await a.ok("card.add", {"id": "q1", "kind": "question", "text": "Wat?"}, cid="same")
    again = await a.cmd("card.add", {"id": "q1", "kind": "question", "text": "Wat?"}, cid="same")
    assert again == {"t": "ack", "id": "same", "seq": first}
    # Another person's identical command id is a different command.
    other = await b.cmd("card.add", {"id": "q2", "kind": "question", "text": "Hoe?"}, cid="same")
    assert other["t"] == "ack" and other["seq"] == first + 1
    await a.wait_seq(first + 1)
    assert [e["seq"] for e in a.events if e["type"] == "card.add"] == [first, first + 1]


async def test_bad_input_gets_clear_errors(sqlite_server: ServerProc, clients: Any) -> None:
    room, fac, a, b = await _three(clients, sqlite_server.base)
    head = fac.last_seq

    async def err(payload: Any) -> dict[str, Any]:
        mark = len(a.msgs)
        await a.send(payload)
        return await a.wait_for(lambda m: m["t"] == "error", 5, mark)

    assert (await err("{not json"))["code"] == "bad_message"
    assert (await err("[1,2]"))["code"] == "bad_message"
    assert (await err({"t": "dance"}))["code"] == "unknown_command"
    assert (await err({"x": 1}))["code"] == "bad_message"
    assert (await err({"t": "cmd", "type": "phase.next"}))["code"] == "bad_message"  # no id
    e = await err({"t": "cmd", "id": "k1", "type": "no.such", "args": {}})
    assert e["code"] == "unknown_command" and e["id"] == "k1"
    e = await err({"t": "cmd", "id": "k2", "type": "card.add", "args": []})
    assert e["code"] == "invalid" and e["id"] == "k2"
    e = await err({"t": "cmd", "id": "k3", "type": "timer.start", "args": {"seconds": "soon"}})
    assert e["code"] == "forbidden"  # a participant may not run the timer at all
    e = await err({"t": "cmd", "id": "k4", "type": "participant.join", "args": {}})
    assert e["code"] == "unknown_command"  # server-side commands are not on the wire
    e = await err(
        {"t": "cmd", "id": "k5", "type": "card.add", "args": {"id": "q1", "kind": "advice", "text": "Doe X"}}
    )
    assert e["code"] == "phase_closed"
    assert (await err({"t": "hello", "key": "x"}))["code"] == "bad_message"
    r = await fac.cmd("timer.start", {"seconds": -5})
    assert r["code"] == "invalid" and "seconds" in r["message"]
    r = await fac.cmd("timer.start", {})
    assert r["code"] == "invalid"
    # All messages carry a human-readable message, and the connection stays usable.
    assert all(m["message"] for m in a.msgs if m["t"] == "error")
    await a.send({"t": "ping", "c": 7})
    pong = await a.wait_for(lambda m: m["t"] == "pong")
    assert pong["c"] == 7 and isinstance(pong["s"], int)
    assert fac.last_seq == head, "nothing was appended by bad input"
    seq = await fac.ok("phase.next")
    await a.wait_seq(seq)


async def test_unknown_room_and_wrong_key_look_the_same(sqlite_server: ServerProc, clients: Any) -> None:
    room = create_room(sqlite_server.base)
    closes = []
    for rid, key in ((room["room"], "wrong-key"), ("no-such-room", room["join_key"])):
        c: Client = clients(rid)
        with pytest.raises(ConnectionError):
            await c.connect({"key": key, "name": "Eve"}, timeout=5)
        closes.append(await c.wait_closed())
    assert closes[0] == closes[1] and closes[0][0] == 4001
    # A bad token with a good key gives a new participant, never someone else.
    c2: Client = clients(room["room"])
    w = await c2.connect({"key": room["join_key"], "name": "Eve", "token": "forged.token"})
    assert w["you"]["name"] == "Eve"
    # Joining without a name is refused with a clear message.
    c3: Client = clients(room["room"])
    with pytest.raises(ConnectionError):
        await c3.connect({"key": room["join_key"]})
    assert any(m["t"] == "error" and "name" in m["message"] for m in c3.msgs)


async def test_foreign_or_missing_origin_is_refused(sqlite_server: ServerProc) -> None:
    room = create_room(sqlite_server.base)
    url = f"{sqlite_server.ws_base}/ws/{room['room']}"
    for origin in ("http://evil.example", None):
        with pytest.raises(websockets.InvalidStatus) as ei:
            async with asyncio.timeout(5):
                await websockets.connect(url, origin=origin)  # type: ignore[arg-type]
        assert ei.value.response.status_code == 403


async def test_presence(sqlite_server: ServerProc, clients: Any) -> None:
    room, fac, a, b = await _three(clients, sqlite_server.base)
    p = await fac.wait_for(lambda m: m["t"] == "presence" and len(m["online"]) == 3)
    assert {x["name"] for x in p["online"]} == {"Fenna", "Anna", "Bram"}
    mark = len(fac.msgs)
    await b.close()
    p = await fac.wait_for(lambda m: m["t"] == "presence" and len(m["online"]) == 2, start=mark)
    assert {x["name"] for x in p["online"]} == {"Fenna", "Anna"}


async def test_view_mode_sends_views(sqlite_server: ServerProc, clients: Any) -> None:
    room = create_room(sqlite_server.base)
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "F", "view": True})
    assert fac.welcome is not None and fac.welcome["join_key"] == room["join_key"]
    seq = await fac.ok("phase.next")
    v = await fac.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    assert v["state"]["phase"]["index"] == 1 and v["state"]["may"]["facilitator"] is True


async def test_slow_consumer_is_closed_4008(tmp_path: Path) -> None:
    srv = ServerProc(
        {
            "KRING_STORE": f"sqlite:///{tmp_path}/k.db",
            "KRING_SECRET": "s",
            "KRING_QUEUE": "20",
            "KRING_RATE": "1000",
            "KRING_BURST": "1000",
        }
    ).start()
    try:
        room = create_room(srv.base)
        fac = Client(srv.ws_base, room["room"], srv.base)
        await fac.connect({"key": room["facilitator_key"], "name": "F"})
        # A client that never reads: its socket buffers fill, then its server-side queue. It asks
        # for views, so every event also brings the whole (growing) room: the buffers fill fast.
        slow = await websockets.connect(
            f"{srv.ws_base}/ws/{room['room']}", origin=srv.base, max_queue=1, compression=None
        )
        await slow.send(json.dumps({"t": "hello", "key": room["join_key"], "name": "Slow", "view": True}))
        await fac.ok("phase.goto", {"index": 2})
        text = "x" * 1900
        for i in range(400):
            await fac.send(
                {
                    "t": "cmd",
                    "id": f"c{i}",
                    "type": "card.add",
                    "args": {"id": f"q{i}", "kind": "question", "text": f"Wat {i} {text}?"},
                }
            )
        await fac.wait_for(lambda m: m["t"] == "ack" and m["id"] == "c399", timeout=30)
        code = None
        async with asyncio.timeout(20):
            try:
                while True:
                    await slow.recv()
            except websockets.ConnectionClosed as e:
                code = e.rcvd.code if e.rcvd else None
        assert code == 4008
        # The room itself is fine and the fast client got everything.
        assert_contiguous(fac.events)
        await fac.close()
    finally:
        srv.stop()


async def test_restart_keeps_the_room(tmp_path: Path) -> None:
    env = {"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "restart-secret"}
    srv = ServerProc(env).start()
    room = create_room(srv.base)
    fac = Client(srv.ws_base, room["room"], srv.base)
    a = Client(srv.ws_base, room["room"], srv.base)
    try:
        await fac.connect({"key": room["facilitator_key"], "name": "F"})
        await a.connect({"key": room["join_key"], "name": "A"})
        await fac.ok("role.assign", {"pid": a.pid, "role": "inbrenger", "on": True})
        await a.ok("case.set", {"question": "Hoe vind ik mijn plek?"})
        await fac.ok("phase.goto", {"index": 2})
        await fac.ok("timer.start", {"seconds": 600})
        await fac.ok(
            "card.add", {"id": "q1", "kind": "question", "text": "Wanneer merkte je het voor het eerst?"}
        )
        await fac.ok("timer.pause")
        seq = await fac.ok("mindmap.add", {"id": "m1", "parent": "root", "text": "Docentenkamer"})
        await a.wait_seq(seq)
        before = Client(srv.ws_base, room["room"], srv.base)
        wb = await before.connect({"key": room["join_key"], "token": a.token})
        await before.close()
        token_a, epoch, since = a.token, a.epoch, a.last_seq
        srv.stop()  # mid-session
        await fac.wait_closed(10)
        srv2 = ServerProc(env, port=srv.port).start()
        try:
            after = Client(srv2.ws_base, room["room"], srv2.base)
            wa = await after.connect({"key": room["join_key"], "token": token_a})
            assert wa["you"]["pid"] == a.pid
            assert wa["seq"] == wb["seq"] == seq
            # Phase, timer, case, cards, mind-map: exactly as before.
            assert wa["state"] == wb["state"]
            assert wa["state"]["timer"]["running"] is False and wa["state"]["timer"]["remaining_ms"] > 0
            resumed = Client(srv2.ws_base, room["room"], srv2.base)
            wr = await resumed.connect(
                {"key": room["join_key"], "token": token_a, "epoch": epoch, "since": since}
            )
            assert wr["events"] == [] and wr["epoch"] == epoch
            await after.close()
            await resumed.close()
        finally:
            srv2.stop()
    finally:
        await fac.close()
        await a.close()
        srv.stop()
