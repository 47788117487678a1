"""Xero Payroll: who may call it, for which organisations, and what it answers before payroll is set up."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from xero_payroll_support import PAYROLL, PayrollClient, sample_app, sample_payroll_state
from xero_support import XeroTestClient

from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.xero import SAMPLE_CLIENT_ID, RateLimits, XeroState, xero_fault
from sandbox.xero.auth import ACCOUNTING_SCOPES, PAYROLL_SCOPES
from sandbox.xero.identity import PAYROLL_REFUSED

REDIRECT = "http://127.0.0.1:8765/callback"


@pytest.fixture
def clock() -> FakeClock:
    """The clock of ``state``."""
    return FakeClock()


@pytest.fixture
def state(clock: FakeClock) -> XeroState:
    """Freshly seeded AU, US and NZ organisations."""
    return sample_payroll_state(clock)


@pytest.fixture
def app(state: XeroState) -> object:
    """The emulator over ``state``."""
    return sample_app(state)


@pytest.fixture
def au(state: XeroState, app: object) -> Iterator[PayrollClient]:
    """A client of the AU organisation with every payroll scope."""
    client = PayrollClient(state, app, "AU")
    yield client
    client.close()


def test_an_organisation_outside_australia_and_the_us_has_no_payroll(state, app):
    nz = PayrollClient(state, app, "NZ")
    for path in ("Employees", "Timesheets", "WorkLocations", "Nonsense"):
        response = nz.get(path)
        assert response.status_code == 403, path
        assert response.json()["Detail"] == "Payroll is not available for this organisation's country"
        assert response.json()["Title"] == "Forbidden"
    assert nz.post("Timesheets", [{}]).status_code == 403
    nz.close()


def test_a_token_without_the_collections_payroll_scope_is_refused(state, app):
    accounting_only = PayrollClient(state, app, "AU", scopes=frozenset(ACCOUNTING_SCOPES))
    response = accounting_only.get("Employees")
    assert response.status_code == 401
    assert response.json()["Detail"] == "AuthorizationUnsuccessful"
    readers = PayrollClient(state, app, "AU", scopes=frozenset({"payroll.employees.read", "payroll.timesheets.read"}))
    assert readers.get("Employees").status_code == 200
    assert readers.get("Timesheets").status_code == 200
    assert readers.get("PayRuns").status_code == 401, "pay runs need payroll.payruns"
    assert readers.post("Employees", [{"FirstName": "A", "LastName": "B"}]).status_code == 401, "read scope only"
    accounting_only.close()
    readers.close()


def test_the_accounting_gate_comes_first(state, app, au):
    assert au.http.request("GET", f"{PAYROLL}/Employees", auth=False).status_code == 401
    assert au.http.request("GET", f"{PAYROLL}/Employees", tenant=False).status_code == 403
    upper = au.http.request("GET", f"{PAYROLL}/Employees", tenant=False, headers={"XERO-TENANT-ID": au.book.tenant_id})
    assert upper.status_code == 200
    not_connected = {"xero-tenant-id": state.org_named("US").tenant_id}
    assert au.http.request("GET", f"{PAYROLL}/Employees", tenant=False, headers=not_connected).status_code == 403


def test_before_payroll_is_set_up_lists_are_empty_and_writes_refused(au, clock):
    seeded = au.ok(au.get("Employees"), "Employees")
    au.book.deactivate_payroll()
    for collection in ("Employees", "PayrollCalendars", "PayRuns", "Timesheets", "LeaveApplications"):
        assert au.ok(au.get(collection, params={"page": 1}), collection) == [], collection
    assert au.ok(au.get("PayItems"), "PayItems") == {
        "EarningsRates": [], "DeductionTypes": [], "LeaveTypes": [], "ReimbursementTypes": [],
    }  # fmt: skip
    assert au.ok(au.get("Settings"), "Settings")["Accounts"] == []
    assert au.get(f"Employees/{seeded[0]['EmployeeID']}").status_code == 404
    refused = au.post("Timesheets", [{"EmployeeID": seeded[0]["EmployeeID"]}])
    assert refused.status_code == 400
    assert refused.json() == {
        "ErrorNumber": 10, "Type": "ValidationException", "Message": "Payroll is not set up for this organisation",
    }  # fmt: skip
    clock.advance(600)  # within the token's 30 minutes
    activated_at = "2026-01-01T00:10:00Z"
    au.book.activate_payroll()
    assert au.ok(au.get("Employees"), "Employees") == seeded, "the records keep their old UpdatedDateUTC"
    since = au.get("Employees", headers={"If-Modified-Since": activated_at})
    assert au.ok(since, "Employees") == [], "an incremental read after activation misses them: re-import"


def _authorize(client: XeroTestClient, **extra: str) -> dict[str, list[str]]:
    params = {"response_type": "code", "client_id": SAMPLE_CLIENT_ID, "redirect_uri": REDIRECT,
              "scope": "offline_access accounting.settings payroll.employees", "state": "s1", **extra}  # fmt: skip
    answer = client.get("/identity/connect/authorize", params=params, auth=False, tenant=False)
    assert answer.status_code == 302, answer.text
    return parse_qs(urlsplit(answer.headers["location"]).query)


def test_consent_with_payroll_for_an_organisation_without_aud_or_usd_is_refused(state, au):
    nz, us = state.org_named("NZ"), state.org_named("US")
    refused = _authorize(au.http, payroll="1", tenants=nz.tenant_id)
    assert refused == {"error": ["access_denied"], "error_description": [PAYROLL_REFUSED], "state": ["s1"]}
    assert PAYROLL_REFUSED == (
        "The app has requested access to data that this organization doesn't allow. "
        "For further information please contact the app's provider"
    )
    assert _authorize(au.http, payroll="1", tenants="Demo Company (NZ)")["error"] == ["access_denied"], "by name"
    assert "code" in _authorize(au.http, tenants=nz.tenant_id), "without payroll the NZ organisation connects"
    granted = _authorize(au.http, payroll="1", tenants=f"{au.book.tenant_id},{us.tenant_id}")
    assert "payroll.employees" in granted["scope"][0].split()


def test_payroll_and_accounting_share_the_tenants_rate_limits(state):
    app = sample_app(state, limits=RateLimits(per_minute=3, per_day=100, concurrent=5, app_per_minute=100))
    au = PayrollClient(state, app, "AU", scopes=PAYROLL_SCOPES | {"accounting.settings"})
    first = au.http.get("Organisation")
    second = au.get("Employees")
    assert (first.headers["X-MinLimit-Remaining"], second.headers["X-MinLimit-Remaining"]) == ("2", "1")
    assert second.headers["Xero-Correlation-Id"]
    au.http.get("Organisation")
    limited = au.get("Timesheets")
    assert limited.status_code == 429
    assert limited.headers["X-Rate-Limit-Problem"] == "minute"
    au.close()


def test_injected_faults_reach_payroll_dressed_as_xero(state):
    faults = FaultPlan(seed=1)
    au = PayrollClient(state, sample_app(state, faults=faults), "AU")
    faults.set(xero_fault(path=r"/payroll\.xro/1\.0/Timesheets", error_rate=1.0, error_status=503))
    failed = au.get("Timesheets")
    assert failed.status_code == 503
    assert failed.json()["Title"] == "Service Unavailable"
    assert au.get("Employees").status_code == 200
    au.close()
