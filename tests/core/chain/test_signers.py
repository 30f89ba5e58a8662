from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from web3 import Web3

from hygeia.core.chain import DEV_ACCOUNT_NAMES, KeySigner, dev_signer, keystore_signer
from hygeia.core.errors import AccountError

KEY = "0x" + "11" * 32


@pytest.fixture
def keystore(tmp_path: Path) -> Path:
    path = tmp_path / "deployer.json"
    path.write_text(json.dumps(Account.encrypt(KEY, "correct horse")))
    return path


def test_keystore_signer_decrypts_with_the_right_password(keystore: Path) -> None:
    signer = keystore_signer(keystore, "correct horse")
    assert isinstance(signer, KeySigner)
    assert signer.address == Account.from_key(KEY).address


def test_keystore_signer_raises_account_error_for_a_wrong_password(keystore: Path) -> None:
    with pytest.raises(AccountError, match="wrong password"):
        keystore_signer(keystore, "wrong")


def test_keystore_signer_raises_account_error_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AccountError, match="not found"):
        keystore_signer(tmp_path / "absent.json", "x")


@pytest.mark.parametrize("content", ["not json", '{"address": "00"}', "[]"])
def test_keystore_signer_raises_account_error_for_a_file_that_is_not_a_keystore(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(AccountError):
        keystore_signer(path, "x")


def test_dev_signer_resolves_names_indexes_and_addresses(w3: Web3) -> None:
    accounts = w3.eth.accounts
    for index, name in enumerate(DEV_ACCOUNT_NAMES):
        assert dev_signer(w3, name).address == accounts[index]
        assert dev_signer(w3, index).address == accounts[index]
        assert dev_signer(w3, str(index)).address == accounts[index]
    assert dev_signer(w3, accounts[3].lower()).address == accounts[3]


def test_dev_signer_rejects_an_unknown_name(w3: Web3) -> None:
    with pytest.raises(AccountError, match="unknown dev account 'nurse'"):
        dev_signer(w3, "nurse")


def test_dev_signer_rejects_an_address_the_node_does_not_unlock(w3: Web3) -> None:
    with pytest.raises(AccountError, match="not an unlocked account"):
        dev_signer(w3, Account.from_key(KEY).address)


def test_dev_signer_rejects_an_index_beyond_the_node_accounts(w3: Web3) -> None:
    with pytest.raises(AccountError, match="does not exist"):
        dev_signer(w3, 99)
