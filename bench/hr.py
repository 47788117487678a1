"""HR and payroll for the AU tenant, end to end over loopback HTTP, without Prefect: Deputy time into Xero payroll.

Run: ``.venv/bin/python bench/hr.py [--scale 40]`` (``--scale 2`` runs in a few seconds).

What one scale unit seeds. The staff roster (``sandbox.common.staff``) has 8
people a unit; 7 of them are on Xero's payroll (every eighth is a casual only
Deputy knows) and all 8 are Deputy employees, so ``--scale 40`` gives 280 Xero
employees and 320 Deputy ones. Deputy holds 21 days of shifts: one a weekday
each (15 weekdays), 15% of days two, so about 138 shifts a unit (about 5,500
at 40), roughly 80% approved, one in progress. Xero payroll brings its pay
items, two calendars, 5 pay runs, 2 timesheets and 2 leave applications
whatever the scale. The Xero organisation is seeded whole, as the sandbox
does (its accounting history too, 100 invoices a unit, which this flow never
reads). The pieces are those of ``sandbox.server.build_sandbox`` at the given
scale, with the AU organisation and its Deputy install only.

What runs. The hr_payroll flow's work, with the engine's own functions called
directly: the payroll gate (``check_payroll_gate``), then a pass of
(1) ``pull_batch`` for every (app, collection) of ``batches_for`` (the
hr_payroll entities and the lookups they name: tax rates and accounts, the
payroll collections of AU, Deputy's Employee and Timesheet), sources and
mappers from ``source_and_mapper``; (2) ``roll_up_time`` (approved shifts
into time sheets per employee and pay period); (3) ``push_batch`` for every
push of ``pushes_for``, with ``sink_for``'s sinks (the time sheets go to Xero
payroll, one call each). Then (4) the same pass again, incremental: it must
write nothing (no hub change, no roll-up change, no write to Xero), which is
asserted after the figures are printed.

The sandbox runs in its own process (so the memory figure is the syncing
process's), with Xero's rate limits lifted and a Xero client without pacer:
this measures the engine and the hub, not Xero's 60 calls a minute. Prints,
per (app, collection) batch, records, seconds and records per second; the
sheets the roll-up made; the time sheets created in Xero and the calls that
took; API calls made against the fewest possible (Xero payroll lists page by
100 with no page-size parameter and a short page ends the read; Deputy's
QUERY pages by 500, likewise; a timesheet write is one call); rejects; peak RSS.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import tempfile
import threading
import time
import typing as t
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as clock_time
from multiprocessing.connection import Connection
from pathlib import Path
from unittest import mock

import httpx
import tenant as bench_tenant
from xero_extract import ROOMY, _free_port, _minimum, _NoPacer

import tasks.sync
import tasks.wiring
from connectors.deputy import DeputyClient
from connectors.deputy.streams import MAX_RECORDS as DEPUTY_PAGE
from connectors.xero.client import XeroClient
from connectors.xero.payroll import payroll_stream
from connectors.xero.streams import STREAMS, WRITE_BATCH, Paging
from datashare.cli.demo import DEMO_ENVIRONMENT, _connect
from datashare.config import Tenant, load_config
from datashare.model import DOMAINS, with_references
from datashare.store import Hub
from datashare.sync.timesheets import RollUp, roll_up_time
from tasks.hr import check_payroll_gate
from tasks.pull import BatchSummary, pull_batch, push_batch
from tasks.sync import batches_for, pushes_for, sink_for, source_and_mapper
from tasks.wiring import deputy_client, token_store, xero_auth, xero_endpoints, xero_link

ORGANISATION = "Southern Cross Outdoor Co"  # the sandbox's AU organisation
SEEDED_AT = datetime(2026, 3, 18, 1, 30, tzinfo=UTC)  # a Wednesday, mid-day in Sydney
WRITES = ("created", "updated", "deleted")  # what a pass that "writes nothing" has none of


def _serve(port: int, scale: int, ready: multiprocessing.Queue, asks: Connection) -> None:  # type: ignore[type-arg]
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from sandbox.common.clock import SeedingClock
    from sandbox.deputy import DeputyState
    from sandbox.deputy import create_app as create_deputy
    from sandbox.deputy import seed_sample as seed_deputy
    from sandbox.xero import RateLimits, XeroState
    from sandbox.xero import create_app as create_xero
    from sandbox.xero import seed_sample as seed_xero

    start = time.perf_counter()
    # Seeded as of one fixed Wednesday, so the figures are the same whatever the day (on a Monday every
    # sampled shift would lie in a paid period and no time would be pushed).
    clock = SeedingClock(SEEDED_AT)
    xero = XeroState(clock=clock)
    seed_xero(xero, scale=scale, orgs=("au",))
    payroll = xero.org_named("AU").payroll
    install = DeputyState(country="AU", clock=clock)
    shifts = seed_deputy(install, scale=scale)
    clock.seeded()
    ready.put(
        {
            "payroll": payroll.count(),
            "deputy": shifts.counts,
            "approved": shifts.approved,
            "seconds": time.perf_counter() - start,
        }
    )

    def answer() -> None:  # what Xero payroll holds, asked for after the passes
        while True:
            asks.recv()
            asks.send(payroll.count())

    threading.Thread(target=answer, daemon=True).start()
    app = Starlette(
        routes=[
            Mount("/xero", app=create_xero(xero, limits=RateLimits(**ROOMY))),
            Mount("/deputy/au", app=create_deputy(install)),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


_APPS = """[tenants.apps.deputy]
base_url = "{base}/deputy/au"
secrets = { access_token = "env:DEMO_DEPUTY_TOKEN" }
"""


def write_config(directory: Path, base: str) -> Path:
    """A one-tenant config (config/demo.toml's demo-au without its CRM) on the bench's sandbox; hub and tokens in ``directory``."""
    return bench_tenant.write_config(directory, base, ORGANISATION, _APPS, payroll=True)


@dataclass
class Counters:
    """API calls so far: the bench's Xero client, and every Deputy client the engine asked for."""

    xero: XeroClient
    deputies: list[DeputyClient] = field(default_factory=list)

    def of(self, app: str) -> int:
        """Calls made so far to ``app``."""
        return self.xero.calls if app == "xero" else sum(c.calls for c in self.deputies)


@contextmanager
def instrumented(counters: Counters, deputy_http: httpx.Client) -> Iterator[None]:
    """The engine's wiring with the bench's clients: Xero without pacer, Deputy's calls counted."""

    def counted_deputy(tenant: Tenant, **_: t.Any) -> DeputyClient:
        client = deputy_client(tenant, http=deputy_http)  # a new client per batch, as the engine makes
        counters.deputies.append(client)
        return client

    with (
        mock.patch.object(tasks.sync, "xero_client", return_value=counters.xero),
        mock.patch.object(tasks.wiring, "xero_client", return_value=counters.xero),
        mock.patch.object(tasks.wiring, "deputy_client", counted_deputy),
    ):
        yield


def pull_minimum(app: str, stream: str, country: str, records: int, page_size: int) -> int:
    """Fewest calls to read ``records`` of a collection.

    Xero payroll and Deputy have no page count: a page shorter than the page
    size (100, 500) ends the read, so ``n`` records take ``n // size + 1``
    calls. Xero accounting collections: as bench/xero_extract.py counts them.
    """
    if app == "deputy":
        return records // DEPUTY_PAGE + 1
    if stream in STREAMS:
        return _minimum(STREAMS[stream].paging, records, page_size)
    found = payroll_stream(country, stream)
    if found.paging == Paging.NONE or not found.page_size:
        return 1
    return records // found.page_size + 1


def write_minimum(entity: str, summary: BatchSummary) -> int:
    """Fewest Xero calls for what a push wrote: a payroll timesheet a call, anything else in batches of 50."""
    if entity == "time_sheets":
        return summary.created + summary.updated
    return math.ceil(summary.created / WRITE_BATCH) + math.ceil(summary.updated / WRITE_BATCH)


@dataclass
class Row:
    """One (app, collection) batch of a pass: what it did, its calls, the fewest it could have made, its time."""

    step: str
    app: str
    label: str
    summary: BatchSummary
    calls: int
    minimum: int
    seconds: float


@dataclass
class Pass:
    """One pass: its batches, its roll-up, and per step (pull, roll-up, push) the wall time and calls."""

    name: str
    rows: list[Row] = field(default_factory=list)
    roll_up: RollUp = field(default_factory=RollUp)
    roll_up_seconds: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, dict[str, int]] = field(default_factory=dict)  # step -> app -> calls

    def batches(self, step: str) -> list[Row]:
        """The rows of one step."""
        return [r for r in self.rows if r.step == step]


def _calls(counters: Counters) -> dict[str, int]:
    return {"xero": counters.of("xero"), "deputy": counters.of("deputy")}


def run_pass(hub: Hub, tenant: Tenant, counters: Counters, name: str, run_id: str) -> Pass:
    """What ``run_domain`` does for hr_payroll, with each (app, collection) batch timed and its calls counted."""
    done = Pass(name)
    needed = with_references(DOMAINS["hr_payroll"], lookups=False)  # as run_domain: HR reads no lookups
    country = str(counters.xero.organisation().get("CountryCode", ""))
    start_day = tenant.historical_data_from  # pull_collection's start of a first read
    since = datetime.combine(start_day, clock_time(), tzinfo=UTC) if start_day else None
    hub.start_run(run_id, "hr_payroll", {"tenant": tenant.name, "entities": list(DOMAINS["hr_payroll"])})

    step_start, before_step = time.perf_counter(), _calls(counters)
    for app, stream in batches_for(tenant, needed):
        source, mapper = source_and_mapper(tenant, app, stream)
        before, start = counters.of(app), time.perf_counter()
        summary = pull_batch(hub, source, mapper, run_id, since=since)
        seconds = time.perf_counter() - start
        minimum = pull_minimum(app, stream, country, summary.read, counters.xero.page_size)
        label = f"{stream} -> {source.entity}"
        done.rows.append(Row("pull", app, label, summary, counters.of(app) - before, minimum, seconds))
    done.seconds["pull"] = time.perf_counter() - step_start
    done.calls["pull"] = {a: n - before_step[a] for a, n in _calls(counters).items()}

    step_start, before_step = time.perf_counter(), _calls(counters)
    done.roll_up = roll_up_time(hub, run_id)
    done.seconds["roll-up"] = time.perf_counter() - step_start
    done.calls["roll-up"] = {a: n - before_step[a] for a, n in _calls(counters).items()}

    step_start, before_step = time.perf_counter(), _calls(counters)
    for app, entity in pushes_for(tenant, needed):
        before, start = counters.of(app), time.perf_counter()
        summary = push_batch(hub, sink_for(tenant, app, hub), entity, run_id, tenant)
        seconds = time.perf_counter() - start
        row = Row("push", app, f"{entity} -> {app}", summary, counters.of(app) - before, 0, seconds)
        row.minimum = write_minimum(entity, summary)
        done.rows.append(row)
    done.seconds["push"] = time.perf_counter() - step_start
    done.calls["push"] = {a: n - before_step[a] for a, n in _calls(counters).items()}
    hub.finish_run(run_id, "COMPLETED", [r.summary.row() for r in done.rows])
    return done


def _rate(records: int, seconds: float) -> str:
    return f"{records / seconds:>11,.0f}" if seconds > 0 else f"{'-':>11}"


_HEADER = (
    f"{'  batch':<44}{'records':>9}{'created':>9}{'updated':>9}{'same':>7}{'linked':>8}{'rejected':>9}"
    f"{'waiting':>8}{'calls':>7}{'minimum':>9}{'seconds':>9}{'records/s':>11}"
)


def print_pass(done: Pass) -> None:
    """The pass's table: each batch, each step's total (with calls made outside the batches), the roll-up."""
    print(f"{done.name}")
    print(_HEADER)
    for step in ("pull", "roll-up", "push"):
        seconds = done.seconds[step]
        if step == "roll-up":
            r = done.roll_up
            print(
                f"  {'roll-up (hub): time sheets':<42}{'':>9}{r.created:>9,}{r.updated:>9,}{r.unchanged:>7,}"
                f"{'':>8}{len(r.notes):>9,}{'':>8}{0:>7}{0:>9}{seconds:>9.2f}"
            )
            continue
        rows = done.batches(step)
        for app in dict.fromkeys(r.app for r in rows):
            print(f"  {step} {app}")
            for row in (r for r in rows if r.app == app):
                s = row.summary
                print(
                    f"    {row.label:<40}{s.read:>9,}{s.created:>9,}{s.updated:>9,}{s.unchanged:>7,}{s.linked:>8,}"
                    f"{s.rejected:>9,}{s.waiting:>8,}{row.calls:>7,}{row.minimum:>9,}{row.seconds:>9.2f}"
                    f"{_rate(s.read, row.seconds)}"
                )
                if s.notes:
                    print(f"      notes: {s.notes[:150]}")
            outside = done.calls[step][app] - sum(r.calls for r in rows if r.app == app)
            if outside:
                print(f"    {'(calls outside the batches)':<40}{'':>59}{outside:>7,}")
        records = sum(r.summary.read for r in rows)
        calls = sum(done.calls[step].values())
        minimum = sum(r.minimum for r in rows)
        print(
            f"  {step + ' total':<42}{records:>9,}{'':>50}{calls:>7,}{minimum:>9,}{seconds:>9.2f}"
            f"{_rate(records, seconds)}"
        )
    if done.roll_up.notes:
        print(f"  roll-up notes (time not sent): {_note_kinds(done.roll_up)}; e.g. {done.roll_up.notes[0]}")


def _note_kinds(roll_up: RollUp) -> str:
    """The roll-up's notes counted by reason (the text after the last colon)."""
    kinds = Counter(note.rsplit(": ", 1)[-1] for note in roll_up.notes)
    return ", ".join(f"{n:,} {reason}" for reason, n in kinds.most_common())


def writes_of(done: Pass) -> dict[str, int]:
    """What a pass wrote: hub records changed by the pulls, sheets changed by the roll-up, records written to apps."""
    pulls = [r.summary for r in done.batches("pull")]
    pushes = [r.summary for r in done.batches("push")]
    return {
        "hub records created/updated/deleted by the pulls": sum(getattr(s, w) for s in pulls for w in WRITES),
        "time sheets created/updated by the roll-up": done.roll_up.created + done.roll_up.updated,
        "records created/updated in Xero by the pushes": sum(s.created + s.updated for s in pushes),
        "Xero calls made by the pushes": done.calls["push"]["xero"],
    }


def print_problems(hub: Hub, run_ids: tuple[str, ...]) -> None:
    """Rejects of each pass, and records left waiting, failed or skipped in the id map."""
    for run_id in run_ids:
        rejects = hub.query(
            "SELECT app, entity, stage, count(*), count(DISTINCT reason), min(reason) FROM rejects WHERE run_id = ? "
            "GROUP BY ALL ORDER BY app, entity, stage",
            run_id,
        )
        print(f"rejects of {run_id}: {sum(int(r[3]) for r in rejects):,}")
        for app, entity, stage, count, reasons, example in rejects:
            print(f"  {app} {entity} ({stage}): {count:,}, {reasons:,} distinct reason(s), e.g. {str(example)[:110]}")
    statuses = hub.query(
        "SELECT status, app, entity, count(*), min(last_error) FROM id_map WHERE status <> 'linked' "
        "GROUP BY ALL ORDER BY status DESC, app, entity"
    )
    print(f"id map entries not linked: {sum(int(r[3]) for r in statuses):,}")
    for status, app, entity, count, example in statuses:
        print(f"  {status}: {entity} for {app}: {count:,}, e.g. {str(example)[:110]}")


def main() -> None:
    """Seed and serve the sandbox, check the payroll gate, run two passes, print the figures, check the second."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=40, help="sandbox scale: 8 staff a unit (7 on Xero's payroll)")
    args = parser.parse_args()
    port = _free_port()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    asks, server_end = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(port, args.scale, ready, server_end), daemon=True)
    server.start()
    seeded: dict[str, t.Any] = ready.get(timeout=3600)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/xero/connections", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    p, d = seeded["payroll"], seeded["deputy"]
    print(
        f"Xero payroll, AU organisation (scale {args.scale}): {p.get('Employees', 0):,} employees, "
        f"{p.get('PayrollCalendars', 0):,} calendars, {p.get('PayRuns', 0):,} pay runs, "
        f"{p.get('Timesheets', 0):,} timesheets, {p.get('LeaveApplications', 0):,} leave applications"
    )
    print(
        f"Deputy, AU install: {d.get('Employee', 0):,} employees, {d.get('Timesheet', 0):,} shifts "
        f"({seeded['approved']:,} approved); seeded in {seeded['seconds']:.0f} s"
    )
    for name, value in DEMO_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    with tempfile.TemporaryDirectory() as tmp:
        tenant = load_config(write_config(Path(tmp), base)).tenant("bench")
        _connect(tenant, token_store(tenant, "xero"))
        xero = XeroClient(
            xero_endpoints(xero_link(tenant)), xero_auth(tenant), http=httpx.Client(timeout=120), pacer=_NoPacer()
        )
        counters = Counters(xero)
        baseline_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        token = token_store(tenant, "xero").load()
        organisation = xero.organisation()  # the gate's one Accounting call; every batch after reuses it
        gate = check_payroll_gate(
            str(organisation.get("CountryCode", "")),
            str(organisation.get("Name", tenant.name)),
            tenant.payroll_access,
            token.scopes if token is not None else set(),
        )
        assert gate.open, gate.reason
        print(f"payroll gate: open ({gate.country}), {xero.calls} call (the organisation)")
        passes: list[Pass] = []
        with Hub.open(tenant.store_path()) as hub, instrumented(counters, httpx.Client(timeout=120)):
            for name, run_id in (("first pass (empty hub)", "bench-hr-1"), ("second pass (incremental)", "bench-hr-2")):
                started = time.perf_counter()
                done = run_pass(hub, tenant, counters, name, run_id)
                print()
                print_pass(done)
                print(f"  wall time of the pass: {time.perf_counter() - started:.1f} s")
                passes.append(done)
            print()
            print_problems(hub, ("bench-hr-1", "bench-hr-2"))
    asks.send("count")
    after = asks.recv() if asks.poll(30) else {}
    server.terminate()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    first, second = passes
    sheets = [r for r in first.batches("push") if r.label.startswith("time_sheets")]
    pushed = sheets[0].summary if sheets else BatchSummary("xero", "push", "time_sheets")
    print()
    print(
        f"roll-up: {first.roll_up.created:,} time sheets created in the hub, {first.roll_up.updated:,} updated, "
        f"{first.roll_up.unchanged:,} unchanged; time not sent: {_note_kinds(first.roll_up) or 'none'}"
    )
    print(
        f"time sheets to Xero: {pushed.read:,} due, {pushed.created:,} created, {pushed.updated:,} updated, "
        f"{pushed.rejected:,} refused, {pushed.waiting:,} waiting, {pushed.skipped:,} skipped, in "
        f"{sheets[0].calls if sheets else 0:,} calls (fewest: {write_minimum('time_sheets', pushed):,}); "
        f"Xero payroll holds {seeded['payroll'].get('Timesheets', 0):,} -> {after.get('Timesheets', 0):,}"
    )
    for done in passes:
        made = {app: sum(done.calls[step][app] for step in done.calls) for app in ("xero", "deputy")}
        least = {app: sum(r.minimum for r in done.rows if r.app == app) for app in ("xero", "deputy")}
        print(
            f"API calls, {done.name}: {sum(made.values()):,} made, {sum(least.values()):,} the fewest possible ("
            + "; ".join(f"{app}: {made[app]:,} made, {least[app]:,} fewest" for app in made)
            + ")"
        )
    wrote = writes_of(second)
    print("second pass wrote: " + ", ".join(f"{what} {n:,}" for what, n in wrote.items()))
    print(
        f"peak memory of the syncing process (max RSS): {peak_mib:,.0f} MiB "
        f"({baseline_mib:,.0f} MiB after imports and setup, before the passes)"
    )
    assert not any(wrote.values()), f"the second pass wrote something: {wrote}"


if __name__ == "__main__":
    main()
