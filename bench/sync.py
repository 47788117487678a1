"""Initial sync between the Xero and vTiger sandboxes, end to end over loopback HTTP, without Prefect.

Run: ``.venv/bin/python bench/sync.py [--contacts 10000] [--invoices 20000]``
(``--contacts 400 --invoices 450`` runs in well under a minute).

What moves where. The engine pulls every app into the hub (first-link
matching), then pushes to each app what it lacks: vTiger takes organizations
and people, Xero takes contacts, items, invoices, purchase orders and
payments. So the contacts that move are Xero's (to vTiger's Accounts and
Contacts) and the invoices that move are the CRM's (its Invoices and
SalesOrders, both hub invoices, to Xero's Invoices). The sandbox is seeded to
match: one Xero organisation (AU) at the scale that gives ``--contacts``
contacts (40 a unit: 30 customers, 10 suppliers; it brings 100 invoices a unit
of its own, which are pulled but have nowhere to go), and its vTiger CRM at
the scale that gives ``--invoices`` invoices (30 invoices and 15 sales orders
a unit; it brings its own accounts, contacts, vendors and products, which move
to Xero too). The pieces are those of ``sandbox.server.build_sandbox``, with
a scale per app and one organisation instead of three.

The sandbox runs in its own process (so the memory figure is the syncing
process's), with Xero's rate limits lifted; the bench's Xero client has no
pacer either: this measures the engine and the hub, not Xero's 60 calls a
minute. The sync is the engine's own functions, called directly:
``pull_xero``, ``pull_vtiger``, then ``push_batch`` for every (app, entity) of
``pushes_for``, with the sinks ``sink_for`` makes. Prints records per second
for each (app, collection) batch and stage, API calls made against the fewest
possible, rejects and waiting records, and peak memory.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import tempfile
import time
import typing as t
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import httpx
import tenant as bench_tenant
from xero_extract import ROOMY, _free_port, _minimum, _NoPacer

import tasks.pull
import tasks.sync
import tasks.wiring
from connectors.vtiger import VtigerClient
from connectors.vtiger.streams import MAX_ROWS, MODULES
from connectors.xero.client import XeroClient
from connectors.xero.streams import STREAMS, WRITE_BATCH, stream_for_entity
from datashare.cli.demo import DEMO_ENVIRONMENT, _connect
from datashare.config import Tenant, load_config
from datashare.model import DOMAINS, ENTITIES
from datashare.store import Hub
from datashare.sync.extract import Source
from datashare.sync.mapping import Mapper
from tasks.pull import BatchSummary, pull_vtiger, pull_xero, push_batch
from tasks.sync import pushes_for, sink_for
from tasks.wiring import token_store, vtiger_client, xero_auth, xero_endpoints, xero_link

CONTACTS_PER_XERO_SCALE = 40  # SampleCounts: 30 customers and 10 suppliers a unit
INVOICES_PER_CRM_SCALE = 45  # the vTiger seed: 30 invoices and 15 sales orders a unit
ORGANISATION = "Southern Cross Outdoor Co"  # the sandbox's AU organisation
SYNCED = [e for e in ENTITIES if e not in DOMAINS["hr_payroll"]]  # HR has its own bench (bench/hr.py)


def _serve(port: int, xero_scale: int, crm_scale: int, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from sandbox.vtiger import VtigerState
    from sandbox.vtiger import create_app as create_vtiger
    from sandbox.vtiger import seed_sample as seed_vtiger
    from sandbox.xero import RateLimits, XeroState, sample_directory
    from sandbox.xero import create_app as create_xero
    from sandbox.xero import seed_sample as seed_xero

    start = time.perf_counter()
    xero = XeroState()
    seed_xero(xero, scale=xero_scale, orgs=("au",))
    org = xero.org_named("AU")
    directory = sample_directory("au", scale=xero_scale)
    crm = VtigerState()
    summary = seed_vtiger(
        crm, scale=crm_scale, customers=directory.crm_customers(), item_codes=directory.item_codes(), country="AU"
    )
    invoices = list(org.table("Invoices").values())
    seeded = {
        "xero": {name: len(org.table(name)) for name in STREAMS if name != "Organisation"},
        "xero_sales_invoices": sum(1 for i in invoices if i.get("Type") == "ACCREC"),
        "xero_customers": len(directory.customers),
        "xero_suppliers": len(directory.suppliers),
        "vtiger": {**summary.counts, **{name: len(rows) for name, rows in crm.actors.items()}},
        "shared_customers": len(summary.overlapping_customers),
        "shared_codes": len(summary.overlapping_codes),
        "seconds": time.perf_counter() - start,
    }
    ready.put(seeded)
    app = Starlette(
        routes=[
            Mount("/xero", app=create_xero(xero, limits=RateLimits(**ROOMY))),
            Mount("/vtiger/au", app=create_vtiger(crm)),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


_APPS = """[tenants.apps.vtiger]
base_url = "{base}/vtiger/au"
username = "admin"
secrets = { access_key = "env:DEMO_AU_VTIGER_ACCESS_KEY" }
share = { company = "off" }
"""


def write_config(directory: Path, base: str) -> Path:
    """A one-tenant config (config/demo.toml's demo-au) on the bench's sandbox; hub and tokens in ``directory``."""
    return bench_tenant.write_config(directory, base, ORGANISATION, _APPS, payroll=False)


@dataclass
class Row:
    """One (app, collection) batch: what it did, the calls it made and the fewest it could have made."""

    stage: str
    label: str
    summary: BatchSummary | None
    calls: int
    minimum: int
    seconds: float
    error: str | None = None

    @property
    def records(self) -> int:
        """Records read (a pull) or due (a push)."""
        return self.summary.read if self.summary else 0


@dataclass
class Counters:
    """API calls so far: the Xero client's own count, every vTiger client's, and every vTiger HTTP request."""

    xero: XeroClient
    crms: list[VtigerClient] = field(default_factory=list)
    crm_requests: int = 0

    def of(self, app: str) -> int:
        """Calls made so far to ``app`` (vTiger: what its clients count, i.e. without the login handshakes)."""
        return self.xero.calls if app == "xero" else sum(c.calls for c in self.crms)

    def count_request(self, request: httpx.Request) -> None:
        """An httpx event hook: one more request on the vTiger connection."""
        self.crm_requests += 1


def pull_minimum(app: str, stream: str, records: int, page_size: int) -> int:
    """Fewest calls to read ``records`` of a collection.

    Xero: its pages, as bench/xero_extract.py counts them. vTiger: batches of
    100 rows, plus a ``retrieve`` per inventory record (only it returns the line
    items). The sandbox's ``sync`` may answer more than 100 changes made in the
    same second at once, so a read can come in under this figure.
    """
    if app == "xero":
        return _minimum(STREAMS[stream].paging, records, page_size)
    module = MODULES[stream]
    return max(1, math.ceil(records / MAX_ROWS)) + (records if module.inventory else 0)


def xero_write_minimum(entity: str, created: int, updated: int) -> int:
    """Fewest Xero calls to create and update records: batches of 50 where the collection takes batches."""
    stream = stream_for_entity(entity)[0]
    total = 0
    for count, style in ((created, stream.create), (updated, stream.update)):
        if count and style is not None:
            total += math.ceil(count / WRITE_BATCH) if style.batch and not style.by_id else count
    return total


def due_ids(hub: Hub, app: str, entity: str) -> dict[str, str | None]:
    """Hub ids of ``entity`` the app does not hold (as ``push.due`` selects them), with their organization (people)."""
    other = "CAST(e.organization_id AS VARCHAR)" if entity == "people" else "NULL"
    rows = hub.query(
        f"SELECT CAST(e.id AS VARCHAR), {other} FROM {entity} e "
        "LEFT JOIN id_map m ON m.entity = ? AND m.app = ? AND m.hub_id = e.id "
        "WHERE e.deleted_at IS NULL AND m.pushed_hash IS DISTINCT FROM e.hub_hash",
        entity,
        app,
    )
    return {str(row[0]): row[1] for row in rows}


def held_ids(hub: Hub, app: str, entity: str) -> set[str]:
    """Hub ids of ``entity`` whose content the app holds."""
    rows = hub.query(
        f"SELECT CAST(e.id AS VARCHAR) FROM {entity} e "
        "JOIN id_map m ON m.entity = ? AND m.app = ? AND m.hub_id = e.id WHERE m.pushed_hash = e.hub_hash",
        entity,
        app,
    )
    return {str(row[0]) for row in rows}


@contextmanager
def instrumented(counters: Counters, rows: list[Row], page_size: int, crm_http: httpx.Client) -> Iterator[None]:
    """Time and count each pull batch; give ``sink_for`` the bench's clients (no pacer, calls counted)."""
    original = tasks.pull.pull_batch

    def timed_pull(hub: Hub, source: Source, mapper: Mapper, run_id: str, *, full: bool = False) -> BatchSummary:
        before, start = counters.of(source.app), time.perf_counter()
        summary = original(hub, source, mapper, run_id, full=full)
        seconds = time.perf_counter() - start
        calls = counters.of(source.app) - before
        minimum = pull_minimum(source.app, source.stream, summary.read, page_size)
        label = f"{source.stream} -> {source.entity}"
        rows.append(Row(f"pull {source.app}", label, summary, calls, minimum, seconds))
        return summary

    def crm_client(tenant: Tenant, **_: t.Any) -> VtigerClient:
        client = vtiger_client(tenant, http=crm_http)  # a new client (and session) per sink, as the engine does
        counters.crms.append(client)
        return client

    with (
        mock.patch.object(tasks.pull, "pull_batch", timed_pull),
        mock.patch.object(tasks.sync, "xero_client", return_value=counters.xero),
        mock.patch.object(tasks.wiring, "xero_client", return_value=counters.xero),
        mock.patch.object(tasks.wiring, "vtiger_client", crm_client),
    ):
        yield


@dataclass
class Stage:
    """One stage's totals (its batches and the calls made outside them)."""

    name: str
    seconds: float = 0.0
    calls: int = 0
    minimum_outside: int = 0
    error: str | None = None


def run_sync(
    hub: Hub, tenant: Tenant, counters: Counters, crm: VtigerClient, seeded: dict[str, t.Any]
) -> tuple[list[Row], list[Stage]]:
    """The engine's initial sync: pull Xero, pull vTiger, push to each app what it lacks; each step timed."""
    rows: list[Row] = []
    stages: list[Stage] = []
    run_id = "bench-sync"
    hub.start_run(run_id, "bench", {"tenant": tenant.name, "full": True})
    crm_http = crm.rest.http
    page_size = counters.xero.page_size
    lookups = seeded["vtiger"]
    with instrumented(counters, rows, page_size, crm_http):
        # The CRM's lookups (currencies, product taxes) are needed; reading Tax again for them is not.
        pulls: tuple[tuple[str, str, Callable[[], t.Any], int], ...] = (
            ("pull xero", "xero", lambda: pull_xero(hub, counters.xero, run_id), 0),
            (
                "pull vtiger",
                "vtiger",
                lambda: pull_vtiger(hub, crm, run_id),
                math.ceil(lookups.get("Currency", 1) / MAX_ROWS) + math.ceil(lookups.get("ProductTaxes", 1) / MAX_ROWS),
            ),
        )
        for name, app, action, outside in pulls:
            stage = Stage(name, minimum_outside=outside)
            before, start = counters.of(app), time.perf_counter()
            try:
                action()
            except Exception as error:
                stage.error = f"{type(error).__name__}: {error}"
            stage.seconds = time.perf_counter() - start
            stage.calls = counters.of(app) - before
            stages.append(stage)
        written_orgs: set[str] = set()
        for app, entity in pushes_for(tenant, SYNCED):
            name = f"push {app}"
            if not stages or stages[-1].name != name:
                stages.append(Stage(name))
            stage = stages[-1]
            due_before = due_ids(hub, app, entity) if app == "xero" and entity in {"organizations", "people"} else {}
            before, start = counters.of(app), time.perf_counter()
            summary: BatchSummary | None = None
            error_text = None
            try:
                summary = push_batch(hub, sink_for(tenant, app, hub), entity, run_id)
            except Exception as error:
                error_text = f"{type(error).__name__}: {error}"
            seconds = time.perf_counter() - start
            calls = counters.of(app) - before
            stage.seconds += seconds
            stage.calls += calls
            minimum = 0
            if summary is not None and app == "vtiger":
                minimum = summary.created + summary.updated  # one call a record: vTiger has no batch write
            elif summary is not None and entity == "organizations":
                written_orgs = due_before.keys() & held_ids(hub, app, entity)
                minimum = xero_write_minimum(entity, summary.created, summary.updated)
            elif summary is not None and entity == "people":
                # People travel inside their organization's contact: only contacts not written already need a call.
                now_held = held_ids(hub, app, entity)
                contacts = {org for person, org in due_before.items() if person in now_held and org} - written_orgs
                minimum = math.ceil(len(contacts) / WRITE_BATCH)
            elif summary is not None:
                minimum = xero_write_minimum(entity, summary.created, summary.updated)
            rows.append(Row(name, f"{entity} -> {app}", summary, calls, minimum, seconds, error_text))
    hub.finish_run(run_id, "COMPLETED", [r.summary.row() for r in rows if r.summary is not None])
    return rows, stages


def _rate(records: int, seconds: float) -> str:
    return f"{records / seconds:>11,.0f}" if seconds > 0 else f"{'-':>11}"


_HEADER = (
    f"{'  batch':<36}{'records':>9}{'created':>9}{'updated':>9}{'linked':>8}{'rejected':>9}{'waiting':>8}"
    f"{'calls':>8}{'minimum':>9}{'seconds':>9}{'records/s':>11}"
)


def print_figures(rows: list[Row], stages: list[Stage]) -> tuple[int, dict[str, tuple[int, int]]]:
    """The per-batch and per-stage table; returns the records handled and (calls, minimum) per app."""
    print(_HEADER)
    calls_by_app: dict[str, tuple[int, int]] = {}
    total_records = 0
    for stage in stages:
        mine = [r for r in rows if r.stage == stage.name]
        print(stage.name)
        for row in mine:
            s = row.summary
            if s is None:
                print(f"  {row.label:<34}FAILED after {row.seconds:.1f} s: {row.error}")
                continue
            print(
                f"  {row.label:<34}{s.read:>9,}{s.created:>9,}{s.updated:>9,}{s.linked:>8,}{s.rejected:>9,}"
                f"{s.waiting:>8,}{row.calls:>8,}{row.minimum:>9,}{row.seconds:>9.1f}{_rate(s.read, row.seconds)}"
            )
        outside = stage.calls - sum(r.calls for r in mine)
        if outside or stage.minimum_outside:
            print(f"  {'(outside the batches)':<34}{'':>52}{outside:>8,}{stage.minimum_outside:>9,}")
        if stage.error:
            print(f"  FAILED: {stage.error}")
        records = sum(r.records for r in mine)
        minimum = sum(r.minimum for r in mine) + stage.minimum_outside
        total_records += records
        print(
            f"  {'stage total':<34}{records:>9,}{'':>43}{stage.calls:>8,}{minimum:>9,}{stage.seconds:>9.1f}"
            f"{_rate(records, stage.seconds)}"
        )
        app = stage.name.split()[-1]
        made, least = calls_by_app.get(app, (0, 0))
        calls_by_app[app] = (made + stage.calls, least + minimum)
    return total_records, calls_by_app


def print_problems(hub: Hub) -> None:
    """Rejects of the run and records left waiting, failed or skipped in the id map."""
    rejects = hub.query(
        "SELECT app, entity, stage, count(*), count(DISTINCT reason), min(reason) FROM rejects "
        "GROUP BY ALL ORDER BY app, entity, stage"
    )
    total = sum(int(r[3]) for r in rejects)
    print(f"rejects: {total:,}")
    for app, entity, stage, count, reasons, example in rejects:
        print(f"  {app} {entity} ({stage}): {count:,}, {reasons:,} distinct reason(s), e.g. {str(example)[:110]}")
    statuses = hub.query(
        "SELECT status, app, entity, count(*), min(last_error) FROM id_map WHERE status <> 'linked' "
        "GROUP BY ALL ORDER BY status DESC, app, entity"
    )
    waiting = sum(int(r[3]) for r in statuses if r[0] == "waiting")
    print(f"waiting records (id map): {waiting:,}")
    for status, app, entity, count, example in statuses:
        print(f"  {status}: {entity} for {app}: {count:,}, e.g. {str(example)[:110]}")


def main() -> None:
    """Seed and serve the sandbox, run the initial sync, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000, help="Xero contacts (40 a scale unit)")
    parser.add_argument("--invoices", type=int, default=20_000, help="CRM invoices and sales orders (45 a unit)")
    args = parser.parse_args()
    xero_scale = max(1, math.ceil(args.contacts / CONTACTS_PER_XERO_SCALE))
    crm_scale = max(1, math.ceil(args.invoices / INVOICES_PER_CRM_SCALE))
    port = _free_port()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_serve, args=(port, xero_scale, crm_scale, ready), daemon=True)
    server.start()
    seeded: dict[str, t.Any] = ready.get(timeout=3600)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/xero/connections", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    x, v = seeded["xero"], seeded["vtiger"]
    print(
        f"Xero sandbox, AU organisation (scale {xero_scale}): {x['Contacts']:,} contacts "
        f"({seeded['xero_customers']:,} customers, {seeded['xero_suppliers']:,} suppliers), "
        f"{x['Invoices']:,} invoices ({seeded['xero_sales_invoices']:,} sales, the rest bills), {x['Items']:,} items, "
        f"{x['Payments']:,} payments, {x['PurchaseOrders']:,} purchase orders, {x['Journals']:,} journals"
    )
    print(
        f"vTiger sandbox, AU CRM (scale {crm_scale}): {v.get('Accounts', 0):,} accounts "
        f"({seeded['shared_customers']:,} of them Xero customers, mostly spelled differently), "
        f"{v.get('Contacts', 0):,} contacts, {v.get('Vendors', 0):,} vendors, {v.get('Invoice', 0):,} invoices, "
        f"{v.get('SalesOrder', 0):,} sales orders, {v.get('PurchaseOrder', 0):,} purchase orders, "
        f"{v.get('Products', 0):,} products ({seeded['shared_codes']:,} with Xero item codes), "
        f"{v.get('Services', 0):,} services"
    )
    print(
        f"to move: Xero's contacts to vTiger (customers as accounts, their persons as contacts; suppliers stay), "
        f"the CRM's {v.get('Invoice', 0) + v.get('SalesOrder', 0):,} invoices and sales orders to Xero as invoices "
        f"(and the CRM's accounts, contacts, vendors, products, purchase orders); seeded in {seeded['seconds']:.0f} s"
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
        crm_http = httpx.Client(timeout=120, event_hooks={"request": [counters.count_request]})
        crm = vtiger_client(tenant, http=crm_http)
        counters.crms.append(crm)
        baseline_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        with Hub.open(tenant.store_path()) as hub:
            rows, stages = run_sync(hub, tenant, counters, crm, seeded)
            elapsed = time.perf_counter() - started
            total_records, calls = print_figures(rows, stages)
            moved = [r for r in rows if r.stage.startswith("push") and r.summary is not None]
            print(
                "moved: "
                + ", ".join(
                    f"{r.summary.created:,} {r.label} created" for r in moved if r.summary and r.summary.created
                )
            )
            print_problems(hub)
    server.terminate()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wall time of the sync: {elapsed:.1f} s ({total_records / elapsed:,.0f} records/s over every stage)")
    made = sum(c for c, _ in calls.values())
    least = sum(m for _, m in calls.values())
    print(
        f"API calls: {made:,} made, {least:,} the fewest possible ("
        + "; ".join(f"{app}: {c:,} made, {m:,} fewest" for app, (c, m) in calls.items())
        + ")"
    )
    handshakes = counters.crm_requests - counters.of("vtiger")
    print(f"  vTiger login handshakes (getchallenge + login, not counted above): {handshakes:,} requests")
    print(
        f"peak memory of the syncing process (max RSS): {peak_mib:,.0f} MiB "
        f"({baseline_mib:,.0f} MiB after imports and setup, before the sync)"
    )


if __name__ == "__main__":
    main()
