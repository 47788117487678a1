"""``datashare plan TENANT``: what a run would write to each app, per app and entity, and why; it writes nothing.

Run it before linking a live organisation: the pulls and matching happen in a
scratch copy of the tenant's hub, the pushes go through the real sinks with
every write answered and none sent (``datashare.sync.plan``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console, Group, RenderableType
from rich.table import Table

from datashare.cli.options import DEFAULT_CONFIG, ConfigOption
from datashare.config import ConfigError, load_config
from datashare.store import HubRefusedError
from datashare.sync.plan import OUTCOMES, Plan
from tasks.plan import DOMAIN_ORDER, make_plan

__all__ = ["plan", "plan_view"]


class Domain(StrEnum):
    """Which domain's run to plan (``all``: each in turn, as ``sync_all`` runs them)."""

    crm_sales = "crm_sales"
    accounting = "accounting"
    hr_payroll = "hr_payroll"
    all = "all"


def plan_view(made: Plan) -> RenderableType:
    """The plan for a terminal: the counts per app and entity, then the reasons grouped with their counts."""
    table = Table(
        title=f"plan for {made.tenant} ({', '.join(made.domains)}): nothing was written", title_justify="left"
    )
    table.add_column("app")
    table.add_column("entity")
    for outcome in OUTCOMES:
        table.add_column(outcome, justify="right")
    for row in made.counts():
        table.add_row(row["app"], row["entity"], *(str(row[o]) if row[o] else "" for o in OUTCOMES))
    parts: list[RenderableType] = [table]
    reasons = made.reasons()
    if reasons:
        why = Table(title="why", title_justify="left")
        for column in ("app", "entity", "outcome", "records"):
            why.add_column(column, justify="right" if column == "records" else "left")
        why.add_column("reason", overflow="fold")
        for r in reasons:
            why.add_row(r["app"], r["entity"], r["outcome"], str(r["records"]), r["reason"])
        parts.append(why)
    for domain, reason in made.skipped_domains.items():
        parts.append(f"[yellow]{domain} would be skipped:[/yellow] {reason}")
    return Group(*parts)


def plan(
    tenant: Annotated[str, typer.Argument(help="The tenant to plan a run for.")],
    config: ConfigOption = DEFAULT_CONFIG,
    domain: Annotated[Domain, typer.Option(help="The domain whose run to plan.")] = Domain.all,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON (every record) instead.")] = False,
) -> None:
    """What a run would create, update, link, skip, hold or fail in each app, and why; writes nothing to any app."""
    try:
        load_config(config).tenant(tenant)
    except ConfigError as error:
        typer.echo(f"config error: {error}", err=True)
        raise typer.Exit(2) from None
    domains = list(DOMAIN_ORDER) if domain == Domain.all else [domain.value]
    try:
        made = make_plan(str(config), tenant, domains)
    except HubRefusedError as error:
        typer.echo(f"{tenant}: {error}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(made.as_dict(), indent=2))
        return
    Console().print(plan_view(made))
