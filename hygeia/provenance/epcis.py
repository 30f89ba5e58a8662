"""GS1 EPCIS 2.0 events and documents in JSON-LD: building them, their event hashes, validation.

Every on-chain change of DrugProvenance anchors one EPCIS event by its event hash
(``ni:///sha-256;<hex>?ver=CBV2.0``, computed with GS1's reference implementation, the
``epcis-event-hash-generator`` package) and the CID of the EPCIS document holding it. Parties
and places are named by their GLNs (PGLN, SGLN URIs, bound on-chain), and only by them; the
anchoring account is in each event as the extension ``hygeia:account``
(``did:pkh:eip155:<chain id>:<address>``). A regulator, no GS1 trading partner, binds no GLN: its
investigation events name no place (readPoint is optional in EPCIS 2.0), only that account.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files
from typing import Any

from epcis_event_hash_generator import hash_generator, json_to_py
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from hygeia.core.errors import InvalidInputError
from hygeia.core.times import from_unix
from hygeia.provenance.gs1 import check_digit, plain_sgtin

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
# The suite's EPCIS extension fields (the chain account that anchored an event, the anchored
# event a narrowed one derives from) are named `hygeia:...` in this namespace.
EXTENSION_PREFIX, EXTENSION_NAMESPACE = "hygeia", "urn:hygeia:epcis:"
ACCOUNT = "hygeia:account"
ANCHORED_EVENT = "hygeia:anchoredEventID"
SCHEMA_VERSION = "2.0"
_NI_PREFIX, _NI_SUFFIX = "ni:///sha-256;", "?ver=CBV2.0"
_DIGEST_HEX = 64
_MESSAGE = 200

# CBV 2.0 vocabulary used by the suite (standards.md).
BIZ_STEPS = frozenset(
    {
        "commissioning",
        "packing",
        "shipping",
        "receiving",
        "dispensing",
        "decommissioning",
        "destroying",
        "holding",
        "inspecting",
        "sensor_reporting",
        "void_shipping",
    }
)
DISPOSITIONS = frozenset(
    {
        "active",
        "in_transit",
        "sellable_accessible",
        "dispensed",
        "recalled",
        "expired",
        "damaged",
        "destroyed",
        "stolen",
        "non_sellable_other",
        "no_pedigree_match",
        "non_conformant",
        "returned",
        "in_progress",
    }
)
# A suspect-product alert (a partner's report, or a dispense refused as a clone or unknown
# serial): the reporter inspected the product and found it not to conform; it changes nothing
# on-chain (the product is neither quarantined nor dispensed).
SUSPECT_BIZ_STEP, SUSPECT_DISPOSITION = "inspecting", "non_conformant"
EVENT_TYPES = frozenset({"ObjectEvent", "AggregationEvent"})
ACTIONS = frozenset({"ADD", "OBSERVE", "DELETE"})
OWNING_PARTY, POSSESSING_PARTY = "owning_party", "possessing_party"
# CBV business transaction type of a DSCSA transaction information/statement document.
PEDIGREE = "pedigree"
# CBV business transaction types a shipper names: purchase order, despatch advice, invoice.
PURCHASE_ORDER, DESPATCH_ADVICE, INVOICE = "po", "desadv", "inv"
BUSINESS_TRANSACTIONS = frozenset({PURCHASE_ORDER, DESPATCH_ADVICE, INVOICE})


def party(chain_id: int, address: str) -> str:
    """The URI naming a chain account in EPCIS source, destination and read point fields."""
    return f"did:pkh:eip155:{chain_id}:{address}"


def timestamp(moment: datetime) -> str:
    """An EPCIS time: UTC, milliseconds, 'Z'."""
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


@dataclass(frozen=True)
class Reading:
    """One temperature reading of a data logger."""

    time: datetime
    celsius: float


def sensor_element(
    device: str, readings: Sequence[Reading], low: float, high: float
) -> dict[str, Any]:
    """A sensorElementList entry of Temperature reports in CEL; readings outside [low, high]
    carry the ALARM_CONDITION exception."""
    if not readings:
        raise InvalidInputError("a sensor batch needs at least one reading")
    ordered = sorted(readings, key=lambda r: r.time)
    reports = []
    for reading in ordered:
        report: dict[str, Any] = {
            "type": "Temperature",
            "value": reading.celsius,
            "uom": "CEL",
            "time": timestamp(reading.time),
        }
        if not low <= reading.celsius <= high:
            report["exception"] = "ALARM_CONDITION"
        reports.append(report)
    return {
        "sensorMetadata": {
            "deviceID": device,
            "startTime": timestamp(ordered[0].time),
            "endTime": timestamp(ordered[-1].time),
        },
        "sensorReport": reports,
    }


def object_event(
    *,
    event_time: datetime,
    action: str,
    biz_step: str | None,
    disposition: str | None,
    read_point: str | None,
    biz_location: str | None = None,
    epcs: Sequence[str] = (),
    lot_class: str | None = None,
    quantity: int | None = None,
    sources: Sequence[tuple[str, str]] = (),
    destinations: Sequence[tuple[str, str]] = (),
    transactions: Sequence[tuple[str, str]] = (),
    sensors: Sequence[dict[str, Any]] = (),
    ilmd: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An EPCIS ObjectEvent about units (`epcs`) and/or a lot (`lot_class`, an LGTIN URI)."""
    if action not in ACTIONS:
        raise InvalidInputError(f"unknown EPCIS action {action!r}")
    if not epcs and lot_class is None:
        raise InvalidInputError("an object event is about units or a lot")
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": timestamp(event_time),
        "eventTimeZoneOffset": "+00:00",
    }
    if epcs:
        event["epcList"] = list(epcs)
    if lot_class is not None:
        element: dict[str, Any] = {"epcClass": lot_class}
        if quantity is not None:
            element["quantity"] = quantity
        event["quantityList"] = [element]
    event["action"] = action
    if biz_step is not None:
        event["bizStep"] = biz_step
    if disposition is not None:
        event["disposition"] = disposition
    if read_point is not None:
        event["readPoint"] = {"id": read_point}
    if biz_location is not None:
        event["bizLocation"] = {"id": biz_location}
    if transactions:
        event["bizTransactionList"] = [{"type": t, "bizTransaction": v} for t, v in transactions]
    if sources:
        event["sourceList"] = [{"type": t, "source": v} for t, v in sources]
    if destinations:
        event["destinationList"] = [{"type": t, "destination": v} for t, v in destinations]
    if sensors:
        event["sensorElementList"] = list(sensors)
    if ilmd:
        event["ilmd"] = dict(ilmd)
    for key, value in (extensions or {}).items():
        if not key.startswith(EXTENSION_PREFIX + ":"):
            raise InvalidInputError(
                f"an extension field is named {EXTENSION_PREFIX}:..., not {key!r}"
            )
        event[key] = value
    check_vocabulary(event)
    return event


def packing_event(
    *,
    event_time: datetime,
    parent: str,
    read_point: str,
    epcs: Sequence[str] = (),
    lot_class: str | None = None,
    quantity: int | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An EPCIS AggregationEvent packing units (`epcs`, SGTINs) or a lot's quantity
    (`lot_class`, `quantity`) into the case or pallet `parent` (an SSCC URI) at `read_point`."""
    if not epcs and (lot_class is None or quantity is None):
        raise InvalidInputError("a packing event packs units or a lot's quantity")
    event: dict[str, Any] = {
        "type": "AggregationEvent",
        "eventTime": timestamp(event_time),
        "eventTimeZoneOffset": "+00:00",
        "parentID": parent,
    }
    if epcs:
        event["childEPCs"] = list(epcs)
    if lot_class is not None and quantity is not None:
        event["childQuantityList"] = [{"epcClass": lot_class, "quantity": quantity}]
    event.update(
        {
            "action": "ADD",
            "bizStep": "packing",
            "disposition": "in_progress",
            "readPoint": {"id": read_point},
            "bizLocation": {"id": read_point},
        }
    )
    for key, value in (extensions or {}).items():
        if not key.startswith(EXTENSION_PREFIX + ":"):
            raise InvalidInputError(
                f"an extension field is named {EXTENSION_PREFIX}:..., not {key!r}"
            )
        event[key] = value
    check_vocabulary(event)
    return event


def document(
    events: Sequence[dict[str, Any]], *, created: datetime, master_data: Any = None
) -> dict[str, Any]:
    """An EPCISDocument holding `events` (and, for a product, its master data)."""
    doc: dict[str, Any] = {
        "@context": [EPCIS_CONTEXT, {EXTENSION_PREFIX: EXTENSION_NAMESPACE}],
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": timestamp(created),
    }
    if master_data is not None:
        doc["epcisHeader"] = {"epcisMasterData": {"vocabularyList": master_data}}
    doc["epcisBody"] = {"eventList": list(events)}
    return doc


_MDA = "urn:epcglobal:cbv:mda#"


def product_master_data(
    sgtin_pattern: str,
    name: str,
    low: float,
    high: float,
    *,
    strength: str | None = None,
    dosage_form: str | None = None,
    ndc: str | None = None,
) -> list[Any]:
    """CBV master data of a trade item (EPCClass, as DSCSA EPCIS exchanges carry it): its
    name, storage temperature range and, where known, strength, dosage form and NDC."""
    attributes: list[dict[str, Any]] = [
        {"id": f"{_MDA}regulatedProductName", "attribute": name},
        {"id": f"{_MDA}storageStateCode", "attribute": f"{low}..{high} CEL"},
    ]
    if strength:
        attributes.append({"id": f"{_MDA}strengthDescription", "attribute": strength})
    if dosage_form:
        attributes.append({"id": f"{_MDA}dosageFormType", "attribute": dosage_form})
    if ndc:
        attributes += [
            {"id": f"{_MDA}additionalTradeItemIdentification", "attribute": ndc},
            {"id": f"{_MDA}additionalTradeItemIdentificationTypeCode", "attribute": "FDA_NDC_11"},
        ]
    return [
        {
            "type": "urn:epcglobal:epcis:vtype:EPCClass",
            "vocabularyElementList": [{"id": sgtin_pattern, "attributes": attributes}],
        }
    ]


def event_hash(event: dict[str, Any]) -> str:
    """The CBV 2.0 event hash of `event` (GS1's canonical pre-hash string, SHA-256).

    GS1's generator spends some 100 us on each EPC of an event (JSON-LD expansion, a copy,
    the Digital Link rewriting), 10 s for a lot of 100,000 units. An event listing many EPCs,
    all SGTINs with plain alphanumeric serials, is hashed by the generator with its first EPC
    alone, and the pre-hash string's EPC list is then completed with the others' Digital Link
    forms, sorted as the generator sorts them (tests/provenance/test_epcis.py checks both ways
    agree). Anything else goes through the generator whole."""
    listed = event.get("epcList")
    if isinstance(listed, list) and len(listed) > _SPLICED_FROM:
        links = _plain_sgtin_links(listed)
        if links is not None:
            reduced = _pre_hash({**event, "epcList": listed[:1]})
            first = f"epcListepc={links[0]}"
            if reduced.count(first) == 1:
                whole = "epcList" + "".join(sorted(f"epc={link}" for link in links))
                return _ni(reduced.replace(first, whole))
    return _ni(_pre_hash(event))


def _pre_hash(event: dict[str, Any]) -> str:
    """GS1's pre-hash string of `event`, by GS1's generator."""
    # The generator rewrites the document it reads in place: give it a copy.
    parsed = json_to_py.event_list_from_epcis_document_json(
        document([copy.deepcopy(event)], created=from_unix(0))
    )
    pre_hashes = hash_generator.derive_prehashes_from_events(parsed)
    if len(pre_hashes) != 1:
        raise InvalidInputError("the EPCIS event could not be hashed")
    return str(pre_hashes[0])


def _ni(pre_hash: str) -> str:
    return ni_uri(hashlib.sha256(pre_hash.encode("utf-8")).digest())


_SPLICED_FROM = 64  # EPCs: below this the generator's time is small beside the rest
_GTIN_DIGITS = 13  # a GTIN-14 without its check digit


def _plain_sgtin_links(epcs: Sequence[Any]) -> list[str] | None:
    """The GS1 Digital Link URI of each EPC, if every one is an SGTIN URI with a plain
    alphanumeric serial (nothing to escape); None otherwise."""
    links, products = [], {}
    for epc in epcs:
        found = plain_sgtin(epc) if isinstance(epc, str) else None
        if found is None:
            return None
        prefix, item, serial = found
        if (prefix, item) not in products:
            digits = item[:1] + prefix + item[1:]
            if len(digits) != _GTIN_DIGITS:
                return None
            products[prefix, item] = f"https://id.gs1.org/01/{digits}{check_digit(digits)}/21/"
        links.append(products[prefix, item] + serial)
    return links


def hash_digest(ni: str) -> bytes:
    """The 32 bytes an `ni:///sha-256;...?ver=CBV2.0` event hash anchors on-chain."""
    hex_part = ni.removeprefix(_NI_PREFIX).removesuffix(_NI_SUFFIX)
    if not ni.startswith(_NI_PREFIX) or len(hex_part) != _DIGEST_HEX:
        raise InvalidInputError(f"not a CBV 2.0 SHA-256 event hash: {ni!r}")
    return bytes.fromhex(hex_part)


def ni_uri(digest: bytes) -> str:
    return f"{_NI_PREFIX}{digest.hex()}{_NI_SUFFIX}"


def document_hash(doc: dict[str, Any]) -> bytes:
    """SHA-256 of a document's stored bytes: the anchor of a master data document."""
    return hashlib.sha256(encode(doc)).digest()


def with_event_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with each event's eventID set to its event hash (which ignores eventID)."""
    for event in doc["epcisBody"]["eventList"]:
        event["eventID"] = event_hash(event)
    return doc


def encode(doc: dict[str, Any]) -> bytes:
    """The bytes stored on IPFS: compact JSON in the fields' own order. Keys are not sorted:
    the reference event-hash implementation reads the members of sub-elements (a bizTransaction's
    type and value, say) in document order, so reordering them would change the event hash."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


def decode(data: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"not an EPCIS JSON document: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidInputError("not an EPCIS JSON document")
    return doc


@cache
def _validator() -> Draft7Validator:
    schema = json.loads(files(__package__).joinpath("epcis-json-schema.json").read_text())
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def validate(doc: dict[str, Any]) -> None:
    """Check `doc` against GS1's EPCIS 2.0 JSON schema and the CBV vocabulary used here."""
    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        message = (
            error.message if len(error.message) <= _MESSAGE else error.message[:_MESSAGE] + "..."
        )
        raise InvalidInputError(f"not a valid EPCIS 2.0 document at {where}: {message}")
    for event in doc.get("epcisBody", {}).get("eventList", []):
        check_vocabulary(event)


def check_vocabulary(event: dict[str, Any]) -> None:
    """The schema accepts any URI as bizStep or disposition; the suite speaks CBV 2.0 only."""
    if event.get("type") not in EVENT_TYPES:
        raise InvalidInputError(f"unsupported EPCIS event type {event.get('type')!r}")
    if "bizStep" in event and event["bizStep"] not in BIZ_STEPS:
        raise InvalidInputError(f"not a CBV bizStep used here: {event['bizStep']!r}")
    if "disposition" in event and event["disposition"] not in DISPOSITIONS:
        raise InvalidInputError(f"not a CBV disposition used here: {event['disposition']!r}")
