"""create_app(settings): the routes list, and a lifespan that builds the store, hub and methods."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from . import fastpath, group_views, i18n, joincode, logs, metrics, programme_views, transfer, views
from .assets import StampedStatic, assets
from .auth import Tokens
from .creation import CreationGate, CreationPolicy
from .drain import Drain
from .groups import Groups
from .httpguard import RequestGuard
from .hub import Hub
from .methods import MethodLibrary
from .programme import Programmes
from .rooms.limits import set_person_share
from .security import JoinThrottle, SecurityHeaders
from .settings import Settings
from .store.base import is_redis, open_store
from .ws import WsEndpoint

log = logging.getLogger("kring")


class KringApp:
    """The ASGI entry point. `/ws/{room}` goes straight to the WebSocket endpoint, so the frames of
    a live room do not pass Starlette's middleware and routing wrappers (measured in bench/: they
    were a tenth of the cost of a fan-out); everything else is the Starlette app. The endpoint
    checks the Origin itself, and the security headers apply to HTTP responses only."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state = app.state
        self.ws = WsEndpoint()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            path: str = scope["path"]
            room = path[4:]
            if path.startswith("/ws/") and room and "/" not in room:
                scope["app"] = self.app
                scope["path_params"] = {"room": room}
                await self.ws(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None) -> KringApp:
    settings = settings or Settings.from_env()
    logs.install()
    # Load and validate the method library now, so a broken file stops startup with a clear error.
    library = MethodLibrary.load(Path(settings.methods_dir))
    set_person_share(settings.person_share)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(settings.store_url, wait_ms=settings.redis_wait_ms)
        hub = Hub(
            store,
            library.methods,
            queue_size=settings.queue_size,
            snapshot_every=settings.snapshot_every,
            idle_unload=settings.room_idle_s,
            secret=settings.secret,
        )
        app.state.store = store
        app.state.hub = hub
        app.state.groups = Groups(hub, library, app.state.tokens)
        app.state.programmes = Programmes(app.state.groups)
        app.state.drain = Drain(hub, settings.drain_s)
        app.state.drain.install()
        fanout = None
        if is_redis(settings.store_url):
            from .fanout import start_fanout  # cross-worker fan-out; the embedded path never loads it

            fanout = await start_fanout(store, hub, settings.retention_days)
        retention = asyncio.create_task(_retention(hub, app.state.programmes, settings))
        sampler = asyncio.create_task(_sample(hub)) if metrics.M.on else None
        _tune_gc()
        try:
            yield
        finally:
            for t in (retention, sampler):
                if t is not None:
                    t.cancel()
                    with contextlib.suppress(BaseException):
                        await t
            if fanout is not None:
                await fanout.stop()
            await hub.close()
            await store.close()

    app = Starlette(
        routes=[
            Route("/", views.index),
            Route("/prepare", views.prepare),
            Route("/healthz", views.healthz),
            Route("/metrics", metrics_endpoint),
            Route("/api/methods", views.api_methods),
            Route("/api/rooms", views.api_create_room, methods=["POST"]),
            Route("/r/{room}", views.room_page),
            Route("/r/{room}/projector", views.projector_page),
            Route("/r/{room}/report", views.report_page),
            Route("/r/{room}/export", views.api_export, methods=["POST"]),
            Route("/r/{room}/about", views.api_about, methods=["POST"]),
            Route("/r/{room}/qr", views.api_qr, methods=["POST"]),
            Route("/r/{room}/code", joincode.api_show_code, methods=["POST"]),
            Route("/api/code", joincode.api_use_code, methods=["POST"]),
            Route("/j", views.code_page),
            Route("/r/{room}/transfer", transfer.api_transfer, methods=["POST"]),
            Route("/r/{room}/transfer/use", transfer.api_use_transfer, methods=["POST"]),
            Route("/r/{room}/continue", views.continue_page),
            Route("/g/{group}", views.group_page),
            Route("/api/groups", group_views.api_create_group, methods=["POST"]),
            Route("/api/groups/{group}/join", group_views.api_join_group, methods=["POST"]),
            Route("/api/groups/{group}/view", group_views.api_group_view, methods=["POST"]),
            Route("/api/groups/{group}/cmd", group_views.api_group_cmd, methods=["POST"]),
            Route("/api/groups/{group}/methods/import", group_views.api_method_import, methods=["POST"]),
            Route("/api/groups/{group}/methods/export", group_views.api_method_export, methods=["POST"]),
            Route("/api/groups/{group}/werkvraag", group_views.api_submit_werkvraag, methods=["POST"]),
            Route("/api/groups/{group}/reflection", group_views.api_reflection, methods=["POST"]),
            Route("/g/{group}/reflection", views.reflection_page),
            Route("/programme", views.programme_page),
            Route("/p/{programme}", views.programme_page),
            Route("/api/programmes", programme_views.api_create_programme, methods=["POST"]),
            Route("/api/programmes/{programme}/view", programme_views.api_programme_view, methods=["POST"]),
            Route("/api/programmes/{programme}/lead", programme_views.api_programme_lead, methods=["POST"]),
            Route("/api/programmes/{programme}/qr", programme_views.api_programme_qr, methods=["POST"]),
            Route("/api/programmes/{programme}/ics", programme_views.api_programme_ics, methods=["POST"]),
            Mount("/static", StampedStatic(assets), name="static"),
            # The translation catalogs (server/i18n.py): the page imports its own language's as an
            # ES module and names the others under stamped URLs, all cached like the static files.
            Route("/i18n/{lang}.js", views.catalog_module),
            Mount("/i18n", StampedStatic(i18n.stamps), name="i18n"),
        ],
        # Compressed responses for pages, scripts, styles and JSON (the middleware passes
        # WebSocket scopes through untouched; /ws/ does not even reach it, see KringApp).
        middleware=[
            Middleware(GZipMiddleware, minimum_size=512),
            Middleware(SecurityHeaders),
            Middleware(RequestGuard, origins=settings.origins),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.library = library
    app.state.tokens = Tokens(settings.secret, settings.retention_days * 86400)
    app.state.join_throttle = JoinThrottle(settings.join_attempts_per_min)
    app.state.code_tries = joincode.WrongTries()
    app.state.creation = CreationGate(
        CreationPolicy(
            burst=settings.create_burst,
            per_min=settings.create_per_min,
            total_burst=settings.create_total_burst,
            total_per_min=settings.create_total_per_min,
            key=settings.create_key,
            networks=settings.create_networks,
        )
    )
    app.state.drain = Drain(None, 0)  # replaced by the lifespan's; not draining until SIGTERM
    if settings.metrics_token or settings.metrics_port:
        metrics.enable()
    # The fast paths' self-check: once per process, one log line when they are off.
    app.state.fastpath = fastpath.check(settings.fastpath)
    return KringApp(app)


def _tune_gc() -> None:
    """Fewer, cheaper garbage collections (measured in bench/: with the defaults a full collection
    over thousands of connections' objects took 40-330 ms, stalling every room at once).

    Almost everything the hot path allocates dies by reference counting within one event, so a
    young generation of 10,000 objects instead of 700 lets most of them die before a collection
    runs, and the full collection comes due ten times less often (after 100 generation-1
    collections instead of 10). What exists at startup (modules, the method library) is frozen
    out of every collection."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 100)


async def metrics_endpoint(request: Request) -> Response:
    """`/metrics` for `Authorization: Bearer <KRING_METRICS_TOKEN>` only; 404 without a token
    configured (the separate port, KRING_METRICS_PORT, is served by `kring serve`)."""
    token = request.app.state.settings.metrics_token
    if not token or not metrics.M.on:
        return PlainTextResponse("Not Found", status_code=404)
    if not metrics.token_ok(request.headers.get("authorization"), token):
        return PlainTextResponse("Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"})
    body, ctype = await asyncio.to_thread(metrics.render)
    return Response(body, media_type=ctype, headers={"Cache-Control": "no-store"})


async def _sample(hub: Hub, every: float = 2.0) -> None:
    """The gauges (rooms, connections), sampled: nothing on the connect and disconnect paths."""
    while True:
        metrics.M.rooms.set(len(hub.rooms))
        metrics.M.connections.set(sum(len(live.conns) for live in hub.rooms.values()))
        await asyncio.sleep(every)


async def _retention(hub: Hub, programmes: Programmes, settings: Settings) -> None:
    """Erase rooms, groups and programmes idle for KRING_RETENTION_DAYS, at startup and then every
    interval. A group counts as active while its meetings are (`Groups.count_meetings_as_activity`),
    a programme while its groups are (`Programmes.keep_active`)."""
    while True:
        try:
            now = int(time.time() * 1000)
            await programmes.groups.count_meetings_as_activity(now, settings.retention_days * 86_400_000)
            await programmes.keep_active(now, settings.retention_days * 86_400_000)
            n = await hub.expire(now - settings.retention_days * 86_400_000)
            if n:
                log.info("retention: erased %d idle room(s)", n)
        except Exception as e:  # the store may be down; try again next round
            log.warning("retention pass failed: %s", type(e).__name__)
        await asyncio.sleep(settings.retention_interval_s)
