"""Roll-up of approved shifts into payroll time sheets, and the pay periods it uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from datashare.model import (
    Employee,
    PayRun,
    PayRunStatus,
    PaySchedule,
    ScheduleType,
    TimeActivity,
    TimeSheet,
    TimeSheetLine,
    TimeSheetStatus,
    WorkedTime,
)
from datashare.store import Hub
from datashare.sync.periods import pay_period
from datashare.sync.push import due
from datashare.sync.timesheets import roll_up_time

ORDINARY = uuid4()
OVERTIME = uuid4()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "t.duckdb") as opened:
        yield opened


def _shift(employee: UUID, day: date, hours: str, *, approved: bool = True, in_progress: bool = False) -> WorkedTime:
    start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return WorkedTime(
        id=uuid4(),
        employee_id=employee,
        transaction_date=day,
        hours=Decimal(hours),
        start_time=start,
        end_time=None if in_progress else start + timedelta(hours=float(hours)),
        approved=approved,
        in_progress=in_progress,
    )


@pytest.fixture
def staff(hub: Hub) -> dict[str, Employee]:
    weekly = PaySchedule(id=uuid4(), name="Weekly", schedule_type=ScheduleType.WEEKLY, start_date=date(2026, 1, 5))
    hub.upsert_records([weekly], source="xero")
    people = {
        "ann": Employee(
            id=uuid4(), first_name="Ann", last_name="Lee", pay_schedule_id=weekly.id, ordinary_pay_item_id=ORDINARY
        ),
        "casual": Employee(id=uuid4(), first_name="Cas", last_name="Ual"),
    }
    hub.upsert_records(list(people.values()), source="xero")
    return people


def _sheets(hub: Hub) -> list[TimeSheet]:
    ids = [UUID(str(i)) for (i,) in hub.query("SELECT id FROM time_sheets WHERE deleted_at IS NULL")]
    return [r for r in hub.records("time_sheets", ids).values() if isinstance(r, TimeSheet)]


def test_approved_shifts_become_one_sheet_per_period_with_total_hours_per_day(
    hub: Hub, staff: dict[str, Employee]
) -> None:
    ann = staff["ann"].id
    assert ann is not None
    hub.upsert_records(
        [
            _shift(ann, date(2026, 11, 16), "4"),
            _shift(ann, date(2026, 11, 16), "3.5"),  # a second shift the same day adds up
            _shift(ann, date(2026, 11, 18), "8"),
            _shift(ann, date(2026, 11, 19), "6", approved=False),
            _shift(ann, date(2026, 11, 20), "5", in_progress=True),
            _shift(ann, date(2026, 11, 23), "7"),  # the next week: another period
        ],
        source="deputy",
    )

    done = roll_up_time(hub)

    assert (done.created, done.updated) == (2, 0)
    by_start = {s.start_date: s for s in _sheets(hub)}
    first = by_start[date(2026, 11, 16)]
    assert first.end_date == date(2026, 11, 22)
    assert first.status == TimeSheetStatus.APPROVED
    assert [(a.transaction_date, a.hours) for a in first.lines[0].time_activities] == [
        (date(2026, 11, 16), Decimal("7.5")),
        (date(2026, 11, 18), Decimal("8")),
    ]
    assert first.total_hours == Decimal("15.5")
    assert first.lines[0].pay_item_id == ORDINARY
    assert by_start[date(2026, 11, 23)].total_hours == Decimal("7")


def test_a_second_roll_up_of_the_same_shifts_changes_nothing_and_nothing_is_due_again(
    hub: Hub, staff: dict[str, Employee]
) -> None:
    ann = staff["ann"].id
    assert ann is not None
    hub.upsert_records([_shift(ann, date(2026, 11, 16), "4")], source="deputy")
    roll_up_time(hub)
    [sheet] = _sheets(hub)
    hub.query(
        "INSERT INTO id_map (entity, hub_id, app, remote_id, pushed_hash) "
        "SELECT 'time_sheets', id, 'xero', 'ts-1', hub_hash FROM time_sheets"
    )

    again = roll_up_time(hub)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert due(hub, "xero", "time_sheets") == []
    assert [s.id for s in _sheets(hub)] == [sheet.id]


def test_a_newly_approved_shift_updates_the_same_sheet_and_keeps_its_other_lines(
    hub: Hub, staff: dict[str, Employee]
) -> None:
    ann = staff["ann"].id
    assert ann is not None
    from_payroll = TimeSheet(
        id=uuid4(),
        employee_id=ann,
        start_date=date(2026, 11, 16),
        end_date=date(2026, 11, 22),
        status=TimeSheetStatus.DRAFT,
        lines=[
            TimeSheetLine(
                pay_item_id=OVERTIME,
                time_activities=[TimeActivity(transaction_date=date(2026, 11, 17), hours=Decimal(2))],
            )
        ],
    )
    hub.upsert_records([from_payroll], source="xero")
    hub.upsert_records([_shift(ann, date(2026, 11, 16), "4")], source="deputy")

    done = roll_up_time(hub)

    assert (done.created, done.updated) == (0, 1)
    [sheet] = _sheets(hub)
    assert sheet.id == from_payroll.id
    assert {ln.pay_item_id for ln in sheet.lines} == {ORDINARY, OVERTIME}
    assert sheet.total_hours == Decimal(6)


def test_time_of_an_employee_payroll_does_not_know_and_late_time_for_a_processed_sheet_are_noted_not_sent(
    hub: Hub, staff: dict[str, Employee]
) -> None:
    ann, casual = staff["ann"].id, staff["casual"].id
    assert ann is not None
    assert casual is not None
    processed = TimeSheet(
        id=uuid4(),
        employee_id=ann,
        start_date=date(2026, 11, 9),
        end_date=date(2026, 11, 15),
        status=TimeSheetStatus.PROCESSED,
    )
    hub.upsert_records([processed], source="xero")
    hub.upsert_records([_shift(casual, date(2026, 11, 16), "4"), _shift(ann, date(2026, 11, 10), "8")], source="deputy")

    done = roll_up_time(hub, run_id="r1")

    assert (done.created, done.updated) == (0, 0)
    assert done.notes == [
        "time of Cas Ual not sent to payroll: the employee has no pay calendar in payroll",
        "time of Ann Lee for 2026-11-09 to 2026-11-15 not sent: payroll has processed that time sheet",
    ]
    assert hub.query("SELECT count(*) FROM rejects WHERE run_id = 'r1' AND stage = 'roll-up'") == [(2,)]
    assert [s.status for s in _sheets(hub)] == [TimeSheetStatus.PROCESSED]


def test_time_of_a_period_whose_pay_run_is_posted_is_noted_once_and_not_sent(
    hub: Hub, staff: dict[str, Employee]
) -> None:
    ann = staff["ann"].id
    assert ann is not None
    schedule = staff["ann"].pay_schedule_id
    assert schedule is not None
    posted = PayRun(
        id=uuid4(),
        pay_schedule_id=schedule,
        status=PayRunStatus.POSTED,
        period_start=date(2026, 11, 9),
        period_end=date(2026, 11, 15),
        currency="AUD",
    )
    hub.upsert_records([posted], source="xero")
    hub.upsert_records([_shift(ann, date(2026, 11, 10), "8"), _shift(ann, date(2026, 11, 16), "6")], source="deputy")

    first = roll_up_time(hub, run_id="r1")
    second = roll_up_time(hub, run_id="r2")

    assert first.created == 1
    assert [s.start_date for s in _sheets(hub)] == [date(2026, 11, 16)]
    assert (
        first.notes == second.notes == ["time of Ann Lee for 2026-11-09 to 2026-11-15 not sent: that pay run is posted"]
    )
    assert hub.query("SELECT run_id, count(*) FROM rejects GROUP BY ALL") == [("r1", 1)]


def test_a_sheet_whose_shifts_are_withdrawn_loses_their_hours_but_one_made_in_payroll_is_left_alone(
    hub: Hub, staff: dict[str, Employee]
) -> None:
    ann = staff["ann"].id
    assert ann is not None
    shift = _shift(ann, date(2026, 11, 16), "4")
    hub.upsert_records([shift], source="deputy")
    roll_up_time(hub)
    made_in_payroll = TimeSheet(
        id=uuid4(),
        employee_id=ann,
        start_date=date(2026, 11, 23),
        end_date=date(2026, 11, 29),
        lines=[
            TimeSheetLine(
                pay_item_id=ORDINARY,
                time_activities=[TimeActivity(transaction_date=date(2026, 11, 24), hours=Decimal(5))],
            )
        ],
    )
    hub.upsert_records([made_in_payroll], source="xero")
    assert shift.id is not None
    hub.mark_deleted("time_activities", [shift.id], app="deputy")

    done = roll_up_time(hub)

    assert (done.created, done.updated) == (0, 1)
    by_start = {s.start_date: s for s in _sheets(hub)}
    assert by_start[date(2026, 11, 16)].total_hours == Decimal(0)
    assert by_start[date(2026, 11, 23)].total_hours is None  # untouched: as payroll made it


@pytest.mark.parametrize(
    ("kind", "start", "day", "period"),
    [
        (ScheduleType.WEEKLY, date(2026, 1, 5), date(2026, 1, 5), (date(2026, 1, 5), date(2026, 1, 11))),
        (ScheduleType.WEEKLY, date(2026, 1, 5), date(2026, 1, 4), (date(2025, 12, 29), date(2026, 1, 4))),
        (ScheduleType.FORTNIGHTLY, date(2026, 1, 5), date(2026, 1, 20), (date(2026, 1, 19), date(2026, 2, 1))),
        (ScheduleType.FOURWEEKLY, date(2026, 1, 5), date(2026, 2, 2), (date(2026, 2, 2), date(2026, 3, 1))),
        (ScheduleType.MONTHLY, date(2026, 1, 15), date(2026, 3, 14), (date(2026, 2, 15), date(2026, 3, 14))),
        (ScheduleType.TWICEMONTHLY, date(2026, 1, 1), date(2026, 2, 20), (date(2026, 2, 16), date(2026, 2, 28))),
        (ScheduleType.QUARTERLY, date(2026, 1, 1), date(2026, 11, 26), (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_a_day_falls_in_the_pay_period_of_its_schedule(
    kind: ScheduleType, start: date, day: date, period: tuple[date, date]
) -> None:
    assert pay_period(kind, start, day) == period
