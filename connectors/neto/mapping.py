"""Pure mapping from Neto's records to the canonical model (what Neto gets back is ``sink``'s).

Conventions
-----------
* **Remote ids.** Customers are known by ``Username`` (orders and RMAs name
  their customer by it), items by ``SKU`` (order lines name only the SKU),
  orders by ``OrderID`` (``N10001``), RMAs by ``RmaID``.
* **Customers** become an organization and its primary person
  (``connectors.base.shop.customer_records``): names, company and phone from
  the billing address, both addresses kept.
* **Items**: code and reference = SKU (at most 30 characters, Xero's limit on
  item codes), name = ``Name`` cut to 50, ``DefaultPrice`` as the sale price
  (in ``total_amount`` when the item's ``TaxInclusive`` is True, else
  ``net_amount``), sold and not purchased, ACTIVE unless ``IsActive`` is False.
* **Orders** become a customer invoice ``prefix + OrderID`` dated on the
  site-local date of ``DatePlaced`` (due the same day), INCLUSIVE when
  ``TaxInclusive`` is True; one line per ``OrderLine`` (``PercentDiscount`` as
  the line's reduction, a ``ProductDiscount`` as a negative "Discount <SKU>"
  line), a "Shipping: <ShippingOption>" line, and a negative "Discount
  <CouponCode>" line for ``CouponDiscount``. A cancelled order is VOIDED. An
  order without a Username (a guest's) is refused: Xero needs a contact on
  every invoice.
* **Payments** as they happen: each ``OrderPayment`` entry (Neto records a
  deposit, a part payment and the balance each as its own) is a payment of
  its ``Amount`` dated its ``DatePaid``, known as ``{OrderID}/payment/{Id}``.
  An order Neto marks paid (``DatePaid``) without any payment entry is paid
  its ``GrandTotal`` on that date. A cancelled order has none.
* **Taxes.** Order and RMA lines carry a tax code (``GST``, ``FRE``) but no
  rate; ``tax_rates`` gives each code's percentage (Neto sites name their own
  codes, so the table is the tenant's to set; an unknown code is refused).
  Shipping and shipping refunds take the code whose rate best explains their
  tax; a coupon takes the highest-rated code of the order's lines (Neto does
  not say how a coupon is taxed; the sandbox taxes it at GST).
* **RMAs** (Neto's returns and refunds) become customer credit notes
  ``prefix + OrderID + "-R" + RmaID``, dated ``DateIssued``, lines from
  ``RmaLine`` (``ItemNumber`` is the SKU, ``Amount`` the refund per unit as
  the site shows prices), a "Shipping refund" line, allocated to the order's
  invoice for ``RefundTotal``.
* **Versions.** ``DateUpdated`` is the remote version and update time of
  every record an order or RMA gives.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from dataclasses import replace
from datetime import tzinfo
from decimal import Decimal

from pydantic import ValidationError

from connectors.base.shop import Receipt, ShopSettings, customer_records, order_payments, tax_code
from connectors.neto.values import NetoRecord
from datashare.model import (
    Address,
    CreditNote,
    CreditNoteType,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    ItemStatus,
    LineAmountType,
)
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["TAX_RATES", "customer_to_canonical", "item_to_canonical", "order_to_canonical", "rma_to_canonical"]

TAX_RATES: dict[str, Decimal] = {"GST": Decimal(10), "FRE": Decimal(0)}
"""Neto's usual AU tax codes and their percentages (a site may name others: pass its own table)."""

_SKU_LIMIT = 30


def _address(r: NetoRecord, group: str, prefix: str) -> Address | None:
    raw = r.raw.get(group)
    if raw in (None, ""):
        return None
    a = NetoRecord(raw, f"{r.where}: {group}")
    data = {
        "line1": a.text(f"{prefix}StreetLine1"),
        "line2": a.text(f"{prefix}StreetLine2"),
        "city": a.text(f"{prefix}City"),
        "region": a.text(f"{prefix}State"),
        "postal_code": a.text(f"{prefix}PostCode"),
        "country": a.text(f"{prefix}Country"),
    }
    if not any(data.values()):
        return None
    try:
        return Address(**data)
    except ValueError as error:  # pydantic's ValidationError: a country that is not a country code...
        reason = "; ".join(e["msg"] for e in error.errors()) if isinstance(error, ValidationError) else str(error)
        raise MappingError(f"{r.where}: {group}: {reason}") from None


def customer_to_canonical(raw: dict[str, t.Any], refs: Refs, tz: tzinfo) -> list[Mapped]:
    """A Neto customer as an organization and its primary person, known by its Username."""
    r = NetoRecord(raw, "Neto Customer")
    username = r.required("Username", "missing: orders name their customer by it")
    r.where = f"Neto Customer {username}"
    bill = NetoRecord(r.raw.get("BillingAddress") or {}, f"{r.where}: BillingAddress")
    return customer_records(
        refs,
        username,
        first_name=bill.text("BillFirstName"),
        last_name=bill.text("BillLastName"),
        email=r.text("EmailAddress"),
        company=bill.text("BillCompany"),
        phone=bill.text("BillPhone"),
        billing=_address(r, "BillingAddress", "Bill"),
        shipping=_address(r, "ShippingAddress", "Ship"),
        version=r.text("DateUpdated"),
        updated_at=r.moment("DateUpdated", tz),
        where=r.where,
    )


def item_to_canonical(raw: dict[str, t.Any], refs: Refs, settings: ShopSettings, tz: tzinfo) -> list[Mapped]:
    """A Neto item as an ``Item`` known by its SKU."""
    r = NetoRecord(raw, "Neto Item")
    sku = r.text("SKU")
    if sku is None:
        raise r.fail("SKU", "no SKU: Xero items are matched by code")
    r.where = f"Neto Item {sku}"
    if len(sku) > _SKU_LIMIT:
        raise r.fail("SKU", f"longer than {_SKU_LIMIT} characters, the most a Xero item code holds")
    price = r.money("DefaultPrice", default=Decimal(0))
    inclusive = r.flag("TaxInclusive", default=False)
    item = r.build(
        Item,
        {
            "code": sku,
            "reference": sku,
            "name": (r.text("Name") or sku)[:50],
            "description": r.text("Description"),
            "is_sold": True,
            "is_purchased": False,
            "status": ItemStatus.ACTIVE if r.flag("IsActive", default=True) else ItemStatus.INACTIVE,
            "sale_price": {"currency": settings.currency, "total_amount" if inclusive else "net_amount": price},
        },
    )
    return [Mapped("items", sku, item, r.text("DateUpdated"), r.moment("DateUpdated", tz))]


class _Taxes:
    """The tax codes a document uses, each returned once, looked up in the site's table."""

    def __init__(self, rates: Mapping[str, Decimal], refs: Refs) -> None:
        self.rates = rates
        self.refs = refs
        self.found: dict[str, Mapped] = {}

    def code(self, line: NetoRecord, key: str = "TaxCode") -> str:
        """The tax code a line names, which must be in the table."""
        code = line.required(key, "missing: the line's tax cannot be told")
        if code not in self.rates:
            raise line.fail(key, f"unknown tax code (known: {', '.join(sorted(self.rates)) or 'none'})")
        return code

    def ref(self, code: str) -> t.Any:
        """The hub id of a code's tax code record, noting the record."""
        if code not in self.found:
            self.found[code] = tax_code(code, self.rates[code])
        return self.refs.hub_id("tax_codes", self.found[code].remote_id)

    def explaining(self, amount: Decimal, tax: Decimal, inclusive: bool) -> str:
        """The code whose rate best explains ``tax`` on ``amount`` (shipping, which carries no code)."""
        if not self.rates:
            raise MappingError("no tax codes are configured")

        def error(code: str) -> Decimal:
            rate = self.rates[code]
            expected = amount * rate / (100 + rate) if inclusive else amount * rate / 100
            return abs(expected - tax)

        return min(sorted(self.rates), key=error)


def _customer(r: NetoRecord, what: str) -> str:
    username = r.text("Username")
    if username is None:
        raise MappingError(
            f"{r.where}: no customer (a guest {what}): Xero needs a contact on every invoice and credit note"
        )
    return username


def _stamped(records: list[Mapped], r: NetoRecord, tz: tzinfo) -> list[Mapped]:
    version, when = r.text("DateUpdated"), r.moment("DateUpdated", tz)
    return [replace(m, remote_version=version, remote_updated_at=when) for m in records]


def _receipts(r: NetoRecord, tz: tzinfo) -> list[Receipt]:
    """Each ``OrderPayment`` entry: what it paid, on the site-local date it was paid."""
    found: list[Receipt] = []
    for payment in r.rows("OrderPayment"):
        key = payment.required("Id", "missing: a payment is known by it")
        payment.where = f"{r.where}: OrderPayment {key}"
        paid_on = payment.day("DatePaid", tz)
        if paid_on is None:
            raise payment.fail("DatePaid", "missing")
        found.append(Receipt(paid_on, payment.money("Amount"), key))
    return found


def order_to_canonical(
    raw: dict[str, t.Any], refs: Refs, settings: ShopSettings, rates: Mapping[str, Decimal], tz: tzinfo
) -> list[Mapped]:
    """A Neto order as its tax codes, a customer invoice and a payment per ``OrderPayment`` entry."""
    r = NetoRecord(raw, "Neto Order")
    order_id = r.required("OrderID")
    r.where = f"Neto Order {order_id}"
    username = _customer(r, "order")
    number = settings.invoice_number(order_id)
    currency = settings.currency
    inclusive = r.flag("TaxInclusive")
    price = "total_amount" if inclusive else "net_amount"
    taxes = _Taxes(rates, refs)
    lines: list[dict[str, t.Any]] = []
    for line in r.rows("OrderLine"):
        sku = line.required("SKU", "no SKU: the line cannot name its item")
        quantity = line.money("Quantity")
        if quantity <= 0:
            raise line.fail("Quantity", "not positive")
        code = taxes.code(line)
        percent = line.money("PercentDiscount", default=Decimal(0))
        lines.append(
            {
                "item_id": refs.hub_id("items", sku),
                "description": line.text("ProductName") or sku,
                "quantity": quantity,
                "unit_price": {"currency": currency, price: line.money("UnitPrice")},
                "reduction_percent": percent or None,
                "tax_code_id": taxes.ref(code),
            }
        )
        off = line.money("ProductDiscount", default=Decimal(0))
        if off > 0:
            lines.append(_charge(f"Discount {sku}", -off, currency, price, taxes.ref(code)))
    if not lines:
        raise r.fail("OrderLine", "no lines")
    shipping = r.money("ShippingTotal", default=Decimal(0))
    if shipping > 0:
        code = taxes.explaining(shipping, r.money("ShippingTax", default=Decimal(0)), inclusive)
        title = r.text("ShippingOption") or "shipping"
        lines.append(_charge(f"Shipping: {title}", shipping, currency, price, taxes.ref(code)))
    coupon = r.money("CouponDiscount", default=Decimal(0))
    if coupon > 0:
        code = max(taxes.found, key=lambda c: (rates[c], c))
        lines.append(_charge(f"Discount {r.text('CouponCode') or 'coupon'}", -coupon, currency, price, taxes.ref(code)))
    total, tax = r.money("GrandTotal"), r.money("OrderTax", default=Decimal(0))
    placed = r.day("DatePlaced", tz)
    if placed is None:
        raise r.fail("DatePlaced", "missing")
    cancelled = (r.text("OrderStatus") or "").lower() == "cancelled"
    invoice = r.build(
        Invoice,
        {
            "type": InvoiceType.CUSTOMER,
            "transaction_number": number,
            "reference": order_id,
            "transaction_date": placed,
            "due_date": placed,
            "currency": currency,
            "organization_id": refs.hub_id("organizations", username),
            "person_id": refs.hub_id("people", username),
            "line_amount_type": LineAmountType.INCLUSIVE if inclusive else LineAmountType.EXCLUSIVE,
            "lines": lines,
            "amount": {"currency": currency, "total_amount": total, "tax_amount": tax, "net_amount": total - tax},
            "status": DocumentStatus.VOIDED if cancelled else DocumentStatus.AUTHORISED,
        },
    )
    found = [*taxes.found.values(), Mapped("invoices", order_id, invoice)]
    paid_on = r.day("DatePaid", tz)
    found += order_payments(
        refs,
        _receipts(r, tz),
        invoice_remote_id=order_id,
        number=number,
        currency=currency,
        organization_remote_id=username,
        # Marked paid with no payment entry read: the order's total was received, on the day Neto says.
        paid_in_full=Receipt(paid_on, total) if paid_on is not None else None,
        cancelled=cancelled,
    )
    return _stamped(found, r, tz)


def _charge(description: str, amount: Decimal, currency: str, price: str, tax_code_id: t.Any) -> dict[str, t.Any]:
    """A line without an item: shipping, a discount (a negative price, never a negative quantity)."""
    return {
        "description": description,
        "quantity": Decimal(1),
        "unit_price": {"currency": currency, price: amount},
        "tax_code_id": tax_code_id,
    }


def rma_to_canonical(
    raw: dict[str, t.Any], refs: Refs, settings: ShopSettings, rates: Mapping[str, Decimal], tz: tzinfo
) -> list[Mapped]:
    """A Neto RMA (a return and its refund) as its tax codes and a customer credit note on the order's invoice."""
    r = NetoRecord(raw, "Neto Rma")
    rma_id = r.required("RmaID")
    r.where = f"Neto Rma {rma_id}"
    order_id = r.required("OrderID", "missing: a refund belongs to an order")
    username = _customer(r, "order's refund")
    currency = settings.currency
    inclusive = r.flag("TaxInclusive")
    price = "total_amount" if inclusive else "net_amount"
    taxes = _Taxes(rates, refs)
    lines: list[dict[str, t.Any]] = []
    line_tax = Decimal(0)
    for line in r.rows("RmaLine"):
        sku = line.required("ItemNumber", "no SKU: the line cannot name its item")
        quantity = line.money("Quantity")
        if quantity <= 0:
            raise line.fail("Quantity", "not positive")
        line_tax += line.money("Tax", default=Decimal(0))
        lines.append(
            {
                "item_id": refs.hub_id("items", sku),
                "description": line.text("ProductName") or sku,
                "quantity": quantity,
                "unit_price": {"currency": currency, price: line.money("Amount")},
                "tax_code_id": taxes.ref(taxes.code(line)),
            }
        )
    total, tax = r.money("RefundTotal"), r.money("RefundTaxTotal", default=Decimal(0))
    shipping = r.money("ShippingRefundAmount", default=Decimal(0))
    if shipping > 0:
        code = taxes.explaining(shipping, tax - line_tax, inclusive)
        lines.append(_charge("Shipping refund", shipping, currency, price, taxes.ref(code)))
    if not lines:
        raise r.fail("RmaLine", "no lines: nothing was refunded")
    issued = r.day("DateIssued", tz)
    if issued is None:
        raise r.fail("DateIssued", "missing")
    note = r.build(
        CreditNote,
        {
            "type": CreditNoteType.CUSTOMER,
            "transaction_number": f"{settings.invoice_number(order_id)}-R{rma_id}",
            "reference": f"RMA {rma_id} of {order_id}",
            "transaction_date": issued,
            "currency": currency,
            "organization_id": refs.hub_id("organizations", username),
            "person_id": refs.hub_id("people", username),
            "line_amount_type": LineAmountType.INCLUSIVE if inclusive else LineAmountType.EXCLUSIVE,
            "lines": lines,
            "amount": {"currency": currency, "total_amount": total, "tax_amount": tax, "net_amount": total - tax},
            "status": DocumentStatus.VOIDED
            if (r.text("RmaStatus") or "").lower() == "cancelled"
            else DocumentStatus.AUTHORISED,
            "allocations": [{"invoice_id": refs.hub_id("invoices", order_id), "amount": total}],
        },
    )
    return _stamped([*taxes.found.values(), Mapped("credit_notes", rma_id, note)], r, tz)
