"""``datashare conflicts TENANT`` lists the open conflicts; ``datashare conflicts resolve`` keeps a side."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from datashare.cli.main import app
from datashare.store import Hub
from datashare.sync.merge import Policy
from tests.sync.test_conflicts import CONFIG, both_changed

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tenant ``acme`` whose hub holds one open conflict: a customer's email, won by vTiger by policy."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATASHARE_CONFIG", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "tenants.toml"
    path.write_text(CONFIG.format(policy='policy = { organizations = "vtiger" }'), encoding="utf-8")
    with Hub.open(tmp_path / "data" / "acme.duckdb") as hub:
        both_changed(hub, {"organizations": Policy("vtiger")})
    return path


def _hub_id(tmp_path: Path) -> UUID:
    with Hub.open(tmp_path / "data" / "acme.duckdb") as hub:
        return UUID(str(hub.query("SELECT id FROM organizations")[0][0]))


def test_the_open_conflicts_are_listed_with_both_values_and_who_won(config: Path) -> None:
    result = runner.invoke(app, ["conflicts", "acme", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.output.splitlines() if "Acme Pty Ltd" in line]
    for shown in ("organizations", "email", "x@acme.example", "vtiger", "crm@acme.example", "vtiger wins"):
        assert shown in row
    assert "datashare conflicts resolve acme ID --keep hub|app" in result.output
    assert "no open conflicts" in runner.invoke(app, ["conflicts", "acme", "-c", str(config), "-e", "items"]).output


def test_a_conflict_resolved_by_hand_keeps_that_side_and_leaves_the_list(config: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["conflicts", "resolve", "acme", "1", "--keep", "hub", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "conflict 1: organizations 'Acme Pty Ltd' email = x@acme.example (written to the apps on the next run)" in (
        result.output
    )
    with Hub.open(tmp_path / "data" / "acme.duckdb") as hub:
        assert hub.query("SELECT email FROM organizations") == [("x@acme.example",)]
    assert "acme: no open conflicts" in runner.invoke(app, ["conflicts", "acme", "-c", str(config)]).output
    every = runner.invoke(app, ["conflicts", "acme", "-c", str(config), "--all"]).output
    assert "hub (" in every  # resolved: kept the hub's side, and when

    again = runner.invoke(app, ["conflicts", "resolve", "acme", "1", "--keep", "app", "--config", str(config)])
    assert again.exit_code == 1
    assert "conflict 1 was resolved already (kept hub)" in again.output


def test_every_open_conflict_of_a_record_is_resolved_at_once(config: Path, tmp_path: Path) -> None:
    hub_id = _hub_id(tmp_path)
    result = runner.invoke(
        app, ["conflicts", "resolve", "acme", "--record", str(hub_id), "--keep", "app", "-c", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert "email = crm@acme.example (the hub holds it already)" in result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["resolve", "acme", "--keep", "hub"], 2, "name the conflicts: their ids, --record HUB_ID or --entity ENTITY"),
        (["resolve", "acme", "7", "--keep", "hub"], 1, "acme: no conflict 7"),
        (["resolve", "acme", "--record", "nope", "--keep", "hub"], 2, "--record: not a hub id: 'nope'"),
        (["acme", "--entity", "gizmos"], 2, "unknown entity 'gizmos'"),
        (["nope"], 2, "no tenant 'nope' (known: acme)"),
    ],
)
def test_a_request_that_cannot_be_done_says_why(config: Path, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["conflicts", *args, "--config", str(config)])
    assert result.exit_code == code, result.output
    assert message in result.output
