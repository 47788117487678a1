"""The dashboard's sync-health section: how fresh the hub is, and what waits in it, read from the record ledger.

Four tables, each a ``Rows`` like a widget view's: the last successful run of
each domain (the hub's ``runs``), records by state per app and entity
(``entity_states``), the oldest waiting record, and the records needing
attention with the app's last error (secrets masked by the ledger). Unlike the
widgets these are not DuckDB views: a record's state depends on what each app
is written (``pushes``), which only the tenant's config knows.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from datashare.dashboard.figures import Rows
from datashare.store import Hub
from datashare.sync.ledger import STATES, Attention, entity_states, last_runs, needing_attention

__all__ = ["ATTENTION_LISTED", "SyncHealth", "has_ledger", "look_further_markdown", "sync_health"]

ATTENTION_LISTED = 200
"""At most this many records needing attention are listed (the count by state has them all)."""


@dataclass(frozen=True)
class SyncHealth:
    """What the sync-health section shows, table by table."""

    runs: Rows  # domain, last successful run, last run, its status
    states: Rows  # app, entity, a column per state, conflicts
    oldest_wait: Rows  # the oldest waiting record: app, entity, record, waiting since (none: no row)
    attention: Rows  # app, entity, record, remote id, attempts, last error, since

    def needs_attention(self) -> int:
        """How many records need attention, over every app and entity."""
        return sum(int(n) for n in self.states.column("needs attention"))


def has_ledger(hub: Hub) -> bool:
    """Whether the hub keeps the record ledger (it was migrated by a recent enough datashare)."""
    found = hub.query(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'id_map' AND column_name = 'attention'"
    )
    return bool(found[0][0])


def sync_health(hub: Hub, pushes: Iterable[tuple[str, str]] = (), history_from: date | None = None) -> SyncHealth:
    """The section's tables for a hub; ``pushes`` are the (app, entity) pairs the tenant writes (see ``entity_states``)."""
    runs = Rows(
        ("domain", "last successful run", "last run", "last run status"),
        [(flow, ok, last, status) for flow, (ok, last, status) in last_runs(hub).items()],
    )
    rows = entity_states(hub, pushes, history_from)
    states = Rows(
        ("app", "entity", *STATES, "conflicts"),
        [(r.app, r.entity, *(r.states[s] for s in STATES), r.conflicts) for r in rows],
    )
    waits = sorted((r for r in rows if r.oldest_wait is not None), key=lambda r: (r.oldest_wait, r.app, r.entity))
    oldest = Rows(
        ("app", "entity", "record", "waiting since"),
        [(w.app, w.entity, w.oldest_wait_record, w.oldest_wait) for w in waits[:1]],
    )
    attention = Rows(
        ("app", "entity", "record", "remote id", "attempts", "last error", "since"),
        [
            (a.app, a.entity, a.label, a.remote_id, a.attempts, a.last_error, a.since)
            for a in needing_attention(hub, limit=ATTENTION_LISTED)
        ],
    )
    return SyncHealth(runs, states, oldest, attention)


def look_further_markdown(tenant: str, config: str | Path, dashboard: Path, attention: Sequence[Attention] = ()) -> str:
    """Where a person looks further after a run, as Markdown: the ledger commands for the tenant, and its dashboard.

    A record that needs attention is the example given to ``datashare why``.
    """
    conf = shlex.quote(str(Path(config).resolve()))
    who = shlex.quote(tenant)
    example = (attention[0].remote_id or str(attention[0].hub_id)) if attention else None
    record = shlex.quote(example) if example else "ID"
    lines = [
        f"## Look further: {tenant}",
        "",
        f"{len(attention):,} record(s) need attention." if attention else "No record needs attention.",
        "",
        "| to see | run |",
        "| --- | --- |",
        f"| where each record stands in each app | `datashare status {who} --config {conf}` |",
        f"| one record's story, why, and what each run did to it{'' if example else ' (ID: a hub id or an app id)'} "
        f"| `datashare why {who} {record} --config {conf}` |",
        f"| send again what failed or needs attention (or the `retry-records` deployment) "
        f"| `datashare retry {who} --now --config {conf}` |",
        f"| conflicts the policy settled | `datashare conflicts {who} --config {conf}` |",
        f"| the dashboard, written to [{dashboard.name}]({dashboard.resolve().as_uri()}) "
        f"| `datashare dashboard {who} --config {conf}` |",
    ]
    return "\n".join(lines) + "\n"
