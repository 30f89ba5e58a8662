"""Provenance in the terms trading partners exchange: parties and places by GLN (bound on-chain),
product master data in every header, business transactions on shipments, traces sized to their
question, barcodes as scanned, and verification answers in GS1 Lightweight Messaging terms."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from hygeia.core.contract_types import VerificationStatus
from hygeia.core.errors import ContentNotFoundError, IntegrityError, InvalidInputError
from hygeia.core.store import LocalStore
from hygeia.core.store.cid import CID
from hygeia.provenance import epcis, gs1, ids
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.workflow import ProvenanceFlow
from tests.provenance.chain import GLNS, PREFIXES, gln

Flows = Callable[[str], ProvenanceFlow]
GTIN = 614141000418
EXPIRY = date(2030, 12, 31)
SERIALS = [f"GS{i:04d}" for i in range(40)]
PHARMACY_SITE = gln(PREFIXES["pharmacy"], 2)


def barcode(serial: str, lot: str = "GLN-LOT", expiry: date = EXPIRY) -> str:
    return gs1.ProductIdentifier(GTIN, serial, lot, expiry).element_string()


@pytest.fixture(scope="module")
def parties(flow_as: Flows) -> dict[str, int]:
    """Every trading partner licensed its company prefix and bound its party GLN (the chain's
    set-up); the pharmacy also binds a site."""
    flow_as("pharmacy").register_gln(PHARMACY_SITE, 7, party=False)
    return GLNS


@pytest.fixture(scope="module")
def product(flow_as: Flows, parties: dict[str, int]) -> int:
    flow_as("manufacturer").register_product(
        GTIN, 7, "Amoxicillin", 2.0, 25.0, strength="500 mg", dosage_form="CAPSULE",
        ndc="0614-1410-00",
    )  # fmt: skip
    return GTIN


@pytest.fixture(scope="module")
def supply(flow_as: Flows, product: int, address_of: Callable[[str], str]) -> dict[str, Any]:
    """Lot GLN-LOT sold whole to the distributor (with a PO, despatch advice and invoice), ten
    units of it scanned and sold on to the pharmacy, which receives by scanning one."""
    maker, wholesaler = flow_as("manufacturer"), flow_as("distributor")
    pharmacy = flow_as("pharmacy")
    stock = maker.commission(GTIN, "GLN-LOT", EXPIRY, SERIALS)
    shipped = maker.ship(
        stock.id,
        address_of("distributor"),
        transactions=[("po", "PO-4711"), ("desadv", "DA-88"), ("inv", "INV-2031")],
    )
    received = wholesaler.receive(shipped.id)
    scans = [barcode(s) for s in SERIALS[:10]]
    to_pharmacy = wholesaler.ship(
        shipped.id, address_of("pharmacy"), wholesaler.serials_of_scans(shipped.id, scans)
    )
    found = pharmacy.holding_of_unit(gs1.parse_barcode(scans[0]), in_transit=True)
    assert found == to_pharmacy.id
    pharmacy.receive(found)
    return {
        "stock": stock,
        "shipped": shipped,
        "received": received,
        "to_pharmacy": to_pharmacy,
    }


def event_of(flow: ProvenanceFlow, cid: str) -> dict[str, Any]:
    return epcis.decode(flow.store.cat(cid))["epcisBody"]["eventList"][0]


# ------------------------------------------------------------------------ GLNs in EPCIS


def test_events_name_parties_by_pgln_and_places_by_sgln(
    flow_as: Flows, supply: dict[str, Any], address_of: Callable[[str], str]
) -> None:
    flow = flow_as("distributor")
    commissioning = event_of(flow, supply["stock"].cid)
    maker_place = gs1.sgln_uri(GLNS["manufacturer"], 7)
    assert commissioning["readPoint"] == {"id": maker_place}
    assert commissioning["bizLocation"] == {"id": maker_place}
    assert commissioning[epcis.ACCOUNT].endswith(address_of("manufacturer"))

    shipping = event_of(flow, supply["shipped"].cid)
    assert "bizLocation" not in shipping  # in transit
    maker, wholesaler = gs1.pgln_uri(GLNS["manufacturer"], 7), gs1.pgln_uri(GLNS["distributor"], 7)
    assert shipping["sourceList"] == [
        {"type": "owning_party", "source": maker},
        {"type": "possessing_party", "source": maker},
    ]
    assert shipping["destinationList"] == [
        {"type": "owning_party", "destination": wholesaler},
        {"type": "possessing_party", "destination": wholesaler},
    ]
    assert shipping["readPoint"]["id"].startswith("urn:epc:id:sgln:0614141.")


def test_shipments_carry_their_business_transactions_under_the_issuers_gln(
    flow_as: Flows, supply: dict[str, Any]
) -> None:
    shipping = event_of(flow_as("manufacturer"), supply["shipped"].cid)
    kinds = {t["type"]: t["bizTransaction"] for t in shipping["bizTransactionList"]}
    buyer, seller = gs1.gln13(GLNS["distributor"]), gs1.gln13(GLNS["manufacturer"])
    assert kinds["po"] == f"urn:epcglobal:cbv:bt:{buyer}:PO-4711"  # the buyer's order
    assert kinds["desadv"] == f"urn:epcglobal:cbv:bt:{seller}:DA-88"
    assert kinds["inv"] == f"urn:epcglobal:cbv:bt:{seller}:INV-2031"
    assert kinds["pedigree"].startswith("ipfs://")


def test_a_business_transaction_of_a_party_without_gln_or_of_another_type_is_refused(
    flow_as: Flows, supply: dict[str, Any], address_of: Callable[[str], str]
) -> None:
    pharmacy = flow_as("pharmacy")
    with pytest.raises(InvalidInputError, match="po, desadv or inv"):
        pharmacy.ship(
            supply["to_pharmacy"].id, address_of("distributor"), transactions=[("bol", "B-1")]
        )


def test_every_header_carries_the_products_master_data(
    flow_as: Flows, supply: dict[str, Any]
) -> None:
    flow = flow_as("pharmacy")
    doc = epcis.decode(flow.store.cat(supply["to_pharmacy"].cid))
    element = doc["epcisHeader"]["epcisMasterData"]["vocabularyList"][0]["vocabularyElementList"][0]
    attributes = {a["id"].split("#")[1]: a["attribute"] for a in element["attributes"]}
    assert element["id"] == gs1.sgtin_pattern(GTIN, 7)
    assert attributes["regulatedProductName"] == "Amoxicillin"
    assert attributes["strengthDescription"] == "500 mg"
    assert attributes["additionalTradeItemIdentification"] == "0614-1410-00"
    trace = flow.reader.export(flow.custody(GTIN, "GLN-LOT"))
    assert trace["epcisHeader"] == doc["epcisHeader"]
    epcis.validate(trace)


def test_every_party_in_a_lot_trace_is_named_by_a_gln(
    flow_as: Flows, supply: dict[str, Any]
) -> None:
    flow = flow_as("pharmacy")
    trace = flow.reader.export(flow.custody(GTIN, "GLN-LOT"))
    for event in trace["epcisBody"]["eventList"]:
        named = [
            event["readPoint"]["id"],
            event.get("bizLocation", {}).get("id", "urn:epc:id:sgln:"),
        ]
        named += [s["source"] for s in event.get("sourceList", [])]
        named += [d["destination"] for d in event.get("destinationList", [])]
        assert all(uri.startswith(("urn:epc:id:sgln:", "urn:epc:id:pgln:")) for uri in named)
        assert "did:pkh" not in json.dumps({k: v for k, v in event.items() if k != epcis.ACCOUNT})


def test_a_party_acting_at_another_partys_site_is_refused(
    flow_as: Flows, supply: dict[str, Any], address_of: Callable[[str], str]
) -> None:
    """The attack: the distributor names the pharmacy's site as where it acts."""
    wholesaler = flow_as("distributor")
    wholesaler.site = PHARMACY_SITE
    with pytest.raises(InvalidInputError, match="does not name you"):
        wholesaler.record_sensor_readings(
            supply["received"].receipt and supply["shipped"].id,
            [epcis.Reading(datetime(2030, 1, 1, tzinfo=timezone.utc), 5.0)],
            device="urn:epc:id:giai:4000001.1",
        )


def test_a_document_naming_another_partys_gln_fails_the_trace(
    flow_as: Flows, product: int, address_of: Callable[[str], str]
) -> None:
    """The attack past the SDK: the distributor anchors a sensor report whose readPoint is the
    pharmacy's site; every reader of the lot's trace refuses it, naming the GLN."""
    maker, wholesaler = flow_as("manufacturer"), flow_as("distributor")
    stock = maker.commission(GTIN, "ATTACK-LOT", EXPIRY, ["ATK1", "ATK2"]).id
    shipment = maker.ship(stock, address_of("distributor")).id
    wholesaler.receive(shipment)
    event = epcis.object_event(
        event_time=datetime(2030, 1, 1, tzinfo=timezone.utc),
        action="OBSERVE",
        biz_step="sensor_reporting",
        disposition=None,
        read_point=gs1.sgln_uri(PHARMACY_SITE, 7),
        lot_class=gs1.lgtin_uri(GTIN, 7, "ATTACK-LOT"),
    )
    doc = epcis.with_event_ids(epcis.document([event], created=datetime.now(timezone.utc)))
    cid = wholesaler.store.add(epcis.encode(doc))
    digest = epcis.hash_digest(doc["epcisBody"]["eventList"][0]["eventID"])
    wholesaler.client.record_sensor_readings(
        shipment, bytes(32), 500, 600, digest, bytes(CID.parse(cid))
    )
    pharmacy = flow_as("pharmacy")
    with pytest.raises(IntegrityError, match=gs1.sgln_uri(PHARMACY_SITE, 7).replace(".", r"\.")):
        pharmacy.reader.export(pharmacy.custody(GTIN, "ATTACK-LOT"))


# ------------------------------------------------------------------------ traces sized to them


@pytest.fixture(scope="module")
def big_lot(flow_as: Flows, product: int, address_of: Callable[[str], str]) -> dict[str, Any]:
    """A lot of 2,000 units sold whole to the distributor, then on to the pharmacy."""
    maker, wholesaler, pharmacy = (flow_as(n) for n in ("manufacturer", "distributor", "pharmacy"))
    serials = [f"BIG{i:05d}" for i in range(2000)]
    stock = maker.commission(GTIN, "BIG-LOT", EXPIRY, serials).id
    first = maker.ship(stock, address_of("distributor")).id
    wholesaler.receive(first)
    second = wholesaler.ship(first, address_of("pharmacy")).id
    pharmacy.receive(second)
    return {"serials": serials, "holding": second}


def test_the_trace_of_one_unit_names_that_unit_only(
    flow_as: Flows, big_lot: dict[str, Any]
) -> None:
    flow = flow_as("pharmacy")
    custody = flow.reader.unit(GTIN, "BIG-LOT", "BIG00007")
    unit = gs1.sgtin_uri(GTIN, 7, "BIG00007")
    trace = flow.reader.export(custody)
    text = json.dumps(trace)

    epcis.validate(trace)
    assert len(text) < 20_000  # a few events, not 2,000 serials
    assert "BIG00008" not in text
    for event in trace["epcisBody"]["eventList"]:
        assert event.get("epcList") == [unit]
        assert event["eventID"] == epcis.event_hash(event)
    steps = [e["bizStep"] for e in trace["epcisBody"]["eventList"]]
    assert steps == ["commissioning", "shipping", "receiving", "shipping", "receiving"]
    anchored = {e.epcis_hash for e in custody.events}
    for event in trace["epcisBody"]["eventList"]:
        assert epcis.hash_digest(event[epcis.ANCHORED_EVENT]) in anchored


def test_a_lot_trace_lists_each_serial_once(flow_as: Flows, big_lot: dict[str, Any]) -> None:
    flow = flow_as("pharmacy")
    trace = flow.reader.export(flow.custody(GTIN, "BIG-LOT"))
    listed = [epc for e in trace["epcisBody"]["eventList"] for epc in e.get("epcList", [])]
    assert len(listed) == len(set(listed)) == 2000
    moves = [e for e in trace["epcisBody"]["eventList"] if e["bizStep"] != "commissioning"]
    assert all(e["quantityList"][0]["quantity"] == 2000 for e in moves)


# ------------------------------------------------------------------------ investigations in traces


def test_suspect_flags_quarantines_clears_and_findings_appear_with_cbv_terms(
    flow_as: Flows, supply: dict[str, Any]
) -> None:
    pharmacy, maker = flow_as("pharmacy"), flow_as("manufacturer")
    holding = supply["to_pharmacy"].id
    assert pharmacy.dispense(holding, SERIALS[1])[0] is True
    refused, _ = pharmacy.dispense(holding, SERIALS[1])  # a clone
    maker.quarantine(GTIN, "clone", serial=SERIALS[1])
    maker.confirm_illegitimate(GTIN, "counterfeit", serial=SERIALS[1])
    maker.quarantine(GTIN, "check", serial=SERIALS[2])
    maker.clear(GTIN, serial=SERIALS[2])

    assert refused is False
    trace = pharmacy.reader.export(pharmacy.reader.unit(GTIN, "GLN-LOT", SERIALS[1]))
    steps = [(e["bizStep"], e["disposition"]) for e in trace["epcisBody"]["eventList"]]
    assert steps[-4:] == [
        ("dispensing", "dispensed"),
        ("inspecting", "non_conformant"),  # the refused dispense, never `dispensed`
        ("holding", "non_sellable_other"),
        ("inspecting", "no_pedigree_match"),
    ]
    cleared = pharmacy.reader.export(pharmacy.reader.unit(GTIN, "GLN-LOT", SERIALS[2]))
    assert [(e["bizStep"], e["disposition"]) for e in cleared["epcisBody"]["eventList"]][-2:] == [
        ("holding", "non_sellable_other"),
        ("inspecting", "sellable_accessible"),
    ]


def test_a_regulators_finding_names_no_place_and_its_account_only_as_the_extension(
    flow_as: Flows, supply: dict[str, Any], address_of: Callable[[str], str]
) -> None:
    """A regulator is no GS1 trading partner and binds no GLN: its events name no place rather
    than a chain account where a GLN belongs, and the trace reads them."""
    regulator, pharmacy = flow_as("regulator"), flow_as("pharmacy")
    regulator.quarantine(GTIN, "field alert", serial=SERIALS[12])
    trace = pharmacy.reader.export(pharmacy.reader.unit(GTIN, "GLN-LOT", SERIALS[12]))
    epcis.validate(trace)
    finding = trace["epcisBody"]["eventList"][-1]
    assert (finding["bizStep"], finding["disposition"]) == ("holding", "non_sellable_other")
    assert "readPoint" not in finding and "bizLocation" not in finding
    assert finding[epcis.ACCOUNT].endswith(address_of("regulator"))
    assert "did:pkh" not in json.dumps({k: v for k, v in finding.items() if k != epcis.ACCOUNT})


# ------------------------------------------------------------------------ barcodes


def test_dispense_by_barcode_finds_the_holding(flow_as: Flows, supply: dict[str, Any]) -> None:
    pharmacy = flow_as("pharmacy")
    unit = gs1.parse_barcode(
        "]d201" + gs1.gtin14(GTIN) + "21" + SERIALS[3] + "\x1d17301231" + "10GLN-LOT"
    )
    holding = pharmacy.holding_of_unit(unit)
    assert holding == supply["to_pharmacy"].id
    assert pharmacy.dispense(holding, SERIALS[3])[0] is True


def test_a_barcode_of_another_lot_is_refused_for_a_shipment(
    flow_as: Flows, supply: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError, match="another lot"):
        flow_as("distributor").serials_of_scans(
            supply["shipped"].id, [barcode(SERIALS[20], lot="OTHER")]
        )


@pytest.mark.parametrize(
    "scan, part",
    [
        ("(01)00614141000419(21)GS0001(17)301231(10)GLN-LOT", "check digit"),  # wrong check digit
        ("https://id.gs1.org/01/00614141000417/10/GLN-LOT/21/GS0001?exp=301231", "check digit"),
        ("(01)00614141000418(21)GS0001(17)301332(10)GLN-LOT", "17"),  # no such date
        (
            "https://id.gs1.org/01/00614141000418/10/GLN-LOT/21/GS0001?17=301231&exp=311231",
            "two expiry",
        ),
    ],
)
def test_a_tampered_barcode_is_refused_naming_the_bad_part(scan: str, part: str) -> None:
    with pytest.raises(InvalidInputError, match=part):
        gs1.parse_barcode(scan)


def test_the_three_barcode_forms_read_the_same_identifier() -> None:
    expected = gs1.ProductIdentifier(GTIN, "GS0001", "GLN-LOT", EXPIRY)
    for scan in (
        "(01)00614141000418(21)GS0001(17)301231(10)GLN-LOT",
        "010061414100041821GS0001\x1d1730123110GLN-LOT",
        "https://id.gs1.org/01/00614141000418/10/GLN-LOT/21/GS0001?exp=301231",
        expected.digital_link(),
    ):
        assert gs1.parse_barcode(scan) == expected
    assert gs1.parse_barcode("(01)00614141000418(21)GS0001").lot is None
    with pytest.raises(InvalidInputError, match=r"lot \(10\), expiry \(17\)"):
        gs1.parse_barcode("(01)00614141000418(21)GS0001").require("serial", "lot", "expiry")


# ------------------------------------------------------------------------ verification, LMS


def test_verification_answers_in_lightweight_messaging_terms(
    flow_as: Flows, supply: dict[str, Any]
) -> None:
    flow = flow_as("distributor")
    valid = flow.verify(GTIN, SERIALS[30], "GLN-LOT", EXPIRY)
    assert valid.status is VerificationStatus.VALID
    assert valid.lms()["data"] == {"verified": True}
    assert valid.lms()["responderGLN"] == gs1.pgln_uri(GLNS["distributor"], 7)
    wrong_lot = flow.verify(GTIN, SERIALS[30], "LOT-X", EXPIRY).lms()["data"]
    assert wrong_lot == {"verified": False, "verificationFailureReason": "No_match_GTIN_Serial_Lot"}
    wrong_expiry = flow.verify(GTIN, SERIALS[30], "GLN-LOT", date(2030, 12, 30)).lms()["data"]
    assert wrong_expiry["verificationFailureReason"] == "No_match_GTIN_Serial_Expiry"
    both = flow.verify(GTIN, SERIALS[30], "LOT-X", date(2030, 12, 30)).lms()["data"]
    assert both["verificationFailureReason"] == "No_match_GTIN_Serial_Lot_Expiry"
    unknown = flow.verify(GTIN, "NEVER", "GLN-LOT", EXPIRY).lms()["data"]
    assert unknown["verificationFailureReason"] == "No_match_GTIN_Serial"


def test_dispensed_is_not_for_redistribution_and_expired_is_verified_with_info(
    flow_as: Flows, supply: dict[str, Any]
) -> None:
    flow = flow_as("pharmacy")
    flow.dispense(supply["to_pharmacy"].id, SERIALS[4])
    dispensed = flow.verify(GTIN, SERIALS[4], "GLN-LOT", EXPIRY)
    assert dispensed.lms()["data"] == {
        "verified": False,
        "verificationFailureReason": "Not_for_re-distribution",
    }
    later = datetime(2031, 1, 1, tzinfo=timezone.utc)
    expired = flow.verify(GTIN, SERIALS[31], "GLN-LOT", EXPIRY, at=later)
    assert expired.status is VerificationStatus.EXPIRED
    assert expired.lms()["data"] == {"verified": True, "additionalInfo": "Expired"}
    assert expired.lms()["verificationTimestamp"] == "2031-01-01T00:00:00Z"


def test_verify_at_a_time_answers_as_things_stood(
    flow_as: Flows, product: int, address_of: Callable[[str], str]
) -> None:
    maker = flow_as("manufacturer")
    maker.commission(GTIN, "AT-LOT", EXPIRY, ["AT1", "AT2"])
    before = maker._clock()
    maker.client.w3.provider.make_request("evm_increaseTime", [60])  # type: ignore[arg-type]
    maker.recall(GTIN, "AT-LOT", "sterility")
    now = maker.verify(GTIN, "AT1", "AT-LOT", EXPIRY)
    then = maker.verify(GTIN, "AT1", "AT-LOT", EXPIRY, at=before)
    earlier = maker.verify(
        GTIN, "AT1", "AT-LOT", EXPIRY, at=datetime(2001, 1, 1, tzinfo=timezone.utc)
    )

    assert now.status is VerificationStatus.RECALLED
    assert now.lms()["data"] == {"verified": True, "additionalInfo": "Recalled"}
    assert then.status is VerificationStatus.VALID
    assert earlier.status is VerificationStatus.UNKNOWN  # not commissioned yet
    with pytest.raises(InvalidInputError):
        maker.verify(GTIN, "AT1", "AT-LOT", EXPIRY, at=datetime(2031, 1, 1))  # no zone


class CountingStore:
    """A content store that forgets some CIDs and counts reads."""

    def __init__(self, inner: LocalStore, missing: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.inner, self.missing, self.reads = inner, set(missing), 0

    def cat(self, cid: str) -> bytes:
        self.reads += 1
        if cid in self.missing:
            raise ContentNotFoundError(f"{cid} is not on the store")
        return self.inner.cat(cid)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def reader_flow(flow_as: Flows, store: Any, index: SerialIndex | None = None) -> ProvenanceFlow:
    base = flow_as("distributor")
    return ProvenanceFlow(
        base.client, store, chain_id=base.chain_id, clock=base._clock, index=index
    )


def test_a_missing_document_leaves_the_chains_answer_and_says_what_was_unchecked(
    flow_as: Flows, supply: dict[str, Any], drug_store: LocalStore
) -> None:
    """The attack: a lot document taken off the store must not turn verify into an error."""
    maker = flow_as("manufacturer")
    other = maker.commission(GTIN, "GONE-LOT", EXPIRY, ["GONE1", "GONE2"])
    maker.recall(GTIN, "GONE-LOT", "sterility")
    store = CountingStore(drug_store, {other.cid})

    answer = reader_flow(flow_as, store).verify(GTIN, "GONE1", "GONE-LOT", EXPIRY)
    assert answer.status is VerificationStatus.UNKNOWN
    assert len(answer.unchecked) == 1 and other.cid in answer.unchecked[0]
    assert answer.lms()["data"] == {
        "verified": False,
        "verificationFailureReason": "No_reason_provided",
        "additionalInfo": "Recalled",  # the lot's own state, from the chain
    }
    valid = reader_flow(flow_as, store).verify(GTIN, SERIALS[30], "GLN-LOT", EXPIRY)
    assert valid.status is VerificationStatus.VALID and valid.unchecked == ()


def test_verify_searches_other_lots_through_the_index_once(
    flow_as: Flows, supply: dict[str, Any], drug_store: LocalStore, tmp_path: Path
) -> None:
    index = SerialIndex(tmp_path / "index")
    store = CountingStore(drug_store)
    first = reader_flow(flow_as, store, index).verify(GTIN, "NEVER-1", "GLN-LOT", EXPIRY)
    reads = store.reads
    again = reader_flow(flow_as, store, index).verify(GTIN, "NEVER-2", "GLN-LOT", EXPIRY)

    assert first.status is again.status is VerificationStatus.UNKNOWN
    assert store.reads == reads  # every lot indexed: no document read again
    found = reader_flow(flow_as, store, index).verify(GTIN, SERIALS[30], "OTHER", EXPIRY)
    assert found.status is VerificationStatus.MISMATCH
    assert found.lot_key == ids.lot_key(GTIN, ids.digest("GLN-LOT"))


def test_a_gln_named_after_its_prefix_was_revoked_fails_the_trace(
    flow_as: Flows, product: int, address_of: Callable[[str], str]
) -> None:
    """The attack: the distributor's prefix licence is revoked, and it keeps anchoring events
    at its former site GLN; the trace refuses them (its events before the revocation stand)."""
    maker, wholesaler = flow_as("manufacturer"), flow_as("distributor")
    regulator = flow_as("regulator").client
    stock = maker.commission(GTIN, "REVOKED-LOT", EXPIRY, ["RV1"]).id
    shipment = maker.ship(stock, address_of("distributor")).id
    wholesaler.receive(shipment)
    regulator.revoke_company_prefix(PREFIXES["distributor"])
    try:
        own_site = gs1.sgln_uri(GLNS["distributor"], 7)
        event = epcis.object_event(
            event_time=datetime(2030, 1, 2, tzinfo=timezone.utc),
            action="OBSERVE",
            biz_step="sensor_reporting",
            disposition=None,
            read_point=own_site,
            lot_class=gs1.lgtin_uri(GTIN, 7, "REVOKED-LOT"),
        )
        doc = epcis.with_event_ids(epcis.document([event], created=datetime.now(timezone.utc)))
        cid = wholesaler.store.add(epcis.encode(doc))
        digest = epcis.hash_digest(doc["epcisBody"]["eventList"][0]["eventID"])
        wholesaler.client.record_sensor_readings(
            shipment, bytes(32), 500, 600, digest, bytes(CID.parse(cid))
        )
        reader = flow_as("pharmacy")
        with pytest.raises(IntegrityError, match=own_site.replace(".", r"\.")):
            reader.reader.export(reader.custody(GTIN, "REVOKED-LOT"))
    finally:
        regulator.license_company_prefix(PREFIXES["distributor"], wholesaler.me)
