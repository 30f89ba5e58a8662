"""The record vault tests' chain: a fresh suite with its participants (tests/records/world.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.records.world import World, running_world


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_world(tmp_path_factory) as started:
        yield started


@pytest.fixture
def who(world: World) -> Callable[[str], str]:
    return world.address
