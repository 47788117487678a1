"""Xero emulator over real loopback HTTP: the OAuth dance, API calls, mounting under /xero, timeouts."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.common.faults import FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.xero import SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, XeroState, create_app, seed_sample, xero_fault
from sandbox.xero.auth import pkce_challenge

pytestmark = pytest.mark.e2e


def test_oauth_dance_and_api_calls_under_the_xero_prefix():
    state = XeroState()
    seed_sample(state, orgs=("au", "nz"))
    combined = Starlette(routes=[Mount("/xero", app=create_app(state))])
    verifier = secrets.token_urlsafe(48)
    redirect_uri = "http://127.0.0.1:9/callback"
    with serve_in_thread(combined) as base, httpx.Client(base_url=f"{base}/xero", timeout=10) as http:
        authorize = http.get(
            "/identity/connect/authorize",
            params={
                "response_type": "code",
                "client_id": SAMPLE_CLIENT_ID,
                "redirect_uri": redirect_uri,
                "scope": "openid offline_access accounting.transactions accounting.contacts accounting.settings",
                "state": "s1",
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
            },
        )
        assert authorize.status_code == 302
        code = parse_qs(urlsplit(authorize.headers["location"]).query)["code"][0]
        tokens = http.post(
            "/connect/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            auth=(SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET),
        ).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        connections = http.get("/connections", headers=bearer).json()
        assert {c["tenantName"] for c in connections} == {"Southern Cross Outdoor Co", "Demo Company (NZ)"}
        tenant = next(c["tenantId"] for c in connections if c["tenantName"] == "Demo Company (NZ)")
        headers = {**bearer, "Xero-Tenant-Id": tenant}
        page = http.get("/api.xro/2.0/Invoices", params={"page": 1, "pageSize": 30}, headers=headers)
        assert page.status_code == 200
        assert page.json()["pagination"]["itemCount"] == 100 + 1  # with the bill for the opening stock
        assert page.headers["x-minlimit-remaining"] == "59"
        created = http.put("/api.xro/2.0/Contacts", json={"Contacts": [{"Name": "Loopback Ltd"}]}, headers=headers)
        assert created.json()["Contacts"][0]["StatusAttributeString"] == "OK"
        refreshed = http.post(
            "/connect/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=(SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET),
        )
        assert refreshed.status_code == 200
        assert (
            http.get(
                "/api.xro/2.0/Contacts",
                headers={"Authorization": f"Bearer {refreshed.json()['access_token']}", "xero-tenant-id": tenant},
            ).status_code
            == 200
        )
        assert httpx.get(f"{base}/api.xro/2.0/Contacts", headers=headers).status_code == 404  # only under /xero


def test_timeouts_and_errors_over_loopback():
    state = XeroState()
    (au,) = seed_sample(state, orgs=("au",), history=False)
    plan = FaultPlan()
    token = state.issue_tokens()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": au.tenant_id}
    with serve_in_thread(create_app(state, faults=plan)) as base, httpx.Client(base_url=base, headers=headers) as http:
        plan.set(xero_fault(path="/Invoices", timeout_rate=1.0, timeout_seconds=1.0))
        with pytest.raises(httpx.ReadTimeout):
            http.get("/api.xro/2.0/Invoices", timeout=0.2)
        plan.set(xero_fault(path="/Invoices", error_rate=1.0, error_status=500))
        failed = http.get("/api.xro/2.0/Invoices", timeout=5)
        assert failed.status_code == 500
        assert failed.json()["Title"] == "An error occurred"
        plan.clear()
        assert http.get("/api.xro/2.0/Invoices", timeout=5).status_code == 200
