"""ClaimsReader: the adjudicator's views, answered at the adjudicator's address by its fallback
(DELEGATECALL into the reader); the reader refuses to answer at its own address; the fallback
takes no ether and answers nothing but the reader's functions.

Every other test of this folder reads the views through the adjudicator (`adjudicator` carries
the reader's ABI), so their values are covered there; this file covers the mechanism."""

from __future__ import annotations

import pytest
from brownie import web3
from brownie.exceptions import VirtualMachineError

from tests.brownie_support import revert_matcher
from tests.contracts.claims_adjudicator.support import (
    M1,
    MAIN,
    MAIN_KEY,
    OFFICE,
    claim,
    code,
    line,
    ref,
)

# Each view of the reader with arguments of the right types (what they name need not exist).
VIEW_CALLS = {
    "planIdOf": lambda a: (a, MAIN_KEY),
    "planOf": lambda a: (MAIN,),
    "serviceOf": lambda a: (MAIN, code(OFFICE)),
    "memberOf": lambda a: (MAIN, M1),
    "accumulatorOf": lambda a: (MAIN, M1),
    "unitsUsed": lambda a: (MAIN, M1, code(OFFICE)),
    "authorizationOf": lambda a: (MAIN, M1, ref("PA1")),
    "claimOf": lambda a: (ref("c1"),),
    "claimStates": lambda a: ([ref("c1")],),
    "claimLines": lambda a: (ref("c1"),),
    "lineResults": lambda a: (ref("c1"),),
    "remittanceOf": lambda a: (ref("c1"),),
    "appealOf": lambda a: (ref("c1"),),
}


@pytest.fixture(scope="module")
def reader(ClaimsReader, adjudicator):
    """The reader the adjudicator created, at its own address."""
    return ClaimsReader.at(adjudicator.reader())


@pytest.fixture(scope="session")
def reader_reverts_with(ClaimsReader):
    return revert_matcher("ClaimsReader", ClaimsReader.abi)


def test_the_reader_has_only_view_and_pure_functions(ClaimsReader):
    mutabilities = {
        item["stateMutability"] for item in ClaimsReader.abi if item["type"] == "function"
    }
    assert mutabilities <= {"view", "pure"}


def test_every_reader_function_is_listed_here(ClaimsReader):
    pure = {"claimIdOf", "reversalIdOf"}
    names = {item["name"] for item in ClaimsReader.abi if item["type"] == "function"}
    assert names == set(VIEW_CALLS) | pure


def test_the_views_answer_at_the_adjudicator_address(adjudicator, process, provider):
    [cid] = process(claim("c1", M1, [line(OFFICE, "2025-10-01", 1, 15_000)]))

    assert adjudicator.planOf(MAIN)[0] != "0x" + "00" * 20
    assert adjudicator.claimOf(cid)[0] == provider
    assert adjudicator.remittanceOf(cid)[2] == 7_500


@pytest.mark.parametrize("name", sorted(VIEW_CALLS))
def test_the_reader_refuses_to_answer_at_its_own_address(
    reader, adjudicator, reader_reverts_with, name
):
    with reader_reverts_with("ClaimsReaderNotDelegated"):
        getattr(reader, name)(*VIEW_CALLS[name](adjudicator.address))


def test_the_pure_ids_answer_anywhere(reader, adjudicator, provider):
    assert reader.claimIdOf(provider, ref("c1")) == adjudicator.claimIdOf(provider, ref("c1"))
    assert reader.reversalIdOf(ref("c1")) == adjudicator.reversalIdOf(ref("c1"))


def test_the_views_revert_with_the_adjudicators_errors(adjudicator, plan, reverts_with):
    with reverts_with("ClaimsAdjudicatorClaimNotFound", ref("nothing")):
        adjudicator.remittanceOf(ref("nothing"))


def test_the_fallback_takes_no_ether(adjudicator, admin):
    before = web3.eth.get_balance(adjudicator.address)
    with pytest.raises(VirtualMachineError):
        admin.transfer(adjudicator, 1)
    with pytest.raises(VirtualMachineError):
        admin.transfer(adjudicator, 1, data=adjudicator.planOf.encode_input(MAIN))

    assert web3.eth.get_balance(adjudicator.address) == before


def test_the_fallback_answers_nothing_but_the_readers_functions(adjudicator, admin):
    for data in ("0x", "0xdeadbeef", "0x" + "ab" * 36):
        with pytest.raises(ValueError, match="revert"):
            web3.eth.call({"to": adjudicator.address, "data": data})
        with pytest.raises(VirtualMachineError):
            admin.transfer(adjudicator, 0, data=data)
