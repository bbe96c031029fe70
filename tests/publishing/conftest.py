"""Store fixtures on every backend for the publishing tests."""

from __future__ import annotations

from tests.storefixtures import make_store, store, store_url

__all__ = ["make_store", "store", "store_url"]
