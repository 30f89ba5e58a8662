"""Consents through the SDK: gasless EIP-712 grants relayed by anyone, deny over permit, role
grants, delegates, and the consent list."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from eth_account import Account

from hygeia.consent.client import GrantRequest, data_class_id
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import Action, ProvisionType, Purpose, Role
from hygeia.core.errors import (
    AccessDeniedError,
    ContractRevertError,
    EncryptionKeyMissingError,
    InvalidInputError,
)
from hygeia.core.store import LocalStore
from hygeia.records.keys import generate_private_key, public_key_bytes
from hygeia.records.sharing import ConsentManager, SignedGrant
from hygeia.records.vault import RecordVault
from tests.records.samples import GLUCOSE, glucose
from tests.records.test_vault import DAY, permit
from tests.records.world import World


@pytest.fixture
def lab() -> str:
    return f"laboratory-{uuid.uuid4().hex[:8]}"


def test_a_patient_signs_a_grant_offline_and_a_stranger_relays_it(world: World, lab: str) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    signer = world.suite("patient").sender
    assert signer is not None
    signed = world.consents("patient").sign(
        signer.signer,
        permit(world, "specialist", data_class_id(lab)),
        world.now() + timedelta(hours=1),
    )
    document = SignedGrant.from_json(signed.to_json())

    relayed = ConsentManager(world.vault("insurer")).relay(document)

    assert relayed.records_shared == 1
    consent = world.suite("patient").consent.consent(patient, relayed.consent_id)
    assert consent.grantee == world.address("specialist")
    assert world.vault("specialist").get(stored.record_id).record.resource == GLUCOSE


def test_a_relayed_grant_cannot_be_replayed(world: World, lab: str) -> None:
    signer = world.suite("patient").sender
    assert signer is not None
    signed = world.consents("patient").sign(
        signer.signer,
        permit(world, "specialist", data_class_id(lab)),
        world.now() + timedelta(hours=1),
    )
    relayer = ConsentManager(world.vault("insurer"))
    relayer.relay(signed)
    with pytest.raises(ContractRevertError, match="ConsentRegistryNonceUsed"):
        relayer.relay(signed)


def test_a_grant_signed_with_a_local_key_is_relayed(world: World, lab: str) -> None:
    account = Account.create()
    signer = KeySigner(account)
    world.suite("insurer").participants.register_patient_by_sig(
        signer, public_key_bytes(generate_private_key()), world.now() + timedelta(hours=1)
    )
    consents = world.consents("patient")
    request = permit(world, "specialist", data_class_id(lab), actions=Action.DISCLOSE)
    signed = ConsentManager(world.vault("patient")).consent.sign_grant(
        signer, request, b"", world.now() + timedelta(hours=1)
    )
    receipt, consent_id = world.suite("insurer").consent.grant_by_sig(
        account.address, request, b"", signed
    )
    assert receipt.gas_used > 0
    assert consents.consent.consent(account.address, consent_id).actions == Action.DISCLOSE


def test_a_signed_grant_for_another_deployment_is_refused_before_sending(
    world: World, lab: str
) -> None:
    signer = world.suite("patient").sender
    assert signer is not None
    signed = world.consents("patient").sign(
        signer.signer,
        permit(world, "specialist", data_class_id(lab)),
        world.now() + timedelta(hours=1),
    )
    forged = SignedGrant.from_json({**signed.to_json(), "chain_id": 1})
    with pytest.raises(InvalidInputError, match="chain 1"):
        ConsentManager(world.vault("insurer")).relay(forged)


def test_a_deny_overrides_a_permit(world: World, lab: str) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    consents = world.consents("patient")
    consents.grant(patient, permit(world, "specialist", data_class_id(lab)))
    consents.grant(patient, permit(world, "specialist", stored.record_id, kind=ProvisionType.DENY))
    with pytest.raises(AccessDeniedError) as refused:
        world.vault("specialist").get(stored.record_id)
    assert refused.value.reason == "DENIED"


def test_a_role_grant_decides_access_but_shares_no_keys(world: World, lab: str) -> None:
    patient = world.address("patient")
    now = world.now()
    grant = world.consents("patient").grant(
        patient,
        GrantRequest(
            actions=Action.ACCESS,
            purposes=Purpose.PUBHLTH,
            start=now,
            end=now + DAY,
            grantee_role=Role.PROVIDER,
            targets=(data_class_id(lab),),
        ),
    )
    assert (grant.key_manifest_cid, grant.records_shared) == (None, 0)
    decision = world.suite("patient").consent.check_access(
        patient, world.address("provider"), data_class_id(lab), Action.ACCESS, Purpose.PUBHLTH
    )
    assert decision.allowed and decision.consent_id == grant.consent_id


def test_a_delegate_writes_for_the_patient_and_reads_what_it_wrote(world: World, lab: str) -> None:
    patient = world.address("patient")
    world.suite("patient").consent.appoint_delegate(world.address("guardian"))
    try:
        stored = world.vault("guardian").put(patient, GLUCOSE, data_class=lab)
        assert stored.readers == (world.address("guardian"),)
        opened = world.vault("guardian").get(stored.record_id)
        assert opened.record.resource == GLUCOSE and opened.access_logged_in is None
    finally:
        world.suite("patient").consent.revoke_delegate(world.address("guardian"))


def test_the_consent_list_shows_each_consent_with_its_status(world: World, lab: str) -> None:
    patient = world.address("patient")
    consents = world.consents("patient")
    kept = consents.grant(patient, permit(world, "specialist", data_class_id(lab)))
    gone = consents.grant(patient, permit(world, "provider", data_class_id(lab)))
    consents.revoke(patient, gone.consent_id)

    listed = {c.consent_id: c for c in consents.list(patient)}

    now = world.now()
    assert listed[kept.consent_id].status(now) == "active"
    assert listed[gone.consent_id].status(now) == "revoked"
    assert listed[gone.consent_id].revoked_by == patient
    assert listed[kept.consent_id].targets == (data_class_id(lab),)


def test_a_grant_to_an_account_without_an_encryption_key_is_refused(world: World, lab: str) -> None:
    patient = world.address("patient")
    with pytest.raises(EncryptionKeyMissingError):
        world.consents("patient").grant(patient, permit(world, "distributor", data_class_id(lab)))


def test_a_research_consent_opens_chosen_classes_to_the_study_for_research_only(
    world: World, lab: str
) -> None:
    # The study's investigator account (here the specialist) reads for HRESCH and nothing else.
    patient = world.address("patient")
    shared = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    private = world.vault("patient").put(patient, GLUCOSE, data_class=f"{lab}-other")
    world.consents("patient").grant(
        patient, permit(world, "specialist", data_class_id(lab), purposes=Purpose.HRESCH)
    )
    study = world.vault("specialist")

    assert study.get(shared.record_id, purpose=Purpose.HRESCH).record.resource == GLUCOSE
    with pytest.raises(AccessDeniedError):
        study.get(shared.record_id, purpose=Purpose.TREAT)
    with pytest.raises(AccessDeniedError):
        study.get(private.record_id, purpose=Purpose.HRESCH)


def test_a_consent_until_revoked_has_no_end_and_reads_back_the_same_period(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    request = permit(world, "specialist", data_class_id(lab), end=None)
    grant = world.consents("patient").grant(patient, request)
    listed = world.suite("patient").consent.consent(patient, grant.consent_id)
    assert (listed.start, listed.end) == (request.start, None)
    assert listed.status(world.now() + timedelta(days=365 * 50)) == "active"
    world.consents("patient").revoke(patient, grant.consent_id)


def test_a_period_without_a_time_zone_is_refused_before_anything_is_sent(world: World) -> None:
    with pytest.raises(InvalidInputError, match="start has no time zone"):
        permit(world, "specialist", start=datetime(2030, 1, 1))


def test_a_record_whose_content_this_store_lacks_is_listed_unshared_and_the_rest_shared(
    world: World, lab: str, tmp_path: Path
) -> None:
    """One record kept on another store does not stop a grant over the patient's records."""
    patient = world.address("patient")
    elsewhere = RecordVault(world.suite("patient"), LocalStore(tmp_path), world.keys["patient"])
    away = elsewhere.put(patient, glucose(70), data_class=lab)
    here = world.vault("patient").put(patient, glucose(71), data_class=lab)

    granted = world.consents("patient").grant(
        patient, permit(world, "specialist", data_class_id(lab))
    )

    assert granted.records_shared == 1
    (line,) = granted.records_unshared
    assert line.startswith(f"0x{away.record_id.hex()} v1: ContentNotFoundError")
    assert world.vault("specialist").get(here.record_id).version == 1
    assert granted.as_json()["records_unshared"] == [line]
