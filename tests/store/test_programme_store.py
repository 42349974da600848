"""Programmes (server/programme.py) on every store (memory, SQLite, a real Redis): creation with
their groups, the key, the begeleider's first meetings and the hand-over, and retention that keeps
a programme exactly as long as its groups are in use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from kring_testlib import RedisProc

from server.auth import Tokens, key_matches
from server.groups import GroupError, Groups
from server.hub import Hub
from server.methods import MethodLibrary
from server.paths import METHODS
from server.programme import Programmes, check_new
from server.rooms import Command, Rejection
from server.store.base import Store, open_store

DAY = 86_400_000
LIB = MethodLibrary.load(METHODS)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    redis = None
    if request.param == "redis":
        redis = RedisProc(tmp_path).start()
        url = redis.url
    else:
        url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/k.db"
    s = open_store(url)
    try:
        yield s
    finally:
        await s.close()
        if redis is not None:
            redis.stop()


def _programmes(store: Store, clock: Clock) -> Programmes:
    hub = Hub(store, LIB.methods, clock=clock)
    return Programmes(Groups(hub, LIB, Tokens("test-secret", 30 * 86400)))


FIELDS = {
    "name": "Lead & Learn",
    "lang": "nl",
    "start": "2026-09-01",
    "end": "2027-03-31",
    "every_weeks": 4,
    "lead_first": 1,
    "groups": ["A", "B"],
}


async def test_a_programme_its_groups_and_the_begeleiders_first_meeting(store: Store) -> None:
    progs = _programmes(store, Clock())
    for bad in (
        {"groups": []},
        {"start": "1 sept"},
        {"lead_first": -1},
        {"every_weeks": True},
        {"name": " "},
    ):
        with pytest.raises(GroupError):
            check_new({**FIELDS, **bad})
    pid, key, made = await progs.create(check_new(FIELDS))
    assert await progs.open(pid, "forged") is None and await progs.open("gnope", key) is None
    p = await progs.open(pid, key)
    assert p is not None and [g["name"] for g in p.groups] == ["A", "B"]
    assert p.schedule[:2] == ["2026-09-01", "2026-09-29"] and p.schedule[-1] <= "2027-03-31"
    gid = made[0]["group"]
    loaded = await progs.groups.load(gid)
    assert loaded is not None and loaded[0].programme == pid and loaded[0].rotating_chair
    mid, _tok = await progs.groups.join(gid, made[0]["join_key"], "Bram") or ("", "")
    got = await progs.lead(p, gid, {"date": "2026-09-01"})
    room_meta = await store.meta(got["room"])
    assert room_meta is not None and key_matches(got["facilitator_key"], room_meta["facilitator_hash"])
    live = await progs.groups.hub.get(got["room"])
    assert live is not None and live.state.participants[mid]["roles"] == []  # the begeleider leads
    with pytest.raises(GroupError) as done:
        await progs.lead(p, gid, {})
    assert done.value.code == "conflict"
    with pytest.raises(GroupError) as other:
        await progs.lead(p, "gnot-ours", {})
    assert other.value.code == "not_found"
    figures = await progs.figures(p)
    assert [g["led"][0]["room"] for g in figures["groups"] if g["led"]] == [got["room"]]
    assert figures["groups"][0]["members"] == 1 and figures["groups"][1]["members"] == 0
    # A group erased by its facilitator shows as gone, and nothing of it is asked for any more.
    b = await progs.groups.load(made[1]["group"])
    assert b is not None
    await progs.groups.erase(b[0])
    assert (await progs.figures(p))["groups"][1] == {"group": made[1]["group"], "name": "B", "gone": True}
    with pytest.raises(GroupError):
        await progs.ics(p, made[1]["group"])


# Redis keeps its activity index coarsely (once per INDEX_EVERY_S of real time per room), which a
# test's simulated days cannot pass; the group's retention test (tests/unit/test_group_state.py)
# leaves it out too.
@pytest.mark.parametrize("store", ["memory", "sqlite"], indirect=True)
async def test_retention_keeps_a_programme_while_its_groups_are_in_use(store: Store) -> None:
    clock = Clock()
    progs = _programmes(store, clock)
    pid, key, made = await progs.create(check_new(FIELDS))
    p = await progs.open(pid, key)
    assert p is not None
    joined = await progs.groups.join(made[0]["group"], made[0]["join_key"], "Bram")
    assert joined is not None
    room = (await progs.lead(p, made[0]["group"], {}))["room"]
    quiet = made[1]["group"]
    # The programme's own log stays quiet; group A's meeting goes on for weeks, group B never starts.
    for day in range(1, 60):
        clock.now += DAY
        if day < 25:
            live = await progs.groups.hub.get(room)
            assert live is not None
            done = await progs.groups.hub.submit(
                live, Command("participant.rename", {"name": f"Bram {day}"}), joined[0], None
            )
            assert not isinstance(done, Rejection), done
        await progs.groups.count_meetings_as_activity(clock.now, 30 * DAY)
        await progs.keep_active(clock.now, 30 * DAY)
        await progs.groups.hub.expire(clock.now - 30 * DAY)
        meta: Any = await store.meta(pid)
        if day < 54:
            assert meta is not None, f"the programme was erased on day {day}"
        if day == 31:
            assert await store.meta(quiet) is None  # a group idle for the whole period expires
        if day >= 55:
            assert meta is None, day
