"""Event stores: one interface (base.Store), one module per backend, chosen by URL."""

from __future__ import annotations

from .base import AppendResult, Conflict, Store, Unavailable, open_store

__all__ = ["AppendResult", "Conflict", "Store", "Unavailable", "open_store"]
