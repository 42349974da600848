"""The short join code: a few characters a facilitator shows on screen (beside the QR code) that
stand for the room's join link, so people can join from a phone without copying a long link.

- 7 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 2.7·10¹⁰ codes.
- Valid only while the facilitator shows it: the showing page renews a lease of
  `LEASE_MS` (`POST /r/{room}/code {key, show: true}`), hiding it or leaving the page ends it
  (`show: false`), and never longer than `MAX_MS` after it was made.
- It maps to the room's current join link, so it admits nobody past the lock: whoever comes in
  with it waits like anyone with the link.
- Wrong tries (`POST /api/code {code}`): `WRONG_PER_ADDR` per address and `WRONG_TOTAL` from all
  addresses in a `WINDOW_S` window; past either, the lookup answers 429 until the window moves on.
  The counts are this process's own (like the other throttles, server/security.py).

A code lives in the store as a record of its own (like a group's log: a first event that is not
`room.created`, so the hub never loads it as a room), keyed `jc<CODE>`, with the room's id and
its times in the metadata; the room's metadata names its current code (`join_code`), so a hidden
or replaced code is dead even where its record could not be deleted.
"""

from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .auth import key_matches
from .httpguard import read_json
from .rooms import Event
from .store.base import Unavailable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 7
LEASE_MS = 10 * 60_000  # renewed by the showing page every few minutes
MAX_MS = 3 * 3600_000  # a few hours at most
WRONG_PER_ADDR = 5
WRONG_TOTAL = 50
WINDOW_S = 15 * 60
PREFIX = "jc"
BODY = 1024  # {key, show} or {code}
CODE_RE = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a person typed: case, spaces and dashes do not matter."""
    return re.sub(r"[\s-]", "", text).upper()


class WrongTries:
    """Wrong codes per address and in total, in a sliding window."""

    def __init__(
        self, per_addr: int = WRONG_PER_ADDR, total: int = WRONG_TOTAL, max_tracked: int = 10_000
    ) -> None:
        self.per_addr = per_addr
        self.total = total
        self.max_tracked = max_tracked
        self._addr: OrderedDict[str, list[float]] = OrderedDict()
        self._all: list[float] = []

    @staticmethod
    def _fresh(times: list[float]) -> list[float]:
        now = time.monotonic()
        return [t for t in times if now - t < WINDOW_S]

    def blocked(self, addr: str) -> bool:
        self._all = self._fresh(self._all)
        return len(self._all) >= self.total or len(self._fresh(self._addr.get(addr, []))) >= self.per_addr

    def failed(self, addr: str) -> None:
        now = time.monotonic()
        self._all.append(now)
        self._addr[addr] = [*self._fresh(self._addr.get(addr, [])), now]
        self._addr.move_to_end(addr)
        while len(self._addr) > self.max_tracked:
            self._addr.popitem(last=False)


def _error(code: str, message: str, status: int) -> Response:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def _unavailable() -> Response:
    return _error("unavailable", "the store is unavailable", 503)


async def api_show_code(request: Request) -> Response:
    """POST /r/{room}/code {key, show}: the facilitator shows the code (made, or its lease
    renewed: `{code, until}`) or hides it (`{}`). Only the current facilitator key; 404 otherwise."""
    data = await read_json(request, BODY)
    if isinstance(data, Response):
        return data
    key, show = data.get("key"), data.get("show", True)
    room = request.path_params["room"]
    hub = request.app.state.hub
    denied = _error("not_found", "no such room, or no access", 404)
    if not isinstance(key, str) or not isinstance(show, bool):
        return denied
    store = hub.store
    try:
        meta = await store.meta(room)
        if meta is None or not key_matches(key, meta.get("facilitator_hash")) or not meta.get("join_key"):
            return denied
        now = hub.clock()
        code = meta.get("join_code", "")
        record = await store.meta(PREFIX + code) if code else None
        alive = record is not None and record.get("room") == room and now < _deadline(record)
        if not show:
            if code:
                await store.set_meta(room, {"join_code": ""})
                if record is not None:
                    await store.delete_room(PREFIX + code)
            return JSONResponse({}, headers={"Cache-Control": "no-store"})
        if alive and record is not None:
            until = min(now + LEASE_MS, int(record["created"]) + MAX_MS)
            await store.set_meta(PREFIX + code, {"until": str(until)})
        else:
            code, until = await _make(store, room, now)
    except Unavailable:
        return _unavailable()
    return JSONResponse({"code": code, "until": until}, headers={"Cache-Control": "no-store"})


def _deadline(record: dict[str, str]) -> int:
    return min(int(record.get("until", "0")), int(record.get("created", "0")) + MAX_MS)


async def _make(store: Any, room: str, now: int) -> tuple[str, int]:
    for _ in range(8):
        code = new_code()
        if await store.meta(PREFIX + code) is None:
            break
    else:  # pragma: no cover - 8 collisions in 2.7e10 codes
        raise Unavailable("no free join code")
    until = now + LEASE_MS
    first = Event(seq=1, type="joincode.created", actor=None, at=now, data={})
    meta = {"kind": "joincode", "room": room, "created": str(now), "until": str(until)}
    await store.create_room(PREFIX + code, meta, first)
    await store.set_meta(room, {"join_code": code})
    return code, until


async def api_use_code(request: Request) -> Response:
    """POST /api/code {code}: the room and its current join key for a code being shown, or 404
    (a wrong, hidden or expired code alike); 429 once this address or everyone tried too many
    wrong codes. The key is the join link's: a locked room still makes the person wait."""
    data = await read_json(request, BODY)
    if isinstance(data, Response):
        return data
    guard: WrongTries = request.app.state.code_tries
    addr = request.client.host if request.client else ""
    if guard.blocked(addr):
        return _error("rate_limited", "too many wrong codes; ask for the link or scan the QR code", 429)
    raw = data.get("code")
    code = normalise(raw) if isinstance(raw, str) else ""
    hub = request.app.state.hub
    wrong = _error("not_found", "no meeting shows this code now", 404)
    if not CODE_RE.match(code):
        guard.failed(addr)
        return wrong
    try:
        record = await hub.store.meta(PREFIX + code)
        room = record.get("room", "") if record else ""
        meta = await hub.store.meta(room) if room else None
    except Unavailable:
        return _unavailable()
    if (
        record is None
        or record.get("kind") != "joincode"
        or hub.clock() >= _deadline(record)
        or meta is None
        or meta.get("join_code") != code
        or not meta.get("join_key")
    ):
        guard.failed(addr)
        return wrong
    return JSONResponse({"room": room, "key": meta["join_key"]}, headers={"Cache-Control": "no-store"})
