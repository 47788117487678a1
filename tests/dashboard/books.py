"""Expected dashboard figures, computed straight from the Xero sandbox's own records (never from the hub)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.xero import OrgBook

CENT = Decimal("0.01")
POSTED = {"AUTHORISED", "PAID"}
GONE = {"DELETED", "VOIDED"}
SIDE = {"ACCREC": "CUSTOMER", "ACCPAY": "SUPPLIER"}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def in_base(amount: Decimal, record: dict[str, Any]) -> Decimal:
    """An amount of a document in the base currency (AUD): Xero's rate is foreign units per base unit."""
    return money(amount / record["CurrencyRate"])


def live_invoices(book: OrgBook, as_of: date) -> list[dict[str, Any]]:
    return [i for i in book.table("Invoices").values() if i["Status"] not in GONE and i["Date"] <= as_of]


def overdue_days(invoice: dict[str, Any], as_of: date) -> int:
    late = invoice["Status"] in POSTED and invoice["AmountDue"] > 0 and invoice["DueDate"] < as_of
    return (as_of - invoice["DueDate"]).days if late else 0


def unpaid(book: OrgBook, as_of: date, kind: str) -> Decimal:
    """What is still due on posted invoices (ACCREC) or bills (ACCPAY), in the base currency."""
    return sum(
        (in_base(i["AmountDue"], i) for i in live_invoices(book, as_of) if i["Type"] == kind and i["Status"] in POSTED),
        Decimal(0),
    )


def bucket(days: int) -> str:
    if days == 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    return "61-90" if days <= 90 else "90+"


def item_sales(book: OrgBook, as_of: date) -> dict[tuple[str, date], Decimal]:
    """Net sales in the base currency per (item code, first day of month), from posted customer invoices."""
    found: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for invoice in live_invoices(book, as_of):
        if invoice["Type"] != "ACCREC" or invoice["Status"] not in POSTED:
            continue
        month = invoice["Date"].replace(day=1)
        for line in invoice["LineItems"]:
            if not line.get("Item"):
                continue
            net = line["LineAmount"]
            if invoice["LineAmountTypes"] == "Inclusive":
                net -= line["TaxAmount"]
            found[line["Item"]["Code"], month] += in_base(net, invoice)
    return dict(found)


def ledger(book: OrgBook, until: date) -> dict[str, Decimal]:
    """Debits minus credits per account code, from the ledger's journals dated up to ``until``."""
    codes = {a["AccountID"]: a["Code"] for a in book.table("Accounts").values()}
    found: dict[str, Decimal] = defaultdict(Decimal)
    for journal in book.table("Journals").values():
        if journal["JournalDate"] <= until:
            for account_id, _description, net, _tax, _tax_type in journal["_lines"]:
                found[codes[account_id]] += net
    return dict(found)


def account_classes(book: OrgBook) -> dict[str, str]:
    return {a["Code"]: a["Class"] for a in book.table("Accounts").values()}
