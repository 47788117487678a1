"""Xero's own business rules, as pure checks made before a record is pushed.

Each ``check_*`` returns None when the push may go ahead, or a reason a person
can read (it lands in the run's rejects or warnings). None of them talks to
Xero: what they need to know about Xero's side (an invoice's current status,
the account a payment names) is passed in.

The rules come from the product spec's FAQ and Xero's API documentation:
at most 5 contact persons per contact; a DRAFT, SUBMITTED or AUTHORISED
invoice takes edits while nothing (payment, credit note, prepayment,
overpayment) is applied to it, a PAID one none; an invoice needs a contact; a payment needs
a BANK account or one with payments enabled; QuantityOnHand and TotalCostPool
are read-only.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Mapping
from decimal import Decimal

from datashare.model import Account, Document, Person

__all__ = [
    "MAX_CONTACT_PERSONS",
    "READ_ONLY_FIELDS",
    "ContactPeople",
    "check_contact_persons",
    "check_invoice_editable",
    "check_invoice_has_contact",
    "check_payment_account",
    "describe_person",
    "select_contact_persons",
    "writable_fields",
    "writable_item_fields",
]

MAX_CONTACT_PERSONS = 5
"""ContactPersons Xero keeps on one contact, besides the contact's own (primary) person."""

# Fields Xero computes or sets itself: sending them is at best ignored, at worst refused.
READ_ONLY_FIELDS: dict[str, frozenset[str]] = {
    "Contacts": frozenset(
        {"IsCustomer", "IsSupplier", "Website", "Balances", "UpdatedDateUTC", "HasValidationErrors", "Discount"}
    ),
    "Items": frozenset({"QuantityOnHand", "TotalCostPool", "UpdatedDateUTC", "StatusAttributeString"}),
    "Invoices": frozenset(
        {"SubTotal", "TotalTax", "Total", "TotalDiscount", "AmountDue", "AmountPaid", "AmountCredited"}
        | {"FullyPaidOnDate", "UpdatedDateUTC", "HasAttachments", "IsDiscounted", "Payments", "CreditNotes"}
    ),
    "Accounts": frozenset({"Class", "SystemAccount", "ReportingCodeName", "HasAttachments", "UpdatedDateUTC"}),
    "TaxRates": frozenset(
        {"EffectiveRate", "DisplayTaxRate", "CanApplyToAssets", "CanApplyToEquity", "CanApplyToExpenses"}
        | {"CanApplyToLiabilities", "CanApplyToRevenue"}
    ),
}

# Invoice statuses in which Xero refuses every edit.
_LOCKED_STATUSES: dict[str, str] = {
    "PAID": "invoice is PAID in Xero: edits are not sent",
    "VOIDED": "invoice is VOIDED in Xero: it cannot be changed",
    "DELETED": "invoice is DELETED in Xero: it cannot be changed",
}


class ContactPeople(t.NamedTuple):
    """How an organization's people fit one Xero contact."""

    primary: Person | None
    """The person whose name and email become the contact's own FirstName/LastName/EmailAddress."""
    persons: list[Person]
    """The others sent as ContactPersons (at most five)."""
    dropped: list[Person]
    """The people left out because Xero keeps no more."""


def describe_person(person: Person) -> str:
    """A person as a reader knows them: ``Ann Lee <ann@example.com>``."""
    name = " ".join(p for p in (person.first_name, person.last_name) if p)
    if name and person.email:
        return f"{name} <{person.email}>"
    return name or person.email or str(person.id)


def select_contact_persons(people: Iterable[Person]) -> ContactPeople:
    """Split an organization's people into the primary person, the ContactPersons sent and those left out.

    Deleted or archived people are not sent (Xero has no such state for a
    contact person). The first person marked primary is the primary; the
    others keep the order given, so the caller decides who is left out first.
    """
    live = [p for p in people if p.deleted_at is None and p.status == "ACTIVE"]
    primary = next((p for p in live if p.is_primary), None)
    others = [p for p in live if p is not primary]
    return ContactPeople(primary, others[:MAX_CONTACT_PERSONS], others[MAX_CONTACT_PERSONS:])


def check_contact_persons(people: Iterable[Person]) -> str | None:
    """A reason when some people will be left out of the Xero contact (more than 5 besides the primary)."""
    chosen = select_contact_persons(people)
    if not chosen.dropped:
        return None
    total = len(chosen.persons) + len(chosen.dropped)
    names = ", ".join(describe_person(p) for p in chosen.dropped)
    return (
        f"Xero keeps at most {MAX_CONTACT_PERSONS} contact persons besides the primary person: "
        f"{len(chosen.dropped)} of {total} left out: {names}"
    )


def check_invoice_editable(
    existing_status: str | None, new_status: str | None = None, applied: Decimal | None = None
) -> str | None:
    """A reason when Xero will refuse to change an invoice in ``existing_status`` (None: not in Xero yet).

    Xero takes edits to DRAFT, SUBMITTED and AUTHORISED invoices while nothing
    is applied to them (``applied``: what payments, credit notes, prepayments
    and overpayments have taken off the total), voiding included; a PAID,
    VOIDED or DELETED one takes none.
    """
    if existing_status is None:
        return None
    current = str(existing_status).upper()
    if current == "AUTHORISED" and applied is not None and applied > 0:
        change = "voided" if new_status is not None and str(new_status).upper() == "VOIDED" else "edited"
        return (
            f"invoice has {applied} paid or credited in Xero: Xero takes no edit to it while that stands, "
            f"so it is not {change}; remove the payment or allocation in Xero first"
        )
    return _LOCKED_STATUSES.get(current)


def check_invoice_has_contact(document: Document) -> str | None:
    """A reason when a document names no organization: Xero needs a Contact on every invoice."""
    if document.organization_id is not None:
        return None
    if document.person_id is not None:
        return (
            "Xero needs a Contact on the document: it names only a person; "
            "link the person to an organization so it can be sent"
        )
    return "Xero needs a Contact on the document: it references no customer or supplier, so it is not sent"


def check_payment_account(account: Account | None) -> str | None:
    """A reason when Xero will not process a payment to or from ``account`` (BANK or payments enabled)."""
    if account is None:
        return (
            "the payment references no account: Xero needs a BANK account (or one with payments enabled); "
            "the payment is not processed and the invoice stays AUTHORISED"
        )
    if account.accepts_payments():
        return None
    label = f"{account.code} {account.name}" if account.code else account.name
    return (
        f"account {label!r} is {account.type.value}, not BANK, and does not accept payments: "
        "Xero will not process the payment and the invoice stays AUTHORISED"
    )


def writable_fields(endpoint: str, payload: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """``payload`` without the fields Xero sets itself on ``endpoint`` (e.g. ``"Items"``)."""
    read_only = READ_ONLY_FIELDS.get(endpoint, frozenset())
    return {key: value for key, value in payload.items() if key not in read_only}


def writable_item_fields(payload: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """An item payload without QuantityOnHand, TotalCostPool and other fields Xero computes."""
    return writable_fields("Items", payload)
