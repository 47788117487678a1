"""Incremental Neto reads: re-anchored pages lose no record edited mid-read, cursors resume, ``since`` re-reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.base.paging import PagingLoopError
from connectors.neto import STREAMS, NetoClient, NetoCursor, NetoSource, UpdatedPaginator
from sandbox.common.clock import FakeClock
from sandbox.common.transport import InProcessTransport
from sandbox.neto import SAMPLE_KEY, SAMPLE_USERNAME, NetoState, create_app, seed_sample

T0 = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def state(clock: FakeClock) -> NetoState:
    site = NetoState(clock=clock)
    seed_sample(site, scale=2)
    return site


@pytest.fixture
def client(state: NetoState) -> NetoClient:
    http = httpx.Client(transport=InProcessTransport(create_app(state)))
    return NetoClient("http://neto", SAMPLE_KEY, SAMPLE_USERNAME, http=http, page_size=5)


def test_an_order_edited_during_a_paged_read_loses_no_other_order(
    state: NetoState, clock: FakeClock, client: NetoClient
) -> None:
    read: list[tuple[str, str]] = []
    for n, page in enumerate(client.read(STREAMS["orders"])):
        read += [(r["OrderID"], r["DateUpdated"]) for r in page.records]
        if n == 0:
            # The second order read moves to the end: a fixed DateUpdatedFrom with Page += 1 would now skip one.
            clock.advance(30)
            state.update_order(page.records[1]["OrderID"], OrderStatus="Pack")
            edited = page.records[1]["OrderID"]
    ids = [order_id for order_id, _ in read]
    assert set(ids) == set(state.tables["Order"])
    assert ids.count(edited) == 2
    assert ids[-1] == edited
    assert len(ids) == len(state.tables["Order"]) + 1  # nothing else twice


def test_a_read_resumed_from_its_cursor_gives_only_what_changed(
    state: NetoState, clock: FakeClock, client: NetoClient
) -> None:
    pages = list(client.read(STREAMS["orders"]))
    assert pages[-1].last
    assert all(not p.last for p in pages[:-1])
    clock.advance(120)
    state.pay_order("N10003")
    again = [r["OrderID"] for p in client.read(STREAMS["orders"], pages[-1].cursor) for r in p.records]
    assert again == ["N10003"]
    clock.advance(120)
    assert next(r for p in client.read(STREAMS["orders"], pages[-1].cursor) for r in p.records)["OrderID"] == "N10003"


def test_a_cursor_keeps_ids_only_once_settled_behind_netos_clock(
    state: NetoState, clock: FakeClock, client: NetoClient
) -> None:
    clock.advance(600)
    state.update_item("SCO-0001", Name="Renamed")  # DateUpdated == the site's CurrentTime: not settled
    last = list(client.read(STREAMS["products"]))[-1]
    cursor = NetoCursor.parse(last.cursor)
    assert cursor.updated_from == (datetime(2026, 11, 2, 10, 10) - timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S")
    assert "SCO-0001" not in dict(cursor.seen)
    # So a save later in the same second is read, not skipped as already seen.
    state.update_item("SCO-0001", Name="Renamed again")
    again = [r["Name"] for p in client.read(STREAMS["products"], last.cursor) for r in p.records]
    assert again == ["Renamed again"]


def test_since_reads_everything_changed_after_a_moment(state: NetoState, client: NetoClient) -> None:
    source = NetoSource(client, STREAMS["customers"])
    everything = [r for p in source.pages(None) for r in p.records]
    assert len(everything) == len(state.tables["Customer"])
    middle = sorted(r["DateUpdated"] for r in everything)[8]
    moment = datetime.strptime(middle, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) - timedelta(hours=10)
    cursor = source.cursor_since(moment)
    later = [r for p in source.pages(cursor) for r in p.records]
    assert {r["Username"] for r in later} == {r["Username"] for r in everything if r["DateUpdated"] >= middle}


def test_a_page_wholly_inside_the_overlap_steps_to_the_next_page() -> None:
    paginator = UpdatedPaginator(page_size=2, updated_from="2026-11-02 09:59:55", id_field="SKU")
    params: dict[str, dict[str, object]] = {}
    paginator.init_request(params)
    paginator.update_state(
        {}, [{"SKU": "A", "DateUpdated": "2026-11-02 09:59:58"}, {"SKU": "B", "DateUpdated": "2026-11-02 09:59:59"}]
    )
    paginator.update_request(params)
    assert params["Filter"] == {"DateUpdatedFrom": "2026-11-02 09:59:55", "Page": 1, "Limit": 2}
    paginator.update_state({}, [{"SKU": "A", "DateUpdated": "2026-11-02 09:59:58"}])
    assert paginator.fresh == []
    assert not paginator.has_next_page


def test_a_full_page_without_dates_stops_rather_than_spins() -> None:
    paginator = UpdatedPaginator(page_size=2, id_field="SKU")
    with pytest.raises(PagingLoopError):
        paginator.update_state({}, [{"SKU": "A"}, {"SKU": "B"}])
