"""EPCIS 2.0 events and documents: GS1's event hash, schema and vocabulary validation."""

from __future__ import annotations

import copy

import pytest
from epcis_event_hash_generator import hash_generator, json_to_py
from hypothesis import given, settings
from hypothesis import strategies as st

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


def gs1_generator_hash(event: dict) -> str:
    """The event's hash by GS1's generator alone, over the whole event."""
    doc = epcis.document([copy.deepcopy(event)], created=from_unix(0))
    parsed = json_to_py.event_list_from_epcis_document_json(doc)
    return str(hash_generator.epcis_hashes_from_events(parsed)[0])


ALNUM = st.text("abcXYZ019", min_size=1, max_size=20)


@settings(max_examples=15, deadline=None)
@given(
    prefix_length=st.integers(min_value=6, max_value=12),
    indicator=st.integers(min_value=0, max_value=9),
    serials=st.lists(ALNUM, min_size=65, max_size=90),
    odd=st.sampled_from(["", "A%2F1", "urn:epc:id:sscc:0614141.1234567890", "x.y"]),
    commissioning=st.booleans(),
)
def test_an_event_of_many_epcs_hashes_as_gs1s_generator_hashes_it_whole(
    prefix_length: int, indicator: int, serials: list[str], odd: str, commissioning: bool
) -> None:
    # Plain serials take the spliced path; an escaped serial, an SSCC or a malformed EPC
    # among them sends the event through the generator whole: both must agree with it.
    prefix = "0614141000"[:prefix_length].ljust(prefix_length, "7")
    item = str(indicator) + "5" * (12 - prefix_length)
    epcs = [f"urn:epc:id:sgtin:{prefix}.{item}.{s}" for s in serials]
    if odd.startswith("urn:"):
        epcs.append(odd)
    elif odd:
        epcs.append(f"urn:epc:id:sgtin:{prefix}.{item}.{odd}")
    if commissioning:
        event = shipping(
            action="ADD",
            biz_step="commissioning",
            disposition="active",
            epcs=epcs,
            sources=[],
            destinations=[],
            ilmd={"cbvmda:lotNumber": "L1", "cbvmda:itemExpirationDate": "2030-12-31"},
        )
    else:
        event = shipping(epcs=epcs)
    assert epcis.event_hash(event) == gs1_generator_hash(event)


def test_a_lot_of_5000_units_hashes_as_gs1s_generator_hashes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    epcs = [f"urn:epc:id:sgtin:0614141.012345.S{i:06d}" for i in range(5000)]
    event = shipping(action="ADD", biz_step="commissioning", disposition="active", epcs=epcs)
    given_to_generator: list[int] = []
    pre_hash = epcis._pre_hash

    def counting(event: dict) -> str:
        given_to_generator.append(len(event["epcList"]))
        return pre_hash(event)

    monkeypatch.setattr(epcis, "_pre_hash", counting)
    assert epcis.event_hash(event) == gs1_generator_hash(event)
    assert given_to_generator == [1]  # the generator saw the first EPC alone
    assert epcis.event_hash({**event, "epcList": epcs[::-1]}) == epcis.event_hash(event)


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
