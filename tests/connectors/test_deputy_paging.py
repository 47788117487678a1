"""The Modified-anchored paginator on bare records, and the cursor it leaves, against hand-made answers."""

from __future__ import annotations

import json
import typing as t

import httpx
import pytest

from connectors.base.paging import PagingLoopError
from connectors.base.retry import RetryPolicy
from connectors.deputy import STREAMS, DeputyClient, ModifiedPaginator, QueryState

M1, M2, M3 = "2026-11-02T09:00:00+10:00", "2026-11-02T09:00:01+10:00", "2026-11-02T09:00:02+10:00"


def sheet(record_id: int, modified: str) -> dict[str, t.Any]:
    return {"Id": record_id, "Modified": modified}


def test_first_request_sorts_by_modified_then_id_and_starts_at_the_anchor() -> None:
    params: dict[str, t.Any] = {}
    ModifiedPaginator(page_size=3, modified=M1).init_request(params)
    assert params == {
        "sort": {"Modified": "asc", "Id": "asc"},
        "max": 3,
        "start": 0,
        "search": {"s1": {"field": "Modified", "type": "ge", "data": M1}},
    }


def test_records_already_read_at_the_anchor_are_dropped_others_kept() -> None:
    paginator = ModifiedPaginator(page_size=3, modified=M1, seen={1, 2})
    paginator.update_state(None, [sheet(1, M1), sheet(3, M1), sheet(2, M2)])  # 2 changed again later: read it
    assert [r["Id"] for r in paginator.fresh] == [3, 2]
    assert (paginator.modified, paginator.seen, paginator.start) == (M2, {2}, 0)
    assert paginator.has_next_page


def test_the_next_page_is_anchored_at_the_newest_modified() -> None:
    paginator = ModifiedPaginator(page_size=2)
    params: dict[str, t.Any] = {}
    paginator.init_request(params)
    assert "search" not in params
    paginator.update_state(None, [sheet(1, M1), sheet(2, M2)])
    paginator.update_request(params)
    assert params["search"]["s1"]["data"] == M2
    assert params["start"] == 0


def test_a_page_all_at_one_moment_moves_start_on_one_short() -> None:
    paginator = ModifiedPaginator(page_size=3, modified=M1, seen={1, 2, 3})
    paginator.update_state(None, [sheet(1, M1), sheet(2, M1), sheet(3, M1)])
    assert paginator.fresh == []
    assert paginator.start == 2
    paginator.update_state(None, [sheet(3, M1), sheet(4, M1), sheet(5, M1)])
    assert [r["Id"] for r in paginator.fresh] == [4, 5]
    assert paginator.start == 4


def test_a_first_page_all_at_one_moment_is_stepped_over_not_read_again() -> None:
    paginator = ModifiedPaginator(page_size=3)
    paginator.update_state(None, [sheet(1, M1), sheet(2, M1), sheet(3, M1)])
    assert (paginator.modified, paginator.start) == (M1, 2)
    paginator.update_state(None, [sheet(3, M1), sheet(4, M2)])
    assert [r["Id"] for r in paginator.fresh] == [4]


def test_the_same_full_page_twice_stops_the_read() -> None:
    paginator = ModifiedPaginator(page_size=2, modified=M1)
    paginator.update_state(None, [sheet(1, M1), sheet(2, M1)])
    with pytest.raises(PagingLoopError):
        paginator.update_state(None, [sheet(1, M1), sheet(2, M1)])


def test_a_full_page_without_modified_stops_the_read() -> None:
    paginator = ModifiedPaginator(page_size=2)
    with pytest.raises(PagingLoopError, match="Modified"):
        paginator.update_state(None, [{"Id": 1, "Modified": "yesterday"}, {"Id": 2}])


def test_a_short_page_ends_the_read() -> None:
    paginator = ModifiedPaginator(page_size=3)
    paginator.update_state(None, [sheet(1, M1), sheet(2, M3)])
    assert not paginator.has_next_page


def _client(answer: t.Callable[[dict[str, t.Any]], httpx.Response]) -> DeputyClient:
    def handle(request: httpx.Request) -> httpx.Response:
        return answer(json.loads(request.content))

    http = httpx.Client(transport=httpx.MockTransport(handle))
    return DeputyClient("https://acme.au.deputy.com", "token", http=http, retry=RetryPolicy(sleep=lambda _: None))


@pytest.mark.parametrize(
    ("headers", "kept"),
    [
        # M1 is 09:00 in Sydney, 23:00 UTC the day before.
        ({"Date": "Sun, 01 Nov 2026 23:00:10 GMT"}, (1,)),  # ten seconds past M1
        ({"Date": "Sun, 01 Nov 2026 23:00:01 GMT"}, ()),  # M1's second barely over: read it again next time
        ({}, ()),  # no server clock: read it again next time
    ],
)
def test_cursor_keeps_ids_only_for_a_second_that_is_over(headers: dict[str, str], kept: tuple[int, ...]) -> None:
    client = _client(lambda body: httpx.Response(200, json=[sheet(1, M1)], headers=headers))
    [page] = list(client.read(STREAMS["Timesheet"]))
    state = QueryState.parse(page.cursor)
    assert (state.modified, state.seen) == (M1, kept)


def test_server_ignoring_start_cannot_make_the_read_spin() -> None:
    full = [sheet(n, M1) for n in range(1, 501)]
    client = _client(lambda body: httpx.Response(200, json=full))
    with pytest.raises(PagingLoopError):
        list(client.read(STREAMS["Timesheet"]))


def test_cursor_round_trips() -> None:
    state = QueryState(M1, (3, 12))
    assert QueryState.parse(state.dump()) == state
    assert json.loads(state.dump()) == {"modified": M1, "seen": [3, 12]}
    assert QueryState.parse(None) == QueryState.parse("") == QueryState()
