"""Files that hold health data or what leads to it (FHIR documents, signed consents, 835s, record
plaintext, remittance state) are written readable by their owner only."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets

OWNER_ONLY = 0o600
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


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
    (FileExistsError otherwise), for secrets that must never be replaced (keys, salts); it
    appears whole and on disk or not at all, so a crash never leaves an empty or partial secret
    that a later run would refuse."""
    if exclusive:
        _create_whole(os.fspath(path), data)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_TRUNC, OWNER_ONLY)
    _write(fd, data, sync=sync)


def _write(fd: int, data: bytes | str, *, sync: bool) -> None:
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), OWNER_ONLY)
        out.write(data.encode() if isinstance(data, str) else data)
        if sync:
            out.flush()
            os.fsync(out.fileno())


def _create_whole(path: str, data: bytes | str) -> None:
    # Written and synced under a private name first, then hard-linked to `path`: link() fails
    # if `path` exists (the exclusivity), and until it succeeds nothing is at `path`.
    folder = os.path.dirname(path) or "."
    partial = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(8)}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except OSError as exc:  # named by the file asked for, not the private one
        raise OSError(exc.errno, exc.strerror, path) from None
    try:
        _write(fd, data, sync=True)
        try:
            os.link(partial, path, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            # A filesystem without hard links (some FUSE and network mounts): created
            # exclusively in place, which a crash mid-write can leave short, as before.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, OWNER_ONLY)
            _write(fd, data, sync=True)
    finally:  # never a second copy of the secret, whatever stopped the write
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
    # The new name itself survives a power cut; a filesystem that cannot sync a folder has
    # already made the file, which must not be reported as not written.
    with contextlib.suppress(OSError):
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
