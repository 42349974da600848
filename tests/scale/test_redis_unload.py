"""With Redis, a room unloaded for lack of connections also leaves its fan-out channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from kring_testlib import RedisProc, inproc_server, until, visit_rooms

from server.store.redis import channel

pytestmark = pytest.mark.redis


async def test_rooms_return_to_zero_and_their_channels_are_unsubscribed(
    tmp_path: Path, redis_server: RedisProc
) -> None:
    env = {"KRING_STORE": redis_server.url, "KRING_SECRET": "s", "KRING_ROOM_IDLE": "1.5"}
    r = redis_server.client()

    def subscribers(room: str) -> int:
        return int(r.pubsub_numsub(channel(room))[0][1])

    async with inproc_server(env) as (_srv, app, port):
        hub = app.state.hub
        first, meeting = await visit_rooms(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}")
        assert meeting in hub.rooms
        await until(lambda: subscribers(meeting) == 1)  # subscribed while loaded
        await until(lambda: not hub.rooms)
        await until(lambda: subscribers(first) == 0 and subscribers(meeting) == 0)
