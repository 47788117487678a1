"""The mutations the sandbox serves: ``customerCreate`` and ``customerUpdate``, refusing with ``userErrors``.

A refused mutation is still a 200 answer with ``customer: null`` and
``userErrors: [{field, message}]`` (Shopify's convention: errors about the
input are data, not GraphQL errors). The checks are Shopify's visible ones:
a customer needs a name, phone or email; an email must look like one and be
unused in the shop; an update needs an existing id.
"""

from __future__ import annotations

import re
import typing as t

from graphql import GraphQLResolveInfo

from sandbox.shopify.graph import customer_object, parse_gid
from sandbox.shopify.state import Customer, ShopifyState

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

    return {"customerCreate": create, "customerUpdate": update}
