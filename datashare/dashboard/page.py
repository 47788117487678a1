"""One self-contained HTML page with every dashboard widget: tables, and plotly charts where a widget is a chart.

The page embeds plotly.js once, so it opens offline from a file. Text from the
hub is escaped (jinja2 autoescape); chart data goes through plotly's own JSON,
which escapes ``<`` and ``/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go  # type: ignore[import-untyped]
import plotly.offline  # type: ignore[import-untyped]
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from datashare.dashboard.figures import Rows, open_dashboard, read_view
from datashare.dashboard.health import SyncHealth, has_ledger, sync_health
from datashare.dashboard.views import WIDGETS, Widget
from datashare.store import Hub

__all__ = ["CHARTS", "Chart", "dashboard_path", "render_dashboard", "write_dashboard"]


@dataclass(frozen=True)
class Chart:
    """How a widget is drawn: one trace per value of ``series``, ``y`` against ``x``, from one of its views."""

    view: str
    kind: str  # "bar" or "line"
    x: str
    y: str
    series: str
    x_title: str
    y_title: str
    stacked: bool = False
    category: bool = False  # x values are labels (one bar group each), not a time axis


CHARTS: dict[str, Chart] = {
    "invoice_summary": Chart("invoice_summary_by_month", "bar", "month", "total", "type", "month", "total invoiced"),
    "product_growth": Chart(
        "product_growth", "bar", "month", "sales", "item_code", "month", "sales (net)", stacked=True
    ),
    "accounts_comparison": Chart("accounts_comparison", "line", "month", "value", "name", "month", "amount"),
    "timesheet_totals": Chart(
        "timesheet_totals", "bar", "start_date", "hours", "employee", "period starting", "hours", True, True
    ),
}
"""The widgets that are charts, and what they draw."""

# What the page shows of some views: filters written here (values passed as parameters), columns left out.
_NOISE = {
    "product_growth": "WHERE sales <> 0 OR coalesce(previous_sales, 0) <> 0",
}
_HIDDEN = {
    "balance_sheet": ("key",),
    "accounts_comparison": ("chosen",),
}

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0 2rem 2rem; color: #1d2733; }
header { border-bottom: 2px solid #1d6fa5; margin-bottom: 1rem; }
section { margin: 1.5rem 0 2.5rem; }
h2 { color: #1d6fa5; margin-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.3rem; }
.description, .meta { color: #5b6773; margin-top: 0; }
.scroll { max-height: 28rem; overflow: auto; border: 1px solid #dde3e8; }
table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #eef1f4; text-align: left; white-space: nowrap; }
th { background: #f4f7f9; position: sticky; top: 0; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.chart { height: 380px; }
.no-data { color: #8a949e; font-style: italic; }
.attention { color: #b3261e; font-weight: 600; }
</style>
<script>{{ plotly_js }}</script>
</head>
<body>
{% macro table(t, empty) %}
{% if t.rows %}
<div class="scroll"><table data-view="{{ t.view }}">
<thead><tr>{% for c in t.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in t.rows %}<tr>{% for cell in row %}<td{% if cell.number %} class="number"{% endif %}>{{ cell.text }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table></div>
{% else %}
<p class="no-data">{{ empty }}</p>
{% endif %}
{% endmacro %}
<header>
<h1>{{ title }}</h1>
<p class="meta">As of {{ as_of }}{% if currency %} · amounts in {{ currency }} unless a currency is shown{% endif %}
 · from {{ source }}</p>
</header>
<main>
{% if health %}
<section data-section="sync_health" id="sync_health">
<h2>Sync health</h2>
<p class="description">Whether the hub is up to date: each domain's last successful run, records by state in each app,
the oldest waiting record, and the records that need a person (see <code>datashare why</code> and
<code>datashare retry</code>).</p>
{% if health.attention_count %}<p class="attention">{{ health.attention_count }} record(s) need attention</p>{% endif %}
{% if health.chart %}<div class="chart" data-chart="sync_health">{{ health.chart }}</div>{% endif %}
{% for t in health.tables %}
<h3>{{ t.caption }}</h3>
{{ table(t, t.empty) }}
{% endfor %}
</section>
{% endif %}
{% for w in widgets %}
<section data-widget="{{ w.name }}" id="{{ w.name }}">
<h2>{{ w.title }}</h2>
<p class="description">{{ w.description }}</p>
{% if w.empty %}
<p class="no-data">no data</p>
{% else %}
{% if w.chart %}<div class="chart" data-chart="{{ w.name }}">{{ w.chart }}</div>{% endif %}
{% for t in w.tables %}
{% if w.tables | length > 1 %}<h3>{{ t.caption }}</h3>{% endif %}
{{ table(t, "no data") }}
{% endfor %}
{% endif %}
</section>
{% endfor %}
</main>
</body>
</html>
"""

_CAPTIONS = {
    "sync_runs": "Last successful run per domain",
    "sync_states": "Records by state, per app and entity",
    "sync_oldest_wait": "Oldest waiting record",
    "sync_attention": "Needs attention (failed too often: left alone until retried)",
    "invoice_summary_by_status": "By status",
    "invoice_summary_by_month": "By month (posted invoices and bills)",
    "invoice_summary_aged": "Aged receivables and payables",
}


@dataclass(frozen=True)
class _Cell:
    text: str
    number: bool


def _cell(value: object) -> _Cell:
    if value is None:
        return _Cell("", False)
    if isinstance(value, bool):
        return _Cell("yes" if value else "no", False)
    if isinstance(value, Decimal):
        return _Cell(f"{value:,}", True)
    if isinstance(value, int):
        return _Cell(f"{value:,}", True)
    if isinstance(value, datetime):
        return _Cell(value.isoformat(sep=" ", timespec="minutes"), False)
    if isinstance(value, date):
        return _Cell(value.isoformat(), False)
    return _Cell(str(value), False)


def _table(view: str, rows: Rows) -> dict[str, Any]:
    return {
        "view": view,
        "caption": _CAPTIONS.get(view, view),
        "columns": [c.replace("_", " ") for c in rows.columns],
        "rows": [[_cell(v) for v in row] for row in rows.rows],
    }


def _chart(con: duckdb.DuckDBPyConnection, widget: Widget, chart: Chart, where: str, params: list[object]) -> str:
    """The widget's plotly chart as an HTML fragment (no plotly.js in it), or "" when there is nothing to draw."""
    # One row per series with its points in order: the grouping is SQL's, not a Python loop over records.
    x = f"CAST({chart.x} AS VARCHAR)" if chart.category else chart.x
    series = con.execute(
        f"SELECT {chart.series}, list({x} ORDER BY {chart.x}), list({chart.y} ORDER BY {chart.x}) "
        f"FROM {chart.view} {where} GROUP BY ALL ORDER BY {chart.series}",
        params,
    ).fetchall()
    if not series:
        return ""
    figure = go.Figure()
    for name, xs, ys in series:
        values = [float(y) if y is not None else None for y in ys]  # plotly draws floats; the tables keep Decimals
        if chart.kind == "bar":
            figure.add_trace(go.Bar(name=str(name), x=xs, y=values))
        else:
            figure.add_trace(go.Scatter(name=str(name), x=xs, y=values, mode="lines+markers"))
    figure.update_layout(
        barmode="stack" if chart.stacked else "group",
        margin={"l": 60, "r": 20, "t": 20, "b": 50},
        height=380,
        template="plotly_white",
        xaxis_title=chart.x_title,
        xaxis_type="category" if chart.category else "-",
        yaxis_title=chart.y_title,
        legend={"orientation": "v"},
    )
    html: str = figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{widget.name}",
        config={"displayModeBar": False, "responsive": True},
    )
    return html


def _health(health: SyncHealth) -> dict[str, Any]:
    """The sync-health section's tables, and a stacked bar of records by state per app and entity."""
    parts = (
        ("sync_runs", health.runs, "no run recorded yet"),
        ("sync_states", health.states, "no records yet"),
        ("sync_oldest_wait", health.oldest_wait, "none waiting"),
        ("sync_attention", health.attention, "none"),
    )
    tables = [{**_table(view, rows), "empty": empty} for view, rows, empty in parts]
    return {
        "tables": tables,
        "chart": Markup(_states_chart(health.states)),  # noqa: S704  (plotly's fragment, hub text escaped)
        "attention_count": health.needs_attention(),
    }


def _states_chart(states: Rows) -> str:
    """Records by state as stacked bars, one bar per app and entity ("" when the hub has none)."""
    if not states.rows:
        return ""
    bars = [f"{row[0]} {row[1]}" for row in states.rows]
    figure = go.Figure()
    for state in states.columns[2:-1]:  # the states, not the conflicts (counted beside them)
        counts = states.column(state)
        if any(counts):
            figure.add_trace(go.Bar(name=state, x=bars, y=counts))
    figure.update_layout(
        barmode="stack",
        margin={"l": 60, "r": 20, "t": 20, "b": 120},
        height=380,
        template="plotly_white",
        xaxis_type="category",
        yaxis_title="records",
    )
    html: str = figure.to_html(
        full_html=False, include_plotlyjs=False, div_id="chart-sync-health", config={"displayModeBar": False}
    )
    return html


def _filters(view: str, accounts: list[str] | None) -> tuple[str, list[object]]:
    if view == "accounts_comparison":
        return ("WHERE list_contains(?, code)", [accounts]) if accounts is not None else ("WHERE chosen", [])
    return _NOISE.get(view, ""), []


def render_dashboard(
    con: duckdb.DuckDBPyConnection,
    *,
    title: str,
    source: str = "the hub",
    accounts: list[str] | None = None,
    health: SyncHealth | None = None,
) -> str:
    """The page's HTML from a connection that has the dashboard views (``accounts``: codes to compare).

    ``health``, when given, is shown first, as the sync-health section.
    """
    widgets = []
    for w in WIDGETS:
        tables = []
        for view in w.views:
            where, params = _filters(view.name, accounts)
            rows = read_view(con, view.name, where=where, params=params, hide=_HIDDEN.get(view.name, ()))
            tables.append(_table(view.name, rows))
        chart = ""
        if w.name in CHARTS:
            spec = CHARTS[w.name]
            # A chart draws every point of its series: only the accounts filter applies, not the table's.
            where, params = _filters(spec.view, accounts) if spec.view == "accounts_comparison" else ("", [])
            chart = _chart(con, w, spec, where, params)
        widgets.append(
            {
                "name": w.name,
                "title": w.title,
                "description": w.description,
                "tables": tables,
                # plotly's own fragment: its data is JSON with < and / escaped, so no hub text can close the script.
                "chart": Markup(chart),  # noqa: S704
                "empty": all(not t["rows"] for t in tables),
            }
        )
    [(as_of, currency)] = con.execute(
        "SELECT dashboard_as_of(), (SELECT max(currency) FROM company WHERE deleted_at IS NULL)"
    ).fetchall()
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_TEMPLATE).render(
        title=title,
        as_of=as_of.isoformat(),
        currency=currency,
        source=source,
        # The section's chart is plotly's own fragment, like the widgets' (hub text escaped in its JSON).
        health=_health(health) if health is not None else None,
        widgets=widgets,
        # plotly.js itself (no hub data), once for every chart: the page needs no network.
        plotly_js=Markup(plotly.offline.get_plotlyjs()),  # noqa: S704
    )


def write_dashboard(
    hub_path: str | Path,
    out_path: str | Path,
    *,
    title: str = "datashare dashboard",
    as_of: date | None = None,
    accounts: list[str] | None = None,
    pushes: Iterable[tuple[str, str]] = (),
    history_from: date | None = None,
) -> Path:
    """Write the dashboard of a hub file to ``out_path`` (one HTML file, readable offline); returns its path.

    ``as_of`` is the day the dashboard describes (default today); ``accounts``
    are the account codes the comparison shows (default: bank and revenue accounts).
    ``pushes`` (the tenant's (app, entity) writes) and ``history_from`` (its
    historical-data cutoff) let the sync-health section count the records due to each app.
    """
    hub = Path(hub_path)
    with open_dashboard(hub, as_of=as_of) as con:
        ledger = Hub(hub, con)  # read only: the section's queries only read
        health = sync_health(ledger, pushes, history_from) if has_ledger(ledger) else None
        html = render_dashboard(con, title=title, source=hub.name, accounts=accounts, health=health)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out.resolve()


def dashboard_path(hub_path: str | Path, tenant: str) -> Path:
    """Where a tenant's dashboard page goes by default: beside its hub file."""
    return Path(hub_path).with_name(f"{tenant}-dashboard.html")
