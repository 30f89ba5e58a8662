"""ConsentRegistry.grantBySig: gasless consent with the patient's EIP-712 signature, which carries
its nonce explicitly (used, ahead, cancelled); cancelSignedGrant."""

from __future__ import annotations

import pytest
from brownie import web3
from eth_abi import encode
from eth_utils import keccak

from tests.brownie_support import ZERO_ADDRESS, assert_event, event_names
from tests.contracts.consent_registry.support import (
    DEADLINE,
    KEY_BUNDLE,
    LABORATORY,
    OBSERVATION,
    R_PERMITTED,
    SIGNER_KEY,
    access,
    account_key,
    recover_grant_signer,
    request,
    sign_grant,
)

MALFORMED_SIGNATURE = b"\x01" * 10


@pytest.fixture
def relay(consent, signer, stranger):
    """`relay(req, nonce, signature=None, patient=signer, deadline=DEADLINE, sender=stranger)`:
    grantBySig of a request the signer signed (at `nonce`) unless a signature is given."""

    def _relay(req, nonce, signature=None, *, patient=None, deadline=DEADLINE, sender=None):
        patient = patient or signer
        if signature is None:
            signature = sign_grant(consent, SIGNER_KEY, patient, req, KEY_BUNDLE, nonce, deadline)
        return consent.grantBySig(
            patient, req, KEY_BUNDLE, nonce, deadline, signature, {"from": sender or stranger}
        )

    return _relay


# ------------------------------------------------------------------------------ grantBySig


def test_a_relayer_records_the_grant_the_patient_signed(consent, signer, provider, stranger):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE)

    tx = consent.grantBySig(signer, req, KEY_BUNDLE, 0, DEADLINE, signature, {"from": stranger})

    assert access(consent, signer, provider, OBSERVATION) == (True, R_PERMITTED, tx.return_value)
    assert consent.nonces(signer) == 1
    assert event_names(tx) == ["ConsentGranted"]
    assert_event(
        tx,
        "ConsentGranted",
        patient=signer,
        consentId=tx.return_value,
        granteeKey=account_key(provider),
        kind=0,
        actions=1,
        purposes=1,
        start=0,
        end=2**40 - 1,
        targets=[OBSERVATION],
        keyBundleCid=KEY_BUNDLE,
    )


def test_signed_grants_take_their_ids_from_the_same_counter(grant, relay, provider):
    assert grant(provider).return_value == 1
    assert relay(request(provider), 0).return_value == 2
    assert grant(provider, targets=[LABORATORY]).return_value == 3


def test_grants_signed_ahead_are_relayed_in_nonce_order(consent, signer, relay, provider):
    first, second = request(provider), request(provider, targets=[LABORATORY])
    signatures = [
        sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, nonce, DEADLINE)
        for nonce, req in enumerate((first, second))
    ]

    relay(first, 0, signatures[0])
    relay(second, 1, signatures[1])

    assert consent.nonces(signer) == 2
    assert access(consent, signer, provider, LABORATORY)[0]


def test_a_replayed_signature_is_refused_as_a_used_nonce(
    consent, signer, relay, provider, reverts_with
):
    """The signed nonce is named: a replay says the nonce was used, not that the signer is
    wrong (which is what recovering over the next nonce used to say)."""
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE)
    relay(req, 0, signature)

    with reverts_with("ConsentRegistryNonceUsed", signer, 0):
        relay(req, 0, signature)

    assert consent.nonces(signer) == 1


def test_a_grant_signed_ahead_of_the_current_nonce_is_not_yet_valid(
    consent, signer, relay, provider, reverts_with
):
    req = request(provider)

    with reverts_with("ConsentRegistryNonceNotYetValid", signer, 1, 0):
        relay(req, 1)

    assert consent.nonces(signer) == 0
    relay(request(provider, targets=[LABORATORY]), 0)
    relay(req, 1)
    assert consent.nonces(signer) == 2


def test_a_signature_over_another_nonce_is_refused(consent, signer, relay, provider, reverts_with):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 1, DEADLINE)

    seen = recover_grant_signer(consent, signature, signer, req, KEY_BUNDLE, 0, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        relay(req, 0, signature)


def test_a_signature_by_someone_else_is_refused(
    consent, signer, patient, provider, stranger, reverts_with
):
    req = request(provider)
    other_key = keccak(text="not the patient")
    signature = sign_grant(consent, other_key, patient, req, KEY_BUNDLE, 0, DEADLINE)

    seen = recover_grant_signer(consent, signature, patient, req, KEY_BUNDLE, 0, DEADLINE)
    assert seen.lower() != patient.address.lower()
    with reverts_with("ConsentRegistryInvalidSigner", seen, patient):
        consent.grantBySig(patient, req, KEY_BUNDLE, 0, DEADLINE, signature, {"from": stranger})


def test_a_signature_over_another_request_is_refused(
    consent, signer, relay, provider, insurer, reverts_with
):
    signature = sign_grant(consent, SIGNER_KEY, signer, request(provider), KEY_BUNDLE, 0, DEADLINE)
    tampered = request(insurer)

    seen = recover_grant_signer(consent, signature, signer, tampered, KEY_BUNDLE, 0, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        relay(tampered, 0, signature)


def test_a_signature_past_its_deadline_is_refused(
    consent, signer, relay, provider, reverts_with, now, at_time
):
    deadline = now() + 60
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, deadline)
    at_time(deadline + 1)

    with reverts_with("ConsentRegistrySignatureExpired", deadline):
        relay(req, 0, signature, deadline=deadline)


def test_a_signature_is_accepted_in_the_second_of_its_deadline(
    consent, signer, relay, provider, now, at_time
):
    deadline = now() + 60
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, deadline)
    at_time(deadline)

    assert relay(req, 0, signature, deadline=deadline).return_value


def test_a_signature_for_another_chain_is_refused(consent, signer, relay, provider, reverts_with):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE, chain_id=1)

    seen = recover_grant_signer(consent, signature, signer, req, KEY_BUNDLE, 0, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        relay(req, 0, signature)


def test_a_signature_for_another_deployment_is_refused(
    consent, signer, relay, provider, reverts_with, participants
):
    req = request(provider)
    signature = sign_grant(
        consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE, verifying_contract=participants
    )

    seen = recover_grant_signer(consent, signature, signer, req, KEY_BUNDLE, 0, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        relay(req, 0, signature)


def test_a_malformed_signature_is_refused_as_the_zero_signer(signer, relay, provider, reverts_with):
    with reverts_with("ConsentRegistryInvalidSigner", ZERO_ADDRESS, signer):
        relay(request(provider), 0, MALFORMED_SIGNATURE)


def test_a_grant_for_the_zero_address_is_refused_whatever_the_signature(
    relay, provider, reverts_with
):
    with reverts_with("ConsentRegistryInvalidSigner", ZERO_ADDRESS, ZERO_ADDRESS):
        relay(request(provider), 0, MALFORMED_SIGNATURE, patient=ZERO_ADDRESS)


def test_a_signed_grant_still_obeys_the_grant_rules(consent, signer, relay, reverts_with):
    req = request(signer)  # the patient as its own grantee

    with reverts_with("ConsentRegistryInvalidGrantee", signer, bytes(32)):
        relay(req, 0)
    assert consent.nonces(signer) == 0


def test_grant_by_sig_checks_the_deadline_before_the_nonce(
    signer, relay, provider, reverts_with, now, at_time
):
    deadline = now() + 60
    at_time(deadline + 1)

    with reverts_with("ConsentRegistrySignatureExpired", deadline):
        relay(request(provider), 5, MALFORMED_SIGNATURE, deadline=deadline)


def test_grant_by_sig_checks_the_nonce_before_the_signature(signer, relay, provider, reverts_with):
    relay(request(provider), 0)

    with reverts_with("ConsentRegistryNonceUsed", signer, 0):
        relay(request(provider), 0, MALFORMED_SIGNATURE)


# ------------------------------------------------------------- only registered patients grant


def test_a_grant_signed_by_an_account_that_is_no_patient_is_refused(
    consent, outsider, provider, stranger, reverts_with
):
    """Regression: anyone could sign grants about itself and have them relayed as a patient's."""
    req = request(provider)
    signature = sign_grant(consent, outsider, outsider, req, KEY_BUNDLE, 0, DEADLINE)

    with reverts_with("ConsentRegistryNotPatient", outsider):
        consent.grantBySig(outsider, req, KEY_BUNDLE, 0, DEADLINE, signature, {"from": stranger})

    assert consent.nonces(outsider) == 0
    assert access(consent, outsider, provider, OBSERVATION)[0] is False


@pytest.mark.parametrize("name", ["provider", "insurer", "stranger"])
def test_a_grant_signed_by_a_participant_that_is_no_patient_is_refused(
    consent, named, patient, reverts_with, name
):
    grantor = named[name]
    req = request(patient)
    signature = sign_grant(consent, grantor, grantor, req, KEY_BUNDLE, 0, DEADLINE)

    with reverts_with("ConsentRegistryNotPatient", grantor):
        consent.grantBySig(grantor, req, KEY_BUNDLE, 0, DEADLINE, signature, {"from": patient})


def test_grant_by_sig_checks_the_signer_before_the_patient_registration(
    consent, outsider, provider, stranger, reverts_with
):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, outsider, req, KEY_BUNDLE, 0, DEADLINE)
    seen = recover_grant_signer(consent, signature, outsider, req, KEY_BUNDLE, 0, DEADLINE)

    with reverts_with("ConsentRegistryInvalidSigner", seen, outsider):
        consent.grantBySig(outsider, req, KEY_BUNDLE, 0, DEADLINE, signature, {"from": stranger})


# ------------------------------------------------------------------------ cancelSignedGrant


def test_the_patient_cancels_a_signed_grant_nobody_relayed(
    consent, signer, relay, provider, reverts_with
):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE)

    tx = consent.cancelSignedGrant(signer, 0, {"from": signer})

    assert consent.nonces(signer) == 1
    assert event_names(tx) == ["SignedGrantCancelled"]
    assert_event(tx, "SignedGrantCancelled", patient=signer, nonce=0, canceller=signer)
    with reverts_with("ConsentRegistryNonceUsed", signer, 0):
        relay(req, 0, signature)
    assert access(consent, signer, provider, OBSERVATION)[0] is False


def test_a_delegate_cancels_a_signed_grant_for_the_patient(consent, signer, guardian):
    consent.appointDelegate(guardian, {"from": signer})

    tx = consent.cancelSignedGrant(signer, 0, {"from": guardian})

    assert consent.nonces(signer) == 1
    assert_event(tx, "SignedGrantCancelled", patient=signer, nonce=0, canceller=guardian)


def test_a_guardian_cancels_a_signed_grant_for_its_ward(consent, ward, guardian):
    tx = consent.cancelSignedGrant(ward, 0, {"from": guardian})

    assert consent.nonces(ward) == 1
    assert_event(tx, "SignedGrantCancelled", patient=ward, nonce=0, canceller=guardian)


def test_the_grant_signed_at_the_next_nonce_is_relayed_after_a_cancellation(
    consent, signer, relay, provider
):
    later = request(provider, targets=[LABORATORY])
    signature = sign_grant(consent, SIGNER_KEY, signer, later, KEY_BUNDLE, 1, DEADLINE)

    consent.cancelSignedGrant(signer, 0, {"from": signer})
    tx = relay(later, 1, signature)

    assert access(consent, signer, provider, LABORATORY) == (True, R_PERMITTED, tx.return_value)


@pytest.mark.parametrize("name", ["provider", "insurer", "guardian", "stranger", "admin"])
def test_cancel_signed_grant_refuses_anyone_but_the_patient_and_its_delegates(
    consent, signer, named, reverts_with, name
):
    with reverts_with("ConsentRegistryNotPatientOrDelegate", signer, named[name]):
        consent.cancelSignedGrant(signer, 0, {"from": named[name]})

    assert consent.nonces(signer) == 0


def test_cancel_signed_grant_refuses_a_used_nonce(consent, signer, relay, provider, reverts_with):
    relay(request(provider), 0)

    with reverts_with("ConsentRegistryNonceUsed", signer, 0):
        consent.cancelSignedGrant(signer, 0, {"from": signer})


def test_cancel_signed_grant_refuses_a_nonce_ahead_of_the_current_one(
    consent, signer, reverts_with
):
    """Nonces are used one at a time: grants signed ahead are cancelled in order."""
    with reverts_with("ConsentRegistryNonceNotYetValid", signer, 2, 0):
        consent.cancelSignedGrant(signer, 2, {"from": signer})

    consent.cancelSignedGrant(signer, 0, {"from": signer})
    consent.cancelSignedGrant(signer, 1, {"from": signer})
    consent.cancelSignedGrant(signer, 2, {"from": signer})
    assert consent.nonces(signer) == 3


def test_cancel_signed_grant_checks_the_caller_before_the_nonce(
    consent, signer, stranger, reverts_with
):
    with reverts_with("ConsentRegistryNotPatientOrDelegate", signer, stranger):
        consent.cancelSignedGrant(signer, 7, {"from": stranger})


# -------------------------------------------------------------------------------- EIP-712


def test_the_domain_separator_binds_name_version_chain_and_contract(consent):
    expected = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                keccak(
                    text="EIP712Domain(string name,string version,uint256 chainId,"
                    "address verifyingContract)"
                ),
                keccak(text="hygeia.ConsentRegistry"),
                keccak(text="1"),
                web3.eth.chain_id,
                consent.address,
            ],
        )
    )
    assert bytes(consent.DOMAIN_SEPARATOR()) == expected
