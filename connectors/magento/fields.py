"""Reading one raw Magento record field by field, strictly: every error names the record, the field and the value."""

from __future__ import annotations

import typing as t
from datetime import datetime
from decimal import Decimal

from connectors.base.record import JsonRecord, read_decimal, shown
from connectors.magento.paging import parse_magento_time
from datashare.model import validate_record
from datashare.model.base import CanonicalModel
from datashare.model.mapping import MappingError

__all__ = ["Raw"]

M = t.TypeVar("M", bound=CanonicalModel)


class Raw(JsonRecord):
    """One Magento record (or a part of one) as the API gave it."""

    def fail(self, key: str, reason: str) -> MappingError:
        """The mapping error of one field."""
        return MappingError(f"{self.where}: {key} {shown(self.raw.get(key))}: {reason}")

    def text(self, key: str) -> str | None:
        """A text field, stripped; None when missing or empty."""
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, "expected text")
        text = str(value).strip()
        return text or None

    def money(self, key: str, default: Decimal | None = None) -> Decimal | None:
        """A number as a Decimal the hub can keep (``read_decimal``: a float through its shortest text)."""
        value = self.raw.get(key)
        if value is None or value == "":
            return default
        try:
            return read_decimal(value)
        except ValueError as error:
            raise self.fail(key, str(error).removeprefix("is ")) from None

    def zero(self, key: str) -> Decimal:
        """A number, 0 when missing."""
        return self.money(key, Decimal(0)) or Decimal(0)

    def stamp(self, key: str) -> datetime | None:
        """A Magento timestamp (``YYYY-MM-DD HH:MM:SS``, UTC)."""
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        parsed = parse_magento_time(value)
        if parsed is None:
            raise self.fail(key, "not a Magento date and time (YYYY-MM-DD HH:MM:SS)")
        return parsed

    def child(self, key: str) -> Raw | None:
        """A nested object, or None."""
        value = self.raw.get(key)
        return None if value is None else Raw(value, f"{self.where}: {key}")

    def rows(self, key: str) -> list[Raw]:
        """A nested list of objects (empty when missing)."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return [Raw(row, f"{self.where}: {key}[{n}]") for n, row in enumerate(value)]

    def build(self, model: type[M], data: dict[str, t.Any]) -> M:
        """The canonical record, or the model's complaints as the mapping error."""
        built = validate_record(model, data)
        if isinstance(built, str):
            raise MappingError(f"{self.where}: {built}")
        return built
