"""Static files under version-stamped URLs: `/static/js/room.js?v=<content hash>`.

A stamped URL whose stamp matches the file's content is served `Cache-Control: public,
max-age=31536000, immutable`: a repeat load asks nothing for it. Any other request for a static file
(no stamp, or a stale one) gets `no-cache`, so it is revalidated. Pages are `no-store` (security.py),
so a page always names the current stamps, and the import map in every page maps each JS module's
plain URL to its stamped one: relative `import`s between modules resolve to the same stamped URLs,
and a browser never mixes old and new modules after an upgrade.

Hashes are computed on first use and recomputed when a file's size or mtime changes (a checkout
being edited), so the stamp follows the content without a build step.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .paths import STATIC

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
PREFIX = "/static/"


class Assets:
    """Content stamps for the files under one static directory."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[str, tuple[int, int, str]] = {}

    def version(self, rel: str) -> str | None:
        """The stamp of static file `rel` (e.g. 'js/room.js'), or None if there is no such file."""
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root):
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        hit = self._cache.get(rel)
        if hit is not None and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            return hit[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self._cache[rel] = (st.st_mtime_ns, st.st_size, digest)
        return digest

    def url(self, rel: str) -> str:
        v = self.version(rel)
        if v is None:
            raise FileNotFoundError(f"no static file {rel!r} under {self.root}")
        return f"{PREFIX}{rel}?v={v}"

    def import_map(self, extra: dict[str, str] | None = None) -> str:
        """The page's import map (JSON): every JS module's plain URL to its stamped URL, and the
        `extra` specifiers (the page's catalog module, server/i18n.py)."""
        imports = dict(extra or {})
        for path in sorted(self.root.rglob("*.js")):
            rel = path.relative_to(self.root).as_posix()
            if rel.startswith("vendor/"):
                continue
            imports[PREFIX + rel] = self.url(rel)
        # Safe inside <script>: json.dumps escapes no '<', so do it here ('</script>' cannot occur).
        return json.dumps({"imports": imports}, separators=(",", ":")).replace("<", "\\u003c")


class StampedStatic(StaticFiles):
    """StaticFiles that caches for a year what was asked for under its current stamp."""

    def __init__(self, assets: Assets) -> None:
        super().__init__(directory=assets.root)
        self.assets = assets

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
            fresh = bool(asked) and asked == self.assets.version(path)
            response.headers["cache-control"] = IMMUTABLE if fresh else REVALIDATE
        return response


assets = Assets(STATIC)
