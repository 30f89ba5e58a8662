"""DrugProvenance decommissioning: dispensing (with cloned and unknown serials flagged, an alert
that changes nothing) and destroying units."""

from __future__ import annotations

import pytest

from hygeia.provenance import gs1
from tests.brownie_support import assert_event
from tests.contracts.drug_provenance.support import (
    CID,
    DECOMMISSIONED,
    DISPENSER_ROLE,
    EXPIRY,
    IN_TRANSIT,
    LOT,
    LOT_SCOPE,
    NO_STANDING,
    NOT_HELD,
    REASON,
    UNIT_DESTROYED,
    UNIT_DISPENSED,
    UNIT_SCOPE,
    UNKNOWN_HOLDING,
    ZERO32,
    epcis,
    holding_of,
    serial,
    status_of,
    unit_id,
)

NO_UNIT = (0, [], [])  # a HeldUnit naming nothing: for calls refused before it is read

NOT_DISPENSERS = ["manufacturer", "distributor", "provider", "regulator", "patient", "stranger"]
NO_TRADING_PARTNERS = ["provider", "regulator", "patient", "stranger", "admin"]


def unit_record(provenance, lot, text):
    state, investigation, at, by = provenance.unitOf(lot.gtin, serial(text))
    return state, investigation, at, by


# ------------------------------------------------------------------------------------ dispense


def test_a_pharmacy_dispenses_a_unit_it_holds(
    provenance, lot, at_pharmacy, dispense, pharmacy, now
):
    tx = dispense(at_pharmacy, "SN0003")

    assert tx.return_value is True
    assert unit_record(provenance, lot, "SN0003") == (UNIT_DISPENSED, 0, now(), pharmacy)
    held = holding_of(provenance, at_pharmacy)
    assert (held["commitment"], held["units"]) == (lot.commitment(at_pharmacy), 3)
    assert_event(
        tx,
        "UnitDispensed",
        unitId=unit_id("SN0003"),
        lotKey=lot.key,
        dispenser=pharmacy,
        holding=at_pharmacy,
        epcisHash=epcis("dispense SN0003"),
        cid=CID,
    )


def test_dispensing_every_unit_empties_the_holding(provenance, lot, at_pharmacy, dispense):
    for text in ("SN0000", "SN0001", "SN0002", "SN0003"):
        assert dispense(at_pharmacy, text).return_value is True
    assert holding_of(provenance, at_pharmacy)["commitment"] == ZERO32


def test_a_serial_already_dispensed_is_flagged_not_dispensed_and_nothing_changes(
    provenance, lot, at_pharmacy, dispense, pharmacy, manufacturer
):
    dispense(at_pharmacy, "SN0000")
    root = holding_of(provenance, at_pharmacy)["commitment"]
    record = unit_record(provenance, lot, "SN0000")
    tx = dispense(at_pharmacy, "SN0000")

    assert tx.return_value is False
    assert_event(
        tx,
        "SuspectUnitFlagged",
        unitId=unit_id("SN0000"),
        manufacturer=manufacturer,
        reporter=pharmacy,
        gtin=lot.gtin,
        holding=at_pharmacy,
        reason=DECOMMISSIONED,
        epcisHash=epcis("dispense SN0000"),
        cid=CID,
    )
    assert [e.name for e in tx.events] == ["SuspectUnitFlagged"]
    assert unit_record(provenance, lot, "SN0000") == record
    assert record[:2] == (UNIT_DISPENSED, 0)  # not quarantined: verify answers DISPENSED
    assert status_of(provenance, lot, "SN0000") == "DISPENSED"
    assert holding_of(provenance, at_pharmacy)["commitment"] == root


@pytest.mark.parametrize("text", ["NEVER-MADE", "SN0005"])
def test_a_serial_not_in_the_pharmacys_holding_is_flagged_and_not_quarantined(
    provenance, lot, at_pharmacy, dispense, pharmacy, manufacturer, text
):
    # NEVER-MADE was never commissioned; SN0005 is real but still with the distributor, whose
    # unit the pharmacy has no standing to stop.
    held = lot.words(at_pharmacy)
    tx = dispense(
        at_pharmacy, text, unit=(lot.position_of["SN0005"], lot.lot_proof("SN0005"), held)
    )

    assert tx.return_value is False
    assert_event(
        tx,
        "SuspectUnitFlagged",
        unitId=unit_id(text),
        manufacturer=manufacturer,
        reporter=pharmacy,
        gtin=lot.gtin,
        holding=at_pharmacy,
        reason=NOT_HELD,
        epcisHash=epcis(f"dispense {text}"),
        cid=CID,
    )
    assert unit_record(provenance, lot, text)[:2] == (0, 0)
    assert status_of(provenance, lot, "SN0005") == "VALID"


def test_a_forged_proof_is_flagged_as_not_held(provenance, lot, at_pharmacy, dispense):
    held = lot.words(at_pharmacy)
    tx = dispense(at_pharmacy, "SN0001", unit=(lot.position_of["SN0001"], [bytes(32)] * 3, held))
    assert tx.events["SuspectUnitFlagged"]["reason"] == NOT_HELD


def test_dispensing_with_another_positions_proof_is_flagged_as_not_held(
    provenance, lot, at_pharmacy, dispense
):
    # SN0001's serial with SN0002's position and proof: the leaf binds serial to position.
    held = lot.words(at_pharmacy)
    for position, proof in (
        (lot.position_of["SN0002"], lot.lot_proof("SN0002")),
        (lot.position_of["SN0002"], lot.lot_proof("SN0001")),
        (lot.position_of["SN0001"], lot.lot_proof("SN0002")),
    ):
        tx = dispense(at_pharmacy, "SN0001", unit=(position, proof, held))
        assert tx.events["SuspectUnitFlagged"]["reason"] == NOT_HELD
    assert holding_of(provenance, at_pharmacy)["units"] == 4


def test_dispense_refuses_stale_or_forged_words(
    provenance, lot, at_pharmacy, dispense, reverts_with
):
    stale = lot.words(at_pharmacy)
    dispense(at_pharmacy, "SN0000")
    with reverts_with("DrugProvenanceWordsMismatch", at_pharmacy):
        dispense(
            at_pharmacy,
            "SN0001",
            unit=(lot.position_of["SN0001"], lot.lot_proof("SN0001"), stale),
        )
    with reverts_with("DrugProvenanceWordsMismatch", at_pharmacy):
        dispense(
            at_pharmacy,
            "SN0001",
            unit=(lot.position_of["SN0001"], lot.lot_proof("SN0001"), [(0, 0xFF)]),
        )


def test_a_serial_dispensed_from_an_emptied_holding_is_flagged_as_not_held(
    provenance, lot, at_pharmacy, dispense
):
    for text in ("SN0000", "SN0001", "SN0002", "SN0003"):
        dispense(at_pharmacy, text)
    tx = dispense(
        at_pharmacy, "SN0005", unit=(lot.position_of["SN0005"], lot.lot_proof("SN0005"), [])
    )

    assert tx.return_value is False
    assert tx.events["SuspectUnitFlagged"]["reason"] == NOT_HELD
    assert status_of(provenance, lot, "SN0005") == "VALID"


def test_flagging_an_illegitimate_unit_keeps_it_illegitimate(
    provenance, lot, at_pharmacy, dispense, manufacturer
):
    provenance.quarantine(
        UNIT_SCOPE,
        lot.gtin,
        serial("FAKE"),
        NO_STANDING,
        REASON,
        epcis("q"),
        CID,
        {"from": manufacturer},
    )
    provenance.confirmIllegitimate(
        UNIT_SCOPE, lot.gtin, serial("FAKE"), REASON, epcis("c"), CID, {"from": manufacturer}
    )
    tx = dispense(at_pharmacy, "FAKE")

    assert "SuspectUnitFlagged" in tx.events
    assert unit_record(provenance, lot, "FAKE")[1] == 2


@pytest.mark.parametrize("name", NOT_DISPENSERS)
def test_only_an_active_dispenser_dispenses(provenance, lot, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotDispenser", named[name]):
        provenance.dispense(
            UNKNOWN_HOLDING, serial("SN0001"), NO_UNIT, epcis("d"), CID, {"from": named[name]}
        )


def test_a_suspended_pharmacy_may_not_dispense(
    provenance, at_pharmacy, participants, pharmacy, regulator, dispense, reverts_with
):
    participants.suspendCredential(pharmacy, DISPENSER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotDispenser", pharmacy):
        dispense(at_pharmacy, "SN0001")


def test_dispense_refuses_an_unknown_holding(dispense, reverts_with):
    with reverts_with("DrugProvenanceHoldingNotFound", UNKNOWN_HOLDING):
        dispense(UNKNOWN_HOLDING, "SN0001")


def test_a_pharmacy_dispenses_only_from_its_own_holdings(
    at_pharmacy, dispense, clinic, reverts_with
):
    with reverts_with("DrugProvenanceNotCustodian", at_pharmacy, clinic):
        dispense(at_pharmacy, "SN0001", sender=clinic)


def test_units_in_transit_are_not_dispensed(
    lot, at_pharmacy, ship, dispense, pharmacy, clinic, reverts_with
):
    ship("return", ["SN0001"], parent=at_pharmacy, sender=pharmacy, receiver=clinic)
    with reverts_with("DrugProvenanceUnexpectedHoldingState", lot.shipment("return"), IN_TRANSIT):
        dispense(lot.shipment("return"), "SN0001")


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_dispense_refuses_a_missing_anchor(
    provenance, lot, at_pharmacy, pharmacy, reverts_with, event, cid
):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.dispense(
            at_pharmacy,
            serial("SN0001"),
            lot.held_unit(at_pharmacy, "SN0001"),
            event,
            cid,
            {"from": pharmacy},
        )


def test_a_recalled_unit_is_not_dispensed(
    provenance, lot, at_pharmacy, dispense, regulator, reverts_with
):
    provenance.recall(lot.gtin, LOT, REASON, epcis("recall"), CID, {"from": regulator})
    with reverts_with("DrugProvenanceNotSaleable", unit_id("SN0001"), 4):
        dispense(at_pharmacy, "SN0001")


def test_a_unit_of_a_quarantined_lot_is_not_dispensed(
    provenance, lot, at_pharmacy, dispense, distributor, reverts_with
):
    standing = lot.standing(lot.shipment("to distributor"))
    provenance.quarantine(
        LOT_SCOPE, lot.gtin, LOT, standing, REASON, epcis("q"), CID, {"from": distributor}
    )
    with reverts_with("DrugProvenanceNotSaleable", unit_id("SN0001"), 6):
        dispense(at_pharmacy, "SN0001")


def test_an_illegitimate_unit_is_not_dispensed(
    provenance, lot, at_pharmacy, dispense, pharmacy, manufacturer, reverts_with
):
    provenance.quarantine(
        UNIT_SCOPE,
        lot.gtin,
        serial("SN0001"),
        lot.standing(at_pharmacy, "SN0001"),
        REASON,
        epcis("q"),
        CID,
        {"from": pharmacy},
    )
    provenance.confirmIllegitimate(
        UNIT_SCOPE, lot.gtin, serial("SN0001"), REASON, epcis("c"), CID, {"from": manufacturer}
    )
    with reverts_with("DrugProvenanceNotSaleable", unit_id("SN0001"), 7):
        dispense(at_pharmacy, "SN0001")


def test_an_expired_unit_is_not_dispensed(lot, at_pharmacy, dispense, at_time, reverts_with):
    at_time(gs1.expiry_end(EXPIRY) + 1)
    with reverts_with("DrugProvenanceNotSaleable", unit_id("SN0001"), 3):
        dispense(at_pharmacy, "SN0001")


def test_a_unit_whose_lot_had_an_excursion_is_not_dispensed(
    provenance, lot, at_pharmacy, dispense, pharmacy, reverts_with
):
    provenance.recordSensorReadings(
        at_pharmacy, ZERO32, 150, 900, epcis("sensors"), CID, {"from": pharmacy}
    )
    with reverts_with("DrugProvenanceNotSaleable", unit_id("SN0001"), 6):
        dispense(at_pharmacy, "SN0001")


# ------------------------------------------------------------------------------------ destroy


def test_a_custodian_destroys_a_recalled_unit_it_holds(
    provenance, lot, at_pharmacy, ship, receive, regulator, distributor, now
):
    provenance.recall(lot.gtin, LOT, REASON, epcis("recall"), CID, {"from": regulator})
    rest = lot.shipment("to distributor")
    tx = provenance.destroy(
        rest,
        serial("SN0006"),
        lot.held_unit(rest, "SN0006"),
        epcis("destroy"),
        CID,
        {"from": distributor},
    )
    lot.holdings[rest].discard("SN0006")

    assert unit_record(provenance, lot, "SN0006") == (UNIT_DESTROYED, 0, now(), distributor)
    assert holding_of(provenance, rest)["commitment"] == lot.commitment(rest)
    assert_event(
        tx,
        "UnitDestroyed",
        unitId=unit_id("SN0006"),
        lotKey=lot.key,
        custodian=distributor,
        holding=rest,
        epcisHash=epcis("destroy"),
        cid=CID,
    )


def test_a_destroyed_unit_verifies_as_decommissioned_and_its_clone_is_flagged(
    provenance, lot, at_pharmacy, dispense, pharmacy
):
    provenance.destroy(
        at_pharmacy,
        serial("SN0002"),
        lot.held_unit(at_pharmacy, "SN0002"),
        epcis("destroy"),
        CID,
        {"from": pharmacy},
    )
    lot.holdings[at_pharmacy].discard("SN0002")

    assert status_of(provenance, lot, "SN0002") == "DISPENSED"
    assert dispense(at_pharmacy, "SN0002").events["SuspectUnitFlagged"]["reason"] == DECOMMISSIONED


@pytest.mark.parametrize("name", NO_TRADING_PARTNERS)
def test_only_a_trading_partner_destroys(provenance, lot, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        provenance.destroy(
            UNKNOWN_HOLDING, serial("SN0001"), NO_UNIT, epcis("d"), CID, {"from": named[name]}
        )


def test_destroy_refuses_an_unknown_holding_and_a_foreign_one(
    provenance, lot, at_pharmacy, clinic, reverts_with
):
    with reverts_with("DrugProvenanceHoldingNotFound", UNKNOWN_HOLDING):
        provenance.destroy(
            UNKNOWN_HOLDING, serial("SN0001"), NO_UNIT, epcis("d"), CID, {"from": clinic}
        )
    with reverts_with("DrugProvenanceNotCustodian", at_pharmacy, clinic):
        provenance.destroy(
            at_pharmacy,
            serial("SN0001"),
            lot.held_unit(at_pharmacy, "SN0001"),
            epcis("d"),
            CID,
            {"from": clinic},
        )


def test_units_in_transit_are_not_destroyed(provenance, lot, ship, manufacturer, reverts_with):
    ship("to distributor")
    with reverts_with(
        "DrugProvenanceUnexpectedHoldingState", lot.shipment("to distributor"), IN_TRANSIT
    ):
        provenance.destroy(
            lot.shipment("to distributor"),
            serial("SN0001"),
            lot.held_unit(lot.shipment("to distributor"), "SN0001"),
            epcis("d"),
            CID,
            {"from": manufacturer},
        )


@pytest.mark.parametrize("text", ["SN0005", "NEVER-MADE"])
def test_destroy_refuses_a_unit_not_in_the_holding(
    provenance, lot, at_pharmacy, pharmacy, reverts_with, text
):
    with reverts_with("DrugProvenanceUnitNotHeld", at_pharmacy, unit_id(text)):
        provenance.destroy(
            at_pharmacy,
            serial(text),
            (lot.position_of["SN0005"], lot.lot_proof("SN0005"), lot.words(at_pharmacy)),
            epcis("d"),
            CID,
            {"from": pharmacy},
        )


def test_destroy_refuses_a_unit_of_a_holding_shipped_away_whole(
    provenance, lot, ship, manufacturer, reverts_with
):
    ship("to distributor")
    for words in ([], lot.words(lot.commissioning)):
        with reverts_with("DrugProvenanceUnitNotHeld", lot.commissioning, unit_id("SN0001")):
            provenance.destroy(
                lot.commissioning,
                serial("SN0001"),
                (lot.position_of["SN0001"], lot.lot_proof("SN0001"), words),
                epcis("d"),
                CID,
                {"from": manufacturer},
            )


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_destroy_refuses_a_missing_anchor(
    provenance, lot, at_pharmacy, pharmacy, reverts_with, event, cid
):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.destroy(
            at_pharmacy,
            serial("SN0001"),
            lot.held_unit(at_pharmacy, "SN0001"),
            event,
            cid,
            {"from": pharmacy},
        )
