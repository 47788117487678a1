"""The subset of the Admin GraphQL schema (version 2025-07) the sandbox serves, as SDL.

Names, types and nullability follow Shopify's published schema for what is
here; everything else of the real schema is absent, so a query asking for it
fails validation as a query with a typo would. Money is ``MoneyBag``
(``shopMoney``/``presentmentMoney``) of ``MoneyV2`` (``amount`` a decimal
string); connections have ``edges``/``nodes``/``pageInfo``. Known gaps:
``last``/``before`` paging and ``CurrencyCode``/``CountryCode`` beyond a few
values.
"""

from __future__ import annotations

from functools import cache

from graphql import GraphQLSchema, build_schema

__all__ = ["SDL", "schema"]

SDL = """
scalar DateTime
scalar Decimal
scalar Money
scalar UnsignedInt64
scalar URL

enum CurrencyCode { AUD NZD USD CAD GBP EUR }
enum CustomerState { DISABLED INVITED ENABLED DECLINED }
enum ProductStatus { ACTIVE ARCHIVED DRAFT }
enum CustomerSortKeys { ID CREATED_AT UPDATED_AT NAME RELEVANCE }
enum ProductSortKeys { ID CREATED_AT UPDATED_AT TITLE RELEVANCE }
enum ProductVariantSortKeys { ID SKU TITLE RELEVANCE }
enum OrderSortKeys { ID CREATED_AT UPDATED_AT PROCESSED_AT RELEVANCE }
enum OrderDisplayFinancialStatus { PENDING AUTHORIZED PARTIALLY_PAID PARTIALLY_REFUNDED VOIDED PAID REFUNDED EXPIRED }
enum OrderTransactionKind { SALE CAPTURE AUTHORIZATION VOID REFUND CHANGE EMV_AUTHORIZATION SUGGESTED_REFUND }
enum OrderTransactionStatus { SUCCESS FAILURE PENDING ERROR AWAITING_RESPONSE UNKNOWN }
enum DiscountApplicationAllocationMethod { ACROSS EACH ONE }
enum DiscountApplicationTargetType { LINE_ITEM SHIPPING_LINE }
enum DiscountApplicationTargetSelection { ALL ENTITLED EXPLICIT }

interface Node { id: ID! }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type PricingPercentageValue { percentage: Float! }
union PricingValue = MoneyV2 | PricingPercentageValue

type MailingAddress implements Node {
  id: ID!
  firstName: String
  lastName: String
  name: String
  company: String
  address1: String
  address2: String
  city: String
  province: String
  provinceCode: String
  zip: String
  country: String
  countryCodeV2: String
  phone: String
}

type Customer implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  firstName: String
  lastName: String
  displayName: String!
  email: String
  phone: String
  note: String
  state: CustomerState!
  tags: [String!]!
  taxExempt: Boolean!
  createdAt: DateTime!
  updatedAt: DateTime!
  defaultAddress: MailingAddress
  addresses(first: Int): [MailingAddress!]!
  numberOfOrders: UnsignedInt64!
}
type CustomerEdge { cursor: String! node: Customer! }
type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }

type ProductVariant implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  displayName: String!
  sku: String
  barcode: String
  price: Money!
  compareAtPrice: Money
  taxable: Boolean!
  inventoryQuantity: Int
  inventoryItem: InventoryItem!
  createdAt: DateTime!
  updatedAt: DateTime!
  product: Product!
}

type Location implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  isActive: Boolean!
}

type InventoryQuantity { id: ID! name: String! quantity: Int! updatedAt: DateTime }

type InventoryLevel implements Node {
  id: ID!
  item: InventoryItem!
  location: Location!
  quantities(names: [String!]!): [InventoryQuantity!]!
  updatedAt: DateTime!
}

type InventoryItem implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  sku: String
  tracked: Boolean!
  inventoryLevel(locationId: ID!): InventoryLevel
  variant: ProductVariant!
}
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

type Product implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  handle: String!
  description: String!
  descriptionHtml: String!
  vendor: String!
  productType: String!
  status: ProductStatus!
  tags: [String!]!
  createdAt: DateTime!
  updatedAt: DateTime!
  variants(first: Int, after: String, reverse: Boolean = false): ProductVariantConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

type TaxLine {
  title: String!
  rate: Float
  ratePercentage: Float
  priceSet: MoneyBag!
  channelLiable: Boolean
}

interface DiscountApplication {
  index: Int!
  allocationMethod: DiscountApplicationAllocationMethod!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  value: PricingValue!
}
type DiscountCodeApplication implements DiscountApplication {
  index: Int!
  allocationMethod: DiscountApplicationAllocationMethod!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  value: PricingValue!
  code: String!
}
type DiscountApplicationEdge { cursor: String! node: DiscountApplication! }
type DiscountApplicationConnection {
  edges: [DiscountApplicationEdge!]!
  nodes: [DiscountApplication!]!
  pageInfo: PageInfo!
}
type DiscountAllocation { allocatedAmountSet: MoneyBag! discountApplication: DiscountApplication! }

type LineItem implements Node {
  id: ID!
  name: String!
  title: String!
  variantTitle: String
  sku: String
  quantity: Int!
  currentQuantity: Int!
  taxable: Boolean!
  variant: ProductVariant
  product: Product
  originalUnitPriceSet: MoneyBag!
  discountedUnitPriceSet: MoneyBag!
  originalTotalSet: MoneyBag!
  discountedTotalSet: MoneyBag!
  totalDiscountSet: MoneyBag!
  taxLines(first: Int): [TaxLine!]!
  discountAllocations: [DiscountAllocation!]!
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

type ShippingLine {
  id: ID
  title: String!
  code: String
  originalPriceSet: MoneyBag!
  discountedPriceSet: MoneyBag!
  taxLines: [TaxLine!]!
}
type ShippingLineEdge { cursor: String! node: ShippingLine! }
type ShippingLineConnection { edges: [ShippingLineEdge!]! nodes: [ShippingLine!]! pageInfo: PageInfo! }

type OrderTransaction implements Node {
  id: ID!
  kind: OrderTransactionKind!
  status: OrderTransactionStatus!
  gateway: String
  amountSet: MoneyBag!
  processedAt: DateTime
  createdAt: DateTime!
  parentTransaction: OrderTransaction
}

type RefundLineItem {
  id: ID!
  lineItem: LineItem!
  quantity: Int!
  restockType: String!
  priceSet: MoneyBag!
  subtotalSet: MoneyBag!
  totalTaxSet: MoneyBag!
}
type RefundLineItemEdge { cursor: String! node: RefundLineItem! }
type RefundLineItemConnection { edges: [RefundLineItemEdge!]! nodes: [RefundLineItem!]! pageInfo: PageInfo! }

type RefundShippingLine { shippingLine: ShippingLine! subtotalAmountSet: MoneyBag! taxAmountSet: MoneyBag! }

type Refund implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  createdAt: DateTime
  updatedAt: DateTime!
  note: String
  totalRefundedSet: MoneyBag!
  refundLineItems(first: Int, after: String): RefundLineItemConnection!
  refundShippingLines(first: Int): [RefundShippingLine!]!
  transactions(first: Int): [OrderTransaction!]!
}

type Order implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  email: String
  note: String
  tags: [String!]!
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime!
  cancelledAt: DateTime
  cancelReason: String
  closed: Boolean!
  closedAt: DateTime
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  taxesIncluded: Boolean!
  displayFinancialStatus: OrderDisplayFinancialStatus
  fullyPaid: Boolean!
  customer: Customer
  billingAddress: MailingAddress
  shippingAddress: MailingAddress
  subtotalPriceSet: MoneyBag
  totalDiscountsSet: MoneyBag
  totalShippingPriceSet: MoneyBag!
  totalTaxSet: MoneyBag
  totalPriceSet: MoneyBag!
  totalReceivedSet: MoneyBag!
  totalOutstandingSet: MoneyBag!
  totalRefundedSet: MoneyBag!
  currentTotalPriceSet: MoneyBag!
  taxLines: [TaxLine!]!
  lineItems(first: Int, after: String, reverse: Boolean = false): LineItemConnection!
  shippingLines(first: Int, after: String): ShippingLineConnection!
  discountApplications(first: Int, after: String): DiscountApplicationConnection!
  transactions(first: Int): [OrderTransaction!]!
  refunds(first: Int): [Refund!]!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

type Shop { name: String! currencyCode: CurrencyCode! taxesIncluded: Boolean! ianaTimezone: String! }

type Query {
  shop: Shop!
  customer(id: ID!): Customer
  customers(first: Int, after: String, query: String, sortKey: CustomerSortKeys = ID, reverse: Boolean = false): CustomerConnection!
  product(id: ID!): Product
  products(first: Int, after: String, query: String, sortKey: ProductSortKeys = ID, reverse: Boolean = false): ProductConnection!
  productVariant(id: ID!): ProductVariant
  productVariants(first: Int, after: String, query: String, sortKey: ProductVariantSortKeys = ID, reverse: Boolean = false): ProductVariantConnection!
  inventoryItem(id: ID!): InventoryItem
  location(id: ID): Location
  order(id: ID!): Order
  orders(first: Int, after: String, query: String, sortKey: OrderSortKeys = PROCESSED_AT, reverse: Boolean = false): OrderConnection!
}

type UserError { field: [String!] message: String! }

input MailingAddressInput {
  address1: String
  address2: String
  city: String
  company: String
  countryCode: String
  firstName: String
  lastName: String
  phone: String
  provinceCode: String
  zip: String
}
input CustomerInput {
  id: ID
  firstName: String
  lastName: String
  email: String
  phone: String
  note: String
  tags: [String!]
  taxExempt: Boolean
  addresses: [MailingAddressInput!]
}
type CustomerCreatePayload { customer: Customer userErrors: [UserError!]! }
type CustomerUpdatePayload { customer: Customer userErrors: [UserError!]! }

input MoneyInput { amount: Decimal! currencyCode: CurrencyCode! }
enum OrderCreateManualPaymentOrderCreateManualPaymentErrorCode {
  AMOUNT_EXCEEDS_BALANCE AMOUNT_NOT_POSITIVE GATEWAY_NOT_FOUND ORDER_IS_TEMPORARILY_UNAVAILABLE ORDER_NOT_FOUND
  PROCESSED_AT_INVALID
}
type OrderCreateManualPaymentOrderCreateManualPaymentError {
  code: OrderCreateManualPaymentOrderCreateManualPaymentErrorCode
  field: [String!]
  message: String!
}
type OrderCreateManualPaymentPayload {
  order: Order
  userErrors: [OrderCreateManualPaymentOrderCreateManualPaymentError!]!
}

input ProductVariantsBulkInput {
  id: ID
  price: Money
  compareAtPrice: Money
  barcode: String
  taxable: Boolean
}
enum ProductVariantsBulkUpdateUserErrorCode {
  PRODUCT_DOES_NOT_EXIST PRODUCT_VARIANT_DOES_NOT_EXIST PRODUCT_VARIANT_ID_MISSING GREATER_THAN_OR_EQUAL_TO
  INVALID_INPUT NO_KEY_ON_CREATE
}
type ProductVariantsBulkUpdateUserError {
  code: ProductVariantsBulkUpdateUserErrorCode
  field: [String!]
  message: String!
}
type ProductVariantsBulkUpdatePayload {
  product: Product
  productVariants: [ProductVariant!]
  userErrors: [ProductVariantsBulkUpdateUserError!]!
}

input InventoryQuantityInput { inventoryItemId: ID! locationId: ID! quantity: Int! compareQuantity: Int }
input InventorySetQuantitiesInput {
  name: String!
  reason: String!
  referenceDocumentUri: String
  quantities: [InventoryQuantityInput!]!
  ignoreCompareQuantity: Boolean = false
}
enum InventorySetQuantitiesUserErrorCode {
  COMPARE_QUANTITY_REQUIRED COMPARE_QUANTITY_STALE INVALID_INVENTORY_ITEM INVALID_LOCATION INVALID_NAME
  INVALID_QUANTITY_NEGATIVE INVALID_QUANTITY_TOO_HIGH INVALID_QUANTITY_TOO_LOW INVALID_REASON
  INVALID_REFERENCE_DOCUMENT ITEM_NOT_STOCKED_AT_LOCATION NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
  NON_MUTABLE_INVENTORY_ITEM
}
type InventorySetQuantitiesUserError { code: InventorySetQuantitiesUserErrorCode field: [String!] message: String! }
type InventoryChange { name: String! delta: Int! quantityAfterChange: Int item: InventoryItem location: Location }
type InventoryAdjustmentGroup {
  id: ID!
  createdAt: DateTime!
  reason: String!
  referenceDocumentUri: String
  changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
}
type InventorySetQuantitiesPayload {
  inventoryAdjustmentGroup: InventoryAdjustmentGroup
  userErrors: [InventorySetQuantitiesUserError!]!
}

type Mutation {
  customerCreate(input: CustomerInput!): CustomerCreatePayload
  customerUpdate(input: CustomerInput!): CustomerUpdatePayload
  orderCreateManualPayment(
    id: ID!, amount: MoneyInput, paymentMethodName: String, processedAt: DateTime
  ): OrderCreateManualPaymentPayload
  productVariantsBulkUpdate(
    productId: ID!, variants: [ProductVariantsBulkInput!]!, allowPartialUpdates: Boolean = false
  ): ProductVariantsBulkUpdatePayload
  inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
}
"""


@cache
def schema() -> GraphQLSchema:
    """The schema, built once; abstract types resolve by the ``__typename`` each rendered object carries."""
    built = build_schema(SDL)
    return built
