"""Records end to end on a real chain and store: put, get, amend, history, sharing under consent,
revocation, break-glass, erasure, and every way a read must fail loudly."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hygeia.consent.client import GrantRequest, data_class_id, new_record_salt, record_id_of
from hygeia.consent.disclosures import accounting_of_disclosures
from hygeia.core.contract_types import Action, Purpose
from hygeia.core.errors import (
    AccessDeniedError,
    ContractRevertError,
    EncryptionKeyMissingError,
    IntegrityError,
    InvalidInputError,
    InvalidRecordError,
    KeyNotSharedError,
    KeyUnwrapError,
    RecordErasedError,
    StoreUnavailableError,
)
from hygeia.core.store import KuboStore, LocalStore
from hygeia.records import (
    RecordRef,
    build_key_bundle,
    ciphertext_digest,
    encrypt_record,
    generate_private_key,
    validate_fhir,
)
from hygeia.records.classes import class_ids, record_classes
from hygeia.records.envelope import embedded_bundle
from hygeia.records.keywrap import KeyBundle
from hygeia.records.manifests import address_bytes, cid_bytes, cid_text
from hygeia.records.vault import RecordVault
from tests.records.samples import CONDITION, GLUCOSE, glucose
from tests.records.world import World
from tests.support import free_port

DAY = timedelta(days=1)


@pytest.fixture
def lab(world: World) -> str:
    """A data class of this test's own, so consents of other tests never match its records."""
    return f"laboratory-{uuid.uuid4().hex[:8]}"


def permit(
    world: World, grantee: str, *targets: bytes, days: int = 30, **kw: object
) -> GrantRequest:
    now = world.now()
    fields: dict[str, object] = {
        "actions": Action.ACCESS,
        "purposes": Purpose.TREAT,
        "start": now,
        "end": now + days * DAY,
        "grantee": world.address(grantee),
        "targets": targets,
    }
    fields.update(kw)
    return GrantRequest(**fields)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ put and get


def test_the_patient_stores_a_record_and_reads_it_back(world: World, lab: str) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, json.dumps(GLUCOSE), data_class=lab)

    opened = world.vault("patient").get(stored.record_id)

    assert opened.record.resource == GLUCOSE
    assert (opened.version, opened.patient, opened.access_logged_in) == (1, patient, None)
    assert stored.readers == ()
    state = world.suite("patient").consent.record_of(stored.record_id)
    assert (state.patient, state.latest_version, state.erased) == (patient, 1, False)
    assert state.data_classes == tuple(data_class_id(c) for c in ("Observation", "laboratory", lab))


def test_a_version_is_one_stored_file_that_carries_its_key_bundle(world: World, lab: str) -> None:
    patient = world.address("patient")
    vault = world.vault("patient")
    before = set(world.store.pins())

    stored = vault.put(patient, glucose(90), data_class=lab)
    amended = vault.amend(stored.record_id, glucose(91))

    assert set(world.store.pins()) - before == {stored.cid, amended.cid}
    for version in (stored, amended):
        assert version.key_bundle_cid == version.cid
        carried = embedded_bundle(world.store.cat(version.cid))
        assert carried is not None
        assert KeyBundle.from_json(carried).for_reader(address_bytes(patient)) is not None
    assert vault.get(stored.record_id).record.resource["valueQuantity"]["value"] == 91


def anchor_as_two_files(world: World, lab: str, value: int) -> tuple[bytes, str, str]:
    """As versions were written before envelopes carried their key bundle: a format 1 envelope
    of the patient's glucose `value` beside its key bundle document, anchored by the patient;
    -> (record id, envelope CID, key bundle CID)."""
    patient = world.address("patient")
    payload = glucose(value)
    salt = new_record_salt()
    record_id = record_id_of(patient, patient, salt)
    ref = RecordRef(record_id, address_bytes(patient), 1)
    sealed = encrypt_record(payload, ref)
    bundle = build_key_bundle(sealed.data_key, ref, world.vault("patient").public_key_of(patient))
    cid, bundle_cid = world.store.add_all([sealed.blob, bundle.to_json()])
    classes = class_ids(record_classes(validate_fhir(payload).resource, [lab]))
    digest = ciphertext_digest(sealed.blob)
    world.suite("patient").consent.anchor_record(
        patient, salt, classes, cid_bytes(cid), digest, cid_bytes(bundle_cid)
    )
    return record_id, cid, bundle_cid


def test_a_version_stored_as_envelope_and_key_bundle_apart_reads_shares_and_erases(
    world: World, lab: str
) -> None:
    """Records written as two files (a format 1 envelope beside its key bundle document) stay
    readable, shareable and erasable."""
    patient = world.address("patient")
    vault = world.vault("patient")
    record_id, cid, bundle_cid = anchor_as_two_files(world, lab, 88)

    assert vault.get(record_id).record.resource["valueQuantity"]["value"] == 88
    world.consents("patient").grant(patient, permit(world, "specialist", data_class_id(lab)))
    assert world.vault("specialist").get(record_id).version == 1
    report = vault.erase(record_id)
    assert {cid, bundle_cid} <= set(report.unpinned) and report.kept == ()
    assert not world.store.has(cid) and not world.store.has(bundle_cid)


def test_erasing_without_a_key_keeps_a_format_1_envelope_it_cannot_show_is_its_own(
    world: World, lab: str
) -> None:
    """A format 1 envelope names no record version in the clear; only decrypting it shows whose
    it is. Without the key, erasure unpins the key bundle (the data key's only wraps) and keeps
    the ciphertext, saying so."""
    record_id, cid, bundle_cid = anchor_as_two_files(world, lab, 87)
    keyless = RecordVault(world.suite("patient"), world.store)

    report = keyless.erase(record_id)

    assert (report.unpinned, report.kept) == ((bundle_cid,), (cid,))
    assert not world.store.has(bundle_cid) and world.store.has(cid)


def test_a_record_is_filed_under_its_fhir_resource_type_first(world: World) -> None:
    stored = world.vault("patient").put(world.address("patient"), CONDITION)
    assert stored.data_class == "Condition"
    state = world.suite("patient").consent.record_of(stored.record_id)
    assert state.data_classes[0] == data_class_id("Condition")
    assert state.data_classes == tuple(data_class_id(c) for c in stored.data_classes)


def test_an_invalid_fhir_payload_is_refused_before_anything_is_stored(world: World) -> None:
    pins_before = world.store.pins()
    with pytest.raises(InvalidRecordError, match="Observation"):
        world.vault("patient").put(world.address("patient"), {"resourceType": "Observation"})
    assert world.store.pins() == pins_before


def test_writing_for_a_patient_without_a_published_key_is_refused(world: World) -> None:
    with pytest.raises(EncryptionKeyMissingError):
        world.vault("patient").put(world.address("manufacturer"), GLUCOSE)


# ------------------------------------------------------------------------------ sharing


def test_a_specialist_granted_treat_access_to_a_class_reads_it_and_the_read_is_logged(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    grant = world.consents("patient").grant(
        patient, permit(world, "specialist", data_class_id(lab))
    )
    assert grant.records_shared == 1

    opened = world.vault("specialist").get(stored.record_id)

    assert opened.record.resource == GLUCOSE
    assert opened.access_logged_in is not None
    trail = accounting_of_disclosures(world.suite("patient").consent, patient)
    mine = [d for d in trail if d.tx_hash == opened.access_logged_in]
    assert len(mine) == 1
    assert (mine[0].actor, mine[0].purpose, mine[0].consent_id) == (
        world.address("specialist"),
        "TREAT",
        str(grant.consent_id),
    )


def test_a_record_written_after_the_grant_is_wrapped_for_the_grantee(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    world.consents("patient").grant(patient, permit(world, "specialist", data_class_id(lab)))

    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)

    assert stored.readers == (world.address("specialist"),)
    assert world.vault("specialist").get(stored.record_id).record.resource == GLUCOSE


def test_an_unauthorised_party_is_refused_and_nothing_is_logged(world: World, lab: str) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    world.consents("patient").grant(patient, permit(world, "specialist", data_class_id(lab)))
    trail_before = accounting_of_disclosures(world.suite("patient").consent, patient)

    with pytest.raises(AccessDeniedError) as refused:
        world.vault("insurer").get(stored.record_id)

    assert refused.value.reason == "NO_PERMIT"
    assert accounting_of_disclosures(world.suite("patient").consent, patient) == trail_before


def test_a_grant_for_another_purpose_does_not_open_the_record(world: World, lab: str) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    world.consents("patient").grant(patient, permit(world, "specialist", data_class_id(lab)))
    with pytest.raises(AccessDeniedError, match="HRESCH"):
        world.vault("specialist").get(stored.record_id, purpose=Purpose.HRESCH)


def test_a_consent_that_ran_out_no_longer_opens_the_record(world: World, lab: str) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    world.consents("patient").grant(patient, permit(world, "specialist", stored.record_id, days=1))
    world.advance(2 * DAY)
    with pytest.raises(AccessDeniedError) as refused:
        world.vault("specialist").get(stored.record_id)
    assert refused.value.reason == "EXPIRED"


def test_a_reader_with_the_wrong_private_key_gets_a_key_unwrap_error(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    world.consents("patient").grant(patient, permit(world, "specialist", data_class_id(lab)))
    with pytest.raises(KeyUnwrapError):
        world.vault("specialist", key=generate_private_key()).get(stored.record_id)


# ------------------------------------------------------------------------------ revocation


def test_after_revocation_the_grantee_is_refused_and_later_versions_carry_no_key_for_it(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    vault = world.vault("patient")
    stored = vault.put(patient, glucose(97), data_class=lab)
    consents = world.consents("patient")
    grant = consents.grant(patient, permit(world, "specialist", data_class_id(lab)))
    world.vault("specialist").get(stored.record_id)

    consents.revoke(patient, grant.consent_id)
    amended = vault.amend(stored.record_id, glucose(140))

    with pytest.raises(AccessDeniedError) as refused:
        world.vault("specialist").get(stored.record_id)
    assert refused.value.reason == "REVOKED"
    assert amended.readers == ()
    assert amended.key_bundle_cid == amended.cid  # the version is one file, its bundle inside
    carried = embedded_bundle(world.store.cat(amended.cid))
    assert carried is not None
    bundle = KeyBundle.from_json(carried)
    assert bundle.for_reader(bytes.fromhex(world.address("specialist")[2:])) is None
    listed = {c.consent_id: c for c in consents.list(patient)}
    assert listed[grant.consent_id].status(world.now()) == "revoked"


def test_revoking_twice_is_refused(world: World, lab: str) -> None:
    patient = world.address("patient")
    consents = world.consents("patient")
    grant = consents.grant(patient, permit(world, "specialist", data_class_id(lab)))
    consents.revoke(patient, grant.consent_id)
    with pytest.raises(InvalidInputError, match="already revoked"):
        consents.revoke(patient, grant.consent_id)


# ------------------------------------------------------------------------------ amend and history


def test_an_amendment_adds_a_version_and_history_keeps_both(world: World, lab: str) -> None:
    patient = world.address("patient")
    vault = world.vault("patient")
    stored = vault.put(patient, glucose(97), data_class=lab)

    amended = vault.amend(stored.record_id, glucose(101))

    assert amended.version == 2
    assert json.loads(glucose(101)) == vault.get(stored.record_id).record.resource
    assert json.loads(glucose(97)) == vault.get(stored.record_id, version=1).record.resource
    state, versions = vault.history(stored.record_id)
    assert state.latest_version == 2
    assert [(v.version, v.previous_version) for v in versions] == [(1, 0), (2, 1)]
    assert [cid_text(v.cid) for v in versions] == [stored.cid, amended.cid]


def test_a_provider_with_a_collect_consent_writes_a_record_the_patient_can_read(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    world.consents("patient").grant(
        patient, permit(world, "provider", data_class_id(lab), actions=Action.COLLECT)
    )

    stored = world.vault("provider").put(patient, GLUCOSE, data_class=lab)

    assert stored.readers == (world.address("provider"),)
    assert world.vault("patient").get(stored.record_id).record.resource == GLUCOSE


def test_a_provider_without_consent_cannot_write_for_the_patient_and_leaves_no_pin(
    world: World, lab: str
) -> None:
    pins_before = world.store.pins()
    with pytest.raises(ContractRevertError, match="ConsentRegistryAccessDenied"):
        world.vault("provider").put(world.address("patient"), GLUCOSE, data_class=lab)
    assert world.store.pins() == pins_before


# ------------------------------------------------------------------------------ break-glass


def test_break_glass_opens_a_record_to_a_provider_who_once_held_its_keys_and_is_on_the_trail(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    world.consents("patient").grant(patient, permit(world, "provider", stored.record_id, days=1))
    world.advance(2 * DAY)
    with pytest.raises(AccessDeniedError):
        world.vault("provider").get(stored.record_id, purpose=Purpose.ETREAT)

    world.suite("provider").consent.open_break_glass(
        patient, "unconscious in ED", timedelta(hours=1)
    )
    opened = world.vault("provider").get(stored.record_id, purpose=Purpose.ETREAT)

    assert opened.record.resource == GLUCOSE
    trail = accounting_of_disclosures(world.suite("patient").consent, patient)
    kinds = [(d.event, d.actor) for d in trail if d.actor == world.address("provider")]
    assert ("break-glass-opened", world.address("provider")) in kinds
    read = [d for d in trail if d.tx_hash == opened.access_logged_in]
    assert (read[0].purpose, read[0].consent_id) == ("ETREAT", "0")
    world.suite("provider").consent.close_break_glass(patient)


def test_break_glass_without_keys_logs_the_read_but_cannot_decrypt(world: World, lab: str) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE, data_class=lab)
    world.suite("specialist").consent.open_break_glass(
        patient, "cardiac arrest", timedelta(minutes=10)
    )
    try:
        with pytest.raises(KeyNotSharedError):
            world.vault("specialist").get(stored.record_id, purpose=Purpose.ETREAT)
    finally:
        world.suite("specialist").consent.close_break_glass(patient)


# ------------------------------------------------------------------------------ erasure


def test_erasure_shreds_the_record_its_keys_and_the_grantees_key_bundles(
    world: World, lab: str
) -> None:
    patient = world.address("patient")
    vault = world.vault("patient")
    stored = vault.put(patient, GLUCOSE, data_class=lab)
    grant = world.consents("patient").grant(
        patient, permit(world, "specialist", data_class_id(lab))
    )
    assert grant.key_manifest_cid is not None

    report = vault.erase(stored.record_id)

    assert stored.key_bundle_cid == stored.cid  # its own key bundle is inside the envelope
    assert stored.cid in report.unpinned
    assert len(report.unpinned) == 2  # the envelope, the grantee's key bundle
    for cid in report.unpinned:
        assert not world.store.has(cid)
    assert world.store.has(grant.key_manifest_cid)  # other records' keys stay shared
    with pytest.raises(RecordErasedError):
        vault.get(stored.record_id)
    with pytest.raises(RecordErasedError):
        world.vault("specialist").get(stored.record_id)
    with pytest.raises(RecordErasedError):
        vault.amend(stored.record_id, GLUCOSE)
    again = vault.erase(stored.record_id)  # sends nothing: finishes what is left, here nothing
    assert again.tx_hash is None and again.kept == ()
    assert not set(again.unpinned) & set(world.store.pins())


# ------------------------------------------------------------------------------ bad content


class LyingStore:
    """A store that serves other bytes than those asked for, without checking CIDs."""

    def __init__(self, inner: LocalStore, replace: dict[str, bytes]) -> None:
        self.inner, self.replace = inner, replace

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def cat(self, cid: str) -> bytes:
        return self.replace.get(cid) or self.inner.cat(cid)


@pytest.mark.parametrize("how", ["tampered", "truncated", "swapped"])
def test_a_tampered_truncated_or_swapped_envelope_is_an_integrity_error(
    world: World, lab: str, how: str
) -> None:
    patient = world.address("patient")
    vault = world.vault("patient")
    stored = vault.put(patient, glucose(97), data_class=lab)
    other = vault.put(patient, glucose(98), data_class=lab)
    blob = world.store.cat(stored.cid)
    served = {
        "tampered": blob[:-1] + bytes([blob[-1] ^ 1]),
        "truncated": blob[: len(blob) // 2],
        "swapped": world.store.cat(other.cid),
    }[how]
    liar = RecordVault(
        world.suite("patient"),
        LyingStore(world.store, {stored.cid: served}),  # type: ignore[arg-type]
        world.keys["patient"],
    )
    with pytest.raises(IntegrityError):
        liar.get(stored.record_id)


def test_a_block_altered_on_disk_is_caught_by_the_store(
    world: World, lab: str, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    vault = RecordVault(world.suite("patient"), store, world.keys["patient"])
    stored = vault.put(world.address("patient"), GLUCOSE, data_class=lab)
    links = (tmp_path / "store").glob("dags/*")  # the envelope's and the key bundle's
    (pack,) = {path.stat().st_ino: path for path in links}.values()  # one pack for both
    data = bytearray(pack.read_bytes())
    data[data.index(b"HYGR") + 20] ^= 1  # a ciphertext byte of the envelope
    pack.write_bytes(data)
    with pytest.raises(IntegrityError):
        vault.get(stored.record_id)


@pytest.fixture
def dead_ipfs() -> Iterator[KuboStore]:
    store = KuboStore(f"http://127.0.0.1:{free_port()}", timeout=1.0)
    yield store
    store.close()


def test_a_dead_ipfs_node_is_a_clear_error_and_nothing_is_anchored(
    world: World, lab: str, dead_ipfs: KuboStore
) -> None:
    patient = world.address("patient")
    before = len(world.suite("patient").consent.anchors(patient=patient))
    vault = RecordVault(world.suite("patient"), dead_ipfs, world.keys["patient"])
    with pytest.raises(StoreUnavailableError):
        vault.put(patient, GLUCOSE, data_class=lab)
    assert len(world.suite("patient").consent.anchors(patient=patient)) == before
