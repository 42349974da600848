"""Start and stop the servers under test (Kring, its Redis workers, redis-server, the peers), all on
free loopback ports, each as its own process with a log file; plus RSS and CPU readings from /proc."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEERS = Path(__file__).resolve().parent / "peers"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raise_nofile() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Proc:
    """One child process; stop() ends exactly this process (SIGTERM, then SIGKILL)."""

    def __init__(
        self, name: str, argv: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path = ROOT
    ):
        self.name = name
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        self._fh = open(log, "ab")
        self.popen = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_raise_nofile,
        )
        self.pid = self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 10) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        with contextlib.suppress(Exception):
            self._fh.close()


def wait_port(port: int, proc: Proc, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}); see {proc.log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{proc.name} did not listen on {port} within {timeout}s")


def wait_http(url: str, proc: Proc, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}); see {proc.log}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{proc.name} not healthy at {url} within {timeout}s")


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its reaped children), from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def main_thread_cpu(pid: int) -> float:
    """CPU seconds of a process's main thread only (the event loop; TID == PID)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, CPU pressure stall seconds) so far: what the other
    work on a shared machine takes away from a step (/proc/stat, /proc/pressure/cpu)."""
    busy = 0.0
    with contextlib.suppress(OSError), open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(v[:8]) - v[3] - v[4]) / CLK_TCK  # all but idle and iowait (steal included)
    stall = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/pressure/cpu") as f:
        stall = int(f.readline().rsplit("total=", 1)[1]) / 1e6
    return busy, stall


def kring_loop(python: str) -> tuple[bool, str]:
    """(does `kring serve` take --loop?, the loop `kring serve` runs on by default).

    The default comes from server.cli.uvicorn_kwargs()["loop"] ("auto" = uvloop when importable)."""
    out = subprocess.run(
        [python, "-m", "server", "serve", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    code = (
        "from server.cli import uvicorn_kwargs\n"
        "loop = str(uvicorn_kwargs().get('loop', 'auto'))\n"
        "if loop == 'auto':\n"
        "    try:\n"
        "        import uvloop  # noqa: F401\n"
        "        loop = 'uvloop'\n"
        "    except ImportError:\n"
        "        loop = 'asyncio'\n"
        "print(loop)\n"
    )
    eff = subprocess.run([python, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30)
    return "--loop" in out.stdout, (eff.stdout.strip() or "asyncio")


def have_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


# -- the servers -----------------------------------------------------------------------------------


# The per-connection and per-person limits would refuse a fast generator: off for measuring.
KRING_ENV = {
    "KRING_RATE": "100000",
    # The benchmark creates hundreds of rooms from one address at once (server/creation.py).
    "KRING_CREATE_BURST": "1000000",
    "KRING_CREATE_PER_MIN": "1000000",
    "KRING_CREATE_TOTAL_BURST": "1000000",
    "KRING_CREATE_TOTAL_PER_MIN": "1000000",
    "KRING_BURST": "100000",
    "KRING_RETENTION_DAYS": "30",
    "KRING_SEND_BUDGET": "1000000000000",
    "KRING_SEND_BURST": "1000000000000",
    "KRING_HELLO_BURST": "1000000",
    "KRING_HELLO_PER_MIN": "1000000",
    "KRING_PERSON_SHARE": "100",
}


def start_redis(tmp: Path) -> tuple[Proc, str]:
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(exe).exists():
        raise RuntimeError("redis-server is not installed")
    port = free_port()
    d = tmp / f"redis-{port}"
    d.mkdir(parents=True, exist_ok=True)
    argv = [
        exe,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(d),
    ]
    p = Proc("redis-server", argv, tmp / f"redis-{port}.log")
    wait_port(port, p, 10)
    return p, f"redis://127.0.0.1:{port}/0"


def export_main(tmp: Path, ref: str = "main") -> Path:
    """The tree of `ref` (the commit before, for a side-by-side run; KRING_BENCH_MAIN names another
    commit) exported under `tmp`, once; it runs with this checkout's interpreter and packages."""
    ref = os.environ.get("KRING_BENCH_MAIN", ref)
    dest = tmp / f"src-{ref}"
    if not dest.exists():
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def start_kring(
    tmp: Path,
    store: str,
    *,
    secret: str,
    loop: str | None = None,
    force_loop: str | None = None,
    cwd: Path | None = None,
) -> tuple[Proc, int]:
    """`kring serve` (with `--loop LOOP` when given and supported), or with `force_loop` uvicorn run
    directly with `kring serve`'s settings on that event loop (an experiment, to size the loop's share)."""
    port = free_port()
    env = {**KRING_ENV, "KRING_STORE": store, "KRING_SECRET": secret}
    if force_loop:
        code = (
            "import uvicorn; from server.cli import uvicorn_kwargs; "
            f"uvicorn.run('server.asgi:app', host='127.0.0.1', port={port}, "
            f"**{{**uvicorn_kwargs(), 'loop': {force_loop!r}}})"
        )
        argv = [sys.executable, "-c", code]
    else:
        argv = [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(port)]
        if loop:
            argv += ["--loop", loop]
    p = Proc(f"kring:{port}", argv, tmp / f"kring-{port}.log", env, cwd=cwd or ROOT)
    wait_http(f"http://127.0.0.1:{port}/healthz", p, 40)
    return p, port


def start_ws_bare(tmp: Path, loop: str) -> tuple[Proc, int]:
    port = free_port()
    argv = [sys.executable, "-m", "bench.peers.ws_bare", "--port", str(port), "--loop", loop]
    p = Proc(f"ws-bare:{port}", argv, tmp / f"ws-bare-{port}.log")
    wait_port(port, p)
    return p, port


def start_sio(tmp: Path, loop: str, redis_url: str = "") -> tuple[Proc, int]:
    port = free_port()
    argv = [sys.executable, "-m", "bench.peers.sio_server", "--port", str(port), "--loop", loop]
    p = Proc(f"socketio:{port}", argv, tmp / f"socketio-{port}.log", {"BENCH_SIO_REDIS": redis_url})
    wait_port(port, p)
    return p, port


def node_ready() -> bool:
    return shutil.which("node") is not None and (PEERS / "node" / "node_modules" / "ws").is_dir()


def start_node(tmp: Path) -> tuple[Proc, int]:
    if not node_ready():
        raise RuntimeError("node or bench/peers/node/node_modules/ws missing: run bench/setup.sh")
    port = free_port()
    node = shutil.which("node") or "node"
    p = Proc(f"node-ws:{port}", [node, "server.js", str(port)], tmp / f"node-{port}.log", cwd=PEERS / "node")
    wait_port(port, p)
    return p, port


def create_kring_room(port: int, method: str) -> dict[str, Any]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/rooms",
        method="POST",
        data=json.dumps({"method": method, "title": "bench", "lang": "nl"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        if r.status != 201:
            raise RuntimeError(f"room creation failed: {r.status}")
        room: dict[str, Any] = json.loads(r.read())
        return room


def node_version() -> str:
    node = shutil.which("node")
    if not node:
        return ""
    try:
        return subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def node_ws_version() -> str:
    with contextlib.suppress(OSError, ValueError, KeyError):
        return str(
            json.loads((PEERS / "node" / "node_modules" / "ws" / "package.json").read_text())["version"]
        )
    return ""
