"""Gas of every ConsentRegistry operation, with fixed inputs (fixed keys, salts, times, CIDs).

The patient registers itself and the signer (a patient who signs grants and never pays gas)
registers by its own signature, relayed by the insurer; neither registration is measured here
(see participants_gas).
"""

from __future__ import annotations

from datetime import timedelta

from eth_account import Account

from hygeia.consent.client import ConsentRegistryClient, GrantRequest, record_id_of
from hygeia.core import artifacts
from hygeia.core.chain import Receipt, TxSender, connect, dev_signer
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import Action, Purpose, Role
from hygeia.core.times import from_unix
from hygeia.deploy import deploy_suite
from hygeia.participants.client import ParticipantRegistryClient
from tests.gas import gas_used

START, END = from_unix(1_700_000_000), from_unix(4_000_000_000)
HOUR = timedelta(hours=1)
SIGNER = Account.from_key(b"\x42" * 32)  # a patient who signs grants and never pays gas
PATIENT_KEY, SIGNER_KEY = b"\x0a" * 32, b"\x0b" * 32  # their X25519 public keys
CLASS = b"\x0c" * 32
SALT, SALT_2 = b"\x0d" * 32, b"\x13" * 32
SECOND_CLASS = b"\x14" * 32
CID = bytes.fromhex("01551220") + b"\x0e" * 32
BUNDLE = bytes.fromhex("01551220") + b"\x0f" * 32
CIPHERTEXT = b"\x10" * 32
SIGNED_TARGETS = (b"\x11" * 32,)
SHARED = bytes.fromhex("01551220") + b"\x12" * 32  # a key manifest shared after the grant


def measure(url: str) -> dict[str, int]:
    return gas_used(receipts(url))


def receipts(url: str) -> dict[str, Receipt]:
    w3 = connect(url)

    def sender(name: str) -> TxSender:
        return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())

    result = deploy_suite(sender("admin"), regulators=(w3.eth.accounts[1],))
    registry = result.deployment.address_of("ParticipantRegistry")
    consent_address = result.deployment.address_of("ConsentRegistry")
    provider = sender("provider").address
    ParticipantRegistryClient(w3, registry, sender("regulator")).issue_credential(
        provider, Role.PROVIDER, license_id="NPI-1", jurisdiction="US-NY",
        valid_from=START, valid_until=END,
    )  # fmt: skip
    ParticipantRegistryClient(w3, registry, sender("patient")).register_patient(PATIENT_KEY)
    ParticipantRegistryClient(w3, registry, sender("insurer")).register_patient_by_sig(
        KeySigner(SIGNER), SIGNER_KEY, END
    )

    def client(name: str) -> ConsentRegistryClient:
        return ConsentRegistryClient(w3, consent_address, sender(name))

    patient, doctor, relayer = client("patient"), client("provider"), client("insurer")
    me = patient.sender.address  # type: ignore[union-attr]

    def request(*targets: bytes, actions: Action = Action.ACCESS) -> GrantRequest:
        return GrantRequest(actions, Purpose.TREAT, START, END, grantee=provider, targets=targets)

    ops: dict[str, Receipt] = {}
    receipt, consent_id = patient.grant(me, request(CLASS))
    ops["ConsentRegistry.grant(1 class)"] = receipt
    ops["ConsentRegistry.grant(3 classes)"] = patient.grant(
        me, request(b"\x01" * 32, b"\x02" * 32, b"\x03" * 32)
    )[0]
    receipt, all_data_id = patient.grant(me, request())
    ops["ConsentRegistry.grant(all data)"] = receipt
    ops["ConsentRegistry.shareConsentKeys"] = patient.share_consent_keys(
        patient.consent(me, all_data_id), SHARED
    )
    ops["ConsentRegistry.revoke"] = patient.revoke(patient.consent(me, consent_id))

    signed = request(*SIGNED_TARGETS)
    for nonce in (0, 1):
        signature = patient.sign_grant(KeySigner(SIGNER), signed, BUNDLE, END)
        ops[f"ConsentRegistry.grantBySig(nonce {nonce})"] = relayer.grant_by_sig(
            SIGNER.address, signed, BUNDLE, signature
        )[0]
    batch = [
        relayer.grant_by_sig_call(
            SIGNER.address,
            signed,
            BUNDLE,
            patient.sign_grant(KeySigner(SIGNER), signed, BUNDLE, END, nonce=nonce),
        )
        for nonce in (2, 3)
    ]
    ops["ConsentRegistry.multicall(2 grantBySig)"] = relayer.transact_batched(
        batch, per_transaction=len(batch)
    )[0]
    ops["ConsentRegistry.cancelSignedGrant(nonce 0)"] = patient.cancel_signed_grant(me, 0)

    ops["ConsentRegistry.appointDelegate"] = patient.appoint_delegate(w3.eth.accounts[8])
    ops["ConsentRegistry.revokeDelegate"] = patient.revoke_delegate(w3.eth.accounts[8])

    record = record_id_of(me, me, SALT)
    ops["ConsentRegistry.anchorRecord"] = patient.anchor_record(
        me, SALT, (CLASS,), CID, CIPHERTEXT, BUNDLE
    )
    ops["ConsentRegistry.anchorRecord(2 classes)"] = patient.anchor_record(
        me, SALT_2, (CLASS, SECOND_CLASS), CID, CIPHERTEXT, BUNDLE
    )
    ops["ConsentRegistry.amendRecord"] = patient.amend_record(record, CID, CIPHERTEXT, BUNDLE)
    ops["ConsentRegistry.amendRecordClasses(2 classes)"] = patient.amend_record(
        record_id_of(me, me, SALT_2), CID, CIPHERTEXT, BUNDLE, data_classes=(SECOND_CLASS, CLASS)
    )
    decision = patient.check_access(me, provider, record, Action.ACCESS, Purpose.TREAT)
    ops["ConsentRegistry.logAccess"] = doctor.log_access(
        me, record, Purpose.TREAT, decision.consent_id
    )
    ops["ConsentRegistry.openBreakGlass"] = doctor.open_break_glass(me, "ED", HOUR)
    ops["ConsentRegistry.closeBreakGlass"] = doctor.close_break_glass(me)
    ops["ConsentRegistry.openBreakGlass(2nd in a window)"] = doctor.open_break_glass(me, "ED", HOUR)
    ops["ConsentRegistry.closeBreakGlass(by the patient)"] = patient.close_break_glass(me, provider)
    ops["ConsentRegistry.eraseRecord"] = patient.erase_record(record)
    return ops
