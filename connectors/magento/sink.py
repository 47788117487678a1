"""Xero items to Magento: each product whose SKU is an item's code gets its price and, where Xero keeps the stock, its qty.

The rules are the shops' (``connectors.base.shop_items``); the REST calls:

* the store's base currency from ``GET /V1/directory/currency``, once per push;
* one ``GET /V1/products?searchCriteria`` per 50 codes (one filter group of
  ``sku eq`` filters, which Magento ORs), each product with its price and
  its ``extension_attributes.stock_item`` (item id, qty, whether Magento
  manages its stock). A configurable or grouped parent is no product of its
  own (its children carry the prices): it is left out, as the reader leaves
  it out;
* ``PUT /V1/products/{sku}`` with ``{"product": {"sku", "price"}}`` for a
  price (Magento's synchronous REST has no batch write, so one call a
  product), and ``PUT /V1/products/{sku}/stockItems/{itemId}`` with
  ``{"stockItem": {"qty", "is_in_stock"}}`` for a count: in stock when there
  is any.

Prices go to the default store view's path (``rest/V1``): Magento's price
scope is global unless a store changed it.
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from connectors.base.errors import ConnectorError
from connectors.base.shop_items import Listing, ProductChange, ShopItemsSink
from connectors.magento.client import MagentoClient
from connectors.magento.criteria import Filter
from connectors.magento.mapping import CONTAINER_TYPES
from datashare.model import Amount

__all__ = ["LOOKUP_CHUNK", "MagentoSink"]

LOOKUP_CHUNK = 50
"""SKUs per product search (the filters of one group, ORed)."""


def _number(value: t.Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass
class MagentoSink(ShopItemsSink):
    """Gives Magento products their Xero item's price and stock (see the module docstring)."""

    client: MagentoClient
    app: t.ClassVar[str] = "magento"
    label: t.ClassVar[str] = "Magento"

    def listings(self, skus: Sequence[str]) -> list[Listing]:
        """The products with these SKUs, with their price and stock item."""
        self.currency = str(self.client.get("directory", "currency").get("base_currency_code") or "")
        found: list[Listing] = []
        for start in range(0, len(skus), LOOKUP_CHUNK):
            group = [Filter("sku", sku, "eq") for sku in skus[start : start + LOOKUP_CHUNK]]
            for product in self.client.search("products", [group]):
                if product.get("type_id") not in CONTAINER_TYPES:
                    found.append(self._listing(product))
        return found

    @staticmethod
    def _listing(product: dict[str, t.Any]) -> Listing:
        sku = str(product.get("sku") or "")
        extension = product.get("extension_attributes") or {}
        stock = extension.get("stock_item") if isinstance(extension, dict) else None
        quantity: Decimal | None = None
        no_stock: str | None = None
        if not isinstance(stock, dict) or stock.get("item_id") is None:
            no_stock = f"Magento has no stock item for {sku}: stock not sent"
        elif stock.get("manage_stock") is False:
            no_stock = f"Magento does not manage the stock of {sku} (Manage Stock is off): stock not sent"
        else:
            quantity = _number(stock.get("qty"))
        handle = {"sku": sku, "stock_item": stock.get("item_id") if isinstance(stock, dict) else None}
        return Listing(str(product["id"]), sku, _number(product.get("price")), quantity, no_stock, handle)

    def write(self, changes: Sequence[ProductChange]) -> dict[str, str]:
        """A price, then a stock item, per product (Magento has no batch write); an error per product that failed."""
        failed: dict[str, str] = {}
        for change in changes:
            sku = str(change.listing.handle["sku"])
            try:
                if change.price is not None:
                    self.client.put("products", sku, body={"product": {"sku": sku, "price": float(change.price)}})
                if change.quantity is not None:
                    stock = {"qty": change.quantity, "is_in_stock": change.quantity > 0}
                    item = str(change.listing.handle["stock_item"])
                    self.client.put("products", sku, "stockItems", item, body={"stockItem": stock})
            except ConnectorError as error:
                failed[change.listing.remote_id] = str(error)
        return failed

    def held_price(self, listing: Listing, price: Decimal) -> dict[str, t.Any]:
        """The price as the product reader maps it: Magento's prices are entered without tax."""
        return Amount.model_validate({"currency": self.currency, "net_amount": price}).model_dump(mode="json")
