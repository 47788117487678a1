"""Pure mapping from Deputy's resource objects to the canonical model (Deputy is read only for us).

``employee_to_canonical(raw, refs, now)`` and ``timesheet_to_canonical(raw,
refs, now)`` take one record as QUERY returns it and give one ``Mapped``.
No I/O; the only outside fact, the current time (is a termination date
past?), comes in as ``now``.

Conventions
-----------
* **Remote ids** are Deputy's integer Ids, as text.
* **Employees.** Email and phones come from the joined ``ContactObject``
  (Phone -> landline, Mobile -> mobile). An employee is TERMINATED when
  Deputy marks it inactive or its TerminationDate is before today (in the
  install's timezone); StartDate and TerminationDate are the hired and
  released dates.
* **Timesheets** become ``WorkedTime``: ``employee_id`` is the hub id of
  the ``Employee`` Id, ``transaction_date`` the local date of ``Date``,
  ``hours`` is ``TotalTime``, start and end are the Unix ``StartTime`` and
  ``EndTime`` in UTC, ``break_minutes`` the length of ``Mealbreak`` (a
  timestamp whose time of day is the break, ``...T00:30:00+10:00``),
  ``approved`` is ``TimeApproved``; a shift without ``EndTime`` (or marked
  ``IsInProgress``) is in progress. A discarded timesheet is a tombstone.
* **Versions.** ``Modified`` is the remote version and update time.

A record that cannot be mapped raises ``MappingError`` naming the object,
its Id, the field and the value; canonical records are built through the
model's own validation.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal

from connectors.base.record import JsonRecord, read_decimal
from datashare.model import Employee, EmployeeStatus, WorkedTime, validate_record
from datashare.model.base import CanonicalModel
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = ["READERS", "employee_to_canonical", "timesheet_to_canonical"]

M = t.TypeVar("M", bound=CanonicalModel)


class _Record(JsonRecord):
    """One Deputy object, read field by field; every error names where it is, the field and the value."""

    @classmethod
    def open(cls, raw: object, object_name: str) -> tuple[_Record, str]:
        """A top-level record and its Id (as text); a record without a usable Id cannot be mapped."""
        record = cls(raw, f"Deputy {object_name}")
        value = record.raw.get("Id")
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdecimal():
            raise record.fail("Id", "missing" if value in (None, "") else "not a Deputy id")
        record_id = str(int(value))
        record.where = f"Deputy {object_name} {record_id}"
        return record, record_id

    def text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, "expected text")
        return value.strip() or None

    def flag(self, key: str) -> bool | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if value in (0, 1):
            return bool(value)
        raise self.fail(key, "expected true or false")

    def number(self, key: str) -> Decimal | None:
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        try:
            return read_decimal(value)  # a float through its shortest text, so 7.6 stays 7.6
        except ValueError as error:
            raise self.fail(key, str(error).removeprefix("is ")) from None

    def stamp(self, key: str) -> datetime | None:
        """A Deputy timestamp (``2026-11-02T09:00:00+10:00``), keeping its offset."""
        value = self.text(key)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(key, "not a date and time") from None
        if parsed.tzinfo is None:
            raise self.fail(key, "no UTC offset")
        return parsed

    def day(self, key: str) -> date | None:
        """The date of a Deputy date (its midnight in the install's offset), as the install sees it."""
        parsed = self.stamp(key)
        return parsed.date() if parsed else None

    def unix(self, key: str) -> datetime | None:
        """A Unix time in seconds, in UTC."""
        seconds = self.integer(key)
        if seconds is None:
            return None
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise self.fail(key, "not a Unix time") from None

    def duration_minutes(self, key: str) -> Decimal | None:
        """A duration Deputy writes as a timestamp (or a time) whose time of day is its length."""
        value = self.text(key)
        if value is None:
            return None
        try:
            length = datetime.fromisoformat(value).time() if "T" in value else time.fromisoformat(value)
        except ValueError:
            raise self.fail(key, "not a duration (expected e.g. 2026-11-02T00:30:00+10:00)") from None
        return Decimal(length.hour * 60 + length.minute) + Decimal(length.second) / 60

    def build(self, model: type[M], data: dict[str, t.Any]) -> M:
        """The canonical record, or the model's complaints as the mapping error."""
        built = validate_record(model, data)
        if isinstance(built, str):
            raise MappingError(f"{self.where}: {built}")
        return built

    def mapped(self, entity: str, remote_id: str, record: CanonicalModel) -> Mapped:
        """What the id map keeps: the remote id, and Modified as the version."""
        modified = self.stamp("Modified")
        version = str(self.raw["Modified"]) if modified else None
        return Mapped(
            entity=entity, remote_id=remote_id, record=record, remote_version=version, remote_updated_at=modified
        )


def employee_to_canonical(raw: dict[str, t.Any], refs: Refs, now: datetime) -> Mapped:
    """A Deputy Employee (with ``ContactObject`` joined) as an ``Employee``."""
    f, remote_id = _Record.open(raw, "Employee")
    contact = raw.get("ContactObject")
    c = _Record(contact, f"{f.where}: ContactObject") if contact is not None else None
    hired, released = f.day("StartDate"), f.day("TerminationDate")
    termination = f.stamp("TerminationDate")
    ended = termination is not None and termination.date() < now.astimezone(termination.tzinfo).date()
    active = f.flag("Active")
    phones = {"landline": c.text("Phone"), "mobile": c.text("Mobile")} if c else {}
    record = f.build(
        Employee,
        {
            "first_name": f.text("FirstName"),
            "last_name": f.text("LastName"),
            "email": c.text("Email") if c else None,
            "phone": {k: v for k, v in phones.items() if v} or None,
            "status": EmployeeStatus.TERMINATED if active is False or ended else EmployeeStatus.ACTIVE,
            "hired_date": hired,
            "released_date": released,
        },
    )
    return f.mapped(Employee.entity, remote_id, record)


def timesheet_to_canonical(raw: dict[str, t.Any], refs: Refs, now: datetime) -> Mapped:
    """A Deputy Timesheet as ``WorkedTime``: one shift of one employee."""
    f, remote_id = _Record.open(raw, "Timesheet")
    employee = f.integer("Employee")
    if employee is None:
        raise f.fail("Employee", "missing: a timesheet belongs to an employee")
    day = f.day("Date")
    if day is None:
        raise f.fail("Date", "missing")
    hours = f.number("TotalTime")
    if hours is None:
        raise f.fail("TotalTime", "missing")
    end = f.unix("EndTime")
    discarded = f.flag("Discarded")
    record = f.build(
        WorkedTime,
        {
            "employee_id": refs.hub_id("employees", str(employee)),
            "transaction_date": day,
            "hours": hours,
            "start_time": f.unix("StartTime"),
            "end_time": end,
            "break_minutes": f.duration_minutes("Mealbreak"),
            "approved": bool(f.flag("TimeApproved")),
            "in_progress": bool(f.flag("IsInProgress")) or end is None,
            "note": f.text("EmployeeComment"),
            "deleted_at": f.stamp("Modified") if discarded else None,
        },
    )
    if discarded and record.deleted_at is None:
        raise f.fail("Modified", "missing, and it dates the discarding")
    return f.mapped(WorkedTime.entity, remote_id, record)


READERS: dict[str, Callable[[dict[str, t.Any], Refs, datetime], Mapped]] = {
    "Employee": employee_to_canonical,
    "Timesheet": timesheet_to_canonical,
}
"""The mapping of each stream, by the object's name."""
