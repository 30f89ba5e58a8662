"""The index's relational schema beside the raw `logs`: one table per thing the suite's users ask
about, filled from the decoded events in the same transaction as the range they came in.

Every domain table is a projection of events, one row per event (or per element of an event's
list: a consent's targets, a record version's data classes), never a row updated in place:

- a reorganisation rolls a domain table back exactly as it rolls back `logs` (delete the rows
  above the fork point), and a killed indexer leaves whole ranges in it as in `logs`;
- the state of a thing (is this consent revoked, who holds this shipment now) is its rows in
  chain order, and readers ask by the columns with an index (a patient, a record, a lot key).

Each row carries its event's block number, log index, block hash and transaction hash (unique
by block hash, log index and position) and an `event` column naming what happened (`granted`,
`revoked`, `dispatched`...). Values keep the raw index's text forms (checksummed addresses,
0x-hex bytes, decimal integers); integers of at most 56 bits are integer columns, wider ones
(amounts, uint64 GTINs and GLNs, uint256 ids) decimal text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
)

from hygeia.index.schema import LogRow, logs, metadata

_INT = "int"
_TEXT = "text"
_LONG = "long"  # JSON or a CID: Text


def _table(name: str, columns: Sequence[tuple[str, str]], *indexes: Sequence[str]) -> Table:
    kinds: dict[str, Any] = {_INT: BigInteger, _TEXT: String(80), _LONG: Text}
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("block_number", BigInteger, nullable=False, index=True),
        Column("log_index", Integer, nullable=False),
        Column("position", Integer, nullable=False),
        Column("block_hash", String(66), nullable=False),
        Column("tx_hash", String(66), nullable=False),
        Column("event", String(40), nullable=False),
        *(Column(c, kinds[k], nullable=True) for c, k in columns),
        UniqueConstraint("block_hash", "log_index", "position", name=f"{name}_event_position"),
        # What readers filter by, each in chain order.
        *(
            Index(f"{name}_by_{'_'.join(cols)}", *cols, "block_number", "log_index")
            for cols in indexes
        ),
    )


T, N, L = _TEXT, _INT, _LONG

participants = _table(
    "participants",
    [("account", T), ("counterpart", T), ("by", T), ("key", T)],
    ["account"],
    ["counterpart"],
)
credentials = _table(
    "credentials",
    [
        ("account", T),
        ("role", T),
        ("regulator", T),
        ("license_hash", T),
        ("jurisdiction", T),
        ("valid_from", N),
        ("valid_until", N),
    ],
    ["account"],
)
consents = _table(
    "consents",
    [
        ("patient", T),
        ("consent_id", T),
        ("grantee_key", T),
        ("grantee", T),
        ("by", T),
        ("kind", N),
        ("actions", N),
        ("purposes", N),
        ("starts", N),
        ("ends", N),
        ("key_bundle_cid", L),
    ],
    ["patient"],
    ["grantee_key"],
    ["grantee"],
)
provisions = _table(
    "provisions", [("patient", T), ("consent_id", T), ("target", T)], ["patient"], ["target"]
)
records = _table(
    "records",
    [
        ("patient", T),
        ("record_id", T),
        ("by", T),
        ("version", N),
        ("previous_version", N),
        ("ciphertext_digest", T),
        ("cid", L),
        ("key_bundle_cid", L),
    ],
    ["patient"],
    ["record_id"],
)
record_classes = _table(
    "record_classes", [("record_id", T), ("version", N), ("data_class", T)], ["record_id"]
)
accesses = _table(
    "accesses",
    [("patient", T), ("record_id", T), ("accessor", T), ("purpose", N), ("consent_id", T)],
    ["accessor"],
    ["record_id"],
)
# A patient's accounting of disclosures reads its accesses from this index alone (it holds
# every column the reader takes): no lookup into the table per access.
Index(
    "accesses_by_patient",
    accesses.c.patient,
    accesses.c.block_number,
    accesses.c.log_index,
    accesses.c.tx_hash,
    accesses.c.accessor,
    accesses.c.record_id,
    accesses.c.purpose,
    accesses.c.consent_id,
)
break_glass = _table(
    "break_glass",
    [
        ("patient", T),
        ("provider", T),
        ("by", T),
        ("reason_hash", T),
        ("ends_at", N),
        ("opening", N),
    ],
    ["patient"],
    ["provider"],
)
lots = _table(
    "lots",
    [
        ("lot_key", T),
        ("gtin", T),
        ("actor", T),
        ("lot", T),
        ("expiry", N),
        ("quantity", N),
        ("serials_root", T),
        ("holding", T),
        ("reason_hash", T),
        ("epcis_hash", T),
        ("cid", L),
    ],
    ["lot_key"],
    ["gtin"],
)
holdings = _table(
    "holdings",
    [
        ("holding", T),
        ("lot_key", T),
        ("parent", T),
        ("custodian", T),
        ("units", N),
        ("root", T),  # a shipment's commitment as dispatched; a commissioning's serials root
    ],
    ["holding"],
    ["lot_key"],
    ["parent"],
)
shipments = _table(
    "shipments",
    [
        ("shipment", T),
        ("lot_key", T),
        ("parent", T),
        ("sender", T),
        ("receiver", T),
        ("owner", T),
        ("transfers_ownership", T),
        ("units", N),
        # Named when holdings were Merkle roots; since holdings are committed position sets they
        # hold ShipmentDispatched's `commitment` (the shipment's) and `parentCommitment` (the
        # parent's afterwards). The names stayed so schema version 2 needs no migration.
        ("root", T),
        ("remainder_root", T),
        ("reason_hash", T),
        ("epcis_hash", T),
        ("cid", L),
    ],
    ["shipment"],
    ["lot_key"],
    ["receiver"],
)
# Every event of a unit's or a lot's chain of custody, by lot key (lot events) or GTIN and
# target (investigations and alerts): what a trace reads.
custody = _table(
    "custody",
    [
        ("lot_key", T),
        ("gtin", T),
        ("target", T),
        ("unit_id", T),
        ("holding", T),
        ("actor", T),
        ("epcis_hash", T),
        ("cid", L),
    ],
    ["lot_key"],
    ["gtin"],
    ["unit_id"],
    ["event"],
)
claims = _table(
    "claims",
    [
        ("claim_id", T),
        ("plan_id", N),
        ("provider", T),
        ("insurer", T),
        ("reversal_id", T),
        ("status", N),
        ("claim_ref", T),
        ("member_id", T),
        ("received", N),
        ("line_count", T),
        ("charge", T),
        ("paid", T),
        ("patient_responsibility", T),
        ("attachment_cid", L),
    ],
    ["claim_id"],
    ["provider"],
    ["plan_id"],
)
claim_lines = _table(
    "claim_lines",
    [
        ("claim_id", T),
        ("line", T),
        ("charge", T),
        ("allowed", T),
        ("paid", T),
        ("adjustments", L),
    ],
    ["claim_id"],
)
payments = _table(
    "payments",
    [
        ("claim_id", T),
        ("provider", T),
        ("insurer", T),
        ("amount", T),
        ("recouped", T),
        ("from_credit", T),
        ("owed", T),
    ],
    ["claim_id"],
    ["provider"],
    ["insurer"],
)
appeals = _table(
    "appeals",
    [("claim_id", T), ("provider", T), ("insurer", T), ("outcome", N), ("digest", T)],
    ["claim_id"],
)

TABLES: tuple[Table, ...] = (
    participants,
    credentials,
    consents,
    provisions,
    records,
    record_classes,
    accesses,
    break_glass,
    lots,
    holdings,
    shipments,
    custody,
    claims,
    claim_lines,
    payments,
    appeals,
)


_COMMON = {"id", "block_number", "log_index", "position", "block_hash", "tx_hash", "event"}
_OWN_COLUMNS = {t: [c.name for c in t.c if c.name not in _COMMON] for t in TABLES}


@dataclass(frozen=True)
class Projection:
    """An event's row in one table: `event` names it there; `columns` maps a column to the
    event argument it takes (a constant when the argument name starts with '=')."""

    table: Table
    event: str
    columns: Mapping[str, str]
    each: str | None = None  # an array argument: one row per element, in column `each_column`
    each_column: str | None = None


def _p(
    table: Table, event: str, each: tuple[str, str] | None = None, /, **columns: str
) -> Projection:
    return Projection(table, event, columns, *(each or (None, None)))


_LOT_COMMON = {"lot_key": "lotKey", "epcis_hash": "epcisHash", "cid": "cid"}
_INVESTIGATION = {"gtin": "gtin", "target": "target", "actor": "by"}

#: (contract, event) -> its rows in the domain tables.
PROJECTIONS: dict[tuple[str, str], tuple[Projection, ...]] = {
    # participants and credentials
    ("ParticipantRegistry", "PatientRegistered"): (
        _p(participants, "patient-registered", account="patient", counterpart="registrar"),
    ),
    ("ParticipantRegistry", "GuardianshipStarted"): (
        _p(participants, "guardianship-started", account="ward", counterpart="guardian"),
    ),
    ("ParticipantRegistry", "GuardianshipEnded"): (
        _p(
            participants, "guardianship-ended", account="ward", counterpart="guardian", by="endedBy"
        ),
    ),
    ("ParticipantRegistry", "EncryptionKeyRotated"): (
        _p(participants, "key-rotated", account="account", key="newKey"),
    ),
    ("ConsentRegistry", "DelegateAppointed"): (
        _p(participants, "delegate-appointed", account="patient", counterpart="delegate"),
    ),
    ("ConsentRegistry", "DelegateRevoked"): (
        _p(participants, "delegate-revoked", account="patient", counterpart="delegate"),
    ),
    ("ParticipantRegistry", "CredentialIssued"): (
        _p(
            credentials,
            "issued",
            account="account",
            role="role",
            regulator="regulator",
            license_hash="licenseHash",
            jurisdiction="jurisdiction",
            valid_from="validFrom",
            valid_until="validUntil",
        ),
    ),
    ("ParticipantRegistry", "CredentialRenewed"): (
        _p(
            credentials,
            "renewed",
            account="account",
            role="role",
            regulator="regulator",
            valid_until="validUntil",
        ),
    ),
    **{
        ("ParticipantRegistry", f"Credential{what}"): (
            _p(
                credentials,
                what.lower(),
                account="account",
                role="role",
                regulator="regulator",
            ),
        )
        for what in ("Suspended", "Reinstated", "Revoked")
    },
    # consents and provisions
    ("ConsentRegistry", "ConsentGranted"): (
        _p(
            consents,
            "granted",
            patient="patient",
            consent_id="consentId",
            grantee_key="granteeKey",
            kind="kind",
            actions="actions",
            purposes="purposes",
            starts="start",
            ends="end",
            key_bundle_cid="keyBundleCid",
        ),
        _p(
            provisions,
            "granted",
            ("targets", "target"),
            patient="patient",
            consent_id="consentId",
        ),
    ),
    ("ConsentRegistry", "ConsentRevoked"): (
        _p(
            consents,
            "revoked",
            patient="patient",
            consent_id="consentId",
            grantee_key="granteeKey",
            by="revoker",
        ),
    ),
    ("ConsentRegistry", "ConsentKeysShared"): (
        _p(
            consents,
            "keys-shared",
            patient="patient",
            consent_id="consentId",
            grantee="grantee",
            by="sharer",
            key_bundle_cid="keyBundleCid",
        ),
    ),
    # record anchors and versions
    ("ConsentRegistry", "RecordAnchored"): (
        _p(
            records,
            "anchored",
            patient="patient",
            record_id="recordId",
            by="anchoredBy",
            version="version",
            previous_version="previousVersion",
            ciphertext_digest="ciphertextDigest",
            cid="cid",
            key_bundle_cid="keyBundleCid",
        ),
        _p(
            record_classes,
            "anchored",
            ("dataClasses", "data_class"),
            record_id="recordId",
            version="version",
        ),
    ),
    ("ConsentRegistry", "RecordErased"): (
        _p(records, "erased", patient="patient", record_id="recordId", by="eraser"),
    ),
    # accesses and break-glass
    ("ConsentRegistry", "RecordAccessed"): (
        _p(
            accesses,
            "access",
            patient="patient",
            record_id="recordId",
            accessor="accessor",
            purpose="purpose",
            consent_id="consentId",
        ),
    ),
    ("ConsentRegistry", "BreakGlassOpened"): (
        _p(
            break_glass,
            "opened",
            patient="patient",
            provider="provider",
            reason_hash="reasonHash",
            ends_at="endsAt",
            opening="opening",
        ),
    ),
    ("ConsentRegistry", "BreakGlassClosed"): (
        _p(break_glass, "closed", patient="patient", provider="provider", by="closedBy"),
    ),
    # lots, holdings, shipments and custody
    ("DrugProvenance", "LotCommissioned"): (
        _p(
            lots,
            "commissioned",
            gtin="gtin",
            actor="manufacturer",
            lot="lot",
            expiry="expiry",
            quantity="quantity",
            serials_root="serialsRoot",
            holding="holding",
            **_LOT_COMMON,
        ),
        _p(
            holdings,
            "commissioned",
            holding="holding",
            lot_key="lotKey",
            custodian="manufacturer",
            units="quantity",
            root="serialsRoot",
        ),
        _p(
            custody,
            "commissioned",
            gtin="gtin",
            holding="holding",
            actor="manufacturer",
            **_LOT_COMMON,
        ),
    ),
    ("DrugProvenance", "LotRecalled"): (
        _p(lots, "recalled", gtin="gtin", actor="by", reason_hash="reasonHash", **_LOT_COMMON),
        _p(custody, "recalled", gtin="gtin", actor="by", **_LOT_COMMON),
    ),
    ("DrugProvenance", "ShipmentDispatched"): (
        _p(
            shipments,
            "dispatched",
            shipment="shipment",
            parent="parent",
            sender="sender",
            receiver="receiver",
            transfers_ownership="transfersOwnership",
            units="units",
            root="commitment",
            remainder_root="parentCommitment",
            **_LOT_COMMON,
        ),
        _p(
            holdings,
            "dispatched",
            holding="shipment",
            lot_key="lotKey",
            parent="parent",
            custodian="receiver",
            units="units",
            root="commitment",
        ),
        _p(custody, "dispatched", holding="shipment", actor="sender", **_LOT_COMMON),
    ),
    ("DrugProvenance", "ShipmentReceived"): (
        _p(
            shipments,
            "received",
            shipment="shipment",
            receiver="receiver",
            owner="owner",
            **_LOT_COMMON,
        ),
        _p(custody, "received", holding="shipment", actor="receiver", **_LOT_COMMON),
    ),
    ("DrugProvenance", "ShipmentVoided"): (
        _p(
            shipments,
            "voided",
            shipment="shipment",
            sender="sender",
            reason_hash="reasonHash",
            **_LOT_COMMON,
        ),
        _p(custody, "voided", holding="shipment", actor="sender", **_LOT_COMMON),
    ),
    ("DrugProvenance", "UnitDispensed"): (
        _p(
            custody,
            "dispensed",
            unit_id="unitId",
            holding="holding",
            actor="dispenser",
            **_LOT_COMMON,
        ),
    ),
    ("DrugProvenance", "UnitDestroyed"): (
        _p(
            custody,
            "destroyed",
            unit_id="unitId",
            holding="holding",
            actor="custodian",
            **_LOT_COMMON,
        ),
    ),
    ("DrugProvenance", "SensorReadingsAnchored"): (
        _p(custody, "sensor-readings", holding="holding", actor="by", **_LOT_COMMON),
    ),
    ("DrugProvenance", "ExcursionCleared"): (
        _p(custody, "excursion-cleared", holding="holding", actor="by", **_LOT_COMMON),
    ),
    ("DrugProvenance", "ProductQuarantined"): (
        _p(custody, "quarantined", epcis_hash="epcisHash", cid="cid", **_INVESTIGATION),
    ),
    ("DrugProvenance", "ProductCleared"): (
        _p(custody, "cleared", epcis_hash="epcisHash", cid="cid", **_INVESTIGATION),
    ),
    ("DrugProvenance", "ProductConfirmedIllegitimate"): (
        _p(custody, "illegitimate", epcis_hash="epcisHash", cid="cid", **_INVESTIGATION),
    ),
    ("DrugProvenance", "SuspectProductReported"): (
        _p(
            custody,
            "suspect-reported",
            gtin="gtin",
            target="target",
            actor="reporter",
            epcis_hash="epcisHash",
            cid="cid",
        ),
    ),
    ("DrugProvenance", "SuspectUnitFlagged"): (
        _p(
            custody,
            "suspect-flagged",
            gtin="gtin",
            unit_id="unitId",
            holding="holding",
            actor="reporter",
            epcis_hash="epcisHash",
            cid="cid",
        ),
    ),
    # claims, lines, payments, appeals
    ("ClaimsAdjudicator", "ClaimSubmitted"): (
        _p(
            claims,
            "submitted",
            claim_id="claimId",
            plan_id="planId",
            provider="provider",
            claim_ref="claimRef",
            member_id="memberId",
            received="received",
            line_count="lineCount",
            attachment_cid="attachmentCid",
        ),
    ),
    ("ClaimsAdjudicator", "ClaimAdjudicated"): (
        _p(
            claims,
            "adjudicated",
            claim_id="claimId",
            plan_id="planId",
            provider="provider",
            status="status",
            charge="charge",
            paid="paid",
            patient_responsibility="patientResponsibility",
        ),
    ),
    ("ClaimsAdjudicator", "ClaimReversed"): (
        _p(
            claims,
            "reversed",
            claim_id="claimId",
            reversal_id="reversalId",
            insurer="insurer",
            charge="charge",
            paid="paid",
            patient_responsibility="patientResponsibility",
        ),
    ),
    ("ClaimsAdjudicator", "ClaimLineAdjudicated"): (
        _p(
            claim_lines,
            "adjudicated",
            claim_id="claimId",
            line="line",
            charge="charge",
            allowed="allowed",
            paid="paid",
            adjustments="adjustments",
        ),
    ),
    ("ClaimsAdjudicator", "PaymentPended"): (
        _p(
            payments,
            "pended",
            claim_id="claimId",
            provider="provider",
            insurer="insurer",
            amount="amount",
        ),
    ),
    ("ClaimsEscrow", "PaymentCredited"): (
        _p(
            payments,
            "credited",
            claim_id="claimId",
            provider="provider",
            insurer="insurer",
            amount="amount",
            recouped="recouped",
        ),
    ),
    ("ClaimsEscrow", "PaymentRecouped"): (
        _p(
            payments,
            "recouped",
            claim_id="claimId",
            provider="provider",
            insurer="insurer",
            from_credit="fromCredit",
            owed="owed",
        ),
    ),
    ("ClaimsEscrow", "PaymentWithdrawn"): (
        _p(payments, "withdrawn", provider="provider", amount="amount"),
    ),
    ("ClaimsEscrow", "EscrowFunded"): (
        _p(payments, "escrow-funded", insurer="insurer", amount="amount"),
    ),
    ("ClaimsEscrow", "EscrowWithdrawn"): (
        _p(payments, "escrow-withdrawn", insurer="insurer", amount="amount"),
    ),
    ("ClaimsAdjudicator", "AppealFiled"): (
        _p(appeals, "filed", claim_id="claimId", provider="provider", digest="reasonDigest"),
    ),
    ("ClaimsAdjudicator", "AppealDecided"): (
        _p(
            appeals,
            "decided",
            claim_id="claimId",
            insurer="insurer",
            outcome="outcome",
            digest="decisionDigest",
        ),
    ),
}


def _value(table: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(table.c[column].type, BigInteger):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def project(
    row: LogRow, args: Mapping[str, Any] | None = None
) -> dict[Table, list[dict[str, Any]]]:
    """The domain rows of one stored event (none for an event no table takes)."""
    found: dict[Table, list[dict[str, Any]]] = {}
    projections = PROJECTIONS.get((row.contract, row.event))
    if not projections:
        return found
    if args is None:
        args = json.loads(row.args)
    base = {
        "block_number": row.block_number,
        "log_index": row.log_index,
        "block_hash": row.block_hash,
        "tx_hash": row.tx_hash,
    }
    for p in projections:
        # Every row of a batch names every column (an executemany takes one set of keys).
        values = dict.fromkeys(_OWN_COLUMNS[p.table])
        values.update({c: _value(p.table, c, args.get(a)) for c, a in p.columns.items()})
        if p.each is None:
            found.setdefault(p.table, []).append(
                {**base, "position": 0, "event": p.event, **values}
            )
            continue
        assert p.each_column is not None
        for position, element in enumerate(args.get(p.each) or []):
            found.setdefault(p.table, []).append(
                {
                    **base,
                    "position": position,
                    "event": p.event,
                    **values,
                    p.each_column: _value(p.table, p.each_column, element),
                }
            )
    return found


def write(
    conn: Connection, rows: Iterable[LogRow], parsed: Sequence[Mapping[str, Any]] | None = None
) -> None:
    """Insert the domain rows of `rows` (inside the caller's transaction)."""
    batches: dict[Table, list[dict[str, Any]]] = {}
    for n, row in enumerate(rows):
        for table, found in project(row, parsed[n] if parsed is not None else None).items():
            batches.setdefault(table, []).extend(found)
    for table, batch in batches.items():
        conn.execute(insert(table), batch)


def rollback(conn: Connection, height: int) -> None:
    """Drop every domain row above block `height` (inside the caller's transaction)."""
    for table in TABLES:
        conn.execute(delete(table).where(table.c.block_number > height))


def backfill(conn: Connection, batch: int = 10_000) -> None:
    """Fill the domain tables from the raw `logs` already stored (the migration to version 2)."""
    cols = [c for c in logs.c if c.name != "id"]
    last = -1
    while True:
        found = conn.execute(
            select(logs.c.id, *cols).where(logs.c.id > last).order_by(logs.c.id).limit(batch)
        ).all()
        if not found:
            return
        last = int(found[-1].id)
        write(conn, [LogRow(**{c.name: getattr(r, c.name) for c in cols}) for r in found])


def dump(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every domain row but its row id, in chain order: what two indexes of one chain share."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in TABLES:
        cols = [c for c in table.c if c.name != "id"]
        out[table.name] = [
            tuple(r)
            for r in conn.execute(
                select(*cols).order_by(
                    table.c.block_number, table.c.log_index, table.c.event, table.c.position
                )
            )
        ]
    return out
