"""Personal notes: private to their author until the facilitator reveals them; silent listeners
may always write them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .commands import Draft, _arg_id, _arg_text, _Bad, _bad_id, _only_keys, only
from .events import Event
from .limits import MAX_CARD, MAX_NOTES, check_share
from .permissions import _need_fac, may_note
from .registry import ABSENT, applies, facilitator_part, handles, item_part, touches, viewer_part
from .state import RoomState

# --- decide ---------------------------------------------------------------------------------------


def note_visible(note: Mapping[str, Any], viewer: str | None) -> bool:
    return bool(note["revealed"]) or note["author"] == viewer


def _own_note(s: RoomState, actor: str, nid: str) -> dict[str, Any]:
    n = s.notes.get(nid)
    if n is None or n["author"] != actor:
        # Another person's note is indistinguishable from a missing one.
        raise _Bad("not_found", "no such note")
    return n


@handles("note.add")
def _note_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    nid = _arg_id(a)
    taken = s.notes.get(nid)
    if taken is not None and not note_visible(taken, actor):
        raise _bad_id()  # someone else's hidden note: answered as a malformed id is, not `conflict`
    text = _arg_text(a, "text", MAX_CARD)
    if not may_note(s, actor):
        raise _Bad("phase_closed", "notes are not open to you in this phase")
    if nid in s.notes:
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
    return Draft("note.edit", {"id": nid, "text": text}, audience=None if n["revealed"] else only(actor))


@handles("note.remove")
def _note_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    nid = _arg_id(a)
    n = _own_note(s, actor, nid)
    return Draft("note.remove", {"id": nid}, audience=None if n["revealed"] else only(actor))


@handles("notes.reveal")
def _notes_reveal(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a)
    _need_fac(s, actor)
    hidden = {
        nid: {"author": n["author"], "text": n["text"], "phase": n["phase"]}
        for nid, n in s.notes.items()
        if not n["revealed"]
    }
    return Draft("notes.revealed", {"notes": hidden})


# --- apply ----------------------------------------------------------------------------------------


def _revealed_notes(s: RoomState, e: Event) -> list[str]:
    return [f"notes/{nid}" for nid in e.data["notes"]]


@touches("notes/{id}", "notes_hidden")
@applies("note.add")
def _a_note_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.notes[d["id"]] = {"author": e.actor, "text": d["text"], "phase": d["phase"], "revealed": False}


@touches("notes/{id}")
@applies("note.edit")
def _a_note_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.notes[d["id"]]["text"] = d["text"]


@touches("notes/{id}", "notes_hidden")
@applies("note.remove")
def _a_note_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.notes.pop(d["id"], None)


@touches(_revealed_notes, "notes_hidden")
@applies("notes.revealed")
def _a_notes_revealed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for nid in d["notes"]:
        if nid in s.notes:
            s.notes[nid]["revealed"] = True


# --- view -----------------------------------------------------------------------------------------


@viewer_part("notes")
def _notes_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return {nid: dict(n) for nid, n in s.notes.items() if note_visible(n, viewer)}


@item_part("notes")
def _note_item(s: RoomState, viewer: str | None, nid: str) -> Any:
    n = s.notes.get(nid)
    return dict(n) if n is not None and note_visible(n, viewer) else ABSENT


@facilitator_part("notes_hidden")
def _notes_hidden_view(s: RoomState, viewer: str | None) -> int:
    """How many notes are not revealed yet: a count for the reveal button, never content or authors."""
    return sum(1 for n in s.notes.values() if not n["revealed"])
