"""The load generator's own frame parser (bench/gen.py `Member._frames`) against a real websockets
server: every payload arrives intact whatever its size or fragmentation, pings are answered, and
the close code is kept. (The generator parses frames itself so that it costs less CPU than the
servers it measures on the same two cores.)"""

from __future__ import annotations

import asyncio
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from bench.gen import Member, Room

PAYLOADS = [b"", b"a", b"b" * 125, b"c" * 126, b"d" * 65535, b"e" * 65536, b"f" * 70000]


class StubGen:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.dialect = "peer"
        self.counting = True
        self.bytes_in = 0
        self.closing = False
        self.got: list[bytes] = []
        self.lost = 0

    def on_message(self, m: Member, payload: bytes) -> None:
        self.got.append(bytes(payload))

    def on_lost(self, m: Member) -> None:
        self.lost += 1


async def test_generator_frames_match_what_the_server_sent() -> None:
    pong: dict[str, Any] = {}

    async def handler(ws: ServerConnection) -> None:
        await ws.recv()  # the generator's join
        for p in PAYLOADS:
            await ws.send(p.decode())
        await ws.send(iter(["frag", "men", "ted"]))  # one message in three frames
        waiter = await ws.ping(b"hi")
        pong["latency"] = await asyncio.wait_for(waiter, 5)
        await ws.send("after the ping")
        await ws.close(4008, "slow")

    async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        gen = StubGen()
        m = Member(gen, Room({"room": "r1"}), 0, f"ws://127.0.0.1:{port}/", "http://127.0.0.1", {})  # type: ignore[arg-type]
        await gen.loop.create_connection(lambda: m, "127.0.0.1", port)
        await asyncio.wait_for(m.closed, 10)
    assert m.fast  # the generator's own parser did the work
    assert gen.got == [*PAYLOADS, b"fragmented", b"after the ping"]
    assert "latency" in pong  # the ping was answered
    assert m.close_code == 4008
    assert gen.bytes_in > sum(len(p) for p in PAYLOADS)
