"""Three people edit the mind-map and the force field at once (100 commands each): one result everywhere."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

from kring_testlib import Client, ServerProc, assert_contiguous, create_room

CANARY = "CANARY-unrevealed-note-3e9a"


async def test_concurrent_mindmap_and_forces_converge(tmp_path: Path) -> None:
    env = {
        "KRING_STORE": f"sqlite:///{tmp_path}/k.db",
        "KRING_SECRET": "s",
        "KRING_RATE": "1000",
        "KRING_BURST": "1000",
    }
    srv = ServerProc(env).start()
    try:
        room = create_room(srv.base, "krachtenveld")
        people = []
        for i, key in enumerate([room["facilitator_key"], room["join_key"], room["join_key"]]):
            c = Client(srv.ws_base, room["room"], srv.base)
            await c.connect({"key": key, "name": f"P{i}", "view": True})
            people.append(c)
        fac = people[0]
        phases = [p["id"] for p in fac.welcome["state"]["method"]["phases"]]  # type: ignore[index]
        await fac.ok("phase.goto", {"index": phases.index("krachten-inventariseren")})
        # The third person is a silent listener with a note nobody else may ever see.
        await fac.ok("role.assign", {"pid": people[2].pid, "role": "listener", "on": True})
        await people[2].ok("note.add", {"id": "secret", "text": CANARY})

        async def work(c: Client, me: int) -> None:
            rng = random.Random(me)
            pending = []
            for i in range(100):
                n = rng.randrange(10)
                op = rng.randrange(6)
                if op == 0:
                    cmd = ("mindmap.add", {"id": f"m{me}_{i}", "parent": "root", "text": f"knoop {me}.{i}"})
                elif op == 1:
                    cmd = (
                        "mindmap.add",
                        {"id": f"m{me}_{i}", "parent": f"m{rng.randrange(3)}_{n}", "text": "kind"},
                    )
                elif op == 2:
                    cmd = (
                        "mindmap.move",
                        {"id": f"m{rng.randrange(3)}_{n}", "parent": f"m{rng.randrange(3)}_{n}"},
                    )
                elif op == 3:
                    cmd = (
                        "force.add",
                        {
                            "id": f"f{me}_{i}",
                            "side": rng.choice(["promoting", "hindering"]),
                            "text": f"kracht {me}.{i}",
                        },
                    )
                elif op == 4:
                    cmd = (
                        "force.rate",
                        {
                            "id": f"f{rng.randrange(3)}_{n}",
                            "importance": rng.randint(1, 5),
                            "difficulty": rng.randint(1, 5),
                            "clarity": rng.randint(1, 5),
                        },
                    )
                else:
                    cmd = ("mindmap.remove", {"id": f"m{rng.randrange(3)}_{n}"})
                await c.send({"t": "cmd", "id": f"k{i}", "type": cmd[0], "args": cmd[1]})
                pending.append(f"k{i}")
            for cid in pending:  # every command answered: an ack, or a clear refusal
                await c.wait_for(lambda m, cid=cid: m["t"] in ("ack", "error") and m.get("id") == cid, 30)

        await asyncio.gather(*(work(c, i) for i, c in enumerate(people)))
        head = max(c.last_seq for c in people)
        for c in people:
            await c.wait_seq(head, 15)
            assert_contiguous(c.events)
        views = []
        for c in people:
            v = await c.wait_for(
                lambda m: m["t"] == "view" and m["seq"] == head, 10, start=max(0, len(c.msgs) - 50)
            )
            views.append(v["state"])
        for key in ("mindmap", "forcefield"):
            assert views[0][key] == views[1][key] == views[2][key]
        nodes = views[0]["mindmap"]["nodes"]
        assert nodes, "the mind-map has nodes"
        for nid in nodes:  # no orphan, no cycle
            seen: set[str] = set()
            p = nid
            while p != "root":
                assert p in nodes and p not in seen
                seen.add(p)
                p = nodes[p]["parent"]
        # Everyone saw the same ordered log; nobody but its author saw the note.
        logs = [[(e["seq"], e["type"]) for e in c.events if e["seq"] > 5] for c in people]
        assert logs[0] == logs[1]
        assert [s for s, _ in logs[2]] == [s for s, _ in logs[0]]
        assert [t for s, t in logs[2] if t != "note.add"] == [t for s, t in logs[0] if t != "private"]
        assert CANARY in json.dumps(people[2].msgs)
        for c in people[:2]:
            assert CANARY not in json.dumps(c.msgs)
        for c in people:
            await c.close()
    finally:
        srv.stop()
