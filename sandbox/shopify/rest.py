"""The REST Admin API a shop still serves: customers, orders and products as JSON, paged by ``Link`` headers.

::

    GET  customers.json                 ?limit (50, at most 250) &updated_at_min &updated_at_max &since_id &fields
    GET  customers/{id}.json
    POST customers.json                 {"customer": {...}} -> 201, or 422 {"errors": {"email": [...]}}
    PUT  customers/{id}.json            {"customer": {...}}
    GET  orders.json                    the same, and status=open (the default) | closed | cancelled | any
    GET  orders/{id}.json
    GET  products.json                  the same

A listing longer than ``limit`` answers a ``Link`` header with
``<...?limit=50&page_info=...>; rel="next"`` (and ``rel="previous"`` past
the first page); with ``page_info`` only ``limit`` and ``fields`` may be
sent (anything else is 400). Records come in id order; money is strings,
times are in the shop's UTC offset.
"""

from __future__ import annotations

import base64
import binascii
import json
import typing as t
from datetime import datetime
from decimal import Decimal

from starlette.datastructures import URL, QueryParams

from sandbox.shopify.errors import ShopifyError
from sandbox.shopify.listing import SearchError, parse_moment
from sandbox.shopify.state import Customer, LineItem, Order, Product, ShopifyState, TaxLine, Variant

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Listing", "render_customer", "render_order", "render_product"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 250

Obj = dict[str, t.Any]


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _stamp(state: ShopifyState, moment: datetime | None) -> str | None:
    return moment.astimezone(state.tz).isoformat() if moment else None


def _address(c: Customer) -> Obj:
    return {
        "id": c.address_id,
        "customer_id": c.id,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "company": c.company,
        "address1": c.address1,
        "address2": None,
        "city": c.city,
        "province": c.province,
        "province_code": c.province,
        "zip": c.zip,
        "country_code": c.country_code,
        "phone": c.phone,
        "default": True,
    }


def render_customer(state: ShopifyState, c: Customer) -> Obj:
    """A customer as ``customers.json`` shows it."""
    address = _address(c) if (c.address1 or c.city or c.company) else None
    return {
        "id": c.id,
        "email": c.email,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "phone": c.phone,
        "state": c.state,
        "note": c.note,
        "tags": ", ".join(c.tags),
        "tax_exempt": c.tax_exempt,
        "currency": state.currency,
        "created_at": _stamp(state, c.created_at),
        "updated_at": _stamp(state, c.updated_at),
        "orders_count": sum(1 for o in state.orders.values() if o.customer_id == c.id),
        "addresses": [address] if address else [],
        "default_address": address,
        "admin_graphql_api_id": f"gid://shopify/Customer/{c.id}",
    }


def _variant(state: ShopifyState, v: Variant, position: int) -> Obj:
    return {
        "id": v.id,
        "product_id": v.product_id,
        "title": v.title,
        "sku": v.sku or "",
        "price": _money(v.price),
        "compare_at_price": _money(v.compare_at_price) if v.compare_at_price is not None else None,
        "barcode": v.barcode,
        "taxable": v.taxable,
        "position": position,
        "inventory_quantity": v.inventory_quantity,
        "created_at": _stamp(state, v.created_at),
        "updated_at": _stamp(state, v.updated_at),
        "admin_graphql_api_id": f"gid://shopify/ProductVariant/{v.id}",
    }


def render_product(state: ShopifyState, p: Product) -> Obj:
    """A product as ``products.json`` shows it (at most 100 variants, as REST does)."""
    return {
        "id": p.id,
        "title": p.title,
        "body_html": p.body_html,
        "vendor": p.vendor,
        "product_type": p.product_type,
        "handle": p.handle,
        "status": p.status,
        "tags": ", ".join(p.tags),
        "created_at": _stamp(state, p.created_at),
        "updated_at": _stamp(state, p.updated_at),
        "variants": [_variant(state, v, n + 1) for n, v in enumerate(p.variants[:100])],
        "admin_graphql_api_id": f"gid://shopify/Product/{p.id}",
    }


def _tax(tax: TaxLine) -> Obj:
    return {"title": tax.title, "price": _money(tax.price), "rate": float(tax.rate)}


def _line(li: LineItem) -> Obj:
    return {
        "id": li.id,
        "product_id": li.product_id,
        "variant_id": li.variant_id,
        "sku": li.sku,
        "title": li.title,
        "variant_title": li.variant_title,
        "quantity": li.quantity,
        "price": _money(li.price),
        "total_discount": _money(li.discount),
        "taxable": li.taxable,
        "tax_lines": [_tax(tax) for tax in li.tax_lines],
        "admin_graphql_api_id": f"gid://shopify/LineItem/{li.id}",
    }


def render_order(state: ShopifyState, o: Order) -> Obj:
    """An order as ``orders.json`` shows it (money as strings)."""
    customer = state.customers.get(o.customer_id) if o.customer_id else None
    taxes: dict[tuple[str, Decimal], Decimal] = {}
    for tax in [tx for li in o.line_items for tx in li.tax_lines] + [
        tx for s in o.shipping_lines for tx in s.tax_lines
    ]:
        taxes[(tax.title, tax.rate)] = taxes.get((tax.title, tax.rate), Decimal(0)) + tax.price
    return {
        "id": o.id,
        "name": o.name,
        "order_number": o.number,
        "email": o.email,
        "note": o.note,
        "tags": ", ".join(o.tags),
        "created_at": _stamp(state, o.created_at),
        "updated_at": _stamp(state, o.updated_at),
        "processed_at": _stamp(state, o.processed_at),
        "cancelled_at": _stamp(state, o.cancelled_at),
        "cancel_reason": o.cancel_reason,
        "closed_at": _stamp(state, o.closed_at),
        "financial_status": o.financial_status,
        "fulfillment_status": None,
        "currency": o.currency,
        "taxes_included": o.taxes_included,
        "subtotal_price": _money(o.subtotal),
        "total_discounts": _money(o.total_discounts),
        "total_tax": _money(o.total_tax),
        "total_price": _money(o.total_price),
        "tax_lines": [_tax(TaxLine(title, rate, price)) for (title, rate), price in taxes.items()],
        "discount_codes": [
            {"code": d.code, "amount": _money(o.total_discounts), "type": "percentage"} for d in o.discount_codes
        ],
        "line_items": [_line(li) for li in o.line_items],
        "shipping_lines": [
            {
                "id": s.id,
                "title": s.title,
                "code": s.code,
                "price": _money(s.price),
                "tax_lines": [_tax(x) for x in s.tax_lines],
            }
            for s in o.shipping_lines
        ],
        "refunds": [
            {
                "id": r.id,
                "order_id": o.id,
                "created_at": _stamp(state, r.created_at),
                "note": r.note,
                "refund_line_items": [
                    {
                        "id": rl.id,
                        "line_item_id": rl.line_item_id,
                        "quantity": rl.quantity,
                        "subtotal": _money(rl.subtotal),
                        "total_tax": _money(rl.total_tax),
                    }
                    for rl in r.lines
                ],
                "transactions": [
                    {"id": tx.id, "kind": tx.kind, "status": tx.status, "amount": _money(tx.amount)}
                    for tx in r.transactions
                ],
            }
            for r in o.refunds
        ],
        "customer": render_customer(state, customer) if customer else None,
        "admin_graphql_api_id": f"gid://shopify/Order/{o.id}",
    }


_FILTERS = ("updated_at_min", "updated_at_max", "created_at_min", "created_at_max", "since_id", "status", "ids")
_PAGED_ALONE = {"limit", "fields", "page_info"}


def _token(data: Obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode().rstrip("=")


def _untoken(text: str) -> Obj:
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        raise ShopifyError(400, {"page_info": ["Invalid value."]}) from None
    if not isinstance(data, dict):
        raise ShopifyError(400, {"page_info": ["Invalid value."]})
    return data


class Listing:
    """One listing request: its filters (from the query or the ``page_info`` token), limit and fields."""

    def __init__(self, params: QueryParams, *, orders: bool) -> None:
        self.orders = orders
        self.limit = self._limit(params.get("limit"))
        self.fields = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
        page_info = params.get("page_info")
        if page_info:
            extra = sorted(set(params.keys()) - _PAGED_ALONE)
            if extra:
                raise ShopifyError(
                    400,
                    {
                        "page_info": [
                            f"When page_info is present, only limit and fields may be sent (not {', '.join(extra)})"
                        ]
                    },
                )
            token = _untoken(page_info)
            self.filters: Obj = dict(token.get("filters") or {})
            self.after: int | None = token.get("after")
            self.before: int | None = token.get("before")
        else:
            self.filters = {k: params[k] for k in _FILTERS if k in params}
            self.after = self.before = None

    @staticmethod
    def _limit(raw: str | None) -> int:
        if raw is None:
            return DEFAULT_LIMIT
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            raise ShopifyError(400, {"limit": [f"must be between 1 and {MAX_LIMIT}"]})
        return int(raw)

    def _keep(self, record: Customer | Order | Product) -> bool:
        try:
            for name, attr, later in (
                ("updated_at_min", "updated_at", True),
                ("updated_at_max", "updated_at", False),
                ("created_at_min", "created_at", True),
                ("created_at_max", "created_at", False),
            ):
                if name in self.filters:
                    bound = parse_moment(str(self.filters[name]))
                    value: datetime = getattr(record, attr)
                    if (value < bound) if later else (value > bound):
                        return False
        except SearchError:
            raise ShopifyError(400, {"updated_at_min": ["is not a valid date"]}) from None
        since = self.filters.get("since_id")
        if since is not None and (not str(since).isdigit() or record.id <= int(since)):
            return False
        ids = self.filters.get("ids")
        if ids and str(record.id) not in {i.strip() for i in str(ids).split(",")}:
            return False
        if self.orders and isinstance(record, Order):
            status = self.filters.get("status", "open")
            closed = record.closed_at is not None or record.cancelled_at is not None
            wanted = {
                "open": not closed,
                "closed": record.closed_at is not None,
                "cancelled": record.cancelled_at is not None,
            }
            if status != "any" and not wanted.get(str(status), False):
                return False
        return True

    def page(self, records: t.Iterable[t.Any], url: URL) -> tuple[list[t.Any], str | None]:
        """This page's records in id order, and the ``Link`` header (None when one page holds everything)."""
        chosen = sorted((r for r in records if self._keep(r)), key=lambda r: r.id)
        if self.after is not None:
            chosen = [r for r in chosen if r.id > self.after]
        if self.before is not None:
            earlier = [r for r in chosen if r.id < self.before]
            page = earlier[-self.limit :]
            has_prev = len(earlier) > self.limit
            has_next = True
        else:
            page = chosen[: self.limit]
            has_next = len(chosen) > self.limit
            has_prev = self.after is not None
        links = []
        base = {"filters": self.filters}
        query = {"limit": str(self.limit), **({"fields": ",".join(self.fields)} if self.fields else {})}
        if has_prev and page:
            token = _token({**base, "before": page[0].id})
            links.append(f'<{url.replace_query_params(**query, page_info=token)}>; rel="previous"')
        if has_next and page:
            token = _token({**base, "after": page[-1].id})
            links.append(f'<{url.replace_query_params(**query, page_info=token)}>; rel="next"')
        return page, ", ".join(links) or None

    def shape(self, record: Obj) -> Obj:
        """Only the ``fields`` asked for (all when none were)."""
        return {k: v for k, v in record.items() if k in self.fields} if self.fields else record
