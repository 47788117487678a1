"""``datashare store snapshots`` and ``store restore``: a tenant's hub snapshots, and putting one back.

- ``store snapshots TENANT``: the snapshots kept of the tenant's hub, newest
  first (one is taken after each successful run; ``snapshots_kept`` in the
  config, default 3).
- ``store restore TENANT [--at NAME|TIME]``: put the newest snapshot (or the
  one named, or the newest taken by a time) back at the hub's place. What
  stood there is set aside as ``<hub>.damaged-<time>`` (``.replaced-<time>``
  when it was sound), never deleted.
- ``store restore TENANT --rebuild``: start afresh on purpose with an empty
  hub (what stood there set aside the same way); the next run links the apps
  again, matching the records they already hold.

Run them while no run of the tenant is going: a hub held open by a run is
refused, but a run opens it task by task.
"""

from __future__ import annotations

from typing import Annotated

import typer

from datashare.cli.options import DEFAULT_CONFIG, ConfigOption, load_tenant
from datashare.cli.screen import say, shown
from datashare.store import Hub, HubRefusedError, SnapshotError, list_snapshots, restore_snapshot
from datashare.store.run_lock import HubBusyError, hold_run_lock

__all__ = ["restore", "snapshots"]

TenantArgument = Annotated[str, typer.Argument(help="The tenant whose hub it is.")]


def snapshots(tenant: TenantArgument, config: ConfigOption = DEFAULT_CONFIG) -> None:
    """The snapshots kept of a tenant's hub, newest first: when, their size and their names (which name the run)."""
    settings = load_tenant(config, tenant)
    path = settings.store_path()
    found = list_snapshots(path)
    if not found:
        say(f"[yellow]{shown(tenant)}: no snapshot of {shown(path)} yet: one is taken after each successful run")
        raise typer.Exit(1)
    say(f"{shown(tenant)}: snapshots of {shown(path)}, newest first (a name, or its start, is what --at takes):")
    for snapshot in reversed(found):
        size = snapshot.path.stat().st_size / 1_000_000
        line = f"  {snapshot.taken_at:%Y-%m-%d %H:%M:%S} UTC  {size:8,.1f} MB  {snapshot.name}"
        say(line, markup=False, highlight=False)


def restore(
    tenant: TenantArgument,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="A snapshot's name (or its start), or a time such as 2026-12-07T10:15 (UTC): the newest taken by "
            "then. Default: the newest snapshot.",
        ),
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Start afresh instead, with an empty hub: the next run links the apps again."),
    ] = False,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Put a snapshot of a tenant's hub back (or start afresh); what stood there is set aside, never deleted."""
    settings = load_tenant(config, tenant)
    path = settings.store_path()
    if rebuild and at is not None:
        say("[red]--at and --rebuild: choose one[/red] (a snapshot to restore, or an empty hub)", highlight=False)
        raise typer.Exit(2)
    try:
        # Never under a run of the tenant: it holds this lock from start to end, between its hub openings too.
        with hold_run_lock(path, wait_seconds=0, who=f"tenant {tenant}"):
            if rebuild:
                moved = Hub.rebuild(path, tenant)
            else:
                done = restore_snapshot(path, tenant, at=at)
                moved = done.set_aside
    except HubBusyError as error:
        say(f"[red]{shown(tenant)}: a run is going on:[/red] {shown(error)}; restore once it ends", highlight=False)
        raise typer.Exit(2) from None
    except (SnapshotError, HubRefusedError, OSError) as error:
        say(f"[red]{shown(tenant)}:[/red] {shown(error)}", highlight=False)
        raise typer.Exit(2) from None
    for aside in moved:
        say(f"{tenant}: set aside {aside}", markup=False, highlight=False)
    if rebuild:
        say(f"{tenant}: an empty hub at {path}: the next run links the apps again", markup=False, highlight=False)
    else:
        say(f"{tenant}: restored {path} from {done.snapshot.described()}", markup=False, highlight=False)
