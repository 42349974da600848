"""No file of the repository keeps a merge's conflict markers (two once reached main in the docs)."""

from __future__ import annotations

import re

from kring_testlib import ROOT

TOP = ("server", "client", "methods", "tests", "docs", "bench", "bin", ".ci")
SKIP = {"node_modules", "artifacts", "__pycache__", "vendor"}
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)


def test_no_conflict_markers_in_the_repository() -> None:
    found = []
    files = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "Procfile"]
    for top in TOP:
        files += [p for p in (ROOT / top).rglob("*") if p.is_file() and not SKIP & set(p.parts)]
    for path in files:
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if MARKER.search(text):
            found.append(str(path.relative_to(ROOT)))
    assert not found, f"merge conflict markers in: {found}"
