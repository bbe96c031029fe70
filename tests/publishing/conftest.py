"""The fake Discord most publishing tests start from: one per test, with a text channel."""

from __future__ import annotations

import pytest

from tests.publishing.fakeport import FakeDiscord
from tests.publishing.test_publisher import new_channel


@pytest.fixture
def d() -> FakeDiscord:
    return FakeDiscord()


@pytest.fixture
def channel(d: FakeDiscord) -> int:
    """A text channel of ``d`` (made before anything the test adds)."""
    return new_channel(d)
