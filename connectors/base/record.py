"""Reading one app record field by field: the base every connector's pure mapping reads through.

Each connector's reader (Deputy's ``_Record``, Shopify's ``_Node``, Magento's
``Raw``, Neto's ``NetoRecord``) adds the field types its API uses; what they
share is here: a record must be a JSON object, and every error names where
the record is, the field and the value found (cut short, never whole).
"""

from __future__ import annotations

import typing as t

from datashare.model.mapping import MappingError

__all__ = ["JsonRecord", "shown"]


def shown(value: object) -> str:
    """A value as an error message shows it: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


class JsonRecord:
    """One record (or a part of one) as the API gave it; ``where`` names it in errors."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise MappingError(f"{where}: expected a JSON object (got {shown(raw)})")
        self.raw: dict[str, t.Any] = raw
        self.where = where

    def fail(self, key: str, why: str) -> MappingError:
        """The error for one field: where, which field, why, and the value found."""
        value = self.raw.get(key)
        return MappingError(f"{self.where}: {key}: {why}" + ("" if value is None else f" (got {shown(value)})"))

    def integer(self, key: str) -> int | None:
        """A whole number, given as a number or as text; None when missing or empty."""
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.fail(key, "expected a whole number")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise self.fail(key, "expected a whole number")
