"""The configuration string picks the backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from hygeia.core.errors import InvalidInputError
from hygeia.core.store import KuboStore, LocalStore, open_store


def test_local_opens_the_embedded_store_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    store = open_store("local")
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "hygeia" / "store"


def test_local_with_a_path_opens_the_embedded_store_there(tmp_path: Path) -> None:
    store = open_store(f"local:{tmp_path / 'records'}")
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "records"


def test_an_http_url_opens_the_node_rpc_api() -> None:
    store = open_store("http://127.0.0.1:5001/")
    assert isinstance(store, KuboStore)
    assert store.api_url == "http://127.0.0.1:5001"
    store.close()


@pytest.mark.parametrize("spec", ["", "local:", "ipfs", "ftp://127.0.0.1:5001"])
def test_an_unknown_spec_is_invalid_input(spec: str) -> None:
    with pytest.raises(InvalidInputError, match="unknown content store"):
        open_store(spec)
