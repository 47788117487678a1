"""Contacts: customers and suppliers, with their people, addresses and phones.

Xero's rules kept here: a Name is required and unique among ACTIVE contacts;
at most 5 ContactPersons; IsCustomer/IsSupplier are read-only (Xero sets
them when a sales or purchase document names the contact, without touching
UpdatedDateUTC); ARCHIVED contacts hide from lists unless
``includeArchived=true``. A POST without ContactID updates the contact with
the same ContactNumber; a document that names an unknown contact by Name
creates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.xero.catalogue import entry
from sandbox.xero.errors import Invalid
from sandbox.xero.resource import Predicate, Reader, Resource, WriteContext, csv_param, is_email, is_guid
from sandbox.xero.settings import subscribed_currencies
from sandbox.xero.store import OrgBook
from sandbox.xero.wire import public

Record = dict[str, Any]

MAX_CONTACT_PERSONS = 5
ADDRESS_TYPES = ("POBOX", "STREET")
PHONE_TYPES = ("DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE")
_ADDRESS_FIELDS = {
    "AddressLine1": 500, "AddressLine2": 500, "AddressLine3": 500, "AddressLine4": 500,
    "City": 255, "Region": 255, "PostalCode": 50, "Country": 50, "AttentionTo": 255,
}  # fmt: skip
_PHONE_FIELDS = {"PhoneNumber": 50, "PhoneAreaCode": 10, "PhoneCountryCode": 20}
_TEXT_FIELDS = {
    "FirstName": 255, "LastName": 255, "EmailAddress": 255, "AccountNumber": 50, "CompanyNumber": 50,
    "TaxNumber": 50, "BankAccountDetails": None, "AccountsReceivableTaxType": None,
    "AccountsPayableTaxType": None, "SalesDefaultAccountCode": None, "PurchasesDefaultAccountCode": None,
}  # fmt: skip
_HEAVY_FIELDS = ("Addresses", "Phones", "ContactPersons", "ContactGroups", "Balances", "PaymentTerms")


def contact_summary(contact: Record) -> Record:
    """The short form of a contact that documents and payments embed."""
    summary: Record = {
        "ContactID": contact["ContactID"],
        "Name": contact["Name"],
        "ContactStatus": contact.get("ContactStatus", "ACTIVE"),
        "Addresses": [],
        "Phones": [],
        "ContactGroups": [],
        "ContactPersons": [],
        "HasValidationErrors": False,
    }
    for key in ("ContactNumber", "EmailAddress", "FirstName", "LastName"):
        if contact.get(key):
            summary[key] = contact[key]
    return summary


def mark_role(book: OrgBook, contact_id: str, role: str) -> None:
    """Set IsCustomer or IsSupplier on a contact; Xero does not move UpdatedDateUTC for this."""
    contact = book.get("Contacts", contact_id)
    if contact is not None and not contact.get(role):
        book.put("Contacts", "ContactID", {**contact, role: True})


def resolve_contact(book: OrgBook, ref: Mapping[str, Any] | None, ctx: WriteContext, contacts: Contacts) -> Record:
    """The contact a document names (by ContactID, ContactNumber or Name); an unknown Name creates one."""
    if ref is None:
        raise Invalid("A Contact must be specified for this type of transaction")
    contact_id = ref.get("ContactID")
    if contact_id is not None:
        found = book.get("Contacts", str(contact_id).lower()) if is_guid(contact_id) else None
        if found is None:
            raise Invalid(f"The contact with ContactID {contact_id} could not be found")
        return found
    number = ref.get("ContactNumber")
    if number:
        record_id = book.find("contact_number", str(number))
        if record_id:
            return book.table("Contacts")[record_id]
    name = ref.get("Name")
    if isinstance(name, str) and name.strip():
        record_id = book.find("contact_name", name.strip())
        if record_id:
            return book.table("Contacts")[record_id]
        fields: Record = {"Name": name.strip()}
        if number:
            fields["ContactNumber"] = number
        return contacts.write(book, fields, WriteContext(ctx.now, ctx.client_id, "PUT"))
    if number:
        raise Invalid(f"The contact with ContactNumber {number} could not be found")
    raise Invalid(
        "The Contact must contain at least 1 of the following elements to identify the contact: "
        "Name, ContactID, ContactNumber"
    )


class Contacts(Resource):
    """The Contacts collection."""

    def number_lookup(self, book: OrgBook, key: str) -> str | None:
        """GET /Contacts/{ContactNumber}."""
        return book.find("contact_number", key)

    def visible(self, record: Record, params: Mapping[str, str]) -> bool:
        """ARCHIVED contacts only with ``includeArchived=true``."""
        if record.get("ContactStatus") == "ARCHIVED":
            return params.get("includeArchived", "").lower() == "true"
        return True

    def param_filter(self, book: OrgBook, params: Mapping[str, str], client_id: str) -> Predicate | None:
        """``IDs`` and ``searchTerm``."""
        tests: list[Predicate] = []
        ids = csv_param(params.get("IDs"))
        if ids:
            wanted = {i.lower() for i in ids}
            tests.append(lambda r: r["ContactID"] in wanted)
        term = params.get("searchTerm", "").strip().casefold()
        if term:
            keys = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")
            tests.append(lambda r: any(term in str(r.get(k) or "").casefold() for k in keys))
        if not tests:
            return None
        return lambda r: all(t(r) for t in tests)

    def view(self, book: OrgBook, record: Record, *, lines: bool = True, summary: bool = False) -> Record:
        """The contact; ``summaryOnly`` leaves out people, addresses and phones."""
        shown = public(record)
        if summary:
            for key in _HEAVY_FIELDS:
                shown.pop(key, None)
        return shown

    def located(self, book: OrgBook, reader: Reader, ctx: WriteContext) -> Record | None:
        """By path or ContactID; a POST without ContactID also matches on ContactNumber."""
        found = super().located(book, reader, ctx)
        if found is None and ctx.method == "POST" and ctx.path_key is None:
            number = reader.element.get("ContactNumber")
            record_id = book.find("contact_number", str(number)) if number else None
            if record_id:
                return book.table(self.name)[record_id]
        return found

    def write(self, book: OrgBook, element: Mapping[str, Any], ctx: WriteContext) -> Record:
        """Create or update one contact."""
        reader = Reader(element)
        existing = self.located(book, reader, ctx)
        record: Record = (
            dict(existing)
            if existing
            else {
                "ContactID": self.new_id(book),
                "ContactStatus": "ACTIVE",
                "IsSupplier": False,
                "IsCustomer": False,
                "Addresses": [],
                "Phones": [],
                "ContactPersons": [],
                "ContactGroups": [],
                "HasAttachments": False,
                "HasValidationErrors": False,
            }
        )
        name = reader.text("Name", max_len=255)
        if name is not None:
            record["Name"] = name.strip()
        if not record.get("Name"):
            reader.fail("A contact Name is required.")
        number = reader.text("ContactNumber", max_len=50)
        if number is not None:
            other = book.find("contact_number", number)
            if other and other != record["ContactID"]:
                reader.fail(f"The contact number {number} is already assigned to another contact.")
            record["ContactNumber"] = number
        for key, limit in _TEXT_FIELDS.items():
            value = reader.text(key, max_len=limit)
            if value is not None:
                record[key] = value
        email = record.get("EmailAddress")
        if reader.has("EmailAddress") and email and not is_email(email):
            reader.fail("Email address must be valid.")
        status = reader.choice("ContactStatus", ("ACTIVE", "ARCHIVED", "GDPRREQUEST"))
        if status == "GDPRREQUEST":
            reader.fail("ContactStatus GDPRREQUEST can only be set in Xero itself.")
        elif status is not None:
            record["ContactStatus"] = status
        currency = reader.text("DefaultCurrency")
        if currency is not None:
            if currency.upper() not in subscribed_currencies(book):
                reader.fail(f"Organisation is not subscribed to currency {currency}")
            record["DefaultCurrency"] = currency.upper()
        persons = reader.objs("ContactPersons")
        if persons is not None:
            record["ContactPersons"] = self._persons(reader, persons)
        addresses = reader.objs("Addresses")
        if addresses is not None:
            record["Addresses"] = self._merge(
                reader, record.get("Addresses", []), addresses, "AddressType", ADDRESS_TYPES, _ADDRESS_FIELDS
            )
        phones = reader.objs("Phones")
        if phones is not None:
            record["Phones"] = self._merge(
                reader, record.get("Phones", []), phones, "PhoneType", PHONE_TYPES, _PHONE_FIELDS
            )
        if record.get("ContactStatus") == "ACTIVE" and record.get("Name"):
            other = book.find("contact_name", record["Name"])
            if other and other != record["ContactID"]:
                reader.fail(
                    f"The contact name {record['Name']} is already assigned to another contact. "
                    "The contact name must be unique across all active contacts."
                )
        reader.check()
        record["UpdatedDateUTC"] = ctx.now
        book.put(self.name, self.id_field, record)
        return record

    @staticmethod
    def _persons(reader: Reader, persons: list[Mapping[str, Any]]) -> list[Record]:
        if len(persons) > MAX_CONTACT_PERSONS:
            reader.fail(f"A contact can have at most {MAX_CONTACT_PERSONS} contact persons; {len(persons)} were given.")
        result: list[Record] = []
        for raw in persons:
            part = Reader(raw)
            person: Record = {}
            for key in ("FirstName", "LastName", "EmailAddress"):
                value = part.text(key, max_len=255)
                if value is not None:
                    person[key] = value
            if person.get("EmailAddress") and not is_email(person["EmailAddress"]):
                reader.fail(f"Contact person email address '{person['EmailAddress']}' must be valid.")
            person["IncludeInEmails"] = bool(part.flag("IncludeInEmails"))
            for message in part.errors:
                reader.fail(message)
            result.append(person)
        return result

    @staticmethod
    def _merge(
        reader: Reader,
        current: list[Record],
        given: list[Mapping[str, Any]],
        type_key: str,
        types: tuple[str, ...],
        fields: Mapping[str, int | None],
    ) -> list[Record]:
        # Xero keeps one entry per type: what is sent replaces the entry of that type.
        merged = {entry[type_key]: entry for entry in current}
        for raw in given:
            part = Reader(raw)
            kind = part.choice(type_key, types) or types[0]
            entry_: Record = {type_key: kind}
            for key, limit in fields.items():
                value = part.text(key, max_len=limit)
                if value is not None:
                    entry_[key] = value
            for message in part.errors:
                reader.fail(message)
            merged[kind] = entry_
        return list(merged.values())


def resources() -> list[Contacts]:
    """The contacts family's resources."""
    return [Contacts(entry("Contacts"))]
