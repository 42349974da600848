"""Peer: a bare `websockets` broadcast server, the ceiling for a Python WebSocket server.

Minimal room protocol (JSON text frames), the same the other peers speak:
  client -> {"t":"join","room":R,"name":N}            server -> {"t":"joined","room":R,"seq":head}
  client -> {"t":"msg","id":ID,"type":T,"args":{...}}
  server -> every member of the room, the sender included:
            {"t":"event","seq":N,"type":T,"actor":A,"at":ms,"data":{...}}   (seq per room, 1, 2, …)
  server -> the sender, after that: {"t":"ack","id":ID,"seq":N}

`python -m bench.peers.ws_bare --port N [--loop uvloop]`. Compression off, no size limit games.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import time
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class Room:
    __slots__ = ("conns", "seq")

    def __init__(self) -> None:
        self.seq = 0
        self.conns: set[ServerConnection] = set()


ROOMS: dict[str, Room] = {}
_ids = itertools.count(1)


async def handler(ws: ServerConnection) -> None:
    room: Room | None = None
    actor = f"p{next(_ids)}"
    try:
        async for raw in ws:
            m: dict[str, Any] = json.loads(raw)
            t = m.get("t")
            if t == "msg" and room is not None:
                room.seq += 1
                text = _dumps(
                    {
                        "t": "event",
                        "seq": room.seq,
                        "type": m.get("type"),
                        "actor": actor,
                        "at": int(time.time() * 1000),
                        "data": m.get("args"),
                    }
                )
                broadcast(room.conns, text)
                await ws.send(_dumps({"t": "ack", "id": m.get("id"), "seq": room.seq}))
            elif t == "join" and room is None:
                room = ROOMS.setdefault(str(m.get("room")), Room())
                room.conns.add(ws)
                await ws.send(_dumps({"t": "joined", "room": m.get("room"), "seq": room.seq}))
    finally:
        if room is not None:
            room.conns.discard(ws)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, compression=None, max_size=64 * 1024, backlog=4096) as srv:
        await srv.serve_forever()


def cli() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    a = p.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if a.loop == "uvloop":
        import uvloop

        uvloop.run(main(a.port))
    else:
        asyncio.run(main(a.port))


if __name__ == "__main__":
    cli()
