"""Xero Payroll AU timesheets: the rules Xero enforces on them, and pay periods of every calendar type."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from xero_payroll_support import PayrollClient, sample_app, sample_payroll_state

from sandbox.xero.payroll.calendars import is_period, period_containing, periods_ending_before, periods_overlapping

# The clock starts on Thursday 1 January 2026; the weekly calendar's periods run Monday to Sunday.
THIS_WEEK = ("2025-12-29", "2026-01-04")
THIS_WEEK_MS = "/Date(1766966400000+0000)/"  # 2025-12-29 as Xero writes it


@pytest.fixture
def au() -> Iterator[PayrollClient]:
    """A payroll client of a freshly seeded AU organisation."""
    state = sample_payroll_state(orgs=("au",))
    client = PayrollClient(state, sample_app(state), "AU")
    yield client
    client.close()


def _setup(au: PayrollClient) -> dict[str, Any]:
    calendars = {c["Name"]: c["PayrollCalendarID"] for c in au.ok(au.get("PayrollCalendars"), "PayrollCalendars")}
    employees = au.ok(au.get("Employees"), "Employees")
    weekly = next(e for e in employees if e["PayrollCalendarID"] == calendars["Weekly"])
    fortnightly = next(e for e in employees if e["PayrollCalendarID"] == calendars["Fortnightly"])
    return {"weekly": weekly, "fortnightly": fortnightly, "rate": weekly["OrdinaryEarningsRateID"]}


def _sheet(
    employee: dict[str, Any], rate: str, start: str, end: str, units: list[float], **extra: Any
) -> dict[str, Any]:
    return {"EmployeeID": employee["EmployeeID"], "StartDate": start, "EndDate": end,
            "TimesheetLines": [{"EarningsRateID": rate, "NumberOfUnits": units}], **extra}  # fmt: skip


def _sheets_of(au: PayrollClient, employee_id: str, start: str) -> list[dict[str, Any]]:
    sheets = au.ok(au.get("Timesheets"), "Timesheets")
    return [t for t in sheets if (t["EmployeeID"], t["StartDate"]) == (employee_id, start)]


def _refused(au: PayrollClient, path: str, body: list[dict[str, Any]]) -> str:
    response = au.post(path, body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert (answer["ErrorNumber"], answer["Type"]) == (10, "ValidationException")
    return str(answer["Message"])


def test_a_timesheet_must_cover_exactly_one_pay_period_of_the_employees_calendar(au):
    s = _setup(au)
    tuesday_start = _sheet(s["weekly"], s["rate"], "2025-12-30", "2026-01-05", [8] * 7)
    message = _refused(au, "Timesheets", [tuesday_start])
    assert message == "The timesheet period must match a pay period of the employee's payroll calendar"
    a_week_for_a_fortnightly_employee = _sheet(s["fortnightly"], s["rate"], *THIS_WEEK, [8] * 7)
    assert "must match a pay period" in _refused(au, "Timesheets", [a_week_for_a_fortnightly_employee])
    fortnight = _sheet(s["fortnightly"], s["rate"], "2025-12-22", "2026-01-04", [7.6] * 5 + [0, 0] + [7.6] * 5 + [0, 0])
    (created,) = au.ok(au.post("Timesheets", [fortnight]), "Timesheets")
    assert created["Hours"] == pytest.approx(76)


def test_every_line_needs_one_entry_per_day_of_the_period(au):
    s = _setup(au)
    six_days = _sheet(s["weekly"], s["rate"], *THIS_WEEK, [8] * 6)
    assert "one NumberOfUnits entry per day of the period (7)" in _refused(au, "Timesheets", [six_days])
    eight_days = _sheet(s["weekly"], s["rate"], *THIS_WEEK, [8] * 8)
    assert "one NumberOfUnits entry per day of the period (7)" in _refused(au, "Timesheets", [eight_days])
    assert not _sheets_of(au, s["weekly"]["EmployeeID"], THIS_WEEK_MS)


def test_a_second_timesheet_for_the_same_employee_and_period_is_refused(au):
    s = _setup(au)
    first = _sheet(s["weekly"], s["rate"], *THIS_WEEK, [8, 8, 0, 0, 0, 0, 0])
    au.ok(au.post("Timesheets", [first]), "Timesheets")
    second = _sheet(s["weekly"], s["rate"], *THIS_WEEK, [1, 1, 1, 1, 1, 0, 0])
    assert _refused(au, "Timesheets", [second]) == "A timesheet already exists for this employee for this period"


def test_a_processed_timesheet_cannot_be_changed(au):
    processed = next(t for t in au.ok(au.get("Timesheets"), "Timesheets") if t["Status"] == "PROCESSED")
    body = [{"EmployeeID": processed["EmployeeID"], "StartDate": "2025-12-22", "EndDate": "2025-12-28",
             "Status": "DRAFT"}]  # fmt: skip
    assert _refused(au, f"Timesheets/{processed['TimesheetID']}", body) == "A processed timesheet cannot be changed"
    after = au.ok(au.get(f"Timesheets/{processed['TimesheetID']}"), "Timesheet")
    assert (after["Status"], after["UpdatedDateUTC"]) == ("PROCESSED", processed["UpdatedDateUTC"])


def test_updating_a_draft_timesheet_changes_its_lines_and_hours(au):
    s = _setup(au)
    first = _sheet(s["weekly"], s["rate"], *THIS_WEEK, [8, 8, 0, 0, 0, 0, 0])
    (draft,) = au.ok(au.post("Timesheets", [first]), "Timesheets")
    assert (draft["Status"], draft["Hours"]) == ("DRAFT", 16)
    changed = _sheet(s["weekly"], s["rate"], *THIS_WEEK, [8, 8, 8, 4, 0, 0, 0])
    (updated,) = au.ok(au.post(f"Timesheets/{draft['TimesheetID']}", [changed]), "Timesheets")
    assert (updated["TimesheetID"], updated["Hours"]) == (draft["TimesheetID"], 28)
    assert au.ok(au.get(f"Timesheets/{draft['TimesheetID']}"), "Timesheet")["TimesheetLines"][0]["NumberOfUnits"] == [
        8, 8, 8, 4, 0, 0, 0,
    ]  # fmt: skip


def test_timesheet_lines_must_name_an_existing_earnings_rate_and_the_required_fields_are_required(au):
    s = _setup(au)
    unknown_rate = _sheet(s["weekly"], "00000000-0000-4000-8000-000000000000", *THIS_WEEK, [8] * 7)
    assert "was not found" in _refused(au, "Timesheets", [unknown_rate])
    message = _refused(au, "Timesheets", [{"EmployeeID": s["weekly"]["EmployeeID"]}])
    assert "StartDate is required" in message
    assert "EndDate is required" in message


def test_a_write_with_one_bad_timesheet_writes_none(au):
    s = _setup(au)
    good = _sheet(s["weekly"], s["rate"], *THIS_WEEK, [8] * 7)
    bad = _sheet(s["fortnightly"], s["rate"], *THIS_WEEK, [8] * 7)
    response = au.post("Timesheets", [good, bad])
    assert response.status_code == 400
    (refused,) = response.json()["Timesheets"]
    assert refused["EmployeeID"] == s["fortnightly"]["EmployeeID"]
    assert "must match a pay period" in refused["ValidationErrors"][0]["Message"]
    assert not _sheets_of(au, s["weekly"]["EmployeeID"], THIS_WEEK_MS)


@pytest.mark.parametrize(
    ("kind", "anchor", "day", "period"),
    [
        ("WEEKLY", date(2026, 1, 5), date(2026, 1, 1), (date(2025, 12, 29), date(2026, 1, 4))),
        ("FORTNIGHTLY", date(2026, 1, 5), date(2026, 1, 20), (date(2026, 1, 19), date(2026, 2, 1))),
        ("FOURWEEKLY", date(2026, 1, 5), date(2026, 2, 2), (date(2026, 2, 2), date(2026, 3, 1))),
        ("MONTHLY", date(2026, 1, 15), date(2026, 3, 3), (date(2026, 2, 15), date(2026, 3, 14))),
        ("MONTHLY", date(2026, 1, 31), date(2026, 2, 28), (date(2026, 2, 28), date(2026, 3, 30))),
        ("TWICEMONTHLY", date(2026, 1, 5), date(2026, 2, 20), (date(2026, 2, 16), date(2026, 2, 28))),
        ("QUARTERLY", date(2026, 1, 1), date(2026, 5, 9), (date(2026, 4, 1), date(2026, 6, 30))),
        ("SEMIMONTHLY", date(2026, 1, 5), date(2026, 1, 15), (date(2026, 1, 1), date(2026, 1, 15))),
    ],
)
def test_pay_periods_of_every_calendar_type(kind, anchor, day, period):
    assert period_containing(kind, anchor, day) == period
    assert is_period(kind, anchor, *period)
    assert not is_period(kind, anchor, period[0], period[1] - timedelta(days=1))


def test_periods_before_a_day_and_over_a_stretch_of_days():
    anchor = date(2026, 1, 5)
    assert periods_ending_before("WEEKLY", anchor, date(2026, 1, 1), 2) == [
        (date(2025, 12, 15), date(2025, 12, 21)),
        (date(2025, 12, 22), date(2025, 12, 28)),
    ]
    assert periods_overlapping("WEEKLY", anchor, date(2026, 1, 9), date(2026, 1, 13)) == [
        (date(2026, 1, 5), date(2026, 1, 11)),
        (date(2026, 1, 12), date(2026, 1, 18)),
    ]
