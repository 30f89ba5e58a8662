"""The attack tests' fixtures.

- Consent, records and identity (test_consent_attacks.py): a fresh suite with its parties on an
  Anvil of their own (tests/records/world.py), and fresh patients, so that one attack's consents
  never help or hinder another's.
- DrugProvenance on brownie's Anvil (test_provenance_attacks.py, and test_custody_binding_attacks.py
  on shipments bound to their receiver and the registry's one-slot answers): the shared brownie
  fixtures and the DrugProvenance suite's (tests/contracts/drug_provenance/support.py), as its
  contract tests do.
  Its SDK and CLI attacks (test_provenance_attacks_sdk.py) use the provenance SDK tests' fixtures
  and chain (tests/provenance/chain.py).
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.brownie_support import *  # noqa: F403 (fixtures are found by name)
from tests.contracts.drug_provenance.support import *  # noqa: F403
from tests.provenance.chain import *  # noqa: F403
from tests.records.world import World, running_world
from tests.security.parties import Patient, new_patient

# brownie 1.22.2 warns about its own fixtures (fn_isolation calls rpc.snapshot/rpc.revert) on
# every test, as in tests/provenance.
_BROWNIE_SELF_WARNING = pytest.mark.filterwarnings(
    r"ignore:rpc\.\w+ should not be called directly:FutureWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(_BROWNIE_SELF_WARNING)


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
