"""What the commands print, safely: user text never read as markup, and one line for each way a hub will not open."""

from __future__ import annotations

import typing as t
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.markup import escape

from datashare.store import Hub, HubRefusedError
from datashare.store.migrations import MigrationError

__all__ = ["open_hub", "say", "shown"]


def say(*objects: t.Any, **options: t.Any) -> None:
    """Print with rich, sized to the terminal (or COLUMNS) of the moment; a line of text is never wrapped."""
    Console().print(*objects, **{"soft_wrap": True, **options})


def shown(value: object) -> str:
    """``value`` as text to put inside markup: a name with ``[/bold]`` in it is printed, not obeyed."""
    return escape(str(value))


def open_hub(tenant: str, path: Path) -> Hub:
    """The tenant's hub, or one line saying why not (none yet: exit 1; lost, damaged, another's or locked: exit 2).

    A lost or damaged hub's line names its last snapshot and the command that restores it.
    """
    try:
        Hub.refuse_if_lost(path, tenant)
        if not path.exists():
            say(f"[yellow]{shown(tenant)}: no hub store yet at {shown(path)}: run a sync first[/yellow]")
            raise typer.Exit(1)
        return Hub.open(path, tenant=tenant)
    except HubRefusedError as error:
        say(f"[red]{shown(tenant)}:[/red] {shown(error)}", highlight=False)
        raise typer.Exit(2) from None
    except (duckdb.Error, MigrationError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        say(f"[red]{shown(tenant)}: the hub {shown(path)} cannot be opened:[/red] {shown(first)}", highlight=False)
        raise typer.Exit(2) from None
