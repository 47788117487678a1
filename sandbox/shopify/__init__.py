"""A stateful emulator of one Shopify shop's Admin API (version 2025-07): GraphQL first, REST where shops still use it.

It behaves as a shop does as far as a client can see: ``X-Shopify-Access-Token``
on every call; GraphQL (``POST /admin/api/2025-07/graphql.json``) for
customers, products with variants and orders with their lines, taxes,
shipping, discounts, transactions and refunds, parsed and validated by
graphql-core against an SDL subset of Shopify's schema, with connections
(``first``/``after`` up to 250, ``pageInfo``), the ``updated_at`` search
filter, sort keys, calculated query cost in ``extensions.cost`` drawn from a
leaky bucket (``THROTTLED`` when short) and ``userErrors`` on
``customerCreate``/``customerUpdate``/``orderCreateManualPayment`` (a manual
payment, in part or in full: orders go PARTIALLY_PAID, then PAID); variants
found by SKU (``productVariants(query: "sku:A OR sku:B")``), their prices
changed per product (``productVariantsBulkUpdate``) and their stock kept per
location (the primary one made with the shop, ``location`` without an id),
set with ``inventorySetQuantities`` and its compare-and-set; REST
``customers``, ``orders`` and ``products`` with ``Link``-header paging,
``updated_at_min``, orders' ``status=open`` default, the 40-call bucket (``X-Shopify-Shop-Api-Call-Limit``,
429 + ``Retry-After``) and Shopify's error bodies; faults on demand.

Assumptions (not verifiable without a live shop): the wording of some error
messages, a search term on an unknown field being ignored with a warning in
``extensions.search``, ``PROCESSED_AT`` sorting as ``CREATED_AT`` (the
sandbox processes orders when it creates them unless told otherwise), the
cost of lists without ``first`` (one object), and one tax rate per shop.

    state = ShopifyState(currency="AUD")
    seed_sample(state)
    app = create_app(state)     # serves /admin/api/2025-07/...
    # call it with X-Shopify-Access-Token: SAMPLE_TOKEN
"""

from sandbox.shopify.app import API_ROOT, create_app
from sandbox.shopify.cost import CallBucket, CostBucket, query_cost
from sandbox.shopify.errors import ShopifyError, error_body, shopify_fault
from sandbox.shopify.graph import MAX_PAGE, gid, parse_gid
from sandbox.shopify.rest import DEFAULT_LIMIT, MAX_LIMIT
from sandbox.shopify.schema import SDL, schema
from sandbox.shopify.seed import HISTORY_DAYS, SeedSummary, seed_sample
from sandbox.shopify.state import API_VERSION, SAMPLE_TOKEN, PaymentError, ShopifyState

__all__ = [
    "API_ROOT",
    "API_VERSION",
    "DEFAULT_LIMIT",
    "HISTORY_DAYS",
    "MAX_LIMIT",
    "MAX_PAGE",
    "SAMPLE_TOKEN",
    "SDL",
    "CallBucket",
    "CostBucket",
    "PaymentError",
    "SeedSummary",
    "ShopifyError",
    "ShopifyState",
    "create_app",
    "error_body",
    "gid",
    "parse_gid",
    "query_cost",
    "schema",
    "seed_sample",
    "shopify_fault",
]
