"""The sandbox's garbled reads: the read is done, its 200 answer comes back cut short, as HTML, empty or misshapen.

Driven in process through the fault middleware around a tiny app that counts
what reaches it, so each check sees exactly what the emulator did.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.common.faults import Fault, FaultMiddleware, FaultPlan
from sandbox.common.transport import InProcessTransport

RECORDS = {"Items": [{"ItemID": str(n), "Name": f"Item {n}"} for n in range(5)]}
WHOLE = json.dumps(RECORDS, separators=(",", ":")).encode()  # as the emulator sends it


class App:
    """An emulator stand-in: answers reads with records, counts every request that reached it."""

    def __init__(self) -> None:
        self.reached: list[str] = []

    async def items(self, request: Request) -> Response:
        self.reached.append(f"{request.method} {request.url.path}")
        if request.method == "GET" and request.query_params.get("missing"):
            return JSONResponse({"Message": "not found"}, status_code=404)
        if request.url.path.endswith("/QUERY"):
            return JSONResponse(RECORDS["Items"])
        return JSONResponse(RECORDS)

    def asgi(self) -> Starlette:
        paths = ["/api/Items", "/resource/Item/QUERY", "/do/WS/NetoAPI", "/admin/api/2025-07/graphql.json"]
        return Starlette(routes=[Route(p, self.items, methods=["GET", "POST"]) for p in paths])


@pytest.fixture
def app() -> App:
    return App()


@pytest.fixture
def plan() -> FaultPlan:
    return FaultPlan(seed=5)


@pytest.fixture
def http(app: App, plan: FaultPlan) -> Iterator[httpx.Client]:
    transport = InProcessTransport(FaultMiddleware(app.asgi(), plan))
    with httpx.Client(transport=transport, base_url="http://sandbox.test") as client:
        yield client


def test_every_read_garbled_cycles_through_each_kind_of_bad_body_after_the_read_was_done(
    app: App, plan: FaultPlan, http: httpx.Client
) -> None:
    plan.set(Fault(path="/api/", malformed_rate=1.0))
    answers = [http.get("/api/Items") for _ in range(6)]

    assert [a.status_code for a in answers] == [200] * 6
    assert answers[0].content == WHOLE[: len(WHOLE) // 2]  # cut short
    assert answers[1].content.startswith(b"<html>")
    assert answers[1].headers["content-type"] == "text/html"
    assert [a.content for a in answers[2:5]] == [b"", b"{}", b"[]"]
    assert answers[5].content == answers[0].content  # and round again
    assert all(int(a.headers["content-length"]) == len(a.content) for a in answers)
    assert len(app.reached) == 6  # each read reached the emulator: only its answer was spoilt
    assert plan.garbled == plan.injected == 6


def test_a_list_answer_is_misshapen_as_an_object_never_as_a_true_empty_list(
    plan: FaultPlan, http: httpx.Client
) -> None:
    plan.set(Fault(path="/QUERY", malformed_rate=1.0))
    bodies = [http.post("/resource/Item/QUERY", json={"max": 500}).content for _ in range(5)]
    assert bodies[3:] == [b"{}", b"{}"]


def test_writes_are_never_garbled_and_reads_by_post_are(app: App, plan: FaultPlan, http: httpx.Client) -> None:
    plan.set(Fault(malformed_rate=1.0))

    write = http.post("/api/Items", json={"Items": [{"Name": "New"}]})
    update = http.post("/do/WS/NetoAPI", json={"Item": []}, headers={"NETOAPI_ACTION": "UpdateItem"})
    mutation = http.post("/admin/api/2025-07/graphql.json", json={"query": "mutation Prices { x }"})
    assert [r.json() for r in (write, update, mutation)] == [RECORDS] * 3

    neto = http.post("/do/WS/NetoAPI", json={"Filter": {}}, headers={"NETOAPI_ACTION": "GetItem"})
    deputy = http.post("/resource/Item/QUERY", json={"max": 500})
    query = http.post("/admin/api/2025-07/graphql.json", json={"query": "# orders\n{ orders { nodes { id } } }"})
    assert neto.content == WHOLE[: len(WHOLE) // 2]
    assert deputy.content.startswith(b"<html>")
    assert query.content == b""
    assert plan.garbled == 3
    assert len(app.reached) == 6  # the POSTs read for the emulator reached it whole
    assert app.reached[3:] == [
        "POST /do/WS/NetoAPI",
        "POST /resource/Item/QUERY",
        "POST /admin/api/2025-07/graphql.json",
    ]


def test_an_answer_that_is_not_a_200_passes_as_it_is(plan: FaultPlan, http: httpx.Client) -> None:
    plan.set(Fault(path="/api/", malformed_rate=1.0))
    missing = http.get("/api/Items", params={"missing": "1"})
    assert (missing.status_code, missing.json()) == (404, {"Message": "not found"})
    assert plan.garbled == 0


def test_a_seeded_plan_garbles_the_same_reads_every_time(app: App, plan: FaultPlan, http: httpx.Client) -> None:
    def garbled_reads() -> list[int]:
        plan.set(Fault(path="/api/", malformed_rate=0.3), seed=11)
        return [n for n in range(40) if http.get("/api/Items").content != WHOLE]

    first = garbled_reads()
    assert 4 <= len(first) <= 20
    assert garbled_reads() == first
