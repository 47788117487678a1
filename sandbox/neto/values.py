"""Neto's values on the wire: every scalar a string, money to two places, dates ``YYYY-MM-DD HH:MM:SS``.

Neto writes booleans as ``"True"``/``"False"`` and dates in the site's local
time without an offset; an unset date is the empty string (an assumption:
Neto's XSDs type them as strings).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["DATE_FORMAT", "flag", "money", "parse_date", "parse_money", "stamp"]

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> str:
    """An amount as Neto writes it (``"7.00"``)."""
    return str(Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP))


def parse_money(value: object, name: str) -> Decimal:
    """A client's amount (a number or its text); raises ``ValueError`` naming the field."""
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if not parsed.is_finite():
        raise ValueError(f"{name} must be a number, not {value!r}")
    return parsed


def flag(value: bool) -> str:
    """A boolean as Neto writes it."""
    return "True" if value else "False"


def stamp(moment: datetime, tz: timezone) -> str:
    """A moment in the site's local time, to the second, without an offset."""
    return moment.astimezone(tz).strftime(DATE_FORMAT)


def parse_date(value: object, name: str) -> str:
    """A date filter as sent (``YYYY-MM-DD`` or with the time) in the stored form, for text comparison."""
    text = str(value).strip()
    for form in (DATE_FORMAT, "%Y-%m-%d"):
        try:
            return datetime.strptime(text, form).strftime(DATE_FORMAT)
        except ValueError:
            continue
    raise ValueError(f"{name} must be a date 'YYYY-MM-DD HH:MM:SS', not {value!r}")
