"""Who is still writing (client/static/js/core/typing.js, server/typing_presence.py), and concurrent
edits of a card's text (core/conflicts.js), in real headless Chromium.

Typing presence is seen on a second screen by name where the board is shared, only as a count in a
private phase and for notes; the raw WebSocket frames every other page receives never carry the
typed text, and in a private phase or for notes neither who writes. The facilitator is asked before
a phase change closes a tool someone is writing in. Screenshots: tests/artifacts/typing-*.png.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import shot
from .test_board_browser import Person, everyone, join, wait_js

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SECRET = "GEHEIM-tekst-4711"


def typing_frames(p: Person) -> list[dict[str, Any]]:
    return [m for m in (json.loads(f) for f in p.frames) if m.get("t") == "typing"]


async def both_sizes(p: Person, target: Any, name: str) -> None:
    await shot(target, ARTIFACTS / f"typing-{name}-laptop.png")
    await p.page.set_viewport_size(PHONE)
    await shot(target, ARTIFACTS / f"typing-{name}-phone.png")
    await p.page.set_viewport_size(LAPTOP)


async def test_typing_seen_on_a_second_screen_and_the_facilitator_asked(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Wie schrijft er")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    joost = await join(browser, base, rid, room["join_key"], "Joost")
    anna = await join(browser, base, rid, room["join_key"], "Anna")
    people = [fac, joost, anna]
    await fac.send("phase.goto", {"index": 2})  # onderzoeken: question cards, shared
    await everyone(people, "s.phase.index === 2")

    # Anna writes a question and sends it: she is shown while writing, and not once it is sent
    # (well before the 5 s a pause takes).
    await anna.page.locator("#add-question").click()
    await anna.page.keyboard.type("Wie was er nog meer bij?")
    line = fac.page.locator(".cards-panel .typing-line")
    await line.wait_for(state="visible")
    assert (await line.inner_text()).strip() == "Anna schrijft…"
    await anna.page.keyboard.press("Enter")
    await line.wait_for(state="hidden", timeout=2500)

    # Joost types a question and does not send it yet.
    await joost.page.locator("#add-question").click()
    await joost.page.keyboard.type(f"Wat gebeurde er vlak voor de stilte? {SECRET}")
    for p in (fac, anna):
        line = p.page.locator(".cards-panel .typing-line")
        await line.wait_for(state="visible")
        assert (await line.inner_text()).strip() == "Joost schrijft…"
    await both_sizes(fac, fac.page.locator(".cards-panel"), "shared-cards")
    # His own screen says nothing about himself.
    assert not await joost.page.locator(".cards-panel .typing-line").is_visible()

    # The facilitator moves on: asked first, in Dutch; "no" keeps the phase.
    asked: list[str] = []

    async def decline(d: Any) -> None:
        asked.append(d.message)
        await d.dismiss()

    fac.page.once("dialog", decline)
    await fac.page.get_by_role("button", name="Volgende fase").click()
    await wait_js(fac.page, "() => true")
    assert asked == ["1 persoon schrijft nog — toch verder?"]
    assert (await fac.state())["phase"]["index"] == 2

    async def accept(d: Any) -> None:
        asked.append(d.message)
        await d.accept()

    fac.page.once("dialog", accept)
    await fac.page.get_by_role("button", name="Volgende fase").click()
    await everyone(people, "s.phase.index === 3")
    assert len(asked) == 2
    # The text he typed is still his (the drafts panel), and it never went to anyone else.
    kept = joost.page.locator(".draft-item[data-draft-item='card-question'] .draft-text")
    await kept.wait_for(state="visible")
    assert SECRET in await kept.input_value()
    for p in (fac, anna):
        assert typing_frames(p), p.name
        assert not [f for f in p.frames if SECRET in f], p.name
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_private_phase_and_notes_show_only_a_count(sqlite_server: ServerProc, browser: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "incident", title="Alleen tellen")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    joost = await join(browser, base, rid, room["join_key"], "Joost")
    anna = await join(browser, base, rid, room["join_key"], "Anna")
    lia = await join(browser, base, rid, room["join_key"], "Lia")
    people = [fac, joost, anna, lia]
    await fac.send("role.assign", {"pid": await lia.pid(), "role": "listener", "on": True})
    phases = [p["id"] for p in (await fac.state())["method"]["phases"]]
    await fac.send("phase.goto", {"index": phases.index("vragen-noteren")})  # private
    await everyone(people, f"s.phase.index === {phases.index('vragen-noteren')}")

    await joost.page.locator("#add-question").click()
    await joost.page.keyboard.type(f"Wat wilde je bereiken? {SECRET}")
    await anna.page.locator("#add-question").click()
    await anna.page.keyboard.type(f"Wie was erbij? {SECRET}")
    line = fac.page.locator(".cards-panel .typing-line")
    await line.wait_for(state="visible")
    await wait_js(
        fac.page,
        "() => (document.querySelector('.cards-panel .typing-line') || {}).innerText === '2 mensen schrijven nog'",
    )
    await both_sizes(fac, fac.page.locator(".cards-panel"), "private-count")
    # Lia writes a note: the others may learn how many write notes, never who.
    await lia.page.locator("#notes-toggle").click()
    await lia.page.locator("#note-new").click()
    await lia.page.keyboard.type(f"Joost kijkt weg {SECRET}")
    await wait_js(fac.page, "() => (Alpine.store('kring').typing.counts || {}).notes === 1")
    # The facilitator sees it beside revealing the notes, Joost (a note writer too) in his notes.
    notes_line = fac.page.locator(".fac .typing-line[data-tool='notes']")
    await notes_line.wait_for(state="visible")
    assert (await notes_line.inner_text()).strip() == "1 persoon schrijft nog"
    await both_sizes(fac, fac.page.locator(".fac"), "notes-count-facilitator")
    await both_sizes(lia, lia.page.locator("#notes-pane"), "notes-writer")

    pids = {p.name: await p.pid() for p in people}
    for p in people:
        frames = typing_frames(p)
        assert frames, p.name
        raw = json.dumps(frames)
        assert SECRET not in "".join(p.frames)
        for name, pid in pids.items():
            if name != p.name:
                assert pid not in raw and name not in raw, (p.name, name)
        assert all(not f["writing"] for f in frames), (p.name, frames)
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_a_card_text_changed_meanwhile_shows_the_conflict_panel(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Botsende kaart")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    anna = await join(browser, base, rid, room["join_key"], "Anna")
    people = [fac, anna]
    await fac.send("phase.goto", {"index": 2})
    await everyone(people, "s.phase.index === 2")
    await anna.send("card.add", {"id": "q1", "kind": "question", "text": "Wat deed je toen?"})
    await everyone(people, "!!s.cards.q1")

    # Fenna opens the card's editor; Anna edits her own card meanwhile: Fenna sees her in the field.
    await fac.page.locator("#card-editbtn-q1").click()
    await anna.page.locator("#card-editbtn-q1").click()
    await anna.page.locator("#card-edit-q1").press("End")
    await anna.page.keyboard.type(" En daarna?")
    who = fac.page.locator("li[data-card='q1'] .typing-field")
    await who.wait_for(state="visible")
    assert (await who.inner_text()).strip() == "Anna bewerkt dit veld ook"
    await both_sizes(fac, fac.page.locator("li[data-card='q1']"), "card-field-editor")
    await anna.page.get_by_role("button", name="Opslaan").click()
    await everyone(people, "s.cards.q1.text === 'Wat deed je toen? En daarna?'")

    # Fenna's edit started from the version before Anna's: refused, shown, nothing overwritten.
    box = fac.page.locator("#card-edit-q1")
    await box.fill("Wat deed je op dat moment?")
    await fac.page.locator("li[data-card='q1']").get_by_role("button", name="Opslaan").click()
    panel = fac.page.locator(".field-conflict[data-conflict='card.q1']")
    await panel.wait_for(state="visible")
    assert "Wat deed je toen? En daarna?" in await panel.inner_text()
    assert await box.input_value() == "Wat deed je op dat moment?"  # her text, back in the editor
    for label in ("Mijn tekst houden", "Hun tekst nemen", "Zelf samenvoegen"):
        assert await panel.get_by_role("button", name=label).count() == 1
    assert (await anna.state())["cards"]["q1"]["text"] == "Wat deed je toen? En daarna?"
    await both_sizes(fac, fac.page.locator("li[data-card='q1']"), "card-conflict")

    # Merging by hand: both texts in the editor, sent from the current version.
    await panel.get_by_role("button", name="Zelf samenvoegen").click()
    await panel.wait_for(state="hidden")
    merged = await box.input_value()
    assert "En daarna?" in merged and "op dat moment" in merged
    await fac.page.locator("li[data-card='q1']").get_by_role("button", name="Opslaan").click()
    await everyone(people, f"s.cards.q1.text === {json.dumps(merged.strip())}")
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_the_situation_shows_its_other_writer_and_a_conflict(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Situatie")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    inb = await join(browser, base, rid, room["join_key"], "Ilse")
    people = [fac, inb]
    await fac.send("role.assign", {"pid": await inb.pid(), "role": "inbrenger", "on": True})
    await fac.send("phase.goto", {"index": 1})
    await everyone(people, "s.phase.index === 1 && s.may.case")

    # Fenna started on the current situation (a draft from version 0, not saved yet).
    fenna = "Niemand zegt iets in het overleg."
    await fac.page.locator("#ff-current").wait_for(state="visible")
    await fac.page.evaluate(
        """(t) => { const b = document.querySelector('#ff-current'); b.value = t;
                    b.dispatchEvent(new Event('input', { bubbles: true })); }""",
        fenna,
    )
    # Ilse writes there too: Fenna sees who, then Ilse's text is saved when she pauses.
    ilse = "Het team zwijgt als de leiding erbij is."
    await inb.page.locator("#ff-current").click()
    await inb.page.keyboard.type(ilse)
    who = fac.page.locator(".ff-sit-box .typing-field").first
    await who.wait_for(state="visible")
    assert (await who.inner_text()).strip() == "Ilse bewerkt dit veld ook"
    await both_sizes(fac, fac.page.locator(".ff-situation"), "situation-editor")
    await everyone(people, f"s.forcefield.current === {json.dumps(ilse)}")

    # Fenna sends hers: refused as stale, the panel shows Ilse's, her own stays in the box.
    await fac.page.locator("#ff-current").press("Enter")
    panel = fac.page.locator(".field-conflict[data-conflict='forcefield.current']")
    await panel.wait_for(state="visible")
    assert ilse in await panel.inner_text()
    assert await fac.page.locator("#ff-current").input_value() == fenna
    assert (await inb.state())["forcefield"]["current"] == ilse
    await both_sizes(fac, fac.page.locator(".ff-situation"), "situation-conflict")
    # Taking theirs: Ilse's text in the box, Fenna's draft gone, nothing sent.
    await panel.get_by_role("button", name="Hun tekst nemen").click()
    await panel.wait_for(state="hidden")
    assert await fac.page.locator("#ff-current").input_value() == ilse
    await wait_js(fac.page, "() => !Object.keys(localStorage).some(k => k.endsWith(':ff-current'))")
    assert (await inb.state())["forcefield"]["current"] == ilse
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()


async def test_a_node_text_changed_meanwhile_shows_the_conflict_panel(
    sqlite_server: ServerProc, browser: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Botsende knoop")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    anna = await join(browser, base, rid, room["join_key"], "Anna")
    people = [fac, anna]
    await fac.send("phase.goto", {"index": 2})  # onderzoeken: the mind-map is open
    await everyone(people, "s.phase.index === 2")
    await anna.send("mindmap.add", {"id": "n1", "parent": "root", "text": "Team"})
    await everyone(people, "!!s.mindmap.nodes.n1")

    # Fenna opens the node's editor (F2); Anna renames the node meanwhile.
    await fac.page.click(".board-mindmap .mm-node[data-id='n1']")
    await fac.page.keyboard.press("F2")
    editor = fac.page.locator(".board-mindmap .mm-editor")
    await editor.wait_for(state="visible")
    await anna.send("mindmap.edit", {"id": "n1", "text": "Het hele team"})
    await everyone(people, "s.mindmap.nodes.n1.text === 'Het hele team'")
    await editor.fill("Het kernteam")
    await editor.press("Enter")
    panel = fac.page.locator(".field-conflict[data-conflict='node.n1']")
    await panel.wait_for(state="visible")
    assert "Het hele team" in await panel.inner_text()
    await wait_js(fac.page, "() => document.querySelector('.mm-editor').value === 'Het kernteam'")
    assert (await anna.state())["mindmap"]["nodes"]["n1"]["text"] == "Het hele team"
    await both_sizes(fac, fac.page.locator(".board-mindmap"), "node-conflict")
    # Keeping hers: sent against the current version.
    await panel.get_by_role("button", name="Mijn tekst houden").click()
    await everyone(people, "s.mindmap.nodes.n1.text === 'Het kernteam'")
    await panel.wait_for(state="hidden")
    for p in people:
        assert not [e for e in p.errors if "pageerror" in e], p.errors
        await p.ctx.close()
