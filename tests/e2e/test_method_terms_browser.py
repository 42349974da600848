"""Every built-in method on its own terms, in real Chromium (table-driven from the method files):
for each phase, what the method file says is shown (an earlier phase's cards, earlier outcomes)
is on a participant's screen and on the projector, each outcome field is writable by its writers
in the page itself, and the exported Markdown holds every outcome and card under its phase. One
screenshot per method."""

from __future__ import annotations

import re
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room, export_room

from server.methods import Method, MethodLibrary, Phase
from server.paths import METHODS

from .browserlib import T, expect, join, my_pid, send, wait_state

pytestmark = pytest.mark.browser

LIB = MethodLibrary.load(METHODS)
PARTICIPANT_GROUPS = {"all", "participants"}


def _writes_cards(p: Phase) -> bool:
    """Anna, a plain participant, writes this phase's cards."""
    return bool(PARTICIPANT_GROUPS & set(p.writers))


def _outcome_writer(p: Phase, writers: tuple[str, ...]) -> str | None:
    """Who of Ines (the inbrenger) and Anna writes an outcome field."""
    w = set(writers or p.writers)
    if "inbrenger" in w and not p.inbrenger_listens:
        return "inbrenger"
    if w & PARTICIPANT_GROUPS:
        return "participant"
    return None


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(text.split()))


async def _on_screens(pages: list[Any], selector: str, text: str) -> None:
    for page in pages:
        await expect(page.locator(selector).filter(has_text=text).first).to_be_visible(timeout=T)


async def _propose_vote_adopt(
    writer: Any, voter: Any, fac: Any, beamer: Any, phase: str, field: str, text: str
) -> None:
    """A field the group chooses (`propose`): the writer proposes `text` and a weaker one, the
    voter votes for `text`, the projector shows the count, and the facilitator adopts it."""
    form = writer.locator(f".proposals[data-proposals='{phase}/{field}'] form")
    for t in ("Een andere vraag", text):
        await form.locator("textarea").fill(t)
        await form.locator("button[type=submit]").click()
        await expect(writer.locator(".proposal-text").filter(has_text=t)).to_be_visible(timeout=T)
    mine = voter.locator(".proposal").filter(has=voter.locator(".proposal-text", has_text=text))
    await mine.locator("button[aria-pressed]").click()
    await expect(mine.locator("button[aria-pressed='true']")).to_be_visible(timeout=T)
    await expect(beamer.locator(".pj-proposals li").first).to_contain_text(text, timeout=T)
    await expect(beamer.locator(".pj-proposals li").first).to_contain_text("1", timeout=T)
    chosen = fac.locator(".proposal").first  # most votes first
    await expect(chosen.locator(".proposal-text")).to_have_text(text, timeout=T)
    await chosen.locator("button.btn-primary").click()
    await expect(voter.locator(".proposal.is-adopted .proposal-text")).to_have_text(text, timeout=T)


@pytest.mark.parametrize("mid", sorted(LIB.methods))
async def test_every_method_shows_and_keeps_what_its_phases_make(
    sqlite_server: ServerProc, screens: Any, mid: str
) -> None:
    m: Method = LIB.methods[mid]
    base = sqlite_server.base
    room = create_room(base, mid, title=f"Methode {mid}")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna")
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    ines = await screens("Ines")
    await join(ines.page, url + room["join_key"], "Ines")
    anna = await screens("Anna")
    await join(anna.page, url + room["join_key"], "Anna")
    beamer = await screens("Beamer")
    await beamer.page.goto(f"{base}/r/{room['room']}/projector#{room['projector_key']}")
    await send(fac.page, "role.assign", {"pid": await my_pid(ines.page), "role": "inbrenger", "on": True})
    people = {"inbrenger": ines, "participant": anna}

    cards: list[tuple[int, str, str]] = []  # (phase index, kind, text)
    outcomes: list[tuple[int, str]] = []  # (phase index, text)
    for i, p in enumerate(m.phases):
        if i:
            await send(fac.page, "phase.next")
            for s in (anna, ines):
                await wait_state(s.page, f"s.phase.index === {i}")
        # What the phase shows of earlier phases, on Anna's screen and on the projector.
        for entry in p.show:
            if entry.startswith("cards:"):
                for j, kind, text in cards:
                    if kind == entry[6:] and j < i:
                        await _on_screens([anna.page], ".cards-panel .card", text)
                        await _on_screens([beamer.page], ".pj-cards li", text)
            elif entry == "outcomes":
                for j, text in outcomes:
                    if j < i:
                        await _on_screens([anna.page], ".outcomes-panel .outcome.is-pinned", text)
                        await _on_screens([beamer.page], ".pj-outcomes .pj-plan-row", text)
        # This phase's cards (not the check-in, which stays its author's outside a group).
        if _writes_cards(p):
            for kind in p.cards:
                if kind == "checkin":
                    continue
                text = f"{mid} {p.id} {kind} kaart"
                await send(anna.page, "card.add", {"id": f"k{i}{kind}"[:40], "kind": kind, "text": text})
                cards.append((i, kind, text))
        # Its outcome fields, written in the page by their writers; on every screen and the projector.
        for o in p.outcomes:
            who = _outcome_writer(p, o.writers)
            assert who is not None, f"{mid}/{p.id}/{o.id}: nobody could write it"
            page = people[who].page
            text = f"{mid} {p.id} {o.id} uitkomst"
            if o.propose:  # proposed, voted on by another, adopted by the facilitator
                other = anna if who == "inbrenger" else ines
                await _propose_vote_adopt(page, other.page, fac.page, beamer.page, p.id, o.id, text)
            else:
                box = page.locator(f"#outcome-{p.id}-{o.id}")
                await box.fill(text)
                await box.press("Tab")  # leaving the field saves it
            await wait_state(page, f"(s.outcomes || {{}})['{p.id}/{o.id}'] === {text!r}")
            other = anna if who == "inbrenger" else ines
            field = other.page.locator(f"#outcome-{p.id}-{o.id}")  # a box where they write too
            if await field.evaluate("e => e.tagName") == "TEXTAREA":
                await expect(field).to_have_value(text, timeout=T)
            else:
                await expect(field).to_have_text(text, timeout=T)
            await _on_screens([beamer.page], ".pj-outcomes .pj-plan-row", text)
            outcomes.append((i, text))
        if p.private:
            await send(fac.page, "cards.reveal", {"phase": p.id})
        if p.outcomes or p.show:
            (ARTIFACTS / "methods").mkdir(parents=True, exist_ok=True)
            await anna.page.screenshot(path=str(ARTIFACTS / "methods" / f"{mid}-{p.id}.png"), full_page=True)
            await beamer.page.screenshot(path=str(ARTIFACTS / "methods" / f"{mid}-{p.id}-projector.png"))
    (ARTIFACTS / "methods").mkdir(parents=True, exist_ok=True)
    await anna.page.screenshot(path=str(ARTIFACTS / "methods" / f"{mid}.png"), full_page=True)
    await beamer.page.screenshot(path=str(ARTIFACTS / "methods" / f"{mid}-projector.png"))

    # The report follows the method: every outcome and card under its own phase's heading.
    token = await anna.page.evaluate(f"Alpine.store('kring').saved({room['room']!r}).token")
    md = export_room(base, room["room"], room["join_key"], token, "md")
    (ARTIFACTS / "methods" / f"{mid}.md").write_text(md, encoding="utf-8")
    sections = {
        int(n): body for n, body in re.findall(r"^## (\d+)\. [^\n]*\n(.*?)(?=^## |\Z)", md, re.M | re.S)
    }
    for j, text in outcomes:
        assert text in _plain(sections.get(j + 1, "")), f"{mid}: outcome {text!r} not under phase {j + 1}"
    for j, _kind, text in cards:
        assert text in _plain(sections.get(j + 1, "")), f"{mid}: card {text!r} not under phase {j + 1}"
    assert ("## Actieplan" in md) == any("plan" in p.tools for p in m.phases)
    # Proposals the group voted on: under their phase in the Markdown and on the report page.
    if any(o.propose for p in m.phases for o in p.outcomes):
        assert "### Voorstellen" in md and "✓ gekozen" in md
        report = await anna.context.new_page()
        await report.goto(f"{base}/r/{room['room']}/report#{room['join_key']}")
        chosen = report.locator(".report-proposals li.is-useful")
        await expect(chosen).to_contain_text("uitkomst", timeout=T)
        await expect(chosen).to_contain_text("1 stem")
        await report.locator(".report-section-phase", has=chosen).screenshot(
            path=str(ARTIFACTS / "methods" / f"{mid}-report-proposals.png")
        )
    for s in (fac, ines, anna, beamer):
        assert not s.errors, s.errors
