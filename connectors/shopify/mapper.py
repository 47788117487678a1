"""The Shopify mapping as the map stage calls it: ``(stream, raw record, refs) -> canonical records``."""

from __future__ import annotations

import typing as t
from datetime import UTC, tzinfo

from connectors.base.shop import ShopMapper, ShopSettings, shop_conventions
from connectors.shopify.mapping import customer_to_canonical, order_to_canonical, product_to_canonical
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["shopify_mapper"]


def shopify_mapper(settings: ShopSettings, *, taxes_included: bool = True, zone: tzinfo = UTC) -> ShopMapper:
    """A mapper for one shop.

    ``taxes_included``: whether the shop's prices include tax (``shop {
    taxesIncluded }``; Australian shops' usually do), for item prices; orders
    say it themselves. ``zone``: the shop's timezone (``shop { ianaTimezone
    }``), which dates invoices, payments and credit notes as the shop does.
    """

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        if stream == "customers":
            return customer_to_canonical(raw, refs)
        if stream == "products":
            return product_to_canonical(raw, refs, settings, taxes_included=taxes_included)
        if stream == "orders":
            return order_to_canonical(raw, refs, settings, zone=zone)
        raise MappingError(f"Shopify {stream}: the connector does not read this stream")

    return shop_conventions(map_record)
