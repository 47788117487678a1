"""Helpers for the Xero Payroll tests: a client of ``/payroll.xro/1.0`` and checks against the AU spec."""

from __future__ import annotations

import json
from typing import Any

import httpx
from xero_support import XERO_ROOMY_LIMITS, XeroTestClient

from sandbox.common.clock import FakeClock
from sandbox.xero import XeroState, create_app, seed_sample
from sandbox.xero.auth import PAYROLL_SCOPES
from sandbox.xero.payroll.spec import PayrollSpec

PAYROLL = "/payroll.xro/1.0"


class PayrollClient:
    """Synchronous calls to one organisation's payroll API, in process."""

    def __init__(self, state: XeroState, app: Any, org: str, scopes: frozenset[str] = PAYROLL_SCOPES) -> None:
        self.book = state.org_named(org)
        token = state.issue_tokens(tenant_ids=[self.book.tenant_id], scopes=scopes)["access_token"]
        self.http = XeroTestClient(app, token=token, tenant_id=self.book.tenant_id)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET ``/payroll.xro/1.0/{path}``."""
        return self.http.request("GET", f"{PAYROLL}/{path}", **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        """POST a JSON body to ``/payroll.xro/1.0/{path}``."""
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        return self.http.request("POST", f"{PAYROLL}/{path}", content=raw, headers=headers, **kwargs)

    def ok(self, response: httpx.Response, key: str) -> Any:
        """The ``key`` of a 200 answer (fails the test otherwise)."""
        assert response.status_code == 200, response.text
        return response.json()[key]

    def close(self) -> None:
        """Close the underlying client."""
        self.http.close()


def sample_payroll_state(clock: FakeClock | None = None, orgs: tuple[str, ...] = ("au", "us", "nz")) -> XeroState:
    """A fresh state with sample organisations (AU, US and NZ by default), payroll included."""
    state = XeroState(clock=clock or FakeClock())
    seed_sample(state, orgs=orgs)
    return state


def sample_app(state: XeroState, **kwargs: Any) -> Any:
    """The emulator over ``state``, with limits roomy enough not to get in the way (unless given)."""
    return create_app(state, **{"limits": XERO_ROOMY_LIMITS, **kwargs})


def check(spec: PayrollSpec, response: httpx.Response, *, request: bool = True) -> None:
    """Validate an answer, and the request that got it, against the Payroll AU spec."""
    sent = response.request
    query = sent.url.query.decode()
    headers = {k: v for k, v in sent.headers.items() if k.lower() in {"if-modified-since", "idempotency-key"}}
    if request:
        spec.validate_request(sent.method, sent.url.path, sent.content or None, query=query, headers=headers)
    spec.validate_response(sent.method, sent.url.path, response.status_code, response.content, query=query)
