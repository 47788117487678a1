"""``searchCriteria``: filter groups, sort orders and pages, as Magento's list endpoints read them.

::

    ?searchCriteria[filter_groups][0][filters][0][field]=updated_at
    &searchCriteria[filter_groups][0][filters][0][value]=2026-11-01 00:00:00
    &searchCriteria[filter_groups][0][filters][0][condition_type]=gt
    &searchCriteria[sortOrders][0][field]=updated_at&searchCriteria[sortOrders][0][direction]=ASC
    &searchCriteria[pageSize]=100&searchCriteria[currentPage]=1

- Filters in one group are ORed, groups are ANDed. Keys may be snake_case
  or camelCase (``filterGroups``, ``conditionType``, ``page_size``).
- Conditions: eq (the default), neq, gt, gteq, lt, lteq, like and nlike
  (``%`` and ``_``, case-insensitive), in and nin (comma-separated), null,
  notnull, from (gteq) and to (lteq). Numbers compare as numbers, everything
  else as text (Magento's timestamps sort as text).
- ``currentPage`` counts from 1; a page past the end answers the last page
  again (Magento's quirk), so clients stop by ``total_count``. Without
  ``pageSize`` every match comes back. Ties in the sort are broken by id.
- No ``searchCriteria`` at all is Magento's ``%fieldName is a required field.``
- An unknown field or condition is a 400 (an assumption: Magento answers
  some of these with a database error).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.magento.errors import MagentoError

__all__ = ["CONDITIONS", "ID_FIELDS", "SEARCHABLE", "Criteria", "parse_criteria", "run_search"]

CONDITIONS = ("eq", "neq", "gt", "gteq", "lt", "lteq", "like", "nlike", "in", "nin", "null", "notnull", "from", "to")

_KEY = re.compile(r"\[([^\]]*)\]")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

SEARCHABLE: dict[str, frozenset[str]] = {
    "customers": frozenset(
        [
            "id",
            "group_id",
            "email",
            "firstname",
            "lastname",
            "created_at",
            "updated_at",
            "store_id",
            "website_id",
            "default_billing",
            "default_shipping",
        ]
    ),
    "products": frozenset(
        [
            "id",
            "sku",
            "name",
            "price",
            "status",
            "visibility",
            "type_id",
            "attribute_set_id",
            "created_at",
            "updated_at",
            "weight",
        ]
    ),
    "orders": frozenset(
        [
            "entity_id",
            "increment_id",
            "state",
            "status",
            "customer_id",
            "customer_email",
            "customer_firstname",
            "customer_lastname",
            "customer_is_guest",
            "created_at",
            "updated_at",
            "order_currency_code",
            "subtotal",
            "tax_amount",
            "shipping_amount",
            "discount_amount",
            "grand_total",
            "total_paid",
            "total_refunded",
            "total_due",
            "store_id",
        ]
    ),
    "invoices": frozenset(
        [
            "entity_id",
            "order_id",
            "increment_id",
            "state",
            "subtotal",
            "tax_amount",
            "grand_total",
            "created_at",
            "updated_at",
            "store_id",
        ]
    ),
    "creditmemos": frozenset(
        [
            "entity_id",
            "order_id",
            "invoice_id",
            "increment_id",
            "state",
            "grand_total",
            "created_at",
            "updated_at",
            "store_id",
        ]
    ),
}
"""The fields each list can filter and sort on."""

ID_FIELDS: dict[str, str] = {
    "customers": "id",
    "products": "id",
    "orders": "entity_id",
    "invoices": "entity_id",
    "creditmemos": "entity_id",
}

Criteria = dict[str, Any]
Test = Callable[[dict[str, Any]], bool]


def _snake(key: str) -> str:
    return _CAMEL.sub("_", key).lower()


def _nest(pairs: Iterable[tuple[str, str]]) -> dict[str, Any] | None:
    """``searchCriteria[a][0][b]=v`` pairs as nested dicts (list indexes stay dict keys); None when absent."""
    found: dict[str, Any] | None = None
    for key, value in pairs:
        if not key.startswith("searchCriteria"):
            continue
        found = found if found is not None else {}
        path = [_snake(part) for part in _KEY.findall(key[len("searchCriteria") :])]
        node = found
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise MagentoError(400, 'The "%1" parameter is malformed.', [key])
            node = child
        if path:
            node[path[-1]] = value
    return found


def _listed(node: Any, name: str) -> list[dict[str, Any]]:
    if node is None:
        return []
    if not isinstance(node, dict) or not all(k.isdigit() and isinstance(v, dict) for k, v in node.items()):
        raise MagentoError(400, 'The "%1" parameter is malformed.', [name])
    return [node[k] for k in sorted(node, key=int)]


def _whole(value: Any, name: str, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    if not str(value).strip().lstrip("-").isdigit():
        raise MagentoError(
            400, 'The "%1" value\'s type is invalid. The "%2" type was expected. Verify and try again.', [value, "int"]
        )
    return int(value)


def parse_criteria(pairs: Iterable[tuple[str, str]]) -> Criteria:
    """The search criteria of a query string, checked; Magento's required-field error when there are none."""
    nested = _nest(pairs)
    if nested is None:
        raise MagentoError(400, "%fieldName is a required field.", {"fieldName": "searchCriteria"})
    groups = []
    for group in _listed(nested.get("filter_groups"), "filter_groups"):
        filters = []
        for raw in _listed(group.get("filters"), "filters"):
            field = raw.get("field")
            condition = (raw.get("condition_type") or "eq").lower()
            if not field:
                raise MagentoError(400, "%fieldName is a required field.", {"fieldName": "field"})
            if condition not in CONDITIONS:
                raise MagentoError(400, 'Invalid condition type "%1".', [condition])
            filters.append({"field": field, "value": raw.get("value", ""), "condition_type": condition})
        groups.append({"filters": filters})
    sorts = []
    for raw in _listed(nested.get("sort_orders"), "sort_orders"):
        direction = str(raw.get("direction") or "ASC").upper()
        if direction not in ("ASC", "DESC"):
            raise MagentoError(400, 'The sort order "%1" is invalid.', [raw.get("direction")])
        sorts.append({"field": raw.get("field"), "direction": direction})
    criteria: Criteria = {"filter_groups": groups, "sort_orders": sorts}
    size = _whole(nested.get("page_size"), "page_size", None)
    if size is not None:
        criteria["page_size"] = size
    current = _whole(nested.get("current_page"), "current_page", None)
    if current is not None:
        criteria["current_page"] = current
    return criteria


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _compare(stored: Any, wanted: str) -> int | None:
    """-1, 0, 1 as stored compares to the wanted text (numbers as numbers); None when stored is null."""
    if stored is None:
        return None
    left, right = _number(stored), _number(wanted)
    if left is not None and right is not None:
        return (left > right) - (left < right)
    text = str(stored)
    return (text > wanted) - (text < wanted)


def _like(pattern: str) -> re.Pattern[str]:
    parts = ("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


_ORDERED: dict[str, Callable[[int], bool]] = {
    "eq": lambda c: c == 0,
    "neq": lambda c: c != 0,
    "gt": lambda c: c > 0,
    "gteq": lambda c: c >= 0,
    "from": lambda c: c >= 0,
    "lt": lambda c: c < 0,
    "lteq": lambda c: c <= 0,
    "to": lambda c: c <= 0,
}


def _test(spec: dict[str, Any], fields: frozenset[str]) -> Test:
    field, condition, value = spec["field"], spec["condition_type"], str(spec["value"])
    if field not in fields:
        raise MagentoError(400, '"%fieldName" is not a field that can be searched.', {"fieldName": field})
    if condition == "null":
        return lambda r: r.get(field) is None
    if condition == "notnull":
        return lambda r: r.get(field) is not None
    if condition in ("like", "nlike"):
        pattern = _like(value)
        inside = condition == "like"
        return lambda r: r.get(field) is not None and (pattern.fullmatch(str(r[field])) is not None) == inside
    if condition in ("in", "nin"):
        choices = [v.strip() for v in value.split(",")]
        inside = condition == "in"
        return lambda r: r.get(field) is not None and any(_compare(r[field], c) == 0 for c in choices) == inside
    check = _ORDERED[condition]
    return lambda r: (c := _compare(r.get(field), value)) is not None and check(c)


def _sort_key(field: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    def key(record: dict[str, Any]) -> tuple[int, Any]:
        value = record.get(field)
        if value is None:
            return (0, 0)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return (1, Decimal(value))
        return (2, str(value))

    return key


def run_search(
    records: Iterable[dict[str, Any]], criteria: Criteria, id_field: str, fields: frozenset[str]
) -> tuple[list[dict[str, Any]], int]:
    """The page of ``records`` the criteria select (filtering and sorting on ``fields`` only), and the match count."""
    rows = list(records)
    groups = [[_test(f, fields) for f in g["filters"]] for g in criteria["filter_groups"] if g["filters"]]
    rows = [r for r in rows if all(any(test(r) for test in group) for group in groups)]
    rows.sort(key=_sort_key(id_field))
    for order in reversed(criteria["sort_orders"]):
        if order["field"] not in fields:
            raise MagentoError(400, '"%fieldName" is not a field that can be sorted.', {"fieldName": order["field"]})
        rows.sort(key=_sort_key(order["field"]), reverse=order["direction"] == "DESC")
    total = len(rows)
    size = criteria.get("page_size")
    if not size or size <= 0:
        return rows, total
    pages = max(1, math.ceil(total / size))
    # Magento's quirk: a page past the end is the last page again, never an empty one.
    current = min(max(1, criteria.get("current_page") or 1), pages)
    return rows[(current - 1) * size : current * size], total
