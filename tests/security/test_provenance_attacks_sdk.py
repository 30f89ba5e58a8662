"""Attacks on DrugProvenance that go through the SDK and the `hygeia provenance` CLI, on a chain of
their own (tests/provenance/chain.py): each now fails with its named error and leaves
nothing behind.

3. The same serial commissioned in two lots of one GTIN (a second SGTIN for a package that
   exists already, so a counterfeit verifies as VALID): the SDK refuses it before anything is
   stored or sent, since the contract cannot check it without a storage slot per serial.
1. Freezing product through the workflow: a partner that never held a lot quarantines it, or
   "dispenses" a unit held elsewhere to get it quarantined.
2. A void without a reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.cli.main import main
from hygeia.core.contract_types import Investigation, VerificationStatus
from hygeia.core.errors import ContractRevertError, DuplicateSerialError, InvalidInputError
from hygeia.core.store import LocalStore
from hygeia.provenance import epcis, ids
from hygeia.provenance.workflow import ProvenanceFlow

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
