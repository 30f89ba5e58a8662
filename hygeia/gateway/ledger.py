"""The gateway's own records, kept across restarts: the nonces of signed requests (a replay is
refused even after a restart) and the verification audit (every verification answered, for the
responder's records under DSCSA).

They live in an SQLite file of the gateway's state folder (default `.hygeia/gateway/<chain
id>.sqlite`, folder 0700, file 0600), not in the event index: the index is a cache of the chain
that may be dropped and rebuilt (and is rolled back on a reorg), while these records exist
nowhere else, and the gateway needs only read access to the index.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hygeia.core import times

#: Where the gateway's records live without --state.
DEFAULT_DIR = Path(".hygeia") / "gateway"

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS nonces (
        account TEXT NOT NULL,
        nonce TEXT NOT NULL,
        expires REAL NOT NULL,
        PRIMARY KEY (account, nonce)
    )""",
    "CREATE INDEX IF NOT EXISTS nonces_expires ON nonces (expires)",
    """CREATE TABLE IF NOT EXISTS verifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        answered_at TEXT NOT NULL,
        requester TEXT NOT NULL,
        req_gln TEXT NOT NULL,
        corr_uuid TEXT NOT NULL,
        context TEXT NOT NULL,
        gtin TEXT NOT NULL,
        serial TEXT NOT NULL,
        lot TEXT NOT NULL,
        expiry TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        verified INTEGER,
        failure_reason TEXT,
        additional_info TEXT
    )""",
)


def default_path(chain_id: int) -> Path:
    return DEFAULT_DIR / f"{chain_id}.sqlite"


@dataclass(frozen=True)
class AuditEntry:
    """One verification answered (or refused after the requester was authenticated)."""

    answered_at: datetime
    requester: str
    req_gln: str
    corr_uuid: str
    context: str
    gtin: str
    serial: str
    lot: str
    expiry: str
    http_status: int
    verified: bool | None = None
    failure_reason: str | None = None
    additional_info: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["answered_at"] = times.iso(self.answered_at)
        return data


class Ledger:
    """The nonce and audit tables of one gateway, in an owner-only SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # One connection shared by the server's worker threads, under a lock: the writes are
        # tiny, and SQLite serialises writers anyway.
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        # WAL with synchronous=NORMAL: a committed nonce or audit row survives the process
        # crashing (not the machine losing power), at one write per request instead of three.
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._transaction() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def use_nonce(self, account: str, nonce: str, *, expires: float, now: float) -> bool:
        """Record `nonce` of `account`, kept until `expires` (unix seconds); False if it was
        used before (a replay). Nonces past their expiry are dropped: a request that old is
        refused for its timestamp anyway."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM nonces WHERE expires < ?", (now,))
            try:
                conn.execute(
                    "INSERT INTO nonces (account, nonce, expires) VALUES (?, ?, ?)",
                    (account.lower(), nonce.lower(), expires),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def record(self, entry: AuditEntry) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO verifications (answered_at, requester, req_gln, corr_uuid, context, "
                "gtin, serial, lot, expiry, http_status, verified, failure_reason, "
                "additional_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    times.iso(entry.answered_at),
                    entry.requester,
                    entry.req_gln,
                    entry.corr_uuid,
                    entry.context,
                    entry.gtin,
                    entry.serial,
                    entry.lot,
                    entry.expiry,
                    entry.http_status,
                    None if entry.verified is None else int(entry.verified),
                    entry.failure_reason,
                    entry.additional_info,
                ),
            )

    def audit(self) -> list[AuditEntry]:
        """Every verification recorded, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT answered_at, requester, req_gln, corr_uuid, context, gtin, serial, lot, "
                "expiry, http_status, verified, failure_reason, additional_info "
                "FROM verifications ORDER BY id"
            ).fetchall()
        return [
            AuditEntry(
                times.parse_iso(row[0], "answered_at"),
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                row[8],
                int(row[9]),
                verified=None if row[10] is None else bool(row[10]),
                failure_reason=row[11],
                additional_info=row[12],
            )
            for row in rows
        ]
