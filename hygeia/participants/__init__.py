"""Participants (ParticipantRegistry): patients, guardians and their wards, regulator-issued
credentials of licensed parties, and the X25519 keys record keys are wrapped to."""

from hygeia.core.contract_types import CredentialStatus
from hygeia.participants.client import Credential, GuardianshipConsent, ParticipantRegistryClient

__all__ = ["Credential", "CredentialStatus", "GuardianshipConsent", "ParticipantRegistryClient"]
