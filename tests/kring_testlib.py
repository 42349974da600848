"""Shared test helpers: free ports, a real uvicorn subprocess, a protocol-speaking WebSocket client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import websockets

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProc:
    """`python -m server serve` on a free loopback port, polled on /healthz until it answers.

    The server gets this process's environment (plus `env`): `KRING_FASTPATH=off pytest tests/ws`
    runs every live test with the fast paths off (bin/test's second pass)."""

    def __init__(self, env: dict[str, str], port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        # A deprecation in the libraries whose internals the fast paths use (websockets, uvicorn) is
        # the early warning that they are about to change: the server under test dies of it.
        self.env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning", **env}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = log_path
        self._log: Any = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> ServerProc:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if self._log else subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None


@contextlib.asynccontextmanager
async def inproc_server(env: dict[str, str]) -> AsyncIterator[tuple[Any, Any, int]]:
    """The app made from `env` alone (not this process's environment), served by uvicorn with
    `kring serve`'s settings on the test's own loop: (uvicorn server, app, port). The test can look
    inside: `app.state.hub`, the server's connections."""
    import uvicorn

    from server.app import create_app
    from server.cli import uvicorn_kwargs
    from server.settings import Settings

    port = free_port()
    app = create_app(Settings.from_env(env))
    kw = {k: v for k, v in uvicorn_kwargs().items() if k != "loop"}
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **kw)  # type: ignore[arg-type]
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    async with asyncio.timeout(10):
        while not srv.started:  # noqa: ASYNC110 - uvicorn sets a plain flag
            await asyncio.sleep(0.02)
    try:
        yield srv, app, port
    finally:
        srv.should_exit = True
        await asyncio.wait_for(task, 10)


def create_room(base: str, method: str = "basis", title: str = "Test", lang: str = "nl") -> dict[str, Any]:
    req = urllib.request.Request(
        base + "/api/rooms",
        method="POST",
        data=json.dumps({"method": method, "title": title, "lang": lang}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.status == 201
        room: dict[str, Any] = json.loads(r.read())
        return room


def export_room(base: str, room: str, key: str, token: str, fmt: str) -> str:
    """A room's export (`md` or `json`) as the person with `token` may download it: its raw text."""
    req = urllib.request.Request(
        f"{base}/r/{room}/export",
        method="POST",
        data=json.dumps({"key": key, "token": token, "format": fmt}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        return str(r.read().decode())


def post_json(base: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    """POST a JSON body; (status, the decoded JSON reply, or the text of any other reply)."""
    req = urllib.request.Request(
        base + path,
        method="POST",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read().decode()
            return r.status, (json.loads(raw) if r.headers.get_content_type() == "application/json" else raw)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode())


async def visit_rooms(base: str, ws_base: str) -> tuple[str, str]:
    """Everything that loads a room and then leaves it: a participant who joins, acts, exports the
    report and leaves (the first room), and a group page that shows its meeting (the second room,
    never connected to). Returns both room ids."""
    room = await asyncio.to_thread(create_room, base)
    c = Client(ws_base, room["room"], base)
    try:
        await c.connect({"key": room["facilitator_key"], "name": "Anna"})
        await c.ok("case.set", {"question": "Hoe begin ik?"})
        body = {"key": room["join_key"], "token": c.token, "format": "md"}
        status, _ = await asyncio.to_thread(post_json, base, f"/r/{room['room']}/export", body)
        assert status == 200
    finally:
        await c.close()
    status, g = await asyncio.to_thread(post_json, base, "/api/groups", {"name": "Noord"})
    assert status == 201, g
    gid = g["group"]
    status, me = await asyncio.to_thread(
        post_json, base, f"/api/groups/{gid}/join", {"key": g["admin_key"], "name": "Fenna"}
    )
    assert status == 200, me
    cmd = {"token": me["token"], "type": "meeting.create", "args": {"method": "basis"}}
    status, meeting = await asyncio.to_thread(post_json, base, f"/api/groups/{gid}/cmd", cmd)
    assert status == 200, meeting
    status, view = await asyncio.to_thread(post_json, base, f"/api/groups/{gid}/view", {"token": me["token"]})
    assert status == 200 and [m["room"] for m in view["meetings"]] == [meeting["room"]], view
    return room["room"], meeting["room"]


async def until(pred: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (polling) until `pred()` holds."""
    async with asyncio.timeout(timeout):
        while not pred():  # noqa: ASYNC110 - the state lives in another object; polling is simplest
            await asyncio.sleep(0.02)


class Client:
    """A protocol v1 client that records everything it receives, in order."""

    def __init__(self, ws_base: str, room: str, origin: str) -> None:
        self.url = f"{ws_base}/ws/{room}"
        self.origin = origin
        self.ws: Any = None
        self.msgs: list[dict[str, Any]] = []
        self.raw: list[str] = []  # every frame received, as it came over the wire
        self.events: list[dict[str, Any]] = []
        self.welcome: dict[str, Any] | None = None
        self.closed: tuple[int | None, str] | None = None
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._n = 0
        self.token: str | None = None
        self.epoch: str | None = None

    @property
    def pid(self) -> str:
        assert self.welcome is not None
        return str(self.welcome["you"]["pid"])

    @property
    def last_seq(self) -> int:
        if self.events:
            return int(self.events[-1]["seq"])
        return int(self.welcome["seq"]) if self.welcome else 0

    async def connect(self, hello: dict[str, Any], timeout: float = 5) -> dict[str, Any]:
        self.ws = await websockets.connect(self.url, origin=self.origin, max_size=None, compression=None)
        await self.ws.send(json.dumps({"t": "hello", **hello}))
        self.closed = None
        self._task = asyncio.create_task(self._recv())
        w = await self.wait_for(lambda m: m["t"] == "welcome", timeout)
        self.welcome = w
        self.token = w["token"]
        self.epoch = w["epoch"]
        self.events.extend(w.get("events", []))
        return w

    async def _recv(self) -> None:
        try:
            async for raw in self.ws:
                self.raw.append(raw if isinstance(raw, str) else raw.decode())
                m = json.loads(raw)
                self.msgs.append(m)
                if m["t"] == "event":
                    self.events.append(m)
                self._changed.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            rcvd = getattr(self.ws, "close_code", None)
            self.closed = (rcvd, getattr(self.ws, "close_reason", "") or "")
            self._changed.set()

    async def wait_for(
        self, pred: Callable[[dict[str, Any]], bool], timeout: float = 5, start: int = 0
    ) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            i = start
            while True:
                while i < len(self.msgs):
                    if pred(self.msgs[i]):
                        return self.msgs[i]
                    i += 1
                if self.closed is not None:
                    raise ConnectionError(f"closed {self.closed} while waiting")
                self._changed.clear()
                await self._changed.wait()

    async def wait_closed(self, timeout: float = 5) -> tuple[int | None, str]:
        async with asyncio.timeout(timeout):
            while self.closed is None:
                self._changed.clear()
                await self._changed.wait()
        return self.closed

    async def send(self, msg: dict[str, Any] | str) -> None:
        await self.ws.send(msg if isinstance(msg, str) else json.dumps(msg))

    async def cmd(
        self, type_: str, args: dict[str, Any] | None = None, *, cid: str | None = None, timeout: float = 5
    ) -> dict[str, Any]:
        """Send a command and return its ack or error."""
        self._n += 1
        cid = cid or f"c{self._n}"
        mark = len(self.msgs)
        await self.send({"t": "cmd", "id": cid, "type": type_, "args": args or {}})
        return await self.wait_for(lambda m: m["t"] in ("ack", "error") and m.get("id") == cid, timeout, mark)

    async def ok(self, type_: str, args: dict[str, Any] | None = None, **kw: Any) -> int:
        r = await self.cmd(type_, args, **kw)
        assert r["t"] == "ack", f"{type_} {args} -> {r}"
        return int(r["seq"])

    async def wait_seq(self, seq: int, timeout: float = 5) -> None:
        async with asyncio.timeout(timeout):
            while self.last_seq < seq:
                self._changed.clear()
                await self._changed.wait()

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._task is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._task, 2)


def assert_contiguous(events: list[dict[str, Any]], start: int | None = None) -> None:
    seqs = [e["seq"] for e in events]
    if not seqs:
        return
    first = seqs[0] if start is None else start
    assert seqs == list(range(first, first + len(seqs))), f"gap or reorder in {seqs}"


class RedisProc:
    """`redis-server` on a free loopback port. `aof=True` keeps an append-only file (fsync always)."""

    def __init__(self, workdir: Path, aof: bool = False) -> None:
        import shutil

        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(exe).exists():
            pytest.skip("redis-server is not installed")
        from kring_testlib import free_port

        self.exe = exe
        self.port = free_port()
        self.aof = aof
        self.dir = workdir / f"redis-{self.port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc: Any = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def args(self) -> list[str]:
        a = [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        if self.aof:
            a += ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.dir)]
        else:
            a += ["--appendonly", "no", "--dir", str(self.dir)]
        return a

    def start(self, timeout: float = 10) -> RedisProc:
        import subprocess
        import time

        with open(self.dir / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(self.args(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}")
            if self.ping():
                return self
            time.sleep(0.02)
        raise RuntimeError("redis-server did not answer PING")

    def ping(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, sig: int | None = None, timeout: float = 10) -> None:
        import signal
        import subprocess

        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM if sig is None else sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def kill(self) -> None:
        import signal

        self.stop(signal.SIGKILL)

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, socket_timeout=5)
