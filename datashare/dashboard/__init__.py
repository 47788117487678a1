"""Dashboards on the hub: the product spec's widgets as DuckDB views, their figures, and one HTML page.

* ``create_views(con, as_of=...)``: the widgets' views on a hub connection (``views``).
* ``main_figures_markdown(hub_path)``: counts and totals for a sync run's Prefect artifact (``figures``).
* ``write_dashboard(hub_path, out_path, title=..., as_of=...)``: the page, tables and plotly charts (``page``).
* ``sync_health(hub, pushes)``: the page's sync-health section, from the record ledger (``health``).
"""

from datashare.dashboard.figures import (
    MainFigures,
    Rows,
    main_figures,
    main_figures_markdown,
    open_dashboard,
    read_all,
    read_view,
)
from datashare.dashboard.health import ATTENTION_LISTED, SyncHealth, has_ledger, look_further_markdown, sync_health
from datashare.dashboard.page import CHARTS, Chart, dashboard_path, render_dashboard, write_dashboard
from datashare.dashboard.views import HELPERS, MACROS, WIDGETS, View, Widget, create_views, view_names, widget

__all__ = [
    "ATTENTION_LISTED",
    "CHARTS",
    "HELPERS",
    "MACROS",
    "WIDGETS",
    "Chart",
    "MainFigures",
    "Rows",
    "SyncHealth",
    "View",
    "Widget",
    "create_views",
    "dashboard_path",
    "has_ledger",
    "look_further_markdown",
    "main_figures",
    "main_figures_markdown",
    "open_dashboard",
    "read_all",
    "read_view",
    "render_dashboard",
    "sync_health",
    "view_names",
    "widget",
    "write_dashboard",
]
