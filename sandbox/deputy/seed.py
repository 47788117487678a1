"""A seeded sample install: the business's staff as employees, and their last three weeks of shifts.

Every member of ``sandbox.common.staff.staff_roster`` is an Employee with a
Contact (the email the time tracker holds: ``other_email`` where the member
has one, else the payroll email), so Deputy overlaps Xero Payroll as a real
business's two apps do. For the 21 days before the clock's now, each person
works one shift every weekday, some days two (a morning and an evening
shift); about 80% of the shifts are approved (a day or two after they end,
so the latest ones are still pending), and one shift, started two hours
before now, is still in progress. The same seed, scale, country and clock time
give the same install.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from sandbox.common.staff import StaffMember, staff_roster
from sandbox.deputy.records import ADMIN_ID, fill_timesheet
from sandbox.deputy.state import DeputyState
from sandbox.deputy.values import day_stamp, stamp

__all__ = ["HISTORY_DAYS", "SeedSummary", "seed_sample"]

HISTORY_DAYS = 21
_APPROVED_SHARE = 0.8
_TWO_SHIFT_SHARE = 0.15
_COMMENTS = (
    "Covered the late delivery",
    "Stayed back for stocktake",
    "Left early - doctor's appointment",
    "Training the new starter",
)


@dataclass
class SeedSummary:
    """What ``seed_sample`` made: records per object, how many shifts are approved, and the one in progress."""

    counts: dict[str, int] = field(default_factory=dict)
    approved: int = 0
    in_progress: int | None = None


class _Seeder:
    def __init__(self, state: DeputyState, rng: random.Random) -> None:
        self.state = state
        self.rng = rng
        self.now = state.now()
        self.summary = SeedSummary()

    def insert(self, name: str, record: dict[str, object]) -> int:
        record_id = self.state.new_id(name)
        self.state.tables[name][record_id] = {"Id": record_id, **record, "Creator": ADMIN_ID}
        return record_id

    def phone(self) -> tuple[str, str]:
        digits = [self.rng.randint(0, 9) for _ in range(8)]
        if self.state.country == "US":
            return (
                f"(555) 01{digits[0]}-{''.join(map(str, digits[1:5]))}",
                f"(555) 02{digits[5]}-{''.join(map(str, digits[1:5]))}",
            )
        return f"02 9{''.join(map(str, digits[:3]))} {''.join(map(str, digits[3:7]))}", (
            f"04{digits[0]}{digits[1]} {''.join(map(str, digits[2:5]))} {''.join(map(str, digits[5:8]))}"
        )

    def employee(self, member: StaffMember) -> int:
        tz = self.state.tz
        # Staff records predate the shifts: last touched a month or so before now, a minute apart.
        touched = stamp(self.now - timedelta(days=HISTORY_DAYS + 9) + timedelta(minutes=member.number), tz)
        phone, mobile = self.phone()
        contact = self.insert(
            "Contact",
            {
                "Email": member.other_email or member.email,
                "Phone": phone,
                "Mobile": mobile,
                "Notes": None,
                "Created": touched,
                "Modified": touched,
            },
        )
        return self.insert(
            "Employee",
            {
                "Company": 1,
                "FirstName": member.first_name,
                "LastName": member.last_name,
                "DisplayName": f"{member.first_name} {member.last_name}",
                "OtherName": None,
                "DateOfBirth": day_stamp(member.birth_date, tz),
                "Contact": contact,
                "Active": True,
                "StartDate": day_stamp(member.start_date, tz),
                "TerminationDate": None,
                "Position": member.job_title,
                "Role": 50 if member.number == 1 else 10,
                "Created": stamp(datetime.combine(member.start_date, time(9), tz), tz),
                "Modified": touched,
            },
        )

    def shift(self, member: StaffMember, employee: int, start: datetime, hours: float, meal: int) -> None:
        end = start + timedelta(hours=hours)
        created = min(end + timedelta(minutes=self.rng.randint(0, 30)), self.now)
        # A manager approves a day or two later; a shift whose approval would fall after now is still pending.
        approval = created + timedelta(hours=self.rng.randint(1, 48), seconds=self.rng.randint(0, 3599))
        approved = self.rng.random() < _APPROVED_SHARE and approval <= self.now
        record: dict[str, object] = {
            "Employee": employee,
            "StartTime": int(start.timestamp()),
            "EndTime": int(end.timestamp()),
            "Mealbreak": meal,
            "Cost": None,
            "Roster": None,
            "EmployeeComment": self.rng.choice(_COMMENTS) if self.rng.random() < 0.1 else None,
            "SupervisorComment": None,
            "Supervisor": None,
            "Disputed": False,
            "TimeApproved": approved,
            "TimeApprover": ADMIN_ID if approved else None,
            "Discarded": False,
            "OperationalUnit": 1,
            "IsLeave": False,
            "PayRuleApproved": approved,
            "Exported": approved and end < self.now - timedelta(days=14),
            "Created": stamp(created, self.state.tz),
            "Modified": stamp(approval if approved else created, self.state.tz),
        }
        fill_timesheet(self.state, record)
        record["Cost"] = round(float(_hourly(member)) * float(str(record["TotalTime"])), 2)
        self.insert("Timesheet", record)
        self.summary.approved += approved

    def day(self, member: StaffMember, employee: int, day: datetime) -> None:
        start = day + timedelta(hours=7, minutes=15 * self.rng.randint(0, 12))
        if self.rng.random() < _TWO_SHIFT_SHARE:
            self.shift(member, employee, start, 4, 0)
            evening = start + timedelta(hours=4 + self.rng.choice((2, 2.5, 3)))
            self.shift(member, employee, evening, self.rng.choice((3, 3.5, 4)), 0)
        else:
            hours = self.rng.choice((5, 6, 7, 7.5, 8, 8.5, 9))
            self.shift(member, employee, start, hours, 30 if hours > 5 else 0)

    def in_progress(self, employee: int) -> int:
        start = (self.now - timedelta(hours=2, minutes=15)).replace(second=0)
        record: dict[str, object] = {
            "Employee": employee,
            "StartTime": int(start.timestamp()),
            "EndTime": None,
            "Mealbreak": 0,
            "Cost": None,
            "Roster": None,
            "EmployeeComment": None,
            "SupervisorComment": None,
            "Supervisor": None,
            "Disputed": False,
            "TimeApproved": False,
            "TimeApprover": None,
            "Discarded": False,
            "OperationalUnit": 1,
            "IsLeave": False,
            "PayRuleApproved": False,
            "Exported": False,
            "Created": stamp(start, self.state.tz),
            "Modified": stamp(start, self.state.tz),
        }
        fill_timesheet(self.state, record)
        return self.insert("Timesheet", record)


def _hourly(member: StaffMember) -> Decimal:
    """What an hour of the member's time costs (salaries spread over their weekly hours)."""
    if member.hourly:
        return Decimal(member.rate)
    return Decimal(member.rate) / 52 / Decimal(member.hours_per_week)


def seed_sample(state: DeputyState, *, scale: int = 1, seed: int = 0) -> SeedSummary:
    """Fill ``state`` with its country's sample staff (8 per ``scale``) and their shifts; returns what it made."""
    rng = random.Random(f"deputy-{state.country}-{seed}")
    seeder = _Seeder(state, rng)
    with state.lock:
        staff = [(member, seeder.employee(member)) for member in staff_roster(state.country, max(1, scale), seed)]
        today = datetime.combine(seeder.now.date(), time(), state.tz)
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            for member, employee in staff:
                seeder.day(member, employee, day)
        seeder.summary.in_progress = seeder.in_progress(staff[0][1])
        seeder.summary.counts = {name: len(table) for name, table in state.tables.items()}
    return seeder.summary
