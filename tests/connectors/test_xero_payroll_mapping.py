"""Xero Payroll (AU and US) -> canonical HR mapping, and timesheets back to Xero.

AU records follow the examples of ``specs/xero/xero-payroll-au.yaml`` (Albus
Dumbledore, the "Sid Weekly" calendar, the Ordinary Hours earnings rate...);
US ones follow the retired US Payroll API's documented shapes (Xero publishes
no US spec). Each fixture is a function returning a fresh dict.
"""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from connectors.base.mapping import DictRefs, Mapped, MappingError, Refs, WaitingForReference
from connectors.xero.payroll import PAYROLL_STREAMS
from connectors.xero.payroll_mapping import PAYROLL_ID_FIELDS, payroll_mapper, time_sheet_to_xero
from datashare.model import (
    CanonicalModel,
    Employee,
    EmployeeSalary,
    LeaveApplication,
    PayItem,
    PayRun,
    PaySchedule,
    TimeActivity,
    TimeSheet,
    TimeSheetLine,
    WorkLocation,
)
from tests.connectors.xero_fixtures import msdate

Raw = dict[str, t.Any]
Mapper = t.Callable[[str, Raw, Refs], list[Mapped]]
M = t.TypeVar("M", bound=CanonicalModel)

AU = payroll_mapper("AU", "AUD")
US = payroll_mapper("US", "USD")

# AU ids, from the spec's examples.
ALBUS = "cdfb8371-0b21-4b8a-8903-1024df6c391e"
JACK = "b34e89ff-770d-4099-b7e5-f968767118bc"
ORDINARY_HOURS = "ab874dfb-ab09-4c91-954e-43acf6fc23b4"
OVERTIME = "dc3ff92e-0e49-4967-aa4b-0bb21c0594ce"
REDUNDANCY = "f59999ca-cd5c-4a54-a381-2d0c817f0c3e"
SID_WEEKLY = "78bb86b9-e1ea-47ac-b75d-f087a81931de"
ANNUAL_LEAVE = "184ea8f7-d143-46dd-bef3-0c60e1aa6fca"
TAX_FILE_NUMBER = "123456782"
BANK_ACCOUNT_NUMBER = "13729412"

# US ids.
MARIA = "3f8c1e2a-7b4d-4e6f-9a1b-2c3d4e5f6a7b"
REGULAR = "e1b2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d"
US_OVERTIME = "e1b2c3d4-0002-4a5b-8c9d-0e1f2a3b4c5d"
SALARY_TYPE = "e1b2c3d4-0003-4a5b-8c9d-0e1f2a3b4c5d"
BIWEEKLY = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
OAKLAND = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
SSN = "123-45-6789"

UPDATED = "/Date(1573621524458+0000)/"
UPDATED_AT = datetime(2019, 11, 13, 5, 5, 24, 458000, tzinfo=UTC)


def _record(mapped: Mapped, model: type[M]) -> M:
    assert isinstance(mapped.record, model)
    return mapped.record


def _one(mapper: Mapper, stream: str, raw: Raw, refs: DictRefs, model: type[M]) -> M:
    [mapped] = mapper(stream, raw, refs)
    return _record(mapped, model)


# -- AU records ----------------------------------------------------------------------------------


def au_employee() -> Raw:
    return {
        "EmployeeID": ALBUS,
        "FirstName": "Albus",
        "MiddleNames": "Percival",
        "LastName": "Dumbledore",
        "Status": "ACTIVE",
        "Email": "albus39608@hogwarts.edu",
        "DateOfBirth": "/Date(321523200000+0000)/",
        "JobTitle": "Regional Manager",
        "Gender": "M",
        "HomeAddress": {
            "AddressLine1": "101 Green St",
            "City": "Island Bay",
            "Region": "NSW",
            "PostalCode": "6023",
            "Country": "AUSTRALIA",
        },
        "Phone": "444-2323",
        "Mobile": "555-1212",
        "StartDate": "/Date(1547164800000+0000)/",
        "Classification": "corporate",
        "OrdinaryEarningsRateID": ORDINARY_HOURS,
        "PayrollCalendarID": SID_WEEKLY,
        "PayTemplate": {
            "EarningsLines": [
                {
                    "EarningsRateID": ORDINARY_HOURS,
                    "CalculationType": "ANNUALSALARY",
                    "AnnualSalary": 40000.00,
                    "NumberOfUnitsPerWeek": 38.0,
                },
                {"EarningsRateID": OVERTIME, "CalculationType": "ENTEREARNINGSRATE", "RatePerUnit": 45.5},
                # Takes the earnings rate's own rate: no salary of the employee's to share.
                {"EarningsRateID": REDUNDANCY, "CalculationType": "USEEARNINGSRATE"},
            ],
            "DeductionLines": [],
            "SuperLines": [{"ContributionType": "SGC", "CalculationType": "STATUTORY", "Percentage": 11.5}],
        },
        "TaxDeclaration": {
            "EmployeeID": ALBUS,
            "TaxFileNumber": TAX_FILE_NUMBER,
            "ResidencyStatus": "AUSTRALIANRESIDENT",
            "TaxFreeThresholdClaimed": True,
        },
        "BankAccounts": [
            {
                "StatementText": "Salary",
                "AccountName": "A P W B Dumbledore",
                "BSB": "062000",
                "AccountNumber": BANK_ACCOUNT_NUMBER,
                "Remainder": True,
            }
        ],
        "UpdatedDateUTC": UPDATED,
        "IsAuthorisedToApproveLeave": True,
        "IsAuthorisedToApproveTimesheets": True,
    }


def au_pay_items() -> dict[str, Raw]:
    """One flattened item of each AU kind, as the client yields them."""
    return {
        "EarningsRate": {
            "PayItemType": "EarningsRate",
            "PayItemID": ORDINARY_HOURS,
            "EarningsRateID": ORDINARY_HOURS,
            "Name": "Ordinary Hours",
            "EarningsType": "ORDINARYTIMEEARNINGS",
            "RateType": "RATEPERUNIT",
            "AccountCode": "477",
            "TypeOfUnits": "Hours",
            "RatePerUnit": 3,
            "IsExemptFromTax": False,
            "IsExemptFromSuper": False,
            "IsReportableAsW1": False,
            "IsQualifyingEarnings": True,
            "UpdatedDateUTC": "/Date(1573620821000+0000)/",
            "CurrentRecord": True,
        },
        "DeductionType": {
            "PayItemType": "DeductionType",
            "PayItemID": "727af5e8-b347-4ae7-85fc-9b82266d0aec",
            "DeductionTypeID": "727af5e8-b347-4ae7-85fc-9b82266d0aec",
            "DeductionCategory": "UNIONFEES",
            "Name": "Union Fees/Subscriptions",
            "AccountCode": "850",
            "ReducesTax": False,
            "ReducesSuper": False,
            "IsExemptFromW1": False,
            "UpdatedDateUTC": "/Date(1547500330000+0000)/",
            "CurrentRecord": True,
        },
        "LeaveType": {
            "PayItemType": "LeaveType",
            "PayItemID": "74195ab2-1f2b-4136-8ddc-20387a0b1027",
            "LeaveTypeID": "74195ab2-1f2b-4136-8ddc-20387a0b1027",
            "Name": "Long Service Leave",
            "TypeOfUnits": "Hours",
            "IsPaidLeave": True,
            "ShowOnPayslip": False,
            "LeaveCategoryCode": "LONGSERVICELEAVE",
            "UpdatedDateUTC": "/Date(1547500330000+0000)/",
            "CurrentRecord": True,
            "SGCExempt": False,
            "IsQualifyingEarnings": True,
        },
        "ReimbursementType": {
            "PayItemType": "ReimbursementType",
            "PayItemID": "98ba33b2-db5b-4204-bcac-5ddd98d63524",
            "ReimbursementTypeID": "98ba33b2-db5b-4204-bcac-5ddd98d63524",
            "Name": "Travel Costs",
            "AccountCode": "850",
            "UpdatedDateUTC": "/Date(1547500330000+0000)/",
            "CurrentRecord": True,
        },
    }


def au_calendar() -> Raw:
    return {
        "PayrollCalendarID": SID_WEEKLY,
        "Name": "Sid Weekly",
        "CalendarType": "WEEKLY",
        "StartDate": "/Date(1573171200000+0000)/",
        "PaymentDate": "/Date(1573776000000+0000)/",
        "UpdatedDateUTC": "/Date(1573077687000+0000)/",
        "ReferenceDate": "/Date(1573171200000+0000)/",
    }


def au_pay_run() -> Raw:
    """GET /PayRuns/{id}: the run with its payslips."""
    return {
        "PayRunID": "21d6317b-5319-4b3d-8d78-48904db6b665",
        "PayrollCalendarID": SID_WEEKLY,
        "PayRunPeriodStartDate": "/Date(1572566400000+0000)/",
        "PayRunPeriodEndDate": "/Date(1573084800000+0000)/",
        "PaymentDate": "/Date(1573171200000+0000)/",
        "Wages": 205.4,
        "Deductions": 37,
        "Tax": 0,
        "Super": 0,
        "Reimbursement": 77,
        "NetPay": 168.4,
        "PayRunStatus": "POSTED",
        "UpdatedDateUTC": "/Date(1573692155000+0000)/",
        "Payslips": [
            {
                "EmployeeID": ALBUS,
                "PayslipID": "c81e8bcc-56b0-4740-b46b-767753a6ee45",
                "FirstName": "Albus",
                "LastName": "Dumbledore",
                "EmployeeGroup": "foo",
                "Wages": 5.4,
                "Deductions": 4,
                "Tax": 0,
                "Super": 0.59,
                "Reimbursements": 55,
                "NetPay": 1.4,
                "UpdatedDateUTC": "/Date(1573692155000+0000)/",
            },
            {
                "EmployeeID": "7aa04979-ded5-44d9-b09a-793749425844",
                "PayslipID": "76b9cb4e-d024-47cf-b09a-4c9cea2870f1",
                "FirstName": "John",
                "LastName": "Smith",
                "Wages": 200,
                "Deductions": 33,
                "Tax": 0,
                "Super": 0,
                "Reimbursements": 22,
                "NetPay": 167,
                "UpdatedDateUTC": "/Date(1573692155000+0000)/",
            },
        ],
    }


def au_timesheet() -> Raw:
    """The spec's first GET /Timesheets example: a week of 4 hours a day but Thursday."""
    return {
        "TimesheetID": "863bbd31-0447-4419-80d5-d733d5e723ba",
        "EmployeeID": JACK,
        "StartDate": "/Date(1547769600000)/",
        "EndDate": "/Date(1548288000000)/",
        "Status": "APPROVED",
        "Hours": 24.0,
        "TimesheetLines": [
            {
                "EarningsRateID": ORDINARY_HOURS,
                "NumberOfUnits": [4.00, 4.00, 4.00, 4.00, 4.00, 4.00, 0.00],
                "UpdatedDateUTC": "/Date(1572915827000+0000)/",
            },
            {
                "EarningsRateID": OVERTIME,
                "TrackingItemID": "af5e9ce2-2349-4136-be99-3561b189f473",
                "NumberOfUnits": [0.0, 1.5, 0.0, 0.0, 2.25, 0.0, 0.0],
                "UpdatedDateUTC": "/Date(1572915827000+0000)/",
            },
        ],
        "UpdatedDateUTC": "/Date(1572915827000+0000)/",
    }


def au_leave_application() -> Raw:
    return {
        "LeaveApplicationID": "62b90465-66e9-4c3a-8151-de1e6335554d",
        "EmployeeID": JACK,
        "LeaveTypeID": ANNUAL_LEAVE,
        "LeavePeriods": [
            {
                "PayPeriodStartDate": "/Date(1571961600000+0000)/",
                "PayPeriodEndDate": "/Date(1572480000000+0000)/",
                "LeavePeriodStatus": "PROCESSED",
                "NumberOfUnits": 7.6,
            },
            {
                "PayPeriodStartDate": "/Date(1572566400000+0000)/",
                "PayPeriodEndDate": "/Date(1573084800000+0000)/",
                "LeavePeriodStatus": "SCHEDULED",
                "NumberOfUnits": 0,
            },
        ],
        "Title": "Yep Carer Leave",
        "Description": "My updated Description",
        "StartDate": "/Date(1572559200000+0000)/",
        "EndDate": "/Date(1572645600000+0000)/",
        "UpdatedDateUTC": "/Date(1573447344000+0000)/",
        "PayOutType": "DEFAULT",
    }


# -- US records ----------------------------------------------------------------------------------


def us_employee() -> Raw:
    return {
        "EmployeeID": MARIA,
        "FirstName": "Maria",
        "MiddleNames": "Elena",
        "LastName": "Garcia",
        "Email": "maria.garcia@redwoodtrail.example.com",
        "DateOfBirth": msdate(date(1986, 7, 14)),
        "Gender": "F",
        "JobTitle": "Store Manager",
        "Status": "ACTIVE",
        "StartDate": msdate(date(2021, 3, 1)),
        "Phone": "(510) 555-0142",
        "Mobile": "(510) 555-0199",
        "HomeAddress": {
            "StreetAddress": "1200 Pine St",
            "SuiteOrAptOrUnit": "Apt 4B",
            "City": "Oakland",
            "State": "CA",
            "Zip": "94607",
        },
        "PayScheduleID": BIWEEKLY,
        "WorkLocationID": OAKLAND,
        "EmployeeNumber": "E-0042",
        "SocialSecurityNumber": SSN,
        "BankAccounts": [{"AccountNumber": BANK_ACCOUNT_NUMBER, "RoutingNumber": "121000358"}],
        "SalaryAndWages": [
            {
                "SalaryAndWagesID": "0b1c2d3e-0001-4f5a-8b6c-7d8e9f0a1b2c",
                "EarningsTypeID": SALARY_TYPE,
                "SalaryWagesType": "ANNUAL",
                "AnnualSalary": 72000,
                "StandardHoursPerWeek": 40,
                "EffectiveDate": msdate(date(2021, 3, 1)),
            },
            {
                "SalaryAndWagesID": "0b1c2d3e-0002-4f5a-8b6c-7d8e9f0a1b2c",
                "EarningsTypeID": REGULAR,
                "SalaryWagesType": "HOURLY",
                "HourlyRate": 31.25,
                "StandardHoursPerWeek": 8,
                "EffectiveDate": msdate(date(2024, 1, 1)),
            },
        ],
        "UpdatedDateUTC": UPDATED,
    }


def us_pay_items() -> dict[str, Raw]:
    return {
        "EarningsType": {
            "PayItemType": "EarningsType",
            "PayItemID": REGULAR,
            "EarningsTypeID": REGULAR,
            "EarningsType": "Regular Hours",
            "ExpenseAccountCode": "5000",
            "EarningsCategory": "REGULAREARNINGS",
            "RateType": "RATEPERUNIT",
            "TypeOfUnits": "hours",
            "Rate": 28.5,
            "UpdatedDateUTC": UPDATED,
        },
        "BenefitType": {
            "PayItemType": "BenefitType",
            "PayItemID": "b0000000-0000-4000-8000-000000000001",
            "BenefitTypeID": "b0000000-0000-4000-8000-000000000001",
            "BenefitType": "401(k)",
            "BenefitCategory": "RETIREMENT401K",
            "LiabilityAccountCode": "2300",
            "ExpenseAccountCode": "5100",
            "UpdatedDateUTC": UPDATED,
        },
        "DeductionType": {
            "PayItemType": "DeductionType",
            "PayItemID": "d0000000-0000-4000-8000-000000000001",
            "DeductionTypeID": "d0000000-0000-4000-8000-000000000001",
            "DeductionType": "Union Dues",
            "DeductionCategory": "UNIONDUES",
            "LiabilityAccountCode": "2310",
            "UpdatedDateUTC": UPDATED,
        },
        "ReimbursementType": {
            "PayItemType": "ReimbursementType",
            "PayItemID": "a0000000-0000-4000-8000-000000000004",
            "ReimbursementTypeID": "a0000000-0000-4000-8000-000000000004",
            "ReimbursementType": "Mileage",
            "ExpenseOrLiabilityAccountCode": "5200",
            "UpdatedDateUTC": UPDATED,
        },
        "TimeOffType": {
            "PayItemType": "TimeOffType",
            "PayItemID": "f0000000-0000-4000-8000-000000000005",
            "TimeOffTypeID": "f0000000-0000-4000-8000-000000000005",
            "TimeOffType": "Vacation",
            "TimeOffCategory": "PTO",
            "LiabilityAccountCode": "2320",
            "ExpenseAccountCode": "5300",
            "UpdatedDateUTC": UPDATED,
        },
    }


def us_schedule() -> Raw:
    return {
        "PayScheduleID": BIWEEKLY,
        "PayScheduleName": "Every other Friday",
        "ScheduleType": "BIWEEKLY",
        "StartDate": msdate(date(2026, 11, 2)),
        "PaymentDate": msdate(date(2026, 11, 20)),
        "UpdatedDateUTC": UPDATED,
    }


def us_pay_run() -> Raw:
    return {
        "PayRunID": "7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908",
        "PayScheduleID": BIWEEKLY,
        "PayRunPeriodStartDate": msdate(date(2026, 11, 2)),
        "PayRunPeriodEndDate": msdate(date(2026, 11, 15)),
        "PayRunStatus": "DRAFT",
        "PaymentDate": msdate(date(2026, 11, 20)),
        "Earnings": 2769.23,
        "Deductions": 120.5,
        "Reimbursement": 42.0,
        "NetPay": 2101.12,
        "UpdatedDateUTC": UPDATED,
        "Paystubs": [
            {
                "PaystubID": "aa11bb22-cc33-4d44-8e55-ff6677889900",
                "EmployeeID": MARIA,
                "FirstName": "Maria",
                "LastName": "Garcia",
                "Earnings": 2769.23,
                "Deductions": 120.5,
                "Tax": 589.61,
                "Reimbursements": 42.0,
                "NetPay": 2101.12,
            }
        ],
    }


def us_timesheet() -> Raw:
    """Two weeks (a BIWEEKLY period): regular hours on weekdays, some overtime."""
    return {
        "TimesheetID": "c0ffee00-1234-4abc-8def-0123456789ab",
        "EmployeeID": MARIA,
        "StartDate": msdate(date(2026, 11, 2)),
        "EndDate": msdate(date(2026, 11, 15)),
        "Status": "DRAFT",
        "Hours": 83.5,
        "TimesheetLines": [
            {
                "EarningsTypeID": REGULAR,
                "WorkLocationID": OAKLAND,
                "NumberOfUnits": [8, 8, 8, 8, 8, 0, 0, 8, 8, 8, 8, 8, 0, 0],
            },
            {
                "EarningsTypeID": US_OVERTIME,
                "WorkLocationID": OAKLAND,
                "NumberOfUnits": [0, 0, 1.5, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0],
            },
        ],
        "UpdatedDateUTC": UPDATED,
    }


def us_work_location() -> Raw:
    return {
        "WorkLocationID": OAKLAND,
        "StreetAddress": "500 Broadway",
        "SuiteOrAptOrUnit": "Suite 200",
        "City": "Oakland",
        "State": "CA",
        "Zip": "94607",
        "IsPrimary": True,
        "UpdatedDateUTC": UPDATED,
    }


# -- Employees -----------------------------------------------------------------------------------


def test_au_employee_reads_person_details_and_references() -> None:
    refs = DictRefs()
    mapped = AU("Employees", au_employee(), refs)
    employee = _record(mapped[0], Employee)
    assert (mapped[0].entity, mapped[0].remote_id) == ("employees", ALBUS)
    assert employee.id == refs.hub_id("employees", ALBUS)
    assert employee.model_dump(
        include={"code", "first_name", "last_name", "status", "birth_date", "gender", "email", "job_title"}
    ) == {
        "code": None,
        "first_name": "Albus",
        "last_name": "Dumbledore",
        "status": "ACTIVE",
        "birth_date": date(1980, 3, 10),
        "gender": "M",
        "email": "albus39608@hogwarts.edu",
        "job_title": "Regional Manager",
    }
    assert employee.hired_date == date(2019, 1, 11)
    assert employee.released_date is None
    assert employee.phone is not None
    assert (employee.phone.landline, employee.phone.mobile) == ("444-2323", "555-1212")
    assert employee.address is not None
    assert employee.address.model_dump() == {
        "line1": "101 Green St",
        "line2": None,
        "city": "Island Bay",
        "region": "NSW",
        "postal_code": "6023",
        "country": "AU",
    }
    assert employee.pay_schedule_id == refs.hub_id("pay_schedules", SID_WEEKLY)
    assert employee.ordinary_pay_item_id == refs.hub_id("pay_items", ORDINARY_HOURS)
    assert employee.work_location_id is None
    assert (mapped[0].remote_version, mapped[0].remote_updated_at) == (UPDATED, UPDATED_AT)
    assert employee.updated_at == UPDATED_AT


def test_au_pay_template_earnings_lines_with_a_rate_become_salaries() -> None:
    refs = DictRefs()
    mapped = AU("Employees", au_employee(), refs)
    salaries = [_record(m, EmployeeSalary) for m in mapped[1:]]
    assert [m.entity for m in mapped] == ["employees", "employee_salaries", "employee_salaries"]
    assert [m.remote_id for m in mapped[1:]] == [f"{ALBUS}:{ORDINARY_HOURS}", f"{ALBUS}:{OVERTIME}"]
    annual, overtime = salaries
    assert annual.model_dump(include={"type", "annual_salary", "hourly_rate", "hours_per_week", "currency"}) == {
        "type": "SALARY",
        "annual_salary": Decimal("40000.0"),
        "hourly_rate": None,
        "hours_per_week": Decimal("38.0"),
        "currency": "AUD",
    }
    assert (overtime.type, overtime.hourly_rate, overtime.annual_salary) == ("HOURLY", Decimal("45.5"), None)
    assert all(s.employee_id == refs.hub_id("employees", ALBUS) for s in salaries)
    assert [s.pay_item_id for s in salaries] == [
        refs.hub_id("pay_items", ORDINARY_HOURS),
        refs.hub_id("pay_items", OVERTIME),
    ]
    assert [s.id for s in salaries] == [refs.hub_id("employee_salaries", m.remote_id) for m in mapped[1:]]


def test_au_earnings_rate_twice_in_a_pay_template_gives_one_salary_the_first() -> None:
    raw = au_employee()
    lines = raw["PayTemplate"]["EarningsLines"]
    lines.append({"EarningsRateID": OVERTIME, "CalculationType": "ENTEREARNINGSRATE", "RatePerUnit": 60})
    salaries = [_record(m, EmployeeSalary) for m in AU("Employees", raw, DictRefs())[1:]]
    assert [s.hourly_rate for s in salaries if s.type == "HOURLY"] == [Decimal("45.5")]


def test_au_earnings_line_without_calculation_type_reads_by_the_figure_it_has() -> None:
    raw = au_employee()
    raw["PayTemplate"]["EarningsLines"] = [
        {"EarningsRateID": ORDINARY_HOURS, "AnnualSalary": 52000},
        {"EarningsRateID": OVERTIME, "RatePerUnit": 41},
    ]
    salaries = [_record(m, EmployeeSalary) for m in AU("Employees", raw, DictRefs())[1:]]
    assert [(s.type, s.annual_salary, s.hourly_rate) for s in salaries] == [
        ("SALARY", Decimal(52000), None),
        ("HOURLY", None, Decimal(41)),
    ]


def test_au_employee_without_pay_template_has_no_salaries() -> None:
    raw = au_employee()
    del raw["PayTemplate"]
    assert [m.entity for m in AU("Employees", raw, DictRefs())] == ["employees"]


def test_us_employee_reads_number_address_location_and_schedule() -> None:
    refs = DictRefs()
    mapped = US("Employees", us_employee(), refs)
    employee = _record(mapped[0], Employee)
    assert (employee.code, employee.first_name, employee.last_name, employee.gender) == (
        "E-0042",
        "Maria",
        "Garcia",
        "F",
    )
    assert employee.birth_date == date(1986, 7, 14)
    assert employee.address is not None
    assert employee.address.model_dump() == {
        "line1": "1200 Pine St",
        "line2": "Apt 4B",
        "city": "Oakland",
        "region": "CA",
        "postal_code": "94607",
        "country": "US",
    }
    assert employee.pay_schedule_id == refs.hub_id("pay_schedules", BIWEEKLY)
    assert employee.work_location_id == refs.hub_id("work_locations", OAKLAND)


def test_us_ordinary_pay_item_is_the_first_hourly_wage() -> None:
    refs = DictRefs()
    employee = _record(US("Employees", us_employee(), refs)[0], Employee)
    # The annual salary comes first, but ordinary hours go under the hourly earnings type.
    assert employee.ordinary_pay_item_id == refs.hub_id("pay_items", REGULAR)


def test_us_ordinary_pay_item_is_the_first_wage_when_none_is_hourly() -> None:
    raw = us_employee()
    raw["SalaryAndWages"] = raw["SalaryAndWages"][:1]
    refs = DictRefs()
    employee = _record(US("Employees", raw, refs)[0], Employee)
    assert employee.ordinary_pay_item_id == refs.hub_id("pay_items", SALARY_TYPE)


def test_us_salary_and_wages_entries_become_salaries() -> None:
    refs = DictRefs()
    mapped = US("Employees", us_employee(), refs)
    assert [m.remote_id for m in mapped[1:]] == [
        f"{MARIA}:0b1c2d3e-0001-4f5a-8b6c-7d8e9f0a1b2c",
        f"{MARIA}:0b1c2d3e-0002-4f5a-8b6c-7d8e9f0a1b2c",
    ]
    annual, hourly = (_record(m, EmployeeSalary) for m in mapped[1:])
    assert annual.model_dump(
        include={"type", "annual_salary", "hours_per_week", "effective_from", "currency", "pay_item_id"}
    ) == {
        "type": "SALARY",
        "annual_salary": Decimal(72000),
        "hours_per_week": Decimal(40),
        "effective_from": date(2021, 3, 1),
        "currency": "USD",
        "pay_item_id": str(refs.hub_id("pay_items", SALARY_TYPE)),
    }
    assert (hourly.type, hourly.hourly_rate, hourly.effective_from) == ("HOURLY", Decimal("31.25"), date(2024, 1, 1))


@pytest.mark.parametrize(("mapper", "raw"), [(AU, au_employee()), (US, us_employee())], ids=["AU", "US"])
def test_tax_numbers_and_bank_accounts_never_reach_the_hub(mapper: Mapper, raw: Raw) -> None:
    dumped = repr([m.record.model_dump() for m in mapper("Employees", raw, DictRefs())])
    for secret in (TAX_FILE_NUMBER, SSN, BANK_ACCOUNT_NUMBER, "062000", "121000358"):
        assert secret not in dumped


@pytest.mark.parametrize(("code", "gender"), [("M", "M"), ("F", "F"), ("I", "I"), ("N", "N")])
def test_au_genders_read_through(code: str, gender: str) -> None:
    employee = _record(AU("Employees", {**au_employee(), "Gender": code}, DictRefs())[0], Employee)
    assert employee.gender == gender


def test_us_gender_outside_m_and_f_is_refused() -> None:
    with pytest.raises(MappingError, match=r"Gender: unknown value, expected one of M, F \(got 'I'\)"):
        US("Employees", {**us_employee(), "Gender": "I"}, DictRefs())


def test_terminated_employee_keeps_release_date() -> None:
    raw = {**au_employee(), "Status": "TERMINATED", "TerminationDate": "/Date(1584662400000+0000)/"}
    employee = _record(AU("Employees", raw, DictRefs())[0], Employee)
    assert (employee.status, employee.released_date) == ("TERMINATED", date(2020, 3, 20))


def test_employee_with_a_termination_date_but_no_status_is_terminated() -> None:
    raw = {**au_employee(), "TerminationDate": "/Date(1584662400000+0000)/"}
    del raw["Status"]
    assert _record(AU("Employees", raw, DictRefs())[0], Employee).status == "TERMINATED"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"EmployeeID": None}, "EmployeeID: missing"),
        ({"DateOfBirth": "/Date(abc)/"}, r"DateOfBirth: malformed MS JSON date"),
        ({"Status": "RETIRED"}, r"Status: unknown value, expected one of ACTIVE, TERMINATED \(got 'RETIRED'\)"),
        ({"Email": "albus at hogwarts"}, r"employees\.email: not an email address"),
        ({"LastName": ""}, r"employees\.last_name"),
        ({"HomeAddress": {"AddressLine1": "1 Privet Dr", "Country": "Narnia"}}, r"HomeAddress\.Country: unknown"),
        (
            {"PayTemplate": {"EarningsLines": [{"EarningsRateID": OVERTIME, "RatePerUnit": "lots"}]}},
            r"PayTemplate\.EarningsLines\[0\]\.RatePerUnit: not a number \(got 'lots'\)",
        ),
        (
            {"PayTemplate": {"EarningsLines": [{"EarningsRateID": OVERTIME, "CalculationType": "PIECEWORK"}]}},
            r"PayTemplate\.EarningsLines\[0\]\.CalculationType: unknown value",
        ),
        (
            {"PayTemplate": {"EarningsLines": [{"CalculationType": "ENTEREARNINGSRATE", "RatePerUnit": 30}]}},
            r"PayTemplate\.EarningsLines\[0\]\.EarningsRateID: missing",
        ),
    ],
)
def test_malformed_au_employee_is_refused_with_a_reason(change: Raw, reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        AU("Employees", {**au_employee(), **change}, DictRefs())


def test_us_hourly_wage_without_a_rate_names_the_entry() -> None:
    raw = us_employee()
    del raw["SalaryAndWages"][1]["HourlyRate"]
    with pytest.raises(MappingError, match=r"SalaryAndWages\[1\]: employee_salaries: an hourly salary needs"):
        US("Employees", raw, DictRefs())


def test_us_unknown_wage_type_is_refused() -> None:
    raw = us_employee()
    raw["SalaryAndWages"][0]["SalaryWagesType"] = "PIECE"
    with pytest.raises(MappingError, match=r"SalaryAndWages\[0\]\.SalaryWagesType: unknown value"):
        US("Employees", raw, DictRefs())


# -- PayItems ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "EarningsRate",
            ("Ordinary Hours", "EARNINGS", "ORDINARYTIMEEARNINGS", Decimal(3), True),
        ),
        ("DeductionType", ("Union Fees/Subscriptions", "DEDUCTION", "UNIONFEES", None, True)),
        ("LeaveType", ("Long Service Leave", "TIMEOFF", "LONGSERVICELEAVE", None, False)),
        ("ReimbursementType", ("Travel Costs", "REIMBURSEMENT", None, None, True)),
    ],
)
def test_au_pay_items_read_by_kind(kind: str, expected: tuple[t.Any, ...]) -> None:
    raw = au_pay_items()[kind]
    refs = DictRefs()
    [mapped] = AU("PayItems", raw, refs)
    item = _record(mapped, PayItem)
    assert (item.name, item.type, item.sub_type, item.rate, item.show_on_payslip) == expected
    assert mapped.remote_id == raw["PayItemID"]
    assert item.id == refs.hub_id("pay_items", raw["PayItemID"])
    # Payroll names accounts by code only: no account id is made up.
    assert item.account_id is None
    assert item.deleted_at is None


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("EarningsType", ("Regular Hours", "EARNINGS", "REGULAREARNINGS", Decimal("28.5"))),
        ("BenefitType", ("401(k)", "BENEFIT", "RETIREMENT401K", None)),
        ("DeductionType", ("Union Dues", "DEDUCTION", "UNIONDUES", None)),
        ("ReimbursementType", ("Mileage", "REIMBURSEMENT", None, None)),
        ("TimeOffType", ("Vacation", "TIMEOFF", "PTO", None)),
    ],
)
def test_us_pay_items_read_by_kind(kind: str, expected: tuple[t.Any, ...]) -> None:
    raw = us_pay_items()[kind]
    item = _one(US, "PayItems", raw, DictRefs(), PayItem)
    assert (item.name, item.type, item.sub_type, item.rate) == expected
    assert item.account_id is None


def test_pay_item_and_employee_reference_one_hub_record() -> None:
    refs = DictRefs()
    item = _one(AU, "PayItems", au_pay_items()["EarningsRate"], refs, PayItem)
    employee = _record(AU("Employees", au_employee(), refs)[0], Employee)
    assert employee.ordinary_pay_item_id == item.id


def test_pay_item_with_an_account_id_refers_to_the_account() -> None:
    raw = {**au_pay_items()["ReimbursementType"], "AccountID": "7e130864-5864-4c60-94eb-3c53c95da138"}
    refs = DictRefs()
    item = _one(AU, "PayItems", raw, refs, PayItem)
    assert item.account_id == refs.hub_id("accounts", "7e130864-5864-4c60-94eb-3c53c95da138")


def test_fixed_amount_earnings_rate_carries_its_amount() -> None:
    raw = {**au_pay_items()["EarningsRate"], "RateType": "FIXEDAMOUNT", "Amount": 50.30}
    del raw["RatePerUnit"]
    assert _one(AU, "PayItems", raw, DictRefs(), PayItem).rate == Decimal("50.3")


def test_pay_item_no_longer_current_is_a_tombstone() -> None:
    raw = {**au_pay_items()["DeductionType"], "CurrentRecord": False}
    item = _one(AU, "PayItems", raw, DictRefs(), PayItem)
    assert item.deleted_at == datetime(2019, 1, 14, 21, 12, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("mapper", "raw", "reason"),
    [
        (AU, {**au_pay_items()["LeaveType"], "PayItemType": "TimeOffType"}, r"PayItemType: unknown value"),
        (US, {**us_pay_items()["TimeOffType"], "PayItemType": "LeaveType"}, r"PayItemType: unknown value"),
        (AU, {**au_pay_items()["EarningsRate"], "PayItemType": None}, r"PayItemType: missing"),
        (AU, {**au_pay_items()["EarningsRate"], "RatePerUnit": "ten"}, r"RatePerUnit: not a number \(got 'ten'\)"),
        (AU, {**au_pay_items()["EarningsRate"], "Name": " "}, r"Name: missing, and a pay item needs a name"),
        (US, {**us_pay_items()["BenefitType"], "BenefitType": None}, r"BenefitType: missing"),
        (
            AU,
            {**au_pay_items()["DeductionType"], "PayItemID": None, "DeductionTypeID": None},
            r"PayItemID: missing",
        ),
        (AU, {**au_pay_items()["LeaveType"], "ShowOnPayslip": "sometimes"}, r"ShowOnPayslip: expected true or false"),
    ],
)
def test_malformed_pay_item_is_refused_with_a_reason(mapper: Mapper, raw: Raw, reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        mapper("PayItems", raw, DictRefs())


# -- pay schedules -------------------------------------------------------------------------------


def test_au_payroll_calendar_reads_as_a_pay_schedule() -> None:
    refs = DictRefs()
    [mapped] = AU("PayrollCalendars", au_calendar(), refs)
    schedule = _record(mapped, PaySchedule)
    assert (mapped.entity, mapped.remote_id) == ("pay_schedules", SID_WEEKLY)
    assert schedule.id == refs.hub_id("pay_schedules", SID_WEEKLY)
    assert schedule.model_dump(include={"name", "schedule_type", "start_date", "payment_date"}) == {
        "name": "Sid Weekly",
        "schedule_type": "WEEKLY",
        "start_date": date(2019, 11, 8),
        "payment_date": date(2019, 11, 15),
    }


@pytest.mark.parametrize("kind", ["WEEKLY", "FORTNIGHTLY", "FOURWEEKLY", "MONTHLY", "TWICEMONTHLY", "QUARTERLY"])
def test_au_calendar_types_map_one_to_one(kind: str) -> None:
    schedule = _one(AU, "PayrollCalendars", {**au_calendar(), "CalendarType": kind}, DictRefs(), PaySchedule)
    assert schedule.schedule_type == kind


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("WEEKLY", "WEEKLY"), ("BIWEEKLY", "FORTNIGHTLY"), ("SEMIMONTHLY", "TWICEMONTHLY"), ("MONTHLY", "MONTHLY")],
)
def test_us_schedule_types_map_to_canonical_ones(kind: str, expected: str) -> None:
    schedule = _one(US, "PaySchedules", {**us_schedule(), "ScheduleType": kind}, DictRefs(), PaySchedule)
    assert (schedule.name, schedule.schedule_type) == ("Every other Friday", expected)
    assert (schedule.start_date, schedule.payment_date) == (date(2026, 11, 2), date(2026, 11, 20))


@pytest.mark.parametrize(
    ("mapper", "stream", "raw", "reason"),
    [
        (US, "PaySchedules", {**us_schedule(), "ScheduleType": "FORTNIGHTLY"}, r"ScheduleType: unknown value"),
        (AU, "PayrollCalendars", {**au_calendar(), "CalendarType": "BIWEEKLY"}, r"CalendarType: unknown value"),
        (AU, "PayrollCalendars", {**au_calendar(), "CalendarType": None}, r"CalendarType: missing"),
        (AU, "PayrollCalendars", {**au_calendar(), "Name": None}, r"pay_schedules\.name"),
        (AU, "PayrollCalendars", {**au_calendar(), "StartDate": "2019-13-45"}, r"StartDate: not a calendar date"),
    ],
)
def test_malformed_pay_schedule_is_refused(mapper: Mapper, stream: str, raw: Raw, reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        mapper(stream, raw, DictRefs())


# -- pay runs ------------------------------------------------------------------------------------


def test_au_pay_run_reads_period_status_and_payslips() -> None:
    refs = DictRefs()
    run = _one(AU, "PayRuns", au_pay_run(), refs, PayRun)
    assert run.model_dump(include={"status", "period_start", "period_end", "payment_date", "currency"}) == {
        "status": "POSTED",
        "period_start": date(2019, 11, 1),
        "period_end": date(2019, 11, 7),
        "payment_date": date(2019, 11, 8),
        "currency": "AUD",
    }
    assert run.pay_schedule_id == refs.hub_id("pay_schedules", SID_WEEKLY)
    albus = run.payslips[0]
    assert albus.employee_id == refs.hub_id("employees", ALBUS)
    # Wages are the earnings, Super the benefits.
    assert albus.model_dump(exclude={"employee_id", "hours"}) == {
        "earnings": Decimal("5.4"),
        "deductions": Decimal(4),
        "tax": Decimal(0),
        "benefits": Decimal("0.59"),
        "reimbursements": Decimal(55),
        "net_pay": Decimal("1.4"),
    }
    assert len(run.payslips) == 2


def test_pay_run_from_the_list_has_no_payslips() -> None:
    raw = au_pay_run()
    del raw["Payslips"]
    assert _one(AU, "PayRuns", raw, DictRefs(), PayRun).payslips == []


def test_us_pay_run_reads_paystubs() -> None:
    refs = DictRefs()
    run = _one(US, "PayRuns", us_pay_run(), refs, PayRun)
    assert (run.status, run.currency, run.pay_schedule_id) == ("DRAFT", "USD", refs.hub_id("pay_schedules", BIWEEKLY))
    [stub] = run.payslips
    assert stub.model_dump(exclude={"hours"}) == {
        "employee_id": str(refs.hub_id("employees", MARIA)),
        "earnings": Decimal("2769.23"),
        "deductions": Decimal("120.5"),
        "tax": Decimal("589.61"),
        "benefits": Decimal(0),
        "reimbursements": Decimal("42.0"),
        "net_pay": Decimal("2101.12"),
    }


def _au_slip(**change: t.Any) -> Raw:
    raw = au_pay_run()
    raw["Payslips"][0].update(change)
    return raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({**au_pay_run(), "PayRunStatus": "PAID"}, r"PayRunStatus: unknown value, expected one of DRAFT, POSTED"),
        ({**au_pay_run(), "PayRunPeriodStartDate": None}, r"PayRunPeriodStartDate: missing"),
        ({**au_pay_run(), "PayRunID": ""}, r"PayRunID: missing"),
        (_au_slip(NetPay=None), r"pay_runs\.payslips\[0\]\.net_pay: Field required"),
        (_au_slip(EmployeeID=None), r"Payslips\[0\]\.EmployeeID: missing"),
        (_au_slip(Wages="n/a"), r"Payslips\[0\]\.Wages: not a number"),
        (_au_slip(Tax=-5), r"pay_runs\.payslips\[0\]\.tax: must be >= 0"),
    ],
)
def test_malformed_pay_run_is_refused(raw: Raw, reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        AU("PayRuns", raw, DictRefs())


# -- timesheets ------------------------------------------------------------------------------------


def test_au_timesheet_reads_one_activity_per_day_worked() -> None:
    refs = DictRefs()
    [mapped] = AU("Timesheets", au_timesheet(), refs)
    sheet = _record(mapped, TimeSheet)
    assert (mapped.entity, mapped.remote_id) == ("time_sheets", "863bbd31-0447-4419-80d5-d733d5e723ba")
    assert sheet.employee_id == refs.hub_id("employees", JACK)
    assert (sheet.start_date, sheet.end_date, sheet.status) == (date(2019, 1, 18), date(2019, 1, 24), "APPROVED")
    ordinary, overtime = sheet.lines
    assert (ordinary.line_order, ordinary.pay_item_id) == (1, refs.hub_id("pay_items", ORDINARY_HOURS))
    # Six days of 4 hours; the seventh, 0, is left out.
    assert [(a.transaction_date, a.hours) for a in ordinary.time_activities] == [
        (date(2019, 1, 18) + timedelta(days=n), Decimal("4.0")) for n in range(6)
    ]
    assert [(a.transaction_date, a.hours) for a in overtime.time_activities] == [
        (date(2019, 1, 19), Decimal("1.5")),
        (date(2019, 1, 22), Decimal("2.25")),
    ]
    assert sheet.total_hours == Decimal("27.75")
    assert ordinary.work_location_id is None


def test_au_requested_timesheet_is_submitted() -> None:
    sheet = _one(AU, "Timesheets", {**au_timesheet(), "Status": "REQUESTED"}, DictRefs(), TimeSheet)
    assert sheet.status == "SUBMITTED"


def test_us_timesheet_reads_earnings_types_and_work_location() -> None:
    refs = DictRefs()
    sheet = _one(US, "Timesheets", us_timesheet(), refs, TimeSheet)
    regular, overtime = sheet.lines
    assert regular.pay_item_id == refs.hub_id("pay_items", REGULAR)
    assert regular.work_location_id == refs.hub_id("work_locations", OAKLAND)
    assert len(regular.time_activities) == 10
    assert [(a.transaction_date, a.hours) for a in overtime.time_activities] == [
        (date(2026, 11, 4), Decimal("1.5")),
        (date(2026, 11, 13), Decimal(2)),
    ]
    assert (sheet.status, sheet.total_hours) == ("DRAFT", Decimal("83.5"))


def test_timesheet_line_with_the_wrong_number_of_days_is_refused() -> None:
    raw = au_timesheet()
    raw["TimesheetLines"][1]["NumberOfUnits"] = [0, 1.5, 0, 0, 2.25, 0]
    with pytest.raises(
        MappingError,
        match=r"TimesheetLines\[1\]\.NumberOfUnits: 6 entries for a 7-day period starting 2019-01-18; "
        r"Xero keeps one number per day",
    ):
        AU("Timesheets", raw, DictRefs())


@pytest.mark.parametrize(
    ("mapper", "raw", "reason"),
    [
        (US, {**us_timesheet(), "Status": "REQUESTED"}, r"Status: unknown value, expected one of DRAFT, APPROVED"),
        (AU, {**au_timesheet(), "EmployeeID": None}, r"EmployeeID: missing"),
        (AU, {**au_timesheet(), "EndDate": "/Date(1547683200000)/"}, r"EndDate: the period ends before it starts"),
        (AU, {**au_timesheet(), "StartDate": "next monday"}, r"StartDate: not a date"),
        (
            AU,
            {
                **au_timesheet(),
                "TimesheetLines": [{"EarningsRateID": OVERTIME, "NumberOfUnits": [1, 2, "x", 0, 0, 0, 0]}],
            },
            r"TimesheetLines\[0\]\.NumberOfUnits\[2\]: not a number \(got 'x'\)",
        ),
        (
            AU,
            {
                **au_timesheet(),
                "TimesheetLines": [{"EarningsRateID": OVERTIME, "NumberOfUnits": [25, 0, 0, 0, 0, 0, 0]}],
            },
            r"time_sheets\.lines\[0\]\.time_activities\[0\]\.hours",
        ),
    ],
)
def test_malformed_timesheet_is_refused(mapper: Mapper, raw: Raw, reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        mapper("Timesheets", raw, DictRefs())


# -- timesheets back to Xero -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapper", "raw", "country"), [(AU, au_timesheet(), "AU"), (US, us_timesheet(), "US")], ids=["AU", "US"]
)
def test_timesheet_round_trip_keeps_units_per_day(mapper: Mapper, raw: Raw, country: str) -> None:
    refs = DictRefs()
    sheet = _one(mapper, "Timesheets", raw, refs, TimeSheet)
    payload = time_sheet_to_xero(sheet, refs, country)
    assert payload["TimesheetID"] == raw["TimesheetID"]
    assert payload["EmployeeID"] == raw["EmployeeID"]
    assert (payload["StartDate"], payload["EndDate"]) == (sheet.start_date.isoformat(), sheet.end_date.isoformat())
    key = "EarningsRateID" if country == "AU" else "EarningsTypeID"
    assert [line[key] for line in payload["TimesheetLines"]] == [line[key] for line in raw["TimesheetLines"]]
    assert [line["NumberOfUnits"] for line in payload["TimesheetLines"]] == [
        line["NumberOfUnits"] for line in raw["TimesheetLines"]
    ]
    assert ("WorkLocationID" in payload["TimesheetLines"][0]) is (country == "US")
    # Read back, the payload gives the same sheet.
    echoed = {**payload, "UpdatedDateUTC": raw["UpdatedDateUTC"]}
    assert _one(mapper, "Timesheets", echoed, refs, TimeSheet) == sheet


def test_us_timesheet_payload_names_the_work_location() -> None:
    refs = DictRefs()
    sheet = _one(US, "Timesheets", us_timesheet(), refs, TimeSheet)
    assert time_sheet_to_xero(sheet, refs, "US")["TimesheetLines"][0]["WorkLocationID"] == OAKLAND


def _new_sheet(refs: DictRefs, **change: t.Any) -> TimeSheet:
    """A week's sheet made in the hub (from a time tracker), for an employee and pay item Xero has."""
    start = date(2026, 11, 2)
    data: dict[str, t.Any] = {
        "employee_id": refs.hub_id("employees", JACK),
        "start_date": start,
        "end_date": start + timedelta(days=6),
        "status": "APPROVED",
        "lines": [
            TimeSheetLine(
                pay_item_id=refs.hub_id("pay_items", ORDINARY_HOURS),
                time_activities=[
                    TimeActivity(transaction_date=start, hours=Decimal("3.5")),
                    TimeActivity(transaction_date=start, hours=Decimal("4")),  # a second shift that day
                    TimeActivity(transaction_date=start + timedelta(days=3), hours=Decimal("7.6")),
                ],
            )
        ],
        **change,
    }
    return TimeSheet.model_validate(data)


def test_new_timesheet_payload_sums_shifts_per_day_and_has_no_id() -> None:
    refs = DictRefs()
    payload = time_sheet_to_xero(_new_sheet(refs), refs, "AU")
    assert payload == {
        "EmployeeID": JACK,
        "StartDate": "2026-11-02",
        "EndDate": "2026-11-08",
        "Status": "APPROVED",
        "TimesheetLines": [{"EarningsRateID": ORDINARY_HOURS, "NumberOfUnits": [7.5, 0, 0, 7.6, 0, 0, 0]}],
    }


@pytest.mark.parametrize(
    ("status", "sent"),
    [("APPROVED", "APPROVED"), ("DRAFT", "DRAFT"), ("SUBMITTED", "DRAFT"), ("REJECTED", "DRAFT")],
)
def test_timesheet_is_sent_as_draft_unless_approved(status: str, sent: str) -> None:
    refs = DictRefs()
    assert time_sheet_to_xero(_new_sheet(refs, status=status), refs, "AU")["Status"] == sent


def test_timesheet_of_an_employee_not_in_xero_waits() -> None:
    refs = DictRefs()
    sheet = _new_sheet(refs, employee_id=refs.new_id())  # a hub employee the id map has no Xero id for
    with pytest.raises(WaitingForReference, match=r"time_sheets\.employee_id: .* not in Xero yet") as waiting:
        time_sheet_to_xero(sheet, refs, "AU")
    assert waiting.value.target == ("employees", sheet.employee_id)


def test_timesheet_line_on_a_pay_item_not_in_xero_waits() -> None:
    refs = DictRefs()
    sheet = _new_sheet(refs)
    missing = refs.new_id()
    sheet.lines[0].pay_item_id = missing
    with pytest.raises(WaitingForReference, match=r"time_sheets\.lines\[0\]\.pay_item_id") as waiting:
        time_sheet_to_xero(sheet, refs, "AU")
    assert waiting.value.target == ("pay_items", missing)


def test_us_timesheet_line_at_a_location_not_in_xero_waits() -> None:
    refs = DictRefs()
    sheet = _new_sheet(refs)
    missing = refs.new_id()
    sheet.lines[0].work_location_id = missing
    with pytest.raises(WaitingForReference) as waiting:
        time_sheet_to_xero(sheet, refs, "US")
    assert waiting.value.target == ("work_locations", missing)


def test_timesheet_line_without_a_pay_item_cannot_be_sent() -> None:
    refs = DictRefs()
    sheet = _new_sheet(refs)
    sheet.lines[0].pay_item_id = None
    with pytest.raises(MappingError, match=r"time_sheets\.lines\[0\]\.pay_item_id: missing"):
        time_sheet_to_xero(sheet, refs, "AU")


def test_timesheet_for_a_country_without_payroll_is_a_caller_error() -> None:
    refs = DictRefs()
    with pytest.raises(ValueError, match="AU and US organisations only"):
        time_sheet_to_xero(_new_sheet(refs), refs, "NZ")


# -- leave applications ----------------------------------------------------------------------------


def test_au_leave_application_reads_its_leave_type_and_periods() -> None:
    refs = DictRefs()
    leave = _one(AU, "LeaveApplications", au_leave_application(), refs, LeaveApplication)
    assert leave.employee_id == refs.hub_id("employees", JACK)
    assert leave.pay_item_id == refs.hub_id("pay_items", ANNUAL_LEAVE)
    assert (leave.title, leave.description) == ("Yep Carer Leave", "My updated Description")
    assert (leave.start_date, leave.end_date) == (date(2019, 10, 31), date(2019, 11, 1))
    assert [p.model_dump() for p in leave.leave_periods] == [
        {
            "start_date": date(2019, 10, 25),
            "end_date": date(2019, 10, 31),
            "units": Decimal("7.6"),
            "status": "PROCESSED",
        },
        {"start_date": date(2019, 11, 1), "end_date": date(2019, 11, 7), "units": Decimal(0), "status": "SCHEDULED"},
    ]


def _leave_period(**change: t.Any) -> Raw:
    raw = au_leave_application()
    raw["LeavePeriods"][0].update(change)
    return raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (_leave_period(LeavePeriodStatus="APPROVED"), r"LeavePeriods\[0\]\.LeavePeriodStatus: unknown value"),
        (_leave_period(NumberOfUnits=None), r"leave_applications\.leave_periods\[0\]\.units: Field required"),
        (_leave_period(PayPeriodEndDate=None), r"LeavePeriods\[0\]\.PayPeriodEndDate: missing"),
        ({**au_leave_application(), "EmployeeID": None}, r"EmployeeID: missing"),
        ({**au_leave_application(), "EndDate": "/Date(1572393600000+0000)/"}, r"leave_applications: the leave ends"),
    ],
)
def test_malformed_leave_application_is_refused(raw: Raw, reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        AU("LeaveApplications", raw, DictRefs())


# -- work locations --------------------------------------------------------------------------------


def test_us_work_location_is_named_by_its_address() -> None:
    refs = DictRefs()
    [mapped] = US("WorkLocations", us_work_location(), refs)
    location = _record(mapped, WorkLocation)
    assert (mapped.entity, mapped.remote_id, location.id) == (
        "work_locations",
        OAKLAND,
        refs.hub_id("work_locations", OAKLAND),
    )
    assert location.name == "500 Broadway, Suite 200, Oakland, CA 94607"
    assert location.is_primary is True
    assert location.address is not None
    assert location.address.model_dump() == {
        "line1": "500 Broadway",
        "line2": "Suite 200",
        "city": "Oakland",
        "region": "CA",
        "postal_code": "94607",
        "country": "US",
    }


def test_work_location_without_suite_or_primary_flag() -> None:
    raw = {**us_work_location(), "SuiteOrAptOrUnit": None, "IsPrimary": None}
    location = _one(US, "WorkLocations", raw, DictRefs(), WorkLocation)
    assert (location.name, location.is_primary) == ("500 Broadway, Oakland, CA 94607", False)


def test_work_location_without_an_address_is_refused() -> None:
    raw = {"WorkLocationID": OAKLAND, "IsPrimary": True}
    with pytest.raises(MappingError, match="StreetAddress: missing"):
        US("WorkLocations", raw, DictRefs())


# -- the mapper ------------------------------------------------------------------------------------

AU_RECORDS: dict[str, Raw] = {
    "Employees": au_employee(),
    "PayItems": au_pay_items()["EarningsRate"],
    "PayrollCalendars": au_calendar(),
    "PayRuns": au_pay_run(),
    "Timesheets": au_timesheet(),
    "LeaveApplications": au_leave_application(),
}
US_RECORDS: dict[str, Raw] = {
    "Employees": us_employee(),
    "PayItems": us_pay_items()["EarningsType"],
    "PaySchedules": us_schedule(),
    "PayRuns": us_pay_run(),
    "Timesheets": us_timesheet(),
    "WorkLocations": us_work_location(),
}
ENTITIES = {
    "Employees": "employees",
    "PayItems": "pay_items",
    "PayrollCalendars": "pay_schedules",
    "PaySchedules": "pay_schedules",
    "PayRuns": "pay_runs",
    "Timesheets": "time_sheets",
    "LeaveApplications": "leave_applications",
    "WorkLocations": "work_locations",
}


@pytest.mark.parametrize(
    ("mapper", "stream", "raw"),
    [(AU, s, r) for s, r in AU_RECORDS.items()] + [(US, s, r) for s, r in US_RECORDS.items()],
    ids=[f"AU-{s}" for s in AU_RECORDS] + [f"US-{s}" for s in US_RECORDS],
)
def test_every_stream_maps_its_record_under_its_id_field(mapper: Mapper, stream: str, raw: Raw) -> None:
    refs = DictRefs()
    first = mapper(stream, raw, refs)[0]
    assert first.entity == ENTITIES[stream]
    assert first.remote_id == raw[PAYROLL_ID_FIELDS[stream]]
    assert first.record.id == refs.hub_id(first.entity, first.remote_id)
    assert first.remote_version == raw["UpdatedDateUTC"]


@pytest.mark.parametrize(("country", "records"), [("AU", AU_RECORDS), ("US", US_RECORDS)])
def test_mapper_reads_every_collection_the_client_reads_by_the_same_id(country: str, records: dict[str, Raw]) -> None:
    streams = PAYROLL_STREAMS[country]
    assert set(streams) == set(records)
    assert {name: s.id_field for name, s in streams.items()} == {name: PAYROLL_ID_FIELDS[name] for name in streams}


@pytest.mark.parametrize(
    ("mapper", "stream"),
    [(US, "LeaveApplications"), (US, "PayrollCalendars"), (AU, "WorkLocations"), (AU, "PaySchedules"), (AU, "Items")],
)
def test_stream_the_country_does_not_have_is_a_caller_error(mapper: Mapper, stream: str) -> None:
    with pytest.raises(KeyError, match="payroll collection"):
        mapper(stream, {}, DictRefs())


def test_payroll_mapper_for_a_country_without_payroll_is_refused() -> None:
    with pytest.raises(ValueError, match="AU and US organisations only, not 'NZ'"):
        payroll_mapper("NZ", "NZD")


def test_record_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(MappingError, match="record: expected a JSON object"):
        AU("PayRuns", t.cast(dict[str, t.Any], ["not", "a", "record"]), DictRefs())
