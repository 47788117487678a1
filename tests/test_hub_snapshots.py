"""A hub knows its tenant, leaves snapshots, and is refused (never silently made anew) when lost or damaged."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from datashare.store import (
    MIGRATIONS,
    Hub,
    HubRefusedError,
    SnapshotError,
    list_snapshots,
    restore_snapshot,
)
from datashare.store.snapshots import choose_snapshot, discard_hub, set_aside, snapshot_folder

T0 = datetime(2026, 12, 7, 10, 15, 2, 123456, tzinfo=UTC)  # the clock the snapshots are named by


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hub of tenant acme holding one cursor, with one snapshot taken at T0 after run-1 (made once: hubs are slow)."""
    path = tmp_path_factory.mktemp("template") / "acme.duckdb"
    with Hub.open(path, tenant="acme") as hub:
        hub.set_cursor("xero", "invoices", "after-run-1")
        hub.snapshot("run-1", now=T0)
    return path


@pytest.fixture
def hub_path(made_once: Path, tmp_path: Path) -> Path:
    """The test's own copy of ``made_once``, its snapshot folder with it."""
    path = tmp_path / "data" / "acme.duckdb"
    path.parent.mkdir()
    shutil.copyfile(made_once, path)
    shutil.copytree(snapshot_folder(made_once), snapshot_folder(path))
    return path


def _cursor(path: Path) -> str | None:
    with Hub.open(path, tenant="acme") as hub:
        return hub.get_cursor("xero", "invoices")


def test_a_new_hub_records_its_tenant_and_refuses_to_open_for_another(tmp_path: Path) -> None:
    path = tmp_path / "data" / "x.duckdb"
    with Hub.open(path, tenant="demo-au") as hub:
        assert hub.query("SELECT tenant FROM hub_tenant") == [("demo-au",)]
    with pytest.raises(HubRefusedError, match=r"x\.duckdb belongs to tenant demo-au, not demo-us"):
        Hub.open(path, tenant="demo-us")
    with Hub.open(path) as reader:  # a tool that does not know the tenant may still read it
        assert reader.query("SELECT tenant FROM hub_tenant") == [("demo-au",)]


def test_a_hub_made_before_it_knew_its_tenant_adopts_the_first_that_opens_it(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Hub.open(path) as hub:  # opened by no tenant: as a hub made before migration 6 was
        hub.query("DELETE FROM schema_migrations WHERE version = 6")
        hub.query("DROP TABLE hub_tenant")
        hub.set_cursor("xero", "invoices", "kept")
    with Hub.open(path, tenant="demo-au") as hub:
        assert hub.migrations_applied == [f"migration 6: {MIGRATIONS[5].name}"]
        assert hub.get_cursor("xero", "invoices") == "kept"
    with pytest.raises(HubRefusedError, match="belongs to tenant demo-au, not demo-us"):
        Hub.open(path, tenant="demo-us")


def test_a_snapshot_is_named_by_the_clock_and_run_and_holds_the_hub(hub_path: Path) -> None:
    (snapshot,) = list_snapshots(hub_path)
    assert snapshot.path == snapshot_folder(hub_path) / "20261207T101502.123456Z-run-1.duckdb"
    assert (snapshot.taken_at, snapshot.run_id) == (T0, "run-1")
    con = duckdb.connect(str(snapshot.path), read_only=True)
    try:
        assert con.execute("SELECT cursor FROM cursors").fetchall() == [("after-run-1",)]
        assert con.execute("SELECT tenant FROM hub_tenant").fetchall() == [("acme",)]
    finally:
        con.close()
    assert not list(snapshot_folder(hub_path).glob(".*"))  # no partial copy left behind


def test_only_the_newest_snapshots_are_kept(hub_path: Path) -> None:
    with Hub.open(hub_path, tenant="acme") as hub:
        for n in (2, 3):
            hub.snapshot(f"run-{n}", keep=2, now=T0 + timedelta(minutes=n))
    assert [s.run_id for s in list_snapshots(hub_path)] == ["run-2", "run-3"]


def test_a_copy_that_differs_from_the_hub_is_not_kept(hub_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def copy_and_flip_a_byte(source: Path, target: Path) -> None:
        data = bytearray(source.read_bytes())
        data[len(data) // 2] ^= 0xFF  # as if the hub changed while it was copied
        target.write_bytes(bytes(data))

    monkeypatch.setattr("datashare.store.snapshots.shutil.copyfile", copy_and_flip_a_byte)
    with Hub.open(hub_path, tenant="acme") as hub, pytest.raises(SnapshotError, match="changed while it was copied"):
        hub.snapshot("run-2", now=T0 + timedelta(minutes=1))
    assert [s.run_id for s in list_snapshots(hub_path)] == ["run-1"]
    assert not list(snapshot_folder(hub_path).glob(".*"))  # whole or absent: no partial copy left


def test_a_brand_new_tenant_gets_a_fresh_hub(tmp_path: Path) -> None:
    path = tmp_path / "data" / "new.duckdb"
    with Hub.open(path, tenant="new") as hub:
        assert hub.get_cursor("xero", "invoices") is None
    assert path.is_file()


def test_a_lost_hub_is_refused_naming_its_last_snapshot_and_the_commands(hub_path: Path) -> None:
    hub_path.unlink()
    with pytest.raises(HubRefusedError) as refused:
        Hub.open(hub_path, tenant="acme")
    message = str(refused.value)
    assert message.startswith(f"hub {hub_path} is missing; its last snapshot is ")
    assert "20261207T101502.123456Z-run-1.duckdb (taken 2026-12-07 10:15:02 UTC)" in message
    assert "`datashare store restore acme`" in message
    assert "`datashare store restore acme --rebuild`" in message
    assert "\n" not in message
    assert not hub_path.exists()  # not silently made again, empty


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"this is not a DuckDB file" * 200, "cannot be opened (IO Error"),
        (b"", "cannot be opened (IO Error"),
        ("other-duckdb", "cannot be opened (a DuckDB file, but no hub)"),
        ("empty-duckdb", "is empty"),
    ],
    ids=["garbage", "zero-bytes", "not-a-hub", "empty-database"],
)
def test_a_damaged_hub_is_refused_and_left_as_it_is(hub_path: Path, content: bytes | str, says: str) -> None:
    hub_path.unlink()
    if content == "other-duckdb":
        con = duckdb.connect(str(hub_path))
        con.execute("CREATE TABLE notes (x INTEGER)").fetchall()
        con.close()
    elif content == "empty-duckdb":
        duckdb.connect(str(hub_path)).close()
    else:
        assert isinstance(content, bytes)
        hub_path.write_bytes(content)
    before = hub_path.read_bytes()
    with pytest.raises(HubRefusedError, match=r"its last snapshot is .*run-1") as refused:
        Hub.open(hub_path, tenant="acme")
    assert says in str(refused.value)
    assert hub_path.read_bytes() == before


def test_a_damaged_hub_without_snapshot_is_refused_with_the_way_to_start_afresh(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    path.write_bytes(b"garbage" * 500)
    with pytest.raises(HubRefusedError, match=r"it has no snapshot; start afresh with `datashare store restore acme "):
        Hub.open(path, tenant="acme")


def test_a_log_left_without_its_hub_is_refused_rather_than_replayed(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    Path(f"{path}.wal").write_bytes(b"log of a lost file")
    with pytest.raises(HubRefusedError, match=r"is missing \(its log acme\.duckdb\.wal is left\)"):
        Hub.open(path, tenant="acme")
    assert not path.exists()


def test_restore_puts_the_newest_snapshot_back_and_keeps_the_damaged_file_aside(hub_path: Path) -> None:
    later = T0 + timedelta(hours=1)
    with Hub.open(hub_path, tenant="acme") as hub:
        hub.set_cursor("xero", "invoices", "after-run-2")
        hub.snapshot("run-2", now=later)
    hub_path.write_bytes(b"garbage" * 500)
    Path(f"{hub_path}.wal").write_bytes(b"stale log")

    done = restore_snapshot(hub_path, "acme", now=T0 + timedelta(hours=2))

    assert done.snapshot.run_id == "run-2"
    damaged = hub_path.with_name("acme.duckdb.damaged-20261207T121502.123456Z")
    assert done.set_aside == [damaged, Path(f"{damaged}.wal")]
    assert damaged.read_bytes() == b"garbage" * 500
    assert Path(f"{damaged}.wal").read_bytes() == b"stale log"
    assert not Path(f"{hub_path}.wal").exists()
    assert _cursor(hub_path) == "after-run-2"
    assert [s.run_id for s in list_snapshots(hub_path)] == ["run-1", "run-2"]  # the snapshot stays


def test_restore_at_a_name_or_a_time_picks_that_snapshot(hub_path: Path) -> None:
    with Hub.open(hub_path, tenant="acme") as hub:
        hub.set_cursor("xero", "invoices", "after-run-2")
        hub.snapshot("run-2", now=T0 + timedelta(days=1))
    assert choose_snapshot(hub_path).run_id == "run-2"
    assert choose_snapshot(hub_path, "20261207T10").run_id == "run-1"
    assert choose_snapshot(hub_path, "2026-12-07T23:00").run_id == "run-1"
    assert choose_snapshot(hub_path, "2026-12-08T10:15:03").run_id == "run-2"
    with pytest.raises(SnapshotError, match=r"no snapshot of .* was taken by then"):
        choose_snapshot(hub_path, "2026-12-01")
    with pytest.raises(SnapshotError, match="is not a time such as"):
        choose_snapshot(hub_path, "yesterday")

    done = restore_snapshot(hub_path, "acme", at="2026-12-07T23:00", now=T0 + timedelta(days=2))

    assert done.set_aside == [hub_path.with_name("acme.duckdb.replaced-20261209T101502.123456Z")]  # it was sound
    assert _cursor(hub_path) == "after-run-1"


def test_restore_refuses_another_tenants_snapshot_and_a_hub_without_one(hub_path: Path, tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="belongs to tenant acme, not other"):
        restore_snapshot(hub_path, "other")
    assert _cursor(hub_path) == "after-run-1"  # nothing was set aside
    with pytest.raises(SnapshotError, match="has no snapshot"):
        restore_snapshot(tmp_path / "none.duckdb", "acme")


def test_a_hub_held_open_is_not_set_aside(hub_path: Path) -> None:
    with Hub.open(hub_path, tenant="acme"), pytest.raises(SnapshotError, match="is in use"):
        restore_snapshot(hub_path, "acme")
    assert _cursor(hub_path) == "after-run-1"


def test_rebuild_sets_the_hub_aside_and_starts_an_empty_one_of_the_tenant(hub_path: Path) -> None:
    moved = Hub.rebuild(hub_path, "acme", now=T0 + timedelta(hours=1))
    assert moved == [hub_path.with_name("acme.duckdb.replaced-20261207T111502.123456Z")]
    with Hub.open(hub_path, tenant="acme") as hub:
        assert hub.get_cursor("xero", "invoices") is None
        assert hub.query("SELECT tenant FROM hub_tenant") == [("acme",)]
    assert len(list_snapshots(hub_path)) == 1
    hub_path.unlink()
    assert Hub.rebuild(hub_path, "acme") == []  # nothing there: only the empty hub is made
    assert hub_path.is_file()


def test_rebuild_refuses_to_set_aside_another_tenants_hub(hub_path: Path) -> None:
    with pytest.raises(SnapshotError, match="belongs to tenant acme, not other"):
        set_aside(hub_path, "other")
    assert hub_path.is_file()


def test_discard_removes_the_hub_its_log_and_its_snapshots(hub_path: Path) -> None:
    Path(f"{hub_path}.wal").write_bytes(b"log")
    discard_hub(hub_path)
    assert not hub_path.exists()
    assert not Path(f"{hub_path}.wal").exists()
    assert list_snapshots(hub_path) == []
    with Hub.open(hub_path, tenant="acme") as hub:  # a new installation: a fresh hub, no refusal
        assert hub.get_cursor("xero", "invoices") is None
