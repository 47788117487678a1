"""Pure mapping between Xero Payroll (AU and US) records and the canonical HR model.

``payroll_mapper(country, currency)`` gives the map stage's function,
``(stream, raw record, refs) -> [Mapped]``, for one organisation: its country
(AU or US) decides which payroll API the records come from, its base currency
is the currency of salaries and pay runs (payroll records never name one).
Timesheets, the one entity written back to Xero, live in ``payroll_time``.

Conventions
-----------
* **Remote ids** are Xero's GUIDs. Salaries have none of their own in AU: an
  AU salary is ``{EmployeeID}:{EarningsRateID}`` (one per pay template earnings
  line), a US one ``{EmployeeID}:{SalaryAndWagesID}``.
* **Pay items** arrive one sub-item per record (the client flattens Xero's
  single PayItems object) with ``PayItemType`` and ``PayItemID`` added. Items
  Xero no longer lists as current (``CurrentRecord: false``) are tombstones.
  Payroll names accounts by code only, so ``account_id`` stays empty unless an
  AccountID is given.
* **Never stored**: tax file numbers, social security numbers, tax
  declarations and bank accounts are not read at all.
* **Addresses** without a country are taken to be in the organisation's
  country (US payroll addresses carry none; AU payroll takes AU states only).
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Mapping
from uuid import UUID

from connectors.base.mapping import Mapped, MappingError, Refs
from connectors.xero.payroll_time import time_sheet_to_xero, timesheet_to_canonical
from connectors.xero.payroll_values import PayrollFields, build, mapped, payroll_country
from datashare.model import (
    Employee,
    EmployeeSalary,
    EmployeeStatus,
    Gender,
    LeaveApplication,
    LeavePeriodStatus,
    PayItem,
    PayItemType,
    PayRun,
    PayRunStatus,
    PaySchedule,
    SalaryType,
    ScheduleType,
    WorkLocation,
)

__all__ = [
    "PAYROLL_ID_FIELDS",
    "employee_to_canonical",
    "leave_application_to_canonical",
    "pay_item_to_canonical",
    "pay_run_to_canonical",
    "pay_schedule_to_canonical",
    "payroll_mapper",
    "time_sheet_to_xero",
    "timesheet_to_canonical",
    "work_location_to_canonical",
]

Raw = Mapping[str, t.Any]
Mapper = Callable[[str, dict[str, t.Any], Refs], list[Mapped]]

PAYROLL_ID_FIELDS: dict[str, str] = {
    "Employees": "EmployeeID",
    "PayItems": "PayItemID",
    "PayrollCalendars": "PayrollCalendarID",
    "PaySchedules": "PayScheduleID",
    "PayRuns": "PayRunID",
    "Timesheets": "TimesheetID",
    "LeaveApplications": "LeaveApplicationID",
    "WorkLocations": "WorkLocationID",
}
"""The id field of each payroll collection's records."""


_GENDERS: dict[str, dict[str, Gender]] = {
    "AU": {"M": Gender.MALE, "F": Gender.FEMALE, "I": Gender.NON_BINARY, "N": Gender.NOT_STATED},
    "US": {"M": Gender.MALE, "F": Gender.FEMALE},
}
_EMPLOYEE_STATUSES = {s.value: s for s in EmployeeStatus}
_PAY_RUN_STATUSES = {s.value: s for s in PayRunStatus}
_LEAVE_PERIOD_STATUSES = {s.value: s for s in LeavePeriodStatus}
_SCHEDULE_TYPES: dict[str, dict[str, ScheduleType]] = {
    "AU": {s.value: s for s in ScheduleType},
    "US": {
        "WEEKLY": ScheduleType.WEEKLY,
        "BIWEEKLY": ScheduleType.FORTNIGHTLY,
        "SEMIMONTHLY": ScheduleType.TWICEMONTHLY,
        "MONTHLY": ScheduleType.MONTHLY,
    },
}
_AU_CALCULATIONS = ("USEEARNINGSRATE", "ENTEREARNINGSRATE", "ANNUALSALARY")
_US_WAGE_TYPES = {"HOURLY": SalaryType.HOURLY, "ANNUAL": SalaryType.SALARY}


class _PayItemKind(t.NamedTuple):
    """How one kind of pay item reads: its type, and which keys hold its id, name and sub-type."""

    type: PayItemType
    id_key: str
    name_key: str
    sub_type_key: str | None
    rate_keys: tuple[str, ...] = ()


_PAY_ITEM_KINDS: dict[str, dict[str, _PayItemKind]] = {
    "AU": {
        # RatePerUnit for RATEPERUNIT rates, Amount for FIXEDAMOUNT ones; a MULTIPLE rate's
        # Multiplier is a factor of the employee's ordinary rate, not money, so it is no rate.
        "EarningsRate": _PayItemKind(
            PayItemType.EARNINGS, "EarningsRateID", "Name", "EarningsType", ("RatePerUnit", "Amount")
        ),
        "DeductionType": _PayItemKind(PayItemType.DEDUCTION, "DeductionTypeID", "Name", "DeductionCategory"),
        "LeaveType": _PayItemKind(PayItemType.TIMEOFF, "LeaveTypeID", "Name", "LeaveCategoryCode"),
        "ReimbursementType": _PayItemKind(PayItemType.REIMBURSEMENT, "ReimbursementTypeID", "Name", None),
    },
    "US": {
        # US items carry their name under their own type's key ("EarningsType": "Regular Hours").
        "EarningsType": _PayItemKind(
            PayItemType.EARNINGS, "EarningsTypeID", "EarningsType", "EarningsCategory", ("Rate",)
        ),
        "BenefitType": _PayItemKind(PayItemType.BENEFIT, "BenefitTypeID", "BenefitType", "BenefitCategory"),
        "DeductionType": _PayItemKind(PayItemType.DEDUCTION, "DeductionTypeID", "DeductionType", "DeductionCategory"),
        "ReimbursementType": _PayItemKind(PayItemType.REIMBURSEMENT, "ReimbursementTypeID", "ReimbursementType", None),
        "TimeOffType": _PayItemKind(PayItemType.TIMEOFF, "TimeOffTypeID", "TimeOffType", "TimeOffCategory"),
    },
}


def _present(**values: object) -> dict[str, object]:
    """Only the values that are there, so the model's defaults apply to the rest."""
    return {key: value for key, value in values.items() if value is not None}


def _ref(refs: Refs, entity: str, f: PayrollFields, key: str) -> UUID | None:
    """The hub id of the record ``key`` names, or None when the key is empty."""
    remote = f.text(key)
    return refs.hub_id(entity, remote) if remote else None


# -- employees and their salaries ------------------------------------------------------------


def _address(f: PayrollFields | None, country: str) -> dict[str, t.Any] | None:
    """A home or work address; AU names its parts as Xero's accounting does, the US API its own way."""
    if f is None:
        return None
    if country == "AU":
        parts = ("AddressLine1", "AddressLine2", "City", "Region", "PostalCode")
    else:
        parts = ("StreetAddress", "SuiteOrAptOrUnit", "City", "State", "Zip")
    line1, line2, city, region, postal_code = (f.text(key) for key in parts)
    if not any((line1, line2, city, region, postal_code)):
        return None
    code = f.country("Country") if country == "AU" else None
    return {
        "line1": line1,
        "line2": line2,
        "city": city,
        "region": region,
        "postal_code": postal_code,
        "country": code or country,
    }


def _au_salaries(f: PayrollFields, refs: Refs, employee_id: str, currency: str) -> list[Mapped]:
    """One salary per pay template earnings line that carries a rate; the first line of a rate wins."""
    template = f.obj("PayTemplate")
    out: list[Mapped] = []
    seen: set[str] = set()
    for line in template.objs("EarningsLines") if template else []:
        rate_id = line.required("EarningsRateID")
        calculation = line.choice("CalculationType", {c: c for c in _AU_CALCULATIONS})
        annual, per_unit = line.number("AnnualSalary"), line.number("RatePerUnit")
        salaried = calculation == "ANNUALSALARY" or (calculation is None and annual is not None)
        if (annual if salaried else per_unit) is None or rate_id in seen:
            # No rate: the line takes the earnings rate's own (USEEARNINGSRATE) or an amount.
            continue
        seen.add(rate_id)
        remote_id = f"{employee_id}:{rate_id}"
        data = _present(
            id=refs.hub_id("employee_salaries", remote_id),
            employee_id=refs.hub_id("employees", employee_id),
            pay_item_id=refs.hub_id("pay_items", rate_id),
            type=SalaryType.SALARY if salaried else SalaryType.HOURLY,
            currency=currency,
            annual_salary=annual if salaried else None,
            hourly_rate=None if salaried else per_unit,
            hours_per_week=line.number("NumberOfUnitsPerWeek"),
            updated_at=f.stamp("UpdatedDateUTC"),
        )
        out.append(mapped(remote_id, build(EmployeeSalary, data, line.path), f))
    return out


def _us_salaries(f: PayrollFields, refs: Refs, employee_id: str, currency: str) -> list[Mapped]:
    """One salary per SalaryAndWages entry."""
    out: list[Mapped] = []
    for entry in f.objs("SalaryAndWages"):
        remote_id = f"{employee_id}:{entry.required('SalaryAndWagesID')}"
        kind = entry.required_choice("SalaryWagesType", _US_WAGE_TYPES)
        data = _present(
            id=refs.hub_id("employee_salaries", remote_id),
            employee_id=refs.hub_id("employees", employee_id),
            pay_item_id=_ref(refs, "pay_items", entry, "EarningsTypeID"),
            type=kind,
            currency=currency,
            hourly_rate=entry.number("HourlyRate") if kind == SalaryType.HOURLY else None,
            annual_salary=entry.number("AnnualSalary") if kind == SalaryType.SALARY else None,
            hours_per_week=entry.number("StandardHoursPerWeek"),
            effective_from=entry.day("EffectiveDate"),
            updated_at=f.stamp("UpdatedDateUTC"),
        )
        out.append(mapped(remote_id, build(EmployeeSalary, data, entry.path), f))
    return out


def _us_ordinary_item(f: PayrollFields) -> str | None:
    """The earnings type ordinary hours go under: the first hourly wage's, else the first wage's."""
    entries = f.objs("SalaryAndWages")
    hourly = [e for e in entries if e.text("SalaryWagesType") == "HOURLY"]
    chosen = hourly or entries
    return chosen[0].text("EarningsTypeID") if chosen else None


def employee_to_canonical(raw: Raw, refs: Refs, country: str, currency: str) -> list[Mapped]:
    """A Xero payroll employee -> its ``Employee`` first, then its ``EmployeeSalary`` records.

    Salaries are in ``currency``, the organisation's base currency. Tax
    declarations, tax file and social security numbers and bank accounts are
    never read.
    """
    country = payroll_country(country)
    f = PayrollFields(raw)
    employee_id = f.required("EmployeeID")
    released = f.day("TerminationDate")
    status = f.choice("Status", _EMPLOYEE_STATUSES)
    if status is None:  # Xero: ACTIVE is an employee with no termination date, TERMINATED one with
        status = EmployeeStatus.TERMINATED if released else EmployeeStatus.ACTIVE
    phone = _present(landline=f.text("Phone"), mobile=f.text("Mobile"))
    if country == "AU":
        schedule, ordinary = f.text("PayrollCalendarID"), f.text("OrdinaryEarningsRateID")
    else:
        schedule, ordinary = f.text("PayScheduleID"), _us_ordinary_item(f)
    data = {
        "id": refs.hub_id("employees", employee_id),
        "code": f.text("EmployeeNumber") if country == "US" else None,
        "first_name": f.text("FirstName"),
        "last_name": f.text("LastName"),
        "status": status,
        "birth_date": f.day("DateOfBirth"),
        "gender": f.choice("Gender", _GENDERS[country]),
        "email": f.text("Email"),
        "phone": phone or None,
        "address": _address(f.obj("HomeAddress"), country),
        "job_title": f.text("JobTitle"),
        "hired_date": f.day("StartDate"),
        "released_date": released,
        "pay_schedule_id": refs.hub_id("pay_schedules", schedule) if schedule else None,
        "work_location_id": _ref(refs, "work_locations", f, "WorkLocationID") if country == "US" else None,
        "ordinary_pay_item_id": refs.hub_id("pay_items", ordinary) if ordinary else None,
        "updated_at": f.stamp("UpdatedDateUTC"),
    }
    out = [mapped(employee_id, build(Employee, data), f)]
    salaries = _au_salaries if country == "AU" else _us_salaries
    return out + salaries(f, refs, employee_id, currency)


# -- settings: pay items, pay schedules, work locations -------------------------------------------


def pay_item_to_canonical(raw: Raw, refs: Refs, country: str) -> Mapped:
    """One flattened pay item (``PayItemType`` and ``PayItemID`` added by the client) -> ``PayItem``.

    Earnings are EARNINGS, deductions DEDUCTION, leave and time-off types
    TIMEOFF, reimbursements REIMBURSEMENT, benefits (US) BENEFIT. An item Xero
    no longer keeps current (``CurrentRecord: false``) is a tombstone.
    """
    country = payroll_country(country)
    f = PayrollFields(raw)
    kind = f.required_choice("PayItemType", _PAY_ITEM_KINDS[country])
    item_id = f.text("PayItemID") or f.text(kind.id_key)
    if item_id is None:
        raise MappingError("PayItemID: missing")
    rate = next((f.number(key) for key in kind.rate_keys if f.has(key)), None)
    retired = f.flag("CurrentRecord") is False
    deleted_at = f.stamp("UpdatedDateUTC") if retired else None
    if retired and deleted_at is None:
        raise MappingError("UpdatedDateUTC: missing, and it dates the pay item Xero no longer keeps current")
    data = _present(
        id=refs.hub_id("pay_items", item_id),
        name=f.text(kind.name_key),
        type=kind.type,
        sub_type=f.text(kind.sub_type_key) if kind.sub_type_key else None,
        rate=rate,
        # Payroll names accounts by code; an AccountID is used only when Xero gives one.
        account_id=_ref(refs, "accounts", f, "AccountID"),
        show_on_payslip=f.flag("ShowOnPayslip"),
        updated_at=f.stamp("UpdatedDateUTC"),
        deleted_at=deleted_at,
    )
    if "name" not in data:
        raise MappingError(f"{kind.name_key}: missing, and a pay item needs a name")
    return mapped(item_id, build(PayItem, data), f)


def pay_schedule_to_canonical(raw: Raw, refs: Refs, country: str) -> Mapped:
    """An AU PayrollCalendar or a US PaySchedule -> ``PaySchedule``.

    US schedule types map to the canonical ones: BIWEEKLY is FORTNIGHTLY,
    SEMIMONTHLY is TWICEMONTHLY.
    """
    country = payroll_country(country)
    f = PayrollFields(raw)
    if country == "AU":
        id_key, name_key, type_key = "PayrollCalendarID", "Name", "CalendarType"
    else:
        id_key, name_key, type_key = "PayScheduleID", "PayScheduleName", "ScheduleType"
    schedule_id = f.required(id_key)
    data = {
        "id": refs.hub_id("pay_schedules", schedule_id),
        "name": f.text(name_key),
        "schedule_type": f.required_choice(type_key, _SCHEDULE_TYPES[country]),
        "start_date": f.day("StartDate"),
        "payment_date": f.day("PaymentDate"),
        "updated_at": f.stamp("UpdatedDateUTC"),
    }
    return mapped(schedule_id, build(PaySchedule, data), f)


def work_location_to_canonical(raw: Raw, refs: Refs) -> Mapped:
    """A US work location -> ``WorkLocation``, named by its address on one line ("Street, City, State Zip")."""
    f = PayrollFields(raw)
    location_id = f.required("WorkLocationID")
    address = _address(f, "US")
    if address is None:
        raise MappingError("StreetAddress: missing, and a work location is known by its address")
    region = " ".join(p for p in (address["region"], address["postal_code"]) if p)
    name = ", ".join(p for p in (address["line1"], address["line2"], address["city"], region) if p)
    data = {
        "id": refs.hub_id("work_locations", location_id),
        "name": name,
        "address": address,
        "is_primary": bool(f.flag("IsPrimary")),
        "updated_at": f.stamp("UpdatedDateUTC"),
    }
    return mapped(location_id, build(WorkLocation, data), f)


# -- pay runs and leave ----------------------------------------------------------------------------


def pay_run_to_canonical(raw: Raw, refs: Refs, country: str, currency: str) -> Mapped:
    """A Xero pay run -> ``PayRun`` in ``currency``, the organisation's base currency.

    Payslips (AU ``Payslips``, US ``Paystubs``) are read when the record has
    them: Xero puts them only on a pay run read by id, so a record from the
    list has none. AU Super is the payslip's benefits.
    """
    country = payroll_country(country)
    f = PayrollFields(raw)
    run_id = f.required("PayRunID")
    if country == "AU":
        schedule_key, slips_key, earnings_key, benefits_key = "PayrollCalendarID", "Payslips", "Wages", "Super"
    else:
        schedule_key, slips_key, earnings_key, benefits_key = "PayScheduleID", "Paystubs", "Earnings", "Benefits"
    payslips = []
    for slip in f.objs(slips_key):
        payslips.append(
            _present(
                employee_id=refs.hub_id("employees", slip.required("EmployeeID")),
                earnings=slip.number(earnings_key),
                deductions=slip.number("Deductions"),
                tax=slip.number("Tax"),
                benefits=slip.number(benefits_key),
                reimbursements=slip.number("Reimbursements"),
                net_pay=slip.number("NetPay"),
            )
        )
    data = {
        "id": refs.hub_id("pay_runs", run_id),
        "pay_schedule_id": _ref(refs, "pay_schedules", f, schedule_key),
        "status": f.choice("PayRunStatus", _PAY_RUN_STATUSES) or PayRunStatus.DRAFT,
        "period_start": f.required_day("PayRunPeriodStartDate"),
        "period_end": f.required_day("PayRunPeriodEndDate"),
        "payment_date": f.day("PaymentDate"),
        "currency": currency,
        "payslips": payslips,
        "updated_at": f.stamp("UpdatedDateUTC"),
    }
    return mapped(run_id, build(PayRun, data), f)


def leave_application_to_canonical(raw: Raw, refs: Refs) -> Mapped:
    """An AU leave application -> ``LeaveApplication``, its leave type as a TIMEOFF pay item."""
    f = PayrollFields(raw)
    leave_id = f.required("LeaveApplicationID")
    periods = [
        _present(
            start_date=p.required_day("PayPeriodStartDate"),
            end_date=p.required_day("PayPeriodEndDate"),
            units=p.number("NumberOfUnits"),
            status=p.choice("LeavePeriodStatus", _LEAVE_PERIOD_STATUSES),
        )
        for p in f.objs("LeavePeriods")
    ]
    data = {
        "id": refs.hub_id("leave_applications", leave_id),
        "employee_id": refs.hub_id("employees", f.required("EmployeeID")),
        "pay_item_id": _ref(refs, "pay_items", f, "LeaveTypeID"),
        "title": f.text("Title"),
        "description": f.text("Description"),
        "start_date": f.required_day("StartDate"),
        "end_date": f.required_day("EndDate"),
        "leave_periods": periods,
        "updated_at": f.stamp("UpdatedDateUTC"),
    }
    return mapped(leave_id, build(LeaveApplication, data), f)


# -- the map stage's entry point -------------------------------------------------------------------


def payroll_mapper(country: str, currency: str) -> Mapper:
    """The mapper for one organisation's payroll: ``(stream, raw, refs) -> [Mapped]``.

    ``country`` (AU or US) picks the API's shapes, ``currency`` is the base
    currency. A stream the country's payroll does not have (LeaveApplications
    in the US, WorkLocations in AU) is a caller's mistake: ``KeyError``.
    """
    country = payroll_country(country)
    currency = currency.strip().upper()

    def one(record: Mapped) -> list[Mapped]:
        """Every stream gives a list: employees come with their salaries."""
        return [record]

    readers: dict[str, Callable[[Raw, Refs], list[Mapped]]] = {
        "Employees": lambda raw, refs: employee_to_canonical(raw, refs, country, currency),
        "PayItems": lambda raw, refs: one(pay_item_to_canonical(raw, refs, country)),
        "PayRuns": lambda raw, refs: one(pay_run_to_canonical(raw, refs, country, currency)),
        "Timesheets": lambda raw, refs: one(timesheet_to_canonical(raw, refs, country)),
    }
    if country == "AU":
        readers["PayrollCalendars"] = lambda raw, refs: one(pay_schedule_to_canonical(raw, refs, country))
        readers["LeaveApplications"] = lambda raw, refs: one(leave_application_to_canonical(raw, refs))
    else:
        readers["PaySchedules"] = lambda raw, refs: one(pay_schedule_to_canonical(raw, refs, country))
        readers["WorkLocations"] = lambda raw, refs: one(work_location_to_canonical(raw, refs))

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        """Map one raw record of ``stream``."""
        read = readers.get(stream)
        if read is None:
            raise KeyError(f"{stream!r} is not a {country} payroll collection (expected one of {', '.join(readers)})")
        return read(raw, refs)

    return map_record
