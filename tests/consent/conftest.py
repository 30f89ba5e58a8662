"""Registers the ConsentRegistry test fixtures.

They live in consent_support.py beside the helpers the tests import from it: a module named
`conftest` cannot be imported by tests when several test folders each have one.
"""

from tests.consent.consent_support import *  # noqa: F403 (fixtures are found by name)
