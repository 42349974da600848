"""A programme (traject) in Chromium: a begeleider creates a programme with two groups and leads
group A's first two meetings; a member sets a leervraag, joins both meetings, logs what they
learned and reads, prints and downloads the year's reflection; the begeleider confirms attendance
at each meeting's end, and the programme view shows the right counts and no content. Screenshots
at 1280×800 and 390×844 in tests/artifacts/programme/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ROOT, ServerProc

from .browserlib import axe, join, page_shot, send, shot, wait_state
from .test_group_browser import become_member, enter_next_meeting

expect: Any = pytest.importorskip("playwright.async_api").expect

SHOTS = ROOT / "tests" / "artifacts" / "programme"
PHONE = {"width": 390, "height": 844}


async def _create(page: Any, base: str) -> str:
    today = dt.date.today()
    await page.goto(f"{base}/programme")
    form = page.locator(".prg-create")
    await form.get_by_label("Naam van het traject").fill("Lead & Learn")
    await form.get_by_role("button", name="Traject aanmaken").click()
    await expect(form.get_by_role("alert")).to_contain_text("Vul een start- en een einddatum in")
    await form.get_by_label("Startdatum").fill(today.isoformat())
    await form.get_by_label("Einddatum").fill((today + dt.timedelta(days=120)).isoformat())
    await form.get_by_label("Een bijeenkomst om de hoeveel weken?").fill("2")
    await form.get_by_label("Hoeveel eerste bijeenkomsten leid je zelf?").fill("2")
    await form.get_by_label("De groepen, één naam per regel").fill("Groep A\nGroep B")
    await page_shot(page, SHOTS / "programme-new-1280.png")
    await page.set_viewport_size(PHONE)
    await page_shot(page, SHOTS / "programme-new-390.png")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await form.get_by_role("button", name="Traject aanmaken").click()
    await expect(page.locator(".prg-created")).to_contain_text("Groep B")
    url = await page.get_by_label("Jouw link naar het traject").input_value()
    await page.get_by_role("link", name="Open het traject").click()
    await expect(page.locator(".prg-group").first).to_contain_text("Leden: 0")
    assert "#" not in page.url  # the key has done its work and left the address bar
    return str(url)


def _group(page: Any, name: str) -> Any:
    return page.get_by_role("region", name=name, exact=True)


async def _meeting(base: str, beg: Any, bram: Any, group_url: str, learned: str) -> None:
    """The begeleider plans and leads group A's next meeting; Bram comes in, answers the
    evaluation; at its end the begeleider confirms who came (Cor never did)."""
    card = _group(beg.page, "Groep A")
    links = card.locator(".prg-led-links a")
    n = await links.count()
    await card.get_by_role("button", name="Volgende bijeenkomst plannen en leiden").click()
    await expect(links).to_have_count(n + 1)
    url = await links.nth(n).get_attribute("href")
    programme_url = beg.page.url
    await join(beg.page, base + url, "Begeleider Anna")
    await enter_next_meeting(bram, group_url, "Groep A")
    await send(beg.page, "phase.goto", {"index": 5})
    await wait_state(bram.page, "s.phase.index === 5")
    await send(bram.page, "eval.submit", {"content": 4, "process": 4, "learned": learned})
    att = beg.page.locator(".att-panel")
    await expect(att).to_contain_text("Nog niet bevestigd.")
    await expect(att.get_by_label("Bram binnen om", exact=False)).to_be_checked()
    await expect(att.get_by_label("Cor niet gezien", exact=False)).not_to_be_checked()
    await att.get_by_role("button", name="Aanwezigheid bevestigen").click()
    await expect(att).to_contain_text("Bevestigd: 2 aanwezig.")  # Bram and the begeleider
    await att.scroll_into_view_if_needed()
    await shot(att, SHOTS / "attendance-1280.png")
    await beg.page.set_viewport_size(PHONE)
    await att.scroll_into_view_if_needed()
    await shot(att, SHOTS / "attendance-390.png")
    await beg.page.set_viewport_size({"width": 1280, "height": 800})
    await beg.page.goto(programme_url)


async def test_a_programme_year_in_the_browser(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    beg = await screens("Begeleider")
    programme_url = await _create(beg.page, base)
    await page_shot(beg.page, SHOTS / "programme-empty-1280.png")
    join_a = await _group(beg.page, "Groep A").locator("input[readonly]").input_value()
    join_b = await _group(beg.page, "Groep B").locator("input[readonly]").input_value()
    group_a = join_a.split("#")[0]

    bram, cor, yara = await screens("Bram"), await screens("Cor"), await screens("Yara")
    await become_member(bram, join_a, "Bram")
    await become_member(cor, join_a, "Cor")
    await become_member(yara, join_b, "Yara")
    panel = bram.page.locator(".leervraag-panel")
    await panel.get_by_label("Wat wil ik precies leren tijdens dit traject?").fill("Leervraag-van-Bram")
    await panel.get_by_label("Mijn kortetermijndoelen").fill("Doel-van-Bram")
    await panel.get_by_role("button", name="Leervraag opslaan").click()
    await expect(panel).to_contain_text("Doel-van-Bram")

    await _meeting(base, beg, bram, group_a, "Geleerd-een")
    await _meeting(base, beg, bram, group_a, "Geleerd-twee")
    # Handed over after two: the begeleider leads no more meetings of group A.
    await expect(_group(beg.page, "Groep A").locator(".prg-lead")).to_be_hidden()
    await expect(_group(beg.page, "Groep B").locator(".prg-lead")).to_be_visible()

    # Bram logs what he learned in both meetings, then reads his year's reflection.
    await bram.page.goto(group_a)
    log = bram.page.locator(".log-panel")
    for text in ("Reflectie-een", "Reflectie-twee"):
        form = log.locator("form.log-form").first
        await form.get_by_label("Wat betekent dit voor mijn leervraag?").fill(text)
        await form.get_by_role("button", name="In mijn logboek").click()
        await expect(log.locator(".log-entries")).to_contain_text(text)
    await log.get_by_role("link", name="Mijn jaarreflectie bekijken en afdrukken").click()
    page = bram.page
    r = page.locator(".reflection")
    minutes = 10 + 10 + 30 + 10 + 25 + 10  # the basic method's phases
    hours = str(round(2 * minutes / 60, 2)).replace(".", ",")
    await expect(r.locator(".rfl-hours")).to_contain_text(hours)
    for text in ("Leervraag-van-Bram", "Doel-van-Bram", "Geleerd-een", "Reflectie-twee"):
        await expect(r).to_contain_text(text)
    await expect(r.locator(".rfl-statement tbody tr")).to_have_count(2)
    await expect(r.locator(".rfl-statement")).to_contain_text("Begeleider Anna (begeleider)")
    await expect(r.locator(".rfl-statement")).to_contain_text("aanwezig (bevestigd)")
    await page_shot(page, SHOTS / "reflection-1280.png")
    async with page.expect_download() as got:
        await page.get_by_role("button", name="Download (Markdown)").click()
    md = Path(await (await got.value).path()).read_text(encoding="utf-8")
    assert "Leervraag-van-Bram" in md and "Reflectie-een" in md and "Verklaring van deelname" in md
    # Printing (or saving as PDF) leaves the buttons out.
    await page.emulate_media(media="print")
    await expect(page.get_by_role("button", name="Afdrukken of opslaan als PDF")).to_be_hidden()
    await page_shot(page, SHOTS / "reflection-print.png")
    await page.emulate_media(media="screen")
    # On a phone, with Bram's membership in that browser.
    member = await page.evaluate("k => localStorage.getItem(k)", "kring:group:" + group_a.rsplit("/", 1)[1])
    phone = await screens("Bram-phone", viewport=PHONE, bypass_csp=True)  # axe runs inline
    await phone.page.goto(base + "/")
    await phone.page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)", ["kring:group:" + group_a.rsplit("/", 1)[1], member]
    )
    await phone.page.goto(group_a + "/reflection")
    await expect(phone.page.locator(".rfl-hours")).to_contain_text(hours)
    await page_shot(phone.page, SHOTS / "reflection-390.png")
    found = await axe(phone.page, "reflection page")

    # The begeleider's programme view: the right counts, and nothing of what anyone wrote.
    await beg.page.reload()
    a, b = _group(beg.page, "Groep A"), _group(beg.page, "Groep B")
    await expect(a.locator(".prg-members")).to_have_text("Leden: 2")
    await expect(a.locator(".prg-leervraag")).to_have_text("Leervraag gezet: 1 van 2")
    await expect(a.locator(".prg-held")).to_contain_text("Bijeenkomsten gehouden: 2 van")
    await expect(a.locator(".prg-attendance")).to_have_text("Aanwezigheid: 2 van 4")
    await expect(a.locator(".prg-plans")).to_have_text("Actieplannen: 0, afgerond gemeld: 0")
    await expect(a.locator(".prg-meetings li")).to_have_count(2)
    await expect(a.locator(".prg-led")).to_have_text("Door jou geleid: 2 van 2")
    await expect(b.locator(".prg-members")).to_have_text("Leden: 1")
    await expect(b.locator(".prg-held")).to_contain_text("Bijeenkomsten gehouden: 0 van")
    body = await beg.page.locator("body").inner_text()
    for content in ("Bram", "Cor", "Yara", "Leervraag-van-Bram", "Doel-van-Bram", "Geleerd", "Reflectie"):
        assert content not in body, content
    await a.get_by_role("button", name="QR-code tonen").click()
    await expect(a.locator(".qr svg")).to_have_attribute(
        "aria-label", "QR-code van de uitnodigingslink van Groep A"
    )
    async with beg.page.expect_download() as got:
        await a.get_by_role("button", name="Data in je agenda (ICS)").click()
    ics = Path(await (await got.value).path()).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") >= 2
    await page_shot(beg.page, SHOTS / "programme-1280.png")
    small = await screens("Begeleider-phone", viewport=PHONE, bypass_csp=True)
    await small.page.goto(programme_url)
    await expect(_group(small.page, "Groep A").locator(".prg-attendance")).to_have_text(
        "Aanwezigheid: 2 van 4"
    )
    await page_shot(small.page, SHOTS / "programme-390.png")
    found += await axe(small.page, "programme page")
    await small.page.goto(base + "/programme")
    await expect(small.page.get_by_label("Naam van het traject")).to_be_visible()
    found += await axe(small.page, "programme form")
    assert not found, "\n".join(found)
    for s in (beg, bram, cor, yara, phone, small):
        assert not s.errors, (s.name, s.errors)
    assert json.loads(member)["token"]
