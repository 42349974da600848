"""Commands in, drafts or rejections out, and the argument checks every decide handler uses.

A handler raises `_Bad` for the first thing wrong with a command; `decide` turns it into a
`Rejection` (the `error` frame's code and message).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .limits import MAX_ID

ID_RE = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_ID}}}$")


@dataclass(frozen=True)
class Command:
    type: str
    args: dict[str, Any]
    id: str | None = None


@dataclass(frozen=True)
class Rejection:
    code: str
    message: str
    # Extra fields of the error frame: a stale `base` is answered with the field's current text
    # and version (docs/protocol.md, "Concurrent edits").
    extra: dict[str, Any] | None = None


@dataclass(frozen=True)
class Draft:
    """An event decided but not yet appended (no seq yet)."""

    type: str
    data: dict[str, Any]
    audience: frozenset[str] | None = None  # who may see the event (None: everyone)


def only(pid: str) -> frozenset[str]:
    """The audience of an event that only `pid` may see (its author)."""
    return frozenset((pid,))


def _rej(code: str, message: str) -> Rejection:
    return Rejection(code, message)


class _Bad(Exception):
    def __init__(self, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


def check_base(s: Any, a: Mapping[str, Any], key: str, current: str, text: str) -> None:
    """An edit's optional `base`: the version (the seq of the field's last change, `versions` in the
    view; 0 when never changed) the writer started from. A stale base is a `conflict` carrying the
    field's current text and version, unless the edit would write what is already there."""
    if "base" not in a:
        return
    base = a["base"]
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise _Bad("invalid", "'base' must be a non-negative integer")
    version = int(s.versions.get(key, 0))
    if base != version and text != current:
        raise _Bad(
            "conflict",
            "the field was changed since 'base'",
            {"field": key, "current": current, "version": version},
        )


def _bad_id(key: str = "id") -> _Bad:
    """The refusal of a malformed id."""
    return _Bad("invalid", f"'{key}' must be 1-40 characters of letters, digits, '_' or '-'")


# --- ids of private items, per author ---------------------------------------------------------------
#
# Cards, notes and queued werkvragen carry ids their author's client chose. A hidden item of someone
# else must not be findable by its id: a command naming an id that only someone else's hidden item
# has is answered exactly as for a free id (docs/protocol.md, "Commands"). So ids are scoped per
# author where they must be: such an item of the actor is kept under a key of its own
# (`scoped_key`), derived from the author and the id, and keeps the id it was given as its `alias`.
# Its author's private events carry the alias (exactly the frames of a free id) and its author's
# view shows it under the alias while that id names nothing else they can see; public events and
# everyone else use the key. Deterministic from the state, so `decide` and every replay agree.

Visible = Callable[[Mapping[str, Any], "str | None"], bool]


def scoped_key(author: str, cid: str) -> str:
    """The key of `author`'s item with id `cid` when `cid` names someone else's hidden item."""
    digest = hashlib.blake2b(f"{author}\x00{cid}".encode(), digest_size=15).digest()
    return "p-" + base64.urlsafe_b64encode(digest).decode()  # 22 characters of the id alphabet


def item_key(items: Mapping[str, Mapping[str, Any]], actor: str | None, cid: str, visible: Visible) -> str:
    """The key under which `actor`'s id `cid` names an item (or would name a new one)."""
    if actor is None:
        return cid
    own = scoped_key(actor, cid)
    if own in items:
        return own
    item = items.get(cid)
    if item is None or visible(item, actor):
        return cid
    return own


def scoped_record(key: str, cid: str, record: dict[str, Any]) -> dict[str, Any]:
    """A new item's record: with the id its author gave it when it is kept under another key."""
    if key != cid:
        record["alias"] = cid
    return record


def has_aliases(s: Any, name: str) -> bool:
    """Whether any item of the state's collection `name` is kept under a key of its own (rare). Counted
    once per state, then kept by `aliases_changed` as items come and go, so a batch's deltas need
    not scan every card for it (server/rooms/delta.py runs this for each card event). The count
    lives beside the state's fields (`_aliases`), never in its snapshot."""
    counts: dict[str, int] = s.__dict__.setdefault("_aliases", {})
    if name not in counts:
        counts[name] = sum(1 for it in getattr(s, name).values() if "alias" in it)
    return counts[name] > 0


def item_paths(s: Any, part: str, name: str, key: str, iid: str) -> list[str]:
    """What an event on the item `iid` (kept under `key` in the state's collection `name`) touches
    in the view part `part`: the item, or the whole part while any item of the collection is kept
    under a key of its own (its author's id for it can flip with a change of another item)."""
    return [part] if key != iid or has_aliases(s, name) else [f"{part}/{iid}"]


def aliases_changed(s: Any, name: str, record: Mapping[str, Any] | None, added: bool) -> None:
    """`record` was added to (or removed from) the collection `name`: keep its count of aliases."""
    counts = s.__dict__.get("_aliases")
    if record is not None and counts is not None and name in counts and "alias" in record:
        counts[name] += 1 if added else -1


def authors_in(name: str) -> Callable[[Any, str], tuple[str, ...]]:
    """`item_part(differs=…)` for a collection whose items only their author sees otherwise (a card
    hidden or flagged, a note not revealed): the author of the item under `key`, if any."""

    def differs(s: Any, key: str) -> tuple[str, ...]:
        it = getattr(s, name).get(key)
        return () if it is None else (it["author"],)

    return differs


def public_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """An item's record without its alias (which only its author's view uses)."""
    return {k: v for k, v in record.items() if k != "alias"}


def shown_key(
    items: Mapping[str, Mapping[str, Any]],
    key: str,
    item: Mapping[str, Any],
    viewer: str | None,
    visible: Visible,
) -> str:
    """The id `viewer` sees an item under: its key, or for the viewer's own item kept under a key of
    its own, the id they gave it, while that id names nothing else they can see."""
    alias = item.get("alias")
    if alias is None or viewer is None or item.get("author") != viewer:
        return key
    other = items.get(alias)
    return alias if other is None or not visible(other, viewer) else key


def scoped_view(
    items: Mapping[str, Mapping[str, Any]],
    viewer: str | None,
    visible: Visible,
    render: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """The items `viewer` may see, each under the id they see it by (`shown_key`)."""
    return {
        shown_key(items, k, item, viewer, visible): render(item)
        for k, item in items.items()
        if visible(item, viewer)
    }


def _arg_id(args: Mapping[str, Any], key: str = "id") -> str:
    v = args.get(key)
    if not isinstance(v, str) or not ID_RE.match(v):
        raise _bad_id(key)
    return v


def _arg_text(args: Mapping[str, Any], key: str, limit: int, *, empty_ok: bool = False) -> str:
    v = args.get(key)
    if not isinstance(v, str):
        raise _Bad("invalid", f"'{key}' must be a string")
    v = v.strip()
    if not v and not empty_ok:
        raise _Bad("invalid", f"'{key}' must not be empty")
    if len(v) > limit:
        raise _Bad("too_large", f"'{key}' is {len(v)} characters; the limit is {limit}")
    return v


def _arg_int(args: Mapping[str, Any], key: str, lo: int, hi: int) -> int:
    v = args.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise _Bad("invalid", f"'{key}' must be a whole number from {lo} to {hi}")
    return v


def _arg_bool(args: Mapping[str, Any], key: str, default: bool | None = None) -> bool:
    v = args.get(key, default)
    if not isinstance(v, bool):
        raise _Bad("invalid", f"'{key}' must be true or false")
    return v


def _only_keys(args: Mapping[str, Any], *keys: str) -> None:
    extra = sorted(set(args) - set(keys))
    if extra:
        raise _Bad("invalid", f"unexpected argument '{extra[0]}'")


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"[.!?]+(?:\s+|$)", text) if s.strip()])
