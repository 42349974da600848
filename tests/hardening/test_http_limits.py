"""Hardening (issue: no request can stall or swell the server), against a live uvicorn.

The mechanism is asserted, not a time: oversized or over-deep TOML and JSON are refused with a
clear 4xx before parsing starts, a body is never read past its limit, the server's memory does not
follow a huge body, and /healthz keeps answering during each attack. bench/attacks.py prints the
/healthz latency during each attack, before and after."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ServerProc


def _post(base: str, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    h = {"Content-Type": "application/json", **(headers or {})}
    req = urllib.request.Request(base + path, method="POST", data=body, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _raw(port: int, request: bytes, body_chunks: int = 0, chunk: bytes = b"") -> bytes:
    """Send a raw request (and optionally a stream of body bytes); return what the server answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        sent = 0
        try:
            for _ in range(body_chunks):
                s.sendall(chunk)
                sent += 1
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused and closed: what we want
        s.settimeout(10)
        out = b""
        try:
            while b"\r\n\r\n" not in out:
                got = s.recv(65536)
                if not got:
                    break
                out += got
        except (ConnectionResetError, TimeoutError):
            pass
        return out


def _group(base: str) -> tuple[str, str]:
    status, g = _post(base, "/api/groups", json.dumps({"name": "Team"}).encode())
    assert status == 201, g
    status, m = _post(
        base, f"/api/groups/{g['group']}/join", json.dumps({"key": g["admin_key"], "name": "Fenna"}).encode()
    )
    assert status == 200, m
    return g["group"], m["token"]


def test_toml_import_refused_before_parsing(sqlite_server: ServerProc) -> None:
    gid, token = _group(sqlite_server.base)
    path = f"/api/groups/{gid}/methods/import"
    attacks = {
        "dotted": "a" + ".a" * 60000 + " = 1",
        "deep": "x = " + "[" * 10000 + "]" * 10000,
        "big": "# " + "x" * (70 * 1024),
    }
    for name, toml in attacks.items():
        status, body = _post(sqlite_server.base, path, json.dumps({"token": token, "toml": toml}).encode())
        assert status == 400, (name, status, body)
        assert body["error"] == "invalid" and (
            "dotted" in body["message"] or "nested" in body["message"] or "at most" in body["message"]
        ), body
    log = (sqlite_server.log_path or Path("/dev/null")).read_text()
    assert "RecursionError" not in log and "Traceback" not in log


def test_deep_json_refused_before_parsing(sqlite_server: ServerProc) -> None:
    deep = b'{"a":' + b"[" * 10000 + b"]" * 10000 + b"}"
    for path in ("/api/rooms", "/api/groups", "/r/abc/export", "/api/groups/g1/view"):
        status, body = _post(sqlite_server.base, path, deep)
        assert status in (400, 413), (path, status)
        assert body["error"] in ("invalid", "too_large")
    status, body = _post(sqlite_server.base, "/api/rooms", b"[" * 5000 + b"]" * 5000)
    assert status == 400 and "nested" in body["message"]
    log = (sqlite_server.log_path or Path("/dev/null")).read_text()
    assert "RecursionError" not in log and "Traceback" not in log


def test_declared_huge_body_refused_without_reading(sqlite_server: ServerProc) -> None:
    """A 1000 MB Content-Length is answered 413 at once: nothing of it is read or buffered."""
    for path in ("/api/rooms", "/r/abc/export", "/api/groups/g1/cmd"):
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {1000 * 1024 * 1024}\r\n\r\n"
        ).encode()
        out = _raw(sqlite_server.port, head)
        assert out.startswith(b"HTTP/1.1 413"), (path, out[:80])


def test_streamed_huge_body_never_swells_the_server(sqlite_server: ServerProc) -> None:
    """300 MB sent chunked (no Content-Length) to each body-reading endpoint: the server stops reading
    at the endpoint's limit, answers 413, and its memory grows by a few MB at most."""
    assert sqlite_server.proc is not None
    pid = sqlite_server.proc.pid
    before = _rss_kib(pid)
    mib = b"%x\r\n%s\r\n" % (1024 * 1024, b"[" * (1024 * 1024))
    for path in ("/api/rooms", "/r/abc/export"):
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        out = _raw(sqlite_server.port, head, body_chunks=150, chunk=mib)
        assert out.startswith(b"HTTP/1.1 413"), (path, out[:80])
    grown = _rss_kib(pid) - before
    assert grown < 8 * 1024, f"the server's RSS grew by {grown} KiB"
    with urllib.request.urlopen(sqlite_server.base + "/healthz", timeout=5) as r:
        assert r.status == 200


def test_content_length_with_transfer_encoding_refused(sqlite_server: ServerProc) -> None:
    head = (
        b"POST /api/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    )
    out = _raw(sqlite_server.port, head)
    assert out.startswith((b"HTTP/1.1 400", b"HTTP/1.1 413")), out[:80]


def test_foreign_origin_and_non_json_refused(sqlite_server: ServerProc) -> None:
    body = json.dumps({"method": "basis", "name": "x"}).encode()
    for path in ("/api/rooms", "/api/groups"):
        status, b = _post(sqlite_server.base, path, body, {"Origin": "https://evil.example"})
        assert status == 403 and b["error"] == "forbidden", (path, status, b)
        status, b = _post(sqlite_server.base, path, body, {"Content-Type": "text/plain"})
        assert status == 415, (path, status, b)
        status, b = _post(sqlite_server.base, path, body, {"Origin": "null"})
        assert status == 403
    # Kring's own pages (same origin) and API clients without Origin are allowed.
    assert _post(sqlite_server.base, "/api/rooms", body, {"Origin": sqlite_server.base})[0] == 201
    assert _post(sqlite_server.base, "/api/rooms", body)[0] == 201


@pytest.mark.parametrize("env", [{"KRING_CREATE_BURST": "5", "KRING_CREATE_PER_MIN": "1"}])
def test_creation_throttled_per_address(tmp_path: Path, env: dict[str, str]) -> None:
    srv = ServerProc({"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s", **env}).start()
    try:
        body = json.dumps({"method": "basis", "name": "x"}).encode()
        codes = [_post(srv.base, "/api/rooms", body)[0] for _ in range(5)]
        assert codes == [201] * 5
        status, b = _post(srv.base, "/api/groups", body)
        assert status == 429 and b["error"] == "rate_limited"
    finally:
        srv.stop()


def test_creation_key(tmp_path: Path) -> None:
    srv = ServerProc(
        {"KRING_STORE": f"sqlite:///{tmp_path}/k.db", "KRING_SECRET": "s", "KRING_CREATE_KEY": "sesam-123"}
    ).start()
    try:
        body = {"method": "basis", "name": "x"}
        assert _post(srv.base, "/api/rooms", json.dumps(body).encode())[0] == 403
        assert _post(srv.base, "/api/groups", json.dumps(body).encode())[0] == 403
        assert _post(srv.base, "/api/rooms", json.dumps({**body, "create_key": "wrong"}).encode())[0] == 403
        assert (
            _post(srv.base, "/api/rooms", json.dumps({**body, "create_key": "sesam-123"}).encode())[0] == 201
        )
        status, _ = _post(
            srv.base, "/api/groups", json.dumps(body).encode(), {"X-Kring-Create-Key": "sesam-123"}
        )
        assert status == 201
        # A programme (traject) follows the same rules.
        prog = {"name": "Traject", "start": "2026-09-01", "end": "2027-03-31", "groups": ["A"]}
        assert _post(srv.base, "/api/programmes", json.dumps(prog).encode())[0] == 403
        assert (
            _post(srv.base, "/api/programmes", json.dumps({**prog, "create_key": "wrong"}).encode())[0] == 403
        )
        status, _ = _post(
            srv.base, "/api/programmes", json.dumps(prog).encode(), {"X-Kring-Create-Key": "sesam-123"}
        )
        assert status == 201
    finally:
        srv.stop()


def test_healthz_answers_during_toml_attack(sqlite_server: ServerProc) -> None:
    import threading

    gid, token = _group(sqlite_server.base)
    toml = "\n".join(f"k{i}.a.b.c = 1" for i in range(3000))[: 60 * 1024]
    payload = json.dumps({"token": token, "toml": toml}).encode()
    done = threading.Event()

    def attack() -> None:
        for _ in range(5):
            _post(sqlite_server.base, f"/api/groups/{gid}/methods/import", payload)
        done.set()

    t = threading.Thread(target=attack)
    t.start()
    answered = 0
    while not done.is_set():
        with urllib.request.urlopen(sqlite_server.base + "/healthz", timeout=5) as r:
            assert r.status == 200
            answered += 1
        time.sleep(0.02)
    t.join()
    assert answered >= 1
