"""Registers the provenance SDK fixtures (a module named `conftest` cannot be imported by other
test folders, so they live in chain.py)."""

from tests.provenance.chain import *  # noqa: F403 (fixtures are found by name)
