"""``datashare store snapshots`` and ``store restore``; the commands that read a hub refuse a lost one in one line."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datashare.cli.main import app
from datashare.store import Hub, list_snapshots
from datashare.store.run_lock import hold_run_lock
from datashare.store.snapshots import snapshot_folder

runner = CliRunner()
T0 = datetime(2026, 12, 7, 10, 15, 2, tzinfo=UTC)
CONFIG = """
[[tenants]]
name = "acme"
xero_organisation = "Acme"

[tenants.apps.xero]
base_url = "http://127.0.0.1:9/xero"
client_id = "cid"
secrets = { client_secret = "env:T_XERO_SECRET", token_store = "file:tokens/acme.json" }
"""


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """acme's hub (one cursor) with snapshots after run-1 (T0) and run-2 (an hour later), made once."""
    path = tmp_path_factory.mktemp("template") / "acme.duckdb"
    with Hub.open(path, tenant="acme") as hub:
        hub.set_cursor("xero", "invoices", "after-run-1")
        hub.snapshot("run-1", now=T0)
        hub.set_cursor("xero", "invoices", "after-run-2")
        hub.snapshot("run-2", now=T0 + timedelta(hours=1))
    return path


@pytest.fixture
def hub(made_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config in the test's folder and acme's hub where it says (data/acme.duckdb), with its snapshots."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("T_XERO_SECRET", "x")
    monkeypatch.setenv("DATASHARE_CONFIG", str(tmp_path / "tenants.toml"))
    (tmp_path / "tenants.toml").write_text(CONFIG, encoding="utf-8")
    path = Path("data/acme.duckdb")
    path.parent.mkdir()
    shutil.copyfile(made_once, path)
    shutil.copytree(snapshot_folder(made_once), snapshot_folder(path))
    return path


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return " ".join(result.output.split())


def _one_line(*args: str, code: int) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    return result.output.strip()


def _cursor(path: Path) -> str | None:
    with Hub.open(path, tenant="acme") as opened:
        return opened.get_cursor("xero", "invoices")


def test_snapshots_lists_them_newest_first_with_their_names(hub: Path) -> None:
    out = _run("store", "snapshots", "acme")
    listed = re.findall(r"(\S+ \S+) UTC [\d.]+ MB (\S+)", out)
    assert listed == [
        ("2026-12-07 11:15:02", "20261207T111502.000000Z-run-2.duckdb"),
        ("2026-12-07 10:15:02", "20261207T101502.000000Z-run-1.duckdb"),
    ]


def test_snapshots_of_a_hub_without_any_says_so(hub: Path) -> None:
    shutil.rmtree(snapshot_folder(hub))
    assert "no snapshot of data/acme.duckdb yet" in _one_line("store", "snapshots", "acme", code=1)


@pytest.mark.parametrize(
    "command",
    [["store", "stats", "acme"], ["status", "acme"], ["why", "acme", "x"], ["retry", "acme"], ["conflicts", "acme"]],
)
def test_a_command_on_a_lost_hub_names_its_last_snapshot_in_one_line(hub: Path, command: list[str]) -> None:
    hub.unlink()
    line = _one_line(*command, code=2)
    assert "hub data/acme.duckdb is missing; its last snapshot is" in line
    assert "20261207T111502.000000Z-run-2.duckdb" in line
    assert "restore it with `datashare store restore acme`" in line
    assert not hub.exists()


@pytest.mark.parametrize("command", ["plan", "dashboard"])
def test_a_plan_or_dashboard_of_a_lost_hub_is_refused_in_one_line(hub: Path, command: str) -> None:
    hub.unlink()
    assert "hub data/acme.duckdb is missing; its last snapshot is" in _one_line(command, "acme", code=2)


def test_restore_brings_the_newest_snapshot_back_and_sets_the_damaged_hub_aside(hub: Path) -> None:
    hub.write_bytes(b"not a hub" * 100)
    line = _one_line("store", "stats", "acme", code=2)
    assert "cannot be opened" in line
    assert "its last snapshot is" in line

    out = _run("store", "restore", "acme")

    assert "restored data/acme.duckdb from data/acme.duckdb.snapshots/20261207T111502.000000Z-run-2.duckdb" in out
    (aside,) = hub.parent.glob("acme.duckdb.damaged-*")
    assert f"set aside {aside}" in out
    assert aside.read_bytes() == b"not a hub" * 100
    assert _cursor(hub) == "after-run-2"
    assert "schema_migrations" in _run("store", "stats", "acme")


def test_restore_at_an_earlier_snapshot(hub: Path) -> None:
    out = _run("store", "restore", "acme", "--at", "20261207T1015")
    assert "from data/acme.duckdb.snapshots/20261207T101502.000000Z-run-1.duckdb" in out
    assert list(hub.parent.glob("acme.duckdb.replaced-*"))  # the sound hub it replaced is kept too
    assert _cursor(hub) == "after-run-1"


def test_rebuild_starts_an_empty_hub_on_purpose(hub: Path) -> None:
    hub.unlink()
    out = _run("store", "restore", "acme", "--rebuild")
    assert "an empty hub at data/acme.duckdb: the next run links the apps again" in out
    assert _cursor(hub) is None
    assert len(list_snapshots(hub)) == 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--at", "last tuesday"], "no snapshot of data/acme.duckdb is named so"),
        (["--at", "2020-01-01"], "no snapshot of data/acme.duckdb was taken by then"),
        (["--at", "20261207", "--rebuild"], "--at and --rebuild: choose one"),
    ],
)
def test_a_restore_that_cannot_be_done_says_why_in_one_line(hub: Path, args: list[str], says: str) -> None:
    assert says in _one_line("store", "restore", "acme", *args, code=2)
    assert _cursor(hub) == "after-run-2"  # left as it was


def test_restore_without_any_snapshot_says_so(hub: Path) -> None:
    shutil.rmtree(snapshot_folder(hub))
    assert "has no snapshot" in _one_line("store", "restore", "acme", code=2)


def test_restore_of_an_unknown_tenant_names_the_known_ones(hub: Path) -> None:
    assert "no tenant 'nope' (known: acme)" in _one_line("store", "restore", "nope", code=2)


@pytest.mark.parametrize("args", [["store", "restore", "acme"], ["store", "restore", "acme", "--rebuild"]])
def test_restore_is_refused_while_a_run_of_the_tenant_holds_the_hub(hub: Path, args: list[str]) -> None:
    before = hub.read_bytes()
    with hold_run_lock(hub, wait_seconds=0, who="tenant acme"):  # as a run does from its start to its end
        out = _run(*args, code=2)
    assert "acme: a run is going on: tenant acme: another run still holds" in " ".join(out.split())
    assert hub.read_bytes() == before
    assert not list(hub.parent.glob("acme.duckdb.replaced-*"))
