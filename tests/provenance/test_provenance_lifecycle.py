"""DrugProvenance end to end: manufacturer -> distributor -> pharmacy -> patient, and the
counterfeit cases a DSCSA system must catch."""

from __future__ import annotations

from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.provenance.provenance_support import (
    CID,
    COMMISSIONING,
    DECOMMISSIONED,
    HELD,
    NOT_HELD,
    REASON,
    SERIALS,
    UNIT_SCOPE,
    epcis,
    holding_of,
    serial,
    status_of,
    unit_id,
)


def test_a_unit_goes_from_manufacturer_to_patient_with_custody_and_ownership_at_each_step(
    provenance, lot, ship, receive, dispense, manufacturer, distributor, pharmacy
):
    assert holding_of(provenance, COMMISSIONING)["custodian"] == manufacturer
    assert status_of(provenance, lot, "SN0002") == "VALID"

    ship("to distributor")  # the whole lot, sold
    receive("to distributor")
    at_distributor = holding_of(provenance, epcis("to distributor"))
    assert (at_distributor["custodian"], at_distributor["owner"]) == (distributor, distributor)
    assert at_distributor["units"] == len(SERIALS)
    assert holding_of(provenance, COMMISSIONING)["root"] == bytes(32)

    ship(
        "to pharmacy", ["SN0002", "SN0005"], parent=epcis("to distributor"),
        sender=distributor, receiver=pharmacy,
    )
    receive("to pharmacy", pharmacy)
    at_pharmacy = holding_of(provenance, epcis("to pharmacy"))
    assert (at_pharmacy["custodian"], at_pharmacy["owner"], at_pharmacy["state"]) == (
        pharmacy, pharmacy, HELD,
    )
    assert at_pharmacy["root"] == lot.holding_tree(epcis("to pharmacy")).root
    assert holding_of(provenance, epcis("to distributor"))["units"] == len(SERIALS) - 2

    tx = dispense(epcis("to pharmacy"), "SN0002")

    assert tx.return_value is True
    assert_event(
        tx, "UnitDispensed", unitId=unit_id("SN0002"), lotKey=lot.key, dispenser=pharmacy,
        holding=epcis("to pharmacy"), epcisHash=epcis("dispense SN0002"), cid=CID,
    )
    assert status_of(provenance, lot, "SN0002") == "DISPENSED"
    assert status_of(provenance, lot, "SN0005") == "VALID"


def test_a_cloned_serial_dispensed_twice_is_flagged_and_quarantined_not_dispensed(
    provenance, lot, at_pharmacy, ship, receive, dispense, distributor, clinic
):
    dispense(at_pharmacy, "SN0001")
    ship("to clinic", ["SN0004"], parent=epcis("to distributor"), sender=distributor, receiver=clinic)
    receive("to clinic", clinic)
    # A package with a copy of SN0001's identifier turns up at the clinic, which scans it.
    tx = dispense(epcis("to clinic"), "SN0001", sender=clinic)

    assert tx.return_value is False
    assert_event(
        tx, "SuspectUnitFlagged", unitId=unit_id("SN0001"), holding=epcis("to clinic"),
        reporter=clinic, reason=DECOMMISSIONED, epcisHash=epcis("dispense SN0001"), cid=CID,
    )
    assert status_of(provenance, lot, "SN0001") == "QUARANTINED"


def test_an_unknown_serial_is_flagged_when_dispensed(provenance, lot, at_pharmacy, dispense, pharmacy):
    tx = dispense(at_pharmacy, "FAKE-0001")

    assert tx.return_value is False
    assert_event(
        tx, "SuspectUnitFlagged", unitId=unit_id("FAKE-0001"), holding=at_pharmacy,
        reporter=pharmacy, reason=NOT_HELD, epcisHash=epcis("dispense FAKE-0001"), cid=CID,
    )
    assert "UnitDispensed" not in tx.events
    assert status_of(provenance, lot, "FAKE-0001") == "UNKNOWN"
    assert provenance.unitOf(lot.gtin, serial("FAKE-0001"))[1] == 1  # quarantined


def test_dispensing_twice_at_the_same_pharmacy_is_flagged_as_a_clone(
    provenance, lot, at_pharmacy, dispense, pharmacy
):
    dispense(at_pharmacy, "SN0001")
    tx = dispense(at_pharmacy, "SN0001", proof=lot.tree.proof(lot.leaf_of["SN0001"]))

    assert tx.return_value is False
    assert tx.events["SuspectUnitFlagged"]["reason"] == DECOMMISSIONED
    assert status_of(provenance, lot, "SN0001") == "QUARANTINED"
    assert ZERO_ADDRESS != pharmacy and REASON and UNIT_SCOPE == 1
