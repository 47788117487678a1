"""What Invoices, CreditNotes and PurchaseOrders share: the life of a document with lines.

A document names its contact (by ContactID, ContactNumber or Name; an
unknown Name creates the contact), keeps its currency and rate (a foreign
one without a rate gets a made-up day rate, never 1), has a number given in
sequence (INV-0001, CN-0001, PO-0001) and kept unique, and prices its lines
(``pricing``). ``Documents`` holds the status rules of invoices and credit
notes; ``invoicing`` specialises them:

- DRAFT and SUBMITTED are editable and may be DELETED;
- AUTHORISED posts a journal and moves tracked stock. It stays editable,
  lines included, while nothing is applied to it (no payment, no credit
  note, prepayment or overpayment allocated): an edit re-prices the lines,
  reverses the old journal, posts the new one and moves stock by the
  difference. It can be VOIDED (which posts the reversal and puts stock
  back) but not DELETED, nor sent back to DRAFT; sending it back unchanged,
  or marking it sent, is not an edit;
- with something applied, and once PAID (set by payments and allocations
  only), it takes no edit and cannot be voided; VOIDED and DELETED
  documents cannot change;
- approving, editing or voiding is refused when it would take a tracked
  item's quantity on hand below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.xero.catalogue import Endpoint
from sandbox.xero.contacts import Contacts, contact_summary, resolve_contact
from sandbox.xero.dates import iso_date_string, parse_date
from sandbox.xero.errors import Invalid
from sandbox.xero.items import adjust_stock, short_of_stock
from sandbox.xero.ledger import Posting, balanced, post_journal, reverse_journal, tax_postings
from sandbox.xero.money import ONE, ZERO, day_rate, money, to_decimal
from sandbox.xero.pricing import LINE_AMOUNT_TYPES, price_lines
from sandbox.xero.resource import Reader, Resource, WriteContext
from sandbox.xero.settings import subscribed_currencies, system_account
from sandbox.xero.store import OrgBook
from sandbox.xero.wire import public

Record = dict[str, Any]
# (item code, units, cost in base currency): cost None when moved at the item's average cost.
StockMove = tuple[str, Decimal, Decimal | None]
MadeMove = tuple[str, Decimal, Decimal]

POSTED = frozenset({"AUTHORISED", "PAID"})
# Xero's refusal of an edit to a document with a payment or credit applied, as Xero words it
# (XeroAPI/Xero-NetStandard#84, waynerobinson/xeroizer#211; Actionstep's Xero guide shows it as the
# second ValidationError after "Invoice not of valid status for modification").
APPLIED = "This document cannot be edited as it has a payment or credit note allocated to it."
# Stock a posted document moves, by Type: in (+1) or out (−1), and whether at the line's own
# price (bills, supplier credits) or at the item's average cost (sales, customer returns).
# Invoices, bills and credit notes all move tracked stock once approved
# (https://help.xero.com/int/Inventory_TSUpdate); purchase orders never do.
_STOCK: dict[str, tuple[int, bool]] = {
    "ACCPAY": (1, True),
    "ACCREC": (-1, False),
    "ACCRECCREDIT": (1, False),
    "ACCPAYCREDIT": (-1, True),
}
_LINE_KEYS = (
    "Description",
    "Quantity",
    "UnitAmount",
    "AccountCode",
    "ItemCode",
    "TaxType",
    "LineAmount",
    "DiscountRate",
)
# Fields a client may send back unchanged on a locked document without it counting as an edit.
_COMPUTED = frozenset(
    {"Status", "SentToContact", "SubTotal", "TotalTax", "Total", "TotalDiscount", "AmountDue", "AmountPaid"}
    | {"AmountCredited", "RemainingCredit", "Payments", "CreditNotes", "Prepayments", "Overpayments"}
    | {"Allocations", "FullyPaidOnDate", "UpdatedDateUTC", "HasAttachments", "HasErrors", "IsDiscounted"}
    | {"StatusAttributeString", "ValidationErrors", "Warnings", "DateString", "DueDateString", "Url"}
    | {"UpdatedDateUTCString", "CISDeduction", "CISRate", "Attachments", "InvoiceAddresses", "BrandingThemeID"}
)


@dataclass(frozen=True)
class DocKind:
    """What differs between invoices, credit notes and purchase orders."""

    label: str
    types: tuple[str, ...]
    number_field: str
    number_index: str
    number_prefix: str
    numbered_type: str | None
    duplicate_message: str
    statuses: tuple[str, ...]
    create_statuses: tuple[str, ...]
    posts: bool


INVOICE = DocKind(
    "Invoice", ("ACCREC", "ACCPAY"), "InvoiceNumber", "invoice_number", "INV-", "ACCREC",
    "Invoice # must be unique.", ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"),
    ("DRAFT", "SUBMITTED", "AUTHORISED"), True,
)  # fmt: skip
CREDIT_NOTE = DocKind(
    "Credit Note", ("ACCRECCREDIT", "ACCPAYCREDIT"), "CreditNoteNumber", "credit_note_number", "CN-",
    "ACCRECCREDIT", "Credit Note # must be unique.",
    ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"), ("DRAFT", "SUBMITTED", "AUTHORISED"), True,
)  # fmt: skip
PURCHASE_ORDER = DocKind(
    "Purchase Order", (), "PurchaseOrderNumber", "purchase_order_number", "PO-", None, "Order number must be unique",
    ("DRAFT", "SUBMITTED", "AUTHORISED", "BILLED", "DELETED"), ("DRAFT", "SUBMITTED", "AUTHORISED"), False,
)  # fmt: skip


def _same(given: object, current: object) -> bool:
    """Whether a value sent back equals the stored one (numbers, dates and text compared loosely)."""
    if isinstance(current, Decimal | int) and not isinstance(current, bool):
        number = to_decimal(given)
        return number is not None and number == current
    if isinstance(current, date):
        if not isinstance(given, str):
            return False
        try:
            return parse_date(given) == (current.date() if isinstance(current, datetime) else current)
        except ValueError:
            return False
    if isinstance(current, str) and isinstance(given, str):
        return given.strip() == current.strip()
    return given == current


class Documents(Resource):
    """Shared behaviour of the line-item documents."""

    kind: DocKind = INVOICE

    def __init__(self, endpoint: Endpoint, contacts: Contacts) -> None:
        super().__init__(endpoint)
        self.contacts = contacts

    def label(self) -> str:
        """The record kind in messages: Invoice, Credit Note or Purchase Order."""
        return self.kind.label

    def number_lookup(self, book: OrgBook, key: str) -> str | None:
        """GET by number."""
        found = book.find(self.kind.number_index, key)
        if found is None and self.kind.numbered_type is not None:
            # Bills are found by number too, though their numbers are not unique.
            for record in book.table(self.name).values():
                if str(record.get(self.kind.number_field, "")).casefold() == key.casefold():
                    return str(record[self.id_field])
        return found

    # -- views --------------------------------------------------------------------

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The document with its contact, date strings and payments."""
        shown = public(record)
        contact = book.get("Contacts", record["_contact"])
        if contact is not None:
            shown["Contact"] = contact_summary(contact)
        for key in ("Date", "DueDate"):
            if isinstance(record.get(key), date):
                shown[f"{key}String"] = iso_date_string(record[key])
        if "_payments" in record:
            shown["Payments"] = [] if summary else self._payment_summaries(book, record)
        if not lines or summary:
            shown.pop("LineItems", None)
        return shown

    @staticmethod
    def _payment_summaries(book: OrgBook, record: Record) -> list[Record]:
        summaries: list[Record] = []
        for payment_id in record.get("_payments", ()):
            payment = book.get("Payments", payment_id)
            if payment is None or payment.get("Status") == "DELETED":
                continue
            summary: Record = {
                "PaymentID": payment["PaymentID"],
                "Date": payment["Date"],
                "Amount": payment["Amount"],
                "CurrencyRate": payment["CurrencyRate"],
                "HasAccount": True,
                "HasValidationErrors": False,
            }
            if payment.get("Reference"):
                summary["Reference"] = payment["Reference"]
            summaries.append(summary)
        return summaries

    # -- writing ------------------------------------------------------------------

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create or update one document under its status rules."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        status = reader.choice("Status", self.kind.statuses)
        reader.check()
        if existing is not None and self.locked(existing):
            return self.change_locked(book, existing, reader, status, ctx)
        return self.save(book, existing, reader, status, ctx)

    def save(
        self, book: OrgBook, existing: Record | None, reader: Reader, status: str | None, ctx: WriteContext
    ) -> Record:
        """Create a document, or edit one that takes edits: header, lines, status, journal and stock."""
        creating = existing is None
        record: Record = dict(existing) if existing else self.blank(book, ctx)
        previous = existing["Status"] if existing else None
        final_status = status or (previous or "DRAFT")
        if creating and final_status not in self.kind.create_statuses:
            raise Invalid(f"A {self.kind.label} cannot be created with status {final_status}.")
        self.check_transition(previous, final_status)
        self.read_header(book, reader, record, ctx, creating)
        raw_lines = reader.objs("LineItems")
        if raw_lines is None:
            raw_lines = [dict(line) for line in record.get("LineItems", [])]
        priced = price_lines(
            book,
            reader,
            raw_lines,
            amounts=record["LineAmountTypes"],
            purchase=self.is_purchase(record),
            places=4 if ctx.unitdp == 4 else 2,
            known_ids={line["LineItemID"] for line in record.get("LineItems", [])},
        )
        record.update(LineItems=priced.lines, SubTotal=priced.sub_total, TotalTax=priced.total_tax, Total=priced.total)
        if final_status == "AUTHORISED":
            self.check_approvable(reader, record)
        was_posted = self.kind.posts and previous in POSTED
        posts = self.kind.posts and final_status in POSTED
        # An edit that changes nothing the journal or stock depend on (a due date, say) posts nothing new.
        reposts = was_posted and existing is not None and _posting_basis(existing) != _posting_basis(record)
        undo = tuple(record.get("_stock", ())) if reposts else ()
        moves = self.stock_moves(record) if posts and (reposts or not was_posted) else []
        for message in self.stock_refusals(book, undo, moves):
            reader.fail(message)
        reader.check()
        record["Status"] = final_status
        record["UpdatedDateUTC"] = ctx.now
        self.settle(record)
        if posts and (reposts or not was_posted):
            journals = tuple(record.get("_journals", ()))
            if reposts and existing is not None and journals:
                # The old journal is cancelled on its own date; the new one takes the document's date.
                journals += (reverse_journal(book, journals[-1], day=existing["Date"], created=ctx.now),)
            record["_journals"] = (*journals, self.post(book, record, ctx))
            self.unapply_stock(book, undo, ctx.now)
            record["_stock"] = self.apply_stock(book, moves, ctx.now)
        book.put(self.name, self.id_field, record)
        self.after_write(book, record)
        return record

    def blank(self, book: OrgBook, ctx: WriteContext) -> Record:
        """A new document before its fields are read."""
        return {self.id_field: self.new_id(book), "HasAttachments": False, "_created_by": ctx.client_id}

    def locked(self, record: Record) -> bool:
        """Whether the document's status only allows the narrower changes of ``change_locked``."""
        return record["Status"] in {"AUTHORISED", "PAID", "VOIDED", "DELETED"}

    def check_transition(self, previous: str | None, status: str) -> None:
        """Refuse status moves Xero does not allow from an editable document."""
        if status == "VOIDED":
            raise Invalid(
                "Only AUTHORISED documents can be voided; a DRAFT or SUBMITTED one is deleted instead (Status DELETED)."
            )
        if status == "PAID" and previous != "PAID":
            raise Invalid("A document becomes PAID when payments cover it; its Status cannot be set to PAID.")
        if status == "DELETED" and previous is None:
            raise Invalid(f"A {self.kind.label} cannot be created with status DELETED.")
        if previous in POSTED and status not in POSTED:
            raise Invalid(
                f"{self.kind.label} not of valid status for modification. An approved "
                f"{self.kind.label.lower()} cannot go back to {status}."
            )

    def change_locked(
        self, book: OrgBook, existing: Record, reader: Reader, status: str | None, ctx: WriteContext
    ) -> Record:
        """AUTHORISED: edited while nothing is applied, voided, or marked sent; PAID, VOIDED, DELETED: unchanged."""
        current = existing["Status"]
        noun = self.kind.label
        prefix = f"{noun} not of valid status for modification"
        if current in {"VOIDED", "DELETED"}:
            raise Invalid(f"{prefix}. A {current} {noun.lower()} cannot be changed.")
        edited = self.edited(book, existing, reader.element)
        if current == "PAID" or (edited and self.applied(book, existing)):
            # Xero gives both messages, as two ValidationErrors (Actionstep's Xero troubleshooting guide).
            raise Invalid(prefix, APPLIED)
        if status == "DELETED":
            raise Invalid(f"An AUTHORISED {noun.lower()} cannot be deleted; void it instead (Status VOIDED).")
        if status == "VOIDED":
            if edited:
                raise Invalid(f"{prefix}. A {noun.lower()} is voided with its Status alone; send any edit separately.")
            return self.void(book, existing, ctx)
        if edited or status not in (None, current):
            return self.save(book, existing, reader, status, ctx)
        sent = reader.flag("SentToContact")
        reader.check()
        if sent is not None and sent != existing.get("SentToContact"):
            updated = {**existing, "SentToContact": sent, "UpdatedDateUTC": ctx.now}
            book.put(self.name, self.id_field, updated)
            return updated
        return existing

    def void(self, book: OrgBook, existing: Record, ctx: WriteContext) -> Record:
        """Void an AUTHORISED document: reverse its journal and stock; refused while payments or credits stand."""
        if self.live_payments(book, existing):
            raise Invalid(
                f"This {self.kind.label.lower()} cannot be voided because it has payments allocated; "
                "delete the payments first."
            )
        if self.applied(book, existing):
            raise Invalid(
                f"This {self.kind.label.lower()} cannot be voided because it has credit allocated; "
                "remove the allocations first."
            )
        undo = tuple(existing.get("_stock", ()))
        refusals = self.stock_refusals(book, undo, [])
        if refusals:
            raise Invalid(*refusals)
        journals = tuple(existing.get("_journals", ()))
        if journals:
            journals += (reverse_journal(book, journals[-1], day=ctx.today, created=ctx.now),)
        record = {**existing, "Status": "VOIDED", "UpdatedDateUTC": ctx.now, "_journals": journals, "_stock": ()}
        self.settle(record)
        self.unapply_stock(book, undo, ctx.now)
        book.put(self.name, self.id_field, record)
        return record

    def edited(self, book: OrgBook, existing: Record, element: Mapping[str, Any]) -> bool:
        """Whether a write to a locked document changes anything but its status."""
        # Header fields a document may lack until a write sets them.
        optional = {"Reference", "CurrencyCode", "CurrencyRate", "LineAmountTypes", self.kind.number_field}
        optional |= {*self.date_fields(), *self.text_fields()}
        for key, given in element.items():
            if key in _COMPUTED or key == self.id_field or given is None:
                continue
            if key == "Contact":
                if not isinstance(given, dict) or not self._same_contact(book, existing, given):
                    return True
            elif key == "LineItems":
                if not isinstance(given, list) or not self._same_lines(existing.get("LineItems", []), given):
                    return True
            elif (key in existing and not _same(given, existing[key])) or (key not in existing and key in optional):
                return True
        return False

    @staticmethod
    def _same_contact(book: OrgBook, existing: Record, given: Mapping[str, Any]) -> bool:
        contact = book.get("Contacts", existing["_contact"]) or {}
        if given.get("ContactID") is not None:
            return bool(str(given["ContactID"]).lower() == existing["_contact"])
        if given.get("Name") is not None:
            return str(given["Name"]).strip().casefold() == str(contact.get("Name", "")).casefold()
        return True

    @staticmethod
    def _same_lines(current: list[Record], given: list[Any]) -> bool:
        if len(current) != len(given):
            return False
        for mine, theirs in zip(current, given, strict=True):
            if not isinstance(theirs, dict):
                return False
            for key in _LINE_KEYS:
                if theirs.get(key) is not None and key in mine and not _same(theirs[key], mine[key]):
                    return False
        return True

    def read_header(self, book: OrgBook, reader: Reader, record: Record, ctx: WriteContext, creating: bool) -> None:
        """Type, contact, dates, currency, number and the other header fields."""
        if self.kind.types:
            kind = reader.choice("Type", self.kind.types)
            if creating and kind is None and not reader.has("Type"):
                reader.fail(f"{self.kind.label} Type must be specified ({' or '.join(self.kind.types)}).")
            if not creating and kind is not None and kind != record["Type"]:
                reader.fail(f"The Type of a {self.kind.label.lower()} cannot be changed.")
            if kind is not None:
                record["Type"] = kind
        contact_ref = reader.obj("Contact")
        if contact_ref is not None or creating:
            try:
                record["_contact"] = resolve_contact(book, contact_ref, ctx, self.contacts)["ContactID"]
            except Invalid as exc:
                for message in exc.messages:
                    reader.fail(message)
        record["Date"] = reader.day("Date") or record.get("Date") or ctx.today
        for key in self.date_fields():
            value = reader.day(key)
            if value is not None:
                record[key] = value
        amounts = reader.choice("LineAmountTypes", LINE_AMOUNT_TYPES)
        record["LineAmountTypes"] = amounts or record.get("LineAmountTypes", "Exclusive")
        for key in ("Reference", *self.text_fields()):
            text = reader.text(key, max_len=255 if key == "Reference" else None)
            if text is not None:
                record[key] = text
        sent = reader.flag("SentToContact")
        if sent is not None:
            record["SentToContact"] = sent
        self.read_currency(book, reader, record)
        self.read_number(book, reader, record, creating)

    def date_fields(self) -> tuple[str, ...]:
        """Date fields besides Date that this kind of document has."""
        return ("DueDate",)

    def text_fields(self) -> tuple[str, ...]:
        """Free-text fields besides Reference."""
        return ()

    def read_currency(self, book: OrgBook, reader: Reader, record: Record) -> None:
        """CurrencyCode (default: base) and CurrencyRate (kept if given; made up if not, never 1)."""
        code = reader.text("CurrencyCode")
        if code is not None and code.upper() not in subscribed_currencies(book):
            reader.fail(f"Organisation is not subscribed to currency {code}")
            return
        currency = code.upper() if code else record.get("CurrencyCode", book.base_currency)
        changed = currency != record.get("CurrencyCode")
        record["CurrencyCode"] = currency
        rate = reader.number("CurrencyRate")
        if currency == book.base_currency:
            record["CurrencyRate"] = ONE
        elif rate is not None and rate > 0:
            record["CurrencyRate"] = rate
        elif rate is not None:
            reader.fail("CurrencyRate must be greater than zero.")
        elif changed or "CurrencyRate" not in record:
            record["CurrencyRate"] = day_rate(book.base_currency, currency, record["Date"])

    def read_number(self, book: OrgBook, reader: Reader, record: Record, creating: bool) -> None:
        """The document number: unique and auto-given where Xero does that."""
        field = self.kind.number_field
        number = reader.text(field, max_len=255)
        numbered = self.kind.numbered_type is None or record.get("Type") == self.kind.numbered_type
        if number is not None:
            if numbered:
                other = book.find(self.kind.number_index, number)
                if other and other != record[self.id_field]:
                    reader.fail(self.kind.duplicate_message)
            record[field] = number
        elif creating and numbered:
            record[field] = self.next_number(book)

    def next_number(self, book: OrgBook) -> str:
        """The next free number in the organisation's sequence."""
        while True:
            candidate = f"{self.kind.number_prefix}{book.next_counter(self.kind.number_index):04d}"
            if book.find(self.kind.number_index, candidate) is None:
                return candidate

    def check_approvable(self, reader: Reader, record: Record) -> None:
        """What an AUTHORISED document needs: lines, each with an account; a total not below zero."""
        if not record["LineItems"]:
            reader.fail(f"A {self.kind.label.lower()} must have at least one line item to be approved.")
        if any("AccountCode" not in line for line in record["LineItems"]):
            reader.fail("An account code must be given on every line item of an approved document.")
        if record["Total"] < 0:
            reader.fail(f"The total of a {self.kind.label.lower()} cannot be less than zero.")

    def is_purchase(self, record: Record) -> bool:
        """Whether lines take purchase defaults (bills, supplier credits, purchase orders)."""
        return record.get("Type") in {"ACCPAY", "ACCPAYCREDIT"}

    def settle(self, record: Record) -> None:
        """Work out the amounts owed from the total and what has been paid."""

    def after_write(self, book: OrgBook, record: Record) -> None:
        """Effects on other records (contact roles)."""

    def live_payments(self, book: OrgBook, record: Record) -> list[Record]:
        """Payments on this document that have not been deleted."""
        found = (book.get("Payments", p) for p in record.get("_payments", ()))
        return [p for p in found if p is not None and p.get("Status") != "DELETED"]

    def applied(self, book: OrgBook, record: Record) -> bool:
        """Whether a payment, credit note, prepayment or overpayment is applied to the document."""
        return bool(self.live_payments(book, record))

    def post(self, book: OrgBook, record: Record, ctx: WriteContext) -> str:
        """Write the document's journal (amounts in base currency)."""
        sales = record["Type"] in {"ACCREC", "ACCPAYCREDIT"}
        sign = -1 if sales else 1
        rate = record["CurrencyRate"]
        inclusive = record["LineAmountTypes"] == "Inclusive"
        postings: list[Posting] = []
        for line in record["LineItems"]:
            account = book.get("Accounts", line.get("AccountID", ""))
            if account is None:
                continue
            net = line["LineAmount"] - line["TaxAmount"] if inclusive else line["LineAmount"]
            postings.append(
                Posting(account, sign * money(net / rate), sign * money(line["TaxAmount"] / rate), line.get("TaxType"),
                        line["Description"])
            )  # fmt: skip
        postings += tax_postings(book, postings)
        control = system_account(book, "DEBTORS" if record["Type"] in {"ACCREC", "ACCRECCREDIT"} else "CREDITORS")
        return post_journal(
            book,
            source_id=record[self.id_field],
            source_type=record["Type"],
            day=record["Date"],
            created=ctx.now,
            reference=record.get("Reference"),
            postings=balanced(postings, control),
        )

    def stock_moves(self, record: Record) -> list[StockMove]:
        """The stock the document moves when posted: (item code, units, cost in base currency or None).

        Cost None means at the item's average cost when the move is made.
        Lines naming untracked items are listed too; they simply move nothing.
        """
        direction, priced = _STOCK.get(record.get("Type", ""), (0, False))
        if not direction:
            return []
        inclusive = record["LineAmountTypes"] == "Inclusive"
        moves: list[StockMove] = []
        for line in record["LineItems"]:
            code = line.get("ItemCode")
            if not code:
                continue
            cost: Decimal | None = None
            if priced:
                net = line["LineAmount"] - line["TaxAmount"] if inclusive else line["LineAmount"]
                cost = direction * money(net / record["CurrencyRate"])
            moves.append((code, direction * line["Quantity"], cost))
        return moves

    @staticmethod
    def stock_refusals(book: OrgBook, undo: Sequence[MadeMove], moves: Sequence[StockMove]) -> list[str]:
        """Xero's refusal for each tracked item that undoing ``undo`` then making ``moves`` takes below zero."""
        changes: dict[str, Decimal] = {}
        for code, units, _ in undo:
            changes[code] = changes.get(code, ZERO) - units
        for code, units, _ in moves:
            changes[code] = changes.get(code, ZERO) + units
        return short_of_stock(book, changes)

    @staticmethod
    def apply_stock(book: OrgBook, moves: Sequence[StockMove], now: datetime) -> tuple[MadeMove, ...]:
        """Make the moves; returns those made (tracked items only), at the cost each moved at."""
        made: list[MadeMove] = []
        for code, units, cost in moves:
            moved = adjust_stock(book, code, units, cost, now)
            if moved is not None:
                made.append((code, units, moved))
        return tuple(made)

    @staticmethod
    def unapply_stock(book: OrgBook, made: Sequence[MadeMove], now: datetime) -> None:
        """Undo moves made by ``apply_stock``, each at the cost it was made at."""
        for code, units, cost in reversed(made):
            adjust_stock(book, code, -units, -cost, now)


def _posting_basis(record: Record) -> tuple[Any, ...]:
    """What a document's journal and stock moves are made from: an edit that changes it re-posts."""
    lines = tuple(
        (line.get("AccountID"), line.get("ItemCode"), line["Quantity"], line["LineAmount"], line["TaxAmount"],
         line.get("TaxType"), line["Description"])
        for line in record.get("LineItems", [])
    )  # fmt: skip
    return (record.get("Type"), record.get("Date"), record.get("CurrencyRate"), record.get("LineAmountTypes"),
            record.get("Reference"), lines)  # fmt: skip
