"""Pay periods: which period of a pay schedule a day falls in (pure date arithmetic)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from datashare.model import ScheduleType

__all__ = ["pay_period"]

_DAYS = {ScheduleType.WEEKLY: 7, ScheduleType.FORTNIGHTLY: 14, ScheduleType.FOURWEEKLY: 28}
_MONTHS = {ScheduleType.MONTHLY: 1, ScheduleType.QUARTERLY: 3}


def _add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by whole months, on the same day (or the month's last, when shorter)."""
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(anchor.day, last))


def pay_period(schedule_type: ScheduleType, start: date, day: date) -> tuple[date, date]:
    """The first and last day of the period of a schedule starting on ``start`` that holds ``day``.

    >>> pay_period(ScheduleType.WEEKLY, date(2026, 1, 5), date(2026, 1, 14))
    (datetime.date(2026, 1, 12), datetime.date(2026, 1, 18))
    """
    if schedule_type in _DAYS:
        length = _DAYS[schedule_type]
        first = start + timedelta(days=((day - start).days // length) * length)
        return first, first + timedelta(days=length - 1)
    if schedule_type == ScheduleType.TWICEMONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    step = _MONTHS[schedule_type]
    months = (day.year - start.year) * 12 + day.month - start.month
    n = months // step
    first = _add_months(start, n * step)
    if first > day:
        n -= 1
        first = _add_months(start, n * step)
    return first, _add_months(start, (n + 1) * step) - timedelta(days=1)
