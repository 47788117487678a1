"""The demo: the sample tenants' apps run as sandboxes on loopback, every domain flow runs for each tenant twice,
and each tenant's dashboard page is written from its hub.

The first run is a full sync (every record read, matched and created in the
hub, then written to the apps that lack it); the second is incremental and
writes nothing again. The flows run on one Prefect server started for the
demo (or the one ``PREFECT_API_URL`` names); the screen shows progress bars,
then per tenant a table by entity and the reasons under it; Prefect's own log
lines go to a file.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
import typing as t
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
from prefect.settings import PREFECT_HOME
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from connectors.base.tokens import TokenStore
from connectors.salesforce.connect import connect as connect_salesforce
from connectors.xero.connect import connect
from datashare.cli.log_file import logs_to_file
from datashare.cli.prefect_server import free_port, prefect_server
from datashare.cli.run_report import entity_table, new_notes, notes, written, written_line
from datashare.config import Config, Tenant, load_config
from datashare.dashboard import dashboard_path, write_dashboard
from datashare.model import ENTITIES
from datashare.store import Hub
from datashare.store.snapshots import discard_hub
from flows import progress
from flows.accounting import accounting
from flows.crm_sales import crm_sales
from flows.domain import free_tenant_lock
from flows.hr_payroll import hr_payroll
from sandbox.common.serve import serve_in_thread
from sandbox.deputy import SAMPLE_TOKEN as DEPUTY_SAMPLE_TOKEN
from sandbox.magento import SAMPLE_TOKEN as MAGENTO_TOKEN
from sandbox.neto import SAMPLE_KEY as NETO_KEY
from sandbox.salesforce import SAMPLE_CLIENT_SECRET as SALESFORCE_CLIENT_SECRET
from sandbox.server import DEFAULT_PORT, build_sandbox
from sandbox.shopify import SAMPLE_TOKEN as SHOPIFY_TOKEN
from sandbox.vtiger import SAMPLE_ACCESS_KEY
from sandbox.xero import SAMPLE_CLIENT_SECRET
from tasks.sync import pushes_for
from tasks.wiring import token_store, xero_endpoints, xero_link

__all__ = ["DEMO_ENVIRONMENT", "DemoBusyError", "connect_demo_apps", "run_demo"]

# The sandbox's public sample credentials: what the demo's config names, filled in for it.
DEMO_ENVIRONMENT = {
    "DEMO_XERO_CLIENT_SECRET": SAMPLE_CLIENT_SECRET,
    "DEMO_AU_VTIGER_ACCESS_KEY": SAMPLE_ACCESS_KEY,
    "DEMO_US_VTIGER_ACCESS_KEY": SAMPLE_ACCESS_KEY,
    "DEMO_DEPUTY_TOKEN": DEPUTY_SAMPLE_TOKEN,
    "DEMO_SALESFORCE_CLIENT_SECRET": SALESFORCE_CLIENT_SECRET,
    "DEMO_SHOPIFY_TOKEN": SHOPIFY_TOKEN,
    "DEMO_MAGENTO_TOKEN": MAGENTO_TOKEN,
    "DEMO_NETO_KEY": NETO_KEY,
}
DOMAIN_FLOWS = (crm_sales, accounting, hr_payroll)


def _approve(payroll: bool, organisation: str) -> object:
    """The sandbox's consent page approves at once; the organisation picked and "allow payroll access" are parameters."""

    def open_url(url: str) -> None:
        choice = urlencode({"payroll": "1" if payroll else "0", "tenants": organisation})
        httpx.get(f"{url}&{choice}", follow_redirects=True, timeout=30)

    return open_url


def _connect(tenant: Tenant, store: TokenStore) -> str:
    link = xero_link(tenant)
    connection = connect(
        xero_endpoints(link),
        client_id=link.client_id or "",
        client_secret=link.secrets["client_secret"].resolve(),
        organisation=tenant.xero_organisation,
        store=store,
        payroll=tenant.payroll_access,
        open_url=_approve(tenant.payroll_access, tenant.xero_organisation),  # type: ignore[arg-type]
    )
    return connection.tenant_name


def _connect_salesforce(tenant: Tenant) -> str:
    link = tenant.apps["salesforce"]
    return connect_salesforce(
        link.auth_url or link.base_url,
        client_id=link.client_id or "",
        client_secret=link.secrets["client_secret"].resolve(),
        store=token_store(tenant, "salesforce"),
        open_url=lambda url: httpx.get(url, follow_redirects=True, timeout=30),  # the sandbox approves at once
    )


def connect_demo_apps(tenant: Tenant) -> list[str]:
    """Connect a demo tenant's Xero (and Salesforce) through the sandbox's consent flow; what was connected."""
    linked = [f"Xero organisation {_connect(tenant, token_store(tenant, 'xero'))!r}"]
    if "salesforce" in tenant.apps:
        linked.append(f"the Salesforce org at {_connect_salesforce(tenant)}")
    return linked


class DemoBusyError(RuntimeError):
    """Another demo runs from this folder (its hubs and tokens are this one's); the message says so in one line."""


@contextmanager
def _only_demo(home: Path) -> Iterator[None]:
    """Hold the folder's demo lock: two demos in one folder would share hub files and tokens."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / "demo.lock").open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DemoBusyError(
                f"another demo is running from this folder (lock {home / 'demo.lock'}): wait for it to end, "
                "or stop it with Ctrl-C in its terminal"
            ) from None
        yield


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _on_free_port(config: Config, port: int, home: Path, console: Console) -> tuple[Config, int]:
    """The config and port to serve the sandbox on: ``port`` if free, else a free one (config rewritten to it)."""
    if not _port_taken(port):
        return config, port
    chosen = free_port()
    console.print(
        f"port {port} is taken (another demo or `make ui`?): the sandbox apps use port {chosen} instead "
        f"(`make ui-stop` frees {port})",
        highlight=False,
    )
    text = config.path.read_text(encoding="utf-8").replace(f"127.0.0.1:{port}/", f"127.0.0.1:{chosen}/")
    moved = home / f"demo-on-port-{chosen}.toml"
    moved.write_text(text, encoding="utf-8")
    return load_config(moved), chosen


class _Bars:
    """A progress bar per tenant's run: the domain and step under way, its steps done, records so far."""

    def __init__(self, bars: Progress) -> None:
        self.bars = bars
        self.task: TaskID | None = None
        self.label = ""
        self.records = 0

    def start(self, label: str) -> None:
        """A new run of every domain for one tenant: a fresh bar."""
        self.finish()
        self.label, self.records = label, 0
        self.task = self.bars.add_task(label, total=None, records=0)

    def finish(self) -> None:
        """Take the bar away (its summary is printed instead)."""
        if self.task is not None:
            self.bars.remove_task(self.task)
            self.task = None

    def planned(self, tenant: str, domain: str, steps: int) -> None:
        """A domain run begins: the bar counts its steps."""
        if self.task is not None:
            self.bars.update(self.task, total=steps, completed=0, description=f"{self.label} · {domain}")

    def began(self, tenant: str, domain: str, step: str) -> None:
        """Show the step under way."""
        if self.task is not None:
            self.bars.update(self.task, description=f"{self.label} · {domain}: {step}")

    def done(self, tenant: str, domain: str, row: dict[str, t.Any]) -> None:
        """A step ended: one more done, its records counted."""
        self.records += int(row.get("read") or 0) + written(row)
        if self.task is not None:
            self.bars.update(self.task, advance=1, records=self.records)


@dataclass
class _Round:
    """One tenant's run of every domain: the summary rows, the domains skipped and why, how long it took."""

    rows: list[dict[str, t.Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _fresh_and_connected(tenant: Tenant, console: Console) -> Path:
    """Start the tenant's hub afresh (the sandbox starts afresh too), free its run slot, connect its apps."""
    path = tenant.store_path()
    discard_hub(path)  # its snapshots too: they describe apps the fresh sandbox no longer holds
    free_tenant_lock(tenant.name)  # nothing of an earlier, interrupted demo holds the tenant
    linked = connect_demo_apps(tenant)
    others = [app for app in tenant.apps if app not in ("xero", "salesforce")]
    console.print(
        f"[bold]{tenant.name}[/bold]: connected to {' and '.join(linked)}"
        + (f"; {', '.join(others)} by their keys" if others else "")
    )
    return path


def _run_round(tenant: Tenant, config: Config) -> _Round:
    found = _Round()
    began = time.monotonic()
    for flow in DOMAIN_FLOWS:
        state = flow(tenant=tenant.name, config=str(config.path), return_state=True)
        if state.name == "Skipped":
            found.skipped.append(f"{flow.name} skipped: {state.message}")
        else:
            found.rows += t.cast(list[dict[str, t.Any]], state.result())
    found.seconds = time.monotonic() - began
    return found


def _report(console: Console, tenant: str, first: _Round, second: _Round) -> None:
    console.print(entity_table(f"{tenant}: first run (full), {first.seconds:.0f} s", first.rows))
    console.print(f"  in all: {written_line(first.rows)}", highlight=False)
    said = notes(first.rows)
    for line in [*said, *first.skipped]:
        console.print(f"  {line}", highlight=False)
    console.print(
        f"[bold]{tenant}: second run (incremental)[/bold], {second.seconds:.0f} s: {written_line(second.rows)}"
    )
    for line in new_notes(second.rows, said):
        console.print(f"  {line}", highlight=False)
    console.print()


def _hubs(console: Console, stores: dict[str, Path], pages: dict[str, Path]) -> None:
    console.print("[bold]hub stores and dashboards[/bold] (open a dashboard in a browser; it works offline):")
    for name, path in stores.items():
        with Hub.open(path, tenant=name) as hub:
            records = sum(hub.stats().values())
        console.print(f"  {name}: {records:,} records in {path}", highlight=False, soft_wrap=True)
        console.print(f"  {name}: dashboard {pages[name]}", highlight=False, soft_wrap=True)


def run_demo(config: Config, *, port: int = DEFAULT_PORT, console: Console | None = None) -> dict[str, Path]:
    """Serve the sandbox apps, connect each tenant's apps, run every domain flow for each tenant twice; the hub files.

    The sandbox serves on ``port``, or on a free port (said in one line) when
    it is taken. The flows run on the Prefect server ``PREFECT_API_URL``
    names, or on one started for the demo. Raises ``DemoBusyError`` when
    another demo runs from this folder, ``PrefectServerError`` when the
    server never answers.
    """
    console = console or Console(width=140)
    for name, value in DEMO_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    home = Path(PREFECT_HOME.value())
    logs = home / "logs"
    stores: dict[str, Path] = {}
    pages: dict[str, Path] = {}
    with ExitStack() as stack:
        stack.enter_context(_only_demo(home))
        config, port = _on_free_port(config, port, home, console)
        sandbox = build_sandbox()
        base_url = stack.enter_context(serve_in_thread(sandbox.app, port=port))
        run_log = stack.enter_context(logs_to_file(logs / "demo.log"))
        console.print(
            f"sandbox apps on {base_url}: {', '.join(dict.fromkeys(a for a, _, _ in sandbox.describe(base_url)))}"
        )
        with console.status("starting a Prefect server for the demo (a cold machine can take a minute)…"):
            api_url = stack.enter_context(prefect_server(home, database=home / "demo.db", log=logs / "demo-server.log"))
        console.print(f"Prefect server on {api_url.removesuffix('/api')}: its UI shows the runs while the demo runs")
        console.print(f"Prefect's log lines go to {run_log}", highlight=False)
        for tenant in config.tenants:
            stores[tenant.name] = _fresh_and_connected(tenant, console).resolve()
        console.print()
        bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[records]:,} records"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        watcher = _Bars(bars)
        # Each tenant's two runs back to back: tenants that share a Xero organisation (demo-au and
        # demo-shop) write to it, and the next tenant's first run brings that in; its second writes nothing.
        with bars, progress.watching(watcher):
            for tenant in config.tenants:
                watcher.start(f"{tenant.name} first run")
                first = _run_round(tenant, config)
                watcher.start(f"{tenant.name} second run")
                second = _run_round(tenant, config)
                watcher.finish()
                _report(console, tenant.name, first, second)
    for name, path in stores.items():
        tenant = config.tenant(name)
        pages[name] = write_dashboard(
            path,
            dashboard_path(path, name),
            title=f"{name}: dashboard",
            as_of=date.today(),
            pushes=pushes_for(tenant, ENTITIES),  # so the sync-health section counts what is due to each app
            history_from=tenant.historical_data_from,
        )
    _hubs(console, stores, pages)
    console.print(f"Prefect's log lines of this demo: {run_log}", highlight=False)
    return stores
