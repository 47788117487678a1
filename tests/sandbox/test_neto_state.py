"""The Neto emulator's Python API and its sample site: orders, payments, edits, RMAs, the seed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sandbox.common.clock import FakeClock
from sandbox.neto import LineSpec, NetoError, NetoState, seed_sample
from sandbox.xero.samples import sample_directory

T0 = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def state(clock: FakeClock) -> NetoState:
    site = NetoState(clock=clock)
    site.add_customer("jsmith", email="j@example.com", first_name="Jo", last_name="Smith")
    site.add_item("TENT", "Tent", "110.00")
    site.add_item("MAP", "Map", "22.00", tax_free=True)
    return site


def test_a_paid_order_is_covered_by_its_payment_and_dated_paid(state: NetoState) -> None:
    order = state.add_order("jsmith", [("TENT", 2), ("MAP", 1)], shipping="11.00", paid=True)
    assert order["GrandTotal"] == "253.00"  # tax-inclusive site: 220 + 22 + 11
    assert order["OrderTax"] == "21.00"  # 20 on the tents, 0 on the map, 1 on shipping
    assert [line["TaxCode"] for line in order["OrderLine"]] == ["GST", "FRE"]
    assert order["DatePaid"] == "2026-11-02 10:00:00"  # the site's local time (AEST)
    assert [p["Amount"] for p in order["OrderPayment"]] == ["253.00"]


def test_a_partly_paid_order_has_no_date_paid_until_covered(state: NetoState, clock: FakeClock) -> None:
    order = state.add_order("jsmith", [("TENT", 1)])
    state.pay_order(order["OrderID"], "50")
    assert order["DatePaid"] == ""
    clock.advance(60)
    state.pay_order(order["OrderID"])
    assert order["DatePaid"] == "2026-11-02 10:01:00"
    assert sum(Decimal(p["Amount"]) for p in order["OrderPayment"]) == Decimal(order["GrandTotal"])


def test_editing_an_order_works_out_its_totals_again_and_moves_date_updated(state: NetoState, clock: FakeClock) -> None:
    order = state.add_order("jsmith", [("TENT", 1)])
    clock.advance(90)
    state.update_order(order["OrderID"], lines=[LineSpec("TENT", 3, percent_discount=Decimal(10))], OrderStatus="Pick")
    assert order["GrandTotal"] == "297.00"
    assert order["OrderStatus"] == "Pick"
    assert order["DateUpdated"] == "2026-11-02 10:01:30"
    assert order["DatePlaced"] == "2026-11-02 10:00:00"


def test_a_tax_exclusive_site_adds_the_tax_on_top(clock: FakeClock) -> None:
    site = NetoState(clock=clock, tax_inclusive=False)
    site.add_customer("a", email="a@example.com")
    site.add_item("X", "X", "100")
    order = site.add_order("a", [("X", 1)], shipping="10")
    assert (order["OrderTax"], order["GrandTotal"], order["TaxInclusive"]) == ("11.00", "121.00", "False")


def test_an_rma_refunds_returned_lines_and_touches_its_order(state: NetoState, clock: FakeClock) -> None:
    order = state.add_order("jsmith", [("TENT", 2), ("MAP", 1)], shipping="11.00", paid=True)
    clock.advance(3600)
    rma = state.add_rma(order["OrderID"], [("TENT", 1)], refund_shipping=True)
    assert rma["RefundTotal"] == "121.00"
    assert rma["RefundTaxTotal"] == "11.00"
    assert [(li["ItemNumber"], li["Quantity"], li["Amount"]) for li in rma["RmaLine"]] == [("TENT", "1", "110.00")]
    assert order["DateUpdated"] == rma["DateIssued"] == "2026-11-02 11:00:00"
    with pytest.raises(NetoError, match="Invalid Quantity"):
        state.add_rma(order["OrderID"], [("TENT", 3)])


def test_orders_of_unknown_customers_or_items_are_refused(state: NetoState) -> None:
    with pytest.raises(NetoError, match="Invalid Username"):
        state.add_order("nobody", [("TENT", 1)])
    with pytest.raises(NetoError, match="Invalid SKU"):
        state.add_order("jsmith", [("NOPE", 1)])


def test_the_sample_site_shares_customers_and_item_codes_with_the_xero_sandbox(clock: FakeClock) -> None:
    state = NetoState(clock=clock)
    summary = seed_sample(state)
    xero = sample_directory("au")
    emails = {c["EmailAddress"] for c in state.tables["Customer"].values()}
    assert {c.EmailAddress for c in xero.customers[:4]} <= emails
    assert set(xero.item_codes()[:8]) <= set(state.tables["Item"])
    assert summary.counts == {"Customer": 8, "Item": 12, "Order": 12, "Payment": 10, "Rma": 2}
    assert summary.guest
    assert summary.cancelled
    assert summary.paid
    assert state.tables["Order"][summary.guest[0]]["Username"] == ""
    assert state.tables["Order"][summary.cancelled[0]]["OrderStatus"] == "Cancelled"
    stamps = [o["DateUpdated"] for o in state.tables["Order"].values()]
    assert max(stamps) < "2026-11-02 10:00:00"
    assert len(set(stamps)) == len(stamps)


def test_the_sample_has_an_order_paid_in_two_parts_and_one_paid_in_part(clock: FakeClock) -> None:
    state = NetoState(clock=clock)
    summary = seed_sample(state)
    [two_parts], [part_paid] = summary.two_part, summary.part_paid
    paid_twice = state.tables["Order"][two_parts]
    first, second = paid_twice["OrderPayment"]
    assert Decimal(first["Amount"]) + Decimal(second["Amount"]) == Decimal(paid_twice["GrandTotal"])
    assert first["DatePaid"][:10] < second["DatePaid"] == paid_twice["DatePaid"]  # paid on the later day
    assert two_parts in summary.paid
    deposit = state.tables["Order"][part_paid]
    [only] = deposit["OrderPayment"]
    assert Decimal(0) < Decimal(only["Amount"]) < Decimal(deposit["GrandTotal"])
    assert deposit["DatePaid"] == ""  # not paid until covered
    assert part_paid not in summary.paid
    paid_rows = [p for p in state.tables["Payment"].values() if p["OrderID"] in (two_parts, part_paid)]
    assert len(paid_rows) == 3  # GetPayment holds each entry


def test_the_same_seed_and_clock_give_the_same_site(clock: FakeClock) -> None:
    one, two = NetoState(clock=clock), NetoState(clock=clock)
    seed_sample(one, scale=2, seed=4)
    seed_sample(two, scale=2, seed=4)
    assert one.tables == two.tables
    assert len(one.tables["Customer"]) == 16
