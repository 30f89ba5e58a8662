"""The domain tables beside the raw logs, on both backends: every projection names arguments its
event has, a history's consents, provisions, break-glass and credentials land in their tables in
the range's transaction, and an index of schema version 1 is migrated to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, select, update

from hygeia.core import artifacts
from hygeia.core.chain import dev_signer
from hygeia.index import IndexStore, domain, schema
from tests.chains import Chain
from tests.index.conftest import NewIndex, fresh_dump, index_once
from tests.index.test_readers import LAB, history


def rows(store: IndexStore, table: Table, **where: Any) -> list[Any]:
    with store.engine.connect() as conn:
        query = select(table).order_by(table.c.block_number, table.c.log_index, table.c.position)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return list(conn.execute(query).mappings().all())


def test_every_projection_takes_arguments_its_event_has() -> None:
    for (contract, event), projections in domain.PROJECTIONS.items():
        abi = [
            e for e in artifacts.abi(contract) if e.get("type") == "event" and e["name"] == event
        ]
        assert len(abi) == 1, (contract, event)
        names = {i["name"] for i in abi[0]["inputs"]}
        for p in projections:
            assert set(p.columns.values()) <= names, (contract, event, p.table.name)
            assert set(p.columns) <= set(p.table.c.keys()), (contract, event, p.table.name)
            assert p.each is None or p.each in names
    tables = {p.table for ps in domain.PROJECTIONS.values() for p in ps}
    assert tables == set(domain.TABLES)  # no table left without events


def test_a_history_lands_in_its_tables(own_chain: Chain, new_index: NewIndex) -> None:
    patient = history(own_chain)
    store = index_once(own_chain, new_index())
    try:
        granted = rows(store, domain.consents, patient=patient, event="granted")
        assert len(granted) == 2
        revoked = rows(store, domain.consents, patient=patient, event="revoked")
        assert [r["consent_id"] for r in revoked] == [granted[-1]["consent_id"]]
        assert revoked[0]["by"] == patient
        provisions = rows(store, domain.provisions, patient=patient)
        assert [(p["consent_id"], p["target"]) for p in provisions] == [
            (g["consent_id"], "0x" + LAB.hex()) for g in granted
        ]
        provider = dev_signer(own_chain.w3, "provider").address
        glass = rows(store, domain.break_glass, patient=patient)
        assert [(g["event"], g["provider"]) for g in glass] == [
            ("opened", provider),
            ("closed", provider),
        ]
        assert glass[0]["ends_at"] > 0 and glass[1]["by"] == provider
        registered = rows(store, domain.participants, account=patient)
        # Registering sets the patient's first encryption key: both are in the table.
        assert [r["event"] for r in registered] == ["patient-registered", "key-rotated"]
        assert registered[1]["key"] is not None and registered[0]["counterpart"] == patient
        issued = rows(store, domain.credentials, event="issued")
        assert {r["account"] for r in issued} >= {provider}
        # Each row points at its event in the raw logs.
        with store.engine.connect() as conn:
            event = conn.execute(
                select(schema.logs.c.event).where(
                    schema.logs.c.block_hash == glass[0]["block_hash"],
                    schema.logs.c.log_index == glass[0]["log_index"],
                )
            ).scalar_one()
        assert event == "BreakGlassOpened"
        assert store.dump()["event_block_times"] == [True] * len(store.dump()["event_blocks"])
    finally:
        store.close()


def test_a_version_1_index_is_migrated_to_the_domain_tables(
    own_chain: Chain, new_index: NewIndex
) -> None:
    """An index written by version 1 (logs, blocks, cursor, meta only) gets the domain tables,
    filled from its stored events, when a newer hygeia opens it."""
    history(own_chain)
    url = new_index()
    store = index_once(own_chain, url)
    try:
        # Make it what version 1 left: the same v1 tables, no domain tables, version 1.
        with store.engine.begin() as conn:
            for table in (*domain.TABLES, schema.block_times):
                table.drop(conn)
            conn.execute(update(schema.schema_version).values(version=1))
        assert store.schema_version() == 1
        fresh = fresh_dump(own_chain, new_index())
        store.prepare(*_identity(store))
        assert store.schema_version() == schema.VERSION == 2
        migrated = store.dump()
        assert migrated["domain"] == fresh["domain"]
        assert sum(len(v) for v in migrated["domain"].values()) > 10
        assert migrated["logs"] == fresh["logs"]
        # The times of blocks indexed before the migration are unknown (readers ask the node).
        assert not any(migrated["event_block_times"])
    finally:
        store.close()


def test_a_rollback_drops_domain_rows_above_the_fork_only(
    own_chain: Chain, new_index: NewIndex
) -> None:
    patient = history(own_chain)
    store = index_once(own_chain, new_index())
    try:
        glass = rows(store, domain.break_glass, patient=patient)
        opened = glass[0]["block_number"]
        cursor = store.cursor()
        assert cursor is not None
        below = [b for b in store.blocks_from(opened - 1)][0]
        store.rollback_to(below)
        assert rows(store, domain.break_glass, patient=patient) == []
        assert len(rows(store, domain.consents, patient=patient)) == 3  # two grants, a revoke
        with store.engine.begin() as conn:  # nothing above the fork in any table
            for table in domain.TABLES:
                assert (
                    conn.execute(
                        select(table.c.id).where(table.c.block_number > below.number)
                    ).first()
                    is None
                ), table.name
            conn.execute(delete(schema.cursor))
    finally:
        store.close()


def _identity(store: IndexStore) -> tuple[int, str, dict[str, str]]:
    import json

    with store.engine.connect() as conn:
        row = conn.execute(select(schema.meta)).mappings().one()
    return int(row["chain_id"]), str(row["genesis_hash"]), json.loads(row["contracts"])
