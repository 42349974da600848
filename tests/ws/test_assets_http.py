"""Light on school networks: compressed responses, version-stamped static URLs cached for a year,
pages never cached, the import map under the page's CSP nonce, and the WebSocket path untouched."""

from __future__ import annotations

import gzip
import json
import posixpath
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
    # Every module the page's entry modules import, directly or not, is preloaded under its stamped
    # URL after the import map, so the browser fetches the graph at once: found here independently,
    # by following the imports of the modules as served.
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)" nonce="([^"]+)">', page)
    assert preloads and all(n == nonce for _, n in preloads)
    assert page.index('type="importmap"') < page.index('rel="modulepreload"')
    entries = [u.split("?")[0] for u in re.findall(r'<script type="module"[^>]*src="([^"]+)"', page)]
    assert "/static/js/room.js" in entries
    seen, queue, graph = set(entries), list(entries), set()
    while queue:
        path = queue.pop(0)
        _, bh, braw = _get(sqlite_server.base + imports[path])
        for spec in re.findall(
            r"""^(?:import|export)\b[^;()]*?["']([^"']+)["']""", _body(bh, braw).decode(), re.M
        ):
            if spec in imports and not spec.startswith("/"):  # kring/catalog: imports nothing
                graph.add(imports[spec])
                continue
            if not spec.startswith("."):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec))
            if target not in seen:
                seen.add(target)
                queue.append(target)
                graph.add(imports[target])
    assert {u for u, _ in preloads} == graph
    assert len(preloads) == len(graph) >= 30  # each once
    assert any(u.startswith("/i18n/nl.js?v=") for u in graph)
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


def test_module_graph_follows_static_imports(tmp_path: Path) -> None:
    js = tmp_path / "js"
    (js / "core").mkdir(parents=True)
    (js / "page.js").write_text(
        '/* import "./never.js" is a comment */\nimport "./core/a.js";\nimport { b } from "./core/b.js";\n'
    )
    (js / "core" / "a.js").write_text('import { b } from "./b.js";\nexport var x = "./not-an-import.js";\n')
    (js / "core" / "b.js").write_text(
        'import messages from "kring/catalog";\nimport { a } from "./a.js";\nexport var b = 1;\n'
    )
    assets = Assets(tmp_path)
    assert assets.imports("js/page.js") == ("js/core/a.js", "js/core/b.js")
    assert assets.imports("js/core/b.js") == ("kring/catalog", "js/core/a.js")
    extra = {"kring/catalog": "/i18n/nl.js?v=1"}
    graph = assets.module_graph(["js/page.js"], extra)
    assert graph == [assets.url("js/core/a.js"), assets.url("js/core/b.js"), "/i18n/nl.js?v=1"]
    # An entry is never preloaded; a module both entries import, once.
    assert assets.module_graph(["js/page.js", "js/core/a.js"], extra) == graph[1:]
    links = str(assets.preload_links(["js/page.js"], "n<1", extra))
    assert links.count('<link rel="modulepreload"') == 3 and 'nonce="n&lt;1"' in links
    # A new content stamp: parsed again.
    (js / "page.js").write_text('import "./core/b.js";\n')
    assert assets.imports("js/page.js") == ("js/core/b.js",)
