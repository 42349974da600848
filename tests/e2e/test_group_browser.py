"""Intervisie groups over time in real browsers: a group holds two meetings with a rotating chair
and the follow-up of an action plan; a custom method is built in the form editor, checked by the
loader's own schema, run, and exported as TOML."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ARTIFACTS, ROOT, ServerProc

from server.methods import (
    CARD_KINDS,
    SHOWABLE,
    TOOLS,
    WRITERS,
    MethodError,
    MethodLibrary,
    parse_method,
    parse_toml,
)

pytestmark = pytest.mark.browser

expect: Any = pytest.importorskip("playwright.async_api").expect

PLAN_ACTION = "Een gesprek met Jan voeren over het te laat komen"
FIRST_STEP = "Maandag een afspraak met Jan maken"
REPORT = "Het eerste gesprek is gevoerd; Jan schrok ervan."
WERKVRAAG = "Vorige week zegde ik drie gesprekken af. Mijn jaarplan ligt stil. Hoe maak ik ruimte voor mijn eigen werk?"


def library() -> MethodLibrary:
    return MethodLibrary.load(ROOT / "methods")


def api(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(
        base + path,
        method="POST",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return dict(json.loads(r.read().decode()))


async def become_member(screen: Any, url: str, name: str) -> None:
    await screen.page.goto(url)
    await screen.page.get_by_label("Je naam").fill(name)
    await screen.page.get_by_role("button", name="Lid worden").click()
    await expect(screen.page.locator(".members-panel")).to_contain_text(f"{name} (jij)")
    assert "#" not in screen.page.url  # the key has done its work and left the address bar


async def enter_next_meeting(screen: Any, group_url: str, title: str) -> None:
    """From the group page into the next meeting: no join link, no name asked."""
    await screen.page.goto(group_url)
    card = screen.page.locator(".next-meeting")
    await expect(card).to_contain_text(title)
    await card.get_by_role("button", name="Open bijeenkomst").click()
    await expect(screen.page.locator(".people")).to_contain_text(f"{screen.name} (jij)")
    await expect(screen.page.locator("#join-name")).to_be_hidden()


async def goto_phase(screen: Any, index: int, title: str, everyone: tuple[Any, ...]) -> None:
    await screen.page.locator("#fac-goto").select_option(str(index))
    await screen.page.get_by_role("button", name="Ga naar fase").click()
    for s in everyone:
        await expect(s.page.locator("#phase-title")).to_have_text(title)


async def test_a_group_holds_two_meetings(sqlite_server: ServerProc, screens: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = sqlite_server.base
    fenna, anna, bram = await screens("Fenna"), await screens("Anna"), await screens("Bram")
    everyone = (fenna, anna, bram)

    # The facilitator creates the group on the start page and opens it as its facilitator.
    await fenna.page.goto(base + "/")
    await fenna.page.get_by_label("Naam van de groep").fill("Teamleiders Noord")
    await fenna.page.get_by_role("button", name="Groep aanmaken").click()
    await expect(fenna.page.locator("#group-join-url")).to_be_visible()
    invite = await fenna.page.input_value("#group-join-url")
    assert "/g/" in invite and "#" in invite and "?" not in invite
    await fenna.page.locator("#open-group-admin").click()
    await become_member(fenna, fenna.page.url, "Fenna")
    await expect(fenna.page.get_by_role("heading", level=1)).to_have_text("Teamleiders Noord")
    await expect(fenna.page.locator(".group-head")).to_contain_text("gespreksleider van de groep")
    group_url = fenna.page.url
    assert await fenna.page.input_value("#grp-invite") == invite

    # Two members join through the invite link, each in their own browser.
    await become_member(anna, invite, "Anna")
    await become_member(bram, invite, "Bram")
    await expect(bram.page.locator(".group-admin")).to_be_hidden()
    await expect(bram.page.locator(".new-meeting")).to_be_hidden()
    await expect(bram.page.locator(".method-editor")).to_be_hidden()

    # The facilitator turns the rotating chair on and plans meeting 1.
    await fenna.page.reload()
    await expect(fenna.page.locator(".member-list")).to_contain_text("Bram")
    await fenna.page.get_by_label("Gespreksleiding rouleert").check()
    await expect(fenna.page.locator(".members-panel")).to_contain_text("De gespreksleiding rouleert")
    await fenna.page.locator("#nm-method").select_option("basis")
    await fenna.page.locator("#nm-date").fill("2026-09-01")
    await fenna.page.locator("#nm-title").fill("September")
    await fenna.page.get_by_role("button", name="Bijeenkomst plannen").click()
    await expect(fenna.page.locator(".next-meeting")).to_contain_text("1 september 2026")

    # Everyone enters it from the group page, as themselves.
    for s in everyone:
        await enter_next_meeting(s, group_url, "September")
    await expect(fenna.page.locator(".fac")).to_be_visible()
    await expect(anna.page.locator(".fac")).to_be_hidden()
    for s in everyone:
        await expect(s.page.locator(".people")).to_contain_text("3 van 3 online")
    await expect(fenna.page.locator(".fu-panel")).to_be_hidden()  # nothing to look back on yet

    # Anna brings the case and writes a plan whose review date has already passed.
    await fenna.page.get_by_role("button", name="Inbrenger: Anna").click()
    await anna.page.get_by_role("button", name="Werkvraag invullen").click()
    await anna.page.locator("#case-question").fill(
        "Een ervaren docent kwam deze maand drie keer te laat. Ik zei niets. Hoe spreek ik hem aan?"
    )
    await anna.page.get_by_role("button", name="Werkvraag opslaan").click()
    await goto_phase(fenna, 4, "Advies en actieplan", everyone)
    await anna.page.locator("#plan-action").fill(PLAN_ACTION)
    await anna.page.locator("#plan-first_step").fill(FIRST_STEP)
    await anna.page.locator("#plan-review_date").fill("2024-03-01")
    await anna.page.locator("#plan-action").focus()
    await expect(fenna.page.locator("#plan-first_step")).to_have_value(FIRST_STEP)
    await expect(fenna.page.locator("#plan-review_date")).to_have_value("2024-03-01")

    # The evaluation: scores, and the facilitator picks the next chair and inbrenger.
    await goto_phase(fenna, 5, "Evaluatie", everyone)
    for s, content, process in ((anna, "4", "3"), (bram, "3", "4"), (fenna, "2", "5")):
        ev = s.page.locator(".eval-panel")
        await ev.get_by_role("group", name="Inhoud (1–5)").get_by_label(content).check()
        await ev.get_by_role("group", name="Proces (1–5)").get_by_label(process).check()
        await ev.get_by_role("button", name="Versturen").click()
        await expect(ev).to_contain_text("Dank je, ontvangen.")
    # Means are shown once the evaluation is closed (three answers or more); the page has no button
    # for it yet, so the facilitator's client sends the command.
    closed = await fenna.page.evaluate("() => Alpine.store('kring').send('evaluation.close', {})")
    assert closed["t"] == "ack"
    await expect(anna.page.locator(".next-panel form")).to_be_hidden()
    await fenna.page.locator("#next-chair").select_option(label="Bram")
    await fenna.page.locator("#next-inbrenger").select_option(label="Fenna")
    await fenna.page.get_by_role("button", name="Vastleggen").click()
    for s in everyone:
        await expect(s.page.locator(".next-panel .next-chair")).to_have_text("Bram")
        await expect(s.page.locator(".next-panel .next-inbrenger")).to_have_text("Fenna")
    await fenna.page.locator(".next-panel").screenshot(path=str(ARTIFACTS / "group-next-roles.png"))

    # The chair chosen in the evaluation plans meeting 2 from the group page.
    await bram.page.goto(group_url)
    await expect(bram.page.locator(".members-panel .next-chair")).to_have_text("Bram")
    plan2 = bram.page.locator(".new-meeting")
    await expect(plan2).to_contain_text("gekozen als gespreksleider")
    await bram.page.locator("#nm-date").fill("2026-10-06")
    await bram.page.locator("#nm-title").fill("Oktober")
    await plan2.get_by_role("button", name="Bijeenkomst plannen").click()
    await expect(bram.page.locator(".next-meeting")).to_contain_text("Oktober")
    await expect(bram.page.locator(".next-meeting")).to_contain_text("Gespreksleider: Bram")

    # Fenna submits a werkvraag for it; it stays hers until the case choice.
    await fenna.page.goto(group_url)
    wv = fenna.page.locator(".werkvraag-panel")
    await expect(wv).to_contain_text("Oktober")
    await wv.get_by_label("Je werkvraag (hooguit drie zinnen)").fill(WERKVRAAG)
    await expect(wv.locator(".check-item.is-ok")).to_have_count(4)
    await wv.get_by_role("button", name="Werkvraag indienen").click()
    await expect(wv.locator(".wv-sent")).to_contain_text(WERKVRAAG)

    # Meeting 2 opens with meeting 1's action plan; its owner reports back.
    for s in (bram, anna, fenna):
        await enter_next_meeting(s, group_url, "Oktober")
    for s in everyone:
        fu = s.page.locator(".fu-panel")
        await expect(fu).to_contain_text("Terugblik op actieplannen")
        await expect(fu).to_contain_text("Actieplan van Anna")
        await expect(fu).to_contain_text(PLAN_ACTION)
        await expect(fu.locator(".badge-due")).to_have_text("verlopen")
    await expect(fenna.page.locator(".fu-form")).to_be_hidden()  # not her plan, not the chair
    await expect(fenna.page.locator(".queued-panel")).to_contain_text(WERKVRAAG)
    await expect(fenna.page.locator(".queued-panel")).to_contain_text(
        "Alleen zichtbaar voor jou tot de keuze"
    )
    for s in (anna, bram):
        await expect(s.page.locator(".queued-panel")).to_be_hidden()
    form = anna.page.locator(".fu-form")
    await form.get_by_label("Deels gedaan").check()
    await form.get_by_label("Wat heb je gedaan, en wat merkte je?").fill(REPORT)
    # The report's text is kept as a draft in her browser: a reload puts it back in its box.
    await anna.page.reload()
    form = anna.page.locator(".fu-form")
    await expect(form.get_by_label("Wat heb je gedaan, en wat merkte je?")).to_have_value(REPORT)
    await form.get_by_label("Deels gedaan").check()
    await anna.page.locator(".fu-panel").screenshot(path=str(ARTIFACTS / "group-followup-form.png"))
    await form.get_by_role("button", name="Terugkoppeling opslaan").click()
    for s in everyone:
        await expect(s.page.locator(".fu-panel .fu-report")).to_contain_text("Deels gedaan")
        await expect(s.page.locator(".fu-panel .fu-report")).to_contain_text(REPORT)
    await expect(anna.page.locator(".fu-form")).to_be_hidden()
    assert not await anna.page.evaluate(
        "Object.keys(localStorage).some(k => k.startsWith('kring:draft:') && k.includes(':fu-text-'))"
    )
    await anna.page.evaluate("window.scrollTo(0, 0)")
    await anna.page.screenshot(path=str(ARTIFACTS / "group-followup.png"), full_page=True)

    # The chair runs meeting 2: the facilitator controls are his now.
    await expect(bram.page.locator(".fac")).to_be_visible()
    await expect(fenna.page.locator(".fac")).to_be_hidden()
    await bram.page.get_by_role("button", name="Volgende fase").click()
    for s in everyone:
        await expect(s.page.locator("#phase-title")).to_have_text("Keuze werkprobleem")
    # At the case choice the queued werkvraag becomes a candidate for everyone.
    await expect(anna.page.locator(".board-vote")).to_contain_text("jaarplan")

    # The group page: the report on the open plan, due; the trend; the past meeting's report link.
    await anna.page.goto(group_url)
    plans = anna.page.locator(".plans-panel")
    await expect(plans.locator(".plan-card.is-due")).to_contain_text("Anna")
    await expect(plans.locator(".badge-due")).to_have_text("verlopen")
    await expect(plans.locator(".fu-report")).to_contain_text("Deels gedaan")
    await expect(plans.locator(".fu-report")).to_contain_text(REPORT)
    trend = anna.page.locator(".trend-panel")
    await expect(trend.locator("svg circle")).to_have_count(1)
    await expect(trend).to_contain_text("inhoud 3 en proces 4")
    past = anna.page.locator(".meeting.is-past")
    await expect(past).to_contain_text("Hoe spreek ik hem aan?")
    href = await past.get_by_role("link", name="Verslag").get_attribute("href")
    assert href is not None and href.startswith("/r/") and "/report#" in href
    await fenna.page.goto(group_url)
    await expect(fenna.page.locator(".plans-panel")).to_contain_text(REPORT)
    await fenna.page.screenshot(path=str(ARTIFACTS / "group-page.png"), full_page=True)
    for s in everyone:
        assert s.errors == [], f"{s.name}: {s.errors}"


def _basis_edited(phase_id: str, title_nl: str | None = None) -> dict[str, Any]:
    """The basis method with the edits the test makes in the form: what the browser should send."""
    d = library().get("basis").to_dict()  # type: ignore[union-attr]
    d["id"] = "basis-kort"
    d["name"] = {"nl": "Basis kort", "en": "Basic short"}
    d["phases"] = [p for p in d["phases"] if p["id"] != "herformulering"]
    d["phases"][2]["minutes"] = 25
    d["phases"][0]["id"] = phase_id
    if title_nl is not None:
        d["phases"][0]["title"]["nl"] = title_nl
    return d


def _loader_message(data: dict[str, Any]) -> str:
    try:
        parse_method(data, "method", library().basic_ids)
    except MethodError as e:
        return str(e)
    raise AssertionError("the loader accepted it")


async def test_b_custom_method_in_the_form_editor(sqlite_server: ServerProc, screens: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = sqlite_server.base
    g = api(base, "/api/groups", {"name": "Ervaren groep", "lang": "nl"})
    s = await screens("Anna")
    s.page.on("dialog", lambda d: d.accept())
    page = s.page
    await become_member(s, f"{base}/g/{g['group']}#{g['admin_key']}", "Anna")

    # The form offers exactly the schema's values.
    mirror = await page.evaluate("window.kringGroupSchema")
    assert set(mirror["tools"]) == TOOLS and set(mirror["card_kinds"]) == CARD_KINDS
    assert set(mirror["writers"]) == WRITERS
    assert set(mirror["show"]) == SHOWABLE

    # Copy the basic method into the editor.
    editor = page.locator(".method-editor")
    await page.locator("#me-source").select_option("b:basis")
    await editor.get_by_role("button", name="Kopiëren naar de editor").click()
    phases = editor.locator(".me-phase")
    await expect(phases).to_have_count(6)
    await expect(page.locator("#me-id")).to_be_focused()
    await page.evaluate("document.querySelector('.method-editor').scrollIntoView()")
    await page.screenshot(path=str(ARTIFACTS / "group-method-editor.png"))
    await page.locator("#me-id").fill("basis-kort")
    await page.locator("#me-name-nl").fill("Basis kort")
    await page.locator("#me-name-en").fill("Basic short")

    # Remove the reformulation, change the investigation's minutes.
    await editor.get_by_role("button", name="Fase 4 verwijderen").click()
    await expect(phases).to_have_count(5)
    await expect(editor.locator(".me-phase > fieldset > legend")).to_have_text(
        [
            "Fase 1: Introductie",
            "Fase 2: Keuze werkprobleem",
            "Fase 3: Onderzoeken",
            "Fase 4: Advies en actieplan",
            "Fase 5: Evaluatie",
        ]
    )
    await phases.nth(2).get_by_label("Minuten").fill("25")
    await expect(editor).to_contain_text("(5 fasen, 80 min)")

    # Reordering works from the keyboard and keeps the focus on the moved phase.
    await editor.get_by_role("button", name="Fase 2 omlaag").focus()
    await page.keyboard.press("Enter")
    await expect(phases.nth(2).get_by_label("Fase-id")).to_have_value("keuze")
    await expect(editor.get_by_role("button", name="Fase 3 omlaag")).to_be_focused()
    await page.keyboard.press("Shift+Tab")
    await expect(editor.get_by_role("button", name="Fase 3 omhoog")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(phases.nth(1).get_by_label("Fase-id")).to_have_value("keuze")

    # Schema errors first: the loader's own message, verbatim, next to the form.
    first = phases.nth(0)
    await first.get_by_label("Fase-id").fill("check in")
    await editor.get_by_role("button", name="Methode opslaan").click()
    error = editor.locator("#me-error .me-error-text")
    await expect(error).to_have_text(_loader_message(_basis_edited("check in")))
    await expect(error).to_contain_text("phases[0].id")
    await expect(page.locator("#me-error")).to_be_focused()
    await first.get_by_label("Fase-id").fill("check-in")
    await first.get_by_label("Titel (Nederlands)").fill("")
    await editor.get_by_role("button", name="Methode opslaan").click()
    await expect(error).to_have_text(_loader_message(_basis_edited("check-in", title_nl="")))
    # ... and says in the form's own words where that is, with a way to get there.
    await expect(editor.locator(".me-error-where")).to_contain_text("Waar: Fase 1 · Titel (Nederlands)")
    await page.evaluate("document.getElementById('me-error').scrollIntoView({block: 'center'})")
    await page.screenshot(path=str(ARTIFACTS / "group-method-editor-error.png"))
    await editor.get_by_role("button", name="Naar dit veld").click()
    await expect(first.get_by_label("Titel (Nederlands)")).to_be_focused()

    # The action plan shows the investigation's mind-map read-only (a phase's `show`).
    shown = phases.nth(3).locator("input[data-list='show'][value='mindmap']")
    await expect(
        phases.nth(3).locator("fieldset.checks legend", has_text="Alleen-lezen getoond")
    ).to_be_visible()
    await shown.check()
    await expect(phases.nth(3).get_by_label("Volgorde op het bord")).to_have_value("cards, plan")

    # Rename it properly and save.
    await first.get_by_label("Titel (Nederlands)").fill("Check-in en terugblik")
    await first.get_by_label("Titel (Engels)").fill("Check-in and look back")
    await editor.get_by_role("button", name="Methode opslaan").click()
    await expect(editor.locator("#me-error")).to_be_hidden()
    await expect(editor).to_contain_text("Opgeslagen: Basis kort")
    await expect(editor.locator(".own-methods")).to_contain_text("basis-kort · 5 fasen · 80 min")

    # It appears in the meeting select and runs like a built-in method.
    await page.locator("#nm-method").select_option("basis-kort")
    await page.locator("#nm-title").fill("Eigen methode")
    await page.get_by_role("button", name="Bijeenkomst plannen").click()
    await enter_next_meeting(s, page.url, "Eigen methode")
    steps = page.locator(".stepper .step")
    await expect(steps).to_have_count(5)
    await expect(steps.nth(0)).to_contain_text("Check-in en terugblik")
    await expect(page.locator(".stepper")).not_to_contain_text("Herformulering")
    await expect(steps.nth(2)).to_contain_text("25 min")
    await page.get_by_role("button", name="Volgende fase").click()
    await expect(page.locator("#phase-title")).to_have_text("Keuze werkprobleem")

    # Export as TOML: the loader reads it back as the same method.
    await page.get_by_role("link", name="Groepspagina").click()
    own = page.locator(".own-methods")
    async with page.expect_download() as got:
        await own.get_by_role("button", name="Exporteren als TOML: Basis kort").click()
    download = await got.value
    assert download.suggested_filename == "basis-kort.toml"
    text = Path(await download.path()).read_text("utf-8")
    m = parse_toml(text, "x", library().basic_ids)
    assert m.id == "basis-kort" and [p.id for p in m.phases] == [
        "check-in",
        "keuze",
        "onderzoeken",
        "actieplan",
        "evaluatie",
    ]
    assert m.phases[0].title.nl == "Check-in en terugblik" and m.phases[2].minutes == 25
    assert m.phases[3].show == ("mindmap",) and "show = [" in text
    assert m.phases[3].order == ("cards", "plan")  # kept through the form's order field

    # Import: a broken file gets the loader's message; a good one joins the group's methods.
    await page.locator(".me-import summary").click()
    bad = text.replace('id = "basis-kort"', 'id = "Basis Kort"', 1)
    await page.get_by_label("Of plak de tekst").fill(bad)
    await page.get_by_role("button", name="Importeren").click()
    with pytest.raises(MethodError) as loader:
        parse_toml(bad, "import.toml", library().basic_ids)
    await expect(page.locator(".me-import .me-error-text")).to_have_text(str(loader.value))
    await page.get_by_label("Of plak de tekst").fill(
        text.replace('id = "basis-kort"', 'id = "basis-kort-2"', 1)
    )
    await page.get_by_role("button", name="Importeren").click()
    await expect(own).to_contain_text("basis-kort-2")
    # The page speaks English too.
    await page.get_by_role("button", name="English").click()
    await expect(editor.get_by_role("heading", name="Customise a method")).to_be_visible()
    await expect(own).to_contain_text("basis-kort · 5 phases · 80 min")

    # The browser logs each refused request (two saves, one import); nothing else went wrong.
    refused = [e for e in s.errors if "status of 400" in e]
    assert len(refused) == 3 and len(s.errors) == 3, s.errors


async def test_c_the_method_editor_keeps_every_key_of_a_method(
    sqlite_server: ServerProc, screens: Any
) -> None:
    """The keys a method uses to carry its own terms (outcome fields, shown cards and outcomes,
    hints, the listening inbrenger, per-person caps, role labels, a facilitator who adds no
    content) are in the form editor: a built-in method copied, renamed and saved is the same
    method, and a changed outcome field is saved as changed."""
    base = sqlite_server.base
    g = api(base, "/api/groups", {"name": "Socratische groep", "lang": "nl"})
    s = await screens("Anna")
    s.page.on("dialog", lambda d: d.accept())
    page = s.page
    await become_member(s, f"{base}/g/{g['group']}#{g['admin_key']}", "Anna")
    lib = library()
    for mid in ("socratisch", "ui-model", "roddel", "reflecting-team", "waarderend"):  # waarderend: pairs
        await page.locator("#me-source").select_option(f"b:{mid}")
        await page.locator(".method-editor").get_by_role("button", name="Kopiëren naar de editor").click()
        await expect(page.locator("#me-id")).to_be_focused()
        await page.locator("#me-id").fill(f"{mid}-eigen")
        await page.locator(".method-editor").get_by_role("button", name="Methode opslaan").click()
        await expect(page.locator(".me-form .form-ok")).to_be_visible()
        token = await page.evaluate(f"JSON.parse(localStorage.getItem('kring:group:{g['group']}')).token")
        text = (
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{base}/api/groups/{g['group']}/methods/export",
                    method="POST",
                    data=json.dumps({"token": token, "id": f"{mid}-eigen"}).encode(),
                    headers={"Content-Type": "application/json"},
                ),
                timeout=10,
            )
            .read()
            .decode()
        )
        saved = parse_toml(text, "export.toml", lib.basic_ids)
        want = lib.methods[mid]
        assert saved.phases == want.phases, mid
        assert (saved.labels, saved.facilitator_writes) == (want.labels, want.facilitator_writes), mid
    # The reflecting team's reflection phase, as the editor shows it (hints, the listening inbrenger).
    await page.locator(".me-phase").nth(3).screenshot(path=str(ARTIFACTS / "group-method-editor-keys.png"))


async def test_d_a_falling_process_score_suggests_livelier_work_forms(
    sqlite_server: ServerProc, screens: Any
) -> None:
    """Three meetings evaluated lower each time on the process: the group page suggests methods not
    used lately and the work forms with the methods that open them (seed 001)."""
    from kring_testlib import Client

    base = sqlite_server.base
    g = api(base, "/api/groups", {"name": "Teamleiders Oost", "lang": "nl"})
    gid = g["group"]
    members = [api(base, f"/api/groups/{gid}/join", {"key": g["admin_key"], "name": "Fenna"})]
    members += [
        api(base, f"/api/groups/{gid}/join", {"key": g["join_key"], "name": n}) for n in ("Bram", "Cor")
    ]

    def cmd(m: dict[str, Any], type_: str, **args: Any) -> dict[str, Any]:
        return api(base, f"/api/groups/{gid}/cmd", {"token": m["token"], "type": type_, "args": args})

    for month, process in (("09", 5), ("10", 4), ("11", 3)):
        room = cmd(members[0], "meeting.create", method="basis", date=f"2026-{month}-01")["room"]
        clients = []
        for m in members:
            v = api(base, f"/api/groups/{gid}/view", {"token": m["token"]})
            meeting = next(x for x in v["meetings"] if x["room"] == room)
            c = Client(sqlite_server.ws_base, room, base)
            await c.connect({"key": meeting["join_key"], "token": meeting["token"]})
            clients.append(c)
        await clients[0].ok("phase.goto", {"index": 5})
        for c in clients:
            await c.ok("eval.submit", {"content": 4, "process": process})
        await clients[0].ok("evaluation.close")
        for c in clients:
            await c.close()
    s = await screens("Bram")
    await s.page.goto(f"{base}/")
    record = json.dumps({"token": members[1]["token"], "mid": members[1]["member"]})
    await s.page.evaluate(f"localStorage.setItem('kring:group:{gid}', {json.dumps(record)})")
    await s.page.goto(f"{base}/g/{gid}")
    box = s.page.locator(".trend-panel .livelier")
    await expect(box).to_contain_text("5 → 4 → 3", timeout=10_000)
    await expect(box).to_contain_text("Het geheim van de smid")
    forms = box.locator(".livelier-forms li")
    await expect(forms).to_have_count(3)
    await expect(forms.nth(0)).to_contain_text("tekening van de vraag")
    await expect(forms.nth(0)).to_contain_text("(het tekenbord), in de methode Balint")
    await expect(forms.nth(1)).to_contain_text("tweetallen")
    await box.screenshot(path=str(ARTIFACTS / "group-livelier.png"))
    assert not s.errors, s.errors
