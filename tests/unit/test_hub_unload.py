"""The hub lets go of rooms nobody uses (server/hub.py `_sweep`), never of one in use."""

from __future__ import annotations

import asyncio

from kring_testlib import until

from server.hub import Hub, LiveRoom
from server.methods import MethodLibrary
from server.settings import ROOT
from server.store.memory import MemoryStore

LIB = MethodLibrary.load(ROOT / "methods")
IDLE = 0.05


class Peers:
    def __init__(self) -> None:
        self.log: list[str] = []

    async def room_opened(self, room: str) -> None:
        self.log.append(f"open {room}")

    async def room_closed(self, room: str) -> None:
        self.log.append(f"close {room}")

    def presence_changed(self, live: LiveRoom) -> None:
        pass

    def typing_changed(self, room: str, entries: list[tuple[str, str, str]]) -> None:
        pass


async def test_a_room_read_once_is_unloaded_and_its_peers_told() -> None:
    hub = Hub(MemoryStore(), LIB.methods, idle_unload=IDLE)
    peers = hub.peers = Peers()
    room, _, _ = await hub.create(LIB.methods["basis"], "T", "nl")
    assert await hub.meta(room) is not None and hub.rooms == {}  # the metadata loads nothing
    assert await hub.get(room) is not None
    await until(lambda: not hub.rooms)
    await until(lambda: peers.log == [f"open {room}", f"close {room}"])
    await hub.close()


async def test_a_room_in_use_is_never_unloaded() -> None:
    hub = Hub(MemoryStore(), LIB.methods, idle_unload=IDLE)
    room, _, _ = await hub.create(LIB.methods["basis"], "T", "nl")
    async with hub.use(room) as live:
        assert live is not None
        await asyncio.sleep(IDLE * 6)
        assert hub.rooms.get(room) is live
    await until(lambda: not hub.rooms)
    async with hub.use("no-such-room") as missing:
        assert missing is None
    await hub.close()


async def test_reads_keep_a_room_loaded() -> None:
    hub = Hub(MemoryStore(), LIB.methods, idle_unload=IDLE * 10)
    room, _, _ = await hub.create(LIB.methods["basis"], "T", "nl")
    live = await hub.get(room)
    for _ in range(15):  # a page polled ten times as often as the idle time
        await asyncio.sleep(IDLE)
        assert await hub.get(room) is live
    await until(lambda: not hub.rooms)
    await hub.close()
