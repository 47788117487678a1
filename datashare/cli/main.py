"""``datashare``: list tenants, inspect hub stores, connect apps, write dashboards, run the demo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from datashare.cli.conflicts import conflicts_app
from datashare.cli.connect import connect_app
from datashare.cli.dashboard import dashboard
from datashare.cli.demo import DEMO_ENVIRONMENT, DemoBusyError, run_demo
from datashare.cli.ledger import retry, status, why
from datashare.cli.options import DEFAULT_CONFIG, ConfigOption
from datashare.cli.plan import plan
from datashare.cli.prefect_server import PrefectServerError
from datashare.cli.sandbox import sandbox_app
from datashare.cli.screen import open_hub, say, shown
from datashare.cli.snapshots import restore, snapshots
from datashare.cli.ui import ui_app
from datashare.cli.usage import OneLineUsageErrors
from datashare.config import Config, ConfigError, load_config

__all__ = ["app"]

app = typer.Typer(
    help="datashare: keep Xero and the apps around it in step.", no_args_is_help=True, cls=OneLineUsageErrors
)
store_app = typer.Typer(help="Inspect tenants' hub stores, list their snapshots, restore one.", no_args_is_help=True)
app.add_typer(store_app, name="store")
store_app.command("snapshots")(snapshots)
store_app.command("restore")(restore)
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(connect_app, name="connect")
app.add_typer(conflicts_app, name="conflicts")
app.add_typer(ui_app, name="ui")
app.command()(dashboard)
for command in (status, why, retry, plan):
    app.command()(command)


DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"


def _load(path: Path, *, check_env: bool = True) -> Config:
    try:
        return load_config(path, check_env=check_env)
    except ConfigError as error:
        say(f"[red]config error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from None


def _stats_table(title: str, stats: dict[str, int]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in stats.items():
        table.add_row(name, f"{count:,}")
    return table


@app.command()
def tenants(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """What the config says: each tenant, its Xero organisation, linked apps and share directions."""
    cfg = _load(config, check_env=False)
    table = Table(title=f"tenants in {config}", title_justify="left")
    for column in ("tenant", "xero organisation", "apps", "payroll", "history from", "store"):
        table.add_column(column)
    for tenant in cfg.tenants:
        apps = []
        for name, link in tenant.apps.items():
            limited = {e: s.value for e, s in link.share.items()}
            apps.append(f"{name} ({link.base_url})" + (f" {limited}" if limited else ""))
        cells = (
            tenant.name,
            tenant.xero_organisation,
            "\n".join(apps),
            "yes" if tenant.payroll_access else "no",
            str(tenant.historical_data_from or "all"),
            str(tenant.store_path()),
        )
        table.add_row(*(Text(cell) for cell in cells))  # the config's own words: never read as markup
    say(table)


@store_app.command("stats")
def store_stats(tenant: str, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Rows per table in a tenant's hub store."""
    cfg = _load(config, check_env=False)
    try:
        path = cfg.tenant(tenant).store_path()
    except ConfigError as error:
        say(f"[red]{escape(str(error))}[/red]", highlight=False)
        raise typer.Exit(2) from None
    with open_hub(tenant, path) as hub:
        say(_stats_table(f"{shown(tenant)}: {shown(path)}", hub.stats()))


@app.command()
def demo(
    config: ConfigOption = DEMO_CONFIG,
    port: Annotated[
        int, typer.Option(help="Port the config's sandbox URLs name (8750 in the demo's); a free one is used if taken.")
    ] = 8750,
) -> None:
    """Run the main job on the built-in sandbox apps: no account, no network."""
    for name, value in DEMO_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    cfg = _load(config)
    try:
        run_demo(cfg, port=port, console=Console(width=140))
    except (DemoBusyError, PrefectServerError) as error:
        say(f"[red]demo stopped:[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    except OSError as error:
        say(f"[red]cannot start the sandbox apps on port {port}: {error}[/red]", highlight=False)
        raise typer.Exit(1) from None


if __name__ == "__main__":
    app()
