"""The send fast path: prebuilt WebSocket frames written straight to uvicorn's transport.

A fan-out sends the same text to every member of a room. Through ASGI each member's send frames
that text again (websockets' `send_text`, `Frame.serialize`, `data_to_send`), which was about a
fifth of the event loop's time under load. A server-to-client frame is never masked, so one frame
built once per event is valid for every member: `RawSocket.write` checks what uvicorn's own send
checks (open, handshake done, no close sent, transport writable) and writes it.

Only for uvicorn's `websockets-sansio` protocol with no extension negotiated (`kring serve` turns
per-message deflate off); anything else gets `None` from `sansio_protocol` and keeps the ASGI send.
When `write` says no (the transport is paused or the socket is going), the caller queues the
message for the ASGI send, which waits or fails the way uvicorn decides. Only protocol clients get
a RawSocket (server/fastpath/__init__.py `connect`): a browser's views always go through the ASGI
send of its writer task.
"""

from __future__ import annotations

import struct
from typing import Any

from websockets.protocol import State

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # pragma: no cover - an uvicorn without the sans-I/O protocol
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]

_OPEN = State.OPEN


def text_frame(data: bytes) -> bytes:
    """One final, unmasked text frame (RFC 6455 section 5.2) carrying `data` (UTF-8)."""
    n = len(data)
    if n < 126:
        return bytes((0x81, n)) + data
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + data
    return struct.pack("!BBQ", 0x81, 127, n) + data


class RawSocket:
    """Writes whole frames to one connection's transport, bypassing per-connection framing."""

    __slots__ = ("conn", "proto", "transport", "writable")

    def __init__(self, proto: Any) -> None:
        self.proto = proto
        # Fixed for the connection's life once the handshake is done: looked up once, not per frame.
        self.conn = proto.conn
        self.transport = proto.transport
        self.writable = proto.writable

    def write(self, frame: bytes) -> bool:
        """Write `frame` now; False when the connection cannot take it without waiting."""
        p = self.proto
        if p.disconnected or p.close_sent or not self.writable.is_set() or self.conn.state is not _OPEN:
            return False
        self.transport.write(frame)
        return True


def available() -> bool:
    """Whether this uvicorn has the sans-I/O protocol the send fast path writes through."""
    return WebSocketsSansIOProtocol is not None


def sansio_protocol(send: Any) -> Any | None:
    """uvicorn's sans-I/O protocol object behind an ASGI `send`, if frames may be shared on it (its
    handshake done, no extension negotiated: deflate changes every frame); else None."""
    if WebSocketsSansIOProtocol is None:
        return None
    proto = getattr(send, "__self__", None)
    if not isinstance(proto, WebSocketsSansIOProtocol) or getattr(send, "__func__", None) is not (
        WebSocketsSansIOProtocol.send
    ):
        return None
    if proto.conn.extensions or not proto.handshake_complete:
        return None
    return proto
