"""DrugProvenance end to end: manufacturer -> distributor -> pharmacy -> patient, and the
counterfeit cases a DSCSA system must catch."""

from __future__ import annotations

from hygeia.provenance import gs1
from tests.brownie_support import assert_event
from tests.contracts.drug_provenance.support import (
    CID,
    DECOMMISSIONED,
    DISPENSER_ROLE,
    DISTRIBUTOR_ROLE,
    EXPIRED,
    HELD,
    NO_STANDING,
    NOT_HELD,
    REASON,
    RECALLED,
    SERIALS,
    UNIT_SCOPE,
    UNSELECTED,
    VOID_REASON,
    VOIDED,
    ZERO32,
    epcis,
    holding_of,
    serial,
    status_of,
    unit_id,
)


def test_a_unit_goes_from_manufacturer_to_patient_with_custody_and_ownership_at_each_step(
    provenance, lot, ship, receive, dispense, manufacturer, distributor, pharmacy
):
    assert holding_of(provenance, lot.commissioning)["custodian"] == manufacturer
    assert status_of(provenance, lot, "SN0002") == "VALID"

    ship("to distributor")  # the whole lot, sold
    receive("to distributor")
    at_distributor = holding_of(provenance, lot.shipment("to distributor"))
    assert (at_distributor["custodian"], at_distributor["owner"]) == (distributor, distributor)
    assert at_distributor["units"] == len(SERIALS)
    assert holding_of(provenance, lot.commissioning)["commitment"] == bytes(32)

    ship(
        "to pharmacy",
        ["SN0002", "SN0005"],
        parent=lot.shipment("to distributor"),
        sender=distributor,
        receiver=pharmacy,
    )
    receive("to pharmacy", pharmacy)
    at_pharmacy = holding_of(provenance, lot.shipment("to pharmacy"))
    assert (at_pharmacy["custodian"], at_pharmacy["owner"], at_pharmacy["state"]) == (
        pharmacy,
        pharmacy,
        HELD,
    )
    assert at_pharmacy["commitment"] == lot.commitment(lot.shipment("to pharmacy"))
    assert holding_of(provenance, lot.shipment("to distributor"))["units"] == len(SERIALS) - 2

    tx = dispense(lot.shipment("to pharmacy"), "SN0002")

    assert tx.return_value is True
    assert_event(
        tx,
        "UnitDispensed",
        unitId=unit_id("SN0002"),
        lotKey=lot.key,
        dispenser=pharmacy,
        holding=lot.shipment("to pharmacy"),
        epcisHash=epcis("dispense SN0002"),
        cid=CID,
    )
    assert status_of(provenance, lot, "SN0002") == "DISPENSED"
    assert status_of(provenance, lot, "SN0005") == "VALID"


def test_a_cloned_serial_dispensed_twice_is_flagged_not_dispensed_and_the_manufacturer_acts(
    provenance, lot, at_pharmacy, ship, receive, dispense, distributor, clinic, manufacturer
):
    dispense(at_pharmacy, "SN0001")
    ship(
        "to clinic",
        ["SN0004"],
        parent=lot.shipment("to distributor"),
        sender=distributor,
        receiver=clinic,
    )
    receive("to clinic", clinic)
    # A package with a copy of SN0001's identifier turns up at the clinic, which scans it.
    tx = dispense(lot.shipment("to clinic"), "SN0001", sender=clinic)

    assert tx.return_value is False
    assert_event(
        tx,
        "SuspectUnitFlagged",
        unitId=unit_id("SN0001"),
        manufacturer=manufacturer,
        reporter=clinic,
        gtin=lot.gtin,
        holding=lot.shipment("to clinic"),
        reason=DECOMMISSIONED,
        epcisHash=epcis("dispense SN0001"),
        cid=CID,
    )
    # The alert changes nothing: the serial still verifies as dispensed.
    assert status_of(provenance, lot, "SN0001") == "DISPENSED"
    # The manufacturer, filtering the alerts on its address, quarantines the serial.
    provenance.quarantine(
        UNIT_SCOPE,
        lot.gtin,
        serial("SN0001"),
        NO_STANDING,
        REASON,
        epcis("quarantine clone"),
        CID,
        {"from": manufacturer},
    )
    assert status_of(provenance, lot, "SN0001") == "QUARANTINED"


def test_an_unknown_serial_is_flagged_when_dispensed(
    provenance, lot, at_pharmacy, dispense, pharmacy
):
    tx = dispense(at_pharmacy, "FAKE-0001")

    assert tx.return_value is False
    assert_event(
        tx,
        "SuspectUnitFlagged",
        unitId=unit_id("FAKE-0001"),
        manufacturer=lot.manufacturer,
        reporter=pharmacy,
        gtin=lot.gtin,
        holding=at_pharmacy,
        reason=NOT_HELD,
        epcisHash=epcis("dispense FAKE-0001"),
        cid=CID,
    )
    assert "UnitDispensed" not in tx.events
    assert status_of(provenance, lot, "FAKE-0001") == "UNKNOWN"
    assert provenance.unitOf(lot.gtin, serial("FAKE-0001"))[1] == 0  # an alert only


def test_dispensing_twice_at_the_same_pharmacy_is_flagged_as_a_clone(
    provenance, lot, at_pharmacy, dispense, pharmacy
):
    dispense(at_pharmacy, "SN0001")
    tx = dispense(
        at_pharmacy,
        "SN0001",
        unit=(lot.position_of["SN0001"], lot.lot_proof("SN0001"), lot.words(at_pharmacy)),
    )

    assert tx.return_value is False
    assert tx.events["SuspectUnitFlagged"]["reason"] == DECOMMISSIONED
    assert status_of(provenance, lot, "SN0001") == "DISPENSED"


def test_a_package_printed_with_a_wrong_expiry_is_a_mismatch_and_a_wrong_lot_unknown_there(
    provenance, lot
):
    # The chain answers about the printed lot only; the SDK finds the serial's own lot and
    # answers MISMATCH (tests/provenance).
    assert status_of(provenance, lot, "SN0003", lot=serial("LOT-A2")) == "UNKNOWN"
    assert status_of(provenance, lot, "SN0003", expiry=311231) == "MISMATCH"


def test_no_shipment_by_or_to_a_party_without_an_active_credential(
    provenance,
    lot,
    ship,
    receive,
    participants,
    distributor,
    pharmacy,
    regulator,
    stranger,
    reverts_with,
):
    with reverts_with("DrugProvenanceNotTradingPartner", stranger):
        provenance.ship(
            lot.commissioning,
            UNSELECTED,
            stranger,
            True,
            epcis("to stranger"),
            CID,
            {"from": lot_owner(provenance, lot)},
        )
    ship("to distributor")
    receive("to distributor")
    participants.suspendCredential(pharmacy, DISPENSER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", pharmacy):
        ship(
            "to pharmacy",
            ["SN0001"],
            parent=lot.shipment("to distributor"),
            sender=distributor,
            receiver=pharmacy,
        )
    participants.suspendCredential(distributor, DISTRIBUTOR_ROLE, {"from": regulator})
    participants.reinstateCredential(pharmacy, DISPENSER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", distributor):
        ship(
            "to pharmacy",
            ["SN0001"],
            parent=lot.shipment("to distributor"),
            sender=distributor,
            receiver=pharmacy,
        )


def test_a_voided_shipment_cannot_be_received_and_its_units_stay_with_the_sender(
    provenance, lot, ship, receive, manufacturer, reverts_with
):
    ship("to distributor")
    provenance.voidShipment(
        lot.shipment("to distributor"), VOID_REASON, epcis("void"), CID, {"from": manufacturer}
    )

    with reverts_with(
        "DrugProvenanceUnexpectedHoldingState", lot.shipment("to distributor"), VOIDED
    ):
        receive("to distributor")
    assert holding_of(provenance, lot.shipment("to distributor"))["custodian"] == manufacturer


def test_expired_product_verifies_expired_and_is_not_dispensed(
    provenance, lot, at_pharmacy, dispense, at_time, reverts_with
):
    at_time(gs1.expiry_end(lot.expiry) + 1)
    with reverts_with("DrugProvenanceNotSaleable", unit_id("SN0001"), EXPIRED):
        dispense(at_pharmacy, "SN0001")
    assert status_of(provenance, lot, "SN0001") == "EXPIRED"


def test_a_recalled_lot_answers_recalled_wherever_its_units_are(
    provenance, lot, at_pharmacy, dispense, manufacturer, reverts_with
):
    tx = provenance.recall(lot.gtin, lot.lot, REASON, epcis("recall"), CID, {"from": manufacturer})

    assert tx.events["LotRecalled"]["lotKey"] == "0x" + lot.key.hex()
    assert {status_of(provenance, lot, s) for s in SERIALS} == {"RECALLED"}
    with reverts_with("DrugProvenanceNotSaleable", unit_id("SN0001"), RECALLED):
        dispense(at_pharmacy, "SN0001")


def test_a_temperature_excursion_holds_the_lot_until_the_manufacturer_clears_it(
    provenance, lot, at_pharmacy, dispense, manufacturer, distributor
):
    provenance.recordSensorReadings(
        lot.shipment("to distributor"),
        ZERO32,
        150,
        3100,
        epcis("logger"),
        CID,
        {"from": distributor},
    )
    assert status_of(provenance, lot, "SN0001") == "QUARANTINED"

    provenance.clearExcursion(
        lot.shipment("to distributor"), epcis("reviewed"), CID, {"from": manufacturer}
    )
    assert status_of(provenance, lot, "SN0001") == "VALID"
    assert dispense(at_pharmacy, "SN0001").return_value is True


def lot_owner(provenance, lot):
    return holding_of(provenance, lot.commissioning)["owner"]
