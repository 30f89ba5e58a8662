"""Encrypt one version of a health record under a fresh data key (AES-256-GCM).

Every record version gets its own random 256-bit data key, so granting a reader one version
never opens another, and a random 96-bit nonce is safe because a key seals exactly one message.
The key is then wrapped per reader by :mod:`hygeia.records.keywrap`.

The ciphertext is bound to the record version it belongs to through the AEAD associated data,
so a blob copied onto another record id, owner or version fails authentication instead of
decrypting as someone else's record.

Serialized blob (what is stored on IPFS), all offsets in bytes. Format 1 is the envelope alone;
format 2 also carries the version's key bundle (:mod:`hygeia.records.keywrap`), so that a record
version is one file, and commits to its data key::

    format 1                            format 2
    0   4   magic    b"HYGR"            0     4   magic        b"HYGR"
    4   1   version  0x01               4     1   version      0x02
    5   12  nonce    random, per blob   5     12  nonce        random, per blob
                                        17    32  key commit   SHA-256(b"hygeia/record-key" || key)
                                        49    4   bundle size  k, uint32 big-endian, 1 to 1 MiB
                                        53    k   key bundle   its JSON
    17  n   AES-256-GCM of the payload  53+k  n   AES-256-GCM of the payload
            || its 16-byte tag                    || its 16-byte tag

Everything before the ciphertext is the header. The shortest valid blob is 33 bytes (format 1,
empty payload). AES-GCM alone does not commit to its key: an author could make one ciphertext
that opens, under two keys wrapped for two readers, as two different plaintexts. Format 2's key
commitment is checked before decryption, so a blob opens under one data key only.

Associated data fed to AES-GCM (never stored; rebuilt from the caller's :class:`RecordRef`)::

    0   16  domain tag       b"hygeia/record-ad"
    16  1   AD version       0x01
    17  32  record id        bytes32
    49  20  owner            address
    69  32  version          uint256, big-endian
    101 h   blob header      every byte of the blob before the ciphertext

Every field but the last is fixed-width, so no two different (record id, owner, version)
triples can encode to the same bytes. Including the header means one format cannot be confused
with another, and a format 2 key bundle cannot be swapped without failing authentication.

On chain only :func:`ciphertext_digest` of the whole blob is kept; :func:`verify_digest` checks
a blob fetched from IPFS against it before anything is decrypted.

:func:`seal_record` makes the same blob a chunk at a time, as a store reads it, in one buffer
reused for every chunk: a large record is then never in memory whole, and the ciphertext never
costs the fresh memory a whole blob does (at 50 MiB, touching a new buffer took longer than
encrypting into it).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hygeia.core.errors import (
    DecryptionError,
    IntegrityError,
    InvalidInputError,
    MalformedEnvelopeError,
)
from hygeia.core.store.cid import BytesLike, byte_view
from hygeia.core.store.unixfs import CHUNK_SIZE, ContentStream

MAGIC = b"HYGR"
FORMAT_VERSION = 1
BUNDLED_FORMAT_VERSION = 2
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER_SIZE = len(MAGIC) + 1 + NONCE_SIZE
COMMITMENT_SIZE = 32
#: Where a format 2 header states its bundle's size.
BUNDLE_SIZE_AT = HEADER_SIZE + COMMITMENT_SIZE
BUNDLE_SIZE_BYTES = 4
#: The largest key bundle a blob may carry: the wraps of some 3,000 readers. A larger size is
#: refused before it is read, so a crafted header cannot make a reader fetch gigabytes.
MAX_BUNDLE_SIZE = 1024 * 1024
#: How many leading bytes of a blob :func:`header_size` needs to see.
HEADER_SIZE_PREFIX = BUNDLE_SIZE_AT + BUNDLE_SIZE_BYTES
DATA_KEY_SIZE = 32

#: Makes the key bundle of a version from its fresh data key (build_key_bundle(...).to_json()).
BundleMaker = Callable[[bytes], bytes]

_AES_BLOCK = 16
_AD_TAG = b"hygeia/record-ad"
_COMMIT_TAG = b"hygeia/record-key"
_AD_VERSION = 1
_UINT256_MAX = 2**256 - 1


@dataclass(frozen=True)
class RecordRef:
    """Which record version a ciphertext belongs to: the identity that encryption binds to.

    ``record_id`` is the on-chain bytes32 id, ``owner`` the patient's 20-byte address and
    ``version`` the record's uint version number.
    """

    record_id: bytes
    owner: bytes
    version: int

    def __post_init__(self) -> None:
        if len(self.record_id) != 32:
            raise InvalidInputError(f"record id must be 32 bytes, got {len(self.record_id)}")
        if len(self.owner) != 20:
            raise InvalidInputError(f"owner address must be 20 bytes, got {len(self.owner)}")
        if type(self.version) is not int or not 0 <= self.version <= _UINT256_MAX:
            raise InvalidInputError("record version must be an integer in uint256 range")

    def encode(self) -> bytes:
        """The fixed-width 84-byte encoding (record id, owner, version) used in every binding."""
        return self.record_id + self.owner + self.version.to_bytes(32, "big")


@dataclass(frozen=True)
class EncryptedRecord:
    """The result of :func:`encrypt_record`: the blob to store and the data key to wrap.

    The data key must go to :mod:`hygeia.records.keywrap` and then be dropped; it is never
    stored in the clear. The blob is a bytearray because the ciphertext is encrypted straight
    into it after the header; every store and function here takes it as it is.
    """

    blob: bytearray
    data_key: bytes

    def __repr__(self) -> str:
        return f"EncryptedRecord(blob=<{len(self.blob)} bytes>, data_key=<redacted>)"


def encrypt_record(
    plaintext: bytes, ref: RecordRef, bundle_for: BundleMaker | None = None
) -> EncryptedRecord:
    """Encrypt one record version under a freshly generated data key.

    The key is generated here rather than passed in so that a key can never be reused across
    versions by mistake. With `bundle_for`, the blob is format 2: it carries the key bundle that
    `bundle_for` makes from the data key.
    """
    data_key = AESGCM.generate_key(bit_length=256)
    header = _new_header(data_key, bundle_for)
    # Encrypted straight into the blob after its header: joining the two would copy the blob.
    blob = bytearray(len(header) + len(plaintext) + TAG_SIZE)
    blob[: len(header)] = header
    AESGCM(data_key).encrypt_into(
        _nonce(header),
        plaintext,
        _associated_data(ref, header),
        memoryview(blob)[len(header) :],
    )
    return EncryptedRecord(blob=blob, data_key=data_key)


class SealedRecord:
    """A record version sealed under a fresh data key, as a stream of its blob (see
    :class:`~hygeia.core.store.unixfs.ContentStream`): the bytes :func:`encrypt_record` makes,
    encrypted piece by piece into one reused buffer as a store reads them.

    Every pass over :meth:`chunks` yields the same bytes: the same key and nonce over the same
    plaintext (kept as immutable bytes), so no nonce ever seals two different messages.
    """

    def __init__(
        self, plaintext: BytesLike, ref: RecordRef, bundle_for: BundleMaker | None = None
    ) -> None:
        self.data_key = AESGCM.generate_key(bit_length=256)
        self._header = _new_header(self.data_key, bundle_for)
        self._associated = _associated_data(ref, self._header)
        # Every pass must seal the same bytes: a buffer the caller could change is copied.
        self._plaintext = plaintext if isinstance(plaintext, bytes) else bytes(byte_view(plaintext))
        self._size = len(self._header) + len(self._plaintext) + TAG_SIZE

    def __repr__(self) -> str:
        return f"SealedRecord(<{self._size} bytes>, data_key=<redacted>)"

    @property
    def size(self) -> int:
        """The length of the blob in bytes."""
        return self._size

    def chunks(self, size: int = CHUNK_SIZE) -> Iterator[memoryview]:
        """The blob in pieces of `size` bytes, the last one shorter; each piece is valid only until
        the next is asked for."""
        if size < 1:
            raise InvalidInputError(f"a piece must be at least one byte, not {size}")
        encryptor = Cipher(
            algorithms.AES(self.data_key), modes.GCM(_nonce(self._header))
        ).encryptor()
        encryptor.authenticate_additional_data(self._associated)
        # update_into wants room for a cipher block more than it is given.
        piece = memoryview(bytearray(size + _AES_BLOCK - 1))
        filled = 0
        with byte_view(self._plaintext) as plaintext:
            parts: list[tuple[memoryview | None, bool]] = [
                (memoryview(self._header), False),
                (plaintext, True),
                (None, False),  # the tag, known once the rest is encrypted
            ]
            for source, encrypt in parts:
                if source is None:
                    encryptor.finalize()
                    source = memoryview(encryptor.tag)
                position = 0
                while position < len(source):
                    step = min(size - filled, len(source) - position)
                    part = source[position : position + step]
                    if encrypt:
                        encryptor.update_into(part, piece[filled:])
                    else:
                        piece[filled : filled + step] = part
                    filled += step
                    position += step
                    if filled == size:
                        yield piece[:size]
                        filled = 0
        if filled:
            yield piece[:filled]


def seal_record(
    plaintext: BytesLike, ref: RecordRef, bundle_for: BundleMaker | None = None
) -> SealedRecord:
    """Seal one record version under a freshly generated data key, as a stream for a store's
    ``add_all``: what :func:`encrypt_record` does without the whole blob in memory (format 2,
    carrying the key bundle `bundle_for` makes, when it is given)."""
    return SealedRecord(plaintext, ref, bundle_for)


def decrypt_record(blob: BytesLike, data_key: bytes, ref: RecordRef) -> bytes:
    """Decrypt and authenticate a blob produced by :func:`encrypt_record` for ``ref`` (either
    format).

    Raises :class:`MalformedEnvelopeError` if the blob is truncated or not in this format, and
    :class:`DecryptionError` if authentication fails (wrong key, tampered bytes, or another
    record id / owner / version than the one it was sealed for).
    """
    if len(data_key) != DATA_KEY_SIZE:
        raise InvalidInputError(f"data key must be {DATA_KEY_SIZE} bytes, got {len(data_key)}")
    # Read through a view, released on return: slicing the blob would copy the ciphertext.
    with byte_view(blob) as view:
        header = _parse_header(view)
        if header[len(MAGIC)] == BUNDLED_FORMAT_VERSION and not hmac.compare_digest(
            header[HEADER_SIZE:BUNDLE_SIZE_AT], _key_commitment(data_key)
        ):
            raise DecryptionError(
                "record blob is committed to another data key: a wrong key, or a blob made to "
                "open differently for different readers"
            )
        try:
            return AESGCM(data_key).decrypt(
                _nonce(header), view[len(header) :], _associated_data(ref, header)
            )
        except InvalidTag:
            raise DecryptionError(
                "record blob failed authentication: wrong data key, tampered ciphertext, or it "
                "belongs to another record id, owner or version"
            ) from None


class DigestingStream:
    """A content stream passed on unchanged and hashed on the way, so that a blob is hashed in
    the pass that stores it rather than in a pass of its own: :attr:`digest` is the
    :func:`ciphertext_digest` of the last pass that went to the end."""

    def __init__(self, content: ContentStream) -> None:
        self._content = content
        self._digest: bytes | None = None

    @property
    def size(self) -> int:
        """The length of the content in bytes."""
        return self._content.size

    def chunks(self, size: int = CHUNK_SIZE) -> Iterator[BytesLike]:
        """The content's pieces, each hashed as it goes by."""
        digest = hashlib.sha256()
        for piece in self._content.chunks(size):
            digest.update(piece)
            yield piece
        self._digest = digest.digest()

    @property
    def digest(self) -> bytes:
        """SHA-256 of the content; ValueError before a pass has read it to the end."""
        if self._digest is None:
            raise ValueError("the content has not been read to the end yet")
        return self._digest


def ciphertext_digest(blob: BytesLike | ContentStream) -> bytes:
    """SHA-256 of the whole serialized blob: the bytes32 published on chain next to the CID."""
    if not isinstance(blob, ContentStream):
        return hashlib.sha256(blob).digest()
    digest = hashlib.sha256()
    for piece in blob.chunks(CHUNK_SIZE):
        digest.update(piece)
    return digest.digest()


def verify_digest(blob: BytesLike, expected: bytes) -> None:
    """Check a fetched blob against its on-chain digest, raising :class:`IntegrityError`.

    Done before decryption so a swapped blob is reported as such, not as a key problem.
    """
    if len(expected) != 32:
        raise InvalidInputError(f"expected digest must be 32 bytes, got {len(expected)}")
    if not hmac.compare_digest(ciphertext_digest(blob), expected):
        raise IntegrityError("record blob does not match its on-chain ciphertext digest")


def embedded_bundle(blob: BytesLike) -> bytes | None:
    """The key bundle a format 2 blob carries (its JSON), or None for a format 1 blob.

    `blob` may be the blob's first :func:`header_size` bytes only. Raises
    :class:`MalformedEnvelopeError` if it is not in either format or ends inside its header.
    """
    with byte_view(blob) as view:
        header = _parse_header(view, whole=False)
    if header[len(MAGIC)] == FORMAT_VERSION:
        return None
    return header[HEADER_SIZE_PREFIX:]


def header_size(prefix: BytesLike) -> int:
    """How many leading bytes of a blob its header takes, from the blob's first
    :data:`HEADER_SIZE_PREFIX` bytes (or all of a shorter blob): what to read of a stored blob
    to reach its key bundle without its ciphertext."""
    with byte_view(prefix) as view:
        return _header_length(view)


def _new_header(data_key: bytes, bundle_for: BundleMaker | None) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    if bundle_for is None:
        return MAGIC + bytes([FORMAT_VERSION]) + nonce
    bundle = bundle_for(data_key)
    if not 0 < len(bundle) <= MAX_BUNDLE_SIZE:
        raise InvalidInputError(
            f"a key bundle of {len(bundle)} bytes cannot be carried (1 to {MAX_BUNDLE_SIZE})"
        )
    size = len(bundle).to_bytes(BUNDLE_SIZE_BYTES, "big")
    commitment = _key_commitment(data_key)
    return MAGIC + bytes([BUNDLED_FORMAT_VERSION]) + nonce + commitment + size + bundle


def _key_commitment(data_key: bytes) -> bytes:
    return hashlib.sha256(_COMMIT_TAG + data_key).digest()


def _nonce(header: bytes) -> bytes:
    return header[len(MAGIC) + 1 : HEADER_SIZE]


def _parse_header(blob: memoryview, *, whole: bool = True) -> bytes:
    """The header of a blob in either format; with `whole`, checked to leave room for the tag,
    else `blob` may end where the header does."""
    tail = TAG_SIZE if whole else 0
    if len(blob) < HEADER_SIZE + tail:
        raise MalformedEnvelopeError(
            f"record blob is truncated: {len(blob)} bytes, at least {HEADER_SIZE + tail} needed"
        )
    length = _header_length(blob)
    if len(blob) < length + tail:
        raise MalformedEnvelopeError(
            f"record blob is truncated: {len(blob)} bytes, its {length - HEADER_SIZE_PREFIX}-byte "
            f"key bundle{' and tag' if whole else ''} need at least {length + tail}"
        )
    return blob[:length].tobytes()


def _header_length(blob: memoryview) -> int:
    """The length of the header that `blob`, a blob or its first bytes, begins: checks the
    magic and format, and a format 2 header's stated bundle size."""
    if len(blob) < len(MAGIC) + 1 or blob[: len(MAGIC)] != MAGIC:
        raise MalformedEnvelopeError("not a hygeia record blob (bad magic bytes)")
    version = blob[len(MAGIC)]
    if version == FORMAT_VERSION:
        return HEADER_SIZE
    if version != BUNDLED_FORMAT_VERSION:
        raise MalformedEnvelopeError(f"unsupported record blob format version {version}")
    if len(blob) < HEADER_SIZE_PREFIX:
        raise MalformedEnvelopeError("record blob is truncated inside its header")
    return HEADER_SIZE_PREFIX + _bundle_size(blob)


def _bundle_size(blob: memoryview) -> int:
    """The key bundle size a format 2 header states, refused unless 1 to MAX_BUNDLE_SIZE."""
    size = int.from_bytes(blob[BUNDLE_SIZE_AT:HEADER_SIZE_PREFIX], "big")
    if size == 0:
        raise MalformedEnvelopeError("record blob of format 2 carries no key bundle")
    if size > MAX_BUNDLE_SIZE:
        raise MalformedEnvelopeError(
            f"record blob states a {size}-byte key bundle, more than {MAX_BUNDLE_SIZE} bytes"
        )
    return size


def _associated_data(ref: RecordRef, header: bytes) -> bytes:
    return _AD_TAG + bytes([_AD_VERSION]) + ref.encode() + header
