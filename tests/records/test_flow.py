"""One record version end to end, as the SDK will run it, with IPFS and the chain left out."""

from __future__ import annotations

import json
from pathlib import Path

from hygeia.records import (
    KeyBundle,
    build_key_bundle,
    ciphertext_digest,
    decrypt_record,
    encrypt_record,
    generate_private_key,
    load_private_key,
    public_key_bytes,
    save_private_key,
    unwrap_data_key,
    validate_fhir,
    verify_digest,
)
from tests.records.sample_refs import READER_1, REF
from tests.records.test_fhir import OBSERVATION


def test_a_reader_opens_a_record_from_the_published_blob_digest_and_key_bundle(
    tmp_path: Path,
) -> None:
    patient_key, doctor_key = generate_private_key(), generate_private_key()
    save_private_key(doctor_key, tmp_path / "doctor.pem", "doctor's password")

    payload = json.dumps(OBSERVATION).encode()
    validate_fhir(payload)
    sealed = encrypt_record(payload, REF)
    on_chain_digest = ciphertext_digest(sealed.blob)
    bundle_document = build_key_bundle(
        sealed.data_key,
        REF,
        public_key_bytes(patient_key),
        {READER_1: public_key_bytes(doctor_key)},
    ).to_json()

    verify_digest(sealed.blob, on_chain_digest)
    bundle = KeyBundle.from_json(bundle_document)
    wrapped = bundle.for_reader(READER_1)
    assert wrapped is not None
    data_key = unwrap_data_key(
        wrapped, load_private_key(tmp_path / "doctor.pem", "doctor's password"), bundle.ref
    )
    record = validate_fhir(decrypt_record(sealed.blob, data_key, bundle.ref))
    assert record.resource == OBSERVATION
