"""Logging without personal data: room ids, keys and tokens never reach the log output.

Room content never goes to the log in the first place (nothing in Kring logs it); what uvicorn
logs on its own (the WebSocket path on accept) is redacted here.
"""

from __future__ import annotations

import logging
import re

_PATH = re.compile(r"/(ws|r|g)/[A-Za-z0-9_-]+")
_SECRETS = re.compile(r"(key|token)=[^&\s\"']+", re.IGNORECASE)
# IP addresses (docs/privacy.md: not stored), with or without a port: uvicorn's WebSocket lines
# ('127.0.0.1:37466 - "WebSocket /ws/…" [accepted]') and, behind a proxy, the X-Forwarded-For
# address uvicorn puts in their place.
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b")
_IPV6 = re.compile(
    r"\[?(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|[0-9A-Fa-f:]*::[0-9A-Fa-f:.]*)\]?(?::\d+)?"
)  # the full form, or any form with '::' (so a time like 12:30:45 is left alone)


def redact(text: str) -> str:
    text = _IPV6.sub("…", _IPV4.sub("…", text))
    return _SECRETS.sub(r"\1=…", _PATH.sub(r"/\1/…", text))


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    f = RedactFilter()
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "kring"):
        logger = logging.getLogger(name)
        if not any(isinstance(x, RedactFilter) for x in logger.filters):
            logger.addFilter(f)
    # The access log would list every room URL; it stays off (see cli.uvicorn_kwargs).
    logging.getLogger("uvicorn.access").disabled = True
