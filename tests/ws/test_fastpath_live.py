"""The fast paths' switch on a live server: which connections take them, on and off.

(Every other test in tests/ws runs with the fast paths on and, in bin/test's second pass, with
KRING_FASTPATH=off: the protocol is the same either way.)
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from kring_testlib import Client, ServerProc, create_room, inproc_server

from server import fastpath
from server.fastpath.receive import FastReceive
from server.fastpath.send import RawSocket


@pytest.mark.parametrize("how", ["on", "KRING_FASTPATH=off", "unverified uvicorn"])
async def test_connections_take_the_fast_paths_only_while_they_are_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    env = {"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s"}
    if how == "KRING_FASTPATH=off":
        env["KRING_FASTPATH"] = "off"
    elif how == "unverified uvicorn":
        real = fastpath.versions()
        monkeypatch.setattr(fastpath, "versions", lambda: {**real, "uvicorn": "0.1.0"})
    on = how == "on"
    async with inproc_server(env) as (srv, app, port):
        assert app.state.fastpath.on is on
        base = f"http://127.0.0.1:{port}"
        room = await asyncio.to_thread(create_room, base)
        proto = Client(f"ws://127.0.0.1:{port}", room["room"], base)
        browser = Client(f"ws://127.0.0.1:{port}", room["room"], base)
        try:
            await proto.connect({"key": room["facilitator_key"], "name": "Anna"})
            await browser.connect({"key": room["join_key"], "name": "Bram", "view": True})
            seq = await proto.ok("case.set", {"question": "Hoe begin ik?"})
            await browser.wait_for(lambda m: m["t"] == "view" and m["seq"] == seq)
            await proto.wait_seq(seq)
            conns = {c.want_view: c for c in app.state.hub.rooms[room["room"]].conns}
            assert isinstance(conns[False].raw, RawSocket) is on  # raw frames: protocol clients only
            assert conns[True].raw is None  # a browser's views always go through its writer
            receiving = [
                p
                for p in srv.server_state.connections
                if isinstance(getattr(p, "transport", None) and p.transport.get_protocol(), FastReceive)
            ]
            assert len(receiving) == (2 if on else 0)
        finally:
            await proto.close()
            await browser.close()


def test_kring_serve_says_once_that_they_are_off(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    srv = ServerProc(
        {"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s", "KRING_FASTPATH": "off"},
        log_path=log,
    ).start()
    srv.stop()
    lines = [line for line in log.read_text().splitlines() if "fast paths" in line]
    assert len(lines) == 1 and lines[0].endswith("fast paths: off (KRING_FASTPATH=off)"), lines
