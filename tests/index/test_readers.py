"""The readers give the same answers from the index as from the chain: the SDK's clients built
with an index (Suite(..., logs=IndexedLogs)), and the CLI with `--index`, on both backends."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from hygeia.cli.main import main
from hygeia.consent.client import GrantRequest, data_class_id
from hygeia.core.chain import block_time, dev_signer
from hygeia.core.contract_types import Action, Purpose, Role
from hygeia.core.errors import IndexMismatchError, IndexStoreError
from hygeia.core.store import LocalStore
from hygeia.index.reader import IndexedLogs
from hygeia.provenance import gs1, ids
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.trace import TraceReader
from hygeia.provenance.workflow import ProvenanceFlow
from hygeia.records.keys import generate_private_key, public_key_bytes
from hygeia.suite import Suite
from tests.chains import Chain
from tests.gas.claims_gas import TERMS
from tests.index.conftest import NewIndex, deployment_of, index_once

LAB = data_class_id("laboratory")
GTIN = 614141000418


def history(chain: Chain) -> str:
    """A patient's consents (one revoked), break-glass, a plan and a licensed GS1 prefix."""
    w3 = chain.w3
    patient = chain.suite("patient")
    patient.participants.register_patient(public_key_bytes(generate_private_key()))
    now = block_time(w3)
    for grantee in ("provider", "insurer"):
        request = GrantRequest(
            Action.ACCESS,
            Purpose.TREAT,
            start=now,
            end=now + timedelta(days=30),
            grantee=dev_signer(w3, grantee).address,
            targets=(LAB,),
        )
        _, consent_id = patient.consent.grant(patient.sender.address, request)  # type: ignore[union-attr]
    me = str(patient.sender.address)  # type: ignore[union-attr]
    patient.consent.revoke(patient.consent.consent(me, consent_id))
    doctor = chain.suite("provider").consent
    doctor.open_break_glass(patient.sender.address, "unconscious", timedelta(hours=1))  # type: ignore[union-attr]
    doctor.close_break_glass(patient.sender.address)  # type: ignore[union-attr]
    chain.suite("insurer").claims.register_plan(b"\x07" * 32, TERMS)
    chain.suite("regulator").provenance.license_company_prefix(
        "0614141", dev_signer(w3, "manufacturer").address
    )
    return str(patient.sender.address)  # type: ignore[union-attr]


def test_the_sdk_reads_the_same_events_from_the_index_as_from_the_chain(
    own_chain: Chain, new_index: NewIndex
) -> None:
    patient = history(own_chain)
    url = new_index()
    index_once(own_chain, url).close()
    w3, deployment = own_chain.w3, deployment_of(own_chain)
    logs = IndexedLogs.for_deployment(url, w3, deployment)
    try:
        indexed, direct = Suite(w3, deployment, logs=logs), Suite(w3, deployment)
        assert indexed.consent.consents(patient) == direct.consent.consents(patient)
        assert len(direct.consent.consents(patient)) == 2
        assert indexed.consent.audit_trail(patient) == direct.consent.audit_trail(patient)
        insurer = dev_signer(w3, "insurer").address
        assert indexed.claims.plans_of(insurer) == direct.claims.plans_of(insurer) != []
        licensed = [
            dict(log["args"]) for log in indexed.provenance.event_logs("CompanyPrefixLicensed", {})
        ]
        assert licensed == [
            dict(log["args"]) for log in direct.provenance.event_logs("CompanyPrefixLicensed", {})
        ]
        assert logs.lag(w3) == 0
        # And the answers really come from the index: what it has not indexed yet, it lacks.
        trail = indexed.consent.audit_trail(patient)
        chain_suite = own_chain.suite("provider").consent
        chain_suite.open_break_glass(patient, "again", timedelta(hours=1))
        assert indexed.consent.audit_trail(patient) == trail
        assert len(direct.consent.audit_trail(patient)) == len(trail) + 1
        assert (logs.lag(w3) or 0) >= 1
    finally:
        logs.store.close()


def test_the_cli_answers_the_same_with_index_as_without(
    own_chain: Chain, new_index: NewIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    patient = history(own_chain)
    url = new_index()
    where = ["--rpc", own_chain.url, "--deployments", str(own_chain.deployments), "--json"]
    assert main(["index", "--once", "--index", url, *where]) == 0
    capsys.readouterr()
    for command in (["consent", "list"], ["consent", "audit"]):
        assert main([*command, "--patient", patient, *where]) == 0
        direct = json.loads(capsys.readouterr().out)
        assert main([*command, "--patient", patient, *where, "--index", url]) == 0
        assert json.loads(capsys.readouterr().out) == direct
    # A break-glass the index has not seen yet: the CLI reads the index and says it lags.
    own_chain.suite("provider").consent.open_break_glass(patient, "again", timedelta(hours=1))
    assert main(["consent", "audit", "--patient", patient, *where, "--index", url]) == 0
    out, err = capsys.readouterr()
    assert "block(s) behind the chain" in err
    assert main(["consent", "audit", "--patient", patient, *where]) == 0
    direct_rows = json.loads(capsys.readouterr().out)["disclosures"]
    assert len(json.loads(out)["disclosures"]) == len(direct_rows) - 1


def test_an_index_of_another_chain_or_none_at_all_is_refused_by_name(
    own_chain: Chain, new_index: NewIndex, tmp_path_factory: pytest.TempPathFactory
) -> None:
    w3, deployment = own_chain.w3, deployment_of(own_chain)
    with pytest.raises(IndexStoreError, match="run `hygeia index` first"):
        IndexedLogs.for_deployment(new_index(), w3, deployment)
    from tests.chains import anvil_chain

    # Another chain id: two fresh Anvils started in the same second are otherwise the same chain.
    with anvil_chain(tmp_path_factory.mktemp("other-chain"), chain_id=1337) as other:
        other.deploy()
        url = new_index()
        index_once(other, url).close()
        with pytest.raises(IndexMismatchError, match="another chain or deployment"):
            IndexedLogs.for_deployment(url, w3, deployment)


def test_a_units_trace_reads_the_same_chain_events_from_the_index(
    own_chain: Chain, new_index: NewIndex, tmp_path: Path
) -> None:
    """A lot commissioned, shipped whole and received, a unit of it reported suspect and a
    second lot of the same product quarantined: the chain events of the unit's and the lot's
    trace (TraceReader.lot_events) come from the index's custody table as from the chain."""
    w3, deployment = own_chain.w3, deployment_of(own_chain)
    regulator = own_chain.suite("regulator")
    regulator.participants.issue_credential(
        dev_signer(w3, "distributor").address,
        Role.DISTRIBUTOR,
        license_id="L-distributor",
        jurisdiction="US-NJ",
        valid_from=block_time(w3) - timedelta(days=1),
        valid_until=block_time(w3) + timedelta(days=365),
    )
    # Every EPCIS event names its parties by GLN: each licenses a prefix and binds its GLN.
    for name, prefix in (("manufacturer", "0614141"), ("distributor", "0614150")):
        regulator.provenance.license_company_prefix(prefix, dev_signer(w3, name).address)
        own_chain.suite(name).provenance.register_gln(
            gs1.gln_under(prefix, 1), len(prefix), party=True
        )
    store = LocalStore(tmp_path / "store")
    address = deployment.address_of("DrugProvenance")

    def flow(name: str) -> ProvenanceFlow:
        client = DrugProvenanceClient(w3, address, own_chain.sender(name))
        return ProvenanceFlow(client, store, chain_id=w3.eth.chain_id, clock=lambda: block_time(w3))

    maker, wholesaler = flow("manufacturer"), flow("distributor")
    maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
    serials = [f"SN{n}" for n in range(6)]
    stock = maker.commission(GTIN, "LOT-A", date(2031, 1, 31), serials).id
    wholesaler.receive(maker.ship(stock, dev_signer(w3, "distributor").address).id)
    wholesaler.report_suspect(GTIN, "damaged seal", serial=serials[2])
    maker.commission(GTIN, "LOT-B", date(2031, 1, 31), ["X1", "X2"])
    maker.quarantine(GTIN, "temperature", lot="LOT-B")
    url = new_index()
    index_once(own_chain, url).close()
    logs = IndexedLogs.for_deployment(url, w3, deployment)
    try:
        from_chain = TraceReader(DrugProvenanceClient(w3, address), store)
        from_index = TraceReader(DrugProvenanceClient(w3, address, logs=logs), store)
        for lot, units in (("LOT-A", serials[2:3]), ("LOT-A", serials), ("LOT-B", ["X1"])):
            key = TraceReader.lot_key(GTIN, lot)
            unit_ids = [ids.unit_id(GTIN, ids.digest(s)) for s in units]
            direct = from_chain.lot_events(GTIN, key, unit_ids)
            assert from_index.lot_events(GTIN, key, unit_ids) == direct
            assert direct, lot
        names = [
            e.name for e in from_chain.lot_events(GTIN, TraceReader.lot_key(GTIN, "LOT-A"), [])
        ]
        assert names[:3] == ["LotCommissioned", "ShipmentDispatched", "ShipmentReceived"]
        assert "ProductQuarantined" in [
            e.name for e in from_index.lot_events(GTIN, TraceReader.lot_key(GTIN, "LOT-B"), [])
        ]
        # The whole trace, documents and all, is the same read through the index.
        assert from_index.lot(GTIN, "LOT-A").alerts() == from_chain.lot(GTIN, "LOT-A").alerts()
    finally:
        logs.store.close()
