"""The ASGI app of one shop's Admin API: ``/admin/api/{version}/...`` behind token, buckets and faults.

::

    POST /admin/api/2025-07/graphql.json         GraphQL (see ``graphql_api``)
    GET  /admin/api/2025-07/customers.json       REST listings and reads (see ``rest``)
    POST /admin/api/2025-07/customers.json
    GET  /admin/api/2025-07/customers/{id}.json
    PUT  /admin/api/2025-07/customers/{id}.json
    GET  /admin/api/2025-07/orders.json, orders/{id}.json, products.json, products/{id}.json

Every call needs ``X-Shopify-Access-Token``; a missing or unknown token is
401 ``{"errors": "[API] Invalid API key or access token ..."}``. A version
other than ``API_VERSION`` is 404 ``{"errors": "Not Found"}``. REST calls
share a 40-call bucket leaking 2 a second: each answer says how full it is
in ``X-Shopify-Shop-Api-Call-Limit: 3/40``, and a call that finds it full
is 429 with ``Retry-After: 2.0``. GraphQL has its own cost bucket. Injected
faults and the ``Date`` header (from the shop's clock) wrap everything.
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.common.date_header import DateHeaderMiddleware
from sandbox.common.faults import FaultMiddleware, FaultPlan
from sandbox.shopify.cost import CallBucket, CostBucket
from sandbox.shopify.errors import ShopifyError
from sandbox.shopify.graphql_api import run_graphql
from sandbox.shopify.rest import Listing, render_customer, render_order, render_product
from sandbox.shopify.state import API_VERSION, ShopifyState

__all__ = ["API_ROOT", "create_app"]

API_ROOT = "/admin/api"

Handler = Callable[[Request], Awaitable[tuple[int, t.Any, dict[str, str]]]]
Obj = dict[str, t.Any]


async def _json(request: Request) -> t.Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ShopifyError(400, "Bad Request: the body is not valid JSON") from None


def _record_id(request: Request) -> int:
    raw = request.path_params["record_id"]
    if not raw.isdigit():
        raise ShopifyError(404)
    return int(raw)


def create_app(state: ShopifyState | None = None, *, faults: FaultPlan | None = None) -> ASGIApp:
    """The emulator over ``state`` (an empty AUD shop if None; seed it with ``seed_sample``).

    ``faults`` can be changed while the app serves (tests flip them on and off).
    """
    shop = state if state is not None else ShopifyState()
    costs = CostBucket(shop.clock, shop.cost_max, shop.cost_restore)
    calls = CallBucket(shop.clock, shop.rest_max, shop.rest_leak)

    def check(request: Request) -> None:
        if request.path_params["version"] != API_VERSION:
            raise ShopifyError(404)
        token = request.headers.get("x-shopify-access-token", "")
        if token not in shop.tokens:
            raise ShopifyError(401)

    def rest(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            headers: dict[str, str] = {}
            try:
                check(request)
                admitted, level = calls.add()
                headers["X-Shopify-Shop-Api-Call-Limit"] = f"{level}/{shop.rest_max}"
                if not admitted:
                    raise ShopifyError(429, headers={"Retry-After": "2.0"})
                status, body, extra = await handler(request)
                return JSONResponse(body, status_code=status, headers={**headers, **extra})
            except ShopifyError as error:
                return JSONResponse(error.body(), status_code=error.status, headers={**headers, **error.headers})

        return endpoint

    async def graphql(request: Request) -> Response:
        try:
            check(request)
            return JSONResponse(run_graphql(shop, costs, await _json(request)))
        except ShopifyError as error:
            return JSONResponse(error.body(), status_code=error.status, headers=error.headers)

    def listing(kind: str) -> Handler:
        async def handler(request: Request) -> tuple[int, t.Any, dict[str, str]]:
            query = Listing(request.query_params, orders=kind == "orders")
            with shop.lock:
                records: list[t.Any] = list(_table(shop, kind).values())
                page, link = query.page(records, request.url)
                render = _RENDERERS[kind]
                body = {kind: [query.shape(render(shop, r)) for r in page]}
            return 200, body, {"Link": link} if link else {}

        return handler

    def single(kind: str) -> Handler:
        async def handler(request: Request) -> tuple[int, t.Any, dict[str, str]]:
            record_id = _record_id(request)
            with shop.lock:
                found = _table(shop, kind).get(record_id)
                if found is None:
                    raise ShopifyError(404)
                render = _RENDERERS[kind]
                return 200, {kind[:-1]: render(shop, found)}, {}

        return handler

    async def create_customer(request: Request) -> tuple[int, t.Any, dict[str, str]]:
        given = _customer_body(await _json(request))
        with shop.lock:
            _refuse(shop, given, None, given)
            customer = shop.create_customer(**given)
            return 201, {"customer": render_customer(shop, customer)}, {}

    async def update_customer(request: Request) -> tuple[int, t.Any, dict[str, str]]:
        record_id = _record_id(request)
        given = _customer_body(await _json(request))
        with shop.lock:
            found = shop.customers.get(record_id)
            if found is None:
                raise ShopifyError(404)
            merged = {k: getattr(found, k) for k in ("first_name", "last_name", "email", "phone")} | given
            _refuse(shop, given, record_id, merged)
            return 200, {"customer": render_customer(shop, shop.update_customer(record_id, **given))}, {}

    root = API_ROOT + "/{version}"
    routes = [
        Route(root + "/graphql.json", graphql, methods=["POST"]),
        Route(root + "/customers.json", rest(listing("customers")), methods=["GET"]),
        Route(root + "/customers.json", rest(create_customer), methods=["POST"]),
        Route(root + "/customers/{record_id}.json", rest(single("customers")), methods=["GET"]),
        Route(root + "/customers/{record_id}.json", rest(update_customer), methods=["PUT"]),
        Route(root + "/orders.json", rest(listing("orders")), methods=["GET"]),
        Route(root + "/orders/{record_id}.json", rest(single("orders")), methods=["GET"]),
        Route(root + "/products.json", rest(listing("products")), methods=["GET"]),
        Route(root + "/products/{record_id}.json", rest(single("products")), methods=["GET"]),
    ]

    async def not_found(request: Request, error: Exception) -> Response:
        return JSONResponse({"errors": "Not Found"}, status_code=404)

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    return DateHeaderMiddleware(FaultMiddleware(app, faults if faults is not None else FaultPlan()), shop.clock)


_RENDERERS: dict[str, t.Callable[[ShopifyState, t.Any], Obj]] = {
    "customers": render_customer,
    "orders": render_order,
    "products": render_product,
}


def _table(shop: ShopifyState, kind: str) -> dict[int, t.Any]:
    tables: dict[str, dict[int, t.Any]] = {
        "customers": shop.customers,
        "orders": shop.orders,
        "products": shop.products,
    }
    return tables[kind]


_WRITABLE = ("first_name", "last_name", "email", "phone", "note")


def _customer_body(body: t.Any) -> Obj:
    if not isinstance(body, dict) or not isinstance(body.get("customer"), dict):
        raise ShopifyError(400, {"customer": ["Required parameter missing or invalid"]})
    given = body["customer"]
    unknown = sorted(set(given) - set(_WRITABLE) - {"id", "tags"})
    if unknown:
        raise ShopifyError(422, {name: ["is not a writable attribute"] for name in unknown})
    fields: Obj = {k: given[k] for k in _WRITABLE if k in given}
    if "tags" in given:
        fields["tags"] = [s.strip() for s in str(given["tags"]).split(",") if s.strip()]
    return fields


def _refuse(shop: ShopifyState, given: Obj, record_id: int | None, merged: Obj) -> None:
    """422 with field errors, as Shopify refuses a customer."""
    errors: dict[str, list[str]] = {}
    email = given.get("email")
    if email and ("@" not in email or "." not in email.split("@")[-1]):
        errors["email"] = ["is invalid"]
    elif email and shop.email_taken(email, but=record_id):
        errors["email"] = ["has already been taken"]
    if not any(merged.get(k) for k in ("first_name", "last_name", "email", "phone")):
        errors["base"] = ["Customer must have a name, phone number or email address"]
    if errors:
        raise ShopifyError(422, errors)
