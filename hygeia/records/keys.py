"""Participants' X25519 record-encryption keys: generate, publish, store on disk.

This key is separate from the participant's Ethereum account key: it only opens wrapped data
keys (see :mod:`hygeia.records.keywrap`), and its raw 32-byte public half is what a participant
publishes on chain so that patients can wrap keys for them.

On disk the private key is a password-encrypted PKCS#8 PEM (cryptography's
``BestAvailableEncryption``), created with mode 0600 and never overwritten: losing this key
loses access to every record wrapped for it, so replacing one silently would be the worst
failure this module could have.

Errors: a missing, unreadable or foreign file is an :class:`AccountError`; a wrong password is
:class:`EncryptionKeyPasswordError`, an :class:`AccountError` too, because the CLI treats it
like a wrong keystore password (ask again), not like tampered record data (a ``CryptoError``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from hygeia.core.errors import AccountError, EncryptionKeyPasswordError, InvalidInputError
from hygeia.core.files import write_owner_only

PUBLIC_KEY_SIZE = 32


def generate_private_key() -> X25519PrivateKey:
    """A new random X25519 private key for record encryption."""
    return X25519PrivateKey.generate()


def stand_in_private_key(account_key: bytes) -> X25519PrivateKey:
    """A deterministic X25519 key for an account that stands in for a party on a local chain
    (derived from its account key with a domain tag): never for real patients."""
    return X25519PrivateKey.from_private_bytes(
        hashlib.sha256(b"hygeia.stand-in.x25519" + account_key).digest()
    )


def public_key_bytes(key: X25519PrivateKey | X25519PublicKey) -> bytes:
    """The raw 32-byte public key, the form published on chain."""
    public = key.public_key() if isinstance(key, X25519PrivateKey) else key
    return public.public_bytes_raw()


def load_public_key(raw: bytes) -> X25519PublicKey:
    """Parse a raw 32-byte public key as read from chain."""
    if len(raw) != PUBLIC_KEY_SIZE:
        raise InvalidInputError(
            f"X25519 public key must be {PUBLIC_KEY_SIZE} bytes, got {len(raw)}"
        )
    return X25519PublicKey.from_public_bytes(raw)


def save_private_key(
    key: X25519PrivateKey, path: str | os.PathLike[str], password: str | bytes
) -> None:
    """Write ``key`` to a new 0600 file as password-encrypted PKCS#8 PEM.

    The file is created exclusively with its final mode, so it is never readable by others even
    briefly, and an existing key file is never replaced.
    """
    secret = _password_bytes(password)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    try:
        write_owner_only(path, pem, exclusive=True)
    except FileExistsError:
        raise AccountError(f"refusing to overwrite existing key file {os.fspath(path)}") from None


def load_private_key(path: str | os.PathLike[str], password: str | bytes) -> X25519PrivateKey:
    """Read a key file written by :func:`save_private_key`.

    Refuses unencrypted PEM files and keys of another algorithm, so a mix-up of key files is
    caught here rather than as a confusing unwrap failure later.
    """
    secret = _password_bytes(password)
    try:
        pem = Path(path).read_bytes()
    except OSError as exc:
        raise AccountError(f"cannot read key file {os.fspath(path)}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(pem, secret)
    except TypeError:  # cryptography's signal for "this PEM is not encrypted"
        raise AccountError(f"{os.fspath(path)} is not a password-encrypted key file") from None
    except ValueError:
        raise EncryptionKeyPasswordError(
            f"wrong password for key file {os.fspath(path)} (or the file is corrupted)"
        ) from None
    if not isinstance(key, X25519PrivateKey):
        raise AccountError(f"{os.fspath(path)} holds a {type(key).__name__}, not an X25519 key")
    return key


def _password_bytes(password: str | bytes) -> bytes:
    secret = password.encode() if isinstance(password, str) else password
    if not secret:
        raise InvalidInputError("key file password must not be empty")
    return secret
