"""Rolling approved shifts up into payroll time sheets: total hours per employee and day, per pay period.

A time tracker (Deputy) records shifts; payroll (Xero) takes one time sheet
per employee and pay period, with the hours of each day. The roll-up reads
the hub's approved, finished shifts, sums them per employee and day, and
writes each employee's time sheet of the period into the hub, where the push
sends it to payroll like any other record:

* a shift not approved, or still in progress, is left out (it never reaches payroll);
* the period comes from the employee's pay schedule (from payroll); an
  employee payroll does not know (no schedule, no ordinary earnings item) is
  left out, with a note;
* an existing time sheet of that employee and period (read from payroll, or
  rolled up before) is updated: its ordinary-hours line takes the shifts'
  totals, its other lines stay; a sheet payroll has processed is not changed
  (the late time is noted instead), and neither is a period whose pay run
  is posted: the run has paid it;
* the result is compared with what the hub holds, so a second roll-up of the
  same shifts changes nothing and nothing is sent again.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from datashare.model import Employee, PaySchedule, TimeActivity, TimeSheet, TimeSheetLine, TimeSheetStatus
from datashare.store import Hub, Reject
from datashare.sync.periods import pay_period

__all__ = ["RollUp", "roll_up_time", "sheets_from_shifts"]

DayTotals = dict[tuple[UUID, date], Decimal]
"""Approved hours per (employee hub id, day)."""


@dataclass
class RollUp:
    """What one roll-up did: time sheets created and updated in the hub, and why some time was left out."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def _content(sheet: TimeSheet) -> dict[str, t.Any]:
    return sheet.model_dump(
        mode="json", include={"employee_id", "start_date", "end_date", "status", "total_hours", "lines"}
    )


def sheets_from_shifts(
    totals: DayTotals,
    employees: t.Mapping[UUID, Employee],
    schedules: t.Mapping[UUID, PaySchedule],
    existing: t.Mapping[tuple[UUID, date, date], TimeSheet],
    rolled_up: t.Collection[UUID] = (),
    paid: t.Collection[tuple[UUID, date, date]] = (),
) -> tuple[list[TimeSheet], RollUp]:
    """The time sheets the day totals make (new ones, and existing ones whose hours change); pure.

    ``rolled_up`` are the sheets whose content the roll-up wrote last (nobody
    changed them in payroll since): one of those whose shifts were all
    withdrawn (unapproved, deleted) loses its ordinary hours, rather than
    keeping time nobody approves any longer. Sheets made in payroll are never
    emptied. ``paid`` are the (schedule, first day, last day) of posted pay
    runs: time approved for a period already paid is noted, not sent (the pay
    run will not pay it, and payroll's figures for it must not move).
    """
    result = RollUp()
    periods: dict[tuple[UUID, date, date], dict[date, Decimal]] = defaultdict(dict)
    left_out: dict[UUID, str] = {}
    late: dict[tuple[UUID, date], str] = {}
    for (employee_id, day), hours in sorted(totals.items()):
        employee = employees.get(employee_id)
        schedule = schedules.get(employee.pay_schedule_id) if employee and employee.pay_schedule_id else None
        if employee is None or schedule is None or schedule.start_date is None:
            who = f"{employee.first_name} {employee.last_name}" if employee else str(employee_id)
            left_out[employee_id] = f"time of {who} not sent to payroll: the employee has no pay calendar in payroll"
            continue
        if employee.ordinary_pay_item_id is None:
            who = f"{employee.first_name} {employee.last_name}"
            left_out[employee_id] = f"time of {who} not sent to payroll: the employee has no ordinary earnings rate"
            continue
        start, end = pay_period(schedule.schedule_type, schedule.start_date, day)
        if (schedule.id, start, end) in paid:
            who = f"{employee.first_name} {employee.last_name}"
            late[(employee_id, start)] = f"time of {who} for {start} to {end} not sent: that pay run is posted"
            continue
        periods[(employee_id, start, end)][day] = hours
    result.notes.extend(sorted(left_out.values()) + [late[k] for k in sorted(late)])
    for key, sheet in existing.items():
        employee = employees.get(key[0])
        if key not in periods and sheet.id in rolled_up and employee and employee.ordinary_pay_item_id:
            periods[key] = {}
    changed: list[TimeSheet] = []
    for (employee_id, start, end), days in periods.items():
        ordinary = employees[employee_id].ordinary_pay_item_id
        activities = [TimeActivity(transaction_date=d, hours=h) for d, h in sorted(days.items()) if h > 0]
        held = existing.get((employee_id, start, end))
        if held is not None and held.status == TimeSheetStatus.PROCESSED:
            old = {
                a.transaction_date: a.hours
                for ln in held.lines
                if ln.pay_item_id == ordinary
                for a in ln.time_activities
            }
            if old != {a.transaction_date: a.hours for a in activities}:
                who = f"{employees[employee_id].first_name} {employees[employee_id].last_name}"
                result.notes.append(
                    f"time of {who} for {start} to {end} not sent: payroll has processed that time sheet"
                )
            continue
        others = [ln for ln in held.lines if ln.pay_item_id != ordinary] if held is not None else []
        line = TimeSheetLine(pay_item_id=ordinary, time_activities=activities)
        lines = [line, *others]
        total = sum((a.hours for ln in lines for a in ln.time_activities), Decimal(0))
        sheet = TimeSheet(
            id=held.id if held is not None else uuid4(),
            employee_id=employee_id,
            start_date=start,
            end_date=end,
            status=held.status if held is not None else TimeSheetStatus.APPROVED,
            total_hours=total,
            lines=lines,
        )
        if held is None:
            result.created += 1
        elif _content(held) == _content(sheet):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        changed.append(sheet)
    return changed, result


def roll_up_time(hub: Hub, run_id: str | None = None) -> RollUp:
    """Roll the hub's approved shifts up into time sheets, in one aggregate read and one write."""
    rows = hub.query(
        "SELECT employee_id, transaction_date, sum(hours) FROM time_activities "
        "WHERE deleted_at IS NULL AND approved AND NOT in_progress GROUP BY ALL"
    )
    totals: DayTotals = {(UUID(str(e)), d): Decimal(str(h)) for e, d, h in rows}
    ours = {
        UUID(str(i)): UUID(str(e))
        for i, e in hub.query("SELECT id, employee_id FROM time_sheets WHERE hub_source = 'hub' AND deleted_at IS NULL")
    }
    employee_ids = sorted({e for e, _ in totals} | set(ours.values()))
    employees = t.cast(dict[UUID, Employee], hub.records("employees", employee_ids))
    schedule_ids = sorted({e.pay_schedule_id for e in employees.values() if e.pay_schedule_id})
    schedules = t.cast(dict[UUID, PaySchedule], hub.records("pay_schedules", schedule_ids))
    held = t.cast(list[TimeSheet], hub.records_by("time_sheets", "employee_id", employee_ids))
    existing = {(s.employee_id, s.start_date, s.end_date): s for s in held}
    paid = {
        (UUID(str(s)), a, b)
        for s, a, b in hub.query(
            "SELECT pay_schedule_id, period_start, period_end FROM pay_runs "
            "WHERE status = 'POSTED' AND deleted_at IS NULL AND pay_schedule_id IS NOT NULL"
        )
    }
    changed, result = sheets_from_shifts(totals, employees, schedules, existing, set(ours), paid)
    hub.upsert_records(changed, source="hub")
    # A note is kept once: the same time left out again next run is the same news.
    told = {r for (r,) in hub.query("SELECT DISTINCT reason FROM rejects WHERE stage = 'roll-up'")}
    news = [note for note in result.notes if note not in told]
    hub.add_rejects([Reject("hub", "time_sheets", "roll-up", note) for note in news], run_id=run_id)
    return result
