"""Prebuilt frames written straight to uvicorn's transport (server/fastpath/send.py), against a real
in-process uvicorn and a real `websockets` client."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
import websockets
from kring_testlib import free_port
from websockets.frames import Frame, Opcode

from server.fastpath.send import RawSocket, sansio_protocol, text_frame

SIZES = [0, 1, 125, 126, 127, 65535, 65536, 70000]


def raw_socket(send: Any) -> RawSocket | None:
    """What server.fastpath.connect gives a protocol client: a RawSocket where frames may be shared."""
    proto = sansio_protocol(send)
    return None if proto is None else RawSocket(proto)


@pytest.mark.parametrize("n", SIZES)
def test_text_frame_is_what_websockets_would_send(n: int) -> None:
    data = ("é" * n).encode()[:n] if n else b""
    assert text_frame(data) == Frame(Opcode.TEXT, data).serialize(mask=False, extensions=[])


class App:
    """Echo-ish ASGI app: after the accept, sends every size in SIZES as a raw frame when the
    connection allows it, then reports what raw_socket said and how writes went after a close."""

    def __init__(self) -> None:
        self.raws: list[RawSocket | None] = []
        self.after_close: list[bool] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        assert scope["type"] == "websocket"
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        raw = raw_socket(send)
        self.raws.append(raw)
        if raw is None:
            await send({"type": "websocket.send", "text": "no raw"})
        else:
            for n in SIZES:
                assert raw.write(text_frame(json.dumps({"n": n, "pad": "x" * n}).encode()))
            # ASGI sends and raw frames interleave on one stream.
            await send({"type": "websocket.send", "text": json.dumps({"asgi": True})})
            assert raw.write(text_frame(b'{"last": true}'))
        msg = await receive()
        assert msg["type"] == "websocket.disconnect"
        if raw is not None:
            self.after_close.append(raw.write(text_frame(b"too late")))


@contextlib.asynccontextmanager
async def serve(app: App, **kw: Any) -> AsyncIterator[int]:
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, ws="websockets-sansio", log_level="warning", **kw
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn sets no event when it is up; poll its flag (bounded: 5 s)
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started
    try:
        yield port
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_raw_frames_reach_a_real_client_in_order_and_stop_after_the_close() -> None:
    app = App()
    async with serve(app, ws_per_message_deflate=False) as port:
        async with websockets.connect(f"ws://127.0.0.1:{port}/", compression=None, max_size=None) as ws:
            got = [json.loads(await asyncio.wait_for(ws.recv(), 5)) for _ in range(len(SIZES) + 2)]
        for _ in range(100):  # the app sees the disconnect shortly after the client closes
            if app.after_close:
                break
            await asyncio.sleep(0.02)
    assert isinstance(app.raws[0], RawSocket)
    assert [g["n"] for g in got[: len(SIZES)]] == SIZES
    assert all(len(g["pad"]) == g["n"] for g in got[: len(SIZES)])
    assert got[-2:] == [{"asgi": True}, {"last": True}]
    assert app.after_close == [False]  # a closed connection refuses the frame; nothing is written


async def test_no_raw_frames_when_deflate_is_negotiated() -> None:
    app = App()
    async with serve(app, ws_per_message_deflate=True) as port:
        async with websockets.connect(f"ws://127.0.0.1:{port}/", compression="deflate") as ws:
            assert await asyncio.wait_for(ws.recv(), 5) == "no raw"
    assert app.raws == [None]


def test_no_raw_frames_for_another_send() -> None:
    async def send(msg: dict[str, Any]) -> None:
        pass

    assert raw_socket(send) is None
