"""The DSCSA verification responder's logic: a GS1 Lightweight Messaging request read from a GS1
Digital Link path and its query, answered with the SDK's verify (hygeia.provenance), and every
answer recorded in the gateway's audit. The HTTP side is hygeia.gateway.vrs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hygeia.core.contract_types import Role
from hygeia.core.errors import InvalidInputError, RequesterNotAuthorisedError, UnknownProductError
from hygeia.core.store import ContentStore
from hygeia.core.values import checksum_address
from hygeia.gateway.ledger import AuditEntry, Ledger
from hygeia.gateway.services import GatewayServices
from hygeia.provenance import gs1
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.workflow import ProvenanceFlow

LINK_TYPE = "verificationService"
#: The roles of DSCSA trading partners that may ask for a verification.
TRADING_PARTNER_ROLES = (Role.MANUFACTURER, Role.DISTRIBUTOR, Role.DISPENSER)
_REQUIRED = ("linkType", "exp", "context", "reqGLN", "corrUUID")
_MAX_CONTEXT = 64


@dataclass(frozen=True)
class LmsRequest:
    """A verification request: the product identifier and the LMS request parameters."""

    gtin: int
    serial: str
    lot: str
    expiry: date
    context: str
    req_gln: int
    corr_uuid: str

    def audit_fields(self) -> dict[str, str]:
        return {
            "req_gln": gs1.gln13(self.req_gln),
            "corr_uuid": self.corr_uuid,
            "context": self.context,
            "gtin": gs1.gtin14(self.gtin),
            "serial": self.serial,
            "lot": self.lot,
            "expiry": gs1.expiry_text(self.expiry),
        }


def parse_request(
    gtin: str, serial: str, lot: str | None, query: Mapping[str, Sequence[str]]
) -> LmsRequest:
    """The request of a Digital Link path (`/01/{gtin}/10/{lot}/21/{serial}`, or the lot as the
    query's `10`) and its query; InvalidInputError naming what is malformed."""
    single: dict[str, str] = {}
    for name, values in query.items():
        if len(values) != 1:
            raise InvalidInputError(f"the query gives {name} {len(values)} times")
        single[name] = values[0]
    missing = [name for name in _REQUIRED if not single.get(name)]
    if missing:
        raise InvalidInputError(f"the request has no {', '.join(missing)}")
    if single["linkType"] != LINK_TYPE:
        raise InvalidInputError(
            f"linkType must be {LINK_TYPE}, got {single['linkType'][:_MAX_CONTEXT]!r}"
        )
    if lot is not None and "10" in single and single["10"] != lot:
        raise InvalidInputError("the lot (10) is given twice, differently")
    lot = lot if lot is not None else single.get("10")
    if not lot:
        raise InvalidInputError("the request has no lot (10): in the path or as the query's 10")
    context = single["context"]
    if len(context) > _MAX_CONTEXT or not context.isascii() or not context.isalnum():
        raise InvalidInputError(f"context is a GS1 code such as dscsaSaleableReturn: {context!r}")
    try:
        corr = str(uuid.UUID(single["corrUUID"]))
    except ValueError:
        raise InvalidInputError("corrUUID is not a UUID") from None
    if corr != single["corrUUID"].lower():
        raise InvalidInputError("corrUUID is not a UUID in its canonical form")
    return LmsRequest(
        _gtin14(gtin),
        gs1.check_ai_text(serial, "serial (21)"),
        gs1.check_ai_text(lot, "lot (10)"),
        gs1.parse_expiry(single["exp"]),
        context,
        gs1.parse_gln(single["reqGLN"]),
        corr,
    )


def _gtin14(text: str) -> int:
    """A Digital Link carries the GTIN as 14 digits, with its check digit."""
    if len(text) != 14 or not text.isdigit():
        raise InvalidInputError(f"a Digital Link GTIN has 14 digits, got {text[:20]!r}")
    return gs1.parse_gtin(text)


class Responder:
    """Answers verification requests for one deployment, recording each in `ledger`."""

    def __init__(
        self,
        services: GatewayServices,
        store: ContentStore,
        ledger: Ledger,
        *,
        responder_gln: int | None = None,
        serial_index: SerialIndex | None = None,
    ) -> None:
        suite = services.suite
        self.services = services
        self.ledger = ledger
        self.flow = ProvenanceFlow(
            suite.provenance,
            store,
            chain_id=suite.deployment.chain_id,
            clock=services.now,
            index=serial_index,
        )
        self.responder_gln = None if responder_gln is None else gs1.parse_gln(responder_gln)
        # GTINs seen registered: a product is never unregistered, so a yes is kept (a no is not).
        self._registered: set[int] = set()

    def _known(self, gtin: int) -> bool:
        if gtin not in self._registered:
            if not self.services.suite.provenance.product_of(gtin).registered:
                return False
            self._registered.add(gtin)
        return True

    def responder(self) -> str:
        """Who answers: the responder's GLN (13 digits) when the gateway was given one."""
        if self.responder_gln is not None:
            return gs1.gln13(self.responder_gln)
        return self.flow._responder()

    def authorise(self, requester: str) -> None:
        """RequesterNotAuthorisedError unless `requester` holds an active trading-partner
        credential on-chain now (the roles asked in one call)."""
        participants = self.services.suite.participants
        if not participants.active_roles(checksum_address(requester), TRADING_PARTNER_ROLES):
            raise RequesterNotAuthorisedError(
                f"{requester} holds no active trading-partner credential "
                "(MANUFACTURER, DISTRIBUTOR or DISPENSER)"
            )

    def answer(self, requester: str, request: LmsRequest) -> dict[str, Any]:
        """The LMS response body; UnknownProductError for a GTIN no product has. Either way the
        verification is recorded."""
        now = self.services.now()
        if not self._known(request.gtin):
            self.ledger.record(self._entry(now, requester, request, 404))
            gtin = gs1.gtin14(request.gtin)
            raise UnknownProductError(f"no product is registered under GTIN {gtin}")
        verification = self.flow.verify(request.gtin, request.serial, request.lot, request.expiry)
        body = verification.lms()
        body["responderGLN"] = self.responder()
        body["corrUUID"] = request.corr_uuid
        data = body["data"]
        self.ledger.record(
            self._entry(
                verification.at,
                requester,
                request,
                200,
                verified=bool(data["verified"]),
                failure_reason=data.get("verificationFailureReason"),
                additional_info=data.get("additionalInfo"),
            )
        )
        return body

    @staticmethod
    def _entry(
        at: datetime, requester: str, request: LmsRequest, status: int, **answer: Any
    ) -> AuditEntry:
        f = request.audit_fields()
        return AuditEntry(
            at,
            requester,
            f["req_gln"],
            f["corr_uuid"],
            f["context"],
            f["gtin"],
            f["serial"],
            f["lot"],
            f["expiry"],
            status,
            **answer,
        )

    def record_refusal(self, requester: str, status: int, raw: Mapping[str, str]) -> None:
        """Record a request refused after its requester was authenticated (403, 400), with the
        parts it gave, cut short."""
        fields = {k: (raw.get(k) or "")[:_MAX_CONTEXT] for k in AuditEntry.__dataclass_fields__}
        self.ledger.record(
            AuditEntry(
                self.services.now(),
                requester,
                fields["req_gln"],
                fields["corr_uuid"],
                fields["context"],
                fields["gtin"],
                fields["serial"],
                fields["lot"],
                fields["expiry"],
                status,
            )
        )
