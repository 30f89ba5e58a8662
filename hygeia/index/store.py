"""The index database behind one interface, chosen by a URL: `sqlite:///path` (the default, a file
under the project's state folder) or `postgresql://user@host:port/db` (through psycopg 3).

Every write of a block range (its blocks, its events and the cursor) is one transaction, so the
database always holds whole ranges: a killed indexer resumes at the cursor and never writes an
event twice (and `logs` is unique by (block hash, log index) besides).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.exc import InterfaceError as SAInterfaceError

from hygeia.core.errors import (
    IndexMismatchError,
    IndexStoreError,
    IndexUnavailableError,
    InvalidInputError,
)
from hygeia.index import domain, schema
from hygeia.index.schema import Block as Block
from hygeia.index.schema import LogRow as LogRow

T = TypeVar("T")

#: Where the index lives without --index or HYGEIA_INDEX: one SQLite file per chain id.
DEFAULT_DIR = Path(".hygeia") / "index"


def default_url(chain_id: int) -> str:
    return f"sqlite:///{DEFAULT_DIR / f'{chain_id}.sqlite'}"


def engine_for(url: str) -> Engine:
    """An engine for an index URL; `postgresql://` uses psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInputError(
            f"not a database URL: {url!r} (sqlite:///path or postgresql://...)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _create_private(Path(parsed.database))
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    raise InvalidInputError(
        f"index URL {url!r}: only sqlite:///path and postgresql://... are supported"
    )


def _create_private(path: Path) -> None:
    """A new SQLite index is its owner's only, like the suite's other files: its folder 0700,
    the file 0600 (SQLite gives its WAL and shared-memory files the database's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL: a reader (a CLI command, a test) never blocks the indexer's writes, nor they it.
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class IndexStore:
    """The index database: schema, cursor, blocks and events."""

    def __init__(self, url: str, *, retries: int = 5, backoff: float = 0.5) -> None:
        self.url = url
        self.engine = engine_for(url)
        self.retries = retries
        self.backoff = backoff

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def shown_url(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # --- connection faults --------------------------------------------------------------------

    def _retry(self, what: Callable[[], T]) -> T:
        """Run `what`; a refused or dropped connection is retried with backoff, then raised as
        IndexUnavailableError. Nothing half-written stays: each attempt is one transaction."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return what()
            except (OperationalError, SAInterfaceError) as exc:
                if not _transient(exc) or attempt == self.retries:
                    raise IndexUnavailableError(
                        f"the index database {self.shown_url()} refuses or lost the connection: "
                        f"{_first_line(exc)}"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise AssertionError("unreachable")

    # --- schema and identity ------------------------------------------------------------------

    def prepare(self, chain_id: int, genesis_hash: str, contracts: dict[str, str]) -> None:
        """Migrate the schema and bind the database to this chain and deployment (refusing
        another one's database)."""

        def run() -> None:
            with self.engine.begin() as conn:
                stored = schema.current_version(conn)
                if stored > schema.VERSION:
                    raise IndexStoreError(
                        f"the index {self.shown_url()} has schema version {stored}, newer than "
                        f"this hygeia's {schema.VERSION}: upgrade hygeia"
                    )
                schema.migrate(conn)
                row = conn.execute(select(schema.meta)).mappings().first()
                wanted = json.dumps(contracts, sort_keys=True)
                if row is None:
                    conn.execute(
                        insert(schema.meta).values(
                            id=1, chain_id=chain_id, genesis_hash=genesis_hash, contracts=wanted
                        )
                    )
                elif (int(row["chain_id"]), row["genesis_hash"]) != (chain_id, genesis_hash):
                    raise IndexMismatchError(
                        f"the index {self.shown_url()} holds chain {row['chain_id']} (genesis "
                        f"{row['genesis_hash']}), not chain {chain_id} (genesis {genesis_hash}): "
                        "use another --index"
                    )
                elif row["contracts"] != wanted:
                    raise IndexMismatchError(
                        f"the index {self.shown_url()} holds another deployment of the suite "
                        "on this chain: use another --index"
                    )

        self._retry(run)

    def check_serves(self, chain_id: int, genesis_hash: str, contracts: dict[str, str]) -> None:
        """Refuse to answer for a chain or deployment this database does not index (read-only:
        nothing is migrated or bound). IndexStoreError when nothing was indexed yet."""

        def run() -> None:
            with self.engine.connect() as conn:
                if schema.current_version(conn) == 0:
                    raise IndexStoreError(
                        f"the index {self.shown_url()} is empty: run `hygeia index` first"
                    )
                row = conn.execute(select(schema.meta)).mappings().first()
            if row is None:
                raise IndexStoreError(
                    f"the index {self.shown_url()} is empty: run `hygeia index` first"
                )
            stored = json.loads(row["contracts"])
            # Every contract the index follows must be the deployment's own.
            if (int(row["chain_id"]), row["genesis_hash"]) != (chain_id, genesis_hash) or any(
                contracts.get(name, "").lower() != address.lower()
                for name, address in stored.items()
            ):
                raise IndexMismatchError(
                    f"the index {self.shown_url()} indexes another chain or deployment than "
                    f"the suite on chain {chain_id}: use another --index"
                )

        self._retry(run)

    def schema_version(self) -> int:
        def run() -> int:
            with self.engine.begin() as conn:
                return schema.current_version(conn)

        return self._retry(run)

    # --- reading ------------------------------------------------------------------------------

    def cursor(self) -> Block | None:
        """The last block indexed, or None before the first range."""

        def run() -> Block | None:
            with self.engine.connect() as conn:
                row = conn.execute(select(schema.cursor)).mappings().first()
            return None if row is None else Block(int(row["block_number"]), row["block_hash"])

        return self._retry(run)

    def blocks_from(self, below: int) -> list[Block]:
        """Stored blocks at or below `below`, highest first (where a fork point is looked for)."""

        def run() -> list[Block]:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(schema.blocks.c.number, schema.blocks.c.hash)
                    .where(schema.blocks.c.number <= below)
                    .order_by(schema.blocks.c.number.desc())
                ).all()
            return [Block(int(n), h) for n, h in rows]

        return self._retry(run)

    def event_count(self) -> int:
        def run() -> int:
            with self.engine.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(schema.logs)).scalar_one())

        return self._retry(run)

    def dump(self) -> dict[str, Any]:
        """What two indexes of the same chain must agree on, whatever ranges they were read in:
        every event (but row ids) in chain order, the blocks they are in (with their times), the
        cursor, and every domain table's rows (but row ids) in chain order."""

        def run() -> dict[str, Any]:
            with self.engine.connect() as conn:
                cols = [c for c in schema.logs.c if c.name != "id"]
                rows = conn.execute(
                    select(*cols).order_by(schema.logs.c.block_number, schema.logs.c.log_index)
                ).all()
                stored: dict[int, str] = {
                    int(n): str(h)
                    for n, h in conn.execute(select(schema.blocks.c.number, schema.blocks.c.hash))
                }
                at = conn.execute(select(schema.cursor)).mappings().first()
                tables = domain.dump(conn)
                times = dict(
                    conn.execute(
                        select(schema.block_times.c.number, schema.block_times.c.timestamp)
                    )
                    .tuples()
                    .all()
                )
            event_blocks = sorted({(r.block_number, r.block_hash) for r in rows})
            return {
                "logs": [tuple(r) for r in rows],
                # each event's block is stored, with the event's hash
                "event_blocks": [(n, h, stored.get(n) == h) for n, h in event_blocks],
                "cursor": None if at is None else (int(at["block_number"]), at["block_hash"]),
                "domain": tables,
                # every event's block has its time
                "event_block_times": [times.get(n) is not None for n, _ in event_blocks],
            }

        return self._retry(run)

    # --- writing ------------------------------------------------------------------------------

    def write_range(self, blocks: Iterable[Block], rows: Sequence[LogRow], last: Block) -> None:
        """Store one block range: its blocks, its events and the cursor at `last`, atomically."""
        block_list = {b.number: b for b in blocks}
        block_list[last.number] = last

        def run() -> None:
            with self.engine.begin() as conn:
                numbers = list(block_list)
                # A block re-stored after a rollback replaces any stale hash at its height.
                conn.execute(delete(schema.blocks).where(schema.blocks.c.number.in_(numbers)))
                conn.execute(
                    insert(schema.blocks),
                    [{"number": b.number, "hash": b.hash} for b in block_list.values()],
                )
                times = [
                    {"number": b.number, "timestamp": b.timestamp}
                    for b in block_list.values()
                    if b.timestamp is not None
                ]
                if times:
                    conn.execute(
                        delete(schema.block_times).where(
                            schema.block_times.c.number.in_([t["number"] for t in times])
                        )
                    )
                    conn.execute(insert(schema.block_times), times)
                if rows:
                    conn.execute(insert(schema.logs), [r.as_values() for r in rows])
                    # The domain tables in the same transaction: whole ranges there too.
                    domain.write(conn, rows)
                self._set_cursor(conn, last)

        self._retry(run)

    def rollback_to(self, fork: Block | None) -> int:
        """Forget everything above `fork` (None: everything); the number of events dropped."""
        height = -1 if fork is None else fork.number

        def run() -> int:
            with self.engine.begin() as conn:
                dropped = conn.execute(
                    delete(schema.logs).where(schema.logs.c.block_number > height)
                ).rowcount
                conn.execute(delete(schema.blocks).where(schema.blocks.c.number > height))
                conn.execute(delete(schema.block_times).where(schema.block_times.c.number > height))
                domain.rollback(conn, height)
                if fork is None:
                    conn.execute(delete(schema.cursor))
                else:
                    self._set_cursor(conn, fork)
                return int(dropped or 0)

        return self._retry(run)

    @staticmethod
    def _set_cursor(conn: Any, at: Block) -> None:
        done = conn.execute(
            update(schema.cursor)
            .where(schema.cursor.c.id == 1)
            .values(block_number=at.number, block_hash=at.hash)
        ).rowcount
        if not done:
            conn.execute(
                insert(schema.cursor).values(id=1, block_number=at.number, block_hash=at.hash)
            )


def _transient(exc: Exception) -> bool:
    """A connection refused, reset or timed out (retry), as opposed to a bad password or a
    missing database (which retrying does not fix)."""
    text = str(exc).lower()
    permanent = ("password authentication", "does not exist", "no such table", "role ")
    if any(p in text for p in permanent):
        return False
    return bool(getattr(exc, "connection_invalidated", False)) or any(
        s in text
        for s in (
            "connection refused",
            "could not connect",
            "server closed",
            "terminating connection",
            "connection reset",
            "timeout",
            "timed out",
            "database is locked",
            "the database system is starting up",
            "the database system is shutting down",
        )
    )


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def index_url_from_env(explicit: str | None) -> str | None:
    return explicit or os.environ.get("HYGEIA_INDEX") or None
