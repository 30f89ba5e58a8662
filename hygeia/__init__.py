"""hygeia: consent, drug provenance and claims adjudication on an EVM chain.

A backend starts from :class:`hygeia.Suite`; errors derive from :class:`hygeia.HygeiaError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hygeia.core.errors import HygeiaError

if TYPE_CHECKING:
    from hygeia.core.contract_types import Role
    from hygeia.suite import Suite

__version__ = "0.1.0"

__all__ = ["HygeiaError", "Role", "Suite", "__version__"]


def __getattr__(name: str) -> Any:
    # Suite and Role bring web3 and every client with them: loaded when first asked for, so a
    # command that needs neither (`hygeia node up`) starts without them.
    if name == "Suite":
        from hygeia.suite import Suite

        return Suite
    if name == "Role":
        from hygeia.core.contract_types import Role

        return Role
    raise AttributeError(f"module 'hygeia' has no attribute {name!r}")
