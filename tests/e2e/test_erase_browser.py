"""Commands with buttons of their own, in real Chromium: the facilitator closes the evaluation
(the means appear, over at least three answers), a member erases their own data, the group's
facilitator erases a member's and a removed member's data, and erases the whole group."""

from __future__ import annotations

import urllib.error
from typing import Any

import pytest
from kring_testlib import Client, ServerProc, create_room

from .browserlib import expect, join, post_json, send, wait_state

pytestmark = pytest.mark.browser


async def test_facilitator_closes_the_evaluation(sqlite_server: ServerProc, screens: Any) -> None:
    room = create_room(sqlite_server.base)
    fac = await screens("Fenna")
    await join(fac.page, room["facilitator_url"], "Fenna")
    n = len(await fac.page.evaluate("Alpine.store('kring').state.method.phases"))
    phases = await fac.page.evaluate("Alpine.store('kring').state.method.phases.map(p => p.tools)")
    at = next(i for i in range(n) if "evaluation" in phases[i])
    await send(fac.page, "phase.goto", {"index": at})
    panel = fac.page.locator(".eval-panel")
    close = panel.get_by_role("button", name="Evaluatie afsluiten")
    await expect(close).to_be_visible()
    await expect(panel).to_contain_text("alleen bij minstens 3 antwoorden")

    people = [Client(sqlite_server.ws_base, room["room"], sqlite_server.base) for _ in range(3)]
    try:
        for i, (c, score) in enumerate(zip(people, (3, 4, 5), strict=True)):
            await c.connect({"key": room["join_key"], "name": f"P{i}"})
            await c.ok("eval.submit", {"content": score, "process": 4})
        await expect(panel).to_contain_text("3 ingevuld")
        await expect(panel).not_to_contain_text("Inhoud (1–5): 4")  # not before the close
        # Only the facilitator has the button.
        refused = await people[0].cmd("evaluation.close")
        assert refused["t"] == "error" and refused["code"] == "forbidden"
        await close.click()
        await wait_state(fac.page, "s.evaluation.closed")
        await expect(panel).to_contain_text("Inhoud (1–5): 4")
        await expect(panel).to_contain_text("Proces (1–5): 4")
        await expect(panel).to_contain_text("De evaluatie is afgesloten")
        await expect(close).to_be_hidden()
        await expect(panel.locator("form")).to_be_hidden()
    finally:
        for c in people:
            await c.close()
    assert fac.errors == [], fac.errors


def _refused(url: str, body: dict[str, Any]) -> int:
    try:
        post_json(url, body)
    except urllib.error.HTTPError as e:
        return int(e.code)
    return 200


async def test_members_and_the_group_are_erased(sqlite_server: ServerProc, screens: Any) -> None:
    base = sqlite_server.base
    g = post_json(base + "/api/groups", {"name": "Teamleiders Zuid"})
    gid = g["group"]
    fenna, anna = await screens("Fenna"), await screens("Anna")
    dialogs: list[str] = []

    async def accept(d: Any) -> None:
        dialogs.append(d.message)
        await d.accept()

    for s in (fenna, anna):
        s.page.on("dialog", accept)

    async def become(s: Any, key: str, name: str) -> None:
        await s.page.goto(f"{base}/g/{gid}#{key}")
        await s.page.get_by_label("Je naam").fill(name)
        await s.page.get_by_role("button", name="Lid worden").click()
        await expect(s.page.locator(".members-panel")).to_contain_text(f"{name} (jij)")

    await become(fenna, g["admin_key"], "Fenna")
    await become(anna, g["join_key"], "Anna")
    bram = post_json(f"{base}/api/groups/{gid}/join", {"key": g["join_key"], "name": "Bram"})
    post_json(f"{base}/api/groups/{gid}/join", {"key": g["join_key"], "name": "Carl"})
    fcmd = {"token": "", "type": "member.remove", "args": {"mid": bram["member"]}}
    # Fenna's own token, from her page's storage.
    rec = await fenna.page.evaluate(f"JSON.parse(localStorage.getItem('kring:group:{gid}'))")
    fcmd["token"] = rec["token"]
    post_json(f"{base}/api/groups/{gid}/cmd", fcmd)
    meeting = post_json(
        f"{base}/api/groups/{gid}/cmd",
        {"token": rec["token"], "type": "meeting.create", "args": {"method": "basis"}},
    )
    view = post_json(f"{base}/api/groups/{gid}/view", {"token": rec["token"]})
    meeting_key = view["meetings"][0]["join_key"]

    # A member erases their own data: the page says so, the link opens nothing any more.
    panel = anna.page.locator(".erase-panel")
    await expect(panel.get_by_role("button", name="Groep wissen")).to_be_hidden()
    await panel.get_by_role("button", name="Mijn gegevens wissen").click()
    await expect(anna.page.get_by_role("heading", name="Gewist")).to_be_visible()
    await anna.page.reload()
    await expect(anna.page.get_by_role("heading", name="Gewist")).to_be_hidden()
    await expect(anna.page.locator(".members-panel")).to_be_hidden()

    # The group's facilitator erases a member's and a removed member's data.
    await fenna.page.reload()
    fpanel = fenna.page.locator(".erase-panel")
    await expect(fenna.page.locator(".member-list")).not_to_contain_text("Anna")
    # The last facilitator cannot erase themselves (the group needs one): no button for it.
    await expect(fpanel.get_by_role("button", name="Mijn gegevens wissen")).to_be_hidden()
    await fpanel.get_by_role("button", name="Gegevens van Carl wissen").click()
    await expect(fenna.page.locator(".member-list")).not_to_contain_text("Carl")
    await fpanel.get_by_role("button", name="Gegevens van Verwijderd lid 1 wissen").click()
    await expect(fpanel.get_by_role("button", name="Gegevens van Verwijderd lid 1 wissen")).to_be_hidden()
    assert "Carl" in dialogs[-2] and "Verwijderd lid 1" in dialogs[-1]

    # The whole group, with its meetings: the confirmation names both.
    await fpanel.get_by_role("button", name="Groep wissen").click()
    await expect(fenna.page.get_by_role("heading", name="Gewist")).to_be_visible()
    assert "Teamleiders Zuid" in dialogs[-1] and "al haar bijeenkomsten (1)" in dialogs[-1]
    # The group's links open nothing any more: its join link and its meeting's join link.
    assert _refused(f"{base}/api/groups/{gid}/join", {"key": g["join_key"], "name": "Dirk"}) == 404
    gone = Client(sqlite_server.ws_base, meeting["room"], base)
    with pytest.raises(Exception):  # noqa: B017 - refused or closed, either way no room
        await gone.connect({"key": meeting_key, "name": "Dirk"})
    await gone.close()
    await fenna.page.reload()
    await expect(fenna.page.locator(".members-panel")).to_be_hidden()
    for s in (fenna, anna):
        assert s.errors == [], f"{s.name}: {s.errors}"
