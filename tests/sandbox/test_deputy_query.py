"""Deputy emulator: QUERY's search operators, sorting with Id as the tie-break, joins, and start/max paging."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sandbox.common.clock import FakeClock
from sandbox.common.transport import InProcessTransport
from sandbox.deputy import MAX_RECORDS, SAMPLE_TOKEN, DeputyState, create_app, seed_sample

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)


def _client(state: DeputyState) -> httpx.Client:
    transport = InProcessTransport(create_app(state))
    return httpx.Client(
        transport=transport, base_url="http://deputy.test", headers={"Authorization": f"Bearer {SAMPLE_TOKEN}"}
    )


@pytest.fixture(scope="module")
def state() -> DeputyState:
    """A sample AU install at scale 1 (shared: tests only read it)."""
    install = DeputyState(country="AU", clock=FakeClock(T0))
    seed_sample(install, seed=2)
    return install


@pytest.fixture(scope="module")
def big() -> DeputyState:
    """An install with more than 500 timesheets (scale 5)."""
    install = DeputyState(country="US", clock=FakeClock(T0))
    seed_sample(install, scale=5, seed=2)
    assert len(install.tables["Timesheet"]) > MAX_RECORDS
    return install


@pytest.fixture
def http(state: DeputyState) -> Iterator[httpx.Client]:
    with _client(state) as client:
        yield client


def query(http: httpx.Client, name: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = http.post(f"/api/v1/resource/{name}/QUERY", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert isinstance(answer, list)
    return answer


def search(*conditions: tuple[str, str, Any]) -> dict[str, Any]:
    return {"search": {f"s{n}": {"field": f, "type": op, "data": d} for n, (f, op, d) in enumerate(conditions, 1)}}


# Each row: a condition, and the same test written in Python over the stored records.
CASES: list[tuple[tuple[str, str, Any], Any]] = [
    (("Employee", "eq", 3), lambda r: r["Employee"] == 3),
    (("Employee", "ne", 3), lambda r: r["Employee"] != 3),
    (("TotalTime", "gt", 7.5), lambda r: r["TotalTime"] > 7.5),
    (("TotalTime", "lt", 4), lambda r: r["TotalTime"] < 4),
    (("TotalTime", "ge", 8), lambda r: r["TotalTime"] >= 8),
    (("TotalTime", "le", 4), lambda r: r["TotalTime"] <= 4),
    (("Employee", "in", [1, 2]), lambda r: r["Employee"] in (1, 2)),
    (("Employee", "not in", [1, 2]), lambda r: r["Employee"] not in (1, 2)),
    (("EndTime", "is", None), lambda r: r["EndTime"] is None),
    (("EndTime", "is not", None), lambda r: r["EndTime"] is not None),
    (("TimeApproved", "eq", True), lambda r: r["TimeApproved"] is True),
    (("TimeApproved", "eq", "false"), lambda r: r["TimeApproved"] is False),
    (("EmployeeComment", "starts", "covered"), lambda r: (r["EmployeeComment"] or "").startswith("Covered")),
    (("EmployeeComment", "contains", "STOCK"), lambda r: "stock" in (r["EmployeeComment"] or "").lower()),
    (("Date", "ge", "2026-11-09"), lambda r: r["Date"] >= "2026-11-09T00:00:00+10:00"),
    (
        ("Modified", "lt", "2026-11-01T00:00:00+00:00"),
        lambda r: datetime.fromisoformat(r["Modified"]) < datetime(2026, 11, 1, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(("condition", "expected"), CASES, ids=[f"{c[0]} {c[1]}" for c, _ in CASES])
def test_each_operator_selects_what_it_says(
    http: httpx.Client, state: DeputyState, condition: tuple[str, str, Any], expected: Any
) -> None:
    wanted = sorted(r["Id"] for r in state.tables["Timesheet"].values() if expected(r))
    assert wanted, "the sample must hold records the condition selects"
    assert len(wanted) < len(state.tables["Timesheet"])
    found = query(http, "Timesheet", search(condition))
    assert sorted(r["Id"] for r in found) == wanted


def test_conditions_are_anded(http: httpx.Client, state: DeputyState) -> None:
    found = query(http, "Timesheet", search(("Employee", "eq", 2), ("TimeApproved", "eq", True)))
    wanted = [r["Id"] for r in state.tables["Timesheet"].values() if r["Employee"] == 2 and r["TimeApproved"]]
    assert sorted(r["Id"] for r in found) == sorted(wanted)
    assert 0 < len(wanted) < len([r for r in state.tables["Timesheet"].values() if r["Employee"] == 2])


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (search(("Colour", "eq", "red")), "no field 'Colour'"),
        (search(("Employee", "like", 1)), "unknown operator"),
        (search(("Employee", "eq", "three")), "Employee is a Integer field"),
        (search(("Modified", "ge", "last week")), "Modified is a DateTime field"),
        (search(("Employee", "in", 3)), "needs a list"),
        (search(("TotalTime", "contains", "7")), "works on text fields"),
        ({"sort": {"Colour": "asc"}}, "no field 'Colour'"),
        ({"sort": {"Modified": "up"}}, "asc or desc"),
        ({"join": ["ManagerObject"]}, "no join 'ManagerObject'"),
        ({"start": "a"}, "start must be a whole number"),
        ({"search": ["Modified"]}, "search must be an object"),
    ],
)
def test_bad_queries_are_400_with_a_message(http: httpx.Client, body: dict[str, Any], complaint: str) -> None:
    response = http.post("/api/v1/resource/Timesheet/QUERY", json=body)
    assert response.status_code == 400
    assert complaint in response.json()["error"]["message"]


def test_sort_on_several_fields_with_id_breaking_ties(http: httpx.Client, state: DeputyState) -> None:
    found = query(http, "Timesheet", {"sort": {"Employee": "desc", "TotalTime": "asc"}, "max": 500})
    keys = [(-r["Employee"], r["TotalTime"], r["Id"]) for r in found]
    assert keys == sorted(keys)
    assert len(found) == len(state.tables["Timesheet"])


def test_modified_sorts_by_instant_not_by_text(http: httpx.Client) -> None:
    found = query(http, "Timesheet", {"sort": {"Modified": "asc"}, "max": 500})
    moments = [(datetime.fromisoformat(r["Modified"]), r["Id"]) for r in found]
    assert moments == sorted(moments)


def test_join_embeds_the_contact(http: httpx.Client, state: DeputyState) -> None:
    employees = query(http, "Employee", {"join": ["ContactObject"]})
    assert len(employees) == len(state.tables["Employee"])
    for employee in employees:
        contact = employee["ContactObject"]
        assert contact["Id"] == employee["Contact"]
        assert contact["Email"] == state.tables["Contact"][employee["Contact"]]["Email"]
    plain = query(http, "Employee", {})
    assert "ContactObject" not in plain[0]


def test_paging_with_start_and_max_covers_everything_once(big: DeputyState) -> None:
    total = len(big.tables["Timesheet"])
    seen: list[int] = []
    with _client(big) as http:
        start = 0
        while True:
            page = query(http, "Timesheet", {"sort": {"Date": "asc"}, "start": start, "max": 200})
            seen += [r["Id"] for r in page]
            if len(page) < 200:
                break
            start += 200
    assert len(seen) == total
    assert len(set(seen)) == total


def test_max_is_cut_to_500(big: DeputyState) -> None:
    with _client(big) as http:
        first = query(http, "Timesheet", {"max": 2000})
        rest = query(http, "Timesheet", {"start": 500, "max": 2000})
        default = query(http, "Timesheet", {})
    assert len(first) == MAX_RECORDS
    assert len(default) == MAX_RECORDS
    assert len(rest) == len(big.tables["Timesheet"]) - MAX_RECORDS
    assert {r["Id"] for r in first}.isdisjoint(r["Id"] for r in rest)
