"""What every collection has in common: finding records, rendering them, reading write elements.

A ``Resource`` serves one catalogue entry. Subclasses (one module per family)
say how their records look on the wire (``view``), which extra query
parameters they honour (``param_filter``) and how a write element becomes a
record under Xero's rules (``write``). ``Reader`` reads one write element,
collecting every problem as a ValidationErrors message instead of stopping
at the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.xero.catalogue import Endpoint
from sandbox.xero.dates import is_msdate, parse_date, parse_datetime, to_msdate
from sandbox.xero.errors import Invalid, bad_query
from sandbox.xero.money import to_decimal
from sandbox.xero.store import OrgBook
from sandbox.xero.wire import public

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Xero's money columns hold well under 10^15; larger numbers are refused rather than rounded.
MAX_DIGITS = 14
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_guid(value: object) -> bool:
    """Whether a value is a GUID string."""
    return isinstance(value, str) and _GUID.match(value) is not None


def is_email(value: str) -> bool:
    """A loose e-mail check, like Xero's."""
    return _EMAIL.match(value) is not None


@dataclass(frozen=True)
class WriteContext:
    """Who is writing, when, and how the call addressed the record."""

    now: datetime
    client_id: str
    method: str
    path_key: str | None = None
    unitdp: int = 2

    @property
    def today(self) -> date:
        """The date of ``now`` (UTC)."""
        return self.now.date()


class Reader:
    """Reads one write element, collecting problems as Xero validation messages."""

    def __init__(self, element: Mapping[str, Any], label: str = "") -> None:
        self.element = element
        self.label = label
        self.errors: list[str] = []

    def has(self, key: str) -> bool:
        """Whether the element carries ``key`` with a non-null value."""
        return self.element.get(key) is not None

    def fail(self, message: str) -> None:
        """Record a problem."""
        if message not in self.errors:
            self.errors.append(message)

    def check(self) -> None:
        """Raise ``Invalid`` with every problem found so far."""
        if self.errors:
            raise Invalid(*self.errors)

    def text(self, key: str, *, max_len: int | None = None) -> str | None:
        """A string field (numbers are accepted for codes, as Xero does)."""
        value = self.element.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.fail(f"{key} must be text")
            return None
        text = str(value)
        if max_len is not None and len(text) > max_len:
            self.fail(f"{key} must not be more than {max_len} characters long")
        return text

    def number(self, key: str) -> Decimal | None:
        """A numeric field."""
        value = self.element.get(key)
        if value is None:
            return None
        number = to_decimal(value)
        if number is None:
            self.fail(f"{key} must be a number")
        elif number != 0 and number.adjusted() > MAX_DIGITS:
            self.fail(f"{key} is too large")
            return None
        return number

    def flag(self, key: str) -> bool | None:
        """A boolean field."""
        value = self.element.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false"}:
            return value.lower() == "true"
        self.fail(f"{key} must be true or false")
        return None

    def day(self, key: str) -> date | None:
        """A date field: ``YYYY-MM-DD``, an ISO date-time or an MS date."""
        value = self.element.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(f"{key} must be a date (YYYY-MM-DD)")
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.fail(f"{key} '{value}' is not a valid date")
            return None

    def choice(self, key: str, allowed: tuple[str, ...]) -> str | None:
        """An enumerated field, matched case-insensitively and returned in Xero's spelling."""
        value = self.element.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            for option in allowed:
                if option.casefold() == value.casefold():
                    return option
        self.fail(f"{key} '{value}' is not one of {', '.join(allowed)}")
        return None

    def obj(self, key: str) -> Mapping[str, Any] | None:
        """A nested object."""
        value = self.element.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(f"{key} must be an object")
            return None
        return value

    def objs(self, key: str) -> list[Mapping[str, Any]] | None:
        """A list of nested objects."""
        value = self.element.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"{key} must be a list of objects")
            return None
        return value


class Resource:
    """One collection of the Accounting API, over an organisation's records."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    @property
    def name(self) -> str:
        """The collection name (path segment and JSON key)."""
        return self.endpoint.name

    @property
    def id_field(self) -> str:
        """The field holding a record's id."""
        if self.endpoint.id_field is None:
            raise TypeError(f"{self.name} has no records by id")
        return self.endpoint.id_field

    # -- reading ---------------------------------------------------------------------

    def records(self, book: OrgBook) -> list[Record]:
        """Every stored record, in creation order."""
        return list(book.table(self.name).values())

    def find(self, book: OrgBook, key: str) -> Record | None:
        """A record by id or, where the collection has one, by its number or code."""
        found = book.get(self.name, key.lower()) if is_guid(key) else None
        if found is None and self.endpoint.number_field is not None:
            record_id = self.number_lookup(book, key)
            found = book.get(self.name, record_id) if record_id else None
        return found

    def number_lookup(self, book: OrgBook, key: str) -> str | None:
        """The id for a number or code (subclasses with a number index override)."""
        return None

    def visible(self, record: Record, params: Mapping[str, str]) -> bool:
        """Whether a list shows this record (archived and deleted ones hide by default)."""
        return True

    def modified(self, record: Record) -> datetime | None:
        """The timestamp ``If-Modified-Since`` compares with."""
        field = self.endpoint.modified_field
        value = record.get(field) if field else None
        return value if isinstance(value, datetime) else None

    def param_filter(self, book: OrgBook, params: Mapping[str, str], client_id: str) -> Predicate | None:
        """A test for the collection's own query parameters (IDs, Statuses, …)."""
        return None

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """A record as the API shows it (still with Python values; ``wire`` encodes them)."""
        return public(record)

    # -- writing ---------------------------------------------------------------------

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create or update one record from a write element, or raise ``Invalid``."""
        raise Invalid(f"{self.name} cannot be written")

    def delete(self, book: OrgBook, record: Record, ctx: WriteContext) -> Record | None:
        """DELETE /X/{id}: returns the record to show, or None for 204 No Content."""
        raise Invalid(f"{self.name} cannot be deleted")

    def located(self, book: OrgBook, reader: Reader, ctx: WriteContext) -> Record | None:
        """The existing record a write element addresses (by path, then by id), or None for a create.

        Raises ``Invalid`` when an id is given that does not exist, and when a
        PUT (create only) addresses an existing record.
        """
        key = ctx.path_key
        given = reader.element.get(self.id_field)
        if key is not None:
            found = self.find(book, key)
            if found is None:
                raise Invalid("The document with the supplied id was not found for this endpoint.")
            if given is not None and str(given).lower() != str(found[self.id_field]).lower():
                raise Invalid(f"{self.id_field} in the body does not match the one in the URL")
            return found
        if given is None:
            return None
        if not is_guid(given):
            raise Invalid(f"{self.id_field} '{given}' is not a valid identifier")
        found = book.get(self.name, str(given).lower())
        if found is None:
            raise Invalid(f"An existing {self.label()} with the specified {self.id_field} could not be found")
        if ctx.method == "PUT":
            raise Invalid(f"A {self.label()} with this {self.id_field} already exists; use POST to update it")
        return found

    def label(self) -> str:
        """The record kind in messages ("Invoice", "Contact", …)."""
        return self.name[:-1] if self.name.endswith("s") else self.name

    def new_id(self, book: OrgBook) -> str:
        """A fresh record id."""
        return book.new_id()

    def echo(self, element: Mapping[str, Any], messages: list[str]) -> Record:
        """A failed element as Xero shows it back: what was sent (dates in answer form), plus the errors."""
        echoed: Record = {
            k: _answer_dates(k, v) for k, v in element.items() if k not in {"ValidationErrors", "Warnings"}
        }
        echoed["ValidationErrors"] = [{"Message": m} for m in messages]
        echoed["HasErrors"] = True
        echoed["StatusAttributeString"] = "ERROR"
        return echoed


def _answer_dates(key: str, value: Any) -> Any:
    """Dates a client sent as ``YYYY-MM-DD`` or ISO come back as ``/Date(…)/``, as in every answer."""
    if isinstance(value, Mapping):
        return {k: _answer_dates(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_answer_dates(key, v) for v in value]
    if isinstance(value, str) and (key == "Date" or key.endswith(("Date", "DateUTC"))) and not is_msdate(value):
        try:
            return to_msdate(parse_datetime(value))
        except ValueError:
            return value
    return value


def csv_param(value: str | None) -> list[str]:
    """A comma-separated query parameter (``IDs``, ``Statuses``, …), quotes stripped."""
    return [v.strip().strip('"') for v in value.split(",") if v.strip()] if value else []


def date_param(params: Mapping[str, str], name: str) -> date | None:
    """A date query parameter (``DateFrom``, …); anything but a date is a 400."""
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise bad_query(f"{name} must be a date (YYYY-MM-DD), not {raw!r}") from exc


def all_of(tests: list[Predicate]) -> Predicate | None:
    """One test passing when every one of ``tests`` does (None when there are none)."""
    if not tests:
        return None
    return lambda r: all(t(r) for t in tests)
