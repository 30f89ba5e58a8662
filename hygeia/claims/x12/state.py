"""What the payer's X12 sending keeps across runs, in a folder of its own (default
`.hygeia/x12`; `--x12-state DIR`), one file per sender (interchange id):

- the last control number given out: each 835 file takes the next for its ISA13, GS06, ST02 and
  TRN02, so no two files of a sender share one, across runs and machines sharing the folder;
- which claim records were remitted, per deployment (chain id and adjudicator address), so a
  rerun writes nothing new for them, and in which file;
- the balance carried forward per payee (PLB FB) when a reversal took back more than an 835
  paid: recovered from that payee's next payments;
- the 835 files numbered but not yet published (a run stopped between saving the ledger and
  renaming its files): the next run publishes them before anything else.

The file is read and written under an exclusive lock (`flock` on `<sender>.lock`), so two runs
at once take distinct numbers; it is replaced atomically and readable by its owner only (0600),
as it names remitted claims.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hygeia.core.errors import RemittanceStateError
from hygeia.core.files import OWNER_ONLY, write_owner_only

DEFAULT_STATE_DIR = Path(".hygeia") / "x12"
#: ISA13 is 9 digits.
MAX_CONTROL = 999_999_999
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass
class Forward:
    """An amount (cents) a payee owes the payer, carried forward from an 835 (PLB FB), and the
    reference it was carried under."""

    amount: int
    reference: str


@dataclass
class Ledger:
    """The state of one sender, loaded under its lock."""

    control: int = 0
    remitted: dict[str, dict[str, int]] = field(default_factory=dict)
    forward: dict[str, dict[str, Forward]] = field(default_factory=dict)
    #: 835 files numbered and saved in the ledger but not yet published (moved from their
    #: temporary name to their own): {path: sha256 of the text}. A run finishes them first.
    pending: dict[str, str] = field(default_factory=dict)

    def next_control(self) -> int:
        if self.control >= MAX_CONTROL:
            raise RemittanceStateError(
                f"the control numbers of this sender reached {MAX_CONTROL:,}: start a new "
                "interchange id"
            )
        self.control += 1
        return self.control

    def remitted_in(self, scope: str, record_id: bytes) -> int | None:
        """The control number of the 835 that remitted this claim record, if one did."""
        return self.remitted.get(scope, {}).get(record_id.hex())

    def mark_remitted(self, scope: str, record_id: bytes, control: int) -> None:
        self.remitted.setdefault(scope, {})[record_id.hex()] = control

    def carried(self, scope: str, payee: str) -> Forward | None:
        return self.forward.get(scope, {}).get(payee)

    def carry(self, scope: str, payee: str, forward: Forward | None) -> None:
        book = self.forward.setdefault(scope, {})
        if forward is None or forward.amount == 0:
            book.pop(payee, None)
        else:
            book[payee] = forward

    def as_json(self) -> dict[str, Any]:
        return {
            "control": self.control,
            "remitted": self.remitted,
            "forward": {
                scope: {p: {"amount": f.amount, "reference": f.reference} for p, f in book.items()}
                for scope, book in self.forward.items()
            },
            "pending": dict(self.pending),
        }

    @classmethod
    def from_json(cls, data: Any, path: Path) -> Ledger:
        try:
            return cls(
                control=int(data["control"]),
                remitted={
                    str(scope): {str(k): int(v) for k, v in book.items()}
                    for scope, book in data.get("remitted", {}).items()
                },
                forward={
                    str(scope): {
                        str(p): Forward(int(f["amount"]), str(f["reference"]))
                        for p, f in book.items()
                    }
                    for scope, book in data.get("forward", {}).items()
                },
                pending={str(k): str(v) for k, v in data.get("pending", {}).items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RemittanceStateError(f"{path} is not a remittance state file: {exc}") from None


class RemittanceState:
    """The state folder of one sender (its interchange id)."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = Path(folder)
        name = _SAFE.sub("_", sender.strip()) or "sender"
        self.path = self.folder / f"{name}.json"
        self.lock_path = self.folder / f"{name}.lock"

    @contextmanager
    def open(self) -> Iterator[Ledger]:
        """The ledger, locked for this run; saved when the block ends without an error (so a
        failed run leaves it as it was)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, OWNER_ONLY)
        except OSError as exc:
            raise RemittanceStateError(
                f"cannot use the state folder {self.folder}: {exc}"
            ) from None
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            ledger = self._load()
            yield ledger
            self._save(ledger)
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)

    def commit(self, ledger: Ledger) -> None:
        """Save the ledger now, inside `open` (the control numbers it gave out are then never
        given out again, whatever happens next)."""
        self._save(ledger)

    def _load(self) -> Ledger:
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return Ledger()
        except OSError as exc:
            raise RemittanceStateError(f"cannot read {self.path}: {exc}") from None
        try:
            return Ledger.from_json(json.loads(text), self.path)
        except json.JSONDecodeError as exc:
            raise RemittanceStateError(f"{self.path} is not valid JSON: {exc}") from None

    def _save(self, ledger: Ledger) -> None:
        temporary = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        try:
            text = json.dumps(ledger.as_json(), indent=1, sort_keys=True)
            write_owner_only(temporary, text, sync=True)
            os.replace(temporary, self.path)
        except OSError as exc:
            raise RemittanceStateError(f"cannot write {self.path}: {exc}") from None
