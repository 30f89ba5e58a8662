"""The index database on both backends: URLs, the versioned schema, refusing another chain's
database, a database that refuses connections."""

from __future__ import annotations

from pathlib import Path

import pytest

from hygeia.core.errors import IndexMismatchError, IndexUnavailableError, InvalidInputError
from hygeia.index import IndexStore, default_url, schema
from hygeia.index.store import Block, LogRow
from tests.index.conftest import NewIndex
from tests.support import free_port

GENESIS = "0x" + "ab" * 32
CONTRACTS = {"ParticipantRegistry": "0x" + "11" * 20}


def _row(block: int, index: int) -> LogRow:
    return LogRow(
        block,
        "0x" + f"{block:064x}",
        index,
        "0x" + "cd" * 32,
        "ParticipantRegistry",
        CONTRACTS["ParticipantRegistry"],
        "PatientRegistered",
        "a",
        "b",
        None,
        "{}",
    )


def test_schema_is_versioned_and_migrated_once(new_index: NewIndex) -> None:
    url = new_index()
    store = IndexStore(url)
    try:
        assert store.schema_version() == 0
        store.prepare(1, GENESIS, CONTRACTS)
        assert store.schema_version() == schema.VERSION
        store.prepare(1, GENESIS, CONTRACTS)  # again: nothing to do
        assert store.schema_version() == schema.VERSION
    finally:
        store.close()


def test_a_range_is_written_whole_and_an_event_only_once(new_index: NewIndex) -> None:
    store = IndexStore(new_index())
    try:
        store.prepare(1, GENESIS, CONTRACTS)
        store.write_range(
            [Block(5, _row(5, 0).block_hash)], [_row(5, 0), _row(5, 1)], Block(9, "0x" + "09" * 32)
        )
        assert store.event_count() == 2 and store.cursor() == Block(9, "0x" + "09" * 32)
        with pytest.raises(Exception, match="(?i)unique"):  # the same (block hash, log index)
            store.write_range([], [_row(5, 1)], Block(10, "0x" + "10" * 32))
        assert store.event_count() == 2 and store.cursor() == Block(9, "0x" + "09" * 32)
        assert store.rollback_to(Block(4, "0x" + "04" * 32)) == 2
        assert store.event_count() == 0 and store.cursor() == Block(4, "0x" + "04" * 32)
    finally:
        store.close()


def test_another_chains_database_is_refused(new_index: NewIndex) -> None:
    store = IndexStore(new_index())
    try:
        store.prepare(1, GENESIS, CONTRACTS)
        with pytest.raises(IndexMismatchError, match="holds chain 1"):
            store.prepare(1, "0x" + "cd" * 32, CONTRACTS)
        with pytest.raises(IndexMismatchError, match="another deployment"):
            store.prepare(1, GENESIS, {"ParticipantRegistry": "0x" + "22" * 20})
    finally:
        store.close()


def test_a_database_that_refuses_connections_is_retried_then_named() -> None:
    store = IndexStore(f"postgresql://hygeia@127.0.0.1:{free_port()}/none", retries=2, backoff=0.01)
    with pytest.raises(IndexUnavailableError, match="refuses or lost the connection"):
        store.prepare(1, GENESIS, CONTRACTS)


def test_urls() -> None:
    assert default_url(31337) == "sqlite:///.hygeia/index/31337.sqlite"
    with pytest.raises(InvalidInputError, match="only sqlite"):
        IndexStore("mysql://x@localhost/db")
    with pytest.raises(InvalidInputError, match="not a database URL"):
        IndexStore("not a url")


def test_a_new_sqlite_index_is_its_owners_only(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "index"
    store = IndexStore(f"sqlite:///{folder / 'chain.sqlite'}")
    try:
        store.prepare(1, GENESIS, CONTRACTS)
    finally:
        store.close()
    assert folder.stat().st_mode & 0o777 == 0o700
    files = sorted(folder.iterdir())
    assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files), files
