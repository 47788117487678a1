"""Versioned migrations of a tenant's hub file; running them twice changes nothing.

Two kinds:
- numbered SQL migrations for the hub's own tables (``MIGRATIONS``), applied
  once each and recorded in ``schema_migrations``;
- the canonical tables, generated from the models: a missing table is created
  and a new model field becomes a new column. A changed column type is not
  guessed at: it stops with a message asking for a numbered migration.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from datashare.model import ENTITIES
from datashare.store.schema import canonical_columns, quote

__all__ = ["MIGRATIONS", "Migration", "MigrationError", "claim_tenant", "hub_tenant", "migrate"]


class MigrationError(RuntimeError):
    """The hub file's schema cannot be brought up to date automatically."""


@dataclass(frozen=True)
class Migration:
    """One numbered change to the hub's own tables."""

    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "hub tables: id map, cursors, rejects, runs, conflicts",
        (
            # The id map: a hub record and its copy in one app. Keyed by hub id so a record
            # that is still waiting to be created in an app (no remote id yet) has its row too.
            """CREATE TABLE id_map (
                entity VARCHAR NOT NULL,
                hub_id UUID NOT NULL,
                app VARCHAR NOT NULL,
                remote_id VARCHAR,
                remote_version VARCHAR,
                pulled_hash VARCHAR,
                pushed_hash VARCHAR,
                pulled_at TIMESTAMPTZ,
                pushed_at TIMESTAMPTZ,
                status VARCHAR NOT NULL DEFAULT 'linked',
                last_error VARCHAR,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (entity, hub_id, app)
            )""",
            """CREATE TABLE cursors (
                app VARCHAR NOT NULL,
                entity VARCHAR NOT NULL,
                cursor VARCHAR,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (app, entity)
            )""",
            """CREATE TABLE rejects (
                run_id VARCHAR,
                app VARCHAR NOT NULL,
                entity VARCHAR NOT NULL,
                remote_id VARCHAR,
                stage VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                payload JSON,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
            """CREATE TABLE runs (
                run_id VARCHAR PRIMARY KEY,
                flow VARCHAR NOT NULL,
                parameters JSON,
                status VARCHAR NOT NULL,
                summary JSON,
                started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                finished_at TIMESTAMPTZ
            )""",
            """CREATE TABLE conflicts (
                run_id VARCHAR,
                entity VARCHAR NOT NULL,
                hub_id UUID NOT NULL,
                field VARCHAR NOT NULL,
                base_value JSON,
                hub_value JSON,
                app VARCHAR NOT NULL,
                app_value JSON,
                policy VARCHAR NOT NULL,
                winner VARCHAR NOT NULL,
                decided_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
        ),
    ),
    Migration(
        2,
        "cursors per stream: one entity can be read from several collections (Xero journals)",
        (
            """CREATE TABLE cursors_by_stream (
                app VARCHAR NOT NULL,
                entity VARCHAR NOT NULL,
                stream VARCHAR NOT NULL DEFAULT '',
                cursor VARCHAR,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (app, entity, stream)
            )""",
            "INSERT INTO cursors_by_stream (app, entity, cursor, updated_at) SELECT app, entity, cursor, updated_at FROM cursors",
            "DROP TABLE cursors",
            "ALTER TABLE cursors_by_stream RENAME TO cursors",
        ),
    ),
    Migration(
        3,
        "snapshots: each app's record as last read, the base of the three-way merge",
        (
            """CREATE TABLE snapshots (
                entity VARCHAR NOT NULL,
                hub_id UUID NOT NULL,
                app VARCHAR NOT NULL,
                record JSON NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (entity, hub_id, app)
            )""",
        ),
    ),
    Migration(
        4,
        "record ledger: why a record is not in step, its failed attempts, and what each run did to it",
        (
            # Why a record was skipped or waits, as data (datashare.sync.causes), and the record it waits on.
            "ALTER TABLE id_map ADD COLUMN cause VARCHAR",
            "ALTER TABLE id_map ADD COLUMN waiting_on VARCHAR",
            # Failed sends back off: attempts so far, not sent again before retry_at, and after the cap
            # the record needs attention: it is listed and left alone until a person asks for a retry.
            "ALTER TABLE id_map ADD COLUMN attempts INTEGER DEFAULT 0",
            "ALTER TABLE id_map ADD COLUMN retry_at TIMESTAMPTZ",
            "ALTER TABLE id_map ADD COLUMN attention BOOLEAN DEFAULT false",
            "UPDATE id_map SET attempts = 0, attention = false",
            # What each run did to a record in an app; a few dozen rows per record at most (pruned per run).
            """CREATE TABLE record_history (
                entity VARCHAR NOT NULL,
                hub_id UUID NOT NULL,
                app VARCHAR NOT NULL,
                run_id VARCHAR,
                action VARCHAR NOT NULL,
                detail VARCHAR,
                happened_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
        ),
    ),
    Migration(
        5,
        "conflicts: a stable id each, and how a person resolved it",
        (
            # Ids are handed out in the order conflicts were decided, so the ones recorded before keep that order.
            "CREATE SEQUENCE conflict_ids START 1",
            """CREATE TABLE conflicts_v5 (
                id BIGINT PRIMARY KEY DEFAULT nextval('conflict_ids'),
                run_id VARCHAR,
                entity VARCHAR NOT NULL,
                hub_id UUID NOT NULL,
                field VARCHAR NOT NULL,
                base_value JSON,
                hub_value JSON,
                app VARCHAR NOT NULL,
                app_value JSON,
                policy VARCHAR NOT NULL,
                winner VARCHAR NOT NULL,
                decided_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                resolved_at TIMESTAMPTZ,
                resolution VARCHAR
            )""",
            "INSERT INTO conflicts_v5 (run_id, entity, hub_id, field, base_value, hub_value, app, app_value, policy, "
            "winner, decided_at) SELECT run_id, entity, hub_id, field, base_value, hub_value, app, app_value, policy, "
            "winner, decided_at FROM conflicts ORDER BY decided_at, entity, hub_id, field",
            "DROP TABLE conflicts",
            "ALTER TABLE conflicts_v5 RENAME TO conflicts",
        ),
    ),
    Migration(
        6,
        "the tenant the hub belongs to: it refuses to open for another",
        (
            # One row at most (the key can only be true): written when the hub is made, or by the first
            # tenant that opens a hub made before this migration.
            """CREATE TABLE hub_tenant (
                only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
                tenant VARCHAR NOT NULL,
                claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )""",
        ),
    ),
)


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple[object, ...]]:
    return con.execute(sql, list(params)).fetchall()


def _apply_numbered(con: duckdb.DuckDBPyConnection) -> list[str]:
    done = {int(str(row[0])) for row in _fetch(con, "SELECT version FROM schema_migrations")}
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        con.execute("BEGIN TRANSACTION").fetchall()
        try:
            for statement in migration.statements:
                con.execute(statement).fetchall()
            _fetch(con, "INSERT INTO schema_migrations VALUES (?, ?, now())", migration.version, migration.name)
            con.execute("COMMIT").fetchall()
        except Exception:
            con.execute("ROLLBACK").fetchall()
            raise
        applied.append(f"migration {migration.version}: {migration.name}")
    return applied


def _existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Every table's columns and types, in one query."""
    rows = _fetch(
        con,
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    )
    found: dict[str, dict[str, str]] = {}
    for table, name, kind in rows:
        found.setdefault(str(table), {})[str(name)] = str(kind)
    return found


_SPELLINGS: dict[str, str] = {}


def _as_duckdb_names_it(con: duckdb.DuckDBPyConnection, ddl: str) -> str:
    """DuckDB's own spelling of a type (``TIMESTAMPTZ`` is reported as ``TIMESTAMP WITH TIME ZONE``)."""
    if ddl not in _SPELLINGS:  # asked once per type and process: opening a hub stays cheap
        _SPELLINGS[ddl] = str(_fetch(con, f"SELECT typeof(CAST(NULL AS {ddl}))")[0][0])
    return _SPELLINGS[ddl]


def _sync_canonical(con: duckdb.DuckDBPyConnection) -> list[str]:
    changes = []
    tables = _existing_columns(con)
    for entity, model in ENTITIES.items():
        columns = canonical_columns(model)
        existing = tables.get(entity, {})
        if not existing:
            body = ", ".join(f"{quote(c.name)} {c.ddl}{' PRIMARY KEY' if c.name == 'id' else ''}" for c in columns)
            con.execute(f"CREATE TABLE {quote(entity)} ({body})").fetchall()
            changes.append(f"created table {entity}")
            continue
        for column in columns:
            have = existing.get(column.name)
            if have is None:
                con.execute(f"ALTER TABLE {quote(entity)} ADD COLUMN {quote(column.name)} {column.ddl}").fetchall()
                changes.append(f"added column {entity}.{column.name}")
            elif have != _as_duckdb_names_it(con, column.ddl):
                raise MigrationError(
                    f"column {entity}.{column.name} is {have} in the hub file but the model wants {column.ddl}; "
                    "write a numbered migration that converts it"
                )
    return changes


def hub_tenant(con: duckdb.DuckDBPyConnection) -> str | None:
    """The tenant a hub file belongs to; None before migration 6 or before any tenant opened it."""
    have = _fetch(con, "SELECT 1 FROM duckdb_tables() WHERE table_name = 'hub_tenant'")
    if not have:
        return None
    rows = _fetch(con, "SELECT tenant FROM hub_tenant")
    return str(rows[0][0]) if rows else None


def claim_tenant(con: duckdb.DuckDBPyConnection, tenant: str) -> None:
    """Record that the (migrated) hub belongs to ``tenant``, unless it already belongs to one."""
    _fetch(con, "INSERT INTO hub_tenant (tenant) VALUES (?) ON CONFLICT DO NOTHING", tenant)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring a hub file up to date; returns what changed (nothing on a second run)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    ).fetchall()
    return _apply_numbered(con) + _sync_canonical(con)
