"""``searchCriteria`` query parameters, built from data: filter groups, sort orders, page.

Field names must look like Magento attribute codes and conditions come from
Magento's list; values travel as query parameter values (httpx encodes
them), so no data ever becomes part of a parameter's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CONDITIONS", "Filter", "drop_filters", "search_params"]

CONDITIONS = frozenset(
    {"eq", "neq", "gt", "gteq", "lt", "lteq", "like", "nlike", "in", "nin", "null", "notnull", "from", "to"}
)
"""Magento's condition types this connector may send."""

_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Filter:
    """One filter: ``field condition value`` (``("updated_at", "2026-11-01 00:00:00", "gteq")``)."""

    field: str
    value: str
    condition: str = "eq"

    def __post_init__(self) -> None:
        if not _FIELD.match(self.field):
            raise ValueError(f"not a Magento field name: {self.field!r}")
        if self.condition not in CONDITIONS:
            raise ValueError(
                f"not a Magento condition type: {self.condition!r} (use one of {', '.join(sorted(CONDITIONS))})"
            )


def search_params(
    groups: Sequence[Sequence[Filter]],
    sort: Sequence[tuple[str, str]] = (),
    *,
    page_size: int | None = None,
    current_page: int | None = None,
) -> dict[str, str]:
    """The query parameters of a search: filters in a group are ORed, groups ANDed; ``sort`` is (field, ASC|DESC).

    With nothing to filter, sort or page, ``searchCriteria`` is still sent
    (empty), because Magento refuses a list call without it.
    """
    params: dict[str, str] = {}
    for g, group in enumerate(groups):
        for f, one in enumerate(group):
            key = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            params[f"{key}[field]"] = one.field
            params[f"{key}[value]"] = one.value
            params[f"{key}[condition_type]"] = one.condition
    for s, (field, direction) in enumerate(sort):
        if not _FIELD.match(field) or direction not in ("ASC", "DESC"):
            raise ValueError(f"not a Magento sort order: {field!r} {direction!r}")
        params[f"searchCriteria[sortOrders][{s}][field]"] = field
        params[f"searchCriteria[sortOrders][{s}][direction]"] = direction
    if page_size is not None:
        params["searchCriteria[pageSize]"] = str(page_size)
    if current_page is not None:
        params["searchCriteria[currentPage]"] = str(current_page)
    return params or {"searchCriteria": ""}


def drop_filters(params: dict[str, str]) -> None:
    """Remove every filter group from a parameter dict (a paginator re-anchoring its search)."""
    for key in [k for k in params if k.startswith("searchCriteria[filter_groups]")]:
        del params[key]
