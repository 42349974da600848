"""A group's state over a long history: snapshots and a bounded cache instead of a replay per
request, one version per method, erasure, and retention that counts the meetings."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from engine_harness import LIB

from server import groups as groups_module
from server.auth import Tokens
from server.groups import Groups
from server.hub import Hub
from server.rooms import Command
from server.store.base import Store, open_store

DAY = 86_400_000
GROUP_SNAPSHOT_EVERY = getattr(groups_module, "GROUP_SNAPSHOT_EVERY", 20)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000_000

    def __call__(self) -> int:
        return self.now


class Reads:
    """Counts the events a store's `read` hands out (what a load has to fold)."""

    def __init__(self, store: Store) -> None:
        self.n = 0
        real = store.read

        async def read(room: str, after: int, limit: int | None = None) -> list[Any]:
            got = await real(room, after, limit)
            self.n += len(got)
            return got

        store.read = read  # type: ignore[method-assign]


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    s = open_store("memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/k.db")
    yield s
    await s.close()


def _groups(store: Store, clock: Clock | None = None) -> Groups:
    hub = Hub(store, LIB.methods, clock=clock or Clock())
    return Groups(hub, LIB, Tokens("test-secret", 30 * 86400))


def _method(version: int) -> dict[str, Any]:
    m = LIB.methods["balint"].to_dict()
    m["id"] = "balint-lang"
    m["phases"][0]["minutes"] = 1 + version % 60
    m["summary"]["nl"] = f"Versie {version}: " + "lange uitleg " * 2000  # about 26 KB each
    return m


async def test_a_long_history_is_not_replayed_per_request(store: Store) -> None:
    groups = _groups(store)
    gid, admin_key, _ = await groups.create("Team", "nl")
    got = await groups.join(gid, admin_key, "Fenna")
    assert got is not None
    mid, token = got
    saves = 5 * GROUP_SNAPSHOT_EVERY + 3
    for v in range(saves):
        found = await groups.member(gid, token)
        assert found is not None
        await groups.command(found[0], found[1], mid, "method.save", {"method": _method(v)})
    # Another process (or this one after a restart): the snapshot and the events after it.
    cold = _groups(store)
    reads = Reads(store)
    found = await cold.member(gid, token)
    assert found is not None
    assert reads.n < GROUP_SNAPSHOT_EVERY  # not the whole log (2 + saves events)
    g = found[0]
    assert list(g.methods) == ["balint-lang"]  # one version per method: the last
    assert g.methods["balint-lang"]["summary"]["nl"].startswith(f"Versie {saves - 1}:")
    # The next request folds nothing: the state is kept, caught up from the store.
    reads.n = 0
    again = await cold.member(gid, token)
    assert again is not None and again[0] is g and reads.n == 0
    view = await cold.view(g, found[1], mid)
    assert [m["id"] for m in view["methods"]] == ["balint-lang"]
    # A change made by another process is seen.
    other = await groups.member(gid, token)
    assert other is not None
    await groups.command(other[0], other[1], mid, "group.settings", {"name": "Team Noord"})
    again = await cold.member(gid, token)
    assert again is not None and again[0].name == "Team Noord" and reads.n == 1


async def test_a_groups_snapshot_is_no_room(store: Store) -> None:
    groups = _groups(store)
    gid, admin_key, _ = await groups.create("Team", "nl")
    got = await groups.join(gid, admin_key, "Fenna")
    assert got is not None
    found = await groups.member(gid, got[1])
    assert found is not None
    for v in range(GROUP_SNAPSHOT_EVERY + 1):
        await groups.command(found[0], found[1], got[0], "group.settings", {"name": f"Team {v}"})
    assert await store.load_snapshot(gid) is not None
    # Asked for as a room (a WebSocket to /ws/{gid}, an export): no such room, not an exception.
    assert await groups.hub.get(gid) is None


async def test_erasing_a_group_erases_its_meetings(store: Store) -> None:
    groups = _groups(store)
    gid, admin_key, join_key = await groups.create("Team", "nl")
    fenna = await groups.join(gid, admin_key, "Fenna")
    bram = await groups.join(gid, join_key, "Bram")
    assert fenna is not None and bram is not None
    g, meta, _ = await groups.member(gid, fenna[1]) or (None, None, None)
    assert g is not None and meta is not None
    rooms = [
        (await groups.command(g, meta, fenna[0], "meeting.create", {"method": "basis"}))["room"] for _ in "ab"
    ]
    live = await groups.hub.get(rooms[0])
    assert live is not None
    await groups.hub.submit(live, Command("case.set", {"question": "Geheim?"}), fenna[0], None)
    with pytest.raises(Exception) as no:
        await groups.command(g, meta, bram[0], "group.erase", {})
    assert getattr(no.value, "code", None) == "forbidden"
    assert await groups.command(g, meta, fenna[0], "group.erase", {}) == {}
    for room in (gid, *rooms):
        assert await store.meta(room) is None
    assert await groups.member(gid, fenna[1]) is None and await groups.hub.get(rooms[0]) is None


async def test_retention_counts_a_groups_meetings_as_activity(store: Store) -> None:
    clock = Clock()
    groups = _groups(store, clock)
    gid, admin_key, _ = await groups.create("Team", "nl")
    fenna = await groups.join(gid, admin_key, "Fenna")
    assert fenna is not None
    found = await groups.member(gid, fenna[1])
    assert found is not None
    room = (await groups.command(found[0], found[1], fenna[0], "meeting.create", {"method": "basis"}))["room"]
    quiet = (await groups.command(found[0], found[1], fenna[0], "meeting.create", {"method": "basis"}))[
        "room"
    ]
    # The group's own log stays quiet; one meeting goes on for weeks, the other never starts.
    for day in range(1, 60):
        clock.now += DAY
        if day < 25:
            live = await groups.hub.get(room)
            assert live is not None
            await groups.hub.submit(live, Command("case.set", {"question": f"Dag {day}"}), fenna[0], None)
        await groups.count_meetings_as_activity(clock.now, 30 * DAY)
        await groups.hub.expire(clock.now - 30 * DAY)
        if day < 54:  # the meeting's last event (day 24) is within the retention period
            assert await store.meta(gid) is not None, f"the group was erased on day {day}"
            assert await store.meta(room) is not None
        if day == 31:
            assert await store.meta(quiet) is None  # a meeting idle for the whole period expires
        if day >= 55:  # and no longer than that: the group's activity is its meetings', not later
            assert await store.meta(gid) is None and await store.meta(room) is None, day


def test_snapshot_holds_json(tmp_path: Path) -> None:
    from server.groups import GroupState

    g = GroupState(id="g1", name="T", lang="nl", created=1)
    d = json.loads(json.dumps(g.to_dict()))
    assert d["kind"] == "group" and GroupState.from_dict(d) == g
