import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dev import *  # noqa


async def main():
    tmp = tempfile.mkdtemp()
    srv = ServerProc(
        {"KRING_STORE": f"sqlite:///{tmp}/k.db", "KRING_SECRET": "x"}, log_path=Path(tmp) / "log"
    ).start()
    try:
        r = create_room(srv.base, "basis")
        fac = Client(srv.ws_base, r["room"], srv.base)
        await fac.connect({"key": r["facilitator_key"], "name": "Fenna"})
        await fac.ok(
            "case.set", {"question": "Hoe krijg ik mijn team aan het meedenken over directiebeleid?"}
        )
        await fac.ok("phase.goto", {"index": 2})
        async with async_playwright() as pw:
            b = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            ctx = await b.new_context(viewport={"width": 1280, "height": 800})
            page = await open_page(ctx, srv, r["room"], r["join_key"], "Piet")
            await page.wait_for_selector(".mm-node")
            await page.click(".mm-root")
            await page.keyboard.press("Tab")
            await page.keyboard.type("Feiten")
            await page.keyboard.press("Enter")
            await page.wait_for_timeout(300)
            await page.keyboard.press("Enter")
            await page.keyboard.type("Gevoelens bij de stilte in de vergadering")
            await page.keyboard.press("Enter")
            await page.wait_for_timeout(300)
            await page.keyboard.press("Tab")
            await page.keyboard.type("Onzeker")
            await page.keyboard.press("Enter")
            await page.wait_for_timeout(500)
            print(
                await page.evaluate("Object.values(Alpine.store('kring').state.mindmap.nodes).map(n=>n.text)")
            )
            await page.screenshot(path="/tmp/mm1.png")
            await b.close()
    finally:
        await fac.close()
        srv.stop()


asyncio.run(main())
