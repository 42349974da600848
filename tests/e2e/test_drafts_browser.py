"""Nothing a person types is lost (client/static/js/core/drafts.js), in real headless Chromium.

A plan field and a force box typed into and left unsent when the phase changes: the text is kept
in this browser per room, person and field, and is back in its box after a reload; a plan field
saves itself once the person pauses. Screenshots land in tests/artifacts/drafts-*.png.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import shot
from .test_board_browser import Person, everyone, join, wait_js

pytestmark = pytest.mark.browser

QUESTION = "Hoe deel ik eigenaarschap in mijn team zonder de deadline van de inspectie te missen?"


async def drafts_of(p: Person) -> dict[str, Any]:
    raw: dict[str, Any] = await p.page.evaluate(
        """() => { const o = {}; for (let i = 0; i < localStorage.length; i++) {
             const k = localStorage.key(i);
             if (k.startsWith('kring:draft:')) o[k] = JSON.parse(localStorage.getItem(k)); }
           return o; }"""
    )
    return raw


async def reload(p: Person) -> None:
    await p.page.reload()
    await wait_js(
        p.page, "() => { const k = Alpine.store('kring'); return k.connected && !!k.state && !!k.you; }"
    )


async def box_value(p: Person, sel: str) -> str:
    return str(await p.page.evaluate("(s) => (document.querySelector(s) || {}).value", sel))


async def test_plan_field_and_force_box_survive_a_phase_change_and_a_reload(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Concepten")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    inb = await join(browser, base, rid, room["join_key"], "Ilse")
    people = [fac, inb]
    await fac.send("role.assign", {"pid": await inb.pid(), "role": "inbrenger", "on": True})
    await inb.wait_state("s.may.case")
    await inb.send("case.set", {"question": QUESTION})

    # The force box: typed, never added, and the phase moves on to the plan.
    await fac.send("phase.goto", {"index": 1})
    await everyone(people, "s.phase.index === 1")
    force = "Het team wil de inspectie ook goed afsluiten"
    await inb.page.locator("#ff-add-promoting").fill(force)
    await fac.send("phase.goto", {"index": 4})
    await everyone(people, "s.phase.index === 4")
    kept = await drafts_of(inb)
    assert [d["text"] for k, d in kept.items() if k.endswith(":ff-add-promoting")] == [force]

    # A plan field saves itself when the person pauses.
    action = "Ik wijs per onderdeel van het verbeterplan een trekker aan."
    await inb.page.locator("#plan-action").click()
    await inb.page.locator("#plan-action").press_sequentially(action, delay=5)
    await everyone(people, f"s.plan.action === {json.dumps(action)}")
    assert not any(k.endswith(":plan-action") for k in await drafts_of(inb))

    # Another plan field typed, and the phase changes before the pause: kept as a draft.
    step = "Maandag het plan in het teamoverleg in stukken verdelen."
    await inb.page.locator("#plan-first_step").fill(step)
    await fac.send("phase.goto", {"index": 6})
    await everyone(people, "s.phase.index === 6")
    await asyncio.sleep(1.3)  # the pause timer fires in a phase without the plan
    kept = await drafts_of(inb)
    saved = (await inb.state())["plan"]["first_step"]
    assert saved == step or [d["text"] for k, d in kept.items() if k.endswith(":plan-first_step")] == [
        step
    ], (saved, kept)

    # After a reload, back in the plan's phase: the text is where it was being written.
    await reload(inb)
    await fac.send("phase.goto", {"index": 4})
    await everyone(people, "s.phase.index === 4")
    await wait_js(inb.page, "(t) => document.querySelector('#plan-first_step').value === t", arg=step)
    await inb.page.locator(".board-plan").screenshot(path=str(ARTIFACTS / "drafts-plan-after-reload.png"))

    # And in the forces' phase the force box holds what was typed, ready to add.
    await fac.send("phase.goto", {"index": 1})
    await everyone(people, "s.phase.index === 1")
    await wait_js(inb.page, "(t) => document.querySelector('#ff-add-promoting').value === t", arg=force)
    await inb.page.locator(".board-forcefield").screenshot(
        path=str(ARTIFACTS / "drafts-force-after-reload.png")
    )
    await inb.page.locator("#ff-add-promoting").press("Enter")
    await everyone(people, f"Object.values(s.forcefield.forces).some(f => f.text === {json.dumps(force)})")
    await wait_js(
        inb.page,
        """() => { for (let i = 0; i < localStorage.length; i++)
             if (localStorage.key(i).endsWith(':ff-add-promoting')) return false;
           return true; }""",
    )

    # Erasing the room takes every draft of it from this browser.
    await inb.page.locator("#ff-add-hindering").fill("Werkdruk rond de toetsweek")
    assert any(k.endswith(":ff-add-hindering") for k in await drafts_of(inb))
    await fac.page.evaluate("Alpine.store('kring').send('room.erase', {})")  # answered by the close
    await wait_js(inb.page, "() => Alpine.store('kring').fatal === 'erased'")
    assert await drafts_of(inb) == {}
    for p in people:
        await p.ctx.close()
        assert not [e for e in p.errors if "pageerror" in e], p.errors


async def test_offline_card_refused_after_a_phase_change_is_parked(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Geparkeerd")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    bram = await join(browser, base, rid, room["join_key"], "Bram")
    people = [fac, bram]
    await fac.send("phase.goto", {"index": 2})
    await everyone(people, "s.phase.index === 2")

    # Bram writes a question card offline; the phase moves on before he is back.
    offline = "Wat zou je collega zeggen als je het haar vroeg?"
    await bram.ctx.set_offline(True)
    await wait_js(bram.page, "() => !Alpine.store('kring').connected")
    box = bram.page.locator("#add-question")
    await box.fill(offline)
    await box.press("Enter")
    await fac.send("phase.next")
    await fac.wait_state("s.phase.index === 3")
    await bram.ctx.set_offline(False)
    await bram.wait_state("s.phase.index === 3")

    # Refused (the phase is closed): the text is parked, with a Dutch message and three choices.
    banner = bram.page.locator(".banner-error")
    await banner.wait_for(state="visible")
    assert (await banner.locator(".banner-text").inner_text()).strip() == "Dat is in deze fase niet open"
    parked = bram.page.locator(".drafts-panel")
    await parked.wait_for(state="visible")
    item = parked.locator(".draft-item").first
    assert await item.locator(".draft-text").input_value() == offline
    assert "Kaart" in await item.inner_text()
    for label in ("Kopiëren", "Bewaren", "Weggooien"):
        assert await item.get_by_role("button", name=label).count() == 1
    await shot(parked, ARTIFACTS / "drafts-parked-offline-card.png")
    assert offline not in json.dumps(await fac.state())

    # Keep it: it moves to the personal stash of this browser, and survives a reload.
    await item.get_by_role("button", name="Bewaren").click()
    stash = parked.locator(".draft-stash .draft-item")
    await stash.first.wait_for(state="visible")
    await reload(bram)
    await bram.page.locator(".drafts-panel .draft-stash .draft-item").first.wait_for(state="visible")
    assert await bram.page.locator(".drafts-panel .draft-stash .draft-text").first.input_value() == offline
    await shot(bram.page.locator(".drafts-panel"), ARTIFACTS / "drafts-stash.png")

    # Discard it: gone from the page and from the browser.
    await bram.page.locator(".drafts-panel .draft-stash").get_by_role("button", name="Weggooien").click()
    await bram.page.locator(".drafts-panel").wait_for(state="hidden")
    assert await drafts_of(bram) == {}
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_two_people_editing_one_plan_field(sqlite_server: ServerProc, browser: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Samen schrijven")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    inb = await join(browser, base, rid, room["join_key"], "Ilse")
    people = [fac, inb]
    await fac.send("role.assign", {"pid": await inb.pid(), "role": "inbrenger", "on": True})
    await inb.wait_state("s.may.case")
    await inb.send("case.set", {"question": QUESTION})
    await fac.send("phase.goto", {"index": 4})
    await everyone(people, "s.phase.index === 4")

    # Fenna starts in the field; meanwhile Ilse writes and saves it.
    await fac.page.locator("#plan-action").click()
    ilse = "Ik wijs per onderdeel een trekker aan."
    await inb.page.locator("#plan-action").fill(ilse)
    await inb.page.locator("#plan-action").press("Enter")
    await everyone(people, f"s.plan.action === {json.dumps(ilse)}")
    # Fenna's text, from the version before Ilse's: refused, shown, nothing overwritten.
    fenna = "Ik laat het team zelf de trekkers kiezen."
    await fac.page.locator("#plan-action").fill(fenna)
    conflict = fac.page.locator(".field-conflict[data-conflict='plan.action']")
    await conflict.wait_for(state="visible")
    assert ilse in await conflict.inner_text()
    assert await fac.page.locator("#plan-action").input_value() == fenna
    assert (await inb.state())["plan"]["action"] == ilse
    for label in ("Mijn tekst houden", "Hun tekst nemen", "Zelf samenvoegen"):
        assert await conflict.get_by_role("button", name=label).count() == 1
    await shot(
        fac.page.locator(".board-plan li[data-field='action']"), ARTIFACTS / "drafts-plan-conflict.png"
    )

    # Merging by hand: both texts in the box, saved from the current version.
    await conflict.get_by_role("button", name="Zelf samenvoegen").click()
    await conflict.wait_for(state="hidden")
    merged = await fac.page.locator("#plan-action").input_value()
    assert ilse in merged and fenna in merged
    await fac.page.locator("#plan-action").press("Enter")
    await everyone(people, f"s.plan.action === {json.dumps(merged.strip())}")

    # The case question: Fenna opens the editor, Ilse changes the question meanwhile; Fenna's save
    # is refused in Dutch, her text stays in the box (and as a draft), nothing is overwritten.
    await fac.page.get_by_role("button", name="Werkvraag of herformulering bewerken").click()
    newer = "Hoe geef ik het team de trekkersrol zonder alles los te laten?"
    await inb.send("case.set", {"question": newer})
    await fac.wait_state(f"s.case.question === {json.dumps(newer)}")
    hers = "Hoe laat ik het team meer zelf doen?"
    await fac.page.locator("#case-question").fill(hers)
    await fac.page.get_by_role("button", name="Werkvraag opslaan").click()
    banner = fac.page.locator(".banner-error .banner-text")
    await banner.wait_for(state="visible")
    assert (await banner.inner_text()).strip() == "Dat botst met een andere wijziging"
    case_panel = fac.page.locator(".field-conflict[data-conflict='case.question']")
    await case_panel.wait_for(state="visible")
    assert newer in await case_panel.inner_text()
    assert await fac.page.locator("#case-question").input_value() == hers
    assert (await inb.state())["case"]["question"] == newer
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_own_evaluation_answers_are_shown_to_their_author_only(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Evaluatie")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    par = await join(browser, base, rid, room["join_key"], "Pieter")
    people = [fac, par]
    await fac.send("phase.goto", {"index": 6})
    await everyone(people, "s.phase.index === 6")
    panel = par.page.locator(".eval-panel")
    await panel.wait_for(state="visible")
    assert "Alleen jij ziet je eigen antwoorden" in await panel.inner_text()
    learned = "Doorvragen helpt meer dan advies geven."
    await panel.locator("input[name='eval-content'][value='4']").check()
    await panel.locator("#eval-learned").fill(learned)
    await panel.get_by_role("button", name="Versturen").click()
    mine = panel.locator(".eval-mine")
    await mine.wait_for(state="visible")
    assert learned in await mine.inner_text() and "4" in await mine.inner_text()
    await shot(panel, ARTIFACTS / "drafts-eval-mine.png")
    await fac.wait_state("s.evaluation.n === 1")
    assert learned not in await fac.page.locator("body").inner_text()
    assert learned not in json.dumps(await fac.state())
    # Their own report shows them too; the facilitator's does not.
    for who, key, shown in ((par, room["join_key"], True), (fac, room["facilitator_key"], False)):
        rep = await who.ctx.new_page()
        await rep.goto(f"{base}/r/{rid}/report#{key}")
        await rep.locator(".report-section-eval").wait_for(state="visible")
        text = await rep.locator(".report-section-eval").inner_text()
        assert (learned in text) is shown, (who.name, text)
        if shown:
            assert "Jouw eigen antwoorden" in text
            await shot(rep.locator(".report-section-eval"), ARTIFACTS / "drafts-report-eval-mine.png")
        await rep.close()
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_a_plan_draft_kept_over_a_reload_keeps_its_base(
    sqlite_server: ServerProc, browser: Any
) -> None:
    """The draft names the version it was started from: after a reload, someone else's save in
    between is a conflict to resolve, never silently overwritten."""
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Concept van gisteren")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    inb = await join(browser, base, rid, room["join_key"], "Ilse")
    people = [fac, inb]
    await fac.send("role.assign", {"pid": await inb.pid(), "role": "inbrenger", "on": True})
    await inb.wait_state("s.may.case")
    await fac.send("phase.goto", {"index": 4})
    await everyone(people, "s.phase.index === 4")

    # Ilse's text is kept as a draft (not saved yet) from version 0.
    mine = "Na elke les noteer ik wie het woord nam."
    await inb.page.locator("#plan-measurable").wait_for(state="visible")
    await inb.page.evaluate(
        """(t) => { const b = document.querySelector('#plan-measurable'); b.value = t;
                    b.dispatchEvent(new Event('input', { bubbles: true })); }""",
        mine,
    )
    kept = [d for k, d in (await drafts_of(inb)).items() if k.endswith(":plan-measurable")]
    assert kept and kept[0]["text"] == mine and kept[0]["base"] == 0, kept
    # Fenna saves the field meanwhile; Ilse reloads.
    theirs = "Elke week tel ik de beurten per leerling."
    r = await fac.send("plan.set", {"field": "measurable", "text": theirs})
    await reload(inb)
    await wait_js(inb.page, "(t) => document.querySelector('#plan-measurable').value === t", arg=mine)
    assert (await inb.state())["versions"]["plan.measurable"] == r["seq"]
    # Sending the restored draft: refused as stale, the panel shows theirs, nothing overwritten.
    await inb.page.locator("#plan-measurable").press("Enter")
    panel = inb.page.locator(".field-conflict[data-conflict='plan.measurable']")
    await panel.wait_for(state="visible")
    assert theirs in await panel.inner_text()
    assert (await fac.state())["plan"]["measurable"] == theirs
    await shot(
        inb.page.locator(".board-plan li[data-field='measurable']"), ARTIFACTS / "drafts-plan-base-kept.png"
    )
    # Keeping hers: now against the current version.
    await panel.get_by_role("button", name="Mijn tekst houden").click()
    await everyone(people, f"s.plan.measurable === {json.dumps(mine)}")
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_a_new_mind_map_idea_survives_the_phase_change(sqlite_server: ServerProc, browser: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Ideeën")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    joost = await join(browser, base, rid, room["join_key"], "Joost")
    people = [fac, joost]
    await fac.send("phase.goto", {"index": 2})  # onderzoeken: the mind-map is open
    await everyone(people, "s.phase.index === 2")
    await joost.page.get_by_role("button", name="Nieuw idee eronder").click()
    idea = "Het team wacht op toestemming"
    await joost.page.keyboard.type(idea)
    assert [d["text"] for k, d in (await drafts_of(joost)).items() if k.endswith(":mm-add-root")] == [idea]
    await fac.send("phase.goto", {"index": 4})  # the mind-map is neither open nor shown
    await everyone(people, "s.phase.index === 4")
    item = joost.page.locator(".draft-item[data-draft-item='mm-add-root']")
    await item.wait_for(state="visible")
    assert "Mindmap" in await item.inner_text()
    assert await item.locator(".draft-text").input_value() == idea
    await shot(joost.page.locator(".drafts-panel"), ARTIFACTS / "drafts-mindmap-idea.png")
    # Back where it was written: the editor holds it again when the person adds under the root.
    await fac.send("phase.goto", {"index": 2})
    await everyone(people, "s.phase.index === 2")
    await joost.page.get_by_role("button", name="Nieuw idee eronder").click()
    await wait_js(joost.page, "(t) => document.querySelector('.mm-editor').value === t", arg=idea)
    await joost.page.keyboard.press("Enter")
    await everyone(people, f"Object.values(s.mindmap.nodes).some(n => n.text === {json.dumps(idea)})")
    await wait_js(joost.page, "() => !Object.keys(localStorage).some(k => k.endsWith(':mm-add-root'))")
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()
