"""A Redis primary, a replica and a Sentinel on free loopback ports (never 6379), for failover tests.

Sentinel runs as `redis-server <generated sentinel.conf> --sentinel` with a quorum of 1 and short
timings (`down-after-milliseconds` 1000, `failover-timeout` 3000), so a `kill -9` of the primary is
followed by a promoted replica within about two to three seconds.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from kring_testlib import RedisProc, free_port

SERVICE = "kring"
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 3000


class RedisNode(RedisProc):
    """redis-server, optionally a replica of another node; no persistence (the replica is the copy)."""

    def __init__(self, workdir: Path, replica_of: int | None = None) -> None:
        super().__init__(workdir)
        self.replica_of = replica_of

    def args(self) -> list[str]:
        a = [*super().args(), "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]
        if self.replica_of is not None:
            a += ["--replicaof", "127.0.0.1", str(self.replica_of)]
        return a


class SentinelProc:
    def __init__(self, workdir: Path, primary_port: int) -> None:
        self.port = free_port()
        self.dir = workdir / f"sentinel-{self.port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "sentinel.conf"
        self.conf.write_text(
            "\n".join(
                [
                    f"port {self.port}",
                    "bind 127.0.0.1",
                    f'dir "{self.dir}"',
                    f"sentinel monitor {SERVICE} 127.0.0.1 {primary_port} 1",
                    f"sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}",
                    f"sentinel failover-timeout {SERVICE} {FAILOVER_TIMEOUT_MS}",
                    f"sentinel parallel-syncs {SERVICE} 1",
                    "",
                ]
            )
        )
        self.proc: Any = None

    def start(self, timeout: float = 10) -> SentinelProc:
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        with open(self.dir / "sentinel.log", "ab") as log:
            # The same file again on a restart: Sentinel rewrote it with what it learnt (replicas, epoch).
            self.proc = subprocess.Popen(
                [exe, str(self.conf), "--sentinel"], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return self
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("sentinel did not answer PING")

    def stop(self, sig: int | None = None) -> None:
        import signal

        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM if sig is None else sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, socket_timeout=2)

    def primary_port(self) -> int | None:
        try:
            got = self.client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
        except Exception:
            return None
        return int(got[1]) if got else None

    def replicas_up(self) -> list[int]:
        """Ports of the replicas Sentinel knows and does not consider down."""
        try:
            got = self.client().sentinel_slaves(SERVICE)
        except Exception:
            return []
        return [int(r["port"]) for r in got if not (r["is_sdown"] or r["is_odown"] or r["is_disconnected"])]


class Topology:
    """A primary, a replica of it, and a Sentinel watching them."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.nodes: dict[int, RedisNode] = {}
        primary = RedisNode(workdir).start()
        replica = RedisNode(workdir, replica_of=primary.port).start()
        self.nodes = {primary.port: primary, replica.port: replica}
        self.sentinel = SentinelProc(workdir, primary.port).start()
        self.wait_synced(replica.port)
        self.wait_watched(replica.port)

    @property
    def url(self) -> str:
        return f"redis+sentinel://127.0.0.1:{self.sentinel.port}/{SERVICE}/0"

    def primary(self) -> RedisNode:
        port = self.sentinel.primary_port()
        assert port is not None
        return self.nodes[port]

    def other(self, port: int) -> RedisNode:
        return next(n for p, n in self.nodes.items() if p != port)

    def wait_synced(self, replica_port: int, timeout: float = 15) -> None:
        """Until the replica reports its link to the primary up (the full sync is done)."""
        r = self.nodes[replica_port].client()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                info = r.info("replication")
                if info.get("role") == "slave" and info.get("master_link_status") == "up":
                    return
            except Exception:
                pass
            time.sleep(0.05)
        raise RuntimeError("the replica did not sync")

    def wait_watched(self, replica_port: int, timeout: float = 20) -> None:
        """Until Sentinel knows the replica and considers it up (it can then promote it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if replica_port in self.sentinel.replicas_up():
                return
            time.sleep(0.1)
        raise RuntimeError("sentinel does not see the replica")

    def wait_failover(self, old_port: int, timeout: float = 15) -> int:
        """Until Sentinel names another primary; its port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            port = self.sentinel.primary_port()
            if port is not None and port != old_port:
                return port
            time.sleep(0.05)
        raise RuntimeError("no failover")

    def stop(self) -> None:
        self.sentinel.stop()
        for n in self.nodes.values():
            n.stop()
