"""View deltas: what changed in each viewer's view after a batch of events, from what the events
touched (their `@touches` declarations, server/rooms/registry.py), never from diffing whole views.

A batch's touched paths (`Touched`) are rendered from the state after the batch: a path that now
has a value is a `set`, one that has none (for this viewer) a `del`. The shared paths (the parts
every participant and the projector see alike) are rendered once per batch (`shared_ops`); the
paths into a viewer's own parts once per viewer (`viewer_ops`), under the same audience rules as
the full view: an item of a private part (a card, a note, a count of someone) is only rendered for
the people an event that touched it was meant for, so nobody learns from a delta that someone
else's hidden item exists, changed or went; a reveal touches the revealed items for everyone and
so adds them. Applying the ops in order to the view as it was gives the view as it is
(tests/unit/test_deltas.py; the appliers: tests/patchlib.py, client/static/js/core/patch.js).

Ops: `{"op": "set", "path": "cards/q1", "value": {...}}` and `{"op": "del", "path": "cards/q1"}`.
A path is a view key and keys (or list indexes) below it, joined by `/` (ids never hold one).
Pure: no I/O; the transport (server/patches.py) serialises and sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .engine import FACILITATOR_KEYS
from .events import Audience, Event
from .registry import (
    ABSENT,
    EXPANSIONS,
    FACILITATOR_PARTS,
    ITEM_DIFFERS,
    ITEM_PARTS,
    SHARED_PARTS,
    TOUCHES,
    VIEWER_PARTS,
)
from .state import RoomState

Op = dict[str, Any]
FACILITATOR = "facilitator"  # `facilitator/<pid>`: that person's facilitator sections, as a whole


class Touched:
    """The view paths a batch of events touched, each with who may learn that it changed: None
    (everyone) if any event that touched it was public, else the union of their audiences."""

    __slots__ = ("paths",)

    def __init__(self) -> None:
        self.paths: dict[str, Audience] = {}

    def add(self, s: RoomState, e: Event) -> None:
        """Record what `e` touches; call before `e` is applied to `s`."""
        self.extend(TOUCHES[e.type](s, e), e.audience)

    def extend(self, paths: Iterable[str], audience: Audience) -> None:
        have = self.paths
        for p in paths:
            if p not in have:
                have[p] = audience
            else:
                prev = have[p]
                have[p] = None if prev is None or audience is None else prev | audience

    def __bool__(self) -> bool:
        return bool(self.paths)

    def split(self) -> tuple[list[str], list[tuple[str, Audience]]]:
        """The touched paths into shared parts, and those into viewers' own parts (with their
        audiences). A path inside a section that is touched whole is left out."""
        whole = {p for p in self.paths if "/" not in p}
        shared: list[str] = []
        personal: list[tuple[str, Audience]] = []
        for p, aud in self.paths.items():
            head, _, rest = p.partition("/")
            if rest and head in whole:
                continue
            if p in EXPANSIONS or head in SHARED_PARTS:
                shared.append(p)
            else:
                personal.append((p, aud))
        return shared, personal


def render(s: RoomState, viewer: str | None, path: str) -> Any:
    """The value at `path` in `viewer`'s view, or ABSENT."""
    head, _, rest = path.partition("/")
    if rest:
        coll, _, key = path.rpartition("/")
        item = ITEM_PARTS.get(coll)
        if item is not None:
            return item(s, viewer, key)
    shared = SHARED_PARTS.get(head)
    if shared is not None:
        value = shared(s)
    else:
        part = VIEWER_PARTS.get(head) or FACILITATOR_PARTS.get(head)
        if part is None:
            raise KeyError(f"no view part for {path!r}")
        value = part(s, viewer)
    for key in rest.split("/") if rest else ():
        if isinstance(value, dict):
            value = value.get(key, ABSENT)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return ABSENT
        if value is ABSENT:
            return ABSENT
    return value


def _op(path: str, value: Any) -> Op:
    return {"op": "del", "path": path} if value is ABSENT else {"op": "set", "path": path, "value": value}


def shared_ops(s: RoomState, paths: list[str]) -> list[Op]:
    """The ops on the shared part: the same for every viewer, built once per batch."""
    out: list[Op] = []
    for p in paths:
        expand = EXPANSIONS.get(p)
        if expand is not None:
            out.extend({"op": "set", "path": q, "value": v} for q, v in expand(s))
        else:
            out.append(_op(p, render(s, None, p)))
    return out


class _Personal:
    """A touched path into viewers' own parts, looked at once per batch (not once per viewer)."""

    __slots__ = ("aud", "differs", "fac_of", "fac_only", "item", "key", "path", "whole")

    def __init__(self, path: str, aud: Audience, s: RoomState | None = None) -> None:
        head, _, rest = path.partition("/")
        self.path = path
        self.aud = aud if rest else None  # whole sections (counts) go to everyone who has them
        self.fac_of = rest if head == FACILITATOR else None
        self.fac_only = head in FACILITATOR_PARTS
        coll, _, self.key = path.rpartition("/")
        self.item = ITEM_PARTS.get(coll) if rest else None
        self.whole = not rest
        # Who may see this item otherwise than everyone else (registry `item_part(differs=)`), or
        # None: each viewer's own.
        differs = ITEM_DIFFERS.get(coll) if rest and s is not None else None
        self.differs = None if differs is None or s is None else frozenset(differs(s, self.key))


def personal_paths(s: RoomState, personal: list[tuple[str, Audience]]) -> list[_Personal]:
    return [_Personal(p, aud, s) for p, aud in personal]


_SKIP, _ALIKE = 0, 1  # in a `viewer_key`: the path gives this viewer no op; the op everyone else gets


def viewer_key(paths: list[_Personal], viewer: str | None, fac: bool) -> tuple[object, ...]:
    """Which ops `viewer_ops` gives `viewer`, as a key: viewers with equal keys get equal ops, so a
    batch renders them once for all of them (server/patches.py). Per path: no op, the op that
    everyone the item does not differ for gets, or the viewer's own (their pid, or None for the
    projector, never equal to the two markers). `fac`: whether `viewer` is a facilitator."""
    out: list[object] = []
    for q in paths:
        if q.fac_of is not None:
            out.append(viewer if viewer is not None and q.fac_of == viewer else _SKIP)
        elif (q.fac_only and not fac) or (q.aud is not None and viewer not in q.aud):
            out.append(_SKIP)
        elif q.differs is not None and viewer not in q.differs:
            out.append(_ALIKE)
        else:
            out.append(viewer)
    return tuple(out)


def apart(s: RoomState, paths: list[_Personal]) -> set[str | None] | None:
    """The viewers whose own ops may differ from everyone else's, or None: anyone's may. Everyone
    else has the same `viewer_key` (no op on a path for facilitators only, on an item of a private
    event, or for another facilitator; the op that all get on an item that differs only for a
    few), so a batch renders the ops of one of them for all of them."""
    out: set[str | None] = set()
    facs = False
    for q in paths:
        if q.fac_of is not None:
            out.add(q.fac_of)
        elif q.fac_only:
            facs = True
        elif q.aud is not None:
            out |= q.aud
        elif q.differs is not None:
            out |= q.differs
        else:
            return None
    if facs:
        out.update(p for p in s.participants if s.is_fac(p))
    return out


ALIKE = object()  # the key of the viewers not `apart`, in place of their `viewer_key`


def group_key(
    s: RoomState, paths: list[_Personal], special: set[str | None] | None, viewer: str | None
) -> object:
    """The group whose own ops `viewer` gets (`special`: `apart(s, paths)`): ALIKE for everyone not
    apart, else their `viewer_key`. The transport and `batch_ops` group viewers by this."""
    if special is not None and viewer not in special:
        return ALIKE
    return viewer_key(paths, viewer, s.is_fac(viewer))


def viewer_ops(
    s: RoomState, personal: list[tuple[str, Audience]] | list[_Personal], viewer: str | None
) -> list[Op]:
    """The ops on `viewer`'s own parts (None: the projector). `personal` as `Touched.split` gives
    it, or once per batch through `personal_paths`."""
    out: list[Op] = []
    fac = s.is_fac(viewer)
    for q in personal:
        if not isinstance(q, _Personal):
            q = _Personal(*q)
        if q.fac_of is not None:
            if viewer is not None and q.fac_of == viewer:
                out.extend(
                    {"op": "set", "path": k, "value": FACILITATOR_PARTS[k](s, viewer)}
                    if fac
                    else {"op": "del", "path": k}
                    for k in FACILITATOR_KEYS
                )
            continue
        if q.fac_only and not fac:
            continue
        aud = q.aud
        if aud is not None and viewer not in aud:
            continue  # an item of someone else's private event: not even that it changed
        value = q.item(s, viewer, q.key) if q.item is not None else render(s, viewer, q.path)
        out.append(_op(q.path, value))
    return out


def ops_for(s: RoomState, touched: Touched, viewer: str | None) -> list[Op]:
    """Every op of one viewer's delta (the transport builds the shared ones once instead)."""
    shared, personal = touched.split()
    return shared_ops(s, shared) + viewer_ops(s, personal, viewer)


def batch_ops(s: RoomState, touched: Touched, viewers: Iterable[str | None]) -> dict[str | None, list[Op]]:
    """Every viewer's delta as the transport makes it: the shared ops once, and each viewer's own
    ops rendered once per `viewer_key` (for the first viewer with that key)."""
    shared, personal = touched.split()
    common = shared_ops(s, shared)
    paths = personal_paths(s, personal)
    special = apart(s, paths)
    made: dict[object, list[Op]] = {}
    out: dict[str | None, list[Op]] = {}
    for v in viewers:
        key = group_key(s, paths, special, v)
        own = made.get(key)
        if own is None:
            own = made[key] = viewer_ops(s, paths, v)
        out[v] = common + own
    return out
