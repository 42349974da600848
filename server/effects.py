"""What events do besides changing the room's state: the one table of side effects, by event type.

The rules (`server.rooms.decide` / `apply`) only change the room's state; anything an event does to
the world outside it (sockets, presence, keys, the store) is here, and the hub runs it at fixed
points of a command's path (server/hub.py):

- `before_append`: on the worker deciding the command, after `decide` and before the store's append,
  with the event's data (a rotation's new join key goes to the room's metadata, never into the
  event log);
- `after_fan_out`: on every worker holding the room, right after its connections got the event
  (`mine`: this worker appended it just now; False when it came from another worker or the store);
- `after_submit`: on the deciding worker, once the command is appended, outside the room's lock;
- `ack`: False when the sender gets no ack (an erasure answers with the close, 4010).

An event type missing from `EFFECTS` has no side effect. Looked up once per event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import protocol as P
from .auth import hash_key, new_key
from .rooms import Event
from .viewsplice import view_text

if TYPE_CHECKING:
    from .hub import Hub, LiveRoom


@dataclass(frozen=True, slots=True)
class Effect:
    before_append: Callable[[Hub, LiveRoom, dict[str, Any]], Awaitable[None]] | None = None
    after_fan_out: Callable[[Hub, LiveRoom, Event, bool], None] | None = None
    after_submit: Callable[[Hub, LiveRoom], Awaitable[None]] | None = None
    ack: bool = True


# -- presence: who is online, with which name and roles ----------------------------------------


def _presence(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    hub.broadcast_presence(live)


# -- participant.join: someone admitted from the waiting list gets the room ----------------------


def _joined(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    """Presence, and for an admitted person's protocol connections (a browser's view follows the
    event anyway) the full view: while waiting they got nothing of the room, not even placeholders,
    so their stream starts again from this view's seq."""
    pid = e.data["pid"]
    for c in live.conns:
        if c.pid == pid and not c.want_view and not c.projector:
            c.push(view_text(live, pid, False), True)
    hub.broadcast_presence(live)


# -- role.assign: presence; a new facilitator is told the keys -----------------------------------


def _roles(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    hub.broadcast_presence(live)
    if e.data.get("role") == "facilitator" and e.data.get("on"):
        hub.spawn(_send_keys(hub, live))


# -- participant.remove: locked out at once ------------------------------------------------------


async def _lock_out(hub: Hub, live: LiveRoom, data: dict[str, Any]) -> None:
    """Removal rotates the join link (the removed person knows it), and if they were a facilitator
    the projector key as well (they were shown it). Their tokens are refused from now on
    (`RoomState.removed`, server/ws.py)."""
    await _new_join_key(hub, live, data)
    if live.state.is_fac(data.get("pid")):
        await _new_projector_key(hub, live, data)


def _close_removed(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    live.close(P.CLOSE_REMOVED, "removed by the facilitator", pid=e.data["pid"])
    hub.spawn(_send_keys(hub, live))


# -- room.rotated: a new join key in the metadata; facilitators are told it --------------------------


async def _new_join_key(hub: Hub, live: LiveRoom, data: dict[str, Any]) -> None:
    join_key = new_key()
    # The hashes of the last links, for the export only (server/views.py): a participant's report
    # page still carries the link they came in with, and their token decides there.
    before = [*live.meta.get("join_hashes_before", "").split(), live.meta.get("join_hash", "")]
    fields = {
        "join_key": join_key,
        "join_hash": hash_key(join_key),
        "join_hashes_before": " ".join([h for h in before if h][-JOIN_HASHES_KEPT:]),
    }
    await hub.store.set_meta(live.id, fields)
    live.meta = {**live.meta, **fields}


# -- projector.rotated / projector.revoked: the projector's own key --------------------------------


async def _set_projector(hub: Hub, live: LiveRoom, fields: Mapping[str, str]) -> None:
    await hub.store.set_meta(live.id, dict(fields))
    live.meta = {**live.meta, **fields}
    _close_projectors(live)


async def _new_projector_key(hub: Hub, live: LiveRoom, data: dict[str, Any]) -> None:
    await _set_projector(hub, live, hub.projector.rotated(live.id))


async def _revoke_projector(hub: Hub, live: LiveRoom, data: dict[str, Any]) -> None:
    await _set_projector(hub, live, hub.projector.REVOKED)


def _close_projectors(live: LiveRoom) -> None:
    for c in list(live.conns):
        if c.projector:
            c.kill(P.CLOSE_REMOVED, "the projector key was changed")


def _keys_later(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    hub.spawn(_send_keys(hub, live))


def keys_message(hub: Hub, live: LiveRoom) -> dict[str, Any]:
    """What facilitators are told of the keys: the join key, and the projector key (null when
    revoked). The facilitator key is never stored, so never sent."""
    return {
        "join_key": live.meta.get("join_key", ""),
        "projector_key": hub.projector.current(live.id, live.meta),
    }


async def _send_keys(hub: Hub, live: LiveRoom) -> None:
    """Refresh the keys (another worker may have rotated) and tell the facilitators the new ones;
    projectors whose key changed at another worker are closed here too. Keys never go into the
    event log."""
    meta = await hub.store.meta(live.id)
    if meta is None:
        return
    before = hub.projector.current(live.id, live.meta), live.meta.get("projector_hash")
    live.meta = meta
    if (hub.projector.current(live.id, meta), meta.get("projector_hash")) != before:
        _close_projectors(live)
    msg = P.dumps({"t": P.KEYS, **keys_message(hub, live)})
    for c in live.conns:
        if live.state.is_fac(c.pid):
            c.push(msg)


# -- room.erased: the data goes first, then every socket closes with 4010 ---------------------------


def _forget_erased(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    hub.forget(live)
    if not mine:  # erased through another worker: close our sockets now
        live.close(P.CLOSE_ERASED, "the room was erased")


async def _erase(hub: Hub, live: LiveRoom) -> None:
    # Once a client sees 4010, nothing of the room is left in the store.
    await hub.store.delete_room(live.id)
    hub.forget(live)
    live.close(P.CLOSE_ERASED, "the room was erased")


JOIN_HASHES_KEPT = 20

PRESENCE = Effect(after_fan_out=_presence)

EFFECTS: dict[str, Effect] = {
    "participant.join": Effect(after_fan_out=_joined),
    "participant.wait": PRESENCE,
    "participant.rename": PRESENCE,
    "role.assign": Effect(after_fan_out=_roles),
    "case.chosen": PRESENCE,
    "participant.remove": Effect(before_append=_lock_out, after_fan_out=_close_removed),
    "room.rotated": Effect(before_append=_new_join_key, after_fan_out=_keys_later),
    "projector.rotated": Effect(before_append=_new_projector_key, after_fan_out=_keys_later),
    "projector.revoked": Effect(before_append=_revoke_projector, after_fan_out=_keys_later),
    "room.erased": Effect(after_fan_out=_forget_erased, after_submit=_erase, ack=False),
}
