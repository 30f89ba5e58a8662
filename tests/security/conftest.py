"""The attack tests' chain (a fresh suite with its parties, tests/vault/world.py) and fresh
patients, so that one attack's consents never help or hinder another's."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.security.parties import Patient, new_patient
from tests.vault.world import World, running_world


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_world(tmp_path_factory) as started:
        yield started


@pytest.fixture
def victim(world: World) -> Patient:
    """A patient registered just for this test, with its own keys and gas."""
    return new_patient(world)


@pytest.fixture
def make_patient(world: World) -> Callable[[], Patient]:
    return lambda: new_patient(world)
