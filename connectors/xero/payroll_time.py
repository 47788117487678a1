"""Xero Payroll timesheets <-> canonical ``TimeSheet``, both ways (AU and US).

A Xero timesheet covers one pay period of the employee's calendar; each line
holds one number of units per day of the period (``NumberOfUnits[i]`` is day
``StartDate + i``). Canonically a line is a list of ``TimeActivity`` values,
one per day worked: days with 0 units are left out on the way in and written
back as 0 on the way out, so the per-day units survive a round trip.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from connectors.base.mapping import Mapped, MappingError, Refs, WaitingForReference
from connectors.xero.dates import format_date
from connectors.xero.payroll_values import PayrollFields, build, mapped, number_out, payroll_country
from datashare.model import TimeSheet, TimeSheetStatus

__all__ = ["TIMESHEET_STATUSES", "time_sheet_to_xero", "timesheet_to_canonical"]

Raw = Mapping[str, t.Any]
Payload = dict[str, t.Any]

# Xero's timesheet Status -> canonical. REQUESTED is an employee's own sheet (Xero Me) awaiting approval.
TIMESHEET_STATUSES: dict[str, dict[str, TimeSheetStatus]] = {
    "AU": {
        "DRAFT": TimeSheetStatus.DRAFT,
        "PROCESSED": TimeSheetStatus.PROCESSED,
        "APPROVED": TimeSheetStatus.APPROVED,
        "REJECTED": TimeSheetStatus.REJECTED,
        "REQUESTED": TimeSheetStatus.SUBMITTED,
    },
    "US": {
        "DRAFT": TimeSheetStatus.DRAFT,
        "APPROVED": TimeSheetStatus.APPROVED,
        "PROCESSED": TimeSheetStatus.PROCESSED,
    },
}
# The pay item key of a timesheet line: an earnings rate in AU, an earnings type in the US.
_PAY_ITEM_KEY = {"AU": "EarningsRateID", "US": "EarningsTypeID"}


def _days(start: date, end: date) -> int:
    """The days of a period, both ends included."""
    return (end - start).days + 1


def _line(f: PayrollFields, refs: Refs, country: str, start: date, days: int, order: int) -> dict[str, t.Any]:
    """One TimesheetLine -> a canonical line, one time activity per day with units."""
    units = f.numbers("NumberOfUnits")
    if len(units) != days:
        raise f.fail(
            "NumberOfUnits",
            f"{len(units)} entries for a {days}-day period starting {start}; Xero keeps one number per day",
        )
    pay_item = f.text(_PAY_ITEM_KEY[country])
    location = f.text("WorkLocationID") if country == "US" else None
    return {
        "line_order": order,
        "pay_item_id": refs.hub_id("pay_items", pay_item) if pay_item else None,
        "work_location_id": refs.hub_id("work_locations", location) if location else None,
        "time_activities": [
            {"transaction_date": start + timedelta(days=n), "hours": hours} for n, hours in enumerate(units) if hours
        ],
    }


def timesheet_to_canonical(raw: Raw, refs: Refs, country: str) -> Mapped:
    """A Xero timesheet -> ``TimeSheet``: one line per TimesheetLine, one time activity per day worked.

    ``total_hours`` is the sum of every line's units (Xero's read-only Hours
    says the same). A line whose NumberOfUnits does not hold one entry per day
    of the period is refused. The AU TrackingItemID is not carried.
    """
    country = payroll_country(country)
    f = PayrollFields(raw)
    sheet_id = f.required("TimesheetID")
    start, end = f.required_day("StartDate"), f.required_day("EndDate")
    if end < start:
        raise f.fail("EndDate", f"the period ends before it starts ({start})")
    days = _days(start, end)
    lines = [_line(li, refs, country, start, days, n) for n, li in enumerate(f.objs("TimesheetLines"), start=1)]
    total = sum((a["hours"] for li in lines for a in li["time_activities"]), Decimal(0))
    data = {
        "id": refs.hub_id("time_sheets", sheet_id),
        "employee_id": refs.hub_id("employees", f.required("EmployeeID")),
        "start_date": start,
        "end_date": end,
        "status": f.choice("Status", TIMESHEET_STATUSES[country]) or TimeSheetStatus.DRAFT,
        "total_hours": total,
        "lines": lines,
        "updated_at": f.stamp("UpdatedDateUTC"),
    }
    return mapped(sheet_id, build(TimeSheet, data), f)


def _remote(refs: Refs, entity: str, hub_id: UUID, field: str) -> str:
    """The Xero id of a referenced record; it must be in Xero before the timesheet can go."""
    found = refs.remote_id(entity, hub_id)
    if found is None:
        message = f"{field}: the referenced {entity} record {hub_id} is not in Xero yet"
        raise WaitingForReference(entity, hub_id, "xero", message)
    return found


def time_sheet_to_xero(sheet: TimeSheet, refs: Refs, country: str) -> Payload:
    """``TimeSheet`` -> the element of a POST /Timesheets body (AU or US payroll).

    NumberOfUnits has one number per day from StartDate to EndDate, the hours
    of that day's activities summed (0 where none). TimesheetID is sent when
    the sheet is in Xero already. An employee, pay item or work location not
    yet in Xero makes the sheet wait (``WaitingForReference``).
    """
    country = payroll_country(country)
    payload: Payload = {}
    own = refs.remote_id("time_sheets", sheet.id) if sheet.id is not None else None
    if own is not None:
        payload["TimesheetID"] = own
    payload["EmployeeID"] = _remote(refs, "employees", sheet.employee_id, "time_sheets.employee_id")
    # The AU spec's field descriptions say "(YYYY-MM-DD)" while its request example writes
    # "/Date(1573171200000+0000)/"; Xero payroll v1 takes ISO dates on input (the SDKs' examples pass
    # '2020-10-23', and users post "2018-10-01T00:00:00"). A plain day cannot shift with the zone.
    payload["StartDate"] = format_date(sheet.start_date)
    payload["EndDate"] = format_date(sheet.end_date)
    # The spec's create example sends DRAFT. PROCESSED is Xero's to set when a pay run is posted,
    # REQUESTED/REJECTED belong to employees' requests in Xero Me: only DRAFT or APPROVED are ours to send.
    payload["Status"] = "APPROVED" if sheet.status == TimeSheetStatus.APPROVED else "DRAFT"
    days = _days(sheet.start_date, sheet.end_date)
    lines = []
    for n, line in enumerate(sheet.lines):
        where = f"time_sheets.lines[{n}]"
        if line.pay_item_id is None:
            raise MappingError(f"{where}.pay_item_id: missing, and Xero needs an earnings item on every timesheet line")
        out: Payload = {_PAY_ITEM_KEY[country]: _remote(refs, "pay_items", line.pay_item_id, f"{where}.pay_item_id")}
        # AU payroll has no work locations: a line's location (from a time tracker) stays in the hub.
        if country == "US" and line.work_location_id is not None:
            out["WorkLocationID"] = _remote(refs, "work_locations", line.work_location_id, f"{where}.work_location_id")
        units = [Decimal(0)] * days
        for activity in line.time_activities:
            # The model keeps activities inside the period; several on one day add up.
            units[(activity.transaction_date - sheet.start_date).days] += activity.hours
        out["NumberOfUnits"] = [number_out(u) for u in units]
        lines.append(out)
    payload["TimesheetLines"] = lines
    return payload
