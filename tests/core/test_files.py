"""Owner-only files: the one writer of every file that holds health data or leads to it."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from hygeia.core.files import write_owner_only


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files world-readable (and writable)."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_its_owners_only_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "bundle.json"
    write_owner_only(path, "{}")
    assert path.read_text() == "{}"
    assert mode_of(path) == 0o600


def test_an_existing_world_readable_file_is_tightened_before_it_is_overwritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.json"
    path.write_text("old contents that are longer")
    path.chmod(0o644)
    write_owner_only(path, b"new")
    assert path.read_bytes() == b"new"
    assert mode_of(path) == 0o600


def test_a_symbolic_link_is_refused_and_its_target_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OSError):
        write_owner_only(link, "overwrite")
    assert target.read_text() == "keep"


def test_an_exclusive_write_never_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "salt"
    write_owner_only(path, "first", exclusive=True)
    with pytest.raises(FileExistsError):
        write_owner_only(path, "second", exclusive=True)
    assert path.read_text() == "first"
    assert mode_of(path) == 0o600


def test_a_synced_write_is_complete_when_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "835.tmp"
    write_owner_only(path, b"ISA*" * 1000, sync=True)
    assert path.read_bytes() == b"ISA*" * 1000


def test_an_exclusive_write_cut_short_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process killed while writing a salt or a key must not leave an empty or partial one at
    its name: the next run would refuse it (or worse, use it)."""
    path = tmp_path / "salt"

    def killed(fd: int) -> None:
        raise KeyboardInterrupt  # the process dies before its bytes reach the disk

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        write_owner_only(path, "ab" * 32 + "\n", exclusive=True)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []  # neither the salt nor a private copy of it
    write_owner_only(path, "cd" * 32 + "\n", exclusive=True)
    assert path.read_text() == "cd" * 32 + "\n"


def test_an_exclusive_write_into_a_missing_folder_names_the_file_asked_for(
    tmp_path: Path,
) -> None:
    path = tmp_path / "missing" / "key.pem"
    with pytest.raises(FileNotFoundError) as raised:
        write_owner_only(path, b"PEM", exclusive=True)
    assert raised.value.filename == str(path)


def test_an_exclusive_write_leaves_only_the_file_it_names(tmp_path: Path) -> None:
    write_owner_only(tmp_path / "key.pem", b"PEM", exclusive=True)
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_an_exclusive_write_does_not_follow_a_symbolic_link_planted_at_its_name(
    tmp_path: Path,
) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / "salt").symlink_to(target)
    with pytest.raises(FileExistsError):
        write_owner_only(tmp_path / "salt", "secret", exclusive=True)
    assert not target.exists()


def test_an_exclusive_write_on_a_filesystem_without_hard_links_still_writes_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "key.pem"
    write_owner_only(path, b"PEM", exclusive=True)
    assert path.read_bytes() == b"PEM" and mode_of(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]
    with pytest.raises(FileExistsError):
        write_owner_only(path, b"other", exclusive=True)
    assert path.read_bytes() == b"PEM"
