"""Fixtures for the sandbox emulator tests. vTiger fixtures are named ``vtiger_*``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox.common.clock import FakeClock
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState, access_key_for, create_app

# --- vTiger -----------------------------------------------------------------------------------


class VtigerTestClient:
    """A thin client for /webservice.php: the envelope comes back as decoded JSON."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.session = ""

    async def get(self, operation: str, **params: Any) -> dict[str, Any]:
        """A GET operation; ``sessionName`` is added once logged in."""
        query = {"operation": operation, **({"sessionName": self.session} if self.session else {}), **params}
        response = await self.http.get("/webservice.php", params=query)
        assert response.status_code == 200, response.text
        return response.json()

    async def post(self, operation: str, **params: Any) -> dict[str, Any]:
        """A POST operation (form encoded); dicts and lists are sent as JSON, as clients do."""
        form = {k: json.dumps(v) if isinstance(v, dict | list) else str(v) for k, v in params.items()}
        data = {"operation": operation, **({"sessionName": self.session} if self.session else {}), **form}
        response = await self.http.post("/webservice.php", data=data)
        assert response.status_code == 200, response.text
        return response.json()

    async def login(self, username: str = SAMPLE_USERNAME, key: str = SAMPLE_ACCESS_KEY) -> dict[str, Any]:
        """The challenge/login handshake; keeps the session for later calls."""
        challenge = await self.get("getchallenge", username=username)
        token = challenge["result"]["token"]
        answer = await self.post("login", username=username, accessKey=access_key_for(token, key))
        assert answer["success"], answer
        self.session = answer["result"]["sessionName"]
        return answer["result"]

    async def ok(self, answer: Any) -> Any:
        """The result of a successful answer (fails the test on an error envelope)."""
        envelope = await answer
        assert envelope["success"] is True, envelope
        return envelope["result"]

    async def error(self, answer: Any) -> dict[str, str]:
        """The error of a failed answer (fails the test on success)."""
        envelope = await answer
        assert envelope["success"] is False, envelope
        assert set(envelope) == {"success", "error"}
        return envelope["error"]

    async def create(self, module: str, element: dict[str, Any]) -> dict[str, Any]:
        """Create a record and return it."""
        return await self.ok(self.post("create", elementType=module, element=element))

    async def query(self, text: str) -> list[dict[str, str]]:
        """Run a VTQL query and return its rows."""
        return await self.ok(self.get("query", query=text))


@pytest.fixture
def vtiger_clock() -> FakeClock:
    """A clock the vTiger tests move by hand."""
    return FakeClock()


@pytest.fixture
def vtiger_state(vtiger_clock: FakeClock) -> VtigerState:
    """An empty vTiger install (users, base currency) on the fake clock."""
    return VtigerState(clock=vtiger_clock)


@pytest.fixture
async def vtiger_client(vtiger_state: VtigerState) -> AsyncIterator[VtigerTestClient]:
    """A logged-out client of the emulator, in process (httpx ASGITransport)."""
    transport = httpx.ASGITransport(app=create_app(vtiger_state))
    async with httpx.AsyncClient(transport=transport, base_url="http://vtiger.test") as http:
        yield VtigerTestClient(http)


@pytest.fixture
async def vtiger_admin(vtiger_client: VtigerTestClient) -> VtigerTestClient:
    """A client logged in as the sample admin."""
    await vtiger_client.login()
    return vtiger_client


# --- Xero ---------------------------------------------------------------------------------------
# Xero fixtures are named ``xero_*``; the test client and settings live in ``xero_support.py``.

from collections.abc import Iterator  # noqa: E402 - kept with the Xero section it serves

from xero_support import XERO_ALL_SCOPES, XERO_ROOMY_LIMITS, XeroTestClient  # noqa: E402

from sandbox.common.faults import FaultPlan  # noqa: E402
from sandbox.xero import XeroState  # noqa: E402
from sandbox.xero import create_app as create_xero_app  # noqa: E402
from sandbox.xero import seed_sample as seed_xero_sample  # noqa: E402
from sandbox.xero.spec import XeroSpec, xero_spec  # noqa: E402
from sandbox.xero.store import OrgBook  # noqa: E402


@pytest.fixture
def xero_clock() -> FakeClock:
    """A clock the Xero tests move by hand (starts 2026-01-01 UTC)."""
    return FakeClock()


@pytest.fixture
def xero_state(xero_clock: FakeClock) -> XeroState:
    """One Australian organisation with its settings (tax rates, accounts) and nothing else."""
    state = XeroState(clock=xero_clock)
    seed_xero_sample(state, orgs=("au",), history=False)
    return state


@pytest.fixture
def xero_org(xero_state: XeroState) -> OrgBook:
    """The organisation of ``xero_state``."""
    return xero_state.org_named("AU")


@pytest.fixture
def xero_faults() -> FaultPlan:
    """The fault plan of ``xero_app`` (empty until a test sets rules)."""
    return FaultPlan(seed=7)


@pytest.fixture
def xero_app(xero_state: XeroState, xero_faults: FaultPlan) -> Any:
    """The emulator over ``xero_state``, with limits roomy enough not to get in the way."""
    return create_xero_app(xero_state, faults=xero_faults, limits=XERO_ROOMY_LIMITS)


@pytest.fixture
def xero_client(xero_app: Any, xero_state: XeroState, xero_org: OrgBook) -> Iterator[XeroTestClient]:
    """A client holding a token with every accounting scope, pointed at ``xero_org``."""
    tokens = xero_state.issue_tokens(tenant_ids=[xero_org.tenant_id], scopes=XERO_ALL_SCOPES)
    client = XeroTestClient(xero_app, token=tokens["access_token"], tenant_id=xero_org.tenant_id)
    yield client
    client.close()


@pytest.fixture(scope="session")
def xero_spec_checker() -> XeroSpec:
    """Xero's published specs, loaded once for the whole test session."""
    return xero_spec()


@pytest.fixture(scope="session")
def xero_sample_state() -> XeroState:
    """The three sample organisations at scale 1 (shared: tests must only read it)."""
    state = XeroState(clock=FakeClock())
    seed_xero_sample(state)
    return state
