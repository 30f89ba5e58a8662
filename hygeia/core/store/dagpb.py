"""The dag-pb block format and the UnixFS ``Data`` message inside it, encoded by hand.

Both are tiny protobuf schemas; writing them here (rather than pulling in protobuf code
generation) keeps the byte layout visible, and the byte layout is what decides a CID. Field order
follows the dag-pb spec and Kubo: a node's ``Links`` come before its ``Data``, and a link always
carries its (empty) ``Name``, as Kubo's importer writes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from hygeia.core.store.cid import CID, decode_varint, encode_varint

UNIXFS_RAW = 0
UNIXFS_FILE = 2

_VARINT = 0
_LENGTH_DELIMITED = 2


@dataclass(frozen=True)
class Link:
    """A dag-pb link: the child's CID and the total size of the child's subtree in bytes."""

    cid: CID
    tsize: int
    name: str = ""


@dataclass(frozen=True)
class Node:
    """A decoded dag-pb block."""

    links: list[Link] = field(default_factory=list)
    data: bytes | None = None


def _key(number: int, wire_type: int) -> bytes:
    return encode_varint(number << 3 | wire_type)


def _bytes_field(number: int, value: bytes | memoryview) -> bytes:
    return _key(number, _LENGTH_DELIMITED) + encode_varint(len(value)) + value


def _varint_field(number: int, value: int) -> bytes:
    return _key(number, _VARINT) + encode_varint(value)


def encode_node(node: Node) -> bytes:
    """Serialize a dag-pb node (``PBNode``) exactly as Kubo does."""
    out = bytearray()
    for link in node.links:
        body = (
            _bytes_field(1, bytes(link.cid))
            + _bytes_field(2, link.name.encode("utf-8"))
            + _varint_field(3, link.tsize)
        )
        out += _bytes_field(2, body)
    if node.data is not None:
        out += _bytes_field(1, node.data)
    return bytes(out)


def encode_unixfs_file(data: bytes | memoryview, filesize: int, blocksizes: list[int]) -> bytes:
    """Serialize a UnixFS ``Data`` message of type File (empty ``data`` is left out, as Kubo)."""
    out = _varint_field(1, UNIXFS_FILE)
    if data:
        out += _bytes_field(2, data)
    out += _varint_field(3, filesize)
    for size in blocksizes:
        out += _varint_field(4, size)
    return out


def _fields(buffer: bytes) -> Iterator[tuple[int, int | bytes]]:
    """Yield ``(field_number, value)`` for the varint and length-delimited fields of a message."""
    offset = 0
    while offset < len(buffer):
        key, offset = decode_varint(buffer, offset)
        number, wire_type = key >> 3, key & 7
        value, offset = decode_varint(buffer, offset)
        if wire_type == _VARINT:
            yield number, value
        elif wire_type == _LENGTH_DELIMITED:
            if offset + value > len(buffer):
                raise ValueError("truncated field")
            yield number, buffer[offset : offset + value]
            offset += value
        else:
            raise ValueError(f"unexpected protobuf wire type {wire_type}")


def decode_node(block: bytes) -> Node:
    """Parse a dag-pb block; raises ``ValueError`` (or ``InvalidCIDError``) when malformed."""
    links: list[Link] = []
    data: bytes | None = None
    for number, value in _fields(block):
        if number == 2 and isinstance(value, bytes):
            links.append(_decode_link(value))
        elif number == 1 and isinstance(value, bytes):
            data = value
        else:
            raise ValueError(f"unexpected field {number} in a dag-pb node")
    return Node(links, data)


def _decode_link(buffer: bytes) -> Link:
    cid: CID | None = None
    name = ""
    tsize = 0
    for number, value in _fields(buffer):
        if number == 1 and isinstance(value, bytes):
            cid = CID.from_bytes(value)
        elif number == 2 and isinstance(value, bytes):
            name = value.decode("utf-8")
        elif number == 3 and isinstance(value, int):
            tsize = value
        else:
            raise ValueError(f"unexpected field {number} in a dag-pb link")
    if cid is None:
        raise ValueError("dag-pb link without a hash")
    return Link(cid, tsize, name)


def decode_unixfs(message: bytes) -> tuple[int, bytes]:
    """Return the UnixFS type and inline data of a ``Data`` message (the rest is not needed)."""
    kind: int | None = None
    data = b""
    for number, value in _fields(message):
        if number == 1 and isinstance(value, int):
            kind = value
        elif number == 2 and isinstance(value, bytes):
            data = value
    if kind is None:
        raise ValueError("UnixFS data without a type")
    return kind, data
