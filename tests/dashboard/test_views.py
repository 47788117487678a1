"""Each widget view's figures against totals computed from the Xero sandbox's own records."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from datashare.dashboard import (
    create_views,
    look_further_markdown,
    main_figures,
    main_figures_markdown,
    open_dashboard,
    read_view,
    sync_health,
    view_names,
)
from datashare.store import Hub
from datashare.sync.ledger import STATES, needing_attention
from sandbox.xero import OrgBook
from tests.dashboard.books import (
    POSTED,
    SIDE,
    account_classes,
    bucket,
    in_base,
    item_sales,
    ledger,
    live_invoices,
    overdue_days,
    unpaid,
)
from tests.dashboard.ledger import ERROR, RUNS, WAITING_SINCE, LedgerHub


def rows(hub_path: Path, view: str, as_of: date) -> list[dict[str, Any]]:
    with open_dashboard(hub_path, as_of=as_of) as con:
        return read_view(con, view).dicts()


def sheet(hub_path: Path, as_of: date) -> dict[str, Decimal]:
    return {r["key"]: r["amount"] for r in rows(hub_path, "balance_sheet", as_of) if r["key"]}


def test_the_invoice_list_shows_every_live_invoice_with_what_is_due_and_days_overdue(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    expected = {
        i["InvoiceNumber"]: (SIDE[i["Type"]], i["Status"], i["Total"], i["AmountDue"], overdue_days(i, as_of))
        for i in live_invoices(book, as_of)
    }
    listed = {
        r["number"]: (r["type"], r["status"], r["total"], r["amount_due"], r["overdue_days"])
        for r in rows(hub_path, "invoice_list", as_of)
    }
    assert listed == expected
    gone = {i["InvoiceNumber"] for i in book.table("Invoices").values() if i["Status"] in {"DELETED", "VOIDED"}}
    assert gone
    assert not gone & set(listed)
    assert any(days > 0 for *_, days in listed.values())


def test_invoice_totals_by_status_are_the_seeded_totals_in_the_base_currency(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    expected: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for i in live_invoices(book, as_of):
        entry = expected[SIDE[i["Type"]], i["Status"]]
        entry[0] += 1
        entry[1] += in_base(i["Total"], i)
        entry[2] += in_base(i["AmountDue"], i)
    got = {
        (r["type"], r["status"]): [r["invoices"], r["total"], r["amount_due"]]
        for r in rows(hub_path, "invoice_summary_by_status", as_of)
    }
    assert got == dict(expected)
    assert any(i["CurrencyCode"] != "AUD" for i in live_invoices(book, as_of))  # conversion is exercised


def test_invoice_totals_by_month_count_posted_invoices_and_bills_only(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    expected: dict[tuple[date, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for i in live_invoices(book, as_of):
        if i["Status"] in POSTED:
            entry = expected[i["Date"].replace(day=1), SIDE[i["Type"]]]
            entry[0] += 1
            entry[1] += in_base(i["Total"], i)
    got = {
        (r["month"], r["type"]): [r["invoices"], r["total"]] for r in rows(hub_path, "invoice_summary_by_month", as_of)
    }
    assert {k: v for k, v in got.items() if v[0]} == dict(expected)
    assert all(v == [0, Decimal(0)] for k, v in got.items() if k not in expected)  # months between are shown empty


def test_aged_receivables_and_payables_put_each_unpaid_invoice_in_its_overdue_bucket(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    expected: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for i in live_invoices(book, as_of):
        if i["Status"] in POSTED and i["AmountDue"] > 0:
            side = "receivables" if i["Type"] == "ACCREC" else "payables"
            entry = expected[side, bucket(overdue_days(i, as_of))]
            entry[0] += 1
            entry[1] += in_base(i["AmountDue"], i)
    aged = rows(hub_path, "invoice_summary_aged", as_of)
    assert [(r["side"], r["bucket"]) for r in aged] == [
        (side, b) for side in ("receivables", "payables") for b in ("current", "1-30", "31-60", "61-90", "90+")
    ]
    assert {(r["side"], r["bucket"]): [r["invoices"], r["amount_due"]] for r in aged if r["invoices"]} == dict(expected)
    receivables = sum((r["amount_due"] for r in aged if r["side"] == "receivables"), Decimal(0))
    assert receivables == unpaid(book, as_of, "ACCREC")


def test_growth_per_product_is_each_items_monthly_sales_and_the_change_on_the_month_before(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    expected = item_sales(book, as_of)
    growth = rows(hub_path, "product_growth", as_of)
    assert {(r["item_code"], r["month"]): r["sales"] for r in growth if r["sales"]} == expected
    by_key = {(r["item_code"], r["month"]): r["sales"] for r in growth}
    checked = 0
    for r in growth:
        before = (r["month"] - timedelta(days=1)).replace(day=1)
        if (r["item_code"], before) in by_key:
            assert r["previous_sales"] == by_key[r["item_code"], before]
            assert r["growth"] == r["sales"] - r["previous_sales"]
            checked += 1
        else:
            assert r["previous_sales"] is None  # the first month has nothing to grow from
    assert checked > 0
    assert any(r["growth_percent"] is not None and r["growth_percent"] > 0 for r in growth)


def test_account_balances_are_the_ledger_journals_summed_per_account(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    expected = ledger(book, as_of)
    classes = account_classes(book)
    got = {r["code"]: r for r in rows(hub_path, "account_balances", as_of)}
    assert set(got) == {a["Code"] for a in book.table("Accounts").values() if a["Status"] != "DELETED"}
    for code, r in got.items():
        debit_minus_credit = expected.get(code, Decimal(0))
        assert r["debit"] - r["credit"] == debit_minus_credit, code
        natural = debit_minus_credit if classes[code] in {"ASSET", "EXPENSE"} else -debit_minus_credit
        assert r["balance"] == natural, code


def test_the_balance_sheet_balances_and_its_receivables_are_the_unpaid_customer_invoices(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    totals = sheet(hub_path, as_of)
    assert totals["total_assets"] == totals["total_liabilities"] + totals["total_equity"]
    assert totals["total_liabilities_and_equity"] == totals["total_assets"]
    balances, classes = ledger(book, as_of), account_classes(book)
    assets = sum((v for code, v in balances.items() if classes[code] == "ASSET"), Decimal(0))
    liabilities = -sum((v for code, v in balances.items() if classes[code] == "LIABILITY"), Decimal(0))
    assert (totals["total_assets"], totals["total_liabilities"]) == (assets, liabilities)
    assert totals["receivables"] == unpaid(book, as_of, "ACCREC") > 0
    assert totals["payables"] == unpaid(book, as_of, "ACCPAY") > 0


def test_a_balance_sheet_of_an_earlier_day_leaves_later_journals_out_and_still_balances(
    hub_path: Path, book: OrgBook
) -> None:
    day = date(2025, 6, 30)
    totals = sheet(hub_path, day)
    classes = account_classes(book)
    assets = sum((v for code, v in ledger(book, day).items() if classes[code] == "ASSET"), Decimal(0))
    assert totals["total_assets"] == assets != sheet(hub_path, date(2026, 1, 1))["total_assets"]
    assert totals["total_assets"] == totals["total_liabilities"] + totals["total_equity"]


def test_the_accounts_comparison_closes_each_month_at_the_ledger_balance_of_its_end(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    bank = rows(hub_path, "accounts_comparison", as_of)
    months = sorted({r["month"] for r in bank})
    assert len(months) == 12
    assert months[-1] == as_of.replace(day=1)
    chosen = {r["code"] for r in bank if r["chosen"]}
    banks = {a["Code"] for a in book.table("Accounts").values() if a["Type"] == "BANK" or a["Class"] == "REVENUE"}
    assert chosen == banks
    for r in (r for r in bank if r["code"] == "090"):
        month_end = (r["month"] + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        assert r["balance"] == ledger(book, month_end).get("090", Decimal(0)), r["month"]
    sales = [r for r in bank if r["code"] == "200"]
    assert sum((r["movement"] for r in sales), Decimal(0)) == -(
        ledger(book, as_of).get("200", Decimal(0)) - ledger(book, months[0] - timedelta(days=1)).get("200", Decimal(0))
    )


def test_the_employees_list_shows_each_employee_with_their_current_pay(
    hub_path: Path, book: OrgBook, as_of: date
) -> None:
    expected = {}
    for e in book.payroll.table("Employees").values():
        [line] = e["PayTemplate"]["EarningsLines"]
        annual = line.get("AnnualSalary") or line["RatePerUnit"] * line["NumberOfUnitsPerWeek"] * 52
        expected[e["Email"]] = (f"{e['FirstName']} {e['LastName']}", line.get("RatePerUnit"), Decimal(annual))
    got = {r["email"]: (r["name"], r["hourly_rate"], r["annual_pay"]) for r in rows(hub_path, "employees_list", as_of)}
    assert got == expected


def test_timesheet_hours_are_the_hours_of_the_seeded_timesheets(hub_path: Path, book: OrgBook, as_of: date) -> None:
    names = {e["EmployeeID"]: f"{e['FirstName']} {e['LastName']}" for e in book.payroll.table("Employees").values()}
    expected: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for sheet_ in book.payroll.table("Timesheets").values():
        expected[names[sheet_["EmployeeID"]], sheet_["StartDate"]] += sum(
            (sum(line["NumberOfUnits"], Decimal(0)) for line in sheet_["TimesheetLines"]), Decimal(0)
        )
    got = {(r["employee"], r["start_date"]): r["hours"] for r in rows(hub_path, "timesheet_totals", as_of)}
    assert got == dict(expected)
    assert sum(got.values()) == sum((s["Hours"] for s in book.payroll.table("Timesheets").values()), Decimal(0)) > 0


def test_a_record_made_a_tombstone_leaves_the_widgets(
    hub_path: Path, tmp_path: Path, book: OrgBook, as_of: date
) -> None:
    copy = tmp_path / "hub.duckdb"
    shutil.copy(hub_path, copy)
    with Hub.open(copy) as hub:
        [(invoice_id, number, due)] = hub.query(
            "SELECT id, transaction_number, balance FROM invoices WHERE type = 'CUSTOMER' AND status = 'AUTHORISED' "
            "AND currency = 'AUD' ORDER BY transaction_number LIMIT 1"
        )
        [(employee_id, email)] = hub.query("SELECT id, email FROM employees ORDER BY email LIMIT 1")
        [(sheet_id, hours)] = hub.query("SELECT id, total_hours FROM time_sheets ORDER BY total_hours LIMIT 1")
        assert hub.mark_deleted("invoices", [invoice_id]) == 1
        assert hub.mark_deleted("employees", [employee_id]) == 1
        assert hub.mark_deleted("time_sheets", [sheet_id]) == 1
    assert number not in {r["number"] for r in rows(copy, "invoice_list", as_of)}
    assert sheet(copy, as_of)["receivables"] == unpaid(book, as_of, "ACCREC") - due
    assert email not in {r["email"] for r in rows(copy, "employees_list", as_of)}
    seeded = sum((s["Hours"] for s in book.payroll.table("Timesheets").values()), Decimal(0))
    assert sum(r["hours"] for r in rows(copy, "timesheet_totals", as_of)) == seeded - hours


def test_every_figure_of_every_view_is_a_decimal_or_an_integer_never_a_float(hub_path: Path, as_of: date) -> None:
    with open_dashboard(hub_path, as_of=as_of) as con:
        types = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE list_contains(?, table_name)",
            [view_names()],
        ).fetchall()
    assert {t for t, _, _ in types} == set(view_names())
    assert [(t, c, d) for t, c, d in types if d in {"DOUBLE", "FLOAT", "REAL"}] == []
    assert {d for _, c, d in types if c in {"total", "amount_due", "sales", "balance", "amount", "hours"}} == {
        "DECIMAL(18,2)"
    }


def test_views_created_twice_in_the_hub_file_stay_there_and_the_hub_still_migrates(
    hub_path: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "hub.duckdb"
    shutil.copy(hub_path, copy)
    con = duckdb.connect(str(copy))
    assert create_views(con) == create_views(con) == view_names()
    con.close()
    with Hub.open(copy) as hub:  # the views sit beside the canonical tables without upsetting the migrations
        assert hub.migrations_applied == []
        [(count,)] = hub.query("SELECT count(*) FROM invoice_list")
        assert count > 0
        before = date.today()
        [(day,)] = hub.query("SELECT dashboard_as_of()")
        assert before <= day <= date.today()  # stored views follow the day they are read (even across midnight)


def test_main_figures_report_counts_and_totals_of_the_hub(hub_path: Path, book: OrgBook, as_of: date) -> None:
    with open_dashboard(hub_path, as_of=as_of) as con:
        figures = main_figures(con)
    live = live_invoices(book, as_of)
    assert figures.customer_invoices == sum(1 for i in live if i["Type"] == "ACCREC")
    assert figures.supplier_bills == sum(1 for i in live if i["Type"] == "ACCPAY")
    assert figures.receivables == unpaid(book, as_of, "ACCREC")
    assert figures.cash == sum((ledger(book, as_of).get(c, Decimal(0)) for c in ("090", "091")), Decimal(0))
    assert figures.employees == len(book.payroll.table("Employees"))
    markdown = main_figures_markdown(hub_path, as_of=as_of)
    assert markdown.startswith(f"## Main figures as of {as_of.isoformat()} (AUD)")
    assert f"| Receivables | {figures.receivables:,.2f} |" in markdown
    assert f"| Customer invoices | {figures.customer_invoices} |" in markdown


def test_an_empty_hub_has_empty_views_and_zero_figures(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    Hub.open(path).close()
    with open_dashboard(path) as con:
        assert {name: len(read_view(con, name)) for name in view_names()} == dict.fromkeys(view_names(), 0)
        figures = main_figures(con)
    assert (figures.customer_invoices, figures.receivables, figures.total_assets) == (0, Decimal(0), Decimal(0))


def test_reading_a_hub_that_does_not_exist_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no hub file"), open_dashboard(tmp_path / "none.duckdb"):
        pass


def test_main_figures_can_be_read_while_this_process_has_the_hub_open(hub_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "hub.duckdb"
    shutil.copy(hub_path, copy)
    with Hub.open(copy) as hub:  # a sync run's connection, still open when the run reports its figures
        markdown = main_figures_markdown(copy, as_of=date(2026, 1, 1))
        assert hub.query("SELECT count(*) FROM duckdb_views() WHERE NOT internal AND NOT temporary") == [(0,)]
    assert "| Receivables |" in markdown


def test_sync_health_has_each_domains_last_success_records_by_state_the_oldest_wait_and_attention(
    ledger_hub: LedgerHub,
) -> None:
    with Hub.open(ledger_hub.path) as hub:
        health = sync_health(hub, ledger_hub.pushes)

    runs = {r["domain"]: r for r in health.runs.dicts()}
    assert runs["crm_sales"]["last successful run"] == RUNS[0][4]  # the failed run after it is not a success
    assert (runs["crm_sales"]["last run"], runs["crm_sales"]["last run status"]) == (RUNS[1][3], "FAILED")
    assert runs["accounting"]["last successful run"] == RUNS[2][4]
    states = {(r["app"], r["entity"]): r for r in health.states.dicts()}
    vtiger = states["vtiger", "organizations"]
    assert {s: vtiger[s] for s in STATES if vtiger[s]} == {
        "in step": 1,
        "needs attention": 1,
        "waiting": 1,
        "skipped": 1,
        "due": ledger_hub.organizations - 4,  # never sent to vTiger
    }
    assert states["xero", "organizations"]["in step"] >= ledger_hub.organizations  # read from Xero, written nowhere
    assert health.oldest_wait.dicts() == [
        {"app": "vtiger", "entity": "organizations", "record": ledger_hub.waiting, "waiting since": WAITING_SINCE}
    ]
    [listed] = health.attention.dicts()
    assert (listed["record"], listed["remote id"], listed["attempts"]) == (ledger_hub.attention, None, 5)
    assert listed["last error"] == f"{ERROR} (Bearer ***)"  # the vendor's message, secrets masked
    assert health.needs_attention() == 1


def test_sync_health_of_a_hub_nothing_has_run_on_is_empty(tmp_path: Path) -> None:
    with Hub.open(tmp_path / "empty.duckdb") as hub:
        health = sync_health(hub)
    assert (len(health.runs), len(health.states), len(health.oldest_wait), len(health.attention)) == (0, 0, 0, 0)
    assert health.needs_attention() == 0


def test_look_further_names_the_ledger_commands_for_the_tenant_and_its_dashboard(
    ledger_hub: LedgerHub, tmp_path: Path
) -> None:
    with Hub.open(ledger_hub.path) as hub:
        waiting = needing_attention(hub)
    config = tmp_path / "my tenants.toml"
    page = tmp_path / "demo-au-dashboard.html"

    text = look_further_markdown("demo-au", config, page, waiting)
    calm = look_further_markdown("demo-au", config, page)

    quoted = f"'{config}'"  # a path with a space, quoted for the shell
    for command in ("status demo-au", f"why demo-au {waiting[0].hub_id}", "retry demo-au --now", "conflicts demo-au"):
        assert f"`datashare {command} --config {quoted}`" in text
    assert f"[demo-au-dashboard.html]({page.as_uri()})" in text
    assert "1 record(s) need attention." in text
    assert "No record needs attention." in calm
    assert f"datashare why demo-au ID --config {quoted}" in calm
