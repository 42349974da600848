"""Fixtures: a real uvicorn subprocess on a free port, and protocol clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import Client, ServerProc


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[ServerProc]:
    srv = ServerProc(
        {"KRING_STORE": f"sqlite:///{tmp_path}/kring.db", "KRING_SECRET": "test-secret"},
        log_path=tmp_path / "server.log",
    ).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
async def clients(sqlite_server: ServerProc) -> AsyncIterator[Any]:
    made: list[Client] = []

    def make(room: str) -> Client:
        c = Client(sqlite_server.ws_base, room, sqlite_server.base)
        made.append(c)
        return c

    yield make
    for c in made:
        await c.close()


# -- Redis: a real redis-server on a free loopback port (never 6379), and workers against it ------


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


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProc]:
    srv = RedisProc(tmp_path).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def redis_server_aof(tmp_path: Path) -> Iterator[RedisProc]:
    srv = RedisProc(tmp_path, aof=True).start()
    try:
        yield srv
    finally:
        srv.stop()


REDIS_SECRET = "scale-test-secret"


@pytest.fixture
def redis_workers(tmp_path: Path) -> Iterator[Any]:
    """A factory: start(n, redis) -> n uvicorn workers (one process each, own port) on that Redis."""
    from concurrent.futures import ThreadPoolExecutor

    started: list[ServerProc] = []

    def start(n: int, redis: RedisProc, env: dict[str, str] | None = None) -> list[ServerProc]:
        procs = [
            ServerProc(
                {"KRING_STORE": redis.url, "KRING_SECRET": REDIS_SECRET, **(env or {})},
                log_path=tmp_path / f"worker-{len(started) + i}.log",
            )
            for i in range(n)
        ]
        started.extend(procs)
        with ThreadPoolExecutor(n) as pool:
            list(pool.map(lambda p: p.start(), procs))
        return procs

    try:
        yield start
    finally:
        for p in started:
            p.stop()
