"""The outbound side of one connection: direct sends while idle, the writer for backlogs, order kept."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from server import protocol as P
from server import transport
from server.fastpath.send import text_frame
from server.transport import Conn, Message


class StubSocket:
    """What the writer needs of a Starlette WebSocket: `close` (given to the writer as its `close`)."""

    def __init__(self) -> None:
        self.closed: list[int] = []

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed.append(code)


class GatedSend:
    """An ASGI send that completes at once while the gate is open and suspends while it is shut,
    like uvicorn's send on a transport that is writable or paused."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.gate.set()
        self.sent: list[str] = []

    async def __call__(self, msg: dict[str, Any]) -> None:
        await self.gate.wait()
        self.sent.append(msg["text"])


async def _start(
    queue_size: int = 100, raw: Callable[[list[str]], Any] | None = None
) -> tuple[Conn, GatedSend, StubSocket, asyncio.Task[None]]:
    """A connection with its writer waiting; `raw` makes its RawSocket stand-in (given the log)."""
    send = GatedSend()
    sock = StubSocket()
    conn = Conn("p1", queue_size, False, "nl", send=send, raw=raw(send.sent) if raw else None)
    writer = asyncio.create_task(transport.writer(conn, send, sock.close))
    conn.writer = writer
    await asyncio.sleep(0)  # the writer finds nothing to do and waits
    return conn, send, sock, writer


async def test_idle_connection_sends_without_the_writer() -> None:
    conn, send, _, writer = await _start()
    conn.push("a")
    assert send.sent == ["a"]  # written inside push: no task switch needed
    conn.push("b")
    assert send.sent == ["a", "b"]
    conn.kill(P.CLOSE_NORMAL, "bye")
    await asyncio.wait_for(writer, 1)


async def test_a_send_that_suspends_is_finished_by_the_writer_and_order_holds() -> None:
    conn, send, sock, writer = await _start()
    conn.push("a")
    send.gate.clear()  # the peer's socket buffer is full
    conn.push("b")  # starts, suspends: handed to the writer
    conn.push("c")  # queued behind it
    conn.push("d")
    await asyncio.sleep(0.01)
    assert send.sent == ["a"]
    send.gate.set()
    await asyncio.sleep(0.01)
    assert send.sent == ["a", "b", "c", "d"]
    conn.push("e")  # idle again: direct
    assert send.sent[-1] == "e"
    conn.kill(P.CLOSE_NORMAL, "bye")
    await asyncio.wait_for(writer, 1)
    assert sock.closed == [P.CLOSE_NORMAL]


async def test_pushes_before_the_writer_waits_are_queued_in_order() -> None:
    send = GatedSend()
    conn = Conn("p1", 100, False, "nl", send=send)
    conn.push("welcome")  # the writer has not run yet: queued
    conn.push("event")
    assert send.sent == []
    writer = asyncio.create_task(transport.writer(conn, send, StubSocket().close))
    conn.writer = writer
    await asyncio.sleep(0.01)
    assert send.sent == ["welcome", "event"]
    conn.kill(P.CLOSE_NORMAL, "bye")
    await asyncio.wait_for(writer, 1)


async def test_a_consumer_that_stops_reading_is_closed_as_slow() -> None:
    conn, send, sock, writer = await _start(queue_size=3)
    send.gate.clear()
    for i in range(10):
        conn.push(f"m{i}")
    assert conn.close_code == P.CLOSE_SLOW
    await asyncio.wait_for(writer, 3)  # cancelled while stuck in the send, then closes the socket
    assert sock.closed == [P.CLOSE_SLOW]
    conn.push("late")  # a dead connection takes nothing more
    assert all(m is None or m.asgi["text"] != "late" for m in conn.out)
    assert "late" not in send.sent


class FakeRaw:
    """A RawSocket whose transport is writable while `open`; it logs into the same list as the
    ASGI send, so the order across both paths is visible."""

    def __init__(self, log: list[str]) -> None:
        self.open = True
        self.log = log

    def write(self, frame: bytes) -> bool:
        if not self.open:
            return False
        self.log.append(frame[2:].decode())  # short frames: a two-byte header
        return True


async def test_raw_frames_while_writable_and_the_writer_once_paused_order_kept() -> None:
    conn, send, _, writer = await _start(raw=FakeRaw)
    raw = conn.raw
    assert isinstance(raw, FakeRaw)
    conn.push("a")
    assert send.sent == ["a"]  # the prebuilt frame, written inside push
    raw.open = False  # the transport is paused: the writer's ASGI send has to wait for it
    send.gate.clear()
    conn.push("b")
    raw.open = True  # writable again, but "b" is still queued: "c" must go after it
    conn.push("c")
    await asyncio.sleep(0.01)
    assert send.sent == ["a"]
    send.gate.set()
    await asyncio.sleep(0.01)
    assert send.sent == ["a", "b", "c"]
    conn.push("d")  # idle again: raw
    assert send.sent == ["a", "b", "c", "d"]
    conn.kill(P.CLOSE_NORMAL, "bye")
    await asyncio.wait_for(writer, 1)


async def test_a_view_connection_never_writes_raw() -> None:
    log: list[str] = []
    conn = Conn("p1", 100, True, "nl", send=GatedSend(), raw=FakeRaw(log))  # type: ignore[arg-type]
    assert conn.raw is None and conn.send is None


async def test_an_event_and_its_ack_go_out_in_one_write_or_queue_in_order() -> None:
    writes: list[bytes] = []

    class RecordingRaw(FakeRaw):
        def write(self, frame: bytes) -> bool:
            if not self.open:
                return False
            writes.append(frame)
            i = 0
            while i < len(frame):  # short frames: a two-byte header each
                n = frame[i + 1]
                self.log.append(frame[i + 2 : i + 2 + n].decode())
                i += 2 + n
            return True

    conn, send, _, writer = await _start(raw=RecordingRaw)
    raw = conn.raw
    assert isinstance(raw, RecordingRaw)
    conn.push_pair(Message("event"), Message("ack"))
    assert writes == [text_frame(b"event") + text_frame(b"ack")]  # one system call for both
    raw.open = False  # paused: both queue for the writer, in order
    send.gate.clear()
    conn.push_pair(Message("event2"), Message("ack2"))
    raw.open = True
    send.gate.set()
    await asyncio.sleep(0.01)
    assert send.sent[-2:] == ["event2", "ack2"]
    conn.kill(P.CLOSE_NORMAL, "bye")
    await asyncio.wait_for(writer, 1)
