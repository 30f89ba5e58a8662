"""Files that hold health data or what leads to it (FHIR documents, signed consents, 835s, record
plaintext, remittance state) are written readable by their owner only."""

from __future__ import annotations

import os

OWNER_ONLY = 0o600


def write_owner_only(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    sync: bool = False,
    exclusive: bool = False,
) -> None:
    """Write `data` to `path` readable by its owner only (0600), whatever the umask: the file is
    never world-readable, not even briefly. An existing file is tightened to 0600 before it is
    overwritten; a symbolic link is refused. `sync`: flushed to disk before returning (for a
    file about to be renamed into place). `exclusive`: the file must not exist yet
    (FileExistsError otherwise), for secrets that must never be replaced (keys, salts)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW
    flags |= os.O_EXCL if exclusive else os.O_TRUNC
    fd = os.open(path, flags, OWNER_ONLY)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), OWNER_ONLY)
        out.write(data.encode() if isinstance(data, str) else data)
        if sync:
            out.flush()
            os.fsync(out.fileno())
