"""Timesheets, AU and US alike: one employee's hours per day of one pay period, under earnings items.

The rules Xero enforces: the employee exists and has a payroll calendar (US:
a pay schedule); StartDate and EndDate are exactly one pay period of it;
every line has one NumberOfUnits entry per day of the period and names an
existing earnings rate (US: earnings type, and a work location if any); an
employee has at most one timesheet per period; a PROCESSED timesheet (paid
by a posted pay run) cannot be changed. ``Hours`` is the total of every line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.xero.errors import Invalid
from sandbox.xero.payroll.base import DAY, Ctx, Kind, Record, merged, read_fields, require, total
from sandbox.xero.payroll.calendars import is_period
from sandbox.xero.resource import Reader, is_guid

PROCESSED = "PROCESSED"
# A timesheet becomes PROCESSED when a pay run is posted, never through a write.
STATUSES = {"AU": ("DRAFT", "APPROVED", "REJECTED", "REQUESTED"), "US": ("DRAFT", "APPROVED")}
PERIOD_MISMATCH = "The timesheet period must match a pay period of the employee's {word}"
ALREADY_EXISTS = "A timesheet already exists for this employee for this period"
LOCKED = "A processed timesheet cannot be changed"


class Timesheets(Kind):
    """``/Timesheets``: by id, ``{"Timesheet": {...}}``."""

    def write(self, ctx: Ctx, element: Record, key: str | None) -> Record:
        """Create a timesheet, or update one (``key``, or the element's TimesheetID)."""
        old = self._existing(ctx, element, key)
        if old is not None and old["Status"] == PROCESSED:
            raise Invalid(LOCKED)
        reader = Reader(element)
        changes = read_fields(reader, {"EmployeeID": "text", "StartDate": DAY, "EndDate": DAY})
        status = reader.choice("Status", STATUSES[ctx.country.code]) if reader.has("Status") else None
        record = merged(old, {**changes, "Status": status or (old or {}).get("Status", "DRAFT")})
        require(reader, record, "EmployeeID", "StartDate", "EndDate")
        lines = reader.objs("TimesheetLines") if reader.has("TimesheetLines") else None
        reader.check()
        employee = ctx.get("Employees", record["EmployeeID"])
        if employee is None:
            raise Invalid("The employee was not found")
        record["EmployeeID"] = employee["EmployeeID"]
        self._check_period(ctx, employee, record)
        days = (record["EndDate"] - record["StartDate"]).days + 1
        stored_lines = self._lines(ctx, lines if lines is not None else record.get("TimesheetLines", []), days)
        for other in self.records(ctx):
            same = (other["EmployeeID"], other["StartDate"]) == (record["EmployeeID"], record["StartDate"])
            if same and (old is None or other["TimesheetID"] != old["TimesheetID"]):
                raise Invalid(ALREADY_EXISTS)
        record.update(
            TimesheetID=(old or {}).get("TimesheetID") or ctx.payroll.new_id(),
            Hours=total([u for line in stored_lines for u in line["NumberOfUnits"]]),
            TimesheetLines=stored_lines,
            UpdatedDateUTC=ctx.now,
        )
        return ctx.payroll.put("Timesheets", "TimesheetID", _ordered(record))

    def _existing(self, ctx: Ctx, element: Record, key: str | None) -> Record | None:
        wanted = key or element.get("TimesheetID")
        if wanted is None:
            return None
        found = ctx.get("Timesheets", wanted)
        if found is None:
            raise Invalid("The timesheet was not found")
        return found

    def _check_period(self, ctx: Ctx, employee: Record, record: Record) -> None:
        country = ctx.country
        calendar = ctx.get(country.calendars, employee.get(country.calendar_id))
        if calendar is None:
            raise Invalid(f"The employee has no {country.calendar_word}")
        kind = calendar[country.calendar_kind]
        if not is_period(kind, calendar["StartDate"], record["StartDate"], record["EndDate"]):
            raise Invalid(PERIOD_MISMATCH.format(word=country.calendar_word))

    def _lines(self, ctx: Ctx, lines: list[Any], days: int) -> list[Record]:
        country = ctx.country
        stored: list[Record] = []
        for line in lines:
            units = line.get("NumberOfUnits")
            if not isinstance(units, list) or len(units) != days:
                raise Invalid(f"Each timesheet line must have one NumberOfUnits entry per day of the period ({days})")
            numbers = [Reader({"n": u}).number("n") for u in units]
            if any(n is None or n < 0 for n in numbers):
                raise Invalid("NumberOfUnits must be numbers of zero or more")
            earnings_id = line.get(country.earnings_id)
            earnings = ctx.get(country.earnings, earnings_id) if is_guid(earnings_id) else None
            if earnings is None:
                raise Invalid(f"The {country.earnings_id} {earnings_id} was not found")
            shown: Record = {country.earnings_id: earnings[country.earnings_id]}
            for extra, table in (("TrackingItemID", None), ("WorkLocationID", "WorkLocations")):
                value = line.get(extra)
                if value is None or (extra == "WorkLocationID" and country.code != "US"):
                    continue
                if table is not None and ctx.get(table, value) is None:
                    raise Invalid(f"The {extra} {value} was not found")
                shown[extra] = value
            shown["NumberOfUnits"] = [Decimal(n or 0) for n in numbers]
            shown["UpdatedDateUTC"] = ctx.now
            stored.append(shown)
        return stored


def _ordered(record: Record) -> Record:
    # The field order of Xero's answers, so answers read like the documentation's examples.
    order = ("TimesheetID", "EmployeeID", "StartDate", "EndDate", "Status", "Hours", "TimesheetLines")
    return {**{k: record[k] for k in order if k in record}, **record}
