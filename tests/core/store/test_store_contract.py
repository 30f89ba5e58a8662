"""One contract, run against the embedded store and against a real IPFS node."""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable

import pytest

from hygeia.core.errors import ContentNotFoundError, InvalidCIDError, InvalidInputError
from hygeia.core.store import ContentStore
from hygeia.core.store.unixfs import CHUNK_SIZE, file_cid
from tests.core.store.streams import PieceStream
from tests.core.store.vectors import VECTORS, Vector

MiB = 1024 * 1024


@pytest.mark.parametrize("size", [0, 1024, MiB + 7], ids=["0B", "1KiB", "1MiB+7"])
def test_add_then_cat_returns_the_same_bytes(store: ContentStore, size: int) -> None:
    data = os.urandom(size)
    assert store.cat(store.add(data)) == data


@pytest.mark.parametrize(
    "size", [0, 1, 4096, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 5, 5 * CHUNK_SIZE]
)
def test_head_returns_the_first_bytes_of_a_content_and_all_of_a_shorter_one(
    store: ContentStore, size: int
) -> None:
    data = os.urandom(3 * CHUNK_SIZE + 5)
    cid = store.add(data)
    assert store.head(cid, size) == data[:size]
    small = store.add(b"a short content")
    assert store.head(small, size) == b"a short content"[:size]


def test_head_of_a_content_of_two_levels_reads_on_into_its_second_subtree(
    store: ContentStore,
) -> None:
    """More leaves than one node links (174): the root links subtrees, not leaves."""
    data = os.urandom(175 * CHUNK_SIZE + 9)
    cid = store.add(data)
    assert store.head(cid, 174 * CHUNK_SIZE + 20) == data[: 174 * CHUNK_SIZE + 20]


def test_head_raises_as_cat_does(store: ContentStore, missing_cid: str) -> None:
    with pytest.raises(ContentNotFoundError):
        store.head(missing_cid, 10)
    with pytest.raises(InvalidCIDError):
        store.head("not-a-cid", 10)
    with pytest.raises(InvalidInputError, match="negative"):
        store.head(store.add(b"x"), -1)


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_head_reads_the_reference_contents(store: ContentStore, vector: Vector) -> None:
    store.add(vector.content)
    assert store.head(vector.cidv1_raw_leaves, 100) == vector.content[:100]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_add_returns_the_reference_cidv1_with_raw_leaves(
    store: ContentStore, vector: Vector
) -> None:
    assert store.add(vector.content) == vector.cidv1_raw_leaves


def test_add_all_returns_what_add_would_in_order_and_pins_each(store: ContentStore) -> None:
    contents = [os.urandom(MiB + 33), b"", os.urandom(700), b"twice", b"twice"]
    cids = store.add_all(contents)
    assert cids == [str(file_cid(data)) for data in contents]
    assert [store.cat(cid) for cid in cids] == contents
    assert set(cids) <= set(store.pins())


def _wide_items(data: bytes) -> memoryview:
    items = array("I")
    items.frombytes(data)
    return memoryview(items)


BYTES_LIKE: dict[str, Callable[[bytes], bytes | bytearray | memoryview]] = {
    "bytearray": bytearray,
    "memoryview": memoryview,
    "view_at_an_offset": lambda data: memoryview(b"pad" + data + b"tail")[3:-4],
    "view_of_4_byte_items": _wide_items,
}


@pytest.mark.parametrize("make", list(BYTES_LIKE.values()), ids=list(BYTES_LIKE))
def test_bytes_like_content_is_stored_as_the_same_bytes_under_the_same_cid(
    store: ContentStore, make: Callable[[bytes], bytes | bytearray | memoryview]
) -> None:
    data = os.urandom(MiB + 8)  # several chunks; a whole number of 4-byte items
    cid = store.add(make(data))
    assert cid == str(file_cid(data))
    assert store.cat(cid) == data


def test_add_all_takes_bytes_and_bytes_like_contents_together(store: ContentStore) -> None:
    contents = [os.urandom(MiB + 33), os.urandom(700), b"bundle"]
    cids = store.add_all([bytearray(contents[0]), memoryview(contents[1]), contents[2]])
    assert cids == [str(file_cid(data)) for data in contents]
    assert [store.cat(cid) for cid in cids] == contents


@pytest.mark.parametrize(
    "size", [0, 1024, CHUNK_SIZE, 3 * CHUNK_SIZE + 5], ids=["0B", "1KiB", "1chunk", "3chunks+5"]
)
def test_a_stream_is_stored_as_its_bytes_would_be_beside_bytes(
    store: ContentStore, size: int
) -> None:
    data, beside = os.urandom(size), os.urandom(700)
    cids = store.add_all([PieceStream(data), beside])
    assert cids == [str(file_cid(data)), str(file_cid(beside))]
    assert [store.cat(cid) for cid in cids] == [data, beside]
    assert set(cids) <= set(store.pins())


def test_a_stream_shorter_than_its_size_is_refused_and_nothing_is_pinned(
    store: ContentStore,
) -> None:
    pins = store.pins()
    with pytest.raises(InvalidInputError, match="gave"):
        store.add_all([PieceStream(os.urandom(CHUNK_SIZE + 10), claimed_size=CHUNK_SIZE + 11)])
    assert store.pins() == pins


def test_add_all_without_pin_stores_every_content_unpinned(store: ContentStore) -> None:
    contents = [os.urandom(300), os.urandom(CHUNK_SIZE + 1)]
    cids = store.add_all(contents, pin=False)
    assert [store.cat(cid) for cid in cids] == contents
    assert not set(cids) & set(store.pins())


def test_add_all_of_nothing_stores_nothing(store: ContentStore) -> None:
    pins = store.pins()
    assert store.add_all([]) == []
    assert store.pins() == pins


def test_added_content_is_pinned_by_default(store: ContentStore) -> None:
    cid = store.add(os.urandom(1024))
    assert cid in store.pins()
    assert store.has(cid)


def test_add_without_pin_stores_the_content_unpinned(store: ContentStore) -> None:
    data = os.urandom(1024)
    cid = store.add(data, pin=False)
    assert cid not in store.pins()
    assert store.cat(cid) == data


def test_unpin_removes_the_pin_and_pin_puts_it_back(store: ContentStore) -> None:
    cid = store.add(os.urandom(300_000))
    store.unpin(cid)
    assert cid not in store.pins()
    store.pin(cid)
    assert cid in store.pins()


def test_unpin_of_content_that_is_not_pinned_does_nothing(store: ContentStore) -> None:
    cid = store.add(os.urandom(1024), pin=False)
    store.unpin(cid)
    assert cid not in store.pins()


def test_cat_raises_content_not_found_for_missing_cid(
    store: ContentStore, missing_cid: str
) -> None:
    with pytest.raises(ContentNotFoundError, match=missing_cid):
        store.cat(missing_cid)


def test_pin_raises_content_not_found_for_missing_cid(
    store: ContentStore, missing_cid: str
) -> None:
    with pytest.raises(ContentNotFoundError):
        store.pin(missing_cid)
    assert missing_cid not in store.pins()


def test_has_is_false_for_missing_cid(store: ContentStore, missing_cid: str) -> None:
    assert not store.has(missing_cid)


@pytest.mark.parametrize("method", ["cat", "pin", "unpin", "has"])
@pytest.mark.parametrize("garbage", ["not-a-cid", VECTORS[1].cidv1_raw_leaves[:-2], "Qm123"])
def test_every_method_raises_invalid_cid_for_garbage(
    store: ContentStore, method: str, garbage: str
) -> None:
    with pytest.raises(InvalidCIDError):
        getattr(store, method)(garbage)
