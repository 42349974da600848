"""The ASGI app for uvicorn: `uvicorn server.asgi:app` (settings from the environment)."""

from __future__ import annotations

from .app import create_app

app = create_app()
