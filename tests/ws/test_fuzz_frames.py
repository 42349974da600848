"""Malformed frames against a live server: every one gets an error or a close, nothing else changes."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import websockets
from kring_testlib import Client, ServerProc, create_room


def _corpus(rng: random.Random) -> list[str | bytes]:
    frames: list[str | bytes] = [
        "",
        " ",
        "null",
        "1",
        '"hello"',
        "[]",
        "{}",
        '{"t":null}',
        '{"t":5}',
        '{"t":"cmd"}',
        '{"t":"cmd","id":5,"type":"phase.next"}',
        '{"t":"cmd","id":"x","type":5}',
        '{"t":"cmd","id":"x","type":"card.add","args":"nope"}',
        '{"t":"cmd","id":"' + "i" * 500 + '","type":"phase.next"}',
        '{"t":"ping","c":{"a":1}}',
        '{"t":"hello","key":"k"}',
        '{"t":"cmd","id":"n","type":"timer.start","args":{"seconds":1e999}}',
        '{"t":"cmd","id":"n2","type":"timer.start","args":{"seconds":' + "9" * 5000 + "}}",
        '{"t":"cmd","id":"d","type":"card.add","args":' + "[" * 5000 + "]" * 5000 + "}",
        "[" * 20000,
        '{"t":"cmd","id":"u","type":"card.add","args":{"id":"q","kind":"question","text":"\\ud800"}}',
        '{"t":"cmd","id":"v","type":"mindmap.add","args":{"id":"a","parent":{"x":1},"text":[1]}}',
        b"\xff\xfe\xfd not utf-8",
        b'{"t":"ping"}',
    ]
    types = [
        "phase.next",
        "card.add",
        "mindmap.move",
        "force.rate",
        "vote.cast",
        "plan.set",
        "round.start",
        "role.assign",
        "note.add",
        "no.such",
        "participant.join",
    ]
    values: list[Any] = [
        None,
        True,
        -1,
        0,
        2**63,
        1.5,
        "",
        "x" * 3000,
        [],
        {},
        [1, [2, [3]]],
        {"a": {"b": {}}},
    ]
    for i in range(250):
        args = {
            rng.choice(["id", "text", "kind", "parent", "seconds", "pid", "importance", "field"]): rng.choice(
                values
            )
            for _ in range(rng.randrange(4))
        }
        frames.append(json.dumps({"t": "cmd", "id": f"f{i}", "type": rng.choice(types), "args": args}))
    return frames


async def test_malformed_frames_never_change_the_room(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = {
        "KRING_STORE": f"sqlite:///{tmp_path}/k.db",
        "KRING_SECRET": "s",
        "KRING_RATE": "5000",
        "KRING_BURST": "5000",
    }
    srv = ServerProc(env, log_path=log).start()
    try:
        room = create_room(srv.base)
        fac = Client(srv.ws_base, room["room"], srv.base)
        await fac.connect({"key": room["facilitator_key"], "name": "F"})
        watcher = Client(srv.ws_base, room["room"], srv.base)
        w0 = await watcher.connect({"key": room["join_key"], "name": "W"})
        ws = await websockets.connect(f"{srv.ws_base}/ws/{room['room']}", origin=srv.base)
        await ws.send(json.dumps({"t": "hello", "key": room["join_key"], "name": "Fuzz"}))
        welcome = json.loads(await ws.recv())
        assert welcome["t"] == "welcome"
        head = welcome["seq"]
        answered = 0
        for frame in _corpus(random.Random(7)):
            if ws.state is not websockets.State.OPEN:
                ws = await websockets.connect(f"{srv.ws_base}/ws/{room['room']}", origin=srv.base)
                await ws.send(json.dumps({"t": "hello", "key": room["join_key"], "token": welcome["token"]}))
                assert json.loads(await ws.recv())["t"] == "welcome"
            await ws.send(frame)
            try:
                while True:
                    reply = json.loads(await ws.recv())
                    if reply["t"] in ("error", "pong"):
                        break
                    assert reply["t"] == "presence", reply
                answered += 1
            except websockets.ConnectionClosed as e:
                assert e.rcvd is not None and e.rcvd.code in (1007, 1009, 1003), e
                answered += 1
        assert answered == len(_corpus(random.Random(7)))
        await ws.close()
        # Nothing was appended by any of it (the fuzzer joined once, as seq head).
        again = Client(srv.ws_base, room["room"], srv.base)
        w = await again.connect({"key": room["join_key"], "token": watcher.token})
        assert w["seq"] == head
        assert {k: v for k, v in w["state"].items() if k != "participants"} == {
            k: v for k, v in w0["state"].items() if k != "participants"
        } | {"seq": head}
        for c in (fac, watcher, again):
            await c.close()
    finally:
        srv.stop()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "Exception" not in text and "ERROR" not in text
