"""`python -m bench [--quick]`: the whole benchmark in one command.

For each server (Kring embedded, Kring on Redis with two workers, and the peers: bare `websockets`,
python-socketio alone and with its Redis manager on two workers, Node's `ws`) it starts the server(s),
connects R rooms x M members from generator processes (bench/gen.py), and steps the offered load up
(commands per member per second, Poisson) until p99 fan-out passes 100 ms, then bisects towards the knee.
Then the capacity run (idle connections, RSS per connection), the resync run (a 300-event gap, and the
snapshot of a large room) and, in the full mode, a py-spy profile of Kring under load.
It prints a table, writes bench/results/latest.json and latest.png, and with --write-docs refreshes
the results section of docs/performance.md. Loopback only; every process is bounded in time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import report
from .servers import (
    ROOT,
    Proc,
    cpu_seconds,
    create_kring_room,
    export_main,
    kring_loop,
    machine_cpu,
    main_thread_cpu,
    node_ready,
    rss_kib,
    start_kring,
    start_node,
    start_redis,
    start_sio,
    start_ws_bare,
)

RESULTS = Path(__file__).resolve().parent / "results"
KNEE_MS = 100.0

SERVERS = {
    "kring": "Kring embedded (1 process, SQLite)",
    "kring-redis": "Kring, Redis, 2 workers",
    "ws-bare": "bare websockets (1 process)",
    "socketio": "python-socketio (1 process)",
    "socketio-redis": "python-socketio + AsyncRedisManager, 2 workers",
    "node-ws": "Node ws (1 process)",
    "kring-uvloop": "Kring embedded forced onto uvloop (uvicorn run directly; experiment)",
    "kring-asyncio": "Kring embedded forced onto asyncio's loop (uvicorn run directly; experiment)",
    "kring-view": "Kring embedded, browser-like clients (hello view: true)",
    "kring-patches": "Kring embedded, browser clients taking patches (hello view + patches)",
    "kring-main": "Kring embedded at the main branch (the commit before, side by side)",
}
DEFAULT_SERVERS = ["kring", "kring-redis", "ws-bare", "socketio", "socketio-redis", "node-ws"]
DIALECT = {
    "kring": "kring",
    "kring-redis": "kring",
    "kring-uvloop": "kring",
    "kring-asyncio": "kring",
    "kring-view": "kring",
    "kring-patches": "kring",
    "kring-main": "kring",
    "ws-bare": "peer",
    "node-ws": "peer",
    "socketio": "sio",
    "socketio-redis": "sio",
}


@dataclass
class Mode:
    rates: list[float]
    warmup: float
    measure: float
    drain: float
    bisect: int
    capacity_servers: list[str]
    resync_iterations: int
    profile_seconds: float


QUICK = Mode([0.125, 0.25, 0.5, 1, 2, 4], 1.5, 5, 10, 1, ["kring"], 30, 0)
FULL = Mode(
    [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12], 3, 12, 15, 2, ["kring", "ws-bare", "socketio", "node-ws"], 100, 25
)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def wait_calm(limit: float, threshold: float = 15.0) -> float | None:
    """On a shared machine: wait (at most `limit` s) until other work leaves the CPUs alone, i.e. the
    10-second CPU pressure average is below `threshold` %. Returns that average (None if unknown)."""
    deadline = time.monotonic() + limit
    avg: float | None = None
    while True:
        with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/pressure/cpu") as f:
            avg = float(f.readline().split("avg10=", 1)[1].split()[0])
        if avg is None or avg < threshold or time.monotonic() >= deadline:
            return avg
        time.sleep(2)


# -- deployments -------------------------------------------------------------------------------------


@dataclass
class Deployment:
    name: str
    dialect: str
    tmp: Path
    procs: list[Proc] = field(default_factory=list)  # stopped in reverse order
    apps: list[tuple[Proc, int]] = field(default_factory=list)  # the app servers (CPU, RSS)
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        for p in reversed(self.procs):
            p.stop()
        self.procs.clear()

    def urls(self, room: str) -> tuple[list[str], list[str]]:
        ports = [port for _, port in self.apps]
        origins = [f"http://127.0.0.1:{p}" for p in ports]
        if self.dialect == "kring":
            return [f"ws://127.0.0.1:{p}/ws/{room}" for p in ports], origins
        if self.dialect == "sio":
            return [f"ws://127.0.0.1:{p}/socket.io/?EIO=4&transport=websocket" for p in ports], origins
        return [f"ws://127.0.0.1:{p}/" for p in ports], origins

    def rooms(self, n: int, force_every: int = 4) -> list[dict[str, Any]]:
        kinds = ["krachtenveld" if i % force_every == force_every - 1 else "basis" for i in range(n)]
        if self.dialect == "kring":
            port = self.apps[0][1]
            with ThreadPoolExecutor(8) as pool:
                made = list(pool.map(lambda k: create_kring_room(port, k), kinds))
            infos = [
                {
                    "room": r["room"],
                    "kind": k,
                    "join_key": r["join_key"],
                    "facilitator_key": r["facilitator_key"],
                }
                for r, k in zip(made, kinds, strict=True)
            ]
        else:
            tag = secrets.token_hex(3)
            infos = [{"room": f"r{tag}{i}", "kind": k} for i, k in enumerate(kinds)]
        for info in infos:
            info["urls"], info["origins"] = self.urls(info["room"])
        return infos

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p, _ in self.apps)

    def loop_cpu(self) -> float:
        return sum(main_thread_cpu(p.pid) for p, _ in self.apps)

    def aux_cpu(self) -> float:
        apps = {p.pid for p, _ in self.apps}
        return sum(cpu_seconds(p.pid) for p in self.procs if p.pid not in apps)

    def rss(self) -> int:
        return sum(rss_kib(p.pid) for p, _ in self.apps)


def deploy(name: str, tmp: Path, loop: str, kring_cli_loop: str | None) -> Deployment:
    """Start server `name`: the Python peers on `loop`; Kring as `kring serve` (plus `--loop
    kring_cli_loop` when that is set, i.e. asked for and supported), the kring-uvloop/-asyncio variants
    forced onto that loop."""
    d = Deployment(name, DIALECT[name], tmp)
    try:
        if name in ("kring", "kring-uvloop", "kring-asyncio", "kring-view", "kring-patches", "kring-main"):
            store = f"sqlite:///{tmp}/bench-{secrets.token_hex(3)}.db"
            force = {"kring-uvloop": "uvloop", "kring-asyncio": "asyncio"}.get(name)
            src = export_main(tmp) if name == "kring-main" else None
            p, port = start_kring(
                tmp, store, secret="bench-secret", loop=kring_cli_loop, force_loop=force, cwd=src
            )
            d.procs.append(p)
            d.apps.append((p, port))
        elif name == "kring-redis":
            r, url = start_redis(tmp)
            d.procs.append(r)
            for _ in range(2):
                p, port = start_kring(tmp, url, secret="bench-shared-secret", loop=kring_cli_loop)
                d.procs.append(p)
                d.apps.append((p, port))
        elif name == "ws-bare":
            p, port = start_ws_bare(tmp, loop)
            d.procs.append(p)
            d.apps.append((p, port))
        elif name == "socketio":
            p, port = start_sio(tmp, loop)
            d.procs.append(p)
            d.apps.append((p, port))
        elif name == "socketio-redis":
            r, url = start_redis(tmp)
            d.procs.append(r)
            for _ in range(2):
                p, port = start_sio(tmp, loop, url)
                d.procs.append(p)
                d.apps.append((p, port))
        elif name == "node-ws":
            p, port = start_node(tmp)
            d.procs.append(p)
            d.apps.append((p, port))
        else:
            raise ValueError(name)
    except BaseException:
        d.stop()
        raise
    return d


# -- generator processes -----------------------------------------------------------------------------


class GenProc:
    def __init__(self, spec: dict[str, Any], tmp: Path, idx: int) -> None:
        self.err = open(tmp / f"gen-{spec['dialect']}-{idx}-{os.getpid()}.log", "ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bench.gen"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.err,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.send(spec)

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, obj: dict[str, Any]) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(json.dumps(obj) + "\n")
        self.popen.stdin.flush()

    def reply(self, timeout: float) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"generator gave no answer within {timeout:.0f}s") from None
        if line is None:
            raise RuntimeError(f"generator exited ({self.popen.poll()})")
        msg: dict[str, Any] = json.loads(line)
        if "error" in msg:
            raise RuntimeError(f"generator: {msg['error']}")
        return msg

    def cpu(self) -> float:
        return cpu_seconds(self.popen.pid)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.send({"cmd": "quit"})
        try:
            self.popen.wait(15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)
        with contextlib.suppress(Exception):
            self.err.close()


@contextlib.contextmanager
def part(label: str, out: dict[str, Any], dep: Deployment, gens: list[GenProc]) -> Iterator[None]:
    """One part of the run: a failure is recorded in out["error"] and logged, and the run goes on
    with the next part; the generators and the servers are stopped either way."""
    try:
        yield
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"
        log(f"{label}: FAILED: {out['error']}")
    finally:
        for g in gens:
            g.stop()
        dep.stop()


def spawn_gens(
    dep: Deployment, rooms: list[dict[str, Any]], gens: int, base: dict[str, Any], max_seconds: float
) -> list[GenProc]:
    parts = [rooms[i::gens] for i in range(gens)]
    procs = []
    for i, part in enumerate(parts):
        if not part:
            continue
        spec = {**base, "dialect": dep.dialect, "rooms": part, "seed": 1000 + i, "max_seconds": max_seconds}
        procs.append(GenProc(spec, dep.tmp, i))
    return procs


def ask_all(gens: list[GenProc], cmd: dict[str, Any] | None, timeout: float) -> list[dict[str, Any]]:
    if cmd is not None:
        for g in gens:
            g.send(cmd)
    return [g.reply(timeout) for g in gens]


# -- the load sweep ----------------------------------------------------------------------------------


def merge_step(parts: list[dict[str, Any]], members_per_room: int, dialect: str) -> dict[str, Any]:
    m: dict[str, Any] = {"rate": parts[0]["rate"], "measure": parts[0]["measure"]}
    for k in (
        "members",
        "open",
        "sent",
        "acks",
        "delivered",
        "delivered_all",
        "bytes_in",
        "views",
        "gaps",
        "dups",
        "lost_conns",
    ):
        m[k] = sum(p[k] for p in parts)
    for k in ("unacked", "behind", "incomplete"):
        m[k] = sum(p[k] for p in parts)
    m["drain_s"] = max(p["drain_s"] for p in parts)
    errors: dict[str, int] = {}
    codes: dict[str, int] = {}
    for p in parts:
        for c, n in p["errors"].items():
            errors[c] = errors.get(c, 0) + n
        for c, n in p["close_codes"].items():
            codes[c] = codes.get(c, 0) + n
    m["errors"] = errors
    m["close_codes"] = codes
    fan = sorted(x for p in parts for x in p["fanout_us"])
    ack = sorted(x for p in parts for x in p["ack_us"])
    late = sorted(x for p in parts for x in p["late_us"])
    dur = m["measure"]
    m["offered_cmds_s"] = round(m["members"] * m["rate"], 1)
    m["offered_events_s"] = round(m["members"] * m["rate"] * members_per_room, 1)
    m["sent_cmds_s"] = round(m["sent"] / dur, 1)
    m["delivered_s"] = round(m["delivered"] / dur, 1)
    m["bytes_per_msg"] = round(m["bytes_in"] / max(1, m["delivered"] + m["acks"]), 1)
    m["fanout_ms"] = report.pcts(fan)
    m["ack_ms"] = report.pcts(ack)
    m["late_ms"] = report.pcts(late)
    m["ordered"] = m["gaps"] == 0 and m["dups"] == 0
    m["complete"] = (
        m["lost_conns"] == 0
        and m["unacked"] == 0
        and m["behind"] == 0
        and m["incomplete"] == 0
        and not errors
    )
    m["clean"] = m["ordered"] and m["complete"]
    # Kring promises order; the peers do not (python-socketio's Redis manager reorders): for a peer an
    # order violation is reported, but only lost messages disqualify a step.
    fair = m["clean"] if dialect == "kring" else m["complete"]
    m["ok"] = bool(fan) and fair and m["fanout_ms"]["p99"] <= KNEE_MS
    return m


def sweep(
    name: str,
    args: argparse.Namespace,
    mode: Mode,
    tmp: Path,
    loop: str,
    kring_cli: str | None,
    kring_eff: str,
) -> dict[str, Any]:
    out: dict[str, Any] = {"server": name, "label": SERVERS[name], "steps": [], "loop": loop}
    if DIALECT[name] == "kring":
        out["loop"] = {"kring-uvloop": "uvloop", "kring-asyncio": "asyncio"}.get(name, kring_eff)
    elif name == "node-ws":
        out["loop"] = "libuv (node)"
    dep = deploy(name, tmp, loop, kring_cli)
    gens: list[GenProc] = []
    with part(name, out, dep, gens):
        rooms = dep.rooms(args.rooms)
        max_s = 60 + (len(mode.rates) + mode.bisect) * (mode.warmup + mode.measure + mode.drain + 10)
        base = {
            "mode": "load",
            "members": args.members,
            "view": name == "kring-view",
            "patches": name == "kring-patches",
            "parallel": args.parallel,
        }
        gens += spawn_gens(dep, rooms, args.gens, base, max_s)
        ready = ask_all(gens, None, 180)
        out["setup_s"] = max(r["ready"]["seconds"] for r in ready)
        out["connected"] = sum(r["ready"]["connected"] for r in ready)
        out["setup_retries"] = sum(r["ready"].get("retries", 0) for r in ready)
        setup_errors: dict[str, int] = {}
        for r in ready:
            for c, k in r["ready"].get("setup_errors", {}).items():
                setup_errors[c] = setup_errors.get(c, 0) + k
        out["setup_errors"] = setup_errors
        log(
            f"{name}: {out['connected']} members connected in {out['setup_s']}s"
            + (f" ({out['setup_retries']} retried; errors {setup_errors})" if out["setup_retries"] else "")
        )

        def run(rate: float) -> dict[str, Any]:
            c0, a0, g0, t0 = dep.cpu(), dep.aux_cpu(), sum(g.cpu() for g in gens), time.monotonic()
            l0 = dep.loop_cpu()
            m0 = machine_cpu()
            cmd = {
                "cmd": "step",
                "rate": rate,
                "warmup": mode.warmup,
                "measure": mode.measure,
                "drain": mode.drain,
            }
            parts = ask_all(gens, cmd, mode.warmup + mode.measure + mode.drain + 60)
            wall = time.monotonic() - t0
            m1 = machine_cpu()
            st = merge_step(parts, args.members, dep.dialect)
            st["server_cpu"] = round((dep.cpu() - c0) / wall, 2)
            st["server_loop_cpu"] = round((dep.loop_cpu() - l0) / wall, 2)  # the main threads alone
            st["loop_us_per_event"] = round((dep.loop_cpu() - l0) * 1e6 / max(1, st["delivered_all"]), 1)
            # CPU per delivered event: robust to other work on the machine (it counts CPU actually used).
            side = dep.cpu() - c0 + dep.aux_cpu() - a0  # the server side: app processes and Redis
            st["cpu_us_per_event"] = round(side * 1e6 / max(1, st["delivered_all"]), 1)
            st["redis_cpu"] = round((dep.aux_cpu() - a0) / wall, 2)
            st["gen_cpu"] = round((sum(g.cpu() for g in gens) - g0) / wall, 2)
            st["machine_cpu"] = round((m1[0] - m0[0]) / wall, 2)
            own = st["server_cpu"] + st["redis_cpu"] + st["gen_cpu"]
            st["other_cpu"] = round(max(0.0, st["machine_cpu"] - own), 2)
            st["cpu_pressure"] = round((m1[1] - m0[1]) / wall, 2)
            f = st["fanout_ms"]
            log(
                f"{name} rate {rate:g}/member/s: {st['delivered_s']:.0f} ev/s ({st['cpu_us_per_event']} us CPU/ev, loop {st['loop_us_per_event']}), fan-out p50 {f['p50']} "
                f"p99 {f['p99']} ms, ack p99 {st['ack_ms']['p99']} ms, late p99 {st['late_ms']['p99']} ms, "
                f"cpu srv {st['server_cpu']} redis {st['redis_cpu']} gen {st['gen_cpu']} other {st['other_cpu']} "
                f"(pressure {st['cpu_pressure']}), errors {st['errors'] or 0}, "
                f"gaps {st['gaps']} dups {st['dups']} lost {st['lost_conns']} unacked {st['unacked']} "
                f"behind {st['behind']}"
                + (f", views {st['views'] / st['measure']:.0f}/s" if st["views"] else "")
                + ("" if st["ok"] else "  <- over the knee")
            )
            out["steps"].append(st)
            return st

        good: float | None = None
        bad: float | None = None
        for rate in mode.rates:
            st = run(rate)
            if st["ok"]:
                good = rate
            else:
                bad = rate
                break
        # Over the knee at the first step: go down (halving, twice) rather than report no knee at all.
        if good is None and bad is not None and not out["steps"][-1]["lost_conns"]:
            for rate in (round(bad / 2, 3), round(bad / 4, 3)):
                if run(rate)["ok"]:
                    good = rate
                    break
                bad = rate
        # Bisect (geometrically) between the last good and the first bad rate, if the backlog drained.
        for _ in range(mode.bisect):
            if good is None or bad is None or out["steps"][-1]["behind"] or out["steps"][-1]["lost_conns"]:
                break
            mid = round((good * bad) ** 0.5, 3)
            st = run(mid)
            if st["ok"]:
                good = mid
            else:
                bad = mid
        oks = [s for s in out["steps"] if s["ok"]]
        knee = max(oks, key=lambda s: s["delivered_s"]) if oks else None
        out["knee"] = (
            {
                "rate": knee["rate"],
                "delivered_s": knee["delivered_s"],
                "fanout_p99": knee["fanout_ms"]["p99"],
                "interp": report.interpolate_knee(out["steps"]),
            }
            if knee
            else None
        )
        if bad is None and knee is not None:
            out["knee"]["note"] = "not reached: the highest offered load still met p99 <= 100 ms"
    return out


# -- capacity ----------------------------------------------------------------------------------------


def capacity(
    name: str, args: argparse.Namespace, tmp: Path, loop: str, kring_cli: str | None
) -> dict[str, Any]:
    n = args.capacity
    per_room = 10
    out: dict[str, Any] = {"server": name, "label": SERVERS[name], "target": n}
    dep = deploy(name, tmp, loop, kring_cli)
    gens: list[GenProc] = []
    with part(f"capacity {name}", out, dep, gens):
        rooms = dep.rooms((n + per_room - 1) // per_room)
        time.sleep(1.0)
        rss0 = dep.rss()
        gens += spawn_gens(dep, rooms, 2, {"mode": "idle", "members": per_room, "parallel": 200}, 300)
        ready = ask_all(gens, None, 240)
        out["connected"] = sum(r["ready"]["connected"] for r in ready)
        out["failed"] = sum(r["ready"]["failed"] for r in ready)
        out["connect_s"] = max(r["ready"]["seconds"] for r in ready)
        time.sleep(5.0)
        st = ask_all(gens, {"cmd": "stats"}, 30)
        out["held"] = sum(s["open"] for s in st)
        rss1 = dep.rss()
        out["rss_before_kib"] = rss0
        out["rss_after_kib"] = rss1
        out["kib_per_conn"] = round((rss1 - rss0) / max(1, out["held"]), 1)
        log(
            f"capacity {name}: {out['held']}/{n} idle connections held, RSS {rss0 / 1024:.0f} -> "
            f"{rss1 / 1024:.0f} MiB, {out['kib_per_conn']} KiB per connection"
        )
    return out


def memprobe(args: argparse.Namespace, tmp: Path, n: int = 1000) -> dict[str, Any]:
    """Where the memory of an idle Kring connection goes: the capacity run under tracemalloc."""
    import signal

    from .servers import KRING_ENV, free_port, wait_http

    out: dict[str, Any] = {"connections": n}
    port = free_port()
    dump = tmp / "memprobe.json"
    env = {**KRING_ENV, "KRING_STORE": f"sqlite:///{tmp}/memprobe.db", "KRING_SECRET": "bench-secret"}
    argv = [
        sys.executable,
        "-X",
        "tracemalloc=8",
        "-m",
        "bench.memprobe",
        "--port",
        str(port),
        "--out",
        str(dump),
    ]
    proc = Proc(f"memprobe:{port}", argv, tmp / "memprobe.log", env)
    dep = Deployment("kring", "kring", tmp, [proc], [(proc, port)])
    gens: list[GenProc] = []
    with part("memprobe", out, dep, gens):
        wait_http(f"http://127.0.0.1:{port}/healthz", proc, 150)
        rooms = dep.rooms(n // 10)
        time.sleep(0.5)
        proc.popen.send_signal(signal.SIGUSR2)
        time.sleep(1.5)
        gens += spawn_gens(dep, rooms, 1, {"mode": "idle", "members": 10, "parallel": 100}, 300)
        ready = ask_all(gens, None, 240)
        held = sum(r["ready"]["connected"] for r in ready)
        time.sleep(2)
        proc.popen.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 60
        while not dump.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        data = json.loads(dump.read_text())
        out["held"] = held
        out["bytes_per_conn"] = round(data["total_bytes"] / max(1, held))
        out["top"] = [
            {
                "where": t["where"],
                "bytes_per_conn": round(t["bytes"] / max(1, held)),
                "blocks_per_conn": round(t["blocks"] / max(1, held), 1),
            }
            for t in data["top"][:25]
        ]
        log(
            f"memprobe: {held} idle connections, Python heap +{out['bytes_per_conn'] / 1024:.1f} KiB per connection; top: "
            + ", ".join(f"{t['where']} {t['bytes_per_conn']} B" for t in out["top"][:5])
        )
    return out


# -- resync ------------------------------------------------------------------------------------------


def resync(
    args: argparse.Namespace, mode: Mode, tmp: Path, kring_cli: str | None, name: str = "kring"
) -> dict[str, Any]:
    out: dict[str, Any] = {"server": name}
    dep = deploy(name, tmp, "asyncio", kring_cli)
    gens: list[GenProc] = []
    with part("resync", out, dep, gens):
        rooms = dep.rooms(2, force_every=1000)
        gens += spawn_gens(dep, rooms, 1, {"mode": "none"}, 600)
        ask_all(gens, None, 60)
        cmd = {"cmd": "resync", "gap": 300, "iterations": mode.resync_iterations, "nodes": 500, "cards": 200}
        r = ask_all(gens, cmd, 500)[0]
        out.update(
            gap=r["gap"],
            iterations=r["iterations"],
            gap_ms=report.pcts(sorted(r["gap_us"])),
            gap_ok=r["gap_ok"],
            snapshot_ms=report.pcts(sorted(r["snapshot_us"])),
            snapshot_ok=r["snapshot_ok"],
            snapshot_bytes=r["snapshot_bytes"],
        )
        log(
            f"resync {name}: 300-event gap p50 {out['gap_ms']['p50']} p99 {out['gap_ms']['p99']} ms "
            f"({r['gap_ok']}/{r['iterations']} exact); snapshot ({r['snapshot_bytes'] // 1024} KiB) p50 "
            f"{out['snapshot_ms']['p50']} p99 {out['snapshot_ms']['p99']} ms"
        )
    return out


# -- profile -----------------------------------------------------------------------------------------


def profile(
    args: argparse.Namespace, seconds: float, rate: float, tmp: Path, kring_cli: str | None
) -> dict[str, Any]:
    """py-spy on Kring embedded under a steady load; collapsed stacks summarised by function."""
    out: dict[str, Any] = {"server": "kring", "rate": rate, "seconds": seconds}
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        out["error"] = "py-spy is not installed (bench/setup.sh)"
        return out
    dep = deploy("kring", tmp, "asyncio", kring_cli)
    gens: list[GenProc] = []
    with part("profile", out, dep, gens):
        rooms = dep.rooms(args.rooms)
        gens += spawn_gens(dep, rooms, args.gens, {"mode": "load", "members": args.members}, seconds + 200)
        ask_all(gens, None, 180)
        for g in gens:
            g.send({"cmd": "step", "rate": rate, "warmup": 2, "measure": seconds + 3, "drain": 10})
        time.sleep(2)
        pid = dep.apps[0][0].pid
        c0, t0 = dep.cpu(), time.monotonic()
        # py-spy's default (blocking) sampling: consistent stacks; every thread, idle ones left out.
        hz = 100
        raw = tmp / "profile.txt"
        argv = [
            spy,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(hz),
            "--duration",
            str(int(seconds)),
            "--threads",
        ]
        argv += ["--format", "raw", "--output", str(raw)]
        sp = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
        out["server_cpu"] = round((dep.cpu() - c0) / (time.monotonic() - t0), 2)
        out["hz"] = hz
        parts = [g.reply(seconds + 120) for g in gens]
        st = merge_step(parts, args.members, "kring")
        out["load"] = {"delivered_s": st["delivered_s"], "fanout_ms": st["fanout_ms"]}
        if sp.returncode != 0 or not raw.exists():
            out["error"] = f"py-spy failed ({sp.returncode}): {sp.stderr.strip()[-300:]}"
        else:
            RESULTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(raw, RESULTS / "profile-kring.txt")
            out.update(report.summarise_profile(raw.read_text(), hz, seconds))
            log("profile: event loop: " + ", ".join(f"{k} {v}%" for k, v in out["categories"][:5]))
    return out


def cpuprobe(args: argparse.Namespace, seconds: float, rate: float, tmp: Path) -> dict[str, Any]:
    """Kring under cProfile with a thread-CPU clock (bench/cpuprobe.py) under a steady load."""
    import signal

    from .servers import KRING_ENV, free_port, wait_http

    out: dict[str, Any] = {"rate": rate, "seconds": seconds}
    port = free_port()
    dump = tmp / "cpuprobe.json"
    env = {**KRING_ENV, "KRING_STORE": f"sqlite:///{tmp}/cpuprobe.db", "KRING_SECRET": "bench-secret"}
    argv = [sys.executable, "-m", "bench.cpuprobe", "--port", str(port), "--out", str(dump)]
    proc = Proc(f"cpuprobe:{port}", argv, tmp / "cpuprobe.log", env)
    dep = Deployment("kring", "kring", tmp, [proc], [(proc, port)])
    gens: list[GenProc] = []
    with part("cpuprobe", out, dep, gens):
        wait_http(f"http://127.0.0.1:{port}/healthz", proc, 60)
        rooms = dep.rooms(args.rooms)
        spec = {"mode": "load", "members": args.members}
        if args.cpuprobe_patches:  # browsers taking patches instead of protocol clients
            spec.update(view=True, patches=True)
        gens += spawn_gens(dep, rooms, args.gens, spec, seconds + 300)
        ask_all(gens, None, 180)
        for g in gens:
            g.send({"cmd": "step", "rate": rate, "warmup": 2, "measure": seconds, "drain": 15})
        time.sleep(2)
        proc.popen.send_signal(signal.SIGUSR2)
        time.sleep(seconds)
        proc.popen.send_signal(signal.SIGUSR1)
        parts = [g.reply(seconds + 120) for g in gens]
        deadline = time.monotonic() + 60
        while not dump.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        data = json.loads(dump.read_text())
        st = merge_step(parts, args.members, "kring")
        out["load"] = {"delivered_s": st["delivered_s"], "fanout_ms": st["fanout_ms"]}
        out["loop_cpu_s"] = data["loop_cpu_s"]
        out["own"] = data["own"]
        out["cumulative"] = data["cumulative"]
        log("cpuprobe: own CPU: " + ", ".join(f"{r['function']} {r['own_pct']}%" for r in data["own"][:6]))
    return out


# -- main --------------------------------------------------------------------------------------------


def machine(loop: str, kring_eff: str) -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    vers: dict[str, str] = {}
    for mod in ("websockets", "uvicorn", "starlette", "socketio", "engineio", "redis", "uvloop"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            dist = {"socketio": "python-socketio", "engineio": "python-engineio"}.get(mod, mod)
            vers[mod] = version(dist)
    from .servers import node_version, node_ws_version

    mem = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    redis_v = ""
    with contextlib.suppress(Exception):
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        redis_v = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=10
        ).stdout.split()[2]
    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "server"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        commit += " (server/ modified)" if dirty else ""
    return {
        "kring_commit": commit,
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "loop_peers": loop,
        "loop_kring": kring_eff,
        "versions": {**vers, "node": node_version(), "ws (npm)": node_ws_version(), "redis-server": redis_v},
    }


def calm(args: argparse.Namespace) -> str:
    if args.calm <= 0:
        return ""
    t0 = time.monotonic()
    avg = wait_calm(args.calm)
    return f" (waited {time.monotonic() - t0:.0f}s for calm; CPU pressure avg10 {avg}%)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="a few minutes: fewer, shorter steps; capacity of Kring only"
    )
    p.add_argument("--rooms", type=int, default=200)
    p.add_argument("--members", type=int, default=10)
    p.add_argument("--gens", type=int, default=2, help="generator processes for the load runs")
    p.add_argument("--parallel", type=int, default=32, help="rooms each generator sets up at once")
    p.add_argument(
        "--servers",
        help=f"comma-separated, of {', '.join(SERVERS)}; default {','.join(DEFAULT_SERVERS)} (+ kring-view in the full run)",
    )
    p.add_argument("--rates", help="offered load steps, commands per member per second (e.g. 0.5,1,2)")
    p.add_argument("--measure", type=float, help="seconds measured per step")
    p.add_argument("--capacity", type=int, default=5000, help="idle connections to hold")
    p.add_argument("--capacity-servers", help="comma-separated; default: kring (quick) or all (full)")
    p.add_argument(
        "--skip",
        default="",
        help="comma-separated parts to skip: load, capacity, memprobe, resync, cpuprobe, profile",
    )
    p.add_argument("--profile", type=float, help="seconds of py-spy on Kring under load (0 = off)")
    p.add_argument("--profile-rate", type=float, default=0.5, help="load during --profile and --cpuprobe")
    p.add_argument(
        "--cpuprobe-patches",
        action="store_true",
        help="--cpuprobe with browsers taking patches as the members",
    )
    p.add_argument(
        "--cpuprobe", type=float, help="seconds of cProfile (thread CPU clock) on Kring under load (0 = off)"
    )
    p.add_argument(
        "--loop",
        choices=["auto", "asyncio", "uvloop"],
        default="auto",
        help="event loop of the Python peers (and of Kring when `kring serve` takes --loop); auto = Kring's default",
    )
    p.add_argument(
        "--calm",
        type=float,
        default=0,
        help="before each part wait up to this many seconds for other work on the machine to stop (CPU pressure)",
    )
    p.add_argument("--out", default=str(RESULTS / "latest.json"))
    p.add_argument(
        "--write-docs", action="store_true", help="refresh the results section of docs/performance.md"
    )
    args = p.parse_args(argv)

    mode = QUICK if args.quick else FULL
    if args.rates:
        mode.rates = [float(x) for x in args.rates.split(",")]
    if args.measure:
        mode.measure = args.measure
    if args.profile is not None:
        mode.profile_seconds = args.profile
    if args.capacity_servers:
        mode.capacity_servers = [s for s in args.capacity_servers.split(",") if s]
    skip = {s for s in args.skip.split(",") if s}
    servers = [s for s in (args.servers or "").split(",") if s] or DEFAULT_SERVERS + (
        [] if args.quick else ["kring-view", "kring-patches"]
    )
    for s in servers + mode.capacity_servers:
        if s not in SERVERS:
            p.error(f"unknown server {s!r}")

    supports, kring_default = kring_loop(sys.executable)
    kring_cli: str | None = None
    if args.loop == "auto":
        loop = kring_eff = kring_default  # the Python peers run on the loop Kring runs on
    else:
        loop = args.loop
        if supports:
            kring_cli = kring_eff = args.loop
        else:
            kring_eff = kring_default
            if args.loop != kring_default:
                log(f"`kring serve` has no --loop: Kring runs on {kring_default}; the Python peers on {loop}")
    if "node-ws" in servers and not node_ready():
        log("node-ws: skipped (run bench/setup.sh for `npm install ws`)")
        servers.remove("node-ws")

    t_start = time.monotonic()
    result: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "mode": "quick" if args.quick else "full",
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(loop, kring_eff),
        "kring_serve_has_loop": supports,
        "kring_default_loop": kring_default,
        "topology": {"rooms": args.rooms, "members": args.members, "gens": args.gens, "compression": "off"},
        "mode_params": mode.__dict__,
        "load": [],
    }
    tmp = Path(tempfile.mkdtemp(prefix="kring-bench-"))
    try:
        if "load" not in skip:
            for s in servers:
                log(f"== load: {SERVERS[s]}{calm(args)}")
                result["load"].append(sweep(s, args, mode, tmp, loop, kring_cli, kring_eff))
        if "capacity" not in skip:
            result["capacity"] = []
            for s in mode.capacity_servers:
                if s == "node-ws" and not node_ready():
                    continue
                log(f"== capacity: {SERVERS[s]}{calm(args)}")
                result["capacity"].append(capacity(s, args, tmp, loop, kring_cli))
        if "memprobe" not in skip and not args.quick:
            log(f"== memprobe (tracemalloc, idle connections){calm(args)}")
            result["memprobe"] = memprobe(args, tmp)
        if "resync" not in skip:
            log(f"== resync{calm(args)}")
            result["resync"] = resync(args, mode, tmp, kring_cli)
        cp = args.cpuprobe if args.cpuprobe is not None else (0 if args.quick else 20)
        if "cpuprobe" not in skip and cp > 0:
            log(f"== cpuprobe (cProfile, thread CPU clock){calm(args)}")
            result["cpuprobe"] = cpuprobe(args, cp, args.profile_rate, tmp)
        if "profile" not in skip and mode.profile_seconds > 0:
            log(f"== profile{calm(args)}")
            result["profile"] = profile(args, mode.profile_seconds, args.profile_rate, tmp, kring_cli)
    finally:
        result["seconds"] = round(time.monotonic() - t_start, 1)
        keep = os.environ.get("BENCH_KEEP_TMP") == "1"
        if keep:
            log(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    result["targets"] = report.targets(result)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    png = out.with_suffix(".png")
    with contextlib.suppress(Exception):
        report.plot(result, png)
    print(report.table(result))
    log(f"wrote {out} and {png} in {result['seconds']}s")
    if args.write_docs:
        report.write_docs(result, ROOT / "docs" / "performance.md", png)
        log("refreshed docs/performance.md")
    return 0
