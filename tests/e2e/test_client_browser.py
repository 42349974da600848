"""The browser client's structure in real headless Chromium (client/static/js, docs/architecture.md):

- every page loads ES modules under content-stamped URLs only (the import map resolves their
  relative imports), no inline script but data, and Alpine starts once they have registered;
- the limits and enumerations of the rules reach the client in the page data, and the page uses them;
- ids people choose that are named like Object.prototype's members (`constructor`, `toString`,
  `hasOwnProperty`, `__proto__`) are ordinary ids on every screen, in every later phase;
- an instance with KRING_CREATE_KEY asks for it on the start page, and says why creating failed;
- the room page at laptop and phone size (screenshots in tests/artifacts/).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ServerProc, create_room, post_json

from server.views import ENUMS, LIMITS

from .browserlib import axe, expect, my_pid, send, shot, wait_js, wait_state

pytestmark = pytest.mark.browser

STAMPED = re.compile(r"\?v=[0-9a-f]{12}$")
# Ids the server accepts (^[A-Za-z0-9_-]{1,40}$) that a plain JS object already "has".
TRICKY = ["constructor", "toString", "hasOwnProperty", "__proto__"]


async def join(screen: Any, url: str, name: str) -> None:
    await screen.page.goto(url)
    await screen.page.get_by_label("Je naam").fill(name)
    await screen.page.get_by_role("button", name="Meedoen").click()
    await expect(screen.page.locator(".people")).to_contain_text(f"{name} (jij)")


async def started(page: Any) -> None:
    """Alpine has started and initialised the page's components (the language switch is on every page)."""
    await wait_js(page, "() => !!window.Alpine && !!document.querySelector('.lang-switch')._x_dataStack")


def no_errors(*screens: Any, expected: str = "") -> None:
    """No console or page error on these screens (but the ones `expected` matches)."""
    for s in screens:
        errors = [e for e in s.errors if not (expected and re.search(expected, e))]
        assert not errors, f"{s.name}: {errors}"


# --- modules, stamps and the start of Alpine ------------------------------------------------------


async def test_every_module_is_stamped_and_alpine_starts_after_them(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld")
    status, group = post_json(base, "/api/groups", {"name": "Modulegroep", "lang": "nl"})
    assert status == 201
    pages = {
        "index": base + "/",
        "prepare": base + "/prepare",
        "room": f"{base}/r/{room['room']}#{room['join_key']}",
        "projector": f"{base}/r/{room['room']}/projector#{room['projector_key']}",
        "report": f"{base}/r/{room['room']}/report#{room['join_key']}",
        "group": f"{base}/g/{group['group']}#{group['join_key']}",
    }
    # A module that every page of that kind needs, by way of another module's import.
    deep = {
        "index": "core/store.js",
        "prepare": "core/storage.js",
        "room": "tools/mindmap-layout.js",
        "projector": "tools/mindmap-draw.js",
        "report": "tools/plan-rows.js",
        "group": "group/method-form.js",
    }
    for name, url in pages.items():
        s = await screens(name)
        requests: list[str] = []
        failed: list[str] = []
        s.page.on("request", lambda r, got=requests: got.append(r.url))
        s.page.on("requestfailed", lambda r, got=failed: got.append(r.url))
        s.page.on("response", lambda r, got=failed: got.append(r.url) if r.status >= 400 else None)
        await s.page.goto(url)
        await started(s.page)
        await s.page.wait_for_load_state("networkidle")
        static = [u for u in requests if "/static/" in u]
        modules = [u for u in static if "/static/js/" in u]
        assert len(modules) >= 6, (name, modules)
        unstamped = [u for u in static if not STAMPED.search(u)]
        assert not unstamped, f"{name}: unstamped static URLs {unstamped}"
        # One URL per module: never the same file twice under two URLs (two instances of a module).
        paths = [u.split("?")[0] for u in modules]
        assert len(paths) == len(set(paths)), (name, sorted(paths))
        assert any(p.endswith("/static/js/" + deep[name]) for p in paths), (name, paths)
        assert not failed, (name, failed)
        # Every module the entry modules import is preloaded (stamped), and still fetched only
        # once: the preload and the import share one module map entry.
        preloaded = await s.page.evaluate(
            "[...document.querySelectorAll('link[rel=modulepreload]')].map(l => l.getAttribute('href'))"
        )
        assert any(u.startswith("/static/js/" + deep[name] + "?v=") for u in preloaded), (name, preloaded)
        assert all(STAMPED.search(u) or re.search(r"/i18n/nl\.js\?v=", u) for u in preloaded), preloaded
        assert len(requests) == len(set(requests)), (name, sorted(requests))
        # The page's catalog: one stamped module (cached for a year), not embedded in the page.
        catalogs = [u for u in requests if "/i18n/" in u]
        assert len(catalogs) == 1 and re.search(r"/i18n/nl\.js\?v=[0-9a-f]{12}$", catalogs[0]), catalogs
        # No inline script but the data blocks and the import map (the nonce CSP allows no more).
        kinds = await s.page.evaluate("[...document.scripts].filter(e => !e.src).map(e => e.type)")
        assert sorted(set(kinds)) == ["application/json", "importmap"], (name, kinds)
        # Every script with a source is a module, except Alpine (a classic deferred script, last).
        scripts = await s.page.evaluate(
            "[...document.scripts].filter(e => e.src).map(e => [e.type, e.defer, e.src])"
        )
        assert "alpinejs-csp" in scripts[-1][2] and scripts[-1][1] is True, scripts
        assert all(t == "module" for t, _, _ in scripts[:-1]), scripts
        no_errors(s)


# --- limits and enumerations from the server -------------------------------------------------------


async def test_the_page_data_carries_the_limits_and_the_page_uses_them(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld")
    status, group = post_json(base, "/api/groups", {"name": "Limietgroep", "lang": "nl"})
    assert status == 201
    data_js = "JSON.parse(document.getElementById('kring-data').textContent)"
    for url in (base + "/", f"{base}/g/{group['group']}#{group['join_key']}"):
        s = await screens("bezoeker")
        await s.page.goto(url)
        await started(s.page)
        data = await s.page.evaluate(data_js)
        assert data["limits"] == LIMITS and data["enums"] == ENUMS, url

    fac, pieter = await screens("Fenna"), await screens("Pieter")
    await join(fac, f"{base}/r/{room['room']}#{room['facilitator_key']}", "Fenna")
    await join(pieter, f"{base}/r/{room['room']}#{room['join_key']}", "Pieter")
    data = await fac.page.evaluate(data_js)
    assert data["limits"] == LIMITS and data["enums"] == ENUMS
    page = fac.page
    assert await page.get_attribute("#note-new", "maxlength") == str(LIMITS["card"])
    assert await page.get_attribute("#fac-pmin", "max") == str(LIMITS["phase_minutes"][1])
    assert await page.get_attribute("#fac-rsec", "max") == str(LIMITS["round_seconds"][1])
    # The round's time box starts at the server's default.
    assert await page.input_value("#fac-rsec") == str(LIMITS["round_default_s"])

    # Rating a force: one row per rating key, one button per score (both from the page data).
    await send(page, "phase.next")
    await wait_state(pieter.page, "s.phase.index === 1")
    await send(pieter.page, "force.add", {"id": "f1", "side": "promoting", "text": "Steun van de directie"})
    await send(page, "phase.goto", {"index": 3})  # Samenhang en classificatie: the method rates here
    await wait_state(pieter.page, "s.phase.index === 3 && s.may.rate")
    item = pieter.page.locator(".board-forcefield [data-force='f1']")
    lo, hi = LIMITS["score"]
    await expect(item.locator(".ff-rate-row")).to_have_count(len(ENUMS["rating_keys"]))
    await expect(item.locator(".ff-rate-row").first.get_by_role("radio")).to_have_count(hi - lo + 1)
    for key in ENUMS["rating_keys"]:
        await item.locator(f"[data-rate='{key}-{hi}']").click()
    await wait_state(pieter.page, "s.forcefield.forces.f1.summary.n === 1")
    no_errors(fac, pieter)


# --- ids named like Object.prototype's members -----------------------------------------------------


async def texts(page: Any, selector: str) -> str:
    return str(
        await page.evaluate(
            "s => [...document.querySelectorAll(s)].map(e => e.textContent).join(' | ')", selector
        )
    )


async def all_at(screens: list[Any], index: int) -> None:
    await asyncio.gather(*(wait_state(s.page, f"s.phase.index === {index}") for s in screens))
    await asyncio.sleep(0.3)  # the views' effects (drawing the boards) have run


async def test_ids_named_like_object_members_work_for_everyone(
    sqlite_server: ServerProc, screens: Any
) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Prototypes")
    rid = room["room"]
    fac, ilse, pieter = await screens("Fenna"), await screens("Ilse"), await screens("Pieter")
    await join(fac, f"{base}/r/{rid}#{room['facilitator_key']}", "Fenna")
    await join(ilse, f"{base}/r/{rid}#{room['join_key']}", "Ilse")
    await join(pieter, f"{base}/r/{rid}#{room['join_key']}", "Pieter")
    beamer = await screens("beamer")
    await beamer.page.goto(f"{base}/r/{rid}/projector#{room['projector_key']}")
    await started(beamer.page)
    people = [fac, ilse, pieter]
    everyone = [*people, beamer]

    # The case choice: candidates with these ids; Pieter votes for one of them only.
    await send(fac.page, "phase.goto", {"index": 1})
    await all_at(everyone, 1)
    for i, cid in enumerate(TRICKY):
        await send((ilse, pieter)[i % 2].page, "case.propose", {"id": cid, "text": f"Casus {cid}."})
    await send(pieter.page, "vote.cast", {"id": "toString"})
    for s in people:
        await expect(s.page.locator(".vote-item")).to_have_count(len(TRICKY))
    await expect(pieter.page.locator(".vote-item.has-mine")).to_have_count(1)
    await send(fac.page, "vote.close")
    await send(fac.page, "case.choose", {"id": "constructor"})
    await wait_state(ilse.page, "s.case.question === 'Casus constructor.'")
    await expect(beamer.page.locator(".pj-votes li")).to_have_count(len(TRICKY))
    no_errors(*everyone)

    # Exploring: mind-map nodes and question cards with these ids, a node under "constructor".
    await send(fac.page, "phase.next")
    await all_at(everyone, 2)
    parents = {
        "constructor": "root",
        "toString": "constructor",
        "hasOwnProperty": "root",
        "__proto__": "toString",
    }
    for nid, parent in parents.items():
        await send(pieter.page, "mindmap.add", {"id": nid, "parent": parent, "text": f"Knoop {nid}"})
        await send(pieter.page, "card.add", {"id": nid, "kind": "question", "text": f"Vraag {nid}?"})
    for s in people:
        await wait_state(s.page, f"Object.keys(s.mindmap.nodes).length === {len(TRICKY)}")
        for nid in TRICKY:
            await expect(s.page.locator(f".board-mindmap g.mm-node[data-id='{nid}']")).to_have_count(1)
            await expect(s.page.locator(f"[data-card='{nid}']")).to_contain_text(f"Vraag {nid}?")
    for nid in TRICKY:
        await expect(beamer.page.locator(f".pj-mm g.mm-node[data-id='{nid}']")).to_have_count(1)
    shown = await texts(beamer.page, ".pj-cards")
    assert all(f"Vraag {n}?" in shown for n in TRICKY), shown
    no_errors(*everyone)

    # Every later phase: the map and the cards are read-only lists of earlier phases now; advice
    # cards and plan suggestions with the same ids join them.
    n_phases = len(await fac.page.evaluate("Alpine.store('kring').state.method.phases"))
    for index in range(3, n_phases):
        await send(fac.page, "phase.next")
        await all_at(everyone, index)
        if index == 4:
            for nid in TRICKY:
                await send(
                    pieter.page, "card.add", {"id": "a" + nid, "kind": "advice", "text": f"Advies {nid}."}
                )
                await send(pieter.page, "plan.suggest", {"id": nid, "field": "action", "text": f"Plan {nid}"})
            await expect(ilse.page.locator(".board-plan")).to_contain_text("Plan __proto__")
        shown = await fac.page.evaluate("Alpine.store('kring').shown('mindmap')")
        for s in people:
            # Where the method shows the mind-map read-only, it is the board; else the outline.
            if shown:
                outline = await s.page.locator(".board-mindmap").text_content() or ""
            else:
                outline = await texts(s.page, ".earlier-outline li")
            earlier = await texts(s.page, ".earlier .card-text")
            for nid in TRICKY:
                assert f"Knoop {nid}" in outline, (s.name, index, outline)
                assert f"Vraag {nid}?" in earlier, (s.name, index, earlier)
        no_errors(*everyone)

    # The report: the outline and every card.
    report = await pieter.context.new_page()
    report.on("pageerror", lambda e: pieter.errors.append(f"report: {e}"))
    await report.goto(f"{base}/r/{rid}/report#{room['join_key']}")
    await expect(report.locator(".report")).to_contain_text("Knoop __proto__")
    body = await report.evaluate("document.body.textContent")
    for nid in TRICKY:
        assert f"Knoop {nid}" in body and f"Vraag {nid}?" in body and f"Advies {nid}." in body
    no_errors(*everyone)


async def test_forces_named_like_object_members(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "krachtenveld", title="Krachten")
    rid = room["room"]
    fac, ilse, pieter = await screens("Fenna"), await screens("Ilse"), await screens("Pieter")
    await join(fac, f"{base}/r/{rid}#{room['facilitator_key']}", "Fenna")
    await join(ilse, f"{base}/r/{rid}#{room['join_key']}", "Ilse")
    await join(pieter, f"{base}/r/{rid}#{room['join_key']}", "Pieter")
    beamer = await screens("beamer")
    await beamer.page.goto(f"{base}/r/{rid}/projector#{room['projector_key']}")
    await started(beamer.page)
    people = [fac, ilse, pieter]
    everyone = [*people, beamer]
    await send(fac.page, "role.assign", {"pid": await my_pid(ilse.page), "role": "inbrenger", "on": True})

    await send(fac.page, "phase.next")
    await all_at(everyone, 1)
    for i, fid in enumerate(TRICKY):
        side = ENUMS["force_sides"][i % 2]
        await send(pieter.page, "force.add", {"id": fid, "side": side, "text": f"Kracht {fid}"})
    for index in (2, 3):  # to Samenhang en classificatie, where the method rates
        await send(fac.page, "phase.next")
        await all_at(everyone, index)
    # Pieter rates "toString" fully through the buttons; nobody has a half-finished rating.
    item = pieter.page.locator(".board-forcefield [data-force='toString']")
    for key in ENUMS["rating_keys"]:
        await item.locator(f"[data-rate='{key}-4']").click()
    await wait_state(ilse.page, "s.forcefield.forces.toString.summary.n === 1")
    for s in people:
        for fid in TRICKY:
            row = s.page.locator(f".board-forcefield [data-force='{fid}']")
            await expect(row).to_contain_text(f"Kracht {fid}")
            await expect(row.locator(".ff-incomplete")).to_be_hidden()
        titles = await texts(s.page, ".board-forcefield .ff-svg .ff-row title")
        assert all(f"Kracht {f}" in titles for f in TRICKY), (s.name, titles)
    titles = await texts(beamer.page, ".pj-ff .ff-row title")
    assert all(f"Kracht {f}" in titles for f in TRICKY), titles
    no_errors(*everyone)

    n_phases = len(await fac.page.evaluate("Alpine.store('kring').state.method.phases"))
    for index in range(4, n_phases):
        await send(fac.page, "phase.next")
        await all_at(everyone, index)
        tool_open = await fac.page.evaluate("Alpine.store('kring').tool('forcefield')")
        shown = await fac.page.evaluate("Alpine.store('kring').shown('forcefield')")
        for s in people:
            if shown:  # the method shows the board read-only here: the diagram, not the list
                titles = await texts(s.page, ".board-forcefield .ff-svg .ff-row title")
                assert all(f"Kracht {f}" in titles for f in TRICKY), (s.name, index, titles)
            elif not tool_open:
                earlier = await texts(s.page, ".earlier-forces .card-text")
                assert all(f"Kracht {f}" in earlier for f in TRICKY), (s.name, index, earlier)
        no_errors(*everyone)


# --- the creation key ------------------------------------------------------------------------------


@pytest.fixture
def keyed_server(tmp_path: Path) -> Any:
    srv = ServerProc(
        {
            "KRING_STORE": f"sqlite:///{tmp_path}/kring.db",
            "KRING_SECRET": "test-secret",
            "KRING_CREATE_KEY": "geheime-sleutel",
            # Two creations, then one a minute: the third is refused with 429.
            "KRING_CREATE_BURST": "2",
            "KRING_CREATE_PER_MIN": "1",
        },
        log_path=tmp_path / "server.log",
    ).start()
    try:
        yield srv
    finally:
        srv.stop()


async def test_the_start_page_asks_for_the_creation_key(keyed_server: ServerProc, screens: Any) -> None:
    s = await screens("Fenna", bypass_csp=True)  # for axe, injected inline
    page = s.page
    await page.goto(keyed_server.base + "/")
    await started(page)
    assert await page.evaluate(
        "JSON.parse(document.getElementById('kring-data').textContent).create_key_required"
    )
    room_form = page.locator("section.create").first
    group_form = page.locator("section.group-create")
    room_key = room_form.get_by_label("Aanmaakcode")
    group_key = group_form.get_by_label("Aanmaakcode")
    await expect(room_key).to_be_visible()
    await expect(group_key).to_be_visible()
    await expect(room_key).to_have_attribute("type", "password")

    # A wrong key: refused (403), said so in the person's language.
    await page.get_by_label("Titel van de bijeenkomst").fill("Besloten intervisie")
    await room_key.fill("fout")
    await room_form.get_by_role("button", name="Bijeenkomst aanmaken").click()
    await expect(room_form.locator(".form-error")).to_have_text(
        re.compile("aanmaakcode ontbreekt of klopt niet")
    )
    await shot(page.locator(".create-col"), ARTIFACTS / "start-creation-key-refused.png")
    assert not await axe(page, "start page, creation key refused")

    # The right key: the room is created.
    await room_key.fill("geheime-sleutel")
    await room_form.get_by_role("button", name="Bijeenkomst aanmaken").click()
    await expect(page.locator("#join-url")).to_be_visible()

    # The group form has the key typed once already; the second creation succeeds...
    await expect(group_key).to_have_value("geheime-sleutel")
    await group_form.get_by_label("Naam van de groep").fill("Besloten groep")
    await group_form.get_by_role("button", name="Groep aanmaken").click()
    await expect(page.locator("#group-join-url")).to_be_visible()

    # ...and the third, too soon after, is refused with 429: in English after the switch.
    await page.get_by_role("button", name="EN, English").click()
    await page.locator("section.group-created").get_by_role("button").last.click()
    group_key = group_form.get_by_label("Creation key")
    await expect(group_key).to_be_visible()
    await group_form.get_by_label("Group name").fill("Nog een groep")
    await group_key.fill("geheime-sleutel")
    await group_form.locator("button[type=submit]").click()
    await expect(group_form.locator(".form-error")).to_have_text(re.compile("too many meetings or groups"))
    await shot(page.locator(".create-col"), ARTIFACTS / "start-creation-key-too-fast.png")
    # The browser logs the refused requests themselves; nothing else went wrong.
    no_errors(s, expected=r"Failed to load resource: .* (403|429) ")


async def test_an_open_instance_shows_no_key_field(sqlite_server: ServerProc, screens: Any) -> None:
    s = await screens("Fenna")
    await s.page.goto(sqlite_server.base + "/")
    await started(s.page)
    await expect(s.page.locator("#room-create-key")).to_be_hidden()
    await expect(s.page.locator("#group-create-key")).to_be_hidden()
    no_errors(s)


# --- how the room looks ----------------------------------------------------------------------------


async def test_room_page_at_laptop_and_phone_size(sqlite_server: ServerProc, screens: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = sqlite_server.base
    room = create_room(base, "basis", title="Intervisie teamleiders")
    rid = room["room"]
    fac = await screens("Fenna")
    phone = await screens("Ilse", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    await join(fac, f"{base}/r/{rid}#{room['facilitator_key']}", "Fenna")
    await join(phone, f"{base}/r/{rid}#{room['join_key']}", "Ilse")
    await send(fac.page, "role.assign", {"pid": await my_pid(phone.page), "role": "inbrenger", "on": True})
    await wait_state(phone.page, "s.may.case")
    await send(
        phone.page, "case.set", {"question": "Hoe deel ik eigenaarschap zonder de deadline te missen?"}
    )
    await send(fac.page, "phase.goto", {"index": 2})
    await all_at([fac, phone], 2)
    await send(fac.page, "card.add", {"id": "k1", "kind": "question", "text": "Wat deed je als eerste?"})
    await send(fac.page, "mindmap.add", {"id": "n1", "parent": "root", "text": "Het team"})
    await expect(phone.page.locator("[data-card='k1']")).to_be_visible()
    for s, name in ((fac, "room-laptop-1280x800.png"), (phone, "room-phone-390x844.png")):
        await s.page.evaluate("window.scrollTo(0, 0)")
        await s.page.screenshot(path=str(ARTIFACTS / name))
        # Nothing sticks out sideways.
        wide = await s.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, (name, wide)
    await fac.page.screenshot(path=str(ARTIFACTS / "room-laptop-1280x800-full.png"), full_page=True)
    await phone.page.screenshot(path=str(ARTIFACTS / "room-phone-390x844-full.png"), full_page=True)
    no_errors(fac, phone)
