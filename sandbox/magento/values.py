"""Magento's values on the wire: timestamps ``YYYY-MM-DD HH:MM:SS`` in UTC, money as JSON numbers.

The emulator keeps money as ``Decimal`` (rounded to cents, as Magento's
``decimal(20,4)`` columns shown to two places) and turns it into JSON numbers
only when it answers, so its own sums never drift.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ["CENT", "cents", "parse_stamp", "stamp", "wire"]

CENT = Decimal("0.01")
_FORMAT = "%Y-%m-%d %H:%M:%S"


def stamp(moment: datetime) -> str:
    """A moment as Magento writes it: UTC, to the second, no offset."""
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_stamp(text: str) -> datetime:
    """A Magento timestamp as an aware UTC datetime (raises ``ValueError`` when it is not one)."""
    return datetime.strptime(text.strip(), _FORMAT).replace(tzinfo=UTC)


def cents(value: Decimal | int | str) -> Decimal:
    """Money rounded half up to cents, as Magento rounds prices and taxes."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def wire(value: Any) -> Any:
    """A stored record as JSON can carry it: Decimals become numbers, containers are copied."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 else float(value)
    if isinstance(value, dict):
        return {key: wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [wire(item) for item in value]
    return value
