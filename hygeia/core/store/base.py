"""The one interface every content store implements, and moving content between stores.

Encrypted health records are addressed by CID, so the SDK must not care whether a record sits
in the embedded on-disk store or on an IPFS node: both implement :class:`ContentStore` and give
the same CID for the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hygeia.core.errors import StoreError
from hygeia.core.store.cid import CID, BytesLike
from hygeia.core.store.unixfs import Content, file_cid


class ContentStore(Protocol):
    """Content-addressed storage of byte strings.

    Every method taking a CID raises :class:`~hygeia.core.errors.InvalidCIDError` for a string that
    is not a CID, before doing any I/O.
    """

    def add(self, data: BytesLike, *, pin: bool = True) -> str:
        """Store ``data``; return its CIDv1 (base32, raw leaves), the CID Kubo would give it.

        With ``pin`` (the default) the content survives garbage collection. ``data`` is read in
        place, not copied, so it must not change until this returns.
        """
        ...

    def add_all(self, contents: Sequence[Content], *, pin: bool = True) -> list[str]:
        """Store every one of ``contents`` at once; return their CIDs, in order.

        A content may be a :class:`~hygeia.core.store.unixfs.ContentStream`: the local store
        writes it a piece at a time as it is made, so a sealed record is never in memory whole;
        an IPFS node is sent it in one piece.

        What ``add`` does for each, durable together: the local store syncs the disk once for
        all of them and an IPFS node gets one request, so a record's envelope and its key
        bundle cost about one add.
        """
        ...

    def cat(self, cid: str) -> bytes:
        """Return the content of ``cid``, checked against the CID.

        Raises :class:`~hygeia.core.errors.ContentNotFoundError` when the store cannot find it and
        :class:`~hygeia.core.errors.IntegrityError` when the bytes do not match the CID.
        """
        ...

    def head(self, cid: str, size: int) -> bytes:
        """Return the first ``size`` bytes of the content of ``cid`` (all of it when shorter),
        reading only the blocks that hold them, each checked against its CID.

        Raises as :meth:`cat` does; a short content is no error.
        """
        ...

    def pin(self, cid: str) -> None:
        """Keep ``cid`` through garbage collection; ContentNotFoundError if it is not stored."""
        ...

    def unpin(self, cid: str) -> None:
        """Let ``cid`` be garbage-collected; a CID that is not pinned is left as it is."""
        ...

    def has(self, cid: str) -> bool:
        """Whether this store holds the root block of ``cid`` itself (no network lookup)."""
        ...

    def pins(self) -> list[str]:
        """The recursively pinned CIDs as CIDv1 base32 (a CIDv0 pin is listed in its v1 form)."""
        ...

    def close(self) -> None:
        """Release connections or handles held by the store."""
        ...


def push(cid: str, source: ContentStore, target: ContentStore) -> str:
    """Copy the content of ``cid`` from ``source`` to ``target``, pinned; return the CID.

    This is how a record written offline to the local store reaches an IPFS node later: the
    bytes are re-added and come back under the same CID, so nothing that refers to the CID (a
    consent grant on chain, say) goes stale. A CID that ``add`` cannot reproduce (a CIDv0, or
    other import settings) raises :class:`~hygeia.core.errors.StoreError` before anything is
    written.
    """
    wanted = CID.parse(cid)
    data = source.cat(cid)
    reproduced = file_cid(data)
    if reproduced != wanted:
        raise StoreError(
            f"{cid} was not made with hygeia's import settings (CIDv1, raw leaves): "
            f"adding its content would give {reproduced} instead"
        )
    return target.add(data, pin=True)
