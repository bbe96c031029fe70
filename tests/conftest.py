"""Shared test fixtures and markers: where ../shared is, and the PostgreSQL switch.

Two markers say what a test costs (declared in pyproject.toml; select with ``-m``):
``e2e`` for tests that run the real bot (or a real discord.py client) against the emulator, in
this process or a child one, the suite's slow half; ``postgres`` for tests that need the
PostgreSQL server of ``COUNTERPOINT_TEST_POSTGRES_URL``. They are skipped here, in one place,
when it is not set. ``python -m pytest -m "not e2e"`` is the quick loop while working.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests are the same on every run (derandomised: a failure reproduces, CI never
# flakes on a new example) and never timed: this machine is shared, a slow example is no bug.
settings.register_profile("counterpoint", derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("counterpoint")

# The store fixtures (``store``, ``store_url``, ``make_store``: every test that asks for one runs
# on each backend), declared once for the whole suite.
pytest_plugins = ("tests.storefixtures",)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
POSTGRES_ENV = "COUNTERPOINT_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_ENV)
#: Test files that drive the real bot or a discord.py client over the emulator, besides tests/e2e.
_E2E_FILES = {"tests/test_sandbox.py", "tests/emulator/test_discordpy_bot.py",
              "tests/emulator/test_gateway_protocol.py", "tests/emulator/test_second_bot.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres = pytest.mark.skip(reason=f"{POSTGRES_ENV} is not set")
    for item in items:
        path = Path(item.path).resolve().relative_to(REPO_ROOT).as_posix()
        if path.startswith("tests/e2e/") or path in _E2E_FILES:
            item.add_marker(pytest.mark.e2e)
        if not POSTGRES_URL and item.get_closest_marker("postgres") is not None:
            item.add_marker(skip_postgres)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip cleanly where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside this checkout")
    return SHARED
