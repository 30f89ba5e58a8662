"""Pack files: every block written comes back, checked; a damaged pack is an IntegrityError."""

from __future__ import annotations

import hashlib
import io
import os
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hygeia.core.errors import IntegrityError
from hygeia.core.store.pack import MAGIC, SHA2_256, Pack, write_pack


def multihash(data: bytes) -> bytes:
    return SHA2_256 + hashlib.sha256(data).digest()


def packed(path: Path, contents: list[bytes]) -> Path:
    with open(path, "wb") as handle:
        write_pack(handle, [(multihash(data), data) for data in contents])
    return path


@settings(max_examples=100, deadline=None)
@given(contents=st.lists(st.binary(max_size=2_000), max_size=12))
def test_every_block_written_is_read_back_once_in_order(
    tmp_path_factory: pytest.TempPathFactory, contents: list[bytes]
) -> None:
    path = packed(tmp_path_factory.mktemp("pack") / "p", contents)
    unique = list(dict.fromkeys(contents))
    with Pack(path) as pack:
        assert pack.multihashes() == [multihash(data) for data in unique]
        assert [pack.read(multihash(data)) for data in unique] == unique


def test_an_index_longer_than_the_first_read_of_the_end_is_read_whole(tmp_path: Path) -> None:
    contents = [os.urandom(8) for _ in range(1_000)]  # an index of about 47 KB
    with Pack(packed(tmp_path / "p", contents)) as pack:
        assert [pack.read(multihash(data)) for data in contents] == contents


def test_a_block_the_pack_does_not_hold_is_a_key_error(tmp_path: Path) -> None:
    with Pack(packed(tmp_path / "p", [b"held"])) as pack:
        assert multihash(b"other") not in pack
        with pytest.raises(KeyError):
            pack.read(multihash(b"other"))


def test_a_flipped_byte_fails_that_block_only(tmp_path: Path) -> None:
    path = packed(tmp_path / "p", [b"first block", b"second block"])
    data = bytearray(path.read_bytes())
    data[data.index(b"second")] ^= 1
    path.write_bytes(data)
    with Pack(path) as pack:
        assert pack.read(multihash(b"first block")) == b"first block"
        with pytest.raises(IntegrityError, match="corrupted"):
            pack.read(multihash(b"second block"))


def test_a_file_that_is_not_a_pack_is_an_integrity_error(tmp_path: Path) -> None:
    (tmp_path / "p").write_bytes(b"a block written as a file of its own")
    with pytest.raises(IntegrityError, match="not a pack"):
        Pack(tmp_path / "p")


def test_a_pack_cut_short_is_an_integrity_error(tmp_path: Path) -> None:
    path = packed(tmp_path / "p", [os.urandom(100) for _ in range(3)])
    whole = path.read_bytes()
    for end in (len(MAGIC) + 2, len(MAGIC) + 150, len(whole) - 20, len(whole) - 1):
        path.write_bytes(whole[:end])
        with pytest.raises(IntegrityError, match="cut short|points outside|not a pack|not match"):
            Pack(path)


def test_an_index_pointing_into_the_magic_is_an_integrity_error(tmp_path: Path) -> None:
    path = packed(tmp_path / "p", [b"block"])
    data = bytearray(path.read_bytes())
    index_at, _ = struct.unpack(">QI", data[-12:])
    offset_at = index_at + 1 + len(multihash(b"block"))
    data[offset_at : offset_at + 8] = struct.pack(">Q", 0)  # the block "starts" at the magic
    path.write_bytes(data)
    with pytest.raises(IntegrityError, match="points outside"):
        Pack(path)


def test_a_trailer_counting_other_blocks_than_its_index_holds_is_an_integrity_error(
    tmp_path: Path,
) -> None:
    path = packed(tmp_path / "p", [b"one", b"two"])
    data = bytearray(path.read_bytes())
    data[-4:] = struct.pack(">I", 1)
    path.write_bytes(data)
    with pytest.raises(IntegrityError, match="does not match"):
        Pack(path)


def test_a_block_under_another_hash_than_sha2_256_is_refused(tmp_path: Path) -> None:
    blake3 = b"\x1e\x20" + hashlib.sha256(b"block").digest()  # right digest, other hash code
    with open(tmp_path / "p", "wb") as handle:
        write_pack(handle, [(blake3, b"block")])
    with Pack(tmp_path / "p") as pack, pytest.raises(IntegrityError):
        pack.read(blake3)


def test_a_multihash_too_long_for_the_index_is_refused_before_its_block_is_written() -> None:
    handle = io.BytesIO()
    with pytest.raises(ValueError, match="does not fit"):
        write_pack(handle, [(b"\x12" * 256, b"block")])
    assert handle.getvalue() == MAGIC
