"""Send transactions, wait for receipts efficiently and report the gas each one used."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import requests
from eth_typing import HexStr
from hexbytes import HexBytes
from web3 import Web3
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import ContractLogicError
from web3.types import RPCEndpoint, TxParams, Wei

from hygeia.core.chain.connection import LOCAL_CHAIN_IDS
from hygeia.core.chain.reverts import RevertDecoder
from hygeia.core.chain.signers import Signer
from hygeia.core.chain.views import CalldataEncoder, batch_requests
from hygeia.core.errors import RPCUnavailableError, TransactionFailedError

# How long fee parameters looked up from the node are reused. Each transaction looking them up
# again costs two RPCs (a third of a locally signed send); the max fee keeps twice the base fee
# as headroom (web3's own rule), enough for six full blocks of EIP-1559 increases, and a send the
# node refuses as underpriced looks them up afresh and is sent once more.
FEE_TTL_SECONDS = 2.0
_UNDERPRICED = ("less than block base fee", "underpriced", "fee cap")
# transact_all's gas limit over its one estimate: calls of one kind differ slightly in gas with
# their arguments (calldata, signature recovery), and a limit above what is used is not paid.
BATCH_GAS_MARGIN = 1.25
# Gas estimates per JSON-RPC batch. An estimate runs its call many times (Anvil searches the
# limit by bisection: about 0.2 s for a 9M-gas adjudication on a 2-core machine), so a batch is
# kept small enough to be answered well within a request's timeout.
ESTIMATES_PER_BATCH = 16


def _json_call(call: TxParams) -> dict[str, str]:
    """A call as JSON-RPC carries it (quantities in hex)."""
    return {key: hex(v) if isinstance(v, int) else str(v) for key, v in call.items()}


@dataclass(frozen=True)
class Receipt:
    """What a mined transaction did: its hash, block, gas and (for deployments) the new address.

    Its `logs` are read and formatted by web3 when first asked for: most callers never look at
    them, and formatting a batch's hundreds of logs costs more than reading them.
    """

    tx_hash: str
    block_number: int
    gas_used: int
    contract_address: str | None = None
    read_logs: Callable[[], Sequence[Any]] = field(default=lambda: (), repr=False, compare=False)

    @cached_property
    def logs(self) -> tuple[Any, ...]:
        """The transaction's logs, as web3's `get_transaction_receipt` gives them."""
        return tuple(self.read_logs())


class TxSender:
    """Builds, signs, sends and confirms transactions for one signer.

    Reverts found while estimating gas are raised as decoded ContractRevertError subclasses.
    Receipts are polled every 5 ms on local chains (web3's 100 ms default halves throughput on
    Anvil) and every 500 ms elsewhere; `confirmations` blocks are awaited on live networks.
    """

    def __init__(
        self,
        w3: Web3,
        signer: Signer,
        decoder: RevertDecoder,
        *,
        confirmations: int = 1,
        timeout: float = 120.0,
    ) -> None:
        if confirmations < 1:
            raise ValueError("confirmations must be at least 1")
        self.w3 = w3
        self.signer = signer
        self._decoder = decoder
        self._confirmations = confirmations
        self._timeout = timeout
        self._rpc = getattr(w3.provider, "endpoint_uri", None) or "the node"
        with self._node():
            self.chain_id = int(w3.eth.chain_id)
        self._poll = 0.005 if self.chain_id in LOCAL_CHAIN_IDS else 0.5
        self._next_nonce: int | None = None
        self._fees: dict[str, int] | None = None
        with self._node():
            self._priced_by_strategy = w3.eth.generate_gas_price({}) is not None
        self._fees_read_at = 0.0
        self._calldata = CalldataEncoder()

    @property
    def address(self) -> str:
        return self.signer.address

    def transact(self, fn: ContractFunction, *, gas: int | None = None) -> Receipt:
        """Send a contract call and wait for its receipt."""
        return self.wait(self.send(fn, gas=gas))

    def deploy(self, constructor: ContractConstructor) -> Receipt:
        """Deploy a contract and wait for its receipt (which carries the new address)."""
        return self.wait(self.send(constructor))

    def send(
        self, fn: ContractFunction | ContractConstructor, *, gas: int | None = None
    ) -> HexBytes:
        """Send without waiting (pipelining); nonces are tracked locally after the first send.

        If the node says the nonce is too low (another sender used this account meanwhile), the
        nonce is read again from the node and the transaction is sent once more; if it says the
        fees are too low (the base fee rose past the reused fees), so are the fees.
        """
        with self._node():
            for attempt in range(2):
                params: dict[str, Any] = {
                    "from": self.signer.address,
                    "nonce": self._take_nonce(),
                    "chainId": self.chain_id,
                    **self._fee_params(),
                }
                if gas is not None:
                    params["gas"] = gas
                try:
                    # the gas estimate in here checks the fees too
                    return self.signer.send(self.w3, self._transaction(fn, params))
                except ContractLogicError as exc:
                    self._next_nonce = None  # the nonce was not used
                    raise self._decoder.from_exception(exc) from None
                except Exception as exc:
                    self._next_nonce = None
                    message = str(exc).lower()
                    if any(sign in message for sign in _UNDERPRICED):
                        self._fees = None
                    elif "nonce too low" not in message:
                        raise
                    if attempt == 1:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def transact_all(
        self,
        fns: Sequence[ContractFunction],
        *,
        estimate_each: bool = False,
        margin: float = BATCH_GAS_MARGIN,
    ) -> list[Receipt]:
        """Send independent calls back to back, then await every receipt: one round of mining
        instead of one per call (`send_all`, then `wait` of each)."""
        return [
            self.wait(tx_hash)
            for tx_hash in self.send_all(fns, estimate_each=estimate_each, margin=margin)
        ]

    def send_all(
        self,
        fns: Sequence[ContractFunction],
        *,
        estimate_each: bool = False,
        margin: float = BATCH_GAS_MARGIN,
    ) -> list[HexBytes]:
        """Send calls back to back without waiting; their hashes, in order.

        Gas limits are estimated before anything is sent (an estimate made while an earlier
        call is being mined races the node: an Anvil with ``--prune-history`` refuses it), and
        raised by `margin`, as a call may cost a little more after the others (an unused limit
        is not paid). Calls of one kind (same function, like arguments) share the first one's
        estimate; with `estimate_each`, each gets its own, all asked in one JSON-RPC batch that
        the node answers side by side. A revert found by an estimate is raised decoded, as by
        `transact`, before anything is sent; a call that reverts on chain raises
        TransactionFailedError when its receipt is awaited.
        """
        limits = self.gas_limits(fns, estimate_each=estimate_each, margin=margin)
        return [self.send(fn, gas=gas) for fn, gas in zip(fns, limits, strict=True)]

    def gas_limits(
        self,
        fns: Sequence[ContractFunction],
        *,
        estimate_each: bool = False,
        margin: float = BATCH_GAS_MARGIN,
    ) -> list[int]:
        """The gas limits `send_all` gives `fns`: for senders that send after one another, all
        estimated before any of them sends (see `send_all`)."""
        if not fns:
            return []
        estimates = self._estimates(fns if estimate_each else fns[:1])
        limits = [int(estimate * margin) for estimate in estimates]
        return limits if estimate_each else limits * len(fns)

    def _estimates(self, fns: Sequence[ContractFunction]) -> list[int]:
        """Each call's gas estimate. Several go in JSON-RPC batches; a call whose estimate the
        node answers with an error is estimated again alone, so its revert is raised decoded."""
        calls = [self._call_of(fn) for fn in fns]

        def estimate(call: TxParams) -> int:
            return int(self.w3.eth.estimate_gas(call))

        with self._node():
            try:
                if len(calls) == 1:
                    return [estimate(calls[0])]
                return batch_requests(
                    self.w3,
                    "eth_estimateGas",
                    calls,
                    lambda call: [_json_call(call)],
                    per_batch=ESTIMATES_PER_BATCH,
                    rpc=self._rpc,
                    result=lambda gas: int(str(gas), 16),
                    one_by_one=estimate,
                )
            except ContractLogicError as exc:
                raise self._decoder.from_exception(exc) from None

    def _transaction(
        self, fn: ContractFunction | ContractConstructor, params: dict[str, Any]
    ) -> dict[str, Any]:
        """What web3's build_transaction gives, a contract function's calldata encoded by
        eth_abi directly (web3 spends more building a call than the node running it)."""
        if isinstance(fn, ContractConstructor):
            # The init code as web3 encodes it, the rest as for any call (fees from _fee_params).
            tx = {**params, "value": 0, "data": fn.data_in_transaction}
            if "gas" not in tx:
                tx["gas"] = self.w3.eth.estimate_gas(cast(TxParams, tx))
            return tx
        if fn.address is None or fn.abi.get("stateMutability") == "payable":
            return dict(fn.build_transaction(cast(TxParams, params)))  # web3 carries the value
        tx = {**params, **self._call_of(fn)}
        if "gas" not in tx:
            tx["gas"] = self.w3.eth.estimate_gas(tx)  # type: ignore[arg-type]
        return tx

    def _call_of(self, fn: ContractFunction) -> TxParams:
        """`fn` as a call from this sender (to estimate its gas), calldata by eth_abi."""
        return {
            "from": self.signer.address,
            "to": fn.address,
            "value": Wei(0),
            "data": HexStr(self._calldata.calldata(fn)),
        }

    def wait(self, tx_hash: HexBytes) -> Receipt:
        """Wait for `tx_hash` to be mined (and confirmed) and return its receipt."""
        with self._node():
            raw = self._mined_receipt(tx_hash)
            block, gas_used = int(raw["blockNumber"], 16), int(raw["gasUsed"], 16)
            if int(raw["status"], 16) != 1:
                raise TransactionFailedError(
                    f"transaction {tx_hash.to_0x_hex()} reverted in block {block} "
                    f"after {gas_used} gas"
                )
            self._await_confirmations(block)
        address = raw.get("contractAddress")

        def read_logs() -> Sequence[Any]:
            with self._node():
                return self.w3.eth.get_transaction_receipt(tx_hash)["logs"]

        return Receipt(
            tx_hash=tx_hash.to_0x_hex(),
            block_number=block,
            gas_used=gas_used,
            contract_address=Web3.to_checksum_address(address) if address else None,
            read_logs=read_logs,
        )

    def _mined_receipt(self, tx_hash: HexBytes) -> dict[str, Any]:
        """The node's receipt of `tx_hash` as JSON, polled until it is mined."""
        deadline = time.monotonic() + self._timeout
        while True:
            response = self.w3.provider.make_request(
                RPCEndpoint("eth_getTransactionReceipt"), [tx_hash.to_0x_hex()]
            )
            if "error" in response:
                raise TransactionFailedError(
                    f"the node gave no receipt of {tx_hash.to_0x_hex()}: {response['error']}"
                )
            receipt = response.get("result")
            if receipt:
                return dict(receipt)
            if time.monotonic() > deadline:
                raise TransactionFailedError(
                    f"transaction {tx_hash.to_0x_hex()} not mined within {self._timeout:.0f} s"
                )
            time.sleep(self._poll)

    def await_pending(self) -> int:
        """Wait until every transaction this account already sent is mined (its pending nonce
        is its mined nonce): those of a run that was stopped, say, before a new run reads the
        state they change. Returns how many were waited for; TransactionFailedError if they
        are not all mined within the sender's timeout."""
        address = Web3.to_checksum_address(self.signer.address)
        deadline = time.monotonic() + self._timeout
        first: int | None = None
        while True:
            with self._node():
                pending = self.w3.eth.get_transaction_count(address, "pending")
                mined = self.w3.eth.get_transaction_count(address, "latest")
            first = max(0, pending - mined) if first is None else first
            if pending <= mined:
                return first
            if time.monotonic() > deadline:
                raise TransactionFailedError(
                    f"{pending - mined} transaction(s) {address} sent earlier were not mined "
                    f"within {self._timeout:.0f} s: wait for them, or replace one stuck "
                    "underpriced by sending with its nonce"
                )
            time.sleep(self._poll)

    def _take_nonce(self) -> int:
        if self._next_nonce is None:
            address = Web3.to_checksum_address(self.signer.address)
            self._next_nonce = self.w3.eth.get_transaction_count(address, "pending")
        nonce = self._next_nonce
        self._next_nonce += 1
        return nonce

    def _fee_params(self) -> dict[str, int]:
        """EIP-1559 fees (a legacy gas price on a chain without a base fee), read from the node
        at most every FEE_TTL_SECONDS; the legacy price of the connection's own gas price strategy
        when it has one (brownie sets one), as web3 would price the transaction."""
        if self._priced_by_strategy:
            return {"gasPrice": int(self.w3.eth.generate_gas_price({}) or 0)}
        now = time.monotonic()
        if self._fees is None or now - self._fees_read_at > FEE_TTL_SECONDS:
            base = self.w3.eth.get_block("pending").get("baseFeePerGas")
            if base is None:
                self._fees = {"gasPrice": int(self.w3.eth.gas_price)}
            else:
                tip = int(self.w3.eth.max_priority_fee)
                self._fees = {"maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * int(base) + tip}
            self._fees_read_at = now
        return self._fees

    def _await_confirmations(self, block: int) -> None:
        if self._confirmations == 1:
            return
        deadline = time.monotonic() + self._timeout
        while self.w3.eth.block_number - block + 1 < self._confirmations:
            if time.monotonic() > deadline:
                raise TransactionFailedError(
                    f"block {block} did not reach {self._confirmations} confirmations "
                    f"within {self._timeout:.0f} s"
                )
            time.sleep(self._poll)

    @contextmanager
    def _node(self) -> Iterator[None]:
        try:
            yield
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise RPCUnavailableError(f"no Ethereum node answers at {self._rpc}: {exc}") from exc
