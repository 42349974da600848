"""Continue on another device: "ga verder als Joost op dit apparaat".

The first device, with its participant token, asks for a transfer secret (`POST
/r/{room}/transfer {key, token}`); the link it shows (`/r/{room}/continue#SECRET`) is a
capability: whoever opens it within `TRANSFER_MS` becomes that same participant there (`POST
/r/{room}/transfer/use {transfer}` gives a token for the same pid and the room's current join
key), once: using it ends it, and a new request replaces an unused one. The room's metadata
holds only the secret's hash and its deadline, per participant (`transfer:<pid>` = `hash|until`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .auth import hash_key, key_matches, new_key
from .httpguard import read_json
from .store.base import Unavailable

TRANSFER_MS = 5 * 60_000  # expiring within minutes
BODY = 2048
PREFIX = "transfer:"


def _error(code: str, message: str, status: int) -> Response:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def _denied() -> Response:
    return _error("not_found", "no such room, or no access", 404)


def _unavailable() -> Response:
    return _error("unavailable", "the store is unavailable", 503)


async def api_transfer(request: Request) -> Response:
    """POST /r/{room}/transfer {key, token}: a fresh transfer secret for this participant,
    `{transfer, until}`; 404 alike for a wrong key, a bad token or an unknown room."""
    data = await read_json(request, BODY)
    if isinstance(data, Response):
        return data
    key, token = data.get("key"), data.get("token")
    if not isinstance(key, str) or not isinstance(token, str):
        return _denied()
    room = request.path_params["room"]
    hub = request.app.state.hub
    got = request.app.state.tokens.read(token, room)
    if got is None:
        return _denied()
    try:
        meta = await hub.store.meta(room)
        if meta is None or not (
            key_matches(key, meta.get("join_hash"))
            or key_matches(key, meta.get("facilitator_hash"))
            or hash_key(key) in meta.get("join_hashes_before", "").split()
        ):
            return _denied()
        live = await hub.get(room)
        if live is None or got[0] not in live.state.participants or got[0] in live.state.removed:
            return _denied()
        secret, until = new_key(), hub.clock() + TRANSFER_MS
        await hub.store.set_meta(room, {PREFIX + got[0]: f"{hash_key(secret)}|{until}"})
    except Unavailable:
        return _unavailable()
    return JSONResponse({"transfer": secret, "until": until}, headers={"Cache-Control": "no-store"})


async def api_use_transfer(request: Request) -> Response:
    """POST /r/{room}/transfer/use {transfer}: `{token, key, name}` for the participant the secret
    was made for (the room's current join key), once and before it expires; 404 otherwise."""
    data = await read_json(request, BODY)
    if isinstance(data, Response):
        return data
    secret = data.get("transfer")
    if not isinstance(secret, str) or not secret:
        return _denied()
    room = request.path_params["room"]
    hub = request.app.state.hub
    try:
        meta = await hub.store.meta(room)
        if meta is None or not meta.get("join_key"):
            return _denied()
        now = hub.clock()
        pid = next(
            (
                k[len(PREFIX) :]
                for k, v in meta.items()
                if k.startswith(PREFIX) and "|" in v and key_matches(secret, v.split("|")[0])
            ),
            None,
        )
        if pid is None:
            return _denied()
        await hub.store.set_meta(room, {PREFIX + pid: ""})  # single use, also when it expired
        if now >= int(meta[PREFIX + pid].split("|")[1]):
            return _denied()
        live = await hub.get(room)
        if live is None or pid not in live.state.participants or pid in live.state.removed:
            return _denied()
        name = live.state.participants[pid]["name"]
    except Unavailable:
        return _unavailable()
    token = request.app.state.tokens.issue(room, pid)
    return JSONResponse(
        {"token": token, "key": meta["join_key"], "name": name}, headers={"Cache-Control": "no-store"}
    )
