"""Logs decoded from a node's JSON with the event's ABI (hygeia/core/chain/events.py)."""

from __future__ import annotations

import pytest

from hygeia.core import artifacts
from hygeia.core.chain.events import EventLayout, decode_words


def layouts() -> dict[str, EventLayout]:
    return {
        f"{name}.{entry['name']}": EventLayout.of(entry)
        for name in artifacts.SUITE_CONTRACTS
        for entry in artifacts.abi(name)
        if entry.get("type") == "event"
    }


def test_events_with_an_array_or_a_tuple_are_left_to_web3() -> None:
    """Only events whose every argument is one value are decoded word by word into web3's
    values: eth_abi gives arrays as tuples, and tuples need their components' names."""
    found = layouts()
    assert not found["ConsentRegistry.ConsentGranted"].flat  # bytes32[] classes
    assert not found["ClaimsAdjudicator.PlanRegistered"].flat  # a tuple
    assert found["ConsentRegistry.RecordAccessed"].flat
    assert found["DrugProvenance.ShipmentDispatched"].flat
    assert sum(layout.flat for layout in found.values()) > 40


def test_log_data_that_lies_about_its_lengths_is_refused_not_allocated() -> None:
    """A node's log whose offsets or lengths point past its data (a hostile or broken node) is
    a ValueError, never a read past the data or an allocation of the length it claims."""
    offset = (32).to_bytes(32, "big")
    huge = (2**200).to_bytes(32, "big")
    with pytest.raises(ValueError, match="shorter than its ABI layout"):
        decode_words(("bytes32[]",), offset + huge)  # 2**200 elements claimed
    with pytest.raises(ValueError, match="shorter than its ABI layout"):
        # 64 bytes claimed, 32 there
        decode_words(("bytes",), offset + (64).to_bytes(32, "big") + b"\x01" * 32)
    with pytest.raises(ValueError, match="shorter than its ABI layout"):
        decode_words(("uint256", "address"), b"\x00" * 40)  # two words claimed, 40 bytes there
    two = (2).to_bytes(32, "big")
    assert decode_words(("bytes32[]",), offset + two + b"\x01" * 32 + b"\x02" * 32) == [
        [b"\x01" * 32, b"\x02" * 32]
    ]
