"""Orders: what checkout does, and the edits and cancellation an order allows.

- An order line of a configurable product's child becomes two items, as in
  Magento: the parent (``product_type`` configurable, the parent's product
  id, the child's SKU, the price) and the child (``parent_item_id``, price
  0, the simple product's SKU and id).
- Taxes: each taxable item and the shipping carry the store's rate, computed
  on the row after its discount and rounded half up to cents per row.
- ``discount_amount`` is positive on items and negative on the order, as
  Magento shows them; ``grand_total = subtotal + shipping + tax - discount``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.magento.errors import MagentoError
from sandbox.magento.values import cents

if TYPE_CHECKING:
    from sandbox.magento.state import MagentoState

__all__ = ["cancel_order", "edit_order", "place_order"]

_ZERO = Decimal(0)
_COMPUTED = frozenset(
    {
        "entity_id", "increment_id", "created_at", "updated_at", "items", "subtotal", "tax_amount", "grand_total",
        "discount_amount", "total_paid", "total_due", "total_invoiced", "total_refunded", "shipping_tax_amount",
        "shipping_incl_tax", "subtotal_incl_tax", "extension_attributes", "status_histories", "shipping_invoiced",
    }
)  # fmt: skip


def _item(
    state: MagentoState, order_id: int, product: Mapping[str, Any], qty: Decimal, **fields: Any
) -> dict[str, Any]:
    now = state.now_stamp()
    return {
        "item_id": state.new_id("order_items"),
        "order_id": order_id,
        "sku": product["sku"],
        "name": product["name"],
        "product_id": product["id"],
        "product_type": product["type_id"],
        "qty_ordered": qty,
        "qty_invoiced": _ZERO,
        "qty_refunded": _ZERO,
        "qty_canceled": _ZERO,
        "row_invoiced": _ZERO,
        "tax_invoiced": _ZERO,
        "discount_invoiced": _ZERO,
        "price": _ZERO,
        "base_price": _ZERO,
        "original_price": _ZERO,
        "price_incl_tax": _ZERO,
        "row_total": _ZERO,
        "row_total_incl_tax": _ZERO,
        "tax_amount": _ZERO,
        "tax_percent": _ZERO,
        "discount_amount": _ZERO,
        "discount_percent": _ZERO,
        "created_at": now,
        "updated_at": now,
        **fields,
    }


def _priced(item: dict[str, Any], price: Decimal, rate: Decimal, discount_percent: Decimal) -> None:
    qty = Decimal(item["qty_ordered"])
    row = cents(price * qty)
    discount = cents(row * discount_percent / 100)
    tax = cents((row - discount) * rate / 100)
    item.update(
        price=price,
        base_price=price,
        original_price=price,
        price_incl_tax=cents(price * (100 + rate) / 100),
        row_total=row,
        row_total_incl_tax=row + cents(row * rate / 100),
        tax_amount=tax,
        tax_percent=rate,
        discount_amount=discount,
        discount_percent=discount_percent,
    )


def _items(
    state: MagentoState, order_id: int, lines: Sequence[tuple[str, int]], discount_percent: Decimal
) -> list[dict[str, Any]]:
    if not lines:
        raise MagentoError(400, "The order has no items.")
    items: list[dict[str, Any]] = []
    for sku, quantity in lines:
        qty = Decimal(quantity)
        if qty <= 0:
            raise MagentoError(400, "The requested qty is not available")
        product = state.product(sku)
        if product["type_id"] == "configurable":
            raise MagentoError(400, "You need to choose options for your item.")
        if product["status"] != 1:
            raise MagentoError(400, "Product that you are trying to add is not available.")
        price, rate = Decimal(product["price"]), state.tax_percent(product)
        parent_id = state.parent_of.get(product["id"])
        if parent_id is None:
            item = _item(state, order_id, product, qty)
            _priced(item, price, rate, discount_percent)
            items.append(item)
            continue
        parent_product = state.tables["products"][parent_id]
        parent = _item(state, order_id, parent_product, qty, sku=product["sku"])
        _priced(parent, price, rate, discount_percent)
        child = _item(state, order_id, product, qty, parent_item_id=parent["item_id"])
        items.extend((parent, child))
    return items


def _totals(state: MagentoState, order: dict[str, Any]) -> None:
    """Work the order's sums out from its items, shipping and discount."""
    items = order["items"]
    subtotal = sum((i["row_total"] for i in items), _ZERO)
    discount = sum((i["discount_amount"] for i in items), _ZERO)
    shipping = Decimal(order["shipping_amount"])
    shipping_tax = cents(shipping * state.tax_rate / 100)
    tax = sum((i["tax_amount"] for i in items), _ZERO) + shipping_tax
    grand = subtotal + shipping + tax - discount
    order.update(
        subtotal=subtotal,
        subtotal_incl_tax=sum((i["row_total_incl_tax"] for i in items), _ZERO),
        shipping_tax_amount=shipping_tax,
        shipping_incl_tax=shipping + shipping_tax,
        discount_amount=-discount,
        tax_amount=tax,
        grand_total=grand,
        base_grand_total=grand,
        total_due=grand - Decimal(order.get("total_paid") or 0),
        total_qty_ordered=sum((Decimal(i["qty_ordered"]) for i in items if not i.get("parent_item_id")), _ZERO),
    )
    applied = []
    if tax > 0:
        applied.append(
            {
                "code": state.tax_title,
                "title": state.tax_title,
                "percent": state.tax_rate,
                "amount": tax,
                "base_amount": tax,
            }
        )
    assignment = order["extension_attributes"]["shipping_assignments"][0]
    assignment["shipping"]["total"] = {
        "shipping_amount": shipping,
        "shipping_tax_amount": shipping_tax,
        "shipping_incl_tax": shipping + shipping_tax,
    }
    assignment["items"] = items
    order["extension_attributes"]["applied_taxes"] = applied


def _address(
    state: MagentoState, customer: Mapping[str, Any] | None, guest: Mapping[str, str], kind: str
) -> dict[str, Any]:
    source: Mapping[str, Any] = customer["addresses"][0] if customer and customer.get("addresses") else {}
    region = source.get("region") or {}
    return {
        "address_type": kind,
        "entity_id": state.new_id("addresses"),
        "firstname": source.get("firstname") or guest.get("firstname", ""),
        "lastname": source.get("lastname") or guest.get("lastname", ""),
        "company": source.get("company"),
        "street": list(source.get("street") or [guest.get("street", "1 Pitt Street")]),
        "city": source.get("city") or guest.get("city", "Sydney"),
        "region": region.get("region", "New South Wales"),
        "region_code": region.get("region_code", "NSW"),
        "postcode": source.get("postcode") or guest.get("postcode", "2000"),
        "country_id": source.get("country_id") or guest.get("country_id", "AU"),
        "telephone": source.get("telephone") or guest.get("telephone", ""),
        "email": customer["email"] if customer else guest.get("email", ""),
    }


def place_order(
    state: MagentoState,
    customer_id: int | None,
    lines: Sequence[tuple[str, int]],
    *,
    shipping: Decimal | str | int = Decimal("9.95"),
    shipping_description: str = "Flat Rate - Fixed",
    discount_percent: Decimal | str | int = 0,
    coupon_code: str | None = None,
    guest: Mapping[str, str] | None = None,
    payment_method: str = "checkmo",
) -> dict[str, Any]:
    """A new order of ``(sku, qty)`` lines, state ``new``.

    ``customer_id`` None places a guest order: ``guest`` gives its email and
    names. ``discount_percent`` takes that share off every item (a cart rule,
    ``coupon_code`` naming it).
    """
    with state.lock:
        customer = state.customer(customer_id) if customer_id is not None else None
        who: Mapping[str, Any] = (
            customer or guest or {"email": "guest@example.com", "firstname": "Guest", "lastname": "Shopper"}
        )
        order_id = state.new_id("orders")
        percent = Decimal(discount_percent)
        items = _items(state, order_id, lines, percent)
        now = state.now_stamp()
        order: dict[str, Any] = {
            "entity_id": order_id,
            "increment_id": state.increment_id("orders"),
            "state": "new",
            "status": "pending",
            "store_id": 1,
            "customer_id": customer_id,
            "customer_is_guest": 1 if customer is None else 0,
            "customer_group_id": 1 if customer else 0,
            "customer_email": who.get("email"),
            "customer_firstname": who.get("firstname"),
            "customer_lastname": who.get("lastname"),
            "created_at": now,
            "updated_at": now,
            "order_currency_code": state.currency,
            "base_currency_code": state.currency,
            "global_currency_code": state.currency,
            "store_currency_code": state.currency,
            "shipping_amount": cents(shipping),
            "shipping_description": shipping_description,
            "discount_description": coupon_code if percent else None,
            "coupon_code": coupon_code if percent else None,
            "total_paid": _ZERO,
            "total_invoiced": _ZERO,
            "shipping_invoiced": _ZERO,
            "total_refunded": _ZERO,
            "items": items,
            "billing_address": _address(state, customer, guest or {}, "billing"),
            "payment": {
                "method": payment_method,
                "amount_ordered": _ZERO,
                "amount_paid": _ZERO,
                "additional_information": [],
            },
            "status_histories": [],
            "extension_attributes": {
                "shipping_assignments": [
                    {
                        "shipping": {
                            "address": _address(state, customer, guest or {}, "shipping"),
                            "method": "flatrate_flatrate",
                        },
                        "items": [],
                    }
                ],
            },
        }
        _totals(state, order)
        order["payment"]["amount_ordered"] = order["grand_total"]
        state.tables["orders"][order_id] = order
        return order


def edit_order(
    state: MagentoState, order_id: int, *, lines: Sequence[tuple[str, int]] | None = None, **fields: Any
) -> dict[str, Any]:
    """Change an order's own fields (``customer_email``, ``shipping_amount``, ``status``…) or, while nothing is invoiced, its lines.

    Magento's admin would cancel and re-place an order to change its lines;
    the emulator edits in place so tests can check that an edited order
    updates the same invoice. Totals are worked out again.
    """
    with state.lock:
        order = state.order(order_id)
        for name in fields:
            if name in _COMPUTED:
                raise MagentoError(
                    400, "The order field %fieldName is computed and cannot be set.", {"fieldName": name}
                )
            if name not in order:
                raise MagentoError(400, '"%fieldName" is not an order field.', {"fieldName": name})
        if lines is not None:
            if order["total_invoiced"] > 0 or order["state"] in ("canceled", "closed"):
                raise MagentoError(400, "An invoiced or closed order's items cannot be changed.")
            percent = Decimal(order["items"][0]["discount_percent"]) if order["items"] else _ZERO
            order["items"] = _items(state, order_id, lines, percent)
        if "shipping_amount" in fields:
            fields = {**fields, "shipping_amount": cents(fields["shipping_amount"])}
        order.update(fields)
        _totals(state, order)
        order["payment"]["amount_ordered"] = order["grand_total"]
        order["updated_at"] = state.now_stamp()
        return order


def cancel_order(state: MagentoState, order_id: int) -> dict[str, Any]:
    """Cancel an order nothing of which is invoiced yet."""
    with state.lock:
        order = state.order(order_id)
        if order["total_invoiced"] > 0 or order["state"] in ("canceled", "closed", "complete"):
            raise MagentoError(400, "You can't cancel this order.")
        now = state.now_stamp()
        for item in order["items"]:
            item["qty_canceled"] = item["qty_ordered"]
            item["updated_at"] = now
        order.update(state="canceled", status="canceled", total_due=_ZERO, updated_at=now)
        return order
