"""The shared drawing board in real Chromium (issue 22, seed 001: "laat twee deelnemers een tekening
maken en dit beeld teruggeven na circa 30 minuten"): the facilitator appoints two drawers, who draw
with the pointer and the keyboard while two others, the facilitator and the projector see only who
is drawing (not a stroke on their screens, not a byte of it in their WebSocket frames), then see the
picture once it is given back: on their screens, on the projector and in the report."""

from __future__ import annotations

from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import T, axe, expect, join, shot, wait_js, wait_state

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
CANARY = "CANARY-hek-4d2e"
WORDS = "CANARY-school-77af"


async def _drag(page: Any, points: list[tuple[float, float]]) -> None:
    """A mouse stroke through these fractions of the board's width and height."""
    svg = page.locator(".board-drawing .dr-svg")
    await svg.scroll_into_view_if_needed()
    box = await svg.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    await page.mouse.move(*xy[0])
    await page.mouse.down()
    for x, y in xy[1:]:
        await page.mouse.move(x, y, steps=6)
    await page.mouse.up()


def _frames(page: Any) -> list[str]:
    """Every WebSocket frame this page receives, as text."""
    got: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: got.append(str(f))))
    return got


async def _touch(page: Any, context: Any, points: list[tuple[float, float]]) -> None:
    """A finger's stroke (real touch events through the devtools protocol) on the board."""
    svg = page.locator(".board-drawing .dr-svg")
    await svg.scroll_into_view_if_needed()
    box = await svg.bounding_box()
    xy = [{"x": box["x"] + fx * box["width"], "y": box["y"] + fy * box["height"]} for fx, fy in points]
    cdp = await context.new_cdp_session(page)
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [xy[0]]})
    for p in xy[1:]:
        await cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [p]})
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


async def _strokes(page: Any) -> int:
    return int(await page.locator(".board-drawing .dr-stroke").count())


async def test_two_drawers_draw_in_private_then_give_the_picture_back(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "balint", title="Tekenen in privé")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna")
    fac_frames = _frames(fac.page)
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    anna = await screens("Anna", bypass_csp=True)  # for axe; Bram's page keeps the CSP
    await join(anna.page, url + room["join_key"], "Anna")
    bram = await screens("Bram", viewport=TABLET, has_touch=True)
    await join(bram.page, url + room["join_key"], "Bram")
    cor = await screens("Cor", bypass_csp=True)
    cor_frames = _frames(cor.page)
    await join(cor.page, url + room["join_key"], "Cor")
    dirk = await screens("Dirk", viewport=TABLET)
    dirk_frames = _frames(dirk.page)
    await join(dirk.page, url + room["join_key"], "Dirk")
    beamer = await screens("Beamer", bypass_csp=True)
    beamer_frames = _frames(beamer.page)
    await beamer.page.goto(f"{base}/r/{room['room']}/projector#{room['projector_key']}")

    # Telling the case: the facilitator appoints Anna and Bram through the form.
    await fac.page.locator("#fac-goto").select_option(index=3)
    await fac.page.get_by_role("button", name="Ga naar fase").click()
    status = fac.page.locator(".drawing-status")
    await status.locator("summary").click()
    await status.get_by_label("Anna").check()
    await status.get_by_label("Bram").check()
    await status.get_by_label("Minuten").fill("25")
    await shot(status, ARTIFACTS / "drawing-appoint-laptop.png")
    await status.get_by_role("button", name="Start tekenen in privé").click()
    for s in (fac, cor, dirk, anna, bram):
        await expect(s.page.locator(".drawing-status .dr-who")).to_have_text(
            "Anna en Bram tekenen in privé.", timeout=T
        )
    await expect(beamer.page.locator(".pj-drawing-who")).to_have_text("Anna en Bram tekenen in privé.")
    await expect(fac.page.locator(".drawing-status .dr-time")).to_have_text("Nog 25 min")
    await expect(anna.page.locator(".drawing-status .dr-time")).to_have_text("Nog 25 min")
    await expect(cor.page.locator(".drawing-status .dr-time")).to_be_hidden()

    # Anna draws with the pointer: a pen stroke, a labelled rectangle, a line she takes back.
    board = anna.page.locator(".board-drawing")
    await expect(board).to_be_visible()
    await _drag(anna.page, [(0.1, 0.2), (0.2, 0.35), (0.3, 0.25), (0.4, 0.4), (0.5, 0.3)])
    await board.get_by_role("button", name="Rechthoek").click()
    await board.get_by_role("button", name="rood").click()
    await board.get_by_label("Label (of de tekst)").fill(CANARY)
    await _drag(anna.page, [(0.55, 0.5), (0.85, 0.85)])
    await board.get_by_role("button", name="Ellips").click()
    await board.get_by_role("button", name="blauw").click()
    await _drag(anna.page, [(0.15, 0.55), (0.45, 0.9)])
    await board.get_by_role("button", name="Lijn").click()
    await _drag(anna.page, [(0.05, 0.95), (0.95, 0.05)])
    await wait_state(anna.page, "Object.keys(s.drawing.strokes).length === 4")
    await board.get_by_role("button", name="Ongedaan maken").click()
    await wait_state(anna.page, "Object.keys(s.drawing.strokes).length === 3")
    shapes = await anna.page.evaluate(
        "Object.values(Alpine.store('kring').state.drawing.strokes).map(s => [s.shape, s.color, s.label])"
    )
    assert sorted(shapes) == [["ellipse", "blue", ""], ["pen", "black", ""], ["rect", "red", CANARY]]
    # Bram draws with a finger on the tablet, and adds a labelled text with the keyboard only.
    bboard = bram.page.locator(".board-drawing")
    await wait_state(bram.page, "Object.keys(s.drawing.strokes).length === 3")
    await bboard.get_by_role("button", name="groen").click()
    await _touch(bram.page, bram.context, [(0.6, 0.1), (0.7, 0.2), (0.8, 0.1), (0.9, 0.2)])
    await wait_state(bram.page, "Object.keys(s.drawing.strokes).length === 4")
    await bboard.get_by_label("Label (of de tekst)").fill(WORDS)
    await bboard.get_by_label("Vorm toevoegen met het toetsenbord").select_option("text")
    await bboard.get_by_label("Vorm toevoegen met het toetsenbord").press("Tab")
    await bram.page.keyboard.press("Enter")
    await wait_state(bram.page, "Object.keys(s.drawing.strokes).length === 5")
    await bboard.get_by_label("Beschrijving van de tekening").fill("Een school met een hoog hek eromheen")
    await bboard.get_by_role("button", name="Beschrijving opslaan").click()
    await wait_state(anna.page, "s.drawing.description.startsWith('Een school')")
    await wait_js(anna.page, "() => document.querySelectorAll('.board-drawing .dr-stroke').length === 5")
    assert await _strokes(bram.page) == 5
    await shot(board, ARTIFACTS / "drawing-private-laptop.png")
    assert not await axe(anna.page, "a drawer's board"), await axe(anna.page, "a drawer's board")
    await shot(bboard, ARTIFACTS / "drawing-private-tablet.png")

    # The others, the facilitator and the projector: who draws, nothing of the picture.
    for s in (fac, cor, dirk):
        await expect(s.page.locator(".board-drawing")).to_be_hidden()
        assert await _strokes(s.page) == 0
        assert await s.page.evaluate("Object.keys(Alpine.store('kring').state.drawing.strokes).length") == 0
        html = await s.page.content()
        assert CANARY not in html and WORDS not in html and "hoog hek" not in html
    assert await beamer.page.locator(".pj-drawing").is_hidden()
    for frames in (fac_frames, cor_frames, dirk_frames, beamer_frames):
        raw = "".join(frames)
        assert raw and CANARY not in raw and WORDS not in raw and "hoog hek" not in raw
        assert '"draw.add"' not in raw and '"draw.describe"' not in raw
    await shot(cor.page.locator(".drawing-status"), ARTIFACTS / "drawing-others-laptop.png")
    await shot(fac.page.locator(".drawing-status"), ARTIFACTS / "drawing-facilitator-laptop.png")

    # Half an hour later (the facilitator's clock moved on): the facilitator is prompted, not forced.
    was = await fac.page.evaluate("Alpine.store('kring').offset")
    await wait_js(
        fac.page,
        """() => { const K = Alpine.store('kring'); K.offset = 26 * 60000;
                   const t = document.querySelector('.drawing-status .dr-time');
                   return t.getAttribute('role') === 'alert' && t.textContent.startsWith('De tijd om te tekenen is om.'); }""",
    )
    await shot(fac.page.locator(".drawing-status"), ARTIFACTS / "drawing-time-up-laptop.png")
    await fac.page.evaluate("o => { Alpine.store('kring').offset = o; }", was)
    assert await fac.page.evaluate("Alpine.store('kring').state.drawing.private")
    await expect(fac.page.get_by_role("button", name="Tekening teruggeven aan de groep")).to_be_visible()

    # The group judgement: Bram gives the picture back; everyone and the projector see it.
    await fac.page.locator("#fac-goto").select_option(index=7)
    await fac.page.get_by_role("button", name="Ga naar fase").click()
    await bram.page.get_by_role("button", name="Tekening teruggeven aan de groep").click()
    for s in (fac, cor, dirk, anna, bram):
        await wait_js(s.page, "() => document.querySelectorAll('.board-drawing .dr-stroke').length === 5")
        await expect(s.page.locator(".board-drawing")).to_contain_text(CANARY)
        await expect(s.page.locator(".board-drawing")).to_contain_text("hoog hek")
        await expect(s.page.locator(".drawing-status .dr-who")).to_have_text(
            "Teruggegeven door Anna en Bram."
        )
    await expect(beamer.page.locator(".pj-drawing")).to_be_visible(timeout=T)
    await wait_js(beamer.page, "() => document.querySelectorAll('.pj-drawing .dr-stroke').length === 5")
    await expect(beamer.page.locator(".pj-drawing")).to_contain_text(WORDS)
    assert CANARY in "".join(cor_frames)
    await shot(cor.page.locator(".board-drawing"), ARTIFACTS / "drawing-given-laptop.png")
    found = await axe(cor.page, "the picture given back") + await axe(beamer.page, "the projector")
    assert not found, found
    await shot(dirk.page.locator(".board-drawing"), ARTIFACTS / "drawing-given-tablet.png")
    await beamer.page.screenshot(path=str(ARTIFACTS / "drawing-projector.png"))

    report = await cor.context.new_page()
    await report.goto(f"{base}/r/{room['room']}/report#{room['join_key']}")
    section = report.locator(".report-section-drawing")
    await expect(section).to_contain_text("hoog hek", timeout=T)
    await expect(section.locator("li")).to_have_text([CANARY, WORDS])
    await wait_js(
        report, "() => document.querySelectorAll('.report-section-drawing .dr-stroke').length === 5"
    )
    await shot(section, ARTIFACTS / "drawing-report.png")
    for s in (fac, anna, bram, cor, dirk, beamer):
        assert not s.errors, (s.name, s.errors)
