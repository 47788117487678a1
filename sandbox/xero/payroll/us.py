"""The US payroll API: what was modelled and from where, and what only it has (work locations).

Xero publishes no OpenAPI spec of it (none in XeroAPI/Xero-OpenAPI, at any
commit: see the project's ../shared/reference/xero_api.md, section A); it
is modelled on Xero's retired US Payroll API documentation
(developer.xero.com/documentation/payroll-api-us/: Employees, PaySchedules,
PayItems, PayRuns, Timesheets, WorkLocations) and on the field lists of the
project's HR brief. It is served, as Xero served it, under
``/payroll.xro/1.0`` to organisations in the US, in Payroll AU's envelope
and date format; where the old pages say nothing it follows Payroll AU:

- Employees: FirstName, LastName and DateOfBirth required; HomeAddress
  {StreetAddress, SuiteOrAptOrUnit, City, State, Zip}; PayScheduleID and
  WorkLocationID must exist; SalaryAndWages lines (HOURLY with HourlyRate,
  ANNUAL with AnnualSalary, under an existing EarningsTypeID).
- PaySchedules: PayScheduleName, ScheduleType WEEKLY|BIWEEKLY|SEMIMONTHLY|
  MONTHLY, StartDate, PaymentDate (``schedules``).
- PayItems: one object of EarningsTypes, BenefitTypes, DeductionTypes,
  ReimbursementTypes and TimeOffTypes (``payitems``).
- PayRuns: Earnings, Deductions, Reimbursement, NetPay; Paystubs only in a
  by-id answer (``payruns``).
- Timesheets: lines of EarningsTypeID, WorkLocationID and one NumberOfUnits
  per day; the AU rules, with the pay schedule as calendar; by id
  ``{"Timesheet": {...}}`` as in AU (``timesheets``).
- WorkLocations (here): StreetAddress, City, State and Zip required; one
  location is primary, so marking another primary takes the mark from the first.

No LeaveApplications, Settings or PayrollCalendars: 404.
"""

from __future__ import annotations

from sandbox.xero.errors import Invalid
from sandbox.xero.payroll.base import FLAG, TEXT, Ctx, Kind, Record, merged, read_fields, require
from sandbox.xero.resource import Reader

FIELDS = {"StreetAddress": TEXT, "SuiteOrAptOrUnit": TEXT, "City": TEXT, "State": TEXT, "Zip": TEXT, "IsPrimary": FLAG}


class WorkLocations(Kind):
    """``/WorkLocations``."""

    def write(self, ctx: Ctx, element: Record, key: str | None) -> Record:
        """Create a work location, or update one (``key``, or the element's WorkLocationID)."""
        wanted = key or element.get("WorkLocationID")
        old = ctx.get("WorkLocations", wanted) if wanted is not None else None
        if wanted is not None and old is None:
            raise Invalid("The work location was not found")
        reader = Reader(element)
        record = merged(old or {"IsPrimary": False}, read_fields(reader, FIELDS))
        require(reader, record, "StreetAddress", "City", "State", "Zip")
        reader.check()
        record_id = old["WorkLocationID"] if old is not None else ctx.payroll.new_id()
        if record["IsPrimary"]:
            for other in self.records(ctx):
                if other["IsPrimary"] and other["WorkLocationID"] != record_id:
                    ctx.payroll.put(
                        "WorkLocations", "WorkLocationID", {**other, "IsPrimary": False, "UpdatedDateUTC": ctx.now}
                    )
        stored = {"WorkLocationID": record_id, **record, "UpdatedDateUTC": ctx.now}
        return ctx.payroll.put("WorkLocations", "WorkLocationID", stored)
