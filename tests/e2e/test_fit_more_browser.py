"""The meeting fits its method and every screen, second part, in real headless Chromium: the
projector's "Doel en situatie", the force field's ratings, links and the inbrenger's scores, the
keyboard, the short join code and the second device. Screenshots in tests/artifacts/ (fit2-*)."""

from __future__ import annotations

from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import axe, expect, join, send, wait_state

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SIZES = (("1280", None), ("390", PHONE))


async def test_projector_shows_the_situation_in_the_first_phase(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Doel en situatie")
    fac = await screens("Fenna", bypass_csp=True)
    await join(fac.page, f"{base}/r/{room['room']}#{room['facilitator_key']}", "Fenna")
    await wait_state(fac.page, "s.phase.index === 0")
    found: list[str] = []
    for size, viewport in SIZES:
        pj = await screens(f"beamer {size}", bypass_csp=True, **({"viewport": viewport} if viewport else {}))
        await pj.page.goto(f"{base}/r/{room['room']}/projector#{room['projector_key']}")
        box = pj.page.locator(".pj-situation")
        await expect(box).to_be_visible()
        if size == "1280":
            await expect(box.locator(".pj-sit-text").first).to_have_text("nog leeg")
            await send(
                fac.page,
                "forcefield.set",
                {"current": "Het team wacht af.", "desired": "Iedereen pakt een deel van het plan op."},
            )
        await expect(box.locator(".pj-sit-text").first).to_have_text("Het team wacht af.")
        await expect(box.locator(".pj-sit-text").nth(1)).to_have_text(
            "Iedereen pakt een deel van het plan op."
        )
        await expect(box.locator("h2").first).to_have_text("Huidige situatie")
        found += await axe(pj.page, f"projector, Doel en situatie ({size})")
        await pj.page.screenshot(path=str(ARTIFACTS / f"fit2-projector-situation-{size}.png"))
        assert not pj.errors, pj.errors
    # A method without a force field shows no situation.
    other = create_room(base, "basis", title="Basis")
    pj = await screens("beamer basis", bypass_csp=True)
    await pj.page.goto(f"{base}/r/{other['room']}/projector#{other['projector_key']}")
    await expect(pj.page.locator(".pj-phase")).not_to_be_empty()
    await expect(pj.page.locator(".pj-situation")).to_be_hidden()
    assert found == [], "\n".join(found)
