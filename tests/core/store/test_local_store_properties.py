"""The embedded store against a model: any sequence of adds (of bytes and of streams), pins,
unpins and collections keeps every pinned content whole, and a collection leaves exactly the
pinned contents, with no byte of any other content left in a pack."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from hygeia.core.errors import ContentNotFoundError
from hygeia.core.store import LocalStore
from hygeia.core.store.pack import Pack
from hygeia.core.store.unixfs import CHUNK_SIZE, file_cid, import_file
from tests.core.store.streams import PieceStream

SHARED = b"s" * CHUNK_SIZE  # a chunk several contents begin with
FILES = [
    b"",
    b"key bundle",
    b"x" * 300,
    SHARED + b"a",
    SHARED + b"b",
    SHARED * 2 + b"c",
    bytes(range(256)) * 1_100,  # two leaves
]
# The bytes of a file's root node, stored as content of their own: a raw block with the hash of
# that file's root, which the store must keep apart from the file.
ROOT_NODES = [import_file(data)[-1].data for data in (SHARED + b"a", bytes(range(256)) * 1_100)]
CONTENTS = FILES + [bytes(node) for node in ROOT_NODES]
content = st.sampled_from(CONTENTS)


class StoreModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="hygeia-store-model-"))
        self.store = LocalStore(self.folder)
        self.stored: set[bytes] = set()  # contents that cat must return
        self.pinned: set[bytes] = set()

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(data=content, pin=st.booleans())
    def add(self, data: bytes, pin: bool) -> None:
        assert self.store.add(data, pin=pin) == str(file_cid(data))
        self.stored.add(data)
        if pin:
            self.pinned.add(data)

    @rule(first=content, second=content, pin=st.booleans())
    def add_all(self, first: bytes, second: bytes, pin: bool) -> None:
        self.store.add_all([first, second], pin=pin)
        self.stored |= {first, second}
        if pin:
            self.pinned |= {first, second}

    @rule(first=content, second=content, pin=st.booleans())
    def add_a_stream_beside_bytes(self, first: bytes, second: bytes, pin: bool) -> None:
        cids = self.store.add_all([PieceStream(first), second], pin=pin)
        assert cids == [str(file_cid(first)), str(file_cid(second))]
        self.stored |= {first, second}
        if pin:
            self.pinned |= {first, second}

    @rule(data=content)
    def pin(self, data: bytes) -> None:
        if data in self.stored:
            self.store.pin(str(file_cid(data)))
            self.pinned.add(data)

    @rule(data=content)
    def unpin(self, data: bytes) -> None:
        self.store.unpin(str(file_cid(data)))
        self.pinned.discard(data)

    @rule()
    def collect(self) -> None:
        self.store.gc()
        self.stored = set(self.pinned)
        for data in CONTENTS:
            cid = str(file_cid(data))
            assert self.store.has(cid) == (data in self.pinned)
            if data not in self.pinned:
                try:
                    self.store.cat(cid)
                except ContentNotFoundError:
                    continue
                raise AssertionError(f"{cid} was collected but still reads")
        assert list((self.folder / "tmp").iterdir()) == []
        wanted = {block.cid.multihash for data in self.pinned for block in import_file(data)}
        links = [*self.folder.glob("dags/*"), *self.folder.glob("pins/*")]
        for link in links:  # every pack, through each of its links
            if link.stat().st_size == 0:
                continue  # an empty pin
            with Pack(link) as pack:
                assert set(pack.multihashes()) <= wanted  # nothing unpinned left on disk

    @invariant()
    def pins_are_the_pinned_contents(self) -> None:
        assert self.store.pins() == sorted(str(file_cid(data)) for data in self.pinned)

    @invariant()
    def every_stored_content_reads_whole(self) -> None:
        for data in self.stored:
            assert self.store.cat(str(file_cid(data))) == data


StoreModel.TestCase.settings = settings(max_examples=30, stateful_step_count=15, deadline=None)
test_the_store_behaves_as_its_model = StoreModel.TestCase
