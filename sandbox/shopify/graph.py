"""The shop's records as GraphQL objects: dicts whose fields are values, or callables taking the field's arguments.

graphql-core's default resolver reads a dict's key and calls it when it is
callable (``value(info, **args)``), so connections and other fields with
arguments are closures over the state. Ids are GIDs
(``gid://shopify/Order/5600000001``), times are UTC (``...Z``), money is a
``MoneyBag`` of decimal strings.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from graphql import GraphQLError, GraphQLResolveInfo

from sandbox.shopify.listing import Listed, SearchError, parse_search, select
from sandbox.shopify.state import (
    Customer,
    LineItem,
    Location,
    Order,
    Product,
    Refund,
    ShippingLine,
    ShopifyState,
    TaxLine,
    Transaction,
    Variant,
)

__all__ = [
    "MAX_PAGE",
    "QUANTITY_NAMES",
    "Renderer",
    "bag",
    "customer_object",
    "gid",
    "inventory_item_object",
    "location_object",
    "order_object",
    "parse_gid",
    "product_object",
    "root_fields",
    "stamp",
    "variant_object",
]

MAX_PAGE = 250
"""The most records one connection page holds."""

QUANTITY_NAMES = (
    "available",
    "committed",
    "damaged",
    "incoming",
    "on_hand",
    "quality_control",
    "reserved",
    "safety_stock",
)
"""The inventory quantity names Shopify knows; the sandbox keeps "available" (= "on_hand"), the rest are 0."""

Obj = dict[str, t.Any]


def gid(kind: str, record_id: int) -> str:
    """A global id: ``gid://shopify/{kind}/{id}``."""
    return f"gid://shopify/{kind}/{record_id}"


def parse_gid(value: str, kind: str) -> int | None:
    """The numeric id of a GID of ``kind`` (None when it is not one)."""
    prefix = f"gid://shopify/{kind}/"
    if not value.startswith(prefix) or not value[len(prefix) :].isdigit():
        return None
    return int(value[len(prefix) :])


def stamp(moment: datetime | None) -> str | None:
    """A GraphQL ``DateTime``: UTC, ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def bag(value: Decimal, currency: str) -> Obj:
    """A ``MoneyBag`` in the shop's currency (presentment is the same: the sandbox sells in one currency)."""
    money = {"__typename": "MoneyV2", "amount": _amount(value), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": money}


def _page_size(first: int | None) -> int:
    if first is None:
        raise GraphQLError("you must provide one of first or last")
    if first < 0 or first > MAX_PAGE:
        raise GraphQLError(f"The first argument must be between 0 and {MAX_PAGE}", extensions={"code": "BAD_REQUEST"})
    return first


Item = t.TypeVar("Item")


def _connection(chosen: list[tuple[Item, str]], more: bool, render: Callable[[Item], Obj]) -> Obj:
    nodes = [render(item) for item, _ in chosen]
    return {
        "edges": [{"cursor": cursor, "node": node} for node, (_, cursor) in zip(nodes, chosen, strict=True)],
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": more,
            "hasPreviousPage": False,
            "startCursor": chosen[0][1] if chosen else None,
            "endCursor": chosen[-1][1] if chosen else None,
        },
    }


class _Positioned:
    """A nested record (a line, a variant) placed in id order for a connection."""

    def __init__(self, record_id: int, record: object, at: datetime) -> None:
        self.id = record_id
        self.record = record
        self.created_at = self.updated_at = at


def _nested(records: Sequence[tuple[int, Item]], at: datetime, render: Callable[[Item], Obj]) -> Callable[..., Obj]:
    def resolve(info: GraphQLResolveInfo, first: int | None = None, after: str | None = None, **_: t.Any) -> Obj:
        placed = [_Positioned(record_id, record, at) for record_id, record in records]
        try:
            chosen, more = select(placed, [], after=after, first=_page_size(first))
        except ValueError as error:
            raise GraphQLError(str(error)) from None
        return _connection(chosen, more, lambda p: render(t.cast(Item, p.record)))

    return resolve


def _limited(items: list[Obj]) -> Callable[..., list[Obj]]:
    def resolve(info: GraphQLResolveInfo, first: int | None = None) -> list[Obj]:
        return items[: first if first is not None else len(items)]

    return resolve


class Renderer:
    """Renders one shop's records; built per request so every object sees the same state."""

    def __init__(self, state: ShopifyState) -> None:
        self.state = state
        self.currency = state.currency

    def address(self, c: Customer) -> Obj | None:
        """A customer's one address as a ``MailingAddress`` (None when it has none)."""
        if not (c.address1 or c.city or c.company):
            return None
        return {
            "id": gid("MailingAddress", c.address_id) + "?model_name=CustomerAddress",
            "firstName": c.first_name,
            "lastName": c.last_name,
            "name": " ".join(p for p in (c.first_name, c.last_name) if p) or None,
            "company": c.company,
            "address1": c.address1,
            "address2": None,
            "city": c.city,
            "province": c.province,
            "provinceCode": c.province,
            "zip": c.zip,
            "country": {"AU": "Australia", "NZ": "New Zealand", "US": "United States"}.get(c.country_code or ""),
            "countryCodeV2": c.country_code,
            "phone": c.phone,
        }

    def customer(self, c: Customer) -> Obj:
        """A ``Customer``."""
        address = self.address(c)
        orders = sum(1 for o in self.state.orders.values() if o.customer_id == c.id)
        return {
            "__typename": "Customer",
            "id": gid("Customer", c.id),
            "legacyResourceId": str(c.id),
            "firstName": c.first_name,
            "lastName": c.last_name,
            "displayName": " ".join(p for p in (c.first_name, c.last_name) if p) or c.email or c.phone or "",
            "email": c.email,
            "phone": c.phone,
            "note": c.note,
            "state": c.state.upper(),
            "tags": list(c.tags),
            "taxExempt": c.tax_exempt,
            "createdAt": stamp(c.created_at),
            "updatedAt": stamp(c.updated_at),
            "defaultAddress": address,
            "addresses": _limited([address] if address else []),
            "numberOfOrders": str(orders),
        }

    def variant(self, v: Variant, product: Product | None = None) -> Obj:
        """A ``ProductVariant`` (its product resolved on demand)."""
        owner = product or self.state.products[v.product_id]
        return {
            "__typename": "ProductVariant",
            "id": gid("ProductVariant", v.id),
            "legacyResourceId": str(v.id),
            "title": v.title,
            "displayName": f"{owner.title} - {v.title}",
            "sku": v.sku,
            "barcode": v.barcode,
            "price": _amount(v.price),
            "compareAtPrice": _amount(v.compare_at_price) if v.compare_at_price is not None else None,
            "taxable": v.taxable,
            "inventoryQuantity": v.inventory_quantity,
            "inventoryItem": lambda info: self.inventory_item(v, owner),
            "createdAt": stamp(v.created_at),
            "updatedAt": stamp(v.updated_at),
            "product": lambda info: self.product(owner),
        }

    def location(self, where: Location) -> Obj:
        """A ``Location``."""
        return {
            "__typename": "Location",
            "id": gid("Location", where.id),
            "legacyResourceId": str(where.id),
            "name": where.name,
            "isActive": where.active,
        }

    def inventory_item(self, v: Variant, product: Product | None = None) -> Obj:
        """A variant's ``InventoryItem``, with its level at a location (null where it is not stocked)."""

        def level(info: GraphQLResolveInfo, locationId: str) -> Obj | None:  # noqa: N803 - GraphQL's argument name
            location_id = parse_gid(locationId, "Location")
            if location_id is None:
                raise GraphQLError(
                    f"Invalid global id '{locationId}'", extensions={"code": "argumentLiteralsIncompatible"}
                )
            where = self.state.locations.get(location_id)
            if where is None or location_id not in v.levels:
                return None
            return self.inventory_level(v, where, product)

        return {
            "__typename": "InventoryItem",
            "id": gid("InventoryItem", v.inventory_item_id),
            "legacyResourceId": str(v.inventory_item_id),
            "sku": v.sku,
            "tracked": v.tracked,
            "inventoryLevel": level,
            "variant": lambda info: self.variant(v, product),
        }

    def inventory_level(self, v: Variant, where: Location, product: Product | None = None) -> Obj:
        """An ``InventoryLevel``: the variant's quantities at one location."""
        available = v.levels[where.id]

        def quantities(info: GraphQLResolveInfo, names: list[str]) -> list[Obj]:
            unknown = [n for n in names if n not in QUANTITY_NAMES]
            if unknown:
                raise GraphQLError(f"Invalid quantity name: {unknown[0]}", extensions={"code": "BAD_REQUEST"})
            return [
                {
                    "id": f"gid://shopify/InventoryQuantity/{where.id}?inventory_item_id={v.inventory_item_id}&name={n}",
                    "name": n,
                    "quantity": available if n in ("available", "on_hand") else 0,
                    "updatedAt": stamp(v.updated_at),
                }
                for n in names
            ]

        return {
            "__typename": "InventoryLevel",
            "id": f"{gid('InventoryLevel', where.id)}?inventory_item_id={v.inventory_item_id}",
            "item": lambda info: self.inventory_item(v, product),
            "location": self.location(where),
            "quantities": quantities,
            "updatedAt": stamp(v.updated_at),
        }

    def product(self, p: Product) -> Obj:
        """A ``Product`` with its ``variants`` connection."""
        return {
            "__typename": "Product",
            "id": gid("Product", p.id),
            "legacyResourceId": str(p.id),
            "title": p.title,
            "handle": p.handle,
            "description": _text(p.body_html),
            "descriptionHtml": p.body_html,
            "vendor": p.vendor,
            "productType": p.product_type,
            "status": p.status.upper(),
            "tags": list(p.tags),
            "createdAt": stamp(p.created_at),
            "updatedAt": stamp(p.updated_at),
            "variants": _nested([(v.id, v) for v in p.variants], p.created_at, lambda v: self.variant(v, p)),
        }

    def tax_line(self, tax: TaxLine) -> Obj:
        """A ``TaxLine`` (``rate`` a fraction, ``ratePercentage`` in percent)."""
        return {
            "title": tax.title,
            "rate": float(tax.rate),
            "ratePercentage": float(tax.rate * 100),
            "priceSet": bag(tax.price, self.currency),
            "channelLiable": False,
        }

    def discount(self, order: Order, index: int) -> Obj:
        """The order's ``index``-th discount code as a ``DiscountCodeApplication``."""
        code = order.discount_codes[index]
        return {
            "__typename": "DiscountCodeApplication",
            "index": index,
            "allocationMethod": "ACROSS",
            "targetSelection": "ALL",
            "targetType": "LINE_ITEM",
            "value": {"__typename": "PricingPercentageValue", "percentage": float(code.percent)},
            "code": code.code,
        }

    def line_item(self, order: Order, li: LineItem) -> Obj:
        """A ``LineItem`` with its prices, taxes and discount allocations."""
        variant = self.state.variant(li.variant_id) if li.variant_id else None
        product = self.state.products.get(li.product_id) if li.product_id else None
        unit_after = li.price - li.discount / li.quantity if li.quantity else li.price
        allocations = (
            [{"allocatedAmountSet": bag(li.discount, self.currency), "discountApplication": self.discount(order, 0)}]
            if li.discount and order.discount_codes
            else []
        )
        refunded = sum(rl.quantity for r in order.refunds for rl in r.lines if rl.line_item_id == li.id)
        return {
            "__typename": "LineItem",
            "id": gid("LineItem", li.id),
            "name": f"{li.title} - {li.variant_title}" if li.variant_title else li.title,
            "title": li.title,
            "variantTitle": li.variant_title,
            "sku": li.sku,
            "quantity": li.quantity,
            "currentQuantity": li.quantity - refunded,
            "taxable": li.taxable,
            "variant": self.variant(variant) if variant else None,
            "product": self.product(product) if product else None,
            "originalUnitPriceSet": bag(li.price, self.currency),
            "discountedUnitPriceSet": bag(unit_after, self.currency),
            "originalTotalSet": bag(li.price * li.quantity, self.currency),
            "discountedTotalSet": bag(li.price * li.quantity - li.discount, self.currency),
            "totalDiscountSet": bag(li.discount, self.currency),
            "taxLines": _limited([self.tax_line(tax) for tax in li.tax_lines]),
            "discountAllocations": allocations,
        }

    def shipping_line(self, s: ShippingLine) -> Obj:
        """A ``ShippingLine``."""
        return {
            "id": gid("ShippingLine", s.id),
            "title": s.title,
            "code": s.code,
            "originalPriceSet": bag(s.price, self.currency),
            "discountedPriceSet": bag(s.price, self.currency),
            "taxLines": [self.tax_line(tax) for tax in s.tax_lines],
        }

    def transaction(self, tx: Transaction, order: Order | None = None) -> Obj:
        """An ``OrderTransaction`` (kind and status upper case, as GraphQL shows them); a capture names its authorization."""
        parent = (
            next((p for p in order.transactions if p.id == tx.parent_id), None)
            if order is not None and tx.parent_id
            else None
        )
        return {
            "__typename": "OrderTransaction",
            "id": gid("OrderTransaction", tx.id),
            "kind": tx.kind.upper(),
            "status": tx.status.upper(),
            "gateway": tx.gateway,
            "amountSet": bag(tx.amount, self.currency),
            "processedAt": stamp(tx.processed_at),
            "createdAt": stamp(tx.created_at or tx.processed_at),
            "parentTransaction": (lambda info: self.transaction(parent, order)) if parent is not None else None,
        }

    def refund(self, order: Order, r: Refund) -> Obj:
        """A ``Refund`` with its refunded lines and shipping."""
        lines = {li.id: li for li in order.line_items}

        def refund_line(rl: t.Any) -> Obj:
            return {
                "id": gid("RefundLineItem", rl.id),
                "lineItem": self.line_item(order, lines[rl.line_item_id]),
                "quantity": rl.quantity,
                "restockType": "RETURN",
                "priceSet": bag(lines[rl.line_item_id].price, self.currency),
                "subtotalSet": bag(rl.subtotal, self.currency),
                "totalTaxSet": bag(rl.total_tax, self.currency),
            }

        shipping = (
            [
                {
                    "shippingLine": self.shipping_line(order.shipping_lines[0]),
                    "subtotalAmountSet": bag(r.shipping, self.currency),
                    "taxAmountSet": bag(r.shipping_tax, self.currency),
                }
            ]
            if r.shipping and order.shipping_lines
            else []
        )
        return {
            "__typename": "Refund",
            "id": gid("Refund", r.id),
            "legacyResourceId": str(r.id),
            "createdAt": stamp(r.created_at),
            "updatedAt": stamp(r.created_at),
            "note": r.note,
            "totalRefundedSet": bag(r.total, self.currency),
            "refundLineItems": _nested([(rl.id, rl) for rl in r.lines], r.created_at, refund_line),
            "refundShippingLines": _limited(shipping),
            "transactions": _limited([self.transaction(tx) for tx in r.transactions]),
        }

    def order(self, o: Order) -> Obj:
        """An ``Order`` with every connection the schema gives it."""
        customer = self.state.customers.get(o.customer_id) if o.customer_id else None
        address = self.address(customer) if customer else None
        taxes: dict[tuple[str, Decimal], Decimal] = {}
        for tax in [tx for li in o.line_items for tx in li.tax_lines] + [
            tx for s in o.shipping_lines for tx in s.tax_lines
        ]:
            taxes[(tax.title, tax.rate)] = taxes.get((tax.title, tax.rate), Decimal(0)) + tax.price
        status = o.financial_status.upper()
        return {
            "__typename": "Order",
            "id": gid("Order", o.id),
            "legacyResourceId": str(o.id),
            "name": o.name,
            "email": o.email,
            "note": o.note,
            "tags": list(o.tags),
            "createdAt": stamp(o.created_at),
            "updatedAt": stamp(o.updated_at),
            "processedAt": stamp(o.processed_at),
            "cancelledAt": stamp(o.cancelled_at),
            "cancelReason": o.cancel_reason.upper() if o.cancel_reason else None,
            "closed": o.closed_at is not None,
            "closedAt": stamp(o.closed_at),
            "currencyCode": o.currency,
            "presentmentCurrencyCode": o.currency,
            "taxesIncluded": o.taxes_included,
            "displayFinancialStatus": status,
            "fullyPaid": o.fully_paid,
            "customer": self.customer(customer) if customer else None,
            "billingAddress": address,
            "shippingAddress": address,
            "subtotalPriceSet": bag(o.subtotal, o.currency),
            "totalDiscountsSet": bag(o.total_discounts, o.currency),
            "totalShippingPriceSet": bag(o.total_shipping, o.currency),
            "totalTaxSet": bag(o.total_tax, o.currency),
            "totalPriceSet": bag(o.total_price, o.currency),
            "totalReceivedSet": bag(o.received, o.currency),
            "totalOutstandingSet": bag(o.outstanding, o.currency),
            "totalRefundedSet": bag(o.refunded, o.currency),
            "currentTotalPriceSet": bag(o.total_price - o.refunded, o.currency),
            "taxLines": [self.tax_line(TaxLine(title, rate, price)) for (title, rate), price in taxes.items()],
            "lineItems": _nested([(li.id, li) for li in o.line_items], o.created_at, lambda li: self.line_item(o, li)),
            "shippingLines": _nested([(s.id, s) for s in o.shipping_lines], o.created_at, self.shipping_line),
            "discountApplications": _nested(
                [(n, n) for n in range(len(o.discount_codes))], o.created_at, lambda n: self.discount(o, n)
            ),
            "transactions": _limited([self.transaction(tx, o) for tx in o.transactions]),
            "refunds": _limited([self.refund(o, r) for r in o.refunds]),
        }


def _text(html: str) -> str:
    """Text of a product description (tags dropped), as ``description`` shows it."""
    return re.sub(r"<[^>]+>", "", html).strip()


def _top(records: Sequence[Listed], render: Callable[[t.Any], Obj]) -> Callable[..., Obj]:
    def resolve(
        info: GraphQLResolveInfo,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        sortKey: str = "ID",  # noqa: N803 - GraphQL's argument name
        reverse: bool = False,
    ) -> Obj:
        try:
            conditions, warnings = parse_search(query)
            chosen, more = select(
                records, conditions, sort_key=sortKey, reverse=reverse, after=after, first=_page_size(first)
            )
        except (SearchError, ValueError) as error:
            raise GraphQLError(str(error)) from None
        if warnings:
            info.context.setdefault("search", []).append(
                {"path": [info.field_name], "query": query, "warnings": warnings}
            )
        return _connection(chosen, more, render)

    return resolve


def _one(kind: str, find: Callable[[int], t.Any], render: Callable[[t.Any], Obj]) -> Callable[..., Obj | None]:
    def resolve(info: GraphQLResolveInfo, id: str) -> Obj | None:
        record_id = parse_gid(id, kind)
        if record_id is None:
            raise GraphQLError(f"Invalid global id '{id}'", extensions={"code": "argumentLiteralsIncompatible"})
        found = find(record_id)
        return render(found) if found is not None else None

    return resolve


def root_fields(state: ShopifyState) -> Obj:
    """The ``Query`` root: every top-level field over the state as it is now (call under the state's lock)."""
    r = Renderer(state)

    def where(info: GraphQLResolveInfo, id: str | None = None) -> Obj | None:
        if id is None:
            return r.location(state.primary_location)  # no id: the shop's primary location
        location_id = parse_gid(id, "Location")
        if location_id is None:
            raise GraphQLError(f"Invalid global id '{id}'", extensions={"code": "argumentLiteralsIncompatible"})
        found = state.locations.get(location_id)
        return r.location(found) if found is not None else None

    offset = state.tz.utcoffset(None)
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return {
        "shop": {
            "name": state.shop_name,
            "currencyCode": state.currency,
            "taxesIncluded": state.taxes_included,
            "ianaTimezone": f"Etc/GMT{-hours:+d}" if hours else "Etc/UTC",
        },
        "customer": _one("Customer", state.customers.get, r.customer),
        "customers": _top(list(state.customers.values()), r.customer),
        "product": _one("Product", state.products.get, r.product),
        "products": _top(list(state.products.values()), r.product),
        "productVariant": _one("ProductVariant", state.variant, r.variant),
        "productVariants": _top([v for p in state.products.values() for v in p.variants], r.variant),
        "inventoryItem": _one("InventoryItem", state.inventory_item, r.inventory_item),
        "location": where,
        "order": _one("Order", state.orders.get, r.order),
        "orders": _top(list(state.orders.values()), r.order),
    }


def customer_object(state: ShopifyState, customer: Customer) -> Obj:
    """One customer as GraphQL shows it (for mutation payloads)."""
    return Renderer(state).customer(customer)


def order_object(state: ShopifyState, order: Order) -> Obj:
    """One order as GraphQL shows it (for mutation payloads)."""
    return Renderer(state).order(order)


def inventory_item_object(state: ShopifyState, variant: Variant) -> Obj:
    """A variant's inventory item as GraphQL shows it (for mutation payloads)."""
    return Renderer(state).inventory_item(variant)


def product_object(state: ShopifyState, product: Product) -> Obj:
    """One product as GraphQL shows it (for mutation payloads)."""
    return Renderer(state).product(product)


def variant_object(state: ShopifyState, variant: Variant) -> Obj:
    """One variant as GraphQL shows it (for mutation payloads)."""
    return Renderer(state).variant(variant)


def location_object(state: ShopifyState, where: Location) -> Obj:
    """One location as GraphQL shows it (for mutation payloads)."""
    return Renderer(state).location(where)
