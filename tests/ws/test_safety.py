"""Safe rooms over the wire: link rotation, locking and admission, removal, erasure, limits, logs."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import websockets
from kring_testlib import Client, ServerProc, create_room

CANARY = "CANARY-erase-4c1d9e"


async def _client(srv: ServerProc, room: str, hello: dict[str, Any]) -> Client:
    c = Client(srv.ws_base, room, srv.base)
    await c.connect(hello)
    return c


async def _refused(srv: ServerProc, room: str, hello: dict[str, Any]) -> int | None:
    c = Client(srv.ws_base, room, srv.base)
    with pytest.raises(ConnectionError):
        await c.connect(hello)
    code, _ = await c.wait_closed()
    return code


async def test_rotate_lock_admit_remove(sqlite_server: ServerProc) -> None:
    srv = sqlite_server
    room = create_room(srv.base)
    rid = room["room"]
    fac = await _client(srv, rid, {"key": room["facilitator_key"], "name": "F"})
    a = await _client(srv, rid, {"key": room["join_key"], "name": "A"})
    # Rotate: the old link admits nobody new; people already in keep their place via their token.
    r = await a.cmd("room.rotate")
    assert r["code"] == "forbidden"
    await fac.ok("room.rotate")
    keys = await fac.wait_for(lambda m: m["t"] == "keys")
    new_key = keys["join_key"]
    assert new_key != room["join_key"] and not any(m["t"] == "keys" for m in a.msgs)
    assert await _refused(srv, rid, {"key": room["join_key"], "name": "Eve"}) == 4001
    back = await _client(srv, rid, {"key": room["join_key"], "token": a.token})
    assert back.pid == a.pid
    await back.close()
    # Lock: a newcomer waits, sees nothing, and the facilitator admits them.
    await fac.ok("room.lock", {"locked": True})
    await fac.ok("phase.goto", {"index": 2})
    await a.ok("card.add", {"id": "q1", "kind": "question", "text": "Wat was er aan de hand?"})
    w = await _client(srv, rid, {"key": new_key, "name": "Wim", "view": True})
    assert w.welcome is not None and w.welcome["you"].get("waiting") is True
    assert w.welcome["state"]["cards"] == {} and w.welcome["state"]["participants"] == {}
    r = await w.cmd("card.add", {"id": "q2", "kind": "question", "text": "Mag ik?"})
    assert r["code"] == "forbidden"
    seq = await a.ok("card.add", {"id": "q3", "kind": "question", "text": "Wat voelde je toen?"})
    await fac.wait_seq(seq)
    await asyncio.sleep(0.2)
    assert "Wat voelde je" not in json.dumps(w.msgs)
    # Nothing of the room while waiting: no events (not even placeholders), no presence.
    assert not [m for m in w.msgs if m["t"] in ("event", "presence")]
    v = await fac.wait_for(lambda m: m["t"] == "event" and m["type"] == "participant.wait")
    assert v["data"]["name"] == "Wim"
    await fac.ok("participant.admit", {"pid": w.pid})
    view = await w.wait_for(lambda m: m["t"] == "view" and "q1" in m["state"]["cards"])
    assert view["state"]["you" if "you" in view["state"] else "may"] is not None
    # Remove: the socket closes with 4003 and the token stops working.
    await fac.ok("participant.remove", {"pid": w.pid})
    code, _ = await w.wait_closed()
    assert code == 4003
    assert await _refused(srv, rid, {"key": new_key, "token": w.token, "name": "Wim"}) == 4001
    await fac.close()
    await a.close()


async def test_end_and_erase_removes_everything(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    log = tmp_path / "server.log"
    env = {
        "KRING_STORE": f"sqlite:///{db}",
        "KRING_SECRET": "s",
        "KRING_RATE": "1000",
        "KRING_BURST": "1000",
        "KRING_PERSON_SHARE": "100",  # one person writes them all
    }
    srv = ServerProc(env, log_path=log).start()
    try:
        room = create_room(srv.base, title=f"Titel {CANARY}")
        rid = room["room"]
        fac = await _client(srv, rid, {"key": room["facilitator_key"], "name": f"Fenna {CANARY}"[:40]})
        a = await _client(srv, rid, {"key": room["join_key"], "name": "Anna"})
        await fac.ok("role.assign", {"pid": a.pid, "role": "inbrenger", "on": True})
        await a.ok("case.set", {"question": f"Hoe spreek ik hem aan? {CANARY}"})
        await fac.ok("phase.goto", {"index": 2})
        for i in range(250):  # enough for a snapshot to be written as well
            await a.ok("card.add", {"id": f"q{i}", "kind": "question", "text": f"Vraag {i} {CANARY}"})
        r = await a.cmd("room.erase")
        assert r["code"] == "forbidden"
        await fac.send({"t": "cmd", "id": "bye", "type": "room.erase", "args": {}})
        assert (await a.wait_closed())[0] == 4010
        assert (await fac.wait_closed())[0] == 4010
        assert await _refused(srv, rid, {"key": room["join_key"], "token": a.token}) == 4001
        # No row anywhere holds the canary, and neither does the file, its WAL or the server log.
        con = sqlite3.connect(db)
        try:
            for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                for row in con.execute(f"SELECT * FROM {table}"):
                    assert CANARY not in repr(row), table
        finally:
            con.close()
    finally:
        srv.stop()
    for f in tmp_path.iterdir():
        if f.is_file():
            assert CANARY.encode() not in f.read_bytes(), f.name


async def test_limits_frames_floods_and_guessing(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    srv = ServerProc({"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s"}, log_path=log).start()
    try:
        room = create_room(srv.base)
        other = create_room(srv.base)
        rid = room["room"]
        a = await _client(srv, rid, {"key": room["join_key"], "name": "A"})
        # A 65 KiB frame is refused: the socket closes with 1009.
        big = await _client(srv, rid, {"key": room["join_key"], "name": "B"})
        await big.send(json.dumps({"t": "ping", "c": "x" * (65 * 1024)}))
        assert (await big.wait_closed())[0] == 1009
        # A flood of frames is closed with 4029 within a second; another room is unaffected.
        b = await _client(srv, rid, {"key": room["join_key"], "name": "C"})
        o = await _client(srv, other["room"], {"key": other["facilitator_key"], "name": "O"})
        t0 = time.monotonic()
        try:
            for i in range(1000):
                await b.ws.send(json.dumps({"t": "ping", "c": i}))
                await asyncio.sleep(0.001)
        except websockets.ConnectionClosed:
            pass
        code, _ = await b.wait_closed(5)
        assert code == 4029 and time.monotonic() - t0 < 1.5
        assert any(m["t"] == "error" and m["code"] == "rate_limited" for m in b.msgs)
        await o.ok("phase.next")
        await a.send({"t": "ping", "c": 1})
        await a.wait_for(lambda m: m["t"] == "pong")
        # 1,000 guessed keys from one address: all refused, and the address is throttled.
        codes: dict[int | None, int] = {}
        for i in range(1000):
            try:
                async with websockets.connect(f"{srv.ws_base}/ws/{rid}", origin=srv.base) as ws:
                    await ws.send(json.dumps({"t": "hello", "key": f"guess{i}", "name": "x"}))
                    async with asyncio.timeout(5):
                        async for _ in ws:
                            pass
                    code = ws.close_code
            except websockets.ConnectionClosed as e:
                code = e.rcvd.code if e.rcvd else None
            codes[code] = codes.get(code, 0) + 1
        assert set(codes) <= {4001, 4029} and codes.get(4029, 0) >= 900, codes
        # The real key from the same address is now throttled too (the address waits a minute).
        assert await _refused(srv, rid, {"key": room["join_key"], "name": "late"}) == 4029
        await a.close()
        await o.close()
    finally:
        srv.stop()
    text = log.read_text(errors="replace")
    assert rid not in text and room["join_key"] not in text
    assert "Traceback" not in text


async def test_canary_never_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    srv = ServerProc({"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s"}, log_path=log).start()
    try:
        room = create_room(srv.base)
        fac = await _client(srv, room["room"], {"key": room["facilitator_key"], "name": "Canary-Fenna"})
        await fac.ok("case.set", {"question": f"Vraag {CANARY}"})
        await fac.cmd("card.add", {"id": "x", "kind": "advice", "text": CANARY})
        await fac.send("{" + CANARY)
        await fac.wait_for(lambda m: m["t"] == "error" and m["id"] is None)
        await fac.close()
    finally:
        srv.stop()
    text = log.read_text(errors="replace")
    assert "Application startup complete" in text  # the log was captured at all
    for secret in (CANARY, "Canary-Fenna", room["room"], room["join_key"], room["facilitator_key"]):
        assert secret not in text


async def test_retention_erases_idle_rooms(tmp_path: Path) -> None:
    """KRING_RETENTION_DAYS=0: every room is idle at once; the retention pass erases it."""
    env = {
        "KRING_STORE": f"sqlite:///{tmp_path}/k.db",
        "KRING_SECRET": "s",
        "KRING_RETENTION_DAYS": "0",
        "KRING_RETENTION_INTERVAL": "1",
    }
    srv = ServerProc(env).start()
    try:
        room = create_room(srv.base, title=CANARY)
        async with asyncio.timeout(10):
            while True:
                con = sqlite3.connect(tmp_path / "k.db")
                try:
                    n = con.execute("SELECT count(*) FROM rooms").fetchone()[0]
                finally:
                    con.close()
                if n == 0:
                    break
                await asyncio.sleep(0.2)
        assert await _refused(srv, room["room"], {"key": room["join_key"], "name": "A"}) == 4001
    finally:
        srv.stop()
