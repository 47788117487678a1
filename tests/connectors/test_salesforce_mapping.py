"""Mapping Salesforce <-> canonical: each object both ways, references, malformed records."""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from connectors.salesforce import EXTERNAL_ID, salesforce_mapper
from connectors.salesforce.mapping import (
    read_account,
    read_contact,
    read_order,
    read_product,
    write_account,
    write_contact,
    write_product,
)
from datashare.model import (
    Address,
    Addresses,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    ItemStatus,
    Organization,
    Person,
    Phone,
)
from datashare.model.mapping import DictRefs, MappingError, WaitingForReference

STAMP = "2026-11-20T10:15:30.000+0000"
AUDIT = {"CreatedDate": "2026-11-01T08:00:00.000+0000", "LastModifiedDate": STAMP, "SystemModstamp": STAMP}

ACCOUNT: dict[str, t.Any] = {
    "attributes": {"type": "Account", "url": "/services/data/v66.0/sobjects/Account/001000000000001AAA"},
    "Id": "001000000000001AAA",
    "Name": "Burlington Textiles",
    "AccountNumber": "CD656092",
    "Phone": "(336) 222-7000",
    "Website": "www.burlington.com",
    "BillingStreet": "525 S. Lexington Ave\nSuite 3",
    "BillingCity": "Burlington",
    "BillingState": "NC",
    "BillingPostalCode": "27215",
    "BillingCountry": "USA",
    "ShippingStreet": None,
    "ShippingCity": None,
    "ShippingState": None,
    "ShippingPostalCode": None,
    "ShippingCountry": None,
    **AUDIT,
}


def test_account_reads_as_an_organization_with_addresses_and_phones() -> None:
    mapped = read_account(ACCOUNT, DictRefs())
    org = mapped.record
    assert isinstance(org, Organization)
    assert (mapped.entity, mapped.remote_id, mapped.remote_version) == ("organizations", ACCOUNT["Id"], STAMP)
    assert mapped.remote_updated_at == datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC)
    assert org.name == "Burlington Textiles"
    assert org.code == "CD656092"
    assert org.phone == Phone(landline="(336) 222-7000")
    assert org.website == "www.burlington.com"
    assert org.address is not None
    assert org.address.shipping is None
    assert org.address.billing == Address(
        line1="525 S. Lexington Ave", line2="Suite 3", city="Burlington", region="NC", postal_code="27215", country="US"
    )
    assert org.is_customer


def test_account_without_a_name_or_with_an_unknown_country_is_rejected_with_the_reason() -> None:
    with pytest.raises(MappingError, match=r"Account 001000000000001AAA: Name is empty"):
        read_account({**ACCOUNT, "Name": " "}, DictRefs())
    with pytest.raises(MappingError, match=r"BillingCountry is not a country we know: 'Atlantis'"):
        read_account({**ACCOUNT, "BillingCountry": "Atlantis"}, DictRefs())
    with pytest.raises(MappingError, match="has no Id"):
        read_account({**ACCOUNT, "Id": None}, DictRefs())


def test_organization_writes_as_an_account_payload_keyed_by_the_hub_id() -> None:
    org = Organization(
        id=uuid4(),
        name="O'Brien \\ Sons",
        code="A-1",
        website="obrien.example",
        phone=Phone(landline="+61 2 1234"),
        address=Addresses(
            billing=Address(line1="1 George St", line2="Level 2", city="Sydney", postal_code="2000", country="AU")
        ),
    )
    payload = write_account(org, DictRefs())
    assert payload[EXTERNAL_ID] == str(org.id)
    assert payload["Name"] == "O'Brien \\ Sons"
    assert payload["AccountNumber"] == "A-1"
    assert payload["Phone"] == "+61 2 1234"
    assert payload["BillingStreet"] == "1 George St\nLevel 2"
    assert payload["BillingCountry"] == "Australia"
    assert payload["ShippingStreet"] is None
    assert payload["ShippingCountry"] is None
    assert "Id" not in payload
    # Read back, the payload gives the same organization.
    again = read_account({**payload, "Id": "001000000000009AAA", **AUDIT}, DictRefs()).record
    assert isinstance(again, Organization)
    assert (again.name, again.address, again.phone) == (org.name, org.address, org.phone)


CONTACT: dict[str, t.Any] = {
    "Id": "003000000000001AAA",
    "AccountId": ACCOUNT["Id"],
    "FirstName": "Rose",
    "LastName": "Gonzalez",
    "Title": "SVP, Procurement",
    "Email": "rose@edge.example",
    "Phone": "(512) 757-6000",
    "MailingCity": "Austin",
    "MailingCountry": "US",
    **AUDIT,
}


def test_contact_reads_as_a_person_linked_to_its_account() -> None:
    refs = DictRefs()
    org_id = refs.hub_id("organizations", ACCOUNT["Id"])
    person = read_contact(CONTACT, refs).record
    assert isinstance(person, Person)
    assert person.organization_id == org_id
    assert (person.first_name, person.last_name, person.job_title) == (
        "Rose",
        "Gonzalez",
        "SVP, Procurement",
    )
    assert person.phone_work == Phone(landline="(512) 757-6000")
    assert person.address_work == Address(city="Austin", country="US")
    unlinked = read_contact({**CONTACT, "AccountId": None}, DictRefs()).record
    assert isinstance(unlinked, Person)
    assert unlinked.organization_id is None


def test_contact_without_any_name_or_email_is_rejected() -> None:
    with pytest.raises(MappingError, match="Contact 003000000000001AAA"):
        read_contact({**CONTACT, "FirstName": None, "LastName": None, "Email": None}, DictRefs())


def test_person_waits_for_its_organization_then_writes_with_the_account_id() -> None:
    org_id, person_id = uuid4(), uuid4()
    person = Person(id=person_id, first_name="Rose", last_name="Gonzalez", organization_id=org_id)
    with pytest.raises(WaitingForReference) as waiting:
        write_contact(person, DictRefs())
    assert waiting.value.target == ("organizations", org_id)
    refs = DictRefs(to_remote={("organizations", org_id): ACCOUNT["Id"]})
    payload = write_contact(person, refs)
    assert payload["AccountId"] == ACCOUNT["Id"]
    assert payload[EXTERNAL_ID] == str(person_id)
    assert payload["LastName"] == "Gonzalez"


def test_person_without_a_last_name_cannot_be_a_contact() -> None:
    with pytest.raises(MappingError, match="needs a last name"):
        write_contact(Person(id=uuid4(), email="x@example.com"), DictRefs())


PRODUCT: dict[str, t.Any] = {
    "Id": "01t000000000001AAA",
    "Name": "GenWatt Diesel 200kW",
    "ProductCode": "GC1020",
    "Description": "Generator",
    "IsActive": True,
    "Family": None,
    "StockKeepingUnit": "SKU-1020",
    "StandardPrice": {"Id": "01u000000000001AAA", "Product2Id": "01t000000000001AAA", "UnitPrice": 5000.5},
    **AUDIT,
}


def test_product_with_its_standard_price_reads_as_an_item() -> None:
    item = read_product(PRODUCT, DictRefs(), "USD").record
    assert isinstance(item, Item)
    assert (item.code, item.name, item.reference, item.status) == (
        "GC1020",
        "GenWatt Diesel 200kW",
        "SKU-1020",
        ItemStatus.ACTIVE,
    )
    assert item.sale_price is not None
    assert (item.sale_price.currency, item.sale_price.net_amount) == ("USD", Decimal("5000.5"))
    no_price = read_product({**PRODUCT, "StandardPrice": None, "IsActive": False}, DictRefs(), "USD").record
    assert isinstance(no_price, Item)
    assert no_price.sale_price is None
    assert no_price.status is ItemStatus.INACTIVE


def test_product_without_a_code_or_currency_is_rejected() -> None:
    with pytest.raises(MappingError, match="ProductCode is empty"):
        read_product({**PRODUCT, "ProductCode": ""}, DictRefs(), "USD")
    with pytest.raises(MappingError, match="CurrencyIsoCode is missing"):
        read_product(PRODUCT, DictRefs(), None)


def test_item_writes_as_a_product2_payload() -> None:
    item = Item(id=uuid4(), code="GC1020", name="Generator", reference="SKU-1020", status=ItemStatus.INACTIVE)
    payload = write_product(item, DictRefs())
    assert payload == {
        EXTERNAL_ID: str(item.id),
        "Name": "Generator",
        "ProductCode": "GC1020",
        "StockKeepingUnit": "SKU-1020",
        "Description": None,
        "IsActive": False,
    }


ORDER: dict[str, t.Any] = {
    "Id": "801000000000001AAA",
    "AccountId": ACCOUNT["Id"],
    "Status": "Activated",
    "EffectiveDate": "2026-11-18",
    "OrderNumber": "00000100",
    "TotalAmount": 10500.0,
    "BillingCity": "Burlington",
    "BillingCountry": "United States",
    "OrderItems": [
        {"Id": "802000000000001AAA", "OrderId": "801000000000001AAA", "Product2Id": PRODUCT["Id"], "Quantity": 2.0,
         "UnitPrice": 5000.0, "TotalPrice": 10000.0, "Description": None},
        {"Id": "802000000000002AAA", "OrderId": "801000000000001AAA", "Product2Id": None, "Quantity": 1.0,
         "UnitPrice": 500.0, "TotalPrice": 500.0, "Description": "Installation"},
    ],
    **AUDIT,
}  # fmt: skip


def test_activated_order_reads_as_an_authorised_customer_invoice_with_lines() -> None:
    refs = DictRefs()
    invoice = read_order(ORDER, refs, "USD").record
    assert isinstance(invoice, Invoice)
    assert (invoice.type, invoice.status) == (InvoiceType.CUSTOMER, DocumentStatus.AUTHORISED)
    assert invoice.transaction_number == "00000100"
    assert invoice.transaction_date == date(2026, 11, 18)
    assert invoice.organization_id == refs.hub_id("organizations", ACCOUNT["Id"])
    assert invoice.billing_address == Address(city="Burlington", country="US")
    assert invoice.amount is not None
    assert invoice.amount.total_amount == Decimal(10500)
    first, second = invoice.lines
    assert first.item_id == refs.hub_id("items", PRODUCT["Id"])
    assert (first.line_number, first.quantity) == (1, Decimal(2))
    assert first.unit_price is not None
    assert first.unit_price.net_amount == Decimal(5000)
    assert second.item_id is None
    assert second.description == "Installation"


def test_draft_order_is_a_draft_and_unknown_statuses_or_negative_quantities_are_rejected() -> None:
    draft = read_order({**ORDER, "Status": "Draft", "OrderItems": []}, DictRefs(), "USD").record
    assert isinstance(draft, Invoice)
    assert draft.status is DocumentStatus.DRAFT
    assert draft.lines == []
    with pytest.raises(MappingError, match=r"Status 'Cancelled' is not a status"):
        read_order({**ORDER, "Status": "Cancelled"}, DictRefs(), "USD")
    bad_line = {**ORDER["OrderItems"][0], "Quantity": -1}
    with pytest.raises(MappingError, match="Order 801000000000001AAA"):
        read_order({**ORDER, "OrderItems": [bad_line]}, DictRefs(), "USD")


def test_mapper_dispatches_by_object_and_uses_the_org_currency() -> None:
    mapper = salesforce_mapper("AUD")
    (mapped,) = mapper("Order", ORDER, DictRefs())
    assert isinstance(mapped.record, Invoice)
    assert mapped.record.currency == "AUD"
    (multi,) = mapper("Order", {**ORDER, "CurrencyIsoCode": "EUR"}, DictRefs())
    assert isinstance(multi.record, Invoice)
    assert multi.record.currency == "EUR"
    assert mapper("Account", ACCOUNT, DictRefs())[0].entity == "organizations"
