"""``datashare status``, ``why`` and ``retry``: the record ledger at a terminal.

- ``status TENANT``: per app and entity, records in step, due, waiting,
  skipped (by cause), failed, needing attention, in conflict; the oldest wait;
  the last successful run of each domain.
- ``why TENANT ID``: one record (a hub id, or an app's id of it) in every app:
  its state, why, what it waits on, its attempts, and what each run did to it.
- ``retry TENANT``: records that failed or need attention (or one named
  record, whatever its state) are made due again; ``--now`` sends them at once,
  otherwise the next run does.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from datashare.cli.options import DEFAULT_CONFIG, ConfigOption, JsonOption, load_tenant
from datashare.cli.screen import open_hub, say, shown
from datashare.config import Tenant
from datashare.model import ENTITIES
from datashare.store import Hub
from datashare.sync.causes import CAUSES
from datashare.sync.ledger import STATES, EntityStates, clear_for_retry, entity_states, explain, last_runs

__all__ = ["retry", "status", "why"]

_CAUSES_SHOWN = 5  # reasons shown per app and entity; the rest are counted


def _hub(tenant: Tenant) -> Hub:
    return open_hub(tenant.name, tenant.store_path())


def _pushes(tenant: Tenant) -> list[tuple[str, str]]:
    from tasks.sync import pushes_for  # the wiring imports every connector: only the commands that need it pay

    return pushes_for(tenant, ENTITIES)


def status(tenant: str, config: ConfigOption = DEFAULT_CONFIG, as_json: JsonOption = False) -> None:
    """Where each tenant record stands in each app: in step, due, waiting, skipped, failed, needing attention."""
    settings = load_tenant(config, tenant)
    with _hub(settings) as hub:
        rows = entity_states(hub, _pushes(settings), settings.historical_data_from)
        runs = last_runs(hub)
    if as_json:
        payload = {
            "tenant": tenant,
            "entities": [{**asdict(r), "states": dict(r.states), "causes": dict(r.causes)} for r in rows],
            "runs": {
                flow: {"last_success": ok, "last_run": last, "status": st} for flow, (ok, last, st) in runs.items()
            },
        }
        print(json.dumps(payload, default=str, indent=2))
        return
    say(_states_table(tenant, rows))
    for row in rows:
        shown_causes = row.causes.most_common(_CAUSES_SHOWN)
        for cause, count in shown_causes:
            says = f"{cause}: {CAUSES[cause].says}" if cause in CAUSES else cause
            say(f"  {row.app} {row.entity}: {count:,} {says}", highlight=False, markup=False)
        others = sum(row.causes.values()) - sum(n for _, n in shown_causes)
        if others:  # a rule naming each record (a SKU, a number) gives a reason per record: `why` tells them apart
            more = f"  {row.app} {row.entity}: {others:,} more, for {len(row.causes) - len(shown_causes)} other reasons"
            say(more, highlight=False, markup=False)
        if row.oldest_wait is not None:
            say(
                f"  {row.app} {row.entity}: oldest waiting since {row.oldest_wait:%Y-%m-%d %H:%M} "
                f"({row.oldest_wait_record})",
                highlight=False,
            )
    attention = sum(r.states["needs attention"] for r in rows)
    if attention:
        say(
            f"[red]{attention:,} records need attention[/red]: see `datashare why`, then "
            f"`datashare retry {shown(tenant)}`"
        )
    for flow, (ok, last, state) in runs.items():
        success = f"{ok:%Y-%m-%d %H:%M}" if ok else "never"
        say(f"{flow}: last successful run {success}; last run {last:%Y-%m-%d %H:%M} {state}", highlight=False)


def _states_table(tenant: str, rows: list[EntityStates]) -> Table:
    table = Table(title=f"{tenant}: records by state", title_justify="left")
    for column in ("app", "entity", *STATES, "conflicts"):
        table.add_column(column, justify="left" if column in ("app", "entity") else "right")
    for row in rows:
        figures = [f"{row.states[s]:,}" if row.states[s] else "" for s in STATES]
        table.add_row(row.app, row.entity, *figures, f"{row.conflicts:,}" if row.conflicts else "")
    return table


def why(
    tenant: str,
    record: Annotated[str, typer.Argument(help="A hub id, or the record's id in an app.")],
    app: Annotated[str | None, typer.Option(help="The app whose id RECORD is (when ids could clash).")] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    as_json: JsonOption = False,
) -> None:
    """One record in every app: its state, why, what it waits on, and what each run did to it."""
    settings = load_tenant(config, tenant)
    with _hub(settings) as hub:
        stories = explain(hub, record, _pushes(settings), app)
    if not stories:
        where = f" in {app}" if app else ""
        say(f"[yellow]{shown(tenant)}: no record {shown(repr(record))}{shown(where)} in the hub[/yellow]")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps([asdict(s) for s in stories], default=str, indent=2))
        return
    for story in stories:
        say(f"[bold]{story.entity} {shown(story.label)}[/bold] (hub id {story.hub_id})", highlight=False)
        if story.conflicts:
            say(f"  {story.conflicts} conflict(s) recorded: see `datashare conflicts {tenant}`")
        for state in story.apps:
            there = state.remote_id or "(no id there yet)"
            say(f"  {state.app} {there}: {state.state}", highlight=False, markup=False)
            details = [
                state.cause_says or state.cause,
                state.last_error,
                f"waiting on {state.waiting_on}" if state.waiting_on else None,
                f"{state.attempts} failed attempt(s)" if state.attempts else None,
                f"next try after {state.retry_at:%Y-%m-%d %H:%M}" if state.retry_at else None,
            ]
            for line in filter(None, details):
                say(f"    {line}", highlight=False, markup=False)
            for event in state.history:
                detail = f": {event.detail}" if event.detail else ""
                line = f"    {event.at:%Y-%m-%d %H:%M:%S} {event.action}{detail} ({event.run_id})"
                say(line, highlight=False, markup=False)


def retry(
    tenant: str,
    app: Annotated[str | None, typer.Option(help="Only this app's records.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only this entity's records.")] = None,
    record: Annotated[str | None, typer.Option(help="One record (hub id or app id), whatever its state.")] = None,
    now: Annotated[bool, typer.Option("--now", help="Send them at once instead of on the next run.")] = False,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Clear records that failed or need attention (or one record) so they are sent again."""
    settings = load_tenant(config, tenant, check_env=now)
    if entity is not None and entity not in ENTITIES:
        say(f"[red]unknown entity {shown(repr(entity))}[/red]: one of {', '.join(ENTITIES)}", highlight=False)
        raise typer.Exit(2)
    with _hub(settings) as hub:
        cleared = clear_for_retry(hub, app=app, entity=entity, record=record)
        if not cleared:
            say(f"{tenant}: nothing to retry", markup=False)
            return
        for name, kind, count in cleared:
            say(f"{tenant}: {count:,} {kind} made due again for {name}", highlight=False, markup=False)
        if not now:
            say("they are sent on the next run (or run `datashare retry --now`)")
            return
        from tasks.pull import push_batch
        from tasks.sync import sink_for

        for name, kind, _ in cleared:
            if (name, kind) not in _pushes(settings):
                continue
            sink = sink_for(settings, name, hub)
            done = push_batch(hub, sink, kind, f"retry-{tenant}", settings)
            say(
                f"{name} {kind}: {done.created:,} created, {done.updated:,} updated, {done.rejected:,} failed, "
                f"{done.skipped:,} skipped, {done.waiting:,} waiting" + (f"; {done.notes}" if done.notes else ""),
                highlight=False,
            )
