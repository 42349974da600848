"""A whole basic meeting run by the facilitator with the keyboard alone.

Only page.keyboard is used on the facilitator's page (Tab, Shift+Tab, Enter, Space, arrow keys and
typing): no mouse, no element.click(), no locator.fill(). At every stop the focused element must
show a visible focus indicator, and focus must never fall back to the page body.
"""

from __future__ import annotations

from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import expect, join, my_pid, wait_js, wait_state

pytestmark = pytest.mark.browser

QUESTION = (
    "Gisteren liep mijn teamoverleg uit op ruzie over de roosters. Ik greep niet in. "
    "Hoe kan ik de volgende keer eerder het gesprek sturen?"
)

# What has focus, and does it show? Outline or box-shadow, as the browser computes it.
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'BODY', visible: false, desc: 'body'};
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  const name = el.getAttribute('aria-label') || (el.innerText || el.value || '').trim().slice(0, 40);
  return {tag: el.tagName, id: el.id, visible: outline || shadow,
          desc: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + name + '"'};
}"""


class Keyboard:
    """The facilitator's hands on the keyboard; every stop on the way is checked for a visible focus."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.trail: list[str] = []
        self.unseen: set[str] = set()

    async def focus(self) -> dict[str, Any]:
        f: dict[str, Any] = await self.page.evaluate(FOCUS_JS)
        return f

    async def press(self, key: str) -> dict[str, Any]:
        await self.page.keyboard.press(key)
        f = await self.focus()
        self.trail.append(f"{key}: {f['desc']}")
        if f["tag"] == "BODY":
            # Tab past the last control leaves the page (to the browser's own UI): fine. Any other
            # key that drops focus on the body loses a keyboard user's place.
            assert key in ("Tab", "Shift+Tab"), f"focus fell to the page body after {key}: {self.trail[-8:]}"
        elif not f["visible"]:
            self.unseen.add(f["desc"])
        return f

    async def tab_to(self, predicate: str, back: bool = False, limit: int = 150) -> None:
        """Tab (or Shift+Tab) until `predicate`, a JS expression over `el` (the focused element), holds."""
        check = f"() => {{ const el = document.activeElement; return !!el && ({predicate}); }}"
        in_map = "() => document.activeElement.classList.contains('mm-frame')"
        for _ in range(limit):
            if await self.page.evaluate(check):
                return
            if not back and await self.page.evaluate(in_map):
                # In the mind-map Tab adds an idea; its hint says: Esc, then Tab goes on.
                await self.press("Escape")
            await self.press("Shift+Tab" if back else "Tab")
        raise AssertionError(f"never reached {predicate} by keyboard; last stops: {self.trail[-12:]}")

    async def type(self, text: str) -> None:
        await self.page.keyboard.type(text)


def named(name: str) -> str:
    """A predicate: the focused element's accessible text or label is `name`."""
    return f"(el.getAttribute('aria-label') || el.innerText || '').trim() === {name!r}"


async def next_phase(kb: Keyboard, title: str) -> None:
    await kb.tab_to(named("Volgende fase"))
    await kb.press("Enter")
    await expect(kb.page.locator("#phase-title")).to_have_text(title)
    # Focus follows the phase change to the new phase's heading.
    await wait_js(kb.page, "() => document.activeElement && document.activeElement.id === 'phase-title'")


async def test_facilitator_runs_a_meeting_by_keyboard(sqlite_server: ServerProc, screens: Any) -> None:
    room = create_room(sqlite_server.base, "basis", title="Toetsenbord")
    url = f"{sqlite_server.base}/r/{room['room']}#"
    fac, anna = await screens("Fenna"), await screens("Anna")
    page = fac.page
    kb = Keyboard(page)

    # Joining: the skip link first, then the name field, typed and sent with Enter.
    await page.goto(url + room["facilitator_key"])
    await expect(page.locator("#join-name")).to_be_visible()
    f = await kb.press("Tab")
    assert "skip-link" in (await page.evaluate("document.activeElement.className")), f
    await kb.tab_to("el.id === 'join-name'")
    await kb.type("Fenna")
    await page.keyboard.press("Enter")
    await expect(page.locator(".fac")).to_contain_text("Gespreksleiding")
    await join(anna.page, url + room["join_key"], "Anna")
    await expect(page.locator(".people")).to_contain_text("2 van 2 online")
    # Focus did not stay on the vanished join button: it went to the phase heading.
    await wait_js(page, "() => document.activeElement && document.activeElement.id === 'phase-title'")

    # Anna becomes the inbrenger (a toggle button in the roles list).
    await kb.tab_to(named("Inbrenger, Inbrenger: Anna"))
    await kb.press("Space")
    await expect(page.get_by_role("button", name="Inbrenger: Anna")).to_have_attribute("aria-pressed", "true")
    anna_pid = await my_pid(anna.page)
    await wait_state(page, f"s.case.inbrenger === {anna_pid!r}")

    # The work question: the edit button opens the editor and focus goes into it.
    await kb.tab_to("el.id === 'case-open'", back=True)
    await kb.press("Enter")
    await wait_js(page, "() => document.activeElement.id === 'case-question'")
    await kb.type(QUESTION)
    await kb.tab_to(named("Werkvraag opslaan"))
    await kb.press("Enter")
    await wait_state(page, f"s.case.question === {QUESTION!r}")
    await kb.tab_to("el.closest('.case-editor') && " + named("Sluiten"))
    await kb.press("Enter")
    await wait_js(page, "() => document.activeElement.id === 'case-open'")

    # Phases: "Volgende fase" once, then the phase list with the arrow keys and "Ga naar fase".
    await next_phase(kb, "Keuze werkprobleem")
    await kb.tab_to("el.id === 'fac-goto'")
    await kb.press("ArrowDown")
    await kb.tab_to(named("Ga naar fase"))
    await kb.press("Enter")
    await expect(page.locator("#phase-title")).to_have_text("Onderzoeken")
    await wait_js(page, "() => document.activeElement.id === 'phase-title'")

    # A question card: typed in its box and added with Enter.
    await kb.tab_to("el.id === 'add-question'")
    await kb.type("Wat maakte dat je niet ingreep?")
    await kb.press("Enter")
    await expect(anna.page.locator(".cards-panel .card")).to_contain_text("Wat maakte dat je niet ingreep?")

    # The mind-map: Enter on the work question adds an idea; Esc, then Tab goes on past the map.
    await kb.tab_to("el.classList.contains('mm-frame')", back=True)
    await kb.press("Enter")
    await kb.type("Roosters")
    await kb.press("Enter")
    await wait_state(anna.page, "Object.values(s.mindmap.nodes).some(n => n.text === 'Roosters')")
    await kb.press("Escape")
    f = await kb.press("Tab")
    assert "mm-frame" not in (await page.evaluate("document.activeElement.className")), f

    # The timer: minutes typed, started with Enter, then paused with Space on the same button.
    await kb.tab_to("el.id === 'timer-min'")
    await page.keyboard.press("Control+A")
    await kb.type("3")
    await kb.press("Enter")
    await wait_state(page, "s.timer.running && s.timer.duration_ms === 180000")
    await kb.tab_to("el.id === 'timer-toggle'")
    await expect(page.locator("#timer-toggle")).to_have_text("Pauze")
    await kb.press("Space")
    await wait_state(page, "!s.timer.running")
    await expect(page.locator("#timer-toggle")).to_have_text("Verder")
    assert (await kb.focus())["id"] == "timer-toggle"
    await expect(page.locator(".timer")).to_contain_text("Gepauzeerd")

    # On to the action plan: an advice card and the first plan field.
    await next_phase(kb, "Herformulering")
    await next_phase(kb, "Advies en actieplan")
    await kb.tab_to("el.id === 'add-advice'")
    await kb.type("Zet de roosters als eerste op de agenda.")
    await kb.press("Enter")
    await expect(anna.page.locator(".cards-panel .card")).to_contain_text("Zet de roosters")
    await kb.tab_to("el.id === 'plan-action'")
    await kb.type("Ik open het volgende overleg met de roosters.")
    await kb.press("Enter")
    await wait_state(anna.page, "s.plan.action === 'Ik open het volgende overleg met de roosters.'")
    assert (await kb.focus())["id"] == "plan-action"

    # The evaluation: scores with the arrow keys in a radio group, a line typed, sent with Enter.
    await next_phase(kb, "Evaluatie")
    await kb.tab_to("el.name === 'eval-content'")
    await kb.press("ArrowRight")
    await kb.press("ArrowRight")
    await kb.tab_to("el.id === 'eval-learned'")
    await kb.type("Eerst vragen, dan pas denken.")
    await kb.tab_to(named("Versturen"))
    await kb.press("Enter")
    await expect(page.locator(".eval-panel")).to_contain_text("Dank je, ontvangen.")
    await wait_state(page, "s.evaluation.n === 1")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await kb.tab_to(named("Versturen"), back=True)
    await page.screenshot(path=str(ARTIFACTS / "keyboard-focus.png"))
    assert not kb.unseen, f"focus not visible on: {sorted(kb.unseen)}"
    for s in (fac, anna):
        assert s.errors == [], f"{s.name}: {s.errors}"
