"""The Neto mapping as the map stage calls it: ``(stream, raw record, refs) -> canonical records``."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from datetime import tzinfo
from decimal import Decimal

from connectors.base.shop import ShopMapper, ShopSettings, shop_conventions
from connectors.neto.mapping import (
    TAX_RATES,
    customer_to_canonical,
    item_to_canonical,
    order_to_canonical,
    rma_to_canonical,
)
from connectors.neto.source import SITE_TZ
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["neto_mapper"]


def neto_mapper(
    settings: ShopSettings, *, tax_rates: Mapping[str, Decimal] = TAX_RATES, site_tz: tzinfo = SITE_TZ
) -> ShopMapper:
    """A mapper for one Neto site: ``settings`` (currency, invoice number prefix), its tax codes' rates, its timezone."""
    rates = dict(tax_rates)

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        if stream == "customers":
            return customer_to_canonical(raw, refs, site_tz)
        if stream == "products":
            return item_to_canonical(raw, refs, settings, site_tz)
        if stream == "orders":
            return order_to_canonical(raw, refs, settings, rates, site_tz)
        if stream == "refunds":
            return rma_to_canonical(raw, refs, settings, rates, site_tz)
        raise MappingError(f"Neto {stream}: the connector does not read this stream")

    return shop_conventions(map_record)
