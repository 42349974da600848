"""The facilitator's side of the hardening (items 3, 8 and 20) in real Chromium: the projector link
with the room's projector key, the beamer in presence with its stop and new-link buttons, the crowd
warning with a one-click lock, and a refused card that keeps its text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import Client, ServerProc, create_room

from .browserlib import expect, join, send, wait_state

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProc]:
    env = {
        "KRING_STORE": f"sqlite:///{tmp_path}/k.db",
        "KRING_SECRET": "s",
        "KRING_CROWD_WARNING": "2",  # warned from the third participant on
        "KRING_PERSON_SHARE": "1",  # five cards a person
    }
    srv = ServerProc(env, log_path=tmp_path / "server.log").start()
    try:
        yield srv
    finally:
        srv.stop()


async def test_projector_link_beamer_crowd_warning_and_kept_text(server: ServerProc, screens: Any) -> None:
    base = server.base
    room = create_room(base)
    rid = room["room"]
    fac, anna = await screens("Fenna"), await screens("Anna")
    await join(fac.page, room["facilitator_url"], "Fenna")
    await join(anna.page, room["join_url"], "Anna")

    # The facilitator's page offers the projector with the room's projector key; Anna's offers none.
    link = fac.page.locator(".topbar-actions a", has_text="Beamerweergave")
    href = f"/r/{rid}/projector#{room['projector_key']}"
    await expect(link).to_have_attribute("href", href)
    await expect(fac.page.locator(".fac a", has_text="Beamerweergave")).to_have_attribute("href", href)
    await expect(anna.page.locator(".topbar-actions a", has_text="Beamerweergave")).to_be_hidden()

    # A third participant: the facilitator is warned, and locks the room with one click.
    crowd = fac.page.locator(".banner-crowd")
    await expect(crowd).to_be_hidden()
    bram = Client(server.ws_base, rid, base)
    try:
        await bram.connect({"key": room["join_key"], "name": "Bram"})
        await expect(crowd).to_contain_text("Er zijn nu 3 deelnemers")
        await expect(anna.page.locator(".banner-crowd")).to_be_hidden()
        await crowd.get_by_role("button", name="Nu sluiten").click()
        await wait_state(fac.page, "s.locked")
        await expect(crowd).to_be_hidden()
    finally:
        await bram.close()

    # The beamer shows in the facilitator's panel; stopping it closes it and takes the link away.
    pj = await fac.context.new_page()
    await pj.goto(base + href)
    await expect(pj.locator(".pj-phase")).to_be_visible()
    await expect(fac.page.get_by_text("Beamer verbonden")).to_be_visible()
    await fac.page.get_by_role("button", name="Beamer stoppen").click()
    await expect(pj.locator(".pj-offline[role=status]")).to_be_visible()
    await expect(link).to_be_hidden()
    await expect(fac.page.get_by_text("Beamer verbonden")).to_be_hidden()
    # A new link: a new key, and the old one no longer works.
    await fac.page.get_by_role("button", name="Nieuwe beamerlink").click()
    await expect(link).to_be_visible()
    new_href = await link.get_attribute("href")
    assert new_href and new_href.startswith(f"/r/{rid}/projector#") and new_href != href

    # A card over Anna's share is refused: the error says so and her text stays in the box.
    await send(fac.page, "phase.goto", {"index": 2})
    await wait_state(anna.page, "s.phase.index === 2")
    for i in range(5):
        await send(anna.page, "card.add", {"id": f"a{i}", "kind": "question", "text": f"Vraag {i}?"})
    box = anna.page.locator("#add-question")
    await box.fill("Nog een laatste vraag?")
    await box.press("Enter")
    await expect(anna.page.locator(".banner-error")).to_be_visible()
    await expect(box).to_have_value("Nog een laatste vraag?")
    for s in (fac, anna):
        assert s.errors == [], f"{s.name}: {s.errors}"
