"""The dashboard page: one section per widget, plotly.js once, text escaped, "no data" when empty; and its command."""

from __future__ import annotations

import re
import shutil
from datetime import date
from html import escape
from pathlib import Path

import typer
from typer.testing import CliRunner

from datashare.cli.dashboard import dashboard
from datashare.dashboard import CHARTS, WIDGETS, write_dashboard
from datashare.store import Hub
from tests.dashboard.ledger import ERROR, LedgerHub
from tests.stub_apps import xero_only_config

SECTION = re.compile(r'<section data-widget="([a-z_]+)"[^>]*>(.*?)</section>', re.S)
HEALTH = re.compile(r'<section data-section="sync_health"[^>]*>(.*?)</section>', re.S)
HOSTILE = '<script>alert("hub")</script>'


def sections(html: str) -> dict[str, str]:
    return dict(SECTION.findall(html))


def test_the_page_has_a_titled_section_per_widget_a_chart_where_one_is_drawn_and_plotly_js_once(
    hub_path: Path, tmp_path: Path, as_of: date
) -> None:
    path = write_dashboard(hub_path, tmp_path / "out" / "page.html", title="Southern Cross", as_of=as_of)
    html = path.read_text(encoding="utf-8")
    found = sections(html)
    assert list(found) == [w.name for w in WIDGETS]
    for w in WIDGETS:
        body = found[w.name]
        assert f"<h2>{w.title}</h2>" in body
        assert "no data" not in body
        assert ('class="plotly-graph-div"' in body) == (w.name in CHARTS), w.name
    assert html.count("Plotly.newPlot(") == len(CHARTS) + 1  # and the sync-health section's
    assert len(re.findall(r"plotly\.js v\d", html)) == 1  # the library is embedded once
    assert not re.search(r"<script[^>]+src=", html)  # and nothing is fetched: the page reads offline
    assert f"As of {as_of.isoformat()}" in html


def test_the_accounts_compared_are_the_ones_asked_for(hub_path: Path, tmp_path: Path, as_of: date) -> None:
    html = write_dashboard(hub_path, tmp_path / "page.html", as_of=as_of, accounts=["630"]).read_text(encoding="utf-8")
    comparison = sections(html)["accounts_comparison"]
    assert "Inventory" in comparison
    assert "Business Bank Account" not in comparison


def test_text_from_the_hub_is_escaped_in_tables_and_charts(hub_path: Path, tmp_path: Path, as_of: date) -> None:
    copy = tmp_path / "hub.duckdb"
    shutil.copy(hub_path, copy)
    with Hub.open(copy) as hub:
        hub.query("UPDATE organizations SET name = ?", HOSTILE)
        hub.query("UPDATE items SET code = ? || code", HOSTILE)
        hub.query("UPDATE employees SET first_name = ?", HOSTILE)
    html = write_dashboard(copy, tmp_path / "page.html", title=HOSTILE, as_of=as_of).read_text(encoding="utf-8")
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&#34;hub&#34;)&lt;/script&gt;" in sections(html)["invoice_list"]
    assert "\\u003cscript\\u003ealert" in sections(html)["product_growth"]  # chart data: plotly's escaped JSON


def test_every_widget_of_an_empty_hub_says_no_data(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    Hub.open(empty).close()
    html = write_dashboard(empty, tmp_path / "page.html").read_text(encoding="utf-8")
    found = sections(html)
    assert list(found) == [w.name for w in WIDGETS]
    assert all('<p class="no-data">no data</p>' in body for body in found.values())
    assert "Plotly.newPlot(" not in html
    [health] = HEALTH.findall(html)
    for empty in ("no run recorded yet", "no records yet", "none waiting", "none"):
        assert f'<p class="no-data">{empty}</p>' in health


def test_the_sync_health_section_comes_first_with_runs_states_the_oldest_wait_and_attention(
    ledger_hub: LedgerHub, tmp_path: Path, as_of: date
) -> None:
    html = write_dashboard(ledger_hub.path, tmp_path / "page.html", as_of=as_of, pushes=ledger_hub.pushes).read_text(
        encoding="utf-8"
    )
    [health] = HEALTH.findall(html)
    assert html.index('data-section="sync_health"') < html.index("data-widget=")
    assert "<h2>Sync health</h2>" in health
    for view in ("sync_runs", "sync_states", "sync_oldest_wait", "sync_attention"):
        assert f'<table data-view="{view}">' in health
    assert 'class="plotly-graph-div"' in health  # records by state, drawn
    assert "1 record(s) need attention" in health
    runs = health[health.index('data-view="sync_runs"') :]
    assert "crm_sales" in runs
    assert "FAILED" in runs
    oldest = health[health.index('data-view="sync_oldest_wait"') : health.index('data-view="sync_attention"')]
    assert escape(ledger_hub.waiting) in oldest
    attention = health[health.index('data-view="sync_attention"') :]
    assert escape(ledger_hub.attention) in attention
    assert ERROR in attention
    assert "sEcReT" not in html  # the vendor's message reaches the page with its secrets masked


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(dashboard)
    return app


def _config(tmp_path: Path, store: Path) -> Path:
    return xero_only_config(tmp_path, "demo-au", store)


def test_the_dashboard_command_writes_the_tenants_page_beside_its_hub_and_prints_the_path(
    hub_path: Path, tmp_path: Path
) -> None:
    store = tmp_path / "data" / "demo-au.duckdb"
    store.parent.mkdir()
    shutil.copy(hub_path, store)
    result = CliRunner().invoke(_cli(), ["demo-au", "--config", str(_config(tmp_path, store)), "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == (tmp_path / "data" / "demo-au-dashboard.html").resolve()
    assert "As of 2026-01-01" in path.read_text(encoding="utf-8")


def test_the_dashboard_command_says_when_the_tenant_has_no_hub_yet(tmp_path: Path) -> None:
    result = CliRunner().invoke(_cli(), ["demo-au", "--config", str(_config(tmp_path, tmp_path / "none.duckdb"))])
    assert result.exit_code == 1
    assert "no hub store yet" in result.output
