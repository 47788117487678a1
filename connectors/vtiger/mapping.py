"""Pure mapping between vTiger records and the canonical model, both ways (no I/O).

Reading (``read_*``: a vTiger record -> ``Mapped``):

- Accounts -> ``Organization`` (a customer); Vendors -> ``Organization`` (a
  supplier, not a customer); Contacts -> ``Person``, linked to their account.
- Products and Services -> ``Item``. A product may carry several taxes; all of
  them are kept on ``MappedItem.taxes`` (first selected first) and the item's
  ``sale_tax_code_id`` is the FIRST one: Xero takes one tax per item, and the
  product spec says the first selected tax in the CRM is the one that shows in
  Xero. vTiger has no purchase price, so ``purchase_price`` is None.
- Invoice -> customer ``Invoice`` (naming the ``Quote`` of its sales order,
  if it was made from one); SalesOrder -> ``Quote``: an order is not a sale
  until it is invoiced, so it never posts revenue of its own; PurchaseOrder ->
  ``PurchaseOrder`` (the vendor is the organization). A line's tax is its
  product's first tax: vTiger sets taxes on products, not on documents. The
  document's number is the one it has in the books: an invoice's Customer No
  (``customerno``) or a purchase order's Requisition No (``requisition_no``)
  when set (where a document written from another app keeps that app's
  number, as Maestrano's vTiger connector did), else vTiger's own
  (``invoice_no``, ``purchaseorder_no``), which a client cannot set. Lines on
  the stand-in service (``STAND_IN_SERVICE``) name no item.
- Tax -> ``TaxCode``.

Every read gives the remote id, the remote version (``modifiedtime``) and the
remote update time as aware UTC; vTiger's ``YYYY-MM-DD HH:MM:SS`` are in the
CRM user's time zone, given as ``tz`` (default UTC). Money vTiger keeps to 8
decimals is read to the model's 6. A malformed record raises ``MappingError``
whose message names the field and the value.

Writing (``write_*``: a canonical record -> a vTiger element, every value a
string): Accounts, Contacts, Vendors, Products, Services, Tax, Invoice,
PurchaseOrder, the product's tax (ProductTaxes), and the hub's ``Company``
(Xero's Organisation) as the fields of CompanyDetails it sets (``write_company``). A reference to a record
that is not in vTiger yet raises ``WaitingForReference`` so the engine can let
the record wait; a record vTiger cannot take at all (a supplier bill, a
currency vTiger lacks, a line with no product) raises ``NotTaken``, a
``MappingError`` the push reports as skipped with its reason.

Documents are written so vTiger's totals are the document's: vTiger prices
are before tax (an inclusive line's net price is worked out), vTiger taxes a
line by the taxes its product carries, so each line sends its own rate on the
first of them (``tax1``…, vTiger's per-line override), and what vTiger would
still count differently (a product carrying no tax, tax rounding) goes in the
adjustment (``txtAdjustment``), so the grand total, and with the amount
received the balance, are the ones in the books. A line without an item goes
on the stand-in service ``STAND_IN_SERVICE`` (vTiger lines must name a product
or service), as Maestrano's connector used a default service.

What mapping needs besides the record (currencies, which taxes each product
carries) comes in ``Lookups``, built from vTiger's own tables by
``Lookups.from_rows``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from pydantic import ValidationError

from connectors.base.mapping import Mapped, MappingError, Refs, WaitingForReference
from connectors.vtiger.streams import MODULES
from connectors.vtiger.values import Fields, country_name, plain_decimal, to_text
from datashare.model import (
    Address,
    Addresses,
    Amount,
    CanonicalModel,
    Company,
    DocumentLine,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    ItemStatus,
    ItemType,
    Organization,
    Person,
    Phone,
    PurchaseOrder,
    PurchaseOrderStatus,
    Quote,
    QuoteStatus,
    TaxCode,
    TaxCodeStatus,
    describe_errors,
)

__all__ = [
    "COMPANY_CURRENCY",
    "NO_LOOKUPS",
    "READERS",
    "STAND_IN_SERVICE",
    "WRITERS",
    "ItemTax",
    "Lookups",
    "MappedItem",
    "NotTaken",
    "Reader",
    "WaitingForReference",
    "Writer",
    "document_total",
    "make_mapper",
    "pick_tax",
    "read_account",
    "read_contact",
    "read_invoice",
    "read_product",
    "read_purchase_order",
    "read_sales_order",
    "read_service",
    "read_tax",
    "read_vendor",
    "stock_to_write",
    "write_account",
    "write_company",
    "write_contact",
    "write_invoice",
    "write_product",
    "write_product_tax",
    "write_purchase_order",
    "write_service",
    "write_tax",
    "write_vendor",
]

M = t.TypeVar("M", bound=CanonicalModel)
_CENT = Decimal("0.01")
_PRICE = Decimal("1e-8")  # vTiger keeps prices, amounts and adjustments to 8 decimals
_VALUE = Decimal("1e-6")  # the canonical model keeps amounts to 6

STAND_IN_SERVICE = "Line without an item"
"""The vTiger service a document line naming no item goes on (vTiger lines must name a product or service).

It is the connector's own: never read as an item, and lines on it read back as lines without an item.
"""


class NotTaken(MappingError):  # noqa: N818 - a reason, as the engine's "skipped" is
    """vTiger cannot take this record at all (no supplier bills, no such currency…): it is skipped, with why."""


@dataclass(frozen=True)
class ItemTax:
    """One tax a product or service carries: the Tax record's id and name, and the rate on this product."""

    tax_id: str
    name: str
    label: str
    percentage: Decimal


@dataclass(frozen=True)
class MappedItem(Mapped):
    """An item read from vTiger, with every tax its product carries (the item keeps only the first)."""

    taxes: tuple[ItemTax, ...] = ()


@dataclass(frozen=True)
class Lookups:
    """vTiger's reference tables, read once per run and handed to every mapping.

    ``base_currency``: the CRM's base currency (product prices are in it).
    ``currencies``: Currency id -> ISO code. ``taxes``: Tax id -> tax (the
    active ones). ``item_taxes``: product or service id -> its taxes, first
    selected first. ``stand_in``: the id of the ``STAND_IN_SERVICE``, if vTiger has it.
    """

    base_currency: str | None = None
    currencies: Mapping[str, str] = field(default_factory=dict)
    taxes: Mapping[str, ItemTax] = field(default_factory=dict)
    item_taxes: Mapping[str, tuple[ItemTax, ...]] = field(default_factory=dict)
    stand_in: str | None = None

    @classmethod
    def from_rows(
        cls,
        *,
        currencies: Iterable[Mapping[str, t.Any]] = (),
        taxes: Iterable[Mapping[str, t.Any]] = (),
        product_taxes: Iterable[Mapping[str, t.Any]] = (),
        stand_in: str | None = None,
    ) -> Lookups:
        """Lookups from the rows of vTiger's Currency, Tax and ProductTaxes tables (as ``query`` gives them).

        The base currency is the one vTiger marks ``defaultid = -11``. Deleted
        taxes and currencies are left out; ProductTaxes rows keep their order,
        which is the order the taxes were selected on the product.
        """
        codes: dict[str, str] = {}
        base = None
        for row in currencies:
            if str(row.get("deleted", "0")) == "1":
                continue
            codes[str(row["id"])] = str(row["currency_code"]).strip().upper()
            if str(row.get("defaultid", "")) == "-11":
                base = codes[str(row["id"])]
        by_id: dict[str, ItemTax] = {}
        for row in taxes:
            if str(row.get("deleted", "0")) != "1":
                by_id[str(row["id"])] = ItemTax(
                    str(row["id"]),
                    str(row["taxname"]),
                    str(row["taxlabel"]),
                    plain_decimal(Decimal(str(row["percentage"]))),
                )
        carried: dict[str, list[ItemTax]] = {}
        for row in sorted(product_taxes, key=lambda r: _row_number(str(r.get("id", "")))):
            tax = by_id.get(str(row["taxid"]))
            product = str(row["productid"])
            if tax is None or "x" not in product:
                continue
            rate = str(row.get("taxpercentage") or "").strip()
            carried.setdefault(product, []).append(
                ItemTax(tax.tax_id, tax.name, tax.label, plain_decimal(Decimal(rate)) if rate else tax.percentage)
            )
        return cls(base, codes, by_id, {k: tuple(v) for k, v in carried.items()}, stand_in)

    def currency_code(self, currency_id: str | None) -> str | None:
        """The ISO code of a Currency id (None when unknown)."""
        return self.currencies.get(currency_id) if currency_id else None

    def currency_id(self, code: str) -> str | None:
        """The Currency id of an ISO code (None when vTiger has no such currency)."""
        return next((cid for cid, known in self.currencies.items() if known == code), None)


NO_LOOKUPS = Lookups()
"""No reference tables: enough for parties; items and documents need the currencies."""


def _row_number(ws_id: str) -> int:
    _, _, number = ws_id.partition("x")
    return int(number) if number.isdecimal() else 0


# --- shared pieces ----------------------------------------------------------------------------


def _build(model: type[M], data: dict[str, t.Any], fields: Fields) -> M:
    """The canonical model, or a ``MappingError`` that says which field is wrong and why."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise MappingError(f"vTiger {fields.module} {fields.id}: {describe_errors(error, model.entity)}") from None


def _amount(fields: Fields, name: str) -> Decimal | None:
    """A money field to the model's 6 decimals: vTiger keeps 8, and its worked-out totals use them all."""
    number = fields.number(name)
    return plain_decimal(number.quantize(_VALUE, ROUND_HALF_UP)) if number is not None else None


def _times(fields: Fields, tz: tzinfo) -> dict[str, datetime | None]:
    return {"created_at": fields.timestamp("createdtime", tz), "updated_at": fields.timestamp("modifiedtime", tz)}


def _mapped(entity: str, fields: Fields, record: CanonicalModel, tz: tzinfo) -> Mapped:
    return Mapped(
        entity=entity,
        remote_id=fields.id,
        record=record,
        remote_version=fields.text("modifiedtime"),
        remote_updated_at=fields.timestamp("modifiedtime", tz),
    )


def _hub(refs: Refs, entity: str, remote_id: str | None) -> UUID | None:
    return refs.hub_id(entity, remote_id) if remote_id else None


def _remote(refs: Refs, entity: str, hub_id: UUID | None) -> str:
    """The vTiger id of a referenced record ("" for no reference); ``WaitingForReference`` if not there yet."""
    if hub_id is None:
        return ""
    remote = refs.remote_id(entity, hub_id)
    if remote is None:
        raise WaitingForReference(entity, hub_id, "vTiger")
    return remote


def _some(**parts: t.Any) -> dict[str, t.Any] | None:
    """The parts that are set, or None when none is (so an empty address is no address)."""
    kept = {k: v for k, v in parts.items() if v is not None}
    return kept or None


def _street(fields: Fields, name: str) -> dict[str, str | None]:
    """vTiger keeps the street as one text; its first line is ``line1``, the rest ``line2``."""
    text = fields.text(name)
    if text is None:
        return {"line1": None, "line2": None}
    first, _, rest = text.replace("\r\n", "\n").partition("\n")
    return {"line1": first.strip() or None, "line2": rest.strip() or None}


def _address(fields: Fields, street: str, city: str, state: str, code: str, country: str) -> dict[str, t.Any] | None:
    return _some(
        **_street(fields, street),
        city=fields.text(city),
        region=fields.text(state),
        postal_code=fields.text(code),
        country=fields.country(country),
    )


def _block(prefix: str) -> tuple[str, str, str, str, str]:
    """The five field names of an inventory or account address block (``bill``, ``ship``)."""
    return f"{prefix}_street", f"{prefix}_city", f"{prefix}_state", f"{prefix}_code", f"{prefix}_country"


def _address_fields(address: Address | None, names: tuple[str, str, str, str, str]) -> dict[str, str]:
    street, city, state, code, country = names
    if address is None:
        return dict.fromkeys(names, "")
    lines = "\n".join(line for line in (address.line1, address.line2) if line)
    return {
        street: lines,
        city: to_text(address.city),
        state: to_text(address.region),
        code: to_text(address.postal_code),
        country: to_text(country_name(address.country)),
    }


def _strings(element: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Every value as the string vTiger wants (lists, the line items, stay lists)."""
    return {k: v if isinstance(v, list) else to_text(v) for k, v in element.items()}


def _status(fields: Fields, name: str, table: Mapping[str, t.Any], default: t.Any) -> t.Any:
    value = fields.text(name)
    if value is None:
        return default
    for known, status in table.items():
        if known.casefold() == value.casefold():
            return status
    raise fields.fail(name, f"is not a status the connector knows ({', '.join(table)})")


# --- parties ----------------------------------------------------------------------------------


def read_account(record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS) -> Mapped:
    """An Accounts record as an ``Organization`` (a customer: the spec's default for CRM organizations)."""
    f = Fields("Accounts", record)
    data = {
        "name": f.text("accountname"),
        "email": f.text("email1"),
        "website": f.text("website"),
        "industry": f.text("industry"),
        "number_of_employees": f.integer("employees"),
        "phone": _some(landline=f.text("phone"), landline2=f.text("otherphone"), fax=f.text("fax")),
        "address": _some(billing=_address(f, *_block("bill")), shipping=_address(f, *_block("ship"))),
        "notes": f.text("description"),
        "is_customer": True,
        "is_supplier": False,
        **_times(f, tz),
    }
    return _mapped("organizations", f, _build(Organization, data, f), tz)


def read_vendor(record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS) -> Mapped:
    """A Vendors record as an ``Organization`` that is a supplier and not a customer."""
    f = Fields("Vendors", record)
    data = {
        "name": f.text("vendorname"),
        "email": f.text("email"),
        "website": f.text("website"),
        "phone": _some(landline=f.text("phone")),
        "address": _some(billing=_address(f, "street", "city", "state", "postalcode", "country")),
        "notes": f.text("description"),
        "is_customer": False,
        "is_supplier": True,
        **_times(f, tz),
    }
    return _mapped("organizations", f, _build(Organization, data, f), tz)


def read_contact(record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS) -> Mapped:
    """A Contacts record as a ``Person``, linked to the organization of its ``account_id``."""
    f = Fields("Contacts", record)
    data = {
        "title": f.text("salutationtype"),
        "first_name": f.text("firstname"),
        "last_name": f.text("lastname"),
        "job_title": f.text("title"),
        "birth_date": f.date("birthday"),
        "organization_id": _hub(refs, "organizations", f.ref("account_id")),
        "email": f.text("email"),
        "phone_work": _some(landline=f.text("phone"), mobile=f.text("mobile")),
        "address_work": _address(f, "mailingstreet", "mailingcity", "mailingstate", "mailingzip", "mailingcountry"),
        "lead_source": f.text("leadsource"),
        **_times(f, tz),
    }
    return _mapped("people", f, _build(Person, data, f), tz)


def _phone(phone: Phone | None, part: str) -> str | None:
    return t.cast(str | None, getattr(phone, part)) if phone is not None else None


def write_account(organization: Organization, refs: Refs, *, lookups: Lookups = NO_LOOKUPS) -> dict[str, t.Any]:
    """An ``Organization`` as an Accounts element (``account_no`` is vTiger's to number, so not sent)."""
    address = organization.address or Addresses()
    return _strings(
        {
            "accountname": organization.name,
            "email1": organization.email,
            "website": organization.website,
            "industry": organization.industry,
            "employees": organization.number_of_employees,
            "phone": _phone(organization.phone, "landline"),
            "otherphone": _phone(organization.phone, "landline2"),
            "fax": _phone(organization.phone, "fax"),
            "description": organization.notes,
            **_address_fields(address.billing, _block("bill")),
            **_address_fields(address.shipping, _block("ship")),
        }
    )


def write_contact(person: Person, refs: Refs, *, lookups: Lookups = NO_LOOKUPS) -> dict[str, t.Any]:
    """A ``Person`` as a Contacts element; its organization must be in vTiger already.

    vTiger links a contact to an Account only: a person whose organization is
    a vTiger Vendor goes without the link rather than be refused.
    """
    account = _remote(refs, "organizations", person.organization_id)
    if account and not account.startswith(f"{MODULES['Accounts'].id_prefix}x"):
        account = ""
    return _strings(
        {
            "salutationtype": person.title,
            "firstname": person.first_name,
            "lastname": person.last_name,
            "title": person.job_title,
            "birthday": person.birth_date,
            "account_id": account,
            "email": person.email,
            "phone": _phone(person.phone_work, "landline"),
            "mobile": _phone(person.phone_work, "mobile"),
            "leadsource": person.lead_source,
            **_address_fields(
                person.address_work, ("mailingstreet", "mailingcity", "mailingstate", "mailingzip", "mailingcountry")
            ),
        }
    )


def write_vendor(organization: Organization, refs: Refs, *, lookups: Lookups = NO_LOOKUPS) -> dict[str, t.Any]:
    """A supplier ``Organization`` as a Vendors element (the vendor a purchase order goes to).

    vTiger keeps one address on a vendor: the billing one, else the shipping one.
    """
    address = organization.address or Addresses()
    return _strings(
        {
            "vendorname": organization.name,
            "email": organization.email,
            "website": organization.website,
            "phone": _phone(organization.phone, "landline"),
            "description": organization.notes,
            **_address_fields(
                address.billing or address.shipping, ("street", "city", "state", "postalcode", "country")
            ),
        }
    )


# --- the company ------------------------------------------------------------------------------

COMPANY_CURRENCY = (
    "the company's currency is not written to vTiger: vTiger's base currency is no field of its company "
    "details but the Currency it was installed with (Settings > Currencies offers no edit of it: every "
    "amount in the CRM is converted from it)"
)
"""Why ``write_company`` leaves the ``Company.currency`` out."""

# vtiger_organizationdetails' column sizes. MySQL keeps what fits (vTiger runs without strict mode), so a
# longer value is cut here: what is compared with vTiger's record is then what vTiger holds.
_COMPANY_SIZES = {
    "organizationname": 60,
    "address": 150,
    "city": 100,
    "state": 100,
    "country": 100,
    "code": 30,
    "phone": 30,
    "fax": 30,
    "website": 100,
    "vatid": 100,
}


def write_company(company: Company) -> dict[str, str]:
    """The hub's ``Company`` as the CompanyDetails fields it sets, every one (an empty one as ``""``).

    The name is ``organizationname`` and the tax number ``vatid``; the address
    is the postal one (Xero's POBOX, the one its invoices show), else the
    street one, its country else the company's; the phone is the main number
    (else the mobile) and the fax the fax. The logo is vTiger's own and not
    touched; the currency is not written (``COMPANY_CURRENCY``).
    """
    addresses = company.address or Addresses()
    element = {
        "organizationname": company.name,
        **_address_fields(addresses.billing or addresses.shipping, ("address", "city", "state", "code", "country")),
        "phone": _phone(company.phone, "landline") or _phone(company.phone, "mobile"),
        "fax": _phone(company.phone, "fax"),
        "website": company.website,
        "vatid": company.tax_number,
    }
    if not element["country"]:
        element["country"] = country_name(company.country)
    return {name: to_text(value)[: _COMPANY_SIZES[name]] for name, value in element.items()}


# --- items and taxes --------------------------------------------------------------------------


def _price(f: Fields, lookups: Lookups) -> dict[str, t.Any] | None:
    price = f.number("unit_price")
    if price is None:
        return None
    if lookups.base_currency is None:
        raise f.fail("unit_price", "has no currency: the CRM's base currency is not in the lookups")
    return {"currency": lookups.base_currency, "net_amount": price}


def _item(f: Fields, refs: Refs, tz: tzinfo, lookups: Lookups, data: dict[str, t.Any]) -> MappedItem:
    taxes = lookups.item_taxes.get(f.id, ())
    active = f.flag("discontinued")  # vTiger's "discontinued" box is labelled "Active": 1 means on sale
    item = _build(
        Item,
        {
            **data,
            "status": ItemStatus.INACTIVE if active is False else ItemStatus.ACTIVE,
            "description": f.text("description"),
            "sale_price": _price(f, lookups),
            "purchase_price": None,  # vTiger keeps no purchase price
            "sale_tax_code_id": refs.hub_id("tax_codes", taxes[0].tax_id) if taxes else None,
            **_times(f, tz),
        },
        f,
    )
    return MappedItem(
        entity="items",
        remote_id=f.id,
        record=item,
        remote_version=f.text("modifiedtime"),
        remote_updated_at=f.timestamp("modifiedtime", tz),
        taxes=taxes,
    )


def read_product(
    record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS, stock: bool = True
) -> MappedItem:
    """A Products record as an ``Item``: part number as code (the product number when empty), stock on hand.

    Without ``stock`` the count is not read: Xero keeps the stock (``stock_to_write``),
    and vTiger's Qty In Stock is only a copy vTiger moves on its own when it saves an invoice.
    """
    f = Fields("Products", record)
    data = {
        "code": f.text("productcode") or f.text("product_no"),
        "name": f.text("productname"),
        "type": ItemType.PURCHASED,
        "unit": f.text("usageunit"),
        "quantity_on_hand": f.number("qtyinstock") if stock else None,
    }
    return _item(f, refs, tz, lookups, data)


def read_service(
    record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS
) -> MappedItem:
    """A Services record as a SERVICE ``Item``; services have no part number, so the code is the service number."""
    f = Fields("Services", record)
    data = {
        "code": f.text("service_no"),
        "name": f.text("servicename"),
        "type": ItemType.SERVICE,
        "unit": f.text("service_usageunit"),
        "is_purchased": False,
    }
    return _item(f, refs, tz, lookups, data)


def read_tax(record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS) -> Mapped:
    """A Tax record as a ``TaxCode`` matched by its label; a tax switched off in vTiger is ARCHIVED.

    vTiger's ``taxname`` (``tax1``…) is an internal slot name, not a code
    another app would share, so the code is left empty and matching goes by name.
    Taxes have no modified time: version and update time are None.
    """
    f = Fields("Tax", record)
    rate = f.number("percentage")
    label = f.text("taxlabel")
    data = {
        "name": label,
        "status": TaxCodeStatus.ARCHIVED if f.flag("deleted") else TaxCodeStatus.ACTIVE,
        "sale_tax_rate": rate,
        "purchase_tax_rate": rate,
        "components": [{"name": label, "rate": rate, "is_compound": f.text("method") == "Compound"}]
        if label and rate is not None
        else [],
    }
    return Mapped(entity="tax_codes", remote_id=f.id, record=_build(TaxCode, data, f))


def write_tax(tax_code: TaxCode, refs: Refs, *, lookups: Lookups = NO_LOOKUPS) -> dict[str, t.Any]:
    """A ``TaxCode`` as a Tax element: its name as the label, its sale rate (vTiger names the slot, ``tax1``…)."""
    rate = tax_code.sale_tax_rate if tax_code.sale_tax_rate is not None else tax_code.purchase_tax_rate
    if rate is None:
        raise NotTaken(f"tax {tax_code.name}: no rate, and a vTiger tax is a percentage")
    return _strings({"taxlabel": tax_code.name, "percentage": rate})


def pick_tax(rate: Decimal | None, name: str | None, taxes: Iterable[ItemTax]) -> ItemTax | None:
    """vTiger's active tax standing for a tax of ``rate``: the same percentage, the same label preferred.

    None for no rate, for 0% (a line or product without a tax pays none: vTiger needs no
    0% tax for it) and when vTiger has no tax of that percentage.
    """
    if rate is None or rate == 0:
        return None
    same = sorted((t for t in taxes if t.percentage == rate), key=lambda t: _row_number(t.tax_id))
    wanted = (name or "").strip().casefold()
    return next((t for t in same if t.label.strip().casefold() == wanted), same[0] if same else None)


def _unit_price(item: Item, lookups: Lookups) -> Decimal | None:
    if item.sale_price is None:
        return None
    if lookups.base_currency and item.sale_price.currency != lookups.base_currency:
        raise NotTaken(
            f"item {item.code}: price in {item.sale_price.currency}, but vTiger prices are in {lookups.base_currency}"
        )
    return item.sale_price.net_amount


def _item_common(item: Item, lookups: Lookups) -> dict[str, t.Any]:
    return {
        "unit_price": _unit_price(item, lookups),
        "description": item.description,
        "discontinued": item.status == ItemStatus.ACTIVE,
    }


def write_product(item: Item, refs: Refs, *, lookups: Lookups = NO_LOOKUPS) -> dict[str, t.Any]:
    """An ``Item`` as a Products element.

    No purchase price is written (vTiger has none). Stock is sent only when
    known, so an app that does not track stock never clears vTiger's. Taxes go
    separately, with ``write_product_tax``.
    """
    element = {
        "productname": item.name or item.code,
        "productcode": item.code,
        "usageunit": item.unit,
        **_item_common(item, lookups),
    }
    if item.quantity_on_hand is not None:
        element["qtyinstock"] = item.quantity_on_hand
    return _strings(element)


def stock_to_write(item: Item, *, xero_keeps_stock: bool) -> Decimal | None:
    """The stock count to write to vTiger for ``item`` (None: leave vTiger's own).

    Where Xero keeps the stock (the tenant's default), an item Xero tracks
    gets Xero's quantity on hand; an item Xero does not track keeps vTiger's
    count. Where vTiger keeps it, Xero's is never written.
    """
    if not xero_keeps_stock or not item.is_inventoried or item.type == ItemType.SERVICE:
        return None
    return item.quantity_on_hand


def write_service(item: Item, refs: Refs, *, lookups: Lookups = NO_LOOKUPS) -> dict[str, t.Any]:
    """A SERVICE ``Item`` as a Services element (the service number is vTiger's to give)."""
    return _strings(
        {"servicename": item.name or item.code, "service_usageunit": item.unit, **_item_common(item, lookups)}
    )


def write_product_tax(
    item: Item, product_id: str, refs: Refs, *, lookups: Lookups = NO_LOOKUPS
) -> dict[str, t.Any] | None:
    """The ProductTaxes element giving a product or service the item's sale tax (None when it has none)."""
    tax_id = _remote(refs, "tax_codes", item.sale_tax_code_id)
    if not tax_id:
        return None
    tax = lookups.taxes.get(tax_id)
    return _strings({"productid": product_id, "taxid": tax_id, "taxpercentage": tax.percentage if tax else None})


# --- documents --------------------------------------------------------------------------------

_INVOICE_STATUS: dict[str, DocumentStatus] = {
    "AutoCreated": DocumentStatus.DRAFT,
    "Created": DocumentStatus.DRAFT,
    "Approved": DocumentStatus.AUTHORISED,
    "Sent": DocumentStatus.AUTHORISED,
    "Credit Invoice": DocumentStatus.AUTHORISED,
    "Paid": DocumentStatus.PAID,
    "Cancel": DocumentStatus.VOIDED,
}
_INVOICE_STATUS_OUT: dict[DocumentStatus, str] = {
    DocumentStatus.DRAFT: "Created",
    DocumentStatus.SUBMITTED: "Created",
    DocumentStatus.AUTHORISED: "Approved",
    DocumentStatus.PAID: "Paid",
    DocumentStatus.VOIDED: "Cancel",
    DocumentStatus.DELETED: "Cancel",
}
# An approved order is a quote the customer accepted; a cancelled one, declined.
_SALES_ORDER_STATUS: dict[str, QuoteStatus] = {
    "Created": QuoteStatus.DRAFT,
    "Approved": QuoteStatus.ACCEPTED,
    "Delivered": QuoteStatus.ACCEPTED,
    "Cancelled": QuoteStatus.DECLINED,
}
# vTiger has no "billed": goods received is when a purchase order gets billed.
_PURCHASE_ORDER_STATUS: dict[str, PurchaseOrderStatus] = {
    "Created": PurchaseOrderStatus.DRAFT,
    "Approved": PurchaseOrderStatus.AUTHORISED,
    "Delivered": PurchaseOrderStatus.AUTHORISED,
    "Received Shipment": PurchaseOrderStatus.BILLED,
    "Cancelled": PurchaseOrderStatus.DELETED,
}
_PURCHASE_ORDER_STATUS_OUT: dict[PurchaseOrderStatus, str] = {
    PurchaseOrderStatus.DRAFT: "Created",
    PurchaseOrderStatus.SUBMITTED: "Created",
    PurchaseOrderStatus.AUTHORISED: "Approved",
    PurchaseOrderStatus.BILLED: "Received Shipment",
    PurchaseOrderStatus.DELETED: "Cancelled",
}


def _currency(f: Fields, lookups: Lookups) -> str:
    currency_id = f.ref("currency_id")
    code = lookups.currency_code(currency_id) if currency_id else lookups.base_currency
    if code is None:
        raise f.fail("currency_id", "is not a currency in the lookups")
    return code


def _line(f: Fields, refs: Refs, lookups: Lookups, currency: str, number: int) -> dict[str, t.Any]:
    product = f.ref("productid")
    stand_in = product is not None and product == lookups.stand_in
    taxes = lookups.item_taxes.get(product, ()) if product else ()
    first = taxes[0] if taxes else None
    # The line keeps the rate of each tax as it was when the line was saved; the product's is the fallback.
    rate = None
    if first is not None:
        own = f.number(first.name)
        rate = own if own is not None else first.percentage
    quantity = f.number("quantity")
    price = _amount(f, "listprice")
    line: dict[str, t.Any] = {
        "line_number": f.integer("sequence_no") or number,
        "item_id": None if stand_in else _hub(refs, "items", product),
        "description": f.text("comment") or (None if product else f.text("product_name")),
        "reduction_percent": f.number("discount_percent"),
        "tax_code_id": refs.hub_id("tax_codes", first.tax_id) if first else None,
    }
    if quantity is not None:
        line["quantity"] = quantity
    if price is not None:
        line["unit_price"] = {"currency": currency, "net_amount": price, "tax_rate": rate}
        gross = (quantity if quantity is not None else Decimal(1)) * price
        net = gross - (f.number("discount_amount") or 0) - gross * (line["reduction_percent"] or 0) / 100
        line["total_price"] = {"currency": currency, "net_amount": plain_decimal(net.quantize(_CENT, ROUND_HALF_UP))}
    return line


def _lines(f: Fields, refs: Refs, lookups: Lookups, currency: str) -> list[dict[str, t.Any]]:
    raw = f.record.get("LineItems")
    if not isinstance(raw, list):
        raise f.fail("LineItems", "are missing: inventory records must be read with retrieve")
    return [
        _line(f.nested(item if isinstance(item, Mapping) else {}, f"LineItems[{i}]"), refs, lookups, currency, i + 1)
        for i, item in enumerate(raw)
    ]


def _document(f: Fields, refs: Refs, tz: tzinfo, lookups: Lookups, party: str) -> dict[str, t.Any]:
    """The header fields every inventory module shares, with its lines and totals."""
    currency = _currency(f, lookups)
    rate = f.number("conversion_rate")
    net, total = _amount(f, "pre_tax_total"), _amount(f, "hdnGrandTotal")
    tax = total - net - (_amount(f, "txtAdjustment") or 0) if net is not None and total is not None else None
    created = f.timestamp("createdtime", tz)
    return {
        "organization_id": _hub(refs, "organizations", f.ref(party)),
        "person_id": _hub(refs, "people", f.ref("contact_id")),
        "currency": currency,
        # vTiger's rate is against its base currency; on a base-currency document there is none to keep.
        "currency_rate": rate if currency != lookups.base_currency else None,
        "amount": _some(currency=currency, net_amount=net, tax_amount=tax, total_amount=total),
        "private_note": f.text("description"),
        "public_note": f.text("terms_conditions"),
        "lines": _lines(f, refs, lookups, currency),
        # The CRM user's day the record was created (documents without a date of their own).
        "transaction_date": created.astimezone(tz).date() if created else None,
        **_times(f, tz),
    }


def read_invoice(record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS) -> Mapped:
    """An Invoice record (with its ``LineItems``) as a customer ``Invoice``."""
    f = Fields("Invoice", record)
    data = {
        **_document(f, refs, tz, lookups, "account_id"),
        "type": InvoiceType.CUSTOMER,
        "transaction_number": f.text("customerno") or f.text("invoice_no"),
        "title": f.text("subject"),
        "reference": f.text("purchaseorder"),
        "status": _status(f, "invoicestatus", _INVOICE_STATUS, DocumentStatus.DRAFT),
        "due_date": f.date("duedate"),
        "balance": _amount(f, "balance"),
        "amount_paid": _amount(f, "received"),
        "billing_address": _address(f, *_block("bill")),
        "shipping_address": _address(f, *_block("ship")),
        "quote_id": _hub(refs, "quotes", f.ref("salesorder_id")),
    }
    data["transaction_date"] = f.date("invoicedate") or data["transaction_date"]
    return _mapped("invoices", f, _build(Invoice, data, f), tz)


def read_sales_order(
    record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS
) -> Mapped:
    """A SalesOrder record (with its ``LineItems``) as a customer ``Quote`` numbered by ``salesorder_no``.

    Its invoice, when one is made from it, is the sale; the order itself posts nothing.
    """
    f = Fields("SalesOrder", record)
    data = {
        **_document(f, refs, tz, lookups, "account_id"),
        "transaction_number": f.text("salesorder_no"),
        "title": f.text("subject"),
        "reference": f.text("customerno"),
        "status": _status(f, "sostatus", _SALES_ORDER_STATUS, QuoteStatus.DRAFT),
        "expiry_date": f.date("duedate"),
    }
    return _mapped("quotes", f, _build(Quote, data, f), tz)


def read_purchase_order(
    record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS
) -> Mapped:
    """A PurchaseOrder record (with its ``LineItems``) as a ``PurchaseOrder`` to its vendor.

    The subject is the order's reference; the due date is when it is to be
    delivered, to the shipping address.
    """
    f = Fields("PurchaseOrder", record)
    data = {
        **_document(f, refs, tz, lookups, "vendor_id"),
        "transaction_number": f.text("requisition_no") or f.text("purchaseorder_no"),
        "reference": f.text("subject"),
        "status": _status(f, "postatus", _PURCHASE_ORDER_STATUS, PurchaseOrderStatus.DRAFT),
        "delivery_date": f.date("duedate"),
        "delivery_address": _address(f, *_block("ship")),
    }
    return _mapped("purchase_orders", f, _build(PurchaseOrder, data, f), tz)


def _net_price(line: DocumentLine) -> Decimal | None:
    """The line's unit price before tax, as vTiger prices lines.

    An inclusive line has only a gross unit price: its net price is the line's
    net total over its quantity, before the line's discount.
    """
    if line.unit_price is not None and line.unit_price.net_amount is not None:
        price = line.unit_price.net_amount
    elif line.total_price is not None and line.total_price.net_amount is not None and line.quantity:
        kept = 1 - (line.reduction_percent or 0) / Decimal(100)
        if kept <= 0:
            return None
        price = line.total_price.net_amount / (line.quantity * kept)
    else:
        return None
    # To the model's 6 decimals, not vTiger's 8: the price reads back as it was sent.
    return plain_decimal(price.quantize(_VALUE, ROUND_HALF_UP))


def _line_taxes(carried: t.Sequence[ItemTax], rate: Decimal) -> dict[str, Decimal]:
    """The line's own rate as vTiger's per-line tax override, on the product's first tax (every other at 0).

    The first tax, as the product spec shares only a product's first tax and
    reading takes a line's rate from it: the line reads back as it was sent.
    A product carrying no tax takes no override (the adjustment makes up the difference).
    """
    return {tax.name: rate if n == 0 else Decimal(0) for n, tax in enumerate(carried)}


def _line_items(
    lines: Iterable[DocumentLine], refs: Refs, lookups: Lookups, rates: Mapping[UUID, Decimal]
) -> list[dict[str, t.Any]]:
    """``LineItems`` as vTiger takes them, each with its own tax rate where its product carries a tax.

    ``rates``: the percentage of each tax code the lines name (a line whose
    tax is not there and that has no rate of its own keeps its product's taxes).
    """
    items: list[dict[str, t.Any]] = []
    for number, line in enumerate(lines, start=1):
        product = _remote(refs, "items", line.item_id) if line.item_id is not None else lookups.stand_in
        if not product:
            raise NotTaken(f"line {number} names no item, and vTiger has no {STAND_IN_SERVICE!r} service to put it on")
        element: dict[str, t.Any] = {
            "productid": product,
            "quantity": line.quantity,
            "listprice": _net_price(line),
            "discount_percent": line.reduction_percent,
            "comment": line.description,
            "sequence_no": number,
        }
        # The rate of the line's tax code; else the line's own rate (a line read from vTiger keeps it).
        rate = rates.get(line.tax_code_id) if line.tax_code_id is not None else None
        if rate is None and line.tax_code_id is not None and line.unit_price is not None:
            rate = line.unit_price.tax_rate
        if rate is not None:
            element.update(_line_taxes(lookups.item_taxes.get(product, ()), rate))
        items.append(_strings(element))
    return items


def document_total(line_items: Iterable[Mapping[str, t.Any]], lookups: Lookups) -> Decimal | None:
    """The grand total vTiger works out for ``LineItems`` (individual tax, no adjustment); None if it cannot be told.

    Each line: quantity x list price less its discount, plus its taxes (the
    ones sent on the line, else the ones its product carries). A line without
    a price takes its product's, which the mapping does not know.
    """
    total = Decimal(0)
    for item in line_items:
        price, quantity = str(item.get("listprice") or ""), str(item.get("quantity") or "")
        if not price or not quantity:
            return None
        net = Decimal(quantity) * Decimal(price)
        net -= net * Decimal(str(item.get("discount_percent") or 0)) / 100
        carried = lookups.item_taxes.get(str(item.get("productid")), ())
        rates = [
            Decimal(str(item[tax.name])) if item.get(tax.name) not in (None, "") else tax.percentage for tax in carried
        ]
        total += net + net * sum(rates, Decimal(0)) / 100
    return total


def _adjustment(line_items: list[dict[str, t.Any]], amount: Amount | None, lookups: Lookups) -> dict[str, str]:
    """``txtAdjustment`` making vTiger's grand total the document's (nothing when either total is unknown)."""
    worked_out = document_total(line_items, lookups)
    if amount is None or amount.total_amount is None or worked_out is None:
        return {}
    return {"txtAdjustment": to_text((amount.total_amount - worked_out).quantize(_PRICE, ROUND_HALF_UP))}


def _currency_fields(currency: str, rate: Decimal | None, lookups: Lookups) -> dict[str, t.Any]:
    currency_id = lookups.currency_id(currency)
    if currency_id is None:
        raise NotTaken(f"vTiger has no currency {currency}: add it under Settings > Currencies")
    return {"currency_id": currency_id, "conversion_rate": rate} if rate else {"currency_id": currency_id}


def write_invoice(
    invoice: Invoice,
    refs: Refs,
    *,
    lookups: Lookups = NO_LOOKUPS,
    fallback: Addresses | None = None,
    rates: Mapping[UUID, Decimal] | None = None,
) -> dict[str, t.Any]:
    """A customer ``Invoice`` as an Invoice element with its ``LineItems``, status and amount received.

    vTiger wants a billing and a shipping street on every invoice: when the
    invoice has no address, ``fallback`` (the organization's addresses) fills
    in. ``invoice_no`` is vTiger's to number, so the invoice's own number goes
    in Customer No (read back as the invoice's number). ``rates``: the
    percentage of each tax code the lines name (see ``_line_items``); the
    balance is vTiger's (grand total less received).
    """
    if invoice.type != InvoiceType.CUSTOMER:
        raise NotTaken(f"invoice {invoice.transaction_number}: vTiger has no supplier bills")
    fallback = fallback or Addresses()
    billing = invoice.billing_address or fallback.billing or invoice.shipping_address or fallback.shipping
    shipping = invoice.shipping_address or fallback.shipping or billing
    lines = _line_items(invoice.lines, refs, lookups, rates or {})
    element = {
        "subject": invoice.title or f"Invoice {invoice.transaction_number or ''}".strip(),
        "customerno": invoice.transaction_number,
        "account_id": _remote(refs, "organizations", invoice.organization_id),
        "contact_id": _remote(refs, "people", invoice.person_id),
        "invoicedate": invoice.transaction_date,
        "duedate": invoice.due_date,
        "purchaseorder": invoice.reference,
        "invoicestatus": _INVOICE_STATUS_OUT[invoice.status],
        "hdnTaxType": "individual",
        "description": invoice.private_note,
        "terms_conditions": invoice.public_note,
        **_currency_fields(invoice.currency, invoice.currency_rate, lookups),
        **_address_fields(billing, _block("bill")),
        **_address_fields(shipping, _block("ship")),
        "LineItems": lines,
        **_adjustment(lines, invoice.amount, lookups),
    }
    if invoice.amount_paid is not None:
        element["received"] = invoice.amount_paid
    return _strings(element)


def write_purchase_order(
    order: PurchaseOrder,
    refs: Refs,
    *,
    lookups: Lookups = NO_LOOKUPS,
    fallback: Addresses | None = None,
    rates: Mapping[UUID, Decimal] | None = None,
) -> dict[str, t.Any]:
    """A ``PurchaseOrder`` as a PurchaseOrder element; its organization must be a vTiger vendor.

    Goods are shipped to the delivery address; the billing address is the
    business's own (``fallback``), else the delivery address. The order's own
    number goes in Requisition No (``purchaseorder_no`` is vTiger's to number).
    """
    fallback = fallback or Addresses()
    shipping = order.delivery_address or fallback.shipping or fallback.billing
    billing = fallback.billing or shipping
    vendor = _remote(refs, "organizations", order.organization_id)
    if vendor and not vendor.startswith(f"{MODULES['Vendors'].id_prefix}x"):
        raise NotTaken(
            f"purchase order {order.transaction_number}: vTiger purchase orders go to vendors, "
            f"and its supplier is a vTiger organization ({vendor})"
        )
    lines = _line_items(order.lines, refs, lookups, rates or {})
    return _strings(
        {
            "subject": order.reference or f"Purchase order {order.transaction_number or ''}".strip(),
            "requisition_no": order.transaction_number,
            "vendor_id": vendor,
            "contact_id": _remote(refs, "people", order.person_id),
            "duedate": order.delivery_date,
            "postatus": _PURCHASE_ORDER_STATUS_OUT[order.status],
            "hdnTaxType": "individual",
            "description": order.private_note,
            "terms_conditions": order.public_note,
            **_currency_fields(order.currency, order.currency_rate, lookups),
            **_address_fields(billing, _block("bill")),
            **_address_fields(shipping, _block("ship")),
            "LineItems": lines,
            **_adjustment(lines, order.amount, lookups),
        }
    )


# --- by module --------------------------------------------------------------------------------


class Reader(t.Protocol):
    """A vTiger record -> canonical mapping."""

    def __call__(self, record: Mapping[str, t.Any], refs: Refs, *, tz: tzinfo = ..., lookups: Lookups = ...) -> Mapped:
        """Map one record."""
        ...


Writer = Callable[..., dict[str, t.Any]]
"""A canonical record -> vTiger element mapping: ``(record, refs, *, lookups=...)``."""

READERS: dict[str, Reader] = {
    "Accounts": read_account,
    "Contacts": read_contact,
    "Vendors": read_vendor,
    "Products": read_product,
    "Services": read_service,
    "Invoice": read_invoice,
    "SalesOrder": read_sales_order,
    "PurchaseOrder": read_purchase_order,
    "Tax": read_tax,
}
"""How each readable module maps to the canonical model."""

WRITERS: dict[str, Writer] = {
    "Accounts": write_account,
    "Contacts": write_contact,
    "Vendors": write_vendor,
    "Products": write_product,
    "Services": write_service,
    "Invoice": write_invoice,
    "PurchaseOrder": write_purchase_order,
    "Tax": write_tax,
}
"""How canonical records become elements of each writable module."""


def make_mapper(
    *, tz: tzinfo = UTC, lookups: Lookups = NO_LOOKUPS, stock: bool = True
) -> Callable[[str, dict[str, t.Any], Refs], list[Mapped]]:
    """The engine's mapper ``(module, raw record, refs) -> [Mapped]`` with this run's time zone and lookups.

    ``stock``: whether products bring their stock count (not where Xero keeps the stock).
    The stand-in service is the connector's own and maps to nothing.
    """

    def mapper(stream: str, record: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        reader = READERS.get(stream)
        if reader is None:
            raise MappingError(f"vTiger {stream} records are not mapped to the canonical model")
        if stream == "Services" and lookups.stand_in is not None and str(record.get("id")) == lookups.stand_in:
            return []
        if stream == "Products":
            return [read_product(record, refs, tz=tz, lookups=lookups, stock=stock)]
        return [reader(record, refs, tz=tz, lookups=lookups)]

    return mapper
