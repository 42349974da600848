"""The check-in card on one's persoonlijke leervraag ("wat is er bewogen?") in a meeting's opening
phase: the group's only when its author shares their leervraag, else its author's for good."""

from __future__ import annotations

import json

from engine_harness import LIB, Room

from server.rooms import CLIENT_COMMANDS, created_event, replay


def _group_room() -> Room:
    r = Room()
    members = {
        "mA": {"name": "Anna", "roles": ["facilitator"], "leervraag_shared": True},
        "mB": {"name": "Bram", "roles": []},
        "mC": {"name": "Cor", "roles": []},
    }
    r.log = [created_event("r1", LIB.basic, "Okt", "nl", r.now, group="g1", members=members)]
    r.state = replay("r1", r.log)
    return r


def test_checkin_follows_the_sharing_of_the_leervraag() -> None:
    r = _group_room()
    assert r.state.leervraag_shared == ["mA"]
    own = r.do("mB", "card.add", id="c-bram", kind="checkin", text="CANARY-bram-bewogen")
    assert own.audience == {"mB"} and own.data["private"]
    shared = r.do("mA", "card.add", id="c-anna", kind="checkin", text="Anna: ik delegeer meer")
    assert shared.audience is None and not shared.data["private"]
    for viewer in ("mA", "mC"):  # the facilitator, a member
        raw = json.dumps(r.view(viewer))
        assert "CANARY" not in raw and "Anna: ik delegeer meer" in raw
    assert "CANARY" not in json.dumps(r.view(None))
    assert "CANARY-bram-bewogen" in json.dumps(r.view("mB"))
    # No reveal shows it, no count tells of it.
    assert r.view("mA").get("hidden", {}) == {}
    r.do("mA", "cards.reveal")
    assert "CANARY" not in json.dumps(r.view("mC"))
    # Bram shares his leervraag (the group tells its meetings): his next check-in is the group's;
    # the one he wrote before stays his.
    assert "leervraag.shared" not in CLIENT_COMMANDS
    r.refuse("mB", "leervraag.shared", "forbidden", pid="mB", shared=True)
    r.refuse(None, "leervraag.shared", "invalid", pid="mB", shared="yes")
    r.do(None, "leervraag.shared", pid="mB", shared=True)
    r.do("mB", "card.add", id="c-bram2", kind="checkin", text="Bram: gedeeld")
    raw = json.dumps(r.view("mC"))
    assert "Bram: gedeeld" in raw and "CANARY" not in raw
    r.do(None, "leervraag.shared", pid="mB", shared=False)
    assert r.state.leervraag_shared == ["mA"]
    # Only in the opening phase.
    r.goto("keuze", "mA")
    r.refuse("mC", "card.add", "phase_closed", id="c-cor", kind="checkin", text="x")
    assert r.replayed().to_dict() == r.state.to_dict()


def test_checkin_outside_a_group_is_its_authors() -> None:
    r = Room()
    r.join("F", "Fenna", ["facilitator"])
    r.join("A")
    e = r.do("A", "card.add", id="c1", kind="checkin", text="CANARY-solo")
    assert e.audience == {"A"}
    assert "CANARY" not in json.dumps(r.view("F"))
