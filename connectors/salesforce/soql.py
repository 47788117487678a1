"""SOQL built from the catalogue: names from the allowlist, values escaped by Salesforce's rules.

Salesforce's quoting rules (SOQL reference, "Quoted String Escape
Sequences"): a string literal is in single quotes, and backslash, both quotes
and the control characters are escaped with a backslash. Date and datetime
literals are NOT quoted; we write them ourselves, in UTC: ``O'Brien\\Co``
becomes ``'O\\'Brien\\\\Co'``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from connectors.salesforce.streams import SObject

__all__ = ["OPERATORS", "Condition", "datetime_literal", "literal", "parse_datetime", "quote", "select"]

OPERATORS = frozenset({"=", "!=", "<", "<=", ">", ">=", "IN"})

Condition = tuple[str, str, t.Any]
"""``(field, operator, value)``; the field is checked against the object's allowlist."""

_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def quote(text: str) -> str:
    """A SOQL string literal: quoted, with backslash, quotes and control characters escaped."""
    return "'" + "".join(_ESCAPES.get(ch, ch) for ch in text) + "'"


def datetime_literal(moment: datetime) -> str:
    """An unquoted SOQL datetime literal in UTC, to the second (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(text: str) -> datetime:
    """A datetime as Salesforce returns it (``2013-05-20T20:49:32.000+0000``), aware."""
    for shape in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, shape)
        except ValueError:
            continue
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def literal(value: t.Any) -> str:
    """Any value as a SOQL literal; lists become ``('a','b')`` for IN."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return datetime_literal(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list | tuple | set | frozenset):
        if not value:
            raise ValueError("an IN list needs at least one value")
        return "(" + ",".join(literal(v) for v in value) + ")"
    raise TypeError(f"no SOQL literal for {type(value).__name__}")


def select(
    sobject: SObject,
    *,
    where: Sequence[Condition] = (),
    order_by: Sequence[str] = (),
    fields: Sequence[str] | None = None,
) -> str:
    """``SELECT … FROM … [WHERE a AND b] [ORDER BY x ASC, y ASC]`` with every name checked first."""
    columns = tuple(fields) if fields is not None else sobject.fields
    sobject.check(*columns, *(name for name, _, _ in where), *order_by)
    statement = f"SELECT {', '.join(columns)} FROM {sobject.name}"
    conditions = []
    for name, operator, value in where:
        if operator not in OPERATORS:
            raise ValueError(f"SOQL operator {operator!r} is not allowed")
        conditions.append(f"{name} {operator} {literal(value)}")
    if conditions:
        statement += " WHERE " + " AND ".join(conditions)
    if order_by:
        statement += " ORDER BY " + ", ".join(f"{name} ASC" for name in order_by)
    return statement
