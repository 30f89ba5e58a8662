"""Gas of every ParticipantRegistry operation (and the suite's deployment), with fixed inputs."""

from __future__ import annotations

from eth_account import Account

from hygeia.core import artifacts
from hygeia.core.chain import Receipt, TxSender, connect, dev_signer
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import Role
from hygeia.core.times import from_unix
from hygeia.deploy import deploy_suite
from hygeia.participants.client import ParticipantRegistryClient
from tests.gas import gas_used

# Fixed times keep calldata, and so gas, identical from run to run.
VALID_FROM, VALID_UNTIL = from_unix(1_700_000_000), from_unix(4_000_000_000)
RENEWED_UNTIL = from_unix(4_100_000_000)
DEADLINE = from_unix(4_000_000_000)  # of the signed registration and guardianship
SELF_REGISTERED = Account.from_key(b"\x43" * 32)  # registers by its signature, without gas
# Two more, registered by their signatures in one relayed multicall.
BATCH_REGISTERED = (Account.from_key(b"\x44" * 32), Account.from_key(b"\x45" * 32))


def measure(url: str) -> dict[str, int]:
    return gas_used(receipts(url))


def receipts(url: str) -> dict[str, Receipt]:
    w3 = connect(url)

    def sender(name: str | int) -> TxSender:
        return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())

    ops: dict[str, Receipt] = {}
    result = deploy_suite(sender("admin"), regulators=(w3.eth.accounts[1],))
    for step in result.steps:
        if step.name.startswith("deploy "):
            ops[f"{step.name.removeprefix('deploy ')}.deploy"] = step.receipt
        elif step.name.startswith("grant REGULATOR"):
            ops["ParticipantRegistry.grantRole(REGULATOR)"] = step.receipt
    address = result.deployment.address_of("ParticipantRegistry")

    def client(name: str | int) -> ParticipantRegistryClient:
        return ParticipantRegistryClient(w3, address, sender(name))

    regulator, provider = client("regulator"), w3.eth.accounts[2]
    ops["ParticipantRegistry.issueCredential"] = regulator.issue_credential(
        provider,
        Role.PROVIDER,
        license_id="NPI-1234567893",
        jurisdiction="US-NY",
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
    )
    ops["ParticipantRegistry.renewCredential"] = regulator.renew_credential(
        provider, Role.PROVIDER, RENEWED_UNTIL
    )
    ops["ParticipantRegistry.suspendCredential"] = regulator.suspend_credential(
        provider, Role.PROVIDER
    )
    ops["ParticipantRegistry.reinstateCredential"] = regulator.reinstate_credential(
        provider, Role.PROVIDER
    )
    ops["ParticipantRegistry.revokeCredential"] = regulator.revoke_credential(
        provider, Role.PROVIDER
    )
    patient, ward = client("patient"), client(9)
    ops["ParticipantRegistry.registerPatient"] = patient.register_patient("a1" * 32)
    ops["ParticipantRegistry.registerPatientBySig"] = client("insurer").register_patient_by_sig(
        KeySigner(SELF_REGISTERED), "d4" * 32, DEADLINE
    )
    relayer = client("insurer")
    batch = [
        relayer.register_patient_by_sig_call(KeySigner(account), bytes([n]) * 32, DEADLINE)
        for n, account in enumerate(BATCH_REGISTERED, start=0xE1)
    ]
    ops["ParticipantRegistry.multicall(2 registerPatientBySig)"] = relayer.transact_batched(
        batch, per_transaction=len(batch)
    )[0]
    # The ward (a node account, which Anvil signs for) consents to the patient as its guardian.
    guardianship = ward.sign_guardianship(
        ward.sender.signer,
        patient.sender.address,
        "b2" * 32,
        DEADLINE,  # type: ignore[union-attr]
    )
    ops["ParticipantRegistry.registerPatientFor"] = patient.register_patient_for(guardianship)
    ops["ParticipantRegistry.endGuardianship"] = ward.end_guardianship(w3.eth.accounts[9])
    ops["ParticipantRegistry.setEncryptionKey(rotate)"] = patient.set_encryption_key("c3" * 32)
    return ops
