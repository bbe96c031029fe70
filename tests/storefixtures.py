"""Store fixtures for any test package: every test using them runs on each backend.

SQLite always (a fresh file per test); PostgreSQL too when ``COUNTERPOINT_TEST_POSTGRES_URL``
is set, each test in a schema of its own (``counterpoint_test_<random>``, dropped afterwards)
so concurrent runs never see each other's rows.

Registered for the whole suite by ``tests/conftest.py`` (``pytest_plugins``): a test asks
for ``store`` (a migrated :class:`bot.store.Store`), ``store_url`` (its URL, to open a second
instance on the same database) or ``make_store`` (``await make_store()`` opens one
more instance on that database, closed at teardown).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.store import Store, open_store

POSTGRES_ENV = "COUNTERPOINT_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_ENV)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    # Skipped by tests/conftest.py when COUNTERPOINT_TEST_POSTGRES_URL is not set.
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def _with_search_path(url: str, schema: str) -> str:
    # asyncpg turns unknown URL query parameters into server settings.
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}"


@contextlib.asynccontextmanager
async def postgres_schema(purpose: str) -> AsyncIterator[str]:
    """The URL of a schema of its own on ``COUNTERPOINT_TEST_POSTGRES_URL``'s server, dropped
    afterwards, so concurrent runs never see each other's rows."""
    import asyncpg

    assert POSTGRES_URL is not None
    schema = f"counterpoint_{purpose}_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(POSTGRES_URL)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        yield _with_search_path(POSTGRES_URL, schema)
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


@pytest.fixture(params=BACKENDS)
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database of the parametrised backend, private to this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'counterpoint.db'}"
        return
    async with postgres_schema("test") as url:
        yield url


@pytest.fixture
async def make_store(store_url: str) -> AsyncIterator[Callable[..., Awaitable[Store]]]:
    """Open (and at teardown close) store instances on the test's database."""
    opened: list[Store] = []

    async def make(*, migrate: bool = True) -> Store:
        instance = await open_store(store_url, migrate=migrate)
        opened.append(instance)
        return instance

    yield make
    for instance in reversed(opened):
        await instance.close()


@pytest.fixture
async def store(make_store: Callable[..., Awaitable[Store]]) -> Store:
    """A migrated store on a fresh database, once per backend."""
    return await make_store()
