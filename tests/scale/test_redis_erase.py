"""End and erase on Redis: every worker closes its sockets, and no key holds the room's content."""

from __future__ import annotations

from typing import Any

import pytest
from kring_testlib import Client, create_room
from scalelib import dump_key

CANARY = "CANARY-redis-erase-b71f"

pytestmark = pytest.mark.redis


async def test_erase_on_two_workers_leaves_no_key(redis_server: Any, redis_workers: Any) -> None:
    w1, w2 = redis_workers(2, redis_server)
    room = create_room(w1.base, title=f"Titel {CANARY}")
    rid = room["room"]
    fac = Client(w1.ws_base, rid, w1.base)
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    other = Client(w2.ws_base, rid, w2.base)
    await other.connect({"key": room["join_key"], "name": "Otto"})
    await fac.ok("case.set", {"question": f"Vraag {CANARY}"})
    await fac.ok("phase.goto", {"index": 2})
    for i in range(30):
        await other.ok("card.add", {"id": f"q{i}", "kind": "question", "text": f"Wat {i} {CANARY}?"})
    await fac.ok("role.assign", {"pid": other.pid, "role": "listener", "on": True})
    await other.ok("note.add", {"id": "n1", "text": f"notitie {CANARY}"})
    r = redis_server.client()
    assert any(CANARY in dump_key(r, k) for k in r.scan_iter(f"kring:{{{rid}}}:*"))
    await fac.send({"t": "cmd", "id": "erase", "type": "room.erase", "args": {}})
    assert (await other.wait_closed(10))[0] == 4010  # the socket on the other worker closes too
    assert (await fac.wait_closed(10))[0] == 4010
    leftovers = {k: dump_key(r, k) for k in r.scan_iter("*")}
    assert not [k for k in leftovers if rid in k], leftovers.keys()
    assert not [k for k, v in leftovers.items() if CANARY in v]
    again = Client(w2.ws_base, rid, w2.base)
    with pytest.raises(ConnectionError):
        await again.connect({"key": room["join_key"], "token": other.token})
    assert (await again.wait_closed())[0] == 4001
