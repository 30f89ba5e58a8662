"""Attacks on records, consents and identity, written as the attacker would write them: with the
SDK and with plain web3 against a real chain. Each attack must fail with its named error and
leave nothing behind: no wrapped key, no plaintext, no event claiming what did not happen."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from eth_utils import keccak
from web3 import Web3

from hygeia.claims.client import ClaimsAdjudicatorClient, Enrolment, PlanTerms
from hygeia.consent.client import GrantRequest, data_class_id, record_id_of
from hygeia.consent.fhir import FhirConsentError, account_identifier
from hygeia.core import contract_errors as errors
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import (
    AccessReason,
    Action,
    ProvisionType,
    Purpose,
    ReceiptMode,
    Role,
)
from hygeia.core.errors import AccessDeniedError, IntegrityError, KeyNotSharedError
from hygeia.core.times import to_unix
from hygeia.participants.client import encode_jurisdiction, license_hash
from hygeia.records import public_key_bytes
from hygeia.records import vault as vault_module
from hygeia.records.envelope import RecordRef
from hygeia.records.manifests import address_bytes, cid_bytes, cid_text, load_bundle
from hygeia.records.sharing import ConsentManager
from tests.gas.claims_gas import OFFICE, YEAR_END, YEAR_START, claim, lines
from tests.records.samples import glucose
from tests.records.world import World
from tests.security.parties import DAY, Patient, new_account, new_patient, permit, raw_revert

PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


def deny(world: World, grantee: str, *targets: bytes) -> GrantRequest:
    return permit(world, grantee, *targets, kind=ProvisionType.DENY)


def wrapped_for(
    world: World, patient: Patient, record_id: bytes, version: int, reader: str
) -> bool:
    """Whether any key bundle the patient published, of that version or in any manifest, holds a
    wrap of its data key for `reader`."""
    vault = patient.vault()
    ref = RecordRef(record_id, address_bytes(patient.address), version)
    anchor = next(a for a in vault.versions(record_id) if a.version == version)
    if load_bundle(world.store, cid_text(anchor.key_bundle_cid), ref).for_reader(
        address_bytes(reader)
    ):
        return True
    for manifest in vault.grant_manifests(patient.address, grantee=reader):
        cid = manifest.bundle_for(record_id, version)
        if cid and load_bundle(world.store, cid, ref).for_reader(address_bytes(reader)):
            return True
    return False


def reads_by(world: World, patient: Patient, reader: str) -> int:
    trail = patient.suite().consent.audit_trail(patient.address)
    return sum(1 for e in trail if e.kind == "access" and e.actor == reader)


# ------------------------------------------------------------------ a deny must stop key sharing


def test_a_reader_denied_one_record_gets_no_key_to_its_amendment(
    world: World, victim: Patient
) -> None:
    spy = world.address("specialist")
    victim.consents().grant(victim.address, permit(world, spy))  # all data
    stored = victim.vault().put(victim.address, glucose(90), data_class="laboratory")
    victim.consents().grant(victim.address, deny(world, spy, stored.record_id))

    amended = victim.vault().amend(stored.record_id, glucose(250))

    assert spy not in amended.readers
    assert not wrapped_for(world, victim, stored.record_id, 2, spy)
    with pytest.raises(AccessDeniedError, match="denied"):
        world.vault("specialist").get(stored.record_id)
    assert reads_by(world, victim, spy) == 0


def test_dropping_a_denied_class_shares_no_key_of_the_versions_that_carried_it(
    world: World, victim: Patient
) -> None:
    """The patient denies the reader mental-health, files a record under it, drops the class in
    an amendment, then permits the reader all data: the reader gets the new version's key, never
    a key of a version that sat under the deny (nor when the keys are shared again)."""
    spy = world.address("specialist")
    mental = f"mental-health-{uuid.uuid4().hex[:8]}"
    victim.consents().grant(victim.address, deny(world, spy, data_class_id(mental)))
    stored = victim.vault().put(victim.address, glucose(95), data_class=mental)
    victim.vault().amend(stored.record_id, glucose(96), extra_classes=["laboratory"])
    victim.vault().amend(stored.record_id, glucose(97), drop_classes=[mental])

    granted = victim.consents().grant(victim.address, permit(world, spy))  # all data
    again = victim.consents().share_keys(victim.address, granted.consent_id)

    assert granted.records_shared >= 1 and again.records_shared >= 1
    assert wrapped_for(world, victim, stored.record_id, 3, spy)
    assert not wrapped_for(world, victim, stored.record_id, 1, spy)
    assert not wrapped_for(world, victim, stored.record_id, 2, spy)
    with pytest.raises((AccessDeniedError, KeyNotSharedError)):
        world.vault("specialist").get(stored.record_id, version=1)
    assert world.vault("specialist").get(stored.record_id).version == 3


def test_a_later_wider_class_grant_shares_no_key_of_a_record_the_patient_denied(
    world: World, victim: Patient
) -> None:
    spy = world.address("specialist")
    lab = f"laboratory-{uuid.uuid4().hex[:8]}"
    secret = victim.vault().put(victim.address, glucose(300), data_class=lab)
    open_ = victim.vault().put(victim.address, glucose(95), data_class=lab)
    victim.consents().grant(victim.address, deny(world, spy, secret.record_id))

    granted = victim.consents().grant(victim.address, permit(world, spy, data_class_id(lab)))

    assert granted.records_shared == 1  # the other record of the class, not the denied one
    assert not wrapped_for(world, victim, secret.record_id, 1, spy)
    assert wrapped_for(world, victim, open_.record_id, 1, spy)
    with pytest.raises(AccessDeniedError):
        world.vault("specialist").get(secret.record_id)
    assert world.vault("specialist").get(open_.record_id).version == 1


def test_a_grant_that_starts_later_shares_no_key_until_it_is_in_force(
    world: World, victim: Patient
) -> None:
    spy = world.address("specialist")
    lab = f"laboratory-{uuid.uuid4().hex[:8]}"
    stored = victim.vault().put(victim.address, glucose(110), data_class=lab)
    start = world.now() + 2 * DAY
    later = permit(world, spy, data_class_id(lab), start=start, end=start + DAY)

    granted = victim.consents().grant(victim.address, later)

    assert granted.key_manifest_cid is None and granted.records_shared == 0
    assert not wrapped_for(world, victim, stored.record_id, 1, spy)
    with pytest.raises(AccessDeniedError, match="not_yet"):
        world.vault("specialist").get(stored.record_id)
    world.advance(2 * DAY + timedelta(minutes=1))
    with pytest.raises(KeyNotSharedError):
        world.vault("specialist").get(stored.record_id)
    shared = victim.consents().share_keys(victim.address, granted.consent_id)
    assert shared.records_shared == 1
    assert world.vault("specialist").get(stored.record_id).record.resource["valueQuantity"]


def test_keys_cannot_be_published_under_a_consent_that_is_not_a_permit_to_that_grantee(
    world: World, victim: Patient
) -> None:
    spy = world.address("specialist")
    denied = victim.consents().grant(victim.address, deny(world, spy)).consent_id
    contract = victim.suite().consent.contract
    error = raw_revert(
        world,
        victim.address,
        contract,
        "shareConsentKeys",
        victim.address,
        denied,
        spy,
        bytes(32),
        b"\x01" * 36,
    )
    assert isinstance(error, errors.ConsentRegistryConsentNotFound)


# ------------------------------------------------------------------ registering someone else


def test_a_patient_cannot_register_someone_else_with_its_own_key(
    world: World, victim: Patient
) -> None:
    attacker = victim  # any registered patient
    target = new_account(world)  # a fresh account: its owner has not registered yet
    registry = attacker.suite().participants
    deadline = world.now() + DAY
    own_key = public_key_bytes(attacker.key)
    # The attacker signs the guardianship itself: the contract wants the ward's signature.
    forged = registry.sign_guardianship(attacker.signer, attacker.address, own_key, deadline)
    error = raw_revert(
        world,
        attacker.address,
        registry.contract,
        "registerPatientFor",
        target.address,
        own_key,
        to_unix(deadline),
        forged.signature,
    )
    assert isinstance(error, errors.ParticipantRegistryInvalidSigner)
    assert error.error_args["ward"] == target.address
    # The old two-argument call does not exist any more.
    old = Web3.keccak(text="registerPatientFor(address,bytes32)")[:4]
    call = {"from": attacker.address, "to": registry.address, "data": old + bytes(64)}
    with pytest.raises(Exception, match="revert"):
        world.w3.eth.call(call)  # type: ignore[arg-type]

    assert registry.encryption_key_of(target.address) is None
    assert registry.roles_of(target.address) == []
    own = Patient(world, target, victim.key)
    own.suite().participants.register_patient(public_key_bytes(own.key))  # the owner still can


def test_a_guardianship_signed_for_one_guardian_cannot_be_used_by_another(
    world: World, victim: Patient
) -> None:
    ward = new_account(world)
    guardian, thief = victim, new_patient(world)
    deadline = world.now() + DAY
    consent = guardian.suite().participants.sign_guardianship(
        KeySigner(ward), guardian.address, public_key_bytes(guardian.key), deadline
    )
    error = raw_revert(
        world,
        thief.address,
        thief.suite().participants.contract,
        "registerPatientFor",
        ward.address,
        consent.encryption_key,
        to_unix(deadline),
        consent.signature,
    )
    assert isinstance(error, errors.ParticipantRegistryInvalidSigner)
    assert thief.suite().participants.guardian_of(ward.address) is None


def test_a_guardian_acts_for_its_ward_only_until_the_guardianship_ends(
    world: World, victim: Patient
) -> None:
    ward = new_account(world)
    guardian = victim
    ward_key = public_key_bytes(guardian.key)  # custodial: the guardian keeps the ward's key
    registry = guardian.suite().participants
    consent = registry.sign_guardianship(
        KeySigner(ward), guardian.address, ward_key, world.now() + DAY
    )
    registry.register_patient_for(consent)
    assert guardian.suite().consent.is_delegate(ward.address, guardian.address)

    granted = guardian.consents().grant(
        ward.address, permit(world, world.address("specialist"), data_class_id("x"))
    )
    assert granted.consent_id > 0

    registry.end_guardianship(ward.address)

    assert not guardian.suite().consent.is_delegate(ward.address, guardian.address)
    error = raw_revert(
        world,
        guardian.address,
        guardian.suite().consent.contract,
        "revoke",
        ward.address,
        granted.consent_id,
        world.address("specialist"),
        bytes(32),
        [data_class_id("x")],
    )
    assert isinstance(error, errors.ConsentRegistryNotPatientOrDelegate)


# ------------------------------------------------------------------ one namespace for ids


def test_a_record_id_cannot_be_chosen_to_shadow_the_claim_data_class(
    world: World, victim: Patient
) -> None:
    provider, insurer = world.address("provider"), world.address("insurer")
    claim_class = data_class_id("Claim")
    lab = data_class_id(f"laboratory-{uuid.uuid4().hex[:8]}")
    # The patient lets the provider collect anything and the insurer see its lab results for
    # payment, but gave the insurer no payment consent for claims.
    victim.consents().grant(
        victim.address, permit(world, provider, actions=Action.COLLECT, purposes=Purpose.TREAT)
    )
    victim.consents().grant(
        victim.address,
        permit(world, insurer, lab, actions=Action.DISCLOSE, purposes=Purpose.HPAYMT),
    )
    # The provider anchors a record of class `lab` whose id it hopes is keccak256("Claim").
    consent = world.suite("provider").consent
    consent.anchor_record(
        victim.address, claim_class, (lab,), b"\x01" * 36, b"\x02" * 32, b"\x03" * 36
    )

    assert consent.record_of(claim_class).patient is None  # no record got that id
    decision = consent.check_access(
        victim.address, insurer, claim_class, Action.DISCLOSE, Purpose.HPAYMT
    )
    assert not decision.allowed and decision.reason is AccessReason.NO_PERMIT

    # And the claim the shadowing was for is refused for want of the patient's consent.
    claims = world.suite("insurer").claims
    plan = _plan(claims, insurer)
    member = keccak(text=f"member-{victim.address}")
    claims.enrol_members(plan, [Enrolment(member, victim.address, YEAR_START, YEAR_END)])
    with pytest.raises(errors.ClaimsAdjudicatorConsentRequired):
        world.suite("provider").claims.submit_claims(
            [claim(int.from_bytes(member[:4], "big"), lines(1), plan, member=member)]
        )


def _plan(claims: ClaimsAdjudicatorClient, insurer: str) -> int:
    """A plan of the insurer's that takes claims as stated (received RECEIVED, in its year)."""
    key = keccak(text=f"plan-{uuid.uuid4()}")
    terms = PlanTerms(
        YEAR_START, YEAR_END, 50_000, 600_000, 2_000, 400, receipt_mode=ReceiptMode.STATED
    )
    claims.register_plan(key, terms)
    plan_id = claims.plan_id_of(insurer, key)
    claims.add_services(plan_id, [OFFICE])
    return plan_id


def test_nobody_can_take_a_record_id_first_by_copying_a_pending_anchor(
    world: World, victim: Patient
) -> None:
    """A provider allowed to collect for the patient sees the patient's anchor in the mempool and
    sends the same arguments first: it gets a record id of its own (the id includes the author),
    and the patient's anchor still lands under the patient's id."""
    victim.consents().grant(
        victim.address,
        permit(world, world.address("provider"), actions=Action.COLLECT, purposes=Purpose.TREAT),
    )
    salt = keccak(text=f"salt-{uuid.uuid4()}")
    args = ((data_class_id("Observation"),), b"\x01" * 36, b"\x02" * 32, b"\x03" * 36)
    front = world.suite("provider").consent
    front.anchor_record(victim.address, salt, *args)

    victim.suite().consent.anchor_record(victim.address, salt, *args)

    consent = victim.suite().consent
    mine = record_id_of(victim.address, victim.address, salt)
    theirs = record_id_of(victim.address, world.address("provider"), salt)
    assert mine != theirs
    assert consent.record_version(mine, 1).anchored_by == victim.address
    assert consent.record_version(theirs, 1).anchored_by == world.address("provider")


# ------------------------------------------------------------------ events that tell the truth


def test_a_partial_revocation_ends_exactly_the_targets_it_names(
    world: World, victim: Patient
) -> None:
    spy = world.address("specialist")
    a, b = data_class_id(f"a-{uuid.uuid4()}"), data_class_id(f"b-{uuid.uuid4()}")
    granted = victim.consents().grant(victim.address, permit(world, spy, a, b))
    consent = victim.suite().consent
    contract = consent.contract
    found = consent.consent(victim.address, granted.consent_id)
    # The patient revokes one of the two targets with a plain call.
    sender = victim.suite().sender
    assert sender is not None
    receipt = sender.transact(
        contract.functions.revoke(victim.address, granted.consent_id, spy, bytes(32), [a])
    )

    event = contract.events.ConsentRevoked().process_log(receipt.logs[0])
    assert [bytes(t) for t in event["args"]["targets"]] == [a]
    assert bytes(event["args"]["granteeKey"]) == found.grantee_key
    after = consent.consent(victim.address, granted.consent_id)
    assert after.status(world.now()) == "partly-revoked" and after.revoked_by is None
    assert not consent.check_access(victim.address, spy, a, Action.ACCESS, Purpose.TREAT).allowed
    assert consent.check_access(victim.address, spy, b, Action.ACCESS, Purpose.TREAT).allowed

    victim.consents().revoke(victim.address, granted.consent_id)  # what remains
    assert consent.consent(victim.address, granted.consent_id).status(world.now()) == "revoked"
    assert not consent.check_access(victim.address, spy, b, Action.ACCESS, Purpose.TREAT).allowed


def test_two_identical_grants_in_one_block_get_two_ids_and_one_revoke_ends_only_one(
    world: World,
) -> None:
    patient = world.address("guardian")  # a node account, so both can sit in the mempool
    spy = world.address("specialist")
    target = data_class_id(f"twin-{uuid.uuid4()}")
    request = permit(world, spy, target)
    contract = world.suite("guardian").consent.contract
    w3 = world.w3
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        hashes = [
            contract.functions.grant(patient, request.as_args(), b"").transact(
                {"from": patient, "gas": 500_000}
            )
            for _ in range(2)
        ]
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    finally:
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    receipts = [w3.eth.wait_for_transaction_receipt(h) for h in hashes]
    assert receipts[0]["blockNumber"] == receipts[1]["blockNumber"]
    ids = [
        contract.events.ConsentGranted().process_receipt(r)[0]["args"]["consentId"]
        for r in receipts
    ]
    assert ids[0] != ids[1]

    consents = world.consents("guardian")
    consents.revoke(patient, ids[0])

    listed = {c.consent_id: c for c in consents.list(patient)}
    assert listed[ids[0]].revoked_by == patient and listed[ids[1]].revoked_by is None
    decision = world.suite("guardian").consent.check_access(
        patient, spy, target, Action.ACCESS, Purpose.TREAT
    )
    assert decision.allowed and decision.consent_id == ids[1]


@pytest.mark.parametrize("grantor", ["provider", "insurer", "stranger"])
def test_an_account_that_is_not_a_registered_patient_cannot_consent(
    world: World, grantor: str
) -> None:
    """A provider "consenting" for itself (or anyone unregistered) is refused, directly and by
    signature."""
    account = new_account(world) if grantor == "stranger" else None
    sender = account.address if account else world.address(grantor)
    request = permit(world, world.address("specialist"))
    contract = world.suite("insurer").consent.contract
    if account is None:
        error = raw_revert(world, sender, contract, "grant", sender, request.as_args(), b"")
        assert isinstance(error, errors.ConsentRegistryNotPatient)
        return
    signed = world.suite("insurer").consent.sign_grant(
        KeySigner(account), request, b"", world.now() + DAY
    )
    with pytest.raises(errors.ConsentRegistryNotPatient):
        world.suite("insurer").consent.grant_by_sig(account.address, request, b"", signed)


def test_a_batch_of_calls_gains_no_right_its_sender_lacks(world: World, victim: Patient) -> None:
    """Both registries batch calls (OpenZeppelin Multicall): a provider batching a grant for a
    patient, or a credential for itself, is refused as it would be alone, and no call of the
    batch is kept."""
    spy = world.address("specialist")
    consent = world.suite("insurer").consent.contract
    grant = consent.encode_abi("grant", args=[victim.address, permit(world, spy).as_args(), b""])
    helper = world.address("guardian")
    appoint = consent.encode_abi("appointDelegate", args=[helper])  # allowed alone
    error = raw_revert(world, spy, consent, "multicall", [appoint, grant])
    assert isinstance(error, errors.ConsentRegistryNotPatientOrDelegate)
    assert error.error_args == {"patient": victim.address, "caller": spy}
    decision = world.suite("insurer").consent.check_access(
        victim.address, spy, data_class_id("Observation"), Action.ACCESS, Purpose.TREAT
    )
    assert not decision.allowed
    assert not world.suite("insurer").consent.is_delegate(spy, helper)  # nothing kept

    registry = world.suite("insurer").participants.contract
    now = to_unix(world.now(), "now")
    issue = registry.encode_abi(
        "issueCredential",
        args=[spy, Role.INSURER.id, license_hash("US", "SELF-1"), encode_jurisdiction("US")]
        + [now - 60, now + 86_400],
    )
    error = raw_revert(world, spy, registry, "multicall", [issue])
    assert isinstance(error, errors.AccessControlUnauthorizedAccount)
    assert not world.suite("insurer").participants.is_active(spy, Role.INSURER)


# ------------------------------------------------------------------ signed grants


def test_a_used_signed_grant_is_named_as_used_and_a_patient_can_cancel_one_not_yet_relayed(
    world: World, victim: Patient
) -> None:
    spy = world.address("specialist")
    manager = victim.consents()
    first = manager.sign(victim.signer, permit(world, spy), world.now() + DAY)
    relayer = ConsentManager(world.vault("insurer"))
    relayer.relay(first)
    with pytest.raises(errors.ConsentRegistryNonceUsed) as used:
        relayer.relay(first)
    assert used.value.error_args == {"patient": victim.address, "nonce": first.nonce}

    second = manager.sign(victim.signer, permit(world, spy), world.now() + DAY)
    third = replace(second, nonce=second.nonce + 1)  # a signature for a later nonce
    with pytest.raises(errors.ConsentRegistryNonceNotYetValid):
        relayer.relay(third)
    with pytest.raises(errors.ConsentRegistryNotPatientOrDelegate):
        # not the specialist's to cancel
        world.suite("specialist").consent.cancel_signed_grant(second.patient, second.nonce)
    victim.suite().consent.cancel_signed_grant(second.patient, second.nonce)
    with pytest.raises(errors.ConsentRegistryNonceUsed):
        relayer.relay(second)
    assert len(manager.list(victim.address)) == 1  # only the first grant was ever recorded


def test_an_expired_signed_grant_is_named_as_expired(world: World, victim: Patient) -> None:
    signed = victim.consents().sign(
        victim.signer,
        permit(world, world.address("specialist")),
        world.now() + timedelta(minutes=1),
    )
    world.advance(timedelta(minutes=2))
    with pytest.raises(errors.ConsentRegistrySignatureExpired):
        ConsentManager(world.vault("insurer")).relay(signed)


# ------------------------------------------------------------------ break-glass


def test_break_glass_is_capped_per_window_and_the_patient_can_close_it_for_good(
    world: World, victim: Patient
) -> None:
    doctor = world.suite("provider").consent
    me = world.address("provider")
    for opening in range(1, 4):
        doctor.open_break_glass(victim.address, "unconscious on arrival", timedelta(hours=1))
        assert doctor.break_glass_of(victim.address, me).openings == opening
        doctor.close_break_glass(victim.address)
    with pytest.raises(errors.ConsentRegistryBreakGlassLimitReached):
        doctor.open_break_glass(victim.address, "unconscious on arrival", timedelta(hours=1))

    world.advance(DAY + timedelta(minutes=1))  # a new window
    doctor.open_break_glass(victim.address, "unconscious on arrival", timedelta(hours=1))
    victim.suite().consent.close_break_glass(victim.address, me)  # the patient ends it
    assert not doctor.break_glass_of(victim.address, me).is_open(world.now())
    with pytest.raises(errors.ConsentRegistryBreakGlassLimitReached):
        doctor.open_break_glass(victim.address, "unconscious again", timedelta(hours=1))
    with pytest.raises(errors.ConsentRegistryNotPatientOrDelegate):
        world.suite("specialist").consent.close_break_glass(victim.address, me)

    trail = victim.suite().consent.audit_trail(victim.address)
    opened = [e for e in trail if e.kind == "break-glass-opened"]
    closed = [e for e in trail if e.kind == "break-glass-closed"]
    assert [e.details["opening"] for e in opened] == [1, 2, 3, 1]
    assert [e.details["closed_by"] for e in closed] == [me, me, me, victim.address]


# ------------------------------------------------------------------ a dishonest node or index


def _forge(monkeypatch: pytest.MonkeyPatch, client: object, forge: object) -> None:
    """Make `client.anchors` answer what a dishonest node's eth_getLogs (or index) would."""
    real = client.anchors  # type: ignore[attr-defined]

    def lying(**kw: object) -> object:
        return [forge(a) for a in real(**kw)]  # type: ignore[operator]

    monkeypatch.setattr(client, "anchors", lying)


@pytest.mark.parametrize("lie", ["another record's CID", "a stale version", "another key bundle"])
def test_a_forged_anchor_event_is_refused_before_anything_is_read(
    world: World, victim: Patient, monkeypatch: pytest.MonkeyPatch, lie: str
) -> None:
    spy = world.address("specialist")
    lab = f"lab-{uuid.uuid4()}"
    victim.consents().grant(victim.address, permit(world, spy, data_class_id(lab)))
    vault = victim.vault()
    stored = vault.put(victim.address, glucose(101), data_class=lab)
    vault.amend(stored.record_id, glucose(102))
    other = vault.put(victim.address, glucose(7), data_class=lab)
    v1, v2 = vault.versions(stored.record_id)
    decoy = vault.versions(other.record_id)[0]

    def forge(anchor: object) -> object:
        if getattr(anchor, "record_id", None) != stored.record_id or anchor.version != 2:  # type: ignore[attr-defined]
            return anchor
        if lie == "another record's CID":
            return replace(anchor, cid=decoy.cid, ciphertext_digest=decoy.ciphertext_digest)  # type: ignore[type-var]
        if lie == "a stale version":
            return replace(v1, version=2, previous_version=1)
        return replace(anchor, key_bundle_cid=v1.key_bundle_cid)  # type: ignore[type-var]

    reader = world.vault("specialist")
    _forge(monkeypatch, reader.consent, forge)
    before = reads_by(world, victim, spy)
    with pytest.raises(IntegrityError, match="disagrees with contract storage"):
        reader.get(stored.record_id)
    assert reads_by(world, victim, spy) == before  # refused before the read was logged
    monkeypatch.undo()
    assert reader.get(stored.record_id).version == v2.version  # the honest node's answer reads


def test_a_log_source_lying_about_an_older_versions_classes_gets_no_key_shared(
    world: World, victim: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack: the record's first version was filed under a class the reader is denied
    (the patient dropped it later); a dishonest node or index says that version carried the
    latest version's classes only, so sharing keys would decide it under those. Each version's
    stored digest covers its own classes: the forged anchor is refused, no key is shared."""
    spy = world.address("specialist")
    mental = f"mental-health-{uuid.uuid4().hex[:8]}"
    victim.consents().grant(victim.address, deny(world, spy, data_class_id(mental)))
    stored = victim.vault().put(victim.address, glucose(95), data_class=mental)
    victim.vault().amend(stored.record_id, glucose(96), extra_classes=["laboratory"])
    latest = victim.vault().amend(stored.record_id, glucose(97), drop_classes=[mental])
    consent = victim.suite().consent
    latest_classes = consent.record_of(stored.record_id).data_classes
    v1 = victim.vault().versions(stored.record_id)[0]
    with pytest.raises(IntegrityError, match="data classes"):
        consent.check_anchor(replace(v1, data_classes=latest_classes))

    def forge(anchor: object) -> object:
        if getattr(anchor, "record_id", None) != stored.record_id:
            return anchor
        return replace(anchor, data_classes=latest_classes)  # type: ignore[type-var]

    # The patient permits the reader all data, its SDK reading the lying source.
    fooled = victim.vault()
    _forge(monkeypatch, fooled.consent, forge)
    with pytest.raises(IntegrityError, match="disagrees with contract storage"):
        ConsentManager(fooled).grant(victim.address, permit(world, spy))
    monkeypatch.undo()
    assert latest.version == 3
    assert not wrapped_for(world, victim, stored.record_id, 1, spy)
    assert not wrapped_for(world, victim, stored.record_id, 2, spy)


def test_a_forged_anchor_event_cannot_make_erasure_unpin_someone_elses_content(
    world: World, victim: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = victim.vault()
    mine = vault.put(victim.address, glucose(120), data_class="Observation")
    theirs = new_patient(world)
    kept = theirs.vault().put(theirs.address, glucose(80), data_class="Observation")
    kept_cid = theirs.vault().versions(kept.record_id)[0].cid
    _forge(
        monkeypatch,
        vault.consent,
        lambda a: replace(a, cid=kept_cid) if a.record_id == mine.record_id else a,  # type: ignore[attr-defined]
    )
    with pytest.raises(IntegrityError):
        vault.erase(mine.record_id)
    assert world.store.cat(cid_text(kept_cid))  # still pinned and readable
    assert not victim.suite().consent.record_of(mine.record_id).erased


def test_the_anchor_digest_binds_both_cids_so_swapping_the_key_bundle_is_detected(
    world: World, victim: Patient
) -> None:
    """The attack: a lying log source keeps a version's envelope CID but names another file
    (here another record of the patient's, which carries a bundle of its own) as its key
    bundle."""
    vault = victim.vault()
    stored = vault.put(victim.address, glucose(99), data_class="Observation")
    other = vault.put(victim.address, glucose(98), data_class="Observation")
    (anchor,) = vault.versions(stored.record_id)
    consent = victim.suite().consent
    consent.check_anchor(anchor)
    forged = replace(anchor, key_bundle_cid=cid_bytes(other.key_bundle_cid))
    with pytest.raises(IntegrityError, match="key-bundle CID"):
        consent.check_anchor(forged)


# ------------------------------------------------------- FHIR Consents and records' data classes


def _fhir_permit(world: World, victim: Patient, grantee: str, **provision: object) -> dict:  # type: ignore[type-arg]
    chain = world.w3.eth.chain_id
    actor = {
        "role": {"coding": [{"system": PARTICIPATION_TYPE, "code": "PRCP"}]},
        "reference": {"identifier": account_identifier(chain, grantee)},
    }
    return {
        "resourceType": "Consent",
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },  # fmt: skip
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"identifier": account_identifier(chain, victim.address)},
        "provision": {"type": "permit", "actor": [actor], **provision},
    }


@pytest.mark.parametrize(
    ("trick", "element"),
    [
        # Each narrows a permit in FHIR; dropped, it would permit more than the patient said.
        ({"dataPeriod": {"end": "2020-01-01"}}, "Consent.provision.dataPeriod"),
        (
            {
                "securityLabel": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                        "code": "N",
                    }
                ]
            },
            "Consent.provision.securityLabel",
        ),  # fmt: skip
        (
            {"code": [{"coding": [{"system": "http://loinc.org", "code": "2339-0"}]}]},
            "Consent.provision.code",
        ),  # fmt: skip
        (
            {"data": [{"meaning": "authoredby", "reference": {"reference": "Practitioner/1"}}]},
            "Consent.provision.data[0].meaning",
        ),  # fmt: skip
        (
            {
                "modifierExtension": [
                    {"url": "http://example.org/only-on-weekdays", "valueBoolean": True}
                ]
            },
            "Consent.provision.modifierExtension",
        ),  # fmt: skip
        # An action or purpose the chain does not know, mapped to one it does, would widen.
        (
            {
                "action": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentaction",
                                "code": "use",
                            }
                        ]
                    }
                ]
            },
            "Consent.provision.action[0].coding[0]",
        ),
        (
            {
                "purpose": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                        "code": "HMARKT",
                    }
                ]
            },
            "Consent.provision.purpose[0]",
        ),  # fmt: skip
    ],
)
def test_a_fhir_consent_cannot_widen_a_grant_through_an_element_the_chain_does_not_hold(
    world: World,
    victim: Patient,
    trick: dict,
    element: str,  # type: ignore[type-arg]
) -> None:
    """A Consent whose permit is narrowed by an element the chain cannot hold is refused whole,
    naming the element: nothing is recorded, so nothing wider than the patient's words is."""
    spy = world.address("specialist")
    before = len(victim.suite().consent.consents(victim.address))
    with pytest.raises(FhirConsentError) as caught:
        victim.consents().grant_fhir(victim.address, _fhir_permit(world, victim, spy, **trick))
    assert caught.value.element == element
    assert len(victim.suite().consent.consents(victim.address)) == before


def test_a_fhir_opt_out_cannot_become_access_for_everyone(world: World, victim: Patient) -> None:
    doc = _fhir_permit(world, victim, world.address("specialist"))
    doc["policyRule"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                     "code": "OPTOUT"}]}  # fmt: skip
    with pytest.raises(FhirConsentError, match=r"^Consent\.policyRule"):
        victim.consents().grant_fhir(victim.address, doc)
    assert victim.suite().consent.consents(victim.address) == []


def test_a_writer_cannot_file_a_lab_result_outside_laboratory_through_the_sdk(
    world: World, victim: Patient
) -> None:
    """A provider allowed to collect Observations names only `Observation` for a lab result, to
    dodge the patient's deny of lab results to a reader: the SDK files it under laboratory too,
    and the chain's deny on that class refuses the reader."""
    provider, spy = world.address("provider"), world.address("specialist")
    lab, obs = data_class_id("laboratory"), data_class_id("Observation")
    manager = victim.consents()
    manager.grant(victim.address, permit(world, provider, obs, actions=Action.COLLECT))
    manager.grant(victim.address, permit(world, spy, obs))
    manager.grant(victim.address, deny(world, spy, lab))

    stored = world.vault("provider").put(victim.address, glucose(250), data_class="Observation")

    assert stored.data_classes == ("Observation", "laboratory")
    with pytest.raises(AccessDeniedError, match="denied"):
        world.vault("specialist").get(stored.record_id)
    assert not wrapped_for(world, victim, stored.record_id, 1, spy)


def test_a_record_misfiled_around_the_sdk_is_refused_by_an_honest_readers_sdk(
    world: World, victim: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain cannot see inside a ciphertext: a writer who bypasses the SDK can file a lab
    result as `Observation` only. The reader's SDK checks the content's classes against the anchor
    and refuses the record (IntegrityError) instead of handing it over as an Observation."""
    spy = world.address("specialist")
    victim.consents().grant(victim.address, permit(world, spy, data_class_id("Observation")))
    monkeypatch.setattr(vault_module, "record_classes", lambda resource, extra=(): ("Observation",))
    stored = victim.vault().put(victim.address, glucose(260))
    monkeypatch.undo()

    with pytest.raises(IntegrityError, match="laboratory"):
        world.vault("specialist").get(stored.record_id)
    with pytest.raises(IntegrityError, match="misfiled"):
        victim.vault().get(stored.record_id)


def test_a_provider_cannot_amend_a_record_out_from_under_a_deny(
    world: World, victim: Patient
) -> None:
    """A provider allowed to correct the record and collect Observations amends it with
    `Observation` only, to take it out of `laboratory`, which the patient denies a reader: the
    contract refuses (only the patient or a delegate drops a class)."""
    provider, spy = world.address("provider"), world.address("specialist")
    lab, obs = data_class_id("laboratory"), data_class_id("Observation")
    stored = victim.vault().put(victim.address, glucose(270))
    manager = victim.consents()
    manager.grant(
        victim.address,
        permit(world, provider, obs, actions=Action.COLLECT | Action.CORRECT),
    )
    manager.grant(victim.address, permit(world, spy, obs))
    manager.grant(victim.address, deny(world, spy, lab))

    contract = world.suite("provider").consent.contract
    error = raw_revert(
        world, provider, contract, "amendRecordClasses", stored.record_id, [obs],
        b"\x01" * 36, b"\x02" * 32, b"\x03" * 36,
    )  # fmt: skip
    assert isinstance(error, errors.ConsentRegistryClassDropped)
    uncategorised = {k: v for k, v in json.loads(glucose(271)).items() if k != "category"}
    with pytest.raises(errors.ConsentRegistryClassDropped):
        world.vault("provider").amend(stored.record_id, uncategorised, drop_classes=["laboratory"])
    assert victim.suite().consent.record_of(stored.record_id).data_classes == (obs, lab)
    with pytest.raises(AccessDeniedError, match="denied"):
        world.vault("specialist").get(stored.record_id)
