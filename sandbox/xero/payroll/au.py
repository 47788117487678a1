"""What only Payroll AU has: leave applications and the payroll settings.

A leave application needs EmployeeID, LeaveTypeID, Title, StartDate and
EndDate; its LeavePeriods are worked out from the employee's payroll
calendar: one per pay period the leave touches, with the weekdays of leave
in it at the employee's usual hours a day (a fifth of the pay template's
hours a week, or 7.6), PROCESSED where a posted pay run has paid that
period, SCHEDULED otherwise. Leave with a processed period cannot change.
Settings are the payroll's accounts, tracking categories and days in the
payroll year.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sandbox.xero.errors import Invalid
from sandbox.xero.money import to_decimal
from sandbox.xero.payroll.base import DAY, TEXT, Ctx, Kind, ListQuery, Record, merged, read_fields, require
from sandbox.xero.payroll.calendars import Period, periods_overlapping
from sandbox.xero.resource import Reader, is_guid

STANDARD_DAY = Decimal("7.6")
DAYS_IN_PAYROLL_YEAR = 364


class LeaveApplications(Kind):
    """``/LeaveApplications``."""

    def write(self, ctx: Ctx, element: Record, key: str | None) -> Record:
        """Create a leave application, or update one (``key``, or the element's LeaveApplicationID)."""
        wanted = key or element.get("LeaveApplicationID")
        old = ctx.get("LeaveApplications", wanted) if wanted is not None else None
        if wanted is not None and old is None:
            raise Invalid("The leave application was not found")
        if old is not None and any(p["LeavePeriodStatus"] == "PROCESSED" for p in old["LeavePeriods"]):
            raise Invalid("Leave that has been processed in a pay run cannot be changed")
        reader = Reader(element)
        fields = {"EmployeeID": TEXT, "LeaveTypeID": TEXT, "Title": TEXT, "Description": TEXT,
                  "StartDate": DAY, "EndDate": DAY}  # fmt: skip
        record = merged(old, read_fields(reader, fields))
        require(reader, record, "EmployeeID", "LeaveTypeID", "Title", "StartDate", "EndDate")
        reader.check()
        employee = ctx.get("Employees", record["EmployeeID"]) if is_guid(record["EmployeeID"]) else None
        if employee is None:
            raise Invalid("The employee was not found")
        if not is_guid(record["LeaveTypeID"]) or ctx.get("LeaveTypes", record["LeaveTypeID"]) is None:
            raise Invalid(f"The LeaveTypeID {record['LeaveTypeID']} was not found")
        record.update(EmployeeID=employee["EmployeeID"], LeaveTypeID=record["LeaveTypeID"].lower())
        if record["EndDate"] < record["StartDate"]:
            raise Invalid("The end date must not be before the start date")
        calendar = ctx.get("PayrollCalendars", employee.get("PayrollCalendarID"))
        if calendar is None:
            raise Invalid("The employee has no payroll calendar")
        periods = periods_overlapping(
            calendar["CalendarType"], calendar["StartDate"], record["StartDate"], record["EndDate"]
        )
        paid = {
            r["PayRunPeriodStartDate"] for r in ctx.payroll.table("PayRuns").values()
            if r["PayrollCalendarID"] == calendar["PayrollCalendarID"] and r["PayRunStatus"] == "POSTED"
        }  # fmt: skip
        hours = _hours_a_day(employee)
        record["LeavePeriods"] = [
            {
                "PayPeriodStartDate": start,
                "PayPeriodEndDate": end,
                "LeavePeriodStatus": "PROCESSED" if start in paid else "SCHEDULED",
                "NumberOfUnits": hours * _weekdays((max(start, record["StartDate"]), min(end, record["EndDate"]))),
            }
            for start, end in periods
        ]
        record_id = old["LeaveApplicationID"] if old is not None else ctx.payroll.new_id()
        stored = {"LeaveApplicationID": record_id, **record, "UpdatedDateUTC": ctx.now}
        return ctx.payroll.put("LeaveApplications", "LeaveApplicationID", stored)


class Settings(Kind):
    """``/Settings``: one object, not a list."""

    def empty(self, ctx: Ctx) -> object:
        """Settings of a payroll not set up: no accounts, no tracking."""
        return {"Accounts": [], "TrackingCategories": {}, "DaysInPayrollYear": DAYS_IN_PAYROLL_YEAR}

    def listing(self, ctx: Ctx, query: ListQuery) -> object:
        """The payroll settings (the seed stores them; a book without them shows none)."""
        stored = ctx.payroll.table("Settings").get("settings")
        if stored is None:
            return self.empty(ctx)
        return {k: v for k, v in stored.items() if k != "SettingsID"}


def settings_record(accounts: list[Record], tracking: Record) -> Record:
    """The one Settings record a payroll keeps (under the id ``settings``)."""
    return {"SettingsID": "settings", "Accounts": accounts, "TrackingCategories": tracking,
            "DaysInPayrollYear": DAYS_IN_PAYROLL_YEAR}  # fmt: skip


def _hours_a_day(employee: Record) -> Decimal:
    for line in employee.get("PayTemplate", {}).get("EarningsLines", []):
        weekly = to_decimal(line.get("NumberOfUnitsPerWeek"))
        if weekly:
            return (weekly / 5).quantize(Decimal("0.01"))
    return STANDARD_DAY


def _weekdays(period: Period) -> int:
    start, end = period
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5)
