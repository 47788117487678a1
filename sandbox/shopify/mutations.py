"""The mutations the sandbox serves: ``customerCreate``, ``customerUpdate`` and ``orderCreateManualPayment``.

A refused mutation is still a 200 answer with ``customer: null`` (or
``order: null``) and ``userErrors: [{field, message}]`` (Shopify's
convention: errors about the input are data, not GraphQL errors). The checks
are Shopify's visible ones: a customer needs a name, phone or email; an email
must look like one and be unused in the shop; an update needs an existing id.
A manual payment (cash, a bank transfer: Shopify's way to record a deposit or
a part payment, 2025-04 on) takes ``amount`` (all that is owed when absent),
up to what is owed, and ``processedAt`` not in the future; its errors carry
a ``code``.
"""

from __future__ import annotations

import re
import typing as t
from decimal import Decimal, InvalidOperation

from graphql import GraphQLResolveInfo

from sandbox.shopify.graph import customer_object, order_object, parse_gid
from sandbox.shopify.listing import SearchError, parse_moment
from sandbox.shopify.state import Customer, PaymentError, ShopifyState

__all__ = ["mutation_fields"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Obj = dict[str, t.Any]

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

    return {"customerCreate": create, "customerUpdate": update, "orderCreateManualPayment": manual_payment}


def _refused(code: str, field: list[str] | None, message: str) -> Obj:
    return {"order": None, "userErrors": [{"code": code, "field": field, "message": message}]}
