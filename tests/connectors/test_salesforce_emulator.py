"""The Salesforce connector against the sandbox emulator, in-process: refresh, read every stream, map, upsert."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import httpx
import pytest

from connectors.base.retry import RetryPolicy
from connectors.base.tokens import MemoryTokenStore, Token
from connectors.salesforce import (
    STREAMS,
    SalesforceAuth,
    SalesforceClient,
    SalesforceSink,
    SalesforceSource,
    salesforce_mapper,
    stream_for,
)
from connectors.salesforce.sink import SUPPLIERS
from datashare.model import Invoice, Item, Organization, Person
from datashare.model.mapping import DictRefs, MappingError

sandbox = pytest.importorskip("sandbox.salesforce")
transport_module = pytest.importorskip("sandbox.common.transport")

BASE = "http://salesforce.test"


@pytest.fixture
def org() -> tuple[SalesforceClient, MemoryTokenStore]:
    state = sandbox.SalesforceState()
    sandbox.seed_sample(state)
    http = httpx.Client(transport=transport_module.InProcessTransport(sandbox.create_app(state)), base_url=BASE)
    # A token the org never issued: the first call is refused and the connector refreshes.
    store = MemoryTokenStore(
        Token(
            "expired",
            sandbox.SAMPLE_REFRESH_TOKEN,
            datetime.now(UTC) + timedelta(hours=1),
            extra={"instance_url": BASE},
        )
    )
    auth = SalesforceAuth(
        store,
        client_id=sandbox.SAMPLE_CLIENT_ID,
        client_secret=sandbox.SAMPLE_CLIENT_SECRET,
        token_url=f"{BASE}/services/oauth2/token",
    )
    client = SalesforceClient(auth, http=http, retry=RetryPolicy(attempts=2, sleep=lambda _: None), batch_size=200)
    return client, store


def test_reads_every_stream_maps_it_and_refreshes_the_session(org: tuple[SalesforceClient, MemoryTokenStore]) -> None:
    client, store = org
    assert any(v["version"] == "66.0" for v in client.versions())
    refs = DictRefs()
    mapper = salesforce_mapper("AUD")
    counts: dict[str, int] = {}
    for entity in ("organizations", "people", "items", "invoices"):
        source = SalesforceSource(client, stream_for(entity))
        pages = list(source.pages(None))
        assert pages
        mapped, rejected = [], []
        for page in pages:
            for raw in page.records:
                try:
                    mapped.extend(mapper(source.stream, raw, refs))
                except MappingError as error:
                    rejected.append(str(error))
        assert mapped, (entity, rejected)
        counts[entity] = len(mapped)
        # The next read from the last cursor sees at most the newest records again.
        again = [r for page in source.pages(pages[-1].cursor) for r in page.records]
        assert len(again) < sum(len(p.records) for p in pages) or len(again) <= 1
    assert client.usage is not None
    assert set(counts) == set(STREAMS)
    assert store.saves == 1  # the refused first token was refreshed once, then kept


def test_orders_come_with_lines_and_products_with_prices(org: tuple[SalesforceClient, MemoryTokenStore]) -> None:
    client, _ = org
    refs = DictRefs()
    mapper = salesforce_mapper("AUD")
    products = [r for p in SalesforceSource(client, stream_for("items")).pages(None) for r in p.records]
    items = [m.record for r in products for m in mapper("Product2", r, refs)]
    assert any(isinstance(i, Item) and i.sale_price is not None for i in items)
    orders = [r for p in SalesforceSource(client, stream_for("invoices")).pages(None) for r in p.records]
    invoices = [m.record for r in orders for m in mapper("Order", r, refs)]
    assert any(isinstance(i, Invoice) and i.lines for i in invoices)


def test_upserts_by_external_id_create_nothing_twice(org: tuple[SalesforceClient, MemoryTokenStore]) -> None:
    client, _ = org
    sink = SalesforceSink(client)
    refs = DictRefs()
    new = Organization(id=uuid4(), name="O'Brien \\ Sons Pty Ltd")
    (first,) = sink.push("organizations", [new], refs)
    assert first.ok, first.error
    assert first.created
    (again,) = sink.push("organizations", [new], refs)
    assert again.ok, again.error
    assert not again.created
    assert again.remote_id == first.remote_id
    found = list(client.rows("Account", where=[("Name", "=", new.name)]))
    assert [r["Id"] for r in found] == [first.remote_id]


def test_an_incremental_read_brings_changes_and_deletions_after_the_cursor() -> None:
    clock = pytest.importorskip("sandbox.common.clock").FakeClock(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    state = sandbox.SalesforceState(clock=clock)
    sandbox.seed_sample(state)
    http = httpx.Client(transport=transport_module.InProcessTransport(sandbox.create_app(state)), base_url=BASE)
    store = MemoryTokenStore(
        Token("expired", sandbox.SAMPLE_REFRESH_TOKEN, clock.now() + timedelta(hours=1), extra={"instance_url": BASE})
    )
    auth = SalesforceAuth(
        store,
        client_id=sandbox.SAMPLE_CLIENT_ID,
        client_secret=sandbox.SAMPLE_CLIENT_SECRET,
        token_url=f"{BASE}/services/oauth2/token",
    )
    client = SalesforceClient(auth, http=http, now=clock.now)
    source = SalesforceSource(client, stream_for("organizations"))
    full = list(source.pages(None))
    accounts = [r for page in full for r in page.records]
    changed, gone = accounts[0]["Id"], accounts[1]["Id"]
    clock.advance(600)
    state.update("Account", changed, {"Name": "Renamed Pty Ltd"})
    state.delete("Account", gone)
    clock.advance(180)
    pages = list(source.pages(full[-1].cursor))
    ids = [r["Id"] for p in pages for r in p.records]
    assert ids[-1] == changed
    assert set(ids) <= {changed, accounts[-1]["Id"]}  # the newest of last time may come again (>=)
    assert pages[-1].deleted == [gone]
    clock.advance(180)
    assert [(p.records, p.deleted) for p in source.pages(pages[-1].cursor)] in (
        [([], [])],
        [([pages[-1].records[-1]], [])],  # read again with >= the newest stamp: at least once, never lost
    )


def test_people_wait_for_their_account_and_items_upsert_as_products(
    org: tuple[SalesforceClient, MemoryTokenStore],
) -> None:
    client, _ = org
    sink = SalesforceSink(client)
    refs = DictRefs()
    acme = Organization(id=uuid4(), name="Acme Widgets")
    person = Person(id=uuid4(), first_name="Ada", last_name="O'Neil", email="ada@acme.example", organization_id=acme.id)
    (waiting,) = sink.push("people", [person], refs)
    assert waiting.waiting
    (account,) = sink.push("organizations", [acme], refs)
    assert account.remote_id is not None
    assert acme.id is not None
    refs.to_remote[("organizations", acme.id)] = account.remote_id
    (contact,) = sink.push("people", [person], refs)
    assert contact.ok, contact.error
    (row,) = client.rows("Contact", where=[("LastName", "=", "O'Neil")])
    assert row["AccountId"] == account.remote_id
    item = Item(id=uuid4(), code="WID-1", name="Widget")
    (product,) = sink.push("items", [item], refs)
    assert product.ok, product.error
    assert product.created
    (saved,) = client.rows("Product2", where=[("ProductCode", "=", "WID-1")])
    assert (saved["Name"], saved["IsActive"]) == ("Widget", True)


@dataclass
class _Snapshots:
    held: dict[UUID, dict[str, t.Any]]

    def snapshots(self, entity: str, app: str, ids: t.Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        return {i: self.held[i] for i in ids if i in self.held}

    def records(self, entity: str, ids: t.Sequence[UUID]) -> dict[UUID, t.Any]:
        return {}


def test_a_record_linked_by_matching_is_updated_by_id_and_gets_the_external_id(
    org: tuple[SalesforceClient, MemoryTokenStore],
) -> None:
    client, _ = org
    (existing,) = list(client.rows("Account", where=[("Name", "=", next(iter(client.rows("Account")))["Name"])]))[:1]
    hub_record = Organization(id=uuid4(), name="Renamed By The Hub Pty Ltd")
    refs = DictRefs()
    assert hub_record.id is not None
    refs.to_remote[("organizations", hub_record.id)] = existing["Id"]

    (result,) = SalesforceSink(client).push("organizations", [hub_record], refs)

    assert result.ok, result.error
    assert not result.created
    assert result.remote_id == existing["Id"]
    (saved,) = client.rows("Account", where=[("Id", "=", existing["Id"])])
    assert saved["Name"] == "Renamed By The Hub Pty Ltd"
    # The update stamped the external id: an upsert by it (a replay without the id map) finds the same Account.
    (replayed,) = SalesforceSink(client).push("organizations", [hub_record], DictRefs())
    assert replayed.ok, replayed.error
    assert not replayed.created
    assert replayed.remote_id == existing["Id"]


def test_suppliers_are_not_written_and_a_change_salesforce_does_not_carry_sends_nothing(
    org: tuple[SalesforceClient, MemoryTokenStore],
) -> None:
    client, _ = org
    refs = DictRefs()
    supplier = Organization(id=uuid4(), name="Parts Wholesale", is_supplier=True, is_customer=False)
    (refused,) = SalesforceSink(client).push("organizations", [supplier], refs)
    assert refused.skipped
    assert refused.error == SUPPLIERS
    item = Item(id=uuid4(), code="WID-9", name="Widget 9")
    assert item.id is not None
    (made,) = SalesforceSink(client).push("items", [item], refs)
    assert made.snapshot is not None
    refs.to_remote[("items", item.id)] = str(made.remote_id)
    calls = client.calls
    stock_moved = item.model_copy(update={"quantity_on_hand": Decimal(3), "is_inventoried": True})
    sink = SalesforceSink(client, hub=_Snapshots({item.id: made.snapshot}))

    (same,) = sink.push("items", [stock_moved], refs)

    assert same.ok
    assert same.unchanged
    assert client.calls == calls
