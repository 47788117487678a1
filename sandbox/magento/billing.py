"""Invoices and credit memos: what ``order/{id}/invoice`` and ``order/{id}/refund`` do to an order.

Magento takes money by invoicing, and an order may be invoiced in parts: an
invoice of some quantities of some items (``items``), then another of the
rest. Each invoice carries its items' share of the row totals, tax and
discount (the last quantity of an item takes what is left, so the invoices
of an order add up to it to the cent) and, on the first invoice only, all
of the shipping and its tax, as Magento's invoice totals do. Invoicing with
capture takes the invoice's total: ``total_paid`` grows by it, ``total_due``
is what is left, the order is ``processing`` and a status history comment
says what was captured. A credit memo raises ``total_refunded``, and an
order refunded in full is ``closed``. A credit memo is only possible once an
order is invoiced.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.magento.errors import MagentoError
from sandbox.magento.values import cents

if TYPE_CHECKING:
    from sandbox.magento.state import MagentoState

__all__ = ["invoice_order", "refund_order"]

_ZERO = Decimal(0)


def _invoiced_part(row: dict[str, Any], qty: Decimal, last: bool) -> tuple[Decimal, Decimal, Decimal]:
    """The row total, tax and discount an invoice of ``qty`` of an order item carries (the last takes the rest)."""
    if last:
        return (
            row["row_total"] - row["row_invoiced"],
            row["tax_amount"] - row["tax_invoiced"],
            row["discount_amount"] - row["discount_invoiced"],
        )
    ordered = Decimal(row["qty_ordered"])
    return (
        _share(row["row_total"], qty, ordered),
        _share(row["tax_amount"], qty, ordered),
        _share(row["discount_amount"], qty, ordered),
    )


def invoice_order(
    state: MagentoState, order_id: int, *, capture: bool = True, items: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """An invoice of ``items`` (``{sku: qty}``; None: everything not yet invoiced); ``capture`` takes the money."""
    with state.lock:
        order = state.order(order_id)
        children = {i["parent_item_id"]: i for i in order["items"] if i.get("parent_item_id")}
        open_items = [
            i
            for i in order["items"]
            if not i.get("parent_item_id") and i["qty_ordered"] > i["qty_invoiced"] + i["qty_canceled"]
        ]
        if order["state"] in ("canceled", "closed", "holded") or not open_items:
            raise MagentoError(400, "The order does not allow an invoice to be created.")
        wanted = {sku.casefold(): Decimal(q) for sku, q in (items or {}).items()}
        invoice_id = state.new_id("invoices")
        now = state.now_stamp()
        lines = []
        for item in open_items:
            left = item["qty_ordered"] - item["qty_invoiced"] - item["qty_canceled"]
            qty = left if items is None else wanted.pop(item["sku"].casefold(), _ZERO)
            if qty > left:
                raise MagentoError(400, 'We found an invalid quantity to invoice item "%1".', [item["name"]])
            if qty <= 0:
                continue
            for row in (item, children.get(item["item_id"])):
                if row is None:
                    continue
                row_total, tax, discount = _invoiced_part(row, qty, qty == left)
                lines.append(
                    {
                        "entity_id": state.new_id("entity_items"),
                        "parent_id": invoice_id,
                        "order_item_id": row["item_id"],
                        "product_id": row["product_id"],
                        "sku": row["sku"],
                        "name": row["name"],
                        "qty": qty,
                        "price": row["price"],
                        "price_incl_tax": row["price_incl_tax"],
                        "row_total": row_total,
                        "row_total_incl_tax": row_total + tax,
                        "tax_amount": tax,
                        "discount_amount": discount,
                    }
                )
                row["qty_invoiced"] += qty
                row["row_invoiced"] += row_total
                row["tax_invoiced"] += tax
                row["discount_invoiced"] += discount
                row["updated_at"] = now
        if wanted:
            raise MagentoError(400, "The invoice contains one or more items that are not part of the original order.")
        if not lines:
            raise MagentoError(400, "The invoice can't be created without products. Add products and try again.")
        first = not any(
            i["order_id"] == order_id for i in state.tables["invoices"].values() if i["entity_id"] != invoice_id
        )
        shipping = Decimal(order["shipping_amount"]) if first else _ZERO
        shipping_tax = Decimal(order["shipping_tax_amount"]) if first else _ZERO
        # A configurable's child line carries nothing of its own (price 0): its parent's line holds the money.
        parents = [line for line in lines if line["order_item_id"] not in {c["item_id"] for c in children.values()}]
        subtotal = sum((line["row_total"] for line in parents), _ZERO)
        discount = sum((line["discount_amount"] for line in parents), _ZERO)
        tax = sum((line["tax_amount"] for line in parents), _ZERO) + shipping_tax
        grand = subtotal + shipping + tax - discount
        invoice = {
            "entity_id": invoice_id,
            "order_id": order_id,
            "increment_id": state.increment_id("invoices"),
            "state": 2 if capture else 1,
            "store_id": 1,
            "order_currency_code": order["order_currency_code"],
            "base_currency_code": order["base_currency_code"],
            "subtotal": subtotal,
            "tax_amount": tax,
            "shipping_amount": shipping,
            "shipping_tax_amount": shipping_tax,
            "discount_amount": -discount,
            "grand_total": grand,
            "total_qty": sum((line["qty"] for line in parents), _ZERO),
            "created_at": now,
            "updated_at": now,
            "items": lines,
        }
        state.tables["invoices"][invoice_id] = invoice
        order["total_invoiced"] = Decimal(order["total_invoiced"]) + grand
        order["shipping_invoiced"] = Decimal(order["shipping_invoiced"]) + shipping
        if capture:
            order["total_paid"] = Decimal(order["total_paid"]) + grand
            order["total_due"] = order["grand_total"] - order["total_paid"]
            order["payment"]["amount_paid"] = order["total_paid"]
            order["status_histories"].append(
                {
                    "comment": f"Captured amount of {order['order_currency_code']} {grand} online.",
                    "created_at": now,
                    "entity_name": "invoice",
                    "parent_id": order_id,
                    "status": "processing",
                }
            )
        order.update(state="processing", status="processing", updated_at=now)
        return invoice


def _share(amount: Decimal, qty: Decimal, of: Decimal) -> Decimal:
    return cents(amount * qty / of) if of else _ZERO


def refund_order(
    state: MagentoState,
    order_id: int,
    items: Mapping[str, int] | None = None,
    *,
    shipping: Decimal | str | int | None = None,
    adjustment_positive: Decimal | str | int = 0,
    adjustment_negative: Decimal | str | int = 0,
) -> dict[str, Any]:
    """A credit memo for an invoiced order: ``items`` ``{sku: qty}`` (None: all not yet refunded).

    ``shipping`` is the shipping refunded (None: all of it when every item is
    refunded, else none); adjustments add to or take from the refund, untaxed.
    """
    with state.lock:
        order = state.order(order_id)
        invoices = [i for i in state.tables["invoices"].values() if i["order_id"] == order_id]
        if not invoices or order["state"] == "canceled":
            raise MagentoError(400, "The order does not allow a creditmemo to be created.")
        wanted = {sku.casefold(): Decimal(q) for sku, q in (items or {}).items()}
        children = {i["parent_item_id"]: i for i in order["items"] if i.get("parent_item_id")}
        memo_id = state.new_id("creditmemos")
        now = state.now_stamp()
        lines: list[dict[str, Any]] = []
        for item in order["items"]:
            if item.get("parent_item_id"):
                continue
            left = item["qty_invoiced"] - item["qty_refunded"]
            qty = left if items is None else wanted.pop(item["sku"].casefold(), _ZERO)
            if qty > left:
                raise MagentoError(400, "The most you can refund is %1.", [str(left)])
            if qty <= 0:
                continue
            ordered = Decimal(item["qty_ordered"])
            for row in (item, children.get(item["item_id"])):
                if row is None:
                    continue
                lines.append(
                    {
                        "entity_id": state.new_id("entity_items"),
                        "parent_id": memo_id,
                        "order_item_id": row["item_id"],
                        "product_id": row["product_id"],
                        "sku": row["sku"],
                        "name": row["name"],
                        "qty": qty,
                        "price": row["price"],
                        "price_incl_tax": row["price_incl_tax"],
                        "row_total": cents(row["price"] * qty),
                        "row_total_incl_tax": cents(row["price_incl_tax"] * qty),
                        "tax_amount": _share(row["tax_amount"], qty, ordered),
                        "discount_amount": _share(row["discount_amount"], qty, ordered),
                    }
                )
                row["qty_refunded"] += qty
                row["updated_at"] = now
        if wanted:
            raise MagentoError(400, "The creditmemo contains items that are not in the order: %1", [", ".join(wanted)])
        everything = all(i["qty_refunded"] >= i["qty_ordered"] for i in order["items"])
        ship = cents(shipping) if shipping is not None else (Decimal(order["shipping_amount"]) if everything else _ZERO)
        ship_tax = cents(ship * state.tax_rate / 100)
        plus, minus = cents(adjustment_positive), cents(adjustment_negative)
        subtotal = sum((line["row_total"] for line in lines), _ZERO)
        discount = sum((line["discount_amount"] for line in lines), _ZERO)
        tax = sum((line["tax_amount"] for line in lines), _ZERO) + ship_tax
        grand = subtotal + ship + tax - discount + plus - minus
        if grand <= 0:
            raise MagentoError(400, "The credit memo's total must be positive. Verify the totals and try again.")
        memo = {
            "entity_id": memo_id,
            "order_id": order_id,
            "invoice_id": invoices[-1]["entity_id"],
            "increment_id": state.increment_id("creditmemos"),
            "state": 2,
            "store_id": 1,
            "order_currency_code": order["order_currency_code"],
            "base_currency_code": order["base_currency_code"],
            "subtotal": subtotal,
            "tax_amount": tax,
            "shipping_amount": ship,
            "shipping_tax_amount": ship_tax,
            "shipping_incl_tax": ship + ship_tax,
            "discount_amount": -discount,
            "adjustment_positive": plus,
            "adjustment_negative": minus,
            "adjustment": plus - minus,
            "grand_total": grand,
            "created_at": now,
            "updated_at": now,
            "items": lines,
        }
        state.tables["creditmemos"][memo_id] = memo
        order["total_refunded"] = Decimal(order["total_refunded"]) + grand
        if everything:
            order.update(state="closed", status="closed")
        order["updated_at"] = now
        return memo
