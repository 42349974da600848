"""`kring serve [--host --port]`: run the app with uvicorn (embedded default: SQLite, no Redis)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

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
    args = parser.parse_args(argv)
    if args.command == "serve":
        import uvicorn

        from . import settings

        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        store = os.environ.get("KRING_STORE") or settings.default_store_url()
        if store.startswith("sqlite:"):
            rest = store.split("://", 1)[1]
            where = os.path.dirname(os.path.abspath(rest[1:] if rest.startswith("/") else rest))
            print(f"kring: keeping its data in {where} (KRING_DATA, or KRING_STORE)", flush=True)
        else:
            print(f"kring: store {store.split('://', 1)[0]}:// (KRING_STORE)", flush=True)
        uvicorn.run(
            "server.asgi:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            **uvicorn_kwargs(),  # type: ignore[arg-type]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
