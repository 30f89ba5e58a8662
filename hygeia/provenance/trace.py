"""Chains of custody rebuilt from DrugProvenance's events and the EPCIS documents they anchor.

The chain says what happened (holdings, who held them, roots, event hashes and document CIDs);
the documents on the content store say which units (EPCs) each event was about. Each document
is checked against its anchor: its event hash must equal the one on-chain, and the units a
shipment lists must rebuild the shipment's root. A trace exports the anchored events as one
EPCIS 2.0 document, in chain order.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

from hygeia.core.chain.connection import block_time
from hygeia.core.contract_types import HoldingState
from hygeia.core.errors import (
    ContentNotFoundError,
    IntegrityError,
    InvalidInputError,
    PartyWithoutGlnError,
)
from hygeia.core.store import ContentStore
from hygeia.core.store.cid import CID
from hygeia.provenance import epcis, gs1, ids
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.merkle import (
    ZERO,
    LotTree,
    Word,
    commitment,
    complement_words,
    process_proof,
    words,
)

# Events that concern a lot, each with its lot key as an indexed argument.
_LOT_EVENTS = (
    "LotCommissioned",
    "ShipmentDispatched",
    "ShipmentReceived",
    "ShipmentVoided",
    "UnitDispensed",
    "UnitDestroyed",
    "LotRecalled",
    "SensorReadingsAnchored",
    "ExcursionCleared",
)
_INVESTIGATION_EVENTS = ("ProductQuarantined", "ProductCleared", "ProductConfirmedIllegitimate")
# Alerts about suspect product: they change nothing on-chain.
ALERT_EVENTS = ("SuspectUnitFlagged", "SuspectProductReported")
# The account that anchored each event: the place (readPoint, bizLocation) its document names
# must be a GLN bound to that account.
_ACTOR = {
    "LotCommissioned": "manufacturer",
    "ShipmentDispatched": "sender",
    "ShipmentReceived": "receiver",
    "ShipmentVoided": "sender",
    "UnitDispensed": "dispenser",
    "UnitDestroyed": "custodian",
    "LotRecalled": "by",
    "ProductQuarantined": "by",
    "ProductCleared": "by",
    "ProductConfirmedIllegitimate": "by",
    "SensorReadingsAnchored": "by",
    "ExcursionCleared": "by",
    "SuspectUnitFlagged": "reporter",
    "SuspectProductReported": "reporter",
}
# Custody steps: their anchoring account is a trading partner, so their place must be a GLN.
_CUSTODY_STEPS = frozenset(
    {
        "LotCommissioned",
        "ShipmentDispatched",
        "ShipmentReceived",
        "ShipmentVoided",
        "UnitDispensed",
        "UnitDestroyed",
        "SuspectUnitFlagged",
    }
)
_GLN_URIS = ("urn:epc:id:sgln:", "urn:epc:id:pgln:")
_DOCUMENTS_KEPT = 32
Progress = Callable[[int], None]


@runtime_checkable
class LotLogSource(Protocol):
    """A log source that finds a lot's events by lot key and GTIN itself (hygeia.index's
    IndexedLogs, from its `custody` table), in get_logs' shape with each log's `event`, and
    says the last block it has indexed (None: none yet)."""

    def lot_logs(self, gtin: int, lot_key: bytes, names: tuple[str, ...]) -> Sequence[Any]: ...

    def indexed_to(self) -> int | None: ...


@dataclass(frozen=True)
class ChainEvent:
    """One DrugProvenance event, decoded."""

    name: str
    args: dict[str, Any]
    block: int
    index: int
    tx_hash: str

    @property
    def epcis_hash(self) -> bytes:
        return bytes(self.args["epcisHash"])

    @property
    def holding(self) -> bytes:
        """The holding a LotCommissioned or ShipmentDispatched event made."""
        return bytes(self.args["shipment" if self.name == "ShipmentDispatched" else "holding"])

    @property
    def cid(self) -> str:
        return str(CID.from_bytes(bytes(self.args["cid"])))


@dataclass
class HoldingView:
    """A holding as the events tell it, with the serial numbers (text) it holds."""

    id: bytes
    parent: bytes | None
    custodian: str
    owner: str
    state: HoldingState
    serials: set[str]
    receiver: str | None = None
    excursion: bool = False
    sale: bool = False
    complement: bool = False  # its words are the positions gone from the whole lot
    history: set[str] = field(default_factory=set)  # every serial that was ever in it


@dataclass
class LotCustody:
    """Everything that happened to one lot, in chain order."""

    gtin: int
    lot_number: str
    expiry: date
    lot_key: bytes
    company_prefix_length: int
    tree: LotTree
    serial_of_unit: dict[bytes, str]
    quantity: int = 0  # as the lot's record declares it
    positions: dict[str, int] = field(default_factory=dict)  # serial -> its place in the lot
    holdings: dict[bytes, HoldingView] = field(default_factory=dict)
    events: list[ChainEvent] = field(default_factory=list)
    recalled: bool = False

    def custodians(self) -> set[str]:
        """The parties holding units of the lot now, or about to (the receivers of shipments in
        transit): whom a recall must reach."""
        parties = set()
        for holding in self.holdings.values():
            if holding.serials:
                parties.add(holding.custodian)
                if holding.state is HoldingState.IN_TRANSIT and holding.receiver is not None:
                    parties.add(holding.receiver)
        return parties

    def chain_of_custody(self) -> set[str]:
        """Every party in the lot's chain of custody: the custodians and owners of each of its
        holdings, and the receivers of its shipments in transit. Whom a product confirmed
        illegitimate must be notified to (DSCSA); a shipment's sender is there as the
        custodian of the holding it left."""
        return _parties(self.holdings.values())

    def alerts(self) -> list[ChainEvent]:
        """The suspect-product alerts about the lot or its units, in chain order: dispenses
        refused as a clone or an unknown serial (SuspectUnitFlagged) and partners' reports
        (SuspectProductReported). They changed nothing; a quarantine is a separate event."""
        return [event for event in self.events if event.name in ALERT_EVENTS]

    def holding_of_serial(self, serial: str) -> HoldingView | None:
        for holding in self.holdings.values():
            if serial in holding.serials:
                return holding
        return None

    def unit(self, serial: str) -> bytes:
        return ids.unit_id(self.gtin, ids.digest(serial))

    def position_of(self, serial: str) -> int:
        """The position of `serial` in the lot: its place in the commissioning document."""
        try:
            return self.positions[serial]
        except KeyError:
            raise InvalidInputError(
                f"serial {serial!r} is not in lot {self.lot_number!r}"
            ) from None

    def positions_of(self, serials: Iterable[str]) -> set[int]:
        return {self.position_of(s) for s in serials}

    def words(self, holding: bytes) -> list[Word]:
        """The words holding `holding` commits to on-chain (see hygeia.provenance.merkle): its
        positions, or a complement holding's `complement_words` of the positions gone, found
        from the serials gone, so a lot's stock costs what left it, not its size."""
        view = self.holdings[holding]
        if not view.complement:
            return words(self.positions_of(view.serials))
        gone = self.positions_of(self.positions.keys() - view.serials)
        gone.update(range(len(self.positions), self.quantity))  # declared, never listed
        return complement_words(gone, self.quantity)

    def commitment(self, holding: bytes) -> bytes:
        """The commitment the chain should hold for `holding`, from the units the events give
        it: `holding_commitment` of its positions."""
        return commitment(self.words(holding)) if self.holdings[holding].serials else ZERO


@dataclass
class UnitCustody:
    """What happened to one unit of a lot, in chain order, read without the rest of the lot
    (TraceReader.unit_by_key): the holdings it passed through, each as it concerns the unit
    (`serials` is the unit while it is there, `history` the unit), and the events about it."""

    gtin: int
    lot_number: str
    lot_key: bytes
    company_prefix_length: int
    root: bytes  # the lot's serials root on-chain
    serial: str
    unit: bytes
    position: int  # its place in the lot, proven against `root`
    holdings: dict[bytes, HoldingView] = field(default_factory=dict)
    events: list[ChainEvent] = field(default_factory=list)

    @property
    def serial_of_unit(self) -> dict[bytes, str]:
        return {self.unit: self.serial}

    @property
    def holding(self) -> HoldingView | None:
        """The holding the unit is in now; None once dispensed or destroyed."""
        return next((v for v in self.holdings.values() if v.serials), None)

    def chain_of_custody(self) -> set[str]:
        """Every party in the unit's chain of custody (see LotCustody.chain_of_custody)."""
        return _parties(self.holdings.values())

    def alerts(self) -> list[ChainEvent]:
        """The suspect-product alerts about the unit or its lot, in chain order."""
        return [event for event in self.events if event.name in ALERT_EVENTS]


def _parties(views: Iterable[HoldingView]) -> set[str]:
    parties = set()
    for view in views:
        parties |= {view.custodian, view.owner}
        if view.state is HoldingState.IN_TRANSIT and view.receiver is not None:
            parties.add(view.receiver)
    return parties


class TraceReader:
    """Reads a lot's custody, or one unit's, from the chain and the content store."""

    def __init__(
        self, client: DrugProvenanceClient, store: ContentStore, index: SerialIndex | None = None
    ) -> None:
        """`index`: where a unit's position and proof are read (see unit_by_key); without one,
        a unit's trace rebuilds its lot's tree."""
        self.client = client
        self.store = store
        self.index = index
        self._gln_log: list[ChainEvent] = []
        self._licence_log: list[ChainEvent] = []
        self._gln_read_at = -1  # the height the two logs above reach (-1: not read yet)
        # A commissioned lot never changes: its serials and tree, checked once, are kept by lot
        # key. Anchored documents never change either: the last few checked are kept by the
        # event anchoring them, so a read that needs one twice (a lot's custody, then its trace)
        # parses and hashes it once.
        self._gln_now: dict[int, str | None] = {}  # glnHolderOf, read once like the logs
        self._commissioned: dict[tuple[int, bytes], tuple[str, list[str], LotTree]] = {}
        self._lot_numbers: dict[bytes, str] = {}  # by lot key, when only the number was read
        self._documents: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], str | None]] = (
            OrderedDict()
        )

    # ------------------------------------------------------------------ parties' GLNs
    def gln_holder_at(self, gln: int, block: int, index: int) -> str | None:
        """The party GLN `gln` named when the event at (`block`, `index`) was mined: the last
        GlnRegistered before it (a later licensee's takeover does not rewrite old events), while
        its binder was still the licensee of the GLN's company prefix then (the last
        CompanyPrefixLicensed or CompanyPrefixRevoked of that prefix before the event); None
        otherwise. When nothing about the GLN or its prefix happened since, the holder is also
        confirmed against the contract's storage (`glnHolderOf` now): logs that disagree with it
        raise IntegrityError."""
        if block > self._gln_read_at:
            self._read_gln_logs()
        at = (block, index)
        binding: ChainEvent | None = None
        for event in self._gln_log:
            if (event.block, event.index) > at:
                break
            if int(event.args["gln"]) == gln:
                binding = event
        holder = None if binding is None else str(binding.args["party"])
        later = any((e.block, e.index) > at and int(e.args["gln"]) == gln for e in self._gln_log)
        if binding is not None:
            length = int(binding.args["companyPrefixLength"])
            prefix = gln // 10 ** (13 - length)
            licensee: str | None = None
            for event in self._licence_log:
                if (int(event.args["companyPrefix"]), int(event.args["length"])) != (
                    prefix,
                    length,
                ):
                    continue
                if (event.block, event.index) > at:
                    later = True
                    break
                licensed = event.name == "CompanyPrefixLicensed"
                licensee = str(event.args["manufacturer"]) if licensed else None
            if licensee != holder:
                holder = None  # the prefix was revoked or moved after the binding
        if not later:
            if gln not in self._gln_now:
                self._gln_now[gln] = self.client.gln_holder_of(gln)[0]
            now = self._gln_now[gln]
            if now != holder:
                raise IntegrityError(
                    f"the events say GLN {gs1.gln13(gln)} names {holder or 'nobody'}, the "
                    f"contract's storage says {now or 'nobody'}"
                )
        return holder

    def _read_gln_logs(self) -> None:
        """Read the GLN bindings and prefix licences: from the start, then only what was mined
        since for an event newer than the last read (a party may have bound a GLN since, or
        lost its prefix), so a reader kept for long, or shared by several parties' flows, never
        judges a new event by old logs."""
        # How far the logs about to be read reach at least: the chain's head, or what an index
        # has indexed of it.
        height = int(self.client.w3.eth.block_number)
        if isinstance(self.client.logs, LotLogSource):
            indexed = self.client.logs.indexed_to()
            height = min(height, -1 if indexed is None else indexed)
        since = self._gln_read_at + 1
        self._gln_log += self._mined_since("GlnRegistered", since, self._gln_log)
        licences = self._licence_log
        for name in ("CompanyPrefixLicensed", "CompanyPrefixRevoked"):
            licences = licences + self._mined_since(name, since, licences)
        self._licence_log = sorted(licences, key=lambda e: (e.block, e.index))
        self._gln_now.clear()
        self._gln_read_at = height

    def _mined_since(self, name: str, block: int, known: list[ChainEvent]) -> list[ChainEvent]:
        """The events `name` from `block` on, less those `known` already holds (the last read
        may have reached past the height it recorded)."""
        seen = {(e.block, e.index) for e in known if e.block >= block}
        return [e for e in self.events(name, {}, block) if (e.block, e.index) not in seen]

    def check_glns(self, chain: ChainEvent, event: dict[str, Any]) -> None:
        """Every GLN an anchored event names is bound on-chain to a party of that chain event:
        its place (readPoint, bizLocation) to the account that anchored it, each source and
        destination to one of the parties the chain event names. Raises IntegrityError naming
        the GLN otherwise (a party naming itself, or its goods' owner, by another's GLN).

        Every source, destination and place named must be a GLN URI (a custody step must name
        its place; a regulator's investigation names none): a document naming a party or place
        otherwise (a chain account, as a raw transaction around the SDK may anchor) raises
        PartyWithoutGlnError."""
        actor = str(chain.args.get(_ACTOR.get(chain.name, ""), ""))
        parties = {str(v) for v in chain.args.values() if isinstance(v, str) and v.startswith("0x")}
        if chain.name == "ShipmentDispatched":
            # The goods' owner, named as the owning party, may be neither sender nor receiver
            # (a move by a logistics provider); it owns the parent holding.
            parties.add(str(self.client.holding_of(bytes(chain.args["parent"])).owner))
        custody_step = chain.name in _CUSTODY_STEPS
        named = [
            (event.get(k, {}).get("id"), {actor}, "place")
            for k in ("readPoint", "bizLocation")
            if k in event or (k == "readPoint" and custody_step)
        ]
        named += [(e.get("source"), parties, "party") for e in event.get("sourceList", [])]
        named += [
            (e.get("destination"), parties, "party") for e in event.get("destinationList", [])
        ]
        for uri, allowed, role in named:
            if not isinstance(uri, str) or not uri.startswith(_GLN_URIS):
                raise PartyWithoutGlnError(
                    str(uri),
                    role,
                    f"the EPCIS document of tx {chain.tx_hash} names {uri!r} as a {role} where "
                    "a GLN belongs: every party and place of a custody step is named by its GLN",
                )
            _, gln = gs1.parse_gln_uri(uri)
            holder = self.gln_holder_at(gln, chain.block, chain.index)
            if holder is None or holder not in allowed:
                raise IntegrityError(
                    f"the EPCIS document of tx {chain.tx_hash} names {uri}, which is bound "
                    f"on-chain to {holder or 'nobody'}, not to a party of that event"
                )

    def master_data(self, gtin: int) -> list[Any]:
        """The EPCClass master data of product `gtin`, from its registration document (checked
        against its anchor)."""
        found = self.events("ProductRegistered", {"gtin": gtin})
        if not found:
            raise InvalidInputError(f"GTIN {gs1.gtin14(gtin)} is not registered")
        doc = self.document(found[-1])
        return list(doc.get("epcisHeader", {}).get("epcisMasterData", {}).get("vocabularyList", []))

    # ------------------------------------------------------------------ events
    def events(self, name: str, filters: dict[str, Any], from_block: int = 0) -> list[ChainEvent]:
        logs = self.client.event_logs(name, filters, from_block)
        return [
            ChainEvent(
                name,
                dict(log["args"]),
                int(log["blockNumber"]),
                int(log["logIndex"]),
                log["transactionHash"].to_0x_hex(),
            )
            for log in logs
        ]

    def lot_events(self, gtin: int, lot_key: bytes, unit_ids: Iterable[bytes]) -> list[ChainEvent]:
        units = set(unit_ids)
        if isinstance(self.client.logs, LotLogSource):
            return self._indexed_lot_events(self.client.logs, gtin, lot_key, units)
        found: list[ChainEvent] = []
        for name in _LOT_EVENTS:
            found += self.events(name, {"lotKey": lot_key})
        for name in (*_INVESTIGATION_EVENTS, "SuspectProductReported"):
            found += [
                e
                for e in self.events(name, {"gtin": gtin})
                if bytes(e.args["target"]) == lot_key or bytes(e.args["target"]) in units
            ]
        holdings = {e.holding for e in found if e.name in ("LotCommissioned", "ShipmentDispatched")}
        found += [
            e
            for e in self.events("SuspectUnitFlagged", {})
            if bytes(e.args["unitId"]) in units or bytes(e.args["holding"]) in holdings
        ]
        return sorted(found, key=lambda e: (e.block, e.index))

    def _indexed_lot_events(
        self, source: LotLogSource, gtin: int, lot_key: bytes, units: set[bytes]
    ) -> list[ChainEvent]:
        """lot_events from an event index's `custody` table (by lot key and GTIN), narrowed
        as the chain's answer is."""
        names = (*_LOT_EVENTS, *_INVESTIGATION_EVENTS, *ALERT_EVENTS)
        logs = source.lot_logs(gtin, lot_key, names)
        found = [
            ChainEvent(
                str(log["event"]),
                dict(log["args"]),
                int(log["blockNumber"]),
                int(log["logIndex"]),
                log["transactionHash"].to_0x_hex(),
            )
            for log in logs
        ]
        kept = [e for e in found if e.name in _LOT_EVENTS and bytes(e.args["lotKey"]) == lot_key]
        kept += [
            e
            for e in found
            if e.name in (*_INVESTIGATION_EVENTS, "SuspectProductReported")
            and (bytes(e.args["target"]) == lot_key or bytes(e.args["target"]) in units)
        ]
        holdings = {e.holding for e in kept if e.name in ("LotCommissioned", "ShipmentDispatched")}
        # A unit flagged suspect under this GTIN: the chain's answer reads every flag and keeps
        # those of this lot's units or holdings; the index has them by GTIN.
        kept += [
            e
            for e in found
            if e.name == "SuspectUnitFlagged"
            and (bytes(e.args["unitId"]) in units or bytes(e.args["holding"]) in holdings)
        ]
        return sorted(kept, key=lambda e: (e.block, e.index))

    def document(self, event: ChainEvent) -> dict[str, Any]:
        """The EPCIS document an event anchors, checked against the event hash on-chain."""
        return self._anchored(event)[0]

    def _anchored(self, event: ChainEvent) -> tuple[dict[str, Any], str | None]:
        """The document an event anchors, checked, and the anchored EPCIS event's id (GS1's
        event hash; None for master data)."""
        # Everything the check reads: the same transaction's log named with another CID or
        # hash is another document.
        key = (event.tx_hash, event.block, event.index, event.name, event.cid, event.epcis_hash)
        if key in self._documents:
            self._documents.move_to_end(key)
            return self._documents[key]
        checked = self._checked_document(event)
        self._documents[key] = checked
        if len(self._documents) > _DOCUMENTS_KEPT:
            self._documents.popitem(last=False)
        return checked

    def _checked_document(self, event: ChainEvent) -> tuple[dict[str, Any], str | None]:
        doc = epcis.decode(self.store.cat(event.cid))
        if event.name == "ProductRegistered":
            if epcis.document_hash(doc) != event.epcis_hash:
                raise IntegrityError(f"master data document {event.cid} does not match its anchor")
            return doc, None
        events = doc.get("epcisBody", {}).get("eventList", [])
        anchored_id = epcis.event_hash(events[-1]) if events else None
        if anchored_id is None or epcis.hash_digest(anchored_id) != event.epcis_hash:
            raise IntegrityError(
                f"EPCIS document {event.cid} does not hold the event anchored in tx {event.tx_hash}"
            )
        # Before the anchored event, a shipment's document may hold one event: the packing of
        # the case or pallet it ships (the CID on-chain commits to it).
        before = events[:-1]
        if before and (
            event.name != "ShipmentDispatched"
            or len(before) > 1
            or not _packs(before[0], events[-1])
        ):
            raise IntegrityError(
                f"EPCIS document {event.cid} holds events besides the one anchored in tx "
                f"{event.tx_hash} other than the packing of what it ships"
            )
        for each in events:
            self.check_glns(event, each)
        return doc, anchored_id

    # ------------------------------------------------------------------ custody
    @staticmethod
    def lot_key(gtin: int, lot_number: str) -> bytes:
        return ids.lot_key(gtin, ids.digest(lot_number))

    def lot(self, gtin: int, lot_number: str, *, progress: Progress | None = None) -> LotCustody:
        """The custody of lot `lot_number` of `gtin`: its holdings and their units now."""
        return self.lot_by_key(gtin, ids.lot_key(gtin, ids.digest(lot_number)), progress=progress)

    def commissioning(self, lot_key: bytes) -> tuple[ChainEvent, dict[str, Any]]:
        """A lot's LotCommissioned event and the EPCIS event it anchors (with every EPC)."""
        found = self._commissioning_event(lot_key)
        return found, self.document(found)["epcisBody"]["eventList"][0]

    def _commissioning_event(self, lot_key: bytes) -> ChainEvent:
        found = self.events("LotCommissioned", {"lotKey": lot_key})
        if not found:
            raise InvalidInputError(f"no lot 0x{lot_key.hex()} was commissioned")
        return found[0]

    def lot_number(self, gtin: int, lot_key: bytes) -> str:
        """A commissioned lot's number (text), from its commissioning document, checked against
        the lot's digest on-chain: the number alone, without the cost of checking the whole
        document (its event hash and its serials against the lot's root), which grows with the
        lot."""
        if (gtin, lot_key) in self._commissioned:
            return self._commissioned[gtin, lot_key][0]
        if lot_key not in self._lot_numbers:
            found = self._commissioning_event(lot_key)
            events = epcis.decode(self.store.cat(found.cid)).get("epcisBody", {}).get("eventList")
            self._lot_numbers[lot_key] = _lot_number(
                found, events[-1] if isinstance(events, list) and events else {}
            )
        return self._lot_numbers[lot_key]

    def serials(self, lot_key: bytes) -> list[str]:
        """The serial numbers of a lot, from its commissioning document."""
        return self._serials(self.commissioning(lot_key)[1])

    def commissioned(
        self, gtin: int, lot_key: bytes, *, progress: Progress | None = None
    ) -> tuple[str, list[str], LotTree]:
        """A lot's number, serial numbers and tree, from its commissioning document, checked
        against the chain: the document names the lot, and its serials rebuild the lot's root."""
        if (gtin, lot_key) in self._commissioned:
            return self._commissioned[gtin, lot_key]
        record = self.client.lot_of(lot_key)
        if record.gtin != gtin:
            raise InvalidInputError(f"no lot 0x{lot_key.hex()} of GTIN {gs1.gtin14(gtin)}")
        chain_event, event = self.commissioning(lot_key)
        lot_number = _lot_number(chain_event, event)
        serials = self._serials(event)
        tree = LotTree.of_units(ids.unit_ids(gtin, serials), progress=progress)
        if tree.root != record.serials_root:
            raise IntegrityError(f"the serial list of lot {lot_number!r} does not rebuild its root")
        self._commissioned[gtin, lot_key] = (lot_number, serials, tree)
        return lot_number, serials, tree

    def add_commissioned(
        self, gtin: int, lot_key: bytes, lot_number: str, serials: list[str], tree: LotTree
    ) -> None:
        """A lot this process commissioned itself: known without reading its document back."""
        self._commissioned[gtin, lot_key] = (lot_number, serials, tree)

    def lot_by_key(
        self, gtin: int, lot_key: bytes, *, progress: Progress | None = None
    ) -> LotCustody:
        lot_number, serials, tree = self.commissioned(gtin, lot_key, progress=progress)
        serial_of_unit = {unit: serials[k] for unit, k in tree.positions.items()}
        record = self.client.lot_of(lot_key)
        custody = LotCustody(
            gtin,
            lot_number,
            record.expiry,
            lot_key,
            self.client.product_of(gtin).company_prefix_length,
            tree,
            serial_of_unit,
            record.quantity,
            {serial: k for k, serial in enumerate(serials)},
        )
        custody.events = self.lot_events(gtin, lot_key, serial_of_unit)
        for chain in custody.events:
            self._apply(custody, chain)
        return custody

    def _apply(self, custody: LotCustody, event: ChainEvent) -> None:
        args, holdings = event.args, custody.holdings
        if event.name == "LotCommissioned":
            self._add(
                custody,
                event.holding,
                None,
                args["manufacturer"],
                args["manufacturer"],
                HoldingState.HELD,
                set(custody.serial_of_unit.values()),
            ).complement = True
        elif event.name == "ShipmentDispatched":
            parent = holdings[bytes(args["parent"])]
            listed = self._shipped_serials(event, custody.gtin, custody.company_prefix_length)
            moving = set(listed) or set(parent.serials)
            if not moving <= parent.serials:
                raise IntegrityError(f"shipment {event.cid} lists units its sender did not hold")
            # A whole holding moves its commitment (and base) as is; a subset commits its words.
            whole = not listed
            shipped = (
                custody.commitment(parent.id)
                if whole
                else commitment(words(custody.positions_of(moving)))
            )
            complement = parent.complement and whole
            parent.serials -= moving
            if whole:
                parent.complement = False
            if shipped != bytes(args["commitment"]) or custody.commitment(parent.id) != bytes(
                args["parentCommitment"]
            ):
                raise IntegrityError(
                    f"the units of shipment {event.cid} do not match its commitments on-chain"
                )
            view = self._add(
                custody,
                event.holding,
                parent.id,
                args["sender"],
                parent.owner,
                HoldingState.IN_TRANSIT,
                moving,
            )
            view.receiver = args["receiver"]
            view.sale = bool(args["transfersOwnership"])
            view.complement = complement
        elif event.name == "ShipmentReceived":
            view = holdings[bytes(args["shipment"])]
            view.custodian, view.owner, view.state, view.receiver = (
                args["receiver"],
                args["owner"],
                HoldingState.HELD,
                None,
            )
        elif event.name == "ShipmentVoided":
            view = holdings[bytes(args["shipment"])]
            view.state, view.receiver = HoldingState.VOIDED, None
        elif event.name in ("UnitDispensed", "UnitDestroyed"):
            serial = custody.serial_of_unit[bytes(args["unitId"])]
            holdings[bytes(args["holding"])].serials.discard(serial)
        elif event.name == "LotRecalled":
            custody.recalled = True
        elif event.name == "SensorReadingsAnchored" and args["excursion"]:
            holdings[bytes(args["holding"])].excursion = True
        elif event.name == "ExcursionCleared":
            holdings[bytes(args["holding"])].excursion = False

    def _shipped_serials(self, event: ChainEvent, gtin: int, prefix: int) -> list[str]:
        """The serials a ShipmentDispatched's document lists: by the shipping event, or by the
        packing of the case it names (document() checked they agree); none (a lot's quantity)
        for a whole holding."""
        *packing, doc_event = self.document(event)["epcisBody"]["eventList"]
        epcs = [e for e in doc_event.get("epcList", []) if _is_unit(e)] or [
            c for p in packing for c in p.get("childEPCs", [])
        ]
        listed = [gs1.parse_sgtin_uri(epc)[2] for epc in epcs]
        own = (gs1.sgtin_uri(gtin, prefix, s) for s in listed)
        if any(mine != epc for mine, epc in zip(own, epcs, strict=True)):
            raise IntegrityError(f"shipment {event.cid} lists units of another product")
        return listed

    # ------------------------------------------------------------------ one unit
    def unit(
        self, gtin: int, lot_number: str, serial: str, *, progress: Progress | None = None
    ) -> UnitCustody:
        """The custody of unit `serial` of lot `lot_number` of `gtin` (see unit_by_key)."""
        key = ids.lot_key(gtin, ids.digest(lot_number))
        return self.unit_by_key(gtin, key, serial, progress=progress)

    def unit_by_key(
        self, gtin: int, lot_key: bytes, serial: str, *, progress: Progress | None = None
    ) -> UnitCustody:
        """The custody of one unit, read at the cost of that unit, not of its lot: its position
        and Merkle proof (unit_proof: from the serial index when the reader has one), proven
        against the lot's root on-chain; then the lot's events in chain order, following the
        holding the unit is in.

        Each document on the unit's path is checked against its anchor, as for a lot. A part
        of a holding that lists units moves the unit if it lists it, and its units must make
        the shipment's commitment on-chain; a whole holding moves it, and the chain must say
        it left nothing behind. What the chain says of other units (their holdings' words) is
        not checked here: a lot's custody checks it."""
        record = self.client.lot_of(lot_key)
        if record.gtin != gtin:
            raise InvalidInputError(f"no lot 0x{lot_key.hex()} of GTIN {gs1.gtin14(gtin)}")
        commissioning, event = self.commissioning(lot_key)
        lot_number = _lot_number(commissioning, event)
        unit = ids.unit_id(gtin, ids.digest(serial))
        found = self.unit_proof(gtin, lot_key, record.serials_root, unit, progress)
        if found is None:
            raise InvalidInputError(f"serial {serial!r} is not in lot {lot_number!r}")
        position, proof = found
        if process_proof(proof, ids.position_leaf(unit, position)) != record.serials_root:
            raise IntegrityError(f"the proof of serial {serial!r} does not make its lot's root")
        prefix = self.client.product_of(gtin).company_prefix_length
        listed = event.get("epcList", [])
        if position >= len(listed) or listed[position] != gs1.sgtin_uri(gtin, prefix, serial):
            raise IntegrityError(
                f"the commissioning document of lot {lot_number!r} does not list serial "
                f"{serial!r} where its tree has it"
            )
        custody = UnitCustody(
            gtin, lot_number, lot_key, prefix, record.serials_root, serial, unit, position
        )
        for chain in self.lot_events(gtin, lot_key, [unit]):
            if self._follow(custody, chain):
                custody.events.append(chain)
        return custody

    def unit_proof(
        self, gtin: int, lot_key: bytes, root: bytes, unit: bytes, progress: Progress | None = None
    ) -> tuple[int, list[bytes]] | None:
        """The position of unit id `unit` in the commissioned lot `lot_key` (whose serials root
        on-chain is `root`) and the Merkle proof of its leaf: read from the serial index (the
        lot indexed on first use, from its checked commissioning document), or from the lot's
        checked tree without an index. None if the lot has no such unit."""
        if self.index is None:
            tree = self.commissioned(gtin, lot_key, progress=progress)[2]
            return tree.unit_proof(unit) if tree.has_unit(unit) else None
        if not self.index.has(root):
            self.index.add(self.commissioned(gtin, lot_key, progress=progress)[2])
        return self.index.unit_proof(root, unit)

    def _follow(self, custody: UnitCustody, event: ChainEvent) -> bool:
        """Apply `event` to the unit's custody; whether it concerns the unit."""
        args, views, unit = event.args, custody.holdings, custody.unit
        serial = {custody.serial}
        held = custody.holding
        if event.name == "LotCommissioned":
            custody.holdings[event.holding] = HoldingView(
                event.holding,
                None,
                args["manufacturer"],
                args["manufacturer"],
                HoldingState.HELD,
                serial,
                complement=True,
                history=set(serial),
            )
            return True
        if event.name == "ShipmentDispatched":
            if held is None or bytes(args["parent"]) != held.id:
                return False
            listed = self._shipped_serials(event, custody.gtin, custody.company_prefix_length)
            if listed:
                found = self._positions(custody, ids.unit_ids(custody.gtin, listed))
                positions = [p for p in found if p is not None]
                if len(positions) != len(found):
                    raise IntegrityError(f"shipment {event.cid} lists units of another lot")
                if commitment(words(positions)) != bytes(args["commitment"]):
                    raise IntegrityError(
                        f"the units of shipment {event.cid} do not match its commitment on-chain"
                    )
                if custody.serial not in listed:
                    return False
            elif bytes(args["parentCommitment"]) != ZERO:
                raise IntegrityError(
                    f"shipment {event.cid} lists no units, yet its sender kept some on-chain"
                )
            held.serials = set()
            views[event.holding] = HoldingView(
                event.holding,
                held.id,
                args["sender"],
                held.owner,
                HoldingState.IN_TRANSIT,
                serial,
                receiver=args["receiver"],
                sale=bool(args["transfersOwnership"]),
                complement=held.complement and not listed,
                history=set(serial),
            )
            return True
        if event.name in ("ShipmentReceived", "ShipmentVoided"):
            view = views.get(bytes(args["shipment"]))
            if view is None:
                return False
            if event.name == "ShipmentReceived":
                view.custodian, view.owner = args["receiver"], args["owner"]
                view.state = HoldingState.HELD
            else:
                view.state = HoldingState.VOIDED
            view.receiver = None
            return True
        if event.name in ("UnitDispensed", "UnitDestroyed", "SuspectUnitFlagged"):
            if bytes(args["unitId"]) != unit:
                return False
            if event.name != "SuspectUnitFlagged":
                if held is None or bytes(args["holding"]) != held.id:
                    raise IntegrityError(
                        f"the chain took serial {custody.serial!r} from a holding its events "
                        "do not put it in"
                    )
                held.serials = set()
            return True
        if event.name in (*_INVESTIGATION_EVENTS, "SuspectProductReported"):
            return bytes(args["target"]) in (unit, custody.lot_key)
        if event.name in ("SensorReadingsAnchored", "ExcursionCleared"):
            view = views.get(bytes(args["holding"]))
            if view is not None and (event.name == "ExcursionCleared" or args["excursion"]):
                view.excursion = event.name == "SensorReadingsAnchored"
            return view is not None
        return True  # a recall concerns every unit

    def _positions(self, custody: UnitCustody, units: list[bytes]) -> list[int | None]:
        """The position of each unit id in the unit's lot (None: not in it), from the index
        or the lot's tree."""
        if self.index is None:
            positions = self.commissioned(custody.gtin, custody.lot_key)[2].positions
            return [positions.get(unit) for unit in units]
        return self.index.positions(custody.root, units)

    @staticmethod
    def _add(
        custody: LotCustody,
        holding: bytes,
        parent: bytes | None,
        custodian: str,
        owner: str,
        state: HoldingState,
        serials: set[str],
    ) -> HoldingView:
        view = HoldingView(holding, parent, custodian, owner, state, serials, history=set(serials))
        custody.holdings[holding] = view
        return view

    @staticmethod
    def _serials(event: dict[str, Any]) -> list[str]:
        return gs1.sgtin_serials(epc for epc in event.get("epcList", []) if _is_unit(epc))

    # ------------------------------------------------------------------ export
    def export(self, custody: LotCustody | UnitCustody) -> dict[str, Any]:
        """The EPCIS 2.0 document of a lot's (or one unit's) chain of custody, validated, with
        the product's master data in its header.

        A lot's trace holds the anchored events as stored: the serials listed once, at
        commissioning (whole holdings move by lot class and quantity; a part of a holding lists
        the units it moves). A unit's trace names that unit only: each event about more units
        is narrowed to it, with its own event id (GS1's hash of the narrowed event) and the id
        of the anchored event it derives from (`hygeia:anchoredEventID`); the unit's membership
        in each is what the anchored roots prove."""
        epc = (
            gs1.sgtin_uri(custody.gtin, custody.company_prefix_length, custody.serial)
            if isinstance(custody, UnitCustody)
            else None
        )
        events: list[dict[str, Any]] = []
        for event in custody.events:
            doc, anchored_id = self._anchored(event)
            anchored = doc["epcisBody"]["eventList"]
            if event.name == "SuspectUnitFlagged" and any(
                e.get("disposition") == "dispensed" for e in anchored
            ):
                # The chain refused this dispense: a document recording it as dispensed (not
                # one the SDK writes) must not enter the trace as a dispense.
                continue
            if epc is None:
                events.extend(anchored)
            else:
                # The anchored (last) event's id is known from its check: not hashed again.
                last = len(anchored) - 1
                events.extend(
                    _narrowed(e, epc, anchored_id if i == last else None)
                    for i, e in enumerate(anchored)
                )
        try:
            master = self.master_data(custody.gtin)
        except (ContentNotFoundError, InvalidInputError):
            master = None
        doc = epcis.document(events, created=block_time(self.client.w3), master_data=master)
        epcis.validate(doc)
        return doc


_SGTIN, _SSCC = "urn:epc:id:sgtin:", "urn:epc:id:sscc:"


def _lot_number(commissioned: ChainEvent, event: Any) -> str:
    """The lot number a commissioning event names, checked against its LotCommissioned event's
    digest of it."""
    ilmd = event.get("ilmd") if isinstance(event, dict) else None
    number = str(ilmd.get("cbvmda:lotNumber", "")) if isinstance(ilmd, dict) else ""
    if not number or ids.digest(number) != bytes(commissioned.args["lot"]):
        raise IntegrityError("the commissioning document names another lot")
    return number


def _is_unit(epc: str) -> bool:
    return epc.startswith(_SGTIN)


def _packs(packing: dict[str, Any], shipping: dict[str, Any]) -> bool:
    """Whether `packing` is the packing, as the SDK writes it, of what `shipping` ships: an
    AggregationEvent adding to an SSCC the shipping event names the units it moves (by serial:
    the shipping event lists them, or names the case only and its children are the units; or
    the lot quantity), with its event id GS1's hash of it."""
    listed = shipping.get("epcList", [])
    parent = packing.get("parentID")
    units = [e for e in listed if _is_unit(e)]
    children = packing.get("childEPCs", [])
    return (
        packing.get("type") == "AggregationEvent"
        and packing.get("action") == "ADD"
        and packing.get("bizStep") == "packing"
        and isinstance(parent, str)
        and parent.startswith(_SSCC)
        and parent in listed
        and all(isinstance(c, str) and _is_unit(c) for c in children)
        and (children == units or (not units and bool(children)))
        and packing.get("childQuantityList") == shipping.get("quantityList")
        and packing.get("eventID") == epcis.event_hash(packing)
    )


def _narrowed(event: dict[str, Any], epc: str, anchored_id: str | None = None) -> dict[str, Any]:
    """`event` as it concerns unit `epc` alone: its units (listed, or a lot class and quantity)
    replaced by that unit, the cases (SSCCs) it names kept; a packing keeps its parent (the
    unit's case) and has the unit as its only child. Unchanged if it names the unit alone or a
    lot without quantity (a recall, a sensor report). The narrowed event points to the
    anchored one."""
    if event.get("type") == "AggregationEvent":
        if event.get("childEPCs") == [epc]:
            return event
        narrowed = {
            k: v for k, v in event.items() if k not in ("eventID", "childEPCs", "childQuantityList")
        }
        narrowed["childEPCs"] = [epc]
    else:
        listed = event.get("epcList")
        counted = [q for q in event.get("quantityList", []) if "quantity" in q]
        if listed == [epc] or (listed is None and not counted):
            return event
        narrowed = {k: v for k, v in event.items() if k not in ("eventID", "quantityList")}
        narrowed["epcList"] = [e for e in listed or [] if e.startswith(_SSCC)] + [epc]
    # The anchored event's id, then the narrowed event's own (GS1's hash ignores eventID).
    narrowed[epcis.ANCHORED_EVENT] = event.get("eventID") or anchored_id or epcis.event_hash(event)
    ordered = {"type": narrowed.pop("type"), **narrowed}
    ordered["eventID"] = epcis.event_hash(ordered)
    return ordered
