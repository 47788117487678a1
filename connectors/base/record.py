"""Reading one app record field by field: the base every connector's pure mapping reads through.

Each connector's reader (Deputy's ``_Record``, Shopify's ``_Node``, Magento's
``Raw``, Neto's ``NetoRecord``) adds the field types its API uses; what they
share is here: a record must be a JSON object, every error names where the
record is, the field and the value found (cut short, never whole), and a
figure is read as the hub can keep it (``read_decimal``).
"""

from __future__ import annotations

import math
import typing as t
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from datashare.model.mapping import MappingError
from datashare.model.types import MONEY_DIGITS, MONEY_PLACES

__all__ = ["HUB_WHOLE_DIGITS", "JsonRecord", "kept_decimal", "read_decimal", "shown"]

HUB_WHOLE_DIGITS = MONEY_DIGITS - MONEY_PLACES
"""Digits before the point of the largest figure the hub keeps (``DECIMAL(18, 6)``: twelve)."""

_PLACE = Decimal(1).scaleb(-MONEY_PLACES)


def kept_decimal(number: Decimal) -> Decimal:
    """``number`` as the hub keeps it, rounded to its six places; ``ValueError`` saying why when it cannot be.

    A finer figure is rounded (a float's 0.30000000000000004 is 0.3); one of
    more than twelve digits before the point (``10**30``), or not finite
    (``NaN``), is no figure a business has, and is refused rather than cut.
    """
    if not number.is_finite():
        raise ValueError("is not a finite number")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_PLACES and number.adjusted() < HUB_WHOLE_DIGITS:
        rounded = number.quantize(_PLACE, ROUND_HALF_UP).normalize()  # 0.300000 is 0.3, as it was meant
        number = rounded.quantize(Decimal(1)) if rounded == rounded.to_integral_value() else rounded  # 1E+1 is 10
    if number and number.adjusted() >= HUB_WHOLE_DIGITS:
        raise ValueError(f"is too large to keep (more than {HUB_WHOLE_DIGITS} digits before the point)")
    return number


def read_decimal(value: object) -> Decimal:
    """A figure given as a JSON number or as text (``"12.50"``, ``12.5``, ``"1E+3"``), as the hub keeps it.

    A float is read through its shortest text, so 19.99 stays 19.99. Raises
    ``ValueError`` with a short reason (no value: the caller's error names the
    field and shows it) for a value that is not a number, or that
    ``kept_decimal`` refuses. Readers catch it and raise their ``MappingError``.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("is not a finite number")
    try:
        number = (
            Decimal(repr(value))
            if isinstance(value, float)
            else Decimal(value.strip() if isinstance(value, str) else value)
        )
    except InvalidOperation:
        raise ValueError("is not a number") from None
    return kept_decimal(number)


def shown(value: object) -> str:
    """A value as an error message shows it: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


class JsonRecord:
    """One record (or a part of one) as the API gave it; ``where`` names it in errors."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise MappingError(f"{where}: expected a JSON object (got {shown(raw)})")
        self.raw: dict[str, t.Any] = raw
        self.where = where

    def fail(self, key: str, why: str) -> MappingError:
        """The error for one field: where, which field, why, and the value found."""
        value = self.raw.get(key)
        return MappingError(f"{self.where}: {key}: {why}" + ("" if value is None else f" (got {shown(value)})"))

    def integer(self, key: str) -> int | None:
        """A whole number, given as a number or as text; None when missing or empty."""
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.fail(key, "expected a whole number")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().removeprefix("-").isdecimal():  # not isdigit: "²" is a digit
            return int(value)
        raise self.fail(key, "expected a whole number")
