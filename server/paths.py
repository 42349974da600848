"""Where the app's own files are: the browser client and the method library.

In an installed wheel they are package data under this package (`server/client`, `server/methods`);
in a checkout (and an editable install) they are the repository's top-level `client/` and `methods/`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    inside = PACKAGE / name
    if inside.is_dir():
        return inside
    return PACKAGE.parent / name


CLIENT = _data_dir("client")
METHODS = _data_dir("methods")
STATIC = CLIENT / "static"
TEMPLATES = CLIENT / "templates"
I18N = CLIENT / "i18n"


def in_checkout() -> bool:
    """True when running from a source checkout (the repository's pyproject.toml sits beside us)."""
    return (PACKAGE.parent / "pyproject.toml").is_file() and not (PACKAGE / "client").is_dir()
