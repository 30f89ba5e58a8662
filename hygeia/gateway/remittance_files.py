"""The X12 835 files an insurer's runs wrote (`hygeia claims remit --x12-dir DIR`), as the claims
API serves them: an 835 is the payer's own document, numbered from its control-number state, so
the gateway hands out the files issued rather than issuing new ones. Which claims a file remits
is read from its CLP segments (CLP07, the payer claim control number, maps back to the on-chain
claim id with no table)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from hygeia.claims.ids import claim_id_of_payer_number
from hygeia.core.errors import InvalidInputError

#: The name `hygeia claims remit` gives an 835: payee NPI and control number.
FILE_NAME = re.compile(r"835-\d{10}-\d{9}\.x12")
_ISA_LENGTH = 106  # ISA is fixed-width: its 4th character separates elements, its last ends it


@dataclass(frozen=True)
class RemittanceFile:
    name: str
    claims: frozenset[bytes]


def claims_of_835(text: str) -> frozenset[bytes]:
    """The on-chain ids of the claims an 835 remits (its CLP07s)."""
    if not text.startswith("ISA") or len(text) < _ISA_LENGTH:
        raise InvalidInputError("not an X12 interchange")
    element, terminator = text[3], text[_ISA_LENGTH - 1]
    found = set()
    for segment in text.split(terminator):
        parts = segment.strip().split(element)
        if parts[0] == "CLP" and len(parts) > 7:
            found.add(claim_id_of_payer_number(parts[7]))
    return frozenset(found)


class RemittanceFiles:
    """The 835 files of one folder, each read once (again when it changes)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._seen: dict[str, tuple[tuple[int, int], RemittanceFile]] = {}
        self._lock = threading.Lock()

    def files(self) -> list[RemittanceFile]:
        """Every 835 of the folder, by name (so by payee, then control number)."""
        if self.folder is None or not self.folder.is_dir():
            return []
        found = []
        with self._lock:
            for path in sorted(self.folder.iterdir()):
                if not FILE_NAME.fullmatch(path.name) or not path.is_file():
                    continue
                stat = path.stat()
                key = (stat.st_mtime_ns, stat.st_size)
                seen = self._seen.get(path.name)
                if seen is None or seen[0] != key:
                    try:
                        claims = claims_of_835(path.read_text())
                    except InvalidInputError:
                        continue  # not an 835 of this payer: nothing to serve
                    seen = (key, RemittanceFile(path.name, claims))
                    self._seen[path.name] = seen
                found.append(seen[1])
        return found

    def text(self, name: str) -> str:
        if self.folder is None or not FILE_NAME.fullmatch(name):
            raise InvalidInputError(f"not an 835 file name: {name[:40]!r}")
        return (self.folder / name).read_text()
