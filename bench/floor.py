"""The EVM cost floor of a transaction: what it must pay for the state it writes and the events it
emits, however well its contract is written (../shared standards, "EVM cost floor").

Counted from what the transaction actually did, so the floor of an operation is its own:

- the intrinsic cost: 21,000, plus 16 gas per non-zero and 4 per zero calldata byte;
- each storage slot that went from zero to non-zero: 22,100 (a cold SSTORE of a new slot);
  each slot that changed from one non-zero value to another, or to zero: 5,000 (a cold update);
  a slot cleared to zero earns back 4,800, capped at a fifth of the floor (EIP-3529);
- each log: 375, plus 375 per topic and 8 per data byte;
- a contract creation adds 32,000, 2 gas per 32-byte word of init code (EIP-3860) and 200 per
  byte of deployed code; each contract its constructor creates in turn (ClaimsAdjudicator creates
  its ClaimsEscrow and ClaimsReader) adds 32,000 and 200 per byte of its deployed code (its init
  code, never seen in the trace, is left out).

Storage changes come from a prestateTracer trace in diff mode, the format Geth and Anvil share:
``pre`` holds the old value of each slot the transaction changed and ``post`` the new one, a slot
that was zero is missing from ``pre`` and a slot that became zero is missing from ``post``.
A slot written and restored in the same transaction (a reentrancy lock) changed nothing and costs
nothing here. Reads, hashing, calls and memory are left out: the floor is a lower bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TX_BASE = 21_000
CALLDATA_ZERO_BYTE = 4
CALLDATA_NONZERO_BYTE = 16
CREATE_BASE = 32_000
INITCODE_WORD = 2
WORD_SIZE = 32
CODE_DEPOSIT_BYTE = 200
SSTORE_NEW_COLD = 22_100  # 20,000 set + 2,100 cold slot access
SSTORE_UPDATE_COLD = 5_000  # 2,900 reset + 2,100 cold slot access
SSTORE_CLEAR_REFUND = 4_800
REFUND_CAP_QUOTIENT = 5
LOG_BASE = 375
LOG_TOPIC = 375
LOG_DATA_BYTE = 8


@dataclass(frozen=True)
class StorageChanges:
    """How many slots a transaction created, updated to another non-zero value, and cleared."""

    new: int = 0
    updated: int = 0
    cleared: int = 0


@dataclass(frozen=True)
class Log:
    """What a log costs by: its number of topics and the length of its data."""

    topics: int
    data_bytes: int


@dataclass(frozen=True)
class Floor:
    """A transaction's floor and what it is made of (gas per part, and the counts behind it)."""

    calldata_bytes: int
    intrinsic: int
    creation: int
    storage: int
    logs: int
    refund: int
    changes: StorageChanges
    events: int

    @property
    def total(self) -> int:
        return self.intrinsic + self.creation + self.storage + self.logs - self.refund


def calldata_gas(data: bytes) -> int:
    zeros = data.count(0)
    return zeros * CALLDATA_ZERO_BYTE + (len(data) - zeros) * CALLDATA_NONZERO_BYTE


def log_gas(log: Log) -> int:
    return LOG_BASE + LOG_TOPIC * log.topics + LOG_DATA_BYTE * log.data_bytes


def storage_changes(diff: Mapping[str, Any]) -> StorageChanges:
    """Count slot changes in a prestateTracer ``{"pre": ..., "post": ...}`` diff-mode result."""
    new = updated = cleared = 0
    pre, post = diff.get("pre") or {}, diff.get("post") or {}
    for account in set(pre) | set(post):
        before = _slots(pre.get(account))
        after = _slots(post.get(account))
        for slot in set(before) | set(after):
            old, value = before.get(slot, 0), after.get(slot, 0)
            if old == value:
                continue
            if old == 0:
                new += 1
            elif value == 0:
                cleared += 1
            else:
                updated += 1
    return StorageChanges(new=new, updated=updated, cleared=cleared)


def created_code_sizes(diff: Mapping[str, Any]) -> dict[str, int]:
    """Deployed code bytes of each contract a transaction created, by lower-case address: the
    accounts of a prestateTracer diff with code after the transaction and none before it."""
    pre, post = diff.get("pre") or {}, diff.get("post") or {}
    created = {}
    for account, state in post.items():
        code = str((state or {}).get("code") or "0x")
        if len(code) > 2 and len(str((pre.get(account) or {}).get("code") or "0x")) <= 2:
            created[account.lower()] = len(bytes.fromhex(code.removeprefix("0x")))
    return created


def transaction_floor(
    calldata: bytes,
    changes: StorageChanges,
    logs: Iterable[Log],
    *,
    deployed_code_bytes: int | None = None,
    inner_code_bytes: Iterable[int] = (),
) -> Floor:
    """The floor of one transaction; ``deployed_code_bytes`` is given for a contract creation
    (whose calldata is the init code), ``inner_code_bytes`` for each contract its constructor
    created."""
    logs = tuple(logs)
    creation = 0
    if deployed_code_bytes is not None:
        words = -(-len(calldata) // WORD_SIZE)
        creation = CREATE_BASE + INITCODE_WORD * words + CODE_DEPOSIT_BYTE * deployed_code_bytes
        creation += sum(CREATE_BASE + CODE_DEPOSIT_BYTE * size for size in inner_code_bytes)
    intrinsic = TX_BASE + calldata_gas(calldata)
    storage = SSTORE_NEW_COLD * changes.new + SSTORE_UPDATE_COLD * (
        changes.updated + changes.cleared
    )
    log_cost = sum(log_gas(log) for log in logs)
    gross = intrinsic + creation + storage + log_cost
    refund = min(SSTORE_CLEAR_REFUND * changes.cleared, gross // REFUND_CAP_QUOTIENT)
    return Floor(
        calldata_bytes=len(calldata),
        intrinsic=intrinsic,
        creation=creation,
        storage=storage,
        logs=log_cost,
        refund=refund,
        changes=changes,
        events=len(logs),
    )


def _slots(account: Mapping[str, Any] | None) -> dict[int, int]:
    storage = (account or {}).get("storage") or {}
    return {int(slot, 16): int(value, 16) for slot, value in storage.items()}
