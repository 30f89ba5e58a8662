"""Fixtures and helpers for the ParticipantRegistry contract tests (brownie + Anvil).

Accounts carry the SDK's dev names (hygeia.chain.signers.DEV_ACCOUNT_NAMES): accounts[0] is the
governance admin, accounts[1] the regulator, ... accounts[9] a stranger holding no role.

Time: Anvil runs `eth_call` against the latest block, so a view answers for the latest block's
timestamp. brownie 1.22.2's `chain.mine(timestamp=...)` is broken on Anvil (it sends the timestamp
as bare params and Anvil answers "Invalid request"), so `mine_at` pins the time with
`evm_setNextBlockTimestamp` followed by a plain `chain.mine()`, and `at_time` does the same for the
next transaction. Anvil refuses timestamps below the latest block's, so tests only move forward.

Reverts: `reverts_with(name, *args)` computes the exact revert data (selector of the error's
canonical signature + ABI-encoded arguments) and compares brownie's decoding of it with the
decoded revert brownie reports, so both the error name and every argument must match.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from brownie import web3
from brownie.exceptions import VirtualMachineError, decode_typed_error
from eth_abi import encode
from eth_utils import keccak

# brownie 1.22.2 warns about its own fixtures (fn_isolation calls rpc.snapshot/rpc.revert) on
# every test; the noise hides real warnings, so it is silenced for the tests in this directory.
_BROWNIE_SELF_WARNING = pytest.mark.filterwarnings(
    r"ignore:rpc\.\w+ should not be called directly:FutureWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(_BROWNIE_SELF_WARNING)


# ------------------------------------------------------------------------------------- roles

ADMIN_ROLE = bytes(32)  # OpenZeppelin's DEFAULT_ADMIN_ROLE


def role_id(name: str) -> bytes:
    return keccak(text=f"hygeia.role.{name}")


REGULATOR_ROLE = role_id("REGULATOR")
PROVIDER_ROLE = role_id("PROVIDER")
INSURER_ROLE = role_id("INSURER")
MANUFACTURER_ROLE = role_id("MANUFACTURER")
DISTRIBUTOR_ROLE = role_id("DISTRIBUTOR")
DISPENSER_ROLE = role_id("DISPENSER")
PATIENT_ROLE = role_id("PATIENT")
FOREIGN_ROLE = role_id("SOMETHING_ELSE")  # a role the suite does not know

# Order of the bits in rolesOf (Roles.bit): admin, regulator, provider, insurer, manufacturer,
# distributor, dispenser, patient.
SUITE_ROLES = (
    ("ADMIN", ADMIN_ROLE),
    ("REGULATOR", REGULATOR_ROLE),
    ("PROVIDER", PROVIDER_ROLE),
    ("INSURER", INSURER_ROLE),
    ("MANUFACTURER", MANUFACTURER_ROLE),
    ("DISTRIBUTOR", DISTRIBUTOR_ROLE),
    ("DISPENSER", DISPENSER_ROLE),
    ("PATIENT", PATIENT_ROLE),
)
ROLE_BIT = {role: 1 << index for index, (_, role) in enumerate(SUITE_ROLES)}
LICENSED_ROLES = {
    "PROVIDER": PROVIDER_ROLE,
    "INSURER": INSURER_ROLE,
    "MANUFACTURER": MANUFACTURER_ROLE,
    "DISTRIBUTOR": DISTRIBUTOR_ROLE,
    "DISPENSER": DISPENSER_ROLE,
}
# The dev account that naturally holds each licensed role (the pharmacy is the dispenser).
LICENSED_HOLDER = {
    "PROVIDER": "provider",
    "INSURER": "insurer",
    "MANUFACTURER": "manufacturer",
    "DISTRIBUTOR": "distributor",
    "DISPENSER": "pharmacy",
}

# CredentialStatus
NONE, ACTIVE, SUSPENDED, REVOKED = 0, 1, 2, 3

ZERO_ADDRESS = "0x" + "00" * 20
ZERO_BYTES32 = bytes(32)
LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")
KEY_A = bytes.fromhex("11" * 32)
KEY_B = bytes.fromhex("22" * 32)
DAY = 24 * 3600
YEAR = 365 * DAY

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
# Everyone but the regulator: none of them may call a regulator-only function.
NON_REGULATORS = (
    "admin",
    "provider",
    "insurer",
    "manufacturer",
    "distributor",
    "pharmacy",
    "patient",
    "stranger",
)


def bits_of(*roles: bytes) -> int:
    bits = 0
    for role in roles:
        bits |= ROLE_BIT[role]
    return bits


# ------------------------------------------------------------------------------------- values


def norm(value: Any) -> Any:
    """A comparable form of an event or return value: hex strings in lower case."""
    if hasattr(value, "address") and not isinstance(value, (str, bytes)):
        value = value.address
    if isinstance(value, bytes):
        return "0x" + bytes(value).hex()
    if isinstance(value, str) and value.startswith("0x"):
        return value.lower()
    return value


def credential_of(registry: Any, account: Any, role: bytes) -> dict[str, Any]:
    license_hash, jurisdiction, valid_from, valid_until, status = registry.credentialOf(
        account, role
    )
    return {
        "licenseHash": norm(license_hash),
        "jurisdiction": norm(jurisdiction),
        "validFrom": valid_from,
        "validUntil": valid_until,
        "status": status,
    }


def expected_credential(
    license_hash: bytes = LICENSE_HASH,
    jurisdiction: bytes = JURISDICTION,
    valid_from: int = 0,
    valid_until: int = 0,
    status: int = ACTIVE,
) -> dict[str, Any]:
    return {
        "licenseHash": norm(license_hash),
        "jurisdiction": norm(jurisdiction),
        "validFrom": valid_from,
        "validUntil": valid_until,
        "status": status,
    }


def event_names(tx: Any) -> list[str]:
    """Names of the events a transaction emitted, in log order."""
    return [event.name for event in tx.events]


def assert_event(tx: Any, name: str, **expected: Any) -> None:
    """The transaction emitted `name` exactly once, with exactly these arguments."""
    assert name in tx.events, f"{name} not emitted; got {event_names(tx)}"
    assert len(tx.events[name]) == 1, f"{name} emitted {len(tx.events[name])} times"
    actual = {key: norm(value) for key, value in dict(tx.events[name]).items()}
    assert actual == {key: norm(value) for key, value in expected.items()}


# ------------------------------------------------------------------------------------- reverts


@pytest.fixture(scope="session")
def error_abis(ParticipantRegistry: Any) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in ParticipantRegistry.abi if item["type"] == "error"}


def expected_revert_data(abi: dict[str, Any], *args: Any) -> bytes:
    types = [str(i["type"]) for i in abi["inputs"]]
    assert len(types) == len(args), f"{abi['name']} takes {len(types)} arguments, got {len(args)}"
    selector = keccak(text=f"{abi['name']}({','.join(types)})")[:4]
    values = [norm(a) if t == "address" else a for t, a in zip(types, args, strict=True)]
    return selector + encode(types, values)


@pytest.fixture(scope="session")
def reverts_with(error_abis: dict[str, dict[str, Any]]) -> Any:
    """`with reverts_with("ParticipantRegistryCredentialExists", account, role): ...`"""

    @contextmanager
    def _reverts_with(error_name: str, *args: Any) -> Iterator[None]:
        assert error_name in error_abis, f"{error_name} is not an error of ParticipantRegistry"
        data = expected_revert_data(error_abis[error_name], *args)
        expected = decode_typed_error("0x" + data.hex())
        assert expected.startswith(f"{error_name}: "), f"brownie cannot decode {error_name}"
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
    """`now()`: the chain's time, i.e. the latest block's timestamp that views see."""
    return latest_timestamp


def pin_next_block_time(timestamp: int) -> None:
    _rpc("evm_setNextBlockTimestamp", [int(timestamp)])


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


@pytest.fixture(autouse=True)
def isolation(fn_isolation: Any) -> None:
    """Every test starts from the state right after the module-scoped fixtures ran."""


@pytest.fixture(scope="session")
def named(accounts: Any) -> dict[str, Any]:
    return {name: accounts[index] for index, name in enumerate(ACCOUNT_NAMES)}


@pytest.fixture(scope="session")
def admin(named: dict[str, Any]) -> Any:
    return named["admin"]


@pytest.fixture(scope="session")
def regulator(named: dict[str, Any]) -> Any:
    return named["regulator"]


@pytest.fixture(scope="session")
def provider(named: dict[str, Any]) -> Any:
    return named["provider"]


@pytest.fixture(scope="session")
def insurer(named: dict[str, Any]) -> Any:
    return named["insurer"]


@pytest.fixture(scope="session")
def manufacturer(named: dict[str, Any]) -> Any:
    return named["manufacturer"]


@pytest.fixture(scope="session")
def distributor(named: dict[str, Any]) -> Any:
    return named["distributor"]


@pytest.fixture(scope="session")
def pharmacy(named: dict[str, Any]) -> Any:
    return named["pharmacy"]


@pytest.fixture(scope="session")
def patient(named: dict[str, Any]) -> Any:
    return named["patient"]


@pytest.fixture(scope="session")
def guardian(named: dict[str, Any]) -> Any:
    return named["guardian"]


@pytest.fixture(scope="session")
def stranger(named: dict[str, Any]) -> Any:
    return named["stranger"]


# ------------------------------------------------------------------------------------- roles


@pytest.fixture(scope="session")
def admin_role() -> bytes:
    return ADMIN_ROLE


@pytest.fixture(scope="session")
def regulator_role() -> bytes:
    return REGULATOR_ROLE


@pytest.fixture(scope="session")
def provider_role() -> bytes:
    return PROVIDER_ROLE


@pytest.fixture(scope="session")
def insurer_role() -> bytes:
    return INSURER_ROLE


@pytest.fixture(scope="session")
def manufacturer_role() -> bytes:
    return MANUFACTURER_ROLE


@pytest.fixture(scope="session")
def distributor_role() -> bytes:
    return DISTRIBUTOR_ROLE


@pytest.fixture(scope="session")
def dispenser_role() -> bytes:
    return DISPENSER_ROLE


@pytest.fixture(scope="session")
def patient_role() -> bytes:
    return PATIENT_ROLE


# ------------------------------------------------------------------------------------- registry


@pytest.fixture(scope="module")
def registry(ParticipantRegistry: Any, admin: Any, regulator: Any) -> Any:
    """The registry deployed by the admin, with the regulator granted REGULATOR_ROLE."""
    deployed = ParticipantRegistry.deploy(admin, {"from": admin})
    deployed.grantRole(REGULATOR_ROLE, regulator, {"from": admin})
    return deployed


@pytest.fixture
def issue(registry: Any, regulator: Any) -> Any:
    """`issue(account, role=PROVIDER_ROLE, valid_from=None, valid_until=None, **overrides)`:
    a valid credential issued by the regulator; by default valid from a day ago for a year."""

    def _issue(
        account: Any,
        role: bytes = PROVIDER_ROLE,
        valid_from: int | None = None,
        valid_until: int | None = None,
        license_hash: bytes = LICENSE_HASH,
        jurisdiction: bytes = JURISDICTION,
        sender: Any = None,
    ) -> Any:
        current = latest_timestamp()
        if valid_from is None:
            valid_from = current - DAY
        if valid_until is None:
            valid_until = current + YEAR
        return registry.issueCredential(
            account,
            role,
            license_hash,
            jurisdiction,
            valid_from,
            valid_until,
            {"from": sender or regulator},
        )

    return _issue


@pytest.fixture
def enrol(registry: Any, issue: Any, named: dict[str, Any]) -> Any:
    """`enrol(name)`: the dev account `name` with its natural role, returned. The licensed
    holders get their credential, the patient and the guardian register themselves, the admin
    and the regulator already hold theirs, the stranger stays without a role."""

    def _enrol(name: str) -> Any:
        account = named[name]
        role_name = next((r for r, holder in LICENSED_HOLDER.items() if holder == name), None)
        if role_name is not None:
            if not registry.hasRole(LICENSED_ROLES[role_name], account):
                issue(account, LICENSED_ROLES[role_name])
        elif name in ("patient", "guardian") and not registry.hasRole(PATIENT_ROLE, account):
            registry.registerPatient(KEY_A, {"from": account})
        return account

    return _enrol
