"""ConsentRegistry.multicall (OpenZeppelin Multicall): a relayer sends many patients' signed
grants in one transaction; every batched call keeps its caller's own rights, and a batch is all
of its calls or none."""

from __future__ import annotations

import brownie
import pytest
from eth_utils import keccak

from tests.brownie_support import event_names
from tests.contracts.consent_registry.support import (
    DEADLINE,
    KEY_BUNDLE,
    LABORATORY,
    OBSERVATION,
    SIGNER_KEY,
    access,
    request,
    sign_grant,
)

WARD_KEY = keccak(text="hygeia consent test ward")


def _signed_grant_call(consent, key, patient, req, nonce):
    signature = sign_grant(consent, key, patient, req, KEY_BUNDLE, nonce, DEADLINE)
    return consent.grantBySig.encode_input(patient, req, KEY_BUNDLE, nonce, DEADLINE, signature)


def test_a_relayer_records_several_patients_signed_grants_in_one_transaction(
    consent, signer, ward, provider, stranger
):
    req = request(provider)
    calls = [
        _signed_grant_call(consent, SIGNER_KEY, signer, req, 0),
        _signed_grant_call(consent, WARD_KEY, ward, req, 0),
    ]

    tx = consent.multicall(calls, {"from": stranger})

    assert event_names(tx) == ["ConsentGranted", "ConsentGranted"]
    assert [e["patient"] for e in tx.events["ConsentGranted"]] == [signer, ward]
    ids = [int.from_bytes(bytes(result), "big") for result in tx.return_value]
    assert ids == [e["consentId"] for e in tx.events["ConsentGranted"]]
    assert access(consent, signer, provider, OBSERVATION) == (True, 1, ids[0])
    assert access(consent, ward, provider, OBSERVATION) == (True, 1, ids[1])
    assert consent.nonces(signer) == consent.nonces(ward) == 1


def test_a_batch_fails_whole_with_its_failing_calls_own_error(
    consent, signer, ward, provider, stranger, reverts_with
):
    req = request(provider)
    good = _signed_grant_call(consent, SIGNER_KEY, signer, req, 0)
    ahead = _signed_grant_call(consent, WARD_KEY, ward, req, 1)  # the ward's nonce is 0

    with reverts_with("ConsentRegistryNonceNotYetValid", ward, 1, 0):
        consent.multicall([good, ahead], {"from": stranger})

    assert consent.nonces(signer) == 0  # the good grant was not kept either
    assert access(consent, signer, provider, OBSERVATION)[0] is False


def test_a_batched_grant_for_another_patient_is_refused_as_the_callers_own(
    consent, patient, provider, stranger, reverts_with
):
    """Batching adds no right: the calls run with the batch sender as their sender."""
    forged = consent.grant.encode_input(patient, request(provider), KEY_BUNDLE)

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, stranger):
        consent.multicall([forged], {"from": stranger})


def test_a_batched_revocation_of_another_patients_consent_is_refused(
    consent, grant, patient, provider, stranger, reverts_with
):
    consent_id = grant(provider).return_value
    revoke = consent.revoke.encode_input(patient, consent_id, provider, bytes(32), [OBSERVATION])

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, stranger):
        consent.multicall([revoke], {"from": stranger})

    assert access(consent, patient, provider, OBSERVATION)[0] is True


def test_a_patient_batches_its_own_grants_and_each_is_its_own_consent(consent, patient, provider):
    calls = [
        consent.grant.encode_input(patient, request(provider), KEY_BUNDLE),
        consent.grant.encode_input(patient, request(provider, targets=[LABORATORY]), KEY_BUNDLE),
    ]

    tx = consent.multicall(calls, {"from": patient})

    first, second = (e["consentId"] for e in tx.events["ConsentGranted"])
    assert first != second
    assert access(consent, patient, provider, OBSERVATION)[2] == first
    assert access(consent, patient, provider, LABORATORY)[2] == second


def test_multicall_takes_no_ether(consent, patient, provider):
    call = consent.grant.encode_input(patient, request(provider), KEY_BUNDLE)

    with brownie.reverts():
        consent.multicall([call], {"from": patient, "value": 1})

    assert access(consent, patient, provider, OBSERVATION)[0] is False


@pytest.mark.parametrize("selector", [b"\x00\x00\x00\x00", b"\xde\xad\xbe\xef"])
def test_a_batched_call_of_no_function_reverts_the_batch(consent, patient, provider, selector):
    good = consent.grant.encode_input(patient, request(provider), KEY_BUNDLE)

    with brownie.reverts():
        consent.multicall([good, selector], {"from": patient})

    assert access(consent, patient, provider, OBSERVATION)[0] is False
