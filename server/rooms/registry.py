"""The tables that tie the tools to the engine: one decide handler per command, one apply handler
per event type, what each event type touches in the view, and the parts of the view each tool
contributes (whole, and one item at a time where a part is a collection).

A tool module registers at import with the decorators below; `server/rooms/__init__.py` imports
every tool module and then seals the engine (server/rooms/engine.py `seal`). Dispatch is one dict
lookup per command and per event, as it always was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from ..methods import Method
from .commands import Draft
from .events import Event
from .state import RoomState

Handler = Callable[[RoomState, dict[str, Any], str, int, Mapping[str, Method]], Draft]
Applier = Callable[[RoomState, Event, dict[str, Any]], None]
SharedPart = Callable[[RoomState], Any]
ViewerPart = Callable[[RoomState, str | None], Any]
# What an event touches in the view, asked before it is applied: view paths (server/rooms/delta.py).
Toucher = Callable[[RoomState, Event], Iterable[str]]
# One item of a collection in the view, as `viewer` sees it; ABSENT when it is not there (for them).
ItemPart = Callable[[RoomState, str | None, str], Any]
# The viewers (pids; None for the projector) for whom one item may look different from how everyone
# else sees it (a card's author sees its hint flag): the rest share one rendering (`item_part`).
Differs = Callable[[RoomState, str], Iterable[str | None]]
# A path that stands for several small set operations (e.g. each phase's progress in `method`).
Expansion = Callable[[RoomState], list[tuple[str, Any]]]
ABSENT: Any = object()

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
ITEM_PARTS: dict[str, ItemPart] = {}  # collection path ("cards", "mindmap/nodes") -> one item
ITEM_DIFFERS: dict[str, Differs] = {}  # collection path -> who may see an item differently
EXPANSIONS: dict[str, Expansion] = {}  # pseudo path -> the set operations it stands for
# Apply handler -> what its events touch (`touches`); `seal` turns it into TOUCHES by event type.
TOUCHERS: dict[Applier, Toucher] = {}
TOUCHES: dict[str, Toucher] = {}  # event type -> what it touches

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


def touches(*paths: str | Toucher) -> Callable[[Applier], Applier]:
    """Declare what the events of an apply handler touch in the view (above its `@applies`): view
    paths such as `"cards/{id}"` (formatted with the event's data and `actor`), whole small
    sections (`"timer"`), or functions `(state, event) -> paths`, asked before the event is
    applied (a removal's subtree). `seal` refuses an event type without a declaration.
    Paths: a view key; a collection's item (`cards/<id>`, `mindmap/nodes/<id>`, an `item_part`);
    a field inside a section (`mindmap/root`); `facilitator/<pid>` (that person's facilitator
    sections, added or removed: a role change); or an `expands` pseudo path."""

    def fixed(s: RoomState, e: Event, tpl: str) -> str:
        return tpl.format(**e.data, actor=e.actor) if "{" in tpl else tpl

    def toucher(s: RoomState, e: Event) -> list[str]:
        out: list[str] = []
        for p in paths:
            if isinstance(p, str):
                out.append(fixed(s, e, p))
            else:
                out.extend(p(s, e))
        return out

    def reg(fn: Applier) -> Applier:
        if fn in TOUCHERS:
            raise RuntimeError(f"two touches declarations for {fn.__name__}")
        TOUCHERS[fn] = toucher
        return fn

    return reg


def item_part(collection: str, differs: Differs | None = None) -> Callable[[ItemPart], ItemPart]:
    """Register how one item of a view collection (`"cards"`, `"mindmap/nodes"`) is rendered: the
    same value the whole part has under that id, or ABSENT.

    `differs(state, key)`, where it is known, names the viewers who may see the item otherwise than
    everyone else does (nobody: the item looks the same to all who have it). A patch then renders
    the item once for all the others instead of once per viewer (server/rooms/delta.py
    `group_key`). Leave it out when the item depends on the viewer in other ways."""
    if differs is not None:
        ITEM_DIFFERS[collection] = differs
    return _register(ITEM_PARTS, "item parts", collection)


def expands(path: str) -> Callable[[Expansion], Expansion]:
    """Register a pseudo path that stands for several set operations."""
    return _register(EXPANSIONS, "expansions", path)
