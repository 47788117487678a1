"""Invoices and credit memos: what ``order/{id}/invoice`` and ``order/{id}/refund`` do to an order.

Invoicing with capture makes the order paid (``total_paid = grand_total``,
state ``processing``) and adds a status history comment; a credit memo
raises ``total_refunded``, and an order refunded in full is ``closed``.
A credit memo is only possible once an order is invoiced.
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


def invoice_order(state: MagentoState, order_id: int, *, capture: bool = True) -> dict[str, Any]:
    """An invoice of everything not yet invoiced; ``capture`` takes the money (the order becomes paid)."""
    with state.lock:
        order = state.order(order_id)
        open_items = [i for i in order["items"] if i["qty_ordered"] > i["qty_invoiced"]]
        if order["state"] in ("canceled", "closed", "holded") or not open_items:
            raise MagentoError(400, "The order does not allow an invoice to be created.")
        invoice_id = state.new_id("invoices")
        now = state.now_stamp()
        lines = []
        for item in open_items:
            lines.append(
                {
                    "entity_id": state.new_id("entity_items"),
                    "parent_id": invoice_id,
                    "order_item_id": item["item_id"],
                    "product_id": item["product_id"],
                    "sku": item["sku"],
                    "name": item["name"],
                    "qty": item["qty_ordered"] - item["qty_invoiced"],
                    "price": item["price"],
                    "price_incl_tax": item["price_incl_tax"],
                    "row_total": item["row_total"],
                    "row_total_incl_tax": item["row_total_incl_tax"],
                    "tax_amount": item["tax_amount"],
                    "discount_amount": item["discount_amount"],
                }
            )
            item["qty_invoiced"] = item["qty_ordered"]
            item["updated_at"] = now
        invoice = {
            "entity_id": invoice_id,
            "order_id": order_id,
            "increment_id": state.increment_id("invoices"),
            "state": 2 if capture else 1,
            "store_id": 1,
            "order_currency_code": order["order_currency_code"],
            "base_currency_code": order["base_currency_code"],
            "subtotal": order["subtotal"],
            "tax_amount": order["tax_amount"],
            "shipping_amount": order["shipping_amount"],
            "shipping_tax_amount": order["shipping_tax_amount"],
            "discount_amount": order["discount_amount"],
            "grand_total": order["grand_total"],
            "total_qty": order["total_qty_ordered"],
            "created_at": now,
            "updated_at": now,
            "items": lines,
        }
        state.tables["invoices"][invoice_id] = invoice
        order["total_invoiced"] = order["grand_total"]
        if capture:
            order["total_paid"] = order["grand_total"]
            order["total_due"] = _ZERO
            order["payment"]["amount_paid"] = order["grand_total"]
            order["status_histories"].append(
                {
                    "comment": f"Captured amount of {order['order_currency_code']} {order['grand_total']} online.",
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
