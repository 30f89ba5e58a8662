"""Consent (ConsentRegistry): FHIR Consent provisions, delegates, gasless signed grants,
break-glass, record anchors, and the accounting of disclosures."""

from hygeia.consent.client import (
    AccessReason,
    Action,
    ConsentRegistryClient,
    GrantRequest,
    ProvisionType,
    Purpose,
    data_class_id,
)
from hygeia.consent.disclosures import Disclosure, accounting_of_disclosures

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
