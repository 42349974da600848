"""Helpers shared by the room, accessibility, keyboard, methods and security browser tests.

Every wait polls from Python: Playwright's wait_for_function compiles its predicate with eval
inside the page, which the strict CSP forbids; page.evaluate goes through the devtools protocol.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

T = 10_000  # ms, for every wait on a page
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

expect: Any = pytest.importorskip("playwright.async_api").expect


async def wait_js(page: Any, fn: str, arg: Any = None, timeout: int = T) -> Any:
    """Poll `fn` (a JS function source) with page.evaluate until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout / 1000
    while True:
        last = await page.evaluate(fn, arg)
        if last:
            return last
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {fn[:160]} (arg={arg!r}, last={last!r})")
        await asyncio.sleep(0.08)


async def wait_state(page: Any, predicate: str, timeout: int = T) -> None:
    """Wait until `predicate` (a JS expression over `s`, the store's view) holds on this page."""
    await wait_js(
        page,
        f"() => {{ const s = Alpine.store('kring').state; return !!s && ({predicate}); }}",
        None,
        timeout,
    )


async def send(page: Any, type_: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """A command through the page's own store (the conn.js client the panels use); must be acked."""
    r: dict[str, Any] = await page.evaluate(
        "([t, a]) => Alpine.store('kring').send(t, a)", [type_, args or {}]
    )
    assert r.get("t") == "ack", f"{type_} {args} -> {r}"
    return r


async def my_pid(page: Any) -> str:
    return str(await page.evaluate("Alpine.store('kring').you.pid"))


async def join(page: Any, url: str, name: str) -> None:
    """Open the room link and join under `name` through the join form."""
    await page.goto(url)
    await page.get_by_label("Je naam").fill(name)
    await page.get_by_role("button", name="Meedoen").click()
    await expect(page.locator(".people")).to_contain_text(f"{name} (jij)")


async def shot(target: Any, path: Path) -> None:
    """Screenshot one element as the user sees it: the sticky top bar would otherwise be painted
    across the middle of the capture, so it is pinned to the top while the picture is taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page = target.page
    pin = "p => document.querySelectorAll('.topbar').forEach(t => { t.style.position = p; })"
    await page.evaluate(pin, "static")
    try:
        await target.screenshot(path=str(path))
    finally:
        await page.evaluate(pin, "")


async def page_shot(page: Any, path: Path) -> None:
    """Screenshot the whole page, the top bar pinned to the top (see `shot`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pin = "p => document.querySelectorAll('.topbar').forEach(t => { t.style.position = p; })"
    await page.evaluate(pin, "static")
    try:
        await page.screenshot(path=str(path), full_page=True)
    finally:
        await page.evaluate(pin, "")


def post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(
        url, method="POST", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        out: dict[str, Any] = json.loads(r.read())
        return out


async def axe(page: Any, where: str) -> list[str]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now; the serious or critical
    violations, one readable line per failing element. The page's context must bypass the CSP:
    the axe script is injected inline."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is not installed: run bin/test, or `cd tests/e2e && npm ci`")
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    found = []
    for v in result["violations"]:
        if v.get("impact") not in ("serious", "critical"):
            continue
        for node in v["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            found.append(f"{where}: [{v['impact']}] {v['id']} {node['target']} {summary[:300]}")
    return found
