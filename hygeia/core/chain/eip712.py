"""EIP-712 typed-data documents bound to one contract on one chain, as the suite's contracts
(OpenZeppelin's EIP712: name, version, chain id and verifying contract) check them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_DOMAIN_FIELDS = (
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
)


def typed_data(
    *,
    name: str,
    version: str,
    chain_id: int,
    contract: str,
    primary: str,
    fields: Sequence[tuple[str, str]],
    message: Mapping[str, Any],
) -> dict[str, Any]:
    """The full document a signer signs (`eth_signTypedData_v4`, eth-account's full_message)."""
    return {
        "types": {
            "EIP712Domain": [{"name": n, "type": t} for n, t in _DOMAIN_FIELDS],
            primary: [{"name": n, "type": t} for n, t in fields],
        },
        "primaryType": primary,
        "domain": {
            "name": name,
            "version": version,
            "chainId": chain_id,
            "verifyingContract": contract,
        },
        "message": dict(message),
    }
