"""The sandbox's worst write fault: the write is applied, then its answer is lost.

A tiny app that counts what it was asked to do stands for an emulator: the
count tells whether the write happened whatever the client saw.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.common.faults import Fault, FaultMiddleware, FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.common.transport import InProcessTransport


class Counter:
    """An app whose writes add one each; reads only tell the count."""

    def __init__(self) -> None:
        self.writes = 0
        self.app = Starlette(routes=[Route("/things", self.things, methods=["GET", "POST"])])

    async def things(self, request: Request) -> JSONResponse:
        if request.method == "POST":
            await request.body()
            self.writes += 1
        return JSONResponse({"writes": self.writes, "padding": "x" * 200})


@pytest.fixture
def counter() -> Counter:
    return Counter()


@pytest.fixture
def plan() -> FaultPlan:
    return FaultPlan(seed=5)


@pytest.fixture
def loopback(counter: Counter, plan: FaultPlan) -> Iterator[httpx.Client]:
    with serve_in_thread(FaultMiddleware(counter.app, plan)) as url, httpx.Client(base_url=url) as client:
        yield client


def test_a_lost_answer_applies_the_write_then_drops_the_connection_mid_answer(loopback, counter, plan):
    plan.set(Fault(path="/things", method="POST", lost_answer_rate=1.0))
    with pytest.raises(httpx.RemoteProtocolError):
        loopback.post("/things", json={"n": 1})
    assert counter.writes == 1
    assert plan.injected == 1
    assert loopback.get("/things").json()["writes"] == 1  # reads pass untouched, and so does the next connection


def test_a_gateway_can_lose_the_answer_with_a_504_after_the_write(loopback, counter, plan):
    plan.set(Fault(path="/things", method="POST", lost_answer_rate=1.0, lost_answer_status=504))
    answer = loopback.post("/things", json={"n": 1})
    assert answer.status_code == 504
    assert counter.writes == 1


def test_a_rule_picks_its_writes_by_body_or_header_and_leaves_the_rest_alone(loopback, counter, plan):
    plan.set(
        Fault(path="/things", method="POST", body=r"operation=create\b", lost_answer_rate=1.0),
        Fault(path="/things", method="POST", header=("X-Action", r"^Update"), lost_answer_rate=1.0),
    )
    assert loopback.post("/things", data={"operation": "query"}).status_code == 200
    assert loopback.post("/things", headers={"X-Action": "GetItem"}, json={}).status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        loopback.post("/things", data={"operation": "create", "element": "{}"})
    with pytest.raises(httpx.RemoteProtocolError):
        loopback.post("/things", headers={"X-Action": "UpdateItem"}, json={})
    assert (counter.writes, plan.injected) == (4, 2)


def test_the_share_of_lost_answers_is_seeded_and_the_same_for_the_same_seed(counter, plan):
    def outcomes(seed: int) -> list[bool]:
        plan.reseed(seed)
        plan.set(Fault(path="/things", method="POST", lost_answer_rate=0.3))
        got = []
        transport = InProcessTransport(FaultMiddleware(counter.app, plan))
        with httpx.Client(transport=transport, base_url="http://sandbox.test") as client:
            for _ in range(60):
                try:
                    client.post("/things", json={})
                    got.append(True)
                except httpx.RemoteProtocolError:
                    got.append(False)
        return got

    first = outcomes(11)
    lost = first.count(False)
    assert 8 <= lost <= 32, first
    assert counter.writes == 60  # every write was applied, answered or not
    assert plan.injected == lost
    assert outcomes(11) == first
    assert outcomes(12) != first


def test_in_process_an_app_that_fails_before_answering_is_a_500_and_after_the_head_a_broken_read(counter, plan):
    async def broken(scope, receive, send):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    with httpx.Client(transport=InProcessTransport(broken), base_url="http://sandbox.test") as client:
        assert client.get("/").status_code == 500
    plan.set(Fault(path="/things", timeout_rate=1.0, timeout_seconds=0.0))
    transport = InProcessTransport(FaultMiddleware(counter.app, plan))
    with (
        httpx.Client(transport=transport, base_url="http://sandbox.test") as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get("/things")
