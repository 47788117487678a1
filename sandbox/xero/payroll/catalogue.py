"""The payroll collections, as data: per country, what each is called, keyed by, read and written with.

Both countries answer under ``/payroll.xro/1.0``; the organisation's country
picks the catalogue. Scopes are the spec's (``payroll.employees``,
``payroll.payruns``, ``payroll.payslip``, ``payroll.settings``,
``payroll.timesheets``; the ``.read`` ones only read). ``single_key`` names
the JSON key of a by-id answer where it holds one object rather than a list
(``{"Timesheet": {...}}``, ``{"Payslip": {...}}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Verbs, by the shape of the call.
LIST, GET, POST, POST_ID = "list", "get", "post", "post_id"
READ_ONLY = frozenset({LIST, GET})
CREATE = frozenset({LIST, GET, POST})
READ_WRITE = frozenset({LIST, GET, POST, POST_ID})

PAGE_SIZE = 100


def scopes(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """Read and write scopes of a payroll scope family."""
    return frozenset({f"payroll.{name}", f"payroll.{name}.read"}), frozenset({f"payroll.{name}"})


EMPLOYEES = scopes("employees")
PAYRUNS = scopes("payruns")
PAYSLIP = scopes("payslip")
SETTINGS = scopes("settings")
TIMESHEETS = scopes("timesheets")


@dataclass(frozen=True)
class Collection:
    """One payroll collection of one country."""

    name: str
    id_field: str | None
    scopes: tuple[frozenset[str], frozenset[str]]
    methods: frozenset[str]
    table: str | None = None
    single_key: str | None = None

    @property
    def read_scopes(self) -> frozenset[str]:
        """Scopes that may read."""
        return self.scopes[0]

    @property
    def write_scopes(self) -> frozenset[str]:
        """Scopes that may write."""
        return self.scopes[1]

    @property
    def stored_in(self) -> str:
        """The table holding its records."""
        return self.table or self.name


@dataclass(frozen=True)
class PayItemGroup:
    """One list inside the single PayItems object: its key, id field and the field naming an item."""

    key: str
    id_field: str
    name_field: str
    label: str


@dataclass(frozen=True)
class Country:
    """What differs between Payroll AU and the US payroll API."""

    code: str
    calendars: str
    calendar_id: str
    calendar_name: str
    calendar_kind: str
    calendar_word: str
    calendar_kinds: tuple[str, ...]
    earnings: str
    earnings_id: str
    slips: str
    slip_id: str
    wages: str
    pay_items: tuple[PayItemGroup, ...]
    collections: tuple[Collection, ...] = field(default=())

    def collection(self, name: str) -> Collection | None:
        """A collection by path segment (case-insensitive, as Xero's paths are)."""
        for found in self.collections:
            if found.name.lower() == name.lower():
                return found
        return None


AU = Country(
    code="AU",
    calendars="PayrollCalendars",
    calendar_id="PayrollCalendarID",
    calendar_name="Name",
    calendar_kind="CalendarType",
    calendar_word="payroll calendar",
    calendar_kinds=("WEEKLY", "FORTNIGHTLY", "FOURWEEKLY", "MONTHLY", "TWICEMONTHLY", "QUARTERLY"),
    earnings="EarningsRates",
    earnings_id="EarningsRateID",
    slips="Payslips",
    slip_id="PayslipID",
    wages="Wages",
    pay_items=(
        PayItemGroup("EarningsRates", "EarningsRateID", "Name", "earnings rate"),
        PayItemGroup("DeductionTypes", "DeductionTypeID", "Name", "deduction type"),
        PayItemGroup("LeaveTypes", "LeaveTypeID", "Name", "leave type"),
        PayItemGroup("ReimbursementTypes", "ReimbursementTypeID", "Name", "reimbursement type"),
    ),
    collections=(
        Collection("Employees", "EmployeeID", EMPLOYEES, READ_WRITE),
        Collection("PayItems", None, SETTINGS, frozenset({LIST, POST})),
        Collection("PayrollCalendars", "PayrollCalendarID", SETTINGS, CREATE),
        Collection("PayRuns", "PayRunID", PAYRUNS, READ_WRITE),
        Collection("Payslip", "PayslipID", PAYSLIP, frozenset({GET}), table="Payslips", single_key="Payslip"),
        Collection("Timesheets", "TimesheetID", TIMESHEETS, READ_WRITE, single_key="Timesheet"),
        Collection("LeaveApplications", "LeaveApplicationID", EMPLOYEES, READ_WRITE),
        Collection("Settings", None, SETTINGS, frozenset({LIST})),
    ),
)

US = Country(
    code="US",
    calendars="PaySchedules",
    calendar_id="PayScheduleID",
    calendar_name="PayScheduleName",
    calendar_kind="ScheduleType",
    calendar_word="pay schedule",
    calendar_kinds=("WEEKLY", "BIWEEKLY", "SEMIMONTHLY", "MONTHLY"),
    earnings="EarningsTypes",
    earnings_id="EarningsTypeID",
    slips="Paystubs",
    slip_id="PaystubID",
    wages="Earnings",
    pay_items=(
        PayItemGroup("EarningsTypes", "EarningsTypeID", "EarningsType", "earnings type"),
        PayItemGroup("BenefitTypes", "BenefitTypeID", "BenefitType", "benefit type"),
        PayItemGroup("DeductionTypes", "DeductionTypeID", "DeductionType", "deduction type"),
        PayItemGroup("ReimbursementTypes", "ReimbursementTypeID", "ReimbursementType", "reimbursement type"),
        PayItemGroup("TimeOffTypes", "TimeOffTypeID", "TimeOffType", "time off type"),
    ),
    collections=(
        Collection("Employees", "EmployeeID", EMPLOYEES, READ_WRITE),
        Collection("PaySchedules", "PayScheduleID", SETTINGS, CREATE),
        Collection("PayItems", None, SETTINGS, frozenset({LIST, POST})),
        Collection("PayRuns", "PayRunID", PAYRUNS, READ_WRITE),
        Collection("Timesheets", "TimesheetID", TIMESHEETS, READ_WRITE, single_key="Timesheet"),
        Collection("WorkLocations", "WorkLocationID", SETTINGS, READ_WRITE),
    ),
)

COUNTRIES: dict[str, Country] = {c.code: c for c in (AU, US)}


def country_of(code: str) -> Country | None:
    """The payroll API an organisation in country ``code`` speaks (None: no payroll there)."""
    return COUNTRIES.get(code.upper())
