"""DrugProvenance custody: shipping whole holdings and proven subsets, receipt, voiding."""

from __future__ import annotations

import pytest

from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.provenance.provenance_support import (
    CID,
    COMMISSIONING,
    DISTRIBUTOR_ROLE,
    GTIN,
    HELD,
    ILLEGITIMATE,
    IN_TRANSIT,
    LOT,
    LOT_SCOPE,
    QUARANTINED,
    REASON,
    RECALLED,
    SERIALS,
    UNIT_SCOPE,
    UNSELECTED,
    VOIDED,
    ZERO32,
    epcis,
    holding_of,
    serial,
)

NO_TRADING_PARTNERS = ["provider", "regulator", "patient", "stranger", "admin"]


@pytest.fixture
def shipped(ship):
    """The whole lot shipped (a sale) manufacturer -> distributor, in transit."""
    ship("to distributor")
    return epcis("to distributor")


@pytest.fixture
def send(provenance, lot, manufacturer, distributor):
    """`send(label, selection=UNSELECTED, **overrides)`: a raw `ship` call (for reverts)."""

    def _send(
        label="shipment",
        selection=UNSELECTED,
        *,
        parent=COMMISSIONING,
        sender=None,
        receiver=None,
        sale=True,
        cid=CID,
    ):
        return provenance.ship(
            parent,
            selection,
            receiver or distributor,
            sale,
            epcis(label) if label else ZERO32,
            cid,
            {"from": sender or manufacturer},
        )

    return _send


# ------------------------------------------------------------------------------------ ship


def test_shipping_a_whole_holding_moves_its_root_and_empties_the_parent(
    provenance, lot, ship, manufacturer, distributor
):
    tx = ship("to distributor")

    assert holding_of(provenance, epcis("to distributor")) == {
        "root": lot.tree.root,
        "lotKey": lot.key,
        "custodian": manufacturer,
        "state": IN_TRANSIT,
        "transfersOwnership": True,
        "excursion": False,
        "units": len(SERIALS),
        "owner": manufacturer,
        "receiver": distributor,
    }
    parent = holding_of(provenance, COMMISSIONING)
    assert (parent["root"], parent["units"], parent["state"]) == (ZERO32, 0, HELD)
    assert_event(
        tx,
        "ShipmentDispatched",
        shipment=epcis("to distributor"),
        lotKey=lot.key,
        receiver=distributor,
        parent=COMMISSIONING,
        sender=manufacturer,
        transfersOwnership=True,
        units=len(SERIALS),
        root=lot.tree.root,
        remainderRoot=ZERO32,
        cid=CID,
    )


def test_shipping_a_subset_splits_the_tree_into_the_sdks_roots(
    provenance, lot, ship, manufacturer, distributor
):
    tx = ship("part", ["SN0001", "SN0004", "SN0006"])

    shipment, parent = holding_of(provenance, epcis("part")), holding_of(provenance, COMMISSIONING)
    assert shipment["root"] == lot.holding_tree(epcis("part")).root
    assert parent["root"] == lot.holding_tree(COMMISSIONING).root
    assert (shipment["units"], parent["units"]) == (3, 5)
    assert_event(
        tx,
        "ShipmentDispatched",
        shipment=epcis("part"),
        lotKey=lot.key,
        receiver=distributor,
        parent=COMMISSIONING,
        sender=manufacturer,
        transfersOwnership=True,
        units=3,
        root=shipment["root"],
        remainderRoot=parent["root"],
        cid=CID,
    )


def test_shipping_every_unit_as_a_subset_leaves_an_empty_parent(provenance, lot, ship):
    ship("all by proof", SERIALS)

    assert holding_of(provenance, COMMISSIONING)["root"] == ZERO32
    assert holding_of(provenance, epcis("all by proof"))["root"] == lot.tree.root


def test_a_single_unit_ships_with_its_path_as_multiproof(provenance, lot, ship):
    ship("one", ["SN0007"])
    assert holding_of(provenance, epcis("one"))["root"] == lot.holding_tree(epcis("one")).root


def test_units_of_a_shipment_are_shipped_on_from_the_received_holding(
    provenance, lot, ship, receive, distributor, pharmacy
):
    ship("part", ["SN0001", "SN0002", "SN0003"])
    receive("part")
    ship("on", ["SN0002"], parent=epcis("part"), sender=distributor, receiver=pharmacy)

    assert holding_of(provenance, epcis("part"))["root"] == lot.holding_tree(epcis("part")).root
    assert holding_of(provenance, epcis("on"))["root"] == lot.holding_tree(epcis("on")).root


def test_a_move_without_sale_keeps_the_owner_after_receipt(
    provenance, ship, receive, manufacturer, distributor
):
    ship("to 3pl", sale=False)
    tx = receive("to 3pl")

    held = holding_of(provenance, epcis("to 3pl"))
    assert (held["custodian"], held["owner"]) == (distributor, manufacturer)
    assert tx.events["ShipmentReceived"]["owner"] == manufacturer


def test_a_custodian_that_does_not_own_the_units_may_move_but_not_sell_them(
    ship, receive, send, manufacturer, distributor, pharmacy, reverts_with
):
    ship("to 3pl", sale=False)
    receive("to 3pl")
    with reverts_with("DrugProvenanceNotOwner", epcis("to 3pl"), distributor):
        send("sale", parent=epcis("to 3pl"), sender=distributor, receiver=pharmacy, sale=True)
    send("move", parent=epcis("to 3pl"), sender=distributor, receiver=pharmacy, sale=False)


@pytest.mark.parametrize("name", NO_TRADING_PARTNERS)
def test_only_a_trading_partner_ships(send, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        send(sender=named[name])


def test_a_party_whose_credential_was_suspended_may_not_ship(
    ship, receive, send, participants, distributor, pharmacy, regulator, reverts_with
):
    ship("to distributor")
    receive("to distributor")
    participants.suspendCredential(distributor, DISTRIBUTOR_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", distributor):
        send(parent=epcis("to distributor"), sender=distributor, receiver=pharmacy)


def test_ship_refuses_an_unknown_holding(send, reverts_with):
    with reverts_with("DrugProvenanceHoldingNotFound", epcis("nowhere")):
        send(parent=epcis("nowhere"))


@pytest.mark.parametrize("name", ["distributor", "pharmacy"])
def test_only_the_custodian_ships_a_holding(send, lot, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotCustodian", COMMISSIONING, named[name]):
        send(sender=named[name], receiver=named["manufacturer"])


def test_the_receiver_may_not_ship_a_shipment_before_receiving_it(
    shipped, send, distributor, pharmacy, reverts_with
):
    with reverts_with("DrugProvenanceNotCustodian", shipped, distributor):
        send(parent=shipped, sender=distributor, receiver=pharmacy)


def test_the_sender_may_not_ship_a_shipment_in_transit_again(shipped, send, pharmacy, reverts_with):
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, IN_TRANSIT):
        send(parent=shipped, receiver=pharmacy)


def test_an_emptied_holding_ships_nothing(shipped, send, reverts_with):
    with reverts_with("DrugProvenanceEmptyHolding", COMMISSIONING):
        send("again")


def test_ship_refuses_the_zero_receiver_and_the_sender_itself(send, manufacturer, reverts_with):
    with reverts_with("DrugProvenanceZeroAddress"):
        send(receiver=ZERO_ADDRESS)
    with reverts_with("DrugProvenanceInvalidReceiver", manufacturer):
        send(receiver=manufacturer)


@pytest.mark.parametrize("name", NO_TRADING_PARTNERS)
def test_ship_refuses_a_receiver_that_is_no_trading_partner(send, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        send(receiver=named[name])


def test_ship_refuses_a_receiver_whose_credential_expired(
    send, participants, distributor, regulator, mine_at, now, reverts_with
):
    participants.renewCredential(distributor, DISTRIBUTOR_ROLE, now() + 100, {"from": regulator})
    mine_at(now() + 101)
    with reverts_with("DrugProvenanceNotTradingPartner", distributor):
        send()


@pytest.mark.parametrize("anchor", [{"label": None}, {"cid": b""}])
def test_ship_refuses_a_missing_anchor(send, reverts_with, anchor):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        send(**anchor)


def test_ship_refuses_an_event_hash_that_already_names_a_holding(
    provenance, lot, manufacturer, distributor, reverts_with
):
    with reverts_with("DrugProvenanceHoldingExists", COMMISSIONING):
        provenance.ship(
            COMMISSIONING, UNSELECTED, distributor, True, COMMISSIONING, CID, {"from": manufacturer}
        )


def test_ship_refuses_units_that_left_the_holding(lot, ship, send, reverts_with):
    stale = lot.selection(COMMISSIONING, ["SN0001", "SN0002"])
    ship("first", ["SN0002"])
    with reverts_with("DrugProvenanceUnitsNotHeld", COMMISSIONING):
        send("second", stale)


def test_ship_refuses_units_of_someone_elses_holding(
    lot, ship, receive, send, distributor, reverts_with
):
    ship("part", ["SN0001"])
    receive("part")
    foreign = lot.selection(epcis("part"), ["SN0001"])
    with reverts_with("DrugProvenanceUnitsNotHeld", COMMISSIONING):
        send("again", foreign)


def test_ship_refuses_unknown_units_and_forged_proofs(lot, send, reverts_with):
    units, proof, flags = lot.selection(COMMISSIONING, ["SN0001", "SN0002"])
    forged_unit = [bytes(32), units[1]]
    for selection in (
        (forged_unit, proof, flags),
        (units, [bytes(32)] * len(proof), flags),
        (units[:1], proof, flags),  # counts do not add up
        (units, proof + [bytes(32)], flags + [False]),  # a proof element left over
        (units, proof, [True] * len(flags)),  # reads a node before it is computed
    ):
        with reverts_with("DrugProvenanceUnitsNotHeld", COMMISSIONING):
            send("forged", selection)


def test_a_voided_shipment_can_be_shipped_again_by_its_sender(
    provenance, lot, ship, manufacturer, distributor, pharmacy
):
    ship("first")
    provenance.voidShipment(epcis("first"), epcis("void"), CID, {"from": manufacturer})
    ship("second", ["SN0003"], parent=epcis("first"), receiver=pharmacy)

    assert holding_of(provenance, epcis("second"))["root"] == lot.holding_tree(epcis("second")).root


# ------------------------------------------------------------------------ suspect product stops


@pytest.fixture
def stop_lot(provenance, regulator, distributor):
    """`stop_lot(status)`: recall the lot, quarantine it, or confirm it illegitimate."""

    def _stop(status):
        if status == RECALLED:
            provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": regulator})
            return
        provenance.quarantine(
            LOT_SCOPE, GTIN, LOT, REASON, epcis("quarantine"), CID, {"from": distributor}
        )
        if status == ILLEGITIMATE:
            provenance.confirmIllegitimate(
                LOT_SCOPE, GTIN, LOT, REASON, epcis("illegitimate"), CID, {"from": regulator}
            )

    return _stop


STOPPED = [RECALLED, QUARANTINED, ILLEGITIMATE]


@pytest.mark.parametrize("status", STOPPED)
def test_ship_refuses_a_recalled_quarantined_or_illegitimate_lot(
    lot, stop_lot, send, reverts_with, status
):
    stop_lot(status)
    with reverts_with("DrugProvenanceNotMovable", COMMISSIONING, status):
        send("whole")
    with reverts_with("DrugProvenanceNotMovable", COMMISSIONING, status):
        send("part", lot.selection(COMMISSIONING, ["SN0001", "SN0005"]))


@pytest.mark.parametrize("status", STOPPED)
def test_a_stopped_lot_moves_only_back_to_its_manufacturer(
    provenance,
    lot,
    ship,
    receive,
    stop_lot,
    send,
    manufacturer,
    distributor,
    pharmacy,
    rival,
    reverts_with,
    status,
):
    ship("to distributor")
    receive("to distributor")
    stop_lot(status)
    for receiver in (pharmacy, rival):
        with reverts_with("DrugProvenanceNotMovable", epcis("to distributor"), status):
            send("onwards", parent=epcis("to distributor"), sender=distributor, receiver=receiver)

    ship(
        "return",
        ["SN0002"],
        parent=epcis("to distributor"),
        sender=distributor,
        receiver=manufacturer,
    )
    receive("return", manufacturer)

    returned = holding_of(provenance, epcis("return"))
    assert (returned["custodian"], returned["owner"], returned["units"]) == (
        manufacturer,
        manufacturer,
        1,
    )


def test_a_shipment_recalled_in_transit_is_received_and_then_only_returned(
    provenance, ship, receive, stop_lot, send, manufacturer, distributor, pharmacy, reverts_with
):
    ship("to distributor")
    stop_lot(RECALLED)

    receive("to distributor")

    assert holding_of(provenance, epcis("to distributor"))["custodian"] == distributor
    with reverts_with("DrugProvenanceNotMovable", epcis("to distributor"), RECALLED):
        send("onwards", parent=epcis("to distributor"), sender=distributor, receiver=pharmacy)
    ship("return", parent=epcis("to distributor"), sender=distributor, receiver=manufacturer)


def test_a_cleared_lot_ships_again(provenance, stop_lot, send, regulator):
    stop_lot(QUARANTINED)
    provenance.clear(LOT_SCOPE, GTIN, LOT, epcis("clear"), CID, {"from": regulator})

    send("after clearance")

    assert holding_of(provenance, epcis("after clearance"))["state"] == IN_TRANSIT


def test_a_unit_quarantined_on_its_own_does_not_stop_its_holding(provenance, send, distributor):
    # The rule is lot-wide: a whole-holding shipment names no units to look up.
    provenance.quarantine(
        UNIT_SCOPE, GTIN, serial("SN0003"), REASON, epcis("quarantine"), CID, {"from": distributor}
    )

    assert send("whole").events["ShipmentDispatched"]["units"] == len(SERIALS)


# ------------------------------------------------------------------------------------ receive


def test_the_receiver_takes_custody_and_ownership_of_a_sale_on_receipt(
    provenance, lot, shipped, receive, distributor
):
    tx = receive("to distributor")

    held = holding_of(provenance, shipped)
    assert (held["custodian"], held["owner"], held["state"], held["receiver"]) == (
        distributor,
        distributor,
        HELD,
        ZERO_ADDRESS,
    )
    assert_event(
        tx,
        "ShipmentReceived",
        shipment=shipped,
        lotKey=lot.key,
        receiver=distributor,
        owner=distributor,
        epcisHash=epcis("to distributor received"),
        cid=CID,
    )


def test_receive_refuses_an_unknown_shipment(provenance, distributor, reverts_with):
    with reverts_with("DrugProvenanceHoldingNotFound", epcis("nowhere")):
        provenance.receiveShipment(epcis("nowhere"), epcis("r"), CID, {"from": distributor})


def test_a_shipment_is_received_once(shipped, receive, reverts_with):
    receive("to distributor")
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, HELD):
        receive("to distributor")


def test_commissioned_stock_is_no_shipment_to_receive(lot, receive, manufacturer, reverts_with):
    with reverts_with("DrugProvenanceUnexpectedHoldingState", COMMISSIONING, HELD):
        receive("commissioning", manufacturer)


def test_receiving_a_voided_shipment_is_refused(
    provenance, shipped, receive, manufacturer, reverts_with
):
    provenance.voidShipment(shipped, epcis("void"), CID, {"from": manufacturer})
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, VOIDED):
        receive("to distributor")


@pytest.mark.parametrize("name", ["manufacturer", "pharmacy", "regulator", "stranger"])
def test_only_the_receiver_receives_a_shipment(shipped, receive, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotReceiver", shipped, named[name]):
        receive("to distributor", named[name])


def test_a_receiver_that_lost_its_credential_in_transit_may_not_receive(
    shipped, receive, participants, distributor, regulator, reverts_with
):
    participants.revokeCredential(distributor, DISTRIBUTOR_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", distributor):
        receive("to distributor")


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_receive_refuses_a_missing_anchor(
    provenance, shipped, distributor, reverts_with, event, cid
):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.receiveShipment(shipped, event, cid, {"from": distributor})


# ------------------------------------------------------------------------------------ void


def test_the_sender_voids_a_shipment_in_transit_and_keeps_the_units(
    provenance, lot, shipped, manufacturer
):
    tx = provenance.voidShipment(shipped, epcis("void"), CID, {"from": manufacturer})

    held = holding_of(provenance, shipped)
    assert (held["custodian"], held["owner"], held["state"], held["receiver"]) == (
        manufacturer,
        manufacturer,
        VOIDED,
        ZERO_ADDRESS,
    )
    assert held["root"] == lot.tree.root
    assert_event(
        tx,
        "ShipmentVoided",
        shipment=shipped,
        lotKey=lot.key,
        sender=manufacturer,
        epcisHash=epcis("void"),
        cid=CID,
    )


def test_void_refuses_an_unknown_shipment(provenance, manufacturer, reverts_with):
    with reverts_with("DrugProvenanceHoldingNotFound", epcis("nowhere")):
        provenance.voidShipment(epcis("nowhere"), epcis("void"), CID, {"from": manufacturer})


def test_a_received_or_voided_shipment_cannot_be_voided(
    provenance, shipped, receive, ship, manufacturer, reverts_with
):
    provenance.voidShipment(shipped, epcis("void"), CID, {"from": manufacturer})
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, VOIDED):
        provenance.voidShipment(shipped, epcis("void 2"), CID, {"from": manufacturer})
    ship("again", parent=shipped)
    receive("again")
    with reverts_with("DrugProvenanceUnexpectedHoldingState", epcis("again"), HELD):
        provenance.voidShipment(epcis("again"), epcis("void 3"), CID, {"from": manufacturer})


@pytest.mark.parametrize("name", ["distributor", "pharmacy", "regulator", "stranger"])
def test_only_the_sender_voids_a_shipment(provenance, shipped, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotCustodian", shipped, named[name]):
        provenance.voidShipment(shipped, epcis("void"), CID, {"from": named[name]})


def test_a_sender_that_lost_its_credential_may_not_void(
    provenance, shipped, participants, manufacturer, regulator, reverts_with
):
    participants.suspendCredential(
        manufacturer, participants.MANUFACTURER_ROLE(), {"from": regulator}
    )
    with reverts_with("DrugProvenanceNotTradingPartner", manufacturer):
        provenance.voidShipment(shipped, epcis("void"), CID, {"from": manufacturer})


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_void_refuses_a_missing_anchor(provenance, shipped, manufacturer, reverts_with, event, cid):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.voidShipment(shipped, event, cid, {"from": manufacturer})
