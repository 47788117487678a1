"""Invoices (sales ACCREC and bills ACCPAY), CreditNotes and PurchaseOrders.

Invoices and credit notes follow ``Documents``' status rules; a sales
document makes its contact a customer and a purchase one a supplier.
Tracked items move stock when a bill or sale is approved (and back when it
is voided). Credit notes count down RemainingCredit as they are refunded.
Purchase orders are editable until BILLED or DELETED and never post.
Payments settle invoices and credit notes through ``apply_payment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sandbox.xero.catalogue import entry
from sandbox.xero.contacts import Contacts, mark_role
from sandbox.xero.dates import parse_date
from sandbox.xero.documents import CREDIT_NOTE, INVOICE, PURCHASE_ORDER, Documents
from sandbox.xero.errors import Invalid, bad_query
from sandbox.xero.items import adjust_stock
from sandbox.xero.money import ZERO, money
from sandbox.xero.resource import Predicate, Reader, WriteContext, csv_param
from sandbox.xero.store import OrgBook

Record = dict[str, Any]


class Invoices(Documents):
    """Sales invoices (ACCREC) and bills (ACCPAY)."""

    kind = INVOICE

    def param_filter(self, book: OrgBook, params: Mapping[str, str], client_id: str) -> Predicate | None:
        """``IDs``, ``InvoiceNumbers``, ``ContactIDs``, ``Statuses``, ``createdByMyApp``, ``searchTerm``."""
        tests: list[Predicate] = []
        ids = {v.lower() for v in csv_param(params.get("IDs"))}
        if ids:
            tests.append(lambda r: r["InvoiceID"] in ids)
        numbers = {v.casefold() for v in csv_param(params.get("InvoiceNumbers"))}
        if numbers:
            tests.append(lambda r: str(r.get("InvoiceNumber", "")).casefold() in numbers)
        contacts = {v.lower() for v in csv_param(params.get("ContactIDs"))}
        if contacts:
            tests.append(lambda r: r["_contact"] in contacts)
        statuses = {v.upper() for v in csv_param(params.get("Statuses"))}
        if statuses:
            tests.append(lambda r: r["Status"] in statuses)
        if params.get("createdByMyApp", "").lower() == "true":
            tests.append(lambda r: r.get("_created_by") == client_id)
        term = params.get("searchTerm", "").strip().casefold()
        if term:
            tests.append(lambda r: any(term in str(r.get(k) or "").casefold() for k in ("InvoiceNumber", "Reference")))
        return _all(tests)

    def date_fields(self) -> tuple[str, ...]:
        """DueDate and the payment planning dates."""
        return ("DueDate", "ExpectedPaymentDate", "PlannedPaymentDate")

    def blank(self, book: OrgBook, ctx: WriteContext) -> Record:
        """A new invoice: nothing paid yet."""
        record = super().blank(book, ctx)
        record.update(
            AmountPaid=ZERO, AmountCredited=ZERO, SentToContact=False, IsDiscounted=False, HasErrors=False,
            CreditNotes=[], Prepayments=[], Overpayments=[], _payments=(),
        )  # fmt: skip
        return record

    def settle(self, record: Record) -> None:
        """AmountDue = Total − AmountPaid − AmountCredited (nothing due once voided or deleted)."""
        due = record["Total"] - record["AmountPaid"] - record["AmountCredited"]
        record["AmountDue"] = ZERO if record["Status"] in {"VOIDED", "DELETED"} else due

    def after_write(self, book: OrgBook, record: Record) -> None:
        """A sales invoice makes its contact a customer; a bill makes it a supplier."""
        mark_role(book, record["_contact"], "IsCustomer" if record["Type"] == "ACCREC" else "IsSupplier")

    def move_stock(self, book: OrgBook, record: Record, direction: int, now: datetime) -> None:
        """Tracked items: bills bring stock in at cost, sales take it out at average cost."""
        bill = record["Type"] == "ACCPAY"
        for line in record["LineItems"]:
            code = line.get("ItemCode")
            if not code:
                continue
            units = line["Quantity"] * (1 if bill else -1) * direction
            cost = money(line["LineAmount"] / record["CurrencyRate"]) * direction if bill else ZERO
            adjust_stock(book, code, units, cost, now)


class CreditNotes(Documents):
    """Credit notes: ACCRECCREDIT (to customers) and ACCPAYCREDIT (from suppliers)."""

    kind = CREDIT_NOTE

    def blank(self, book: OrgBook, ctx: WriteContext) -> Record:
        """A new credit note: nothing used yet."""
        record = super().blank(book, ctx)
        record.update(SentToContact=False, HasErrors=False, Allocations=[], _payments=(), _used=ZERO)
        return record

    def settle(self, record: Record) -> None:
        """RemainingCredit = Total − refunds (nothing once voided or deleted)."""
        remaining = record["Total"] - record.get("_used", ZERO)
        record["RemainingCredit"] = ZERO if record["Status"] in {"VOIDED", "DELETED"} else remaining

    def after_write(self, book: OrgBook, record: Record) -> None:
        """Customer or supplier, as for invoices."""
        mark_role(book, record["_contact"], "IsCustomer" if record["Type"] == "ACCRECCREDIT" else "IsSupplier")


class PurchaseOrders(Documents):
    """Purchase orders: editable until BILLED or DELETED; they never post."""

    kind = PURCHASE_ORDER

    def locked(self, record: Record) -> bool:
        """BILLED and DELETED orders are final."""
        return record["Status"] in {"BILLED", "DELETED"}

    def check_transition(self, previous: str | None, status: str) -> None:
        """Orders are created DRAFT, SUBMITTED or AUTHORISED; BILLED follows approval."""
        if status == "DELETED" and previous is None:
            raise Invalid("A Purchase Order cannot be created with status DELETED.")
        if status == "BILLED" and previous != "AUTHORISED":
            raise Invalid("Only an AUTHORISED purchase order can be marked BILLED.")

    def change_locked(
        self, book: OrgBook, existing: Record, reader: Reader, status: str | None, ctx: WriteContext
    ) -> Record:
        """Nothing changes on a BILLED or DELETED order."""
        raise Invalid(f"A purchase order with status {existing['Status']} cannot be edited.")

    def is_purchase(self, record: Record) -> bool:
        """Orders take purchase defaults."""
        return True

    def date_fields(self) -> tuple[str, ...]:
        """Delivery dates."""
        return ("DeliveryDate", "ExpectedArrivalDate")

    def text_fields(self) -> tuple[str, ...]:
        """Delivery details."""
        return ("DeliveryAddress", "AttentionTo", "Telephone", "DeliveryInstructions")

    def blank(self, book: OrgBook, ctx: WriteContext) -> Record:
        """A new purchase order."""
        record = super().blank(book, ctx)
        record["SentToContact"] = False
        return record

    def param_filter(self, book: OrgBook, params: Mapping[str, str], client_id: str) -> Predicate | None:
        """``Status``, ``DateFrom`` and ``DateTo``."""
        tests: list[Predicate] = []
        status = params.get("Status", "").strip().upper()
        if status:
            tests.append(lambda r: r["Status"] == status)
        start, end = _date_param(params, "DateFrom"), _date_param(params, "DateTo")
        if start is not None:
            tests.append(lambda r: r["Date"] >= start)
        if end is not None:
            tests.append(lambda r: r["Date"] <= end)
        return _all(tests)


def apply_payment(book: OrgBook, resource: Documents, document: Record, payment: Record, *, undo: bool) -> Record:
    """Book a payment (or its deletion) on an invoice or credit note and return the new document."""
    amount = payment["Amount"] if not undo else -payment["Amount"]
    record = dict(document)
    payments = tuple(record.get("_payments", ()))
    if not undo and payment["PaymentID"] not in payments:
        payments += (payment["PaymentID"],)
    record["_payments"] = payments
    if resource.kind is CREDIT_NOTE:
        record["_used"] = record.get("_used", ZERO) + amount
    else:
        record["AmountPaid"] = record["AmountPaid"] + amount
    record["Status"] = "AUTHORISED"
    resource.settle(record)
    owed = record["RemainingCredit"] if resource.kind is CREDIT_NOTE else record["AmountDue"]
    if owed == ZERO:
        record["Status"] = "PAID"
        record["FullyPaidOnDate"] = payment["Date"]
    else:
        record.pop("FullyPaidOnDate", None)
    record["UpdatedDateUTC"] = payment["UpdatedDateUTC"]
    book.put(resource.name, resource.id_field, record)
    return record


def _date_param(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise bad_query(f"{name} must be a date (YYYY-MM-DD), not {raw!r}") from exc


def _all(tests: list[Predicate]) -> Predicate | None:
    if not tests:
        return None
    return lambda r: all(t(r) for t in tests)


def resources(contacts: Contacts) -> list[Documents]:
    """The documents family's resources."""
    return [
        Invoices(entry("Invoices"), contacts),
        CreditNotes(entry("CreditNotes"), contacts),
        PurchaseOrders(entry("PurchaseOrders"), contacts),
    ]
