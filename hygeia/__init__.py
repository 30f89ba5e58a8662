"""hygeia: consent, drug provenance and claims adjudication on an EVM chain.

A backend starts from :class:`hygeia.Suite`; errors derive from :class:`hygeia.HygeiaError`.
"""

from hygeia.core.contract_types import Role
from hygeia.core.errors import HygeiaError
from hygeia.suite import Suite

__version__ = "0.1.0"

__all__ = ["HygeiaError", "Role", "Suite", "__version__"]
