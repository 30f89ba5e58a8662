"""What every contract client shares: a web3 contract bound to an address and a sender."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Protocol

from eth_abi.exceptions import DecodingError
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.datastructures import AttributeDict
from web3.exceptions import ContractLogicError

from hygeia.core import artifacts
from hygeia.core.chain.connection import call_node
from hygeia.core.chain.events import EventLayout, checksum, decode_arguments
from hygeia.core.chain.logs import paged_logs, raw_get_logs
from hygeia.core.chain.transactions import Receipt, TxSender
from hygeia.core.chain.views import CalldataEncoder, call_many, function_abi, signature_of
from hygeia.core.errors import (
    ContractRevertError,
    IntegrityError,
    InvalidInputError,
    TransactionFailedError,
)


class LogSource(Protocol):
    """Where a client reads past events when not from the node: an event index
    (hygeia.index.reader.IndexedLogs) answers in the shape web3's `get_logs` does."""

    def get_logs(
        self,
        contract: str,
        event: str,
        argument_filters: Mapping[str, Any] | None = None,
        from_block: int = 0,
    ) -> Sequence[Any]: ...


class ContractClient:
    """Base of the typed clients. `sender` may be None for a read-only client; `logs`, when
    given, answers event queries instead of the node's `eth_getLogs`."""

    contract_name: str = ""

    def __init__(
        self,
        w3: Web3,
        address: str,
        sender: TxSender | None = None,
        *,
        logs: LogSource | None = None,
    ) -> None:
        self.w3 = w3
        self.address = Web3.to_checksum_address(address)
        self.contract: Contract = w3.eth.contract(
            address=self.address, abi=artifacts.abi(self.contract_name)
        )
        self.sender = sender
        self.logs = logs
        self._rpc = getattr(w3.provider, "endpoint_uri", None) or "the node"
        self._calldata = CalldataEncoder()  # its ViewFunctions serve the views too
        self._chain_id: int | None = None

    def chain_id(self) -> int:
        """The id of the chain the client's node serves, asked once."""
        if self._chain_id is None:
            self._chain_id = int(call_node(self._rpc, lambda: self.w3.eth.chain_id))
        return self._chain_id

    def with_sender(self, sender: TxSender) -> ContractClient:
        """The same contract, sending as another signer."""
        client = type(self)(self.w3, self.address, sender, logs=self.logs)
        client._chain_id = self._chain_id
        return client

    def _transact(self, fn: ContractFunction) -> Receipt:
        if self.sender is None:
            raise TransactionFailedError(
                f"{self.contract_name} client is read-only: give it a TxSender to send transactions"
            )
        return self.sender.transact(fn)

    def multicall_call(self, fns: Sequence[ContractFunction]) -> ContractFunction:
        """`fns`, calls of this contract, as one call of its OpenZeppelin `multicall`: one
        transaction, all of them or none, each run with the sender's own rights."""
        if not any(entry.get("name") == "multicall" for entry in self.contract.abi):
            raise InvalidInputError(f"{self.contract_name} does not batch calls (no multicall)")
        foreign = [fn.fn_name for fn in fns if fn.address != self.address]
        if foreign:
            raise InvalidInputError(
                f"a multicall of {self.contract_name} at {self.address} runs only its own "
                f"functions, not {', '.join(foreign)} of another contract"
            )
        data = [bytes.fromhex(self._calldata.calldata(fn)[2:]) for fn in fns]
        return self.contract.functions.multicall(data)

    def transact_batched(
        self, fns: Sequence[ContractFunction], *, per_transaction: int
    ) -> list[Receipt]:
        """Send `fns` in transactions of up to `per_transaction` calls each (a multicall, or a
        lone call as itself), back to back, each one's gas estimated before any is sent and the
        receipts awaited together (TxSender.transact_all). A batch is all or none: a call that
        fails fails its whole transaction, found by the estimates before anything is sent."""
        if per_transaction < 1:
            raise InvalidInputError("calls per transaction must be at least 1")
        if not fns:
            return []
        if self.sender is None:
            raise TransactionFailedError(
                f"{self.contract_name} client is read-only: give it a TxSender to send transactions"
            )
        batches = [
            chunk[0] if len(chunk) == 1 else self.multicall_call(chunk)
            for chunk in (fns[i : i + per_transaction] for i in range(0, len(fns), per_transaction))
        ]
        return self.sender.transact_all(batches, estimate_each=True)

    def _call(self, fn: ContractFunction) -> Any:
        """A view call; reverts are decoded like transactions'. Encoded and decoded by eth_abi
        with the function's ABI entry resolved once (as `_call_many`), for what web3's own call
        gives; arguments eth_abi does not take as they are, and a call that fails, go through
        web3's call."""
        address = fn.address
        data = None if address is None else self._calldata.eth_abi_calldata(fn)
        if address is None or data is None:
            return self._web3_call(fn)
        return call_many(
            self.w3,
            address,
            self._calldata.function(fn.signature, fn.abi),
            [fn.args],
            rpc=self._rpc,
            one_by_one=lambda args: self._web3_call(fn),
            calldata=[data],
        )[0]

    def _web3_call(self, fn: ContractFunction) -> Any:
        try:
            return call_node(self._rpc, fn.call)
        except ContractLogicError as exc:
            decoded: ContractRevertError | TransactionFailedError
            decoded = artifacts.suite_decoder().from_exception(exc)
            raise decoded from None

    def _call_many(
        self, name: str, arguments: Sequence[Sequence[Any]], *, abi_of: str | None = None
    ) -> list[Any]:
        """The view `name` once per argument list, in JSON-RPC batches, its ABI entry resolved
        once (hygeia.core.chain.views): what `_call` of each returns, web3's per-call work left
        out. `abi_of` names the contract whose ABI has the view (this client's by default); a
        call that reverts fails as `_call` makes it fail."""
        contract = abi_of or self.contract_name
        entry = function_abi(artifacts.abi(contract), name)
        fn = self._calldata.function(signature_of(entry), entry)

        def one_by_one(args: Sequence[Any]) -> Any:  # a failed call, made again through web3
            web3_view = self.w3.eth.contract(address=self.address, abi=artifacts.abi(contract))
            return self._web3_call(web3_view.get_function_by_name(name)(*args))

        return call_many(self.w3, self.address, fn, arguments, rpc=self._rpc, one_by_one=one_by_one)

    def event_logs(self, event: str, filters: Mapping[str, Any], from_block: int = 0) -> list[Any]:
        """The logs of `event` matching `filters` from `from_block`, oldest first: from the
        index when the client has one, else from the node in bounded block ranges. An event of
        single-valued arguments is decoded from the node's JSON word by word (the same values
        web3 gives, several times faster); any other through web3."""
        if self.logs is not None:
            return list(self.logs.get_logs(self.contract_name, event, filters, from_block))
        layout = self._layout(event)
        if layout.flat:
            params = {"address": self.address, "topics": self._topics(layout, filters)}
            indexed = {str(i["name"]) for i in layout.indexed}
            # As web3 does: a filter on an argument that is not indexed is applied once decoded.
            later = {
                name: values
                for name, value in filters.items()
                if name not in indexed and (values := _any_of(value)) is not None
            }

            def fetch(first: int, last: int) -> Sequence[Any]:
                asked = {**params, "fromBlock": hex(first), "toBlock": hex(last)}
                raw = raw_get_logs(self.w3, asked, lambda ask: call_node(self._rpc, ask))
                logs = [self._decoded(layout, log) for log in raw]
                logs.sort(key=lambda log: (log["blockNumber"], log["logIndex"]))
                return [
                    log
                    for log in logs
                    if all(log["args"][name] in values for name, values in later.items())
                ]
        else:
            get_logs = getattr(self.contract.events, event)().get_logs

            def fetch(first: int, last: int) -> Sequence[Any]:
                return call_node(  # type: ignore[no-any-return]
                    self._rpc,
                    lambda: get_logs(
                        argument_filters=dict(filters), from_block=first, to_block=last
                    ),
                )

        head = int(call_node(self._rpc, lambda: self.w3.eth.block_number))
        return paged_logs(fetch, from_block, head, where=self._rpc)

    def _layout(self, event: str) -> EventLayout:
        layout = _event_layouts(self.contract_name).get(event)
        if layout is None:
            raise InvalidInputError(f"{self.contract_name} has no event {event}")
        return layout

    def _topics(self, layout: EventLayout, filters: Mapping[str, Any]) -> list[Any]:
        """eth_getLogs topics: the event's, then each indexed argument's value (a sequence: any
        of them) or None for any."""
        unknown = set(filters) - {str(i["name"]) for i in layout.abi["inputs"]}
        if unknown:
            raise InvalidInputError(
                f"{layout.abi['name']} has no argument {', '.join(sorted(unknown))}"
            )
        topics: list[Any] = [layout.topic]
        for abi in layout.indexed:
            values = _any_of(filters.get(str(abi["name"])))
            if values is None or None in values:
                topics.append(None)
                continue
            words = ["0x" + self.w3.codec.encode([str(abi["type"])], [v]).hex() for v in values]
            topics.append(words[0] if len(words) == 1 else words)
        while topics[-1] is None:
            topics.pop()
        return topics

    def _decoded(self, layout: EventLayout, log: Mapping[str, Any]) -> AttributeDict[str, Any]:
        """One log of the node's JSON in the shape web3's get_logs gives it; IntegrityError for
        one that does not decode (a broken or hostile node)."""
        try:
            args = decode_arguments(self.w3.codec, layout, log["topics"], str(log["data"]))
        except (ValueError, DecodingError) as exc:
            raise IntegrityError(
                f"{self._rpc} served a {layout.abi['name']} log of {self.contract_name} that does "
                f"not decode (block {log.get('blockNumber')}): {exc}"
            ) from exc
        return AttributeDict(
            {
                "args": AttributeDict(args),
                "event": str(layout.abi["name"]),
                "logIndex": int(str(log["logIndex"]), 16),
                "transactionIndex": int(str(log["transactionIndex"]), 16),
                "transactionHash": HexBytes(str(log["transactionHash"])),
                "address": checksum(str(log["address"])),
                "blockHash": HexBytes(str(log["blockHash"])),
                "blockNumber": int(str(log["blockNumber"]), 16),
            }
        )


@cache
def _event_layouts(contract_name: str) -> dict[str, EventLayout]:
    """The layout of each event of a packaged contract, by name: built once per process."""
    return {
        str(entry["name"]): EventLayout.of(entry)
        for entry in artifacts.abi(contract_name)
        if entry.get("type") == "event"
    }


def _any_of(value: Any) -> list[Any] | None:
    """A filter value as the values it accepts: a sequence (not text or bytes) is any of its
    items; None accepts anything."""
    if value is None:
        return None
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return list(value)
    return [value]
