"""server/fastpath/receive.py's boundary check against websockets' own sans-I/O parser.

The fast path may only take over while websockets' parser waits for the first byte of a frame with
nothing buffered; in the middle of a frame (a header read, the rest not yet there) the reader's
buffer is empty as well, and taking over there would split the stream wrongly.
"""

from __future__ import annotations

import os
import struct

from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from server.fastpath.receive import _at_boundary


def _open() -> ServerProtocol:
    conn = ServerProtocol(max_size=65536)
    conn.receive_data(
        b"GET /ws/r HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    [req] = conn.events_received()
    assert isinstance(req, Request)
    conn.send_response(conn.accept(req))
    return conn


def _frame(data: bytes, b0: int = 0x81) -> bytes:
    key = os.urandom(4)
    n = len(data)
    head = bytes([b0, 0x80 | n]) if n < 126 else bytes([b0, 0x80 | 126]) + struct.pack("!H", n)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(data))


def test_boundary_only_between_whole_frames() -> None:
    conn = _open()
    assert _at_boundary(conn)
    f = _frame(b'{"t":"ping"}')
    conn.receive_data(f[:2])  # the header is read; the parser now waits for the mask, nothing buffered
    assert not conn.reader.buffer and not _at_boundary(conn)
    conn.receive_data(f[2:7])
    assert not _at_boundary(conn)
    conn.receive_data(f[7:])
    assert [e.opcode for e in conn.events_received()] == [Opcode.TEXT]
    assert _at_boundary(conn)
    long = _frame(b"x" * 300)
    conn.receive_data(long[:4])  # a 16-bit length read; the mask and payload not yet there
    assert not _at_boundary(conn)
    conn.receive_data(long[4:])
    assert _at_boundary(conn)


def test_no_boundary_inside_a_fragmented_message_or_after_close() -> None:
    conn = _open()
    conn.receive_data(_frame(b'{"t":', b0=0x01))  # text, not final
    assert not _at_boundary(conn)
    conn.receive_data(_frame(b'"ping"}', b0=0x80))  # the final continuation
    assert _at_boundary(conn)
    conn.receive_data(_frame(b"\x03\xe8", b0=0x88))  # close
    assert not _at_boundary(conn)


def test_no_boundary_after_a_protocol_error() -> None:
    conn = _open()
    conn.receive_data(bytes([0x81, 0x02]) + b"{}")  # unmasked
    assert conn.parser_exc is not None and not _at_boundary(conn)
