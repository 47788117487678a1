"""What a shop product gets from a Xero item (``connectors.base.shop_items``): pure rules, no shop."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from connectors.base.shop_items import Listing, ProductChange, plan_change, shop_price, stock_to_write
from datashare.model import Amount, Item, ItemType

SKU = "SCO-0001"


def _item(
    *,
    price: str | None = "24.95",
    currency: str = "AUD",
    tracked: bool = True,
    on_hand: str | None = "7",
    kind: ItemType = ItemType.PURCHASED,
    code: str = SKU,
) -> Item:
    return Item(
        id=uuid4(),
        code=code,
        type=kind,
        sale_price=Amount(currency=currency, net_amount=Decimal(price)) if price is not None else None,
        is_inventoried=tracked,
        quantity_on_hand=Decimal(on_hand) if on_hand is not None else None,
    )


def _listing(price: str | None = "19.95", quantity: str | None = "3", no_stock: str | None = None) -> Listing:
    return Listing(
        "45000000001",
        SKU.lower(),  # shops compare SKUs without regard to case
        Decimal(price) if price is not None else None,
        Decimal(quantity) if quantity is not None else None,
        no_stock,
    )


def _plan(item: Item, *found: Listing, keeps: bool = True, currency: str = "AUD") -> ProductChange | str:
    return plan_change(item, list(found), shop="Shopify", currency=currency, xero_keeps_stock=keeps)


def test_a_tracked_item_gives_its_price_and_its_count() -> None:
    change = _plan(_item(), _listing())
    assert isinstance(change, ProductChange)
    assert (change.price, change.quantity, change.notes) == (Decimal("24.95"), 7, ())
    assert change.writes


def test_what_the_shop_already_holds_is_not_written_again() -> None:
    change = _plan(_item(price="19.95", on_hand="3"), _listing("19.950", "3"))
    assert isinstance(change, ProductChange)
    assert (change.price, change.quantity, change.writes) == (None, None, False)


def test_an_item_xero_does_not_track_gives_its_price_and_leaves_the_count() -> None:
    change = _plan(_item(tracked=False), _listing())
    assert isinstance(change, ProductChange)
    assert (change.price, change.quantity) == (Decimal("24.95"), None)


@pytest.mark.parametrize("kind", [ItemType.SERVICE])
def test_a_service_has_no_stock(kind: ItemType) -> None:
    assert stock_to_write(_item(kind=kind), xero_keeps_stock=True) is None


def test_where_the_shop_keeps_the_stock_only_the_price_goes() -> None:
    change = _plan(_item(), _listing(), keeps=False)
    assert isinstance(change, ProductChange)
    assert (change.price, change.quantity) == (Decimal("24.95"), None)
    assert stock_to_write(_item(), xero_keeps_stock=False) is None


def test_an_item_no_product_sells_is_not_taken_with_the_reason() -> None:
    reason = _plan(_item(code="NEW-ITEM"))
    assert reason == "no product with SKU NEW-ITEM in Shopify: products are not made from Xero items"


def test_two_products_with_one_sku_are_left_alone() -> None:
    reason = _plan(_item(), _listing(), _listing())
    assert reason == f"2 products with SKU {SKU} in Shopify: which one is the Xero item cannot be told"


def test_an_item_deleted_in_xero_leaves_the_product_as_it_is() -> None:
    gone = _item().model_copy(update={"deleted_at": datetime(2026, 11, 3, tzinfo=UTC)})
    reason = _plan(gone, _listing())
    assert isinstance(reason, str)
    assert "left as it is" in reason


def test_a_price_in_another_currency_is_not_sent_but_the_count_is() -> None:
    change = _plan(_item(currency="USD"), _listing())
    assert isinstance(change, ProductChange)
    assert (change.price, change.quantity) == (None, 7)
    assert change.notes == ("price in USD, Shopify sells in AUD: price not sent",)


def test_a_fractional_count_is_not_sent_with_the_reason() -> None:
    change = _plan(_item(on_hand="2.5"), _listing())
    assert isinstance(change, ProductChange)
    assert change.quantity is None
    assert change.notes == (f"Xero has 2.5 of {SKU} on hand; Shopify counts whole units: stock not sent",)


def test_a_product_the_shop_keeps_no_count_for_gets_its_price_and_the_shops_reason() -> None:
    change = _plan(_item(), _listing(quantity=None, no_stock="not stocked at the primary location"))
    assert isinstance(change, ProductChange)
    assert (change.price, change.quantity, change.notes) == (
        Decimal("24.95"),
        None,
        ("not stocked at the primary location",),
    )


def test_prices_are_kept_to_the_cent_as_shops_keep_them() -> None:
    assert shop_price(_item(price="10.125")) == Decimal("10.13")
    assert shop_price(_item(price=None)) is None
    inclusive = _item().model_copy(update={"sale_price": Amount(currency="AUD", total_amount=Decimal("11"))})
    assert shop_price(inclusive) == Decimal("11.00")
