"""Customer invoices as Salesforce Orders, both ways (pure mapping, no I/O).

- an invoice writes as an Order with Xero's status, amount paid and amount
  due in the set-up's custom fields, and Status Activated once it is
  approved and has lines; a draft or a voided invoice leaves Status alone;
- what Salesforce cannot take is not taken, with the reason; an invoice
  waits for its customer and its lines' items;
- lines are priced before tax from the items' standard price entries, and a
  line naming no item (or an item with no standard price) goes on the stand-in;
- an Order reads with Xero's status, amounts and number, and what was
  written reads back as it was written.
"""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from connectors.salesforce import EXTERNAL_ID, salesforce_mapper
from connectors.salesforce.mapping import (
    NO_BILLS,
    STAND_IN_CODE,
    NotTaken,
    read_order,
    write_order,
    write_order_items,
)
from datashare.model import (
    Address,
    Amount,
    DocumentLine,
    DocumentStatus,
    Invoice,
    InvoiceType,
    LineAmountType,
)
from datashare.model.mapping import DictRefs, MappingError, WaitingForReference

ACCOUNT = "001000000000001AAA"
PRODUCT = "01t000000000001AAA"
ENTRY = "01u000000000001AAA"
STAND_IN = "01u000000000009AAA"
AUDIT = {
    "CreatedDate": "2026-03-02T08:00:00.000+0000",
    "LastModifiedDate": "2026-03-02T08:00:00.000+0000",
    "SystemModstamp": "2026-03-02T08:00:00.000+0000",
}


def _world() -> tuple[DictRefs, UUID, UUID]:
    """Refs where the customer and one item are in Salesforce: (refs, organization, item)."""
    refs = DictRefs()
    return refs, refs.hub_id("organizations", ACCOUNT), refs.hub_id("items", PRODUCT)


def _invoice(org: UUID, item: UUID | None, **changes: t.Any) -> Invoice:
    data: dict[str, t.Any] = {
        "id": uuid4(),
        "type": InvoiceType.CUSTOMER,
        "status": DocumentStatus.AUTHORISED,
        "transaction_number": "INV-0042",
        "transaction_date": date(2026, 3, 2),
        "organization_id": org,
        "currency": "AUD",
        "amount": Amount(currency="AUD", net_amount=Decimal(150), tax_amount=Decimal(15), total_amount=Decimal(165)),
        "amount_paid": Decimal(0),
        "balance": Decimal(165),
        "public_note": "Thanks for your business",
        "billing_address": Address(line1="12 Harbour St", city="Sydney", country="AU"),
        "lines": [
            DocumentLine(
                line_number=1,
                item_id=item,
                description="Harbour lantern",
                quantity=Decimal(3),
                unit_price=Amount(currency="AUD", net_amount=Decimal(40)),
                total_price=Amount(currency="AUD", net_amount=Decimal(120), tax_amount=Decimal(12)),
            ),
            DocumentLine(
                line_number=2,
                description="Delivery",
                quantity=Decimal(1),
                unit_price=Amount(currency="AUD", net_amount=Decimal(30)),
            ),
        ],
    }
    return Invoice.model_validate({**data, **changes})


def test_an_approved_invoice_writes_as_an_activated_order_with_xeros_status_and_amounts() -> None:
    refs, org, item = _world()
    invoice = _invoice(org, item)

    payload = write_order(invoice, refs, currency="AUD")

    assert payload == {
        EXTERNAL_ID: str(invoice.id),
        "AccountId": ACCOUNT,
        "EffectiveDate": "2026-03-02",
        "OrderReferenceNumber": "INV-0042",
        "Description": "Thanks for your business",
        "BillingStreet": "12 Harbour St",
        "BillingCity": "Sydney",
        "BillingState": None,
        "BillingPostalCode": None,
        "BillingCountry": "Australia",
        "Datashare_Status__c": "AUTHORISED",
        "Datashare_Amount_Paid__c": 0.0,
        "Datashare_Amount_Due__c": 165.0,
        "Status": "Activated",
    }
    paid = write_order(_invoice(org, item, status=DocumentStatus.PAID, amount_paid=165, balance=0), refs)
    assert (paid["Datashare_Status__c"], paid["Datashare_Amount_Paid__c"], paid["Datashare_Amount_Due__c"]) == (
        "PAID",
        165.0,
        0.0,
    )
    assert paid["Status"] == "Activated"


def test_a_draft_an_invoice_without_lines_or_a_voided_one_leaves_the_order_status_alone() -> None:
    refs, org, item = _world()
    draft = write_order(_invoice(org, item, status=DocumentStatus.SUBMITTED), refs)
    assert "Status" not in draft
    assert draft["Datashare_Status__c"] == "SUBMITTED"
    assert "Status" not in write_order(_invoice(org, item, lines=[]), refs)  # Salesforce activates no empty order
    gone = datetime(2026, 3, 5, tzinfo=UTC)
    voided = write_order(_invoice(org, item, deleted_at=gone), refs)  # approved, then voided in Xero
    assert (voided["Datashare_Status__c"], "Status" in voided) == ("VOIDED", False)
    deleted = write_order(_invoice(org, item, status=DocumentStatus.DRAFT, deleted_at=gone), refs)
    assert deleted["Datashare_Status__c"] == "DELETED"


def test_what_salesforce_cannot_take_is_not_taken_with_the_reason_and_an_invoice_waits_for_its_customer() -> None:
    refs, org, item = _world()
    with pytest.raises(NotTaken, match=NO_BILLS):
        write_order(_invoice(org, item, type=InvoiceType.SUPPLIER), refs)
    with pytest.raises(NotTaken, match="INV-0042 is in USD, and the Salesforce org's currency is AUD"):
        write_order(_invoice(org, item, currency="USD", amount=None, lines=[]), refs, currency="AUD")
    with pytest.raises(NotTaken, match="has no customer"):
        write_order(_invoice(None, item), refs)  # type: ignore[arg-type]
    with pytest.raises(MappingError, match="needs a date"):
        write_order(_invoice(org, item, transaction_date=None), refs)
    stranger = uuid4()
    with pytest.raises(WaitingForReference) as waiting:
        write_order(_invoice(stranger, item), refs)
    assert waiting.value.target == ("organizations", stranger)


def test_lines_are_priced_before_tax_from_the_standard_price_entry_or_go_on_the_stand_in() -> None:
    refs, org, item = _world()
    invoice = _invoice(org, item)

    lines = write_order_items(invoice, refs, prices={PRODUCT: ENTRY}, stand_in=STAND_IN)

    assert lines == [
        {EXTERNAL_ID: f"{invoice.id}/1", "PricebookEntryId": ENTRY, "Quantity": 3.0, "UnitPrice": 40.0,
         "Description": "Harbour lantern"},
        {EXTERNAL_ID: f"{invoice.id}/2", "PricebookEntryId": STAND_IN, "Quantity": 1.0, "UnitPrice": 30.0,
         "Description": "Delivery"},
    ]  # fmt: skip
    unpriced = write_order_items(invoice, refs, prices={}, stand_in=STAND_IN)  # the item has no standard price
    assert [line["PricebookEntryId"] for line in unpriced] == [STAND_IN, STAND_IN]
    not_there = uuid4()
    with pytest.raises(WaitingForReference) as waiting:
        write_order_items(_invoice(org, not_there), refs, prices={PRODUCT: ENTRY}, stand_in=STAND_IN)
    assert waiting.value.target == ("items", not_there)


def test_a_line_price_is_the_net_one_with_its_discount_taken_off() -> None:
    refs, org, item = _world()
    discounted = DocumentLine(
        item_id=item, quantity=Decimal(4), unit_price=Amount(currency="AUD", net_amount=Decimal(25)),
        reduction_percent=Decimal(10),
    )  # fmt: skip
    inclusive = DocumentLine(
        item_id=item,
        quantity=Decimal(3),
        unit_price=Amount(currency="AUD", total_amount=Decimal(11)),
        total_price=Amount(currency="AUD", net_amount=Decimal(30), tax_amount=Decimal(3), total_amount=Decimal(33)),
    )
    invoice = _invoice(org, item, lines=[discounted, inclusive], line_amount_type=LineAmountType.INCLUSIVE)
    lines = write_order_items(invoice, refs, prices={PRODUCT: ENTRY}, stand_in=None)
    assert [line["UnitPrice"] for line in lines] == [22.5, 10.0]
    no_price = DocumentLine(item_id=item, quantity=Decimal(1))
    with pytest.raises(MappingError, match="line 1 has no price before tax"):
        write_order_items(_invoice(org, item, lines=[no_price]), refs, prices={PRODUCT: ENTRY}, stand_in=None)


ORDER: dict[str, t.Any] = {
    "Id": "801000000000001AAA",
    "AccountId": ACCOUNT,
    "Status": "Activated",
    "EffectiveDate": "2026-03-02",
    "OrderNumber": "00000107",
    "OrderReferenceNumber": "INV-0042",
    "TotalAmount": 150.0,
    "Description": None,
    "Datashare_Status__c": "PAID",
    "Datashare_Amount_Paid__c": 165.0,
    "Datashare_Amount_Due__c": 0.0,
    "StandInProductId": "01t000000000009AAA",
    "OrderItems": [
        {"Id": "802000000000001AAA", "OrderId": "801000000000001AAA", "Product2Id": PRODUCT, "Quantity": 3.0,
         "UnitPrice": 40.0, "TotalPrice": 120.0, "Description": "Harbour lantern"},
        {"Id": "802000000000002AAA", "OrderId": "801000000000001AAA", "Product2Id": "01t000000000009AAA",
         "Quantity": 1.0, "UnitPrice": 30.0, "TotalPrice": 30.0, "Description": "Delivery"},
    ],
    **AUDIT,
}  # fmt: skip


def test_an_order_reads_with_xeros_status_amounts_and_number_and_lines_on_the_stand_in_name_no_item() -> None:
    refs, _, item = _world()
    invoice = read_order(ORDER, refs, "AUD").record
    assert isinstance(invoice, Invoice)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (DocumentStatus.PAID, Decimal(165), Decimal(0))
    assert invoice.transaction_number == "INV-0042"
    assert [line.item_id for line in invoice.lines] == [item, None]
    own = read_order({**ORDER, "OrderReferenceNumber": None, "Datashare_Status__c": None}, refs, "AUD").record
    assert isinstance(own, Invoice)
    assert (own.transaction_number, own.status) == ("00000107", DocumentStatus.AUTHORISED)


def test_an_order_a_user_activated_since_xeros_was_a_draft_reads_authorised() -> None:
    refs, _, _ = _world()
    for xero, order_status, status in [
        ("DRAFT", "Activated", DocumentStatus.AUTHORISED),  # activated in Salesforce since: the sale is confirmed
        ("SUBMITTED", "Draft", DocumentStatus.SUBMITTED),
        ("PAID", "Draft", DocumentStatus.PAID),  # set back to Draft in Salesforce: Xero's word stands
        ("SHIPPED", "Draft", DocumentStatus.DRAFT),  # not a status of Xero's: the Order's own
    ]:
        record = {**ORDER, "Status": order_status, "Datashare_Status__c": xero}
        assert t.cast(Invoice, read_order(record, refs, "AUD").record).status is status, xero


def test_what_is_written_reads_back_as_it_was_written() -> None:
    refs, org, item = _world()
    invoice = _invoice(org, item, status=DocumentStatus.PAID, amount_paid=Decimal(165), balance=Decimal(0))
    header = write_order(invoice, refs, currency="AUD")
    lines = write_order_items(invoice, refs, prices={PRODUCT: ENTRY}, stand_in=STAND_IN)
    held = {**header, "Id": "801000000000002AAA", "OrderNumber": "00000108", "TotalAmount": 150.0,
            "StandInProductId": "01t000000000009AAA", **AUDIT,
            "OrderItems": [{**line, "Id": f"80200000000000{n}AAB", "Product2Id": product, "TotalPrice": None}
                           for n, (line, product) in enumerate(zip(lines, [PRODUCT, "01t000000000009AAA"], strict=False))]}  # fmt: skip

    again = read_order(held, refs, "AUD").record

    assert isinstance(again, Invoice)
    # As a snapshot (the hub id added), it gives what was sent: nothing to send a second time.
    assert write_order(again.model_copy(update={"id": invoice.id}), refs, currency="AUD") == header
    assert (again.status, again.amount_paid, again.balance, again.transaction_number) == (
        DocumentStatus.PAID,
        Decimal(165),
        Decimal(0),
        "INV-0042",
    )
    assert [(line.item_id, line.description) for line in again.lines] == [
        (item, "Harbour lantern"),
        (None, "Delivery"),
    ]


def test_the_stand_in_product_is_the_connectors_own_and_maps_to_nothing() -> None:
    mapper = salesforce_mapper("AUD")
    stand_in = {"Id": "01t000000000009AAA", "Name": "Line without an item", "ProductCode": STAND_IN_CODE, **AUDIT}
    assert mapper("Product2", stand_in, DictRefs()) == []
    assert mapper("Product2", {**stand_in, "ProductCode": "GC1020"}, DictRefs())[0].entity == "items"
