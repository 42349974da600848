"""The `patch` message of a browser or projector that asked for deltas (hello `patches: true`):
what changed in its view after a batch of events, instead of the events and a whole view.

Per room and batch (one `Hub.ingest`: a command's events, or a batch from another worker) the
shared ops are rendered and serialised once (server/rooms/delta.py); each viewer adds the ops on
their own parts, and every viewer whose frame has the same bytes (most of them: nothing of theirs
changed) shares one `Message`, so its wire frame is built once. Someone waiting to be admitted gets
nothing (server/effects.py sends the admitted their whole view).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import protocol as P
from .rooms import Touched, shared_ops, viewer_ops
from .transport import Conn, Message

if TYPE_CHECKING:
    from .hub import LiveRoom


def send_patches(live: LiveRoom, touched: Touched, conns: Iterable[Conn]) -> int:
    """Push the batch's patch to every connection in `conns` that takes patches; the bytes sent."""
    s = live.state
    shared, personal = touched.split()
    head = f'{{"t":"{P.PATCH}","seq":{s.seq},"ops":['
    common = P.dumps(shared_ops(s, shared))[1:-1]
    members = s.participants
    frames: dict[str, Message] = {}
    sent = 0
    for c in conns:
        if not c.patches:
            continue
        if c.projector:
            viewer = None
        elif c.pid in members:
            viewer = c.pid
        else:
            continue  # waiting to be admitted: nothing of the room
        own = P.dumps(viewer_ops(s, personal, viewer))[1:-1] if personal else ""
        msg = frames.get(own)
        if msg is None:
            sep = "," if common and own else ""
            msg = frames[own] = Message(f"{head}{common}{sep}{own}]}}")
        sent += len(msg.asgi["text"])
        c.push_message(msg, True)
    return sent
