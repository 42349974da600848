"""Unfinished connections: a time limit for the first request, and a cap per address and in total.

uvicorn times out an idle keep-alive connection (`timeout_keep_alive`) but not a connection that
never completes its first request: 19,900 idle or trickling connections held the file descriptors
and /healthz stopped answering. `GuardedH11Protocol` is uvicorn's own h11 protocol with three
additions, made only through the asyncio.Protocol interface (connection_made, data_received,
connection_lost):

- a connection must complete its request head (or WebSocket upgrade) within `HEADER_TIMEOUT_S`,
  counted from the connection, not reset by trickled bytes; otherwise it is closed;
- at most `PER_ADDRESS` *unfinished* connections per client address, and `TOTAL` in all: a new
  connection over the cap closes the *oldest* unfinished one (of that address, or of all), so
  whoever holds connections open without finishing them loses them first, and a real browser,
  whose connections are unfinished for milliseconds, always gets in. Established connections (a
  request under way, a live WebSocket) are never capped per address: a whole school behind one
  NAT address (hundreds of laptops) connects as usual.

`kring serve` passes the class to uvicorn as its `http` protocol (a documented setting). Limits
come from the environment: KRING_HEADER_TIMEOUT (s), KRING_UNFINISHED_PER_ADDRESS,
KRING_UNFINISHED_TOTAL.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


def _env_num(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        raise SystemExit(f"{name} must be a number") from None


HEADER_TIMEOUT_S = _env_num("KRING_HEADER_TIMEOUT", 10.0)
PER_ADDRESS = int(_env_num("KRING_UNFINISHED_PER_ADDRESS", 256))
TOTAL = int(_env_num("KRING_UNFINISHED_TOTAL", 4096))

# Unfinished connections, oldest first: per address, and all of them.
_by_addr: dict[str, dict[GuardedH11Protocol, None]] = {}
_all: dict[GuardedH11Protocol, None] = {}


class GuardedH11Protocol(H11Protocol):
    _guard_addr: str | None = None
    _guard_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer: Any = transport.get_extra_info("peername")
        addr = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        mine = _by_addr.setdefault(addr, {})
        if len(mine) >= PER_ADDRESS:
            next(iter(mine))._guard_drop()
        if len(_all) >= TOTAL:
            next(iter(_all))._guard_drop()
        self._guard_addr = addr
        _by_addr.setdefault(addr, {})[self] = None
        _all[self] = None
        self._guard_timer = asyncio.get_running_loop().call_later(HEADER_TIMEOUT_S, self._guard_drop)

    def _guard_done(self) -> None:
        addr, self._guard_addr = self._guard_addr, None
        if addr is None:
            return
        if self._guard_timer is not None:
            self._guard_timer.cancel()
            self._guard_timer = None
        mine = _by_addr.get(addr)
        if mine is not None:
            mine.pop(self, None)
            if not mine:
                del _by_addr[addr]
        _all.pop(self, None)

    def _guard_drop(self) -> None:
        """Still unfinished after the time limit, or the oldest over a cap: close it."""
        self._guard_done()
        self.transport.abort()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # A request head arrived (uvicorn made its scope), or the socket went to the WebSocket
        # protocol: the connection is established.
        if self._guard_addr is not None and (
            getattr(self, "scope", None) is not None or self.transport.get_protocol() is not self
        ):
            self._guard_done()

    def connection_lost(self, exc: Exception | None) -> None:
        self._guard_done()
        super().connection_lost(exc)


def unfinished() -> tuple[int, int]:
    """(addresses, connections) currently unfinished in this process (for tests and metrics)."""
    return len(_by_addr), len(_all)
