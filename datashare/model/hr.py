"""HR and payroll records: employees, salaries, pay items, schedules, runs, time, leave, locations.

Shared only for Australian and US organisations (work locations US only,
leave applications AU only); the flows enforce that, the model does not.
"""

from __future__ import annotations

import typing as t
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from datashare.model.base import CanonicalModel
from datashare.model.types import (
    WHOLE_MAX,
    AccountRef,
    Address,
    CurrencyCode,
    Email,
    EmployeeRef,
    NonNegativeQuantity,
    PayItemRef,
    PayScheduleRef,
    Phone,
    Timestamp,
    Value,
    ValueObject,
    WorkLocationRef,
)

__all__ = [
    "Employee",
    "EmployeeSalary",
    "EmployeeStatus",
    "Gender",
    "LeaveApplication",
    "LeavePeriod",
    "LeavePeriodStatus",
    "PayItem",
    "PayItemType",
    "PayRun",
    "PayRunStatus",
    "PaySchedule",
    "Payslip",
    "SalaryType",
    "ScheduleType",
    "TimeActivity",
    "TimeSheet",
    "TimeSheetLine",
    "TimeSheetStatus",
    "WorkLocation",
    "WorkedTime",
]


def _check_period(start: date | None, end: date | None, what: str) -> None:
    if start and end and end < start:
        raise ValueError(f"{what} ends ({end}) before it starts ({start})")


class Gender(StrEnum):
    """As payroll systems record it."""

    FEMALE = "F"
    MALE = "M"
    NON_BINARY = "I"
    NOT_STATED = "N"


class EmployeeStatus(StrEnum):
    """Employed or not."""

    ACTIVE = "ACTIVE"
    TERMINATED = "TERMINATED"


class Employee(CanonicalModel):
    """An employee of the business.

    Tax file and social security numbers are not part of the model: they are
    not needed to share time and pay, and they must not land in the hub.
    """

    entity: t.ClassVar[str] = "employees"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("email",), ("first_name", "last_name"))

    code: str | None = None
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    status: EmployeeStatus = EmployeeStatus.ACTIVE
    birth_date: date | None = None
    gender: Gender | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None
    job_title: str | None = None
    hired_date: date | None = None
    released_date: date | None = None
    pay_schedule_id: PayScheduleRef | None = None
    work_location_id: WorkLocationRef | None = None
    ordinary_pay_item_id: PayItemRef | None = Field(
        default=None, description="the earnings item ordinary hours go under"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Employee:
        _check_period(self.hired_date, self.released_date, "employment")
        return self


class SalaryType(StrEnum):
    """Paid by the hour or by the year."""

    HOURLY = "HOURLY"
    SALARY = "SALARY"


class EmployeeSalary(CanonicalModel):
    """What an employee is paid, under which pay item."""

    entity: t.ClassVar[str] = "employee_salaries"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("employee_id", "pay_item_id"),)

    employee_id: EmployeeRef
    pay_item_id: PayItemRef | None = None
    name: str | None = None
    type: SalaryType
    currency: CurrencyCode
    hourly_rate: Value | None = Field(default=None, ge=0)
    annual_salary: Value | None = Field(default=None, ge=0)
    hours_per_week: NonNegativeQuantity | None = Field(default=None, le=168)
    effective_from: date | None = None

    @model_validator(mode="after")
    def _rate_for_type(self) -> EmployeeSalary:
        if self.type == SalaryType.HOURLY and self.hourly_rate is None:
            raise ValueError("an hourly salary needs an hourly rate")
        if self.type == SalaryType.SALARY and self.annual_salary is None:
            raise ValueError("a salary needs an annual amount")
        return self


class PayItemType(StrEnum):
    """The families of pay items."""

    EARNINGS = "EARNINGS"
    DEDUCTION = "DEDUCTION"
    BENEFIT = "BENEFIT"
    REIMBURSEMENT = "REIMBURSEMENT"
    TIMEOFF = "TIMEOFF"


class PayItem(CanonicalModel):
    """An earnings rate, deduction, benefit, reimbursement or leave type."""

    entity: t.ClassVar[str] = "pay_items"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("type", "name"),)

    name: str = Field(min_length=1)
    type: PayItemType
    sub_type: str | None = None
    rate: Value | None = None
    account_id: AccountRef | None = None
    show_on_payslip: bool = True


class ScheduleType(StrEnum):
    """How often a schedule pays."""

    WEEKLY = "WEEKLY"
    FORTNIGHTLY = "FORTNIGHTLY"
    FOURWEEKLY = "FOURWEEKLY"
    TWICEMONTHLY = "TWICEMONTHLY"
    MONTHLY = "MONTHLY"
    QUARTERLY = "QUARTERLY"


class PaySchedule(CanonicalModel):
    """A pay calendar (Xero AU PayrollCalendar, US pay schedule)."""

    entity: t.ClassVar[str] = "pay_schedules"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("name",),)

    name: str = Field(min_length=1)
    schedule_type: ScheduleType
    start_date: date | None = None
    payment_date: date | None = None
    description: str | None = None


class PayRunStatus(StrEnum):
    """Draft or posted."""

    DRAFT = "DRAFT"
    POSTED = "POSTED"


class Payslip(ValueObject):
    """One employee's part of a pay run."""

    employee_id: EmployeeRef
    earnings: Value = Field(default=Decimal(0), ge=0)
    deductions: Value = Field(default=Decimal(0), ge=0)
    tax: Value = Field(default=Decimal(0), ge=0)
    benefits: Value = Field(default=Decimal(0), ge=0)
    reimbursements: Value = Field(default=Decimal(0), ge=0)
    net_pay: Value
    hours: NonNegativeQuantity | None = None


class PayRun(CanonicalModel):
    """A pay run of one schedule for one period, with its payslips."""

    entity: t.ClassVar[str] = "pay_runs"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("pay_schedule_id", "period_start", "period_end"),)

    pay_schedule_id: PayScheduleRef | None = None
    status: PayRunStatus = PayRunStatus.DRAFT
    period_start: date
    period_end: date
    payment_date: date | None = None
    currency: CurrencyCode
    payslips: list[Payslip] = Field(default_factory=list)

    @model_validator(mode="after")
    def _period_in_order(self) -> PayRun:
        _check_period(self.period_start, self.period_end, "the pay period")
        return self


class TimeSheetStatus(StrEnum):
    """The life of a time sheet."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PROCESSED = "PROCESSED"


class TimeActivity(ValueObject):
    """Time worked on one day: hours, and the shift's start and end where known."""

    transaction_date: date
    hours: NonNegativeQuantity = Field(le=24)
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None

    @model_validator(mode="after")
    def _shift_in_order(self) -> TimeActivity:
        if self.start_time and self.end_time and self.end_time < self.start_time:
            raise ValueError(f"shift ends ({self.end_time}) before it starts ({self.start_time})")
        return self


class WorkedTime(CanonicalModel):
    """One shift an employee worked, as a time tracker (Deputy) records it.

    Payroll takes time per pay period (``TimeSheet``); approved shifts are
    rolled up into the employee's time sheet of the period, as total hours per
    day. A shift still in progress has no end and is not rolled up.
    """

    entity: t.ClassVar[str] = "time_activities"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("employee_id", "start_time"),)

    employee_id: EmployeeRef
    transaction_date: date
    hours: NonNegativeQuantity = Field(le=24)
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    break_minutes: NonNegativeQuantity | None = None
    approved: bool = False
    in_progress: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _shift_in_order(self) -> WorkedTime:
        if self.start_time and self.end_time and self.end_time < self.start_time:
            raise ValueError(f"shift ends ({self.end_time}) before it starts ({self.start_time})")
        return self


class TimeSheetLine(ValueObject):
    """Time under one pay item (and location or project)."""

    line_order: int | None = Field(default=None, ge=1, le=WHOLE_MAX)
    pay_item_id: PayItemRef | None = None
    work_location_id: WorkLocationRef | None = None
    project: str | None = None
    description: str | None = None
    time_activities: list[TimeActivity] = Field(default_factory=list)


class TimeSheet(CanonicalModel):
    """An employee's time for a period."""

    entity: t.ClassVar[str] = "time_sheets"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("employee_id", "start_date", "end_date"),)

    employee_id: EmployeeRef
    start_date: date
    end_date: date
    status: TimeSheetStatus = TimeSheetStatus.DRAFT
    total_hours: NonNegativeQuantity | None = None
    lines: list[TimeSheetLine] = Field(default_factory=list)

    @model_validator(mode="after")
    def _activities_within_period(self) -> TimeSheet:
        _check_period(self.start_date, self.end_date, "the time sheet")
        for line in self.lines:
            for activity in line.time_activities:
                if not self.start_date <= activity.transaction_date <= self.end_date:
                    raise ValueError(
                        f"time on {activity.transaction_date} is outside the time sheet "
                        f"({self.start_date} to {self.end_date})"
                    )
        return self


class WorkLocation(CanonicalModel):
    """A place employees work at (US payroll)."""

    entity: t.ClassVar[str] = "work_locations"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("name",),)

    name: str = Field(min_length=1)
    description: str | None = None
    address: Address | None = None
    phone: Phone | None = None
    is_primary: bool = False


class LeavePeriodStatus(StrEnum):
    """Where a period of leave stands."""

    SCHEDULED = "SCHEDULED"
    PROCESSED = "PROCESSED"
    REQUESTED = "REQUESTED"
    REJECTED = "REJECTED"


class LeavePeriod(ValueObject):
    """Units of leave taken in one pay period."""

    start_date: date
    end_date: date
    units: NonNegativeQuantity
    status: LeavePeriodStatus = LeavePeriodStatus.SCHEDULED

    @model_validator(mode="after")
    def _period_in_order(self) -> LeavePeriod:
        _check_period(self.start_date, self.end_date, "the leave period")
        return self


class LeaveApplication(CanonicalModel):
    """An employee's leave (Xero AU payroll)."""

    entity: t.ClassVar[str] = "leave_applications"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("employee_id", "pay_item_id", "start_date"),)

    employee_id: EmployeeRef
    pay_item_id: PayItemRef | None = Field(default=None, description="the leave type (a TIMEOFF pay item)")
    title: str | None = None
    description: str | None = None
    start_date: date
    end_date: date
    leave_periods: list[LeavePeriod] = Field(default_factory=list)

    @model_validator(mode="after")
    def _period_in_order(self) -> LeaveApplication:
        _check_period(self.start_date, self.end_date, "the leave")
        return self
