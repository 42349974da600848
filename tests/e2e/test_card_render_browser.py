"""A card added by someone else changes only its own row on the screen (issue 19, the card that
appears within 50 ms on a slow laptop: bench/cardlatency.py measures the time; this checks what
the page does for it). In a room with 30 cards and a mind-map, when a member adds a card, every
other card keeps its very element with nothing in it touched, the mind-map is not drawn again, and
the new card is made without the parts a card shows only sometimes (the edit box, the conflict
panel, who else edits it, the badges, the edit buttons of a card not one's own); they appear
when needed."""

from __future__ import annotations

from typing import Any

from kring_testlib import ARTIFACTS, Client, ServerProc, create_room

from .browserlib import T, join, shot, wait_js, wait_state

OUT = ARTIFACTS / "card-render"

# Tags every card's element and counts, per card id, the changes made inside it from now on; the
# mind-map's drawing is counted under "~mindmap".
WATCH = """() => {
  window.__touched = {};
  const count = (k) => { window.__touched[k] = (window.__touched[k] || 0) + 1; };
  document.querySelectorAll("li[data-card]").forEach((li) => { li.__card = li.getAttribute("data-card"); });
  new MutationObserver((muts) => {
    for (const m of muts) {
      const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      const li = node && node.closest("li[data-card]");
      if (li && li.__card) count(li.__card);
      if (node && node.closest(".mm-svg")) count("~mindmap");
    }
  }).observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
}"""

SAME = """(ids) => ids.every((id) => {
  const li = document.querySelector(`li[data-card="${id}"]`);
  return !!li && li.__card === id;
})"""


def card(page: Any, cid: str) -> Any:
    return page.locator(f"li[data-card='{cid}']")


async def test_a_new_card_changes_only_its_own_row(sqlite_server: ServerProc, browser: Any) -> None:
    base = sqlite_server.base
    room = create_room(base, "basis", title="Veel kaarten")
    rid = room["room"]
    fac = Client(sqlite_server.ws_base, rid, base)
    anna = Client(sqlite_server.ws_base, rid, base)
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
        await anna.connect({"key": room["join_key"], "name": "Anna"})
        await fac.ok("phase.goto", {"index": 2})
        for i in range(40):
            parent = "root" if i < 8 else f"n{i % 8}"
            await fac.ok("mindmap.add", {"id": f"n{i}", "parent": parent, "text": f"idee {i}"})
        old = [f"q{i}" for i in range(30)]
        for i, cid in enumerate(old):
            await fac.ok("card.add", {"id": cid, "kind": "question", "text": f"Vraag {i}: wat zag je daar?"})
        await join(page, f"{base}/r/{rid}#{room['join_key']}", "Dirk")
        await wait_js(page, "() => document.querySelectorAll('li[data-card]').length === 30")
        await wait_js(page, "() => document.querySelectorAll('.mm-svg .mm-node').length > 0")
        await page.evaluate(WATCH)

        # Anna's card: only its own row is made; the 30 others and the mind-map are left alone.
        await anna.ok("card.add", {"id": "qa", "kind": "question", "text": "Wat deed je toen precies?"})
        new = card(page, "qa")
        await new.wait_for(timeout=T)
        await page.wait_for_timeout(400)  # a late redraw (the mind-map draws on the next frame) would show
        assert await page.evaluate(SAME, old), "a card's element was replaced"
        touched = await page.evaluate("() => window.__touched")
        assert not {k: n for k, n in touched.items() if k != "qa"}, touched
        assert "Wat deed je toen precies?" in await new.inner_text()
        # Made only while shown: Dirk does not edit Anna's card, nobody else edits it, no conflict.
        for part in (".card-edit", "textarea", ".field-conflict", ".typing-field", ".badge", ".card-from"):
            assert await new.locator(part).count() == 0, part
        assert await new.get_by_role("button").count() == 0  # marking is for the facilitator

        # Marked useful: its badge shows, in that row alone.
        await fac.ok("card.mark", {"id": "qa", "useful": True})
        await new.locator(".badge-useful").wait_for(timeout=T)
        assert "is-useful" in (await new.get_attribute("class") or "")
        touched = await page.evaluate("() => window.__touched")
        assert not {k: n for k, n in touched.items() if k != "qa"}, touched

        # Dirk's own card has its edit buttons; the edit box is there while he edits, then gone.
        box = page.locator("#add-question")
        await box.fill("Hoe reageerde je collega?")
        await box.press("Enter")
        await wait_state(page, "Object.values(s.cards).some(c => c.text === 'Hoe reageerde je collega?')")
        mine = page.locator("li[data-card].is-mine")
        await mine.wait_for(timeout=T)
        cid = await mine.get_attribute("data-card")
        assert await mine.locator("textarea").count() == 0
        await mine.get_by_role("button", name="Bewerken").click()
        edit = page.locator(f"#card-edit-{cid}")
        await edit.wait_for(timeout=T)
        await wait_js(
            page, "(id) => document.activeElement && document.activeElement.id === id", f"card-edit-{cid}"
        )
        assert await edit.input_value() == "Hoe reageerde je collega?"
        await shot(page.locator(".cards-panel"), OUT / "laptop.png")
        await mine.get_by_role("button", name="Annuleren").click()
        await edit.wait_for(state="detached", timeout=T)
        await wait_js(
            page, "(id) => document.activeElement && document.activeElement.id === id", f"card-editbtn-{cid}"
        )
        assert await page.evaluate(SAME, old), "a card's element was replaced"

        await page.set_viewport_size({"width": 820, "height": 1180})
        await shot(page.locator(".cards-panel"), OUT / "tablet.png")
        assert not errors, errors
    finally:
        await fac.close()
        await anna.close()
        await ctx.close()
