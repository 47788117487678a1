"""Pay runs and their payslips (AU) or paystubs (US), worked out from pay templates and timesheets.

A pay run pays one calendar's employees for one pay period. Created without
a period it takes the one after the calendar's latest pay run (or the
calendar's first); a calendar has one DRAFT pay run at a time and one pay run
per period. While DRAFT it is worked out again on every update; posting it
(``PayRunStatus`` POSTED) turns the period's APPROVED timesheets into
PROCESSED ones, and a POSTED pay run cannot change.

The figures are a sandbox's, not a tax office's: hourly pay is the
timesheet's hours of the period (APPROVED or PROCESSED) at the rate, or the
usual hours a week when there is no timesheet; a salary is paid in equal
parts per period; tax is a flat share of the earnings (AU 20 %, US 22 %),
super 12 % on top (AU); deductions and reimbursements come from the AU pay
template's lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sandbox.xero.errors import Invalid
from sandbox.xero.money import money, to_decimal
from sandbox.xero.payroll.base import DAY, Ctx, Kind, Record, merged, read_fields, require, total
from sandbox.xero.payroll.calendars import Period, is_period, next_period, period_containing, periods_per_year
from sandbox.xero.payroll.timesheets import PROCESSED
from sandbox.xero.resource import Reader
from sandbox.xero.wire import public

TAX_SHARE = {"AU": Decimal("0.20"), "US": Decimal("0.22")}
SUPER_SHARE = Decimal("0.12")
PAID_TIMESHEETS = ("APPROVED", PROCESSED)
DRAFT, POSTED = "DRAFT", "POSTED"
# What a payslip (AU) or paystub (US) shows inside a pay run fetched by id.
SUMMARY = {
    "AU": ("EmployeeID", "PayslipID", "FirstName", "LastName", "Wages", "Deductions", "Tax", "Super",
           "Reimbursements", "NetPay", "UpdatedDateUTC"),
    "US": ("PaystubID", "EmployeeID", "FirstName", "LastName", "Earnings", "Deductions", "Tax", "Reimbursements",
           "NetPay"),
}  # fmt: skip
TOTALS = {
    "AU": ("Wages", "Deductions", "Tax", "Super", "Reimbursement", "NetPay"),
    "US": ("Earnings", "Deductions", "Reimbursement", "NetPay"),
}


@dataclass(frozen=True)
class PayLine:
    """One way an employee is paid: by the hour (rate, usual hours a week) or a yearly salary."""

    earnings_id: str
    hourly: bool
    rate: Decimal
    hours_per_week: Decimal = Decimal(0)


def pay_lines(ctx: Ctx, employee: Record) -> list[PayLine]:
    """An employee's pay, read from the AU pay template or the US salary and wages."""
    found: list[PayLine] = []
    if ctx.country.code == "AU":
        for line in employee.get("PayTemplate", {}).get("EarningsLines", []):
            rate_id = line["EarningsRateID"]
            if line.get("CalculationType") == "ANNUALSALARY":
                found.append(PayLine(rate_id, False, to_decimal(line.get("AnnualSalary")) or Decimal(0)))
                continue
            listed = ctx.get("EarningsRates", rate_id) or {}
            rate = to_decimal(line.get("RatePerUnit")) or to_decimal(listed.get("RatePerUnit")) or Decimal(0)
            found.append(PayLine(rate_id, True, rate, to_decimal(line.get("NumberOfUnitsPerWeek")) or Decimal(0)))
        return found
    for line in employee.get("SalaryAndWages", []):
        hourly = line.get("SalaryWagesType") == "HOURLY"
        rate = to_decimal(line.get("HourlyRate" if hourly else "AnnualSalary")) or Decimal(0)
        hours = to_decimal(line.get("StandardHoursPerWeek")) or Decimal(0)
        found.append(PayLine(line["EarningsTypeID"], hourly, rate, hours))
    return found


class PayRuns(Kind):
    """``/PayRuns``: payslips (paystubs) only in a by-id answer."""

    def view(self, ctx: Ctx, record: Record, *, single: bool = False) -> Record:
        """The pay run; by id with the summary of every payslip (paystub)."""
        shown = public(record)
        if single:
            fields = SUMMARY[ctx.country.code]
            slips = [s for s in ctx.payroll.table(ctx.country.slips).values() if s["_pay_run"] == record["PayRunID"]]
            shown[ctx.country.slips] = [{k: s[k] for k in fields if k in s} for s in slips]
        return shown

    def write(self, ctx: Ctx, element: Record, key: str | None) -> Record:
        """Create a pay run (DRAFT, or POSTED at once) or update a DRAFT one (post it, change its payment date)."""
        country = ctx.country
        wanted = key or element.get("PayRunID")
        old = ctx.get("PayRuns", wanted) if wanted is not None else None
        if wanted is not None and old is None:
            raise Invalid("The pay run was not found")
        if old is not None and old["PayRunStatus"] == POSTED:
            raise Invalid("A posted pay run cannot be changed")
        reader = Reader(element)
        fields: dict[str, str | tuple[str, ...]] = {
            country.calendar_id: "text", "PayRunPeriodStartDate": DAY, "PayRunPeriodEndDate": DAY,
            "PaymentDate": DAY, "PayRunStatus": (DRAFT, POSTED), "PayslipMessage": "text",
        }  # fmt: skip
        changes = read_fields(reader, fields)
        if old is not None:
            # The calendar and the period of an existing pay run are fixed.
            for fixed in (country.calendar_id, "PayRunPeriodStartDate", "PayRunPeriodEndDate"):
                changes.pop(fixed, None)
        record = merged(old, changes)
        require(reader, record, country.calendar_id)
        reader.check()
        calendar = ctx.get(country.calendars, record[country.calendar_id])
        if calendar is None:
            raise Invalid(f"The {country.calendar_id} {record[country.calendar_id]} was not found")
        if old is None:
            start, end = self._period(ctx, calendar, record)
            record.update(PayRunPeriodStartDate=start, PayRunPeriodEndDate=end)
        record.setdefault("PayRunStatus", DRAFT)
        record.setdefault("PaymentDate", record["PayRunPeriodEndDate"] + timedelta(days=3))
        run_id = (old or {}).get("PayRunID") or ctx.payroll.new_id()
        record.update(PayRunID=run_id, **{country.calendar_id: calendar[country.calendar_id]})
        slips = self._pay(ctx, record)
        for name in TOTALS[country.code]:
            slip_field = "Reimbursements" if name == "Reimbursement" else name
            record[name] = money(total([s[slip_field] for s in slips]))
        record["UpdatedDateUTC"] = ctx.now
        if record["PayRunStatus"] == POSTED:
            self._process_timesheets(ctx, record, slips)
        return ctx.payroll.put("PayRuns", "PayRunID", _ordered(record, country.calendar_id))

    def _period(self, ctx: Ctx, calendar: Record, record: Record) -> Period:
        country = ctx.country
        kind, anchor = calendar[country.calendar_kind], calendar["StartDate"]
        runs = [r for r in self.records(ctx) if r[country.calendar_id] == calendar[country.calendar_id]]
        start = record.get("PayRunPeriodStartDate")
        if start is None:
            latest = max(runs, key=lambda r: r["PayRunPeriodStartDate"], default=None)
            period = period_containing(kind, anchor, anchor)
            if latest is not None:
                period = next_period(kind, anchor, (latest["PayRunPeriodStartDate"], latest["PayRunPeriodEndDate"]))
        else:
            period = period_containing(kind, anchor, start)
            end = record.get("PayRunPeriodEndDate", period[1])
            if not is_period(kind, anchor, start, end):
                raise Invalid(f"The pay run period must match a pay period of the {country.calendar_word}")
        if any(r["PayRunStatus"] == DRAFT for r in runs):
            raise Invalid(f"There is already a draft pay run for this {country.calendar_word}")
        if any(r["PayRunPeriodStartDate"] == period[0] for r in runs):
            raise Invalid("A pay run already exists for this pay period")
        return period

    def _pay(self, ctx: Ctx, run: Record) -> list[Record]:
        """Work out every payslip (paystub) of the run, keeping the ids it already gave."""
        country = ctx.country
        table = ctx.payroll.table(country.slips)
        before = {s["EmployeeID"]: s for s in table.values() if s["_pay_run"] == run["PayRunID"]}
        for slip in before.values():
            ctx.payroll.remove(country.slips, slip[country.slip_id])
        calendar = ctx.payroll.table(country.calendars)[run[country.calendar_id].lower()]
        period = (run["PayRunPeriodStartDate"], run["PayRunPeriodEndDate"])
        slips: list[Record] = []
        for employee in ctx.payroll.table("Employees").values():
            if employee.get(country.calendar_id) != calendar[country.calendar_id] or not _employed(employee, period):
                continue
            old_id = before.get(employee["EmployeeID"], {}).get(country.slip_id)
            slip = self._slip(ctx, employee, calendar, period)
            slip.update({country.slip_id: old_id or ctx.payroll.new_id(), "_pay_run": run["PayRunID"]})
            slips.append(ctx.payroll.put(country.slips, country.slip_id, slip))
        return slips

    def _slip(self, ctx: Ctx, employee: Record, calendar: Record, period: Period) -> Record:
        country = ctx.country
        code = country.code
        sheet = _timesheet(ctx, employee["EmployeeID"], period)
        weeks = Decimal((period[1] - period[0]).days + 1) / 7
        template_lines: list[Record] = []
        sheet_lines: list[Record] = []
        for line in pay_lines(ctx, employee):
            if not line.hourly:
                amount = money(line.rate / periods_per_year(calendar[country.calendar_kind]))
                template_lines.append({country.earnings_id: line.earnings_id, "Amount": amount})
                continue
            if sheet is not None:
                units = total([u for s in sheet["TimesheetLines"] if s[country.earnings_id] == line.earnings_id
                               for u in s["NumberOfUnits"]])  # fmt: skip
                target = sheet_lines
            else:
                units, target = line.hours_per_week * weeks, template_lines
            shown = {country.earnings_id: line.earnings_id, "RatePerUnit": line.rate, "NumberOfUnits": units}
            target.append({**shown, "Amount": money(line.rate * units)})
        wages = money(total([line["Amount"] for line in template_lines + sheet_lines]))
        template = employee.get("PayTemplate", {})
        deductions = money(
            total([to_decimal(d.get("Amount")) or Decimal(0) for d in template.get("DeductionLines", [])])
        )
        reimbursements = money(
            total([to_decimal(r.get("Amount")) or Decimal(0) for r in template.get("ReimbursementLines", [])])
        )
        tax = money(wages * TAX_SHARE[code])
        slip: Record = {"EmployeeID": employee["EmployeeID"], "FirstName": employee["FirstName"],
                        "LastName": employee["LastName"], country.wages: wages, "Deductions": deductions, "Tax": tax}  # fmt: skip
        if code == "AU":
            slip["Super"] = money(wages * SUPER_SHARE)
        slip.update(Reimbursements=reimbursements, NetPay=wages - deductions - tax + reimbursements)
        slip["EarningsLines"] = template_lines
        if sheet_lines:
            slip["TimesheetEarningsLines"] = sheet_lines
        if code == "AU":
            slip["DeductionLines"] = [
                {"DeductionTypeID": d["DeductionTypeID"], "CalculationType": "FIXEDAMOUNT", "Amount": d["Amount"]}
                for d in template.get("DeductionLines", []) if "Amount" in d
            ]  # fmt: skip
            slip["ReimbursementLines"] = [dict(r) for r in template.get("ReimbursementLines", [])]
            slip["SuperannuationLines"] = [{"ContributionType": "SGC", "CalculationType": "STATUTORY",
                                            "Percentage": SUPER_SHARE * 100, "Amount": slip["Super"]}]  # fmt: skip
            slip["TaxLines"] = [{"TaxTypeName": "PAYG Tax", "Description": "PAYG withholding", "Amount": tax}]
        slip["UpdatedDateUTC"] = ctx.now
        return slip

    def _process_timesheets(self, ctx: Ctx, run: Record, slips: list[Record]) -> None:
        paid = {s["EmployeeID"] for s in slips}
        for sheet in list(ctx.payroll.table("Timesheets").values()):
            in_run = sheet["EmployeeID"] in paid and sheet["StartDate"] == run["PayRunPeriodStartDate"]
            if in_run and sheet["Status"] == "APPROVED":
                ctx.payroll.put("Timesheets", "TimesheetID", {**sheet, "Status": PROCESSED, "UpdatedDateUTC": ctx.now})


def _employed(employee: Record, period: Period) -> bool:
    """Whether an employee is on the books for some of the period."""
    started: date | None = employee.get("StartDate")
    ended: date | None = employee.get("TerminationDate")
    if employee.get("Status") == "TERMINATED" and ended is None:
        return False
    return (started is None or started <= period[1]) and (ended is None or ended >= period[0])


def _timesheet(ctx: Ctx, employee_id: str, period: Period) -> Record | None:
    for sheet in ctx.payroll.table("Timesheets").values():
        if (sheet["EmployeeID"], sheet["StartDate"]) == (employee_id, period[0]) and sheet["Status"] in PAID_TIMESHEETS:
            return sheet
    return None


def _ordered(record: Record, calendar_id: str) -> Record:
    # The field order of Xero's answers.
    order = ("PayRunID", calendar_id, "PayRunPeriodStartDate", "PayRunPeriodEndDate", "PayRunStatus", "PaymentDate")
    return {**{k: record[k] for k in order if k in record}, **record}
