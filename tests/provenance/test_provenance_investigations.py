"""DrugProvenance recalls and investigations of suspect product: quarantine, clearance and
confirmation as illegitimate, of lots and of units."""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event
from tests.provenance.provenance_support import (
    CID,
    GTIN,
    LOT,
    LOT_SCOPE,
    MANUFACTURER_ROLE,
    OTHER_GTIN,
    OTHER_LOT,
    REASON,
    SERIALS,
    UNIT_SCOPE,
    ZERO32,
    epcis,
    lot_key,
    serial,
    status_of,
    unit_id,
)

AUTHORITIES = ["manufacturer", "regulator"]
NOT_AUTHORITIES = ["distributor", "pharmacy", "provider", "patient", "stranger", "admin"]
PARTNERS = ["manufacturer", "distributor", "pharmacy"]
NOT_PARTNERS = ["regulator", "provider", "patient", "stranger", "admin"]
# (scope, id, target key, a unit whose verify answer shows the target's status)
TARGETS = {
    "lot": (LOT_SCOPE, LOT, lot_key(LOT), "SN0006"),
    "unit": (UNIT_SCOPE, serial("SN0002"), unit_id("SN0002"), "SN0002"),
}


@pytest.fixture(params=sorted(TARGETS))
def target(request):
    return TARGETS[request.param]


def investigation_of(provenance, target):
    scope, ident, key, _ = target
    return provenance.lotOf(key)[6] if scope == LOT_SCOPE else provenance.unitOf(GTIN, ident)[1]


@pytest.fixture
def quarantined(provenance, lot, target, distributor):
    scope, ident, _, _ = target
    provenance.quarantine(
        scope, GTIN, ident, REASON, epcis("quarantine"), CID, {"from": distributor}
    )
    return target


# ------------------------------------------------------------------------------------ recall


@pytest.mark.parametrize("name", AUTHORITIES)
def test_the_manufacturer_or_a_regulator_recalls_a_lot_and_every_unit_answers_recalled(
    provenance, lot, named, name
):
    tx = provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": named[name]})

    assert provenance.lotOf(lot.key)[5] is True
    assert {status_of(provenance, lot, s) for s in SERIALS} == {"RECALLED"}
    assert_event(
        tx,
        "LotRecalled",
        lotKey=lot.key,
        gtin=GTIN,
        by=named[name],
        reasonHash=REASON,
        epcisHash=epcis("recall"),
        cid=CID,
    )


@pytest.mark.parametrize("name", NOT_AUTHORITIES)
def test_only_the_manufacturer_or_a_regulator_recalls(provenance, lot, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotAuthority", GTIN, named[name]):
        provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": named[name]})


def test_another_manufacturer_or_a_suspended_one_may_not_recall(
    provenance, lot, participants, rival, manufacturer, regulator, reverts_with
):
    with reverts_with("DrugProvenanceNotAuthority", GTIN, rival):
        provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": rival})
    participants.suspendCredential(manufacturer, MANUFACTURER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotAuthority", GTIN, manufacturer):
        provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": manufacturer})


def test_recall_refuses_unknown_products_and_lots(provenance, lot, regulator, reverts_with):
    with reverts_with("DrugProvenanceProductNotFound", OTHER_GTIN):
        provenance.recall(OTHER_GTIN, LOT, REASON, epcis("recall"), CID, {"from": regulator})
    with reverts_with("DrugProvenanceLotNotFound", lot_key(OTHER_LOT)):
        provenance.recall(GTIN, OTHER_LOT, REASON, epcis("recall"), CID, {"from": regulator})


def test_recall_refuses_a_zero_reason_and_a_missing_anchor(
    provenance, lot, regulator, reverts_with
):
    with reverts_with("DrugProvenanceZeroValue"):
        provenance.recall(GTIN, LOT, ZERO32, epcis("recall"), CID, {"from": regulator})
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.recall(GTIN, LOT, REASON, ZERO32, CID, {"from": regulator})
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.recall(GTIN, LOT, REASON, epcis("recall"), b"", {"from": regulator})


def test_a_lot_is_recalled_once(provenance, lot, regulator, manufacturer, reverts_with):
    provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": regulator})
    with reverts_with("DrugProvenanceLotRecalled", lot.key):
        provenance.recall(GTIN, LOT, REASON, epcis("recall 2"), CID, {"from": manufacturer})


# ------------------------------------------------------------------------------------ quarantine


@pytest.mark.parametrize("name", PARTNERS)
def test_any_trading_partner_quarantines_a_lot_or_unit(provenance, lot, target, named, name):
    scope, ident, key, probe = target
    tx = provenance.quarantine(
        scope, GTIN, ident, REASON, epcis("quarantine"), CID, {"from": named[name]}
    )

    assert investigation_of(provenance, target) == 1
    assert status_of(provenance, lot, probe) == "QUARANTINED"
    assert_event(
        tx,
        "ProductQuarantined",
        target=key,
        gtin=GTIN,
        by=named[name],
        scope=scope,
        reasonHash=REASON,
        epcisHash=epcis("quarantine"),
        cid=CID,
    )


def test_a_unit_quarantine_leaves_the_rest_of_the_lot_valid(provenance, lot, pharmacy):
    provenance.quarantine(
        UNIT_SCOPE, GTIN, serial("SN0002"), REASON, epcis("q"), CID, {"from": pharmacy}
    )
    assert status_of(provenance, lot, "SN0003") == "VALID"


def test_a_package_with_an_unknown_serial_can_be_quarantined(provenance, lot, pharmacy):
    provenance.quarantine(
        UNIT_SCOPE, GTIN, serial("FAKE"), REASON, epcis("q"), CID, {"from": pharmacy}
    )
    assert provenance.unitOf(GTIN, serial("FAKE"))[1] == 1


@pytest.mark.parametrize("name", NOT_PARTNERS)
def test_only_a_trading_partner_quarantines(provenance, lot, target, named, reverts_with, name):
    scope, ident, _, _ = target
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        provenance.quarantine(scope, GTIN, ident, REASON, epcis("q"), CID, {"from": named[name]})


def test_quarantine_refuses_unknown_products_and_lots(provenance, lot, distributor, reverts_with):
    with reverts_with("DrugProvenanceProductNotFound", OTHER_GTIN):
        provenance.quarantine(
            LOT_SCOPE, OTHER_GTIN, LOT, REASON, epcis("q"), CID, {"from": distributor}
        )
    with reverts_with("DrugProvenanceLotNotFound", lot_key(OTHER_LOT)):
        provenance.quarantine(
            LOT_SCOPE, GTIN, OTHER_LOT, REASON, epcis("q"), CID, {"from": distributor}
        )


@pytest.mark.parametrize(("ident", "reason"), [(ZERO32, REASON), (LOT, ZERO32)])
def test_quarantine_refuses_a_zero_id_or_reason(
    provenance, lot, target, distributor, reverts_with, ident, reason
):
    scope = target[0]
    with reverts_with("DrugProvenanceZeroValue"):
        provenance.quarantine(scope, GTIN, ident, reason, epcis("q"), CID, {"from": distributor})


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_quarantine_refuses_a_missing_anchor(
    provenance, lot, target, distributor, reverts_with, event, cid
):
    scope, ident, _, _ = target
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.quarantine(scope, GTIN, ident, REASON, event, cid, {"from": distributor})


def test_a_target_under_investigation_is_not_quarantined_again(
    provenance, quarantined, pharmacy, manufacturer, reverts_with
):
    scope, ident, key, _ = quarantined
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 1):
        provenance.quarantine(scope, GTIN, ident, REASON, epcis("q2"), CID, {"from": pharmacy})
    provenance.confirmIllegitimate(
        scope, GTIN, ident, REASON, epcis("c"), CID, {"from": manufacturer}
    )
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 2):
        provenance.quarantine(scope, GTIN, ident, REASON, epcis("q3"), CID, {"from": pharmacy})


# ------------------------------------------------------------------------------------ clear


@pytest.mark.parametrize("name", AUTHORITIES)
def test_the_manufacturer_or_a_regulator_clears_a_quarantine(
    provenance, lot, quarantined, named, name
):
    scope, ident, key, probe = quarantined
    tx = provenance.clear(scope, GTIN, ident, epcis("clear"), CID, {"from": named[name]})

    assert investigation_of(provenance, quarantined) == 0
    assert status_of(provenance, lot, probe) == "VALID"
    assert_event(
        tx,
        "ProductCleared",
        target=key,
        gtin=GTIN,
        by=named[name],
        scope=scope,
        epcisHash=epcis("clear"),
        cid=CID,
    )


@pytest.mark.parametrize("name", NOT_AUTHORITIES)
def test_only_the_manufacturer_or_a_regulator_clears(
    provenance, quarantined, named, reverts_with, name
):
    scope, ident, _, _ = quarantined
    with reverts_with("DrugProvenanceNotAuthority", GTIN, named[name]):
        provenance.clear(scope, GTIN, ident, epcis("clear"), CID, {"from": named[name]})


def test_another_manufacturer_may_not_clear(provenance, quarantined, rival, reverts_with):
    scope, ident, _, _ = quarantined
    with reverts_with("DrugProvenanceNotAuthority", GTIN, rival):
        provenance.clear(scope, GTIN, ident, epcis("clear"), CID, {"from": rival})


def test_clear_refuses_a_target_that_is_not_quarantined(
    provenance, lot, target, regulator, reverts_with
):
    scope, ident, key, _ = target
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 0):
        provenance.clear(scope, GTIN, ident, epcis("clear"), CID, {"from": regulator})


def test_clear_refuses_unknown_products_and_lots(provenance, lot, regulator, reverts_with):
    with reverts_with("DrugProvenanceProductNotFound", OTHER_GTIN):
        provenance.clear(LOT_SCOPE, OTHER_GTIN, LOT, epcis("clear"), CID, {"from": regulator})
    with reverts_with("DrugProvenanceLotNotFound", lot_key(OTHER_LOT)):
        provenance.clear(LOT_SCOPE, GTIN, OTHER_LOT, epcis("clear"), CID, {"from": regulator})


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_clear_refuses_a_missing_anchor(
    provenance, quarantined, regulator, reverts_with, event, cid
):
    scope, ident, _, _ = quarantined
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.clear(scope, GTIN, ident, event, cid, {"from": regulator})


# ------------------------------------------------------------------------------------ illegitimate


@pytest.mark.parametrize("name", AUTHORITIES)
def test_the_manufacturer_or_a_regulator_confirms_a_suspect_illegitimate(
    provenance, lot, quarantined, named, name
):
    scope, ident, key, probe = quarantined
    tx = provenance.confirmIllegitimate(
        scope, GTIN, ident, REASON, epcis("confirm"), CID, {"from": named[name]}
    )

    assert investigation_of(provenance, quarantined) == 2
    assert status_of(provenance, lot, probe) == "ILLEGITIMATE"
    assert_event(
        tx,
        "ProductConfirmedIllegitimate",
        target=key,
        gtin=GTIN,
        by=named[name],
        scope=scope,
        reasonHash=REASON,
        epcisHash=epcis("confirm"),
        cid=CID,
    )


def test_illegitimate_is_final(provenance, quarantined, regulator, manufacturer, reverts_with):
    scope, ident, key, _ = quarantined
    provenance.confirmIllegitimate(
        scope, GTIN, ident, REASON, epcis("confirm"), CID, {"from": regulator}
    )
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 2):
        provenance.clear(scope, GTIN, ident, epcis("clear"), CID, {"from": manufacturer})
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 2):
        provenance.confirmIllegitimate(
            scope, GTIN, ident, REASON, epcis("again"), CID, {"from": manufacturer}
        )


@pytest.mark.parametrize("name", NOT_AUTHORITIES)
def test_only_the_manufacturer_or_a_regulator_confirms_illegitimate(
    provenance, quarantined, named, reverts_with, name
):
    scope, ident, _, _ = quarantined
    with reverts_with("DrugProvenanceNotAuthority", GTIN, named[name]):
        provenance.confirmIllegitimate(
            scope, GTIN, ident, REASON, epcis("c"), CID, {"from": named[name]}
        )


def test_confirm_refuses_a_target_that_is_not_quarantined(
    provenance, lot, target, regulator, reverts_with
):
    scope, ident, key, _ = target
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 0):
        provenance.confirmIllegitimate(
            scope, GTIN, ident, REASON, epcis("c"), CID, {"from": regulator}
        )


def test_confirm_refuses_a_zero_reason_and_a_missing_anchor(
    provenance, quarantined, regulator, reverts_with
):
    scope, ident, _, _ = quarantined
    with reverts_with("DrugProvenanceZeroValue"):
        provenance.confirmIllegitimate(
            scope, GTIN, ident, ZERO32, epcis("c"), CID, {"from": regulator}
        )
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.confirmIllegitimate(scope, GTIN, ident, REASON, ZERO32, CID, {"from": regulator})
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.confirmIllegitimate(
            scope, GTIN, ident, REASON, epcis("c"), b"", {"from": regulator}
        )
