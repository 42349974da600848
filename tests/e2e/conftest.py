"""Browser fixtures: Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    playwright = pytest.importorskip("playwright.async_api")
    async with playwright.async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


class Screen:
    """One person's browser context and page, with every console error and page error recorded."""

    def __init__(self, name: str, context: Any, page: Any) -> None:
        self.name = name
        self.context = context
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._pageerror)

    def _pageerror(self, err: Any) -> None:
        stack = (getattr(err, "stack", None) or "").splitlines()
        where = next((line.strip() for line in stack[1:] if "at " in line), "")
        self.errors.append(f"pageerror: {err} {where}".rstrip())

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")


@pytest.fixture
async def screens(browser: Any) -> AsyncIterator[Any]:
    """A factory: `await screens("Anna")` opens a fresh context (own storage) at 1280×800."""
    made: list[Screen] = []

    async def make(name: str, **opts: Any) -> Screen:
        ctx = await browser.new_context(viewport=opts.pop("viewport", VIEWPORT), **opts)
        ctx.set_default_timeout(10_000)
        s = Screen(name, ctx, await ctx.new_page())
        made.append(s)
        return s

    yield make
    for s in made:
        await s.context.close()
