"""How fast records are encrypted and stored, beside the store's own speed for the same bytes.

For each size and store, two timings on fresh random bytes each time (so no store can answer from
blocks it already has):

- raw add: ``store.add(payload)``;
- encrypt + store: :func:`~hygeia.records.seal_record` (AES-256-GCM under a fresh data key, the
  envelope carrying :func:`~hygeia.records.build_key_bundle`'s bundle, the key wrapped for the
  owner), then one ``store.add_all`` of that one file, encrypted a chunk at a time as the store
  reads it: what the vault does with a record's bytes;
- encrypt only: the key bundle and one pass over the sealed envelope with no store, timed apart.

The payload is opaque random bytes, not FHIR JSON: validating a 50 MiB resource would measure the
FHIR models, not the crypto and store path. MB is 10^6 bytes.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from rich.progress import Progress

from bench.nodes import fresh_ipfs
from hygeia.core.store import ContentStore, KuboStore, LocalStore
from hygeia.dev.nodes.ipfs import JS_IPFS
from hygeia.records import (
    RecordRef,
    build_key_bundle,
    generate_private_key,
    public_key_bytes,
    seal_record,
)

KIB, MIB = 1 << 10, 1 << 20
SIZES: dict[str, int] = {"1 KiB": KIB, "1 MiB": MIB, "50 MiB": 50 * MIB}
MB = 1_000_000
# Each (size, store) repeats until this much time is spent, within these bounds; rates are
# medians, so one run slowed by a neighbour's disk flush does not move them.
BUDGET_SECONDS = 2.0
MIN_REPETITIONS, MAX_REPETITIONS = 5, 1_000
# A 50 MiB add to js-ipfs takes seconds; the store's default timeout is for small records.
IPFS_TIMEOUT_SECONDS = 300.0

#: A store to measure: a name and a context giving a fresh, empty instance of it.
StoreFactory = Callable[[], AbstractContextManager[tuple[str, ContentStore]]]


@dataclass(frozen=True)
class RecordsRow:
    store: str
    size: str
    size_bytes: int
    repetitions: int
    raw_add_mb_s: float
    crypto_mb_s: float
    encrypt_store_mb_s: float
    overhead: float  # median time to encrypt and store / median time to store the plaintext


@contextmanager
def embedded_store() -> Iterator[tuple[str, ContentStore]]:
    with tempfile.TemporaryDirectory(prefix="hygeia-bench-store-") as folder:
        yield "embedded (LocalStore)", LocalStore(folder)


@contextmanager
def ipfs_store() -> Iterator[tuple[str, ContentStore]]:
    with fresh_ipfs() as node:
        store = KuboStore(node.url, timeout=IPFS_TIMEOUT_SECONDS)
        try:
            # js-ipfs answers `version` with its ipfs-core version (0.18 for js-ipfs 0.66).
            kind = "js-ipfs core" if Path(node.command[0]).name == JS_IPFS.name else "Kubo"
            yield f"IPFS node ({kind} {store.version()})", store
        finally:
            store.close()


STORES: dict[str, StoreFactory] = {"embedded": embedded_store, "ipfs": ipfs_store}


def run(
    progress: Progress,
    sizes: Mapping[str, int] = SIZES,
    stores: Mapping[str, StoreFactory] = STORES,
    budget: float = BUDGET_SECONDS,
    min_repetitions: int = MIN_REPETITIONS,
) -> list[RecordsRow]:
    rows: list[RecordsRow] = []
    task = progress.add_task("records", total=len(sizes) * len(stores))
    for key, open_store in stores.items():
        progress.update(task, description=f"records: starting the {key} store")
        with open_store() as (name, store):
            for label, size in sizes.items():
                progress.update(task, description=f"records: {label} on the {key} store")
                rows.append(_measure(store, name, label, size, budget, min_repetitions))
                progress.advance(task)
    return rows


def _measure(
    store: ContentStore, name: str, label: str, size: int, budget: float, min_repetitions: int
) -> RecordsRow:
    """Median times of a raw add and of encrypt + store, over as many runs as fit the budget.

    The two alternate which goes first, so neither always follows the other's disk flushes.
    """
    owner_key = public_key_bytes(generate_private_key())
    raw: list[float] = []
    crypto: list[float] = []
    sealed_and_stored: list[float] = []

    def add_raw() -> None:
        payload = os.urandom(size)
        started = time.perf_counter()
        store.add(payload)
        raw.append(time.perf_counter() - started)

    def encrypt_and_add() -> None:
        plaintext = os.urandom(size)
        ref = RecordRef(record_id=os.urandom(32), owner=os.urandom(20), version=1)
        started = time.perf_counter()
        sealed = seal_record(
            plaintext, ref, lambda key: build_key_bundle(key, ref, owner_key).to_json()
        )
        sealed_at = time.perf_counter()
        store.add_all([sealed])
        stored = time.perf_counter()
        for _ in sealed.chunks():  # the encryption alone, as the store's pass made it
            pass
        crypto.append(sealed_at - started + time.perf_counter() - stored)
        sealed_and_stored.append(stored - started)

    while len(raw) < min_repetitions or (
        sum(raw) + sum(sealed_and_stored) < budget and len(raw) < MAX_REPETITIONS
    ):
        steps = (add_raw, encrypt_and_add) if len(raw) % 2 == 0 else (encrypt_and_add, add_raw)
        for step in steps:
            step()
    megabytes = size / MB
    return RecordsRow(
        store=name,
        size=label,
        size_bytes=size,
        repetitions=len(raw),
        raw_add_mb_s=megabytes / median(raw),
        crypto_mb_s=megabytes / median(crypto),
        encrypt_store_mb_s=megabytes / median(sealed_and_stored),
        overhead=median(sealed_and_stored) / median(raw),
    )
