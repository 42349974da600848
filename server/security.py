"""Origin checks, rate limits and the security headers every HTTP response carries."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlparse

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def origin_allowed(origin: str | None, host: str | None, scheme: str, extra: tuple[str, ...]) -> bool:
    """Exact match: the app's own origin (from the Host header) or one configured in KRING_ORIGINS."""
    if not origin or origin == "null":
        return False
    origin = origin.rstrip("/")
    if origin in extra:
        return True
    if not host:
        return False
    u = urlparse(origin)
    if u.scheme not in ("http", "https") or not u.netloc:
        return False
    own = "https" if scheme in ("wss", "https") else "http"
    # Behind a TLS-terminating proxy the socket is plain, the page https: both are the same site.
    return u.netloc.lower() == host.lower() and (u.scheme == own or u.scheme == "https")


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.last = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Budget:
    """A token bucket that is charged after the fact and may go into debt: for a cost known only
    once the work is done (the bytes a command made the server send). While in debt, refuse."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.level = float(burst)
        self.last = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.level = min(self.burst, self.level + (now - self.last) * self.rate)
        self.last = now

    def exhausted(self) -> bool:
        self._refill()
        return self.level <= 0

    def charge(self, amount: float) -> None:
        self._refill()
        self.level -= amount


class JoinThrottle:
    """Failed joins per client address in a sliding minute; past the limit the address waits."""

    def __init__(self, per_minute: int, max_tracked: int = 10_000) -> None:
        self.per_minute = per_minute
        self.max_tracked = max_tracked
        self._fails: OrderedDict[str, list[float]] = OrderedDict()

    def _recent(self, ip: str) -> list[float]:
        now = time.monotonic()
        fails = [t for t in self._fails.get(ip, []) if now - t < 60]
        if fails:
            self._fails[ip] = fails
            self._fails.move_to_end(ip)
        else:
            self._fails.pop(ip, None)
        return fails

    def blocked(self, ip: str) -> bool:
        return len(self._recent(ip)) >= self.per_minute

    def failed(self, ip: str) -> None:
        fails = self._recent(ip)
        fails.append(time.monotonic())
        self._fails[ip] = fails
        while len(self._fails) > self.max_tracked:
            self._fails.popitem(last=False)


def csp(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


class SecurityHeaders:
    """Pure ASGI middleware: a fresh CSP nonce per request (scope['state']['nonce']) and strict headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["nonce"] = nonce
        path: str = scope.get("path", "")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                names = {h[0].lower() for h in headers}
                add = {
                    b"content-security-policy": csp(nonce).encode(),
                    b"referrer-policy": b"no-referrer",
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"DENY",
                    b"x-robots-tag": b"noindex, nofollow",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                    b"cross-origin-opener-policy": b"same-origin",
                }
                if not path.startswith("/static/"):
                    add[b"cache-control"] = b"no-store"
                for k, v in add.items():
                    if k not in names:
                        headers.append((k, v))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)
