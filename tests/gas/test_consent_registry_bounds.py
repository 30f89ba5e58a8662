"""ConsentRegistry gas: what the main operations cost, against the documented bounds."""

from __future__ import annotations

# On brownie's chain with the contract tests' fixtures (found by name once imported).
from tests.brownie_support import *  # noqa: F403
from tests.contracts.consent_registry.support import *  # noqa: F403
from tests.contracts.consent_registry.support import (
    BUNDLE_2,
    CID_2,
    CT_2,
    DEADLINE,
    HRESCH,
    KEY_BUNDLE,
    OBSERVATION,
    REASON,
    SIGNER_KEY,
    request,
    sign_grant,
)

# One new slot + one event is ~46.5k (standards.md). A grant also asks the ParticipantRegistry
# whether the patient is registered (~7k: a cold call and a cold read) and takes the next consent
# id from a counter (~5k to update it; the deployment sets it to 1, so no grant, the first
# included, pays for a new slot), so ~70k.
ONE_PROVISION_GRANT_BOUND = 72_000


def report(name, tx):
    print(f"\nGAS {name}: {tx.gas_used}")
    return tx.gas_used


def test_a_one_provision_grant_costs_at_most_seventy_two_thousand_gas(grant, provider):
    first = report("grant (the first consent of the deployment)", grant(provider))
    second = report("grant (a second, other class)", grant(provider, targets=[b"\x01" * 32]))
    third = report("grant (a third, other class)", grant(provider, targets=[b"\x02" * 32]))

    assert first <= ONE_PROVISION_GRANT_BOUND
    assert second <= ONE_PROVISION_GRANT_BOUND
    assert third <= ONE_PROVISION_GRANT_BOUND


def test_a_grant_for_all_data_costs_no_more_than_a_grant_for_one_class(grant, provider, insurer):
    one_class = grant(provider).gas_used
    all_data = report("grant (all data)", grant(insurer, targets=[]))

    assert all_data <= one_class


def test_a_relayed_grant_by_signature_costs_at_most_eighty_seven_thousand_gas_once_nonces_exist(
    consent, grant, signer, provider, stranger, record_1
):
    costs = []
    for nonce, target in enumerate((OBSERVATION, record_1)):
        req = request(provider, purposes=HRESCH, targets=[target])
        signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, nonce, DEADLINE)
        tx = consent.grantBySig(
            signer, req, KEY_BUNDLE, nonce, DEADLINE, signature, {"from": stranger}
        )
        costs.append(report(f"grantBySig (nonce {nonce})", tx))

    # The first signed grant also turns the patient's nonce from zero to one (~20k).
    assert costs[0] <= 105_000
    assert costs[1] <= 87_000


def test_revoke_anchor_amend_log_access_and_break_glass_report_their_gas(
    consent, grant, anchor, patient, provider, record_1
):
    consent_id = grant(provider).return_value
    report("anchorRecord", anchor())
    report("amendRecord", consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": patient}))
    log = report(
        "logAccess", consent.logAccess(patient, record_1, 1, consent_id, {"from": provider})
    )
    revoke = report(
        "revoke",
        consent.revoke(patient, consent_id, provider, bytes(32), [OBSERVATION], {"from": patient}),
    )
    glass = report(
        "openBreakGlass", consent.openBreakGlass(patient, REASON, 3600, {"from": provider})
    )

    assert revoke <= 40_000
    assert log <= 60_000
    assert glass <= 60_000


def test_cancelling_a_signed_grant_sharing_keys_and_closing_break_glass_cost_little(
    consent, grant, signer, patient, provider
):
    cancel = report("cancelSignedGrant", consent.cancelSignedGrant(signer, 0, {"from": signer}))
    consent_id = grant(provider).return_value
    share = report(
        "shareConsentKeys",
        consent.shareConsentKeys(
            patient, consent_id, provider, OBSERVATION, KEY_BUNDLE, {"from": patient}
        ),
    )
    consent.openBreakGlass(patient, REASON, 3600, {"from": provider})
    by_provider = report(
        "closeBreakGlass (by the provider)",
        consent.closeBreakGlass(patient, provider, {"from": provider}),
    )
    consent.openBreakGlass(patient, REASON, 3600, {"from": provider})
    by_patient = report(
        "closeBreakGlass (by the patient)",
        consent.closeBreakGlass(patient, provider, {"from": patient}),
    )

    # The first cancellation turns the nonce from zero to one (~20k) but writes nothing else.
    assert cancel <= 50_000
    assert share <= 35_000
    assert by_provider <= 35_000
    assert by_patient <= 35_000
