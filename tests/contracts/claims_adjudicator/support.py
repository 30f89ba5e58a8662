"""Fixtures and helpers of the ClaimsAdjudicator contract tests (brownie + Anvil).

The suite deployed here: ParticipantRegistry (provider and clinic credentialed as PROVIDER,
insurer and rival as INSURER; patient and guardian registered patients), ConsentRegistry,
TestStablecoin and ClaimsAdjudicator, whose constructor creates its ClaimsEscrow (`escrow`) and
ClaimsReader. `adjudicator` carries the reader's views in its ABI, as an integrator's would: it
answers them at its own address (its fallback runs the reader's code), so every view call in these
tests goes through that fallback. The `plan` fixture registers the insurer's two plans of
plan year 2025 (MAIN and TIGHT, below), enrols members, records authorizations, has the patients
consent to payment disclosures to the insurer, and funds the insurer's escrow.

Dates are day numbers (days since 1970-01-01), as on-chain. Amounts are cents.
The generic pieces (named accounts, time pinning, exact revert and event matching) are in
tests/brownie_support.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from brownie import Contract
from eth_utils import keccak

from tests.brownie_support import RevertMatcher, latest_timestamp, norm, revert_matcher, role_id

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


# ------------------------------------------------------------------------------------- vocabulary

REGULATOR_ROLE = role_id("REGULATOR")
PROVIDER_ROLE = role_id("PROVIDER")
INSURER_ROLE = role_id("INSURER")
ZERO32 = bytes(32)
LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")
DAY = 86_400
YEAR = 365 * DAY

# ConsentPolicy bits and IConsentRegistry.AccessReason values
PERMIT, DENY = 0, 1
ACCESS, DISCLOSE = 1, 4
TREAT, HPAYMT = 1, 4
R_NO_PERMIT, R_DENIED, R_REVOKED = 3, 4, 7
CLAIM_CLASS = keccak(text="Claim")
FOREVER = 2**40 - 1

# IClaimsAdjudicator enums
S_NONE, S_SUBMITTED, S_SETTLED, S_PENDING, S_REVERSED, S_REVERSAL = range(6)
A_NONE, A_OPEN, A_UPHELD, A_OVERTURNED = range(4)
RECEIPT_LIVE, RECEIPT_STATED = range(2)
(
    D_NONE,
    D_NOT_INSURED,
    D_BEFORE_COVERAGE,
    D_AFTER_COVERAGE,
    D_TIMELY_FILING,
    D_DUPLICATE,
    D_NOT_COVERED,
    D_NO_AUTHORIZATION,
    D_LIMIT_REACHED,
) = range(9)


def day(iso: str) -> int:
    """The day number of an ISO date."""
    return (date.fromisoformat(iso) - date(1970, 1, 1)).days


def code(text: str) -> bytes:
    """A procedure code as the contract's bytes8: ASCII, right-padded with zeros."""
    return text.encode("ascii").ljust(8, b"\0")


def ref(text: str) -> bytes:
    """A pseudonymous 32-byte id (claim reference, member id, authorization id) for a test name."""
    return keccak(text=f"test salt|{text}")


# ------------------------------------------------------------------------------------- the plans

OFFICE, LAB, THERAPY, MRI, FLU, UNLISTED = "99213", "80053", "97110", "70553", "90686", "99999"

MAIN_KEY = keccak(text="PPO-GOLD|2025")
TIGHT_KEY = keccak(text="HMO-BRONZE|2025")
MAIN, TIGHT = 1, 2  # plan ids in registration order
YEAR_START, YEAR_END = day("2025-01-01"), day("2025-12-31")

# Both plans are registered in stated-receipt mode: the table replays claims received in 2025,
# long before the chain's clock (test_receipt.py covers live plans).
# MAIN: deductible $500, out-of-pocket max $600, coinsurance 25%, timely filing 90 days.
MAIN_TERMS = dict(deductible=50_000, oop_max=60_000, coinsurance_bps=2_500, timely_filing_days=90)
# TIGHT: deductible $10, out-of-pocket max $30, coinsurance 50%, timely filing 365 days.
TIGHT_TERMS = dict(deductible=1_000, oop_max=3_000, coinsurance_bps=5_000, timely_filing_days=365)


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    allowed: int
    copay: int = 0
    deductible: bool = True
    coinsurance: bool = True
    prior_auth: bool = False
    limit: int | None = None

    def as_input(self) -> tuple[Any, ...]:
        return (
            code(self.code),
            self.allowed,
            self.copay,
            self.limit or 0,
            self.limit is not None,
            self.deductible,
            self.coinsurance,
            self.prior_auth,
        )


MAIN_SERVICES = (
    # office visit: $25 copay only
    ServiceSpec(OFFICE, allowed=10_000, copay=2_500, deductible=False, coinsurance=False),
    # lab panel: deductible, then coinsurance
    ServiceSpec(LAB, allowed=3_333),
    # therapy: coinsurance only, 10 units a year
    ServiceSpec(THERAPY, allowed=4_000, deductible=False, limit=10),
    # MRI: deductible and coinsurance, prior authorization required
    ServiceSpec(MRI, allowed=120_000, prior_auth=True),
    # flu vaccine: no cost share
    ServiceSpec(FLU, allowed=2_500, deductible=False, coinsurance=False),
)
TIGHT_SERVICES = (
    ServiceSpec(OFFICE, allowed=10_000, copay=2_500, deductible=False),
    ServiceSpec(LAB, allowed=4_000),
)

# Members: M1 (patient's account) all year in both plans; M2 (guardian's account) March to June
# in MAIN; M3 (stranger's account, which never consented) all year in MAIN; M9 never enrolled.
M1, M2, M3, M9 = ref("M1"), ref("M2"), ref("M3"), ref("M9")
M2_START, M2_END = day("2025-03-01"), day("2025-06-30")
# Authorizations of M1 in MAIN: PA1 for the MRI in February, PA2 for therapy all year.
PA1, PA2 = ref("PA1"), ref("PA2")
PA1_START, PA1_END = day("2025-02-01"), day("2025-02-28")
ESCROW = 5_000_000  # $50,000 the insurer funds


def plan_tuple(
    terms: dict[str, int],
    insurer: Any = None,
    *,
    mode: int = RECEIPT_STATED,
    year: tuple[int, int] = (YEAR_START, YEAR_END),
) -> tuple[Any, ...]:
    """A Plan struct for registerPlan (the contract sets the insurer)."""
    return (
        norm(insurer) if insurer is not None else "0x" + "00" * 20,
        *year,
        terms["coinsurance_bps"],
        mode,
        terms["timely_filing_days"],
        terms["deductible"],
        terms["oop_max"],
    )


# ------------------------------------------------------------------------------------- claims


def line(
    code_text: str, service_date: str, units: int, charge: int, auth: bytes = ZERO32
) -> tuple[Any, ...]:
    """A ClaimLineInput tuple."""
    return (code(code_text), day(service_date), units, charge, auth)


def claim(
    name: str,
    member: bytes,
    lines: list[tuple[Any, ...]],
    *,
    received: str = "2025-10-15",
    plan_id: int = MAIN,
    attachment: bytes = b"",
) -> tuple[Any, ...]:
    """A ClaimInput tuple; the claim reference is derived from `name`."""
    return (ref(name), plan_id, member, day(received), lines, attachment)


def claim_id(adjudicator: Any, provider: Any, name: str) -> bytes:
    return bytes(adjudicator.claimIdOf(provider, ref(name)))


def group_text(value: Any) -> str:
    return bytes.fromhex(str(norm(value))[2:]).decode("ascii")


def remittance(adjudicator: Any, claim_id_: bytes) -> dict[str, Any]:
    """The on-chain 835 remittance of a claim, as plain Python values."""
    status, charge, paid, patient, lines = adjudicator.remittanceOf(claim_id_)
    return {
        "status": status,
        "charge": charge,
        "paid": paid,
        "patient_responsibility": patient,
        "lines": [
            {
                "charge": c,
                "allowed": a,
                "paid": p,
                "adjustments": [(group_text(g), r, amt) for g, r, amt in adjustments],
            }
            for c, a, p, adjustments in lines
        ],
    }


def adjustments_of(event_adjustments: Any) -> list[tuple[str, int, int]]:
    return [(group_text(g), r, amt) for g, r, amt in event_adjustments]


@dataclass
class Remit:
    """An expected remittance written by hand: status, totals and lines."""

    status: int
    charge: int
    paid: int
    patient_responsibility: int
    lines: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "charge": self.charge,
            "paid": self.paid,
            "patient_responsibility": self.patient_responsibility,
            "lines": self.lines,
        }


def ln(charge: int, allowed: int, paid: int, *adjustments: tuple[str, int, int]) -> dict[str, Any]:
    """An expected line: charge, allowed, paid and (group, CARC, amount) adjustments in order."""
    return {"charge": charge, "allowed": allowed, "paid": paid, "adjustments": list(adjustments)}


# ------------------------------------------------------------------------------------- contracts


@pytest.fixture(scope="module")
def participants(ParticipantRegistry: Any, named: dict[str, Any]) -> Any:
    """provider and clinic are PROVIDERs, insurer and rival INSURERs; patient, guardian and
    stranger patients."""
    admin, regulator = named["admin"], named["regulator"]
    deployed = ParticipantRegistry.deploy(admin, {"from": admin})
    deployed.grantRole(REGULATOR_ROLE, regulator, {"from": admin})
    current = latest_timestamp()
    for holder, role in (
        ("provider", PROVIDER_ROLE),
        ("pharmacy", PROVIDER_ROLE),
        ("insurer", INSURER_ROLE),
        ("manufacturer", INSURER_ROLE),
    ):
        deployed.issueCredential(
            named[holder], role, LICENSE_HASH, JURISDICTION, current - DAY, current + YEAR,
            {"from": regulator},
        )  # fmt: skip
    deployed.registerPatient(keccak(text="k-patient"), {"from": named["patient"]})
    deployed.registerPatient(keccak(text="k-guardian"), {"from": named["guardian"]})
    # M3's patient: registered (only patients consent), but it gives no consent up front.
    deployed.registerPatient(keccak(text="k-stranger"), {"from": named["stranger"]})
    return deployed


# The dev accounts these tests give other parts: a second provider and a second insurer.
CAST = {"clinic": "pharmacy", "rival": "manufacturer"}


@pytest.fixture(scope="session")
def cast(named: dict[str, Any]) -> dict[str, Any]:
    """Accounts by the part they play here: the named accounts plus `clinic` and `rival`."""
    return {**named, **{part: named[name] for part, name in CAST.items()}}


@pytest.fixture(scope="session")
def clinic(cast: dict[str, Any]) -> Any:
    """A second credentialed provider."""
    return cast["clinic"]


@pytest.fixture(scope="session")
def rival(cast: dict[str, Any]) -> Any:
    """A second credentialed insurer, owner of no plan of these tests."""
    return cast["rival"]


@pytest.fixture(scope="module")
def consent(ConsentRegistry: Any, participants: Any, named: dict[str, Any]) -> Any:
    return ConsentRegistry.deploy(participants, {"from": named["admin"]})


@pytest.fixture(scope="module")
def stablecoin(TestStablecoin: Any, named: dict[str, Any]) -> Any:
    return TestStablecoin.deploy(named["admin"], {"from": named["admin"]})


def with_views(deployed: Any, reader_abi: list[dict[str, Any]]) -> Any:
    """`deployed` (a ClaimsAdjudicator) with the ClaimsReader's functions added to its ABI: the
    adjudicator answers them at its own address."""
    views = [item for item in reader_abi if item["type"] == "function"]
    return Contract.from_abi("ClaimsAdjudicator", deployed.address, deployed.abi + views)


def deploy_adjudicator(
    ClaimsAdjudicator: Any,
    ClaimsReader: Any,
    participants: Any,
    consent: Any,
    token: Any,
    admin: Any,
) -> Any:
    """A ClaimsAdjudicator (with its views, `with_views`) paying in `token`."""
    deployed = ClaimsAdjudicator.deploy(participants, consent, token, {"from": admin})
    return with_views(deployed, ClaimsReader.abi)


@pytest.fixture(scope="module")
def adjudicator(
    ClaimsAdjudicator: Any,
    ClaimsReader: Any,
    participants: Any,
    consent: Any,
    stablecoin: Any,
    named: dict[str, Any],
) -> Any:
    return deploy_adjudicator(
        ClaimsAdjudicator, ClaimsReader, participants, consent, stablecoin, named["admin"]
    )


@pytest.fixture(scope="module")
def escrow(ClaimsEscrow: Any, adjudicator: Any) -> Any:
    """The ClaimsEscrow the adjudicator created."""
    return ClaimsEscrow.at(adjudicator.escrow())


def grant_payment_consent(consent: Any, patient: Any, insurer: Any, targets: list[bytes]) -> int:
    """`patient` permits `insurer` DISCLOSE for HPAYMT on `targets` (empty: all data)."""
    request = (PERMIT, norm(insurer), ZERO32, DISCLOSE, HPAYMT, 0, FOREVER, targets)
    return int(consent.grant(patient, request, b"", {"from": patient}).return_value)


@pytest.fixture(scope="module")
def plan(
    adjudicator: Any, escrow: Any, consent: Any, stablecoin: Any, named: dict[str, Any]
) -> int:
    """Registers MAIN and TIGHT, enrols M1-M3, records PA1 and PA2, collects the consents and funds
    the escrow. Returns MAIN's id."""
    insurer, admin = named["insurer"], named["admin"]
    sender = {"from": insurer}
    assert adjudicator.registerPlan(MAIN_KEY, plan_tuple(MAIN_TERMS), sender).return_value == MAIN
    assert (
        adjudicator.registerPlan(TIGHT_KEY, plan_tuple(TIGHT_TERMS), sender).return_value == TIGHT
    )
    adjudicator.addServices(MAIN, [s.as_input() for s in MAIN_SERVICES], sender)
    adjudicator.addServices(TIGHT, [s.as_input() for s in TIGHT_SERVICES], sender)
    adjudicator.enrolMembers(
        MAIN,
        [
            (M1, named["patient"], YEAR_START, YEAR_END),
            (M2, named["guardian"], M2_START, M2_END),
            (M3, named["stranger"], YEAR_START, YEAR_END),
        ],
        sender,
    )
    adjudicator.enrolMembers(TIGHT, [(M1, named["patient"], YEAR_START, YEAR_END)], sender)
    adjudicator.recordAuthorizations(
        MAIN,
        [
            (M1, PA1, code(MRI), PA1_START, PA1_END),
            (M1, PA2, code(THERAPY), YEAR_START, YEAR_END),
        ],
        sender,
    )
    grant_payment_consent(consent, named["patient"], insurer, [])
    grant_payment_consent(consent, named["guardian"], insurer, [CLAIM_CLASS])
    stablecoin.mint(insurer, 2 * ESCROW, {"from": admin})
    stablecoin.approve(escrow, 2 * ESCROW, sender)
    escrow.fundEscrow(ESCROW, sender)
    return MAIN


@pytest.fixture
def submit(adjudicator: Any, plan: int, named: dict[str, Any]) -> Any:
    """`submit(*claims, sender=provider)` -> the transaction."""

    def _submit(*claims: tuple[Any, ...], sender: Any = None) -> Any:
        return adjudicator.submitClaims(list(claims), {"from": sender or named["provider"]})

    return _submit


@pytest.fixture
def adjudicate(adjudicator: Any, plan: int, named: dict[str, Any]) -> Any:
    """`adjudicate(*claim_ids, sender=insurer)` -> the transaction."""

    def _adjudicate(*claim_ids: bytes, sender: Any = None) -> Any:
        return adjudicator.adjudicate(list(claim_ids), {"from": sender or named["insurer"]})

    return _adjudicate


@pytest.fixture
def process(submit: Any, adjudicate: Any) -> Any:
    """`process(*claims, sender=provider)`: submit, then adjudicate in order; -> claim ids."""

    def _process(*claims: tuple[Any, ...], sender: Any = None) -> list[bytes]:
        ids = [bytes(i) for i in submit(*claims, sender=sender).return_value]
        adjudicate(*ids)
        return ids

    return _process


@pytest.fixture(scope="session")
def reverts_with(ClaimsAdjudicator: Any) -> RevertMatcher:
    """`with reverts_with("ErrorName", *args): ...`: an exact ClaimsAdjudicator revert."""
    return revert_matcher("ClaimsAdjudicator", ClaimsAdjudicator.abi)


@pytest.fixture(scope="session")
def escrow_reverts_with(ClaimsEscrow: Any) -> RevertMatcher:
    """`with escrow_reverts_with("ErrorName", *args): ...`: an exact ClaimsEscrow revert."""
    return revert_matcher("ClaimsEscrow", ClaimsEscrow.abi)
