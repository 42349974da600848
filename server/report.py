"""The session report (Markdown) and the event-log export, both built from what one viewer may see."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from . import i18n
from .drawing_svg import data_uri, ordered
from .report_pairs import pairs_markdown
from .rooms import EVAL_PLAN_FIELDS, PLAN_FIELDS, Event
from .rooms.notes import group_of_roles


def _md(text: str) -> str:
    """Plain text made inert in Markdown: no HTML, links or headings can be injected."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def used_minutes(v: dict[str, Any], now: int | None) -> list[int]:
    """Minutes used per phase, as the report page shows them (client/static/js/report.js): the
    current phase's running time counted up to `now`, rounded half up like JavaScript's round."""
    phase = v.get("phase") or {}
    cur = phase.get("index") if now is not None else None
    out = []
    for i, p in enumerate(v["method"]["phases"]):
        ms = p["used_ms"] + (max(0, now - phase["started"]) if i == cur and now is not None else 0)
        out.append(math.floor(ms / 60000 + 0.5))
    return out


def meeting_date(room: dict[str, Any], lang: str) -> str:
    """A group meeting's planned date, else the day it was created, in the language's one format."""
    iso = room.get("date") or ""
    if not iso and isinstance(room.get("created"), int):
        iso = dt.datetime.fromtimestamp(room["created"] / 1000, dt.UTC).date().isoformat()
    return i18n.long_date(iso, lang)


def markdown(v: dict[str, Any], lang: str = "nl", now: int | None = None) -> str:
    """The report for one viewer's `view()`; it can only contain what that view contains. `now`
    (ms): the current phase's minutes count up to it, as on the report page."""
    lang = i18n.norm(lang)

    def L(key: str) -> str:
        # The report page's words (client/static/js/report.js), from the same catalog.
        return i18n.t(lang, "report." + key)

    names = {pid: p["name"] for pid, p in v["participants"].items()}

    def who(pid: str | None) -> str:
        return _md(names.get(pid or "", "?"))

    m = v["method"]
    lines = [f"# {L('report')}: {_md(v['room']['title'])}", ""]
    lines += [f"**{L('method')}:** {_md(m['name'][lang])}", ""]
    when = meeting_date(v["room"], lang)
    lines += [f"**{L('created')}** {when}", ""] if when else []
    lines += [f"## {i18n.t(lang, 'phases')}", ""]
    used = used_minutes(v, now)
    for p, u in zip(m["phases"], used, strict=True):
        lines.append(
            f"- {_md(p['title'][lang])}: {L('planned')} {p['minutes']} {L('min')}, {L('used')} {u} {L('min')}"
        )
    planned = sum(p["minutes"] for p in m["phases"])
    lines.append(
        f"- **{L('total')}:** {L('planned')} {planned} {L('min')}, {L('used')} {sum(used)} {L('min')}"
    )
    lines += ["", f"## {L('question')}", "", _md(v["case"]["question"]) or L("empty"), ""]
    if v["case"]["reformulation"]:
        lines += [f"## {L('reformulation')}", "", _md(v["case"]["reformulation"]), ""]
    k = v.get("knowledge")
    if k:  # the link as inert text: a report never carries a live link
        title = f": {_md(k['title'])}" if k.get("title") else ""
        lines += [f"## {L('knowledge')}{title}", "", _md(k["text"])]
        lines += ["", _md(k["link"])] if k.get("link") else []
        lines.append("")

    nodes = v["mindmap"]["nodes"]
    if nodes:
        lines += [f"## {L('mindmap')}", "", f"- {_md(v['mindmap']['root']) or '…'}"]
        children: dict[str, list[str]] = {}
        for nid, n in nodes.items():
            children.setdefault(n["parent"], []).append(nid)

        def walk(parent: str, depth: int) -> None:
            for nid in children.get(parent, []):
                lines.append("  " * depth + f"- {_md(nodes[nid]['text'])}")
                walk(nid, depth + 1)

        walk("root", 1)
        lines.append("")

    lines += _drawing_section(v, L)

    ff = v["forcefield"]
    if ff["forces"] or ff["current"] or ff["desired"]:
        lines += [f"## {L('forces')}", ""]
        if ff["current"]:
            lines.append(f"- **{L('current')}:** {_md(ff['current'])}")
        if ff["desired"]:
            lines.append(f"- **{L('desired')}:** {_md(ff['desired'])}")
        for side in ("promoting", "hindering"):
            forces = [(k, f) for k, f in ff["forces"].items() if f["side"] == side]
            forces.sort(key=lambda kf: -(kf[1]["summary"]["importance"]["mean"] or 0))
            lines += ["", f"### {L(side)}", ""]
            for fid, f in forces:
                s = f["summary"]
                parts = [
                    f"{L(k)} {s[k]['mean']} (±{s[k]['spread']})"
                    for k in ("importance", "difficulty", "clarity")
                    if s[k]["mean"] is not None
                ]
                flag = f" — {L('influenceable')}" if f["influenceable"] else ""
                lines.append(
                    f"- {_md(f['text'])}{flag}" + (f" — {', '.join(parts)}, n={s['n']}" if parts else "")
                )
                if f.get("decided"):
                    scores = ", ".join(
                        f"{L(k)} {f['decided'][k]}" for k in ("importance", "difficulty", "clarity")
                    )
                    lines.append(f"  - {L('decided')}: {scores}")
                linked = [
                    ff["forces"][b if a == fid else a]["text"]
                    for a, b in ff.get("links", [])
                    if fid in (a, b)
                ]
                if linked:
                    lines.append(f"  - {L('linkedWith')} {'; '.join(_md(t) for t in linked)}")
        lines.append("")

    lines += _phase_sections(v, lang, L, who)
    lines += pairs_markdown(v, lang, _md, who)

    if any("plan" in p["tools"] for p in m["phases"]):  # a plan only where the method has one
        lines += [f"## {L('plan')}", ""]
        for f in PLAN_FIELDS:
            label = i18n.t(lang, "plan.field." + f)
            text = v["plan"].get(f, "")
            if f == "review_date" and text:
                text = i18n.long_date(text, lang)
            lines.append(f"- **{label}:** {_md(text) or L('empty')}")
    if any(p.get("plan") == "evaluation" for p in m["phases"]) or any(
        v["plan"].get(f) for f in EVAL_PLAN_FIELDS
    ):
        # The evaluation plan: criteria and check moments with their dates.
        lines += ["", f"## {i18n.t(lang, 'plan.evalTitle')}", ""]
        for f in EVAL_PLAN_FIELDS:
            text = v["plan"].get(f, "")
            if f.endswith("_date") and text:
                text = i18n.long_date(text, lang)
            lines.append(f"- **{i18n.t(lang, 'plan.field.' + f)}:** {_md(text) or L('empty')}")
    ev = v["evaluation"]
    if ev["n"]:
        # A mean is in the view only once the evaluation is closed and enough people gave that
        # score (server/rooms/evaluation.py); otherwise only how many answered.
        lines += ["", f"## {L('evaluation')}", ""]
        for k in ("content", "process"):
            if ev[k]["n"]:
                mean = ev[k]["mean"]
                shown = f"{mean} (n={ev[k]['n']})" if mean is not None else f"n={ev[k]['n']}"
                lines.append(f"- {L('md.' + k)}: {shown}")
    mine = ev.get("mine") or {}
    if mine:
        # The viewer's own answers: in their view (and so their report) only, never another's.
        lines += ["", f"### {L('mine')}", ""]
        for k in ("content", "process"):
            if mine.get(k):
                lines.append(f"- {L('md.' + k)}: {mine[k]}")
        if mine.get("learned"):
            lines.append(f"- {L('md.learned')}: {_md(mine['learned'])}")
    lines += ["", f"## {L('participants')}", ""]
    lines += [f"- {who(pid)}" for pid in v["participants"]]
    return "\n".join(lines) + "\n"


def proposals_of(v: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The proposals for the outcome field `key`, most votes first (the report and the page)."""
    got = [p for p in (v.get("proposals") or {}).values() if p["key"] == key]
    return sorted(got, key=lambda p: (-p["votes"], p["text"]))


def _proposal_lines(v: dict[str, Any], key: str, lang: str, L: Any, who: Any) -> list[str]:
    got = proposals_of(v, key)
    if not got:
        return []
    lines = [f"### {L('proposals')}", ""]
    for p in got:
        votes = i18n.t(lang, "report.proposalVotes", n=p["votes"])
        chosen = f" ✓ {L('chosen')}" if p["adopted"] else ""
        lines.append(f"- {_md(p['text'])} ({who(p['author'])}, {votes}){chosen}")
    return [*lines, ""]


def _drawing_section(v: dict[str, Any], L: Any) -> list[str]:
    """The drawing as an image inside the file (a data URI, never a link), its description and its
    labels as text beside it. Only what this viewer's view holds: a private drawing is its drawers'."""
    d = v.get("drawing")
    if not d or not (d["strokes"] or d["description"]):
        return []
    title = L("drawBoard")
    lines = [f"## {title}", ""]
    if d["strokes"]:
        lines += [f"![{_md(d['description'] or title)}]({data_uri(d, title)})", ""]
    if d["description"]:
        lines += [f"**{L('drawDescription')}:** {_md(d['description'])}", ""]
    labels = [s["label"] for _, s in ordered(d["strokes"]) if s["label"]]
    if labels:
        lines += [f"**{L('drawLabels')}:**", ""] + [f"- {_md(t)}" for t in labels] + [""]
    return lines


def _phase_sections(v: dict[str, Any], lang: str, L: Any, who: Any) -> list[str]:
    """The method's own phases as sections, each with what was written in it: its cards by kind,
    its outcome fields, and the revealed notes, labelled by their writers' roles."""
    m = v["method"]
    cards = [c for c in v["cards"].values() if not c["private"] or c["revealed"]]
    notes = [n for n in v["notes"].values() if n["revealed"]]
    outcomes = v.get("outcomes") or {}
    lines: list[str] = []
    for i, p in enumerate(m["phases"], 1):
        here = sorted((c for c in cards if c["phase"] == p["id"]), key=lambda c: c["at"])
        fields = [(o, outcomes.get(f"{p['id']}/{o['id']}", "")) for o in p.get("outcomes", [])]
        fields = [(o, t) for o, t in fields if t]
        written = [n for n in notes if n["phase"] == p["id"]]
        asked = any(proposals_of(v, f"{p['id']}/{o['id']}") for o in p.get("outcomes", []))
        if not (here or fields or written or asked):
            continue
        lines += [f"## {i}. {_md(p['title'][lang])}", ""]
        for o, text in fields:
            lines.append(f"- **{_md(o['label'][lang])}:** {_md(text)}")
        if fields:
            lines.append("")
        for o in p.get("outcomes", []):
            lines += _proposal_lines(v, f"{p['id']}/{o['id']}", lang, L, who)
        kinds: dict[str, list[dict[str, Any]]] = {}
        for c in here:
            kinds.setdefault(c["kind"], []).append(c)
        for kind, group in kinds.items():
            lines += [f"### {L('kinds.' + kind)}", ""]
            for c in group:
                useful = f" ✓ {L('useful')}" if c["useful"] else ""
                lines.append(f"- {_md(c['text'])} ({who(c['author'])}){useful}")
            lines.append("")
        by_group: dict[str, list[dict[str, Any]]] = {}
        for n in written:
            roles = v["participants"].get(n["author"], {}).get("roles", [])
            by_group.setdefault(group_of_roles(roles), []).append(n)
        for g in ("inbrenger", "listeners", "others"):
            if g in by_group:
                lines += [f"### {L('notesOf.' + g)}", ""]
                lines += [f"- {_md(n['text'])} ({who(n['author'])})" for n in by_group[g]]
                lines.append("")
    return lines


def export_log(events: list[Event], viewer: str) -> list[dict[str, Any]]:
    """The room's full event log as this viewer may see it (others' private events redacted)."""
    return [e.wire_for(viewer) for e in events]
