"""Xero's date formats: MS JSON dates out, several shapes in.

Responses carry dates as ``/Date(1552262400000+0000)/`` (milliseconds since
the epoch, UTC, plus an offset that is informational) and the envelope's
``DateTimeUTC`` as ``/Date(1552262400000)/``. Requests may send
``YYYY-MM-DD``, ISO date-times or MS dates. ``If-Modified-Since`` comes as an
HTTP date or an ISO timestamp.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MSDATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def epoch_ms(value: date | datetime) -> int:
    """Milliseconds since the epoch; a plain date counts as midnight UTC."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def to_msdate(value: date | datetime) -> str:
    """A record date in Xero's wire form, ``/Date(ms+0000)/``."""
    return f"/Date({epoch_ms(value)}+0000)/"


def to_envelope_msdate(value: datetime) -> str:
    """The envelope's ``DateTimeUTC`` form, ``/Date(ms)/`` (no offset)."""
    return f"/Date({epoch_ms(value)})/"


def is_msdate(value: str) -> bool:
    """Whether a string is an MS JSON date."""
    return _MSDATE.match(value) is not None


def parse_msdate(value: str) -> datetime:
    """An MS JSON date as an aware UTC datetime (the ms count is UTC; the offset only names a zone)."""
    match = _MSDATE.match(value)
    if match is None:
        raise ValueError(f"not an MS JSON date: {value!r}")
    return _EPOCH + timedelta(milliseconds=int(match.group(1)))


def parse_datetime(value: str) -> datetime:
    """A request timestamp (ISO 8601, with or without zone, or MS date) as aware UTC."""
    text = value.strip()
    if text.startswith("/Date("):
        return parse_msdate(text)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(value: str) -> date:
    """A request date: ``YYYY-MM-DD``, an ISO date-time (its date part) or an MS date."""
    text = value.strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    return parse_datetime(text).date()


def parse_if_modified_since(header: str | None) -> datetime | None:
    """The ``If-Modified-Since`` header as aware UTC, or None when absent or unreadable.

    An unreadable value is ignored rather than refused, as HTTP says a server
    should do with a malformed conditional header.
    """
    if not header:
        return None
    text = header.strip()
    try:
        return parse_datetime(text)
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def to_second(value: date | datetime) -> datetime:
    """Truncate to whole seconds (Xero compares ``If-Modified-Since`` to the second)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.replace(microsecond=0)


def iso_seconds(value: datetime) -> str:
    """``2019-03-11T17:58:46Z``, the form of ``UpdatedDateUTCString``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date_string(value: date) -> str:
    """``2019-03-11T00:00:00``, the form of ``DateString`` and ``DueDateString``."""
    return f"{value.isoformat()}T00:00:00"
