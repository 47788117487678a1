"""Values as vTiger stores and answers them: every value a string, numbers in column format.

A client may send numbers, booleans or strings; the database keeps them in its
column type and the webservice answers them back as strings (``"12.50000000"`` for a
currency, ``"2.000"`` for a quantity, ``"1"``/``"0"`` for a checkbox). Values a
MySQL column would refuse end in ``DATABASE_QUERY_ERROR``, as they do on a real server.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sandbox.vtiger.errors import DATABASE_ERROR, ErrorCode, VtigerError
from sandbox.vtiger.modules import Field

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no", ""}


def as_text(value: object) -> str:
    """A JSON value as the string PHP would make of it (``true`` -> ``"1"``, ``null`` -> ``""``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_decimal(value: object) -> Decimal | None:
    """The number in ``value``, None when it is empty; raises DATABASE_QUERY_ERROR when it is not a number."""
    text = as_text(value).strip()
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise VtigerError(ErrorCode.DATABASE_QUERY_ERROR, DATABASE_ERROR) from None
    if not number.is_finite():
        raise VtigerError(ErrorCode.DATABASE_QUERY_ERROR, DATABASE_ERROR)
    return number


def format_decimal(number: Decimal, decimals: int) -> str:
    """``number`` with exactly ``decimals`` places, as a DECIMAL column gives it back (``0.00000000``, never ``0E-8``)."""
    return format(number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f")


def money(number: Decimal) -> str:
    """A computed amount: rounded to cents, answered with the column's 8 decimals."""
    return format_decimal(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), 8)


def normalise(field: Field, value: object) -> str:
    """``value`` as the database would store it in ``field``."""
    if field.type in {"currency", "double"}:
        number = to_decimal(value)
        return "" if number is None else format_decimal(number, field.decimals or 8)
    if field.type == "integer":
        number = to_decimal(value)
        if number is None:
            return ""
        if number != number.to_integral_value():
            raise VtigerError(ErrorCode.DATABASE_QUERY_ERROR, DATABASE_ERROR)
        return str(int(number))
    if field.type == "boolean":
        text = as_text(value).strip().lower()
        if text in _TRUE:
            return "1"
        if text in _FALSE:
            return "0"
        raise VtigerError(ErrorCode.DATABASE_QUERY_ERROR, DATABASE_ERROR)
    if field.type == "date":
        text = as_text(value).strip()
        if text == "":
            return ""
        if not _DATE.match(text):
            raise VtigerError(ErrorCode.DATABASE_QUERY_ERROR, DATABASE_ERROR)
        try:
            datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise VtigerError(ErrorCode.DATABASE_QUERY_ERROR, DATABASE_ERROR) from None
        return text
    return as_text(value)


def format_time(moment: datetime) -> str:
    """A timestamp as vTiger answers ``createdtime``/``modifiedtime``: ``YYYY-MM-DD HH:MM:SS``."""
    return moment.strftime(TIME_FORMAT)
