"""Xero Payroll for a US organisation: the retired US payroll API's collections, shapes and rules."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from xero_payroll_support import PayrollClient, sample_app, sample_payroll_state

from sandbox.xero import XeroState

MSDATE = re.compile(r"^/Date\(\d+\+0000\)/$")
US_LISTS = ["Employees", "PaySchedules", "PayRuns", "Timesheets", "WorkLocations"]


@pytest.fixture(scope="module")
def us(xero_sample_state: XeroState) -> Iterator[PayrollClient]:
    """A payroll client of the shared US sample organisation (read only)."""
    client = PayrollClient(xero_sample_state, sample_app(xero_sample_state), "US")
    yield client
    client.close()


@pytest.fixture
def fresh_us() -> Iterator[PayrollClient]:
    """A payroll client of a freshly seeded US organisation (tests may write)."""
    state = sample_payroll_state(orgs=("us",))
    client = PayrollClient(state, sample_app(state), "US")
    yield client
    client.close()


@pytest.mark.parametrize("collection", US_LISTS)
def test_us_lists_answer_in_the_payroll_envelope_with_ms_dates(us, collection):
    response = us.get(collection, params={"page": 1})
    body = response.json()
    assert {"Id", "Status", "ProviderName", "DateTimeUTC", collection} <= set(body)
    assert body[collection], "the sample has some of each"
    assert all(MSDATE.match(r["UpdatedDateUTC"]) for r in body[collection])


def test_us_work_locations_have_one_primary(us):
    locations = us.ok(us.get("WorkLocations"), "WorkLocations")
    assert len(locations) == 2
    assert [loc["IsPrimary"] for loc in locations] == [True, False]
    assert {"WorkLocationID", "StreetAddress", "City", "State", "Zip"} <= set(locations[0])
    one = us.ok(us.get(f"WorkLocations/{locations[1]['WorkLocationID']}"), "WorkLocations")
    assert one == [locations[1]]


def test_us_employees_carry_salary_and_wages_a_schedule_and_a_location(us):
    employees = us.ok(us.get("Employees"), "Employees")
    schedules = {s["PayScheduleID"]: s for s in us.ok(us.get("PaySchedules"), "PaySchedules")}
    locations = {loc["WorkLocationID"] for loc in us.ok(us.get("WorkLocations"), "WorkLocations")}
    assert {s["ScheduleType"] for s in schedules.values()} == {"WEEKLY", "BIWEEKLY"}
    kinds = set()
    for employee in employees:
        (wages,) = employee["SalaryAndWages"]
        kinds.add(wages["SalaryWagesType"])
        assert ("HourlyRate" if wages["SalaryWagesType"] == "HOURLY" else "AnnualSalary") in wages
        weekly = schedules[employee["PayScheduleID"]]["ScheduleType"] == "WEEKLY"
        assert weekly == (wages["SalaryWagesType"] == "HOURLY")
        assert employee["WorkLocationID"] in locations
        assert {"StreetAddress", "City", "State", "Zip"} <= set(employee["HomeAddress"])
    assert kinds == {"HOURLY", "ANNUAL"}


def test_us_pay_items_are_one_object_of_five_lists(us):
    items = us.ok(us.get("PayItems"), "PayItems")
    assert set(items) == {"EarningsTypes", "BenefitTypes", "DeductionTypes", "ReimbursementTypes", "TimeOffTypes"}
    assert "Regular Hours" in {e["EarningsType"] for e in items["EarningsTypes"]}
    assert all(items[key] for key in items)


def test_us_pay_runs_show_their_paystubs_by_id_only(us):
    runs = us.ok(us.get("PayRuns"), "PayRuns")
    assert all("Paystubs" not in run and run["PayRunStatus"] == "POSTED" for run in runs)
    (run,) = us.ok(us.get(f"PayRuns/{runs[0]['PayRunID']}"), "PayRuns")
    stub = run["Paystubs"][0]
    assert set(stub) == {"PaystubID", "EmployeeID", "FirstName", "LastName", "Earnings", "Deductions", "Tax",
                         "Reimbursements", "NetPay"}  # fmt: skip
    assert run["NetPay"] == pytest.approx(sum(s["NetPay"] for s in run["Paystubs"]))


def test_each_country_has_only_its_own_collections(us, xero_sample_state):
    au = PayrollClient(xero_sample_state, sample_app(xero_sample_state), "AU")
    assert au.get("WorkLocations").status_code == 404
    assert au.get("PaySchedules").status_code == 404
    assert us.get("LeaveApplications").status_code == 404
    assert us.get("PayrollCalendars").status_code == 404
    assert us.get("Settings").status_code == 404
    assert au.get("LeaveApplications").status_code == 200
    au.close()


def test_us_timesheets_follow_the_pay_schedule_and_name_a_known_location(fresh_us):
    us = fresh_us
    schedules = {s["ScheduleType"]: s["PayScheduleID"] for s in us.ok(us.get("PaySchedules"), "PaySchedules")}
    employee = next(e for e in us.ok(us.get("Employees"), "Employees") if e["PayScheduleID"] == schedules["BIWEEKLY"])
    earnings = employee["SalaryAndWages"][0]["EarningsTypeID"]
    line = {"EarningsTypeID": earnings, "WorkLocationID": employee["WorkLocationID"], "NumberOfUnits": [8] * 14}
    fortnight = {"EmployeeID": employee["EmployeeID"], "StartDate": "2025-12-22", "EndDate": "2026-01-04"}
    week = {**fortnight, "EndDate": "2025-12-28", "TimesheetLines": [{**line, "NumberOfUnits": [8] * 7}]}
    refused = us.post("Timesheets", [week])
    assert refused.status_code == 400
    assert refused.json()["Message"] == "The timesheet period must match a pay period of the employee's pay schedule"
    nowhere = {**line, "WorkLocationID": "00000000-0000-4000-8000-000000000000"}
    assert us.post("Timesheets", [{**fortnight, "TimesheetLines": [nowhere]}]).status_code == 400
    (sheet,) = us.ok(us.post("Timesheets", [{**fortnight, "TimesheetLines": [line]}]), "Timesheets")
    assert (sheet["Status"], sheet["Hours"]) == ("DRAFT", 112)
    shown = us.ok(us.get(f"Timesheets/{sheet['TimesheetID']}"), "Timesheet")
    assert shown["TimesheetLines"][0]["WorkLocationID"] == employee["WorkLocationID"]


def test_a_new_primary_work_location_takes_the_mark_from_the_old_one(fresh_us):
    us = fresh_us
    (added,) = us.ok(us.post("WorkLocations", [{"StreetAddress": "1 Main Street", "City": "Reno", "State": "NV",
                                                "Zip": "89501", "IsPrimary": True}]), "WorkLocations")  # fmt: skip
    primaries = [loc["WorkLocationID"] for loc in us.ok(us.get("WorkLocations"), "WorkLocations") if loc["IsPrimary"]]
    assert primaries == [added["WorkLocationID"]]
    missing_zip = us.post("WorkLocations", [{"StreetAddress": "2 Main Street", "City": "Reno", "State": "NV"}])
    assert missing_zip.status_code == 400
    assert missing_zip.json()["Message"] == "Zip is required"


def test_us_employees_need_a_rate_for_their_kind_of_pay(fresh_us):
    us = fresh_us
    earnings = us.ok(us.get("PayItems"), "PayItems")["EarningsTypes"][0]["EarningsTypeID"]
    base = {"FirstName": "Sam", "LastName": "Rivera", "DateOfBirth": "1991-04-02"}
    hourly_without_rate = {**base, "SalaryAndWages": [{"EarningsTypeID": earnings, "SalaryWagesType": "HOURLY"}]}
    refused = us.post("Employees", [hourly_without_rate])
    assert refused.status_code == 400
    assert "HourlyRate is required for SalaryWagesType HOURLY" in refused.json()["Message"]
    paid = {**base, "SalaryAndWages": [{"EarningsTypeID": earnings, "SalaryWagesType": "HOURLY", "HourlyRate": 24}]}
    (created,) = us.ok(us.post("Employees", [paid]), "Employees")
    assert created["SalaryAndWages"][0]["SalaryAndWagesID"]
    assert created["Status"] == "ACTIVE"
