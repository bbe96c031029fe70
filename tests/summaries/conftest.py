"""Every summaries test that asks for ``store`` runs on SQLite, and on PostgreSQL when set."""

from __future__ import annotations

from tests.storefixtures import make_store, store, store_url  # noqa: F401
