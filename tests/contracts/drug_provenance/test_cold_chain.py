"""DrugProvenance cold chain: sensor reading batches anchored, excursions flagged and cleared.

An excursion stops the whole lot (verify answers QUARANTINED), so only the party that has the
units now opens one: the custodian of a non-empty holding it holds, or the receiver of a
non-empty shipment in transit, and never a party a regulator barred. Readings within the range
are anchored for the custodian or the receiver in transit as before. The receiver in transit
shows that it is the receiver with the shipping event's hash (the shipment's id binds it)."""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event
from tests.contracts.drug_provenance.support import (
    CID,
    GTIN,
    IN_TRANSIT,
    MANUFACTURER_ROLE,
    MAX_TEMP,
    MIN_TEMP,
    REASON,
    UNKNOWN_HOLDING,
    ZERO32,
    epcis,
    holding_of,
    status_of,
)

NO_TRADING_PARTNERS = ["provider", "regulator", "patient", "stranger", "admin"]
NOT_AUTHORITIES = ["distributor", "pharmacy", "provider", "patient", "stranger", "admin"]
OUTSIDE = (-500, 800)  # below the product's 2.00 degree minimum


@pytest.fixture
def record(provenance, lot, manufacturer):
    """`record(low, high, holding=lot.commissioning, sender=manufacturer, label="sensors",
    dispatch=None)`: `dispatch` labels the shipping event a receiver in transit shows (zeros when
    None)."""

    def _record(low, high, *, holding=None, sender=None, label="sensors", cid=CID, dispatch=None):
        return provenance.recordSensorReadings(
            lot.commissioning if holding is None else holding,
            ZERO32 if dispatch is None else epcis(dispatch),
            low,
            high,
            epcis(label) if label else ZERO32,
            cid,
            {"from": sender or manufacturer},
        )

    return _record


def open_excursions(provenance, lot):
    return provenance.lotOf(lot.key)[7]


def test_readings_within_the_range_are_anchored_without_an_excursion(
    provenance, lot, record, manufacturer
):
    tx = record(MIN_TEMP, MAX_TEMP)

    assert holding_of(provenance, lot.commissioning)["excursion"] is False
    assert open_excursions(provenance, lot) == 0
    assert_event(
        tx,
        "SensorReadingsAnchored",
        holding=lot.commissioning,
        lotKey=lot.key,
        by=manufacturer,
        minReading=MIN_TEMP,
        maxReading=MAX_TEMP,
        excursion=False,
        epcisHash=epcis("sensors"),
        cid=CID,
    )


@pytest.mark.parametrize(("low", "high"), [(MIN_TEMP - 1, 800), (800, MAX_TEMP + 1), (-4000, 4000)])
def test_a_reading_outside_the_range_flags_an_excursion_and_quarantines_the_lot(
    provenance, lot, record, low, high
):
    tx = record(low, high)

    assert holding_of(provenance, lot.commissioning)["excursion"] is True
    assert open_excursions(provenance, lot) == 1
    assert status_of(provenance, lot, "SN0001") == "QUARANTINED"
    assert tx.events["SensorReadingsAnchored"]["excursion"] is True


def test_a_second_excursion_of_the_same_holding_counts_once(provenance, lot, record):
    record(-500, 800)
    record(100, 3000, label="sensors 2")
    assert open_excursions(provenance, lot) == 1


def test_the_sender_and_the_receiver_report_readings_of_a_shipment_in_transit(
    provenance, lot, ship, record, manufacturer, distributor
):
    ship("to distributor")
    record(MIN_TEMP, MAX_TEMP, holding=lot.shipment("to distributor"), sender=manufacturer)
    tx = record(
        3000,
        3100,
        holding=lot.shipment("to distributor"),
        sender=distributor,
        label="logger",
        dispatch="to distributor",
    )

    assert tx.events["SensorReadingsAnchored"]["by"] == distributor
    assert holding_of(provenance, lot.shipment("to distributor"))["excursion"] is True
    assert open_excursions(provenance, lot) == 1


@pytest.mark.parametrize(
    ("name", "dispatch"),
    [
        ("distributor", None),
        ("distributor", "commissioning"),
        ("distributor", "second"),  # another shipment of the same sender, to the same receiver
        # The shipping event's hash is public (it is in ShipmentDispatched); the id binds the
        # receiver.
        ("pharmacy", "to distributor"),
    ],
)
def test_only_the_receiver_showing_its_shipping_event_reports_readings_in_transit(
    provenance, lot, ship, record, named, reverts_with, name, dispatch
):
    ship("to distributor", ["SN0000"])
    ship("second", ["SN0001"])
    shipment = lot.shipment("to distributor")
    with reverts_with("DrugProvenanceNotCustodian", shipment, named[name]):
        record(*OUTSIDE, holding=shipment, sender=named[name], dispatch=dispatch)
    assert open_excursions(provenance, lot) == 0


def test_the_sender_of_a_shipment_in_transit_may_not_open_an_excursion_on_it(
    provenance, lot, ship, record, manufacturer, reverts_with
):
    ship("to distributor")
    shipment = lot.shipment("to distributor")
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipment, IN_TRANSIT):
        record(*OUTSIDE, holding=shipment, sender=manufacturer)
    assert holding_of(provenance, shipment)["excursion"] is False
    assert open_excursions(provenance, lot) == 0


def test_the_custodian_of_an_emptied_holding_records_readings_but_opens_no_excursion(
    provenance, lot, ship, record, manufacturer, reverts_with
):
    ship("to distributor")  # the whole lot: the commissioned holding is empty
    tx = record(MIN_TEMP, MAX_TEMP)
    assert tx.events["SensorReadingsAnchored"]["excursion"] is False
    with reverts_with("DrugProvenanceEmptyHolding", lot.commissioning):
        record(*OUTSIDE, label="sensors 2")
    assert holding_of(provenance, lot.commissioning)["excursion"] is False
    assert open_excursions(provenance, lot) == 0


def test_the_sender_of_a_voided_shipment_holds_it_and_may_open_an_excursion(
    provenance, lot, ship, record, manufacturer
):
    ship("to distributor")
    shipment = lot.shipment("to distributor")
    provenance.voidShipment(shipment, REASON, epcis("void"), CID, {"from": manufacturer})
    record(*OUTSIDE, holding=shipment)
    assert holding_of(provenance, shipment)["excursion"] is True


@pytest.mark.parametrize("name", ["manufacturer", "distributor"])
def test_a_barred_custodian_or_receiver_records_readings_but_opens_no_excursion(
    provenance, lot, ship, record, named, regulator, reverts_with, name
):
    ship("to distributor", ["SN0001"])
    holding = lot.commissioning if name == "manufacturer" else lot.shipment("to distributor")
    shown = None if name == "manufacturer" else "to distributor"
    provenance.setQuarantineBar(named[name], True, {"from": regulator})
    record(MIN_TEMP, MAX_TEMP, holding=holding, sender=named[name], dispatch=shown)
    with reverts_with("DrugProvenanceBarred", named[name]):
        record(*OUTSIDE, holding=holding, sender=named[name], label="sensors 2", dispatch=shown)
    assert holding_of(provenance, holding)["excursion"] is False
    assert open_excursions(provenance, lot) == 0


@pytest.mark.parametrize("name", NO_TRADING_PARTNERS)
def test_only_a_trading_partner_reports_readings(record, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        record(MIN_TEMP, MAX_TEMP, sender=named[name])


def test_readings_refuse_an_unknown_holding(record, reverts_with):
    with reverts_with("DrugProvenanceHoldingNotFound", UNKNOWN_HOLDING):
        record(MIN_TEMP, MAX_TEMP, holding=UNKNOWN_HOLDING)


@pytest.mark.parametrize("name", ["distributor", "pharmacy"])
@pytest.mark.parametrize("readings", [(MIN_TEMP, MAX_TEMP), OUTSIDE])
def test_only_the_custodian_or_the_receiver_in_transit_reports_readings(
    lot, record, named, reverts_with, name, readings
):
    with reverts_with("DrugProvenanceNotCustodian", lot.commissioning, named[name]):
        record(*readings, sender=named[name])


def test_the_receiver_of_a_voided_shipment_reports_no_readings(
    provenance, lot, ship, record, manufacturer, distributor, reverts_with
):
    ship("to distributor")
    shipment = lot.shipment("to distributor")
    provenance.voidShipment(shipment, REASON, epcis("void"), CID, {"from": manufacturer})
    with reverts_with("DrugProvenanceNotCustodian", shipment, distributor):
        record(*OUTSIDE, holding=shipment, sender=distributor, dispatch="to distributor")


def test_readings_refuse_an_empty_range(record, reverts_with):
    with reverts_with("DrugProvenanceInvalidReadings", 900, 800):
        record(900, 800)


@pytest.mark.parametrize("anchor", [{"label": None}, {"cid": b""}])
def test_readings_refuse_a_missing_anchor(record, reverts_with, anchor):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        record(MIN_TEMP, MAX_TEMP, **anchor)


# ------------------------------------------------------------------------------------ clearing


@pytest.mark.parametrize("name", ["manufacturer", "regulator"])
def test_the_manufacturer_or_a_regulator_clears_an_excursion_and_verify_answers_valid_again(
    provenance, lot, record, named, name
):
    record(-500, 800)
    tx = provenance.clearExcursion(lot.commissioning, epcis("clear"), CID, {"from": named[name]})

    assert holding_of(provenance, lot.commissioning)["excursion"] is False
    assert open_excursions(provenance, lot) == 0
    assert status_of(provenance, lot, "SN0001") == "VALID"
    assert_event(
        tx,
        "ExcursionCleared",
        holding=lot.commissioning,
        lotKey=lot.key,
        by=named[name],
        epcisHash=epcis("clear"),
        cid=CID,
    )


def test_the_lot_stays_quarantined_while_another_holding_has_an_excursion(
    provenance, lot, ship, receive, record, manufacturer, distributor
):
    ship("part", ["SN0001"])
    receive("part")
    record(-500, 800)
    record(-500, 800, holding=lot.shipment("part"), sender=distributor, label="part sensors")
    provenance.clearExcursion(lot.commissioning, epcis("clear"), CID, {"from": manufacturer})

    assert open_excursions(provenance, lot) == 1
    assert status_of(provenance, lot, "SN0002") == "QUARANTINED"


@pytest.mark.parametrize("name", NOT_AUTHORITIES)
def test_only_the_manufacturer_or_a_regulator_clears_an_excursion(
    provenance, lot, record, named, reverts_with, name
):
    record(-500, 800)
    with reverts_with("DrugProvenanceNotAuthority", GTIN, named[name]):
        provenance.clearExcursion(lot.commissioning, epcis("clear"), CID, {"from": named[name]})


def test_another_or_a_suspended_manufacturer_may_not_clear_an_excursion(
    provenance, participants, lot, record, rival, manufacturer, regulator, reverts_with
):
    record(-500, 800)
    with reverts_with("DrugProvenanceNotAuthority", GTIN, rival):
        provenance.clearExcursion(lot.commissioning, epcis("clear"), CID, {"from": rival})
    participants.suspendCredential(manufacturer, MANUFACTURER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotAuthority", GTIN, manufacturer):
        provenance.clearExcursion(lot.commissioning, epcis("clear"), CID, {"from": manufacturer})


def test_clear_excursion_refuses_an_unknown_holding_and_one_without_excursion(
    provenance, lot, manufacturer, reverts_with
):
    with reverts_with("DrugProvenanceHoldingNotFound", UNKNOWN_HOLDING):
        provenance.clearExcursion(UNKNOWN_HOLDING, epcis("clear"), CID, {"from": manufacturer})
    with reverts_with("DrugProvenanceNoExcursion", lot.commissioning):
        provenance.clearExcursion(lot.commissioning, epcis("clear"), CID, {"from": manufacturer})


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_clear_excursion_refuses_a_missing_anchor(
    provenance, lot, record, manufacturer, reverts_with, event, cid
):
    record(-500, 800)
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.clearExcursion(lot.commissioning, event, cid, {"from": manufacturer})
