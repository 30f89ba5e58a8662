"""Where a reader's wrapped data key for a record version lives, and how it is found.

Two places, both on IPFS and referenced from events, never from contract storage:
- the version's own key bundle (RecordAnchored.keyBundleCid): the owner's wrap and the wraps of
  the readers who had access when the version was written. The vault writes it inside the record
  blob (envelope format 2), so that CID is the record's own; a bundle stored as a document of its
  own (format 1 records) is read as well;
- a grant's key manifest (ConsentGranted.keyBundleCid): for a consent given later, one key bundle
  per covered record version (owner + grantee wraps), so erasing a record can unpin exactly its
  bundles and leave the grant's other records alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hygeia.core.errors import MalformedEnvelopeError
from hygeia.core.store.base import ContentStore
from hygeia.core.store.cid import CID
from hygeia.records.envelope import (
    MAGIC,
    MAX_BUNDLE_SIZE,
    RecordRef,
    embedded_bundle,
    header_size,
)
from hygeia.records.keywrap import KeyBundle

MANIFEST_FORMAT = "hygeia/grantkeys/v1"

# Bytes read first for a key bundle: a whole bundle document or a format 2 header with the
# wraps of about ten readers, in one read.
_FIRST_READ = 4096


def cid_bytes(cid: str) -> bytes:
    """The binary form of a CID string, as the contract takes it."""
    return bytes(CID.parse(cid))


def cid_text(raw: bytes) -> str:
    """The CIDv1 base32 string of a binary CID from an event."""
    return str(CID.from_bytes(raw))


def address_bytes(address: str) -> bytes:
    """The 20 bytes of a 0x address: how records and key bundles name owners and readers."""
    return bytes.fromhex(address.removeprefix("0x"))


def version_key(record_id: bytes, version: int) -> str:
    return f"0x{record_id.hex()}:{version}"


@dataclass(frozen=True)
class GrantKeyManifest:
    """The key bundles a grant shares: record version -> CID of its (owner + grantee) bundle."""

    patient: str
    grantee: str
    bundles: dict[str, str]

    def to_json(self) -> bytes:
        doc = {
            "format": MANIFEST_FORMAT,
            "patient": self.patient,
            "grantee": self.grantee,
            "bundles": dict(sorted(self.bundles.items())),
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> GrantKeyManifest:
        try:
            doc: Any = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MalformedEnvelopeError("grant key manifest is not valid UTF-8 JSON") from None
        if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
            raise MalformedEnvelopeError("not a hygeia grant key manifest")
        bundles = doc.get("bundles")
        if not isinstance(bundles, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in bundles.items()
        ):
            raise MalformedEnvelopeError("grant key manifest 'bundles' must map strings to CIDs")
        return cls(str(doc.get("patient")), str(doc.get("grantee")), dict(bundles))

    def bundle_for(self, record_id: bytes, version: int) -> str | None:
        return self.bundles.get(version_key(record_id, version))


def load_bundle(store: ContentStore, cid: str, ref: RecordRef) -> KeyBundle:
    """Fetch a key bundle and check it belongs to `ref` (a bundle of another record is refused).

    `cid` names a bundle document, or a record blob that carries its bundle (format 2), of which
    only the header is read: sharing the keys of large records does not fetch their contents.
    """
    first = store.head(cid, _FIRST_READ)
    if first[: len(MAGIC)] == MAGIC:
        needed = header_size(first)
        content = first if needed <= len(first) else store.head(cid, needed)
    elif len(first) < _FIRST_READ:
        content = first
    else:  # a bundle document longer than the first read: as much as any bundle may be, no more
        content = store.head(cid, MAX_BUNDLE_SIZE + 1)
        if len(content) > MAX_BUNDLE_SIZE:
            raise MalformedEnvelopeError(
                f"key bundle {cid} is larger than {MAX_BUNDLE_SIZE} bytes: not one this SDK wrote"
            )
    return parse_bundle(content, cid, ref)


def parse_bundle(content: bytes, cid: str, ref: RecordRef) -> KeyBundle:
    """The key bundle in `content` (fetched from `cid`), checked to belong to `ref`: a bundle
    document, or the one a record blob of format 2 carries."""
    if content[: len(MAGIC)] == MAGIC:
        carried = embedded_bundle(content)
        if carried is None:
            raise MalformedEnvelopeError(f"record blob {cid} carries no key bundle")
        content = carried
    bundle = KeyBundle.from_json(content)
    if bundle.ref != ref:
        raise MalformedEnvelopeError(
            f"key bundle {cid} is for another record version than 0x{ref.record_id.hex()} "
            f"v{ref.version}"
        )
    return bundle
