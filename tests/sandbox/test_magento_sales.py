"""Magento emulator's state API: orders (configurable lines, taxes, discounts, guests), invoices, refunds, edits."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sandbox.common.clock import FakeClock
from sandbox.magento import MagentoError, MagentoState

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def store(clock: FakeClock) -> MagentoState:
    state = MagentoState(clock=clock)
    state.add_customer("Kim", "Lee", "kim@example.com", company="Lee Holdings")
    state.add_product("TENT", "Tent", "200.00")
    state.add_product("GIFT", "Gift card", 50, tax_class_id=0)
    state.add_configurable("TEE", "Tee", "30.00", ("S", "M"))
    return state


def test_a_configurable_line_gives_a_priced_parent_and_a_zero_priced_child(store: MagentoState) -> None:
    order = store.place_order(1, [("TEE-M", 2)])
    parent, child = order["items"]
    assert (parent["product_type"], parent["sku"], parent["price"], parent["qty_ordered"]) == (
        "configurable",
        "TEE-M",
        Decimal("30.00"),
        2,
    )
    assert parent["product_id"] == store.product("TEE")["id"]
    assert (child["product_type"], child["sku"], child["price"], child["parent_item_id"]) == (
        "simple",
        "TEE-M",
        0,
        parent["item_id"],
    )
    assert child["product_id"] == store.product("TEE-M")["id"]
    assert order["total_qty_ordered"] == 2


def test_totals_add_up_with_tax_on_goods_and_shipping_and_a_discount(store: MagentoState) -> None:
    order = store.place_order(1, [("TENT", 1), ("GIFT", 1)], shipping="10.00", discount_percent=10, coupon_code="TEN")
    tent, gift = order["items"]
    assert (tent["tax_percent"], tent["discount_amount"], tent["tax_amount"]) == (
        Decimal(10),
        Decimal("20.00"),
        Decimal("18.00"),
    )
    assert (gift["tax_percent"], gift["tax_amount"]) == (Decimal(0), Decimal("0.00"))
    assert order["subtotal"] == Decimal("250.00")
    assert order["discount_amount"] == Decimal("-25.00")
    assert order["shipping_tax_amount"] == Decimal("1.00")
    assert order["tax_amount"] == Decimal("19.00")
    assert order["grand_total"] == Decimal("254.00")  # 250 + 10 + 19 - 25
    assert order["extension_attributes"]["applied_taxes"][0]["title"] == "GST"
    assert order["coupon_code"] == "TEN"


def test_a_guest_order_has_no_customer(store: MagentoState) -> None:
    order = store.place_order(
        None, [("TENT", 1)], guest={"email": "g@example.com", "firstname": "G", "lastname": "Uest"}
    )
    assert (order["customer_id"], order["customer_is_guest"], order["customer_email"]) == (None, 1, "g@example.com")


def test_a_paid_order_is_processing_with_total_paid_and_its_invoice(store: MagentoState, clock: FakeClock) -> None:
    order = store.place_order(1, [("TENT", 1)])
    clock.advance(120)
    invoice = store.invoice_order(order["entity_id"])
    assert order["total_paid"] == order["grand_total"] == invoice["grand_total"]
    assert (order["state"], invoice["state"], order["total_due"]) == ("processing", 2, 0)
    assert order["updated_at"] == invoice["created_at"] == "2026-11-12 03:02:00"
    assert order["status_histories"][0]["entity_name"] == "invoice"
    with pytest.raises(MagentoError, match="does not allow an invoice"):
        store.invoice_order(order["entity_id"])


def test_an_invoice_without_capture_leaves_the_order_unpaid(store: MagentoState) -> None:
    order = store.place_order(1, [("TENT", 1)])
    invoice = store.invoice_order(order["entity_id"], capture=False)
    assert (invoice["state"], order["total_paid"]) == (1, 0)


def test_an_order_invoiced_in_two_parts_is_paid_in_two_and_the_invoices_add_up_to_it(
    store: MagentoState, clock: FakeClock
) -> None:
    order = store.place_order(1, [("TENT", 3), ("TEE-M", 2), ("GIFT", 1)], discount_percent=10)
    clock.advance(60)
    first = store.invoice_order(order["entity_id"], {"TENT": 1, "GIFT": 1})
    assert first["shipping_amount"] == order["shipping_amount"]  # all the shipping goes on the first invoice
    # The tent less 10% with its tax (200 - 20 + 18), the gift card less 10% (45, no tax), shipping 9.95 + 1.00.
    assert first["grand_total"] == Decimal("253.95")
    assert (order["state"], order["total_paid"], order["total_due"]) == (
        "processing",
        first["grand_total"],
        order["grand_total"] - first["grand_total"],
    )
    invoiced = {i["sku"]: i["qty_invoiced"] for i in order["items"] if not i.get("parent_item_id")}
    assert invoiced == {"TENT": 1, "TEE-M": 0, "GIFT": 1}
    clock.advance(60)
    second = store.invoice_order(order["entity_id"])  # all that is left
    assert second["shipping_amount"] == 0
    assert first["grand_total"] + second["grand_total"] == order["grand_total"] == order["total_paid"]
    assert order["total_due"] == 0
    assert len(order["status_histories"]) == 2
    with pytest.raises(MagentoError, match="does not allow an invoice"):
        store.invoice_order(order["entity_id"])


def test_a_part_invoice_refuses_more_than_is_left_and_an_invoice_of_nothing(store: MagentoState) -> None:
    order = store.place_order(1, [("TENT", 2), ("GIFT", 1)])
    store.invoice_order(order["entity_id"], {"TENT": 1})
    with pytest.raises(MagentoError, match="invalid quantity to invoice item") as too_many:
        store.invoice_order(order["entity_id"], {"TENT": 2})
    assert too_many.value.parameters == ["Tent"]
    with pytest.raises(MagentoError, match="can't be created without products"):
        store.invoice_order(order["entity_id"], {"TENT": 0})
    with pytest.raises(MagentoError, match="not part of the original order"):
        store.invoice_order(order["entity_id"], {"LAMP": 1})
    assert order["total_paid"] < order["grand_total"]


def test_editing_an_unpaid_order_reprices_it_and_moves_updated_at(store: MagentoState, clock: FakeClock) -> None:
    order = store.place_order(1, [("TENT", 1)])
    clock.advance(60)
    store.edit_order(order["entity_id"], lines=[("TENT", 2)], shipping_description="Express")
    assert order["subtotal"] == Decimal("400.00")
    assert order["shipping_description"] == "Express"
    assert order["updated_at"] == "2026-11-12 03:01:00"
    with pytest.raises(MagentoError, match="computed"):
        store.edit_order(order["entity_id"], grand_total=1)


def test_a_paid_orders_lines_cannot_change(store: MagentoState) -> None:
    order = store.place_order(1, [("TENT", 1)], paid=True)
    with pytest.raises(MagentoError, match="invoiced"):
        store.edit_order(order["entity_id"], lines=[("TENT", 3)])


def test_a_full_refund_closes_the_order(store: MagentoState, clock: FakeClock) -> None:
    order = store.place_order(1, [("TEE-S", 1), ("TENT", 1)], paid=True)
    clock.advance(3600)
    memo = store.refund_order(order["entity_id"])
    assert memo["grand_total"] == order["grand_total"] == order["total_refunded"]
    assert [i["sku"] for i in memo["items"]] == ["TEE-S", "TEE-S", "TENT"]  # the configurable's parent and child rows
    assert (order["state"], order["updated_at"]) == ("closed", memo["created_at"])


def test_a_partial_refund_keeps_shipping_and_refuses_more_than_invoiced(store: MagentoState) -> None:
    order = store.place_order(1, [("TENT", 2)], paid=True)
    memo = store.refund_order(order["entity_id"], {"TENT": 1}, adjustment_negative=5)
    assert (memo["subtotal"], memo["shipping_amount"], memo["tax_amount"]) == (Decimal("200.00"), 0, Decimal("20.00"))
    assert memo["grand_total"] == Decimal("215.00")
    assert order["state"] == "processing"
    with pytest.raises(MagentoError, match="most you can refund"):
        store.refund_order(order["entity_id"], {"TENT": 2})


def test_a_canceled_order_cannot_be_invoiced(store: MagentoState) -> None:
    order = store.place_order(1, [("TENT", 1)])
    store.cancel_order(order["entity_id"])
    assert order["state"] == "canceled"
    with pytest.raises(MagentoError):
        store.invoice_order(order["entity_id"])


@pytest.mark.parametrize(
    ("lines", "message"),
    [([("TEE", 1)], "choose options"), ([("NOPE", 1)], "doesn't exist"), ([("TENT", 0)], "qty"), ([], "no items")],
)
def test_orders_the_store_would_not_take(store: MagentoState, lines: list[tuple[str, int]], message: str) -> None:
    with pytest.raises(MagentoError, match=message):
        store.place_order(1, lines)


def test_edits_of_customers_and_products_move_updated_at(store: MagentoState, clock: FakeClock) -> None:
    clock.advance(90)
    assert store.edit_customer(1, email="kim@new.example.com")["updated_at"] == "2026-11-12 03:01:30"
    assert store.edit_product("TENT", price="210")["price"] == Decimal("210.00")
    assert store.product("TENT")["updated_at"] == "2026-11-12 03:01:30"
    with pytest.raises(MagentoError):
        store.edit_product("TENT", type_id="virtual")
