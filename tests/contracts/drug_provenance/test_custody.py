"""DrugProvenance custody: shipping whole holdings and proven subsets, receipt, voiding."""

from __future__ import annotations

import pytest

from hygeia.provenance import ids
from hygeia.provenance.merkle import commitment, words
from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.contracts.drug_provenance.support import (
    CID,
    COMMISSIONING_EVENT,
    DISTRIBUTOR_ROLE,
    EXPIRY,
    GTIN,
    HELD,
    ILLEGITIMATE,
    IN_TRANSIT,
    LOT,
    LOT_SCOPE,
    NO_STANDING,
    OTHER_LOT,
    QUARANTINED,
    REASON,
    RECALLED,
    SERIALS,
    UNIT_SCOPE,
    UNKNOWN_HOLDING,
    UNSELECTED,
    VOID_REASON,
    VOIDED,
    ZERO32,
    LotModel,
    epcis,
    holding_made_by,
    holding_of,
    serial,
)

NO_TRADING_PARTNERS = ["provider", "regulator", "patient", "stranger", "admin"]
NOTHING_GONE = commitment([])  # the commissioned stock's commitment: no position gone


def commissioned_by_address(creator: str, label: str) -> bytes:
    return ids.holding_id(creator, epcis(label), creator)


@pytest.fixture
def shipped(lot, ship):
    """The whole lot shipped (a sale) manufacturer -> distributor, in transit."""
    ship("to distributor")
    return lot.shipment("to distributor")


@pytest.fixture
def send(provenance, lot, manufacturer, distributor):
    """`send(label, selection=UNSELECTED, **overrides)`: a raw `ship` call, with event
    epcis(label), that the lot model does not follow (for reverts and shipments by others)."""

    def _send(
        label="shipment",
        selection=UNSELECTED,
        *,
        parent=None,
        sender=None,
        receiver=None,
        sale=True,
        cid=CID,
    ):
        return provenance.ship(
            lot.commissioning if parent is None else parent,
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

    assert holding_of(provenance, lot.shipment("to distributor")) == {
        "commitment": NOTHING_GONE,
        "lotKey": lot.key,
        "custodian": manufacturer,
        "state": IN_TRANSIT,
        "transfersOwnership": True,
        "excursion": False,
        "complement": True,
        "units": len(SERIALS),
        "owner": manufacturer,
    }
    parent = holding_of(provenance, lot.commissioning)
    assert (parent["commitment"], parent["units"], parent["state"]) == (ZERO32, 0, HELD)
    assert_event(
        tx,
        "ShipmentDispatched",
        shipment=lot.shipment("to distributor"),
        lotKey=lot.key,
        receiver=distributor,
        parent=lot.commissioning,
        sender=manufacturer,
        transfersOwnership=True,
        units=len(SERIALS),
        commitment=NOTHING_GONE,
        parentCommitment=ZERO32,
        epcisHash=epcis("to distributor"),
        cid=CID,
    )


def test_shipping_a_subset_splits_the_tree_into_the_sdks_roots(
    provenance, lot, ship, manufacturer, distributor
):
    tx = ship("part", ["SN0001", "SN0004", "SN0006"])

    shipment, parent = (
        holding_of(provenance, lot.shipment("part")),
        holding_of(provenance, lot.commissioning),
    )
    assert shipment["commitment"] == lot.commitment(lot.shipment("part"))
    assert parent["commitment"] == lot.commitment(lot.commissioning)
    assert (shipment["units"], parent["units"]) == (3, 5)
    assert_event(
        tx,
        "ShipmentDispatched",
        shipment=lot.shipment("part"),
        lotKey=lot.key,
        receiver=distributor,
        parent=lot.commissioning,
        sender=manufacturer,
        transfersOwnership=True,
        units=3,
        commitment=shipment["commitment"],
        parentCommitment=parent["commitment"],
        epcisHash=epcis("part"),
        cid=CID,
    )


def test_shipping_every_unit_as_a_subset_leaves_an_empty_parent(provenance, lot, ship):
    ship("all by proof", SERIALS)

    assert holding_of(provenance, lot.commissioning)["commitment"] == ZERO32
    assert holding_of(provenance, lot.shipment("all by proof"))["commitment"] == commitment(
        words(range(len(SERIALS)))
    )


def test_a_single_unit_ships_with_its_path_as_multiproof(provenance, lot, ship):
    ship("one", ["SN0007"])
    assert holding_of(provenance, lot.shipment("one"))["commitment"] == lot.commitment(
        lot.shipment("one")
    )


def test_units_of_a_shipment_are_shipped_on_from_the_received_holding(
    provenance, lot, ship, receive, distributor, pharmacy
):
    ship("part", ["SN0001", "SN0002", "SN0003"])
    receive("part")
    ship("on", ["SN0002"], parent=lot.shipment("part"), sender=distributor, receiver=pharmacy)

    assert holding_of(provenance, lot.shipment("part"))["commitment"] == lot.commitment(
        lot.shipment("part")
    )
    assert holding_of(provenance, lot.shipment("on"))["commitment"] == lot.commitment(
        lot.shipment("on")
    )


def test_a_move_without_sale_keeps_the_owner_after_receipt(
    provenance, lot, ship, receive, manufacturer, distributor
):
    ship("to 3pl", sale=False)
    tx = receive("to 3pl")

    held = holding_of(provenance, lot.shipment("to 3pl"))
    assert (held["custodian"], held["owner"]) == (distributor, manufacturer)
    assert tx.events["ShipmentReceived"]["owner"] == manufacturer


def test_a_custodian_that_does_not_own_the_units_may_move_but_not_sell_them(
    lot, ship, receive, send, manufacturer, distributor, pharmacy, reverts_with
):
    ship("to 3pl", sale=False)
    receive("to 3pl")
    with reverts_with("DrugProvenanceNotOwner", lot.shipment("to 3pl"), distributor):
        send(
            "sale", parent=lot.shipment("to 3pl"), sender=distributor, receiver=pharmacy, sale=True
        )
    send("move", parent=lot.shipment("to 3pl"), sender=distributor, receiver=pharmacy, sale=False)


@pytest.mark.parametrize("name", NO_TRADING_PARTNERS)
def test_only_a_trading_partner_ships(send, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotTradingPartner", named[name]):
        send(sender=named[name])


def test_a_party_whose_credential_was_suspended_may_not_ship(
    lot, ship, receive, send, participants, distributor, pharmacy, regulator, reverts_with
):
    ship("to distributor")
    receive("to distributor")
    participants.suspendCredential(distributor, DISTRIBUTOR_ROLE, {"from": regulator})
    with reverts_with("DrugProvenanceNotTradingPartner", distributor):
        send(parent=lot.shipment("to distributor"), sender=distributor, receiver=pharmacy)


def test_ship_refuses_an_unknown_holding(send, reverts_with):
    with reverts_with("DrugProvenanceHoldingNotFound", UNKNOWN_HOLDING):
        send(parent=UNKNOWN_HOLDING)


@pytest.mark.parametrize("name", ["distributor", "pharmacy"])
def test_only_the_custodian_ships_a_holding(send, lot, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotCustodian", lot.commissioning, named[name]):
        send(sender=named[name], receiver=named["manufacturer"])


def test_the_receiver_may_not_ship_a_shipment_before_receiving_it(
    shipped, send, distributor, pharmacy, reverts_with
):
    with reverts_with("DrugProvenanceNotCustodian", shipped, distributor):
        send(parent=shipped, sender=distributor, receiver=pharmacy)


def test_the_sender_may_not_ship_a_shipment_in_transit_again(shipped, send, pharmacy, reverts_with):
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, IN_TRANSIT):
        send(parent=shipped, receiver=pharmacy)


def test_an_emptied_holding_ships_nothing(lot, shipped, send, reverts_with):
    with reverts_with("DrugProvenanceEmptyHolding", lot.commissioning):
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


def test_the_shipment_id_is_the_holding_id_of_its_sender_event_and_receiver(
    provenance, lot, ship, manufacturer, distributor
):
    tx = ship("to distributor")

    expected = ids.holding_id(manufacturer.address, epcis("to distributor"), distributor.address)
    made = provenance.holdingIdOf(manufacturer, epcis("to distributor"), distributor)
    assert made == "0x" + expected.hex()
    assert tx.events["ShipmentDispatched"]["shipment"] == "0x" + expected.hex()
    assert lot.shipment("to distributor") == expected


def test_a_sender_may_not_reuse_its_own_shipping_event_hash(lot, ship, send, reverts_with):
    ship("first", ["SN0001"])
    with reverts_with("DrugProvenanceHoldingExists", lot.shipment("first")):
        send("first", lot.selection(lot.commissioning, ["SN0002"]))


def test_a_shipment_made_with_the_event_hash_of_a_commissioning_is_a_holding_of_its_own(
    provenance, lot, manufacturer, distributor
):
    # The ids differ by their holder (the manufacturer itself, the receiver), so the
    # commissioned stock is not overwritten: it is the parent the units leave.
    tx = provenance.ship(
        lot.commissioning,
        UNSELECTED,
        distributor,
        True,
        COMMISSIONING_EVENT,
        CID,
        {"from": manufacturer},
    )

    shipment = tx.events["ShipmentDispatched"]["shipment"]
    assert bytes(shipment) != lot.commissioning
    assert holding_of(provenance, lot.commissioning)["units"] == 0
    assert holding_of(provenance, shipment)["units"] == len(SERIALS)


def test_a_shipment_front_run_with_its_event_hash_still_ships_as_its_own_holding(
    provenance, lot, ship, receive, send, manufacturer, distributor, pharmacy, clinic
):
    ship("to distributor", ["SN0001", "SN0002"])
    receive("to distributor")
    # The distributor sees the manufacturer's pending shipment and ships first with its event hash.
    send("to pharmacy", parent=lot.shipment("to distributor"), sender=distributor, receiver=clinic)

    tx = ship("to pharmacy", ["SN0005"], receiver=pharmacy)

    front_runner = holding_made_by(distributor, "to pharmacy", clinic)
    assert lot.shipment("to pharmacy") != front_runner
    shipment = holding_of(provenance, lot.shipment("to pharmacy"))
    assert (shipment["custodian"], shipment["units"]) == (manufacturer, 1)
    assert shipment["commitment"] == lot.commitment(lot.shipment("to pharmacy"))
    front_run = holding_of(provenance, front_runner)
    assert (front_run["custodian"], front_run["units"]) == (distributor, 2)
    assert_event(
        tx,
        "ShipmentDispatched",
        shipment=lot.shipment("to pharmacy"),
        lotKey=lot.key,
        receiver=pharmacy,
        parent=lot.commissioning,
        sender=manufacturer,
        transfersOwnership=True,
        units=1,
        commitment=shipment["commitment"],
        parentCommitment=lot.commitment(lot.commissioning),
        epcisHash=epcis("to pharmacy"),
        cid=CID,
    )


def test_another_partner_ships_with_the_event_hash_of_the_manufacturers_commissioning(
    provenance, lot, ship, receive, send, distributor, pharmacy
):
    ship("to distributor")
    receive("to distributor")

    send(
        "commissioning",  # event COMMISSIONING_EVENT
        parent=lot.shipment("to distributor"),
        sender=distributor,
        receiver=pharmacy,
    )

    made = holding_made_by(distributor, "commissioning", pharmacy)
    assert holding_of(provenance, made)["units"] == len(SERIALS)
    assert holding_of(provenance, lot.commissioning)["custodian"] == lot.manufacturer


def test_ship_refuses_units_that_left_the_holding(lot, ship, send, reverts_with):
    # Replayed words: the holding's words before the first shipment no longer match it.
    stale = lot.selection(lot.commissioning, ["SN0001", "SN0002"])
    ship("first", ["SN0002"])
    with reverts_with("DrugProvenanceWordsMismatch", lot.commissioning):
        send("second", stale)
    # The holding's current words, and a position that already left it.
    again = lot.selection(lot.commissioning, ["SN0001", "SN0002"])
    with reverts_with("DrugProvenanceUnitsNotHeld", lot.commissioning):
        send("second", again)


def test_ship_refuses_a_position_not_held(
    lot, ship, receive, send, distributor, pharmacy, reverts_with
):
    ship("part", ["SN0001", "SN0002"])
    receive("part")
    held = lot.words(lot.shipment("part"))
    with reverts_with("DrugProvenanceUnitsNotHeld", lot.shipment("part")):
        send(
            "more",
            (held, words([lot.position_of["SN0003"]])),
            parent=lot.shipment("part"),
            sender=distributor,
            receiver=pharmacy,
        )


def test_ship_refuses_units_of_someone_elses_holding(
    lot, ship, receive, send, distributor, reverts_with
):
    ship("part", ["SN0001"])
    receive("part")
    # The distributor holds position 1, which is exactly what the manufacturer's stock lost: the
    # same words, so they match its commitment, and position 1 is not in it.
    foreign = lot.selection(lot.shipment("part"), ["SN0001"])
    assert foreign[0] == lot.words(lot.commissioning)
    with reverts_with("DrugProvenanceUnitsNotHeld", lot.commissioning):
        send("again", foreign)
    # Words of another size match nothing there.
    with reverts_with("DrugProvenanceWordsMismatch", lot.commissioning):
        send("again", ([(0, 0b110)], foreign[1]))


def test_ship_refuses_forged_held_words(lot, send, reverts_with):
    # Claiming the commissioned stock lost nothing but kept a word of its own making.
    for forged in ([(0, 1)], [(0, 0)], [(5, 1 << 3)]):
        with reverts_with("DrugProvenanceWordsMismatch", lot.commissioning):
            send("forged", (forged, words([1])))


def test_ship_refuses_repeated_unsorted_and_zero_taken_words(
    provenance, lot, ship, receive, send, distributor, reverts_with
):
    big = LotModel(
        GTIN, OTHER_LOT, EXPIRY, tuple(f"W{i:04d}" for i in range(600)), lot.manufacturer
    )
    provenance.commission(
        GTIN, OTHER_LOT, EXPIRY, 600, big.tree.root, epcis("big"), CID, {"from": lot.manufacturer}
    )
    stock = commissioned_by_address(lot.manufacturer, "big")
    for taken, index in (
        ([(0, 1), (0, 2)], 0),  # the same word twice
        ([(1, 1), (0, 1)], 0),  # unsorted
        ([(0, 1), (1, 0)], 1),  # a zero word
    ):
        with reverts_with("DrugProvenanceInvalidWord", index):
            send("bad words", ([], taken), parent=stock)


def test_ship_refuses_positions_at_or_past_the_lots_quantity(lot, send, reverts_with):
    quantity = len(SERIALS)
    for taken in (
        [(0, 1 << quantity)],  # position 8 of an 8-unit lot
        [(0, 1 | (1 << 255))],  # a position far past it
        [(1, 1)],  # a word the lot does not have
        [(2**255, 1)],
        # Word indexes whose first position (index * 256) wraps past 2^256 to 0 or 256: in range
        # if the contract multiplied without checking.
        [(2**248, 1)],
        [(2**248 + 1, 1)],
        [(2**24, 1)],  # the first index no lot of fewer than 2^32 units has
    ):
        with reverts_with("DrugProvenancePositionOutOfRange", taken[0][0], quantity):
            send("out of range", ([], taken))


def test_ship_takes_a_lots_last_position_and_refuses_the_one_after_it(
    provenance, lot, send, reverts_with
):
    # 600 units: the last word (index 2) holds positions 512-599, 88 bits of it.
    big = LotModel(
        GTIN, OTHER_LOT, EXPIRY, tuple(f"W{i:04d}" for i in range(600)), lot.manufacturer
    )
    provenance.commission(
        GTIN, OTHER_LOT, EXPIRY, 600, big.tree.root, epcis("big"), CID, {"from": lot.manufacturer}
    )
    stock = commissioned_by_address(lot.manufacturer, "big")
    with reverts_with("DrugProvenancePositionOutOfRange", 2, 600):
        send("past the end", ([], words([600])), parent=stock)
    with reverts_with("DrugProvenancePositionOutOfRange", 2, 600):
        send("past the end", ([], [(2, (1 << 87) | (1 << 255))]), parent=stock)

    tx = send("the last", ([], words([599])), parent=stock)

    assert tx.events["ShipmentDispatched"]["units"] == 1


def test_ship_refuses_a_whole_holding_ship_of_an_empty_holding(lot, ship, send, reverts_with):
    ship("everything")
    with reverts_with("DrugProvenanceEmptyHolding", lot.commissioning):
        send("nothing left", UNSELECTED)
    with reverts_with("DrugProvenanceEmptyHolding", lot.commissioning):
        send("nothing left", ([], words([1])))


def test_a_voided_shipment_can_be_shipped_again_by_its_sender(
    provenance, lot, ship, manufacturer, distributor, pharmacy
):
    ship("first")
    provenance.voidShipment(
        lot.shipment("first"), VOID_REASON, epcis("void"), CID, {"from": manufacturer}
    )
    ship("second", ["SN0003"], parent=lot.shipment("first"), receiver=pharmacy)

    assert holding_of(provenance, lot.shipment("second"))["commitment"] == lot.commitment(
        lot.shipment("second")
    )


# ------------------------------------------------------------------------ suspect product stops


@pytest.fixture
def stop_lot(provenance, regulator):
    """`stop_lot(status)`: recall the lot, quarantine it, or confirm it illegitimate."""

    def _stop(status):
        if status == RECALLED:
            provenance.recall(GTIN, LOT, REASON, epcis("recall"), CID, {"from": regulator})
            return
        provenance.quarantine(
            LOT_SCOPE, GTIN, LOT, NO_STANDING, REASON, epcis("quarantine"), CID, {"from": regulator}
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
    with reverts_with("DrugProvenanceNotMovable", lot.commissioning, status):
        send("whole")
    with reverts_with("DrugProvenanceNotMovable", lot.commissioning, status):
        send("part", lot.selection(lot.commissioning, ["SN0001", "SN0005"]))


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
        with reverts_with("DrugProvenanceNotMovable", lot.shipment("to distributor"), status):
            send(
                "onwards",
                parent=lot.shipment("to distributor"),
                sender=distributor,
                receiver=receiver,
            )

    ship(
        "return",
        ["SN0002"],
        parent=lot.shipment("to distributor"),
        sender=distributor,
        receiver=manufacturer,
    )
    receive("return", manufacturer)

    returned = holding_of(provenance, lot.shipment("return"))
    assert (returned["custodian"], returned["owner"], returned["units"]) == (
        manufacturer,
        manufacturer,
        1,
    )


def test_a_shipment_recalled_in_transit_is_received_and_then_only_returned(
    provenance,
    lot,
    ship,
    receive,
    stop_lot,
    send,
    manufacturer,
    distributor,
    pharmacy,
    reverts_with,
):
    ship("to distributor")
    stop_lot(RECALLED)

    receive("to distributor")

    assert holding_of(provenance, lot.shipment("to distributor"))["custodian"] == distributor
    with reverts_with("DrugProvenanceNotMovable", lot.shipment("to distributor"), RECALLED):
        send(
            "onwards", parent=lot.shipment("to distributor"), sender=distributor, receiver=pharmacy
        )
    ship("return", parent=lot.shipment("to distributor"), sender=distributor, receiver=manufacturer)


def test_a_cleared_lot_ships_again(
    provenance, stop_lot, send, manufacturer, distributor, regulator
):
    stop_lot(QUARANTINED)
    provenance.clear(LOT_SCOPE, GTIN, LOT, epcis("clear"), CID, {"from": regulator})

    send("after clearance")

    shipment = holding_made_by(manufacturer, "after clearance", distributor)
    assert holding_of(provenance, shipment)["state"] == IN_TRANSIT


def test_a_unit_quarantined_on_its_own_does_not_stop_its_holding(provenance, send, regulator):
    # The rule is lot-wide: a whole-holding shipment names no units to look up.
    provenance.quarantine(
        UNIT_SCOPE,
        GTIN,
        serial("SN0003"),
        NO_STANDING,
        REASON,
        epcis("quarantine"),
        CID,
        {"from": regulator},
    )

    assert send("whole").events["ShipmentDispatched"]["units"] == len(SERIALS)


# ------------------------------------------------------------------------------------ receive


def test_the_receiver_takes_custody_and_ownership_of_a_sale_on_receipt(
    provenance, lot, shipped, receive, distributor
):
    tx = receive("to distributor")

    held = holding_of(provenance, shipped)
    assert (held["custodian"], held["owner"], held["state"]) == (distributor, distributor, HELD)
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
    with reverts_with("DrugProvenanceHoldingNotFound", UNKNOWN_HOLDING):
        provenance.receiveShipment(
            UNKNOWN_HOLDING, epcis("to distributor"), epcis("r"), CID, {"from": distributor}
        )


def test_a_shipment_is_received_once(shipped, receive, reverts_with):
    receive("to distributor")
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, HELD):
        receive("to distributor")


def test_commissioned_stock_is_no_shipment_to_receive(provenance, lot, manufacturer, reverts_with):
    with reverts_with("DrugProvenanceUnexpectedHoldingState", lot.commissioning, HELD):
        provenance.receiveShipment(
            lot.commissioning, COMMISSIONING_EVENT, epcis("r"), CID, {"from": manufacturer}
        )


def test_receiving_a_voided_shipment_is_refused(
    provenance, shipped, receive, manufacturer, reverts_with
):
    provenance.voidShipment(shipped, VOID_REASON, epcis("void"), CID, {"from": manufacturer})
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, VOIDED):
        receive("to distributor")


@pytest.mark.parametrize("name", ["manufacturer", "pharmacy", "regulator", "stranger"])
def test_only_the_receiver_receives_a_shipment(shipped, receive, named, reverts_with, name):
    # The shipping event's hash is public (ShipmentDispatched): the id binds the receiver.
    with reverts_with("DrugProvenanceNotReceiver", shipped, named[name]):
        receive("to distributor", named[name])


@pytest.mark.parametrize("shown", ["commissioning", "to distributor received", "another"])
def test_the_receiver_must_show_the_shipping_event_of_its_shipment(
    provenance, lot, ship, distributor, reverts_with, shown
):
    ship("to distributor", ["SN0001"])
    ship("another", ["SN0002"])  # the same sender and receiver, another event
    shipment = lot.shipment("to distributor")
    with reverts_with("DrugProvenanceNotReceiver", shipment, distributor):
        provenance.receiveShipment(
            shipment, epcis(shown), epcis("received"), CID, {"from": distributor}
        )
    assert holding_of(provenance, shipment)["state"] == IN_TRANSIT


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
        provenance.receiveShipment(
            shipped, epcis("to distributor"), event, cid, {"from": distributor}
        )


# ------------------------------------------------------------------------------------ void


def test_the_sender_voids_a_shipment_in_transit_for_a_reason_and_keeps_the_units(
    provenance, lot, shipped, manufacturer
):
    tx = provenance.voidShipment(shipped, VOID_REASON, epcis("void"), CID, {"from": manufacturer})

    held = holding_of(provenance, shipped)
    assert (held["custodian"], held["owner"], held["state"]) == (manufacturer, manufacturer, VOIDED)
    assert held["commitment"] == NOTHING_GONE
    assert_event(
        tx,
        "ShipmentVoided",
        shipment=shipped,
        lotKey=lot.key,
        sender=manufacturer,
        reasonHash=VOID_REASON,
        epcisHash=epcis("void"),
        cid=CID,
    )


def test_void_refuses_an_unknown_shipment(provenance, manufacturer, reverts_with):
    with reverts_with("DrugProvenanceHoldingNotFound", UNKNOWN_HOLDING):
        provenance.voidShipment(
            UNKNOWN_HOLDING, VOID_REASON, epcis("void"), CID, {"from": manufacturer}
        )


def test_a_received_or_voided_shipment_cannot_be_voided(
    provenance, lot, shipped, receive, ship, manufacturer, reverts_with
):
    provenance.voidShipment(shipped, VOID_REASON, epcis("void"), CID, {"from": manufacturer})
    with reverts_with("DrugProvenanceUnexpectedHoldingState", shipped, VOIDED):
        provenance.voidShipment(shipped, VOID_REASON, epcis("void 2"), CID, {"from": manufacturer})
    ship("again", parent=shipped)
    receive("again")
    with reverts_with("DrugProvenanceUnexpectedHoldingState", lot.shipment("again"), HELD):
        provenance.voidShipment(
            lot.shipment("again"), VOID_REASON, epcis("void 3"), CID, {"from": manufacturer}
        )


@pytest.mark.parametrize("name", ["distributor", "pharmacy", "regulator", "stranger"])
def test_only_the_sender_voids_a_shipment(provenance, shipped, named, reverts_with, name):
    with reverts_with("DrugProvenanceNotCustodian", shipped, named[name]):
        provenance.voidShipment(shipped, VOID_REASON, epcis("void"), CID, {"from": named[name]})


def test_a_sender_that_lost_its_credential_may_not_void(
    provenance, shipped, participants, manufacturer, regulator, reverts_with
):
    participants.suspendCredential(
        manufacturer, participants.MANUFACTURER_ROLE(), {"from": regulator}
    )
    with reverts_with("DrugProvenanceNotTradingPartner", manufacturer):
        provenance.voidShipment(shipped, VOID_REASON, epcis("void"), CID, {"from": manufacturer})


def test_void_refuses_a_shipment_without_a_reason(
    provenance, shipped, manufacturer, distributor, reverts_with
):
    with reverts_with("DrugProvenanceZeroValue"):
        provenance.voidShipment(shipped, ZERO32, epcis("void"), CID, {"from": manufacturer})
    assert holding_of(provenance, shipped)["state"] == IN_TRANSIT


@pytest.mark.parametrize(("event", "cid"), [(ZERO32, CID), (b"\x01" * 32, b"")])
def test_void_refuses_a_missing_anchor(provenance, shipped, manufacturer, reverts_with, event, cid):
    with reverts_with("DrugProvenanceInvalidAnchor"):
        provenance.voidShipment(shipped, VOID_REASON, event, cid, {"from": manufacturer})
