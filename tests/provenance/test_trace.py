"""LotCustody's words and commitments of holdings, against the plain definitions in merkle."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hygeia.core.contract_types import HoldingState
from hygeia.provenance import ids
from hygeia.provenance.merkle import LotTree, holding_commitment, holding_words
from hygeia.provenance.trace import HoldingView, LotCustody

GTIN = 614141000418


def custody_of(serials: list[str], quantity: int) -> LotCustody:
    units = ids.unit_ids(GTIN, serials)
    return LotCustody(
        GTIN,
        "L1",
        date(2030, 1, 1),
        ids.lot_key(GTIN, ids.digest("L1")),
        7,
        LotTree.of_units(units),
        dict(zip(units, serials, strict=True)),
        quantity,
        {s: k for k, s in enumerate(serials)},
    )


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=700),
    extra=st.sampled_from([0, 0, 3]),  # a lot declaring more units than its document lists
    data=st.data(),
    complement=st.booleans(),
)
def test_a_holdings_words_and_commitment_are_those_of_its_positions(
    size: int, extra: int, data: st.DataObject, complement: bool
) -> None:
    serials = [f"S{i}" for i in range(size)]
    held = set(data.draw(st.lists(st.sampled_from(serials), unique=True)))
    custody = custody_of(serials, size + extra)
    view = HoldingView(b"h", None, "a", "a", HoldingState.HELD, held, complement=complement)
    custody.holdings[b"h"] = view
    positions = {serials.index(s) for s in held}

    assert custody.words(b"h") == holding_words(positions, size + extra, complement=complement)
    assert custody.commitment(b"h") == holding_commitment(
        positions, size + extra, complement=complement
    )
