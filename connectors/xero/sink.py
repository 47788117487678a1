"""Writing hub records to Xero: contacts, items, invoices, purchase orders and payments.

The product's rules:

* an organization and its people become one Xero contact: the contact's name
  is the organization's, its people are the primary person and contact
  persons, the organization's address is the contact's; Xero takes at most
  five contact persons, so the others are left out and the run says so; a
  person without an organization is not sent;
* a tax from another app stands for the Xero rate of the same percentage
  (``taxes.pick_tax_rate``), or is made in Xero when it has none; items and
  lines carry that rate;
* items go without QuantityOnHand (Xero's own, it flows outwards only) and
  without a purchase price where the hub has none;
* a document needs a contact (one that names only a person goes to that
  person's organization); an edit to an invoice PAID in Xero, or AUTHORISED
  with a payment or credit applied, is not sent, with the reason (Xero takes
  edits to DRAFT, SUBMITTED and AUTHORISED invoices while nothing is applied);
* a payment without a bank account goes through the organisation's default
  bank account; without one it is not sent, and the invoice stays AUTHORISED.
"""

from __future__ import annotations

import dataclasses
import typing as t
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from uuid import UUID

from connectors.base.errors import ConnectorError
from connectors.xero.client import XeroClient
from connectors.xero.mapping import (
    NEEDS_CURRENCY,
    READERS,
    contact_payload,
    contact_to_canonical,
    credit_note_to_xero,
    invoice_to_xero,
    item_to_xero,
    payment_to_xero,
    person_remote_id,
    purchase_order_to_xero,
    quote_to_xero,
    tax_code_to_xero,
)
from connectors.xero.payroll_sink import PayrollTimesheets
from connectors.xero.rules import (
    check_invoice_editable,
    check_invoice_has_contact,
    check_payment_account,
    describe_person,
)
from connectors.xero.streams import STREAMS
from connectors.xero.taxes import Side, XeroTaxRate, new_tax_rate, pick_tax_rate
from datashare.model import (
    Account,
    AccountStatus,
    AccountType,
    CanonicalModel,
    CreditNote,
    CreditNoteType,
    Document,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    Organization,
    PartyStatus,
    Payment,
    Person,
    Quote,
    QuoteStatus,
    TaxCode,
)
from datashare.model.mapping import MappingError, Refs, WaitingForReference
from datashare.sync.causes import LOCKED_IN_XERO, NO_BANK_ACCOUNT, NO_CONTACT, NO_ROOM, RULE, STOCK_SHORT, Cause
from datashare.sync.push import PushResult

__all__ = ["HubView", "XeroSink"]


class HubView(t.Protocol):
    """What the sink reads from the hub: records by id, by a field, and what Xero last held."""

    def records(self, entity: str, ids: Sequence[UUID]) -> dict[UUID, CanonicalModel]:
        """Records by hub id."""
        ...

    def records_by(self, entity: str, field: str, values: Sequence[object]) -> list[CanonicalModel]:
        """Live records whose ``field`` is one of ``values``."""
        ...

    def snapshots(self, entity: str, app: str, ids: Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        """Each record as ``app`` last held it, in canonical form."""
        ...


@dataclass(frozen=True)
class _Write:
    """How one entity is written: its collection and the payload of one record."""

    stream: str
    payload: Callable[[t.Any, Refs, str], dict[str, t.Any]]


_WRITES: dict[str, _Write] = {
    "items": _Write("Items", item_to_xero),
    "quotes": _Write("Quotes", lambda r, refs, _: quote_to_xero(r, refs)),
    "invoices": _Write("Invoices", lambda r, refs, _: invoice_to_xero(r, refs)),
    "purchase_orders": _Write("PurchaseOrders", lambda r, refs, _: purchase_order_to_xero(r, refs)),
    # Credit notes go unallocated: a shop's refund is paid back by a payment of the note (see connectors.base.shop).
    "credit_notes": _Write("CreditNotes", lambda r, refs, _: credit_note_to_xero(r, refs)),
    "payments": _Write("Payments", lambda r, refs, _: payment_to_xero(r, refs)),
}


class _TaxRefs:
    """``Refs`` in which a tax Xero does not hold by id is the Xero rate chosen to stand for it."""

    def __init__(self, refs: Refs, chosen: dict[UUID, str]) -> None:
        self._refs = refs
        self._chosen = chosen

    def hub_id(self, entity: str, remote_id: str) -> UUID:
        return self._refs.hub_id(entity, remote_id)

    def remote_id(self, entity: str, hub_id: UUID) -> str | None:
        found = self._refs.remote_id(entity, hub_id)
        if found is None and entity == "tax_codes":
            return self._chosen.get(hub_id)
        return found


# Where a record names no account: payments go through a bank account, sales and purchases to these.
_DEFAULT_ACCOUNT_TYPES: dict[str, list[AccountType]] = {
    "bank": [AccountType.BANK],
    "sale": [AccountType.SALES, AccountType.REVENUE],
    "purchase": [AccountType.DIRECTCOSTS, AccountType.EXPENSE],
}


# How far over what an invoice owes a payment may be and still be a difference of tax rounding.
_ROUNDING = Decimal("0.05")
_ROUNDED = "paid at what Xero's invoice owes: the app's total differs from Xero's by tax rounding"


def _owed(invoice: dict[str, t.Any]) -> Decimal | None:
    """What an invoice (as Xero holds it, in canonical form) still owes."""
    balance = invoice.get("balance")
    if balance is not None:
        return Decimal(str(balance))
    total = (invoice.get("amount") or {}).get("total_amount")
    return Decimal(str(total)) if total is not None else None


def _withdrawn(record: CanonicalModel, held: dict[str, t.Any] | None) -> CanonicalModel:
    """A voided document Xero holds unapproved (DRAFT, SUBMITTED) is deleted instead: Xero voids only approved ones."""
    unapproved = held is not None and str(held.get("status")) in ("DRAFT", "SUBMITTED")
    if isinstance(record, Invoice | CreditNote) and record.status == DocumentStatus.VOIDED and unapproved:
        return record.model_copy(update={"status": DocumentStatus.DELETED})
    return record


# A document in one of these states that Xero never had is not created there (Xero refuses to).
_NEVER_SENT = frozenset({DocumentStatus.VOIDED, DocumentStatus.DELETED})


def _side_of(document: Document) -> Side:
    """Sales documents (customer invoices and credit notes) or purchase ones (bills, purchase orders)."""
    if isinstance(document, Invoice):
        return "sale" if document.type == InvoiceType.CUSTOMER else "purchase"
    if isinstance(document, CreditNote):
        return "sale" if document.type == CreditNoteType.CUSTOMER else "purchase"
    return "purchase"


def _taxes_of(record: CanonicalModel) -> list[tuple[UUID, Side]]:
    """The tax codes a record uses, with the side (sales or purchases) each is used on."""
    if isinstance(record, Item):
        pairs = [(record.sale_tax_code_id, "sale"), (record.purchase_tax_code_id, "purchase")]
        return [(tax, t.cast(Side, side)) for tax, side in pairs if tax is not None]
    if isinstance(record, Document):
        side = _side_of(record)
        return [(line.tax_code_id, side) for line in record.lines if line.tax_code_id is not None]
    return []


@dataclass
class XeroSink:
    """Writes in batches of 50, one result per record (and per person of a contact)."""

    client: XeroClient
    hub: HubView
    app: str = "xero"
    _defaults: dict[str, UUID | None] = field(default_factory=dict, init=False, repr=False)
    _organization_of: dict[UUID, UUID | None] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def _organisation(self) -> dict[str, t.Any]:
        return self.client.organisation()

    def push(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        """Write ``records`` of ``entity``; creates where ``refs`` knows no Xero id, updates otherwise."""
        if entity == "organizations":
            return self._contacts([t.cast(Organization, r) for r in records], refs, only_people=None)
        if entity == "people":
            return self._people([t.cast(Person, r) for r in records], refs)
        if entity == "tax_codes":
            return self._tax_codes([t.cast(TaxCode, r) for r in records], refs)
        if entity == "time_sheets":
            return PayrollTimesheets(self.client, self.hub).push(records, refs)
        if entity not in _WRITES:
            raise MappingError(f"{entity} are not written to Xero")
        results = self._write(entity, records, refs)
        if entity == "invoices":
            results = self._quotes_invoiced([t.cast(Invoice, r) for r in records], results, refs)
        return results

    def _quotes_invoiced(self, invoices: list[Invoice], results: list[PushResult], refs: Refs) -> list[PushResult]:
        """Mark INVOICED the quotes the invoices just written were made from; ``results``, noting what failed.

        Xero marks a quote INVOICED itself only when it is turned into an
        invoice in Xero; an invoice made from an order elsewhere must say so.
        """
        written = {r.hub_id for r in results if r.ok}
        made_from = {i.quote_id: i.id for i in invoices if i.id in written and i.quote_id is not None}
        quotes = self.hub.records("quotes", list(made_from))
        held = self.hub.snapshots("quotes", self.app, list(quotes))
        due = [
            t.cast(Quote, quote).model_copy(update={"status": QuoteStatus.INVOICED})
            for quote_id, quote in quotes.items()
            if refs.remote_id("quotes", quote_id) is not None
            and str((held.get(quote_id) or {}).get("status")) != QuoteStatus.INVOICED.value
        ]
        failed = {r.hub_id: r.error for r in (self._write("quotes", list(due), refs) if due else []) if not r.ok}
        if not failed:
            return results
        notes = {made_from[q]: f"its quote could not be marked INVOICED in Xero: {why}" for q, why in failed.items()}
        return [
            dataclasses.replace(r, error="; ".join(filter(None, (r.error, notes[r.hub_id]))))
            if r.hub_id in notes
            else r
            for r in results
        ]

    # -- items, documents, payments -------------------------------------------------------

    def _write(self, entity: str, records: list[CanonicalModel], refs: Refs) -> list[PushResult]:
        spec = _WRITES[entity]
        currency = str(self._organisation["BaseCurrency"])
        held = self.hub.snapshots(entity, self.app, [r.id for r in records if r.id is not None])
        results: list[PushResult] = []
        ready: list[tuple[CanonicalModel, dict[str, t.Any], bool]] = []
        taxes = self._tax_choices(records, refs)
        self._learn_organizations_of(records)
        rounded = self._rounded_to_what_is_due(records) if entity == "payments" else {}
        short = self._short_of_stock(records, held, refs) if entity == "invoices" else {}
        for record in records:
            assert record.id is not None  # hub records always have their id
            remote = refs.remote_id(entity, record.id)
            refused = self._refusal(record, remote, held.get(record.id), refs)
            if refused is not None:
                results.append(PushResult.skip(record.id, refused[0], refused[1], remote))
                continue
            if record.id in short:
                results.append(PushResult.wait(record.id, short[record.id], remote, STOCK_SHORT))
                continue
            try:
                ready_record = self._completed(_withdrawn(rounded.get(record.id, record), held.get(record.id)), refs)
                payload = spec.payload(ready_record, _TaxRefs(refs, taxes), currency)
            except WaitingForReference as waiting:
                results.append(PushResult.wait(record.id, waiting, remote))
                continue
            except MappingError as error:
                results.append(PushResult(record.id, False, remote, error=str(error)))
                continue
            ready.append((record, payload, remote is None))
        if entity == "quotes":
            ready, refused_on_the_way = self._through_sent(ready, held)
            results += refused_on_the_way
        if not ready:
            return results
        try:
            written = self.client.write(
                STREAMS[spec.stream], [payload for _, payload, _ in ready], [str(r.id) for r, _, _ in ready]
            )
        except ConnectorError as error:
            return results + [PushResult(r.id, False, error=str(error)) for r, _, _ in ready if r.id is not None]
        for (record, _, created), result in zip(ready, written, strict=True):
            assert record.id is not None
            if not result.ok or result.remote_id is None:
                reason = "; ".join(result.errors) or "refused by Xero"
                results.append(PushResult(record.id, False, error=reason))
                continue
            snapshot = self._as_held(spec.stream, result.record, refs, record.id, currency)
            note = _ROUNDED if record.id in rounded else None
            results.append(
                PushResult(record.id, True, result.remote_id, created=created, snapshot=snapshot, error=note)
            )
        return results

    def _through_sent(
        self, ready: list[tuple[CanonicalModel, dict[str, t.Any], bool]], held: dict[UUID, dict[str, t.Any]]
    ) -> tuple[list[tuple[CanonicalModel, dict[str, t.Any], bool]], list[PushResult]]:
        """Quote updates Xero takes only by way of SENT, sent there first; what is left to write, and what failed.

        Xero moves a quote along set steps (``_QUOTE_MOVES``: DRAFT to SENT,
        SENT to ACCEPTED or DECLINED…) and edits an ACCEPTED or INVOICED one
        only once it is back at SENT, so such an update goes twice: to SENT
        with its edits, then to the status wanted.
        """
        first = [
            (record, {**payload, "Status": QuoteStatus.SENT.value})
            for record, payload, created in ready
            if not created
            and record.id is not None
            and _needs_sent_first(str((held.get(record.id) or {}).get("status")), payload["Status"])
        ]
        if not first:
            return ready, []
        try:
            written = self.client.write(
                STREAMS["Quotes"], [payload for _, payload in first], [str(r.id) for r, _ in first]
            )
            why = {r.id: "; ".join(w.errors) for (r, _), w in zip(first, written, strict=True) if not w.ok}
        except ConnectorError as error:
            why = {r.id: str(error) for r, _ in first}
        failed = [
            PushResult(hub_id, False, error=f"could not move the quote to SENT first: {reason or 'refused by Xero'}")
            for hub_id, reason in why.items()
            if hub_id is not None
        ]
        stopped = {r.hub_id for r in failed}
        return [entry for entry in ready if entry[0].id not in stopped], failed

    def _short_of_stock(
        self, records: Sequence[CanonicalModel], held: dict[UUID, dict[str, t.Any]], refs: Refs
    ) -> dict[UUID, WaitingForReference]:
        """Sales Xero would refuse to approve for want of stock, each waiting on its item with the figures.

        Xero approves no sales invoice that takes a tracked item below zero on
        hand. Such an invoice waits (it is tried again on every run) instead of
        failing, and goes out by itself once Xero's stock allows it. The
        batch's sales draw on the stock in date order; untracked items never
        hold a sale back.
        """
        approving = [
            r
            for r in records
            if isinstance(r, Invoice)
            and r.id is not None
            and r.type == InvoiceType.CUSTOMER
            and r.deleted_at is None
            and r.status in (DocumentStatus.AUTHORISED, DocumentStatus.PAID)
            and str((held.get(r.id) or {}).get("status") or "DRAFT") in ("DRAFT", "SUBMITTED")  # not approved yet
        ]
        item_ids = {line.item_id for invoice in approving for line in invoice.lines if line.item_id is not None}
        stock = {
            item_id: snapshot
            for item_id, snapshot in self.hub.snapshots("items", self.app, list(item_ids)).items()
            if snapshot.get("is_inventoried") and snapshot.get("quantity_on_hand") is not None
        }
        if not stock:
            return {}
        left = {item_id: Decimal(str(snapshot["quantity_on_hand"])) for item_id, snapshot in stock.items()}
        short: dict[UUID, WaitingForReference] = {}
        for invoice in sorted(approving, key=lambda i: (i.transaction_date or date.min, i.transaction_number or "")):
            wanted: dict[UUID, Decimal] = defaultdict(Decimal)
            for line in invoice.lines:
                if line.item_id in left:
                    wanted[line.item_id] += line.quantity
            lacking = next((item for item, quantity in wanted.items() if quantity > left[item]), None)
            if lacking is None:
                for item, quantity in wanted.items():
                    left[item] -= quantity
                continue
            assert invoice.id is not None
            short[invoice.id] = WaitingForReference(
                "items",
                lacking,
                self.app,
                f"waiting for stock of item {stock[lacking].get('code') or lacking} in Xero: {_quantity(wanted[lacking])} "
                f"wanted, {_quantity(left[lacking])} on hand for it; Xero approves no sale that takes a tracked item below zero, "
                "so the invoice is sent once the stock is there",
            )
        return short

    def _refusal(
        self, record: CanonicalModel, remote: str | None, held: dict[str, t.Any] | None, refs: Refs
    ) -> tuple[str, Cause] | None:
        """Why Xero will not take this record as it stands, and the cause that may lift it; None to send it."""
        if isinstance(record, Document):
            no_contact = check_invoice_has_contact(t.cast(Document, self._completed(record, refs)))
            if no_contact is not None:
                return no_contact, NO_CONTACT
        if isinstance(record, Invoice | CreditNote) and remote is None and record.status in _NEVER_SENT:
            return f"{record.status.value.lower()} before it reached Xero: nothing to send", RULE
        if isinstance(record, Item) and record.deleted_at is not None:
            return "an item deleted elsewhere stays in Xero: Xero items are deleted in Xero itself", RULE
        if isinstance(record, Invoice) and remote is not None and held is not None:
            # What Xero last said the invoice was: an edit to a PAID one, or one with money applied, is not sent.
            wanted = "VOIDED" if record.deleted_at is not None else record.status.value
            locked = check_invoice_editable(held.get("status"), wanted, _applied(held))
            return (locked, LOCKED_IN_XERO) if locked is not None else None
        no_account = isinstance(record, Payment) and record.account_id is None and remote is None
        if no_account and self._default_account("bank", refs) is None:
            return str(check_payment_account(None)), NO_BANK_ACCOUNT
        return None

    def _completed(self, record: CanonicalModel, refs: Refs) -> CanonicalModel:
        """The record with what Xero needs and the hub may lack, filled in from the hub.

        A document naming only a person goes to the person's organization; a
        payment without a bank account goes through the default one; items and
        item-less lines without an account take the organisation's first sales
        (or purchases) account, as Xero needs one on every approved line.
        """
        update: dict[str, t.Any] = {}
        if isinstance(record, Document) and record.organization_id is None and record.person_id is not None:
            organization = self._organization_of.get(record.person_id)
            if organization is not None:
                update["organization_id"] = organization
        if isinstance(record, Payment) and record.account_id is None:
            update["account_id"] = self._default_account("bank", refs)
        if isinstance(record, Item):
            if record.sale_account_id is None and record.is_sold:
                update["sale_account_id"] = self._default_account("sale", refs)
            if record.purchase_account_id is None and record.is_purchased:
                update["purchase_account_id"] = self._default_account("purchase", refs)
        if isinstance(record, Document) and any(ln.account_id is None and ln.item_id is None for ln in record.lines):
            side = _side_of(record)
            account = self._default_account(side, refs)
            update["lines"] = [
                ln.model_copy(update={"account_id": account}) if ln.account_id is None and ln.item_id is None else ln
                for ln in record.lines
            ]
        return record.model_copy(update=update) if update else record

    def _learn_organizations_of(self, records: list[CanonicalModel]) -> None:
        """The organizations of the people that documents name instead of one, in one lookup."""
        wanted = [
            r.person_id
            for r in records
            if isinstance(r, Document) and r.organization_id is None and r.person_id is not None
        ]
        people = t.cast(dict[UUID, Person], self.hub.records("people", wanted)) if wanted else {}
        self._organization_of = {hub_id: p.organization_id for hub_id, p in people.items()}

    def _default_account(self, use: str, refs: Refs) -> UUID | None:
        """The Xero account used where a record names none: the first (by code) active one of the right type."""
        if use not in self._defaults:
            types = _DEFAULT_ACCOUNT_TYPES[use]
            accounts = [t.cast(Account, a) for a in self.hub.records_by("accounts", "type", [k.value for k in types])]
            usable = [
                a
                for a in accounts
                if a.id is not None and a.status == AccountStatus.ACTIVE and refs.remote_id("accounts", a.id)
            ]
            usable.sort(key=lambda a: (types.index(a.type), a.code or "", a.name))
            self._defaults[use] = usable[0].id if usable else None
        return self._defaults[use]

    def _as_held(
        self, stream: str, saved: dict[str, t.Any], refs: Refs, hub_id: UUID, currency: str
    ) -> dict[str, t.Any] | None:
        """The record as Xero saved it, in canonical form: the base of the next merge."""
        try:
            read = READERS[stream]
            out = read(saved, refs, currency) if stream in NEEDS_CURRENCY else read(saved, refs)
        except MappingError:
            return None
        mapped = out[0] if isinstance(out, list) else out
        return {**mapped.record.model_dump(mode="json"), "id": str(hub_id)}

    # -- taxes ------------------------------------------------------------------------------

    def _tax_codes(self, taxes: list[TaxCode], refs: Refs) -> list[PushResult]:
        """Taxes from other apps: each stands for the Xero rate that matches it, or is made in Xero."""
        rates = [XeroTaxRate.from_xero(r) for r in self.client.read_all(STREAMS["TaxRates"])]
        country = str(self._organisation.get("CountryCode") or "")
        results: list[PushResult] = []
        to_send: list[tuple[TaxCode, dict[str, t.Any], bool]] = []
        for tax in taxes:
            assert tax.id is not None
            remote = refs.remote_id("tax_codes", tax.id)
            if remote is not None:
                to_send.append((tax, tax_code_to_xero(tax, refs), False))
                continue
            pick = pick_tax_rate(tax, "sale", rates)
            if pick is not None:
                name = next(r.name for r in rates if r.tax_type == pick)
                note = f"uses Xero's tax rate {name} ({pick}) of the same percentage"
                results.append(PushResult(tax.id, False, skipped=True, error=note))
            elif tax.deleted_at is None:
                to_send.append((tax, new_tax_rate(tax, "sale", country), True))
        if not to_send:
            return results
        try:
            written = self.client.write(
                STREAMS["TaxRates"], [payload for _, payload, _ in to_send], [str(tax.id) for tax, _, _ in to_send]
            )
        except ConnectorError as error:
            return results + [PushResult(tax.id, False, error=str(error)) for tax, _, _ in to_send if tax.id]
        for (tax, _, created), result in zip(to_send, written, strict=True):
            assert tax.id is not None
            if not result.ok or result.remote_id is None:
                results.append(PushResult(tax.id, False, error="; ".join(result.errors) or "refused by Xero"))
                continue
            held = self._as_held("TaxRates", result.record, refs, tax.id, "")
            results.append(PushResult(tax.id, True, result.remote_id, created=created, snapshot=held))
        return results

    def _rounded_to_what_is_due(self, records: list[CanonicalModel]) -> dict[UUID | None, CanonicalModel]:
        """New payments a few cents over what Xero says their invoice still owes, paid at what it owes.

        A shop rounds tax line by line, Xero on the line amounts it is sent, so
        an order paid in full can be a cent more than Xero's invoice total.
        """
        payments = [p for p in records if isinstance(p, Payment) and p.deleted_at is None and len(p.payment_lines) == 1]
        invoices = [p.payment_lines[0].invoice_id for p in payments if p.payment_lines[0].invoice_id is not None]
        held = self.hub.snapshots("invoices", self.app, [i for i in invoices if i is not None]) if invoices else {}
        out: dict[UUID | None, CanonicalModel] = {}
        for payment in payments:
            line = payment.payment_lines[0]
            invoice = held.get(line.invoice_id) if line.invoice_id is not None else None
            owed = _owed(invoice) if invoice is not None else None
            if owed is not None and Decimal(0) < line.amount - owed <= _ROUNDING:
                paid = payment.amount.model_copy(update={"total_amount": owed})
                out[payment.id] = payment.model_copy(
                    update={"amount": paid, "payment_lines": [line.model_copy(update={"amount": owed})]}
                )
        return out

    def _tax_choices(self, records: list[CanonicalModel], refs: Refs) -> dict[UUID, str]:
        """The Xero rate standing for each tax the records use that Xero does not hold by id."""
        wanted: dict[UUID, Side] = {}
        for record in records:
            for tax_id, side in _taxes_of(record):
                if refs.remote_id("tax_codes", tax_id) is None:
                    wanted.setdefault(tax_id, side)
        if not wanted:
            return {}
        found = self.hub.records("tax_codes", list(wanted))
        rates = [XeroTaxRate.from_xero(r) for r in self.client.read_all(STREAMS["TaxRates"])]
        chosen: dict[UUID, str] = {}
        for tax_id, side in wanted.items():
            tax = found.get(tax_id)
            pick = pick_tax_rate(t.cast(TaxCode, tax), side, rates) if tax is not None else None
            if pick is not None:
                chosen[tax_id] = pick
        return chosen  # a tax with no rate makes its records wait, saying which tax

    # -- contacts and their people ----------------------------------------------------------

    def _people(self, people: list[Person], refs: Refs) -> list[PushResult]:
        orphans = [
            PushResult(p.id, False, skipped=True, error="a person without an organization is not sent to Xero")
            for p in people
            if p.id is not None and p.organization_id is None
        ]
        org_ids = sorted({p.organization_id for p in people if p.organization_id is not None})
        orgs = [t.cast(Organization, o) for o in self.hub.records("organizations", org_ids).values()]
        wanted = {p.id for p in people}
        # A person deleted elsewhere leaves the contact: the contact is sent again without them.
        gone: dict[UUID, list[Person]] = {}
        for p in people:
            if p.deleted_at is not None and p.organization_id is not None:
                gone.setdefault(p.organization_id, []).append(p)
        return orphans + self._contacts(orgs, refs, only_people=wanted, gone=gone)

    def _contacts(
        self,
        orgs: list[Organization],
        refs: Refs,
        *,
        only_people: set[UUID | None] | None,
        gone: dict[UUID, list[Person]] | None = None,
    ) -> list[PushResult]:
        people: dict[UUID, list[Person]] = {}
        members = self.hub.records_by("people", "organization_id", [o.id for o in orgs if o.id is not None])
        for person in t.cast(list[Person], members):
            if person.organization_id is not None:
                people.setdefault(person.organization_id, []).append(person)
        for group in people.values():
            # People Xero already has keep their places: sending a contact replaces its persons,
            # so the ones left out for lack of room are always the newcomers, and they are reported.
            # Then by name, not by hub id: which newcomers get the room must not depend on ids a hub
            # drew at random (a plan, on a scratch hub, says who is left out; the run must agree).
            group.sort(
                key=lambda p: (
                    p.id is None or refs.remote_id("people", p.id) is None,
                    (p.last_name or "").casefold(),
                    (p.first_name or "").casefold(),
                    (p.email or "").casefold(),
                )
            )
        payloads, dropped, new = [], [], []
        for org in orgs:
            assert org.id is not None  # hub records always have their id
            payload, left_out = contact_payload(org, people.get(org.id, []), refs)
            payloads.append(payload)
            dropped.append(left_out)
            new.append(refs.remote_id("organizations", org.id) is None)
        renamed = self._unique_names(orgs, payloads, new, refs)
        try:
            written = self.client.write(STREAMS["Contacts"], payloads, [str(o.id) for o in orgs])
        except ConnectorError as error:
            return [PushResult(o.id, False, error=str(error)) for o in orgs if o.id is not None]
        results: list[PushResult] = []
        for org, result, left_out, created in zip(orgs, written, dropped, new, strict=True):
            assert org.id is not None
            if not result.ok or result.remote_id is None:
                results.append(PushResult(org.id, False, error="; ".join(result.errors) or "refused by Xero"))
                continue
            notes = [renamed[org.id]] if org.id in renamed else []
            if left_out:
                names = ", ".join(describe_person(p) for p in left_out)
                notes.append(f"{len(left_out)} people left out (Xero takes at most 5 contact persons): {names}")
            note = "; ".join(notes) or None
            if only_people is None:
                held = _held_contact(result.record, refs, org.id)
                results.append(PushResult(org.id, True, result.remote_id, error=note, created=created, snapshot=held))
            results += self._people_results(result.remote_id, people.get(org.id, []), left_out, only_people)
            results += [
                PushResult(p.id, True, refs.remote_id("people", p.id)) for p in (gone or {}).get(org.id, []) if p.id
            ]
        return results

    def _unique_names(
        self, orgs: list[Organization], payloads: list[dict[str, t.Any]], new: list[bool], refs: Refs
    ) -> dict[UUID, str]:
        """New contacts whose name another contact has, named apart (with their email); why, by hub id.

        Xero takes a contact name once; two customers of a shop may share a
        person's name. They are different customers (the hub did not match
        them), so the newcomer is sent as ``Name (email)``.
        """
        wanted = [str(p.get("Name", "")) for p, is_new in zip(payloads, new, strict=True) if is_new]
        if not wanted:
            return {}
        namesakes = t.cast(list[Organization], self.hub.records_by("organizations", "name", wanted))
        taken = {o.name.lower() for o in namesakes if o.id is not None and refs.remote_id("organizations", o.id)}
        renamed: dict[UUID, str] = {}
        for org, payload, is_new in zip(orgs, payloads, new, strict=True):
            name = str(payload.get("Name", ""))
            if is_new and name.lower() in taken and org.id is not None:
                tag = org.email or str(org.id)[:8]
                payload["Name"] = f"{name} ({tag})"[:255]
                renamed[org.id] = f"another Xero contact is named {name!r}: sent as {payload['Name']!r}"
            taken.add(str(payload.get("Name", "")).lower())
        return renamed

    @staticmethod
    def _people_results(
        contact_id: str, people: list[Person], left_out: list[Person], only: set[UUID | None] | None
    ) -> list[PushResult]:
        """A result for each person the contact was written with (or left out of it).

        When organizations are pushed, the people sent with them are reported
        as carried along (``entity="people"``), so they are not sent again.
        """
        carried = "people" if only is None else None
        out = []
        for person in people:
            if person.id is None or (only is not None and person.id not in only):
                continue
            if person.status != PartyStatus.ACTIVE:
                reason = "an archived person is not sent to Xero (a contact person has no such state)"
                out.append(PushResult(person.id, False, skipped=True, error=reason, entity=carried))
                continue
            if person in left_out:
                reason = "left out: Xero takes at most 5 contact persons"
                out.append(PushResult.skip(person.id, reason, NO_ROOM, entity=carried))
                continue
            remote = person_remote_id(contact_id, person.first_name, person.last_name, person.email)
            out.append(PushResult(person.id, True, remote, entity=carried))
        return out


def _held_contact(element: dict[str, t.Any], refs: Refs, org_id: UUID) -> dict[str, t.Any] | None:
    """The contact as Xero saved it, in canonical form (the organization only)."""
    try:
        mapped = contact_to_canonical(element, refs)
    except MappingError:
        return None
    return {**mapped[0].record.model_dump(mode="json"), "id": str(org_id)}


def _applied(held: t.Mapping[str, t.Any]) -> Decimal | None:
    """What payments and credits have taken off an invoice Xero holds (its total less what is due), if known."""
    total = (held.get("amount") or {}).get("total_amount")
    due = held.get("balance")
    if total is None or due is None:
        paid = held.get("amount_paid")
        return Decimal(str(paid)) if paid is not None else None
    return Decimal(str(total)) - Decimal(str(due))


# Where Xero lets a quote's status go from each status (the Xero sandbox's quotes module cites the sources).
_QUOTE_MOVES: dict[str, frozenset[str]] = {
    "DRAFT": frozenset({"SENT", "DELETED"}),
    "SENT": frozenset({"ACCEPTED", "DECLINED", "DELETED"}),
    "DECLINED": frozenset({"SENT", "DELETED"}),
    "ACCEPTED": frozenset({"SENT", "INVOICED", "DELETED"}),
    "INVOICED": frozenset({"SENT", "DELETED"}),
}
_QUOTES_WITHOUT_EDITS = frozenset({"ACCEPTED", "INVOICED"})


def _needs_sent_first(current: str, wanted: str) -> bool:
    """Whether a quote Xero holds in ``current`` must go to SENT before it can be written as ``wanted``."""
    if current not in _QUOTE_MOVES or current == "SENT" or wanted == "SENT":
        return False  # not in Xero yet, or SENT itself takes the edits
    if wanted == current:  # an edit: ACCEPTED and INVOICED quotes take none until they are back at SENT
        return current in _QUOTES_WITHOUT_EDITS
    return wanted not in _QUOTE_MOVES[current]


def _quantity(number: Decimal) -> str:
    """A quantity as a person writes it: ``59``, ``2.5``."""
    return format(number.normalize(), "f") if number else "0"
