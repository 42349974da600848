"""Work in pairs (issue 22) in real Chromium: a pair round with four people. The facilitator splits
them into two pairs, each pair writes on its own board and sees nothing of the other's, the
facilitator sees that they work, calls everyone back and shows the boards one pair at a time; then
everyone, the projector and the report have both pairs' results. Screenshots at laptop and tablet
sizes."""

from __future__ import annotations

from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import T, expect, join, send, shot

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
AB_CARD = "Ze vroeg eerst hoe het met de leerlingen ging"
AB_NOTE = "Succesfactor: zij nam de tijd en luisterde voordat ze iets voorstelde."
CD_CARD = "Hij betrok het team al bij de eerste schets"


async def test_a_pair_round_with_four_people(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "waarderend", title="Tweetallen")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna")
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    people = {}
    for name, vp in (("Anna", None), ("Bram", TABLET), ("Cas", None), ("Dirk", TABLET)):
        s = await screens(name, **({"viewport": vp} if vp else {}))
        await join(s.page, url + room["join_key"], name)
        people[name] = s
    anna, bram, cas, dirk = (people[n].page for n in ("Anna", "Bram", "Cas", "Dirk"))
    beamer = await screens("Beamer")
    await beamer.page.goto(f"{base}/r/{room['room']}/projector#{room['projector_key']}")
    await expect(fac.page.locator(".people")).to_contain_text("Dirk", timeout=T)

    await send(fac.page, "phase.goto", {"index": 3})  # In tweetallen
    board = fac.page.locator(".board-pairs")
    await expect(board.get_by_role("heading", name="Tweetallen")).to_be_visible(timeout=T)
    await expect(anna.locator(".board-pairs")).to_contain_text("De gespreksleider verdeelt de groep")
    await board.get_by_label("Minuten").fill("7")
    await board.get_by_role("button", name="Op volgorde verdelen").click()  # in join order

    # Each pair has its board; the facilitator and the others see who works with whom.
    mine = anna.locator(".pairs-mine")
    await expect(mine).to_contain_text("met Bram", timeout=T)
    await expect(cas.locator(".pairs-mine")).to_contain_text("met Dirk", timeout=T)
    await expect(board.locator(".pair-group")).to_have_count(2)
    await expect(board.locator(".pairs-time")).to_contain_text("Nog 6:", timeout=T)
    await mine.get_by_label("Schrijf op jullie bord").fill(AB_CARD)
    await mine.get_by_role("button", name="Als kaart toevoegen").click()
    await expect(bram.locator(".pairs-mine")).to_contain_text(AB_CARD, timeout=T)
    await bram.locator(".pairs-mine").get_by_label("Schrijf op jullie bord").fill(AB_NOTE)
    await bram.locator(".pairs-mine").get_by_role("button", name="Als notitie toevoegen").click()
    await expect(mine).to_contain_text(AB_NOTE, timeout=T)
    # A pair edits what is on its board in place: Anna adds to Bram's note, and Bram sees it.
    await mine.locator(".pair-note", has_text=AB_NOTE).get_by_role("button", name="Bewerken").click()
    await mine.get_by_label("Tekst bewerken").fill(AB_NOTE + " Vooral bij de start.")
    await shot(mine, ARTIFACTS / "pairs-edit-laptop.png")
    await mine.get_by_role("button", name="Opslaan").click()
    await expect(bram.locator(".pairs-mine")).to_contain_text(AB_NOTE + " Vooral bij de start.", timeout=T)
    await expect(mine.get_by_label("Tekst bewerken")).to_have_count(0)
    other = cas.locator(".pairs-mine")
    await other.get_by_label("Schrijf op jullie bord").fill(CD_CARD)
    await other.get_by_label("Schrijf op jullie bord").press("Enter")
    await expect(dirk.locator(".pairs-mine")).to_contain_text(CD_CARD, timeout=T)

    # Nobody sees another pair's board: not on the page, not in the store.
    await expect(board.locator('[data-group="0"] .pair-hidden')).to_have_text(
        "Aan het werk: 2 op het bord", timeout=T
    )
    await expect(board.locator('[data-group="1"] .pair-hidden')).to_have_text("Aan het werk: 1 op het bord")
    for page, secret in ((anna, CD_CARD), (bram, CD_CARD), (cas, AB_CARD), (dirk, AB_NOTE)):
        assert secret not in await page.content()
        assert secret not in await page.evaluate("JSON.stringify(Alpine.store('kring').state)")
    for page in (fac.page, beamer.page):
        for secret in (AB_CARD, AB_NOTE, CD_CARD):
            assert secret not in await page.evaluate("JSON.stringify(Alpine.store('kring').state)")
    await expect(beamer.page.locator(".pj-pairs")).to_contain_text("Tweetal 1", timeout=T)
    await expect(beamer.page.locator(".pj-pairs-time")).to_contain_text("De tweetallen zijn aan het werk")
    await expect(beamer.page.locator(".pj-pairs")).to_contain_text("Anna, Bram")
    await shot(anna.locator(".board-pairs"), ARTIFACTS / "pairs-laptop.png")
    await shot(bram.locator(".board-pairs"), ARTIFACTS / "pairs-tablet.png")
    await shot(board, ARTIFACTS / "pairs-facilitator-laptop.png")
    await beamer.page.screenshot(path=str(ARTIFACTS / "pairs-projector-working.png"))

    # The time is up: the boards take no more writing and say so (the facilitator could add time).
    await send(fac.page, "pairs.time", {"seconds": -3600})
    await expect(anna.locator(".pairs-mine .board-warn")).to_contain_text("De tijd is om", timeout=T)
    await expect(anna.locator(".pairs-add")).to_be_hidden()
    await expect(anna.locator(".pairs-mine")).to_contain_text(AB_CARD)  # what they wrote stays

    # Everyone back; the first pair presents, then the rest is shown all at once.
    await board.get_by_role("button", name="Iedereen terug").click()
    await expect(anna.locator(".pairs-mine")).to_be_hidden(timeout=T)
    await expect(anna.locator(".board-pairs .board-count")).to_have_text("Iedereen is terug")
    await board.get_by_role("button", name="Laat zien: Tweetal 1").click()
    await expect(dirk.locator('.board-pairs [data-group="0"]')).to_contain_text(AB_NOTE, timeout=T)
    await expect(beamer.page.locator(".pj-pairs")).to_contain_text(AB_CARD, timeout=T)
    assert CD_CARD not in await anna.evaluate("JSON.stringify(Alpine.store('kring').state)")
    await board.get_by_role("button", name="Alle borden laten zien").click()
    for page in (anna, bram, cas, dirk, fac.page):
        groups = page.locator(".board-pairs .pair-groups")
        await expect(groups).to_contain_text(CD_CARD, timeout=T)
        await expect(groups).to_contain_text(AB_CARD)
        await expect(groups).to_contain_text(AB_NOTE)
    await expect(beamer.page.locator(".pj-pairs")).to_contain_text(CD_CARD, timeout=T)
    await shot(dirk.locator(".board-pairs"), ARTIFACTS / "pairs-revealed-tablet.png")
    await shot(fac.page.locator(".board-pairs"), ARTIFACTS / "pairs-revealed-laptop.png")
    await beamer.page.screenshot(path=str(ARTIFACTS / "pairs-projector-revealed.png"))

    # The next phase (Succesfactoren) shows the pairs' boards read-only (`show = ["pairs"]`).
    await send(fac.page, "phase.next")
    await expect(anna.locator(".board-pairs .pair-groups")).to_contain_text(CD_CARD, timeout=T)
    await expect(anna.locator(".board-pairs .pairs-mine")).to_be_hidden()
    await expect(fac.page.locator(".board-pairs .pairs-start")).to_be_hidden()
    await expect(beamer.page.locator(".pj-pairs")).to_contain_text(AB_NOTE, timeout=T)
    await expect(beamer.page.locator(".pj-pairs-time")).to_be_hidden()

    report = await fac.context.new_page()
    await report.goto(f"{base}/r/{room['room']}/report#{room['facilitator_key']}")
    section = report.locator(".report-section-pairs")
    await expect(section.locator("h2")).to_have_text("Tweetallen: In tweetallen", timeout=T)
    await expect(section.locator(".report-pair h3").first).to_have_text("Tweetal 1: Anna, Bram")
    await expect(section).to_contain_text(CD_CARD)
    await expect(section).to_contain_text("Notitie: " + AB_NOTE)
    await shot(section, ARTIFACTS / "pairs-report.png")
    for s in (fac, *people.values(), beamer):
        assert not s.errors, (s.name, s.errors)
