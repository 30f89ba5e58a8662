"""The payer profile: who the payer is and how it pays, and who its payees are, as an 835 names
them. The payer writes it once (JSON); nothing in an 835 is taken from a chain address.

    {"payer": {"name", "tax_id" (EIN, 9 digits), "address": {"line", "city", "state", "zip"},
               "contact": {"name", "phone", "email"}, "interchange_id" (ISA06, default the
               tax id), "interchange_qualifier" (ISA05, default "30": US federal tax id),
               "application_id" (GS02, default the interchange id),
               "claim_filing_indicator" (CLP06, default "12": PPO), "usage" ("P" production,
               "T" test; default "P"),
               "bank": {"routing" (9 digits), "account"}},
     "payees": [{"npi", "name", "tax_id", "address": {...}, "bank": {"routing", "account"},
                 "accounts": ["0x..."]}]}

A payee is found by its NPI (a batch names providers by NPI) or by one of its `accounts` (the
chain addresses its claims were submitted from). Payments go by ACH (BPR04 ACH, CCP format)
when the payer and the payee have a bank; otherwise the 835 says CHK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3

from hygeia.core.errors import PayerProfileError

_DIGITS = re.compile(r"\d+")
_X12_TEXT = re.compile(r"^[A-Za-z0-9 .,&'()/#@!?;=+-]+$")
_FILING_INDICATORS = {"12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA",
                      "MB", "MC", "OF", "TV", "VA", "WC", "ZZ"}  # fmt: skip


@dataclass(frozen=True)
class Address:
    line: str
    city: str
    state: str
    zip: str


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Bank:
    routing: str
    account: str


@dataclass(frozen=True)
class Payee:
    npi: str
    name: str
    tax_id: str | None = None
    address: Address | None = None
    bank: Bank | None = None
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class PayerProfile:
    name: str
    tax_id: str
    address: Address
    contact: Contact
    interchange_id: str
    interchange_qualifier: str
    application_id: str
    claim_filing_indicator: str
    usage: str
    bank: Bank | None
    payees: tuple[Payee, ...]

    def payee(self, *, label: str | None = None, address: str | None = None) -> Payee:
        """The payee a claim's provider is: by NPI (`label`, a batch's provider) or by account."""
        for payee in self.payees:
            if label is not None and label == payee.npi:
                return payee
        if address is not None:
            wanted = address.lower()
            for payee in self.payees:
                if wanted in (a.lower() for a in payee.accounts):
                    return payee
        shown = label if label is not None and not Web3.is_address(label) else address
        raise PayerProfileError(
            f"payer profile: no payee for provider {shown}: list it under 'payees' with its NPI "
            "(and, for claims submitted on-chain, its account under 'accounts')"
        )


def load_profile(path: Path) -> PayerProfile:
    """Read and check the payer profile at `path`."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise PayerProfileError(f"payer profile not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayerProfileError(f"cannot read the payer profile {path}: {exc}") from None
    return parse_profile(data)


def parse_profile(data: Any) -> PayerProfile:
    root = _object(data, "profile")
    payer = _object(root.get("payer"), "payer")
    tax_id = _digits(payer, "tax_id", "payer", 9)
    interchange_id = _text(payer, "interchange_id", "payer", 15, default=tax_id)
    indicator = _text(payer, "claim_filing_indicator", "payer", 2, default="12")
    if indicator not in _FILING_INDICATORS:
        raise PayerProfileError(
            f"payer.claim_filing_indicator: {indicator!r} is not an 835 CLP06 code "
            f"({', '.join(sorted(_FILING_INDICATORS))})"
        )
    usage = _text(payer, "usage", "payer", 1, default="P")
    if usage not in ("P", "T"):
        raise PayerProfileError(f"payer.usage: 'P' (production) or 'T' (test), got {usage!r}")
    payees_raw = root.get("payees")
    if not isinstance(payees_raw, list) or not payees_raw:
        raise PayerProfileError("payees: expected a list of at least one payee")
    payees = tuple(
        _payee(_object(p, f"payees[{i}]"), f"payees[{i}]") for i, p in enumerate(payees_raw)
    )
    npis = [p.npi for p in payees]
    if len(set(npis)) != len(npis):
        raise PayerProfileError("payees: an NPI is listed twice")
    return PayerProfile(
        name=_text(payer, "name", "payer", 60),
        tax_id=tax_id,
        address=_address(payer, "payer", required=True),  # type: ignore[arg-type]
        contact=_contact(_object(payer.get("contact"), "payer.contact")),
        interchange_id=interchange_id,
        interchange_qualifier=_text(payer, "interchange_qualifier", "payer", 2, default="30"),
        application_id=_text(payer, "application_id", "payer", 15, default=interchange_id),
        claim_filing_indicator=indicator,
        usage=usage,
        bank=_bank(payer, "payer"),
        payees=payees,
    )


def npi_is_valid(npi: str) -> bool:
    """The NPI check digit (Luhn over 80840 + the first nine digits)."""
    if not (len(npi) == 10 and npi.isdigit()):
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def _payee(raw: Mapping[str, Any], where: str) -> Payee:
    npi = _digits(raw, "npi", where, 10)
    if not npi_is_valid(npi):
        raise PayerProfileError(f"{where}.npi: {npi} fails the NPI check digit")
    accounts = raw.get("accounts", [])
    if not isinstance(accounts, list) or not all(
        isinstance(a, str) and Web3.is_address(a) for a in accounts
    ):
        raise PayerProfileError(f"{where}.accounts: expected a list of 0x addresses")
    tax = raw.get("tax_id")
    return Payee(
        npi=npi,
        name=_text(raw, "name", where, 60),
        tax_id=None if tax is None else _digits(raw, "tax_id", where, 9),
        address=_address(raw, where, required=False),
        bank=_bank(raw, where),
        accounts=tuple(Web3.to_checksum_address(a) for a in accounts),
    )


def _address(raw: Mapping[str, Any], where: str, *, required: bool) -> Address | None:
    if raw.get("address") is None and not required:
        return None
    at = f"{where}.address"
    block = _object(raw.get("address"), at)
    state = _text(block, "state", at, 2)
    if not (len(state) == 2 and state.isalpha() and state.isupper()):
        raise PayerProfileError(f"{at}.state: a two-letter state code, got {state!r}")
    zip_code = _text(block, "zip", at, 10).replace("-", "")
    if not (zip_code.isdigit() and len(zip_code) in (5, 9)):
        raise PayerProfileError(f"{at}.zip: 5 or 9 digits, got {zip_code!r}")
    return Address(_text(block, "line", at, 55), _text(block, "city", at, 30), state, zip_code)


def _contact(raw: Mapping[str, Any]) -> Contact:
    where = "payer.contact"
    phone = raw.get("phone")
    email = raw.get("email")
    if phone is None and email is None:
        raise PayerProfileError(f"{where}: give a phone or an email (835 PER*BL)")
    return Contact(
        name=_text(raw, "name", where, 60),
        phone=None if phone is None else _digits(raw, "phone", where, 10),
        email=None if email is None else _text(raw, "email", where, 80, email=True),
    )


def _bank(raw: Mapping[str, Any], where: str) -> Bank | None:
    if raw.get("bank") is None:
        return None
    at = f"{where}.bank"
    block = _object(raw.get("bank"), at)
    account = _text(block, "account", at, 35)
    if not account.isalnum():
        raise PayerProfileError(f"{at}.account: letters and digits only")
    return Bank(_digits(block, "routing", at, 9), account)


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PayerProfileError(f"{where}: expected an object")
    return value


def _text(
    raw: Mapping[str, Any],
    name: str,
    where: str,
    max_len: int,
    *,
    default: str | None = None,
    email: bool = False,
) -> str:
    value = raw.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise PayerProfileError(f"{where}.{name}: expected text")
    value = value.strip()
    if len(value) > max_len:
        raise PayerProfileError(f"{where}.{name}: at most {max_len} characters, got {len(value)}")
    allowed = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$") if email else _X12_TEXT
    if not allowed.match(value):
        raise PayerProfileError(
            f"{where}.{name}: {value!r} has characters an X12 file cannot carry here"
        )
    return value


def _digits(raw: Mapping[str, Any], name: str, where: str, length: int) -> str:
    value = raw.get(name)
    text = value.replace("-", "") if isinstance(value, str) else ""
    if not (_DIGITS.fullmatch(text) and len(text) == length):
        raise PayerProfileError(f"{where}.{name}: expected {length} digits, got {value!r}")
    return text
