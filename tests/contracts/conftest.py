"""Registers the ParticipantRegistry test fixtures.

They live in registry_support.py beside the helpers the tests import from it: a module named
`conftest` cannot be imported by tests when several test folders each have one.
"""

from tests.contracts.registry_support import *  # noqa: F403 (fixtures are found by name)
