"""One tenant linking the AU Xero organisation with one shop (Shopify, Magento or Neto), and what tests do in it.

The product spec's e-commerce rule (an order taken in the shop becomes a Xero
invoice) must hold for every shop, so the shop tests take a ``ShopWorld`` and
run once per shop. Orders are placed, edited and refunded through each
sandbox's own state API, as a shop's staff or its customers would.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

from connectors.shopify.streams import GRAPHQL_PATH
from connectors.shopify.streams import STREAMS as SHOPIFY_STREAMS
from datashare.cli.demo import _connect
from datashare.config import load_config
from sandbox.server import Sandbox
from sandbox.shopify import SAMPLE_TOKEN as SHOPIFY_TOKEN
from tasks.sync import SHOP_PREFIXES
from tasks.wiring import token_store

__all__ = ["SHOPS", "ShopWorld", "shop_tenant"]

SHOPS = ("shopify", "magento", "neto")
SKUS = ("SCO-0001", "SCO-0002")  # Xero item codes the sample shops sell too
_LINES = [(SKUS[0], 1), (SKUS[1], 2)]

_APP_LINKS = {
    "shopify": 'secrets = { access_token = "env:DEMO_SHOPIFY_TOKEN" }',
    "magento": 'timezone = "Australia/Sydney"\nsecrets = { access_token = "env:DEMO_MAGENTO_TOKEN" }',
    "neto": 'username = "datashare"\nsecrets = { api_key = "env:DEMO_NETO_KEY" }',
}


def shop_tenant(tmp_path: Path, url: str, shop: str) -> Path:
    """A config with tenant ``shop`` (the AU Xero organisation and the AU shop of that kind), Xero connected."""
    path = tmp_path / "tenants.toml"
    path.write_text(
        f"""[[tenants]]
name = "shop"
xero_organisation = "Southern Cross Outdoor Co"

[tenants.apps.xero]
base_url = "{url}/xero"
client_id = "6F1D3C6A2B8E4B0C9A7D5E3F1B2C4D6E"
secrets = {{ client_secret = "env:DEMO_XERO_CLIENT_SECRET", token_store = "file:{tmp_path}/xero.json" }}

[tenants.apps.{shop}]
base_url = "{url}/{shop}/au"
{_APP_LINKS[shop]}
""",
        encoding="utf-8",
    )
    tenant = load_config(path).tenant("shop")
    _connect(tenant, token_store(tenant, "xero"))
    return path


@dataclass
class ShopWorld:
    """A sandbox, a tenant config linking its AU Xero with one shop, and that shop's orders."""

    shop: str
    sandbox: Sandbox
    config: Path
    url: str
    tenant: str = "shop"

    def invoice_number(self, order_number: str) -> str:
        """The Xero invoice number of a shop order."""
        return SHOP_PREFIXES[self.shop] + order_number.lstrip("#")

    def customer(self) -> str:
        """A seeded customer's id in the shop (the remote id of its organization)."""
        if self.shop == "shopify":
            return str(min(self.sandbox.shopify["au"].customers))
        if self.shop == "magento":
            return str(min(self.sandbox.magento["au"].tables["customers"]))
        return min(self.sandbox.neto["au"].tables["Customer"])

    def order(
        self, *, paid: bool, customer: str | None = None, lines: list[tuple[str, int]] | None = None
    ) -> tuple[str, str]:
        """A new order for ``customer`` (a guest when ""); its (shop id, number as the shop shows it).

        ``lines`` are (SKU, quantity); two lines of the sample SKUs unless given.
        """
        who = self.customer() if customer is None else customer
        lines = lines or _LINES
        if self.shop == "shopify":
            state = self.sandbox.shopify["au"]
            variants = {v.sku: v.id for p in state.products.values() for v in p.variants if v.sku}
            made = state.create_order(
                int(who) if who else None,
                [(variants[sku], n) for sku, n in lines],
                paid=paid,
                email=None if who else "guest@shop.example",
            )
            return str(made.id), made.name
        if self.shop == "magento":
            store = self.sandbox.magento["au"]
            guest = {} if who else {"guest": {"email": "guest@shop.example", "firstname": "Guest", "lastname": "Buyer"}}
            placed = store.place_order(int(who) if who else None, lines, paid=paid, **guest)
            return str(placed["entity_id"]), str(placed["increment_id"])
        site = self.sandbox.neto["au"]
        added = site.add_order(who, lines, paid=paid, email=None if who else "guest@shop.example")
        return str(added["OrderID"]), str(added["OrderID"])

    def edit(self, order_id: str) -> None:
        """Change an unpaid order so its invoice changes: more of the first line (Shopify: cancel it)."""
        if self.shop == "shopify":
            self.sandbox.shopify["au"].cancel_order(int(order_id))
        elif self.shop == "magento":
            self.sandbox.magento["au"].edit_order(int(order_id), lines=[(SKUS[0], 3), (SKUS[1], 2)])
        else:
            self.sandbox.neto["au"].update_order(order_id, lines=[(SKUS[0], 3), (SKUS[1], 2)])

    def pay_part(self, order_id: str, *, first_line_only: bool) -> None:
        """Take a payment on an unpaid order: for its first line's goods, or for all that is still owed.

        Shopify: a manual payment of part of the total, then the rest;
        Magento: an invoice (captured) of the first line, then of the rest;
        Neto: a payment of part of the total, then the rest.
        """
        if self.shop == "shopify":
            state = self.sandbox.shopify["au"]
            order = state.orders[int(order_id)]
            part = (order.total_price / 3).quantize(Decimal("0.01")) if first_line_only else None
            state.record_payment(int(order_id), part)
        elif self.shop == "magento":
            self.sandbox.magento["au"].invoice_order(int(order_id), {SKUS[0]: 1} if first_line_only else None)
        else:
            site = self.sandbox.neto["au"]
            total = Decimal(site.tables["Order"][order_id]["GrandTotal"])
            site.pay_order(order_id, (total / 3).quantize(Decimal("0.01")) if first_line_only else None)

    def refund(self, order_id: str) -> None:
        """Give back one unit of the order's first line, paying it back."""
        if self.shop == "shopify":
            state = self.sandbox.shopify["au"]
            state.refund(int(order_id), [(state.orders[int(order_id)].line_items[0].id, 1)])
        elif self.shop == "magento":
            self.sandbox.magento["au"].refund_order(int(order_id), {SKUS[0]: 1})
        else:
            self.sandbox.neto["au"].add_rma(order_id, [(SKUS[0], 1)])

    def throttle(self) -> bool:
        """Spend the shop's API budget, so the next run meets its throttling; whether it was spent.

        Shopify: orders queries until the cost bucket answers ``THROTTLED``.
        Magento has no rate limit; Neto's (a minute's wait) is met in the
        connector's own tests, where the wait is not real time.
        """
        if self.shop != "shopify":
            return False
        orders = SHOPIFY_STREAMS["orders"]
        for _ in range(50):
            answer = httpx.post(
                f"{self.url}/shopify/au/{GRAPHQL_PATH}",
                json={"query": orders.document, "variables": {"first": orders.page_size}},
                headers={"X-Shopify-Access-Token": SHOPIFY_TOKEN},
                timeout=30,
            ).json()
            if any(e.get("extensions", {}).get("code") == "THROTTLED" for e in answer.get("errors") or []):
                return True
        return False

    def product(self, sku: str) -> tuple[Decimal, int]:
        """The price and the stock count of the shop's product with this SKU (Shopify: at its primary location)."""
        if self.shop == "shopify":
            state = self.sandbox.shopify["au"]
            [variant] = [v for p in state.products.values() for v in p.variants if v.sku == sku]
            return variant.price, variant.levels[state.primary_location.id]
        if self.shop == "magento":
            found = self.sandbox.magento["au"].find_product(sku)
            assert found is not None
            return Decimal(str(found["price"])), int(found["extension_attributes"]["stock_item"]["qty"])
        item = self.sandbox.neto["au"].tables["Item"][sku]
        return Decimal(item["DefaultPrice"]), int(item["WarehouseQuantity"][0]["Quantity"])

    def share(self, **ways: str) -> None:
        """The shop link's ``share`` setting, written into the tenant config (the shop's block is the last)."""
        wanted = ", ".join(f'{entity} = "{way}"' for entity, way in ways.items())
        self.config.write_text(self.config.read_text(encoding="utf-8") + f"share = {{ {wanted} }}\n", encoding="utf-8")

    def refs(self) -> t.Any:
        """The shop's sandbox state (for a test's own checks)."""
        return getattr(self.sandbox, self.shop)["au"]
