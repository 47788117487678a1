"""What the Shopify connector reads, declared as data: one GraphQL connection per stream, and its node fields.

Each stream reads one root connection (``customers``, ``products``,
``orders``) sorted by ``UPDATED_AT`` (ties by id, Shopify's keyset order),
filtered by ``updated_at:>='...'`` for incremental reads. Page sizes keep a
page's requested cost under the 1000-point bucket Shopify gives a single
query. Nested connections a node may overflow (an order's line items, a
product's variants) are named so the client reads the rest of them by id.
What is written (items' prices and stock) is ``sink``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["API_VERSION", "GRAPHQL_PATH", "STREAMS", "Nested", "ShopifyStream"]

API_VERSION = "2025-07"
"""The Admin API version the connector is written against (Shopify versions quarterly; pin one)."""

GRAPHQL_PATH = f"admin/api/{API_VERSION}/graphql.json"

_MONEY = "shopMoney { amount currencyCode }"
_TAX = f"title rate priceSet {{ {_MONEY} }}"

_CUSTOMER = """
id legacyResourceId firstName lastName displayName email phone note state taxExempt createdAt updatedAt
defaultAddress { company address1 address2 city provinceCode zip countryCodeV2 phone }
"""

_VARIANT = "id legacyResourceId title sku price taxable updatedAt"

_PRODUCT = f"""
id legacyResourceId title description vendor productType status createdAt updatedAt
variants(first: 20) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {_VARIANT} }} }}
"""

_LINE = f"""
id name title sku quantity variant {{ legacyResourceId }}
originalUnitPriceSet {{ {_MONEY} }}
taxLines {{ {_TAX} }}
discountAllocations {{ allocatedAmountSet {{ {_MONEY} }} discountApplication {{ index }} }}
"""

_ORDER = f"""
id legacyResourceId name email createdAt updatedAt processedAt cancelledAt
currencyCode taxesIncluded displayFinancialStatus fullyPaid
customer {{ legacyResourceId }}
subtotalPriceSet {{ {_MONEY} }} totalTaxSet {{ {_MONEY} }} totalPriceSet {{ {_MONEY} }}
totalReceivedSet {{ {_MONEY} }}
lineItems(first: 10) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {_LINE} }} }}
shippingLines(first: 5) {{ pageInfo {{ hasNextPage }} nodes {{ title discountedPriceSet {{ {_MONEY} }} taxLines {{ {_TAX} }} }} }}
discountApplications(first: 10) {{ pageInfo {{ hasNextPage }} nodes {{
  index allocationMethod targetType
  value {{ ... on MoneyV2 {{ amount }} ... on PricingPercentageValue {{ percentage }} }}
  ... on DiscountCodeApplication {{ code }}
}} }}
transactions {{ id kind status processedAt createdAt amountSet {{ {_MONEY} }} }}
refunds {{
  id legacyResourceId createdAt note totalRefundedSet {{ {_MONEY} }}
  refundLineItems(first: 10) {{ pageInfo {{ hasNextPage }} nodes {{
    quantity subtotalSet {{ {_MONEY} }} totalTaxSet {{ {_MONEY} }}
    lineItem {{ id name variant {{ legacyResourceId }} taxLines {{ {_TAX} }} }}
  }} }}
  refundShippingLines {{ shippingLine {{ title taxLines {{ {_TAX} }} }} subtotalAmountSet {{ {_MONEY} }} taxAmountSet {{ {_MONEY} }} }}
}}
"""


@dataclass(frozen=True)
class Nested:
    """A connection inside each node that may hold more than its first page (read on by the node's id)."""

    field: str
    node_fields: str
    page_size: int = 250


@dataclass(frozen=True)
class ShopifyStream:
    """One root connection read for a canonical entity."""

    name: str
    entity: str
    node_type: str  # the GraphQL type, for node(id) reads of nested connections: ``order(id:)``
    node_fields: str
    page_size: int
    nested: tuple[Nested, ...] = ()
    id_field: str = "legacyResourceId"

    @property
    def document(self) -> str:
        """The paged query: ``first``/``after``/``query`` as variables, oldest change first."""
        return (
            "query Read($first: Int!, $after: String, $query: String) {\n"
            f"  {self.name}(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{\n"
            "    pageInfo { hasNextPage endCursor }\n"
            f"    nodes {{ {self.node_fields} }}\n"
            "  }\n}"
        )

    def rest_of(self, nested: Nested) -> str:
        """The query reading the rest of one node's nested connection, after a cursor."""
        root = self.node_type[0].lower() + self.node_type[1:]
        return (
            "query More($id: ID!, $after: String) {\n"
            f"  {root}(id: $id) {{ {nested.field}(first: {nested.page_size}, after: $after) {{\n"
            f"    pageInfo {{ hasNextPage endCursor }} nodes {{ {nested.node_fields} }} }} }}\n}}"
        )


STREAMS: dict[str, ShopifyStream] = {
    s.name: s
    for s in (
        ShopifyStream("customers", "organizations", "Customer", _CUSTOMER, page_size=100),
        ShopifyStream("products", "items", "Product", _PRODUCT, page_size=25, nested=(Nested("variants", _VARIANT),)),
        ShopifyStream("orders", "invoices", "Order", _ORDER, page_size=3, nested=(Nested("lineItems", _LINE, 50),)),
    )
}
"""Every stream the connector reads, in reference order (orders point at customers and variants)."""
