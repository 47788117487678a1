"""Fixtures for the connector tests. vTiger fixtures are named ``vtiger_*``.

The vTiger connector talks to the sandbox's ASGI app in process, through
Starlette's ``TestClient`` (a sync ``httpx.Client``), on a clock the tests move.
"""

from __future__ import annotations

import typing as t
import warnings
from collections.abc import Iterator

import httpx
import pytest

from connectors.base.retry import RetryPolicy
from connectors.vtiger import VtigerClient
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState, create_app, seed_sample
from sandbox.vtiger import records as vtiger_records

with warnings.catch_warnings():
    # Starlette suggests its httpx fork; the TestClient is still an httpx.Client, which is what we inject.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

VTIGER_BASE = "http://vtiger.test"
NO_WAIT = RetryPolicy(attempts=4, sleep=lambda _: None)


class VtigerRequests:
    """Every request the connector sent, as ``(http method, operation, params)``; secrets stay in."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    def __call__(self, request: httpx.Request) -> None:
        params = dict(request.url.params)
        if request.method == "POST":
            params.update(httpx.QueryParams(request.content.decode()))
        self.sent.append((request.method, params.get("operation", ""), params))

    def operations(self) -> list[str]:
        """The operations in the order they were sent."""
        return [operation for _, operation, _ in self.sent]

    def count(self, operation: str) -> int:
        """How many requests asked for ``operation``."""
        return self.operations().count(operation)


@pytest.fixture
def vtiger_clock() -> FakeClock:
    """The sandbox's clock, moved by hand."""
    return FakeClock()


@pytest.fixture
def vtiger_state(vtiger_clock: FakeClock) -> VtigerState:
    """An empty vTiger install (users, base currency) on the fake clock."""
    return VtigerState(clock=vtiger_clock)


@pytest.fixture
def vtiger_seeded(vtiger_state: VtigerState, vtiger_clock: FakeClock) -> VtigerState:
    """The sample CRM, seeded a minute before the test starts."""
    seed_sample(vtiger_state, seed=3)
    vtiger_clock.advance(60)
    return vtiger_state


@pytest.fixture
def vtiger_faults() -> FaultPlan:
    """Faults the sandbox injects (none until a test sets some)."""
    return FaultPlan(seed=7)


@pytest.fixture
def vtiger_requests() -> VtigerRequests:
    """A log of what the connector sent."""
    return VtigerRequests()


@pytest.fixture
def vtiger_http(
    vtiger_state: VtigerState, vtiger_faults: FaultPlan, vtiger_requests: VtigerRequests
) -> Iterator[httpx.Client]:
    """The sandbox app behind a sync httpx client, logging every request."""
    with TestClient(create_app(vtiger_state, faults=vtiger_faults), base_url=VTIGER_BASE) as http:
        http.event_hooks = {"request": [vtiger_requests], "response": []}
        yield http


VtigerConnect = t.Callable[..., VtigerClient]


@pytest.fixture
def vtiger_connect(vtiger_http: httpx.Client) -> VtigerConnect:
    """Build a connector on the in-process sandbox: ``vtiger_connect(username=..., access_key=..., **options)``."""

    def connect(username: str = SAMPLE_USERNAME, access_key: str = SAMPLE_ACCESS_KEY, **options: t.Any) -> VtigerClient:
        options.setdefault("http", vtiger_http)
        options.setdefault("retry", NO_WAIT)
        return VtigerClient(options.pop("base_url", VTIGER_BASE), username, access_key, **options)

    return connect


@pytest.fixture
def vtiger_client(vtiger_connect: VtigerConnect) -> VtigerClient:
    """The connector, as the sample admin, retrying without waiting."""
    return vtiger_connect()


VtigerAdd = t.Callable[[str, dict[str, t.Any]], dict[str, t.Any]]


@pytest.fixture
def vtiger_add(vtiger_state: VtigerState) -> VtigerAdd:
    """Create a record straight in the sandbox, as a CRM user would in vTiger's own screens."""

    def add(module: str, element: dict[str, t.Any]) -> dict[str, t.Any]:
        return vtiger_records.create(
            vtiger_state, vtiger_state.users[1], module, {"assigned_user_id": "19x1", **element}
        )

    return add


@pytest.fixture
def vtiger_accounts(vtiger_add: VtigerAdd, vtiger_clock: FakeClock) -> list[str]:
    """260 organizations, saved one second apart (so ``sync`` needs three batches); their ids in order."""
    ids = []
    for n in range(260):
        ids.append(str(vtiger_add("Accounts", {"accountname": f"Customer {n:03d} Pty Ltd"})["id"]))
        vtiger_clock.advance(1)
    vtiger_clock.advance(60)
    return ids
