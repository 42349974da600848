"""Idle and trickling connections: a time limit for an unfinished request head, and a cap on
unfinished connections per address. Established connections are not capped per address."""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path

from kring_testlib import Client, ServerProc, create_room


def _closed(s: socket.socket, wait: float) -> bool:
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


async def test_unfinished_connections_capped_and_timed_out(tmp_path: Path) -> None:
    srv = ServerProc(
        {
            "KRING_STORE": f"sqlite:///{tmp_path}/k.db",
            "KRING_SECRET": "s",
            "KRING_HEADER_TIMEOUT": "1.5",
            "KRING_UNFINISHED_PER_ADDRESS": "40",
        }
    ).start()
    socks: list[socket.socket] = []
    try:
        # 300 connections that never send a byte: all but 40 are closed at once.
        for _ in range(300):
            socks.append(socket.create_connection(("127.0.0.1", srv.port), timeout=5))
        time.sleep(0.3)
        open_now = [s for s in socks if not _closed(s, 0.01)]
        assert len(open_now) <= 40, len(open_now)
        # ... and /healthz still answers (its own connection completes its request at once).
        with urllib.request.urlopen(srv.base + "/healthz", timeout=5) as r:
            assert r.status == 200
        # A trickling request head (a byte every 0.2 s) is closed after the time limit, not kept.
        slow = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        socks.append(slow)
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        start = time.monotonic()
        closed_after = None
        for b in head:
            try:
                slow.send(bytes([b]))
            except OSError:
                closed_after = time.monotonic() - start
                break
            if _closed(slow, 0.2):
                closed_after = time.monotonic() - start
                break
        assert closed_after is not None and closed_after < 4, closed_after
        # The 40 idle ones are gone after the time limit too.
        time.sleep(1.5)
        assert all(_closed(s, 0.5) for s in open_now)
        # Established connections from the same address are not capped at 40.
        room = create_room(srv.base)
        clients = [Client(srv.ws_base, room["room"], srv.base) for _ in range(60)]
        for i, c in enumerate(clients):
            await c.connect({"key": room["join_key"], "name": f"P{i}"})
        assert all(c.welcome is not None for c in clients)
        for c in clients:
            await c.close()
    finally:
        for s in socks:
            s.close()
        srv.stop()
