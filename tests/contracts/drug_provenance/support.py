"""Fixtures and helpers of the DrugProvenance contract tests (brownie + Anvil).

The manufacturer, distributor and pharmacy hold active MANUFACTURER, DISTRIBUTOR and DISPENSER
credentials; the provider holds a PROVIDER credential (licensed, but no trading partner); the
regulator holds REGULATOR. Two more funded accounts: `rival`, a second active manufacturer, and
`clinic`, a second dispenser. `lot` is a commissioned lot of eight units in the manufacturer's
holding; the SDK's Merkle module (hygeia.provenance.merkle) builds every root and proof.
`epcis(label)` stands in for an EPCIS event hash; the holding a commissioning or shipment makes is
named by its creator and event (`holding_made_by`): the model names the lot's commissioned holding
`lot.commissioning` and each shipment made with the `ship` fixture `lot.shipment(label)`.
The generic pieces (named accounts, time pinning, exact revert and event matching) are in
tests/brownie_support.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak

from hygeia.provenance import ids
from hygeia.provenance.merkle import LotTree, Word, commitment, holding_words, words
from tests.brownie_support import RevertMatcher, latest_timestamp, revert_matcher, role_id

# brownie 1.22.2 warns about its own fixtures (fn_isolation calls rpc.snapshot/rpc.revert) on
# every test; the noise hides real warnings, so it is silenced for the tests in this directory.
_BROWNIE_SELF_WARNING = pytest.mark.filterwarnings(
    r"ignore:rpc\.\w+ should not be called directly:FutureWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(_BROWNIE_SELF_WARNING)


# ------------------------------------------------------------------------------------- vocabulary

REGULATOR_ROLE = role_id("REGULATOR")
PROVIDER_ROLE = role_id("PROVIDER")
MANUFACTURER_ROLE = role_id("MANUFACTURER")
DISTRIBUTOR_ROLE = role_id("DISTRIBUTOR")
DISPENSER_ROLE = role_id("DISPENSER")

# VerificationStatus
UNKNOWN, VALID, MISMATCH, EXPIRED, RECALLED, DISPENSED, QUARANTINED, ILLEGITIMATE = range(8)
STATUS_NAMES = (
    "UNKNOWN",
    "VALID",
    "MISMATCH",
    "EXPIRED",
    "RECALLED",
    "DISPENSED",
    "QUARANTINED",
    "ILLEGITIMATE",
)
# HoldingState
NONE, HELD, IN_TRANSIT, VOIDED = range(4)
# Investigation
NOT_INVESTIGATED, UNDER_QUARANTINE, CONFIRMED_ILLEGITIMATE = range(3)
# UnitState
ACTIVE, UNIT_DISPENSED, UNIT_DESTROYED = range(3)
# SuspectReason
DECOMMISSIONED, NOT_HELD = range(2)
# Scope
LOT_SCOPE, UNIT_SCOPE = range(2)

GTIN = 614141000418  # 00614141000418: company prefix 0614141, item 00041, check digit 8
OTHER_GTIN = 614141000425
COMPANY_PREFIX = 614141  # 0614141, licensed to the manufacturer in the `provenance` fixture
RIVAL_GTIN = 614142000417  # under 0614142, licensed to the rival
RIVAL_PREFIX = 614142
PREFIX_LENGTH = 7
NAME_HASH = keccak(text="Amoxicillin 500 mg capsules, 20")
MIN_TEMP, MAX_TEMP = 200, 2500  # 2.00 to 25.00 degrees Celsius
EXPIRY = 301231  # 2030-12-31
LOT_NUMBER = "LOT-A1"
LOT = ids.digest(LOT_NUMBER)
OTHER_LOT = ids.digest("LOT-B2")
SERIALS = tuple(f"SN{i:04d}" for i in range(8))
CID = bytes.fromhex("01701220") + keccak(text="an EPCIS document")  # a binary CIDv1 (dag-json)
REASON = keccak(text="customer complaint: wrong colour")
LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")
DAY = 86_400
YEAR = 365 * DAY
ZERO32 = bytes(32)


def epcis(label: str) -> bytes:
    """A stand-in EPCIS event hash: distinct per label."""
    return keccak(text=f"epcis event {label}")


def holding_made_by(creator: Any, label: str, holder: Any = None) -> bytes:
    """The id of the holding `creator` (an account) made with event epcis(label) for `holder`
    (an account or an address): itself by commissioning (the default), or the receiver it
    shipped to."""
    holder = holder or creator
    return ids.holding_id(creator.address, epcis(label), getattr(holder, "address", holder))


COMMISSIONING_EVENT = epcis("commissioning")
UNKNOWN_HOLDING = keccak(text="a holding nobody made")
UNSELECTED: tuple[list[Word], list[Word]] = ([], [])  # a UnitSelection: the whole holding
# A Standing tuple (holding, position, proof) for quarantine: none, as the manufacturer and
# regulators give.
NO_STANDING = (ZERO32, 0, [])
VOID_REASON = keccak(text="goods never left the dock")


def serial(text: str) -> bytes:
    return ids.digest(text)


def unit_id(text: str, gtin: int = GTIN) -> bytes:
    return ids.unit_id(gtin, ids.digest(text))


def lot_key(lot: bytes = LOT, gtin: int = GTIN) -> bytes:
    return ids.lot_key(gtin, lot)


# ------------------------------------------------------------------------------------- lots


@dataclass
class LotModel:
    """A lot as the tests know it: its serials, tree, holdings' units and shipments' ids.

    `manufacturer` (an address) commissions it with event `commissioning_event`.
    """

    gtin: int
    lot: bytes
    expiry: int
    serials: tuple[str, ...]
    manufacturer: str
    commissioning_event: bytes = COMMISSIONING_EVENT
    tree: LotTree = field(init=False)
    position_of: dict[str, int] = field(init=False)
    holdings: dict[bytes, set[str]] = field(init=False)
    complement: dict[bytes, bool] = field(init=False)
    shipments: dict[str, bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.position_of = {s: k for k, s in enumerate(self.serials)}
        self.tree = LotTree.of_units(unit_id(s, self.gtin) for s in self.serials)
        self.reset()

    def reset(self) -> None:
        """Back to the lot as commissioned: every unit in the commissioned holding."""
        self.holdings = {self.commissioning: set(self.serials)}
        self.complement = {self.commissioning: True}
        self.shipments = {}

    @property
    def key(self) -> bytes:
        return lot_key(self.lot, self.gtin)

    @property
    def commissioning(self) -> bytes:
        """The id of the holding the lot's commissioning made."""
        return ids.holding_id(self.manufacturer, self.commissioning_event, self.manufacturer)

    def shipment(self, label: str) -> bytes:
        """The id of the holding shipped with event epcis(label) (by the `ship` fixture)."""
        return self.shipments[label]

    def positions(self, serials: Iterable[str]) -> set[int]:
        return {self.position_of[s] for s in serials}

    def words(self, holding: bytes) -> list[Word]:
        """The words `holding` commits to on-chain: the positions gone from the whole lot for
        the commissioned stock (and whole holdings shipped from it), else those held."""
        return holding_words(
            self.positions(self.holdings.get(holding, set())),
            len(self.serials),
            complement=self.complement.get(holding, False),
        )

    def commitment(self, holding: bytes) -> bytes:
        """The commitment `holding` should have on-chain: zero when it holds nothing."""
        return commitment(self.words(holding)) if self.holdings.get(holding) else ZERO32

    def selection(
        self, holding: bytes, serials: Iterable[str] | None
    ) -> tuple[list[Word], list[Word]]:
        """A UnitSelection tuple for `ship`: the holding's words and the taken words of
        `serials` (None: the whole holding)."""
        if serials is None:
            return UNSELECTED
        return (self.words(holding), words(self.positions(serials)))

    def lot_proof(self, text: str) -> list[bytes]:
        """The proof of unit `text` in the lot's commissioning tree (for verify)."""
        return self.tree.unit_proof(unit_id(text, self.gtin))[1]

    def held_unit(self, holding: bytes, text: str) -> tuple[int, list[bytes], list[Word]]:
        """A HeldUnit tuple for dispense and destroy: unit `text`'s position and proof in the
        lot, and `holding`'s words."""
        return (self.position_of[text], self.lot_proof(text), self.words(holding))

    def standing(self, holding: bytes, text: str | None = None) -> tuple[bytes, int, list[bytes]]:
        """A quarantine Standing: `holding` (of this lot) and, for unit `text`, its position and
        proof in the lot's commissioning tree; no proof for the lot."""
        if text is None:
            return (holding, 0, [])
        return (holding, self.position_of[text], self.lot_proof(text))

    def shipped(
        self, label: str, sender: Any, receiver: Any, parent: bytes, serials: Iterable[str] | None
    ) -> bytes:
        """Records that `sender` shipped `serials` (None: all) of `parent` to `receiver` with
        event epcis(label); returns the new holding's id."""
        child = self.shipments[label] = holding_made_by(sender, label, receiver)
        moving = set(self.holdings[parent]) if serials is None else set(serials)
        self.holdings[parent] -= moving
        self.holdings[child] = moving
        # A whole holding moves its commitment as is, and with it its base.
        self.complement[child] = serials is None and self.complement.get(parent, False)
        if serials is None:
            self.complement[parent] = False
        return child


# ------------------------------------------------------------------------------------- accounts


@pytest.fixture(scope="session")
def rival(accounts: Any) -> Any:
    """A second manufacturer (credentialed in the `participants` fixture)."""
    account = accounts.add(keccak(text="hygeia provenance rival manufacturer"))
    accounts[0].transfer(account, "10 ether")
    return account


@pytest.fixture(scope="session")
def clinic(accounts: Any) -> Any:
    """A second dispenser (credentialed in the `participants` fixture)."""
    account = accounts.add(keccak(text="hygeia provenance clinic pharmacy"))
    accounts[0].transfer(account, "10 ether")
    return account


# ------------------------------------------------------------------------------------- contracts


@pytest.fixture(scope="module")
def participants(ParticipantRegistry: Any, named: dict[str, Any], rival: Any, clinic: Any) -> Any:
    admin, regulator = named["admin"], named["regulator"]
    deployed = ParticipantRegistry.deploy(admin, {"from": admin})
    deployed.grantRole(REGULATOR_ROLE, regulator, {"from": admin})
    current = latest_timestamp()
    for holder, role in (
        (named["manufacturer"], MANUFACTURER_ROLE),
        (named["distributor"], DISTRIBUTOR_ROLE),
        (named["pharmacy"], DISPENSER_ROLE),
        (named["provider"], PROVIDER_ROLE),
        (rival, MANUFACTURER_ROLE),
        (clinic, DISPENSER_ROLE),
    ):
        deployed.issueCredential(
            holder,
            role,
            LICENSE_HASH,
            JURISDICTION,
            current - DAY,
            current + 10 * YEAR,
            {"from": regulator},
        )
    deployed.registerPatient(keccak(text="k-patient"), {"from": named["patient"]})
    return deployed


@pytest.fixture(scope="module")
def provenance(DrugProvenance: Any, participants: Any, named: dict[str, Any], rival: Any) -> Any:
    """DrugProvenance, with GS1 company prefix 0614141 licensed to the manufacturer and 0614142
    to the rival."""
    deployed = DrugProvenance.deploy(participants, {"from": named["admin"]})
    for prefix, licensee in ((COMPANY_PREFIX, named["manufacturer"]), (RIVAL_PREFIX, rival)):
        deployed.licenseCompanyPrefix(prefix, PREFIX_LENGTH, licensee, {"from": named["regulator"]})
    return deployed


@pytest.fixture(scope="module")
def product(provenance: Any, named: dict[str, Any]) -> int:
    """GTIN registered by the manufacturer, allowed 2-25 degrees Celsius."""
    provenance.registerProduct(
        GTIN,
        PREFIX_LENGTH,
        NAME_HASH,
        MIN_TEMP,
        MAX_TEMP,
        epcis("master data"),
        CID,
        {"from": named["manufacturer"]},
    )
    return GTIN


@pytest.fixture(scope="module")
def commissioned(provenance: Any, product: int, named: dict[str, Any]) -> LotModel:
    """Lot LOT-A1 of eight units, commissioned with COMMISSIONING_EVENT: holding
    `lot.commissioning`, held by the manufacturer."""
    model = LotModel(GTIN, LOT, EXPIRY, SERIALS, named["manufacturer"].address)
    provenance.commission(
        GTIN,
        LOT,
        EXPIRY,
        len(SERIALS),
        model.tree.root,
        model.commissioning_event,
        CID,
        {"from": named["manufacturer"]},
    )
    return model


@pytest.fixture
def lot(commissioned: LotModel) -> LotModel:
    """The commissioned lot, its model reset to the chain's state at the start of each test."""
    commissioned.reset()
    return commissioned


@pytest.fixture(scope="session")
def reverts_with(DrugProvenance: Any) -> RevertMatcher:
    """`with reverts_with("ErrorName", *args): ...`: an exact DrugProvenance revert."""
    return revert_matcher("DrugProvenance", DrugProvenance.abi)


# ------------------------------------------------------------------------------------- actions


@pytest.fixture
def ship(provenance: Any, lot: LotModel, named: dict[str, Any]) -> Any:
    """`ship(label, serials=None, parent=lot.commissioning, sender=manufacturer,
    receiver=distributor, sale=True)` -> tx, with event epcis(label); the model follows it and
    names the shipment `lot.shipment(label)`."""

    def _ship(
        label: str,
        serials: Iterable[str] | None = None,
        *,
        parent: bytes | None = None,
        sender: Any = None,
        receiver: Any = None,
        sale: bool = True,
    ) -> Any:
        chosen = None if serials is None else list(serials)
        parent = lot.commissioning if parent is None else parent
        sender = sender or named["manufacturer"]
        receiver = receiver or named["distributor"]
        tx = provenance.ship(
            parent,
            lot.selection(parent, chosen),
            receiver,
            sale,
            epcis(label),
            CID,
            {"from": sender},
        )
        lot.shipped(label, sender, receiver, parent, chosen)
        return tx

    return _ship


@pytest.fixture
def receive(provenance: Any, lot: LotModel, named: dict[str, Any]) -> Any:
    """`receive(label, receiver=distributor)`: confirm receipt of shipment `lot.shipment(label)`,
    shown by its shipping event epcis(label), with event epcis(f"{label} received")."""

    def _receive(label: str, receiver: Any = None) -> Any:
        return provenance.receiveShipment(
            lot.shipment(label),
            epcis(label),
            epcis(f"{label} received"),
            CID,
            {"from": receiver or named["distributor"]},
        )

    return _receive


@pytest.fixture
def dispense(provenance: Any, lot: LotModel, named: dict[str, Any]) -> Any:
    """`dispense(holding, serial, sender=pharmacy, unit=None)`: the HeldUnit (position, proof,
    holding's words) from the model by default (for a serial not in the lot: position 0, no
    proof)."""

    def _dispense(holding: bytes, text: str, *, sender: Any = None, unit: Any = None) -> Any:
        if unit is None:
            unit = (
                lot.held_unit(holding, text)
                if text in lot.position_of
                else (0, [], lot.words(holding))
            )
        tx = provenance.dispense(
            holding,
            serial(text),
            unit,
            epcis(f"dispense {text}"),
            CID,
            {"from": sender or named["pharmacy"]},
        )
        if tx.return_value and text in lot.holdings.get(holding, ()):
            lot.holdings[holding].discard(text)
        return tx

    return _dispense


@pytest.fixture
def at_pharmacy(lot: LotModel, ship: Any, receive: Any, named: dict[str, Any]) -> bytes:
    """Units SN0000-SN0003 shipped manufacturer -> distributor -> pharmacy and received: the
    pharmacy's holding `lot.shipment("to pharmacy")`; the rest stay in the distributor's
    `lot.shipment("to distributor")`."""
    ship("to distributor")
    receive("to distributor")
    ship(
        "to pharmacy",
        SERIALS[:4],
        parent=lot.shipment("to distributor"),
        sender=named["distributor"],
        receiver=named["pharmacy"],
    )
    receive("to pharmacy", named["pharmacy"])
    return lot.shipment("to pharmacy")


def holding_of(provenance: Any, holding: bytes) -> dict[str, Any]:
    return holding_record(provenance.holdingOf(holding))


def holding_record(raw: Any) -> dict[str, Any]:
    """holdingOf's answer by field name."""
    commitment_, key, custodian, state, sale, excursion, complement, units, owner = raw
    return {
        "commitment": bytes(commitment_),
        "lotKey": bytes(key),
        "custodian": custodian,
        "state": state,
        "transfersOwnership": sale,
        "excursion": excursion,
        "complement": complement,
        "units": units,
        "owner": owner,
    }


def status_of(provenance: Any, model: LotModel, text: str, **claimed: Any) -> str:
    """The name of verify's answer for unit `text` as printed (gtin, lot, expiry, position and
    proof can be overridden; they default to the unit's position and proof in its lot's tree)."""
    return STATUS_NAMES[provenance.verify(*verify_args(model, text, **claimed))]


def verify_args(model: LotModel, text: str, **claimed: Any) -> tuple[Any, ...]:
    """The arguments of verify for unit `text` as printed (see status_of)."""
    known = text in model.position_of
    return (
        claimed.get("gtin", model.gtin),
        serial(text),
        claimed.get("lot", model.lot),
        claimed.get("expiry", model.expiry),
        claimed.get("position", model.position_of[text] if known else 0),
        claimed.get("proof", model.lot_proof(text) if known else []),
    )
