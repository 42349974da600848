"""No IP addresses in the log (docs/privacy.md), and the data directory private to its user."""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path

from kring_testlib import Client, ServerProc, create_room


async def test_no_ip_addresses_logged(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    srv = ServerProc(
        {
            "KRING_STORE": f"sqlite:///{tmp_path}/data/kring.db",
            "KRING_SECRET": "s",
            "FORWARDED_ALLOW_IPS": "*",
        },
        log_path=log,
    ).start()
    try:
        room = create_room(srv.base)
        c = Client(srv.ws_base, room["room"], srv.base)
        await c.connect({"key": room["join_key"], "name": "Anna"})
        await c.close()
        import websockets

        # Behind a proxy: the forwarded address must not be logged either.
        async with websockets.connect(
            f"{srv.ws_base}/ws/{room['room']}",
            origin=srv.base,
            additional_headers={"X-Forwarded-For": "203.0.113.77"},
        ) as ws:
            await ws.send('{"t":"hello","key":"wrong","name":"Eve"}')
            with contextlib.suppress(websockets.ConnectionClosed):
                await ws.recv()
    finally:
        srv.stop()
    text = log.read_text()
    assert "WebSocket" in text  # uvicorn did log the connections ...
    assert "127.0.0.1" not in text and "203.0.113.77" not in text  # ... without the addresses
    assert room["room"] not in text


def test_data_files_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    srv = ServerProc({"KRING_DATA": str(data), "KRING_STORE": ""}).start()
    try:
        create_room(srv.base)
    finally:
        srv.stop()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.iterdir() if p.name.startswith(("kring.db", "secret.key"))]
    assert {p.name for p in files} >= {"kring.db", "secret.key"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
