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
