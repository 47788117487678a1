"""Deputy -> canonical mapping, on plain dicts shaped like Deputy's QUERY answers."""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connectors.deputy import deputy_mapper
from datashare.model import Employee, EmployeeStatus, WorkedTime
from datashare.model.mapping import DictRefs, MappingError

NOW = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)  # 13:00 on 12 November in Sydney
map_record = deputy_mapper(clock=lambda: NOW)


def employee(**changes: t.Any) -> dict[str, t.Any]:
    record: dict[str, t.Any] = {
        "Id": 7,
        "Company": 1,
        "FirstName": "Katie",
        "LastName": "Horton",
        "DisplayName": "Katie Horton",
        "Active": True,
        "StartDate": "2019-03-06T00:00:00+10:00",
        "TerminationDate": None,
        "Contact": 12,
        "ContactObject": {"Id": 12, "Email": "katie@example.com.au", "Phone": "02 9779 2366", "Mobile": "0477 923 667"},
        "Modified": "2026-10-13T13:01:00+10:00",
        "_DPMetaData": {"System": "Employee"},
    }
    record.update(changes)
    return record


def timesheet(**changes: t.Any) -> dict[str, t.Any]:
    record: dict[str, t.Any] = {
        "Id": 43,
        "Employee": 7,
        "Date": "2026-11-02T00:00:00+10:00",
        "StartTime": 1793574000,  # 2026-11-02 09:00 +10:00
        "EndTime": 1793604600,  # 17:30
        "Mealbreak": "2026-11-02T00:30:00+10:00",
        "TotalTime": 8.0,
        "TimeApproved": True,
        "IsInProgress": False,
        "Discarded": False,
        "EmployeeComment": "Stocktake ",
        "Modified": "2026-11-03T10:44:49+10:00",
    }
    record.update(changes)
    return record


def one(stream: str, raw: dict[str, t.Any], refs: DictRefs | None = None) -> t.Any:
    [mapped] = map_record(stream, raw, refs or DictRefs())
    return mapped


def test_employee_takes_names_contact_details_and_dates() -> None:
    mapped = one("Employee", employee())
    record = mapped.record
    assert isinstance(record, Employee)
    assert (mapped.entity, mapped.remote_id) == ("employees", "7")
    assert (record.first_name, record.last_name) == ("Katie", "Horton")
    assert record.email == "katie@example.com.au"
    assert record.phone is not None
    assert (record.phone.landline, record.phone.mobile) == ("02 9779 2366", "0477 923 667")
    assert record.status == EmployeeStatus.ACTIVE
    assert record.hired_date == date(2019, 3, 6)
    assert record.released_date is None
    assert mapped.remote_version == "2026-10-13T13:01:00+10:00"
    assert mapped.remote_updated_at == datetime(2026, 10, 13, 3, 1, tzinfo=UTC)


def test_employee_without_the_contact_join_has_no_email() -> None:
    record = one("Employee", employee(ContactObject=None)).record
    assert record.email is None
    assert record.phone is None
    assert one("Employee", {k: v for k, v in employee().items() if k != "ContactObject"}).record.email is None


@pytest.mark.parametrize(
    ("changes", "status", "released"),
    [
        ({"Active": False}, EmployeeStatus.TERMINATED, None),
        ({"TerminationDate": "2026-11-11T00:00:00+10:00"}, EmployeeStatus.TERMINATED, date(2026, 11, 11)),
        ({"TerminationDate": "2026-11-12T00:00:00+10:00"}, EmployeeStatus.ACTIVE, date(2026, 11, 12)),  # last day today
        ({"TerminationDate": "2026-12-24T00:00:00+10:00"}, EmployeeStatus.ACTIVE, date(2026, 12, 24)),
    ],
)
def test_employee_is_terminated_when_inactive_or_past_termination_date(
    changes: dict[str, t.Any], status: EmployeeStatus, released: date | None
) -> None:
    record = one("Employee", employee(**changes)).record
    assert record.status == status
    assert record.released_date == released


def test_timesheet_is_one_worked_shift() -> None:
    refs = DictRefs()
    mapped = one("Timesheet", timesheet(), refs)
    shift = mapped.record
    assert isinstance(shift, WorkedTime)
    assert (mapped.entity, mapped.remote_id) == ("time_activities", "43")
    assert shift.employee_id == refs.hub_id("employees", "7")
    assert shift.transaction_date == date(2026, 11, 2)
    assert shift.hours == Decimal("8.0")
    assert shift.start_time == datetime(2026, 11, 1, 23, 0, tzinfo=UTC)
    assert shift.end_time == datetime(2026, 11, 2, 7, 30, tzinfo=UTC)
    assert shift.break_minutes == Decimal(30)
    assert shift.approved is True
    assert shift.in_progress is False
    assert shift.note == "Stocktake"
    assert shift.deleted_at is None


def test_timesheet_hours_keep_their_decimal_text() -> None:
    assert one("Timesheet", timesheet(TotalTime=7.6)).record.hours == Decimal("7.6")


def test_timesheet_without_end_is_in_progress() -> None:
    shift = one("Timesheet", timesheet(EndTime=None, IsInProgress=False, TotalTime=0, TimeApproved=False)).record
    assert shift.in_progress is True
    assert shift.end_time is None
    assert shift.approved is False
    assert one("Timesheet", timesheet(IsInProgress=True)).record.in_progress is True


def test_discarded_timesheet_is_a_tombstone() -> None:
    shift = one("Timesheet", timesheet(Discarded=True)).record
    assert shift.deleted_at == datetime(2026, 11, 3, 0, 44, 49, tzinfo=UTC)


def test_timesheet_without_break_or_comment() -> None:
    shift = one("Timesheet", timesheet(Mealbreak=None, EmployeeComment="  ")).record
    assert shift.break_minutes is None
    assert shift.note is None


# Each row: what is wrong with the record, and what the reason must say.
BAD: list[tuple[str, dict[str, t.Any], str]] = [
    ("Timesheet", {"Id": None}, "Deputy Timesheet: Id: missing"),
    ("Timesheet", {"Id": "abc"}, "Deputy Timesheet: Id: not a Deputy id (got 'abc')"),
    ("Timesheet", {"TotalTime": "eight"}, "Deputy Timesheet 43: TotalTime: not a number (got 'eight')"),
    ("Timesheet", {"TotalTime": None}, "Deputy Timesheet 43: TotalTime: missing"),
    ("Timesheet", {"StartTime": "soon"}, "Deputy Timesheet 43: StartTime: expected a whole number (got 'soon')"),
    ("Timesheet", {"Date": "2nd of November"}, "Deputy Timesheet 43: Date: not a date and time"),
    ("Timesheet", {"Date": None}, "Deputy Timesheet 43: Date: missing"),
    ("Timesheet", {"Mealbreak": "half an hour"}, "Deputy Timesheet 43: Mealbreak: not a duration"),
    ("Timesheet", {"Employee": None}, "Deputy Timesheet 43: Employee: missing"),
    ("Timesheet", {"TimeApproved": "yes"}, "Deputy Timesheet 43: TimeApproved: expected true or false"),
    ("Timesheet", {"TotalTime": 30}, "Deputy Timesheet 43: time_activities.hours"),
    ("Timesheet", {"EndTime": 1793563200}, "Deputy Timesheet 43: time_activities: shift ends"),
    ("Employee", {"LastName": ""}, "Deputy Employee 7: employees.last_name"),
    ("Employee", {"StartDate": "2019-13-45T00:00:00+10:00"}, "Deputy Employee 7: StartDate: not a date and time"),
    ("Employee", {"ContactObject": {"Email": "not an email"}}, "Deputy Employee 7: employees.email: not an email"),
    ("Employee", {"ContactObject": "12"}, "Deputy Employee 7: ContactObject: expected a JSON object"),
    ("Employee", {"Active": "maybe"}, "Deputy Employee 7: Active: expected true or false"),
]


@pytest.mark.parametrize(("stream", "changes", "reason"), BAD, ids=[r for _, _, r in BAD])
def test_bad_records_are_mapping_errors_with_a_reason(stream: str, changes: dict[str, t.Any], reason: str) -> None:
    raw = employee(**changes) if stream == "Employee" else timesheet(**changes)
    with pytest.raises(MappingError) as failure:
        map_record(stream, raw, DictRefs())
    assert str(failure.value).startswith(reason), str(failure.value)


def test_unknown_stream_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="Deputy Roster"):
        map_record("Roster", {"Id": 1}, DictRefs())


def test_default_mapper_uses_the_current_time() -> None:
    later = deputy_mapper()("Employee", employee(TerminationDate="2026-11-11T00:00:00+10:00"), DictRefs())
    assert later[0].record.status == EmployeeStatus.TERMINATED  # the test runs after 2026-11-11, or fails honestly
