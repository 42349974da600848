"""The learning thread of a year, against a live server: a member's persoonlijke leervraag (private
until shared, every version kept) and their private learning log; the raw JSON of the group API
never carries one member's unshared texts to another, and erasing a member erases them."""

from __future__ import annotations

import json
from pathlib import Path

from kring_testlib import ServerProc
from test_groups import Member, _stored, post


async def test_leervraag_private_until_shared_with_versions(
    sqlite_server: ServerProc, tmp_path: Path
) -> None:
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Team", "lang": "nl"})
    gid = g["group"]
    fenna = Member(srv, gid, g["admin_key"], "Fenna")
    bram = Member(srv, gid, g["join_key"], "Bram")
    assert bram.view()["leervraag"] is None
    assert bram.cmd("leervraag.share", shared=True)[0] == 404  # nothing to share yet
    assert bram.cmd("leervraag.set", text="  ")[0] == 400
    assert bram.cmd("leervraag.set", text="x" * 2001)[0] == 413
    status, body = bram.cmd(
        "leervraag.set",
        text="CANARY-lv1-text",
        goals_short="CANARY-lv1-short",
        goals_long="CANARY-lv1-long",
        school="CANARY-lv1-school",
    )
    assert status == 200 and body["version"] == 1
    assert (
        bram.cmd("leervraag.set", text="CANARY-lv2-text", goals_short="CANARY-lv2-short")[1]["version"] == 2
    )
    own = bram.view()["leervraag"]
    assert own["shared"] is False
    assert [v["v"] for v in own["versions"]] == [1, 2]
    assert own["versions"][0]["school"] == "CANARY-lv1-school" and own["versions"][1]["goals_long"] == ""
    assert all(isinstance(v["at"], int) for v in own["versions"])
    # Unshared: nothing of it in the raw JSON another member (the group's facilitator too) receives.
    raw = json.dumps(post(srv.base, f"/api/groups/{gid}/view", {"token": fenna.token})[1])
    assert "CANARY" not in raw
    assert fenna.view()["leervragen"] == {}
    # Shared: the latest version only reaches the others.
    assert bram.cmd("leervraag.share", shared="yes")[0] == 400
    assert bram.cmd("leervraag.share", shared=True)[0] == 200
    raw = json.dumps(post(srv.base, f"/api/groups/{gid}/view", {"token": fenna.token})[1])
    assert "CANARY-lv2-text" in raw and "CANARY-lv1" not in raw
    assert fenna.view()["leervragen"][bram.mid]["v"] == 2
    assert bram.cmd("leervraag.share", shared=False)[0] == 200
    raw = json.dumps(post(srv.base, f"/api/groups/{gid}/view", {"token": fenna.token})[1])
    assert "CANARY" not in raw
    # Erasing the member erases every version from the store (log, snapshot, metadata).
    assert "CANARY-lv1-text" in _stored(tmp_path / "kring.db", gid)
    assert bram.cmd("member.erase")[0] == 200
    assert "CANARY" not in _stored(tmp_path / "kring.db", gid)


async def test_learning_log_is_the_members_own(sqlite_server: ServerProc, tmp_path: Path) -> None:
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Team", "lang": "nl"})
    gid = g["group"]
    fenna = Member(srv, gid, g["admin_key"], "Fenna")
    bram = Member(srv, gid, g["join_key"], "Bram")
    cor = Member(srv, gid, g["join_key"], "Cor")
    _, r = fenna.cmd("meeting.create", method="basis", date="2026-09-01")
    room = r["room"]
    f1, b1 = await fenna.enter(room), await bram.enter(room)
    await f1.ok("phase.goto", {"index": 5})
    await b1.ok("eval.submit", {"content": 4, "learned": "CANARY-learned-in-room"})
    for c in (f1, b1):
        await c.close()
    meeting = next(m for m in bram.view()["meetings"] if m["room"] == room)
    assert meeting["learned"] == "CANARY-learned-in-room"  # the log entry's starting point
    assert next(m for m in fenna.view()["meetings"] if m["room"] == room)["learned"] == ""
    assert bram.cmd("log.add", room="r-nope", text="x")[0] == 404
    assert bram.cmd("log.add", room=room)[0] == 400
    status, body = bram.cmd(
        "log.add", room=room, learned="CANARY-learned-in-room", text="CANARY-reflection-on-leervraag"
    )
    assert status == 200, body
    log = bram.view()["log"]
    assert len(log) == 1 and log[0]["room"] == room and log[0]["text"] == "CANARY-reflection-on-leervraag"
    for other in (fenna, cor):
        raw = json.dumps(post(srv.base, f"/api/groups/{gid}/view", {"token": other.token})[1])
        assert "CANARY" not in raw
        assert other.view()["log"] == []
    assert bram.cmd("member.erase")[0] == 200
    assert "CANARY-reflection" not in _stored(tmp_path / "kring.db", gid)


async def test_checkin_cards_follow_the_sharing_of_the_leervraag(sqlite_server: ServerProc) -> None:
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Team", "lang": "nl"})
    gid = g["group"]
    fenna = Member(srv, gid, g["admin_key"], "Fenna")
    bram = Member(srv, gid, g["join_key"], "Bram")
    cor = Member(srv, gid, g["join_key"], "Cor")
    assert cor.cmd("leervraag.set", text="Cor's leervraag")[0] == 200
    assert cor.cmd("leervraag.share", shared=True)[0] == 200
    assert bram.cmd("leervraag.set", text="Bram's leervraag")[0] == 200
    _, r = fenna.cmd("meeting.create", method="basis", date="2026-09-01")
    f1, b1, c1 = await fenna.enter(r["room"]), await bram.enter(r["room"]), await cor.enter(r["room"])
    # Cor shared before the meeting was made: his check-in is the group's.
    seq = await c1.ok("card.add", {"id": "c-cor", "kind": "checkin", "text": "Cor: er is veel bewogen"})
    await f1.wait_seq(seq)
    assert "Cor: er is veel bewogen" in "".join(f1.raw)
    # Bram did not share: his check-in never reaches anyone else, the facilitator neither.
    seq = await b1.ok("card.add", {"id": "c-bram", "kind": "checkin", "text": "CANARY-bram-checkin"})
    await f1.wait_seq(seq)
    await c1.wait_seq(seq)
    # Bram shares from the group page: the meeting learns it at once.
    assert bram.cmd("leervraag.share", shared=True)[0] == 200
    seq = await b1.ok("card.add", {"id": "c-bram2", "kind": "checkin", "text": "Bram: gedeeld"})
    await c1.wait_seq(seq)
    assert "Bram: gedeeld" in "".join(c1.raw)
    for c in (f1, c1):
        assert "CANARY" not in "".join(c.raw)
    for c in (f1, b1, c1):
        await c.close()


async def test_the_years_reflection_is_the_members_own_thread(sqlite_server: ServerProc) -> None:
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Schoolleiders", "lang": "nl"})
    gid = g["group"]
    fenna = Member(srv, gid, g["admin_key"], "Fenna")
    bram = Member(srv, gid, g["join_key"], "Bram")
    cor = Member(srv, gid, g["join_key"], "Cor")
    assert bram.cmd("leervraag.set", text="Bram-lv-1", school="Bram-school")[0] == 200
    assert bram.cmd("leervraag.set", text="Bram-lv-2")[0] == 200
    assert cor.cmd("leervraag.set", text="CANARY-cor-lv")[0] == 200
    assert cor.cmd("leervraag.share", shared=True)[0] == 200
    _, r = fenna.cmd("meeting.create", method="basis", date="2026-09-01", title="September")
    room = r["room"]
    f1, b1, c1 = await fenna.enter(room), await bram.enter(room), await cor.enter(room)
    await f1.ok("role.assign", {"pid": bram.mid, "role": "inbrenger", "on": True})
    await b1.ok("case.set", {"question": "Bram-vraag"})
    await f1.ok("phase.goto", {"index": 4})
    await b1.ok("plan.set", {"field": "action", "text": "Bram-plan"})
    await c1.ok("card.add", {"id": "c-cor", "kind": "advice", "text": "CANARY-cor-advice"})
    for c in (f1, b1, c1):
        await c.close()
    assert bram.cmd("log.add", room=room, learned="Bram-geleerd", text="Bram-reflectie")[0] == 200
    assert cor.cmd("log.add", room=room, text="CANARY-cor-log")[0] == 200
    assert post(srv.base, f"/api/groups/{gid}/reflection", {"token": "forged"})[0] == 404
    status, md = post(srv.base, f"/api/groups/{gid}/reflection", {"token": bram.token})
    assert status == 200 and isinstance(md, str)
    for mine in ("Bram-lv-1", "Bram-lv-2", "Bram-school", "Bram-geleerd", "Bram-reflectie", "Bram-plan"):
        assert mine in md, mine
    assert "2026-09-01 · September · gespreksleider: Fenna · aanwezig (onbevestigd)" in md
    assert "CANARY" not in md
