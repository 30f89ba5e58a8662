"""Identifiers on-chain: claim and reversal ids as the contract derives them, procedure codes,
plan keys, salted pseudonyms and the payer's salt file."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

from hygeia.claims import ids
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.ids import (
    Pseudonyms,
    claim_id,
    day_date,
    day_number,
    decode_code,
    encode_code,
    load_salt,
    plan_key,
    reversal_id,
)
from hygeia.core.errors import InvalidInputError

PROVIDER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
REF = bytes(range(32))


def test_claim_and_reversal_ids_equal_the_contracts(reader: ClaimsAdjudicatorClient) -> None:
    functions = reader.reader.functions  # the views, answered at the adjudicator
    assert claim_id(PROVIDER, REF) == bytes(functions.claimIdOf(PROVIDER, REF).call())
    cid = claim_id(PROVIDER, REF)
    assert reversal_id(cid) == bytes(functions.reversalIdOf(cid).call())


def test_day_numbers_count_days_since_1970() -> None:
    assert day_number(date(1970, 1, 2)) == 1
    assert day_number(date(2025, 3, 1)) - day_number(date(2025, 2, 28)) == 1
    assert day_date(day_number(date(2024, 2, 29))) == date(2024, 2, 29)


def test_codes_are_upper_case_ascii_padded_to_eight_bytes() -> None:
    assert encode_code("j1100") == b"J1100\0\0\0"
    assert decode_code(encode_code("99213")) == "99213"


@pytest.mark.parametrize("code", ["", "123456789", "99 13", "9921é", "99-13"])
def test_codes_that_do_not_fit_are_refused(code: str) -> None:
    with pytest.raises(InvalidInputError, match="procedure code"):
        encode_code(code)


def test_a_plan_key_names_the_plan_and_its_year() -> None:
    key = plan_key("PPO", date(2025, 1, 1))
    assert key == plan_key("PPO", date(2025, 1, 1))
    assert key != plan_key("PPO", date(2026, 1, 1))
    assert key != plan_key("HMO", date(2025, 1, 1))


def test_pseudonyms_depend_on_the_salt_and_on_what_they_stand_for() -> None:
    one, other = Pseudonyms(b"\x01" * 32), Pseudonyms(b"\x02" * 32)
    assert one.member_id("M-1") == Pseudonyms(b"\x01" * 32).member_id("M-1")
    assert one.member_id("M-1") != other.member_id("M-1")
    assert len({one.member_id("X"), one.claim_ref("X"), one.auth_id("X")}) == 3
    assert one.account_key("patient", "X") != one.account_key("provider", "X")


def test_a_salt_is_32_bytes() -> None:
    with pytest.raises(InvalidInputError, match="32 bytes"):
        Pseudonyms(b"short")


def test_load_salt_creates_a_private_salt_once_and_reads_it_back(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "salt"
    salt = load_salt(path)

    assert len(salt) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_salt(path) == salt


def test_two_runs_that_create_the_salt_at_once_both_use_the_one_written_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "salt"
    first = "ab" * 32
    real_write = ids.write_owner_only

    def another_run_first(target: Path, data: str, **kwargs: bool) -> None:
        real_write(target, first + "\n", exclusive=True)  # the other run wins the race
        real_write(target, data, **kwargs)

    monkeypatch.setattr(ids, "write_owner_only", another_run_first)
    assert load_salt(path) == bytes.fromhex(first)


@pytest.mark.parametrize("content", ["not hex", "abcd"])
def test_load_salt_refuses_a_file_that_holds_no_salt(tmp_path: Path, content: str) -> None:
    path = tmp_path / "salt"
    path.write_text(content)
    with pytest.raises(InvalidInputError, match="salt"):
        load_salt(path)
