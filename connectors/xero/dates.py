"""Xero's date formats, read and written.

Responses carry MS JSON dates, ``/Date(1552262400000+0000)/``: milliseconds
since the epoch **in UTC**, plus an optional offset that names the zone the
value was meant in (``/Date(1419937200000+1300)/`` is midnight on 31 December
2014 in New Zealand, 11:00 UTC on the 30th). Epochs may be negative (dates
before 1970) or zero. Some fields are ISO strings (``DateString``,
``UpdatedDateUTCString``) with or without a zone; requests send ``YYYY-MM-DD``.

Known traps this module is written against: negative epochs (tap-xero #68),
``/Date(0+0000)/`` (pyxero #154), offsets on "UTC" fields (pyxero #122) and
dates landing on the wrong day when the offset is ignored (xero-python #58).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from connectors.base.mapping import MappingError
from connectors.base.record import shown

__all__ = ["format_date", "parse_date", "parse_datetime"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MSDATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?:(?P<sign>[+-])(?P<hh>\d{2})(?P<mm>\d{2}))?\)/$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _fail(value: object, field: str | None, why: str) -> MappingError:
    where = f"{field}: " if field else ""
    return MappingError(f"{where}{why} (got {shown(value)})")


def _text(value: object, field: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(value, field, "not a date: expected text such as /Date(1552262400000+0000)/ or 2019-03-11")
    text = value.strip()
    return text or None


def _msdate(text: str, field: str | None) -> tuple[datetime, timezone] | None:
    """The instant (aware UTC) and the zone an MS date names, or None when ``text`` is not one."""
    match = _MSDATE.match(text)
    if match is None:
        if text.startswith("/Date("):
            raise _fail(text, field, "malformed MS JSON date")
        return None
    hours, minutes = int(match["hh"] or 0), int(match["mm"] or 0)
    if hours > 23 or minutes > 59:
        raise _fail(text, field, "MS JSON date with an impossible offset")
    offset = timedelta(hours=hours, minutes=minutes)
    zone = timezone(-offset if match["sign"] == "-" else offset)
    try:
        instant = _EPOCH + timedelta(milliseconds=int(match["ms"]))
    except OverflowError:
        raise _fail(text, field, "MS JSON date out of range") from None
    return instant, zone


def _iso(text: str, field: str | None) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _fail(text, field, "not a date: expected /Date(ms+hhmm)/, an ISO date-time or YYYY-MM-DD") from None


def parse_datetime(value: object, *, field: str | None = None) -> datetime | None:
    """A Xero timestamp as an aware UTC datetime; None for a missing or empty value.

    Naive ISO strings are taken as UTC (that is how Xero writes its ``…UTCString`` fields).
    """
    text = _text(value, field)
    if text is None:
        return None
    ms = _msdate(text, field)
    if ms is not None:
        return ms[0]
    parsed = _iso(text, field)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 was in the year 0 in UTC
        raise _fail(text, field, "date-time out of range") from None


def parse_date(value: object, *, field: str | None = None) -> date | None:
    """The calendar date Xero meant; None for a missing or empty value.

    An MS date with an offset is read in that offset (``/Date(1419937200000+1300)/``
    is 2014-12-31, not the 30th it is in UTC); an ISO date-time gives its own date part.
    """
    text = _text(value, field)
    if text is None:
        return None
    ms = _msdate(text, field)
    if ms is not None:
        instant, zone = ms
        try:
            return instant.astimezone(zone).date()
        except OverflowError:  # the last moment of 9999 in UTC is already 10000 east of it
            raise _fail(text, field, "MS JSON date out of range") from None
    if _DAY.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise _fail(text, field, "not a calendar date") from None
    return _iso(text, field).date()


def format_date(day: date) -> str:
    """A date as Xero takes it in requests: ``YYYY-MM-DD`` (a datetime gives its own date part)."""
    if isinstance(day, datetime):
        day = day.date()
    return day.isoformat()
