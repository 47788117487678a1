"""Value types shared by every canonical entity: ids, money, addresses, contact details.

Money is ``Decimal`` with a currency; dates are ``date``; timestamps are
timezone-aware; references to other records are hub ids (UUIDs) that say which
entity they point at, so the engine can tell which records must wait for others.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated
from uuid import UUID

import pycountry
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer

__all__ = [
    "WHOLE_MAX",
    "AccountRef",
    "Address",
    "Addresses",
    "Amount",
    "CountryCode",
    "CreditNoteRef",
    "CurrencyCode",
    "Email",
    "EmployeeRef",
    "HubId",
    "InvoiceRef",
    "ItemRef",
    "NonNegativeQuantity",
    "OrganizationRef",
    "PayItemRef",
    "PayScheduleRef",
    "PersonRef",
    "Phone",
    "Quantity",
    "QuoteRef",
    "Rate",
    "RefTo",
    "TaxCodeRef",
    "Timestamp",
    "Value",
    "ValueObject",
    "WorkLocationRef",
]

# Every figure fits DECIMAL(18, 6) in the hub: twelve digits before the point,
# six after (Xero's unit amounts take four, currency rates six).
MONEY_DIGITS = 18
MONEY_PLACES = 6
# Every whole number fits BIGINT: a count beyond it is refused when its record is made, not when its batch is written.
WHOLE_MAX = 2**63 - 1


# ISO 4217 codes that are not money a business invoices in: test, "no currency", metals, fund units.
_NOT_MONEY = frozenset({"XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA"})


def _currency(code: str) -> str:
    code = code.strip().upper()
    if code in _NOT_MONEY or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"unknown currency {code!r} (expected an ISO 4217 code such as AUD, USD, NZD)")
    return code


def _country(code: str) -> str:
    code = code.strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"unknown country {code!r} (expected an ISO 3166 alpha-2 code such as AU, US, NZ)")
    return code


def _email(value: str) -> str:
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or " " in value:
        raise ValueError(f"not an email address: {value!r}")
    return value


CurrencyCode = Annotated[str, AfterValidator(_currency)]
"""An ISO 4217 currency code, upper-cased."""

CountryCode = Annotated[str, AfterValidator(_country)]
"""An ISO 3166 alpha-2 country code, upper-cased."""

Email = Annotated[str, AfterValidator(_email)]
"""An email address (checked for shape, not deliverability)."""

Value = Annotated[Decimal, Field(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)]
"""A decimal figure: an amount, a price, a rate, hours."""

Quantity = Value
"""A quantity that may be negative (stock on hand can be oversold)."""

NonNegativeQuantity = Annotated[Decimal, Field(ge=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)]
"""A quantity that cannot be negative (lines, hours, units)."""

Rate = Annotated[Decimal, Field(ge=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)]
"""A tax rate in percent, or a currency rate."""

HubId = Annotated[UUID, PlainSerializer(str, return_type=str)]
"""The id of a record in the hub (dumped as text, stored as UUID)."""

Timestamp = AwareDatetime
"""A point in time; naive datetimes are refused, so no record is an hour off."""


@dataclass(frozen=True)
class RefTo:
    """Marks a hub id field as a reference to a record of ``entity``."""

    entity: str


# References to other records, one alias per entity referred to.
OrganizationRef = Annotated[HubId, RefTo("organizations")]
PersonRef = Annotated[HubId, RefTo("people")]
ItemRef = Annotated[HubId, RefTo("items")]
AccountRef = Annotated[HubId, RefTo("accounts")]
TaxCodeRef = Annotated[HubId, RefTo("tax_codes")]
InvoiceRef = Annotated[HubId, RefTo("invoices")]
QuoteRef = Annotated[HubId, RefTo("quotes")]
CreditNoteRef = Annotated[HubId, RefTo("credit_notes")]
EmployeeRef = Annotated[HubId, RefTo("employees")]
PayItemRef = Annotated[HubId, RefTo("pay_items")]
PayScheduleRef = Annotated[HubId, RefTo("pay_schedules")]
WorkLocationRef = Annotated[HubId, RefTo("work_locations")]


class ValueObject(BaseModel):
    """Base for nested values (amounts, addresses, lines): strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)


class Amount(ValueObject):
    """Money: net, tax and total with the tax rate, all in one currency."""

    currency: CurrencyCode
    net_amount: Value | None = None
    tax_amount: Value | None = None
    total_amount: Value | None = None
    tax_rate: Rate | None = None


class Address(ValueObject):
    """A postal address."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: CountryCode | None = None


class Addresses(ValueObject):
    """The billing and shipping addresses of an organization or a document."""

    billing: Address | None = None
    shipping: Address | None = None


class Phone(ValueObject):
    """Phone numbers."""

    landline: str | None = None
    landline2: str | None = None
    mobile: str | None = None
    fax: str | None = None
