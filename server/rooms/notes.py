"""Personal notes: private to their author until the facilitator reveals them; silent listeners
may always write them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .commands import (
    Draft,
    _arg_id,
    _arg_text,
    _Bad,
    _only_keys,
    aliases_changed,
    authors_in,
    has_aliases,
    item_key,
    item_paths,
    only,
    public_fields,
    scoped_record,
    scoped_view,
)
from .events import Event
from .limits import MAX_CARD, MAX_NOTES, check_share
from .permissions import _need_fac, may_note
from .registry import ABSENT, applies, facilitator_part, handles, item_part, touches, viewer_part
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


# Whose notes a reveal shows: everyone's, or one group's (the listeners' apart from the inbrenger's).
NOTE_AUTHORS = ("all", "listeners", "inbrenger", "others")


def group_of_roles(roles: Collection[str]) -> str:
    """The group a note's writer belongs to by their roles: `inbrenger`, `listeners`, or `others`
    (the reveal per group here, the report's headings in server/report.py)."""
    if "inbrenger" in roles:
        return "inbrenger"
    return "listeners" if "listener" in roles else "others"


def note_group(s: RoomState, author: str) -> str:
    """The group a note's author writes in now."""
    return group_of_roles(s.roles(author))


def note_visible(note: Mapping[str, Any], viewer: str | None) -> bool:
    return bool(note["revealed"]) or note["author"] == viewer


def _key(s: RoomState, actor: str | None, nid: str) -> str:
    return item_key(s.notes, actor, nid, note_visible)


def _own_note(s: RoomState, actor: str, nid: str) -> dict[str, Any]:
    n = s.notes.get(_key(s, actor, nid))
    if n is None or n["author"] != actor:
        # Another person's note is indistinguishable from a missing one.
        raise _Bad("not_found", "no such note")
    return n


@handles("note.add")
def _note_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    nid = _arg_id(a)
    key = _key(s, actor, nid)  # someone else's hidden note's id is answered as a free one
    text = _arg_text(a, "text", MAX_CARD)
    if not may_note(s, actor):
        raise _Bad("phase_closed", "notes are not open to you in this phase")
    if key in s.notes:
        raise _Bad("conflict", "a note with this id exists")
    if len(s.notes) >= MAX_NOTES:
        raise _Bad("too_large", f"a room holds at most {MAX_NOTES} notes")
    check_share(actor, s.is_fac(actor), s.notes.values(), MAX_NOTES, "notes")
    return Draft("note.add", {"id": nid, "text": text, "phase": s.current.id}, audience=only(actor))


@handles("note.edit")
def _note_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    nid = _arg_id(a)
    text = _arg_text(a, "text", MAX_CARD)
    n = _own_note(s, actor, nid)
    data = {"id": _key(s, actor, nid) if n["revealed"] else nid, "text": text}
    return Draft("note.edit", data, audience=None if n["revealed"] else only(actor))


@handles("note.remove")
def _note_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    nid = _arg_id(a)
    n = _own_note(s, actor, nid)
    data = {"id": _key(s, actor, nid) if n["revealed"] else nid}
    return Draft("note.remove", data, audience=None if n["revealed"] else only(actor))


@handles("notes.reveal")
def _notes_reveal(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "authors")
    _need_fac(s, actor)
    authors = a.get("authors", "all")
    if authors not in NOTE_AUTHORS:
        raise _Bad("invalid", f"'authors' must be one of {', '.join(NOTE_AUTHORS)}")
    hidden = {
        nid: {"author": n["author"], "text": n["text"], "phase": n["phase"]}
        for nid, n in s.notes.items()
        if not n["revealed"] and (authors == "all" or note_group(s, n["author"]) == authors)
    }
    if not hidden:
        raise _Bad("invalid", "there are no such notes to reveal")
    return Draft("notes.revealed", {"notes": hidden})


# --- apply ----------------------------------------------------------------------------------------


def _aliased(s: RoomState) -> bool:
    """A note kept under a key of its own (commands.py, "ids of private items"): patches send the
    whole part, as its author's id for it can flip."""
    return has_aliases(s, "notes")


def _note_paths(s: RoomState, e: Event) -> list[str]:
    return item_paths(s, "notes", "notes", _key(s, e.actor, e.data["id"]), e.data["id"])


def _revealed_notes(s: RoomState, e: Event) -> list[str]:
    return ["notes"] if _aliased(s) else [f"notes/{nid}" for nid in e.data["notes"]]


@touches(_note_paths, "notes_hidden", "notes_hidden_by")
@applies("note.add")
def _a_note_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    key = _key(s, e.actor, d["id"])
    record = {"author": e.actor, "text": d["text"], "phase": d["phase"], "revealed": False}
    s.notes[key] = scoped_record(key, d["id"], record)
    aliases_changed(s, "notes", record, True)


@touches(_note_paths)
@applies("note.edit")
def _a_note_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.notes[_key(s, e.actor, d["id"])]["text"] = d["text"]


@touches(_note_paths, "notes_hidden", "notes_hidden_by")
@applies("note.remove")
def _a_note_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    aliases_changed(s, "notes", s.notes.pop(_key(s, e.actor, d["id"]), None), False)


@touches(_revealed_notes, "notes_hidden", "notes_hidden_by")
@applies("notes.revealed")
def _a_notes_revealed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for nid in d["notes"]:
        if nid in s.notes:
            s.notes[nid]["revealed"] = True


# --- view -----------------------------------------------------------------------------------------


@viewer_part("notes")
def _notes_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return scoped_view(s.notes, viewer, note_visible, public_fields)


@item_part("notes", differs=authors_in("notes"))  # hidden from all but its author until revealed
def _note_item(s: RoomState, viewer: str | None, nid: str) -> Any:
    n = s.notes.get(nid)
    return dict(n) if n is not None and note_visible(n, viewer) else ABSENT


@facilitator_part("notes_hidden")
def _notes_hidden_view(s: RoomState, viewer: str | None) -> int:
    """How many notes are not revealed yet: a count for the reveal button, never content or authors."""
    return sum(1 for n in s.notes.values() if not n["revealed"])


@facilitator_part("notes_hidden_by")
def _notes_hidden_by_view(s: RoomState, viewer: str | None) -> dict[str, int]:
    """The same count per author group (`inbrenger`, `listeners`, `others`), for a reveal per group."""
    out: dict[str, int] = {}
    for n in s.notes.values():
        if not n["revealed"]:
            g = note_group(s, n["author"])
            out[g] = out.get(g, 0) + 1
    return out
