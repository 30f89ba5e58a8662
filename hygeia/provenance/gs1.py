"""GS1 identifiers of a drug package: GTIN check digits, expiry dates, EPC URIs.

DSCSA's product identifier is a GTIN (AI 01), a serial number (AI 21), a lot number (AI 10) and
an expiry date (AI 17, ``YYMMDD``). EPCIS names units and lots with EPC URIs built from the GTIN
split at the end of its company prefix: ``urn:epc:id:sgtin:<company>.<indicator+item>.<serial>``
and ``urn:epc:class:lgtin:<company>.<indicator+item>.<lot>``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timezone

from hygeia.core.errors import InvalidInputError

GTIN14_DIGITS = 14
GTIN_LENGTHS = (8, 12, 13, 14)
MIN_COMPANY_PREFIX, MAX_COMPANY_PREFIX = 6, 12
# AI 10 and AI 21 are at most 20 characters of GS1's "AI encodable character set 82".
_AI_TEXT = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
_SECONDS_PER_DAY = 86_400
_CENTURY = 2000
_YYMMDD = 6


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of the digits before it (weights 3, 1, 3, ... from the right)."""
    if not body.isdigit():
        raise InvalidInputError(f"not digits: {body!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def parse_gtin(text: str | int) -> int:
    """A GTIN-8/12/13/14 with a correct check digit, as the GTIN-14 number the contract takes."""
    digits = str(text).strip()
    if isinstance(text, int):
        digits = digits.zfill(GTIN14_DIGITS)
    if not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise InvalidInputError(f"a GTIN has 8, 12, 13 or 14 digits, got {text!r}")
    if int(digits[-1]) != check_digit(digits[:-1]) or int(digits) == 0:
        raise InvalidInputError(f"wrong GTIN check digit in {text!r}")
    return int(digits)


def gtin14(gtin: int) -> str:
    """The 14-digit text of a GTIN number."""
    return str(gtin).zfill(GTIN14_DIGITS)


def check_ai_text(value: str, what: str) -> str:
    """A lot (AI 10) or serial (AI 21) number: 1 to 20 characters of GS1's set 82."""
    if not _AI_TEXT.fullmatch(value):
        raise InvalidInputError(
            f"{what} must be 1-20 characters of the GS1 AI character set, got {value!r}"
        )
    return value


def parse_expiry(text: str) -> date:
    """The date of an AI 17 expiry `YYMMDD` as printed (day 00: the month's last day)."""
    digits = str(text).strip()
    if not (len(digits) == _YYMMDD and digits.isdigit()):
        raise InvalidInputError(f"an expiry date is YYMMDD, got {text!r}")
    return expiry_date(int(digits))


def expiry_date(yymmdd: int) -> date:
    """The date of a `YYMMDD` number as the contract keeps it (day 00: the month's last day)."""
    year, month, day = _CENTURY + yymmdd // 10_000, yymmdd // 100 % 100, yymmdd % 100
    if not (0 <= yymmdd < 10**_YYMMDD and 1 <= month <= 12) or day > _month_end(year, month):
        raise InvalidInputError(f"not a YYMMDD date: {yymmdd:06d}")
    return date(year, month, day or _month_end(year, month))


def expiry_text(day: date) -> str:
    """The `YYMMDD` of a date, as an element string carries it (the day always written)."""
    if not date(_CENTURY, 1, 1) <= day < date(_CENTURY + 100, 1, 1):
        raise InvalidInputError(f"an AI 17 expiry is in {_CENTURY}-{_CENTURY + 99}, got {day}")
    return day.strftime("%y%m%d")


def expiry_number(day: date) -> int:
    """The `YYMMDD` number of a date, as the contract takes it."""
    return int(expiry_text(day))


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def expiry_end(yymmdd: int) -> int:
    """The last second (UTC) of the expiry date, as the contract computes it."""
    day = expiry_date(yymmdd)
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return int(start.timestamp()) + _SECONDS_PER_DAY - 1


def _split(gtin: int, company_prefix_length: int) -> tuple[str, str]:
    if not MIN_COMPANY_PREFIX <= company_prefix_length <= MAX_COMPANY_PREFIX:
        raise InvalidInputError(
            f"a GS1 company prefix has 6 to 12 digits, got {company_prefix_length}"
        )
    digits = gtin14(gtin)
    company = digits[1 : 1 + company_prefix_length]
    item = digits[0] + digits[1 + company_prefix_length : -1]
    return company, item


def company_prefix(gtin: int, company_prefix_length: int) -> str:
    return _split(gtin, company_prefix_length)[0]


def parse_company_prefix(text: str) -> tuple[int, int]:
    """A GS1 company prefix as the contract takes it: (its number, its length in digits), so
    that leading zeros count ("0614141" is (614141, 7))."""
    if not text.isdigit() or not MIN_COMPANY_PREFIX <= len(text) <= MAX_COMPANY_PREFIX:
        raise InvalidInputError(f"a GS1 company prefix is 6 to 12 digits, got {text!r}")
    return int(text), len(text)


def sgtin_pattern(gtin: int, company_prefix_length: int) -> str:
    """The EPC pattern URI of every unit of a product (its master data id)."""
    company, item = _split(gtin, company_prefix_length)
    return f"urn:epc:idpat:sgtin:{company}.{item}.*"


def sgtin_uri(gtin: int, company_prefix_length: int, serial: str) -> str:
    """The EPC pure identity URI of one unit."""
    company, item = _split(gtin, company_prefix_length)
    return f"urn:epc:id:sgtin:{company}.{item}.{_uri_escape(check_ai_text(serial, 'serial'))}"


def lgtin_uri(gtin: int, company_prefix_length: int, lot: str) -> str:
    """The EPC class URI of a lot."""
    company, item = _split(gtin, company_prefix_length)
    return f"urn:epc:class:lgtin:{company}.{item}.{_uri_escape(check_ai_text(lot, 'lot'))}"


def parse_sgtin_uri(uri: str) -> tuple[str, str, str]:
    """(company prefix, indicator+item reference, serial) of an SGTIN URI."""
    match = re.fullmatch(r"urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.(.+)", uri)
    if match is None:
        raise InvalidInputError(f"not an SGTIN URI: {uri!r}")
    return match.group(1), match.group(2), _uri_unescape(match.group(3))


def _uri_escape(value: str) -> str:
    # TDS: characters outside the URI-safe set are %-escaped in EPC URIs.
    return "".join(c if c.isalnum() or c in "-_.:;=!*'()+," else f"%{ord(c):02X}" for c in value)


def _uri_unescape(value: str) -> str:
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)
