"""What every shop connector (Shopify, Magento, Neto) maps the same way: customers, taxes, invoice numbers, payments.

A shop customer is one person. Xero wants an organization on every invoice
(the product spec: people without an organization are not sent to Xero), so
each customer becomes an ``Organization`` (named after the company, or the
person when there is none) and a ``Person`` that is its primary contact,
both with the customer's id as their remote id.

A shop's order becomes a customer ``Invoice`` numbered ``prefix + order
number`` (so two shops of one business never share a number, and an order
read again finds its invoice). It is AUTHORISED as soon as the order is
placed, so it is in receivables at once; an order edited while unpaid
updates the same invoice (Xero edits an approved invoice until a payment is
applied to it); a cancelled order's invoice is VOIDED.

Payments come as they happen (``order_payments``): each sum of money the
shop records as received on the order (a ``Receipt``: a Shopify sale or
capture, a paid Magento invoice, a Neto payment) becomes its own ``Payment``
applied to the order's invoice, for its own amount, dated the day it was
received, known as ``{order id}/payment/{receipt id}``, so an order paid in
two parts gives two payments and one paid in part leaves its invoice
AUTHORISED with the rest owing. A shop that marks an order paid without any
receipt on record gives one payment of the order's total, known as ``{order
id}/payment`` (the one payment orders had before receipts were read). A
cancelled order gives no payment. A payment names no bank account, so Xero's
default bank account takes it (the product spec's rule).

A refund becomes a ``CreditNote`` paid back to the customer
(``refunds_paid_back``). Taxes on lines become ``TaxCode`` records keyed by
name and rate, which the Xero sink resolves to one of the tenant's rates.

Pure: no I/O, records are built through the model's own validation.
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from datashare.model import (
    Address,
    Addresses,
    CreditNote,
    Organization,
    Payment,
    PaymentLine,
    PaymentType,
    Person,
    Phone,
    TaxCode,
    validate_record,
)
from datashare.model.base import CanonicalModel
from datashare.model.mapping import Mapped, MappingError, Refs

__all__ = [
    "Receipt",
    "ShopMapper",
    "ShopSettings",
    "customer_records",
    "order_payment",
    "order_payments",
    "refund_payment",
    "refunds_paid_back",
    "shop_conventions",
    "tax_code",
]


@dataclass(frozen=True)
class ShopSettings:
    """What mapping one shop's records needs besides the record.

    ``currency``: the shop's currency, for records that carry none.
    ``number_prefix``: put before the shop's order number to make the Xero invoice number.
    """

    currency: str
    number_prefix: str

    def invoice_number(self, order_number: str) -> str:
        """The Xero invoice number of a shop order (``SHOP-1001``)."""
        number = order_number.strip().lstrip("#")
        if not number:
            raise MappingError("order number: missing, and the invoice number is made from it")
        return f"{self.number_prefix}{number}"


M = t.TypeVar("M", bound=CanonicalModel)


def _build(model: type[M], data: t.Mapping[str, t.Any], where: str) -> M:
    built = validate_record(model, data)
    if isinstance(built, str):
        raise MappingError(f"{where}: {built}")
    return built


def _words(*parts: str | None) -> str | None:
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return text or None


def customer_records(
    refs: Refs,
    remote_id: str,
    *,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    company: str | None = None,
    phone: str | None = None,
    billing: Address | None = None,
    shipping: Address | None = None,
    version: str | None = None,
    updated_at: datetime | None = None,
    where: str = "customer",
) -> list[Mapped]:
    """A shop customer as an organization and its primary person, both known by the customer's id.

    ``where`` names the record in errors (``Shopify Customer 123``). A
    customer with neither a name nor an email cannot be told apart from
    another one, so it is refused.
    """
    person_name = _words(first_name, last_name)
    org_name = _words(company) or person_name or (email.strip() if email else None)
    if org_name is None:
        raise MappingError(f"{where}: no name, company or email: Xero needs a name for the contact")
    phones = Phone(landline=phone.strip()) if phone and phone.strip() else None
    addresses = Addresses(billing=billing, shipping=shipping) if billing or shipping else None
    org_id = refs.hub_id("organizations", remote_id)
    organization = _build(
        Organization,
        {"name": org_name[:255], "email": email or None, "phone": phones, "address": addresses},
        where,
    )
    records = [Mapped("organizations", remote_id, organization, version, updated_at)]
    if person_name or email:
        person = _build(
            Person,
            {
                "first_name": (first_name or "").strip() or None,
                "last_name": (last_name or "").strip() or None,
                "email": email or None,
                "organization_id": org_id,
                "is_primary": True,
                "phone_work": phones,
                "address_work": billing,
            },
            where,
        )
        records.append(Mapped("people", remote_id, person, version, updated_at))
    return records


def _rate_text(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text


def tax_code(name: str | None, rate: Decimal) -> Mapped:
    """A shop's tax (its title and percentage) as a tax code, known by ``name|rate``.

    The Xero sink resolves it to the tenant's active rate of that percentage
    (preferring the same name), so shops never create Xero rates they need
    not.
    """
    label = (name or "").strip() or f"Tax {_rate_text(rate)}%"
    record = _build(TaxCode, {"name": label, "sale_tax_rate": rate}, f"tax {label}")
    return Mapped("tax_codes", f"{label}|{_rate_text(rate)}", record)


@dataclass(frozen=True)
class Receipt:
    """A sum of money a shop recorded as received on an order.

    ``key``: the shop's own id of the receipt (a transaction's, an invoice's,
    a payment's), which never changes, so a re-read gives the same payment;
    None for the one payment of an order the shop marked paid without any
    receipt. ``label``: how the shop shows the receipt, for the payment's
    reference (the key when None). ``received_on``: the shop's local date.
    """

    received_on: date
    amount: Decimal
    key: str | None = None
    label: str | None = None


def order_payment(
    refs: Refs,
    receipt: Receipt,
    *,
    invoice_remote_id: str,
    number: str,
    currency: str,
    organization_remote_id: str | None,
    version: str | None = None,
    updated_at: datetime | None = None,
) -> Mapped:
    """One receipt as a payment applied to the order's invoice, known as ``{order id}/payment/{receipt key}``.

    ``number`` is the invoice number; the payment's reference adds the
    receipt's label (``SHOP-1001-P7``), so the payments of one order never
    share a reference, which the hub matches payments on. A receipt without
    a key is the order's one payment, ``{order id}/payment``, referenced by
    the invoice number alone. No bank account is named, so Xero's default
    bank account takes it.
    """
    amount = receipt.amount
    if amount <= 0:
        raise MappingError(f"payment of {number}: amount {amount} is not positive")
    if receipt.key is None:
        remote_id, reference = f"{invoice_remote_id}/payment", number
    else:
        remote_id, reference = f"{invoice_remote_id}/payment/{receipt.key}", f"{number}-P{receipt.label or receipt.key}"
    invoice_id: UUID = refs.hub_id("invoices", invoice_remote_id)
    payment = _build(
        Payment,
        {
            "type": PaymentType.CUSTOMER,
            "transaction_number": reference,
            "transaction_date": receipt.received_on,
            "organization_id": refs.hub_id("organizations", organization_remote_id) if organization_remote_id else None,
            "amount": {"currency": currency, "total_amount": amount},
            "payment_lines": [PaymentLine(amount=amount, invoice_id=invoice_id)],
        },
        f"payment of {number}",
    )
    return Mapped("payments", remote_id, payment, version, updated_at)


def order_payments(
    refs: Refs,
    receipts: Sequence[Receipt],
    *,
    invoice_remote_id: str,
    number: str,
    currency: str,
    organization_remote_id: str | None,
    paid_in_full: Receipt | None = None,
    cancelled: bool = False,
    version: str | None = None,
    updated_at: datetime | None = None,
) -> list[Mapped]:
    """The payments of an order as they happened: one per receipt, oldest first (see ``order_payment``).

    ``paid_in_full`` is what the shop says was received when it marks the
    order paid without any receipt on record (Shopify's manual "mark as
    paid"); it is used only when there is no receipt. A cancelled order
    gives none (its invoice is voided, and Xero voids no invoice a payment
    is applied to). Receipts of nothing or less (a shop may record a refund
    as a negative payment) are not payments: refunds are credit notes.
    """
    if cancelled:
        return []
    taken = [r for r in receipts if r.amount > 0]
    if any(r.key is None for r in taken):
        raise MappingError(f"payment of {number}: a receipt without the shop's id cannot be told from another")
    if not taken and paid_in_full is not None and paid_in_full.amount > 0:
        taken = [Receipt(paid_in_full.received_on, paid_in_full.amount)]
    return [
        order_payment(
            refs,
            receipt,
            invoice_remote_id=invoice_remote_id,
            number=number,
            currency=currency,
            organization_remote_id=organization_remote_id,
            version=version,
            updated_at=updated_at,
        )
        for receipt in sorted(taken, key=lambda r: r.received_on)  # stable: one day's receipts stay in the shop's order
    ]


ShopMapper = t.Callable[[str, dict[str, t.Any], Refs], list[Mapped]]
"""What each shop's ``<shop>_mapper(settings)`` returns: ``(stream, raw record, refs) -> canonical records``."""


def refund_payment(refs: Refs, refund: Mapped) -> Mapped | None:
    """The money a shop paid back for a refund: a payment of its credit note, known as ``{refund id}/refund``.

    A shop refunds what the customer paid, so the credit note is settled by
    paying it out (through Xero's default bank account), not by allocating it
    to the order's invoice, which is usually paid already and could not take
    it. The amount is what the refund allocated to its order, else the credit
    note's total; None when there is nothing to pay back.
    """
    note = t.cast(CreditNote, refund.record)
    amount = sum((a.amount for a in note.allocations), Decimal(0)) or (
        note.amount.total_amount if note.amount and note.amount.total_amount else Decimal(0)
    )
    if amount <= 0 or note.transaction_date is None:
        return None
    payment = _build(
        Payment,
        {
            "type": PaymentType.CUSTOMER,
            "transaction_number": note.transaction_number,
            "transaction_date": note.transaction_date,
            "organization_id": note.organization_id,
            "amount": {"currency": note.currency, "total_amount": amount},
            "payment_lines": [PaymentLine(amount=amount, credit_note_id=refs.hub_id("credit_notes", refund.remote_id))],
        },
        f"refund of {note.transaction_number}",
    )
    return Mapped("payments", f"{refund.remote_id}/refund", payment, refund.remote_version, refund.remote_updated_at)


def refunds_paid_back(mapper: ShopMapper) -> ShopMapper:
    """``mapper`` with every refund's credit note paid back (``refund_payment``) instead of allocated."""

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        out: list[Mapped] = []
        for mapped in mapper(stream, raw, refs):
            if mapped.entity != "credit_notes" or mapped.record.deleted_at is not None:
                out.append(mapped)
                continue
            paid = refund_payment(refs, mapped)
            note = t.cast(CreditNote, mapped.record).model_copy(update={"allocations": []})
            out.append(Mapped(mapped.entity, mapped.remote_id, note, mapped.remote_version, mapped.remote_updated_at))
            if paid is not None:
                out.append(paid)
        return out

    return map_record


def shop_conventions(mapper: ShopMapper) -> ShopMapper:
    """A shop's mapper with what every shop does alike: refunds are paid back to the customer."""
    return refunds_paid_back(mapper)
