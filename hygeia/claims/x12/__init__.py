"""HIPAA X12 5010 for claims: 837P professional claims in (005010X222A1), 835 remittance advice
out (005010X221A1), both through pyx12 (reading, validating); the payer profile that identifies
payer and payees; the control numbers and the record of what was remitted, kept across runs."""

from hygeia.claims.x12.edi835 import balance_issues, write_remittances
from hygeia.claims.x12.edi837 import read_837p
from hygeia.claims.x12.profile import Payee, PayerProfile, load_profile
from hygeia.claims.x12.state import RemittanceState
from hygeia.claims.x12.validate import Verdict, validate_x12

__all__ = [
    "Payee",
    "PayerProfile",
    "RemittanceState",
    "Verdict",
    "balance_issues",
    "load_profile",
    "read_837p",
    "validate_x12",
    "write_remittances",
]
