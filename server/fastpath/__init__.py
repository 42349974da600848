"""The two WebSocket fast paths around uvicorn's `websockets-sansio` protocol.

- `receive.py`: client frames cut up and queued for the app without websockets' parser.
- `send.py`: one prebuilt frame per event written straight to every member's transport.

Applied once per connection (`connect`): nothing of it runs per event.
"""

from __future__ import annotations

from typing import Any

from . import receive
from .send import RawSocket, sansio_protocol


def connect(send: Any, raw: bool) -> RawSocket | None:
    """Put one accepted connection on the fast paths: its client frames skip websockets' parser
    from now on, and with `raw` (a protocol client, which takes events as they are) it gets the
    RawSocket its events are written to. None where the connection is not uvicorn's sans-I/O
    protocol without extensions, or for a browser (`raw` False)."""
    proto = sansio_protocol(send)
    if proto is None:
        return None
    receive.install(proto)
    return RawSocket(proto) if raw else None
