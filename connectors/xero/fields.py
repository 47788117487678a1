"""Reading Xero records field by field, for the Accounting and Payroll mappings.

Every error names the field's path and the value it found, so a reject reads
``TimesheetLines[0].NumberOfUnits: ... (got [4, 4])``. Dates go through
``connectors.xero.dates`` (MS JSON dates, or ISO), numbers are read into
``Decimal`` (floats through their shortest text, so 7.6 stays 7.6).
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

import pycountry
from pydantic import ValidationError

from connectors.base.mapping import MappingError
from connectors.base.record import read_decimal, shown
from connectors.xero.dates import parse_date, parse_datetime
from datashare.model import CanonicalModel, describe_errors

__all__ = ["Fields", "build", "shown"]

M = t.TypeVar("M", bound=CanonicalModel)
E = t.TypeVar("E")


class Fields:
    """One Xero object, read field by field; every error names the field's path and the value."""

    def __init__(self, raw: object, path: str = "") -> None:
        if not isinstance(raw, Mapping):
            raise MappingError(f"{path or 'record'}: expected a JSON object (got {shown(raw)})")
        self.raw: Mapping[str, t.Any] = raw
        self.path = path

    def where(self, key: str) -> str:
        """The path of ``key`` inside the record, as errors name it."""
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, why: str) -> MappingError:
        """An error about ``key``, showing its value."""
        return MappingError(f"{self.where(key)}: {why} (got {shown(self.raw.get(key))})")

    def has(self, key: str) -> bool:
        """Whether ``key`` holds a value (not missing, null or empty text)."""
        return self.raw.get(key) not in (None, "")

    def text(self, key: str) -> str | None:
        """Trimmed text, None when missing or empty."""
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(key, "expected text")
        return str(value).strip() or None

    def required(self, key: str) -> str:
        """Text that must be there (ids, mostly)."""
        value = self.text(key)
        if value is None:
            raise MappingError(f"{self.where(key)}: missing")
        return value

    def number(self, key: str) -> Decimal | None:
        """A number the hub can keep (``read_decimal``), None when missing; anything else is an error."""
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        try:
            return read_decimal(value)
        except ValueError as error:
            raise self.fail(key, str(error).removeprefix("is ")) from None

    def integer(self, key: str) -> int | None:
        """A whole number, None when missing."""
        number = self.number(key)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise self.fail(key, "not a whole number")
        return int(number)

    def numbers(self, key: str) -> list[Decimal]:
        """A list of numbers (a timesheet line's units per day); an empty list when missing."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "expected a list of numbers")
        found = []
        for n, item in enumerate(value):
            try:
                found.append(read_decimal(item))
            except ValueError as error:
                raise MappingError(
                    f"{self.where(key)}[{n}]: {str(error).removeprefix('is ')} (got {shown(item)})"
                ) from None
        return found

    def flag(self, key: str) -> bool | None:
        """True or false (also as text, as some spec examples write it); None when missing."""
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        raise self.fail(key, "expected true or false")

    def day(self, key: str) -> date | None:
        """A calendar date (``/Date(ms+hhmm)/`` or ISO); None when missing."""
        return parse_date(self.raw.get(key), field=self.where(key))

    def required_day(self, key: str) -> date:
        """A calendar date that must be there."""
        found = self.day(key)
        if found is None:
            raise MappingError(f"{self.where(key)}: missing")
        return found

    def stamp(self, key: str) -> datetime | None:
        """A timestamp as aware UTC; None when missing."""
        return parse_datetime(self.raw.get(key), field=self.where(key))

    def choice(self, key: str, table: Mapping[str, E]) -> E | None:
        """A value looked up in ``table``; an unknown one is an error listing the known ones."""
        value = self.text(key)
        if value is None:
            return None
        if value not in table:
            raise self.fail(key, f"unknown value, expected one of {', '.join(table)}")
        return table[value]

    def required_choice(self, key: str, table: Mapping[str, E]) -> E:
        """A value of ``table`` that must be there."""
        found = self.choice(key, table)
        if found is None:
            raise MappingError(f"{self.where(key)}: missing (expected one of {', '.join(table)})")
        return found

    def obj(self, key: str) -> Fields | None:
        """A nested object; None when missing."""
        value = self.raw.get(key)
        return None if value is None else Fields(value, self.where(key))

    def objs(self, key: str) -> list[Fields]:
        """A list of nested objects; empty when missing."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return [Fields(item, f"{self.where(key)}[{n}]") for n, item in enumerate(value)]

    def country(self, key: str) -> str | None:
        """A country as its ISO alpha-2 code; Xero writes names ("AUSTRALIA") or codes."""
        name = self.text(key)
        if name is None:
            return None
        try:
            return str(pycountry.countries.lookup(name).alpha_2)
        except LookupError:
            raise self.fail(key, "unknown country: expected a country name or ISO code") from None


def build(model: type[M], data: Mapping[str, t.Any], where: str = "") -> M:
    """Validate through the canonical model; its complaints become the mapping error's reason."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        reason = describe_errors(error, model.entity)
        raise MappingError(f"{where}: {reason}" if where else reason) from None
