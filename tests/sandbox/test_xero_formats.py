"""Xero emulator: MS JSON dates out, several date shapes in; made-up currency rates; the where grammar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from sandbox.xero.dates import (
    parse_date,
    parse_datetime,
    parse_if_modified_since,
    parse_msdate,
    to_envelope_msdate,
    to_msdate,
)
from sandbox.xero.money import day_rate
from sandbox.xero.where import WhereError, parse_order, parse_where


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (date(2019, 3, 11), "/Date(1552262400000+0000)/"),
        (datetime(2019, 3, 11, 17, 58, 46, 117_000, tzinfo=UTC), "/Date(1552327126117+0000)/"),
        (date(1967, 6, 20), "/Date(-80006400000+0000)/"),  # negative epochs exist (tap-xero #68)
        (date(1970, 1, 1), "/Date(0+0000)/"),
    ],
)
def test_dates_go_out_as_ms_json_dates(value, wire):
    assert to_msdate(value) == wire
    assert parse_msdate(wire).date() == (value.date() if isinstance(value, datetime) else value)


def test_envelope_timestamp_has_no_offset():
    assert to_envelope_msdate(datetime(2019, 3, 11, tzinfo=UTC)) == "/Date(1552262400000)/"


@pytest.mark.parametrize(
    "text", ["2025-07-01", "2025-07-01T00:00:00", "2025-07-01T09:30:00Z", "/Date(1751328000000+0000)/"]
)
def test_request_dates_come_in_several_shapes(text):
    assert parse_date(text) == date(2025, 7, 1)


def test_request_timestamps_are_read_as_utc():
    assert parse_datetime("2020-02-06T12:17:43.202-08:00") == datetime(2020, 2, 6, 20, 17, 43, 202_000, tzinfo=UTC)
    assert parse_datetime("2020-02-06T12:17:43") == datetime(2020, 2, 6, 12, 17, 43, tzinfo=UTC)


def test_if_modified_since_takes_http_dates_and_iso_and_ignores_garbage():
    expected = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert parse_if_modified_since("Wed, 21 Oct 2015 07:28:00 GMT") == expected
    assert parse_if_modified_since("2015-10-21T07:28:00") == expected
    assert parse_if_modified_since("yesterday") is None
    assert parse_if_modified_since(None) is None


def test_an_invoice_accepts_each_date_shape(xero_client):
    element = {"Type": "ACCREC", "Contact": {"Name": "Dates Ltd"}, "Date": "/Date(1751328000000+0000)/",
               "DueDate": "2025-07-31T00:00:00"}  # fmt: skip
    invoice = xero_client.one(xero_client.put("Invoices", {"Invoices": [element]}), "Invoices")
    assert invoice["Date"] == "/Date(1751328000000+0000)/"
    assert invoice["DueDate"] == to_msdate(date(2025, 7, 31))
    assert invoice["DateString"] == "2025-07-01T00:00:00"
    refused = xero_client.put("Invoices", {"Invoices": [{**element, "Date": "1 July"}]})
    assert refused.status_code == 400
    assert "is not a valid date" in refused.json()["Elements"][0]["ValidationErrors"][0]["Message"]


def test_made_up_rates_are_stable_per_day_and_never_one():
    rate = day_rate("AUD", "NZD", date(2025, 7, 1))
    assert rate == day_rate("AUD", "NZD", date(2025, 7, 1))
    assert rate != day_rate("AUD", "NZD", date(2025, 7, 2))
    assert Decimal("1.0") < rate < Decimal("1.2")
    assert day_rate("AUD", "AUD", date(2025, 7, 1)) == 1
    rates = {day_rate("USD", "AUD", date(2025, 1, 1).replace(day=d)) for d in range(1, 29)}
    assert Decimal(1) not in rates


def test_where_parser_reports_the_fields_it_names():
    where = parse_where('Status=="PAID" AND (Contact.ContactID==Guid("A") OR Total>10)', {"Status", "Contact", "Total"})
    assert where.fields == {"Status", "Contact", "Total"}
    assert where({"Status": "paid", "Contact": {"ContactID": "a"}, "Total": Decimal(0)})
    assert not where({"Status": "PAID", "Contact": {"ContactID": "b"}, "Total": Decimal(5)})


def test_where_needs_an_endpoint_that_takes_it():
    with pytest.raises(WhereError):
        parse_where('Status=="DRAFT"', set())


def test_order_terms():
    terms = parse_order("Name, UpdatedDateUTC DESC")
    assert [(t.path, t.descending) for t in terms] == [(("Name",), False), (("UpdatedDateUTC",), True)]
