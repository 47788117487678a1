"""The hub store: one DuckDB file per tenant, written set-based."""

from datashare.store.hub import ID_MAP_COLUMNS, Hub, HubRefusedError, Reject, raw_table_name
from datashare.store.merge import UpsertCounts
from datashare.store.migrations import MIGRATIONS, Migration, MigrationError, migrate
from datashare.store.snapshots import (
    SNAPSHOTS_KEPT,
    Restored,
    Snapshot,
    SnapshotError,
    list_snapshots,
    restore_snapshot,
    take_snapshot,
)

__all__ = [
    "ID_MAP_COLUMNS",
    "MIGRATIONS",
    "SNAPSHOTS_KEPT",
    "Hub",
    "HubRefusedError",
    "Migration",
    "MigrationError",
    "Reject",
    "Restored",
    "Snapshot",
    "SnapshotError",
    "UpsertCounts",
    "list_snapshots",
    "migrate",
    "raw_table_name",
    "restore_snapshot",
    "take_snapshot",
]
