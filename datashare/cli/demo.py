"""The demo: the sample tenants' apps run as sandboxes on loopback, every domain flow runs for each tenant twice,
and each tenant's dashboard page is written from its hub.

The first run is a full sync (every record read, matched and created in the
hub, then written to the apps that lack it); the second is incremental and
writes nothing again.
"""

from __future__ import annotations

import os
import typing as t
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
from rich.console import Console
from rich.table import Table

from connectors.base.tokens import TokenStore
from connectors.salesforce.connect import connect as connect_salesforce
from connectors.xero.connect import connect
from datashare.config import Config, Tenant
from datashare.dashboard import write_dashboard
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
from tasks.wiring import token_store, xero_endpoints, xero_link

__all__ = ["DEMO_ENVIRONMENT", "run_demo"]

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
_COLUMNS = ("read", "rejected", "created", "updated", "unchanged", "linked", "deleted", "waiting", "skipped")
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


def _table(title: str, rows: list[dict[str, t.Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("app", "collection", "entity", *_COLUMNS):
        table.add_column(column, justify="right" if column in _COLUMNS else "left")
    for row in rows:
        table.add_row(row["app"], row["stream"], row["entity"], *(f"{int(row[c]):,}" for c in _COLUMNS))
    return table


def run_demo(config: Config, *, port: int = DEFAULT_PORT, console: Console | None = None) -> dict[str, Path]:
    """Serve the sandbox apps, connect each tenant's Xero, run every domain flow for each tenant twice; the hub files.

    The flows run on Prefect: on the server ``PREFECT_API_URL`` names, or on a
    temporary local one Prefect starts for the demo.
    """
    console = console or Console(width=140)
    for name, value in DEMO_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    sandbox = build_sandbox()
    stores: dict[str, Path] = {}
    with serve_in_thread(sandbox.app, port=port) as base_url:
        console.print(
            f"sandbox apps on {base_url}: " + ", ".join(f"{app} {url}" for app, url, _ in sandbox.describe(base_url))
        )
        for tenant in config.tenants:
            path = tenant.store_path()
            path.unlink(missing_ok=True)  # the sandbox starts afresh, so does the demo's hub
            free_tenant_lock(tenant.name)  # and nothing of an earlier, interrupted demo holds its tenants
            stores[tenant.name] = path
            organisation = _connect(tenant, token_store(tenant, "xero"))
            console.print(f"[bold]{tenant.name}[/bold]: connected to Xero organisation {organisation!r}")
            if "salesforce" in tenant.apps:
                console.print(
                    f"[bold]{tenant.name}[/bold]: connected to the Salesforce org at {_connect_salesforce(tenant)}"
                )
        # Each tenant's two runs back to back: tenants that share a Xero organisation (demo-au and
        # demo-shop) write to it, and the next tenant's first run brings that in; its second writes nothing.
        for tenant in config.tenants:
            for round_name in ("first run (full)", "second run (incremental)"):
                rows: list[dict[str, t.Any]] = []
                skipped: list[str] = []
                for flow in DOMAIN_FLOWS:
                    state = flow(tenant=tenant.name, config=str(config.path), return_state=True)
                    if state.name == "Skipped":
                        skipped.append(f"  {flow.name} skipped: {state.message}")
                    else:
                        rows += t.cast(list[dict[str, t.Any]], state.result())
                console.print(_table(f"{tenant.name}: {round_name}", rows))
                for line in skipped:
                    console.print(line)
                for row in rows:
                    if row.get("notes"):
                        console.print(f"  {row['app']} {row['entity']}: {row['notes']}")
    console.print("[bold]dashboards[/bold] (open in a browser; they work offline):")
    for name, path in stores.items():
        page = write_dashboard(
            path, path.with_name(f"{name}-dashboard.html"), title=f"{name}: dashboard", as_of=date.today()
        )
        console.print(f"  {name}: {page}")
    return stores
