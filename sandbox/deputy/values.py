"""Deputy's values on the wire and as the emulator compares them.

Timestamps and dates are ISO 8601 with the install's UTC offset
(``2026-11-02T09:00:00+10:00``; a date is its midnight), shift times are Unix
seconds, and a meal break is written as a timestamp whose time of day is its
length (``2026-11-02T00:30:00+10:00`` is thirty minutes).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sandbox.deputy.objects import FieldType

__all__ = ["break_minutes", "break_stamp", "comparable", "day_stamp", "parse_moment", "stamp", "stored"]

_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


def stamp(moment: datetime, tz: timezone) -> str:
    """A moment as Deputy shows it: to the second, in the install's offset."""
    return moment.astimezone(tz).replace(microsecond=0).isoformat()


def day_stamp(day: date, tz: timezone) -> str:
    """A date as Deputy shows it: its midnight in the install's offset."""
    return datetime.combine(day, time(), tz).isoformat()


def break_stamp(day: date, minutes: int, tz: timezone) -> str:
    """A meal break of ``minutes`` on ``day``, written the way Deputy writes durations."""
    return (datetime.combine(day, time(), tz) + timedelta(minutes=minutes)).isoformat()


def break_minutes(value: str | None) -> int:
    """The length of a meal break written by ``break_stamp`` (0 for none)."""
    if not value:
        return 0
    moment = datetime.fromisoformat(value)
    return moment.hour * 60 + moment.minute


def parse_moment(value: Any, tz: timezone) -> datetime:
    """A timestamp or date sent by a client; one without an offset is in the install's timezone."""
    if not isinstance(value, str):
        raise ValueError(f"expected a date or time as text, got {value!r}")
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def comparable(kind: FieldType, value: Any, tz: timezone) -> Any:
    """A stored or sent value as the query compares it (raises ``ValueError`` when it is not of the type)."""
    if value is None:
        return None
    if kind == FieldType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"expected an integer, got {value!r}")
        return int(value)
    if kind == FieldType.FLOAT:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"expected a number, got {value!r}")
        return float(value)
    if kind == FieldType.BIT:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"expected true or false, got {value!r}")
    if kind in (FieldType.DATE, FieldType.DATETIME):
        return parse_moment(value, tz)
    if isinstance(value, dict | list):
        raise ValueError(f"expected text, got {value!r}")
    return str(value)


def stored(kind: FieldType, value: Any, tz: timezone) -> Any:
    """A value a client writes, as the record keeps it (raises ``ValueError`` when it is not of the type)."""
    if value is None:
        return None
    typed = comparable(kind, value, tz)
    if kind == FieldType.DATE:
        return day_stamp(typed.astimezone(tz).date(), tz)
    if kind == FieldType.DATETIME:
        return stamp(typed, tz)
    return typed
