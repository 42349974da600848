"""Cards (questions, associations, positions, ...): written in the phases that open their kind,
private to their author in a private phase until the facilitator reveals them.

The question hint (`flag`: closed, advice, leading) is its author's: it is in the author's view
only. On the wire it is only in events that nobody but the author receives (a card in a private
phase); an event everyone receives carries `flag: null`, and the state derives the flag from the
text when the event is applied. The facilitator's per-person counts (`stats`) count a private card,
and its flag, only once it is revealed: before that they would tell who wrote what.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import hints, kind_hints
from .commands import (
    Draft,
    _arg_bool,
    _arg_id,
    _arg_text,
    _Bad,
    _only_keys,
    aliases_changed,
    authors_in,
    check_base,
    has_aliases,
    item_key,
    only,
    scoped_record,
    scoped_view,
)
from .events import Event
from .limits import MAX_CARD, MAX_CARDS, check_share
from .permissions import _need_fac, fac_writes, may_write
from .registry import ABSENT, applies, facilitator_part, handles, item_part, shared_part, touches, viewer_part
from .state import RoomState, _stat

CHECKIN = "checkin"  # a check-in on one's leervraag (methods: a meeting's opening phase)

# --- decide ---------------------------------------------------------------------------------------


def card_visible(card: Mapping[str, Any], viewer: str | None) -> bool:
    return not card["private"] or card["revealed"] or card["author"] == viewer


def _key(s: RoomState, actor: str | None, cid: str) -> str:
    return item_key(s.cards, actor, cid, card_visible)


def _own_card(s: RoomState, actor: str, cid: str) -> dict[str, Any]:
    card = s.cards.get(_key(s, actor, cid))
    if card is None or not card_visible(card, actor):
        raise _Bad("not_found", "no such card")
    if card["author"] != actor and not s.is_fac(actor):
        raise _Bad("forbidden", "only its author or the facilitator may change a card")
    return card


@handles("card.add")
def _card_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "kind", "text")
    cid = _arg_id(a)
    key = _key(s, actor, cid)  # someone else's hidden card's id is answered as a free one
    kind = a.get("kind")
    text = _arg_text(a, "text", MAX_CARD)
    if not isinstance(kind, str):
        raise _Bad("invalid", "'kind' must be a string")
    if kind not in s.current.cards:
        raise _Bad("phase_closed", f"'{kind}' cards are not open in this phase")
    if not fac_writes(s, actor) and (s.is_fac(actor) or not may_write(s, actor)):
        raise _Bad("forbidden", "your role does not write cards in this phase")
    if key in s.cards:
        raise _Bad("conflict", "a card with this id exists")
    if len(s.cards) >= MAX_CARDS:
        raise _Bad("too_large", f"a room holds at most {MAX_CARDS} cards")
    check_share(actor, s.is_fac(actor), s.cards.values(), MAX_CARDS, "cards")
    if s.current.per_person and kind != CHECKIN:
        mine = sum(1 for c in s.cards.values() if c["author"] == actor and c["phase"] == s.current.id)
        if mine >= s.current.per_person:
            raise _Bad("too_large", f"at most {s.current.per_person} cards per person in this phase")
    private = s.current.private and s.current.id not in s.revealed_phases
    if kind == CHECKIN:
        # A check-in on one's leervraag: the group's only when its author shares their leervraag
        # with the group, else their own for good (no reveal shows it, no count tells of it).
        private = actor not in s.leervraag_shared
    flag = _flag(s, s.current.id, kind, text) if private else None  # a public event's flag reaches all
    # A public card is everyone's under its key; a private one is its author's under their id.
    data = {
        "id": cid if private else key,
        "kind": kind,
        "text": text,
        "phase": s.current.id,
        "private": private,
        "flag": flag,
    }
    return Draft("card.add", data, audience=only(actor) if private else None)


@handles("card.edit")
def _card_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text", "base")
    cid = _arg_id(a)
    text = _arg_text(a, "text", MAX_CARD)
    card = _own_card(s, actor, cid)
    hidden = card["private"] and not card["revealed"]
    key = _key(s, actor, cid)
    if not hidden:  # a hidden card has one writer, and its version is in nobody's view
        check_base(s, a, "card." + key, card["text"], text)
    flag = _flag(s, card["phase"], card["kind"], text) if hidden else None
    data = {"id": cid if hidden else key, "text": text, "flag": flag}
    return Draft("card.edit", data, audience=only(card["author"]) if hidden else None)


@handles("card.remove")
def _card_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    cid = _arg_id(a)
    card = _own_card(s, actor, cid)
    hidden = card["private"] and not card["revealed"]
    data = {"id": cid if hidden else _key(s, actor, cid)}
    return Draft("card.remove", data, audience=only(card["author"]) if hidden else None)


@handles("card.mark")
def _card_mark(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "useful")
    cid = _arg_id(a)
    useful = _arg_bool(a, "useful")
    if not s.roles(actor) & {"inbrenger", "facilitator"}:
        raise _Bad("forbidden", "only the inbrenger marks cards as useful")
    card = s.cards.get(cid)
    if card is None or not card_visible(card, None):
        raise _Bad("not_found", "no such card")
    return Draft("card.mark", {"id": cid, "useful": useful})


@handles("cards.reveal")
def _cards_reveal(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "phase")
    _need_fac(s, actor)
    phase = a.get("phase", s.current.id)
    if not isinstance(phase, str) or s.method.phase_index(phase) is None:
        raise _Bad("not_found", "no such phase in this method")
    hidden = {
        # The reveal shows the cards; the question hint stays their authors' (null, as in card.add).
        cid: {"kind": c["kind"], "text": c["text"], "author": c["author"], "phase": c["phase"], "flag": None}
        for cid, c in s.cards.items()
        if c["phase"] == phase and c["private"] and not c["revealed"] and c["kind"] != CHECKIN
    }
    return Draft("cards.revealed", {"phase": phase, "cards": hidden})


@handles("leervraag.shared")
def _leervraag_shared(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """The server tells a group meeting that a member shares their leervraag, or stopped: their
    check-in cards from then on are the group's, or their own (cards written before stay as they
    were)."""
    _only_keys(a, "pid", "shared")
    if actor:  # a client never sends it (server/ws.py lets only CLIENT_COMMANDS through)
        raise _Bad("forbidden", "only the server says who shares their leervraag")
    pid = _arg_id(a, "pid")
    if not isinstance(a.get("shared"), bool):
        raise _Bad("invalid", "'shared' must be true or false")
    return Draft("leervraag.shared", {"pid": pid, "shared": a["shared"]})


@touches()
@applies("leervraag.shared")
def _a_leervraag_shared(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    if d["shared"] and d["pid"] not in s.leervraag_shared:
        s.leervraag_shared.append(d["pid"])
    elif not d["shared"] and d["pid"] in s.leervraag_shared:
        s.leervraag_shared.remove(d["pid"])


def _flag(s: RoomState, phase_id: str, kind: str, text: str) -> str | None:
    """The hint of a card: for a question the question rules; for another kind the rules its
    phase states (`hints`, server/kind_hints.py). Derived from its text, the same on every replay."""
    if kind == "question":
        return hints.check(text)
    index = s.method.phase_index(phase_id)
    codes = s.method.phases[index].hints if index is not None else ()
    return kind_hints.check(text, codes) if codes else None


# --- apply ----------------------------------------------------------------------------------------


def _public_author_stats(s: RoomState, e: Event) -> list[str]:
    """The author's counts in the facilitator's `stats`, when the card is public: who wrote a
    hidden card is nobody's business but its author's, not even by a count that moves."""
    if e.type == "card.add":
        return [] if e.data["private"] else [f"stats/{e.actor}"]
    c = s.cards.get(_key(s, e.actor, e.data["id"]))
    return [f"stats/{c['author']}"] if c is not None and card_visible(c, None) else []


def _aliased(s: RoomState) -> bool:
    """A card kept under a key of its own (commands.py, "ids of private items"): its author sees it
    under another id, which a change of another card can flip, so patches send the whole part."""
    return has_aliases(s, "cards")


def _card_paths(s: RoomState, e: Event) -> list[str]:
    """The card an event is about (and its version), or the whole `cards` part when ids are
    scoped per author in this room (rare: only a taken id of someone else's hidden card)."""
    cid = e.data["id"]
    key = _key(s, e.actor, cid)
    if key != cid or _aliased(s):
        return ["cards", "versions"]
    c = s.cards.get(cid)
    # Its version when it has (or gets) one; a hidden card's is in nobody's view: not even its id
    # may reach anyone else.
    versioned = (e.type == "card.edit" or f"card.{cid}" in s.versions) and e.type != "card.add"
    public = c is not None and card_visible(c, None)
    return [f"cards/{cid}", f"versions/card.{cid}"] if versioned and public else [f"cards/{cid}"]


def _revealed_cards(s: RoomState, e: Event) -> list[str]:
    if _aliased(s):
        return ["cards", "versions"]
    return [p for cid in e.data["cards"] for p in (f"cards/{cid}", f"versions/card.{cid}")]


@touches(_card_paths, "hidden", _public_author_stats)
@applies("card.add")
def _a_card_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    flag = _flag(s, d["phase"], d["kind"], d["text"])
    key = _key(s, e.actor, d["id"])
    s.cards[key] = scoped_record(
        key,
        d["id"],
        {
            "kind": d["kind"],
            "text": d["text"],
            "author": e.actor,
            "phase": d["phase"],
            "private": d["private"],
            "revealed": False,
            "useful": False,
            "flag": flag,
            "at": e.at,
        },
    )
    aliases_changed(s, "cards", s.cards[key], True)
    if not d["private"]:  # a private card counts once it is revealed
        _stat(s, e.actor, "cards")
        if flag:
            _stat(s, e.actor, "flagged")


@touches(_card_paths, _public_author_stats)
@applies("card.edit")
def _a_card_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    key = _key(s, e.actor, d["id"])
    c = s.cards[key]
    flag = _flag(s, c["phase"], c["kind"], d["text"])
    if flag and not c.get("flag") and card_visible(c, None):
        _stat(s, c["author"], "flagged")
    c["text"] = d["text"]
    c["flag"] = flag
    s.versions["card." + key] = e.seq


@touches(_card_paths, "hidden")
@applies("card.remove")
def _a_card_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    key = _key(s, e.actor, d["id"])
    aliases_changed(s, "cards", s.cards.pop(key, None), False)
    s.versions.pop("card." + key, None)


@touches(_card_paths)
@applies("card.mark")
def _a_card_mark(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.cards[d["id"]]["useful"] = d["useful"]


@touches(_revealed_cards, "stats", "hidden", "revealed_phases")
@applies("cards.revealed")
def _a_cards_revealed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    for cid in d["cards"]:
        c = s.cards.get(cid)
        if c is not None and not c["revealed"]:
            c["revealed"] = True
            _stat(s, c["author"], "cards")  # now the room may know who wrote it
            if c.get("flag"):
                _stat(s, c["author"], "flagged")
    if d["phase"] not in s.revealed_phases:
        s.revealed_phases.append(d["phase"])


# --- view -----------------------------------------------------------------------------------------


CARD_VIEW_FIELDS = ("kind", "text", "author", "phase", "private", "revealed", "useful", "at")


def card_view(card: Mapping[str, Any], viewer: str | None) -> dict[str, Any]:
    """One card as `viewer` sees it (only its author sees the question-hint flag)."""
    out = {k: card[k] for k in CARD_VIEW_FIELDS}
    if card["author"] == viewer:
        out["flag"] = card.get("flag")
    return out


@viewer_part("cards")
def _cards_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return scoped_view(s.cards, viewer, card_visible, lambda c: card_view(c, viewer))


@item_part("cards", differs=authors_in("cards"))  # only its author sees it otherwise (hidden, its flag)
def _card_item(s: RoomState, viewer: str | None, cid: str) -> Any:
    c = s.cards.get(cid)
    return card_view(c, viewer) if c is not None and card_visible(c, viewer) else ABSENT


@facilitator_part("hidden")
def _hidden_view(s: RoomState, viewer: str | None) -> dict[str, int]:
    """How many private cards wait per phase: a count for the reveal button, never their content."""
    hidden: dict[str, int] = {}
    for c in s.cards.values():
        if c["private"] and not c["revealed"] and c["kind"] != CHECKIN:
            hidden[c["phase"]] = hidden.get(c["phase"], 0) + 1
    return hidden


@shared_part("revealed_phases")
def _revealed_phases_view(s: RoomState) -> list[str]:
    return list(s.revealed_phases)
