"""One unit's custody read at the cost of that unit (TraceReader.unit_by_key), against the
custody of its whole lot: the same holdings, the same events, the same trace, with and without
a serial index; and a document that disagrees with the chain about the unit is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from hygeia.core.errors import IntegrityError, InvalidInputError
from hygeia.core.store.cid import CID
from hygeia.provenance import epcis, gs1, ids
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.merkle import words
from hygeia.provenance.trace import ALERT_EVENTS, ChainEvent, LotCustody
from hygeia.provenance.workflow import ProvenanceFlow
from tests.provenance.chain import GLNS, PREFIXES

Flows = Callable[[str], ProvenanceFlow]
GTIN = 614141000418
EXPIRY = date(2030, 12, 31)
LOT = "UNIT-LOT"
SERIALS = [f"U{i:04d}" for i in range(600)]  # three 256-position words
TRACED = [0, 5, 19, 20, 299, 300, 305, 309, 310, 599]


@pytest.fixture(scope="module")
def story(flow_as: Flows, address_of: Callable[[str], str]) -> dict[str, bytes]:
    """A lot whose units part ways: 300 sold to the distributor and 20 of them on to the
    pharmacy, which dispenses one and logs an excursion; 10 shipped to the pharmacy, voided and
    shipped again; the rest sold whole to the distributor."""
    maker, wholesaler, pharmacy = (flow_as(n) for n in ("manufacturer", "distributor", "pharmacy"))
    maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
    stock = maker.commission(GTIN, LOT, EXPIRY, SERIALS).id
    first = maker.ship(stock, address_of("distributor"), SERIALS[:300]).id
    wholesaler.receive(first)
    voided = maker.ship(stock, address_of("pharmacy"), SERIALS[300:310]).id
    maker.void(voided, "the truck did not leave")
    again = maker.ship(voided, address_of("pharmacy")).id
    pharmacy.receive(again)
    rest = maker.ship(stock, address_of("distributor")).id
    wholesaler.receive(rest)
    case = wholesaler.ship(first, address_of("pharmacy"), SERIALS[:20]).id
    pharmacy.receive(case)
    assert pharmacy.dispense(case, SERIALS[5])[0] is True
    pharmacy.record_sensor_readings(
        case,
        [epcis.Reading(datetime(2030, 1, 1, tzinfo=timezone.utc), 30.0)],
        device="urn:epc:id:giai:4000001.1",
    )
    pharmacy.quarantine(GTIN, "damaged seal", serial=SERIALS[19])
    return {"stock": stock, "first": first, "voided": voided, "case": case, "rest": rest}


def events_of_unit(lot: LotCustody, serial: str) -> list[ChainEvent]:
    """The model: the lot's events that concern `serial`, from the lot's whole custody."""
    unit = ids.unit_id(GTIN, ids.digest(serial))
    path = {h for h, view in lot.holdings.items() if serial in view.history}
    chosen = []
    for event in lot.events:
        args = event.args
        if event.name in ("UnitDispensed", "UnitDestroyed", "SuspectUnitFlagged"):
            keep = bytes(args["unitId"]) == unit
        elif "target" in args:
            keep = bytes(args["target"]) in (unit, lot.lot_key)
        elif event.name.startswith("Shipment"):
            keep = bytes(args["shipment"]) in path
        elif event.name in ("SensorReadingsAnchored", "ExcursionCleared"):
            keep = bytes(args["holding"]) in path
        else:
            keep = True
        if keep:
            chosen.append(event)
    return chosen


@pytest.mark.parametrize("indexed", [True, False], ids=["serial index", "no index"])
def test_a_units_custody_is_what_its_lots_custody_says_of_it(
    flow_as: Flows, story: dict[str, bytes], tmp_path: Path, indexed: bool
) -> None:
    lot = flow_as("pharmacy").custody(GTIN, LOT)
    index = SerialIndex(tmp_path / "index") if indexed else None
    for k in TRACED:
        serial = SERIALS[k]
        reader = ProvenanceFlow(
            flow_as("pharmacy").client, flow_as("pharmacy").store, chain_id=1, index=index
        ).reader
        unit = reader.unit(GTIN, LOT, serial)
        assert unit.position == k
        assert unit.events == events_of_unit(lot, serial)
        passed = {h: v for h, v in lot.holdings.items() if serial in v.history}
        assert unit.holdings.keys() == passed.keys()
        for holding, view in unit.holdings.items():
            theirs = passed[holding]
            assert (view.custodian, view.owner, view.state, view.receiver, view.excursion) == (
                theirs.custodian,
                theirs.owner,
                theirs.state,
                theirs.receiver,
                theirs.excursion,
            )
            assert view.serials == ({serial} if serial in theirs.serials else set())
        now = lot.holding_of_serial(serial)
        assert (unit.holding and unit.holding.id) == (now and now.id)
        assert unit.chain_of_custody() == {
            p
            for v in passed.values()
            for p in (v.custodian, v.owner, v.receiver)
            if p is not None and (p != v.receiver or v.state.name == "IN_TRANSIT")
        }
        assert unit.alerts() == [e for e in unit.events if e.name in ALERT_EVENTS]


def test_the_paths_the_story_gives_its_units(
    flow_as: Flows, story: dict[str, bytes], tmp_path: Path
) -> None:
    reader = ProvenanceFlow(
        flow_as("pharmacy").client,
        flow_as("pharmacy").store,
        chain_id=1,
        index=SerialIndex(tmp_path / "index"),
    ).reader

    def path(k: int) -> list[bytes]:
        return list(reader.unit(GTIN, LOT, SERIALS[k]).holdings)

    s = story
    assert path(0)[:3] == [s["stock"], s["first"], s["case"]]
    assert path(20) == [s["stock"], s["first"]]
    assert path(305)[:2] == [s["stock"], s["voided"]] and len(path(305)) == 3
    assert path(599) == [s["stock"], s["rest"]]
    assert reader.unit(GTIN, LOT, SERIALS[5]).holding is None  # dispensed
    names = [e.name for e in reader.unit(GTIN, LOT, SERIALS[19]).events]
    assert names[-2:] == ["SensorReadingsAnchored", "ProductQuarantined"]


def test_a_units_trace_is_the_same_with_or_without_an_index(
    flow_as: Flows, story: dict[str, bytes], tmp_path: Path
) -> None:
    pharmacy = flow_as("pharmacy")

    def trace(index: SerialIndex | None) -> dict[str, Any]:
        flow = ProvenanceFlow(pharmacy.client, pharmacy.store, chain_id=1, index=index)
        return flow.reader.export(flow.reader.unit(GTIN, LOT, SERIALS[0]))

    index = SerialIndex(tmp_path / "index")
    cold, warm, plain = trace(index), trace(index), trace(None)
    assert cold["epcisBody"] == warm["epcisBody"] == plain["epcisBody"]
    epcis.validate(warm)
    unit = gs1.sgtin_uri(GTIN, 7, SERIALS[0])
    named = {epc for e in events_of(warm) for epc in e.get("epcList", []) if "sgtin" in epc}
    assert named == {unit}
    steps = [e["bizStep"] for e in events_of(warm)]
    assert steps == [
        "commissioning",
        "shipping",
        "receiving",
        "shipping",
        "receiving",
        "sensor_reporting",
    ]


def events_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc["epcisBody"]["eventList"])


def test_a_serial_the_lot_does_not_have_is_refused_by_name(
    flow_as: Flows, story: dict[str, bytes], tmp_path: Path
) -> None:
    pharmacy = flow_as("pharmacy")
    for index in (SerialIndex(tmp_path / "index"), None):
        reader = ProvenanceFlow(pharmacy.client, pharmacy.store, chain_id=1, index=index).reader
        with pytest.raises(InvalidInputError, match="'NOT-IN-LOT' is not in lot 'UNIT-LOT'"):
            reader.unit(GTIN, LOT, "NOT-IN-LOT")
        with pytest.raises(InvalidInputError, match="no lot"):
            reader.unit(GTIN, "NEVER-COMMISSIONED", SERIALS[0])


def raw_shipment(
    maker: ProvenanceFlow, lot: str, to: str, listed: list[str], taken: list[str]
) -> None:
    """What a manufacturer shipping around the SDK sends: a document listing `listed` (none
    listed: the lot's quantity, a whole holding) while the chain is told to take `taken` of its
    stock."""
    maker_gln, to_gln = GLNS["manufacturer"], GLNS["pharmacy"]
    event = epcis.object_event(
        event_time=datetime(2030, 1, 2, tzinfo=timezone.utc),
        action="OBSERVE",
        biz_step="shipping",
        disposition="in_transit",
        read_point=gs1.sgln_uri(maker_gln, 7),
        epcs=[gs1.sgtin_uri(GTIN, 7, s) for s in listed],
        lot_class=None if listed else gs1.lgtin_uri(GTIN, 7, lot),
        quantity=None if listed else len(taken),
        sources=[(epcis.OWNING_PARTY, gs1.pgln_uri(maker_gln, 7))],
        destinations=[(epcis.OWNING_PARTY, gs1.pgln_uri(to_gln, len(PREFIXES["pharmacy"])))],
    )
    doc = epcis.with_event_ids(epcis.document([event], created=datetime.now(timezone.utc)))
    cid = bytes(CID.parse(maker.store.add(epcis.encode(doc))))
    digest = epcis.hash_digest(doc["epcisBody"]["eventList"][0]["eventID"])
    custody = maker.custody(GTIN, lot)
    stock = next(iter(custody.holdings))
    taken_words = words(custody.position_of(s) for s in taken)
    maker.client.ship(stock, custody.words(stock), taken_words, to, True, digest, cid)


@pytest.mark.parametrize("indexed", [True, False], ids=["serial index", "no index"])
def test_a_shipment_listing_units_it_does_not_take_fails_the_trace_of_every_unit_it_left(
    flow_as: Flows,
    story: dict[str, bytes],
    address_of: Callable[[str], str],
    tmp_path: Path,
    indexed: bool,
) -> None:
    """The attack: the chain takes R1 while the document says R0 left. Neither unit's trace
    may follow the document."""
    maker = flow_as("manufacturer")
    lot = f"RAW-LISTED-{indexed}"
    maker.commission(GTIN, lot, EXPIRY, [f"R{indexed}{k}" for k in range(4)])
    raw_shipment(maker, lot, address_of("pharmacy"), [f"R{indexed}0"], [f"R{indexed}1"])
    index = SerialIndex(tmp_path / "index") if indexed else None
    reader = ProvenanceFlow(maker.client, maker.store, chain_id=1, index=index).reader
    for serial in (f"R{indexed}0", f"R{indexed}1", f"R{indexed}2"):
        with pytest.raises(IntegrityError, match="do not match its commitment on-chain"):
            reader.unit(GTIN, lot, serial)
    with pytest.raises(IntegrityError):
        maker.custody(GTIN, lot)


def test_a_shipment_listing_no_units_while_the_chain_takes_a_part_fails_the_trace(
    flow_as: Flows, story: dict[str, bytes], address_of: Callable[[str], str], tmp_path: Path
) -> None:
    """The attack: a document for the whole holding while the chain takes one unit of it. A
    unit left behind must not be traced as shipped."""
    maker = flow_as("manufacturer")
    maker.commission(GTIN, "RAW-WHOLE", EXPIRY, ["W0", "W1", "W2"])
    raw_shipment(maker, "RAW-WHOLE", address_of("pharmacy"), [], ["W1"])
    reader = ProvenanceFlow(
        maker.client, maker.store, chain_id=1, index=SerialIndex(tmp_path / "index")
    ).reader
    with pytest.raises(IntegrityError, match="lists no units, yet its sender kept some"):
        reader.unit(GTIN, "RAW-WHOLE", "W0")
    with pytest.raises(IntegrityError):
        maker.custody(GTIN, "RAW-WHOLE")


def test_a_damaged_index_fails_the_trace_by_name(
    flow_as: Flows, story: dict[str, bytes], tmp_path: Path
) -> None:
    pharmacy = flow_as("pharmacy")
    index = SerialIndex(tmp_path / "index")
    flow = ProvenanceFlow(pharmacy.client, pharmacy.store, chain_id=1, index=index)
    flow.reader.unit(GTIN, LOT, SERIALS[0])  # indexes the lot
    (nodes,) = (tmp_path / "index").glob("*.nodes")
    kept = nodes.read_bytes()
    unit = ids.unit_id(GTIN, ids.digest(SERIALS[0]))
    sibling = flow.reader.commissioned(GTIN, ids.lot_key(GTIN, ids.digest(LOT)))[2].proof(
        ids.position_leaf(unit, 0)
    )[0]
    at = kept.index(sibling)
    damaged = {
        "a node of its proof": kept[:at] + bytes(32) + kept[at + 32 :],
        "every node": bytes(b ^ 1 for b in kept),
        "half of it": kept[: len(kept) // 2],
    }
    for what, data in damaged.items():
        nodes.write_bytes(data)
        fresh = ProvenanceFlow(pharmacy.client, pharmacy.store, chain_id=1, index=index)
        with pytest.raises(IntegrityError, match="tree of lot root"):
            fresh.reader.unit(GTIN, LOT, SERIALS[0])
        assert what
