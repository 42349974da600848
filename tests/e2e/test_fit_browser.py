"""The meeting fits its method and every screen, in real headless Chromium.

A phase's `show` (methods/*.toml): earlier board tools on screen read-only, in the room and on the
projector. axe-core (WCAG 2.x A/AA, 2.2 AA) at 1280×800 and 390×844; screenshots in tests/artifacts/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room, post_json

from .browserlib import axe, expect, join, my_pid, send, shot, wait_js, wait_state

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
QUESTION = "Hoe deel ik eigenaarschap in mijn team zonder de deadline te missen?"


async def test_action_plan_shows_the_force_field_read_only(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Intervisie december")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna", bypass_csp=True)
    inb = await screens("Ilse", bypass_csp=True, viewport=PHONE)
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    await join(inb.page, url + room["join_key"], "Ilse")
    await send(fac.page, "role.assign", {"pid": await my_pid(inb.page), "role": "inbrenger", "on": True})
    await wait_state(inb.page, "s.may.case")
    await send(inb.page, "case.set", {"question": QUESTION})
    await send(fac.page, "phase.goto", {"index": 1})
    for text, side in (("Steun van de directie", "promoting"), ("Werkdruk rond de toetsweek", "hindering")):
        await send(fac.page, "force.add", {"id": "f" + side[:4], "side": side, "text": text})
    await wait_state(inb.page, "Object.keys(s.forcefield.forces).length === 2")

    # The action plan (phase 5): the plan is open, the force field is shown, read-only.
    await send(fac.page, "phase.goto", {"index": 4})
    found: list[str] = []
    for s in (fac, inb):
        page = s.page
        await wait_state(page, "s.phase.index === 4 && s.method.phases[4].show.includes('forcefield')")
        board = page.locator(".board-forcefield")
        await expect(board).to_be_visible()
        await expect(page.locator(".board-plan")).to_be_visible()
        await wait_js(
            page, "() => document.querySelectorAll('.board-forcefield .ff-svg .ff-row').length === 2"
        )
        # Nothing to type into or click on the shown board, and the situation boxes are read-only.
        assert await board.locator(".ff-add").evaluate_all("els => els.every(e => e.offsetParent === null)")
        assert await board.locator(".ff-actions").evaluate_all(
            "els => els.every(e => e.offsetParent === null)"
        )
        assert await board.locator(".ff-rate").evaluate_all("els => els.every(e => e.offsetParent === null)")
        assert await board.locator("textarea").evaluate_all("els => els.every(e => e.readOnly)")
        # ...and look read-only: no white box, out of the tab order, no prompt to type.
        looks = """els => els.every(e => getComputedStyle(e).backgroundColor === 'rgba(0, 0, 0, 0)'
                   && e.tabIndex === -1 && !e.placeholder.includes('?'))"""
        assert await board.locator("textarea").evaluate_all(looks)
        await expect(board.locator(".board-help").first).to_be_visible()
        # Not listed a second time among what earlier phases left.
        assert not await page.locator(".earlier-forces").is_visible()
        found += await axe(page, f"action plan with the force field shown ({s.name})")
    await shot(fac.page.locator(".board-forcefield"), ARTIFACTS / "fit-show-forcefield-1280.png")
    await fac.page.screenshot(path=str(ARTIFACTS / "fit-show-room-1280.png"), full_page=True)
    await inb.page.screenshot(path=str(ARTIFACTS / "fit-show-room-390.png"), full_page=True)

    # The projector shows the diagram in this phase as well.
    projector = await fac.context.new_page()
    href = await fac.page.locator(".topbar-actions a[href*='/projector#']").get_attribute("href")
    await projector.goto(base + str(href))
    await wait_js(projector, "() => document.querySelectorAll('.pj-ff .ff-svg .ff-row').length === 2")
    await expect(projector.locator(".pj-plan:not(.pj-outcomes)")).to_be_visible()
    await projector.screenshot(path=str(ARTIFACTS / "fit-show-projector-1280.png"))
    assert found == [], "\n".join(found)


async def test_advice_before_the_plan_in_the_basic_method(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Advies eerst")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna", bypass_csp=True)
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    page = fac.page
    order = """() => [...document.querySelectorAll('.room-main > section')]
        .filter(e => e.offsetParent !== null).map(e => e.className.split(' ')[1])"""
    await send(page, "phase.goto", {"index": 2})  # the investigation: the mind-map, questions
    await wait_state(page, "s.phase.index === 2")
    await send(page, "card.add", {"id": "c1", "kind": "question", "text": "Wat wil je bereiken?"})
    await wait_js(page, "() => document.querySelector('.board-mindmap').offsetParent !== null")
    before = await page.evaluate(order)
    assert before.index("board-mindmap") < before.index("cards-panel"), before
    await send(page, "phase.goto", {"index": 4})  # "Advies en actieplan": order = ["cards", "plan"]
    await wait_state(page, "s.phase.index === 4 && s.method.phases[4].order[0] === 'cards'")
    await send(page, "card.add", {"id": "c2", "kind": "advice", "text": "Vraag het team om hulp."})
    await wait_js(page, "() => document.querySelector('.board-plan').offsetParent !== null")
    shown = await page.evaluate(order)
    assert shown.index("cards-panel") < shown.index("board-plan"), shown
    # The boards still work after the move: the plan takes typing.
    box = page.locator("#plan-action")
    await box.fill("Ik vraag maandag twee collega's om mee te denken.")
    await box.press("Enter")
    await wait_state(page, "s.plan.action.startsWith('Ik vraag')")
    assert await axe(page, "advice before the plan") == []
    await page.screenshot(path=str(ARTIFACTS / "fit-order-advice-plan-1280.png"), full_page=True)
    # Back to the investigation: the room's own order again.
    await send(page, "phase.goto", {"index": 2})
    await wait_state(page, "s.phase.index === 2")
    again = await page.evaluate(order)
    assert again.index("board-mindmap") < again.index("cards-panel"), again
    assert not fac.errors, fac.errors


async def test_phone_header_is_compact_and_the_timer_stays_in_view(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    title = "Intervisiebijeenkomst team Noord, december"
    room = create_room(base, "basis", title=title)
    url = f"{base}/r/{room['room']}#"
    found: list[str] = []
    for who, key in (("Fenna", room["facilitator_key"]), ("Anna", room["join_key"])):
        s = await screens(who, bypass_csp=True, viewport=PHONE)
        page = s.page
        await join(page, url + key, who)
        await wait_state(page, "s.timer !== undefined")
        head = await page.locator(".topbar").bounding_box()
        assert head is not None and head["height"] <= 0.15 * PHONE["height"], head
        # The room's title is shown whole, not cut off.
        cut = await page.locator(".room-title").evaluate(
            "e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1"
        )
        assert not cut and await page.locator(".room-title").inner_text() == title
        await page.screenshot(path=str(ARTIFACTS / f"fit-phone-top-{who.lower()}-390.png"))
        # The timer is in view at the top and after scrolling to the end of the page.
        for where in ("top", "bottom"):
            if where == "bottom":
                await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                await page.wait_for_timeout(150)
            box = await page.locator(".timer").bounding_box()
            assert box is not None, where
            assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], (where, box)
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], (where, box)
        await page.screenshot(path=str(ARTIFACTS / f"fit-phone-scrolled-{who.lower()}-390.png"))
        found += await axe(page, f"room on a phone ({who})")
        assert not s.errors, s.errors
    assert found == [], "\n".join(found)


async def test_the_join_page_names_the_meeting_but_nobody_in_it(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Intervisie team Zuid")
    rid = room["room"]
    url = f"{base}/r/{rid}#"
    fac = await screens("Fenna", bypass_csp=True)
    await join(fac.page, url + room["facilitator_key"], "Fenna Geheimnaam")
    found: list[str] = []
    for who, key, is_fac, size in (
        ("participant", room["join_key"], False, None),
        ("facilitator", room["facilitator_key"], True, None),
        ("participant", room["join_key"], False, PHONE),
    ):
        s = await screens(who, bypass_csp=True, **({"viewport": size} if size else {}))
        page = s.page
        await page.goto(url + key)
        about = page.locator(".join-about")
        await expect(about).to_be_visible()
        await expect(about.locator(".join-meeting")).to_have_text("Intervisie team Zuid")
        await expect(about.locator(".join-method")).to_have_text("Methode: Krachtenveldanalyse")
        if is_fac:
            await expect(about.locator(".join-fac")).to_be_visible()
        else:
            await expect(about.locator(".join-fac")).to_be_hidden()
        # Nobody's name before joining: not on the page, not in what the page was sent.
        assert "Geheimnaam" not in await page.content()
        found += await axe(page, f"join page ({who}, {'390' if size else '1280'})")
        await page.screenshot(path=str(ARTIFACTS / f"fit-join-{who}-{'390' if size else '1280'}.png"))
    # The endpoint: only a current key; a wrong key and an unknown room look the same.
    ok = post_json(base, f"/r/{rid}/about", {"key": room["join_key"]})
    assert ok == (
        200,
        {"title": "Intervisie team Zuid", "method": ok[1]["method"], "facilitator": False, "locked": False},
    )
    assert "Geheimnaam" not in json.dumps(ok[1])
    assert post_json(base, f"/r/{rid}/about", {"key": "wrong"})[0] == 404
    assert post_json(base, "/r/nope/about", {"key": room["join_key"]})[0] == 404
    assert found == [], "\n".join(found)


async def test_notes_reveal_gives_a_count_first_and_a_cue_after(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Notities")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna", bypass_csp=True)
    lis = await screens("Lotte", bypass_csp=True)
    anna = await screens("Anna", bypass_csp=True, viewport=PHONE)
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    await join(lis.page, url + room["join_key"], "Lotte")
    await join(anna.page, url + room["join_key"], "Anna")
    fac.page.on("dialog", lambda d: d.accept())
    await send(fac.page, "role.assign", {"pid": await my_pid(lis.page), "role": "listener", "on": True})
    await wait_state(lis.page, "s.may.notes")
    count = fac.page.locator("#notes-hidden-count")
    await expect(count).to_have_text("Geen notities die wachten.")
    secret = "Lotte-notitie-inhoud"
    for i in (1, 2):
        await send(lis.page, "note.add", {"id": f"n{i}", "text": f"{secret} {i}"})
    # The facilitator sees how many, never what or whose.
    await expect(count).to_have_text("2 notities nog niet onthuld.")
    assert secret not in await fac.page.content()
    await (
        fac.page.locator(".fac").get_by_role("button", name="Notities onthullen").scroll_into_view_if_needed()
    )
    await shot(fac.page.locator(".fac"), ARTIFACTS / "fit-notes-count-1280.png")
    assert await axe(fac.page, "facilitator with notes waiting") == []
    await fac.page.get_by_role("button", name="Notities onthullen").click()
    # The others get a cue, visible and spoken, with a way to open the notes.
    cue = anna.page.locator(".banner-notes")
    await expect(cue).to_contain_text("2 notities onthuld")
    await wait_js(
        anna.page, "() => document.querySelector('[x-data=roomCues]').textContent.includes('onthuld')"
    )
    await expect(count).to_have_text("Geen notities die wachten.")
    assert await axe(anna.page, "participant with the notes cue (390)") == []
    await anna.page.screenshot(path=str(ARTIFACTS / "fit-notes-cue-390.png"))
    await cue.get_by_role("button", name="Notities openen").click()
    await expect(anna.page.locator("#notes-pane")).to_be_visible()
    await expect(anna.page.locator("#notes-pane")).to_contain_text(f"{secret} 1")
    await expect(cue).to_be_hidden()
    # The author gets no cue for their own notes.
    await expect(lis.page.locator(".banner-notes")).to_be_hidden()


async def test_small_things_timer_minutes_and_the_stats_label(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Kleine dingen")
    fac = await screens("Fenna", bypass_csp=True)
    page = fac.page
    await join(page, f"{base}/r/{room['room']}#{room['facilitator_key']}", "Fenna")
    box = page.locator("#timer-min")
    await box.fill("7")
    await page.locator(".timer-panel").get_by_role("button", name="Start").click()
    await wait_state(page, "s.timer.running && s.timer.duration_ms === 7 * 60000")
    await page.wait_for_timeout(1200)  # a few ticks of the clock
    await expect(box).to_have_value("7")  # the typed value stays
    # A new phase brings that phase's own minutes again.
    await send(page, "phase.goto", {"index": 1})
    await wait_state(page, "s.phase.index === 1")
    await expect(box).not_to_have_value("7")
    # The stats column says what it counts.
    header = page.locator(".fac table thead th").nth(3)
    await expect(header).to_have_text("Vragen met een hint")
    assert await axe(page, "facilitator panel") == []


async def test_the_facilitator_can_show_the_join_link_as_a_qr_code(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="QR")
    fac = await screens("Fenna", bypass_csp=True)
    page = fac.page
    await join(page, f"{base}/r/{room['room']}#{room['facilitator_key']}", "Fenna")
    await page.get_by_role("button", name="QR-code tonen").click()
    qr = page.locator("#fac-qr svg")
    await expect(qr).to_be_visible()
    assert await qr.get_attribute("aria-label") == "QR-code van de deelnamelink"
    await shot(page.locator(".fac-group", has=page.locator("#fac-qr")), ARTIFACTS / "fit-qr-1280.png")
    assert await axe(page, "facilitator with the QR code") == []
    # A new join link (the facilitator rotates it) gets a new code.
    before = await page.locator("#fac-qr").inner_html()
    await send(page, "room.rotate", {})
    await wait_js(page, "(b) => document.querySelector('#fac-qr').innerHTML !== b", arg=before)
    await page.get_by_role("button", name="QR-code verbergen").click()
    await expect(qr).to_have_count(0)
    # Only the facilitator's key gets it.
    assert post_json(base, f"/r/{room['room']}/qr", {"key": room["join_key"]})[0] == 404
    assert not fac.errors, fac.errors
