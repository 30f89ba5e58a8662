"""DSCSA workflows over DrugProvenance: each builds the EPCIS event of a change, stores the
EPCIS document (and serial lists, transaction statements) on the content store, and anchors
the event hash, the document's CID and the Merkle roots on-chain.

    flow = ProvenanceFlow(suite.provenance, open_store("local"), chain_id=31337)
    flow.commission(gtin, "LOT-A1", 301231, serials)
    flow.ship(holding, to=distributor, serials=None)          # the whole holding, sold
    flow.verify(gtin, "SN0001", "LOT-A1", 301231).status       # VerificationStatus.VALID

Who may stop product: `quarantine` finds the caller's standing itself (a holding of the lot it
holds or held, and the unit's proof), which the manufacturer and regulators do not need; any
trading partner may `report_suspect`, which changes nothing on-chain.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from eth_hash.auto import keccak
from web3.logs import DISCARD

from hygeia.core import times
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import HoldingState, Scope, UnitState, VerificationStatus
from hygeia.core.errors import DuplicateSerialError, IntegrityError, InvalidInputError
from hygeia.core.store import ContentStore
from hygeia.core.store.cid import CID
from hygeia.provenance import epcis, gs1, ids
from hygeia.provenance.client import NO_STANDING, DrugProvenanceClient, Standing
from hygeia.provenance.merkle import LotTree, Progress
from hygeia.provenance.trace import HoldingView, LotCustody, TraceReader

CENTI = 100  # the contract keeps temperatures in hundredths of a degree Celsius
_TRANSACTION_STATEMENT = (
    "Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G)."
)


@dataclass(frozen=True)
class Anchored:
    """A change anchored on-chain: its receipt, EPCIS event hash and document CID."""

    receipt: Receipt
    epcis_hash: str
    cid: str
    holding: bytes | None = None  # the holding a commissioning or a shipment made

    @property
    def id(self) -> bytes:
        """The id of the holding this change made: a commissioned lot's or a shipment's."""
        if self.holding is None:
            raise InvalidInputError("this change made no holding")
        return self.holding

    def as_json(self) -> dict[str, Any]:
        return {
            "tx": self.receipt.tx_hash,
            "block": self.receipt.block_number,
            "gas_used": self.receipt.gas_used,
            "epcis_hash": self.epcis_hash,
            "cid": self.cid,
        }


@dataclass(frozen=True)
class Verification:
    status: VerificationStatus
    gtin: int
    serial: str
    lot: str
    expiry: date
    lot_key: bytes | None  # the lot whose tree proved the unit, if any

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status.name,
            "gtin": gs1.gtin14(self.gtin),
            "serial": self.serial,
            "lot": self.lot,
            "expiry": self.expiry.isoformat(),
            "commissioned_lot": None if self.lot_key is None else "0x" + self.lot_key.hex(),
        }


class ProvenanceFlow:
    """DrugProvenance for one signer, with EPCIS documents on `store`."""

    def __init__(
        self,
        client: DrugProvenanceClient,
        store: ContentStore,
        *,
        chain_id: int,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.chain_id = chain_id
        self.reader = TraceReader(client, store)
        self._clock = clock or times.now
        self._trees: dict[bytes, LotTree] = {}
        self._serials: dict[bytes, tuple[str, frozenset[str]]] = {}  # lot key -> number, serials

    # ------------------------------------------------------------------ helpers
    @property
    def me(self) -> str:
        if self.client.sender is None:
            raise InvalidInputError("this workflow is read-only: give the client a sender")
        return self.client.sender.address

    def _party(self, address: str) -> str:
        return epcis.party(self.chain_id, address)

    def _anchor(
        self,
        event: dict[str, Any],
        send: Callable[[bytes, bytes], Receipt],
        *,
        makes_holding: bool = False,
    ) -> Anchored:
        doc = epcis.with_event_ids(epcis.document([event], created=self._clock()))
        epcis.validate(doc)
        ni = doc["epcisBody"]["eventList"][0]["eventID"]
        cid = self.store.add(epcis.encode(doc))
        digest = epcis.hash_digest(ni)
        receipt = send(digest, bytes(CID.parse(cid)))
        holding = ids.holding_id(self.me, digest) if makes_holding else None
        return Anchored(receipt, ni, cid, holding)

    def _event(self, **fields: Any) -> dict[str, Any]:
        return epcis.object_event(
            event_time=self._clock(), read_point=self._party(self.me), **fields
        )

    def _sgtins(self, gtin: int, prefix: int, serials: Sequence[str]) -> list[str]:
        return [gs1.sgtin_uri(gtin, prefix, s) for s in serials]

    def _prefix(self, gtin: int) -> int:
        product = self.client.product_of(gtin)
        if not product.registered:
            raise InvalidInputError(f"GTIN {gs1.gtin14(gtin)} is not registered")
        return product.company_prefix_length

    # ------------------------------------------------------------------ products and lots
    def register_product(
        self, gtin: int, company_prefix_length: int, name: str, low: float, high: float
    ) -> Anchored:
        """Register product `gtin` with its name and storage range in degrees Celsius."""
        pattern = gs1.sgtin_pattern(gtin, company_prefix_length)
        master = epcis.product_master_data(pattern, name, low, high)
        doc = epcis.document([], created=self._clock(), master_data=master)
        epcis.validate(doc)
        cid = self.store.add(epcis.encode(doc))
        digest = epcis.document_hash(doc)
        receipt = self.client.register_product(
            gtin,
            company_prefix_length,
            keccak(name.encode()),
            limit_hundredths(low),
            limit_hundredths(high),
            digest,
            bytes(CID.parse(cid)),
        )
        return Anchored(receipt, epcis.ni_uri(digest), cid)

    def commission(
        self,
        gtin: int,
        lot: str,
        expiry: date,
        serials: Sequence[str],
        *,
        progress: Progress | None = None,
    ) -> Anchored:
        """Commission lot `lot` of `serials`: the EPCIS event (with every EPC) goes to the store,
        the Merkle root and event hash on-chain. The result's id is the manufacturer's holding.

        Refuses (DuplicateSerialError) a serial listed twice, or one an earlier lot of `gtin`
        commissioned (read from each earlier lot's commissioning document, checked against its
        on-chain root), before anything is stored or sent: GS1 requires an SGTIN to be unique,
        and the contract cannot check it without a storage slot per serial."""
        gs1.check_ai_text(lot, "lot")
        for serial in serials:
            gs1.check_ai_text(serial, "serial")
        prefix = self._prefix(gtin)
        self._refuse_duplicate_serials(gtin, serials)
        tree = LotTree((ids.unit_leaf(gtin, s) for s in serials), progress=progress)
        event = self._event(
            action="ADD",
            biz_step="commissioning",
            disposition="active",
            epcs=self._sgtins(gtin, prefix, serials),
            ilmd={
                "cbvmda:lotNumber": lot,
                "cbvmda:itemExpirationDate": expiry.isoformat(),
            },
        )
        self._trees[ids.lot_key(gtin, ids.digest(lot))] = tree
        return self._anchor(
            event,
            lambda h, c: self.client.commission(
                gtin, ids.digest(lot), expiry, len(serials), tree.root, h, c
            ),
            makes_holding=True,
        )

    def _refuse_duplicate_serials(self, gtin: int, serials: Sequence[str]) -> None:
        seen: set[str] = set()
        repeated: set[str] = set()
        for serial in serials:
            (repeated if serial in seen else seen).add(serial)
        if repeated:
            raise DuplicateSerialError(gs1.gtin14(gtin), sorted(repeated), None)
        for key in self.client.lots_of(gtin):
            lot_number, earlier = self._lot_serials(gtin, key)
            clash = seen & earlier
            if clash:
                raise DuplicateSerialError(gs1.gtin14(gtin), sorted(clash), lot_number)

    def _lot_serials(self, gtin: int, lot_key: bytes) -> tuple[str, frozenset[str]]:
        """A commissioned lot's number and serials, checked against its on-chain root."""
        if lot_key not in self._serials:
            lot_number, serials, tree = self.reader.commissioned(gtin, lot_key)
            self._serials[lot_key] = (lot_number, frozenset(serials))
            self._trees[lot_key] = tree
        return self._serials[lot_key]

    # ------------------------------------------------------------------ custody
    def custody(self, gtin: int, lot: str, *, progress: Progress | None = None) -> LotCustody:
        return self.reader.lot(gtin, lot, progress=progress)

    def _holding(self, holding: bytes) -> tuple[LotCustody, HoldingView]:
        record = self.client.holding_of(holding)
        if record.state == HoldingState.NONE:
            raise InvalidInputError(f"no holding 0x{holding.hex()}")
        custody = self.reader.lot_by_key(self.client.lot_of(record.lot_key).gtin, record.lot_key)
        return custody, custody.holdings[holding]

    def ship(
        self, holding: bytes, to: str, serials: Sequence[str] | None = None, *, sale: bool = True
    ) -> Anchored:
        """Ship `serials` of `holding` (None: all of it) to `to`, with a DSCSA transaction
        information and statement document (a sale) on the store."""
        custody, view = self._holding(holding)
        moving = sorted(view.serials) if serials is None else list(serials)
        missing = set(moving) - view.serials
        if missing:
            raise InvalidInputError(f"{len(missing)} of the serials are not in this holding")
        prefix = custody.company_prefix_length
        owner_after = to if sale else view.owner
        statement = {
            "type": "DSCSATransaction",
            # Names the transaction, so two shipments alike in all else (a void and a re-ship
            # in the same second) are different EPCIS events with different hashes.
            "transactionId": f"urn:uuid:{uuid.uuid4()}",
            "transactionInformation": {
                "gtin": gs1.gtin14(custody.gtin),
                "lot": custody.lot_number,
                "expiry": custody.expiry.isoformat(),
                "quantity": len(moving),
                "date": epcis.timestamp(self._clock()),
                "from": self._party(view.owner),
                "to": self._party(owner_after),
            },
            "transactionStatement": _TRANSACTION_STATEMENT if sale else None,
        }
        ti_cid = self.store.add(json.dumps(statement, sort_keys=True).encode())
        event = self._event(
            action="OBSERVE",
            biz_step="shipping",
            disposition="in_transit",
            epcs=self._sgtins(custody.gtin, prefix, moving),
            transactions=[(epcis.PEDIGREE, f"ipfs://{ti_cid}")],
            sources=[
                (epcis.OWNING_PARTY, self._party(view.owner)),
                (epcis.POSSESSING_PARTY, self._party(self.me)),
            ],
            destinations=[
                (epcis.OWNING_PARTY, self._party(owner_after)),
                (epcis.POSSESSING_PARTY, self._party(to)),
            ],
        )
        if serials is None:
            units: list[bytes] = []
            multiproof = None
        else:
            held = custody.tree.holding(custody.held_leaves(holding))
            multiproof = held.multiproof(custody.leaf(s) for s in moving)
            unit_of_leaf = {ids.leaf(u): u for u in custody.serial_of_unit}
            units = [unit_of_leaf[leaf] for leaf in multiproof.leaves]
        return self._anchor(
            event,
            lambda h, c: self.client.ship(holding, units, multiproof, to, sale, h, c),
            makes_holding=True,
        )

    def receive(self, shipment: bytes) -> Anchored:
        custody, view = self._holding(shipment)
        event = self._event(
            action="OBSERVE",
            biz_step="receiving",
            disposition="sellable_accessible",
            epcs=self._sgtins(custody.gtin, custody.company_prefix_length, sorted(view.serials)),
        )
        return self._anchor(event, lambda h, c: self.client.receive(shipment, h, c))

    def void(self, shipment: bytes, reason: str) -> Anchored:
        """Void `shipment` before its receiver receives it, for `reason` (its hash goes on the
        record). A void mined before the receiver's receipt makes the receipt revert: the chain
        cannot tell goods handed over from goods that never left, so receive promptly."""
        reason_hash = _reason(reason)
        custody, view = self._holding(shipment)
        event = self._event(
            action="OBSERVE",
            biz_step="void_shipping",
            disposition="sellable_accessible",
            epcs=self._sgtins(custody.gtin, custody.company_prefix_length, sorted(view.serials)),
        )
        return self._anchor(event, lambda h, c: self.client.void(shipment, reason_hash, h, c))

    # ------------------------------------------------------------------ decommissioning
    def dispense(self, holding: bytes, serial: str) -> tuple[bool, Anchored]:
        """Dispense `serial` from `holding`; False when the chain flagged it as suspect (a
        cloned serial, or one not in the holding): an alert to the manufacturer and regulators
        that changes nothing.

        The SDK knows the outcome before it sends (the unit's state on-chain, and whether the
        holding, whose root it checks, has the serial), so the EPCIS document it anchors records
        a dispense only for a unit that is dispensed; a refused one is recorded as inspected
        and found non-conformant, never as dispensed."""
        custody, view = self._holding(holding)
        held = custody.tree.holding(custody.held_leaves(holding))
        if held.root != self.client.holding_of(holding).root:
            raise IntegrityError(f"the units of holding 0x{holding.hex()} do not rebuild its root")
        unit = self.client.unit_of(custody.gtin, ids.digest(serial))
        dispensing = serial in view.serials and unit.state is UnitState.ACTIVE
        proof = held.proof(custody.leaf(serial)) if dispensing else []
        epc = gs1.sgtin_uri(custody.gtin, custody.company_prefix_length, serial)
        if dispensing:
            event = self._event(
                action="OBSERVE", biz_step="dispensing", disposition="dispensed", epcs=[epc]
            )
        else:
            event = self._suspect_event(epcs=[epc])
        anchored = self._anchor(
            event, lambda h, c: self.client.dispense(holding, ids.digest(serial), proof, h, c)
        )
        # The receipt holds the dispense's own event or the alert; other events are not alerts.
        flagged = bool(
            self.client.contract.events.SuspectUnitFlagged().process_receipt(
                {"logs": list(anchored.receipt.logs)}, errors=DISCARD
            )
        )
        if flagged == dispensing:
            raise IntegrityError(
                f"the chain {'refused' if flagged else 'made'} the dispense of {serial!r} that "
                f"the anchored EPCIS document {anchored.cid} says it "
                f"{'made' if flagged else 'refused'} (the holding changed meanwhile)"
            )
        return (not flagged, anchored)

    def _suspect_event(self, **target: Any) -> dict[str, Any]:
        return self._event(
            action="OBSERVE",
            biz_step=epcis.SUSPECT_BIZ_STEP,
            disposition=epcis.SUSPECT_DISPOSITION,
            **target,
        )

    # ------------------------------------------------------------------ verification
    def verify(self, gtin: int, serial: str, lot: str, expiry: date) -> Verification:
        """The DSCSA verification of a product identifier, with the proof found by searching
        the serial lists of the product's lots (the claimed lot first)."""
        serial_digest, lot_digest = ids.digest(serial), ids.digest(lot)
        leaf = ids.unit_leaf(gtin, serial)
        keys = self.client.lots_of(gtin) if self.client.product_of(gtin).registered else []
        claimed = ids.lot_key(gtin, lot_digest)
        ordered = ([claimed] if claimed in keys else []) + [
            k for k in reversed(keys) if k != claimed
        ]
        proof: list[bytes] = []
        found = None
        for key in ordered:
            tree = self._tree(gtin, key)
            if leaf in tree:
                proof, found = tree.proof(leaf), key
                break
        status = self.client.verify(gtin, serial_digest, lot_digest, expiry, proof)
        return Verification(status, gtin, serial, lot, expiry, found)

    def _tree(self, gtin: int, lot_key: bytes) -> LotTree:
        """A commissioned lot's tree, from its serial list checked against its on-chain root."""
        if lot_key not in self._trees:
            self._lot_serials(gtin, lot_key)
        return self._trees[lot_key]

    # ------------------------------------------------------------------ recall and investigations
    def recall(self, gtin: int, lot: str, reason: str) -> tuple[Anchored, set[str]]:
        """Recall lot `lot`; also returns the parties holding its units, to notify."""
        prefix = self._prefix(gtin)
        event = self._event(
            action="OBSERVE",
            biz_step=None,
            disposition="recalled",
            lot_class=gs1.lgtin_uri(gtin, prefix, lot),
        )
        anchored = self._anchor(
            event,
            lambda h, c: self.client.recall(gtin, ids.digest(lot), _reason(reason), h, c),
        )
        return anchored, self.reader.lot(gtin, lot).custodians()

    def quarantine(
        self, gtin: int, reason: str, *, lot: str | None = None, serial: str | None = None
    ) -> Anchored:
        """Quarantine a lot or unit: it stops moving and is not dispensed until the manufacturer
        or a regulator clears it. The product's manufacturer and regulators may; anyone else
        needs standing in the lot's chain of custody, which `standing` finds (the contract
        refuses DrugProvenanceNoStanding without it: report the product instead)."""
        reason_hash = _reason(reason)
        scope, ident, target = self._target(gtin, lot, serial)
        standing = self.standing(gtin, lot=lot, serial=serial)
        event = self._event(
            action="OBSERVE", biz_step="holding", disposition="non_sellable_other", **target
        )
        return self._anchor(
            event,
            lambda h, c: self.client.quarantine(scope, gtin, ident, standing, reason_hash, h, c),
        )

    def standing(self, gtin: int, *, lot: str | None = None, serial: str | None = None) -> Standing:
        """The caller's standing to quarantine lot `lot` or unit `serial` of `gtin`, found on
        the chain: none for the product's manufacturer; else a holding of the target's lot that
        the caller is the custodian of (one it commissioned or received; holdings are never
        deleted, so also an emptied one) and, for a unit, the unit's proof in that lot's
        commissioned tree. NO_STANDING when the caller has none (a regulator needs none)."""
        if (lot is None) == (serial is None):
            raise InvalidInputError("name either a lot or a serial")
        if self.client.product_of(gtin).manufacturer == self.me:
            return NO_STANDING
        if lot is not None:
            held = self._my_holdings(gtin, ids.lot_key(gtin, ids.digest(lot)))
            return Standing(next(iter(held.values()))) if held else NO_STANDING
        assert serial is not None
        leaf = ids.unit_leaf(gtin, serial)
        for lot_key, holding in self._my_holdings(gtin).items():
            tree = self._tree(gtin, lot_key)
            if leaf in tree:
                return Standing(holding, tuple(tree.proof(leaf)))
        return NO_STANDING

    def _my_holdings(self, gtin: int, lot_key: bytes | None = None) -> dict[bytes, bytes]:
        """Lot key -> a holding of that lot (of `gtin`, or only lot `lot_key`) whose custodian
        the caller is: one it commissioned, or a shipment it received. Every party that held
        units of a lot has one, since it commissioned them or received them."""
        keys = [lot_key] if lot_key is not None else self.client.lots_of(gtin)
        only: dict[str, Any] = {} if lot_key is None else {"lotKey": lot_key}
        made = self.reader.events(
            "LotCommissioned", {**only, "gtin": gtin, "manufacturer": self.me}
        )
        received = self.reader.events("ShipmentReceived", {**only, "receiver": self.me})
        candidates = [(bytes(e.args["lotKey"]), bytes(e.args["holding"])) for e in made] + [
            (bytes(e.args["lotKey"]), bytes(e.args["shipment"])) for e in received
        ]
        found: dict[bytes, bytes] = {}
        for key, holding in candidates:
            # Custody changes only on receipt, so these stay the caller's; the chain confirms.
            mine = key in keys and key not in found
            if mine and self.client.holding_of(holding).custodian == self.me:
                found[key] = holding
        return found

    def report_suspect(
        self, gtin: int, reason: str, *, lot: str | None = None, serial: str | None = None
    ) -> Anchored:
        """Report a lot or unit (commissioned or not) as suspect: the DSCSA duty of any trading
        partner that finds suspect product. An alert for the manufacturer and regulators
        (SuspectProductReported); it changes nothing and never stops product."""
        reason_hash = _reason(reason)
        scope, ident, target = self._target(gtin, lot, serial)
        event = self._suspect_event(**target)
        return self._anchor(
            event,
            lambda h, c: self.client.report_suspect(scope, gtin, ident, reason_hash, h, c),
        )

    def clear(self, gtin: int, *, lot: str | None = None, serial: str | None = None) -> Anchored:
        scope, ident, target = self._target(gtin, lot, serial)
        event = self._event(
            action="OBSERVE", biz_step="inspecting", disposition="sellable_accessible", **target
        )
        return self._anchor(event, lambda h, c: self.client.clear(scope, gtin, ident, h, c))

    def confirm_illegitimate(
        self, gtin: int, reason: str, *, lot: str | None = None, serial: str | None = None
    ) -> tuple[Anchored, set[str]]:
        """Confirm a quarantined lot or unit illegitimate; also returns every party in its chain
        of custody, to notify (none for a serial that no lot of `gtin` commissioned)."""
        scope, ident, target = self._target(gtin, lot, serial)
        event = self._event(
            action="OBSERVE", biz_step="inspecting", disposition="no_pedigree_match", **target
        )
        anchored = self._anchor(
            event,
            lambda h, c: self.client.confirm_illegitimate(
                scope, gtin, ident, _reason(reason), h, c
            ),
        )
        if lot is not None:
            return anchored, self.reader.lot(gtin, lot).chain_of_custody()
        assert serial is not None
        # A unit is (GTIN, serial): a serial commissioned in several lots is one unit on-chain,
        # so every lot that lists it is part of its chain of custody.
        leaf = ids.unit_leaf(gtin, serial)
        parties: set[str] = set()
        for key in self.client.lots_of(gtin):
            if leaf in self._tree(gtin, key):
                parties |= self.reader.lot_by_key(gtin, key).chain_of_custody(serial)
        return anchored, parties

    def _target(
        self, gtin: int, lot: str | None, serial: str | None
    ) -> tuple[Scope, bytes, dict[str, Any]]:
        if (lot is None) == (serial is None):
            raise InvalidInputError("name either a lot or a serial")
        prefix = self._prefix(gtin)
        if serial is not None:
            return Scope.UNIT, ids.digest(serial), {"epcs": [gs1.sgtin_uri(gtin, prefix, serial)]}
        assert lot is not None
        return Scope.LOT, ids.digest(lot), {"lot_class": gs1.lgtin_uri(gtin, prefix, lot)}

    # ------------------------------------------------------------------ cold chain
    def record_sensor_readings(
        self, holding: bytes, readings: Sequence[epcis.Reading], *, device: str
    ) -> Anchored:
        """Anchor a batch of temperature readings of `holding` (an excursion if any reading
        leaves the product's range)."""
        if not readings:
            raise InvalidInputError("a sensor batch needs at least one reading")
        custody, view = self._holding(holding)
        product = self.client.product_of(custody.gtin)
        low, high = product.min_temperature / CENTI, product.max_temperature / CENTI
        element = epcis.sensor_element(device, readings, low, high)
        event = self._event(
            action="OBSERVE",
            biz_step="sensor_reporting",
            disposition=None,
            lot_class=gs1.lgtin_uri(
                custody.gtin, custody.company_prefix_length, custody.lot_number
            ),
            sensors=[element],
        )
        lowest = reading_hundredths(min(r.celsius for r in readings), up=False)
        highest = reading_hundredths(max(r.celsius for r in readings), up=True)
        return self._anchor(
            event,
            lambda h, c: self.client.record_sensor_readings(holding, lowest, highest, h, c),
        )

    def clear_excursion(self, holding: bytes) -> Anchored:
        custody, _ = self._holding(holding)
        event = self._event(
            action="OBSERVE",
            biz_step="inspecting",
            disposition="sellable_accessible",
            lot_class=gs1.lgtin_uri(
                custody.gtin, custody.company_prefix_length, custody.lot_number
            ),
        )
        return self._anchor(event, lambda h, c: self.client.clear_excursion(holding, h, c))


def _reason(text: str) -> bytes:
    if not text.strip():
        raise InvalidInputError("give a reason")
    return keccak(text.strip().encode())


def _hundredths(celsius: float) -> Decimal:
    # The decimal the number was written as (str of a float is its shortest round-trip form),
    # so 2.2 is 220 hundredths, not the binary 220.00000000000003.
    if not math.isfinite(celsius):
        raise InvalidInputError(f"not a temperature: {celsius}")
    return Decimal(str(celsius)) * CENTI


def limit_hundredths(celsius: float) -> int:
    """A product's storage limit in the contract's hundredths of a degree: exact, since a
    regulatory limit must not be moved by rounding."""
    value = _hundredths(celsius)
    if value != value.to_integral_value():
        raise InvalidInputError(f"a storage limit has at most two decimals: {celsius}")
    return int(value)


def reading_hundredths(celsius: float, *, up: bool) -> int:
    """A reading in hundredths of a degree: exact with at most two decimals, else rounded
    outwards (`up` for the highest reading, down for the lowest), so a reading just outside the
    range is never rounded into it."""
    return int(_hundredths(celsius).to_integral_value(ROUND_CEILING if up else ROUND_FLOOR))
