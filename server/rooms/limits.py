"""Content caps and the ranges of numbers, enforced for every command whoever sends it
(docs/protocol.md, "Commands"), and each person's share of them: one participant alone cannot fill a
room (and so make every view of it, sent to every browser after every change, as big as the caps
allow). The browser client gets them in its page data (server/views.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MAX_NAME = 40
MAX_CARD = 2000
MAX_NODE = 300
MAX_TEXT = 2000
MAX_PITCH = 600
MAX_CARDS = 500
MAX_NODES = 500
MAX_FORCES = 100
MAX_NOTES = 500
MAX_PARTICIPANTS = 60
MAX_CANDIDATES = 30
MAX_CANDIDATES_PER_PERSON = 3  # proposed and queued together
MAX_TIMER_S = 6 * 3600
MAX_ID = 40  # a client-chosen id (card, node, force, ...): [A-Za-z0-9_-]
MAX_SENTENCES = 3  # a pitched case or a queued werkvraag
MAX_PROPOSALS = 20  # proposals for one outcome field (server/rooms/proposals.py)
MAX_PROPOSALS_PER_PERSON = 3
# The drawing board (server/rooms/drawing.py): points of one stroke (after the browser's
# simplification), strokes on a board, points on a board (the whole drawing in every view stays
# small), a shape's label, and the people drawing in private.
MAX_STROKE_POINTS = 300
MAX_STROKES = 1000
MAX_DRAWING_POINTS = 20_000
MAX_LABEL = 120
MAX_DRAWERS = 8

# Inclusive ranges.
ROUND_SECONDS = (10, 3600)  # one speaking turn
ROUND_DEFAULT_S = 120
VOTES_PER_PERSON = (1, 10)
SCORE = (1, 5)  # evaluation scores and force ratings
DRAW_MINUTES = (1, 240)  # the private drawing's timer ("after about 30 minutes", seed 001)
DRAW_MINUTES_DEFAULT = 30

# The share of each count cap (cards, mind-map nodes, forces, notes, plan suggestions) one person
# may fill, in percent; facilitators are exempt (they scribe for the group). KRING_PERSON_SHARE,
# set once at startup (server/app.py).
PERSON_SHARE = 20


def set_person_share(percent: int) -> None:
    global PERSON_SHARE
    PERSON_SHARE = max(1, min(100, percent))


def person_cap(room_cap: int) -> int:
    return max(1, room_cap * PERSON_SHARE // 100)


def check_share(
    actor: str, facilitator: bool, items: Iterable[Mapping[str, Any]], room_cap: int, what: str
) -> None:
    """Refuse (`too_large`) when `actor` already wrote their share of `room_cap` items."""
    if facilitator:
        return
    from .commands import _Bad  # commands.py imports the limits (MAX_ID): not at the top

    cap = person_cap(room_cap)
    if sum(1 for x in items if x.get("author") == actor) >= cap:
        raise _Bad("too_large", f"one person may add at most {cap} {what} to a room")
