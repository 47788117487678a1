"""GET on a collection: the filters, ordering and paging Xero applies, in Xero's order.

1. visibility (archived contacts, deleted transfers and accounts hide);
2. ``If-Modified-Since`` against the collection's timestamp, to the second;
3. the collection's own parameters (``IDs``, ``Statuses``, ``DateFrom``, …);
4. ``where``, then ``order`` (default: creation order, stable across pages);
5. ``page``/``pageSize`` where the collection pages (``pageSize`` defaults to
   100 and is capped at 1000), with the ``pagination`` object; Quotes page by
   ``page`` alone, 100 a page, with no ``pagination``. Invoices only carry
   their line items when paged.

Journals page differently: ``offset`` (JournalNumber greater than it), 100 a call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.xero.catalogue import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from sandbox.xero.dates import to_second
from sandbox.xero.errors import bad_query
from sandbox.xero.ledger import Journals
from sandbox.xero.resource import Resource
from sandbox.xero.store import OrgBook
from sandbox.xero.where import Filter, OrderTerm, WhereError, parse_order, parse_where, sort_by

Record = dict[str, Any]


@dataclass(frozen=True)
class ListQuery:
    """What a list call asked for."""

    params: Mapping[str, str]
    since: datetime | None
    client_id: str

    def flag(self, name: str) -> bool:
        """A boolean query parameter."""
        return self.params.get(name, "").lower() == "true"

    def integer(self, name: str, default: int) -> int:
        """An integer query parameter; anything but digits is a 400."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise bad_query(f"{name} must be a whole number, not {raw!r}") from exc


def _changed_since(resource: Resource, since: datetime | None) -> Any:
    if since is None or resource.endpoint.modified_field is None:
        return None
    bound = to_second(since)

    def test(record: Record) -> bool:
        moment = resource.modified(record)
        return moment is not None and to_second(moment) >= bound

    return test


def list_records(resource: Resource, book: OrgBook, query: ListQuery) -> tuple[list[Record], Record | None]:
    """The records a GET on the collection returns, rendered, and the pagination object if it paged."""
    endpoint = resource.endpoint
    where: Filter | None = None
    order: list[OrderTerm] = []
    try:
        if query.params.get("where"):
            where = parse_where(query.params["where"], endpoint.where_fields)
        if query.params.get("order"):
            order = parse_order(query.params["order"], endpoint.where_fields or None)
    except WhereError as exc:
        raise bad_query(str(exc)) from exc
    paged = endpoint.paged and "page" in query.params
    page = max(1, query.integer("page", 1))
    size = DEFAULT_PAGE_SIZE
    if endpoint.sized:
        size = min(MAX_PAGE_SIZE, max(1, query.integer("pageSize", DEFAULT_PAGE_SIZE)))
    tests = [
        t
        for t in (
            lambda r: resource.visible(r, query.params),
            _changed_since(resource, query.since),
            resource.param_filter(book, query.params, query.client_id),
        )
        if t is not None
    ]
    chosen = [r for r in resource.records(book) if all(t(r) for t in tests)]
    stored = where is None and order and chosen and all(len(t.path) == 1 and t.path[0] in chosen[0] for t in order)
    if stored:
        # Ordering by a field the stored record holds as is (the id, a number): no need to render every record.
        chosen = sort_by(chosen, order, lambda r: r)
    elif where is not None or order:
        views = {id(r): resource.view(book, r, lines=False) for r in chosen}
        try:
            if where is not None:
                chosen = [r for r in chosen if where(views[id(r)])]
            if order:
                chosen = sort_by(chosen, order, lambda r: views[id(r)])
        except WhereError as exc:
            raise bad_query(str(exc)) from exc
    pagination: Record | None = None
    if paged:
        if endpoint.sized:
            pagination = {
                "page": page,
                "pageSize": size,
                "pageCount": math.ceil(len(chosen) / size),
                "itemCount": len(chosen),
            }
        chosen = chosen[(page - 1) * size : page * size]
    with_lines = paged or not endpoint.lines_only_when_paged
    summary = query.flag("summaryOnly")
    return [resource.view(book, r, lines=with_lines, summary=summary) for r in chosen], pagination


def list_journals(resource: Journals, book: OrgBook, query: ListQuery) -> list[Record]:
    """GET /Journals: up to 100 journals after ``offset``, created since ``If-Modified-Since``."""
    offset = query.integer("offset", 0)
    changed = _changed_since(resource, query.since)
    cash_only = query.flag("paymentsOnly")

    def keep(record: Record) -> bool:
        if changed is not None and not changed(record):
            return False
        return not cash_only or resource.cash_only(record)

    return [resource.view(book, r) for r in resource.after(book, offset, keep)]
