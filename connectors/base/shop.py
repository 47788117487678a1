"""What every shop connector (Shopify, Magento, Neto) maps the same way: customers, taxes, invoice numbers, payments.

A shop customer is one person. Xero wants an organization on every invoice
(the product spec: people without an organization are not sent to Xero), so
each customer becomes an ``Organization`` (named after the company, or the
person when there is none) and a ``Person`` that is its primary contact,
both with the customer's id as their remote id.

A shop's order becomes a customer ``Invoice`` numbered ``prefix + order
number`` (so two shops of one business never share a number, and an order
read again finds its invoice), awaiting approval until it is paid
(``unpaid_orders_await_approval``); a paid order adds a ``Payment`` of the paid
amount with no bank account, so Xero's default bank account takes it (the
product spec's rule). A refund becomes a ``CreditNote`` paid back to the
customer (``refunds_paid_back``). Taxes on lines become ``TaxCode`` records
keyed by name and rate, which the Xero sink resolves to one of the tenant's
rates.

Pure: no I/O, records are built through the model's own validation.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from datashare.model import (
    Address,
    Addresses,
    Amount,
    CreditNote,
    DocumentStatus,
    Invoice,
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
    "ShopMapper",
    "ShopSettings",
    "customer_records",
    "order_payment",
    "refund_payment",
    "refunds_paid_back",
    "shop_conventions",
    "tax_code",
    "unpaid_orders_await_approval",
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


def order_payment(
    refs: Refs,
    *,
    invoice_remote_id: str,
    number: str,
    paid_on: date,
    amount: Decimal,
    currency: str,
    organization_remote_id: str | None,
    version: str | None = None,
    updated_at: datetime | None = None,
) -> Mapped:
    """The payment of a paid order, applied to its invoice, known as ``{order id}/payment``.

    ``number`` is the invoice number (the payment's reference); no bank
    account is named, so Xero's default bank account takes it.
    """
    if amount <= 0:
        raise MappingError(f"payment of {number}: amount {amount} is not positive")
    invoice_id: UUID = refs.hub_id("invoices", invoice_remote_id)
    payment = _build(
        Payment,
        {
            "type": PaymentType.CUSTOMER,
            "transaction_number": number,
            "transaction_date": paid_on,
            "organization_id": refs.hub_id("organizations", organization_remote_id) if organization_remote_id else None,
            "amount": Amount(currency=currency, total_amount=amount),
            "payment_lines": [PaymentLine(amount=amount, invoice_id=invoice_id)],
        },
        f"payment of {number}",
    )
    return Mapped("payments", f"{invoice_remote_id}/payment", payment, version, updated_at)


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
            "amount": Amount(currency=note.currency, total_amount=amount),
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


def unpaid_orders_await_approval(mapper: ShopMapper) -> ShopMapper:
    """``mapper`` with the invoices of orders not yet paid in full left SUBMITTED (awaiting approval) in Xero.

    Xero takes no edit to an approved (AUTHORISED) invoice but voiding it,
    while a shop order can change until it is paid: its invoice waits for
    approval, so an edited order updates the same invoice. Once the order is
    paid (the mapper gives its payment) the invoice is approved and paid.
    """

    def map_record(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        out = mapper(stream, raw, refs)
        paid = {m.remote_id.removesuffix("/payment") for m in out if m.entity == "payments"}
        return [
            Mapped(
                m.entity,
                m.remote_id,
                m.record.model_copy(update={"status": DocumentStatus.SUBMITTED}),
                m.remote_version,
                m.remote_updated_at,
            )
            if m.entity == "invoices"
            and t.cast(Invoice, m.record).status == DocumentStatus.AUTHORISED
            and m.remote_id not in paid
            else m
            for m in out
        ]

    return map_record


def shop_conventions(mapper: ShopMapper) -> ShopMapper:
    """A shop's mapper with what every shop does alike: unpaid orders await approval, refunds are paid back."""
    return unpaid_orders_await_approval(refunds_paid_back(mapper))
