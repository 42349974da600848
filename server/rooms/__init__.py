"""The room engine: pure `decide`, `apply` and `view`. No I/O, no clock, no randomness of its own.

A room is a fold of its ordered event log. `decide(state, cmd, actor, now)` validates one command
against the current state and the method's rules and returns the event to append (or a Rejection);
`apply(state, event)` folds an appended event in; `view(state, viewer)` is what one person may see.
Events that carry private content have an `audience` (the author's pid): everyone else only ever
sees a redacted placeholder with the same seq (see `Event.wire_for`).

The package: a small core (events, commands, limits, state, permissions, registry, engine) and one
module per board tool, each with its decide handlers, apply handlers and view parts side by side
(docs/architecture.md). Importing the package registers every tool and seals the engine.
"""

from __future__ import annotations

# The tool modules register their handlers and view parts when imported.
from . import (  # noqa: F401
    admission,
    attendance,
    cards,
    case,
    drawing,
    evaluation,
    followup,
    forcefield,
    knowledge,
    mindmap,
    notes,
    outcomes,
    pairs,
    phases,
    plan,
    proposals,
    rounds,
    timer,
    vote,
)
from .cards import CARD_VIEW_FIELDS, card_view, card_visible
from .commands import ID_RE, Command, Draft, Rejection, shown_key
from .engine import apply, decide, replay, seal, shared_view, view, viewer_view
from .evaluation import MIN_EVAL_N, evaluation_means, evaluation_summary
from .events import Event
from .followup import FOLLOWUP_STATUS
from .forcefield import RATING_KEYS, SIDES, force_summary
from .limits import (
    MAX_CANDIDATES,
    MAX_CARD,
    MAX_CARDS,
    MAX_FORCES,
    MAX_NAME,
    MAX_NODE,
    MAX_NODES,
    MAX_NOTES,
    MAX_PARTICIPANTS,
    MAX_PITCH,
    MAX_TEXT,
    MAX_TIMER_S,
)
from .mindmap import ROOT, subtree
from .notes import note_visible
from .permissions import card_kinds_for, may_note, may_write, permissions, tool_open
from .plan import EVAL_PLAN_FIELDS, PLAN_FIELDS
from .registry import SERVER_COMMANDS, Applier, Handler
from .state import RoomState, created_event, new_room

# Every command with a decide handler that a client may send (the rest only the server issues).
CLIENT_COMMANDS: frozenset[str] = seal()

from .delta import Touched, ops_for, shared_ops, viewer_ops  # noqa: E402  (needs the sealed engine)

__all__ = [
    "CARD_VIEW_FIELDS",
    "CLIENT_COMMANDS",
    "EVAL_PLAN_FIELDS",
    "FOLLOWUP_STATUS",
    "ID_RE",
    "MAX_CANDIDATES",
    "MAX_CARD",
    "MAX_CARDS",
    "MAX_FORCES",
    "MAX_NAME",
    "MAX_NODE",
    "MAX_NODES",
    "MAX_NOTES",
    "MAX_PARTICIPANTS",
    "MAX_PITCH",
    "MAX_TEXT",
    "MAX_TIMER_S",
    "MIN_EVAL_N",
    "PLAN_FIELDS",
    "RATING_KEYS",
    "ROOT",
    "SERVER_COMMANDS",
    "SIDES",
    "Applier",
    "Command",
    "Draft",
    "Event",
    "Handler",
    "Rejection",
    "RoomState",
    "Touched",
    "apply",
    "card_kinds_for",
    "card_view",
    "card_visible",
    "created_event",
    "decide",
    "evaluation_means",
    "evaluation_summary",
    "force_summary",
    "may_note",
    "may_write",
    "new_room",
    "note_visible",
    "ops_for",
    "permissions",
    "replay",
    "shared_ops",
    "shared_view",
    "shown_key",
    "subtree",
    "tool_open",
    "view",
    "viewer_ops",
    "viewer_view",
]
