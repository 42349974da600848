"""A knowledge input beside the case (issue 22), in real Chromium: the facilitator writes it in the
room, a participant reads it beside the case, the projector shows it, and the report (HTML and
Markdown) carries it; the link opens nothing by itself and is never fetched by the server."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import T, expect, join, send, shot

pytestmark = pytest.mark.browser

TOPIC = "Weerstand"
TEXT = "Weerstand is informatie: wie weerstand toont, heeft ergens belang bij. Vraag waarbij."
LINK = "https://example.org/weerstand"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


async def test_a_knowledge_input_on_screens_projector_and_report(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "geheim-van-de-smid", title="Kennis bij de casus")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna")
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    anna = await screens("Anna", viewport=PHONE)
    await join(anna.page, url + room["join_key"], "Anna")
    beamer = await screens("Beamer")
    await beamer.page.goto(f"{base}/r/{room['room']}/projector#{room['projector_key']}")

    # The facilitator adds it through the panel's form; a participant has no such button.
    panel = fac.page.locator(".knowledge-panel")
    await panel.get_by_role("button", name="Kennisinbreng toevoegen of wijzigen").click()
    await panel.get_by_label("Onderwerp (bijv. Weerstand)").fill(TOPIC)
    await panel.get_by_label("Korte tekst").fill(TEXT)
    await panel.get_by_label("Link (optioneel)").fill("javascript:alert(1)")
    await panel.get_by_role("button", name="Opslaan").click()
    await expect(panel.locator(".board-error")).to_be_visible()  # refused, in Dutch
    await expect(panel.locator(".board-error")).not_to_contain_text("link")
    await panel.get_by_label("Link (optioneel)").fill(LINK)
    await panel.get_by_role("button", name="Opslaan").click()
    await expect(panel.locator(".knowledge-text")).to_have_text(TEXT)

    other = anna.page.locator(".knowledge-panel")
    await expect(other.locator("h2")).to_have_text(TOPIC, timeout=T)
    await expect(other.locator(".knowledge-text")).to_have_text(TEXT)
    link = other.get_by_role("link", name=LINK)
    assert await link.get_attribute("rel") == "noopener noreferrer"
    assert await link.get_attribute("target") == "_blank"
    await expect(other.get_by_role("button", name="Kennisinbreng toevoegen of wijzigen")).to_be_hidden()
    await shot(other, ARTIFACTS / "knowledge-phone.png")
    await shot(panel, ARTIFACTS / "knowledge-laptop.png")

    await expect(beamer.page.locator(".pj-knowledge")).to_contain_text(TEXT, timeout=T)
    await expect(beamer.page.locator(".pj-knowledge")).to_contain_text(LINK)
    assert await beamer.page.locator(".pj-knowledge a").count() == 0  # text on the beamer, no link
    await beamer.page.screenshot(path=str(ARTIFACTS / "knowledge-projector.png"))

    report = await fac.context.new_page()
    await report.goto(f"{base}/r/{room['room']}/report#{room['facilitator_key']}")
    await expect(report.locator(".report-section-knowledge")).to_contain_text(TEXT, timeout=T)
    await expect(report.locator(".report-section-knowledge h2")).to_have_text(f"Kennisinbreng: {TOPIC}")
    token = await anna.page.evaluate(f"Alpine.store('kring').saved({room['room']!r}).token")
    req = urllib.request.Request(
        f"{base}/r/{room['room']}/export",
        method="POST",
        data=json.dumps({"key": room["join_key"], "token": token, "format": "md"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        md = r.read().decode()
    assert f"## Kennisinbreng: {TOPIC}" in md and "Weerstand is informatie" in md and "example.org" in md
    # The smith's secret itself, as a group works it, at laptop and tablet sizes: the group asks
    # on about the success (questions and the mind-map beside the knowledge input).
    cor = await screens("Cor", viewport=TABLET)
    await join(cor.page, url + room["join_key"], "Cor")
    await send(fac.page, "phase.goto", {"index": 2})  # Doorvragen
    await send(
        anna.page,
        "card.add",
        {"id": "q1", "kind": "question", "text": "Wat deed je vlak voordat het stil werd?"},
    )
    await send(cor.page, "mindmap.add", {"id": "n1", "parent": "root", "text": "Eerst luisteren"})
    for page in (fac.page, cor.page):
        await expect(page.locator(".cards-panel")).to_contain_text("vlak voordat", timeout=T)
    await fac.page.screenshot(path=str(ARTIFACTS / "smid-laptop.png"), full_page=True)
    await cor.page.screenshot(path=str(ARTIFACTS / "smid-tablet.png"), full_page=True)
    for s in (fac, anna, beamer, cor):
        assert not s.errors, s.errors
