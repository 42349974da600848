"""Work in pairs (server/rooms/pairs.py): forming pairs (odd numbers, by hand, shuffled on the
server), people who leave and who join late, and a pair's board that stays within the pair until
it is revealed."""

from __future__ import annotations

import json

from engine_harness import Room

from server.rooms import view
from server.rooms.pairs import form_groups, pair_people


def _room(*people: str) -> Room:
    """Waarderend, in its pair phase: facilitator F, inbrenger I, participants `people`."""
    r = Room("waarderend")
    r.join("F", "Fenna", ["facilitator"])
    r.join("I", "Ilse")
    r.do("F", "role.assign", pid="I", role="inbrenger", on=True)
    for p in people:
        r.join(p)
    r.goto("tweetallen")
    return r


def _groups(r: Room) -> list[list[str]]:
    return [list(g) for g in r.view("F")["pairs"][-1]["groups"]]


def test_pairs_in_order_and_an_odd_one_out_makes_a_trio() -> None:
    assert form_groups(["a", "b", "c", "d"]) == [["a", "b"], ["c", "d"]]
    assert form_groups(["a", "b", "c", "d", "e"]) == [["a", "b"], ["c", "d", "e"]]
    assert form_groups(["a", "b", "c"]) == [["a", "b", "c"]]
    assert form_groups(["a", "b"]) == [["a", "b"]]
    r = _room("A", "B", "C", "D", "E")
    # The phase's writers take part: the participants, not the facilitator nor the inbrenger.
    assert pair_people(r.state) == ["A", "B", "C", "D", "E"]
    e = r.do("F", "pairs.start", minutes=5)
    assert e.data["groups"] == [["A", "B"], ["C", "D", "E"]]
    assert e.data["deadline"] == r.now + 5 * 60_000 and e.data["seconds"] == 300
    rnd = r.view("A")["pairs"][-1]
    assert rnd["phase"] == "tweetallen" and not rnd["ended"] and rnd["revealed"] == []


def test_the_shuffle_is_decided_on_the_server_and_replayed_from_the_event() -> None:
    r = _room("A", "B", "C", "D", "E", "G", "H")
    people = ["A", "B", "C", "D", "E", "G", "H"]
    e = r.do("F", "pairs.start", present=people, shuffle=True)
    flat = [p for g in e.data["groups"] for p in g]
    assert sorted(flat) == sorted(people) and [len(g) for g in e.data["groups"]] == [2, 2, 3]
    assert r.replayed().pairs == r.state.pairs  # the pairs are in the event, not re-drawn
    shuffles = set()
    for i in range(6):
        r.tick(1_000 + i)
        d = r.decide("F", "pairs.start", present=people, shuffle=True)
        shuffles.add(json.dumps(d.data["groups"]))  # type: ignore[union-attr]
    assert len(shuffles) > 1  # not the same order every time


def test_pairs_by_hand_and_the_checks() -> None:
    r = _room("A", "B", "C", "D")
    r.refuse("A", "pairs.start", "forbidden")
    r.refuse("F", "pairs.start", "invalid", groups=[["A", "B"], ["C"]])  # one alone
    r.refuse("F", "pairs.start", "invalid", groups=[["A", "B", "C", "D"]])  # four
    r.refuse("F", "pairs.start", "invalid", groups=[["A", "B"], ["B", "C"]])  # twice
    r.refuse("F", "pairs.start", "not_found", groups=[["A", "Z"]])
    r.refuse("F", "pairs.start", "invalid", present=["A", "gone"])  # nobody to pair with
    r.refuse("F", "pairs.start", "invalid", present="A")
    # Fewer than two of the method's people here: the others but the facilitator.
    assert r.decide("F", "pairs.start", present=["A", "F", "I"]).data["groups"] == [["I", "A"]]  # type: ignore[union-attr]
    # Of those present, the method's people: not the inbrenger nor the facilitator here.
    assert r.decide("F", "pairs.start", present=["A", "B", "I", "F"]).data["groups"] == [["A", "B"]]  # type: ignore[union-attr]
    r.refuse("F", "pairs.start", "invalid", minutes=0)
    r.refuse("F", "pairs.start", "invalid", groups=[["A", "B"]], shuffle=True)
    # By hand the facilitator may pair anyone, themselves included.
    e = r.do("F", "pairs.start", groups=[["A", "F"], ["B", "C", "D"]])
    assert e.data["groups"] == [["A", "F"], ["B", "C", "D"]]
    # Only where the method opens pair work.
    r.goto("succesfactoren")
    r.refuse("F", "pairs.start", "phase_closed")
    r.refuse("A", "pair.add", "phase_closed", id="x", kind="card", text="te laat")


def test_someone_who_leaves_leaves_the_pair_standing_and_a_late_one_is_placed() -> None:
    r = _room("A", "B", "C", "D", "E")
    r.do("F", "pairs.start")  # [A, B], [C, D, E]
    r.do("A", "pair.add", id="a1", kind="card", text="Ze nam de tijd")
    # B leaves: the pair stays, A keeps the board and goes on alone.
    r.do("F", "participant.remove", pid="B")
    assert _groups(r) == [["A", "B"], ["C", "D", "E"]]
    r.do("A", "pair.add", id="a2", kind="note", text="Alleen verder")
    assert set(r.view("A")["pair_board"]) == {"a1", "a2"}
    # Someone comes in late: placed in the smallest group, the lone partner's.
    r.join("N", "Nora")
    r.do("F", "pairs.move", pid="N")
    assert _groups(r) == [["A", "B", "N"], ["C", "D", "E"]]
    assert set(r.view("N")["pair_board"]) == {"a1", "a2"}  # the board is the pair's
    r.do("N", "pair.edit", id="a1", text="Ze nam echt de tijd")
    # Another late one: the first pair has two still here (B left), the other three: it is theirs.
    r.join("M", "Mo")
    r.do("F", "pairs.move", pid="M")
    assert _groups(r) == [["A", "B", "N", "M"], ["C", "D", "E"]]
    # By hand: into a new pair, and out of the round.
    r.do("F", "pairs.move", pid="M", group=2)
    r.do("F", "pairs.move", pid="E", group=2)
    assert _groups(r)[2] == ["M", "E"]
    r.do("F", "pairs.move", pid="E", group=None)
    assert all("E" not in g for g in _groups(r))
    r.refuse("E", "pair.add", "forbidden", id="e1", kind="card", text="ik ben eruit")
    r.refuse("F", "pairs.move", "invalid", pid="M", group=2)
    r.refuse("F", "pairs.move", "invalid", pid="M", group=9)
    assert set(r.view("E")["pair_board"]) == set()  # their old pair's board is no longer theirs


def test_a_late_one_with_everyone_in_trios_and_the_smallest_first() -> None:
    r = _room("A", "B", "C")
    r.do("F", "pairs.start")  # one trio
    r.join("N")
    r.do("F", "pairs.move", pid="N")
    assert _groups(r) == [["A", "B", "C", "N"]]  # nowhere smaller: the trio takes them
    r.do("F", "pairs.move", pid="N", group=1)
    r.do("F", "pairs.move", pid="C", group=1)
    r.join("P")
    r.do("F", "pairs.move", pid="P")
    assert _groups(r) == [["A", "B", "P"], ["N", "C"]]  # the first of equals


def test_a_pairs_board_stays_within_the_pair_until_revealed() -> None:
    r = _room("A", "B", "C", "D")
    r.do("F", "pairs.start")  # [A, B], [C, D]
    e = r.do("A", "pair.add", id="a1", kind="card", text="GEHEIM-AB")
    assert e.audience == frozenset({"A", "B"})
    e = r.do("C", "pair.add", id="c1", kind="note", text="GEHEIM-CD")
    assert e.audience == frozenset({"C", "D"})
    r.do("B", "pair.edit", id="a1", text="GEHEIM-AB bewerkt")
    for pid, sees, not_sees in (("A", "GEHEIM-AB", "GEHEIM-CD"), ("D", "GEHEIM-CD", "GEHEIM-AB")):
        text = json.dumps(r.view(pid))
        assert sees in text and not_sees not in text
    for pid in ("F", "I", None):
        v = view(r.state, pid, public=pid is None)
        assert "GEHEIM" not in json.dumps(v) and v["pair_board"] == {}
    assert r.view("F")["pair_counts"] == {"0/0": 1, "0/1": 1}  # that they work, not what
    assert "pair_counts" not in r.view("A")
    # Another pair's item is as missing: not editable, and its id free to use.
    r.refuse("C", "pair.edit", "not_found", id="a1", text="x")
    r.refuse("F", "pair.edit", "forbidden", id="a1", text="x")
    r.do("C", "pair.add", id="a1", kind="card", text="eigen a1")
    assert r.view("C")["pair_board"]["a1"]["text"] == "eigen a1"
    assert r.view("A")["pair_board"]["a1"]["text"] == "GEHEIM-AB bewerkt"
    # The facilitator ends the round: closed, still hidden.
    r.do("F", "pairs.end")
    r.refuse("A", "pair.add", "invalid", id="a2", kind="card", text="te laat")
    assert "GEHEIM" not in json.dumps(r.view("F"))
    # One pair presents: its board for all; the other stays hidden.
    e = r.do("F", "pairs.reveal", group=1)
    assert "GEHEIM-AB" not in json.dumps(e.data) and e.audience is None
    assert "GEHEIM-CD" in json.dumps(r.view("B")) and "GEHEIM-AB" not in json.dumps(r.view("D"))
    r.refuse("F", "pairs.reveal", "conflict", group=1)
    r.do("F", "pairs.reveal")
    for pid in ("F", "I", "B", "D"):
        text = json.dumps(r.view(pid))
        assert "GEHEIM-AB bewerkt" in text and "GEHEIM-CD" in text
    assert "GEHEIM-AB" in json.dumps(view(r.state, None, public=True))
    r.refuse("F", "pairs.reveal", "invalid")
    assert r.replayed().to_dict() == r.state.to_dict()


def test_a_new_round_ends_the_one_before_and_time_can_be_added() -> None:
    r = _room("A", "B")
    r.do("F", "pairs.start", minutes=3)
    dl = r.state.pairs[-1]["deadline"]
    r.do("F", "pairs.time", seconds=60)
    assert r.state.pairs[-1]["deadline"] == dl + 60_000 and r.state.pairs[-1]["seconds"] == 240
    r.do("A", "pair.add", id="x", kind="card", text="eerste ronde")
    r.tick(300_000)  # the time is up: the boards take no more, until the facilitator adds time
    r.refuse("A", "pair.add", "phase_closed", id="late", kind="card", text="te laat")
    r.refuse("A", "pair.remove", "phase_closed", id="x")
    r.do("F", "pairs.time", seconds=60)  # a minute from now, not from the deadline long past
    assert r.state.pairs[-1]["deadline"] == r.now + 60_000
    r.do("A", "pair.add", id="late", kind="card", text="net op tijd")
    r.do("F", "pairs.start", minutes=3)
    assert [p["ended"] for p in r.state.pairs] == [True, False]
    r.do("F", "pairs.reveal")  # the latest round's boards
    assert r.view("I")["pair_board"] == {}  # the first round's is still its pair's
    r.refuse("A", "pair.add", "invalid", id="y", kind="card", text="na afloop")
    r.refuse("F", "pairs.end", "invalid")
    r.refuse("F", "pairs.time", "invalid", seconds=60)
    r.refuse("A", "pair.add", "invalid", id="z", kind="sticker", text="x")


def test_a_method_opens_pair_work_and_it_survives_toml() -> None:
    from engine_harness import LIB

    from server.methods import MethodError, parse_method, parse_toml, to_toml

    m = LIB.methods["waarderend"]
    pair_phases = [p for p in m.phases if "pairs" in p.tools]
    assert [p.id for p in pair_phases] == ["tweetallen"]  # seed 001: "steeds met tweetallen werkend"
    assert parse_toml(to_toml(m)) == m
    data = m.to_dict()
    data["phases"][3]["tools"] = ["text", "pairz"]
    try:
        parse_method(data, "test")
    except MethodError as e:
        assert e.detail()["path"] == ["phases", 3, "tools"]
    else:
        raise AssertionError("an unknown tool was accepted")


def test_the_report_has_each_pair_as_its_viewer_may_see_it() -> None:
    from server import report

    r = _room("A", "B", "C", "D", "E")
    r.do("F", "pairs.start")  # [A, B], [C, D, E]
    r.do("A", "pair.add", id="a1", kind="card", text="Ze *nam* de tijd")
    r.do("C", "pair.add", id="c1", kind="note", text="GEHEIM-CDE")
    r.do("F", "pairs.reveal", group=0)
    md = report.markdown(r.view("F"), "nl")
    assert "## Tweetallen: In tweetallen" in md
    assert "### Tweetal 1: A, B" in md and "- Ze \\*nam\\* de tijd (A)" in md
    assert "### Drietal 2: C, D, E" in md and "GEHEIM" not in md
    assert "- *nog niet gedeeld met de groep*" in md
    own = report.markdown(r.view("D"), "en")  # their own pair's board, not yet shown to the group
    assert "### Trio 2: C, D, E" in own and "- *Note:* GEHEIM-CDE (C)" in own
