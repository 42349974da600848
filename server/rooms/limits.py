"""Content caps, enforced for every command whoever sends it (docs/protocol.md, "Commands")."""

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
MAX_CANDIDATES_PER_PERSON = 3  # proposed and queued together
MAX_TIMER_S = 6 * 3600
