"""The learning thread of a group member (docs/protocol.md, group API; docs/privacy.md): their
persoonlijke leervraag, after the questions of the start meeting (what do I want to learn; short-
and long-term goals; how these relate to the school's goals), a new version each time, private until
they share it; and their learning log, private always, an entry per meeting.

The texts go to the group's metadata under a random key (`text:{key}`); the group's log and
snapshot keep only the keys and dates, so erasing the member (`member.erase`) erases the texts from
the store, as it does their name."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import TYPE_CHECKING, Any

from .groupstate import GroupError, GroupState
from .protocol import dumps
from .rooms import PLAN_FIELDS, Command

if TYPE_CHECKING:
    from .groups import Groups

LEERVRAAG_FIELDS = ("text", "goals_short", "goals_long", "school")  # seed 002's questions
MAX_THREAD_TEXT = 2000  # each field of a leervraag, and of a log entry
MAX_LEERVRAAG_FIELD = MAX_THREAD_TEXT
MAX_LEERVRAAG_VERSIONS = 50
MAX_LOG_TEXT = MAX_THREAD_TEXT
MAX_LOG_ENTRIES = 400  # two per meeting


async def thread_command(
    groups: Groups, g: GroupState, mid: str, type_: str, args: dict[str, Any]
) -> dict[str, Any]:
    """A member's own learning thread: their leervraag (a new version each time, private until
    they share it) and their learning log (private, always). The texts go to the metadata under
    a random key, the log records only that key (erasing the member erases the texts)."""
    if type_ == "leervraag.share":
        if not isinstance(args.get("shared"), bool):
            raise GroupError("invalid", "'shared' must be true or false")
        if mid not in g.leervragen:
            raise GroupError("not_found", "you have no leervraag yet")
        await groups.append(g, "leervraag.share", {"mid": mid, "shared": args["shared"]}, mid)
        await _tell_meetings(groups, g, mid, args["shared"])
        return {}
    if type_ == "leervraag.set":
        fields = _fields(args, LEERVRAAG_FIELDS, MAX_LEERVRAAG_FIELD)
        if not fields["text"]:
            raise GroupError("invalid", "'text' (what you want to learn) must be a non-empty string")
        if len(g.leervragen.get(mid, {}).get("versions", [])) >= MAX_LEERVRAAG_VERSIONS:
            raise GroupError("too_large", f"at most {MAX_LEERVRAAG_VERSIONS} versions of a leervraag")
        key = "lv" + secrets.token_urlsafe(12)
        await _append_text(groups, g, mid, "leervraag.set", key, fields, {})
        return {"version": len(g.leervragen[mid]["versions"])}
    room = args.get("room")
    if not any(m["room"] == room for m in g.meetings):
        raise GroupError("not_found", "no such meeting in this group")
    fields = _fields(args, ("text", "learned"), MAX_LOG_TEXT)
    if not fields["text"] and not fields["learned"]:
        raise GroupError("invalid", "'text' or 'learned' must be a non-empty string")
    if len(g.logs.get(mid, [])) >= MAX_LOG_ENTRIES:
        raise GroupError("too_large", f"a learning log keeps at most {MAX_LOG_ENTRIES} entries")
    key = "lg" + secrets.token_urlsafe(12)
    await _append_text(groups, g, mid, "log.add", key, fields, {"room": str(room)})
    return {}


async def _tell_meetings(groups: Groups, g: GroupState, mid: str, shared: bool) -> None:
    """The group's meetings not yet over learn who shares their leervraag: it decides who sees
    that member's check-in cards (room command `leervraag.shared`)."""
    for m in list(g.meetings):
        live = await groups.hub.get(m["room"])
        if live is None or live.state.ended or mid not in live.state.participants:
            continue
        if (mid in live.state.leervraag_shared) != shared:
            await groups.hub.submit(
                live, Command("leervraag.shared", {"pid": mid, "shared": shared}), None, None
            )


def leervraag_shared(g: GroupState, mid: str) -> bool:
    return bool(g.leervragen.get(mid, {}).get("shared"))


async def _append_text(
    groups: Groups,
    g: GroupState,
    mid: str,
    type_: str,
    key: str,
    fields: dict[str, str],
    data: dict[str, Any],
) -> None:
    await groups.store.set_meta(g.id, {text_key(key): dumps(fields)})
    try:
        await groups.append(g, type_, {"mid": mid, "key": key, **data}, mid)
    except BaseException:
        await groups.store.set_meta(g.id, {text_key(key): ""})
        raise


def text_key(key: str) -> str:
    return f"text:{key}"


def _fields(args: dict[str, Any], names: tuple[str, ...], limit: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for k in names:
        v = args.get(k, "")
        if not isinstance(v, str):
            raise GroupError("invalid", f"'{k}' must be a string")
        if len(v.strip()) > limit:
            raise GroupError("too_large", f"'{k}' is longer than {limit} characters")
        out[k] = v.strip()
    return out


def _read_text(meta: dict[str, str], key: str) -> dict[str, str]:
    raw = meta.get(text_key(key))
    if not raw:
        return {}
    got = json.loads(raw)
    return {str(k): str(v) for k, v in got.items()} if isinstance(got, dict) else {}


def thread_view(g: GroupState, meta: dict[str, str], mid: str) -> dict[str, Any]:
    """What the view carries of the learning threads: this member's own leervraag (every version)
    and log; of the others, only the latest version of a leervraag its author shared."""
    own = g.leervragen.get(mid)
    mine = None
    if own is not None:
        versions = [
            {"v": i + 1, "at": v["at"], **_read_text(meta, v["key"])} for i, v in enumerate(own["versions"])
        ]
        mine = {"shared": own["shared"], "versions": versions}
    shared = {}
    for other, lv in g.leervragen.items():
        if other != mid and lv["shared"] and other in g.members and lv["versions"]:
            last = lv["versions"][-1]
            shared[other] = {"v": len(lv["versions"]), "at": last["at"], **_read_text(meta, last["key"])}
    log_ = [{"room": e["room"], "at": e["at"], **_read_text(meta, e["key"])} for e in g.logs.get(mid, [])]
    return {"leervraag": mine, "leervragen": shared, "log": log_}


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
        "meetings": "Bijeenkomsten waar ik lid van was",
        "led": "gespreksleider",
        "new": "Mijn nieuwe leervraag",
        "present": "aanwezig (bevestigd)",
        "absent": "afwezig (bevestigd)",
        "seen": "aanwezig (onbevestigd)",
        "not_seen": "niet gezien (onbevestigd)",
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
        "meetings": "Meetings I was a member of",
        "led": "facilitator",
        "new": "My new learning question",
        "present": "present (confirmed)",
        "absent": "absent (confirmed)",
        "seen": "present (unconfirmed)",
        "not_seen": "not seen (unconfirmed)",
    },
}


def _attended(st: Any, mid: str, w: dict[str, str]) -> str:
    """Present or not, as the facilitator confirmed it, else as recorded (unconfirmed)."""
    if st.attendance_confirmed is not None:
        return w["present"] if mid in st.attendance_confirmed else w["absent"]
    return w["seen"] if mid in st.attendance else w["not_seen"]


def _day(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date().isoformat()


def _md(text: str) -> str:
    """A member's text as a Markdown block quote (their own words, no markup of ours inside)."""
    return "\n".join("> " + line for line in text.splitlines() or [""])


async def reflection_markdown(groups: Groups, g: GroupState, meta: dict[str, str], mid: str) -> str:
    """The year's reflection of one member, as Markdown: their own thread only (their leervraag in
    every version, their learning log, the plans they brought and their follow-up, the meetings
    they were a member of with date and facilitator), never anyone else's content."""
    w = _WORDS.get(g.lang, _WORDS["en"])
    th = thread_view(g, meta, mid)
    me = g.members[mid]["name"]
    out = [
        f"# {w['title'].format(group=g.name)}",
        "",
        w["member"].format(name=me, date=_day(groups.hub.clock())),
        "",
    ]
    out += [f"## {w['leervraag']}", ""]
    lv = th["leervraag"]
    if not lv:
        out += [w["none"], ""]
    else:
        out += [f"*{w['shared'] if lv['shared'] else w['private']}*", ""]
        for v in lv["versions"]:
            out += [f"### {w['version'].format(v=v['v'], date=_day(v['at']))}", ""]
            for k in LEERVRAAG_FIELDS:
                if v.get(k):
                    out += [f"**{w[k]}**", "", _md(v[k]), ""]
    titles = {m["room"]: m for m in g.meetings}
    out += [f"## {w['log']}", ""]
    if not th["log"]:
        out += [w["none"], ""]
    for e in th["log"]:
        m = titles.get(e["room"], {})
        out += [f"### {m.get('title', '')} ({m.get('date') or _day(e['at'])})", ""]
        if e.get("learned"):
            out += [f"**{w['learned']}**", "", _md(e["learned"]), ""]
        if e.get("text"):
            out += [f"**{w['reflection']}**", "", _md(e["text"]), ""]
    plans: list[str] = []
    meetings: list[str] = []
    reports: dict[str, list[dict[str, Any]]] = {}
    states = []
    for m in list(g.meetings):
        live = await groups.hub.get(m["room"])
        if live is not None:
            states.append((m, live.state))
    for _m, st in states:
        for f in st.followups:
            r = f.get("report")
            if r and f.get("owner") == mid:
                reports.setdefault(f["meeting"], []).append(r)
    for m, st in states:
        if st.case.get("inbrenger") == mid and any(st.plan.get(k) for k in PLAN_FIELDS):
            plans += [f"### {m['title']} ({m['date']})", "", f"**{w['plan']}**", ""]
            plans += [_md(st.plan[k]) for k in PLAN_FIELDS if st.plan.get(k)] + [""]
            for r in reports.get(m["room"], []):
                plans += [f"**{w['report']}**: {r.get('status', '')}", "", _md(str(r.get("text", ""))), ""]
        if mid in st.participants:
            led = [
                p["name"]
                for pid, p in st.participants.items()
                if "facilitator" in p.get("roles", []) and pid not in g.erased
            ]
            meetings.append(
                f"- {m['date'] or '?'} · {m['title']} · {w['led']}: {', '.join(led) or '?'} · {_attended(st, mid, w)}"
            )
    out += [f"## {w['plans']}", "", *(plans or [w["none"], ""])]
    out += [f"## {w['meetings']}", "", *(meetings or [w["none"]]), ""]
    out += [f"## {w['new']}", "", "> ", ""]
    return "\n".join(out)
