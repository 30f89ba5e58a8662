"""Content identifiers (CIDs): parsing, validation and encoding.

Only what IPFS produces for files is accepted: sha2-256 multihashes with the ``dag-pb`` or ``raw``
codec, as CIDv0 (``Qm...``, base58btc) or CIDv1 (multibase ``b``/``B`` base32 or ``z`` base58btc).
Anything else is rejected with :class:`~hygeia.core.errors.InvalidCIDError` before it reaches a
store, so a typo or a truncated CID never turns into a slow network lookup.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from hygeia.core.errors import InvalidCIDError

RAW = 0x55
DAG_PB = 0x70
SHA2_256 = 0x12
_DIGEST_LENGTH = 32
_CODEC_NAMES = {RAW: "raw", DAG_PB: "dag-pb"}

#: Content the stores take: hashed, chunked and written in place, never copied to ``bytes`` first
#: (a record blob is a bytearray). A memoryview must be C-contiguous; it is read as raw bytes.
BytesLike = bytes | bytearray | memoryview


def byte_view(data: BytesLike) -> memoryview:
    """A view of ``data`` as raw bytes, sliced without copying (a view of wider items counts
    its bytes)."""
    return memoryview(data).cast("B")


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58_ALPHABET)}


def encode_varint(value: int) -> bytes:
    """Encode an unsigned LEB128 varint (multiformats and protobuf use the same encoding)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes, offset: int) -> tuple[int, int]:
    """Decode an unsigned varint at ``offset``; return ``(value, next_offset)``.

    Raises ``ValueError`` on a truncated or over-long varint; callers turn that into their own
    error type.
    """
    value = 0
    for shift in range(0, 64, 7):
        if offset >= len(data):
            raise ValueError("truncated varint")
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
    raise ValueError("varint longer than 64 bits")


def b58encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 (multibase ``base58btc``), used by CIDv0."""
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, remainder = divmod(number, 58)
        chars.append(_B58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(chars))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises ``ValueError`` on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(f"{char!r} is not a base58btc character")
        number = number * 58 + _B58_INDEX[char]
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def _b32decode(text: str) -> bytes:
    """RFC 4648 base32 without padding, either case (multibase ``b`` and ``B``)."""
    if text != text.lower() and text != text.upper():
        raise ValueError("mixed-case base32")
    return base64.b32decode(text.upper() + "=" * (-len(text) % 8))


@dataclass(frozen=True)
class CID:
    """A parsed CID. ``str(cid)`` gives the canonical text: base58btc for v0, base32 for v1."""

    version: int
    codec: int
    digest: bytes

    @classmethod
    def for_block(cls, data: BytesLike, *, version: int, codec: int) -> CID:
        """The CID of one block of bytes."""
        return cls(version, codec, hashlib.sha256(data).digest())

    @classmethod
    def parse(cls, text: object) -> CID:
        """Parse a CID string; raise :class:`InvalidCIDError` if it is not one this SDK can use."""
        if not isinstance(text, str) or not text:
            raise InvalidCIDError(f"a CID must be a non-empty string, got {text!r}")
        try:
            if len(text) == 46 and text.startswith("Qm"):
                return cls._from_multihash(b58decode(text), version=0, codec=DAG_PB)
            prefix, body = text[0], text[1:]
            if prefix in "bBz":
                raw = _b32decode(body) if prefix in "bB" else b58decode(body)
                if raw[:1] != b"\x01":
                    raise ValueError("a multibase CID must be a CIDv1")
                return cls.from_bytes(raw)
        except (ValueError, InvalidCIDError) as exc:
            raise InvalidCIDError(f"{text!r} is not a valid CID: {exc}") from None
        raise InvalidCIDError(
            f"{text!r} is not a valid CID: expected a CIDv0 ('Qm...') or a CIDv1 in base32 "
            "('b...') or base58btc ('z...')"
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> CID:
        """Decode a binary CID, as found in dag-pb links (a bare multihash is a CIDv0)."""
        if raw[:1] == bytes([SHA2_256]):
            return cls._from_multihash(raw, version=0, codec=DAG_PB)
        try:
            version, offset = decode_varint(raw, 0)
            codec, offset = decode_varint(raw, offset)
        except ValueError as exc:
            raise InvalidCIDError(f"malformed binary CID: {exc}") from None
        if version != 1:
            raise InvalidCIDError(f"unsupported CID version {version}")
        return cls._from_multihash(raw[offset:], version=1, codec=codec)

    @classmethod
    def _from_multihash(cls, multihash: bytes, *, version: int, codec: int) -> CID:
        if codec not in _CODEC_NAMES:
            raise InvalidCIDError(f"codec 0x{codec:x} is not supported (only raw and dag-pb)")
        if multihash[:2] != bytes([SHA2_256, _DIGEST_LENGTH]):
            raise InvalidCIDError("only sha2-256 multihashes are supported")
        if len(multihash) != 2 + _DIGEST_LENGTH:
            raise InvalidCIDError(f"sha2-256 digest must be {_DIGEST_LENGTH} bytes")
        return cls(version, codec, multihash[2:])

    @property
    def multihash(self) -> bytes:
        """The sha2-256 multihash: what a block is keyed by, whatever its CID version."""
        return bytes([SHA2_256, _DIGEST_LENGTH]) + self.digest

    def to_v1(self) -> CID:
        """The same block as a CIDv1 (CIDv0 is always dag-pb)."""
        return CID(1, self.codec, self.digest)

    def __bytes__(self) -> bytes:
        if self.version == 0:
            return self.multihash
        return encode_varint(1) + encode_varint(self.codec) + self.multihash

    def __str__(self) -> str:
        if self.version == 0:
            return b58encode(self.multihash)
        return "b" + base64.b32encode(bytes(self)).decode("ascii").lower().rstrip("=")

    def __repr__(self) -> str:
        return f"CID({str(self)!r}, codec={_CODEC_NAMES[self.codec]})"
