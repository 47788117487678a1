"""Helpers for the Xero emulator tests: a synchronous in-process client and shared settings."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from sandbox.xero import RateLimits
from sandbox.xero.auth import ACCOUNTING_SCOPES

XERO_API = "/api.xro/2.0"
XERO_ALL_SCOPES = frozenset(ACCOUNTING_SCOPES | {"offline_access", "openid"})
XERO_ROOMY_LIMITS = RateLimits(per_minute=100_000, per_day=1_000_000, concurrent=50, app_per_minute=1_000_000)


class XeroTestClient:
    """Synchronous calls to the Xero emulator in process, with a token and tenant already set."""

    def __init__(self, app: Any, *, token: str = "", tenant_id: str = "") -> None:
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://xero.test")
        self.token = token
        self.tenant_id = tenant_id

    def headers(self, extra: dict[str, str] | None = None, *, auth: bool = True, tenant: bool = True) -> dict[str, str]:
        """The headers of an API call: bearer token and tenant, plus ``extra``."""
        found: dict[str, str] = {}
        if auth and self.token:
            found["Authorization"] = f"Bearer {self.token}"
        if tenant and self.tenant_id:
            found["xero-tenant-id"] = self.tenant_id
        return {**found, **(extra or {})}

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        tenant: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Any call; ``path`` starting with ``/`` is relative to the emulator, else to /api.xro/2.0."""
        url = path if path.startswith("/") else f"{XERO_API}/{path}"
        call = self.http.request(method, url, headers=self.headers(headers, auth=auth, tenant=tenant), **kwargs)
        return self.loop.run_until_complete(call)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET."""
        return self.request("GET", path, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        """PUT a JSON body."""
        return self.request("PUT", path, json=body, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        """POST a JSON body."""
        return self.request("POST", path, json=body, **kwargs)

    def ok(self, response: httpx.Response, key: str) -> list[dict[str, Any]]:
        """The records of a 200 answer (fails the test otherwise)."""
        assert response.status_code == 200, response.text
        return response.json()[key]

    def one(self, response: httpx.Response, key: str) -> dict[str, Any]:
        """The single record of a 200 answer."""
        records = self.ok(response, key)
        assert len(records) == 1, records
        return records[0]

    def close(self) -> None:
        """Close the client and its loop."""
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()
