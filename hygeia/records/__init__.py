"""Records: patients' encrypted FHIR records on a content store, anchored on the chain, and the
keys to them shared under consent.

- Client-side crypto (envelope, keywrap, keys, fhir): nothing there talks to the chain or IPFS.
- The vault (RecordVault: put, get, amend, history, erase), the key policy (who gets a record's
  data key), key manifests, and consents with their keys (ConsentManager: grant, sign, relay,
  revoke, share keys).

Flow for one record version: :func:`validate_fhir` the payload, :func:`seal_record` it under a
fresh data key (or :func:`encrypt_record` it, the same blob in one buffer), with
:func:`build_key_bundle` wrapping that key for the owner and each reader into the blob's header;
store the blob as one file and publish its :func:`ciphertext_digest`. A reader finds their wrap
in the bundle (:func:`embedded_bundle`), :func:`unwrap_data_key` and :func:`decrypt_record`.
"""

from hygeia.records.envelope import (
    EncryptedRecord,
    RecordRef,
    SealedRecord,
    ciphertext_digest,
    decrypt_record,
    embedded_bundle,
    encrypt_record,
    seal_record,
    verify_digest,
)
from hygeia.records.fhir import ValidatedRecord, validate_fhir
from hygeia.records.keys import (
    generate_private_key,
    load_private_key,
    load_public_key,
    public_key_bytes,
    save_private_key,
)
from hygeia.records.keywrap import (
    KeyBundle,
    WrappedKey,
    build_key_bundle,
    unwrap_data_key,
    wrap_data_key,
)

__all__ = [
    "EncryptedRecord",
    "KeyBundle",
    "RecordRef",
    "SealedRecord",
    "ValidatedRecord",
    "WrappedKey",
    "build_key_bundle",
    "ciphertext_digest",
    "decrypt_record",
    "embedded_bundle",
    "encrypt_record",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "public_key_bytes",
    "save_private_key",
    "seal_record",
    "unwrap_data_key",
    "validate_fhir",
    "verify_digest",
    "wrap_data_key",
]
