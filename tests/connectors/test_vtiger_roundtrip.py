"""Round trips through the sandbox: canonical -> vTiger -> canonical, and the sample CRM read and written back."""

from __future__ import annotations

import typing as t
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from connectors.base.mapping import DictRefs
from connectors.vtiger import Lookups, VtigerClient
from connectors.vtiger.mapping import (
    read_account,
    read_contact,
    read_invoice,
    read_product,
    read_purchase_order,
    read_service,
    write_account,
    write_contact,
    write_invoice,
    write_product,
    write_product_tax,
    write_purchase_order,
    write_service,
)
from connectors.vtiger.rules import check_element
from datashare.model import (
    Address,
    Addresses,
    Amount,
    CanonicalModel,
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
)

BOOKKEEPING = {"id", "created_at", "updated_at", "deleted_at"}


def _shared(model: CanonicalModel, *, leave_out: set[str] = frozenset()) -> dict[str, t.Any]:
    return model.model_dump(exclude=BOOKKEEPING | leave_out)


def _link(refs: DictRefs, entity: str, hub_id: UUID, remote_id: str) -> None:
    """What the id map records once a pushed record has its vTiger id."""
    refs.to_hub[(entity, remote_id)] = hub_id
    refs.to_remote[(entity, hub_id)] = remote_id


def _lookups(client: VtigerClient) -> Lookups:
    return Lookups.from_rows(
        currencies=client.query_all("Currency"),
        taxes=client.query_all("Tax"),
        product_taxes=client.query_all("ProductTaxes"),
    )


def _push(client: VtigerClient, module: str, element: dict[str, t.Any]) -> dict[str, t.Any]:
    assert check_element(module, element) is None
    created = client.create(module, element)
    return client.retrieve(str(created["id"]))


@pytest.fixture
def vtiger_world(vtiger_add, vtiger_client) -> dict[str, t.Any]:
    """Taxes, a second currency, a vendor: what documents need around them."""
    gst = vtiger_add("Tax", {"taxlabel": "GST", "percentage": "10"})
    wet = vtiger_add("Tax", {"taxlabel": "WET", "percentage": "29"})
    vtiger_add("Currency", {"currency_name": "USA, Dollars", "currency_code": "USD", "currency_symbol": "$"})
    vendor = vtiger_add("Vendors", {"vendorname": "Barossa Wines"})
    return {"gst": gst["id"], "wet": wet["id"], "vendor": vendor["id"]}


ORG = Organization(
    name="Ridgeway University",
    email="accounts@ridgeway.edu.au",
    website="https://ridgeway.edu.au",
    industry="Education",
    number_of_employees=1200,
    phone=Phone(landline="02 9876 5432", landline2="02 9876 5400", fax="02 9876 5433"),
    address=Addresses(
        billing=Address(
            line1="1 College Rd", line2="Building C", city="Sydney", region="NSW", postal_code="2000", country="AU"
        ),
        shipping=Address(line1="PO Box 7", city="Auckland", postal_code="1010", country="NZ"),
    ),
    notes="Pays on time",
)


def test_an_organization_round_trips_through_accounts(vtiger_client):
    refs = DictRefs()
    back = read_account(_push(vtiger_client, "Accounts", write_account(ORG, refs)), refs).record
    assert _shared(back, leave_out={"code"}) == _shared(ORG, leave_out={"code"})


def test_a_person_round_trips_through_contacts(vtiger_client):
    refs = DictRefs()
    org_id = uuid4()
    _link(refs, "organizations", org_id, _push(vtiger_client, "Accounts", write_account(ORG, refs))["id"])
    person = Person(
        title="Dr.",
        first_name="Ann",
        last_name="Lee",
        job_title="Bursar",
        birth_date=date(1980, 5, 17),
        organization_id=org_id,
        email="ann.lee@ridgeway.edu.au",
        phone_work=Phone(landline="02 9876 5431", mobile="0400 000 001"),
        address_work=Address(line1="1 College Rd", city="Sydney", region="NSW", postal_code="2000", country="AU"),
        lead_source="Trade Show",
    )
    back = read_contact(_push(vtiger_client, "Contacts", write_contact(person, refs)), refs).record
    assert _shared(back) == _shared(person)


def test_an_item_round_trips_through_products_with_its_tax(vtiger_client, vtiger_world):
    refs = DictRefs()
    gst = uuid4()
    _link(refs, "tax_codes", gst, vtiger_world["gst"])
    item = Item(
        code="SHIR-620",
        name="Shiraz 750ml",
        description="Barossa shiraz",
        unit="Box",
        sale_price=Amount(currency="AUD", net_amount=Decimal("24.5")),
        sale_tax_code_id=gst,
        quantity_on_hand=Decimal(55),
    )
    lookups = _lookups(vtiger_client)
    product = _push(vtiger_client, "Products", write_product(item, refs, lookups=lookups))
    vtiger_client.create("ProductTaxes", write_product_tax(item, product["id"], refs, lookups=lookups))
    mapped = read_product(product, refs, lookups=_lookups(vtiger_client))
    assert _shared(mapped.record) == _shared(item)
    assert [tax.label for tax in mapped.taxes] == ["GST"]


def test_a_service_item_round_trips_through_services(vtiger_client, vtiger_world):
    refs = DictRefs()
    item = Item(
        code="INSTALL",
        name="On-site installation",
        type=ItemType.SERVICE,
        status=ItemStatus.INACTIVE,
        unit="Hours",
        is_purchased=False,
        sale_price=Amount(currency="AUD", net_amount=Decimal(150)),
    )
    service = _push(vtiger_client, "Services", write_service(item, refs, lookups=_lookups(vtiger_client)))
    back = read_service(service, refs, lookups=_lookups(vtiger_client)).record
    # vTiger numbers services itself (SER1…): the code does not travel.
    assert back.code == "SER1"
    assert _shared(back, leave_out={"code"}) == _shared(item, leave_out={"code"})


def _line_view(model: Invoice | PurchaseOrder) -> list[tuple[t.Any, ...]]:
    return [
        (line.item_id, line.description, line.quantity, line.unit_price.net_amount, line.reduction_percent)
        for line in model.lines
    ]


def _products(client: VtigerClient, refs: DictRefs, world: dict[str, t.Any]) -> tuple[UUID, UUID]:
    """Two items in vTiger (a wine carrying WET then GST, and a service), linked in the refs."""
    lookups = _lookups(client)
    wine, service = uuid4(), uuid4()
    wine_item = Item(code="SHIR-620", name="Shiraz", sale_price=Amount(currency="AUD", net_amount=Decimal("24.5")))
    wine_id = client.create("Products", write_product(wine_item, refs, lookups=lookups))["id"]
    for tax in ("wet", "gst"):
        client.create("ProductTaxes", {"productid": wine_id, "taxid": world[tax], "taxpercentage": ""})
    service_item = Item(code="S", name="Delivery", type=ItemType.SERVICE)
    service_id = client.create("Services", write_service(service_item, refs, lookups=lookups))["id"]
    _link(refs, "items", wine, wine_id)
    _link(refs, "items", service, service_id)
    return wine, service


def test_an_invoice_round_trips_with_its_lines(vtiger_client, vtiger_world):
    refs = DictRefs()
    org, person = uuid4(), uuid4()
    _link(refs, "organizations", org, vtiger_client.create("Accounts", write_account(ORG, refs))["id"])
    contact = vtiger_client.create("Contacts", write_contact(Person(last_name="Lee", organization_id=org), refs))
    _link(refs, "people", person, contact["id"])
    wine, service = _products(vtiger_client, refs, vtiger_world)
    doc = Invoice(
        type=InvoiceType.CUSTOMER,
        title="Wine for the gala",
        reference="PO-778",
        transaction_date=date(2025, 3, 1),
        due_date=date(2025, 3, 31),
        organization_id=org,
        person_id=person,
        currency="USD",
        currency_rate=Decimal("0.655"),
        status=DocumentStatus.AUTHORISED,
        billing_address=Address(line1="1 College Rd", city="Sydney", country="AU"),
        shipping_address=Address(line1="Hall B", city="Sydney", country="AU"),
        public_note="30 days",
        private_note="Call before delivery",
        lines=[
            DocumentLine(
                item_id=wine,
                description="Gift boxed",
                quantity=Decimal(3),
                unit_price=Amount(currency="USD", net_amount=Decimal("16.05")),
                reduction_percent=Decimal(10),
            ),
            DocumentLine(
                item_id=service, quantity=Decimal(1), unit_price=Amount(currency="USD", net_amount=Decimal(40))
            ),
        ],
    )
    lookups = _lookups(vtiger_client)
    record = _push(vtiger_client, "Invoice", write_invoice(doc, refs, lookups=lookups))
    back = read_invoice(record, refs, lookups=lookups).record
    assert isinstance(back, Invoice)
    header = {"lines", "amount", "balance", "amount_paid", "transaction_number"}
    assert _shared(back, leave_out=header) == _shared(doc, leave_out=header)
    assert _line_view(back) == _line_view(doc)
    # vTiger taxes lines by product: the wine's first tax is WET.
    wet = refs.hub_id("tax_codes", vtiger_world["wet"])
    assert [line.tax_code_id for line in back.lines] == [wet, None]
    assert back.transaction_number == "INV1"


def test_a_purchase_order_round_trips_to_its_vendor(vtiger_client, vtiger_world):
    refs = DictRefs()
    vendor = uuid4()
    _link(refs, "organizations", vendor, vtiger_world["vendor"])
    wine, _ = _products(vtiger_client, refs, vtiger_world)
    order = PurchaseOrder(
        reference="Restock before Christmas",
        organization_id=vendor,
        currency="AUD",
        status=PurchaseOrderStatus.AUTHORISED,
        delivery_date=date(2025, 12, 1),
        delivery_address=Address(line1="9 Dock St", city="Fremantle", region="WA", postal_code="6160", country="AU"),
        private_note="Pallets only",
        lines=[
            DocumentLine(item_id=wine, quantity=Decimal(120), unit_price=Amount(currency="AUD", net_amount=Decimal(11)))
        ],
    )
    lookups = _lookups(vtiger_client)
    record = _push(vtiger_client, "PurchaseOrder", write_purchase_order(order, refs, lookups=lookups))
    back = read_purchase_order(record, refs, lookups=lookups).record
    leave_out = {"lines", "amount", "transaction_number", "transaction_date"}
    assert _shared(back, leave_out=leave_out) == _shared(order, leave_out=leave_out)
    assert _line_view(back) == _line_view(order)


# --- the sample CRM read and written back ------------------------------------------------------

ACCOUNT_FIELDS = ["accountname", "email1", "phone", "website", "industry", "bill_street", "bill_city", "bill_state",
                  "bill_code", "bill_country", "ship_street", "ship_city", "ship_country"]  # fmt: skip
CONTACT_FIELDS = ["firstname", "lastname", "email", "phone", "mobile", "title", "account_id", "mailingstreet",
                  "mailingcity", "mailingzip", "mailingcountry", "leadsource"]  # fmt: skip


@pytest.mark.parametrize(
    ("module", "read", "write", "fields"),
    [
        ("Accounts", read_account, write_account, ACCOUNT_FIELDS),
        ("Contacts", read_contact, write_contact, CONTACT_FIELDS),
    ],
)
def test_every_sample_record_reads_and_writes_back_the_same(module, read, write, fields, vtiger_seeded, vtiger_client):
    refs = DictRefs()
    records = [r for page in vtiger_client.sync(module) for r in page.updated]
    assert records
    for record in records:
        element = write(read(record, refs).record, refs)
        assert {f: element[f] for f in fields} == {f: str(record[f]).strip() for f in fields}, record["id"]


def test_every_sample_document_and_item_maps(vtiger_seeded, vtiger_client):
    from connectors.vtiger import READERS, make_mapper

    mapper = make_mapper(lookups=_lookups(vtiger_client))
    refs = DictRefs()
    counts = {}
    for module in ("Products", "Services", "Vendors", "Invoice", "SalesOrder", "PurchaseOrder"):
        records = [r for page in vtiger_client.sync(module) for r in page.updated]
        counts[module] = len([m for r in records for m in mapper(module, r, refs)])
    counts["Tax"] = len([READERS["Tax"](r, refs) for r in vtiger_client.query_all("Tax")])
    assert counts == {
        "Products": 24,
        "Services": 8,
        "Vendors": 6,
        "Invoice": 30,
        "SalesOrder": 15,
        "PurchaseOrder": 8,
        "Tax": 3,
    }
