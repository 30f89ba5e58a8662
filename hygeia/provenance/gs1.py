"""GS1 identifiers of a drug package, its cases and trading partners: GTIN, GLN and SSCC check
digits, expiry dates, EPC URIs (SGTIN, LGTIN, PGLN, SGLN, SSCC), business transaction URIs, and
barcodes as scanned.

DSCSA's product identifier is a GTIN (AI 01), a serial number (AI 21), a lot number (AI 10) and
an expiry date (AI 17, ``YYMMDD``). EPCIS names units and lots with EPC URIs built from the GTIN
split at the end of its company prefix: ``urn:epc:id:sgtin:<company>.<indicator+item>.<serial>``
and ``urn:epc:class:lgtin:<company>.<indicator+item>.<lot>``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, quote, urlsplit

import biip
import biip.sscc
from biip.gs1_messages import GS1Message

from hygeia.core.errors import InvalidInputError, SsccError

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


_PLAIN_SGTIN = re.compile(r"urn:epc:id:sgtin:([0-9]{6,12})\.([0-9]{1,7})\.([A-Za-z0-9]+)")


def plain_sgtin(uri: str) -> tuple[str, str, str] | None:
    """`parse_sgtin_uri(uri)` for an SGTIN URI whose serial is plain ASCII letters and digits
    (nothing escaped), else None: the fast path where a lot's 100,000 URIs are read at once."""
    plain = _PLAIN_SGTIN.fullmatch(uri)
    return None if plain is None else (plain.group(1), plain.group(2), plain.group(3))


def sgtin_serials(uris: Iterable[str]) -> list[str]:
    """The serial of each SGTIN URI: `parse_sgtin_uri(uri)[2]`."""
    return [(plain_sgtin(uri) or parse_sgtin_uri(uri))[2] for uri in uris]


def _uri_escape(value: str) -> str:
    # TDS: characters outside the URI-safe set are %-escaped in EPC URIs.
    return "".join(c if c.isalnum() or c in "-_.:;=!*'()+," else f"%{ord(c):02X}" for c in value)


def _uri_unescape(value: str) -> str:
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


# ---------------------------------------------------------------------- GLNs: parties and places

GLN_DIGITS = 13
_NO_EXTENSION = "0"


def parse_gln(text: str | int) -> int:
    """A GLN-13 with a correct check digit, as the number the contract takes."""
    digits = str(text).strip()
    if isinstance(text, int):
        digits = digits.zfill(GLN_DIGITS)
    if not digits.isdigit() or len(digits) != GLN_DIGITS or int(digits) == 0:
        raise InvalidInputError(f"a GLN has 13 digits, got {text!r}")
    if int(digits[-1]) != check_digit(digits[:-1]):
        raise InvalidInputError(f"wrong GLN check digit in {text!r}")
    return int(digits)


def gln_under(company_prefix: str, location: int) -> int:
    """The GLN of location reference `location` under GS1 company prefix `company_prefix`
    ("0614141"), with its check digit."""
    number, length = parse_company_prefix(company_prefix)
    if not 0 <= location < 10 ** (12 - length):
        raise InvalidInputError(
            f"location reference {location} does not fit after the {length}-digit prefix"
        )
    body = f"{number:0{length}d}{location:0{12 - length}d}"
    return int(body + str(check_digit(body)))


def gln13(gln: int) -> str:
    """The 13-digit text of a GLN number."""
    return str(gln).zfill(GLN_DIGITS)


def _split_gln(gln: int, company_prefix_length: int) -> tuple[str, str]:
    if not MIN_COMPANY_PREFIX <= company_prefix_length <= MAX_COMPANY_PREFIX:
        raise InvalidInputError(
            f"a GS1 company prefix has 6 to 12 digits, got {company_prefix_length}"
        )
    digits = gln13(gln)
    return digits[:company_prefix_length], digits[company_prefix_length:-1]


def pgln_uri(gln: int, company_prefix_length: int) -> str:
    """The EPC URI of a party by its GLN (EPCIS source/destination, owning or possessing)."""
    company, reference = _split_gln(gln, company_prefix_length)
    return f"urn:epc:id:pgln:{company}.{reference}"


def sgln_uri(gln: int, company_prefix_length: int, extension: str = _NO_EXTENSION) -> str:
    """The EPC URI of a place by its GLN (EPCIS readPoint and bizLocation); extension 0: none."""
    company, reference = _split_gln(gln, company_prefix_length)
    return f"urn:epc:id:sgln:{company}.{reference}.{_uri_escape(extension)}"


def parse_gln_uri(uri: str) -> tuple[str, int]:
    """('pgln' or 'sgln', the GLN) of a PGLN or SGLN EPC URI, its check digit computed."""
    match = re.fullmatch(r"urn:epc:id:(pgln|sgln):(\d{6,12})\.(\d{0,6})(?:\.(.+))?", uri)
    if match is None or (match.group(1) == "sgln") != (match.group(4) is not None):
        raise InvalidInputError(f"not a PGLN or SGLN URI: {uri!r}")
    body = match.group(2) + match.group(3)
    if len(body) != GLN_DIGITS - 1:
        raise InvalidInputError(f"a GLN URI names 12 digits before the check digit: {uri!r}")
    return match.group(1), int(body + str(check_digit(body)))


def business_transaction_uri(party_gln: int, ident: str) -> str:
    """CBV's URI of a business transaction (PO, despatch advice, invoice) of the party whose
    GLN issued it: ``urn:epcglobal:cbv:bt:<GLN>:<id>``."""
    if not ident or not re.fullmatch(r"[!-~]{1,80}", ident):
        raise InvalidInputError(
            f"a business transaction id is 1-80 printable characters, got {ident!r}"
        )
    return f"urn:epcglobal:cbv:bt:{gln13(party_gln)}:{_uri_escape(ident)}"


# ---------------------------------------------------------------------- SSCCs: cases and pallets

SSCC_DIGITS = 18
_SSCC_HRI = "(00)"


def parse_sscc(text: str, company_prefix: str | None = None) -> str:
    """An SSCC (AI 00) of a case or pallet, as its 18 digits: bare, in the bracketed form
    ``(00)...`` or as its EPC URI, its check digit validated with biip. With `company_prefix`,
    it must be allocated under that GS1 company prefix (the packer's own, GS1's rule).
    Raises SsccError naming what is wrong."""
    raw = text.strip()
    if raw.startswith("urn:epc:id:sscc:"):
        match = re.fullmatch(r"urn:epc:id:sscc:(\d{6,12})\.(\d{5,11})", raw)
        if match is None or len(match.group(1) + match.group(2)) != SSCC_DIGITS - 1:
            raise SsccError(text, "not an SSCC EPC URI (urn:epc:id:sscc:<company>.<serial ref>)")
        company, reference = match.groups()
        body = reference[0] + company + reference[1:]
        raw = body + str(check_digit(body))
    raw = raw.removeprefix(_SSCC_HRI)
    if not raw.isdigit() or len(raw) != SSCC_DIGITS:
        raise SsccError(text, f"an SSCC has {SSCC_DIGITS} digits")
    try:
        biip.sscc.Sscc.parse(raw)
    except biip.ParseError as exc:
        raise SsccError(text, str(exc)) from None
    if company_prefix is not None and raw[1 : 1 + len(company_prefix)] != company_prefix:
        raise SsccError(text, f"it is not under the packer's GS1 company prefix {company_prefix}")
    return raw


def sscc_uri(sscc: str, company_prefix_length: int) -> str:
    """The EPC URI of an SSCC: ``urn:epc:id:sscc:<company>.<extension digit + serial ref>``."""
    digits = parse_sscc(sscc)
    if not MIN_COMPANY_PREFIX <= company_prefix_length <= MAX_COMPANY_PREFIX:
        raise InvalidInputError(
            f"a GS1 company prefix has 6 to 12 digits, got {company_prefix_length}"
        )
    company = digits[1 : 1 + company_prefix_length]
    reference = digits[0] + digits[1 + company_prefix_length : -1]
    return f"urn:epc:id:sscc:{company}.{reference}"


# ---------------------------------------------------------------------- barcodes

_GS = "\x1d"


@dataclass(frozen=True)
class ProductIdentifier:
    """What a scanner reads from a DSCSA package: GTIN (AI 01), serial (21), lot (10) and expiry
    (17), any of the last three possibly missing from the barcode."""

    gtin: int
    serial: str | None
    lot: str | None
    expiry: date | None

    def require(self, *parts: str) -> ProductIdentifier:
        """This identifier, or InvalidInputError naming the parts (serial, lot, expiry) missing."""
        missing = [p for p in parts if getattr(self, p) is None]
        if missing:
            ais = {"serial": "serial (21)", "lot": "lot (10)", "expiry": "expiry (17)"}
            raise InvalidInputError(
                f"the barcode has no {', '.join(ais[p] for p in missing)}: a DSCSA product "
                "identifier carries GTIN (01), serial (21), lot (10) and expiry (17)"
            )
        return self

    def digital_link(self, domain: str = "https://id.gs1.org") -> str:
        """The GS1 Digital Link URI of this identifier (the LMS request's form: expiry as exp)."""
        path = f"{domain}/01/{gtin14(self.gtin)}"
        if self.lot is not None:
            path += f"/10/{quote(self.lot, safe='')}"
        if self.serial is not None:
            path += f"/21/{quote(self.serial, safe='')}"
        return path + (f"?exp={expiry_text(self.expiry)}" if self.expiry is not None else "")

    def element_string(self) -> str:
        """The bracketed human-readable form, ``(01)...(21)...(17)...(10)...``."""
        text = f"(01){gtin14(self.gtin)}"
        text += f"(21){self.serial}" if self.serial is not None else ""
        text += f"(17){expiry_text(self.expiry)}" if self.expiry is not None else ""
        return text + (f"(10){self.lot}" if self.lot is not None else "")


def looks_like_barcode(text: str) -> bool:
    """Whether `text` is scanner input rather than a bare serial number: a bracketed element
    string, one with FNC1/GS separators or a symbology identifier, or a Digital Link URI."""
    value = text.strip()
    return value.startswith(("(01)", "]", "http://", "https://", "01")) and (
        value.startswith(("(", "]", "http")) or _GS in value or len(value) > 16
    )


def parse_barcode(text: str) -> ProductIdentifier:
    """The product identifier in what a scanner read: a GS1 element string with FNC1 (GS,
    0x1D) separators, optionally after a symbology identifier (``]d2``), the bracketed
    human-readable form ``(01)...(21)...(17)...(10)...``, or a GS1 Digital Link URI
    (``https://.../01/<gtin>/10/<lot>/21/<serial>?17=YYMMDD`` or ``exp=YYMMDD``), parsed with
    biip. Raises InvalidInputError naming the bad part (a wrong check digit, a bad date, an AI
    the identifier must not carry twice...)."""
    value = text.strip()
    if not value:
        raise InvalidInputError("an empty barcode")
    try:
        if value.startswith("("):
            elements = GS1Message.parse_hri(value).element_strings
            extra: dict[str, str] = {}
        else:
            result = biip.parse(value)
            if result.gs1_digital_link_uri is not None:
                elements = result.gs1_digital_link_uri.element_strings
                extra = _digital_link_expiry(value)
            elif result.gs1_message is not None:
                elements = result.gs1_message.element_strings
                extra = {}
            else:
                error = result.gs1_digital_link_uri_error or result.gs1_message_error
                raise InvalidInputError(f"not a GS1 barcode: {error or value!r}")
    except biip.ParseError as exc:
        raise InvalidInputError(f"bad barcode {value!r}: {exc}") from None
    found: dict[str, str] = {}
    for element in elements:
        if element.gtin_error:
            raise InvalidInputError(f"bad GTIN (01) in the barcode: {element.gtin_error}")
        if element.ai.ai in found and found[element.ai.ai] != element.value:
            raise InvalidInputError(f"the barcode carries AI ({element.ai.ai}) twice, differently")
        found[element.ai.ai] = element.value
    for ai, data in extra.items():
        if ai in found and found[ai] != data:
            raise InvalidInputError(f"the Digital Link gives two expiry dates: {found[ai]}, {data}")
        found[ai] = data
    if "01" not in found:
        raise InvalidInputError(f"the barcode has no GTIN (01): {value!r}")
    serial = found.get("21")
    lot = found.get("10")
    return ProductIdentifier(
        parse_gtin(found["01"]),
        None if serial is None else check_ai_text(serial, "serial (21)"),
        None if lot is None else check_ai_text(lot, "lot (10)"),
        None if "17" not in found else parse_expiry(found["17"]),
    )


def _digital_link_expiry(uri: str) -> dict[str, str]:
    # GS1 Lightweight Messaging writes the expiry as `exp=YYMMDD`, which biip does not read as
    # AI 17 (it reads `17=YYMMDD`).
    values = parse_qs(urlsplit(uri).query).get("exp", [])
    if len(values) > 1:
        raise InvalidInputError("the Digital Link gives exp twice")
    return {"17": values[0]} if values else {}
