"""Writes: ``POST /resource/{Object}`` creates, ``POST /resource/{Object}/{Id}`` updates, and timesheet approval.

Every write stamps ``Modified`` with the install's clock, which is what an
incremental reader (``Modified ge ...``) picks up. A timesheet's ``Date``,
``TotalTime`` (hours: end - start - meal break) and ``IsInProgress`` (no
``EndTime`` yet) are worked out by the server from its times, whatever a
client sends for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.deputy.errors import DeputyError
from sandbox.deputy.objects import DeputyObject, FieldType
from sandbox.deputy.state import DeputyState
from sandbox.deputy.values import break_minutes, break_stamp, day_stamp, stored

__all__ = ["ADMIN_ID", "approve_timesheet", "create", "fill_timesheet", "update"]

ADMIN_ID = 1
"""The Employee id the sample API token acts as (the install's first employee)."""


def _fields(state: DeputyState, obj: DeputyObject, values: Any, *, creating: bool) -> dict[str, Any]:
    """A write's fields, checked against the object's and converted to how records keep them."""
    if not isinstance(values, dict):
        raise DeputyError(400, f"The {obj.name} body must be a JSON object of fields")
    clean: dict[str, Any] = {}
    for name, value in values.items():
        kind = obj.fields.get(name)
        if kind is None:
            raise DeputyError(400, f"{obj.name} has no field {name!r}")
        if name in obj.read_only:
            raise DeputyError(400, f"{obj.name}.{name} is read only")
        if name in obj.computed:
            continue
        if name == "Mealbreak" and isinstance(value, int) and not isinstance(value, bool):
            clean[name] = value  # minutes; written out as Deputy's duration stamp once the date is known
            continue
        try:
            clean[name] = stored(kind, value, state.tz)
        except ValueError as error:
            raise DeputyError(400, f"{obj.name}.{name} is a {kind.value} field: {error}") from None
    if creating:
        missing = [name for name in obj.required if clean.get(name) in (None, "")]
        if missing:
            raise DeputyError(400, f"{obj.name} needs {', '.join(missing)}")
    return clean


def fill_timesheet(state: DeputyState, record: dict[str, Any]) -> None:
    """Work out a timesheet's Date, meal break stamp, TotalTime and IsInProgress from its times."""
    start, end = record.get("StartTime"), record.get("EndTime")
    if not isinstance(start, int):
        raise DeputyError(400, "Timesheet.StartTime must be a Unix time")
    if end is not None and end < start:
        raise DeputyError(400, "Timesheet.EndTime is before its StartTime")
    day = datetime.fromtimestamp(start, state.tz).date()
    meal = record.get("Mealbreak")
    minutes = meal if isinstance(meal, int) else break_minutes(meal)
    if minutes < 0:
        raise DeputyError(400, "Timesheet.Mealbreak cannot be negative")
    record["Date"] = day_stamp(day, state.tz)
    record["Mealbreak"] = break_stamp(day, minutes, state.tz)
    record["IsInProgress"] = end is None
    record["TotalTime"] = 0.0 if end is None else round(max(0, end - start - minutes * 60) / 3600, 4)


def _check_references(state: DeputyState, obj: DeputyObject, record: dict[str, Any]) -> None:
    """Every id a join follows must name an existing record (a timesheet's Employee, an employee's Contact)."""
    for join in obj.joins.values():
        target = record.get(join.via)
        if target is not None and state.record(join.target, target) is None:
            raise DeputyError(400, f"{obj.name}.{join.via}: {join.target} {target} does not exist")


def create(state: DeputyState, obj: DeputyObject, values: Any, *, creator: int = ADMIN_ID) -> dict[str, Any]:
    """Add a record; returns it as stored (its new Id, Created = Modified = now)."""
    with state.lock:
        fields = _fields(state, obj, values, creating=True)
        # Flags default to false, everything else to null, as a new row in Deputy's tables.
        record: dict[str, Any] = {name: False if kind == FieldType.BIT else None for name, kind in obj.fields.items()}
        record.update(fields)
        if obj.name == "Employee":
            record["Active"] = fields.get("Active", True)
            record["Company"] = fields.get("Company", 1)
            record["DisplayName"] = fields.get("DisplayName") or f"{record['FirstName']} {record['LastName']}"
        if obj.name == "Timesheet":
            fill_timesheet(state, record)
        _check_references(state, obj, record)
        now = state.now_stamp()
        record.update(Id=state.new_id(obj.name), Creator=creator, Created=now, Modified=now)
        state.tables[obj.name][record["Id"]] = record
        return record


def update(state: DeputyState, obj: DeputyObject, record_id: int, values: Any) -> dict[str, Any]:
    """Change the fields sent; returns the whole record, its Modified moved to now."""
    with state.lock:
        record = state.record(obj.name, record_id)
        if record is None:
            raise DeputyError(404, f"{obj.name} {record_id} not found")
        changed = {**record, **_fields(state, obj, values, creating=False)}
        if obj.name == "Timesheet":
            fill_timesheet(state, changed)
        _check_references(state, obj, changed)
        changed["Modified"] = state.now_stamp()
        record.clear()
        record.update(changed)
        return record


def approve_timesheet(state: DeputyState, body: Any, *, approver: int = ADMIN_ID) -> dict[str, Any]:
    """``/supervise/timesheet/approve`` with ``{"intTimesheetId": n}``: TimeApproved true, Modified now."""
    timesheet_id = body.get("intTimesheetId") if isinstance(body, dict) else None
    if isinstance(timesheet_id, str) and timesheet_id.strip().isdigit():
        timesheet_id = int(timesheet_id)
    if not isinstance(timesheet_id, int) or isinstance(timesheet_id, bool):
        raise DeputyError(400, "intTimesheetId must be a timesheet's Id")
    with state.lock:
        record = state.record("Timesheet", timesheet_id)
        if record is None:
            raise DeputyError(404, f"Timesheet {timesheet_id} not found")
        if record.get("IsInProgress"):
            raise DeputyError(400, f"Timesheet {timesheet_id} is still in progress; end it before approving")
        record.update(TimeApproved=True, TimeApprover=approver, Modified=state.now_stamp())
        return record
