"""Invoices (sales ACCREC and bills ACCPAY), CreditNotes and PurchaseOrders.

Invoices and credit notes follow ``Documents``' status rules; a sales
document makes its contact a customer and a purchase one a supplier.
Tracked items move stock when a document is approved, by the difference
when an approved one is edited, and back when it is voided: bills and
customer credit notes bring stock in, sales and supplier credit notes take
it out, never below zero. Credit notes count down RemainingCredit as they
are refunded or allocated to invoices (``PUT /CreditNotes/{id}/Allocations``,
``CreditNoteAllocations``), which counts up the invoice's AmountCredited.
Purchase orders are editable while DRAFT, SUBMITTED or AUTHORISED; marked
BILLED they only go back to AUTHORISED (Xero's "Unmark as billed"); they
never post nor move stock. Payments settle invoices and credit notes
through ``apply_payment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sandbox.xero.catalogue import INVOICES_READ, INVOICES_WRITE, PUT, Endpoint, entry
from sandbox.xero.contacts import Contacts, contact_summary, mark_role
from sandbox.xero.documents import CREDIT_NOTE, INVOICE, PURCHASE_ORDER, Documents
from sandbox.xero.errors import Invalid
from sandbox.xero.money import ZERO, money
from sandbox.xero.resource import Predicate, Reader, Resource, WriteContext, all_of, csv_param, date_param
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
        return all_of(tests)

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

    def applied(self, book: OrgBook, record: Record) -> bool:
        """A payment, or a credit note, prepayment or overpayment allocated to the invoice."""
        return (
            super().applied(book, record)
            or record.get("AmountCredited", ZERO) != ZERO
            or bool(record.get("_credits") or record.get("Prepayments") or record.get("Overpayments"))
        )

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The invoice, with the credit notes allocated to it."""
        shown = super().view(book, record, lines=lines, summary=summary)
        if record.get("_credits"):
            shown["CreditNotes"] = [] if summary else _credit_summaries(book, record)
        return shown


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

    def applied(self, book: OrgBook, record: Record) -> bool:
        """A refund paid out of the credit note, or some of it allocated to invoices."""
        return super().applied(book, record) or bool(record.get("_allocations"))

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The credit note, with its allocations."""
        shown = super().view(book, record, lines=lines, summary=summary)
        allocations = record.get("_allocations", ())
        if allocations:
            shown["Allocations"] = [] if summary else [_allocation_view(book, record, a) for a in allocations]
        return shown


class PurchaseOrders(Documents):
    """Purchase orders: editable while DRAFT, SUBMITTED or AUTHORISED; they never post."""

    kind = PURCHASE_ORDER

    def locked(self, record: Record) -> bool:
        """BILLED and DELETED orders take no edit."""
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
        """A BILLED order may go back to AUTHORISED (Xero's "Unmark as billed"); nothing else changes.

        https://help.xero.com/nz/PurchaseOrdersMarkBill: "Unmark a purchase order
        as billed to return it to an approved status." Purchase orders never
        move tracked stock (https://help.xero.com/int/Inventory_TSUpdate).
        """
        current = existing["Status"]
        edited = self.edited(book, existing, reader.element)
        if current == "BILLED" and not edited and status in (None, "BILLED"):
            return existing
        if current == "BILLED" and not edited and status == "AUTHORISED":
            unbilled = {**existing, "Status": "AUTHORISED", "UpdatedDateUTC": ctx.now}
            book.put(self.name, self.id_field, unbilled)
            return unbilled
        raise Invalid(f"A purchase order with status {current} cannot be edited.")

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
        start, end = date_param(params, "DateFrom"), date_param(params, "DateTo")
        if start is not None:
            tests.append(lambda r: r["Date"] >= start)
        if end is not None:
            tests.append(lambda r: r["Date"] <= end)
        return all_of(tests)


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
    _settle_status(resource, record, payment["Date"])
    record["UpdatedDateUTC"] = payment["UpdatedDateUTC"]
    book.put(resource.name, resource.id_field, record)
    return record


def _settle_status(resource: Documents, record: Record, day: date) -> None:
    """PAID (fully paid on ``day``) once nothing is owed, else AUTHORISED."""
    record["Status"] = "AUTHORISED"
    resource.settle(record)
    owed = record["RemainingCredit"] if resource.kind is CREDIT_NOTE else record["AmountDue"]
    if owed == ZERO:
        record["Status"] = "PAID"
        record["FullyPaidOnDate"] = day
    else:
        record.pop("FullyPaidOnDate", None)


# Allocations are written through their credit note; there is no /Allocations collection to list.
ALLOCATIONS = Endpoint("Allocations", "AllocationID", INVOICES_READ, INVOICES_WRITE, frozenset({PUT}))
_INVOICE_TYPE = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}


class CreditNoteAllocations(Resource):
    """``PUT /CreditNotes/{id}/Allocations`` and ``DELETE /CreditNotes/{id}/Allocations/{AllocationID}``.

    An allocation applies some of an AUTHORISED credit note to an AUTHORISED
    invoice of the matching type (ACCRECCREDIT to ACCREC, ACCPAYCREDIT to
    ACCPAY), same contact and currency, for no more than the invoice's
    AmountDue and the note's RemainingCredit. Either document becomes PAID
    when nothing is left on it, and goes back to AUTHORISED when the
    allocation is deleted. Allocations post no journal: both sides sit in
    the same debtors or creditors account. ``ctx.path_key`` names the
    credit note.
    """

    def __init__(self, invoices: Documents, credit_notes: Documents) -> None:
        super().__init__(ALLOCATIONS)
        self.invoices = invoices
        self.credit_notes = credit_notes

    def label(self) -> str:
        """The record kind in messages."""
        return "Allocation"

    def find(self, book: OrgBook, key: str) -> Record | None:
        """An allocation by its AllocationID, with the credit note it belongs to."""
        wanted = key.lower()
        for note in book.table(self.credit_notes.name).values():
            for allocation in note.get("_allocations", ()):
                if allocation["AllocationID"] == wanted:
                    return {**allocation, "_credit_note": note["CreditNoteID"]}
        return None

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The allocation with its invoice and credit note."""
        note = book.get(self.credit_notes.name, record["_credit_note"]) or {}
        return _allocation_view(book, note, record, with_note=True)

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Allocate part of the credit note named by the path to one invoice."""
        note = self.credit_notes.find(book, ctx.path_key or "")
        if note is None:
            raise Invalid("The document with the supplied id was not found for this endpoint.")
        reader = Reader(element)
        amount = reader.number("Amount")
        day = reader.day("Date") or ctx.today
        invoice = self._invoice(book, reader)
        if amount is None or amount <= 0:
            reader.fail("Allocation amount must be greater than zero.")
        if note["Status"] != "AUTHORISED":
            reader.fail(f"Only an AUTHORISED credit note can be allocated; this one is {note['Status']}.")
        if invoice is not None:
            self._check(reader, note, invoice, amount)
        reader.check()
        if invoice is None or amount is None:  # reader.check() has refused these already
            raise Invalid("An Invoice and an Amount are needed to allocate a credit note.")
        amount = money(amount)
        allocation: Record = {
            "AllocationID": book.new_id(),
            "Amount": amount,
            "Date": day,
            "_invoice": invoice["InvoiceID"],
        }
        credited = dict(note)
        credited["_allocations"] = (*note.get("_allocations", ()), allocation)
        credited["_used"] = note.get("_used", ZERO) + amount
        self._book(book, self.credit_notes, credited, day, ctx)
        applied = dict(invoice)
        applied["_credits"] = (*invoice.get("_credits", ()), (note["CreditNoteID"], allocation["AllocationID"]))
        applied["AmountCredited"] = invoice["AmountCredited"] + amount
        self._book(book, self.invoices, applied, day, ctx)
        return {**allocation, "_credit_note": note["CreditNoteID"]}

    def delete(self, book: OrgBook, record: Record, ctx: WriteContext) -> Record | None:
        """Take the allocation off both documents; they go back to AUTHORISED if they were PAID."""
        note = book.get(self.credit_notes.name, record["_credit_note"])
        invoice = book.get(self.invoices.name, record["_invoice"])
        if note is None or invoice is None:
            raise Invalid("The allocation's credit note or invoice no longer exists.")
        wanted = record["AllocationID"]
        credited = dict(note)
        credited["_allocations"] = tuple(a for a in note.get("_allocations", ()) if a["AllocationID"] != wanted)
        credited["_used"] = note.get("_used", ZERO) - record["Amount"]
        self._book(book, self.credit_notes, credited, ctx.today, ctx)
        applied = dict(invoice)
        applied["_credits"] = tuple(c for c in invoice.get("_credits", ()) if c[1] != wanted)
        applied["AmountCredited"] = invoice["AmountCredited"] - record["Amount"]
        self._book(book, self.invoices, applied, ctx.today, ctx)
        return {**record, "IsDeleted": True}

    def _invoice(self, book: OrgBook, reader: Reader) -> Record | None:
        ref = reader.obj("Invoice")
        if ref is None:
            reader.fail("An Invoice must be specified for the allocation.")
            return None
        given = ref.get("InvoiceID") or ref.get("InvoiceNumber")
        found = self.invoices.find(book, str(given)) if given is not None else None
        if found is None:
            reader.fail(f"The invoice '{given}' could not be found." if given else "The Invoice needs an InvoiceID.")
        return found

    @staticmethod
    def _check(reader: Reader, note: Record, invoice: Record, amount: Any) -> None:
        # Messages Xero returns for allocations, quoted in waynerobinson/xeroizer#320.
        if invoice["Type"] != _INVOICE_TYPE[note["Type"]]:
            reader.fail("Credit Note cannot be allocated to an incorrect invoice type")
        if invoice["Status"] == "PAID":
            reader.fail("The invoice you are trying to allocate to has already been paid off")
        elif invoice["Status"] != "AUTHORISED":
            reader.fail(f"Credit notes can only be allocated to AUTHORISED invoices; this one is {invoice['Status']}.")
        if invoice["_contact"] != note["_contact"]:
            reader.fail("A credit note can only be allocated to an invoice of the same contact.")
        if invoice["CurrencyCode"] != note["CurrencyCode"]:
            reader.fail("A credit note can only be allocated to an invoice in the same currency.")
        if (
            amount is not None
            and amount > 0
            and (amount > invoice.get("AmountDue", ZERO) or amount > note.get("RemainingCredit", ZERO))
        ):
            reader.fail("Credit Note cannot be allocated as amount is greater than amount outstanding")

    def _book(self, book: OrgBook, resource: Documents, record: Record, day: date, ctx: WriteContext) -> None:
        _settle_status(resource, record, day)
        record["UpdatedDateUTC"] = ctx.now
        book.put(resource.name, resource.id_field, record)


def _allocation_view(book: OrgBook, note: Record, allocation: Record, *, with_note: bool = False) -> Record:
    """An allocation as Xero shows it: amount, date, the invoice (and, on its own, the credit note)."""
    shown: Record = {"AllocationID": allocation["AllocationID"], "Amount": allocation["Amount"],
                     "Date": allocation["Date"]}  # fmt: skip
    invoice = book.get("Invoices", allocation["_invoice"])
    if invoice is not None:
        summary: Record = {"InvoiceID": invoice["InvoiceID"], "Type": invoice["Type"]}
        if invoice.get("InvoiceNumber"):
            summary["InvoiceNumber"] = invoice["InvoiceNumber"]
        contact = book.get("Contacts", invoice["_contact"])
        if contact is not None:
            summary["Contact"] = contact_summary(contact)
        shown["Invoice"] = summary
    if with_note and note:
        shown["CreditNote"] = {"CreditNoteID": note["CreditNoteID"], "CreditNoteNumber": note.get("CreditNoteNumber", ""),
                               "Type": note["Type"]}  # fmt: skip
    return shown


def _credit_summaries(book: OrgBook, invoice: Record) -> list[Record]:
    """The credit notes allocated to an invoice, as its CreditNotes list shows them."""
    summaries: list[Record] = []
    for note_id, allocation_id in invoice.get("_credits", ()):
        note = book.get("CreditNotes", note_id)
        if note is None:
            continue
        for allocation in note.get("_allocations", ()):
            if allocation["AllocationID"] == allocation_id:
                summaries.append(
                    {"CreditNoteID": note_id, "CreditNoteNumber": note.get("CreditNoteNumber", ""),
                     "AppliedAmount": allocation["Amount"], "Date": allocation["Date"], "Total": note["Total"]}
                )  # fmt: skip
    return summaries


def resources(contacts: Contacts) -> list[Documents]:
    """The documents family's resources."""
    return [
        Invoices(entry("Invoices"), contacts),
        CreditNotes(entry("CreditNotes"), contacts),
        PurchaseOrders(entry("PurchaseOrders"), contacts),
    ]
