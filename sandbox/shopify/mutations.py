"""The mutations the sandbox serves: customers, manual payments, variant prices and inventory quantities.

``customerCreate``, ``customerUpdate``, ``orderCreateManualPayment``,
``productVariantsBulkUpdate`` and ``inventorySetQuantities``.

A refused mutation is still a 200 answer with ``customer: null`` (or
``order: null``) and ``userErrors: [{field, message}]`` (Shopify's
convention: errors about the input are data, not GraphQL errors). The checks
are Shopify's visible ones: a customer needs a name, phone or email; an email
must look like one and be unused in the shop; an update needs an existing id.
A manual payment (cash, a bank transfer: Shopify's way to record a deposit or
a part payment, 2025-04 on) takes ``amount`` (all that is owed when absent),
up to what is owed, and ``processedAt`` not in the future; its errors carry
a ``code``.

``productVariantsBulkUpdate`` changes variants of one product (``price``,
``compareAtPrice``, ``barcode``, ``taxable``): every variant must be the
product's, and a price cannot be negative; with an error nothing is saved
unless ``allowPartialUpdates``. ``inventorySetQuantities`` sets absolute
"available" (or "on_hand") quantities for (inventory item, location) pairs,
with one of Shopify's reasons; each pair needs a ``compareQuantity`` equal
to what is there now unless ``ignoreCompareQuantity`` is true (Shopify's
compare-and-set, 2025-07), must be stocked at the location and given once;
any error saves nothing. "available" may go below zero (an oversold
variant), "on_hand" may not.
"""

from __future__ import annotations

import re
import typing as t
from decimal import Decimal, InvalidOperation

from graphql import GraphQLResolveInfo

from sandbox.shopify.graph import (
    customer_object,
    gid,
    inventory_item_object,
    location_object,
    order_object,
    parse_gid,
    product_object,
    stamp,
    variant_object,
)
from sandbox.shopify.listing import SearchError, parse_moment
from sandbox.shopify.state import Customer, PaymentError, ShopifyState, Variant

__all__ = ["mutation_fields"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Obj = dict[str, t.Any]

_REASONS = frozenset(
    {
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_canceled",
        "movement_created",
        "movement_received",
        "movement_updated",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    }
)
"""The reasons ``inventorySetQuantities`` takes."""
_LIMIT = 1_000_000_000

_FIELDS = {"firstName": "first_name", "lastName": "last_name", "email": "email", "phone": "phone", "note": "note"}


def _error(field: list[str] | None, message: str) -> Obj:
    return {"field": field, "message": message}


def _check(state: ShopifyState, given: Obj, merged: Obj, customer_id: int | None) -> list[Obj]:
    errors: list[Obj] = []
    email = given.get("email")
    if email is not None and email != "" and not _EMAIL.match(email):
        errors.append(_error(["email"], "Email is invalid"))
    elif email and state.email_taken(email, but=customer_id):
        errors.append(_error(["email"], "Email has already been taken"))
    if not any(merged.get(k) for k in ("first_name", "last_name", "email", "phone")):
        errors.append(_error(None, "Customer must have a name, phone number or email address"))
    return errors


def _changes(given: Obj) -> Obj:
    changes: Obj = {py: given[gql] for gql, py in _FIELDS.items() if gql in given}
    if "tags" in given:
        changes["tags"] = list(given["tags"] or [])
    if "taxExempt" in given:
        changes["tax_exempt"] = bool(given["taxExempt"])
    addresses = given.get("addresses") or []
    if addresses:
        first = addresses[0]
        changes.update(
            {
                "address1": first.get("address1"),
                "city": first.get("city"),
                "province": first.get("provinceCode"),
                "zip": first.get("zip"),
                "country_code": first.get("countryCode"),
                "company": first.get("company"),
            }
        )
    return changes


def mutation_fields(state: ShopifyState) -> Obj:
    """The ``Mutation`` root's fields over the state (call under the state's lock)."""

    def create(info: GraphQLResolveInfo, input: Obj) -> Obj:
        if input.get("id"):
            return {"customer": None, "userErrors": [_error(["id"], "Id cannot be specified on create")]}
        changes = _changes(input)
        errors = _check(state, input, changes, None)
        if errors:
            return {"customer": None, "userErrors": errors}
        customer = state.create_customer(**{k: v for k, v in changes.items() if k != "tax_exempt"})
        if changes.get("tax_exempt"):
            state.update_customer(customer.id, tax_exempt=True)
        return {"customer": customer_object(state, customer), "userErrors": []}

    def update(info: GraphQLResolveInfo, input: Obj) -> Obj:
        customer_id = parse_gid(str(input.get("id") or ""), "Customer")
        found: Customer | None = state.customers.get(customer_id) if customer_id is not None else None
        if found is None:
            return {"customer": None, "userErrors": [_error(["id"], "Customer does not exist")]}
        changes = _changes(input)
        current = {py: getattr(found, py) for py in _FIELDS.values()}
        errors = _check(state, input, {**current, **changes}, found.id)
        if errors:
            return {"customer": None, "userErrors": errors}
        return {"customer": customer_object(state, state.update_customer(found.id, **changes)), "userErrors": []}

    def manual_payment(
        info: GraphQLResolveInfo,
        id: str,
        amount: Obj | None = None,
        paymentMethodName: str | None = None,  # noqa: N803 - GraphQL's argument name
        processedAt: str | None = None,  # noqa: N803 - GraphQL's argument name
    ) -> Obj:
        order_id = parse_gid(id, "Order")
        if order_id is None or order_id not in state.orders:
            return _refused("ORDER_NOT_FOUND", ["id"], "Order does not exist")
        try:
            paying = Decimal(str(amount["amount"])) if amount else None
        except InvalidOperation:
            paying = Decimal("NaN")
        if paying is not None and not paying.is_finite():
            return _refused("AMOUNT_NOT_POSITIVE", ["amount"], "Amount must be positive.")
        try:
            when = parse_moment(processedAt) if processedAt else None
        except SearchError:
            return _refused("PROCESSED_AT_INVALID", ["processedAt"], "Processed at is invalid.")
        try:
            state.record_payment(order_id, paying, gateway=paymentMethodName or "Other", processed_at=when)
        except PaymentError as error:
            return _refused(error.code, [error.field] if error.field else None, error.message)
        return {"order": order_object(state, state.orders[order_id]), "userErrors": []}

    return {
        "customerCreate": create,
        "customerUpdate": update,
        "orderCreateManualPayment": manual_payment,
        "productVariantsBulkUpdate": lambda info, **args: _variants_bulk_update(state, **args),
        "inventorySetQuantities": lambda info, input: _set_quantities(state, input),
    }


def _coded(code: str, field: list[t.Any] | None, message: str) -> Obj:
    return {"code": code, "field": [str(f) for f in field] if field else None, "message": message}


def _money(value: t.Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _variants_bulk_update(
    state: ShopifyState,
    productId: str,  # noqa: N803 - GraphQL's argument name
    variants: list[Obj],
    allowPartialUpdates: bool = False,  # noqa: N803 - GraphQL's argument name
) -> Obj:
    product_id = parse_gid(productId, "Product")
    product = state.products.get(product_id) if product_id is not None else None
    if product is None:
        missing = [_coded("PRODUCT_DOES_NOT_EXIST", ["productId"], "Product does not exist")]
        return {"product": None, "productVariants": None, "userErrors": missing}
    own = {v.id: v for v in product.variants}
    errors: list[Obj] = []
    accepted: list[tuple[Variant, Obj]] = []
    for n, given in enumerate(variants):
        where = ["variants", n]
        if not given.get("id"):
            errors.append(
                _coded("PRODUCT_VARIANT_ID_MISSING", [*where, "id"], "Product variant is missing ID attribute")
            )
            continue
        variant_id = parse_gid(str(given["id"]), "ProductVariant")
        variant = own.get(variant_id) if variant_id is not None else None
        if variant is None:
            errors.append(_coded("PRODUCT_VARIANT_DOES_NOT_EXIST", [*where, "id"], "Product variant does not exist"))
            continue
        changes: Obj = {}
        bad = False
        for name, field in (("price", "price"), ("compareAtPrice", "compare_at_price")):
            if name not in given or (name == "compareAtPrice" and given[name] is None):
                continue
            amount = _money(given[name])
            if amount is None:
                errors.append(_coded("INVALID_INPUT", [*where, name], f"{name} is invalid"))
                bad = True
            elif amount < 0:
                errors.append(
                    _coded("GREATER_THAN_OR_EQUAL_TO", [*where, name], "Price must be greater than or equal to 0")
                )
                bad = True
            else:
                changes[field] = amount
        for name, field in (("barcode", "barcode"), ("taxable", "taxable")):
            if name in given and given[name] is not None:
                changes[field] = given[name]
        if not bad:
            accepted.append((variant, changes))
    if errors and not allowPartialUpdates:
        return {"product": None, "productVariants": None, "userErrors": errors}
    for variant, changes in accepted:
        if changes:
            state.update_variant(variant.id, **changes)
    return {
        "product": product_object(state, product),
        "productVariants": [variant_object(state, v) for v, _ in accepted],
        "userErrors": errors,
    }


def _set_quantities(state: ShopifyState, given: Obj) -> Obj:
    name, reason = str(given.get("name")), str(given.get("reason"))
    errors: list[Obj] = []
    if name not in ("available", "on_hand"):
        errors.append(
            _coded("INVALID_NAME", ["input", "name"], "The quantity name must be either 'available' or 'on_hand'.")
        )
    if reason not in _REASONS:
        errors.append(_coded("INVALID_REASON", ["input", "reason"], "The specified reason is invalid."))
    ignore = bool(given.get("ignoreCompareQuantity"))
    setting: list[tuple[Variant, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for n, row in enumerate(given.get("quantities") or []):
        where = ["input", "quantities", n]
        item_id = parse_gid(str(row.get("inventoryItemId")), "InventoryItem")
        variant = state.inventory_item(item_id) if item_id is not None else None
        location_id = parse_gid(str(row.get("locationId")), "Location")
        quantity = int(row["quantity"])
        if variant is None:
            message = "The specified inventory item could not be found."
            errors.append(_coded("INVALID_INVENTORY_ITEM", [*where, "inventoryItemId"], message))
            continue
        if location_id is None or location_id not in state.locations:
            errors.append(
                _coded("INVALID_LOCATION", [*where, "locationId"], "The specified location could not be found.")
            )
            continue
        if (variant.inventory_item_id, location_id) in seen:
            message = "The combination of inventoryItemId and locationId must be unique."
            errors.append(_coded("NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", where, message))
            continue
        seen.add((variant.inventory_item_id, location_id))
        if location_id not in variant.levels:
            message = "The specified inventory item is not stocked at the location."
            errors.append(_coded("ITEM_NOT_STOCKED_AT_LOCATION", [*where, "locationId"], message))
            continue
        current = variant.levels[location_id]
        compare = row.get("compareQuantity")
        if not ignore and compare is None:
            message = (
                "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity."
            )
            errors.append(_coded("COMPARE_QUANTITY_REQUIRED", [*where, "compareQuantity"], message))
            continue
        if not ignore and int(compare) != current:
            message = "The compareQuantity value does not match persisted value."
            errors.append(_coded("COMPARE_QUANTITY_STALE", [*where, "compareQuantity"], message))
            continue
        if quantity > _LIMIT:
            message = "The total quantity can't be higher than 1,000,000,000."
            errors.append(_coded("INVALID_QUANTITY_TOO_HIGH", [*where, "quantity"], message))
            continue
        if quantity < -_LIMIT:
            message = "The total quantity can't be lower than -1,000,000,000."
            errors.append(_coded("INVALID_QUANTITY_TOO_LOW", [*where, "quantity"], message))
            continue
        if name == "on_hand" and quantity < 0:
            errors.append(_coded("INVALID_QUANTITY_NEGATIVE", [*where, "quantity"], "The quantity can't be negative."))
            continue
        setting.append((variant, location_id, quantity))
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    changes: list[Obj] = []
    for variant, location_id, quantity in setting:
        delta = quantity - variant.levels[location_id]
        state.set_available(variant.id, quantity, location_id)
        for changed in ("available", "on_hand"):
            changes.append(
                {
                    "name": changed,
                    "delta": delta,
                    "quantityAfterChange": quantity,
                    "item": inventory_item_object(state, variant),
                    "location": location_object(state, state.locations[location_id]),
                }
            )
    group = {
        "id": gid("InventoryAdjustmentGroup", state.new_id("inventory_adjustment")),
        "createdAt": stamp(state.now()),
        "reason": reason,
        "referenceDocumentUri": given.get("referenceDocumentUri"),
        "changes": lambda info, **_: changes,
    }
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


def _refused(code: str, field: list[str] | None, message: str) -> Obj:
    return {"order": None, "userErrors": [{"code": code, "field": field, "message": message}]}
