"""HTTP API and page for intervisie groups. Keys and tokens travel in JSON bodies, never in URLs."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .creation import creation_refused
from .groups import MAX_GROUP_NAME, GroupError, Groups
from .httpguard import read_json
from .methods import MethodError, parse_toml, to_toml
from .reflection import reflection_data, reflection_markdown
from .rooms import Command, Rejection
from .store.base import Unavailable

_DENIED = {"error": "not_found", "message": "no such group, or no access"}
_STATUS = {
    "invalid": 400,
    "too_large": 413,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "unknown_command": 400,
}


_PARSING = asyncio.Semaphore(1)
GROUP_BODY = 256 * 1024  # a method (the largest body a group request carries) with room to spare


async def _body(request: Request) -> dict[str, Any] | Response:
    return await read_json(request, GROUP_BODY)


def _groups(request: Request) -> Groups:
    g: Groups = request.app.state.groups
    return g


def fail(e: GroupError) -> Response:
    body: dict[str, Any] = {"error": e.code, "message": e.message}
    if e.method_error is not None:
        body["method_error"] = e.method_error
    return JSONResponse(body, status_code=_STATUS.get(e.code, 400))


async def api_create_group(request: Request) -> Response:
    data = await _body(request)
    if isinstance(data, Response):
        return data
    refused = creation_refused(request, data)
    if refused is not None:
        return refused
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_GROUP_NAME:
        return JSONResponse(
            {"error": "invalid", "message": f"'name' must be 1-{MAX_GROUP_NAME} characters"}, status_code=400
        )
    lang = data.get("lang", "nl")
    if lang not in ("nl", "en"):
        return JSONResponse({"error": "invalid", "message": "'lang' must be 'nl' or 'en'"}, status_code=400)
    try:
        gid, admin_key, join_key = await _groups(request).create(name.strip(), lang)
    except Unavailable:
        return JSONResponse({"error": "unavailable", "message": "the store is unavailable"}, status_code=503)
    base = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "group": gid,
            "admin_key": admin_key,
            "join_key": join_key,
            "admin_url": f"{base}/g/{gid}#{admin_key}",
            "join_url": f"{base}/g/{gid}#{join_key}",
        },
        status_code=201,
    )


async def api_join_group(request: Request) -> Response:
    data = await _body(request)
    if isinstance(data, Response):
        return data
    key, name = data.get("key"), data.get("name")
    if not isinstance(key, str) or not isinstance(name, str):
        return JSONResponse(_DENIED, status_code=404)
    try:
        got = await _groups(request).join(request.path_params["group"], key, name)
    except GroupError as e:
        return fail(e)
    if got is None:
        return JSONResponse(_DENIED, status_code=404)
    return JSONResponse({"member": got[0], "token": got[1]})


async def _authed(request: Request) -> tuple[dict[str, Any], Any] | Response:
    """The JSON body and (group, meta, member id) for a member's token, or the reply to send."""
    data = await _body(request)
    if isinstance(data, Response):
        return data
    found = await _groups(request).member(request.path_params["group"], data.get("token"))
    if found is None:
        return JSONResponse(_DENIED, status_code=404)
    return data, found


async def api_group_view(request: Request) -> Response:
    authed = await _authed(request)
    if isinstance(authed, Response):
        return authed
    _data, (g, meta, mid) = authed
    try:
        return JSONResponse(await _groups(request).view(g, meta, mid))
    except GroupError:
        return JSONResponse(_DENIED, status_code=404)


async def api_group_cmd(request: Request) -> Response:
    authed = await _authed(request)
    if isinstance(authed, Response):
        return authed
    data, found = authed
    g, meta, mid = found
    try:
        result = await _groups(request).command(g, meta, mid, str(data.get("type", "")), data.get("args", {}))
    except GroupError as e:
        return fail(e)
    return JSONResponse({"ok": True, **result})


async def api_method_import(request: Request) -> Response:
    """A method as TOML text: checked by the same loader as methods/*.toml, with the same errors."""
    authed = await _authed(request)
    if isinstance(authed, Response):
        return authed
    data, found = authed
    g, _meta, mid = found
    if not g.is_admin(mid):
        return JSONResponse(
            {"error": "forbidden", "message": "only the group's facilitator imports methods"}, status_code=403
        )
    text = data.get("toml")
    if not isinstance(text, str):
        return JSONResponse(
            {"error": "invalid", "message": "'toml' must be the method file's text"}, status_code=400
        )
    groups = _groups(request)
    try:
        # The text's shape is checked before parsing (methods.check_toml_shape), and the parse runs
        # in a worker thread, one at a time, so even a crafted file at the size cap (about 170 ms of
        # tomllib) never holds the event loop.
        async with _PARSING:
            method = await asyncio.to_thread(parse_toml, text, "import.toml", groups.library.basic_ids)
        result = await groups.save_method(g, mid, method.to_dict(), "import.toml")
    except MethodError as e:
        # The English message for logs and API users; {code, path, params} for the page's own words.
        return JSONResponse(
            {"error": "invalid", "message": str(e), "method_error": e.detail()}, status_code=400
        )
    except GroupError as e:
        return fail(e)
    return JSONResponse({"ok": True, **result})


async def api_method_export(request: Request) -> Response:
    authed = await _authed(request)
    if isinstance(authed, Response):
        return authed
    data, found = authed
    g, _meta, _mid = found
    mid_ = data.get("id")
    method = _groups(request).method(g, mid_) if isinstance(mid_, str) else None
    if method is None:
        return JSONResponse({"error": "not_found", "message": "no such method"}, status_code=404)
    return Response(
        to_toml(method),
        media_type="application/toml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{method.id}.toml"'},
    )


async def api_submit_werkvraag(request: Request) -> Response:
    """A member submits a werkvraag for an upcoming meeting from the group page. It stays private
    to them until that meeting reaches its case choice (room command `case.queue`)."""
    authed = await _authed(request)
    if isinstance(authed, Response):
        return authed
    data, found = authed
    g, _meta, mid = found
    room = data.get("room")
    if not any(m["room"] == room for m in g.meetings):
        return JSONResponse(
            {"error": "not_found", "message": "no such meeting in this group"}, status_code=404
        )
    groups = _groups(request)
    live = await groups.hub.get(str(room))
    if live is None or mid not in live.state.participants:
        return JSONResponse({"error": "not_found", "message": "you are not in that meeting"}, status_code=404)
    # A random id: one made of the member and the time could be guessed from the placeholder
    # everyone else receives (its `at`), and tried.
    wid = "w" + secrets.token_urlsafe(16)
    res = await groups.hub.submit(
        live, Command("case.queue", {"id": wid, "text": data.get("text")}), mid, None
    )
    if isinstance(res, Rejection):
        return JSONResponse(
            {"error": res.code, "message": res.message}, status_code=_STATUS.get(res.code, 400)
        )
    return JSONResponse({"ok": True, "seq": res.seq})


async def api_reflection(request: Request) -> Response:
    """The year's reflection of the asking member, as a Markdown download (or with `format: json`
    as data, for the reflection page): their own thread only (server/reflection.py)."""
    authed = await _authed(request)
    if isinstance(authed, Response):
        return authed
    data, (g, meta, mid) = authed
    got = await reflection_data(_groups(request), g, meta, mid)
    if data.get("format") == "json":  # for the reflection page
        return JSONResponse(got)
    text = reflection_markdown(got)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="leerdraad.md"'},
    )
