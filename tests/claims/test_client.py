"""The typed ClaimsAdjudicator client on a real chain: encoding, decoding of views and reverts,
and the operations a batch run does not use (reversal, appeals, withdrawals, escrow); the views
reach the ClaimsReader through the adjudicator's address and the money calls go to its
ClaimsEscrow, which the client finds itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from web3 import Web3

from hygeia.claims.batch import Batch
from hygeia.claims.client import ClaimLine, ClaimsAdjudicatorClient, Enrolment, PlanTerms
from hygeia.claims.ids import reversal_id
from hygeia.claims.runner import BatchRunner
from hygeia.claims.token import PaymentTokenClient
from hygeia.core import artifacts
from hygeia.core import contract_errors as errors
from hygeia.core.chain import TxSender, dev_signer
from hygeia.core.contract_types import AppealStatus, ClaimState, ReceiptMode
from hygeia.core.errors import InvalidInputError, TransactionFailedError
from hygeia.deploy import DeployResult
from hygeia.suite import Suite
from tests.claims.conftest import RunnerFactory, claim_ids_of

TERMS = PlanTerms(date(2025, 1, 1), date(2025, 12, 31), 50_000, 60_000, 2_500, 90)


@pytest.fixture
def ran(make_runner: RunnerFactory, batch: Batch) -> tuple[BatchRunner, dict[str, bytes], int]:
    """The sample batch run: (runner, claim ids by batch claim id, plan id)."""
    runner = make_runner()
    result = runner.run(batch)
    return runner, claim_ids_of(runner, batch), result.plan_ids[0]


def as_provider(runner: BatchRunner, name: str) -> ClaimsAdjudicatorClient:
    signer = runner.parties.provider(name)
    return ClaimsAdjudicatorClient(
        runner.claims.w3, runner.claims.address, runner.parties.sender(signer)
    )


def test_batched_views_return_exactly_what_web3_returns_addresses_checksummed(
    ran: tuple[BatchRunner, dict[str, bytes], int],
) -> None:
    runner, ids, plan_id = ran
    client, pseudonyms = runner.claims, runner.parties.pseudonyms
    claims = [*ids.values(), reversal_id(ids["C-2"]), bytes(32)]  # and two that do not exist
    members = [(plan_id, pseudonyms.member_id(m)) for m in ("M-1001", "M-1002")] + [
        (plan_id, bytes(32))
    ]
    views = client.reader.functions
    for name, arguments in (
        ("claimOf", [(cid,) for cid in claims]),
        ("remittanceOf", [(cid,) for cid in ids.values()]),
        ("memberOf", members),
        ("accumulatorOf", members),
    ):
        by_web3 = [getattr(views, name)(*args).call() for args in arguments]
        assert client._views(name, arguments) == by_web3, name
    patients = [client.member_of(*m) for m in members[:2]]
    assert all(p is not None and p.patient == Web3.to_checksum_address(p.patient) for p in patients)
    assert client.members_of(plan_id, [m for _, m in members]) == [*patients, None]
    assert client.accumulators_of(members) == [client.accumulator_of(*m) for m in members]


def test_a_batched_view_that_reverts_fails_as_the_single_call_does(
    ran: tuple[BatchRunner, dict[str, bytes], int],
) -> None:
    runner, ids, _ = ran
    client = runner.claims
    unknown = bytes(31) + b"\x01"
    with pytest.raises(Exception) as single:
        client.remittance_of(unknown)
    with pytest.raises(type(single.value)) as batched:
        client.remittances_of([*ids.values(), unknown])
    assert str(batched.value) == str(single.value)


def test_views_decode_what_the_run_stored(ran: tuple[BatchRunner, dict[str, bytes], int]) -> None:
    runner, ids, plan_id = ran
    client, pseudonyms = runner.claims, runner.parties.pseudonyms
    m1001, m1002 = pseudonyms.member_id("M-1001"), pseudonyms.member_id("M-1002")

    record = client.claim_of(ids["C-2"])
    assert record is not None
    assert (record.plan_id, record.received, record.state, record.status) == (
        plan_id, date(2025, 2, 21), ClaimState.SETTLED, 1,
    )  # fmt: skip
    assert (record.line_count, record.member_known, record.member_id) == (1, True, m1001)
    assert client.claim_lines(ids["C-2"]) == [
        ClaimLine("70553", date(2025, 2, 10), 1, 150_000, pseudonyms.auth_id("PA-77"))
    ]
    assert client.claim_lines(ids["C-9"])[0].auth_id is None
    assert client.member_of(plan_id, m1002) == Enrolment(
        m1002, runner.parties.patient("M-1002").address, date(2025, 3, 1), date(2025, 6, 30)
    )
    authorization = client.authorization_of(plan_id, m1001, pseudonyms.auth_id("PA-77"))
    assert authorization is not None and authorization.code == "70553"
    assert client.units_used(plan_id, m1002, "97110") == 10
    assert client.accumulator_of(plan_id, m1002).oop_met == 10_000
    therapy = client.service_of(plan_id, "97110")
    assert therapy is not None and therapy.annual_limit == 10 and not therapy.deductible_applies
    assert client.service_of(plan_id, "J9999") is None
    assert client.plan_of(plan_id) == PlanTerms(
        TERMS.year_start,
        TERMS.year_end,
        50_000,
        60_000,
        2_500,
        90,
        client.sender.address,  # type: ignore[union-attr]
        ReceiptMode.STATED,  # a batch replays claims received earlier
    )
    assert client.plan_of(0) is None
    assert client.claim_of(bytes(32)) is None
    assert client.member_of(plan_id, pseudonyms.member_id("M-9999")) is None
    assert client.authorization_of(plan_id, m1002, pseudonyms.auth_id("PA-77")) is None


def test_submitted_claims_are_listed_in_submission_order(
    ran: tuple[BatchRunner, dict[str, bytes], int], batch: Batch
) -> None:
    runner, ids, plan_id = ran
    listed = runner.claims.submitted_claims([plan_id])

    # The runner submits each provider's claims together, in batch order.
    by_provider = ["C-1", "C-2", "C-7", "C-9", "C-3", "C-4", "C-5", "C-6", "C-8"]
    assert [s.claim_id for s in listed] == [ids[name] for name in by_provider]
    assert plan_id in runner.claims.plans_of(runner.insurer)
    assert runner.claims.submitted_claims([]) == []


def test_a_reversal_restores_the_accumulators_and_is_remitted_negated(
    ran: tuple[BatchRunner, dict[str, bytes], int],
) -> None:
    runner, ids, plan_id = ran
    client = runner.claims
    member = runner.parties.pseudonyms.member_id("M-1001")

    client.reverse_claim(ids["C-2"])

    assert client.claim_states([ids["C-2"], reversal_id(ids["C-2"])]) == [
        ClaimState.REVERSED,
        ClaimState.REVERSAL,
    ]
    remit = client.remittance_of(reversal_id(ids["C-2"]))
    assert (remit.status, remit.charge, remit.paid, remit.patient_responsibility) == (
        22, -150_000, -62_500, -57_500,
    )  # fmt: skip
    assert [(a.group, a.reason, a.amount) for a in remit.lines[0].adjustments] == [
        ("CO", 45, -30_000), ("PR", 1, -50_000), ("PR", 2, -7_500),
    ]  # fmt: skip
    # C-2 took 50,000 of deductible and 57,500 out of pocket; C-1's copay of 2,500 remains.
    assert client.accumulator_of(plan_id, member).deductible_met == 0
    assert client.accumulator_of(plan_id, member).oop_met == 2_500


def test_the_provider_appeals_a_denial_and_the_insurer_decides(
    ran: tuple[BatchRunner, dict[str, bytes], int],
) -> None:
    runner, ids, _ = ran
    provider = as_provider(runner, "1234567893")

    provider.file_appeal(ids["C-1"], b"\x11" * 32)
    assert runner.claims.appeal_of(ids["C-1"]) is AppealStatus.OPEN
    runner.claims.decide_appeal(ids["C-1"], AppealStatus.OVERTURNED, b"\x22" * 32)

    assert runner.claims.appeal_of(ids["C-1"]) is AppealStatus.OVERTURNED
    with pytest.raises(InvalidInputError, match="upheld"):
        runner.claims.decide_appeal(ids["C-1"], AppealStatus.OPEN, b"\x22" * 32)


def test_a_provider_withdraws_its_payments_in_the_stablecoin(
    ran: tuple[BatchRunner, dict[str, bytes], int], deployed: DeployResult
) -> None:
    runner, _, _ = ran
    provider = as_provider(runner, "1999999984")
    address = provider.sender.address  # type: ignore[union-attr]
    token = PaymentTokenClient(provider.w3, deployed.deployment.address_of("TestStablecoin"))
    # C-3 9,000 + C-5 21,000 + C-8 10,000 (C-4 and C-6 pay nothing).
    assert provider.credit_of(address) == 40_000

    provider.withdraw()

    assert token.balance_of(address) == 40_000
    assert provider.credit_of(address) == 0
    with pytest.raises(errors.ClaimsEscrowNothingToWithdraw) as raised:
        provider.withdraw()
    assert raised.value.error_args == {"account": address}


def test_the_insurer_takes_unspent_escrow_back(
    ran: tuple[BatchRunner, dict[str, bytes], int], deployed: DeployResult
) -> None:
    runner, _, _ = ran
    client = runner.claims
    escrow = client.escrow_of(runner.insurer)
    token = PaymentTokenClient(client.w3, deployed.deployment.address_of("TestStablecoin"))
    before = token.balance_of(runner.insurer)

    client.withdraw_escrow(escrow)

    assert client.escrow_of(runner.insurer) == 0
    assert token.balance_of(runner.insurer) == before + escrow
    with pytest.raises(errors.ClaimsEscrowInsufficientEscrow):
        client.withdraw_escrow(1)


def test_reverts_are_raised_as_the_contracts_errors(
    suite_as: Callable[[str], Suite], w3: Web3
) -> None:
    provider = suite_as("provider").claims
    with pytest.raises(errors.ClaimsAdjudicatorNotActiveInsurer) as raised:
        provider.register_plan(b"\x01" * 32, TERMS)
    assert raised.value.error_args == {"account": w3.eth.accounts[2]}


def test_invalid_input_is_refused_before_anything_is_sent(
    suite_as: Callable[[str], Suite], w3: Web3
) -> None:
    insurer = suite_as("insurer").claims
    nonce = w3.eth.get_transaction_count(w3.eth.accounts[3])
    with pytest.raises(InvalidInputError, match="plan key must be 32 bytes"):
        insurer.register_plan(b"short", TERMS)
    with pytest.raises(InvalidInputError, match="not an Ethereum address"):
        insurer.enrol_members(
            1, [Enrolment(b"\x01" * 32, "0x1234", TERMS.year_start, TERMS.year_end)]
        )
    with pytest.raises(InvalidInputError, match="procedure code"):
        insurer.units_used(1, b"\x01" * 32, "not a code")
    assert w3.eth.get_transaction_count(w3.eth.accounts[3]) == nonce


def test_a_read_only_client_refuses_to_send(reader: ClaimsAdjudicatorClient) -> None:
    with pytest.raises(TransactionFailedError, match="read-only"):
        reader.withdraw()


def test_the_suite_exposes_the_claims_client(
    suite_as: Callable[[str], Suite], deployed: DeployResult
) -> None:
    suite = suite_as("insurer")
    assert suite.claims.address == deployed.deployment.address_of("ClaimsAdjudicator")
    assert suite.claims.token() == deployed.deployment.address_of("TestStablecoin")
    assert suite.claims.consent_registry() == deployed.deployment.address_of("ConsentRegistry")


def test_funding_an_escrow_needs_an_active_insurer(w3: Web3, deployed: DeployResult) -> None:
    sender = TxSender(w3, dev_signer(w3, "guardian"), artifacts.suite_decoder())
    client = ClaimsAdjudicatorClient(
        w3, deployed.deployment.address_of("ClaimsAdjudicator"), sender
    )
    with pytest.raises(errors.ClaimsEscrowNotActiveInsurer):
        client.fund_escrow(1)


def test_the_client_finds_the_adjudicators_escrow(
    suite_as: Callable[[str], Suite], deployed: DeployResult
) -> None:
    claims = suite_as("insurer").claims
    contracts = deployed.deployment.contracts
    assert claims.escrow.address == contracts["ClaimsEscrow"].address
    assert claims.escrow.adjudicator() == claims.address
    assert claims.escrow.sender is claims.sender


def test_funding_approves_the_escrow_only_when_its_allowance_is_short(
    w3: Web3, deployed: DeployResult
) -> None:
    book = deployed.deployment
    insurer = TxSender(w3, dev_signer(w3, "insurer"), artifacts.suite_decoder())
    admin = TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder())
    client = ClaimsAdjudicatorClient(w3, book.address_of("ClaimsAdjudicator"), insurer)
    escrow = client.escrow
    token = PaymentTokenClient(w3, book.address_of("TestStablecoin"), admin)
    token.mint(insurer.address, 3_000)
    reader = PaymentTokenClient(w3, book.address_of("TestStablecoin"))
    if reader.allowance(insurer.address, escrow.address):
        PaymentTokenClient(w3, book.address_of("TestStablecoin"), insurer).approve(
            escrow.address, 0
        )
    before = escrow.escrow_of(insurer.address)

    approval = escrow.ensure_allowance(2_000)
    assert approval is not None
    assert reader.allowance(insurer.address, escrow.address) == 2_000
    assert escrow.ensure_allowance(2_000) is None
    client.fund_escrow(2_000)  # the allowance covers it: no second approval
    nonce = w3.eth.get_transaction_count(insurer.address)
    client.fund_escrow(1_000)  # approves 1,000, then funds

    assert w3.eth.get_transaction_count(insurer.address) == nonce + 2
    assert escrow.escrow_of(insurer.address) == before + 3_000
    assert reader.allowance(insurer.address, escrow.address) == 0
    assert reader.allowance(insurer.address, client.address) == 0


def test_a_view_called_at_the_readers_own_address_is_refused(
    w3: Web3, deployed: DeployResult
) -> None:
    book = deployed.deployment
    mistaken = ClaimsAdjudicatorClient(w3, book.address_of("ClaimsReader"))
    with pytest.raises(errors.ClaimsReaderNotDelegated):
        mistaken.plan_of(1)
    client = ClaimsAdjudicatorClient(w3, book.address_of("ClaimsAdjudicator"))
    assert client.claim_states([bytes(32)]) == [ClaimState.NONE]
