"""The general ledger: Journals the sandbox generates, and ManualJournals users write.

Xero writes a journal whenever something posts: an invoice or credit note
is AUTHORISED, a payment is made, a manual journal is POSTED, money is
transferred between bank accounts. Voiding or deleting writes the reversing
journal; editing an approved invoice or credit note writes the reversal of
its journal and a new one. Journals are read-only, numbered 1, 2, 3, … per
organisation, and read with ``offset`` (JournalNumber greater than offset,
100 per call). Amounts are in the base currency: debits positive, credits
negative.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.xero.catalogue import JOURNALS_PER_CALL, entry
from sandbox.xero.errors import Invalid
from sandbox.xero.money import ZERO, money
from sandbox.xero.resource import Predicate, Reader, Resource, WriteContext
from sandbox.xero.settings import account_ref, system_account, tax_rate
from sandbox.xero.store import OrgBook
from sandbox.xero.wire import public

Record = dict[str, Any]

CASH_SOURCE_TYPES = frozenset(
    {"ACCRECPAYMENT", "ACCPAYPAYMENT", "ARCREDITPAYMENT", "APCREDITPAYMENT", "CASHREC", "CASHPAID", "TRANSFER"}
)
LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


@dataclass(frozen=True)
class Posting:
    """One journal line to write: account, net amount (debit +, credit −), tax on it."""

    account: Record
    net: Decimal
    tax: Decimal = ZERO
    tax_type: str | None = None
    description: str = ""


def post_journal(
    book: OrgBook,
    *,
    source_id: str,
    source_type: str,
    day: date,
    created: datetime,
    reference: str | None,
    postings: list[Posting],
) -> str:
    """Write one journal; returns its JournalID.

    Lines are kept compact (account id, description, net, tax, tax type) and
    spelt out when shown: a large organisation has hundreds of thousands.
    """
    journal: Record = {
        "JournalID": book.new_id(),
        "JournalDate": day,
        "JournalNumber": book.next_counter("journal"),
        "CreatedDateUTC": created,
        "SourceID": source_id,
        "SourceType": source_type,
        "_lines": tuple((p.account["AccountID"], p.description, p.net, p.tax, p.tax_type) for p in postings),
    }
    if reference:
        journal["Reference"] = reference
    book.put("Journals", "JournalID", journal)
    return str(journal["JournalID"])


def reverse_journal(book: OrgBook, journal_id: str, *, day: date, created: datetime) -> str:
    """Write the journal that cancels ``journal_id`` (same source, every amount negated)."""
    original = book.get("Journals", journal_id)
    if original is None:
        raise LookupError(journal_id)
    journal = {
        **original,
        "JournalID": book.new_id(),
        "JournalNumber": book.next_counter("journal"),
        "JournalDate": day,
        "CreatedDateUTC": created,
        "_lines": tuple((a, d, -net, -tax, t) for a, d, net, tax, t in original["_lines"]),
    }
    book.put("Journals", "JournalID", journal)
    return str(journal["JournalID"])


def journal_lines(book: OrgBook, journal: Record) -> list[Record]:
    """A journal's lines as Xero shows them (line ids are derived from the journal's, so stable)."""
    lines: list[Record] = []
    for index, (account_id, description, net, tax, tax_type) in enumerate(journal["_lines"]):
        account = book.get("Accounts", account_id) or {}
        line: Record = {
            "JournalLineID": str(uuid.uuid5(uuid.UUID(journal["JournalID"]), str(index))),
            "AccountID": account_id,
            "AccountCode": account.get("Code", ""),
            "AccountType": account.get("Type", ""),
            "AccountName": account.get("Name", ""),
            "Description": description,
            "NetAmount": net,
            "GrossAmount": net + tax,
            "TaxAmount": tax,
            "TrackingCategories": [],
        }
        if tax_type:
            line["TaxType"] = tax_type
            rate = tax_rate(book, tax_type)
            if rate is not None:
                line["TaxName"] = rate["Name"]
        lines.append(line)
    return lines


def balanced(postings: list[Posting], control: Record, description: str = "") -> list[Posting]:
    """Add the control-account line (debtors, creditors, bank) that makes the net amounts sum to zero.

    ``postings`` must already hold the tax account line: tax is carried as net there.
    """
    total = sum((p.net for p in postings), ZERO)
    return [Posting(control, -total, description=description), *postings]


def tax_postings(book: OrgBook, postings: list[Posting]) -> list[Posting]:
    """The tax account line for the tax carried on other lines (nothing when there is none)."""
    total_tax = sum((p.tax for p in postings), ZERO)
    if total_tax == ZERO:
        return []
    return [Posting(system_account(book, "GST"), total_tax)]


class Journals(Resource):
    """GET /Journals (``offset`` paging), /Journals/{JournalID} and /Journals/{JournalNumber}."""

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The journal with its lines spelt out."""
        shown = public(record)
        shown["JournalLines"] = journal_lines(book, record)
        return shown

    def number_lookup(self, book: OrgBook, key: str) -> str | None:
        """The journal id for a JournalNumber."""
        return book.find("journal_number", key) if key.isdigit() else None

    def after(self, book: OrgBook, offset: int, keep: Predicate) -> list[Record]:
        """Up to 100 journals with JournalNumber above ``offset`` that pass ``keep``, by number."""
        found: list[Record] = []
        last = book.counters.get("journal", 0)
        number = max(offset, 0) + 1
        while number <= last and len(found) < JOURNALS_PER_CALL:
            record_id = book.find("journal_number", str(number))
            record = book.get(self.name, record_id) if record_id else None
            if record is not None and keep(record):
                found.append(record)
            number += 1
        return found

    @staticmethod
    def cash_only(record: Record) -> bool:
        """``paymentsOnly=true``: journals of money moving (cash basis)."""
        return record.get("SourceType") in CASH_SOURCE_TYPES


class ManualJournals(Resource):
    """Manual journals: DRAFT is editable and deletable; POSTED writes a journal and can only be voided."""

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The manual journal (journal lines only when fetched by id or by page)."""
        shown = public(record)
        if not lines:
            shown.pop("JournalLines", None)
        return shown

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create, update, post, void or delete a manual journal."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        status = reader.choice("Status", ("DRAFT", "POSTED", "DELETED", "VOIDED", "ARCHIVED"))
        if existing is not None and existing["Status"] != "DRAFT":
            return self._change_posted(book, existing, reader, status, ctx)
        if existing is None and status in {"DELETED", "VOIDED", "ARCHIVED"}:
            raise Invalid(f"A manual journal cannot be created with status {status}.")
        if existing is not None and status in {"VOIDED", "ARCHIVED"}:
            raise Invalid("Only POSTED manual journals can be voided; delete a DRAFT one instead.")
        record: Record = dict(existing) if existing else {"ManualJournalID": self.new_id(book), "Status": "DRAFT"}
        narration = reader.text("Narration")
        if narration is not None:
            record["Narration"] = narration
        if not record.get("Narration"):
            reader.fail("Narration is required.")
        record["Date"] = reader.day("Date") or record.get("Date") or ctx.today
        record["LineAmountTypes"] = reader.choice("LineAmountTypes", LINE_AMOUNT_TYPES) or record.get(
            "LineAmountTypes", "NoTax"
        )
        for key in ("Url",):
            value = reader.text(key)
            if value is not None:
                record[key] = value
        cash = reader.flag("ShowOnCashBasisReports")
        record["ShowOnCashBasisReports"] = cash if cash is not None else record.get("ShowOnCashBasisReports", True)
        raw_lines = reader.objs("JournalLines")
        if raw_lines is not None:
            record["JournalLines"] = self._lines(book, reader, raw_lines, record["LineAmountTypes"])
        record.setdefault("JournalLines", [])
        final_status = status or record["Status"]
        if final_status == "POSTED" and len(record["JournalLines"]) < 2:
            reader.fail("A manual journal must have at least two journal lines to be posted.")
        reader.check()
        record["Status"] = final_status
        record["HasAttachments"] = False
        record["UpdatedDateUTC"] = ctx.now
        if final_status == "POSTED":
            record["_journals"] = (
                post_journal(
                    book,
                    source_id=record["ManualJournalID"],
                    source_type="MANJOURNAL",
                    day=record["Date"],
                    created=ctx.now,
                    reference=record["Narration"],
                    postings=self._postings(book, record),
                ),
            )
        book.put(self.name, self.id_field, record)
        return record

    def _change_posted(
        self, book: OrgBook, existing: Record, reader: Reader, status: str | None, ctx: WriteContext
    ) -> Record:
        current = existing["Status"]
        if current == "POSTED" and status == "VOIDED":
            journals = tuple(existing.get("_journals", ()))
            if journals:
                journals += (reverse_journal(book, journals[-1], day=ctx.today, created=ctx.now),)
            voided = {**existing, "Status": "VOIDED", "UpdatedDateUTC": ctx.now, "_journals": journals}
            book.put(self.name, self.id_field, voided)
            return voided
        if current == "POSTED" and status == "DELETED":
            raise Invalid("A POSTED manual journal cannot be deleted; void it instead (Status VOIDED).")
        if current == "POSTED":
            raise Invalid("A POSTED manual journal cannot be edited; it can only be voided (Status VOIDED).")
        raise Invalid(f"A {current} manual journal cannot be changed.")

    @staticmethod
    def _postings(book: OrgBook, record: Record) -> list[Posting]:
        inclusive = record["LineAmountTypes"] == "Inclusive"
        postings: list[Posting] = []
        for line in record["JournalLines"]:
            account = book.get("Accounts", line["AccountID"])
            if account is None:
                raise Invalid(f"Account code '{line['AccountCode']}' is not a valid account for this journal.")
            net = line["LineAmount"] - line["TaxAmount"] if inclusive else line["LineAmount"]
            postings.append(Posting(account, net, line["TaxAmount"], line.get("TaxType"), line["Description"]))
        return [*postings, *tax_postings(book, postings)]

    @staticmethod
    def _lines(book: OrgBook, reader: Reader, raw_lines: list[Mapping[str, Any]], amounts: str) -> list[Record]:
        lines: list[Record] = []
        debits = credits = ZERO
        for raw in raw_lines:
            part = Reader(raw)
            amount = part.number("LineAmount")
            account = account_ref(book, raw)
            code = raw.get("AccountCode")
            if account is None and code is not None:
                account = account_ref(book, {"Code": code})
            if amount is None:
                reader.fail("Each journal line needs a LineAmount.")
                continue
            if account is None or account.get("Status") != "ACTIVE":
                reader.fail(f"Account code '{code or raw.get('AccountID')}' is not a valid account for this journal.")
                continue
            amount = money(amount)
            tax_type = part.text("TaxType")
            rate_record = tax_rate(book, tax_type) if tax_type else None
            if tax_type and rate_record is None:
                reader.fail(
                    f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction."
                )
            tax = ZERO
            if rate_record is not None and amounts != "NoTax":
                rate = Decimal(rate_record["EffectiveRate"])
                tax = money(amount * rate / 100) if amounts == "Exclusive" else money(amount * rate / (100 + rate))
            net = amount if amounts != "Inclusive" else amount - tax
            gross = net + tax
            if gross > 0:
                debits += gross
            else:
                credits += gross
            line: Record = {
                "LineAmount": amount,
                "AccountCode": account.get("Code", ""),
                "AccountID": account["AccountID"],
                "Description": part.text("Description") or "",
                "TaxAmount": tax,
                "IsBlank": False,
            }
            if tax_type:
                line["TaxType"] = tax_type.upper()
            lines.append(line)
        if debits + credits != ZERO:
            reader.fail(f"The total debits ({debits:.2f}) must equal total credits ({credits:.2f})")
        return lines


def resources() -> list[Resource]:
    """The ledger family's resources."""
    return [Journals(entry("Journals")), ManualJournals(entry("ManualJournals"))]
