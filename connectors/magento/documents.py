"""Pure mapping of Magento orders and credit memos to customer invoices, payments and credit notes.

* **Orders** become ``Invoice`` (type CUSTOMER, numbered ``prefix +
  increment_id``, reference ``Order #<increment_id>``, dated and due on the
  order's local date, AUTHORISED, or VOIDED when canceled) with line amounts
  EXCLUSIVE of tax: Magento's order items always carry ``price`` before tax
  with ``tax_percent``, whatever the catalogue's price setting.
  - A configurable product's parent and child items become one line: the
    parent's price and quantity, the child's product id (the item the
    products stream gives) and name.
  - Every distinct tax (the order's applied tax title of that percent, and
    the percent) is a ``tax_code`` returned before the invoice.
  - Shipping is a line without item (``Shipping: <description>``) taxed at
    the rate its tax amount shows; the discount is one negative line per tax
    rate (``Discount <coupon code>``), quantities are never negative.
  - A guest order (no customer id) is refused: Xero needs a contact on
    every invoice.
  - Payments as they happen: Magento takes money by invoicing (in full or
    in part: an invoice of some of the items, the shipping on the first),
    so each paid invoice (state 2) the client attached in ``_invoices`` is a
    ``Payment`` of its ``grand_total``, dated the local date it was created,
    known as ``{order id}/payment/{invoice id}`` and referenced by its
    number; an open (not captured) or canceled invoice took nothing. An
    order paid in full (``total_paid >= grand_total``) without any paid
    invoice listed is paid ``total_paid`` on the date of its ``updated_at``.
    A canceled order has none.
* **Credit memos** become ``CreditNote`` numbered ``<invoice number>-R<n>``
  (n: the memo's place among its order's memos, from ``_sequence``) with the
  refunded items, shipping, discount and adjustments as lines, allocated in
  full to the order's invoice. The order's number, customer and items come
  from ``_order``, which the client attaches.
* Dates are the store's local dates (``timezone``); ``updated_at`` is each
  record's remote version.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from datetime import date, tzinfo
from decimal import Decimal

from connectors.base.shop import Receipt, ShopSettings, order_payments, tax_code
from connectors.magento.fields import Raw
from connectors.magento.mapping import plain, tax_rate_of, versioned
from datashare.model import (
    CreditNote,
    CreditNoteType,
    DocumentStatus,
    Invoice,
    InvoiceType,
    LineAmountType,
)
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["creditmemo_to_canonical", "order_to_canonical"]

_ZERO = Decimal(0)
_PAID_INVOICE = 2  # Magento's invoice state: 1 open, 2 paid, 3 canceled


@dataclass
class _Lines:
    """Lines of one document in the making, and the tax codes they use (each once)."""

    refs: Refs
    currency: str
    tax_names: dict[Decimal, str]
    lines: list[dict[str, t.Any]] = field(default_factory=list)
    taxes: dict[str, Mapped] = field(default_factory=dict)

    def add(
        self, description: str | None, quantity: Decimal, unit: Decimal, rate: Decimal, item: str | None = None
    ) -> None:
        """Add a line (without item for shipping, discounts and adjustments) and note its tax code."""
        rate = plain(rate)
        tax = tax_code(self.tax_names.get(rate) if rate else None, rate)
        self.taxes.setdefault(tax.remote_id, tax)
        line: dict[str, t.Any] = {
            "line_number": len(self.lines) + 1,
            "description": description,
            "quantity": quantity,
            "unit_price": {"currency": self.currency, "net_amount": unit},
            "tax_code_id": self.refs.hub_id("tax_codes", tax.remote_id),
        }
        if item is not None:
            line["item_id"] = self.refs.hub_id("items", item)
        self.lines.append(line)

    def discounts(self, by_rate: dict[Decimal, Decimal], label: str) -> None:
        """One negative line per tax rate the discount fell on, so each is taxed as the goods it came off."""
        for rate, amount in by_rate.items():
            if amount:
                self.add(label, Decimal(1), -abs(amount), rate)


def _tax_names(applied: list[Raw]) -> dict[Decimal, str]:
    names: dict[Decimal, str] = {}
    for tax in applied:
        percent = tax.money("percent")
        title = tax.text("title") or tax.text("code")
        if percent is not None and title:
            names.setdefault(plain(percent), title)
    return names


def _local_date(record: Raw, key: str, timezone: tzinfo) -> date:
    moment = record.stamp(key)
    if moment is None:
        raise record.fail(key, "missing")
    return moment.astimezone(timezone).date()


def _customer(record: Raw, refs: Refs, number: str) -> tuple[str, dict[str, t.Any]]:
    customer = record.integer("customer_id")
    if customer is None:
        raise MappingError(
            f"{record.where} ({number}): a guest order with no customer; Xero needs a contact on every invoice"
        )
    return str(customer), {
        "organization_id": refs.hub_id("organizations", str(customer)),
        "person_id": refs.hub_id("people", str(customer)),
    }


def _order_lines(order: Raw, lines: _Lines) -> dict[Decimal, Decimal]:
    """The order's item lines (configurable parent and child as one); returns its discounts by tax rate."""
    items = order.rows("items")
    children = {
        child.integer("parent_item_id"): child for child in items if child.integer("parent_item_id") is not None
    }
    ids = {item.integer("item_id") for item in items}
    discounts: dict[Decimal, Decimal] = {}
    for item in items:
        parent = item.integer("parent_item_id")
        if parent is not None and parent in ids:
            continue  # a child: its parent's line carries it
        child = children.get(item.integer("item_id"))
        product = (child or item).integer("product_id")
        quantity = item.money("qty_ordered")
        if quantity is None or quantity < 0:
            raise item.fail("qty_ordered", "missing or negative")
        rate = item.zero("tax_percent")
        name = (child.text("name") if child else None) or item.text("name") or item.text("sku")
        lines.add(name, quantity, item.zero("price"), rate, str(product) if product is not None else None)
        discounts[rate] = discounts.get(rate, _ZERO) + item.zero("discount_amount")
    return discounts


def _shipping(record: Raw, lines: _Lines, label: str) -> None:
    amount = record.zero("shipping_amount")
    if amount:
        rate = tax_rate_of(amount, record.zero("shipping_tax_amount"), lines.tax_names)
        lines.add(label, Decimal(1), amount, rate)


def _amount(record: Raw, currency: str) -> dict[str, t.Any]:
    """The document's ``Amount``, checked when the document is built."""
    total, tax = record.money("grand_total"), record.zero("tax_amount")
    if total is None:
        raise record.fail("grand_total", "missing")
    return {"currency": currency, "total_amount": total, "tax_amount": tax, "net_amount": total - tax}


def _receipts(order: Raw, timezone: tzinfo) -> list[Receipt]:
    """Each paid invoice of the order: what it captured, on the local date it was made."""
    found: list[Receipt] = []
    for invoice in order.rows("_invoices"):
        if invoice.integer("state") != _PAID_INVOICE:
            continue
        invoice_id = invoice.integer("entity_id")
        if invoice_id is None:
            raise invoice.fail("entity_id", "missing")
        amount = invoice.money("grand_total")
        if amount is None:
            raise invoice.fail("grand_total", "missing")
        found.append(
            Receipt(_local_date(invoice, "created_at", timezone), amount, str(invoice_id), invoice.text("increment_id"))
        )
    return found


def order_to_canonical(raw: dict[str, t.Any], refs: Refs, settings: ShopSettings, timezone: tzinfo) -> list[Mapped]:
    """A Magento order as its tax codes, a customer invoice and a payment per paid invoice."""
    order = Raw(raw, "Magento Order")
    order_id = order.integer("entity_id")
    if order_id is None:
        raise order.fail("entity_id", "missing")
    increment = order.text("increment_id")
    order.where = f"Magento Order {increment or order_id}"
    if increment is None:
        raise order.fail("increment_id", "missing, and the invoice number is made from it")
    number = settings.invoice_number(increment)
    customer, contact = _customer(order, refs, number)
    currency = order.text("order_currency_code") or settings.currency
    extension = order.child("extension_attributes")
    lines = _Lines(refs, currency, _tax_names(extension.rows("applied_taxes") if extension else []))
    discounts = _order_lines(order, lines)
    _shipping(order, lines, f"Shipping: {order.text('shipping_description') or 'shipping'}")
    coupon = order.text("coupon_code") or order.text("discount_description")
    label = f"Discount {coupon}" if coupon else "Discount"
    if not any(discounts.values()) and order.zero("discount_amount"):
        discounts = {_ZERO: order.zero("discount_amount")}  # an order-level discount no item carries
    lines.discounts(discounts, label)
    day = _local_date(order, "created_at", timezone)
    canceled = order.text("state") == "canceled"
    invoice = order.build(
        Invoice,
        {
            "type": InvoiceType.CUSTOMER,
            "transaction_number": number,
            "reference": f"Order #{increment}",
            "transaction_date": day,
            "due_date": day,
            "currency": currency,
            **contact,
            "line_amount_type": LineAmountType.EXCLUSIVE,
            "lines": lines.lines,
            "amount": _amount(order, currency),
            "status": DocumentStatus.VOIDED if canceled else DocumentStatus.AUTHORISED,
        },
    )
    found = [*lines.taxes.values(), Mapped("invoices", str(order_id), invoice)]
    total, paid = order.money("grand_total") or _ZERO, order.zero("total_paid")
    found += order_payments(
        refs,
        _receipts(order, timezone),
        invoice_remote_id=str(order_id),
        number=number,
        currency=currency,
        organization_remote_id=customer,
        # Paid in full with no paid invoice read: what Magento says it took, when it last changed the order.
        paid_in_full=Receipt(_local_date(order, "updated_at", timezone), paid) if total > 0 and paid >= total else None,
        cancelled=canceled,
    )
    return versioned(order, found)


def _memo_lines(memo: Raw, order: Raw, lines: _Lines) -> dict[Decimal, Decimal]:
    """The refunded items as lines (configurable parent and child as one); returns the discounts by rate."""
    ordered = {item.integer("item_id"): item for item in order.rows("items")}
    children = {i.integer("parent_item_id"): i for i in ordered.values() if i.integer("parent_item_id") is not None}
    discounts: dict[Decimal, Decimal] = {}
    for row in memo.rows("items"):
        quantity = row.zero("qty")
        if quantity <= 0:
            continue
        origin = ordered.get(row.integer("order_item_id"))
        if origin is not None and origin.integer("parent_item_id") in ordered:
            continue  # a configurable's child: its parent's row carries it
        child = children.get(origin.integer("item_id")) if origin is not None else None
        product = (child or origin or row).integer("product_id")
        if origin is not None:
            rate = origin.zero("tax_percent")
        else:
            rate = tax_rate_of(row.zero("row_total"), row.zero("tax_amount"), lines.tax_names)
        name = (child.text("name") if child else None) or row.text("name") or row.text("sku")
        lines.add(name, quantity, row.zero("price"), rate, str(product) if product is not None else None)
        discounts[rate] = discounts.get(rate, _ZERO) + row.zero("discount_amount")
    return discounts


def creditmemo_to_canonical(
    raw: dict[str, t.Any], refs: Refs, settings: ShopSettings, timezone: tzinfo
) -> list[Mapped]:
    """A Magento credit memo as its tax codes and a customer credit note allocated to the order's invoice."""
    memo = Raw(raw, "Magento Credit memo")
    memo_id = memo.integer("entity_id")
    if memo_id is None:
        raise memo.fail("entity_id", "missing")
    memo.where = f"Magento Credit memo {memo.text('increment_id') or memo_id}"
    order = memo.child("_order")
    if order is None:
        raise memo.fail("_order", "missing: the credit memo was read without its order")
    order_id = memo.integer("order_id") or order.integer("entity_id")
    increment = order.text("increment_id")
    if order_id is None or increment is None:
        raise order.fail("increment_id", "missing, and the credit note is numbered after the order")
    sequence = memo.integer("_sequence")
    if sequence is None or sequence < 1:
        raise memo.fail("_sequence", "missing: the memo's place among its order's memos numbers the credit note")
    number = f"{settings.invoice_number(increment)}-R{sequence}"
    _, contact = _customer(order, refs, number)
    currency = memo.text("order_currency_code") or settings.currency
    lines = _Lines(refs, currency, _tax_names(order.rows("applied_taxes")))
    discounts = _memo_lines(memo, order, lines)
    _shipping(memo, lines, "Shipping refund")
    lines.discounts(discounts, "Discount")
    plus, minus = memo.zero("adjustment_positive"), memo.zero("adjustment_negative")
    if plus:
        lines.add("Adjustment refund", Decimal(1), plus, _ZERO)
    if minus:
        lines.add("Adjustment fee", Decimal(1), -minus, _ZERO)
    day = _local_date(memo, "created_at", timezone)
    amount = _amount(memo, currency)
    note = memo.build(
        CreditNote,
        {
            "type": CreditNoteType.CUSTOMER,
            "transaction_number": number,
            "reference": f"Credit memo #{memo.text('increment_id') or memo_id} of order #{increment}",
            "transaction_date": day,
            "currency": currency,
            **contact,
            "line_amount_type": LineAmountType.EXCLUSIVE,
            "lines": lines.lines,
            "amount": amount,
            "status": DocumentStatus.AUTHORISED,
            "allocations": [
                {
                    "invoice_id": refs.hub_id("invoices", str(order_id)),
                    "amount": amount["total_amount"],
                    "transaction_date": day,
                }
            ],
        },
    )
    return versioned(memo, [*lines.taxes.values(), Mapped("credit_notes", str(memo_id), note)])
