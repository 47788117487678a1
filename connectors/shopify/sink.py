"""Xero items to Shopify: each variant whose SKU is an item's code gets its price and, where Xero keeps the stock, its count.

The rules are the shops' (``connectors.base.shop_items``); the Admin GraphQL calls:

* one ``productVariants(query: "sku:A OR sku:B ...")`` read per 50 codes,
  with each variant's price, its product, its inventory item (``tracked``)
  and the item's "available" quantity at the shop's primary location
  (``location`` without an id), read once per push;
* ``productVariantsBulkUpdate`` per product for the prices (several
  products' updates aliased in one request), nothing saved for a product
  whose update has an error;
* one ``inventorySetQuantities`` (name "available", reason "correction")
  for the counts, each with the ``compareQuantity`` the read found, so a sale
  in between makes that count fail (``COMPARE_QUANTITY_STALE``) and it is
  set on the next run rather than over the sale. Shopify saves none when one
  is refused: the others are sent again without it. A count refused as stale
  is read once more: when the shop already holds what was to be set (a send
  whose answer was lost wrote it, and the client's resend then found it
  changed), it is done, not failed.

A variant Shopify does not track the stock of, or that is not stocked at the
primary location, gets its price only (the result says why).
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from connectors.base.errors import ConnectorError
from connectors.base.shop_items import Listing, ProductChange, ShopItemsSink
from connectors.shopify.client import ShopifyClient
from datashare.model import Amount

__all__ = ["LOOKUP_CHUNK", "ShopifySink", "sku_search"]

LOOKUP_CHUNK = 50
"""SKUs per lookup query (a page of 100 variants with their stock costs about 500 of the 1000 points)."""
_PAGE = 100
_PRODUCTS_PER_CALL = 20  # each aliased mutation costs 10 points
_QUANTITIES_PER_CALL = 250

_FACTS = "{ shop { currencyCode taxesIncluded } location { id name } }"

_LOOKUP = """
query Listings($first: Int!, $after: String, $query: String!, $location: ID!) {
  productVariants(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id legacyResourceId sku price
      product { id }
      inventoryItem { id tracked inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
    }
  }
}
"""

_SET_QUANTITIES = """
mutation Counts($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) { userErrors { code field message } }
}
"""


def sku_search(skus: Sequence[str]) -> str:
    """A search for variants with any of these SKUs, each quoted by Shopify's rules (data never becomes syntax)."""
    quoted = ('"' + sku.replace("\\", "\\\\").replace('"', '\\"') + '"' for sku in skus)
    return " OR ".join(f"sku:{q}" for q in quoted)


def _prices_document(count: int) -> str:
    """``count`` aliased ``productVariantsBulkUpdate`` calls in one request."""
    variables = ", ".join(f"$p{n}: ID!, $v{n}: [ProductVariantsBulkInput!]!" for n in range(count))
    calls = "\n".join(
        f"  p{n}: productVariantsBulkUpdate(productId: $p{n}, variants: $v{n}) {{ userErrors {{ code field message }} }}"
        for n in range(count)
    )
    return f"mutation Prices({variables}) {{\n{calls}\n}}"


def _messages(errors: t.Any) -> str:
    return "; ".join(str(e.get("message", e)) for e in errors if isinstance(e, dict)) or "refused"


@dataclass
class ShopifySink(ShopItemsSink):
    """Gives Shopify variants their Xero item's price and stock (see the module docstring)."""

    client: ShopifyClient
    app: t.ClassVar[str] = "shopify"
    label: t.ClassVar[str] = "Shopify"
    _taxes_included: bool = field(default=True, init=False)
    _location: str | None = field(default=None, init=False)
    _location_name: str = field(default="", init=False)

    def listings(self, skus: Sequence[str]) -> list[Listing]:
        """The variants with these SKUs, with their price and their stock at the primary location."""
        facts = self.client.graphql(_FACTS)
        shop, where = facts.get("shop") or {}, facts.get("location") or {}
        self.currency = str(shop.get("currencyCode") or "")
        self._taxes_included = bool(shop.get("taxesIncluded", True))
        self._location = where.get("id")
        self._location_name = str(where.get("name") or "primary location")
        return self._read(skus)

    def _read(self, skus: Sequence[str]) -> list[Listing]:
        """The variants with these SKUs (the shop's facts already known)."""
        found: list[Listing] = []
        for start in range(0, len(skus), LOOKUP_CHUNK):
            chunk = skus[start : start + LOOKUP_CHUNK]
            after: str | None = None
            while True:
                variables = {"first": _PAGE, "after": after, "query": sku_search(chunk), "location": self._location}
                connection = self.client.graphql(_LOOKUP, variables)["productVariants"]
                found += [self._listing(node) for node in connection["nodes"]]
                info = connection["pageInfo"]
                if not info["hasNextPage"] or info["endCursor"] in (None, after):
                    break
                after = info["endCursor"]
        wanted = {s.casefold() for s in skus}
        return [listing for listing in found if listing.sku.casefold() in wanted]  # the search may match loosely

    def _listing(self, node: dict[str, t.Any]) -> Listing:
        item = node.get("inventoryItem") or {}
        level = item.get("inventoryLevel")
        sku = str(node.get("sku") or "")
        quantity: Decimal | None = None
        no_stock: str | None = None
        if not item.get("tracked"):
            no_stock = f"Shopify does not track the stock of {sku} (Track quantity is off): stock not sent"
        elif level is None:
            no_stock = f"{sku} is not stocked at Shopify's {self._location_name}: stock not sent"
        else:
            counts = {q["name"]: q["quantity"] for q in level.get("quantities") or []}
            quantity = Decimal(counts["available"]) if counts.get("available") is not None else None
        handle = {"variant": node["id"], "product": (node.get("product") or {}).get("id"), "item": item.get("id")}
        price = node.get("price")
        return Listing(
            str(node["legacyResourceId"]),
            sku,
            Decimal(str(price)) if price is not None else None,
            quantity,
            no_stock,
            handle,
        )

    def write(self, changes: Sequence[ProductChange]) -> dict[str, str]:
        """Prices per product, then the counts in one call; an error per variant (legacy id) that failed."""
        failed = self._prices([c for c in changes if c.price is not None])
        counts = [c for c in changes if c.quantity is not None and c.listing.remote_id not in failed]
        failed.update(self._counts(counts))
        return failed

    def _prices(self, changes: Sequence[ProductChange]) -> dict[str, str]:
        by_product: dict[str, list[ProductChange]] = {}
        for change in changes:
            by_product.setdefault(str(change.listing.handle["product"]), []).append(change)
        products = sorted(by_product)
        failed: dict[str, str] = {}
        for start in range(0, len(products), _PRODUCTS_PER_CALL):
            chunk = products[start : start + _PRODUCTS_PER_CALL]
            variables: dict[str, t.Any] = {}
            for n, product in enumerate(chunk):
                variables[f"p{n}"] = product
                variables[f"v{n}"] = [
                    {"id": c.listing.handle["variant"], "price": str(c.price)} for c in by_product[product]
                ]
            try:
                data = self.client.graphql(_prices_document(len(chunk)), variables)
            except ConnectorError as error:
                failed.update({c.listing.remote_id: str(error) for p in chunk for c in by_product[p]})
                continue
            for n, product in enumerate(chunk):
                errors = (data.get(f"p{n}") or {}).get("userErrors") or []
                if errors:
                    message = f"Shopify refused the price: {_messages(errors)}"
                    failed.update({c.listing.remote_id: message for c in by_product[product]})
        return failed

    def _counts(self, changes: Sequence[ProductChange]) -> dict[str, str]:
        failed: dict[str, str] = {}
        stale: set[str] = set()
        for start in range(0, len(changes), _QUANTITIES_PER_CALL):
            pending = list(changes[start : start + _QUANTITIES_PER_CALL])
            for _ in range(2):  # Shopify saves none when one is refused: send the rest once more
                refused = self._set(pending, stale)
                if not refused:
                    break
                failed.update(refused)
                pending = [c for c in pending if c.listing.remote_id not in refused]
                if not pending:
                    break
        for done in self._holding([c for c in changes if c.listing.remote_id in stale]):
            failed.pop(done, None)
        return failed

    def _holding(self, changes: Sequence[ProductChange]) -> set[str]:
        """Of counts refused as stale, the variants that already hold the count that was to be set."""
        if not changes:
            return set()
        try:
            now = {listing.remote_id: listing.quantity for listing in self._read([c.listing.sku for c in changes])}
        except ConnectorError:
            return set()  # they stay failed, and are set on the next run
        return {c.listing.remote_id for c in changes if now.get(c.listing.remote_id) == c.quantity}

    def _set(self, changes: Sequence[ProductChange], stale: set[str]) -> dict[str, str]:
        """One ``inventorySetQuantities``; the variants it refused (all of them when it names none).

        The variants refused because their count changed since it was read go in ``stale`` too.
        """
        quantities = [
            {
                "inventoryItemId": c.listing.handle["item"],
                "locationId": self._location,
                "quantity": c.quantity,
                "compareQuantity": int(c.listing.quantity) if c.listing.quantity is not None else None,
            }
            for c in changes
        ]
        body = {"name": "available", "reason": "correction", "quantities": quantities}
        try:
            data = self.client.graphql(_SET_QUANTITIES, {"input": body})
        except ConnectorError as error:
            return {c.listing.remote_id: str(error) for c in changes}
        errors = (data.get("inventorySetQuantities") or {}).get("userErrors") or []
        refused: dict[str, str] = {}
        for problem in errors:
            path = problem.get("field") or []
            index = int(path[2]) if len(path) > 2 and str(path[2]).isdigit() else None
            if index is not None and index < len(changes):
                message = f"Shopify refused the stock count: {problem.get('message')}"
                refused[changes[index].listing.remote_id] = message
                if problem.get("code") == "COMPARE_QUANTITY_STALE":
                    stale.add(changes[index].listing.remote_id)
        if errors and not refused:
            return {c.listing.remote_id: f"Shopify refused the stock counts: {_messages(errors)}" for c in changes}
        return refused

    def held_price(self, listing: Listing, price: Decimal) -> dict[str, t.Any]:
        """The price as the product reader maps it: tax included or not, as the shop shows its prices."""
        key = "total_amount" if self._taxes_included else "net_amount"
        return Amount.model_validate({"currency": self.currency, key: price}).model_dump(mode="json")
