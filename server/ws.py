"""The WebSocket endpoint `/ws/{room}`: origin check, hello, key check, join, and the receive loop.

A command's path starts here: `_reader` parses a frame, `_command` hands it to `Hub.submit`
(server/hub.py), which decides, appends and fans out; the outbound side of every connection is
server/transport.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from typing import Any

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from . import fastpath, typing_presence
from . import protocol as P
from .auth import Tokens, key_matches, new_pid
from .effects import keys_message
from .hub import Hub, LiveRoom
from .metrics import M
from .rooms import CLIENT_COMMANDS, Command, Rejection
from .security import Budget, JoinThrottle, TokenBucket, origin_allowed
from .settings import Settings
from .store.base import Unavailable
from .transport import Conn, writer
from .viewsplice import view_text

log = logging.getLogger("kring.ws")
BURST_YIELD = 8  # commands of one connection handled in a row before yielding to the loop


class WsEndpoint:
    """The ASGI app behind `/ws/{room}`: a Starlette WebSocket for the handshake and hello, and the
    raw ASGI receive/send for the hot path (every frame after the welcome)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await ws_endpoint(WebSocket(scope, receive, send), receive, send)


async def ws_endpoint(ws: WebSocket, receive: Receive, send: Send) -> None:
    """Origin, hello, the key (before the room is loaded), then the connection's life: `_session`."""
    app = ws.app
    settings: Settings = app.state.settings
    hub: Hub = app.state.hub
    throttle: JoinThrottle = app.state.join_throttle
    if not origin_allowed(ws.headers.get("origin"), ws.headers.get("host"), ws.url.scheme, settings.origins):
        # Refused before accept: the handshake fails with HTTP 403.
        await ws.close(code=P.CLOSE_BAD_KEY)
        return
    await ws.accept()
    if app.state.drain.draining:  # this worker is going away: try another one (server/drain.py)
        await _close(ws, P.CLOSE_RESTART, "server restarting")
        return
    room_id = ws.path_params["room"]
    ip = ws.client.host if ws.client else "?"
    try:
        raw = await asyncio.wait_for(_receive_text(ws), settings.hello_timeout)
    except (TimeoutError, WebSocketDisconnect):
        await _close(ws, P.CLOSE_BAD_KEY)
        return
    try:
        hello = P.parse(raw) if raw is not None else None
    except P.ProtocolError as e:
        await ws.send_text(P.dumps(P.error(e.code, e.message)))
        await _close(ws, P.CLOSE_BAD_KEY)
        return
    if not isinstance(hello, P.Hello):
        await ws.send_text(P.dumps(P.error(P.BAD_MESSAGE, "the first frame must be a hello")))
        await _close(ws, P.CLOSE_BAD_KEY)
        return
    if throttle.blocked(ip):
        await ws.send_text(P.dumps(P.error(P.RATE_LIMITED, "too many join attempts; wait a minute")))
        await _close(ws, P.CLOSE_RATE)
        return
    try:
        if await _admissible(hub, room_id, hello, app.state.tokens):
            async with hub.use(room_id) as live:
                await _session(ws, receive, send, live, hello, ip)
            return
    except Unavailable:  # loading the room, or joining it
        await ws.send_text(P.dumps(P.error(P.UNAVAILABLE, "the room store is unavailable; retrying helps")))
        await _close(ws, P.CLOSE_GOING_AWAY)
        return
    throttle.failed(ip)
    await _close(ws, P.CLOSE_BAD_KEY)


async def _admissible(hub: Hub, room: str, hello: P.Hello, tokens: Tokens) -> bool:
    """May this hello load the room? A key of the room (checked against the key hashes in its
    stored metadata), or for a participant a token signed for this room: a wrong key loads nothing.
    `_join` and `_projector` decide the rest on the loaded room."""
    meta = await hub.meta(room)
    if meta is None:
        return False
    if key_matches(hello.key, meta.get("facilitator_hash")) or key_matches(hello.key, meta.get("join_hash")):
        return True
    if hub.projector.matches(hello.key, room, meta):
        return True
    if hello.projector or not hello.token:
        return False  # a projector has no token: only a key of the room may load it
    return tokens.read(hello.token, room) is not None


async def _session(
    ws: WebSocket, receive: Receive, send: Send, live: LiveRoom | None, hello: P.Hello, ip: str
) -> None:
    """Join the room (or refuse with 4001), then serve the connection: its writer task, the
    welcome, and the reader in this task until the client leaves or the connection is killed."""
    app = ws.app
    settings: Settings = app.state.settings
    hub: Hub = app.state.hub
    joined: tuple[str, str] | None = None
    # The projector key (and only that key) makes a projector; a hello with `projector: true` and
    # any other key is an ordinary join (and waits in a locked room).
    projector = live is not None and hub.projector.matches(hello.key, live.id, live.meta)
    if live is not None:
        joined = _projector(live) if projector else await _join(ws, hub, live, hello, app.state.tokens)
    if live is None or joined is None:
        app.state.join_throttle.failed(ip)
        await _close(ws, P.CLOSE_BAD_KEY)
        return
    pid, token = joined
    # Every welcome is a whole view and a presence to everyone: reconnecting in a loop with one
    # token (or one projector key) is limited per participant.
    if not _bucket(live, "hello", pid, settings.hello_per_min / 60, settings.hello_burst).take():
        await ws.send_text(P.dumps(P.error(P.RATE_LIMITED, "too many reconnects; wait a moment")))
        await _close(ws, P.CLOSE_RATE)
        return
    # On the fast paths this client's frames skip websockets' parser from now on, and a protocol
    # client's events are written as prebuilt frames (server/fastpath/).
    # A browser that takes patches gets no views: its frames are prebuilt like a protocol client's.
    views_whole = hello.view and not hello.patches
    direct = fastpath.connect(send, raw=not views_whole) if app.state.fastpath.on else None
    conn = Conn(
        pid,
        settings.queue_size,
        views_whole,
        hello.lang or live.state.lang,
        projector=projector,
        send=send,
        raw=direct,
        patches=hello.patches,
    )
    welcome: dict[str, Any] = {
        "t": P.WELCOME,
        "you": {"pid": None, "name": "", "roles": [], "projector": True} if projector else _you(live, pid),
        "token": token,
    }
    if live.state.is_fac(pid):
        welcome.update(keys_message(hub, live))
    views = (lambda: view_text(live, conn.pid, conn.projector)) if views_whole else None
    task = asyncio.create_task(writer(conn, send, functools.partial(_close, ws), views))
    conn.writer = task
    attached = False
    try:
        try:
            await hub.attach(live, conn, welcome, hello.epoch, hello.since, settings.resume_limit)
            attached = True
            del welcome  # queued as text; the dict (a whole view) need not live as long as the socket
        except Unavailable:
            conn.push(P.dumps(P.error(P.UNAVAILABLE, "the room store is unavailable; retrying helps")))
            conn.kill(P.CLOSE_GOING_AWAY, "store unavailable")
            return
        # The reader runs in this task. It ends when the client leaves, or when the connection is
        # killed: the writer then closes the socket and uvicorn hands the reader a disconnect.
        await _reader(receive, hub, live, conn, settings)
    finally:
        if attached:
            hub.detach(live, conn)
        if conn.close_code is None:
            conn.kill(P.CLOSE_NORMAL, "bye")
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(task, 3)


async def _join(
    ws: WebSocket, hub: Hub, live: LiveRoom, hello: P.Hello, tokens: Tokens
) -> tuple[str, str] | None:
    """Who is this? (pid, token), or None for a bad key/token (the caller closes with 4001)."""
    meta = live.meta
    state = live.state
    if state.ended:
        return None
    is_fac = key_matches(hello.key, meta.get("facilitator_hash"))
    key_ok = is_fac or key_matches(hello.key, meta.get("join_hash"))
    pid: str | None = None
    if hello.token:
        got = tokens.read(hello.token, live.id)
        if got is not None and got[0] in state.removed:
            return None  # removed by the facilitator: the token stops working
        if got is not None and (got[0] in state.participants or got[0] in state.waiting):
            pid = got[0]
    if not key_ok and pid is None:
        # A valid token restores a participant even after the join link was rotated.
        return None
    if pid is None:
        name = (hello.name or "").strip()
        if not name:
            await ws.send_text(P.dumps(P.error(P.INVALID, "give a display name to join")))
            return None
        pid = new_pid()
        if state.locked and not is_fac:
            cmd = Command("participant.wait", {"pid": pid, "name": name})
        else:
            cmd = Command(
                "participant.join", {"pid": pid, "name": name, "roles": ["facilitator"] if is_fac else []}
            )
        res = await hub.submit(live, cmd, pid, None)
        if isinstance(res, Rejection):
            await ws.send_text(P.dumps(P.error(res.code, res.message)))
            return None
    elif is_fac and pid in state.participants and not state.is_fac(pid):
        await hub.submit(live, Command("participant.grant", {"pid": pid, "role": "facilitator"}), pid, None)
    if live.state.group is not None and pid in live.state.participants and pid not in live.state.attendance:
        # Attendance of a group meeting: when this member first came in (server/rooms/attendance.py).
        await hub.submit(live, Command("attendance.seen", {"pid": pid}), None, None)
    return pid, tokens.issue(live.id, pid)


def _projector(live: LiveRoom) -> tuple[str, str] | None:
    """A projector (its own key, checked by the caller) joins nobody: a read-only, public view."""
    if live.state.ended:
        return None
    return "", ""


def _bucket(live: LiveRoom, kind: str, pid: str, rate: float, burst: int) -> TokenBucket:
    """The room's token bucket of `kind` for one participant (`pid` "" is the room's projectors)."""
    b = live.buckets.get((kind, pid))
    if b is None:
        b = live.buckets[(kind, pid)] = TokenBucket(rate, burst)
    assert isinstance(b, TokenBucket)
    return b


def _budget(live: LiveRoom, pid: str, settings: Settings) -> Budget:
    """The bytes the server may send to the room because of one participant's commands."""
    b = live.buckets.get(("bytes", pid))
    if b is None:
        b = live.buckets[("bytes", pid)] = Budget(settings.send_budget, settings.send_burst)
    assert isinstance(b, Budget)
    return b


def _you(live: LiveRoom, pid: str) -> dict[str, Any]:
    p = live.state.participants.get(pid)
    if p is None:  # waiting to be admitted
        return {"pid": pid, "name": live.state.waiting[pid]["name"], "roles": [], "waiting": True}
    return {"pid": pid, "name": p["name"], "roles": list(p["roles"])}


async def _reader(receive: Receive, hub: Hub, live: LiveRoom, conn: Conn, settings: Settings) -> None:
    loop = asyncio.get_running_loop()
    bucket = TokenBucket(settings.rate_per_s, settings.rate_burst)
    strikes = 0
    burst = 0
    last_seen = loop.time()

    def watchdog() -> None:
        # One timer per idle period instead of a timeout per frame.
        quiet = loop.time() - last_seen
        if quiet >= settings.idle_timeout:
            conn.kill(P.CLOSE_IDLE, "idle")
        else:
            timer[0] = loop.call_later(settings.idle_timeout - quiet, watchdog)

    timer = [loop.call_later(settings.idle_timeout, watchdog)]
    try:
        while conn.close_code is None:
            m = await receive()
            last_seen = loop.time()
            if m["type"] != "websocket.receive":
                return  # websocket.disconnect: the client left, or the writer closed the socket
            raw = m.get("text")
            if raw is None:
                if m.get("bytes") is not None:
                    conn.push(P.dumps(P.error(P.BAD_MESSAGE, "frames must be JSON text, not binary")))
                continue
            msg: P.Message | P.ProtocolError
            try:
                msg = P.parse(raw)
            except P.ProtocolError as e:
                msg = e
            if not bucket.take():
                strikes += 1
                if strikes > settings.rate_burst:
                    conn.kill(P.CLOSE_RATE, "rate limited")
                    return
                cmd_id = msg.id if isinstance(msg, P.Cmd) else None
                conn.push(P.dumps(P.error(P.RATE_LIMITED, "slow down: too many messages", cmd_id)))
                continue
            strikes = max(0, strikes - 1)
            if isinstance(msg, P.ProtocolError):
                conn.push(P.dumps(P.error(msg.code, msg.message, msg.cmd_id)))
                continue
            if isinstance(msg, P.Ping):
                conn.push(P.dumps(P.pong(msg.c, int(time.time() * 1000))))
            elif isinstance(msg, P.Typing):
                typing_presence.receive(live, conn, msg, hub.peers)
            elif isinstance(msg, P.Hello):
                conn.push(P.dumps(P.error(P.BAD_MESSAGE, "already joined; hello comes once")))
            else:
                await _command(hub, live, conn, msg, settings)
                # The store may answer without suspending (the memory store does), and so does
                # `receive` while frames are queued: after a few commands in a row, yield to the
                # loop, so a burst from one client cannot starve the others. (One frame at a time,
                # the normal case, suspends in `receive` anyway: no extra task switch per command.)
                burst += 1
                if burst >= BURST_YIELD:
                    burst = 0
                    await asyncio.sleep(0)
    finally:
        timer[0].cancel()


async def _command(hub: Hub, live: LiveRoom, conn: Conn, msg: P.Cmd, settings: Settings) -> None:
    if msg.type not in CLIENT_COMMANDS:
        conn.push(P.dumps(P.error(P.UNKNOWN_COMMAND, f"unknown command '{msg.type[:60]}'", msg.id)))
        return
    # What one person costs the others, not just how often they send: the bytes their commands
    # made the server send (frame size x recipients, views estimated) and, for renames (a new name
    # goes to everyone, twice), a rate of their own. Refused, never dropped: the client keeps the text.
    budget = _budget(live, conn.pid, settings) if not conn.projector else None
    if budget is not None and budget.exhausted():
        conn.push(
            P.dumps(
                P.error(
                    P.RATE_LIMITED, "the room is busy with your changes; try again in a few seconds", msg.id
                )
            )
        )
        return
    if (
        msg.type == "participant.rename"
        and not _bucket(live, "rename", conn.pid, settings.rename_per_min / 60, settings.rename_burst).take()
    ):
        conn.push(P.dumps(P.error(P.RATE_LIMITED, "too many renames; try again in a minute", msg.id)))
        return
    t0 = time.perf_counter()
    try:
        res = await hub.submit(
            live, Command(msg.type, msg.args, msg.id), conn.pid, f"{conn.pid}:{msg.id}", (conn, msg.id)
        )
    except Unavailable:
        res = None
    if res is None or (not isinstance(res, Rejection) and not res.confirmed):
        # The store is away, or (Redis WAIT) no replica confirmed the event in time: the client
        # retries under the same id, and the retry is acked once the write is durable.
        conn.push(P.dumps(P.error(P.UNAVAILABLE, "the room store is unavailable; try again shortly", msg.id)))
        M.cmd_unavailable.inc()
    elif isinstance(res, Rejection):
        conn.push(P.dumps(P.error(res.code, res.message, msg.id, res.extra)))
        M.cmd_rejected.inc()
    else:
        if not res.acked:  # a repeat, or the sender was not (yet) in the room's connections
            conn.push(P.dumps(P.ack(msg.id, res.seq)))
        (M.cmd_duplicate if res.duplicate else M.cmd_ack).inc()
    if budget is not None and res is not None and not isinstance(res, Rejection):
        budget.charge(res.cost)
    M.command_seconds.observe(time.perf_counter() - t0)


async def _receive_text(ws: WebSocket) -> str | None:
    msg = await ws.receive()
    if msg["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(msg.get("code", 1000))
    return msg.get("text")


async def _close(ws: WebSocket, code: int, reason: str = "") -> None:
    with contextlib.suppress(Exception):
        await ws.close(code=code, reason=reason)
