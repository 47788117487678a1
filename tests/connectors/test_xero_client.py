"""The Xero connector against the Xero sandbox: reads, cursors, pacing, faults, rejects."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from connectors.base.errors import AuthError, FatalError
from connectors.base.retry import RetryPolicy
from connectors.xero.client import XeroClient, xero_pacer
from connectors.xero.mapper import xero_mapper
from connectors.xero.source import XeroSource
from connectors.xero.streams import STREAMS
from datashare.store import Hub
from datashare.sync.extract import extract
from datashare.sync.mapping import map_staged
from sandbox.common.faults import Fault, FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.xero import RateLimits, XeroState, create_app, seed_sample
from tests.connectors.xero_world import READ_STREAMS, XeroWorld, hub_at, make_world


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    yield from hub_at(tmp_path)


@pytest.fixture
def world() -> XeroWorld:
    return make_world(page_size=25)


def test_full_extract_reads_every_record_with_the_fewest_calls(world: XeroWorld, hub: Hub) -> None:
    for stream in READ_STREAMS:
        before = world.client.calls
        counts = extract(hub, XeroSource(world.client, stream), "run-1")
        assert counts.staged == world.count(stream), stream.name
        assert counts.rejected == 0
        assert world.client.calls - before == world.minimum_calls(stream), stream.name


def test_incremental_extract_with_nothing_changed_makes_one_call_per_collection(world: XeroWorld, hub: Hub) -> None:
    world.extract_all(hub, "run-1")
    world.clock.advance(5)
    before = world.client.calls
    counts = world.extract_all(hub, "run-2")
    assert world.client.calls - before == len(READ_STREAMS)
    # Only the generated ledger (read by offset) can come back with nothing at all.
    assert counts["Journals"].read == 0
    assert counts["Invoices"].read == 0


def test_incremental_extract_reads_an_edit_made_after_the_last_one(world: XeroWorld, hub: Hub) -> None:
    world.extract_all(hub, "run-1")
    hub.mark_loaded("xero", "organizations", hub.now())  # as run 1's load would
    world.clock.advance(5)
    contact = next(iter(world.org.table("Contacts").values()))
    results = world.client.write(
        STREAMS["Contacts"], [{"ContactID": contact["ContactID"], "Website": "https://edited.example"}]
    )
    assert results[0].ok, results[0].errors
    world.clock.advance(5)
    counts = extract(hub, XeroSource(world.client, STREAMS["Contacts"]), "run-2")
    assert counts.read == 1
    staged = hub.staged("xero", "organizations", "run-2")
    assert [rid for _, rid, _ in staged] == [contact["ContactID"]]


def test_a_read_stopped_halfway_resumes_at_the_next_page(world: XeroWorld, hub: Hub) -> None:
    source = XeroSource(world.client, STREAMS["Invoices"])
    pages = source.pages(None)
    first = next(pages)
    hub.stage_raw("xero", "invoices", "run-1", [(r["InvoiceID"], r) for r in first.records], stream="Invoices")
    hub.set_cursor("xero", "invoices", first.cursor, stream="Invoices")
    counts = extract(hub, source, "run-2")
    assert counts.read == world.count(STREAMS["Invoices"]) - len(first.records)
    assert hub.query("SELECT count(*) FROM raw_xero_invoices") == [(world.count(STREAMS["Invoices"]),)]


def test_the_mapped_records_carry_the_organisations_data(world: XeroWorld, hub: Hub) -> None:
    world.extract_all(hub, "run-1")
    mapper = xero_mapper(world.org.base_currency)
    for stream in READ_STREAMS:
        entity = stream.entities[0]
        result = map_staged(hub, "xero", entity, "run-1", mapper)
        assert result.rejected == 0, hub.query("SELECT reason FROM rejects")
        assert result.read > 0
    invoices = map_staged(hub, "xero", "invoices", "run-1", mapper).mapped
    assert {m.record.currency for m in invoices} >= {"AUD"}  # type: ignore[attr-defined]


def test_pacing_at_600_a_minute_never_hits_429_and_takes_the_time_the_limit_allows() -> None:
    state_world = make_world(scale=10, page_size=1)
    limits = RateLimits(per_minute=600, per_day=100_000, concurrent=5, app_per_minute=100_000)
    clock = state_world.clock
    pacer = xero_pacer(600)
    pacer.clock = clock.monotonic
    pacer.sleep = clock.sleep
    world = make_world(state=state_world.state, limits=limits, page_size=1, pacer=pacer)
    stream = STREAMS["Invoices"]
    start = clock.monotonic()
    records = sum(len(page.records) for page in world.client.read(stream))
    elapsed = clock.monotonic() - start
    calls = world.client.calls
    assert records == world.count(stream) >= 1000
    assert all(e.status != 429 for e in world.recording.exchanges)
    # At most 600 calls in any minute: the earliest the last call can go is this many minutes in.
    allowed = 60.0 * ((calls - 1) // 600)
    assert allowed <= elapsed <= allowed * 1.1


def _serve(state: XeroState, faults: FaultPlan) -> t.ContextManager[str]:
    return serve_in_thread(
        create_app(
            state,
            faults=faults,
            limits=RateLimits(per_minute=100_000, per_day=1_000_000, concurrent=50, app_per_minute=1_000_000),
        )
    )


@pytest.mark.e2e
def test_with_a_tenth_of_calls_failing_a_full_extract_still_gets_every_record_once(tmp_path: Path) -> None:
    state = XeroState()
    seed_sample(state, orgs=("au",))
    faults = FaultPlan(seed=11)
    faults.set(Fault(path="/api.xro/", error_rate=0.05, error_status=503, timeout_rate=0.05, timeout_seconds=0.6))
    with _serve(state, faults) as base_url, Hub.open(tmp_path / "t.duckdb") as hub:
        world = make_world(
            state=state,
            page_size=10,
            http=httpx.Client(timeout=0.3, follow_redirects=False),
            retry=RetryPolicy(attempts=20, sleep=lambda s: None),
        )
        world.client.endpoints = world.client.endpoints.__class__.from_base(base_url)
        world.client.rest.base_url = base_url
        counts = world.extract_all(hub, "run-1")
        assert faults.injected > 0
        for stream in READ_STREAMS:
            table = f"raw_xero_{stream.entities[0]}"
            staged = hub.query(f"SELECT count(*), count(DISTINCT remote_id) FROM {table} WHERE stream = ?", stream.name)
            assert staged == [(world.count(stream), world.count(stream))], stream.name
            assert counts[stream.name].rejected == 0


def test_a_malformed_record_is_rejected_with_a_reason_and_the_rest_of_the_page_kept(hub: Hub) -> None:
    good = {
        "ContactID": "11111111-1111-1111-1111-111111111111",
        "Name": "Good Co",
        "UpdatedDateUTC": "/Date(1700000000000+0000)/",
    }
    no_id = {"Name": "No Id Co", "UpdatedDateUTC": "/Date(1700000000000+0000)/"}
    bad_date = {
        "ContactID": "22222222-2222-2222-2222-222222222222",
        "Name": "Bad Date Co",
        "UpdatedDateUTC": "/Date(yesterday)/",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"Contacts": [good, no_id, bad_date], "pagination": {"pageCount": 1}})

    world = make_world(http=httpx.Client(transport=httpx.MockTransport(handler)))
    counts = extract(hub, XeroSource(world.client, STREAMS["Contacts"]), "run-1")
    assert (counts.read, counts.staged, counts.rejected) == (3, 2, 1)
    result = map_staged(hub, "xero", "organizations", "run-1", xero_mapper("AUD"))
    assert [m.remote_id for m in result.mapped] == [good["ContactID"]]
    reasons = dict(hub.query("SELECT stage, reason FROM rejects ORDER BY stage"))
    assert reasons["extract"] == "xero Contacts record without an id"
    assert "UpdatedDateUTC" in reasons["map"]
    assert "yesterday" in reasons["map"]


def test_a_day_limit_stops_the_run_instead_of_waiting_hours(world: XeroWorld) -> None:
    limited = make_world(
        state=world.state, limits=RateLimits(per_minute=1000, per_day=2, concurrent=5, app_per_minute=1000)
    )
    limited.client.read_all(STREAMS["TaxRates"])
    limited.client.read_all(STREAMS["TaxRates"])
    with pytest.raises(FatalError, match="daily call limit"):
        limited.client.read_all(STREAMS["TaxRates"])


def test_an_unknown_tenant_is_refused_without_retries(world: XeroWorld) -> None:
    token = world.store.token
    assert token is not None
    world.store.save(token.with_extra(tenant_id="00000000-0000-0000-0000-000000000000"))
    with pytest.raises(FatalError):
        world.client.organisation()
    assert world.client.calls == 1


def test_an_expired_access_token_is_refreshed_on_the_way(world: XeroWorld) -> None:
    world.clock.advance(31 * 60)
    assert world.client.organisation()["Name"] == world.org.name
    token = world.store.token
    assert token is not None
    assert world.store.saves == 1


def test_a_refresh_token_past_its_grace_says_reconnect(world: XeroWorld) -> None:
    old = world.store.token
    world.clock.advance(31 * 60)
    world.client.read_all(STREAMS["TaxRates"])  # rotates the refresh token
    assert old is not None
    world.store.save(old)  # as if another copy kept the old one
    world.clock.advance(61 * 60)
    with pytest.raises(AuthError, match="reconnect Xero"):
        world.client.organisation()


def test_client_refuses_to_write_read_only_collections(world: XeroWorld) -> None:
    with pytest.raises(FatalError, match="cannot be written"):
        XeroClient.write(world.client, STREAMS["Journals"], [{}])
