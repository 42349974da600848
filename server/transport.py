"""Connections of this process, outbound: the message, the per-connection queue and its writer task.

A fan-out builds one `Message` per event (and audience) and pushes it to each `Conn`. While the
connection is idle, the push writes at once: the prebuilt frame through the send fast path
(`RawSocket`, server/fastpath/send.py) for a protocol client, or else by stepping the ASGI `send`
coroutine, which completes without suspending while the transport is writable. Otherwise the
message waits in the connection's bounded queue for its writer task (`writer`), which also sends a
browser's views. Nothing here knows about rooms: the view comes from a callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from types import CoroutineType
from typing import Any

from starlette.websockets import WebSocketDisconnect

from . import protocol as P
from .fastpath.send import RawSocket, text_frame
from .metrics import M

log = logging.getLogger("kring.ws")
VIEW_INTERVAL = 0.1  # seconds between two views sent to one connection

Send = Callable[[dict[str, Any]], Awaitable[None]]
Close = Callable[[int, str], Awaitable[None]]  # closes the socket; never raises


def asgi_text(text: str) -> dict[str, Any]:
    """The ASGI message that sends `text` as one WebSocket text frame."""
    return {"type": "websocket.send", "text": text}


class Message:
    """One outgoing text message, shared by every connection it goes to: the ASGI message for the
    writer task and, built on first use, the wire frame that `RawSocket` writes as it is."""

    __slots__ = ("_frame", "asgi")

    def __init__(self, text: str) -> None:
        self.asgi = asgi_text(text)
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        f = self._frame
        if f is None:
            f = self._frame = text_frame(self.asgi["text"].encode())
        return f


class Conn:
    """One WebSocket connection's outbound side: messages leave in push order.

    When the connection is idle (nothing queued, the writer task waiting), `push` writes at once:
    the message's prebuilt frame through `raw` (uvicorn's transport, see server/fastpath/send.py),
    or else by stepping the ASGI `send` coroutine, which completes without suspending while the
    transport is writable. So fanning an event out to ten members costs ten transport writes and
    no task switch. If the transport cannot take it (paused: the peer's socket buffer is full) or
    a send does suspend, the writer task finishes that send and everything after it goes through
    the queue; a queue that reaches `queue_size` means a slow consumer (4008).
    Browser connections that want views always go through the writer, which adds the view.
    """

    __slots__ = (
        "__weakref__",
        "_pending",
        "_waiter",
        "close_code",
        "close_reason",
        "lang",
        "out",
        "patches",
        "pid",
        "projector",
        "queue_size",
        "raw",
        "send",
        "view_dirty",
        "want_view",
        "writer",
    )

    def __init__(
        self,
        pid: str,
        queue_size: int,
        want_view: bool,
        lang: str,
        projector: bool = False,
        send: Send | None = None,
        raw: RawSocket | None = None,
        patches: bool = False,
    ) -> None:
        self.pid = pid
        # A browser or projector that takes `patch` deltas (server/patches.py): no events, no
        # views; its frames are prebuilt like a protocol client's.
        self.patches = patches
        self.projector = projector  # a read-only screen in the room: public content, no identity
        self.want_view = want_view
        self.lang = lang
        self.queue_size = queue_size
        self.out: deque[Message | None] = deque()
        self.close_code: int | None = None
        self.close_reason = ""
        self.writer: asyncio.Task[None] | None = None
        self.view_dirty = want_view
        self.send = None if want_view else send
        self.raw = None if want_view else raw
        self._waiter: asyncio.Future[None] | None = None  # set while the writer waits for work
        self._pending: Awaitable[None] | None = None  # a direct send the writer has to finish

    def push(self, text: str, changes_state: bool = False) -> None:
        """Send or queue one serialised message; `changes_state` (events, welcome) makes a view due."""
        self.push_message(Message(text), changes_state)

    def push_message(self, msg: Message, changes_state: bool = False) -> None:
        """`push` with a ready Message: a fan-out builds one per event for all its members."""
        if not self.write_direct(msg):  # never for a connection that wants views: no view to make due
            self.send_later(msg, changes_state)

    def send_later(self, msg: Message, changes_state: bool = False) -> None:
        """What `push_message` does when the raw socket cannot take `msg` now: step the ASGI send,
        or queue it for the writer task."""
        if self.close_code is not None:
            return
        if changes_state:
            self.view_dirty = self.want_view
        if (
            self._waiter is not None
            and not self.out
            and self._pending is None
            and self.raw is None
            and self.send
        ):
            self._step(msg)
            return
        if len(self.out) >= self.queue_size:
            self.kill(P.CLOSE_SLOW, "slow; resync")
            M.slow_closes.inc()
            return
        self.out.append(msg)
        self._wake()

    def push_pair(self, msg: Message, then: Message) -> None:
        """An event (it changes state) and, right behind it, a reply to the same connection: one
        write when the connection is idle (the sender's event and its ack)."""
        if self.write_direct(msg, then):
            return
        self.push_message(msg, True)
        self.push_message(then)

    def write_direct(self, msg: Message, then: Message | None = None) -> bool:
        """Write `msg` (and `then` behind it, in one write) straight to the raw socket, if a frame
        may go there now: open, the writer idle, nothing queued or half-sent ahead of it, and the
        transport taking it. False: nothing was written; the caller queues instead."""
        raw = self.raw
        return (
            raw is not None
            and self._waiter is not None
            and self.close_code is None
            and not self.out
            and self._pending is None
            and raw.write(msg.frame if then is None else msg.frame + then.frame)
        )

    def _step(self, msg: Message) -> None:
        """Send `msg` now by stepping the ASGI send; hand it to the writer if it suspends."""
        assert self.send is not None
        coro = self.send(msg.asgi)
        if type(coro) is not CoroutineType:  # not a native coroutine: let the writer await it
            self._pending = coro
            self._wake()
            return
        try:
            blocked_on = coro.send(None)
        except StopIteration:
            return  # written to the transport
        except Exception:
            # The socket is gone: queue it; the writer retries, fails the same way and ends it.
            self.out.append(msg)
            self._wake()
            return
        self._pending = _Resume(coro, blocked_on)
        self._wake()

    def _wake(self) -> None:
        w = self._waiter
        if w is not None:
            self._waiter = None  # from now on pushes queue behind what the writer is about to do
            if not w.done():
                w.set_result(None)

    def take_pending(self) -> Awaitable[None] | None:
        p, self._pending = self._pending, None
        return p

    async def idle(self) -> None:
        """Wait until there is something to write (the writer task's only wait)."""
        if self.out or self._pending is not None:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def kill(self, code: int, reason: str) -> None:
        if self.close_code is not None:
            return
        self.close_code = code
        self.close_reason = reason
        if code in (P.CLOSE_NORMAL, P.CLOSE_GOING_AWAY, P.CLOSE_RESTART) or self.writer is None:
            # A polite close: let the writer flush what is queued first, then the sentinel.
            self.out.append(None)
            self._wake()
        else:
            # Slow, removed, erased: stop now, even if a send is stuck on a full socket.
            self.writer.cancel()


class _Resume:
    """Awaits a coroutine that was already stepped once outside any task and then suspended on
    `blocked_on`: what `yield from` would do, so the writer task can finish a direct send."""

    __slots__ = ("blocked_on", "coro")

    def __init__(self, coro: Coroutine[Any, Any, None], blocked_on: Any) -> None:
        self.coro = coro
        self.blocked_on = blocked_on

    def __await__(self) -> Generator[Any, Any, None]:
        coro, value = self.coro, self.blocked_on
        while True:
            try:
                sent = yield value
            except BaseException as exc:  # cancellation of the writer reaches the send
                try:
                    value = coro.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    value = coro.send(sent)
                except StopIteration:
                    return


async def writer(conn: Conn, send: Send, close: Close, view: Callable[[], str] | None = None) -> None:
    """The connection's writer task: sends what `Conn.push` could not send directly (a welcome, a
    backlog, a browser's views, made by `view`), and closes the socket at the end.

    `Conn.kill` cancels this task even while a send is stuck on a full socket; it then closes
    the socket with the kill's code (bounded in time, the peer may not be reading at all).
    """
    last_view = 0.0
    out = conn.out
    try:
        while True:
            pending = conn.take_pending()
            if pending is not None:
                await pending
            while out:
                msg = out.popleft()
                if msg is None:
                    await close(conn.close_code or P.CLOSE_NORMAL, conn.close_reason)
                    return
                await send(msg.asgi)
            if conn.want_view and conn.view_dirty and view is not None:
                # At most one view per VIEW_INTERVAL: in a burst, events keep flowing and the
                # view (tens of KB in a big room) follows once the burst settles.
                wait = last_view + VIEW_INTERVAL - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                    if out:
                        continue
                conn.view_dirty = False
                last_view = time.monotonic()
                await send(asgi_text(view()))
                continue
            await conn.idle()
    except asyncio.CancelledError:
        if conn.close_code is None:
            raise
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(close(conn.close_code, conn.close_reason), 2)
    except (WebSocketDisconnect, RuntimeError, OSError):
        if conn.close_code is None:
            conn.close_code = P.CLOSE_GOING_AWAY
    except Exception:
        log.exception("writer failed")
        conn.close_code = conn.close_code or P.CLOSE_GOING_AWAY
        await close(conn.close_code, "")
