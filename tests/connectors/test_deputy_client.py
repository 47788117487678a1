"""The Deputy connector against the Deputy sandbox in process: paging, cursors, edits, faults, rejects."""

from __future__ import annotations

import json
import typing as t
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from connectors.base.errors import AuthError, FatalError
from connectors.base.retry import RetryPolicy
from connectors.deputy import STREAMS, DeputyClient, DeputySource, QueryState, deputy_mapper
from datashare.store import Hub
from datashare.sync.extract import extract
from datashare.sync.mapping import map_staged
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.transport import InProcessTransport
from sandbox.deputy import OBJECTS, SAMPLE_TOKEN, DeputyState, create_app, deputy_fault, seed_sample
from sandbox.deputy import records as deputy_records

BASE = "http://deputy.test/deputy/au"
T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)
TIMESHEETS, EMPLOYEES = STREAMS["Timesheet"], STREAMS["Employee"]


class Sent:
    """Every request the connector sent: (method, path, JSON body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, t.Any]] = []
        self.headers: list[httpx.Headers] = []

    def __call__(self, request: httpx.Request) -> None:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, body))
        self.headers.append(request.headers)

    def queries(self) -> list[t.Any]:
        """The bodies of the QUERY calls, in order."""
        return [body for method, path, body in self.requests if method == "POST" and path.endswith("/QUERY")]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def state(clock: FakeClock) -> DeputyState:
    """The AU sample at scale 5 (about 690 timesheets: two pages)."""
    install = DeputyState(country="AU", clock=clock)
    seed_sample(install, scale=5, seed=1)
    clock.advance(60)
    return install


@pytest.fixture
def faults() -> FaultPlan:
    return FaultPlan(seed=5)


@pytest.fixture
def sent() -> Sent:
    return Sent()


@pytest.fixture
def http(state: DeputyState, faults: FaultPlan, sent: Sent) -> Iterator[httpx.Client]:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    app = Starlette(routes=[Mount("/deputy/au", app=create_app(state, faults=faults))])
    with httpx.Client(transport=InProcessTransport(app), event_hooks={"request": [sent]}) as client:
        yield client


@pytest.fixture
def client(http: httpx.Client) -> DeputyClient:
    return DeputyClient(BASE, SAMPLE_TOKEN, http=http, retry=RetryPolicy(attempts=4, sleep=lambda _: None))


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "tenant.duckdb") as opened:
        yield opened


def read_all(client: DeputyClient, cursor: str | None = None) -> tuple[list[dict[str, t.Any]], str]:
    pages = list(client.read(TIMESHEETS, cursor))
    return [r for p in pages for r in p.records], pages[-1].cursor


def edit(state: DeputyState, timesheet_id: int, **fields: t.Any) -> None:
    """Change a timesheet as a Deputy user would, through the emulator's own write path."""
    deputy_records.update(state, OBJECTS["Timesheet"], timesheet_id, fields)


# --- reading everything -------------------------------------------------------------------------------


def test_full_read_gets_every_timesheet_once_in_pages_of_500(client: DeputyClient, state: DeputyState) -> None:
    pages = list(client.read(TIMESHEETS))
    assert [len(p.records) for p in pages] == [500, len(state.tables["Timesheet"]) - 500]
    assert [p.last for p in pages] == [False, True]
    ids = [r["Id"] for p in pages for r in p.records]
    assert sorted(ids) == sorted(state.tables["Timesheet"])
    assert client.calls == 2


def test_query_bodies_are_deputys(client: DeputyClient, sent: Sent) -> None:
    list(client.read(EMPLOYEES))
    records, _ = read_all(client)
    first_employees, first_sheets, second_sheets = sent.queries()
    assert first_employees == {
        "sort": {"Modified": "asc", "Id": "asc"},
        "max": 500,
        "start": 0,
        "join": ["ContactObject"],
    }
    assert first_sheets == {"sort": {"Modified": "asc", "Id": "asc"}, "max": 500, "start": 0}
    assert second_sheets["search"] == {"s1": {"field": "Modified", "type": "ge", "data": records[499]["Modified"]}}
    assert all(h["authorization"] == f"Bearer {SAMPLE_TOKEN}" for h in sent.headers)


def test_employees_come_with_their_contact(client: DeputyClient, state: DeputyState) -> None:
    [page] = list(client.read(EMPLOYEES))
    assert len(page.records) == len(state.tables["Employee"])
    assert all(r["ContactObject"]["Id"] == r["Contact"] for r in page.records)


def test_query_pages_with_start_until_a_short_page(client: DeputyClient, state: DeputyState, sent: Sent) -> None:
    approved = list(client.query("Timesheet", [("TimeApproved", "eq", True)], sort={"Date": "desc"}))
    wanted = {r["Id"] for r in state.tables["Timesheet"].values() if r["TimeApproved"]}
    assert len(wanted) > 500
    assert [r["Id"] for r in approved if r["Id"] in wanted] == [r["Id"] for r in approved]
    assert {r["Id"] for r in approved} == wanted
    assert [body["start"] for body in sent.queries()] == [0, 500]
    assert sent.queries()[0]["sort"] == {"Date": "desc", "Id": "asc"}


def test_info_and_get(client: DeputyClient) -> None:
    assert client.info("Timesheet")["fields"]["TotalTime"] == "Float"
    assert client.get("Employee", 3)["Id"] == 3


def test_names_that_are_not_deputy_names_never_reach_a_request(client: DeputyClient, sent: Sent) -> None:
    with pytest.raises(ValueError, match="object name"):
        client.info("Employee/../../admin")
    with pytest.raises(ValueError, match="field name"):
        list(client.query("Timesheet", [("Id) OR (1", "eq", 1)]))
    with pytest.raises(ValueError, match="operator"):
        list(client.query("Timesheet", [("Id", "like", 1)]))
    assert sent.requests == []


# --- incremental ---------------------------------------------------------------------------------


def test_after_one_edit_only_that_record_comes_back(client: DeputyClient, state: DeputyState, clock: FakeClock) -> None:
    _, cursor = read_all(client)
    clock.advance(30)
    edit(state, 17, EmployeeComment="Forgot to clock out")
    clock.advance(30)
    changed, after = read_all(client, cursor)
    assert [r["Id"] for r in changed] == [17]
    assert changed[0]["EmployeeComment"] == "Forgot to clock out"
    clock.advance(30)
    again, _ = read_all(client, after)
    assert again == []


def test_nothing_changed_reads_nothing_in_one_call(client: DeputyClient, clock: FakeClock) -> None:
    _, cursor = read_all(client)
    clock.advance(30)
    before = client.calls
    records, after = read_all(client, cursor)
    assert records == []
    assert client.calls - before == 1
    assert QueryState.parse(after).modified == QueryState.parse(cursor).modified


def test_approval_is_read_as_a_change(
    client: DeputyClient, state: DeputyState, clock: FakeClock, http: httpx.Client
) -> None:
    _, cursor = read_all(client)
    pending = next(t for t in state.tables["Timesheet"].values() if not t["TimeApproved"] and not t["IsInProgress"])
    clock.advance(30)
    answer = http.post(
        f"{BASE}/api/v1/supervise/timesheet/approve",
        json={"intTimesheetId": pending["Id"]},
        headers={"Authorization": f"Bearer {SAMPLE_TOKEN}"},
    )
    assert answer.status_code == 200
    clock.advance(30)
    changed, _ = read_all(client, cursor)
    assert [(r["Id"], r["TimeApproved"]) for r in changed] == [(pending["Id"], True)]


def test_a_save_in_the_last_second_read_is_read_again_not_lost(
    client: DeputyClient, state: DeputyState, clock: FakeClock
) -> None:
    edit(state, 3, EmployeeComment="first")
    _, cursor = read_all(client)  # the newest Modified is this very second: the cursor keeps no ids
    assert QueryState.parse(cursor).seen == ()
    edit(state, 4, EmployeeComment="same second")
    edit(state, 3, EmployeeComment="again, same second")
    clock.advance(30)
    changed, _ = read_all(client, cursor)
    assert {r["Id"]: r["EmployeeComment"] for r in changed} == {3: "again, same second", 4: "same second"}


def test_since_reads_what_changed_after_the_moment(client: DeputyClient, state: DeputyState) -> None:
    moment = T0 - timedelta(days=3)
    source = DeputySource(client, TIMESHEETS)
    cursor = source.cursor_since(moment)
    assert cursor is not None
    records = [r for page in source.pages(cursor) for r in page.records]
    wanted = {r["Id"] for r in state.tables["Timesheet"].values() if datetime.fromisoformat(r["Modified"]) >= moment}
    assert 0 < len(wanted) < len(state.tables["Timesheet"])
    assert {r["Id"] for r in records} == wanted


def test_a_record_saved_while_pages_are_read_is_not_skipped(
    client: DeputyClient, state: DeputyState, clock: FakeClock
) -> None:
    pages = client.read(TIMESHEETS)
    first = next(pages)
    # A record of the first page is edited: it moves to the end, and everything behind it one place forward.
    clock.advance(5)
    edit(state, first.records[10]["Id"], EmployeeComment="edited mid-read")
    rest = [r for page in pages for r in page.records]
    ids = {r["Id"] for r in first.records} | {r["Id"] for r in rest}
    assert ids == set(state.tables["Timesheet"])
    assert first.records[10]["Id"] in {r["Id"] for r in rest}  # and its new version is read too


def test_a_read_stopped_after_a_page_resumes_without_repeats(client: DeputyClient, state: DeputyState) -> None:
    first = next(client.read(TIMESHEETS))
    rest, _ = read_all(client, first.cursor)
    ids = [r["Id"] for r in first.records] + [r["Id"] for r in rest]
    assert sorted(ids) == sorted(state.tables["Timesheet"])


def test_more_than_a_page_saved_in_one_second_is_read_whole(
    client: DeputyClient, state: DeputyState, clock: FakeClock
) -> None:
    _, cursor = read_all(client)
    clock.advance(30)
    bulk = sorted(state.tables["Timesheet"])[:620]
    for timesheet_id in bulk:  # a bulk approval: 620 records share one Modified
        edit(state, timesheet_id, SupervisorComment="bulk")
    clock.advance(30)
    pages = list(client.read(TIMESHEETS, cursor))
    ids = [r["Id"] for p in pages for r in p.records]
    assert sorted(ids) == bulk


def test_a_full_read_of_records_all_saved_in_one_second(client: DeputyClient, state: DeputyState) -> None:
    for timesheet_id in list(state.tables["Timesheet"]):  # e.g. a bulk export flag set on every shift at once
        edit(state, timesheet_id, SupervisorComment="bulk")
    ids = [r["Id"] for p in client.read(TIMESHEETS) for r in p.records]
    assert sorted(ids) == sorted(state.tables["Timesheet"])


# --- failures --------------------------------------------------------------------------------------


def test_a_503_once_then_success_loses_nothing(http: httpx.Client, state: DeputyState, faults: FaultPlan) -> None:
    waits: list[float] = []

    def heal(seconds: float) -> None:  # the retry's wait is when the install comes back
        waits.append(seconds)
        faults.clear()

    client = DeputyClient(BASE, SAMPLE_TOKEN, http=http, retry=RetryPolicy(attempts=4, sleep=heal))
    pages = client.read(TIMESHEETS)
    first = next(pages)
    faults.set(deputy_fault(error_rate=1.0, error_status=503, method="POST"))
    rest = [r for page in pages for r in page.records]
    assert faults.injected == 1
    assert len(waits) == 1
    ids = [r["Id"] for r in first.records] + [r["Id"] for r in rest]
    assert sorted(ids) == sorted(state.tables["Timesheet"])


def test_429_is_retried_after_the_wait_deputy_asks_for(
    http: httpx.Client, state: DeputyState, clock: FakeClock
) -> None:
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    client = DeputyClient(BASE, SAMPLE_TOKEN, http=http, retry=RetryPolicy(attempts=3, sleep=wait))
    state.per_minute = 1
    assert client.get("Employee", 1)["Id"] == 1
    assert client.get("Employee", 2)["Id"] == 2
    assert len(waits) == 1
    assert waits[0] >= 60  # Retry-After, not the policy's half-second first guess


def test_a_wrong_token_is_an_auth_error(http: httpx.Client) -> None:
    bad = DeputyClient(BASE, "not-the-token", http=http, retry=RetryPolicy(attempts=3, sleep=lambda _: None))
    with pytest.raises(AuthError) as failure:
        list(bad.read(TIMESHEETS))
    assert "not-the-token" not in str(failure.value)
    assert bad.calls == 1


def test_a_bad_query_is_fatal_and_not_retried(client: DeputyClient) -> None:
    with pytest.raises(FatalError, match="no field 'Colour'"):
        list(client.query("Timesheet", [("Colour", "eq", "red")]))
    assert client.calls == 1


def test_a_malformed_record_becomes_a_reject_with_its_reason(
    client: DeputyClient, state: DeputyState, hub: Hub
) -> None:
    state.tables["Timesheet"][5]["TotalTime"] = "n/a"
    source = DeputySource(client, TIMESHEETS)
    counts = extract(hub, source, "run-1")
    assert counts.staged == len(state.tables["Timesheet"])
    result = map_staged(hub, "deputy", "time_activities", "run-1", deputy_mapper(clock=lambda: T0))
    assert result.rejected == 1
    assert len(result.mapped) == len(state.tables["Timesheet"]) - 1
    [(remote_id, stage, reason)] = hub.query("SELECT remote_id, stage, reason FROM rejects")
    assert (remote_id, stage) == ("5", "map")
    assert reason == "Deputy Timesheet 5: TotalTime: not a number (got 'n/a')"


def test_extract_then_map_gives_shifts_of_known_employees(client: DeputyClient, state: DeputyState, hub: Hub) -> None:
    mapper = deputy_mapper(clock=lambda: T0)
    extract(hub, DeputySource(client, EMPLOYEES), "run-1")
    extract(hub, DeputySource(client, TIMESHEETS), "run-1")
    employees = map_staged(hub, "deputy", "employees", "run-1", mapper)
    shifts = map_staged(hub, "deputy", "time_activities", "run-1", mapper)
    assert (employees.rejected, shifts.rejected) == (0, 0)
    employee_ids = {m.record.id for m in employees.mapped}
    assert {m.record.employee_id for m in shifts.mapped} <= employee_ids  # type: ignore[attr-defined]
    assert sum(m.record.in_progress for m in shifts.mapped) == 1  # type: ignore[attr-defined]
