"""One emulator and one real bot per e2e module (see ``harness.World``).

Every e2e test also fails if the bot sent a request real Discord would refuse for its body
(the emulator validates each one against Discord's OpenAPI schema and documented limits):
the bot often only logs such a refusal, so the test's own assertions might not notice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterable
from pathlib import Path

import pytest
import pytest_asyncio

from bot.emulator import Emulator
from bot.store import Store, open_store
from tests.e2e.harness import World
from tests.e2e.processes import Site


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    database = tmp_path_factory.mktemp("e2e") / "counterpoint.db"
    world = await World.create(f"sqlite:///{database}")
    try:
        yield world
    finally:
        await world.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def store(world: World) -> AsyncIterator[Store]:
    """The bot's database, opened beside it: what the tests read the record from."""
    instance = await open_store(world.database_url)
    yield instance
    await instance.close()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    """An emulator and a piece server for bot processes a test starts (tests/e2e/processes.py);
    the processes still running are killed after the test."""
    opened = await Site.open(tmp_path)
    try:
        yield opened
    finally:
        await opened.close()


def _emulators(values: Iterable[object]) -> list[Emulator]:
    """The emulators among a test's fixtures: given directly or as a world's ``emu``."""
    found: dict[int, Emulator] = {}
    for value in values:
        emu = value if isinstance(value, Emulator) else getattr(value, "emu", None)
        if isinstance(emu, Emulator):
            found[id(emu)] = emu
    return list(found.values())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    funcargs = getattr(item, "funcargs", {})
    emulators = _emulators(funcargs.values())
    before = {id(emu): len(emu.refused_bodies) for emu in emulators}
    result = yield
    refused = [record for emu in emulators for record in emu.refused_bodies[before[id(emu)]:]]
    if refused:
        lines = [f"{r.method} {r.path} -> {r.status} {r.error}" for r in refused]
        pytest.fail("Discord would refuse these requests of the bot:\n" + "\n".join(lines),
                    pytrace=False)
    return result
