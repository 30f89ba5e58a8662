"""The consent SDK tests' chain: a fresh suite with its parties (tests/records/world.py), and
fresh patients (tests/security/parties.py) so that one test's consents never touch another's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.records.world import World, running_world
from tests.security.parties import Patient, new_patient


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_world(tmp_path_factory) as started:
        yield started


@pytest.fixture
def patient(world: World) -> Patient:
    return new_patient(world)
