"""Xero Payroll AU: every read the connector makes and every write, checked against xero-payroll-au.yaml."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from openapi_core.validation.response.exceptions import InvalidData
from xero_payroll_support import PAYROLL, PayrollClient, check, sample_app, sample_payroll_state

from sandbox.xero import XeroState
from sandbox.xero.payroll.spec import PayrollSpec, payroll_spec

LISTS = ["Employees", "PayItems", "PayrollCalendars", "PayRuns", "Timesheets", "LeaveApplications"]
BY_ID = {
    "Employees": "EmployeeID",
    "PayrollCalendars": "PayrollCalendarID",
    "PayRuns": "PayRunID",
    "Timesheets": "TimesheetID",
    "LeaveApplications": "LeaveApplicationID",
}


@pytest.fixture(scope="session")
def spec() -> PayrollSpec:
    """The Payroll AU spec, loaded once."""
    return payroll_spec()


@pytest.fixture(scope="module")
def au(xero_sample_state: XeroState) -> Iterator[PayrollClient]:
    """A payroll client of the shared AU sample organisation (read only)."""
    client = PayrollClient(xero_sample_state, sample_app(xero_sample_state), "AU")
    yield client
    client.close()


@pytest.fixture
def fresh_au() -> Iterator[PayrollClient]:
    """A payroll client of a freshly seeded AU organisation (tests may write)."""
    state = sample_payroll_state()
    client = PayrollClient(state, sample_app(state), "AU")
    yield client
    client.close()


@pytest.mark.parametrize("collection", LISTS)
def test_list_answers_fit_the_spec(au, spec, collection):
    response = au.get(collection, params={"page": 1})
    assert au.ok(response, collection), "the sample has records of every kind"
    check(spec, response)
    since = au.get(collection, headers={"If-Modified-Since": "2025-12-01T00:00:00Z"})
    check(spec, since)


def test_settings_answer_fits_the_spec(au, spec):
    response = au.get("Settings")
    settings = au.ok(response, "Settings")
    assert {a["Type"] for a in settings["Accounts"]} >= {"BANK", "WAGESEXPENSE", "PAYGLIABILITY"}
    assert settings["DaysInPayrollYear"] == 364
    check(spec, response)


@pytest.mark.parametrize("collection", list(BY_ID))
def test_single_answers_fit_the_spec(au, spec, collection):
    first = au.ok(au.get(collection), collection)[0]
    response = au.get(f"{collection}/{first[BY_ID[collection]]}")
    assert response.status_code == 200, response.text
    check(spec, response)


def test_a_timesheet_by_id_is_one_object_and_a_pay_run_by_id_has_its_payslips(au, spec):
    sheet = au.ok(au.get("Timesheets"), "Timesheets")[0]
    assert au.ok(au.get(f"Timesheets/{sheet['TimesheetID']}"), "Timesheet")["TimesheetID"] == sheet["TimesheetID"]
    runs = au.ok(au.get("PayRuns"), "PayRuns")
    assert all("Payslips" not in run for run in runs)
    (run,) = au.ok(au.get(f"PayRuns/{runs[0]['PayRunID']}"), "PayRuns")
    assert run["Payslips"], "a posted pay run pays someone"
    payslip = au.get(f"Payslip/{run['Payslips'][0]['PayslipID']}")
    assert au.ok(payslip, "Payslip")["NetPay"] == run["Payslips"][0]["NetPay"]
    check(spec, payslip)


def test_a_bad_query_is_an_api_exception_that_fits_the_spec(au, spec):
    response = au.get("Employees", params={"where": 'Nonsense=="x"'})
    assert response.status_code == 400
    check(spec, response)


def _post(client: PayrollClient, spec: PayrollSpec, path: str, body: object) -> list[dict]:
    response = client.post(path, body)
    assert response.status_code == 200, response.text
    check(spec, response)
    key = path.split("/")[0]
    return response.json()[key]


def test_write_requests_and_answers_fit_the_spec(fresh_au, spec):
    au = fresh_au
    calendars = {c["Name"]: c["PayrollCalendarID"] for c in au.ok(au.get("PayrollCalendars"), "PayrollCalendars")}
    items = au.ok(au.get("PayItems"), "PayItems")
    ordinary = next(r["EarningsRateID"] for r in items["EarningsRates"] if r["Name"] == "Ordinary Hours")
    annual = next(t["LeaveTypeID"] for t in items["LeaveTypes"] if t["Name"] == "Annual Leave")
    written = _post(au, spec, "PayItems", {"EarningsRates": [{
        "Name": "Saturday Rate", "AccountCode": "477", "TypeOfUnits": "Hours", "EarningsType": "OVERTIMEEARNINGS",
        "RateType": "MULTIPLE", "Multiplier": 1.5, "IsExemptFromSuper": True, "IsQualifyingEarnings": False}]})  # fmt: skip
    assert written["EarningsRates"][0]["Name"] == "Saturday Rate"
    _post(au, spec, "PayrollCalendars", [{"Name": "Monthly", "CalendarType": "MONTHLY", "StartDate": "2026-01-01",
                                          "PaymentDate": "2026-01-28"}])  # fmt: skip
    (employee,) = _post(au, spec, "Employees", [{
        "FirstName": "Ada", "LastName": "Lovelace", "DateOfBirth": "1990-12-10", "Email": "ada@example.com",
        "Gender": "F", "StartDate": "2025-06-01", "JobTitle": "Engineer", "PayrollCalendarID": calendars["Weekly"],
        "HomeAddress": {"AddressLine1": "1 Spec St", "City": "Sydney", "Region": "NSW", "PostalCode": "2000"},
        "OrdinaryEarningsRateID": ordinary, "PayTemplate": {"EarningsLines": [{
            "EarningsRateID": ordinary, "CalculationType": "ENTEREARNINGSRATE", "RatePerUnit": 31.5,
            "NumberOfUnitsPerWeek": 20}]}}])  # fmt: skip
    employee_id = employee["EmployeeID"]
    (renamed,) = _post(au, spec, f"Employees/{employee_id}",
                       [{"FirstName": "Ada", "LastName": "King", "DateOfBirth": "1990-12-10"}])  # fmt: skip
    assert (renamed["LastName"], renamed["Email"]) == ("King", "ada@example.com")
    week = {"EmployeeID": employee_id, "StartDate": "2025-12-29", "EndDate": "2026-01-04"}
    (sheet,) = _post(au, spec, "Timesheets", [{**week, "Status": "DRAFT", "TimesheetLines": [
        {"EarningsRateID": ordinary, "NumberOfUnits": [4, 4, 4, 4, 4, 0, 0]}]}])  # fmt: skip
    (approved,) = _post(au, spec, f"Timesheets/{sheet['TimesheetID']}", [{**week, "Status": "APPROVED"}])
    assert (approved["Status"], approved["Hours"]) == ("APPROVED", 20)
    (leave,) = _post(au, spec, "LeaveApplications", [{
        "EmployeeID": employee_id, "LeaveTypeID": annual, "Title": "Holiday", "StartDate": "2026-01-19",
        "EndDate": "2026-01-23"}])  # fmt: skip
    _post(au, spec, f"LeaveApplications/{leave['LeaveApplicationID']}", [{"Description": "Beach"}])
    (run,) = _post(au, spec, "PayRuns", [{"PayrollCalendarID": calendars["Weekly"]}])
    assert (run["PayRunStatus"], run["PayRunPeriodStartDate"]) == ("DRAFT", sheet["StartDate"])
    (posted,) = _post(au, spec, f"PayRuns/{run['PayRunID']}",
                      [{"PayrollCalendarID": calendars["Weekly"], "PayRunStatus": "POSTED"}])  # fmt: skip
    slip = next(s for s in posted["Payslips"] if s["EmployeeID"] == employee_id)
    assert slip["Wages"] == 20 * 31.5
    assert au.ok(au.get(f"Timesheets/{sheet['TimesheetID']}"), "Timesheet")["Status"] == "PROCESSED"


def test_the_checker_catches_answers_xero_would_not_give(spec):
    bad = [
        ("Settings", {"Settings": {"DaysInPayrollYear": "364"}}),
        ("Employees", {"Employees": [{"FirstName": "No", "LastName": "Birthday"}]}),
        ("Employees", {"Employees": [{"FirstName": "A", "LastName": "B", "DateOfBirth": "1990-01-01"}]}),
        ("PayItems", {"PayItems": {"LeaveTypes": [{"Name": "Not saying if it qualifies"}]}}),
    ]
    for collection, body in bad:
        with pytest.raises(InvalidData):
            spec.validate_response("GET", f"{PAYROLL}/{collection}", 200, json.dumps(body).encode())
    good = {"Employees": [{"FirstName": "A", "LastName": "B", "DateOfBirth": "/Date(631152000000+0000)/"}]}
    spec.validate_response("GET", f"/xero{PAYROLL}/Employees", 200, json.dumps(good).encode())
