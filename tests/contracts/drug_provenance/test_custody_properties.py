"""DrugProvenance custody invariants, as a hypothesis state machine against a plain-Python model.

Random shipments (whole holdings and subsets, by anyone to anyone), receipts, voids, dispenses,
destructions, quarantines and clearances of the lot and its units (with good, borrowed and
missing standing), quarantine bars, sensor readings with and without excursions, excursion
clearances and a recall run on a lot of six units among four trading partners, a regulator and
a stranger (a second manufacturer, the rival, commissioned a lot of its own beforehand).
Every call must succeed or revert exactly as the model predicts, and after every step:
- each active unit is in exactly one holding, so it has exactly one custodian: every holding's
  commitment on-chain is that of the model's units in it (by position), with the model's
  custodian and state;
- only the custodian ships: a call by anyone else, or with units of another holding, reverts;
- holding ids are scoped to their creator: a shipment that reuses an EPCIS event hash (of an
  earlier shipment, of the commissioning, or of the rival's commissioning) reverts only if its
  own sender made a holding with that hash, and otherwise ships as a new holding of its own;
- a recalled lot only moves back to its manufacturer (a return);
- dispensed and destroyed are final: the unit records never change back, and a dispensed or
  destroyed serial never re-enters a holding;
- a recall reaches every unit of the lot: verify answers RECALLED for each, and every party
  holding units of the lot is a custodian of one of its non-empty holdings;
- only the manufacturer, a regulator or a party in the lot's chain of custody (the custodian of
  one of its holdings, named as standing, with the unit's proof for a unit) quarantines, and a
  barred party never does; a refused dispense (a clone or a unit held elsewhere) changes no
  investigation status: every unit's and the lot's status on-chain is the model's;
- an excursion is opened only by the party that has the units now (the custodian of a
  non-empty holding not in transit, or the receiver in transit), never by a barred party, and
  the lot counts exactly the holdings with one open;
- verify answers, for every unit, the status the model predicts (recall, then quarantine of the
  unit or lot or an open excursion, then decommissioning, else VALID).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from brownie import chain
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from hygeia.provenance import ids
from hygeia.provenance.merkle import ZERO, words
from tests.brownie_support import ViewBatch
from tests.contracts.drug_provenance.support import (
    CID,
    DECOMMISSIONED,
    EXPIRY,
    GTIN,
    HELD,
    IN_TRANSIT,
    LOT,
    MAX_TEMP,
    MIN_TEMP,
    NAME_HASH,
    NOT_HELD,
    PREFIX_LENGTH,
    QUARANTINED,
    REASON,
    RECALLED,
    RIVAL_GTIN,
    STATUS_NAMES,
    UNSELECTED,
    VOID_REASON,
    VOIDED,
    ZERO32,
    LotModel,
    epcis,
    holding_record,
    serial,
    unit_id,
    verify_args,
)

UNITS = tuple(f"U{i}" for i in range(6))
ACTORS = ("manufacturer", "distributor", "pharmacy", "clinic", "stranger")
# Who tries to quarantine, clear and open excursions: every actor and a regulator.
INVESTIGATORS = (*ACTORS, "regulator")
PARTNERS = {"manufacturer", "distributor", "pharmacy", "clinic"}
DISPENSERS = {"pharmacy", "clinic"}
AUTHORITIES = {"manufacturer", "regulator"}  # need no standing; clear quarantines and excursions
ACTIVE, DISPENSED_STATE, DESTROYED_STATE = 0, 1, 2
NOT_INVESTIGATED, UNDER_QUARANTINE = 0, 1
LOT_SCOPE, UNIT_SCOPE = 0, 1
INSIDE, OUTSIDE = (MIN_TEMP, MAX_TEMP), (MIN_TEMP - 1, MAX_TEMP)
SETTINGS = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RIVAL_COMMISSIONING = epcis("rival commissioning")
PICK = st.integers(min_value=0, max_value=255)
MASK = st.integers(min_value=0, max_value=63)


@dataclass
class Holding:
    custodian: str
    state: int
    units: set[str]
    receiver: str | None = None
    complement: bool = False  # its words are the positions gone from the whole lot
    dispatch: bytes | None = None  # a shipment's shipping event hash: its receiver shows it


@dataclass
class Model:
    holdings: dict[bytes, Holding]
    events: list[bytes]  # the EPCIS event hashes that made holdings, for shipments to reuse
    unit_state: dict[str, int] = field(default_factory=lambda: dict.fromkeys(UNITS, ACTIVE))
    unit_investigation: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(UNITS, NOT_INVESTIGATED)
    )
    lot_investigation: int = NOT_INVESTIGATED
    excursions: set[bytes] = field(default_factory=set)  # holdings with an open excursion
    barred: set[str] = field(default_factory=set)
    quarantined_by: list[tuple[str, set[str]]] = field(default_factory=list)
    recalled: bool = False
    steps: int = 0

    def holder_of(self, unit: str) -> list[bytes]:
        return [h for h, holding in self.holdings.items() if unit in holding.units]

    def custodians(self) -> set[str]:
        """Every party in the lot's chain of custody: the custodian of one of its holdings."""
        return {holding.custodian for holding in self.holdings.values()}

    def lot_hold(self) -> int | None:
        """What stops the lot from moving except back to its manufacturer (None: nothing)."""
        if self.recalled:
            return RECALLED
        if self.lot_investigation == UNDER_QUARANTINE:
            return QUARANTINED
        return None

    def status(self, unit: str) -> str:
        """verify's answer for `unit` (the lot is never expired nor illegitimate here)."""
        if self.recalled:
            return "RECALLED"
        if (
            self.unit_investigation[unit] == UNDER_QUARANTINE
            or self.lot_investigation == UNDER_QUARANTINE
            or self.excursions
        ):
            return "QUARANTINED"
        if self.unit_state[unit] != ACTIVE:
            return "DISPENSED"
        return "VALID"


class CustodyMachine(RuleBasedStateMachine):
    """Each run starts from the chain snapshot taken right after the lot was commissioned."""

    provenance: ClassVar[Any]
    views: ClassVar[ViewBatch]
    accounts: ClassVar[dict[str, Any]]
    reverts_with: ClassVar[Any]
    lot: ClassVar[LotModel]
    rival_holding: ClassVar[bytes]

    def __init__(self) -> None:
        chain.revert()
        super().__init__()
        self.model = Model(
            {self.lot.commissioning: Holding("manufacturer", HELD, set(UNITS), complement=True)},
            [self.lot.commissioning_event, RIVAL_COMMISSIONING],
        )

    # -------------------------------------------------------------------------------- helpers

    def _holding(self, pick):
        ids_ = sorted(self.model.holdings)
        return ids_[pick % len(ids_)]

    def _shipment(self, pick):
        """Mostly a shipment in transit (if any), else any holding: receipts and voids happen,
        and parties other than the manufacturer come to hold units, and so to have standing."""
        moving = sorted(h for h, held in self.model.holdings.items() if held.state == IN_TRANSIT)
        if moving and pick % 4:
            return moving[pick % len(moving)]
        return self._holding(pick)

    def _expect(self, error, call, *args, sender):
        event(f"{call.abi['name']}: {error[0] if error else 'ok'}")
        if error is None:
            return call(*args, {"from": self.accounts[sender]})
        with self.reverts_with(*error):
            call(*args, {"from": self.accounts[sender]})
        return None

    def _sync_lot_model(self):
        self.lot.holdings = {h: set(holding.units) for h, holding in self.model.holdings.items()}
        self.lot.complement = {h: holding.complement for h, holding in self.model.holdings.items()}

    def _ship(self, parent_id, chosen, sender, receiver, event_hash):
        """Ships `chosen` units of `parent_id` (none: the whole holding) as the model predicts;
        returns whether it shipped."""
        parent = self.model.holdings[parent_id]
        account = self.accounts[sender]
        child = ids.holding_id(account.address, event_hash, self.accounts[receiver].address)
        self._sync_lot_model()
        selection = self.lot.selection(parent_id, chosen) if chosen and parent.units else UNSELECTED
        error = None
        if sender not in PARTNERS:
            error = ("DrugProvenanceNotTradingPartner", account)
        elif sender != parent.custodian:
            error = ("DrugProvenanceNotCustodian", parent_id, account)
        elif parent.state == IN_TRANSIT:
            error = ("DrugProvenanceUnexpectedHoldingState", parent_id, IN_TRANSIT)
        elif not parent.units:
            error = ("DrugProvenanceEmptyHolding", parent_id)
        elif receiver == sender:
            error = ("DrugProvenanceInvalidReceiver", account)
        elif receiver not in PARTNERS:
            error = ("DrugProvenanceNotTradingPartner", self.accounts[receiver])
        elif self.model.lot_hold() is not None and receiver != "manufacturer":
            error = ("DrugProvenanceNotMovable", parent_id, self.model.lot_hold())  # a return only
        elif child in self.model.holdings:
            error = ("DrugProvenanceHoldingExists", child)  # the sender made it already
        tx = self._expect(
            error,
            self.provenance.ship,
            parent_id,
            selection,
            self.accounts[receiver],
            False,
            event_hash,
            CID,
            sender=sender,
        )
        if tx is None:
            return False
        assert tx.events["ShipmentDispatched"]["shipment"] == "0x" + child.hex()
        moving = set(chosen) if chosen else set(parent.units)
        parent.units -= moving
        whole = not chosen
        self.model.holdings[child] = Holding(
            sender,
            IN_TRANSIT,
            moving,
            receiver,
            complement=whole and parent.complement,
            dispatch=event_hash,
        )
        if whole:
            parent.complement = False
        return True

    # -------------------------------------------------------------------------------- rules

    @initialize(units=st.lists(st.sampled_from(UNITS), unique=True, max_size=len(UNITS)))
    def spread_the_lot(self, units):
        """Start with `units` shipped to the distributor, and half of them on to the pharmacy,
        both shipments received (none: the whole lot stays with the manufacturer), so that
        parties besides the manufacturer hold units, and have standing, from the first rule."""
        if not units:
            return
        stock = self.lot.commissioning
        steps = [(stock, units, "manufacturer", "distributor")]
        if len(units) > 1:
            steps.append((None, units[: len(units) // 2], "distributor", "pharmacy"))
        for parent, chosen, sender, receiver in steps:
            self.model.steps += 1
            event_hash = epcis(f"spread {self.model.steps}")
            parent = parent or self._received_by(sender)
            assert self._ship(parent, chosen, sender, receiver, event_hash)
            self.model.events.append(event_hash)
            shipment = ids.holding_id(
                self.accounts[sender].address, event_hash, self.accounts[receiver].address
            )
            self.provenance.receiveShipment(
                shipment,
                event_hash,
                epcis(f"r {self.model.steps}"),
                CID,
                {"from": self.accounts[receiver]},
            )
            held = self.model.holdings[shipment]
            held.custodian, held.state, held.receiver = receiver, HELD, None

    def _received_by(self, party):
        return next(h for h, held in self.model.holdings.items() if held.custodian == party)

    @rule(pick=PICK, mask=MASK, sender=PICK, receiver=PICK, whole=st.booleans())
    def rule_ship(self, pick, mask, sender, receiver, whole):
        parent_id = self._holding(pick)
        parent = self.model.holdings[parent_id]
        sender, receiver = ACTORS[sender % len(ACTORS)], ACTORS[receiver % len(ACTORS)]
        if mask % 3 == 0:
            sender = parent.custodian  # mostly let the custodian act, so that shipments happen
        chosen = [] if whole else [u for i, u in enumerate(UNITS) if mask >> i & 1]
        chosen = [u for u in chosen if u in parent.units]
        self.model.steps += 1
        event_hash = epcis(f"ship {self.model.steps}")
        if self._ship(parent_id, chosen, sender, receiver, event_hash):
            self.model.events.append(event_hash)

    @rule(pick=PICK, receiver=PICK, used=PICK)
    def rule_ship_with_a_used_event_hash(self, pick, receiver, used):
        """The custodian of a holding it may ship ships it whole with an event hash that already
        made a holding: refused only if the custodian made that holding itself, for the same
        receiver."""
        ready = [
            h
            for h, holding in sorted(self.model.holdings.items())
            if holding.units and holding.state != IN_TRANSIT
        ]
        if not ready:
            return
        parent_id = ready[pick % len(ready)]
        sender = self.model.holdings[parent_id].custodian
        receivers = sorted(PARTNERS - {sender})
        event_hash = self.model.events[used % len(self.model.events)]
        shipped = self._ship(
            parent_id, [], sender, receivers[receiver % len(receivers)], event_hash
        )
        event(f"ship with a used event hash: {'ok' if shipped else 'refused'}")

    @rule(pick=PICK, unit=PICK)
    def rule_ship_units_held_elsewhere(self, pick, unit):
        """The custodian of one holding tries to ship a unit that is in another one."""
        parent_id = self._holding(pick)
        parent = self.model.holdings[parent_id]
        foreign = [u for u in UNITS if u not in parent.units]
        if (
            parent.custodian not in PARTNERS
            or parent.state == IN_TRANSIT
            or not parent.units
            or not foreign
        ):
            return
        text = foreign[unit % len(foreign)]
        receiver = "distributor" if parent.custodian != "distributor" else "manufacturer"
        self._sync_lot_model()
        selection = (self.lot.words(parent_id), words([self.lot.position_of[text]]))
        self.model.steps += 1
        stopped = self.model.lot_hold() is not None and receiver != "manufacturer"
        self._expect(
            ("DrugProvenanceNotMovable", parent_id, self.model.lot_hold())
            if stopped  # the lot's hold is checked before the units
            else ("DrugProvenanceUnitsNotHeld", parent_id),
            self.provenance.ship,
            parent_id,
            selection,
            self.accounts[receiver],
            False,
            epcis(f"foreign {self.model.steps}"),
            CID,
            sender=parent.custodian,
        )

    @rule(pick=PICK, actor=PICK, forged=st.booleans())
    def rule_receive(self, pick, actor, forged):
        """Anyone receives a shipment, showing its shipping event's hash (public), or another."""
        holding_id = self._shipment(pick)
        holding = self.model.holdings[holding_id]
        actor = (
            holding.receiver if actor % 2 == 0 and holding.receiver else ACTORS[actor % len(ACTORS)]
        )
        shown = epcis("not its shipping event") if forged else holding.dispatch or ZERO32
        error = None
        if holding.state != IN_TRANSIT:
            error = ("DrugProvenanceUnexpectedHoldingState", holding_id, holding.state)
        elif actor != holding.receiver or forged:
            error = ("DrugProvenanceNotReceiver", holding_id, self.accounts[actor])
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.receiveShipment,
            holding_id,
            shown,
            epcis(f"r {self.model.steps}"),
            CID,
            sender=actor,
        )
        if tx is not None:
            holding.custodian, holding.state, holding.receiver = actor, HELD, None

    @rule(pick=PICK, actor=PICK)
    def rule_void(self, pick, actor):
        holding_id = self._shipment(pick)
        holding = self.model.holdings[holding_id]
        actor = holding.custodian if actor % 2 == 0 else ACTORS[actor % len(ACTORS)]
        error = None
        if holding.state != IN_TRANSIT:
            error = ("DrugProvenanceUnexpectedHoldingState", holding_id, holding.state)
        elif actor != holding.custodian:
            error = ("DrugProvenanceNotCustodian", holding_id, self.accounts[actor])
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.voidShipment,
            holding_id,
            VOID_REASON,
            epcis(f"v {self.model.steps}"),
            CID,
            sender=actor,
        )
        if tx is not None:
            holding.state, holding.receiver = VOIDED, None

    @rule(pick=PICK, unit=PICK, actor=PICK)
    def rule_dispense(self, pick, unit, actor):
        holding_id = self._holding(pick)
        holding = self.model.holdings[holding_id]
        text = UNITS[unit % len(UNITS)]
        actor = holding.custodian if actor % 2 == 0 else ACTORS[actor % len(ACTORS)]
        self._sync_lot_model()
        unit_given = self.lot.held_unit(holding_id, text)
        error, outcome = None, "dispensed"
        if actor not in DISPENSERS:
            error = ("DrugProvenanceNotDispenser", self.accounts[actor])
        elif actor != holding.custodian:
            error = ("DrugProvenanceNotCustodian", holding_id, self.accounts[actor])
        elif holding.state == IN_TRANSIT:
            error = ("DrugProvenanceUnexpectedHoldingState", holding_id, IN_TRANSIT)
        elif self.model.unit_state[text] != ACTIVE:
            outcome = DECOMMISSIONED
        elif text not in holding.units:
            outcome = NOT_HELD
        elif self.model.status(text) == "RECALLED":
            error = ("DrugProvenanceNotSaleable", unit_id(text), RECALLED)
        elif self.model.status(text) == "QUARANTINED":
            error = ("DrugProvenanceNotSaleable", unit_id(text), QUARANTINED)
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.dispense,
            holding_id,
            serial(text),
            unit_given,
            epcis(f"d {self.model.steps}"),
            CID,
            sender=actor,
        )
        if tx is None:
            return
        if outcome == "dispensed":
            assert tx.return_value is True
            holding.units.discard(text)
            self.model.unit_state[text] = DISPENSED_STATE
        else:
            # An alert only: the investigation invariant checks that nothing was quarantined.
            assert tx.events["SuspectUnitFlagged"]["reason"] == outcome
            assert "ProductQuarantined" not in tx.events

    @rule(pick=PICK, unit=PICK)
    def rule_destroy(self, pick, unit):
        holding_id = self._holding(pick)
        holding = self.model.holdings[holding_id]
        if holding.custodian not in PARTNERS:
            return
        text = UNITS[unit % len(UNITS)]
        self._sync_lot_model()
        unit_given = self.lot.held_unit(holding_id, text)
        error = None
        if holding.state == IN_TRANSIT:
            error = ("DrugProvenanceUnexpectedHoldingState", holding_id, IN_TRANSIT)
        elif text not in holding.units:
            error = ("DrugProvenanceUnitNotHeld", holding_id, unit_id(text))
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.destroy,
            holding_id,
            serial(text),
            unit_given,
            epcis(f"x {self.model.steps}"),
            CID,
            sender=holding.custodian,
        )
        if tx is not None:
            holding.units.discard(text)
            self.model.unit_state[text] = DESTROYED_STATE

    def _target(self, lot_scope, unit):
        """(scope, id, target key, current status) of the lot, or of unit UNITS[unit]."""
        if lot_scope:
            return LOT_SCOPE, LOT, self.lot.key, self.model.lot_investigation
        text = UNITS[unit % len(UNITS)]
        return UNIT_SCOPE, serial(text), unit_id(text), self.model.unit_investigation[text]

    def _set_investigation(self, scope, unit, status):
        if scope == LOT_SCOPE:
            self.model.lot_investigation = status
        else:
            self.model.unit_investigation[UNITS[unit % len(UNITS)]] = status

    def _authority_or_anyone(self, actor):
        """Mostly the manufacturer or the regulator, else anyone (for clearances)."""
        if actor % 2 == 0:
            return sorted(AUTHORITIES)[actor // 2 % len(AUTHORITIES)]
        return INVESTIGATORS[actor % len(INVESTIGATORS)]

    @rule(
        actor=PICK,
        lot_scope=PICK,
        unit=PICK,
        standing=PICK,
        proof=st.sampled_from(["own", "own", "other unit", "none"]),
    )
    def rule_quarantine(self, actor, lot_scope, unit, standing, proof):
        """Anyone quarantines the lot (a quarter of the time: it stops the lot) or a unit, naming
        as standing a holding of the lot (mostly one of its own, if it has any), the rival's
        commissioned holding, or none."""
        actor = INVESTIGATORS[actor % len(INVESTIGATORS)]
        scope, ident, key, current = self._target(lot_scope % 4 == 0, unit)
        own = sorted(h for h, held in self.model.holdings.items() if held.custodian == actor)
        choices = [*sorted(self.model.holdings), self.rival_holding, ZERO32]
        if own and standing % 2 == 0:
            choices = own
        holding_id = choices[standing // 2 % len(choices)]
        text = UNITS[unit % len(UNITS)]
        proofs = {"own": text, "other unit": UNITS[(unit + 1) % len(UNITS)], "none": None}
        chosen = proofs[proof] if scope == UNIT_SCOPE else None
        given = (
            (holding_id, 0, [])
            if chosen is None
            else (holding_id, self.lot.position_of[chosen], self.lot.lot_proof(chosen))
        )
        held = self.model.holdings.get(holding_id)
        in_custody = held is not None and held.custodian == actor
        proven = scope == LOT_SCOPE or chosen == text
        account = self.accounts[actor]
        error = None
        if actor in self.model.barred:
            error = ("DrugProvenanceBarred", account)
        elif actor in AUTHORITIES:
            pass
        elif actor not in PARTNERS:
            error = ("DrugProvenanceNotTradingPartner", account)
        elif not (in_custody and proven):
            error = ("DrugProvenanceNoStanding", account, key)
        if error is None and current != NOT_INVESTIGATED:
            error = ("DrugProvenanceUnexpectedInvestigation", key, current)
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.quarantine,
            scope,
            GTIN,
            ident,
            given,
            REASON,
            epcis(f"q {self.model.steps}"),
            CID,
            sender=actor,
        )
        if tx is not None:
            self._set_investigation(scope, unit, UNDER_QUARANTINE)
            self.model.quarantined_by.append((actor, self.model.custodians()))

    @rule(actor=PICK, lot_scope=st.booleans(), unit=PICK)
    def rule_clear(self, actor, lot_scope, unit):
        actor = self._authority_or_anyone(actor)
        scope, ident, key, current = self._target(lot_scope, unit)
        error = None
        if actor not in AUTHORITIES:
            error = ("DrugProvenanceNotAuthority", GTIN, self.accounts[actor])
        elif current != UNDER_QUARANTINE:
            error = ("DrugProvenanceUnexpectedInvestigation", key, current)
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.clear,
            scope,
            GTIN,
            ident,
            epcis(f"c {self.model.steps}"),
            CID,
            sender=actor,
        )
        if tx is not None:
            self._set_investigation(scope, unit, NOT_INVESTIGATED)

    @rule(actor=PICK, barred=st.booleans())
    def rule_bar(self, actor, barred):
        actor = ACTORS[actor % len(ACTORS)]
        account = self.accounts[actor]
        unchanged = (actor in self.model.barred) == barred
        self._expect(
            ("DrugProvenanceBarUnchanged", account, barred) if unchanged else None,
            self.provenance.setQuarantineBar,
            account,
            barred,
            sender="regulator",
        )
        if barred:
            self.model.barred.add(actor)
        else:
            self.model.barred.discard(actor)

    @rule(pick=PICK, actor=PICK, outside=st.booleans())
    def rule_sensor_readings(self, pick, actor, outside):
        holding_id = self._holding(pick)
        holding = self.model.holdings[holding_id]
        actor = (
            holding.receiver or holding.custodian
            if actor % 2 == 0
            else INVESTIGATORS[actor % len(INVESTIGATORS)]
        )
        account = self.accounts[actor]
        receiving = holding.state == IN_TRANSIT and holding.receiver == actor
        error = None
        if actor not in PARTNERS:
            error = ("DrugProvenanceNotTradingPartner", account)
        elif holding.custodian != actor and not receiving:
            error = ("DrugProvenanceNotCustodian", holding_id, account)
        elif outside and actor in self.model.barred:
            error = ("DrugProvenanceBarred", account)
        elif outside and holding.state == IN_TRANSIT and not receiving:
            error = ("DrugProvenanceUnexpectedHoldingState", holding_id, IN_TRANSIT)
        elif outside and not holding.units:
            error = ("DrugProvenanceEmptyHolding", holding_id)
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.recordSensorReadings,
            holding_id,
            holding.dispatch or ZERO32,  # public: only the receiver's own id matches it
            *(OUTSIDE if outside else INSIDE),
            epcis(f"s {self.model.steps}"),
            CID,
            sender=actor,
        )
        if tx is not None and outside:
            assert holding.units and actor not in self.model.barred
            self.model.excursions.add(holding_id)

    @rule(pick=PICK, actor=PICK)
    def rule_clear_excursion(self, pick, actor):
        open_ = sorted(self.model.excursions)
        holding_id = open_[pick % len(open_)] if open_ and pick % 2 else self._holding(pick)
        actor = self._authority_or_anyone(actor)
        error = None
        if actor not in AUTHORITIES:
            error = ("DrugProvenanceNotAuthority", GTIN, self.accounts[actor])
        elif holding_id not in self.model.excursions:
            error = ("DrugProvenanceNoExcursion", holding_id)
        self.model.steps += 1
        tx = self._expect(
            error,
            self.provenance.clearExcursion,
            holding_id,
            epcis(f"e {self.model.steps}"),
            CID,
            sender=actor,
        )
        if tx is not None:
            self.model.excursions.discard(holding_id)

    @rule(draw=st.integers(min_value=0, max_value=4))
    def rule_recall(self, draw):
        # Rare, since a recalled lot's units are no longer dispensed.
        if self.model.recalled or draw:
            return
        self.provenance.recall(
            GTIN, LOT, REASON, epcis("recall"), CID, {"from": self.accounts["manufacturer"]}
        )
        self.model.recalled = True

    # -------------------------------------------------------------------------------- invariants

    @invariant()
    def invariant_the_chain_is_the_models(self):
        """Every invariant of the module's docstring, checked on one batched read of the chain
        (each holding's record, each unit's record, the lot's record, verify of each unit)."""
        holdings = sorted(self.model.holdings)
        answers = self.views(
            [("holdingOf", [h]) for h in holdings]
            + [("unitOf", [GTIN, serial(u)]) for u in UNITS]
            + [("lotOf", [self.lot.key])]
            + [("verify", verify_args(self.lot, u)) for u in UNITS]
        )
        k, n = len(holdings), len(UNITS)
        on_chain = {h: holding_record(a) for h, a in zip(holdings, answers[:k], strict=True)}
        units = dict(zip(UNITS, answers[k : k + n], strict=True))
        lot = answers[k + n]
        statuses = {u: STATUS_NAMES[a] for u, a in zip(UNITS, answers[k + n + 1 :], strict=True)}
        self._sync_lot_model()
        self.check_each_active_unit_is_in_exactly_one_holding_with_one_custodian(on_chain)
        self.check_dispensed_and_destroyed_are_final(units)
        self.check_investigations_and_excursions_are_the_models(on_chain, units, lot)
        self.check_only_parties_with_standing_quarantined()
        self.check_verify_answers_the_models_status(statuses)
        self.check_a_recall_reaches_every_unit_of_the_lot(on_chain, statuses)

    def check_each_active_unit_is_in_exactly_one_holding_with_one_custodian(self, on_chain):
        for text, state in self.model.unit_state.items():
            assert len(self.model.holder_of(text)) == (1 if state == ACTIVE else 0), text
        for holding_id, holding in self.model.holdings.items():
            record = on_chain[holding_id]
            assert record["commitment"] == self.lot.commitment(holding_id)
            assert record["units"] == len(holding.units)
            assert record["custodian"] == self.accounts[holding.custodian].address
            assert record["state"] == holding.state
            assert (record["commitment"] == ZERO) == (not holding.units)

    def check_dispensed_and_destroyed_are_final(self, units):
        for text, state in self.model.unit_state.items():
            assert units[text][0] == state, text
            if state != ACTIVE:
                assert not self.model.holder_of(text)

    def check_investigations_and_excursions_are_the_models(self, on_chain, units, lot):
        for text in UNITS:
            assert units[text][1] == self.model.unit_investigation[text], text
        assert (lot[6], lot[7]) == (self.model.lot_investigation, len(self.model.excursions))
        for holding_id, record in on_chain.items():
            assert record["excursion"] == (holding_id in self.model.excursions)

    def check_only_parties_with_standing_quarantined(self):
        for actor, custodians in self.model.quarantined_by:
            assert actor in AUTHORITIES or actor in custodians

    def check_verify_answers_the_models_status(self, statuses):
        for text in UNITS:
            assert statuses[text] == self.model.status(text), text

    def check_a_recall_reaches_every_unit_of_the_lot(self, on_chain, statuses):
        if not self.model.recalled:
            return
        assert set(statuses.values()) == {"RECALLED"}
        holders = {h.custodian for h in self.model.holdings.values() if h.units}
        custodians = {r["custodian"] for r in on_chain.values() if r["commitment"] != ZERO}
        assert custodians == {self.accounts[name].address for name in holders}


def test_custody_invariants_hold_under_random_operations(
    provenance, product, named, clinic, rival, reverts_with
):
    CustodyMachine.provenance = provenance
    CustodyMachine.views = ViewBatch(provenance)
    CustodyMachine.accounts = {name: named[name] for name in INVESTIGATORS if name != "clinic"}
    CustodyMachine.accounts["clinic"] = clinic
    CustodyMachine.rival_holding = ids.holding_id(rival.address, RIVAL_COMMISSIONING, rival.address)
    CustodyMachine.reverts_with = staticmethod(reverts_with)
    CustodyMachine.lot = LotModel(GTIN, LOT, EXPIRY, UNITS, named["manufacturer"].address)
    provenance.commission(
        GTIN,
        LOT,
        EXPIRY,
        len(UNITS),
        CustodyMachine.lot.tree.root,
        CustodyMachine.lot.commissioning_event,
        CID,
        {"from": named["manufacturer"]},
    )
    # The rival's lot: a holding its event hash made that the machine's parties may reuse.
    provenance.registerProduct(
        RIVAL_GTIN,
        PREFIX_LENGTH,
        NAME_HASH,
        MIN_TEMP,
        MAX_TEMP,
        epcis("rival master data"),
        CID,
        {"from": rival},
    )
    rival_root = LotModel(RIVAL_GTIN, LOT, EXPIRY, UNITS, rival.address).tree.root
    provenance.commission(
        RIVAL_GTIN, LOT, EXPIRY, len(UNITS), rival_root, RIVAL_COMMISSIONING, CID, {"from": rival}
    )
    chain.snapshot()
    run_state_machine_as_test(CustodyMachine, settings=SETTINGS)
