"""What the pharmacist's verify page shows for a scanned pack: the SDK's DSCSA verification
(hygeia.provenance) turned into one word in large type and a custody summary.

A keyboard-wedge scanner types the barcode's element string; its FNC1 / GS separators arrive as
ASCII 29 (the page's script turns the scanner's Ctrl+] into it) or, from scanners set to print
it, as the visible symbol U+241D; both are read as GS.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hygeia.core.errors import HygeiaError, InvalidInputError
from hygeia.core.store import ContentStore
from hygeia.gateway.services import GatewayServices
from hygeia.provenance import gs1
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.workflow import ProvenanceFlow, Verification

GS = "\x1d"
_GS_LOOKALIKES = ("\u241d",)  # SYMBOL FOR GROUP SEPARATOR, as some scanners type it
MAX_BARCODE = 200  # a DSCSA DataMatrix holds far less

_REASONS = {
    "No_match_GTIN_Serial": "No such serial number for this product",
    "No_match_GTIN_Serial_Lot": "The serial number is not in this lot",
    "No_match_GTIN_Serial_Expiry": "The expiry date does not match",
    "No_match_GTIN_Serial_Lot_Expiry": "Neither the lot nor the expiry match",
    "No_reason_provided": "Could not be verified",
    "Not_for_re-distribution": "Already dispensed or destroyed: not for redistribution",
}
_ALERTS = {
    "Recalled": "RECALLED",
    "Suspect": "SUSPECT",
    "Illegitimate": "ILLEGITIMATE",
    "Expired": "EXPIRED",
}


@dataclass(frozen=True)
class CustodyStep:
    what: str
    block: int


@dataclass(frozen=True)
class VerifyView:
    """One answer of the page: `headline` in large type, `tone` its colour (ok, alert, bad)."""

    headline: str
    tone: str
    detail: str
    identifier: dict[str, str] = field(default_factory=dict)
    lms: dict[str, object] = field(default_factory=dict)
    custodian: str | None = None
    custody_state: str | None = None
    steps: tuple[CustodyStep, ...] = ()


def normalise(text: str) -> str:
    """The scanner's text with its GS separators as ASCII 29."""
    for lookalike in _GS_LOOKALIKES:
        text = text.replace(lookalike, GS)
    return text


def check(
    services: GatewayServices,
    store: ContentStore,
    text: str,
    serial_index: SerialIndex | None = None,
) -> VerifyView:
    """Verify the pack whose barcode is `text`; a view of the answer (never an exception for bad
    input: an unreadable barcode is an answer too). The unit's custody is read at the cost of
    the unit, through `serial_index` (each lot indexed once)."""
    if len(text) > MAX_BARCODE:
        return VerifyView("UNREADABLE", "bad", f"a barcode of at most {MAX_BARCODE} characters")
    try:
        identifier = gs1.parse_barcode(normalise(text)).require("serial", "lot", "expiry")
    except InvalidInputError as exc:
        return VerifyView("UNREADABLE", "bad", str(exc))
    assert identifier.serial and identifier.lot and identifier.expiry
    suite = services.suite
    flow = ProvenanceFlow(
        suite.provenance,
        store,
        chain_id=int(suite.w3.eth.chain_id),
        clock=services.now,
        index=serial_index,
    )
    shown = {
        "GTIN": gs1.gtin14(identifier.gtin),
        "Serial": identifier.serial,
        "Lot": identifier.lot,
        "Expiry": identifier.expiry.isoformat(),
    }
    try:
        answer = flow.verify(identifier.gtin, identifier.serial, identifier.lot, identifier.expiry)
    except HygeiaError as exc:
        return VerifyView("NOT CHECKED", "bad", f"{type(exc).__name__}: {exc}", shown)
    view = _headline(answer, shown)
    if answer.lot_key is None:
        return view
    try:
        custody = flow.reader.unit_by_key(identifier.gtin, answer.lot_key, answer.serial)
    except HygeiaError as exc:
        return _with(view, detail=f"{view.detail} (custody unavailable: {exc})")
    holding = custody.holding
    steps = tuple(CustodyStep(_event_text(e.name), e.block) for e in custody.events)
    return _with(
        view,
        custodian=None if holding is None else holding.custodian,
        custody_state=None if holding is None else holding.state.name.lower().replace("_", " "),
        steps=steps,
    )


def _headline(answer: Verification, shown: dict[str, str]) -> VerifyView:
    lms = answer.lms()
    if not answer.verified:
        reason = answer.failure_reason or "No_reason_provided"
        return VerifyView("NOT VALID", "bad", _REASONS.get(reason, reason), shown, lms)
    info = answer.additional_info
    if info is not None:
        headline = _ALERTS.get(info, info.upper())
        return VerifyView(
            headline, "alert", f"Verified, but {info.lower()}: do not dispense", shown, lms
        )
    return VerifyView(
        "VALID", "ok", "The product identifier matches the manufacturer's records", shown, lms
    )


def _with(view: VerifyView, **changes: object) -> VerifyView:
    return replace(view, **changes)  # type: ignore[arg-type]


_EVENT_TEXT = {
    "LotCommissioned": "commissioned by the manufacturer",
    "ShipmentDispatched": "shipped",
    "ShipmentReceived": "received",
    "ShipmentVoided": "shipment voided",
    "LotRecalled": "lot recalled",
    "UnitDispensed": "dispensed",
    "UnitDestroyed": "destroyed",
    "SuspectUnitFlagged": "flagged suspect at a dispense",
    "SuspectProductReported": "reported suspect",
    "ProductQuarantined": "quarantined",
    "ProductCleared": "cleared from quarantine",
    "ProductConfirmedIllegitimate": "confirmed illegitimate",
    "SensorReadingsAnchored": "temperature readings recorded",
    "ExcursionCleared": "temperature excursion cleared",
}


def _event_text(name: str) -> str:
    return _EVENT_TEXT.get(name, name)
