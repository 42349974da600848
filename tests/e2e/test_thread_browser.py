"""The learning thread on the group page: a member fills in their persoonlijke leervraag with the
guided form, keeps versions, shares it, and writes their learning log for a held meeting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kring_testlib import ServerProc

from .test_group_browser import api, become_member

expect: Any = pytest.importorskip("playwright.async_api").expect


async def test_leervraag_form_versions_and_sharing(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    g = api(base, "/api/groups", {"name": "Schoolleiders", "lang": "nl"})
    fenna, bram = await screens("Fenna"), await screens("Bram")
    await become_member(fenna, f"{base}/g/{g['group']}#{g['admin_key']}", "Fenna")
    await become_member(bram, f"{base}/g/{g['group']}#{g['join_key']}", "Bram")
    panel = bram.page.locator(".leervraag-panel")
    await expect(panel).to_contain_text("Privé")
    await panel.get_by_label("Wat wil ik precies leren tijdens dit traject?").fill("Beter delegeren")
    await panel.get_by_label("Mijn kortetermijndoelen").fill("Elke week één taak overdragen")
    await panel.get_by_label("Hoe verhouden mijn doelen zich tot de doelstellingen van mijn school?").fill(
        "Meer eigenaarschap in de teams"
    )
    await panel.get_by_role("button", name="Leervraag opslaan").click()
    await expect(panel).to_contain_text("Elke week één taak overdragen")
    await panel.get_by_role("button", name="Bijwerken").click()
    await panel.get_by_label("Wat wil ik precies leren tijdens dit traject?").fill(
        "Beter en eerder delegeren"
    )
    await panel.get_by_role("button", name="Leervraag opslaan").click()
    await expect(panel.locator("details")).to_contain_text("v1")
    await expect(panel.locator("details")).to_contain_text("v2")
    # Not shared: Fenna's page shows nothing of it.
    await fenna.page.reload()
    await expect(fenna.page.locator(".leervraag-panel")).to_be_visible()
    await expect(fenna.page.locator("body")).not_to_contain_text("delegeren")
    await panel.get_by_role("button", name="Delen met de groep").click()
    await expect(panel).to_contain_text("Gedeeld")
    await fenna.page.reload()
    await expect(fenna.page.locator(".leervraag-panel")).to_contain_text("Bram: Beter en eerder delegeren")
    await expect(fenna.page.locator(".log-panel")).to_contain_text("Alleen jij ziet je leerlogboek.")
    # The year's reflection: a Markdown download of one's own thread.
    async with bram.page.expect_download() as got:
        await bram.page.get_by_role("button", name="Mijn jaarreflectie downloaden (Markdown)").click()
    download = await got.value
    text = Path(await download.path()).read_text(encoding="utf-8")
    assert "Beter en eerder delegeren" in text and "Elke week één taak overdragen" in text
