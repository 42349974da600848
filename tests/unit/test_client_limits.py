"""The browser client copies no limit or enumeration of the rules: it reads them from the page data
(server/views.py LIMITS and ENUMS, taken from the modules that enforce them), and the templates
write them with {{ limits.x }}.

A scan of every JS module (comments, strings and regular expressions left out) for the numbers the
server's limits are made of, and for three or more members of one of its enumerations; the few
numbers that happen to be equal to a limit but mean something else are named below, with why."""

from __future__ import annotations

import re
from pathlib import Path

from server.views import ENUMS, LIMITS

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "client" / "static" / "js"
TEMPLATES = ROOT / "client" / "templates"

# (module, number): what it is, when it is not the limit it equals.
NOT_A_LIMIT = {
    ("core/copy.js", 2000): "milliseconds the button says Copied",
    ("group/trend.js", 240): "the chart's height in px",
    ("room/base.js", 40): "characters of an item's text in a button's accessible name",
    ("tools/forcefield-draw.js", 40): "the shortest arrow in px",
    ("tools/mindmap.js", 120): "milliseconds to the next drawing in a background tab",
}


def limit_values() -> set[int]:
    """Every number in LIMITS that is distinctive enough to find (small ones are everywhere)."""
    out: set[int] = set()
    for v in LIMITS.values():
        for n in v if isinstance(v, list) else [v]:
            if n >= 40:
                out.add(n)
    out.add(LIMITS["timer_s"] // 60)  # the timer's limit in minutes
    return out


_REGEX_BEFORE = set("=(,:[!&|?{};+-*%<>~^") | {""}


def code_only(src: str) -> tuple[str, list[str]]:
    """The source with comments, strings and regex literals blanked out, and the strings."""
    out: list[str] = []
    strings: list[str] = []
    i, n = 0, len(src)
    last = ""  # the last significant character of code

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
            continue
        if c in "\"'`":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            strings.append(src[i + 1 : j])
            out.append('""')
            i = j + 1
            last = '"'
            continue
        word = re.match(r"[A-Za-z_$][\w$]*", src[i:])
        if c == "/" and (last in _REGEX_BEFORE or re.search(r"\breturn\s*$", "".join(out[-3:]))):
            j, in_class = i + 1, False
            while j < n and (src[j] != "/" or in_class):
                if src[j] == "\\":
                    j += 1
                elif src[j] == "[":
                    in_class = True
                elif src[j] == "]":
                    in_class = False
                j += 1
            out.append("/r/")
            i = j + 1
            last = "/"
            continue
        if word:
            out.append(word.group(0))
            i += len(word.group(0))
            last = "a"
            continue
        out.append(c)
        if not c.isspace():
            last = c
        i += 1
    return "".join(out), strings


def modules() -> list[Path]:
    found = sorted(JS.rglob("*.js"))
    assert len(found) > 40, "the scan sees the modules"
    return found


def test_no_module_copies_a_limit() -> None:
    values = limit_values()
    assert {40, 300, 600, 2000, 120, 240, 3600} <= values
    copied = []
    for path in modules():
        rel = path.relative_to(JS).as_posix()
        code, _ = code_only(path.read_text("utf-8"))
        for m in re.finditer(r"(?<![\w.$])(\d+)(?![\w.])", code):
            n = int(m.group(1))
            if n in values and (rel, n) not in NOT_A_LIMIT:
                line = code.count("\n", 0, m.start()) + 1
                copied.append(f"{rel}:{line}: {n}")
    assert not copied, f"limits copied into the client (read them from limits()): {copied}"


def test_the_exceptions_are_still_there() -> None:
    for rel, n in NOT_A_LIMIT:
        code, _ = code_only((JS / rel).read_text("utf-8"))
        assert re.search(rf"(?<![\w.$]){n}(?![\w.])", code), (rel, n)


def test_no_module_copies_an_enumeration() -> None:
    copied = []
    for path in modules():
        rel = path.relative_to(JS).as_posix()
        _, strings = code_only(path.read_text("utf-8"))
        for name, members in ENUMS.items():
            named = sorted(set(members) & set(strings))
            if len(members) >= 3 and len(named) >= 3:
                copied.append(f"{rel}: {name} {named}")
    assert not copied, f"enumerations copied into the client (read them from enums()): {copied}"


def test_templates_take_limits_from_the_server() -> None:
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text("utf-8")
        literal = re.findall(r"""\b(maxlength|min|max)="(\d+)""", text)
        # min="1" on a number input is a lower bound of 1 minute or 1 vote, no limit of the rules.
        literal = [(a, v) for a, v in literal if not (a == "min" and v == "1")]
        assert not literal, f"{path.name}: {literal}"


def test_the_scan_sees_through_strings_comments_and_regexes() -> None:
    code, strings = code_only(
        'var a = "2000"; // 300\n/* 600 */ var r = /\\d{40}"/; var b = 120;\nreturn /x/.test(s) ? 3600 : 0;'
    )
    assert "2000" in strings
    nums = re.findall(r"(?<![\w.$])(\d+)(?![\w.])", code)
    assert nums == ["120", "3600", "0"]
