"""The Deputy connector over real HTTP: the sandbox on a loopback port, mounted as the combined server mounts it."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.base.errors import AuthError
from connectors.base.retry import RetryPolicy
from connectors.deputy import STREAMS, DeputyClient, DeputySource, deputy_mapper
from datashare.model.mapping import DictRefs
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.deputy import SAMPLE_TOKEN, DeputyState, create_app, deputy_fault, seed_sample

pytestmark = pytest.mark.e2e

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)


def test_read_edit_and_read_again_over_loopback() -> None:
    clock = FakeClock(T0)
    state = DeputyState(country="US", clock=clock)
    seeded = seed_sample(state, scale=5, seed=9)
    clock.advance(60)
    plan = FaultPlan(seed=1)
    app = Starlette(routes=[Mount("/deputy/us", app=create_app(state, faults=plan))])
    healed: list[float] = []

    def heal(seconds: float) -> None:
        healed.append(seconds)
        plan.clear()

    with serve_in_thread(app) as base:
        client = DeputyClient(f"{base}/deputy/us", SAMPLE_TOKEN, retry=RetryPolicy(attempts=3, sleep=heal))
        with client:
            source = DeputySource(client, STREAMS["Timesheet"])
            pages = list(source.pages(None))
            assert [len(p.records) for p in pages] == [500, seeded.counts["Timesheet"] - 500]
            employees = [r for p in DeputySource(client, STREAMS["Employee"]).pages(None) for r in p.records]
            assert len(employees) == seeded.counts["Employee"]

            clock.advance(30)
            edited = httpx.post(
                f"{base}/deputy/us/api/v1/resource/Timesheet/12",
                json={"EmployeeComment": "edited over HTTP"},
                headers={"Authorization": f"Bearer {SAMPLE_TOKEN}"},
            )
            assert edited.status_code == 200
            assert edited.json()["Modified"].endswith("-08:00")
            clock.advance(30)

            plan.set(deputy_fault(error_rate=1.0, error_status=503))
            changed = {r["Id"]: r for p in source.pages(pages[-1].cursor) for r in p.records}
            assert healed
            assert plan.injected == 1
            # Over real HTTP uvicorn adds a Date of its own (the machine's clock, not the install's), so the
            # client may not trust the last second read as settled and reads it again: nothing else comes back.
            anchor = max(pages[-1].records, key=lambda r: datetime.fromisoformat(r["Modified"]))["Modified"]
            assert 12 in changed
            assert all(r["Modified"] == anchor for i, r in changed.items() if i != 12)
            [mapped] = deputy_mapper(clock=lambda: T0)("Timesheet", changed[12], DictRefs())
            assert mapped.record.note == "edited over HTTP"  # type: ignore[attr-defined]

        stranger = DeputyClient(f"{base}/deputy/us", "wrong", retry=RetryPolicy(attempts=2, sleep=lambda _: None))
        with stranger, pytest.raises(AuthError):
            stranger.get("Employee", 1)
