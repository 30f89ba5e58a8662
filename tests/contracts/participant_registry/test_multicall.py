"""ParticipantRegistry.multicall (OpenZeppelin Multicall): a relayer sends many patients' signed
registrations, or a regulator many credentials, in one transaction; every batched call keeps its
caller's own roles, and a batch is all of its calls or none."""

from __future__ import annotations

import brownie
from eth_utils import keccak

from tests.brownie_support import event_names
from tests.contracts.participant_registry.support import (
    FAR_DEADLINE,
    PATIENT_ROLE,
    PROVIDER_ROLE,
    REGULATOR_ROLE,
    sign_registration,
)

LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")


def _local_patients(accounts, *names):
    return [accounts.add(keccak(text=f"hygeia multicall {name}")) for name in names]


def _registration_call(registry, patient, key):
    signature = sign_registration(registry, patient, key)
    return registry.registerPatientBySig.encode_input(patient, key, FAR_DEADLINE, signature)


def test_a_relayer_registers_several_patients_by_their_signatures_in_one_transaction(
    registry, accounts, stranger
):
    first, second = _local_patients(accounts, "first", "second")
    keys = [keccak(text="k-first"), keccak(text="k-second")]
    calls = [_registration_call(registry, p, k) for p, k in zip((first, second), keys, strict=True)]

    tx = registry.multicall(calls, {"from": stranger})

    assert event_names(tx).count("PatientRegistered") == 2
    assert [e["patient"] for e in tx.events["PatientRegistered"]] == [first, second]
    for patient, key in zip((first, second), keys, strict=True):
        assert registry.isActive(patient, PATIENT_ROLE)
        assert registry.encryptionKeyOf(patient) == "0x" + key.hex()


def test_a_batch_fails_whole_with_its_failing_calls_own_error(
    registry, accounts, stranger, reverts_with
):
    first, second = _local_patients(accounts, "whole-1", "whole-2")
    good = _registration_call(registry, first, keccak(text="k-1"))
    signed_by_first = sign_registration(registry, second, keccak(text="k-2"), signer=first)
    forged = registry.registerPatientBySig.encode_input(
        second, keccak(text="k-2"), FAR_DEADLINE, signed_by_first
    )

    with reverts_with("ParticipantRegistryInvalidSigner", first, second):
        registry.multicall([good, forged], {"from": stranger})

    assert not registry.isActive(first, PATIENT_ROLE)


def test_a_regulator_issues_several_credentials_in_one_transaction(
    registry, regulator, accounts, now
):
    current = now()
    holders = _local_patients(accounts, "clinic-1", "clinic-2")
    calls = [
        registry.issueCredential.encode_input(
            holder, PROVIDER_ROLE, LICENSE_HASH, JURISDICTION, current - 1, current + 86_400
        )
        for holder in holders
    ]

    registry.multicall(calls, {"from": regulator})

    assert all(registry.isActive(holder, PROVIDER_ROLE) for holder in holders)


def test_a_batched_credential_from_a_non_regulator_is_refused(
    registry, accounts, stranger, now, reverts_with
):
    """Batching adds no role: the calls run with the batch sender as their sender."""
    current = now()
    (holder,) = _local_patients(accounts, "self-credentialed")
    call = registry.issueCredential.encode_input(
        holder, PROVIDER_ROLE, LICENSE_HASH, JURISDICTION, current - 1, current + 86_400
    )

    with reverts_with("AccessControlUnauthorizedAccount", stranger, REGULATOR_ROLE):
        registry.multicall([call], {"from": stranger})

    assert not registry.isActive(holder, PROVIDER_ROLE)


def test_multicall_takes_no_ether(registry, accounts, stranger):
    (patient,) = _local_patients(accounts, "paid")
    call = _registration_call(registry, patient, keccak(text="k-paid"))

    with brownie.reverts():
        registry.multicall([call], {"from": stranger, "value": 1})

    assert not registry.isActive(patient, PATIENT_ROLE)
