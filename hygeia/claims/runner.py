"""Adjudication runs, the payer's script: a whole batch file on a local chain, or the claims
already submitted on a deployment.

Resumable by construction: every step first reads the chain (plan id by key, enrolments,
authorizations, consents, credentials, claim states by their derived ids) and sends only what
is missing, and adjudication takes only claims still Submitted. A run killed at any point and
started again therefore submits, adjudicates and pays each claim exactly once. Nothing is kept
on disk but the payer's pseudonym salt.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from web3 import Web3
from web3.contract.contract import ContractFunction

from hygeia.claims.batch import Batch, RejectedClaim
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.consent import PaymentConsentClient
from hygeia.claims.ids import Pseudonyms, claim_id, plan_key
from hygeia.claims.model import (
    Authorization,
    Claim,
    ClaimLine,
    ClaimSubmission,
    Enrolment,
    Plan,
)
from hygeia.claims.parties import LocalParties
from hygeia.claims.remittance import (
    ClaimEntry,
    ReportedClaim,
    accumulators_json,
    claim_json,
    read_claims,
)
from hygeia.claims.token import PaymentTokenClient
from hygeia.core import artifacts
from hygeia.core.chain.connection import block_time
from hygeia.core.chain.signers import Signer
from hygeia.core.chain.transactions import Receipt, TxSender
from hygeia.core.contract_types import ClaimState, ReceiptMode, Role
from hygeia.core.deployments import Deployment
from hygeia.core.errors import InvalidInputError
from hygeia.participants.client import ParticipantRegistryClient

T = TypeVar("T")

#: Claims per transaction by default: ~50 two-line claims adjudicate in ~9M gas, well inside
#: a 30M block, and per-transaction overhead is spread thin.
DEFAULT_BATCH_SIZE = 50
# How long a relayed consent signature stays valid.
_SIGNATURE_LIFETIME = timedelta(hours=1)
# Multicalls of registrations, then of grants, sent back to back between two progress reports.
_TRANSACTIONS_PER_STEP = 8


@dataclass(frozen=True)
class Progress:
    """`done` of `total` items of `stage` are on the chain."""

    stage: str
    done: int
    total: int


ProgressCallback = Callable[[Progress], None]


@dataclass
class RunResult:
    """What a run left on the chain, read back: the output document and its claims."""

    document: dict[str, Any]
    claims: list[ReportedClaim]
    plan_ids: list[int]
    submitted: int = 0
    adjudicated: int = 0
    settled: int = 0
    gas_used: int = 0
    seconds: float = 0.0
    rejected: tuple[RejectedClaim, ...] = ()


@dataclass
class _Tally:
    submitted: int = 0
    adjudicated: int = 0
    settled: int = 0
    gas_used: int = 0

    def add(self, receipt: Receipt) -> Receipt:
        self.gas_used += receipt.gas_used
        return receipt


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BatchRunner:
    """Runs a batch file end to end on a local chain, as the insurer `claims.sender`.

    `parties` stands in for providers and patients; `minter` (a PaymentTokenClient sending as
    the test stablecoin's owner), when given, funds the escrow so every payment is made at
    once; without it payments the escrow cannot cover stay pending.
    """

    def __init__(
        self,
        claims: ClaimsAdjudicatorClient,
        consent: PaymentConsentClient,
        parties: LocalParties,
        *,
        minter: PaymentTokenClient | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        if claims.sender is None or consent.sender is None:
            raise InvalidInputError("the batch runner needs clients that send as the insurer")
        if batch_size < 1:
            raise InvalidInputError("batch size must be at least 1")
        self.claims = claims
        self.consent = consent
        self.parties = parties
        self.minter = minter
        self.batch_size = batch_size
        self._progress = on_progress or (lambda progress: None)
        self.insurer = claims.sender.address
        self._tally = _Tally()

    @classmethod
    def on_local_chain(
        cls,
        w3: Web3,
        deployment: Deployment,
        *,
        insurer: Signer,
        regulator: Signer,
        funder: Signer,
        salt: bytes,
        fund: bool = True,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: ProgressCallback | None = None,
        confirmations: int = 1,
    ) -> BatchRunner:
        """A runner on a local chain: `insurer` runs the plan, `regulator` credentials stand-in
        providers, `funder` pays their gas and (with `fund`, when the suite has the test
        stablecoin it owns) mints the insurer's escrow."""

        def sender(signer: Signer) -> TxSender:
            return TxSender(w3, signer, artifacts.suite_decoder(), confirmations=confirmations)

        insurer_sender = sender(insurer)
        claims = ClaimsAdjudicatorClient(
            w3, deployment.address_of("ClaimsAdjudicator"), insurer_sender
        )
        consent = PaymentConsentClient(w3, deployment.address_of("ConsentRegistry"), insurer_sender)
        registry = ParticipantRegistryClient(
            w3, deployment.address_of("ParticipantRegistry"), sender(regulator)
        )
        parties = LocalParties(w3, Pseudonyms(salt), funder.address, registry, confirmations)
        minter = None
        if fund and artifacts.TEST_STABLECOIN in deployment.contracts:
            minter = PaymentTokenClient(
                w3, deployment.address_of(artifacts.TEST_STABLECOIN), sender(funder)
            )
        return cls(
            claims, consent, parties, minter=minter, batch_size=batch_size, on_progress=on_progress
        )

    def run(self, batch: Batch) -> RunResult:
        started = time.monotonic()
        self._tally = _Tally()
        pseudonyms = self.parties.pseudonyms
        self._await_sent_before(batch)
        self.parties.ensure_credential(self.insurer, Role.INSURER, license_id=batch.plan.plan_id)
        plan_id = self._ensure_plan(batch.plan)
        self._ensure_members(plan_id, batch)
        self._ensure_authorizations(plan_id, batch)
        self._ensure_consents(batch)
        ids = self._submit(plan_id, batch.claims)
        self._fund_and_adjudicate(ids, batch.claims)
        self._settle(ids)

        entries = [
            ClaimEntry(cid, c.claim_ref, c.provider, c.line_numbers, c.member_id)
            for cid, c in zip(ids, batch.claims, strict=True)
        ]
        reported = read_claims(self.claims, entries, self._reporter(len(entries)))
        members = [(m.member_id, plan_id, pseudonyms.member_id(m.member_id)) for m in batch.members]
        document: dict[str, Any] = {
            "claims": [claim_json(c) for c in reported],
            "accumulators": accumulators_json(self.claims, members),
        }
        if batch.rejected:
            document["rejected"] = [r.as_dict() for r in batch.rejected]
        tally = self._tally
        return RunResult(
            document,
            reported,
            [plan_id],
            tally.submitted,
            tally.adjudicated,
            tally.settled,
            tally.gas_used,
            time.monotonic() - started,
            batch.rejected,
        )

    # ------------------------------------------------------------------ set-up

    def _ensure_plan(self, spec: Plan) -> int:
        key = plan_key(spec.plan_id, spec.terms.year_start)
        terms = dataclasses.replace(
            spec.terms,
            insurer=self.insurer,
            # A batch replays claims the payer already received: their stated days count.
            receipt_mode=ReceiptMode.STATED,
        )
        plan_id = self.claims.plan_id_of(self.insurer, key)
        if plan_id == 0:
            self._tally.add(self.claims.register_plan(key, terms))
            plan_id = self.claims.plan_id_of(self.insurer, key)
        elif self.claims.plan_of(plan_id) != terms:
            raise InvalidInputError(
                f"plan {spec.plan_id!r} of {spec.terms.year_start.year} is on the chain "
                f"(id {plan_id}) with other terms; a plan year's terms never change: use another "
                "plan_id"
            )
        self._progress(Progress("plan", 1, 1))

        wanted = list(spec.services)
        missing = []
        for service in wanted:
            listed = self.claims.service_of(plan_id, service.code)
            if listed is None:
                missing.append(service)
            elif listed != service:
                raise InvalidInputError(
                    f"service {service.code} of plan {spec.plan_id!r} is on the chain with other "
                    "terms; fee schedule entries are never edited"
                )
        done = len(wanted) - len(missing)
        for chunk in chunks(missing, self.batch_size):
            self._tally.add(self.claims.add_services(plan_id, chunk))
            done += len(chunk)
            self._progress(Progress("services", done, len(wanted)))
        return plan_id

    def _ensure_members(self, plan_id: int, batch: Batch) -> None:
        pseudonyms = self.parties.pseudonyms
        missing = []
        wanted_all: list[Enrolment[bytes]] = [
            Enrolment(
                pseudonyms.member_id(spec.member_id),
                self.parties.patient(spec.member_id).address,
                spec.coverage_start,
                spec.coverage_end,
            )
            for spec in batch.members
        ]
        enrolments = self.claims.members_of(plan_id, [w.member_id for w in wanted_all])
        for spec, wanted, enrolled in zip(batch.members, wanted_all, enrolments, strict=True):
            if enrolled is None:
                missing.append(wanted)
            elif enrolled != wanted:
                raise InvalidInputError(
                    f"member {spec.member_id!r} is enrolled on the chain with other coverage"
                )
        done = len(batch.members) - len(missing)
        for chunk in chunks(missing, self.batch_size):
            self._tally.add(self.claims.enrol_members(plan_id, chunk))
            done += len(chunk)
            self._progress(Progress("members", done, len(batch.members)))

    def _ensure_authorizations(self, plan_id: int, batch: Batch) -> None:
        pseudonyms = self.parties.pseudonyms
        missing = []
        for spec in batch.authorizations:
            wanted: Authorization[bytes] = Authorization(
                pseudonyms.member_id(spec.member_id),
                pseudonyms.auth_id(spec.auth_id),
                spec.code,
                spec.start,
                spec.end,
            )
            recorded = self.claims.authorization_of(plan_id, wanted.member_id, wanted.auth_id)
            if recorded is None:
                missing.append(wanted)
            elif recorded != wanted:
                raise InvalidInputError(
                    f"authorization {spec.auth_id!r} is on the chain with other terms"
                )
        done = len(batch.authorizations) - len(missing)
        for chunk in chunks(missing, self.batch_size):
            self._tally.add(self.claims.record_authorizations(plan_id, chunk))
            done += len(chunk)
            self._progress(Progress("authorizations", done, len(batch.authorizations)))

    def _ensure_consents(self, batch: Batch) -> None:
        patients = [self.parties.patient(spec.member_id) for spec in batch.members]
        allowed = self.consent.allow_claims([p.address for p in patients], self.insurer)
        missing = [p for p, ok in zip(patients, allowed, strict=True) if not ok]
        done = len(patients) - len(missing)
        self._progress(Progress("consents", done, len(patients)))
        size = self.batch_size
        # A step's registrations go `size` to a transaction (a multicall), sent back to back,
        # then its grants the same way.
        for chunk in chunks(missing, size * _TRANSACTIONS_PER_STEP):
            deadline = self._chain_time() + _SIGNATURE_LIFETIME
            for receipt in self.parties.ensure_patients(chunk, deadline, per_transaction=size):
                self._tally.add(receipt)
            for receipt in self.consent.grant_by_signatures(
                chunk, self.insurer, deadline, per_transaction=size
            ):
                self._tally.add(receipt)
            done += len(chunk)
            self._progress(Progress("consents", done, len(patients)))

    # ------------------------------------------------------------------ claims

    def _await_sent_before(self, batch: Batch) -> None:
        """Wait for what a stopped run sent and the node has not mined yet: the run reads the
        chain next to find what is left to do, and would send again what those will do."""
        senders = [self.claims.sender, self.parties.regulator.sender]
        if self.minter is not None:
            senders.append(self.minter.sender)
        providers = dict.fromkeys(claim.provider for claim in batch.claims)
        senders += [self.parties.sender(self.parties.provider(name)) for name in providers]
        for sender in senders:
            if sender is not None:
                sender.await_pending()

    def _submit(self, plan_id: int, claims: Sequence[Claim[str]]) -> list[bytes]:
        pseudonyms = self.parties.pseudonyms
        ids = [
            claim_id(self.parties.provider(c.provider).address, pseudonyms.claim_ref(c.claim_ref))
            for c in claims
        ]
        states = self.claims.claim_states(ids)
        missing: dict[str, list[Claim[str]]] = {}
        for spec, state in zip(claims, states, strict=True):
            if state is ClaimState.NONE:
                missing.setdefault(spec.provider, []).append(spec)
        done = len(claims) - sum(len(specs) for specs in missing.values())
        self._progress(Progress("submit", done, len(claims)))
        # Every provider's chunks are independent: all are estimated, then all sent back to
        # back, and their receipts awaited as they are mined. Nothing is read from the chain
        # while they are being mined (a node that keeps no history, as `hygeia node up` runs
        # Anvil, can refuse a read of the block being replaced).
        planned: list[tuple[TxSender, list[ContractFunction], list[int], list[int]]] = []
        signers = self.parties.ensure_providers(list(missing))
        for signer, specs in zip(signers, missing.values(), strict=True):
            sender = self.parties.sender(signer)
            client = ClaimsAdjudicatorClient(self.claims.w3, self.claims.address, sender)
            spec_chunks = list(chunks(specs, self.batch_size))
            calls = [
                client.submit_claims_call([self._submission(plan_id, spec) for spec in chunk])
                for chunk in spec_chunks
            ]
            limits = sender.gas_limits(calls, estimate_each=True)
            planned.append((sender, calls, limits, [len(chunk) for chunk in spec_chunks]))
        sent = [
            (sender, sender.send(call, gas=limit), count)
            for sender, calls, limits, counts in planned
            for call, limit, count in zip(calls, limits, counts, strict=True)
        ]
        for sender, tx_hash, count in sent:
            self._tally.add(sender.wait(tx_hash))
            self._tally.submitted += count
            done += count
            self._progress(Progress("submit", done, len(claims)))
        return ids

    def _submission(self, plan_id: int, spec: Claim[str]) -> ClaimSubmission:
        return pseudonymize(spec, self.parties.pseudonyms, plan_id)

    def _fund_and_adjudicate(self, ids: list[bytes], claims: Sequence[Claim[str]]) -> None:
        states = self.claims.claim_states(ids)
        if self.minter is not None:
            # Paid never exceeds the charge, so escrow for the charges of the claims to adjudicate
            # and of those waiting for payment pays all of them at once.
            unpaid = (ClaimState.SUBMITTED, ClaimState.PAYMENT_PENDING)
            self._fund(
                sum(
                    line.charge
                    for spec, state in zip(claims, states, strict=True)
                    if state in unpaid
                    for line in spec.lines
                )
            )
        pending = [
            cid for cid, state in zip(ids, states, strict=True) if state is ClaimState.SUBMITTED
        ]
        self._adjudicate(pending, len(ids))

    def _fund(self, needed: int) -> None:
        assert self.minter is not None
        shortfall = needed - self.claims.escrow_of(self.insurer)
        if shortfall <= 0:
            return
        token = PaymentTokenClient(self.claims.w3, self.minter.address, self.claims.sender)
        to_mint = shortfall - token.balance_of(self.insurer)
        if to_mint > 0:
            self._tally.add(self.minter.mint(self.insurer, to_mint))
        # The escrow holds the tokens, so it is the spender to approve.
        approval = self.claims.escrow.ensure_allowance(shortfall)
        if approval is not None:
            self._tally.add(approval)
        self._tally.add(self.claims.escrow.fund_escrow(shortfall))
        self._progress(Progress("fund", 1, 1))

    def _adjudicate(self, pending: list[bytes], total: int) -> None:
        self._tally.adjudicated += adjudicate_in_batches(
            self.claims, pending, total, self.batch_size, self._progress, self._tally
        )

    def _settle(self, ids: list[bytes]) -> None:
        self._tally.settled += settle_in_batches(
            self.claims, ids, self.batch_size, self._progress, self._tally
        )

    def _reporter(self, total: int) -> Callable[[int], None]:
        return lambda done: self._progress(Progress("remittance", done, total))

    def _chain_time(self) -> datetime:
        return block_time(self.claims.w3)


def pseudonymize(claim: Claim[str], pseudonyms: Pseudonyms, plan_id: int) -> ClaimSubmission:
    """`claim` as its provider submits it under `plan_id`: every payer identifier salted."""
    return Claim(
        claim_ref=pseudonyms.claim_ref(claim.claim_ref),
        plan_id=plan_id,
        member_id=pseudonyms.member_id(claim.member_id),
        received=claim.received,
        lines=tuple(
            ClaimLine(
                code=line.code,
                service_date=line.service_date,
                units=line.units,
                charge=line.charge,
                auth_id=None if line.auth_id is None else pseudonyms.auth_id(line.auth_id),
            )
            for line in claim.lines
        ),
    )


def adjudicate_in_batches(
    client: ClaimsAdjudicatorClient,
    pending: Sequence[bytes],
    total: int,
    batch_size: int,
    progress: ProgressCallback,
    tally: _Tally,
) -> int:
    """Adjudicate `pending` claims in order, `batch_size` per transaction: every transaction's
    gas estimated first, then all sent back to back and their receipts awaited as they are
    mined. Each estimate sees the chain before any of them: claims adjudicated earlier in the
    run only lower later ones' cost (members' accumulators and providers' balances are already
    written), and the estimates carry TxSender's margin."""
    assert client.sender is not None
    done = total - len(pending)
    progress(Progress("adjudicate", done, total))
    id_chunks = list(chunks(pending, batch_size))
    calls = [client.adjudicate_call(chunk) for chunk in id_chunks]
    hashes = client.sender.send_all(calls, estimate_each=True)
    for tx_hash, chunk in zip(hashes, id_chunks, strict=True):
        tally.add(client.sender.wait(tx_hash))
        done += len(chunk)
        progress(Progress("adjudicate", done, total))
    return len(pending)


def settle_in_batches(
    client: ClaimsAdjudicatorClient,
    ids: Sequence[bytes],
    batch_size: int,
    progress: ProgressCallback,
    tally: _Tally,
) -> int:
    """Pay what the escrow covers of the claims whose payment is pending; returns how many."""
    assert client.sender is not None
    pending = [
        cid
        for cid, state in zip(ids, client.claim_states(ids), strict=True)
        if state is ClaimState.PAYMENT_PENDING
    ]
    if not pending or client.escrow_of(client.sender.address) == 0:
        return 0
    for done, chunk in enumerate(chunks(pending, batch_size), start=1):
        tally.add(client.settle_payments(chunk))
        progress(Progress("settle", min(done * batch_size, len(pending)), len(pending)))
    after = client.claim_states(pending)
    settled = sum(1 for state in after if state is not ClaimState.PAYMENT_PENDING)
    return settled


def adjudicate_pending(
    client: ClaimsAdjudicatorClient,
    *,
    plan_ids: Sequence[int] | None = None,
    from_block: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
    adjudicate: bool = True,
) -> RunResult:
    """Adjudicate, in submission order, the claims submitted under the sender's plans (or
    `plan_ids`) since `from_block` and still Submitted; settle pending payments the escrow now
    covers; and read back the remittance of every claim of that window. With `adjudicate`
    False, only read them back (what `hygeia claims remittance` writes 835s from)."""
    if client.sender is None:
        raise InvalidInputError("adjudicating needs a client that sends as the insurer")
    if batch_size < 1:
        raise InvalidInputError("batch size must be at least 1")
    started = time.monotonic()
    progress = on_progress or (lambda p: None)
    tally = _Tally()
    client.sender.await_pending()  # what a stopped run sent is mined before states are read
    insurer = client.sender.address
    owned = client.plans_of(insurer)
    plans = list(plan_ids) if plan_ids else owned
    foreign = sorted(set(plans) - set(owned))
    if foreign:
        raise InvalidInputError(f"plan(s) {foreign} do not belong to the insurer {insurer}")
    submitted = client.submitted_claims(plans, from_block=from_block)
    ids = [s.claim_id for s in submitted]
    states = client.claim_states(ids)
    pending = [cid for cid, state in zip(ids, states, strict=True) if state is ClaimState.SUBMITTED]
    if adjudicate:
        tally.adjudicated = adjudicate_in_batches(
            client, pending, len(ids), batch_size, progress, tally
        )
        tally.settled = settle_in_batches(client, ids, batch_size, progress, tally)

    entries = [ClaimEntry(s.claim_id, "0x" + s.claim_id.hex(), s.provider) for s in submitted]
    reported = read_claims(
        client, entries, lambda done: progress(Progress("remittance", done, len(entries)))
    )
    members = sorted({(c.record.plan_id, c.record.member_id) for c in reported})
    several_plans = len({plan for plan, _ in members}) > 1
    labels = [
        ("0x" + member.hex() + (f"@{plan}" if several_plans else ""), plan, member)
        for plan, member in members
    ]
    document = {
        "claims": [claim_json(c) for c in reported],
        "accumulators": accumulators_json(client, labels),
    }
    return RunResult(
        document,
        reported,
        plans,
        0,
        tally.adjudicated,
        tally.settled,
        tally.gas_used,
        time.monotonic() - started,
    )
