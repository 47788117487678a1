"""The dashboard's views read into plain Python rows, and the main figures a sync run reports.

Reading puts the views on its own connection only (temporary), so nothing is
written to the hub file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from datashare.dashboard.views import create_views, view_names

__all__ = [
    "MainFigures",
    "Rows",
    "main_figures",
    "main_figures_markdown",
    "open_dashboard",
    "read_all",
    "read_view",
]


@dataclass(frozen=True)
class Rows:
    """What one view holds: its column names and its rows, in the view's order."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        """Each row as ``{column: value}``."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        """The values of one column."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


@contextmanager
def open_dashboard(hub_path: str | Path, *, as_of: date | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a hub file with the dashboard views on it (as of ``as_of``, default today).

    The file is opened read-only; where this process already has it open for
    writing (a sync run's hub), the connection joins that one instead. Either
    way the views are temporary: the hub file is not changed.
    """
    path = Path(hub_path)
    if not path.is_file():
        raise FileNotFoundError(f"no hub file at {path}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.ConnectionException:  # open in this process with another configuration: share it
        con = duckdb.connect(str(path))
    try:
        create_views(con, as_of=as_of, temporary=True)
        yield con
    finally:
        con.close()


def read_view(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    where: str = "",
    params: list[object] | None = None,
    hide: tuple[str, ...] = (),
) -> Rows:
    """The rows of a dashboard view, in its order.

    ``where`` is an optional filter written by this package (values go in
    ``params``); ``hide`` names columns to leave out.
    """
    if name not in view_names():
        raise KeyError(f"no dashboard view {name!r}")
    columns = f"* EXCLUDE ({', '.join(hide)})" if hide else "*"
    cursor = con.execute(f"SELECT {columns} FROM {name} {where}", params or [])
    rows = cursor.fetchall()
    return Rows(tuple(d[0] for d in cursor.description or ()), rows)


def read_all(con: duckdb.DuckDBPyConnection) -> dict[str, Rows]:
    """Every widget view, by name."""
    return {name: read_view(con, name) for name in view_names()}


@dataclass(frozen=True)
class MainFigures:
    """Counts and totals a sync run reports (money in the base currency)."""

    as_of: date
    currency: str | None
    customer_invoices: int
    supplier_bills: int
    sales: Decimal
    receivables: Decimal
    overdue_receivables: Decimal
    payables: Decimal
    overdue_payables: Decimal
    cash: Decimal
    total_assets: Decimal
    total_liabilities: Decimal
    total_equity: Decimal
    employees: int
    hours_worked: Decimal


_MAIN_FIGURES = """
SELECT
    dashboard_as_of(),
    (SELECT max(currency) FROM company WHERE deleted_at IS NULL),
    (SELECT count(*) FROM dashboard_invoices WHERE type = 'CUSTOMER'),
    (SELECT count(*) FROM dashboard_invoices WHERE type = 'SUPPLIER'),
    (SELECT dashboard_money(coalesce(sum(base_total), 0)) FROM dashboard_invoices WHERE type = 'CUSTOMER' AND posted),
    coalesce((SELECT amount FROM balance_sheet WHERE key = 'receivables'), 0.00),
    (SELECT dashboard_money(coalesce(sum(base_due), 0)) FROM dashboard_invoices
     WHERE type = 'CUSTOMER' AND overdue_days > 0),
    coalesce((SELECT amount FROM balance_sheet WHERE key = 'payables'), 0.00),
    (SELECT dashboard_money(coalesce(sum(base_due), 0)) FROM dashboard_invoices
     WHERE type = 'SUPPLIER' AND overdue_days > 0),
    (SELECT dashboard_money(coalesce(sum(balance), 0)) FROM account_balances WHERE type = 'BANK'),
    coalesce((SELECT amount FROM balance_sheet WHERE key = 'total_assets'), 0.00),
    coalesce((SELECT amount FROM balance_sheet WHERE key = 'total_liabilities'), 0.00),
    coalesce((SELECT amount FROM balance_sheet WHERE key = 'total_equity'), 0.00),
    (SELECT count(*) FROM employees_list WHERE status = 'ACTIVE'),
    (SELECT dashboard_money(coalesce(sum(hours), 0)) FROM timesheet_totals)
"""


def main_figures(con: duckdb.DuckDBPyConnection) -> MainFigures:
    """The main figures, in one query over the views (``create_views`` must have run on ``con``)."""
    row = con.execute(_MAIN_FIGURES).fetchone()
    if row is None:  # pragma: no cover - a SELECT without FROM always answers one row
        raise RuntimeError("the main figures query answered nothing")
    return MainFigures(*row)


_LABELS = {
    "customer_invoices": "Customer invoices",
    "supplier_bills": "Supplier bills",
    "sales": "Sales (posted customer invoices)",
    "receivables": "Receivables",
    "overdue_receivables": "Receivables overdue",
    "payables": "Payables",
    "overdue_payables": "Payables overdue",
    "cash": "Cash in bank accounts",
    "total_assets": "Total assets",
    "total_liabilities": "Total liabilities",
    "total_equity": "Total equity",
    "employees": "Active employees",
    "hours_worked": "Hours on timesheets",
}


def _figure(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def main_figures_markdown(hub_path: str | Path, *, as_of: date | None = None) -> str:
    """The main figures of a hub as a Markdown table, for a Prefect markdown artifact of a sync run."""
    with open_dashboard(hub_path, as_of=as_of) as con:
        figures = main_figures(con)
    currency = figures.currency or "base currency"
    lines = [
        f"## Main figures as of {figures.as_of.isoformat()} ({currency})",
        "",
        "| figure | value |",
        "| --- | ---: |",
    ]
    lines += [
        f"| {_LABELS[f.name]} | {_figure(getattr(figures, f.name))} |" for f in fields(figures) if f.name in _LABELS
    ]
    return "\n".join(lines) + "\n"
