"""Commercial documents: quotes, invoices (customer and supplier), purchase orders, credit notes.

They share one header and one line shape (Connec!'s transaction shape), so each
document only adds what is its own.
"""

from __future__ import annotations

import typing as t
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from datashare.model.base import CanonicalModel
from datashare.model.types import (
    WHOLE_MAX,
    AccountRef,
    Address,
    Amount,
    CurrencyCode,
    InvoiceRef,
    ItemRef,
    NonNegativeQuantity,
    OrganizationRef,
    PersonRef,
    QuoteRef,
    Rate,
    TaxCodeRef,
    Value,
    ValueObject,
)

__all__ = [
    "CreditAllocation",
    "CreditNote",
    "CreditNoteType",
    "Document",
    "DocumentLine",
    "DocumentStatus",
    "Invoice",
    "InvoiceType",
    "LineAmountType",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "Quote",
    "QuoteStatus",
]


class LineAmountType(StrEnum):
    """Whether line amounts include tax."""

    EXCLUSIVE = "EXCLUSIVE"
    INCLUSIVE = "INCLUSIVE"
    NO_TAX = "NO_TAX"


class DocumentStatus(StrEnum):
    """The life of an invoice or credit note (Xero's statuses)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    PAID = "PAID"
    VOIDED = "VOIDED"
    DELETED = "DELETED"


class DocumentLine(ValueObject):
    """One line of a document.

    Quantities are never negative: a discount or a return is a negative unit
    price, so every app reads the line the same way.
    """

    line_number: int | None = Field(default=None, ge=1, le=WHOLE_MAX)
    item_id: ItemRef | None = None
    description: str | None = None
    quantity: NonNegativeQuantity = Decimal(1)
    unit_price: Amount | None = None
    total_price: Amount | None = None
    reduction_percent: Rate | None = Field(default=None, le=100)
    tax_code_id: TaxCodeRef | None = None
    account_id: AccountRef | None = None


class Document(CanonicalModel):
    """The header every commercial document shares."""

    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("transaction_number",),)

    transaction_number: str | None = Field(default=None, max_length=255)
    reference: str | None = None
    transaction_date: date | None = None
    organization_id: OrganizationRef | None = None
    person_id: PersonRef | None = None
    currency: CurrencyCode
    # None means "the day's rate": a foreign-currency document never gets a made-up 1.
    currency_rate: Rate | None = Field(default=None, gt=0)
    line_amount_type: LineAmountType = LineAmountType.EXCLUSIVE
    amount: Amount | None = None
    public_note: str | None = None
    private_note: str | None = None
    lines: list[DocumentLine] = Field(default_factory=list)

    @model_validator(mode="after")
    def _amounts_in_document_currency(self) -> Document:
        currencies = {self.amount.currency} if self.amount else set()
        for line in self.lines:
            for money in (line.unit_price, line.total_price):
                if money is not None:
                    currencies.add(money.currency)
        foreign = sorted(currencies - {self.currency})
        if foreign:
            raise ValueError(f"amounts in {', '.join(foreign)} on a document in {self.currency}")
        return self


class QuoteStatus(StrEnum):
    """The life of a quote (Xero's statuses): offered, then accepted or declined, then invoiced."""

    DRAFT = "DRAFT"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    INVOICED = "INVOICED"
    DELETED = "DELETED"


class Quote(Document):
    """An offer or order a customer has not been invoiced for: it posts no revenue (Xero Quote, vTiger SalesOrder).

    The sale is posted once, by the invoice made from it (``Invoice.quote_id``),
    which marks the quote INVOICED.
    """

    entity: t.ClassVar[str] = "quotes"

    status: QuoteStatus = QuoteStatus.DRAFT
    title: str | None = None
    expiry_date: date | None = None
    terms: str | None = None


class InvoiceType(StrEnum):
    """Sales (receivable) or purchase (payable) invoice."""

    CUSTOMER = "CUSTOMER"
    SUPPLIER = "SUPPLIER"


class Invoice(Document):
    """A customer invoice (Xero ACCREC) or a supplier bill (Xero ACCPAY)."""

    entity: t.ClassVar[str] = "invoices"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("type", "transaction_number"),)

    type: InvoiceType
    status: DocumentStatus = DocumentStatus.DRAFT
    title: str | None = None
    due_date: date | None = None
    balance: Value | None = Field(default=None, description="amount still due")
    amount_paid: Value | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    quote_id: QuoteRef | None = Field(default=None, description="the quote or sales order it invoices")

    @model_validator(mode="after")
    def _due_after_issue(self) -> Invoice:
        if self.due_date and self.transaction_date and self.due_date < self.transaction_date:
            raise ValueError(f"due date {self.due_date} is before the invoice date {self.transaction_date}")
        return self


class PurchaseOrderStatus(StrEnum):
    """The life of a purchase order (Xero's statuses)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    BILLED = "BILLED"
    DELETED = "DELETED"


class PurchaseOrder(Document):
    """An order to a supplier."""

    entity: t.ClassVar[str] = "purchase_orders"

    status: PurchaseOrderStatus = PurchaseOrderStatus.DRAFT
    delivery_date: date | None = None
    expected_arrival_date: date | None = None
    delivery_address: Address | None = None
    delivery_instructions: str | None = None


class CreditNoteType(StrEnum):
    """Credit given to a customer (Xero ACCRECCREDIT) or received from a supplier (ACCPAYCREDIT)."""

    CUSTOMER = "CUSTOMER"
    SUPPLIER = "SUPPLIER"


class CreditAllocation(ValueObject):
    """Part of a credit note applied to an invoice."""

    invoice_id: InvoiceRef
    amount: Value
    transaction_date: date | None = None


class CreditNote(Document):
    """A credit note, possibly allocated against invoices."""

    entity: t.ClassVar[str] = "credit_notes"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("type", "transaction_number"),)

    type: CreditNoteType
    status: DocumentStatus = DocumentStatus.DRAFT
    remaining_credit: Value | None = None
    allocations: list[CreditAllocation] = Field(default_factory=list)
