"""Gas of every ConsentRegistry operation, with fixed inputs (fixed keys, ids, times, CIDs)."""

from __future__ import annotations

from eth_account import Account

from hygeia import artifacts
from hygeia.chain import Receipt, TxSender, connect, dev_signer
from hygeia.chain.signers import KeySigner
from hygeia.contracts import ParticipantRegistryClient, Role
from hygeia.contracts.consent import Action, ConsentRegistryClient, GrantRequest, Purpose
from hygeia.deploy import deploy_suite
from tests.gas import gas_used

START, END = 1_700_000_000, 4_000_000_000
SIGNER = Account.from_key(b"\x42" * 32)  # a patient who signs grants and never pays gas
CLASS = b"\x0c" * 32
RECORD = b"\x0d" * 32
CID = bytes.fromhex("01551220") + b"\x0e" * 32
BUNDLE = bytes.fromhex("01551220") + b"\x0f" * 32
CIPHERTEXT = b"\x10" * 32
SIGNED_TARGETS = (b"\x11" * 32,)


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
    ops["ConsentRegistry.grant(all data)"] = patient.grant(me, request())[0]
    ops["ConsentRegistry.revoke"] = patient.revoke(patient.consent(me, consent_id))

    signed = request(*SIGNED_TARGETS)
    for nonce in (0, 1):
        signature = patient.sign_grant(KeySigner(SIGNER), signed, BUNDLE, END)
        ops[f"ConsentRegistry.grantBySig(nonce {nonce})"] = relayer.grant_by_sig(
            SIGNER.address, signed, BUNDLE, END, signature
        )[0]

    ops["ConsentRegistry.appointDelegate"] = patient.appoint_delegate(w3.eth.accounts[8])
    ops["ConsentRegistry.revokeDelegate"] = patient.revoke_delegate(w3.eth.accounts[8])

    ops["ConsentRegistry.anchorRecord"] = patient.anchor_record(
        me, RECORD, CLASS, CID, CIPHERTEXT, BUNDLE
    )
    ops["ConsentRegistry.amendRecord"] = patient.amend_record(RECORD, CID, CIPHERTEXT, BUNDLE)
    decision = patient.check_access(me, provider, RECORD, Action.ACCESS, Purpose.TREAT)
    ops["ConsentRegistry.logAccess"] = doctor.log_access(
        me, RECORD, Purpose.TREAT, decision.consent_id
    )
    ops["ConsentRegistry.openBreakGlass"] = doctor.open_break_glass(me, "ED", 3600)
    ops["ConsentRegistry.closeBreakGlass"] = doctor.close_break_glass(me)
    ops["ConsentRegistry.eraseRecord"] = patient.erase_record(RECORD)
    return ops
