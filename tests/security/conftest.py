"""Registers the fixtures of the contract attack tests: the shared brownie ones and the
DrugProvenance suite's (tests/provenance/provenance_support.py), as tests/provenance/conftest.py
does. The SDK and CLI attacks (test_provenance_attacks_sdk.py) run on a chain of their own and
import its fixtures (tests/provenance_sdk/drug_chain.py)."""

from pathlib import Path

import pytest

from tests.brownie_support import *  # noqa: F403 (fixtures are found by name)
from tests.provenance.provenance_support import *  # noqa: F403

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
