"""Client frames cut up, merged and mixed with control frames, against server/fastpath/receive.py.

A raw TCP client writes exactly the bytes each test wants: many frames in one write, one frame a
byte at a time, pings and fragments between text frames, and the frames websockets must refuse.
The subprocess tests run `kring serve` (uvloop); the in-process test runs uvicorn on the test's
loop, so it can also check which path the frames took.
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from kring_testlib import ServerProc, create_room, inproc_server

from server.fastpath.receive import PAUSE_AT, FastReceive

TEXT, BINARY, CONT, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


def frame(
    payload: bytes | str, opcode: int = TEXT, fin: bool = True, mask: bool = True, len64: bool = False
) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(data)
    m = 0x80 if mask else 0
    if len64:
        head += bytes([m | 127]) + struct.pack("!Q", n)
    elif n < 126:
        head += bytes([m | n])
    else:
        head += bytes([m | 126]) + struct.pack("!H", n)
    if not mask:
        return head + data
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(data))


def text(msg: dict[str, Any]) -> bytes:
    return frame(json.dumps(msg))


class Raw:
    """A WebSocket client that writes raw bytes and reads the server's frames one by one."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int, room: str) -> Raw:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            (
                f"GET /ws/{room} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n"
            ).encode()
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 101"), head
        return cls(reader, writer)

    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def trickle(self, data: bytes) -> None:
        """One byte per write, with a pause between, so the server reads them one by one."""
        for i in range(len(data)):
            await self.write(data[i : i + 1])
            await asyncio.sleep(0.001)

    async def frame(self, timeout: float = 5) -> tuple[int, bytes]:
        async with asyncio.timeout(timeout):
            b0, b1 = await self.reader.readexactly(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            return b0 & 0x0F, await self.reader.readexactly(n)

    async def msg(self, timeout: float = 5) -> dict[str, Any]:
        """The next text message (control frames are skipped)."""
        while True:
            op, data = await self.frame(timeout)
            if op == TEXT:
                return dict(json.loads(data))
            assert op in (PING, PONG), (op, data)

    async def closed_with(self, timeout: float = 5) -> int:
        """Read until the server's close frame; its code."""
        while True:
            op, data = await self.frame(timeout)
            if op == CLOSE:
                return int(struct.unpack("!H", data[:2])[0])

    async def join(self, key: str, name: str) -> dict[str, Any]:
        await self.write(text({"t": "hello", "key": key, "name": name}))
        while True:
            m = await self.msg()
            if m["t"] == "welcome":
                return m

    async def pongs(self, n: int) -> list[Any]:
        got: list[Any] = []
        while len(got) < n:
            m = await self.msg()
            if m["t"] == "pong":
                got.append(m["c"])
            else:
                assert m["t"] in ("event", "presence", "view"), m
        return got

    def close(self) -> None:
        self.writer.close()


def _pings(cs: range | list[Any]) -> bytes:
    return b"".join(text({"t": "ping", "c": c}) for c in cs)


@pytest.fixture
def server(tmp_path: Path) -> Any:
    srv = ServerProc(
        {"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s"}, log_path=tmp_path / "log"
    )
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


async def test_frames_merged_split_and_mixed_with_control_frames(server: ServerProc) -> None:
    room = create_room(server.base)
    c = await Raw.open(server.port, room["room"])
    try:
        await c.join(room["facilitator_key"], "Anna")
        # Many frames in one write, more than the queue takes before reading pauses: all, in order.
        await c.write(_pings(range(PAUSE_AT * 4)))
        assert await c.pongs(PAUSE_AT * 4) == list(range(PAUSE_AT * 4))
        # One command a byte at a time, then one with a 16-bit length a byte at a time.
        await c.trickle(text({"t": "cmd", "id": "a", "type": "phase.next", "args": {}}))
        long = {"t": "cmd", "id": "b", "type": "case.set", "args": {"question": "Hoe " + "x" * 300 + "?"}}
        await c.trickle(text(long))
        acks = []
        while len(acks) < 2:
            m = await c.msg()
            if m["t"] in ("ack", "error"):
                acks.append(m)
        assert [(m["t"], m["id"]) for m in acks] == [("ack", "a"), ("ack", "b")], acks
        # A WebSocket ping between two text frames in one write: a pong frame, and both messages.
        await c.write(text({"t": "ping", "c": "x"}) + frame(b"hi", PING) + text({"t": "ping", "c": "y"}))
        seen: list[Any] = []
        while len(seen) < 3:
            op, data = await c.frame()
            if op == PONG:
                seen.append(("pong-frame", data))
            elif op == TEXT and json.loads(data)["t"] == "pong":
                seen.append(json.loads(data)["c"])
        # uvicorn answers a ping frame as it reads it, before the app has answered the text before it.
        assert ("pong-frame", b"hi") in seen and [x for x in seen if isinstance(x, str)] == ["x", "y"]
        # A frame cut in the middle of its header, then the rest with a whole frame behind it.
        two = text({"t": "ping", "c": 1}) + text({"t": "ping", "c": 2})
        await c.write(two[:1])
        await asyncio.sleep(0.01)
        await c.write(two[1:])
        assert await c.pongs(2) == [1, 2]
        # A fragmented text message, then text frames again.
        msg = json.dumps({"t": "ping", "c": "frag"}).encode()
        await c.write(
            frame(msg[:5], TEXT, fin=False) + frame(msg[5:9], CONT, fin=False) + frame(msg[9:], CONT)
        )
        await c.write(_pings([3, 4]))
        assert await c.pongs(3) == ["frag", 3, 4]
        # Binary is refused with an error, and the socket stays.
        await c.write(frame(b'{"t":"ping"}', BINARY) + _pings([5]))
        m = await c.msg()
        assert m["t"] == "error" and "binary" in m["message"]
        assert await c.pongs(1) == [5]
        # A 64-bit length on a short frame is legal: websockets takes it (and every byte after it).
        await c.write(frame(json.dumps({"t": "ping", "c": 6}), len64=True) + _pings([7]))
        assert await c.pongs(2) == [6, 7]
        # Invalid UTF-8 in a text frame closes with 1007.
        await c.write(frame(b"\xff\xfe not utf-8"))
        assert await c.closed_with() == 1007
    finally:
        c.close()


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (frame('{"t":"ping","c":1}', mask=False), 1002),  # a client frame must be masked
        (frame("x" * 70_000, len64=True), 1009),  # over the 64 KiB limit, with a 64-bit length
        (frame(b'{"t":', fin=False) + frame(b'{"t":"ping"}'), 1002),  # text inside a fragmented message
        (bytes([0xC1, 0x82]) + os.urandom(4) + b"{}", 1002),  # an RSV bit without an extension
        (frame(b"x" * 126, PING), 1002),  # a control frame over 125 bytes
    ],
    ids=["unmasked", "too-big", "text-in-fragments", "rsv", "long-ping"],
)
async def test_frames_websockets_must_refuse_still_close_the_socket(
    server: ServerProc, bad: bytes, code: int
) -> None:
    room = create_room(server.base)
    c = await Raw.open(server.port, room["room"])
    try:
        await c.join(room["facilitator_key"], "Anna")
        await c.write(_pings([1]) + bad + _pings([2]))
        # The close goes out as websockets reads the bad frame: before the app answers ping 1.
        assert await c.closed_with() == code
    finally:
        c.close()


def _fast(srv: uvicorn.Server) -> FastReceive:
    found = [
        p.transport.get_protocol()
        for p in srv.server_state.connections
        if isinstance(getattr(p, "transport", None) and p.transport.get_protocol(), FastReceive)
    ]
    assert len(found) == 1, found
    return found[0]


async def test_frames_take_the_fast_path_until_something_needs_websockets(tmp_path: Path) -> None:
    # In-process servers take their settings from the dict, not the environment: the fast paths are
    # on here even in the KRING_FASTPATH=off pass of bin/test.
    async with inproc_server({"KRING_STORE": f"sqlite:///{tmp_path}/i.db", "KRING_SECRET": "s"}) as (
        srv,
        _app,
        port,
    ):
        room = await asyncio.to_thread(create_room, f"http://127.0.0.1:{port}")
        c = await Raw.open(port, room["room"])
        try:
            await c.join(room["facilitator_key"], "Anna")
            fast = _fast(srv)
            assert fast.fast
            await c.write(_pings(range(30)))
            assert await c.pongs(30) == list(range(30))
            await c.trickle(_pings(["t"]))
            assert await c.pongs(1) == ["t"]
            # Whole control frames go through websockets, which is back at a frame boundary after.
            await c.write(frame(b"p", PING) + _pings([1]))
            assert await c.pongs(1) == [1]
            assert fast.fast and not fast.buf
            # A fragment leaves websockets mid-message: from then on every byte goes its way.
            msg = json.dumps({"t": "ping", "c": "frag"}).encode()
            await c.write(frame(msg[:4], TEXT, fin=False) + frame(msg[4:], CONT) + _pings([2]))
            assert await c.pongs(2) == ["frag", 2]
            assert not fast.fast
            await c.write(_pings([3]))
            assert await c.pongs(1) == [3]
        finally:
            c.close()
