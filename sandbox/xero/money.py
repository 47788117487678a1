"""Money: decimal rounding, the currencies the sample organisations know, made-up day rates.

Amounts are ``Decimal`` in memory and become JSON numbers on the wire. Xero
fills a missing ``CurrencyRate`` on a foreign-currency document from XE.com;
the sandbox makes up a rate instead: stable for a (pair, day), never 1.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
UNIT4 = Decimal("0.0001")
RATE_PLACES = Decimal("0.000001")
ZERO = Decimal("0")
ONE = Decimal("1")

# Units of each currency per US dollar: rough, fixed, only the ratios matter.
UNITS_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "AUD": Decimal("1.52"),
    "NZD": Decimal("1.66"),
    "GBP": Decimal("0.79"),
    "EUR": Decimal("0.92"),
    "CAD": Decimal("1.36"),
    "SGD": Decimal("1.34"),
    "JPY": Decimal("151.2"),
    "FJD": Decimal("2.25"),
    "HKD": Decimal("7.82"),
}


def money(value: Decimal | int | float | str) -> Decimal:
    """Round to cents, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantity(value: Decimal | int | float | str) -> Decimal:
    """Round to four places (quantities, four-decimal unit amounts)."""
    return Decimal(value).quantize(UNIT4, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal | None:
    """A JSON number (or numeric string) as Decimal; None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int | float | str):
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    return None


def day_rate(base: str, foreign: str, day: date) -> Decimal:
    """Units of ``foreign`` per one unit of ``base`` on ``day``: made up, repeatable, never exactly 1."""
    if base == foreign:
        return ONE
    ratio = UNITS_PER_USD[foreign] / UNITS_PER_USD[base]
    # A small daily wobble (within ±1%) so rates differ from day to day.
    wobble = Decimal((day.toordinal() * 7919) % 201 - 100) / Decimal(10_000)
    rate = (ratio * (ONE + wobble)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return rate if rate != ONE else rate + RATE_PLACES
