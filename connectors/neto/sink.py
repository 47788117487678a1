"""Xero items to Neto: each item whose SKU is a Xero item's code gets its price and, where Xero keeps the stock, its count.

The rules are the shops' (``connectors.base.shop_items``); the Neto calls:

* the site's currency from ``GetCurrencySettings`` (``DEFAULTCURRENCY``), once per push;
* one ``GetItem`` per 100 codes (``Filter.SKU`` takes a list) with each
  item's ``DefaultPrice``, ``TaxInclusive`` and ``WarehouseQuantity`` (one
  row per warehouse: ``WarehouseID``, ``Quantity``);
* ``UpdateItem`` with up to 100 items a call: ``DefaultPrice`` and
  ``WarehouseQuantity {WarehouseID, Quantity, Action: "set"}``. Neto writes
  them one by one and stops at one it refuses, so a refused call is sent
  again item by item, to give each its own answer (a price or count already
  written is written again as it is: "set" is absolute).

The count goes to the item's first warehouse (the lowest ``WarehouseID``).
An item with stock in another warehouse too is left to Neto: Xero keeps one
count, and which warehouse holds what is the shop's to say (the result says
so).
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from connectors.base.errors import ConnectorError
from connectors.base.shop_items import Listing, ProductChange, ShopItemsSink
from connectors.neto.client import NetoClient, records_of
from datashare.model import Amount

__all__ = ["CHUNK", "NetoSink"]

CHUNK = 100
"""SKUs per GetItem, and items per UpdateItem."""

_OUTPUT = ["SKU", "DefaultPrice", "TaxInclusive", "WarehouseQuantity"]


def _number(value: t.Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _warehouse_order(row: dict[str, t.Any]) -> tuple[int, str]:
    text = str(row.get("WarehouseID", ""))
    return (int(text), text) if text.isdigit() else (0, text)


@dataclass
class NetoSink(ShopItemsSink):
    """Gives Neto items their Xero item's price and stock (see the module docstring)."""

    client: NetoClient
    app: t.ClassVar[str] = "neto"
    label: t.ClassVar[str] = "Neto"

    def listings(self, skus: Sequence[str]) -> list[Listing]:
        """The items with these SKUs, with their price, tax setting and warehouse stock."""
        [settings, *_] = records_of(self.client.call("GetCurrencySettings", {}), "CurrencySettings") or [{}]
        self.currency = str(settings.get("DEFAULTCURRENCY") or "")
        found: list[Listing] = []
        for start in range(0, len(skus), CHUNK):
            chunk = list(skus[start : start + CHUNK])
            page = 0
            while True:
                body = {"Filter": {"SKU": chunk, "Page": page, "Limit": CHUNK, "OutputSelector": _OUTPUT}}
                rows = records_of(self.client.call("GetItem", body), "Item")
                found += [self._listing(row) for row in rows]
                if len(rows) < CHUNK:
                    break
                page += 1
        return found

    @staticmethod
    def _listing(row: dict[str, t.Any]) -> Listing:
        sku = str(row.get("SKU") or "")
        given = row.get("WarehouseQuantity")
        warehouses = sorted(
            (w for w in (given if isinstance(given, list) else [given] if given else []) if isinstance(w, dict)),
            key=_warehouse_order,
        )
        quantity: Decimal | None = None
        no_stock: str | None = None
        first = warehouses[0] if warehouses else None
        elsewhere = [w for w in warehouses[1:] if (_number(w.get("Quantity")) or 0) != 0]
        if first is None:
            no_stock = f"Neto keeps {sku} in no warehouse: stock not sent"
        elif elsewhere:
            no_stock = f"Neto holds {sku} in {len(elsewhere) + 1} warehouses; Xero keeps one count: stock not sent"
        else:
            quantity = _number(first.get("Quantity"))
        inclusive = str(row.get("TaxInclusive", "")).strip().lower() in ("true", "1", "yes")
        handle = {"warehouse": first.get("WarehouseID") if first else None, "inclusive": inclusive}
        return Listing(sku, sku, _number(row.get("DefaultPrice")), quantity, no_stock, handle)

    @staticmethod
    def _row(change: ProductChange) -> dict[str, t.Any]:
        row: dict[str, t.Any] = {"SKU": change.listing.sku}
        if change.price is not None:
            row["DefaultPrice"] = str(change.price)
        if change.quantity is not None:
            row["WarehouseQuantity"] = {
                "WarehouseID": str(change.listing.handle["warehouse"]),
                "Quantity": str(change.quantity),
                "Action": "set",
            }
        return row

    def write(self, changes: Sequence[ProductChange]) -> dict[str, str]:
        """``UpdateItem`` in calls of 100; a refused call again item by item. An error per SKU that failed."""
        failed: dict[str, str] = {}
        for start in range(0, len(changes), CHUNK):
            chunk = changes[start : start + CHUNK]
            try:
                self.client.update("UpdateItem", {"Item": [self._row(c) for c in chunk]})
                continue
            except ConnectorError as error:
                if len(chunk) == 1:
                    failed[chunk[0].listing.remote_id] = str(error)
                    continue
            for change in chunk:
                try:
                    self.client.update("UpdateItem", {"Item": [self._row(change)]})
                except ConnectorError as error:
                    failed[change.listing.remote_id] = str(error)
        return failed

    def held_price(self, listing: Listing, price: Decimal) -> dict[str, t.Any]:
        """The price as the item reader maps it: with tax or without, as the item's ``TaxInclusive`` says."""
        key = "total_amount" if listing.handle.get("inclusive") else "net_amount"
        return Amount.model_validate({"currency": self.currency, key: price}).model_dump(mode="json")
