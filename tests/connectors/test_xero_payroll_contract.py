"""Contract: every Payroll AU request the connector sends, and every answer it gets, fit Xero's Payroll AU spec.

The connector reads each AU payroll collection from the sandbox (paging past
100 employees) and writes timesheets (a create, an update and a refused one);
a recording transport keeps each exchange and each is checked against
``specs/xero/xero-payroll-au.yaml`` with openapi-core. What was read also maps
to canonical records without a reject.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest

from connectors.xero.payroll import payroll_stream, payroll_streams_for
from connectors.xero.payroll_mapping import payroll_mapper, time_sheet_to_xero
from connectors.xero.source import XeroSource
from datashare.model import TimeActivity, TimeSheet, TimeSheetLine, TimeSheetStatus
from datashare.model.mapping import DictRefs
from datashare.store import Hub
from datashare.sync.extract import extract
from datashare.sync.mapping import map_staged
from sandbox.xero.auth import PAYROLL_SCOPES
from sandbox.xero.payroll.spec import PayrollSpec
from tests.connectors.xero_world import SCOPES, Exchange, XeroWorld, make_world


@pytest.fixture(scope="module")
def spec() -> PayrollSpec:
    return PayrollSpec()


def _world(scale: int = 1) -> XeroWorld:
    return make_world(scale=scale, scopes=SCOPES | PAYROLL_SCOPES)


def _check(spec: PayrollSpec, exchanges: list[Exchange]) -> set[tuple[str, str]]:
    checked = set()
    for e in exchanges:
        if "/payroll.xro/" not in e.path:
            continue  # the organisation, read once from the Accounting API
        sent = {k: v for k, v in e.headers.items() if k in ("if-modified-since",)}
        spec.validate_request(e.method, e.path, e.request_body or None, query=e.query, headers=sent)
        spec.validate_response(e.method, e.path, e.status, e.response_body, query=e.query)
        checked.add((e.method, e.path.split("/payroll.xro/1.0/")[1].split("/")[0]))
    return checked


def test_every_payroll_au_read_fits_the_spec_and_maps_without_rejects(tmp_path: Path, spec: PayrollSpec) -> None:
    world = _world(scale=15)  # more than 100 employees: two pages
    mapper = payroll_mapper("AU", "AUD")
    with Hub.open(tmp_path / "h.duckdb") as hub:
        for stream in payroll_streams_for("AU").values():
            counts = extract(hub, XeroSource(world.client, stream), "r1")
            assert counts.read > 0, stream.name
            assert counts.rejected == 0, stream.name
            mapped = map_staged(hub, "xero", stream.entities[0], "r1", mapper, stream=stream.name)
            assert mapped.rejected == 0, stream.name
        [(employees,)] = hub.query("SELECT count(*) FROM raw_xero_employees")
    assert employees > 100
    pages = [e for e in world.recording.exchanges if e.path.endswith("/Employees")]
    assert len(pages) == 2  # 100 a page, and the short second page ends the read
    assert _check(spec, world.recording.exchanges) == {("GET", name) for name in payroll_streams_for("AU")}


def _sheet_for(world: XeroWorld, refs: DictRefs) -> TimeSheet:
    """A time sheet for a weekly-paid employee, for a period of their calendar that has none yet."""
    book = world.org
    calendars = {c["PayrollCalendarID"]: c for c in book.payroll.table("PayrollCalendars").values()}
    employee = next(
        e
        for e in book.payroll.table("Employees").values()
        if calendars[e["PayrollCalendarID"]]["CalendarType"] == "WEEKLY"
    )
    start = date(2026, 1, 5) + timedelta(weeks=40)  # a Monday of the calendar that starts 5 January 2026
    employee_id = refs.hub_id("employees", employee["EmployeeID"])
    ordinary = refs.hub_id("pay_items", employee["OrdinaryEarningsRateID"])
    days = [TimeActivity(transaction_date=start, hours=Decimal("7.5"))]
    line = TimeSheetLine(pay_item_id=ordinary, time_activities=days)
    return TimeSheet(
        id=uuid4(),
        employee_id=employee_id,
        start_date=start,
        end_date=start + timedelta(days=6),
        status=TimeSheetStatus.APPROVED,
        lines=[line],
    )


def test_timesheet_writes_fit_the_spec_and_a_refused_one_says_why(spec: PayrollSpec) -> None:
    world = _world()
    refs = DictRefs()
    stream = payroll_stream("AU", "Timesheets")
    sheet = _sheet_for(world, refs)

    [created] = world.client.write(stream, [time_sheet_to_xero(sheet, refs, "AU")])
    assert created.ok, created.errors
    assert created.remote_id is not None
    refs.to_remote[("time_sheets", sheet.id)] = created.remote_id  # type: ignore[index]
    longer = sheet.lines[0].model_copy(
        update={"time_activities": [*sheet.lines[0].time_activities, TimeActivity(
            transaction_date=sheet.start_date + timedelta(days=1), hours=Decimal(8)
        )]}
    )  # fmt: skip
    updated_sheet = sheet.model_copy(update={"lines": [longer]})
    [updated] = world.client.write(stream, [time_sheet_to_xero(updated_sheet, refs, "AU")])
    assert updated.ok, updated.errors
    assert updated.remote_id == created.remote_id
    assert Decimal(str(world.org.payroll.table("Timesheets")[created.remote_id]["Hours"])) == Decimal("15.5")
    off_period = sheet.model_copy(
        update={"id": uuid4(), "start_date": sheet.start_date + timedelta(days=1), "end_date": sheet.end_date}
    )
    [refused] = world.client.write(stream, [time_sheet_to_xero(off_period, refs, "AU")])

    assert not refused.ok
    assert any("pay period" in message for message in refused.errors), refused.errors
    assert _check(spec, world.recording.exchanges) >= {("POST", "Timesheets")}
