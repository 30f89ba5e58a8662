"""Events read back from the index in web3's shape: a patient's accounting of disclosures gives
the same answer from the index as from the chain, on both backends (reads, break-glass and
erasures; with block times the index lacks dated by the node)."""

from __future__ import annotations

from datetime import timedelta

from hygeia.consent.client import (
    ConsentRegistryClient,
    GrantRequest,
    data_class_id,
    record_id_of,
)
from hygeia.consent.disclosures import accounting_of_disclosures
from hygeia.core.chain import block_time, dev_signer
from hygeia.core.contract_types import Action, Purpose
from hygeia.index import schema
from hygeia.index.reader import IndexedLogs
from hygeia.records.keys import generate_private_key, public_key_bytes
from tests.chains import Chain
from tests.index.conftest import NewIndex, index_once


def test_accounting_of_disclosures_from_the_index_equals_the_chain(
    own_chain: Chain, new_index: NewIndex
) -> None:
    w3 = own_chain.w3
    patient, other = (dev_signer(w3, n).address for n in ("patient", "guardian"))
    provider = own_chain.suite("provider").consent
    for n in range(3):
        for who in (patient, other):
            provider.open_break_glass(who, f"unconscious, visit {n}", timedelta(hours=1))
            provider.close_break_glass(who)
    store = index_once(own_chain, new_index())
    try:
        logs = IndexedLogs(store)
        from_chain = own_chain.suite("patient").consent
        from_index = ConsentRegistryClient(w3, from_chain.address, logs=logs)
        chain_trail = accounting_of_disclosures(from_chain, patient)
        assert len(chain_trail) == 6
        assert accounting_of_disclosures(from_index, patient) == chain_trail
        assert accounting_of_disclosures(from_index, other) == accounting_of_disclosures(
            from_chain, other
        )
        # Filters on arguments that are not indexed, and lists of values, as web3 takes them.
        opened = logs.get_logs("ConsentRegistry", "BreakGlassOpened", {"patient": [patient]})
        raw = from_chain.contract.events.BreakGlassOpened().get_logs(
            from_block=0, argument_filters={"patient": patient}
        )
        assert [dict(x["args"]) for x in opened] == [dict(x["args"]) for x in raw]
        first = opened[0]["args"]["opening"]
        both = logs.get_logs("ConsentRegistry", "BreakGlassOpened", {"opening": first})
        assert {x["args"]["patient"] for x in both} == {patient, other}  # per patient
    finally:
        store.close()


def test_an_accounting_of_reads_break_glass_and_an_erasure_is_the_same_from_the_index(
    own_chain: Chain, new_index: NewIndex
) -> None:
    w3 = own_chain.w3
    patient, provider = (dev_signer(w3, n).address for n in ("patient", "provider"))
    mine = own_chain.suite("patient")
    mine.participants.register_patient(public_key_bytes(generate_private_key()))
    now = block_time(w3)
    lab = data_class_id("laboratory")
    request = GrantRequest(
        Action.ACCESS, Purpose.TREAT, start=now, end=now + timedelta(days=1), grantee=provider,
        targets=(lab,),
    )  # fmt: skip
    _, consent_id = mine.consent.grant(patient, request)
    salt = b"\x05" * 32
    mine.consent.anchor_record(patient, salt, (lab,), b"\x01" * 36, b"\x02" * 32, b"\x03" * 36)
    record = record_id_of(patient, patient, salt)
    doctor = own_chain.suite("provider").consent
    for _ in range(3):
        doctor.log_access(patient, record, Purpose.TREAT, consent_id)
    doctor.open_break_glass(patient, "unconscious", timedelta(hours=1))
    doctor.log_access(patient, record, Purpose.ETREAT, 0)
    doctor.close_break_glass(patient)
    mine.consent.erase_record(record)
    store = index_once(own_chain, new_index())
    try:
        from_chain = mine.consent
        from_index = ConsentRegistryClient(w3, from_chain.address, logs=IndexedLogs(store))
        expected = accounting_of_disclosures(from_chain, patient)
        assert [line.event for line in expected] == [
            "access", "access", "access", "break-glass-opened", "access", "break-glass-closed",
            "erased",
        ]  # fmt: skip
        assert accounting_of_disclosures(from_index, patient) == expected
        # From a block on, as the chain path reads it.
        later = w3.eth.block_number - 2
        assert accounting_of_disclosures(from_index, patient, later) == accounting_of_disclosures(
            from_chain, patient, later
        )
        # An index without some blocks' times (one migrated from version 1) dates them by the
        # node, to the same answer.
        with store.engine.begin() as conn:
            conn.execute(schema.block_times.delete())
        assert accounting_of_disclosures(from_index, patient) == expected
    finally:
        store.close()
