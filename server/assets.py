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
import posixpath
import re
from pathlib import Path
from urllib.parse import parse_qs

from markupsafe import Markup, escape
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .paths import STATIC

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
PREFIX = "/static/"


# A module's static imports: `import x from "./a.js"`, `import "./a.js"`, `export ... from "./a.js"`,
# and a bare specifier the import map names (`import messages from "kring/catalog"`). Comments are
# taken out first; a string that is neither relative nor in the import map is not an import.
_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;()]*?["']([^"']+)["']""", re.M)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


class Assets:
    """Content stamps for the files under one static directory."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[str, tuple[int, int, str]] = {}
        self._imports: dict[tuple[str, str], tuple[str, ...]] = {}

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

    def imports(self, rel: str) -> tuple[str, ...]:
        """The static imports of JS module `rel`: other modules as paths under the root ('js/core/
        page.js') and bare specifiers as written, parsed once per content stamp."""
        stamp = self.version(rel)
        if stamp is None:
            return ()
        hit = self._imports.get((rel, stamp))
        if hit is None:
            text = _COMMENT.sub("", (self.root / rel).read_text(encoding="utf-8"))
            found: list[str] = []
            for spec in _IMPORT.findall(text):
                if spec.startswith(("./", "../")):
                    spec = posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))
                elif "/" not in spec or spec.startswith((".", "/")) or ":" in spec:
                    continue  # a string after `export var x =`, or a URL: not a bare module name
                if spec not in found:
                    found.append(spec)
            hit = self._imports[(rel, stamp)] = tuple(found)
        return hit

    def module_graph(self, entries: list[str], extra: dict[str, str] | None = None) -> list[str]:
        """The stamped URLs of every module the `entries` import, directly or not (not the entries
        themselves), in the order they are found: modules under the root, and the bare specifiers
        in `extra` (specifier -> its URL; they import nothing under the root)."""
        extra = extra or {}
        seen = set(entries)
        queue = list(entries)
        out: list[str] = []
        while queue:
            rel = queue.pop(0)
            for spec in self.imports(rel):
                if spec in seen:
                    continue
                seen.add(spec)
                if spec in extra:
                    out.append(extra[spec])
                elif self.version(spec) is not None:
                    out.append(self.url(spec))
                    queue.append(spec)
        return out

    def preload_links(self, entries: list[str], nonce: str, extra: dict[str, str] | None = None) -> Markup:
        """`<link rel="modulepreload">` for every module the page's entry modules import: the
        browser fetches the whole graph at once instead of one level of imports at a time. They
        follow the import map (a module load before it would make the browser ignore the map)."""
        return Markup("\n  ").join(
            Markup('<link rel="modulepreload" href="{}" nonce="{}">').format(url, escape(nonce))
            for url in self.module_graph(entries, extra)
        )


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
