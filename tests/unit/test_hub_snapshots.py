"""Snapshots are saved off the event's path, one room at a time, and never for an erased room."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from server.hub import Hub, LiveRoom
from server.methods import MethodLibrary
from server.rooms import Command
from server.settings import ROOT
from server.store.base import NoSuchRoom
from server.store.memory import MemoryStore

LIB = MethodLibrary.load(ROOT / "methods")


class SpyStore(MemoryStore):
    """A MemoryStore that logs snapshot saves into a shared timeline."""

    def __init__(self, timeline: list[str]) -> None:
        super().__init__()
        self.timeline = timeline

    async def save_snapshot(self, room: str, seq: int, state: dict[str, Any]) -> None:
        self.timeline.append(f"snap {room} {seq}")
        await super().save_snapshot(room, seq, state)


async def _room(hub: Hub) -> LiveRoom:
    room, _, _ = await hub.create(LIB.methods["basis"], "T", "nl")
    live = await hub.get(room)
    assert live is not None
    res = await hub.submit(
        live, Command("participant.join", {"pid": "p1", "name": "A", "roles": ["facilitator"]}), "p1", None
    )
    assert not hasattr(res, "code"), res
    return live


async def _edits(hub: Hub, live: LiveRoom, n: int) -> None:
    for i in range(n):
        res = await hub.submit(live, Command("case.set", {"question": f"Hoe doe ik {i}?"}), "p1", None)
        assert not hasattr(res, "code"), res


async def test_a_due_snapshot_is_saved_and_a_new_process_loads_the_same_state() -> None:
    store = SpyStore([])
    hub = Hub(store, LIB.methods, snapshot_every=5)
    live = await _room(hub)
    await _edits(hub, live, 6)
    for _ in range(10):
        await asyncio.sleep(0)
    snap = await store.load_snapshot(live.id)
    assert snap is not None and snap[0] >= 5
    fresh = await Hub(store, LIB.methods).get(live.id)
    assert fresh is not None
    assert fresh.state.to_dict() == live.state.to_dict()
    await hub.close()


async def test_rooms_due_together_are_saved_one_per_loop_turn() -> None:
    timeline: list[str] = []
    store = SpyStore(timeline)
    hub = Hub(store, LIB.methods, snapshot_every=5)
    rooms = [await _room(hub) for _ in range(3)]
    for live in rooms:
        await _edits(hub, live, 5)  # MemoryStore never suspends: all three are due before any is saved
    assert not any(t.startswith("snap") for t in timeline)

    async def ticker() -> None:
        for _ in range(20):
            timeline.append("tick")
            await asyncio.sleep(0)

    await asyncio.wait_for(ticker(), 1)
    snaps = [i for i, t in enumerate(timeline) if t.startswith("snap")]
    assert len(snaps) == 3
    assert all(b - a > 1 for a, b in itertools.pairwise(snaps))  # other work ran in between
    await hub.close()


async def test_no_snapshot_is_written_after_the_room_is_erased() -> None:
    store = SpyStore([])
    hub = Hub(store, LIB.methods, snapshot_every=5)
    live = await _room(hub)
    await _edits(hub, live, 5)  # due, not yet saved
    res = await hub.submit(live, Command("room.erase", {}), "p1", None)
    assert not hasattr(res, "code"), res
    for _ in range(10):
        await asyncio.sleep(0)
    assert store.timeline == []
    with pytest.raises(NoSuchRoom):
        await store.load_snapshot(live.id)
    await hub.close()
