"""Logging without personal data: room ids, keys and tokens never reach the log output.

Room content never goes to the log in the first place (nothing in Kring logs it); what uvicorn
logs on its own (the WebSocket path on accept) is redacted here.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

_PATH = re.compile(r"/(ws|r|g|p|groups|programmes)/[A-Za-z0-9_-]+")  # room, group, programme ids
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


class JsonFormatter(logging.Formatter):
    """One JSON object per line (`KRING_LOG_FORMAT=json`): time, level, logger, message, and the
    exception if any. The message and the exception are redacted like every other log line, here
    in the formatter too, so a record from any logger (not only those `install` filters) is clean."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def log_config(fmt: str) -> dict[str, Any]:
    """uvicorn's `log_config` for `kring serve`, applied in every worker process: uvicorn's own
    for its loggers plus a root handler (`LEVEL logger: message`) for Kring's, or for "json" JSON
    lines on stderr for every logger."""
    if fmt != "json":
        import copy

        from uvicorn.config import LOGGING_CONFIG

        cfg: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
        cfg["formatters"]["kring"] = {"format": "%(levelname)s %(name)s: %(message)s"}
        cfg["handlers"]["kring"] = {
            "class": "logging.StreamHandler",
            "formatter": "kring",
            "stream": "ext://sys.stderr",
        }
        cfg["root"] = {"handlers": ["kring"], "level": "INFO"}
        return cfg
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "server.logs.JsonFormatter"}},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "INFO"},
    }
