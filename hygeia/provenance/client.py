"""Typed client for DrugProvenance: the contract's calls with on-chain values (digests, roots,
EPCIS event hashes, CIDs), and its records decoded.

`hygeia.provenance.workflow` builds those values from GS1 identifiers and EPCIS documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from web3 import Web3

from hygeia.core.chain.contract import ContractClient
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import (
    HoldingState,
    Investigation,
    Scope,
    UnitState,
    VerificationStatus,
)
from hygeia.core.errors import InvalidInputError
from hygeia.core.times import from_unix
from hygeia.core.values import bytes32, checksum_address
from hygeia.provenance import gs1
from hygeia.provenance.merkle import Word

WORD = 32
ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class Standing:
    """A caller's standing in a lot's chain of custody, for `quarantine`: a holding of the lot
    whose custodian it is and, for a unit, the unit's proof in the lot's commissioned tree. The
    manufacturer and regulators need none (`NO_STANDING`)."""

    holding: bytes
    proof: tuple[bytes, ...] = ()
    position: int = 0  # for a unit, its position in the lot

    def as_args(self) -> tuple[bytes, int, list[bytes]]:
        return (bytes32(self.holding, "standing holding id"), self.position, list(self.proof))


NO_STANDING = Standing(bytes(WORD))


@dataclass(frozen=True)
class Product:
    manufacturer: str
    company_prefix_length: int
    min_temperature: int  # hundredths of a degree Celsius
    max_temperature: int
    name_hash: bytes

    @property
    def registered(self) -> bool:
        return self.manufacturer != ZERO_ADDRESS


@dataclass(frozen=True)
class Lot:
    serials_root: bytes
    gtin: int
    expiry: date
    quantity: int
    commissioned_at: datetime
    recalled: bool
    investigation: Investigation
    open_excursions: int


@dataclass(frozen=True)
class Holding:
    commitment: bytes  # of its words (hygeia.provenance.merkle); zero when empty
    lot_key: bytes
    custodian: str
    state: HoldingState
    transfers_ownership: bool
    excursion: bool
    complement: bool  # its words are the positions gone from the whole lot (else those held)
    units: int
    owner: str


@dataclass(frozen=True)
class Unit:
    state: UnitState
    investigation: Investigation
    decommissioned_at: datetime | None
    decommissioned_by: str


def _anchored(epcis_hash: bytes, cid: bytes) -> tuple[bytes, bytes]:
    """The two arguments every custody event ends with: the EPCIS document's hash and CID."""
    if not cid:
        raise InvalidInputError("the EPCIS document's CID must not be empty")
    return bytes32(epcis_hash, "EPCIS hash"), cid


class DrugProvenanceClient(ContractClient):
    contract_name = "DrugProvenance"

    # ------------------------------------------------------------ products and lots
    def license_company_prefix(self, company_prefix: str, manufacturer: str) -> Receipt:
        """Record (as a regulator) that GS1 licensed `company_prefix` ("0614141") to
        `manufacturer`, who alone may then register GTINs under it."""
        number, length = gs1.parse_company_prefix(company_prefix)
        fn = self.contract.functions.licenseCompanyPrefix(
            number, length, checksum_address(manufacturer)
        )
        return self._transact(fn)

    def revoke_company_prefix(self, company_prefix: str) -> Receipt:
        """Revoke (as a regulator) the licence of `company_prefix`."""
        number, length = gs1.parse_company_prefix(company_prefix)
        return self._transact(self.contract.functions.revokeCompanyPrefix(number, length))

    def licensee_of(self, company_prefix: str) -> str | None:
        """The manufacturer licensed `company_prefix`, or None."""
        number, length = gs1.parse_company_prefix(company_prefix)
        licensee = str(self._call(self.contract.functions.licenseeOf(number, length)))
        return None if int(licensee, 16) == 0 else Web3.to_checksum_address(licensee)

    def register_product(
        self,
        gtin: int,
        company_prefix_length: int,
        name_hash: bytes,
        min_temperature: int,
        max_temperature: int,
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        fn = self.contract.functions.registerProduct(
            gtin,
            company_prefix_length,
            bytes32(name_hash, "name hash"),
            min_temperature,
            max_temperature,
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def commission(
        self,
        gtin: int,
        lot: bytes,
        expiry: date,
        quantity: int,
        serials_root: bytes,
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        fn = self.contract.functions.commission(
            gtin,
            bytes32(lot, "lot digest"),
            gs1.expiry_number(expiry),
            quantity,
            bytes32(serials_root, "serials root"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    # ------------------------------------------------------------ custody
    def ship(
        self,
        holding: bytes,
        held: list[Word],
        taken: list[Word],
        receiver: str,
        transfers_ownership: bool,
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        """Ship the positions of `taken` (words) out of `holding`, whose words are `held`; no
        taken words: all of it."""
        fn = self.contract.functions.ship(
            bytes32(holding, "holding id"),
            (list(held), list(taken)),
            checksum_address(receiver),
            transfers_ownership,
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def receive(
        self, shipment: bytes, dispatch_hash: bytes, epcis_hash: bytes, cid: bytes
    ) -> Receipt:
        """Receive `shipment`, shown to be the caller's by `dispatch_hash`, the hash of the
        shipping event that made it (its id binds sender, that event and receiver)."""
        fn = self.contract.functions.receiveShipment(
            bytes32(shipment, "shipment id"),
            bytes32(dispatch_hash, "shipping event hash"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def void(self, shipment: bytes, reason_hash: bytes, epcis_hash: bytes, cid: bytes) -> Receipt:
        """Void `shipment` before receipt, for the reason hashed in `reason_hash`."""
        fn = self.contract.functions.voidShipment(
            bytes32(shipment, "shipment id"),
            bytes32(reason_hash, "reason hash"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    # ------------------------------------------------------------ decommissioning
    def dispense(
        self,
        holding: bytes,
        serial: bytes,
        position: int,
        proof: list[bytes],
        held: list[Word],
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        """The unit at `position` (its `proof` in the lot's tree) of `holding`, whose words are
        `held`."""
        fn = self.contract.functions.dispense(
            bytes32(holding, "holding id"),
            bytes32(serial, "serial digest"),
            (position, proof, list(held)),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def destroy(
        self,
        holding: bytes,
        serial: bytes,
        position: int,
        proof: list[bytes],
        held: list[Word],
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        """The unit at `position` (its `proof` in the lot's tree) of `holding`, whose words are
        `held`."""
        fn = self.contract.functions.destroy(
            bytes32(holding, "holding id"),
            bytes32(serial, "serial digest"),
            (position, proof, list(held)),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    # ------------------------------------------------------------ recall and investigations
    def recall(
        self, gtin: int, lot: bytes, reason_hash: bytes, epcis_hash: bytes, cid: bytes
    ) -> Receipt:
        fn = self.contract.functions.recall(
            gtin,
            bytes32(lot, "lot digest"),
            bytes32(reason_hash, "reason hash"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def quarantine(
        self,
        scope: Scope,
        gtin: int,
        ident: bytes,
        standing: Standing,
        reason_hash: bytes,
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        """Quarantine a lot or unit, with the caller's `standing` (NO_STANDING for the
        manufacturer or a regulator)."""
        fn = self.contract.functions.quarantine(
            int(scope),
            gtin,
            bytes32(ident, "lot or serial digest"),
            standing.as_args(),
            bytes32(reason_hash, "reason hash"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def report_suspect(
        self,
        scope: Scope,
        gtin: int,
        ident: bytes,
        reason_hash: bytes,
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        """Report a lot or unit as suspect: an alert that changes nothing."""
        fn = self.contract.functions.reportSuspect(
            int(scope),
            gtin,
            bytes32(ident, "lot or serial digest"),
            bytes32(reason_hash, "reason hash"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def set_quarantine_bar(self, account: str, barred: bool) -> Receipt:
        """Bar (as a regulator) `account` from quarantining and opening excursions, or lift it."""
        return self._transact(
            self.contract.functions.setQuarantineBar(checksum_address(account), barred)
        )

    def clear(
        self, scope: Scope, gtin: int, ident: bytes, epcis_hash: bytes, cid: bytes
    ) -> Receipt:
        fn = self.contract.functions.clear(
            int(scope),
            gtin,
            bytes32(ident, "lot or serial digest"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def confirm_illegitimate(
        self,
        scope: Scope,
        gtin: int,
        ident: bytes,
        reason_hash: bytes,
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        fn = self.contract.functions.confirmIllegitimate(
            int(scope),
            gtin,
            bytes32(ident, "lot or serial digest"),
            bytes32(reason_hash, "reason hash"),
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    # ------------------------------------------------------------ cold chain
    def record_sensor_readings(
        self,
        holding: bytes,
        dispatch_hash: bytes,
        min_reading: int,
        max_reading: int,
        epcis_hash: bytes,
        cid: bytes,
    ) -> Receipt:
        """Anchor readings of `holding`; `dispatch_hash`, the hash of its shipping event, shows
        its receiver while it is in transit (zeros for its custodian)."""
        fn = self.contract.functions.recordSensorReadings(
            bytes32(holding, "holding id"),
            bytes32(dispatch_hash, "shipping event hash"),
            min_reading,
            max_reading,
            *_anchored(epcis_hash, cid),
        )
        return self._transact(fn)

    def clear_excursion(self, holding: bytes, epcis_hash: bytes, cid: bytes) -> Receipt:
        fn = self.contract.functions.clearExcursion(
            bytes32(holding, "holding id"), *_anchored(epcis_hash, cid)
        )
        return self._transact(fn)

    # ------------------------------------------------------------ views
    def verify(
        self,
        gtin: int,
        serial: bytes,
        lot: bytes,
        expiry: date,
        position: int,
        proof: list[bytes],
    ) -> VerificationStatus:
        answer = self._call(
            self.contract.functions.verify(
                gtin,
                bytes32(serial, "serial digest"),
                bytes32(lot, "lot digest"),
                gs1.expiry_number(expiry),
                position,
                proof,
            )
        )
        return VerificationStatus(int(answer))

    def product_of(self, gtin: int) -> Product:
        manufacturer, prefix, low, high, name = self._call(self.contract.functions.productOf(gtin))
        return Product(manufacturer, int(prefix), int(low), int(high), bytes(name))

    def lot_of(self, lot_key: bytes) -> Lot:
        """A commissioned lot's record; InvalidInputError for a lot key never commissioned."""
        raw: Any = self._call(self.contract.functions.lotOf(bytes32(lot_key, "lot key")))
        root, gtin, expiry, quantity, at, recalled, investigation, excursions = raw
        if bytes(root) == bytes(WORD):
            raise InvalidInputError(f"no lot 0x{lot_key.hex()} was commissioned")
        return Lot(
            bytes(root),
            int(gtin),
            gs1.expiry_date(int(expiry)),
            int(quantity),
            from_unix(at),
            bool(recalled),
            Investigation(investigation),
            int(excursions),
        )

    def lots_of(self, gtin: int) -> list[bytes]:
        return [bytes(key) for key in self._call(self.contract.functions.lotsOf(gtin))]

    def holding_of(self, holding: bytes) -> Holding:
        raw: Any = self._call(self.contract.functions.holdingOf(bytes32(holding, "holding id")))
        (
            commitment,
            lot_key,
            custodian,
            state,
            sale,
            excursion,
            complement,
            units,
            owner,
        ) = raw
        return Holding(
            bytes(commitment),
            bytes(lot_key),
            custodian,
            HoldingState(state),
            bool(sale),
            bool(excursion),
            bool(complement),
            int(units),
            owner,
        )

    def unit_of(self, gtin: int, serial: bytes) -> Unit:
        raw: Any = self._call(
            self.contract.functions.unitOf(gtin, bytes32(serial, "serial digest"))
        )
        state, investigation, at, by = raw
        return Unit(
            UnitState(state), Investigation(investigation), from_unix(at) if at else None, by
        )

    def is_trading_partner(self, account: str) -> bool:
        return bool(self._call(self.contract.functions.isTradingPartner(checksum_address(account))))

    # ------------------------------------------------------------ parties' GLNs
    def register_gln(self, gln: int, company_prefix_length: int, *, party: bool) -> Receipt:
        """Bind GLN `gln` to the caller, licensee of its GS1 company prefix: as its party GLN
        (PGLN, `party`) or one of its sites (SGLN)."""
        gs1.parse_gln(gln)
        fn = self.contract.functions.registerGln(gln, company_prefix_length, party)
        return self._transact(fn)

    def gln_holder_of(self, gln: int) -> tuple[str | None, int]:
        """(the party GLN `gln` names or None, the company prefix length it was bound with)."""
        party, length = self._call(self.contract.functions.glnHolderOf(gln))
        return (None if int(party, 16) == 0 else Web3.to_checksum_address(party)), int(length)

    def party_gln_of(self, account: str) -> int | None:
        """The party GLN (PGLN) of `account`, or None."""
        gln = int(self._call(self.contract.functions.partyGlnOf(checksum_address(account))))
        return gln or None

    def is_barred(self, account: str) -> bool:
        """Whether a regulator barred `account` from quarantining and opening excursions."""
        return bool(self._call(self.contract.functions.isBarred(checksum_address(account))))
