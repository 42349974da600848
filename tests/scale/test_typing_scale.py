"""Typing presence across Redis workers (server/typing_presence.py, server/fanout.py): a writer on
one worker, the facilitator's screen (real Chromium) and confirmation on another; never a Redis key.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from e2e.browserlib import shot
from e2e.test_board_browser import everyone, join, wait_js
from kring_testlib import ARTIFACTS, Client, RedisProc, create_room
from scalelib import dump_key

pytestmark = [pytest.mark.redis, pytest.mark.browser]


async def test_a_writer_on_one_worker_the_facilitators_confirmation_on_another(
    redis_server: RedisProc, redis_workers: Any, browser: Any
) -> None:
    w1, w2 = redis_workers(2, redis_server)
    room = create_room(w1.base, "basis", title="Twee werkers")
    rid = room["room"]
    fac = await join(browser, w2.base, rid, room["facilitator_key"], "Fenna")
    joost = Client(w1.ws_base, rid, w1.base)
    await joost.connect({"key": room["join_key"], "name": "Joost", "view": True})
    try:
        await fac.send("phase.goto", {"index": 2})  # onderzoeken: shared question cards
        await everyone([fac], "s.phase.index === 2")
        await joost.wait_for(lambda m: m["t"] == "view" and m["state"]["phase"]["index"] == 2)

        # Joost (worker 1) writes; Fenna's page (worker 2) names him.
        t0 = asyncio.get_running_loop().time()
        await joost.send({"t": "typing", "tool": "cards", "field": "card-question", "on": True})
        line = fac.page.locator(".cards-panel .typing-line")
        await line.wait_for(state="visible")
        took = asyncio.get_running_loop().time() - t0
        assert (await line.inner_text()).strip() == "Joost schrijft…"
        print(f"\ntyping presence across workers: seen on the other worker's page after {took:.2f}s")
        await shot(fac.page.locator(".cards-panel"), ARTIFACTS / "typing-redis-facilitator.png")

        # Her confirmation before the phase change, on her worker, about a writer on the other.
        asked: list[str] = []

        async def decline(d: Any) -> None:
            asked.append(d.message)
            await d.dismiss()

        fac.page.once("dialog", decline)
        await fac.page.get_by_role("button", name="Volgende fase").click()
        await wait_js(fac.page, "() => true")
        assert asked == ["1 persoon schrijft nog — toch verder?"]
        assert (await fac.state())["phase"]["index"] == 2

        # Typing presence is never stored: no Redis key of the room holds it.
        r = redis_server.client()
        keys = list(r.scan_iter(f"kring:{{{rid}}}:*"))
        assert keys  # the room's log and metadata are there
        for k in keys:
            dump = dump_key(r, k)
            assert "card-question" not in dump and "typing" not in dump, k

        # Joost leaves (worker 1): Fenna's page (worker 2) no longer shows him, nor asks.
        await joost.close()
        await line.wait_for(state="hidden")
        fac.page.once("dialog", decline)
        await fac.page.get_by_role("button", name="Volgende fase").click()
        await everyone([fac], "s.phase.index === 3")
        assert len(asked) == 1
        assert not [e for e in fac.errors if "pageerror" in e], fac.errors
    finally:
        await joost.close()
        await fac.ctx.close()
