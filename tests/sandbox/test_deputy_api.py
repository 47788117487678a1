"""Deputy emulator: token, reads by id, INFO, writes that move Modified, approval, budget, faults, mounting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.deputy import SAMPLE_TOKEN, DeputyState, create_app, deputy_fault, seed_sample
from tests.seed_moments import SEEDED_AT

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)  # 13:00 in Sydney, a Thursday
AUTH = {"Authorization": f"Bearer {SAMPLE_TOKEN}"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def state(clock: FakeClock) -> DeputyState:
    install = DeputyState(country="AU", clock=clock)
    seed_sample(install, seed=1)
    return install


@pytest.fixture
def faults() -> FaultPlan:
    return FaultPlan(seed=3)


@pytest.fixture
def http(state: DeputyState, faults: FaultPlan) -> Iterator[httpx.Client]:
    transport = InProcessTransport(create_app(state, faults=faults))
    with httpx.Client(transport=transport, base_url="http://deputy.test", headers=AUTH) as client:
        yield client


def _shift(state: DeputyState, **fields: object) -> dict[str, object]:
    """A finished shift of employee 2 yesterday, 09:00-17:30 Sydney time, with a 30 minute break."""
    start = int(datetime(2026, 11, 10, 23, 0, tzinfo=UTC).timestamp())
    return {"Employee": 2, "StartTime": start, "EndTime": start + 8 * 3600 + 1800, "Mealbreak": 30, **fields}


# --- auth ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("Bearer not-the-token", "wrong token"),
        (f"Basic {SAMPLE_TOKEN}", "wrong scheme"),
        ("Bearer", "empty token"),
    ],
)
def test_calls_without_a_valid_token_are_refused_with_401(http: httpx.Client, header: str | None, reason: str) -> None:
    headers = {"Authorization": header} if header is not None else {}
    http.headers.pop("Authorization")
    response = http.post("/api/v1/resource/Employee/QUERY", json={}, headers=headers)
    assert response.status_code == 401, reason
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == 401
    assert body["error"]["message"]


def test_deputys_older_oauth_scheme_is_accepted(http: httpx.Client) -> None:
    response = http.get("/api/v1/resource/Employee/1", headers={"Authorization": f"OAuth {SAMPLE_TOKEN}"})
    assert response.status_code == 200
    assert response.json()["Id"] == 1


# --- reads ----------------------------------------------------------------------------------------


def test_unknown_object_is_404(http: httpx.Client) -> None:
    for response in (
        http.post("/api/v1/resource/Payslip/QUERY", json={}),
        http.get("/api/v1/resource/Payslip/INFO"),
        http.get("/api/v1/resource/Payslip/1"),
    ):
        assert response.status_code == 404
        assert "Payslip" in response.json()["error"]["message"]


def test_a_record_by_id_and_a_missing_one(http: httpx.Client, state: DeputyState) -> None:
    timesheet = http.get("/api/v1/resource/Timesheet/5").json()
    assert timesheet["Id"] == 5
    assert timesheet["_DPMetaData"]["System"] == "Timesheet"
    assert timesheet["TotalTime"] == state.tables["Timesheet"][5]["TotalTime"]
    assert http.get("/api/v1/resource/Timesheet/99999").status_code == 404


def test_info_lists_fields_with_types_and_joins(http: httpx.Client, state: DeputyState) -> None:
    info = http.get("/api/v1/resource/Employee/INFO").json()
    assert info["fields"]["Id"] == "Integer"
    assert info["fields"]["Modified"] == "DateTime"
    assert info["fields"]["Active"] == "Bit"
    assert info["joins"] == {"ContactObject": "Contact"}
    assert info["count"] == len(state.tables["Employee"])
    timesheet = http.get("/api/v1/resource/Timesheet/INFO").json()
    assert {"StartTime", "EndTime", "Mealbreak", "TotalTime", "TimeApproved", "IsInProgress"} <= set(
        timesheet["fields"]
    )


def test_plain_listing_gives_records_by_id(http: httpx.Client, state: DeputyState) -> None:
    listed = http.get("/api/v1/resource/Employee").json()
    assert [e["Id"] for e in listed] == sorted(state.tables["Employee"])


# --- writes ---------------------------------------------------------------------------------------


def test_create_timesheet_works_out_date_total_time_and_break(http: httpx.Client, state: DeputyState) -> None:
    created = http.post("/api/v1/resource/Timesheet", json=_shift(state, EmployeeComment="Stocktake"))
    assert created.status_code == 200, created.text
    sheet = created.json()
    assert sheet["Id"] == max(state.tables["Timesheet"])
    assert sheet["Date"] == "2026-11-11T00:00:00+10:00"
    assert sheet["TotalTime"] == 8.0
    assert sheet["Mealbreak"] == "2026-11-11T00:30:00+10:00"
    assert sheet["IsInProgress"] is False
    assert sheet["Created"] == sheet["Modified"] == "2026-11-12T13:00:00+10:00"
    assert sheet["TimeApproved"] is False


def test_create_without_end_is_in_progress(http: httpx.Client, state: DeputyState) -> None:
    sheet = http.post("/api/v1/resource/Timesheet", json=_shift(state, EndTime=None)).json()
    assert sheet["EndTime"] is None
    assert sheet["IsInProgress"] is True


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"Employee": 999}, "Employee 999 does not exist"),
        ({"Shoe": 1}, "no field 'Shoe'"),
        ({"StartTime": "soon"}, "StartTime"),
        ({"Modified": "2026-01-01T00:00:00+10:00"}, "read only"),
        ({"EndTime": 1}, "before its StartTime"),
    ],
)
def test_bad_timesheets_are_refused_with_a_reason(
    http: httpx.Client, state: DeputyState, change: dict[str, object], complaint: str
) -> None:
    response = http.post("/api/v1/resource/Timesheet", json=_shift(state, **change))
    assert response.status_code == 400
    assert complaint in response.json()["error"]["message"]


def test_update_changes_only_what_is_sent_and_moves_modified(
    http: httpx.Client, state: DeputyState, clock: FakeClock
) -> None:
    before = http.get("/api/v1/resource/Timesheet/7").json()
    clock.advance(90)
    updated = http.post("/api/v1/resource/Timesheet/7", json={"EmployeeComment": "Fixed my clock-out"}).json()
    assert updated["EmployeeComment"] == "Fixed my clock-out"
    assert updated["Modified"] == "2026-11-12T13:01:30+10:00"
    assert {k: v for k, v in updated.items() if k not in ("EmployeeComment", "Modified")} == {
        k: v for k, v in before.items() if k not in ("EmployeeComment", "Modified")
    }


def test_update_of_times_recomputes_total(http: httpx.Client) -> None:
    sheet = http.get("/api/v1/resource/Timesheet/3").json()
    updated = http.post(
        "/api/v1/resource/Timesheet/3", json={"EndTime": sheet["StartTime"] + 3 * 3600, "Mealbreak": 0}
    ).json()
    assert updated["TotalTime"] == 3.0


def test_approve_sets_time_approved_and_moves_modified(
    http: httpx.Client, state: DeputyState, clock: FakeClock
) -> None:
    pending = next(t for t in state.tables["Timesheet"].values() if not t["TimeApproved"] and not t["IsInProgress"])
    clock.advance(120)
    answer = http.post("/api/v1/supervise/timesheet/approve", json={"intTimesheetId": pending["Id"]})
    assert answer.status_code == 200, answer.text
    reread = http.get(f"/api/v1/resource/Timesheet/{pending['Id']}").json()
    assert reread["TimeApproved"] is True
    assert reread["Modified"] == "2026-11-12T13:02:00+10:00"


def test_approve_refuses_unknown_and_in_progress_timesheets(http: httpx.Client, state: DeputyState) -> None:
    running = next(t for t in state.tables["Timesheet"].values() if t["IsInProgress"])
    assert http.post("/api/v1/supervise/timesheet/approve", json={"intTimesheetId": 99999}).status_code == 404
    refused = http.post("/api/v1/supervise/timesheet/approve", json={"intTimesheetId": running["Id"]})
    assert refused.status_code == 400
    assert "in progress" in refused.json()["error"]["message"]
    assert http.post("/api/v1/supervise/timesheet/approve", json={"id": 1}).status_code == 400


def test_invalid_json_body_is_400(http: httpx.Client) -> None:
    response = http.post(
        "/api/v1/resource/Timesheet/QUERY", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


# --- limits, faults, clock ----------------------------------------------------------------------


def test_budget_refuses_with_429_and_retry_after_then_recovers(
    http: httpx.Client, state: DeputyState, clock: FakeClock
) -> None:
    state.per_minute = 3
    statuses = [http.get("/api/v1/resource/Employee/1").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = http.get("/api/v1/resource/Employee/1")
    assert refused.json()["error"]["code"] == 429
    assert int(refused.headers["Retry-After"]) == 60
    clock.advance(61)
    assert http.get("/api/v1/resource/Employee/1").status_code == 200


def test_no_budget_by_default(http: httpx.Client) -> None:
    assert all(http.get("/api/v1/resource/Employee/1").status_code == 200 for _ in range(200))


def test_injected_faults_answer_in_deputys_error_shape(http: httpx.Client, faults: FaultPlan) -> None:
    faults.set(deputy_fault(error_rate=1.0, error_status=503, method="POST"))
    down = http.post("/api/v1/resource/Timesheet/QUERY", json={})
    assert down.status_code == 503
    assert down.json()["error"]["code"] == 503
    assert http.get("/api/v1/resource/Timesheet/1").status_code == 200  # only POSTs were targeted
    faults.clear()
    assert http.post("/api/v1/resource/Timesheet/QUERY", json={}).status_code == 200
    assert faults.injected == 1


def test_date_header_follows_the_install_clock(http: httpx.Client, clock: FakeClock) -> None:
    clock.advance(3600)
    assert http.get("/api/v1/resource/Employee/1").headers["date"] == "Thu, 12 Nov 2026 04:00:00 GMT"


def test_combined_sandbox_mounts_an_install_per_organisation() -> None:
    from sandbox.server import build_sandbox

    sandbox = build_sandbox(seeded_at=SEEDED_AT)
    assert set(sandbox.deputy) == {"au", "us"}
    rows = {url: creds for app, url, creds in sandbox.describe("http://127.0.0.1:8750") if app == "deputy"}
    assert set(rows) == {"http://127.0.0.1:8750/deputy/au", "http://127.0.0.1:8750/deputy/us"}
    assert all(SAMPLE_TOKEN in creds for creds in rows.values())
    transport = InProcessTransport(sandbox.app)
    with httpx.Client(transport=transport, base_url="http://sandbox.test", headers=AUTH) as http:
        for org, offset in (("au", "+10:00"), ("us", "-08:00")):
            sheets = http.post(f"/deputy/{org}/api/v1/resource/Timesheet/QUERY", json={"max": 5}).json()
            assert len(sheets) == 5
            assert sheets[0]["Modified"].endswith(offset)
        sandbox.faults["deputy/us"].set(deputy_fault(error_rate=1.0))
        assert http.get("/deputy/us/api/v1/resource/Employee/1").status_code == 503
        assert http.get("/deputy/au/api/v1/resource/Employee/1").status_code == 200
