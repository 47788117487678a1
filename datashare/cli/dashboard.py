"""``datashare dashboard TENANT``: write a tenant's dashboard page from its hub and print where it is."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from datashare.config import ConfigError, load_config
from datashare.dashboard import dashboard_path, write_dashboard
from datashare.model import ENTITIES
from datashare.store import Hub, HubRefusedError

__all__ = ["dashboard"]


def dashboard(
    tenant: Annotated[str, typer.Argument(help="The tenant whose hub the page shows.")],
    config: Annotated[
        Path, typer.Option("--config", "-c", envvar="DATASHARE_CONFIG", help="Tenant config file (TOML).")
    ] = Path("datashare.toml"),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the page (default: beside the hub file).")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="The day the dashboard describes (default: today)."),
    ] = None,
    accounts: Annotated[
        list[str] | None,
        typer.Option("--account", help="An account code to compare (repeat it; default: bank and revenue accounts)."),
    ] = None,
) -> None:
    """Write one self-contained HTML page with the tenant's dashboard widgets, readable offline."""
    try:
        settings = load_config(config, check_env=False).tenant(tenant)
    except ConfigError as error:
        typer.echo(f"config error: {error}", err=True)
        raise typer.Exit(2) from None
    hub = settings.store_path()
    try:
        Hub.refuse_if_lost(hub, tenant)  # lost, not "not yet": the line names its last snapshot
    except HubRefusedError as error:
        typer.echo(f"{tenant}: {error}", err=True)
        raise typer.Exit(2) from None
    if not hub.is_file():
        typer.echo(f"{tenant}: no hub store yet at {hub} (run a sync first)", err=True)
        raise typer.Exit(1)
    day: date = as_of.date() if as_of else date.today()
    from tasks.sync import pushes_for  # the wiring imports every connector: only this command pays

    target = out or dashboard_path(hub, tenant)
    path = write_dashboard(
        hub,
        target,
        title=f"{tenant}: dashboard",
        as_of=day,
        accounts=accounts,
        pushes=pushes_for(settings, ENTITIES),
        history_from=settings.historical_data_from,
    )
    typer.echo(str(path))
