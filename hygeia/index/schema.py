"""The index's relational schema (SQLAlchemy Core) and its versioned migrations.

The schema is versioned in the table `schema_version` (one row); `migrate` applies, in one
transaction each, the migrations above the stored version, in order. A migration is a function of
a connection, written with SQLAlchemy's schema objects, never SQL text built from values. Every
backend (SQLite, PostgreSQL) gets the same tables from the same code.

Tables (version 1):

- `meta`: one row, the chain and deployment the database indexes (chain id, genesis hash, the
  address book's contract addresses): a database is never fed by another chain.
- `cursor`: one row, the last block taken as indexed (number and hash), written in the same
  transaction as that block range's events, so a killed indexer resumes exactly there.
- `blocks`: (number, hash) of every block the index holds an event of, and of every range's last
  block: what a reorganisation is detected and rolled back against.
- `logs`: one row per event, unique by (block hash, log index): the contract, the decoded event
  name, block number, transaction hash, the indexed arguments as columns `arg1`..`arg3` (as text:
  checksummed addresses, 0x-hex bytes, decimal integers) and every argument as JSON (`args`).

Version 2 adds the domain tables (participants and credentials, consents and provisions, record
anchors and versions, accesses and break-glass, lots, holdings, shipments and custody, claims,
lines, payments, appeals: hygeia.index.domain), filled from the stored events by the migration,
and `block_times` (each stored block's timestamp).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)

metadata = MetaData()


@dataclass(frozen=True)
class Block:
    number: int
    hash: str
    # When the chain gave it (unix seconds), if read: not part of a block's identity.
    timestamp: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LogRow:
    """One decoded event as the index stores it."""

    block_number: int
    block_hash: str
    log_index: int
    tx_hash: str
    contract: str
    address: str
    event: str
    arg1: str | None
    arg2: str | None
    arg3: str | None
    args: str  # JSON

    def as_values(self) -> dict[str, Any]:
        return dict(self.__dict__)


schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chain_id", BigInteger, nullable=False),
    Column("genesis_hash", String(66), nullable=False),
    Column("contracts", Text, nullable=False),  # JSON {name: address}
)

cursor = Table(
    "cursor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("block_number", BigInteger, nullable=False),
    Column("block_hash", String(66), nullable=False),
)

blocks = Table(
    "blocks",
    metadata,
    Column("number", BigInteger, primary_key=True),
    Column("hash", String(66), nullable=False),
)

logs = Table(
    "logs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("block_number", BigInteger, nullable=False, index=True),
    Column("block_hash", String(66), nullable=False),
    Column("log_index", Integer, nullable=False),
    Column("tx_hash", String(66), nullable=False),
    Column("contract", String(64), nullable=False),
    Column("address", String(42), nullable=False),
    Column("event", String(64), nullable=False),
    Column("arg1", String(80), nullable=True),
    Column("arg2", String(80), nullable=True),
    Column("arg3", String(80), nullable=True),
    Column("args", Text, nullable=False),
    UniqueConstraint("block_hash", "log_index", name="logs_block_hash_log_index"),
    # What readers ask: one event of one contract by an indexed argument.
    Index("logs_event_arg1", "contract", "event", "arg1"),
    Index("logs_event_arg2", "contract", "event", "arg2"),
    Index("logs_event_arg3", "contract", "event", "arg3"),
)


# Version 2: the time of every stored block, so readers date events without asking the node.
block_times = Table(
    "block_times",
    metadata,
    Column("number", BigInteger, primary_key=True),
    Column("timestamp", BigInteger, nullable=False),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[meta, cursor, blocks, logs])


def _v2(conn: Connection) -> None:
    """The domain tables (hygeia.index.domain) and block times; the domain tables are filled
    from the events already stored (block times of those stay unknown: readers ask the node)."""
    from hygeia.index import domain

    metadata.create_all(conn, tables=[*domain.TABLES, block_times])
    domain.backfill(conn)


#: Migrations in order: MIGRATIONS[n] brings the schema from version n to n + 1.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2)
#: The version this code reads and writes.
VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The stored schema version (0 for an empty database)."""
    schema_version.create(conn, checkfirst=True)
    stored = conn.execute(select(schema_version.c.version)).scalar()
    return int(stored) if stored is not None else 0


def migrate(conn: Connection) -> int:
    """Bring the schema up to VERSION inside the caller's transaction; the version reached."""
    version = current_version(conn)
    for step in range(version, VERSION):
        MIGRATIONS[step](conn)
        if step == 0:
            conn.execute(insert(schema_version).values(id=1, version=step + 1))
        else:
            conn.execute(update(schema_version).values(version=step + 1))
    return max(version, VERSION)
