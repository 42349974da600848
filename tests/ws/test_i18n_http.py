"""The translation catalogs over HTTP: the page imports its language's catalog (chosen by the
kring_lang cookie) as a stamped ES module and names the others under stamped URLs, all cached like
static files."""

from __future__ import annotations

import gzip
import json
import re
import urllib.request
from typing import Any

from kring_testlib import ServerProc

from server import i18n
from server.assets import IMMUTABLE


def _get(url: str, cookie: str = "") -> tuple[dict[str, str], bytes]:
    headers = {"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
        h = {k.lower(): v for k, v in r.headers.items()}
        raw = r.read()
    return h, gzip.decompress(raw) if h.get("content-encoding") == "gzip" else raw


def _embedded(page: str, nonce: str) -> Any:
    m = re.search(
        r'<script type="application/json" id="kring-i18n" nonce="([^"]+)">(.*?)</script>', page, re.S
    )
    assert m and m.group(1) == nonce
    return json.loads(m.group(2))


async def test_page_embeds_its_language_and_names_the_others(sqlite_server: ServerProc) -> None:
    for cookie, lang, heading in (
        ("", "nl", "Kring — intervisie, samen op één bord"),
        ("kring_lang=en", "en", "Kring — intervisie on one shared board"),
    ):
        h, body = _get(sqlite_server.base + "/", cookie)
        page = body.decode()
        nonce = re.search(r"'nonce-([^']+)'", h["content-security-policy"]).group(1)  # type: ignore[union-attr]
        data = _embedded(page, nonce)
        assert data["lang"] == lang and "messages" not in data
        # The page's own catalog: an ES module its import map names, cached under its stamp.
        m = re.search(r'<script type="importmap" nonce="[^"]+">(.*?)</script>', page, re.S)
        assert m
        module = json.loads(m.group(1))["imports"][i18n.MODULE]
        assert module == i18n.module_url(lang)
        mh, mbody = _get(sqlite_server.base + module)
        assert mh["content-type"].startswith("text/javascript") and mh["cache-control"] == IMMUTABLE
        assert json.loads(mbody.decode().removeprefix("export default ").removesuffix(";\n")) == i18n.catalog(
            lang
        )
        assert f"<title>{heading}</title>" in page and f'<html lang="{lang}">' in page
        for other, url in data["urls"].items():
            ch, cbody = _get(sqlite_server.base + url)
            assert json.loads(cbody) == i18n.catalog(other)
            assert ch["cache-control"] == IMMUTABLE
            assert ch["content-encoding"] == "gzip"
    # A stale or missing stamp is revalidated, never kept for a year.
    ch, _ = _get(sqlite_server.base + "/i18n/en.json")
    assert ch["cache-control"] == "no-cache"
    ch, _ = _get(sqlite_server.base + "/i18n/en.js?v=stale")
    assert ch["cache-control"] == "no-cache"
