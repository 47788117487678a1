"""Seeding against an explicit clock: every emulator of a sandbox seeds as of one moment, then serves on real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox.common.clock import FakeClock, SeedingClock, SystemClock
from sandbox.server import Sandbox, build_sandbox
from tests.seed_moments import SEEDED_AT


def _stamp(value: Any, offset: timedelta = timedelta(0)) -> datetime | None:
    """A record's time stamp as an aware UTC datetime (naive text is in ``offset``), or None."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC) - offset
        return moment.astimezone(UTC)
    return None


def _newest(records: Any, fields: tuple[str, ...], offset: timedelta = timedelta(0)) -> datetime:
    stamps = [_stamp(r.get(f), offset) for r in records for f in fields]
    return max(s for s in stamps if s is not None)


def _newest_sample_stamps(sandbox: Sandbox) -> dict[str, datetime]:
    """When each emulator's sample data last changed, read from its own records."""
    xero_records = [
        r
        for book in sandbox.xero.orgs.values()
        for tables in (book.tables, book.payroll.tables)
        for table in tables.values()
        for r in table.values()
    ]
    neto = sandbox.neto["au"]
    neto_offset = neto.tz.utcoffset(None) or timedelta(0)
    return {
        "xero": _newest(xero_records, ("UpdatedDateUTC",)),
        **{
            f"vtiger/{org}": _newest((e.values for e in crm.entities.values()), ("modifiedtime",))
            for org, crm in sandbox.vtiger.items()
        },
        **{
            f"salesforce/{org}": _newest((r for name in sf.records for r in sf.rows(name)), ("SystemModstamp",))
            for org, sf in sandbox.salesforce.items()
        },
        **{
            f"deputy/{org}": _newest((r for t in d.tables.values() for r in t.values()), ("Modified",))
            for org, d in sandbox.deputy.items()
        },
        "shopify/au": max(o.updated_at for o in sandbox.shopify["au"].orders.values()),
        "magento/au": _newest((r for t in sandbox.magento["au"].tables.values() for r in t.values()), ("updated_at",)),
        "neto/au": _newest((r for t in neto.tables.values() for r in t.values()), ("DateUpdated",), neto_offset),
    }


def test_a_seeding_clock_tells_the_moment_until_the_seeds_are_written_and_then_the_clock_after_it() -> None:
    after = FakeClock(datetime(2031, 5, 6, 7, 8, tzinfo=UTC))
    clock = SeedingClock(SEEDED_AT, after=after)
    after.advance(30)

    assert clock.now() == SEEDED_AT  # stopped while seeding, so the samples do not depend on how long they take
    assert clock.monotonic() == 30  # rate-limit windows run on the real clock all along
    clock.seeded()
    assert clock.now() == datetime(2031, 5, 6, 7, 8, 30, tzinfo=UTC)


def test_a_seeding_clock_without_a_moment_seeds_as_of_the_machines_now_and_refuses_a_naive_moment() -> None:
    before = datetime.now(UTC)
    clock = SeedingClock()
    assert before <= clock.now() <= datetime.now(UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        SeedingClock(datetime(2026, 3, 18, 12, 0))


def test_every_emulator_seeds_as_of_the_moment_asked_and_then_runs_on_the_machines_clock() -> None:
    sandbox = build_sandbox(seeded_at=SEEDED_AT)

    newest = _newest_sample_stamps(sandbox)
    assert sandbox.seeded_at == SEEDED_AT
    assert set(newest) == {
        "xero", "vtiger/au", "vtiger/us", "salesforce/au", "salesforce/us", "deputy/au", "deputy/us",
        "shopify/au", "magento/au", "neto/au",
    }  # fmt: skip
    for app, moment in newest.items():
        # Neto's samples are the oldest: its orders start 30 days back and take a few hours.
        assert SEEDED_AT - timedelta(days=31) <= moment <= SEEDED_AT, app
    states = [sandbox.xero, *sandbox.vtiger.values(), *sandbox.salesforce.values(), *sandbox.deputy.values()]
    states += [sandbox.shopify["au"], sandbox.magento["au"], sandbox.neto["au"]]
    for state in states:
        assert abs(state.clock.now() - datetime.now(UTC)) < timedelta(minutes=1), type(state).__name__


def test_the_same_seed_moment_gives_the_same_samples_whatever_the_machines_clock_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = build_sandbox(seeded_at=SEEDED_AT)
    # Years later: an emulator seeding on the machine's clock instead of the sandbox's would notice.
    monkeypatch.setattr(SystemClock, "now", lambda self: datetime(2031, 5, 6, 7, 8, tzinfo=UTC))
    later = build_sandbox(seeded_at=SEEDED_AT)

    assert _newest_sample_stamps(later) == _newest_sample_stamps(today)
    assert {org: d.tables for org, d in later.deputy.items()} == {org: d.tables for org, d in today.deputy.items()}
    assert [b.payroll.tables for b in later.xero.orgs.values()] == [b.payroll.tables for b in today.xero.orgs.values()]


def test_a_sandbox_refuses_to_seed_as_of_a_moment_in_the_future() -> None:
    with pytest.raises(ValueError, match="lies in the future"):
        build_sandbox(seeded_at=datetime.now(UTC) + timedelta(days=1))
