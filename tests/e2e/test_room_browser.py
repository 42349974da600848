"""The room in real browsers: three people, one board, live updates, hints and a reconnect."""

from __future__ import annotations

import re
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc

pytestmark = pytest.mark.browser

expect: Any = pytest.importorskip("playwright.async_api").expect

QUESTION = "Wat maakte dat je bleef doorpraten toen het stil werd?"
ADVICE_LIKE = "Heb je al overwogen om te stoppen?"
OFFLINE_QUESTION = "Hoe reageerde het team de keer daarna?"


async def join(screen: Any, url: str, name: str) -> None:
    await screen.page.goto(url)
    await screen.page.get_by_label("Je naam").fill(name)
    await screen.page.get_by_role("button", name="Meedoen").click()
    await expect(screen.page.locator(".people")).to_contain_text(f"{name} (jij)")


async def phase_title(screen: Any) -> Any:
    return screen.page.locator("#phase-title")


async def test_three_people_share_one_board(sqlite_server: ServerProc, screens: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    fac, anna, bram = await screens("Fenna"), await screens("Anna"), await screens("Bram")
    everyone = (fac, anna, bram)

    # The facilitator creates the room on the start page.
    start = await fac.page.goto(sqlite_server.base + "/")
    assert start is not None
    await fac.page.get_by_label("Titel van de bijeenkomst").fill("Intervisie teamleiders")
    await fac.page.get_by_role("button", name="Bijeenkomst aanmaken").click()
    await expect(fac.page.locator("#join-url")).to_be_visible()
    join_url = await fac.page.input_value("#join-url")
    assert "/r/" in join_url and "#" in join_url and "?" not in join_url
    # Copying says so on the button for two seconds (selected for Ctrl+C where copying is refused).
    copy_join = fac.page.locator(".copy-row", has=fac.page.locator("#join-url")).get_by_role("button")
    await copy_join.click()
    await expect(copy_join).to_have_text("Gekopieerd")
    await expect(copy_join).to_have_text("Kopiëren", timeout=5000)
    async with fac.page.expect_navigation() as nav:
        await fac.page.locator("#open-fac").click()

    # The room page carries a strict CSP without unsafe-eval.
    resp = await nav.value
    assert resp is not None and "/r/" in resp.url
    csp = (await resp.all_headers()).get("content-security-policy", "")
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp

    await fac.page.get_by_label("Je naam").fill("Fenna")
    await fac.page.get_by_role("button", name="Meedoen").click()
    await expect(fac.page.locator(".fac")).to_contain_text("Gespreksleiding")
    copy_fac_join = fac.page.locator(".copy-row", has=fac.page.locator("#fac-join")).get_by_role("button")
    await copy_fac_join.click()
    await expect(copy_fac_join).to_have_text("Gekopieerd")
    await expect(copy_fac_join).to_have_text("Kopiëren", timeout=5000)

    # Two participants join through the join link, each in their own browser context.
    await join(anna, join_url, "Anna")
    await join(bram, join_url, "Bram")
    for s in everyone:
        await expect(s.page.locator(".people")).to_contain_text("3 van 3 online")

    # The facilitator makes Anna the inbrenger; everyone sees her badge.
    await fac.page.get_by_role("button", name="Inbrenger: Anna").click()
    for s in everyone:
        await expect(s.page.locator(".person", has_text="Anna")).to_contain_text("Inbrenger")
    await expect(fac.page.get_by_role("button", name="Inbrenger: Anna")).to_have_attribute(
        "aria-pressed", "true"
    )

    # ... and moves to the investigation phase.
    await fac.page.locator("#fac-goto").select_option("2")
    await fac.page.get_by_role("button", name="Ga naar fase").click()
    for s in everyone:
        await expect(await phase_title(s)).to_have_text("Onderzoeken")
        await expect(s.page.locator(".step.is-current")).to_contain_text("Onderzoeken")

    # A question card typed by Bram appears on the other two screens.
    box = bram.page.locator("#add-question")
    await box.fill(QUESTION)
    await box.press("Enter")
    for s in everyone:
        await expect(s.page.locator(".cards-panel .card", has_text=QUESTION)).to_contain_text("Bram")

    # While typing a question that is advice in disguise, Bram sees a gentle hint.
    await box.fill(ADVICE_LIKE)
    hint = bram.page.locator(".card-add .hint")
    await expect(hint).to_have_text(
        "Dit klinkt als een advies in vraagvorm. Adviezen komen later; wat wil je eigenlijk weten?"
    )
    await bram.page.locator(".cards-panel").screenshot(path=str(ARTIFACTS / "hint.png"))
    await box.fill("")
    await expect(hint).to_be_hidden()

    # Bram drops off the network: the page says so, a card written offline waits in the outbox ...
    await bram.context.set_offline(True)
    await expect(bram.page.locator(".banner-offline")).to_contain_text("Verbinding herstellen…")
    await expect(bram.page.locator(".conn")).to_contain_text("Verbinding herstellen…")
    await box.fill(OFFLINE_QUESTION)
    await box.press("Enter")
    await expect(bram.page.locator(".card.is-pending", has_text=OFFLINE_QUESTION)).to_be_visible()
    await expect(anna.page.locator(".cards-panel")).not_to_contain_text(OFFLINE_QUESTION)
    # ... and reaches the others once he is back (sent again with the same id, stored once).
    await bram.context.set_offline(False)
    await expect(anna.page.locator(".cards-panel .card", has_text=OFFLINE_QUESTION)).to_contain_text("Bram")
    await expect(bram.page.locator(".banner-offline")).to_be_hidden()
    await expect(bram.page.locator(".conn")).to_contain_text("Verbonden")
    await expect(bram.page.locator(".card.is-pending")).to_have_count(0)
    for s in everyone:
        await expect(s.page.locator(".cards-panel .card", has_text=OFFLINE_QUESTION)).to_have_count(1)

    # The facilitator moves on; all three screens follow, the cards move to "earlier phases".
    await fac.page.get_by_role("button", name="Volgende fase").click()
    for s in everyone:
        await expect(await phase_title(s)).to_have_text("Herformulering")
        await expect(s.page.locator(".earlier summary")).to_contain_text("Eerdere fasen (2 kaarten)")
        await expect(s.page.locator(".case-panel")).to_contain_text("Inbrenger: Anna")

    for s in everyone:
        await s.page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar belongs at the top
        await s.page.screenshot(path=str(ARTIFACTS / f"room-{s.name.lower()}.png"), full_page=True)
    for s in everyone:
        assert s.errors == [], f"{s.name}: {s.errors}"


async def test_language_switch_persists(sqlite_server: ServerProc, screens: Any) -> None:
    s = await screens("Lang")
    await s.page.goto(sqlite_server.base + "/")
    await expect(s.page.get_by_role("heading", level=1)).to_have_text("Een intervisiebijeenkomst starten")
    await s.page.get_by_role("button", name="English").click()
    await expect(s.page.get_by_role("heading", level=1)).to_have_text("Start an intervisie meeting")
    cookies = {c["name"]: c["value"] for c in await s.context.cookies()}
    assert cookies.get("kring_lang") == "en"
    await s.page.reload()
    await expect(s.page.locator("html")).to_have_attribute("lang", "en")
    await expect(s.page.get_by_role("heading", level=1)).to_have_text("Start an intervisie meeting")
    # The library filters narrow the list.
    await s.page.get_by_role("button", name="Appreciative", exact=True).click()
    names = await s.page.locator(".method h3").all_inner_texts()
    assert names and all(n for n in names)
    assert len(names) < 14
    assert s.errors == []


async def test_bad_link_stops_and_says_so(sqlite_server: ServerProc, screens: Any) -> None:
    from kring_testlib import create_room

    room = create_room(sqlite_server.base)
    s = await screens("Eve")
    await s.page.goto(f"{sqlite_server.base}/r/{room['room']}#not-the-key")
    await s.page.get_by_label("Je naam").fill("Eve")
    await s.page.get_by_role("button", name="Meedoen").click()
    await expect(s.page.get_by_role("heading", name="Deze bijeenkomst is niet beschikbaar")).to_be_visible()
    await expect(s.page.locator(".banner-offline")).to_be_hidden()
    await s.page.goto(f"{sqlite_server.base}/r/{room['room']}")
    await expect(s.page.get_by_role("heading", name="Deze link is onvolledig")).to_be_visible()


async def test_private_cards_notes_rounds_and_overtime(sqlite_server: ServerProc, screens: Any) -> None:
    from kring_testlib import create_room

    room = create_room(sqlite_server.base, "incident", title="Incidentmethode")
    base = f"{sqlite_server.base}/r/{room['room']}#"
    fac, anna, bram = await screens("Fenna"), await screens("Anna"), await screens("Bram")
    everyone = (fac, anna, bram)
    for s in everyone:
        s.page.on("dialog", lambda d: d.accept())
    await join(fac, base + room["facilitator_key"], "Fenna")
    await join(anna, base + room["join_key"], "Anna")
    await join(bram, base + room["join_key"], "Bram")

    # Bram becomes a silent listener; the facilitator opens the private "writing questions" phase.
    await fac.page.get_by_role("button", name="Stille luisteraar: Bram").click()
    await expect(bram.page.locator(".person", has_text="Bram")).to_contain_text("Stille luisteraar")
    await fac.page.locator("#fac-goto").select_option("3")
    await fac.page.get_by_role("button", name="Ga naar fase").click()
    for s in everyone:
        await expect(await phase_title(s)).to_have_text("Vragen noteren")
        await expect(s.page.locator(".notice-private")).to_contain_text("verborgen tot de gespreksleider")

    # Anna's question stays hidden from the others until it is revealed.
    secret = "Wat wilde je op dat moment bereiken?"
    await anna.page.locator("#add-question").fill("Wat wilde je bereiken?")
    await anna.page.locator("#add-question").press("Enter")
    card = anna.page.locator(".cards-panel .card", has_text="Wat wilde je bereiken?")
    await card.get_by_role("button", name="Bewerken").click()
    await card.get_by_label("Kaart bewerken").fill(secret)
    await card.get_by_role("button", name="Opslaan").click()
    await expect(anna.page.locator(".card", has_text=secret)).to_contain_text("Verborgen tot onthulling")
    # Not even the facilitator's statistics tell who wrote an unrevealed private card.
    await expect(fac.page.locator(".stats tr", has_text="Anna")).not_to_contain_text("1")
    for s in (fac, bram):
        await expect(s.page.locator(".cards-panel")).not_to_contain_text(secret)

    # The silent listener writes a private note, one click away.
    note = "Anna praat sneller zodra het over de directie gaat."
    await bram.page.get_by_role("button", name="Notities").click()
    await bram.page.get_by_label("Nieuwe notitie").fill(note)
    await bram.page.get_by_role("button", name="Notitie toevoegen").click()
    await expect(bram.page.locator("#notes-pane .note")).to_contain_text(note)
    await bram.page.evaluate("window.scrollTo(0, 0)")
    await bram.page.screenshot(path=str(ARTIFACTS / "room-private-notes.png"))
    await bram.page.get_by_role("button", name="Notities sluiten").click()
    await expect(anna.page.get_by_role("button", name="Notities")).to_be_hidden()

    # The facilitator reveals the cards and then the notes: now everyone sees them.
    await fac.page.get_by_role("button", name="Kaarten onthullen").click()
    await expect(fac.page.locator(".stats tr", has_text="Anna")).to_contain_text("1")
    for s in everyone:
        await expect(s.page.locator(".cards-panel .card", has_text=secret)).to_contain_text("Anna")
        await expect(s.page.locator(".notice-private")).to_be_hidden()
    await fac.page.get_by_role("button", name="Notities onthullen").click()
    await anna.page.get_by_role("button", name="Notities (1)").click()
    await expect(anna.page.locator("#notes-pane .note-group", has_text="Bram")).to_contain_text(note)
    await anna.page.get_by_role("button", name="Notities sluiten").click()

    # The information round: turns in order, the speaker passes the turn on.
    await fac.page.get_by_role("button", name="Volgende fase").click()
    for s in everyone:
        await expect(await phase_title(s)).to_have_text("Informatieronde")
    # The round takes the phase's writers (here Anna: Bram listens silently, the facilitator
    # leads), never the facilitator first.
    order = fac.page.locator(".round-order li")
    await expect(order).to_have_count(1)
    await expect(order.nth(0)).to_contain_text("Anna")
    await fac.page.get_by_role("button", name="Ronde starten").click()
    for s in everyone:
        await expect(s.page.locator(".person.is-speaking")).to_contain_text("Anna")
        await expect(s.page.locator(".person.is-next")).to_have_count(0)
    await expect(bram.page.locator(".people").get_by_role("button", name="Beurt doorgeven")).to_be_hidden()
    await expect(anna.page.locator(".people").get_by_role("button", name="Beurt doorgeven")).to_be_visible()

    # A timer that runs out shows the overtime, counting up, on every screen.
    ack = await fac.page.evaluate("() => Alpine.store('kring').send('timer.start', {seconds: 1})")
    assert ack["t"] == "ack"
    for s in everyone:
        await expect(s.page.locator(".timer")).to_contain_text("Tijd is om")
        await expect(s.page.locator(".timer-value")).to_contain_text("+0:0")
        await expect(s.page.locator(".timer")).to_have_class(re.compile(r"\bis-over\b"))
    await fac.page.evaluate("window.scrollTo(0, 0)")
    await fac.page.screenshot(path=str(ARTIFACTS / "room-round-overtime.png"), full_page=True)

    # The evaluation: scores and what was learned; the group sees only the aggregate.
    await fac.page.locator("#fac-goto").select_option("10")
    await fac.page.get_by_role("button", name="Ga naar fase").click()
    await expect(await phase_title(anna)).to_have_text("Evaluatie")
    evaluation = anna.page.locator(".eval-panel")
    await evaluation.get_by_role("group", name="Inhoud (1–5)").get_by_label("4").check()
    await evaluation.get_by_role("group", name="Proces (1–5)").get_by_label("5").check()
    await evaluation.get_by_label("Wat heb je geleerd?").fill("Eerst vragen, dan pas denken.")
    await evaluation.get_by_role("button", name="Versturen").click()
    await expect(evaluation).to_contain_text("Dank je, ontvangen.")
    # One answer: only the count (a mean would be Anna's score), until the evaluation is closed.
    await expect(fac.page.locator(".eval-panel")).to_contain_text("1 ingevuld")
    await expect(fac.page.locator(".eval-panel")).not_to_contain_text("Inhoud (1–5): 4")

    # A command the server refuses shows its reason in a banner that can be dismissed.
    refused = await anna.page.evaluate("() => Alpine.store('kring').send('phase.next', {})")
    assert refused["t"] == "error" and refused["code"] == "forbidden"
    banner = anna.page.locator(".banner-error")
    await expect(banner).to_contain_text("Dat mag je niet in je huidige rol")
    await banner.get_by_role("button", name="Foutmelding sluiten").click()
    await expect(banner).to_be_hidden()

    # A reload restores the same participant from the stored token, without asking for a name.
    await anna.page.reload()
    await expect(anna.page.locator(".people")).to_contain_text("Anna (jij)")
    await expect(anna.page.locator("#join-name")).to_be_hidden()
    await expect(fac.page.locator(".people")).to_contain_text("3 van 3 online")
    await expect(fac.page.locator(".person")).to_have_count(3)

    # Removed by the facilitator: a clear message, no reconnecting, the stored token is gone.
    await fac.page.get_by_role("button", name="Bram uit de bijeenkomst verwijderen").click()
    await expect(
        bram.page.get_by_role("heading", name="Deze bijeenkomst is niet beschikbaar")
    ).to_be_visible()
    await expect(bram.page.locator(".banner-offline")).to_be_hidden()
    await expect(fac.page.locator(".person")).to_have_count(2)
    saved = await bram.page.evaluate(f"() => Alpine.store('kring').saved({room['room']!r})")
    assert not saved.get("token")
    for s in everyone:
        assert s.errors == [], f"{s.name}: {s.errors}"
