"""Hints on card kinds other than questions (server/kind_hints.py) in both languages, the same in
the browser (client/static/js/hints.js checkKind), and on a card in a room where the method states
them: a notice for its author, never a refusal."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from engine_harness import LIB, Room

from server import kind_hints

JS_FILE = Path(__file__).resolve().parents[2] / "client" / "static" / "js" / "hints.js"
ALL = kind_hints.CODES

# (text, the codes the phase states, the expected hint)
TABLE: list[tuple[str, tuple[str, ...], str | None]] = [
    # A reflection or observation with advice in it (nl, en); the same text where no rule is stated.
    ("Ik merkte dat ze stil werd. Misschien moet ze het gewoon vragen.", ("s_advice",), "s_advice"),
    ("Je zou eens moeten proberen om eerst te luisteren.", ("s_advice",), "s_advice"),
    ("Mijn advies: begin klein.", ("s_advice",), "s_advice"),
    ("I noticed she hesitated; she should just ask him.", ("s_advice",), "s_advice"),
    ("If I were her I would wait.", ("s_advice",), "s_advice"),
    ("Ik merkte dat ze stil werd toen het over haar team ging.", ("s_advice",), None),
    ("What struck me was the long pause.", ("s_advice",), None),
    ("Misschien moet ze het gewoon vragen.", (), None),
    # Addressing the inbrenger directly in a reflecting team.
    ("Jij lijkt heel moe van die situatie.", ("s_advice", "direct"), "direct"),
    ("Ik vraag me af of jouw team dat ook zo ziet.", ("direct",), "direct"),
    ("You seem to carry this alone.", ("direct",), "direct"),
    ("Ik vraag me af of zij zich gesteund voelt door haar team.", ("s_advice", "direct"), None),
    ("I wonder whether she feels supported.", ("direct",), None),
    # Hearsay and theory in a Socratic claim.
    ("Ik heb gehoord dat het bij andere scholen ook zo gaat.", ("hearsay", "theory"), "hearsay"),
    ("Men zegt dat leerlingen dat nodig hebben.", ("hearsay", "theory"), "hearsay"),
    ("They say teachers hate change.", ("hearsay", "theory"), "hearsay"),
    ("In het algemeen willen mensen gezien worden.", ("hearsay", "theory"), "theory"),
    ("Research shows that feedback works.", ("hearsay", "theory"), "theory"),
    ("Toen hij binnenkwam, zei ik niets, want ik was bang voor ruzie.", ("hearsay", "theory"), None),
    ("When he came in I said nothing, because I feared a row.", ("hearsay", "theory"), None),
    ("", ALL, None),
]


@pytest.mark.parametrize(("text", "codes", "expected"), TABLE)
def test_check(text: str, codes: tuple[str, ...], expected: str | None) -> None:
    assert kind_hints.check(text, codes) == expected


def test_every_code_has_a_message_in_both_languages() -> None:
    for code in ALL:
        nl, en = kind_hints.message(code, "nl"), kind_hints.message(code, "en")
        assert nl and en and nl != en
    with pytest.raises(ValueError):
        kind_hints.message("closed", "nl")


def test_a_long_text_costs_little() -> None:
    import time

    text = "jij " * 600 + "x"
    t0 = time.perf_counter()
    for _ in range(20):
        kind_hints._check.cache_clear()
        kind_hints.check(text[:2000], ("hearsay", "theory", "s_advice"))
    assert (time.perf_counter() - t0) / 20 < 0.01  # the mechanism: no nested quantifiers


_NODE = r"""
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const src = fs.readFileSync(input.file, "utf8");
import("data:text/javascript;charset=utf-8," + encodeURIComponent(src)).then((h) => {
  process.stdout.write(JSON.stringify(input.rows.map((r) => h.checkKind(r[0], input.rules, r[1]))));
});
"""


def test_js_matches_python() -> None:
    node = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if node is None:
        pytest.skip("node is not installed; cannot run client/static/js/hints.js")
    rows = [[t, list(c)] for t, c, _ in TABLE]
    payload = {"file": str(JS_FILE), "rows": rows, "rules": kind_hints.client_rules()}
    proc = subprocess.run(
        [node, "-e", _NODE],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    assert js == [kind_hints.check(t, c) for t, c, _ in TABLE]


def test_a_card_gets_the_hint_its_method_states_for_the_phase() -> None:
    r = Room("reflecting-team")
    r.join("F", "F", ["facilitator"])
    for p in ("I", "A"):
        r.join(p)
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    r.goto("reflectie")
    assert LIB.methods["reflecting-team"].phases[r.state.phase].hints == ("s_advice", "direct")
    r.do("A", "card.add", id="r1", kind="reflection", text="Jij lijkt heel moe.")  # a notice, not a refusal
    r.do("A", "card.add", id="r2", kind="reflection", text="Zij lijkt heel moe.")
    assert r.view("A")["cards"]["r1"]["flag"] == "direct" and r.view("A")["cards"]["r2"]["flag"] is None
    assert "flag" not in r.view("F")["cards"]["r1"]  # the hint is its author's
    assert r.view("F")["stats"]["A"]["flagged"] == 1
    assert r.replayed().to_dict() == r.state.to_dict()
