"""ConsentRegistry: property tests (hypothesis) of the invariants the security fixes rest on.

1. Consent ids: over any sequence of grants (by the patient, a delegate, a guardian for its ward,
   relayed signatures) mixed with refused grants and revocations, every consent gets the next
   value of one counter: ids are unique and increase by one; a refused grant uses none.
2. Revocation: over random grants of several targets and random partial revocations, a revoked
   target never permits (checkAccess never answers with a consent revoked on that target), every
   target still held does, and each ConsentRevoked names exactly the targets it revoked.
3. Break-glass: over random openings, closings (by the provider, the patient, a delegate) and
   waits, a provider never opens more than MAX_BREAK_GLASS_OPENINGS times in one window, never
   reopens within a window after the patient's side closed it, and every call succeeds or
   reverts exactly as a model of the rules predicts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from brownie.test import given
from hypothesis import HealthCheck, event, example, settings
from hypothesis import strategies as st

from tests.brownie_support import latest_timestamp
from tests.contracts.consent_registry.support import (
    ACCESS,
    ALL_DATA,
    BREAK_GLASS_WINDOW,
    DAY,
    DEADLINE,
    ETREAT,
    HOUR,
    IMAGING,
    KEY_BUNDLE,
    LABORATORY,
    MAX_BREAK_GLASS_OPENINGS,
    OBSERVATION,
    R_PERMITTED,
    R_REVOKED,
    REASON,
    SIGNER_KEY,
    ZERO32,
    access,
    account_key,
    break_glass,
    request,
    sign_grant,
)

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CLASSES = (OBSERVATION, LABORATORY, IMAGING)
MAX_PROVISIONS_PER_KEY = 4

# ------------------------------------------------------------------------------ consent ids

# How a grant is made: (who the patient is, who sends it). "signed" is relayed by the stranger.
GRANT_WAYS = {
    "patient": ("patient", "patient"),
    "delegate": ("patient", "guardian"),
    "guardian_for_ward": ("ward", "guardian"),
    "signed": ("signer", "stranger"),
    "not_a_patient": ("stranger", "stranger"),
    "bad_request": ("patient", "patient"),
}
# Few grantees and targets, so that a fifth provision in force at one place (refused) happens.
ID_STEP = st.tuples(
    st.sampled_from((*GRANT_WAYS, "revoke")),
    st.sampled_from(("provider", "provider", "insurer")),
    st.sets(st.sampled_from(CLASSES[:2]), max_size=1),
    st.integers(min_value=0, max_value=30),
)


@given(steps=st.lists(ID_STEP, min_size=1, max_size=20))
# A fifth provision in force at one place, refused, then a revocation that frees a slot.
@example(
    steps=[("patient", "provider", frozenset(), 0)] * 2
    + [("delegate", "provider", frozenset(), 0)] * 3
    + [("revoke", "provider", frozenset(), 1), ("signed", "provider", frozenset(), 0)]
    + [("patient", "provider", frozenset(), 0)]
)
@SETTINGS
def test_consent_ids_are_unique_and_count_up_by_one_over_any_sequence_of_grants(
    consent, named, ward, signer, reverts_with, steps
):
    actors = {**named, "ward": ward, "signer": signer}
    consent.appointDelegate(actors["guardian"], {"from": actors["patient"]})
    revoker = {"patient": "patient", "ward": "guardian", "signer": "signer"}
    issued: list[int] = []
    # Consents in force: id -> (patient, grantee, targets); provisions per (patient, grantee,
    # target) to predict ProvisionLimitReached.
    granted: dict[int, tuple[str, str, list[bytes]]] = {}
    in_force: Counter[tuple[str, str, bytes]] = Counter()

    for way, grantee_name, classes, pick in steps:
        grantee = actors[grantee_name]
        targets = [c for c in CLASSES if c in classes]
        if way == "revoke":
            if granted:
                consent_id = sorted(granted)[pick % len(granted)]
                subject, grantee_name, targets = granted.pop(consent_id)
                consent.revoke(
                    actors[subject],
                    consent_id,
                    actors[grantee_name],
                    ZERO32,
                    targets,
                    {"from": actors[revoker[subject]]},
                )
                for target in targets or [ALL_DATA]:
                    in_force[(subject, grantee_name, target)] -= 1
            event("revoke")
            continue

        subject, sender = GRANT_WAYS[way]
        req = request(grantee, targets=targets, actions=0 if way == "bad_request" else ACCESS)
        error = None
        if way == "not_a_patient":
            error = ("ConsentRegistryNotPatient", actors[subject])
        elif way == "bad_request":
            error = ("ConsentRegistryInvalidActions", 0)
        else:
            full = [
                t
                for t in targets or [ALL_DATA]
                if in_force[(subject, grantee_name, t)] >= MAX_PROVISIONS_PER_KEY
            ]
            if full:
                error = (
                    "ConsentRegistryProvisionLimitReached",
                    actors[subject],
                    account_key(grantee),
                    full[0],
                )
        if way == "signed":
            nonce = consent.nonces(signer)
            signature = sign_grant(consent, SIGNER_KEY, signer, req, KEY_BUNDLE, nonce, DEADLINE)
            call = consent.grantBySig
            args = (signer, req, KEY_BUNDLE, nonce, DEADLINE, signature)
        else:
            call, args = consent.grant, (actors[subject], req, KEY_BUNDLE)

        event(f"{way}: {error[0] if error else 'ok'}")
        if error is not None:
            with reverts_with(*error):
                call(*args, {"from": actors[sender]})
            continue
        tx = call(*args, {"from": actors[sender]})
        consent_id = tx.return_value
        assert tx.events["ConsentGranted"]["consentId"] == consent_id
        issued.append(consent_id)
        granted[consent_id] = (subject, grantee_name, targets)
        for target in targets or [ALL_DATA]:
            in_force[(subject, grantee_name, target)] += 1

    assert issued == list(range(1, len(issued) + 1))


# ------------------------------------------------------------------------------ revocation

# ("grant", target bits, _) grants a permit on the classes whose bits are set (none: all data);
# ("revoke", target bits, pick) revokes consent number `pick` on those of its targets (all data:
# the whole consent), whether or not they were revoked before.
REVOKE_STEP = st.tuples(
    st.sampled_from(("grant", "revoke", "revoke")),
    st.integers(min_value=0, max_value=7),
    st.integers(min_value=0, max_value=30),
)


@given(steps=st.lists(REVOKE_STEP, min_size=1, max_size=10))
@SETTINGS
def test_a_revoked_target_never_permits_and_every_revocation_names_its_targets(
    consent, patient, provider, reverts_with, steps
):
    grant_targets: dict[int, list[bytes]] = {}  # consent id -> targets as granted ([] all data)
    revoked: set[tuple[int, bytes]] = set()  # (consent id, stored target)

    def held(consent_id: int) -> list[bytes]:
        stored = grant_targets[consent_id] or [ALL_DATA]
        return [t for t in stored if (consent_id, t) not in revoked]

    def check_every_class() -> None:
        for cls in CLASSES:
            holders = [i for i in grant_targets if cls in held(i) or ALL_DATA in held(i)]
            allowed, reason, deciding = access(consent, patient, provider, cls)
            assert allowed == bool(holders), (cls, holders, revoked)
            if allowed:
                assert reason == R_PERMITTED and deciding in holders
                assert (deciding, cls) not in revoked and (deciding, ALL_DATA) not in revoked
            else:
                assert deciding == 0
                if any(cls in targets or not targets for targets in grant_targets.values()):
                    assert reason == R_REVOKED

    for kind, bits, pick in steps:
        chosen = [c for i, c in enumerate(CLASSES) if bits >> i & 1]
        if kind == "grant" and len(grant_targets) < MAX_PROVISIONS_PER_KEY:
            # (at most four grants: the slot limit is not what this property is about)
            tx = consent.grant(patient, request(provider, targets=chosen), b"", {"from": patient})
            grant_targets[tx.return_value] = chosen
            event("grant")
        elif kind == "revoke" and grant_targets:
            consent_id = sorted(grant_targets)[pick % len(grant_targets)]
            stored = grant_targets[consent_id]
            names = [t for t in stored if t in chosen] or stored[:1]
            if any((consent_id, t) in revoked for t in names or [ALL_DATA]):
                event("revoke: ConsentRegistryConsentNotFound")
                with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
                    consent.revoke(patient, consent_id, provider, ZERO32, names, {"from": patient})
            else:
                event("revoke: ok")
                tx = consent.revoke(patient, consent_id, provider, ZERO32, names, {"from": patient})
                assert tx.events["ConsentRevoked"]["targets"] == ["0x" + t.hex() for t in names]
                assert (
                    tx.events["ConsentRevoked"]["granteeKey"] == "0x" + account_key(provider).hex()
                )
                revoked.update((consent_id, t) for t in names or [ALL_DATA])
        check_every_class()


# ------------------------------------------------------------------------------ break-glass

BREAK_GLASS_KINDS = ("open", "open", "close", "close_by_patient", "close_by_delegate", "wait")
DURATIONS = st.sampled_from((1, 600, HOUR, 6 * HOUR, DAY))
# Mostly short waits, so closings find the access open and the cap is reached within a window.
DELAYS = st.sampled_from((1, 1, 60, 300, 1800, 5 * HOUR, DAY - 1, DAY))
BREAK_GLASS_STEP = st.tuples(st.sampled_from(BREAK_GLASS_KINDS), DURATIONS, DELAYS)


@dataclass
class BreakGlassModel:
    ends_at: int = 0
    window_start: int = 0
    openings: int = 0


@given(steps=st.lists(BREAK_GLASS_STEP, min_size=1, max_size=14))
@SETTINGS
def test_break_glass_openings_never_exceed_the_cap_in_any_window(
    consent, patient, guardian, provider, reverts_with, at_time, mine_at, steps
):
    consent.appointDelegate(guardian, {"from": patient})
    model = BreakGlassModel()
    openings_by_window: Counter[int] = Counter()
    locked_until = 0  # set when the patient's side closed: no opening before it
    t = latest_timestamp()

    for kind, duration, delay in steps:
        t += delay
        error = None
        if kind == "open":
            if t <= model.ends_at:
                error = ("ConsentRegistryBreakGlassOpen", patient, provider)
            else:
                window_start, openings = model.window_start, model.openings
                if t >= window_start + BREAK_GLASS_WINDOW:
                    window_start, openings = t, 0
                if openings >= MAX_BREAK_GLASS_OPENINGS:
                    error = (
                        "ConsentRegistryBreakGlassLimitReached",
                        patient,
                        provider,
                        window_start + BREAK_GLASS_WINDOW,
                    )
            call, args, sender = consent.openBreakGlass, (patient, REASON, duration), provider
        elif kind == "wait":
            call = None
        else:
            sender = {"close": provider, "close_by_patient": patient}.get(kind, guardian)
            if t > model.ends_at:
                error = ("ConsentRegistryBreakGlassNotOpen", patient, provider)
            call, args = consent.closeBreakGlass, (patient, provider)

        event(f"{kind}: {error[0] if error else 'ok'}")
        if call is None:
            mine_at(t)
        elif error is not None:
            at_time(t)
            with reverts_with(*error):
                call(*args, {"from": sender})
            if latest_timestamp() != t:  # brownie did not mine the reverting transaction
                mine_at(t)
        else:
            at_time(t)
            tx = call(*args, {"from": sender})
            if kind == "open":
                assert t >= locked_until
                if t >= model.window_start + BREAK_GLASS_WINDOW:
                    model.window_start, model.openings = t, 0
                model.openings += 1
                model.ends_at = t + duration - 1
                openings_by_window[model.window_start] += 1
                assert tx.events["BreakGlassOpened"]["opening"] == model.openings
            else:
                model.ends_at = 0
                if kind != "close":
                    model.window_start, model.openings = t, MAX_BREAK_GLASS_OPENINGS
                    locked_until = t + BREAK_GLASS_WINDOW

        assert latest_timestamp() == t
        assert break_glass(consent, patient, provider) == (
            model.ends_at,
            model.window_start,
            model.openings,
        )
        assert max(openings_by_window.values(), default=0) <= MAX_BREAK_GLASS_OPENINGS
        assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT)[0] == (
            t <= model.ends_at
        )
