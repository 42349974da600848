"""Transfer sizes of the room page on a first and a repeat load (printed; docs/performance.md).

`python -m bench.pagesize http://127.0.0.1:8000` creates a room, then fetches its page, every asset
the page names and every ES module those modules import (resolved through the page's import map,
as a browser does): with `Accept-Encoding: gzip`, and on the repeat load only what the cache headers
do not let the browser keep (stamped assets are `immutable` for a year, the page is `no-store`).
Sizes are bytes on the wire (bodies as sent), headers not counted. Also printed: how many requests
deep the module graph is (a first load waits for each level before it knows the next).
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
import urllib.request

# A module's static imports: `import x from "./a.js"`, `import "./a.js"`, `export ... from "./a.js"`.
# Also a bare specifier the import map names (`import messages from "kring/catalog"`).
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;()]*?["']([^"']+)["']""", re.M)


def fetch(url: str, gz: bool) -> tuple[int, int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        raw = r.read()
        headers = {k.lower(): v for k, v in r.headers.items()}
    import gzip

    body = gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw
    return len(raw), len(body), headers, body


def main(base: str) -> None:
    req = urllib.request.Request(
        base + "/api/rooms",
        method="POST",
        data=json.dumps({"method": "basis", "title": "Meting"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        room = json.loads(r.read())["room"]
    page_url = f"{base}/r/{room}"
    rows = []
    wire, plain, headers, body = fetch(page_url, True)
    rows.append(("page", wire, plain, headers.get("cache-control", "")))
    page = body.decode()
    found = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', page, re.S)
    import_map: dict[str, str] = json.loads(found.group(1))["imports"] if found else {}
    # Scripts, styles and the modules the page preloads (<link rel="modulepreload">).
    assets = re.findall(r'(?:src|href)="(/(?:static|i18n)/[^"]+)"', page)
    depth = {a.split("?")[0]: 1 for a in assets}
    while assets:
        a = assets.pop(0)
        path = a.split("?")[0]
        w, p, h, text = fetch(base + a, True)
        rows.append((path, w, p, h.get("cache-control", "")))
        if not path.endswith(".js") or not path.startswith("/static/"):
            continue  # a catalog module (/i18n/<lang>.js) imports nothing
        for spec in IMPORT.findall(text.decode("utf-8", "replace")):
            if spec in import_map:
                target = import_map[spec].split("?")[0]
            elif spec.startswith("."):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec))
            else:
                continue
            if target not in depth:
                depth[target] = depth[path] + 1
                assets.append(import_map.get(spec) or import_map.get(target, target))
    first_wire = sum(r[1] for r in rows)
    first_plain = sum(r[2] for r in rows)
    repeat = sum(r[1] for r in rows if "immutable" not in r[3])
    for name, w, p, cc in rows:
        print(f"{name:48} {w / 1024:7.1f} KiB wire {p / 1024:7.1f} KiB plain  {cc}")
    print(
        f"first load: {len(rows)} responses, {first_wire / 1024:.1f} KiB on the wire ({first_plain / 1024:.1f} KiB uncompressed)"
    )
    modules = sum(1 for r in rows if r[0].endswith(".js"))
    print(f"scripts: {modules}, the module graph {max(depth.values())} requests deep")
    n_repeat = sum(1 for r in rows if "immutable" not in r[3])
    print(
        f"repeat load: {n_repeat} response(s), {repeat / 1024:.1f} KiB on the wire (every asset from the cache, no revalidation)"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
