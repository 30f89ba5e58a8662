"""Participants' X25519 encryption keys: publication form and the password-protected key file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hygeia.core.errors import AccountError, EncryptionKeyPasswordError, InvalidInputError
from hygeia.records import (
    generate_private_key,
    load_private_key,
    load_public_key,
    public_key_bytes,
    save_private_key,
)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_public_key_bytes_are_the_raw_32_bytes_of_the_private_keys_public_half() -> None:
    key = generate_private_key()
    raw = public_key_bytes(key)
    assert len(raw) == 32
    assert raw == public_key_bytes(key.public_key())
    assert public_key_bytes(load_public_key(raw)) == raw


def test_load_public_key_rejects_anything_but_32_bytes() -> None:
    with pytest.raises(InvalidInputError, match="32 bytes"):
        load_public_key(b"\x01" * 33)


def test_a_saved_key_loads_back_with_the_right_password(tmp_path: Path) -> None:
    key = generate_private_key()
    path = tmp_path / "encryption.pem"
    save_private_key(key, path, PASSWORD)
    assert public_key_bytes(load_private_key(path, PASSWORD)) == public_key_bytes(key)
    assert public_key_bytes(load_private_key(path, PASSWORD.encode())) == public_key_bytes(key)


def test_the_key_file_is_an_encrypted_pkcs8_pem(tmp_path: Path) -> None:
    path = tmp_path / "encryption.pem"
    save_private_key(generate_private_key(), path, PASSWORD)
    assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


@pytest.mark.usefixtures("permissive_umask")
def test_the_key_file_is_readable_by_its_owner_only_even_with_a_permissive_umask(
    tmp_path: Path,
) -> None:
    path = tmp_path / "encryption.pem"
    save_private_key(generate_private_key(), path, PASSWORD)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_loading_with_a_wrong_password_raises_a_named_account_error(tmp_path: Path) -> None:
    path = tmp_path / "encryption.pem"
    save_private_key(generate_private_key(), path, PASSWORD)
    with pytest.raises(EncryptionKeyPasswordError, match="wrong password") as caught:
        load_private_key(path, "Tr0ub4dor&3")
    assert isinstance(caught.value, AccountError)
    assert "Tr0ub4dor" not in str(caught.value)


def test_saving_never_overwrites_an_existing_key_file(tmp_path: Path) -> None:
    path = tmp_path / "encryption.pem"
    save_private_key(generate_private_key(), path, PASSWORD)
    before = path.read_bytes()
    with pytest.raises(AccountError, match="refusing to overwrite"):
        save_private_key(generate_private_key(), path, PASSWORD)
    assert path.read_bytes() == before


def test_loading_a_missing_key_file_raises_account_error(tmp_path: Path) -> None:
    with pytest.raises(AccountError, match="cannot read key file"):
        load_private_key(tmp_path / "absent.pem", PASSWORD)


def test_an_unencrypted_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.pem"
    path.write_bytes(
        generate_private_key().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(AccountError, match="not a password-encrypted key file"):
        load_private_key(path, PASSWORD)


def test_a_key_file_of_another_algorithm_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ed25519.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )
    )
    with pytest.raises(AccountError, match="not an X25519 key"):
        load_private_key(path, PASSWORD)


def test_an_empty_password_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="must not be empty"):
        save_private_key(generate_private_key(), tmp_path / "encryption.pem", "")
    assert not (tmp_path / "encryption.pem").exists()
