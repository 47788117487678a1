"""The Shopify connector (e-commerce): customers, products and orders read through the Admin GraphQL API; Xero items' prices and stock written to the variants.

- ``client``: ``ShopifyClient`` (``X-Shopify-Access-Token``, GraphQL pages
  sorted by ``UPDATED_AT`` with resumable cursors, nested connections read to
  their end, ``THROTTLED`` and HTTP 429 honoured) over the shared ``RestClient``;
- ``throttle``: GraphQL errors classified once, ``CostPacer`` (waits for the
  cost bucket before a query);
- ``streams``: what is read, declared as data (``STREAMS``: customers ->
  organizations, products -> items, orders -> invoices);
- ``source``: ``ShopifySource``, a stream as an extract source;
- ``mapping``/``mapper``: pure functions Shopify -> canonical
  (``shopify_mapper(settings)``: customers -> organizations + people,
  variants -> items, orders -> tax codes + invoice + a payment per sale or
  capture + credit notes for their refunds);
- ``sink``: ``ShopifySink``, Xero items to the variants with their SKU
  (price, and the "available" count where Xero keeps the stock; products are
  never made: see ``connectors.base.shop_items``).

It is written against Shopify's Admin API 2025-07; the sandbox in
``sandbox/shopify`` emulates it for tests and the demo.
"""

from connectors.shopify.client import ReadState, ShopifyClient, ShopifyPage, ShopifyToken
from connectors.shopify.mapper import shopify_mapper
from connectors.shopify.mapping import MAX_CODE, customer_to_canonical, order_to_canonical, product_to_canonical
from connectors.shopify.paging import UpdatedAtPaginator
from connectors.shopify.sink import ShopifySink
from connectors.shopify.source import ShopifySource
from connectors.shopify.streams import API_VERSION, STREAMS, Nested, ShopifyStream
from connectors.shopify.throttle import CostPacer, graphql_check, throttle_wait

__all__ = [
    "API_VERSION",
    "MAX_CODE",
    "STREAMS",
    "CostPacer",
    "Nested",
    "ReadState",
    "ShopifyClient",
    "ShopifyPage",
    "ShopifySink",
    "ShopifySource",
    "ShopifyStream",
    "ShopifyToken",
    "UpdatedAtPaginator",
    "customer_to_canonical",
    "graphql_check",
    "order_to_canonical",
    "product_to_canonical",
    "shopify_mapper",
    "throttle_wait",
]
