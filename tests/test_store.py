"""The hub store: migrations, set-based upserts, id map, raw staging, cursors, rejects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import duckdb
import pyarrow as pa
import pytest

from datashare.model import ENTITIES, Invoice, Organization, model_for
from datashare.store import ID_MAP_COLUMNS, MIGRATIONS, Hub, MigrationError, Reject, migrate, raw_table_name
from datashare.store.schema import HUB_COLUMNS, canonical_columns
from tests.samples import sample


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with Hub.open(tmp_path / "tenant.duckdb") as opened:
        yield opened


def _schema(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "ORDER BY table_name, ordinal_position"
    ).fetchall()


def test_open_creates_the_file_and_every_table(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "acme.duckdb"
    with Hub.open(path) as hub:
        tables = set(hub.tables())
    assert path.exists()
    assert set(ENTITIES) <= tables
    assert {"id_map", "cursors", "rejects", "runs", "conflicts", "schema_migrations"} <= tables


def test_migration_2_keeps_existing_cursors(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    ).fetchall()
    for statement in MIGRATIONS[0].statements:
        con.execute(statement).fetchall()
    con.execute("INSERT INTO schema_migrations VALUES (1, 'v1', now())").fetchall()
    con.execute("INSERT INTO cursors (app, entity, cursor) VALUES ('xero', 'invoices', 'c1')").fetchall()
    con.close()
    with Hub.open(tmp_path / "old.duckdb") as hub:
        assert "migration 2: cursors per stream" in hub.migrations_applied[0]
        assert hub.get_cursor("xero", "invoices") == "c1"


def test_migrations_run_twice_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    with Hub.open(path) as first:
        assert first.migrations_applied
        before = _schema(first.con)
    with Hub.open(path) as second:
        assert second.migrations_applied == []
        assert _schema(second.con) == before
        assert migrate(second.con) == []
        assert second.query("SELECT count(*) FROM schema_migrations") == [(len(MIGRATIONS),)]


def test_canonical_table_columns_come_from_the_model(hub: Hub) -> None:
    have = [
        str(r[0])
        for r in hub.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'invoices' ORDER BY ordinal_position"
        )
    ]
    assert have == ["id", *[n for n in Invoice.model_fields if n != "id"], *[n for n, _ in HUB_COLUMNS]]
    kinds = dict(
        hub.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'invoices'")
    )
    assert kinds["id"] == "UUID"
    assert kinds["transaction_date"] == "DATE"
    assert kinds["updated_at"] == "TIMESTAMP WITH TIME ZONE"
    assert kinds["currency_rate"] == "DECIMAL(18,6)"
    assert str(kinds["lines"]).startswith("STRUCT(")
    assert str(kinds["lines"]).endswith("[]")


def test_no_model_field_collides_with_a_hub_column() -> None:
    hub_names = {n for n, _ in HUB_COLUMNS}
    for model in ENTITIES.values():
        assert not hub_names & set(model.model_fields)


def test_a_new_model_field_becomes_a_new_column(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    with Hub.open(path) as hub:
        hub.query('ALTER TABLE organizations DROP COLUMN "notes"')
    with Hub.open(path) as hub:
        assert hub.migrations_applied == ["added column organizations.notes"]


def test_a_changed_column_type_stops_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    with Hub.open(path) as hub:
        hub.query('ALTER TABLE organizations ALTER COLUMN "number_of_employees" TYPE VARCHAR')
    with pytest.raises(MigrationError, match=r"organizations\.number_of_employees is VARCHAR .* wants BIGINT"):
        Hub.open(path)


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_every_entity_stores_and_reads_back_unchanged(hub: Hub, entity: str) -> None:
    model = model_for(entity)
    record = model.model_validate(sample(entity))
    counts = hub.upsert_records([record], source="xero")
    assert (counts.inserted, counts.updated) == (1, 0)
    columns = [c.name for c in canonical_columns(model) if c.name in model.model_fields]
    cursor = hub.con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{entity}"')
    rows = cursor.fetchall()
    assert len(rows) == 1
    assert model.model_validate(dict(zip(columns, rows[0], strict=True))) == record


def test_upsert_updates_in_place_and_never_duplicates(hub: Hub) -> None:
    records = [Organization(id=uuid4(), name=f"Org {i}") for i in range(5)]
    assert hub.upsert_records(records, source="xero").inserted == 5
    records[1].name = "Renamed"
    counts = hub.upsert_records(records, source="vtiger")
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 4)
    assert hub.query("SELECT count(*), count(DISTINCT id) FROM organizations") == [(5, 5)]
    assert hub.query("SELECT name, hub_source FROM organizations WHERE id = ?", str(records[1].id)) == [
        ("Renamed", "vtiger")
    ]
    # the unchanged ones were left alone, their source included
    assert hub.query("SELECT count(*) FROM organizations WHERE hub_source = 'xero'") == [(4,)]


def test_same_id_twice_in_one_batch_keeps_the_last(hub: Hub) -> None:
    hub_id = uuid4()
    counts = hub.upsert_records(
        [Organization(id=hub_id, name="First"), Organization(id=hub_id, name="Last")], source="xero"
    )
    assert counts.inserted == 1
    assert hub.query("SELECT name FROM organizations") == [("Last",)]


def test_content_hash_ignores_timestamps_only(hub: Hub) -> None:
    record = Invoice.model_validate(sample("invoices"))
    hub.upsert_records([record], source="xero")
    later = record.model_copy(
        update={"updated_at": record.updated_at.replace(year=2026) if record.updated_at else None}
    )
    assert hub.upsert_records([later], source="xero").unchanged == 1
    tombstone = record.model_copy(update={"deleted_at": record.updated_at})
    assert hub.upsert_records([tombstone], source="xero").updated == 1


def test_records_without_hub_id_are_refused(hub: Hub) -> None:
    with pytest.raises(ValueError, match="have no hub id"):
        hub.upsert_records([Organization(name="No id")], source="xero")


def test_unknown_source_app_is_refused(hub: Hub) -> None:
    with pytest.raises(ValueError, match="unknown source"):
        hub.upsert_records([Organization(id=uuid4(), name="x")], source="x'); DROP TABLE organizations; --")


def test_arrow_upsert_fills_missing_columns_with_null(hub: Hub) -> None:
    table = pa.table({"id": [str(uuid4()), str(uuid4())], "name": ["A", "B"]})
    assert hub.upsert_arrow("organizations", table, source="xero").inserted == 2
    assert hub.query("SELECT count(*) FROM organizations WHERE industry IS NULL") == [(2,)]


def _id_rows(n: int, app: str = "xero", **extra: list[object]) -> pa.Table:
    return pa.table(
        {
            "entity": ["invoices"] * n,
            "hub_id": [str(UUID(int=i + 1)) for i in range(n)],
            "app": [app] * n,
            "remote_id": [f"r{i}" for i in range(n)],
            **extra,
        }
    )


def test_id_map_upsert_updates_in_place_and_never_duplicates(hub: Hub) -> None:
    assert hub.upsert_id_map(_id_rows(100)).inserted == 100
    counts = hub.upsert_id_map(_id_rows(150, remote_version=["v2"] * 150))
    assert (counts.inserted, counts.updated, counts.unchanged) == (50, 100, 0)
    assert hub.query("SELECT count(*), count(DISTINCT (entity, hub_id, app)) FROM id_map") == [(150, 150)]
    again = hub.upsert_id_map(_id_rows(150, remote_version=["v2"] * 150))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 150)


def test_id_map_keeps_one_row_per_app(hub: Hub) -> None:
    hub.upsert_id_map(_id_rows(3, "xero"))
    hub.upsert_id_map(_id_rows(3, "vtiger"))
    assert hub.query("SELECT app, count(*) FROM id_map GROUP BY app ORDER BY app") == [("vtiger", 3), ("xero", 3)]


def test_id_map_partial_upsert_writes_only_the_columns_given(hub: Hub) -> None:
    hub.upsert_id_map(_id_rows(1, pulled_hash=["h1"]))
    hub.upsert_id_map(
        pa.table(
            {
                "entity": ["invoices"],
                "hub_id": [str(UUID(int=1))],
                "app": ["xero"],
                "status": ["waiting"],
                "last_error": ["contact not yet in Xero"],
            }
        )
    )
    assert hub.query("SELECT remote_id, pulled_hash, status, last_error FROM id_map") == [
        ("r0", "h1", "waiting", "contact not yet in Xero")
    ]


def test_id_map_row_may_wait_without_a_remote_id(hub: Hub) -> None:
    table = pa.table({"entity": ["invoices"], "hub_id": [str(uuid4())], "app": ["xero"], "status": ["waiting"]})
    assert hub.upsert_id_map(table).inserted == 1
    assert hub.query("SELECT remote_id, status FROM id_map") == [(None, "waiting")]


def test_id_map_refuses_unknown_columns_and_missing_keys(hub: Hub) -> None:
    with pytest.raises(ValueError, match="unknown id-map columns: colour"):
        hub.upsert_id_map(_id_rows(1, colour=["red"]))
    with pytest.raises(ValueError, match="need app"):
        hub.upsert_id_map(pa.table({"entity": ["invoices"], "hub_id": [str(uuid4())]}))
    assert set(ID_MAP_COLUMNS) >= {"remote_version", "pulled_hash", "pushed_hash", "status", "last_error"}


def test_raw_staging_keeps_the_latest_payload_per_remote_id(hub: Hub) -> None:
    assert hub.stage_raw("xero", "invoices", "run-1", [("a", {"n": 1}), ("b", {"n": 2})]) == 2
    assert hub.mark_loaded("xero", "invoices", hub.now()) == 2
    hub.stage_raw("xero", "invoices", "run-2", [("a", {"n": 3})])
    rows = hub.query(f"SELECT remote_id, payload, run_id FROM {raw_table_name('xero', 'invoices')} ORDER BY remote_id")
    assert [(r[0], json.loads(r[1]), r[2]) for r in rows] == [("a", {"n": 3}, "run-2"), ("b", {"n": 2}, "run-1")]
    assert hub.staged("xero", "invoices", "run-2") == [("", "a", {"n": 3})]


def test_records_staged_by_a_run_that_died_before_loading_are_mapped_by_the_next(hub: Hub) -> None:
    hub.stage_raw("xero", "invoices", "run-1", [("a", {"n": 1}), ("b", {"n": 2})])  # run-1 died here
    hub.stage_raw("xero", "invoices", "run-2", [("c", {"n": 3})])
    assert [rid for _, rid, _ in hub.staged("xero", "invoices", "run-2")] == ["a", "b", "c"]
    assert hub.mark_loaded("xero", "invoices", hub.now()) == 3
    assert hub.staged("xero", "invoices", "run-3") == []


def test_raw_staging_keeps_streams_of_one_entity_apart(hub: Hub) -> None:
    hub.stage_raw("xero", "journals", "run-1", [("j1", {"n": 1})], stream="ManualJournals")
    hub.stage_raw("xero", "journals", "run-1", [("j1", {"n": 2})], stream="Journals")
    assert hub.staged("xero", "journals", "run-1") == [("Journals", "j1", {"n": 2}), ("ManualJournals", "j1", {"n": 1})]
    assert hub.staged("vtiger", "journals", "run-1") == []


def test_raw_table_names_come_from_allowlists() -> None:
    assert raw_table_name("vtiger", "people") == "raw_vtiger_people"
    with pytest.raises(ValueError, match="unknown app"):
        raw_table_name("xero; drop", "people")
    with pytest.raises(KeyError, match="unknown entity"):
        raw_table_name("xero", "people; drop")


def test_cursors_are_set_read_and_reset(hub: Hub) -> None:
    assert hub.get_cursor("xero", "invoices") is None
    hub.set_cursor("xero", "invoices", "2025-03-01T00:00:00Z")
    hub.set_cursor("xero", "invoices", "2025-03-02T00:00:00Z")
    hub.set_cursor("vtiger", "people", "100")
    assert hub.get_cursor("xero", "invoices") == "2025-03-02T00:00:00Z"
    assert hub.reset_cursors(apps=["xero"]) == 1
    assert hub.get_cursor("xero", "invoices") is None
    assert hub.get_cursor("vtiger", "people") == "100"
    hub.set_cursor("xero", "journals", "7", stream="Journals")
    hub.set_cursor("xero", "journals", "x", stream="ManualJournals")
    assert hub.get_cursor("xero", "journals", "Journals") == "7"
    assert hub.get_cursor("xero", "journals") is None
    assert hub.reset_cursors(entities=["journals"]) == 2
    assert hub.reset_cursors() == 1


def test_rejects_are_recorded_with_reasons_and_no_secrets(hub: Hub) -> None:
    rejects = [
        Reject(
            "xero", "invoices", "map", "invoices.currency: unknown currency 'ABC'", "inv-1", {"CurrencyCode": "ABC"}
        ),
        Reject("vtiger", "people", "extract", "missing id", None, {"sessionName": "abc123", "email": "x@y.example"}),
    ]
    assert hub.add_rejects(rejects, run_id="run-1") == 2
    rows = hub.query("SELECT app, remote_id, stage, reason, payload FROM rejects ORDER BY app")
    assert rows[0][:4] == ("vtiger", None, "extract", "missing id")
    assert json.loads(rows[0][4]) == {"sessionName": "***", "email": "x@y.example"}
    assert "abc123" not in str(hub.query("SELECT * FROM rejects"))


def test_runs_record_start_and_finish_without_secrets(hub: Hub) -> None:
    hub.start_run("run-1", "crm_sales", {"tenant": "acme", "token": "s3cret"})
    hub.finish_run("run-1", "COMPLETED", {"xero/invoices": {"read": 3}})
    rows = hub.query("SELECT flow, status, parameters, summary, finished_at IS NOT NULL FROM runs")
    assert rows[0][0:2] == ("crm_sales", "COMPLETED")
    assert json.loads(rows[0][2]) == {"tenant": "acme", "token": "***"}
    assert json.loads(rows[0][3]) == {"xero/invoices": {"read": 3}}
    assert rows[0][4] is True


def test_stats_count_rows_per_table(hub: Hub) -> None:
    hub.upsert_records([Organization(id=uuid4(), name="A"), Organization(id=uuid4(), name="B")], source="xero")
    stats = hub.stats()
    assert stats["organizations"] == 2
    assert stats["invoices"] == 0
    assert stats["schema_migrations"] == len(MIGRATIONS)
