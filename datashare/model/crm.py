"""CRM and sales parties and products: company, organizations, people, items."""

from __future__ import annotations

import typing as t
from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from datashare.model.base import CanonicalModel
from datashare.model.types import (
    WHOLE_MAX,
    AccountRef,
    Address,
    Addresses,
    Amount,
    CountryCode,
    CurrencyCode,
    Email,
    OrganizationRef,
    Phone,
    Quantity,
    TaxCodeRef,
)

__all__ = ["Company", "Item", "ItemStatus", "ItemType", "Organization", "PartyStatus", "Person"]


class PartyStatus(StrEnum):
    """Whether an organization or person is in use."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"


class Company(CanonicalModel):
    """The business itself (Xero's Organisation): one per tenant."""

    entity: t.ClassVar[str] = "company"
    singleton: t.ClassVar[bool] = True

    name: str = Field(min_length=1)
    legal_name: str | None = None
    country: CountryCode | None = None
    currency: CurrencyCode
    timezone: str | None = None
    tax_number: str | None = None
    email: Email | None = None
    website: str | None = None
    phone: Phone | None = None
    address: Addresses | None = None
    is_demo: bool = False
    financial_year_end: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$", description="MM-DD")


class Organization(CanonicalModel):
    """A customer or supplier business (a Xero contact, a CRM account or vendor)."""

    entity: t.ClassVar[str] = "organizations"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("name",),)

    name: str = Field(min_length=1, max_length=255)
    code: str | None = None
    status: PartyStatus = PartyStatus.ACTIVE
    industry: str | None = None
    number_of_employees: int | None = Field(default=None, ge=0, le=WHOLE_MAX)
    email: Email | None = None
    website: str | None = None
    phone: Phone | None = None
    address: Addresses | None = None
    tax_number: str | None = None
    currency: CurrencyCode | None = None
    # Contacts are customers by default (the product spec's rule); suppliers come from vendors and bills.
    is_customer: bool = True
    is_supplier: bool = False
    notes: str | None = None


class Person(CanonicalModel):
    """A person: a CRM contact, or a contact person of a Xero contact."""

    entity: t.ClassVar[str] = "people"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (
        ("email",),
        ("first_name", "last_name", "organization_id"),
    )

    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    status: PartyStatus = PartyStatus.ACTIVE
    job_title: str | None = None
    birth_date: date | None = None
    organization_id: OrganizationRef | None = None
    is_primary: bool = False
    email: Email | None = None
    phone_work: Phone | None = None
    address_work: Address | None = None
    is_customer: bool = True
    is_lead: bool = False
    lead_source: str | None = None
    lead_status: str | None = None

    @model_validator(mode="after")
    def _has_a_name_or_email(self) -> Person:
        if not (self.first_name or self.last_name or self.email):
            raise ValueError("a person needs a first name, a last name or an email")
        return self


class ItemType(StrEnum):
    """What kind of thing an item is."""

    PURCHASED = "PURCHASED"
    MANUFACTURED = "MANUFACTURED"
    SERVICE = "SERVICE"


class ItemStatus(StrEnum):
    """Whether an item is still sold or bought."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class Item(CanonicalModel):
    """A product or service (Xero item, CRM product or service, shop product variant)."""

    entity: t.ClassVar[str] = "items"
    matching_keys: t.ClassVar[tuple[tuple[str, ...], ...]] = (("code",), ("reference",))

    code: str = Field(min_length=1, max_length=30)
    reference: str | None = Field(default=None, description="SKU")
    name: str | None = Field(default=None, max_length=50)
    description: str | None = None
    purchase_description: str | None = None
    type: ItemType = ItemType.PURCHASED
    status: ItemStatus = ItemStatus.ACTIVE
    unit: str | None = None
    is_sold: bool = True
    is_purchased: bool = True
    sale_price: Amount | None = None
    purchase_price: Amount | None = None
    sale_tax_code_id: TaxCodeRef | None = None
    purchase_tax_code_id: TaxCodeRef | None = None
    sale_account_id: AccountRef | None = None
    purchase_account_id: AccountRef | None = None
    is_inventoried: bool = False
    # Read-only in Xero: it flows out of Xero, never into it.
    quantity_on_hand: Quantity | None = None
