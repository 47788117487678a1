"""Pure mapping between Salesforce records and the canonical model, both ways (no I/O).

Reading (``read_*``: a Salesforce record -> ``Mapped``):

- Account -> ``Organization`` (billing and shipping addresses, phone, fax, website);
- Contact -> ``Person``, linked to its Account through ``refs``;
- Product2 -> ``Item`` (``code`` is ProductCode); the sale price is the
  product's standard price book entry, which the source attaches as
  ``StandardPrice``;
- Order -> customer ``Invoice``, its lines from the OrderItems the source
  attaches as ``OrderItems`` (a line on the stand-in product, the source's
  ``StandInProductId``, names no item). Its status is Xero's, kept in the
  custom field ``Datashare_Status__c``, when the Order has one, else Draft ->
  DRAFT, Activated -> AUTHORISED (an Order a user activated since Xero's
  was a draft reads AUTHORISED); what is paid and due come from
  ``Datashare_Amount_Paid__c`` and ``Datashare_Amount_Due__c``; its number
  is the Order Reference Number (where Xero's invoice number goes), else
  Salesforce's OrderNumber.

Amounts are in the record's ``CurrencyIsoCode`` (multi-currency orgs) or the
org's currency, given as ``currency``. Datetimes come as
``2013-05-20T20:49:32.000+0000``. A record that cannot be mapped raises
``MappingError`` naming the object, the id and the field.

Writing (``write_*``: a canonical record -> a Salesforce payload for an
upsert): every payload carries ``Datashare_Id__c = str(hub id)``. A reference
to a record Salesforce does not have yet raises ``WaitingForReference``; a
record Salesforce cannot take at all (a supplier bill, an invoice in another
currency than the org's) raises ``NotTaken``, which the push reports as
skipped with its reason.

A customer ``Invoice`` is an Order (standard Salesforce has no invoice
object): ``write_order`` gives its header, with Xero's status and amounts in
the custom fields, and Status Activated for an AUTHORISED or PAID invoice
with lines (Salesforce activates only an order with products; a draft, or a
voided invoice, leaves the Order's Status as it is). ``write_order_items``
gives its OrderItems, priced before tax from each item's standard price book
entry; a line naming no item, or an item Salesforce has no standard price
for, goes on the stand-in product (``STAND_IN_CODE``).
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

import pycountry
from pydantic import ValidationError

from connectors.base.record import read_decimal
from connectors.salesforce.soql import parse_datetime
from connectors.salesforce.streams import (
    AMOUNT_DUE,
    AMOUNT_PAID,
    EXTERNAL_ID,
    MODSTAMP,
    STAND_IN_CODE,
    XERO_STATUS,
)
from datashare.model import (
    Address,
    CanonicalModel,
    DocumentLine,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    ItemStatus,
    Organization,
    Person,
    describe_errors,
)
from datashare.model.mapping import Mapped, MappingError, Refs, WaitingForReference

__all__ = [
    "NO_BILLS",
    "ORDER_STATUSES",
    "READERS",
    "STAND_IN_CODE",
    "STAND_IN_NAME",
    "WRITERS",
    "NotTaken",
    "line_products",
    "read_account",
    "read_contact",
    "read_order",
    "read_product",
    "sale_price",
    "write_account",
    "write_contact",
    "write_order",
    "write_order_items",
    "write_product",
]

M = t.TypeVar("M", bound=CanonicalModel)

ORDER_STATUSES = {"Draft": DocumentStatus.DRAFT, "Activated": DocumentStatus.AUTHORISED}
"""Salesforce Order status -> invoice status (when the Order holds no status of Xero's)."""

NO_BILLS = "Salesforce has no supplier bills: an Order is a sale to a customer"
STAND_IN_NAME = "Line without an item"
"""The name of the stand-in product (``STAND_IN_CODE``) order lines naming no item go on."""

_ACTIVE = frozenset({DocumentStatus.AUTHORISED, DocumentStatus.PAID})  # an Order of these is Activated
_DRAFTS = frozenset({DocumentStatus.DRAFT, DocumentStatus.SUBMITTED})
_VOID = frozenset({DocumentStatus.VOIDED, DocumentStatus.DELETED})
_CENT = Decimal("0.01")
_NUMBER_SIZE = 80  # OrderReferenceNumber
_LINE_TEXT_SIZE = 255  # OrderItem Description


class NotTaken(MappingError):  # noqa: N818 - a reason, as the engine's "skipped" is
    """Salesforce cannot take this record at all (a supplier bill, another currency): skipped, with why."""


class _Fields:
    """Typed reads of one record's fields, failing with the object, the id and the field."""

    def __init__(self, sobject: str, record: Mapping[str, t.Any]) -> None:
        self.sobject = sobject
        self.record = record
        self.id = str(record.get("Id") or "")
        if not self.id:
            raise MappingError(f"Salesforce {sobject} record has no Id")

    def fail(self, name: str, problem: str) -> MappingError:
        return MappingError(f"Salesforce {self.sobject} {self.id}: {name} {problem}")

    def text(self, name: str) -> str | None:
        value = self.record.get(name)
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def number(self, name: str) -> Decimal | None:
        value = self.record.get(name)
        if value is None or value == "":
            return None
        try:
            return read_decimal(value)
        except ValueError as error:
            raise self.fail(name, f"{error}: {value!r:.40}") from None

    def day(self, name: str) -> date | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise self.fail(name, f"is not a date: {text!r:.40}") from None

    def timestamp(self, name: str) -> datetime | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return parse_datetime(text)
        except ValueError:
            raise self.fail(name, f"is not a datetime: {text!r:.40}") from None

    def country(self, name: str) -> str | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return str(pycountry.countries.lookup(text).alpha_2)
        except LookupError:
            raise self.fail(name, f"is not a country we know: {text!r:.40}") from None


def _build(model: type[M], data: dict[str, t.Any], f: _Fields) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise MappingError(f"Salesforce {f.sobject} {f.id}: {describe_errors(error, model.entity)}") from None


def _mapped(entity: str, f: _Fields, record: CanonicalModel) -> Mapped:
    return Mapped(
        entity=entity,
        remote_id=f.id,
        record=record,
        remote_version=f.text(MODSTAMP),
        remote_updated_at=f.timestamp(MODSTAMP),
    )


def _times(f: _Fields) -> dict[str, t.Any]:
    return {"created_at": f.timestamp("CreatedDate"), "updated_at": f.timestamp("LastModifiedDate")}


def _some(**parts: t.Any) -> dict[str, t.Any] | None:
    kept = {k: v for k, v in parts.items() if v is not None}
    return kept or None


def _address(f: _Fields, prefix: str) -> dict[str, t.Any] | None:
    """A Salesforce address block (``Billing``, ``Shipping``, ``Mailing``): the street's first line is line1."""
    street = f.text(f"{prefix}Street")
    first, _, rest = (street or "").replace("\r\n", "\n").partition("\n")
    return _some(
        line1=first.strip() or None,
        line2=rest.strip() or None,
        city=f.text(f"{prefix}City"),
        region=f.text(f"{prefix}State"),
        postal_code=f.text(f"{prefix}PostalCode"),
        country=f.country(f"{prefix}Country"),
    )


def _address_fields(address: Address | None, prefix: str) -> dict[str, str | None]:
    if address is None:
        address = Address()
    country = pycountry.countries.get(alpha_2=address.country) if address.country else None
    return {
        f"{prefix}Street": "\n".join(line for line in (address.line1, address.line2) if line) or None,
        f"{prefix}City": address.city,
        f"{prefix}State": address.region,
        f"{prefix}PostalCode": address.postal_code,
        f"{prefix}Country": country.name if country is not None else None,
    }


def _hub(refs: Refs, entity: str, remote_id: str | None) -> UUID | None:
    return refs.hub_id(entity, remote_id) if remote_id else None


def _remote(refs: Refs, entity: str, hub_id: UUID | None) -> str | None:
    if hub_id is None:
        return None
    remote = refs.remote_id(entity, hub_id)
    if remote is None:
        raise WaitingForReference(entity, hub_id, "Salesforce")
    return remote


def _external_id(record: CanonicalModel) -> str:
    if record.id is None:
        raise MappingError(f"a {record.entity} record without a hub id cannot be written to Salesforce")
    return str(record.id)


def _currency(f: _Fields, currency: str | None) -> str:
    found = f.text("CurrencyIsoCode") or currency
    if not found:
        raise f.fail("CurrencyIsoCode", "is missing and the org's currency was not given")
    return found


# --- parties ----------------------------------------------------------------------------------


def read_account(record: Mapping[str, t.Any], refs: Refs, currency: str | None = None) -> Mapped:
    """An Account as an ``Organization`` (a customer: the spec's default for CRM organizations)."""
    f = _Fields("Account", record)
    data = {
        "name": f.text("Name"),
        "code": f.text("AccountNumber"),
        "website": f.text("Website"),
        "phone": _some(landline=f.text("Phone")),
        "address": _some(billing=_address(f, "Billing"), shipping=_address(f, "Shipping")),
        **_times(f),
    }
    if not data["name"]:
        raise f.fail("Name", "is empty")
    return _mapped("organizations", f, _build(Organization, data, f))


def write_account(organization: Organization, refs: Refs) -> dict[str, t.Any]:
    """An ``Organization`` as an Account payload."""
    address = organization.address
    phone = organization.phone
    return {
        EXTERNAL_ID: _external_id(organization),
        "Name": organization.name,
        "AccountNumber": organization.code,
        "Website": organization.website,
        "Phone": phone.landline if phone else None,
        **_address_fields(address.billing if address else None, "Billing"),
        **_address_fields(address.shipping if address else None, "Shipping"),
    }


def read_contact(record: Mapping[str, t.Any], refs: Refs, currency: str | None = None) -> Mapped:
    """A Contact as a ``Person``, with its Account as the organization."""
    f = _Fields("Contact", record)
    data = {
        "first_name": f.text("FirstName"),
        "last_name": f.text("LastName"),
        "job_title": f.text("Title"),
        "email": f.text("Email"),
        "organization_id": _hub(refs, "organizations", f.text("AccountId")),
        "phone_work": _some(landline=f.text("Phone")),
        "address_work": _address(f, "Mailing"),
        **_times(f),
    }
    return _mapped("people", f, _build(Person, data, f))


def write_contact(person: Person, refs: Refs) -> dict[str, t.Any]:
    """A ``Person`` as a Contact payload; its organization must be in Salesforce first."""
    if not person.last_name:
        raise MappingError(f"person {person.id}: Salesforce needs a last name for a Contact")
    phone = person.phone_work
    return {
        EXTERNAL_ID: _external_id(person),
        "AccountId": _remote(refs, "organizations", person.organization_id),
        "FirstName": person.first_name,
        "LastName": person.last_name,
        "Title": person.job_title,
        "Email": person.email,
        "Phone": phone.landline if phone else None,
        **_address_fields(person.address_work, "Mailing"),
    }


# --- items ------------------------------------------------------------------------------------


def read_product(record: Mapping[str, t.Any], refs: Refs, currency: str | None = None) -> Mapped:
    """A Product2 (with its ``StandardPrice`` entry, when it has one) as an ``Item``."""
    f = _Fields("Product2", record)
    code = f.text("ProductCode")
    if code is None:
        raise f.fail("ProductCode", "is empty: an item needs a code")
    price: dict[str, t.Any] | None = None
    entry = record.get("StandardPrice")
    if isinstance(entry, Mapping) and entry.get("UnitPrice") is not None:
        e = _Fields("PricebookEntry", {"Id": entry.get("Id") or f.id, **entry})
        price = {"currency": _currency(e, currency), "net_amount": e.number("UnitPrice")}
    active = record.get("IsActive")
    data = {
        "code": code,
        "name": f.text("Name"),
        "reference": f.text("StockKeepingUnit"),
        "description": f.text("Description"),
        "status": ItemStatus.INACTIVE if active is False else ItemStatus.ACTIVE,
        "sale_price": price,
        **_times(f),
    }
    return _mapped("items", f, _build(Item, data, f))


def sale_price(item: Item) -> Decimal | None:
    """The price a Product2's standard price book entry carries: the item's sale price, before tax where known."""
    price = item.sale_price
    if price is None:
        return None
    value = price.net_amount if price.net_amount is not None else price.total_amount
    return value.normalize() if value is not None else None


def write_product(item: Item, refs: Refs) -> dict[str, t.Any]:
    """An ``Item`` as a Product2 payload (its price goes in a price book entry, not here)."""
    return {
        EXTERNAL_ID: _external_id(item),
        "Name": item.name or item.code,
        "ProductCode": item.code,
        "StockKeepingUnit": item.reference,
        "Description": item.description,
        "IsActive": item.status is ItemStatus.ACTIVE,
    }


# --- orders -----------------------------------------------------------------------------------


def _line(item: Mapping[str, t.Any], refs: Refs, currency: str, number: int, stand_in: str | None) -> dict[str, t.Any]:
    f = _Fields("OrderItem", item)
    unit = f.number("UnitPrice")
    total = f.number("TotalPrice")
    product = f.text("Product2Id")
    return {
        "line_number": number,
        "item_id": _hub(refs, "items", product) if product != stand_in else None,
        "description": f.text("Description"),
        "quantity": f.number("Quantity") if item.get("Quantity") is not None else Decimal(1),
        "unit_price": {"currency": currency, "net_amount": unit} if unit is not None else None,
        "total_price": {"currency": currency, "net_amount": total} if total is not None else None,
    }


def _order_status(f: _Fields) -> DocumentStatus:
    """Xero's status when the Order holds one, unless the Order was activated since Xero's was a draft."""
    status_text = f.text("Status")
    if status_text not in ORDER_STATUSES:
        raise f.fail("Status", f"{status_text!r} is not a status the connector maps ({', '.join(ORDER_STATUSES)})")
    own = ORDER_STATUSES[status_text]
    xero = f.text(XERO_STATUS)
    if xero is None or xero not in DocumentStatus.__members__:
        return own
    told = DocumentStatus(xero)
    return own if status_text == "Activated" and told in _DRAFTS else told


def read_order(record: Mapping[str, t.Any], refs: Refs, currency: str | None = None) -> Mapped:
    """An Order (with its ``OrderItems``) as a customer ``Invoice``."""
    f = _Fields("Order", record)
    status = _order_status(f)
    money = _currency(f, currency)
    items = record.get("OrderItems") or []
    if isinstance(items, Mapping):  # the shape of a subquery, should a caller use one
        items = items.get("records") or []
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        raise f.fail("OrderItems", f"is not a list of order products: {items!r:.40}")
    stand_in = f.text("StandInProductId")
    total = f.number("TotalAmount")
    data = {
        "type": InvoiceType.CUSTOMER,
        "status": status,
        "transaction_number": f.text("OrderReferenceNumber") or f.text("OrderNumber"),
        "transaction_date": f.day("EffectiveDate"),
        "organization_id": _hub(refs, "organizations", f.text("AccountId")),
        "currency": money,
        "amount": {"currency": money, "total_amount": total} if total is not None else None,
        "amount_paid": f.number(AMOUNT_PAID),
        "balance": f.number(AMOUNT_DUE),
        "public_note": f.text("Description"),
        "billing_address": _address(f, "Billing"),
        "lines": [_line(item, refs, money, n, stand_in) for n, item in enumerate(items, start=1)],
        **_times(f),
    }
    return _mapped("invoices", f, _build(Invoice, data, f))


def _xero_status(invoice: Invoice) -> DocumentStatus:
    """The invoice's status in Xero; a tombstone is voided when it was approved, deleted when a draft (Xero's rule)."""
    if invoice.deleted_at is not None and invoice.status not in _VOID:
        return DocumentStatus.VOIDED if invoice.status in _ACTIVE else DocumentStatus.DELETED
    return invoice.status


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def write_order(invoice: Invoice, refs: Refs, *, currency: str | None = None) -> dict[str, t.Any]:
    """A customer ``Invoice`` as an Order payload: its header, Xero's status and amounts, Activated when approved.

    ``currency``: the org's (a single-currency org takes only invoices in it).
    Status is there only to activate the Order (an AUTHORISED or PAID invoice
    with lines): a new Order is inserted as Draft, and a draft or voided
    invoice leaves an Order's Status as it is. The lines are
    ``write_order_items``'s; the price book is the sink's to set on insert.
    """
    if invoice.type != InvoiceType.CUSTOMER:
        raise NotTaken(NO_BILLS)
    if currency is not None and invoice.currency != currency:
        raise NotTaken(
            f"invoice {invoice.transaction_number} is in {invoice.currency}, and the Salesforce org's currency is "
            f"{currency}"
        )
    if invoice.organization_id is None:
        raise NotTaken(f"invoice {invoice.transaction_number} has no customer, and an Order needs an Account")
    if invoice.transaction_date is None:
        raise MappingError(f"invoice {invoice.transaction_number}: Salesforce needs a date (EffectiveDate) on an Order")
    status = _xero_status(invoice)
    payload: dict[str, t.Any] = {
        EXTERNAL_ID: _external_id(invoice),
        "AccountId": _remote(refs, "organizations", invoice.organization_id),
        "EffectiveDate": invoice.transaction_date.isoformat(),
        "OrderReferenceNumber": (invoice.transaction_number or "")[:_NUMBER_SIZE] or None,
        "Description": invoice.public_note,
        **_address_fields(invoice.billing_address, "Billing"),
        XERO_STATUS: status.value,
        AMOUNT_PAID: _money(invoice.amount_paid),
        AMOUNT_DUE: _money(invoice.balance),
    }
    if status in _ACTIVE and invoice.lines:
        payload["Status"] = "Activated"
    return payload


def line_products(invoice: Invoice, refs: Refs) -> list[str | None]:
    """The Product2 id of each line's item (None: no item); a line's item must be in Salesforce first."""
    return [_remote(refs, "items", line.item_id) for line in invoice.lines]


def _unit_price(line: DocumentLine) -> Decimal | None:
    """What one unit sells for before tax, discount taken off (an OrderItem has no discount of its own)."""
    total = line.total_price.net_amount if line.total_price is not None else None
    if total is not None and line.quantity:
        price = total / line.quantity
    elif line.unit_price is not None and line.unit_price.net_amount is not None:
        price = line.unit_price.net_amount * (1 - (line.reduction_percent or 0) / Decimal(100))
    else:
        return None
    return price.quantize(_CENT, ROUND_HALF_UP)


def write_order_items(
    invoice: Invoice, refs: Refs, *, prices: Mapping[str, str], stand_in: str | None
) -> list[dict[str, t.Any]]:
    """The invoice's lines as OrderItem payloads (the sink adds ``OrderId``), keyed ``<hub id>/<line>``.

    ``prices``: Product2 id -> its standard price book entry id; ``stand_in``:
    the stand-in product's entry, for a line naming no item or an item with no
    standard price (None when there is none: such a line is refused).
    """
    items: list[dict[str, t.Any]] = []
    for number, (line, product) in enumerate(zip(invoice.lines, line_products(invoice, refs), strict=True), start=1):
        entry = prices.get(product) if product is not None else None
        if entry is None:
            entry = stand_in
        if entry is None:
            raise MappingError(f"invoice {invoice.transaction_number}: line {number} has no product to go on")
        price = _unit_price(line)
        if price is None:
            raise MappingError(f"invoice {invoice.transaction_number}: line {number} has no price before tax")
        items.append(
            {
                EXTERNAL_ID: f"{_external_id(invoice)}/{number}",
                "PricebookEntryId": entry,
                "Quantity": float(line.quantity),
                "UnitPrice": float(price),
                "Description": (line.description or "")[:_LINE_TEXT_SIZE] or None,
            }
        )
    return items


Reader = Callable[[Mapping[str, t.Any], Refs, str | None], Mapped]
Writer = Callable[[t.Any, Refs], dict[str, t.Any]]

READERS: dict[str, Reader] = {
    "Account": read_account,
    "Contact": read_contact,
    "Product2": read_product,
    "Order": read_order,
}
"""Salesforce object -> its reader."""

WRITERS: dict[str, tuple[str, Writer]] = {
    "organizations": ("Account", write_account),
    "people": ("Contact", write_contact),
    "items": ("Product2", write_product),
    "invoices": ("Order", write_order),
}
"""Canonical entity -> (Salesforce object, writer)."""
