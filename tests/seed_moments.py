"""The moments tests seed the sandboxes as of, so no test depends on the day it runs.

``SEEDED_AT`` is the one moment every flow test's sandbox is seeded as of. It
lies in the past: the product under test runs on the machine's clock, and
sample data from the machine's future would be older than what it writes.
``AWKWARD`` are the moments the seed-level tests (no Prefect, no product)
check the samples at: ends of months and years, Mondays and Sundays (the
edges of pay periods), a leap day, the days daylight saving starts and ends in
Sydney and in the US, the end of an Australian financial year, and a moment
that is Monday in Sydney but still Sunday in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

__all__ = ["AWKWARD", "FLOW_MOMENTS", "MONDAY", "SEEDED_AT"]

# Wednesday 18 March 2026, 12:30 in Sydney (AEDT), 18:30 the day before in San Francisco.
SEEDED_AT = datetime(2026, 3, 18, 1, 30, tzinfo=UTC)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


AWKWARD = [
    pytest.param(_at("2026-04-30T10:00"), id="last-day-of-a-month"),
    pytest.param(_at("2026-12-31T10:00"), id="year-end"),
    pytest.param(_at("2027-01-04T10:00"), id="monday-starting-a-fortnight"),
    pytest.param(_at("2027-01-10T10:00"), id="sunday"),
    pytest.param(_at("2027-01-10T22:00"), id="monday-in-sydney-sunday-in-utc"),
    pytest.param(_at("2028-02-29T10:00"), id="leap-day"),
    pytest.param(_at("2027-04-04T01:00"), id="sydney-daylight-saving-ends"),
    pytest.param(_at("2027-10-03T01:00"), id="sydney-daylight-saving-starts"),
    pytest.param(_at("2027-03-14T12:00"), id="us-daylight-saving-starts"),
    pytest.param(_at("2027-11-07T12:00"), id="us-daylight-saving-ends"),
    pytest.param(_at("2029-06-30T10:00"), id="au-financial-year-end"),
]
"""Seed moments (UTC) where calendars are awkward, as pytest parameters named after what is awkward."""

# 16 March 2026 starts a week and a fortnight of both pay calendars: every sampled shift is paid already.
MONDAY = pytest.param(_at("2026-03-16T01:30"), id="monday")
"""A past Monday, mid-day in Sydney, as a pytest parameter."""

FLOW_MOMENTS = [
    pytest.param(SEEDED_AT, id="wednesday"),
    MONDAY,
    # Sunday 5 April 2026, when Sydney's daylight saving ends (03:00 AEDT becomes 02:00 AEST).
    pytest.param(_at("2026-04-05T02:30"), id="sunday-sydney-daylight-saving-ends"),
]
"""Past seed moments (mid-day in Sydney) the key HR flow test runs at."""
