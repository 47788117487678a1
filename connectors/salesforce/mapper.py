"""The Salesforce mapping as the map stage calls it: ``(stream, raw record, refs) -> canonical records``."""

from __future__ import annotations

import typing as t

from connectors.salesforce.mapping import READERS
from connectors.salesforce.streams import STAND_IN_CODE
from datashare.model.mapping import Mapped, Refs

__all__ = ["salesforce_mapper"]


def salesforce_mapper(currency: str | None = None) -> t.Callable[[str, dict[str, t.Any], Refs], list[Mapped]]:
    """A mapper for one org; ``currency`` is the org's currency (single-currency orgs send no CurrencyIsoCode).

    The stand-in product order lines naming no item go on is the connector's own: it maps to nothing.
    """

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        if stream == "Product2" and raw.get("ProductCode") == STAND_IN_CODE:
            return []
        return [READERS[stream](raw, refs, currency)]

    return map_record
