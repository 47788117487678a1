"""Payments as they happen, alike for every shop: ``Receipt``, ``order_payments`` and ``shop_conventions``."""

from __future__ import annotations

import typing as t
from datetime import date
from decimal import Decimal

import pytest

from connectors.base.shop import Receipt, order_payments, shop_conventions
from datashare.model import DocumentStatus, Invoice, InvoiceType, Payment
from datashare.model.mapping import DictRefs, Mapped, MappingError, Refs

DEPOSIT = Receipt(date(2026, 11, 2), Decimal("40.00"), "71", "INV-71")
BALANCE = Receipt(date(2026, 11, 9), Decimal("60.00"), "75")


def payments(receipts: list[Receipt], refs: DictRefs | None = None, **options: t.Any) -> list[Mapped]:
    return order_payments(
        refs or DictRefs(),
        receipts,
        invoice_remote_id="1001",
        number="SHOP-1001",
        currency="AUD",
        organization_remote_id="7001",
        **options,
    )


def test_each_receipt_is_its_own_payment_on_the_invoice_for_its_amount_on_its_date() -> None:
    refs = DictRefs()
    found = payments([BALANCE, DEPOSIT], refs)  # oldest first, whatever order the shop lists them in
    assert [m.remote_id for m in found] == ["1001/payment/71", "1001/payment/75"]
    deposit, balance = (t.cast(Payment, m.record) for m in found)
    assert (deposit.transaction_date, deposit.amount.total_amount) == (date(2026, 11, 2), Decimal("40.00"))
    assert (balance.transaction_date, balance.amount.total_amount) == (date(2026, 11, 9), Decimal("60.00"))
    # The hub matches payments on their reference: the parts of one order never share one.
    assert (deposit.transaction_number, balance.transaction_number) == ("SHOP-1001-PINV-71", "SHOP-1001-P75")
    for paid in (deposit, balance):
        [line] = paid.payment_lines
        assert (line.invoice_id, line.amount) == (refs.hub_id("invoices", "1001"), paid.amount.total_amount)
        assert paid.organization_id == refs.hub_id("organizations", "7001")
        assert paid.account_id is None  # no bank account named: Xero's default one takes it


def test_an_order_marked_paid_without_receipts_is_one_payment_of_what_was_received() -> None:
    [paid] = payments([], paid_in_full=Receipt(date(2026, 11, 2), Decimal("100.00")))
    assert (paid.remote_id, t.cast(Payment, paid.record).transaction_number) == ("1001/payment", "SHOP-1001")
    assert t.cast(Payment, paid.record).amount.total_amount == Decimal("100.00")
    receipts_win = payments([DEPOSIT], paid_in_full=Receipt(date(2026, 11, 2), Decimal("100.00")))
    assert [m.remote_id for m in receipts_win] == ["1001/payment/71"]


def test_a_cancelled_order_and_an_order_without_receipts_give_no_payment() -> None:
    assert payments([DEPOSIT, BALANCE], cancelled=True) == []
    assert payments([DEPOSIT], cancelled=True, paid_in_full=DEPOSIT) == []
    assert payments([]) == []


def test_receipts_of_nothing_or_less_are_not_payments() -> None:
    refund = Receipt(date(2026, 11, 3), Decimal("-10.00"), "72")
    nothing = Receipt(date(2026, 11, 3), Decimal("0"), "73")
    assert [m.remote_id for m in payments([DEPOSIT, refund, nothing])] == ["1001/payment/71"]


def test_a_receipt_without_the_shops_id_is_refused() -> None:
    with pytest.raises(MappingError, match="a receipt without the shop's id"):
        payments([Receipt(date(2026, 11, 2), Decimal("40.00"))])


def test_the_same_receipts_read_again_give_the_same_payments() -> None:
    refs = DictRefs()
    assert payments([DEPOSIT], refs)[0] == payments([DEPOSIT, BALANCE], refs)[0]


def test_an_unpaid_orders_invoice_stays_approved_under_the_shop_conventions() -> None:
    invoice = Invoice(type=InvoiceType.CUSTOMER, currency="AUD", status=DocumentStatus.AUTHORISED)

    def orders(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        return [Mapped("invoices", "1001", invoice)]

    [unpaid] = shop_conventions(orders)("orders", {}, DictRefs())
    assert t.cast(Invoice, unpaid.record).status == DocumentStatus.AUTHORISED  # in receivables from the start
