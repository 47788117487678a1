"""Salesforce emulator: the OAuth2 token endpoint, token expiry, version discovery, limits and faults."""

from __future__ import annotations

import re

import httpx
from test_salesforce_support import API, BASE, org

from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.salesforce import (
    SAMPLE_CLIENT_ID,
    SAMPLE_CLIENT_SECRET,
    SAMPLE_REFRESH_TOKEN,
    SalesforceState,
    create_app,
    rest_fault,
)


def test_client_credentials_token_shape():
    with org() as sf:
        answer = sf.http.post(
            "/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": SAMPLE_CLIENT_ID,
                "client_secret": SAMPLE_CLIENT_SECRET,
            },
        ).json()
        assert set(answer) >= {"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}
        assert answer["token_type"] == "Bearer"
        assert answer["instance_url"] == BASE
        assert answer["issued_at"].isdigit()


def test_refresh_token_grant_and_failures():
    with org() as sf:
        good = sf.http.post(
            "/services/oauth2/token",
            data={"grant_type": "refresh_token", "client_id": SAMPLE_CLIENT_ID, "refresh_token": SAMPLE_REFRESH_TOKEN},
        )
        assert good.status_code == 200
        bad = sf.http.post(
            "/services/oauth2/token",
            data={"grant_type": "refresh_token", "client_id": SAMPLE_CLIENT_ID, "refresh_token": "stale"},
        )
        assert bad.status_code == 400
        assert bad.json() == {"error": "invalid_grant", "error_description": "expired access/refresh token"}
        wrong = sf.http.post(
            "/services/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": SAMPLE_CLIENT_ID, "client_secret": "nope"},
        )
        assert wrong.status_code == 400
        assert wrong.json()["error"] == "invalid_client"


def test_instance_url_includes_mount_prefix():
    from starlette.applications import Starlette
    from starlette.routing import Mount

    app = Starlette(routes=[Mount("/salesforce/au", app=create_app(SalesforceState()))])
    with httpx.Client(transport=InProcessTransport(app), base_url="http://127.0.0.1:8750") as http:
        answer = http.post(
            "/salesforce/au/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": SAMPLE_CLIENT_ID,
                "client_secret": SAMPLE_CLIENT_SECRET,
            },
        ).json()
        assert answer["instance_url"] == "http://127.0.0.1:8750/salesforce/au"
        listed = http.get(
            answer["instance_url"] + f"{API}/query",
            params={"q": "SELECT Id FROM Account"},
            headers={"Authorization": f"Bearer {answer['access_token']}"},
        )
        assert listed.status_code == 200


def test_token_expires_after_two_hours():
    with org() as sf:
        assert sf.http.get(f"{API}/sobjects").status_code == 200
        sf.clock.advance(2 * 3600 - 1)
        assert sf.http.get(f"{API}/sobjects").status_code == 200
        sf.clock.advance(2)
        expired = sf.http.get(f"{API}/sobjects")
        assert expired.status_code == 401
        assert expired.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
        sf.token()
        assert sf.http.get(f"{API}/sobjects").status_code == 200


def test_missing_or_unknown_token_is_401():
    with org() as sf:
        del sf.http.headers["Authorization"]
        assert sf.http.get(f"{API}/sobjects").status_code == 401
        assert sf.http.get(f"{API}/sobjects", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_versions_discovery():
    with org() as sf:
        versions = sf.http.get("/services/data/").json()
        assert [v["version"] for v in versions] == ["64.0", "65.0", "66.0"]
        assert versions[-1] == {"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"}
        assert sf.http.get("/services/data/v63.0/sobjects").status_code == 404
        assert sf.http.get("/services/data/v64.0/sobjects").status_code == 200


def test_limit_header_and_daily_limit():
    with org() as sf:
        sf.state.daily_limit = 3
        first = sf.http.get(f"{API}/sobjects")
        assert re.fullmatch(r"api-usage=(\d+)/(\d+)", first.headers["Sforce-Limit-Info"])
        assert first.headers["Sforce-Limit-Info"] == "api-usage=1/3"
        sf.http.get(f"{API}/sobjects")
        sf.http.get(f"{API}/sobjects")
        over = sf.http.get(f"{API}/sobjects")
        assert over.status_code == 403
        assert over.json() == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
        assert over.headers["Sforce-Limit-Info"] == "api-usage=3/3"
        sf.clock.advance(24 * 3600)  # a new day; the token expired meanwhile
        sf.token()
        assert sf.http.get(f"{API}/sobjects").status_code == 200


def test_faults_on_demand():
    with org() as sf:
        sf.faults.set(rest_fault(error_rate=1.0, error_status=503))
        failed = sf.http.get(f"{API}/sobjects")
        assert failed.status_code == 503
        assert failed.json() == [{"message": "fault injected", "errorCode": "SERVER_UNAVAILABLE"}]
        # the token endpoint is outside the default fault path
        assert sf.token()
        sf.faults.clear()
        assert sf.http.get(f"{API}/sobjects").status_code == 200
        assert sf.faults.injected == 1


def test_fault_plan_passed_in():
    plan = FaultPlan(seed=3)
    plan.set(rest_fault(path=r"/query", error_rate=1.0, error_status=500))
    with httpx.Client(transport=InProcessTransport(create_app(SalesforceState(), faults=plan)), base_url=BASE) as http:
        token = http.post(
            "/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": SAMPLE_CLIENT_ID,
                "client_secret": SAMPLE_CLIENT_SECRET,
            },
        ).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        assert http.get(f"{API}/query", params={"q": "SELECT Id FROM Account"}).status_code == 500
        assert http.get(f"{API}/sobjects/Account").status_code == 200
