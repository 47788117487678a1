"""The ASGI app of one Magento store: ``/rest/V1/...`` and ``/rest/{store_code}/V1/...`` behind a bearer token.

::

    POST /rest/V1/integration/admin/token      {"username","password"} -> "token" (four hours)
    GET  customers/search?searchCriteria...     GET customers/{id}   POST customers   PUT customers/{id}
    GET  products?searchCriteria...             GET products/{sku}   POST products    PUT products/{sku}
    PUT  products/{sku}/stockItems/{itemId}     {"stockItem": {"qty", "is_in_stock"}} -> the stock item's id
    GET  directory/currency                     the store's base and display currency (anonymous)
    GET  orders?searchCriteria...               GET orders/{id}      POST orders/{id}/cancel
    GET  invoices?searchCriteria...             GET invoices/{id}    POST order/{orderId}/invoice {"capture":true,"items":[...]}
    GET  creditmemos?searchCriteria...          GET creditmemo/{id}  POST order/{orderId}/refund

The store code is ``default`` or ``all`` (or left out). Every call but the
token request needs ``Authorization: Bearer <token>``: the integration token
(Magento 2.4.4+ with ``enable_integration_as_bearer``) or an admin token not
yet expired; otherwise 401 ``The consumer isn't authorized to access
%resources.``. Lists answer ``{"items", "search_criteria", "total_count"}``
(see ``search``). Errors are ``{"message", "parameters"}``. Magento sends
no rate-limit headers and has no request budget; injected faults (503, 500,
timeouts) and the ``Date`` header from the store's clock wrap everything.
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.common.clock import Clock
from sandbox.common.date_header import DateHeaderMiddleware
from sandbox.common.faults import FaultMiddleware, FaultPlan
from sandbox.magento import handlers as h
from sandbox.magento.errors import MagentoError
from sandbox.magento.handlers import Handler
from sandbox.magento.state import MagentoState

__all__ = ["STORE_CODES", "create_app"]

STORE_CODES = ("default", "all")

_ROUTES: list[tuple[str, re.Pattern[str], Handler, str | None]] = [
    (m, re.compile(p), h, r)
    for m, p, h, r in (
        ("POST", r"integration/admin/token", h.admin_token, None),
        ("GET", r"directory/currency", h.currency, None),
        ("GET", r"customers/search", h.lister("customers"), "Magento_Customer::customer"),
        ("GET", r"customers/(\w+)", h.reader("customers", "customerId"), "Magento_Customer::customer"),
        ("POST", r"customers", h.create_customer, "Magento_Customer::manage"),
        ("PUT", r"customers/(\w+)", h.update_customer, "Magento_Customer::manage"),
        ("GET", r"products", h.lister("products"), "Magento_Catalog::products"),
        ("POST", r"products", h.create_product, "Magento_Catalog::products"),
        ("GET", r"orders", h.lister("orders"), "Magento_Sales::sales"),
        ("GET", r"orders/(\w+)", h.reader("orders", "orderId"), "Magento_Sales::sales"),
        ("POST", r"orders/(\w+)/cancel", h.cancel_order, "Magento_Sales::cancel"),
        ("GET", r"invoices", h.lister("invoices"), "Magento_Sales::sales_invoice"),
        ("GET", r"invoices/(\w+)", h.reader("invoices", "invoiceId"), "Magento_Sales::sales_invoice"),
        ("POST", r"order/(\w+)/invoice", h.invoice_order, "Magento_Sales::sales_invoice"),
        ("GET", r"creditmemos", h.lister("creditmemos"), "Magento_Sales::sales_creditmemo"),
        ("GET", r"creditmemo/(\w+)", h.reader("creditmemos", "id"), "Magento_Sales::sales_creditmemo"),
        ("POST", r"order/(\w+)/refund", h.refund_order, "Magento_Sales::creditmemo"),
    )
]


_STOCK_ITEM = re.compile(r"products/(.+)/stockItems/([^/]+)")


def _route(method: str, path: str) -> tuple[Handler, list[str], str | None]:
    for verb, pattern, handler, resource in _ROUTES:
        found = pattern.fullmatch(path)
        if found and verb == method:
            return handler, list(found.groups()), resource
    # Product SKUs may hold almost anything, so they are matched last and whole.
    stock = _STOCK_ITEM.fullmatch(path)
    if stock and method == "PUT":
        return h.update_stock_item, [stock[1], stock[2]], "Magento_CatalogInventory::cataloginventory"
    if path.startswith("products/") and len(path) > len("products/"):
        sku = path[len("products/") :]
        if method == "GET":
            return h.read_product, [sku], "Magento_Catalog::products"
        if method == "PUT":
            return h.update_product, [sku], "Magento_Catalog::products"
    raise MagentoError(404, "Request does not match any route.")


def _authorise(state: MagentoState, header: str, resource: str) -> None:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not state.token_valid(token.strip()):
        raise MagentoError(401, "The consumer isn't authorized to access %resources.", {"resources": resource})


def create_app(
    state: MagentoState | None = None, *, clock: Clock | None = None, faults: FaultPlan | None = None
) -> ASGIApp:
    """The emulator over ``state`` (an empty AUD store if None; seed it with ``seed_sample``).

    ``clock``, when given, becomes the state's clock. ``faults`` can be changed
    while the app serves (tests flip them on and off).
    """
    if state is None:
        state = MagentoState(clock=clock)
    elif clock is not None:
        state.clock = clock
    store = state

    async def endpoint(request: Request) -> Response:
        try:
            parts = request.path_params["rest"].strip("/").split("/")
            if parts and parts[0] != "V1":
                if parts[0] not in STORE_CODES:
                    raise MagentoError(400, "Requested store is not found")
                parts = parts[1:]
            if not parts or parts[0] != "V1":
                raise MagentoError(404, "Request does not match any route.")
            handler, args, resource = _route(request.method, "/".join(parts[1:]))
            if resource is not None:
                _authorise(store, request.headers.get("authorization", ""), resource)
            return JSONResponse(await handler(request, store, args))
        except MagentoError as error:
            return JSONResponse(error.body(), status_code=error.status)

    app = Starlette(routes=[Route("/rest/{rest:path}", endpoint, methods=["GET", "POST", "PUT", "DELETE"])])
    return DateHeaderMiddleware(FaultMiddleware(app, faults if faults is not None else FaultPlan()), store.clock)
