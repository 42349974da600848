"""Intervisie groups over time: members, a series of meetings, custom methods, follow-up.

A group is an ordered event log like a room (same Store, id prefixed `g`), folded by the pure
`apply_group`. Its meetings are ordinary rooms created with the group's members already joined;
what happened in them (action plans, follow-up reports, evaluation scores, the next chair) is
read back from those rooms when the group page asks for its view.

Loading a group never replays its whole history: the state is kept per process (a bounded cache,
caught up from the store, which stays the truth, on every request) and saved to the store as a
snapshot every GROUP_SNAPSHOT_EVERY events, so a cold load reads the snapshot and the events after
it (the rooms' mechanism: `Store.save_snapshot` / `load_snapshot` / `read(after)`). The state keeps
one version of each method, the last saved; earlier versions stay in the log only.

Names: a member's name is kept in the group's metadata (`name:{mid}`), not in the log, so that
removing or erasing a member erases the name from the store (docs/privacy.md). Logs written before
this kept it in the `member.join` event; such a name stays in the log until the group is erased.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from . import livelier
from .auth import hash_key, key_matches, new_key
from .groupstate import GroupError as GroupError
from .groupstate import GroupState as GroupState
from .groupstate import _group_from, apply_group
from .hub import Hub
from .methods import BASIC_METHOD, MethodError, MethodLibrary, parse_method
from .protocol import dumps
from .rooms import (
    MAX_NAME,
    PLAN_FIELDS,
    Command,
    Event,
    Rejection,
    created_event,
    evaluation_means,
)
from .store.base import Conflict, NoSuchRoom
from .thread import leervraag_shared, text_key, thread_command, thread_view

MAX_MEMBERS = 30
MAX_MEETINGS = 200
MAX_METHODS = 30
MAX_GROUP_NAME = 80
GROUP_SNAPSHOT_EVERY = 20  # events between two snapshots of a group (a method can be 256 KiB)
CACHE_BYTES = 16 * 1024 * 1024  # the groups kept in memory, by the size of their methods' JSON

log = logging.getLogger("kring.groups")


@dataclass
class _Cached:
    """A group's state in this process, and what keeping it costs."""

    state: GroupState
    epoch: str
    snapshot_seq: int
    sizes: dict[str, int]  # method id -> the size of its JSON
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one change at a time, here

    @property
    def size(self) -> int:
        return 1024 + sum(self.sizes.values())


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
        self._cache: OrderedDict[str, _Cached] = OrderedDict()

    # -- log access -------------------------------------------------------------------------

    async def _load(self, gid: str) -> tuple[GroupState, dict[str, str]] | None:
        """The group's state, up to date with the store, and its metadata (None: no such group)."""
        if not gid.startswith("g"):
            return None
        meta = await self.store.meta(gid)
        if meta is None or meta.get("kind") != "group":
            self._cache.pop(gid, None)  # erased here or by another worker, or expired
            return None
        entry = self._cache.get(gid)
        try:
            if entry is None or entry.epoch != meta.get("epoch"):
                entry = await self._cold(gid, meta)
            else:
                self._ingest(entry, await self.store.read(gid, entry.state.seq))
                self._cache.move_to_end(gid)
        except NoSuchRoom:
            self._cache.pop(gid, None)
            return None
        _names(entry.state, meta)
        await self._maybe_snapshot(entry)
        return entry.state, meta

    async def load(self, gid: str) -> tuple[GroupState, dict[str, str]] | None:
        """The group's state and metadata, for server/programme.py (None: no such group)."""
        return await self._load(gid)

    async def _cold(self, gid: str, meta: dict[str, str]) -> _Cached:
        """Load from the latest snapshot and the events after it (the whole log only for a group
        that has none yet), and keep the state in the cache."""
        snap = await self.store.load_snapshot(gid)
        if snap is not None and snap[1].get("kind") == "group":
            g = GroupState.from_dict(snap[1])
            events = await self.store.read(gid, g.seq)
        else:
            events = await self.store.read(gid, 0)
            if not events or events[0].type != "group.created":
                raise NoSuchRoom(gid)
            g = _group_from(gid, events[0])
            events = events[1:]
        sizes = {mid: len(dumps(m)) for mid, m in g.methods.items()}
        entry = _Cached(g, meta.get("epoch", ""), snap[0] if snap is not None else 0, sizes)
        self._ingest(entry, events)
        self._cache[gid] = entry
        self._cache.move_to_end(gid)
        while len(self._cache) > 1 and sum(c.size for c in self._cache.values()) > CACHE_BYTES:
            self._cache.popitem(last=False)
        return entry

    @staticmethod
    def _ingest(entry: _Cached, events: list[Event]) -> None:
        """Apply the events that follow the state, in order; any it already has are skipped (a
        command's own event may have been read back by a request that caught up meanwhile)."""
        g = entry.state
        for e in events:
            if e.seq != g.seq + 1:
                continue
            apply_group(g, e)
            if e.type == "method.saved":
                entry.sizes[e.data["method"]["id"]] = len(e.data_json)
            elif e.type == "method.removed":
                entry.sizes.pop(e.data["id"], None)

    async def _maybe_snapshot(self, entry: _Cached, now: bool = False) -> None:
        g = entry.state
        if g.seq > entry.snapshot_seq and (now or g.seq - entry.snapshot_seq >= GROUP_SNAPSHOT_EVERY):
            entry.snapshot_seq = g.seq
            try:
                await self.store.save_snapshot(g.id, g.seq, g.to_dict())  # serialised before any await
            except Exception as e:  # an optimisation (and a group erased meanwhile has none)
                log.warning("snapshot of a group failed: %s", type(e).__name__)

    def _entry(self, g: GroupState) -> _Cached:
        entry = self._cache.get(g.id)
        if entry is None or entry.state is not g:  # evicted meanwhile: keep it again
            entry = _Cached(
                g, entry.epoch if entry else "", 0, {m: len(dumps(v)) for m, v in g.methods.items()}
            )
            self._cache[g.id] = entry
        return entry

    async def append(self, g: GroupState, type_: str, data: dict[str, Any], actor: str | None) -> None:
        """Append one event to the group's log (for server/thread.py)."""
        await self._append(g, type_, data, actor)

    async def _append(
        self,
        g: GroupState,
        type_: str,
        data: dict[str, Any],
        actor: str | None,
        *,
        snapshot: bool = False,
        at: int | None = None,
    ) -> None:
        entry = self._entry(g)
        for _ in range(10):
            e = Event(seq=g.seq + 1, type=type_, actor=actor, at=at or self.hub.clock(), data=data)
            try:
                await self.store.append(g.id, g.seq, e, None)
            except Conflict:
                try:
                    self._ingest(entry, await self.store.read(g.id, g.seq))
                except NoSuchRoom:
                    raise GroupError("not_found", "no such group") from None
                continue
            except NoSuchRoom:
                raise GroupError("not_found", "no such group") from None
            self._ingest(entry, [e])
            await self._maybe_snapshot(entry, now=snapshot)
            return
        raise GroupError("conflict", "the group is busy; try again")

    def lock(self, g: GroupState) -> asyncio.Lock:
        """Changes to one group, in this process, one at a time (the store orders them across
        processes)."""
        return self._entry(g).lock

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
        async with self.lock(g):
            if len(g.members) >= MAX_MEMBERS:
                raise GroupError("too_large", f"a group has at most {MAX_MEMBERS} members")
            mid = "m" + secrets.token_hex(6)
            # The name goes to the metadata, where erasing it erases it (not into the log).
            await self.store.set_meta(gid, {_name_key(mid): name})
            try:
                await self._append(g, "member.join", {"mid": mid, "admin": admin}, mid)
            except BaseException:
                await self.store.set_meta(gid, {_name_key(mid): ""})
                raise
            g.members[mid]["name"] = name
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
        async with self.lock(g):
            if type_ == "group.erase":
                if not g.is_admin(mid):
                    raise GroupError("forbidden", "only the group's facilitator erases the group")
                await self.erase(g)
                return {}
            if mid not in g.members:  # removed or erased while this request waited
                raise GroupError("not_found", "no such group, or no access")
            return await self._command(g, meta, mid, type_, args)

    async def _command(
        self, g: GroupState, meta: dict[str, str], mid: str, type_: str, args: dict[str, Any]
    ) -> dict[str, Any]:
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
            await self._append(g, "member.remove", {"mid": target}, mid, snapshot=True)
            await self.store.set_meta(g.id, {_name_key(str(target)): ""})  # the name is gone too
            for m in g.meetings:  # out of every meeting too: room tokens refused, join links rotated
                await self.hub.expel(m["room"], target)
            return {}
        if type_ == "member.erase":
            return await self._erase_member(g, mid, args)
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
        if type_ in ("leervraag.set", "leervraag.share", "log.add"):
            return await thread_command(self, g, mid, type_, args)
        raise GroupError("unknown_command", f"unknown group command '{str(type_)[:40]}'")

    async def _erase_member(self, g: GroupState, mid: str, args: dict[str, Any]) -> dict[str, Any]:
        """A member's own data out of the group: themselves (no `mid`, or their own), or anyone,
        a removed member too, by the group's facilitator. Their name leaves the store; the group's
        state and view keep nothing of theirs (membership, name, the chair's seat, and in the view
        their cases, plans, reports and roles in the meetings)."""
        target = args.get("mid", mid)
        if target != mid and not g.is_admin(mid):
            raise GroupError("forbidden", "you may erase only yourself; the group's facilitator anyone")
        if not isinstance(target, str) or (target not in g.members and target not in g.removed):
            raise GroupError("not_found", "no such member")
        if target in g.erased:
            return {}
        if g.is_admin(target) and not any(g.is_admin(m) for m in g.members if m != target):
            raise GroupError("invalid", "the group needs a facilitator: erase the group instead")
        texts = [v["key"] for v in g.leervragen.get(target, {}).get("versions", [])]
        texts += [e["key"] for e in g.logs.get(target, [])]
        await self._append(g, "member.erase", {"mid": target}, mid, snapshot=True)
        # Their name, leervraag (every version) and learning log leave the store.
        await self.store.set_meta(g.id, {_name_key(target): "", **{text_key(k): "" for k in texts}})
        return {}

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
        self, g: GroupState, meta: dict[str, str], mid: str | None, args: dict[str, Any]
    ) -> dict[str, Any]:
        """A meeting of the group, planned by its facilitator or chair; with `mid` None, by the
        group's programme (server/programme.py): its begeleider leads it as external facilitator
        with the room's facilitator key (returned), and no member has the facilitator role."""
        last = await self._last_meeting_state(g)
        chair = (last.next_roles.get("chair") if last else None) if g.rotating_chair else None
        if chair not in g.members or mid is None:
            chair = None  # chosen, then removed or erased: the group's facilitator plans
        if mid is not None and not g.is_admin(mid) and mid != chair:
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
            if mid is not None and (m_id == (chair or mid) or (chair is None and m.get("admin"))):
                roles.append("facilitator")
            if m_id == next_inbrenger:
                roles.append("inbrenger")
            members[m_id] = {"name": m["name"], "roles": roles}
            if leervraag_shared(g, m_id):  # their check-in cards are the group's
                members[m_id]["leervraag_shared"] = True
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
            room,
            method,
            title,
            g.lang,
            self.hub.clock(),
            group=g.id,
            members=members,
            followups=followups,
            date=str(date),
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
                **({"external": True} if mid is None else {}),
            },
            mid,
        )
        return {"room": room, **({"facilitator_key": fac_key} if mid is None else {})}

    # -- erasure and retention --------------------------------------------------------------

    async def erase(self, g: GroupState) -> None:
        """Erase the group and its meetings' rooms: each room as its facilitator's *End and erase*
        does (a `room.erased` event closes every socket on every worker, then the rows go), then the
        group's own log, snapshot and metadata."""
        for m in list(g.meetings):
            await self._erase_room(m["room"])
        await self.store.delete_room(g.id)
        self._cache.pop(g.id, None)

    async def _erase_room(self, room: str) -> None:
        live = await self.hub.get(room)
        if live is not None:
            await self.hub.submit(live, Command("room.erase", {}), None, None)  # the server erases
        await self.store.delete_room(room)  # also when the hub could not load it

    async def count_meetings_as_activity(self, now: int, retention_ms: int) -> int:
        """Retention (server/app.py): a group is in use while its meetings are. For a group whose
        own log has been quiet for half the retention period, the newest event of its meetings is
        recorded in the group's log as a `group.active` event *at that event's time*, when it is
        newer than the group's own: the group's last activity is then its meetings' (for every
        store: SQLite's newest event, Redis's index and key TTLs), so the hub's retention pass
        keeps it exactly as long as its meetings are in use, and no longer. Returns how many
        groups it recorded activity for."""
        kept = 0
        for gid in await self.store.rooms_idle_since(now - retention_ms // 2):
            loaded = await self._load(gid)  # None for a room, or a group that is gone
            if loaded is None:
                continue
            g = loaded[0]
            own = await self._last_at(g.id)
            meetings = [await self._last_at(m["room"]) for m in list(g.meetings)]
            latest = max((at for at in meetings if at is not None), default=0)
            if own is not None and latest > own:
                await self._append(g, "group.active", {}, None, at=latest)
                kept += 1
        return kept

    async def _last_at(self, room: str) -> int | None:
        """When a room (or group) last had an event; None if it is gone."""
        try:
            head = await self.store.head(room)
            last = await self.store.read(room, head - 1)
        except NoSuchRoom:
            return None
        return last[-1].at if last else None

    # -- reading meetings back --------------------------------------------------------------

    async def room_state(self, room: str) -> Any:
        live = await self.hub.get(room)
        return live.state if live is not None else None

    async def _last_meeting_state(self, g: GroupState) -> Any:
        for m in reversed(list(g.meetings)):
            st = await self.room_state(m["room"])
            if st is not None:
                return st
        return None

    async def open_plans(self, g: GroupState) -> list[dict[str, Any]]:
        """Action plans of earlier meetings whose owner has not yet reported them done (none of a
        member who erased their data)."""
        latest: dict[str, dict[str, Any]] = {}
        plans: list[dict[str, Any]] = []
        gone = set(g.erased)
        for m in list(g.meetings):
            st = await self.room_state(m["room"])
            if st is None:
                continue
            for f in st.followups:
                if f.get("report"):
                    latest[f["meeting"]] = f["report"]
            owner = st.case.get("inbrenger")
            if owner and owner not in gone and any(st.plan.get(k) for k in PLAN_FIELDS):
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
        gone = set(g.erased)  # members who erased their data: nothing of theirs is shown
        for m in list(g.meetings):
            st = await self.room_state(m["room"])
            if st is None:
                continue
            room_meta = await self.store.meta(m["room"]) or {}
            for f in st.followups:
                r = f.get("report")
                if r and r.get("by") not in gone and f.get("owner") not in gone:
                    reports.setdefault(f["meeting"], []).append({**r, "in": m["room"]})
            done = st.phase >= len(st.method.phases) - 1
            # The same rule as in the room: means only once its evaluation closed, over enough people.
            means = evaluation_means(st)
            inbrenger = st.case.get("inbrenger")
            theirs = inbrenger in gone  # the case and its plan were that member's
            entry = {
                **copy.deepcopy(m),
                "status": "past" if done else ("active" if _started(st) else "next"),
                "join_key": room_meta.get("join_key", "") if mid not in st.removed else "",
                "token": self.tokens.issue(m["room"], mid) if mid in st.participants else None,
                "inbrenger": None if theirs else inbrenger,
                "question": "" if theirs else (st.case.get("reformulation") or st.case.get("question")),
                "plan": {k: "" if theirs else st.plan.get(k, "") for k in PLAN_FIELDS},
                "next_roles": {k: None if v in gone else v for k, v in st.next_roles.items()},
                "evaluation": {**means, "n": len(st.evaluation)},
                # This member's own "what I learned" (the room's `evaluation.mine`): the learning
                # log's entry for this meeting starts from it.
                "learned": str(st.evaluation.get(mid, {}).get("learned", "")),
            }
            meetings.append(entry)
            if means["content"] is not None or means["process"] is not None:
                trend.append({"room": m["room"], "date": m["date"], **means})
        plans = await self.open_plans(g)
        for p in plans:
            p["due"] = bool(p["review_date"]) and p["review_date"] < today.isoformat()
            p["reports"] = reports.get(p["meeting"], [])
        last = meetings[-1] if meetings else None
        you = g.members.get(mid)
        if you is None:  # removed or erased while this view was being put together
            raise GroupError("not_found", "no such group, or no access")
        admin = g.is_admin(mid)
        return {
            "group": {"id": g.id, "name": g.name, "lang": g.lang, "rotating_chair": g.rotating_chair},
            "you": {"mid": mid, "name": you["name"], "admin": admin},
            "members": {k: {"name": v["name"], "admin": v["admin"]} for k, v in g.members.items()},
            # Removed members whose data the group's facilitator may still erase (no names: gone).
            "removed": [m for m in g.removed if m not in g.erased and m not in g.members] if admin else [],
            "meetings": meetings,
            "open_plans": plans,
            "reports": reports,
            "trend": trend,
            # A livelier work form or method when the process score fell (server/livelier.py).
            "livelier": livelier.suggestion(trend, g.meetings, [m.id for m in self.library]),
            "next_roles": last["next_roles"] if last else {"chair": None, "inbrenger": None},
            "methods": list(g.methods.values()),
            "library": [{"id": m.id, "name": m.name.to_dict(), "minutes": m.minutes} for m in self.library],
            "join_key": meta.get("join_key", "") if admin else None,
            **thread_view(g, meta, mid),
        }


def _name_key(mid: str) -> str:
    return f"name:{mid}"


def _names(g: GroupState, meta: dict[str, str]) -> None:
    """Fill in the members' names from the metadata (members who joined with the name in the log
    have it already)."""
    for mid, m in g.members.items():
        if not m["name"]:
            m["name"] = meta.get(_name_key(mid)) or "?"


def _started(st: Any) -> bool:
    """A meeting is under way once it left its first phase or anything happened in the room."""
    return bool(st.phase > 0 or st.timer["running"] or st.cards or any(f.get("report") for f in st.followups))


def reject(e: GroupError) -> Rejection:
    return Rejection(e.code, e.message)
