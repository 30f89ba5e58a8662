"""Gas of every operation of the claims contracts, with fixed inputs, beside its EVM floor.

`measure(url)` deploys the suite on the given fresh chain (hygeia.deploy.deploy_suite) and
returns "ClaimsAdjudicator.<op>" and "ClaimsEscrow.<op>" -> gas used, for every state-changing
function, plus the marginal gas of one more claim line and the gas per claim of a batch of BATCH
one-line claims; `receipts(url)` the receipts of the single-transaction operations (for
bench/gas.py's floors). Inputs are constants and accounts are the node's dev accounts, so two runs
on fresh chains give the same figures. Deployment gas is the suite's (participants_gas): the
adjudicator's deployment creates its ClaimsEscrow and ClaimsReader. ClaimsEscrow's `pay` and
`recoup` are the adjudicator's calls inside adjudicate, settlePayments and reverseClaim; the
reader has only views.

`FLOORS` gives each operation's EVM floor (standards.md): what the EVM charges at least for what
the operation must record, whatever the code: 21,000 per transaction, 22,100 per new storage
slot (20,000 + 2,100 cold), 5,000 per update of a cold non-zero slot (2,900 + 2,100), 200 per
cleared slot (5,000 less the 4,800 refund), and per event 375 + 375 per topic + 8 per data byte.
Calldata, reads and computation are left out. Per-line and per-claim marginal figures carry no
transaction base.
"""

from __future__ import annotations

from datetime import date

from eth_account import Account
from web3 import Web3

from hygeia.claims.client import (
    Authorization,
    ClaimLine,
    ClaimsAdjudicatorClient,
    ClaimSubmission,
    Enrolment,
    PlanTerms,
    Service,
)
from hygeia.claims.consent import PaymentConsentClient
from hygeia.claims.ids import claim_id
from hygeia.claims.parties import register_stand_in_patients
from hygeia.claims.token import PaymentTokenClient
from hygeia.core import artifacts
from hygeia.core.chain import Receipt, TxSender, connect, dev_signer
from hygeia.core.contract_types import AppealStatus, ReceiptMode, Role
from hygeia.core.times import from_unix
from hygeia.deploy import deploy_suite
from hygeia.participants.client import ParticipantRegistryClient
from tests.gas import gas_used

BATCH = 10
# Fixed inputs keep calldata, and so gas, identical from run to run.
VALID_FROM, VALID_UNTIL = from_unix(1_700_000_000), from_unix(4_000_000_000)
PATIENT_KEY = "0x" + "5a" * 32
CONSENT_DEADLINE = from_unix(4_000_000_000)
ESCROW = 100_000_000
YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)
# Stated receipt: the fixed received day, not the block's, keeps every line paid, run to run.
TERMS = PlanTerms(YEAR_START, YEAR_END, 50_000, 600_000, 2_000, 90, receipt_mode=ReceiptMode.STATED)
OFFICE = Service("99213", 10_000, copay=2_500, deductible_applies=False)
MEMBER = bytes.fromhex("11" * 32)
AUTH = bytes.fromhex("22" * 32)
RECEIVED = date(2025, 10, 31)
DAYS_IN_OCTOBER = 31  # service dates of the measured lines fall in October 2025
PREFIX = "ClaimsAdjudicator."
ESCROW_PREFIX = "ClaimsEscrow."

# ------------------------------------------------------------------------------------- floors

TX, NEW_SLOT, UPDATE, CLEAR = 21_000, 22_100, 5_000, 200
WORD = 32


def log(topics: int, data_words: int) -> int:
    """An event with `topics` topics (the signature included) and `data_words` words of data."""
    return 375 + 375 * topics + 8 * WORD * data_words


# A ClaimLineAdjudicated event of a paid line with 2 adjustments: topics signature, claim id,
# line; data charge, allowed, paid, the array offset and length, 2 x (group, reason, amount).
LINE_EVENT = log(3, 5 + 2 * 3)
# ClaimAdjudicated: 4 topics; status, charge, paid, patient responsibility.
CLAIM_EVENT = log(4, 4)
# PaymentCredited: 4 topics; amount, recouped.
PAYMENT_EVENT = log(4, 2)

FLOORS: dict[str, int] = {
    # plan: 2 slots, the key -> id index, the plan counter; PlanRegistered (4 topics, 8 words)
    PREFIX + "registerPlan": TX + 4 * NEW_SLOT + log(4, 8),
    # one fee schedule slot and ServiceAdded (3 topics, 8 words) per code
    PREFIX + "addServices(1 code)": TX + NEW_SLOT + log(3, 8),
    PREFIX + f"addServices(per code of {BATCH})": NEW_SLOT + log(3, 8),
    # one member slot and MemberEnrolled (4 topics, 2 words) per member
    PREFIX + "enrolMembers(1 member)": TX + NEW_SLOT + log(4, 2),
    PREFIX + f"enrolMembers(per member of {BATCH})": NEW_SLOT + log(4, 2),
    # one authorization slot and AuthorizationRecorded (4 topics, 3 words)
    PREFIX + "recordAuthorizations(1)": TX + NEW_SLOT + log(4, 3),
    # the escrow balance and the escrow's token balance (new), the insurer's token balance and
    # allowance (updated); EscrowFunded and Transfer
    ESCROW_PREFIX + "fundEscrow": TX + 2 * NEW_SLOT + 2 * UPDATE + log(2, 1) + log(3, 1),
    # claim header 2 slots + 1 line slot; ClaimSubmitted (4 topics, 6 words + empty CID)
    PREFIX + "submitClaims(1 claim, 1 line)": TX + 3 * NEW_SLOT + log(4, 7),
    PREFIX + "submitClaims(per line)": NEW_SLOT,
    PREFIX + f"submitClaims(per claim of {BATCH} one-line claims)": 3 * NEW_SLOT + log(4, 7),
    # per line: its result slot and its duplicate key (new), the line event; per claim: the
    # state/status update, the accumulator (new for the member's first claim), the escrow
    # debit and provider credit (new), ClaimAdjudicated and PaymentCredited
    PREFIX + "adjudicate(1 claim, 1 line)": TX
    + 2 * NEW_SLOT
    + LINE_EVENT
    + UPDATE
    + NEW_SLOT
    + UPDATE
    + NEW_SLOT
    + CLAIM_EVENT
    + PAYMENT_EVENT,
    PREFIX + "adjudicate(per line)": 2 * NEW_SLOT + LINE_EVENT,
    PREFIX + f"adjudicate(per claim of {BATCH} one-line claims)": 2 * NEW_SLOT
    + LINE_EVENT
    + UPDATE
    + UPDATE
    + CLAIM_EVENT
    + PAYMENT_EVENT,
    # a denied line: its result slot and its event (one adjustment); no accumulator, no payment
    PREFIX + "adjudicate(1 claim, 1 denied line)": TX
    + NEW_SLOT
    + log(3, 5 + 3)
    + UPDATE
    + CLAIM_EVENT,
    # payment pended: the pending amount (new) instead of escrow and credit; PaymentPended
    PREFIX + "adjudicate(1 line, payment pended)": TX
    + 2 * NEW_SLOT
    + LINE_EVENT
    + UPDATE
    + UPDATE
    + NEW_SLOT
    + CLAIM_EVENT
    + log(4, 1),
    # state update, escrow debit and credit; the pending amount cleared
    PREFIX + "settlePayments(1)": TX + 3 * UPDATE + CLEAR + PAYMENT_EVENT,
    # the reversal record (2 slots) and its link (new); state, accumulator, credit, escrow
    # updated; the duplicate key cleared; ClaimReversed and PaymentRecouped
    PREFIX + "reverseClaim(1 line)": TX + 3 * NEW_SLOT + 4 * UPDATE + CLEAR + log(4, 3) + log(4, 2),
    # the appeal slot (new), then updated; their events
    PREFIX + "fileAppeal": TX + NEW_SLOT + log(3, 1),
    PREFIX + "decideAppeal": TX + UPDATE + log(3, 2),
    # the escrow balance and two token balances updated; EscrowWithdrawn and Transfer
    ESCROW_PREFIX + "withdrawEscrow": TX + 3 * UPDATE + log(2, 1) + log(3, 1),
    # the credit cleared, the escrow's token balance updated, the provider's first (new);
    # PaymentWithdrawn and Transfer
    ESCROW_PREFIX + "withdraw": TX + CLEAR + UPDATE + NEW_SLOT + log(2, 1) + log(3, 1),
}


# ------------------------------------------------------------------------------------- measure


def lines(count: int, first_day: int = 1) -> tuple[ClaimLine, ...]:
    return tuple(ClaimLine("99213", date(2025, 10, first_day + n), 1, 15_000) for n in range(count))


def claim(
    ref: int, lines: tuple[ClaimLine, ...], plan_id: int, member: bytes = MEMBER
) -> ClaimSubmission:
    return ClaimSubmission(ref.to_bytes(32, "big"), plan_id, member, RECEIVED, lines)


def measure(url: str) -> dict[str, int]:
    """Gas of every operation: single transactions, and per line / per claim figures derived
    from pairs of transactions."""
    mined, derived = _run(url)
    return {**gas_used(mined), **derived}


def receipts(url: str) -> dict[str, Receipt]:
    """The receipts of the operations that are one transaction each (for the floors)."""
    return _run(url)[0]


def _run(url: str) -> tuple[dict[str, Receipt], dict[str, int]]:
    w3 = connect(url)

    def sender(name: str) -> TxSender:
        return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())

    mined: dict[str, Receipt] = {}
    derived: dict[str, int] = {}
    result = deploy_suite(sender("admin"), regulators=(w3.eth.accounts[1],))
    deployment = result.deployment
    # Deployments are measured with the suite's (tests/gas/participants_gas.py).
    address = deployment.address_of("ClaimsAdjudicator")
    insurer_tx, provider_tx = sender("insurer"), sender("provider")
    insurer = ClaimsAdjudicatorClient(w3, address, insurer_tx)
    provider = ClaimsAdjudicatorClient(w3, address, provider_tx)
    escrow = insurer.escrow
    set_up_parties(w3, deployment.address_of("ParticipantRegistry"), sender("regulator"))
    patient = Account.from_key(PATIENT_KEY)
    PaymentConsentClient(
        w3, deployment.address_of("ConsentRegistry"), insurer_tx
    ).grant_by_signature(patient, insurer_tx.address, CONSENT_DEADLINE)
    token = deployment.address_of("TestStablecoin")
    PaymentTokenClient(w3, token, sender("admin")).mint(insurer_tx.address, 2 * ESCROW)
    PaymentTokenClient(w3, token, insurer_tx).approve(escrow.address, 2 * ESCROW)

    def op(name: str, outcome: Receipt | int, prefix: str = PREFIX) -> None:
        """A transaction's receipt, or a figure derived from several."""
        if isinstance(outcome, Receipt):
            mined[prefix + name] = outcome
        else:
            derived[prefix + name] = outcome

    op("registerPlan", insurer.register_plan(b"\x01" * 32, TERMS))
    plan = 1
    op("addServices(1 code)", insurer.add_services(plan, [OFFICE]))
    codes = [Service(f"J{1000 + n}", 100 + n) for n in range(BATCH)]
    op(f"addServices(per code of {BATCH})", insurer.add_services(plan, codes).gas_used // BATCH)
    member = Enrolment(MEMBER, patient.address, YEAR_START, YEAR_END)
    op("enrolMembers(1 member)", insurer.enrol_members(plan, [member]))
    others = [
        Enrolment(bytes([n + 1]) * 32, patient.address, YEAR_START, YEAR_END)
        for n in range(0x20, 0x20 + BATCH)
    ]
    op(
        f"enrolMembers(per member of {BATCH})",
        insurer.enrol_members(plan, others).gas_used // BATCH,
    )
    auth = Authorization(MEMBER, AUTH, "99213", YEAR_START, YEAR_END)
    op("recordAuthorizations(1)", insurer.record_authorizations(plan, [auth]))
    op("fundEscrow", escrow.fund_escrow(ESCROW), ESCROW_PREFIX)

    one = provider.submit_claims([claim(1, lines(1), plan)])
    op("submitClaims(1 claim, 1 line)", one)
    ten_lines = provider.submit_claims([claim(2, lines(BATCH, first_day=2), plan)])
    op("submitClaims(per line)", (ten_lines.gas_used - one.gas_used) // (BATCH - 1))
    batch_refs = range(100, 100 + BATCH)
    batch = provider.submit_claims(
        [claim(ref, lines(1, first_day=20 + n), plan) for n, ref in enumerate(batch_refs)]
    )
    op(f"submitClaims(per claim of {BATCH} one-line claims)", batch.gas_used // BATCH)

    me = provider_tx.address
    first = insurer.adjudicate([claim_id(me, (1).to_bytes(32, "big"))])
    op("adjudicate(1 claim, 1 line)", first)
    many = insurer.adjudicate([claim_id(me, (2).to_bytes(32, "big"))])
    # The member's accumulator and the provider's credit are warm and non-zero after `first`,
    # so compare with a second one-line claim in the same state.
    provider.submit_claims([claim(3, lines(1, first_day=30), plan)])
    single = insurer.adjudicate([claim_id(me, (3).to_bytes(32, "big"))])
    op("adjudicate(per line)", (many.gas_used - single.gas_used) // (BATCH - 1))
    batched = insurer.adjudicate([claim_id(me, ref.to_bytes(32, "big")) for ref in batch_refs])
    op(f"adjudicate(per claim of {BATCH} one-line claims)", batched.gas_used // BATCH)

    unknown = bytes.fromhex("99" * 32)
    provider.submit_claims([claim(4, lines(1), plan, member=unknown)])
    denied_id = claim_id(me, (4).to_bytes(32, "big"))
    op("adjudicate(1 claim, 1 denied line)", insurer.adjudicate([denied_id]))

    escrow.withdraw_escrow(escrow.escrow_of(insurer_tx.address))
    provider.submit_claims([claim(5, lines(1, first_day=31), plan)])
    pended_id = claim_id(me, (5).to_bytes(32, "big"))
    op("adjudicate(1 line, payment pended)", insurer.adjudicate([pended_id]))
    escrow.fund_escrow(ESCROW)
    op("settlePayments(1)", insurer.settle_payments([pended_id]))

    op("reverseClaim(1 line)", insurer.reverse_claim(claim_id(me, (3).to_bytes(32, "big"))))
    op("fileAppeal", provider.file_appeal(denied_id, b"\x0a" * 32))
    op("decideAppeal", insurer.decide_appeal(denied_id, AppealStatus.UPHELD, b"\x0b" * 32))
    op("withdrawEscrow", escrow.withdraw_escrow(1_000), ESCROW_PREFIX)
    op("withdraw", provider.escrow.withdraw(), ESCROW_PREFIX)
    return mined, derived


def set_up_parties(w3: Web3, registry: str, regulator: TxSender) -> None:
    """The insurer and the provider hold credentials valid over fixed times; the patient of
    PATIENT_KEY is registered (its signed registration relayed by the regulator)."""
    client = ParticipantRegistryClient(w3, registry, regulator)
    for name, role in (("insurer", Role.INSURER), ("provider", Role.PROVIDER)):
        client.issue_credential(
            dev_signer(w3, name).address,
            role,
            license_id=f"{name}-license",
            jurisdiction="US-NY",
            valid_from=VALID_FROM,
            valid_until=VALID_UNTIL,
        )
    register_stand_in_patients(client, [Account.from_key(PATIENT_KEY)], CONSENT_DEADLINE)
