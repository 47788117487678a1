"""The Shopify sandbox's REST API: Link paging, filters, orders' open default, the call bucket, error bodies."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from test_shopify_support import ROOT, fresh_state, shop_client

from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.shopify import SAMPLE_TOKEN, ShopifyState, create_app, shopify_fault


def next_link(response: httpx.Response) -> str | None:
    for part in response.headers.get("link", "").split(","):
        if 'rel="next"' in part:
            return str(part.split(";")[0].strip().strip("<>"))
    return None


def shop_with_customers(count: int) -> tuple[ShopifyState, httpx.Client]:
    state, clock = fresh_state(rest_max=1000)
    for n in range(count):
        state.create_customer(first_name=f"C{n}", email=f"c{n}@example.com")
        clock.advance(1)
    return state, shop_client(state)


def test_link_header_pages_through_every_customer_and_is_absent_on_a_single_page() -> None:
    state, http = shop_with_customers(7)
    ids: list[int] = []
    url: str | None = f"{ROOT}/customers.json?limit=3"
    pages = 0
    while url:
        response = http.get(url)
        assert response.status_code == 200
        ids += [c["id"] for c in response.json()["customers"]]
        url = next_link(response)
        pages += 1
    assert (ids, pages) == (sorted(state.customers), 3)
    assert "link" not in http.get(f"{ROOT}/customers.json?limit=50").headers
    slim = http.get(f"{ROOT}/customers.json", params={"limit": 2, "fields": "id,email"})
    assert [set(c) for c in slim.json()["customers"]] == [{"id", "email"}] * 2
    assert "fields=id%2Cemail" in (next_link(slim) or "")


def test_page_info_carries_the_filters_and_refuses_other_parameters() -> None:
    state, http = shop_with_customers(6)
    third = state.customers[sorted(state.customers)[2]].updated_at.isoformat()
    first = http.get(f"{ROOT}/customers.json", params={"limit": 2, "updated_at_min": third})
    url = next_link(first)
    assert url is not None
    assert set(parse_qs(urlsplit(url).query)) == {"limit", "page_info"}
    rest = http.get(url).json()["customers"]
    assert len(first.json()["customers"]) + len(rest) == 4
    token = parse_qs(urlsplit(url).query)["page_info"][0]
    refused = http.get(f"{ROOT}/customers.json", params={"page_info": token, "updated_at_min": third})
    assert refused.status_code == 400
    assert "page_info" in refused.json()["errors"]


def test_limit_defaults_to_50_and_may_not_pass_250() -> None:
    _, http = shop_with_customers(55)
    assert len(http.get(f"{ROOT}/customers.json").json()["customers"]) == 50
    assert http.get(f"{ROOT}/customers.json?limit=251").status_code == 400


def test_orders_default_to_open_and_status_any_shows_cancelled_ones() -> None:
    state, _ = fresh_state()
    product = state.create_product("Mug", [("MUG-1", "22.00")])
    kept = state.create_order(None, [(product.variants[0].id, 1)])
    gone = state.create_order(None, [(product.variants[0].id, 1)])
    state.cancel_order(gone.id)
    http = shop_client(state)
    assert [o["id"] for o in http.get(f"{ROOT}/orders.json").json()["orders"]] == [kept.id]
    assert [o["id"] for o in http.get(f"{ROOT}/orders.json?status=any").json()["orders"]] == [kept.id, gone.id]
    order = http.get(f"{ROOT}/orders/{kept.id}.json").json()["order"]
    assert (order["name"], order["total_price"], order["total_tax"], order["taxes_included"]) == (
        "#1001",
        "22.00",
        "2.00",
        True,
    )


def test_the_call_bucket_is_reported_and_a_full_one_answers_429_until_it_leaks() -> None:
    state, clock = fresh_state()
    http = shop_client(state)
    answers = [http.get(f"{ROOT}/customers.json") for _ in range(41)]
    assert answers[0].headers["X-Shopify-Shop-Api-Call-Limit"] == "1/40"
    assert answers[39].headers["X-Shopify-Shop-Api-Call-Limit"] == "40/40"
    refused = answers[40]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2.0"
    assert refused.json() == {
        "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
    }
    clock.advance(1)  # two calls leak out
    assert http.get(f"{ROOT}/customers.json").status_code == 200


def test_error_bodies_are_shopifys() -> None:
    state, _ = fresh_state()
    state.create_customer(first_name="Ann", email="ann@example.com")
    http = shop_client(state)
    assert http.get(f"{ROOT}/customers/1.json").json() == {"errors": "Not Found"}
    assert shop_client(state, None).get(f"{ROOT}/customers.json").status_code == 401
    taken = http.post(f"{ROOT}/customers.json", json={"customer": {"first_name": "B", "email": "ann@example.com"}})
    assert (taken.status_code, taken.json()) == (422, {"errors": {"email": ["has already been taken"]}})
    made = http.post(f"{ROOT}/customers.json", json={"customer": {"first_name": "B", "email": "b@example.com"}})
    assert made.status_code == 201
    assert made.json()["customer"]["email"] == "b@example.com"


def test_products_show_variants_with_prices_as_strings() -> None:
    state, _ = fresh_state()
    state.create_product("Tee", [("TEE-S", "29.95"), ("TEE-M", "31")], variant_titles=["S", "M"])
    [product] = shop_client(state).get(f"{ROOT}/products.json").json()["products"]
    assert [(v["sku"], v["price"], v["title"]) for v in product["variants"]] == [
        ("TEE-S", "29.95", "S"),
        ("TEE-M", "31.00", "M"),
    ]


def test_injected_faults_answer_in_shopifys_shape() -> None:
    state, _ = fresh_state()
    plan = FaultPlan()
    app = create_app(state, faults=plan)
    http = httpx.Client(
        transport=InProcessTransport(app), base_url="http://s", headers={"X-Shopify-Access-Token": SAMPLE_TOKEN}
    )
    plan.set(shopify_fault(error_rate=1.0, error_status=503))
    failed = http.get(f"{ROOT}/customers.json")
    assert (failed.status_code, failed.json()) == (503, {"errors": "Service Unavailable"})
    plan.clear()
    assert http.get(f"{ROOT}/customers.json").status_code == 200
