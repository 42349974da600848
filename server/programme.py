"""A programme (traject): a begeleider or programme manager runs several intervisie groups over a
start and an end date, with a meeting schedule (docs/protocol.md, programme API).

A programme is an event log like a group's (same Store, id prefixed `p`, metadata `kind:
programme`), opened with its own capability key (only its hash is stored). Creating one creates its
groups (server/groups.py), each marked as the programme's (`group.programme`: the chair rotates once
the begeleider hands over). The begeleider may lead each group's first `lead_first` meetings as
external facilitator (`lead`); the programme view itself shows per group only counts, never
content and never anything per named person (`figures`)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from .auth import hash_key, key_matches, new_key
from .groups import GroupError, Groups, GroupState
from .ics import calendar
from .rooms import PLAN_FIELDS, Event, evaluation_means
from .store.base import Conflict, NoSuchRoom

MAX_PROGRAMME_GROUPS = 20
MAX_PROGRAMME_NAME = 80
MAX_SCHEDULE = 60  # meeting dates in a programme's schedule
MAX_LEAD_FIRST = 20
EVERY_WEEKS = (1, 12)


@dataclass
class Programme:
    id: str
    name: str
    lang: str
    start: str
    end: str
    every_weeks: int
    lead_first: int
    groups: list[dict[str, str]]  # [{group, name}]: the name the programme gave it

    @property
    def schedule(self) -> list[str]:
        """The meeting dates: from the start, every `every_weeks` weeks, up to the end."""
        day, end = dt.date.fromisoformat(self.start), dt.date.fromisoformat(self.end)
        out: list[str] = []
        while day <= end and len(out) < MAX_SCHEDULE:
            out.append(day.isoformat())
            day += dt.timedelta(weeks=self.every_weeks)
        return out


def _date(args: dict[str, Any], key: str) -> str:
    v = args.get(key)
    try:
        return dt.date.fromisoformat(str(v)).isoformat() if isinstance(v, str) else ""
    except ValueError:
        return ""


def _int(args: dict[str, Any], key: str, lo: int, hi: int, default: int) -> int:
    v = args.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise GroupError("invalid", f"'{key}' must be a whole number from {lo} to {hi}")
    return v


def check_new(args: dict[str, Any]) -> dict[str, Any]:
    """A new programme's fields, checked: name, lang, start and end (YYYY-MM-DD, start ≤ end),
    every_weeks, lead_first and the groups' names."""
    name = args.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_PROGRAMME_NAME:
        raise GroupError("invalid", f"'name' must be 1-{MAX_PROGRAMME_NAME} characters")
    lang = args.get("lang", "nl")
    if lang not in ("nl", "en"):
        raise GroupError("invalid", "'lang' must be 'nl' or 'en'")
    start, end = _date(args, "start"), _date(args, "end")
    if not start or not end or end < start:
        raise GroupError(
            "invalid", "'start' and 'end' must be dates (YYYY-MM-DD), the end not before the start"
        )
    names = args.get("groups")
    if (
        not isinstance(names, list)
        or not 1 <= len(names) <= MAX_PROGRAMME_GROUPS
        or any(not isinstance(n, str) or not n.strip() or len(n.strip()) > MAX_PROGRAMME_NAME for n in names)
    ):
        raise GroupError(
            "invalid",
            f"'groups' must be 1-{MAX_PROGRAMME_GROUPS} names of 1-{MAX_PROGRAMME_NAME} characters",
        )
    return {
        "name": name.strip(),
        "lang": lang,
        "start": start,
        "end": end,
        "every_weeks": _int(args, "every_weeks", *EVERY_WEEKS, 4),
        "lead_first": _int(args, "lead_first", 0, MAX_LEAD_FIRST, 2),
        "groups": [n.strip() for n in names],
    }


class Programmes:
    def __init__(self, groups: Groups) -> None:
        self.groups = groups
        self.store = groups.store

    async def create(self, fields: dict[str, Any]) -> tuple[str, str, list[dict[str, str]]]:
        """The programme and its groups; returns its id, its key and per group {group, name,
        admin_key, join_key} (the group's keys are shown once, as for a group made by itself)."""
        pid = "p" + secrets.token_urlsafe(16)
        key = new_key()
        made = []
        for name in fields["groups"]:
            gid, admin_key, join_key = await self.groups.create(name, fields["lang"])
            loaded = await self.groups.load(gid)
            if loaded is not None:
                await self.groups.append(loaded[0], "group.programme", {"programme": pid}, None)
            made.append({"group": gid, "name": name, "admin_key": admin_key, "join_key": join_key})
        data = {**fields, "groups": [{"group": m["group"], "name": m["name"]} for m in made]}
        first = Event(seq=1, type="programme.created", actor=None, at=self.groups.hub.clock(), data=data)
        await self.store.create_room(pid, {"kind": "programme", "key_hash": hash_key(key)}, first)
        return pid, key, made

    async def open(self, pid: Any, key: Any) -> Programme | None:
        """The programme for its key (None alike for a wrong key and an unknown programme)."""
        if not isinstance(pid, str) or not pid.startswith("p") or not isinstance(key, str):
            return None
        meta = await self.store.meta(pid)
        if meta is None or meta.get("kind") != "programme" or not key_matches(key, meta.get("key_hash")):
            return None
        try:
            events = await self.store.read(pid, 0)
        except NoSuchRoom:
            return None
        if not events or events[0].type != "programme.created":
            return None
        d = events[0].data
        return Programme(
            pid, d["name"], d["lang"], d["start"], d["end"], d["every_weeks"], d["lead_first"], d["groups"]
        )

    async def _group(self, p: Programme, gid: Any) -> tuple[GroupState, dict[str, str]]:
        if not any(x["group"] == gid for x in p.groups):
            raise GroupError("not_found", "no such group in this programme")
        loaded = await self.groups.load(str(gid))
        if loaded is None or loaded[0].programme != p.id:
            raise GroupError("not_found", "no such group in this programme")
        return loaded

    async def join_link(self, p: Programme, gid: Any) -> str:
        """The path and key of a group's join link (`/g/{group}#{key}`)."""
        g, meta = await self._group(p, gid)
        return f"/g/{g.id}#{meta.get('join_key', '')}"

    async def lead(self, p: Programme, gid: Any, args: dict[str, Any]) -> dict[str, Any]:
        """The group's next meeting, led by the begeleider as its external facilitator: only while
        fewer than `lead_first` of its meetings were; after that the rotating chair plans them."""
        g, meta = await self._group(p, gid)
        async with self.groups.lock(g):
            if sum(1 for m in g.meetings if m.get("external")) >= p.lead_first:
                raise GroupError(
                    "conflict", "the begeleider's meetings are done; the rotating chair plans the next"
                )
            taken = {m["date"] for m in g.meetings}
            date = _date(args, "date") or next(
                (d for d in p.schedule if d >= _today() and d not in taken), ""
            )
            got = await self.groups.create_meeting(
                g, meta, None, {"method": args.get("method", "basis"), "date": date}
            )
        # The begeleider comes back to the meetings they lead through the programme.
        await self.store.set_meta(p.id, {f"fac:{got['room']}": got["facilitator_key"]})
        return got

    async def figures(self, p: Programme) -> dict[str, Any]:
        """Per group, counts only: members, meetings held, attendance ("7 of 8"), plans made and
        reported done, the evaluation trend (means only as the room shows them: closed, n ≥ 3),
        how many have set a leervraag, the meetings the begeleider leads. Never a text of the group
        and never a member's name or id."""
        meta = await self.store.meta(p.id) or {}
        out = []
        for ref in p.groups:
            loaded = await self.groups.load(ref["group"])
            if loaded is None:  # erased by its facilitator, or expired
                out.append({"group": ref["group"], "name": ref["name"], "gone": True})
                continue
            out.append({**ref, "gone": False, **await self._counts(loaded[0], meta)})
        return {
            "programme": {
                "id": p.id,
                "name": p.name,
                "lang": p.lang,
                "start": p.start,
                "end": p.end,
                "every_weeks": p.every_weeks,
                "lead_first": p.lead_first,
                "schedule": p.schedule,
            },
            "groups": out,
        }

    async def _counts(self, g: GroupState, meta: dict[str, str]) -> dict[str, Any]:
        held, present, of, plans, done, led = 0, 0, 0, 0, 0, []
        meetings, trend = [], []
        reported_done: set[str] = set()
        states = []
        for m in list(g.meetings):
            st = await self.groups.room_state(m["room"])
            if st is not None:
                states.append((m, st))
                reported_done |= {
                    f["meeting"] for f in st.followups if (f.get("report") or {}).get("status") == "done"
                }
        for m, st in states:
            past = st.ended or st.phase >= len(st.method.phases) - 1
            members = [pid for pid in st.participants if pid in g.members]
            seen = st.attendance_confirmed if st.attendance_confirmed is not None else list(st.attendance)
            here = sum(1 for pid in members if pid in seen)
            row = {"date": m["date"], "held": past, "present": here, "of": len(members)}
            row["confirmed"] = st.attendance_confirmed is not None
            row["external"] = bool(m.get("external"))
            meetings.append(row)
            if m.get("external"):
                led.append(
                    {
                        "date": m["date"],
                        "room": m["room"],
                        "facilitator_key": meta.get(f"fac:{m['room']}", ""),
                    }
                )
            if past:
                held += 1
                present += here
                of += len(members)
                means = evaluation_means(st)
                if means["content"] is not None or means["process"] is not None:
                    trend.append({"date": m["date"], **means})
            if st.case.get("inbrenger") and any(st.plan.get(k) for k in PLAN_FIELDS):
                plans += 1
                done += m["room"] in reported_done
        return {
            "members": len(g.members),
            "leervraag": sum(1 for mid, lv in g.leervragen.items() if mid in g.members and lv["versions"]),
            "meetings": meetings,
            "held": held,
            "attendance": {"present": present, "of": of},
            "plans": {"made": plans, "done": done},
            "trend": trend,
            "led": led,
        }

    async def ics(self, p: Programme, gid: Any) -> str:
        """The group's meeting dates as an iCalendar file: the schedule's and any meeting's date
        (no titles: a meeting's title is the group's)."""
        g, _meta = await self._group(p, gid)
        name = next(x["name"] for x in p.groups if x["group"] == g.id)
        dates = sorted(set(p.schedule) | {m["date"] for m in g.meetings if m.get("date")})
        summary = f"Intervisie · {name}"
        return calendar(
            f"{p.name} · {name}",
            [(f"{p.id}-{g.id}-{d}@kring", d, summary) for d in dates],
            self.groups.hub.clock(),
        )

    async def keep_active(self, now: int, retention_ms: int) -> int:
        """Retention (server/app.py): a programme is in use while its groups are. For a programme
        quiet for half the retention period, the newest event of its groups is recorded in its log
        as `programme.active` at that time, as groups do for their meetings."""
        kept = 0
        for pid in await self.store.rooms_idle_since(now - retention_ms // 2):
            if not pid.startswith("p"):
                continue
            meta = await self.store.meta(pid)
            if meta is None or meta.get("kind") != "programme":
                continue
            try:
                events = await self.store.read(pid, 0)
            except NoSuchRoom:
                continue
            own = events[-1].at if events else 0
            latest = 0
            for ref in events[0].data.get("groups", []) if events else []:
                try:
                    head = await self.store.head(ref["group"])
                    last = await self.store.read(ref["group"], head - 1)
                except NoSuchRoom:
                    continue
                latest = max([latest, *(e.at for e in last)])
            if latest > own:
                e = Event(seq=events[-1].seq + 1, type="programme.active", actor=None, at=latest, data={})
                try:
                    await self.store.append(pid, events[-1].seq, e, None)
                except (Conflict, NoSuchRoom):  # another worker did it, or it went meanwhile
                    continue
                kept += 1
        return kept


def _today() -> str:
    return dt.date.today().isoformat()
