"""The two WebSocket fast paths around uvicorn's `websockets-sansio` protocol, and their one switch.

- `receive.py`: client frames cut up and queued for the app without websockets' parser.
- `send.py`: one prebuilt frame per event written straight to every member's transport.

Both lean on internals of uvicorn and websockets (protocol attributes, the parser's generator
chain), so they are only on where those are versions they were verified against (`VERIFIED`), and
`KRING_FASTPATH=off` turns them off by hand. Off, every frame goes through uvicorn's and websockets'
own code; the wire is byte for byte the same (tests/ws runs both ways, see bin/test).

The switch is decided once per process, at startup (`check`, one log line when off), and applied
once per connection (`connect`): nothing of it runs per event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from . import receive
from .send import RawSocket, available, sansio_protocol

log = logging.getLogger("kring.fastpath")

# The versions the fast paths were verified against (tests/unit/test_fastpath_*.py and
# tests/ws/test_fast_receive.py pass, and docs/performance.md's profile was taken). Add a version
# here only after running those tests with it installed.
VERIFIED: dict[str, tuple[str, ...]] = {
    "uvicorn": ("0.55.0",),
    "websockets": ("17.4",),
}
SETTINGS = ("on", "off")  # KRING_FASTPATH; unset or empty is "on"


@dataclass(frozen=True)
class Status:
    on: bool
    reason: str  # why they are off; "" when on
    versions: dict[str, str]  # the running uvicorn and websockets

    def line(self) -> str:
        return "fast paths: on" if self.on else f"fast paths: off ({self.reason})"


def versions() -> dict[str, str]:
    """The versions of uvicorn and websockets this process runs (the ones it imported)."""
    import uvicorn
    from websockets.version import version as websockets_version

    return {"uvicorn": str(uvicorn.__version__), "websockets": websockets_version}


def status(setting: str | None = None) -> Status:
    """Whether the fast paths are on for `setting` (the value of KRING_FASTPATH) and the running
    versions, and why not."""
    found = versions()
    value = (setting or "").strip().lower() or "on"
    if value == "off":
        return Status(False, "KRING_FASTPATH=off", found)
    if value not in SETTINGS:
        return Status(False, f"KRING_FASTPATH={setting!r} is neither on nor off", found)
    if not available():
        return Status(False, "this uvicorn has no websockets-sansio protocol", found)
    for name, verified in VERIFIED.items():
        if found.get(name) not in verified:
            return Status(
                False, f"{name} {found.get(name)} is not a verified version ({', '.join(verified)})", found
            )
    return Status(True, "", found)


def check(setting: str | None = None) -> Status:
    """The startup self-check: `status`, and one log line when the fast paths are off."""
    st = status(setting)
    if not st.on:
        log.warning("%s", st.line())
    return st


def connect(send: Any, raw: bool) -> RawSocket | None:
    """Put one accepted connection on the fast paths (only call this while they are on): its client
    frames skip websockets' parser from now on, and with `raw` (a protocol client, which takes
    events as they are) it gets the RawSocket its events are written to. None where the connection
    is not uvicorn's sans-I/O protocol without extensions, or for a browser (`raw` False)."""
    proto = sansio_protocol(send)
    if proto is None:
        return None
    receive.install(proto)
    return RawSocket(proto) if raw else None
