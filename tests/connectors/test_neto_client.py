"""The Neto client: Ack checked once, 429 waited out a minute without losing a page, 5xx retried, auth fatal."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from connectors.base.errors import AuthError, FatalError, MalformedResponseError, RateLimitError, RetriableError
from connectors.base.retry import RetryPolicy
from connectors.neto import STREAMS, NetoClient, NetoKey, NetoSource, check_response, message_list
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.neto import SAMPLE_KEY, SAMPLE_USERNAME, NetoState, create_app, neto_fault, seed_sample

T0 = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


def answer(body: Any, status: int = 200, action: str = "GetItem") -> httpx.Response:
    request = httpx.Request("POST", "https://shop.example.com.au/do/WS/NetoAPI", headers={"NETOAPI_ACTION": action})
    return httpx.Response(status, content=json.dumps(body).encode(), request=request)


def error(*messages: str) -> dict[str, Any]:
    found = [{"Message": m, "SeverityCode": "Error", "Description": m} for m in messages]
    return {"Ack": "Error", "Messages": {"Error": found[0] if len(found) == 1 else found}}


@pytest.mark.parametrize(
    ("body", "raised"),
    [
        (error("Authentication failure"), AuthError),
        (error("Invalid API Key"), AuthError),
        (error("Too many requests"), RateLimitError),
        (error("Service temporarily unavailable, try again"), RetriableError),
        (error("Invalid SKU", "OutputSelector is required"), FatalError),
        ({"Item": []}, MalformedResponseError),  # no Ack at all: garbled on its way, retried
    ],
)
def test_an_ack_error_is_classified_by_what_its_messages_say(body: dict[str, Any], raised: type[Exception]) -> None:
    with pytest.raises(raised) as caught:
        check_response(answer(body))
    assert type(caught.value) is raised


def test_a_429_waits_the_minute_neto_shuts_a_key_out_for() -> None:
    with pytest.raises(RateLimitError) as caught:
        check_response(answer(error("Too many requests"), status=429))
    assert caught.value.retry_after == 60.0


def test_an_answer_that_is_not_json_is_malformed_so_retried() -> None:
    request = httpx.Request("POST", "https://shop.example.com.au/do/WS/NetoAPI")
    with pytest.raises(MalformedResponseError, match="body is not JSON: '<Response/>'"):
        check_response(httpx.Response(200, content=b"<Response/>", request=request))


def test_a_warning_is_logged_and_the_answer_kept(caplog: pytest.LogCaptureFixture) -> None:
    body = {"Item": [{"SKU": "A"}], "Ack": "Warning", "Messages": {"Warning": {"Message": "Unknown OutputSelector X"}}}
    with caplog.at_level(logging.WARNING, logger="connectors.neto"):
        check_response(answer(body))
    assert "Unknown OutputSelector X" in caplog.text


def test_messages_come_as_one_object_or_a_list() -> None:
    one = {"Error": {"Message": "A", "Description": "why A"}}
    two = {"Error": [{"Message": "A"}, {"Message": "B", "Description": "B"}]}
    assert message_list(one, "Error") == ["A: why A"]
    assert message_list(two, "Error") == ["A", "B"]
    assert message_list({}, "Warning") == []


def test_the_key_never_shows_in_repr() -> None:
    assert SAMPLE_KEY not in repr(NetoKey(SAMPLE_KEY, SAMPLE_USERNAME))


class Harness:
    """A seeded site behind an in-process transport, and a client whose retry waits move the site's clock."""

    def __init__(self, *, per_minute: int = 500, page_size: int = 5, attempts: int = 4) -> None:
        self.clock = FakeClock(T0)
        self.state = NetoState(clock=self.clock, per_minute=per_minute)
        self.seeded = seed_sample(self.state, scale=2)
        self.plan = FaultPlan(seed=3)
        self.waits: list[float] = []
        transport = InProcessTransport(create_app(self.state, faults=self.plan))
        self.client = NetoClient(
            "http://neto",
            SAMPLE_KEY,
            SAMPLE_USERNAME,
            http=httpx.Client(transport=transport),
            retry=RetryPolicy(attempts=attempts, sleep=self.wait),
            page_size=page_size,
        )

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds)
        self.plan.clear()


def test_a_429_is_waited_out_and_the_same_page_asked_again_without_losing_a_record() -> None:
    site = Harness(per_minute=3, page_size=5)
    ids = [r["OrderID"] for p in NetoSource(site.client, STREAMS["orders"]).pages(None) for r in p.records]
    assert sorted(ids) == sorted(site.state.tables["Order"])  # every order, none twice
    assert len(ids) == 24
    assert site.waits
    assert min(site.waits) >= 60.0


def test_a_5xx_is_retried_and_the_read_goes_on() -> None:
    site = Harness()
    site.plan.set(neto_fault(error_rate=1.0, error_status=503))
    records = [r for p in NetoSource(site.client, STREAMS["products"]).pages(None) for r in p.records]
    assert len(records) == len(site.state.tables["Item"])
    assert site.plan.injected == 1
    assert len(site.waits) == 1


def test_a_refused_key_is_fatal_at_once_with_a_clear_error_and_no_key_in_it() -> None:
    site = Harness()
    transport = InProcessTransport(create_app(site.state))
    stranger = NetoClient(
        "http://neto",
        "stolen-key-123",
        SAMPLE_USERNAME,
        http=httpx.Client(transport=transport),
        retry=RetryPolicy(sleep=site.wait),
    )
    with pytest.raises(AuthError, match="Authentication failure") as caught:
        list(stranger.read(STREAMS["customers"]))
    assert stranger.calls == 1
    assert not site.waits
    assert "stolen-key-123" not in str(caught.value)


def test_every_get_asks_for_json_with_a_filter_and_the_streams_output_selector() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"Customer": [], "CurrentTime": "2026-11-02 10:00:00", "Ack": "Success"})

    client = NetoClient(
        "https://shop.example.com.au",
        SAMPLE_KEY,
        SAMPLE_USERNAME,
        http=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    assert list(client.read(STREAMS["customers"]))
    assert len(seen) == 1
    request = seen[0]
    assert request.url.path == "/do/WS/NetoAPI"
    assert request.headers["accept"] == "application/json"
    assert (request.headers["netoapi_action"], request.headers["netoapi_username"]) == ("GetCustomer", SAMPLE_USERNAME)
    query = json.loads(request.content)["Filter"]
    assert query["DateUpdatedFrom"] == "1970-01-01 00:00:00"
    assert query["Page"] == 0
    assert query["Limit"] == 100
    assert "Username" in query["OutputSelector"]


def test_the_client_reads_with_gets_and_only_updates_never_adds() -> None:
    site = Harness()
    assert site.client.call("GetItem", {"Filter": {"SKU": "SCO-0001", "OutputSelector": ["Name"]}})["Item"]
    with pytest.raises(ValueError, match="writes go through update"):
        site.client.call("AddItem", {"Item": [{"SKU": "X", "Name": "X"}]})
    with pytest.raises(ValueError, match="not a Neto Update action"):
        site.client.update("AddItem", {"Item": [{"SKU": "X", "Name": "X"}]})
    assert "X" not in site.state.tables["Item"]
    site.client.update("UpdateItem", {"Item": [{"SKU": "SCO-0001", "DefaultPrice": "12.00"}]})
    assert site.state.tables["Item"]["SCO-0001"]["DefaultPrice"] == "12.00"
