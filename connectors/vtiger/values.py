"""vTiger values read and written: every value a string, in vTiger's formats.

vTiger answers every field as a string (``"12.50000000"``, ``"2.000"``, ``"1"``,
``"2025-03-01"``, ``"2025-03-01 14:05:00"``) and takes strings back. Reading
is strict: a value that is not what its field holds raises ``MappingError``
with the module, record, field and value, so the record becomes a reject with
a reason rather than a wrong number in the hub.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

import pycountry

from connectors.base.mapping import MappingError
from connectors.base.record import read_decimal

__all__ = ["Fields", "country_name", "plain_decimal", "to_text"]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_ZERO_DATES = {"0000-00-00", "0000-00-00 00:00:00"}
# Names people type for countries that pycountry does not know by that name.
_COUNTRY_ALIASES = {"uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB"}
_SHOWN = 60


def plain_decimal(number: Decimal) -> Decimal:
    """``number`` without trailing zeros (``12.50000000`` -> ``12.5``), never in exponent form."""
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def to_text(value: object) -> str:
    """A value as vTiger wants it: ``""`` for none, ``"1"``/``"0"`` for flags, plain decimals, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(plain_decimal(value), "f")
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def country_name(code: str | None) -> str | None:
    """The English name vTiger users type for an ISO alpha-2 code (``AU`` -> ``Australia``)."""
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


class Fields:
    """One record's values, read strictly; every error names the module, the record and the field.

    ``prefix`` names a nested part in errors (``LineItems[2].quantity``).
    """

    def __init__(self, module: str, record: Mapping[str, t.Any], *, record_id: str | None = None, prefix: str = ""):
        self.module = module
        self.record = record
        self.prefix = prefix
        if record_id is None:
            raw = record.get("id")
            if raw in (None, ""):
                raise MappingError(f"vTiger {module} record without an id")
            record_id = str(raw)
            if "x" not in record_id:
                raise MappingError(f"vTiger {module} record with an id that is not <prefix>x<n>: {_shown(raw)}")
        self.id = record_id

    def nested(self, record: Mapping[str, t.Any], prefix: str) -> Fields:
        """A part of this record (a line item), whose errors still name the record."""
        return Fields(self.module, record, record_id=self.id, prefix=f"{self.prefix}{prefix}.")

    def fail(self, name: str, problem: str) -> MappingError:
        """A ``MappingError`` about one field, with its value."""
        value = self.record.get(name)
        return MappingError(f"vTiger {self.module} {self.id}: {self.prefix}{name} {problem} (got {_shown(value)})")

    def text(self, name: str) -> str | None:
        """The value trimmed; None when empty."""
        value = self.record.get(name)
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def number(self, name: str) -> Decimal | None:
        """A decimal (``"12.50000000"``) as the hub keeps it (``read_decimal``); None when empty."""
        text = self.text(name)
        if text is None:
            return None
        try:
            return plain_decimal(read_decimal(text))
        except ValueError as error:
            raise self.fail(name, str(error)) from None

    def integer(self, name: str) -> int | None:
        """A whole number; None when empty."""
        number = self.number(name)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise self.fail(name, "is not a whole number")
        return int(number)

    def flag(self, name: str) -> bool | None:
        """A checkbox (``"1"``/``"0"``); None when empty."""
        text = self.text(name)
        if text is None:
            return None
        if text.lower() in {"1", "true", "yes", "on"}:
            return True
        if text.lower() in {"0", "false", "no", "off"}:
            return False
        raise self.fail(name, "is not a checkbox value")

    def date(self, name: str) -> date | None:
        """A calendar date (``YYYY-MM-DD``); None when empty or MySQL's zero date."""
        text = self.text(name)
        if text is None or text in _ZERO_DATES:
            return None
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.strptime(text, TIME_FORMAT).date()
        except ValueError:
            raise self.fail(name, "is not a date (YYYY-MM-DD)") from None

    def timestamp(self, name: str, tz: tzinfo = UTC) -> datetime | None:
        """A ``YYYY-MM-DD HH:MM:SS`` in the CRM user's time zone ``tz``, as an aware UTC datetime."""
        text = self.text(name)
        if text is None or text in _ZERO_DATES:
            return None
        try:
            local = datetime.strptime(text, TIME_FORMAT)
        except ValueError:
            raise self.fail(name, "is not a time (YYYY-MM-DD HH:MM:SS)") from None
        return local.replace(tzinfo=tz).astimezone(UTC)

    def ref(self, name: str) -> str | None:
        """A reference's webservice id; None when empty.

        vTiger answers a reference whose target was deleted as the bare crmid
        (no ``x``): the record it named is gone, so there is nothing to link.
        """
        text = self.text(name)
        if text is None or "x" not in text:
            return None
        return text

    def country(self, name: str) -> str | None:
        """A country typed as text (``Australia``, ``AU``, ``AUS``) as its ISO alpha-2 code."""
        text = self.text(name)
        if text is None:
            return None
        alias = _COUNTRY_ALIASES.get(text.casefold())
        if alias:
            return alias
        try:
            return str(pycountry.countries.lookup(text).alpha_2)
        except LookupError:
            raise self.fail(name, "is not a country name or code") from None
