"""Xero emulator: injected faults (a share of 5xx in Xero's shape, slow answers), in process."""

from __future__ import annotations

import json
import time

from xero_support import XERO_ROOMY_LIMITS, XeroTestClient

from sandbox.common.faults import Fault, FaultPlan
from sandbox.xero import create_app, xero_fault


def test_error_share_answers_xero_shaped_503s_on_the_chosen_endpoint(xero_client, xero_faults):
    xero_faults.set(xero_fault(path=r"/Invoices", error_rate=0.5, error_status=503))
    statuses = [xero_client.get("Invoices").status_code for _ in range(60)]
    failures = statuses.count(503)
    assert 15 <= failures <= 45, statuses
    assert set(statuses) == {200, 503}
    assert all(xero_client.get("Contacts").status_code == 200 for _ in range(10))
    xero_faults.set(xero_fault(path=r"/Invoices", error_rate=1.0, error_status=503))
    down = xero_client.get("Invoices")
    assert down.status_code == 503
    body = down.json()
    assert (body["Title"], body["Status"]) == ("Service Unavailable", 503)
    assert "temporarily unavailable" in body["Detail"]
    xero_faults.clear()
    assert all(xero_client.get("Invoices").status_code == 200 for _ in range(10))


def test_faults_are_repeatable_for_a_seed(xero_state, xero_org):
    def statuses() -> list[int]:
        plan = FaultPlan(seed=3)
        plan.set(xero_fault(error_rate=0.3))
        token = xero_state.issue_tokens()["access_token"]
        client = XeroTestClient(create_app(xero_state, faults=plan, limits=XERO_ROOMY_LIMITS), token=token,
                                tenant_id=xero_org.tenant_id)  # fmt: skip
        try:
            return [client.get("Contacts").status_code for _ in range(20)]
        finally:
            client.close()

    first = statuses()
    assert 503 in first
    assert statuses() == first


def test_generic_fault_bodies_are_dressed_as_xero(xero_client, xero_faults):
    xero_faults.set(Fault(path="/Organisation", error_rate=1.0, error_status=500))
    answer = xero_client.get("Organisation")
    assert answer.status_code == 500
    body = answer.json()
    assert body["Title"] == "An error occurred"
    assert body["Status"] == 500
    assert int(answer.headers["content-length"]) == len(answer.content)


def test_custom_fault_bodies_pass_untouched(xero_client, xero_faults):
    custom = json.dumps({"Message": "custom"}).encode()
    xero_faults.set(Fault(error_rate=1.0, error_status=502, error_body=custom))
    answer = xero_client.get("Contacts")
    assert (answer.status_code, answer.content) == (502, custom)


def test_faults_reach_the_token_endpoint_too(xero_client, xero_faults):
    xero_faults.set(xero_fault(path="/connect/token", error_rate=1.0, error_status=503))
    answer = xero_client.request("POST", "/connect/token", data={"grant_type": "refresh_token"}, auth=False)
    assert answer.status_code == 503


def test_slow_answers(xero_client, xero_faults):
    xero_faults.set(xero_fault(path="/Items", delay_seconds=0.2))
    started = time.monotonic()
    assert xero_client.get("Items").status_code == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    assert xero_client.get("Accounts").status_code == 200
    assert time.monotonic() - started < 0.2
