"""Attacks on DrugProvenance, made as an attacker makes them (raw contract calls on brownie's
Anvil), each of which an adversarial review showed to succeed. Each test asserts that the attack
now fails with its named custom error, or, where the call goes through (a dispense that raises
an alert), that it changed nothing and emitted no event claiming what did not happen.

1. Freezing product: a trading partner that never held a lot quarantines it or one of its units
   (and again the moment it is cleared), borrows standing from another lot or another GTIN, or
   from a shipment it has not received; a dispenser quarantines a unit held elsewhere by
   "dispensing" it from its own holding; a party opens a temperature excursion, which stops the
   whole lot, on a holding it emptied or shipped away; a party a regulator barred goes on.
2. Voiding a shipment that was handed over: a sender voids without giving a reason.
The SDK and CLI attacks (duplicate SGTINs, quarantine through the workflow) are in
test_provenance_attacks_sdk.py.
"""

from __future__ import annotations

import pytest

from hygeia.provenance import ids
from hygeia.provenance.merkle import LotTree
from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.contracts.drug_provenance.support import (
    CID,
    DECOMMISSIONED,
    EXPIRY,
    GTIN,
    HELD,
    IN_TRANSIT,
    LOT,
    LOT_SCOPE,
    MAX_TEMP,
    MIN_TEMP,
    NAME_HASH,
    NO_STANDING,
    NOT_HELD,
    OTHER_LOT,
    PREFIX_LENGTH,
    REASON,
    RIVAL_GTIN,
    UNIT_SCOPE,
    UNKNOWN_HOLDING,
    VOID_REASON,
    VOIDED,
    ZERO32,
    LotModel,
    epcis,
    holding_of,
    serial,
    status_of,
    unit_id,
)

FREEZING_READINGS = (-4000, 4000)  # far outside the product's 2-25 degree range


def investigation(provenance, scope, ident):
    """The investigation status of a lot (by digest) or unit (by serial digest) of GTIN."""
    if scope == LOT_SCOPE:
        return provenance.lotOf(ids.lot_key(GTIN, ident))[6]
    return provenance.unitOf(GTIN, ident)[1]


def assert_not_frozen(provenance, lot, texts=("SN0001", "SN0006")):
    """Nothing stops the lot: no investigation, no open excursion, every probe verifies VALID."""
    assert provenance.lotOf(lot.key)[6] == 0
    assert provenance.lotOf(lot.key)[7] == 0
    for text in texts:
        assert provenance.unitOf(GTIN, serial(text))[1] == 0
        assert status_of(provenance, lot, text) == "VALID"


def attempt_quarantine(provenance, sender, scope, ident, standing, label="freeze"):
    return provenance.quarantine(
        scope, GTIN, ident, standing, REASON, epcis(label), CID, {"from": sender}
    )


@pytest.fixture
def other_lot(provenance, lot, manufacturer):
    """A second lot of GTIN, OTHER_LOT of four units, in the manufacturer's holding."""
    model = LotModel(
        GTIN,
        OTHER_LOT,
        EXPIRY,
        ("B0", "B1", "B2", "B3"),
        manufacturer.address,
        commissioning_event=epcis("other lot"),
    )
    provenance.commission(
        GTIN, OTHER_LOT, EXPIRY, 4, model.tree.root, epcis("other lot"), CID, {"from": manufacturer}
    )
    return model


# ------------------------------------------------------------------------------ 1. quarantine


@pytest.mark.parametrize("name", ["clinic", "rival", "distributor", "pharmacy"])
@pytest.mark.parametrize("scope", [LOT_SCOPE, UNIT_SCOPE])
def test_a_trading_partner_that_never_held_the_lot_cannot_freeze_it(
    provenance, lot, named, clinic, rival, reverts_with, name, scope
):
    attacker = {"clinic": clinic, "rival": rival}.get(name) or named[name]
    ident, target = (LOT, lot.key) if scope == LOT_SCOPE else (serial("SN0001"), unit_id("SN0001"))
    forged = [
        NO_STANDING,
        (UNKNOWN_HOLDING, 1, lot.lot_proof("SN0001")),  # a holding nobody made
        lot.standing(lot.commissioning, "SN0001"),  # the manufacturer's holding, not its own
    ]
    for standing in forged:
        with reverts_with("DrugProvenanceNoStanding", attacker, target):
            attempt_quarantine(provenance, attacker, scope, ident, standing)
    assert_not_frozen(provenance, lot)


def test_the_receiver_of_a_shipment_in_transit_has_no_standing_from_it_yet(
    provenance, lot, ship, distributor, reverts_with
):
    ship("to distributor")
    shipment = lot.shipment("to distributor")
    with reverts_with("DrugProvenanceNoStanding", distributor, lot.key):
        attempt_quarantine(provenance, distributor, LOT_SCOPE, LOT, lot.standing(shipment))
    with reverts_with("DrugProvenanceNoStanding", distributor, unit_id("SN0001")):
        attempt_quarantine(
            provenance, distributor, UNIT_SCOPE, serial("SN0001"), lot.standing(shipment, "SN0001")
        )
    assert_not_frozen(provenance, lot)


def test_standing_in_one_lot_does_not_reach_a_unit_or_the_whole_of_another(
    provenance, lot, other_lot, at_pharmacy, pharmacy, reverts_with
):
    # The pharmacy holds units of LOT-A1 only; B1 is of OTHER_LOT, which never left the maker.
    in_its_lot = (at_pharmacy, other_lot.position_of["B1"], other_lot.lot_proof("B1"))
    with reverts_with("DrugProvenanceNoStanding", pharmacy, unit_id("B1")):
        attempt_quarantine(provenance, pharmacy, UNIT_SCOPE, serial("B1"), in_its_lot)
    with reverts_with("DrugProvenanceNoStanding", pharmacy, unit_id("B1")):
        attempt_quarantine(
            provenance,
            pharmacy,
            UNIT_SCOPE,
            serial("B1"),
            (at_pharmacy, lot.position_of["SN0001"], lot.lot_proof("SN0001")),
        )
    with reverts_with("DrugProvenanceNoStanding", pharmacy, other_lot.key):
        attempt_quarantine(provenance, pharmacy, LOT_SCOPE, OTHER_LOT, (at_pharmacy, 0, []))
    assert provenance.unitOf(GTIN, serial("B1"))[1] == 0
    assert provenance.lotOf(other_lot.key)[6] == 0
    assert status_of(provenance, other_lot, "B1") == "VALID"


def test_a_party_in_the_chain_of_custody_cannot_quarantine_a_serial_no_lot_commissioned(
    provenance, lot, at_pharmacy, pharmacy, reverts_with
):
    # Only the manufacturer or a regulator quarantines a package with an unknown serial; a
    # partner reports it (reportSuspect).
    with reverts_with("DrugProvenanceNoStanding", pharmacy, unit_id("NEVER-MADE")):
        attempt_quarantine(
            provenance,
            pharmacy,
            UNIT_SCOPE,
            serial("NEVER-MADE"),
            (at_pharmacy, lot.position_of["SN0001"], lot.lot_proof("SN0001")),
        )
    assert provenance.unitOf(GTIN, serial("NEVER-MADE"))[1] == 0


def test_a_rival_manufacturer_cannot_borrow_standing_from_a_lot_of_its_own_gtin(
    provenance, lot, rival, reverts_with
):
    # The rival commissions a lot of its own GTIN whose tree also holds the leaf of the
    # victim's unit SN0001, then offers its holding and that proof as standing.
    provenance.registerProduct(
        RIVAL_GTIN,
        PREFIX_LENGTH,
        NAME_HASH,
        MIN_TEMP,
        MAX_TEMP,
        epcis("rival product"),
        CID,
        {"from": rival},
    )
    planted = LotTree.of_units([unit_id("R0", RIVAL_GTIN), unit_id("SN0001")])
    provenance.commission(
        RIVAL_GTIN, LOT, EXPIRY, 2, planted.root, epcis("planted"), CID, {"from": rival}
    )
    position, proof = planted.unit_proof(unit_id("SN0001"))
    standing = (ids.holding_id(rival.address, epcis("planted"), rival.address), position, proof)

    with reverts_with("DrugProvenanceNoStanding", rival, unit_id("SN0001")):
        attempt_quarantine(provenance, rival, UNIT_SCOPE, serial("SN0001"), standing)
    with reverts_with("DrugProvenanceNoStanding", rival, lot.key):
        attempt_quarantine(provenance, rival, LOT_SCOPE, LOT, (standing[0], 0, []))
    assert_not_frozen(provenance, lot)


def test_a_party_a_regulator_barred_cannot_quarantine_again_once_cleared(
    provenance, lot, at_pharmacy, pharmacy, regulator, reverts_with
):
    # The pharmacy has standing (it holds SN0000-SN0003) and abuses it: it quarantines the lot,
    # a regulator clears it and bars the pharmacy, which tries again at once.
    attempt_quarantine(provenance, pharmacy, LOT_SCOPE, LOT, lot.standing(at_pharmacy))
    provenance.clear(LOT_SCOPE, GTIN, LOT, epcis("cleared"), CID, {"from": regulator})
    provenance.setQuarantineBar(pharmacy, True, {"from": regulator})

    for scope, ident, standing in (
        (LOT_SCOPE, LOT, lot.standing(at_pharmacy)),
        (UNIT_SCOPE, serial("SN0001"), lot.standing(at_pharmacy, "SN0001")),
    ):
        with reverts_with("DrugProvenanceBarred", pharmacy):
            attempt_quarantine(provenance, pharmacy, scope, ident, standing, label="again")
    with reverts_with("DrugProvenanceBarred", pharmacy):
        provenance.recordSensorReadings(
            at_pharmacy, ZERO32, *FREEZING_READINGS, epcis("excursion"), CID, {"from": pharmacy}
        )
    assert_not_frozen(provenance, lot)
    assert holding_of(provenance, at_pharmacy)["excursion"] is False


@pytest.mark.parametrize("text", ["SN0006", "NEVER-MADE"])
def test_a_dispenser_cannot_freeze_a_unit_held_elsewhere_by_dispensing_it(
    provenance, lot, at_pharmacy, dispense, pharmacy, manufacturer, text
):
    # SN0006 is the distributor's; the pharmacy "dispenses" it from its own holding.
    rest = lot.shipment("to distributor")
    before = holding_of(provenance, rest), holding_of(provenance, at_pharmacy)
    unit = (lot.position_of["SN0006"], lot.lot_proof("SN0006"), lot.words(at_pharmacy))
    tx = dispense(at_pharmacy, text, unit=unit)

    assert tx.return_value is False
    assert_event(
        tx,
        "SuspectUnitFlagged",
        unitId=unit_id(text),
        manufacturer=manufacturer,
        reporter=pharmacy,
        gtin=GTIN,
        holding=at_pharmacy,
        reason=NOT_HELD,
        epcisHash=epcis(f"dispense {text}"),
        cid=CID,
    )
    assert [e.name for e in tx.events] == ["SuspectUnitFlagged"]  # no quarantine, no dispense
    state, status, at, by = provenance.unitOf(GTIN, serial(text))
    assert ([int(state), int(status), int(at)], by) == ([0, 0, 0], ZERO_ADDRESS)
    assert (holding_of(provenance, rest), holding_of(provenance, at_pharmacy)) == before
    assert_not_frozen(provenance, lot)


def test_a_cloned_serial_flags_an_alert_and_verify_still_answers_dispensed(
    provenance, lot, at_pharmacy, dispense, pharmacy, manufacturer
):
    dispense(at_pharmacy, "SN0000")
    record = provenance.unitOf(GTIN, serial("SN0000"))
    tx = dispense(at_pharmacy, "SN0000")

    assert tx.return_value is False
    assert tx.events["SuspectUnitFlagged"]["reason"] == DECOMMISSIONED
    assert tx.events["SuspectUnitFlagged"]["manufacturer"] == manufacturer
    assert "ProductQuarantined" not in tx.events and "UnitDispensed" not in tx.events
    assert provenance.unitOf(GTIN, serial("SN0000")) == record  # investigation untouched
    assert status_of(provenance, lot, "SN0000") == "DISPENSED"


def test_an_emptied_holding_cannot_open_an_excursion_that_freezes_the_lot(
    provenance, lot, ship, receive, manufacturer, reverts_with
):
    # The manufacturer ships everything and its holding is empty; the distributor received it.
    ship("everything")
    receive("everything")
    with reverts_with("DrugProvenanceEmptyHolding", lot.commissioning):
        provenance.recordSensorReadings(
            lot.commissioning, ZERO32, *FREEZING_READINGS, epcis("x"), CID, {"from": manufacturer}
        )
    assert holding_of(provenance, lot.commissioning)["excursion"] is False
    assert_not_frozen(provenance, lot)


def test_the_sender_of_a_shipment_in_transit_cannot_open_an_excursion_on_it(
    provenance, lot, ship, manufacturer, reverts_with
):
    ship("everything")
    shipment = lot.shipment("everything")
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipment, IN_TRANSIT):
        provenance.recordSensorReadings(
            shipment, ZERO32, *FREEZING_READINGS, epcis("x"), CID, {"from": manufacturer}
        )
    assert holding_of(provenance, shipment)["excursion"] is False
    assert_not_frozen(provenance, lot)


# ------------------------------------------------------------------------------ 2. void


def test_a_sender_cannot_void_a_shipment_without_a_reason(
    provenance, lot, ship, receive, manufacturer, distributor, reverts_with
):
    ship("to distributor")
    shipment = lot.shipment("to distributor")
    with reverts_with("DrugProvenanceZeroValue"):
        provenance.voidShipment(shipment, ZERO32, epcis("void"), CID, {"from": manufacturer})

    assert holding_of(provenance, shipment)["state"] == IN_TRANSIT
    receive("to distributor")  # the receiver's receipt still lands
    assert holding_of(provenance, shipment)["custodian"] == distributor


def test_a_sender_cannot_void_a_shipment_once_received(
    provenance, lot, ship, receive, manufacturer, distributor, reverts_with
):
    ship("to distributor")
    receive("to distributor")
    shipment = lot.shipment("to distributor")
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipment, HELD):
        provenance.voidShipment(shipment, VOID_REASON, epcis("void"), CID, {"from": manufacturer})
    held = holding_of(provenance, shipment)
    assert (held["state"], held["custodian"], held["owner"]) == (HELD, distributor, distributor)


def test_a_void_that_wins_the_race_with_the_receipt_puts_its_reason_on_record(
    provenance, lot, ship, receive, manufacturer, reverts_with
):
    # The race the design accepts: the void is mined before the receiver's receipt, which then
    # reverts; the sender's reason is on the record for the dispute.
    ship("to distributor")
    shipment = lot.shipment("to distributor")
    tx = provenance.voidShipment(shipment, VOID_REASON, epcis("void"), CID, {"from": manufacturer})

    assert_event(
        tx,
        "ShipmentVoided",
        shipment=shipment,
        lotKey=lot.key,
        sender=manufacturer,
        reasonHash=VOID_REASON,
        epcisHash=epcis("void"),
        cid=CID,
    )
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipment, VOIDED):
        receive("to distributor")
