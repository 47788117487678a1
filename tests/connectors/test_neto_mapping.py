"""The Neto mapping: customers, items by SKU, orders as invoices (with taxes, shipping, discounts, payments), RMAs."""

from __future__ import annotations

import copy
from datetime import date, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from connectors.base.shop import ShopSettings
from connectors.neto import neto_mapper
from datashare.model import CreditNote, DocumentStatus, Invoice, Item, ItemStatus, LineAmountType, Payment
from datashare.model.mapping import DictRefs, MappingError

SETTINGS = ShopSettings(currency="AUD", number_prefix="NETO-")
MAP = neto_mapper(SETTINGS)
AEST = timezone(timedelta(hours=10))

CUSTOMER: dict[str, Any] = {
    "ID": "3",
    "Username": "ckelly",
    "EmailAddress": "caroline.kelly@scottjohnson.example.com",
    "Active": "True",
    "DateUpdated": "2026-11-01 09:30:00",
    "BillingAddress": {
        "BillFirstName": "Caroline",
        "BillLastName": "Kelly",
        "BillCompany": "Scott-Johnson",
        "BillStreetLine1": "18 Stefanie Ramble",
        "BillStreetLine2": "",
        "BillCity": "Lake Patricia",
        "BillState": "SA",
        "BillPostCode": "2920",
        "BillCountry": "AU",
        "BillPhone": "+61216323458",
    },
}

ITEM: dict[str, Any] = {
    "ID": "1",
    "InventoryID": "1",
    "SKU": "SCO-0001",
    "Name": "Alpine Tent",
    "Description": "Alpine Tent – deluxe range",
    "IsActive": "True",
    "DefaultPrice": "181.69",
    "TaxInclusive": "True",
    "DateUpdated": "2026-11-01 09:31:00",
}

ORDER: dict[str, Any] = {
    "OrderID": "N10001",
    "OrderStatus": "Dispatched",
    "DatePlaced": "2026-11-01 23:50:00",
    "DateUpdated": "2026-11-02 08:00:00",
    "DatePaid": "2026-11-01 23:51:00",
    "Email": "caroline.kelly@scottjohnson.example.com",
    "Username": "ckelly",
    "GrandTotal": "243.00",
    "OrderTax": "22.09",
    "ShippingOption": "Express",
    "ShippingTotal": "11.00",
    "ShippingTax": "1.00",
    "CouponCode": "WELCOME10",
    "CouponDiscount": "10.00",
    "TaxInclusive": "True",
    "OrderPayment": [{"Id": "1", "PaymentType": "Credit Card", "Amount": "243.00", "DatePaid": "2026-11-01 23:51:00"}],
    "OrderLine": [
        {
            "OrderLineID": "N10001-1",
            "SKU": "TENT",
            "ProductName": "Tent",
            "Quantity": "2",
            "UnitPrice": "110.00",
            "Tax": "18.00",
            "TaxCode": "GST",
            "ProductDiscount": "0.00",
            "PercentDiscount": "10.00",
        },
        {
            "OrderLineID": "N10001-2",
            "SKU": "MAP",
            "ProductName": "Map",
            "Quantity": "1",
            "UnitPrice": "44.00",
            "Tax": "0.00",
            "TaxCode": "FRE",
            "ProductDiscount": "0.00",
            "PercentDiscount": "0.00",
        },
    ],
}

RMA: dict[str, Any] = {
    "RmaID": "7",
    "OrderID": "N10001",
    "Username": "ckelly",
    "RmaStatus": "Open",
    "DateIssued": "2026-11-05 10:00:00",
    "DateUpdated": "2026-11-05 10:00:00",
    "TaxInclusive": "True",
    "ShippingRefundAmount": "11.00",
    "RefundTotal": "110.00",
    "RefundTaxTotal": "10.00",
    "RmaLine": {
        "RmaLineID": "7-1",
        "ItemNumber": "TENT",
        "ProductName": "Tent",
        "Quantity": "1",
        "Amount": "99.00",
        "Tax": "9.00",
        "TaxCode": "GST",
    },
}


def changed(raw: dict[str, Any], **fields: Any) -> dict[str, Any]:
    copied = copy.deepcopy(raw)
    copied.update(fields)
    return copied


def test_a_customer_is_an_organization_and_its_person_known_by_username() -> None:
    org, person = MAP("customers", CUSTOMER, DictRefs())
    assert (org.entity, org.remote_id, person.entity, person.remote_id) == (
        "organizations",
        "ckelly",
        "people",
        "ckelly",
    )
    assert org.record.name == "Scott-Johnson"  # type: ignore[attr-defined]
    assert person.record.first_name == "Caroline"  # type: ignore[attr-defined]
    assert org.record.address.billing.city == "Lake Patricia"  # type: ignore[attr-defined]
    assert org.remote_version == "2026-11-01 09:30:00"
    assert org.remote_updated_at is not None
    assert org.remote_updated_at.utcoffset() == timedelta(hours=10)


def test_a_customer_without_username_is_refused() -> None:
    with pytest.raises(MappingError, match="Username: missing"):
        MAP("customers", changed(CUSTOMER, Username=""), DictRefs())


def test_an_item_is_known_by_its_sku_with_its_price_as_the_site_shows_it() -> None:
    [mapped] = MAP("products", ITEM, DictRefs())
    item = mapped.record
    assert isinstance(item, Item)
    assert (mapped.remote_id, item.code, item.reference, item.name) == (
        "SCO-0001",
        "SCO-0001",
        "SCO-0001",
        "Alpine Tent",
    )
    assert item.sale_price is not None
    assert item.sale_price.total_amount == Decimal("181.69")
    assert item.sale_price.net_amount is None
    assert (item.is_sold, item.is_purchased, item.status) == (True, False, ItemStatus.ACTIVE)
    [exclusive] = MAP("products", changed(ITEM, TaxInclusive="False", IsActive="False"), DictRefs())
    assert exclusive.record.sale_price.net_amount == Decimal("181.69")  # type: ignore[attr-defined]
    assert exclusive.record.status == ItemStatus.INACTIVE  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"SKU": ""}, "no SKU: Xero items are matched by code"),
        ({"SKU": "X" * 31}, "longer than 30 characters"),
        ({"DefaultPrice": "12,50"}, "Neto Item SCO-0001: DefaultPrice: not a number (got '12,50')"),
        ({"IsActive": "maybe"}, "IsActive: expected True or False"),
    ],
)
def test_a_bad_item_is_refused_with_the_reason(fields: dict[str, str], reason: str) -> None:
    with pytest.raises(MappingError) as error:
        MAP("products", changed(ITEM, **fields), DictRefs())
    assert reason in str(error.value)


def test_a_paid_order_is_tax_codes_an_invoice_and_its_payment() -> None:
    refs = DictRefs()
    found = MAP("orders", ORDER, refs)
    assert [(m.entity, m.remote_id) for m in found] == [
        ("tax_codes", "GST|10"),
        ("tax_codes", "FRE|0"),
        ("invoices", "N10001"),
        ("payments", "N10001/payment/1"),
    ]
    assert {m.remote_version for m in found} == {"2026-11-02 08:00:00"}
    invoice = found[2].record
    assert isinstance(invoice, Invoice)
    assert (invoice.transaction_number, invoice.reference) == ("NETO-N10001", "N10001")
    assert invoice.transaction_date == invoice.due_date == date(2026, 11, 1)  # the site's local date
    assert invoice.line_amount_type == LineAmountType.INCLUSIVE
    assert invoice.status == DocumentStatus.AUTHORISED
    assert invoice.organization_id == refs.hub_id("organizations", "ckelly")
    assert invoice.person_id == refs.hub_id("people", "ckelly")
    assert invoice.amount is not None
    assert (invoice.amount.total_amount, invoice.amount.tax_amount, invoice.amount.net_amount) == (
        Decimal("243.00"),
        Decimal("22.09"),
        Decimal("220.91"),
    )
    tent, map_line, shipping, coupon = invoice.lines
    assert tent.item_id == refs.hub_id("items", "TENT")
    assert (tent.quantity, tent.reduction_percent) == (Decimal(2), Decimal(10))
    assert tent.unit_price is not None
    assert tent.unit_price.total_amount == Decimal("110.00")
    gst, fre = refs.hub_id("tax_codes", "GST|10"), refs.hub_id("tax_codes", "FRE|0")
    assert (tent.tax_code_id, map_line.tax_code_id) == (gst, fre)
    assert (shipping.description, shipping.item_id, shipping.tax_code_id) == ("Shipping: Express", None, gst)
    assert coupon.description == "Discount WELCOME10"
    assert coupon.quantity == 1
    assert coupon.unit_price is not None
    assert coupon.unit_price.total_amount == Decimal(-10)
    payment = found[3].record
    assert isinstance(payment, Payment)
    assert payment.transaction_date == date(2026, 11, 1)
    assert payment.amount.total_amount == Decimal("243.00")
    assert payment.payment_lines[0].invoice_id == refs.hub_id("invoices", "N10001")
    assert payment.transaction_number == "NETO-N10001-P1"
    assert payment.account_id is None  # no bank account named: Xero's default one takes it


def test_a_product_discount_is_a_negative_line_never_a_negative_quantity() -> None:
    raw = changed(ORDER)
    raw["OrderLine"][1]["ProductDiscount"] = "4.00"
    invoice = MAP("orders", raw, DictRefs())[2].record
    discount = invoice.lines[2]  # type: ignore[attr-defined]
    assert discount.description == "Discount MAP"
    assert discount.quantity == 1
    assert discount.unit_price.total_amount == Decimal(-4)


def payment(number: str, amount: str, paid: str) -> dict[str, str]:
    """An ``OrderPayment`` entry as GetOrder answers it."""
    return {"Id": number, "PaymentType": "Credit Card", "Amount": amount, "DatePaid": paid}


def payments_of(raw: dict[str, Any], refs: DictRefs | None = None) -> list[Any]:
    return [m for m in MAP("orders", raw, refs or DictRefs()) if m.entity == "payments"]


def test_an_order_paid_in_two_parts_gives_two_payments_with_their_own_dates_and_amounts() -> None:
    refs = DictRefs()
    deposit, balance = payment("1", "100.00", "2026-11-01 23:51:00"), payment("4", "143.00", "2026-11-03 09:00:00")
    found = payments_of(changed(ORDER, DatePaid="2026-11-03 09:00:00", OrderPayment=[deposit, balance]), refs)
    assert [(m.remote_id, m.record.transaction_date, m.record.amount.total_amount) for m in found] == [
        ("N10001/payment/1", date(2026, 11, 1), Decimal("100.00")),
        ("N10001/payment/4", date(2026, 11, 3), Decimal("143.00")),
    ]
    assert sum(m.record.amount.total_amount for m in found) == Decimal(ORDER["GrandTotal"])
    assert [m.record.transaction_number for m in found] == ["NETO-N10001-P1", "NETO-N10001-P4"]
    assert {m.record.payment_lines[0].invoice_id for m in found} == {refs.hub_id("invoices", "N10001")}


def test_a_part_paid_order_gives_one_payment_of_the_part_and_its_invoice_stays_authorised() -> None:
    deposit = payment("1", "100.00", "2026-11-01 23:51:00")
    found = MAP("orders", changed(ORDER, DatePaid="", OrderPayment=[deposit]), DictRefs())
    [part] = [m for m in found if m.entity == "payments"]
    assert (part.remote_id, part.record.amount.total_amount) == ("N10001/payment/1", Decimal("100.00"))
    [invoice] = [m for m in found if m.entity == "invoices"]
    assert invoice.record.status == DocumentStatus.AUTHORISED


def test_an_unpaid_order_is_an_authorised_invoice_without_payment() -> None:
    found = MAP("orders", changed(ORDER, DatePaid="", OrderPayment=[]), DictRefs())
    assert [m.entity for m in found][-1] == "invoices"
    assert found[-1].record.status == DocumentStatus.AUTHORISED  # type: ignore[attr-defined]


def test_an_order_marked_paid_without_a_payment_entry_is_paid_its_total_that_day() -> None:
    [paid] = payments_of(changed(ORDER, OrderPayment=[]))
    assert (paid.remote_id, paid.record.transaction_number) == ("N10001/payment", "NETO-N10001")
    assert (paid.record.transaction_date, paid.record.amount.total_amount) == (date(2026, 11, 1), Decimal("243.00"))


def test_a_refund_recorded_as_a_negative_payment_is_no_payment() -> None:
    entries = [payment("1", "243.00", "2026-11-01 23:51:00"), payment("2", "-20.00", "2026-11-04 10:00:00")]
    assert [m.remote_id for m in payments_of(changed(ORDER, OrderPayment=entries))] == ["N10001/payment/1"]


def test_reading_an_order_again_gives_the_same_payments_so_nothing_is_written_twice() -> None:
    refs = DictRefs()
    deposit = payment("1", "100.00", "2026-11-01 23:51:00")
    [before] = payments_of(changed(ORDER, DatePaid="", OrderPayment=deposit), refs)  # one entry: an object, not a list
    entries = [deposit, payment("4", "143.00", "2026-11-03 09:00:00")]
    after = payments_of(changed(ORDER, DateUpdated="2026-11-03 09:00:00", OrderPayment=entries), refs)
    assert [m.remote_id for m in after] == ["N10001/payment/1", "N10001/payment/4"]
    assert after[0].record == before.record


def test_a_payment_entry_without_its_id_or_date_is_refused() -> None:
    with pytest.raises(MappingError, match="OrderPayment 1: Id: missing"):
        MAP("orders", changed(ORDER, OrderPayment=[payment("", "243.00", "2026-11-01 23:51:00")]), DictRefs())
    with pytest.raises(MappingError, match="OrderPayment 1: DatePaid: missing"):
        MAP("orders", changed(ORDER, OrderPayment=[payment("1", "243.00", "")]), DictRefs())


def test_a_cancelled_order_is_a_voided_invoice_without_payment() -> None:
    found = MAP("orders", changed(ORDER, OrderStatus="Cancelled"), DictRefs())
    assert found[-1].entity == "invoices"  # though the order was paid: Xero voids no invoice with a payment
    assert found[-1].record.status == DocumentStatus.VOIDED  # type: ignore[attr-defined]


def test_a_tax_exclusive_order_puts_net_prices_on_its_lines() -> None:
    invoice = MAP("orders", changed(ORDER, TaxInclusive="False"), DictRefs())[2].record
    assert invoice.line_amount_type == LineAmountType.EXCLUSIVE  # type: ignore[attr-defined]
    assert invoice.lines[0].unit_price.net_amount == Decimal("110.00")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"Username": ""}, "Neto Order N10001: no customer (a guest order): Xero needs a contact on every invoice"),
        ({"GrandTotal": "abc"}, "Neto Order N10001: GrandTotal: not a number (got 'abc')"),
        ({"TaxInclusive": ""}, "TaxInclusive: missing"),
        ({"DatePlaced": "01/11/2026"}, "DatePlaced: not a date"),
        ({"OrderLine": []}, "OrderLine: no lines"),
    ],
)
def test_an_order_that_cannot_become_an_invoice_is_refused_with_the_reason(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(MappingError) as error:
        MAP("orders", changed(ORDER, **fields), DictRefs())
    assert reason in str(error.value)


def test_an_unknown_tax_code_is_refused_unless_the_site_table_knows_it() -> None:
    raw = changed(ORDER)
    raw["OrderLine"][1]["TaxCode"] = "EXP"
    with pytest.raises(MappingError, match="OrderLine 2: TaxCode: unknown tax code"):
        MAP("orders", raw, DictRefs())
    mapper = neto_mapper(SETTINGS, tax_rates={"GST": Decimal(10), "EXP": Decimal(0)})
    assert "EXP|0" in [m.remote_id for m in mapper("orders", raw, DictRefs())]


def test_an_rma_is_a_credit_note_paid_back_to_the_customer() -> None:
    refs = DictRefs()
    found = MAP("refunds", RMA, refs)
    assert [(m.entity, m.remote_id) for m in found] == [
        ("tax_codes", "GST|10"),
        ("credit_notes", "7"),
        ("payments", "7/refund"),
    ]
    note = found[1].record
    assert isinstance(note, CreditNote)
    assert note.transaction_number == "NETO-N10001-R7"
    assert note.transaction_date == date(2026, 11, 5)
    assert note.status == DocumentStatus.AUTHORISED
    assert [(li.description, li.quantity) for li in note.lines] == [
        ("Tent", Decimal(1)),
        ("Shipping refund", Decimal(1)),
    ]
    assert note.lines[0].item_id == refs.hub_id("items", "TENT")
    assert note.lines[1].tax_code_id == refs.hub_id("tax_codes", "GST|10")
    assert note.allocations == []  # paid back, not allocated to the order's (already paid) invoice
    assert note.organization_id == refs.hub_id("organizations", "ckelly")
    assert found[1].remote_version == "2026-11-05 10:00:00"
    paid = found[2].record
    assert isinstance(paid, Payment)
    assert (paid.type, paid.amount.total_amount, paid.transaction_date) == (
        "CUSTOMER",
        Decimal("110.00"),
        date(2026, 11, 5),
    )
    assert paid.organization_id == refs.hub_id("organizations", "ckelly")
    assert [(ln.credit_note_id, ln.invoice_id, ln.amount) for ln in paid.payment_lines] == [
        (refs.hub_id("credit_notes", "7"), None, Decimal("110.00"))
    ]
    assert found[2].remote_version == "2026-11-05 10:00:00"


def test_an_rma_of_a_guest_order_is_refused() -> None:
    with pytest.raises(MappingError, match="Xero needs a contact"):
        MAP("refunds", changed(RMA, Username=""), DictRefs())


def test_a_stream_the_connector_does_not_read_is_refused() -> None:
    with pytest.raises(MappingError, match="does not read"):
        MAP("vouchers", {}, DictRefs())
