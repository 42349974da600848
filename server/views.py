"""HTTP pages and the JSON API."""

from __future__ import annotations

import io
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from . import hints, i18n, joincode, kind_hints, report
from .assets import IMMUTABLE, REVALIDATE, assets
from .auth import hash_key, key_matches
from .creation import creation_refused
from .drawing_svg import COLORS, DRAW_SIZE, EPSILON
from .groups import MAX_GROUP_NAME
from .httpguard import read_json
from .hub import Hub
from .methods import (
    BOARD_AREAS,
    CARD_KIND_ORDER,
    CARD_KINDS,
    KIND_ORDER,
    KINDS,
    LEVEL_ORDER,
    LEVELS,
    MAX_METHOD_ID,
    PER_PERSON,
    PHASE_MINUTES,
    PLAN_FORMS,
    ROLE_ORDER,
    SHOWABLE,
    TOOLS,
    WRITERS,
    MethodLibrary,
    summary,
)
from .paths import TEMPLATES
from .programme import EVERY_WEEKS, MAX_LEAD_FIRST, MAX_PROGRAMME_GROUPS, MAX_PROGRAMME_NAME
from .rooms import (
    EVAL_PLAN_FIELDS,
    FOLLOWUP_STATUS,
    MAX_CARD,
    MAX_NAME,
    MAX_NODE,
    MAX_PITCH,
    MAX_TEXT,
    MAX_TIMER_S,
    PLAN_FIELDS,
    RATING_KEYS,
    SIDES,
    view,
)
from .rooms.evaluation import EVAL_KEYS
from .rooms.knowledge import MAX_KNOWLEDGE_TITLE, MAX_LINK
from .rooms.limits import (
    DRAW_MINUTES,
    DRAW_MINUTES_DEFAULT,
    MAX_ID,
    MAX_LABEL,
    MAX_SENTENCES,
    MAX_STROKE_POINTS,
    ROUND_DEFAULT_S,
    ROUND_SECONDS,
    SCORE,
    VOTES_PER_PERSON,
)
from .rooms.pairs import PAIR_DEFAULT_MINUTES, PAIR_MINUTES
from .store.base import Unavailable
from .thread import MAX_THREAD_TEXT

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["asset"] = assets.url  # {{ asset('js/room.js') }}: the version-stamped URL


def _page_modules(lang: str) -> dict[str, str]:
    """The import map's entries beyond the static files: the page's catalog module."""
    return {i18n.MODULE: i18n.module_url(lang)}


def _import_map(lang: str) -> str:
    return assets.import_map(_page_modules(lang))


def _preload_links(entries: list[str], nonce: str, lang: str) -> Markup:
    return assets.preload_links(entries, nonce, _page_modules(lang))


_env.globals["import_map"] = _import_map  # {{ import_map(lang) }}
_env.globals["preload_links"] = _preload_links  # every module the page's entry modules import
MAX_TITLE = 120
SMALL_BODY = 16 * 1024  # creating a room, an export request

# What the browser client needs of the rules, in every page's data (`limits`, `enums`; read by
# client/static/js/core/page.js) and in the templates ({{ limits.card }}), taken from the modules
# that enforce them: the client copies none of these values.
LIMITS: dict[str, Any] = {
    "id": MAX_ID,
    "name": MAX_NAME,
    "card": MAX_CARD,
    "node": MAX_NODE,
    "text": MAX_TEXT,
    "pitch": MAX_PITCH,
    "sentences": MAX_SENTENCES,
    "title": MAX_TITLE,
    "group_name": MAX_GROUP_NAME,
    "thread_text": MAX_THREAD_TEXT,
    "programme_name": MAX_PROGRAMME_NAME,
    "programme_groups": MAX_PROGRAMME_GROUPS,
    "every_weeks": list(EVERY_WEEKS),
    "lead_first": MAX_LEAD_FIRST,
    "method_id": MAX_METHOD_ID,
    "timer_s": MAX_TIMER_S,
    "phase_minutes": list(PHASE_MINUTES),
    "round_seconds": list(ROUND_SECONDS),
    "round_default_s": ROUND_DEFAULT_S,
    "votes_per_person": list(VOTES_PER_PERSON),
    "score": list(SCORE),
    "pair_minutes": list(PAIR_MINUTES),
    "pair_default_minutes": PAIR_DEFAULT_MINUTES,
    # The drawing board (server/rooms/drawing.py, server/drawing_svg.py).
    "draw_size": list(DRAW_SIZE),
    "draw_points": MAX_STROKE_POINTS,
    "draw_epsilon": EPSILON,
    "draw_label": MAX_LABEL,
    "draw_minutes": list(DRAW_MINUTES),
    "draw_minutes_default": DRAW_MINUTES_DEFAULT,
}
ENUMS: dict[str, list[str]] = {
    "roles": list(ROLE_ORDER),
    "card_kinds": list(CARD_KIND_ORDER),
    "followup_status": list(FOLLOWUP_STATUS),
    "force_sides": list(SIDES),
    "rating_keys": list(RATING_KEYS),
    "eval_keys": list(EVAL_KEYS),
    "plan_fields": list(PLAN_FIELDS),
    "eval_plan_fields": list(EVAL_PLAN_FIELDS),
    "plan_forms": list(PLAN_FORMS),
    "levels": list(LEVEL_ORDER),
    "kinds": list(KIND_ORDER),
    "draw_colors": list(COLORS),
    "draw_palette": list(COLORS.values()),  # each colour's paint, in the order of draw_colors
}
# Templates see a few more limits than the browser's code needs (form attributes only).
_env.globals["limits"] = {
    **LIMITS,
    "per_person": list(PER_PERSON),
    "knowledge_title": MAX_KNOWLEDGE_TITLE,
    "link": MAX_LINK,
}


def _render(request: Request, template: str, data: dict[str, Any], **ctx: Any) -> HTMLResponse:
    lang = i18n.norm(request.cookies.get("kring_lang"))
    page = _env.get_template(template).render(
        nonce=request.scope.get("state", {}).get("nonce", ""),
        lang=lang,
        t=i18n.translator(lang),
        i18n_json=i18n.page_json(lang),
        data={**data, "limits": LIMITS, "enums": ENUMS},
        **ctx,
    )
    return HTMLResponse(page)


def _library(request: Request) -> MethodLibrary:
    lib: MethodLibrary = request.app.state.library
    return lib


def _methods_json(request: Request) -> list[dict[str, Any]]:
    return [summary(m) for m in _library(request)]


async def index(request: Request) -> Response:
    # An instance with KRING_CREATE_KEY (or KRING_CREATE_NETWORKS) asks for the creation key.
    restricted = bool(request.app.state.creation.restricted)
    data = {"methods": _methods_json(request), "create_key_required": restricted}
    return _render(request, "index.html", page="index", data=data)


async def prepare(request: Request) -> Response:
    return _render(request, "prepare.html", page="prepare", data={})


async def code_page(request: Request) -> Response:
    """/j: join with the short code a facilitator shows (server/joincode.py)."""
    return _render(request, "code.html", page="code", data={"code_length": joincode.LENGTH})


def _room_data(request: Request) -> dict[str, Any]:
    return {
        "room": request.path_params["room"],
        "hint_rules": hints.client_rules(),
        "kind_hint_rules": kind_hints.client_rules(),
        # Above this many participants the facilitator is warned, with a one-click lock.
        "crowd_warning": request.app.state.settings.crowd_warning,
    }


async def room_page(request: Request) -> Response:
    return _render(request, "room.html", page="room", data=_room_data(request))


async def projector_page(request: Request) -> Response:
    return _render(request, "projector.html", page="projector", data=_room_data(request))


async def continue_page(request: Request) -> Response:
    """/r/{room}/continue#SECRET: this device takes over a participant (server/transfer.py)."""
    return _render(request, "continue.html", page="continue", data=_room_data(request))


async def report_page(request: Request) -> Response:
    return _render(request, "report.html", page="report", data=_room_data(request))


async def group_page(request: Request) -> Response:
    return _render(
        request,
        "group.html",
        page="group",
        data={
            "group": request.path_params["group"],
            "library": _methods_json(request),
            "schema": {
                "tools": sorted(TOOLS),
                "show": sorted(SHOWABLE),
                "order": list(BOARD_AREAS),
                "plan_forms": list(PLAN_FORMS),
                "card_kinds": sorted(CARD_KINDS),
                "writers": sorted(WRITERS),
                "hints": list(kind_hints.CODES),
                "levels": sorted(LEVELS),
                "kinds": sorted(KINDS),
            },
        },
    )


async def reflection_page(request: Request) -> Response:
    """The year's reflection of a member, to read and print (its data: POST /reflection with this
    browser's member token, kept by the group page)."""
    return _render(
        request, "reflection.html", page="reflection", data={"group": request.path_params["group"]}
    )


async def programme_page(request: Request) -> Response:
    """A programme's page (its key in the fragment), or at /programme the form that creates one."""
    data = {
        "programme": request.path_params.get("programme", ""),
        "create_key_required": bool(request.app.state.creation.restricted),
    }
    return _render(request, "programme.html", page="programme", data=data)


async def healthz(request: Request) -> Response:
    if request.app.state.drain.draining:  # SIGTERM: out of the load balancer (server/drain.py)
        return JSONResponse({"ok": False, "draining": True}, status_code=503)
    try:
        ok = await request.app.state.store.ping()
    except (Unavailable, OSError):
        ok = False
    return JSONResponse({"ok": ok}, status_code=200 if ok else 503)


async def catalog_module(request: Request) -> Response:
    """/i18n/{lang}.js?v=<stamp>: the catalog as an ES module (server/i18n.py), cached for a year
    under its current stamp like the static files, else revalidated."""
    lang = request.path_params["lang"]
    if lang not in i18n.LANGS:
        return Response("not found", status_code=404, media_type="text/plain")
    body, stamp = i18n.module_source(lang)
    fresh = request.query_params.get("v") == stamp
    return Response(
        body,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": IMMUTABLE if fresh else REVALIDATE},
    )


async def api_methods(request: Request) -> Response:
    return JSONResponse({"methods": _methods_json(request)})


def _bad(message: str, status: int = 400) -> Response:
    return JSONResponse({"error": "invalid", "message": message}, status_code=status)


async def api_create_room(request: Request) -> Response:
    data = await read_json(request, SMALL_BODY)
    if isinstance(data, Response):
        return data
    refused = creation_refused(request, data)
    if refused is not None:
        return refused
    method_id = data.get("method", "basis")
    method = _library(request).get(method_id) if isinstance(method_id, str) else None
    if method is None:
        return _bad("unknown method")
    title = data.get("title", "")
    if not isinstance(title, str) or len(title.strip()) > MAX_TITLE:
        return _bad(f"'title' must be a string of at most {MAX_TITLE} characters")
    lang = data.get("lang", "nl")
    if lang not in ("nl", "en"):
        return _bad("'lang' must be 'nl' or 'en'")
    hub: Hub = request.app.state.hub
    try:
        room, join_key, fac_key = await hub.create(method, title.strip() or method.name.get(lang), lang)
    except Unavailable:
        return JSONResponse({"error": "unavailable", "message": "the store is unavailable"}, status_code=503)
    base = str(request.base_url).rstrip("/")
    projector_key = hub.projector.derive(room, "")  # a new room's projector key (server/auth.py)
    return JSONResponse(
        {
            "room": room,
            "join_key": join_key,
            "facilitator_key": fac_key,
            "join_url": f"{base}/r/{room}#{join_key}",
            "facilitator_url": f"{base}/r/{room}#{fac_key}",
            "projector_key": projector_key,
            "projector_url": f"{base}/r/{room}/projector#{projector_key}",
        },
        status_code=201,
    )


def _denied() -> Response:
    return JSONResponse({"error": "not_found", "message": "no such room, or no access"}, status_code=404)


async def _room_key(request: Request) -> tuple[Hub, str, str] | Response:
    """The hub, the room id and the key of a `{key}` body (the join page's requests), or the reply:
    a bad body, or the same 404 as a wrong key when there is no key."""
    data = await read_json(request, SMALL_BODY)
    if isinstance(data, Response):
        return data
    key = data.get("key")
    if not isinstance(key, str) or not key:
        return _denied()
    hub: Hub = request.app.state.hub
    return hub, request.path_params["room"], key


async def api_about(request: Request) -> Response:
    """POST /r/{room}/about {key}: what the join page may say before joining: the meeting's title,
    its method, whether the key is the facilitator's, and whether the room is locked. Never who is
    in: names come with the room's view, after joining (and, in a locked room, after admission).

    Only the current join or facilitator key counts (not a rotated one); a wrong key and an unknown
    room give the same 404, so the endpoint cannot be used to probe which rooms exist.
    """
    got = await _room_key(request)
    if isinstance(got, Response):
        return got
    hub, room, key = got
    denied = _denied()
    try:
        meta = await hub.meta(room)
        if meta is None:
            return denied
        fac = key_matches(key, meta.get("facilitator_hash"))
        if not fac and not key_matches(key, meta.get("join_hash")):
            return denied
        live = await hub.get(room)
    except Unavailable:
        return JSONResponse({"error": "unavailable", "message": "the store is unavailable"}, status_code=503)
    if live is None:
        return denied
    s = live.state
    return JSONResponse(
        {
            "title": s.title,
            "method": s.method.name.to_dict(),
            "facilitator": fac,
            "locked": bool(s.locked),
        },
        headers={"Cache-Control": "no-store"},
    )


async def api_qr(request: Request) -> Response:
    """POST /r/{room}/qr {key}: the room's current join link as an SVG QR code, for the
    facilitator's screen. Only the current facilitator key; 404 alike for a wrong key or room."""
    got = await _room_key(request)
    if isinstance(got, Response):
        return got
    hub, room, key = got
    denied = _denied()
    try:
        meta = await hub.meta(room)
    except Unavailable:
        return JSONResponse({"error": "unavailable", "message": "the store is unavailable"}, status_code=503)
    if meta is None or not key_matches(key, meta.get("facilitator_hash")) or not meta.get("join_key"):
        return denied
    base = str(request.base_url).rstrip("/")
    return qr_svg(f"{base}/r/{room}#{meta['join_key']}")


def qr_svg(url: str) -> Response:
    """A join link as an SVG QR code (a room's, a programme group's)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, nl=False, scale=5, border=2, omitsize=True
    )
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


async def api_export(request: Request) -> Response:
    """POST /r/{room}/export {key, token, format: "md"|"json"}: the report or the visible event log.

    The key and token travel in the body, never in the URL. Wrong key, bad token and unknown room all
    give the same 404, so the endpoint cannot be used to probe which rooms exist.
    """
    data = await read_json(request, SMALL_BODY)
    if isinstance(data, Response):
        return data
    key, token, fmt = data.get("key"), data.get("token"), data.get("format", "md")
    if fmt not in ("md", "json"):
        return _bad("'format' must be 'md' or 'json'")
    lang = "en" if data.get("lang") == "en" else "nl"
    hub: Hub = request.app.state.hub
    room = request.path_params["room"]
    denied = JSONResponse({"error": "not_found", "message": "no such room, or no access"}, status_code=404)
    if not isinstance(key, str) or not isinstance(token, str):
        return denied
    unavailable = JSONResponse(
        {"error": "unavailable", "message": "the store is unavailable"}, status_code=503
    )
    # The key and the token's signature first, against the stored metadata: a request that may
    # not see the room never loads it. A join link rotated since (a removal rotates it) still
    # counts here: the participant's token decides, and a removed participant's is refused below.
    try:
        meta = await hub.meta(room)
    except Unavailable:
        return unavailable
    if meta is None or not (
        key_matches(key, meta.get("join_hash"))
        or key_matches(key, meta.get("facilitator_hash"))
        or hash_key(key) in meta.get("join_hashes_before", "").split()
    ):
        return denied
    got = request.app.state.tokens.read(token, room)
    if got is None:
        return denied
    try:
        live = await hub.get(room)
    except Unavailable:
        return unavailable
    if live is None or got[0] not in live.state.participants:
        return denied
    pid = got[0]
    headers = {"Content-Disposition": f'attachment; filename="kring-{i18n.t(lang, "report.fileName")}'}
    if fmt == "md":
        headers["Content-Disposition"] += '.md"'
        return Response(
            report.markdown(view(live.state, pid), lang, now=hub.clock()),
            media_type="text/markdown; charset=utf-8",
            headers=headers,
        )
    events = await hub.store.read(room, 0)
    headers["Content-Disposition"] = 'attachment; filename="kring-log.json"'
    payload = {"room": room, "epoch": live.epoch, "viewer": pid, "events": report.export_log(events, pid)}
    return JSONResponse(payload, headers=headers)
