"""Xero Accounting <-> canonical mapping: every entity read, every writable one written and read back."""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from connectors.base.mapping import DictRefs, Mapped, MappingError
from connectors.xero import mapping as xm
from datashare.model import (
    Account,
    CanonicalModel,
    CreditNote,
    Invoice,
    Item,
    Journal,
    Organization,
    Payment,
    Person,
    PurchaseOrder,
    TaxCode,
    Transfer,
)
from tests.connectors import xero_fixtures as fx
from tests.connectors.xero_fixtures import UPDATED, UPDATED_AT, hub, known_refs

M = t.TypeVar("M", bound=CanonicalModel)


def _record(mapped: Mapped, model: type[M]) -> M:
    assert isinstance(mapped.record, model)
    return mapped.record


def _changed(record: M, **update: t.Any) -> M:
    """A copy of ``record`` with ``update`` applied and validated, as the hub would hold it."""
    return type(record).model_validate({**record.model_dump(), **update})


def _same(before: CanonicalModel, after: CanonicalModel, *ignored: str) -> None:
    """Equal on every field but those Xero computes or does not carry."""
    skip = {"id", "created_at", "updated_at", *ignored}
    assert after.model_dump(exclude=skip) == before.model_dump(exclude=skip)


# -- Organisation ------------------------------------------------------------------------------


def test_organisation_reads_as_the_company() -> None:
    refs = known_refs()
    mapped = xm.organisation_to_canonical(fx.organisation(), refs)
    company = mapped.record
    assert mapped.entity == "company"
    assert mapped.remote_id == "b2c885a9-4bb9-4a00-9b6e-6c2bf60b1a2b"
    assert company.id == refs.hub_id("company", mapped.remote_id)
    assert company.model_dump(include={"name", "legal_name", "country", "currency", "timezone", "tax_number"}) == {
        "name": "Dev Evangelist - Sid Test 3 (NZ-2016-02)",
        "legal_name": "Dev Evangelist - Sid Test 3 (NZ-2016-02) Limited",
        "country": "NZ",
        "currency": "NZD",
        "timezone": "NEWZEALANDSTANDARDTIME",
        "tax_number": "071-138-054",
    }
    dumped = company.model_dump()
    assert dumped["financial_year_end"] == "03-31"
    assert dumped["website"] == "https://sidtest.example"
    assert dumped["phone"]["landline"] == "04 555-1234"
    assert dumped["address"]["billing"] == {
        "line1": "PO Box 1234",
        "line2": None,
        "city": "Wellington",
        "region": None,
        "postal_code": "6011",
        "country": "NZ",
    }
    assert dumped["address"]["shipping"]["line1"] == "Level 2"
    assert dumped["address"]["shipping"]["line2"] == "15 Allen St"
    assert dumped["is_demo"] is False
    assert dumped["created_at"] == datetime(2016, 2, 18, 20, 29, 53, tzinfo=UTC)


def test_organisation_without_base_currency_is_refused() -> None:
    raw = fx.organisation()
    del raw["BaseCurrency"]
    with pytest.raises(MappingError, match="BaseCurrency: missing"):
        xm.organisation_to_canonical(raw, known_refs())


# -- Contacts -----------------------------------------------------------------------------------


def _contact_records(raw: dict[str, t.Any], refs: DictRefs) -> tuple[Organization, list[Person], list[Mapped]]:
    mapped = xm.contact_to_canonical(raw, refs)
    org = _record(mapped[0], Organization)
    people = [_record(m, Person) for m in mapped[1:]]
    return org, people, mapped


def test_contact_reads_as_an_organization_and_its_people() -> None:
    refs = known_refs()
    org, people, mapped = _contact_records(fx.contact(), refs)
    assert [m.entity for m in mapped] == ["organizations", "people", "people", "people"]
    assert mapped[0].remote_id == fx.CONTACT_ID
    assert org.id == hub("liam")
    assert (org.name, org.code, org.email, org.tax_number, org.currency) == (
        "Oasis Touring Ltd",
        "CUST-042",
        "liam@rockstar.com",
        "12-345-678",
        "USD",
    )
    assert [(p.first_name, p.last_name, p.email, p.is_primary) for p in people] == [
        ("Liam", "Gallagher", "liam@rockstar.com", True),
        ("Noel", "Gallagher", "Noel@Rockstar.com", False),
        ("Bonehead", "Arthurs", None, False),
    ]
    assert all(p.organization_id == hub("liam") for p in people)
    assert [m.remote_id for m in mapped[1:]] == [
        f"{fx.CONTACT_ID}/people/liam@rockstar.com",
        f"{fx.CONTACT_ID}/people/noel@rockstar.com",
        f"{fx.CONTACT_ID}/people/name:bonehead arthurs",
    ]
    assert [p.id for p in people] == [refs.hub_id("people", m.remote_id) for m in mapped[1:]]
    assert all(m.remote_version == UPDATED and m.remote_updated_at == UPDATED_AT for m in mapped)


def test_contact_pobox_address_is_billing_and_street_is_shipping() -> None:
    org, _, _ = _contact_records(fx.contact(), known_refs())
    assert org.address is not None
    assert org.address.model_dump() == {
        "billing": {
            "line1": "PO Box 77",
            "line2": None,
            "city": "Anytown",
            "region": "NY",
            "postal_code": "10101",
            "country": "US",
        },
        "shipping": {
            "line1": "1 Stage Door",
            "line2": "Unit 4, Back entrance",
            "city": "Anytown",
            "region": "NY",
            "postal_code": "10101",
            "country": "US",
        },
    }


def test_contact_phones_land_by_type_with_their_codes() -> None:
    org, _, _ = _contact_records(fx.contact(), known_refs())
    assert org.phone is not None
    assert org.phone.model_dump() == {
        "landline": "212 222-2222",
        "landline2": None,  # the DDI entry is empty
        "mobile": "+1 212 444-3433",
        "fax": "212 333-2233",
    }


@pytest.mark.parametrize(
    ("is_customer", "is_supplier", "expected"),
    [
        (True, False, (True, False)),
        (False, True, (False, True)),
        (True, True, (True, True)),
        # Neither yet (no invoice in Xero): shared as a customer, as the product spec says.
        (False, False, (True, False)),
    ],
)
def test_contact_customer_and_supplier_flags_read_through(
    is_customer: bool, is_supplier: bool, expected: tuple[bool, bool]
) -> None:
    raw = {**fx.contact(), "IsCustomer": is_customer, "IsSupplier": is_supplier}
    org, _, _ = _contact_records(raw, known_refs())
    assert (org.is_customer, org.is_supplier) == expected


@pytest.mark.parametrize("status", ["ARCHIVED", "GDPRREQUEST"])
def test_archived_contact_is_a_tombstone_with_its_people(status: str) -> None:
    org, people, _ = _contact_records({**fx.contact(), "ContactStatus": status}, known_refs())
    assert org.status == "ARCHIVED"
    assert org.deleted_at == UPDATED_AT
    assert all(p.deleted_at == UPDATED_AT and p.status == "ARCHIVED" for p in people)


def test_active_contact_is_not_a_tombstone() -> None:
    org, people, _ = _contact_records(fx.contact(), known_refs())
    assert org.deleted_at is None
    assert all(p.deleted_at is None for p in people)


def test_email_edited_in_xero_makes_a_new_person() -> None:
    refs = known_refs()
    _, before, mapped_before = _contact_records(fx.contact(), refs)
    raw = fx.contact()
    raw["ContactPersons"][0]["EmailAddress"] = "noel@highflyingbirds.com"
    _, after, mapped_after = _contact_records(raw, refs)
    old_ids = {m.remote_id for m in mapped_before}
    new_ids = {m.remote_id for m in mapped_after}
    assert new_ids - old_ids == {f"{fx.CONTACT_ID}/people/noel@highflyingbirds.com"}
    assert old_ids - new_ids == {f"{fx.CONTACT_ID}/people/noel@rockstar.com"}
    assert after[1].id != before[1].id
    assert after[1].organization_id == before[1].organization_id


def test_email_case_change_keeps_the_same_person() -> None:
    raw = fx.contact()
    raw["ContactPersons"][0]["EmailAddress"] = "NOEL@rockstar.COM"
    mapped = xm.contact_to_canonical(raw, known_refs())
    assert mapped[2].remote_id == f"{fx.CONTACT_ID}/people/noel@rockstar.com"


def test_primary_person_listed_again_as_a_contact_person_is_read_once() -> None:
    raw = fx.contact()
    raw["ContactPersons"].append({"FirstName": "Liam", "LastName": "G", "EmailAddress": "LIAM@rockstar.com"})
    _, people, _ = _contact_records(raw, known_refs())
    assert [p.first_name for p in people] == ["Liam", "Noel", "Bonehead"]


def test_contact_without_a_primary_person_gives_only_its_contact_persons() -> None:
    raw = fx.contact()
    for key in ("FirstName", "LastName", "EmailAddress"):
        del raw[key]
    org, people, _ = _contact_records(raw, known_refs())
    assert org.email is None
    assert [p.is_primary for p in people] == [False, False]


def test_person_remote_id_prefers_email_then_name() -> None:
    assert xm.person_remote_id("C1", "Ann", "Lee", " Ann@X.com ") == "C1/people/ann@x.com"
    assert xm.person_remote_id("C1", "Ann", "Van  Lee", None) == "C1/people/name:ann van lee"
    assert xm.person_remote_id("C1", None, None, "") is None


def _person(first: str, email: str | None = None, *, primary: bool = False) -> Person:
    return Person(first_name=first, last_name="Lee", email=email, is_primary=primary, organization_id=hub("liam"))


def _org() -> Organization:
    return Organization.model_validate(
        {
            "id": hub("liam"),
            "name": "Oasis Touring Ltd",
            "code": "CUST-042",
            "email": "office@oasis.example",
            "tax_number": "12-345-678",
            "currency": "USD",
            "is_customer": True,
            "is_supplier": True,
            "phone": {"landline": "+1 212 222-2222", "mobile": "0400 000 000"},
            "address": {
                "billing": {"line1": "PO Box 77", "city": "Anytown", "postal_code": "10101", "country": "US"},
                "shipping": {"line1": "1 Stage Door", "line2": "Unit 4", "region": "NY", "country": "US"},
            },
        }
    )


def test_contact_with_seven_people_sends_five_and_reports_two() -> None:
    people = [_person(f"P{n}", f"p{n}@example.com") for n in range(7)]
    payload, dropped = xm.contact_payload(_org(), people, known_refs())
    assert [p["EmailAddress"] for p in payload["ContactPersons"]] == [f"p{n}@example.com" for n in range(5)]
    assert dropped == people[5:]


def test_contact_primary_person_becomes_the_contacts_own_name_and_email() -> None:
    people = [_person(f"P{n}", f"p{n}@example.com") for n in range(6)]
    people.insert(3, _person("Main", "main@example.com", primary=True))
    payload, dropped = xm.contact_payload(_org(), people, known_refs())
    assert (payload["FirstName"], payload["LastName"], payload["EmailAddress"]) == ("Main", "Lee", "main@example.com")
    assert len(payload["ContactPersons"]) == 5
    assert "main@example.com" not in [p["EmailAddress"] for p in payload["ContactPersons"]]
    assert dropped == [people[-1]]


def test_primary_person_without_email_keeps_their_identity_through_xero() -> None:
    refs = known_refs()
    primary = _person("Main", primary=True)
    payload, _ = xm.contact_payload(_org(), [primary], refs)
    assert payload["EmailAddress"] == ""  # not the organization's office@ address
    mapped = xm.contact_to_canonical(fx.echo(payload, "ContactID", fx.CONTACT_ID), refs)
    assert mapped[1].remote_id == xm.person_remote_id(fx.CONTACT_ID, "Main", "Lee", None)


def test_organization_email_is_the_contacts_when_there_is_no_primary_person() -> None:
    refs = known_refs()
    payload, _ = xm.contact_payload(_org(), [_person("Ann", "ann@example.com")], refs)
    assert payload["EmailAddress"] == "office@oasis.example"
    assert "FirstName" not in payload
    org, people, _ = _contact_records(fx.echo(payload, "ContactID", fx.CONTACT_ID), refs)
    # A mailbox with no name is the business's own address, not a person.
    assert org.email == "office@oasis.example"
    assert [(p.email, p.is_primary) for p in people] == [("ann@example.com", False)]


def test_contact_payload_never_sends_customer_or_supplier_flags() -> None:
    payload, _ = xm.contact_payload(_org(), [], known_refs())
    assert "IsCustomer" not in payload
    assert "IsSupplier" not in payload


def test_contact_payload_updates_a_known_contact_and_creates_an_unknown_one() -> None:
    known, _ = xm.contact_payload(_org(), [], known_refs())
    assert known["ContactID"] == fx.CONTACT_ID
    new_org = _changed(_org(), id=UUID(int=7))
    created, _ = xm.contact_payload(new_org, [], known_refs())
    assert "ContactID" not in created
    assert created["Name"] == "Oasis Touring Ltd"


def test_contact_payload_sends_the_organization_address_and_phones() -> None:
    payload, _ = xm.contact_payload(_org(), [], known_refs())
    assert payload["Addresses"] == [
        {
            "AddressType": "POBOX",
            "AddressLine1": "PO Box 77",
            "AddressLine2": "",
            "AddressLine3": "",
            "AddressLine4": "",
            "City": "Anytown",
            "Region": "",
            "PostalCode": "10101",
            "Country": "United States",
        },
        {
            "AddressType": "STREET",
            "AddressLine1": "1 Stage Door",
            "AddressLine2": "Unit 4",
            "AddressLine3": "",
            "AddressLine4": "",
            "City": "",
            "Region": "NY",
            "PostalCode": "",
            "Country": "United States",
        },
    ]
    assert {p["PhoneType"]: p["PhoneNumber"] for p in payload["Phones"]} == {
        "DEFAULT": "+1 212 222-2222",
        "MOBILE": "0400 000 000",
    }


def test_archived_organization_is_sent_archived() -> None:
    org = _changed(_org(), deleted_at=datetime(2025, 1, 1, tzinfo=UTC))
    payload, _ = xm.contact_payload(org, [], known_refs())
    assert payload["ContactStatus"] == "ARCHIVED"


def test_contact_round_trip_keeps_organization_and_people() -> None:
    refs = known_refs()
    org = _org()
    people = [
        _person("Main", "main@example.com", primary=True),
        _person("Ann", "ann@example.com"),
        _person("Nomail"),
    ]
    payload, dropped = xm.contact_payload(org, people, refs)
    assert dropped == []
    answer = fx.echo(payload, "ContactID", fx.CONTACT_ID, IsCustomer=True, IsSupplier=True)
    back_org, back_people, _ = _contact_records(answer, refs)
    # The organization's own email is the primary person's in Xero: one EmailAddress for both.
    _same(org, back_org, "email")
    assert back_org.email == "main@example.com"
    assert [(p.first_name, p.last_name, p.email, p.is_primary) for p in back_people] == [
        (p.first_name, p.last_name, p.email, p.is_primary) for p in people
    ]
    assert all(p.organization_id == org.id for p in back_people)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ContactID": None}, "ContactID: missing"),
        ({"ContactStatus": "DORMANT"}, "ContactStatus: unknown value"),
        ({"Name": ""}, "organizations.name"),
        ({"DefaultCurrency": "XYZ"}, "unknown currency 'XYZ'"),
        ({"IsCustomer": "maybe"}, "IsCustomer: expected true or false (got 'maybe')"),
    ],
)
def test_malformed_contact_is_refused_with_a_reason(change: dict[str, t.Any], reason: str) -> None:
    with pytest.raises(MappingError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        xm.contact_to_canonical({**fx.contact(), **change}, known_refs())


def test_contact_person_with_a_bad_email_names_the_person() -> None:
    raw = fx.contact()
    raw["ContactPersons"][1]["EmailAddress"] = "bonehead@"
    with pytest.raises(MappingError, match=r"ContactPersons\[1\]: people.email: not an email address"):
        xm.contact_to_canonical(raw, known_refs())


def test_unknown_country_is_refused_with_the_field() -> None:
    raw = fx.contact()
    raw["Addresses"][0]["Country"] = "Atlantis"
    with pytest.raises(MappingError, match=r"Addresses\[0\]\.Country: unknown country.*'Atlantis'"):
        xm.contact_to_canonical(raw, known_refs())


def test_archived_contact_without_update_date_cannot_be_dated() -> None:
    raw = {**fx.contact(), "ContactStatus": "ARCHIVED"}
    del raw["UpdatedDateUTC"]
    with pytest.raises(MappingError, match="UpdatedDateUTC: missing"):
        xm.contact_to_canonical(raw, known_refs())


# -- Items ------------------------------------------------------------------------------------


def test_item_reads_prices_accounts_and_tax_codes_through_refs() -> None:
    mapped = xm.item_to_canonical(fx.item(), known_refs(), "NZD")
    item = _record(mapped, Item)
    assert (mapped.remote_id, item.id) == (fx.ITEM_ID, hub("guitar"))
    assert (item.code, item.name, item.description, item.purchase_description) == (
        "GTR-STRAT",
        "Guitars",
        "Guitars Fender Strat",
        "Fender Strat, bought in",
    )
    assert item.sale_price is not None
    assert item.purchase_price is not None
    assert (item.sale_price.currency, item.sale_price.net_amount) == ("NZD", Decimal("5000"))
    assert item.purchase_price.net_amount == Decimal("2800.5")
    assert item.sale_account_id == hub("sales")
    assert item.purchase_account_id == hub("cogs")  # tracked items name COGSAccountCode
    assert (item.sale_tax_code_id, item.purchase_tax_code_id) == (hub("gst-on-income"), hub("gst-on-expenses"))
    assert (item.is_sold, item.is_purchased, item.is_inventoried) == (True, True, True)
    assert mapped.remote_version == "/Date(1551981476267+0000)/"


def test_item_quantity_on_hand_is_read() -> None:
    item = _record(xm.item_to_canonical(fx.item(), known_refs(), "NZD"), Item)
    assert item.quantity_on_hand == Decimal(5)


def test_item_quantity_on_hand_is_never_written() -> None:
    item = _record(xm.item_to_canonical(fx.item(), known_refs(), "NZD"), Item)
    assert item.quantity_on_hand is not None
    payload = xm.item_to_xero(item, known_refs(), "NZD")
    assert "QuantityOnHand" not in payload
    assert "TotalCostPool" not in payload
    assert "IsTrackedAsInventory" not in payload


def test_item_with_no_purchase_price_sends_no_purchase_unit_price() -> None:
    item = Item(code="SVC-1", name="Gig", is_purchased=True, purchase_account_id=hub("cogs"))
    payload = xm.item_to_xero(item, known_refs(), "NZD")
    assert payload["PurchaseDetails"] == {"AccountCode": "310"}


def test_tracked_item_purchase_account_goes_as_cogs_account_code() -> None:
    item = _record(xm.item_to_canonical(fx.item(), known_refs(), "NZD"), Item)
    payload = xm.item_to_xero(item, known_refs(), "NZD")
    assert payload["PurchaseDetails"] == {"UnitPrice": 2800.5, "COGSAccountCode": "310", "TaxType": "INPUT2"}
    assert payload["SalesDetails"] == {"UnitPrice": 5000, "AccountCode": "200", "TaxType": "OUTPUT2"}
    assert payload["ItemID"] == fx.ITEM_ID


def test_item_round_trip() -> None:
    refs = known_refs()
    item = Item.model_validate(
        {
            "id": hub("guitar"),
            "code": "GTR-STRAT",
            "name": "Guitars",
            "description": "Fender Strat",
            "purchase_description": "Bought in",
            "is_sold": True,
            "is_purchased": True,
            "sale_price": {"currency": "NZD", "net_amount": "5000.25"},
            "purchase_price": {"currency": "NZD", "net_amount": "2800.5"},
            "sale_account_id": hub("sales"),
            "purchase_account_id": hub("cogs"),
            "sale_tax_code_id": hub("gst-on-income"),
            "purchase_tax_code_id": hub("gst-on-expenses"),
        }
    )
    payload = xm.item_to_xero(item, refs, "NZD")
    back = _record(xm.item_to_canonical(fx.echo(payload, "ItemID", fx.ITEM_ID), refs, "NZD"), Item)
    _same(item, back)


def test_item_price_in_another_currency_is_refused() -> None:
    item = Item.model_validate({"code": "X", "sale_price": {"currency": "USD", "net_amount": "1"}})
    with pytest.raises(MappingError, match="base currency NZD, this one is in USD"):
        xm.item_to_xero(item, known_refs(), "NZD")


def test_item_with_an_unparseable_price_is_refused() -> None:
    raw = fx.item()
    raw["SalesDetails"]["UnitPrice"] = "five thousand"
    with pytest.raises(MappingError, match=r"SalesDetails\.UnitPrice: not a number \(got 'five thousand'\)"):
        xm.item_to_canonical(raw, known_refs(), "NZD")


def test_item_without_a_code_is_refused() -> None:
    raw = fx.item()
    del raw["Code"]
    with pytest.raises(MappingError, match=r"items\.code"):
        xm.item_to_canonical(raw, known_refs(), "NZD")


# -- Invoices ---------------------------------------------------------------------------------


def _invoice(raw: dict[str, t.Any] | None = None, refs: DictRefs | None = None) -> tuple[Invoice, Mapped]:
    mapped = xm.invoice_to_canonical(raw or fx.invoice(), refs or known_refs(), "NZD")
    return _record(mapped, Invoice), mapped


def test_invoice_header_lands_in_canonical_fields() -> None:
    invoice, mapped = _invoice()
    assert (mapped.entity, mapped.remote_id, invoice.id) == ("invoices", fx.INVOICE_ID, hub("inv-0002"))
    assert (invoice.type, invoice.status) == ("CUSTOMER", "AUTHORISED")
    assert (invoice.transaction_number, invoice.reference) == ("INV-0002", "Red Fish, Blue Fish")
    assert (invoice.transaction_date, invoice.due_date) == (date(2018, 10, 20), date(2018, 12, 30))
    assert invoice.organization_id == hub("barney")
    assert invoice.line_amount_type == "EXCLUSIVE"
    assert invoice.amount is not None
    assert invoice.amount.model_dump() == {
        "currency": "USD",
        "net_amount": Decimal("40"),
        "tax_amount": Decimal("6"),
        "total_amount": Decimal("46"),
        "tax_rate": None,
    }
    assert (invoice.balance, invoice.amount_paid) == (Decimal(20), Decimal(26))
    assert invoice.deleted_at is None
    assert mapped.remote_version == "/Date(1541176592690+0000)/"
    assert mapped.remote_updated_at == datetime(2018, 11, 2, 16, 36, 32, 690000, tzinfo=UTC)


def test_invoice_lines_resolve_items_accounts_and_tax_codes_by_code() -> None:
    invoice, _ = _invoice()
    line = invoice.lines[0]
    assert (line.line_number, line.description, line.quantity) == (1, "Fender Strat", Decimal(2))
    assert line.unit_price is not None
    assert line.total_price is not None
    assert line.unit_price.net_amount == Decimal(25)
    assert (line.total_price.net_amount, line.total_price.tax_amount, line.total_price.total_amount) == (
        Decimal(45),
        Decimal("6.75"),
        Decimal("51.75"),
    )
    assert (line.item_id, line.account_id, line.tax_code_id) == (hub("guitar"), hub("sales"), hub("gst-on-income"))
    assert line.reduction_percent == Decimal(10)


def test_negative_line_quantity_becomes_a_negative_unit_price() -> None:
    invoice, _ = _invoice()
    line = invoice.lines[1]
    assert line.quantity == Decimal(1)
    assert line.unit_price is not None
    assert line.total_price is not None
    assert line.unit_price.net_amount == Decimal(-5)
    assert line.total_price.net_amount == Decimal(-5)


def test_negative_quantity_with_negative_price_keeps_the_line_amount() -> None:
    raw = fx.invoice()
    raw["LineItems"][1].update({"Quantity": -2.0, "UnitAmount": -2.5, "LineAmount": 5.0, "TaxAmount": 0.75})
    raw.update({"SubTotal": 50.0, "TotalTax": 7.5, "Total": 57.5})
    line = _invoice(raw)[0].lines[1]
    assert line.unit_price is not None
    assert (line.quantity, line.unit_price.net_amount) == (Decimal(2), Decimal("2.5"))


def test_foreign_currency_invoice_keeps_currency_and_rate() -> None:
    invoice, _ = _invoice()
    assert (invoice.currency, invoice.currency_rate) == ("USD", Decimal("0.625"))


def test_base_currency_invoice_reads_without_a_rate() -> None:
    invoice, _ = _invoice(fx.voided_invoice())
    assert invoice.currency == "NZD"
    assert invoice.currency_rate is None


def test_invoice_without_currency_code_is_in_the_base_currency() -> None:
    raw = fx.voided_invoice()
    del raw["CurrencyCode"]
    invoice, _ = _invoice(raw)
    assert invoice.currency == "NZD"


@pytest.mark.parametrize("status", ["VOIDED", "DELETED"])
def test_voided_and_deleted_invoices_are_tombstones(status: str) -> None:
    invoice, _ = _invoice({**fx.voided_invoice(), "Status": status})
    assert invoice.status == status
    assert invoice.deleted_at == datetime(2018, 11, 2, 16, 31, 30, 160000, tzinfo=UTC)


@pytest.mark.parametrize("status", ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID"])
def test_live_invoices_are_not_tombstones(status: str) -> None:
    invoice, _ = _invoice({**fx.voided_invoice(), "Status": status})
    assert invoice.deleted_at is None


def test_invoice_payload_carries_currency_and_rate_when_the_hub_has_one() -> None:
    invoice, _ = _invoice()
    payload = xm.invoice_to_xero(invoice, known_refs())
    assert (payload["CurrencyCode"], payload["CurrencyRate"]) == ("USD", 0.625)


def test_invoice_payload_omits_an_unknown_rate_rather_than_sending_one() -> None:
    invoice = _changed(_invoice()[0], currency_rate=None)
    payload = xm.invoice_to_xero(invoice, known_refs())
    assert payload["CurrencyCode"] == "USD"
    assert "CurrencyRate" not in payload


def test_invoice_payload_shape() -> None:
    invoice, _ = _invoice()
    payload = xm.invoice_to_xero(invoice, known_refs())
    assert payload["Type"] == "ACCREC"
    assert payload["InvoiceID"] == fx.INVOICE_ID
    assert payload["Contact"] == {"ContactID": fx.BARNEY_ID}
    assert (payload["Date"], payload["DueDate"]) == ("2018-10-20", "2018-12-30")
    assert payload["LineAmountTypes"] == "Exclusive"
    assert payload["Status"] == "AUTHORISED"
    assert payload["LineItems"][0] == {
        "Description": "Fender Strat",
        "Quantity": 2,
        "UnitAmount": 25,
        "TaxAmount": 6.75,
        "ItemCode": "GTR-STRAT",
        "AccountCode": "200",
        "TaxType": "OUTPUT2",
        "DiscountRate": 10,
    }
    # What Xero works out itself is never sent.
    for key in ("SubTotal", "TotalTax", "Total", "AmountDue", "AmountPaid", "UpdatedDateUTC"):
        assert key not in payload


def test_paid_invoice_is_sent_as_authorised_and_a_tombstone_as_voided() -> None:
    invoice, _ = _invoice()
    assert xm.invoice_to_xero(_changed(invoice, status="PAID"), known_refs())["Status"] == "AUTHORISED"
    gone = _changed(invoice, deleted_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert xm.invoice_to_xero(gone, known_refs())["Status"] == "VOIDED"
    draft = _changed(invoice, status="DRAFT", deleted_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert xm.invoice_to_xero(draft, known_refs())["Status"] == "DELETED"


def test_invoice_round_trip_multi_currency() -> None:
    refs = known_refs()
    invoice, _ = _invoice()
    payload = xm.invoice_to_xero(invoice, refs)
    answer = fx.echo(payload, "InvoiceID", fx.INVOICE_ID, SubTotal=40.0, TotalTax=6.0, Total=46.0)
    answer.update(AmountDue=20.0, AmountPaid=26.0)
    back, _ = _invoice(answer, refs)
    _same(invoice, back)


def test_invoice_round_trip_without_rate_stays_without_rate() -> None:
    refs = known_refs()
    invoice = _changed(_invoice()[0], currency_rate=None)
    answer = fx.echo(xm.invoice_to_xero(invoice, refs), "InvoiceID", fx.INVOICE_ID)
    # Xero fills in the day's rate; the hub then learns it, it never made one up.
    answer["CurrencyRate"] = 0.6311
    back, _ = _invoice(answer, refs)
    assert back.currency_rate == Decimal("0.6311")


def test_line_on_an_account_without_a_code_names_it_by_account_id() -> None:
    refs = known_refs()
    del refs.to_remote[("accounts:code", hub("bank"))]  # bank accounts may have no code in Xero
    invoice = _invoice()[0]
    lines = [line.model_dump() for line in invoice.lines]
    lines[0]["account_id"] = hub("bank")
    line = xm.invoice_to_xero(_changed(invoice, lines=lines), refs)["LineItems"][0]
    assert line["AccountID"] == fx.BANK_ACCOUNT_ID
    assert "AccountCode" not in line


def test_item_on_an_item_not_in_xero_waits() -> None:
    invoice = _invoice()[0]
    lines = [line.model_dump() for line in invoice.lines]
    lines[0]["item_id"] = UUID(int=3)
    with pytest.raises(MappingError, match=r"lines\[0\]\.item_id: .* is not in Xero yet"):
        xm.invoice_to_xero(_changed(invoice, lines=lines), known_refs())


def test_invoice_to_a_contact_not_yet_in_xero_waits() -> None:
    invoice = _changed(_invoice()[0], organization_id=UUID(int=99))
    with pytest.raises(MappingError, match=r"organization_id: the referenced organizations record .* is not in Xero"):
        xm.invoice_to_xero(invoice, known_refs())


def test_invoice_without_a_contact_cannot_be_written() -> None:
    invoice = _changed(_invoice()[0], organization_id=None)
    with pytest.raises(MappingError, match="Xero needs a Contact"):
        xm.invoice_to_xero(invoice, known_refs())


def test_tax_inclusive_line_needs_a_gross_unit_price() -> None:
    invoice = _changed(_invoice()[0], line_amount_type="INCLUSIVE")
    with pytest.raises(
        MappingError,
        match=r"invoices\.lines\[0\]\.unit_price: line amounts are INCLUSIVE, so the unit price needs its total_amount",
    ):
        xm.invoice_to_xero(invoice, known_refs())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"InvoiceID": ""}, "InvoiceID: missing"),
        ({"Type": "ACCRECCREDIT"}, "Type: unknown value, expected one of ACCREC, ACCPAY (got 'ACCRECCREDIT')"),
        ({"Type": None}, "Type: missing"),
        ({"Status": "PENDING"}, "Status: unknown value"),
        ({"LineAmountTypes": "Gross"}, "LineAmountTypes: unknown value"),
        ({"DueDate": "/Date(oops)/"}, "DueDate: malformed MS JSON date (got '/Date(oops)/')"),
        ({"Total": "NaN"}, "Total: not a finite number (got 'NaN')"),
        ({"Total": True}, "Total: not a number (got True)"),
        ({"DueDate": "/Date(1500000000000+0000)/"}, "due date 2017-07-14 is before the invoice date 2018-10-20"),
        ({"CurrencyCode": "ZZZ"}, "unknown currency 'ZZZ'"),
        ({"Contact": "Barney"}, "Contact: expected a JSON object (got 'Barney')"),
        ({"LineItems": {"Quantity": 1}}, "LineItems: expected a list"),
    ],
)
def test_malformed_invoice_is_refused_with_a_reason(change: dict[str, t.Any], reason: str) -> None:
    with pytest.raises(MappingError) as caught:
        _invoice({**fx.invoice(), **change})
    assert reason in str(caught.value)


def test_bad_line_value_names_the_line() -> None:
    raw = fx.invoice()
    raw["LineItems"][1]["Quantity"] = "two"
    with pytest.raises(MappingError, match=r"LineItems\[1\]\.Quantity: not a number \(got 'two'\)"):
        _invoice(raw)


# -- Purchase orders ----------------------------------------------------------------------------


def test_purchase_order_reads_header_lines_and_delivery() -> None:
    mapped = xm.purchase_order_to_canonical(fx.purchase_order(), known_refs(), "NZD")
    order = _record(mapped, PurchaseOrder)
    assert (order.transaction_number, order.reference, order.status) == ("PO-0007", "Strings", "AUTHORISED")
    assert order.organization_id == hub("liam")
    assert (order.transaction_date, order.delivery_date, order.expected_arrival_date) == (
        date(2019, 3, 11),
        date(2019, 3, 18),
        date(2019, 3, 19),
    )
    assert order.delivery_address is not None
    assert (order.delivery_address.line1, order.delivery_address.line2) == (
        "23 Main Street",
        "Central City, Marineville 12345",
    )
    assert order.delivery_instructions == "Leave at the stage door"
    assert (order.currency, order.currency_rate, order.line_amount_type) == ("NZD", None, "INCLUSIVE")
    line = order.lines[0]
    assert line.unit_price is not None
    assert line.total_price is not None
    # Tax-inclusive: the unit price is gross, the line's net is the amount less its tax.
    assert (line.unit_price.total_amount, line.unit_price.net_amount) == (Decimal("11.5"), None)
    assert (line.total_price.net_amount, line.total_price.tax_amount, line.total_price.total_amount) == (
        Decimal(100),
        Decimal(15),
        Decimal(115),
    )
    assert line.account_id == hub("cogs")


def test_deleted_purchase_order_is_a_tombstone() -> None:
    raw = {**fx.purchase_order(), "Status": "DELETED"}
    order = _record(xm.purchase_order_to_canonical(raw, known_refs(), "NZD"), PurchaseOrder)
    assert order.deleted_at == datetime(2019, 3, 12, 2, 19, 48, 83000, tzinfo=UTC)


def test_purchase_order_round_trip() -> None:
    refs = known_refs()
    order = _record(xm.purchase_order_to_canonical(fx.purchase_order(), refs, "NZD"), PurchaseOrder)
    payload = xm.purchase_order_to_xero(order, refs)
    assert payload["DeliveryAddress"] == "23 Main Street\nCentral City, Marineville 12345"
    assert payload["LineItems"][0]["UnitAmount"] == 11.5
    assert "AttentionTo" not in payload
    answer = fx.echo(payload, "PurchaseOrderID", "44d3f8a9-7ca9-4b1d-87ea-8c4b0e1d5a61", SubTotal=100, TotalTax=15)
    answer["Total"] = 115
    back = _record(xm.purchase_order_to_canonical(answer, refs, "NZD"), PurchaseOrder)
    _same(order, back)


def test_billed_purchase_order_is_sent_as_authorised() -> None:
    order = _record(xm.purchase_order_to_canonical(fx.purchase_order(), known_refs(), "NZD"), PurchaseOrder)
    payload = xm.purchase_order_to_xero(_changed(order, status="BILLED"), known_refs())
    assert payload["Status"] == "AUTHORISED"


# -- Credit notes ---------------------------------------------------------------------------------


def test_credit_note_reads_type_remaining_credit_and_allocations() -> None:
    mapped = xm.credit_note_to_canonical(fx.credit_note(), known_refs(), "NZD")
    note = _record(mapped, CreditNote)
    assert (mapped.remote_id, note.id) == (fx.CREDIT_NOTE_ID, hub("cn-0005"))
    assert (note.type, note.status, note.transaction_number) == ("CUSTOMER", "AUTHORISED", "CN-0005")
    assert note.remaining_credit == Decimal("32.5")
    assert note.organization_id == hub("liam")
    assert [a.model_dump() for a in note.allocations] == [
        {"invoice_id": str(hub("inv-0002")), "amount": Decimal(2), "transaction_date": date(2019, 3, 14)}
    ]
    assert note.lines[0].tax_code_id == hub("gst-on-income")


def test_supplier_credit_note_type() -> None:
    raw = {**fx.credit_note(), "Type": "ACCPAYCREDIT"}
    assert _record(xm.credit_note_to_canonical(raw, known_refs(), "NZD"), CreditNote).type == "SUPPLIER"


def test_deleted_allocations_are_left_out() -> None:
    raw = fx.credit_note()
    raw["Allocations"][0]["IsDeleted"] = True
    assert _record(xm.credit_note_to_canonical(raw, known_refs(), "NZD"), CreditNote).allocations == []


def test_voided_credit_note_is_a_tombstone() -> None:
    raw = {**fx.credit_note(), "Status": "VOIDED"}
    note = _record(xm.credit_note_to_canonical(raw, known_refs(), "NZD"), CreditNote)
    assert note.deleted_at == datetime(2019, 3, 5, 18, 59, 6, 173000, tzinfo=UTC)


def test_credit_note_round_trip_with_allocations() -> None:
    refs = known_refs()
    note = _record(xm.credit_note_to_canonical(fx.credit_note(), refs, "NZD"), CreditNote)
    payload = xm.credit_note_to_xero(note, refs)
    assert payload["Type"] == "ACCRECCREDIT"
    assert "RemainingCredit" not in payload
    allocations = xm.credit_note_allocations_to_xero(note, refs)
    assert allocations == [{"Invoice": {"InvoiceID": fx.INVOICE_ID}, "Amount": 2, "Date": "2019-03-14"}]
    answer = fx.echo(payload, "CreditNoteID", fx.CREDIT_NOTE_ID, SubTotal=30, TotalTax=4.5, Total=34.5)
    answer["RemainingCredit"] = 32.5
    answer["Allocations"] = [{**allocations[0], "Date": fx.msdate(date(2019, 3, 14))}]
    back = _record(xm.credit_note_to_canonical(answer, refs, "NZD"), CreditNote)
    _same(note, back)


def test_allocation_to_an_invoice_not_in_xero_waits() -> None:
    note = _record(xm.credit_note_to_canonical(fx.credit_note(), known_refs(), "NZD"), CreditNote)
    note.allocations[0].invoice_id = UUID(int=5)
    with pytest.raises(MappingError, match=r"allocations\[0\]\.invoice_id: the referenced invoices record"):
        xm.credit_note_allocations_to_xero(note, known_refs())


# -- Journals -------------------------------------------------------------------------------------


def test_manual_journal_reads_debits_and_credits() -> None:
    mapped = xm.manual_journal_to_canonical(fx.manual_journal(), known_refs(), "NZD")
    journal = _record(mapped, Journal)
    assert (journal.type, journal.status, journal.narration) == ("MANUAL", "POSTED", "Reclassify the stage hire")
    assert (journal.transaction_date, journal.currency) == (date(2019, 3, 21), "NZD")
    assert [(ln.account_id, ln.net_amount, ln.tax_amount, ln.gross_amount) for ln in journal.lines] == [
        (hub("sales"), Decimal(100), Decimal(15), Decimal(115)),
        (hub("bank"), Decimal(-115), Decimal(0), Decimal(-115)),
    ]
    assert journal.lines[0].tax_code_id == hub("gst-on-income")


def test_tax_inclusive_manual_journal_line_takes_the_tax_out() -> None:
    raw = fx.manual_journal()
    raw["LineAmountTypes"] = "Inclusive"
    raw["JournalLines"][0].update({"LineAmount": 115.0, "TaxAmount": 15.0})
    line = _record(xm.manual_journal_to_canonical(raw, known_refs(), "NZD"), Journal).lines[0]
    assert (line.net_amount, line.tax_amount, line.gross_amount) == (Decimal(100), Decimal(15), Decimal(115))


@pytest.mark.parametrize("status", ["VOIDED", "DELETED", "ARCHIVED"])
def test_voided_manual_journal_is_a_tombstone(status: str) -> None:
    raw = {**fx.manual_journal(), "Status": status}
    journal = _record(xm.manual_journal_to_canonical(raw, known_refs(), "NZD"), Journal)
    assert journal.deleted_at is not None


def test_unbalanced_posted_manual_journal_is_refused() -> None:
    raw = fx.manual_journal()
    raw["JournalLines"][1]["LineAmount"] = -100.0
    with pytest.raises(MappingError, match="journal lines do not balance"):
        xm.manual_journal_to_canonical(raw, known_refs(), "NZD")


def test_manual_journal_round_trip() -> None:
    refs = known_refs()
    journal = _record(xm.manual_journal_to_canonical(fx.manual_journal(), refs, "NZD"), Journal)
    payload = xm.journal_to_xero(journal, refs, "NZD")
    assert payload["LineAmountTypes"] == "Exclusive"
    assert payload["Status"] == "POSTED"
    assert payload["JournalLines"][1] == {
        "LineAmount": -115,
        "AccountCode": "090",
        "Description": "Paid from the bank",
        "TaxType": "NONE",
    }
    answer = fx.echo(payload, "ManualJournalID", "0b159335-606b-485f-b51b-97b3b32bad32")
    answer["JournalLines"][0]["TaxAmount"] = 15.0  # Xero works the tax out from the TaxType
    back = _record(xm.manual_journal_to_canonical(answer, refs, "NZD"), Journal)
    _same(journal, back)


def test_manual_journal_without_tax_is_sent_as_no_tax() -> None:
    journal = Journal.model_validate(
        {
            "type": "MANUAL",
            "narration": "Owner funds",
            "transaction_date": date(2025, 3, 1),
            "currency": "NZD",
            "lines": [
                {"account_id": hub("bank"), "net_amount": "50"},
                {"account_id": hub("savings"), "net_amount": "-50"},
            ],
        }
    )
    assert xm.journal_to_xero(journal, known_refs(), "NZD")["LineAmountTypes"] == "NoTax"


def test_generated_journal_cannot_be_written() -> None:
    journal = _record(xm.journal_to_canonical(fx.journal(), known_refs(), "NZD"), Journal)
    with pytest.raises(MappingError, match="only MANUAL journals"):
        xm.journal_to_xero(journal, known_refs(), "NZD")


def test_manual_journal_in_a_foreign_currency_is_refused() -> None:
    journal = _record(xm.manual_journal_to_canonical(fx.manual_journal(), known_refs(), "NZD"), Journal)
    with pytest.raises(MappingError, match="base currency AUD"):
        xm.journal_to_xero(journal, known_refs(), "AUD")


def test_generated_journal_reads_number_source_and_accounts_by_id() -> None:
    mapped = xm.journal_to_canonical(fx.journal(), known_refs(), "NZD")
    journal = _record(mapped, Journal)
    assert (journal.type, journal.status, journal.transaction_number) == ("GENERATED", "POSTED", "9")
    assert (journal.source_type, journal.reference, journal.transaction_date) == (
        "ACCREC",
        "Red Fish, Blue Fish",
        date(2018, 10, 20),
    )
    assert [ln.account_id for ln in journal.lines] == [hub("receivable"), hub("sales"), hub("gst-account")]
    assert [ln.account_code for ln in journal.lines] == ["610", "200", "820"]
    assert mapped.remote_version == "/Date(1541176504083+0000)/"


def test_generated_journal_keeps_each_lines_tax_and_balances_on_net() -> None:
    journal = _record(xm.journal_to_canonical(fx.journal(), known_refs(), "NZD"), Journal)
    sales = journal.lines[1]
    assert (sales.net_amount, sales.gross_amount, sales.tax_amount) == (Decimal(-40), Decimal(-46), Decimal(-6))
    assert sum(line.net_amount for line in journal.lines) == 0
    assert sales.tax_code_id == hub("gst-on-income")


def test_journal_line_without_net_amount_is_refused() -> None:
    raw = fx.journal()
    del raw["JournalLines"][2]["NetAmount"]
    with pytest.raises(MappingError, match=r"JournalLines\[2\]\.NetAmount: missing"):
        xm.journal_to_canonical(raw, known_refs(), "NZD")


# -- Payments -------------------------------------------------------------------------------------


def test_payment_on_an_invoice_reads_account_amount_and_rate() -> None:
    mapped = xm.payment_to_canonical(fx.payment(), known_refs(), "NZD")
    payment = _record(mapped, Payment)
    assert (payment.type, payment.status, payment.transaction_number) == ("CUSTOMER", "AUTHORISED", "DD 0042")
    assert payment.transaction_date == date(2018, 11, 29)
    assert payment.account_id == hub("bank")
    assert payment.organization_id == hub("barney")
    assert (payment.amount.currency, payment.amount.total_amount) == ("USD", Decimal(26))
    assert payment.currency_rate == Decimal("0.625")
    assert payment.is_reconciled is True
    assert [ln.model_dump() for ln in payment.payment_lines] == [
        {"amount": Decimal(26), "invoice_id": str(hub("inv-0002")), "credit_note_id": None}
    ]


def test_credit_note_refund_listed_under_invoice_is_a_credit_note_line() -> None:
    payment = _record(xm.payment_to_canonical(fx.credit_note_payment(), known_refs(), "NZD"), Payment)
    line = payment.payment_lines[0]
    assert (line.invoice_id, line.credit_note_id) == (None, hub("cn-0005"))
    assert payment.type == "CUSTOMER"
    assert payment.currency_rate is None  # base currency


def test_payment_naming_its_credit_note_directly() -> None:
    raw = fx.credit_note_payment()
    raw["CreditNote"] = {"CreditNoteID": fx.CREDIT_NOTE_ID, "Type": "ACCPAYCREDIT"}
    del raw["Invoice"]
    del raw["PaymentType"]
    payment = _record(xm.payment_to_canonical(raw, known_refs(), "NZD"), Payment)
    assert payment.payment_lines[0].credit_note_id == hub("cn-0005")
    assert payment.type == "SUPPLIER"


@pytest.mark.parametrize(("xero", "canonical"), [("ACCPAYPAYMENT", "SUPPLIER"), ("APCREDITPAYMENT", "SUPPLIER")])
def test_payment_types(xero: str, canonical: str) -> None:
    raw = {**fx.payment(), "PaymentType": xero}
    assert _record(xm.payment_to_canonical(raw, known_refs(), "NZD"), Payment).type == canonical


def test_deleted_payment_is_a_tombstone() -> None:
    raw = {**fx.payment(), "Status": "DELETED"}
    payment = _record(xm.payment_to_canonical(raw, known_refs(), "NZD"), Payment)
    assert payment.status == "DELETED"
    assert payment.deleted_at == datetime(2018, 11, 2, 16, 36, 32, 690000, tzinfo=UTC)


def test_payment_on_a_prepayment_is_not_shared() -> None:
    raw = fx.payment()
    del raw["Invoice"]
    raw["Prepayment"] = {"PrepaymentID": "aea95d78-ea48-456b-9b08-6bc012600072"}
    with pytest.raises(MappingError, match="Prepayment: payments on prepayments are not shared"):
        xm.payment_to_canonical(raw, known_refs(), "NZD")


def test_payment_round_trip_multi_currency() -> None:
    refs = known_refs()
    payment = _record(xm.payment_to_canonical(fx.payment(), refs, "NZD"), Payment)
    payload = xm.payment_to_xero(_changed(payment, id=UUID(int=1)), refs)
    assert payload == {
        "Invoice": {"InvoiceID": fx.INVOICE_ID},
        "Account": {"AccountID": fx.BANK_ACCOUNT_ID},
        "Date": "2018-11-29",
        "Amount": 26,
        "CurrencyRate": 0.625,
        "Reference": "DD 0042",
        "IsReconciled": True,
    }
    answer = fx.echo(payload, "PaymentID", "99ea7f6b-c513-4066-bc27-b7c65dcd76c2", PaymentType="ACCRECPAYMENT")
    answer["Invoice"] = fx.payment()["Invoice"]  # Xero answers with the invoice in full
    back = _record(xm.payment_to_canonical(answer, refs, "NZD"), Payment)
    _same(payment, back)


def test_payment_without_a_rate_sends_none() -> None:
    payment = _record(xm.payment_to_canonical(fx.payment(), known_refs(), "NZD"), Payment)
    payload = xm.payment_to_xero(_changed(payment, id=None, currency_rate=None), known_refs())
    assert "CurrencyRate" not in payload


def test_deleted_payment_is_sent_as_a_deletion() -> None:
    refs = known_refs()
    raw = {**fx.payment(), "Status": "DELETED"}
    payment = _record(xm.payment_to_canonical(raw, refs, "NZD"), Payment)
    assert xm.payment_to_xero(payment, refs) == {"PaymentID": raw["PaymentID"], "Status": "DELETED"}


def test_payment_split_over_two_invoices_is_refused() -> None:
    payment = _record(xm.payment_to_canonical(fx.payment(), known_refs(), "NZD"), Payment)
    two = _changed(payment, id=None, payment_lines=payment.payment_lines * 2)
    with pytest.raises(MappingError, match="one invoice or credit note \\(got 2 lines\\)"):
        xm.payment_to_xero(two, known_refs())


def test_payment_without_an_account_is_refused() -> None:
    payment = _record(xm.payment_to_canonical(fx.payment(), known_refs(), "NZD"), Payment)
    with pytest.raises(MappingError, match="account_id: missing"):
        xm.payment_to_xero(_changed(payment, id=None, account_id=None), known_refs())


# -- Tax rates --------------------------------------------------------------------------------------


def test_tax_rate_reads_with_tax_type_as_code_and_remote_id() -> None:
    mapped = xm.tax_rate_to_canonical(fx.tax_rate(), known_refs())
    tax = _record(mapped, TaxCode)
    assert (mapped.remote_id, tax.id, tax.code) == ("OUTPUT2", hub("gst-on-income"), "OUTPUT2")
    assert (tax.name, tax.status, tax.sale_tax_rate) == ("15% GST on Income", "ACTIVE", Decimal(15))
    assert [c.model_dump() for c in tax.components] == [{"name": "GST", "rate": Decimal(15), "is_compound": False}]
    assert mapped.remote_version is None  # TaxRates carry no timestamp


def test_tax_rate_falls_back_to_the_display_rate() -> None:
    raw = fx.tax_rate()
    del raw["EffectiveRate"]
    raw["DisplayTaxRate"] = 12.5
    assert _record(xm.tax_rate_to_canonical(raw, known_refs()), TaxCode).sale_tax_rate == Decimal("12.5")


def test_tax_code_round_trip() -> None:
    refs = known_refs()
    tax = _record(xm.tax_rate_to_canonical(fx.tax_rate(), refs), TaxCode)
    payload = xm.tax_code_to_xero(tax, refs)
    assert payload == {
        "TaxType": "OUTPUT2",
        "Name": "15% GST on Income",
        "TaxComponents": [{"Name": "GST", "Rate": 15, "IsCompound": False}],
        "Status": "ACTIVE",
    }
    back = _record(xm.tax_rate_to_canonical({**payload, "EffectiveRate": 15.0}, refs), TaxCode)
    _same(tax, back)


def test_new_tax_code_gets_no_tax_type_and_one_component_from_its_rate() -> None:
    tax = TaxCode(name="Sales Tax", sale_tax_rate=Decimal("8.875"))
    assert xm.tax_code_to_xero(tax, known_refs()) == {
        "Name": "Sales Tax",
        "TaxComponents": [{"Name": "Sales Tax", "Rate": 8.875, "IsCompound": False}],
        "Status": "ACTIVE",
    }


# -- Accounts ---------------------------------------------------------------------------------------


def test_bank_account_reads_type_class_and_bank_details() -> None:
    mapped = xm.account_to_canonical(fx.bank_account(), known_refs())
    account = _record(mapped, Account)
    assert (mapped.remote_id, account.id) == (fx.BANK_ACCOUNT_ID, hub("bank"))
    assert (account.code, account.name, account.type, account.account_class) == (
        "090",
        "Business Wells Fargo",
        "BANK",
        "ASSET",
    )
    assert (account.currency, account.tax_code_id, account.enable_payments) == ("NZD", hub("no-gst"), False)
    assert account.bank_account is not None
    assert account.bank_account.account_number == "132435465"
    assert account.deleted_at is None


@pytest.mark.parametrize("status", ["ARCHIVED", "DELETED"])
def test_archived_and_deleted_accounts_are_tombstones(status: str) -> None:
    account = _record(xm.account_to_canonical({**fx.archived_account(), "Status": status}, known_refs()), Account)
    assert account.status == status
    assert account.deleted_at == datetime(2019, 11, 14, 18, 10, 38, 314000, tzinfo=UTC)


def test_account_round_trip() -> None:
    refs = known_refs()
    for raw in (fx.bank_account(), {**fx.archived_account(), "Status": "ACTIVE"}):
        account = _record(xm.account_to_canonical(raw, refs), Account)
        payload = xm.account_to_xero(account, refs)
        assert "Class" not in payload
        back = _record(
            xm.account_to_canonical({**payload, "Class": raw["Class"], "UpdatedDateUTC": UPDATED}, refs), Account
        )
        _same(account, back)


def test_bank_account_is_sent_without_a_description() -> None:
    account = _record(xm.account_to_canonical(fx.bank_account(), known_refs()), Account)
    payload = xm.account_to_xero(_changed(account, description="Main"), known_refs())
    assert "Description" not in payload
    assert payload["BankAccountNumber"] == "132435465"


def test_archived_account_is_sent_archived() -> None:
    account = _record(xm.account_to_canonical(fx.archived_account(), known_refs()), Account)
    assert xm.account_to_xero(account, known_refs())["Status"] == "ARCHIVED"


def test_account_of_unknown_type_is_refused() -> None:
    with pytest.raises(MappingError, match=r"Type: unknown value.* \(got 'SUSPENSE'\)"):
        xm.account_to_canonical({**fx.bank_account(), "Type": "SUSPENSE"}, known_refs())


# -- Bank transfers ---------------------------------------------------------------------------------


def test_bank_transfer_reads_accounts_amount_date_and_reference() -> None:
    mapped = xm.bank_transfer_to_canonical(fx.bank_transfer(), known_refs(), "NZD")
    transfer = _record(mapped, Transfer)
    assert (transfer.from_account_id, transfer.to_account_id) == (hub("bank"), hub("savings"))
    assert (transfer.amount.currency, transfer.amount.total_amount) == ("NZD", Decimal(20))
    assert (transfer.transaction_date, transfer.reference, transfer.status) == (
        date(2016, 11, 12),
        "Sub 098801",
        "AUTHORISED",
    )
    assert mapped.remote_version == "/Date(1476737161140+0000)/"


def test_transfer_from_a_foreign_currency_account_is_in_its_currency() -> None:
    raw = fx.bank_transfer()
    raw["FromBankAccount"]["CurrencyCode"] = "USD"
    transfer = _record(xm.bank_transfer_to_canonical(raw, known_refs(), "NZD"), Transfer)
    assert transfer.amount.currency == "USD"


def test_deleted_transfer_is_a_tombstone() -> None:
    raw = {**fx.bank_transfer(), "Status": "DELETED", "UpdatedDateUTC": UPDATED}
    transfer = _record(xm.bank_transfer_to_canonical(raw, known_refs(), "NZD"), Transfer)
    assert transfer.deleted_at == UPDATED_AT


def test_transfer_round_trip() -> None:
    refs = known_refs()
    transfer = _record(xm.bank_transfer_to_canonical(fx.bank_transfer(), refs, "NZD"), Transfer)
    payload = xm.transfer_to_xero(_changed(transfer, id=None), refs)
    assert payload == {
        "FromBankAccount": {"AccountID": fx.BANK_ACCOUNT_ID},
        "ToBankAccount": {"AccountID": fx.SAVINGS_ACCOUNT_ID},
        "Amount": 20,
        "Date": "2016-11-12",
        "Reference": "Sub 098801",
    }
    back = _record(xm.bank_transfer_to_canonical(fx.echo(payload, "BankTransferID", "x"), refs, "NZD"), Transfer)
    _same(transfer, back)


def test_deleted_transfer_is_sent_as_a_deletion() -> None:
    refs = known_refs()
    raw = {**fx.bank_transfer(), "Status": "DELETED"}
    transfer = _record(xm.bank_transfer_to_canonical(raw, refs, "NZD"), Transfer)
    assert xm.transfer_to_xero(transfer, refs) == {"BankTransferID": raw["BankTransferID"], "Status": "DELETED"}


def test_transfer_between_one_account_is_refused() -> None:
    raw = fx.bank_transfer()
    raw["ToBankAccount"] = raw["FromBankAccount"]
    with pytest.raises(MappingError, match="two different accounts"):
        xm.bank_transfer_to_canonical(raw, known_refs(), "NZD")


def test_transfer_without_a_source_account_is_refused() -> None:
    raw = fx.bank_transfer()
    del raw["FromBankAccount"]
    with pytest.raises(MappingError, match="FromBankAccount: missing"):
        xm.bank_transfer_to_canonical(raw, known_refs(), "NZD")


# -- every record ----------------------------------------------------------------------------------


def _quote_element() -> dict[str, t.Any]:
    """A Quotes element as Xero answers it (the spec's QU-0001), with the invoice fixture's contact and lines."""
    invoice = fx.invoice()
    shared = ("Reference", "Contact", "Date", "DateString", "LineItems", "SubTotal", "TotalTax", "Total")
    return {
        **{key: invoice[key] for key in (*shared, "CurrencyCode", "CurrencyRate", "UpdatedDateUTC")},
        "QuoteID": "be59294f-2a9c-4cee-8c64-0f0ddbc1883a",
        "QuoteNumber": "QU-0001",
        "Terms": "Not valid after the expiry date",
        "ExpiryDate": "/Date(1571961600000+0000)/",
        "Status": "ACCEPTED",
        "Title": "Your Quote",
        "LineAmountTypes": "EXCLUSIVE",
    }


def test_every_reader_is_listed_with_the_currency_it_needs() -> None:
    samples = {
        "Organisation": fx.organisation(),
        "Contacts": fx.contact(),
        "Items": fx.item(),
        "Invoices": fx.invoice(),
        "PurchaseOrders": fx.purchase_order(),
        "Quotes": _quote_element(),
        "CreditNotes": fx.credit_note(),
        "ManualJournals": fx.manual_journal(),
        "Journals": fx.journal(),
        "Payments": fx.payment(),
        "TaxRates": fx.tax_rate(),
        "Accounts": fx.bank_account(),
        "BankTransfers": fx.bank_transfer(),
    }
    assert set(xm.READERS) == set(samples)
    for endpoint, raw in samples.items():
        args = (raw, known_refs(), "NZD") if endpoint in xm.NEEDS_CURRENCY else (raw, known_refs())
        result = xm.READERS[endpoint](*args)
        for mapped in result if isinstance(result, list) else [result]:
            assert mapped.record.id is not None
            assert mapped.record.entity == mapped.entity


def test_record_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(MappingError, match="record: expected a JSON object"):
        xm.invoice_to_canonical(["not", "a", "record"], known_refs(), "NZD")  # type: ignore[arg-type]
