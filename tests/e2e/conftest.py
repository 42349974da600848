"""Browser fixtures: a screen per person on the `browser` (tests/conftest.py: Debian's Chromium driven by
Playwright, never `playwright install`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

VIEWPORT = {"width": 1280, "height": 800}  # the `browser` fixture is in tests/conftest.py


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
