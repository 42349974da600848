"""HTTP API for programmes (trajecten, server/programme.py). The programme's key travels in JSON
bodies, never in URLs; a wrong key and an unknown programme get the same 404."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .creation import creation_refused
from .group_views import fail
from .groups import GroupError
from .httpguard import read_json
from .programme import Programme, Programmes, check_new
from .store.base import Unavailable
from .views import qr_svg

_DENIED = {"error": "not_found", "message": "no such programme, or no access"}
PROGRAMME_BODY = 16 * 1024  # a new programme: 20 names of 80 characters, with room to spare


def _programmes(request: Request) -> Programmes:
    p: Programmes = request.app.state.programmes
    return p


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def api_create_programme(request: Request) -> Response:
    """POST /api/programmes: the same creation rules as rooms and groups (server/creation.py)."""
    data = await read_json(request, PROGRAMME_BODY)
    if isinstance(data, Response):
        return data
    refused = creation_refused(request, data)
    if refused is not None:
        return refused
    try:
        pid, key, made = await _programmes(request).create(check_new(data))
    except GroupError as e:
        return fail(e)
    except Unavailable:
        return JSONResponse({"error": "unavailable", "message": "the store is unavailable"}, status_code=503)
    base = _base(request)
    groups = [
        {
            "group": m["group"],
            "name": m["name"],
            "join_url": f"{base}/g/{m['group']}#{m['join_key']}",
            "admin_url": f"{base}/g/{m['group']}#{m['admin_key']}",
        }
        for m in made
    ]
    return JSONResponse(
        {"programme": pid, "key": key, "url": f"{base}/p/{pid}#{key}", "groups": groups}, status_code=201
    )


async def _opened(request: Request) -> tuple[dict[str, Any], Programme] | Response:
    data = await read_json(request, PROGRAMME_BODY)
    if isinstance(data, Response):
        return data
    p = await _programmes(request).open(request.path_params["programme"], data.get("key"))
    if p is None:
        return JSONResponse(_DENIED, status_code=404)
    return data, p


async def api_programme_view(request: Request) -> Response:
    """The programme's figures: counts per group, never content (Programmes.figures), and each
    group's join link."""
    got = await _opened(request)
    if isinstance(got, Response):
        return got
    _data, p = got
    progs = _programmes(request)
    view = await progs.figures(p)
    for g in view["groups"]:
        if not g["gone"]:
            g["join_url"] = _base(request) + await progs.join_link(p, g["group"])
    return JSONResponse(view)


async def api_programme_lead(request: Request) -> Response:
    got = await _opened(request)
    if isinstance(got, Response):
        return got
    data, p = got
    try:
        made = await _programmes(request).lead(p, data.get("group"), data)
    except GroupError as e:
        return fail(e)
    url = f"{_base(request)}/r/{made['room']}#{made['facilitator_key']}"
    return JSONResponse({"room": made["room"], "facilitator_url": url})


async def api_programme_qr(request: Request) -> Response:
    """A group's join link as an SVG QR code."""
    got = await _opened(request)
    if isinstance(got, Response):
        return got
    data, p = got
    try:
        return qr_svg(_base(request) + await _programmes(request).join_link(p, data.get("group")))
    except GroupError as e:
        return fail(e)


async def api_programme_ics(request: Request) -> Response:
    """A group's meeting dates as an iCalendar download."""
    got = await _opened(request)
    if isinstance(got, Response):
        return got
    data, p = got
    try:
        text = await _programmes(request).ics(p, data.get("group"))
    except GroupError as e:
        return fail(e)
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="intervisie.ics"'},
    )
