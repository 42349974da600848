"""Methods in real browsers: a timed round-robin on four screens, and the switch from the Balint
method back to the basic method with every piece of content still on screen."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import expect, join, my_pid, send, shot, wait_state

pytestmark = pytest.mark.browser


def seconds(clock: str) -> int:
    """ "0:17" -> 17; "+0:02" (overtime) -> -2."""
    m = re.fullmatch(r"(\+?)(\d+):(\d\d)", clock.strip())
    assert m, clock
    value = int(m.group(2)) * 60 + int(m.group(3))
    return -value if m.group(1) else value


async def turn(screens: tuple[Any, ...], speaking: str, next_up: str | None) -> None:
    """Every screen highlights `speaking` and marks `next_up` (or nobody)."""
    for s in screens:
        await expect(s.page.locator(".person.is-speaking")).to_have_count(1)
        await expect(s.page.locator(".person.is-speaking")).to_contain_text(speaking)
        await expect(s.page.locator(".person.is-speaking .turn-tag:not(.turn-next)")).to_have_text(
            "aan de beurt"
        )
        await expect(s.page.locator(".round")).to_contain_text(f"Beurt: {speaking}")
        if next_up is None:
            await expect(s.page.locator(".person.is-next")).to_have_count(0)
        else:
            await expect(s.page.locator(".person.is-next")).to_contain_text(next_up)
            await expect(s.page.locator(".person.is-next .turn-next")).to_have_text("Hierna")


async def test_round_robin_with_time_boxes(sqlite_server: ServerProc, screens: Any) -> None:
    room = create_room(sqlite_server.base, "basis", title="Ronde")
    url = f"{sqlite_server.base}/r/{room['room']}#"
    fac = await screens("Fenna")
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    speakers = [await screens(n) for n in ("Anna", "Bram", "Cas")]
    for s in speakers:
        await join(s.page, url + room["join_key"], s.name)
    everyone = (fac, *speakers)
    anna, bram, cas = speakers
    for s in everyone:
        await expect(s.page.locator(".people")).to_contain_text("4 van 4 online")
    await send(fac.page, "phase.goto", {"index": 2})
    order = [await my_pid(s.page) for s in speakers]

    # The round starts: Anna speaks, Bram is next, on all four screens.
    await send(fac.page, "round.start", {"order": order, "seconds": 20})
    await turn(everyone, "Anna", "Bram")

    # The time box counts down on every screen.
    first = [seconds(await s.page.locator(".round-time").inner_text()) for s in everyone]
    assert all(15 <= t <= 20 for t in first), first
    await asyncio.sleep(2.2)
    later = [seconds(await s.page.locator(".round-time").inner_text()) for s in everyone]
    assert all(b < a for a, b in zip(first, later, strict=True)), (first, later)

    # Only the speaker (and the facilitator) can pass the turn.
    for s in (bram, cas):
        await expect(s.page.locator(".people").get_by_role("button", name="Beurt doorgeven")).to_be_hidden()
    await shot(bram.page.locator(".room-side"), ARTIFACTS / "round.png")
    await fac.page.evaluate("window.scrollTo(0, 0)")
    await fac.page.screenshot(path=str(ARTIFACTS / "round-facilitator.png"))

    # Anna passes the turn with her own button: Bram speaks with a fresh time box, Cas is next.
    await anna.page.locator(".people").get_by_role("button", name="Beurt doorgeven").click()
    await turn(everyone, "Bram", "Cas")
    fresh = seconds(await cas.page.locator(".round-time").inner_text())
    assert 17 <= fresh <= 20, fresh

    # The facilitator passes it on from the facilitator panel: Cas speaks, nobody is next.
    await fac.page.locator(".fac").get_by_role("button", name="Beurt doorgeven").click()
    await turn(everyone, "Cas", None)

    # Cas ends the round.
    await cas.page.locator(".people").get_by_role("button", name="Beurt doorgeven").click()
    for s in everyone:
        await expect(s.page.locator(".round")).to_contain_text("De ronde is rond.")
        await expect(s.page.locator(".person.is-speaking")).to_have_count(0)
    for s in everyone:
        assert s.errors == [], f"{s.name}: {s.errors}"


QUESTION = (
    "Maandag presenteerde ik het nieuwe toetsbeleid; na tien minuten viel het stil. "
    "Ik ga dan doorpraten. Hoe krijg ik mijn team aan het meedenken?"
)


async def test_balint_switch_to_basis_keeps_everything_on_screen(
    sqlite_server: ServerProc, screens: Any
) -> None:
    room = create_room(sqlite_server.base, "balint", title="Balint")
    url = f"{sqlite_server.base}/r/{room['room']}#"
    fac, anna, bram = await screens("Fenna"), await screens("Anna"), await screens("Bram")
    everyone = (fac, anna, bram)
    for s in everyone:
        s.page.on("dialog", lambda d: d.accept())
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    await join(anna.page, url + room["join_key"], "Anna")
    await join(bram.page, url + room["join_key"], "Bram")
    await send(fac.page, "role.assign", {"pid": await my_pid(anna.page), "role": "inbrenger", "on": True})
    await send(anna.page, "case.set", {"question": QUESTION})

    async def goto(index: int) -> None:
        await send(fac.page, "phase.goto", {"index": index})
        for s in everyone:
            await wait_state(s.page, f"s.phase.index === {index}")

    # Associating: Bram writes a note in the notes pane.
    note = "Anna kijkt weg als het over de directie gaat."
    await goto(4)
    await bram.page.get_by_role("button", name="Notities").click()
    await bram.page.get_by_label("Nieuwe notitie").fill(note)
    await bram.page.get_by_role("button", name="Notitie toevoegen").click()
    await expect(bram.page.locator("#notes-pane .note")).to_contain_text(note)
    await bram.page.get_by_role("button", name="Notities sluiten").click()

    # Forming the picture: questions, from the board and from the facilitator.
    questions = ["Wat gebeurde er vlak voor de stilte?", "Wie keek er weg?"]
    await goto(5)
    await bram.page.locator("#add-question").fill(questions[0])
    await bram.page.locator("#add-question").press("Enter")
    await send(fac.page, "card.add", {"id": "q2", "kind": "question", "text": questions[1]})

    # Individual judgement (private), revealed by the facilitator.
    judgement = "Ik denk dat het team het beleid niet snapt."
    await goto(6)
    await send(bram.page, "card.add", {"id": "j1", "kind": "judgement", "text": judgement})
    await send(fac.page, "cards.reveal", {"phase": "individueel-oordeel"})

    # Forming a judgement together: a mind-map and another judgement card; the notes revealed.
    nodes = ["Betrokkenheid", "Eigenaarschap van het beleid"]
    group_judgement = "Het team mist de aanleiding voor het beleid."
    await goto(7)
    await send(fac.page, "mindmap.add", {"id": "m1", "parent": "root", "text": nodes[0]})
    await send(fac.page, "mindmap.add", {"id": "m2", "parent": "m1", "text": nodes[1]})
    await send(fac.page, "card.add", {"id": "j2", "kind": "judgement", "text": group_judgement})
    await send(fac.page, "notes.reveal")
    cards = [*questions, judgement, group_judgement]
    for s in everyone:
        await wait_state(s.page, "Object.keys(s.cards).length === 4 && Object.keys(s.notes).length === 1")
        await expect(s.page.locator(".step.is-current")).to_contain_text("Oordeelsvorming")

    # "Terug naar de basismethode": the stepper shows the mapped basis phase ...
    await fac.page.get_by_role("button", name="Terug naar de basismethode").click()
    for s in everyone:
        await expect(s.page.locator(".room-method")).to_have_text("Basismethode")
        await expect(s.page.locator(".step.is-current")).to_contain_text("Herformulering")
        await expect(s.page.locator("#phase-title")).to_have_text("Herformulering")
        await expect(s.page.locator(".step")).to_have_count(6)

    # ... and every piece of content is still on screen.
    for s in everyone:
        page = s.page
        await expect(page.locator(".case-panel")).to_contain_text(QUESTION)
        await page.locator(".earlier summary").click()
        earlier = page.locator(".earlier")
        await expect(earlier).to_contain_text("Uit de eerdere methode")
        for text in cards:
            await expect(earlier.get_by_text(text, exact=True)).to_be_visible()
        # Basis's Herformulering shows the mind-map read-only (its method file's `show`): the nodes
        # are on the board itself, not repeated in the earlier-phases list.
        for text in nodes:
            await expect(page.locator(".board-mindmap")).to_contain_text(text)
        await page.get_by_role("button", name="Notities (1)").click()
        await expect(page.locator("#notes-pane").get_by_text(note)).to_be_visible()
        await page.get_by_role("button", name="Notities sluiten").click()
    await expect(fac.page.locator(".earlier summary")).to_contain_text("Eerdere fasen (4 kaarten)")
    await shot(fac.page.locator(".room-main"), ARTIFACTS / "switch-basis.png")
    for s in everyone:
        assert s.errors == [], f"{s.name}: {s.errors}"
