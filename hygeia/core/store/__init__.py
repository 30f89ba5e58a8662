"""Content-addressed storage of encrypted health records (IPFS).

Pick a backend with :func:`open_store`; both give the same CIDs for the same bytes, so records
move between them (:func:`push`) without changing the CIDs the chain refers to.
"""

from __future__ import annotations

from hygeia.core.errors import InvalidInputError
from hygeia.core.store.base import ContentStore, push
from hygeia.core.store.kubo import KuboStore
from hygeia.core.store.local import LocalStore, default_store_dir

__all__ = ["ContentStore", "KuboStore", "LocalStore", "default_store_dir", "open_store", "push"]


def open_store(spec: str) -> ContentStore:
    """Open the store a configuration string names.

    ``"local"`` is the embedded store in :func:`default_store_dir`, ``"local:/some/path"`` one in
    that folder, and an ``http://`` or ``https://`` URL the RPC API of an IPFS node
    (e.g. ``"http://127.0.0.1:5001"``).
    """
    if spec == "local":
        return LocalStore()
    if spec.startswith("local:") and len(spec) > len("local:"):
        return LocalStore(spec.removeprefix("local:"))
    if spec.startswith(("http://", "https://")):
        return KuboStore(spec)
    raise InvalidInputError(
        f"unknown content store {spec!r}: use 'local', 'local:/path' or an IPFS API URL "
        "such as 'http://127.0.0.1:5001'"
    )
