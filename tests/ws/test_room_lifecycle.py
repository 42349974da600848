"""Rooms held by a server's hub: unloaded once nobody is connected for KRING_ROOM_IDLE, never while
someone is, and never loaded at all for a wrong key (in-process servers, so the test can count)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import Client, create_room, inproc_server, post_json, until, visit_rooms

from server.auth import Tokens

IDLE = 0.3  # seconds; the default is 30
SLOW_IDLE = 1.5  # where the test looks at a room between its last use and its unloading


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s", **extra}


async def test_rooms_return_to_zero_once_nobody_uses_them(tmp_path: Path) -> None:
    async with inproc_server(_env(tmp_path, KRING_ROOM_IDLE=str(SLOW_IDLE))) as (_srv, app, port):
        hub = app.state.hub
        first, meeting = await visit_rooms(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}")
        assert meeting in hub.rooms  # the group page loaded its meeting
        await until(lambda: not hub.rooms)
        # Used again, loaded again (and let go again).
        await visit_rooms(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}")
        assert hub.rooms
        await until(lambda: not hub.rooms)


async def test_a_room_with_a_connection_stays_loaded(tmp_path: Path) -> None:
    async with inproc_server(_env(tmp_path, KRING_ROOM_IDLE=str(IDLE))) as (_srv, app, port):
        hub = app.state.hub
        base = f"http://127.0.0.1:{port}"
        room = await asyncio.to_thread(create_room, base)
        c = Client(f"ws://127.0.0.1:{port}", room["room"], base)
        try:
            await c.connect({"key": room["facilitator_key"], "name": "Anna"})
            live = hub.rooms[room["room"]]
            await asyncio.sleep(IDLE * 5)  # several sweeps
            assert hub.rooms.get(room["room"]) is live
            await c.ok("case.set", {"question": "Nog steeds hier?"})
        finally:
            await c.close()
        await until(lambda: not hub.rooms)


async def _refused(ws_base: str, room: str, base: str, hello: dict[str, Any]) -> None:
    c = Client(ws_base, room, base)
    try:
        with pytest.raises(ConnectionError):
            await c.connect(hello)
        assert c.closed is not None and c.closed[0] == 4001
    finally:
        await c.close()


async def test_wrong_keys_load_no_room(tmp_path: Path) -> None:
    async with inproc_server(_env(tmp_path)) as (_srv, app, port):  # 30 s: a load would stay visible
        hub = app.state.hub
        base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
        room = await asyncio.to_thread(create_room, base)
        rid = room["room"]
        signed = Tokens("s", 3600).issue(rid, "pstranger")  # a real signature, for nobody in the room
        exports = [
            {"key": "wrong", "token": signed, "format": "md"},
            {"key": room["join_key"], "token": "forged", "format": "json"},
        ]
        for body in exports:
            status, reply = await asyncio.to_thread(post_json, base, f"/r/{rid}/export", body)
            assert (status, reply["error"]) == (404, "not_found")
        await _refused(ws_base, rid, base, {"key": "wrong", "name": "Eve"})
        await _refused(ws_base, rid, base, {"key": "wrong", "token": "forged", "name": "Eve"})
        await _refused(ws_base, rid, base, {"key": "wrong", "token": signed, "projector": True})
        await _refused(ws_base, "no-such-room", base, {"key": room["join_key"], "name": "Eve"})
        assert hub.rooms == {}
        # The same requests with the room's key do load it: the check above could have seen a load.
        status, _ = await asyncio.to_thread(
            post_json, base, f"/r/{rid}/export", {"key": room["join_key"], "token": signed, "format": "md"}
        )
        assert status == 404  # not a participant, but the key was right
        assert set(hub.rooms) == {rid}
