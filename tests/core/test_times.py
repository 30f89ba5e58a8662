"""hygeia.core.times: the SDK's one way of holding time, and its conversions at the chain's edge."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hygeia.core import times
from hygeia.core.errors import InvalidInputError

EASTERN = timezone(timedelta(hours=-5))


def test_a_naive_datetime_is_refused_rather_than_guessed() -> None:
    with pytest.raises(InvalidInputError, match="start has no time zone"):
        times.to_unix(datetime(2030, 1, 1, 12), "start")


def test_an_instant_in_any_zone_is_the_same_second_on_chain() -> None:
    noon_utc = datetime(2030, 1, 1, 12, tzinfo=timezone.utc)
    assert times.to_unix(noon_utc.astimezone(EASTERN)) == times.to_unix(noon_utc) == 1_893_499_200
    assert times.iso(noon_utc.astimezone(EASTERN)) == "2030-01-01T12:00:00Z"


def test_an_open_end_is_none_in_the_sdk_and_the_largest_uint40_on_chain() -> None:
    assert times.end_to_unix(None) == times.OPEN_END == 2**40 - 1
    assert times.end_from_unix(times.OPEN_END) is None
    end = datetime(2031, 6, 30, 23, 59, 59, tzinfo=timezone.utc)
    assert times.end_from_unix(times.end_to_unix(end)) == end


def test_parse_iso_reads_what_iso_writes_and_names_what_it_cannot_read() -> None:
    moment = datetime(2030, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    assert times.parse_iso(times.iso(moment)) == moment
    with pytest.raises(InvalidInputError, match="deadline is not an ISO 8601 date-time"):
        times.parse_iso("next tuesday", "deadline")
    with pytest.raises(InvalidInputError, match="no time zone"):
        times.parse_iso("2030-02-03T04:05:06")


def test_a_span_must_be_a_timedelta() -> None:
    assert times.seconds(timedelta(hours=1)) == 3600
    with pytest.raises(InvalidInputError, match="duration must be a timedelta"):
        times.seconds(3600)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=times.OPEN_END - 1))
def test_unix_seconds_survive_the_round_trip_below_the_open_end(seconds: int) -> None:
    end = times.end_from_unix(seconds)
    if end is not None:  # past year 9999 a datetime cannot hold it: the SDK reads it as open
        assert times.to_unix(end) == seconds
