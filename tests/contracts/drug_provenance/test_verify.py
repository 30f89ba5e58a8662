"""DrugProvenance.verify: the DSCSA verification of a product identifier, one status each, and
the documented precedence when several apply."""

from __future__ import annotations

import pytest

from hygeia.provenance import gs1
from tests.contracts.drug_provenance.support import (
    CID,
    EXPIRY,
    GTIN,
    LOT,
    LOT_SCOPE,
    OTHER_GTIN,
    OTHER_LOT,
    REASON,
    SERIALS,
    UNIT_SCOPE,
    ZERO32,
    LotModel,
    epcis,
    serial,
    status_of,
)


@pytest.fixture
def second_lot(provenance, lot, manufacturer):
    """Lot LOT-B2 of the same product (four other serials), expiring at the end of Feb 2030."""
    model = LotModel(
        GTIN,
        OTHER_LOT,
        300200,
        ("B-1", "B-2", "B-3", "B-4"),
        manufacturer.address,
        epcis("commissioning B"),
    )
    provenance.commission(
        GTIN,
        OTHER_LOT,
        300200,
        4,
        model.tree.root,
        model.commissioning_event,
        CID,
        {"from": manufacturer},
    )
    return model


def test_a_commissioned_unit_with_the_right_lot_and_expiry_is_valid(provenance, lot):
    assert [status_of(provenance, lot, s) for s in SERIALS] == ["VALID"] * len(SERIALS)


def test_an_unregistered_gtin_is_unknown(provenance, lot):
    assert status_of(provenance, lot, "SN0001", gtin=OTHER_GTIN) == "UNKNOWN"


def test_a_serial_never_commissioned_is_unknown_whatever_the_proof(provenance, lot):
    assert status_of(provenance, lot, "NEVER-MADE") == "UNKNOWN"
    assert status_of(provenance, lot, "NEVER-MADE", proof=lot.lot_proof("SN0001")) == "UNKNOWN"


def test_a_wrong_proof_for_a_real_serial_is_unknown(provenance, lot):
    assert status_of(provenance, lot, "SN0001", proof=lot.lot_proof("SN0002")) == "UNKNOWN"


def test_a_wrong_expiry_is_a_mismatch(provenance, lot):
    assert status_of(provenance, lot, "SN0001", expiry=301230) == "MISMATCH"


def test_verify_answers_about_the_printed_lot_only(provenance, lot, second_lot):
    # A real unit printed with a lot that does not exist, or with another real lot of the
    # product, is unknown there, whatever proof comes with it: the SDK, not the chain, finds
    # the lot it is in (and answers MISMATCH).
    assert status_of(provenance, lot, "SN0001", lot=serial("LOT-XX")) == "UNKNOWN"
    assert status_of(provenance, lot, "SN0001", lot=OTHER_LOT) == "UNKNOWN"
    assert status_of(provenance, second_lot, "B-2", lot=LOT) == "UNKNOWN"
    assert status_of(provenance, second_lot, "B-2") == "VALID"


def test_verify_gas_does_not_grow_with_the_products_lots(provenance, lot, manufacturer):
    def cost(text: str, printed: bytes) -> int:
        position = lot.position_of.get(text, 0)
        proof = lot.lot_proof(text) if text in lot.position_of else []
        return provenance.verify.estimate_gas(GTIN, serial(text), printed, EXPIRY, position, proof)

    before = (cost("SN0001", LOT), cost("COUNTERFEIT", LOT), cost("SN0001", serial("LOT-XX")))
    for n in range(12):
        extra = LotModel(GTIN, serial(f"MORE-{n}"), EXPIRY, (f"M{n}-1",), manufacturer.address)
        provenance.commission(
            GTIN,
            extra.lot,
            EXPIRY,
            1,
            extra.tree.root,
            epcis(f"more {n}"),
            CID,
            {"from": manufacturer},
        )
    after = (cost("SN0001", LOT), cost("COUNTERFEIT", LOT), cost("SN0001", serial("LOT-XX")))
    assert after == before


def test_a_unit_expires_after_the_last_second_of_its_expiry_day(provenance, lot, mine_at):
    end = gs1.expiry_end(EXPIRY)
    mine_at(end)
    assert status_of(provenance, lot, "SN0001") == "VALID"
    mine_at(end + 1)
    assert status_of(provenance, lot, "SN0001") == "EXPIRED"


def test_day_zero_expires_at_the_end_of_the_month(provenance, second_lot, mine_at):
    end = gs1.expiry_end(300228)  # 2030 is no leap year: day 00 of February is the 28th
    assert gs1.expiry_end(300200) == end
    mine_at(end)
    assert status_of(provenance, second_lot, "B-1") == "VALID"
    mine_at(end + 1)
    assert status_of(provenance, second_lot, "B-1") == "EXPIRED"


# ------------------------------------------------------------------------------------ precedence


@pytest.fixture
def apply(provenance, lot, at_pharmacy, dispense, manufacturer, pharmacy, regulator, mine_at):
    """`apply(state)` puts unit SN0001 (at the pharmacy) or its lot into `state`."""

    def _apply(state):
        unit = serial("SN0001")
        if state == "dispensed":
            assert dispense(at_pharmacy, "SN0001").return_value is True
        elif state == "recalled":
            provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": regulator})
        elif state in ("quarantined", "illegitimate"):
            standing = lot.standing(at_pharmacy, "SN0001")
            provenance.quarantine(
                UNIT_SCOPE, GTIN, unit, standing, REASON, epcis("q"), CID, {"from": pharmacy}
            )
            if state == "illegitimate":
                provenance.confirmIllegitimate(
                    UNIT_SCOPE, GTIN, unit, REASON, epcis("c"), CID, {"from": manufacturer}
                )
        elif state == "lot quarantined":
            standing = lot.standing(at_pharmacy)
            provenance.quarantine(
                LOT_SCOPE, GTIN, LOT, standing, REASON, epcis("lq"), CID, {"from": pharmacy}
            )
        elif state == "excursion":
            provenance.recordSensorReadings(
                at_pharmacy, ZERO32, -100, 800, epcis("s"), CID, {"from": pharmacy}
            )
        elif state == "expired":
            mine_at(gs1.expiry_end(EXPIRY) + 1)

    return _apply


# States in the order they are applied (a lifecycle only moves forward: expiry and recall
# last), and the status verify must answer.
PRECEDENCE = [
    (("dispensed", "expired"), "DISPENSED"),
    (("dispensed", "quarantined"), "QUARANTINED"),
    (("excursion", "expired"), "QUARANTINED"),
    (("lot quarantined", "expired"), "QUARANTINED"),
    (("dispensed", "recalled"), "RECALLED"),
    (("quarantined", "recalled"), "RECALLED"),
    (("excursion", "recalled", "expired"), "RECALLED"),
    (("illegitimate", "recalled"), "ILLEGITIMATE"),
    (("dispensed", "illegitimate", "recalled", "expired"), "ILLEGITIMATE"),
]


@pytest.mark.parametrize(
    ("states", "expected"), PRECEDENCE, ids=[" + ".join(s) for s, _ in PRECEDENCE]
)
def test_verify_answers_the_state_that_comes_first_in_the_precedence(
    provenance, lot, apply, states, expected
):
    for state in states:
        apply(state)
    assert status_of(provenance, lot, "SN0001") == expected


def test_identity_comes_before_any_state(provenance, lot, apply):
    for state in ("dispensed", "illegitimate", "recalled"):
        apply(state)
    assert status_of(provenance, lot, "SN0001", expiry=301230) == "MISMATCH"
    assert status_of(provenance, lot, "SN0001", proof=[]) == "UNKNOWN"
