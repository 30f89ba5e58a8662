"""The contracts' enums, flags, roles and constants, as Python types.

Generated from the compiler output by tools/export_artifacts.py: do not edit. Run
`bin/brownie compile --all && .venv/bin/python tools/export_artifacts.py` after changing a contract.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag

from eth_utils.crypto import keccak

from hygeia.core.enums import FlagNames, RoleNames


class CredentialStatus(IntEnum):
    """Lifecycle of a regulator-issued credential. `None` means never issued."""

    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REVOKED = 3


class ProvisionType(IntEnum):
    """FHIR `provision.type`."""

    PERMIT = 0
    DENY = 1


class AccessReason(IntEnum):
    """Why {checkAccess} answered as it did. `Permitted` and `BreakGlass` allow access.
    Precedence: a matching permit with no matching deny is `Permitted`; otherwise an open
    break-glass (ETREAT + ACCESS) is `BreakGlass` (an audited override, also of a deny);
    otherwise `Denied` if a deny matched; otherwise the most telling near miss of a permit:
    Expired > NotYet > Revoked > NoPermit. `RecordErased` short-cuts everything for an
    erased record.
    """

    NONE = 0
    PERMITTED = 1
    BREAK_GLASS = 2
    NO_PERMIT = 3
    DENIED = 4
    EXPIRED = 5
    NOT_YET = 6
    REVOKED = 7
    RECORD_ERASED = 8


class VerificationStatus(IntEnum):
    """The answer to a DSCSA verification request, see {verify}. `Unknown` is zero."""

    UNKNOWN = 0
    VALID = 1
    MISMATCH = 2
    EXPIRED = 3
    RECALLED = 4
    DISPENSED = 5
    QUARANTINED = 6
    ILLEGITIMATE = 7


class HoldingState(IntEnum):
    """Where a holding of units is. A voided shipment stays with its sender, who holds it like
    any other holding; only its receipt is refused.
    """

    NONE = 0
    HELD = 1
    IN_TRANSIT = 2
    VOIDED = 3


class Investigation(IntEnum):
    """The investigation status of a lot or a unit (DSCSA suspect/illegitimate product).
    `Illegitimate` is final.
    """

    NONE = 0
    QUARANTINED = 1
    ILLEGITIMATE = 2


class UnitState(IntEnum):
    """A unit's life after its lot was commissioned. `Dispensed` and `Destroyed` are final."""

    ACTIVE = 0
    DISPENSED = 1
    DESTROYED = 2


class SuspectReason(IntEnum):
    """Why a dispense attempt flagged a unit as suspect instead of dispensing it."""

    DECOMMISSIONED = 0
    NOT_HELD = 1


class Scope(IntEnum):
    """Whether a quarantine, clearance or confirmation is about a whole lot or one unit."""

    LOT = 0
    UNIT = 1


class ClaimState(IntEnum):
    """Life of a claim record. `None`: no such record. `Submitted`: awaiting adjudication.
    `Settled`: adjudicated and its payment (possibly 0) credited to the provider.
    `PaymentPending`: adjudicated, its payment waiting for escrow funds ({settlePayments}).
    `Reversed`: an adjudicated claim a reversal record cancelled. `Reversal`: that record.
    """

    NONE = 0
    SUBMITTED = 1
    SETTLED = 2
    PAYMENT_PENDING = 3
    REVERSED = 4
    REVERSAL = 5


class Denial(IntEnum):
    """Why adjudication denied a whole line: the first of rules 1 to 7 that applies; `None` if
    none did. A denied line is one CAS adjustment of its whole charge, by denial:
    `NotInsured` CO-31 (rule 1: the member was not enrolled in the plan at submission);
    `BeforeCoverage` PR-26 and `AfterCoverage` PR-27 (rule 2: service date outside the
    member's coverage); `TimelyFiling` CO-29 (rule 3: received more than the plan's
    timely-filing days after the service date); `Duplicate` OA-18 (rule 4: same member,
    provider, code and service date as a line already allowed, in this claim or another, and
    not reversed); `NotCovered` CO-96 (rule 5: the code is not in the plan's fee schedule);
    `NoAuthorization` CO-197 (rule 6: the code needs a prior authorization and the line
    names none of this member and code that covers its service date); `LimitReached` CO-119
    (rule 7: every unit of the line is over the code's annual unit limit).
    """

    NONE = 0
    NOT_INSURED = 1
    BEFORE_COVERAGE = 2
    AFTER_COVERAGE = 3
    TIMELY_FILING = 4
    DUPLICATE = 5
    NOT_COVERED = 6
    NO_AUTHORIZATION = 7
    LIMIT_REACHED = 8


class ReceiptMode(IntEnum):
    """Where a claim's received day, to which timely filing counts, comes from. `Live`: the day
    of the block that submits the claim, so a provider cannot backdate it. `Stated`: the day
    the submission states (not after today), for an insurer replaying claims it received
    earlier, e.g. a payer's batch file.
    """

    LIVE = 0
    STATED = 1


class AppealStatus(IntEnum):
    """Appeal of a claim with a denied line: filed by the provider, decided by the insurer.
    `None`: no appeal. `Open`: filed, not decided. `Upheld`: the denial stands.
    `Overturned`: the denial is withdrawn (the insurer pays by reversing the claim and
    adjudicating the corrected resubmission).
    """

    NONE = 0
    OPEN = 1
    UPHELD = 2
    OVERTURNED = 3


class Action(FlagNames, IntFlag):
    """ConsentPolicy ACTION_* bits: a set of them, or one in a query."""

    ACCESS = 1
    COLLECT = 2
    DISCLOSE = 4
    CORRECT = 8


class Purpose(FlagNames, IntFlag):
    """ConsentPolicy PURPOSE_* bits: a set of them, or one in a query."""

    TREAT = 1
    ETREAT = 2
    HPAYMT = 4
    HOPERAT = 8
    HRESCH = 16
    PUBHLTH = 32


class Role(RoleNames, IntEnum):
    """A suite role; its value is its bit index in ParticipantRegistry.rolesOf."""

    ADMIN = 0
    REGULATOR = 1
    PROVIDER = 2
    INSURER = 3
    MANUFACTURER = 4
    DISTRIBUTOR = 5
    DISPENSER = 6
    PATIENT = 7


#: Each role's bytes32 id (Roles.sol; OpenZeppelin's DEFAULT_ADMIN_ROLE for ADMIN).
ROLE_IDS: dict[Role, bytes] = {
    Role.ADMIN: bytes(32),
    Role.REGULATOR: keccak(text="hygeia.role.REGULATOR"),
    Role.PROVIDER: keccak(text="hygeia.role.PROVIDER"),
    Role.INSURER: keccak(text="hygeia.role.INSURER"),
    Role.MANUFACTURER: keccak(text="hygeia.role.MANUFACTURER"),
    Role.DISTRIBUTOR: keccak(text="hygeia.role.DISTRIBUTOR"),
    Role.DISPENSER: keccak(text="hygeia.role.DISPENSER"),
    Role.PATIENT: keccak(text="hygeia.role.PATIENT"),
}
#: The roles that need a regulator-issued credential (Roles.LICENSED_BITS).
LICENSED_ROLES = frozenset(
    {
        Role.PROVIDER,
        Role.INSURER,
        Role.MANUFACTURER,
        Role.DISTRIBUTOR,
        Role.DISPENSER,
    }
)
Role.bind(ROLE_IDS, LICENSED_ROLES)


class ConsentRegistryConstants:
    """The integer constants of ConsentRegistry."""

    MAX_PROVISIONS_PER_KEY = 4
    """Provisions in force at once per (patient, grantee key, target)."""
    MAX_TARGETS = 8
    """Targets per grant."""
    MAX_RECORD_CLASSES = 8
    """Data classes per record (its resource type and its categories)."""
    MAX_BREAK_GLASS_DURATION = 86400
    """Longest break-glass access (24 hours)."""
    MAX_BREAK_GLASS_OPENINGS = 3
    """Break-glass openings one provider may make on one patient within {BREAK_GLASS_WINDOW}."""
    BREAK_GLASS_WINDOW = 86400
    """The window over which break-glass openings are counted, and for which a provider whose
    break-glass the patient (or a delegate) closed may not reopen it.
    """
    MAX_CID_LENGTH = 64
    """Longest binary CID accepted (a CIDv1 with a sha2-256 multihash takes 36 bytes)."""


class ClaimsAdjudicatorConstants:
    """The integer constants of ClaimsAdjudicator."""

    MAX_LINES_PER_CLAIM = 50
    """The most service lines a claim may have (the X12 837 professional claim's limit)."""
