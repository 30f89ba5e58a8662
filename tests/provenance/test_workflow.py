"""The provenance SDK against a real chain: every workflow anchors a valid EPCIS document, the
custody rebuilt from events matches the chain, and traces export as valid EPCIS 2.0."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from eth_hash.auto import keccak

from hygeia.core.contract_types import HoldingState, Investigation, VerificationStatus
from hygeia.core.errors import ContractRevertError, IntegrityError, InvalidInputError
from hygeia.core.store import LocalStore
from hygeia.core.store.cid import CID
from hygeia.core.times import from_unix
from hygeia.provenance import epcis, gs1, ids
from hygeia.provenance.client import NO_STANDING, DrugProvenanceClient
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.trace import TraceReader
from hygeia.provenance.workflow import ProvenanceFlow, limit_hundredths, reading_hundredths
from tests.chains import anvil_chain

Flows = Callable[[str], ProvenanceFlow]
GTIN = 614141000418
EXPIRY = date(2030, 12, 31)
SERIALS = [f"SN{i:04d}" for i in range(12)]


@pytest.fixture(scope="module")
def product(flow_as: Flows) -> int:
    flow_as("manufacturer").register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
    return GTIN


@pytest.fixture(scope="module")
def supply(flow_as: Flows, product: int, address_of: Callable[[str], str]) -> dict[str, bytes]:
    """Lot LOT-1 commissioned, sold whole to the distributor, 4 units sold on to the pharmacy."""
    maker, wholesaler, pharmacy = (flow_as(n) for n in ("manufacturer", "distributor", "pharmacy"))
    stock = maker.commission(GTIN, "LOT-1", EXPIRY, SERIALS).id
    to_distributor = maker.ship(stock, address_of("distributor")).id
    wholesaler.receive(to_distributor)
    to_pharmacy = wholesaler.ship(to_distributor, address_of("pharmacy"), SERIALS[:4]).id
    pharmacy.receive(to_pharmacy)
    return {"stock": stock, "distributor": to_distributor, "pharmacy": to_pharmacy}


def test_product_registration_anchors_its_master_data(flow_as: Flows, product: int) -> None:
    client = flow_as("manufacturer").client
    registered = client.product_of(GTIN)
    assert (registered.min_temperature, registered.max_temperature) == (200, 2500)
    assert registered.company_prefix_length == 7


def test_custody_rebuilt_from_events_matches_the_chain(
    flow_as: Flows, supply: dict[str, bytes], address_of: Callable[[str], str]
) -> None:
    flow = flow_as("pharmacy")
    custody = flow.custody(GTIN, "LOT-1")
    for holding_id, view in custody.holdings.items():
        on_chain = flow.client.holding_of(holding_id)
        assert on_chain.commitment == custody.commitment(holding_id)
        assert on_chain.units == len(view.serials)
        assert on_chain.custodian == view.custodian and on_chain.state == view.state
    assert custody.holdings[supply["pharmacy"]].serials == set(SERIALS[:4])
    assert custody.holdings[supply["pharmacy"]].owner == address_of("pharmacy")
    assert custody.custodians() == {address_of("distributor"), address_of("pharmacy")}


def test_verify_finds_the_proof_and_answers_valid_mismatch_unknown(
    flow_as: Flows, supply: dict[str, bytes]
) -> None:
    flow = flow_as("pharmacy")
    assert flow.verify(GTIN, "SN0003", "LOT-1", EXPIRY).status is VerificationStatus.VALID
    assert flow.verify(GTIN, "SN0003", "LOT-9", EXPIRY).status is VerificationStatus.MISMATCH
    assert (
        flow.verify(GTIN, "SN0003", "LOT-1", date(2030, 12, 30)).status
        is VerificationStatus.MISMATCH
    )
    answer = flow.verify(GTIN, "FAKE01", "LOT-1", EXPIRY)
    assert answer.status is VerificationStatus.UNKNOWN
    assert answer.as_json()["status"] == "UNKNOWN"


def disposition_of(flow: ProvenanceFlow, cid: str) -> tuple[str, str]:
    """The bizStep and disposition of the one event of an anchored EPCIS document."""
    event = epcis.decode(flow.store.cat(cid))["epcisBody"]["eventList"][0]
    return event["bizStep"], event["disposition"]


def test_dispensing_and_a_cloned_serial(flow_as: Flows, supply: dict[str, bytes]) -> None:
    pharmacy = flow_as("pharmacy")
    dispensed, first = pharmacy.dispense(supply["pharmacy"], "SN0000")
    again, alert = pharmacy.dispense(supply["pharmacy"], "SN0000")

    assert (dispensed, again) == (True, False)
    assert disposition_of(pharmacy, first.cid) == ("dispensing", "dispensed")
    # The refused dispense is recorded as an inspection that found the unit non-conformant.
    assert disposition_of(pharmacy, alert.cid) == ("inspecting", "non_conformant")
    answer = pharmacy.verify(GTIN, "SN0000", "LOT-1", EXPIRY)
    assert answer.status is VerificationStatus.DISPENSED  # the alert changed nothing
    custody = pharmacy.custody(GTIN, "LOT-1")
    assert "SN0000" not in custody.holdings[supply["pharmacy"]].serials
    assert [e.name for e in custody.alerts()] == ["SuspectUnitFlagged"]
    doc = pharmacy.reader.export(pharmacy.reader.unit(GTIN, "LOT-1", "SN0000"))
    steps = [(e["bizStep"], e.get("disposition")) for e in doc["epcisBody"]["eventList"]]
    assert steps[-2:] == [("dispensing", "dispensed"), ("inspecting", "non_conformant")]

    flow_as("manufacturer").quarantine(GTIN, "cloned serial reported", serial="SN0000")
    answer = pharmacy.verify(GTIN, "SN0000", "LOT-1", EXPIRY)
    assert answer.status is VerificationStatus.QUARANTINED


def test_a_unit_trace_exports_a_valid_epcis_document_in_chain_order(
    flow_as: Flows, supply: dict[str, bytes]
) -> None:
    flow = flow_as("pharmacy")
    custody = flow.custody(GTIN, "LOT-1")
    doc = flow.reader.export(flow.reader.unit(GTIN, "LOT-1", "SN0001"))

    epcis.validate(doc)
    steps = [e.get("bizStep") for e in doc["epcisBody"]["eventList"]]
    assert steps[:5] == ["commissioning", "shipping", "receiving", "shipping", "receiving"]
    lot_doc = flow.reader.export(custody)
    assert len(lot_doc["epcisBody"]["eventList"]) >= len(doc["epcisBody"]["eventList"])
    with pytest.raises(InvalidInputError):
        flow.reader.unit(GTIN, "LOT-1", "NOT-IN-LOT")


def test_void_and_reship(
    flow_as: Flows, supply: dict[str, bytes], address_of: Callable[[str], str]
) -> None:
    wholesaler = flow_as("distributor")
    shipment = wholesaler.ship(supply["distributor"], address_of("pharmacy"), ["SN0010"]).id
    with pytest.raises(InvalidInputError, match="give a reason"):
        wholesaler.void(shipment, "  ")
    voided = wholesaler.void(shipment, "the truck did not leave")
    logs = wholesaler.client.contract.events.ShipmentVoided().process_receipt(
        {"logs": list(voided.receipt.logs)}
    )
    assert bytes(logs[0]["args"]["reasonHash"]) == keccak(b"the truck did not leave")
    assert wholesaler.client.holding_of(shipment).state is HoldingState.VOIDED
    again = wholesaler.ship(shipment, address_of("pharmacy"), sale=True).id
    flow_as("pharmacy").receive(again)
    assert flow_as("pharmacy").custody(GTIN, "LOT-1").holdings[again].serials == {"SN0010"}


def test_quarantine_clear_and_illegitimate(
    flow_as: Flows, supply: dict[str, bytes], address_of: Callable[[str], str]
) -> None:
    pharmacy, maker = flow_as("pharmacy"), flow_as("manufacturer")
    pharmacy.quarantine(GTIN, "damaged seal", serial="SN0002")
    assert pharmacy.verify(GTIN, "SN0002", "LOT-1", EXPIRY).status is VerificationStatus.QUARANTINED
    maker.clear(GTIN, serial="SN0002")
    assert pharmacy.verify(GTIN, "SN0002", "LOT-1", EXPIRY).status is VerificationStatus.VALID
    pharmacy.quarantine(GTIN, "counterfeit packaging", serial="SN0003")
    _, notify = maker.confirm_illegitimate(GTIN, "counterfeit confirmed", serial="SN0003")
    assert (
        pharmacy.verify(GTIN, "SN0003", "LOT-1", EXPIRY).status is VerificationStatus.ILLEGITIMATE
    )
    assert notify == {address_of(n) for n in ("manufacturer", "distributor", "pharmacy")}
    with pytest.raises(InvalidInputError):
        pharmacy.quarantine(GTIN, "why", lot="LOT-1", serial="SN0001")


def test_an_excursion_quarantines_the_lot_until_the_manufacturer_clears_it(
    flow_as: Flows, supply: dict[str, bytes]
) -> None:
    wholesaler, maker = flow_as("distributor"), flow_as("manufacturer")
    readings = [
        epcis.Reading(from_unix(1_800_000_000), 5.0),
        epcis.Reading(from_unix(1_800_000_600), 25.004),
    ]
    wholesaler.record_sensor_readings(
        supply["distributor"], readings, device="urn:epc:id:giai:4000001.7"
    )
    assert wholesaler.client.holding_of(supply["distributor"]).excursion  # 25.004 rounds up
    assert (
        wholesaler.verify(GTIN, "SN0005", "LOT-1", EXPIRY).status is VerificationStatus.QUARANTINED
    )
    maker.clear_excursion(supply["distributor"])
    assert wholesaler.verify(GTIN, "SN0005", "LOT-1", EXPIRY).status is VerificationStatus.VALID


def test_the_receiver_reports_an_excursion_in_transit_with_the_shipping_event_of_its_shipment(
    flow_as: Flows, product: int, address_of: Callable[[str], str]
) -> None:
    """The receiver is not stored on-chain: the SDK shows it with the shipping event's hash,
    read from ShipmentDispatched. Another partner is refused by the chain (its own id would
    differ), and the receiver then receives the shipment as usual."""
    maker, wholesaler, pharmacy = (flow_as(n) for n in ("manufacturer", "distributor", "pharmacy"))
    stock = maker.commission(GTIN, "LOT-T", EXPIRY, ["T1", "T2"]).id
    shipment = maker.ship(stock, address_of("distributor")).id
    assert shipment is not None
    readings = [epcis.Reading(from_unix(1_800_000_000), 30.0)]
    device = "urn:epc:id:giai:4000001.9"

    # The sender, its custodian in transit, still anchors readings within the range.
    maker.record_sensor_readings(
        shipment, [epcis.Reading(from_unix(1_799_999_000), 5.0)], device=device
    )
    with pytest.raises(ContractRevertError, match="DrugProvenanceNotCustodian"):
        pharmacy.record_sensor_readings(shipment, readings, device=device)
    wholesaler.record_sensor_readings(shipment, readings, device=device)

    assert wholesaler.client.holding_of(shipment).excursion
    assert wholesaler.client.holding_of(shipment).state is HoldingState.IN_TRANSIT
    wholesaler.receive(shipment)
    assert wholesaler.client.holding_of(shipment).custodian == address_of("distributor")


@pytest.mark.parametrize(
    ("celsius", "low", "high"),
    [
        (2.2, 220, 220),  # binary 2.2 * 100 is 220.00000000000003
        (0.29, 29, 29),  # and 0.29 * 100 is 28.999999999999996
        (8.2, 820, 820),
        (-0.07, -7, -7),
        (25.004, 2500, 2501),  # more than two decimals: outwards
        (-1.005, -101, -100),
    ],
)
def test_readings_are_exact_to_two_decimals_and_rounded_outwards_beyond(
    celsius: float, low: int, high: int
) -> None:
    assert reading_hundredths(celsius, up=False) == low
    assert reading_hundredths(celsius, up=True) == high


def test_storage_limits_are_exact_hundredths() -> None:
    assert [limit_hundredths(c) for c in (2.2, 0.29, -0.07, 25.0)] == [220, 29, -7, 2500]
    for bad in (2.005, float("nan"), float("inf")):
        with pytest.raises(InvalidInputError):
            limit_hundredths(bad)


def test_readings_on_the_range_boundaries_raise_no_excursion(
    flow_as: Flows, address_of: Callable[[str], str]
) -> None:
    maker, gtin = flow_as("manufacturer"), 614141000425
    maker.register_product(gtin, 7, "Insulin glargine 100 U/ml", 0.29, 2.2)
    assert (
        maker.client.product_of(gtin).min_temperature,
        maker.client.product_of(gtin).max_temperature,
    ) == (29, 220)
    stock = maker.commission(gtin, "LOT-T", EXPIRY, ["T1"]).id
    device = "urn:epc:id:giai:4000001.8"

    maker.record_sensor_readings(
        stock,
        [
            epcis.Reading(from_unix(1_800_000_000), 0.29),
            epcis.Reading(from_unix(1_800_000_060), 2.2),
        ],
        device=device,
    )
    assert not maker.client.holding_of(stock).excursion
    for outside in (2.201, 0.289):
        maker.record_sensor_readings(
            stock, [epcis.Reading(from_unix(1_800_000_120), outside)], device=device
        )
        assert maker.client.holding_of(stock).excursion
        maker.clear_excursion(stock)


def test_a_recall_answers_recalled_and_names_every_custodian(
    flow_as: Flows, supply: dict[str, bytes], address_of: Callable[[str], str]
) -> None:
    maker = flow_as("manufacturer")
    maker.commission(GTIN, "LOT-R", EXPIRY, ["R1", "R2", "R3"])
    stock = maker.custody(GTIN, "LOT-R")
    first = next(iter(stock.holdings))
    flow_as("distributor").receive(maker.ship(first, address_of("distributor"), ["R2"]).id)
    maker.ship(first, address_of("pharmacy"), ["R3"])  # still in transit: its receiver hears too
    _, custodians = maker.recall(GTIN, "LOT-R", "sterility failure")

    assert custodians == {address_of(n) for n in ("manufacturer", "distributor", "pharmacy")}
    for serial in ("R1", "R2", "R3"):
        assert maker.verify(GTIN, serial, "LOT-R", EXPIRY).status is VerificationStatus.RECALLED


@pytest.fixture(scope="module")
def suspect_lot(flow_as: Flows, product: int, address_of: Callable[[str], str]) -> dict[str, bytes]:
    """Lot LOT-S: S1 stays with the manufacturer, S2 and S3 are sold to the distributor, which
    moves S3 on to the pharmacy without a sale; that shipment is still in transit."""
    maker, wholesaler = flow_as("manufacturer"), flow_as("distributor")
    stock = maker.commission(GTIN, "LOT-S", EXPIRY, ["S1", "S2", "S3"]).id
    sold = maker.ship(stock, address_of("distributor"), ["S2", "S3"]).id
    wholesaler.receive(sold)
    moving = wholesaler.ship(sold, address_of("pharmacy"), ["S3"], sale=False).id
    return {"stock": stock, "sold": sold, "moving": moving}


@pytest.mark.parametrize(
    ("serial", "parties"),
    [
        ("S1", {"manufacturer"}),
        ("S2", {"manufacturer", "distributor"}),
        ("S3", {"manufacturer", "distributor", "pharmacy"}),  # the receiver of S3 in transit
    ],
)
def test_confirming_a_unit_illegitimate_names_every_party_in_its_chain_of_custody(
    flow_as: Flows,
    suspect_lot: dict[str, bytes],
    address_of: Callable[[str], str],
    serial: str,
    parties: set[str],
) -> None:
    # The distributor holds units of LOT-S, so it has standing over every unit of the lot.
    flow_as("distributor").quarantine(GTIN, "counterfeit packaging", serial=serial)
    _, notify = flow_as("regulator").confirm_illegitimate(GTIN, "counterfeit", serial=serial)

    assert notify == {address_of(n) for n in parties}


def test_confirming_a_lot_illegitimate_names_every_party_that_held_owned_or_awaits_it(
    flow_as: Flows, product: int, address_of: Callable[[str], str]
) -> None:
    maker, wholesaler = flow_as("manufacturer"), flow_as("distributor")
    stock = maker.commission(GTIN, "LOT-I", EXPIRY, ["I1", "I2"]).id
    wholesaler.receive(maker.ship(stock, address_of("distributor"), ["I1"]).id)
    maker.ship(stock, address_of("pharmacy"), ["I2"])
    wholesaler.quarantine(GTIN, "no transaction history", lot="LOT-I")
    _, notify = maker.confirm_illegitimate(GTIN, "counterfeit lot", lot="LOT-I")

    assert notify == {address_of(n) for n in ("manufacturer", "distributor", "pharmacy")}


def test_confirming_an_uncommissioned_serial_illegitimate_names_nobody(
    flow_as: Flows, product: int
) -> None:
    flow_as("manufacturer").quarantine(GTIN, "unknown serial", serial="NEVER-MADE")
    _, notify = flow_as("manufacturer").confirm_illegitimate(GTIN, "clone", serial="NEVER-MADE")

    assert notify == set()


def test_a_tampered_document_is_detected(
    flow_as: Flows, supply: dict[str, bytes], drug_store: LocalStore
) -> None:
    flow = flow_as("pharmacy")
    custody = flow.custody(GTIN, "LOT-1")
    shipping = next(e for e in custody.events if e.name == "ShipmentDispatched")
    original = flow.reader.document(shipping)
    forged = epcis.document(
        [{**original["epcisBody"]["eventList"][0], "eventTime": "2001-01-01T00:00:00.000Z"}],
        created=from_unix(0),
    )
    fake_cid = drug_store.add(epcis.encode(forged))
    with pytest.raises(IntegrityError):
        flow.reader.document(
            replace(shipping, args={**shipping.args, "cid": bytes(CID.parse(fake_cid))})
        )


def test_commissioning_100000_serials_through_the_sdk(flow_as: Flows, product: int) -> None:
    maker = flow_as("manufacturer")
    serials = [f"B{i:07d}" for i in range(100_000)]
    anchored = maker.commission(GTIN, "LOT-BIG", EXPIRY, serials)

    assert anchored.receipt.gas_used < 250_000
    assert maker.verify(GTIN, "B0099999", "LOT-BIG", EXPIRY).status is VerificationStatus.VALID
    assert ids.lot_key(GTIN, ids.digest("LOT-BIG")) in maker.client.lots_of(GTIN)
    assert gs1.gtin14(GTIN) == "00614141000418"


def test_only_the_licensee_of_a_gtins_company_prefix_registers_it(
    flow_as: Flows, address_of: Callable[[str], str]
) -> None:
    registrar = flow_as("regulator").client
    maker = flow_as("manufacturer")
    unlicensed = gs1.parse_gtin("00614142000417")  # prefix 0614142: licensed to nobody
    assert registrar.licensee_of("0614142") is None
    with pytest.raises(ContractRevertError, match="DrugProvenanceCompanyPrefixNotLicensed"):
        maker.register_product(unlicensed, 7, "Not ours", 2.0, 25.0)

    registrar.license_company_prefix("0614142", address_of("manufacturer"))
    assert registrar.licensee_of("0614142") == address_of("manufacturer")
    maker.register_product(unlicensed, 7, "Ours now", 2.0, 25.0)
    assert maker.client.product_of(unlicensed).manufacturer == address_of("manufacturer")

    registrar.revoke_company_prefix("0614142")
    assert registrar.licensee_of("0614142") is None
    with pytest.raises(ContractRevertError, match="DrugProvenanceCompanyPrefixNotLicensed"):
        maker.commission(unlicensed, "LOT-REVOKED", EXPIRY, ["R1"])


def test_licensing_a_company_prefix_takes_a_regulator_and_a_well_formed_prefix(
    flow_as: Flows, address_of: Callable[[str], str]
) -> None:
    with pytest.raises(ContractRevertError, match="DrugProvenanceNotRegulator"):
        flow_as("manufacturer").client.license_company_prefix("0614143", address_of("manufacturer"))
    for bad in ("12345", "1234567890123", "06141a1", ""):
        with pytest.raises(InvalidInputError, match="company prefix"):
            flow_as("regulator").client.license_company_prefix(bad, address_of("manufacturer"))


# ------------------------------------------------------------------------------ who stops product


def test_the_sdk_finds_each_partys_standing_on_the_chain(
    flow_as: Flows, supply: dict[str, bytes]
) -> None:
    maker, wholesaler, pharmacy, regulator = (
        flow_as(n) for n in ("manufacturer", "distributor", "pharmacy", "regulator")
    )
    assert maker.standing(GTIN, lot="LOT-1") == NO_STANDING  # the manufacturer needs none
    assert regulator.standing(GTIN, serial="SN0001") == NO_STANDING  # a regulator neither
    assert wholesaler.standing(GTIN, lot="LOT-1").holding == supply["distributor"]
    unit = pharmacy.standing(GTIN, serial="SN0007")  # held by the distributor: same lot
    assert unit.holding == supply["pharmacy"]
    assert maker.verify(GTIN, "SN0007", "LOT-1", EXPIRY).status is VerificationStatus.VALID
    assert (
        maker.client.verify(
            GTIN, ids.digest("SN0007"), ids.digest("LOT-1"), EXPIRY, unit.position, list(unit.proof)
        )
        is VerificationStatus.VALID
    )  # the proof is the unit's in its lot's tree
    assert pharmacy.standing(GTIN, serial="NEVER-MADE") == NO_STANDING
    assert pharmacy.standing(GTIN, lot="LOT-R") == NO_STANDING  # never held LOT-R
    with pytest.raises(InvalidInputError):
        pharmacy.standing(GTIN)


def test_a_party_without_standing_is_refused_and_reports_instead(
    flow_as: Flows, product: int, address_of: Callable[[str], str]
) -> None:
    maker, pharmacy = flow_as("manufacturer"), flow_as("pharmacy")
    maker.commission(GTIN, "LOT-N", EXPIRY, ["N1", "N2"])
    with pytest.raises(ContractRevertError, match="DrugProvenanceNoStanding") as refused:
        pharmacy.quarantine(GTIN, "looks wrong", serial="N1")
    assert refused.value.error_args["account"] == address_of("pharmacy")

    reported = pharmacy.report_suspect(GTIN, "looks wrong", serial="N1")
    assert disposition_of(pharmacy, reported.cid) == ("inspecting", "non_conformant")
    assert pharmacy.verify(GTIN, "N1", "LOT-N", EXPIRY).status is VerificationStatus.VALID
    lot_report = pharmacy.report_suspect(GTIN, "whole lot looks wrong", lot="LOT-N")
    custody = maker.custody(GTIN, "LOT-N")
    assert [(e.name, e.tx_hash) for e in custody.alerts()] == [
        ("SuspectProductReported", reported.receipt.tx_hash),
        ("SuspectProductReported", lot_report.receipt.tx_hash),
    ]
    alert = custody.alerts()[0].args
    assert (alert["manufacturer"], alert["reporter"]) == (
        address_of("manufacturer"),
        address_of("pharmacy"),
    )
    steps = [
        e["bizStep"]
        for e in maker.reader.export(maker.reader.unit(GTIN, "LOT-N", "N1"))["epcisBody"][
            "eventList"
        ]
    ]
    assert steps == ["commissioning", "inspecting", "inspecting"]
    maker.quarantine(GTIN, "acting on the report", serial="N1")
    assert pharmacy.verify(GTIN, "N1", "LOT-N", EXPIRY).status is VerificationStatus.QUARANTINED


def test_a_regulator_bars_a_party_that_abuses_quarantine_and_clears_its_quarantine(
    flow_as: Flows, supply: dict[str, bytes], address_of: Callable[[str], str]
) -> None:
    pharmacy, regulator = flow_as("pharmacy"), flow_as("regulator")
    pharmacy.quarantine(GTIN, "spite", lot="LOT-1")
    regulator.clear(GTIN, lot="LOT-1")
    regulator.client.set_quarantine_bar(address_of("pharmacy"), True)
    assert regulator.client.is_barred(address_of("pharmacy"))

    with pytest.raises(ContractRevertError, match="DrugProvenanceBarred"):
        pharmacy.quarantine(GTIN, "spite again", lot="LOT-1")
    pharmacy.report_suspect(GTIN, "still allowed to report", lot="LOT-1")
    assert pharmacy.client.lot_of(ids.lot_key(GTIN, ids.digest("LOT-1"))).investigation is (
        Investigation.NONE
    )
    regulator.client.set_quarantine_bar(address_of("pharmacy"), False)
    assert not regulator.client.is_barred(address_of("pharmacy"))


class _CountingStore:
    """A content store that counts the documents read from it."""

    def __init__(self, store: LocalStore) -> None:
        self._store, self.reads = store, 0

    def cat(self, cid: str) -> bytes:
        self.reads += 1
        return self._store.cat(cid)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_whole_holdings_ship_and_are_received_reading_the_same_documents_however_many_came_before(
    flow_as: Flows, product: int, drug_store: LocalStore, address_of: Callable[[str], str]
) -> None:
    """A whole holding's shipment and receipt name the lot and the holding's unit count: read
    from the chain and the lot's number from its commissioning document, never the documents
    of the shipments before (a receipt also checks the shipment's own document)."""
    holding = flow_as("manufacturer").commission(GTIN, "LOT-W", EXPIRY, ["W1", "W2", "W3"]).id
    parties = ["manufacturer", "distributor"]
    for k in range(4):
        sender_name, receiver_name = parties[k % 2], parties[(k + 1) % 2]
        counted = _CountingStore(drug_store)
        sender = ProvenanceFlow(
            flow_as(sender_name).client, counted, chain_id=flow_as(sender_name).chain_id
        )
        shipment = sender.ship(holding, address_of(receiver_name)).id
        # The product's master data (for the document's header) and the lot's commissioning
        # document (for its number).
        assert counted.reads == 2
        counted.reads = 0
        receiver = ProvenanceFlow(
            flow_as(receiver_name).client, counted, chain_id=flow_as(receiver_name).chain_id
        )
        receiver.receive(shipment)
        assert counted.reads == 3  # the same two, and the shipment's own
        assert flow_as(receiver_name).client.holding_of(shipment).units == 3
        holding = shipment
    custody = flow_as("distributor").custody(GTIN, "LOT-W")
    assert custody.holdings[holding].serials == {"W1", "W2", "W3"}


def test_flows_sharing_a_reader_read_and_check_each_document_once(
    flow_as: Flows, product: int, drug_store: LocalStore, address_of: Callable[[str], str]
) -> None:
    """One process acting for several parties shares one reader: what the sender read and checked
    (the lot's commissioning document, the product's master data) the receiver does not read
    again; it reads only the shipment's own document."""
    maker, wholesaler = flow_as("manufacturer"), flow_as("distributor")
    holding = maker.commission(GTIN, "LOT-SHARED", EXPIRY, ["SH1", "SH2"]).id
    counted = _CountingStore(drug_store)
    reader = TraceReader(maker.client, counted)
    sender = ProvenanceFlow(maker.client, counted, chain_id=maker.chain_id, reader=reader)
    receiver = ProvenanceFlow(wholesaler.client, counted, chain_id=maker.chain_id, reader=reader)
    shipment = sender.ship(holding, address_of("distributor")).id
    assert counted.reads == 2
    counted.reads = 0
    receiver.receive(shipment)
    assert counted.reads == 1
    assert wholesaler.custody(GTIN, "LOT-SHARED").holdings[shipment].serials == {"SH1", "SH2"}


def test_a_shared_reader_knows_a_gln_bound_after_its_first_read(
    flow_as: Flows, product: int, drug_store: LocalStore, address_of: Callable[[str], str]
) -> None:
    """A reader kept for long (shared by parties' flows, or a gateway's) reads the GLN bindings
    again for an event mined after its last read: a site bound since is known to it, where old
    logs beside the contract's storage would call the new event's document forged."""
    maker, wholesaler = flow_as("manufacturer"), flow_as("distributor")
    reader = TraceReader(maker.client, drug_store)
    sender = ProvenanceFlow(maker.client, drug_store, chain_id=maker.chain_id, reader=reader)
    holding = maker.commission(GTIN, "LOT-LATE-SITE", EXPIRY, ["LS1", "LS2"]).id
    shipment = sender.ship(holding, address_of("distributor")).id
    assert reader.lot(GTIN, "LOT-LATE-SITE").holdings[shipment].serials == {"LS1", "LS2"}

    dock = gs1.gln_under("0614150", 77)
    wholesaler.register_gln(dock, 7, party=False)
    at_dock = ProvenanceFlow(
        wholesaler.client, drug_store, chain_id=maker.chain_id, site=dock, reader=reader
    )
    at_dock.receive(shipment)
    received = reader.events("ShipmentReceived", {"shipment": shipment})[-1]
    document = reader.document(received)
    assert document["epcisBody"]["eventList"][-1]["readPoint"]["id"] == gs1.sgln_uri(dock, 7)


def test_a_reader_of_another_store_contract_or_index_is_refused(
    flow_as: Flows, drug_store: LocalStore, tmp_path: Path
) -> None:
    maker = flow_as("manufacturer")
    elsewhere = TraceReader(maker.client, LocalStore(tmp_path / "other"))
    with pytest.raises(InvalidInputError, match="same contract and store"):
        ProvenanceFlow(maker.client, drug_store, chain_id=maker.chain_id, reader=elsewhere)
    other_contract = DrugProvenanceClient(maker.client.w3, "0x" + "ab" * 20)
    with pytest.raises(InvalidInputError, match="same contract and store"):
        ProvenanceFlow(
            maker.client,
            drug_store,
            chain_id=maker.chain_id,
            reader=TraceReader(other_contract, drug_store),
        )
    indexed = TraceReader(maker.client, drug_store, SerialIndex(tmp_path / "serials"))
    with pytest.raises(InvalidInputError, match="and index"):
        ProvenanceFlow(
            maker.client,
            drug_store,
            chain_id=maker.chain_id,
            index=SerialIndex(tmp_path / "other serials"),
            reader=indexed,
        )
    shared = ProvenanceFlow(maker.client, drug_store, chain_id=maker.chain_id, reader=indexed)
    assert shared.reader is indexed and shared.index is indexed.index


def test_a_reader_of_another_chain_is_refused(
    flow_as: Flows, drug_store: LocalStore, tmp_path: Path
) -> None:
    # The same deployer at the same nonce puts the contract at the same address on every chain,
    # so address, store and index can all match while the chains differ.
    maker = flow_as("manufacturer")
    with anvil_chain(tmp_path, chain_id=maker.chain_id + 7) as other:
        elsewhere = TraceReader(DrugProvenanceClient(other.w3, maker.client.address), drug_store)
        with pytest.raises(InvalidInputError, match=f"is on chain {maker.chain_id + 7}"):
            ProvenanceFlow(maker.client, drug_store, chain_id=maker.chain_id, reader=elsewhere)
    # A flow told another chain than its own client's is refused too.
    reader = TraceReader(maker.client, drug_store)
    with pytest.raises(InvalidInputError, match=f"flow's chain \\({maker.chain_id + 1}\\)"):
        ProvenanceFlow(maker.client, drug_store, chain_id=maker.chain_id + 1, reader=reader)
