"""The shared connector layer: error classes, the retry policy, paginators, pacing, the paging loop."""

from __future__ import annotations

import typing as t

import httpx
import pytest

from connectors.base.client import RestClient
from connectors.base.errors import AuthError, FatalError, RateLimitError, RetriableError, classify_response
from connectors.base.pacing import WindowPacer
from connectors.base.paging import NoPaginator, OffsetPaginator, PageNumberPaginator, PagingLoopError
from connectors.base.retry import RetryPolicy


class Sleeps:
    """Records sleeps instead of sleeping, and moves a fake clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "http://app.test/x"))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, RateLimitError),
        (500, RetriableError),
        (503, RetriableError),
        (408, RetriableError),
        (401, AuthError),
        (400, FatalError),
        (404, FatalError),
    ],
)
def test_responses_are_classified_once(status: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        classify_response(_response(status))


def test_success_is_not_an_error() -> None:
    classify_response(_response(200))


def test_rate_limit_carries_retry_after() -> None:
    with pytest.raises(RateLimitError) as caught:
        classify_response(_response(429, **{"Retry-After": "7"}))
    assert caught.value.retry_after == 7.0


def test_error_messages_hide_secrets_in_urls() -> None:
    response = httpx.Response(400, request=httpx.Request("GET", "http://app.test/x?sessionName=abc123&q=1"))
    with pytest.raises(FatalError) as caught:
        classify_response(response)
    assert "abc123" not in str(caught.value)


def _client(
    handler: t.Callable[[httpx.Request], httpx.Response], sleeps: Sleeps | None = None, **kw: t.Any
) -> RestClient:
    sleeps = sleeps or Sleeps()
    return RestClient(
        "http://app.test/api",
        http=httpx.Client(transport=httpx.MockTransport(handler)),
        retry=RetryPolicy(attempts=4, initial_wait=0.1, sleep=sleeps.sleep),
        **kw,
    )


def test_transient_errors_are_retried_until_success() -> None:
    answers = iter([503, 500, 200])
    client = _client(lambda request: httpx.Response(next(answers), json={"ok": True}))
    assert client.request("GET", "/x").json() == {"ok": True}
    assert client.calls == 3


def test_validation_errors_are_not_retried() -> None:
    client = _client(lambda request: httpx.Response(400, json={"Message": "bad"}))
    with pytest.raises(FatalError):
        client.request("GET", "/x")
    assert client.calls == 1


def test_timeouts_are_retried_then_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    client = _client(handler)
    with pytest.raises(RetriableError, match="timed out"):
        client.request("GET", "/x")
    assert client.calls == 4


def test_retry_after_is_honoured_when_longer_than_backoff() -> None:
    sleeps = Sleeps()
    answers = iter([httpx.Response(429, headers={"Retry-After": "30"}), httpx.Response(200, json={})])
    client = _client(lambda request: next(answers), sleeps)
    client.request("GET", "/x")
    assert sleeps.slept == [30.0]


def test_redirects_are_refused_not_followed() -> None:
    client = _client(lambda request: httpx.Response(302, headers={"Location": "http://evil.test/steal"}))
    with pytest.raises(FatalError, match="redirects are refused"):
        client.request("GET", "/x")
    assert client.calls == 1


def test_paging_loop_follows_page_numbers_until_a_short_page() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        seen.append(request.url.params["page"])
        return httpx.Response(200, json={"Items": [{"n": i} for i in range(3 if page < 3 else 1)]})

    pages = list(
        _client(handler).paginate("/items", paginator=PageNumberPaginator(page_size=3), select=lambda b: b["Items"])
    )
    assert seen == ["1", "2", "3"]
    assert sum(len(p.records) for p in pages) == 7


def test_page_count_stops_without_an_extra_empty_call() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"Items": [{}, {}], "pagination": {"pageCount": 2}})

    paginator = PageNumberPaginator(page_size=2, page_count=lambda b: b["pagination"]["pageCount"])
    list(_client(handler).paginate("/items", paginator=paginator, select=lambda b: b["Items"]))
    assert len(calls) == 2


def test_offset_paginator_reads_the_offset_from_the_last_record() -> None:
    paginator = OffsetPaginator(2, offset_of=lambda r: r["JournalNumber"])
    params: dict[str, t.Any] = {}
    paginator.init_request(params)
    paginator.update_state({}, [{"JournalNumber": 5}, {"JournalNumber": 9}])
    paginator.update_request(params)
    assert params == {"offset": 9}
    assert paginator.has_next_page


def test_offset_paginator_refuses_to_loop() -> None:
    paginator = OffsetPaginator(2, offset_of=lambda r: r["n"])
    paginator.update_state({}, [{"n": 1}, {"n": 2}])
    with pytest.raises(PagingLoopError):
        paginator.update_state({}, [{"n": 1}, {"n": 2}])


def test_no_paginator_makes_one_call() -> None:
    paginator = NoPaginator()
    paginator.update_state({}, [{}] * 5000)
    assert not paginator.has_next_page


def test_pacer_bursts_to_the_limit_then_waits_for_the_window() -> None:
    sleeps = Sleeps()
    pacer = WindowPacer(limit=3, window=10, clock=sleeps.clock, sleep=sleeps.sleep)
    for _ in range(3):
        pacer.before()
    assert sleeps.slept == []
    pacer.before()
    assert sleeps.slept == [10]


def test_pacer_believes_the_apps_remaining_calls_header() -> None:
    sleeps = Sleeps()
    pacer = WindowPacer(
        limit=60, window=60, remaining_header="x-minlimit-remaining", clock=sleeps.clock, sleep=sleeps.sleep
    )
    pacer.before()
    pacer.after(_response(200, **{"X-MinLimit-Remaining": "0"}))
    pacer.before()
    assert sleeps.slept == [60]
