"""`kring serve [--host --port]`: run the app with uvicorn (embedded default: SQLite, no Redis).
`kring fastpath`: whether the WebSocket fast paths are on here, and the installed versions."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

WS_MAX_SIZE = 64 * 1024  # frames over 64 KiB close the socket with 1009


def uvicorn_kwargs() -> dict[str, object]:
    """The one source of uvicorn's settings (the Procfile runs `kring serve` too): no access log (it
    would show room ids and addresses), no deflate, frames over 64 KiB close with 1009 (protocol.md)."""
    return {
        "ws": "websockets-sansio",
        "ws_max_size": WS_MAX_SIZE,
        "ws_per_message_deflate": False,
        "access_log": False,
        "proxy_headers": True,
        "server_header": False,
        "lifespan": "on",
        "loop": "auto",  # uvloop where it is installed
        # uvicorn's h11 protocol plus a time limit and per-address cap for unfinished connections.
        "http": "server.connguard:GuardedH11Protocol",
        "timeout_keep_alive": 5,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kring", description="Kring: a live board for intervisie groups")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    sub.add_parser(
        "fastpath",
        help="say whether the WebSocket fast paths are on (KRING_FASTPATH, installed uvicorn/websockets)",
    )
    args = parser.parse_args(argv)
    if args.command == "fastpath":
        from . import fastpath

        st = fastpath.status(os.environ.get("KRING_FASTPATH"))
        print(st.line())
        found = ", ".join(f"{k} {v}" for k, v in st.versions.items())
        verified = "; ".join(f"{k} {', '.join(v)}" for k, v in fastpath.VERIFIED.items())
        print(f"installed: {found} (verified: {verified})")
        return 0
    if args.command == "serve":
        import uvicorn

        from . import logs, metrics, settings

        fmt = (os.environ.get("KRING_LOG_FORMAT") or "text").strip().lower()
        log_config = logs.log_config(fmt)
        from logging import config as logging_config

        logging_config.dictConfig(log_config)
        if metrics.configured():
            # Before any worker imports prometheus_client: every process writes its values under
            # PROMETHEUS_MULTIPROC_DIR, and a scrape adds them up.
            metrics.prepare_multiproc_dir(args.port)
            port = os.environ.get("KRING_METRICS_PORT", "")
            if port:
                host, _, num = port.rpartition(":")
                metrics.serve_port(int(num), host or "127.0.0.1")
                logging.getLogger("kring").info("metrics on port %s (/metrics)", num)

        def say(line: str) -> None:  # a plain line, or a log record in the JSON format
            if fmt != "json":
                print(line, flush=True)
            else:
                logging.getLogger("kring").info("%s", line)

        store = os.environ.get("KRING_STORE") or settings.default_store_url()
        if store.startswith("sqlite:"):
            rest = store.split("://", 1)[1]
            where = os.path.dirname(os.path.abspath(rest[1:] if rest.startswith("/") else rest))
            say(f"kring: keeping its data in {where} (KRING_DATA, or KRING_STORE)")
        else:
            say(f"kring: store {store.split('://', 1)[0]}:// (KRING_STORE)")
        kw: dict[str, Any] = uvicorn_kwargs()
        kw["log_config"] = log_config  # applied again in every worker process
        uvicorn.run(
            "server.asgi:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            **kw,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
