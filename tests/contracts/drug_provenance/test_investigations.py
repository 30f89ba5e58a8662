"""DrugProvenance recalls and investigations of suspect product: quarantine (by the manufacturer,
a regulator, or a party in the lot's chain of custody with its standing), reports of suspect
product (any trading partner; no state change), quarantine bars, clearance and confirmation as
illegitimate, of lots and of units."""

from __future__ import annotations

import pytest

from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.contracts.drug_provenance.support import (
    CID,
    DISPENSER_ROLE,
    DISTRIBUTOR_ROLE,
    GTIN,
    LOT,
    LOT_SCOPE,
    MANUFACTURER_ROLE,
    NO_STANDING,
    OTHER_GTIN,
    OTHER_LOT,
    REASON,
    SERIALS,
    UNIT_SCOPE,
    UNKNOWN_HOLDING,
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
# Hold no trading partner credential and are no regulator: may neither quarantine nor report.
OUTSIDERS = ["provider", "patient", "stranger", "admin"]
NOT_REGULATORS = ["manufacturer", "distributor", "pharmacy", "provider", "patient", "stranger"]
CUSTODY = ["distributor", "pharmacy"]  # in the chain of custody of the `at_pharmacy` lot
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
def quarantined(provenance, lot, target, manufacturer):
    scope, ident, _, _ = target
    provenance.quarantine(
        scope, GTIN, ident, NO_STANDING, REASON, epcis("quarantine"), CID, {"from": manufacturer}
    )
    return target


@pytest.fixture
def standing_of(lot, at_pharmacy):
    """`standing_of(name, target)`: the standing of the distributor or the pharmacy (holdings of
    `at_pharmacy`'s lot) for `target`: its holding, and for a unit the unit's lot proof."""

    def _standing(name, target):
        scope, _, _, probe = target
        holding = at_pharmacy if name == "pharmacy" else lot.shipment("to distributor")
        return lot.standing(holding, probe if scope == UNIT_SCOPE else None)

    return _standing


@pytest.fixture
def quarantine(provenance, named):
    """`quarantine(name, target, standing=NO_STANDING, label="quarantine")` -> tx."""

    def _quarantine(name, target, standing=NO_STANDING, *, label="quarantine", reason=REASON):
        scope, ident, _, _ = target
        sender = named[name] if isinstance(name, str) else name
        return provenance.quarantine(
            scope, GTIN, ident, standing, reason, epcis(label), CID, {"from": sender}
        )

    return _quarantine


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


def assert_quarantined(provenance, lot, target, tx, by):
    scope, _, key, probe = target
    assert investigation_of(provenance, target) == 1
    assert status_of(provenance, lot, probe) == "QUARANTINED"
    assert_event(
        tx,
        "ProductQuarantined",
        target=key,
        gtin=GTIN,
        by=by,
        scope=scope,
        reasonHash=REASON,
        epcisHash=epcis("quarantine"),
        cid=CID,
    )


@pytest.mark.parametrize("name", AUTHORITIES)
def test_the_manufacturer_or_a_regulator_quarantines_without_standing(
    provenance, lot, target, quarantine, named, name
):
    tx = quarantine(name, target)
    assert_quarantined(provenance, lot, target, tx, named[name])


@pytest.mark.parametrize("name", CUSTODY)
def test_a_party_in_the_chain_of_custody_quarantines_with_its_standing(
    provenance, lot, target, quarantine, standing_of, named, name
):
    tx = quarantine(name, target, standing_of(name, target))
    assert_quarantined(provenance, lot, target, tx, named[name])


def test_a_party_that_shipped_everything_keeps_its_standing_through_its_emptied_holding(
    provenance, lot, target, at_pharmacy, quarantine, ship, distributor
):
    # The distributor ships its remaining units on; its emptied holding still shows it held them.
    rest = lot.shipment("to distributor")
    ship("rest", parent=rest, sender=distributor, receiver=lot.manufacturer)
    scope, _, _, probe = target
    tx = quarantine(
        "distributor", target, lot.standing(rest, probe if scope == UNIT_SCOPE else None)
    )
    assert_quarantined(provenance, lot, target, tx, distributor)


def test_the_sender_of_a_shipment_in_transit_has_standing_from_it(
    provenance, lot, target, quarantine, ship, receive, distributor, pharmacy
):
    # The distributor sends everything it received on to the pharmacy; while the units travel,
    # the custodian of that shipment is still its sender.
    ship("to distributor")
    receive("to distributor")
    ship("onward", parent=lot.shipment("to distributor"), sender=distributor, receiver=pharmacy)
    scope, _, _, probe = target
    standing = lot.standing(lot.shipment("onward"), probe if scope == UNIT_SCOPE else None)
    tx = quarantine("distributor", target, standing)
    assert investigation_of(provenance, target) == 1
    assert tx.events["ProductQuarantined"]["by"] == distributor


def test_a_unit_quarantine_leaves_the_rest_of_the_lot_valid(provenance, lot, at_pharmacy, pharmacy):
    provenance.quarantine(
        UNIT_SCOPE,
        GTIN,
        serial("SN0002"),
        lot.standing(at_pharmacy, "SN0002"),
        REASON,
        epcis("q"),
        CID,
        {"from": pharmacy},
    )
    assert status_of(provenance, lot, "SN0003") == "VALID"


@pytest.mark.parametrize("name", AUTHORITIES)
def test_the_manufacturer_or_a_regulator_quarantines_a_package_with_an_unknown_serial(
    provenance, lot, named, name
):
    provenance.quarantine(
        UNIT_SCOPE,
        GTIN,
        serial("FAKE"),
        NO_STANDING,
        REASON,
        epcis("q"),
        CID,
        {"from": named[name]},
    )
    assert provenance.unitOf(GTIN, serial("FAKE"))[1] == 1


@pytest.mark.parametrize("name", OUTSIDERS)
def test_only_a_trading_partner_a_manufacturer_or_a_regulator_quarantines(
    target, quarantine, named, reverts_with, name
):
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        quarantine(name, target)


@pytest.mark.parametrize("name", CUSTODY)
def test_a_party_in_the_chain_of_custody_needs_its_standing(
    provenance, lot, target, at_pharmacy, quarantine, standing_of, named, reverts_with, name
):
    _, _, key, probe = target
    own = standing_of(name, target)
    foreign = lot.standing(lot.commissioning, probe if target[0] == UNIT_SCOPE else None)
    for standing in (NO_STANDING, (UNKNOWN_HOLDING, own[1], own[2]), foreign):
        with reverts_with("DrugProvenanceNoStanding", named[name], key):
            quarantine(name, target, standing)
    assert investigation_of(provenance, target) == 0


def test_a_unit_proof_must_show_the_unit_in_the_standing_holdings_lot(
    lot, at_pharmacy, quarantine, pharmacy, reverts_with
):
    target = (UNIT_SCOPE, serial("SN0002"), unit_id("SN0002"), "SN0002")
    own = lot.position_of["SN0002"]
    for position, proof in (
        (own, []),
        (own, lot.lot_proof("SN0003")),
        (own, [bytes(32)] * 3),
        (lot.position_of["SN0003"], lot.lot_proof("SN0003")),  # another position's proof
        (lot.position_of["SN0003"], lot.lot_proof("SN0002")),  # the right proof, wrong position
    ):
        with reverts_with("DrugProvenanceNoStanding", pharmacy, unit_id("SN0002")):
            quarantine("pharmacy", target, (at_pharmacy, position, proof))


def test_another_manufacturer_needs_standing_too(target, quarantine, rival, reverts_with):
    with reverts_with("DrugProvenanceNoStanding", rival, target[2]):
        quarantine(rival, target)


@pytest.mark.parametrize(
    ("name", "role"), [("distributor", DISTRIBUTOR_ROLE), ("pharmacy", DISPENSER_ROLE)]
)
def test_a_party_whose_credential_was_suspended_loses_its_standing(
    participants, target, quarantine, standing_of, named, regulator, reverts_with, name, role
):
    participants.suspendCredential(named[name], role, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        quarantine(name, target, standing_of(name, target))


def test_a_suspended_manufacturer_quarantines_only_as_a_trading_partner(
    participants, target, quarantine, manufacturer, regulator, reverts_with
):
    participants.suspendCredential(manufacturer, MANUFACTURER_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", manufacturer):
        quarantine("manufacturer", target)


@pytest.mark.parametrize("name", ["manufacturer", "regulator", "distributor", "pharmacy"])
def test_a_barred_party_may_not_quarantine(
    provenance, target, at_pharmacy, quarantine, standing_of, named, regulator, reverts_with, name
):
    provenance.setQuarantineBar(named[name], True, {"from": regulator})
    standing = standing_of(name, target) if name in CUSTODY else NO_STANDING
    with reverts_with("DrugProvenanceBarred", named[name]):
        quarantine(name, target, standing)
    assert investigation_of(provenance, target) == 0


def test_a_lifted_bar_lets_a_party_quarantine_again(
    provenance, lot, target, quarantine, standing_of, pharmacy, regulator
):
    provenance.setQuarantineBar(pharmacy, True, {"from": regulator})
    provenance.setQuarantineBar(pharmacy, False, {"from": regulator})
    quarantine("pharmacy", target, standing_of("pharmacy", target))
    assert investigation_of(provenance, target) == 1


def test_quarantine_refuses_unknown_products_and_lots(provenance, lot, manufacturer, reverts_with):
    with reverts_with("DrugProvenanceProductNotFound", OTHER_GTIN):
        provenance.quarantine(
            LOT_SCOPE, OTHER_GTIN, LOT, NO_STANDING, REASON, epcis("q"), CID, {"from": manufacturer}
        )
    with reverts_with("DrugProvenanceLotNotFound", lot_key(OTHER_LOT)):
        provenance.quarantine(
            LOT_SCOPE, GTIN, OTHER_LOT, NO_STANDING, REASON, epcis("q"), CID, {"from": manufacturer}
        )


@pytest.mark.parametrize(("ident", "reason"), [(ZERO32, REASON), (LOT, ZERO32)])
def test_quarantine_refuses_a_zero_id_or_reason(
    provenance, lot, target, manufacturer, reverts_with, ident, reason
):
    scope = target[0]
    with reverts_with("DrugProvenanceZeroValue"):
        provenance.quarantine(
            scope, GTIN, ident, NO_STANDING, reason, epcis("q"), CID, {"from": manufacturer}
        )


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_quarantine_refuses_a_missing_anchor(
    provenance, lot, target, manufacturer, reverts_with, event, cid
):
    scope, ident, _, _ = target
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.quarantine(
            scope, GTIN, ident, NO_STANDING, REASON, event, cid, {"from": manufacturer}
        )


def test_a_target_under_investigation_is_not_quarantined_again(
    provenance, at_pharmacy, quarantined, quarantine, standing_of, manufacturer, reverts_with
):
    scope, ident, key, _ = quarantined
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 1):
        quarantine("pharmacy", quarantined, standing_of("pharmacy", quarantined), label="q2")
    provenance.confirmIllegitimate(
        scope, GTIN, ident, REASON, epcis("c"), CID, {"from": manufacturer}
    )
    with reverts_with("DrugProvenanceUnexpectedInvestigation", key, 2):
        quarantine("regulator", quarantined, label="q3")


# ------------------------------------------------------------------------------------ report


@pytest.mark.parametrize("name", ["manufacturer", "distributor", "pharmacy", "rival", "clinic"])
def test_any_trading_partner_reports_suspect_product_and_nothing_changes(
    provenance, lot, target, named, rival, clinic, manufacturer, name
):
    reporter = {"rival": rival, "clinic": clinic}.get(name) or named[name]
    scope, ident, key, probe = target
    tx = provenance.reportSuspect(
        scope, GTIN, ident, REASON, epcis("report"), CID, {"from": reporter}
    )

    assert [e.name for e in tx.events] == ["SuspectProductReported"]
    assert_event(
        tx,
        "SuspectProductReported",
        gtin=GTIN,
        manufacturer=manufacturer,
        reporter=reporter,
        scope=scope,
        target=key,
        reasonHash=REASON,
        epcisHash=epcis("report"),
        cid=CID,
    )
    assert investigation_of(provenance, target) == 0
    assert status_of(provenance, lot, probe) == "VALID"


def test_a_barred_party_still_reports(provenance, lot, target, pharmacy, regulator):
    provenance.setQuarantineBar(pharmacy, True, {"from": regulator})
    scope, ident, key, _ = target
    tx = provenance.reportSuspect(scope, GTIN, ident, REASON, epcis("r"), CID, {"from": pharmacy})
    assert tx.events["SuspectProductReported"]["target"] == "0x" + key.hex()


@pytest.mark.parametrize(("scope", "text"), [(LOT_SCOPE, "LOT-NEVER"), (UNIT_SCOPE, "NEVER-MADE")])
def test_a_lot_or_serial_no_lot_commissioned_can_be_reported(
    provenance, lot, pharmacy, scope, text
):
    tx = provenance.reportSuspect(
        scope, GTIN, serial(text), REASON, epcis("r"), CID, {"from": pharmacy}
    )
    key = lot_key(serial(text)) if scope == LOT_SCOPE else unit_id(text)
    assert tx.events["SuspectProductReported"]["target"] == "0x" + key.hex()


@pytest.mark.parametrize("name", NOT_PARTNERS)
def test_only_a_trading_partner_reports(provenance, lot, target, named, reverts_with, name):
    scope, ident, _, _ = target
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        provenance.reportSuspect(scope, GTIN, ident, REASON, epcis("r"), CID, {"from": named[name]})


def test_report_refuses_an_unknown_product(provenance, lot, pharmacy, reverts_with):
    with reverts_with("DrugProvenanceProductNotFound", OTHER_GTIN):
        provenance.reportSuspect(
            LOT_SCOPE, OTHER_GTIN, LOT, REASON, epcis("r"), CID, {"from": pharmacy}
        )


@pytest.mark.parametrize(("ident", "reason"), [(ZERO32, REASON), (LOT, ZERO32)])
def test_report_refuses_a_zero_id_or_reason(
    provenance, lot, target, pharmacy, reverts_with, ident, reason
):
    with reverts_with("DrugProvenanceZeroValue"):
        provenance.reportSuspect(
            target[0], GTIN, ident, reason, epcis("r"), CID, {"from": pharmacy}
        )


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_report_refuses_a_missing_anchor(
    provenance, lot, target, pharmacy, reverts_with, event, cid
):
    scope, ident, _, _ = target
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.reportSuspect(scope, GTIN, ident, REASON, event, cid, {"from": pharmacy})


# ------------------------------------------------------------------------------------ bar


@pytest.mark.parametrize("name", ["pharmacy", "distributor", "manufacturer"])
def test_a_regulator_bars_a_party_and_lifts_the_bar(provenance, named, regulator, name):
    account = named[name]
    assert provenance.isBarred(account) is False
    tx = provenance.setQuarantineBar(account, True, {"from": regulator})
    assert provenance.isBarred(account) is True
    assert_event(tx, "QuarantineBarSet", account=account, barred=True, regulator=regulator)

    tx = provenance.setQuarantineBar(account, False, {"from": regulator})
    assert provenance.isBarred(account) is False
    assert_event(tx, "QuarantineBarSet", account=account, barred=False, regulator=regulator)


@pytest.mark.parametrize("name", NOT_REGULATORS)
def test_only_a_regulator_bars(provenance, named, pharmacy, reverts_with, name):
    with reverts_with("DrugProvenanceNotRegulator", named[name]):
        provenance.setQuarantineBar(pharmacy, True, {"from": named[name]})
    assert provenance.isBarred(pharmacy) is False


def test_bar_refuses_the_zero_address_and_a_bar_that_does_not_change(
    provenance, pharmacy, regulator, reverts_with
):
    with reverts_with("DrugProvenanceZeroAddress"):
        provenance.setQuarantineBar(ZERO_ADDRESS, True, {"from": regulator})
    with reverts_with("DrugProvenanceBarUnchanged", pharmacy, False):
        provenance.setQuarantineBar(pharmacy, False, {"from": regulator})
    provenance.setQuarantineBar(pharmacy, True, {"from": regulator})
    with reverts_with("DrugProvenanceBarUnchanged", pharmacy, True):
        provenance.setQuarantineBar(pharmacy, True, {"from": regulator})


def test_a_barred_party_still_trades_and_dispenses(
    provenance, lot, at_pharmacy, dispense, pharmacy, regulator
):
    provenance.setQuarantineBar(pharmacy, True, {"from": regulator})
    assert dispense(at_pharmacy, "SN0001").return_value is True


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
