"""ConsentRegistry.grantBySig: gasless consent with the patient's EIP-712 signature."""

from __future__ import annotations

from eth_utils import keccak

from tests.brownie_support import assert_event
from tests.consent.consent_support import (
    KEY_BUNDLE,
    OBSERVATION,
    R_PERMITTED,
    SIGNER_KEY,
    access,
    account_key,
    recover_grant_signer,
    request,
    sign_grant,
)

DEADLINE = 2**40


def test_a_relayer_records_the_grant_the_patient_signed(consent, signer, provider, stranger):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE)

    tx = consent.grantBySig(signer, req, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})

    assert access(consent, signer, provider, OBSERVATION) == (True, R_PERMITTED, tx.return_value)
    assert consent.nonces(signer) == 1
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


def test_a_replayed_signature_is_refused(consent, signer, provider, stranger, reverts_with):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE)
    consent.grantBySig(signer, req, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})

    seen = recover_grant_signer(consent, signature, signer, req, KEY_BUNDLE, 1, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        consent.grantBySig(signer, req, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})


def test_a_signature_by_someone_else_is_refused(
    consent, signer, patient, provider, stranger, reverts_with
):
    req = request(provider)
    other_key = keccak(text="not the patient")
    signature = sign_grant(consent, other_key, patient, req, KEY_BUNDLE, 0, DEADLINE)

    seen = recover_grant_signer(consent, signature, patient, req, KEY_BUNDLE, 0, DEADLINE)
    assert seen.lower() != patient.address.lower()
    with reverts_with("ConsentRegistryInvalidSigner", seen, patient):
        consent.grantBySig(patient, req, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})


def test_a_signature_over_another_request_is_refused(
    consent, signer, provider, insurer, stranger, reverts_with
):
    signature = sign_grant(consent, SIGNER_KEY, signer, request(provider), KEY_BUNDLE, 0, DEADLINE)
    tampered = request(insurer)

    seen = recover_grant_signer(consent, signature, signer, tampered, KEY_BUNDLE, 0, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        consent.grantBySig(signer, tampered, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})


def test_a_signature_past_its_deadline_is_refused(
    consent, signer, provider, stranger, reverts_with, now, at_time
):
    deadline = now() + 60
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, deadline)
    at_time(deadline + 1)

    with reverts_with("ConsentRegistrySignatureExpired", deadline):
        consent.grantBySig(signer, req, KEY_BUNDLE, deadline, signature, {"from": stranger})


def test_a_signature_is_accepted_in_the_second_of_its_deadline(
    consent, signer, provider, stranger, now, at_time
):
    deadline = now() + 60
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, deadline)
    at_time(deadline)

    assert consent.grantBySig(
        signer, req, KEY_BUNDLE, deadline, signature, {"from": stranger}
    ).return_value


def test_a_signature_for_another_chain_is_refused(
    consent, signer, provider, stranger, reverts_with
):
    req = request(provider)
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE, chain_id=1)

    seen = recover_grant_signer(consent, signature, signer, req, KEY_BUNDLE, 0, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        consent.grantBySig(signer, req, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})


def test_a_signature_for_another_deployment_is_refused(
    consent, signer, provider, stranger, reverts_with, participants
):
    req = request(provider)
    signature = sign_grant(
        consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE, verifying_contract=participants
    )

    seen = recover_grant_signer(consent, signature, signer, req, KEY_BUNDLE, 0, DEADLINE)
    with reverts_with("ConsentRegistryInvalidSigner", seen, signer):
        consent.grantBySig(signer, req, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})


def test_a_malformed_signature_is_refused_as_the_zero_signer(
    consent, signer, provider, stranger, reverts_with
):
    with reverts_with("ConsentRegistryInvalidSigner", "0x" + "00" * 20, signer):
        consent.grantBySig(
            signer, request(provider), KEY_BUNDLE, DEADLINE, b"\x01" * 10, {"from": stranger}
        )


def test_a_signed_grant_still_obeys_the_grant_rules(consent, signer, stranger, reverts_with):
    req = request(signer)  # the patient as its own grantee
    signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, 0, DEADLINE)

    with reverts_with("ConsentRegistryInvalidGrantee", signer, bytes(32)):
        consent.grantBySig(signer, req, KEY_BUNDLE, DEADLINE, signature, {"from": stranger})


def test_the_domain_separator_binds_name_version_chain_and_contract(consent):
    from brownie import web3
    from eth_abi import encode

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
