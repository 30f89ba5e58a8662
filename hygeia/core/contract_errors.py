"""Exceptions for the contracts' custom errors, by Solidity name.

    from hygeia.core import contract_errors as errors
    try:
        client.issue_credential(...)
    except errors.ParticipantRegistryCredentialExists as exc:
        print(exc.error_args["account"])

Every such class derives from hygeia.core.errors.ContractRevertError.
"""

from __future__ import annotations

from hygeia.core.chain.reverts import error_class
from hygeia.core.errors import ContractRevertError


def __getattr__(name: str) -> type[ContractRevertError]:
    if name.startswith("__"):
        raise AttributeError(name)
    return error_class(name)
