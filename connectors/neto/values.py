"""Reading Neto's string values strictly: every error names the record, the field and the value.

Neto writes every scalar as text: money ``"7.00"``, flags ``"True"``/``"False"``,
dates ``"2026-11-02 09:00:00"`` in the site's local time (no offset). A value
that is not what its field holds is a ``MappingError``, never a guess.
"""

from __future__ import annotations

import typing as t
from datetime import date, datetime, tzinfo
from decimal import Decimal

from connectors.base.record import JsonRecord, read_decimal
from datashare.model import validate_record
from datashare.model.base import CanonicalModel
from datashare.model.mapping import MappingError

__all__ = ["NetoRecord"]

M = t.TypeVar("M", bound=CanonicalModel)

_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class NetoRecord(JsonRecord):
    """One Neto record (or a line of one), read field by field."""

    def text(self, key: str) -> str | None:
        """A text field, stripped; None when absent or empty."""
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, "expected text")
        return value.strip() or None

    def required(self, key: str, why: str = "missing") -> str:
        """A text field that must be there."""
        value = self.text(key)
        if value is None:
            raise self.fail(key, why)
        return value

    def money(self, key: str, *, default: Decimal | None = None) -> Decimal:
        """An amount (``"7.00"``) the hub can keep (``read_decimal``); absent or empty is ``default`` when one is given."""
        value = self.text(key)
        if value is None:
            if default is not None:
                return default
            raise self.fail(key, "missing")
        try:
            return read_decimal(value)
        except ValueError as error:
            raise self.fail(key, str(error).removeprefix("is ")) from None

    def flag(self, key: str, *, default: bool | None = None) -> bool:
        """``"True"``/``"False"`` (Neto's spelling; 1/0 and any case accepted)."""
        value = self.text(key)
        if value is None:
            if default is not None:
                return default
            raise self.fail(key, "missing")
        folded = value.lower()
        if folded in ("true", "1", "yes"):
            return True
        if folded in ("false", "0", "no"):
            return False
        raise self.fail(key, "expected True or False")

    def moment(self, key: str, tz: tzinfo) -> datetime | None:
        """A Neto date and time in the site's timezone; None when empty."""
        value = self.text(key)
        if value is None:
            return None
        try:
            return datetime.strptime(value, _DATE_FORMAT).replace(tzinfo=tz)
        except ValueError:
            raise self.fail(key, "not a date 'YYYY-MM-DD HH:MM:SS'") from None

    def day(self, key: str, tz: tzinfo) -> date | None:
        """The site-local date of a Neto date and time."""
        found = self.moment(key, tz)
        return found.date() if found else None

    def rows(self, key: str) -> list[NetoRecord]:
        """A list of sub-records (``OrderLine``...), which Neto may send as one object for one."""
        value = self.raw.get(key)
        if value in (None, ""):
            return []
        items = value if isinstance(value, list) else [value]
        return [NetoRecord(item, f"{self.where}: {key} {n}") for n, item in enumerate(items, start=1)]

    def build(self, model: type[M], data: t.Mapping[str, t.Any]) -> M:
        """The canonical record, or the model's complaints as the mapping error."""
        built = validate_record(model, data)
        if isinstance(built, str):
            raise MappingError(f"{self.where}: {built}")
        return built
