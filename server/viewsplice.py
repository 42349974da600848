"""The `view` message a browser connection gets after events: spliced from parts, not built whole.

What is the same for everyone (the board, and every card that all may see) is serialised once per
room and seq (`ViewCache`, kept on the live room); each viewer adds only their own part (their own
cards with the hint flag, notes, vote, permissions). The parts have no key in common, so they are
spliced as text: a burst that makes ten members' views due builds the board once, not ten times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import protocol as P
from .rooms import card_view, card_visible, shared_view, shown_key, view, viewer_view

if TYPE_CHECKING:
    from .hub import LiveRoom


@dataclass(frozen=True)
class ViewCache:
    seq: int
    head: str  # the start of a view message: `{"t":"view","seq":N,"state":{` + the shared part
    cards: dict[str, str]  # card id -> `"id":{...}` for every card that everyone may see


def view_text(live: LiveRoom, pid: str, projector: bool) -> str:
    """The `view` message for one viewer (`pid`, or the room's projector):
    `{"t": "view", "seq", "state": view(...)}` as text."""
    s = live.state
    if not projector and pid not in s.participants:
        return P.dumps({"t": P.VIEW, "seq": s.seq, "state": view(s, pid)})
    cache = live.view_cache
    if cache is None or cache.seq != s.seq:
        head = P.dumps({"t": P.VIEW, "seq": s.seq, "state": shared_view(s)})
        cards = {
            cid: P.dumps({cid: card_view(c, None)})[1:-1]
            for cid, c in s.cards.items()
            if card_visible(c, None)
        }
        cache = live.view_cache = ViewCache(s.seq, head[:-2], cards)  # head without its "}}"
    viewer = None if projector else pid
    parts = []
    for cid, c in s.cards.items():
        if c["author"] == viewer and viewer is not None:
            shown = shown_key(s.cards, cid, c, viewer, card_visible)  # the id its author gave it
            parts.append(P.dumps({shown: card_view(c, viewer)})[1:-1])
        else:
            shared = cache.cards.get(cid)
            if shared is not None:
                parts.append(shared)
    own = P.dumps(viewer_view(s, viewer, cards=False))
    text = f'{cache.head},"cards":{{{",".join(parts)}}},{own[1:]}}}'
    live.view_bytes = len(text)  # what one more view costs, for the senders' budgets (server/ws.py)
    return text
