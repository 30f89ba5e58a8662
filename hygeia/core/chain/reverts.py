"""Turn a contract's revert data into a Python exception named after the Solidity custom error.

A revert such as `ParticipantRegistryCredentialExists(account, role)` becomes an instance of the
`ContractRevertError` subclass of the same name (generated in hygeia/core/contract_errors.py)
carrying the decoded arguments, enum arguments as their enum, so callers can write
`except errors.ParticipantRegistryCredentialExists` or inspect `exc.error_args`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.exceptions import ContractLogicError

from hygeia.core import contract_errors
from hygeia.core.errors import ContractRevertError, TransactionFailedError

_ERROR_STRING = bytes.fromhex("08c379a0")  # Error(string)
_PANIC = bytes.fromhex("4e487b71")  # Panic(uint256)


@dataclass(frozen=True)
class ErrorSpec:
    contract: str
    name: str
    arg_names: tuple[str, ...]
    arg_types: tuple[str, ...]


@cache
def error_class(name: str) -> type[ContractRevertError]:
    """The exception class for the Solidity error `name`: the generated one, or for an error no
    deployable contract declares (Error, Panic, a foreign contract's), one made on demand."""
    known = contract_errors.BY_NAME.get(name)
    if known is not None:
        return known
    return type(name, (ContractRevertError,), {"__module__": "hygeia.core.contract_errors"})


def _abi_type(item: Mapping[str, Any]) -> str:
    kind = str(item["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


class RevertDecoder:
    """Knows the custom errors of a set of ABIs and decodes revert data against them."""

    def __init__(self, abis: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        self._by_selector: dict[bytes, ErrorSpec] = {}
        for contract, abi in abis.items():
            for item in abi:
                if item.get("type") != "error":
                    continue
                types = tuple(_abi_type(i) for i in item["inputs"])
                selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
                names = tuple(i["name"] or f"arg{n}" for n, i in enumerate(item["inputs"]))
                self._by_selector.setdefault(
                    selector, ErrorSpec(contract, item["name"], names, types)
                )

    def decode(self, data: bytes) -> ContractRevertError | None:
        """The exception for revert `data`, or None when the selector is unknown."""
        selector, payload = data[:4], data[4:]
        if selector == _ERROR_STRING:
            (reason,) = decode(["string"], payload)
            return error_class("Error")("Error", {"reason": reason})
        if selector == _PANIC:
            (code,) = decode(["uint256"], payload)
            return error_class("Panic")("Panic", {"code": hex(code)})
        spec = self._by_selector.get(selector)
        if spec is None:
            return None
        values = decode(list(spec.arg_types), payload)
        enums = contract_errors.ENUM_ARGUMENTS.get(spec.name, {})
        args = {
            name: enums[name](value) if name in enums else _plain(value, kind)
            for name, value, kind in zip(spec.arg_names, values, spec.arg_types, strict=True)
        }
        return error_class(spec.name)(spec.name, args, spec.contract)

    def from_exception(
        self, exc: ContractLogicError
    ) -> ContractRevertError | TransactionFailedError:
        """Decode a web3 revert. Ganache puts the revert data in a dict under `result`."""
        data = revert_data(exc)
        decoded = self.decode(data) if data else None
        if decoded is not None:
            return decoded
        detail = f" (revert data 0x{data.hex()})" if data else ""
        return TransactionFailedError(f"transaction reverted: {exc.message or exc}{detail}")


def revert_data(exc: ContractLogicError) -> bytes:
    """The raw revert bytes carried by a web3 ContractLogicError, from Anvil or Ganache."""
    data: Any = exc.data
    if isinstance(data, Mapping):
        data = (
            data.get("result")
            or data.get("data")
            or next((v.get("return") for v in data.values() if isinstance(v, Mapping)), None)
        )
    if isinstance(data, str) and data.startswith("0x"):
        try:
            return bytes.fromhex(data[2:])
        except ValueError:
            return b""
    return b""


def _plain(value: Any, kind: str) -> Any:
    """ABI values as JSON-friendly Python: bytes as 0x-hex, addresses checksummed."""
    if kind == "address":
        return to_checksum_address(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple):
        return [_plain(v, "") for v in value]
    return value
