"""vTiger emulator: faults on demand (5xx pages, timeouts, slow answers)."""

from __future__ import annotations

import time

import httpx
import pytest

from sandbox.common.faults import Fault, FaultPlan
from sandbox.vtiger import create_app, webservice_fault

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _client(app):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://vtiger.test")


async def test_injected_error_is_an_html_5xx_page(vtiger_state):
    plan = FaultPlan([webservice_fault(error_rate=1.0, error_status=503)])
    async with _client(create_app(vtiger_state, faults=plan)) as http:
        response = await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
        assert response.status_code == 503
        assert response.text.startswith("<!DOCTYPE HTML")
        assert "503 Service Unavailable" in response.text
        assert plan.injected == 1
        plan.clear()
        healthy = await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
        assert healthy.status_code == 200
        assert healthy.json()["success"] is True


async def test_error_share_is_seeded_and_repeatable(vtiger_state):
    async def statuses():
        plan = FaultPlan([webservice_fault(error_rate=0.5, error_status=500)], seed=7)
        async with _client(create_app(vtiger_state, faults=plan)) as http:
            return [
                (
                    await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
                ).status_code
                for _ in range(30)
            ]

    first, second = await statuses(), await statuses()
    assert first == second
    assert 0 < first.count(500) < 30
    assert set(first) == {200, 500}


async def test_faults_can_target_one_method(vtiger_client):
    app = create_app(faults=FaultPlan([webservice_fault(error_rate=1.0, method="POST")]))
    async with _client(app) as http:
        assert (
            await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
        ).status_code == 200
        assert (await http.post("/webservice.php", data={"operation": "login"})).status_code == 503


async def test_slow_answers(vtiger_state):
    app = create_app(vtiger_state, faults=FaultPlan([webservice_fault(delay_seconds=0.2)]))
    async with _client(app) as http:
        started = time.monotonic()
        response = await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
        assert time.monotonic() - started >= 0.2
        assert response.json()["success"] is True


async def test_timeout_drops_the_request(vtiger_state):
    app = create_app(vtiger_state, faults=FaultPlan([webservice_fault(timeout_rate=1.0, timeout_seconds=0.01)]))
    async with _client(app) as http:
        with pytest.raises(ConnectionAbortedError):
            await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})


async def test_plan_is_kept_on_the_app_and_changeable_while_serving(vtiger_state):
    app = create_app(vtiger_state)
    async with _client(app) as http:
        assert (
            await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
        ).status_code == 200
        app.plan.set(Fault(path=r"/webservice\.php$", error_rate=1.0, error_status=502, error_body=b"<html>502</html>"))
        broken = await http.get("/webservice.php", params={"operation": "getchallenge", "username": "admin"})
        assert (broken.status_code, broken.text) == (502, "<html>502</html>")
