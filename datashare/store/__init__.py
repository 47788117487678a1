"""The hub store: one DuckDB file per tenant, written set-based."""

from datashare.store.hub import ID_MAP_COLUMNS, Hub, Reject, raw_table_name
from datashare.store.merge import UpsertCounts
from datashare.store.migrations import MIGRATIONS, Migration, MigrationError, migrate

__all__ = [
    "ID_MAP_COLUMNS",
    "MIGRATIONS",
    "Hub",
    "Migration",
    "MigrationError",
    "Reject",
    "UpsertCounts",
    "migrate",
    "raw_table_name",
]
