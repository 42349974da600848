"""What every HTTP request passes before the app reads it: no request can stall or swell the server.

- `RequestGuard` (ASGI middleware, HTTP only): refuses a request that carries both Content-Length
  and Transfer-Encoding (a request-smuggling risk behind some proxies), a declared body over the
  global cap (413 before a byte of it is read), a state-changing request from a foreign Origin
  (403; a request without Origin, as API clients send, stays allowed), and a body that is not JSON
  (415). The WebSocket path never reaches it (server/app.py routes /ws/ around the middleware).
- `read_json(request, limit)`: the only way a handler reads a body. It refuses by Content-Length
  first, reads the stream only up to the limit (never past it), within a time limit, and refuses
  JSON nested deeper than `MAX_DEPTH` *before* parsing it (a linear scan), so no RecursionError and
  no quadratic parse is reachable from a request.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .security import origin_allowed

MAX_BODY = 1024 * 1024  # the global cap; handlers set their own, lower ones
MAX_DEPTH = 32  # JSON nesting: the deepest legitimate body (a method) is about 6
BODY_TIMEOUT_S = 30.0  # a body that trickles in slower than this is dropped
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped), in linear time."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return raw.count(b"[") + raw.count(b"{")  # an upper bound that is already small enough
    brackets = _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for c in brackets:
        if c in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def _header(scope: Scope, name: bytes) -> bytes | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return bytes(v)
    return None


def declared_length(scope: Scope) -> int | None:
    raw = _header(scope, b"content-length")
    if raw is None:
        return None
    try:
        n = int(raw)
    except ValueError:
        return -1
    return n if n >= 0 else -1


async def read_body(request: Request, limit: int) -> bytes | Response:
    """The request body, or the 4xx to answer: never reads past `limit` bytes."""
    n = declared_length(request.scope)
    if n is not None and n > limit:
        return error("too_large", f"the request body may be at most {limit} bytes", 413)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    return error("too_large", f"the request body may be at most {limit} bytes", 413)
                chunks.append(chunk)
    except TimeoutError:
        return error("timeout", "the request body took too long", 408)
    except ClientDisconnect:
        return error("invalid", "the request was not complete", 400)
    return b"".join(chunks)


async def read_json(request: Request, limit: int) -> dict[str, Any] | Response:
    """The JSON object in the request body, or the 4xx to answer (checked before parsing)."""
    raw = await read_body(request, limit)
    if isinstance(raw, Response):
        return raw
    if json_depth(raw) > MAX_DEPTH:
        return error("invalid", f"the body is nested deeper than {MAX_DEPTH} levels", 400)
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return error("invalid", "the body must be JSON", 400)
    if not isinstance(data, dict):
        return error("invalid", "the body must be a JSON object", 400)
    return data


class RequestGuard:
    """Pure ASGI middleware for HTTP requests; see the module's docstring."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...] = (), max_body: int = MAX_BODY) -> None:
        self.app = app
        self.origins = origins
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refuse(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refuse(self, scope: Scope) -> Response | None:
        te = _header(scope, b"transfer-encoding")
        n = declared_length(scope)
        if te is not None and n is not None:
            return error("invalid", "a request may not carry both Content-Length and Transfer-Encoding", 400)
        if n == -1:
            return error("invalid", "bad Content-Length", 400)
        if n is not None and n > self.max_body:
            return error("too_large", f"the request body may be at most {self.max_body} bytes", 413)
        if scope["method"] not in STATE_CHANGING:
            return None
        origin = _header(scope, b"origin")
        if origin is not None:
            host = _header(scope, b"host")
            if not origin_allowed(
                origin.decode("latin-1"),
                host.decode("latin-1") if host else None,
                scope.get("scheme", "http"),
                self.origins,
            ):
                return error("forbidden", "this request may only come from Kring's own pages", 403)
        ctype = (_header(scope, b"content-type") or b"").split(b";", 1)[0].strip().lower()
        if ctype != b"application/json":
            return error("unsupported", "the body must be JSON (Content-Type: application/json)", 415)
        return None
