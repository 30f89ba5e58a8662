"""EPCIS 2.0 events and documents: GS1's event hash, schema and vocabulary validation."""

from __future__ import annotations

import copy

import pytest

from hygeia.core.errors import InvalidInputError
from hygeia.core.times import from_unix
from hygeia.provenance import epcis

PARTY = epcis.party(31337, "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")
EPC = "urn:epc:id:sgtin:0614141.000041.SN0001"


def shipping(**overrides: object) -> dict:
    fields = {
        "event_time": from_unix(1_800_000_000),
        "action": "OBSERVE",
        "biz_step": "shipping",
        "disposition": "in_transit",
        "read_point": PARTY,
        "epcs": [EPC],
        "sources": [(epcis.POSSESSING_PARTY, PARTY)],
        "destinations": [(epcis.POSSESSING_PARTY, epcis.party(31337, "0x" + "ab" * 20))],
        **overrides,
    }
    return epcis.object_event(**fields)  # type: ignore[arg-type]


def test_a_built_document_validates_against_the_gs1_schema() -> None:
    doc = epcis.with_event_ids(epcis.document([shipping()], created=from_unix(1_800_000_000)))
    epcis.validate(doc)
    assert doc["epcisBody"]["eventList"][0]["eventID"].startswith("ni:///sha-256;")


def test_the_event_hash_is_gs1s_canonical_hash_and_ignores_event_id() -> None:
    event = shipping()
    ni = epcis.event_hash(event)
    assert ni.startswith("ni:///sha-256;") and ni.endswith("?ver=CBV2.0")
    assert epcis.event_hash({**event, "eventID": "urn:uuid:1"}) == ni
    # The pre-hash orders list members, so their order does not matter.
    two = shipping(epcs=[EPC, EPC.replace("SN0001", "SN0002")])
    swapped = shipping(epcs=[EPC.replace("SN0001", "SN0002"), EPC])
    assert epcis.event_hash(two) == epcis.event_hash(swapped)
    assert (
        epcis.event_hash(shipping(disposition="in_transit", event_time=from_unix(1_800_000_001)))
        != ni
    )


def test_hashing_leaves_the_event_unchanged() -> None:
    event = shipping(
        sensors=[
            epcis.sensor_element(
                "urn:epc:id:giai:4000001.1", [epcis.Reading(from_unix(1), 5)], 2, 8
            )
        ]
    )
    before = copy.deepcopy(event)
    epcis.event_hash(event)
    assert event == before


def test_hash_digest_round_trips_and_refuses_other_uris() -> None:
    digest = bytes(range(32))
    assert epcis.hash_digest(epcis.ni_uri(digest)) == digest
    with pytest.raises(InvalidInputError):
        epcis.hash_digest("ni:///sha-384;" + "00" * 48 + "?ver=CBV2.0")


def test_validation_rejects_a_document_the_schema_rejects() -> None:
    doc = epcis.document([shipping()], created=from_unix(1_800_000_000))
    doc["epcisBody"]["eventList"][0]["action"] = "MOVE"
    with pytest.raises(InvalidInputError, match="not a valid EPCIS 2.0 document"):
        epcis.validate(doc)
    del doc["schemaVersion"]
    with pytest.raises(InvalidInputError, match="schemaVersion"):
        epcis.validate(doc)


@pytest.mark.parametrize(("field", "value"), [("biz_step", "recalling"), ("disposition", "lost")])
def test_events_speak_only_the_cbv_vocabulary(field: str, value: str) -> None:
    with pytest.raises(InvalidInputError, match="not a CBV"):
        shipping(**{field: value})


def test_readings_outside_the_range_carry_an_alarm() -> None:
    element = epcis.sensor_element(
        "urn:epc:id:giai:4000001.1",
        [epcis.Reading(from_unix(20), 9.5), epcis.Reading(from_unix(10), 4.0)],
        2.0,
        8.0,
    )
    reports = element["sensorReport"]
    assert [r["value"] for r in reports] == [4.0, 9.5]  # in time order
    assert "exception" not in reports[0]
    assert reports[1]["exception"] == "ALARM_CONDITION"
    assert reports[1]["uom"] == "CEL" and reports[1]["type"] == "Temperature"
