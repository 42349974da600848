"""`python -m bench.patchcost`: what a command costs the server in process, when the room's ten
members are protocol clients and when they are browsers that take patches (issue 19), with no
network, no event loop wake-ups and no other process in the measurement.

Each measurement is a new room of ten members on a Hub over the memory store; each member's
connection writes its frames to a socket stand-in that takes them at once (the per-connection write
is counted as a call, the same count for both). The load generator's command mix
(bench/workload.py) is sent through `Hub.submit`, as server/ws.py does, basis rooms and force-field
rooms. It prints the CPU per command for both kinds of client and their ratio: the part of the
server's work in which the two differ (live, the socket reads and writes, parsing and the store add
the same to both; the knee's target, patches >= 0.8 x protocol clients, is measured live with
`bench/run --servers kring,kring-patches`).

  --instructions   count instructions under valgrind's callgrind instead of timing: the same
                   figure on every run, whatever else the machine does (slow: about a minute)
  --tree DIR       measure another checkout's server (e.g. `git archive <commit> | tar -x -C DIR`)
                   with this checkout's workload, for a side-by-side comparison
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__:
    from .workload import MemberPlan, RoomPlan, next_command, record, setup_commands
else:  # the child process, run as a file in another checkout (--tree): this checkout's workload
    sys.path.append(str(Path(__file__).resolve().parent))
    from workload import MemberPlan, RoomPlan, next_command, record, setup_commands

MEMBERS = 10
KINDS = ("basis", "krachtenveld")
ROOT = Path(__file__).resolve().parent.parent


class _Socket:
    """Takes every frame at once, as an idle connection's transport does."""

    def __init__(self, keep: bool = False) -> None:
        self.frames: list[bytes] | None = [] if keep else None  # what was written (for a test)

    def write(self, frame: bytes) -> bool:
        if self.frames is not None:
            self.frames.append(frame)
        return True


def _mark() -> None:
    """Where callgrind cuts its counts (`--dump-before=os_getppid`): before and after each loop."""
    os.getppid()


def _methods() -> Any:
    """The method library of the checkout whose server is imported."""
    import server
    from server.methods import MethodLibrary

    return MethodLibrary.load(Path(server.__file__).resolve().parent.parent / "methods").methods


async def measure(kind: str, patches: bool, n: int, sockets: list[_Socket] | None = None) -> float:
    """CPU µs per command of the mix in a new room of MEMBERS members (their sockets' stand-ins go
    into `sockets`)."""
    from server.hub import Hub
    from server.rooms.commands import Command, Rejection
    from server.store.memory import MemoryStore
    from server.transport import Conn

    methods = _methods()
    hub = Hub(MemoryStore(), methods)
    room, _, _ = await hub.create(methods[kind], "T", "nl")
    live = await hub.get(room)
    assert live is not None
    pids = [f"p{i}" for i in range(MEMBERS)]
    conns: list[Any] = []
    for i, pid in enumerate(pids):
        roles = ["facilitator"] if i == 0 else []
        await hub.submit(
            live, Command("participant.join", {"pid": pid, "name": f"lid {i}", "roles": roles}), pid, None
        )
        sock = _Socket(keep=sockets is not None)
        if sockets is not None:
            sockets.append(sock)
        # A checkout from before the patches has no such argument (and only protocol clients).
        extra = {"patches": True} if patches else {}
        conn = Conn(pid, 1_000_000, False, "nl", raw=sock, **extra)  # type: ignore[arg-type]
        conn._waiter = asyncio.get_running_loop().create_future()  # the writer task, idle
        await hub.attach(live, conn, {"t": "welcome"}, None, None, 100)
        conns.append(conn)
    plan = RoomPlan(kind)
    plans = [MemberPlan(i, i == 0) for i in range(MEMBERS)]
    for ctype, args, item in setup_commands(plan, plans[0]):
        await hub.submit(live, Command(ctype, args, "setup"), pids[0], None)
        record(plan, plans[0], item)
    rnd = random.Random(19)
    _mark()
    t0 = time.process_time()
    for i in range(n):
        k = i % MEMBERS
        ctype, args, item = next_command(plan, plans[k], rnd)
        cid = f"c{i}"
        res = await hub.submit(live, Command(ctype, args, cid), pids[k], f"{pids[k]}:{cid}", (conns[k], cid))
        if not isinstance(res, Rejection):
            record(plan, plans[k], item)
    used = time.process_time() - t0
    _mark()
    await hub.close()
    return used / n * 1e6


async def _all(n: int) -> None:
    import inspect

    from server.transport import Conn

    can_patch = "patches" in inspect.signature(Conn).parameters
    for kind in KINDS:
        for patches in (False, True):
            if patches and not can_patch:  # before the patches: the loop is not run (nan)
                _mark()
                _mark()
                print("nan", flush=True)
                continue
            print(await measure(kind, patches, n), flush=True)


def _worker(tree: Path, n: int, instructions: bool) -> list[float]:
    """The four figures (basis protocol, basis patches, force field protocol, force field patches)
    from a child process that imports `tree`'s server."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n)]
    if not instructions:
        out = subprocess.run(cmd, cwd=tree, env=env, check=True, capture_output=True, text=True).stdout
        return [float(x) for x in out.split()]
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "cg"
        vg = ["valgrind", "--tool=callgrind", "--dump-before=os_getppid", f"--callgrind-out-file={dump}"]
        timed = subprocess.run(vg + cmd, cwd=tree, env=env, check=True, capture_output=True, text=True).stdout
        parts = sorted(Path(tmp).glob("cg.*"), key=lambda p: int(p.suffix[1:]))
        totals = []
        for p in parts:
            for line in p.read_text().splitlines():
                if line.startswith("totals:"):
                    totals.append(int(line.split()[1]))
                    break
        # Parts: up to the first mark, the first loop, between the loops, the second loop, ...
        ran = [x != "nan" for x in timed.split()]  # not run: no patches in that checkout
        return [totals[i] / n if ok else float("nan") for i, ok in zip(range(1, 8, 2), ran, strict=True)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--commands", type=int, default=1500, help="commands per measurement")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (timing only)")
    ap.add_argument("--instructions", action="store_true", help="count instructions (callgrind)")
    ap.add_argument("--tree", action="append", type=Path, default=[], help="another checkout too")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        asyncio.run(_all(args.child))
        return 0
    if args.instructions and shutil.which("valgrind") is None:
        print("--instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    trees = [ROOT, *[t.resolve() for t in args.tree]]
    n = min(args.commands, 400) if args.instructions else args.commands
    rounds = 1 if args.instructions else args.rounds
    got: dict[Path, list[list[float]]] = {t: [] for t in trees}
    for _ in range(rounds):
        for t in trees:  # alternating, so other work on the machine weighs on each alike
            got[t].append(_worker(t, n, args.instructions))
    unit = "instructions" if args.instructions else "µs CPU"
    print(f"per command of the load mix, {MEMBERS} members, {n} commands, median of {rounds}:")
    print(f"{'tree':40s} {'room':14s} {'protocol':>14s} {'patches':>14s} {'ratio':>6s}")
    for t in trees:
        med = [statistics.median(r[i] for r in got[t]) for i in range(4)]
        for j, kind in enumerate(KINDS):
            prot, pat = med[2 * j], med[2 * j + 1]
            fmt = "{:14,.0f}" if args.instructions else "{:14.1f}"
            ratio = f"{prot / pat:6.2f}" if pat == pat else "     -"  # nan: no patches there
            print(f"{str(t)[-40:]:40s} {kind:14s} {fmt.format(prot)} {fmt.format(pat)} {ratio}")
    print(
        f"({unit}; ratio = protocol / patches. Live, the socket reads, parsing and the store add the"
        " same to both, so the knee's ratio is nearer 1: target >= 0.8 there)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
