"""Pure mapping between Xero Accounting JSON and the canonical model.

Read functions, ``<xero>_to_canonical(raw, refs[, currency])``, take one record
as the API returns it and give ``Mapped`` records; write functions,
``<canonical>_to_xero(record, refs[, currency])`` (and ``contact_payload``),
give the element Xero's PUT/POST body expects. No I/O: ids are looked up
through ``Refs``, which the map task fills beforehand.

Conventions
-----------
* **Remote ids** are Xero's GUIDs (ContactID, InvoiceID, …); tax rates are
  keyed by their ``TaxType`` code, as Xero keys them.
* **Refs keyed by code.** Xero often names a record by its code rather than its
  GUID: ``AccountCode`` on lines and items, ``ItemCode`` on lines. Such lookups
  use the entity name with ``:code``: ``refs.hub_id("accounts:code", "200")``,
  ``refs.remote_id("items:code", item_hub_id) -> "WIDGET"``. They resolve to
  the same hub records as ``"accounts"``/``"items"`` (keyed by GUID); the map
  task fills them from the hub's ``code`` column. ``"tax_codes"`` is keyed by
  TaxType already. A line whose account has no code (bank accounts may not)
  names it by AccountID instead.
* **People of a contact.** A Xero contact is one ``Organization`` plus its
  ``Person`` records: the contact's own FirstName/LastName/EmailAddress is the
  primary person, ContactPersons are the others. A contact with an email but
  no name has no primary person: that email is the business's own mailbox
  (``accounts@…``) and stays on the organization. ContactPersons have no id in
  Xero, so a person's remote id is ``{ContactID}/people/{email}`` (lower-cased),
  or ``{ContactID}/people/name:{first} {last}`` without an email. A person whose
  email is edited in Xero therefore becomes a new person (the product spec's
  FAQ says so too).
* **Addresses.** Xero's POBOX address is the postal one invoices go to: it is
  the ``billing`` address; STREET, the physical one, is ``shipping``.
  AddressLine2-4 are joined into ``line2``; AttentionTo is not carried.
  Countries are free text in Xero and ISO codes in the hub: names, alpha-2 and
  alpha-3 codes are recognised, anything else is a mapping error.
* **Phones.** DEFAULT → landline, DDI → landline2, MOBILE → mobile, FAX → fax
  (OFFICE, on the Organisation, → landline). Country and area codes are folded
  into one number, which is sent back whole in PhoneNumber.
* **Money.** Xero omits the currency of item prices, manual and ledger journals
  and some documents: functions that read them take ``currency``, the
  organisation's base currency. A document in the base currency reads with no
  currency rate (Xero always says 1.0 there); a foreign-currency document keeps
  Xero's rate, and a canonical rate of None is never sent, so Xero uses the
  day's rate rather than a made-up 1.
* **Tombstones.** VOIDED/DELETED documents, DELETED payments and transfers,
  ARCHIVED/GDPRREQUEST contacts and ARCHIVED/DELETED accounts come back with
  ``deleted_at`` set to the record's UpdatedDateUTC.
* **Numbers** are read into ``Decimal`` (floats through their shortest text, so
  12.3 stays 12.3) and written as JSON numbers.

A record that cannot be mapped raises ``MappingError`` naming the field and the
value; canonical records are built with ``model_validate`` so the model's own
checks apply too.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import pycountry

from connectors.base.mapping import Mapped, MappingError, Refs, WaitingForReference
from connectors.xero.dates import format_date
from connectors.xero.fields import Fields as _Fields
from connectors.xero.fields import build as _build
from connectors.xero.rules import select_contact_persons, writable_item_fields
from datashare.model import (
    Account,
    AccountClass,
    AccountStatus,
    AccountType,
    Address,
    Addresses,
    Amount,
    CanonicalModel,
    Company,
    CreditNote,
    CreditNoteType,
    Document,
    DocumentLine,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    Journal,
    JournalStatus,
    JournalType,
    LineAmountType,
    Organization,
    PartyStatus,
    Payment,
    PaymentStatus,
    PaymentType,
    Person,
    Phone,
    PurchaseOrder,
    PurchaseOrderStatus,
    Quote,
    QuoteStatus,
    TaxCode,
    TaxCodeStatus,
    Transfer,
    TransferStatus,
)

__all__ = [
    "ADDRESS_TYPES",
    "CONTACT_STATUSES",
    "CREDIT_NOTE_TYPES",
    "INVOICE_TYPES",
    "LINE_AMOUNT_TYPES",
    "NEEDS_CURRENCY",
    "PAYMENT_TYPES",
    "PHONE_TYPES",
    "READERS",
    "account_to_canonical",
    "account_to_xero",
    "bank_transfer_to_canonical",
    "contact_payload",
    "contact_to_canonical",
    "credit_note_allocations_to_xero",
    "credit_note_to_canonical",
    "credit_note_to_xero",
    "invoice_to_canonical",
    "invoice_to_xero",
    "item_to_canonical",
    "item_to_xero",
    "journal_to_canonical",
    "journal_to_xero",
    "manual_journal_to_canonical",
    "organisation_to_canonical",
    "payment_to_canonical",
    "payment_to_xero",
    "person_remote_id",
    "purchase_order_to_canonical",
    "purchase_order_to_xero",
    "quote_to_canonical",
    "quote_to_xero",
    "tax_code_to_xero",
    "tax_rate_to_canonical",
    "transfer_to_xero",
]

Raw = Mapping[str, t.Any]
Payload = dict[str, t.Any]
M = t.TypeVar("M", bound=CanonicalModel)
E = t.TypeVar("E")

# -- translation tables ----------------------------------------------------------------

INVOICE_TYPES: dict[str, InvoiceType] = {"ACCREC": InvoiceType.CUSTOMER, "ACCPAY": InvoiceType.SUPPLIER}
CREDIT_NOTE_TYPES: dict[str, CreditNoteType] = {
    "ACCRECCREDIT": CreditNoteType.CUSTOMER,
    "ACCPAYCREDIT": CreditNoteType.SUPPLIER,
}
LINE_AMOUNT_TYPES: dict[str, LineAmountType] = {
    "Exclusive": LineAmountType.EXCLUSIVE,
    "Inclusive": LineAmountType.INCLUSIVE,
    "NoTax": LineAmountType.NO_TAX,
}
# Quotes spell them in capitals (the spec's QuoteLineAmountTypes).
QUOTE_LINE_AMOUNT_TYPES: dict[str, LineAmountType] = {
    "EXCLUSIVE": LineAmountType.EXCLUSIVE,
    "INCLUSIVE": LineAmountType.INCLUSIVE,
    "NOTAX": LineAmountType.NO_TAX,
}
# Who the money moves with: receivable-side payments are customers', payable-side ones suppliers'.
PAYMENT_TYPES: dict[str, PaymentType] = {
    "ACCRECPAYMENT": PaymentType.CUSTOMER,
    "ARCREDITPAYMENT": PaymentType.CUSTOMER,
    "AROVERPAYMENTPAYMENT": PaymentType.CUSTOMER,
    "ARPREPAYMENTPAYMENT": PaymentType.CUSTOMER,
    "ACCPAYPAYMENT": PaymentType.SUPPLIER,
    "APCREDITPAYMENT": PaymentType.SUPPLIER,
    "APOVERPAYMENTPAYMENT": PaymentType.SUPPLIER,
    "APPREPAYMENTPAYMENT": PaymentType.SUPPLIER,
}
# ContactStatus -> (status, is a tombstone). A GDPR request erases the contact: it leaves the hub too.
CONTACT_STATUSES: dict[str, tuple[PartyStatus, bool]] = {
    "ACTIVE": (PartyStatus.ACTIVE, False),
    "ARCHIVED": (PartyStatus.ARCHIVED, True),
    "GDPRREQUEST": (PartyStatus.ARCHIVED, True),
}
# POBOX is the postal address invoices are sent to; STREET the physical one goods go to.
ADDRESS_TYPES: dict[str, str] = {"POBOX": "billing", "STREET": "shipping"}
PHONE_TYPES: dict[str, str] = {
    "DEFAULT": "landline",
    "DDI": "landline2",
    "MOBILE": "mobile",
    "FAX": "fax",
    "OFFICE": "landline",
}

_DOCUMENT_STATUSES = {s.value: s for s in DocumentStatus}
_PURCHASE_ORDER_STATUSES = {s.value: s for s in PurchaseOrderStatus}
_QUOTE_STATUSES = {s.value: s for s in QuoteStatus}
_JOURNAL_STATUSES = {s.value: s for s in JournalStatus}
_PAYMENT_STATUSES = {s.value: s for s in PaymentStatus}
_TRANSFER_STATUSES = {s.value: s for s in TransferStatus}
_TAX_STATUSES = {s.value: s for s in TaxCodeStatus}
_ACCOUNT_STATUSES = {s.value: s for s in AccountStatus}
_ACCOUNT_TYPES = {s.value: s for s in AccountType}
_ACCOUNT_CLASSES = {s.value: s for s in AccountClass}
_LINE_AMOUNT_TO_XERO = {v: k for k, v in LINE_AMOUNT_TYPES.items()}
_QUOTE_LINE_AMOUNT_TO_XERO = {v: k for k, v in QUOTE_LINE_AMOUNT_TYPES.items()}

# Statuses that make a record a tombstone in the hub.
_VOID_DOCUMENT = frozenset({DocumentStatus.VOIDED, DocumentStatus.DELETED})
_VOID_JOURNAL = frozenset({JournalStatus.VOIDED, JournalStatus.DELETED, JournalStatus.ARCHIVED})
_VOID_ACCOUNT = frozenset({AccountStatus.ARCHIVED, AccountStatus.DELETED})

# Canonical document status -> the status to send. PAID is Xero's to set (payments do it), so a
# paid document goes as AUTHORISED; rules.check_invoice_editable stops edits of paid ones first.
_DOCUMENT_STATUS_TO_XERO: dict[DocumentStatus, str] = {
    DocumentStatus.DRAFT: "DRAFT",
    DocumentStatus.SUBMITTED: "SUBMITTED",
    DocumentStatus.AUTHORISED: "AUTHORISED",
    DocumentStatus.PAID: "AUTHORISED",
    DocumentStatus.VOIDED: "VOIDED",
    DocumentStatus.DELETED: "DELETED",
}

# Free-text country names Xero users type that ISO 3166 does not spell that way.
_COUNTRY_ALIASES: dict[str, str] = {
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "SOUTH KOREA": "KR",
    "KOREA": "KR",
    "RUSSIA": "RU",
    "VIETNAM": "VN",
    "TAIWAN": "TW",
    "IRAN": "IR",
    "BOLIVIA": "BO",
    "VENEZUELA": "VE",
    "TANZANIA": "TZ",
    "MOLDOVA": "MD",
    "LAOS": "LA",
    "SYRIA": "SY",
}
_SPACES = re.compile(r"\s+")


# -- reading raw fields ----------------------------------------------------------------


def _version(f: _Fields) -> tuple[str | None, datetime | None]:
    """The record's version as Xero wrote it, and as a timestamp.

    UpdatedDateUTC where Xero has it; ledger journals and transfers, which are
    never edited, only carry CreatedDateUTC.
    """
    for key in ("UpdatedDateUTC", "CreatedDateUTC"):
        if f.has(key):
            return str(f.raw[key]), f.stamp(key)
    return None, None


def _deleted_at(f: _Fields, tombstone: bool, why: str) -> datetime | None:
    """When a tombstone was made: Xero's last change to the record."""
    if not tombstone:
        return None
    _, stamp = _version(f)
    if stamp is None:
        raise MappingError(f"{f.where('UpdatedDateUTC')}: missing, and it dates the {why}")
    return stamp


def _mapped(entity: str, remote_id: str, record: CanonicalModel, f: _Fields) -> Mapped:
    version, stamp = _version(f)
    return Mapped(entity=entity, remote_id=remote_id, record=record, remote_version=version, remote_updated_at=stamp)


def _base_rate(f: _Fields, currency: str, base: str) -> Decimal | None:
    """The document's currency rate; none for base-currency documents, where Xero always says 1."""
    rate = f.number("CurrencyRate")
    if currency.upper() == base.strip().upper():
        return None
    return rate


def _country(f: _Fields, key: str) -> str | None:
    name = f.text(key)
    if name is None:
        return None
    folded = _SPACES.sub(" ", name).upper()
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        raise f.fail(key, "unknown country: write it as a country name or ISO code") from None


def _country_name(code: str | None) -> str:
    if code is None:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


# -- shared pieces: addresses, phones ----------------------------------------------------


def _address(f: _Fields) -> dict[str, t.Any] | None:
    lines = [f.text(f"AddressLine{n}") for n in range(1, 5)]
    rest = ", ".join(line for line in lines[1:] if line)
    address = {
        "line1": lines[0],
        "line2": rest or None,
        "city": f.text("City"),
        "region": f.text("Region"),
        "postal_code": f.text("PostalCode"),
        "country": _country(f, "Country"),
    }
    return address if any(v is not None for v in address.values()) else None


def _addresses(f: _Fields) -> dict[str, t.Any] | None:
    found: dict[str, t.Any] = {}
    for item in f.objs("Addresses"):
        slot = ADDRESS_TYPES.get(item.text("AddressType") or "")
        if slot is None or slot in found:
            continue  # DELIVERY (organisation only) has no canonical slot
        address = _address(item)
        if address is not None:
            found[slot] = address
    return found or None


def _address_payload(kind: str, address: Address) -> Payload:
    # Every part is sent, empty ones as "": Xero merges an address by type, so a part left out would survive.
    return {
        "AddressType": kind,
        "AddressLine1": address.line1 or "",
        "AddressLine2": address.line2 or "",
        "AddressLine3": "",
        "AddressLine4": "",
        "City": address.city or "",
        "Region": address.region or "",
        "PostalCode": address.postal_code or "",
        "Country": _country_name(address.country),
    }


def _addresses_payload(addresses: Addresses | None) -> list[Payload]:
    if addresses is None:
        return []
    slots = {"billing": addresses.billing, "shipping": addresses.shipping}
    sent = []
    for kind, slot in ADDRESS_TYPES.items():
        address = slots[slot]
        if address is not None:
            sent.append(_address_payload(kind, address))
    return sent


def _phones(f: _Fields) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for item in f.objs("Phones"):
        slot = PHONE_TYPES.get(item.text("PhoneType") or "")
        number = item.text("PhoneNumber")
        if slot is None or number is None or slot in found:
            continue
        country = item.text("PhoneCountryCode")
        if country and country.isdigit():
            country = f"+{country}"
        found[slot] = " ".join(p for p in (country, item.text("PhoneAreaCode"), number) if p)
    return found or None


def _phones_payload(phone: Phone | None) -> list[Payload]:
    if phone is None:
        return []
    sent: list[Payload] = []
    for kind in ("DEFAULT", "DDI", "MOBILE", "FAX"):
        number = getattr(phone, PHONE_TYPES[kind])
        if number:
            # The whole number goes in PhoneNumber; clearing the codes keeps Xero from prefixing old ones.
            sent.append({"PhoneType": kind, "PhoneNumber": number, "PhoneAreaCode": "", "PhoneCountryCode": ""})
    return sent


# -- push helpers ------------------------------------------------------------------------


def _num(value: Decimal) -> int | float:
    """A Decimal as a JSON number (the client posts plain JSON)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _remote(refs: Refs, entity: str, hub_id: UUID, field: str) -> str:
    """The Xero id (or code) of a referenced record; it must be in Xero before this one can go."""
    found = refs.remote_id(entity, hub_id)
    if found is None:
        kind, _, by = entity.partition(":")
        extra = f" (or has no {by} there)" if by else ""
        message = f"{field}: the referenced {kind} record {hub_id} is not in Xero yet{extra}"
        raise WaitingForReference(kind, hub_id, "Xero", message)
    return found


def _account_ref(refs: Refs, hub_id: UUID, field: str) -> tuple[str, str]:
    """How a line names its account: by AccountCode, or by AccountID for accounts without a code (bank ones)."""
    code = refs.remote_id("accounts:code", hub_id)
    if code is not None:
        return "AccountCode", code
    return "AccountID", _remote(refs, "accounts", hub_id, field)


def _own_id(refs: Refs, entity: str, record: CanonicalModel) -> str | None:
    return refs.remote_id(entity, record.id) if record.id is not None else None


def _put(payload: Payload, key: str, value: object) -> None:
    if value is not None:
        payload[key] = value


# -- Organisation -> Company -------------------------------------------------------------


def organisation_to_canonical(raw: Raw, refs: Refs) -> Mapped:
    """Xero's Organisation (the business itself) -> ``Company``; read only."""
    f = _Fields(raw)
    org_id = f.required("OrganisationID")
    month, day = f.integer("FinancialYearEndMonth"), f.integer("FinancialYearEndDay")
    website = next(
        (link.text("Url") for link in f.objs("ExternalLinks") if link.text("LinkType") == "Website"),
        None,
    )
    address = _addresses(f)
    data = {
        "id": refs.hub_id("company", org_id),
        "name": f.text("Name"),
        "legal_name": f.text("LegalName"),
        "country": f.text("CountryCode"),
        "currency": f.required("BaseCurrency"),
        "timezone": f.text("Timezone"),
        "tax_number": f.text("TaxNumber"),
        "is_demo": bool(f.flag("IsDemoCompany")),
        "financial_year_end": f"{month:02d}-{day:02d}" if month and day else None,
        "website": website,
        "phone": _phones(f),
        "address": address,
        "created_at": f.stamp("CreatedDateUTC"),
    }
    # The Organisation has no UpdatedDateUTC: its version is left to the content hash.
    return Mapped("company", org_id, _build(Company, data))


# -- Contacts -> Organization + People ---------------------------------------------------


def person_remote_id(contact_id: str, first_name: str | None, last_name: str | None, email: str | None) -> str | None:
    """The remote id of a contact's person: by email, else by name; None when there is neither."""
    if email and email.strip():
        return f"{contact_id}/people/{email.strip().lower()}"
    name = _SPACES.sub(" ", " ".join(p for p in (first_name, last_name) if p)).strip().lower()
    return f"{contact_id}/people/name:{name}" if name else None


def contact_to_canonical(raw: Raw, refs: Refs) -> list[Mapped]:
    """A Xero contact -> its ``Organization`` first, then its people (the primary one first)."""
    f = _Fields(raw)
    contact_id = f.required("ContactID")
    status, tombstone = f.choice("ContactStatus", CONTACT_STATUSES) or (PartyStatus.ACTIVE, False)
    deleted_at = _deleted_at(f, tombstone, f"{f.text('ContactStatus')} contact")
    updated_at = f.stamp("UpdatedDateUTC")
    org_id = refs.hub_id("organizations", contact_id)
    is_supplier = bool(f.flag("IsSupplier"))
    # Xero flags a customer only once it has a sales invoice; the product spec shares every contact
    # as a customer unless Xero knows it only as a supplier.
    is_customer = bool(f.flag("IsCustomer")) or not is_supplier
    email = f.text("EmailAddress")
    org = _build(
        Organization,
        {
            "id": org_id,
            "name": f.text("Name"),
            "code": f.text("ContactNumber"),
            "status": status,
            "email": email,
            "website": f.text("Website"),
            "phone": _phones(f),
            "address": _addresses(f),
            "tax_number": f.text("TaxNumber"),
            "currency": f.text("DefaultCurrency"),
            "is_customer": is_customer,
            "is_supplier": is_supplier,
            "updated_at": updated_at,
            "deleted_at": deleted_at,
        },
    )
    out = [_mapped("organizations", contact_id, org, f)]
    people = [(f, True)] + [(p, False) for p in f.objs("ContactPersons")]
    seen: set[str] = set()
    for source, primary in people:
        first, last, mail = source.text("FirstName"), source.text("LastName"), source.text("EmailAddress")
        if primary and not (first or last):
            continue  # a contact with an email but no name is a business's mailbox, not a person
        remote_id = person_remote_id(contact_id, first, last, mail)
        if remote_id is None or remote_id in seen:
            continue  # no one to identify, or the primary person listed again as a contact person
        seen.add(remote_id)
        person = _build(
            Person,
            {
                "id": refs.hub_id("people", remote_id),
                "first_name": first,
                "last_name": last,
                "email": mail,
                "status": status,
                "organization_id": org_id,
                "is_primary": primary,
                "is_customer": is_customer,
                "updated_at": updated_at,
                "deleted_at": deleted_at,
            },
            where=source.path or "primary person (FirstName, LastName, EmailAddress)",
        )
        out.append(_mapped("people", remote_id, person, f))
    return out


def contact_payload(org: Organization, people: list[Person], refs: Refs) -> tuple[Payload, list[Person]]:
    """An organization and its people -> a Xero Contact element, and the people left out.

    The primary person's name and email become the contact's own (the
    organization's email goes only when there is no primary person); up to five
    others go as ContactPersons (Xero's limit) and the rest come back as
    dropped. IsCustomer/IsSupplier are never sent (Xero sets them from
    invoices). ContactID is included when the organization is in Xero already.
    """
    chosen = select_contact_persons(people)
    payload: Payload = {}
    _put(payload, "ContactID", _own_id(refs, "organizations", org))
    payload["Name"] = org.name
    _put(payload, "ContactNumber", org.code)
    archived = org.status == PartyStatus.ARCHIVED or org.deleted_at is not None
    payload["ContactStatus"] = "ARCHIVED" if archived else "ACTIVE"
    if chosen.primary is not None:
        # The contact's one EmailAddress is the primary person's: filling it with the organization's
        # would give that person an email, hence a new remote id, on the way back.
        payload["FirstName"] = chosen.primary.first_name or ""
        payload["LastName"] = chosen.primary.last_name or ""
        payload["EmailAddress"] = chosen.primary.email or ""
    elif org.email:
        payload["EmailAddress"] = org.email
    payload["ContactPersons"] = [
        {"FirstName": p.first_name or "", "LastName": p.last_name or "", "EmailAddress": p.email or ""}
        for p in chosen.persons
    ]
    _put(payload, "TaxNumber", org.tax_number)
    _put(payload, "DefaultCurrency", org.currency)
    addresses = _addresses_payload(org.address)
    if addresses:
        payload["Addresses"] = addresses
    phones = _phones_payload(org.phone)
    if phones:
        payload["Phones"] = phones
    return payload, chosen.dropped


# -- Items ---------------------------------------------------------------------------------


def item_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero item -> ``Item``; prices are in ``currency``, the organisation's base currency.

    QuantityOnHand is read (Xero is the stock keeper for tracked items) but never written back.
    """
    f = _Fields(raw)
    item_id = f.required("ItemID")
    data: dict[str, t.Any] = {
        "id": refs.hub_id("items", item_id),
        "code": f.text("Code"),
        "name": f.text("Name"),
        "description": f.text("Description"),
        "purchase_description": f.text("PurchaseDescription"),
        "is_sold": f.flag("IsSold") is not False,
        "is_purchased": f.flag("IsPurchased") is not False,
        "is_inventoried": bool(f.flag("IsTrackedAsInventory")),
        "quantity_on_hand": f.number("QuantityOnHand"),
        "updated_at": f.stamp("UpdatedDateUTC"),
    }
    for side, key in (("sale", "SalesDetails"), ("purchase", "PurchaseDetails")):
        details = f.obj(key)
        if details is None:
            continue
        price = details.number("UnitPrice")
        if price is not None:
            data[f"{side}_price"] = {"currency": currency, "net_amount": price}
        # Tracked items carry their purchase account as COGSAccountCode instead of AccountCode.
        account = details.text("AccountCode") or details.text("COGSAccountCode")
        if account is not None:
            data[f"{side}_account_id"] = refs.hub_id("accounts:code", account)
        tax_type = details.text("TaxType")
        if tax_type is not None:
            data[f"{side}_tax_code_id"] = refs.hub_id("tax_codes", tax_type)
    return _mapped("items", item_id, _build(Item, data), f)


def _item_price(item: Item, side: str, currency: str) -> Decimal | None:
    price: Amount | None = getattr(item, f"{side}_price")
    if price is None:
        return None
    if price.currency != currency.upper():
        raise MappingError(
            f"items.{side}_price: Xero item prices are in the base currency {currency.upper()}, "
            f"this one is in {price.currency}"
        )
    # Xero item prices follow the organisation's default tax setting; the net figure is preferred.
    return price.net_amount if price.net_amount is not None else price.total_amount


def item_to_xero(item: Item, refs: Refs, currency: str) -> Payload:
    """``Item`` -> a Xero Items element; never QuantityOnHand or TotalCostPool (read-only in Xero).

    A missing purchase price leaves PurchaseDetails.UnitPrice out rather than sending 0.
    """
    payload: Payload = {}
    _put(payload, "ItemID", _own_id(refs, "items", item))
    payload["Code"] = item.code
    _put(payload, "Name", item.name)
    _put(payload, "Description", item.description)
    _put(payload, "PurchaseDescription", item.purchase_description)
    payload["IsSold"] = item.is_sold
    payload["IsPurchased"] = item.is_purchased
    for side, key in (("sale", "SalesDetails"), ("purchase", "PurchaseDetails")):
        details: Payload = {}
        price = _item_price(item, side, currency)
        if price is not None:
            details["UnitPrice"] = _num(price)
        account_id: UUID | None = getattr(item, f"{side}_account_id")
        if account_id is not None:
            account_key = "COGSAccountCode" if side == "purchase" and item.is_inventoried else "AccountCode"
            details[account_key] = _remote(refs, "accounts:code", account_id, f"items.{side}_account_id")
        tax_id: UUID | None = getattr(item, f"{side}_tax_code_id")
        if tax_id is not None:
            details["TaxType"] = _remote(refs, "tax_codes", tax_id, f"items.{side}_tax_code_id")
        if details:
            payload[key] = details
    return writable_item_fields(payload)


# -- documents: invoices, purchase orders, credit notes ----------------------------------


def _line(f: _Fields, refs: Refs, currency: str, amounts: LineAmountType, number: int) -> dict[str, t.Any]:
    quantity = f.number("Quantity")
    unit = f.number("UnitAmount")
    # Canonical quantities are never negative: a return or discount is a negative price instead.
    if quantity is not None and quantity < 0:
        quantity = -quantity
        unit = -unit if unit is not None else None
    inclusive = amounts == LineAmountType.INCLUSIVE
    line: dict[str, t.Any] = {"line_number": number, "description": f.text("Description")}
    if quantity is not None:
        line["quantity"] = quantity
    if unit is not None:
        line["unit_price"] = {"currency": currency, ("total_amount" if inclusive else "net_amount"): unit}
    total, tax = f.number("LineAmount"), f.number("TaxAmount")
    if total is not None:
        if inclusive:
            net = total - tax if tax is not None else None
            line["total_price"] = {"currency": currency, "net_amount": net, "tax_amount": tax, "total_amount": total}
        else:
            gross = total + tax if tax is not None else None
            line["total_price"] = {"currency": currency, "net_amount": total, "tax_amount": tax, "total_amount": gross}
    item_code = f.text("ItemCode")
    item = f.obj("Item")
    if item_code is not None:
        line["item_id"] = refs.hub_id("items:code", item_code)
    elif item is not None and item.has("ItemID"):
        line["item_id"] = refs.hub_id("items", item.required("ItemID"))
    account_code = f.text("AccountCode")
    if account_code is not None:
        line["account_id"] = refs.hub_id("accounts:code", account_code)
    elif f.has("AccountID"):
        line["account_id"] = refs.hub_id("accounts", f.required("AccountID"))
    tax_type = f.text("TaxType")
    if tax_type is not None:
        line["tax_code_id"] = refs.hub_id("tax_codes", tax_type)
    line["reduction_percent"] = f.number("DiscountRate")
    return line


def _header(
    f: _Fields, refs: Refs, base: str, spellings: t.Mapping[str, LineAmountType] = LINE_AMOUNT_TYPES
) -> dict[str, t.Any]:
    """What every document shares: contact, dates, currency and rate, totals, lines."""
    currency = (f.text("CurrencyCode") or base).upper()
    amounts = f.choice("LineAmountTypes", spellings) or LineAmountType.EXCLUSIVE
    contact = f.obj("Contact")
    totals = {
        "net_amount": f.number("SubTotal"),
        "tax_amount": f.number("TotalTax"),
        "total_amount": f.number("Total"),
    }
    return {
        "reference": f.text("Reference"),
        "transaction_date": f.day("Date"),
        "organization_id": (
            refs.hub_id("organizations", contact.required("ContactID"))
            if contact is not None and contact.has("ContactID")
            else None
        ),
        "currency": currency,
        "currency_rate": _base_rate(f, currency, base),
        "line_amount_type": amounts,
        "amount": {"currency": currency, **totals} if any(v is not None for v in totals.values()) else None,
        "lines": [_line(li, refs, currency, amounts, n) for n, li in enumerate(f.objs("LineItems"), start=1)],
        "updated_at": f.stamp("UpdatedDateUTC"),
    }


def invoice_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero invoice (ACCREC sale or ACCPAY bill) -> ``Invoice``; ``currency`` is the base currency.

    VOIDED and DELETED invoices come back as tombstones.
    """
    f = _Fields(raw)
    invoice_id = f.required("InvoiceID")
    status = f.choice("Status", _DOCUMENT_STATUSES) or DocumentStatus.DRAFT
    data = {
        **_header(f, refs, currency),
        "id": refs.hub_id("invoices", invoice_id),
        "type": f.required_choice("Type", INVOICE_TYPES),
        "status": status,
        "transaction_number": f.text("InvoiceNumber"),
        "due_date": f.day("DueDate"),
        "balance": f.number("AmountDue"),
        "amount_paid": f.number("AmountPaid"),
        "deleted_at": _deleted_at(f, status in _VOID_DOCUMENT, f"{status.value} invoice"),
    }
    return _mapped("invoices", invoice_id, _build(Invoice, data), f)


def _line_payload(line: DocumentLine, n: int, refs: Refs, amounts: LineAmountType, entity: str) -> Payload:
    where = f"{entity}.lines[{n}]"
    inclusive = amounts == LineAmountType.INCLUSIVE
    part = "total_amount" if inclusive else "net_amount"
    out: Payload = {}
    _put(out, "Description", line.description)
    out["Quantity"] = _num(line.quantity)
    unit = getattr(line.unit_price, part) if line.unit_price is not None else None
    if line.unit_price is not None and unit is None:
        raise MappingError(
            f"{where}.unit_price: line amounts are {amounts.value}, so the unit price needs its {part} "
            f"(got {line.unit_price.model_dump(exclude_none=True)})"
        )
    if unit is not None:
        out["UnitAmount"] = _num(unit)
    elif line.total_price is not None and getattr(line.total_price, part) is not None:
        # No unit price: Xero works the unit amount out from the line amount.
        out["LineAmount"] = _num(getattr(line.total_price, part))
    if line.total_price is not None and line.total_price.tax_amount is not None:
        out["TaxAmount"] = _num(line.total_price.tax_amount)
    if line.item_id is not None:
        _remote(refs, "items", line.item_id, f"{where}.item_id")  # Xero must hold the item, not only the hub
        out["ItemCode"] = _remote(refs, "items:code", line.item_id, f"{where}.item_id")
    if line.account_id is not None:
        key, value = _account_ref(refs, line.account_id, f"{where}.account_id")
        out[key] = value
    if line.tax_code_id is not None:
        out["TaxType"] = _remote(refs, "tax_codes", line.tax_code_id, f"{where}.tax_code_id")
    if line.reduction_percent is not None:
        out["DiscountRate"] = _num(line.reduction_percent)
    return out


def _document_payload(
    doc: Document, refs: Refs, spellings: t.Mapping[LineAmountType, str] = _LINE_AMOUNT_TO_XERO
) -> Payload:
    """The header and lines every document sends: contact, dates, currency (and rate when known), lines."""
    payload: Payload = {}
    if doc.organization_id is None:
        raise MappingError(f"{doc.entity}.organization_id: missing, and Xero needs a Contact on every document")
    payload["Contact"] = {
        "ContactID": _remote(refs, "organizations", doc.organization_id, f"{doc.entity}.organization_id")
    }
    _put(payload, "Reference", doc.reference)
    if doc.transaction_date is not None:
        payload["Date"] = format_date(doc.transaction_date)
    payload["CurrencyCode"] = doc.currency
    if doc.currency_rate is not None:  # None: Xero takes the day's rate
        payload["CurrencyRate"] = _num(doc.currency_rate)
    payload["LineAmountTypes"] = spellings[doc.line_amount_type]
    payload["LineItems"] = [
        _line_payload(line, n, refs, doc.line_amount_type, doc.entity) for n, line in enumerate(doc.lines)
    ]
    return payload


def _document_status(status: DocumentStatus, deleted: bool) -> str:
    """The status to send; a tombstone voids an approved document and deletes a draft."""
    if deleted and status not in _VOID_DOCUMENT:
        return "VOIDED" if status in {DocumentStatus.AUTHORISED, DocumentStatus.PAID} else "DELETED"
    return _DOCUMENT_STATUS_TO_XERO[status]


def invoice_to_xero(invoice: Invoice, refs: Refs) -> Payload:
    """``Invoice`` -> a Xero Invoices element (ACCREC or ACCPAY).

    Totals, AmountDue and AmountPaid are Xero's to work out and are not sent;
    CurrencyRate is sent only when the hub has one.
    """
    payload: Payload = {"Type": "ACCREC" if invoice.type == InvoiceType.CUSTOMER else "ACCPAY"}
    _put(payload, "InvoiceID", _own_id(refs, "invoices", invoice))
    _put(payload, "InvoiceNumber", invoice.transaction_number)
    payload.update(_document_payload(invoice, refs))
    if invoice.due_date is not None:
        payload["DueDate"] = format_date(invoice.due_date)
    payload["Status"] = _document_status(invoice.status, invoice.deleted_at is not None)
    return payload


def purchase_order_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero purchase order -> ``PurchaseOrder``; DELETED ones come back as tombstones.

    Xero's DeliveryAddress is free text: its first line is ``line1``, the rest ``line2``.
    """
    f = _Fields(raw)
    order_id = f.required("PurchaseOrderID")
    status = f.choice("Status", _PURCHASE_ORDER_STATUSES) or PurchaseOrderStatus.DRAFT
    delivery = [line.strip() for line in (f.text("DeliveryAddress") or "").splitlines() if line.strip()]
    data = {
        **_header(f, refs, currency),
        "id": refs.hub_id("purchase_orders", order_id),
        "status": status,
        "transaction_number": f.text("PurchaseOrderNumber"),
        "delivery_date": f.day("DeliveryDate"),
        "expected_arrival_date": f.day("ExpectedArrivalDate"),
        "delivery_address": {"line1": delivery[0], "line2": ", ".join(delivery[1:]) or None} if delivery else None,
        "delivery_instructions": f.text("DeliveryInstructions"),
        "deleted_at": _deleted_at(f, status == PurchaseOrderStatus.DELETED, "DELETED purchase order"),
    }
    return _mapped("purchase_orders", order_id, _build(PurchaseOrder, data), f)


def _address_text(address: Address) -> str:
    town = " ".join(p for p in (address.city, address.region, address.postal_code) if p)
    parts = (address.line1, address.line2, town, _country_name(address.country) if address.country else None)
    return "\n".join(p for p in parts if p)


def purchase_order_to_xero(order: PurchaseOrder, refs: Refs) -> Payload:
    """``PurchaseOrder`` -> a Xero PurchaseOrders element; a tombstone is sent as DELETED."""
    payload: Payload = {}
    _put(payload, "PurchaseOrderID", _own_id(refs, "purchase_orders", order))
    _put(payload, "PurchaseOrderNumber", order.transaction_number)
    payload.update(_document_payload(order, refs))
    if order.delivery_date is not None:
        payload["DeliveryDate"] = format_date(order.delivery_date)
    if order.expected_arrival_date is not None:
        payload["ExpectedArrivalDate"] = format_date(order.expected_arrival_date)
    if order.delivery_address is not None:
        payload["DeliveryAddress"] = _address_text(order.delivery_address)
    _put(payload, "DeliveryInstructions", order.delivery_instructions)
    # BILLED is Xero's to set, when a bill is raised from the order.
    status = PurchaseOrderStatus.AUTHORISED if order.status == PurchaseOrderStatus.BILLED else order.status
    payload["Status"] = "DELETED" if order.deleted_at is not None else status.value
    return payload


def quote_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero quote -> ``Quote``; DELETED ones come back as tombstones. A quote posts nothing to the ledger."""
    f = _Fields(raw)
    quote_id = f.required("QuoteID")
    status = f.choice("Status", _QUOTE_STATUSES) or QuoteStatus.DRAFT
    data = {
        **_header(f, refs, currency, QUOTE_LINE_AMOUNT_TYPES),
        "id": refs.hub_id("quotes", quote_id),
        "status": status,
        "transaction_number": f.text("QuoteNumber"),
        "title": f.text("Title"),
        "terms": f.text("Terms"),
        "expiry_date": f.day("ExpiryDate"),
        "deleted_at": _deleted_at(f, status == QuoteStatus.DELETED, "DELETED quote"),
    }
    return _mapped("quotes", quote_id, _build(Quote, data), f)


def quote_to_xero(quote: Quote, refs: Refs) -> Payload:
    """``Quote`` -> a Xero Quotes element; a tombstone is sent as DELETED.

    Xero wants the Contact and the Date on every quote write, an update
    included, and clears the texts an update leaves out: all are always sent.
    """
    if quote.transaction_date is None:
        raise MappingError("quotes.transaction_date: missing, and Xero needs a Date on every quote")
    payload: Payload = {}
    _put(payload, "QuoteID", _own_id(refs, "quotes", quote))
    _put(payload, "QuoteNumber", quote.transaction_number)
    payload.update(_document_payload(quote, refs, _QUOTE_LINE_AMOUNT_TO_XERO))
    if quote.expiry_date is not None:
        payload["ExpiryDate"] = format_date(quote.expiry_date)
    _put(payload, "Title", quote.title)
    _put(payload, "Terms", quote.terms)
    payload["Status"] = "DELETED" if quote.deleted_at is not None else quote.status.value
    return payload


def credit_note_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero credit note -> ``CreditNote`` with its allocations to invoices; VOIDED/DELETED are tombstones."""
    f = _Fields(raw)
    note_id = f.required("CreditNoteID")
    status = f.choice("Status", _DOCUMENT_STATUSES) or DocumentStatus.DRAFT
    allocations = []
    for item in f.objs("Allocations"):
        if item.flag("IsDeleted"):
            continue
        invoice = item.obj("Invoice")
        if invoice is None:
            raise MappingError(f"{item.where('Invoice')}: missing: an allocation applies to an invoice")
        allocations.append(
            {
                "invoice_id": refs.hub_id("invoices", invoice.required("InvoiceID")),
                "amount": item.number("Amount"),
                "transaction_date": item.day("Date"),
            }
        )
    data = {
        **_header(f, refs, currency),
        "id": refs.hub_id("credit_notes", note_id),
        "type": f.required_choice("Type", CREDIT_NOTE_TYPES),
        "status": status,
        "transaction_number": f.text("CreditNoteNumber"),
        "remaining_credit": f.number("RemainingCredit"),
        "allocations": allocations,
        "deleted_at": _deleted_at(f, status in _VOID_DOCUMENT, f"{status.value} credit note"),
    }
    return _mapped("credit_notes", note_id, _build(CreditNote, data), f)


def credit_note_to_xero(note: CreditNote, refs: Refs) -> Payload:
    """``CreditNote`` -> a Xero CreditNotes element (allocations go separately: see the next function)."""
    payload: Payload = {"Type": "ACCRECCREDIT" if note.type == CreditNoteType.CUSTOMER else "ACCPAYCREDIT"}
    _put(payload, "CreditNoteID", _own_id(refs, "credit_notes", note))
    _put(payload, "CreditNoteNumber", note.transaction_number)
    payload.update(_document_payload(note, refs))
    payload["Status"] = _document_status(note.status, note.deleted_at is not None)
    return payload


def credit_note_allocations_to_xero(note: CreditNote, refs: Refs) -> list[Payload]:
    """The allocations of a credit note, as ``PUT /CreditNotes/{id}/Allocations`` takes them."""
    out: list[Payload] = []
    for n, allocation in enumerate(note.allocations):
        day = allocation.transaction_date or note.transaction_date
        if day is None:
            raise MappingError(f"credit_notes.allocations[{n}].transaction_date: missing, and Xero needs a Date")
        invoice = _remote(refs, "invoices", allocation.invoice_id, f"credit_notes.allocations[{n}].invoice_id")
        out.append({"Invoice": {"InvoiceID": invoice}, "Amount": _num(allocation.amount), "Date": format_date(day)})
    return out


# -- journals ---------------------------------------------------------------------------


def manual_journal_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero manual journal -> ``Journal(type=MANUAL)`` in the base ``currency``.

    LineAmount is a debit (+) or credit (−); on tax-inclusive journals the tax is taken out of it.
    """
    f = _Fields(raw)
    journal_id = f.required("ManualJournalID")
    status = f.choice("Status", _JOURNAL_STATUSES) or JournalStatus.DRAFT
    inclusive = f.choice("LineAmountTypes", LINE_AMOUNT_TYPES) == LineAmountType.INCLUSIVE
    lines = []
    for line in f.objs("JournalLines"):
        amount = line.number("LineAmount")
        if amount is None:
            raise MappingError(f"{line.where('LineAmount')}: missing")
        tax = line.number("TaxAmount") or Decimal(0)
        net = amount - tax if inclusive else amount
        code = line.text("AccountCode")
        account_id = (
            refs.hub_id("accounts:code", code)
            if code is not None
            else refs.hub_id("accounts", line.required("AccountID"))
            if line.has("AccountID")
            else None
        )
        tax_type = line.text("TaxType")
        lines.append(
            {
                "account_id": account_id,
                "account_code": code,
                "description": line.text("Description"),
                "net_amount": net,
                "tax_amount": tax,
                "gross_amount": net + tax,
                "tax_code_id": refs.hub_id("tax_codes", tax_type) if tax_type else None,
            }
        )
    data = {
        "id": refs.hub_id("journals", journal_id),
        "type": JournalType.MANUAL,
        "status": status,
        "transaction_date": f.day("Date"),
        "narration": f.text("Narration"),
        "currency": currency,
        "source_type": "MANJOURNAL",
        "lines": lines,
        "updated_at": f.stamp("UpdatedDateUTC"),
        "deleted_at": _deleted_at(f, status in _VOID_JOURNAL, f"{status.value} manual journal"),
    }
    return _mapped("journals", journal_id, _build(Journal, data), f)


def journal_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A journal of Xero's ledger (``/Journals``, read only) -> ``Journal(type=GENERATED)``.

    Amounts are in the base ``currency``. Xero posts a document's tax on its own
    line (the tax account) as well as showing it as the TaxAmount of the line it
    came from; the canonical model knows this and balances generated journals
    on their net amounts.
    """
    f = _Fields(raw)
    journal_id = f.required("JournalID")
    lines = []
    for line in f.objs("JournalLines"):
        net = line.number("NetAmount")
        if net is None:
            raise MappingError(f"{line.where('NetAmount')}: missing")
        tax = line.number("TaxAmount") or Decimal(0)
        gross = line.number("GrossAmount")
        if gross is None:
            gross = net + tax
        tax_type = line.text("TaxType")
        lines.append(
            {
                "account_id": refs.hub_id("accounts", line.required("AccountID")) if line.has("AccountID") else None,
                "account_code": line.text("AccountCode"),
                "description": line.text("Description"),
                "net_amount": net,
                "tax_amount": tax,
                "gross_amount": gross,
                "tax_code_id": refs.hub_id("tax_codes", tax_type) if tax_type else None,
            }
        )
    data = {
        "id": refs.hub_id("journals", journal_id),
        "type": JournalType.GENERATED,
        "status": JournalStatus.POSTED,
        "transaction_number": f.text("JournalNumber"),
        "transaction_date": f.day("JournalDate"),
        "reference": f.text("Reference"),
        "currency": currency,
        "source_type": f.text("SourceType"),
        "lines": lines,
        "created_at": f.stamp("CreatedDateUTC"),
    }
    return _mapped("journals", journal_id, _build(Journal, data), f)


def journal_to_xero(journal: Journal, refs: Refs, currency: str) -> Payload:
    """A MANUAL ``Journal`` -> a Xero ManualJournals element (ledger journals cannot be written).

    Lines go as tax-exclusive LineAmounts (Xero adds the tax of each TaxType),
    or NoTax when no line carries tax.
    """
    if journal.type != JournalType.MANUAL:
        raise MappingError("journals.type: only MANUAL journals can be written to Xero (got 'GENERATED')")
    if journal.currency != currency.upper():
        raise MappingError(
            f"journals.currency: Xero manual journals are in the base currency {currency.upper()} "
            f"(got {journal.currency!r})"
        )
    if not journal.narration:
        raise MappingError("journals.narration: missing, and Xero requires a Narration")
    taxed = any(line.tax_code_id is not None or line.tax_amount != 0 for line in journal.lines)
    payload: Payload = {}
    _put(payload, "ManualJournalID", _own_id(refs, "journals", journal))
    payload["Narration"] = journal.narration
    payload["Date"] = format_date(journal.transaction_date)
    payload["LineAmountTypes"] = "Exclusive" if taxed else "NoTax"
    lines = []
    for n, line in enumerate(journal.lines):
        out: Payload = {"LineAmount": _num(line.net_amount)}
        if line.account_id is not None:
            key, value = _account_ref(refs, line.account_id, f"journals.lines[{n}].account_id")
            out[key] = value
        elif line.account_code:
            out["AccountCode"] = line.account_code
        else:
            raise MappingError(f"journals.lines[{n}].account_id: missing, and Xero needs an account on every line")
        _put(out, "Description", line.description)
        if line.tax_code_id is not None:
            out["TaxType"] = _remote(refs, "tax_codes", line.tax_code_id, f"journals.lines[{n}].tax_code_id")
        lines.append(out)
    payload["JournalLines"] = lines
    status = journal.status
    if journal.deleted_at is not None and status not in _VOID_JOURNAL:
        status = JournalStatus.VOIDED if status == JournalStatus.POSTED else JournalStatus.DELETED
    payload["Status"] = status.value
    return payload


# -- payments ---------------------------------------------------------------------------


def payment_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero payment on an invoice or credit note -> ``Payment`` with one payment line.

    Xero lists credit-note payments under ``Invoice`` with a credit-note Type;
    they become credit-note lines. DELETED payments are tombstones. Payments
    on prepayments and overpayments are not shared.
    """
    f = _Fields(raw)
    payment_id = f.required("PaymentID")
    status = f.choice("Status", _PAYMENT_STATUSES) or PaymentStatus.AUTHORISED
    amount = f.number("Amount")
    line: dict[str, t.Any] = {"amount": amount}
    invoice, note = f.obj("Invoice"), f.obj("CreditNote")
    target = invoice or note
    if invoice is not None and invoice.text("Type") not in CREDIT_NOTE_TYPES:
        line["invoice_id"] = refs.hub_id("invoices", invoice.required("InvoiceID"))
    elif invoice is not None:
        line["credit_note_id"] = refs.hub_id("credit_notes", invoice.required("InvoiceID"))
    elif note is not None:
        line["credit_note_id"] = refs.hub_id("credit_notes", note.required("CreditNoteID"))
    else:
        other = "Prepayment" if f.has("Prepayment") else "Overpayment" if f.has("Overpayment") else None
        if other:
            raise MappingError(f"{other}: payments on {other.lower()}s are not shared (only invoices, credit notes)")
        raise MappingError("Invoice: missing: a payment applies to an invoice or a credit note")
    doc_currency = ((target.text("CurrencyCode") if target else None) or currency).upper()
    contact = target.obj("Contact") if target else None
    account = f.obj("Account")
    account_id = None
    if account is not None and account.has("AccountID"):
        account_id = refs.hub_id("accounts", account.required("AccountID"))
    elif account is not None and account.has("Code"):
        account_id = refs.hub_id("accounts:code", account.required("Code"))
    data = {
        "id": refs.hub_id("payments", payment_id),
        "type": f.choice("PaymentType", PAYMENT_TYPES) or _payment_type(invoice or note),
        "status": status,
        "transaction_number": f.text("Reference"),
        "transaction_date": f.day("Date"),
        "organization_id": (
            refs.hub_id("organizations", contact.required("ContactID"))
            if contact is not None and contact.has("ContactID")
            else None
        ),
        "account_id": account_id,
        "amount": {"currency": doc_currency, "total_amount": amount},
        "currency_rate": _base_rate(f, doc_currency, currency),
        "is_reconciled": bool(f.flag("IsReconciled")),
        "payment_lines": [line],
        "updated_at": f.stamp("UpdatedDateUTC"),
        "deleted_at": _deleted_at(f, status == PaymentStatus.DELETED, "DELETED payment"),
    }
    return _mapped("payments", payment_id, _build(Payment, data), f)


def _payment_type(target: _Fields | None) -> PaymentType:
    """When PaymentType is absent: who the paid document is with."""
    kind = target.text("Type") if target is not None else None
    if kind in {"ACCPAY", "ACCPAYCREDIT"}:
        return PaymentType.SUPPLIER
    if kind in {"ACCREC", "ACCRECCREDIT"}:
        return PaymentType.CUSTOMER
    raise MappingError("PaymentType: missing, and the paid document's Type does not say whose payment it is")


def payment_to_xero(payment: Payment, refs: Refs) -> Payload:
    """``Payment`` -> a Xero Payments element.

    Xero applies a payment to one invoice or credit note and cannot edit it
    afterwards: a payment already in Xero only goes back as a deletion
    (``{"PaymentID", "Status": "DELETED"}``) once it is a tombstone.
    """
    payment_id = _own_id(refs, "payments", payment)
    if payment.deleted_at is not None or payment.status == PaymentStatus.DELETED:
        if payment_id is None:
            raise MappingError("payments.status: DELETED, and the payment was never in Xero: nothing to send")
        return {"PaymentID": payment_id, "Status": "DELETED"}
    if len(payment.payment_lines) != 1:
        raise MappingError(
            f"payments.payment_lines: a Xero payment applies to one invoice or credit note "
            f"(got {len(payment.payment_lines)} lines)"
        )
    line = payment.payment_lines[0]
    payload: Payload = {}
    _put(payload, "PaymentID", payment_id)
    if line.invoice_id is not None:
        payload["Invoice"] = {
            "InvoiceID": _remote(refs, "invoices", line.invoice_id, "payments.payment_lines[0].invoice_id")
        }
    elif line.credit_note_id is not None:
        payload["CreditNote"] = {
            "CreditNoteID": _remote(
                refs, "credit_notes", line.credit_note_id, "payments.payment_lines[0].credit_note_id"
            )
        }
    if payment.account_id is None:
        raise MappingError("payments.account_id: missing, and Xero needs the bank account the money moves through")
    payload["Account"] = {"AccountID": _remote(refs, "accounts", payment.account_id, "payments.account_id")}
    payload["Date"] = format_date(payment.transaction_date)
    payload["Amount"] = _num(line.amount)
    if payment.currency_rate is not None:
        payload["CurrencyRate"] = _num(payment.currency_rate)
    _put(payload, "Reference", payment.transaction_number)
    payload["IsReconciled"] = payment.is_reconciled
    return payload


# -- tax rates, accounts, transfers ------------------------------------------------------


def tax_rate_to_canonical(raw: Raw, refs: Refs) -> Mapped:
    """A Xero tax rate -> ``TaxCode``, keyed by its TaxType.

    The effective rate (DisplayTaxRate when absent) is both the sale and the
    purchase rate: a Xero tax rate is one rate, whichever side uses it.
    TaxRates carry no timestamp, so a DELETED/ARCHIVED one keeps its status but
    gets no ``deleted_at``.
    """
    f = _Fields(raw)
    tax_type = f.required("TaxType")
    rate = f.number("EffectiveRate")
    if rate is None:
        rate = f.number("DisplayTaxRate")
    components = [
        {"name": c.text("Name"), "rate": c.number("Rate"), "is_compound": bool(c.flag("IsCompound"))}
        for c in f.objs("TaxComponents")
    ]
    data = {
        "id": refs.hub_id("tax_codes", tax_type),
        "code": tax_type,
        "name": f.text("Name"),
        "status": f.choice("Status", _TAX_STATUSES) or TaxCodeStatus.ACTIVE,
        "sale_tax_rate": rate,
        "purchase_tax_rate": rate,
        "components": components,
    }
    return _mapped("tax_codes", tax_type, _build(TaxCode, data), f)


def tax_code_to_xero(tax_code: TaxCode, refs: Refs) -> Payload:
    """``TaxCode`` -> a Xero TaxRates element (TaxType only for an update: Xero assigns it on create).

    Without components, one component named after the tax carries the sale rate.
    """
    payload: Payload = {}
    _put(payload, "TaxType", _own_id(refs, "tax_codes", tax_code))
    payload["Name"] = tax_code.name
    if tax_code.components:
        payload["TaxComponents"] = [
            {"Name": c.name, "Rate": _num(c.rate), "IsCompound": c.is_compound} for c in tax_code.components
        ]
    elif tax_code.sale_tax_rate is not None:
        payload["TaxComponents"] = [{"Name": tax_code.name, "Rate": _num(tax_code.sale_tax_rate), "IsCompound": False}]
    status = tax_code.status
    if tax_code.deleted_at is not None and status == TaxCodeStatus.ACTIVE:
        status = TaxCodeStatus.DELETED
    payload["Status"] = status.value
    return payload


def account_to_canonical(raw: Raw, refs: Refs) -> Mapped:
    """A Xero account -> ``Account``; ARCHIVED and DELETED accounts come back as tombstones."""
    f = _Fields(raw)
    account_id = f.required("AccountID")
    kind = f.required_choice("Type", _ACCOUNT_TYPES)
    status = f.choice("Status", _ACCOUNT_STATUSES) or AccountStatus.ACTIVE
    number = f.text("BankAccountNumber")
    tax_type = f.text("TaxType")
    data = {
        "id": refs.hub_id("accounts", account_id),
        "code": f.text("Code"),
        "name": f.text("Name"),
        "description": f.text("Description"),
        "type": kind,
        "account_class": f.choice("Class", _ACCOUNT_CLASSES),
        "status": status,
        "currency": f.text("CurrencyCode"),
        "tax_code_id": refs.hub_id("tax_codes", tax_type) if tax_type else None,
        "enable_payments": bool(f.flag("EnablePaymentsToAccount")),
        "bank_account": {"account_number": number} if number else None,
        "updated_at": f.stamp("UpdatedDateUTC"),
        "deleted_at": _deleted_at(f, status in _VOID_ACCOUNT, f"{status.value} account"),
    }
    return _mapped("accounts", account_id, _build(Account, data), f)


def account_to_xero(account: Account, refs: Refs) -> Payload:
    """``Account`` -> a Xero Accounts element; Class is Xero's to derive and is never sent.

    A tombstone is sent as ARCHIVED: deleting an account is its own call (``DELETE /Accounts/{id}``).
    """
    payload: Payload = {}
    _put(payload, "AccountID", _own_id(refs, "accounts", account))
    _put(payload, "Code", account.code)
    payload["Name"] = account.name
    payload["Type"] = account.type.value
    bank = account.type == AccountType.BANK
    if not bank:  # Xero refuses a description on bank accounts
        _put(payload, "Description", account.description)
    if account.bank_account is not None:
        _put(payload, "BankAccountNumber", account.bank_account.account_number)
    _put(payload, "CurrencyCode", account.currency)
    if account.tax_code_id is not None:
        payload["TaxType"] = _remote(refs, "tax_codes", account.tax_code_id, "accounts.tax_code_id")
    payload["EnablePaymentsToAccount"] = account.enable_payments
    archived = account.deleted_at is not None or account.status != AccountStatus.ACTIVE
    payload["Status"] = "ARCHIVED" if archived else "ACTIVE"
    return payload


def _bank_account(f: _Fields | None, refs: Refs, key: str) -> UUID:
    if f is None:
        raise MappingError(f"{key}: missing")
    if f.has("AccountID"):
        return refs.hub_id("accounts", f.required("AccountID"))
    if f.has("Code"):
        return refs.hub_id("accounts:code", f.required("Code"))
    raise MappingError(f"{key}.AccountID: missing")


def bank_transfer_to_canonical(raw: Raw, refs: Refs, currency: str) -> Mapped:
    """A Xero bank transfer -> ``Transfer``, in the source account's currency (else the base ``currency``).

    DELETED transfers (read with ``includeDeleted``) come back as tombstones.
    """
    f = _Fields(raw)
    transfer_id = f.required("BankTransferID")
    status = f.choice("Status", _TRANSFER_STATUSES) or TransferStatus.AUTHORISED
    source = f.obj("FromBankAccount")
    money = ((source.text("CurrencyCode") if source else None) or currency).upper()
    data = {
        "id": refs.hub_id("transfers", transfer_id),
        "status": status,
        "from_account_id": _bank_account(source, refs, "FromBankAccount"),
        "to_account_id": _bank_account(f.obj("ToBankAccount"), refs, "ToBankAccount"),
        "amount": {"currency": money, "total_amount": f.number("Amount")},
        "transaction_date": f.day("Date"),
        "reference": f.text("Reference"),
        "created_at": f.stamp("CreatedDateUTC"),
        "deleted_at": _deleted_at(f, status == TransferStatus.DELETED, "DELETED transfer"),
    }
    return _mapped("transfers", transfer_id, _build(Transfer, data), f)


def transfer_to_xero(transfer: Transfer, refs: Refs) -> Payload:
    """``Transfer`` -> a Xero BankTransfers element; a tombstone already in Xero goes as a deletion."""
    transfer_id = _own_id(refs, "transfers", transfer)
    if transfer.deleted_at is not None or transfer.status == TransferStatus.DELETED:
        if transfer_id is None:
            raise MappingError("transfers.status: DELETED, and the transfer was never in Xero: nothing to send")
        return {"BankTransferID": transfer_id, "Status": "DELETED"}
    total = transfer.amount.total_amount
    if total is None:  # the model refuses this already; kept for the type checker
        raise MappingError("transfers.amount.total_amount: missing")
    payload: Payload = {}
    _put(payload, "BankTransferID", transfer_id)
    payload["FromBankAccount"] = {
        "AccountID": _remote(refs, "accounts", transfer.from_account_id, "transfers.from_account_id")
    }
    payload["ToBankAccount"] = {
        "AccountID": _remote(refs, "accounts", transfer.to_account_id, "transfers.to_account_id")
    }
    payload["Amount"] = _num(total)
    payload["Date"] = format_date(transfer.transaction_date)
    _put(payload, "Reference", transfer.reference)
    return payload


# Pull functions by Xero collection, for callers that dispatch on the endpoint name.
READERS: dict[str, Callable[..., Mapped | list[Mapped]]] = {
    "Organisation": organisation_to_canonical,
    "Contacts": contact_to_canonical,
    "Items": item_to_canonical,
    "Invoices": invoice_to_canonical,
    "PurchaseOrders": purchase_order_to_canonical,
    "Quotes": quote_to_canonical,
    "CreditNotes": credit_note_to_canonical,
    "ManualJournals": manual_journal_to_canonical,
    "Journals": journal_to_canonical,
    "Payments": payment_to_canonical,
    "TaxRates": tax_rate_to_canonical,
    "Accounts": account_to_canonical,
    "BankTransfers": bank_transfer_to_canonical,
}
# Which read functions need the organisation's base currency as a third argument.
NEEDS_CURRENCY = frozenset(
    {"Items", "Invoices", "PurchaseOrders", "Quotes", "CreditNotes", "ManualJournals", "Journals", "Payments"}
    | {"BankTransfers"}
)
