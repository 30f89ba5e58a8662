"""DrugProvenance gas: commissioning does not depend on the lot size, and every shipment, of a
whole holding or of a subset, stays within 1.3x the EVM floor of its storage writes and event
(standards.md; docs/benchmarks.md#shipping-gas)."""

from __future__ import annotations

from hygeia.provenance import ids
from hygeia.provenance.merkle import LotTree

# On brownie's chain with the contract tests' fixtures (found by name once imported).
from tests.brownie_support import *  # noqa: F403
from tests.contracts.drug_provenance.support import *  # noqa: F403
from tests.contracts.drug_provenance.support import (
    CID,
    EXPIRY,
    GTIN,
    UNSELECTED,
    epcis,
)

TX = 21_000
NEW_SLOT = 22_100  # 20,000 + 2,100 cold
UPDATE = 5_000  # 2,900 + 2,100 cold
LOG, TOPIC, LOG_BYTE = 375, 375, 8
WORD = 32
SHIPMENT_BOUND = 1.3


def calldata_gas(data: bytes) -> int:
    return sum(4 if b == 0 else 16 for b in data)


def log_gas(topics: int, data_bytes: int) -> int:
    return LOG + TOPIC * topics + LOG_BYTE * data_bytes


def padded(length: int) -> int:
    """The bytes that `length` bytes of a dynamic ABI value take: whole 32-byte words."""
    return -(-length // WORD) * WORD


# ShipmentDispatched: 3 indexed topics + its signature; 7 data words (parent, sender,
# transfersOwnership, units, commitment, parentCommitment, epcisHash), the CID's offset and
# length words, and the CID's bytes padded to whole words.
SHIPMENT_EVENT_BYTES = WORD * (7 + 2) + padded(len(CID))


def report(name, gas):
    print(f"\nGAS {name}: {gas:,}")
    return gas


def test_commissioning_100000_serials_costs_the_same_gas_as_10(provenance, lot, manufacturer):
    # `lot` was commissioned first, so both lots below extend the product's lot list alike.
    costs = {}
    for size, lot_number in ((10, "SMALL"), (100_000, "LARGE")):
        tree = LotTree.of_units(ids.unit_id(GTIN, ids.digest(f"S{i:06d}")) for i in range(size))
        tx = provenance.commission(
            GTIN,
            ids.digest(lot_number),
            EXPIRY,
            size,
            tree.root,
            epcis(lot_number),
            CID,
            {"from": manufacturer},
        )
        costs[size] = report(f"commission ({size:,} serials)", tx.gas_used)
    # Only the calldata bytes of the quantity and root differ (zero vs non-zero bytes).
    assert abs(costs[100_000] - costs[10]) <= 2 * 32 * 12


def test_a_whole_holding_shipment_stays_within_1_3x_of_its_floor(
    provenance, lot, distributor, manufacturer
):
    tx = provenance.ship(
        lot.commissioning, UNSELECTED, distributor, True, epcis("ship"), CID, {"from": manufacturer}
    )
    # Three new slots (commitment, custodian word, receiver; the owner is the custodian), the
    # parent's commitment and unit-count word updated, and the event.
    floor = (
        TX
        + calldata_gas(bytes.fromhex(tx.input[2:]))
        + 3 * NEW_SLOT
        + 2 * UPDATE
        + log_gas(4, SHIPMENT_EVENT_BYTES)
    )
    # The floor counts the event's data bytes exactly (its only log).
    assert [len(bytes(log["data"])) for log in tx.logs] == [SHIPMENT_EVENT_BYTES]
    report(f"ship whole holding (floor {floor:,})", tx.gas_used)
    assert tx.gas_used <= SHIPMENT_BOUND * floor


def test_a_subset_shipment_stays_within_1_3x_of_its_floor(
    provenance, lot, distributor, manufacturer
):
    selection = lot.selection(lot.commissioning, ["SN0001", "SN0002", "SN0005"])
    tx = provenance.ship(
        lot.commissioning, selection, distributor, True, epcis("ship"), CID, {"from": manufacturer}
    )
    floor = (
        TX
        + calldata_gas(bytes.fromhex(tx.input[2:]))
        + 3 * NEW_SLOT
        + 2 * UPDATE
        + log_gas(4, SHIPMENT_EVENT_BYTES)
    )
    report(f"ship 3 of 8 units (floor {floor:,})", tx.gas_used)
    assert tx.gas_used <= SHIPMENT_BOUND * floor
