"""Pair work in the meeting report (server/rooms/pairs.py): per round, per pair, its members and
what its board holds for this viewer (a revealed board, or the viewer's own pair's). The report page
(client/static/js/report.js) shows the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import i18n


def group_label(lang: str, index: int, size: int) -> str:
    """ "Tweetal 2", or "Drietal 2" for a group of three or more."""
    return i18n.t(lang, "report.pairGroup" if size < 3 else "report.trioGroup", n=index + 1)


def pairs_markdown(
    v: dict[str, Any], lang: str, md: Callable[[str], str], who: Callable[[str | None], str]
) -> list[str]:
    rounds = v.get("pairs") or []
    board = v.get("pair_board") or {}
    titles = {p["id"]: p["title"][lang] for p in v["method"]["phases"]}
    lines: list[str] = []
    for r, rnd in enumerate(rounds):
        title = titles.get(rnd["phase"], rnd["phase"])
        lines += [f"## {i18n.t(lang, 'report.pairs')}: {md(title)}", ""]
        for g, members in enumerate(rnd["groups"]):
            items = sorted(
                (it for it in board.values() if it["round"] == r and it["group"] == g),
                key=lambda it: it["at"],
            )
            if not members and not items:
                continue
            names = ", ".join(who(p) for p in members)
            lines += [f"### {group_label(lang, g, len(members))}: {names}", ""]
            for it in items:
                note = f"*{i18n.t(lang, 'report.pairNote')}:* " if it["kind"] == "note" else ""
                lines.append(f"- {note}{md(it['text'])} ({who(it['author'])})")
            if g not in rnd["revealed"]:
                lines.append(f"- *{i18n.t(lang, 'report.pairNotShown')}*")
            lines.append("")
    return lines
