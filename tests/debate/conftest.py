"""The debate service's tests run on every store backend (see tests/storefixtures.py)."""

from __future__ import annotations

from tests.storefixtures import make_store, store, store_url

__all__ = ["make_store", "store", "store_url"]
