"""Events read back from the index in web3's shape: a patient's accounting of disclosures gives
the same answer from the index as from the chain, on both backends."""

from __future__ import annotations

from datetime import timedelta

from hygeia.consent.client import ConsentRegistryClient
from hygeia.consent.disclosures import accounting_of_disclosures
from hygeia.core.chain import dev_signer
from hygeia.index.reader import IndexedLogs
from tests.chains import Chain
from tests.index.conftest import NewIndex, index_once


def test_accounting_of_disclosures_from_the_index_equals_the_chain(
    own_chain: Chain, new_index: NewIndex
) -> None:
    w3 = own_chain.w3
    patient, other = (dev_signer(w3, n).address for n in ("patient", "guardian"))
    provider = own_chain.suite("provider").consent
    for n in range(3):
        for who in (patient, other):
            provider.open_break_glass(who, f"unconscious, visit {n}", timedelta(hours=1))
            provider.close_break_glass(who)
    store = index_once(own_chain, new_index())
    try:
        logs = IndexedLogs(store)
        from_chain = own_chain.suite("patient").consent
        from_index = ConsentRegistryClient(w3, from_chain.address, logs=logs)
        chain_trail = accounting_of_disclosures(from_chain, patient)
        assert len(chain_trail) == 6
        assert accounting_of_disclosures(from_index, patient) == chain_trail
        assert accounting_of_disclosures(from_index, other) == accounting_of_disclosures(
            from_chain, other
        )
        # Filters on arguments that are not indexed, and lists of values, as web3 takes them.
        opened = logs.get_logs("ConsentRegistry", "BreakGlassOpened", {"patient": [patient]})
        raw = from_chain.contract.events.BreakGlassOpened().get_logs(
            from_block=0, argument_filters={"patient": patient}
        )
        assert [dict(x["args"]) for x in opened] == [dict(x["args"]) for x in raw]
        first = opened[0]["args"]["opening"]
        both = logs.get_logs("ConsentRegistry", "BreakGlassOpened", {"opening": first})
        assert {x["args"]["patient"] for x in both} == {patient, other}  # per patient
    finally:
        store.close()
