"""A small asyncio TCP proxy for network-fault tests: latency, cut, black-hole.

- `delay`: every chunk is forwarded `delay` seconds after it arrived, in order, in both directions.
- `blackhole(seconds)`: nothing is forwarded (in either direction, on old or new connections) for
  that long; what arrived meanwhile is held and delivered afterwards, as TCP retransmission would.
  An application that pings notices the silence; the TCP connections themselves stay up.
- `cut()`: every current connection is reset at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, *, delay: float = 0.0) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        self.port = 0
        self._server: asyncio.base_events.Server | None = None
        self._dark_until = 0.0
        self._conns: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.cut()
        for t in list(self._tasks):
            t.cancel()
        for t in list(self._tasks):
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(t, 1)
        if self._server is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    def blackhole(self, seconds: float) -> None:
        self._dark_until = time.monotonic() + seconds

    def cut(self) -> None:
        for a, b in list(self._conns):
            for w in (a, b):
                with contextlib.suppress(Exception):
                    w.transport.abort()
        self._conns.clear()

    async def _accept(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        try:
            ur, uw = await asyncio.wait_for(asyncio.open_connection(*self.target), 5)
        except (OSError, TimeoutError):
            cw.transport.abort()
            return
        pair = (cw, uw)
        self._conns.add(pair)
        up = asyncio.create_task(self._pump(cr, uw, pair))
        down = asyncio.create_task(self._pump(ur, cw, pair))
        self._tasks |= {up, down}
        try:
            await asyncio.gather(up, down, return_exceptions=True)
        finally:
            self._tasks -= {up, down}
            self._conns.discard(pair)

    async def _pump(
        self,
        r: asyncio.StreamReader,
        w: asyncio.StreamWriter,
        pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
    ) -> None:
        q: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def sender() -> None:
            while True:
                at, data = await q.get()
                if not data:
                    break
                while True:
                    now = time.monotonic()
                    wait = max(at + self.delay - now, self._dark_until - now)
                    if wait <= 0:
                        break
                    await asyncio.sleep(wait)
                w.write(data)
                await w.drain()
            with contextlib.suppress(Exception):
                w.write_eof()

        s = asyncio.create_task(sender())
        try:
            while True:
                data = await r.read(65536)
                q.put_nowait((time.monotonic(), data))
                if not data:
                    break
            await s
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            s.cancel()
            with contextlib.suppress(BaseException):
                await s
            for x in pair:
                with contextlib.suppress(Exception):
                    x.close()
