"""The Xero mapping as the map stage calls it: ``(collection, raw record, refs) -> canonical records``."""

from __future__ import annotations

import typing as t

from connectors.xero.mapping import NEEDS_CURRENCY, READERS
from datashare.model.mapping import Mapped, Refs

__all__ = ["xero_mapper"]


def xero_mapper(currency: str) -> t.Callable[[str, dict[str, t.Any], Refs], list[Mapped]]:
    """A mapper for one organisation; ``currency`` is its base currency (Xero leaves it out of many records)."""

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        read = READERS[stream]
        out = read(raw, refs, currency) if stream in NEEDS_CURRENCY else read(raw, refs)
        return out if isinstance(out, list) else [out]

    return map_record
