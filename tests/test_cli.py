"""The ``datashare`` command line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datashare.cli.main import DEMO_CONFIG, app

runner = CliRunner()


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATASHARE_CONFIG", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    return tmp_path


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("tenants", "store", "demo"):
        assert command in result.output


def test_tenants_shows_what_the_config_says() -> None:
    result = runner.invoke(app, ["tenants", "--config", str(DEMO_CONFIG)])
    assert result.exit_code == 0, result.output
    for text in ("demo-au", "demo-us", "demo-sf", "demo-nz", "Southern Cross Outdoor Co", "vtiger", "salesforce"):
        assert text in result.output


def test_bad_config_exits_with_its_message(in_tmp: Path) -> None:
    (in_tmp / "bad.toml").write_text("[[tenants]]\nname = 'x'\n", encoding="utf-8")
    result = runner.invoke(app, ["tenants", "--config", "bad.toml"])
    assert result.exit_code == 2
    assert "bad.toml: tenant 'x': xero_organisation: missing" in result.output


def test_missing_default_config_is_named() -> None:
    result = runner.invoke(app, ["tenants"])
    assert result.exit_code == 2
    assert "datashare.toml: no such config file" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The demo's tenants of each kind: a CRM with a time tracker, Salesforce, the shops (sharing demo-au's Xero
# organisation). demo-us repeats demo-au in the US; demo-nz's Skipped HR run is tested in tests/flows.
DEMO_KINDS = ("demo-au", "demo-sf", "demo-shop")


@pytest.mark.e2e
def test_demo_runs_every_flow_twice_and_the_second_run_writes_nothing_again(in_tmp: Path) -> None:
    port = _free_port()
    config = in_tmp / "demo.toml"
    blocks = DEMO_CONFIG.read_text(encoding="utf-8").split("[[tenants]]")
    kept = [b for b in blocks[1:] if b.split('"')[1] in DEMO_KINDS]
    config.write_text("[[tenants]]".join([blocks[0], *kept]).replace(":8750/", f":{port}/"), encoding="utf-8")
    result = runner.invoke(app, ["demo", "--config", str(config), "--port", str(port)])
    assert result.exit_code == 0, result.output
    for tenant in DEMO_KINDS:
        assert (in_tmp / "data" / f"{tenant}.duckdb").exists()
        assert f"{tenant}: second run (incremental)" in result.output
    assert "demo-sf: connected to the Salesforce org at" in result.output
    for tenant in DEMO_KINDS:
        page = in_tmp / "data" / f"{tenant}-dashboard.html"
        assert f"{tenant}: {page}" in result.output.replace("\n", "")
        assert 'data-widget="invoice_list"' in page.read_text(encoding="utf-8")
    for tenant, after in zip(DEMO_KINDS, (*DEMO_KINDS[1:], "dashboards"), strict=True):
        second = result.output.split(f"{tenant}: second run (incremental)")[1].split(after)[0]
        rows = [[c.strip() for c in line.split("│")[1:-1]] for line in second.splitlines() if line.startswith("│")]
        assert {row[1] for row in rows} >= {"Contacts", "Invoices", "Accounts", "Payments", "push"}  # both flows ran
        pushed = [row for row in rows if row[1] == "push"]
        assert all(row[5] == row[6] == row[9] == "0" for row in pushed), tenant  # nothing written to any app
        # Nothing new in the hub but Xero's own ledger of the first run's payments, nothing changed but what
        # Xero changed itself: stock moved by the invoices the first run sent, invoices and refunds it paid.
        pulled = [row for row in rows if row[1] != "push"]
        assert {(row[0], row[1]) for row in pulled if row[5] != "0"} <= {("xero", "Journals")}, tenant
        assert {(row[0], row[1]) for row in pulled if row[6] != "0"} <= {
            ("xero", "Items"),
            ("xero", "Invoices"),
            ("xero", "CreditNotes"),
        }, tenant
    stats = runner.invoke(app, ["store", "stats", "demo-au", "--config", str(config)])
    assert stats.exit_code == 0, stats.output
    assert "invoices" in stats.output


def test_store_stats_of_a_tenant_without_a_store_says_so() -> None:
    result = runner.invoke(app, ["store", "stats", "demo-au", "--config", str(DEMO_CONFIG)])
    assert result.exit_code == 1
    assert "no hub store yet" in result.output


def test_store_stats_of_an_unknown_tenant_lists_the_known_ones() -> None:
    result = runner.invoke(app, ["store", "stats", "nope", "--config", str(DEMO_CONFIG)])
    assert result.exit_code == 2
    assert "no tenant 'nope'" in result.output
