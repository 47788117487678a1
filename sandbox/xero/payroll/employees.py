"""``/Employees``, AU and US: the people on the payroll, with how they are paid.

Required: FirstName, LastName, DateOfBirth (after an update too). References
must exist: the payroll calendar (US: pay schedule and work location), the
ordinary earnings rate, and every pay template line's pay item (US: every
salary and wages line's earnings type). AU pay template lines and US salary
and wages lines are declared as data below; an AU ANNUALSALARY line needs
AnnualSalary, an ENTEREARNINGSRATE one RatePerUnit, a US HOURLY line
HourlyRate and an ANNUAL one AnnualSalary. A terminated employee needs a
TerminationDate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.xero.errors import Invalid
from sandbox.xero.payroll.base import (
    DAY,
    FLAG,
    NUMBER,
    TEXT,
    Ctx,
    FieldSpec,
    Kind,
    Record,
    merged,
    read_fields,
    require,
)
from sandbox.xero.resource import Reader, is_email, is_guid

_STATES_AU = ("ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA")


@dataclass(frozen=True)
class Lines:
    """A list of lines inside an employee: its fields, the pay item each names, what a kind of line needs."""

    fields: FieldSpec
    refs: Mapping[str, str] = field(default_factory=dict)
    needs: Mapping[tuple[str, str], str] = field(default_factory=dict)
    defaults: Record = field(default_factory=dict)
    id_field: str | None = None


@dataclass(frozen=True)
class EmployeeShape:
    """One country's employee: plain fields, references, the address, and the lists of lines."""

    fields: FieldSpec
    refs: Mapping[str, str]
    address: FieldSpec
    address_required: tuple[str, ...]
    lines: Mapping[str, Lines]
    template: str | None = None  # the object holding the lines (AU: PayTemplate), or None: at the top


AU_EMPLOYEE = EmployeeShape(
    fields={
        "FirstName": TEXT, "LastName": TEXT, "MiddleNames": TEXT, "Title": TEXT, "Email": TEXT, "Phone": TEXT,
        "Mobile": TEXT, "TwitterUserName": TEXT, "JobTitle": TEXT, "Classification": TEXT,
        "EmployeeGroupName": TEXT, "IsAuthorisedToApproveLeave": FLAG, "IsAuthorisedToApproveTimesheets": FLAG,
        "DateOfBirth": DAY, "StartDate": DAY, "TerminationDate": DAY, "Gender": ("N", "M", "F", "I"),
        "Status": ("ACTIVE", "TERMINATED"), "TerminationReason": ("V", "I", "D", "R", "F", "C", "T"),
        "EmploymentType": ("EMPLOYEE", "CONTRACTOR"), "PayrollCalendarID": TEXT, "OrdinaryEarningsRateID": TEXT,
    },
    refs={"PayrollCalendarID": "PayrollCalendars", "OrdinaryEarningsRateID": "EarningsRates"},
    address={
        "AddressLine1": TEXT, "AddressLine2": TEXT, "City": TEXT, "Region": _STATES_AU, "PostalCode": TEXT,
        "Country": TEXT,
    },
    address_required=("AddressLine1",),
    template="PayTemplate",
    lines={
        "EarningsLines": Lines(
            fields={
                "EarningsRateID": TEXT, "CalculationType": ("USEEARNINGSRATE", "ENTEREARNINGSRATE", "ANNUALSALARY"),
                "AnnualSalary": NUMBER, "NumberOfUnitsPerWeek": NUMBER, "RatePerUnit": NUMBER,
                "NormalNumberOfUnits": NUMBER, "Amount": NUMBER, "NumberOfUnits": NUMBER, "FixedAmount": NUMBER,
            },
            refs={"EarningsRateID": "EarningsRates"},
            needs={("CalculationType", "ANNUALSALARY"): "AnnualSalary",
                   ("CalculationType", "ENTEREARNINGSRATE"): "RatePerUnit"},
        ),
        "DeductionLines": Lines(
            fields={"DeductionTypeID": TEXT, "CalculationType": ("FIXEDAMOUNT", "PRETAX", "POSTTAX"),
                    "Amount": NUMBER, "Percentage": NUMBER, "NumberOfUnits": NUMBER},
            refs={"DeductionTypeID": "DeductionTypes"},
        ),
        "SuperLines": Lines(
            fields={"SuperMembershipID": TEXT, "ContributionType": ("SGC", "SALARYSACRIFICE", "EMPLOYERADDITIONAL",
                    "EMPLOYEE"), "CalculationType": ("FIXEDAMOUNT", "PERCENTAGEOFEARNINGS", "STATUTORY"),
                    "MinimumMonthlyEarnings": NUMBER, "ExpenseAccountCode": TEXT, "LiabilityAccountCode": TEXT,
                    "Percentage": NUMBER, "Amount": NUMBER},
        ),
        "ReimbursementLines": Lines(
            fields={"ReimbursementTypeID": TEXT, "Amount": NUMBER, "Description": TEXT, "ExpenseAccount": TEXT},
            refs={"ReimbursementTypeID": "ReimbursementTypes"},
        ),
        "LeaveLines": Lines(
            fields={"LeaveTypeID": TEXT, "CalculationType": ("NOCALCULATIONREQUIRED", "FIXEDAMOUNTEACHPERIOD",
                    "ENTERRATEINPAYTEMPLATE", "BASEDONORDINARYEARNINGS"), "NumberOfUnits": NUMBER,
                    "AnnualNumberOfUnits": NUMBER, "FullTimeNumberOfUnitsPerPeriod": NUMBER,
                    "IsQualifyingEarnings": FLAG},
            refs={"LeaveTypeID": "LeaveTypes"},
            defaults={"IsQualifyingEarnings": False},  # the spec requires it on every leave line
        ),
    },
)  # fmt: skip

US_EMPLOYEE = EmployeeShape(
    fields={
        "FirstName": TEXT, "MiddleNames": TEXT, "LastName": TEXT, "Email": TEXT, "JobTitle": TEXT, "Phone": TEXT,
        "Mobile": TEXT, "EmployeeNumber": TEXT, "DateOfBirth": DAY, "StartDate": DAY, "TerminationDate": DAY,
        "Gender": ("M", "F"), "Status": ("ACTIVE", "TERMINATED"), "PayScheduleID": TEXT, "WorkLocationID": TEXT,
    },
    refs={"PayScheduleID": "PaySchedules", "WorkLocationID": "WorkLocations"},
    address={"StreetAddress": TEXT, "SuiteOrAptOrUnit": TEXT, "City": TEXT, "State": TEXT, "Zip": TEXT},
    address_required=("StreetAddress",),
    lines={
        "SalaryAndWages": Lines(
            fields={"EarningsTypeID": TEXT, "SalaryWagesType": ("HOURLY", "ANNUAL"), "HourlyRate": NUMBER,
                    "AnnualSalary": NUMBER, "StandardHoursPerWeek": NUMBER, "EffectiveDate": DAY},
            refs={"EarningsTypeID": "EarningsTypes"},
            needs={("SalaryWagesType", "HOURLY"): "HourlyRate", ("SalaryWagesType", "ANNUAL"): "AnnualSalary"},
            id_field="SalaryAndWagesID",
        ),
    },
)  # fmt: skip

SHAPES = {"AU": AU_EMPLOYEE, "US": US_EMPLOYEE}


class Employees(Kind):
    """``/Employees`` (full records in lists too)."""

    def write(self, ctx: Ctx, element: Record, key: str | None) -> Record:
        """Create an employee, or update one (``key``, or the element's EmployeeID)."""
        shape = SHAPES[ctx.country.code]
        wanted = key or element.get("EmployeeID")
        old = ctx.get("Employees", wanted) if wanted is not None else None
        if wanted is not None and old is None:
            raise Invalid("The employee was not found")
        reader = Reader(element)
        changes = read_fields(reader, shape.fields)
        if reader.has("HomeAddress"):
            changes["HomeAddress"] = _address(reader, shape)
        if shape.template is None:
            changes.update(_lines(ctx, reader, element, shape.lines, (old or {})))
        elif reader.has(shape.template):
            template = reader.obj(shape.template) or {}
            changes[shape.template] = _lines(ctx, reader, template, shape.lines, (old or {}).get(shape.template, {}))
        record = merged(old or {"Status": "ACTIVE"}, changes)
        require(reader, record, "FirstName", "LastName", "DateOfBirth")
        for name, table in shape.refs.items():
            if name in changes and ctx.get(table, record[name]) is None:
                reader.fail(f"The {name} {record[name]} was not found")
            elif name in changes:
                record[name] = record[name].lower()  # ids are kept as Xero writes them
        if "Email" in changes and not is_email(record["Email"]):
            reader.fail("Email address is not valid")
        if record["Status"] == "TERMINATED" and "TerminationDate" not in record:
            reader.fail("TerminationDate is required for a terminated employee")
        reader.check()
        record_id = old["EmployeeID"] if old is not None else ctx.payroll.new_id()
        return ctx.payroll.put(
            "Employees", "EmployeeID", {"EmployeeID": record_id, **record, "UpdatedDateUTC": ctx.now}
        )


def _address(reader: Reader, shape: EmployeeShape) -> Record:
    address = reader.obj("HomeAddress") or {}
    inner = Reader(address)
    found = {k: v for k, v in read_fields(inner, shape.address).items() if v is not None}
    for name in shape.address_required:
        if not found.get(name):
            inner.fail(f"HomeAddress {name} is required")
    for message in inner.errors:
        reader.fail(message)
    return found


def _lines(ctx: Ctx, reader: Reader, holder: Mapping[str, Any], shapes: Mapping[str, Lines], old: Record) -> Record:
    """The lists of lines ``holder`` carries, checked; lists it leaves out stay as they were."""
    found: Record = {name: old[name] for name in shapes if name in old}
    outer = Reader(holder)
    for name, shape in shapes.items():
        if not outer.has(name):
            continue
        lines = outer.objs(name) or []
        kept: list[Record] = []
        for line in lines:
            inner = Reader(line)
            values = {k: v for k, v in read_fields(inner, shape.fields).items() if v is not None}
            for ref, table in shape.refs.items():
                if values.get(ref) is None:
                    inner.fail(f"{ref} is required")
                elif not is_guid(values[ref]) or ctx.get(table, values[ref]) is None:
                    inner.fail(f"The {ref} {values[ref]} was not found")
                else:
                    values[ref] = values[ref].lower()
            for (switch, value), needed in shape.needs.items():
                if values.get(switch) == value and values.get(needed) is None:
                    inner.fail(f"{needed} is required for {switch} {value}")
            for message in inner.errors:
                reader.fail(message)
            if shape.id_field is not None:
                values = {shape.id_field: line.get(shape.id_field) or ctx.payroll.new_id(), **values}
            kept.append({**shape.defaults, **values})
        found[name] = kept
    for message in outer.errors:
        reader.fail(message)
    return found
