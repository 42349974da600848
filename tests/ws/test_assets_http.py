"""Light on school networks: compressed responses, version-stamped static URLs cached for a year,
pages never cached, the import map under the page's CSP nonce, and the WebSocket path untouched."""

from __future__ import annotations

import gzip
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from kring_testlib import Client, ServerProc, create_room

from server.assets import IMMUTABLE, Assets


def _get(url: str, gz: bool = True) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def _body(headers: dict[str, str], raw: bytes) -> bytes:
    return gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw


async def test_room_page_and_assets_compressed_and_cached(sqlite_server: ServerProc) -> None:
    room = create_room(sqlite_server.base)
    status, h, raw = _get(f"{sqlite_server.base}/r/{room['room']}")
    assert status == 200
    assert h["content-encoding"] == "gzip"
    assert h["cache-control"] == "no-store"
    page = _body(h, raw).decode()
    assert len(raw) < len(page) / 3  # HTML compresses well
    nonce = re.search(r"'nonce-([^']+)'", h["content-security-policy"]).group(1)  # type: ignore[union-attr]

    # Every asset the page names, and every module those import (the import map's stamped URLs),
    # is stamped, served compressed (text) and immutable for a year.
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert len(urls) >= 6
    mapped = json.loads(re.search(r'<script type="importmap"[^>]*>(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    modules = sorted(set(mapped["imports"].values()) - set(urls))
    assert len(urls) + len(modules) >= 10
    for url in urls + modules:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        s, ah, araw = _get(sqlite_server.base + url)
        assert s == 200
        assert ah["cache-control"] == IMMUTABLE, url
        if int(ah.get("content-length", len(araw))) > 512 or url.endswith((".js", ".css")):
            assert ah.get("content-encoding") == "gzip", url
            assert len(araw) < len(_body(ah, araw))
    # Unstamped or stale-stamped: served, but revalidated (never cached for a year).
    plain = urls[0].split("?")[0]
    assert _get(sqlite_server.base + plain)[1]["cache-control"] == "no-cache"
    assert _get(sqlite_server.base + plain + "?v=000000000000")[1]["cache-control"] == "no-cache"
    # Without Accept-Encoding nothing is compressed.
    assert "content-encoding" not in _get(sqlite_server.base + urls[0], gz=False)[1]

    # The import map: in the page under the nonce, before any script, every module to its stamp.
    m = re.search(r'<script type="importmap" nonce="([^"]+)">(.*?)</script>', page, re.S)
    assert m and m.group(1) == nonce
    assert page.index('type="importmap"') < page.index("<script nonce=")
    imports = json.loads(m.group(2))["imports"]
    for url in urls:
        if url.endswith(".js") and "/vendor/" not in url:
            assert imports[url.split("?")[0]] == url
    # Every script tag carries this response's nonce.
    for tag in re.findall(r"<script[^>]*>", page):
        assert f'nonce="{nonce}"' in tag, tag

    # JSON is compressed too (when it is big enough to be worth it).
    s, jh, jraw = _get(sqlite_server.base + "/api/methods")
    assert jh["content-encoding"] == "gzip" and json.loads(_body(jh, jraw))


async def test_websocket_untouched_by_compression(sqlite_server: ServerProc, clients: Any) -> None:
    """The gzip middleware must not wrap WebSocket traffic: a handshake and a command round trip
    work as before, and the frames arrive as plain JSON text."""
    room = create_room(sqlite_server.base)
    c: Client = clients(room["room"])
    w = await c.connect({"key": room["facilitator_key"], "name": "Fenna"})
    assert w["t"] == "welcome"
    seq = await c.ok("room.lock", {"locked": True})
    assert seq > 0
    assert any(e["type"] == "room.lock" for e in c.events)


def test_stamp_follows_content(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    f = tmp_path / "js" / "a.js"
    f.write_text("export const a = 1;\n")
    assets = Assets(tmp_path)
    first = assets.url("js/a.js")
    assert first == assets.url("js/a.js")
    f.write_text("export const a = 2;\n")
    second = assets.url("js/a.js")
    assert second != first and second.startswith("/static/js/a.js?v=")
    assert json.loads(assets.import_map())["imports"] == {"/static/js/a.js": second}
    assert assets.version("../escape.js") is None
