"""What every payroll collection has in common: its records, their views, listing, and reading write elements.

A ``Kind`` serves one catalogue ``Collection``: ``records`` and ``view`` for
reading, ``write`` for one element of a POST (raising ``Invalid`` with
Xero's ValidationErrors messages). ``listing`` applies what a GET on the
collection asks for, in Xero's order: If-Modified-Since (UpdatedDateUTC, to
the second), ``where``, ``order``, then ``page`` (100 a page, no page count:
a short page is the last). Fields of a write element are declared as data
(``FieldSpec``) and read with the accounting emulator's ``Reader``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.xero.dates import to_second
from sandbox.xero.errors import Invalid, bad_query
from sandbox.xero.payroll.catalogue import PAGE_SIZE, Collection, Country
from sandbox.xero.payroll.state import PayrollState
from sandbox.xero.resource import Reader
from sandbox.xero.store import OrgBook
from sandbox.xero.where import WhereError, parse_order, parse_where, sort_by
from sandbox.xero.wire import public

Record = dict[str, Any]

TEXT, FLAG, NUMBER, DAY = "text", "flag", "number", "day"
# A field's kind: TEXT, FLAG, NUMBER, DAY, or the values a choice allows.
FieldSpec = Mapping[str, str | tuple[str, ...]]


@dataclass(frozen=True)
class Ctx:
    """One call on one organisation's payroll: who it is for, in which country, and when."""

    book: OrgBook
    country: Country
    now: datetime

    @property
    def payroll(self) -> PayrollState:
        """The organisation's payroll tables."""
        return self.book.payroll

    @property
    def today(self) -> date:
        """The date of ``now`` (UTC)."""
        return self.now.date()

    def get(self, table: str, record_id: object) -> Record | None:
        """A record by id, or None (also when the id is not a string)."""
        return self.payroll.get(table, record_id) if isinstance(record_id, str) else None


@dataclass(frozen=True)
class ListQuery:
    """What a GET on a collection asked for."""

    params: Mapping[str, str]
    since: datetime | None


def read_fields(reader: Reader, fields: FieldSpec) -> Record:
    """The declared fields an element carries, converted; a null clears a field (it maps to None)."""
    found: Record = {}
    for name, kind in fields.items():
        if name not in reader.element:
            continue
        value: Any
        if reader.element[name] is None:
            value = None
        elif isinstance(kind, tuple):
            value = reader.choice(name, kind)
        elif kind == FLAG:
            value = reader.flag(name)
        elif kind == NUMBER:
            value = reader.number(name)
        elif kind == DAY:
            value = reader.day(name)
        else:
            value = reader.text(name)
        if value is not None or reader.element[name] is None:
            found[name] = value
    return found


def merged(old: Record | None, changes: Record) -> Record:
    """A new record: ``old`` with ``changes`` laid over it, cleared (None) fields dropped."""
    return {k: v for k, v in {**(old or {}), **changes}.items() if v is not None}


def require(reader: Reader, record: Record, *names: str) -> None:
    """Fail for every name the record (after the update) still lacks."""
    for name in names:
        if record.get(name) in (None, ""):
            reader.fail(f"{name} is required")


def total(values: list[Decimal]) -> Decimal:
    """A sum that starts from Decimal zero."""
    return sum(values, Decimal(0))


class Kind:
    """One collection of a country's payroll API."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    @property
    def id_field(self) -> str:
        """The field holding a record's id."""
        if self.collection.id_field is None:
            raise TypeError(f"{self.collection.name} has no records by id")
        return self.collection.id_field

    def records(self, ctx: Ctx) -> list[Record]:
        """Every stored record, in creation order."""
        return list(ctx.payroll.table(self.collection.stored_in).values())

    def find(self, ctx: Ctx, key: str) -> Record | None:
        """A record by id."""
        return ctx.get(self.collection.stored_in, key)

    def view(self, ctx: Ctx, record: Record, *, single: bool = False) -> Record:
        """A record as the API shows it (``single``: a by-id answer, which may show more)."""
        return public(record)

    def empty(self, ctx: Ctx) -> object:
        """What a GET answers while payroll is not set up."""
        return []

    def listing(self, ctx: Ctx, query: ListQuery) -> object:
        """The answer of a GET on the collection."""
        chosen = self.records(ctx)
        if query.since is not None:
            bound = to_second(query.since)
            chosen = [r for r in chosen if to_second(r["UpdatedDateUTC"]) >= bound]
        views = [self.view(ctx, r) for r in chosen]
        views = _where_and_order(views, query.params, self.collection)
        if "page" in query.params:
            page = max(1, _integer(query.params["page"], "page"))
            views = views[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return views

    def write(self, ctx: Ctx, element: Record, key: str | None) -> Record:
        """Create or update one record from a write element; returns the stored record."""
        raise Invalid(f"{self.collection.name} cannot be written")


def _integer(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise bad_query(f"{name} must be a whole number, not {raw!r}") from exc


def _where_and_order(views: list[Record], params: Mapping[str, str], collection: Collection) -> list[Record]:
    where, order = params.get("where"), params.get("order")
    if not where and not order:
        return views
    # Any top-level field of the collection may be named (the records say which there are).
    fields = {collection.id_field or "", "UpdatedDateUTC"}.union(*(v.keys() for v in views)) - {""}
    try:
        if where:
            test = parse_where(where, fields)
            views = [v for v in views if test(v)]
        if order:
            views = sort_by(views, parse_order(order, fields), lambda v: v)
    except WhereError as exc:
        raise bad_query(str(exc)) from exc
    return views
