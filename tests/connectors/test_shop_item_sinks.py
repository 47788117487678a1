"""Xero items to each shop's products over loopback: the Shopify, Magento and Neto sinks against their sandboxes.

For every shop: a tracked item's price and count reach its product, an item
Xero does not track leaves the shop's count, ``stock = "app"`` writes the
price only, an item no product sells is not taken (with the reason, nothing
written), a price in another currency is left, and a second push writes
nothing.
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.base.shop_items import ShopItemsSink
from connectors.magento import MagentoClient
from connectors.magento.sink import MagentoSink
from connectors.neto import NetoClient
from connectors.neto.sink import NetoSink
from connectors.shopify import ShopifyClient
from connectors.shopify.sink import ShopifySink
from datashare.model import Amount, Item
from datashare.model.mapping import DictRefs
from sandbox import magento, neto, shopify
from sandbox.common.clock import FakeClock
from sandbox.common.serve import serve_in_thread

pytestmark = pytest.mark.e2e

T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
SHOPS = ("shopify", "magento", "neto")


@dataclass
class Shop:
    """One shop's sandbox, its sink over loopback, and what a test reads of the shop."""

    name: str
    sink: ShopItemsSink
    skus: list[str]
    price: Callable[[str], Decimal]
    count: Callable[[str], int]
    remote: Callable[[str], str]
    is_write: Callable[[httpx.Request], bool]
    sent: list[httpx.Request] = field(default_factory=list)

    def writes(self) -> int:
        """Write requests sent so far."""
        return sum(1 for r in self.sent if self.is_write(r))


class _Snapshots:
    """The hub's snapshots of what the shop last held (none: the products were never read)."""

    def snapshots(self, entity: str, app: str, ids: t.Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        return {}


def _shopify(base: str, http: httpx.Client, state: shopify.ShopifyState) -> tuple[ShopifySink, dict[str, t.Any]]:
    variants = {v.sku: v for p in state.products.values() for v in p.variants if v.sku}
    client = ShopifyClient(f"{base}/shopify", shopify.SAMPLE_TOKEN, http=http)
    reads = {
        "price": lambda sku: variants[sku].price,
        "count": lambda sku: variants[sku].levels[state.primary_location.id],
        "remote": lambda sku: str(variants[sku].id),
        "is_write": lambda r: json.loads(r.content)["query"].lstrip().startswith("mutation"),
    }
    return ShopifySink(client, hub=_Snapshots()), reads


def _magento(base: str, http: httpx.Client, state: magento.MagentoState) -> tuple[MagentoSink, dict[str, t.Any]]:
    def product(sku: str) -> dict[str, t.Any]:
        found = state.find_product(sku)
        assert found is not None
        return found

    client = MagentoClient(f"{base}/magento", token=magento.SAMPLE_TOKEN, http=http)
    reads = {
        "price": lambda sku: Decimal(product(sku)["price"]),
        "count": lambda sku: int(product(sku)["extension_attributes"]["stock_item"]["qty"]),
        "remote": lambda sku: str(product(sku)["id"]),
        "is_write": lambda r: r.method == "PUT",
    }
    return MagentoSink(client, hub=_Snapshots()), reads


def _neto(base: str, http: httpx.Client, state: neto.NetoState) -> tuple[NetoSink, dict[str, t.Any]]:
    items = state.tables["Item"]
    client = NetoClient(f"{base}/neto", neto.SAMPLE_KEY, neto.SAMPLE_USERNAME, http=http)
    reads = {
        "price": lambda sku: Decimal(items[sku]["DefaultPrice"]),
        "count": lambda sku: int(items[sku]["WarehouseQuantity"][0]["Quantity"]),
        "remote": lambda sku: sku,
        "is_write": lambda r: r.headers.get("netoapi_action", "").startswith("Update"),
    }
    return NetoSink(client, hub=_Snapshots()), reads


@pytest.fixture(params=SHOPS)
def shop(request: pytest.FixtureRequest) -> Iterator[Shop]:
    """A seeded sandbox of one shop on a loopback port, and its items sink."""
    clock = FakeClock(T0)
    name = str(request.param)
    state: t.Any
    if name == "shopify":
        state = shopify.ShopifyState(clock=clock)
        skus = shopify.seed_sample(state).shared_skus
        app = shopify.create_app(state)
    elif name == "magento":
        state = magento.MagentoState(clock=clock)
        magento.seed_sample(state)
        skus = [p["sku"] for p in state.tables["products"].values() if p["sku"].startswith("SCO-")]
        app = magento.create_app(state)
    else:
        state = neto.NetoState(clock=clock)
        neto.seed_sample(state)
        skus = [sku for sku in state.tables["Item"] if sku.startswith("SCO-")]
        app = neto.create_app(state)
    sent: list[httpx.Request] = []
    with serve_in_thread(Starlette(routes=[Mount(f"/{name}", app=app)])) as base:
        http = httpx.Client(timeout=30, event_hooks={"request": [sent.append]})
        sink, reads = {"shopify": _shopify, "magento": _magento, "neto": _neto}[name](base, http, state)
        with http:
            yield Shop(name, sink, sorted(skus), sent=sent, **reads)


def _item(sku: str, price: str, *, tracked: bool = True, on_hand: int = 0, currency: str = "AUD") -> Item:
    return Item(
        id=uuid4(),
        code=sku,
        sale_price=Amount(currency=currency, net_amount=Decimal(price)),
        is_inventoried=tracked,
        quantity_on_hand=Decimal(on_hand) if tracked else None,
    )


def test_a_price_and_a_tracked_count_reach_the_product_and_a_second_push_writes_nothing(shop: Shop) -> None:
    tracked, untracked = shop.skus[:2]
    left = shop.count(untracked)
    items = [_item(tracked, "123.45", on_hand=7), _item(untracked, "9.5", tracked=False)]

    results = shop.sink.push("items", items, DictRefs())

    assert [(r.ok, r.unchanged, r.error) for r in results] == [(True, False, None)] * 2
    assert [r.remote_id for r in results] == [shop.remote(tracked), shop.remote(untracked)]
    assert (shop.price(tracked), shop.count(tracked)) == (Decimal("123.45"), 7)
    assert (shop.price(untracked), shop.count(untracked)) == (Decimal("9.50"), left)  # Xero does not track it
    written = shop.writes()
    assert written >= 1

    again = shop.sink.push("items", items, DictRefs())

    assert all(r.ok and r.unchanged for r in again)
    assert shop.writes() == written


def test_where_the_shop_keeps_the_stock_only_the_price_is_written(shop: Shop) -> None:
    sku = shop.skus[0]
    count = shop.count(sku)
    shop.sink.xero_keeps_stock = False

    [result] = shop.sink.push("items", [_item(sku, "77.00", on_hand=count + 5)], DictRefs())

    assert (result.ok, result.error) == (True, None)
    assert (shop.price(sku), shop.count(sku)) == (Decimal("77.00"), count)


def test_an_item_the_shop_does_not_sell_is_not_taken_and_nothing_is_written(shop: Shop) -> None:
    [result] = shop.sink.push("items", [_item("NOT-IN-SHOP", "5.00", on_hand=3)], DictRefs())

    label = {"shopify": "Shopify", "magento": "Magento", "neto": "Neto"}[shop.name]
    assert (result.ok, result.skipped) == (False, True)
    assert result.error == f"no product with SKU NOT-IN-SHOP in {label}: products are not made from Xero items"
    assert shop.writes() == 0


def test_a_price_in_another_currency_is_left_and_the_count_still_goes(shop: Shop) -> None:
    sku = shop.skus[0]
    price = shop.price(sku)

    [result] = shop.sink.push("items", [_item(sku, "50.00", on_hand=4, currency="USD")], DictRefs())

    assert result.ok
    assert result.error is not None
    assert "price in USD" in result.error
    assert (shop.price(sku), shop.count(sku)) == (price, 4)
