"""Consent (ConsentRegistry): FHIR Consent provisions, delegates, gasless signed grants,
break-glass, record anchors, and the accounting of disclosures."""

from hygeia.consent.client import ConsentRegistryClient, GrantRequest, data_class_id
from hygeia.consent.disclosures import Disclosure, accounting_of_disclosures
from hygeia.core.contract_types import AccessReason, Action, ProvisionType, Purpose

__all__ = [
    "AccessReason",
    "Action",
    "ConsentRegistryClient",
    "Disclosure",
    "GrantRequest",
    "ProvisionType",
    "Purpose",
    "accounting_of_disclosures",
    "data_class_id",
]
