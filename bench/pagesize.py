"""Transfer sizes of the room page on a first and a repeat load (printed; docs/performance.md).

`python -m bench.pagesize http://127.0.0.1:8000` creates a room, then fetches its page and every
asset the page names, as a browser would: with `Accept-Encoding: gzip`, and on the repeat load only
what the cache headers do not let the browser keep (stamped assets are `immutable` for a year, the
page is `no-store`). Sizes are bytes on the wire (bodies as sent), headers not counted.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request


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
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', body.decode())
    for a in assets:
        w, p, h, _ = fetch(base + a, True)
        rows.append((a.split("?")[0], w, p, h.get("cache-control", "")))
    first_wire = sum(r[1] for r in rows)
    first_plain = sum(r[2] for r in rows)
    repeat = sum(r[1] for r in rows if "immutable" not in r[3])
    for name, w, p, cc in rows:
        print(f"{name:48} {w / 1024:7.1f} KiB wire {p / 1024:7.1f} KiB plain  {cc}")
    print(
        f"first load: {len(rows)} responses, {first_wire / 1024:.1f} KiB on the wire ({first_plain / 1024:.1f} KiB uncompressed)"
    )
    n_repeat = sum(1 for r in rows if "immutable" not in r[3])
    print(
        f"repeat load: {n_repeat} response(s), {repeat / 1024:.1f} KiB on the wire (every asset from the cache, no revalidation)"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
