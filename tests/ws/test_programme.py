"""Programmes (trajecten) against a live server: a begeleider creates a programme with two groups,
leads each group's first meeting as external facilitator, then the rotating chair takes over. Every
content field of both groups is filled with canaries; no programme response carries any of them,
and the figures are the right counts."""

from __future__ import annotations

import json
from typing import Any

from kring_testlib import Client, ServerProc
from kring_testlib import post_json as post
from test_groups import Member


def _programme(srv: ServerProc, **over: Any) -> tuple[int, Any]:
    body = {
        "name": "Lead & Learn",
        "lang": "nl",
        "start": "2026-09-01",
        "end": "2027-03-31",
        "every_weeks": 4,
        "lead_first": 1,
        "groups": ["Groep A", "Groep B"],
        **over,
    }
    return post(srv.base, "/api/programmes", body)


def _key(url: str) -> str:
    return url.split("#", 1)[1]


async def _fill(srv: ServerProc, pid: str, key: str, grp: dict[str, Any], n: int) -> dict[str, Any]:
    """Every content field of one programme group, each a canary: names, the group's name, a
    method, leervragen (shared and not), learning logs, a werkvraag, proposals, the case and its
    reformulation, cards of each kind, mind-map nodes, notes, the plan and a suggestion, what was
    learned, a follow-up report, the force field, a meeting title and a rename."""
    c = f"CANARY{n}"
    gid = grp["group"]
    admin = Member(srv, gid, _key(grp["admin_url"]), f"{c}-name-admin")
    bram, cor, dirk = (Member(srv, gid, _key(grp["join_url"]), f"{c}-name-{x}") for x in "bcd")
    assert admin.cmd("group.settings", name=f"{c}-groupname")[0] == 200
    _, toml = post(srv.base, f"/api/groups/{gid}/methods/export", {"token": admin.token, "id": "basis"})
    toml = toml.replace('id = "basis"', f'id = "eigen-{n}"').replace("Basismethode", f"{c}-method")
    assert post(srv.base, f"/api/groups/{gid}/methods/import", {"token": admin.token, "toml": toml})[0] == 200
    fields = {k: f"{c}-lv-{k}" for k in ("text", "goals_short", "goals_long", "school")}
    assert bram.cmd("leervraag.set", **fields)[0] == 200
    assert bram.cmd("leervraag.share", shared=True)[0] == 200
    assert cor.cmd("leervraag.set", text=f"{c}-lv-private")[0] == 200
    # Meeting 1: the begeleider leads it.
    status, lead = post(
        srv.base, f"/api/programmes/{pid}/lead", {"key": key, "group": gid, "date": "2026-09-01"}
    )
    assert status == 200, lead
    room1 = lead["room"]
    beg = Client(srv.ws_base, room1, srv.base)
    w = await beg.connect({"key": _key(lead["facilitator_url"]), "name": f"{c}-begeleider", "view": True})
    assert w["you"]["roles"] == ["facilitator"]
    a1, b1, c1, d1 = [await m.enter(room1) for m in (admin, bram, cor, dirk)]
    assert a1.welcome is not None and a1.welcome["you"]["roles"] == []  # the begeleider leads
    await b1.ok("card.add", {"id": "ci", "kind": "checkin", "text": f"{c}-checkin"})
    wv = {"token": cor.token, "room": room1, "text": f"{c}-werkvraag"}
    assert post(srv.base, f"/api/groups/{gid}/werkvraag", wv)[0] == 200
    await beg.ok("phase.goto", {"index": 1})
    await d1.ok("case.propose", {"id": "pr", "text": f"{c}-proposal"})
    await beg.ok("role.assign", {"pid": bram.mid, "role": "inbrenger", "on": True})
    await beg.ok("role.assign", {"pid": dirk.mid, "role": "listener", "on": True})
    await b1.ok("case.set", {"question": f"{c}-question"})
    await beg.ok("phase.goto", {"index": 2})
    await c1.ok("card.add", {"id": "q", "kind": "question", "text": f"{c}-card-question"})
    await c1.ok("mindmap.add", {"id": "n1", "parent": "root", "text": f"{c}-node"})
    await d1.ok("note.add", {"id": "no", "text": f"{c}-note"})
    await beg.ok("phase.goto", {"index": 3})
    await b1.ok("case.reformulate", {"text": f"{c}-reformulation"})
    await c1.ok("card.add", {"id": "rf", "kind": "reformulation", "text": f"{c}-card-reformulation"})
    await beg.ok("phase.goto", {"index": 4})
    for f in ("action", "specific", "measurable", "acceptable", "realistic", "timebound", "first_step"):
        await b1.ok("plan.set", {"field": f, "text": f"{c}-plan-{f}"})
    await b1.ok("plan.set", {"field": "review_date", "text": "2026-09-20"})
    await c1.ok("plan.suggest", {"id": "s1", "field": "action", "text": f"{c}-suggestion"})
    await a1.ok("card.add", {"id": "ad", "kind": "advice", "text": f"{c}-card-advice"})
    await beg.ok("notes.reveal")
    await beg.ok("phase.goto", {"index": 5})
    await a1.ok("card.add", {"id": "re", "kind": "reflection", "text": f"{c}-card-reflection"})
    for who, score in ((a1, 4), (b1, 5), (c1, 3)):
        await who.ok("eval.submit", {"content": score, "process": score, "learned": f"{c}-learned"})
    await beg.ok("evaluation.close")
    await beg.ok("meeting.next", {"chair": cor.mid, "inbrenger": admin.mid})
    await beg.ok("attendance.confirm", {"present": [admin.mid, bram.mid, cor.mid]})  # dirk: absent
    for x in (beg, a1, b1, c1, d1):
        await x.close()
    assert bram.cmd("log.add", room=room1, learned=f"{c}-log-learned", text=f"{c}-log-text")[0] == 200
    # Handed over: the begeleider leads no more, the chair plans meeting 2.
    status, again = post(srv.base, f"/api/programmes/{pid}/lead", {"key": key, "group": gid})
    assert status == 409 and "CANARY" not in str(again)
    status, r2 = cor.cmd("meeting.create", method=f"eigen-{n}", date="2026-09-29", title=f"{c}-title")
    assert status == 200, r2
    room2 = r2["room"]
    b2, c2 = await bram.enter(room2), await cor.enter(room2)
    await b2.ok("followup.report", {"meeting": room1, "status": "done", "text": f"{c}-report"})
    await b2.ok("participant.rename", {"name": f"{c}-renamed"})
    await c2.ok("method.switch", {"method": "krachtenveld"})
    await c2.ok("phase.goto", {"index": 1})
    await c2.ok("forcefield.set", {"current": f"{c}-current", "desired": f"{c}-desired"})
    await c2.ok("force.add", {"id": "f1", "side": "promoting", "text": f"{c}-force"})
    for x in (b2, c2):
        await x.close()
    return {
        "gid": gid,
        "mids": [admin.mid, bram.mid, cor.mid, dirk.mid],
        "bram": bram,
        "cor": cor,
        "dirk": dirk,
    }


async def test_programme_figures_carry_no_content(sqlite_server: ServerProc) -> None:
    srv = sqlite_server
    assert _programme(srv, groups=[])[0] == 400
    assert _programme(srv, end="2026-08-01")[0] == 400
    assert _programme(srv, every_weeks=0)[0] == 400
    status, p = _programme(srv)
    assert status == 201, p
    pid, key = p["programme"], p["key"]
    assert p["url"].endswith(f"/p/{pid}#{key}") and [g["name"] for g in p["groups"]] == ["Groep A", "Groep B"]
    assert post(srv.base, f"/api/programmes/{pid}/view", {"key": "forged"})[0] == 404
    assert post(srv.base, f"/api/programmes/{pid}/view", {"key": p["groups"][0]["admin_url"]})[0] == 404
    filled = [await _fill(srv, pid, key, g, n) for n, g in enumerate(p["groups"])]

    bodies: list[str] = []
    status, view = post(srv.base, f"/api/programmes/{pid}/view", {"key": key})
    assert status == 200
    bodies.append(str(view))
    for f in filled:
        for path in ("ics", "qr"):
            status, body = post(srv.base, f"/api/programmes/{pid}/{path}", {"key": key, "group": f["gid"]})
            assert status == 200
            bodies.append(body)
    assert post(srv.base, f"/api/programmes/{pid}/ics", {"key": key, "group": "gnope"})[0] == 404
    # Nothing of the groups' content, nor any member's id, in any programme response.
    mids = [mid for f in filled for mid in f["mids"]]
    for body in bodies:
        assert "CANARY" not in body
        assert not [m for m in mids if m in body]

    assert view["programme"]["schedule"][:3] == ["2026-09-01", "2026-09-29", "2026-10-27"]
    for g in view["groups"]:
        assert g["members"] == 4 and g["leervraag"] == 2 and g["held"] == 1
        assert g["attendance"] == {"present": 3, "of": 4}
        assert g["plans"] == {"made": 1, "done": 1}
        assert g["trend"] == [{"date": "2026-09-01", "content": 4.0, "process": 4.0}]
        assert [m["held"] for m in g["meetings"]] == [True, False]
        assert g["meetings"][0]["confirmed"] and g["meetings"][0]["external"]
        assert len(g["led"]) == 1 and g["led"][0]["facilitator_key"]
        assert g["join_url"].startswith(f"{srv.base}/g/{g['group']}#")
    ics = bodies[1]
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and "DTSTART;VALUE=DATE:20260929\r\n" in ics
    assert ics.count("BEGIN:VEVENT") == len(view["programme"]["schedule"])

    # The statement of participation in the members' reflection: the begeleider led meeting 1,
    # the hours count the meeting its facilitator confirmed them present at.
    bram, dirk = filled[0]["bram"], filled[0]["dirk"]
    _, r = post(srv.base, f"/api/groups/{bram.gid}/reflection", {"token": bram.token, "format": "json"})
    first = r["meetings"][0]
    assert first["external"] and first["led"] == ["CANARY0-begeleider"] and first["status"] == "present"
    assert r["hours"] == {"confirmed": round(first["minutes"] / 60, 2), "unconfirmed": 0}
    assert [c["own"] for c in r["cases"]] == [True] and r["cases"][0]["question"] == "CANARY0-reformulation"
    _, r = post(srv.base, f"/api/groups/{bram.gid}/reflection", {"token": dirk.token, "format": "json"})
    assert r["meetings"][0]["status"] == "absent" and r["hours"]["confirmed"] == 0
    cor = filled[0]["cor"]
    _, r = post(srv.base, f"/api/groups/{bram.gid}/reflection", {"token": cor.token, "format": "json"})
    # Bram's case: Cor's question card, node and reformulation card count, the case is not there.
    assert r["cases"][0] == {
        "title": r["cases"][0]["title"],
        "date": "2026-09-01",
        "own": False,
        "question": "",
        "contributions": 3,
    }
    assert "CANARY0-question" not in str(r) and "CANARY0-reformulation" not in str(r)
    _, md = post(srv.base, f"/api/groups/{bram.gid}/reflection", {"token": bram.token})
    assert "begeleider: CANARY0-begeleider · aanwezig (bevestigd)" in md


async def test_attendance_never_reaches_another_member_on_the_wire(sqlite_server: ServerProc) -> None:
    """Attendance is personal data: the facilitator sees it in their view; on the wire every
    connection, the facilitator's too, gets the events only as the `private` placeholder."""
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Team", "lang": "nl"})
    fenna = Member(srv, g["group"], g["admin_key"], "Fenna")
    bram = Member(srv, g["group"], g["join_key"], "Bram")
    room = fenna.cmd("meeting.create", method="basis")[1]["room"]
    f1, b1 = await fenna.enter(room), await bram.enter(room)
    r = await b1.cmd("attendance.confirm", {"present": [bram.mid]})
    assert r["t"] == "error" and r["code"] == "forbidden"
    seq = await f1.ok("attendance.confirm", {"present": [fenna.mid, bram.mid]})
    await b1.wait_seq(seq)
    view = await f1.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    assert view["state"]["attendance"]["confirmed"] == sorted([fenna.mid, bram.mid])
    assert set(view["state"]["attendance"]["seen"]) == {fenna.mid, bram.mid}
    for c in (f1, b1):
        frames = [json.loads(x) for x in c.raw]
        events = [m for m in frames if m["t"] == "event"]
        assert not [e for e in events if e["type"].startswith("attendance")], c.pid
        assert next(e for e in events if e["seq"] == seq)["type"] == "private"
    assert not [x for x in b1.raw if '"attendance"' in x or "confirmed" in x]
    for c in (f1, b1):
        await c.close()
