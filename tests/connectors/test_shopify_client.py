"""The Shopify connector against the Shopify sandbox in process: paging, cursors, edits, throttling, faults."""

from __future__ import annotations

import dataclasses
import json
import typing as t
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from connectors.base.errors import AuthError, FatalError
from connectors.base.retry import RetryPolicy
from connectors.base.shop import ShopSettings
from connectors.shopify import STREAMS, CostPacer, ReadState, ShopifyClient, ShopifySource, shopify_mapper
from datashare.store import Hub
from datashare.sync.extract import extract
from datashare.sync.mapping import map_staged
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.shopify import SAMPLE_TOKEN, ShopifyState, create_app, seed_sample, shopify_fault

BASE = "http://shop.test/shopify"
T0 = datetime(2026, 11, 20, tzinfo=UTC)
CUSTOMERS, PRODUCTS, ORDERS = STREAMS["customers"], STREAMS["products"], STREAMS["orders"]


class NoPacing:
    """A pacer that never waits, so the shop's THROTTLED answers are met and must be honoured."""

    def before(self) -> None:
        """Never wait."""

    def after(self, response: httpx.Response) -> None:
        """Learn nothing."""


class Wire(httpx.BaseTransport):
    """The app in process, behind answers a test queues up first (a 429), recording every request."""

    def __init__(self, app: t.Any) -> None:
        self.inner = InProcessTransport(app, raise_app_exceptions=True)
        self.queued: list[httpx.Response] = []
        self.bodies: list[dict[str, t.Any]] = []
        self.answers: list[dict[str, t.Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        if self.queued:
            return self.queued.pop(0)
        response = self.inner.handle_request(request)
        self.answers.append(response.json())
        return response


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def state(clock: FakeClock) -> ShopifyState:
    shop = ShopifyState(clock=clock)
    seed_sample(shop)
    clock.advance(60)
    return shop


@pytest.fixture
def plan() -> FaultPlan:
    return FaultPlan(seed=1)


@pytest.fixture
def wire(state: ShopifyState, plan: FaultPlan) -> Wire:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    return Wire(Starlette(routes=[Mount("/shopify", app=create_app(state, faults=plan))]))


def make_client(
    wire: Wire, clock: FakeClock, *, pacer: t.Any = None, sleep: t.Any = None, token: str = SAMPLE_TOKEN
) -> ShopifyClient:
    http = httpx.Client(transport=wire, timeout=5)
    retry = RetryPolicy(attempts=6, sleep=sleep or clock.sleep)
    return ShopifyClient(
        BASE, token, http=http, retry=retry, pacer=pacer or CostPacer(clock=clock.monotonic, sleep=clock.sleep)
    )


@pytest.fixture
def client(wire: Wire, clock: FakeClock) -> ShopifyClient:
    return make_client(wire, clock)


def read_all(client: ShopifyClient, stream: t.Any, cursor: str | None = None) -> tuple[list[dict[str, t.Any]], str]:
    pages = list(client.read(stream, cursor))
    return [r for p in pages for r in p.records], pages[-1].cursor


def test_the_access_token_goes_in_its_header_and_a_full_read_gets_every_record(
    client: ShopifyClient, state: ShopifyState, wire: Wire
) -> None:
    customers, _ = read_all(client, CUSTOMERS)
    orders, _ = read_all(client, ORDERS)
    assert sorted(int(c["legacyResourceId"]) for c in customers) == sorted(state.customers)
    assert sorted(int(o["legacyResourceId"]) for o in orders) == sorted(state.orders)
    assert [o["updatedAt"] for o in orders] == sorted(o["updatedAt"] for o in orders)  # oldest change first
    assert all(b["variables"]["query"] is None for b in wire.bodies)


def test_a_cursor_reads_only_what_changed_and_a_second_read_reads_nothing(
    client: ShopifyClient, state: ShopifyState, clock: FakeClock
) -> None:
    _, cursor = read_all(client, ORDERS)
    again, cursor = read_all(client, ORDERS, cursor)
    assert again == []
    clock.advance(5)
    some = sorted(state.orders)[4]
    state.update_order(some, note="gift wrap")
    changed, _ = read_all(client, ORDERS, cursor)
    assert [int(o["legacyResourceId"]) for o in changed] == [some]


def test_since_makes_a_cursor_from_a_moment_so_a_full_re_read_is_possible(
    client: ShopifyClient, state: ShopifyState
) -> None:
    source = ShopifySource(client, ORDERS)
    recent = max(o.updated_at for o in state.orders.values()) - timedelta(days=3)
    later = [r for p in source.pages(source.cursor_since(recent)) for r in p.records]
    assert {int(r["legacyResourceId"]) for r in later} == {
        o.id for o in state.orders.values() if o.updated_at >= recent
    }
    assert len([r for p in source.pages(None) for r in p.records]) == len(state.orders)
    assert (source.app, source.entity, source.stream) == ("shopify", "invoices", "orders")


def test_a_record_edited_during_a_paged_read_is_not_lost(
    client: ShopifyClient, state: ShopifyState, clock: FakeClock
) -> None:
    small = dataclasses.replace(CUSTOMERS, page_size=4)
    ids = sorted(state.customers, key=lambda i: (state.customers[i].updated_at, i))
    read: list[int] = []
    for n, page in enumerate(client.read(small)):
        read += [int(r["legacyResourceId"]) for r in page.records]
        if n == 0:
            clock.advance(1)
            state.update_customer(ids[1], note="edited: already read")
            state.update_customer(ids[10], note="edited: not read yet")
    assert set(read) == set(state.customers)
    assert read.count(ids[1]) == 2  # read again at its new place, never skipped


def test_the_stored_cursor_skips_ids_read_at_its_moment_only_once_that_moment_has_settled(
    client: ShopifyClient, state: ShopifyState, clock: FakeClock
) -> None:
    clock.advance(10)
    first, second = sorted(state.customers)[:2]
    state.update_customer(first, note="a")
    _, unsettled = read_all(client, CUSTOMERS)
    assert ReadState.parse(unsettled).seen == ()  # saved this second: another save may share it
    state.update_customer(second, note="b")  # the same second as the anchor
    changed, _ = read_all(client, CUSTOMERS, unsettled)
    assert {int(c["legacyResourceId"]) for c in changed} == {first, second}
    clock.advance(5)
    _, settled = read_all(client, CUSTOMERS, unsettled)
    assert set(ReadState.parse(settled).seen) == {str(first), str(second)}
    assert read_all(client, CUSTOMERS, settled)[0] == []


def test_throttled_queries_wait_as_the_shop_says_and_lose_no_record(
    wire: Wire, state: ShopifyState, clock: FakeClock
) -> None:
    for n in range(30):
        state.create_order(
            sorted(state.customers)[n % 5], [(state.products[min(state.products)].variants[0].id, 1)], paid=True
        )
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    client = make_client(wire, clock, pacer=NoPacing(), sleep=sleep)
    orders, _ = read_all(client, ORDERS)
    throttled = [a for a in wire.answers if a.get("errors", [{}])[0].get("extensions", {}).get("code") == "THROTTLED"]
    assert throttled, "the read should have met the bucket's limit"
    assert len(waits) == len(throttled)
    # Each wait is at least what the bucket needed to refill for the query (requested - available) / restore.
    cost = throttled[0]["extensions"]["cost"]
    needed = (cost["requestedQueryCost"] - cost["throttleStatus"]["currentlyAvailable"]) / cost["throttleStatus"][
        "restoreRate"
    ]
    assert waits[0] >= needed
    assert sorted(int(o["legacyResourceId"]) for o in orders) == sorted(state.orders)


def test_the_cost_pacer_waits_before_a_query_instead_of_being_throttled(
    client: ShopifyClient, wire: Wire, state: ShopifyState
) -> None:
    for n in range(30):
        state.create_order(sorted(state.customers)[n % 5], [(state.products[min(state.products)].variants[0].id, 1)])
    orders, _ = read_all(client, ORDERS)
    assert len(orders) == len(state.orders)
    assert not [a for a in wire.answers if "errors" in a]
    assert t.cast(CostPacer, client.pacer).waited > 0


def test_http_429_is_retried_after_the_retry_after_it_gives(wire: Wire, clock: FakeClock, state: ShopifyState) -> None:
    waits: list[float] = []
    client = make_client(wire, clock, sleep=waits.append)
    wire.queued.append(httpx.Response(429, headers={"Retry-After": "7.0"}, json={"errors": "Throttled"}))
    customers, _ = read_all(client, CUSTOMERS)
    assert len(customers) == len(state.customers)
    assert len(waits) == 1
    assert waits[0] >= 7.0


def test_a_5xx_is_retried_and_the_read_completes(
    wire: Wire, clock: FakeClock, plan: FaultPlan, state: ShopifyState
) -> None:
    healed: list[float] = []

    def heal(seconds: float) -> None:
        healed.append(seconds)
        plan.clear()

    plan.set(shopify_fault(error_rate=1.0, error_status=502))
    client = make_client(wire, clock, sleep=heal)
    assert len(read_all(client, PRODUCTS)[0]) == len(state.products)
    assert len(healed) == 1


def test_a_wrong_token_is_fatal_with_a_clear_error_that_does_not_show_the_token(wire: Wire, clock: FakeClock) -> None:
    secret = "shpat_0123456789abcdef0123456789abcdef"
    client = make_client(wire, clock, token=secret)
    with pytest.raises(AuthError) as caught:
        read_all(client, CUSTOMERS)
    assert "401" in str(caught.value)
    assert "Invalid API key or access token" in str(caught.value)
    assert secret not in str(caught.value)
    assert secret not in repr(client.rest.auth)
    assert len(wire.bodies) == 1  # not retried


def test_a_query_error_is_fatal_and_not_retried(client: ShopifyClient, wire: Wire) -> None:
    with pytest.raises(FatalError, match=r"Shopify GraphQL: .*nosuchfield"):
        client.graphql("{ shop { nosuchfield } }")
    assert len(wire.bodies) == 1


def test_nested_line_items_beyond_the_first_page_are_read_by_the_orders_id(
    client: ShopifyClient, state: ShopifyState, wire: Wire
) -> None:
    variant = state.products[min(state.products)].variants[0].id
    big = state.create_order(
        min(state.customers), [(variant, 1)], custom_lines=[(f"Extra {n}", 1, "1.00") for n in range(64)]
    )
    orders, _ = read_all(client, ORDERS)
    [read] = [o for o in orders if o["legacyResourceId"] == str(big.id)]
    assert len(read["lineItems"]["nodes"]) == 65
    assert read["lineItems"]["pageInfo"]["hasNextPage"] is False
    assert sum(1 for b in wire.bodies if "query More" in b["query"]) == 2  # 10 in the page, then 50 and 5


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "tenant.duckdb") as opened:
        yield opened


def test_extract_then_map_rejects_the_bad_records_with_reasons_and_maps_the_rest(
    client: ShopifyClient, state: ShopifyState, hub: Hub
) -> None:
    mapper = shopify_mapper(ShopSettings(currency="AUD", number_prefix="SHOP-"))
    extract(hub, ShopifySource(client, PRODUCTS), "run-1")
    extract(hub, ShopifySource(client, ORDERS), "run-1")
    items = map_staged(hub, "shopify", "items", "run-1", mapper)
    invoices = map_staged(hub, "shopify", "invoices", "run-1", mapper)
    assert (items.rejected, invoices.rejected) == (1, 1)  # the gift card without a SKU; the guest order
    reasons = sorted(r for (r,) in hub.query("SELECT reason FROM rejects"))
    assert "no SKU: Xero items are matched by code" in reasons[1]
    assert "Xero needs a contact on every invoice" in reasons[0]
    assert sum(1 for m in invoices.mapped if m.entity == "invoices") == len(state.orders) - 1
