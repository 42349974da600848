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
