"""The year's reflection of one group member (docs/protocol.md, group API; docs/privacy.md): their
own learning thread put together for their portfolio, as data (the reflection page renders it and
prints it) and as Markdown. It holds their leervraag in every version, their learning log, the
plans they brought and their follow-up, the cases they contributed to (only their own case's
question; of others' cases, a count of their contributions, never the case), an empty section for
a new leervraag, and the statement of participation: the meetings they were a member of, who led
them, and their attendance with the hours of intervisie, counted only where the meeting's
facilitator (chair or begeleider) confirmed it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .groupstate import GroupState
from .rooms import PLAN_FIELDS
from .thread import LEERVRAAG_FIELDS, thread_view

if TYPE_CHECKING:
    from .groups import Groups

_WORDS = {
    "nl": {
        "title": "Mijn leerdraad in {group}",
        "member": "Van {name}, {date}.",
        "leervraag": "Persoonlijke leervraag",
        "none": "(nog niets)",
        "version": "Versie {v}, {date}",
        "shared": "gedeeld met de groep",
        "private": "privé",
        "text": "Wat wil ik leren",
        "goals_short": "Kortetermijndoelen",
        "goals_long": "Langetermijndoelen",
        "school": "In verhouding tot de doelen van mijn school",
        "log": "Leerlogboek",
        "learned": "Wat heb ik geleerd",
        "reflection": "Reflectie op mijn leervraag",
        "plans": "Mijn actieplannen en hun opvolging",
        "plan": "Actieplan",
        "report": "Opvolging",
        "cases": "Casussen waaraan ik bijdroeg",
        "own_case": "mijn eigen casus",
        "contributions": "{n} bijdrage(n) aan de casus van een ander",
        "meetings": "Bijeenkomsten waar ik lid van was",
        "led": "gespreksleider",
        "begeleider": "begeleider",
        "new": "Mijn nieuwe leervraag",
        "present": "aanwezig (bevestigd)",
        "absent": "afwezig (bevestigd)",
        "seen": "aanwezig (onbevestigd)",
        "not_seen": "niet gezien (onbevestigd)",
        "statement": "Verklaring van deelname",
        "hours": "Uren intervisie bijgewoond, bevestigd door de gespreksleider of begeleider: {h}",
        "unconfirmed": "Nog niet bevestigd: {h} uur.",
        "minutes": "{m} min",
    },
    "en": {
        "title": "My learning thread in {group}",
        "member": "By {name}, {date}.",
        "leervraag": "Personal learning question",
        "none": "(nothing yet)",
        "version": "Version {v}, {date}",
        "shared": "shared with the group",
        "private": "private",
        "text": "What I want to learn",
        "goals_short": "Short-term goals",
        "goals_long": "Long-term goals",
        "school": "In relation to my school's goals",
        "log": "Learning log",
        "learned": "What I learned",
        "reflection": "Reflection on my learning question",
        "plans": "My action plans and their follow-up",
        "plan": "Action plan",
        "report": "Follow-up",
        "cases": "Cases I contributed to",
        "own_case": "my own case",
        "contributions": "{n} contribution(s) to someone else's case",
        "meetings": "Meetings I was a member of",
        "led": "facilitator",
        "begeleider": "begeleider",
        "new": "My new learning question",
        "present": "present (confirmed)",
        "absent": "absent (confirmed)",
        "seen": "present (unconfirmed)",
        "not_seen": "not seen (unconfirmed)",
        "statement": "Statement of participation",
        "hours": "Hours of intervisie attended, confirmed by the facilitator or begeleider: {h}",
        "unconfirmed": "Not confirmed yet: {h} hours.",
        "minutes": "{m} min",
    },
}


def _attended(st: Any, mid: str) -> str:
    """present | absent (as the facilitator confirmed it) | seen | not_seen (as recorded)."""
    if st.attendance_confirmed is not None:
        return "present" if mid in st.attendance_confirmed else "absent"
    return "seen" if mid in st.attendance else "not_seen"


def _day(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date().isoformat()


def _md(text: str) -> str:
    """A member's text as a Markdown block quote (their own words, no markup of ours inside)."""
    return "\n".join("> " + line for line in text.splitlines() or [""])


def _contributions(st: Any, mid: str) -> int:
    """How many cards, mind-map nodes and forces this member wrote in the meeting."""
    items = [*st.cards.values(), *st.mindmap.values(), *st.forcefield.get("forces", {}).values()]
    return sum(1 for x in items if x.get("author") == mid)


async def reflection_data(groups: Groups, g: GroupState, meta: dict[str, str], mid: str) -> dict[str, Any]:
    """The member's own thread, never anyone else's content (names only of who led a meeting)."""
    th = thread_view(g, meta, mid)
    titles = {m["room"]: m for m in g.meetings}
    log_ = [
        {
            **e,
            "title": titles.get(e["room"], {}).get("title", ""),
            "date": titles.get(e["room"], {}).get("date") or _day(e["at"]),
        }
        for e in th["log"]
    ]
    states = []
    for m in list(g.meetings):
        st = await groups.room_state(m["room"])
        if st is not None:
            states.append((m, st))
    reports: dict[str, list[dict[str, str]]] = {}
    for _m, st in states:
        for f in st.followups:
            r = f.get("report")
            if r and f.get("owner") == mid:
                reports.setdefault(f["meeting"], []).append(
                    {"status": str(r.get("status", "")), "text": str(r.get("text", ""))}
                )
    plans, cases, meetings = [], [], []
    confirmed_min = unconfirmed_min = 0
    for m, st in states:
        head = {"title": m["title"], "date": m["date"]}
        own = st.case.get("inbrenger") == mid
        if own and any(st.plan.get(k) for k in PLAN_FIELDS):
            plan = {k: st.plan[k] for k in PLAN_FIELDS if st.plan.get(k)}
            plans.append({**head, "plan": plan, "reports": reports.get(m["room"], [])})
        if mid not in st.participants:
            continue
        n = _contributions(st, mid)
        if own or n:
            question = (st.case.get("reformulation") or st.case.get("question") or "") if own else ""
            cases.append({**head, "own": own, "question": question, "contributions": n})
        held = st.ended or st.phase >= len(st.method.phases) - 1
        status = _attended(st, mid)
        if not held and status == "not_seen":  # still to come
            continue
        led = [
            p["name"]
            for pid, p in st.participants.items()
            if "facilitator" in p.get("roles", []) and pid not in g.erased
        ]
        # The meeting's length as its phases planned it (the facilitator's phase minutes); the
        # hours count a held meeting only.
        minutes = sum(st.phase_minutes(p) for p in st.method.phases)
        confirmed_min += minutes if held and status == "present" else 0
        unconfirmed_min += minutes if held and status == "seen" else 0
        meetings.append(
            {
                **head,
                "held": held,
                "led": led,
                "external": bool(m.get("external")),
                "minutes": minutes,
                "status": status,
            }
        )
    return {
        "group": g.name,
        "lang": g.lang,
        "member": g.members[mid]["name"],
        "date": _day(groups.hub.clock()),
        "leervraag": th["leervraag"],
        "log": log_,
        "plans": plans,
        "cases": cases,
        "meetings": meetings,
        "hours": {"confirmed": round(confirmed_min / 60, 2), "unconfirmed": round(unconfirmed_min / 60, 2)},
    }


def reflection_markdown(r: dict[str, Any]) -> str:
    """The reflection as Markdown, in the group's language."""
    w = _WORDS.get(r["lang"], _WORDS["en"])
    out = [
        f"# {w['title'].format(group=r['group'])}",
        "",
        w["member"].format(name=r["member"], date=r["date"]),
        "",
    ]
    out += [f"## {w['leervraag']}", ""]
    lv = r["leervraag"]
    if not lv:
        out += [w["none"], ""]
    else:
        out += [f"*{w['shared'] if lv['shared'] else w['private']}*", ""]
        for v in lv["versions"]:
            out += [f"### {w['version'].format(v=v['v'], date=_day(v['at']))}", ""]
            for k in LEERVRAAG_FIELDS:
                if v.get(k):
                    out += [f"**{w[k]}**", "", _md(v[k]), ""]
    out += [f"## {w['log']}", ""]
    if not r["log"]:
        out += [w["none"], ""]
    for e in r["log"]:
        out += [f"### {e['title']} ({e['date']})", ""]
        if e.get("learned"):
            out += [f"**{w['learned']}**", "", _md(e["learned"]), ""]
        if e.get("text"):
            out += [f"**{w['reflection']}**", "", _md(e["text"]), ""]
    out += [f"## {w['plans']}", ""]
    if not r["plans"]:
        out += [w["none"], ""]
    for p in r["plans"]:
        out += [f"### {p['title']} ({p['date']})", "", f"**{w['plan']}**", ""]
        out += [_md(t) for t in p["plan"].values()] + [""]
        for rep in p["reports"]:
            out += [f"**{w['report']}**: {rep['status']}", "", _md(rep["text"]), ""]
    out += [f"## {w['cases']}", ""]
    for c in r["cases"]:
        what = w["own_case"] if c["own"] else w["contributions"].format(n=c["contributions"])
        out += [f"- {c['date'] or '?'} · {c['title']} · {what}"] + (
            [_md(c["question"])] if c["question"] else []
        )
    out += [] if r["cases"] else [w["none"]]
    out += ["", f"## {w['statement']}", "", w["hours"].format(h=r["hours"]["confirmed"]), ""]
    if r["hours"]["unconfirmed"]:
        out += [w["unconfirmed"].format(h=r["hours"]["unconfirmed"]), ""]
    out += [f"### {w['meetings']}", ""]
    for m in r["meetings"]:
        led = ", ".join(m["led"]) or "?"
        who = f"{w['begeleider']}: {led}" if m["external"] else f"{w['led']}: {led}"
        out.append(
            f"- {m['date'] or '?'} · {m['title']} · {who} · {w[m['status']]} · {w['minutes'].format(m=m['minutes'])}"
        )
    out += [] if r["meetings"] else [w["none"]]
    out += ["", f"## {w['new']}", "", "> ", ""]
    return "\n".join(out)
