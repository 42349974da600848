"""The `patch` message of a browser or projector that asked for deltas (hello `patches: true`):
what changed in its view after a batch of events, instead of the events and a whole view.

Per room and batch (one `Hub.ingest`: a command's events, or a batch from another worker) the
shared ops are rendered and serialised once (server/rooms/delta.py); the ops on viewers' own parts
are rendered once per group of viewers who get the same ones (`group_key`: a card is the same for
everyone but its author), and every viewer whose frame has the same bytes shares one `Message`, so
its wire frame is built once. Someone waiting to be admitted gets
nothing (server/effects.py sends the admitted their whole view).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import protocol as P
from .rooms import Touched, shared_ops, viewer_ops
from .rooms.delta import Op, apart, group_key, personal_paths
from .transport import Conn, Message

if TYPE_CHECKING:
    from .hub import LiveRoom


def send_patches(
    live: LiveRoom, touched: Touched, conns: Iterable[Conn], ack: tuple[Conn, str] | None = None
) -> tuple[int, bool]:
    """Push the batch's patch to every connection in `conns` that takes patches: the bytes sent,
    and whether `ack` (the sender's, when it takes patches) went right behind its patch."""
    s = live.state
    shared, personal = touched.split()
    head = f'{{"t":"{P.PATCH}","seq":{s.seq},"ops":['
    common = P.dumps(shared_ops(s, shared))[1:-1]
    paths = personal_paths(s, personal)
    members = s.participants
    special = apart(s, paths)
    groups: dict[object, Message] = {}  # group_key -> the frame of those viewers
    frames: dict[str, Message] = {}  # their own ops' JSON -> the frame
    texts: dict[str, list[tuple[Op, str]]] = {}  # path -> the ops on it made so far, with their JSON
    sent = 0
    acked = False
    origin = ack[0] if ack is not None else None

    def text(op: Op) -> str:
        # Most viewers get the same op on a path (a card as everyone sees it): serialised once.
        seen = texts.setdefault(op["path"], [])
        for o, t in seen:
            if o == op:
                return t
        t = P.dumps(op)
        seen.append((op, t))
        return t

    for c in conns:
        if not c.patches:
            continue
        if c.projector:
            viewer = None
        elif c.pid in members:
            viewer = c.pid
        else:
            continue  # waiting to be admitted: nothing of the room
        key = group_key(s, paths, special, viewer)
        msg = groups.get(key)
        if msg is None:
            own = ",".join([text(op) for op in viewer_ops(s, paths, viewer)])
            msg = frames.get(own)
            if msg is None:
                sep = "," if common and own else ""
                msg = frames[own] = Message(f"{head}{common}{sep}{own}]}}")
            groups[key] = msg
        sent += len(msg.asgi["text"])
        if c is origin and ack is not None:
            c.push_pair(msg, Message(P.dumps(P.ack(ack[1], s.seq))))
            acked = True
        elif not c.write_direct(msg):  # c.push_message(msg, True) in its two steps, as in hub._fan_out
            c.send_later(msg, True)
    return sent, acked
