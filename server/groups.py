"""Intervisie groups over time: members, a series of meetings, custom methods, follow-up.

A group is an ordered event log like a room (same Store, id prefixed `g`), folded by the pure
`apply_group`. Its meetings are ordinary rooms created with the group's members already joined;
what happened in them (action plans, follow-up reports, evaluation scores, the next chair) is
read back from those rooms when the group page asks for its view.
"""

from __future__ import annotations

import copy
import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from .auth import hash_key, key_matches, new_key
from .hub import Hub
from .methods import BASIC_METHOD, MethodError, MethodLibrary, parse_method
from .rooms import MAX_NAME, PLAN_FIELDS, Event, Rejection, created_event

MAX_MEMBERS = 30
MAX_MEETINGS = 200
MAX_METHODS = 30
MAX_GROUP_NAME = 80


@dataclass
class GroupState:
    id: str
    name: str
    lang: str
    created: int
    seq: int = 1
    rotating_chair: bool = False
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)

    def is_admin(self, mid: str) -> bool:
        return bool(self.members.get(mid, {}).get("admin"))


class GroupError(Exception):
    """A refused group request: `code` and an English `message`; `method_error` is the
    MethodError's {code, path, params} when a method was refused (see MethodError.detail)."""

    def __init__(self, code: str, message: str, method_error: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.method_error = method_error


def _group_from(gid: str, events: list[Event]) -> GroupState:
    first = events[0]
    g = GroupState(id=gid, name=first.data["name"], lang=first.data["lang"], created=first.at)
    for e in events[1:]:
        apply_group(g, e)
    return g


def apply_group(g: GroupState, e: Event) -> GroupState:
    d = e.data
    if e.type == "member.join":
        g.members[d["mid"]] = {"name": d["name"], "admin": d["admin"], "joined": e.at}
    elif e.type == "member.remove":
        g.members.pop(d["mid"], None)
        g.removed.append(d["mid"])
    elif e.type == "group.settings":
        g.rotating_chair = d.get("rotating_chair", g.rotating_chair)
        g.name = d.get("name", g.name)
    elif e.type == "meeting.created":
        g.meetings.append(dict(d))
    elif e.type == "method.saved":
        g.methods[d["method"]["id"]] = d["method"]
    elif e.type == "method.removed":
        g.methods.pop(d["id"], None)
    g.seq = e.seq
    return g


def _text(args: dict[str, Any], key: str, limit: int) -> str:
    v = args.get(key)
    if not isinstance(v, str) or not v.strip():
        raise GroupError("invalid", f"'{key}' must be a non-empty string")
    if len(v.strip()) > limit:
        raise GroupError("too_large", f"'{key}' is longer than {limit} characters")
    return v.strip()


class Groups:
    def __init__(self, hub: Hub, library: MethodLibrary, tokens: Any) -> None:
        self.hub = hub
        self.store = hub.store
        self.library = library
        self.tokens = tokens

    # -- log access -------------------------------------------------------------------------

    async def _load(self, gid: str) -> tuple[GroupState, dict[str, str]] | None:
        if not gid.startswith("g"):
            return None
        meta = await self.store.meta(gid)
        if meta is None or meta.get("kind") != "group":
            return None
        events = await self.store.read(gid, 0)
        return _group_from(gid, events), meta

    async def _append(self, g: GroupState, type_: str, data: dict[str, Any], actor: str | None) -> None:
        from .store.base import Conflict

        for _ in range(10):
            e = Event(seq=g.seq + 1, type=type_, actor=actor, at=self.hub.clock(), data=data)
            try:
                await self.store.append(g.id, g.seq, e, None)
            except Conflict:
                fresh = await self._load(g.id)
                if fresh is None:
                    raise GroupError("not_found", "no such group") from None
                g.__dict__.update(fresh[0].__dict__)
                continue
            apply_group(g, e)
            return
        raise GroupError("conflict", "the group is busy; try again")

    # -- public operations ------------------------------------------------------------------

    async def create(self, name: str, lang: str) -> tuple[str, str, str]:
        gid = "g" + secrets.token_urlsafe(16)
        admin_key, join_key = new_key(), new_key()
        meta = {
            "kind": "group",
            "admin_hash": hash_key(admin_key),
            "join_hash": hash_key(join_key),
            "join_key": join_key,
        }
        first = Event(
            seq=1, type="group.created", actor=None, at=self.hub.clock(), data={"name": name, "lang": lang}
        )
        await self.store.create_room(gid, meta, first)
        return gid, admin_key, join_key

    async def join(self, gid: str, key: str, name: str) -> tuple[str, str] | None:
        """A member joins once with a name and gets their own resumable token."""
        loaded = await self._load(gid)
        if loaded is None:
            return None
        g, meta = loaded
        admin = key_matches(key, meta.get("admin_hash"))
        if not admin and not key_matches(key, meta.get("join_hash")):
            return None
        name = _text({"name": name}, "name", MAX_NAME)
        if len(g.members) >= MAX_MEMBERS:
            raise GroupError("too_large", f"a group has at most {MAX_MEMBERS} members")
        mid = "m" + secrets.token_hex(6)
        await self._append(g, "member.join", {"mid": mid, "name": name, "admin": admin}, mid)
        return mid, self.tokens.issue(gid, mid)

    async def member(self, gid: str, token: Any) -> tuple[GroupState, dict[str, str], str] | None:
        if not isinstance(token, str):
            return None
        got = self.tokens.read(token, gid)
        if got is None:
            return None
        loaded = await self._load(gid)
        if loaded is None or got[0] not in loaded[0].members:
            return None
        return loaded[0], loaded[1], got[0]

    def method(self, g: GroupState, method_id: str) -> Any:
        if method_id in g.methods:
            return parse_method(g.methods[method_id], f"group method {method_id}", self.library.basic_ids)
        return self.library.get(method_id)

    async def command(
        self, g: GroupState, meta: dict[str, str], mid: str, type_: str, args: Any
    ) -> dict[str, Any]:
        if not isinstance(args, dict):
            raise GroupError("invalid", "'args' must be an object")
        admin = g.is_admin(mid)
        if type_ == "group.settings":
            if not admin:
                raise GroupError("forbidden", "only the group's facilitator changes its settings")
            data: dict[str, Any] = {}
            if "rotating_chair" in args:
                if not isinstance(args["rotating_chair"], bool):
                    raise GroupError("invalid", "'rotating_chair' must be true or false")
                data["rotating_chair"] = args["rotating_chair"]
            if "name" in args:
                data["name"] = _text(args, "name", MAX_GROUP_NAME)
            await self._append(g, "group.settings", data, mid)
            return {}
        if type_ == "member.remove":
            if not admin:
                raise GroupError("forbidden", "only the group's facilitator removes members")
            target = args.get("mid")
            if target not in g.members or target == mid:
                raise GroupError("not_found", "no such member")
            await self._append(g, "member.remove", {"mid": target}, mid)
            for m in g.meetings:  # out of every meeting too: room tokens refused, join links rotated
                await self.hub.expel(m["room"], target)
            return {}
        if type_ == "method.save":
            if not admin:
                raise GroupError("forbidden", "only the group's facilitator edits methods")
            return await self.save_method(g, mid, args.get("method"), "method")
        if type_ == "method.remove":
            if not admin:
                raise GroupError("forbidden", "only the group's facilitator edits methods")
            if args.get("id") not in g.methods:
                raise GroupError("not_found", "no such group method")
            await self._append(g, "method.removed", {"id": args["id"]}, mid)
            return {}
        if type_ == "meeting.create":
            return await self.create_meeting(g, meta, mid, args)
        raise GroupError("unknown_command", f"unknown group command '{str(type_)[:40]}'")

    async def save_method(self, g: GroupState, mid: str, data: Any, src: str) -> dict[str, Any]:
        """Validate with the very same schema as methods/*.toml (same messages) and store it."""
        try:
            m = parse_method(data, src, self.library.basic_ids)
        except MethodError as e:
            raise GroupError("invalid", str(e), e.detail()) from None
        if m.id in self.library.methods:
            raise GroupError(
                "conflict",
                f"{src}: id: {m.id!r} is a built-in method; give your copy its own id",
                {"code": "builtin_id", "path": ["id"], "params": {"value": m.id}},
            )
        if m.id not in g.methods and len(g.methods) >= MAX_METHODS:
            raise GroupError("too_large", f"a group keeps at most {MAX_METHODS} methods")
        await self._append(g, "method.saved", {"method": m.to_dict()}, mid)
        return {"method": m.to_dict()}

    async def create_meeting(
        self, g: GroupState, meta: dict[str, str], mid: str, args: dict[str, Any]
    ) -> dict[str, Any]:
        last = await self._last_meeting_state(g)
        chair = (last.next_roles.get("chair") if last else None) if g.rotating_chair else None
        if not g.is_admin(mid) and mid != chair:
            raise GroupError("forbidden", "the group's facilitator or this meeting's chair plans meetings")
        if len(g.meetings) >= MAX_MEETINGS:
            raise GroupError("too_large", "too many meetings")
        method_id = args.get("method", BASIC_METHOD)
        method = self.method(g, method_id) if isinstance(method_id, str) else None
        if method is None:
            raise GroupError("not_found", "no such method")
        date = args.get("date", "")
        if date:
            try:
                dt.date.fromisoformat(str(date))
            except ValueError:
                raise GroupError("invalid", "'date' must be YYYY-MM-DD") from None
        title = str(args.get("title") or "").strip()[:120] or f"{g.name} {date}".strip()
        next_inbrenger = last.next_roles.get("inbrenger") if last else None
        members: dict[str, dict[str, Any]] = {}
        for m_id, m in g.members.items():
            roles = []
            if m_id == (chair or mid) or (chair is None and m.get("admin")):
                roles.append("facilitator")
            if m_id == next_inbrenger:
                roles.append("inbrenger")
            members[m_id] = {"name": m["name"], "roles": roles}
        followups = await self.open_plans(g)
        room = "r" + secrets.token_urlsafe(16)
        join_key, fac_key = new_key(), new_key()
        room_meta = {
            "join_key": join_key,
            "join_hash": hash_key(join_key),
            "facilitator_hash": hash_key(fac_key),
            "group": g.id,
        }
        first = created_event(
            room, method, title, g.lang, self.hub.clock(), group=g.id, members=members, followups=followups
        )
        await self.store.create_room(room, room_meta, first)
        await self._append(
            g,
            "meeting.created",
            {
                "room": room,
                "date": str(date),
                "title": title,
                "method": method.id,
                "method_name": method.name.to_dict(),
                "chair": chair or mid,
            },
            mid,
        )
        return {"room": room}

    # -- reading meetings back --------------------------------------------------------------

    async def _room_state(self, room: str) -> Any:
        live = await self.hub.get(room)
        return live.state if live is not None else None

    async def _last_meeting_state(self, g: GroupState) -> Any:
        for m in reversed(g.meetings):
            st = await self._room_state(m["room"])
            if st is not None:
                return st
        return None

    async def open_plans(self, g: GroupState) -> list[dict[str, Any]]:
        """Action plans of earlier meetings whose owner has not yet reported them done."""
        latest: dict[str, dict[str, Any]] = {}
        plans: list[dict[str, Any]] = []
        for m in g.meetings:
            st = await self._room_state(m["room"])
            if st is None:
                continue
            for f in st.followups:
                if f.get("report"):
                    latest[f["meeting"]] = f["report"]
            owner = st.case.get("inbrenger")
            if owner and any(st.plan.get(k) for k in PLAN_FIELDS):
                plans.append(
                    {
                        "meeting": m["room"],
                        "title": m["title"],
                        "date": m["date"],
                        "owner": owner,
                        "owner_name": st.participants.get(owner, {}).get("name", "?"),
                        "plan": {k: st.plan.get(k, "") for k in PLAN_FIELDS},
                        "review_date": st.plan.get("review_date", ""),
                    }
                )
        return [p for p in plans if latest.get(p["meeting"], {}).get("status") != "done"]

    async def view(
        self, g: GroupState, meta: dict[str, str], mid: str, today: dt.date | None = None
    ) -> dict[str, Any]:
        today = today or dt.date.today()
        meetings = []
        reports: dict[str, list[dict[str, Any]]] = {}
        trend = []
        for m in g.meetings:
            st = await self._room_state(m["room"])
            if st is None:
                continue
            room_meta = await self.store.meta(m["room"]) or {}
            for f in st.followups:
                if f.get("report"):
                    reports.setdefault(f["meeting"], []).append({**f["report"], "in": m["room"]})
            done = st.phase >= len(st.method.phases) - 1
            ev = [v for v in st.evaluation.values()]
            entry = {
                **copy.deepcopy(m),
                "status": "past" if done else ("active" if _started(st) else "next"),
                "join_key": room_meta.get("join_key", "") if mid not in st.removed else "",
                "token": self.tokens.issue(m["room"], mid) if mid in st.participants else None,
                "inbrenger": st.case.get("inbrenger"),
                "question": st.case.get("reformulation") or st.case.get("question"),
                "plan": {k: st.plan.get(k, "") for k in PLAN_FIELDS},
                "next_roles": dict(st.next_roles),
                "evaluation": {
                    k: (
                        round(sum(v[k] for v in ev if k in v) / n, 2)
                        if (n := sum(1 for v in ev if k in v))
                        else None
                    )
                    for k in ("content", "process")
                },
            }
            meetings.append(entry)
            if entry["evaluation"]["content"] is not None or entry["evaluation"]["process"] is not None:
                trend.append({"room": m["room"], "date": m["date"], **entry["evaluation"]})
        plans = await self.open_plans(g)
        for p in plans:
            p["due"] = bool(p["review_date"]) and p["review_date"] < today.isoformat()
            p["reports"] = reports.get(p["meeting"], [])
        last = meetings[-1] if meetings else None
        admin = g.is_admin(mid)
        return {
            "group": {"id": g.id, "name": g.name, "lang": g.lang, "rotating_chair": g.rotating_chair},
            "you": {"mid": mid, "name": g.members[mid]["name"], "admin": admin},
            "members": {k: {"name": v["name"], "admin": v["admin"]} for k, v in g.members.items()},
            "meetings": meetings,
            "open_plans": plans,
            "reports": reports,
            "trend": trend,
            "next_roles": last["next_roles"] if last else {"chair": None, "inbrenger": None},
            "methods": list(g.methods.values()),
            "library": [{"id": m.id, "name": m.name.to_dict(), "minutes": m.minutes} for m in self.library],
            "join_key": meta.get("join_key", "") if admin else None,
        }


def _started(st: Any) -> bool:
    """A meeting is under way once it left its first phase or anything happened in the room."""
    return bool(st.phase > 0 or st.timer["running"] or st.cards or any(f.get("report") for f in st.followups))


def reject(e: GroupError) -> Rejection:
    return Rejection(e.code, e.message)
