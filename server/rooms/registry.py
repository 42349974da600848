"""The tables that tie the tools to the engine: one decide handler per command, one apply handler
per event type, and the parts of the view each tool contributes.

A tool module registers at import with the decorators below; `server/rooms/__init__.py` imports
every tool module and then seals the engine (server/rooms/engine.py `seal`). Dispatch is one dict
lookup per command and per event, as it always was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..methods import Method
from .commands import Draft
from .events import Event
from .state import RoomState

Handler = Callable[[RoomState, dict[str, Any], str, int, Mapping[str, Method]], Draft]
Applier = Callable[[RoomState, Event, dict[str, Any]], None]
SharedPart = Callable[[RoomState], Any]
ViewerPart = Callable[[RoomState, str | None], Any]

# Commands only the server issues (joining is part of the hello handshake).
SERVER_COMMANDS = frozenset(
    {
        "participant.join",
        "participant.grant",
        "participant.wait",
        "participant.expel",
        "leervraag.shared",
        "attendance.seen",
    }
)
# Client commands the server may also issue on its own, with no actor: erasing a group erases its
# meetings (server/groups.py).
SYSTEM_COMMANDS = frozenset({"room.erase"})

HANDLERS: dict[str, Handler] = {}  # command type -> decide handler
APPLIERS: dict[str, Applier] = {}  # event type -> apply handler
SHARED_PARTS: dict[str, SharedPart] = {}  # view key -> the same for every viewer
VIEWER_PARTS: dict[str, ViewerPart] = {}  # view key -> depends on who looks
FACILITATOR_PARTS: dict[str, ViewerPart] = {}  # view key -> only in a facilitator's view

F = TypeVar("F", bound=Callable[..., Any])


def _register(table: dict[str, F], kind: str, name: str) -> Callable[[F], F]:
    def reg(fn: F) -> F:
        if name in table:
            raise RuntimeError(f"two {kind} for {name!r}")
        table[name] = fn
        return fn

    return reg


def handles(name: str) -> Callable[[Handler], Handler]:
    """Register the decide handler of command `name`."""
    return _register(HANDLERS, "decide handlers", name)


def applies(name: str) -> Callable[[Applier], Applier]:
    """Register the apply handler of event type `name`."""
    return _register(APPLIERS, "apply handlers", name)


def shared_part(key: str) -> Callable[[SharedPart], SharedPart]:
    """Register the view's `key` that every participant (and the projector) sees alike."""
    return _register(SHARED_PARTS, "view parts", key)


def viewer_part(key: str) -> Callable[[ViewerPart], ViewerPart]:
    """Register the view's `key` that depends on the viewer (None: the projector)."""
    return _register(VIEWER_PARTS, "view parts", key)


def facilitator_part(key: str) -> Callable[[ViewerPart], ViewerPart]:
    """Register the view's `key` that only facilitators get."""
    return _register(FACILITATOR_PARTS, "view parts", key)
