"""Wrap a record version's data key for each reader, and the JSON key bundle that carries them.

The construction follows RFC 9180 (HPKE, base mode) in spirit, from cryptography's primitives:

1. a fresh ephemeral X25519 key pair per wrap;
2. ECDH between the ephemeral private key and the reader's published public key;
3. HKDF-SHA256 (no salt) over the shared secret, with ``info`` = :data:`SUITE` followed by the
   fixed-width fields record id (32) || owner (20) || version (uint256, 32) || reader address
   (20) || ephemeral public key (32) || reader public key (32);
4. ChaCha20-Poly1305 under the derived key and a random 96-bit nonce seals the 32-byte data key.

Binding the record version, the reader's address and both public keys into the derived key (as
HPKE's key schedule does with its KEM context) means a wrap copied into another record's bundle,
relabelled with another reader's address, or opened with another key fails authentication.

The wraps of one record version are published on IPFS as a :class:`KeyBundle` JSON document;
the patient's own wrap is always in it, otherwise the patient could not read their own record.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hygeia.core.errors import InvalidInputError, KeyUnwrapError, MalformedEnvelopeError
from hygeia.records.envelope import DATA_KEY_SIZE, RecordRef
from hygeia.records.keys import PUBLIC_KEY_SIZE, load_public_key, public_key_bytes

SUITE = "hygeia/keywrap/v1/X25519-HKDF-SHA256-ChaCha20Poly1305"
BUNDLE_FORMAT = "hygeia/keybundle/v1"
NONCE_SIZE = 12
SEALED_KEY_SIZE = DATA_KEY_SIZE + 16
ADDRESS_SIZE = 20


@dataclass(frozen=True)
class WrappedKey:
    """A record version's data key sealed to one reader."""

    reader: bytes
    ephemeral_public_key: bytes
    nonce: bytes
    sealed_key: bytes

    def __post_init__(self) -> None:
        _check_size("reader address", self.reader, ADDRESS_SIZE)
        _check_size("ephemeral public key", self.ephemeral_public_key, PUBLIC_KEY_SIZE)
        _check_size("nonce", self.nonce, NONCE_SIZE)
        _check_size("sealed key", self.sealed_key, SEALED_KEY_SIZE)

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form: every field as 0x-prefixed lowercase hex."""
        return {
            "reader": _hex(self.reader),
            "ephemeralPublicKey": _hex(self.ephemeral_public_key),
            "nonce": _hex(self.nonce),
            "sealedKey": _hex(self.sealed_key),
        }

    @classmethod
    def from_dict(cls, doc: Any) -> WrappedKey:
        """Parse :meth:`to_dict` output; malformed input raises :class:`MalformedEnvelopeError`."""
        fields = _exact_object(
            doc, "wrapped key", {"reader", "ephemeralPublicKey", "nonce", "sealedKey"}
        )
        return cls(
            reader=_unhex(fields["reader"], ADDRESS_SIZE, "reader"),
            ephemeral_public_key=_unhex(
                fields["ephemeralPublicKey"], PUBLIC_KEY_SIZE, "ephemeralPublicKey"
            ),
            nonce=_unhex(fields["nonce"], NONCE_SIZE, "nonce"),
            sealed_key=_unhex(fields["sealedKey"], SEALED_KEY_SIZE, "sealedKey"),
        )


def wrap_data_key(
    data_key: bytes, ref: RecordRef, reader: bytes, reader_public_key: bytes
) -> WrappedKey:
    """Seal ``data_key`` so that only the holder of ``reader_public_key``'s private key opens it.

    ``reader`` is the reader's 20-byte address and ``reader_public_key`` the raw 32-byte X25519
    key they published on chain.
    """
    _check_size("data key", data_key, DATA_KEY_SIZE)
    _check_size("reader address", reader, ADDRESS_SIZE)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_key_bytes(ephemeral)
    try:
        shared = ephemeral.exchange(load_public_key(reader_public_key))
    except ValueError:  # OpenSSL refuses the all-zero secret of a low-order point
        raise InvalidInputError("reader public key is not a usable X25519 key") from None
    nonce = os.urandom(NONCE_SIZE)
    key = _derive_key(shared, ref, reader, ephemeral_public, reader_public_key)
    return WrappedKey(
        reader=reader,
        ephemeral_public_key=ephemeral_public,
        nonce=nonce,
        sealed_key=ChaCha20Poly1305(key).encrypt(nonce, data_key, None),
    )


def unwrap_data_key(
    wrapped: WrappedKey, reader_private_key: X25519PrivateKey, ref: RecordRef
) -> bytes:
    """Open a wrap with the reader's private key, returning the 32-byte data key.

    Raises :class:`KeyUnwrapError` if the wrap was not made for this key and record version,
    or was tampered with.
    """
    try:
        shared = reader_private_key.exchange(load_public_key(wrapped.ephemeral_public_key))
    except ValueError:
        raise KeyUnwrapError("wrapped key has an unusable ephemeral public key") from None
    key = _derive_key(
        shared,
        ref,
        wrapped.reader,
        wrapped.ephemeral_public_key,
        public_key_bytes(reader_private_key),
    )
    try:
        return ChaCha20Poly1305(key).decrypt(wrapped.nonce, wrapped.sealed_key, None)
    except InvalidTag:
        raise KeyUnwrapError(
            "wrapped key did not open: not addressed to this reader key or record version, "
            "or tampered with"
        ) from None


@dataclass(frozen=True)
class KeyBundle:
    """All wraps of one record version's data key, one per reader, the owner's included.

    Invariants, checked on construction: one wrap per reader, and a wrap for ``ref.owner``.
    """

    ref: RecordRef
    wrapped_keys: tuple[WrappedKey, ...]

    def __post_init__(self) -> None:
        readers = [w.reader for w in self.wrapped_keys]
        if len(set(readers)) != len(readers):
            raise InvalidInputError("key bundle has more than one wrapped key for a reader")
        if self.ref.owner not in readers:
            raise InvalidInputError("key bundle has no wrapped key for the record owner")

    def for_reader(self, reader: bytes) -> WrappedKey | None:
        """The wrap addressed to ``reader`` (20-byte address), or None if they were not granted."""
        return next((w for w in self.wrapped_keys if w.reader == reader), None)

    def to_json(self) -> bytes:
        """Stable UTF-8 JSON: sorted keys, no whitespace, wraps ordered by reader address."""
        doc = {
            "format": BUNDLE_FORMAT,
            "suite": SUITE,
            "recordId": _hex(self.ref.record_id),
            "owner": _hex(self.ref.owner),
            "version": self.ref.version,
            "keys": [w.to_dict() for w in sorted(self.wrapped_keys, key=lambda w: w.reader)],
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> KeyBundle:
        """Parse a bundle document; anything malformed raises :class:`MalformedEnvelopeError`."""
        try:
            doc = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MalformedEnvelopeError("key bundle is not valid UTF-8 JSON") from None
        fields = _exact_object(
            doc, "key bundle", {"format", "suite", "recordId", "owner", "version", "keys"}
        )
        if fields["format"] != BUNDLE_FORMAT or fields["suite"] != SUITE:
            raise MalformedEnvelopeError("key bundle has an unsupported format or suite")
        if not isinstance(fields["keys"], list):
            raise MalformedEnvelopeError("key bundle 'keys' must be a list")
        try:
            return cls(
                ref=RecordRef(
                    record_id=_unhex(fields["recordId"], 32, "recordId"),
                    owner=_unhex(fields["owner"], ADDRESS_SIZE, "owner"),
                    version=fields["version"],
                ),
                wrapped_keys=tuple(WrappedKey.from_dict(k) for k in fields["keys"]),
            )
        except InvalidInputError as exc:
            raise MalformedEnvelopeError(str(exc)) from None


def build_key_bundle(
    data_key: bytes,
    ref: RecordRef,
    owner_public_key: bytes,
    readers: Mapping[bytes, bytes] | None = None,
) -> KeyBundle:
    """Wrap ``data_key`` for the owner and for each reader (address -> raw public key).

    The owner's public key is a required argument so a bundle the patient cannot open is never
    built. A reader entry for the owner's own address is refused as ambiguous.
    """
    others = dict(readers or {})
    if ref.owner in others:
        raise InvalidInputError("pass the owner's key as owner_public_key, not among readers")
    recipients = {ref.owner: owner_public_key, **others}
    wraps = (wrap_data_key(data_key, ref, addr, pub) for addr, pub in sorted(recipients.items()))
    return KeyBundle(ref=ref, wrapped_keys=tuple(wraps))


def _derive_key(
    shared: bytes, ref: RecordRef, reader: bytes, ephemeral_public: bytes, reader_public: bytes
) -> bytes:
    info = SUITE.encode() + ref.encode() + reader + ephemeral_public + reader_public
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _check_size(what: str, value: bytes, size: int) -> None:
    if len(value) != size:
        raise InvalidInputError(f"{what} must be {size} bytes, got {len(value)}")


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _unhex(value: Any, size: int, field: str) -> bytes:
    if not isinstance(value, str) or not re.fullmatch(f"0x[0-9a-fA-F]{{{2 * size}}}", value):
        raise MalformedEnvelopeError(f"'{field}' must be 0x-prefixed hex of {size} bytes")
    return bytes.fromhex(value[2:])


def _exact_object(doc: Any, what: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(doc, dict) or set(doc) != keys:
        raise MalformedEnvelopeError(f"{what} must be a JSON object with exactly: {sorted(keys)}")
    return doc
