"""A tenant's hub: one DuckDB file with raw staging, canonical tables and the sync bookkeeping."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from uuid import UUID

import duckdb
import pyarrow as pa

from datashare.apps import APPS
from datashare.model import CanonicalModel, model_for
from datashare.redact import redact
from datashare.store.merge import UpsertCounts, merge_arrow
from datashare.store.migrations import claim_tenant, hub_tenant, migrate
from datashare.store.schema import arrow_schema, canonical_columns, content_fields, quote
from datashare.store.snapshots import (
    SNAPSHOTS_KEPT,
    Snapshot,
    first_line,
    is_in_use,
    last_snapshot,
    set_aside,
    take_snapshot,
)

__all__ = ["ID_MAP_COLUMNS", "Hub", "HubRefusedError", "Reject", "raw_table_name"]

# The id map's columns and types; the key is (entity, hub_id, app).
ID_MAP_COLUMNS: dict[str, str] = {
    "entity": "VARCHAR",
    "hub_id": "UUID",
    "app": "VARCHAR",
    "remote_id": "VARCHAR",
    "remote_version": "VARCHAR",
    "pulled_hash": "VARCHAR",
    "pushed_hash": "VARCHAR",
    "pulled_at": "TIMESTAMPTZ",
    "pushed_at": "TIMESTAMPTZ",
    "status": "VARCHAR",
    "last_error": "VARCHAR",
    "cause": "VARCHAR",
    "waiting_on": "VARCHAR",
    "attempts": "INTEGER",
    "retry_at": "TIMESTAMPTZ",
    "attention": "BOOLEAN",
}
_ID_MAP_KEYS = ("entity", "hub_id", "app")
HISTORY_KEPT = 20  # history rows kept per record and app: enough to see a pattern, small at any size
_RAW_COLUMNS = {
    "stream": "VARCHAR",
    "remote_id": "VARCHAR",
    "payload": "JSON",
    "deleted": "BOOLEAN",
    "run_id": "VARCHAR",
}


def raw_table_name(app: str, entity: str) -> str:
    """The raw staging table of an (app, entity) pair; both names must be known ones."""
    if app not in APPS:
        raise ValueError(f"unknown app {app!r} (known: {', '.join(APPS)})")
    model_for(entity)
    return f"raw_{app}_{entity}"


@dataclass(frozen=True)
class Reject:
    """A record that could not be taken, and why."""

    app: str
    entity: str
    stage: str
    reason: str
    remote_id: str | None = None
    payload: dict[str, Any] | None = field(default=None, repr=False)


class HubRefusedError(RuntimeError):
    """A hub file will not be opened: missing where a hub was, damaged, or another tenant's; one line says which.

    The message names the hub's last snapshot and the command that restores it.
    """


def _way_back(path: Path, tenant: str | None) -> str:
    """What the person can do about a hub that will not open: restore its last snapshot, or start afresh."""
    who = tenant or "TENANT"
    afresh = f"`datashare store restore {who} --rebuild`"
    last = last_snapshot(path)
    if last is None:
        return f"it has no snapshot; start afresh with {afresh} (what is there is set aside, not deleted)"
    return f"its last snapshot is {last.described()}; restore it with `datashare store restore {who}`, or start afresh with {afresh}"


class Hub:
    """One tenant's DuckDB file. Open it with ``Hub.open(path, tenant=...)``; it migrates itself."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, tenant: str | None = None) -> None:
        self.path = path
        self.con = con
        self.tenant = tenant

    @classmethod
    def open(cls, path: str | Path, tenant: str | None = None) -> Hub:
        """Open and migrate the hub file at ``path``; a brand-new tenant's (no file, no snapshot) is created.

        With ``tenant`` (every run and command that knows whose hub it is), a
        hub records that it belongs to that tenant (a hub made before it knew
        adopts the first to open it) and refuses to open for another. Raises
        ``HubRefusedError`` for a hub that is missing while it has snapshots
        (it was lost: it is not silently made again, empty), that DuckDB cannot
        open, or that is not a hub; the message names the last snapshot.
        """
        path = Path(path)
        fresh = not path.exists()
        if fresh:
            cls.refuse_if_lost(path, tenant)
        return cls._connect(path, tenant, fresh=fresh)

    @staticmethod
    def refuse_if_lost(path: str | Path, tenant: str | None = None) -> None:
        """Raise ``HubRefusedError`` if no hub file is at ``path`` but one was (it has snapshots, or its log is left)."""
        path = Path(path)
        if path.exists():
            return
        if last_snapshot(path) is not None:
            raise HubRefusedError(f"hub {path} is missing; {_way_back(path, tenant)}")
        if Path(f"{path}.wal").exists():  # DuckDB would replay the lost file's log into a new one
            raise HubRefusedError(f"hub {path} is missing (its log {path.name}.wal is left); {_way_back(path, tenant)}")

    @classmethod
    def rebuild(cls, path: str | Path, tenant: str, *, now: datetime | None = None) -> list[Path]:
        """Start ``tenant``'s hub afresh, on purpose: what stood at ``path`` is set aside (never deleted).

        The next run links the apps again as a new installation would (matching
        records on their keys). Snapshots stay. Returns the files set aside.
        """
        path = Path(path)
        moved = set_aside(path, tenant, now=now)
        cls._connect(path, tenant, fresh=True).close()
        return moved

    @classmethod
    def _connect(cls, path: Path, tenant: str | None, *, fresh: bool) -> Hub:
        if path.is_dir():
            raise HubRefusedError(f"hub {path} is a folder, not a hub file")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as error:
            if is_in_use(error):
                raise  # a running process holds it: not damage
            raise HubRefusedError(
                f"hub {path} cannot be opened ({first_line(error)}); {_way_back(path, tenant)}"
            ) from None
        try:
            owner = cls._refuse_if_not_ours(con, path, tenant, fresh=fresh)
            hub = cls(path, con, tenant)
            hub.migrations_applied = migrate(con)
            if tenant is not None and owner is None:
                claim_tenant(con, tenant)
        except BaseException:
            con.close()
            raise
        return hub

    @staticmethod
    def _refuse_if_not_ours(
        con: duckdb.DuckDBPyConnection, path: Path, tenant: str | None, *, fresh: bool
    ) -> str | None:
        """Refuse a file that is not a hub, or is another tenant's, before anything is written to it; its tenant."""
        try:
            tables = {str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            owner = hub_tenant(con) if "hub_tenant" in tables else None
        except duckdb.Error as error:
            raise HubRefusedError(
                f"hub {path} cannot be opened ({first_line(error)}); {_way_back(path, tenant)}"
            ) from None
        if tables and "schema_migrations" not in tables:
            raise HubRefusedError(f"hub {path} cannot be opened (a DuckDB file, but no hub); {_way_back(path, tenant)}")
        if not tables and not fresh and last_snapshot(path) is not None:
            # An empty file where a hub was (truncated, or made anew by a tool): as good as missing.
            raise HubRefusedError(f"hub {path} is empty; {_way_back(path, tenant)}")
        if tenant is not None and owner is not None and owner != tenant:
            raise HubRefusedError(
                f"hub {path} belongs to tenant {owner}, not {tenant}: check the store of {tenant} in the config"
            )
        return owner

    migrations_applied: list[str]

    def snapshot(self, run_id: str, *, keep: int = SNAPSHOTS_KEPT, now: datetime | None = None) -> Snapshot:
        """Keep a consistent copy of the hub file beside it, named by ``now`` and ``run_id``; the ``keep`` newest stay.

        Call it while no one else writes the hub: a run does, at its end,
        holding its tenant's slot. ``datashare store restore`` puts one back.
        """
        return take_snapshot(self.con, self.path, run_id, keep=keep, now=now)

    def close(self) -> None:
        """Close the file."""
        self.con.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Run a read query and fetch every row (DuckDB wants results consumed)."""
        return self.con.execute(sql, list(params)).fetchall()

    # -- canonical records ------------------------------------------------------------

    def upsert_records(self, records: Sequence[CanonicalModel], *, source: str) -> UpsertCounts:
        """Upsert canonical records (all of one entity, each with its hub id) in one set-based write."""
        if not records:
            return UpsertCounts()
        model = type(records[0])
        if any(type(r) is not model for r in records):
            raise TypeError("upsert_records takes records of one entity at a time")
        missing = sum(1 for r in records if r.id is None)
        if missing:
            raise ValueError(f"{missing} {model.entity} record(s) have no hub id; assign ids before loading")
        rows = [r.model_dump(mode="python") for r in records]
        return self.upsert_arrow(model.entity, pa.Table.from_pylist(rows, schema=arrow_schema(model)), source=source)

    def upsert_arrow(self, entity: str, table: pa.Table, *, source: str) -> UpsertCounts:
        """Upsert an Arrow table of canonical rows (columns as the model's fields) by hub id.

        Rows whose content hash is unchanged are left alone and counted as unchanged.
        """
        model = model_for(entity)
        if source not in APPS and source != "hub":
            raise ValueError(f"unknown source {source!r}")
        fields = [c for c in canonical_columns(model) if c.name in model.model_fields]
        given = set(table.column_names)
        select = {
            c.name: f"CAST(i.{quote(c.name)} AS {c.ddl})" if c.name in given else f"CAST(NULL AS {c.ddl})"
            for c in fields
        }
        content = ", ".join(f"{quote(f)} := {select[f]}" for f in content_fields(model))
        select["hub_hash"] = f"md5(CAST(struct_pack({content}) AS VARCHAR))"
        select["hub_source"] = f"'{source}'"  # an app name from the allowlist above, never data
        select["hub_loaded_at"] = "now()"
        return merge_arrow(self.con, entity, table, keys=["id"], select=select, compare=["hub_hash"], whole_rows=True)

    def mark_deleted(self, entity: str, ids: Sequence[UUID], *, app: str | None = None) -> int:
        """Make records tombstones (the app deleted, voided or archived them); returns how many changed.

        With ``app``, that app's snapshots say so too, so a record that comes back
        in the app later is seen as the app's change and brought back.
        """
        model_for(entity)
        if not ids:
            return 0
        at = datetime.now(UTC)
        rows = self.query(
            # The content hash no longer describes the row: the next read of the record rewrites it.
            f"UPDATE {quote(entity)} SET deleted_at = ?, hub_hash = NULL, hub_loaded_at = now() "
            "WHERE list_contains(CAST(? AS UUID[]), id) AND deleted_at IS NULL RETURNING id",
            at,
            [str(i) for i in ids],
        )
        if app is not None:
            # The app deleted them: whatever the hub does with the tombstones later, nothing goes back to it.
            self.query(
                "UPDATE id_map SET status = 'deleted', updated_at = now() "
                "WHERE entity = ? AND app = ? AND list_contains(CAST(? AS UUID[]), hub_id)",
                entity,
                app,
                [str(i) for i in ids],
            )
            self.query(
                "UPDATE snapshots SET record = json_merge_patch(record, json_object('deleted_at', ?)), updated_at = now() "
                "WHERE entity = ? AND app = ? AND list_contains(CAST(? AS UUID[]), hub_id)",
                at.isoformat(),
                entity,
                app,
                [str(i) for i in ids],
            )
        return len(rows)

    def records(self, entity: str, ids: Sequence[UUID]) -> dict[UUID, CanonicalModel]:
        """Hub records of ``entity`` by id (those that exist)."""
        model = model_for(entity)
        if not ids:
            return {}
        names = list(model.model_fields)
        rows = self.query(
            f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(entity)} WHERE list_contains(CAST(? AS UUID[]), id)",
            [str(i) for i in ids],
        )
        found = [model.model_validate(dict(zip(names, row, strict=True))) for row in rows]
        return {r.id: r for r in found if r.id is not None}

    def records_by(self, entity: str, field: str, values: Sequence[object]) -> list[CanonicalModel]:
        """Live hub records of ``entity`` whose ``field`` is one of ``values`` (e.g. people of organizations)."""
        model = model_for(entity)
        if field not in model.model_fields:
            raise KeyError(f"{entity} has no field {field!r}")
        if not values:
            return []
        names = list(model.model_fields)
        rows = self.query(
            f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(entity)} "
            f"WHERE deleted_at IS NULL AND list_contains(CAST(? AS VARCHAR[]), CAST({quote(field)} AS VARCHAR)) ORDER BY id",
            [str(v) for v in values],
        )
        return [model.model_validate(dict(zip(names, row, strict=True))) for row in rows]

    # -- snapshots and conflicts ---------------------------------------------------------

    def snapshots(self, entity: str, app: str, ids: Sequence[UUID]) -> dict[UUID, dict[str, Any]]:
        """Each record as ``app`` last gave it (the base of the three-way merge)."""
        if not ids:
            return {}
        rows = self.query(
            "SELECT hub_id, record FROM snapshots WHERE entity = ? AND app = ? AND list_contains(CAST(? AS UUID[]), hub_id)",
            entity,
            app,
            [str(i) for i in ids],
        )
        return {hub_id: json.loads(record) for hub_id, record in rows}

    def save_snapshots(self, entity: str, app: str, records: Sequence[tuple[UUID, dict[str, Any]]]) -> int:
        """Remember what ``app`` gave for each record, in one write."""
        if not records:
            return 0
        table = pa.table(
            {
                "hub_id": [str(h) for h, _ in records],
                "record": [json.dumps(r, default=str) for _, r in records],
            }
        )
        select = {
            "entity": f"CAST({_sql_literal(entity)} AS VARCHAR)",
            "hub_id": "CAST(i.hub_id AS UUID)",
            "app": f"CAST({_sql_literal(app)} AS VARCHAR)",
            "record": "CAST(i.record AS JSON)",
            "updated_at": "now()",
        }
        return merge_arrow(
            self.con,
            "snapshots",
            table,
            keys=["entity", "hub_id", "app"],
            select=select,
            compare=["record"],
            whole_rows=True,
        ).total

    def add_conflicts(self, rows: Sequence[dict[str, Any]], run_id: str | None = None) -> int:
        """Record conflict decisions (entity, hub_id, field, base/hub/app values, app, policy, winner) in one write."""
        if not rows:
            return 0
        table = pa.table(
            {
                "entity": [r["entity"] for r in rows],
                "hub_id": [str(r["hub_id"]) for r in rows],
                "field": [r["field"] for r in rows],
                "base_value": [json.dumps(r["base"], default=str) for r in rows],
                "hub_value": [json.dumps(r["hub"], default=str) for r in rows],
                "app": [r["app"] for r in rows],
                "app_value": [json.dumps(r["app_value"], default=str) for r in rows],
                "policy": [r["policy"] for r in rows],
                "winner": [r["winner"] for r in rows],
            }
        )
        self.con.register("__conflicts", table)
        try:
            self.query(
                "INSERT INTO conflicts (run_id, entity, hub_id, field, base_value, hub_value, app, app_value, policy, winner) "
                "SELECT ?, entity, CAST(hub_id AS UUID), field, CAST(base_value AS JSON), CAST(hub_value AS JSON), app, "
                "CAST(app_value AS JSON), policy, winner FROM __conflicts",
                run_id,
            )
        finally:
            self.con.unregister("__conflicts")
        return len(rows)

    # -- id map ----------------------------------------------------------------------

    def upsert_id_map(self, table: pa.Table) -> UpsertCounts:
        """Upsert id-map rows keyed by (entity, hub_id, app); only the columns given are written."""
        unknown = set(table.column_names) - set(ID_MAP_COLUMNS)
        if unknown:
            raise ValueError(f"unknown id-map columns: {', '.join(sorted(unknown))}")
        absent = [k for k in _ID_MAP_KEYS if k not in table.column_names]
        if absent:
            raise ValueError(f"id-map rows need {', '.join(absent)}")
        select = {c: f"CAST(i.{quote(c)} AS {ID_MAP_COLUMNS[c]})" for c in table.column_names}
        compare = [c for c in table.column_names if c not in _ID_MAP_KEYS]
        select["updated_at"] = "now()"
        return merge_arrow(
            self.con, "id_map", table, keys=_ID_MAP_KEYS, select=select, compare=compare, whole_rows=False
        )

    # -- raw staging -----------------------------------------------------------------

    def stage_raw(
        self,
        app: str,
        entity: str,
        run_id: str,
        records: Iterable[tuple[str, dict[str, Any]]],
        *,
        stream: str = "",
        deleted: Iterable[str] = (),
    ) -> int:
        """Store raw payloads (``(remote_id, payload)`` pairs) of one page; the latest payload per id wins.

        ``stream`` names the app's collection the records came from, when an
        entity is read from several (Xero's manual and generated journals).
        ``deleted`` are ids the app says it deleted (vTiger's sync): staged as
        tombstones with no payload.
        """
        table = raw_table_name(app, entity)
        columns = ", ".join(f"{quote(name)} {kind}" for name, kind in _RAW_COLUMNS.items())
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS {quote(table)} "
            f"({columns}, staged_at TIMESTAMPTZ, PRIMARY KEY (stream, remote_id))"
        ).fetchall()
        # Staging tables made before deletions were staged lack the column; before staging had a state, ``loaded``.
        self.con.execute(f"ALTER TABLE {quote(table)} ADD COLUMN IF NOT EXISTS deleted BOOLEAN").fetchall()
        self.con.execute(f"ALTER TABLE {quote(table)} ADD COLUMN IF NOT EXISTS loaded BOOLEAN").fetchall()
        pairs = list(records)
        gone = list(deleted)
        arrow = pa.table(
            {
                "remote_id": pa.array([rid for rid, _ in pairs] + gone, pa.string()),
                "payload": pa.array([json.dumps(p, default=str) for _, p in pairs] + [None] * len(gone), pa.string()),
                "deleted": pa.array([False] * len(pairs) + [True] * len(gone), pa.bool_()),
            }
        )
        select = {
            "stream": f"CAST({_sql_literal(stream)} AS VARCHAR)",
            "remote_id": "i.remote_id",
            "payload": "CAST(i.payload AS JSON)",
            "deleted": "i.deleted",
            "run_id": f"CAST({_sql_literal(run_id)} AS VARCHAR)",
            "staged_at": "now()",
            "loaded": "false",  # until a load takes it (``mark_loaded``), whichever run that is
        }
        counts = merge_arrow(
            self.con,
            table,
            arrow,
            keys=["stream", "remote_id"],
            select=select,
            compare=["payload", "deleted", "run_id"],
            whole_rows=True,
        )
        return counts.total

    def staged(
        self, app: str, entity: str, run_id: str, stream: str | None = None
    ) -> list[tuple[str, str, dict[str, Any] | None]]:
        """The raw records to map (of one stream, or all): ``(stream, remote_id, payload)``; a deletion has None.

        Those the run staged, and those any earlier run staged and no load took
        (a run that died between extract and load moved its cursor past them:
        without this they would never reach the hub).
        """
        table = raw_table_name(app, entity)
        if table not in self.tables():
            return []
        rows = self.query(
            f"SELECT stream, remote_id, payload, deleted FROM {quote(table)} WHERE (run_id = ? OR loaded = false) "
            "AND (? IS NULL OR stream = ?) ORDER BY stream, remote_id",
            run_id,
            stream,
            stream,
        )
        return [(str(stream), str(rid), None if gone else json.loads(payload)) for stream, rid, payload, gone in rows]

    def mark_loaded(self, app: str, entity: str, until: datetime, stream: str | None = None) -> int:
        """Staged records (of one stream, or all) staged until ``until`` have been loaded; how many."""
        table = raw_table_name(app, entity)
        if table not in self.tables():
            return 0
        rows = self.query(
            f"UPDATE {quote(table)} SET loaded = true WHERE loaded = false AND staged_at <= ? "
            "AND (? IS NULL OR stream = ?) RETURNING 1",
            until,
            stream,
            stream,
        )
        return len(rows)

    def now(self) -> datetime:
        """The hub's clock (what ``now()`` writes into its rows)."""
        moment: datetime = self.query("SELECT now()")[0][0]
        return moment

    # -- cursors ----------------------------------------------------------------------

    def get_cursor(self, app: str, entity: str, stream: str = "") -> str | None:
        """Where the last extract of (app, entity[, stream]) stopped, or None for a full read."""
        rows = self.query("SELECT cursor FROM cursors WHERE app = ? AND entity = ? AND stream = ?", app, entity, stream)
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def set_cursor(self, app: str, entity: str, cursor: str, stream: str = "") -> None:
        """Move the cursor of (app, entity[, stream]): only after the data it covers is stored."""
        self.query(
            "INSERT INTO cursors (app, entity, stream, cursor, updated_at) VALUES (?, ?, ?, ?, now()) "
            "ON CONFLICT (app, entity, stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            app,
            entity,
            stream,
            cursor,
        )

    def reset_cursors(self, *, apps: Sequence[str] | None = None, entities: Sequence[str] | None = None) -> int:
        """Forget cursors (all, or of some apps or entities) so the next extract reads everything."""
        rows = self.query(
            "DELETE FROM cursors WHERE (? IS NULL OR list_contains(?, app)) "
            "AND (? IS NULL OR list_contains(?, entity)) RETURNING app",
            apps,
            apps,
            entities,
            entities,
        )
        return len(rows)

    # -- rejects, runs, conflicts ------------------------------------------------------

    def add_rejects(self, rejects: Sequence[Reject], run_id: str | None = None) -> int:
        """Record rejected records in one write; payloads are stored with secrets masked."""
        if not rejects:
            return 0
        arrow = pa.table(
            {
                "app": [r.app for r in rejects],
                "entity": [r.entity for r in rejects],
                "remote_id": pa.array([r.remote_id for r in rejects], pa.string()),
                "stage": [r.stage for r in rejects],
                "reason": [r.reason for r in rejects],
                "payload": pa.array(
                    [None if r.payload is None else json.dumps(redact(r.payload), default=str) for r in rejects],
                    pa.string(),
                ),
            }
        )
        self.con.register("__rejects", arrow)
        try:
            self.query(
                "INSERT INTO rejects (run_id, app, entity, remote_id, stage, reason, payload) "
                "SELECT ?, app, entity, remote_id, stage, reason, CAST(payload AS JSON) FROM __rejects",
                run_id,
            )
        finally:
            self.con.unregister("__rejects")
        return len(rejects)

    def add_history(self, rows: pa.Table, run_id: str | None = None) -> int:
        """Note what a run did to records (columns ``entity``, ``hub_id``, ``app``, ``action``, ``detail``)."""
        if not rows.num_rows:
            return 0
        self.con.register("__history", rows)
        try:
            self.query(
                "INSERT INTO record_history (entity, hub_id, app, run_id, action, detail) "
                "SELECT entity, CAST(hub_id AS UUID), app, ?, action, detail FROM __history",
                run_id,
            )
        finally:
            self.con.unregister("__history")
        return int(rows.num_rows)

    def prune_history(self, keep: int = HISTORY_KEPT) -> int:
        """Keep each record's ``keep`` latest history rows per app; the number of rows let go."""
        rows = self.query(
            "DELETE FROM record_history WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER "
            "(PARTITION BY entity, hub_id, app ORDER BY happened_at DESC, rowid DESC) AS n FROM record_history) WHERE n > ?) "
            "RETURNING 1",
            keep,
        )
        return len(rows)

    def start_run(self, run_id: str, flow: str, parameters: dict[str, Any]) -> None:
        """Record that a run started."""
        self.query(
            "INSERT INTO runs (run_id, flow, parameters, status) VALUES (?, ?, ?, 'RUNNING') "
            "ON CONFLICT (run_id) DO UPDATE SET status = 'RUNNING', finished_at = NULL",
            run_id,
            flow,
            json.dumps(redact(parameters), default=str),
        )

    def finish_run(self, run_id: str, status: str, summary: Any) -> None:
        """Record how a run ended, with its summary; records' histories are cut back to their latest rows."""
        self.prune_history()
        self.query(
            "UPDATE runs SET status = ?, summary = ?, finished_at = now() WHERE run_id = ?",
            status,
            json.dumps(summary, default=str),
            run_id,
        )

    # -- stats ------------------------------------------------------------------------

    def tables(self) -> list[str]:
        """Every table in the hub file, sorted."""
        return [
            str(r[0])
            for r in self.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]

    def stats(self) -> dict[str, int]:
        """Rows per table."""
        tables = self.tables()
        if not tables:
            return {}
        union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {quote(t)}" for t in tables)
        return {str(name): int(count) for name, count in self.query(union)}


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
