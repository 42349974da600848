"""Translations in a real browser: no page asks for a key its catalog lacks, in either language;
a missing key shows as ⟦key⟧ and is reported; the method editor speaks the page's language."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from kring_testlib import ServerProc, create_room

pytestmark = pytest.mark.browser

expect: Any = pytest.importorskip("playwright.async_api").expect


def api(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(
        base + path,
        method="POST",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return dict(json.loads(r.read().decode()))


async def no_missing_keys(s: Any, where: str) -> None:
    """Nothing on the page was missing from the catalog: none reported, none shown as ⟦key⟧."""
    missing = await s.page.evaluate("window.kringI18n.missing.slice()")
    assert missing == [], f"{where}: {missing}"
    text = await s.page.evaluate("document.body.innerText")
    assert "⟦" not in text, f"{where}: {text}"
    assert s.errors == [], f"{where}: {s.errors}"


async def switch(s: Any, lang: str) -> None:
    button = s.page.get_by_role("button", name={"nl": "Nederlands", "en": "English"}[lang])
    if await button.is_visible():
        await button.click()
    else:  # the projector shows no top bar
        await s.page.evaluate("lang => Alpine.store('kring').setLang(lang)", lang)
    await expect(s.page.locator("html")).to_have_attribute("lang", lang)


async def both_languages(s: Any, where: str, nl_text: str, en_text: str) -> None:
    """The page in Dutch, then switched to English (the other catalog is fetched), then back."""
    await expect(s.page.locator("main")).to_contain_text(nl_text)
    await no_missing_keys(s, where + " (nl)")
    await switch(s, "en")
    await expect(s.page.locator("main")).to_contain_text(en_text)
    await no_missing_keys(s, where + " (en)")
    await switch(s, "nl")
    await expect(s.page.locator("main")).to_contain_text(nl_text)
    await no_missing_keys(s, where + " (nl again)")


async def test_no_missing_keys_on_the_main_pages(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    s = await screens("Fenna")
    s.page.on("dialog", lambda d: d.accept())

    await s.page.goto(base + "/")
    await both_languages(s, "start page", "Methodebibliotheek", "Method library")
    await s.page.goto(base + "/prepare")
    await both_languages(s, "prepare page", "Je werkvraag voorbereiden", "Prepare your work question")

    # A room, as its facilitator, in a phase with cards, then with the mind-map and the plan.
    room = create_room(base, "basis", "Vertaald")
    await s.page.goto(f"{base}/r/{room['room']}#{room['facilitator_key']}")
    await s.page.get_by_label("Je naam").fill("Fenna")
    await s.page.get_by_role("button", name="Meedoen").click()
    await expect(s.page.locator(".fac")).to_contain_text("Gespreksleiding")
    await both_languages(s, "room, introduction", "Gespreksleiding", "Facilitation")
    titles = ["Keuze werkprobleem", "Onderzoeken", "Herformulering", "Advies en actieplan", "Evaluatie"]
    for index, title in enumerate(titles, start=1):
        await s.page.locator("#fac-goto").select_option(str(index))
        await s.page.get_by_role("button", name="Ga naar fase").click()
        await expect(s.page.locator("#phase-title")).to_have_text(title)
        await no_missing_keys(s, f"room, {title}")
    await both_languages(s, "room, last phase", "Gespreksleiding", "Facilitation")

    for page, key, nl_text, en_text in (
        ("projector", room["projector_key"], "Fase 6 van 6", "Phase 6 of 6"),
        ("report", room["join_key"], "Deelnemers", "Participants"),
    ):
        await s.page.goto(f"{base}/r/{room['room']}/{page}#{key}")
        await both_languages(s, page, nl_text, en_text)

    # The group page as its facilitator, the method editor open.
    g = api(base, "/api/groups", {"name": "Vertaalgroep", "lang": "nl"})
    await s.page.goto(f"{base}/g/{g['group']}#{g['admin_key']}")
    await s.page.get_by_label("Je naam").fill("Fenna")
    await s.page.get_by_role("button", name="Lid worden").click()
    await expect(s.page.locator(".members-panel")).to_contain_text("Fenna (jij)")
    await s.page.locator("#me-source").select_option("b:basis")
    await s.page.get_by_role("button", name="Kopiëren naar de editor").click()
    await expect(s.page.locator(".me-phase")).to_have_count(6)
    await both_languages(s, "group page", "Methode aanpassen", "Customise a method")


async def test_method_editor_in_the_pages_language(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    g = api(base, "/api/groups", {"name": "Vertaalgroep", "lang": "nl"})
    s = await screens("Anna")
    page = s.page
    await page.goto(f"{base}/g/{g['group']}#{g['admin_key']}")
    await page.get_by_label("Je naam").fill("Anna")
    await page.get_by_role("button", name="Lid worden").click()
    await expect(page.locator(".members-panel")).to_contain_text("Anna (jij)")

    # A copy is named "own version" in each of its languages, from each language's catalog.
    await page.locator("#me-source").select_option("b:basis")
    await page.get_by_role("button", name="Kopiëren naar de editor").click()
    await expect(page.locator("#me-name-nl")).to_have_value("Basismethode (eigen versie)")
    await expect(page.locator("#me-name-en")).to_have_value("Basic method (own version)")

    # A refusal: the server's English message as it is, and its code and path in the page's words.
    editor = page.locator(".method-editor")
    first = editor.locator(".me-phase").nth(0)
    await first.get_by_label("Titel (Nederlands)").fill("")
    await editor.get_by_role("button", name="Methode opslaan").click()
    await expect(editor.locator("#me-error .me-error-text")).to_contain_text(
        "phases[0].title.nl: missing or empty text"
    )
    await expect(editor.locator("#me-error .me-error-msg")).to_have_text("ontbreekt of is leeg")
    await expect(editor.locator(".me-error-where")).to_contain_text("Waar: Fase 1 · Titel (Nederlands)")
    await page.get_by_role("button", name="English").click()
    await expect(editor.locator("#me-error .me-error-msg")).to_have_text("missing or empty text")
    await expect(editor.locator(".me-error-where")).to_contain_text("Where: Phase 1 · Title (Dutch)")

    # A field the form has no place for is named by its path.
    await page.locator(".me-import summary").click()
    await page.get_by_label("Or paste the text").fill('id = "x"\n[[')
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(page.locator(".me-import .me-error-msg")).to_contain_text("not valid TOML: ")
    refused = [e for e in s.errors if "status of 400" in e]
    assert len(refused) == 2 and len(s.errors) == 2, s.errors
    s.errors.clear()
    await no_missing_keys(s, "method editor")


async def test_a_missing_key_is_shown_and_reported(sqlite_server: ServerProc, screens: Any) -> None:
    s = await screens("Eve")
    await s.page.goto(sqlite_server.base + "/")
    await expect(s.page.get_by_role("heading", level=1)).to_have_text("Een intervisiebijeenkomst starten")
    shown = await s.page.evaluate(
        "[kringI18n.t('nl', 'noSuchKey'), kringI18n.dict('nl').noSuchKey, kringI18n.t('nl', 'cueMinutes')]"
    )
    assert shown == ["⟦noSuchKey⟧", "⟦noSuchKey⟧", "⟦cueMinutes (a plural needs n)⟧"]
    assert await s.page.evaluate("kringI18n.missing.slice()") == [
        "nl: noSuchKey",
        "nl: cueMinutes (a plural needs n)",
    ]
    assert s.errors == [
        "console: kring i18n: missing translation nl: noSuchKey",
        "console: kring i18n: missing translation nl: cueMinutes (a plural needs n)",
    ]
    # Plurals come from Intl.PluralRules with the catalog's locale.
    got = await s.page.evaluate("[1, 2].map(n => kringI18n.t('nl', 'cueMinutes', {n: n}))")
    assert got == ["1 minuut", "2 minuten"]
