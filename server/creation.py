"""Who may create rooms and groups, and how fast.

Creation is throttled per client address and in total (token buckets; limits from the environment:
`KRING_CREATE_BURST`/`KRING_CREATE_PER_MIN` per address, `KRING_CREATE_TOTAL_BURST`/
`KRING_CREATE_TOTAL_PER_MIN` for the process). A school behind one NAT address creates dozens of
rooms in a morning; a script creating hundreds a second is refused with 429.

An instance that is not meant to be public sets `KRING_CREATE_KEY` (creation needs that key, in
the `X-Kring-Create-Key` header or the body's `create_key`) and/or `KRING_CREATE_NETWORKS`
(comma-separated CIDRs whose addresses may create without the key). Joining existing rooms and
groups is never affected.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .httpguard import error
from .security import TokenBucket


@dataclass(frozen=True)
class CreationPolicy:
    burst: int = 100
    per_min: float = 30.0
    total_burst: int = 1000
    total_per_min: float = 600.0
    key: str = ""
    networks: tuple[str, ...] = ()


class CreationGate:
    def __init__(self, policy: CreationPolicy, max_tracked: int = 10_000) -> None:
        self.policy = policy
        self.max_tracked = max_tracked
        self._per_addr: OrderedDict[str, TokenBucket] = OrderedDict()
        self._total = TokenBucket(policy.total_per_min / 60.0, policy.total_burst)
        self._nets = tuple(
            ipaddress.ip_network(n.strip(), strict=False) for n in policy.networks if n.strip()
        )

    @property
    def restricted(self) -> bool:
        return bool(self.policy.key or self._nets)

    def _trusted(self, addr: str, key: Any) -> bool:
        if (
            isinstance(key, str)
            and self.policy.key
            and hmac.compare_digest(key.encode(), self.policy.key.encode())
        ):
            return True
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in n for n in self._nets)

    def check(self, addr: str, key: Any) -> Response | None:
        if self.restricted and not self._trusted(addr, key):
            return error("forbidden", "creating rooms and groups needs this instance's creation key", 403)
        bucket = self._per_addr.get(addr)
        if bucket is None:
            bucket = self._per_addr[addr] = TokenBucket(self.policy.per_min / 60.0, self.policy.burst)
            while len(self._per_addr) > self.max_tracked:
                self._per_addr.popitem(last=False)
        else:
            self._per_addr.move_to_end(addr)
        if not bucket.take() or not self._total.take():
            return error("rate_limited", "too many rooms or groups created; try again in a minute", 429)
        return None


def creation_refused(request: Request, data: dict[str, Any]) -> Response | None:
    gate: CreationGate = request.app.state.creation
    addr = request.client.host if request.client else ""
    key = request.headers.get("x-kring-create-key") or data.get("create_key")
    return gate.check(addr, key)
