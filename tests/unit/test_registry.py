"""The engine's registry against itself, the apply handlers and docs/protocol.md: every command has a
decide handler and a row in the protocol, and every event a decide handler can emit has an apply
handler."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from engine_harness import basic_room

from server.rooms import CLIENT_COMMANDS, SERVER_COMMANDS, view
from server.rooms.engine import FACILITATOR_KEYS, SHARED_KEYS, VIEWER_KEYS
from server.rooms.registry import APPLIERS, HANDLERS, TOUCHERS, TOUCHES

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "server" / "rooms"


def _protocol_commands() -> set[str]:
    """Every command named in the first column of a table in the protocol's "Commands" section
    (one row may list several: `phase.next` · `phase.prev` · `phase.goto`)."""
    text = (REPO / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = text.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([a-z]+\.[a-z]+)`", first_cell))
    return names


def _emitted_event_types() -> dict[str, list[str]]:
    """The event types of every `Draft(...)` in the package, with where each is made. A Draft whose
    type is not a string literal would hide from this scan, so it fails the test instead."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Draft"
            ):
                continue
            where = f"{path.name}:{node.lineno}"
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                f"{where}: a Draft's event type must be a string literal"
            )
            found.setdefault(first.value, []).append(where)
    return found


def test_client_commands_are_the_registered_ones_the_server_does_not_keep_to_itself() -> None:
    assert frozenset(HANDLERS) - SERVER_COMMANDS == CLIENT_COMMANDS
    assert not CLIENT_COMMANDS & SERVER_COMMANDS


def test_every_command_has_a_decide_handler() -> None:
    missing = sorted((CLIENT_COMMANDS | SERVER_COMMANDS) - HANDLERS.keys())
    assert not missing, f"commands without a decide handler: {missing}"


def test_every_command_has_a_row_in_the_protocol() -> None:
    documented = _protocol_commands()
    commands = CLIENT_COMMANDS | SERVER_COMMANDS
    assert not sorted(commands - documented), f"not in docs/protocol.md: {sorted(commands - documented)}"
    assert not sorted(documented - commands), f"documented, unknown: {sorted(documented - commands)}"


def test_every_event_decide_can_emit_has_an_apply_handler() -> None:
    emitted = _emitted_event_types()
    assert {
        "participant.join",
        "role.assign",
        "card.add",
        "phase.changed",
    } <= emitted.keys()  # the scan works
    missing = {t: where for t, where in emitted.items() if t not in APPLIERS}
    assert not missing, f"event types without an apply handler: {missing}"


def test_the_view_has_its_keys_in_their_order() -> None:
    r = basic_room()
    fac, member = view(r.state, "F"), view(r.state, "A")
    assert list(member) == [*SHARED_KEYS, *VIEWER_KEYS]
    assert list(fac) == [*SHARED_KEYS, *VIEWER_KEYS, *FACILITATOR_KEYS]
    assert list(view(r.state, "A", public=True)) == [*SHARED_KEYS, *VIEWER_KEYS]


def test_every_apply_handler_declares_what_it_touches() -> None:
    """The view deltas (server/rooms/delta.py) come from these declarations: an event type without
    one would change views that no delta tells of (`seal` refuses it too)."""
    untouched = sorted(t for t, fn in APPLIERS.items() if fn not in TOUCHERS)
    assert not untouched, f"apply handlers without @touches: {untouched}"
    assert set(TOUCHES) == set(APPLIERS)
