"""Xero items to the shops' products: what a Shopify, Magento or Neto product gets, decided once for all three.

The product spec's rule: Xero items, "with stock on hand where the user has
chosen Xero as the inventory app", go to the shops' products where the shop
takes them. How:

* an item reaches the product (a Shopify variant) whose SKU is its code, found
  by SKU in one batched read of the shop. Products are never made from Xero
  items: a shop product needs what Xero does not know (its images, handle,
  options and where it is shown), so an item the shop does not sell is left
  out with the reason ("no product with SKU X in Shopify") and nothing is
  written. Two products with one SKU are left alone too: which one is the
  item cannot be told;
* the product gets the item's sale price when the item is priced in the
  shop's currency (otherwise the price is left, and the result says why).
  Xero's unit price is the price the shop shows, as shop order prices reach
  Xero's lines the other way: no tax is added or taken off. It is rounded to
  the cent, as shops keep prices;
* where Xero keeps the stock (the tenant's ``stock`` setting, by default) and
  Xero tracks the item, the product's count where the shop keeps it (Shopify:
  "available" at the primary location; Magento: the default stock; Neto: the
  item's first warehouse) is set to Xero's quantity on hand. An item Xero
  does not track leaves the shop's count alone, and with ``stock = "app"`` no
  count is ever written (Xero's stock rule is ``stock_to_write``, the same as
  for vTiger). Shops count whole units: a fractional quantity is not sent, and
  the result says so;
* only what differs from what the shop holds is written (its price and count
  come with the lookup), so a product that already agrees costs no write and
  a second run writes nothing;
* an item deleted or archived in Xero leaves the product as it is: taking a
  product off sale is the shop's call.

Pure: no I/O. The shops' sinks (``connectors/<shop>/sink.py``) do the reads
and writes, through ``ShopItemsSink``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from datashare.model import CanonicalModel, Item, ItemType
from datashare.model.mapping import Refs
from datashare.sync.push import PushResult

__all__ = [
    "Listing",
    "ProductChange",
    "ShopItemsSink",
    "by_sku",
    "plan_change",
    "shop_price",
    "stock_to_write",
]

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Listing:
    """A product (a Shopify variant) as the shop holds it now, found by its SKU.

    ``remote_id``: the id the shop's reader knows the product by (so a later
    read links to the same hub item). ``quantity``: its count where the shop
    keeps the stock we set (None: it keeps none there); ``no_stock``: why the
    count cannot be set (None: it can). ``handle``: what the shop's write
    needs besides (product, inventory item and location ids).
    """

    remote_id: str
    sku: str
    price: Decimal | None
    quantity: Decimal | None = None
    no_stock: str | None = None
    handle: Mapping[str, t.Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductChange:
    """What to write to one product: a new price, a new count (None: leave it), and notes for the run."""

    listing: Listing
    price: Decimal | None = None
    quantity: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def writes(self) -> bool:
        """Whether anything is sent."""
        return self.price is not None or self.quantity is not None


def stock_to_write(item: Item, *, xero_keeps_stock: bool) -> Decimal | None:
    """The count to give the product for ``item`` (None: leave the shop's own).

    Where Xero keeps the stock, an item Xero tracks gets Xero's quantity on
    hand; one Xero does not track (or a service) keeps the shop's count. Where
    the shop keeps it, Xero's is never written.
    """
    if not xero_keeps_stock or not item.is_inventoried or item.type == ItemType.SERVICE:
        return None
    return item.quantity_on_hand


def shop_price(item: Item) -> Decimal | None:
    """The item's sale price as a shop keeps it (to the cent), None when it has none."""
    price = item.sale_price
    if price is None:
        return None
    value = price.net_amount if price.net_amount is not None else price.total_amount
    return value.quantize(_CENT, rounding=ROUND_HALF_UP) if value is not None else None


def by_sku(listings: Sequence[Listing]) -> dict[str, list[Listing]]:
    """Listings by SKU, compared as shops compare them (case does not matter)."""
    found: dict[str, list[Listing]] = {}
    for listing in listings:
        found.setdefault(listing.sku.casefold(), []).append(listing)
    return found


def plan_change(
    item: Item, found: Sequence[Listing], *, shop: str, currency: str, xero_keeps_stock: bool
) -> ProductChange | str:
    """What the shop's product for ``item`` gets, or why the item is not taken (a reason, nothing written).

    ``found``: the shop's products with the item's code as SKU; ``shop``: its
    name for the reasons; ``currency``: the currency the shop sells in.
    """
    if item.deleted_at is not None:
        return f"item {item.code} was deleted or archived in Xero: the {shop} product is left as it is"
    if not found:
        return f"no product with SKU {item.code} in {shop}: products are not made from Xero items"
    if len(found) > 1:
        return f"{len(found)} products with SKU {item.code} in {shop}: which one is the Xero item cannot be told"
    listing = found[0]
    notes: list[str] = []
    price = shop_price(item)
    if price is not None and item.sale_price is not None and item.sale_price.currency != currency.upper():
        notes.append(f"price in {item.sale_price.currency}, {shop} sells in {currency.upper()}: price not sent")
        price = None
    if price is not None and listing.price is not None and listing.price == price:
        price = None
    count = stock_to_write(item, xero_keeps_stock=xero_keeps_stock)
    quantity: int | None = None
    if count is not None:
        if count != count.to_integral_value():
            notes.append(f"Xero has {count} of {item.code} on hand; {shop} counts whole units: stock not sent")
        elif listing.no_stock is not None:
            notes.append(listing.no_stock)
        elif listing.quantity is None or listing.quantity != count:
            quantity = int(count)
    return ProductChange(listing, price, quantity, tuple(notes))


@dataclass(kw_only=True)
class ShopItemsSink:
    """What the three shops' item sinks share: the batched lookup, the plan per item, the results.

    A shop's sink names its app (``app``, ``label``), says how to find its
    products by SKU (``listings``, which also learns the shop's ``currency``),
    how to write the changes (``write``: an error per listing that failed),
    and how its reader spells a price it holds (``held_price``), so what is
    recorded as the shop's copy is what the next read maps (the base of the
    next merge: reading back what was written is no change).
    """

    app: t.ClassVar[str]
    label: t.ClassVar[str]
    xero_keeps_stock: bool = True
    hub: SnapshotView | None = None
    currency: str = field(default="", init=False)

    def listings(self, skus: Sequence[str]) -> list[Listing]:
        """The shop's products with these SKUs, in as few reads as the shop allows."""
        raise NotImplementedError

    def write(self, changes: Sequence[ProductChange]) -> dict[str, str]:
        """Write the changes in as few calls as the shop allows; an error per listing (by remote id) that failed."""
        raise NotImplementedError

    def held_price(self, listing: Listing, price: Decimal) -> dict[str, t.Any]:
        """A price the product now holds, as the shop's reader maps it (the canonical ``sale_price``)."""
        raise NotImplementedError

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Give each item's product its price and stock; results in the records' order."""
        if entity != "items":
            raise ValueError(f"{self.label} takes items only, not {entity}")
        items = [t.cast(Item, r) for r in records]
        wanted = sorted({i.code for i in items if i.deleted_at is None}, key=str.casefold)
        found = by_sku(self.listings(wanted)) if wanted else {}
        held = self.hub.snapshots("items", self.app, [i.id for i in items if i.id]) if self.hub else {}
        planned: list[ProductChange | str] = [
            plan_change(
                i,
                found.get(i.code.casefold(), []),
                shop=self.label,
                currency=self.currency,
                xero_keeps_stock=self.xero_keeps_stock,
            )
            for i in items
        ]
        changes = [p for p in planned if isinstance(p, ProductChange) and p.writes]
        failed = self.write(changes) if changes else {}
        results = []
        for item, plan in zip(items, planned, strict=True):
            assert item.id is not None
            remote = refs.remote_id("items", item.id)
            if isinstance(plan, str):
                results.append(PushResult(item.id, False, remote, skipped=True, error=plan))
                continue
            note = "; ".join(plan.notes) or None
            listing = plan.listing
            if listing.remote_id in failed:
                results.append(PushResult(item.id, False, remote or listing.remote_id, error=failed[listing.remote_id]))
            elif not plan.writes:
                results.append(
                    PushResult(item.id, True, listing.remote_id, snapshot=held.get(item.id), unchanged=True, error=note)
                )
            else:
                snapshot = self._as_held(held.get(item.id), listing, plan)
                results.append(PushResult(item.id, True, listing.remote_id, snapshot=snapshot, error=note))
        return results

    def _as_held(
        self, before: dict[str, t.Any] | None, listing: Listing, plan: ProductChange
    ) -> dict[str, t.Any] | None:
        """The shop's copy after the write: what it held, with the new price as its reader spells it."""
        if before is None:
            return None  # the shop's products are not read into the hub: there is no copy to keep
        if plan.price is None:
            return before
        return {**before, "sale_price": self.held_price(listing, plan.price)}


class SnapshotView(t.Protocol):
    """Each record as an app last held it, in canonical form."""

    def snapshots(self, entity: str, app: str, ids: Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        """Snapshots by hub id."""
        ...
