"""Registers the ClaimsAdjudicator test fixtures: the shared brownie ones and this suite's own.

They live in modules the tests can import from: a module named `conftest` cannot be imported by
tests when several test folders each have one.
"""

from tests.brownie_support import *  # noqa: F403 (fixtures are found by name)
from tests.contracts.claims_adjudicator.support import *  # noqa: F403
