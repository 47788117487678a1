"""The Shopify sample shop and the state API tests build shops with: overlap with Xero, edits moving updated_at, payments."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from test_shopify_support import T0, fresh_state

from sandbox.shopify import PaymentError, seed_sample
from sandbox.xero.samples import sample_directory


def test_the_sample_shop_shares_customers_and_item_codes_with_the_xero_sample() -> None:
    state, _ = fresh_state()
    summary = seed_sample(state)
    xero = sample_directory("au")
    xero_emails = {c.EmailAddress: c for c in xero.customers}
    shared = [c for c in state.customers.values() if c.email in xero_emails]
    assert len(shared) == len(summary.shared_customer_emails) >= 5
    assert all(c.company == xero_emails[c.email or ""].Name for c in shared)
    skus = {v.sku for p in state.products.values() for v in p.variants}
    assert set(summary.shared_skus) <= skus
    assert set(summary.shared_skus) <= set(xero.item_codes())
    assert state.currency == "AUD"
    assert state.taxes_included


def test_the_sample_has_paid_unpaid_guest_cancelled_discounted_and_refunded_orders() -> None:
    state, _ = fresh_state()
    summary = seed_sample(state)
    orders = state.orders
    assert summary.paid_orders
    assert all(orders[i].financial_status == "paid" for i in summary.paid_orders)
    assert any(o.financial_status == "pending" for o in orders.values())
    assert summary.guest_order
    assert orders[summary.guest_order].customer_id is None
    assert summary.cancelled_order
    assert orders[summary.cancelled_order].cancelled_at is not None
    assert summary.discounted_order
    assert orders[summary.discounted_order].total_discounts > 0
    assert summary.refunded_order
    assert orders[summary.refunded_order].refunds
    assert all(o.created_at <= T0 for o in orders.values())


def test_the_same_seed_gives_the_same_shop_and_scale_adds_to_it() -> None:
    one, _ = fresh_state()
    two, _ = fresh_state()
    seed_sample(one, seed=3)
    seed_sample(two, seed=3)
    assert [c.email for c in one.customers.values()] == [c.email for c in two.customers.values()]
    assert [o.total_price for o in one.orders.values()] == [o.total_price for o in two.orders.values()]
    big, _ = fresh_state()
    assert seed_sample(big, scale=2).counts["orders"] == 20


def test_edits_move_updated_at_and_a_refund_moves_its_order() -> None:
    state, clock = fresh_state()
    ann = state.create_customer(first_name="Ann")
    product = state.create_product("Mug", [("MUG-1", "22.00")])
    order = state.create_order(ann.id, [(product.variants[0].id, 3)])
    assert order.financial_status == "pending"
    clock.advance(10)
    state.update_customer(ann.id, note="vip")
    state.update_variant(product.variants[0].id, price="25")
    state.mark_paid(order.id)
    assert ann.updated_at == product.updated_at == order.updated_at == T0 + timedelta(seconds=10)
    assert order.financial_status == "paid"
    assert order.received == Decimal("66.00")
    clock.advance(10)
    refund = state.refund(order.id, [(order.line_items[0].id, 1)], note="chipped")
    assert order.updated_at == T0 + timedelta(seconds=20)
    assert (refund.total, order.financial_status) == (Decimal("22.00"), "partially_refunded")


def test_an_exclusive_shop_adds_tax_on_top() -> None:
    state, _ = fresh_state(currency="USD", taxes_included=False, tax_title="Sales tax", tax_rate=Decimal("0.0725"))
    product = state.create_product("Mug", [("MUG-1", "20.00")])
    order = state.create_order(None, [(product.variants[0].id, 1)], shipping=("Ground", "5.00"))
    assert (order.total_tax, order.total_price) == (Decimal("1.81"), Decimal("26.81"))  # 1.45 + 0.36 tax


def test_the_sample_has_an_order_paid_in_two_captures_and_one_paid_in_part() -> None:
    state, _ = fresh_state()
    summary = seed_sample(state)
    [two_parts], [part_paid] = summary.two_part_orders, summary.part_paid_orders
    paid_twice = state.orders[two_parts]
    held, *captures = paid_twice.transactions
    assert (held.kind, [c.kind for c in captures]) == ("authorization", ["capture", "capture"])
    assert all(c.parent_id == held.id for c in captures)
    assert sum(c.amount for c in captures) == paid_twice.total_price
    assert captures[0].processed_at < captures[1].processed_at == paid_twice.updated_at <= T0
    assert paid_twice.financial_status == "paid"
    assert two_parts in summary.paid_orders
    deposit = state.orders[part_paid]
    [sale] = deposit.transactions
    assert (sale.kind, sale.gateway) == ("sale", "manual")
    assert Decimal(0) < sale.amount == deposit.paid < deposit.total_price
    assert deposit.financial_status == "partially_paid"
    assert deposit.outstanding == deposit.total_price - sale.amount


def test_a_manual_payment_in_part_then_the_balance_makes_the_order_partially_paid_then_paid() -> None:
    state, clock = fresh_state()
    product = state.create_product("Mug", [("MUG-1", "22.00")])
    order = state.create_order(None, [(product.variants[0].id, 3)])
    clock.advance(60)
    deposit = state.record_payment(order.id, "20.00", processed_at=T0)
    assert (order.financial_status, order.outstanding, order.updated_at) == (
        "partially_paid",
        Decimal("46.00"),
        T0 + timedelta(seconds=60),
    )
    assert (deposit.kind, deposit.processed_at, deposit.created_at) == ("sale", T0, T0 + timedelta(seconds=60))
    for amount, code in (("0", "AMOUNT_NOT_POSITIVE"), ("46.01", "AMOUNT_EXCEEDS_BALANCE")):
        with pytest.raises(PaymentError) as refused:
            state.record_payment(order.id, amount)
        assert refused.value.code == code
    with pytest.raises(PaymentError) as future:
        state.record_payment(order.id, processed_at=T0 + timedelta(days=1))
    assert future.value.code == "PROCESSED_AT_INVALID"
    state.record_payment(order.id)
    assert (order.financial_status, order.outstanding, order.fully_paid) == ("paid", Decimal(0), True)


def test_an_authorization_captured_in_parts_is_authorized_then_partially_paid_then_paid() -> None:
    state, _ = fresh_state()
    product = state.create_product("Mug", [("MUG-1", "22.00")])
    order = state.create_order(None, [(product.variants[0].id, 2)])
    with pytest.raises(PaymentError):
        state.capture(order.id)  # nothing authorized yet
    state.authorize(order.id)
    assert (order.financial_status, order.paid) == ("authorized", Decimal(0))
    state.capture(order.id, "10.00")
    assert order.financial_status == "partially_paid"
    with pytest.raises(PaymentError, match="greater than the authorized amount"):
        state.capture(order.id, "34.01")
    state.capture(order.id)
    assert (order.financial_status, order.paid) == ("paid", Decimal("44.00"))
