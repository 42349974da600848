"""Peer: python-socketio (ASGI, served by uvicorn), optionally with its Redis manager.

What a Python team would pick. The room protocol is the bench's minimal one, in Socket.IO terms:
  emit("join", {"room": R, "name": N})  -> ack {"seq": head}
  emit("msg", {"id", "type", "args"})   -> the server emits "event" {"seq","type","actor","at","data"}
                                           to the room (the sender included), then acks {"id","seq"}
One process: seq per room in memory. With `--redis URL` (AsyncRedisManager, several uvicorn processes
on different ports): the per-room seq is a Redis INCR, and the emit goes through Redis Pub/Sub to every
worker, which is how python-socketio scales out.

`python -m bench.peers.sio_server --port N [--redis redis://127.0.0.1:P/0] [--loop uvloop]`
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from typing import Any

import socketio

REDIS_URL = os.environ.get("BENCH_SIO_REDIS", "")


def make_app() -> Any:
    mgr = socketio.AsyncRedisManager(REDIS_URL) if REDIS_URL else None
    sio = socketio.AsyncServer(
        async_mode="asgi",
        client_manager=mgr,
        cors_allowed_origins="*",
        http_compression=False,
        compression_threshold=1 << 30,
        transports=["websocket"],
        max_http_buffer_size=64 * 1024,
    )
    seqs: dict[str, int] = {}
    rooms_of: dict[str, str] = {}
    redis: Any = None
    if REDIS_URL:
        import redis.asyncio as aioredis

        redis = aioredis.from_url(REDIS_URL)

    async def next_seq(room: str) -> int:
        if redis is not None:
            return int(await redis.incr(f"bench:sio:seq:{room}"))
        seqs[room] = seqs.get(room, 0) + 1
        return seqs[room]

    @sio.on("join")
    async def join(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        room = str(data.get("room"))
        rooms_of[sid] = room
        await sio.enter_room(sid, room)
        if redis is not None:
            head = int(await redis.get(f"bench:sio:seq:{room}") or 0)
        else:
            head = seqs.get(room, 0)
        return {"seq": head}

    @sio.on("msg")
    async def msg(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        room = rooms_of[sid]
        seq = await next_seq(room)
        event = {
            "seq": seq,
            "type": data.get("type"),
            "actor": sid,
            "at": int(time.time() * 1000),
            "data": data.get("args"),
        }
        await sio.emit("event", event, room=room)
        return {"id": data.get("id"), "seq": seq}

    @sio.on("disconnect")
    async def disconnect(sid: str, *args: Any) -> None:
        rooms_of.pop(sid, None)

    return socketio.ASGIApp(sio)


app = make_app()


def cli() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    a = p.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    import uvicorn

    uvicorn.run(
        "bench.peers.sio_server:app",
        host="127.0.0.1",
        port=a.port,
        loop=a.loop,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        ws_max_size=64 * 1024,
        access_log=False,
        log_level="warning",
        lifespan="off",
        backlog=4096,
    )


if __name__ == "__main__":
    cli()
