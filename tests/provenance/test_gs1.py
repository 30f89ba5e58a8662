"""GS1 identifiers: GTIN check digits, AI text, expiry dates, EPC URIs."""

from __future__ import annotations

from datetime import date

import pytest

from hygeia.core.errors import InvalidInputError, SsccError
from hygeia.provenance import gs1


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("00614141000418", 614141000418),
        ("614141000418", 614141000418),
        ("96385074", 96385074),
        ("4006381333931", 4006381333931),
        ("10614141000415", 10614141000415),
    ],
)
def test_parse_gtin_accepts_gtin_8_12_13_14_with_a_correct_check_digit(
    text: str, number: int
) -> None:
    assert gs1.parse_gtin(text) == number


@pytest.mark.parametrize("text", ["00614141000419", "0061414100041", "abc", "", "00000000000000"])
def test_parse_gtin_refuses_wrong_check_digits_lengths_and_zero(text: str) -> None:
    with pytest.raises(InvalidInputError):
        gs1.parse_gtin(text)


def test_check_digit_follows_the_gs1_mod_10_rule() -> None:
    assert gs1.check_digit("0061414100041") == 8
    assert gs1.check_digit("400638133393") == 1


@pytest.mark.parametrize(
    ("yymmdd", "day"),
    [(301231, date(2030, 12, 31)), (300200, date(2030, 2, 28)), (280200, date(2028, 2, 29))],
)
def test_expiry_dates_read_day_zero_as_the_end_of_the_month(yymmdd: int, day: date) -> None:
    assert gs1.expiry_date(yymmdd) == day


@pytest.mark.parametrize("text", ["301301", "290229", "30123", "3012311", "ab0101"])
def test_parse_expiry_refuses_non_dates(text: str) -> None:
    with pytest.raises(InvalidInputError):
        gs1.parse_expiry(text)


def test_expiry_end_is_the_last_second_of_the_day_utc() -> None:
    assert gs1.expiry_end(301231) == 1_924_991_999  # 2030-12-31T23:59:59Z


def test_epc_uris_split_the_gtin_at_the_company_prefix() -> None:
    assert gs1.sgtin_uri(614141000418, 7, "SN/1") == "urn:epc:id:sgtin:0614141.000041.SN%2F1"
    assert gs1.lgtin_uri(10614141000415, 7, "L1") == "urn:epc:class:lgtin:0614141.100041.L1"
    assert gs1.sgtin_pattern(614141000418, 9) == "urn:epc:idpat:sgtin:061414100.0041.*"
    assert gs1.parse_sgtin_uri("urn:epc:id:sgtin:0614141.000041.SN%2F1") == (
        "0614141",
        "000041",
        "SN/1",
    )


@pytest.mark.parametrize("value", ["", "x" * 21, "with space", "é"])
def test_lot_and_serial_numbers_are_1_to_20_characters_of_set_82(value: str) -> None:
    with pytest.raises(InvalidInputError):
        gs1.check_ai_text(value, "serial")


def test_parse_expiry_reads_the_printed_yymmdd_as_the_date_it_means() -> None:
    assert gs1.parse_expiry("301231") == date(2030, 12, 31)
    assert gs1.parse_expiry("300200") == date(2030, 2, 28)  # day 00: the month's last day


def test_a_date_goes_to_the_chain_and_the_element_string_as_yymmdd() -> None:
    assert gs1.expiry_number(date(2030, 12, 31)) == 301231
    assert gs1.expiry_text(date(2031, 1, 5)) == "310105"
    with pytest.raises(InvalidInputError, match="2000-2099"):
        gs1.expiry_text(date(2100, 1, 1))


def test_an_sscc_reads_bare_bracketed_or_as_its_epc_uri() -> None:
    # GS1 EPC Tag Data Standard's example: (00)106141411234567897 is
    # urn:epc:id:sscc:0614141.1123456789 under a 7-digit company prefix.
    for text in (
        "106141411234567897",
        "(00)106141411234567897",
        "urn:epc:id:sscc:0614141.1123456789",
    ):
        assert gs1.parse_sscc(text) == "106141411234567897"
    assert gs1.sscc_uri("106141411234567897", 7) == "urn:epc:id:sscc:0614141.1123456789"
    assert gs1.sscc_uri("106141411234567897", 9) == "urn:epc:id:sscc:061414112.13456789"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("106141411234567890", "check digit"),
        ("10614141123456789", "18 digits"),
        ("1061414112345678X7", "18 digits"),
        ("urn:epc:id:sscc:0614141.11234567", "EPC URI"),
    ],
)
def test_a_bad_sscc_is_refused_naming_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(SsccError, match=reason) as refused:
        gs1.parse_sscc(text)
    assert refused.value.error_args == {"sscc": text, "reason": refused.value.reason}


def test_an_sscc_must_be_under_the_packers_company_prefix() -> None:
    assert gs1.parse_sscc("106141411234567897", "0614141") == "106141411234567897"
    with pytest.raises(SsccError, match="company prefix 0614150"):
        gs1.parse_sscc("106141411234567897", "0614150")


def test_a_gln_under_a_company_prefix_carries_its_check_digit() -> None:
    assert gs1.gln_under("0614141", 1) == 614141000012  # 0614141000012
    assert gs1.gln13(gs1.gln_under("0614141", 2)) == "0614141000029"
    assert gs1.parse_gln(gs1.gln13(gs1.gln_under("4000001", 12345))) > 0


@pytest.mark.parametrize(("prefix", "location"), [("0614141", 100_000), ("0614141", -1), ("61", 1)])
def test_a_location_that_does_not_fit_or_a_bad_prefix_is_refused(
    prefix: str, location: int
) -> None:
    with pytest.raises(InvalidInputError):
        gs1.gln_under(prefix, location)


def test_a_lots_serials_read_at_once_are_those_read_one_by_one() -> None:
    uris = [
        gs1.sgtin_uri(614141000418, 7, serial) for serial in ("SN0001", "A/B", "50%", "x-y.z", "Z9")
    ]
    assert gs1.sgtin_serials(uris) == [gs1.parse_sgtin_uri(uri)[2] for uri in uris]
    assert gs1.sgtin_serials(uris) == ["SN0001", "A/B", "50%", "x-y.z", "Z9"]
    with pytest.raises(InvalidInputError):
        gs1.sgtin_serials(["urn:epc:id:sscc:0614141.1234567890"])
