"""``POST /resource/{Object}/QUERY``: search, sort, join and the start/max window.

::

    {"search": {"s1": {"field": "Modified", "type": "ge", "data": "2026-01-01T00:00:00+10:00"}},
     "sort": {"Modified": "asc"}, "join": ["ContactObject"], "start": 0, "max": 500}

- ``search``: every condition must hold (they are ANDed). Operators: eq, ne,
  gt, lt, ge, le, in, "not in" (``data`` a list), is, "is not" (``data`` null
  tests for null), starts, contains (text, case-insensitive). A comparison with
  a null field is false, as in SQL.
- ``sort``: field -> asc|desc, in order; ties are always broken by Id
  ascending, so ``start``/``max`` windows never overlap or skip.
- ``start``/``max``: the window; ``max`` defaults to 500 and is cut to 500.
- An unknown field, operator, join or direction, or ``data`` that does not
  fit the field's type, is a 400 naming it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import timezone
from typing import Any

from sandbox.deputy.errors import DeputyError
from sandbox.deputy.objects import OBJECTS, DeputyObject, FieldType
from sandbox.deputy.values import comparable

__all__ = ["MAX_RECORDS", "Condition", "render", "run_query"]

MAX_RECORDS = 500
"""The most records one answer holds."""

Condition = Callable[[dict[str, Any]], bool]

_ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "lt": operator.lt,
    "ge": operator.ge,
    "le": operator.le,
}
OPERATORS = (*_ORDERED, "in", "not in", "is", "is not", "starts", "contains")


def _bad(message: str) -> DeputyError:
    return DeputyError(400, message)


def _condition(obj: DeputyObject, key: str, spec: Any, tz: timezone) -> Condition:
    """One search condition as a test of a stored record."""
    if not isinstance(spec, dict):
        raise _bad(f"Search condition {key} must be an object with field, type and data")
    name = spec.get("field")
    if not isinstance(name, str) or name not in obj.fields:
        raise _bad(f"Search condition {key}: {obj.name} has no field {name!r}")
    kind = obj.fields[name]
    op = str(spec.get("type", "eq")).strip().lower()
    if op not in OPERATORS:
        raise _bad(f"Search condition {key}: unknown operator {spec.get('type')!r} (use one of {', '.join(OPERATORS)})")
    data = spec.get("data")

    def typed(value: Any) -> Any:
        try:
            return comparable(kind, value, tz)
        except ValueError as error:
            raise _bad(f"Search condition {key}: {name} is a {kind.value} field: {error}") from None

    def value_of(record: dict[str, Any]) -> Any:
        return comparable(kind, record.get(name), tz)

    if op in ("is", "is not"):
        wanted = None if data is None or (isinstance(data, str) and data.lower() == "null") else typed(data)
        negate = op == "is not"
        return lambda record: (value_of(record) == wanted) != negate
    if op in ("in", "not in"):
        if not isinstance(data, list):
            raise _bad(f"Search condition {key}: {op!r} needs a list of values")
        choices = [typed(v) for v in data]
        inside = op == "in"
        return lambda record: (v := value_of(record)) is not None and (v in choices) == inside
    if op in ("starts", "contains"):
        if kind not in (FieldType.VARCHAR, FieldType.BLOB):
            raise _bad(f"Search condition {key}: {op!r} works on text fields, {name} is a {kind.value}")
        needle = str(typed(data) or "").casefold()
        if op == "starts":
            return lambda record: (v := value_of(record)) is not None and v.casefold().startswith(needle)
        return lambda record: (v := value_of(record)) is not None and needle in v.casefold()
    if data is None:
        raise _bad(f"Search condition {key}: {op!r} needs data (use 'is' to test for null)")
    target = typed(data)
    compare = _ORDERED[op]
    return lambda record: (v := value_of(record)) is not None and compare(v, target)


def _sort(obj: DeputyObject, sort: Any) -> list[tuple[str, bool]]:
    """(field, descending) pairs, in order, ending with Id so the order is total."""
    if sort is None:
        sort = {}
    if not isinstance(sort, dict):
        raise _bad('sort must be an object such as {"Modified": "asc"}')
    keys: list[tuple[str, bool]] = []
    for name, direction in sort.items():
        if name not in obj.fields:
            raise _bad(f"Cannot sort: {obj.name} has no field {name!r}")
        folded = str(direction).strip().lower()
        if folded not in ("asc", "desc"):
            raise _bad(f"Cannot sort on {name}: direction must be asc or desc, not {direction!r}")
        keys.append((name, folded == "desc"))
    if "Id" not in sort:
        keys.append(("Id", False))
    return keys


def _joins(obj: DeputyObject, join: Any) -> list[str]:
    if join is None:
        return []
    if not isinstance(join, list) or not all(isinstance(j, str) for j in join):
        raise _bad('join must be a list of join names such as ["ContactObject"]')
    for name in join:
        if name not in obj.joins:
            known = ", ".join(obj.joins) or "none"
            raise _bad(f"{obj.name} has no join {name!r} (joins: {known})")
    return list(join)


def _whole(body: dict[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().lstrip("-").isdigit():
        raise _bad(f"{key} must be a whole number, not {value!r}")
    return int(value)


def render(
    tables: dict[str, dict[int, dict[str, Any]]], obj: DeputyObject, record: dict[str, Any], joins: list[str]
) -> dict[str, Any]:
    """A record as the API shows it: its fields, the joined records asked for, and Deputy's metadata block."""
    shown = {name: record.get(name) for name in obj.fields}  # in the object's field order, as INFO lists them
    for name in joins:
        join = obj.joins[name]
        target = record.get(join.via)
        related = tables[join.target].get(target) if isinstance(target, int) else None
        shown[name] = render(tables, OBJECTS[join.target], related, []) if related is not None else None
    shown["_DPMetaData"] = {"System": obj.name, "CreatorInfo": {"Id": record.get("Creator")}}
    return shown


def run_query(
    tables: dict[str, dict[int, dict[str, Any]]], obj: DeputyObject, body: Any, tz: timezone
) -> list[dict[str, Any]]:
    """The records a QUERY body selects, sorted, windowed and joined (the caller holds the state's lock)."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise _bad("The QUERY body must be a JSON object")
    search = body.get("search") or {}
    if not isinstance(search, dict):
        raise _bad('search must be an object of conditions such as {"s1": {"field": ..., "type": ..., "data": ...}}')
    conditions = [_condition(obj, str(key), spec, tz) for key, spec in search.items()]
    keys = _sort(obj, body.get("sort"))
    joins = _joins(obj, body.get("join"))
    start = max(0, _whole(body, "start", 0))
    size = _whole(body, "max", MAX_RECORDS)
    size = MAX_RECORDS if size <= 0 else min(size, MAX_RECORDS)
    rows = [r for r in tables[obj.name].values() if all(test(r) for test in conditions)]
    # Stable sorts from the last key to the first give the multi-key order; nulls sort first ascending.
    for name, descending in reversed(keys):
        rows.sort(key=_sort_key(obj.fields[name], name, tz), reverse=descending)
    return [render(tables, obj, r, joins) for r in rows[start : start + size]]


def _sort_key(kind: FieldType, name: str, tz: timezone) -> Callable[[dict[str, Any]], tuple[bool, Any]]:
    """The sort key of one field: its typed value, nulls before everything else."""

    def key(record: dict[str, Any]) -> tuple[bool, Any]:
        value = comparable(kind, record.get(name), tz)
        return (value is not None, value if value is not None else 0)

    return key
