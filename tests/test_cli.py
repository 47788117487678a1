"""The ``datashare`` command line."""

from __future__ import annotations

import json
import re
import socket
import typing as t
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datashare.cli.main import DEMO_CONFIG, app
from datashare.store import Hub

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


def _runs(hub_path: Path) -> list[list[dict[str, t.Any]]]:
    """The summary rows of every domain run the hub recorded, oldest first."""
    with Hub.open(hub_path) as hub:
        return [json.loads(summary) for (summary,) in hub.query("SELECT summary FROM runs ORDER BY started_at")]


@pytest.mark.e2e
def test_demo_runs_every_flow_twice_and_the_second_run_writes_nothing_again(in_tmp: Path) -> None:
    port = _free_port()
    config = in_tmp / "demo.toml"
    blocks = DEMO_CONFIG.read_text(encoding="utf-8").split("[[tenants]]")
    kept = [b for b in blocks[1:] if b.split('"')[1] in DEMO_KINDS]
    config.write_text("[[tenants]]".join([blocks[0], *kept]).replace(":8750/", f":{port}/"), encoding="utf-8")
    with socket.socket() as taken:  # another demo, or `make ui`, holds the port the config names
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = runner.invoke(app, ["demo", "--config", str(config), "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"port {port} is taken" in result.output
    # A person reads it: Prefect's own log lines went to a file, the screen has the summaries.
    assert "Task run" not in result.output
    assert "Flow run" not in result.output
    assert "Prefect's log lines go to" in result.output
    assert len(result.output.splitlines()) < 60 * len(DEMO_KINDS), len(result.output.splitlines())
    assert "demo-sf: connected to Xero organisation 'Redwood Trail Bikes' and the Salesforce org at" in result.output
    flat = result.output.replace("\n", "")
    for tenant in DEMO_KINDS:
        hub_path = in_tmp / "data" / f"{tenant}.duckdb"
        page = in_tmp / "data" / f"{tenant}-dashboard.html"
        assert str(hub_path) in flat
        assert str(page) in flat
        assert 'data-widget="invoice_list"' in page.read_text(encoding="utf-8")
        second_line = next(line for line in result.output.splitlines() if f"{tenant}: second run" in line)
        # The one write a second run may make: the stock of vTiger's products and the shops' follows Xero's,
        # which the first run's sales moved. Three shops' counts wrap the line: it is read on, flattened.
        rest = flat[flat.index(f"{tenant}: second run") :]
        stock = r"(?:vtiger|shopify|magento|neto) items [\d,]+ updated"
        assert "nothing written to any app" in second_line or re.match(
            rf"[^;]*; written: {stock}(?: · {stock})*(?! · )", rest
        ), rest[:400]
        runs = _runs(hub_path)
        second = [row for run in runs[len(runs) // 2 :] for row in run]
        assert {row["stream"] for row in second} >= {"Contacts", "Invoices", "Accounts", "Payments", "push"}
        pushed = [row for row in second if row["stream"] == "push"]
        assert all(row["created"] == row["deleted"] == 0 for row in pushed), tenant
        stock_followers = {(app, "items") for app in ("vtiger", "shopify", "magento", "neto")}
        assert all(not row["updated"] for row in pushed if (row["app"], row["entity"]) not in stock_followers), tenant
        # Nothing new in the hub but Xero's own ledger of the first run's payments, nothing changed but what
        # Xero changed itself: stock moved by the invoices the first run sent, invoices and refunds it paid,
        # quotes those invoices were made from.
        pulled = [row for row in second if row["stream"] != "push"]
        assert {(row["app"], row["stream"]) for row in pulled if row["created"]} <= {("xero", "Journals")}, tenant
        assert {(row["app"], row["stream"]) for row in pulled if row["updated"]} <= {
            ("xero", "Items"),
            ("xero", "Invoices"),
            ("xero", "CreditNotes"),
            ("xero", "Quotes"),  # marked INVOICED by Xero once the first run's invoices named them
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
