"""`python -m bench.deltacpu`: the server's CPU per command when every member of a room is a protocol
client, and when every member is a browser that takes patches (issue 19), side by side on one
server and measured alternately, so other work on the machine weighs on both alike.

It is the load-robust companion of the knee (`bench/run --servers kring,kring-patches`): the knee
needs an idle machine, while the CPU the server process used (from /proc) hardly moves with the
load around it, and the knee has followed the CPU per event in every run so far. One room of ten
members per measurement, the load generator's command mix (bench/workload.py), basis rooms and
force-field rooms; the target is patches >= 0.8 x protocol clients (CPU per command inverted).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
from pathlib import Path

from .deltabytes import Peer
from .servers import cpu_seconds, create_kring_room, start_kring
from .workload import MemberPlan, RoomPlan, next_command, record, setup_commands

MEMBERS = 10


async def measure(port: int, pid: int, kind: str, patches: bool, n: int) -> float:
    """Server CPU µs per command of the mix in a new room of MEMBERS members."""
    room = create_kring_room(port, kind)
    rid = room["room"]
    extra = {"view": True, "patches": True} if patches else {}
    plan = RoomPlan(kind)
    members: list[Peer] = []
    plans: list[MemberPlan] = []
    for i in range(MEMBERS):
        m = Peer(port, rid)
        key = room["facilitator_key"] if i == 0 else room["join_key"]
        await m.connect({"key": key, "name": f"lid {i}", **extra})
        members.append(m)
        plans.append(MemberPlan(i, i == 0))
    for ctype, args, item in setup_commands(plan, plans[0]):
        await members[0].ok(ctype, args)
        record(plan, plans[0], item)
    await asyncio.sleep(0.3)
    rnd = random.Random(19)
    before = cpu_seconds(pid)
    window = []
    for i in range(n):
        k = i % MEMBERS
        ctype, args, item = next_command(plan, plans[k], rnd)
        window.append((members[k].send(ctype, args), k, item))
        if len(window) >= 50:  # at most 50 commands in flight, like 50 busy members
            for fut, k2, it in window:
                if (await asyncio.wait_for(fut, 30))["t"] == "ack":
                    record(plan, plans[k2], it)
            window = []
        await asyncio.sleep(0.002)
    for fut, _k, _it in window:
        await asyncio.wait_for(fut, 30)
    await asyncio.sleep(0.5)  # what was queued goes out
    used = cpu_seconds(pid) - before
    for m in members:
        await m.close()
    return used / n * 1e6


async def amain(n: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_kring(Path(tmp), f"sqlite:///{tmp}/cpu.db", secret="bench-secret")
        try:
            res: dict[tuple[str, bool], list[float]] = {}
            for _ in range(rounds):
                for kind in ("basis", "krachtenveld"):
                    for patches in (False, True):
                        res.setdefault((kind, patches), []).append(
                            await measure(port, proc.pid, kind, patches, n)
                        )
        finally:
            proc.stop()
    print(
        f"server CPU µs per command, a room of {MEMBERS} members, {n} commands of the mix, median of {rounds}:"
    )
    print(f"{'room':<14}{'protocol clients':>18}{'browsers, patches':>20}{'ratio':>8}")
    total = {False: 0.0, True: 0.0}
    for kind, weight in (("basis", 3), ("krachtenveld", 1)):  # the load runs' mix: one room in four
        a = statistics.median(res[(kind, False)])
        b = statistics.median(res[(kind, True)])
        total[False] += weight * a / 4
        total[True] += weight * b / 4
        print(f"{kind:<14}{a:>18.0f}{b:>20.0f}{a / b:>8.2f}")
    ratio = total[False] / total[True]
    print(f"{'3:1 mix':<14}{total[False]:>18.0f}{total[True]:>20.0f}{ratio:>8.2f}")
    print(
        f"target: browsers taking patches >= 0.8 x protocol clients: {'met' if ratio >= 0.8 else 'NOT met'}"
    )
    return 0


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.deltacpu", description=__doc__.split("\n")[0])
    p.add_argument("--commands", type=int, default=1500)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    return asyncio.run(amain(args.commands, args.rounds))


if __name__ == "__main__":
    sys.exit(main())
