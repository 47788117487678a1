"""The endpoints' work: each takes the request, the store and the path's arguments, and returns the JSON answer.

Reads answer records as stored (``wire`` turns money into numbers); writes
go through the state's API, so REST and tests change a store the same way.
Bodies are Magento's: ``{"customer": {...}}``, ``{"product": {...}}``,
``{"capture": true, "items": [{"order_item_id", "qty"}]}`` (no items: all of
them), ``{"items": [{"order_item_id", "qty"}], "arguments":
{"shipping_amount", "adjustment_positive", "adjustment_negative"}}``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request

from sandbox.magento.errors import MagentoError, no_such_entity
from sandbox.magento.search import ID_FIELDS, SEARCHABLE, parse_criteria, run_search
from sandbox.magento.state import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MagentoState
from sandbox.magento.values import wire

__all__ = [
    "Handler",
    "admin_token",
    "cancel_order",
    "create_customer",
    "create_product",
    "currency",
    "invoice_order",
    "json_body",
    "lister",
    "numeric_id",
    "read_product",
    "reader",
    "refund_order",
    "update_customer",
    "update_product",
    "update_stock_item",
    "wrapped_body",
]

Handler = Callable[[Request, MagentoState, list[str]], Awaitable[Any]]


async def json_body(request: Request) -> Any:
    """The request's JSON body ({} when empty); Magento's decoding error when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise MagentoError(400, "Decoding error: \nSyntax error") from None


async def wrapped_body(request: Request, key: str) -> dict[str, Any]:
    """The object under ``key`` in the body (``{"customer": {...}}``), or Magento's required-field error."""
    body = await json_body(request)
    inner = body.get(key) if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise MagentoError(400, "%fieldName is a required field.", {"fieldName": key})
    return inner


def numeric_id(value: str, field: str) -> int:
    """A path id as a number; anything else is the record that is not there."""
    if not value.isdigit():
        raise no_such_entity(field, value)
    return int(value)


def lister(table: str) -> Handler:
    """A list endpoint: ``searchCriteria`` over one table, answered as ``{items, search_criteria, total_count}``."""

    async def listing(request: Request, state: MagentoState, _: list[str]) -> Any:
        criteria = parse_criteria(request.query_params.multi_items())
        if state.input_limits:
            size = criteria.get("page_size")
            if size is None:
                criteria["page_size"] = DEFAULT_PAGE_SIZE
            elif size > MAX_PAGE_SIZE:
                raise MagentoError(400, "Maximum SearchCriteria pageSize is %max", {"max": MAX_PAGE_SIZE})
        with state.lock:
            rows, total = run_search(state.tables[table].values(), criteria, ID_FIELDS[table], SEARCHABLE[table])
            items = wire(rows)
        return {"items": items, "search_criteria": criteria, "total_count": total}

    return listing


def reader(table: str, field: str) -> Handler:
    """A read of one record of ``table`` by its id (``field`` names it in the 404)."""

    async def read(request: Request, state: MagentoState, args: list[str]) -> Any:
        with state.lock:
            record = state.record(table, numeric_id(args[0], field))
            if record is None:
                raise no_such_entity(field, args[0])
            return wire(record)

    return read


async def admin_token(request: Request, state: MagentoState, _: list[str]) -> Any:
    """``POST integration/admin/token``: the admin's new token as a bare JSON string."""
    body = await json_body(request)
    if not isinstance(body, dict):
        raise MagentoError(400, "%fieldName is a required field.", {"fieldName": "username"})
    return state.issue_admin_token(body.get("username"), body.get("password"))


async def create_customer(request: Request, state: MagentoState, _: list[str]) -> Any:
    """``POST customers``: a customer with its first address."""
    customer = await wrapped_body(request, "customer")
    address = (customer.get("addresses") or [{}])[0]
    region = address.get("region") or {}
    options = {
        "company": address.get("company"),
        "street": (address.get("street") or [None])[0],
        "city": address.get("city"),
        "region": region.get("region_code") if isinstance(region, dict) else None,
        "postcode": address.get("postcode"),
        "country_id": address.get("country_id"),
        "telephone": address.get("telephone"),
    }
    for name in ("firstname", "lastname", "email"):
        if not customer.get(name):
            raise MagentoError(400, '"%fieldName" is required. Enter and try again.', {"fieldName": name})
    created = state.add_customer(
        customer["firstname"], customer["lastname"], customer["email"], **{k: v for k, v in options.items() if v}
    )
    return wire(created)


async def update_customer(request: Request, state: MagentoState, args: list[str]) -> Any:
    """``PUT customers/{id}``: change the customer's own fields (addresses are left as they are)."""
    fields = await wrapped_body(request, "customer")
    changes = {k: v for k, v in fields.items() if k not in ("id", "addresses", "created_at", "updated_at")}
    return wire(state.edit_customer(numeric_id(args[0], "customerId"), **changes))


_PRODUCT_FIELDS = ("type_id", "status", "visibility")


async def create_product(request: Request, state: MagentoState, _: list[str]) -> Any:
    """``POST products``: a simple product (tax class and description from ``custom_attributes``)."""
    product = await wrapped_body(request, "product")
    attributes = {
        a.get("attribute_code"): a.get("value") for a in product.get("custom_attributes") or [] if isinstance(a, dict)
    }
    for name in ("sku", "name"):
        if not product.get(name):
            raise MagentoError(400, 'The "%1" attribute value is empty. Set the attribute and try again.', [name])
    try:
        price = Decimal(str(product.get("price", 0)))
    except ArithmeticError:
        raise MagentoError(400, 'The "%1" value\'s type is invalid.', ["price"]) from None
    options: dict[str, Any] = {k: product[k] for k in _PRODUCT_FIELDS if k in product}
    if "tax_class_id" in attributes:
        options["tax_class_id"] = int(str(attributes["tax_class_id"]))
    if "description" in attributes:
        options["description"] = str(attributes["description"])
    return wire(state.add_product(str(product["sku"]), str(product["name"]), price, **options))


async def update_product(request: Request, state: MagentoState, args: list[str]) -> Any:
    """``PUT products/{sku}``: change name, price, status, visibility or weight."""
    fields = await wrapped_body(request, "product")
    changes = {k: v for k, v in fields.items() if k in ("name", "price", "status", "visibility", "weight")}
    return wire(state.edit_product(args[0], **changes))


async def update_stock_item(request: Request, state: MagentoState, args: list[str]) -> Any:
    """``PUT products/{sku}/stockItems/{itemId}``: set the product's ``qty`` and ``is_in_stock``; the item's id.

    As Magento's stock registry does, the product is found by its SKU (the
    item id in the path is not checked against it).
    """
    fields = await wrapped_body(request, "stockItem")
    changes: dict[str, Any] = {}
    if "qty" in fields:
        try:
            changes["qty"] = Decimal(str(fields["qty"]))
        except ArithmeticError:
            raise MagentoError(400, 'The "%1" value\'s type is invalid.', ["qty"]) from None
    for name in ("is_in_stock", "manage_stock"):
        if name in fields:
            changes[name] = bool(fields[name])
    return state.set_stock(args[0], **changes)["item_id"]


async def currency(request: Request, state: MagentoState, _: list[str]) -> Any:
    """``GET directory/currency``: the store's one currency as base and display currency."""
    return {
        "base_currency_code": state.currency,
        "base_currency_symbol": "$" if state.currency in ("AUD", "USD", "NZD", "CAD") else state.currency,
        "default_display_currency_code": state.currency,
        "default_display_currency_symbol": "$" if state.currency in ("AUD", "USD", "NZD", "CAD") else state.currency,
        "available_currency_codes": [state.currency],
        "exchange_rates": [{"currency_to": state.currency, "rate": 1}],
    }


async def cancel_order(request: Request, state: MagentoState, args: list[str]) -> Any:
    """``POST orders/{id}/cancel``: true once canceled."""
    state.cancel_order(numeric_id(args[0], "orderId"))
    return True


def _items_by_sku(order: dict[str, Any], rows: Any, what: str) -> dict[str, int] | None:
    """A body's ``items`` (``[{"order_item_id", "qty"}]``) as ``{sku: qty}``; None when it names none (all of them)."""
    if not rows:
        return None
    skus = {item["item_id"]: item["sku"] for item in order["items"] if not item.get("parent_item_id")}
    items: dict[str, int] = {}
    for row in rows if isinstance(rows, list) else [rows]:
        sku = skus.get(row.get("order_item_id")) if isinstance(row, dict) else None
        if sku is None:
            raise MagentoError(400, f"The {what} contains items that are not in the order: %1", [str(row)])
        items[sku] = items.get(sku, 0) + int(row.get("qty", 0))
    return items


async def invoice_order(request: Request, state: MagentoState, args: list[str]) -> Any:
    """``POST order/{id}/invoice``: the new invoice's id; ``items`` invoices part of the order, ``capture`` takes the money."""
    order_id = numeric_id(args[0], "orderId")
    body = await json_body(request)
    body = body if isinstance(body, dict) else {}
    with state.lock:
        order = state.record("orders", order_id)
        if order is None:
            raise no_such_entity("orderId", order_id)
        items = _items_by_sku(order, body.get("items"), "invoice")
        return state.invoice_order(order_id, items, capture=bool(body.get("capture")))["entity_id"]


async def refund_order(request: Request, state: MagentoState, args: list[str]) -> Any:
    """``POST order/{id}/refund``: the new credit memo's id."""
    order_id = numeric_id(args[0], "orderId")
    body = await json_body(request)
    body = body if isinstance(body, dict) else {}
    with state.lock:
        order = state.record("orders", order_id)
        if order is None:
            raise no_such_entity("orderId", order_id)
        items = _items_by_sku(order, body.get("items"), "creditmemo")
        given = body.get("arguments")
        arguments: dict[str, Any] = given if isinstance(given, dict) else {}
        options: dict[str, Any] = {
            k: arguments[k] for k in ("adjustment_positive", "adjustment_negative") if k in arguments
        }
        if "shipping_amount" in arguments:
            options["shipping"] = arguments["shipping_amount"]
        return state.refund_order(order_id, items, **options)["entity_id"]


async def read_product(request: Request, state: MagentoState, args: list[str]) -> Any:
    """``GET products/{sku}``."""
    with state.lock:
        return wire(state.product(args[0]))
