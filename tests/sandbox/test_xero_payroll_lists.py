"""Xero Payroll lists (paging, If-Modified-Since, where/order) and the seeded sample payroll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from xero_payroll_support import PayrollClient, sample_app, sample_payroll_state

from sandbox.common.clock import FakeClock
from sandbox.common.staff import staff_roster
from sandbox.xero import XeroState, seed_sample
from sandbox.xero.api import build_resources
from sandbox.xero.wire import dumps


@pytest.fixture
def clock() -> FakeClock:
    """The clock of the AU organisation below."""
    return FakeClock()


@pytest.fixture
def au(clock: FakeClock) -> Iterator[PayrollClient]:
    """A payroll client of a freshly seeded AU organisation."""
    state = sample_payroll_state(clock, orgs=("au",))
    client = PayrollClient(state, sample_app(state), "AU")
    yield client
    client.close()


def _people(count: int) -> list[dict[str, str]]:
    return [{"FirstName": f"Temp{n:03d}", "LastName": "Worker", "DateOfBirth": "1999-09-09"} for n in range(count)]


def test_lists_page_by_one_hundred_and_a_short_page_ends_them(au):
    au.ok(au.post("Employees", _people(100)), "Employees")
    pages = [au.ok(au.get("Employees", params={"page": page}), "Employees") for page in (1, 2, 3)]
    assert [len(p) for p in pages] == [100, 7, 0]
    ids = [e["EmployeeID"] for page in pages for e in page]
    assert len(set(ids)) == 107
    assert len(au.ok(au.get("Employees"), "Employees")) == 107, "without page, every record"
    assert au.get("Employees", params={"page": "two"}).status_code == 400


def test_if_modified_since_returns_what_changed_since_then(au, clock):
    employees = au.ok(au.get("Employees"), "Employees")
    clock.advance(120)
    changed = employees[2]
    au.ok(au.post(f"Employees/{changed['EmployeeID']}", [{"JobTitle": "Head Buyer"}]), "Employees")
    for header in ("2026-01-01T00:01:00Z", "Thu, 01 Jan 2026 00:01:00 GMT", "/Date(1767225660000+0000)/"):
        since = au.ok(au.get("Employees", headers={"If-Modified-Since": header}), "Employees")
        assert [e["EmployeeID"] for e in since] == [changed["EmployeeID"]], header
        assert since[0]["JobTitle"] == "Head Buyer"
    everything = au.ok(au.get("Employees", headers={"If-Modified-Since": "2025-12-31T00:00:00Z"}), "Employees")
    assert len(everything) == 7


def test_where_and_order_work_on_the_fields_of_the_records(au):
    sheets = au.ok(au.get("Timesheets", params={"where": 'Status=="PROCESSED"'}), "Timesheets")
    assert len(sheets) == 2
    names = [e["LastName"] for e in au.ok(au.get("Employees", params={"order": "LastName DESC"}), "Employees")]
    assert names == sorted(names, reverse=True)
    assert au.get("Employees", params={"where": 'TaxFileNumber=="1"'}).status_code == 400


def test_the_au_sample_payroll_follows_the_staff_roster(xero_sample_state):
    au = xero_sample_state.org_named("AU")
    tables = au.payroll.tables
    roster = [m for m in staff_roster("AU", 1, 0) if m.in_payroll]
    employees = list(tables["Employees"].values())
    assert [e["Email"] for e in employees] == [m.email for m in roster]
    calendars = {c["PayrollCalendarID"]: c for c in tables["PayrollCalendars"].values()}
    kinds = {c["Name"]: c["CalendarType"] for c in calendars.values()}
    assert kinds == {"Weekly": "WEEKLY", "Fortnightly": "FORTNIGHTLY"}
    assert all(c["StartDate"].weekday() == 0 and c["StartDate"].year == 2026 for c in calendars.values())
    ordinary = next(r for r in tables["EarningsRates"].values() if r["Name"] == "Ordinary Hours")
    assert (ordinary["RateType"], ordinary["TypeOfUnits"]) == ("RATEPERUNIT", "Hours")
    for member, employee in zip(roster, employees, strict=True):
        (line,) = employee["PayTemplate"]["EarningsLines"]
        assert employee["OrdinaryEarningsRateID"] == line["EarningsRateID"] == ordinary["EarningsRateID"]
        assert calendars[employee["PayrollCalendarID"]]["Name"] == ("Weekly" if member.hourly else "Fortnightly")
        if member.hourly:
            assert line["CalculationType"] in {"USEEARNINGSRATE", "ENTEREARNINGSRATE"}
            assert (str(line["RatePerUnit"]), str(line["NumberOfUnitsPerWeek"])) == (member.rate, member.hours_per_week)
        else:
            assert (line["CalculationType"], str(line["AnnualSalary"])) == ("ANNUALSALARY", member.rate)
    names = {t["Name"] for t in tables["LeaveTypes"].values()}
    assert names == {"Annual Leave", "Personal/Carer's Leave"}
    assert {r["Name"] for r in tables["EarningsRates"].values()} == {
        "Ordinary Hours", "Overtime Hours (exempt from super)", "Allowances",
    }  # fmt: skip
    counts = au.payroll.count()
    assert (counts["PayRuns"], counts["Payslips"], counts["Timesheets"], counts["LeaveApplications"]) == (5, 18, 2, 2)
    assert all(r["PayRunStatus"] == "POSTED" for r in tables["PayRuns"].values())
    assert {t["Status"] for t in tables["Timesheets"].values()} == {"PROCESSED"}
    today = xero_sample_state.clock.now().date()
    assert all(r["PayRunPeriodEndDate"] < today for r in tables["PayRuns"].values())


def test_the_us_sample_payroll_and_nz_has_none(xero_sample_state):
    us, nz = xero_sample_state.org_named("US"), xero_sample_state.org_named("NZ")
    assert (us.payroll_enabled, nz.payroll_enabled) == (True, False)
    assert nz.payroll.tables == {}
    counts = us.payroll.count()
    assert (counts["Employees"], counts["WorkLocations"], counts["PaySchedules"]) == (7, 2, 2)
    assert (counts["PayRuns"], counts["Paystubs"], counts["Timesheets"]) == (5, 18, 3)
    assert [m.email for m in staff_roster("US", 1, 0) if m.in_payroll] == [
        e["Email"] for e in us.payroll.tables["Employees"].values()
    ]


def _payroll(state: XeroState) -> bytes:
    return dumps({book.tenant_id: book.payroll.tables for book in state.orgs.values()})


def _accounting(state: XeroState) -> bytes:
    resources = build_resources()
    return dumps(
        {
            f"{book.tenant_id}/{name}": [resources[name.lower()].view(book, r) for r in table.values()]
            for book in state.orgs.values()
            for name, table in sorted(book.tables.items())
        }
    )


def test_payroll_seeding_is_deterministic_and_leaves_accounting_as_it_was(monkeypatch):
    first, second, other = (XeroState(clock=FakeClock()) for _ in range(3))
    seed_sample(first, seed=5, orgs=("au", "us"))
    seed_sample(second, seed=5, orgs=("au", "us"))
    seed_sample(other, seed=6, orgs=("au", "us"))
    assert _payroll(first) == _payroll(second)
    assert _payroll(first) != _payroll(other)
    monkeypatch.setattr("sandbox.xero.seed.seed_payroll", lambda *args, **kwargs: None)
    without = XeroState(clock=FakeClock())
    seed_sample(without, seed=5, orgs=("au", "us"))
    assert _accounting(without) == _accounting(first)
    assert _payroll(without) != _payroll(first)
