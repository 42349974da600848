"""Configuration, read from the environment once at startup."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .store.base import is_redis

ROOT = Path(__file__).resolve().parent.parent  # the checkout's root (tests and bench use it)


def data_dir(env: dict[str, str] | None = None) -> Path:
    """KRING_DATA, else ./data in a source checkout, else the platform's user data directory."""
    e = os.environ if env is None else env
    if e.get("KRING_DATA"):
        return Path(e["KRING_DATA"]).expanduser()
    if paths.in_checkout():
        return Path("data")
    import platformdirs

    return Path(platformdirs.user_data_dir("kring", appauthor=False))


def default_store_url(env: dict[str, str] | None = None) -> str:
    """SQLite in the data directory (SQLAlchemy's URL convention: four slashes for an absolute path)."""
    d = data_dir(env)
    return f"sqlite:///{d / 'kring.db'}"


def _int(env: dict[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{key} must be a whole number, got {raw!r}") from None


def _positive(env: dict[str, str], key: str, default: int) -> int:
    value = _int(env, key, default)
    if value < 1:
        raise SystemExit(f"{key} must be a whole number above 0, got {value}")
    return value


def _percent(env: dict[str, str], key: str, default: int) -> int:
    value = _int(env, key, default)
    if not 1 <= value <= 100:
        raise SystemExit(f"{key} must be a percentage from 1 to 100, got {value}")
    return value


def _seconds(env: dict[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise SystemExit(f"{key} must be a number of seconds above 0, got {raw!r}")
    return value


def _choice(env: dict[str, str], key: str, allowed: tuple[str, ...]) -> str:
    raw = (env.get(key) or allowed[0]).strip().lower()
    if raw not in allowed:
        raise SystemExit(f"{key} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    store_url: str = "sqlite:///./data/kring.db"
    secret: str = ""
    origins: tuple[str, ...] = ()  # extra allowed WebSocket origins; the app's own origin is always allowed
    retention_days: int = 30
    retention_interval_s: float = 3600.0
    methods_dir: Path = paths.METHODS
    queue_size: int = 2000  # outbound messages per connection before it is closed as slow (4008)
    snapshot_every: int = 200
    resume_limit: int = 2000  # at most this many events are replayed on resume; more means a snapshot
    hello_timeout: float = 10.0
    idle_timeout: float = 300.0  # seconds without any frame from the client (pings count)
    rate_per_s: float = 30.0
    rate_burst: int = 120
    join_attempts_per_min: int = 30
    debug_errors: bool = False
    create_burst: int = 100  # room and group creation per client address (token bucket) ...
    create_per_min: int = 30
    create_total_burst: int = 1000  # ... and for the whole process
    create_total_per_min: int = 600
    create_key: str = ""  # KRING_CREATE_KEY: creation needs this key (instances not meant to be public)
    create_networks: tuple[str, ...] = ()  # KRING_CREATE_NETWORKS: CIDRs that may create without the key
    room_idle_s: float = 30.0  # a room without connections is unloaded after this many seconds
    fastpath: str = "on"  # KRING_FASTPATH: "off" turns the WebSocket fast paths off (server/fastpath/)
    # What one person may cost the others (docs/deploy.md, 4a): hellos and renames per participant
    # (token buckets), the bytes the server sends because of their commands, their share of content.
    hello_burst: int = 10
    hello_per_min: int = 20
    rename_burst: int = 5
    rename_per_min: int = 6
    send_budget: int = 4_000_000  # bytes per second, per participant (frame size x recipients)
    send_burst: int = 32_000_000
    person_share: int = 20  # percent of each room cap (cards, nodes, forces, notes) one person may fill
    crowd_warning: int = 12  # facilitators are warned (with a one-click lock) above this many participants
    redis_wait_ms: int = 500  # KRING_REDIS_WAIT_MS: WAIT for a replica before an ack (0: off)
    metrics_token: str = ""  # KRING_METRICS_TOKEN: /metrics for `Authorization: Bearer <token>`
    metrics_port: str = ""  # KRING_METRICS_PORT: [host:]port of the metrics server (kring serve)
    log_format: str = "text"  # KRING_LOG_FORMAT: "json" for one JSON object per line
    drain_s: float = 10.0  # KRING_DRAIN_TIMEOUT: on SIGTERM, how long to finish and close sockets
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        store = e.get("KRING_STORE") or default_store_url(e)
        return cls(
            store_url=store,
            secret=e.get("KRING_SECRET") or _secret_for(store, e.get("KRING_ALLOW_EPHEMERAL_SECRET") == "1"),
            origins=tuple(o.strip().rstrip("/") for o in e.get("KRING_ORIGINS", "").split(",") if o.strip()),
            retention_days=_int(e, "KRING_RETENTION_DAYS", 30),
            retention_interval_s=float(_int(e, "KRING_RETENTION_INTERVAL", 3600)),
            methods_dir=Path(e.get("KRING_METHODS") or paths.METHODS),
            queue_size=_int(e, "KRING_QUEUE", 2000),
            rate_per_s=float(_int(e, "KRING_RATE", 30)),
            rate_burst=_int(e, "KRING_BURST", 120),
            create_burst=_int(e, "KRING_CREATE_BURST", 100),
            create_per_min=_int(e, "KRING_CREATE_PER_MIN", 30),
            create_total_burst=_int(e, "KRING_CREATE_TOTAL_BURST", 1000),
            create_total_per_min=_int(e, "KRING_CREATE_TOTAL_PER_MIN", 600),
            create_key=e.get("KRING_CREATE_KEY", ""),
            create_networks=tuple(
                n.strip() for n in e.get("KRING_CREATE_NETWORKS", "").split(",") if n.strip()
            ),
            room_idle_s=_seconds(e, "KRING_ROOM_IDLE", 30.0),
            fastpath=e.get("KRING_FASTPATH") or "on",
            hello_burst=_positive(e, "KRING_HELLO_BURST", 10),
            hello_per_min=_positive(e, "KRING_HELLO_PER_MIN", 20),
            rename_burst=_positive(e, "KRING_RENAME_BURST", 5),
            rename_per_min=_positive(e, "KRING_RENAME_PER_MIN", 6),
            send_budget=_positive(e, "KRING_SEND_BUDGET", 4_000_000),
            send_burst=_positive(e, "KRING_SEND_BURST", 32_000_000),
            person_share=_percent(e, "KRING_PERSON_SHARE", 20),
            crowd_warning=_positive(e, "KRING_CROWD_WARNING", 12),
            redis_wait_ms=max(0, min(_int(e, "KRING_REDIS_WAIT_MS", 500), 2000)),
            metrics_token=e.get("KRING_METRICS_TOKEN", ""),
            metrics_port=e.get("KRING_METRICS_PORT", ""),
            log_format=_choice(e, "KRING_LOG_FORMAT", ("text", "json")),
            drain_s=float(_int(e, "KRING_DRAIN_TIMEOUT", 10)),
        )


def _secret_for(store_url: str, allow_ephemeral: bool = True) -> str:
    """Without KRING_SECRET, keep a generated secret beside the SQLite file so tokens survive restarts."""
    if store_url.startswith("sqlite://"):
        rest = store_url.split("://", 1)[1]
        db = Path(rest[1:] if rest.startswith("/") else rest)
        path = db.parent / "secret.key"
        try:
            if not path.parent.exists():
                path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
                path.parent.chmod(0o700)
            if path.exists():
                return path.read_text().strip()
            value = secrets.token_urlsafe(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
            with os.fdopen(fd, "w") as f:
                f.write(value)
            return value
        except OSError:
            pass
    # Multi-worker deployments must share KRING_SECRET; a per-process secret only suits one process.
    if not allow_ephemeral and is_redis(store_url):
        raise SystemExit(
            "KRING_SECRET must be set, to the same value on every worker, when KRING_STORE is redis "
            "(set KRING_ALLOW_EPHEMERAL_SECRET=1 to run a single worker with a per-process secret)"
        )
    return secrets.token_urlsafe(32)
