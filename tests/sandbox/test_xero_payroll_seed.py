"""Xero Payroll sample data at awkward seed moments: the pay runs, timesheets and leave it promises, on any day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from itertools import pairwise
from typing import Any

import pytest

from sandbox.common.clock import FakeClock
from sandbox.xero import XeroState, seed_sample
from sandbox.xero.payroll.calendars import is_period, period_containing
from sandbox.xero.payroll.catalogue import country_of
from sandbox.xero.payroll.seed import CALENDAR_START, PAY_RUNS, TIMESHEETS
from sandbox.xero.store import OrgBook
from tests.seed_moments import AWKWARD

COUNTRIES = ("AU", "US")


@cache
def _seeded(moment: datetime) -> XeroState:
    """The AU and US sample organisations seeded as of ``moment`` (shared: tests only read them)."""
    state = XeroState(clock=FakeClock(moment))
    seed_sample(state, orgs=("au", "us"))
    return state


def _runs_by_calendar(book: OrgBook) -> dict[str, list[dict[str, Any]]]:
    country = country_of(book.country)
    assert country is not None
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in book.payroll.table(country.calendars)}
    for run in book.payroll.table("PayRuns").values():
        runs[run[country.calendar_id]].append(run)
    return {c: sorted(found, key=lambda r: r["PayRunPeriodStartDate"]) for c, found in runs.items()}


def _last_paid(kind: str, anchor: date, today: date) -> tuple[date, date]:
    """The last whole pay period before the one holding ``today``."""
    current = period_containing(kind, anchor, today)
    return period_containing(kind, anchor, current[0] - timedelta(days=1))


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("moment", AWKWARD)
def test_posted_pay_runs_are_the_last_whole_consecutive_periods_before_the_seed_day(
    moment: datetime, country: str
) -> None:
    book = _seeded(moment).org_named(country)
    spec = country_of(country)
    assert spec is not None
    today = moment.date()
    calendars = book.payroll.table(spec.calendars)
    assert {c["StartDate"] for c in calendars.values()} == {CALENDAR_START}
    for calendar_id, runs in _runs_by_calendar(book).items():
        kind = calendars[calendar_id][spec.calendar_kind]
        assert len(runs) == PAY_RUNS[kind]
        assert {r["PayRunStatus"] for r in runs} == {"POSTED"}
        periods = [(r["PayRunPeriodStartDate"], r["PayRunPeriodEndDate"]) for r in runs]
        assert all(is_period(kind, CALENDAR_START, start, end) for start, end in periods)
        assert all(later[0] == earlier[1] + timedelta(days=1) for earlier, later in pairwise(periods))
        assert periods[-1] == _last_paid(kind, CALENDAR_START, today)
        assert periods[-1][1] < today


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("moment", AWKWARD)
def test_every_posted_pay_run_pays_each_employee_of_its_calendar_once(moment: datetime, country: str) -> None:
    book = _seeded(moment).org_named(country)
    spec = country_of(country)
    assert spec is not None
    employees = list(book.payroll.table("Employees").values())
    slips = list(book.payroll.table(spec.slips).values())
    for calendar_id, runs in _runs_by_calendar(book).items():
        staff = sorted(e["EmployeeID"] for e in employees if e[spec.calendar_id] == calendar_id)
        for run in runs:
            paid = sorted(s["EmployeeID"] for s in slips if s["_pay_run"] == run["PayRunID"])
            assert paid == staff


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("moment", AWKWARD)
def test_sample_timesheets_cover_the_last_paid_period_and_were_processed_by_its_pay_run(
    moment: datetime, country: str
) -> None:
    book = _seeded(moment).org_named(country)
    spec = country_of(country)
    assert spec is not None
    calendars = book.payroll.table(spec.calendars)
    employees = book.payroll.table("Employees")
    sheets = list(book.payroll.table("Timesheets").values())
    assert len(sheets) == TIMESHEETS[country]
    for sheet in sheets:
        calendar = calendars[employees[sheet["EmployeeID"]][spec.calendar_id]]
        period = _last_paid(calendar[spec.calendar_kind], CALENDAR_START, moment.date())
        assert (sheet["StartDate"], sheet["EndDate"]) == period
        assert sheet["Status"] == "PROCESSED"
        for line in sheet["TimesheetLines"]:
            assert len(line["NumberOfUnits"]) == (period[1] - period[0]).days + 1


@pytest.mark.parametrize("moment", AWKWARD)
def test_au_sick_leave_was_paid_last_week_and_the_annual_leave_starts_on_a_coming_monday(moment: datetime) -> None:
    book = _seeded(moment).org_named("AU")
    leave = {a["Title"]: a for a in book.payroll.table("LeaveApplications").values()}
    today = moment.date()
    sick, holiday = leave["Sick leave"], leave["Annual leave"]
    paid_week = _last_paid("WEEKLY", CALENDAR_START, today)
    assert paid_week[0] <= sick["StartDate"] == sick["EndDate"] <= paid_week[1]
    assert {p["LeavePeriodStatus"] for p in sick["LeavePeriods"]} == {"PROCESSED"}
    assert holiday["StartDate"] > today
    assert holiday["StartDate"].weekday() == 0
    assert {p["LeavePeriodStatus"] for p in holiday["LeavePeriods"]} == {"SCHEDULED"}


@pytest.mark.parametrize("moment", AWKWARD)
def test_nothing_in_the_sample_payroll_is_stamped_after_the_seed_moment(moment: datetime) -> None:
    state = _seeded(moment)
    for country in COUNTRIES:
        for table in state.org_named(country).payroll.tables.values():
            assert all(r["UpdatedDateUTC"] <= moment for r in table.values() if "UpdatedDateUTC" in r)
