"""One emulator and one real bot per e2e module (see ``harness.World``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.e2e.harness import World


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    database = tmp_path_factory.mktemp("e2e") / "counterpoint.db"
    world = await World.create(f"sqlite:///{database}")
    try:
        yield world
    finally:
        await world.close()
