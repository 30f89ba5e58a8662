"""Behaviour the generated contract types (hygeia/core/contract_types.py) share: parsing names
given on a command line or in a file, and what a role id is. The values themselves are generated
from the contracts, never written here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import reduce
from operator import or_
from typing import Any, ClassVar, TypeVar

from hygeia.core.errors import InvalidInputError

_F = TypeVar("_F", bound="FlagNames")
_R = TypeVar("_R", bound="RoleNames")


class FlagNames:
    """A flag set parsed from member names, case-insensitive: ["access", "collect"]."""

    @classmethod
    def parse(cls: type[_F], names: Iterable[str]) -> _F:
        members: Any = cls
        flags = []
        for name in names:
            try:
                flags.append(members[name.strip().upper()])
            except KeyError:
                known = ", ".join(str(member.name).lower() for member in members)
                raise InvalidInputError(
                    f"unknown {cls.__name__.lower()} {name!r}: use {known}"
                ) from None
        if not flags:
            raise InvalidInputError(f"at least one {cls.__name__.lower()} is needed")
        return members(reduce(or_, flags))  # type: ignore[no-any-return]


class RoleNames:
    """A suite role: its bytes32 id, whether it needs a credential, parsing and role sets."""

    # Bound once by the generated module, which holds the values (this module imports nothing
    # of it, so the two never import each other).
    _ids: ClassVar[Mapping[Any, bytes]] = {}
    _licensed: ClassVar[frozenset[Any]] = frozenset()

    @classmethod
    def bind(cls, ids: Mapping[Any, bytes], licensed: frozenset[Any]) -> None:
        """Give the role type its generated ids and licensed set."""
        cls._ids, cls._licensed = ids, licensed

    @property
    def id(self) -> bytes:
        """The bytes32 role id used on-chain (OpenZeppelin's DEFAULT_ADMIN_ROLE for ADMIN)."""
        return self._ids[self]

    @property
    def licensed(self) -> bool:
        """Whether the role needs a regulator-issued credential."""
        return self in self._licensed

    @classmethod
    def parse(cls: type[_R], text: str) -> _R:
        """A role from its name, case-insensitive; 'pharmacy' is the dispenser."""
        members: Any = cls
        name = {"PHARMACY": "DISPENSER"}.get(text.upper(), text.upper())
        try:
            return members[name]  # type: ignore[no-any-return]
        except KeyError:
            names = ", ".join(str(r.name).lower() for r in members)
            raise ValueError(f"unknown role {text!r}; roles: {names}") from None

    @classmethod
    def from_bits(cls: type[_R], bits: int) -> list[_R]:
        """The roles of a role set (ParticipantRegistry.rolesOf)."""
        members: Any = cls
        return [role for role in members if bits >> role.value & 1]

    @classmethod
    def from_id(cls: type[_R], role_id: bytes) -> _R:
        """The role whose bytes32 id is `role_id`."""
        members: Any = cls
        for role in members:
            if role.id == role_id:
                return role  # type: ignore[no-any-return]
        raise ValueError(f"unknown role id 0x{role_id.hex()}")
