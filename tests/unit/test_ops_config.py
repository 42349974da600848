"""Sentinel URLs, the metrics token, the metrics switch, JSON log lines, the drain's close code."""

from __future__ import annotations

import json
import logging

import pytest

from server import metrics
from server import protocol as P
from server.logs import JsonFormatter, log_config
from server.settings import Settings
from server.store.base import is_redis
from server.store.redis import parse_sentinel_url


def test_sentinel_url_full() -> None:
    t = parse_sentinel_url("redis+sentinel://:p%40ss@10.0.0.1:26379,10.0.0.2:26380,[::1]:26381/kring/2")
    assert t.sentinels == [("10.0.0.1", 26379), ("10.0.0.2", 26380), ("::1", 26381)]
    assert (t.service, t.db, t.password, t.username, t.ssl) == ("kring", 2, "p@ss", None, False)


def test_sentinel_url_defaults_and_options() -> None:
    t = parse_sentinel_url("rediss+sentinel://app:pw@sentinel/mymaster?sentinel_password=sp")
    assert t.sentinels == [("sentinel", 26379)]
    assert (t.service, t.db, t.username, t.password, t.sentinel_password, t.ssl) == (
        "mymaster",
        0,
        "app",
        "pw",
        "sp",
        True,
    )


@pytest.mark.parametrize(
    "url",
    ["redis+sentinel://host:26379", "redis+sentinel:///kring", "redis+sentinel://h/a/0/x", "redis://h/0"],
)
def test_sentinel_url_refused(url: str) -> None:
    with pytest.raises(ValueError):
        parse_sentinel_url(url)


def test_redis_schemes() -> None:
    for url in (
        "redis://h/0",
        "rediss://h/0",
        "unix:///tmp/r.sock",
        "redis+sentinel://h/k",
        "rediss+sentinel://h/k",
    ):
        assert is_redis(url)
    assert not is_redis("sqlite:///x.db") and not is_redis("memory://")


def test_settings_for_operations() -> None:
    s = Settings.from_env({"KRING_STORE": "memory://", "KRING_SECRET": "x"})
    assert (s.redis_wait_ms, s.metrics_token, s.metrics_port, s.log_format, s.drain_s) == (
        500,
        "",
        "",
        "text",
        10,
    )
    s = Settings.from_env(
        {
            "KRING_STORE": "memory://",
            "KRING_SECRET": "x",
            "KRING_REDIS_WAIT_MS": "99999",
            "KRING_LOG_FORMAT": "JSON",
        }
    )
    assert (s.redis_wait_ms, s.log_format) == (2000, "json")
    with pytest.raises(SystemExit):
        Settings.from_env({"KRING_STORE": "memory://", "KRING_SECRET": "x", "KRING_LOG_FORMAT": "xml"})
    with pytest.raises(SystemExit, match="KRING_SECRET"):
        Settings.from_env({"KRING_STORE": "redis+sentinel://h:26379/kring"})


def test_metrics_token() -> None:
    assert metrics.token_ok("Bearer abc", "abc")
    assert metrics.token_ok("bearer  abc ", "abc")
    assert not metrics.token_ok("Bearer abd", "abc")
    assert not metrics.token_ok("Basic abc", "abc")
    assert not metrics.token_ok(None, "abc")
    assert not metrics.token_ok("Bearer ", "")  # no token configured: never


def test_metrics_configured() -> None:
    assert not metrics.configured({})
    assert metrics.configured({"KRING_METRICS_PORT": "9464"})
    assert metrics.configured({"KRING_METRICS_TOKEN": "t"})


def test_json_log_lines_are_redacted() -> None:
    rec = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket /ws/%s?key=%s"',
        ("10.1.2.3:5000", "ROOM1", "K"),
        None,
    )
    line = JsonFormatter().format(rec)
    out = json.loads(line)
    assert out["level"] == "info" and out["logger"] == "uvicorn.error"
    assert "10.1.2.3" not in line and "ROOM1" not in line and "key=K" not in line
    assert log_config("text")["root"]["handlers"] == ["kring"]
    assert log_config("json")["formatters"]["json"]["()"] == "server.logs.JsonFormatter"


def test_restart_close_code_is_not_final() -> None:
    # client/static/js/conn.js treats every code but 4001, 4003 and 4010 as "reconnect".
    assert P.CLOSE_RESTART == 1012
    assert P.CLOSE_RESTART not in (P.CLOSE_BAD_KEY, P.CLOSE_REMOVED, P.CLOSE_ERASED)
