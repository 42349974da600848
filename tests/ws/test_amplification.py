"""What one person may cost the others (hardening issue, items 8 and 20), against a live server.

Renames and hellos have a rate per participant; the bytes the server sends to the room because of
one person's commands have a budget (frame size x recipients, a view per browser); over it a
command is refused with `rate_limited` (and its id), never dropped. A browser that joins again
with its token reuses its participant; the room page carries the facilitator's crowd threshold.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import Client, ServerProc, create_room


@pytest.fixture
def budget_server(tmp_path: Path) -> Any:
    env = {
        "KRING_STORE": f"sqlite:///{tmp_path}/k.db",
        "KRING_SECRET": "s",
        "KRING_RATE": "1000",  # the message rate is not what this test is about
        "KRING_BURST": "1000",
        "KRING_SEND_BUDGET": "50000",  # bytes a second, per person
        "KRING_SEND_BURST": "400000",
        "KRING_CROWD_WARNING": "3",
    }
    srv = ServerProc(env, log_path=tmp_path / "server.log").start()
    try:
        yield srv
    finally:
        srv.stop()


async def test_renames_have_a_rate_per_person(sqlite_server: ServerProc, clients: Any) -> None:
    room = create_room(sqlite_server.base)
    anna: Client = clients(room["room"])
    await anna.connect({"key": room["join_key"], "name": "Anna"})
    bram: Client = clients(room["room"])
    await bram.connect({"key": room["join_key"], "name": "Bram"})
    replies = [await anna.cmd("participant.rename", {"name": f"Anna {i}"}) for i in range(10)]
    acked = [r for r in replies if r["t"] == "ack"]
    refused = [r for r in replies if r["t"] == "error"]
    assert len(acked) == 5 and len(refused) == 5  # KRING_RENAME_BURST
    assert all(r["code"] == "rate_limited" and r["id"] and r["message"] for r in refused)
    p = await bram.wait_for(
        lambda m: m["t"] == "presence" and any(o["name"] == "Anna 4" for o in m["online"])
    )
    assert not any(o["name"].startswith("Anna 5") for o in p["online"])
    assert (await bram.cmd("participant.rename", {"name": "Bram B"}))["t"] == "ack"  # per person


async def test_a_reconnect_loop_with_one_token_is_limited(sqlite_server: ServerProc, clients: Any) -> None:
    srv = sqlite_server
    room = create_room(srv.base)
    anna: Client = clients(room["room"])
    await anna.connect({"key": room["join_key"], "name": "Anna"})
    assert anna.token is not None

    async def loop() -> tuple[int, int]:
        welcomed = limited = 0
        for _ in range(10):
            c = Client(srv.ws_base, room["room"], srv.base)
            try:
                await c.connect({"key": room["join_key"], "token": anna.token, "view": True})
                welcomed += 1
            except ConnectionError:
                code, _ = await c.wait_closed()
                assert code == 4029 and any(m.get("code") == "rate_limited" for m in c.msgs)
                limited += 1
            finally:
                await c.close()
        return welcomed, limited

    results = await asyncio.gather(*(loop() for _ in range(4)))
    welcomed = sum(w for w, _ in results)
    # One welcome for the first connect above, then the burst (10) and a trickle (20 a minute).
    assert 8 <= welcomed <= 12 and sum(n for _, n in results) == 40 - welcomed
    # Somebody else is not held up by it.
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})


async def test_the_bytes_one_person_makes_the_server_send_are_budgeted(budget_server: ServerProc) -> None:
    srv = budget_server
    room = create_room(srv.base)
    rid = room["room"]
    people: list[Client] = []
    try:
        for i, key in enumerate([room["facilitator_key"]] + [room["join_key"]] * 5):
            c = Client(srv.ws_base, rid, srv.base)
            await c.connect({"key": key, "name": f"P{i}", "view": True})
            people.append(c)
        fac, anna, bram = people[0], people[1], people[2]
        await fac.ok("phase.goto", {"index": 2})
        await anna.ok("card.add", {"id": "big", "kind": "question", "text": "Waarom " + "x" * 1900 + "?"})
        replies = []
        for i in range(60):  # every edit goes to six sockets, and makes five views due
            replies.append(await anna.cmd("card.edit", {"id": "big", "text": f"Versie {i} " + "y" * 1900}))
        acked = [i for i, r in enumerate(replies) if r["t"] == "ack"]
        refused = [r for r in replies if r["t"] == "error"]
        assert refused and all(r["code"] == "rate_limited" and r["id"] and r["message"] for r in refused)
        assert len(acked) < 30
        # A refused edit changed nothing: the card holds the last acknowledged text.
        seq = await bram.ok("card.add", {"id": "b1", "kind": "question", "text": "Mag ik ook?"})  # per person
        v = await fac.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
        assert v["state"]["cards"]["big"]["text"].startswith(f"Versie {acked[-1]} ")
        # The budget refills: a moment later Anna writes again.
        await asyncio.sleep(2.5)
        assert (await anna.cmd("card.edit", {"id": "big", "text": "Korter"}))["t"] == "ack"
    finally:
        for c in people:
            await c.close()


async def test_a_fresh_hello_with_a_name_and_a_valid_token_resumes_the_participant(
    sqlite_server: ServerProc, clients: Any
) -> None:
    room = create_room(sqlite_server.base)
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    anna: Client = clients(room["room"])
    await anna.connect({"key": room["join_key"], "name": "Anna"})
    await fac.ok("room.lock", {"locked": True})
    for name in ("Anna", "Anna opnieuw", "Iemand anders"):
        again: Client = clients(room["room"])
        w = await again.connect({"key": room["join_key"], "name": name, "token": anna.token})
        assert w["you"] == {"pid": anna.pid, "name": "Anna", "roles": []}  # not waiting: still in
        await again.close()
    seq = await fac.ok("case.set", {"question": "Hoeveel zijn we?"})
    await fac.wait_seq(seq)
    joins = [e for e in fac.events if e["type"] in ("participant.join", "participant.wait")]
    assert [e["data"]["pid"] for e in joins] == [anna.pid]


def _page_data(base: str, room: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/r/{room}", timeout=5) as r:
        page = r.read().decode()
    m = re.search(r'<script type="application/json" id="kring-data"[^>]*>(.*?)</script>', page, re.S)
    assert m is not None
    data: dict[str, Any] = json.loads(html.unescape(m.group(1)))
    return data


async def test_the_room_page_carries_the_crowd_warning_threshold(
    sqlite_server: ServerProc, budget_server: ServerProc
) -> None:
    assert _page_data(sqlite_server.base, "r1")["crowd_warning"] == 12
    assert _page_data(budget_server.base, "r1")["crowd_warning"] == 3
