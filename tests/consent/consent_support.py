"""Fixtures and helpers for the ConsentRegistry contract tests (brownie + Anvil).

Accounts carry the SDK's dev names: accounts[0] admin, [1] regulator, [2] provider, [3] insurer,
[4] manufacturer, [5] distributor, [6] pharmacy, [7] patient, [8] guardian, [9] stranger.
The provider and the insurer hold active credentials; the patient and guardian are registered
patients. `signer` is a fresh local key (a patient that signs EIP-712 grants without gas).

Time: views answer for the latest block's timestamp; `mine_at(t)` mines a block at t and
`at_time(t)` pins the next transaction's block time (Anvil only moves forward).

Reverts: `reverts_with(name, *args)` compares the exact revert data (selector of the error's
canonical signature + ABI-encoded args) as brownie decodes it, so name and every arg must match.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from brownie import web3
from brownie.exceptions import VirtualMachineError, decode_typed_error
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

# ------------------------------------------------------------------------------------- vocabulary


def role_id(name: str) -> bytes:
    return keccak(text=f"hygeia.role.{name}")


REGULATOR_ROLE = role_id("REGULATOR")
PROVIDER_ROLE = role_id("PROVIDER")
INSURER_ROLE = role_id("INSURER")
PATIENT_ROLE = role_id("PATIENT")
FOREIGN_ROLE = role_id("SOMETHING_ELSE")

PERMIT, DENY = 0, 1
ACCESS, COLLECT, DISCLOSE, CORRECT = 1, 2, 4, 8
ALL_ACTIONS = 15
TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH = 1, 2, 4, 8, 16, 32
ALL_PURPOSES = 63

# AccessReason
(
    R_NONE,
    R_PERMITTED,
    R_BREAK_GLASS,
    R_NO_PERMIT,
    R_DENIED,
    R_EXPIRED,
    R_NOT_YET,
    R_REVOKED,
    R_RECORD_ERASED,
) = range(9)

ZERO_ADDRESS = "0x" + "00" * 20
ZERO32 = bytes(32)
ALL_DATA = ZERO32
OBSERVATION = keccak(text="Observation")
LABORATORY = keccak(text="laboratory")
IMAGING = keccak(text="imaging")
RECORD_1 = keccak(text="record-1")
RECORD_2 = keccak(text="record-2")
CID_1 = keccak(text="cid-1")
CID_2 = keccak(text="cid-2")
CT_1 = keccak(text="ciphertext-1")
CT_2 = keccak(text="ciphertext-2")
KEY_BUNDLE = bytes.fromhex("0155122000") + bytes(range(32))  # a binary CIDv1-like value
REASON = keccak(text="unconscious patient in ED")
LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")
HOUR = 3600
DAY = 24 * HOUR
YEAR = 365 * DAY
FOREVER = 2**40 - 1

ACCOUNT_NAMES = (
    "admin",
    "regulator",
    "provider",
    "insurer",
    "manufacturer",
    "distributor",
    "pharmacy",
    "patient",
    "guardian",
    "stranger",
)

GRANT_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Grant": [
        {"name": "patient", "type": "address"},
        {"name": "kind", "type": "uint8"},
        {"name": "grantee", "type": "address"},
        {"name": "granteeRole", "type": "bytes32"},
        {"name": "actions", "type": "uint8"},
        {"name": "purposes", "type": "uint8"},
        {"name": "start", "type": "uint40"},
        {"name": "end", "type": "uint40"},
        {"name": "targets", "type": "bytes32[]"},
        {"name": "keyBundleCid", "type": "bytes"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


def account_key(account: Any) -> bytes:
    """The grantee key of an account: its address left-padded to 32 bytes."""
    return bytes(12) + bytes.fromhex(str(norm(account))[2:])


def request(
    grantee: Any = ZERO_ADDRESS,
    *,
    role: bytes = ZERO32,
    kind: int = PERMIT,
    actions: int = ACCESS,
    purposes: int = TREAT,
    start: int = 0,
    end: int = FOREVER,
    targets: tuple[bytes, ...] | list[bytes] = (OBSERVATION,),
) -> tuple[Any, ...]:
    """A GrantRequest tuple, by default: permit ACCESS for TREAT on Observation, forever."""
    return (kind, norm(grantee), role, actions, purposes, start, end, list(targets))


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
    return [event.name for event in tx.events]


def assert_event(tx: Any, name: str, **expected: Any) -> None:
    """The transaction emitted `name` exactly once, with exactly these arguments."""
    assert name in tx.events, f"{name} not emitted; got {event_names(tx)}"
    assert len(tx.events[name]) == 1, f"{name} emitted {len(tx.events[name])} times"
    actual = {key: norm(value) for key, value in dict(tx.events[name]).items()}
    assert actual == {key: norm(value) for key, value in expected.items()}


def access(
    registry: Any,
    patient: Any,
    grantee: Any,
    target: bytes,
    action: int = ACCESS,
    purpose: int = TREAT,
) -> tuple[bool, int, int]:
    allowed, reason, consent_id = registry.checkAccess(patient, grantee, target, action, purpose)
    return bool(allowed), int(reason), int(consent_id)


# ------------------------------------------------------------------------------------- reverts


@pytest.fixture(scope="session")
def error_abis(ConsentRegistry: Any) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in ConsentRegistry.abi if item["type"] == "error"}


def expected_revert_data(abi: dict[str, Any], *args: Any) -> bytes:
    types = [str(i["type"]) for i in abi["inputs"]]
    assert len(types) == len(args), f"{abi['name']} takes {len(types)} arguments, got {len(args)}"
    selector = keccak(text=f"{abi['name']}({','.join(types)})")[:4]
    values = [norm(a) if t == "address" else a for t, a in zip(types, args, strict=True)]
    return selector + encode(types, values)


@pytest.fixture(scope="session")
def reverts_with(error_abis: dict[str, dict[str, Any]]) -> Any:
    """`with reverts_with("ConsentRegistryRecordExists", record_id): ...`"""

    @contextmanager
    def _reverts_with(error_name: str, *args: Any) -> Iterator[None]:
        assert error_name in error_abis, f"{error_name} is not an error of ConsentRegistry"
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

    return _reverts_with


# ------------------------------------------------------------------------------------- time


def _rpc(method: str, params: list[Any]) -> Any:
    response = web3.provider.make_request(method, params)
    assert "error" not in response, f"{method}{params}: {response['error']}"
    return response["result"]


def latest_timestamp() -> int:
    return int(web3.eth.get_block("latest")["timestamp"])


@pytest.fixture
def now() -> Any:
    return latest_timestamp


@pytest.fixture
def mine_at(chain: Any) -> Any:
    def _mine_at(timestamp: int) -> None:
        _rpc("evm_setNextBlockTimestamp", [int(timestamp)])
        chain.mine()
        assert latest_timestamp() == timestamp

    return _mine_at


@pytest.fixture
def at_time() -> Any:
    return lambda timestamp: _rpc("evm_setNextBlockTimestamp", [int(timestamp)])


# ------------------------------------------------------------------------------------- accounts


@pytest.fixture(autouse=True)
def isolation(fn_isolation: Any) -> None:
    """Every test starts from the state right after the module-scoped fixtures ran."""


@pytest.fixture(scope="session")
def named(accounts: Any) -> dict[str, Any]:
    return {name: accounts[index] for index, name in enumerate(ACCOUNT_NAMES)}


for _name in ACCOUNT_NAMES:

    def _make(name: str) -> Any:
        @pytest.fixture(scope="session", name=name)
        def _fixture(named: dict[str, Any]) -> Any:
            return named[name]

        return _fixture

    globals()[f"{_name}_account_fixture"] = _make(_name)  # public: conftest star-imports it


@pytest.fixture(scope="session")
def signer(accounts: Any) -> Any:
    """A patient with a local private key, for EIP-712 grants relayed by others."""
    return accounts.add(keccak(text="hygeia consent test signer"))


# ------------------------------------------------------------------------------------- contracts


@pytest.fixture(scope="module")
def participants(ParticipantRegistry: Any, named: dict[str, Any]) -> Any:
    """The ParticipantRegistry: provider and insurer credentialed, patient and guardian patients."""
    admin, regulator = named["admin"], named["regulator"]
    deployed = ParticipantRegistry.deploy(admin, {"from": admin})
    deployed.grantRole(REGULATOR_ROLE, regulator, {"from": admin})
    current = latest_timestamp()
    for holder, role in (("provider", PROVIDER_ROLE), ("insurer", INSURER_ROLE)):
        deployed.issueCredential(
            named[holder],
            role,
            LICENSE_HASH,
            JURISDICTION,
            current - DAY,
            current + YEAR,
            {"from": regulator},
        )
    deployed.registerPatient(keccak(text="k-patient"), {"from": named["patient"]})
    deployed.registerPatient(keccak(text="k-guardian"), {"from": named["guardian"]})
    return deployed


@pytest.fixture(scope="module")
def consent(ConsentRegistry: Any, participants: Any, named: dict[str, Any]) -> Any:
    return ConsentRegistry.deploy(participants, {"from": named["admin"]})


@pytest.fixture
def grant(consent: Any, named: dict[str, Any]) -> Any:
    """`grant(grantee, sender=patient, patient=patient, key_bundle=..., **request_fields)` -> tx."""

    def _grant(
        grantee: Any = ZERO_ADDRESS,
        *,
        sender: Any = None,
        patient: Any = None,
        key_bundle: bytes = KEY_BUNDLE,
        **fields: Any,
    ) -> Any:
        patient = patient or named["patient"]
        return consent.grant(
            patient, request(grantee, **fields), key_bundle, {"from": sender or patient}
        )

    return _grant


@pytest.fixture
def anchor(consent: Any, named: dict[str, Any]) -> Any:
    """`anchor(record_id=RECORD_1, data_class=OBSERVATION, sender=patient, patient=patient)`."""

    def _anchor(
        record_id: bytes = RECORD_1,
        data_class: bytes = OBSERVATION,
        *,
        sender: Any = None,
        patient: Any = None,
        cid: bytes = CID_1,
        ciphertext: bytes = CT_1,
    ) -> Any:
        patient = patient or named["patient"]
        return consent.anchorRecord(
            patient, record_id, data_class, cid, ciphertext, {"from": sender or patient}
        )

    return _anchor


def sign_grant(
    consent: Any,
    key: bytes,
    patient: Any,
    req: tuple[Any, ...],
    key_bundle: bytes,
    nonce: int,
    deadline: int,
    chain_id: int | None = None,
    verifying_contract: Any = None,
) -> bytes:
    """The patient's EIP-712 signature of a Grant, for the given domain (default: the real one)."""
    kind, grantee, role, actions, purposes, start, end, targets = req
    message = {
        "patient": norm(patient),
        "kind": kind,
        "grantee": grantee,
        "granteeRole": role,
        "actions": actions,
        "purposes": purposes,
        "start": start,
        "end": end,
        "targets": list(targets),
        "keyBundleCid": key_bundle,
        "nonce": nonce,
        "deadline": deadline,
    }
    domain = {
        "name": "hygeia.ConsentRegistry",
        "version": "1",
        "chainId": chain_id if chain_id is not None else web3.eth.chain_id,
        "verifyingContract": norm(verifying_contract or consent),
    }
    signable = encode_typed_data(
        full_message={
            "types": GRANT_TYPES,
            "primaryType": "Grant",
            "domain": domain,
            "message": message,
        }
    )
    return bytes(Account.sign_message(signable, private_key=key).signature)


def recover_grant_signer(
    consent: Any,
    signature: bytes,
    patient: Any,
    req: tuple[Any, ...],
    key_bundle: bytes,
    nonce: int,
    deadline: int,
) -> str:
    """Who the contract will see as signer of `signature` over the real domain."""
    kind, grantee, role, actions, purposes, start, end, targets = req
    message = {
        "patient": norm(patient),
        "kind": kind,
        "grantee": grantee,
        "granteeRole": role,
        "actions": actions,
        "purposes": purposes,
        "start": start,
        "end": end,
        "targets": list(targets),
        "keyBundleCid": key_bundle,
        "nonce": nonce,
        "deadline": deadline,
    }
    domain = {
        "name": "hygeia.ConsentRegistry",
        "version": "1",
        "chainId": web3.eth.chain_id,
        "verifyingContract": norm(consent),
    }
    signable = encode_typed_data(
        full_message={
            "types": GRANT_TYPES,
            "primaryType": "Grant",
            "domain": domain,
            "message": message,
        }
    )
    return Account.recover_message(signable, signature=signature)


SIGNER_KEY = keccak(text="hygeia consent test signer")
