"""Sample identities shared by the record tests: one record version, its owner, two readers."""

from __future__ import annotations

from hygeia.records import RecordRef

RECORD_ID = bytes.fromhex("6f" * 32)
OWNER = bytes.fromhex("a1" * 20)
READER_1 = bytes.fromhex("b2" * 20)
READER_2 = bytes.fromhex("c3" * 20)
REF = RecordRef(record_id=RECORD_ID, owner=OWNER, version=3)
