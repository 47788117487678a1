"""The Magento connector against the sandbox in process: paging, cursors, edits during a read, retries, auth."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.base.errors import AuthError, FatalError
from connectors.base.retry import RetryPolicy
from connectors.base.shop import ShopSettings
from connectors.magento import (
    STREAMS,
    Filter,
    MagentoAdminAuth,
    MagentoClient,
    MagentoSource,
    ReadCursor,
    magento_mapper,
    magento_message,
)
from datashare.model.mapping import DictRefs, MappingError
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
BASE = "http://magento.test"


class Recorder(httpx.BaseTransport):
    """Passes requests to the sandbox, logs them, and can answer some with 429 first."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[httpx.Request] = []
        self.throttle_at: set[int] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        if len(self.sent) in self.throttle_at:
            return httpx.Response(
                429, headers={"Retry-After": "7"}, json={"message": "Too many requests", "parameters": []}
            )
        return self.inner.handle_request(request)

    def pages_asked(self, path: str = "") -> list[str | None]:
        """The pages asked for, of every list or of those whose path ends with ``path``."""
        return [
            r.url.params.get("searchCriteria[currentPage]")
            for r in self.sent
            if "integration" not in r.url.path and r.url.path.endswith(path)
        ]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def state(clock: FakeClock) -> MagentoState:
    store = MagentoState(clock=clock)
    seed_sample(store, seed=2)
    clock.advance(60)
    return store


@pytest.fixture
def faults() -> FaultPlan:
    return FaultPlan(seed=5)


@pytest.fixture
def transport(state: MagentoState, faults: FaultPlan) -> Recorder:
    return Recorder(InProcessTransport(create_app(state, faults=faults)))


@pytest.fixture
def waits() -> list[float]:
    return []


Connect = t.Callable[..., MagentoClient]


@pytest.fixture
def connect(transport: Recorder, waits: list[float], clock: FakeClock) -> Iterator[Connect]:
    made: list[MagentoClient] = []

    def build(**options: t.Any) -> MagentoClient:
        if "username" not in options:
            options.setdefault("token", SAMPLE_TOKEN)
        options.setdefault("http", httpx.Client(transport=transport, base_url=BASE))
        options.setdefault("retry", RetryPolicy(attempts=6, sleep=waits.append))
        options.setdefault("now", clock.now)
        client = MagentoClient(BASE, **options)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


def ids(pages: t.Iterable[t.Any], field: str = "entity_id") -> list[int]:
    return [r[field] for p in pages for r in p.records]


def test_a_full_read_pages_by_keyset_and_never_asks_past_page_one(
    connect: Connect, transport: Recorder, state: MagentoState
) -> None:
    client = connect(page_size=5)
    pages = list(client.read(STREAMS["orders"]))
    assert [len(p.records) for p in pages] == [5, 5, 5, 5, 4]
    assert sorted(ids(pages)) == sorted(state.tables["orders"])
    assert [p.last for p in pages] == [False, False, False, False, True]
    # Magento repeats the last page past the end (the invoices attached to a page of orders page by count).
    assert {p for p in transport.pages_asked("/orders") if p is not None} == {"1"}


def test_a_read_ends_when_total_count_is_reached_on_a_full_page(connect: Connect, transport: Recorder) -> None:
    pages = list(connect(page_size=12).read(STREAMS["customers"]))
    assert [len(p.records) for p in pages] == [12]
    assert len([r for r in transport.sent if "customers/search" in r.url.path]) == 1


def test_search_stops_by_total_count_never_looping_on_the_repeated_last_page(
    connect: Connect, transport: Recorder
) -> None:
    found = list(connect(page_size=4).search("orders", [[Filter("entity_id", "8", "lteq")]]))
    assert [o["entity_id"] for o in found] == list(range(1, 9))
    assert transport.pages_asked() == ["1", "2"]


def test_the_next_read_from_a_cursor_brings_only_what_changed(
    connect: Connect, state: MagentoState, clock: FakeClock
) -> None:
    client = connect(page_size=10)
    pages = list(client.read(STREAMS["orders"]))
    cursor = ReadCursor.parse(pages[-1].cursor)
    assert cursor.after_id is not None  # the last second is closed on the store's clock: the tie-break is kept
    clock.advance(30)
    state.edit_order(3, customer_email="new@example.com")
    state.place_order(1, [("MAG-TEE-L", 1)], paid=True)
    clock.advance(30)
    changed = list(client.read(STREAMS["orders"], pages[-1].cursor))
    assert ids(changed) == [3, 25]
    assert changed[0].records[0]["customer_email"] == "new@example.com"
    assert next(iter(client.read(STREAMS["orders"], changed[-1].cursor))).records == []


def test_a_cursor_in_a_second_not_yet_closed_reads_that_second_again(
    connect: Connect, state: MagentoState, clock: FakeClock
) -> None:
    client = connect()
    state.edit_customer(2, lastname="Now")
    pages = list(client.read(STREAMS["customers"]))
    assert ReadCursor.parse(pages[-1].cursor) == ReadCursor(state.customer(2)["updated_at"], None)
    state.edit_customer(1, lastname="Same second")  # saved in the second the cursor is still open on
    clock.advance(5)
    assert sorted(ids(client.read(STREAMS["customers"], pages[-1].cursor), "id")) == [1, 2]


def test_records_edited_during_a_paged_read_are_not_lost(
    connect: Connect, state: MagentoState, clock: FakeClock
) -> None:
    client = connect(page_size=5)
    reader = client.read(STREAMS["orders"])
    first = next(reader)
    read_already, not_yet = first.records[0]["entity_id"], 8
    clock.advance(10)
    state.edit_order(read_already, customer_email="again@example.com")
    state.edit_order(not_yet, customer_email="moved@example.com")
    rest = list(reader)
    seen = ids([first, *rest])
    assert set(seen) == set(state.tables["orders"])  # nothing skipped though two records jumped to the end
    assert seen[-2:] == [read_already, not_yet]
    assert rest[-1].records[-1]["customer_email"] == "moved@example.com"


def test_server_errors_are_retried_and_every_record_still_arrives(
    connect: Connect, faults: FaultPlan, waits: list[float], state: MagentoState
) -> None:
    faults.set(magento_fault(error_rate=0.4, error_status=503))
    pages = list(connect(page_size=2).read(STREAMS["products"]))
    assert faults.injected > 0
    assert len(waits) == faults.injected
    assert sorted(ids(pages, "id")) == sorted(state.tables["products"])


def test_a_429_is_waited_out_as_retry_after_says_without_losing_a_page(
    connect: Connect, transport: Recorder, waits: list[float], state: MagentoState
) -> None:
    transport.throttle_at = {2, 4}
    pages = list(connect(page_size=5).read(STREAMS["customers"]))
    assert len(waits) == 2
    assert all(wait >= 7 for wait in waits)
    assert len(ids(pages, "id")) == len(set(ids(pages, "id"))) == len(state.tables["customers"])


def test_an_unknown_token_is_a_fatal_auth_error_that_does_not_show_it(connect: Connect, waits: list[float]) -> None:
    client = connect(token="wrong-token-123")
    with pytest.raises(AuthError) as caught:
        list(client.read(STREAMS["orders"]))
    assert "401" in str(caught.value)
    assert "The consumer isn't authorized to access Magento_Sales::sales." in str(caught.value)
    assert "reconnect the store" in str(caught.value)
    assert "wrong-token-123" not in str(caught.value)
    assert "wrong-token-123" not in repr(client.auth)
    assert waits == []


def test_a_wrong_admin_password_is_fatal_and_never_shown(connect: Connect) -> None:
    client = connect(username=SAMPLE_USERNAME, password="hunter2-secret")
    with pytest.raises(AuthError, match="refused the admin sign-in of 'datashare'") as caught:
        client.get("orders", "1")
    assert "hunter2-secret" not in str(caught.value)
    assert "hunter2-secret" not in repr(client.auth)


def test_admin_tokens_are_renewed_before_expiry_and_after_a_401(
    connect: Connect, state: MagentoState, clock: FakeClock
) -> None:
    client = connect(username=SAMPLE_USERNAME, password=SAMPLE_PASSWORD)
    auth = t.cast(MagentoAdminAuth, client.auth)
    assert client.get("orders", "1")["entity_id"] == 1
    client.get("orders", "2")
    assert auth.sign_ins == 1
    clock.advance(4 * 3600 - 60)  # inside the renewal margin
    client.get("orders", "3")
    assert auth.sign_ins == 2
    state.admin_tokens.clear()  # revoked in the admin
    assert client.get("orders", "4")["entity_id"] == 4
    assert auth.sign_ins == 3


def test_orders_carry_their_invoices_and_memos_their_order_and_place(connect: Connect, state: MagentoState) -> None:
    order = state.place_order(1, [("MAG-TEE-M", 2), ("SCO-0001", 1)], paid=True)
    state.refund_order(order["entity_id"], {"MAG-TEE-M": 1})
    state.refund_order(order["entity_id"], {"SCO-0001": 1})
    client = connect(page_size=7)
    orders = {r["entity_id"]: r for p in client.read(STREAMS["orders"]) for r in p.records}
    assert [i["state"] for i in orders[order["entity_id"]]["_invoices"]] == [2]
    unpaid = next(o for o in orders.values() if o["total_paid"] == 0)
    assert unpaid["_invoices"] == []
    memos = [r for p in client.read(STREAMS["creditmemos"]) for r in p.records if r["order_id"] == order["entity_id"]]
    assert [m["_sequence"] for m in memos] == [1, 2]
    assert memos[0]["_order"]["increment_id"] == order["increment_id"]
    assert memos[0]["_order"]["customer_id"] == 1


def test_the_whole_sample_store_maps_with_two_reasoned_rejects(connect: Connect) -> None:
    client = connect(username=SAMPLE_USERNAME, password=SAMPLE_PASSWORD, page_size=7)
    mapper = magento_mapper(ShopSettings(currency="AUD", number_prefix="MAG-"), timezone="Australia/Sydney")
    refs, entities, rejects = DictRefs(), dict[str, int](), list[str]()
    for name, stream in STREAMS.items():
        source = MagentoSource(client, stream)
        assert (source.app, source.entity, source.stream) == ("magento", stream.entity, name)
        for page in source.pages(None):
            for raw in page.records:
                try:
                    for mapped in mapper(name, raw, refs):
                        entities[mapped.entity] = entities.get(mapped.entity, 0) + 1
                except MappingError as error:
                    rejects.append(str(error))
    assert len(rejects) == 2
    assert any("guest order" in r for r in rejects)
    assert any("a Xero item code holds at most 30" in r for r in rejects)
    assert entities["invoices"] == 23
    assert entities["credit_notes"] == 2
    assert entities["payments"] >= 10
    assert entities["items"] == 15
    assert entities["organizations"] == 12


def test_since_reads_only_what_changed_from_a_moment(connect: Connect, state: MagentoState, clock: FakeClock) -> None:
    source = MagentoSource(connect(), STREAMS["products"])
    clock.advance(100)
    state.edit_product("SCO-0002", name="Renamed")
    cursor = source.cursor_since(clock.now() - timedelta(seconds=50))
    assert [r["sku"] for p in source.pages(cursor) for r in p.records] == ["SCO-0002"]


def test_the_store_code_goes_in_the_path(connect: Connect, transport: Recorder) -> None:
    connect(store_code="default").get("orders", "1")
    assert transport.sent[-1].url.path == "/rest/default/V1/orders/1"
    with pytest.raises(ValueError, match="store code"):
        connect(store_code="../admin")
    with pytest.raises(ValueError, match="integration token"):
        MagentoClient(BASE)


def test_magentos_message_templates_are_filled_in_errors(connect: Connect) -> None:
    with pytest.raises(FatalError, match="404 No such entity with orderId = 999"):
        connect().get("orders", "999")
    assert (
        magento_message({"message": "The most you can refund is %1.", "parameters": ["2"]})
        == "The most you can refund is 2."
    )
    assert magento_message(["not", "an", "error"]) is None


def test_a_sku_is_one_escaped_path_segment(connect: Connect, state: MagentoState, transport: Recorder) -> None:
    state.add_product("A/B?C", "Odd SKU", 5)
    assert connect().get("products", "A/B?C")["name"] == "Odd SKU"
    assert transport.sent[-1].url.raw_path == b"/rest/V1/products/A%2FB%3FC"


def test_a_failing_admin_sign_in_is_retried(connect: Connect, faults: FaultPlan, waits: list[float]) -> None:
    faults.set(magento_fault(path="integration/admin/token", error_rate=1.0, error_status=503))

    def heal(seconds: float) -> None:
        waits.append(seconds)
        faults.clear()

    client = connect(username=SAMPLE_USERNAME, password=SAMPLE_PASSWORD, retry=RetryPolicy(attempts=3, sleep=heal))
    assert client.get("orders", "1")["entity_id"] == 1
    assert (faults.injected, len(waits)) == (1, 1)


def test_a_page_size_past_magentos_limit_is_cut_to_300(clock: FakeClock) -> None:
    store = MagentoState(clock=clock, input_limits=True)
    seed_sample(store, scale=13)  # 312 orders: two pages of at most 300
    clock.advance(60)
    http = httpx.Client(transport=InProcessTransport(create_app(store)), base_url=BASE)
    with MagentoClient(BASE, token=SAMPLE_TOKEN, http=http, page_size=1000) as client:
        pages = list(client.read(STREAMS["orders"]))
    assert [len(p.records) for p in pages] == [300, 12]
