"""Choosing and ordering records for a listing: Shopify's search syntax, sort keys and opaque cursors.

GraphQL connections take ``query:"updated_at:>'2026-01-01T00:00:00Z'"``:
space-separated ``field:value`` terms, all of which must hold, the value
optionally prefixed by a comparison (``>``, ``>=``, ``<``, ``<=``) and
quoted (``sku:"A \"B\""``: a backslash escapes a quote or a backslash).
Terms joined by ``OR`` give alternatives (``sku:A OR sku:B``; ``AND``
binds tighter, as in Shopify's search syntax). The sandbox understands
``updated_at``, ``created_at``, ``id`` and ``sku`` (a variant's, or for a
product any of its variants'; compared without regard to case); other terms
are ignored with a warning, as Shopify reports an unknown search field in
``extensions.search`` rather than failing (an assumption drawn from
Shopify's documented behaviour for invalid search syntax).

Cursors are keyset positions, as Shopify's are: base64 of
``{"last_id": ..., "last_value": ...}`` in the sort order, so a record that
moves in the order while a client pages (edited: a newer ``updated_at``)
never makes it skip another.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import typing as t
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "AnyOf",
    "Condition",
    "Listed",
    "SearchError",
    "Term",
    "decode_cursor",
    "encode_cursor",
    "parse_search",
    "select",
]

_TERM = re.compile(r"""(?P<field>[a-z_]+):(?P<op>>=|<=|>|<|=)?(?P<value>'[^']*'|"(?:[^"\\]|\\.)*"|\S+)|(?P<word>\S+)""")
_ESCAPED = re.compile(r"\\(.)")
_FIELDS = ("updated_at", "created_at", "id", "sku")


class SearchError(ValueError):
    """A search value the sandbox cannot read (a date that is not one)."""


class Listed(t.Protocol):
    """What a listed record has."""

    id: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Condition:
    """One term of a search: field, comparison and value."""

    field: str
    op: str
    value: datetime | int | str

    def holds(self, record: Listed) -> bool:
        """Whether a record satisfies the term."""
        if self.field == "sku":
            wanted = str(self.value).casefold()
            variants = getattr(record, "variants", None)
            skus = [getattr(record, "sku", None)] if variants is None else [v.sku for v in variants]
            return any(sku is not None and sku.casefold() == wanted for sku in skus)
        actual: datetime | int = getattr(record, self.field)
        value = self.value
        if self.op == ">":
            return actual > value  # type: ignore[operator]
        if self.op == ">=":
            return actual >= value  # type: ignore[operator]
        if self.op == "<":
            return actual < value  # type: ignore[operator]
        if self.op == "<=":
            return actual <= value  # type: ignore[operator]
        return actual == value


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date or time as Shopify takes it (no offset: UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SearchError(f"Invalid date: {text}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AnyOf:
    """Alternatives joined by ``OR``: a record matches when all terms of one of them hold."""

    groups: tuple[tuple[Condition, ...], ...]

    def holds(self, record: Listed) -> bool:
        """Whether a record satisfies one of the alternatives."""
        return any(all(c.holds(record) for c in group) for group in self.groups)


Term = Condition | AnyOf
"""One condition a listed record must meet."""


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return _ESCAPED.sub(r"\1", raw[1:-1])
    return raw.strip("'")


def parse_search(query: str | None) -> tuple[list[Term], list[str]]:
    """The conditions of a search string, and warnings for the terms ignored."""
    groups: list[list[Condition]] = [[]]
    warnings: list[str] = []
    if not query:
        return [], warnings
    for match in _TERM.finditer(query):
        if match["word"] is not None:
            if match["word"] == "OR":
                groups.append([])
            continue  # AND, and free text the sandbox does not search by
        name, op, raw = match["field"], match["op"] or "=", _unquote(match["value"])
        if name not in _FIELDS:
            warnings.append(f"Invalid search field for this query: {name}")
            continue
        if name == "id":
            if not raw.isdigit():
                raise SearchError(f"Invalid id: {raw}")
            groups[-1].append(Condition(name, op, int(raw)))
        elif name == "sku":
            groups[-1].append(Condition(name, "=", raw))
        else:
            groups[-1].append(Condition(name, op, parse_moment(raw)))
    alternatives = [g for g in groups if g]
    if len(alternatives) > 1:
        return [AnyOf(tuple(tuple(g) for g in alternatives))], warnings
    return list(alternatives[0]) if alternatives else [], warnings


def encode_cursor(record_id: int, value: str | int) -> str:
    """The opaque cursor of a record's position."""
    return base64.b64encode(json.dumps({"last_id": record_id, "last_value": value}).encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, str | int]:
    """The position a cursor names (ValueError when it is not one of ours)."""
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return int(data["last_id"]), data["last_value"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise ValueError(f"Invalid cursor: {cursor}") from None


T = t.TypeVar("T", bound=Listed)


def _value(record: Listed, sort_key: str) -> str | int:
    if sort_key == "ID":
        return record.id
    moment: datetime = record.updated_at if sort_key == "UPDATED_AT" else record.created_at
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def select(
    records: Sequence[T],
    conditions: Sequence[Term],
    *,
    sort_key: str = "ID",
    reverse: bool = False,
    after: str | None = None,
    first: int,
) -> tuple[list[tuple[T, str]], bool]:
    """Up to ``first`` records matching every condition, after the cursor, in (sort value, id) order.

    Returns the records with their cursors, and whether more follow.
    """
    key: Callable[[T], tuple[str | int, int]] = lambda r: (_value(r, sort_key), r.id)  # noqa: E731
    chosen = sorted((r for r in records if all(c.holds(r) for c in conditions)), key=key, reverse=reverse)
    if after:
        last_id, last_value = decode_cursor(after)
        if not isinstance(last_value, int if sort_key == "ID" else str):
            raise ValueError(f"Invalid cursor for sort key {sort_key}: {after}")
        mark = (last_value, last_id)
        chosen = [r for r in chosen if (key(r) < mark if reverse else key(r) > mark)]
    page = chosen[:first]
    return [(r, encode_cursor(r.id, _value(r, sort_key))) for r in page], len(chosen) > first
