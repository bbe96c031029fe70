"""Backend fixtures for the store suite (they live in tests/storefixtures.py for reuse)."""

from __future__ import annotations

from tests.storefixtures import make_store, store, store_url

__all__ = ["make_store", "store", "store_url"]
