"""The room lock and removal hold (hardening issue, items 3 and 6), asserted on the raw frames.

The projector has a key of its own: the join key with `projector: true` is an ordinary join and
waits in a locked room. Someone waiting gets nothing of the room: no events, no presence, no names,
not on a resume either. A removed person is locked out at once: the join link rotates, their token
is refused, and a member removed from a group is removed from its meetings.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from kring_testlib import Client, ServerProc, create_room, post_json

SECRET_Q = "CANARY-vraag-3b1e"
SECRET_CARD = "CANARY-kaart-5d2f"


def _raw(c: Client) -> str:
    return "\n".join(c.raw)


async def _refused(c: Client, hello: dict[str, Any]) -> tuple[int | None, list[dict[str, Any]]]:
    with pytest.raises(ConnectionError):
        await c.connect(hello)
    code, _ = await c.wait_closed()
    return code, c.msgs


async def _room_with_content(srv: ServerProc, clients: Any) -> tuple[dict[str, Any], Client, Client]:
    room = create_room(srv.base)
    fac: Client = clients(room["room"])
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    anna: Client = clients(room["room"])
    await anna.connect({"key": room["join_key"], "name": "Anna"})
    await fac.ok("role.assign", {"pid": anna.pid, "role": "inbrenger", "on": True})
    await anna.ok("case.set", {"question": f"Hoe zeg ik het? {SECRET_Q}"})
    await fac.ok("phase.goto", {"index": 2})
    await fac.ok("room.lock", {"locked": True})
    return room, fac, anna


async def test_join_key_with_projector_flag_is_an_ordinary_join_and_waits(
    sqlite_server: ServerProc, clients: Any
) -> None:
    srv = sqlite_server
    room, fac, anna = await _room_with_content(srv, clients)
    # Without a name it is refused like any join without a name: no projector for the join key.
    code, msgs = await _refused(clients(room["room"]), {"key": room["join_key"], "projector": True})
    assert code == 4001 and any(m["t"] == "error" and m["code"] == "invalid" for m in msgs)
    # Nor for the facilitator's own key.
    code, _ = await _refused(clients(room["room"]), {"key": room["facilitator_key"], "projector": True})
    assert code == 4001
    # With a name it waits, visible to the facilitator, and sees nothing of the room.
    eve: Client = clients(room["room"])
    w = await eve.connect({"key": room["join_key"], "projector": True, "name": "Eve", "view": True})
    assert w["you"]["waiting"] is True and "projector" not in w["you"]
    assert w["state"]["participants"] == {} and w["state"]["case"]["question"] == ""
    knock = await fac.wait_for(lambda m: m["t"] == "event" and m["type"] == "participant.wait")
    assert knock["data"] == {"pid": eve.pid, "name": "Eve"}
    seq = await anna.ok("card.add", {"id": "q1", "kind": "question", "text": f"Wat? {SECRET_CARD}"})
    await fac.wait_seq(seq)
    await asyncio.sleep(0.3)
    raw = _raw(eve)
    for secret in (SECRET_Q, SECRET_CARD, "Fenna", "Anna", fac.pid, anna.pid):
        assert secret not in raw
    # The welcome, and (a browser) views of the same empty room: no events, no presence.
    assert {json.loads(f)["t"] for f in eve.raw} <= {"welcome", "view"}


async def test_the_projector_has_its_own_key_that_the_facilitator_rotates_and_revokes(
    sqlite_server: ServerProc, clients: Any
) -> None:
    srv = sqlite_server
    room, fac, anna = await _room_with_content(srv, clients)
    key = fac.welcome["projector_key"]  # type: ignore[index]
    assert key == room["projector_key"] and room["projector_url"].endswith(f"/projector#{key}")
    assert key not in (room["join_key"], room["facilitator_key"])
    assert "projector_key" not in anna.welcome and "join_key" not in anna.welcome  # type: ignore[operator]
    # The projector key works in a locked room (it is the facilitator's screen), read-only.
    pj: Client = clients(room["room"])
    w = await pj.connect({"key": key, "projector": True, "view": True})
    assert w["you"]["projector"] is True and w["state"]["case"]["question"].endswith(SECRET_Q)
    assert (await pj.cmd("card.add", {"id": "x", "kind": "question", "text": "x"}))["code"] == "forbidden"
    # The facilitator sees it: a "beamer" in presence (not among the participants).
    p = await fac.wait_for(lambda m: m["t"] == "presence" and m.get("screens"))
    assert p["screens"] == [{"kind": "projector", "name": "beamer"}]
    assert {o["pid"] for o in p["online"]} == {fac.pid, anna.pid}
    # Only a facilitator rotates or revokes it.
    assert (await anna.cmd("projector.revoke"))["code"] == "forbidden"
    assert (await anna.cmd("projector.rotate"))["code"] == "forbidden"
    # Revoked: the projector closes (4003), the key admits nobody, the facilitator is told.
    mark = len(fac.msgs)
    await fac.ok("projector.revoke")
    assert (await pj.wait_closed())[0] == 4003
    keys = await fac.wait_for(lambda m: m["t"] == "keys", start=mark)
    assert keys["projector_key"] is None and keys["join_key"] == room["join_key"]
    await fac.wait_for(lambda m: m["t"] == "presence" and m["screens"] == [], start=mark)
    code, _ = await _refused(clients(room["room"]), {"key": key, "projector": True})
    assert code == 4001
    # Rotated: a new key, offered to facilitators (also after a reconnect); the old stays dead.
    mark = len(fac.msgs)
    await fac.ok("projector.rotate")
    keys = await fac.wait_for(lambda m: m["t"] == "keys", start=mark)
    new = keys["projector_key"]
    assert new and new != key
    assert not any(m["t"] == "keys" for m in anna.msgs)
    again: Client = clients(room["room"])
    w = await again.connect({"key": room["facilitator_key"], "token": fac.token})
    assert w["projector_key"] == new
    pj2: Client = clients(room["room"])
    await pj2.connect({"key": new, "projector": True})
    code, _ = await _refused(clients(room["room"]), {"key": key, "projector": True})
    assert code == 4001
    # Rotating again closes the projector of the old key.
    await fac.ok("projector.rotate")
    assert (await pj2.wait_closed())[0] == 4003


async def test_a_waiting_person_gets_nothing_of_the_room_not_even_on_resume(
    sqlite_server: ServerProc, clients: Any
) -> None:
    srv = sqlite_server
    room, fac, anna = await _room_with_content(srv, clients)
    wim: Client = clients(room["room"])
    w = await wim.connect({"key": room["join_key"], "name": "Wim"})
    assert w["you"] == {"pid": wim.pid, "name": "Wim", "roles": [], "waiting": True}
    seq = await anna.ok("card.add", {"id": "q1", "kind": "question", "text": f"Wat? {SECRET_CARD}"})
    await fac.ok("participant.rename", {"name": "Fenna B"})
    await fac.wait_seq(seq + 1)
    await asyncio.sleep(0.3)
    # No presence (no names, no pids), no events: not even the placeholders of a gap-free log.
    assert "presence" not in _raw(wim) and "Fenna" not in _raw(wim) and '"event"' not in _raw(wim)
    # A resume from the start of the log: the empty state, never the events.
    back: Client = clients(room["room"])
    w2 = await back.connect({"key": room["join_key"], "token": wim.token, "epoch": wim.epoch, "since": 0})
    assert "events" not in w2 and w2["state"]["cards"] == {} and w2["you"]["waiting"] is True
    await asyncio.sleep(0.3)
    for c in (wim, back):
        raw = _raw(c)
        for secret in (SECRET_Q, SECRET_CARD, "Fenna", "Anna", fac.pid, anna.pid):
            assert secret not in raw, secret
        assert {json.loads(f)["t"] for f in c.raw} == {"welcome"}  # no events, no presence
    # Admitted: the join about them, then the whole view (a protocol client too), then the stream.
    admit = await fac.ok("participant.admit", {"pid": wim.pid})
    joined = await back.wait_for(lambda m: m["t"] == "event" and m["seq"] == admit)
    assert joined["type"] == "participant.join"
    v = await back.wait_for(lambda m: m["t"] == "view")
    assert v["seq"] >= admit and v["state"]["cards"]["q1"]["text"].endswith(SECRET_CARD)
    p = await back.wait_for(lambda m: m["t"] == "presence")
    assert wim.pid in {o["pid"] for o in p["online"]}
    seq = await anna.ok("card.add", {"id": "q2", "kind": "question", "text": "En toen?"})
    await back.wait_seq(seq)


async def test_removal_locks_the_person_out_at_once(sqlite_server: ServerProc, clients: Any) -> None:
    srv = sqlite_server
    room = create_room(srv.base)
    rid = room["room"]
    fac: Client = clients(rid)
    await fac.connect({"key": room["facilitator_key"], "name": "Fenna"})
    anna: Client = clients(rid)
    await anna.connect({"key": room["join_key"], "name": "Anna"})
    bram: Client = clients(rid)
    await bram.connect({"key": room["join_key"], "name": "Bram"})
    mark = len(fac.msgs)
    await fac.ok("participant.remove", {"pid": anna.pid})
    assert (await anna.wait_closed())[0] == 4003
    # The join link rotated at once; the facilitator's page gets the new one to share.
    keys = await fac.wait_for(lambda m: m["t"] == "keys", start=mark)
    assert keys["join_key"] and keys["join_key"] != room["join_key"]
    # The removed person: not under a new name, not as a projector, not with their token.
    for hello in (
        {"key": room["join_key"], "name": "Anna 2"},
        {"key": room["join_key"], "projector": True, "name": "Beamer"},
        {"key": room["join_key"], "projector": True},
        {"key": room["join_key"], "token": anna.token},
        {"key": keys["join_key"], "token": anna.token, "name": "Anna"},
    ):
        code, _ = await _refused(clients(rid), hello)
        assert code == 4001, hello
    body = {"key": room["join_key"], "token": anna.token, "format": "md"}
    assert (await asyncio.to_thread(post_json, srv.base, f"/r/{rid}/export", body))[0] == 404
    # Those still in keep their place and their report (the link they came with still counts there).
    back: Client = clients(rid)
    assert (await back.connect({"key": room["join_key"], "token": bram.token}))["you"]["pid"] == bram.pid
    body = {"key": room["join_key"], "token": bram.token, "format": "md"}
    assert (await asyncio.to_thread(post_json, srv.base, f"/r/{rid}/export", body))[0] == 200
    new: Client = clients(rid)
    await new.connect({"key": keys["join_key"], "name": "Cor"})


async def test_a_member_removed_from_the_group_is_removed_from_its_meetings(
    sqlite_server: ServerProc,
) -> None:
    srv = sqlite_server
    base = srv.base

    def post(path: str, body: dict[str, Any]) -> tuple[int, Any]:
        return post_json(base, path, body)

    status, g = post("/api/groups", {"name": "Noord", "lang": "nl"})
    gid = g["group"]
    members = {}
    for name, key in (("Fenna", g["admin_key"]), ("Bram", g["join_key"]), ("Cor", g["join_key"])):
        status, m = post(f"/api/groups/{gid}/join", {"key": key, "name": name})
        assert status == 200
        members[name] = m
    fenna, bram, cor = members["Fenna"], members["Bram"], members["Cor"]
    status, r = post(
        f"/api/groups/{gid}/cmd", {"token": fenna["token"], "type": "meeting.create", "args": {}}
    )
    room = r["room"]

    def meeting(token: str) -> dict[str, Any]:
        status, v = post(f"/api/groups/{gid}/view", {"token": token})
        assert status == 200, v
        return dict(next(m for m in v["meetings"] if m["room"] == room))

    seen = meeting(bram["token"])  # what Bram saw on the group page before he was removed
    assert seen["token"] and seen["join_key"]
    fac = Client(srv.ws_base, room, base)
    f = meeting(fenna["token"])
    await fac.connect({"key": f["join_key"], "token": f["token"]})
    try:
        cmd = {"token": fenna["token"], "type": "member.remove", "args": {"mid": bram["member"]}}
        assert post(f"/api/groups/{gid}/cmd", cmd)[0] == 200
        # Out of the meeting: his room token is refused, the link he saw admits nobody.
        for hello in (
            {"key": seen["join_key"], "token": seen["token"]},
            {"key": seen["join_key"], "name": "Bram"},
        ):
            c = Client(srv.ws_base, room, base)
            code, _ = await _refused(c, hello)
            await c.close()
            assert code == 4001, hello
        assert post(f"/api/groups/{gid}/view", {"token": bram["token"]})[0] == 404
        ev = await fac.wait_for(lambda m: m["t"] == "event" and m["type"] == "participant.remove")
        assert ev["data"] == {"pid": bram["member"]} and ev["actor"] is None
        # Removed from a meeting (still in the group): the group page shows no way back in.
        await fac.ok("participant.remove", {"pid": cor["member"]})
        c_view = meeting(cor["token"])
        assert c_view["token"] is None and c_view["join_key"] == ""
        assert meeting(fenna["token"])["join_key"] not in ("", seen["join_key"])
    finally:
        await fac.close()
