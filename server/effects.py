"""What events do besides changing the room's state: the one table of side effects, by event type.

The rules (`server.rooms.decide` / `apply`) only change the room's state; anything an event does to
the world outside it (sockets, presence, keys, the store) is here, and the hub runs it at fixed
points of a command's path (server/hub.py):

- `before_append`: on the worker deciding the command, after `decide` and before the store's append
  (a rotation's new join key goes to the room's metadata, never into the event log);
- `after_fan_out`: on every worker holding the room, right after its connections got the event
  (`mine`: this worker appended it just now; False when it came from another worker or the store);
- `after_submit`: on the deciding worker, once the command is appended, outside the room's lock;
- `ack`: False when the sender gets no ack (an erasure answers with the close, 4010).

An event type missing from `EFFECTS` has no side effect. Looked up once per event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import protocol as P
from .auth import hash_key, new_key
from .rooms import Event

if TYPE_CHECKING:
    from .hub import Hub, LiveRoom


@dataclass(frozen=True, slots=True)
class Effect:
    before_append: Callable[[Hub, LiveRoom], Awaitable[None]] | None = None
    after_fan_out: Callable[[Hub, LiveRoom, Event, bool], None] | None = None
    after_submit: Callable[[Hub, LiveRoom], Awaitable[None]] | None = None
    ack: bool = True


# -- presence: who is online, with which name and roles ----------------------------------------


def _presence(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    hub.broadcast_presence(live)


# -- participant.remove: the removed person's sockets close with 4003 ------------------------------


def _close_removed(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    live.close(P.CLOSE_REMOVED, "removed by the facilitator", pid=e.data["pid"])


# -- room.rotated: a new join key in the metadata; facilitators are told it --------------------------


async def _new_join_key(hub: Hub, live: LiveRoom) -> None:
    join_key = new_key()
    fields = {"join_key": join_key, "join_hash": hash_key(join_key)}
    await hub.store.set_meta(live.id, fields)
    live.meta = {**live.meta, **fields}


def _keys_later(hub: Hub, live: LiveRoom, e: Event, mine: bool) -> None:
    hub.spawn(_send_keys(hub, live))


async def _send_keys(hub: Hub, live: LiveRoom) -> None:
    """Refresh the keys (another worker may have rotated) and tell the facilitators the new join
    key. Keys never go into the event log."""
    meta = await hub.store.meta(live.id)
    if meta is None:
        return
    live.meta = meta
    msg = P.dumps({"t": P.KEYS, "join_key": meta.get("join_key", "")})
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


PRESENCE = Effect(after_fan_out=_presence)

EFFECTS: dict[str, Effect] = {
    "participant.join": PRESENCE,
    "participant.wait": PRESENCE,
    "participant.rename": PRESENCE,
    "role.assign": PRESENCE,
    "case.chosen": PRESENCE,
    "participant.remove": Effect(after_fan_out=_close_removed),
    "room.rotated": Effect(before_append=_new_join_key, after_fan_out=_keys_later),
    "room.erased": Effect(after_fan_out=_forget_erased, after_submit=_erase, ack=False),
}
