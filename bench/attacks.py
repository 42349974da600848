"""/healthz latency before, during and after each attack of the hardening issue (printed).

`python -m bench.attacks` starts `kring serve` (embedded, a temporary data directory) on a free
loopback port, or measures a running server with `--url`. For each attack it samples /healthz on
fresh connections for a second before, while the attack runs in other threads, and for a second
after, and prints p50 / p99 / max latency and the failures. Run it on an older commit to compare.

Attacks: a TOML import with a 60,000-part dotted key and a crafted file at the size cap; a
declared 1000 MB body; 300 MB streamed chunked; JSON nested 10,000 deep; 2,000 idle connections;
a slowloris (a header byte every 0.5 s on 200 connections); 300 room creations.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable


def post(base: str, path: str, body: bytes, timeout: float = 120) -> int:
    req = urllib.request.Request(
        base + path, method="POST", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return -1


def sample(base: str, stop: threading.Event, out: list[float], fails: list[int]) -> None:
    while not stop.is_set():
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=30) as r:
                r.read()
            out.append((time.perf_counter() - t) * 1000)
        except OSError:
            fails.append(1)
        time.sleep(0.02)


def measure(base: str, seconds: float, attack: Callable[[], None] | None = None) -> str:
    stop = threading.Event()
    lat: list[float] = []
    fails: list[int] = []
    t = threading.Thread(target=sample, args=(base, stop, lat, fails))
    t.start()
    start = time.monotonic()
    if attack is not None:
        attack()
    while time.monotonic() - start < seconds:
        time.sleep(0.05)
    stop.set()
    t.join()
    if not lat:
        return f"no answer ({len(fails)} failures)"
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    return f"p50 {statistics.median(lat):7.1f} ms  p99 {p99:7.1f} ms  max {lat[-1]:7.1f} ms  n={len(lat)} failures={len(fails)}"


def group(base: str) -> tuple[str, str]:
    def call(path: str, body: dict[str, str]) -> dict[str, str]:
        req = urllib.request.Request(
            base + path,
            method="POST",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            out: dict[str, str] = json.loads(r.read())
            return out

    g = call("/api/groups", {"name": "Bench"})
    m = call(f"/api/groups/{g['group']}/join", {"key": g["admin_key"], "name": "B"})
    return g["group"], m["token"]


def attacks(base: str, port: int) -> dict[str, Callable[[], None]]:
    gid, token = group(base)
    held: list[socket.socket] = []

    def bg(fn: Callable[[], None]) -> Callable[[], None]:
        return lambda: threading.Thread(target=fn, daemon=True).start()

    def toml_dotted() -> None:
        post(
            base,
            f"/api/groups/{gid}/methods/import",
            json.dumps({"token": token, "toml": "a" + ".a" * 60000 + " = 1"}).encode(),
        )

    def toml_cap() -> None:
        toml = "\n".join(f"k{i}.a.b.c = 1" for i in range(4000))[: 60 * 1024]
        for _ in range(3):
            post(
                base, f"/api/groups/{gid}/methods/import", json.dumps({"token": token, "toml": toml}).encode()
            )

    def declared() -> None:
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(
                b"POST /api/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576000\r\n\r\n"
            )
            s.settimeout(10)
            try:
                s.recv(100)
            except OSError:
                pass

    def streamed() -> None:
        mib = b"%x\r\n%s\r\n" % (1 << 20, b"[" * (1 << 20))
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(
                b"POST /api/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            try:
                for _ in range(300):
                    s.sendall(mib)
            except OSError:
                pass

    def deep() -> None:
        for _ in range(20):
            post(base, "/api/rooms", b"[" * 7000 + b"]" * 7000)

    def idle() -> None:
        for _ in range(2000):
            try:
                held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
            except OSError:
                break

    def slowloris() -> None:
        socks = []
        for _ in range(200):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                s.sendall(b"GET / HTTP/1.1\r\n")
                socks.append(s)
            except OSError:
                break
        for _ in range(6):
            for s in socks:
                try:
                    s.send(b"X")
                except OSError:
                    pass
            time.sleep(0.5)

    def create() -> None:
        for _ in range(300):
            post(base, "/api/rooms", json.dumps({"method": "basis"}).encode(), timeout=10)

    return {
        "TOML import, 60,000-part dotted key": bg(toml_dotted),
        "TOML import, crafted file at the cap (x3)": bg(toml_cap),
        "declared 1000 MB body": bg(declared),
        "300 MB streamed chunked": bg(streamed),
        "JSON nested 7,000 deep (x20)": bg(deep),
        "2,000 idle connections": bg(idle),
        "slowloris, 200 connections": bg(slowloris),
        "300 room creations": bg(create),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="measure a running server instead of starting one")
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    proc = None
    if args.url:
        base = args.url.rstrip("/")
        port = int(base.rsplit(":", 1)[1])
    else:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        data = tempfile.mkdtemp(prefix="kring-attacks-")
        env = {**os.environ, "KRING_DATA": data, "KRING_STORE": f"sqlite:///{data}/kring.db"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
    try:
        print(f"/healthz latency at {base} (fresh connection per request)")
        for name, attack in attacks(base, port).items():
            print(f"\n{name}")
            print(f"  before  {measure(base, 1.0)}")
            print(f"  during  {measure(base, args.seconds, attack)}")
            print(f"  after   {measure(base, 1.0)}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
