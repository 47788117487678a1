"""Quotes: sales offers with priced lines that post nothing, under Xero's status rules.

A quote names its customer (``Contact``, resolved as invoices resolve theirs),
is dated, may expire, and prices its lines as an invoice does (``pricing``)
under ``LineAmountTypes`` EXCLUSIVE, INCLUSIVE or NOTAX; it is numbered
QU-0001, QU-0002, … when no QuoteNumber is sent, and numbers are unique. A
quote is not a sale: it posts no journal, moves no stock and does not make its
contact a customer.

Xero's rules, with where they come from:

- statuses DRAFT, SENT, DECLINED, ACCEPTED, INVOICED, DELETED (the spec's
  QuoteStatusCodes). A status change must be one of ``NEXT_STATUSES``: DRAFT
  to SENT or DELETED; SENT to ACCEPTED, DECLINED or DELETED; DECLINED to SENT
  or DELETED; ACCEPTED to SENT, INVOICED or DELETED; INVOICED to SENT or
  DELETED; nothing from DELETED. This is the table integrators work to (a
  public Pipedrive-to-Xero integration's ``XERO_QUOTE_STATUS_TRANSITIONS``,
  which reaches ACCEPTED from DRAFT through SENT), and live Xero refuses the
  two moves XeroAPI/xero-mcp-server#309 tried against a real organisation,
  DRAFT → DECLINED and ACCEPTED → DECLINED. The same integration sends an
  ACCEPTED quote back to SENT "to allow edits" and will not edit an INVOICED
  one, so ACCEPTED and INVOICED quotes take a status change but no edit.
  DRAFT and SENT take edits; for DECLINED the sources say nothing and the
  sandbox lets it be edited (the permissive reading), as it lets an edit
  ride along with a move into or out of an editable status;
- every write, a status change too, carries ``Contact`` and ``Date``: Xero's
  own example for ``POST /Quotes/{QuoteID}`` sends both with a one-field
  change (the invoice example sends the field alone), CData's Xero driver
  documents ContactID and Date as required for a new quote, and Xero's MCP
  server copies both from the stored quote into every update;
- an update replaces what it omits: ``LineAmountTypes`` falls back to
  EXCLUSIVE and the lines are re-priced (xero-mcp-server#244 and #309: editing
  the reference of an INCLUSIVE quote re-priced it as exclusive), and
  Reference, Terms, Title and Summary are cleared (#309: "omitting those
  genuinely does clear them"). Lines that are left out are kept (#309: "Xero
  leaves them alone"). That applies where the quote takes edits; a status
  change on an ACCEPTED or INVOICED quote leaves its fields as they are;
- where the sources are silent the sandbox takes the permissive reading: a
  quote may be created in any status, with or without lines (CData's driver
  and ThinkAutomation's Xero action ask for one line; Xero's own texts do
  not), its contact may be named as an invoice's may (ContactID,
  ContactNumber, or a Name that creates the contact), and a write that
  changes nothing leaves the quote (and its UpdatedDateUTC) untouched.

Lists page by ``page`` alone, 100 quotes a page, always with their lines
(see the catalogue). ``/Quotes/{QuoteID}/History`` is not served: the
sandbox keeps no history for any document.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sandbox.xero.catalogue import entry
from sandbox.xero.contacts import Contacts, resolve_contact
from sandbox.xero.dates import iso_date_string
from sandbox.xero.documents import DocKind, Documents
from sandbox.xero.errors import Invalid
from sandbox.xero.money import ZERO, money
from sandbox.xero.pricing import price_lines
from sandbox.xero.resource import Predicate, Reader, WriteContext, all_of, date_param, is_guid
from sandbox.xero.store import OrgBook

Record = dict[str, Any]

QUOTE_STATUSES = ("DRAFT", "SENT", "DECLINED", "ACCEPTED", "INVOICED", "DELETED")
QUOTE_LINE_AMOUNT_TYPES = ("EXCLUSIVE", "INCLUSIVE", "NOTAX")
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "DRAFT": ("SENT", "DELETED"),
    "SENT": ("ACCEPTED", "DECLINED", "DELETED"),
    "DECLINED": ("SENT", "DELETED"),
    "ACCEPTED": ("SENT", "INVOICED", "DELETED"),
    "INVOICED": ("SENT", "DELETED"),
    "DELETED": (),
}
EDITABLE = frozenset({"DRAFT", "SENT", "DECLINED"})
# Modelled on Xero's refusal for invoices ("Invoice not of valid status for modification").
NOT_VALID = "Quote not of valid status for modification"
NO_CONTACT = "A Contact must be specified for this type of transaction"
NO_DATE = "A Date must be specified for the quote"
# Free text an update clears when it leaves it out, with the spec's maximum lengths.
_TEXTS = (("Reference", 4000), ("Terms", 4000), ("Title", 100), ("Summary", 3000))
# How ``pricing`` spells the line amount types.
_PRICED_AS = {"EXCLUSIVE": "Exclusive", "INCLUSIVE": "Inclusive", "NOTAX": "NoTax"}

QUOTE = DocKind(
    "Quote", (), "QuoteNumber", "quote_number", "QU-", None, "Quote # must be unique.", QUOTE_STATUSES,
    QUOTE_STATUSES, False,
)  # fmt: skip


class Quotes(Documents):
    """``/Quotes``: created and edited under Xero's status rules; never posted."""

    kind = QUOTE

    def date_fields(self) -> tuple[str, ...]:
        """The expiry date."""
        return ("ExpiryDate",)

    def text_fields(self) -> tuple[str, ...]:
        """Free text besides Reference."""
        return ("Terms", "Title", "Summary")

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The quote with its contact and date strings (Quotes know no ``summaryOnly``)."""
        shown = super().view(book, record, lines=lines)
        if isinstance(record.get("ExpiryDate"), date):
            shown["ExpiryDateString"] = iso_date_string(record["ExpiryDate"])
        return shown

    def param_filter(self, book: OrgBook, params: Mapping[str, str], client_id: str) -> Predicate | None:
        """``DateFrom``/``DateTo``, ``ExpiryDateFrom``/``ExpiryDateTo`` (inclusive), ``ContactID``, ``Status``, ``QuoteNumber``."""
        tests: list[Predicate] = []
        for name, field, later in (("DateFrom", "Date", True), ("DateTo", "Date", False),
                                   ("ExpiryDateFrom", "ExpiryDate", True), ("ExpiryDateTo", "ExpiryDate", False)):  # fmt: skip
            bound = date_param(params, name)
            if bound is not None:
                tests.append(_on_or(field, bound, later=later))
        contact = params.get("ContactID", "").strip().lower()
        if contact:
            tests.append(lambda r: r["_contact"] == contact)
        status = params.get("Status", "").strip().upper()
        if status:
            tests.append(lambda r: r["Status"] == status)
        number = params.get("QuoteNumber", "").strip().casefold()
        if number:
            tests.append(lambda r: str(r.get("QuoteNumber", "")).casefold() == number)
        return all_of(tests)

    # -- writing ------------------------------------------------------------------

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create a quote, or change one as its status allows."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        status = reader.choice("Status", QUOTE_STATUSES)
        reader.check()
        if existing is None:
            return self._save(book, None, reader, status or "DRAFT", ctx)
        current = existing["Status"]
        target = status or current
        if current == "DELETED":
            raise Invalid(f"{NOT_VALID}. A DELETED quote cannot be changed.")
        if target != current and target not in NEXT_STATUSES[current]:
            allowed = " or ".join(NEXT_STATUSES[current])
            raise Invalid(f"{NOT_VALID}. A {current} quote can be changed to {allowed}, not {target}.")
        if current in EDITABLE or target in EDITABLE:
            return self._save(book, existing, reader, target, ctx)
        return self._change_status(book, existing, reader, target, ctx)

    def _change_status(self, book: OrgBook, existing: Record, reader: Reader, target: str, ctx: WriteContext) -> Record:
        """ACCEPTED or INVOICED, staying out of the editable statuses: the Status may change, nothing else."""
        if self.edited(book, existing, reader.element):
            current = existing["Status"]
            raise Invalid(f"{NOT_VALID}. An {current} quote cannot be edited; change its Status to SENT to edit it.")
        _require_contact_and_date(reader)
        reader.check()
        if target == existing["Status"]:
            return existing
        changed = {**existing, "Status": target, "UpdatedDateUTC": ctx.now}
        book.put(self.name, self.id_field, changed)
        return changed

    def _save(self, book: OrgBook, existing: Record | None, reader: Reader, status: str, ctx: WriteContext) -> Record:
        """Create the quote, or rewrite an editable one from the element (omitted fields as Xero treats them)."""
        creating = existing is None
        record: Record = (
            dict(existing) if existing else {self.id_field: self.new_id(book), "_created_by": ctx.client_id}
        )
        _require_contact_and_date(reader)
        contact_ref = reader.obj("Contact")
        if contact_ref is not None:
            try:
                record["_contact"] = resolve_contact(book, contact_ref, ctx, self.contacts)["ContactID"]
            except Invalid as exc:
                for message in exc.messages:
                    reader.fail(message)
        record["Date"] = reader.day("Date") or record.get("Date") or ctx.today
        expiry = reader.day("ExpiryDate")
        if expiry is not None:
            record["ExpiryDate"] = expiry
        for key, longest in _TEXTS:
            text = reader.text(key, max_len=longest)
            if text is not None:
                record[key] = text
            elif not reader.has(key):
                record.pop(key, None)
        theme = reader.element.get("BrandingThemeID")
        if theme is not None:
            if is_guid(theme):
                record["BrandingThemeID"] = str(theme).lower()
            else:
                reader.fail(f"BrandingThemeID '{theme}' is not a valid identifier")
        amounts = reader.choice("LineAmountTypes", QUOTE_LINE_AMOUNT_TYPES) or "EXCLUSIVE"
        self.read_currency(book, reader, record)
        self.read_number(book, reader, record, creating)
        raw_lines = reader.objs("LineItems")
        if raw_lines is None:
            raw_lines = [dict(line) for line in record.get("LineItems", [])]
        priced = price_lines(
            book,
            reader,
            raw_lines,
            amounts=_PRICED_AS[amounts],
            purchase=False,
            places=4 if ctx.unitdp == 4 else 2,
            known_ids={line["LineItemID"] for line in record.get("LineItems", [])},
        )
        reader.check()
        record.update(
            LineAmountTypes=amounts, LineItems=priced.lines, SubTotal=priced.sub_total, TotalTax=priced.total_tax,
            Total=priced.total, TotalDiscount=_total_discount(priced.lines), Status=status,
        )  # fmt: skip
        if existing is not None and _content(existing) == _content(record):
            return existing
        record["UpdatedDateUTC"] = ctx.now
        book.put(self.name, self.id_field, record)
        return record

    def edited(self, book: OrgBook, existing: Record, element: Mapping[str, Any]) -> bool:
        """Whether a write changes anything but the status (line amount types compared in any case)."""
        given = dict(element)
        amounts = given.get("LineAmountTypes")
        if isinstance(amounts, str) and amounts.casefold() == str(existing.get("LineAmountTypes", "")).casefold():
            given["LineAmountTypes"] = existing["LineAmountTypes"]
        theme = given.pop("BrandingThemeID", None)
        if theme is not None and str(theme).lower() != existing.get("BrandingThemeID"):
            return True
        return super().edited(book, existing, given)


def _require_contact_and_date(reader: Reader) -> None:
    """Xero wants both on every quote write, a status change included."""
    if not reader.has("Contact"):
        reader.fail(NO_CONTACT)
    if not reader.has("Date"):
        reader.fail(NO_DATE)


def _on_or(field: str, bound: date, *, later: bool) -> Predicate:
    """A record whose ``field`` is on or after (``later``) or on or before ``bound``; one without it fails."""

    def test(record: Record) -> bool:
        day = record.get(field)
        if not isinstance(day, date):
            return False
        return day >= bound if later else day <= bound

    return test


def _total_discount(lines: list[Record]) -> Decimal:
    """What the lines' discount rates take off: each line's quantity × unit amount less its line amount."""
    total = ZERO
    for line in lines:
        if line.get("DiscountRate"):
            total += money(line["Quantity"] * line["UnitAmount"]) - line["LineAmount"]
    return total


def _content(record: Record) -> Record:
    """What a quote says, without its timestamp or its lines' ids: equal contents mean nothing changed."""
    content = {k: v for k, v in record.items() if k not in {"UpdatedDateUTC", "LineItems"}}
    content["LineItems"] = [{k: v for k, v in line.items() if k != "LineItemID"} for line in record["LineItems"]]
    return content


def resources(contacts: Contacts) -> list[Quotes]:
    """The quotes collection."""
    return [Quotes(entry("Quotes"), contacts)]
