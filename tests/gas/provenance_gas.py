"""Gas of every state-changing DrugProvenance function, and each one's EVM floor.

`measure(url)` deploys the suite on the given fresh chain (hygeia.deploy.deploy_suite), gives
the manufacturer, distributor and pharmacy their credentials and calls each function once with
fixed inputs, so the figures are deterministic: "DrugProvenance.<op>" -> gas used.

FLOORS is what the EVM charges at least for the same transaction (standards.md): 21,000 for the
transaction, 16 gas per non-zero and 4 per zero calldata byte, 22,100 per storage slot written
from zero (20,000 + 2,100 cold), 5,000 per update of a non-zero slot (2,900 + 2,100 cold), minus
the 4,800 refund of each slot cleared to zero, and 375 + 375 per topic + 8 per data byte for the
event. The slot counts per operation follow contracts/DrugProvenance.sol's storage layout and
are listed in _WRITES. Everything a floor leaves out (cold account and slot reads, the
ParticipantRegistry calls that check credentials, hashing, memory) is the contract's overhead.
"""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from eth_utils import keccak
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import Receipt, TxSender, connect, dev_signer
from hygeia.core.contract_types import Role, Scope
from hygeia.core.times import from_unix
from hygeia.deploy import deploy_suite
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance import ids
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.merkle import LotTree, Word, words
from tests.gas import gas_used

TX, NEW_SLOT, UPDATE, REFUND = 21_000, 22_100, 5_000, 4_800
LOG, TOPIC, LOG_BYTE = 375, 375, 8
VALID_FROM, VALID_UNTIL = from_unix(1_700_000_000), from_unix(4_000_000_000)

GTIN, PREFIX, LOW, HIGH = 614141000418, 7, 200, 2500
NAME = keccak(text="Amoxicillin 500 mg capsules")
LOT, EXPIRY = ids.digest("LOT-GAS"), 301231  # YYMMDD, as the contract takes it
SERIALS = tuple(f"G{i:04d}" for i in range(8))
TREE = LotTree.of_units(ids.unit_id(GTIN, ids.digest(s)) for s in SERIALS)
# A second lot, large enough to show how a subset shipment's gas grows with the units listed.
BIG_LOT, BIG_SIZE = ids.digest("LOT-GAS-BIG"), 1024
BIG_SERIALS = tuple(f"B{i:04d}" for i in range(BIG_SIZE))
BIG_TREE = LotTree.of_units(ids.unit_id(GTIN, ids.digest(s)) for s in BIG_SERIALS)
MAKER_GLN, MAKER_SITE = 614141000012, 614141000029  # GLN-13s 0614141000012 and 0614141000029
CID = bytes.fromhex("01551220") + keccak(text="an EPCIS document")  # binary CIDv1, 36 bytes
REASON = keccak(text="gas measurement")
NO_STANDING: tuple[bytes, int, list[bytes]] = (bytes(32), 0, [])  # the manufacturer needs none
DEV = {
    "regulator": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "manufacturer": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    "distributor": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    "pharmacy": "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
}


def epcis_hash(label: str) -> bytes:
    return keccak(text=f"gas {label}")


def holding(creator: str, label: str, holder: str | None = None) -> bytes:
    """The holding `creator` made with the event of `label` for `holder` (itself by default)."""
    return ids.holding_id(DEV[creator], epcis_hash(label), DEV[holder or creator])


def _unit(serial: str) -> tuple[int, list[bytes]]:
    """A unit of the small lot: its position and its proof in the lot's tree."""
    return TREE.unit_proof(ids.unit_id(GTIN, ids.digest(serial)))


def _held_unit(serial: str, held: list[Word]) -> tuple[int, list[bytes], list[Word]]:
    """What dispense and destroy take: the unit's position and proof, the holding's words."""
    position, proof = _unit(serial)
    return (position, proof, held)


# ------------------------------------------------------------------------------ the calls


def _calls() -> list[tuple[str | None, str, str, tuple[Any, ...]]]:
    """(op, signer, function, args) in the order `measure` makes them; op None: a set-up call
    whose gas is not reported (an operation measured already)."""
    stock = holding("manufacturer", "commission")
    at_distributor = holding("manufacturer", "to distributor", "distributor")
    at_pharmacy = holding("distributor", "to pharmacy", "pharmacy")
    again = holding("distributor", "again", "pharmacy")
    # The pharmacy's holding is a subset shipment: its words are the positions it holds.
    four, after_dispense = words(range(4)), words(range(1, 4))
    return [
        (
            "licenseCompanyPrefix",
            "regulator",
            "licenseCompanyPrefix",
            (614141, PREFIX, DEV["manufacturer"]),
        ),
        ("registerGln(party)", "manufacturer", "registerGln", (MAKER_GLN, PREFIX, True)),
        ("registerGln(site)", "manufacturer", "registerGln", (MAKER_SITE, PREFIX, False)),
        (
            "registerProduct",
            "manufacturer",
            "registerProduct",
            (GTIN, PREFIX, NAME, LOW, HIGH, epcis_hash("product"), CID),
        ),
        (
            "commission",
            "manufacturer",
            "commission",
            (GTIN, LOT, EXPIRY, len(SERIALS), TREE.root, epcis_hash("commission"), CID),
        ),
        (
            "ship(whole holding)",
            "manufacturer",
            "ship",
            (
                stock,
                ([], []),
                DEV["distributor"],
                True,
                epcis_hash("to distributor"),
                CID,
            ),
        ),
        (
            "receiveShipment",
            "distributor",
            "receiveShipment",
            (at_distributor, epcis_hash("to distributor"), epcis_hash("received"), CID),
        ),
        (
            "ship(4 of 8 units)",
            "distributor",
            "ship",
            (
                at_distributor,
                _four_selection(),
                DEV["pharmacy"],
                True,
                epcis_hash("to pharmacy"),
                CID,
            ),
        ),
        (
            "voidShipment",
            "distributor",
            "voidShipment",
            (at_pharmacy, REASON, epcis_hash("void"), CID),
        ),
        (
            "ship(voided shipment, whole)",
            "distributor",
            "ship",
            (at_pharmacy, ([], []), DEV["pharmacy"], True, epcis_hash("again"), CID),
        ),
        (
            None,
            "pharmacy",
            "receiveShipment",
            (again, epcis_hash("again"), epcis_hash("got it"), CID),
        ),
        (
            "dispense",
            "pharmacy",
            "dispense",
            (again, ids.digest("G0000"), _held_unit("G0000", four), epcis_hash("dispense"), CID),
        ),
        (
            "dispense(cloned serial flagged)",
            "pharmacy",
            "dispense",
            (again, ids.digest("G0000"), (0, [], []), epcis_hash("clone"), CID),
        ),
        (
            "destroy",
            "pharmacy",
            "destroy",
            (
                again,
                ids.digest("G0003"),
                _held_unit("G0003", after_dispense),
                epcis_hash("destroy"),
                CID,
            ),
        ),
        (
            "recordSensorReadings",
            "pharmacy",
            "recordSensorReadings",
            (again, bytes(32), 400, 800, epcis_hash("sensors"), CID),
        ),
        (
            "recordSensorReadings(excursion)",
            "pharmacy",
            "recordSensorReadings",
            (again, bytes(32), 150, 800, epcis_hash("excursion"), CID),
        ),
        (
            "clearExcursion",
            "manufacturer",
            "clearExcursion",
            (again, epcis_hash("cleared"), CID),
        ),
        # A party in the chain of custody names its standing: the pharmacy its holding and the
        # unit's proof in the lot's tree, the distributor its holding; the manufacturer none.
        (
            "quarantine(unit)",
            "pharmacy",
            "quarantine",
            (
                int(Scope.UNIT),
                GTIN,
                ids.digest("G0001"),
                (again, _unit("G0001")[0], _unit("G0001")[1]),
                REASON,
                epcis_hash("q unit"),
                CID,
            ),
        ),
        (
            "quarantine(lot)",
            "distributor",
            "quarantine",
            (int(Scope.LOT), GTIN, LOT, (at_distributor, 0, []), REASON, epcis_hash("q lot"), CID),
        ),
        (
            "quarantine(unit, manufacturer)",
            "manufacturer",
            "quarantine",
            (
                int(Scope.UNIT),
                GTIN,
                ids.digest("G0002"),
                NO_STANDING,
                REASON,
                epcis_hash("q by maker"),
                CID,
            ),
        ),
        (
            "reportSuspect",
            "pharmacy",
            "reportSuspect",
            (int(Scope.UNIT), GTIN, ids.digest("G0005"), REASON, epcis_hash("report"), CID),
        ),
        ("clear", "manufacturer", "clear", (int(Scope.LOT), GTIN, LOT, epcis_hash("clear"), CID)),
        (
            "confirmIllegitimate",
            "manufacturer",
            "confirmIllegitimate",
            (int(Scope.UNIT), GTIN, ids.digest("G0001"), REASON, epcis_hash("illegitimate"), CID),
        ),
        ("recall", "manufacturer", "recall", (GTIN, LOT, REASON, epcis_hash("recall"), CID)),
        ("setQuarantineBar", "regulator", "setQuarantineBar", (DEV["pharmacy"], True)),
        ("setQuarantineBar(lift)", "regulator", "setQuarantineBar", (DEV["pharmacy"], False)),
        (
            None,
            "manufacturer",
            "commission",
            (GTIN, BIG_LOT, EXPIRY, BIG_SIZE, BIG_TREE.root, epcis_hash("big"), CID),
        ),
        *_big_subset_shipments(),
    ]


def _big_subset_shipments() -> list[tuple[str | None, str, str, tuple[Any, ...]]]:
    """Subsets of the 1,024-unit lot shipped from the manufacturer's holding: 32 units spread
    over the lot (every 32nd serial), then 512 of the units left. The manufacturer's holding is
    the commissioned stock: its words are the positions gone from it."""
    gone: set[int] = set()
    calls: list[tuple[str | None, str, str, tuple[Any, ...]]] = []
    for count, chosen in ((32, range(0, BIG_SIZE, 32)), (512, range(1, BIG_SIZE, 2))):
        selection = (words(gone), words(chosen))
        calls.append(
            (
                f"ship({count} of {BIG_SIZE} units)",
                "manufacturer",
                "ship",
                (
                    holding("manufacturer", "big"),
                    selection,
                    DEV["distributor"],
                    True,
                    epcis_hash(f"big {count}"),
                    CID,
                ),
            )
        )
        gone |= set(chosen)
    return calls


def _four_selection() -> tuple[list[Word], list[Word]]:
    """Positions 0 to 3 out of a whole holding of the commissioned stock (nothing gone)."""
    return [], words(range(4))


def measure(url: str) -> dict[str, int]:
    """Gas of every DrugProvenance operation on a fresh chain at `url`."""
    return gas_used(receipts(url))


def receipts(url: str) -> dict[str, Receipt]:
    """The receipt of every DrugProvenance operation on a fresh chain at `url`."""
    w3 = connect(url)

    def sender(name: str) -> TxSender:
        return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())

    result = deploy_suite(sender("admin"), regulators=(dev_signer(w3, "regulator").address,))
    # Deployment gas is left out: the constructor's calldata holds the registry's address,
    # whose zero bytes differ from one deployment to the next.
    mined: dict[str, Receipt] = {}
    registry = ParticipantRegistryClient(
        w3, result.deployment.address_of("ParticipantRegistry"), sender("regulator")
    )
    for name, role in (
        ("manufacturer", Role.MANUFACTURER),
        ("distributor", Role.DISTRIBUTOR),
        ("pharmacy", Role.DISPENSER),
    ):
        registry.issue_credential(
            dev_signer(w3, name).address,
            role,
            license_id=f"GAS-{name}",
            jurisdiction="US-NJ",
            valid_from=VALID_FROM,
            valid_until=VALID_UNTIL,
        )
    address = result.deployment.address_of("DrugProvenance")
    clients = {name: DrugProvenanceClient(w3, address, sender(name)) for name in DEV}
    for op, signer, function, args in _calls():
        client = clients[signer]
        assert client.sender is not None
        receipt = client.sender.transact(getattr(client.contract.functions, function)(*args))
        if op is not None:
            mined[f"DrugProvenance.{op}"] = receipt
    return mined


# ------------------------------------------------------------------------------ the floors

# (new slots, updated slots, slots cleared to zero, event) per operation, from the storage layout:
# a Product is 2 slots, a Lot 2, a Holding 2 (commitment, custodian word with its lot number)
# plus its owner only when the owner is not the custodian (never here; a shipment's receiver is
# bound into its id, not stored), a Unit 1; commissioning also writes the lot count (the first
# lot: a new slot), the lot number's key, the product's lot-list length and one list element.
_WRITES: dict[str, tuple[int, int, int, str]] = {
    "licenseCompanyPrefix": (1, 0, 0, "CompanyPrefixLicensed"),
    "registerGln(party)": (2, 0, 0, "GlnRegistered"),  # the GLN's holder, the party's PGLN
    "registerGln(site)": (1, 0, 0, "GlnRegistered"),
    "registerProduct": (2, 0, 0, "ProductRegistered"),
    "commission": (8, 0, 0, "LotCommissioned"),
    # The parent's commitment cleared and its custodian word (units) zeroed.
    "ship(whole holding)": (2, 2, 1, "ShipmentDispatched"),
    "receiveShipment": (0, 1, 0, "ShipmentReceived"),  # the custodian word
    "ship(4 of 8 units)": (2, 2, 0, "ShipmentDispatched"),
    "voidShipment": (0, 2, 0, "ShipmentVoided"),
    "ship(voided shipment, whole)": (2, 2, 1, "ShipmentDispatched"),
    "dispense": (1, 2, 0, "UnitDispensed"),
    "dispense(cloned serial flagged)": (0, 0, 0, "SuspectUnitFlagged"),  # an alert only
    "destroy": (1, 2, 0, "UnitDestroyed"),
    "recordSensorReadings": (0, 0, 0, "SensorReadingsAnchored"),
    "recordSensorReadings(excursion)": (0, 2, 0, "SensorReadingsAnchored"),
    "clearExcursion": (0, 2, 0, "ExcursionCleared"),
    "quarantine(unit)": (1, 0, 0, "ProductQuarantined"),
    "quarantine(lot)": (0, 1, 0, "ProductQuarantined"),
    "quarantine(unit, manufacturer)": (1, 0, 0, "ProductQuarantined"),
    "reportSuspect": (0, 0, 0, "SuspectProductReported"),
    "clear": (0, 1, 0, "ProductCleared"),
    "confirmIllegitimate": (0, 1, 0, "ProductConfirmedIllegitimate"),
    "recall": (0, 1, 0, "LotRecalled"),
    "setQuarantineBar": (1, 0, 0, "QuarantineBarSet"),
    "setQuarantineBar(lift)": (0, 1, 1, "QuarantineBarSet"),
    "ship(32 of 1024 units)": (2, 2, 0, "ShipmentDispatched"),
    "ship(512 of 1024 units)": (2, 2, 0, "ShipmentDispatched"),
}


def _abi(kind: str, name: str) -> dict[str, Any]:
    return next(
        i for i in artifacts.abi("DrugProvenance") if i["type"] == kind and i["name"] == name
    )


def _type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):  # a struct, or an array of them ("tuple[]")
        return f"({','.join(_type(c) for c in item['components'])}){item['type'][5:]}"
    return str(item["type"])


def _calldata_gas(function: str, args: tuple[Any, ...]) -> int:
    types = [_type(i) for i in _abi("function", function)["inputs"]]
    data = keccak(text=f"{function}({','.join(types)})")[:4] + encode(types, list(_plain(args)))
    return sum(4 if b == 0 else 16 for b in data)


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, str) and Web3.is_address(value):
        return Web3.to_checksum_address(value)
    return value


def _log_gas(event: str) -> int:
    inputs = _abi("event", event)["inputs"]
    data_types = [_type(i) for i in inputs if not i["indexed"]]
    sample = {"address": DEV["pharmacy"], "bytes": CID, "bool": True, "bytes32": REASON}
    values = [sample.get(t, 1) for t in data_types]
    topics = 1 + sum(1 for i in inputs if i["indexed"])
    return LOG + TOPIC * topics + LOG_BYTE * len(encode(data_types, values))


def _floors() -> dict[str, int]:
    floors = {}
    for op, _, function, args in _calls():
        if op is None:
            continue
        new, updated, cleared, event = _WRITES[op]
        floors[f"DrugProvenance.{op}"] = (
            TX
            + _calldata_gas(function, args)
            + new * NEW_SLOT
            + updated * UPDATE
            - cleared * REFUND
            + _log_gas(event)
        )
    return floors


FLOORS: dict[str, int] = _floors()
