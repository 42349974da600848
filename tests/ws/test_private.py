"""Private writing over the wire: hidden from everyone else (live, on resume, in exports) until revealed."""

from __future__ import annotations

import json
from typing import Any

from kring_testlib import Client, ServerProc, assert_contiguous, create_room, export_room

CANARY_POS = "CANARY-position-7f3a"
CANARY_NOTE = "CANARY-note-91bd"


def _seen(c: Client) -> str:
    return json.dumps(c.msgs, ensure_ascii=False)


async def test_incident_positions_hidden_until_revealed(sqlite_server: ServerProc, clients: Any) -> None:
    room = create_room(sqlite_server.base, "incident")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    a: Client = clients(room["room"])
    await a.connect({"key": room["join_key"], "name": "Anna"})
    b: Client = clients(room["room"])
    await b.connect({"key": room["join_key"], "name": "Bram"})
    phases = [p["id"] for p in fac.welcome["state"]["method"]["phases"]]  # type: ignore[index]
    await fac.ok("phase.goto", {"index": phases.index("standpuntbepaling")})
    seq = await a.ok("card.add", {"id": "pa", "kind": "position", "text": f"Ik zou ingrijpen {CANARY_POS}"})
    await b.wait_seq(seq)
    await fac.wait_seq(seq)
    # Others got a gap-free log with a placeholder, never the content or the author.
    for c in (fac, b):
        ev = next(e for e in c.events if e["seq"] == seq)
        assert ev == {"t": "event", "seq": seq, "type": "private", "actor": None, "at": ev["at"], "data": {}}
        assert_contiguous(c.events)
        assert CANARY_POS not in _seen(c)
    assert CANARY_POS in _seen(a)
    # Not on a fresh snapshot, not on a resume with since, not in the exports.
    late: Client = clients(room["room"])
    wl = await late.connect({"key": room["join_key"], "token": b.token})
    assert "pa" not in wl["state"]["cards"]
    res: Client = clients(room["room"])
    wr = await res.connect({"key": room["join_key"], "token": b.token, "epoch": b.epoch, "since": seq - 1})
    assert [e["type"] for e in wr["events"]] == ["private"]
    for token in (b.token, fac.token):
        assert token is not None
        for fmt in ("md", "json"):
            assert CANARY_POS not in export_room(
                sqlite_server.base, room["room"], room["join_key"], token, fmt
            )
    assert a.token is not None
    assert CANARY_POS in export_room(sqlite_server.base, room["room"], room["join_key"], a.token, "json")
    # A participant cannot reveal; the facilitator reveals all at once.
    r = await b.cmd("cards.reveal", {"phase": "standpuntbepaling"})
    assert r["code"] == "forbidden"
    rev = await fac.ok("cards.reveal", {"phase": "standpuntbepaling"})
    for c in (a, b, res):
        e = await c.wait_for(lambda m: m["t"] == "event" and m["seq"] == rev)
        assert e["data"]["cards"]["pa"]["text"].endswith(CANARY_POS)
    assert CANARY_POS in export_room(sqlite_server.base, room["room"], room["join_key"], str(b.token), "md")


async def test_notes_never_reach_another_client_before_reveal(
    sqlite_server: ServerProc, clients: Any
) -> None:
    room = create_room(sqlite_server.base, "basis")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    lis: Client = clients(room["room"])
    await lis.connect({"key": room["join_key"], "name": "Lotte", "view": True})
    other: Client = clients(room["room"])
    await other.connect({"key": room["join_key"], "name": "Otto", "view": True})
    await fac.ok("role.assign", {"pid": lis.pid, "role": "listener", "on": True})
    seq = await lis.ok("note.add", {"id": "n1", "text": f"Ze zegt vaak eigenlijk {CANARY_NOTE}"})
    await lis.ok("note.add", {"id": "n2", "text": "Tweede notitie"})
    seq = await lis.ok("note.edit", {"id": "n2", "text": f"Tweede {CANARY_NOTE}"})
    await other.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    await fac.wait_seq(seq)
    assert CANARY_NOTE not in _seen(other) and CANARY_NOTE not in _seen(fac)
    assert CANARY_NOTE in _seen(lis)
    rev = await fac.ok("notes.reveal")
    v = await other.wait_for(lambda m: m["t"] == "view" and m["seq"] >= rev)
    notes = v["state"]["notes"]
    assert {n["author"] for n in notes.values()} == {lis.pid} and all(n["revealed"] for n in notes.values())
    # A note written after the reveal is private again.
    s2 = await lis.ok("note.add", {"id": "n3", "text": "CANARY-late-5521"})
    await other.wait_for(lambda m: m["t"] == "view" and m["seq"] >= s2)
    assert "CANARY-late-5521" not in _seen(other)


async def test_question_hints_reach_nobody_but_their_author(sqlite_server: ServerProc, clients: Any) -> None:
    """The hint flag of a question card is its author's; the facilitator's per-person counts say
    nothing about a private card until it is revealed."""
    room = create_room(sqlite_server.base, "incident")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna", "view": True})
    a: Client = clients(room["room"])
    await a.connect({"key": room["join_key"], "name": "Anna", "view": True})
    b: Client = clients(room["room"])
    await b.connect({"key": room["join_key"], "name": "Bram", "view": True})

    def stats(seq: int) -> Any:
        v = next(m for m in reversed(fac.msgs) if m["t"] == "view" and m["seq"] >= seq)
        return v["state"]["stats"][a.pid]

    await fac.ok("phase.goto", {"index": 3})  # vragen-noteren: private questions
    seq = await a.ok("card.add", {"id": "qa", "kind": "question", "text": "Heb je al overwogen te stoppen?"})
    await fac.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    await b.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    assert stats(seq) == {"cards": 0, "turns": 0, "flagged": 0}  # was cards 1, flagged 1: Anna's
    assert '"flag": "advice"' not in _seen(fac) + _seen(b)
    rev = await fac.ok("cards.reveal", {"phase": "vragen-noteren"})
    for c in (fac, b):
        e = await c.wait_for(lambda m: m["t"] == "event" and m["seq"] == rev)
        assert e["data"]["cards"]["qa"]["flag"] is None
    await fac.wait_for(lambda m: m["t"] == "view" and m["seq"] >= rev)
    assert stats(rev) == {"cards": 1, "turns": 0, "flagged": 1}  # counted once revealed
    # A public question: everyone gets the card, only its author the hint.
    await fac.ok("phase.goto", {"index": 4})
    seq = await b.ok("card.add", {"id": "qb", "kind": "question", "text": "Is het de eerste keer?"})
    for c in (fac, a, b):
        e = await c.wait_for(lambda m: m["t"] == "event" and m["seq"] == seq)
        assert e["data"]["flag"] is None  # the raw event gave everyone "closed"
    vb = await b.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    va = await a.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    assert vb["state"]["cards"]["qb"]["flag"] == "closed" and "flag" not in va["state"]["cards"]["qb"]
    assert '"flag": "closed"' not in _seen(a) and '"flag": "advice"' not in _seen(b)


async def test_evaluation_scores_are_never_one_persons(sqlite_server: ServerProc, clients: Any) -> None:
    """Until the evaluation closes everyone sees only how many answered (a mean of one answer is
    that answer, and each next view would give the next person's score); once closed, the means
    over at least three people, and no more changes."""
    room = create_room(sqlite_server.base, "basis")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna", "view": True})
    people = []
    for name in ("Anna", "Bram", "Cor"):
        c: Client = clients(room["room"])
        await c.connect({"key": room["join_key"], "name": name, "view": True})
        people.append(c)
    a, b, c = people
    phases = [p["id"] for p in fac.welcome["state"]["method"]["phases"]]  # type: ignore[index]
    await fac.ok("phase.goto", {"index": phases.index("evaluatie")})
    seq = 0
    for who, score in ((a, 4), (b, 2), (c, 3)):
        seq = await who.ok("eval.submit", {"content": score})
    for who in (fac, a, b, c):
        await who.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    for who in (fac, a, b, c):
        views = [m["state"]["evaluation"] for m in who.msgs if m["t"] in ("view", "welcome") and "state" in m]
        assert views and all(v["content"]["mean"] is None for v in views), who.pid
        assert views[-1]["n"] == 3 and views[-1]["content"]["n"] == 3  # the count is there
    for e in fac.events:
        if e["seq"] > 1 and e["type"] not in ("participant.join", "phase.changed"):
            assert e == {**e, "type": "private", "actor": None, "data": {}}
    assert fac.token is not None
    md = export_room(sqlite_server.base, room["room"], room["join_key"], fac.token, "md")
    assert "inhoud: n=3" in md and "inhoud: 3" not in md
    closed = await fac.ok("evaluation.close")
    v = await b.wait_for(lambda m: m["t"] == "view" and m["seq"] >= closed)
    assert v["state"]["evaluation"]["content"] == {"mean": 3.0, "n": 3} and v["state"]["evaluation"]["closed"]
    r = await a.cmd("eval.submit", {"content": 1})
    assert r["code"] == "conflict"


async def test_an_id_only_someone_elses_hidden_card_has_is_a_free_id(
    sqlite_server: ServerProc, clients: Any
) -> None:
    """Probing ids finds nothing: Bram adds a card with the id of Anna's unrevealed position and gets
    exactly the frames a free id gets (apart from the seq and the time); Anna's card is untouched,
    and neither text reaches the other's socket before the reveal."""
    room = create_room(sqlite_server.base, "incident")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    a: Client = clients(room["room"])
    await a.connect({"key": room["join_key"], "name": "Anna", "view": True})
    b: Client = clients(room["room"])
    await b.connect({"key": room["join_key"], "name": "Bram", "view": True})
    phases = [p["id"] for p in fac.welcome["state"]["method"]["phases"]]  # type: ignore[index]
    await fac.ok("phase.goto", {"index": phases.index("standpuntbepaling")})
    await a.ok("card.add", {"id": "pa", "kind": "position", "text": CANARY_POS})

    def frames(c: Client, seq: int) -> list[dict[str, Any]]:
        """What one command brought `c`: its ack and its event, without seq and time."""
        out = []
        for m in c.msgs:
            if m.get("seq") == seq and m["t"] in ("ack", "event"):
                out.append({k: v for k, v in m.items() if k not in ("seq", "at", "id")})
        return out

    free = await b.ok("card.add", {"id": "pfree", "kind": "position", "text": "Mijn standpunt"})
    taken = await b.ok("card.add", {"id": "pa", "kind": "position", "text": "Mijn standpunt"})
    await b.wait_seq(taken)
    got_free, got_taken = frames(b, free), frames(b, taken)
    assert got_taken and [json.dumps(f).replace('"pa"', '"pfree"') for f in got_taken] == [
        json.dumps(f) for f in got_free
    ]
    edit = await b.ok("card.edit", {"id": "pa", "text": f"Mijn standpunt {CANARY_NOTE}"})
    view_b = (await b.wait_for(lambda m: m["t"] == "view" and m["seq"] >= edit))["state"]
    assert view_b["cards"]["pa"]["author"] == b.pid, view_b["cards"]
    assert view_b["cards"]["pa"]["text"].endswith(CANARY_NOTE)
    late: Client = clients(room["room"])
    wa = await late.connect({"key": room["join_key"], "token": a.token})
    assert wa["state"]["cards"]["pa"]["text"] == CANARY_POS
    assert CANARY_NOTE not in _seen(a) + _seen(late) and CANARY_POS not in _seen(b)
    # The reveal shows both, each under a key of its own.
    rev = await fac.ok("cards.reveal", {"phase": "standpuntbepaling"})
    e = await a.wait_for(lambda m: m["t"] == "event" and m["seq"] == rev)
    texts = sorted(c["text"] for c in e["data"]["cards"].values())
    assert texts == sorted([CANARY_POS, "Mijn standpunt", f"Mijn standpunt {CANARY_NOTE}"])
    assert e["data"]["cards"]["pa"]["text"] == CANARY_POS


async def test_who_voted_for_which_proposal_stays_the_voters_own(
    sqlite_server: ServerProc, clients: Any
) -> None:
    """The Socratic uitgangsvraag is voted on: everyone sees the counts change, only the voter
    sees whose vote it was (the others' log has a placeholder with no actor)."""
    room = create_room(sqlite_server.base, "socratisch")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    a: Client = clients(room["room"])
    await a.connect({"key": room["join_key"], "name": "Anna"})
    b: Client = clients(room["room"])
    await b.connect({"key": room["join_key"], "name": "Bram"})
    await fac.ok("phase.goto", {"index": 1})
    await a.ok("outcome.propose", {"field": "uitgangsvraag", "id": "u1", "text": "Wanneer spreek je aan?"})
    seq = await b.ok("outcome.vote", {"id": "u1", "on": True})
    mine = await b.wait_for(lambda m: m["t"] == "event" and m["seq"] == seq)
    assert mine["type"] == "outcome.voted" and mine["actor"] == b.pid
    for c in (fac, a):
        await c.wait_seq(seq)
        ev = next(e for e in c.events if e["seq"] == seq)
        assert ev == {"t": "event", "seq": seq, "type": "private", "actor": None, "at": ev["at"], "data": {}}
    adopted = await fac.ok("outcome.adopt", {"id": "u1"})
    ev = await a.wait_for(lambda m: m["t"] == "event" and m["seq"] == adopted)
    assert ev["data"]["text"] == "Wanneer spreek je aan?"
