"""Mapping vTiger <-> canonical: each module both ways, the tax rules, malformed records."""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from connectors.base.mapping import DictRefs, MappingError
from connectors.vtiger import Lookups, MappedItem, WaitingForReference, make_mapper
from connectors.vtiger.mapping import (
    ItemTax,
    NotTaken,
    document_total,
    pick_tax,
    read_account,
    read_contact,
    read_invoice,
    read_product,
    read_purchase_order,
    read_sales_order,
    read_service,
    read_tax,
    read_vendor,
    stock_to_write,
    write_account,
    write_contact,
    write_invoice,
    write_product,
    write_product_tax,
    write_purchase_order,
    write_tax,
    write_vendor,
)
from connectors.vtiger.rules import check_item_taxes, check_purchase_price
from datashare.model import (
    Address,
    Addresses,
    Amount,
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
)

GST = ItemTax("34x1", "tax1", "GST", Decimal(10))
WET = ItemTax("34x2", "tax2", "WET", Decimal(29))
LOOKUPS = Lookups(
    base_currency="AUD",
    currencies={"21x1": "AUD", "21x2": "USD"},
    taxes={GST.tax_id: GST, WET.tax_id: WET},
    item_taxes={"14x7": (WET, GST), "24x9": (GST,)},
)


def _stamp(**values: str) -> dict[str, str]:
    return {
        "assigned_user_id": "19x1",
        "createdtime": "2025-03-01 09:00:00",
        "modifiedtime": "2025-03-02 10:30:00",
    } | values


def account(**values: str) -> dict[str, str]:
    return (
        _stamp(
            id="11x3",
            accountname="Ridgeway University",
            account_no="ACC3",
            email1="accounts@ridgeway.edu.au",
            phone="02 9876 5432",
            otherphone="",
            fax="02 9876 5433",
            website="https://ridgeway.edu.au",
            industry="Education",
            employees="1200",
            bill_street="1 College Rd\nBuilding C",
            bill_city="Sydney",
            bill_state="NSW",
            bill_code="2000",
            bill_country="Australia",
            ship_street="",
            ship_city="",
            ship_state="",
            ship_code="",
            ship_country="",
            description="Big customer",
        )
        | values
    )


def product(**values: str) -> dict[str, str]:
    return (
        _stamp(
            id="14x7",
            productname="Shiraz 750ml",
            product_no="PRO1",
            productcode="SHIR-620",
            discontinued="1",
            unit_price="24.50000000",
            taxclass="tax2,tax1",
            usageunit="Box",
            qtyinstock="55.000",
            description="",
        )
        | values
    )


def line(**values: str) -> dict[str, str]:
    return {
        "parent_id": "7x40",
        "productid": "14x7",
        "sequence_no": "1",
        "quantity": "3.000",
        "listprice": "24.50000000",
        "discount_percent": "10.000",
        "discount_amount": "",
        "comment": "Gift boxed",
        "tax1": "10.000",
        "tax2": "29.000",
        "tax3": "",
        "product_name": "Shiraz 750ml",
        "entity_type": "Products",
        "id": "33x5",
        "deleted": "0",
    } | values


def invoice(*lines: dict[str, str], **values: str) -> dict[str, t.Any]:
    return (
        _stamp(
            id="7x40",
            subject="Wine for the gala",
            invoice_no="INV40",
            account_id="11x3",
            contact_id="12x4",
            invoicedate="2025-03-01",
            duedate="2025-03-31",
            purchaseorder="PO-778",
            invoicestatus="Approved",
            currency_id="21x1",
            conversion_rate="1.000",
            hdnTaxType="individual",
            pre_tax_total="66.15000000",
            hdnGrandTotal="91.94000000",
            txtAdjustment="",
            received="20.00000000",
            balance="71.94000000",
            bill_street="1 College Rd",
            bill_city="Sydney",
            bill_state="NSW",
            bill_code="2000",
            bill_country="AU",
            ship_street="",
            terms_conditions="30 days",
            description="",
        )
        | {"LineItems": list(lines) or [line()]}
        | values
    )


# --- reading ----------------------------------------------------------------------------------


def test_an_account_reads_as_a_customer_organization():
    refs = DictRefs()
    mapped = read_account(account(), refs)
    org = mapped.record
    assert isinstance(org, Organization)
    assert (mapped.entity, mapped.remote_id, mapped.remote_version) == ("organizations", "11x3", "2025-03-02 10:30:00")
    assert mapped.remote_updated_at == datetime(2025, 3, 2, 10, 30, tzinfo=UTC)
    assert org.name == "Ridgeway University"
    assert org.is_customer
    assert not org.is_supplier
    assert org.number_of_employees == 1200
    assert org.phone == Phone(landline="02 9876 5432", fax="02 9876 5433")
    assert org.address == Addresses(
        billing=Address(
            line1="1 College Rd", line2="Building C", city="Sydney", region="NSW", postal_code="2000", country="AU"
        )
    )
    assert org.code is None  # account_no is vTiger's own numbering, not a code other apps share


def test_times_are_read_in_the_crm_users_time_zone():
    mapped = read_account(account(), DictRefs(), tz=ZoneInfo("Australia/Sydney"))
    assert mapped.remote_updated_at == datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    assert mapped.record.created_at == datetime(2025, 2, 28, 22, 0, tzinfo=UTC)


def test_a_vendor_reads_as_a_supplier_that_is_not_a_customer():
    vendor = _stamp(
        id="2x8", vendorname="Barossa Wines", email="sales@barossa.example", phone="08 8563 0000", country="Australia"
    )
    mapped = read_vendor(vendor, DictRefs())
    assert mapped.entity == "organizations"
    assert mapped.remote_id == "2x8"
    assert mapped.record.is_supplier
    assert not mapped.record.is_customer
    assert mapped.record.address.billing.country == "AU"


def test_a_contact_is_linked_to_the_organization_of_its_account():
    refs = DictRefs()
    org_id = refs.hub_id("organizations", "11x3")
    contact = _stamp(id="12x4", firstname="Ann", lastname="Lee", email="Ann.Lee@ridgeway.edu.au", account_id="11x3")
    person = read_contact(contact, refs).record
    assert isinstance(person, Person)
    assert person.organization_id == org_id
    assert person.email == "Ann.Lee@ridgeway.edu.au"


def test_a_contact_whose_account_was_deleted_has_no_organization():
    # vTiger answers a reference to a deleted record as the bare crmid.
    contact = _stamp(id="12x4", lastname="Lee", account_id="3")
    assert read_contact(contact, DictRefs()).record.organization_id is None


def test_a_product_keeps_every_tax_and_the_item_takes_the_first():
    refs = DictRefs()
    mapped = read_product(product(), refs, lookups=LOOKUPS)
    item = mapped.record
    assert isinstance(mapped, MappedItem)
    assert mapped.taxes == (WET, GST)
    assert item.sale_tax_code_id == refs.hub_id("tax_codes", "34x2")  # WET, selected first
    assert check_item_taxes(item.code, mapped.taxes) == (
        "item SHIR-620 carries 2 taxes in vTiger; only the first, WET, is shared (Xero takes one tax per item): "
        "GST left out"
    )


def test_a_product_has_no_purchase_price_and_brings_its_stock():
    item = read_product(product(), DictRefs(), lookups=LOOKUPS).record
    assert item.purchase_price is None
    assert item.sale_price == Amount(currency="AUD", net_amount=Decimal("24.5"))
    assert item.quantity_on_hand == Decimal(55)
    assert (item.code, item.name, item.type, item.status, item.unit) == (
        "SHIR-620",
        "Shiraz 750ml",
        ItemType.PURCHASED,
        ItemStatus.ACTIVE,
        "Box",
    )


def test_a_product_without_part_number_is_coded_by_its_product_number():
    assert read_product(product(productcode=""), DictRefs(), lookups=LOOKUPS).record.code == "PRO1"


def test_a_discontinued_product_is_inactive():
    assert read_product(product(discontinued="0"), DictRefs(), lookups=LOOKUPS).record.status == ItemStatus.INACTIVE


def test_a_service_reads_as_a_service_item_coded_by_its_number():
    service = _stamp(id="24x9", servicename="Installation", service_no="SER2", unit_price="150.00000000")
    mapped = read_service(service, DictRefs(), lookups=LOOKUPS)
    assert mapped.record.type == ItemType.SERVICE
    assert mapped.record.code == "SER2"
    assert mapped.taxes == (GST,)


def test_an_invoice_reads_with_lines_taxed_by_their_products_first_tax():
    refs = DictRefs()
    mapped = read_invoice(invoice(), refs, lookups=LOOKUPS)
    doc = mapped.record
    assert isinstance(doc, Invoice)
    assert (doc.type, doc.transaction_number, doc.title, doc.status) == (
        InvoiceType.CUSTOMER,
        "INV40",
        "Wine for the gala",
        DocumentStatus.AUTHORISED,
    )
    assert doc.organization_id == refs.hub_id("organizations", "11x3")
    assert doc.person_id == refs.hub_id("people", "12x4")
    assert (doc.transaction_date, doc.due_date, doc.reference) == (date(2025, 3, 1), date(2025, 3, 31), "PO-778")
    assert doc.currency == "AUD"
    assert doc.currency_rate is None
    assert doc.amount == Amount(
        currency="AUD", net_amount=Decimal("66.15"), tax_amount=Decimal("25.79"), total_amount=Decimal("91.94")
    )
    assert (doc.balance, doc.amount_paid) == (Decimal("71.94"), Decimal(20))
    [first] = doc.lines
    assert first.item_id == refs.hub_id("items", "14x7")
    assert first.tax_code_id == refs.hub_id("tax_codes", WET.tax_id)
    assert first.unit_price == Amount(currency="AUD", net_amount=Decimal("24.5"), tax_rate=Decimal(29))
    assert first.total_price == Amount(currency="AUD", net_amount=Decimal("66.15"))
    assert (first.quantity, first.reduction_percent, first.description) == (Decimal(3), Decimal(10), "Gift boxed")


def test_a_line_keeps_its_own_rate_of_the_products_first_tax():
    # The group rates of a group-taxed invoice: WET not charged on this line.
    doc = read_invoice(invoice(line(tax2="0.000")), DictRefs(), lookups=LOOKUPS).record
    assert doc.lines[0].unit_price.tax_rate == Decimal(0)


def test_a_line_whose_product_was_deleted_keeps_its_name_as_description():
    doc = read_invoice(invoice(line(productid="7", comment="", deleted="1")), DictRefs(), lookups=LOOKUPS).record
    assert doc.lines[0].item_id is None
    assert doc.lines[0].tax_code_id is None
    assert doc.lines[0].description == "Shiraz 750ml"


def test_a_foreign_currency_invoice_keeps_vtigers_rate():
    doc = read_invoice(invoice(currency_id="21x2", conversion_rate="0.655"), DictRefs(), lookups=LOOKUPS).record
    assert (doc.currency, doc.currency_rate) == ("USD", Decimal("0.655"))
    assert doc.lines[0].unit_price.currency == "USD"


def test_a_sales_order_reads_as_a_quote_numbered_by_the_order_so_it_posts_no_revenue():
    order = invoice(id="6x50", salesorder_no="SO12", customerno="C-1", sostatus="Delivered", invoice_no="")
    order.pop("invoicestatus")
    mapped = read_sales_order(order, DictRefs(), lookups=LOOKUPS)
    assert mapped.entity == "quotes"
    assert isinstance(mapped.record, Quote)
    assert (mapped.record.transaction_number, mapped.record.reference) == ("SO12", "C-1")
    assert mapped.record.status == QuoteStatus.ACCEPTED
    assert mapped.record.transaction_date == date(2025, 3, 1)  # the day it was created


@pytest.mark.parametrize(
    ("sostatus", "status"),
    [("Created", QuoteStatus.DRAFT), ("Approved", QuoteStatus.ACCEPTED), ("Cancelled", QuoteStatus.DECLINED)],
)
def test_a_sales_orders_status_is_the_quotes(sostatus: str, status: QuoteStatus):
    order = invoice(id="6x51", salesorder_no="SO13", sostatus=sostatus, invoice_no="")
    order.pop("invoicestatus")
    assert read_sales_order(order, DictRefs(), lookups=LOOKUPS).record.status == status


def test_an_invoice_made_from_a_sales_order_names_its_quote():
    refs = DictRefs()
    made = read_invoice(invoice(salesorder_id="6x50"), refs, lookups=LOOKUPS).record
    alone = read_invoice(invoice(salesorder_id=""), refs, lookups=LOOKUPS).record
    assert made.quote_id == refs.hub_id("quotes", "6x50")
    assert alone.quote_id is None


def test_a_purchase_order_reads_with_its_vendor_as_organization():
    refs = DictRefs()
    order = invoice(
        id="5x60",
        purchaseorder_no="PO3",
        subject="Restock",
        vendor_id="2x8",
        postatus="Received Shipment",
        ship_street="9 Dock St",
        ship_city="Fremantle",
        ship_country="Australia",
    )
    mapped = read_purchase_order(order, refs, lookups=LOOKUPS)
    po = mapped.record
    assert isinstance(po, PurchaseOrder)
    assert mapped.entity == "purchase_orders"
    assert po.organization_id == refs.hub_id("organizations", "2x8")
    assert (po.transaction_number, po.reference, po.status) == ("PO3", "Restock", PurchaseOrderStatus.BILLED)
    assert po.delivery_address == Address(line1="9 Dock St", city="Fremantle", country="AU")
    assert po.lines[0].tax_code_id == refs.hub_id("tax_codes", WET.tax_id)


def test_a_tax_reads_as_a_tax_code_matched_by_name():
    mapped = read_tax(
        {
            "id": "34x2",
            "taxname": "tax2",
            "taxlabel": "WET",
            "percentage": "29.000",
            "method": "Simple",
            "deleted": "1",
        },
        DictRefs(),
    )
    assert mapped.entity == "tax_codes"
    assert mapped.remote_id == "34x2"
    assert (mapped.record.code, mapped.record.name) == (None, "WET")
    assert mapped.record.sale_tax_rate == Decimal(29)
    assert mapped.record.status == TaxCodeStatus.ARCHIVED


def test_lookups_come_from_vtigers_tables():
    lookups = Lookups.from_rows(
        currencies=[
            {"id": "21x1", "currency_code": "AUD", "defaultid": "-11", "deleted": "0"},
            {"id": "21x2", "currency_code": "usd", "defaultid": "0", "deleted": "0"},
            {"id": "21x3", "currency_code": "NZD", "defaultid": "0", "deleted": "1"},
        ],
        taxes=[
            {"id": "34x1", "taxname": "tax1", "taxlabel": "GST", "percentage": "10.000", "deleted": "0"},
            {"id": "34x2", "taxname": "tax2", "taxlabel": "WET", "percentage": "29.000", "deleted": "0"},
            {"id": "34x3", "taxname": "tax3", "taxlabel": "Old", "percentage": "5.000", "deleted": "1"},
        ],
        product_taxes=[
            {"id": "35x2", "productid": "14x7", "taxid": "34x1", "taxpercentage": "10.000"},
            {"id": "35x1", "productid": "14x7", "taxid": "34x2", "taxpercentage": "27.500"},
            {"id": "35x3", "productid": "14x7", "taxid": "34x3", "taxpercentage": "5.000"},
            {"id": "35x4", "productid": "9", "taxid": "34x1", "taxpercentage": "10.000"},
        ],
    )
    assert lookups.base_currency == "AUD"
    assert lookups.currencies == {"21x1": "AUD", "21x2": "USD"}
    assert lookups.item_taxes == {"14x7": (ItemTax("34x2", "tax2", "WET", Decimal("27.5")), GST)}


def test_make_mapper_is_the_engines_mapper_for_every_module():
    mapper = make_mapper(tz=UTC, lookups=LOOKUPS)
    [mapped] = mapper("Accounts", account(), DictRefs())
    assert mapped.remote_id == "11x3"
    with pytest.raises(MappingError, match="Currency"):
        mapper("Currency", {"id": "21x1"}, DictRefs())


# --- malformed records --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "record", "reason"),
    [
        (read_account, account(id=""), "vTiger Accounts record without an id"),
        (read_account, {"accountname": "No Id"}, "vTiger Accounts record without an id"),
        (read_account, account(id="banana"), "id that is not <prefix>x<n>: 'banana'"),
        (read_product, product(unit_price="12,5x"), "vTiger Products 14x7: unit_price is not a number (got '12,5x')"),
        (read_product, product(qtyinstock="lots"), "qtyinstock is not a number (got 'lots')"),
        (read_account, account(employees="12.5"), "employees is not a whole number (got '12.5')"),
        (
            read_account,
            account(modifiedtime="2025-13-45 99:00:00"),
            "modifiedtime is not a time (YYYY-MM-DD HH:MM:SS) (got '2025-13-45 99:00:00')",
        ),
        (read_invoice, invoice(invoicedate="01/03/2025"), "invoicedate is not a date (YYYY-MM-DD) (got '01/03/2025')"),
        (read_invoice, invoice(line(quantity="three")), "LineItems[0].quantity is not a number (got 'three')"),
        (read_invoice, invoice(invoicestatus="Haunted"), "invoicestatus is not a status the connector knows"),
        (read_invoice, invoice(currency_id="21x9"), "currency_id is not a currency in the lookups (got '21x9')"),
        (read_invoice, invoice(duedate="2025-02-01"), "due date 2025-02-01 is before the invoice date 2025-03-01"),
        (read_account, account(bill_country="Atlantis"), "bill_country is not a country name or code (got 'Atlantis')"),
        (read_account, account(email1="not-an-email"), "organizations.email: not an email address: 'not-an-email'"),
        (read_account, account(accountname="   "), "vTiger Accounts 11x3: organizations.name"),
    ],
)
def test_a_malformed_record_is_a_mapping_error_naming_field_and_value(reader, record, reason):
    with pytest.raises(MappingError) as caught:
        reader(record, DictRefs(), lookups=LOOKUPS)
    assert reason in str(caught.value)


def test_an_inventory_record_read_without_its_lines_is_refused():
    record = invoice()
    del record["LineItems"]
    with pytest.raises(MappingError, match="LineItems are missing: inventory records must be read with retrieve"):
        read_invoice(record, DictRefs(), lookups=LOOKUPS)


def test_a_priced_product_needs_the_base_currency():
    with pytest.raises(MappingError, match="base currency"):
        read_product(product(), DictRefs())


# --- writing ------------------------------------------------------------------------------------


def _link(refs: DictRefs, entity: str, remote_id: str) -> UUID:
    return refs.hub_id(entity, remote_id)


def test_every_value_written_is_a_string():
    org = Organization(
        name="Acme", number_of_employees=5, address=Addresses(billing=Address(line1="1 A St", country="NZ"))
    )
    element = write_account(org, DictRefs())
    assert all(isinstance(v, str) for v in element.values())
    assert (element["employees"], element["bill_country"], element["ship_street"]) == ("5", "New Zealand", "")


def test_a_reference_not_yet_in_vtiger_makes_the_record_wait():
    org_id = uuid4()
    with pytest.raises(WaitingForReference) as caught:
        write_contact(Person(last_name="Lee", organization_id=org_id), DictRefs())
    assert isinstance(caught.value, MappingError)
    assert (caught.value.entity, caught.value.hub_id) == ("organizations", org_id)


def test_a_person_of_an_organization_held_as_a_vendor_goes_without_the_account_link():
    vendor, account = uuid4(), uuid4()
    refs = DictRefs(to_remote={("organizations", vendor): "2x92", ("organizations", account): "11x7"})
    assert write_contact(Person(last_name="Lee", organization_id=vendor), refs)["account_id"] == ""
    assert write_contact(Person(last_name="Lee", organization_id=account), refs)["account_id"] == "11x7"


def test_no_purchase_price_is_written_for_a_product():
    item = Item(
        code="W-1",
        name="Widget",
        sale_price=Amount(currency="AUD", net_amount=Decimal("9.95")),
        purchase_price=Amount(currency="AUD", net_amount=Decimal("4.10")),
    )
    element = write_product(item, DictRefs(), lookups=LOOKUPS)
    assert "4.1" not in element.values()
    assert element["unit_price"] == "9.95"
    assert check_purchase_price(item) == (
        "item W-1: purchase price 4.10 AUD is not written: vTiger products have no purchase price"
    )
    assert check_purchase_price(item.model_copy(update={"purchase_price": None})) is None


def test_unknown_stock_is_not_sent_so_vtigers_is_never_cleared():
    assert "qtyinstock" not in write_product(Item(code="W-1"), DictRefs())


def test_a_price_in_another_currency_than_vtigers_is_refused():
    item = Item(code="W-1", sale_price=Amount(currency="USD", net_amount=Decimal(3)))
    with pytest.raises(MappingError, match="vTiger prices are in AUD"):
        write_product(item, DictRefs(), lookups=LOOKUPS)


def test_the_items_tax_is_written_as_the_products_tax():
    refs = DictRefs()
    item = Item(code="W-1", sale_tax_code_id=_link(refs, "tax_codes", GST.tax_id))
    assert write_product_tax(item, "14x7", refs, lookups=LOOKUPS) == {
        "productid": "14x7",
        "taxid": "34x1",
        "taxpercentage": "10",
    }
    assert write_product_tax(Item(code="W-2"), "14x8", refs) is None


def test_a_supplier_bill_cannot_go_to_vtiger():
    bill = Invoice(type=InvoiceType.SUPPLIER, currency="AUD", transaction_number="B-1")
    with pytest.raises(MappingError, match="no supplier bills"):
        write_invoice(bill, DictRefs(), lookups=LOOKUPS)


def test_a_document_in_a_currency_vtiger_lacks_is_refused():
    doc = Invoice(type=InvoiceType.CUSTOMER, currency="EUR", title="Euro")
    with pytest.raises(MappingError, match="vTiger has no currency EUR"):
        write_invoice(doc, DictRefs(), lookups=LOOKUPS)


def test_an_invoice_without_addresses_takes_its_organizations():
    refs = DictRefs()
    doc = Invoice(
        type=InvoiceType.CUSTOMER, currency="AUD", title="T", organization_id=_link(refs, "organizations", "11x3")
    )
    element = write_invoice(
        doc, refs, lookups=LOOKUPS, fallback=Addresses(billing=Address(line1="1 College Rd", city="Sydney"))
    )
    assert (element["bill_street"], element["ship_street"], element["ship_city"]) == ("1 College Rd",) * 2 + ("Sydney",)
    assert element["hdnTaxType"] == "individual"
    assert element["currency_id"] == "21x1"


# --- back to the CRM: numbers, taxes, totals, stock --------------------------------------------

STAND_IN = "24x90"
WITH_STAND_IN = Lookups(
    base_currency="AUD",
    currencies={"21x1": "AUD"},
    taxes={GST.tax_id: GST, WET.tax_id: WET},
    item_taxes={"14x7": (WET, GST), "14x8": (), STAND_IN: (GST,)},
    stand_in=STAND_IN,
)


def test_an_invoice_written_from_another_app_keeps_its_number_in_customer_no():
    refs = DictRefs()
    read = read_invoice(invoice(customerno="INV-0042"), refs, lookups=LOOKUPS).record
    assert read.transaction_number == "INV-0042"  # the number in the books, not vTiger's INV40
    assert read_invoice(invoice(customerno=""), refs, lookups=LOOKUPS).record.transaction_number == "INV40"
    order = invoice(id="5x60", purchaseorder_no="PO3", requisition_no="PO-0007", vendor_id="2x8", postatus="Created")
    assert read_purchase_order(order, refs, lookups=LOOKUPS).record.transaction_number == "PO-0007"


def test_lines_on_the_stand_in_service_read_as_lines_without_an_item():
    doc = read_invoice(
        invoice(line(productid=STAND_IN, comment="Delivery", tax1="10.000", tax2="")), DictRefs(), lookups=WITH_STAND_IN
    ).record
    assert (doc.lines[0].item_id, doc.lines[0].description) == (None, "Delivery")
    mapper = make_mapper(lookups=WITH_STAND_IN)
    assert mapper("Services", _stamp(id=STAND_IN, servicename="Line without an item"), DictRefs()) == []


def test_where_xero_keeps_the_stock_a_product_brings_no_count():
    assert read_product(product(), DictRefs(), lookups=LOOKUPS, stock=False).record.quantity_on_hand is None
    [mapped] = make_mapper(lookups=LOOKUPS, stock=False)("Products", product(), DictRefs())
    assert mapped.record.quantity_on_hand is None


@pytest.mark.parametrize(
    ("item", "xero_keeps_stock", "written"),
    [
        (Item(code="T", is_inventoried=True, quantity_on_hand=Decimal(7)), True, Decimal(7)),
        (Item(code="U", is_inventoried=False, quantity_on_hand=Decimal(7)), True, None),  # vTiger's own count stays
        (Item(code="T", is_inventoried=True, quantity_on_hand=Decimal(7)), False, None),  # vTiger keeps the stock
        (Item(code="S", type=ItemType.SERVICE, is_inventoried=True, quantity_on_hand=Decimal(7)), True, None),
    ],
)
def test_the_stock_written_is_xeros_for_the_items_xero_tracks(item, xero_keeps_stock, written):
    assert stock_to_write(item, xero_keeps_stock=xero_keeps_stock) == written


def test_a_tax_stands_for_vtigers_of_the_same_percentage_and_zero_is_no_tax():
    gst_again = ItemTax("34x5", "tax5", "GST on Income", Decimal(10))
    taxes = [GST, WET, gst_again]
    assert pick_tax(Decimal(10), "GST on Income", taxes) == gst_again  # the same name first
    assert pick_tax(Decimal(10), "Sales", taxes) == GST  # else the oldest of that percentage
    assert pick_tax(Decimal(15), "Luxury", taxes) is None
    assert pick_tax(Decimal(0), "GST Free", taxes) is None
    assert write_tax(TaxCode(name="Luxury", sale_tax_rate=Decimal("15.5")), DictRefs()) == {
        "taxlabel": "Luxury",
        "percentage": "15.5",
    }
    with pytest.raises(NotTaken, match="no rate"):
        write_tax(TaxCode(name="Mystery"), DictRefs())


def test_a_supplier_becomes_a_vendor_with_its_address():
    supplier = Organization(
        name="Barossa Supplies",
        email="orders@barossa.example",
        is_customer=False,
        is_supplier=True,
        phone=Phone(landline="08 8563 0000"),
        address=Addresses(shipping=Address(line1="9 Dock St", city="Fremantle", country="AU")),
    )
    element = write_vendor(supplier, DictRefs())
    assert (element["vendorname"], element["street"], element["city"], element["country"]) == (
        "Barossa Supplies",
        "9 Dock St",
        "Fremantle",
        "Australia",
    )
    back = read_vendor({**element, "id": "2x8", **_stamp()}, DictRefs()).record
    assert (back.name, back.is_supplier, back.is_customer, back.email) == (
        "Barossa Supplies",
        True,
        False,
        "orders@barossa.example",
    )


def _sale(refs: DictRefs, *lines: DocumentLine, **fields: t.Any) -> Invoice:
    values: dict[str, t.Any] = {
        "type": InvoiceType.CUSTOMER,
        "transaction_number": "INV-0042",
        "currency": "AUD",
        "status": DocumentStatus.PAID,
        "organization_id": _link(refs, "organizations", "11x3"),
        "lines": list(lines),
    }
    return Invoice(**(values | fields))


def test_an_invoice_sends_each_lines_rate_on_its_products_first_tax_and_an_adjustment_to_the_books_total():
    refs = DictRefs()
    wine, chair = _link(refs, "items", "14x7"), _link(refs, "items", "14x8")
    output = uuid4()
    lines = [
        DocumentLine(item_id=wine, quantity=Decimal(3), unit_price=Amount(currency="AUD", net_amount=Decimal("24.5")),
                     tax_code_id=output),
        DocumentLine(item_id=chair, quantity=Decimal(1), unit_price=Amount(currency="AUD", net_amount=Decimal(50)),
                     tax_code_id=output),
        DocumentLine(description="Delivery", quantity=Decimal(1), unit_price=Amount(currency="AUD", net_amount=Decimal(10)),
                     tax_code_id=output),
    ]  # fmt: skip
    total = Amount(
        currency="AUD", net_amount=Decimal("133.5"), tax_amount=Decimal("13.35"), total_amount=Decimal("146.85")
    )
    doc = _sale(refs, *lines, amount=total, amount_paid=Decimal("146.85"))

    element = write_invoice(doc, refs, lookups=WITH_STAND_IN, rates={output: Decimal(10)})

    assert (element["customerno"], element["invoicestatus"], element["received"]) == ("INV-0042", "Paid", "146.85")
    wine_line, chair_line, delivery = element["LineItems"]
    assert (wine_line["tax2"], wine_line["tax1"]) == ("10", "0")  # WET is the wine's first tax: it takes the rate
    assert "tax1" not in chair_line  # a product carrying no tax cannot take one: the adjustment does
    assert (delivery["productid"], delivery["comment"], delivery["tax1"]) == (STAND_IN, "Delivery", "10")
    # vTiger: 73.50 + 7.35, 50 (no tax), 10 + 1 = 141.85; the books say 146.85.
    assert document_total(element["LineItems"], WITH_STAND_IN) == Decimal("141.85")
    assert element["txtAdjustment"] == "5"


def test_a_line_without_an_item_needs_the_stand_in_service():
    refs = DictRefs()
    doc = _sale(refs, DocumentLine(description="Delivery", unit_price=Amount(currency="AUD", net_amount=Decimal(10))))
    with pytest.raises(NotTaken, match="names no item"):
        write_invoice(doc, refs, lookups=LOOKUPS)


def test_an_inclusive_lines_net_price_is_its_net_total_over_its_quantity():
    refs = DictRefs()
    line = DocumentLine(
        item_id=_link(refs, "items", "14x8"),
        quantity=Decimal(3),
        reduction_percent=Decimal(10),
        unit_price=Amount(currency="AUD", total_amount=Decimal(11)),
        total_price=Amount(
            currency="AUD", net_amount=Decimal(27), tax_amount=Decimal("2.7"), total_amount=Decimal("29.7")
        ),
    )
    [sent] = write_invoice(_sale(refs, line), refs, lookups=WITH_STAND_IN)["LineItems"]
    assert sent["listprice"] == "10"  # 27 / (3 x 90%)


def test_a_purchase_order_keeps_its_number_in_requisition_no_and_goes_only_to_a_vendor():
    refs = DictRefs()
    order = PurchaseOrder(
        transaction_number="PO-0007",
        organization_id=_link(refs, "organizations", "2x8"),
        currency="AUD",
        lines=[
            DocumentLine(item_id=_link(refs, "items", "14x8"), unit_price=Amount(currency="AUD", net_amount=Decimal(5)))
        ],
    )
    element = write_purchase_order(order, refs, lookups=WITH_STAND_IN)
    assert (element["requisition_no"], element["vendor_id"]) == ("PO-0007", "2x8")
    to_account = order.model_copy(update={"organization_id": _link(refs, "organizations", "11x3")})
    with pytest.raises(NotTaken, match="go to vendors"):
        write_purchase_order(to_account, refs, lookups=WITH_STAND_IN)


def test_amounts_vtiger_keeps_to_8_decimals_read_to_the_hubs_6():
    record = invoice(
        line(listprice="12.98714286"),
        pre_tax_total="90.91000002",
        hdnGrandTotal="100.00000000",
        txtAdjustment="-0.00100113",
        received="0.00000000",
        balance="100.00000000",
    )
    doc = read_invoice(record, DictRefs(), lookups=LOOKUPS).record
    assert doc.lines[0].unit_price.net_amount == Decimal("12.987143")
    assert doc.amount == Amount(
        currency="AUD", net_amount=Decimal("90.91"), tax_amount=Decimal("9.091001"), total_amount=Decimal(100)
    )
