"""The meeting fits its method and every screen, second part, in real headless Chromium: the
projector's "Doel en situatie", the force field's ratings, links and the inbrenger's scores, the
keyboard, the short join code and the second device. Screenshots in tests/artifacts/ (fit2-*)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room, post_json

from server.methods import parse_toml

from .browserlib import AXE_JS, axe, expect, join, my_pid, send, shot, wait_js, wait_state
from .test_group_browser import api, become_member, library

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


async def test_krachtenveld_weighs_merges_and_links_where_the_method_says(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Krachten wegen")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna", bypass_csp=True)
    inb = await screens("Ilse", bypass_csp=True, viewport=PHONE)
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    await join(inb.page, url + room["join_key"], "Ilse")
    fac.page.on("dialog", lambda d: d.accept())
    await send(fac.page, "role.assign", {"pid": await my_pid(inb.page), "role": "inbrenger", "on": True})
    await send(fac.page, "phase.goto", {"index": 1})  # Krachten inventariseren
    for fid, side, text in (
        ("f1", "promoting", "Steun van de directie"),
        ("f2", "promoting", "De directie steunt het plan"),
        ("f3", "hindering", "Werkdruk rond de toetsweek"),
    ):
        await send(fac.page, "force.add", {"id": fid, "side": side, "text": text})
    for s in (fac, inb):
        await wait_state(s.page, "s.phase.index === 1 && Object.keys(s.forcefield.forces).length === 3")
        await expect(s.page.locator(".ff-item")).to_have_count(3)
        # "Eerst verzamelen, nog niet bespreken": no rating buttons, for nobody, no links.
        assert await s.page.locator(".ff-rate").evaluate_all("els => els.every(e => e.offsetParent === null)")
        assert await s.page.locator(".ff-link-select").evaluate_all(
            "els => els.every(e => e.offsetParent === null)"
        )
    await send(fac.page, "phase.goto", {"index": 3})  # Samenhang en classificatie
    await wait_state(inb.page, "s.phase.index === 3 && s.may.rate && s.may.link")
    # Fenna rates both duplicates, through the buttons.
    for fid, scores in (("f1", (5, 2, 4)), ("f2", (1, 1, 1))):
        row = fac.page.locator(f".ff-item[data-force={fid}]")
        for key, v in zip(("importance", "difficulty", "clarity"), scores, strict=True):
            await row.locator(f"[data-rate={key}-{v}]").click()
        await wait_state(fac.page, f"Object.keys(s.forcefield.forces.{fid}.ratings).length === 1")
    # Ilse (the inbrenger) rates only the duplicate.
    row2 = inb.page.locator(".ff-item[data-force=f2]")
    for key, v in (("importance", 3), ("difficulty", 3), ("clarity", 3)):
        await row2.locator(f"[data-rate={key}-{v}]").click()
    await wait_state(fac.page, "Object.keys(s.forcefield.forces.f2.ratings).length === 2")
    # Merge the duplicate into the first: the ratings go along, Fenna's of the kept force wins.
    await fac.page.locator("#ff-merge-f2").select_option("f1")
    await wait_state(
        fac.page, "!s.forcefield.forces.f2 && Object.keys(s.forcefield.forces.f1.ratings).length === 2"
    )
    ratings = await fac.page.evaluate("Alpine.store('kring').state.forcefield.forces.f1.ratings")
    assert sorted(r["importance"] for r in ratings.values()) == [3, 5]
    await expect(fac.page.locator(".ff-item")).to_have_count(2)
    # Ilse had rated the duplicate: her scores now stand beside the mean, and the diagram uses them.
    decided = fac.page.locator(".ff-item[data-force=f1] .ff-decided")
    await expect(decided).to_have_text("Inbrenger beslist: belang 3 · moeilijkheid 3 · duidelijkheid 3")
    await expect(fac.page.locator(".ff-item[data-force=f1] .ff-headline")).to_contain_text("belang 4.0")
    await wait_js(
        fac.page,
        "() => [...document.querySelectorAll('.board-forcefield .ff-decided')].some(e => e.textContent === '3')",
    )
    # "Hangt samen met": chosen on the phone, shown in the row and in the diagram on both screens.
    await inb.page.locator("#ff-link-f3").select_option("f1")
    for s in (fac, inb):
        await wait_state(s.page, "s.forcefield.links.length === 1")
        await expect(s.page.locator(".ff-item[data-force=f3] .ff-linked")).to_contain_text(
            "Steun van de directie"
        )
        await wait_js(
            s.page, "() => document.querySelectorAll('.board-forcefield .ff-svg .ff-link').length === 1"
        )
    found: list[str] = []
    for s, size in ((fac, "1280"), (inb, "390")):
        await s.page.evaluate("window.scrollTo(0, 0)")  # what scrolled under the sticky bar is not a target
        found += await axe(s.page, f"krachtenveld weighing ({size})")
        await shot(s.page.locator(".board-forcefield"), ARTIFACTS / f"fit2-krachtenveld-weigh-{size}.png")
    # The report says the same: the inbrenger's scores and the connection.
    report = await fac.context.new_page()
    await report.goto(f"{base}/r/{room['room']}/report#{room['facilitator_key']}")
    forces = report.locator(".report-section-forces")
    await expect(forces).to_contain_text("Inbrenger beslist: belang 3 · moeilijkheid 3 · duidelijkheid 3")
    await expect(forces).to_contain_text("Hangt samen met: Werkdruk rond de toetsweek")
    found += await axe(report, "report with the weighed forces (1280)")
    await shot(forces, ARTIFACTS / "fit2-report-forces-1280.png")
    await report.close()
    # The link goes again with one click.
    await inb.page.get_by_role("button", name="Verband weghalen: Steun van de directie").click()
    await wait_state(fac.page, "s.forcefield.links.length === 0")
    await wait_js(
        fac.page, "() => document.querySelectorAll('.board-forcefield .ff-svg .ff-link').length === 0"
    )
    assert found == [], "\n".join(found)
    assert not fac.errors and not inb.errors, (fac.errors, inb.errors)


async def test_the_method_editor_edits_rate_and_keeps_it_in_toml(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    g = api(base, "/api/groups", {"name": "Krachtgroep", "lang": "nl"})
    s = await screens("Anna", bypass_csp=True)
    page = s.page
    await become_member(s, f"{base}/g/{g['group']}#{g['admin_key']}", "Anna")
    editor = page.locator(".method-editor")
    await page.locator("#me-source").select_option("b:krachtenveld")
    await editor.get_by_role("button", name="Kopiëren naar de editor").click()
    phases = editor.locator(".me-phase")
    await expect(phases).to_have_count(7)
    rate = "Krachten wegen: scores en verbanden (met het krachtenveld)"
    await expect(phases.nth(3).get_by_label(rate)).to_be_checked()
    await expect(phases.nth(1).get_by_label(rate)).not_to_be_checked()
    await expect(phases.nth(5).get_by_label("Soort plan")).to_have_value("evaluation")  # Evaluatieplan
    await expect(phases.nth(4).get_by_label("Soort plan")).to_have_value("smart")
    await page.locator("#me-id").fill("kracht-eigen")
    # Rated where no force field is open: refused, in the person's language, pointing at the box.
    await phases.nth(0).get_by_label(rate).check()
    await editor.get_by_role("button", name="Methode opslaan").click()
    await expect(editor.locator("#me-error .me-error-where")).to_contain_text(f"Fase 1 · {rate}")
    await expect(editor.locator("#me-error")).to_contain_text("alleen in een fase met het krachtenveld")
    found = await axe(page, "method editor with the rate box")
    await shot(phases.nth(0), ARTIFACTS / "fit2-method-editor-rate-1280.png")
    await page.set_viewport_size(PHONE)
    found += await axe(page, "method editor with the rate box (390)")
    await shot(phases.nth(0), ARTIFACTS / "fit2-method-editor-rate-390.png")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await phases.nth(0).get_by_label(rate).uncheck()
    await phases.nth(2).get_by_label(rate).check()  # also weigh while discussing the forces
    await editor.get_by_role("button", name="Methode opslaan").click()
    await expect(editor).to_contain_text("Opgeslagen")
    own = page.locator(".own-methods")
    async with page.expect_download() as got:
        await own.get_by_role("button", name="Exporteren als TOML: Krachtenveldanalyse").click()
    text = Path(await (await got.value).path()).read_text("utf-8")
    m = parse_toml(text, "x", library().basic_ids)
    assert [p.rate for p in m.phases] == [False, False, True, True, False, False, False]
    assert text.count("rate = true") == 2
    assert [p.plan for p in m.phases][4:6] == ["smart", "evaluation"]
    assert found == [], "\n".join(found)


FOCUSED_BOX = """() => { const el = document.activeElement; const r = el.getBoundingClientRect();
    const bar = document.querySelector('.topbar').getBoundingClientRect();
    return {id: el.id, cls: el.className, text: (el.innerText || '').trim(), top: r.top, bottom: r.bottom,
            bar: bar.bottom, height: innerHeight}; }"""


async def test_keyboard_skip_to_the_card_box_and_tab_in_the_mindmap(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Toetsen")
    found: list[str] = []
    for size, viewport in SIZES:
        s = await screens(f"Fenna {size}", bypass_csp=True, **({"viewport": viewport} if viewport else {}))
        page = s.page
        await join(page, f"{base}/r/{room['room']}#{room['facilitator_key']}", "Fenna")
        if size == "1280":
            await send(page, "phase.goto", {"index": 2})  # Onderzoeken: the mind-map, then the questions
            for i in range(8):
                await send(page, "card.add", {"id": f"k{i}", "kind": "question", "text": f"Open vraag {i}?"})
        await wait_state(page, "s.phase.index === 2 && Object.keys(s.cards).length === 8")
        # The skip link is the first stop in the question group, before 16 edit and remove buttons.
        group = page.locator(".card-group[data-kind=question]")
        await group.locator(".card-group-title").scroll_into_view_if_needed()
        skip = group.get_by_role("button", name="Naar het vak: Vraag toevoegen")
        await skip.focus()
        await expect(skip).to_be_visible()
        await shot(group, ARTIFACTS / f"fit2-skip-to-add-{size}.png")
        await page.keyboard.press("Shift+Tab")
        await page.keyboard.press("Tab")
        await expect(skip).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(page.locator("#add-question")).to_be_focused()
        # WCAG 2.4.11: the focused box is not under the sticky top bar.
        box = await page.evaluate(FOCUSED_BOX)
        assert box["top"] >= box["bar"] - 1 and box["bottom"] <= box["height"], box
        # ...and neither is anything Shift+Tab reaches on the way back up the page.
        for _ in range(12):
            await page.keyboard.press("Shift+Tab")
            box = await page.evaluate(FOCUSED_BOX)
            if "topbar" in str(await page.evaluate("document.activeElement.closest('.topbar')?.className")):
                break
            assert box["top"] >= box["bar"] - 1, box
        found += await axe(page, f"room with the skip link ({size})")
        assert not s.errors, s.errors

    # The mind-map: Tab onto the map, and the very first Tab opens a new idea under the question.
    page = s.page
    mine = "Open vraag 0?"
    await page.locator(".board-mindmap .mm-frame").focus()
    await page.keyboard.press("Shift+Tab")  # off the map, then back on by keyboard
    await page.keyboard.press("Tab")
    await expect(page.locator(".board-mindmap .mm-frame")).to_be_focused()
    await page.keyboard.press("Tab")
    editor = page.locator(".board-mindmap .mm-editor")
    await expect(editor).to_be_focused()
    await page.keyboard.type("Werkdruk")
    await page.keyboard.press("Enter")
    await wait_state(
        page, "Object.values(s.mindmap.nodes).some(n => n.text === 'Werkdruk' && n.parent === 'root')"
    )
    assert await page.evaluate("Alpine.store('kring').state.cards.k0.text") == mine
    # Esc, then Tab goes on past the map, as the hint says.
    await page.keyboard.press("Escape")
    await page.keyboard.press("Tab")
    assert not await page.evaluate("document.activeElement.classList.contains('mm-frame')")
    assert found == [], "\n".join(found)


async def test_short_join_code_shown_typed_locked_and_throttled(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Code-bijeenkomst")
    rid = room["room"]
    fac = await screens("Fenna", bypass_csp=True)
    await join(fac.page, f"{base}/r/{rid}#{room['facilitator_key']}", "Fenna")
    panel = fac.page.locator(".fac")
    await panel.get_by_role("button", name="Code en QR-code tonen").click()
    shown = fac.page.locator("#fac-code")
    await expect(shown).to_have_text(re.compile(r"^[2-9A-HJKMNP-Z]{3} [2-9A-HJKMNP-Z]{4}$"))
    await expect(fac.page.locator("#fac-qr svg")).to_be_visible()
    code = (await shown.inner_text()).replace(" ", "")
    assert not set(code) & set("01OIL")
    found = await axe(fac.page, "facilitator showing the code")
    await shot(
        fac.page.locator(".fac-group", has=fac.page.locator("#fac-qr")),
        ARTIFACTS / "fit2-code-panel-1280.png",
    )
    await fac.page.set_viewport_size(PHONE)
    found += await axe(fac.page, "facilitator showing the code (390)")
    qr_group = fac.page.locator(".fac-group", has=fac.page.locator("#fac-qr"))
    await shot(qr_group, ARTIFACTS / "fit2-code-panel-390.png")
    await fac.page.set_viewport_size({"width": 1280, "height": 800})

    # Anna types it on her phone, in lower case with a space, from the start page's link.
    anna = await screens("Anna", bypass_csp=True, viewport=PHONE)
    await anna.page.goto(base + "/")
    await anna.page.get_by_role("link", name="Meedoen met een code").click()
    await expect(anna.page.locator("#join-code")).to_be_visible()
    found += await axe(anna.page, "code page (390)")
    await anna.page.locator("#join-code").fill(code[:3].lower() + " " + code[3:].lower())
    await anna.page.screenshot(path=str(ARTIFACTS / "fit2-code-page-390.png"))
    await anna.page.get_by_role("button", name="Verder").click()
    await expect(anna.page.locator(".join-meeting")).to_have_text("Code-bijeenkomst")
    assert anna.page.url.endswith(f"/r/{rid}#{room['join_key']}")
    await anna.page.get_by_label("Je naam").fill("Anna")
    await anna.page.get_by_role("button", name="Meedoen").click()
    await expect(anna.page.locator(".people")).to_contain_text("Anna (jij)")

    # The code admits nobody past the lock: Bram waits like anyone with the link.
    await send(fac.page, "room.lock", {"locked": True})
    bram = await screens("Bram", bypass_csp=True)
    await bram.page.goto(base + "/j")
    await bram.page.locator("#join-code").fill(code)
    await bram.page.screenshot(path=str(ARTIFACTS / "fit2-code-page-1280.png"))
    found += await axe(bram.page, "code page (1280)")
    await bram.page.get_by_role("button", name="Verder").click()
    await bram.page.get_by_label("Je naam").fill("Bram")
    await bram.page.get_by_role("button", name="Meedoen").click()
    await expect(bram.page.get_by_role("heading", name="Wachten op toelating")).to_be_visible()
    assert "Anna" not in await bram.page.content()

    # A wrong code: a clear error in the person's language; past 5 wrong tries, none works.
    page = bram.page
    await page.goto(base + "/j")
    await page.locator("#join-code").fill("ZZZZZZZ" if code != "ZZZZZZZ" else "YYYYYYY")
    await page.get_by_role("button", name="Verder").click()
    await expect(page.locator("#code-error")).to_have_text(re.compile("hoort nu bij geen bijeenkomst"))
    await page.screenshot(path=str(ARTIFACTS / "fit2-code-wrong-1280.png"))
    for _ in range(4):
        assert post_json(base, "/api/code", {"code": "2222222"})[0] == 404
    await page.locator("#join-code").fill(code)
    await page.get_by_role("button", name="Verder").click()
    await expect(page.locator("#code-error")).to_have_text(re.compile("Te veel verkeerde codes"))
    assert post_json(base, "/api/code", {"code": code})[0] == 429

    # Only the facilitator's key shows a code; hiding it ends it.
    assert post_json(base, f"/r/{rid}/code", {"key": room["join_key"], "show": True})[0] == 404
    await panel.get_by_role("button", name="Code en QR-code verbergen").click()
    await expect(shown).to_be_hidden()
    await wait_js(fac.page, "() => true")
    status, again = post_json(base, f"/r/{rid}/code", {"key": room["facilitator_key"], "show": True})
    assert status == 200 and again["code"] != code  # a new one: the hidden one is gone for good
    assert found == [], "\n".join(found)
    assert not anna.errors, anna.errors


async def test_continue_on_a_second_device_and_the_duplicate_name_warning(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Twee apparaten")
    rid = room["room"]
    fac = await screens("Fenna", bypass_csp=True)
    joost = await screens("Joost", bypass_csp=True)
    await join(fac.page, f"{base}/r/{rid}#{room['facilitator_key']}", "Fenna")
    await join(joost.page, f"{base}/r/{rid}#{room['join_key']}", "Joost")
    pid = await my_pid(joost.page)
    await send(fac.page, "role.assign", {"pid": pid, "role": "inbrenger", "on": True})
    await send(fac.page, "room.lock", {"locked": True})  # the second device must not wait

    # Joost's first laptop makes a link; the link is shown with its expiry.
    await joost.page.get_by_role("button", name="Verder op een ander apparaat").click()
    link_box = joost.page.locator("#device-link")
    await expect(link_box).to_have_value(re.compile(rf"/r/{rid}/continue#.+"))
    await expect(joost.page.locator("#device-box")).to_contain_text("Werkt tot")
    found = await axe(joost.page, "the transfer link (1280)")
    await shot(joost.page.locator(".people"), ARTIFACTS / "fit2-device-link-1280.png")
    await joost.page.set_viewport_size(PHONE)
    found += await axe(joost.page, "the transfer link (390)")
    await shot(joost.page.locator(".people"), ARTIFACTS / "fit2-device-link-390.png")
    link = await link_box.input_value()

    # The second device, a phone: one click and it is Joost, with his roles, in the locked room.
    phone = await screens("Joost phone", bypass_csp=True, viewport=PHONE)
    await phone.page.goto(link)
    await expect(phone.page.get_by_role("button", name="Ga verder als Joost op dit apparaat")).to_be_visible()
    assert "#" not in phone.page.url  # the secret left the address bar
    found += await axe(phone.page, "continue page (390)")
    await phone.page.screenshot(path=str(ARTIFACTS / "fit2-continue-390.png"))
    await phone.page.get_by_role("button", name="Ga verder als Joost op dit apparaat").click()
    await expect(phone.page.locator(".people")).to_contain_text("Joost (jij)")
    assert await my_pid(phone.page) == pid
    await wait_state(phone.page, "s.may.case")  # still the inbrenger
    assert await phone.page.evaluate("Object.keys(Alpine.store('kring').state.participants).length") == 2
    found += await axe(phone.page, "room on the second device (390)")

    # Single use: the same link again does nothing but say so.
    again = await screens("Someone else", bypass_csp=True)
    await again.page.goto(link)
    await again.page.get_by_role("button", name="Ga verder als Joost op dit apparaat").click()
    await expect(again.page.locator(".form-error")).to_contain_text("al gebruikt of verlopen")
    await again.page.screenshot(path=str(ARTIFACTS / "fit2-continue-used-1280.png"))
    secret = link.split("#", 1)[1].split("~")[0]
    assert post_json(base, f"/r/{rid}/transfer/use", {"transfer": secret})[0] == 404
    # Only a participant's own token makes one.
    assert post_json(base, f"/r/{rid}/transfer", {"key": room["join_key"], "token": "nope"})[0] == 404

    # A second "Joost" through the join link: the facilitator is warned.
    await send(fac.page, "room.lock", {"locked": False})
    other = await screens("Joost 2", bypass_csp=True)
    await join(other.page, f"{base}/r/{rid}#{room['join_key']}", "joost ")
    warn = fac.page.locator(".device .notice-warn")
    await expect(warn).to_contain_text("Meer deelnemers heten")
    await expect(other.page.locator(".device .notice-warn")).to_be_hidden()  # only the facilitator
    found += await axe(fac.page, "facilitator warned of a duplicate name")
    await shot(fac.page.locator(".people"), ARTIFACTS / "fit2-duplicate-name-1280.png")
    await fac.page.set_viewport_size(PHONE)
    found += await axe(fac.page, "facilitator warned of a duplicate name (390)")
    await shot(fac.page.locator(".people"), ARTIFACTS / "fit2-duplicate-name-390.png")
    assert found == [], "\n".join(found)
    for s in (joost, phone):
        assert not s.errors, s.errors


async def test_report_planned_date_minutes_print_and_pdf(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    g = api(base, "/api/groups", {"name": "Kring Noord", "lang": "nl"})
    s = await screens("Fenna", bypass_csp=True)
    page = s.page
    group_url = f"{base}/g/{g['group']}#{g['admin_key']}"
    await become_member(s, group_url, "Fenna")
    await page.locator("#nm-method").select_option("basis")
    await page.locator("#nm-title").fill("Bijeenkomst december")
    await page.locator("#nm-date").fill("2026-12-14")
    await page.get_by_role("button", name="Bijeenkomst plannen").click()
    await page.goto(group_url)
    card = page.locator(".next-meeting")
    await expect(card).to_contain_text("Bijeenkomst december")
    await card.get_by_role("button", name="Open bijeenkomst").click()
    await expect(page.locator(".people")).to_contain_text("Fenna (jij)")
    await send(page, "phase.goto", {"index": 4})
    await send(page, "plan.set", {"field": "review_date", "text": "2027-01-11"})
    href = await page.locator(".topbar a", has_text="Verslag").first.get_attribute("href")
    report = await s.context.new_page()
    found: list[str] = []
    for size, viewport in SIZES:
        await report.set_viewport_size(viewport or {"width": 1280, "height": 800})
        await report.goto(base + str(href))
        # The planned date, not the day it was made, in the language's one date format.
        await expect(report.locator(".report-meta")).to_have_text(
            "Methode: Basismethode · Bijeenkomst van 14 december 2026"
        )
        await expect(report.locator(".report-section-plan .report-plan")).to_contain_text("11 januari 2027")
        await expect(report.locator(".report-section-evalplan")).to_be_hidden()  # basis has none
        pdf = report.get_by_role("button", name="PDF: bewaar het verslag via het afdrukvenster")
        await expect(pdf).to_have_text("PDF")
        found += await axe(report, f"report of a group meeting ({size})")
        await report.screenshot(path=str(ARTIFACTS / f"fit2-report-{size}.png"), full_page=True)
    # The Markdown says the same: date, minutes per phase and in total.
    html_used = await report.locator(".report-section-phases td.used").all_inner_texts()
    async with report.expect_download() as got:
        await report.locator("[data-export=md]").click()
    md = Path(await (await got.value).path()).read_text("utf-8")
    assert "**Bijeenkomst van** 14 december 2026" in md and "11 januari 2027" in md
    md_used = re.findall(r", gebruikt (\d+) min$", md, re.M)
    assert md_used[: len(html_used)] == html_used and len(md_used) == len(html_used) + 1, (md_used, html_used)
    total = await report.locator(".report-section-phases tfoot th.num").nth(1).inner_text()
    assert md_used[-1] == total
    # Printed: no forced page breaks that leave page one mostly empty; labels stay with values.
    await report.emulate_media(media="print")
    breaks = await report.evaluate(
        """() => [...document.querySelectorAll('.report section')].map(e => getComputedStyle(e).breakBefore)"""
    )
    assert "page" not in breaks, breaks
    keep = await report.evaluate(
        "() => [...document.querySelectorAll('.report-plan dt')].map(e => getComputedStyle(e).breakAfter)"
    )
    assert keep and set(keep) == {"avoid"}, keep
    await report.pdf(path=str(ARTIFACTS / "fit2-report.pdf"))
    assert found == [], "\n".join(found)


async def test_the_evaluation_plan_asks_for_criteria_and_check_moments(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Evaluatieplan")
    rid = room["room"]
    fac = await screens("Fenna", bypass_csp=True)
    inb = await screens("Ilse", bypass_csp=True, viewport=PHONE)
    await join(fac.page, f"{base}/r/{rid}#{room['facilitator_key']}", "Fenna")
    await join(inb.page, f"{base}/r/{rid}#{room['join_key']}", "Ilse")
    await send(fac.page, "role.assign", {"pid": await my_pid(inb.page), "role": "inbrenger", "on": True})
    await send(fac.page, "phase.goto", {"index": 4})  # Actieplan: the SMART form
    await wait_state(inb.page, "s.phase.index === 4 && s.may.plan")
    await expect(inb.page.locator("#plan-title")).to_have_text("Actieplan")
    await expect(inb.page.locator("#plan-action")).to_be_visible()
    await send(fac.page, "phase.goto", {"index": 5})  # Evaluatieplan: criteria and check moments
    await wait_state(inb.page, "s.phase.index === 5")
    page = inb.page
    await expect(page.locator("#plan-title")).to_have_text("Evaluatieplan")
    await expect(page.locator("#plan-action")).to_have_count(0)  # not the SMART form again
    await page.locator("#plan-criteria").fill("Het team pakt zelf taken op zonder dat ik het vraag.")
    await page.locator("#plan-criteria").press("Enter")
    await page.locator("#plan-check1_date").fill("2027-01-11")
    await page.locator("#plan-check1").fill("Na de teamvergadering: wie nam welke taak op?")
    await page.locator("#plan-check1").press("Enter")
    await wait_state(fac.page, "s.plan.check1_date === '2027-01-11' && s.plan.check1.startsWith('Na de')")
    # The facilitator sees it arrive in the same form.
    board = fac.page.locator(".board-plan")
    await expect(fac.page.locator("#plan-check1_date")).to_have_value("2027-01-11")
    await expect(fac.page.locator("#plan-criteria")).to_have_value(re.compile("^Het team pakt"))
    found = await axe(page, "evaluation plan (390)")
    found += await axe(fac.page, "evaluation plan (1280)")
    await shot(page.locator(".board-plan"), ARTIFACTS / "fit2-evaluation-plan-390.png")
    await shot(board, ARTIFACTS / "fit2-evaluation-plan-1280.png")
    pj = await screens("beamer", bypass_csp=True)
    await pj.page.goto(f"{base}/r/{rid}/projector#{room['projector_key']}")
    await expect(pj.page.locator(".pj-plan:not(.pj-outcomes)")).to_contain_text("Eerste toetsmoment")
    await expect(pj.page.locator(".pj-plan:not(.pj-outcomes)")).to_contain_text("11 januari 2027")
    await expect(pj.page.locator(".pj-plan:not(.pj-outcomes)")).not_to_contain_text("Specifiek")
    await pj.page.screenshot(path=str(ARTIFACTS / "fit2-evaluation-plan-projector-1280.png"))
    found += await axe(pj.page, "projector, evaluation plan")
    # The report has both: the action plan and the evaluation plan.
    report = await fac.context.new_page()
    await report.goto(f"{base}/r/{rid}/report#{room['facilitator_key']}")
    section = report.locator(".report-section-evalplan")
    await expect(section).to_contain_text("Het team pakt zelf taken op")
    await expect(section).to_contain_text("11 januari 2027")
    assert found == [], "\n".join(found)
    assert not inb.errors and not fac.errors, (inb.errors, fac.errors)


async def test_mindmap_move_to_without_dragging(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Verplaatsen")
    found: list[str] = []
    for size, viewport in SIZES:
        s = await screens(f"Fenna {size}", bypass_csp=True, **({"viewport": viewport} if viewport else {}))
        page = s.page
        await join(page, f"{base}/r/{room['room']}#{room['facilitator_key']}", "Fenna")
        if size == "1280":
            await send(page, "phase.goto", {"index": 2})
            await send(page, "mindmap.add", {"id": "n1", "parent": "root", "text": "Feiten"})
            await send(page, "mindmap.add", {"id": "n2", "parent": "root", "text": "Gevoelens"})
            await send(page, "mindmap.add", {"id": "n3", "parent": "n1", "text": "Onzeker na de stilte"})
        await wait_state(page, "s.phase.index === 2 && Object.keys(s.mindmap.nodes).length === 3")
        await page.evaluate(
            "() => { const c = document.querySelector('[x-data=mindmap]'); Alpine.$data(c).select('n3'); }"
        )
        move = page.get_by_role("combobox", name="Verplaats naar…")
        await expect(move).to_be_enabled()
        options = await move.locator("option").all_inner_texts()
        # Not under itself or where it already is; the question and the other branch, yes.
        parent, other = ("Feiten", "Gevoelens") if size == "1280" else ("Gevoelens", "Feiten")  # moved below
        assert "Onzeker na de stilte" not in options and parent not in options and other in options
        found += await axe(page, f"mind-map with 'verplaats naar' ({size})")
        await shot(page.locator(".board-mindmap .board-head"), ARTIFACTS / f"fit2-mindmap-move-{size}.png")
        if size == "1280":
            await move.select_option(label="Gevoelens")
            await wait_state(page, "s.mindmap.nodes.n3.parent === 'n2'")
    assert found == [], "\n".join(found)


async def test_axe_wcag22_on_every_page_at_both_sizes(sqlite_server: ServerProc, screens: Any) -> None:
    """axe-core with wcag2a, wcag2aa, wcag21a, wcag21aa and wcag22aa: no serious or critical
    violation on the start, prepare, code, join, room (facilitator, participant, listener),
    projector, report and group pages, at 1280×800 and 390×844."""
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Toegankelijk")
    rid = room["room"]
    g = api(base, "/api/groups", {"name": "Kring Zuid", "lang": "nl"})
    assert axe_version() >= (4, 14), axe_version()
    found: list[str] = []
    for size, viewport in SIZES:
        opts = {"viewport": viewport} if viewport else {}
        tag = f"({size})"
        visitor = await screens(f"visitor {size}", bypass_csp=True, **opts)
        for path, what in (("/", "start"), ("/prepare", "prepare"), ("/j", "code")):
            await visitor.page.goto(base + path)
            await visitor.page.wait_for_timeout(300)
            found += await axe(visitor.page, f"{what} page {tag}")
        await visitor.page.goto(f"{base}/r/{rid}#{room['join_key']}")
        await expect(visitor.page.locator(".join-about")).to_be_visible()
        found += await axe(visitor.page, f"join page {tag}")

        fac = await screens(f"Fenna {size}", bypass_csp=True, **opts)
        anna = await screens(f"Anna {size}", bypass_csp=True, **opts)
        lis = await screens(f"Lotte {size}", bypass_csp=True, **opts)
        await join(fac.page, f"{base}/r/{rid}#{room['facilitator_key']}", f"Fenna {size}")
        await join(anna.page, f"{base}/r/{rid}#{room['join_key']}", f"Anna {size}")
        await join(lis.page, f"{base}/r/{rid}#{room['join_key']}", f"Lotte {size}")
        await send(fac.page, "role.assign", {"pid": await my_pid(lis.page), "role": "listener", "on": True})
        await wait_state(lis.page, "s.may.notes")
        if size == "1280":
            await send(fac.page, "phase.goto", {"index": 3})
            await send(
                anna.page, "force.add", {"id": "fa", "side": "promoting", "text": "Steun van de directie"}
            )
            await send(anna.page, "force.add", {"id": "fb", "side": "hindering", "text": "Werkdruk"})
        await wait_state(anna.page, "s.phase.index === 3 && Object.keys(s.forcefield.forces).length === 2")
        for s, who in ((fac, "facilitator"), (anna, "participant"), (lis, "listener")):
            found += await axe(s.page, f"room, {who} {tag}")
        await fac.page.screenshot(path=str(ARTIFACTS / f"fit2-axe-room-facilitator-{size}.png"))

        pj = await screens(f"beamer {size}", bypass_csp=True, **opts)
        await pj.page.goto(f"{base}/r/{rid}/projector#{room['projector_key']}")
        await expect(pj.page.locator(".pj-ff")).to_be_visible()
        found += await axe(pj.page, f"projector {tag}")
        report = await fac.context.new_page()
        await report.goto(f"{base}/r/{rid}/report#{room['facilitator_key']}")
        await expect(report.locator(".report-section-question")).to_be_visible()
        found += await axe(report, f"report {tag}")

        member = await screens(f"member {size}", bypass_csp=True, **opts)
        await become_member(member, f"{base}/g/{g['group']}#{g['admin_key']}", f"Gijs {size}")
        found += await axe(member.page, f"group page {tag}")
    assert found == [], "\n".join(found)


def axe_version() -> tuple[int, ...]:
    """The axe-core the tests run (tests/e2e/node_modules): 4.14 or newer, where
    label-content-name-mismatch is on by default."""
    head = AXE_JS.read_text(encoding="utf-8")[:400]
    m = re.search(r"axe v(\d+)\.(\d+)", head)
    assert m, head[:120]
    return (int(m.group(1)), int(m.group(2)))


async def test_the_countdown_is_announced_at_moments_not_every_second(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Aftellen")
    anna = await screens("Anna", bypass_csp=True, viewport=PHONE)
    fac = await screens("Fenna", bypass_csp=True)
    await join(fac.page, f"{base}/r/{room['room']}#{room['facilitator_key']}", "Fenna")
    await join(anna.page, f"{base}/r/{room['room']}#{room['join_key']}", "Anna")
    live = anna.page.locator("[x-data=roomCues]")
    assert await live.get_attribute("aria-live") == "polite"
    await send(fac.page, "timer.start", {"seconds": 63})
    heard: list[str] = []
    for _ in range(50):  # 5 seconds: the start, then the one-minute mark
        text = (await live.inner_text()).strip()
        if text and (not heard or heard[-1] != text):
            heard.append(text)
        await anna.page.wait_for_timeout(100)
    assert heard == ["De timer loopt: nog 1 minuut.", "Nog 1 minuut."], heard
    # The visible timer changed every second meanwhile, and it is no live region.
    assert await anna.page.locator(".timer").get_attribute("role") == "timer"
    assert await anna.page.locator(".timer").get_attribute("aria-live") in (None, "off")
