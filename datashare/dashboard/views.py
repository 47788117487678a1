"""The dashboard widgets as DuckDB views over one tenant's hub, declared as data.

Each widget of the product spec (invoice list, invoice summaries, growth per
product, account balances and comparison, balance sheet, employees list,
timesheets) is one entry of ``WIDGETS``: a name, a title and the SQL of its
view(s). Every view reads the hub's canonical tables only, never an app, and
leaves tombstones out (``deleted_at``, and VOIDED/DELETED documents).

Conventions the views share:

* **As of.** ``dashboard_as_of()`` is the day the dashboard describes: overdue
  days and ageing count to it; documents, payments and journals dated after it
  are left out. ``create_views(con, as_of=...)`` fixes it (tests, reports);
  without it the views follow ``current_date``.
* **Money.** Every figure is ``DECIMAL(18,2)`` (rates ``DECIMAL(18,4)``), never a
  float. Totals over documents are in the company's base currency: a
  foreign-currency amount is divided by the document's rate (Xero's rate is
  units of the foreign currency per unit of the base one) and rounded to cents.
  A foreign amount without a rate has no base amount and stays out of totals.
* **Ledger.** Balances come from the ledger: Xero's GENERATED journals, which
  already include what manual journals, invoices, credit notes, payments and
  transfers posted. MANUAL journals are counted only in a hub that holds no
  generated journal at all, so nothing is counted twice. Amounts are debits
  positive, credits negative, in the base currency.
* **Sign.** A ``balance`` is shown the way its account class reads it: debit
  minus credit for assets and expenses, credit minus debit for liabilities,
  equity and revenue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

__all__ = ["HELPERS", "MACROS", "WIDGETS", "View", "Widget", "create_views", "view_names", "widget"]


@dataclass(frozen=True)
class View:
    """One DuckDB view: its name and the SELECT that defines it."""

    name: str
    sql: str


@dataclass(frozen=True)
class Widget:
    """A dashboard widget: what the page calls it and the view(s) it shows."""

    name: str
    title: str
    description: str
    views: tuple[View, ...]


# Scalar macros every view uses; ``{as_of}`` is a SQL date expression.
MACROS: tuple[str, ...] = (
    "MACRO dashboard_as_of() AS {as_of}",
    "MACRO dashboard_money(x) AS CAST(x AS DECIMAL(18, 2))",
    # Into the base currency: unchanged when it is the base (or the base is unknown), else amount / rate.
    "MACRO dashboard_in_base(x, currency, rate, base) AS CASE WHEN base IS NULL OR currency = base "
    "THEN CAST(x AS DECIMAL(18, 2)) ELSE CAST(round(x / rate, 2) AS DECIMAL(18, 2)) END",
    # Debit-positive amounts read the way the account class reads them.
    "MACRO dashboard_natural(x, class) AS CASE WHEN class IN ('ASSET', 'EXPENSE') THEN x ELSE -x END",
)

_INVOICES = """
WITH base AS (
    SELECT max(currency) AS currency FROM company WHERE deleted_at IS NULL
),
paid AS (
    SELECT line.invoice_id, sum(line.amount) AS amount
    FROM payments AS p, unnest(p.payment_lines) AS u(line)
    WHERE p.deleted_at IS NULL AND p.status <> 'DELETED' AND line.invoice_id IS NOT NULL
      AND p.transaction_date <= dashboard_as_of()
    GROUP BY ALL
),
credited AS (
    SELECT a.invoice_id, sum(a.amount) AS amount
    FROM credit_notes AS c, unnest(c.allocations) AS u(a)
    WHERE c.deleted_at IS NULL AND c.status IN ('AUTHORISED', 'PAID')
      AND coalesce(a.transaction_date, c.transaction_date, dashboard_as_of()) <= dashboard_as_of()
    GROUP BY ALL
),
documents AS (
    SELECT
        i.id,
        i.type,
        i.transaction_number AS number,
        coalesce(o.name, nullif(trim(concat_ws(' ', p.first_name, p.last_name)), ''), p.email) AS contact,
        i.transaction_date,
        i.due_date,
        i.status,
        i.currency,
        i.currency_rate,
        base.currency AS base_currency,
        i.status IN ('AUTHORISED', 'PAID') AS posted,
        coalesce(i.amount.total_amount, 0) AS total,
        coalesce(paid.amount, 0) + coalesce(credited.amount, 0) AS settled
    FROM invoices AS i
    CROSS JOIN base
    LEFT JOIN organizations AS o ON o.id = i.organization_id
    LEFT JOIN people AS p ON p.id = i.person_id
    LEFT JOIN paid ON paid.invoice_id = i.id
    LEFT JOIN credited ON credited.invoice_id = i.id
    WHERE i.deleted_at IS NULL AND i.status NOT IN ('DELETED', 'VOIDED')
      AND (i.transaction_date IS NULL OR i.transaction_date <= dashboard_as_of())
),
due AS (
    SELECT *, CASE WHEN posted THEN greatest(total - settled, 0) ELSE total END AS amount_due
    FROM documents
)
SELECT
    *,
    dashboard_in_base(total, currency, currency_rate, base_currency) AS base_total,
    dashboard_in_base(amount_due, currency, currency_rate, base_currency) AS base_due,
    CASE WHEN posted AND amount_due > 0 AND due_date < dashboard_as_of()
         THEN date_diff('day', due_date, dashboard_as_of()) ELSE 0 END AS overdue_days
FROM due
"""

_ACCOUNTS = """
SELECT
    id, code, name, type, status, deleted_at,
    coalesce(account_class, CASE
        WHEN type IN ('BANK', 'CURRENT', 'FIXED', 'INVENTORY', 'NONCURRENT', 'PREPAYMENT') THEN 'ASSET'
        WHEN type IN ('CURRLIAB', 'LIABILITY', 'TERMLIAB', 'PAYG') THEN 'LIABILITY'
        WHEN type = 'EQUITY' THEN 'EQUITY'
        WHEN type IN ('REVENUE', 'SALES', 'OTHERINCOME') THEN 'REVENUE'
        WHEN type IN ('EXPENSE', 'DIRECTCOSTS', 'OVERHEADS', 'DEPRECIATN') THEN 'EXPENSE'
    END) AS account_class
FROM accounts
"""

_LEDGER = """
WITH ledger_journals AS (
    SELECT *
    FROM journals AS j
    WHERE j.deleted_at IS NULL AND j.status = 'POSTED' AND j.transaction_date <= dashboard_as_of()
      AND (j.type = 'GENERATED'
           OR NOT EXISTS (SELECT 1 FROM journals AS g WHERE g.type = 'GENERATED' AND g.deleted_at IS NULL))
),
lines AS (
    SELECT
        j.id AS journal_id,
        j.transaction_date,
        j.source_type,
        line.account_id,
        line.account_code,
        CASE WHEN j.type = 'GENERATED' THEN line.net_amount
             ELSE line.net_amount + coalesce(line.tax_amount, 0) END AS amount
    FROM ledger_journals AS j, unnest(j.lines) AS u(line)
)
SELECT l.journal_id, l.transaction_date, l.source_type, coalesce(by_id.id, by_code.id) AS account_id, l.amount
FROM lines AS l
LEFT JOIN accounts AS by_id ON by_id.id = l.account_id
LEFT JOIN accounts AS by_code
       ON l.account_id IS NULL AND by_code.code = l.account_code AND by_code.deleted_at IS NULL
"""

HELPERS: tuple[View, ...] = (
    View("dashboard_invoices", _INVOICES),
    View("dashboard_accounts", _ACCOUNTS),
    View("dashboard_ledger", _LEDGER),
)
"""Views the widgets share: live invoices with what is still due, accounts with their class, ledger lines."""

_INVOICE_LIST = """
SELECT
    number, type, contact, transaction_date AS date, due_date, status, currency,
    dashboard_money(total) AS total,
    dashboard_money(amount_due) AS amount_due,
    overdue_days
FROM dashboard_invoices
ORDER BY transaction_date DESC NULLS FIRST, number
"""

_BY_STATUS = """
SELECT
    type, status,
    count(*) AS invoices,
    dashboard_money(sum(base_total)) AS total,
    dashboard_money(sum(base_due)) AS amount_due
FROM dashboard_invoices
GROUP BY ALL
ORDER BY type, status
"""

_BY_MONTH = """
WITH posted AS (
    SELECT type, CAST(date_trunc('month', transaction_date) AS DATE) AS month, base_total, base_due
    FROM dashboard_invoices
    WHERE posted AND transaction_date IS NOT NULL
),
months AS (
    SELECT CAST(unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH)) AS DATE) AS month FROM posted
),
grid AS (
    SELECT m.month, t.type FROM months AS m CROSS JOIN (VALUES ('CUSTOMER'), ('SUPPLIER')) AS t(type)
)
SELECT
    g.month, g.type,
    count(p.type) AS invoices,
    dashboard_money(coalesce(sum(p.base_total), 0)) AS total,
    dashboard_money(coalesce(sum(p.base_due), 0)) AS amount_due
FROM grid AS g
LEFT JOIN posted AS p USING (month, type)
GROUP BY ALL
ORDER BY g.month, g.type
"""

_AGED = """
WITH buckets(position, bucket, low, high) AS (
    VALUES (1, 'current', 0, 0), (2, '1-30', 1, 30), (3, '31-60', 31, 60), (4, '61-90', 61, 90), (5, '90+', 91, NULL)
),
sides(side, type) AS (
    VALUES ('receivables', 'CUSTOMER'), ('payables', 'SUPPLIER')
),
open_documents AS (
    SELECT type, overdue_days, base_due FROM dashboard_invoices WHERE posted AND amount_due > 0
)
SELECT
    s.side, b.bucket,
    count(d.type) AS invoices,
    dashboard_money(coalesce(sum(d.base_due), 0)) AS amount_due
FROM sides AS s
CROSS JOIN buckets AS b
LEFT JOIN open_documents AS d
       ON d.type = s.type AND d.overdue_days >= b.low AND (b.high IS NULL OR d.overdue_days <= b.high)
WHERE EXISTS (SELECT 1 FROM dashboard_invoices WHERE posted)  -- nothing posted, nothing to age
GROUP BY s.side, b.bucket, b.position
ORDER BY s.side DESC, b.position
"""

_PRODUCT_GROWTH = """
WITH lines AS (
    SELECT
        line.item_id,
        CAST(date_trunc('month', d.transaction_date) AS DATE) AS month,
        line.quantity,
        dashboard_in_base(
            coalesce(line.total_price.net_amount,
                     line.quantity * line.unit_price.net_amount * (100 - coalesce(line.reduction_percent, 0)) * 0.01),
            d.currency, d.currency_rate, d.base_currency) AS sales
    FROM dashboard_invoices AS d
    JOIN invoices AS i ON i.id = d.id, unnest(i.lines) AS u(line)
    WHERE d.type = 'CUSTOMER' AND d.posted AND d.transaction_date IS NOT NULL AND line.item_id IS NOT NULL
),
sales AS (
    SELECT item_id, month, sum(quantity) AS quantity, sum(sales) AS sales FROM lines GROUP BY ALL
),
months AS (
    SELECT CAST(unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH)) AS DATE) AS month FROM sales
),
grid AS (
    SELECT s.item_id, m.month FROM (SELECT DISTINCT item_id FROM sales) AS s CROSS JOIN months AS m
),
series AS (
    SELECT
        g.item_id, g.month,
        coalesce(s.quantity, 0) AS quantity,
        coalesce(s.sales, 0) AS sales,
        lag(coalesce(s.sales, 0)) OVER (PARTITION BY g.item_id ORDER BY g.month) AS previous_sales
    FROM grid AS g
    LEFT JOIN sales AS s USING (item_id, month)
)
SELECT
    it.code AS item_code,
    it.name AS item_name,
    s.month,
    dashboard_money(s.quantity) AS quantity,
    dashboard_money(s.sales) AS sales,
    dashboard_money(s.previous_sales) AS previous_sales,
    dashboard_money(s.sales - s.previous_sales) AS growth,
    CASE WHEN s.previous_sales > 0
         THEN CAST(round((s.sales - s.previous_sales) * 100 / s.previous_sales, 1) AS DECIMAL(18, 1)) END
        AS growth_percent
FROM series AS s
JOIN items AS it ON it.id = s.item_id
ORDER BY it.code, s.month
"""

_ACCOUNT_BALANCES = """
WITH totals AS (
    SELECT
        account_id,
        sum(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS debit,
        sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS credit
    FROM dashboard_ledger
    GROUP BY ALL
),
rows AS (
    SELECT a.code, a.name, a.type, a.account_class, coalesce(t.debit, 0) AS debit, coalesce(t.credit, 0) AS credit
    FROM dashboard_accounts AS a
    LEFT JOIN totals AS t ON t.account_id = a.id
    WHERE a.deleted_at IS NULL OR coalesce(t.debit, 0) <> coalesce(t.credit, 0)
    UNION ALL
    SELECT NULL, '(journal lines with no known account)', NULL, NULL, debit, credit
    FROM totals
    WHERE account_id IS NULL AND debit <> credit
)
SELECT
    code, name, type, account_class,
    dashboard_money(debit) AS debit,
    dashboard_money(credit) AS credit,
    dashboard_money(dashboard_natural(debit - credit, account_class)) AS balance
FROM rows
ORDER BY code NULLS LAST, name
"""

_ACCOUNTS_COMPARISON = """
WITH months AS (
    SELECT CAST(unnest(generate_series(
        date_trunc('month', dashboard_as_of()) - INTERVAL 11 MONTH,
        date_trunc('month', dashboard_as_of()),
        INTERVAL 1 MONTH)) AS DATE) AS month
),
first_month AS (
    SELECT min(month) AS month FROM months
),
opening AS (
    SELECT l.account_id, sum(l.amount) AS amount
    FROM dashboard_ledger AS l, first_month AS f
    WHERE l.transaction_date < f.month
    GROUP BY ALL
),
movements AS (
    SELECT account_id, CAST(date_trunc('month', transaction_date) AS DATE) AS month, sum(amount) AS amount
    FROM dashboard_ledger
    GROUP BY ALL
),
series AS (
    SELECT
        a.code, a.name, a.type, a.account_class, m.month,
        coalesce(mv.amount, 0) AS movement,
        coalesce(o.amount, 0)
            + sum(coalesce(mv.amount, 0)) OVER (PARTITION BY a.id ORDER BY m.month) AS closing
    FROM dashboard_accounts AS a
    CROSS JOIN months AS m
    LEFT JOIN movements AS mv ON mv.account_id = a.id AND mv.month = m.month
    LEFT JOIN opening AS o ON o.account_id = a.id
    WHERE a.deleted_at IS NULL
)
SELECT
    code, name, account_class, month,
    dashboard_money(dashboard_natural(movement, account_class)) AS movement,
    dashboard_money(dashboard_natural(closing, account_class)) AS balance,
    -- What the widget compares: a month's movement for income and expenses, the closing balance for the rest.
    CASE WHEN account_class IN ('REVENUE', 'EXPENSE')
         THEN dashboard_money(dashboard_natural(movement, account_class))
         ELSE dashboard_money(dashboard_natural(closing, account_class)) END AS value,
    (type = 'BANK' OR account_class = 'REVENUE') AS chosen
FROM series
ORDER BY code NULLS LAST, name, month
"""

_BALANCE_SHEET = """
WITH year_end AS (
    SELECT
        CAST(split_part(fye, '-', 1) AS INTEGER) AS m,
        CAST(split_part(fye, '-', 2) AS INTEGER) AS d
    FROM (SELECT coalesce(max(financial_year_end), '12-31') AS fye FROM company WHERE deleted_at IS NULL)
),
year_start AS (
    -- The day after the last financial year end before the as-of day.
    SELECT CAST(CASE WHEN dashboard_as_of() > this_end THEN this_end ELSE this_end - INTERVAL 1 YEAR END
                + INTERVAL 1 DAY AS DATE) AS day
    FROM (SELECT make_date(year(dashboard_as_of()), m, 1) + INTERVAL (d - 1) DAY AS this_end FROM year_end)
),
per_account AS (
    SELECT a.account_class, a.code, coalesce(a.name, '(journal lines with no known account)') AS name,
           sum(l.amount) AS amount
    FROM dashboard_ledger AS l
    LEFT JOIN dashboard_accounts AS a ON a.id = l.account_id
    GROUP BY ALL
),
earnings AS (
    SELECT
        coalesce(sum(CASE WHEN l.transaction_date < y.day THEN -l.amount END), 0) AS earlier,
        coalesce(sum(CASE WHEN l.transaction_date >= y.day THEN -l.amount END), 0) AS this_year
    FROM dashboard_ledger AS l
    JOIN dashboard_accounts AS a ON a.id = l.account_id
    CROSS JOIN year_start AS y
    WHERE a.account_class IN ('REVENUE', 'EXPENSE')
),
lines(position, sort, section, code, line, amount, key) AS (
    SELECT 1, 0, 'Assets', code, name, amount, NULL FROM per_account WHERE account_class = 'ASSET' AND amount <> 0
    UNION ALL
    -- Lines of no known account (or class) stand with the liabilities, as a suspense line: the sheet still balances.
    SELECT 2, 0, 'Liabilities', code, name, -amount, NULL FROM per_account
    WHERE (account_class = 'LIABILITY' OR account_class IS NULL) AND amount <> 0
    UNION ALL
    SELECT 3, 0, 'Equity', code, name, -amount, NULL FROM per_account WHERE account_class = 'EQUITY' AND amount <> 0
    UNION ALL
    SELECT 3, 1, 'Equity', NULL, 'Retained earnings (earlier years)', earlier, 'retained_earnings' FROM earnings
    WHERE earlier <> 0
    UNION ALL
    SELECT 3, 2, 'Equity', NULL, 'Current year earnings', this_year, 'current_year_earnings' FROM earnings
),
totals(position, sort, section, code, line, amount, key) AS (
    SELECT 4, 1, 'Totals', NULL, 'Total assets', coalesce(sum(amount) FILTER (WHERE position = 1), 0), 'total_assets'
    FROM lines
    UNION ALL
    SELECT 4, 2, 'Totals', NULL, 'Total liabilities', coalesce(sum(amount) FILTER (WHERE position = 2), 0),
           'total_liabilities'
    FROM lines
    UNION ALL
    SELECT 4, 3, 'Totals', NULL, 'Total equity', coalesce(sum(amount) FILTER (WHERE position = 3), 0), 'total_equity'
    FROM lines
    UNION ALL
    SELECT 4, 4, 'Totals', NULL, 'Total liabilities and equity',
           coalesce(sum(amount) FILTER (WHERE position IN (2, 3)), 0), 'total_liabilities_and_equity'
    FROM lines
),
documents(position, sort, section, code, line, amount, key) AS (
    SELECT 5, 1, 'Open documents', NULL, 'Receivables (open customer invoices less payments and credits)',
           coalesce(sum(base_due) FILTER (WHERE type = 'CUSTOMER'), 0), 'receivables'
    FROM dashboard_invoices WHERE posted
    UNION ALL
    SELECT 5, 2, 'Open documents', NULL, 'Payables (open supplier bills less payments and credits)',
           coalesce(sum(base_due) FILTER (WHERE type = 'SUPPLIER'), 0), 'payables'
    FROM dashboard_invoices WHERE posted
)
SELECT
    section, code, line, dashboard_money(amount) AS amount,
    CASE WHEN position = 5 THEN 'invoices and payments' ELSE 'ledger' END AS basis,
    key
FROM (SELECT * FROM lines UNION ALL SELECT * FROM totals UNION ALL SELECT * FROM documents)
-- A hub with no ledger and no posted document has no balance sheet, not one of zeros.
WHERE EXISTS (SELECT 1 FROM dashboard_ledger) OR EXISTS (SELECT 1 FROM dashboard_invoices WHERE posted)
ORDER BY position, sort, code NULLS LAST, line
"""

_EMPLOYEES_LIST = """
WITH current_salary AS (
    SELECT s.*
    FROM employee_salaries AS s
    JOIN employees AS e ON e.id = s.employee_id
    WHERE s.deleted_at IS NULL AND (s.effective_from IS NULL OR s.effective_from <= dashboard_as_of())
    QUALIFY row_number() OVER (
        PARTITION BY s.employee_id
        ORDER BY (s.pay_item_id IS NOT DISTINCT FROM e.ordinary_pay_item_id) DESC,
                 s.effective_from DESC NULLS LAST, s.id
    ) = 1
)
SELECT
    e.code,
    concat_ws(' ', e.first_name, e.last_name) AS name,
    e.job_title, e.status, e.hired_date, e.email,
    s.type AS salary_type,
    s.currency,
    dashboard_money(s.annual_salary) AS annual_salary,
    CAST(s.hourly_rate AS DECIMAL(18, 4)) AS hourly_rate,
    dashboard_money(s.hours_per_week) AS hours_per_week,
    dashboard_money(coalesce(s.annual_salary, s.hourly_rate * s.hours_per_week * 52)) AS annual_pay
FROM employees AS e
LEFT JOIN current_salary AS s ON s.employee_id = e.id
WHERE e.deleted_at IS NULL
ORDER BY e.last_name, e.first_name, e.code
"""

_TIMESHEET_TOTALS = """
WITH sheets AS (
    SELECT
        ts.employee_id, ts.start_date, ts.end_date, ts.status,
        list_sum(list_transform(flatten(list_transform(ts.lines, lambda l: l.time_activities)), lambda a: a.hours))
            AS activity_hours,
        ts.total_hours
    FROM time_sheets AS ts
    WHERE ts.deleted_at IS NULL AND ts.status <> 'REJECTED' AND ts.start_date <= dashboard_as_of()
)
SELECT
    concat_ws(' ', e.first_name, e.last_name) AS employee,
    e.code AS employee_code,
    s.start_date, s.end_date, s.status,
    dashboard_money(coalesce(s.activity_hours, s.total_hours, 0)) AS hours
FROM sheets AS s
JOIN employees AS e ON e.id = s.employee_id
ORDER BY s.start_date, employee, s.end_date
"""

WIDGETS: tuple[Widget, ...] = (
    Widget(
        "invoice_list",
        "Invoice list",
        "Every live invoice and bill: what it totals, what is still due and how many days it is overdue.",
        (View("invoice_list", _INVOICE_LIST),),
    ),
    Widget(
        "invoice_summary",
        "Invoice summary",
        "Totals by status and by month (posted invoices), and what is owed by how long it is overdue.",
        (
            View("invoice_summary_by_status", _BY_STATUS),
            View("invoice_summary_by_month", _BY_MONTH),
            View("invoice_summary_aged", _AGED),
        ),
    ),
    Widget(
        "product_growth",
        "Growth per product",
        "Sales per item and month (customer invoices, net of tax) and the change on the month before.",
        (View("product_growth", _PRODUCT_GROWTH),),
    ),
    Widget(
        "account_balances",
        "Account balances",
        "Debits, credits and balance of every account, from the ledger's journals.",
        (View("account_balances", _ACCOUNT_BALANCES),),
    ),
    Widget(
        "accounts_comparison",
        "Accounts comparison",
        "Chosen accounts over the last twelve months: movement for income and expenses, closing balance otherwise.",
        (View("accounts_comparison", _ACCOUNTS_COMPARISON),),
    ),
    Widget(
        "balance_sheet",
        "Balance sheet",
        "Assets, liabilities and equity from the ledger; receivables and payables from invoices and payments.",
        (View("balance_sheet", _BALANCE_SHEET),),
    ),
    Widget(
        "employees_list",
        "Employees list",
        "Employees with their current salary or hourly rate.",
        (View("employees_list", _EMPLOYEES_LIST),),
    ),
    Widget(
        "timesheet_totals",
        "Timesheets",
        "Total hours worked per employee and timesheet period.",
        (View("timesheet_totals", _TIMESHEET_TOTALS),),
    ),
)
"""The widgets, in the order the dashboard shows them."""


def widget(name: str) -> Widget:
    """A widget by name (KeyError naming the known ones otherwise)."""
    for found in WIDGETS:
        if found.name == name:
            return found
    raise KeyError(f"no widget {name!r} (known: {', '.join(w.name for w in WIDGETS)})")


def view_names() -> list[str]:
    """Every widget view's name, in page order (the helper views left out)."""
    return [view.name for w in WIDGETS for view in w.views]


def create_views(con: duckdb.DuckDBPyConnection, *, as_of: date | None = None, temporary: bool = False) -> list[str]:
    """Create (or replace) the dashboard's macros and views on a hub connection; returns the widget views' names.

    Idempotent. ``as_of`` fixes the day the views describe (default: the day they
    are read). ``temporary`` makes them live only as long as the connection, so a
    read-only connection can have them and the hub file is left as it was.
    """
    day = "current_date" if as_of is None else f"DATE '{as_of.isoformat()}'"  # a date's ISO form, never text
    kind = "TEMP " if temporary else ""
    for macro in MACROS:
        con.execute(f"CREATE OR REPLACE {kind}{macro.format(as_of=day)}").fetchall()
    for view in (*HELPERS, *(v for w in WIDGETS for v in w.views)):
        con.execute(f"CREATE OR REPLACE {kind}VIEW {view.name} AS {view.sql}").fetchall()
    return view_names()
