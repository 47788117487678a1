"""VTQL statements built from data: names from the catalogue, values quoted by vTiger's rules.

Data is never code: a module or column must be in the catalogue
(``connectors.vtiger.streams``), an operator in ``OPERATORS``, and every value
goes in single quotes with ``'`` doubled and ``\\`` doubled (vTiger hands the
string to MySQL, which reads backslash escapes), so no value can end the
string early or change the statement.

    >>> select(module_named("Accounts"), where={"accountname": "O'Brien & Sons"})
    "SELECT * FROM Accounts WHERE accountname = 'O''Brien & Sons' ORDER BY id LIMIT 0,100;"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from connectors.vtiger.streams import MAX_ROWS, VtigerModule

__all__ = ["OPERATORS", "Condition", "VtqlError", "Where", "quote", "select"]

OPERATORS = frozenset({"=", "!=", "<", ">", "<=", ">=", "like", "in"})
"""The comparisons VTQL knows."""


class VtqlError(ValueError):
    """A statement that would name something outside the allowlist."""


@dataclass(frozen=True)
class Condition:
    """``column op value``; for ``in``, ``value`` is a sequence of values."""

    column: str
    op: str
    value: object


Where = Mapping[str, object] | Iterable[Condition]
"""Conditions, ANDed: ``{"column": value}`` for equality, or ``Condition`` objects."""


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | Decimal | int | float | str):
        return str(value)
    raise VtqlError(f"cannot put a {type(value).__name__} in a VTQL statement")


def quote(value: object) -> str:
    """A value as a VTQL string literal: single-quoted, ``'`` and ``\\`` doubled."""
    return "'" + _text(value).replace("\\", "\\\\").replace("'", "''") + "'"


def _column(module: VtigerModule, name: str) -> str:
    if not module.has_field(name):
        raise VtqlError(f"{module.name} has no column {name!r} in the catalogue")
    return name


def _condition(module: VtigerModule, condition: Condition) -> str:
    column = _column(module, condition.column)
    op = condition.op.lower()
    if op not in OPERATORS:
        raise VtqlError(f"unknown VTQL operator {condition.op!r}")
    if op == "in":
        if isinstance(condition.value, str | bytes) or not isinstance(condition.value, Iterable):
            raise VtqlError(f"'in' wants a list of values for {column}")
        values = [quote(v) for v in condition.value]
        if not values:
            raise VtqlError(f"'in' wants at least one value for {column}")
        return f"{column} IN ({', '.join(values)})"
    return f"{column} {op.upper() if op == 'like' else op} {quote(condition.value)}"


def _conditions(where: Where | None) -> list[Condition]:
    if where is None:
        return []
    if isinstance(where, Mapping):
        return [Condition(str(k), "=", v) for k, v in where.items()]
    return list(where)


def select(
    module: VtigerModule,
    *,
    columns: Sequence[str] | None = None,
    where: Where | None = None,
    order_by: Sequence[str] = ("id",),
    offset: int = 0,
    limit: int = MAX_ROWS,
) -> str:
    """A ``SELECT`` over one catalogued module; ordered by ``id`` so pages never shift under a reader."""
    cols = ", ".join(_column(module, c) for c in columns) if columns else "*"
    text = f"SELECT {cols} FROM {module.name}"
    conditions = _conditions(where)
    if conditions:
        text += " WHERE " + " AND ".join(_condition(module, c) for c in conditions)
    if order_by:
        text += " ORDER BY " + ", ".join(_column(module, c) for c in order_by)
    offset, limit = int(offset), int(limit)
    if offset < 0 or not 0 < limit <= MAX_ROWS:
        raise VtqlError(f"LIMIT {offset},{limit} is out of range (at most {MAX_ROWS} rows)")
    return f"{text} LIMIT {offset},{limit};"
