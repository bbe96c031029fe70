"""The debate tests' world: a published piece of three arguments, on each store backend."""

from __future__ import annotations

import pytest

from bot.store import Store
from tests.debate.helpers import World, make_world


@pytest.fixture
async def world(store: Store) -> World:
    """``make_world(store)``: the piece, its arguments and a service on a clock at ``T0``."""
    return await make_world(store)
