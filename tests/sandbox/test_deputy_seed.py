"""Deputy emulator: the sample install holds the organisation's whole staff and three weeks of their shifts.

The shifts are checked at awkward seed moments too (``tests.seed_moments.AWKWARD``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox.common.clock import FakeClock
from sandbox.common.staff import staff_roster
from sandbox.deputy import HISTORY_DAYS, DeputyState, seed_sample
from tests.seed_moments import AWKWARD

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)


def _install(country: str = "AU", scale: int = 1, seed: int = 0) -> DeputyState:
    state = DeputyState(country=country, clock=FakeClock(T0))
    seed_sample(state, scale=scale, seed=seed)
    return state


@pytest.mark.parametrize("country", ["AU", "US"])
def test_every_roster_member_is_an_employee_with_the_time_trackers_email(country: str) -> None:
    state = _install(country)
    roster = staff_roster(country, 1, 0)
    employees = sorted(state.tables["Employee"].values(), key=lambda e: e["Id"])
    assert [(e["FirstName"], e["LastName"]) for e in employees] == [(m.first_name, m.last_name) for m in roster]
    assert [e["Id"] for e in employees] == list(range(1, len(roster) + 1))
    for employee, member in zip(employees, roster, strict=True):
        contact = state.tables["Contact"][employee["Contact"]]
        assert contact["Email"] == (member.other_email or member.email)
        assert employee["Active"] is True
        assert employee["StartDate"].startswith(member.start_date.isoformat())
    assert any(m.other_email for m in roster)
    assert any(not m.in_payroll for m in roster)


def test_shifts_cover_the_three_weeks_before_now_on_weekdays() -> None:
    state = _install()
    now = T0.astimezone(state.tz)
    sheets = list(state.tables["Timesheet"].values())
    finished = [s for s in sheets if not s["IsInProgress"]]
    days = {datetime.fromisoformat(s["Date"]).date() for s in finished}
    assert min(days) >= (now - timedelta(days=HISTORY_DAYS)).date()
    assert max(days) < now.date()
    assert all(day.weekday() < 5 for day in days)
    weekdays = sum(1 for n in range(1, HISTORY_DAYS + 1) if (now - timedelta(days=n)).weekday() < 5)
    assert len(days) == weekdays
    per_person_day: dict[tuple[int, object], int] = {}
    for sheet in finished:
        key = (sheet["Employee"], sheet["Date"])
        per_person_day[key] = per_person_day.get(key, 0) + 1
    assert len(per_person_day) == weekdays * len(state.tables["Employee"])  # everyone works every weekday
    assert set(per_person_day.values()) == {1, 2}  # some days two shifts


def test_shift_fields_look_like_deputys() -> None:
    state = _install()
    for sheet in state.tables["Timesheet"].values():
        assert sheet["Date"].endswith("T00:00:00+10:00")
        assert datetime.fromisoformat(sheet["Modified"]) <= T0
        assert isinstance(sheet["StartTime"], int)
        if sheet["EndTime"] is None:
            continue
        meal = datetime.fromisoformat(sheet["Mealbreak"])
        worked = (sheet["EndTime"] - sheet["StartTime"]) / 3600 - (meal.hour * 60 + meal.minute) / 60
        assert sheet["TotalTime"] == pytest.approx(worked)
        assert 0 < sheet["TotalTime"] <= 9


def test_about_four_in_five_shifts_approved_and_exactly_one_in_progress() -> None:
    state = _install(scale=3)
    sheets = list(state.tables["Timesheet"].values())
    running = [s for s in sheets if s["IsInProgress"]]
    assert len(running) == 1
    assert running[0]["EndTime"] is None
    assert T0 - timedelta(hours=3) < datetime.fromtimestamp(running[0]["StartTime"], UTC) < T0
    share = sum(s["TimeApproved"] for s in sheets) / len(sheets)
    assert 0.7 <= share <= 0.85


def test_scale_grows_the_staff_and_the_same_inputs_give_the_same_install() -> None:
    small, big = _install(scale=1), _install(scale=5)
    assert len(small.tables["Employee"]) == 8
    assert len(big.tables["Employee"]) == 40
    assert len(big.tables["Timesheet"]) > 500
    assert _install(seed=4).tables == _install(seed=4).tables
    assert _install(seed=4).tables != _install(seed=5).tables


def test_us_install_writes_its_own_offset() -> None:
    state = _install("US")
    sheet = state.tables["Timesheet"][1]
    assert sheet["Date"].endswith("-08:00")
    assert sheet["Modified"].endswith("-08:00")


# -- at awkward moments ------------------------------------------------------------------------


def _at(moment: datetime, country: str) -> tuple[DeputyState, list[dict[str, Any]]]:
    state = DeputyState(country=country, clock=FakeClock(moment))
    seed_sample(state)
    return state, list(state.tables["Timesheet"].values())


@pytest.mark.parametrize("country", ["AU", "US"])
@pytest.mark.parametrize("moment", AWKWARD)
def test_every_sampled_shift_is_over_before_the_seed_moment_but_the_one_in_progress(
    moment: datetime, country: str
) -> None:
    _, sheets = _at(moment, country)
    running = [s for s in sheets if s["IsInProgress"]]
    assert len(running) == 1
    assert moment - timedelta(hours=3) < datetime.fromtimestamp(running[0]["StartTime"], UTC) < moment
    finished = [s for s in sheets if not s["IsInProgress"]]
    assert finished
    assert all(s["EndTime"] <= moment.timestamp() for s in finished)
    stamps = [datetime.fromisoformat(s[f]) for s in sheets for f in ("Created", "Modified")]
    assert max(stamps) <= moment


@pytest.mark.parametrize("country", ["AU", "US"])
@pytest.mark.parametrize("moment", AWKWARD)
def test_some_sampled_shifts_are_approved_and_some_still_wait_for_approval(moment: datetime, country: str) -> None:
    _, sheets = _at(moment, country)
    finished = [s for s in sheets if not s["IsInProgress"]]
    approved = [s for s in finished if s["TimeApproved"]]
    pending = [s for s in finished if not s["TimeApproved"]]
    assert approved
    assert pending
    assert 0.6 <= len(approved) / len(finished) <= 0.9
    assert all(s["TimeApprover"] is None and s["Exported"] is False for s in pending)


@pytest.mark.parametrize("country", ["AU", "US"])
@pytest.mark.parametrize("moment", AWKWARD)
def test_sampled_shifts_fill_the_weekdays_of_the_three_weeks_before_the_local_seed_day(
    moment: datetime, country: str
) -> None:
    state, sheets = _at(moment, country)
    today = moment.astimezone(state.tz).date()
    days = {datetime.fromisoformat(s["Date"]).date() for s in sheets if not s["IsInProgress"]}
    expected = {today - timedelta(days=n) for n in range(1, HISTORY_DAYS + 1)}
    assert days == {day for day in expected if day.weekday() < 5}


@pytest.mark.parametrize("country", ["AU", "US"])
@pytest.mark.parametrize("moment", AWKWARD)
def test_deputy_dates_are_the_local_day_of_each_shift_in_the_installs_offset(moment: datetime, country: str) -> None:
    state, sheets = _at(moment, country)
    offset = datetime.fromtimestamp(0, state.tz).isoformat()[-6:]  # the install's one offset, as "+10:00"
    for sheet in sheets:
        local_start = datetime.fromtimestamp(sheet["StartTime"], state.tz)
        assert sheet["Date"] == f"{local_start.date().isoformat()}T00:00:00{offset}"
        assert sheet["Mealbreak"].startswith(local_start.date().isoformat())
        assert sheet["Created"].endswith(offset)
        assert sheet["Modified"].endswith(offset)
