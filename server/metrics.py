"""Prometheus metrics, off unless configured, and never public by default.

`KRING_METRICS_PORT` serves them on a port of their own (started by `kring serve`, in its main
process: with `--workers N` the supervisor, so it outlives any worker); `KRING_METRICS_TOKEN`
serves them at `/metrics` on the app's port to requests with `Authorization: Bearer <token>`
(any other request gets 404, as without the token). Without either, `/metrics` is 404 and no
prometheus_client code runs on the hot path: every metric below is a no-op (`_Off`).

Several processes (uvicorn `--workers`, or several `kring serve` on one host sharing a directory)
use prometheus_client's multiprocess mode: each process writes its values to memory-mapped files in
`PROMETHEUS_MULTIPROC_DIR` and whoever serves a scrape adds them up. `kring serve` creates the
directory (a fresh temporary one unless `PROMETHEUS_MULTIPROC_DIR` is set) before the workers
start; the variable must be set before prometheus_client is imported, so this module imports it
only in `enable`. Gauges of processes that are gone are removed at the next scrape.

What is counted (one counter increment or histogram observation per command or per event at most;
nothing per recipient):

    kring_connections, kring_rooms                  gauges, sampled every few seconds per process
    kring_commands_total{outcome}                   ack, duplicate, rejected, unavailable
    kring_events_total{source}                      appended here (local) or from other workers (peer)
    kring_command_seconds                           command received -> ack sent (or error)
    kring_fanout_lag_seconds                        an event's time -> delivered by another worker
    kring_slow_consumer_closes_total                connections closed with 4008
    kring_store_append_seconds{store}               sqlite / redis append (with WAIT, if on)
    kring_redis_errors_total{kind}                  connection, timeout, not_ready, wait_timeout
    kring_redis_reconnects_total                    the fan-out's Pub/Sub reconnects
    kring_redis_epoch_resets_total                  rooms moved to a new epoch (a rewound log)
    kring_drains_total                              graceful drains (SIGTERM)
    kring_redis_replicas                            replicas that could take over (acks WAIT for one)
"""

from __future__ import annotations

import contextlib
import glob
import hmac
import logging
import os
import re
import stat
import tempfile
from typing import Any

log = logging.getLogger("kring.metrics")

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
APPEND_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 5.0)


class _Off:
    """A metric that does nothing (metrics not configured)."""

    def inc(self, amount: float = 1) -> None:
        pass

    def dec(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass

    def observe(self, value: float) -> None:
        pass


_OFF = _Off()


class Metrics:
    """The process's metrics: attributes the hot path calls (`M.cmd_ack.inc()`); no-ops until
    `enable`. Labelled children are resolved once, so a call is one method call."""

    def __init__(self) -> None:
        self.on = False
        self.connections: Any = _OFF
        self.rooms: Any = _OFF
        self.cmd_ack: Any = _OFF
        self.cmd_duplicate: Any = _OFF
        self.cmd_rejected: Any = _OFF
        self.cmd_unavailable: Any = _OFF
        self.events_local: Any = _OFF
        self.events_peer: Any = _OFF
        self.command_seconds: Any = _OFF
        self.fanout_lag: Any = _OFF
        self.slow_closes: Any = _OFF
        self.append_sqlite: Any = _OFF
        self.append_redis: Any = _OFF
        self.redis_connection: Any = _OFF
        self.redis_timeout: Any = _OFF
        self.redis_not_ready: Any = _OFF
        self.redis_wait_timeout: Any = _OFF
        self.redis_reconnects: Any = _OFF
        self.epoch_resets: Any = _OFF
        self.drains: Any = _OFF
        self.redis_replicas: Any = _OFF


M = Metrics()


def configured(env: dict[str, str] | None = None) -> bool:
    e = os.environ if env is None else env
    return bool(e.get("KRING_METRICS_PORT") or e.get("KRING_METRICS_TOKEN"))


def prepare_multiproc_dir(port: int, env: dict[str, str] | None = None) -> str:
    """For `kring serve`: make sure PROMETHEUS_MULTIPROC_DIR names an existing, empty directory
    (values of an earlier run would be added to this one's), and set it in `env` (os.environ by
    default) so the workers inherit it. Unset: `kring-metrics-<uid>-<port>` in the temporary
    directory, the same for every run on that port (so runs do not pile up directories), used only
    if it is this user's own directory (else a fresh one)."""
    e: Any = os.environ if env is None else env
    path = e.get("PROMETHEUS_MULTIPROC_DIR") or ""
    if not path:
        path = os.path.join(tempfile.gettempdir(), f"kring-metrics-{os.getuid()}-{port}")
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            path = tempfile.mkdtemp(prefix="kring-metrics-")
    os.makedirs(path, mode=0o700, exist_ok=True)
    for f in glob.glob(os.path.join(path, "*.db")):
        with contextlib.suppress(OSError):
            os.remove(f)
    e["PROMETHEUS_MULTIPROC_DIR"] = path
    return path


def enable() -> None:
    """Create the metrics (once per process). Multiprocess mode if PROMETHEUS_MULTIPROC_DIR is set."""
    if M.on:
        return
    from prometheus_client import Counter, Gauge, Histogram

    multi = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
    gauge_kw: dict[str, Any] = {"multiprocess_mode": "livesum"} if multi else {}
    M.connections = Gauge("kring_connections", "Open WebSocket connections in rooms", **gauge_kw)
    M.rooms = Gauge("kring_rooms", "Rooms loaded (live) in the worker processes", **gauge_kw)
    cmds = Counter("kring_commands", "Client commands by outcome", ["outcome"])
    M.cmd_ack = cmds.labels("ack")
    M.cmd_duplicate = cmds.labels("duplicate")
    M.cmd_rejected = cmds.labels("rejected")
    M.cmd_unavailable = cmds.labels("unavailable")
    events = Counter("kring_events", "Events applied, appended here or by another worker", ["source"])
    M.events_local = events.labels("local")
    M.events_peer = events.labels("peer")
    M.command_seconds = Histogram(
        "kring_command_seconds", "From a command's frame to its ack or error", buckets=LATENCY_BUCKETS
    )
    M.fanout_lag = Histogram(
        "kring_fanout_lag_seconds",
        "From an event's time to its delivery by another worker (Redis fan-out)",
        buckets=LATENCY_BUCKETS,
    )
    M.slow_closes = Counter("kring_slow_consumer_closes", "Connections closed as slow consumers (4008)")
    append = Histogram(
        "kring_store_append_seconds", "Store append latency", ["store"], buckets=APPEND_BUCKETS
    )
    M.append_sqlite = append.labels("sqlite")
    M.append_redis = append.labels("redis")
    errs = Counter("kring_redis_errors", "Redis operations that failed, by kind", ["kind"])
    M.redis_connection = errs.labels("connection")
    M.redis_timeout = errs.labels("timeout")
    M.redis_not_ready = errs.labels("not_ready")
    M.redis_wait_timeout = errs.labels("wait_timeout")
    M.redis_reconnects = Counter("kring_redis_reconnects", "Reconnects of the Redis Pub/Sub listener")
    M.epoch_resets = Counter("kring_redis_epoch_resets", "Rooms moved to a new epoch (a rewound log)")
    M.drains = Counter("kring_drains", "Graceful drains (SIGTERM)")
    M.redis_replicas = Gauge(
        "kring_redis_replicas",
        "Redis replicas that could take over from the primary (acks WAIT for one while any could)",
        multiprocess_mode="livemin",  # the worker that counts fewest (ignored in one process)
    )
    M.on = True


_DEAD_PID = re.compile(r"^gauge_live\w*?_(\d+)\.db$")


def _forget_dead(path: str) -> None:
    """Remove the live gauges of processes that no longer exist (a killed or restarted worker)."""
    from prometheus_client import multiprocess

    for f in os.listdir(path):
        m = _DEAD_PID.match(f)
        if m is None:
            continue
        pid = int(m.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, path)  # type: ignore[no-untyped-call]
        except PermissionError:
            pass


def render() -> tuple[bytes, str]:
    """The exposition text of every process (multiprocess mode) or of this one."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        from prometheus_client import multiprocess

        _forget_dead(path)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def token_ok(header: str | None, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time."""
    if not token or not header:
        return False
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def serve_port(port: int, host: str) -> None:
    """Serve the metrics on their own port, in a daemon thread of this process (`kring serve`)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] not in ("/metrics", "/"):
                self.send_error(404)
                return
            body, ctype = render()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # no access log (addresses)
            pass

    srv = ThreadingHTTPServer((host, port), Handler)
    srv.daemon_threads = True
    Thread(target=srv.serve_forever, name="kring-metrics", daemon=True).start()
