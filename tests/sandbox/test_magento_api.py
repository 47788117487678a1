"""Magento emulator over HTTP (in process): tokens, searchCriteria, errors, writes, store codes, faults."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.magento import (
    SAMPLE_PASSWORD,
    SAMPLE_TOKEN,
    SAMPLE_USERNAME,
    MagentoState,
    create_app,
    magento_fault,
    seed_sample,
)

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)
AUTH = {"Authorization": f"Bearer {SAMPLE_TOKEN}"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def state(clock: FakeClock) -> MagentoState:
    store = MagentoState(clock=clock)
    seed_sample(store, seed=1)
    clock.advance(60)
    return store


@pytest.fixture
def faults() -> FaultPlan:
    return FaultPlan(seed=3)


@pytest.fixture
def http(state: MagentoState, faults: FaultPlan) -> Iterator[httpx.Client]:
    transport = InProcessTransport(create_app(state, faults=faults))
    with httpx.Client(transport=transport, base_url="http://magento.test") as client:
        yield client


def crit(*pairs: tuple[str, object]) -> dict[str, str]:
    return {f"searchCriteria{key}": str(value) for key, value in pairs}


def flt(
    group: int, index: int, field: str, value: object, condition: str = "eq", camel: bool = False
) -> list[tuple[str, object]]:
    groups, cond = ("filterGroups", "conditionType") if camel else ("filter_groups", "condition_type")
    key = f"[{groups}][{group}][filters][{index}]"
    return [(f"{key}[field]", field), (f"{key}[value]", value), (f"{key}[{cond}]", condition)]


# --- auth -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", f"Basic {SAMPLE_TOKEN}", "Bearer"])
def test_calls_without_a_known_bearer_token_are_401_in_magentos_shape(http: httpx.Client, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    answer = http.get("/rest/V1/orders/1", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": "Magento_Sales::sales"},
    }


def test_admin_token_is_a_bare_string_that_opens_the_api_for_four_hours(http: httpx.Client, clock: FakeClock) -> None:
    answer = http.post(
        "/rest/V1/integration/admin/token", json={"username": SAMPLE_USERNAME, "password": SAMPLE_PASSWORD}
    )
    assert answer.status_code == 200
    token = answer.json()
    assert isinstance(token, str)
    assert token
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get("/rest/V1/orders/1", headers=headers).status_code == 200
    clock.advance(4 * 3600 - 1)
    assert http.get("/rest/V1/orders/1", headers=headers).status_code == 200
    clock.advance(1)
    assert http.get("/rest/V1/orders/1", headers=headers).status_code == 401


def test_wrong_admin_password_is_refused(http: httpx.Client) -> None:
    answer = http.post("/rest/V1/integration/admin/token", json={"username": SAMPLE_USERNAME, "password": "nope"})
    assert answer.status_code == 401
    assert "sign-in was incorrect" in answer.json()["message"]


@pytest.mark.parametrize("prefix", ["/rest/V1", "/rest/default/V1", "/rest/all/V1"])
def test_store_codes_default_and_all_serve_the_same_store(http: httpx.Client, prefix: str) -> None:
    answer = http.get(f"{prefix}/orders/1", headers=AUTH)
    assert answer.status_code == 200
    assert answer.json()["increment_id"] == "000000001"


def test_an_unknown_store_code_and_an_unknown_route_are_refused(http: httpx.Client) -> None:
    assert http.get("/rest/nowhere/V1/orders/1", headers=AUTH).status_code == 400
    answer = http.get("/rest/V1/shipments", headers=AUTH)
    assert answer.status_code == 404
    assert answer.json()["message"] == "Request does not match any route."


# --- reads and errors --------------------------------------------------------------------------------


def test_a_missing_record_is_404_with_message_parameters(http: httpx.Client) -> None:
    answer = http.get("/rest/V1/customers/999", headers=AUTH)
    assert answer.status_code == 404
    assert answer.json() == {
        "message": "No such entity with %fieldName = %fieldValue",
        "parameters": {"fieldName": "customerId", "fieldValue": "999"},
    }
    assert http.get("/rest/V1/products/NO-SUCH-SKU", headers=AUTH).status_code == 404


def test_a_list_without_search_criteria_is_magentos_required_field_error(http: httpx.Client) -> None:
    answer = http.get("/rest/V1/orders", headers=AUTH)
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "%fieldName is a required field.",
        "parameters": {"fieldName": "searchCriteria"},
    }
    assert http.get("/rest/V1/orders", params={"searchCriteria": ""}, headers=AUTH).json()["total_count"] == 24


def test_a_product_is_read_by_sku_with_its_custom_attributes(http: httpx.Client) -> None:
    product = http.get("/rest/V1/products/MAG-TEE-M", headers=AUTH).json()
    assert product["type_id"] == "simple"
    assert product["visibility"] == 1
    assert {"attribute_code": "tax_class_id", "value": "2"} in product["custom_attributes"]


# --- searchCriteria ---------------------------------------------------------------------------------


def test_filters_in_a_group_are_ored_and_groups_anded(http: httpx.Client) -> None:
    either = crit(*flt(0, 0, "increment_id", "000000001"), *flt(0, 1, "increment_id", "000000002"))
    assert http.get("/rest/V1/orders", params=either, headers=AUTH).json()["total_count"] == 2
    both = crit(*flt(0, 0, "increment_id", "000000001"), *flt(1, 0, "increment_id", "000000002"))
    assert http.get("/rest/V1/orders", params=both, headers=AUTH).json()["total_count"] == 0


def test_camel_case_keys_read_as_snake_case(http: httpx.Client) -> None:
    snake = crit(*flt(0, 0, "entity_id", 5, "lteq"), ("[page_size]", 2))
    camel = crit(*flt(0, 0, "entity_id", 5, "lteq", camel=True), ("[pageSize]", 2))
    a = http.get("/rest/V1/orders", params=snake, headers=AUTH).json()
    b = http.get("/rest/V1/orders", params=camel, headers=AUTH).json()
    assert a["total_count"] == b["total_count"] == 5
    assert [o["entity_id"] for o in a["items"]] == [o["entity_id"] for o in b["items"]] == [1, 2]


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("eq", "3", [3]),
        ("neq", "3", [1, 2, 4, 5]),
        ("gt", "3", [4, 5]),
        ("gteq", "3", [3, 4, 5]),
        ("lt", "3", [1, 2]),
        ("lteq", "3", [1, 2, 3]),
        ("in", "2,4", [2, 4]),
        ("nin", "2,4", [1, 3, 5]),
        ("from", "4", [4, 5]),
        ("to", "2", [1, 2]),
        ("notnull", "", [1, 2, 3, 4, 5]),
        ("null", "", []),
    ],
)
def test_condition_types(http: httpx.Client, condition: str, value: str, expected: list[int]) -> None:
    params = crit(*flt(0, 0, "entity_id", 5, "lteq"), *flt(1, 0, "entity_id", value, condition))
    answer = http.get("/rest/V1/orders", params=params, headers=AUTH).json()
    assert [o["entity_id"] for o in answer["items"]] == expected


def test_like_matches_with_percent_and_ignores_case(http: httpx.Client) -> None:
    params = crit(*flt(0, 0, "sku", "mag-tee%", "like"))
    skus = {p["sku"] for p in http.get("/rest/V1/products", params=params, headers=AUTH).json()["items"]}
    assert skus == {"MAG-TEE", "MAG-TEE-S", "MAG-TEE-M", "MAG-TEE-L"}


def test_guest_orders_have_a_null_customer(http: httpx.Client, state: MagentoState) -> None:
    params = crit(*flt(0, 0, "customer_id", "", "null"))
    answer = http.get("/rest/V1/orders", params=params, headers=AUTH).json()
    assert [o["customer_is_guest"] for o in answer["items"]] == [1]


def test_pages_count_from_one_and_a_page_past_the_end_repeats_the_last(http: httpx.Client) -> None:
    def page(n: int) -> t.Any:
        params = crit(
            ("[sortOrders][0][field]", "entity_id"),
            ("[sortOrders][0][direction]", "DESC"),
            ("[pageSize]", 10),
            ("[currentPage]", n),
        )
        return http.get("/rest/V1/orders", params=params, headers=AUTH).json()

    first, last, beyond = page(1), page(3), page(7)
    assert first["total_count"] == 24
    assert [o["entity_id"] for o in first["items"]] == list(range(24, 14, -1))
    assert [o["entity_id"] for o in last["items"]] == [4, 3, 2, 1]
    assert beyond["items"] == last["items"]
    assert first["search_criteria"]["page_size"] == 10


def test_an_unknown_field_or_condition_is_a_400(http: httpx.Client) -> None:
    assert http.get("/rest/V1/orders", params=crit(*flt(0, 0, "colour", "red")), headers=AUTH).status_code == 400
    assert (
        http.get("/rest/V1/orders", params=crit(*flt(0, 0, "entity_id", "1", "sounds_like")), headers=AUTH).status_code
        == 400
    )


def test_an_empty_list_still_filters_by_updated_at(clock: FakeClock) -> None:
    transport = InProcessTransport(create_app(MagentoState(clock=clock)))
    with httpx.Client(transport=transport, base_url="http://magento.test", headers=AUTH) as client:
        params = crit(*flt(0, 0, "updated_at", "2026-01-01 00:00:00", "gt"))
        assert client.get("/rest/V1/creditmemos", params=params).json() == {
            "items": [],
            "search_criteria": {
                "filter_groups": [
                    {"filters": [{"field": "updated_at", "value": "2026-01-01 00:00:00", "condition_type": "gt"}]}
                ],
                "sort_orders": [],
            },
            "total_count": 0,
        }


# --- writes ---------------------------------------------------------------------------------------


def test_invoice_with_capture_makes_the_order_paid(http: httpx.Client, state: MagentoState, clock: FakeClock) -> None:
    order = state.place_order(1, [("SCO-0001", 2)])
    clock.advance(30)
    answer = http.post(f"/rest/V1/order/{order['entity_id']}/invoice", json={"capture": True}, headers=AUTH)
    assert answer.status_code == 200
    invoice = http.get(f"/rest/V1/invoices/{answer.json()}", headers=AUTH).json()
    assert invoice["state"] == 2
    read = http.get(f"/rest/V1/orders/{order['entity_id']}", headers=AUTH).json()
    assert read["total_paid"] == read["grand_total"] == invoice["grand_total"]
    assert read["state"] == "processing"
    assert read["updated_at"] == "2026-11-12 03:01:30"
    again = http.post(f"/rest/V1/order/{order['entity_id']}/invoice", json={"capture": True}, headers=AUTH)
    assert again.status_code == 400


def test_an_invoice_of_some_items_pays_part_of_the_order_and_the_next_one_the_rest(
    http: httpx.Client, state: MagentoState
) -> None:
    order = state.place_order(1, [("SCO-0001", 2), ("SCO-0002", 1)])
    first_item = order["items"][0]["item_id"]
    path = f"/rest/V1/order/{order['entity_id']}/invoice"
    part = http.post(path, json={"capture": True, "items": [{"order_item_id": first_item, "qty": 1}]}, headers=AUTH)
    assert part.status_code == 200
    read = http.get(f"/rest/V1/orders/{order['entity_id']}", headers=AUTH).json()
    invoice = http.get(f"/rest/V1/invoices/{part.json()}", headers=AUTH).json()
    assert [(i["order_item_id"], i["qty"]) for i in invoice["items"]] == [(first_item, 1)]
    assert 0 < read["total_paid"] == invoice["grand_total"] < read["grand_total"]
    assert read["total_due"] == pytest.approx(read["grand_total"] - read["total_paid"])
    too_many = http.post(path, json={"capture": True, "items": [{"order_item_id": first_item, "qty": 2}]}, headers=AUTH)
    assert (too_many.status_code, too_many.json()["parameters"]) == (400, [order["items"][0]["name"]])
    rest = http.post(path, json={"capture": True}, headers=AUTH)
    assert rest.status_code == 200
    read = http.get(f"/rest/V1/orders/{order['entity_id']}", headers=AUTH).json()
    assert (read["total_paid"], read["total_due"]) == (read["grand_total"], 0)
    search = crit(*flt(0, 0, "order_id", order["entity_id"]))
    invoices = http.get("/rest/V1/invoices", params=search, headers=AUTH).json()["items"]
    assert len(invoices) == 2


def test_refund_by_order_item_makes_a_credit_memo(http: httpx.Client, state: MagentoState) -> None:
    order = state.place_order(2, [("SCO-0002", 2), ("SCO-0003", 1)], paid=True)
    first = order["items"][0]
    answer = http.post(
        f"/rest/V1/order/{order['entity_id']}/refund",
        json={"items": [{"order_item_id": first["item_id"], "qty": 1}], "arguments": {"shipping_amount": 0}},
        headers=AUTH,
    )
    assert answer.status_code == 200
    memo = http.get(f"/rest/V1/creditmemo/{answer.json()}", headers=AUTH).json()
    assert memo["order_id"] == order["entity_id"]
    assert [(i["sku"], i["qty"]) for i in memo["items"]] == [("SCO-0002", 1)]
    assert memo["shipping_amount"] == 0
    listed = http.get(
        "/rest/V1/creditmemos", params=crit(*flt(0, 0, "order_id", order["entity_id"])), headers=AUTH
    ).json()
    assert listed["total_count"] == 1


def test_refund_of_an_order_never_invoiced_is_refused(http: httpx.Client, state: MagentoState) -> None:
    order = state.place_order(2, [("SCO-0002", 1)])
    answer = http.post(f"/rest/V1/order/{order['entity_id']}/refund", json={}, headers=AUTH)
    assert answer.status_code == 400


def test_customers_and_products_are_created_and_edited_over_rest(http: httpx.Client, clock: FakeClock) -> None:
    made = http.post(
        "/rest/V1/customers",
        json={
            "customer": {
                "firstname": "Ada",
                "lastname": "Byron",
                "email": "ada@example.com",
                "addresses": [
                    {
                        "company": "Engines Pty Ltd",
                        "street": ["1 Loop Rd"],
                        "city": "Hobart",
                        "region": {"region_code": "TAS"},
                        "postcode": "7000",
                        "country_id": "AU",
                        "telephone": "03 6000 0000",
                    }
                ],
            }
        },
        headers=AUTH,
    ).json()
    assert made["addresses"][0]["company"] == "Engines Pty Ltd"
    clock.advance(5)
    edited = http.put(
        f"/rest/V1/customers/{made['id']}", json={"customer": {"lastname": "Lovelace"}}, headers=AUTH
    ).json()
    assert (edited["lastname"], edited["updated_at"] > made["updated_at"]) == ("Lovelace", True)
    duplicate = http.post(
        "/rest/V1/customers",
        json={"customer": {"firstname": "A", "lastname": "B", "email": "ADA@example.com"}},
        headers=AUTH,
    )
    assert duplicate.status_code == 400
    product = http.post(
        "/rest/V1/products",
        json={
            "product": {
                "sku": "NEW-1",
                "name": "New",
                "price": 12.5,
                "custom_attributes": [{"attribute_code": "tax_class_id", "value": "0"}],
            }
        },
        headers=AUTH,
    ).json()
    assert (product["price"], product["status"]) == (12.5, 1)
    renamed = http.put("/rest/V1/products/NEW-1", json={"product": {"name": "Newer", "price": 13}}, headers=AUTH).json()
    assert (renamed["name"], renamed["price"]) == ("Newer", 13.0)


# --- faults ---------------------------------------------------------------------------------------


def test_faults_answer_in_magentos_error_shape(http: httpx.Client, faults: FaultPlan) -> None:
    faults.set(magento_fault(error_rate=1.0, error_status=503))
    answer = http.get("/rest/V1/orders/1", headers=AUTH)
    assert answer.status_code == 503
    assert set(answer.json()) == {"message", "parameters"}
    faults.clear()
    assert http.get("/rest/V1/orders/1", headers=AUTH).status_code == 200


def test_every_answer_carries_the_stores_clock_as_date(http: httpx.Client) -> None:
    assert http.get("/rest/V1/orders/1", headers=AUTH).headers["date"] == "Thu, 12 Nov 2026 03:01:00 GMT"


def test_input_limits_cap_the_page_size_and_default_it_to_twenty(clock: FakeClock) -> None:
    store = MagentoState(clock=clock, input_limits=True)
    seed_sample(store, scale=2)
    with httpx.Client(
        transport=InProcessTransport(create_app(store)), base_url="http://magento.test", headers=AUTH
    ) as client:
        assert len(client.get("/rest/V1/orders", params={"searchCriteria": ""}).json()["items"]) == 20
        answer = client.get("/rest/V1/orders", params=crit(("[pageSize]", 301)))
        assert answer.status_code == 400
        assert answer.json() == {"message": "Maximum SearchCriteria pageSize is %max", "parameters": {"max": 300}}
        assert len(client.get("/rest/V1/orders", params=crit(("[pageSize]", 300))).json()["items"]) == 48


# --- prices and stock -----------------------------------------------------------------------------


def test_a_price_and_a_stock_item_are_set_by_sku(http: httpx.Client, state: MagentoState, clock: FakeClock) -> None:
    product = next(p for p in state.tables["products"].values() if p["type_id"] == "simple")
    sku, item_id, updated = (
        product["sku"],
        product["extension_attributes"]["stock_item"]["item_id"],
        product["updated_at"],
    )
    clock.advance(60)

    stock = http.put(
        f"/rest/V1/products/{sku}/stockItems/{item_id}",
        headers=AUTH,
        json={"stockItem": {"qty": 7, "is_in_stock": True}},
    )
    assert (stock.status_code, stock.json()) == (200, item_id)
    assert product["extension_attributes"]["stock_item"]["qty"] == 7
    assert product["updated_at"] == updated  # stock is kept apart from the product

    priced = http.put(f"/rest/V1/products/{sku}", headers=AUTH, json={"product": {"sku": sku, "price": 12.5}})
    assert priced.status_code == 200
    assert priced.json()["price"] == 12.5
    assert priced.json()["updated_at"] != updated

    missing = http.put("/rest/V1/products/NO-SUCH/stockItems/1", headers=AUTH, json={"stockItem": {"qty": 1}})
    assert missing.status_code == 404
    assert http.put(f"/rest/V1/products/{sku}/stockItems/{item_id}", json={"stockItem": {"qty": 1}}).status_code == 401


def test_the_store_currency_is_read_without_a_token(http: httpx.Client) -> None:
    answer = http.get("/rest/V1/directory/currency")
    assert answer.status_code == 200
    assert (answer.json()["base_currency_code"], answer.json()["available_currency_codes"]) == ("AUD", ["AUD"])
