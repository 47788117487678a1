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
