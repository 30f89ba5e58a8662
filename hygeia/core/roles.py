"""The suite's roles, with the same ids as contracts/libraries/Roles.sol."""

from __future__ import annotations

from enum import Enum

from eth_utils.crypto import keccak


class Role(Enum):
    """A role in the suite. The value is its bit index in ParticipantRegistry.rolesOf."""

    ADMIN = 0
    REGULATOR = 1
    PROVIDER = 2
    INSURER = 3
    MANUFACTURER = 4
    DISTRIBUTOR = 5
    DISPENSER = 6
    PATIENT = 7

    @property
    def id(self) -> bytes:
        """The bytes32 role id used on-chain (OpenZeppelin's DEFAULT_ADMIN_ROLE for ADMIN)."""
        if self is Role.ADMIN:
            return bytes(32)
        return keccak(text=f"hygeia.role.{self.name}")

    @property
    def licensed(self) -> bool:
        """Whether the role needs a regulator-issued credential."""
        return self in _LICENSED

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from its name, case-insensitive; 'pharmacy' is the dispenser."""
        name = {"PHARMACY": "DISPENSER"}.get(text.upper(), text.upper())
        try:
            return cls[name]
        except KeyError:
            names = ", ".join(r.name.lower() for r in cls)
            raise ValueError(f"unknown role {text!r}; roles: {names}") from None

    @classmethod
    def from_bits(cls, bits: int) -> list[Role]:
        return [role for role in cls if bits >> role.value & 1]

    @classmethod
    def from_id(cls, role_id: bytes) -> Role:
        for role in cls:
            if role.id == role_id:
                return role
        raise ValueError(f"unknown role id 0x{role_id.hex()}")


_LICENSED = frozenset(
    {Role.PROVIDER, Role.INSURER, Role.MANUFACTURER, Role.DISTRIBUTOR, Role.DISPENSER}
)
