"""Fixtures: a real uvicorn subprocess on a free port, and protocol clients for it."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import Client, RedisProc, ServerProc

# A missing translation raises (server/i18n.py) in the tests and in the servers they start,
# instead of being logged and shown as ⟦key⟧.
os.environ["KRING_STRICT_I18N"] = "1"

# The browser tests' Chromium (tests/e2e, and the scale tests that look at a page): Debian's,
# driven by Playwright (never `playwright install`).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    playwright = pytest.importorskip("playwright.async_api")
    async with playwright.async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


def pytest_report_header() -> str:
    """Which way the live servers run (ServerProc passes the environment on; bin/test runs tests/ws
    a second time with KRING_FASTPATH=off)."""
    from server import fastpath

    return f"kring servers: {fastpath.status(os.environ.get('KRING_FASTPATH')).line()}"


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
