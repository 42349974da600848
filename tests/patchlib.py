"""Applying view deltas (`patch` frames, server/rooms/delta.py) in the tests: the same rules as the
browser's applier (client/static/js/core/patch.js), in Python. A new object for every object on the
path to a change, the rest shared, as the browser does with its frozen views."""

from __future__ import annotations

from typing import Any


def apply_ops(view: dict[str, Any], ops: list[dict[str, Any]], seq: int | None = None) -> dict[str, Any]:
    """`view` with `ops` applied in order (and its `seq` set), as a new object; `view` is unchanged."""
    out = dict(view)
    for op in ops:
        keys = op["path"].split("/")
        out = _apply(out, keys, op)
    if seq is not None:
        out["seq"] = seq
    return out


def _apply(node: Any, keys: list[str], op: dict[str, Any]) -> Any:
    key, rest = keys[0], keys[1:]
    if isinstance(node, list):
        i = int(key)
        copy: Any = list(node)
        if rest:
            copy[i] = _apply(node[i], rest, op)
        elif op["op"] == "set":
            copy[i] = op["value"]
        else:
            raise ValueError(f"no delete in a list: {op['path']}")
        return copy
    copy = dict(node) if isinstance(node, dict) else {}
    if rest:
        copy[key] = _apply(copy.get(key, {}), rest, op)
    elif op["op"] == "set":
        copy[key] = op["value"]
    else:
        copy.pop(key, None)
    return copy


def apply_patch(view: dict[str, Any], frame: dict[str, Any]) -> dict[str, Any]:
    """A `{"t": "patch", "seq", "ops"}` frame applied to `view`."""
    assert frame["t"] == "patch", frame
    return apply_ops(view, frame["ops"], frame["seq"])


def followed_view(msgs: list[dict[str, Any]]) -> dict[str, Any]:
    """The view a client that takes patches holds after `msgs` (everything it received, in order):
    the welcome's state, replaced by any whole `view`, with every `patch` applied."""
    held: dict[str, Any] | None = None
    for m in msgs:
        if m["t"] == "welcome":
            held = m["state"]
        elif m["t"] == "view":
            held = m["state"]
        elif m["t"] == "patch":
            assert held is not None, "a patch before the welcome"
            held = apply_patch(held, m)
    assert held is not None, "no welcome"
    return held
