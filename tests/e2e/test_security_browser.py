"""Hostile text in real browsers: every name and text the group writes shows as literal text on
every screen, no script runs, the CSP has no unsafe-eval, no page talks to any other host; and a
locked room shows a newcomer nothing until the facilitator admits them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room

from .browserlib import expect, join, my_pid, send, shot, wait_state

pytestmark = pytest.mark.browser

# One text with every trick in it (300 characters at most: it is also a mind-map node and a force).
PAYLOAD = (
    "<img src=x onerror=alert(1)> {{7*7}} x-html <script>alert(1)</script> "
    'javascript:alert(1) <img src=x onerror="window.__xss=1"> <svg onload=window.__xss=1>'
)
NAMES = {  # display names are at most 40 characters
    "fac": "<img src=x onerror=alert(1)>",
    "anna": "{{7*7}} x-html javascript:alert(1)",
    "bram": "<script>alert(1)</script>",
}
LATE = "<svg onload=window.__xss=1>"

# Nothing the payloads would create if they were ever parsed as HTML or run as code.
PARSED_JS = """() => ({
  xss: typeof window.__xss,
  img: document.querySelectorAll('img[src="x"]').length,
  handlers: document.querySelectorAll('[onerror], [onload]').length,
  scripts: [...document.scripts].filter(s => !s.src && !['application/json', 'importmap'].includes(s.type)).length,
  xhtml: document.querySelectorAll('[x-html]').length,
  evaluated: document.body.innerText.includes('49') && !document.body.innerText.includes('{{7*7}}'),
})"""


class Watch:
    """Everything a browser context asks for, every dialog it opens and the CSP of every page."""

    def __init__(self, screen: Any, base: str) -> None:
        self.screen = screen
        self.origin = base
        self.ws_origin = "ws://" + urlsplit(base).netloc
        self.urls: list[str] = []
        self.dialogs: list[str] = []
        self.csp: dict[str, str] = {}
        screen.context.on("request", lambda r: self.urls.append(r.url))
        screen.context.on("response", self._response)
        screen.context.on("page", self.page)
        self.page(screen.page)

    def page(self, page: Any) -> None:
        page.on("dialog", self._dialog)
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    async def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    def _response(self, resp: Any) -> None:
        if resp.request.resource_type == "document":
            self.csp[resp.url] = resp.headers.get("content-security-policy", "")

    def check(self) -> None:
        name = self.screen.name
        assert self.dialogs == [], f"{name}: a dialog opened: {self.dialogs}"
        for url in self.urls:
            own = url.startswith((self.origin + "/", self.ws_origin + "/", "data:", "blob:"))
            assert own, f"{name}: a request to another host: {url}"
        assert self.csp, f"{name}: no page loaded"
        assert any(u.startswith(self.ws_origin) for u in self.urls), f"{name}: no WebSocket recorded"
        for url, csp in self.csp.items():
            assert "script-src 'self' 'nonce-" in csp, f"{url}: {csp!r}"
            assert "unsafe-eval" not in csp and "unsafe-inline" not in csp.split("style-src")[0], (
                f"{url}: {csp}"
            )


async def inert(page: Any, where: str) -> None:
    found = await page.evaluate(PARSED_JS)
    assert found == {
        "xss": "undefined",
        "img": 0,
        "handlers": 0,
        "scripts": 0,
        "xhtml": 0,
        "evaluated": False,
    }, (
        where,
        found,
    )


async def literal(locator: Any, text: str = PAYLOAD) -> None:
    """`locator` shows `text` literally (white space as the browser lays it out)."""
    await expect(locator.filter(has_text=text).first).to_be_visible()


async def svg_text(page: Any, selector: str) -> str:
    """The words of an SVG drawing (wrapped over several lines), white space removed."""
    text = await page.evaluate(
        "sel => [...document.querySelectorAll(sel + ' text')].map(t => t.textContent).join('')", selector
    )
    return "".join(str(text).split()).replace("…", "")


async def test_hostile_text_stays_text(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Veiligheid")
    url = f"{base}/r/{room['room']}#"
    fac, anna, bram = await screens("Fenna"), await screens("Anna"), await screens("Bram")
    people = (fac, anna, bram)
    watches = [Watch(s, base) for s in people]
    await join(fac.page, url + room["facilitator_key"], NAMES["fac"])
    await join(anna.page, url + room["join_key"], NAMES["anna"])
    await join(bram.page, url + room["join_key"], NAMES["bram"])
    bram_pid = await my_pid(bram.page)
    for s in people:
        await expect(s.page.locator(".people")).to_contain_text("3 van 3 online")
        for n in NAMES.values():
            await literal(s.page.locator(".people .person-name"), n)

    # The case question, typed by the inbrenger in the case editor.
    await fac.page.get_by_role("button", name=f"Inbrenger: {NAMES['anna']}").click()
    await wait_state(anna.page, "s.may.case")
    await anna.page.get_by_role("button", name="Werkvraag invullen").click()
    await anna.page.locator("#case-question").fill(PAYLOAD)
    await anna.page.get_by_role("button", name="Werkvraag opslaan").click()
    for s in people:
        await literal(s.page.locator(".case-panel .case-text"))

    # A vote pitch.
    await send(fac.page, "phase.goto", {"index": 1})
    await bram.page.locator("#vote-pitch-text").fill(PAYLOAD)
    await bram.page.get_by_role("button", name="Inbrengen", exact=True).click()
    for s in people:
        await literal(s.page.locator(".vote-text"))

    # A question card and a mind-map node (whose root is the question).
    await send(fac.page, "phase.goto", {"index": 2})
    await bram.page.locator("#add-question").fill(PAYLOAD)
    await bram.page.locator("#add-question").press("Enter")
    await send(fac.page, "mindmap.add", {"id": "m1", "parent": "root", "text": PAYLOAD})
    squeezed = "".join(PAYLOAD.split())
    for s in people:
        await literal(s.page.locator(".cards-panel .card-text"))
        await wait_state(s.page, "Object.keys(s.mindmap.nodes).length === 1")
        await expect(s.page.locator(".board-mindmap .mm-node")).to_have_count(2)
        drawn = await svg_text(s.page, ".board-mindmap")
        assert drawn.count(squeezed[:30]) == 2, drawn  # the root and the node, cut to fit their boxes

    # A silent listener's note, revealed.
    await send(fac.page, "role.assign", {"pid": bram_pid, "role": "listener", "on": True})
    await bram.page.get_by_role("button", name="Notities").click()
    await bram.page.get_by_label("Nieuwe notitie").fill(PAYLOAD)
    await bram.page.get_by_role("button", name="Notitie toevoegen").click()
    await literal(bram.page.locator("#notes-pane .note-text"))
    await bram.page.get_by_role("button", name="Notities sluiten").click()
    await send(fac.page, "notes.reveal")
    for s in (fac, anna):
        await s.page.get_by_role("button", name="Notities (1)").click()
        await literal(s.page.locator("#notes-pane .note-text"))
        await s.page.get_by_role("button", name="Notities sluiten").click()

    # A plan field, written by the inbrenger.
    await send(fac.page, "phase.goto", {"index": 4})
    await anna.page.locator("#plan-action").fill(PAYLOAD)
    await anna.page.locator("#plan-action").press("Enter")
    await wait_state(fac.page, f"s.plan.action === {PAYLOAD!r}")
    await expect(fac.page.locator("#plan-action")).to_have_value(PAYLOAD)
    await literal(bram.page.locator(".plan-value"))
    await shot(bram.page.locator(".board-plan"), ARTIFACTS / "security-plan.png")

    # The projector (a read-only screen) and the report.
    pj = await screens("Projector")
    watches.append(Watch(pj, base))
    await pj.page.goto(f"{base}/r/{room['room']}/projector#{room['projector_key']}")
    await literal(pj.page.locator(".pj-question"))
    await expect(pj.page.locator(".pj-plan dd").first).to_have_text(PAYLOAD)
    report = await fac.context.new_page()
    await report.goto(f"{base}/r/{room['room']}/report#{room['facilitator_key']}")
    await literal(report.locator(".report-question"))
    await expect(report.locator(".report")).to_contain_text(NAMES["bram"])
    await inert(report, "report")
    await report.close()

    for s in (*people, pj):
        await inert(s.page, s.name)
    for w in watches:
        w.check()
    for s in (*people, pj):
        assert s.errors == [], f"{s.name}: {s.errors}"


async def test_hostile_force_stays_text(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Krachten")
    url = f"{base}/r/{room['room']}#"
    fac, anna = await screens("Fenna"), await screens("Anna")
    watches = [Watch(s, base) for s in (fac, anna)]
    await join(fac.page, url + room["facilitator_key"], NAMES["fac"])
    await join(anna.page, url + room["join_key"], NAMES["anna"])
    await send(fac.page, "phase.goto", {"index": 1})
    box = anna.page.get_by_label("Nieuwe bevorderende kracht")
    await box.fill(PAYLOAD)
    await box.press("Enter")
    for s in (fac, anna):
        await literal(s.page.locator(".ff-item .ff-text"))
        await wait_state(s.page, "Object.keys(s.forcefield.forces).length === 1")
        assert "".join(PAYLOAD.split())[:30] in await svg_text(s.page, ".ff-figure"), s.name
        await inert(s.page, s.name)
    for w in watches:
        w.check()
    for s in (fac, anna):
        assert s.errors == [], f"{s.name}: {s.errors}"


async def test_waiting_for_admission(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Gesloten kring")
    url = f"{base}/r/{room['room']}#"
    fac = await screens("Fenna")
    await join(fac.page, url + room["facilitator_key"], "Fenna")
    secret = "Mijn directeur negeert mijn mails. Hoe spreek ik hem erop aan?"
    await send(fac.page, "case.set", {"question": secret})
    await send(fac.page, "phase.goto", {"index": 2})
    await send(fac.page, "card.add", {"id": "q1", "kind": "question", "text": "Sinds wanneer speelt dit?"})

    # The facilitator closes the meeting.
    await fac.page.get_by_label("Bijeenkomst sluiten (nieuwe deelnemers wachten op toelating)").check()
    await wait_state(fac.page, "s.locked")

    # A newcomer with the join link waits, and sees nothing of the meeting.
    late = await screens("Laat")
    watch = Watch(late, base)
    await late.page.goto(url + room["join_key"])
    await late.page.get_by_label("Je naam").fill(LATE)
    await late.page.get_by_role("button", name="Meedoen").click()
    await expect(late.page.get_by_role("heading", name="Wachten op toelating")).to_be_visible()
    await expect(late.page.locator(".room-body")).to_be_hidden()
    await expect(late.page.locator("#waiting-title")).to_be_focused()
    shown = await late.page.evaluate("document.body.innerText")
    for hidden in (secret, "Sinds wanneer", "Fenna", "Onderzoeken"):
        assert hidden not in shown, hidden
    seen = await late.page.evaluate("JSON.stringify(Alpine.store('kring').state)")
    for hidden in (secret, "Sinds wanneer", "Fenna"):
        assert hidden not in seen, hidden
    await shot(late.page.locator("main"), ARTIFACTS / "waiting-for-admission.png")

    # The facilitator admits them from the waiting list: the newcomer's screen shows the room.
    waiting = fac.page.locator(".fac .waiting")
    await literal(waiting, LATE)
    await waiting.get_by_role("button", name=f"{LATE} toelaten").click()
    await expect(late.page.get_by_role("heading", name="Wachten op toelating")).to_be_hidden()
    await expect(late.page.locator("#phase-title")).to_have_text("Onderzoeken")
    await expect(late.page.locator(".people")).to_contain_text(f"{LATE} (jij)")
    await expect(late.page.locator(".case-panel")).to_contain_text(secret)
    await expect(late.page.locator(".cards-panel")).to_contain_text("Sinds wanneer speelt dit?")
    await expect(fac.page.locator(".fac .waiting")).to_be_hidden()
    await inert(late.page, "newcomer")
    watch.check()
    for s in (fac, late):
        assert s.errors == [], f"{s.name}: {s.errors}"
