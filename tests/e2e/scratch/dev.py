"""DEV ONLY harness: serve a scratch page with the board partials through Playwright routing."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from kring_testlib import ROOT

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CSP = (
    "default-src 'none'; script-src 'self' 'nonce-abc'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'"
)


def page_html() -> str:
    parts = ""
    for p in ("vote", "mindmap", "forcefield", "plan"):
        t = (ROOT / "client/templates/partials" / f"{p}.html").read_text()
        parts += re.sub(r"\{#.*?#\}", "", t, flags=re.S)
    scripts = "".join(
        f'<script nonce="abc" src="/static/js/{s}.js"></script>'
        for s in ("mindmap", "forcefield", "vote", "plan")
    )
    return f"""<!doctype html><html><head><meta charset=utf-8><link rel=stylesheet href="/static/css/board.css">
<script nonce="abc" src="/tests-stub.js"></script>{scripts}
<script nonce="abc" defer src="/static/vendor/alpinejs-csp/alpine-csp-3.17.4.min.js"></script></head>
<body><main class="dev">{parts}</main></body></html>"""


async def open_page(ctx, srv, room, key, name):
    page = await ctx.new_page()
    page.on("console", lambda m: print(f"[{name}] console:", m.type, m.text))
    page.on("pageerror", lambda e: print(f"[{name}] pageerror:", e))

    async def handle(route):
        url = route.request.url
        if url.endswith("/tests-stub.js"):
            await route.fulfill(
                body=(Path(__file__).parent / "stub.js").read_text(), content_type="text/javascript"
            )
        else:
            await route.fulfill(
                body=page_html(), content_type="text/html", headers={"Content-Security-Policy": CSP}
            )

    await page.route(re.compile(r".*/(scratch|tests-stub\.js)$"), handle)
    await page.goto(f"{srv.base}/r/{room}/scratch#{key}|{name}")
    return page
