"""Cases and pallets: a shipper packs what it ships into an SSCC, and the document it anchors
holds the packing AggregationEvent before the shipping event; the trace of one unit names its
case without the lot's other serials; a bad SSCC is refused by name; a packing that does not
match what was shipped fails every trace."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from hygeia.cli.main import main
from hygeia.core.errors import IntegrityError, SsccError
from hygeia.core.store import LocalStore
from hygeia.core.store.cid import CID
from hygeia.provenance import epcis, gs1
from hygeia.provenance.workflow import Anchored, ProvenanceFlow
from tests.provenance.chain import GLNS

Flows = Callable[[str], ProvenanceFlow]
GTIN = 614141000418
EXPIRY = date(2030, 12, 31)
SERIALS = [f"AG{i:04d}" for i in range(300)]


def sscc(prefix: str, reference: int, extension: int = 1) -> str:
    """An SSCC under company `prefix` with its check digit: extension, prefix, reference."""
    body = f"{extension}{prefix}{reference:0{16 - len(prefix)}d}"
    return body + str(gs1.check_digit(body))


MAKER_PALLET = sscc("0614141", 1)
WHOLESALER_CASE = sscc("0614150", 7)


def stored(flow: ProvenanceFlow, anchored: Anchored) -> dict[str, Any]:
    doc = epcis.decode(flow.store.cat(anchored.cid))
    epcis.validate(doc)  # GS1's EPCIS 2.0 JSON schema
    return doc


@pytest.fixture(scope="module")
def packed(flow_as: Flows, address_of: Callable[[str], str]) -> dict[str, Anchored]:
    """A 300-unit lot sold whole on a pallet to the distributor, who sends 3 units of it in a
    case to the pharmacy; both received."""
    maker, wholesaler, pharmacy = (flow_as(n) for n in ("manufacturer", "distributor", "pharmacy"))
    maker.register_product(GTIN, 7, "Amoxicillin", 2.0, 25.0)
    stock = maker.commission(GTIN, "AGG-LOT", EXPIRY, SERIALS).id
    pallet = maker.ship(stock, address_of("distributor"), sscc=MAKER_PALLET)
    wholesaler.receive(pallet.id)
    case = wholesaler.ship(pallet.id, address_of("pharmacy"), SERIALS[5:8], sscc=WHOLESALER_CASE)
    pharmacy.receive(case.id)
    return {"pallet": pallet, "case": case}


def test_a_whole_holding_on_a_pallet_is_packed_by_quantity_then_shipped_by_its_sscc(
    flow_as: Flows, packed: dict[str, Anchored]
) -> None:
    doc = stored(flow_as("manufacturer"), packed["pallet"])
    packing, shipping = doc["epcisBody"]["eventList"]
    pallet = gs1.sscc_uri(MAKER_PALLET, 7)
    lot = {"epcClass": gs1.lgtin_uri(GTIN, 7, "AGG-LOT"), "quantity": 300}
    assert packing["type"] == "AggregationEvent"
    assert (packing["action"], packing["bizStep"]) == ("ADD", "packing")
    assert packing["parentID"] == pallet == "urn:epc:id:sscc:0614141.1000000001"
    assert packing["childQuantityList"] == [lot] and "childEPCs" not in packing
    assert packing["readPoint"]["id"] == gs1.sgln_uri(GLNS["manufacturer"], 7)
    assert shipping["bizStep"] == "shipping"
    assert shipping["epcList"] == [pallet] and shipping["quantityList"] == [lot]
    # The shipping event is the one anchored on-chain; the CID commits to the packing.
    assert shipping["eventID"] == packed["pallet"].epcis_hash
    assert packing["eventID"] == epcis.event_hash(packing)


def test_units_shipped_in_a_case_are_its_children_by_serial(
    flow_as: Flows, packed: dict[str, Anchored]
) -> None:
    packing, shipping = stored(flow_as("distributor"), packed["case"])["epcisBody"]["eventList"]
    units = [gs1.sgtin_uri(GTIN, 7, s) for s in SERIALS[5:8]]
    case = gs1.sscc_uri(WHOLESALER_CASE, 7)
    assert packing["parentID"] == case and case.startswith("urn:epc:id:sscc:0614150.")
    assert packing["childEPCs"] == units
    assert shipping["epcList"] == [case]  # its units are the case's: listed once


def test_the_trace_of_one_unit_names_its_cases_and_no_other_serial(
    flow_as: Flows, packed: dict[str, Anchored]
) -> None:
    flow = flow_as("pharmacy")
    trace = flow.reader.export(flow.reader.unit(GTIN, "AGG-LOT", SERIALS[6]))
    epcis.validate(trace)
    events = trace["epcisBody"]["eventList"]
    unit = gs1.sgtin_uri(GTIN, 7, SERIALS[6])
    pallet, case = gs1.sscc_uri(MAKER_PALLET, 7), gs1.sscc_uri(WHOLESALER_CASE, 7)

    steps = [(e["type"], e["bizStep"]) for e in events]
    assert steps == [
        ("ObjectEvent", "commissioning"),
        ("AggregationEvent", "packing"),
        ("ObjectEvent", "shipping"),
        ("ObjectEvent", "receiving"),
        ("AggregationEvent", "packing"),
        ("ObjectEvent", "shipping"),
        ("ObjectEvent", "receiving"),
    ]
    packings = [e for e in events if e["type"] == "AggregationEvent"]
    assert [(p["parentID"], p["childEPCs"]) for p in packings] == [
        (pallet, [unit]),
        (case, [unit]),
    ]
    shippings = [e["epcList"] for e in events if e["bizStep"] == "shipping"]
    assert shippings == [[pallet, unit], [case, unit]]
    text = json.dumps(trace)
    assert not [s for s in SERIALS if s != SERIALS[6] and s in text]
    for event in events:
        assert event["eventID"] == epcis.event_hash(event)


def test_a_lot_trace_holds_each_packing_and_validates(
    flow_as: Flows, packed: dict[str, Anchored]
) -> None:
    flow = flow_as("pharmacy")
    trace = flow.reader.export(flow.custody(GTIN, "AGG-LOT"))
    epcis.validate(trace)
    events = trace["epcisBody"]["eventList"]
    parents = [e["parentID"] for e in events if "parentID" in e]
    assert parents == [gs1.sscc_uri(MAKER_PALLET, 7), gs1.sscc_uri(WHOLESALER_CASE, 7)]
    listed = [u for e in events for u in e.get("epcList", []) + e.get("childEPCs", [])]
    # Each serial once, at commissioning; the three the case packs once more, as its children
    # (not again in the shipping event, which names the case).
    counts = Counter(u for u in listed if u.startswith("urn:epc:id:sgtin:"))
    in_case = {gs1.sgtin_uri(GTIN, 7, s) for s in SERIALS[5:8]}
    assert len(counts) == len(SERIALS)
    assert {u for u, n in counts.items() if n > 1} == in_case
    assert max(counts.values()) == 2


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (MAKER_PALLET[:-1] + str((int(MAKER_PALLET[-1]) + 1) % 10), "check digit"),
        (MAKER_PALLET[:-1], "18 digits"),
        ("urn:epc:id:sscc:0614141.10000000", "EPC URI"),
        (WHOLESALER_CASE, "company prefix 0614141"),  # another company's SSCC
    ],
)
def test_a_bad_sscc_is_refused_by_name_before_anything_is_stored_or_sent(
    flow_as: Flows,
    packed: dict[str, Anchored],
    provenance_w3: Web3,
    drug_store: LocalStore,
    address_of: Callable[[str], str],
    given: str,
    reason: str,
) -> None:
    maker = flow_as("manufacturer")
    name = reason.replace(" ", "")[:10]
    stock = maker.commission(GTIN, f"BAD-{name}", EXPIRY, [f"B-{name}"]).id
    nonce, pins = provenance_w3.eth.get_transaction_count(maker.me), set(drug_store.pins())
    with pytest.raises(SsccError, match=reason) as refused:
        maker.ship(stock, address_of("distributor"), sscc=given)
    assert refused.value.sscc == given
    assert provenance_w3.eth.get_transaction_count(maker.me) == nonce
    assert set(drug_store.pins()) == pins


def test_the_cli_ships_in_a_case_and_names_a_bad_sscc_in_json(
    provenance_node: str,
    provenance_book: Path,
    drug_store: LocalStore,
    flow_as: Flows,
    packed: dict[str, Anchored],
    address_of: Callable[[str], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    maker = flow_as("manufacturer")
    stock = maker.commission(GTIN, "CLI-AGG", EXPIRY, ["C1", "C2"]).id
    args = [
        "provenance", "ship", "0x" + stock.hex(), "--to", "distributor",
        "--rpc", provenance_node, "--deployments", str(provenance_book),
        "--store", f"local:{drug_store.root}", "--account", "manufacturer", "--json",
    ]  # fmt: skip
    bad = MAKER_PALLET[:-1] + str((int(MAKER_PALLET[-1]) + 1) % 10)
    assert main([*args, "--sscc", f"(00){bad}"]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "SsccError"
    assert error["args"]["sscc"] == f"(00){bad}" and "check digit" in error["args"]["reason"]

    good = sscc("0614141", 2)
    assert main([*args, "--sscc", f"(00){good}"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sscc"] == good
    doc = epcis.decode(drug_store.cat(out["cid"]))
    epcis.validate(doc)
    assert doc["epcisBody"]["eventList"][0]["parentID"] == gs1.sscc_uri(good, 7)


def forged_shipment(
    maker: ProvenanceFlow,
    stock: bytes,
    to: str,
    lot: str,
    children: list[str],
    events: int,
    *,
    by_quantity: bool = True,
) -> None:
    """Around the SDK: a whole-holding shipment whose document packs `children` into a pallet
    (`by_quantity`: while the shipping event says the lot's quantity; else it names the pallet
    only), anchored by the shipping event's hash."""
    place = gs1.sgln_uri(GLNS["manufacturer"], 7)
    me = gs1.pgln_uri(GLNS["manufacturer"], 7)
    pallet = gs1.sscc_uri(sscc("0614141", 99), 7)
    moment = datetime(2030, 1, 2, tzinfo=timezone.utc)
    lot_class = gs1.lgtin_uri(GTIN, 7, lot)
    packing = epcis.packing_event(event_time=moment, parent=pallet, read_point=place, epcs=children)
    shipping = epcis.object_event(
        event_time=moment,
        action="OBSERVE",
        biz_step="shipping",
        disposition="in_transit",
        read_point=place,
        epcs=[pallet],
        lot_class=lot_class if by_quantity else None,
        quantity=2 if by_quantity else None,
        sources=[(epcis.OWNING_PARTY, me)],
        destinations=[(epcis.OWNING_PARTY, gs1.pgln_uri(GLNS["distributor"], 7))],
    )
    body = [packing, shipping] if events == 2 else [packing, packing, shipping]
    doc = epcis.with_event_ids(epcis.document(body, created=moment))
    epcis.validate(doc)
    cid = maker.store.add(epcis.encode(doc))
    digest = epcis.hash_digest(doc["epcisBody"]["eventList"][-1]["eventID"])
    maker.client.ship(stock, [], [], to, True, digest, bytes(CID.parse(cid)))


@pytest.mark.parametrize("events", [2, 3])
def test_a_packing_that_claims_other_units_than_the_shipment_fails_every_trace(
    flow_as: Flows, packed: dict[str, Anchored], address_of: Callable[[str], str], events: int
) -> None:
    """The attack: a shipper anchors a shipment whose document says the pallet holds units of
    another lot (or packs twice); the chain cannot tell, every reader refuses the document."""
    maker, reader = flow_as("manufacturer"), flow_as("pharmacy")
    lot = f"FORGED-{events}"
    stock = maker.commission(GTIN, lot, EXPIRY, [f"F{events}1", f"F{events}2"]).id
    others = [gs1.sgtin_uri(GTIN, 7, s) for s in SERIALS[:2]]
    forged_shipment(maker, stock, address_of("distributor"), lot, others, events)
    with pytest.raises(IntegrityError, match="packing"):
        reader.reader.export(reader.custody(GTIN, lot))


def test_a_case_said_to_hold_another_products_units_of_the_same_serials_fails_the_trace(
    flow_as: Flows, packed: dict[str, Anchored], address_of: Callable[[str], str]
) -> None:
    """The attack: the pallet's children are SGTINs of another GTIN with the lot's very serial
    numbers, so the shipment's root still rebuilds from the serials alone; the reader checks
    every unit is this product's."""
    maker, reader = flow_as("manufacturer"), flow_as("pharmacy")
    stock = maker.commission(GTIN, "FORGED-GTIN", EXPIRY, ["FG1", "FG2"]).id
    body = "0061414100042"
    other_gtin = int(body + str(gs1.check_digit(body)))
    others = [gs1.sgtin_uri(other_gtin, 7, s) for s in ("FG1", "FG2")]
    forged_shipment(
        maker, stock, address_of("distributor"), "FORGED-GTIN", others, 2, by_quantity=False
    )
    with pytest.raises(IntegrityError, match="another product"):
        reader.reader.export(reader.custody(GTIN, "FORGED-GTIN"))
