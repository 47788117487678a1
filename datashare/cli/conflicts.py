"""``datashare conflicts TENANT``: the conflicts the merge settled, and ``resolve`` to keep the other side.

datashare conflicts demo-au [--entity organizations] [--all]
datashare conflicts resolve demo-au 12 --keep hub
datashare conflicts resolve demo-au --record 3f1c… --keep app     # every open one of a record
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from datashare.cli.options import DEFAULT_CONFIG, ConfigOption
from datashare.cli.screen import open_hub
from datashare.config import ConfigError, load_config
from datashare.model import ENTITIES
from datashare.sync.conflicts import Conflict, ConflictError, Keep, list_conflicts, resolve

__all__ = ["conflicts_app"]

_WIDEST = 48  # characters of a value shown in the table; the rest is cut


class _ListByDefault(TyperGroup):
    """``conflicts TENANT`` means ``conflicts list TENANT``: listing is what the command is mostly for."""

    # ``ctx`` is typer's own click Context, whose class typer does not export: taken as it comes.
    def parse_args(self, ctx: t.Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["list", *args]
        return super().parse_args(ctx, args)


conflicts_app = typer.Typer(
    cls=_ListByDefault, help="Conflicts the merge settled: list them, resolve them by hand.", no_args_is_help=True
)

TenantArgument = Annotated[str, typer.Argument(help="The tenant whose hub holds the conflicts.")]
EntityOption = Annotated[str | None, typer.Option("--entity", "-e", help="Only this entity's conflicts.")]


def _hub_path(tenant: str, config: Path) -> Path:
    """The tenant's hub file, or exit saying why the config names none (``open_hub`` says why it will not open)."""
    try:
        path = load_config(config, check_env=False).tenant(tenant).store_path()
    except ConfigError as error:
        typer.echo(f"config error: {error}", err=True)
        raise typer.Exit(2) from None
    return path


def _known_entity(entity: str | None) -> str | None:
    if entity is not None and entity not in ENTITIES:
        typer.echo(f"unknown entity {entity!r} (known: {', '.join(ENTITIES)})", err=True)
        raise typer.Exit(2)
    return entity


def _shown(value: t.Any) -> str:
    """A field's value in a table cell: text as it is, anything else as compact JSON, cut to fit."""
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= _WIDEST else text[: _WIDEST - 1] + "…"


def _policy(conflict: Conflict) -> str:
    return conflict.policy.removeprefix("source:") + " wins" if conflict.policy != "newest" else "newest wins"


@conflicts_app.command("list")
def list_command(
    tenant: TenantArgument,
    config: ConfigOption = DEFAULT_CONFIG,
    entity: EntityOption = None,
    every: Annotated[bool, typer.Option("--all", help="Resolved and overtaken ones too.")] = False,
) -> None:
    """The open conflicts: record, field, the hub's and the app's values, the policy and who won."""
    with open_hub(tenant, _hub_path(tenant, config)) as hub:
        found = list_conflicts(hub, entity=_known_entity(entity), include_closed=every)
    if not found:
        typer.echo(f"{tenant}: no {'' if every else 'open '}conflicts")
        return
    table = Table(title=f"{tenant}: {'conflicts' if every else 'open conflicts'}", title_justify="left")
    for column in ("id", "entity", "record", "field", "hub value", "app", "app value", "policy", "won", "decided"):
        table.add_column(column, justify="right" if column == "id" else "left")
    if every:
        table.add_column("resolved")
    for c in found:
        row = [str(c.id), c.entity, c.record, c.field, _shown(c.hub_value), c.app, _shown(c.app_value)]
        row += [_policy(c), c.winner, f"{c.decided_at:%Y-%m-%d %H:%M}"]
        table.add_row(*row, *([_resolution(c)] if every else []))
    Console().print(table)
    if not every:
        typer.echo(f"keep a side: datashare conflicts resolve {tenant} ID --keep hub|app")


def _resolution(conflict: Conflict) -> str:
    if conflict.resolution is None:
        return "open"
    if conflict.resolved_at is None:
        return conflict.resolution
    return f"{conflict.resolution} ({conflict.resolved_at:%Y-%m-%d %H:%M})"


@conflicts_app.command("resolve")
def resolve_command(
    tenant: TenantArgument,
    keep: Annotated[
        Keep, typer.Option("--keep", help="hub: the value the hub held; app: the app's value.", case_sensitive=False)
    ],
    ids: Annotated[list[int] | None, typer.Argument(help="The conflicts' ids (as listed).", show_default=False)] = None,
    record: Annotated[
        str | None, typer.Option("--record", help="Every open conflict of this hub record (its hub id).")
    ] = None,
    entity: EntityOption = None,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Keep one side of conflicts; a value that changes the hub record is written to the apps on the next run."""
    hub_id = _record_id(record)
    if not ids and hub_id is None and entity is None:
        typer.echo("name the conflicts: their ids, --record HUB_ID or --entity ENTITY", err=True)
        raise typer.Exit(2)
    with open_hub(tenant, _hub_path(tenant, config)) as hub:
        chosen = list(ids or [])
        if hub_id is not None or (entity is not None and not ids):
            chosen += [c.id for c in list_conflicts(hub, entity=_known_entity(entity), hub_id=hub_id)]
        if not chosen:
            typer.echo(f"{tenant}: no open conflicts to resolve there")
            return
        try:
            done = resolve(hub, chosen, keep)
        except ConflictError as error:
            typer.echo(f"{tenant}: {error}", err=True)
            raise typer.Exit(1) from None
    for item in done:
        c = item.conflict
        outcome = "written to the apps on the next run" if item.changed else "the hub holds it already"
        typer.echo(f"conflict {c.id}: {c.entity} {c.record!r} {c.field} = {_shown(c.value(keep))} ({outcome})")


def _record_id(text: str | None) -> UUID | None:
    if text is None:
        return None
    try:
        return UUID(text)
    except ValueError:
        typer.echo(f"--record: not a hub id: {text!r}", err=True)
        raise typer.Exit(2) from None
