"""The dashboard's sync-health section: how fresh the hub is, and what waits in it, read from the record ledger.

Four tables, each a ``Rows`` like a widget view's: the last successful run of
each domain (the hub's ``runs``), records by state per app and entity
(``entity_states``), the oldest waiting record, and the records needing
attention with the app's last error (secrets masked by the ledger). Unlike the
widgets these are not DuckDB views: a record's state depends on what each app
is written (``pushes``), which only the tenant's config knows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from datashare.dashboard.figures import Rows
from datashare.store import Hub
from datashare.sync.ledger import STATES, entity_states, last_runs, needing_attention

__all__ = ["ATTENTION_LISTED", "SyncHealth", "has_ledger", "sync_health"]

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
