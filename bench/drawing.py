"""`python -m bench.drawing`: does a drawing slow the room down? (issue 22)

One Kring server (SQLite), two Balint rooms side by side in their group-judgement phase (which opens
the drawing board): one with a drawing of 300 pen strokes on its board (about 30 points each after
the server's simplification), one without. In each room members add judgement cards, both
rooms' cards leaving together (which one first turning each round), every INTERVAL seconds; eight more members watch, as the browser does
(hello view + patches, six of them) and as protocol clients (events only, two). A card's delivery
latency is the time from its command leaving the writer to its patch or event arriving at a
watcher, over every watcher. Prints p50 and p99 per room and the ratio; the target: the room with
the drawing within 10% of the room without (p50 and p99). Loopback only; bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import websockets

from .deltabytes import Peer
from .servers import create_kring_room, start_kring

INTERVAL = 0.05  # seconds between two cards (the rooms take turns)
STROKES = 300
WATCHERS_PATCHES, WATCHERS_EVENTS = 6, 2
WRITERS = 4
TARGET = 1.10  # with the drawing / without, p50 and p99
W, H = 960, 640  # server/drawing_svg.py DRAW_SIZE


class Watcher(Peer):
    """A peer that notes when each seq first reached it (an event, a patch or a view)."""

    def __init__(self, port: int, room: str) -> None:
        super().__init__(port, room)
        self.arrived: dict[int, float] = {}

    async def _recv(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                t = time.perf_counter()
                m = json.loads(raw)
                if m["t"] in ("event", "patch", "view") and "seq" in m:
                    self.arrived.setdefault(m["seq"], t)
                    self.seq = max(self.seq, m["seq"])
                w = self._waiters.pop(m.get("id") or "", None) if m["t"] in ("ack", "error") else None
                if w is not None and not w.done():
                    w.set_result(m)


def stroke(rnd: random.Random) -> list[list[int]]:
    """A hand's wandering line: 30 points, each step long and turned enough to survive simplifying."""
    x, y = rnd.randrange(40, W - 40), rnd.randrange(40, H - 40)
    pts = []
    for _ in range(30):
        x = min(W, max(0, x + rnd.randint(-25, 25)))
        y = min(H, max(0, y + rnd.randint(-25, 25)))
        pts.append([x, y])
    return pts


class Room:
    def __init__(self, port: int, drawing: bool) -> None:
        self.port, self.drawing = port, drawing
        self.watchers: list[Watcher] = []
        self.sent: dict[int, float] = {}

    async def setup(self) -> None:
        room = create_kring_room(self.port, "balint")
        rid = room["room"]
        self.fac = Watcher(self.port, rid)
        await self.fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
        phases = [p["id"] for p in self.fac.welcome["state"]["method"]["phases"]]
        await self.fac.ok("phase.goto", {"index": phases.index("oordeelsvorming")})
        if self.drawing:
            rnd = random.Random(22)
            for i in range(STROKES):
                color = ("black", "red", "blue", "green")[i % 4]
                await self.fac.ok(
                    "draw.add", {"id": f"s{i}", "shape": "pen", "points": stroke(rnd), "color": color}
                )
            await self.fac.ok("draw.describe", {"text": "Een school met een hek eromheen"})
        self.writers = []  # four, each within one person's share of the room's cards
        for i in range(WRITERS):
            w = Watcher(self.port, rid)
            await w.connect({"key": room["join_key"], "name": f"Schrijver {i}"})
            self.writers.append(w)
        self.writer = self.writers[0]
        for i in range(WATCHERS_PATCHES + WATCHERS_EVENTS):
            w = Watcher(self.port, rid)
            hello: dict[str, Any] = {"key": room["join_key"], "name": f"Kijker {i}"}
            if i < WATCHERS_PATCHES:
                hello.update(view=True, patches=True)
            await w.connect(hello)
            self.watchers.append(w)
        self.points = sum(
            len(s["points"]) for s in self.writer.welcome["state"]["drawing"]["strokes"].values()
        )
        self.welcome_kib = round(len(json.dumps(self.writer.welcome)) / 1024, 1)

    async def card(self, i: int) -> None:
        t0 = time.perf_counter()
        seq = await self.writers[i % WRITERS].ok(
            "card.add", {"id": f"k{i}", "kind": "judgement", "text": f"Oordeel {i}"}
        )
        self.sent[seq] = t0

    def latencies(self) -> list[float]:
        return [
            (w.arrived[seq] - t0) * 1000
            for seq, t0 in self.sent.items()
            for w in self.watchers
            if seq in w.arrived
        ]

    async def close(self) -> None:
        for p in (self.fac, *self.writers, *self.watchers):
            await p.close()


def pct(xs: list[float], q: int) -> float:
    return round(statistics.quantiles(xs, n=100, method="inclusive")[q - 1], 2)


async def run(port: int, cards: int) -> dict[str, Any]:
    with_d, without = Room(port, True), Room(port, False)
    await with_d.setup()
    await without.setup()
    for i in range(cards):
        # Both rooms' cards leave together, the order turning each round: a hiccup of this machine
        # (others' work, the collector) meets both rooms alike, and neither is always first.
        first, second = (with_d, without) if i % 2 == 0 else (without, with_d)
        await asyncio.gather(first.card(i), second.card(i))
        await asyncio.sleep(INTERVAL)
    await asyncio.sleep(1)
    out: dict[str, Any] = {}
    for name, r in (("drawing", with_d), ("none", without)):
        lat = r.latencies()
        out[name] = {
            "samples": len(lat),
            "p50_ms": round(statistics.median(lat), 2),
            "p99_ms": pct(lat, 99),
            "strokes": len(r.writer.welcome["state"]["drawing"]["strokes"]),
            "points": r.points,
            "welcome_kib": r.welcome_kib,
        }
        await r.close()
    return out


async def amain(cards: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_kring(Path(tmp), f"sqlite:///{tmp}/drawing.db", secret="bench-secret")
        try:
            t0 = time.monotonic()
            res = await run(port, cards)
            took = time.monotonic() - t0
        finally:
            proc.stop()
    d, n = res["drawing"], res["none"]
    r50, r99 = d["p50_ms"] / n["p50_ms"], d["p99_ms"] / n["p99_ms"]
    res["ratio"] = {"p50": round(r50, 3), "p99": round(r99, 3)}
    print(
        f"a card's delivery to {WATCHERS_PATCHES + WATCHERS_EVENTS} members ({WATCHERS_PATCHES} patches, "
        f"{WATCHERS_EVENTS} events), {cards} cards per room, both rooms' cards together every {INTERVAL:g} s, {took:.0f} s:"
    )
    print(f"{'room':<44}{'p50':>10}{'p99':>10}{'welcome':>12}")
    label = f"with a drawing ({d['strokes']} strokes, {d['points']} points)"
    print(f"{label:<44}{d['p50_ms']:>8} ms{d['p99_ms']:>8} ms{d['welcome_kib']:>8} KiB")
    print(f"{'without':<44}{n['p50_ms']:>8} ms{n['p99_ms']:>8} ms{n['welcome_kib']:>8} KiB")
    met = r50 <= TARGET and r99 <= TARGET
    print(f"ratio p50 {r50:.2f}, p99 {r99:.2f}; target: both <= {TARGET:.2f}: {'met' if met else 'NOT met'}")
    print(json.dumps(res))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.drawing", description=__doc__.split("\n")[0])
    p.add_argument("--cards", type=int, default=300, help="cards per room")
    args = p.parse_args()
    return asyncio.run(amain(args.cards))


if __name__ == "__main__":
    sys.exit(main())
