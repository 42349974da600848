"""A knowledge input beside the case ("theorie bij de casus": weerstand, conflicthantering, de
kletsklas …): a short text with an optional link that the facilitator attaches to the meeting. It
is shown beside the case on every screen and the projector, and in the report. A link is kept as
text: the server never fetches it, and the browser shows it as a link to open in a new tab without
a referrer, or to copy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .commands import Draft, _arg_text, _Bad, _only_keys
from .events import Event
from .limits import MAX_NAME, MAX_TEXT
from .permissions import _need_fac
from .registry import applies, handles, shared_part, touches
from .state import RoomState

MAX_LINK = 500
MAX_KNOWLEDGE_TITLE = 2 * MAX_NAME  # a topic: "Weerstand", "Conflicthantering"


def _link(a: dict[str, Any]) -> str:
    """An optional http(s) link of at most MAX_LINK characters; "" for none."""
    v = a.get("link", "")
    if not isinstance(v, str):
        raise _Bad("invalid", "'link' must be a string")
    v = v.strip()
    if not v:
        return ""
    if len(v) > MAX_LINK or any(c.isspace() for c in v):
        raise _Bad("invalid", f"'link' must be one web address of at most {MAX_LINK} characters")
    parts = urlsplit(v)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Bad("invalid", "'link' must start with http:// or https://")
    return v


@handles("knowledge.set")
def _knowledge_set(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{title, text, link?}` sets the input (the facilitator); `{}` with an empty text clears it."""
    _only_keys(a, "title", "text", "link")
    _need_fac(s, actor)
    text = _arg_text(a, "text", MAX_TEXT, empty_ok=True)
    title = _arg_text(a, "title", MAX_KNOWLEDGE_TITLE, empty_ok=True) if "title" in a else ""
    link = _link(a)
    if not text and (title or link):
        raise _Bad("invalid", "a knowledge input needs a text")
    return Draft("knowledge.set", {"title": title, "text": text, "link": link})


@touches("knowledge")
@applies("knowledge.set")
def _a_knowledge_set(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.knowledge = (
        {"title": d["title"], "text": d["text"], "link": d["link"], "at": e.at} if d["text"] else None
    )


@shared_part("knowledge")
def _knowledge_view(s: RoomState) -> dict[str, Any] | None:
    return dict(s.knowledge) if s.knowledge else None
