"""Xero's dates: MS JSON dates with offsets, negative and zero epochs, ISO strings, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from connectors.base.mapping import MappingError
from connectors.xero.dates import format_date, parse_date, parse_datetime


def test_ms_date_without_offset_is_utc_midnight() -> None:
    assert parse_datetime("/Date(1552262400000+0000)/") == datetime(2019, 3, 11, tzinfo=UTC)
    assert parse_date("/Date(1552262400000+0000)/") == date(2019, 3, 11)


def test_ms_date_envelope_form_has_no_offset_and_keeps_milliseconds() -> None:
    assert parse_datetime("/Date(1439434356790)/") == datetime(2015, 8, 13, 2, 52, 36, 790000, tzinfo=UTC)


def test_ms_date_offset_names_the_zone_the_date_was_meant_in() -> None:
    # 11:00 UTC on the 30th is midnight on the 31st in New Zealand summer time.
    value = "/Date(1419937200000+1300)/"
    assert parse_datetime(value) == datetime(2014, 12, 30, 11, 0, tzinfo=UTC)
    assert parse_date(value) == date(2014, 12, 31)


def test_negative_offset_gives_the_earlier_local_date() -> None:
    assert parse_date("/Date(1419937200000-1200)/") == date(2014, 12, 29)


def test_parse_datetime_is_aware_utc_whatever_the_offset() -> None:
    parsed = parse_datetime("/Date(1419937200000+1300)/")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


def test_negative_epoch_is_before_1970() -> None:
    assert parse_date("/Date(-80006400000+0000)/") == date(1967, 6, 20)
    assert parse_datetime("/Date(-80006400000+0000)/") == datetime(1967, 6, 20, tzinfo=UTC)


def test_zero_epoch_is_the_first_of_january_1970_not_missing() -> None:
    assert parse_datetime("/Date(0+0000)/") == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_date("/Date(0+0000)/") == date(1970, 1, 1)


def test_naive_iso_string_is_taken_as_utc() -> None:
    assert parse_datetime("2019-03-11T00:00:00") == datetime(2019, 3, 11, tzinfo=UTC)
    assert parse_date("2019-03-11T00:00:00") == date(2019, 3, 11)


def test_iso_string_with_a_zone_is_converted_to_utc_but_keeps_its_own_date() -> None:
    value = "2019-03-11T08:30:00+10:00"
    assert parse_datetime(value) == datetime(2019, 3, 10, 22, 30, tzinfo=UTC)
    assert parse_date(value) == date(2019, 3, 11)


def test_iso_z_suffix_is_utc() -> None:
    assert parse_datetime("2018-11-02T16:36:32Z") == datetime(2018, 11, 2, 16, 36, 32, tzinfo=UTC)


def test_plain_calendar_date() -> None:
    assert parse_date("2019-03-11") == date(2019, 3, 11)
    assert parse_datetime("2019-03-11") == datetime(2019, 3, 11, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_values_are_none(value: str | None) -> None:
    assert parse_date(value) is None
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("/Date(abc)/", "malformed MS JSON date"),
        ("/Date(1552262400000+9900)/", "impossible offset"),
        ("/Date(99999999999999999999+0000)/", "out of range"),
        ("2019-02-30", "not a calendar date"),
        ("next tuesday", "not a date"),
        (1552262400000, "expected text"),
    ],
)
def test_bad_values_raise_a_mapping_error_naming_field_and_value(value: object, reason: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_date(value, field="DueDate")
    message = str(caught.value)
    assert message.startswith("DueDate: ")
    assert reason in message
    assert repr(value) in message


def test_format_date_is_iso_calendar_date() -> None:
    assert format_date(date(2019, 3, 1)) == "2019-03-01"


def test_format_date_of_a_datetime_keeps_its_own_calendar_date() -> None:
    local = datetime(2019, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=13)))
    assert format_date(local) == "2019-03-01"


def test_format_then_parse_round_trips() -> None:
    day = date(1967, 6, 20)
    assert parse_date(format_date(day)) == day
