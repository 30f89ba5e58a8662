"""Registers the provenance SDK fixtures (a module named `conftest` cannot be imported by other
test folders, so they live in provenance_chain.py)."""

from tests.provenance_sdk.provenance_chain import *  # noqa: F403 (fixtures are found by name)
