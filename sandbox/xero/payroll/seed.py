"""The sample organisations' payroll: settings, pay items, calendars, staff, timesheets, pay runs and leave.

Deterministic for a (seed, scale): employees come from the shared staff
roster (``sandbox.common.staff``, the members with ``in_payroll``), ids from a
generator of this module's own, so accounting data never shifts when payroll
changes. Everything goes through the same rules as API writes, stamped with
the state's clock at seeding time. Calendars start on Monday 5 January 2026
(periods run both ways from it); the pay runs are the last whole periods
before the clock's today, POSTED, and the timesheets they paid PROCESSED.

AU: calendars Weekly (hourly staff) and Fortnightly (salaried staff); earnings
rates Ordinary Hours, Overtime Hours (exempt from super), Allowances; three
deduction types; leave types Annual Leave and Personal/Carer's Leave; one
reimbursement type; 3 weekly and 2 fortnightly pay runs; 2 timesheets; 2
leave applications (one paid, one to come).
US: pay schedules Weekly and Biweekly; earnings types Regular Hours, Overtime
Hours, Salary; a benefit, a deduction, a reimbursement and a time off type;
two work locations (the first primary); 3 weekly and 2 biweekly pay runs; 3
timesheets.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.common.staff import StaffMember, staff_roster
from sandbox.xero.payroll.au import LeaveApplications, settings_record
from sandbox.xero.payroll.base import Ctx, Kind, Record
from sandbox.xero.payroll.calendars import Period, periods_ending_before
from sandbox.xero.payroll.catalogue import Country, country_of
from sandbox.xero.payroll.employees import Employees
from sandbox.xero.payroll.payitems import PayItems
from sandbox.xero.payroll.payruns import PayRuns
from sandbox.xero.payroll.schedules import Calendars
from sandbox.xero.payroll.timesheets import Timesheets
from sandbox.xero.payroll.us import WorkLocations
from sandbox.xero.store import OrgBook

CALENDAR_START = date(2026, 1, 5)  # a Monday
PAY_RUNS = {"WEEKLY": 3, "FORTNIGHTLY": 2, "BIWEEKLY": 2}
TIMESHEETS = {"AU": 2, "US": 3}
# Version 4 and the RFC 4122 variant, set in a random 128-bit number.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)

_AU_PLACES = (("Sydney", "NSW", "2000"), ("Melbourne", "VIC", "3000"), ("Brisbane", "QLD", "4000"),
              ("Perth", "WA", "6000"), ("Adelaide", "SA", "5000"), ("Hobart", "TAS", "7000"))  # fmt: skip
_US_PLACES = (("San Francisco", "CA", "94103"), ("Oakland", "CA", "94607"), ("Portland", "OR", "97205"),
              ("Sacramento", "CA", "95814"), ("Reno", "NV", "89501"), ("Seattle", "WA", "98101"))  # fmt: skip
_STREETS = ("High Street", "Station Road", "Park Avenue", "Church Street", "Mill Lane", "Market Street")

_AU_PAY_ITEMS: dict[str, list[Record]] = {
    "EarningsRates": [
        {"Name": "Ordinary Hours", "AccountCode": "477", "TypeOfUnits": "Hours", "EarningsType": "ORDINARYTIMEEARNINGS",
         "RateType": "RATEPERUNIT", "RatePerUnit": "30.00", "IsExemptFromTax": False, "IsExemptFromSuper": False,
         "IsReportableAsW1": True, "IsQualifyingEarnings": True, "AccrueLeave": True},
        {"Name": "Overtime Hours (exempt from super)", "AccountCode": "477", "TypeOfUnits": "Hours",
         "EarningsType": "OVERTIMEEARNINGS", "RateType": "MULTIPLE", "Multiplier": Decimal("1.5"),
         "IsExemptFromTax": False, "IsExemptFromSuper": True, "IsReportableAsW1": True,
         "IsQualifyingEarnings": False, "AccrueLeave": False},
        {"Name": "Allowances", "AccountCode": "477", "EarningsType": "ALLOWANCE", "RateType": "FIXEDAMOUNT",
         "Amount": Decimal("25"), "IsExemptFromTax": False, "IsExemptFromSuper": True, "IsReportableAsW1": True,
         "IsQualifyingEarnings": False},
    ],
    "DeductionTypes": [
        {"Name": "Union Fees", "AccountCode": "850", "ReducesTax": False, "ReducesSuper": False,
         "DeductionCategory": "UNIONFEES"},
        {"Name": "Salary Sacrifice", "AccountCode": "850", "ReducesTax": True, "ReducesSuper": False,
         "DeductionCategory": "NONE"},
        {"Name": "Workplace Giving", "AccountCode": "850", "ReducesTax": True, "ReducesSuper": False,
         "DeductionCategory": "WORKPLACEGIVING"},
    ],
    "LeaveTypes": [
        {"Name": "Annual Leave", "TypeOfUnits": "Hours", "NormalEntitlement": Decimal("152"),
         "LeaveLoadingRate": Decimal("1.0"), "IsPaidLeave": True, "ShowOnPayslip": True,
         "LeaveCategoryCode": "ANNUALLEAVE", "IsQualifyingEarnings": True},
        {"Name": "Personal/Carer's Leave", "TypeOfUnits": "Hours", "NormalEntitlement": Decimal("76"),
         "IsPaidLeave": True, "ShowOnPayslip": True, "LeaveCategoryCode": "PERSONALSICKCARERSLEAVE",
         "IsQualifyingEarnings": True},
    ],
    "ReimbursementTypes": [{"Name": "Travel Costs", "AccountCode": "493"}],
}  # fmt: skip
_US_PAY_ITEMS: dict[str, list[Record]] = {
    "EarningsTypes": [
        {"EarningsType": "Regular Hours", "ExpenseAccountCode": "477", "EarningsCategory": "REGULAREARNINGS",
         "RateType": "RATEPERUNIT", "TypeOfUnits": "Hours"},
        {"EarningsType": "Overtime Hours", "ExpenseAccountCode": "477", "EarningsCategory": "OVERTIMEEARNINGS",
         "RateType": "MULTIPLE", "TypeOfUnits": "Hours", "Multiple": Decimal("1.5")},
        {"EarningsType": "Salary", "ExpenseAccountCode": "477", "EarningsCategory": "REGULAREARNINGS",
         "RateType": "FIXEDAMOUNT"},
    ],
    "BenefitTypes": [{"BenefitType": "401(k)", "BenefitCategory": "401K", "LiabilityAccountCode": "826",
                      "ExpenseAccountCode": "478"}],
    "DeductionTypes": [{"DeductionType": "Health Insurance", "DeductionCategory": "HEALTHINSURANCE",
                        "LiabilityAccountCode": "825"}],
    "ReimbursementTypes": [{"ReimbursementType": "Mileage", "ExpenseOrLiabilityAccountCode": "493"}],
    "TimeOffTypes": [{"TimeOffType": "Paid Time Off", "TimeOffCategory": "PTO", "LiabilityAccountCode": "826",
                      "ExpenseAccountCode": "477"}],
}  # fmt: skip
_AU_ACCOUNTS = (
    ("WAGESEXPENSE", "477", "Wages and Salaries"),
    ("WAGESPAYABLELIABILITY", "804", "Wages Payable - Payroll"),
    ("PAYGLIABILITY", "825", "PAYG Withholdings Payable"),
    ("SUPERANNUATIONEXPENSE", "478", "Superannuation"),
    ("SUPERANNUATIONLIABILITY", "826", "Superannuation Payable"),
)


def seed_payroll(book: OrgBook, key: str, *, scale: int, seed: int, now: datetime, history: bool = True) -> None:
    """Give a sample organisation its payroll (nothing outside AU and the US).

    ``key`` names the sample organisation (au, us) in the random streams.
    Without ``history`` only the settings: pay items, calendars, work locations.
    """
    country = country_of(book.country)
    if country is None:
        return
    ids = random.Random(f"{seed}:{key}:payroll-ids")
    book.payroll.new_id = lambda: _uuid(ids)
    try:
        _PayrollSeeder(Ctx(book, country, now), random.Random(f"{seed}:{key}:payroll")).run(scale, seed, history)
    finally:
        book.payroll.new_id = lambda: str(uuid.uuid4())


def _uuid(rng: random.Random) -> str:
    bits = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class _PayrollSeeder:
    """Writes one organisation's payroll through the collections' own rules."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.country: Country = ctx.country
        self.au = ctx.country.code == "AU"
        self.kinds = {c.name: c for c in ctx.country.collections}

    def write(self, kind: type[Kind], name: str, element: Record) -> Record:
        """One write through the collection's rules (a seeding bug fails loudly)."""
        return kind(self.kinds[name]).write(self.ctx, element, None)

    def run(self, scale: int, seed: int, history: bool) -> None:
        """Settings, then (with ``history``) staff, timesheets, pay runs and leave."""
        self._settings()
        if not history:
            return
        staff = [m for m in staff_roster(self.country.code, scale, seed) if m.in_payroll]
        employees = [(m, self._employee(m)) for m in staff]
        self._timesheets([(m, e) for m, e in employees if m.hourly][: TIMESHEETS[self.country.code]])
        for calendar in list(self.ctx.payroll.table(self.country.calendars).values()):
            kind = calendar[self.country.calendar_kind]
            for start, _ in periods_ending_before(kind, calendar["StartDate"], self.ctx.today, PAY_RUNS[kind]):
                element = {self.country.calendar_id: calendar[self.country.calendar_id],
                           "PayRunPeriodStartDate": start.isoformat(), "PayRunStatus": "POSTED"}  # fmt: skip
                self.write(PayRuns, "PayRuns", element)
        if self.au:
            self._leave(employees)

    # -- settings --------------------------------------------------------------------------

    def _settings(self) -> None:
        ctx = self.ctx
        items = _AU_PAY_ITEMS if self.au else _US_PAY_ITEMS
        PayItems(self.kinds["PayItems"]).write_object(ctx, items)
        if self.au:
            bank = next((a for a in ctx.book.table("Accounts").values() if a.get("Type") == "BANK"), None)
            accounts = [
                {"AccountID": ctx.payroll.new_id(), "Type": t, "Code": c, "Name": n} for t, c, n in _AU_ACCOUNTS
            ]
            if bank is not None:
                accounts.insert(0, {"AccountID": bank["AccountID"], "Type": "BANK", "Code": bank["Code"],
                                    "Name": bank["Name"]})  # fmt: skip
            tracking = {
                "EmployeeGroups": {"TrackingCategoryID": ctx.payroll.new_id(), "TrackingCategoryName": "Department"},
                "TimesheetCategories": {"TrackingCategoryID": ctx.payroll.new_id(), "TrackingCategoryName": "Store"},
            }
            ctx.payroll.put("Settings", "SettingsID", settings_record(accounts, tracking))
            calendars = (("Weekly", "WEEKLY", 9), ("Fortnightly", "FORTNIGHTLY", 16))
        else:
            locations = (
                {"StreetAddress": "1450 Mission Street", "City": "San Francisco", "State": "CA", "Zip": "94103",
                 "IsPrimary": True},
                {"StreetAddress": "820 SW Alder Street", "SuiteOrAptOrUnit": "Suite 200", "City": "Portland",
                 "State": "OR", "Zip": "97205", "IsPrimary": False},
            )  # fmt: skip
            for location in locations:
                self.write(WorkLocations, "WorkLocations", location)
            calendars = (("Weekly", "WEEKLY", 11), ("Biweekly", "BIWEEKLY", 18))
        for name, kind, pay_day in calendars:
            element = {self.country.calendar_name: name, self.country.calendar_kind: kind,
                       "StartDate": CALENDAR_START.isoformat(),
                       "PaymentDate": (CALENDAR_START + timedelta(days=pay_day)).isoformat()}  # fmt: skip
            self.write(Calendars, self.country.calendars, element)

    # -- people ----------------------------------------------------------------------------

    def _find(self, table: str, field: str, value: str) -> Record:
        return next(r for r in self.ctx.payroll.table(table).values() if r[field] == value)

    def _employee(self, member: StaffMember) -> Record:
        country = self.country
        rng = self.rng
        calendars = [c[country.calendar_id] for c in self.ctx.payroll.table(country.calendars).values()]
        city, region, postcode = rng.choice(_AU_PLACES if self.au else _US_PLACES)
        street = f"{rng.randrange(1, 400)} {rng.choice(_STREETS)}"
        element: Record = {
            "FirstName": member.first_name,
            "LastName": member.last_name,
            "Email": member.email,
            "DateOfBirth": member.birth_date.isoformat(),
            "StartDate": member.start_date.isoformat(),
            "JobTitle": member.job_title,
            "Status": "ACTIVE",
            country.calendar_id: calendars[0] if member.hourly else calendars[1],
        }
        if self.au:
            mobile = f"04{rng.randrange(10, 100)} {rng.randrange(100, 1000)} {rng.randrange(100, 1000)}"
            ordinary = self._find("EarningsRates", "Name", "Ordinary Hours")["EarningsRateID"]
            element.update(
                Gender="N",
                Mobile=mobile,
                HomeAddress={"AddressLine1": street, "City": city, "Region": region, "PostalCode": postcode,
                             "Country": "AUSTRALIA"},
                OrdinaryEarningsRateID=ordinary,
                PayTemplate=self._template(member, ordinary),
            )  # fmt: skip
        else:
            locations = list(self.ctx.payroll.table("WorkLocations").values())
            earnings = self._find("EarningsTypes", "EarningsType", "Regular Hours" if member.hourly else "Salary")
            wages: Record = {"EarningsTypeID": earnings["EarningsTypeID"], "StandardHoursPerWeek": member.hours_per_week,
                             "EffectiveDate": member.start_date.isoformat()}  # fmt: skip
            if member.hourly:
                wages.update(SalaryWagesType="HOURLY", HourlyRate=member.rate)
            else:
                wages.update(SalaryWagesType="ANNUAL", AnnualSalary=member.rate)
            element.update(
                Mobile=f"({rng.randrange(200, 990)}) 555-{rng.randrange(100, 200):04d}",
                HomeAddress={"StreetAddress": street, "City": city, "State": region, "Zip": postcode},
                EmployeeNumber=f"E{member.number:03d}",
                WorkLocationID=locations[1 if member.number % 3 == 0 else 0]["WorkLocationID"],
                SalaryAndWages=[wages],
            )
        return self.write(Employees, "Employees", element)

    def _template(self, member: StaffMember, ordinary: str) -> Record:
        if member.hourly:
            how = "ENTEREARNINGSRATE" if member.number % 2 == 0 else "USEEARNINGSRATE"
            line = {"EarningsRateID": ordinary, "CalculationType": how, "RatePerUnit": member.rate,
                    "NumberOfUnitsPerWeek": member.hours_per_week}  # fmt: skip
        else:
            line = {"EarningsRateID": ordinary, "CalculationType": "ANNUALSALARY", "AnnualSalary": member.rate,
                    "NumberOfUnitsPerWeek": member.hours_per_week}  # fmt: skip
        template: Record = {"EarningsLines": [line]}
        if member.number == 1:
            union = self._find("DeductionTypes", "Name", "Union Fees")["DeductionTypeID"]
            template["DeductionLines"] = [
                {"DeductionTypeID": union, "CalculationType": "FIXEDAMOUNT", "Amount": "15.00"}
            ]
        return template

    # -- time --------------------------------------------------------------------------------

    def _timesheets(self, hourly: list[tuple[StaffMember, Record]]) -> None:
        country = self.country
        for member, employee in hourly:
            calendar = self.ctx.payroll.table(country.calendars)[employee[country.calendar_id]]
            start, end = periods_ending_before(
                calendar[country.calendar_kind], calendar["StartDate"], self.ctx.today, 1
            )[0]
            daily = (Decimal(member.hours_per_week) / 5).quantize(Decimal("0.25"))
            units = [
                daily if (start + timedelta(days=n)).weekday() < 5 else Decimal(0)
                for n in range((end - start).days + 1)
            ]
            line: Record = {country.earnings_id: self._ordinary(employee), "NumberOfUnits": units}
            if not self.au:
                line["WorkLocationID"] = employee["WorkLocationID"]
            element = {"EmployeeID": employee["EmployeeID"], "StartDate": start.isoformat(), "EndDate": end.isoformat(),
                       "Status": "APPROVED", "TimesheetLines": [line]}  # fmt: skip
            self.write(Timesheets, "Timesheets", element)

    def _ordinary(self, employee: Record) -> Any:
        if self.au:
            return employee["OrdinaryEarningsRateID"]
        return employee["SalaryAndWages"][0]["EarningsTypeID"]

    def _leave(self, employees: list[tuple[StaffMember, Record]]) -> None:
        annual = self._find("LeaveTypes", "Name", "Annual Leave")["LeaveTypeID"]
        personal = self._find("LeaveTypes", "Name", "Personal/Carer's Leave")["LeaveTypeID"]
        salaried = next(e for m, e in employees if not m.hourly)
        hourly = next(e for m, e in employees if m.hourly)
        today = self.ctx.today
        holiday = today + timedelta(days=14 - today.weekday())  # a Monday two weeks or so ahead
        weekly = self.ctx.payroll.table("PayrollCalendars")[hourly["PayrollCalendarID"]]
        paid: Period = periods_ending_before("WEEKLY", weekly["StartDate"], today, 1)[0]
        sick = paid[0] + timedelta(days=1)
        for employee, leave_type, title, start, end in (
            (salaried, annual, "Annual leave", holiday, holiday + timedelta(days=4)),
            (hourly, personal, "Sick leave", sick, sick),
        ):
            element = {"EmployeeID": employee["EmployeeID"], "LeaveTypeID": leave_type, "Title": title,
                       "StartDate": start.isoformat(), "EndDate": end.isoformat()}  # fmt: skip
            self.write(LeaveApplications, "LeaveApplications", element)
