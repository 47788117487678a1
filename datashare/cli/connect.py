"""``datashare connect``: link a tenant's app account (OAuth consent) and store its tokens."""

from __future__ import annotations

import typing as t
import webbrowser
from typing import Annotated
from urllib.parse import urlencode

import httpx
import typer
from rich.console import Console

from connectors.base.errors import ConnectorError
from connectors.salesforce.connect import connect as connect_org
from connectors.xero.connect import connect
from datashare.cli.options import DEFAULT_CONFIG, ConfigOption
from datashare.config import ConfigError, load_config
from tasks.wiring import token_store, xero_endpoints, xero_link

__all__ = ["connect_app"]

connect_app = typer.Typer(help="Connect a tenant's apps.", no_args_is_help=True)

BrowserOption = Annotated[
    bool,
    typer.Option("--browser/--sandbox-approve", help="Open the consent page in a browser, or let the sandbox approve."),
]


def _opener(
    console: Console, page: str, browser: bool, sandbox_choice: dict[str, str] | None = None
) -> t.Callable[[str], None]:
    """How the consent page is opened: in the user's browser, or answered at once (the sandbox's approves)."""

    def open_url(url: str) -> None:
        if browser:
            console.print(f"Opening {page}; if no browser opens, visit:\n{url}")
            webbrowser.open(url)
        else:
            approve = f"{url}&{urlencode(sandbox_choice)}" if sandbox_choice else url
            httpx.get(approve, follow_redirects=True, timeout=30)

    return open_url


@connect_app.command("xero")
def connect_xero(
    tenant: str,
    config: ConfigOption = DEFAULT_CONFIG,
    payroll: Annotated[
        bool | None, typer.Option("--payroll/--no-payroll", help="Ask for payroll access (default: the config's).")
    ] = None,
    browser: BrowserOption = True,
) -> None:
    """Connect the tenant's Xero organisation: consent page, PKCE, tokens into the tenant's token store."""
    console = Console()
    try:
        cfg = load_config(config)
        settings = cfg.tenant(tenant)
        link = xero_link(settings)
        wants_payroll = settings.payroll_access if payroll is None else payroll

        # The sandbox's consent page approves at once; the organisation and "allow payroll" are parameters.
        choice = {"payroll": "1" if wants_payroll else "0", "tenants": settings.xero_organisation}
        open_url = _opener(console, "Xero's consent page", browser, choice)

        connection = connect(
            xero_endpoints(link),
            client_id=link.client_id or "",
            client_secret=link.secrets["client_secret"].resolve(),
            organisation=settings.xero_organisation,
            store=token_store(settings, "xero"),
            payroll=wants_payroll,
            open_url=open_url,
        )
    except (ConfigError, ConnectorError) as error:
        console.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(2) from None
    payroll_note = "with payroll access" if connection.payroll else "without payroll access"
    console.print(f"{tenant}: connected to Xero organisation {connection.tenant_name!r} ({payroll_note})")


@connect_app.command("salesforce")
def connect_salesforce(
    tenant: str,
    config: ConfigOption = DEFAULT_CONFIG,
    browser: BrowserOption = True,
) -> None:
    """Connect the tenant's Salesforce org: web-server flow with PKCE, tokens into the tenant's token store."""
    console = Console()
    try:
        settings = load_config(config).tenant(tenant)
        link = settings.apps.get("salesforce")
        if link is None or not link.client_id:
            raise ConfigError(f"tenant {tenant!r}: apps.salesforce with a client_id (the connected app's key) needed")

        open_url = _opener(console, "Salesforce's login page", browser)

        instance = connect_org(
            link.auth_url or link.base_url,
            client_id=link.client_id,
            client_secret=link.secrets["client_secret"].resolve(),
            store=token_store(settings, "salesforce"),
            open_url=open_url,
        )
    except (ConfigError, ConnectorError) as error:
        console.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"{tenant}: connected to the Salesforce org at {instance}")
