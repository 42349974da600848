"""The projector: a read-only screen that joins nobody and shows only what everyone may see."""

from __future__ import annotations

import json
from typing import Any

from kring_testlib import Client, ServerProc, assert_contiguous, create_room


async def test_projector_is_read_only_and_public(sqlite_server: ServerProc, clients: Any) -> None:
    room = create_room(sqlite_server.base, "incident")
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    a: Client = clients(room["room"])
    await a.connect({"key": room["join_key"], "name": "Anna"})
    # The projector has a key of its own, offered to facilitators (never the join key).
    projector_key = fac.welcome["projector_key"]  # type: ignore[index]
    assert projector_key == room["projector_key"]
    beamer: Client = clients(room["room"])
    w = await beamer.connect({"key": projector_key, "projector": True, "view": True})
    assert w["you"]["projector"] is True and w["token"] == ""
    assert set(w["state"]["participants"]) == {fac.pid, a.pid}  # it joined nobody
    assert w["state"]["may"]["cards"] == [] and "stats" not in w["state"]
    r = await beamer.cmd("phase.next")
    assert r["code"] == "forbidden"
    phases = [p["id"] for p in w["state"]["method"]["phases"]]
    seq = await fac.ok("phase.goto", {"index": phases.index("standpuntbepaling")})
    await a.ok("card.add", {"id": "p1", "kind": "position", "text": "geheim standpunt"})
    await fac.ok("role.assign", {"pid": a.pid, "role": "listener", "on": True})
    await a.ok("note.add", {"id": "n1", "text": "geheime notitie"})
    seq = await fac.ok("case.set", {"question": "Openbare vraag?"})
    v = await beamer.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    assert (
        v["state"]["phase"]["id"] == "standpuntbepaling"
        and v["state"]["case"]["question"] == "Openbare vraag?"
    )
    assert "geheim" not in json.dumps(beamer.msgs)
    assert_contiguous(beamer.events)
    online = [m for m in fac.msgs if m["t"] == "presence"][-1]["online"]
    assert {p["pid"] for p in online} == {fac.pid, a.pid}
    seq = await fac.ok("cards.reveal", {"phase": "standpuntbepaling"})
    v = await beamer.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    assert v["state"]["cards"]["p1"]["text"] == "geheim standpunt"
    # A wrong key gets nothing.
    bad: Client = clients(room["room"])
    try:
        await bad.connect({"key": "wrong", "projector": True})
        raise AssertionError("a projector with a wrong key was let in")
    except ConnectionError:
        assert (await bad.wait_closed())[0] == 4001
