"""Helpers for the Salesforce emulator tests (no tests here): an org, a client and a token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.salesforce import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, SalesforceState, create_app, seed_sample

BASE = "https://acme.my.salesforce.test"
API = "/services/data/v66.0"


@dataclass
class Org:
    """A running org: its state, clock, faults and an authorised client."""

    state: SalesforceState
    clock: FakeClock
    faults: FaultPlan
    http: httpx.Client

    def token(self) -> str:
        """Get a fresh access token (client_credentials) and use it from now on."""
        answer = self.http.post(
            "/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": SAMPLE_CLIENT_ID,
                "client_secret": SAMPLE_CLIENT_SECRET,
            },
        )
        assert answer.status_code == 200, answer.text
        access: str = answer.json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {access}"
        return access

    def query(self, soql: str, *, resource: str = "query", **headers: str) -> httpx.Response:
        """Run a SOQL query."""
        return self.http.get(f"{API}/{resource}", params={"q": soql}, headers=headers)

    def records(self, soql: str, resource: str = "query") -> list[dict[str, Any]]:
        """Every record of a query, following nextRecordsUrl."""
        answer = self.query(soql, resource=resource)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        rows: list[dict[str, Any]] = list(body["records"])
        while not body["done"]:
            body = self.http.get(body["nextRecordsUrl"]).json()
            rows.extend(body["records"])
        return rows


@contextmanager
def org(*, seeded: bool = False, **seed: Any) -> Iterator[Org]:
    """An org on a fake clock, seeded when asked, with a logged-in client."""
    clock = FakeClock()
    state = SalesforceState(clock=clock)
    if seeded:
        seed_sample(state, **seed)
    faults = FaultPlan(seed=1)
    transport = InProcessTransport(create_app(state, faults=faults))
    with httpx.Client(transport=transport, base_url=BASE) as http:
        running = Org(state, clock, faults, http)
        running.token()
        yield running
