"""`python -m bench.deltabytes`: bytes per event that one browser member receives (issue 19).

One Kring server (SQLite). Per room, an empty basis room in its questions phase and a big one (400
mind-map nodes and 150 cards first): a facilitator and three members send the benchmark's basis
command mix (bench/workload.py), one command every PACE seconds (slower than the 100 ms between two
whole views, so the browser of before gets a view per event, as in the issue's measurement), while
three more members only watch: a browser that takes patches (hello view + patches), a browser of
before (hello view) and a protocol client (events only). It prints the bytes each received per event
of the mix, and on their own line what a phase change, a reveal and a method switch cost (they
change much of every view). The targets: at most 1.5 KiB per event in the big room and 1 KiB in the
empty one for the browser that takes patches. Loopback only; bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import websockets

from .servers import create_kring_room, start_kring
from .workload import MemberPlan, RoomPlan, next_command, record, setup_commands

PACE = 0.12  # seconds between two commands of the mix
TARGET_BIG, TARGET_EMPTY = 1.5 * 1024, 1024


class Peer:
    """A protocol client that counts the bytes of everything it receives after its welcome."""

    def __init__(self, port: int, room: str) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/{room}"
        self.origin = f"http://127.0.0.1:{port}"
        self.bytes = 0
        self.kinds: dict[str, int] = {}
        self.seq = 0
        self.welcome: dict[str, Any] = {}
        self._waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._n = 0
        self._sends: set[asyncio.Future[None]] = set()

    async def connect(self, hello: dict[str, Any]) -> None:
        self.ws = await websockets.connect(self.url, origin=self.origin, max_size=None, compression=None)  # type: ignore[arg-type]
        await self.ws.send(json.dumps({"t": "hello", **hello}))
        self.welcome = json.loads(await asyncio.wait_for(self.ws.recv(), 20))
        self.seq = self.welcome["seq"]
        self.task = asyncio.create_task(self._recv())

    async def _recv(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                text = raw if isinstance(raw, str) else raw.decode()
                self.bytes += len(text.encode())
                m = json.loads(text)
                self.kinds[m["t"]] = self.kinds.get(m["t"], 0) + 1
                if "seq" in m and m["t"] in ("event", "patch", "view"):
                    self.seq = max(self.seq, m["seq"])
                w = self._waiters.pop(m.get("id") or "", None) if m["t"] in ("ack", "error") else None
                if w is not None and not w.done():
                    w.set_result(m)

    def send(self, type_: str, args: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        self._n += 1
        cid = f"c{self._n}"
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters[cid] = fut
        task = asyncio.ensure_future(
            self.ws.send(json.dumps({"t": "cmd", "id": cid, "type": type_, "args": args}))
        )
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)
        return fut

    async def ok(self, type_: str, args: dict[str, Any]) -> int:
        r = await asyncio.wait_for(self.send(type_, args), 20)
        if r["t"] != "ack":
            raise RuntimeError(f"{type_} {args}: {r}")
        return int(r["seq"])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(self.task, 2)


async def _until(watchers: list[Peer], seq: int) -> None:
    async with asyncio.timeout(20):
        while min(w.seq for w in watchers) < seq:  # noqa: ASYNC110 - three peers' state; polling is simplest
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.15)  # a whole view follows its event by up to 100 ms


async def _fill(fac: Peer, plan: RoomPlan, nodes: int, cards: int) -> None:
    cmds: list[tuple[str, dict[str, Any]]] = []
    for i in range(nodes):
        parent = plan.anchors[i % len(plan.anchors)] if i < 100 else f"big{i % 100}"
        cmds.append(("mindmap.add", {"id": f"big{i}", "parent": parent, "text": f"knoop {i} werkdruk"}))
    for i in range(cards):
        text = f"Vraag {i}: wat gebeurde er precies vlak voordat het gesprek stil viel?"
        cmds.append(("card.add", {"id": f"card{i}", "kind": "question", "text": text}))
    for k in range(0, len(cmds), 100):
        await asyncio.gather(*(fac.send(t, a) for t, a in cmds[k : k + 100]))


async def basis_room(port: int, big: bool) -> tuple[dict[str, Any], str, RoomPlan, Peer, MemberPlan]:
    """A basis room in its questions phase with its facilitator connected (the load generator's
    setup), and with `big` the big room: 400 mind-map nodes and 150 cards."""
    room = create_kring_room(port, "basis")
    rid = room["room"]
    plan = RoomPlan("basis")
    fac = Peer(port, rid)
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    fplan = MemberPlan(0, True)
    for ctype, args, item in setup_commands(plan, fplan):
        await fac.ok(ctype, args)
        record(plan, fplan, item)
    if big:
        await _fill(fac, plan, 400, 150)
    return room, rid, plan, fac, fplan


async def scenario(port: int, big: bool, n: int) -> dict[str, Any]:
    room, rid, plan, fac, fplan = await basis_room(port, big)
    writers = [fac]
    plans = [fplan]
    for i in (1, 2, 3):
        w = Peer(port, rid)
        await w.connect({"key": room["join_key"], "name": f"Lid {i}"})
        writers.append(w)
        plans.append(MemberPlan(i, False))
    patch, view, proto = Peer(port, rid), Peer(port, rid), Peer(port, rid)
    await patch.connect({"key": room["join_key"], "name": "Browser", "view": True, "patches": True})
    await view.connect({"key": room["join_key"], "name": "Browser (voor)", "view": True})
    await proto.connect({"key": room["join_key"], "name": "Protocol"})
    watchers = [patch, view, proto]
    await _until(watchers, fac.seq)
    out: dict[str, Any] = {"welcome_kib": round(len(json.dumps(patch.welcome).encode()) / 1024, 1)}

    def reset() -> None:
        for w in watchers:
            w.bytes = 0

    # The mix.
    reset()
    rnd = random.Random(19)
    events = 0
    last = 0
    for i in range(n):
        k = i % len(writers)
        ctype, args, item = next_command(plan, plans[k], rnd)
        r = await asyncio.wait_for(writers[k].send(ctype, args), 20)
        if r["t"] == "ack":
            record(plan, plans[k], item)
            events += 1
            last = r["seq"]
        await asyncio.sleep(PACE)
    await _until(watchers, last)
    out["mix"] = {
        w: round(p.bytes / events) for w, p in zip(("patches", "views", "events"), watchers, strict=True)
    }
    out["events"] = events

    # What changes much of every view, one at a time.
    async def one(label: str, do: Any) -> None:
        reset()
        seq = await do()
        await _until(watchers, seq)
        out[label] = {w: p.bytes for w, p in zip(("patches", "views", "events"), watchers, strict=True)}

    await one("phase change", lambda: fac.ok("phase.goto", {"index": 3}))
    await one("method switch", lambda: fac.ok("method.switch", {"method": "incident"}))
    await fac.ok("phase.goto", {"index": 6})  # standpuntbepaling: private positions
    for i, w in enumerate(writers[1:]):
        await w.ok(
            "card.add", {"id": f"pos{i}", "kind": "position", "text": f"Ik zou ingrijpen, zegt lid {i}"}
        )
    await one("reveal (3 cards)", lambda: fac.ok("cards.reveal", {"phase": "standpuntbepaling"}))
    for p in writers + watchers:
        await p.close()
    return out


def _kib(b: float) -> str:
    return f"{b / 1024:.2f} KiB"


async def amain(n: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_kring(Path(tmp), f"sqlite:///{tmp}/deltas.db", secret="bench-secret")
        try:
            t0 = time.monotonic()
            res = {"empty": await scenario(port, False, n), "big": await scenario(port, True, n)}
            took = time.monotonic() - t0
        finally:
            proc.stop()
    print(f"bytes per event received by one member, averaged over the basis command mix ({n} commands,")
    print(f"one per {PACE:g} s; {res['empty']['events']} and {res['big']['events']} events), {took:.0f} s:")
    print(f"{'room':<34}{'patches':>12}{'whole views':>14}{'events only':>14}")
    for name, label in (("empty", "empty basis room"), ("big", "400 nodes + 150 cards")):
        m = res[name]["mix"]
        print(f"{label:<34}{_kib(m['patches']):>12}{_kib(m['views']):>14}{_kib(m['events']):>14}")
    for name in ("empty", "big"):
        for what in ("phase change", "method switch", "reveal (3 cards)"):
            m = res[name][what]
            label = f"  {what}, {name} room"
            print(f"{label:<34}{_kib(m['patches']):>12}{_kib(m['views']):>14}{_kib(m['events']):>14}")
    print(
        f"welcome (whole view): empty {res['empty']['welcome_kib']} KiB, big {res['big']['welcome_kib']} KiB"
    )
    ok_big = res["big"]["mix"]["patches"] <= TARGET_BIG
    ok_empty = res["empty"]["mix"]["patches"] <= TARGET_EMPTY
    print(f"target: patches <= 1.5 KiB per event in the big room: {'met' if ok_big else 'NOT met'}")
    print(f"target: patches <= 1 KiB per event in the empty room: {'met' if ok_empty else 'NOT met'}")
    print(json.dumps(res))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.deltabytes", description=__doc__.split("\n")[0])
    p.add_argument("--commands", type=int, default=120, help="commands of the mix per room")
    args = p.parse_args()
    return asyncio.run(amain(args.commands))


if __name__ == "__main__":
    sys.exit(main())
