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

from web3.logs import DISCARD

from hygeia.core import times
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import (
    HoldingState,
    Investigation,
    Scope,
    UnitState,
    VerificationStatus,
)
from hygeia.core.errors import (
    ContentNotFoundError,
    DuplicateSerialError,
    IntegrityError,
    InvalidInputError,
    PartyWithoutGlnError,
)
from hygeia.core.hashing import keccak
from hygeia.core.store import ContentStore
from hygeia.core.store.cid import CID
from hygeia.provenance import epcis, gs1, ids
from hygeia.provenance.client import NO_STANDING, DrugProvenanceClient, Holding, Lot, Standing
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.merkle import LotTree, Progress, Word, words
from hygeia.provenance.trace import ChainEvent, HoldingView, LotCustody, TraceReader

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


# GS1 Lightweight Messaging Standard for Verification of Product Identifiers: why a
# verification failed, and what a matching identifier carries besides.
NO_MATCH_SERIAL = "No_match_GTIN_Serial"
NO_MATCH_LOT = "No_match_GTIN_Serial_Lot"
NO_MATCH_EXPIRY = "No_match_GTIN_Serial_Expiry"
NO_MATCH_LOT_EXPIRY = "No_match_GTIN_Serial_Lot_Expiry"
NO_REASON = "No_reason_provided"
NOT_FOR_REDISTRIBUTION = "Not_for_re-distribution"
_ADDITIONAL_INFO = {
    VerificationStatus.RECALLED: "Recalled",
    VerificationStatus.QUARANTINED: "Suspect",
    VerificationStatus.ILLEGITIMATE: "Illegitimate",
    VerificationStatus.EXPIRED: "Expired",
}


@dataclass(frozen=True)
class Verification:
    """The answer to a DSCSA verification request: the suite's status, and the same answer in
    the GS1 Lightweight Messaging Standard's terms (`verified`, `failure_reason`,
    `additional_info`, the responder and the time answered for), which a VRS responder returns.

    `verified` says the identifier matches the manufacturer's records (GTIN, serial, lot and
    expiry); `additional_info` then says why the unit must not be sold even so (Recalled,
    Suspect, Illegitimate, Expired). A dispensed or destroyed unit is not verified
    (Not_for_re-distribution). `unchecked` names what could not be checked because an
    off-chain document was not on the store: the status is still the chain's answer."""

    status: VerificationStatus
    gtin: int
    serial: str
    lot: str
    expiry: date
    lot_key: bytes | None  # the lot whose tree proved the unit, if any
    at: datetime  # the time the answer is for
    responder: str  # the responder's PGLN URI, or its chain account
    claimed_lot_key: bytes | None = None  # the claimed lot, if it was commissioned
    commissioned_expiry: date | None = None  # the expiry of the lot that has the unit
    lot_flags: tuple[str, ...] = ()  # the claimed lot's own state when its units are unchecked
    unchecked: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return self.status not in (
            VerificationStatus.UNKNOWN,
            VerificationStatus.MISMATCH,
            VerificationStatus.DISPENSED,
        )

    @property
    def failure_reason(self) -> str | None:
        if self.verified:
            return None
        if self.status is VerificationStatus.DISPENSED:
            return NOT_FOR_REDISTRIBUTION
        if self.status is VerificationStatus.MISMATCH:
            other_lot = self.lot_key != self.claimed_lot_key
            other_expiry = self.commissioned_expiry not in (None, self.expiry)
            if other_lot:
                return NO_MATCH_LOT_EXPIRY if other_expiry else NO_MATCH_LOT
            return NO_MATCH_EXPIRY
        return NO_REASON if self.unchecked else NO_MATCH_SERIAL

    @property
    def additional_info(self) -> str | None:
        return _ADDITIONAL_INFO.get(self.status) or (self.lot_flags[0] if self.lot_flags else None)

    def lms(self) -> dict[str, Any]:
        """The answer as a GS1 Lightweight Messaging verification response body."""
        data: dict[str, Any] = {"verified": self.verified}
        if self.failure_reason is not None:
            data["verificationFailureReason"] = self.failure_reason
        if self.additional_info is not None:
            data["additionalInfo"] = self.additional_info
        return {
            "verificationTimestamp": times.iso(self.at),
            "responderGLN": self.responder,
            "data": data,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status.name,
            "gtin": gs1.gtin14(self.gtin),
            "serial": self.serial,
            "lot": self.lot,
            "expiry": self.expiry.isoformat(),
            "at": times.iso(self.at),
            "commissioned_lot": None if self.lot_key is None else "0x" + self.lot_key.hex(),
            "unchecked": list(self.unchecked),
            "lms": self.lms(),
        }


@dataclass(frozen=True)
class LotName:
    """What names a lot in an event: its product, the product's GS1 company prefix length, its
    lot number and expiry."""

    gtin: int
    prefix_length: int
    number: str
    expiry: date

    @property
    def lgtin(self) -> str:
        """The lot's EPC class URI (LGTIN)."""
        return gs1.lgtin_uri(self.gtin, self.prefix_length, self.number)


class ProvenanceFlow:
    """DrugProvenance for one signer, with EPCIS documents on `store`."""

    def __init__(
        self,
        client: DrugProvenanceClient,
        store: ContentStore,
        *,
        chain_id: int,
        clock: Callable[[], datetime] | None = None,
        site: int | None = None,
        index: SerialIndex | None = None,
        reader: TraceReader | None = None,
    ) -> None:
        """`site`: the GLN of the place this signer acts at (its readPoint and bizLocation), one
        it bound with `register_gln`; default its party GLN, used as a place. `reader`: a reader
        of the same chain, contract and store to share with other parties' flows in one process (a
        backend acting for several parties), so a document or lot one of them checked is not
        read and checked again (its serial index is the flow's); default one of its own."""
        self.client = client
        self.site = None if site is None else gs1.parse_gln(site)
        self._party_uris: dict[str, str] = {}  # account -> its PGLN URI (or did:pkh without one)
        self._master: dict[int, list[Any]] = {}
        self.store = store
        self.chain_id = chain_id
        if reader is None:
            reader = TraceReader(client, store, index)
        elif (
            reader.client.address != client.address
            or reader.store is not store
            or (index is not None and reader.index is not index)
        ):
            raise InvalidInputError(
                "a shared reader must read the same contract and store (and index, if given)"
            )
        elif {reader.client.chain_id(), client.chain_id()} != {chain_id}:
            # The same deterministic address can hold the contract on two chains.
            raise InvalidInputError(
                f"a shared reader must read the flow's chain ({chain_id}); the reader's client "
                f"is on chain {reader.client.chain_id()}, the flow's on {client.chain_id()}"
            )
        self.reader = reader
        self.index = reader.index  # a shared reader's, when none is given
        self._clock = clock or times.now

    # ------------------------------------------------------------------ helpers
    @property
    def me(self) -> str:
        if self.client.sender is None:
            raise InvalidInputError("this workflow is read-only: give the client a sender")
        return self.client.sender.address

    def _party(self, address: str, role: str) -> str:
        """The URI naming a party in EPCIS source and destination lists: its PGLN as bound
        on-chain. A party that bound none (or whose binding ended with its prefix licence) is
        refused (PartyWithoutGlnError): every party of a document the SDK writes is named by
        its GS1 identifier, never by its chain account."""
        if address not in self._party_uris:
            gln = self.client.party_gln_of(address)
            if gln is None:
                raise PartyWithoutGlnError(address, role)
            _, length = self.client.gln_holder_of(gln)
            self._party_uris[address] = gs1.pgln_uri(gln, length)
        return self._party_uris[address]

    def _place(self) -> str | None:
        """Where this signer acts (readPoint, bizLocation): its site's SGLN, else its party GLN
        as a place. A trading partner without either is refused (PartyWithoutGlnError); a
        regulator, who is no GS1 trading partner and cannot bind a GLN on-chain, acts at no
        place its investigation events could name by a GS1 identifier: None (the events carry
        its chain account as their `hygeia:account` extension only)."""
        gln = self.site if self.site is not None else self.client.party_gln_of(self.me)
        if gln is None:
            if self.client.is_trading_partner(self.me):
                raise PartyWithoutGlnError(self.me, "signer")
            return None
        holder, length = self.client.gln_holder_of(gln)
        if holder != self.me:
            raise InvalidInputError(
                f"GLN {gs1.gln13(gln)} does not name you on-chain: bind it first "
                "(hygeia provenance gln ...), as the licensee of its company prefix"
            )
        return gs1.sgln_uri(gln, length)

    def register_gln(self, gln: int, company_prefix_length: int, *, party: bool = True) -> Receipt:
        """Bind GLN `gln` to this signer, licensee of its GS1 company prefix: as its party GLN
        (PGLN) or, `party=False`, as one of its sites (SGLN)."""
        receipt = self.client.register_gln(gs1.parse_gln(gln), company_prefix_length, party=party)
        self._party_uris.pop(self.me, None)
        return receipt

    def master_data(self, gtin: int) -> list[Any]:
        """The product's master data (EPCClass vocabulary) for an EPCIS header: read from its
        registration document, checked against its anchor; the GTIN alone if the document is
        not on the store."""
        if gtin not in self._master:
            try:
                self._master[gtin] = self.reader.master_data(gtin)
            except ContentNotFoundError:
                pattern = gs1.sgtin_pattern(gtin, self._prefix(gtin))
                self._master[gtin] = [
                    {
                        "type": "urn:epcglobal:epcis:vtype:EPCClass",
                        "vocabularyElementList": [{"id": pattern}],
                    }
                ]
        return self._master[gtin]

    def _anchor(
        self,
        event: dict[str, Any],
        send: Callable[[bytes, bytes], Receipt],
        *,
        gtin: int,
        holder: str | None = None,
        packing: dict[str, Any] | None = None,
    ) -> Anchored:
        """Store the EPCIS document of `event` (after the `packing` event that made the case
        or pallet it moves, if any) and anchor `event`'s hash and the document's CID; with a
        `holder`, the event makes a holding for it. The packing event is not anchored by its
        own hash: the CID, on-chain, commits to it."""
        events = [event] if packing is None else [packing, event]
        doc = epcis.with_event_ids(
            epcis.document(events, created=self._clock(), master_data=self.master_data(gtin))
        )
        epcis.validate(doc)
        ni = doc["epcisBody"]["eventList"][-1]["eventID"]
        cid = self.store.add(epcis.encode(doc))
        digest = epcis.hash_digest(ni)
        receipt = send(digest, bytes(CID.parse(cid)))
        holding = None if holder is None else ids.holding_id(self.me, digest, holder)
        return Anchored(receipt, ni, cid, holding)

    def _event(self, *, in_transit: bool = False, **fields: Any) -> dict[str, Any]:
        """An event of this signer at its place (no bizLocation for goods in transit), with its
        chain account as an extension."""
        place = self._place()
        return epcis.object_event(
            event_time=self._clock(),
            read_point=place,
            biz_location=None if in_transit else place,
            extensions={epcis.ACCOUNT: epcis.party(self.chain_id, self.me)},
            **fields,
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
        self,
        gtin: int,
        company_prefix_length: int,
        name: str,
        low: float,
        high: float,
        *,
        strength: str | None = None,
        dosage_form: str | None = None,
        ndc: str | None = None,
    ) -> Anchored:
        """Register product `gtin` with its name and storage range in degrees Celsius (and its
        strength, dosage form and NDC where known: the master data every EPCIS header carries)."""
        pattern = gs1.sgtin_pattern(gtin, company_prefix_length)
        master = epcis.product_master_data(
            pattern, name, low, high, strength=strength, dosage_form=dosage_form, ndc=ndc
        )
        doc = epcis.document([], created=self._clock(), master_data=master)
        epcis.validate(doc)
        cid = self.store.add(epcis.encode(doc))
        digest = epcis.document_hash(doc)
        self._master.pop(gtin, None)
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
        tree = LotTree.of_units(ids.unit_ids(gtin, serials), progress=progress)
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
        key = ids.lot_key(gtin, ids.digest(lot))
        if self.index is not None:
            self.index.add(tree)
        anchored = self._anchor(
            event,
            lambda h, c: self.client.commission(
                gtin, ids.digest(lot), expiry, len(serials), tree.root, h, c
            ),
            gtin=gtin,
            holder=self.me,
        )
        self.reader.add_commissioned(gtin, key, lot, list(serials), tree)
        return anchored

    def _refuse_duplicate_serials(self, gtin: int, serials: Sequence[str]) -> None:
        seen: set[str] = set()
        repeated: set[str] = set()
        for serial in serials:
            (repeated if serial in seen else seen).add(serial)
        if repeated:
            raise DuplicateSerialError(gs1.gtin14(gtin), sorted(repeated), None)
        for key in self.client.lots_of(gtin):
            # Each earlier lot's serials, checked against its on-chain root.
            lot_number, earlier, _ = self.reader.commissioned(gtin, key)
            clash = seen.intersection(earlier)
            if clash:
                raise DuplicateSerialError(gs1.gtin14(gtin), sorted(clash), lot_number)

    # ------------------------------------------------------------------ custody
    def custody(self, gtin: int, lot: str, *, progress: Progress | None = None) -> LotCustody:
        return self.reader.lot(gtin, lot, progress=progress)

    def _holding(self, holding: bytes) -> tuple[LotCustody, HoldingView]:
        """A holding as the lot's events tell it (its units by serial): the lot's custody read
        from every document since its commissioning. For a part of a holding only."""
        return self._custody(self._record(holding), holding)

    def _custody(self, record: Holding, holding: bytes) -> tuple[LotCustody, HoldingView]:
        custody = self.reader.lot_by_key(self.client.lot_of(record.lot_key).gtin, record.lot_key)
        return custody, custody.holdings[holding]

    def _record(self, holding: bytes) -> Holding:
        record = self.client.holding_of(holding)
        if record.state == HoldingState.NONE:
            raise InvalidInputError(f"no holding 0x{holding.hex()}")
        return record

    def _lot_named(self, holding: bytes) -> tuple[Holding, LotName]:
        """A holding's record on-chain and its lot's name: what an event about the holding as a
        whole needs, read without the lot's later documents, so its cost does not grow with
        the shipments before it."""
        record = self._record(holding)
        lot = self.client.lot_of(record.lot_key)
        number = self.reader.lot_number(lot.gtin, record.lot_key)
        return record, LotName(lot.gtin, self._prefix(lot.gtin), number, lot.expiry)

    def ship(
        self,
        holding: bytes,
        to: str,
        serials: Sequence[str] | None = None,
        *,
        sale: bool = True,
        transactions: Sequence[tuple[str, str]] = (),
        sscc: str | None = None,
    ) -> Anchored:
        """Ship `serials` of `holding` (None: all of it, named in the event by its lot and
        quantity) to `to`, with a DSCSA transaction information and statement document (a sale)
        on the store. `transactions`: the business transactions it fulfils, as (type, id) with
        type po (the buyer's purchase order), desadv (despatch advice) or inv (invoice), named
        under the GLN of the party that issued them (the buyer for a PO, else the seller).

        `sscc`: the case or pallet the units travel in (an SSCC under the sender's own GS1
        company prefix, its check digit validated; SsccError otherwise): the document then
        holds the packing AggregationEvent (parentID the SSCC, the units its children, by
        serial or as the lot's quantity) before the shipping event, which names the SSCC (and
        a whole holding's lot quantity), so each serial is listed once.

        Refuses (PartyWithoutGlnError) a shipment to or from a party without a party GLN
        bound on-chain (sender, receiver or the goods' owner), before anything is stored or
        sent."""
        record, lot = self._lot_named(holding)
        custody = None
        if serials is None:
            quantity = record.units
        else:
            custody, view = self._custody(record, holding)
            missing = set(serials) - view.serials
            if missing:
                raise InvalidInputError(f"{len(missing)} of the serials are not in this holding")
            quantity = len(serials)
        owner_after = to if sale else record.owner
        # Every party is named by its GLN: refuse before anything is stored or sent.
        owner, sender = self._party(record.owner, "owner"), self._party(self.me, "sender")
        receiver = self._party(to, "receiver")
        place = self._place()
        if place is None:  # only trading partners hold goods; the contract refuses others too
            raise PartyWithoutGlnError(self.me, "sender")
        parent = None if sscc is None else self._sscc(sscc)
        owner_after_uri = receiver if sale else owner
        business = [
            self._business_transaction(kind, ident, record.owner, owner_after)
            for kind, ident in transactions
        ]
        statement = {
            "type": "DSCSATransaction",
            # Names the transaction, so two shipments alike in all else (a void and a re-ship
            # in the same second) are different EPCIS events with different hashes.
            "transactionId": f"urn:uuid:{uuid.uuid4()}",
            "transactionInformation": {
                "gtin": gs1.gtin14(lot.gtin),
                "lot": lot.number,
                "expiry": lot.expiry.isoformat(),
                "quantity": quantity,
                "date": epcis.timestamp(self._clock()),
                "from": owner,
                "to": owner_after_uri,
                "businessTransactions": [{"type": t, "id": v} for t, v in business],
            },
            "transactionStatement": _TRANSACTION_STATEMENT if sale else None,
        }
        ti_cid = self.store.add(json.dumps(statement, sort_keys=True).encode())
        units: dict[str, Any] = (
            self._whole(lot, quantity)
            if serials is None
            else {"epcs": self._sgtins(lot.gtin, lot.prefix_length, list(serials))}
        )
        packing = None
        if parent is not None:
            packing = epcis.packing_event(
                event_time=self._clock(),
                parent=parent,
                read_point=place,
                extensions={epcis.ACCOUNT: epcis.party(self.chain_id, self.me)},
                **units,
            )
            # The shipment names the case; its units are the packing's children (listed once).
            units = {k: v for k, v in units.items() if k != "epcs"} | {"epcs": [parent]}
        event = self._event(
            in_transit=True,
            action="OBSERVE",
            biz_step="shipping",
            disposition="in_transit",
            **units,
            transactions=[*business, (epcis.PEDIGREE, f"ipfs://{ti_cid}")],
            sources=[
                (epcis.OWNING_PARTY, owner),
                (epcis.POSSESSING_PARTY, sender),
            ],
            destinations=[
                (epcis.OWNING_PARTY, owner_after_uri),
                (epcis.POSSESSING_PARTY, receiver),
            ],
        )
        # A whole holding moves as it is; a subset names its positions by word, beside the
        # holding's words, which the chain checks against the holding's commitment.
        held: list[Word] = [] if custody is None else self._words(custody, holding)
        taken = [] if custody is None else words(custody.positions_of(serials or ()))
        return self._anchor(
            event,
            lambda h, c: self.client.ship(holding, held, taken, to, sale, h, c),
            gtin=lot.gtin,
            holder=to,
            packing=packing,
        )

    def _words(self, custody: LotCustody, holding: bytes) -> list[Word]:
        """The words of `holding`, checked against its commitment on-chain."""
        if custody.commitment(holding) != self.client.holding_of(holding).commitment:
            raise IntegrityError(
                f"the units of holding 0x{holding.hex()} do not match its commitment on-chain"
            )
        return custody.words(holding)

    def _sscc(self, sscc: str) -> str:
        """The EPC URI of `sscc`, a case or pallet this signer packs: under its own company
        prefix (the one its party GLN is bound under)."""
        gln = self.client.party_gln_of(self.me)
        if gln is None:
            raise PartyWithoutGlnError(self.me, "sender")
        _, length = self.client.gln_holder_of(gln)
        digits = gs1.parse_sscc(sscc, gs1.gln13(gln)[:length])
        return gs1.sscc_uri(digits, length)

    @staticmethod
    def _whole(lot: LotName, quantity: int) -> dict[str, Any]:
        """A whole holding in an event: its lot class and quantity (the units are the holding's,
        as its on-chain commitment says), so a lot's serials are listed once, at commissioning."""
        return {"lot_class": lot.lgtin, "quantity": quantity}

    def _business_transaction(
        self, kind: str, ident: str, seller: str, buyer: str
    ) -> tuple[str, str]:
        if kind not in epcis.BUSINESS_TRANSACTIONS:
            raise InvalidInputError(f"a business transaction is po, desadv or inv, got {kind!r}")
        issuer = buyer if kind == epcis.PURCHASE_ORDER else seller
        gln = self.client.party_gln_of(issuer)
        if gln is None:
            raise InvalidInputError(
                f"a {kind} is named under its issuer's GLN, and {issuer} has bound none"
            )
        return kind, gs1.business_transaction_uri(gln, ident)

    def receive(self, shipment: bytes) -> Anchored:
        record, lot = self._lot_named(shipment)
        # The shipment's own document, checked as a trace would (its anchor, every party named
        # by its GLN) before its receiver takes it.
        dispatched = self._dispatched(shipment)
        self.reader.document(dispatched)
        dispatch_hash = bytes(dispatched.args["epcisHash"])
        event = self._event(
            action="OBSERVE",
            biz_step="receiving",
            disposition="sellable_accessible",
            **self._whole(lot, record.units),
        )
        return self._anchor(
            event,
            lambda h, c: self.client.receive(shipment, dispatch_hash, h, c),
            gtin=lot.gtin,
        )

    def _dispatched(self, shipment: bytes) -> ChainEvent:
        """The event that made `shipment`: its shipping event's hash shows its receiver."""
        dispatched = self.reader.events("ShipmentDispatched", {"shipment": shipment})
        if not dispatched:
            raise InvalidInputError(f"0x{shipment.hex()} is not a shipment")
        return dispatched[-1]

    def void(self, shipment: bytes, reason: str) -> Anchored:
        """Void `shipment` before its receiver receives it, for `reason` (its hash goes on the
        record). A void mined before the receiver's receipt makes the receipt revert: the chain
        cannot tell goods handed over from goods that never left, so receive promptly."""
        reason_hash = _reason(reason)
        record, lot = self._lot_named(shipment)
        event = self._event(
            action="OBSERVE",
            biz_step="void_shipping",
            disposition="sellable_accessible",
            **self._whole(lot, record.units),
        )
        return self._anchor(
            event, lambda h, c: self.client.void(shipment, reason_hash, h, c), gtin=lot.gtin
        )

    def holding_of_unit(self, unit: gs1.ProductIdentifier, *, in_transit: bool = False) -> bytes:
        """The holding that has the scanned `unit` and that this signer holds now, or (with
        `in_transit`) the shipment in transit to it that carries the unit: what a scan at a
        dispensing counter or a receiving dock names. The barcode's lot says which lot to read."""
        unit.require("serial", "lot")
        assert unit.serial is not None and unit.lot is not None
        custody = self.reader.lot(unit.gtin, unit.lot)
        for holding, view in custody.holdings.items():
            if unit.serial not in view.serials:
                continue
            if in_transit and view.state is HoldingState.IN_TRANSIT and view.receiver == self.me:
                return holding
            held = view.state is not HoldingState.IN_TRANSIT and view.custodian == self.me
            if not in_transit and held:
                return holding
        where = "in transit to you" if in_transit else "held by you"
        raise InvalidInputError(
            f"no holding {where} has serial {unit.serial!r} of lot {unit.lot!r} "
            f"(GTIN {gs1.gtin14(unit.gtin)})"
        )

    def serials_of_scans(self, holding: bytes, scans: Sequence[str]) -> list[str]:
        """The serial numbers of `scans` (barcodes, or bare serial numbers) for a shipment from
        `holding`: a barcode must name the holding's GTIN and lot (and expiry, if it has one)."""
        _, lot = self._lot_named(holding)
        serials = []
        for scan in scans:
            if not gs1.looks_like_barcode(scan):
                serials.append(scan)
                continue
            unit = gs1.parse_barcode(scan).require("serial")
            wrong = [
                what
                for what, ok in (
                    ("GTIN", unit.gtin == lot.gtin),
                    ("lot", unit.lot in (None, lot.number)),
                    ("expiry", unit.expiry in (None, lot.expiry)),
                )
                if not ok
            ]
            if wrong:
                raise InvalidInputError(
                    f"the barcode {scan!r} names another {' and '.join(wrong)} than holding "
                    f"0x{holding.hex()} (lot {lot.number!r} of {gs1.gtin14(lot.gtin)})"
                )
            assert unit.serial is not None
            serials.append(unit.serial)
        return serials

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
        held = self._words(custody, holding)
        unit = self.client.unit_of(custody.gtin, ids.digest(serial))
        dispensing = serial in view.serials and unit.state is UnitState.ACTIVE
        in_lot = custody.tree.has_unit(custody.unit(serial))
        position, proof = custody.tree.unit_proof(custody.unit(serial)) if in_lot else (0, [])
        epc = gs1.sgtin_uri(custody.gtin, custody.company_prefix_length, serial)
        if dispensing:
            event = self._event(
                action="OBSERVE", biz_step="dispensing", disposition="dispensed", epcs=[epc]
            )
        else:
            event = self._suspect_event(epcs=[epc])
        anchored = self._anchor(
            event,
            lambda h, c: self.client.dispense(
                holding, ids.digest(serial), position, proof, held, h, c
            ),
            gtin=custody.gtin,
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
    def verify(
        self, gtin: int, serial: str, lot: str, expiry: date, *, at: datetime | None = None
    ) -> Verification:
        """The DSCSA verification of a product identifier (as of `at`, default now).

        It costs what its question costs: the claimed lot's serial list is read (for the unit's
        proof), and other lots of the GTIN are searched only when the claimed lot does not have
        the serial, through the serial index (each lot read once, ever, then indexed) when the
        flow has one. The chain answers about the printed lot only (its cost does not grow with
        the product's lots): a serial found in another lot is proven on-chain against that lot
        and answered MISMATCH here. A document missing from the store never turns the chain's
        answer into an error: the answer names it in `unchecked` (and the claimed lot's own
        recall or quarantine in `additional_info`)."""
        serial_digest, lot_digest = ids.digest(serial), ids.digest(lot)
        unit_id = ids.unit_id(gtin, serial_digest)
        keys = self.client.lots_of(gtin) if self.client.product_of(gtin).registered else []
        claimed = ids.lot_key(gtin, lot_digest)
        lots: dict[bytes, Lot] = {}  # each lot record read once per verification

        def lot_of(key: bytes) -> Lot:
            if key not in lots:
                lots[key] = self.client.lot_of(key)
            return lots[key]

        unchecked: list[str] = []
        position, proof = 0, list[bytes]()
        found = None
        for key in ([claimed] if claimed in keys else []) + [
            k for k in reversed(keys) if k != claimed
        ]:
            proven = self._search(gtin, key, lot_of(key).serials_root, unit_id, unchecked)
            if proven is not None:
                (position, proof), found = proven, key
                break
        if found is None or found == claimed:
            status = self.client.verify(gtin, serial_digest, lot_digest, expiry, position, proof)
        else:
            # Printed with another lot than its own: proven in the lot it is in, a mismatch.
            there = self.client.verify(
                gtin, serial_digest, self._lot_digest(found), lot_of(found).expiry, position, proof
            )
            status = (
                VerificationStatus.UNKNOWN
                if there is VerificationStatus.UNKNOWN
                else (VerificationStatus.MISMATCH)
            )
        moment = self._clock() if at is None else times.instant(at, "at")
        if at is not None and found is not None:
            status = self._status_at(gtin, found, ids.unit_id(gtin, serial_digest), status, moment)
        flags: tuple[str, ...] = ()
        if claimed in keys and found is None and unchecked:
            flags = self._lot_flags(lot_of(claimed))
        return Verification(
            status,
            gtin,
            serial,
            lot,
            expiry,
            found,
            moment,
            self._responder(),
            claimed if claimed in keys else None,
            None if found is None else lot_of(found).expiry,
            flags,
            tuple(unchecked),
        )

    def _lot_digest(self, lot_key: bytes) -> bytes:
        """The lot digest a commissioned lot was commissioned with (its LotCommissioned event)."""
        return bytes(self.reader.events("LotCommissioned", {"lotKey": lot_key})[0].args["lot"])

    def _search(
        self, gtin: int, lot_key: bytes, root: bytes, unit: bytes, unchecked: list[str]
    ) -> tuple[int, list[bytes]] | None:
        """The position and proof of unit id `unit` in the lot (whose serials' Merkle root is
        `root`); None if the lot has no such unit, or if its serial list is not on the store
        (noted in `unchecked`)."""
        try:
            return self.reader.unit_proof(gtin, lot_key, root, unit)
        except ContentNotFoundError as exc:
            unchecked.append(f"the serial list of lot 0x{lot_key.hex()}: {exc}")
            return None

    def _lot_flags(self, record: Lot) -> tuple[str, ...]:
        flags = []
        if record.investigation is Investigation.ILLEGITIMATE:
            flags.append("Illegitimate")
        if record.recalled:
            flags.append("Recalled")
        if record.investigation is Investigation.QUARANTINED or record.open_excursions:
            flags.append("Suspect")
        return tuple(flags)

    def _responder(self) -> str:
        """Who answers: this flow's party, by its PGLN where it bound one (a verification
        answer is no EPCIS document: a party without a GLN may still ask and be named by its
        account)."""
        if self.client.sender is None:
            return epcis.party(self.chain_id, self.client.address)
        try:
            return self._party(self.me, "responder")
        except PartyWithoutGlnError:
            return epcis.party(self.chain_id, self.me)

    def _status_at(
        self,
        gtin: int,
        lot_key: bytes,
        unit: bytes,
        now: VerificationStatus,
        at: datetime,
    ) -> VerificationStatus:
        """The status of a unit of a commissioned lot as it stood at `at`, from the events up
        to then (the contract's order: illegitimate, recalled, quarantined, dispensed, expired,
        valid). A mismatch of lot or expiry is the same at any time."""
        if now is VerificationStatus.MISMATCH:
            return now
        before = self._events_before(lot_key, unit, at)
        if not any(e.name == "LotCommissioned" for e in before):
            return VerificationStatus.UNKNOWN
        investigation = {lot_key: "", unit: ""}
        excursions: set[bytes] = set()
        recalled = decommissioned = False
        for event in before:
            target = bytes(event.args.get("target", b""))
            if event.name == "ProductQuarantined":
                investigation[target] = "quarantined"
            elif event.name == "ProductCleared":
                investigation[target] = ""
            elif event.name == "ProductConfirmedIllegitimate":
                investigation[target] = "illegitimate"
            elif event.name == "LotRecalled":
                recalled = True
            elif event.name in ("UnitDispensed", "UnitDestroyed"):
                decommissioned = True
            elif event.name == "SensorReadingsAnchored" and event.args["excursion"]:
                excursions.add(bytes(event.args["holding"]))
            elif event.name == "ExcursionCleared":
                excursions.discard(bytes(event.args["holding"]))
        states = set(investigation.values())
        if "illegitimate" in states:
            return VerificationStatus.ILLEGITIMATE
        if recalled:
            return VerificationStatus.RECALLED
        if "quarantined" in states or excursions:
            return VerificationStatus.QUARANTINED
        if decommissioned:
            return VerificationStatus.DISPENSED
        end = gs1.expiry_end(gs1.expiry_number(self.client.lot_of(lot_key).expiry))
        if at.timestamp() > end:
            return VerificationStatus.EXPIRED
        return VerificationStatus.VALID

    def _events_before(self, lot_key: bytes, unit: bytes, at: datetime) -> list[ChainEvent]:
        reader = self.reader
        found: list[ChainEvent] = []
        for name in (
            "LotCommissioned",
            "LotRecalled",
            "SensorReadingsAnchored",
            "ExcursionCleared",
        ):
            found += reader.events(name, {"lotKey": lot_key})
        for name in ("ProductQuarantined", "ProductCleared", "ProductConfirmedIllegitimate"):
            found += reader.events(name, {"target": lot_key}) + reader.events(
                name, {"target": unit}
            )
        for name in ("UnitDispensed", "UnitDestroyed"):
            found += reader.events(name, {"unitId": unit})
        cutoff = at.timestamp()
        times_of: dict[int, float] = {}
        kept = []
        for event in sorted(found, key=lambda e: (e.block, e.index)):
            if event.block not in times_of:
                times_of[event.block] = float(
                    self.client.w3.eth.get_block(event.block)["timestamp"]
                )
            if times_of[event.block] <= cutoff:
                kept.append(event)
        return kept

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
            gtin=gtin,
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
            gtin=gtin,
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
        unit = ids.unit_id(gtin, ids.digest(serial))
        for lot_key, holding in self._my_holdings(gtin).items():
            root = self.client.lot_of(lot_key).serials_root
            proven = self.reader.unit_proof(gtin, lot_key, root, unit)
            if proven is not None:
                position, proof = proven
                return Standing(holding, tuple(proof), position)
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
            gtin=gtin,
        )

    def clear(self, gtin: int, *, lot: str | None = None, serial: str | None = None) -> Anchored:
        scope, ident, target = self._target(gtin, lot, serial)
        event = self._event(
            action="OBSERVE", biz_step="inspecting", disposition="sellable_accessible", **target
        )
        return self._anchor(
            event, lambda h, c: self.client.clear(scope, gtin, ident, h, c), gtin=gtin
        )

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
            gtin=gtin,
        )
        if lot is not None:
            return anchored, self.reader.lot(gtin, lot).chain_of_custody()
        assert serial is not None
        # A unit is (GTIN, serial): a serial commissioned in several lots is one unit on-chain,
        # so every lot that lists it is part of its chain of custody.
        unit = ids.unit_id(gtin, ids.digest(serial))
        parties: set[str] = set()
        for key in self.client.lots_of(gtin):
            root = self.client.lot_of(key).serials_root
            if self.reader.unit_proof(gtin, key, root, unit) is not None:
                parties |= self.reader.unit_by_key(gtin, key, serial).chain_of_custody()
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
        record, lot = self._lot_named(holding)
        # Its receiver, while in transit, shows that it is with the shipping event's hash.
        receiving = record.state is HoldingState.IN_TRANSIT and record.custodian != self.me
        dispatch_hash = bytes(32)
        if receiving:
            dispatch_hash = bytes(self._dispatched(holding).args["epcisHash"])
        product = self.client.product_of(lot.gtin)
        low, high = product.min_temperature / CENTI, product.max_temperature / CENTI
        element = epcis.sensor_element(device, readings, low, high)
        event = self._event(
            action="OBSERVE",
            biz_step="sensor_reporting",
            disposition=None,
            lot_class=lot.lgtin,
            sensors=[element],
        )
        lowest = reading_hundredths(min(r.celsius for r in readings), up=False)
        highest = reading_hundredths(max(r.celsius for r in readings), up=True)
        return self._anchor(
            event,
            lambda h, c: self.client.record_sensor_readings(
                holding, dispatch_hash, lowest, highest, h, c
            ),
            gtin=lot.gtin,
        )

    def clear_excursion(self, holding: bytes) -> Anchored:
        _, lot = self._lot_named(holding)
        event = self._event(
            action="OBSERVE",
            biz_step="inspecting",
            disposition="sellable_accessible",
            lot_class=lot.lgtin,
        )
        return self._anchor(
            event, lambda h, c: self.client.clear_excursion(holding, h, c), gtin=lot.gtin
        )


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
