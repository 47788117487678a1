"""The HR and payroll flow end to end over loopback: region gate, payroll access, Deputy time into Xero payroll."""

from __future__ import annotations

import re
import typing as t
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from prefect.client.orchestration import get_client

from connectors.base.errors import AuthError
from datashare.cli.demo import DEMO_ENVIRONMENT, _connect
from datashare.config import load_config
from datashare.store import Hub
from flows.hr_payroll import SKIPPED_TAG, hr_payroll
from flows.reimport import reimport
from sandbox.common.serve import serve_in_thread
from sandbox.server import Sandbox, build_sandbox
from tasks.hr import NO_PAYROLL_ACCESS, PAYROLL_OFF, check_payroll_gate
from tasks.wiring import token_store, xero_client
from tests.flows.conftest import ROOMY, connected_tenant_config
from tests.seed_moments import FLOW_MOMENTS, MONDAY, SEEDED_AT

pytestmark = pytest.mark.usefixtures("prefect_server")

HR_COUNTS = ("employees", "employee_salaries", "pay_items", "pay_schedules", "pay_runs")


@pytest.fixture
def hr_world(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Sandbox, Path, str]]:
    """A sandbox of the test's own, and the AU, US and NZ demo tenants connected to it.

    The sandbox is seeded as of ``SEEDED_AT``, or the moment the test gives as the fixture's parameter.
    """
    sandbox = build_sandbox(limits=ROOMY, seeded_at=getattr(request, "param", SEEDED_AT))
    with serve_in_thread(sandbox.app) as url:
        yield sandbox, connected_tenant_config(tmp_path, url, monkeypatch, ("demo-au", "demo-us", "demo-nz")), url


def _count(config: Path, tenant: str, entity: str) -> int:
    with Hub.open(load_config(config).tenant(tenant).store_path()) as hub:
        [(n,)] = hub.query(f"SELECT count(*) FROM {entity} WHERE deleted_at IS NULL")
    return int(n)


def _payroll(config: Path, tenant: str, collection: str) -> list[dict[str, t.Any]]:
    """Every record of a Xero payroll collection, read over HTTP with the tenant's own connection."""
    client = xero_client(load_config(config).tenant(tenant))
    found: list[dict[str, t.Any]] = []
    page = 1
    while True:
        body = client.rest.request("GET", f"/payroll.xro/1.0/{collection}", params={"page": page}).json()
        found += body[collection]
        if len(body[collection]) < 100:
            return found
        page += 1


def _deputy(url: str, org: str, path: str, body: dict[str, t.Any] | None = None) -> t.Any:
    headers = {"Authorization": f"Bearer {DEMO_ENVIRONMENT['DEMO_DEPUTY_TOKEN']}"}
    response = httpx.post(f"{url}/deputy/{org}/api/v1/{path}", json=body or {}, headers=headers, timeout=30)
    response.raise_for_status()
    return response.json()


def _deputy_shifts(url: str, org: str) -> list[dict[str, t.Any]]:
    found: list[dict[str, t.Any]] = []
    while True:
        page = _deputy(url, org, "resource/Timesheet/QUERY", {"start": len(found), "max": 500})
        found += page
        if len(page) < 500:
            return found


def _ms_date(value: str) -> date:
    """A payroll date: ``/Date(ms+0000)/`` or ISO."""
    match = re.search(r"/Date\((-?\d+)", value)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC).date()
    return date.fromisoformat(value[:10])


def _xero_hours_by_employee_and_day(config: Path, tenant: str) -> dict[tuple[str, date], Decimal]:
    """Hours per (employee email, day) in Xero's payroll timesheets."""
    emails = {e["EmployeeID"]: (e.get("Email") or "").lower() for e in _payroll(config, tenant, "Employees")}
    hours: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for sheet in _payroll(config, tenant, "Timesheets"):
        start = _ms_date(sheet["StartDate"])
        for line in sheet.get("TimesheetLines") or []:
            for offset, units in enumerate(line.get("NumberOfUnits") or []):
                if units:
                    hours[(emails[sheet["EmployeeID"]], start + timedelta(days=offset))] += Decimal(str(units))
    return dict(hours)


def _add_shift(
    sandbox: Sandbox, url: str, employee: int, day: date, start: time, hours: int, *, approved: bool
) -> dict[str, t.Any]:
    """A finished shift of an AU Deputy employee, entered over Deputy's API (and approved, when told)."""
    tz = sandbox.deputy["au"].tz
    begin = datetime.combine(day, start, tz)
    end = begin + timedelta(hours=hours)
    assert end <= sandbox.seeded_at  # what the test adds is as settled as the sample it joins
    body = {"Employee": employee, "StartTime": int(begin.timestamp()), "EndTime": int(end.timestamp()),
            "Mealbreak": 0, "OperationalUnit": 1}  # fmt: skip
    shift: dict[str, t.Any] = _deputy(url, "au", "resource/Timesheet", body)
    if approved:
        shift = _deputy(url, "au", "supervise/timesheet/approve", {"intTimesheetId": shift["Id"]})
    return shift


def _payroll_person(url: str, config: Path) -> tuple[int, dict[str, t.Any]]:
    """An AU Deputy employee's Id and the Xero payroll employee of the same name (not the one whose shift runs)."""
    xero_people = {(e["FirstName"], e["LastName"]): e for e in _payroll(config, "demo-au", "Employees")}
    for person in _deputy(url, "au", "resource/Employee/QUERY", {"join": ["ContactObject"]}):
        employee = xero_people.get((person["FirstName"], person["LastName"]))
        if employee is not None and person["Id"] != 1:
            return person["Id"], employee
    raise AssertionError("no Deputy employee of the sample is in Xero payroll")


def _latest_paid_period(config: Path, calendar: str) -> tuple[date, date]:
    """The period of the calendar's latest posted pay run."""
    periods = [
        (_ms_date(run["PayRunPeriodStartDate"]), _ms_date(run["PayRunPeriodEndDate"]))
        for run in _payroll(config, "demo-au", "PayRuns")
        if run["PayRunStatus"] == "POSTED" and run["PayrollCalendarID"] == calendar
    ]
    return max(periods)


class _PaidPeriods:
    """(calendar, day) pairs a posted pay run has paid."""

    def __init__(self, runs: list[tuple[str, date, date]]) -> None:
        self.runs = runs

    def __contains__(self, pair: object) -> bool:
        calendar, day = t.cast(tuple[str, date], pair)
        return any(cal == calendar and a <= day <= b for cal, a, b in self.runs)


def _paid_periods(config: Path, tenant: str) -> _PaidPeriods:
    """The periods of the tenant's posted pay runs, read from Xero payroll."""
    return _PaidPeriods(
        [
            (run["PayrollCalendarID"], _ms_date(run["PayRunPeriodStartDate"]), _ms_date(run["PayRunPeriodEndDate"]))
            for run in _payroll(config, tenant, "PayRuns")
            if run["PayRunStatus"] == "POSTED"
        ]
    )


def test_hr_run_of_an_organisation_outside_au_and_us_ends_skipped_with_the_reason(
    hr_world: tuple[Sandbox, Path, str],
) -> None:
    _, config, _ = hr_world

    state = hr_payroll(tenant="demo-nz", config=str(config), return_state=True)

    assert state.name == "Skipped"
    assert state.is_completed()
    assert "Demo Company (NZ) is in NZ" in str(state.message)
    assert "Australia and the United States" in str(state.message)
    with get_client(sync_client=True) as client:
        assert SKIPPED_TAG in client.read_flow_run(state.state_details.flow_run_id).tags  # findable in the UI's lists
    with Hub.open(load_config(config).tenant("demo-nz").store_path()) as hub:
        # Not a single payroll collection was read: nothing staged, no cursor.
        assert hub.query("SELECT count(*) FROM cursors") == [(0,)]


def test_au_tenant_gets_leave_applications_and_no_work_locations_and_us_the_reverse(
    hr_world: tuple[Sandbox, Path, str],
) -> None:
    _, config, _ = hr_world

    for tenant in ("demo-au", "demo-us"):
        hr_payroll(tenant=tenant, config=str(config))

    for tenant in ("demo-au", "demo-us"):
        for entity in HR_COUNTS:
            assert _count(config, tenant, entity) > 0, (tenant, entity)
    assert _count(config, "demo-au", "leave_applications") > 0
    assert _count(config, "demo-au", "work_locations") == 0
    assert _count(config, "demo-us", "work_locations") > 0
    assert _count(config, "demo-us", "leave_applications") == 0


@pytest.mark.parametrize("hr_world", FLOW_MOMENTS, indirect=True)
def test_approved_deputy_time_reaches_xero_payroll_as_total_hours_per_day_and_a_rerun_writes_nothing(
    hr_world: tuple[Sandbox, Path, str],
) -> None:
    sandbox, config, url = hr_world
    person, employee = _payroll_person(url, config)
    email, calendar = employee["Email"].lower(), employee["PayrollCalendarID"]
    paid = _paid_periods(config, "demo-au")
    # Approved time today, in the period no pay run has paid yet, and on the Saturday of the period paid last.
    today = sandbox.seeded_at.astimezone(sandbox.deputy["au"].tz).date()
    saturday = _latest_paid_period(config, calendar)[1] - timedelta(days=1)
    assert (calendar, today) not in paid
    assert (calendar, saturday) in paid
    _add_shift(sandbox, url, person, today, time(6), 3, approved=True)
    _add_shift(sandbox, url, person, saturday, time(9), 4, approved=True)
    before = _xero_hours_by_employee_and_day(config, "demo-au")

    rows = hr_payroll(tenant="demo-au", config=str(config))

    pushed = next(r for r in rows if r["app"] == "xero" and r["stream"] == "push" and r["entity"] == "time_sheets")
    assert pushed["created"] > 0
    # Independently of the hub: approved, finished Deputy shifts of employees Xero knows, summed per day,
    # but for days a posted pay run has paid already.
    people = {e["Id"]: e for e in _deputy(url, "au", "resource/Employee/QUERY", {"join": ["ContactObject"]})}
    xero_people = {(e["FirstName"], e["LastName"]): e for e in _payroll(config, "demo-au", "Employees")}
    expected: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    held_back = 0
    for shift in _deputy_shifts(url, "au"):
        worker = xero_people.get((people[shift["Employee"]]["FirstName"], people[shift["Employee"]]["LastName"]))
        if worker is None or not shift["TimeApproved"] or not shift.get("EndTime"):
            continue
        day = date.fromisoformat(shift["Date"][:10])
        if (worker["PayrollCalendarID"], day) in paid:
            held_back += 1
            continue
        expected[((worker.get("Email") or "").lower(), day)] += Decimal(str(shift["TotalTime"]))
    assert held_back > 0  # the Saturday shift at least: time approved for a period already paid must not arrive
    after = _xero_hours_by_employee_and_day(config, "demo-au")
    arrived = {k: v for k, v in after.items() if k not in before}
    assert arrived == {k: v for k, v in expected.items() if k not in before}
    assert arrived[(email, today)] == Decimal(3)
    assert after.get((email, saturday)) == before.get((email, saturday))
    sheets = {s["TimesheetID"]: s["UpdatedDateUTC"] for s in _payroll(config, "demo-au", "Timesheets")}

    again = hr_payroll(tenant="demo-au", config=str(config))

    assert all(r["created"] == 0 and r["updated"] == 0 for r in again if r["app"] == "xero"), again
    assert {s["TimesheetID"]: s["UpdatedDateUTC"] for s in _payroll(config, "demo-au", "Timesheets")} == sheets


# On a Monday every sampled shift lies in a paid period: the shifts the test adds are the only open time.
@pytest.mark.parametrize("hr_world", [MONDAY], indirect=True)
def test_an_unapproved_deputy_timesheet_never_arrives_until_it_is_approved(
    hr_world: tuple[Sandbox, Path, str],
) -> None:
    sandbox, config, url = hr_world
    person, employee = _payroll_person(url, config)
    today = sandbox.seeded_at.astimezone(sandbox.deputy["au"].tz).date()
    assert (employee["PayrollCalendarID"], today) not in _paid_periods(config, "demo-au")
    # A morning of two shifts in a period not paid yet: the first approved, the second still waiting.
    _add_shift(sandbox, url, person, today, time(6), 2, approved=True)
    pending = _add_shift(sandbox, url, person, today, time(8, 30), 2, approved=False)
    key = (employee["Email"].lower(), today)
    approved_that_day = sum(
        (
            Decimal(str(s["TotalTime"]))
            for s in _deputy_shifts(url, "au")
            if s["Employee"] == person and s["Date"] == pending["Date"] and s["TimeApproved"]
        ),
        Decimal(0),
    )
    assert approved_that_day == Decimal(2)

    hr_payroll(tenant="demo-au", config=str(config))

    assert _xero_hours_by_employee_and_day(config, "demo-au").get(key, Decimal(0)) == approved_that_day

    _deputy(url, "au", "supervise/timesheet/approve", {"intTimesheetId": pending["Id"]})
    rows = hr_payroll(tenant="demo-au", config=str(config))

    assert (
        next(r for r in rows if r["stream"] == "push" and r["entity"] == "time_sheets" and r["app"] == "xero")[
            "updated"
        ]
        >= 1
    )
    assert _xero_hours_by_employee_and_day(config, "demo-au")[key] == approved_that_day + Decimal(
        str(pending["TotalTime"])
    )


def test_employees_are_matched_between_deputy_and_xero_by_email_then_name(
    hr_world: tuple[Sandbox, Path, str],
) -> None:
    _, config, url = hr_world

    hr_payroll(tenant="demo-au", config=str(config))

    deputy_people = _deputy(url, "au", "resource/Employee/QUERY", {"join": ["ContactObject"]})
    xero_people = _payroll(config, "demo-au", "Employees")
    with Hub.open(load_config(config).tenant("demo-au").store_path()) as hub:
        linked = hub.query(
            "SELECT count(*) FROM id_map d JOIN id_map x ON d.hub_id = x.hub_id AND x.app = 'xero' "
            "WHERE d.entity = 'employees' AND x.entity = 'employees' AND d.app = 'deputy'"
        )[0][0]
    names = {(e["FirstName"], e["LastName"]) for e in xero_people}
    by_email = {(e.get("Email") or "").lower() for e in xero_people}
    both = [d for d in deputy_people if (d["FirstName"], d["LastName"]) in names]
    assert any((d.get("ContactObject") or {}).get("Email", "").lower() not in by_email for d in both)
    assert linked == len(both)
    assert _count(config, "demo-au", "employees") == len(xero_people) + len(deputy_people) - len(both)


def test_a_tenant_with_payroll_off_in_its_config_skips_hr_saying_so(
    tmp_path: Path, sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = connected_tenant_config(tmp_path, sandbox_url, monkeypatch)
    path.write_text(path.read_text().replace("payroll_access = true", "payroll_access = false"))
    tenant = load_config(path).tenant("demo-au")
    _connect(tenant, token_store(tenant, "xero"))  # reconnected without ticking payroll

    state = hr_payroll(tenant="demo-au", config=str(path), return_state=True)

    assert state.name == "Skipped"
    assert state.message == PAYROLL_OFF == "payroll is off for this tenant in its config (payroll_access = false)"


@pytest.mark.parametrize(
    ("country", "payroll_access", "scopes", "reason"),
    [
        ("AU", True, {"accounting.contacts", "payroll.employees"}, ""),
        ("US", True, {"accounting.contacts"}, NO_PAYROLL_ACCESS),  # the user did not tick payroll on consent
        ("AU", False, {"payroll.employees"}, PAYROLL_OFF),
        ("NZ", True, {"payroll.employees"}, "Acme is in NZ: HR and payroll data are shared only for organisations"),
    ],
)
def test_the_payroll_gate_names_what_keeps_hr_closed(
    country: str, payroll_access: bool, scopes: set[str], reason: str
) -> None:
    gate = check_payroll_gate(country, "Acme", payroll_access, scopes)
    assert gate.open is (reason == "")
    assert gate.reason.startswith(reason)


def test_linking_payroll_for_an_organisation_in_neither_aud_nor_usd_fails_with_the_product_message(
    tmp_path: Path, sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = connected_tenant_config(tmp_path, sandbox_url, monkeypatch, ("demo-nz",))
    path.write_text(path.read_text().replace("payroll_access = false", "payroll_access = true"))
    tenant = load_config(path).tenant("demo-nz")

    with pytest.raises(AuthError) as refused:
        _connect(tenant, token_store(tenant, "xero"))

    assert "The app has requested access to data that this organization doesn't allow" in str(refused.value)


def test_a_demo_organisation_shows_no_hr_data_until_payroll_is_activated_and_reimported(
    hr_world: tuple[Sandbox, Path, str],
) -> None:
    sandbox, config, _ = hr_world
    book = sandbox.xero.org_named("AU")
    book.payroll_enabled = False  # a DEMO organisation whose payroll settings were never opened
    for table in book.payroll.tables.values():
        for record in table.values():  # its sample data was made long before the first run
            if isinstance(record.get("UpdatedDateUTC"), datetime):
                record["UpdatedDateUTC"] -= timedelta(days=30)

    hr_payroll(tenant="demo-au", config=str(config))
    xero_employees_before = _linked(config, "demo-au", "employees", "xero")

    book.payroll_enabled = True
    hr_payroll(tenant="demo-au", config=str(config))
    after_incremental = _linked(config, "demo-au", "employees", "xero")
    reimport(tenant="demo-au", domain="hr_payroll", config=str(config))

    assert xero_employees_before == 0
    assert after_incremental == 0  # activation does not touch the records: only a re-import finds them
    assert _linked(config, "demo-au", "employees", "xero") == len(_payroll(config, "demo-au", "Employees")) > 0


def _linked(config: Path, tenant: str, entity: str, app: str) -> int:
    with Hub.open(load_config(config).tenant(tenant).store_path()) as hub:
        [(n,)] = hub.query("SELECT count(*) FROM id_map WHERE entity = ? AND app = ?", entity, app)
    return int(n)
