"""Pay periods of a payroll calendar (AU) or pay schedule (US).

A calendar's ``StartDate`` anchors its periods, which run both ways from it:
WEEKLY 7 days, FORTNIGHTLY/BIWEEKLY 14, FOURWEEKLY 28; MONTHLY a calendar
month starting on StartDate's day of the month (the last day of a shorter
month where that day does not exist), QUARTERLY three such months;
TWICEMONTHLY/SEMIMONTHLY the 1st to the 15th and the 16th to the month's end,
whatever the StartDate.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = [
    "KINDS",
    "Period",
    "is_period",
    "next_period",
    "period_containing",
    "periods_ending_before",
    "periods_overlapping",
    "periods_per_year",
]

Period = tuple[date, date]

_DAYS = {"WEEKLY": 7, "FORTNIGHTLY": 14, "BIWEEKLY": 14, "FOURWEEKLY": 28}
_MONTHS = {"MONTHLY": 1, "QUARTERLY": 3}
_HALVES = {"TWICEMONTHLY", "SEMIMONTHLY"}
_PER_YEAR = {
    "WEEKLY": 52, "FORTNIGHTLY": 26, "BIWEEKLY": 26, "FOURWEEKLY": 13,
    "MONTHLY": 12, "QUARTERLY": 4, "TWICEMONTHLY": 24, "SEMIMONTHLY": 24,
}  # fmt: skip
KINDS = frozenset(_PER_YEAR)


def _add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by whole months, its day kept (or the month's last day)."""
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(anchor.day, last))


def period_containing(kind: str, anchor: date, day: date) -> Period:
    """The pay period of a ``kind`` calendar anchored at ``anchor`` that holds ``day``."""
    if kind in _DAYS:
        length = _DAYS[kind]
        start = anchor + timedelta(days=((day - anchor).days // length) * length)
        return start, start + timedelta(days=length - 1)
    if kind in _MONTHS:
        step = _MONTHS[kind]
        months = (day.year - anchor.year) * 12 + day.month - anchor.month
        index = months // step
        while _add_months(anchor, index * step) > day:
            index -= 1
        while _add_months(anchor, (index + 1) * step) <= day:
            index += 1
        start = _add_months(anchor, index * step)
        return start, _add_months(anchor, (index + 1) * step) - timedelta(days=1)
    if kind in _HALVES:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    raise ValueError(f"unknown calendar type {kind!r}")


def is_period(kind: str, anchor: date, start: date, end: date) -> bool:
    """Whether ``start``–``end`` is exactly one pay period of the calendar."""
    return period_containing(kind, anchor, start) == (start, end)


def next_period(kind: str, anchor: date, period: Period) -> Period:
    """The pay period right after ``period``."""
    return period_containing(kind, anchor, period[1] + timedelta(days=1))


def periods_ending_before(kind: str, anchor: date, day: date, count: int) -> list[Period]:
    """The last ``count`` whole periods that ended before ``day``, oldest first."""
    found: list[Period] = []
    current = period_containing(kind, anchor, day)
    while len(found) < count:
        current = period_containing(kind, anchor, current[0] - timedelta(days=1))
        found.append(current)
    return found[::-1]


def periods_overlapping(kind: str, anchor: date, start: date, end: date) -> list[Period]:
    """Every pay period that shares a day with ``start``–``end``, in order."""
    found = [period_containing(kind, anchor, start)]
    while found[-1][1] < end:
        found.append(next_period(kind, anchor, found[-1]))
    return found


def periods_per_year(kind: str) -> int:
    """How many pay periods a year has (an annual salary is paid in that many parts)."""
    return _PER_YEAR[kind]
