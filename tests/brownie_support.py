"""Helpers and fixtures shared by the brownie contract tests (tests/contracts/*).

Accounts carry the SDK's dev names (hygeia.core.chain.DEV_ACCOUNT_NAMES), except accounts[9], which
these tests use as a stranger holding no role.

Time: Anvil runs `eth_call` against the latest block, so a view answers for the latest block's
timestamp. brownie 1.22.2's `chain.mine(timestamp=...)` is broken on Anvil (it sends the timestamp
as bare params and Anvil answers "Invalid request"), so `mine_at` pins the time with
`evm_setNextBlockTimestamp` followed by a plain `chain.mine()`, and `at_time` does the same for the
next transaction. Anvil refuses timestamps below the latest block's, so tests only move forward.

EIP-712: `typed_data` builds a signable document for a contract's domain and `sign_typed_data`
signs it with a local key (an `accounts.add` account or raw key bytes) or, for the node's unlocked
dev accounts, with Anvil's `eth_signTypedData_v4`; `recover_typed_data` tells which address a
contract will recover from a signature, for the exact arguments of an InvalidSigner revert.

Reverts: `revert_matcher` computes the exact revert data (selector of the error's canonical
signature + ABI-encoded arguments) and compares brownie's decoding of it with the decoded revert
brownie reports, so both the error name and every argument must match.

A suite's conftest star-imports this module (fixtures are found by name) and its own support module.
"""

from __future__ import annotations

import ast
import gc
import hashlib
import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from brownie import web3
from brownie.exceptions import VirtualMachineError, decode_typed_error
from brownie.network.state import Chain
from brownie.network.transaction import TransactionReceipt
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from web3 import HTTPProvider
from web3.middleware import Web3Middleware
from web3.types import RPCEndpoint

from hygeia.core.chain import DEV_ACCOUNT_NAMES
from hygeia.core.chain.connection import node_session
from hygeia.core.chain.views import BATCH_CALLS, ViewFunction, batch_requests
from tests.support import ROOT

ZERO_ADDRESS = "0x" + "00" * 20
ACCOUNT_NAMES = (*DEV_ACCOUNT_NAMES[:9], "stranger")

RevertMatcher = Callable[..., AbstractContextManager[None]]


def role_id(name: str) -> bytes:
    return keccak(text=f"hygeia.role.{name}")


# ------------------------------------------------------------------------------------- values


def norm(value: Any) -> Any:
    """A comparable form of an event or return value: hex strings in lower case."""
    if hasattr(value, "address") and not isinstance(value, (str, bytes)):
        value = value.address
    if isinstance(value, bytes):
        return "0x" + bytes(value).hex()
    if isinstance(value, str) and value.startswith("0x"):
        return value.lower()
    if isinstance(value, (list, tuple)):
        return [norm(item) for item in value]
    return value


def event_names(tx: Any) -> list[str]:
    """Names of the events a transaction emitted, in log order."""
    return [event.name for event in tx.events]


def assert_event(tx: Any, name: str, **expected: Any) -> None:
    """The transaction emitted `name` exactly once, with exactly these arguments."""
    assert name in tx.events, f"{name} not emitted; got {event_names(tx)}"
    assert len(tx.events[name]) == 1, f"{name} emitted {len(tx.events[name])} times"
    actual = {key: norm(value) for key, value in dict(tx.events[name]).items()}
    assert actual == {key: norm(value) for key, value in expected.items()}


class ViewBatch:
    """Views of one brownie contract read in one JSON-RPC batch, each function's ABI entry
    resolved once (the SDK's ViewFunction): a state machine checking dozens of views after every
    step otherwise spends its time in brownie's several requests a call. Answers are what the
    SDK's clients decode: bytesN as bytes, addresses checksummed, a struct as a tuple."""

    def __init__(self, contract: Any) -> None:
        self._address = str(contract.address)
        self._abi = contract.abi
        self._functions: dict[str, ViewFunction] = {}

    def __call__(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """The answer of each (function name, arguments); a call that reverts fails the test."""
        for name, _ in calls:
            if name not in self._functions:
                self._functions[name] = ViewFunction(self._abi, name)

        def params(call: tuple[str, Sequence[Any]]) -> list[Any]:
            data = self._functions[call[0]].calldata(*call[1])
            return [{"to": self._address, "data": data}, "latest"]

        def failed(call: tuple[str, Sequence[Any]]) -> str:
            raise AssertionError(f"the view {call[0]}{tuple(call[1])} failed")

        answers = batch_requests(
            web3,
            "eth_call",
            calls,
            params,
            per_batch=BATCH_CALLS,
            rpc="the test chain",
            result=str,
            one_by_one=failed,
        )
        return [
            self._functions[name].result(bytes.fromhex(answer[2:]))
            for (name, _), answer in zip(calls, answers, strict=True)
        ]


# ------------------------------------------------------------------------------------- EIP-712

EIP712_DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


def typed_data(
    name: str,
    contract: Any,
    primary: str,
    fields: list[tuple[str, str]],
    message: dict[str, Any],
    *,
    chain_id: int | None = None,
    version: str = "1",
) -> dict[str, Any]:
    """An EIP-712 document of type `primary` for the domain (`name`, `version`, chain, contract);
    the chain defaults to the one brownie is connected to."""
    return {
        "types": {
            "EIP712Domain": EIP712_DOMAIN_FIELDS,
            primary: [{"name": field, "type": kind} for field, kind in fields],
        },
        "primaryType": primary,
        "domain": {
            "name": name,
            "version": version,
            "chainId": chain_id if chain_id is not None else web3.eth.chain_id,
            "verifyingContract": web3.to_checksum_address(norm(contract)),
        },
        "message": {key: norm(value) for key, value in message.items()},
    }


def sign_typed_data(signer: Any, data: dict[str, Any]) -> bytes:
    """The 65-byte signature of `data` by `signer`: raw private key bytes, an account with a
    local key (`accounts.add`), or one of the node's unlocked accounts (Anvil signs it)."""
    key = signer if isinstance(signer, bytes) else getattr(signer, "private_key", None)
    if key is not None:
        return bytes(Account.sign_message(encode_typed_data(full_message=data), key).signature)
    answer = _rpc("eth_signTypedData_v4", [str(norm(signer)), json.dumps(data)])
    return bytes.fromhex(str(answer).removeprefix("0x"))


def recover_typed_data(data: dict[str, Any], signature: bytes) -> str:
    """The address ECDSA recovery yields for `signature` over `data`."""
    return str(Account.recover_message(encode_typed_data(full_message=data), signature=signature))


# ------------------------------------------------------------------------------------- reverts


def expected_revert_data(abi: dict[str, Any], *args: Any) -> bytes:
    types = [str(i["type"]) for i in abi["inputs"]]
    assert len(types) == len(args), f"{abi['name']} takes {len(types)} arguments, got {len(args)}"
    selector = keccak(text=f"{abi['name']}({','.join(types)})")[:4]
    values = [norm(a) if t == "address" else a for t, a in zip(types, args, strict=True)]
    return selector + encode(types, values)


def revert_matcher(contract_name: str, abi: list[dict[str, Any]]) -> RevertMatcher:
    """`with matcher("ErrorName", *args): ...` for the custom errors of one contract's ABI."""
    error_abis = {item["name"]: item for item in abi if item["type"] == "error"}

    @contextmanager
    def reverts_with(error_name: str, *args: Any) -> Iterator[None]:
        assert error_name in error_abis, f"{error_name} is not an error of {contract_name}"
        data = expected_revert_data(error_abis[error_name], *args)
        expected = decode_typed_error("0x" + data.hex())
        assert expected.startswith(f"{error_name}: ") or expected == error_name, (
            f"brownie cannot decode {error_name}: {expected}"
        )
        try:
            yield
        except VirtualMachineError as exc:
            assert exc.revert_type == "revert", f"expected a revert, got {exc.revert_type}"
            assert exc.revert_msg == expected, (
                f"reverted with {exc.revert_msg!r}, expected {expected!r}"
            )
        else:
            pytest.fail(f"did not revert (expected {expected})")

    return reverts_with


# ------------------------------------------------------------------------------------- time


def _rpc(method: str, params: list[Any]) -> Any:
    response = web3.provider.make_request(method, params)
    assert "error" not in response, f"{method}{params}: {response['error']}"
    return response["result"]


def latest_timestamp() -> int:
    return int(web3.eth.get_block("latest")["timestamp"])


def pin_next_block_time(timestamp: int) -> None:
    _rpc("evm_setNextBlockTimestamp", [int(timestamp)])


@pytest.fixture
def now() -> Any:
    """`now()`: the chain's time, i.e. the latest block's timestamp that views see."""
    return latest_timestamp


@pytest.fixture
def mine_at(chain: Any) -> Any:
    """`mine_at(t)`: mine a block with timestamp t, so views answer for time t."""

    def _mine_at(timestamp: int) -> None:
        pin_next_block_time(timestamp)
        chain.mine()
        assert latest_timestamp() == timestamp

    return _mine_at


@pytest.fixture
def at_time() -> Any:
    """`at_time(t)`: the next transaction is mined in a block with timestamp t."""
    return pin_next_block_time


# ------------------------------------------------------------------------------------- accounts


class _CallerOnly:
    """What brownie.network.rpc asks of `inspect`: `stack()[1].frame`, the caller of its
    snapshot/revert guard (it warns when that is not brownie's chain). The real `inspect.stack()`
    reads the source of every frame of pytest's deep stack, 0.2 s a call: half of a contract
    test's time went there. This answers the same frame without reading any source."""

    @staticmethod
    def stack() -> list[SimpleNamespace]:
        guard = sys._getframe(1)
        return [SimpleNamespace(frame=guard), SimpleNamespace(frame=guard.f_back)]


# The module, not the `brownie.network.rpc` instance that shadows it as an attribute.
importlib.import_module("brownie.network.rpc").inspect = _CallerOnly


def _record_without_undo(chain: Chain, tx: Any, fn: Any, args: Any, kwargs: Any) -> None:
    """brownie's `Chain._add_to_undo_buffer`, less the `evm_snapshot` it takes after every
    transaction so that `chain.undo()` can step back to it: the suite never undoes a transaction
    (it reverts to the test's starting snapshot instead), and those snapshots cost 1.4 ms of a
    17.6 ms transaction. `chain.undo()` now says its buffer is empty; the clock is kept in step
    with the mined block as before."""
    with chain._undo_lock:
        tx._confirmed.wait()
        chain._redo_buffer.clear()
        chain._set_time_offset_from_block()


Chain._add_to_undo_buffer = _record_without_undo


class ReceiptOfAMinedTransaction(Web3Middleware):
    """Anvil sometimes answers no receipt for a transaction it has just mined
    (foundry-rs/foundry#10944). brownie then finds the sender's nonce past the transaction and
    no receipt, and reports it dropped ("Tx dropped without known replacement"), failing a test
    that did nothing wrong. For a transaction the node says is in a block, the receipt is asked
    again until it comes; for one it does not (pending, unknown), the empty answer stands."""

    #: How often, and how far apart, the receipt of a mined transaction is asked again.
    RETRIES, PAUSE = 200, 0.01

    def wrap_make_request(self, make_request: Any) -> Any:
        def ask(method: Any, params: Any) -> Any:
            return self.receipt_when_mined(make_request, method, params)

        return ask

    def receipt_when_mined(self, make_request: Any, method: Any, params: Any) -> Any:
        answer = make_request(method, params)
        if method != "eth_getTransactionReceipt" or answer.get("result") is not None:
            return answer
        for _ in range(self.RETRIES):
            found = make_request("eth_getTransactionByHash", params).get("result") or {}
            if found.get("blockNumber") is None:
                return answer
            time.sleep(self.PAUSE)
            answer = make_request(method, params)
            if answer.get("result") is not None:
                return answer
        return answer


# brownie's own middlewares are compiled and cannot be subclassed; its connect removes only
# those, so this one stays on brownie's web3 across networks.
web3.middleware_onion.add(ReceiptOfAMinedTransaction, name="receipt of a mined transaction")

_await_confirmation = TransactionReceipt._await_confirmation
#: How often brownie's confirmation of one transaction is tried when a request of it fails.
CONFIRMATION_ATTEMPTS = 5


def _confirm_past_a_failed_request(self: Any, *args: Any, **kwargs: Any) -> None:
    """brownie confirms each transaction on a thread, and the test waits on an event that only
    that thread sets. A request of it that fails (a node busy mining, a connection reset) ended
    the thread and left the test waiting forever: a whole CI run hung on it once. The
    confirmation is tried again; after the last failure the event is set anyway, so the test
    goes on with an unconfirmed transaction and fails where it uses it, instead of hanging."""
    for attempt in range(CONFIRMATION_ATTEMPTS):
        try:
            _await_confirmation(self, *args, **kwargs)
            return
        except Exception:
            if attempt == CONFIRMATION_ATTEMPTS - 1:
                self._confirmed.set()
                raise
            time.sleep(0.05)


TransactionReceipt._await_confirmation = _confirm_past_a_failed_request


@cache
def _file_digest(path: str) -> bytes:
    return hashlib.sha1(Path(path).read_bytes()).digest()


@cache
def _module_hash(path: str | Path) -> str:
    """brownie's key for a test module's recorded results (what `--update` compares to skip a
    module): the module and the project modules it imports, as brownie's own key, but from
    their bytes rather than from their parsed and dumped syntax trees. brownie computes the key
    for every recorded module in every process at start-up and again as each module ends: 9 to
    10 s of a worker's time, where reading the bytes takes milliseconds. Only an edit that
    leaves the syntax tree alone (a comment) now changes a key too."""
    source = Path(path).read_bytes()
    digests = [hashlib.sha1(source).digest()]
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Import):
            name: str | None = statement.names[0].name
        elif isinstance(statement, ast.ImportFrom):
            name = statement.module
        else:
            continue
        try:
            spec = importlib.util.find_spec(name) if name else None
        except (ImportError, ValueError):
            continue
        origin = spec.origin if spec else None
        if origin and origin.startswith(str(ROOT)) and origin.endswith(".py"):
            digests.append(_file_digest(origin))
    return hashlib.sha1(b"".join(digests)).hexdigest()


# The name brownie's test managers call (imported into their module from brownie.project.scripts).
importlib.import_module("brownie.test.managers.base")._get_ast_hash = _module_hash


@pytest.fixture(scope="session", autouse=True)
def one_http_session() -> Iterator[None]:
    """brownie's provider remade with the same URL and timeouts, given the SDK's session for a
    node (the environment read once, not on every request: a sixth of a transaction's time) and
    the chain id asked once (brownie asks it twice a transaction)."""
    made = web3.provider
    session = node_session(made.endpoint_uri)
    web3.provider = HTTPProvider(
        made.endpoint_uri,
        dict(made.get_request_kwargs()),
        session=session,
        cache_allowed_requests=True,
        cacheable_requests={RPCEndpoint("eth_chainId")},
    )
    yield
    web3.provider = made
    session.close()


@pytest.fixture(scope="module", autouse=True)
def frozen_heap() -> None:
    """brownie runs a full `gc.collect()` on every snapshot revert, i.e. after every test: over
    the whole test session's heap it took most of a contract test's time (0.42 s of a 0.56 s
    test). Freezing what is alive when a module starts (after collecting its garbage) leaves
    those collections only the objects made since."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def isolation(frozen_heap: None, fn_isolation: Any) -> None:
    """Every test starts from the state right after the module-scoped fixtures ran."""


@pytest.fixture(scope="session")
def named(accounts: Any) -> dict[str, Any]:
    return {name: accounts[index] for index, name in enumerate(ACCOUNT_NAMES)}


def _account_fixture(name: str) -> Any:
    @pytest.fixture(scope="session", name=name)
    def account(named: dict[str, Any]) -> Any:
        return named[name]

    return account


# One session fixture per account name (`admin`, `regulator`, ... `stranger`); public names so
# that a conftest's star import registers them.
for _name in ACCOUNT_NAMES:
    globals()[f"{_name}_account_fixture"] = _account_fixture(_name)
