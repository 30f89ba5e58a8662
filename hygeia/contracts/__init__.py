"""Typed clients for the suite's contracts."""

from hygeia.contracts.participants import Credential, CredentialStatus, ParticipantRegistryClient
from hygeia.contracts.roles import Role

__all__ = ["Credential", "CredentialStatus", "ParticipantRegistryClient", "Role"]
