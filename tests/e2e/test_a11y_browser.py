"""Accessibility (WCAG 2.1 AA) in real Chromium: axe-core on every page, in the states that matter.

axe-core comes from the npm registry (bin/test: `cd tests/e2e && npm ci`, tests/e2e/package-lock.json) and
is injected with page.add_script_tag(content=…). Such a script is inline, which the page's strict
CSP forbids, so the contexts that run axe (and only those) are made with bypass_csp=True. The CSP
itself is tested in test_room_browser.py and test_security_browser.py.

Every state is checked for zero serious or critical violations; they are collected and reported
together so one run shows all of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ROOT, ServerProc, create_room

from .browserlib import axe, expect, join, my_pid, post_json, send, wait_js, wait_state

pytestmark = pytest.mark.browser

GROUP_TEMPLATE = ROOT / "client" / "templates" / "group.html"
QUESTION = (
    "Vorige week liep mijn teamoverleg uit op ruzie over de roosters. Ik greep niet in. "
    "Hoe kan ik de volgende keer eerder het gesprek sturen?"
)


async def open_screen(screens: Any, name: str) -> Any:
    # bypass_csp: axe is injected as an inline script (see the module docstring).
    return await screens(name, bypass_csp=True)


async def room_pair(screens: Any, base: str, method: str) -> tuple[Any, Any, dict[str, Any], list[str]]:
    """A facilitator and a participant in a new room of `method`, both joined; the join page is
    checked on the way."""
    found: list[str] = []
    room = create_room(base, method, title="Toegankelijkheid")
    url = f"{base}/r/{room['room']}#"
    fac, anna = await open_screen(screens, "Fenna"), await open_screen(screens, "Anna")
    await fac.page.goto(url + room["facilitator_key"])
    await expect(fac.page.get_by_label("Je naam")).to_be_visible()
    found += await axe(fac.page, f"{method} join page")
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    await join(anna.page, url + room["join_key"], "Anna")
    await expect(fac.page.locator(".people")).to_contain_text("2 van 2 online")
    return fac, anna, room, found


async def both(fac: Any, anna: Any, where: str) -> list[str]:
    return await axe(fac.page, f"{where} (facilitator)") + await axe(anna.page, f"{where} (participant)")


async def goto_phase(fac: Any, others: tuple[Any, ...], index: int) -> None:
    await send(fac.page, "phase.goto", {"index": index})
    for s in (fac, *others):
        await wait_state(s.page, f"s.phase.index === {index}")


async def test_start_and_prepare_pages(sqlite_server: ServerProc, screens: Any) -> None:
    s = await open_screen(screens, "Start")
    found: list[str] = []
    await s.page.goto(sqlite_server.base + "/")
    await expect(s.page.locator(".method").first).to_be_visible()
    found += await axe(s.page, "start page")
    await s.page.locator(".method-phases summary").first.click()
    await s.page.get_by_label("Titel van de bijeenkomst").fill("Intervisie")
    await s.page.get_by_role("button", name="Bijeenkomst aanmaken").click()
    await expect(s.page.locator("#join-url")).to_be_visible()
    found += await axe(s.page, "start page, room created")
    await s.page.get_by_role("button", name="English").click()
    found += await axe(s.page, "start page in English")

    await s.page.goto(sqlite_server.base + "/prepare")
    await expect(s.page.locator("#zq-werkvraag")).to_be_visible()
    found += await axe(s.page, "prepare page")
    assert found == [], "\n".join(found)
    assert s.errors == []


async def test_basis_room_projector_and_report(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    fac, anna, room, found = await room_pair(screens, base, "basis")
    anna_pid = await my_pid(anna.page)
    found += await both(fac, anna, "introduction phase")

    # The vote: two pitches, one vote cast, then closed.
    await goto_phase(fac, (anna,), 1)
    await anna.page.locator("#vote-pitch-text").fill("Mijn teamoverleg liep uit op ruzie. Hoe stuur ik bij?")
    await anna.page.get_by_role("button", name="Inbrengen", exact=True).click()
    await send(fac.page, "case.propose", {"id": "pf", "text": "Een collega belt me elke avond. Wat doe ik?"})
    await wait_state(anna.page, "Object.keys(s.vote.candidates).length === 2")
    await send(anna.page, "vote.cast", {"id": "pf"})
    found += await both(fac, anna, "vote phase, open")
    await send(fac.page, "vote.close")
    await wait_state(anna.page, "s.vote.closed")
    found += await both(fac, anna, "vote phase, closed")

    # The investigation: the case, question cards from both, mind-map nodes, a round of turns.
    await send(fac.page, "role.assign", {"pid": anna_pid, "role": "inbrenger", "on": True})
    await send(fac.page, "case.set", {"question": QUESTION})
    await goto_phase(fac, (anna,), 2)
    await send(fac.page, "card.add", {"id": "q1", "kind": "question", "text": "Wat deed je toen?"})
    await send(
        anna.page, "card.add", {"id": "q2", "kind": "question", "text": "Heb je al overwogen te stoppen?"}
    )
    await send(fac.page, "card.mark", {"id": "q1", "useful": True})
    await send(fac.page, "mindmap.add", {"id": "m1", "parent": "root", "text": "Roosters"})
    await send(fac.page, "mindmap.add", {"id": "m2", "parent": "m1", "text": "Wie beslist?"})
    await send(fac.page, "round.start", {"seconds": 60})
    await send(fac.page, "timer.start", {"seconds": 600})
    await wait_state(anna.page, "!!s.round && Object.keys(s.cards).length === 2")
    await expect(anna.page.locator(".cards-panel .card")).to_have_count(2)
    found += await both(fac, anna, "investigation phase with cards")
    await anna.page.locator("#add-question").fill("Heb je al overwogen om te stoppen?")
    await expect(anna.page.locator(".card-add .hint")).to_be_visible()
    found += await axe(anna.page, "investigation phase, question hint shown (participant)")
    # The case editor, open, with its checklist.
    await (
        fac.page.locator(".case-panel")
        .get_by_role("button", name="Werkvraag of herformulering bewerken")
        .click()
    )
    found += await axe(fac.page, "case editor (facilitator)")

    # The projector in the investigation phase (a read-only screen with the projector key).
    pj = await open_screen(screens, "Projector")
    await pj.page.goto(f"{base}/r/{room['room']}/projector#{room['projector_key']}")
    await expect(pj.page.locator(".pj-phase")).to_have_text("Onderzoeken")
    found += await axe(pj.page, "projector, investigation phase")

    # The action plan: advice cards, plan fields, a suggestion waiting for the inbrenger.
    await goto_phase(fac, (anna, pj), 4)
    await send(
        fac.page, "card.add", {"id": "a1", "kind": "advice", "text": "Zet de roosters als eerste punt."}
    )
    await send(fac.page, "plan.set", {"field": "action", "text": "Ik open het overleg met de roosters."})
    await send(fac.page, "plan.suggest", {"id": "s1", "field": "first_step", "text": "Agenda sturen"})
    await wait_state(anna.page, "Object.keys(s.suggestions).length === 1")
    await send(fac.page, "timer.start", {"seconds": 50})
    await expect(anna.page.locator(".timer")).to_have_class(re.compile(r"\bis-low\b"))
    found += await both(fac, anna, "plan phase, under a minute left")
    found += await axe(pj.page, "projector, plan phase")

    # Notes (a silent listener's), revealed, the drawer open.
    fac_pid = await my_pid(fac.page)
    await send(fac.page, "role.assign", {"pid": fac_pid, "role": "listener", "on": True})
    await send(fac.page, "note.add", {"id": "n1", "text": "Anna praat sneller bij de directie."})
    await send(fac.page, "role.assign", {"pid": fac_pid, "role": "listener", "on": False})
    await send(fac.page, "notes.reveal")
    await anna.page.get_by_role("button", name="Notities (1)").click()
    await expect(anna.page.locator("#notes-pane")).to_be_visible()
    found += await axe(anna.page, "notes drawer (participant)")
    await anna.page.get_by_role("button", name="Notities sluiten").click()

    # The evaluation, with the earlier phases (cards and the mind-map) open and time run out;
    # then the report as the facilitator sees it.
    await goto_phase(fac, (anna,), 5)
    await send(anna.page, "eval.submit", {"content": 4, "process": 5, "learned": "Eerst vragen."})
    await send(fac.page, "timer.start", {"seconds": 1})
    for s in (fac, anna):
        await s.page.locator(".earlier summary").click()
        await expect(s.page.locator(".earlier-outline")).to_contain_text("Wie beslist?")
        await expect(s.page.locator(".timer")).to_have_class(re.compile(r"\bis-over\b"))
        # Opening the summary scrolled the page: what went under the sticky bar is not a target.
        await s.page.evaluate("window.scrollTo(0, 0)")
    found += await both(fac, anna, "evaluation phase, earlier phases open, time up")

    await fac.page.goto(f"{base}/r/{room['room']}/report#{room['facilitator_key']}")
    await expect(fac.page.locator(".report h1")).to_contain_text("Toegankelijkheid")
    await expect(fac.page.locator(".report-section-question")).to_be_visible()
    found += await axe(fac.page, "report page")
    assert found == [], "\n".join(found)
    for s in (anna, pj):
        assert s.errors == [], f"{s.name}: {s.errors}"


async def test_forcefield_room(sqlite_server: ServerProc, screens: Any) -> None:
    fac, anna, room, found = await room_pair(screens, sqlite_server.base, "krachtenveld")
    await goto_phase(fac, (anna,), 1)
    await send(
        fac.page, "forcefield.set", {"current": "Het team wacht af.", "desired": "Iedereen pakt taken."}
    )
    await send(fac.page, "force.add", {"id": "f1", "side": "promoting", "text": "Betrokken team"})
    await send(anna.page, "force.add", {"id": "f2", "side": "hindering", "text": "Strakke deadline"})
    await send(fac.page, "force.flag", {"id": "f1", "influenceable": True})
    await goto_phase(fac, (anna,), 3)  # Samenhang en classificatie: the forces are weighed here
    await send(anna.page, "force.rate", {"id": "f1", "importance": 4, "difficulty": 2, "clarity": 5})
    await send(anna.page, "force.link", {"a": "f1", "b": "f2", "on": True})
    await wait_state(fac.page, "Object.keys(s.forcefield.forces).length === 2")
    await expect(fac.page.locator(".ff-item")).to_have_count(2)
    found += await both(fac, anna, "krachtenveld force-field phase")

    pj = await open_screen(screens, "Projector")
    await pj.page.goto(f"{sqlite_server.base}/r/{room['room']}/projector#{room['projector_key']}")
    await expect(pj.page.locator(".pj-ff")).to_be_visible()
    found += await axe(pj.page, "projector, force-field phase")
    assert found == [], "\n".join(found)
    for s in (fac, anna, pj):
        assert s.errors == [], f"{s.name}: {s.errors}"


async def test_waiting_and_closed_screens(sqlite_server: ServerProc, screens: Any) -> None:
    fac, _anna, room, found = await room_pair(screens, sqlite_server.base, "basis")
    await send(fac.page, "room.lock", {"locked": True})
    late = await open_screen(screens, "Laat")
    await late.page.goto(f"{sqlite_server.base}/r/{room['room']}#{room['join_key']}")
    await late.page.get_by_label("Je naam").fill("Laat")
    await late.page.get_by_role("button", name="Meedoen").click()
    await expect(late.page.get_by_role("heading", name="Wachten op toelating")).to_be_visible()
    found += await axe(late.page, "waiting for admission")
    await expect(fac.page.locator(".waiting")).to_contain_text("Laat")
    found += await axe(fac.page, "waiting list (facilitator)")

    bad = await open_screen(screens, "Onbekend")
    await bad.page.goto(f"{sqlite_server.base}/r/{room['room']}")
    await expect(bad.page.get_by_role("heading", name="Deze link is onvolledig")).to_be_visible()
    found += await axe(bad.page, "incomplete link")
    assert found == [], "\n".join(found)


@pytest.mark.skipif(not GROUP_TEMPLATE.exists(), reason="no group page yet (client/templates/group.html)")
async def test_group_page(sqlite_server: ServerProc, screens: Any) -> None:
    g = post_json(sqlite_server.base + "/api/groups", {"name": "Teamleiders Noord", "lang": "nl"})
    s = await open_screen(screens, "Groep")
    await s.page.goto(g["admin_url"])
    await expect(s.page.locator("#grp-join-name")).to_be_visible()
    found = await axe(s.page, "group join page")
    await s.page.locator("#grp-join-name").fill("Fenna")
    await s.page.locator("#grp-join-name").press("Enter")
    await expect(s.page.locator(".group-head h1")).to_have_text("Teamleiders Noord")
    found += await axe(s.page, "group page")
    assert found == [], "\n".join(found)
    assert s.errors == [], s.errors


def test_axe_is_pinned() -> None:
    """bin/test installs exactly the axe-core of the committed package-lock.json (`npm ci`), 4.14 or
    newer (WCAG 2.2 rules on by default); a silent upgrade would move the goalposts."""
    here = Path(__file__).resolve().parent
    locked = json.loads((here / "package-lock.json").read_text("utf-8"))["packages"]["node_modules/axe-core"]
    pkg = here / "node_modules" / "axe-core" / "package.json"
    assert pkg.exists(), "axe-core is not installed: run bin/test, or `cd tests/e2e && npm ci`"
    installed = json.loads(pkg.read_text("utf-8"))["version"]
    assert installed == locked["version"]
    assert tuple(int(x) for x in installed.split(".")[:2]) >= (4, 14)


CUES_JS = """() => {
  // Every text the screen-reader cue region takes on, in order (read back by the test).
  const el = document.querySelector('.room > [aria-live="polite"].sr-only');
  window.__cues = [];
  new MutationObserver(() => { if (el.textContent) window.__cues.push(el.textContent); })
    .observe(el, {childList: true, characterData: true, subtree: true});
}"""


async def cues(page: Any) -> list[str]:
    got: list[str] = await page.evaluate("window.__cues.slice()")
    return got


async def test_timer_cues_and_focus_on_phase_change(sqlite_server: ServerProc, screens: Any) -> None:
    fac, anna, _room, _found = await room_pair(screens, sqlite_server.base, "basis")
    anna_pid = await my_pid(anna.page)
    await send(fac.page, "role.assign", {"pid": anna_pid, "role": "inbrenger", "on": True})
    for s in (fac, anna):
        await s.page.evaluate(CUES_JS)

    # A new phase: announced once with its time, and focus goes to the new phase's heading.
    await anna.page.get_by_role("button", name="Werkvraag invullen").focus()
    await goto_phase(fac, (anna,), 2)
    await wait_js(anna.page, "() => document.activeElement.id === 'phase-title'")
    await wait_js(anna.page, "() => window.__cues.length > 0")
    assert await cues(anna.page) == ["Fase 3 van 6: Onderzoeken. Nog 30 minuten."]

    # A running timer is not read out every second: nothing is said for a while.
    await anna.page.wait_for_timeout(3500)
    assert await cues(anna.page) == ["Fase 3 van 6: Onderzoeken. Nog 30 minuten."]

    # Started, then crossing 5 minutes, 1 minute and zero: each said once.
    await send(fac.page, "timer.start", {"seconds": 5 * 60 + 2})
    await wait_js(anna.page, "() => window.__cues.includes('Nog 5 minuten.')", timeout=8000)
    await send(fac.page, "timer.start", {"seconds": 62})
    await wait_js(anna.page, "() => window.__cues.includes('Nog 1 minuut.')", timeout=8000)
    await send(fac.page, "timer.start", {"seconds": 2})
    await wait_js(anna.page, "() => window.__cues.includes('De tijd is om.')", timeout=8000)
    await send(fac.page, "timer.pause")
    await wait_js(anna.page, "() => window.__cues.some(c => c.startsWith('De timer staat stil'))")
    said = await cues(anna.page)
    assert said[1:] == [
        "De timer loopt: nog 5 minuten.",
        "Nog 5 minuten.",
        "De timer loopt: nog 1 minuut.",
        "Nog 1 minuut.",
        "De timer loopt: nog 2 seconden.",
        "De tijd is om.",
        "De timer staat stil: nog 0 seconden.",
    ], said

    # A round: whose turn it is, when the turn passes.
    await send(fac.page, "round.start", {"order": [anna_pid, await my_pid(fac.page)], "seconds": 30})
    await wait_js(anna.page, "() => window.__cues.includes('Aan de beurt: Anna (jij).')")
    await send(anna.page, "round.next")
    await wait_js(anna.page, "() => window.__cues.includes('Aan de beurt: Fenna.')")

    # Typing in a field: a phase change does not take the focus away.
    await anna.page.get_by_role("button", name="Werkvraag invullen").click()
    await expect(anna.page.locator("#case-question")).to_be_focused()  # the editor takes the focus
    await anna.page.keyboard.type("Gisteren ")
    await goto_phase(fac, (anna,), 3)
    await wait_js(anna.page, "() => window.__cues.some(c => c.startsWith('Fase 4 van 6'))")
    await anna.page.wait_for_timeout(300)
    assert await anna.page.evaluate("document.activeElement.id") == "case-question"
    await anna.page.keyboard.type("ging het mis.")
    assert await anna.page.input_value("#case-question") == "Gisteren ging het mis."
    for s in (fac, anna):
        assert s.errors == [], f"{s.name}: {s.errors}"
