"""Patients' encrypted records shared under consent: the store, the crypto and the chain together.

vault = RecordVault(suite, open_store("local"), key=my_x25519_private_key)
stored = vault.put(patient, fhir_json)
ConsentManager(vault).grant(patient, GrantRequest(...))
opened = RecordVault(suite_as_doctor, store, key=doctor_key).get(stored.record_id)
"""

from hygeia.vault.disclosures import Disclosure, accounting_of_disclosures
from hygeia.vault.records import ErasureReport, OpenedRecord, RecordVault, StoredVersion
from hygeia.vault.sharing import ConsentManager, GrantResult, SignedGrant

__all__ = [
    "ConsentManager",
    "Disclosure",
    "ErasureReport",
    "GrantResult",
    "OpenedRecord",
    "RecordVault",
    "SignedGrant",
    "StoredVersion",
    "accounting_of_disclosures",
]
