"""Who is in the room: joining (from the hello), the waiting list of a locked room and admission,
removal, renaming, roles, and the facilitator's lock, key rotation (the join link and the
projector's key) and erasure. The keys themselves never enter the log (server/effects.py)."""

from __future__ import annotations

from typing import Any

from ..methods import ROLES
from .commands import Draft, _arg_bool, _arg_id, _arg_text, _Bad, _only_keys
from .events import Event
from .limits import MAX_NAME, MAX_PARTICIPANTS
from .permissions import _need_fac
from .registry import ABSENT, applies, facilitator_part, handles, item_part, shared_part, touches
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


@handles("participant.join")
def _join(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    pid = _arg_id(a, "pid")
    name = _arg_text(a, "name", MAX_NAME)
    roles = a.get("roles", [])
    if not isinstance(roles, list) or not all(r in ROLES for r in roles):
        raise _Bad("invalid", "'roles' must be a list of known roles")
    if pid in s.participants or pid in s.removed:
        raise _Bad("conflict", "this participant has already joined")
    if len(s.participants) >= MAX_PARTICIPANTS:
        raise _Bad("too_large", f"a room holds at most {MAX_PARTICIPANTS} participants")
    return Draft("participant.join", {"pid": pid, "name": name, "roles": sorted(set(roles))})


@handles("participant.grant")
def _grant(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """A returning participant who now holds the facilitator key gets the facilitator role."""
    pid = _arg_id(a, "pid")
    if pid not in s.participants:
        raise _Bad("not_found", "no such participant")
    if a.get("role") not in ROLES:
        raise _Bad("invalid", "unknown role")
    return Draft("role.assign", {"pid": pid, "role": a["role"], "on": True})


@handles("participant.remove")
def _remove_participant(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "pid")
    _need_fac(s, actor)
    pid = _arg_id(a, "pid")
    if pid not in s.participants and pid not in s.waiting:
        raise _Bad("not_found", "no such participant")
    if pid == actor:
        raise _Bad("invalid", "you cannot remove yourself")
    return Draft("participant.remove", {"pid": pid})


@handles("participant.expel")
def _expel(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """The server removes someone on its own authority: a member removed from the room's group.
    Also for a member who never came in: their id is then refused in this room."""
    pid = _arg_id(a, "pid")
    if pid in s.removed:
        raise _Bad("conflict", "already removed")
    return Draft("participant.remove", {"pid": pid})


@handles("participant.wait")
def _wait(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """Someone with the join link knocks on a locked room: they wait until admitted."""
    pid = _arg_id(a, "pid")
    name = _arg_text(a, "name", MAX_NAME)
    if pid in s.participants or pid in s.waiting:
        raise _Bad("conflict", "already known")
    if len(s.waiting) >= MAX_PARTICIPANTS:
        raise _Bad("too_large", "the waiting list is full")
    return Draft("participant.wait", {"pid": pid, "name": name})


@handles("participant.admit")
def _admit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "pid")
    _need_fac(s, actor)
    pid = _arg_id(a, "pid")
    w = s.waiting.get(pid)
    if w is None:
        raise _Bad("not_found", "nobody with that id is waiting")
    if len(s.participants) >= MAX_PARTICIPANTS:
        raise _Bad("too_large", f"a room holds at most {MAX_PARTICIPANTS} participants")
    return Draft("participant.join", {"pid": pid, "name": w["name"], "roles": []})


@handles("room.lock")
def _lock(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "locked")
    _need_fac(s, actor)
    return Draft("room.lock", {"locked": _arg_bool(a, "locked")})


@handles("room.erase")
def _erase(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    if actor != "":  # "": no actor, the server itself (a group's erasure; registry.SYSTEM_COMMANDS)
        _need_fac(s, actor)
    return Draft("room.erased", {})


@handles("room.rotate")
def _rotate(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    return Draft("room.rotated", {})


@handles("projector.rotate")
def _projector_rotate(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    return Draft("projector.rotated", {})


@handles("projector.revoke")
def _projector_revoke(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    return Draft("projector.revoked", {})


@handles("participant.rename")
def _rename(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "name")
    return Draft("participant.rename", {"pid": actor, "name": _arg_text(a, "name", MAX_NAME)})


@handles("role.assign")
def _role_assign(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "pid", "role", "on")
    _need_fac(s, actor)
    pid = _arg_id(a, "pid")
    role = a.get("role")
    if role not in ROLES:
        raise _Bad("invalid", f"'role' must be one of {', '.join(sorted(ROLES))}")
    on = _arg_bool(a, "on")
    if pid not in s.participants:
        raise _Bad("not_found", "no such participant")
    if role == "facilitator" and not on:
        others = [p for p in s.participants if p != pid and s.is_fac(p)]
        if not others:
            raise _Bad("invalid", "the room needs at least one facilitator")
    return Draft("role.assign", {"pid": pid, "role": role, "on": on})


# --- apply ----------------------------------------------------------------------------------------


def _person(s: RoomState, e: Event) -> list[str]:
    """Where the person a join, wait or removal is about is in the view, before and after."""
    pid = e.data["pid"]
    out = [f"waiting/{pid}"] if pid in s.waiting or e.type == "participant.wait" else []
    if pid in s.participants or e.type == "participant.join":
        out += [f"participants/{pid}", f"stats/{pid}", "speakers"]
    return out


@touches(_person)
@applies("participant.join")
def _a_join(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.waiting.pop(d["pid"], None)
    s.participants[d["pid"]] = {"name": d["name"], "roles": list(d["roles"]), "joined": e.at}


@touches(_person)
@applies("participant.wait")
def _a_wait(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.waiting[d["pid"]] = {"name": d["name"], "at": e.at}


@touches("locked")
@applies("room.lock")
def _a_lock(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.locked = d["locked"]


@touches("room")
@applies("room.erased")
def _a_erased(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.ended = True


@touches()
@applies("room.rotated")
def _a_rotated(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    pass


@touches()
@applies("projector.rotated")
def _a_projector_rotated(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    pass


@touches()
@applies("projector.revoked")
def _a_projector_revoked(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    pass


@touches(_person, "case", "forcefield", "drawing/drawers")
@applies("participant.remove")
def _a_premove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.waiting.pop(d["pid"], None)
    if d["pid"] not in s.removed:
        s.removed.append(d["pid"])
    s.participants.pop(d["pid"], None)
    if s.case["inbrenger"] == d["pid"]:
        s.case["inbrenger"] = None


@touches("participants/{pid}")
@applies("participant.rename")
def _a_rename(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.participants[d["pid"]]["name"] = d["name"]


@touches("participants", "case", "may", "facilitator/{pid}", "speakers", "notes_hidden_by", "forcefield")
@applies("role.assign")
def _a_role(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    roles = set(s.participants[d["pid"]]["roles"])
    if d["on"]:
        roles.add(d["role"])
    else:
        roles.discard(d["role"])
    s.participants[d["pid"]]["roles"] = sorted(roles)
    if d["role"] == "inbrenger":
        if d["on"]:
            for pid, p in s.participants.items():
                if pid != d["pid"] and "inbrenger" in p["roles"]:
                    p["roles"] = [r for r in p["roles"] if r != "inbrenger"]
            s.case["inbrenger"] = d["pid"]
        elif s.case["inbrenger"] == d["pid"]:
            s.case["inbrenger"] = None


# --- view -----------------------------------------------------------------------------------------


@shared_part("participants")
def _participants_view(s: RoomState) -> dict[str, Any]:
    return {pid: {"name": p["name"], "roles": list(p["roles"])} for pid, p in s.participants.items()}


@item_part("participants")
def _participant_item(s: RoomState, viewer: str | None, pid: str) -> Any:
    p = s.participants.get(pid)
    return ABSENT if p is None else {"name": p["name"], "roles": list(p["roles"])}


@item_part("waiting", differs=lambda s, pid: ())
def _waiting_item(s: RoomState, viewer: str | None, pid: str) -> Any:
    w = s.waiting.get(pid)
    return ABSENT if w is None else dict(w)


@shared_part("locked")
def _locked_view(s: RoomState) -> bool:
    return s.locked


@facilitator_part("waiting")
def _waiting_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return {pid: dict(w) for pid, w in s.waiting.items()}
