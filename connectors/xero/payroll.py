"""Xero Payroll, declared as data: the collections of Payroll AU and of the US payroll API, per country.

Payroll answers only for organisations in Australia and the United States,
and only to a connection the user allowed payroll access. Work locations
exist in US payroll only, leave applications in AU payroll only. Lists page
by 100 (no page-size parameter) and honour If-Modified-Since; writes are POST
with a bare array, one element per call here, so that one refused timesheet
(a 400 for the whole request in Payroll) does not take others with it.
"""

from __future__ import annotations

from connectors.xero.streams import PAYROLL_PREFIX, Paging, WriteStyle, XeroStream

__all__ = [
    "PAYROLL_COUNTRIES",
    "PAYROLL_STREAMS",
    "TIMESHEET_WRITE",
    "payroll_stream",
    "payroll_streams_for",
]

PAYROLL_COUNTRIES = ("AU", "US")
PAGE = 100
TIMESHEET_WRITE = WriteStyle("POST", batch=False, bare=True)
TIMESHEET_UPDATE = WriteStyle("POST", batch=False, bare=True, by_id=True)


def _stream(name: str, id_field: str, entities: tuple[str, ...], **kw: object) -> XeroStream:
    return XeroStream(
        name,
        id_field,
        entities,
        prefix=PAYROLL_PREFIX,
        page_size=PAGE,
        create=None,
        update=None,
        **kw,  # type: ignore[arg-type]
    )


_AU_PAY_ITEMS = (
    ("EarningsRates", "EarningsRate", "EarningsRateID"),
    ("DeductionTypes", "DeductionType", "DeductionTypeID"),
    ("LeaveTypes", "LeaveType", "LeaveTypeID"),
    ("ReimbursementTypes", "ReimbursementType", "ReimbursementTypeID"),
)
_US_PAY_ITEMS = (
    ("EarningsTypes", "EarningsType", "EarningsTypeID"),
    ("BenefitTypes", "BenefitType", "BenefitTypeID"),
    ("DeductionTypes", "DeductionType", "DeductionTypeID"),
    ("ReimbursementTypes", "ReimbursementType", "ReimbursementTypeID"),
    ("TimeOffTypes", "TimeOffType", "TimeOffTypeID"),
)


def _timesheets() -> XeroStream:
    return XeroStream(
        "Timesheets",
        "TimesheetID",
        ("time_sheets",),
        prefix=PAYROLL_PREFIX,
        page_size=PAGE,
        create=TIMESHEET_WRITE,
        update=TIMESHEET_UPDATE,
    )


def _pay_items(groups: tuple[tuple[str, str, str], ...]) -> XeroStream:
    # PayItems is one object of lists; the client hands out each item with its kind and id.
    return _stream("PayItems", "PayItemID", ("pay_items",), paging=Paging.NONE, modified_since=False, groups=groups)


PAYROLL_STREAMS: dict[str, dict[str, XeroStream]] = {
    "AU": {
        s.name: s
        for s in (
            _pay_items(_AU_PAY_ITEMS),
            _stream("PayrollCalendars", "PayrollCalendarID", ("pay_schedules",)),
            _stream("Employees", "EmployeeID", ("employees", "employee_salaries")),
            _timesheets(),
            _stream("LeaveApplications", "LeaveApplicationID", ("leave_applications",)),
            _stream("PayRuns", "PayRunID", ("pay_runs",)),
        )
    },
    "US": {
        s.name: s
        for s in (
            _stream("WorkLocations", "WorkLocationID", ("work_locations",)),
            _pay_items(_US_PAY_ITEMS),
            _stream("PaySchedules", "PayScheduleID", ("pay_schedules",)),
            _stream("Employees", "EmployeeID", ("employees", "employee_salaries")),
            _timesheets(),
            _stream("PayRuns", "PayRunID", ("pay_runs",)),
        )
    },
}
"""Each payroll country's collections, in reference order."""


def payroll_streams_for(country: str) -> dict[str, XeroStream]:
    """The payroll collections of an organisation in ``country`` (none outside AU and the US)."""
    return PAYROLL_STREAMS.get(country.upper(), {})


def payroll_stream(country: str, name: str) -> XeroStream:
    """One payroll collection of a country, or KeyError naming what the country has."""
    streams = payroll_streams_for(country)
    if name not in streams:
        raise KeyError(f"Xero payroll {country} has no {name} (it has: {', '.join(streams) or 'nothing'})")
    return streams[name]
