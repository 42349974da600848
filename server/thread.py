"""The learning thread of a group member (docs/protocol.md, group API; docs/privacy.md): their
persoonlijke leervraag, after the questions of the start meeting (what do I want to learn; short-
and long-term goals; how these relate to the school's goals), a new version each time, private until
they share it; and their learning log, private always, an entry per meeting.

The texts go to the group's metadata under a random key (`text:{key}`); the group's log and
snapshot keep only the keys and dates, so erasing the member (`member.erase`) erases the texts from
the store, as it does their name."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from .groupstate import GroupError, GroupState
from .protocol import dumps
from .rooms import Command

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
