"""Work in pairs (tweetallen, seed 001: "steeds met tweetallen werkend"): in a phase whose method
opens `pairs`, the facilitator splits the group into pairs (an odd one out makes a trio), by hand
or shuffled, for a number of minutes. Each pair writes on a board of its own (cards: short points;
notes: longer texts) that only its members receive, whose events have the pair as their audience.
When the time is up (the boards take no more writing; the facilitator may add time), or the
facilitator says so, the round ends, everyone returns, and each pair's board is revealed to the
group, pair by pair as they present or all at once.

Who takes part by default: of those present (the browser sends who is online), the phase's writers
(the method's roles: participants, the inbrenger, listeners as the phase's `writers` say), never the
facilitator.
By hand the facilitator may pair anyone in the room, themselves included.
Leaving: the pair stays. A member who left (removed) leaves their partner alone with the board;
the facilitator may move the partner (`pairs.move`), and the pair's board stays the pair's.
Joining late: `pairs.move` without a group places a person in the smallest group (fewest members
still in the room, the first of equals): a lone partner first, else a pair becomes a trio.

A round's shuffle is decided on the server when the command is decided and stored in the event,
so every replay forms the same pairs. Only the latest round runs; starting one ends the one before.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from typing import Any

from .commands import (
    Draft,
    _arg_id,
    _arg_int,
    _arg_text,
    _Bad,
    _only_keys,
    aliases_changed,
    item_key,
    item_paths,
    public_fields,
    scoped_record,
    scoped_view,
)
from .events import Event
from .limits import MAX_CARD, MAX_CARDS, MAX_NODE
from .permissions import _need_fac, may_write, tool_open
from .registry import ABSENT, applies, facilitator_part, handles, item_part, shared_part, touches, viewer_part
from .state import RoomState

PAIR_MINUTES = (1, 120)  # a pair round's time, inclusive
PAIR_DEFAULT_MINUTES = 10
GROUP_SIZE = (2, 3)  # a pair, or a trio when the number is odd (by hand, inclusive)
MAX_PAIR_ITEMS = 50  # cards and notes on one pair's board
PAIR_KINDS = {"card": MAX_NODE, "note": MAX_CARD}  # a short point, a longer note: their caps


# --- who, and how they are grouped -----------------------------------------------------------------


def pair_people(s: RoomState, present: Collection[str] | None = None) -> list[str]:
    """Who takes part by default, of those `present` (everyone in the room when not given): the
    phase's writers but the facilitator, in join order; where they are fewer than two, everyone but
    the facilitator; else everyone."""
    here = [p for p in s.participants if present is None or p in present]
    others = [p for p in here if not s.is_fac(p)]
    writers = [p for p in others if may_write(s, p)]
    for people in (writers, others):
        if len(people) >= GROUP_SIZE[0]:
            return people
    return here


def form_groups(people: list[str]) -> list[list[str]]:
    """Pairs in the given order; an odd one out joins the last pair, which becomes a trio."""
    groups = [people[i : i + 2] for i in range(0, len(people) - 1, 2)]
    if len(people) % 2 and groups:
        groups[-1].append(people[-1])
    return groups


def _present(s: RoomState, group: list[str]) -> list[str]:
    """The members of a group who are still in the room."""
    return [p for p in group if p in s.participants]


def place(s: RoomState, groups: list[list[str]], pid: str) -> int:
    """The group a person joins when the server places them: the smallest by members still in the
    room (a lone partner's first), the first of equals; their own group never."""
    sizes = [(len(_present(s, g)), i) for i, g in enumerate(groups) if pid not in g and _present(s, g)]
    if not sizes:
        return len(groups)  # nobody else is in a group: a new one
    return min(sizes)[1]


def group_of(rnd: Mapping[str, Any], pid: str | None) -> int | None:
    for i, g in enumerate(rnd["groups"]):
        if pid in g:
            return i
    return None


def _running(s: RoomState) -> dict[str, Any]:
    """The latest round, while it runs."""
    if not s.pairs or s.pairs[-1]["ended"]:
        raise _Bad("invalid", "no pair round is running")
    return s.pairs[-1]


def _pid_list(a: Mapping[str, Any], key: str, s: RoomState) -> list[str]:
    v = a.get(key)
    if not isinstance(v, list) or not all(isinstance(p, str) for p in v):
        raise _Bad("invalid", f"'{key}' must be a list of participant ids")
    if any(p not in s.participants for p in v):
        raise _Bad("not_found", f"'{key}' names someone who is not in the room")
    return list(v)


# --- decide: the facilitator's round ---------------------------------------------------------------


@handles("pairs.start")
def _pairs_start(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{groups}` by hand, or `{present?, shuffle?}`: of those present (the browser knows who is),
    the method's people, paired in join order or shuffled on the server; `minutes` the time."""
    _only_keys(a, "groups", "present", "shuffle", "minutes")
    _need_fac(s, actor)
    if not tool_open(s, "pairs"):
        raise _Bad("phase_closed", "pair work is not open in this phase")
    minutes = _arg_int(a, "minutes", *PAIR_MINUTES) if "minutes" in a else PAIR_DEFAULT_MINUTES
    if "groups" in a:
        if "present" in a or "shuffle" in a:
            raise _Bad("invalid", "give either 'groups' or 'present'")
        raw = a["groups"]
        if not isinstance(raw, list) or not raw:
            raise _Bad("invalid", "'groups' must be a non-empty list of groups")
        groups = [_pid_list({"group": g}, "group", s) for g in raw]
        lo, hi = GROUP_SIZE
        if any(not lo <= len(g) <= hi for g in groups):
            raise _Bad("invalid", f"a group has {lo} or {hi} people")
    else:
        present = a.get("present")
        if present is not None and (
            not isinstance(present, list) or not all(isinstance(p, str) for p in present)
        ):
            raise _Bad("invalid", "'present' must be a list of participant ids")
        people = pair_people(s, present)  # someone the browser still lists but who left: left out
        if len(people) < GROUP_SIZE[0]:
            raise _Bad("invalid", "pair work needs at least two people")
        shuffle = a.get("shuffle", False)
        if not isinstance(shuffle, bool):
            raise _Bad("invalid", "'shuffle' must be true or false")
        if shuffle:
            random.Random(now * 1_000_003 + s.seq).shuffle(people)
        groups = form_groups(people)
    flat = [p for g in groups for p in g]
    if len(set(flat)) != len(flat):
        raise _Bad("invalid", "someone is in two groups")
    data = {
        "phase": s.current.id,
        "groups": groups,
        "seconds": minutes * 60,
        "deadline": now + minutes * 60_000,
    }
    return Draft("pairs.started", data)


@handles("pairs.move")
def _pairs_move(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{pid, group}`: into that group (its index; the number of groups makes a new one), or out of
    the round (`null`); without `group` the server places them (`place`)."""
    _only_keys(a, "pid", "group")
    _need_fac(s, actor)
    rnd = _running(s)
    pid = _arg_id(a, "pid")
    if pid not in s.participants:
        raise _Bad("not_found", "no such participant")
    n = len(rnd["groups"])
    if "group" not in a:
        to: int | None = place(s, rnd["groups"], pid)
    elif a["group"] is None:
        to = None
    else:
        to = _arg_int(a, "group", 0, n)
    if to == group_of(rnd, pid):
        raise _Bad("invalid", "they are in that group already")
    return Draft("pairs.moved", {"pid": pid, "group": to})


@handles("pairs.time")
def _pairs_time(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{seconds}` more (or less) for the running round."""
    _only_keys(a, "seconds")
    _need_fac(s, actor)
    rnd = _running(s)
    hi = PAIR_MINUTES[1] * 60
    secs = _arg_int(a, "seconds", -hi, hi)
    # More time after the time was up counts from now: "+1 minute" is a minute to write.
    start = max(int(rnd["deadline"]), now) if secs > 0 else int(rnd["deadline"])
    deadline = max(now, start + secs * 1000)
    return Draft("pairs.time", {"deadline": deadline, "seconds": max(0, int(rnd["seconds"]) + secs)})


@handles("pairs.end")
def _pairs_end(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """Everyone returns: the boards are closed, not yet shown."""
    _only_keys(a)
    _need_fac(s, actor)
    _running(s)
    return Draft("pairs.ended", {})


@handles("pairs.reveal")
def _pairs_reveal(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    """`{group?}`: one pair's board (as it presents), or every board not shown yet; ends the round."""
    _only_keys(a, "group")
    _need_fac(s, actor)
    if not s.pairs:
        raise _Bad("invalid", "there was no pair round")
    r = len(s.pairs) - 1
    rnd = s.pairs[r]
    todo = [i for i in range(len(rnd["groups"])) if i not in rnd["revealed"]]
    if "group" in a:
        g = _arg_int(a, "group", 0, max(0, len(rnd["groups"]) - 1))
        if g not in todo:
            raise _Bad("conflict", "that pair's board is shown already")
        todo = [g]
    if not todo:
        raise _Bad("invalid", "every board of this round is shown already")
    items = {
        key: {k: it[k] for k in ("round", "group", "kind", "text", "author", "at")}
        for key, it in s.pair_items.items()
        if it["round"] == r and it["group"] in todo
    }
    return Draft("pairs.revealed", {"round": r, "groups": todo, "items": items})


# --- decide: a pair's own board --------------------------------------------------------------------


def item_visible(s: RoomState, item: Mapping[str, Any], viewer: str | None) -> bool:
    """A board item: its pair's members see it; everyone once its pair's board is revealed."""
    rnd = s.pairs[item["round"]]
    return item["group"] in rnd["revealed"] or (viewer is not None and viewer in rnd["groups"][item["group"]])


def _key(s: RoomState, actor: str | None, iid: str) -> str:
    return item_key(s.pair_items, actor, iid, lambda it, v: item_visible(s, it, v))


def _audience(s: RoomState, r: int, g: int) -> frozenset[str]:
    return frozenset(_present(s, s.pairs[r]["groups"][g]))


def _my_group(s: RoomState, actor: str, now: int) -> tuple[int, int]:
    """The running round and the actor's group in it, where they may write now: until its time is
    up (then everyone returns; the facilitator may add time)."""
    rnd = _running(s)
    if rnd["phase"] != s.current.id or not tool_open(s, "pairs"):
        raise _Bad("phase_closed", "pair work is not open in this phase")
    if now > rnd["deadline"]:
        raise _Bad("phase_closed", "the pair round's time is up")
    g = group_of(rnd, actor)
    if g is None:
        raise _Bad("forbidden", "you are not in a pair in this round")
    return len(s.pairs) - 1, g


def _own_item(s: RoomState, actor: str, iid: str, now: int) -> dict[str, Any]:
    r, g = _my_group(s, actor, now)
    it = s.pair_items.get(_key(s, actor, iid))
    if it is None or it["round"] != r or it["group"] != g:
        raise _Bad("not_found", "no such card on your pair's board")  # another pair's: as missing
    return it


@handles("pair.add")
def _pair_add(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "kind", "text")
    iid = _arg_id(a)
    kind = a.get("kind", "card")
    if kind not in PAIR_KINDS:
        raise _Bad("invalid", "'kind' must be card or note")
    text = _arg_text(a, "text", PAIR_KINDS[kind])
    r, g = _my_group(s, actor, now)
    key = _key(s, actor, iid)  # another pair's hidden item's id is answered as a free one
    if key in s.pair_items:
        raise _Bad("conflict", "an item with this id exists")
    if sum(1 for it in s.pair_items.values() if it["round"] == r and it["group"] == g) >= MAX_PAIR_ITEMS:
        raise _Bad("too_large", f"a pair's board holds at most {MAX_PAIR_ITEMS} items")
    if len(s.pair_items) >= MAX_CARDS:
        raise _Bad("too_large", f"a room holds at most {MAX_CARDS} pair items")
    data = {"id": iid, "kind": kind, "text": text, "round": r, "group": g}
    return Draft("pair.add", data, audience=_audience(s, r, g))


@handles("pair.edit")
def _pair_edit(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id", "text")
    iid = _arg_id(a)
    it = _own_item(s, actor, iid, now)
    text = _arg_text(a, "text", PAIR_KINDS[it["kind"]])
    return Draft("pair.edit", {"id": iid, "text": text}, audience=_audience(s, it["round"], it["group"]))


@handles("pair.remove")
def _pair_remove(s: RoomState, a: dict[str, Any], actor: str, now: int, _m: Any) -> Draft:
    _only_keys(a, "id")
    iid = _arg_id(a)
    it = _own_item(s, actor, iid, now)
    return Draft("pair.remove", {"id": iid}, audience=_audience(s, it["round"], it["group"]))


# --- apply -----------------------------------------------------------------------------------------


def _item_paths(s: RoomState, e: Event) -> list[str]:
    return item_paths(s, "pair_board", "pair_items", _key(s, e.actor, e.data["id"]), e.data["id"])


@touches("pairs")
@applies("pairs.started")
def _a_pairs_started(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    if s.pairs:
        s.pairs[-1]["ended"] = True
    s.pairs.append(
        {
            "phase": d["phase"],
            "groups": [list(g) for g in d["groups"]],
            "seconds": d["seconds"],
            "started": e.at,
            "deadline": d["deadline"],
            "ended": False,
            "revealed": [],
        }
    )


@touches("pairs", "pair_board")
@applies("pairs.moved")
def _a_pairs_moved(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    groups = s.pairs[-1]["groups"]
    for g in groups:
        if d["pid"] in g:
            g.remove(d["pid"])
    if d["group"] is None:
        return
    if d["group"] == len(groups):
        groups.append([])
    groups[d["group"]].append(d["pid"])


@touches("pairs")
@applies("pairs.time")
def _a_pairs_time(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.pairs[-1]["deadline"] = d["deadline"]
    s.pairs[-1]["seconds"] = d["seconds"]


@touches("pairs")
@applies("pairs.ended")
def _a_pairs_ended(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.pairs[-1]["ended"] = True


@touches("pairs", "pair_board")
@applies("pairs.revealed")
def _a_pairs_revealed(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    rnd = s.pairs[d["round"]]
    rnd["ended"] = True
    rnd["revealed"] = sorted({*rnd["revealed"], *d["groups"]})


@touches(_item_paths, "pair_counts")
@applies("pair.add")
def _a_pair_add(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    key = _key(s, e.actor, d["id"])
    record = {
        "round": d["round"],
        "group": d["group"],
        "kind": d["kind"],
        "text": d["text"],
        "author": e.actor,
        "at": e.at,
    }
    s.pair_items[key] = scoped_record(key, d["id"], record)
    aliases_changed(s, "pair_items", record, True)


@touches(_item_paths)
@applies("pair.edit")
def _a_pair_edit(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    s.pair_items[_key(s, e.actor, d["id"])]["text"] = d["text"]


@touches(_item_paths, "pair_counts")
@applies("pair.remove")
def _a_pair_remove(s: RoomState, e: Event, d: dict[str, Any]) -> None:
    aliases_changed(s, "pair_items", s.pair_items.pop(_key(s, e.actor, d["id"]), None), False)


# --- view ------------------------------------------------------------------------------------------


@shared_part("pairs")
def _pairs_view(s: RoomState) -> list[dict[str, Any]]:
    """Every round: who is in which group, its time, ended, which boards are shown. Who works with
    whom is the group's to know; what they write is not."""
    return [
        {**rnd, "groups": [list(g) for g in rnd["groups"]], "revealed": list(rnd["revealed"])}
        for rnd in s.pairs
    ]


@viewer_part("pair_board")
def _pair_board_view(s: RoomState, viewer: str | None) -> dict[str, Any]:
    return scoped_view(s.pair_items, viewer, lambda it, v: item_visible(s, it, v), public_fields)


@item_part("pair_board")
def _pair_item(s: RoomState, viewer: str | None, key: str) -> Any:
    it = s.pair_items.get(key)
    return public_fields(it) if it is not None and item_visible(s, it, viewer) else ABSENT


@facilitator_part("pair_counts")
def _pair_counts_view(s: RoomState, viewer: str | None) -> dict[str, int]:
    """How many cards and notes each pair has ("<round>/<group>"): that they work, not what."""
    out: dict[str, int] = {}
    for it in s.pair_items.values():
        k = f"{it['round']}/{it['group']}"
        out[k] = out.get(k, 0) + 1
    return out
