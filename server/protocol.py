"""Wire protocol v1: every message shape, and the only place client JSON is parsed and validated.

See docs/protocol.md. Names here are a contract shared with clients and checks outside this repo.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

# Message types (field "t").
HELLO: Final = "hello"
CMD: Final = "cmd"
PING: Final = "ping"
WELCOME: Final = "welcome"
EVENT: Final = "event"
ACK: Final = "ack"
ERROR: Final = "error"
PRESENCE: Final = "presence"
PONG: Final = "pong"
VIEW: Final = "view"  # extension: the full per-viewer state, sent to clients that ask with "view": true
PATCH: Final = "patch"  # extension: what changed in the view, to clients that ask with "patches": true
KEYS: Final = "keys"  # extension: a facilitator's new join key (and projector key) after a rotation
TYPING: Final = "typing"  # extension: who is writing where (server/typing.py), never stored

# Error codes.
BAD_MESSAGE: Final = "bad_message"
UNKNOWN_COMMAND: Final = "unknown_command"
INVALID: Final = "invalid"
FORBIDDEN: Final = "forbidden"
NOT_FOUND: Final = "not_found"
CONFLICT: Final = "conflict"
PHASE_CLOSED: Final = "phase_closed"
TOO_LARGE: Final = "too_large"
RATE_LIMITED: Final = "rate_limited"
UNAVAILABLE: Final = "unavailable"

# Close codes.
CLOSE_NORMAL: Final = 1000
CLOSE_GOING_AWAY: Final = 1001
CLOSE_RESTART: Final = 1012  # the server is draining (SIGTERM): reconnect, to another worker or later
CLOSE_TOO_BIG: Final = 1009
CLOSE_BAD_KEY: Final = 4001
CLOSE_REMOVED: Final = 4003
CLOSE_SLOW: Final = 4008
CLOSE_IDLE: Final = 4009
CLOSE_ERASED: Final = 4010
CLOSE_RATE: Final = 4029

MAX_FRAME: Final = 64 * 1024
MAX_DEPTH: Final = 8
_CMD_ID_MAX: Final = 64


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, cmd_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.cmd_id = cmd_id


@dataclass(frozen=True)
class Hello:
    key: str
    name: str | None
    token: str | None
    epoch: str | None
    since: int | None
    view: bool
    lang: str | None
    projector: bool = False
    patches: bool = False  # extension: `patch` deltas instead of events and views (with `view` only)


@dataclass(frozen=True)
class Cmd:
    id: str
    type: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Ping:
    c: Any


@dataclass(frozen=True)
class Typing:
    """Extension: this person is writing (`on`) in `tool`, at `field`, or stopped. Never the text."""

    tool: str
    field: str
    on: bool


# The board areas a typing frame may name (docs/protocol.md, "Typing presence").
TYPING_TOOLS: Final = frozenset(
    {"case", "cards", "mindmap", "forcefield", "plan", "notes", "evaluation", "followup", "vote", "outcomes"}
)
_TYPING_KEYS: Final = frozenset({"t", "tool", "field", "on"})
TYPING_FIELD_MAX: Final = 64
_FIELD_RE: Final = re.compile(rf"[A-Za-z0-9_.:-]{{1,{TYPING_FIELD_MAX}}}")

Message = Hello | Cmd | Ping | Typing


def _depth(v: Any, d: int = 0) -> int:
    if d > MAX_DEPTH:
        return d
    if isinstance(v, dict):
        return max([_depth(x, d + 1) for x in v.values()], default=d + 1)
    if isinstance(v, list):
        return max([_depth(x, d + 1) for x in v], default=d + 1)
    return d


def _opt_str(m: dict[str, Any], key: str, limit: int) -> str | None:
    v = m.get(key)
    if v is None:
        return None
    if not isinstance(v, str) or len(v) > limit:
        raise ProtocolError(BAD_MESSAGE, f"'{key}' must be a string of at most {limit} characters")
    return v


def parse(raw: str | bytes) -> Message:
    """Parse one client frame. Raises ProtocolError with a clear message for anything malformed."""
    if isinstance(raw, bytes):
        raise ProtocolError(BAD_MESSAGE, "frames must be JSON text, not binary")
    if len(raw) > MAX_FRAME:
        raise ProtocolError(TOO_LARGE, f"a frame may be at most {MAX_FRAME} bytes")
    try:
        m = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolError(BAD_MESSAGE, "the frame is not valid JSON") from None
    if not isinstance(m, dict):
        raise ProtocolError(BAD_MESSAGE, "a frame must be a JSON object")
    if raw.count("{") + raw.count("[") > MAX_DEPTH and _depth(m) > MAX_DEPTH:
        raise ProtocolError(BAD_MESSAGE, "the frame is nested too deeply")
    t = m.get("t")
    cmd_id = m.get("id") if isinstance(m.get("id"), str) and len(m["id"]) <= _CMD_ID_MAX else None
    if t == CMD:
        if not isinstance(m.get("id"), str) or not 1 <= len(m["id"]) <= _CMD_ID_MAX:
            raise ProtocolError(BAD_MESSAGE, f"a command needs an 'id' string of 1-{_CMD_ID_MAX} characters")
        ctype = m.get("type")
        if not isinstance(ctype, str) or not ctype:
            raise ProtocolError(BAD_MESSAGE, "a command needs a 'type' string", cmd_id)
        args = m.get("args", {})
        if not isinstance(args, dict):
            raise ProtocolError(INVALID, "'args' must be an object", cmd_id)
        return Cmd(id=m["id"], type=ctype, args=args)
    if t == PING:
        c = m.get("c")
        if c is not None and not isinstance(c, int | float | str):
            raise ProtocolError(BAD_MESSAGE, "'c' must be a number")
        return Ping(c=c)
    if t == HELLO:
        key = m.get("key")
        if not isinstance(key, str) or not 1 <= len(key) <= 200:
            raise ProtocolError(BAD_MESSAGE, "hello needs a 'key' string")
        since = m.get("since")
        if since is not None and (not isinstance(since, int) or isinstance(since, bool) or since < 0):
            raise ProtocolError(BAD_MESSAGE, "'since' must be a non-negative integer")
        view = m.get("view", False)
        projector = m.get("projector", False)
        patches = m.get("patches", False)
        if not isinstance(view, bool) or not isinstance(projector, bool) or not isinstance(patches, bool):
            raise ProtocolError(BAD_MESSAGE, "'view', 'projector' and 'patches' must be true or false")
        return Hello(
            key=key,
            name=_opt_str(m, "name", 200),
            token=_opt_str(m, "token", 1000),
            epoch=_opt_str(m, "epoch", 100),
            since=since,
            view=view,
            lang=_opt_str(m, "lang", 5),
            projector=projector,
            patches=patches and view,
        )
    if t == TYPING:
        return _typing(m)
    if not isinstance(t, str):
        raise ProtocolError(BAD_MESSAGE, "a frame needs a 't' field naming its type")
    raise ProtocolError(UNKNOWN_COMMAND, f"unknown message type '{t[:40]}'", cmd_id)


def _typing(m: dict[str, Any]) -> Typing:
    """A typing frame carries exactly `t`, `tool`, `field` and `on`: nothing else, so no text."""
    if set(m) - _TYPING_KEYS:
        raise ProtocolError(BAD_MESSAGE, "a typing frame has only 'tool', 'field' and 'on'")
    tool, field, on = m.get("tool"), m.get("field", ""), m.get("on", True)
    if tool not in TYPING_TOOLS:
        raise ProtocolError(BAD_MESSAGE, "'tool' must name a board area")
    if not isinstance(field, str) or (field and not _FIELD_RE.fullmatch(field)):
        raise ProtocolError(
            BAD_MESSAGE, f"'field' must be at most {TYPING_FIELD_MAX} letters, digits or _.:-"
        )
    if not isinstance(on, bool):
        raise ProtocolError(BAD_MESSAGE, "'on' must be true or false")
    return Typing(tool=str(tool), field=field, on=on)


# One encoder for every frame: `json.dumps` with arguments builds a new JSONEncoder per call, which
# cost a third of a small frame's encoding (a patch op, an ack).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(msg: dict[str, Any] | list[Any]) -> str:
    return _ENCODER.encode(msg)


_str = json.encoder.encode_basestring  # how `dumps` writes a string (ensure_ascii=False)


def event_text(seq: int, type_: str, actor: str | None, at: int, data_json: str) -> str:
    """`dumps` of an event's wire form, {"t":"event","seq","type","actor","at","data"}, around its
    ready-made data JSON: the same text, without encoding the data a second time."""
    a = "null" if actor is None else _str(actor)
    return f'{{"t":"event","seq":{seq:d},"type":{_str(type_)},"actor":{a},"at":{at:d},"data":{data_json}}}'


def error(
    code: str, message: str, cmd_id: str | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    frame = {"t": ERROR, "id": cmd_id, "code": code, "message": message}
    if extra:
        frame.update({k: v for k, v in extra.items() if k not in frame})
    return frame


def ack(cmd_id: str, seq: int) -> dict[str, Any]:
    return {"t": ACK, "id": cmd_id, "seq": seq}


def pong(c: Any, server_ms: int) -> dict[str, Any]:
    return {"t": PONG, "c": c, "s": server_ms}


def presence(online: list[dict[str, Any]], screens: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """`online`: the participants connected now; `screens` (extension): the projectors, as
    `{"kind": "projector", "name": "beamer"}` each."""
    return {"t": PRESENCE, "online": online, "screens": screens or []}


def typing(writing: list[dict[str, str]], counts: dict[str, int]) -> dict[str, Any]:
    """Extension: who is writing now. `writing`: `{"pid", "tool", "field"}` where the board is
    shared; `counts`: per tool, how many write where only a count may be told (a private phase,
    notes, the evaluation). Never the text."""
    return {"t": TYPING, "writing": writing, "counts": counts}
