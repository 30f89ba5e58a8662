"""Attacks on DrugProvenance that go through the SDK and the `hygeia provenance` CLI, on a chain of
their own (tests/provenance/chain.py): each now fails with its named error and leaves
nothing behind.

3. The same serial commissioned in two lots of one GTIN (a second SGTIN for a package that
   exists already, so a counterfeit verifies as VALID): the SDK refuses it before anything is
   stored or sent, since the contract cannot check it without a storage slot per serial.
1. Freezing product through the workflow: a partner that never held a lot quarantines it, or
   "dispenses" a unit held elsewhere to get it quarantined.
2. A void without a reason.
4. A custody step to or from a party without a GLN: the SDK refuses to write it (named error,
   nothing stored or sent, --json too); one sent around the SDK, naming a party by its chain
   account, fails every trace of the lot, naming the account.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.cli.main import main
from hygeia.core.chain import dev_signer
from hygeia.core.contract_types import HoldingState, Investigation, VerificationStatus
from hygeia.core.errors import (
    ContractRevertError,
    DuplicateSerialError,
    InvalidInputError,
    PartyWithoutGlnError,
)
from hygeia.core.store import LocalStore
from hygeia.core.store.cid import CID
from hygeia.deploy import DeployResult
from hygeia.provenance import epcis, gs1, ids
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.workflow import ProvenanceFlow
from tests.provenance.chain import GLNS, UNBOUND_PARTNER, sender

Flows = Callable[[str], ProvenanceFlow]
GTIN, GTIN14, EXPIRY = 614141000418, "00614141000418", date(2030, 12, 31)


@pytest.fixture(autouse=True)
def isolation() -> Iterator[None]:
    """These attacks run on their own Anvil, not on brownie's chain (this replaces the brownie
    snapshot fixture the folder's conftest registers)."""
    yield


@pytest.fixture(scope="module")
def earlier_lot(flow_as: Flows) -> list[str]:
    """Product GTIN registered and lot LOT-A of S1-S3 commissioned; S3 goes on to the
    distributor, the pharmacy holds nothing of it."""
    maker = flow_as("manufacturer")
    maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
    serials = ["S1", "S2", "S3"]
    stock = maker.commission(GTIN, "LOT-A", EXPIRY, serials).id
    shipment = maker.ship(stock, flow_as("distributor").me, ["S3"]).id
    flow_as("distributor").receive(shipment)
    return serials


def nothing_sent_or_stored(
    w3: Web3, store: LocalStore, maker: ProvenanceFlow
) -> Callable[[], None]:
    """A check that, when called, asserts the manufacturer sent nothing and nothing was stored
    since this was called."""
    nonce = w3.eth.get_transaction_count(maker.me)
    pins = set(store.pins())
    lots = maker.client.lots_of(GTIN)

    def check() -> None:
        assert w3.eth.get_transaction_count(maker.me) == nonce
        assert set(store.pins()) == pins
        assert maker.client.lots_of(GTIN) == lots

    return check


# ------------------------------------------------------------------------------ 3. duplicate SGTIN


def test_a_serial_of_an_earlier_lot_is_refused_before_anything_is_stored_or_sent(
    flow_as: Flows,
    earlier_lot: list[str],
    provenance_w3: Web3,
    drug_store: LocalStore,
) -> None:
    maker = flow_as("manufacturer")
    unchanged = nothing_sent_or_stored(provenance_w3, drug_store, maker)
    with pytest.raises(DuplicateSerialError) as refused:
        maker.commission(GTIN, "LOT-B", EXPIRY, ["S4", "S3", "S1"])

    assert (refused.value.serials, refused.value.lot, refused.value.gtin) == (
        ["S1", "S3"],
        "LOT-A",
        GTIN14,
    )
    assert "already commissioned in lot 'LOT-A'" in str(refused.value)
    assert isinstance(refused.value, InvalidInputError)
    unchanged()
    # The clone would have verified VALID in LOT-B; the original still does in LOT-A.
    assert maker.verify(GTIN, "S3", "LOT-A", EXPIRY).status is VerificationStatus.VALID
    assert maker.verify(GTIN, "S3", "LOT-B", EXPIRY).status is VerificationStatus.MISMATCH


def test_a_serial_listed_twice_in_one_lot_is_refused(
    flow_as: Flows,
    earlier_lot: list[str],
    provenance_w3: Web3,
    drug_store: LocalStore,
) -> None:
    maker = flow_as("manufacturer")
    unchanged = nothing_sent_or_stored(provenance_w3, drug_store, maker)
    with pytest.raises(DuplicateSerialError) as refused:
        maker.commission(GTIN, "LOT-C", EXPIRY, ["T1", "T2", "T1"])
    assert (refused.value.serials, refused.value.lot) == (["T1"], None)
    assert "listed more than once" in str(refused.value)
    unchanged()


def test_the_cli_refuses_a_duplicate_sgtin_with_a_json_error(
    provenance_node: str,
    provenance_book: Path,
    drug_store: LocalStore,
    provenance_w3: Web3,
    flow_as: Flows,
    earlier_lot: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serials = tmp_path / "serials.txt"
    serials.write_text("S2\nU1\n")
    unchanged = nothing_sent_or_stored(provenance_w3, drug_store, flow_as("manufacturer"))
    args = [
        "provenance", "commission", GTIN14, "--lot", "LOT-D", "--expiry", "301231",
        "--serials", str(serials), "--rpc", provenance_node, "--deployments", str(provenance_book),
        "--store", f"local:{drug_store.root}", "--account", "manufacturer",
    ]  # fmt: skip

    assert main([*args, "--json"]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "DuplicateSerialError"
    assert error["args"] == {"gtin": GTIN14, "serials": ["S2"], "lot": "LOT-A"}
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "DuplicateSerialError" in err and "S2" in err and "LOT-A" in err
    unchanged()


# ------------------------------------------------------------------------------ 1. freezing


def test_a_partner_that_never_held_the_lot_cannot_freeze_it_through_the_sdk(
    flow_as: Flows,
    earlier_lot: list[str],
    address_of: Callable[[str], str],
) -> None:
    pharmacy = flow_as("pharmacy")
    for target in ({"lot": "LOT-A"}, {"serial": "S1"}):
        with pytest.raises(ContractRevertError) as refused:
            pharmacy.quarantine(GTIN, "a rival's product", **target)
        assert refused.value.error_name == "DrugProvenanceNoStanding"
        assert refused.value.error_args["account"] == address_of("pharmacy")
    lot = pharmacy.client.lot_of(ids.lot_key(GTIN, ids.digest("LOT-A")))
    assert lot.investigation is Investigation.NONE
    assert pharmacy.client.unit_of(GTIN, ids.digest("S1")).investigation is Investigation.NONE
    assert pharmacy.verify(GTIN, "S1", "LOT-A", EXPIRY).status is VerificationStatus.VALID


def test_a_partner_that_never_held_the_lot_cannot_freeze_it_through_the_cli(
    provenance_node: str,
    provenance_book: Path,
    drug_store: LocalStore,
    flow_as: Flows,
    earlier_lot: list[str],
    address_of: Callable[[str], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [
        "provenance", "quarantine", GTIN14, "--serial", "S2", "--reason", "spite",
        "--rpc", provenance_node, "--deployments", str(provenance_book),
        "--store", f"local:{drug_store.root}", "--account", "pharmacy", "--json",
    ]  # fmt: skip
    assert main(args) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "DrugProvenanceNoStanding"
    assert error["args"] == {
        "account": address_of("pharmacy"),
        "target": "0x" + ids.unit_id(GTIN, ids.digest("S2")).hex(),
    }
    status = flow_as("pharmacy").verify(GTIN, "S2", "LOT-A", EXPIRY).status
    assert status is VerificationStatus.VALID


def test_dispensing_a_unit_held_elsewhere_alerts_but_freezes_nothing_nor_records_a_dispense(
    flow_as: Flows,
    earlier_lot: list[str],
) -> None:
    # The distributor holds S3. The pharmacy, given one unit of another lot, "dispenses" S3.
    maker, pharmacy = flow_as("manufacturer"), flow_as("pharmacy")
    stock = maker.commission(GTIN, "LOT-E", EXPIRY, ["E1"]).id
    own = maker.ship(stock, pharmacy.me).id
    pharmacy.receive(own)

    dispensed, alert = pharmacy.dispense(own, "S3")

    assert dispensed is False
    event = epcis.decode(pharmacy.store.cat(alert.cid))["epcisBody"]["eventList"][0]
    assert (event["bizStep"], event["disposition"]) == ("inspecting", "non_conformant")
    assert pharmacy.client.unit_of(GTIN, ids.digest("S3")).investigation is Investigation.NONE
    assert pharmacy.verify(GTIN, "S3", "LOT-A", EXPIRY).status is VerificationStatus.VALID


# ------------------------------------------------------------------------------ 2. void


def test_a_void_without_a_reason_is_refused_before_it_is_sent(
    flow_as: Flows,
    earlier_lot: list[str],
    provenance_w3: Web3,
    drug_store: LocalStore,
) -> None:
    maker = flow_as("manufacturer")
    stock = maker.commission(GTIN, "LOT-F", EXPIRY, ["F1"]).id
    shipment = maker.ship(stock, flow_as("distributor").me).id
    unchanged = nothing_sent_or_stored(provenance_w3, drug_store, maker)
    with pytest.raises(InvalidInputError, match="give a reason"):
        maker.void(shipment, "")
    unchanged()
    flow_as("distributor").receive(shipment)  # the receipt still lands


# ------------------------------------------------------------------------------ GLN-less parties


def raw_shipment_document(
    flow: ProvenanceFlow, holding: bytes, to: str, lot: str
) -> tuple[bytes, bytes]:
    """What an attacker anchoring around the SDK writes: a valid EPCIS shipment naming the
    receiver (and itself) by its chain account, as the SDK once did for a party without a GLN.
    Returns the event hash and CID to send."""
    chain_id = flow.chain_id
    event = epcis.object_event(
        event_time=datetime(2030, 1, 2, tzinfo=timezone.utc),
        action="OBSERVE",
        biz_step="shipping",
        disposition="in_transit",
        read_point=epcis.party(chain_id, flow.me),
        lot_class=gs1.lgtin_uri(GTIN, 7, lot),
        quantity=1,
        sources=[(epcis.OWNING_PARTY, epcis.party(chain_id, flow.me))],
        destinations=[(epcis.OWNING_PARTY, epcis.party(chain_id, to))],
    )
    doc = epcis.with_event_ids(epcis.document([event], created=datetime.now(timezone.utc)))
    epcis.validate(doc)  # GS1's schema accepts a URI: only the SDK's rule refuses it
    cid = flow.store.add(epcis.encode(doc))
    return epcis.hash_digest(doc["epcisBody"]["eventList"][0]["eventID"]), bytes(CID.parse(cid))


def test_a_shipment_to_a_party_without_a_gln_is_refused_before_anything_is_stored_or_sent(
    flow_as: Flows,
    earlier_lot: list[str],
    provenance_w3: Web3,
    drug_store: LocalStore,
) -> None:
    maker = flow_as("manufacturer")
    stock = maker.commission(GTIN, "LOT-G1", EXPIRY, ["G1", "G2"]).id
    unbound = dev_signer(provenance_w3, UNBOUND_PARTNER).address
    assert maker.client.is_trading_partner(unbound)  # credentialed, only its GLN is missing
    unchanged = nothing_sent_or_stored(provenance_w3, drug_store, maker)
    for serials in (None, ["G1"]):
        with pytest.raises(PartyWithoutGlnError) as refused:
            maker.ship(stock, unbound, serials)
        assert (refused.value.party, refused.value.role) == (unbound, "receiver")
        assert isinstance(refused.value, InvalidInputError)
    unchanged()
    assert maker.client.holding_of(stock).state is HoldingState.HELD


def test_a_party_without_a_gln_writes_no_epcis_event_through_the_sdk(
    flow_as: Flows,
    earlier_lot: list[str],
    provenance_w3: Web3,
    provenance_suite: DeployResult,
    drug_store: LocalStore,
) -> None:
    """The unbound partner reports a suspect unit, and tries to receive a shipment a raw
    transaction sent it: the SDK writes neither (the shipment's own document, naming it by its
    account, is refused too)."""
    maker = flow_as("manufacturer")
    stock = maker.commission(GTIN, "LOT-G2", EXPIRY, ["G3"]).id
    unbound = dev_signer(provenance_w3, UNBOUND_PARTNER).address
    digest, cid = raw_shipment_document(maker, stock, unbound, "LOT-G2")
    maker.client.ship(stock, [], [], unbound, True, digest, cid)
    shipment = ids.holding_id(maker.me, digest, unbound)
    client = DrugProvenanceClient(
        provenance_w3,
        provenance_suite.deployment.address_of("DrugProvenance"),
        sender(provenance_w3, str(UNBOUND_PARTNER)),
    )
    stranger = ProvenanceFlow(client, drug_store, chain_id=provenance_w3.eth.chain_id)
    unchanged = nothing_sent_or_stored(provenance_w3, drug_store, stranger)
    with pytest.raises(PartyWithoutGlnError) as refused:
        stranger.report_suspect(GTIN, "looks repackaged", lot="LOT-A")
    assert (refused.value.party, refused.value.role) == (unbound, "signer")
    with pytest.raises(PartyWithoutGlnError, match="did:pkh"):
        stranger.receive(shipment)
    unchanged()


def test_a_raw_shipment_naming_a_party_by_its_account_fails_every_trace_of_the_lot(
    flow_as: Flows,
    earlier_lot: list[str],
    provenance_w3: Web3,
) -> None:
    """The attack: a shipper sends ship() itself, around the SDK, with a document naming the
    receiver by its chain account. The chain takes it (the contract does not read GLNs); every
    reader of the lot's trace refuses the document, naming the account, so no GLN-less custody
    step enters a trace. What the chain alone answers (verify) still stands."""
    maker, pharmacy = flow_as("manufacturer"), flow_as("pharmacy")
    stock = maker.commission(GTIN, "LOT-G3", EXPIRY, ["G4"]).id
    unbound = dev_signer(provenance_w3, UNBOUND_PARTNER).address
    digest, cid = raw_shipment_document(maker, stock, unbound, "LOT-G3")
    maker.client.ship(stock, [], [], unbound, True, digest, cid)

    with pytest.raises(PartyWithoutGlnError, match="did:pkh") as refused:
        pharmacy.reader.export(pharmacy.custody(GTIN, "LOT-G3"))
    assert refused.value.role == "place"  # the first thing it names: its own place
    with pytest.raises(PartyWithoutGlnError):
        pharmacy.reader.export(pharmacy.reader.unit(GTIN, "LOT-G3", "G4"))
    assert pharmacy.verify(GTIN, "G4", "LOT-G3", EXPIRY).status is VerificationStatus.VALID


def test_a_raw_shipment_naming_only_its_receiver_by_account_fails_the_trace(
    flow_as: Flows,
    earlier_lot: list[str],
    provenance_w3: Web3,
) -> None:
    """The same, with the shipper's own place a proper SGLN: the destination alone is refused."""
    maker, pharmacy = flow_as("manufacturer"), flow_as("pharmacy")
    stock = maker.commission(GTIN, "LOT-G4", EXPIRY, ["G5"]).id
    unbound = dev_signer(provenance_w3, UNBOUND_PARTNER).address
    chain_id = maker.chain_id
    own = gs1.pgln_uri(GLNS["manufacturer"], 7)
    event = epcis.object_event(
        event_time=datetime(2030, 1, 2, tzinfo=timezone.utc),
        action="OBSERVE",
        biz_step="shipping",
        disposition="in_transit",
        read_point=gs1.sgln_uri(GLNS["manufacturer"], 7),
        lot_class=gs1.lgtin_uri(GTIN, 7, "LOT-G4"),
        quantity=1,
        sources=[(epcis.OWNING_PARTY, own)],
        destinations=[(epcis.OWNING_PARTY, epcis.party(chain_id, unbound))],
    )
    doc = epcis.with_event_ids(epcis.document([event], created=datetime.now(timezone.utc)))
    cid = maker.store.add(epcis.encode(doc))
    digest = epcis.hash_digest(doc["epcisBody"]["eventList"][0]["eventID"])
    maker.client.ship(stock, [], [], unbound, True, digest, bytes(CID.parse(cid)))

    with pytest.raises(PartyWithoutGlnError, match=unbound) as refused:
        pharmacy.reader.export(pharmacy.custody(GTIN, "LOT-G4"))
    assert refused.value.role == "party"


def test_the_cli_refuses_a_shipment_to_a_party_without_a_gln_with_a_json_error(
    provenance_node: str,
    provenance_book: Path,
    drug_store: LocalStore,
    provenance_w3: Web3,
    flow_as: Flows,
    earlier_lot: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    maker = flow_as("manufacturer")
    stock = maker.commission(GTIN, "LOT-G5", EXPIRY, ["G6"]).id
    unbound = dev_signer(provenance_w3, UNBOUND_PARTNER).address
    unchanged = nothing_sent_or_stored(provenance_w3, drug_store, maker)
    args = [
        "provenance", "ship", "0x" + stock.hex(), "--to", unbound,
        "--rpc", provenance_node, "--deployments", str(provenance_book),
        "--store", f"local:{drug_store.root}", "--account", "manufacturer",
    ]  # fmt: skip

    assert main([*args, "--json"]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "PartyWithoutGlnError"
    assert error["args"] == {"party": unbound, "role": "receiver"}
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "PartyWithoutGlnError" in err and unbound in err and "no GLN" in err
    unchanged()
