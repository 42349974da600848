"""The receive fast path: client frames to the ASGI queue without websockets' generator parser
(uvicorn sans-I/O only).

Every command arrives as one small, final, masked text frame. uvicorn hands each read to websockets'
`ServerProtocol`, whose parser is a chain of generators (`parse`, `Frame.parse`, `read_exact`),
then walks the parsed events and queues the text; it also pauses and resumes the socket's reading
around every message. That was about a tenth of the event loop's time under load.

`FastReceive` sits between the transport and uvicorn's protocol. It cuts whole frames out of the
bytes itself; a final text frame (FIN, no RSV bits, masked, within the size limit) is unmasked
with websockets' C `apply_mask`, decoded and queued exactly as uvicorn would queue it. Every other
whole frame (ping, pong, close, binary, fragments, invalid UTF-8) goes to uvicorn's own
`data_received` on its own, so websockets and uvicorn decide about it as before: websockets' parser
only ever sees whole frames and is back at a frame boundary after each. Anything it cannot vouch
for (an unmasked or oversized frame, a 64-bit length, a parser that failed or left the open state)
hands this and every later byte to uvicorn unchanged.

Reading is paused only when the app is `PAUSE_AT` messages behind (uvicorn pauses at one), so a
client that sends one command at a time costs no pause/resume per message, and a flood still stops
being read.
"""

from __future__ import annotations

import asyncio
from typing import Any

try:
    from websockets.speedups import apply_mask
except ImportError:  # pragma: no cover - websockets built without its C extension
    from websockets.utils import apply_mask

from websockets.protocol import State

PAUSE_AT = 16  # queued messages before the socket's reading pauses
_OPEN = State.OPEN


def _at_boundary(conn: Any) -> bool:
    """websockets' parser waits for the first byte of a frame with nothing buffered."""
    try:
        if not (
            conn.state is _OPEN
            and conn.parser_exc is None
            and conn.current_size is None
            and not conn.reader.buffer
        ):
            return False
        # The parser is a chain of generators (the server's handshake parser delegates to the
        # frame parser). At a boundary its innermost step is the reader's `at_eof`, called from
        # the frame loop `Protocol.parse`, not from inside `Frame.parse`.
        outer, inner = None, conn.parser
        while inner.gi_yieldfrom is not None:
            outer, inner = inner, inner.gi_yieldfrom
        return bool(
            inner.gi_code.co_name == "at_eof"
            and outer is not None
            and outer.gi_code.co_name == "parse"
            and outer.gi_code.co_filename.endswith("protocol.py")
        )
    except AttributeError:  # a websockets whose parser this module does not know: never take over
        return False


class FastReceive(asyncio.Protocol):
    """The transport's protocol in front of one uvicorn `WebSocketsSansIOProtocol`."""

    def __init__(self, proto: Any) -> None:
        self.proto = proto
        self.conn = proto.conn
        limits = [n for n in (proto.conn.max_message_size, proto.conn.max_fragment_size) if n is not None]
        self.max_size: int = min(limits, default=1 << 62)
        self.fast = True
        self.buf = b""

    # The transport's other calls go straight to uvicorn's protocol.
    def connection_lost(self, exc: Exception | None) -> None:
        self.proto.connection_lost(exc)

    def eof_received(self) -> bool | None:
        return self.proto.eof_received()  # type: ignore[no-any-return]

    def pause_writing(self) -> None:
        self.proto.pause_writing()

    def resume_writing(self) -> None:
        self.proto.resume_writing()

    def _slow(self, data: bytes) -> None:
        """From here on, every byte goes through uvicorn and websockets."""
        self.fast = False
        self.buf = b""
        if data:
            self.proto.data_received(data)

    def data_received(self, data: bytes) -> None:
        if not self.fast:
            self.proto.data_received(data)
            return
        if self.buf:
            data = self.buf + data
            self.buf = b""
        proto = self.proto
        n = len(data)
        i = 0
        while n - i >= 2:
            b0 = data[i]
            b1 = data[i + 1]
            size = b1 & 0x7F
            if size < 126:
                head = i + 2
            elif size == 126:
                if n - i < 4:
                    break
                size = (data[i + 2] << 8) | data[i + 3]
                head = i + 4
            else:
                self._slow(data[i:])
                return
            if not b1 & 0x80 or size > self.max_size:
                self._slow(data[i:])  # unmasked or too big: websockets closes with the right code
                return
            end = head + 4 + size
            if end > n:
                break
            text: str | None = None
            # No fragmented message is in progress here: a fragment leaves websockets mid-message,
            # and `_at_boundary` then hands every later byte over.
            if b0 == 0x81:
                try:
                    text = apply_mask(data[head + 4 : end], data[head : head + 4]).decode()
                except UnicodeDecodeError:
                    text = None  # uvicorn closes with 1007
            if text is not None:
                if not proto.close_sent:  # past websocket.close, uvicorn drops messages too
                    queue = proto.queue
                    queue.put_nowait({"type": "websocket.receive", "text": text})
                    if not proto.read_paused and queue.qsize() >= PAUSE_AT:
                        proto.read_paused = True
                        proto.transport.pause_reading()
            else:
                proto.data_received(data[i:end])  # one whole frame, for websockets to judge
                if not _at_boundary(self.conn):
                    self._slow(data[end:])
                    return
            i = end
        if i < n:
            self.buf = data[i:]


def install(proto: Any) -> FastReceive | None:
    """Put a FastReceive in front of `proto` if its parser is at a frame boundary with nothing
    buffered (always, unless the client sent more than its hello before the welcome)."""
    transport = getattr(proto, "transport", None)
    if transport is None or transport.is_closing() or not _at_boundary(proto.conn):
        return None
    fast = FastReceive(proto)
    transport.set_protocol(fast)
    return fast
