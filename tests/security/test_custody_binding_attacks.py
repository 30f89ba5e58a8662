"""Attacks on custody now that a shipment's receiver is bound by its id, not stored, and on the
registry's one-slot summary of a party's active credentials, made as an attacker makes them (raw
contract calls on brownie's Anvil). Each test asserts that the attack fails with its named custom
error and leaves custody, ownership and the registry's answers as they should be.

1. Receiver binding: a shipment's id is holdingIdOf(sender, shipping event hash, receiver), and a
   receiver shows it is the receiver with that (public) hash. A sender that reuses one event hash
   for two receivers, or for a return trip, must not let either receiver take or report on the
   other's shipment; a void must not free the event hash for another receiver to use.
2. Id collisions: a front-runner replays a pending ship() or ships with its event hash to the
   same receiver; a partner squats the event hash of a lot the manufacturer has yet to commission.
   No holding is overwritten, taken or blocked.
3. Ownership: a consignment (no sale) moves through a third-party logistics provider and a
   pharmacy and back, and is voided on the way; only the owner ever sells.
4. Registry summary: activeRolesOf answers from one slot while the block's time lies in every
   Active credential's window and reads each credential otherwise. Two trading credentials on
   one account with windows that meet at one second, that start in the future, that run out while
   the other is suspended, a revocation and re-issue while a shipment waits, and random windows
   whose ends coincide: activeRolesOf must agree with isActive every second, DrugProvenance must
   follow it (ship, receive, void, readings, dispense), and unlicensed roles must not move.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from brownie.test import given
from eth_utils import keccak, to_checksum_address
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from tests.brownie_support import ViewBatch, assert_event, latest_timestamp
from tests.contracts.drug_provenance.support import (
    CID,
    DAY,
    DISPENSER_ROLE,
    DISTRIBUTOR_ROLE,
    EXPIRY,
    GTIN,
    HELD,
    IN_TRANSIT,
    JURISDICTION,
    LICENSE_HASH,
    LOT,
    LOT_SCOPE,
    MANUFACTURER_ROLE,
    MAX_TEMP,
    MIN_TEMP,
    NO_STANDING,
    OTHER_LOT,
    REASON,
    SERIALS,
    UNSELECTED,
    VOID_REASON,
    VOIDED,
    YEAR,
    ZERO32,
    LotModel,
    epcis,
    holding_made_by,
    holding_of,
)
from tests.contracts.participant_registry.support import (
    ACTIVE,
    ADMIN_ROLE,
    NONE,
    PATIENT_ROLE,
    REGULATOR_ROLE,
    REVOKED,
    ROLE_BIT,
    SUSPENDED,
    bits_of,
)

# Bits of ParticipantRegistry.rolesOf / activeRolesOf (Roles.sol).
ADMIN_BIT, REGULATOR_BIT, PATIENT_BIT = (
    ROLE_BIT[role] for role in (ADMIN_ROLE, REGULATOR_ROLE, PATIENT_ROLE)
)
TRADING_ROLES = (MANUFACTURER_ROLE, DISTRIBUTOR_ROLE, DISPENSER_ROLE)
TRADING_BITS = bits_of(*TRADING_ROLES)
EVERY_ROLE = 0xFF
OUTSIDE = (-500, 800)  # below the product's 2.00 degree minimum: an excursion


@pytest.fixture(scope="module")
def two_hats(accounts, participants):
    """A funded account with no credential yet: each test gives it a distributor's and a
    dispenser's credential (both trading roles) with the windows it attacks."""
    account = accounts.add(keccak(text="hygeia custody attack: distributor and dispenser"))
    accounts[0].transfer(account, "10 ether")
    return account


@pytest.fixture
def credential(participants, regulator):
    """`credential(account, role, valid_from, valid_until)`: issued by the regulator."""

    def _issue(account, role, valid_from, valid_until):
        return participants.issueCredential(
            account, role, LICENSE_HASH, JURISDICTION, valid_from, valid_until, {"from": regulator}
        )

    return _issue


@pytest.fixture
def settle(mine_at):
    """`settle(t)`: after a transaction pinned to second t reverted, the chain is at t (brownie
    mines a reverting transaction with this network's fixed gas limit; if not, a block is)."""

    def _settle(t):
        if latest_timestamp() != t:
            mine_at(t)

    return _settle


def readings(provenance, holding, dispatch, sender, low_high=OUTSIDE, label="logger"):
    """Sensor readings on `holding` by `sender`, showing the shipping event hash `dispatch`."""
    return provenance.recordSensorReadings(
        holding, dispatch, *low_high, epcis(label), CID, {"from": sender}
    )


def take(provenance, shipment, dispatch, sender, label="taken"):
    """A receipt of `shipment` by `sender`, showing the shipping event hash `dispatch`."""
    return provenance.receiveShipment(shipment, dispatch, epcis(label), CID, {"from": sender})


def standing(participants, provenance, account):
    """What the registry and DrugProvenance answer about `account` now."""
    return {
        "isActive": {
            role: participants.isActive(account, role) for role in (*TRADING_ROLES, PATIENT_ROLE)
        },
        "active": participants.activeRolesOf(account, EVERY_ROLE),
        "trading": provenance.isTradingPartner(account),
    }


def expected_standing(active_roles, unlicensed=0):
    """The standing of an account whose current trading credentials are `active_roles` and whose
    unlicensed role bits are `unlicensed`."""
    bits = sum(ROLE_BIT[role] for role in active_roles)
    return {
        "isActive": {
            **{role: role in active_roles for role in TRADING_ROLES},
            PATIENT_ROLE: bool(unlicensed & PATIENT_BIT),
        },
        "active": bits | unlicensed,
        "trading": bool(bits),
    }


# ------------------------------------------------------------------------ 1. receiver binding


def test_one_event_hash_shipped_to_two_receivers_binds_each_shipment_to_its_own_receiver(
    provenance, lot, ship, manufacturer, distributor, pharmacy, reverts_with
):
    # The sender ships two parts of its stock under one EPCIS event hash, one to each receiver:
    # each receiver knows that hash and tries it on the other's shipment.
    shared = epcis("shared")
    ship("shared", SERIALS[:3], receiver=distributor)
    ship("shared", SERIALS[3:5], receiver=pharmacy)
    to_distributor = holding_made_by(manufacturer, "shared", distributor)
    to_pharmacy = holding_made_by(manufacturer, "shared", pharmacy)
    assert to_distributor != to_pharmacy

    for thief, victim in ((distributor, to_pharmacy), (pharmacy, to_distributor)):
        with reverts_with("DrugProvenanceNotReceiver", victim, thief):
            take(provenance, victim, shared, thief)
        with reverts_with("DrugProvenanceNotCustodian", victim, thief):
            readings(provenance, victim, shared, thief)
        assert holding_of(provenance, victim)["state"] == IN_TRANSIT
        assert holding_of(provenance, victim)["excursion"] is False
    assert provenance.lotOf(lot.key)[7] == 0  # no excursion opened

    for receiver, shipment, units in ((distributor, to_distributor, 3), (pharmacy, to_pharmacy, 2)):
        tx = take(provenance, shipment, shared, receiver)
        assert_event(
            tx,
            "ShipmentReceived",
            shipment=shipment,
            lotKey=lot.key,
            receiver=receiver,
            owner=receiver,
            epcisHash=epcis("taken"),
            cid=CID,
        )
        held = holding_of(provenance, shipment)
        assert (held["custodian"], held["owner"], held["state"], held["units"]) == (
            receiver,
            receiver,
            HELD,
            units,
        )
        assert held["commitment"] == lot.commitment(shipment)
    stock = holding_of(provenance, lot.commissioning)
    assert (stock["custodian"], stock["units"]) == (manufacturer, 3)


def test_an_event_hash_reused_for_the_return_trip_binds_the_return_to_its_new_sender(
    provenance, lot, ship, receive, manufacturer, distributor, reverts_with
):
    # The distributor sends units back under the very event hash they came with; the two
    # shipments differ only in who sent them to whom.
    trip = epcis("round trip")
    ship("round trip", SERIALS[:4])
    receive("round trip")
    outbound = holding_made_by(manufacturer, "round trip", distributor)
    ship("round trip", SERIALS[:2], parent=outbound, sender=distributor, receiver=manufacturer)
    back = holding_made_by(distributor, "round trip", manufacturer)
    assert back not in (outbound, lot.commissioning)

    # The distributor sent the return: it cannot receive it, nor report in transit as receiver.
    with reverts_with("DrugProvenanceNotReceiver", back, distributor):
        take(provenance, back, trip, distributor)
    with reverts_with("DrugProvenanceUnexpectedHoldingState", back, IN_TRANSIT):
        readings(provenance, back, trip, distributor)
    # Nor can the outbound shipment be received again, by anyone, with the hash.
    for party in (distributor, manufacturer):
        with reverts_with("DrugProvenanceUnexpectedHoldingState", outbound, HELD):
            take(provenance, outbound, trip, party)
    # And the manufacturer cannot make a second outbound shipment under that hash to the same
    # distributor: the received one keeps its id.
    with reverts_with("DrugProvenanceHoldingExists", outbound):
        provenance.ship(
            lot.commissioning,
            lot.selection(lot.commissioning, SERIALS[4:5]),
            distributor,
            True,
            trip,
            CID,
            {"from": manufacturer},
        )

    take(provenance, back, trip, manufacturer)
    returned, kept = holding_of(provenance, back), holding_of(provenance, outbound)
    assert (returned["custodian"], returned["owner"], returned["units"]) == (
        manufacturer,
        manufacturer,
        2,
    )
    assert (kept["custodian"], kept["owner"], kept["units"]) == (distributor, distributor, 2)


def test_a_voided_shipments_event_hash_does_not_let_its_receiver_take_the_units_sent_elsewhere(
    provenance, lot, ship, manufacturer, distributor, pharmacy, reverts_with
):
    ship("first try", SERIALS[:3])
    first = holding_made_by(manufacturer, "first try", distributor)
    provenance.voidShipment(first, VOID_REASON, epcis("void"), CID, {"from": manufacturer})

    # The void leaves the units and the ownership with the sender; the named receiver has no
    # hold on them any more.
    voided = holding_of(provenance, first)
    assert (voided["state"], voided["custodian"], voided["owner"], voided["units"]) == (
        VOIDED,
        manufacturer,
        manufacturer,
        3,
    )
    with reverts_with("DrugProvenanceUnexpectedHoldingState", first, VOIDED):
        take(provenance, first, epcis("first try"), distributor)
    with reverts_with("DrugProvenanceNotCustodian", first, distributor):
        readings(provenance, first, epcis("first try"), distributor)

    # The sender sends the voided units on, under the same event hash, to the pharmacy: the
    # distributor's knowledge of that hash gets it nothing.
    ship("first try", SERIALS[:3], parent=first, receiver=pharmacy)
    second = holding_made_by(manufacturer, "first try", pharmacy)
    with reverts_with("DrugProvenanceNotReceiver", second, distributor):
        take(provenance, second, epcis("first try"), distributor)
    with reverts_with("DrugProvenanceNotCustodian", second, distributor):
        readings(provenance, second, epcis("first try"), distributor)
    # The voided shipment still holds its id: no new shipment to the distributor under it.
    with reverts_with("DrugProvenanceHoldingExists", first):
        provenance.ship(
            lot.commissioning,
            lot.selection(lot.commissioning, SERIALS[5:6]),
            distributor,
            True,
            epcis("first try"),
            CID,
            {"from": manufacturer},
        )

    take(provenance, second, epcis("first try"), pharmacy)
    assert holding_of(provenance, second)["custodian"] == pharmacy
    assert holding_of(provenance, first)["units"] == 0


# ------------------------------------------------------------------------ 2. id collisions


def test_a_front_runner_replaying_a_pending_shipment_neither_takes_nor_blocks_its_id(
    provenance,
    lot,
    ship,
    receive,
    manufacturer,
    distributor,
    pharmacy,
    rival,
    stranger,
    reverts_with,
):
    # The distributor holds two units of its own; the manufacturer's shipment of three more to
    # the pharmacy is pending in the mempool.
    ship("stock", SERIALS[:2])
    receive("stock")
    at_distributor = lot.shipment("stock")
    pending = epcis("pending")
    selection = lot.selection(lot.commissioning, SERIALS[5:])
    args = (lot.commissioning, selection, pharmacy, True, pending, CID)

    # Replayed word for word by parties that do not hold the stock.
    for attacker, error in (
        (rival, ("DrugProvenanceNotCustodian", lot.commissioning, rival)),
        (distributor, ("DrugProvenanceNotCustodian", lot.commissioning, distributor)),
        (pharmacy, ("DrugProvenanceNotCustodian", lot.commissioning, pharmacy)),
        (stranger, ("DrugProvenanceNotTradingPartner", stranger)),
    ):
        with reverts_with(*error):
            provenance.ship(*args, {"from": attacker})
    # The distributor ships its own units to the same pharmacy under the same event hash first.
    ship("pending", parent=at_distributor, sender=distributor, receiver=pharmacy)
    squatted = holding_made_by(distributor, "pending", pharmacy)

    tx = provenance.ship(*args, {"from": manufacturer})

    genuine = lot.shipped("pending", manufacturer, pharmacy, lot.commissioning, SERIALS[5:])
    assert tx.events["ShipmentDispatched"]["shipment"] == "0x" + genuine.hex()
    assert genuine != squatted
    # The pharmacy receives each under the one hash; each lands on its own sender's shipment.
    take(provenance, squatted, pending, pharmacy, label="from distributor")
    take(provenance, genuine, pending, pharmacy, label="from manufacturer")
    from_distributor, from_manufacturer = (
        holding_of(provenance, squatted),
        holding_of(provenance, genuine),
    )
    assert (from_distributor["units"], from_manufacturer["units"]) == (2, 3)
    assert from_manufacturer["commitment"] == lot.commitment(genuine)
    assert from_distributor["custodian"] == from_manufacturer["custodian"] == pharmacy
    assert holding_of(provenance, lot.commissioning)["units"] == 3


def test_a_partner_cannot_squat_the_event_hash_of_a_lot_the_manufacturer_has_yet_to_commission(
    provenance, lot, ship, receive, manufacturer, distributor, reverts_with
):
    # The distributor guesses (or sees pending) the event hash of the manufacturer's next
    # commissioning and ships to the manufacturer with it; the manufacturer itself once shipped
    # under that hash too. Neither shipment's id is the next lot's stock.
    upcoming = epcis("next lot")
    ship("stock", SERIALS[:2])
    receive("stock")
    ship("next lot", SERIALS[2:3])  # the manufacturer -> distributor, under the same hash
    ship(
        "next lot",
        parent=lot.shipment("stock"),
        sender=distributor,
        receiver=manufacturer,
    )
    squat = holding_made_by(distributor, "next lot", manufacturer)
    own_shipment = holding_made_by(manufacturer, "next lot", distributor)

    model = LotModel(
        GTIN, OTHER_LOT, EXPIRY, ("B0", "B1", "B2", "B3"), manufacturer.address, upcoming
    )
    provenance.commission(
        GTIN, OTHER_LOT, EXPIRY, 4, model.tree.root, upcoming, CID, {"from": manufacturer}
    )

    stock = model.commissioning
    assert stock not in (squat, own_shipment)
    made = holding_of(provenance, stock)
    assert (made["custodian"], made["owner"], made["state"], made["units"]) == (
        manufacturer,
        manufacturer,
        HELD,
        4,
    )
    assert made["lotKey"] == model.key
    # Commissioned stock is no shipment: nobody receives it, with any hash.
    for party in (manufacturer, distributor):
        with reverts_with("DrugProvenanceUnexpectedHoldingState", stock, HELD):
            take(provenance, stock, upcoming, party)
    # And the squatted shipment is an ordinary return of the distributor's units.
    take(provenance, squat, upcoming, manufacturer)
    returned = holding_of(provenance, squat)
    assert (returned["lotKey"], returned["units"], returned["custodian"]) == (
        lot.key,
        2,
        manufacturer,
    )
    assert holding_of(provenance, own_shipment)["state"] == IN_TRANSIT


# ------------------------------------------------------------------------ 3. ownership


def test_a_consignment_stays_the_owners_through_a_3pl_a_pharmacy_a_void_and_a_return(
    provenance, lot, ship, receive, manufacturer, distributor, pharmacy, clinic, reverts_with
):
    # The distributor is a third-party logistics provider: it gets the stock without a sale.
    ship("to 3pl", SERIALS[:6], sale=False)
    receive("to 3pl")
    at_3pl = lot.shipment("to 3pl")
    assert holding_of(provenance, at_3pl)["owner"] == manufacturer

    # It moves part to a pharmacy (no sale), and part to the clinic, which it then voids.
    for label, serials, receiver in (
        ("to pharmacy", SERIALS[:3], pharmacy),
        ("to clinic", SERIALS[3:4], clinic),
    ):
        ship(label, serials, parent=at_3pl, sender=distributor, receiver=receiver, sale=False)
    to_clinic = lot.shipment("to clinic")
    provenance.voidShipment(to_clinic, VOID_REASON, epcis("void"), CID, {"from": distributor})
    tx = receive("to pharmacy", pharmacy)
    at_pharmacy = lot.shipment("to pharmacy")
    assert tx.events["ShipmentReceived"]["owner"] == manufacturer

    custodians = ((at_3pl, distributor), (at_pharmacy, pharmacy), (to_clinic, distributor))
    for holding, custodian in custodians:
        held = holding_of(provenance, holding)
        assert (held["custodian"], held["owner"]) == (custodian, manufacturer), holding
    # No custodian along the way can sell what it was only entrusted with.
    for holding, custodian, buyer in (
        (at_3pl, distributor, pharmacy),
        (to_clinic, distributor, clinic),
        (at_pharmacy, pharmacy, clinic),
    ):
        with reverts_with("DrugProvenanceNotOwner", holding, custodian):
            provenance.ship(
                holding, UNSELECTED, buyer, True, epcis("sell"), CID, {"from": custodian}
            )

    # The pharmacy returns the consignment; the manufacturer owns and holds it again, and sells.
    ship("return", parent=at_pharmacy, sender=pharmacy, receiver=manufacturer, sale=False)
    receive("return", manufacturer)
    returned = holding_of(provenance, lot.shipment("return"))
    assert (returned["custodian"], returned["owner"], returned["units"]) == (
        manufacturer,
        manufacturer,
        3,
    )
    ship("resold", parent=lot.shipment("return"), receiver=clinic)
    receive("resold", clinic)
    resold = holding_of(provenance, lot.shipment("resold"))
    assert (resold["custodian"], resold["owner"]) == (clinic, clinic)


# ------------------------------------------------------------------------ 4. registry summary


def test_a_party_whose_two_credentials_meet_at_one_second_trades_across_it_and_dispenses_after(
    provenance,
    participants,
    lot,
    ship,
    receive,
    dispense,
    credential,
    two_hats,
    pharmacy,
    reverts_with,
    now,
    at_time,
    settle,
):
    # Its distributor's credential ends at second `meet`; its dispenser's starts the next one.
    # The windows never overlap, so no second is in both and the one-slot answer never applies.
    meet = now() + 60
    credential(two_hats, DISTRIBUTOR_ROLE, now() - DAY, meet)
    credential(two_hats, DISPENSER_ROLE, meet + 1, meet + YEAR)
    ship("to two hats", SERIALS[:2], receiver=two_hats)
    receive("to two hats", two_hats)
    holding = lot.shipment("to two hats")

    at_time(meet)
    with reverts_with("DrugProvenanceNotDispenser", two_hats):
        dispense(holding, "SN0000", sender=two_hats)
    settle(meet)
    assert standing(participants, provenance, two_hats) == expected_standing({DISTRIBUTOR_ROLE})

    at_time(meet + 1)
    ship("onwards", ["SN0001"], parent=holding, sender=two_hats, receiver=pharmacy)
    assert standing(participants, provenance, two_hats) == expected_standing({DISPENSER_ROLE})
    at_time(meet + 2)
    assert dispense(holding, "SN0000", sender=two_hats).return_value is True


def test_a_credential_dated_in_the_future_makes_no_trading_partner_or_dispenser_before_it_starts(
    provenance,
    participants,
    lot,
    ship,
    receive,
    dispense,
    credential,
    two_hats,
    manufacturer,
    reverts_with,
    now,
    at_time,
    settle,
):
    start = now() + 60
    credential(two_hats, DISPENSER_ROLE, start, start + YEAR)
    assert participants.rolesOf(two_hats) == ROLE_BIT[DISPENSER_ROLE]  # held, not yet active
    assert standing(participants, provenance, two_hats) == expected_standing(set())
    with reverts_with("DrugProvenanceNotTradingPartner", two_hats):
        provenance.ship(
            lot.commissioning,
            UNSELECTED,
            two_hats,
            True,
            epcis("early"),
            CID,
            {"from": manufacturer},
        )

    # A current distributor's credential beside it: a trading partner now, still no dispenser.
    credential(two_hats, DISTRIBUTOR_ROLE, now() - DAY, now() + YEAR)
    assert standing(participants, provenance, two_hats) == expected_standing({DISTRIBUTOR_ROLE})
    ship("to two hats", SERIALS[:2], receiver=two_hats)
    receive("to two hats", two_hats)
    holding = lot.shipment("to two hats")
    at_time(start - 1)
    with reverts_with("DrugProvenanceNotDispenser", two_hats):
        dispense(holding, "SN0000", sender=two_hats)
    settle(start - 1)

    at_time(start)
    assert dispense(holding, "SN0000", sender=two_hats).return_value is True
    assert standing(participants, provenance, two_hats) == expected_standing(
        {DISTRIBUTOR_ROLE, DISPENSER_ROLE}
    )


def test_a_party_with_one_credential_suspended_and_the_other_run_out_is_stopped_until_reinstated(
    provenance,
    participants,
    lot,
    ship,
    receive,
    dispense,
    credential,
    two_hats,
    pharmacy,
    clinic,
    regulator,
    reverts_with,
    now,
    at_time,
    settle,
):
    end = now() + 60
    credential(two_hats, DISTRIBUTOR_ROLE, now() - DAY, end)
    credential(two_hats, DISPENSER_ROLE, now() - DAY, now() + YEAR)
    ship("stock", SERIALS[:4], receiver=two_hats)
    receive("stock", two_hats)
    stock = lot.shipment("stock")
    ship(
        "out", SERIALS[:1], parent=stock, sender=two_hats, receiver=pharmacy
    )  # its own, in transit
    ship("in", SERIALS[4:5], receiver=two_hats)  # to it, in transit
    participants.suspendCredential(two_hats, DISPENSER_ROLE, {"from": regulator})
    assert standing(participants, provenance, two_hats) == expected_standing({DISTRIBUTOR_ROLE})

    # The last second of its distributor's credential: still a trading partner.
    at_time(end)
    ship("last second", SERIALS[1:2], parent=stock, sender=two_hats, receiver=clinic)
    assert standing(participants, provenance, two_hats) == expected_standing({DISTRIBUTOR_ROLE})

    # One second later it has no current credential at all.
    attempts = (
        (
            ("DrugProvenanceNotTradingPartner", two_hats),
            lambda: take(provenance, lot.shipment("in"), epcis("in"), two_hats),
        ),
        (
            ("DrugProvenanceNotTradingPartner", two_hats),
            lambda: readings(provenance, lot.shipment("in"), epcis("in"), two_hats),
        ),
        (
            ("DrugProvenanceNotTradingPartner", two_hats),
            lambda: provenance.voidShipment(
                lot.shipment("out"), VOID_REASON, epcis("void"), CID, {"from": two_hats}
            ),
        ),
        (
            ("DrugProvenanceNotTradingPartner", two_hats),
            lambda: provenance.ship(
                stock,
                lot.selection(stock, SERIALS[2:3]),
                pharmacy,
                True,
                epcis("too late"),
                CID,
                {"from": two_hats},
            ),
        ),
        (
            ("DrugProvenanceNotDispenser", two_hats),
            lambda: dispense(stock, "SN0002", sender=two_hats),
        ),
    )
    t = end
    for error, attempt in attempts:
        t += 1
        at_time(t)
        with reverts_with(*error):
            attempt()
        settle(t)
        assert standing(participants, provenance, two_hats) == expected_standing(set())
    assert holding_of(provenance, lot.shipment("in"))["state"] == IN_TRANSIT
    assert holding_of(provenance, lot.shipment("out"))["state"] == IN_TRANSIT

    # Reinstated, its dispenser's credential alone makes it a trading partner again.
    participants.reinstateCredential(two_hats, DISPENSER_ROLE, {"from": regulator})
    assert standing(participants, provenance, two_hats) == expected_standing({DISPENSER_ROLE})
    take(provenance, lot.shipment("in"), epcis("in"), two_hats)
    provenance.voidShipment(
        lot.shipment("out"), VOID_REASON, epcis("void"), CID, {"from": two_hats}
    )
    assert holding_of(provenance, lot.shipment("in"))["custodian"] == two_hats
    assert holding_of(provenance, lot.shipment("out"))["state"] == VOIDED


def test_a_receiver_revoked_in_transit_receives_only_once_reissued_and_from_the_new_start(
    provenance,
    participants,
    lot,
    ship,
    credential,
    distributor,
    regulator,
    reverts_with,
    now,
    at_time,
    settle,
):
    ship("to distributor", SERIALS[:3])
    shipment, shown = lot.shipment("to distributor"), epcis("to distributor")
    participants.revokeCredential(distributor, DISTRIBUTOR_ROLE, {"from": regulator})
    for attempt in (
        lambda: take(provenance, shipment, shown, distributor),
        lambda: readings(provenance, shipment, shown, distributor),
    ):
        with reverts_with("DrugProvenanceNotTradingPartner", distributor):
            attempt()
    assert participants.activeRolesOf(distributor, EVERY_ROLE) == 0

    # Re-issued, but only from a minute on: still nothing before that second.
    start = now() + 60
    credential(distributor, DISTRIBUTOR_ROLE, start, start + YEAR)
    at_time(start - 1)
    with reverts_with("DrugProvenanceNotTradingPartner", distributor):
        take(provenance, shipment, shown, distributor)
    settle(start - 1)
    assert standing(participants, provenance, distributor) == expected_standing(set())
    assert holding_of(provenance, shipment)["state"] == IN_TRANSIT

    at_time(start)
    take(provenance, shipment, shown, distributor)
    held = holding_of(provenance, shipment)
    assert (held["custodian"], held["owner"], held["state"]) == (distributor, distributor, HELD)


def test_credential_changes_leave_a_regulators_patients_and_admins_unlicensed_roles_active(
    provenance,
    participants,
    lot,
    credential,
    admin,
    regulator,
    patient,
    reverts_with,
    now,
    mine_at,
):
    # A regulator that is also a distributor for a minute; a patient that is also a suspended,
    # then revoked, pharmacy.
    end = now() + 60
    credential(regulator, DISTRIBUTOR_ROLE, now() - DAY, end)
    credential(patient, DISPENSER_ROLE, now() - DAY, now() + YEAR)
    participants.suspendCredential(patient, DISPENSER_ROLE, {"from": regulator})
    assert standing(participants, provenance, regulator) == expected_standing(
        {DISTRIBUTOR_ROLE}, REGULATOR_BIT
    )
    assert standing(participants, provenance, patient) == expected_standing(set(), PATIENT_BIT)

    mine_at(end + 1)
    participants.revokeCredential(patient, DISPENSER_ROLE, {"from": regulator})
    assert standing(participants, provenance, regulator) == expected_standing(set(), REGULATOR_BIT)
    assert standing(participants, provenance, patient) == expected_standing(set(), PATIENT_BIT)
    assert participants.isActive(regulator, REGULATOR_ROLE) is True
    assert participants.activeRolesOf(admin, EVERY_ROLE) == ADMIN_BIT
    # The regulator still acts as one (an expired trading credential takes nothing from it), but
    # no longer ships or receives.
    provenance.quarantine(
        LOT_SCOPE, GTIN, LOT, NO_STANDING, REASON, epcis("quarantine"), CID, {"from": regulator}
    )
    assert provenance.lotOf(lot.key)[6] == 1
    with reverts_with("DrugProvenanceNotTradingPartner", patient):
        readings(provenance, lot.commissioning, ZERO32, patient, (MIN_TEMP, MAX_TEMP))


# A credential window on a coarse grid (GRID seconds apart, from BASE on) so that ends of
# different credentials, and operations, often fall on the same second; -1 as start: a day ago.
GRID = 3
GRID_POINTS = 7
# A credential first issued with its window: (start grid point, length in grid points); a start
# of -2: no credential issued.
WINDOW = st.tuples(
    st.integers(min_value=-2, max_value=GRID_POINTS - 1),
    st.integers(min_value=1, max_value=GRID_POINTS),
)
OPERATIONS = ("suspend", "reinstate", "revoke", "renew", "reissue")
# (kind, role index, second after BASE, end grid point, start grid point); of two operations
# planned for one second the last is made.
OPERATION = st.tuples(
    st.sampled_from(OPERATIONS),
    st.integers(min_value=0, max_value=len(TRADING_ROLES) - 1),
    st.integers(min_value=0, max_value=GRID * GRID_POINTS + 1),
    st.integers(min_value=0, max_value=GRID_POINTS),
    st.integers(min_value=-1, max_value=GRID_POINTS - 1),
)


def valid(valid_from: int, valid_until: int, t: int) -> bool:
    """Whether the registry takes this window at time t (ParticipantRegistry._checkValidity)."""
    return valid_from < valid_until and valid_until >= t


@dataclass
class Held:
    status: int = NONE
    valid_from: int = 0
    valid_until: int = 0

    def current(self, t: int) -> bool:
        return self.status == ACTIVE and self.valid_from <= t <= self.valid_until


@given(
    windows=st.tuples(*(WINDOW for _ in TRADING_ROLES)),
    operations=st.lists(OPERATION, min_size=2, max_size=8),
)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_active_roles_of_agrees_with_is_active_every_second_of_three_coinciding_windows(
    provenance, participants, regulator, at_time, mine_at, windows, operations
):
    # The account of all three trading roles needs no gas: the regulator acts on it.
    account = to_checksum_address(keccak(text="three hats")[:20])
    views = ViewBatch(participants)
    trading = ViewBatch(provenance)
    base = latest_timestamp() + 10

    def at(point: int) -> int:
        return base - DAY if point < 0 else base + GRID * point

    models = [Held() for _ in TRADING_ROLES]
    t = base - len(TRADING_ROLES) - 1
    for role, (start, length), model in zip(TRADING_ROLES, windows, models, strict=True):
        t += 1
        if start < -1:
            continue
        window = at(start), at(min(start + length, GRID_POINTS))
        at_time(t)
        participants.issueCredential(
            account, role, LICENSE_HASH, JURISDICTION, *window, {"from": regulator}
        )
        model.status, (model.valid_from, model.valid_until) = ACTIVE, window

    planned = {operation[2]: operation for operation in operations}
    for t in range(base - 1, base + GRID * GRID_POINTS + 3):
        done = False
        operation = planned.get(t - base)
        if operation is not None:
            kind, index, _, until_point, from_point = operation
            role, model = TRADING_ROLES[index], models[index]
            live = model.status in (ACTIVE, SUSPENDED)
            call = None
            if kind == "suspend" and model.status == ACTIVE:
                call, after = (participants.suspendCredential, (account, role)), SUSPENDED
            elif kind == "reinstate" and model.status == SUSPENDED:
                call, after = (participants.reinstateCredential, (account, role)), ACTIVE
            elif kind == "revoke" and live:
                call, after = (participants.revokeCredential, (account, role)), REVOKED
            elif kind == "renew" and live and valid(model.valid_from, at(until_point), t):
                call, after = (participants.renewCredential, (account, role, at(until_point))), None
            elif kind == "reissue" and not live and valid(at(from_point), at(until_point), t):
                args = (account, role, LICENSE_HASH, JURISDICTION, at(from_point), at(until_point))
                call, after = (participants.issueCredential, args), ACTIVE
            event(f"{kind}: {'made' if call else 'not allowed, skipped'}")
            if call is not None:
                function, args = call
                at_time(t)
                function(*args, {"from": regulator})
                done = True
                if kind == "renew":
                    model.valid_until = at(until_point)
                elif kind == "reissue":
                    model.valid_from, model.valid_until = at(from_point), at(until_point)
                model.status = after if after is not None else model.status
        if not done:
            mine_at(t)
        assert latest_timestamp() == t

        expected = [
            ROLE_BIT[role] if m.current(t) else 0
            for role, m in zip(TRADING_ROLES, models, strict=True)
        ]
        answers = views(
            [("isActive", (account, role)) for role in TRADING_ROLES]
            + [("activeRolesOf", (account, ROLE_BIT[role])) for role in TRADING_ROLES]
            + [("activeRolesOf", (account, TRADING_BITS)), ("activeRolesOf", (account, EVERY_ROLE))]
        )
        (is_partner,) = trading([("isTradingPartner", (account,))])
        state = (t - base, models)
        active = [m for m in models if m.status == ACTIVE]
        one_slot = all(m.valid_from <= t <= m.valid_until for m in active)
        event("answered from the one slot" if one_slot else "answered per credential")
        assert answers[:3] == [bool(bit) for bit in expected], state
        assert answers[3:6] == expected, state
        assert answers[6] == answers[7] == sum(expected), state
        assert is_partner == bool(sum(expected)), state
