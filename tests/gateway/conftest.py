"""Registers the gateway's fixtures: the provenance chain (tests/provenance/chain.py) and the
gateway over it (stack.py), both importable by name from other modules."""

from tests.gateway.stack import *  # noqa: F403 (fixtures are found by name)
from tests.provenance.chain import *  # noqa: F403
