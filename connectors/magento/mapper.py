"""The Magento mapping as the map stage calls it: ``(stream, raw record, refs) -> canonical records``."""

from __future__ import annotations

import typing as t
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo

from connectors.base.shop import ShopMapper, ShopSettings, shop_conventions
from connectors.magento.documents import creditmemo_to_canonical, order_to_canonical
from connectors.magento.mapping import customer_to_canonical, product_to_canonical
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["magento_mapper"]


def magento_mapper(settings: ShopSettings, *, timezone: str | tzinfo = UTC) -> ShopMapper:
    """A mapper for one Magento store.

    ``timezone`` is the store's (Magento's ``general/locale/timezone``, e.g.
    ``Australia/Sydney``): Magento stamps everything in UTC, and an order's
    invoice is dated on the store's local date.
    """
    zone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        if stream == "customers":
            return customer_to_canonical(raw, refs)
        if stream == "products":
            return product_to_canonical(raw, refs, settings)
        if stream == "orders":
            return order_to_canonical(raw, refs, settings, zone)
        if stream == "creditmemos":
            return creditmemo_to_canonical(raw, refs, settings, zone)
        raise MappingError(f"Magento {stream}: the connector does not read this list")

    return shop_conventions(map_record)
