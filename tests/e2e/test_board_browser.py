"""Board tools in real headless Chromium: mind-map, force field, plan, report and projector.

The `browser` fixture (Debian's Chromium) comes from tests/e2e/conftest.py. Every person is a
separate browser context on the real room page (/r/{room}#KEY) against a real
uvicorn server. Board actions go through the board UI (keys, clicks, typing); moves that belong to
the facilitator's panel (phase, roles, reveal) are sent through the page's own store, which is the
same conn.js client the panel uses. Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, Client, ServerProc, create_room

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}
T = 10_000  # ms, for every wait on the page

QUESTION = (
    "Na het inspectiebezoek moet mijn afdeling binnen tien weken een verbeterplan uitvoeren. "
    "Ik regel alles zelf en het team wacht af. Hoe deel ik eigenaarschap zonder de deadline te missen?"
)
CANARY = "KANARIE-7f3a-nooit-onthuld"


# --- fixtures and helpers ----------------------------------------------------------------------


async def wait_js(page: Any, fn: str, arg: Any = None, timeout: int = T) -> Any:
    """Poll `fn` (a JS function source) with page.evaluate until it returns something truthy.

    Playwright's wait_for_function compiles its predicate with eval inside the page, which the
    strict CSP forbids; page.evaluate goes through the devtools protocol and is not affected.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout / 1000
    last: Any = None
    while True:
        last = await page.evaluate(fn, arg)
        if last:
            return last
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {fn[:160]} (arg={arg!r})")
        await asyncio.sleep(0.08)


class Person:
    """One participant: a browser context (own localStorage) with the room page open."""

    def __init__(self, name: str, ctx: Any, page: Any, frames: list[str] | None = None) -> None:
        self.name = name
        self.ctx = ctx
        self.page = page
        self.frames: list[str] = frames if frames is not None else []  # raw WebSocket frames received
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)

    async def state(self) -> dict[str, Any]:
        s: dict[str, Any] = await self.page.evaluate(
            "JSON.parse(JSON.stringify(Alpine.store('kring').state))"
        )
        return s

    async def pid(self) -> str:
        return str(await self.page.evaluate("Alpine.store('kring').you.pid"))

    async def send(self, type_: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        """A command through this page's own store (the same path the facilitator panel uses)."""
        r: dict[str, Any] = await self.page.evaluate(
            "([t, a]) => Alpine.store('kring').send(t, a)", [type_, args or {}]
        )
        assert r.get("t") == "ack", f"{self.name}: {type_} {args} -> {r}"
        return r

    async def wait_state(self, js_predicate: str, timeout: int = T) -> None:
        """Wait until `js_predicate` (an expression over `s`, the store's state) holds on this page."""
        await wait_js(
            self.page,
            f"() => {{ const s = Alpine.store('kring').state; return !!s && ({js_predicate}); }}",
            None,
            timeout,
        )


async def join(browser: Any, base: str, room: str, key: str, name: str) -> Person:
    ctx = await browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = await ctx.new_page()
    frames: list[str] = []  # every frame this page's sockets receive, as it came over the wire
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda f: frames.append(f if isinstance(f, str) else bytes(f).decode())
        ),
    )
    await page.goto(f"{base}/r/{room}#{key}")
    name_box = page.locator("#join-name")
    await name_box.wait_for(state="visible", timeout=T)
    await name_box.fill(name)
    await name_box.press("Enter")
    await wait_js(
        page, "() => { const k = Alpine.store('kring'); return k.connected && !!k.state && !!k.you; }"
    )
    return Person(name, ctx, page, frames)


async def everyone(people: list[Person], js_predicate: str, timeout: int = T) -> None:
    await asyncio.gather(*(p.wait_state(js_predicate, timeout) for p in people))


async def body_text(page: Any) -> str:
    return str(await page.evaluate("document.body.innerText"))


async def shot(target: Any, name: str) -> Path:
    """Screenshot a page, or one element of it as the user sees it (not under the sticky top bar)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    if not hasattr(target, "bounding_box"):
        await target.screenshot(path=str(path))
        return path
    page = target.page
    await target.scroll_into_view_if_needed()
    # A sticky top bar would be painted across the middle of a full-page capture; pin it to the top.
    box = await target.evaluate(
        """el => { document.querySelectorAll('.topbar').forEach(t => { t.dataset.pos = t.style.position;
                 t.style.position = 'static'; });
             const r = el.getBoundingClientRect();
             return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }"""
    )
    try:
        await page.screenshot(path=str(path), full_page=True, clip=box)
    finally:
        await page.evaluate(
            "() => document.querySelectorAll('.topbar').forEach(t => { t.style.position = t.dataset.pos || ''; })"
        )
    return path


async def download(page: Any, selector: str) -> str:
    async with page.expect_download(timeout=T) as info:
        await page.click(selector)
    dl = await info.value
    path = await dl.path()
    return Path(path).read_text(encoding="utf-8")


async def diagram(page: Any) -> list[tuple[str, float]]:
    """The force-field diagram as (label, arrow length) pairs, in drawing order."""
    rows: list[list[Any]] = await page.evaluate(
        """() => [...document.querySelectorAll('.board-forcefield .ff-svg .ff-row')].map(r => [
             r.querySelector('title').textContent,
             Math.round(parseFloat(r.querySelector('.ff-shaft').getAttribute('width')))])"""
    )
    return [(str(a), float(b)) for a, b in rows]


async def add_force(p: Person, side: str, text: str) -> None:
    box = p.page.locator(f"#ff-add-{side}")
    await box.fill(text)
    await box.press("Enter")
    await wait_js(
        p.page,
        "(t) => Object.values(Alpine.store('kring').state.forcefield.forces).some(f => f.text === t)",
        arg=text,
        timeout=T,
    )


async def rate(p: Person, force_id: str, importance: int, difficulty: int, clarity: int) -> None:
    item = p.page.locator(f".board-forcefield [data-force='{force_id}']")
    for key, value in (("importance", importance), ("difficulty", difficulty), ("clarity", clarity)):
        await item.locator(f"[data-rate='{key}-{value}']").click()
    pid = await p.pid()
    await wait_js(
        p.page,
        "([id, pid, v]) => { const r = Alpine.store('kring').state.forcefield.forces[id].ratings[pid];"
        " return !!r && r.importance === v; }",
        arg=[force_id, pid, importance],
        timeout=T,
    )


# --- the krachtenveld method end to end --------------------------------------------------------


async def test_krachtenveld_end_to_end(sqlite_server: ServerProc, browser: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Intervisie december")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    inb = await join(browser, base, rid, room["join_key"], "Ilse")
    par = await join(browser, base, rid, room["join_key"], "Pieter")
    people = [fac, inb, par]
    await fac.send("role.assign", {"pid": await inb.pid(), "role": "inbrenger", "on": True})
    await inb.wait_state("s.may.case")
    await inb.send("case.set", {"question": QUESTION})

    # Phase 1 (goal and situation): the force field is shown so the inbrenger can write both ends.
    await everyone(people, "s.phase.index === 0")
    current = "Ik verdeel de taken niet; het team wacht tot ik met een plan kom."
    desired = "Elk onderdeel van het verbeterplan heeft een trekker uit het team."
    for field, text in (("current", current), ("desired", desired)):
        box = inb.page.locator(f".board-forcefield textarea[data-field='{field}']")
        await box.fill(text)
        await box.press("Enter")
    await everyone(
        people, f"s.forcefield.current === {json.dumps(current)} && s.forcefield.desired.length > 0"
    )
    for p in people:
        await wait_js(
            p.page,
            "(t) => document.querySelector('.board-forcefield .ff-svg').textContent.includes(t)",
            arg="Elk onderdeel",
            timeout=T,
        )

    # Phase 2: forces are added in parallel from three screens.
    await fac.send("phase.next")
    await everyone(people, "s.phase.index === 1")
    await asyncio.gather(
        add_force(inb, "promoting", "Het team wil de inspectie ook goed afsluiten"),
        add_force(par, "hindering", "Werkdruk rond de toetsweek"),
        add_force(fac, "promoting", "Steun van de directie"),
    )
    await asyncio.gather(
        add_force(inb, "hindering", "Ik neem taken te snel zelf over"),
        add_force(par, "promoting", "Twee collega's hebben ervaring met projectmatig werken"),
    )
    await everyone(people, "Object.keys(s.forcefield.forces).length === 5")
    unrated = [await diagram(p.page) for p in people]
    assert unrated[0] == unrated[1] == unrated[2], unrated
    assert len(unrated[0]) == 5

    # Phase 3: the inbrenger flags what can be influenced (bold, with a star, everywhere).
    await fac.send("phase.next")
    await everyone(people, "s.phase.index === 2")
    st = await inb.state()
    by_text = {f["text"]: fid for fid, f in st["forcefield"]["forces"].items()}
    own_part = by_text["Ik neem taken te snel zelf over"]
    await inb.page.locator(f"[data-force='{own_part}'] .ff-flag-btn").click()
    await everyone(people, f"s.forcefield.forces[{json.dumps(own_part)}].influenceable === true")
    for p in people:
        await p.page.wait_for_selector(".board-forcefield .ff-svg .ff-row.ff-flag", timeout=T)

    # Phase 4: everyone rates every force, in parallel; the diagram follows on every screen.
    await fac.send("phase.next")
    await everyone(people, "s.phase.index === 3")
    scores = {
        "Het team wil de inspectie ook goed afsluiten": [(5, 2, 4), (4, 2, 3), (5, 3, 4)],
        "Werkdruk rond de toetsweek": [(3, 5, 4), (2, 4, 4), (3, 5, 5)],
        "Steun van de directie": [(4, 1, 5), (3, 1, 4), (4, 2, 4)],
        "Ik neem taken te snel zelf over": [(5, 4, 3), (5, 3, 2), (4, 4, 3)],
        "Twee collega's hebben ervaring met projectmatig werken": [(2, 2, 3), (3, 2, 3), (2, 3, 2)],
    }

    async def rate_all(i: int, p: Person) -> None:
        for text, per_person in scores.items():
            await rate(p, by_text[text], *per_person[i])

    before = await diagram(inb.page)
    await asyncio.gather(*(rate_all(i, p) for i, p in enumerate(people)))
    await everyone(people, "Object.values(s.forcefield.forces).every(f => f.summary.n === 3)")
    await asyncio.sleep(0.3)
    after = [await diagram(p.page) for p in people]
    assert after[0] == after[1] == after[2], after
    assert after[0] != before
    # Sorted by mean importance, longest arrow for the most important force on each side.
    lengths = dict(after[0])
    assert lengths["Ik neem taken te snel zelf over"] > lengths["Werkdruk rond de toetsweek"]
    assert lengths["Het team wil de inspectie ook goed afsluiten"] > lengths["Steun van de directie"]
    # My own rating is shown to me and can be changed.
    mine = inb.page.locator(f"[data-force='{by_text['Steun van de directie']}'] .ff-dot.is-mine")
    assert await mine.count() == 3
    await rate(inb, by_text["Steun van de directie"], 5, 1, 4)
    await everyone(
        people,
        f"s.forcefield.forces[{json.dumps(by_text['Steun van de directie'])}].summary.importance.mean === 4.33",
    )
    await shot(inb.page.locator(".board-forcefield"), "board-forcefield.png")
    await shot(inb.page.locator(".board-forcefield .ff-svg"), "board-forcefield-diagram.png")
    await inb.page.screenshot(path=str(ARTIFACTS / "room-forcefield.png"), full_page=True)

    # The projector (opened from the facilitator's browser) follows the phase and shows the diagram.
    # The facilitator's page offers it with the room's projector key (never the facilitator's own).
    href = await fac.page.locator(".topbar-actions a[href*='/projector#']").get_attribute("href")
    assert href == f"/r/{rid}/projector#{room['projector_key']}"
    projector = await fac.ctx.new_page()
    await projector.goto(base + href)
    await projector.wait_for_selector(".pj-ff .ff-svg .ff-row", timeout=T)
    await wait_js(projector, "document.querySelectorAll('.pj-ff .ff-svg .ff-row').length === 5", timeout=T)
    await shot(projector, "projector-forcefield.png")
    # Opened from a browser that is already in the room, the projector adds nobody to the room.
    assert len((await fac.state())["participants"]) == 3

    # A silent listener's notes: hidden from the others until the facilitator reveals them.
    await fac.send("role.assign", {"pid": await par.pid(), "role": "listener", "on": True})
    await par.wait_state("s.may.notes")
    revealed_note = "Ilse zegt drie keer 'dan doe ik het wel even'."
    await par.send("note.add", {"id": "note1", "text": revealed_note})
    await par.wait_state("Object.keys(s.notes).length === 1")
    await asyncio.sleep(0.3)
    for p in (fac, inb):
        assert (await p.state())["notes"] == {}
        assert revealed_note not in await body_text(p.page)
    await fac.send("notes.reveal")
    await everyone(people, "Object.values(s.notes).some(n => n.revealed)")
    await par.send("note.add", {"id": "note2", "text": f"{CANARY}: alleen voor mezelf"})
    await par.wait_state("Object.keys(s.notes).length === 2")
    await fac.send("role.assign", {"pid": await par.pid(), "role": "listener", "on": False})

    # Phase 5: the SMART plan; the inbrenger writes, the others suggest, the inbrenger accepts.
    await fac.send("phase.next")
    await everyone(people, "s.phase.index === 4")
    plan = {
        "action": "Ik wijs per onderdeel van het verbeterplan een trekker uit het team aan.",
        "specific": "Vier onderdelen, vier trekkers; ik coach de trekkers in plaats van zelf te doen.",
        "realistic": "Het kost mij een uur per week; dat haal ik uit het eigen regelwerk.",
        "first_step": "Maandag het plan in het teamoverleg in stukken verdelen.",
        "review_date": "2026-12-14",
    }
    for field, text in plan.items():
        box = inb.page.locator(f"#plan-{field}")
        await box.fill(text)
        if field == "review_date":
            await box.press("Tab")
        else:
            await box.press("Enter")
    await everyone(
        people, f"s.plan.first_step === {json.dumps(plan['first_step'])} && s.plan.review_date !== ''"
    )
    suggestion = "Over vier weken heeft elk onderdeel een trekker en een planning."
    await par.page.locator(".board-plan [data-field='measurable'] .plan-suggest .btn-link").click()
    box = par.page.locator("#plan-suggest-measurable")
    await box.fill(suggestion)
    await box.press("Enter")
    await inb.page.locator(".board-plan .plan-suggestion .btn-primary").click()
    await everyone(people, f"s.plan.measurable === {json.dumps(suggestion)}")
    empty = inb.page.locator(".board-plan .plan-field.is-empty")
    assert await empty.count() == 2  # acceptable and timebound are still open, and marked so
    await shot(inb.page.locator(".board-plan"), "board-plan.png")
    await projector.wait_for_selector(".pj-plan:not(.pj-outcomes)", state="visible", timeout=T)
    await wait_js(projector, "document.body.innerText.includes('trekker uit het team')", timeout=T)
    await shot(projector, "projector-plan.png")

    # The report: everything revealed is in it, the unrevealed note nowhere.
    report = await fac.ctx.new_page()
    await report.goto(f"{base}/r/{rid}/report#{room['facilitator_key']}")
    await report.wait_for_selector(".report-section-forces .ff-svg .ff-row", timeout=T)
    await wait_js(report, "document.body.innerText.includes('trekker uit het team')", timeout=T)
    await report.set_viewport_size({"width": 1100, "height": 800})
    await shot(report, "report-page.png")
    await report.screenshot(path=str(ARTIFACTS / "report-full.png"), full_page=True)
    # Print (the browser's "save as PDF"): no controls, black on white.
    await report.emulate_media(media="print")
    await report.screenshot(path=str(ARTIFACTS / "report-print.png"), full_page=True)
    await report.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4")
    assert not await report.locator(".report-actions").is_visible()
    await report.emulate_media(media="screen")
    md = await download(report, "[data-export='md']")
    (ARTIFACTS / "report.md").write_text(md, encoding="utf-8")
    log = json.loads(await download(report, "[data-export='json']"))
    # Dates as people read them, one format per language (the review date: 14 december 2026).
    written = [("14 december 2026" if k == "review_date" else v) for k, v in plan.items()]
    expected = [QUESTION, current, desired, revealed_note, suggestion, *written, *scores]
    for text in expected:
        assert md_plain(text) in md_plain(md), f"missing from the report: {text}"
    assert CANARY not in md
    assert CANARY not in json.dumps(log)
    pages = [fac.page, inb.page, projector, report]
    for page in pages:
        assert CANARY not in await body_text(page)
    assert CANARY in json.dumps(await par.state())  # the author does see it
    report_text = await body_text(report)
    for text in (QUESTION, revealed_note, plan["action"], "Ik neem taken te snel zelf over"):
        assert text in report_text
    for p in people:
        assert not p.errors, f"{p.name}: {p.errors}"
    for p in people:
        await p.ctx.close()


def md_plain(text: str) -> str:
    """Markdown escapes removed and whitespace folded, to compare plain text with the report."""
    return " ".join(re.sub(r"\\(.)", r"\1", text).split())


# --- the mind-map in the basic method's investigation phase ------------------------------------


async def node_texts(page: Any) -> list[str]:
    texts: list[str] = await page.evaluate(
        "[...document.querySelectorAll('.board-mindmap .mm-node:not(.mm-root) title')].map(t => t.textContent)"
    )
    return sorted(texts)


async def selected(page: Any, text: str) -> None:
    await wait_js(
        page,
        "(t) => [...document.querySelectorAll('.board-mindmap .mm-selected > title')].some(e => e.textContent === t)",
        arg=text,
        timeout=T,
    )


async def drag(page: Any, src_text: str, dst_text: str) -> None:
    await page.locator(".board-mindmap .mm-frame").scroll_into_view_if_needed()
    a = await page.locator(".board-mindmap .mm-node", has_text=src_text).bounding_box()
    b = await page.locator(".board-mindmap .mm-node", has_text=dst_text).bounding_box()
    assert a is not None and b is not None
    await page.mouse.move(a["x"] + 12, a["y"] + 10)
    await page.mouse.down()
    await page.mouse.move(a["x"] + 40, a["y"] + 4, steps=4)
    await page.mouse.move(b["x"] + 15, b["y"] + 10, steps=8)
    await page.mouse.up()


async def add_nodes_fast(client: Client, nodes: list[tuple[str, str, str]]) -> None:
    """Many nodes over the WebSocket, paced by the server's rate limit."""
    for nid, parent, text in nodes:
        while True:
            r = await client.cmd("mindmap.add", {"id": nid, "parent": parent, "text": text})
            if r["t"] == "ack":
                break
            assert r.get("code") == "rate_limited", r
            await asyncio.sleep(0.25)


async def test_mindmap_three_screens_and_200_nodes(sqlite_server: ServerProc, browser: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Mindmap")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    anna = await join(browser, base, rid, room["join_key"], "Anna")
    bram = await join(browser, base, rid, room["join_key"], "Bram")
    people = [fac, anna, bram]
    await fac.send("role.assign", {"pid": await bram.pid(), "role": "inbrenger", "on": True})
    await bram.wait_state("s.may.case")
    await bram.send("case.set", {"question": "Hoe krijg ik mijn team aan het meedenken over directiebeleid?"})
    await fac.send("phase.goto", {"index": 2})
    await everyone(people, "s.phase.id === 'onderzoeken' && s.may !== undefined")
    page = anna.page
    await page.wait_for_selector(".board-mindmap .mm-root", timeout=T)

    # Keyboard: Tab adds a child, Enter a sibling, F2 edits, Delete removes, arrows move.
    await page.click(".board-mindmap .mm-root")
    for key, text in (
        ("Tab", "Feiten"),
        ("Enter", "Gevoelens"),
        ("Tab", "Onzeker na de stilte"),
        ("Enter", "Boos op mezelf"),
        ("Enter", "Wordt verwijderd"),
    ):
        await page.keyboard.press(key)
        editor = page.locator(".board-mindmap .mm-editor")
        await editor.wait_for(state="visible", timeout=T)
        await page.keyboard.type(text)
        await page.keyboard.press("Enter")
        await wait_js(
            anna.page,
            "(t) => Object.values(Alpine.store('kring').state.mindmap.nodes).some(n => n.text === t)"
            " && [...document.querySelectorAll('.mm-selected title')].some(e => e.textContent === t)",
            arg=text,
            timeout=T,
        )
    await page.keyboard.press("Delete")  # the selection goes to the previous sibling
    await everyone(people, "Object.keys(s.mindmap.nodes).length === 4")
    await selected(page, "Boos op mezelf")
    await page.keyboard.press("F2")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("Boos op mezelf omdat ik doorpraat")
    await page.keyboard.press("Enter")
    await everyone(
        people, "Object.values(s.mindmap.nodes).some(n => n.text === 'Boos op mezelf omdat ik doorpraat')"
    )
    await page.keyboard.press("ArrowUp")
    await selected(page, "Onzeker na de stilte")
    await page.keyboard.press("ArrowLeft")
    await selected(page, "Gevoelens")
    await page.keyboard.press("ArrowUp")
    await selected(page, "Feiten")
    nodes = (await anna.state())["mindmap"]["nodes"]
    by_text = {n["text"]: nid for nid, n in nodes.items()}
    assert nodes[by_text["Onzeker na de stilte"]]["parent"] == by_text["Gevoelens"]
    assert nodes[by_text["Gevoelens"]]["parent"] == "root"

    # Bram drags "Boos op mezelf…" onto "Feiten": it moves there on every screen.
    await drag(bram.page, "Boos op mezelf", "Feiten")
    moved = by_text["Boos op mezelf omdat ik doorpraat"]
    await everyone(people, f"s.mindmap.nodes[{json.dumps(moved)}].parent === {json.dumps(by_text['Feiten'])}")
    # A move under one's own descendant is refused by the server, and the message is shown.
    await drag(bram.page, "Gevoelens", "Onzeker na de stilte")
    err = bram.page.locator(".board-mindmap .board-error")
    await err.wait_for(state="visible", timeout=T)
    # In the person's language only: the catalog's text, never the server's English message.
    assert (await err.inner_text()).strip() == "Dat kan zo niet"

    # Identical maps everywhere: the same state and the same drawn nodes.
    states = [(await p.state())["mindmap"] for p in people]
    assert states[0] == states[1] == states[2]
    drawn = [await node_texts(p.page) for p in people]
    assert drawn[0] == drawn[1] == drawn[2] == sorted(n["text"] for n in states[0]["nodes"].values())
    await shot(anna.page.locator(".board-mindmap"), "board-mindmap.png")

    # 200 nodes: added over the WebSocket by a protocol client, then drawn on every screen. It
    # comes in as a facilitator (a scribe): anyone else may fill only their share of the nodes.
    bulk = Client(sqlite_server.ws_base, rid, base)
    try:
        await bulk.connect({"key": room["facilitator_key"], "name": "Bulk"})
        themes = ["Team", "Directie", "Eigen rol", "Communicatie", "Tijd", "Gevoel", "Cultuur", "Leerlingen"]
        many: list[tuple[str, str, str]] = []
        for i, theme in enumerate(themes):
            many.append((f"t{i}", "root", f"{theme}: wat speelt er?"))
            for j in range(6):
                many.append((f"t{i}a{j}", f"t{i}", f"{theme} aspect {j + 1}"))
                for k in range(3):
                    text = f"Observatie {k + 1} bij {theme.lower()} {j + 1}" + (
                        ", met een wat langere toelichting die moet afbreken" if k == 0 else ""
                    )
                    many.append((f"t{i}a{j}o{k}", f"t{i}a{j}", text))
        total = 4 + len(many)
        assert total >= 200
        await add_nodes_fast(bulk, many)
    finally:
        await bulk.close()
    await everyone(people, f"Object.keys(s.mindmap.nodes).length === {total}", timeout=30_000)
    for p in people:
        await wait_js(
            p.page, f"document.querySelectorAll('.board-mindmap .mm-node').length === {total + 1}", timeout=T
        )
    # Readable: no two drawn boxes overlap, and the default zoom keeps text at a legible size.
    overlaps = await page.evaluate(
        """() => { const r = [...document.querySelectorAll('.board-mindmap .mm-node rect:first-of-type')]
             .map(e => e.getBoundingClientRect());
           let n = 0; for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
             const a = r[i], b = r[j];
             if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) n++; }
           return n; }"""
    )
    assert overlaps == 0
    font_px = await page.evaluate(
        "(() => { const t = document.querySelector('.board-mindmap .mm-node:not(.mm-root) text');"
        " return t.getBoundingClientRect().height / t.querySelectorAll('tspan').length; })()"
    )
    assert font_px >= 10, font_px
    await shot(page.locator(".board-mindmap"), "board-mindmap-200.png")
    await page.click(".board-mindmap button:has-text('Overzicht')")
    await page.wait_for_selector(".board-mindmap .mm-toggle.is-folded", timeout=T)
    await shot(page.locator(".board-mindmap"), "board-mindmap-200-overview.png")
    await page.click(".board-mindmap [data-toggle='t2']")
    await page.wait_for_selector(".board-mindmap .mm-node[data-id='t2a0']", timeout=T)
    await shot(page.locator(".board-mindmap"), "board-mindmap-200-branch.png")
    # The projector, and anyone who opens the map now, start from the overview of the big map.
    projector = await fac.ctx.new_page()
    await projector.goto(f"{base}/r/{rid}/projector#{room['projector_key']}")
    await projector.wait_for_selector(".pj-mm .mm-toggle.is-folded", timeout=T)
    await shot(projector, "projector-mindmap.png")
    # The report has the whole map, as an indented outline and as a drawing.
    report = await anna.ctx.new_page()
    await report.goto(f"{base}/r/{rid}/report#{room['join_key']}")
    await report.wait_for_selector(".report-mm .mm-node", timeout=T)
    assert await report.locator(".report-outline li").count() == total + 1
    assert await report.locator(".report-mm .mm-node").count() == total + 1
    assert "Boos op mezelf omdat ik doorpraat" in await body_text(report)
    await report.locator(".report-section-mindmap").scroll_into_view_if_needed()
    await report.screenshot(path=str(ARTIFACTS / "report-mindmap.png"))
    late = await join(browser, base, rid, room["join_key"], "Laat")
    await late.page.wait_for_selector(".board-mindmap .mm-toggle.is-folded", timeout=T)
    assert (
        await late.page.locator(".board-mindmap .mm-node").count() == 1 + 2 + 8
    )  # root, two own branches, eight themes
    for p in people:
        assert not p.errors, f"{p.name}: {p.errors}"
    for p in people:
        await p.ctx.close()


# --- choosing the case: pitches, dot-voting, counts hidden until closed -----------------------


async def test_vote_case_choice(sqlite_server: ServerProc, browser: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Keuze")
    rid = room["room"]
    fac = await join(browser, base, rid, room["facilitator_key"], "Fenna")
    anna = await join(browser, base, rid, room["join_key"], "Anna")
    bram = await join(browser, base, rid, room["join_key"], "Bram")
    people = [fac, anna, bram]
    await fac.send("phase.goto", {"index": 1})
    await everyone(people, "s.phase.id === 'keuze'")
    pitches = {
        anna: "Een ervaren docent kwam deze maand drie keer te laat. Ik zei niets. Hoe spreek ik hem aan?",
        bram: "Sinds augustus valt het gesprek stil als ik binnenkom. Dat raakt me. Hoe vind ik mijn plek?",
    }
    for p, text in pitches.items():
        box = p.page.locator("#vote-pitch-text")
        await box.fill(text)
        await p.page.locator(".board-vote .vote-pitch button[type='submit']").click()
    # A fourth sentence is refused by the form before it reaches the server.
    await anna.page.locator("#vote-pitch-text").fill("Een. Twee. Drie. Vier.")
    assert await anna.page.locator(".board-vote .vote-pitch button[type='submit']").is_disabled()
    await everyone(people, "Object.keys(s.vote.candidates).length === 2")
    st = await anna.state()
    cid = {c["text"]: k for k, c in st["vote"]["candidates"].items()}
    bram_case = cid[pitches[bram]]
    anna_case = cid[pitches[anna]]
    for p, votes in ((anna, [bram_case, bram_case, anna_case]), (bram, [bram_case])):
        for c in votes:
            await p.page.locator(f"[data-candidate='{c}'] .vote-actions button").first.click()
        await p.wait_state(f"Object.values(s.vote.mine).reduce((a, b) => a + b, 0) === {len(votes)}")
    assert "0 van 3" in await anna.page.locator(".board-vote .board-count").inner_text()
    assert await anna.page.locator(f"[data-candidate='{bram_case}'] .vote-actions button").first.is_disabled()
    # Nobody sees counts while the vote is open.
    for p in people:
        assert await p.page.locator(".board-vote .vote-count:visible").count() == 0
        assert all("votes" not in c for c in (await p.state())["vote"]["candidates"].values())
    fac.page.once("dialog", lambda d: asyncio.ensure_future(d.accept()))
    await fac.page.locator(".board-vote .board-fac .btn-primary").click()
    await everyone(people, "s.vote.closed === true")
    first = bram.page.locator(".board-vote .vote-list > li").first
    assert "3 stemmen" in await first.inner_text()
    await fac.page.locator(f"[data-candidate='{bram_case}'] .btn-primary").click()
    await everyone(
        people, f"s.vote.chosen === {json.dumps(bram_case)} && s.case.question.startsWith('Sinds augustus')"
    )
    assert "inbrenger" in (await bram.state())["participants"][await bram.pid()]["roles"]
    await shot(anna.page.locator(".board-vote"), "board-vote.png")
    for p in people:
        assert not p.errors, f"{p.name}: {p.errors}"
