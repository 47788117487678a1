"""Xero emulator: rate limits per tenant (minute, day, concurrent) and per app, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest
from xero_support import XeroTestClient

from sandbox.xero import RateLimits, XeroState, create_app, seed_sample


@pytest.fixture
def limited(xero_state: XeroState, xero_org):
    """A factory: a client of an app with the given limits, on the test's fake clock."""
    clients: list[XeroTestClient] = []

    def make(limits: RateLimits, tenant_ids: list[str] | None = None) -> XeroTestClient:
        app = create_app(xero_state, limits=limits)
        token = xero_state.issue_tokens(tenant_ids=tenant_ids or [xero_org.tenant_id])["access_token"]
        client = XeroTestClient(app, token=token, tenant_id=xero_org.tenant_id)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def test_every_answer_says_what_is_left(limited):
    client = limited(RateLimits(per_minute=60, per_day=5000, app_per_minute=10_000))
    first = client.get("Contacts")
    assert (first.headers["x-minlimit-remaining"], first.headers["x-daylimit-remaining"]) == ("59", "4999")
    assert first.headers["x-appminlimit-remaining"] == "9999"
    missing = client.get("Invoices/2b1d7c4e-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.headers["x-minlimit-remaining"] == "58"


def test_minute_limit_answers_429_with_retry_after_and_recovers(limited, xero_clock):
    client = limited(RateLimits(per_minute=5, per_day=100))
    remaining = [client.get("Contacts").headers["x-minlimit-remaining"] for _ in range(5)]
    assert remaining == ["4", "3", "2", "1", "0"]
    refused = client.get("Contacts")
    assert refused.status_code == 429
    assert refused.headers["x-rate-limit-problem"] == "minute"
    assert refused.headers["retry-after"] == "60"
    assert refused.headers["x-minlimit-remaining"] == "0"
    assert refused.json()["Title"] == "Too Many Requests"
    xero_clock.advance(45)
    again = client.get("Contacts")
    assert (again.status_code, again.headers["retry-after"]) == (429, "15")
    xero_clock.advance(15)
    back = client.get("Contacts")
    assert back.status_code == 200
    assert back.headers["x-minlimit-remaining"] == "4"
    assert back.headers["x-daylimit-remaining"] == "94"  # refused calls are not counted


def test_day_limit_answers_429_until_the_day_has_passed(limited, xero_clock, xero_state, xero_org):
    client = limited(RateLimits(per_minute=100, per_day=3))
    for _ in range(3):
        assert client.get("Contacts").status_code == 200
    refused = client.get("Contacts")
    assert refused.status_code == 429
    assert refused.headers["x-rate-limit-problem"] == "day"
    assert refused.headers["retry-after"] == "86400"
    xero_clock.advance(86_399)
    client.token = xero_state.issue_tokens(tenant_ids=[xero_org.tenant_id])["access_token"]  # the old one expired
    assert client.get("Contacts").status_code == 429
    xero_clock.advance(1)
    assert client.get("Contacts").status_code == 200


def test_limits_are_counted_per_tenant(xero_state, xero_clock):
    au = xero_state.org_named("AU")
    (nz,) = seed_sample(xero_state, orgs=("nz",), history=False)
    app = create_app(xero_state, limits=RateLimits(per_minute=2))
    client = XeroTestClient(app, token=xero_state.issue_tokens(tenant_ids=[au.tenant_id, nz.tenant_id])["access_token"])
    try:
        for _ in range(2):
            assert client.get("Contacts", headers={"xero-tenant-id": au.tenant_id}).status_code == 200
        assert client.get("Contacts", headers={"xero-tenant-id": au.tenant_id}).status_code == 429
        assert client.get("Contacts", headers={"xero-tenant-id": nz.tenant_id}).status_code == 200
    finally:
        client.close()


def test_app_minute_limit_spans_tenants(xero_state):
    au = xero_state.org_named("AU")
    (nz,) = seed_sample(xero_state, orgs=("nz",), history=False)
    app = create_app(xero_state, limits=RateLimits(per_minute=100, app_per_minute=3))
    client = XeroTestClient(app, token=xero_state.issue_tokens(tenant_ids=[au.tenant_id, nz.tenant_id])["access_token"])
    try:
        for tenant in (au, nz, au):
            assert client.get("Contacts", headers={"xero-tenant-id": tenant.tenant_id}).status_code == 200
        refused = client.get("Contacts", headers={"xero-tenant-id": nz.tenant_id})
        assert refused.status_code == 429
        assert refused.headers["x-rate-limit-problem"] == "appminute"
        assert refused.headers["x-appminlimit-remaining"] == "0"
    finally:
        client.close()


def test_concurrent_limit_refuses_calls_beyond_the_ones_in_flight(limited, xero_state):
    client = limited(RateLimits(concurrent=2, per_minute=100))

    async def scenario() -> list[int]:
        # Hold the records lock: the first calls are admitted and then wait for it, in flight.
        xero_state.lock.acquire()
        try:
            calls = [
                asyncio.ensure_future(client.http.get("/api.xro/2.0/Contacts", headers=client.headers()))
                for _ in range(3)
            ]
            done, _pending = await asyncio.wait(calls, timeout=5, return_when=asyncio.FIRST_COMPLETED)
            (refused,) = done
            answer = refused.result()
            assert answer.status_code == 429
            assert answer.headers["x-rate-limit-problem"] == "concurrent"
            assert answer.headers["retry-after"] == "1"
        finally:
            xero_state.lock.release()
        return sorted(r.status_code for r in await asyncio.gather(*calls))

    assert client.loop.run_until_complete(scenario()) == [200, 200, 429]
    assert client.get("Contacts").status_code == 200  # slots are given back
