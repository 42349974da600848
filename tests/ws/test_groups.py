"""Intervisie groups over time, against a live server: members, meetings, follow-up, rotating chair,
custom methods and the evaluation trend."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from kring_testlib import ROOT, Client, ServerProc
from kring_testlib import post_json as post

from server.methods import MethodError, parse_toml


class Member:
    def __init__(self, srv: ServerProc, gid: str, key: str, name: str) -> None:
        self.srv, self.gid = srv, gid
        status, body = post(srv.base, f"/api/groups/{gid}/join", {"key": key, "name": name})
        assert status == 200, body
        self.mid, self.token = body["member"], body["token"]

    def view(self) -> dict[str, Any]:
        status, body = post(self.srv.base, f"/api/groups/{self.gid}/view", {"token": self.token})
        assert status == 200, body
        return dict(body)

    def cmd(self, type_: str, **args: Any) -> tuple[int, dict[str, Any]]:
        return post(
            self.srv.base, f"/api/groups/{self.gid}/cmd", {"token": self.token, "type": type_, "args": args}
        )

    async def enter(self, room: str) -> Client:
        """Enter a group meeting from the group page: no new join link, the same identity."""
        meeting = next(m for m in self.view()["meetings"] if m["room"] == room)
        c = Client(self.srv.ws_base, room, self.srv.base)
        w = await c.connect({"key": meeting["join_key"], "token": meeting["token"], "view": True})
        assert w["you"]["pid"] == self.mid
        return c


async def test_a_group_over_two_meetings(sqlite_server: ServerProc) -> None:
    srv = sqlite_server
    status, g = post(srv.base, "/api/groups", {"name": "Teamleiders Noord", "lang": "nl"})
    assert status == 201 and g["admin_url"].endswith("#" + g["admin_key"])
    assert post(srv.base, "/api/groups", {"name": ""})[0] == 400
    gid = g["group"]
    fenna = Member(srv, gid, g["admin_key"], "Fenna")
    bram = Member(srv, gid, g["join_key"], "Bram")
    cor = Member(srv, gid, g["join_key"], "Cor")
    assert post(srv.base, f"/api/groups/{gid}/join", {"key": "nope", "name": "Eve"})[0] == 404
    assert post(srv.base, f"/api/groups/{gid}/view", {"token": "forged"})[0] == 404
    v = fenna.view()
    assert v["you"]["admin"] and set(v["members"]) == {fenna.mid, bram.mid, cor.mid}
    assert bram.view()["join_key"] is None  # only the group's facilitator sees the invite key
    assert bram.cmd("group.settings", rotating_chair=True)[0] == 403
    assert fenna.cmd("group.settings", rotating_chair=True)[0] == 200
    # Meeting 1.
    assert bram.cmd("meeting.create", method="basis", date="2026-09-01")[0] == 403
    assert fenna.cmd("meeting.create", method="nope")[0] == 404
    assert fenna.cmd("meeting.create", method="basis", date="1 sept")[0] == 400
    status, r1 = fenna.cmd("meeting.create", method="basis", date="2026-09-01", title="September")
    assert status == 200
    room1 = r1["room"]
    f1, b1, c1 = [await m.enter(room1) for m in (fenna, bram, cor)]
    assert f1.welcome["you"]["roles"] == ["facilitator"]  # type: ignore[index]
    await f1.ok("role.assign", {"pid": bram.mid, "role": "inbrenger", "on": True})
    await b1.ok("case.set", {"question": "Hoe spreek ik een ervaren docent aan op te laat komen?"})
    await f1.ok("phase.goto", {"index": 4})
    await b1.ok("plan.set", {"field": "action", "text": "Gesprek met Jan voeren"})
    await b1.ok("plan.set", {"field": "review_date", "text": "2026-09-20"})
    await f1.ok("phase.goto", {"index": 5})
    await c1.ok("eval.submit", {"content": 4, "process": 5})
    await b1.ok("eval.submit", {"content": 2, "process": 3})
    await f1.ok("meeting.next", {"chair": cor.mid, "inbrenger": fenna.mid})
    # Two answers, not closed: the group sees how many answered, no means and no trend.
    v = cor.view()
    assert v["meetings"][0]["evaluation"] == {"content": None, "process": None, "n": 2}
    assert v["trend"] == []
    await f1.ok("eval.submit", {"content": 3, "process": 4})
    v = cor.view()
    assert v["meetings"][0]["evaluation"] == {"content": None, "process": None, "n": 3}
    await f1.ok("evaluation.close")
    for c in (f1, b1, c1):
        await c.close()
    v = cor.view()
    assert v["next_roles"] == {"chair": cor.mid, "inbrenger": fenna.mid}
    assert v["meetings"][0]["status"] == "past" and v["meetings"][0]["evaluation"] == {
        "content": 3.0,
        "process": 4.0,
        "n": 3,
    }
    assert v["trend"] == [{"room": room1, "date": "2026-09-01", "content": 3.0, "process": 4.0}]
    plans = v["open_plans"]
    assert len(plans) == 1 and plans[0]["owner"] == bram.mid and plans[0]["due"] is True
    # Meeting 2: the chair chosen in meeting 1's evaluation plans and runs it.
    assert bram.cmd("meeting.create", method="basis")[0] == 403
    status, r2 = cor.cmd("meeting.create", method="basis", date="2026-10-06")
    assert status == 200, r2
    room2 = r2["room"]
    # Before the meeting, Bram queues a werkvraag: private to him until the case choice.
    status, body = post(
        srv.base,
        f"/api/groups/{gid}/werkvraag",
        {"token": bram.token, "room": room2, "text": "Hoe houd ik mijn jaarplan overeind?"},
    )
    assert status == 200, body
    assert (
        post(srv.base, f"/api/groups/{gid}/werkvraag", {"token": bram.token, "room": room2, "text": ""})[0]
        == 400
    )
    c2, b2, f2 = [await m.enter(room2) for m in (cor, bram, fenna)]
    assert "jaarplan" not in json.dumps(c2.msgs) and "jaarplan" in json.dumps(b2.msgs)
    st = c2.welcome["state"]  # type: ignore[index]
    assert "facilitator" in c2.welcome["you"]["roles"] and "facilitator" not in f2.welcome["you"]["roles"]  # type: ignore[index]
    assert st["case"]["inbrenger"] == fenna.mid
    # The opening shows the open plan; its owner reports back.
    fu = st["followups"]
    assert [f["owner"] for f in fu] == [bram.mid] and fu[0]["plan"]["action"] == "Gesprek met Jan voeren"
    r = await f2.cmd("followup.report", {"meeting": room1, "status": "done", "text": "x"})
    assert r["code"] == "forbidden"
    await b2.ok("followup.report", {"meeting": room1, "status": "partly", "text": "Eerste gesprek gevoerd"})
    seq = await c2.ok("phase.next")  # to the case choice: the queued werkvraag becomes a candidate
    v2 = await f2.wait_for(lambda m: m["t"] == "view" and m["seq"] >= seq)
    cands = v2["state"]["vote"]["candidates"]
    assert [c["author"] for c in cands.values()] == [bram.mid] and "jaarplan" in json.dumps(cands)
    for c in (c2, b2, f2):
        await c.close()
    v = fenna.view()
    assert v["open_plans"][0]["reports"][0]["status"] == "partly"
    assert v["reports"][room1][0]["text"] == "Eerste gesprek gevoerd"
    assert [m["room"] for m in v["meetings"]] == [room1, room2]


async def test_custom_method_same_schema_and_toml_roundtrip(sqlite_server: ServerProc) -> None:
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Ervaren groep"})
    admin = Member(srv, g["group"], g["admin_key"], "Anna")
    other = Member(srv, g["group"], g["join_key"], "Ben")
    basis = (ROOT / "methods" / "balint.toml").read_text("utf-8")
    data = tomllib.loads(basis)
    data["id"] = "balint-kort"
    data["phases"] = [p for p in data["phases"] if p["id"] != "associeren"]
    for p in data["phases"]:  # nothing shows the associations any more
        p["show"] = [x for x in p.get("show", []) if x != "cards:association"]
    data["phases"][0]["minutes"] = 5
    # A schema error is refused with the message the loader gives for the same file.
    bad = dict(data, phases=[dict(data["phases"][0], tools=["text", "laser"]), *data["phases"][1:]])
    bad_toml = json_to_toml(bad)
    try:
        parse_toml(bad_toml, "import.toml")
    except MethodError as e:
        loader_message = str(e)
    status, body = post(
        srv.base, f"/api/groups/{g['group']}/methods/import", {"token": admin.token, "toml": bad_toml}
    )
    assert status == 400 and body["message"] == loader_message and "phases[0].tools" in loader_message
    status, body = admin.cmd("method.save", method=bad)
    assert status == 400 and body["message"].endswith(loader_message.split(": ", 1)[1])
    assert other.cmd("method.save", method=data)[0] == 403
    status, body = admin.cmd("method.save", method=data)
    assert status == 200, body
    status, text = post(
        srv.base, f"/api/groups/{g['group']}/methods/export", {"token": other.token, "id": "balint-kort"}
    )
    assert status == 200 and isinstance(text, str)
    m = parse_toml(
        text,
        "export.toml",
        frozenset({"introductie", "keuze", "onderzoeken", "herformulering", "actieplan", "evaluatie"}),
    )
    assert m.id == "balint-kort" and len(m.phases) == len(data["phases"]) and m.phases[0].minutes == 5
    # It runs exactly like a built-in method.
    status, r = admin.cmd("meeting.create", method="balint-kort", date="2026-11-01")
    assert status == 200
    c = await admin.enter(r["room"])
    assert c.welcome["state"]["method"]["id"] == "balint-kort"  # type: ignore[index]
    seq = await c.ok("phase.next")
    assert seq > 0
    await c.close()


def json_to_toml(d: dict[str, Any]) -> str:
    from server.methods import parse_method as pm
    from server.methods import to_toml

    # Build through the real writer where possible; for an invalid method write it by hand.
    try:
        return to_toml(pm(d, "x", None if d["id"] == "basis" else BASIC))
    except MethodError:
        return _raw_toml(d)


BASIC = frozenset({"introductie", "keuze", "onderzoeken", "herformulering", "actieplan", "evaluatie"})


def _nested(v: Any) -> bool:
    return isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict) for x in v))


def _raw_toml(d: dict[str, Any]) -> str:
    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)

    out = [f"{k} = {val(v)}" for k, v in d.items() if not _nested(v)]

    def table(name: str, t: dict[str, Any]) -> list[str]:
        """A table, its plain keys first, then its sub-tables and arrays of tables."""
        lines = [f"[{name}]"] + [f"{a} = {val(b)}" for a, b in t.items() if not _nested(b)]
        for a, b in t.items():
            if isinstance(b, dict):
                lines += table(f"{name}.{a}", b)
            elif _nested(b):
                for x in b:
                    lines += ["[" + table(f"{name}.{a}", x)[0] + "]", *table(f"{name}.{a}", x)[1:]]
        return lines

    for k, v in d.items():
        if isinstance(v, dict):
            out += table(k, v)
    for r in d.get("rules", []):
        out += ["[[rules]]"] + [f"{kk} = {val(vv)}" for kk, vv in r.items()]
    for p in d["phases"]:
        out += ["[" + table("phases", p)[0] + "]", *table("phases", p)[1:]]
    return "\n".join(out) + "\n"


def test_raw_toml_helper_matches_loader() -> None:
    for name in ("incident", "ui-model", "socratisch", "reflecting-team"):
        d = tomllib.loads((ROOT / "methods" / f"{name}.toml").read_text("utf-8"))
        assert tomllib.loads(_raw_toml(d)) == d, name
    assert Path(ROOT / "methods").is_dir()


async def test_who_queued_a_werkvraag_cannot_be_found_out(sqlite_server: ServerProc) -> None:
    """The id of a werkvraag submitted from the group page is random: not the member and the time
    that everyone else's placeholder shows. And an id taken by someone else's private werkvraag is
    answered exactly as a free id is: the same frames, nothing that confirms the guess."""
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Team", "lang": "nl"})
    fenna = Member(srv, g["group"], g["admin_key"], "Fenna")
    bram = Member(srv, g["group"], g["join_key"], "Bram")
    cor = Member(srv, g["group"], g["join_key"], "Cor")
    _, r = fenna.cmd("meeting.create", method="basis", date="2026-09-01")
    room = r["room"]
    c = await cor.enter(room)
    b = await bram.enter(room)
    status, body = post(
        srv.base,
        f"/api/groups/{g['group']}/werkvraag",
        {"token": bram.token, "room": room, "text": "Hoe nu?"},
    )
    assert status == 200, body
    mine = await b.wait_for(lambda m: m["t"] == "event" and m["seq"] == body["seq"])
    placeholder = await c.wait_for(lambda m: m["t"] == "event" and m["seq"] == body["seq"])
    assert placeholder["type"] == "private" and placeholder["actor"] is None
    wid = mine["data"]["id"]
    assert bram.mid not in wid and str(placeholder["at"]) not in wid and len(wid) >= 20
    # Cor tries the id the old scheme would have given, and then Bram's real id: both are free ids
    # to Cor, answered with the same frames as any free id.
    guessed = await c.cmd("case.queue", {"id": f"w{bram.mid}{placeholder['at']}"[-40:], "text": "Ik?"})
    assert guessed["t"] == "ack"  # a free id (the old scheme's) is just a free id now
    taken = await c.cmd("case.queue", {"id": wid, "text": "Ik ook?"})
    assert taken["t"] == "ack"
    mine_c = await c.wait_for(lambda m: m["t"] == "event" and m["seq"] == taken["seq"])
    assert mine_c["type"] == "case.queued" and mine_c["data"] == {"id": wid, "text": "Ik ook?"}
    other = await b.wait_for(lambda m: m["t"] == "event" and m["seq"] == taken["seq"])
    assert other["type"] == "private" and other["data"] == {}
    # Bram's werkvraag is untouched; each sees only their own under that id, and neither text
    # ever reached the other's socket.
    b2, c2 = await bram.enter(room), await cor.enter(room)
    assert b2.welcome is not None and c2.welcome is not None
    assert b2.welcome["state"]["queued"] == {wid: {"text": "Hoe nu?", "author": bram.mid}}
    assert c2.welcome["state"]["queued"][wid] == {"text": "Ik ook?", "author": cor.mid}
    assert "Ik ook?" not in "".join(b.raw + b2.raw) and "Hoe nu?" not in "".join(c.raw + c2.raw)
    for cl in (b2, c2):
        await cl.close()
    for cl in (b, c):
        await cl.close()


def _stored(db: Path, gid: str) -> str:
    """Everything the SQLite store keeps for one id (log, snapshot, metadata), as text."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = [
            *con.execute("SELECT type, actor, data FROM events WHERE room=?", (gid,)),
            *con.execute("SELECT state FROM snapshots WHERE room=?", (gid,)),
            *con.execute("SELECT meta FROM rooms WHERE room=?", (gid,)),
        ]
    finally:
        con.close()
    return json.dumps(rows, ensure_ascii=False)


async def test_a_member_erases_their_data_from_the_group(sqlite_server: ServerProc, tmp_path: Path) -> None:
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Team", "lang": "nl"})
    gid = g["group"]
    fenna = Member(srv, gid, g["admin_key"], "Fenna")
    bram = Member(srv, gid, g["join_key"], "Bram-7f3a")
    cor = Member(srv, gid, g["join_key"], "Cor-91bd")
    _, r = fenna.cmd("meeting.create", method="basis", date="2026-09-01")
    f1, b1 = await fenna.enter(r["room"]), await bram.enter(r["room"])
    await f1.ok("role.assign", {"pid": bram.mid, "role": "inbrenger", "on": True})
    await b1.ok("case.set", {"question": "CANARY-case-of-bram"})
    await f1.ok("phase.goto", {"index": 4})
    await b1.ok("plan.set", {"field": "action", "text": "CANARY-plan-of-bram"})
    await f1.ok("phase.goto", {"index": 5})
    await f1.ok("meeting.next", {"chair": bram.mid, "inbrenger": bram.mid})
    for c in (f1, b1):
        await c.close()
    before = json.dumps(fenna.view())
    assert "Bram-7f3a" in before and "CANARY-plan-of-bram" in before
    # Only oneself, or the group's facilitator, erases a member.
    assert cor.cmd("member.erase", mid=bram.mid)[0] == 403
    assert fenna.cmd("member.erase", mid="m000000000000")[0] == 404
    status, body = bram.cmd("member.erase")
    assert status == 200, body
    after = json.dumps(fenna.view())
    for gone in ("Bram-7f3a", bram.mid, "CANARY-case-of-bram", "CANARY-plan-of-bram"):
        assert gone not in after, gone
    assert post(srv.base, f"/api/groups/{gid}/view", {"token": bram.token})[0] == 404
    # Not in the group's log, snapshot or metadata either (the meeting's room keeps its own record
    # until it is erased).
    assert "Bram-7f3a" not in _stored(tmp_path / "kring.db", gid)
    # A removed member's name leaves the store too.
    assert "Cor-91bd" in _stored(tmp_path / "kring.db", gid)
    assert fenna.cmd("member.remove", mid=cor.mid)[0] == 200
    assert "Cor-91bd" not in _stored(tmp_path / "kring.db", gid) and "Cor-91bd" not in json.dumps(
        fenna.view()
    )
    # The group's last facilitator cannot erase themselves: the group is erased instead.
    assert fenna.cmd("member.erase")[0] == 400


async def test_the_group_facilitator_erases_the_group_and_its_meetings(
    sqlite_server: ServerProc, tmp_path: Path
) -> None:
    srv = sqlite_server
    _, g = post(srv.base, "/api/groups", {"name": "Team", "lang": "nl"})
    gid = g["group"]
    fenna = Member(srv, gid, g["admin_key"], "Fenna")
    bram = Member(srv, gid, g["join_key"], "Bram")
    rooms = [
        fenna.cmd("meeting.create", method="basis", date=d)[1]["room"] for d in ("2026-09-01", "2026-10-01")
    ]
    b1 = await bram.enter(rooms[0])
    await b1.ok("participant.rename", {"name": "CANARY-in-the-room"})
    assert bram.cmd("group.erase")[0] == 403
    status, body = fenna.cmd("group.erase")
    assert status == 200, body
    assert (await b1.wait_closed())[0] == 4010  # the open meeting closed as its own erasure would
    for m in (fenna, bram):
        assert post(srv.base, f"/api/groups/{gid}/view", {"token": m.token})[0] == 404
    for room in (gid, *rooms):
        assert _stored(tmp_path / "kring.db", room) == "[]"


async def test_a_falling_process_score_suggests_livelier_work_forms(sqlite_server: ServerProc) -> None:
    """Three meetings, each evaluated lower on the process: the group's view suggests methods not
    used lately and the work forms (a drawing given back, pairs, a knowledge input) with the
    methods that open them (server/livelier.py)."""
    srv = sqlite_server
    status, g = post(srv.base, "/api/groups", {"name": "Teamleiders Zuid", "lang": "nl"})
    assert status == 201
    gid = g["group"]
    people = [Member(srv, gid, g["admin_key"], "Fenna")]
    people += [Member(srv, gid, g["join_key"], n) for n in ("Bram", "Cor")]
    for month, process in (("09", 5), ("10", 4), ("11", 3)):
        status, r = people[0].cmd("meeting.create", method="basis", date=f"2026-{month}-01")
        assert status == 200, r
        clients = [await m.enter(r["room"]) for m in people]
        await clients[0].ok("phase.goto", {"index": 5})
        for c in clients:
            await c.ok("eval.submit", {"content": 4, "process": process})
        await clients[0].ok("evaluation.close")
        for c in clients:
            await c.close()
        if month == "10":
            assert people[1].view()["livelier"] is None  # two meetings: not a fall over three yet
    got = people[1].view()["livelier"]
    assert got["process"] == [5.0, 4.0, 3.0]
    assert "basis" not in got["methods"] and got["methods"][0] == "geheim-van-de-smid"
    assert got["forms"] == [
        {"form": "drawing", "method": "balint"},
        {"form": "pairs", "method": "waarderend"},
        {"form": "knowledge", "method": None},
    ]
