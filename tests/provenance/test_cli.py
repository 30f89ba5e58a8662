"""`hygeia provenance ...`: the provenance workflows from the command line, human and --json."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from hygeia.cli.main import main
from hygeia.core.chain import dev_signer
from hygeia.provenance import epcis
from tests.provenance.chain import UNBOUND_PARTNER

GTIN = "00614141000418"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("drug-cli-store")


@pytest.fixture
def provenance(
    provenance_node, provenance_suite, provenance_book, store_dir, capsys, monkeypatch
) -> Run:  # type: ignore[no-untyped-def]
    """provenance("verify", GTIN, ..., account="pharmacy", as_json=True) -> (code, out, err)."""
    monkeypatch.setenv("HYGEIA_PROVENANCE_INDEX", str(store_dir / "index"))

    def run(*argv: str, account: str | None = None, as_json: bool = False) -> tuple[int, str, str]:
        args = [
            "provenance",
            *argv,
            "--rpc",
            provenance_node,
            "--deployments",
            str(provenance_book),
        ]
        args += ["--store", f"local:{store_dir}"]
        if account:
            args += ["--account", account]
        code = main([*args, "--json"] if as_json else args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def serial_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serials") / "serials.txt"
    path.write_text("\n".join(f"C{i:05d}" for i in range(2_000)) + "\n")
    return path


def test_a_lot_goes_from_manufacturer_to_patient_through_the_cli(
    provenance: Run, serial_file: Path, tmp_path: Path
) -> None:
    # The chain fixture licensed the prefix already; licensing it again to the same
    # manufacturer changes nothing and shows the command.
    code, out, _ = provenance("prefix", "0614141", "--to", "manufacturer", as_json=True)
    licensed = json.loads(out)
    assert code == 0 and licensed["prefix"] == "0614141" and licensed["gas_used"] > 0
    code, _, err = provenance("prefix", "0614141", "--to", "manufacturer", account="manufacturer")
    assert code != 0 and "DrugProvenanceNotRegulator" in err
    code, _, err = provenance("prefix", "0999999", "--revoke")
    assert code != 0 and "DrugProvenanceCompanyPrefixNotFound" in err

    code, out, _ = provenance(
        "product",
        GTIN,
        "--name",
        "Amoxicillin 500 mg",
        "--prefix-length",
        "7",
        "--min-temp",
        "2",
        "--max-temp",
        "25",
    )
    assert code == 0 and "registered product 00614141000418" in out

    code, out, _ = provenance(
        "commission",
        GTIN,
        "--lot",
        "CLI-1",
        "--expiry",
        "301231",
        "--serials",
        str(serial_file),
        as_json=True,
    )
    stock = json.loads(out)["holding"]
    assert code == 0 and json.loads(out)["epcis_hash"].startswith("ni:///sha-256;")

    code, out, _ = provenance(
        "ship", stock, "--to", "distributor", account="manufacturer", as_json=True
    )
    to_distributor = json.loads(out)["shipment"]
    assert json.loads(out)["from_holding"] == stock
    # The receiver is told the holding it now has: the one it ships and dispenses from.
    code, out, _ = provenance("receive", to_distributor, account="distributor", as_json=True)
    assert code == 0 and json.loads(out)["holding"] == to_distributor

    picked = tmp_path / "picked.txt"
    picked.write_text("C00001\nC00002\n")
    code, out, _ = provenance(
        "ship",
        to_distributor,
        "--to",
        "pharmacy",
        "--serials",
        str(picked),
        account="distributor",
        as_json=True,
    )
    to_pharmacy = json.loads(out)["shipment"]
    assert json.loads(out)["rest_stays_in"] == to_distributor
    code, out, _ = provenance("receive", to_pharmacy, account="pharmacy")
    assert code == 0 and f"you now hold its units in holding {to_pharmacy}" in out

    code, out, _ = provenance("dispense", to_pharmacy, "C00001", account="pharmacy")
    assert code == 0 and "dispensed C00001" in out
    # A cloned serial is refused, the alert recorded: the answer to "may I dispense it?" is no.
    code, out, _ = provenance("dispense", to_pharmacy, "C00001", account="pharmacy")
    assert code == 3 and "ALERT" in out

    code, out, _ = provenance(
        "verify", GTIN, "C00002", "--lot", "CLI-1", "--expiry", "301231", as_json=True
    )
    assert code == 0 and json.loads(out)["status"] == "VALID"
    code, out, _ = provenance("verify", GTIN, "C00002", "--lot", "CLI-1", "--expiry", "301231")
    assert out.startswith("VALID: GTIN 00614141000418 serial C00002")
    code, out, _ = provenance(
        "verify", GTIN, "NOPE", "--lot", "CLI-1", "--expiry", "301231", as_json=True
    )
    assert code == 3 and json.loads(out)["status"] == "UNKNOWN"
    code, out, _ = provenance("verify", GTIN, "C00001", "--lot", "CLI-1", "--expiry", "301231")
    assert code == 3 and out.startswith("DISPENSED:")

    epcis_out = tmp_path / "trace.jsonld"
    code, out, _ = provenance(
        "trace", GTIN, "--lot", "CLI-1", "--serial", "C00002", "--out", str(epcis_out)
    )
    assert code == 0 and "chain of custody of unit C00002" in out
    epcis.validate(json.loads(epcis_out.read_text()))
    steps = [e["bizStep"] for e in json.loads(epcis_out.read_text())["epcisBody"]["eventList"]]
    assert steps == ["commissioning", "shipping", "receiving", "shipping", "receiving"]
    assert "holdings it passed through" in out
    # The unit's trace read its proof from the serial index, which now keeps the lot's tree.
    index = Path(os.environ["HYGEIA_PROVENANCE_INDEX"])
    assert {p.suffix for p in index.iterdir()} == {".units", ".nodes"}
    code, out, _ = provenance("trace", GTIN, "--lot", "CLI-1", "--serial", "NOPE", as_json=True)
    assert code != 0
    assert json.loads(out)["error"] == {
        "type": "InvalidInputError",
        "message": "serial 'NOPE' is not in lot 'CLI-1'",
    }
    code, out, _ = provenance("trace", GTIN, "--lot", "NEVER", "--serial", "C00002", as_json=True)
    assert code != 0 and json.loads(out)["error"]["message"].endswith("was commissioned")


def test_investigations_excursions_and_recall_through_the_cli(
    provenance: Run,
    tmp_path: Path,
    address_of,
) -> None:  # type: ignore[no-untyped-def]
    serials = tmp_path / "serials.txt"
    serials.write_text("\n".join(f"E{i:05d}" for i in range(2_000)) + "\n")
    code, out, _ = provenance(
        "commission",
        GTIN,
        "--lot",
        "CLI-2",
        "--expiry",
        "301231",
        "--serials",
        str(serials),
        as_json=True,
    )
    stock = json.loads(out)["holding"]
    verify = ("verify", GTIN, "E00003", "--lot", "CLI-2", "--expiry", "301231")

    # The distributor never held CLI-2: it may not quarantine it, and reports it instead.
    code, out, _ = provenance(
        "quarantine",
        GTIN,
        "--serial",
        "E00003",
        "--reason",
        "torn seal",
        account="distributor",
        as_json=True,
    )
    error = json.loads(out)["error"]
    assert code == 1 and error["type"] == "DrugProvenanceNoStanding"
    assert error["args"]["account"] == address_of("distributor")
    code, out, _ = provenance(
        "report", GTIN, "--serial", "E00003", "--reason", "torn seal", account="distributor"
    )
    assert code == 0 and "reported E00003 as suspect (nothing stopped)" in out
    assert json.loads(provenance(*verify, as_json=True)[1])["status"] == "VALID"
    assert (
        provenance(
            "quarantine",
            GTIN,
            "--serial",
            "E00003",
            "--reason",
            "torn seal",
            account="manufacturer",
        )[0]
        == 0
    )
    assert json.loads(provenance(*verify, as_json=True)[1])["status"] == "QUARANTINED"
    assert provenance("clear", GTIN, "--serial", "E00003")[0] == 0
    assert json.loads(provenance(*verify, as_json=True)[1])["status"] == "VALID"

    readings = tmp_path / "logger.csv"
    readings.write_text("time,celsius\n2030-01-01T00:00:00Z,4.5\n2030-01-01T01:00:00Z,27.0\n")
    code, out, _ = provenance(
        "sensor",
        stock,
        "--readings",
        str(readings),
        "--device",
        "urn:epc:id:giai:4000001.9",
        account="manufacturer",
        as_json=True,
    )
    assert code == 0 and json.loads(out)["excursion_open"] is True
    assert json.loads(provenance(*verify, as_json=True)[1])["status"] == "QUARANTINED"
    assert provenance("clear", "--excursion", stock)[0] == 0

    code, out, _ = provenance(
        "recall", GTIN, "--lot", "CLI-2", "--reason", "sterility", as_json=True
    )
    assert code == 0 and json.loads(out)["notify"] == [address_of("manufacturer")]
    assert json.loads(provenance(*verify, as_json=True)[1])["status"] == "RECALLED"


def test_confirming_illegitimate_through_the_cli_names_the_parties_to_notify(
    provenance: Run,
    tmp_path: Path,
    address_of,
) -> None:  # type: ignore[no-untyped-def]
    serials = tmp_path / "serials.txt"
    serials.write_text("D0\nD1\nD2\n")
    commissioned = provenance(
        "commission",
        GTIN,
        "--lot",
        "CLI-3",
        "--expiry",
        "301231",
        "--serials",
        str(serials),
        as_json=True,
    )[1]
    picked = tmp_path / "picked.txt"
    picked.write_text("D1\n")
    provenance(
        "ship",
        json.loads(commissioned)["holding"],
        "--to",
        "distributor",
        "--serials",
        str(picked),
        account="manufacturer",
    )  # in transit: its receiver is in D1's chain of custody
    provenance(
        "quarantine", GTIN, "--serial", "D1", "--reason", "no pedigree", account="manufacturer"
    )

    code, out, _ = provenance(
        "clear", GTIN, "--serial", "D1", "--illegitimate", "--reason", "counterfeit", as_json=True
    )
    assert code == 0
    assert json.loads(out)["notify"] == sorted(
        [address_of("manufacturer"), address_of("distributor")]
    )

    provenance("quarantine", GTIN, "--lot", "CLI-3", "--reason", "no pedigree", account="regulator")
    code, out, _ = provenance(
        "clear", GTIN, "--lot", "CLI-3", "--illegitimate", "--reason", "counterfeit lot"
    )
    assert code == 0 and "confirmed lot CLI-3 illegitimate" in out
    assert address_of("distributor") in out and address_of("manufacturer") in out


def test_cli_errors_are_one_clear_line(provenance: Run, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["provenance", "verify", "00614141000419", "S", "--lot", "L", "--expiry", "1"]) == 2
    assert "wrong GTIN check digit" in capsys.readouterr().err
    code, out, _ = provenance("recall", GTIN, "--lot", "NEVER", "--reason", "x", as_json=True)
    assert code == 1
    assert json.loads(out)["error"]["type"] == "DrugProvenanceLotNotFound"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((GTIN, "--serial", "S", "--illegitimate"), "--illegitimate needs --reason"),
        ((GTIN, "--serial", "S", "--reason", "x"), "--reason goes with --illegitimate"),
        ((GTIN,), "name a GTIN and --lot or --serial"),
        (("--lot", "L"), "name a GTIN and --lot or --serial"),
        (("--excursion", "0x" + "ab" * 32, "--lot", "L"), "--excursion HOLDING goes alone"),
        ((GTIN, "--lot", "L", "--serial", "S"), "not allowed with argument"),
    ],
)
def test_clear_refuses_options_that_do_not_go_together_as_usage_errors(
    provenance: Run, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = provenance("clear", *argv)
    assert code == 2 and message in err and "usage: hygeia provenance clear" in err and not out
    code, out, _ = provenance("clear", *argv, as_json=True)
    error = json.loads(out)["error"]
    assert code == 2 and error["type"] == "UsageError" and message in error["message"]
    assert error["args"]["command"] == "hygeia provenance clear"


def test_who_stops_product_through_the_cli(
    provenance: Run,
    tmp_path: Path,
    address_of,
) -> None:  # type: ignore[no-untyped-def]
    serials = tmp_path / "serials.txt"
    serials.write_text("F0\nF1\nF2\n")

    def ok(*argv: str, account: str | None = None) -> dict[str, Any]:
        code, out, err = provenance(*argv, account=account, as_json=True)
        assert code == 0, out + err
        return dict(json.loads(out))

    commissioned = ok(
        "commission", GTIN, "--lot", "CLI-4", "--expiry", "301231", "--serials", str(serials)
    )
    stock = commissioned["holding"]
    shipment = ok("ship", stock, "--to", "pharmacy", account="manufacturer")["shipment"]
    # A sender voids only with a reason, and only before the receipt.
    code, out, _ = provenance("void", shipment, account="manufacturer", as_json=True)
    assert code == 2 and "--reason" in json.loads(out)["error"]["message"]
    code, out, _ = provenance(
        "void", shipment, "--reason", "wrong address", account="manufacturer", as_json=True
    )
    voided = json.loads(out)
    assert code == 0 and voided["action"].startswith("voided shipment")
    # The units never left: they stay with the sender in the voided shipment's holding.
    assert voided["holding"] == shipment
    shipment = ok("ship", shipment, "--to", "pharmacy", account="manufacturer")["shipment"]
    assert provenance("receive", shipment, account="pharmacy")[0] == 0
    code, out, _ = provenance(
        "void", shipment, "--reason", "too late", account="manufacturer", as_json=True
    )
    assert code == 1
    assert json.loads(out)["error"]["type"] == "DrugProvenanceUnexpectedHoldingState"

    # The pharmacy holds the lot now: it quarantines a unit, its standing found for it.
    code, out, err = provenance(
        "quarantine", GTIN, "--serial", "F1", "--reason", "crushed", account="pharmacy"
    )
    assert code == 0 and "quarantined F1" in out, out + err
    assert provenance("clear", GTIN, "--serial", "F1", account="regulator")[0] == 0

    # A regulator bars it; it can no longer quarantine, but still reports.
    code, out, _ = provenance("bar", "pharmacy", as_json=True)
    assert code == 0 and json.loads(out)["barred"] is True
    assert json.loads(out)["account"] == address_of("pharmacy")
    code, out, _ = provenance(
        "quarantine", GTIN, "--lot", "CLI-4", "--reason", "spite", account="pharmacy", as_json=True
    )
    assert code == 1 and json.loads(out)["error"]["type"] == "DrugProvenanceBarred"
    assert provenance("report", GTIN, "--lot", "CLI-4", "--reason", "x", account="pharmacy")[0] == 0
    code, _, err = provenance("bar", "pharmacy", account="manufacturer")
    assert code == 1 and "DrugProvenanceNotRegulator" in err
    code, out, _ = provenance("bar", "pharmacy", "--lift")
    assert code == 0 and "lifted the bar of" in out

    code, out, _ = provenance("trace", GTIN, "--lot", "CLI-4")
    assert code == 0 and "suspect-product alerts" in out and "reported suspect" in out


def test_glns_barcodes_and_lightweight_messaging_through_the_cli(
    provenance: Run, provenance_w3: Web3, tmp_path: Path
) -> None:
    code, out, _ = provenance(
        "gln", "0614141000029", "--prefix-length", "7", account="manufacturer", as_json=True
    )
    assert code == 0 and json.loads(out)["uri"] == "urn:epc:id:pgln:0614141.00002"
    code, out, _ = provenance(
        "gln", "0614142000028", "--prefix-length", "7", account="manufacturer", as_json=True
    )
    assert (
        code == 1 and json.loads(out)["error"]["type"] == "DrugProvenanceCompanyPrefixNotLicensed"
    )
    code, _, err = provenance("gln", "0614141000028", "--prefix-length", "7")
    assert code == 2 and "wrong GLN check digit" in err

    serials = tmp_path / "serials.txt"
    serials.write_text("BC001\nBC002\nBC003\n")
    code, out, _ = provenance(
        "commission", GTIN, "--lot", "BC-LOT", "--expiry", "301231", "--serials", str(serials),
        account="manufacturer", as_json=True,
    )  # fmt: skip
    stock = json.loads(out)["holding"]
    # Every party is named by its GLN: a buyer that bound none is refused, by name.
    unbound = dev_signer(provenance_w3, UNBOUND_PARTNER).address
    code, out, _ = provenance(
        "ship", stock, "--to", unbound, "--po", "PO-1", account="manufacturer", as_json=True
    )
    error = json.loads(out)["error"]
    assert code == 1 and error["type"] == "PartyWithoutGlnError"
    assert error["args"] == {"party": unbound, "role": "receiver"}
    code, out, _ = provenance(
        "ship", stock, "--to", "pharmacy", "--desadv", "DA-1", "--invoice", "INV-1",
        account="manufacturer", as_json=True,
    )  # fmt: skip
    shipment = json.loads(out)["shipment"]
    scan = "(01)00614141000418(21)BC002(17)301231(10)BC-LOT"
    code, out, _ = provenance("receive", scan, account="pharmacy", as_json=True)
    assert code == 0 and json.loads(out)["holding"] == shipment
    code, out, _ = provenance("dispense", scan, account="pharmacy", as_json=True)
    assert code == 0 and json.loads(out)["serial"] == "BC002"

    link = "https://id.gs1.org/01/00614141000418/10/BC-LOT/21/BC001?exp=301231"
    code, out, _ = provenance("verify", link, as_json=True)
    answer = json.loads(out)
    assert code == 0 and answer["status"] == "VALID"
    assert answer["lms"]["data"] == {"verified": True}
    code, out, _ = provenance("verify", link, "--at", "2031-02-01")
    assert code == 3 and out.startswith("EXPIRED:") and "additionalInfo Expired" in out
    code, out, _ = provenance("verify", scan.replace("BC002", "BC001").replace("BC-LOT", "X"))
    assert code == 3 and "verificationFailureReason No_match_GTIN_Serial_Lot" in out
    code, out, _ = provenance("verify", scan, as_json=True)  # dispensed
    assert json.loads(out)["lms"]["data"]["verificationFailureReason"] == "Not_for_re-distribution"

    code, out, _ = provenance(
        "verify", link.replace("00614141000418", "00614141000419"), as_json=True
    )
    assert code == 2 and "check digit" in json.loads(out)["error"]["message"]
    code, out, _ = provenance("verify", GTIN, "BC001", as_json=True)
    assert code == 2 and json.loads(out)["error"]["type"] == "UsageError"
    code, _, err = provenance("verify", link, "--lot", "BC-LOT")
    assert code == 2 and "a barcode carries" in err
