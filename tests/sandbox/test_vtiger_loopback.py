"""vTiger emulator over real HTTP on a loopback port, alone and mounted under /vtiger."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.common.faults import FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState, access_key_for, create_app, seed_sample
from sandbox.vtiger.faults import webservice_fault

pytestmark = pytest.mark.e2e


def _login(http: httpx.Client, path: str) -> str:
    challenge = http.get(path, params={"operation": "getchallenge", "username": SAMPLE_USERNAME}).json()["result"]
    key = access_key_for(challenge["token"], SAMPLE_ACCESS_KEY)
    answer = http.post(path, data={"operation": "login", "username": SAMPLE_USERNAME, "accessKey": key}).json()
    assert answer["success"], answer
    return answer["result"]["sessionName"]


def test_full_round_over_loopback_http():
    state = VtigerState()
    summary = seed_sample(state, seed=5)
    with serve_in_thread(create_app(state)) as base, httpx.Client(base_url=base, timeout=5) as http:
        session = _login(http, "/webservice.php")
        count = http.get(
            "/webservice.php",
            params={"operation": "query", "sessionName": session, "query": "select count(*) from Invoice;"},
        ).json()
        assert count == {"success": True, "result": [{"count": str(summary.counts["Invoice"])}]}
        created = http.post(
            "/webservice.php",
            data={
                "operation": "create",
                "sessionName": session,
                "elementType": "Accounts",
                "element": '{"accountname": "Loopback Pty Ltd", "assigned_user_id": "19x1"}',
            },
        ).json()["result"]
        fetched = http.get(
            "/webservice.php", params={"operation": "retrieve", "sessionName": session, "id": created["id"]}
        )
        assert fetched.headers["content-type"].startswith("application/json")
        assert fetched.json()["result"]["accountname"] == "Loopback Pty Ltd"
        changes = http.get(
            "/webservice.php",
            params={"operation": "sync", "sessionName": session, "elementType": "Accounts", "modifiedTime": "0"},
        ).json()["result"]
        assert changes["more"] is False
        assert created["id"] in [r["id"] for r in changes["updated"]]
        logout = http.post("/webservice.php", data={"operation": "logout", "sessionName": session}).json()
        assert logout == {"success": True, "result": {"message": "successfull"}}


def test_mounted_under_vtiger_prefix():
    combined = Starlette(routes=[Mount("/vtiger", app=create_app(VtigerState()))])
    with serve_in_thread(combined) as base, httpx.Client(base_url=base, timeout=5) as http:
        session = _login(http, "/vtiger/webservice.php")
        types = http.get("/vtiger/webservice.php", params={"operation": "listtypes", "sessionName": session}).json()
        assert "Invoice" in types["result"]["types"]
        assert http.get("/webservice.php", params={"operation": "listtypes"}).status_code == 404


def test_faults_over_loopback():
    plan = FaultPlan()
    with serve_in_thread(create_app(VtigerState(), faults=plan)) as base, httpx.Client(base_url=base) as http:
        plan.set(webservice_fault(error_rate=1.0, error_status=503))
        down = http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
        assert down.status_code == 503
        assert "<h1>Service Unavailable</h1>" in down.text
        plan.set(webservice_fault(timeout_rate=1.0, timeout_seconds=0.5))
        with pytest.raises(httpx.ReadTimeout):
            http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"}, timeout=0.1)
        plan.clear()
        up = http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"}, timeout=5)
        assert up.json()["success"] is True
