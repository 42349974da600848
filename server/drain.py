"""The graceful drain on SIGTERM: finish what is under way, then close every socket with 1012.

uvicorn on SIGTERM stops listening and closes WebSocket connections at once (1012). Kring gets in
first: its handler wraps uvicorn's (installed by the app's lifespan while uvicorn's is in place)
and, before handing the signal on, drains this process:

1. `/healthz` answers 503 and a new WebSocket is closed with 1012 right after its handshake, so a
   load balancer stops sending clients here and a client that still arrives tries another worker;
2. each room's lock is taken in turn, so a command being decided and appended finishes (its event
   goes out, its ack too), and the room's connections are closed with 1012 "server restarting"
   behind it: the writer task sends whatever is queued first, then the close frame;
3. once the writers are done (or `KRING_DRAIN_TIMEOUT` seconds passed), uvicorn's own handler runs:
   it stops listening, waits for the connection tasks, and runs the lifespan's shutdown (the Redis
   fan-out withdraws this worker's presence at once).

Clients treat 1012 like any close that is not final (docs/protocol.md): they reconnect with back-off,
to another worker behind the load balancer (Redis) or to the restarted process (embedded), and
resume with `epoch` + `since`, re-sending unacknowledged commands under the same ids. A command
that arrives after its room was closed is decided after the drain released the lock; its ack
cannot reach the client any more, so the client re-sends it and the dedupe answers.

A second SIGTERM during the drain is ignored: with `--workers N` a worker may get one from the
supervisor and one from the process manager (systemd signals the whole control group). The drain
is bounded by `KRING_DRAIN_TIMEOUT` anyway; SIGINT (Ctrl+C) stays uvicorn's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from types import FrameType
from typing import Any

from . import protocol as P
from .hub import Hub
from .metrics import M

log = logging.getLogger("kring.drain")


class Drain:
    def __init__(self, hub: Hub | None, timeout: float) -> None:
        self.hub = hub
        self.timeout = timeout
        self.draining = False
        self._prev: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def install(self) -> bool:
        """Wrap the process's SIGTERM handler (uvicorn's), from the main thread; False if there is
        none to wrap (not under uvicorn's signal handling, or not the main thread)."""
        if self.hub is None or self.timeout <= 0 or threading.current_thread() is not threading.main_thread():
            return False
        prev = signal.getsignal(signal.SIGTERM)
        if not callable(prev):
            return False
        self._prev = prev
        self._loop = asyncio.get_running_loop()
        signal.signal(signal.SIGTERM, self._on_signal)
        return True

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        if self._loop is None or self._loop.is_closed():
            self._prev(sig, frame)
            return
        if self.draining:
            return  # already draining; uvicorn gets the signal when the drain ends
        self.draining = True
        self._loop.call_soon_threadsafe(self._start, sig, frame)

    def _start(self, sig: int, frame: FrameType | None) -> None:
        self._task = asyncio.ensure_future(self._run(sig, frame))

    async def _run(self, sig: int, frame: FrameType | None) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await self.drain()
        except TimeoutError:
            log.warning("drain: timed out after %.0f s; closing what is left", self.timeout)
        except Exception:
            log.exception("drain failed")
        finally:
            self._prev(sig, frame)

    async def drain(self) -> None:
        """Close every room's connections with 1012, each behind the command under way in it."""
        self.draining = True
        M.drains.inc()
        rooms = list(self.hub.rooms.values()) if self.hub is not None else []
        n = sum(len(live.conns) for live in rooms)
        log.info("drain: closing %d connection(s) in %d room(s) with 1012", n, len(rooms))
        writers: list[asyncio.Task[None]] = []

        async def close(live: Any) -> None:
            async with live.lock:
                writers.extend(c.writer for c in live.conns if c.writer is not None)
                live.close(P.CLOSE_RESTART, "server restarting")

        await asyncio.gather(*(close(live) for live in rooms))
        if writers:
            with contextlib.suppress(Exception):
                await asyncio.wait(writers)
        log.info("drain: done")
