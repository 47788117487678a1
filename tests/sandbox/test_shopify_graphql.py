"""The Shopify sandbox's GraphQL API: auth, connections, the updated_at search, cost and throttling, mutations."""

from __future__ import annotations

import typing as t
from decimal import Decimal

import httpx
import pytest
from test_shopify_support import ROOT, fresh_state, gql, shop_client

from sandbox.common.clock import FakeClock
from sandbox.shopify import ShopifyState, gid

CUSTOMERS = """
query($first: Int, $after: String, $query: String, $sortKey: CustomerSortKeys) {
  customers(first: $first, after: $after, query: $query, sortKey: $sortKey) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { legacyResourceId email updatedAt } }
  }
}
"""


def make_customers(count: int) -> tuple[ShopifyState, FakeClock]:
    state, clock = fresh_state()
    for n in range(count):
        state.create_customer(first_name=f"C{n}", email=f"c{n}@example.com")
        clock.advance(1)
    return state, clock


def read_all(http: httpx.Client, first: int, **variables: t.Any) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = gql(http, CUSTOMERS, first=first, after=after, **variables)["data"]["customers"]
        ids += [e["node"]["legacyResourceId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


def test_no_or_wrong_token_is_401_with_shopifys_body() -> None:
    state, _ = fresh_state()
    for token in (None, "shpat_wrong"):
        response = shop_client(state, token).post(f"{ROOT}/graphql.json", json={"query": "{ shop { name } }"})
        assert response.status_code == 401
        assert response.json() == {
            "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
        }


def test_an_unknown_api_version_is_404() -> None:
    state, _ = fresh_state()
    response = shop_client(state).post("/admin/api/2019-04/graphql.json", json={"query": "{ shop { name } }"})
    assert response.status_code == 404
    assert response.json() == {"errors": "Not Found"}


def test_pages_follow_end_cursors_without_overlap_or_gap() -> None:
    state, _ = make_customers(7)
    ids = read_all(shop_client(state), first=3)
    assert ids == [str(c) for c in sorted(state.customers)]


def test_first_is_required_and_capped_at_250() -> None:
    state, _ = make_customers(1)
    http = shop_client(state)
    missing = gql(http, CUSTOMERS)
    assert "first or last" in missing["errors"][0]["message"]
    too_many = gql(http, CUSTOMERS, first=251)
    assert "250" in too_many["errors"][0]["message"]


def test_updated_at_search_and_sort_key_return_changes_oldest_first_with_ties_by_id() -> None:
    state, clock = make_customers(5)
    ids = sorted(state.customers)
    cut = state.customers[ids[4]].updated_at  # the newest before the edits
    clock.advance(5)
    # Two edits in the same second: same updatedAt, so the id breaks the tie.
    state.update_customer(ids[3], note="later")
    state.update_customer(ids[1], note="later")
    http = shop_client(state)
    search = f"updated_at:>'{cut.isoformat().replace('+00:00', 'Z')}'"
    changed = read_all(http, first=1, query=search, sortKey="UPDATED_AT")
    assert changed == [str(ids[1]), str(ids[3])]
    inclusive = read_all(http, first=10, query=search.replace(">", ">="), sortKey="UPDATED_AT")
    assert inclusive == [str(ids[4]), str(ids[1]), str(ids[3])]


def test_an_unknown_search_field_is_ignored_with_a_warning() -> None:
    state, _ = make_customers(2)
    answer = gql(shop_client(state), CUSTOMERS, first=5, query="colour:blue")
    assert len(answer["data"]["customers"]["edges"]) == 2
    assert "colour" in answer["extensions"]["search"][0]["warnings"][0]


def test_a_field_not_in_the_schema_fails_validation() -> None:
    state, _ = make_customers(1)
    answer = gql(shop_client(state), "{ customers(first: 1) { nodes { favouriteColour } } }")
    assert "data" not in answer
    assert "favouriteColour" in answer["errors"][0]["message"]


def test_cost_is_reported_and_what_was_not_used_is_given_back() -> None:
    state, _ = make_customers(2)
    answer = gql(shop_client(state), "{ customers(first: 50) { nodes { id defaultAddress { city } } } }")
    cost = answer["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 50 * 2
    assert cost["actualQueryCost"] == 2 + 2 * 1  # two customers, neither with an address
    assert cost["throttleStatus"] == {"maximumAvailable": 1000.0, "currentlyAvailable": 996, "restoreRate": 100.0}


def test_a_query_the_bucket_cannot_pay_for_is_throttled_until_it_refills() -> None:
    state, clock = fresh_state(cost_max=100, cost_restore=10)
    for n in range(60):
        state.create_customer(first_name=f"C{n}")
    http = shop_client(state)
    query = "{ customers(first: 60) { nodes { id } } }"  # costs 62 requested and actual
    assert "data" in gql(http, query)
    throttled = gql(http, query)
    assert throttled["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    assert throttled["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 38
    clock.advance(2.4)
    assert "data" in gql(http, query)


def test_a_query_dearer_than_the_whole_bucket_never_runs() -> None:
    state, _ = fresh_state()
    answer = gql(shop_client(state), "{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }")
    assert answer["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert "exceeds the single query max cost limit (1000)" in answer["errors"][0]["message"]


ORDER = """
query($id: ID!) { order(id: $id) {
  name taxesIncluded displayFinancialStatus fullyPaid updatedAt
  totalPriceSet { shopMoney { amount currencyCode } }
  totalTaxSet { shopMoney { amount } }
  lineItems(first: 5) { nodes { sku quantity originalUnitPriceSet { shopMoney { amount } }
    taxLines { title rate priceSet { shopMoney { amount } } }
    discountAllocations { allocatedAmountSet { shopMoney { amount } } } } }
  shippingLines(first: 1) { nodes { title discountedPriceSet { shopMoney { amount } } } }
  discountApplications(first: 1) { nodes { ... on DiscountCodeApplication { code } value { ... on PricingPercentageValue { percentage } } } }
  transactions { kind status amountSet { shopMoney { amount } } }
  refunds { totalRefundedSet { shopMoney { amount } } refundLineItems(first: 5) { nodes { quantity subtotalSet { shopMoney { amount } } } } }
} }
"""


def test_an_order_shows_money_as_decimal_strings_with_taxes_discounts_payments_and_refunds() -> None:
    state, clock = fresh_state()
    customer = state.create_customer(first_name="Ann", email="ann@example.com")
    product = state.create_product("Mug", [("MUG-1", "22.00")])
    order = state.create_order(
        customer.id, [(product.variants[0].id, 2)], paid=True, shipping=("Standard", "11.00"), discount=("TEN", "10")
    )
    clock.advance(60)
    state.refund(order.id, [(order.line_items[0].id, 1)])
    found = gql(shop_client(state), ORDER, id=gid("Order", order.id))["data"]["order"]
    assert found["totalPriceSet"]["shopMoney"] == {"amount": "50.60", "currencyCode": "AUD"}  # 44 - 4.40 + 11
    assert found["totalTaxSet"]["shopMoney"]["amount"] == "4.60"  # 39.60/11 + 11/11, GST included
    [line] = found["lineItems"]["nodes"]
    assert line["originalUnitPriceSet"]["shopMoney"]["amount"] == "22.00"
    assert line["discountAllocations"][0]["allocatedAmountSet"]["shopMoney"]["amount"] == "4.40"
    assert line["taxLines"][0]["rate"] == 0.1
    assert found["discountApplications"]["nodes"] == [{"code": "TEN", "value": {"percentage": 10.0}}]
    assert found["transactions"] == [
        {"kind": "SALE", "status": "SUCCESS", "amountSet": {"shopMoney": {"amount": "50.60"}}}
    ]
    assert found["displayFinancialStatus"] == "PARTIALLY_REFUNDED"
    assert found["refunds"][0]["totalRefundedSet"]["shopMoney"]["amount"] == "19.80"
    assert found["updatedAt"] == "2026-11-20T00:01:00Z"  # the refund moved the order


CREATE = """
mutation($input: CustomerInput!) { customerCreate(input: $input) {
  customer { legacyResourceId email updatedAt } userErrors { field message } } }
"""
UPDATE = CREATE.replace("customerCreate", "customerUpdate")


def test_customer_create_refuses_with_user_errors_and_creates_otherwise() -> None:
    state, _ = fresh_state()
    state.create_customer(first_name="Ann", email="ann@example.com")
    http = shop_client(state)
    taken = gql(http, CREATE, input={"firstName": "Other", "email": "ANN@example.com"})["data"]["customerCreate"]
    assert taken == {"customer": None, "userErrors": [{"field": ["email"], "message": "Email has already been taken"}]}
    nameless = gql(http, CREATE, input={"note": "who?"})["data"]["customerCreate"]
    assert nameless["userErrors"][0]["message"] == "Customer must have a name, phone number or email address"
    made = gql(http, CREATE, input={"firstName": "Bob", "email": "bob@example.com"})["data"]["customerCreate"]
    assert made["userErrors"] == []
    assert made["customer"]["email"] == "bob@example.com"
    assert len(state.customers) == 2


def test_customer_update_moves_updated_at_and_refuses_an_unknown_id() -> None:
    state, clock = fresh_state()
    ann = state.create_customer(first_name="Ann", email="ann@example.com")
    clock.advance(30)
    http = shop_client(state)
    unknown = gql(http, UPDATE, input={"id": gid("Customer", 1), "note": "x"})["data"]["customerUpdate"]
    assert unknown["userErrors"] == [{"field": ["id"], "message": "Customer does not exist"}]
    done = gql(http, UPDATE, input={"id": gid("Customer", ann.id), "email": "ann@new.example.com"})["data"][
        "customerUpdate"
    ]
    assert done["customer"]["updatedAt"] == "2026-11-20T00:00:30Z"
    assert state.customers[ann.id].email == "ann@new.example.com"


@pytest.mark.parametrize("first", [0, 3])
def test_nested_connections_page_too(first: int) -> None:
    state, _ = fresh_state()
    product = state.create_product("Tee", [(f"TEE-{n}", Decimal(10)) for n in range(5)])
    query = "query($id: ID!, $n: Int) { product(id: $id) { variants(first: $n) { pageInfo { hasNextPage } nodes { sku } } } }"
    variants = gql(shop_client(state), query, id=gid("Product", product.id), n=first)["data"]["product"]["variants"]
    assert [v["sku"] for v in variants["nodes"]] == [f"TEE-{n}" for n in range(first)]
    assert variants["pageInfo"]["hasNextPage"] is True


def test_a_cursor_that_is_not_ours_or_from_another_sort_is_an_error_not_a_crash() -> None:
    state, _ = make_customers(3)
    http = shop_client(state)
    page = gql(http, CUSTOMERS, first=1)["data"]["customers"]
    for after, sort_key in (("not-a-cursor", "ID"), (page["pageInfo"]["endCursor"], "UPDATED_AT")):
        answer = gql(http, CUSTOMERS, first=1, after=after, sortKey=sort_key)
        assert "Invalid cursor" in answer["errors"][0]["message"]


PAY = """
mutation($id: ID!, $amount: MoneyInput, $at: DateTime) {
  orderCreateManualPayment(id: $id, amount: $amount, paymentMethodName: "Bank transfer", processedAt: $at) {
    order { displayFinancialStatus fullyPaid totalOutstandingSet { shopMoney { amount } } }
    userErrors { code field message }
  }
}
"""
PAYMENTS = """
query($id: ID!) { order(id: $id) {
  displayFinancialStatus fullyPaid totalReceivedSet { shopMoney { amount } }
  transactions { id kind status gateway processedAt amountSet { shopMoney { amount } } parentTransaction { id } }
} }
"""


def test_a_manual_payment_in_part_leaves_the_order_partially_paid_and_more_than_is_owed_is_refused() -> None:
    state, clock = fresh_state()
    product = state.create_product("Mug", [("MUG-1", "22.00")])
    order = state.create_order(None, [(product.variants[0].id, 2)])
    http = shop_client(state)
    clock.advance(3600)
    part = {"amount": "10.00", "currencyCode": "AUD"}
    paid = gql(http, PAY, id=gid("Order", order.id), amount=part, at="2026-11-20T00:30:00Z")["data"]
    assert paid["orderCreateManualPayment"] == {
        "order": {
            "displayFinancialStatus": "PARTIALLY_PAID",
            "fullyPaid": False,
            "totalOutstandingSet": {"shopMoney": {"amount": "34.00"}},
        },
        "userErrors": [],
    }
    too_much = {"amount": "34.01", "currencyCode": "AUD"}
    refused = gql(http, PAY, id=gid("Order", order.id), amount=too_much)["data"]["orderCreateManualPayment"]
    assert refused == {
        "order": None,
        "userErrors": [
            {"code": "AMOUNT_EXCEEDS_BALANCE", "field": ["amount"], "message": "Amount exceeds the remaining balance."}
        ],
    }
    unknown = gql(http, PAY, id=gid("Order", 1))["data"]["orderCreateManualPayment"]
    assert unknown["userErrors"][0]["code"] == "ORDER_NOT_FOUND"
    rest = gql(http, PAY, id=gid("Order", order.id))["data"]["orderCreateManualPayment"]  # no amount: all owed
    assert rest["order"]["displayFinancialStatus"] == "PAID"
    found = gql(http, PAYMENTS, id=gid("Order", order.id))["data"]["order"]
    assert [
        (t["kind"], t["gateway"], t["processedAt"], t["amountSet"]["shopMoney"]["amount"])
        for t in found["transactions"]
    ] == [
        ("SALE", "Bank transfer", "2026-11-20T00:30:00Z", "10.00"),
        ("SALE", "Bank transfer", "2026-11-20T01:00:00Z", "34.00"),
    ]
    assert len({t["id"] for t in found["transactions"]}) == 2
    assert (found["fullyPaid"], found["totalReceivedSet"]["shopMoney"]["amount"]) == (True, "44.00")


def test_captures_name_their_authorization_and_the_status_follows_what_they_took() -> None:
    state, _ = fresh_state()
    product = state.create_product("Mug", [("MUG-1", "22.00")])
    order = state.create_order(None, [(product.variants[0].id, 2)])
    held = state.authorize(order.id)
    http = shop_client(state)
    assert gql(http, PAYMENTS, id=gid("Order", order.id))["data"]["order"]["displayFinancialStatus"] == "AUTHORIZED"
    state.capture(order.id, "20.00")
    found = gql(http, PAYMENTS, id=gid("Order", order.id))["data"]["order"]
    assert found["displayFinancialStatus"] == "PARTIALLY_PAID"
    authorization, capture = found["transactions"]
    assert (authorization["kind"], authorization["parentTransaction"]) == ("AUTHORIZATION", None)
    assert (capture["kind"], capture["parentTransaction"]) == ("CAPTURE", {"id": gid("OrderTransaction", held.id)})
    state.capture(order.id)
    assert gql(http, PAYMENTS, id=gid("Order", order.id))["data"]["order"]["fullyPaid"] is True


# --- prices and stock -----------------------------------------------------------------------------

VARIANTS = """
query($query: String!, $location: ID!) {
  location { id name }
  productVariants(first: 10, query: $query) { nodes {
    id sku price product { id }
    inventoryItem { id tracked inventoryLevel(locationId: $location) { quantities(names: ["available", "on_hand"]) { name quantity } } }
  } }
}
"""
PRICES = """
mutation($product: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $product, variants: $variants) {
    productVariants { id price } userErrors { code field message }
  }
}
"""
COUNTS = """
mutation($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}
"""


def _stocked_shop() -> tuple[ShopifyState, t.Any, t.Any]:
    state, _ = fresh_state()
    tent = state.create_product("Tent", [("TENT-1", "100.00"), ('TENT "2"', "120.00")])
    stove = state.create_product("Stove", [("STOVE-1", "40.00")])
    state.set_available(tent.variants[0].id, 5)
    return state, tent, stove


def test_variants_are_found_by_sku_with_their_count_at_the_primary_location() -> None:
    state, tent, _ = _stocked_shop()
    primary = gid("Location", state.primary_location.id)
    other = state.add_location("Warehouse")
    state.set_available(tent.variants[0].id, 2, other.id)

    data = gql(shop_client(state), VARIANTS, query='sku:tent-1 OR sku:"TENT \\"2\\""', location=primary)["data"]

    assert data["location"] == {"id": primary, "name": "Shop location"}
    nodes = data["productVariants"]["nodes"]
    assert [n["sku"] for n in nodes] == ["TENT-1", 'TENT "2"']
    levels = [n["inventoryItem"]["inventoryLevel"]["quantities"] for n in nodes]
    assert levels[0] == [{"name": "available", "quantity": 5}, {"name": "on_hand", "quantity": 5}]
    assert levels[1][0] == {"name": "available", "quantity": 0}
    assert state.variant(tent.variants[0].id).inventory_quantity == 7  # type: ignore[union-attr]


def test_variant_prices_change_per_product_and_a_variant_of_another_product_saves_nothing() -> None:
    state, tent, stove = _stocked_shop()
    http = shop_client(state)
    product = gid("Product", tent.id)

    wrong = [{"id": gid("ProductVariant", tent.variants[0].id), "price": "99.00"}]
    wrong.append({"id": gid("ProductVariant", stove.variants[0].id), "price": "1.00"})
    refused = gql(http, PRICES, product=product, variants=wrong)["data"]["productVariantsBulkUpdate"]
    assert refused["userErrors"] == [
        {
            "code": "PRODUCT_VARIANT_DOES_NOT_EXIST",
            "field": ["variants", "1", "id"],
            "message": "Product variant does not exist",
        }
    ]
    assert tent.variants[0].price == Decimal("100.00")  # nothing saved

    negative = [{"id": gid("ProductVariant", tent.variants[0].id), "price": "-1"}]
    assert (
        gql(http, PRICES, product=product, variants=negative)["data"]["productVariantsBulkUpdate"]["userErrors"][0][
            "code"
        ]
        == "GREATER_THAN_OR_EQUAL_TO"
    )

    both = [
        {"id": gid("ProductVariant", v.id), "price": p} for v, p in zip(tent.variants, ("99.5", "110"), strict=True)
    ]
    saved = gql(http, PRICES, product=product, variants=both)["data"]["productVariantsBulkUpdate"]
    assert saved["userErrors"] == []
    assert [v["price"] for v in saved["productVariants"]] == ["99.50", "110.00"]
    assert [v.price for v in tent.variants] == [Decimal("99.50"), Decimal("110.00")]


def test_counts_are_set_by_compare_and_set_and_one_refused_saves_none() -> None:
    state, tent, stove = _stocked_shop()
    http = shop_client(state)
    location = gid("Location", state.primary_location.id)

    def row(variant: t.Any, quantity: int, compare: int | None) -> dict[str, t.Any]:
        item = gid("InventoryItem", variant.inventory_item_id)
        return {"inventoryItemId": item, "locationId": location, "quantity": quantity, "compareQuantity": compare}

    def send(*rows: dict[str, t.Any], **extra: t.Any) -> dict[str, t.Any]:
        body = {"name": "available", "reason": "correction", "quantities": list(rows), **extra}
        return t.cast(dict[str, t.Any], gql(http, COUNTS, input=body)["data"]["inventorySetQuantities"])

    stale = send(row(tent.variants[0], 9, 5), row(stove.variants[0], 3, 1))
    assert [(e["code"], e["field"]) for e in stale["userErrors"]] == [
        ("COMPARE_QUANTITY_STALE", ["input", "quantities", "1", "compareQuantity"])
    ]
    assert tent.variants[0].levels[state.primary_location.id] == 5  # none saved

    required = send(row(tent.variants[0], 9, None))
    assert required["userErrors"][0]["code"] == "COMPARE_QUANTITY_REQUIRED"
    elsewhere = state.add_location("Pop-up")
    unstocked = {**row(tent.variants[0], 1, 0), "locationId": gid("Location", elsewhere.id)}
    assert send(unstocked)["userErrors"][0]["code"] == "ITEM_NOT_STOCKED_AT_LOCATION"
    assert send(row(tent.variants[0], 1, 5), reason="because")["userErrors"][0]["code"] == "INVALID_REASON"

    done = send(row(tent.variants[0], 9, 5), row(stove.variants[0], -2, 0))
    assert done["userErrors"] == []
    assert done["inventoryAdjustmentGroup"]["reason"] == "correction"
    assert {"name": "available", "delta": 4, "quantityAfterChange": 9} in done["inventoryAdjustmentGroup"]["changes"]
    assert [v.levels[state.primary_location.id] for v in (tent.variants[0], stove.variants[0])] == [9, -2]
    assert send(row(tent.variants[0], 3, None), ignoreCompareQuantity=True)["userErrors"] == []
    assert tent.variants[0].levels[state.primary_location.id] == 3
