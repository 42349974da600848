"""One owner per concern: no module, Python or JavaScript, over about 600 lines without a reason
stated at its top (a line containing "over 600 lines" in the first 15 lines)."""

from __future__ import annotations

from pathlib import Path

from kring_testlib import ROOT

LIMIT = 650  # "about 600"


def _modules() -> list[Path]:
    py = [p for p in (ROOT / "server").rglob("*.py")]
    js = [p for p in (ROOT / "client" / "static" / "js").rglob("*.js")]
    return sorted(py + js)


def test_no_module_over_600_lines_without_a_reason() -> None:
    too_long = []
    for path in _modules():
        lines = path.read_text("utf-8").splitlines()
        if len(lines) <= LIMIT:
            continue
        head = "\n".join(lines[:15]).lower()
        if "over 600 lines" not in head:
            too_long.append(f"{path.relative_to(ROOT)}: {len(lines)} lines")
    assert not too_long, "split these, or say at the top why they are over 600 lines:\n" + "\n".join(too_long)
