"""Content caps and the ranges of numbers, enforced for every command whoever sends it
(docs/protocol.md, "Commands"). The browser client gets them in its page data (server/views.py)."""

from __future__ import annotations

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
MAX_TIMER_S = 6 * 3600
MAX_ID = 40  # a client-chosen id (card, node, force, ...): [A-Za-z0-9_-]
MAX_SENTENCES = 3  # a pitched case or a queued werkvraag

# Inclusive ranges.
ROUND_SECONDS = (10, 3600)  # one speaking turn
ROUND_DEFAULT_S = 120
VOTES_PER_PERSON = (1, 10)
SCORE = (1, 5)  # evaluation scores and force ratings
