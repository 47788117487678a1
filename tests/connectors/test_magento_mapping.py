"""Magento -> canonical mapping, on plain dicts shaped like Magento's REST answers."""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connectors.base.shop import ShopSettings
from connectors.magento import magento_mapper
from datashare.model import (
    CreditNote,
    DocumentStatus,
    Invoice,
    Item,
    ItemStatus,
    LineAmountType,
    Organization,
    Payment,
    Person,
    TaxCode,
)
from datashare.model.mapping import DictRefs, MappingError

SETTINGS = ShopSettings(currency="AUD", number_prefix="MAG-")
_mapper = magento_mapper(SETTINGS, timezone="Australia/Sydney")


def map_record(stream: str, raw: dict[str, t.Any], refs: DictRefs) -> list[t.Any]:
    """The mapper, its records typed loosely so tests can read any model's fields."""
    return _mapper(stream, raw, refs)


def customer(**changes: t.Any) -> dict[str, t.Any]:
    record: dict[str, t.Any] = {
        "id": 7,
        "email": "kim@leeholdings.example.com",
        "firstname": "Kim",
        "lastname": "Lee",
        "default_billing": "11",
        "default_shipping": "12",
        "created_at": "2026-10-01 00:00:00",
        "updated_at": "2026-10-02 04:05:06",
        "addresses": [
            {
                "id": 11,
                "company": "Lee Holdings",
                "street": ["1 George St", "Level 2"],
                "city": "Sydney",
                "region": {"region_code": "NSW", "region": "New South Wales"},
                "postcode": "2000",
                "country_id": "AU",
                "telephone": "02 9000 0000",
            },
            {
                "id": 12,
                "street": ["9 Wharf Rd"],
                "city": "Hobart",
                "region": {"region_code": "TAS"},
                "postcode": "7000",
                "country_id": "AU",
            },
        ],
    }
    record.update(changes)
    return record


def product(**changes: t.Any) -> dict[str, t.Any]:
    record: dict[str, t.Any] = {
        "id": 3,
        "sku": "SCO-0001",
        "name": "Alpine Tent",
        "price": 199.5,
        "status": 1,
        "type_id": "simple",
        "updated_at": "2026-10-02 04:05:06",
        "custom_attributes": [
            {"attribute_code": "description", "value": "A tent"},
            {"attribute_code": "tax_class_id", "value": "2"},
        ],
    }
    record.update(changes)
    return record


def order_item(
    item_id: int, sku: str, product_id: int, price: float, qty: float = 1, **changes: t.Any
) -> dict[str, t.Any]:
    tax = round(price * qty * 0.1, 2)
    record: dict[str, t.Any] = {
        "item_id": item_id,
        "sku": sku,
        "name": sku.title(),
        "product_id": product_id,
        "product_type": "simple",
        "qty_ordered": qty,
        "price": price,
        "row_total": price * qty,
        "tax_amount": tax,
        "tax_percent": 10,
        "discount_amount": 0,
    }
    record.update(changes)
    return record


def order(**changes: t.Any) -> dict[str, t.Any]:
    record: dict[str, t.Any] = {
        "entity_id": 42,
        "increment_id": "000000042",
        "state": "new",
        "customer_id": 7,
        "customer_is_guest": 0,
        "created_at": "2026-11-01 22:30:00",  # 09:30 on 2 November in Sydney
        "updated_at": "2026-11-03 01:00:00",
        "order_currency_code": "AUD",
        "subtotal": 260.0,
        "shipping_amount": 9.95,
        "shipping_tax_amount": 1.0,
        "shipping_description": "Flat Rate - Fixed",
        "discount_amount": 0,
        "tax_amount": 27.0,
        "grand_total": 296.95,
        "total_paid": 0,
        "items": [
            order_item(1, "SCO-0001", 3, 200.0),
            order_item(2, "TEE-M", 20, 30.0, qty=2, name="Tee", product_type="configurable"),
            order_item(3, "TEE-M", 22, 0, qty=2, name="Tee-M", parent_item_id=2, tax_percent=0, tax_amount=0),
        ],
        "extension_attributes": {"applied_taxes": [{"code": "GST", "title": "GST", "percent": 10, "amount": 27.0}]},
        "_invoices": [],
    }
    record.update(changes)
    return record


def memo(**changes: t.Any) -> dict[str, t.Any]:
    record: dict[str, t.Any] = {
        "entity_id": 5,
        "order_id": 42,
        "increment_id": "000000005",
        "created_at": "2026-11-04 23:00:00",
        "updated_at": "2026-11-04 23:00:00",
        "order_currency_code": "AUD",
        "subtotal": 30.0,
        "shipping_amount": 0,
        "shipping_tax_amount": 0,
        "discount_amount": 0,
        "adjustment_positive": 0,
        "adjustment_negative": 5,
        "tax_amount": 3.0,
        "grand_total": 28.0,
        "items": [
            {
                "order_item_id": 2,
                "sku": "TEE-M",
                "name": "Tee",
                "product_id": 20,
                "qty": 1,
                "price": 30.0,
                "row_total": 30.0,
                "tax_amount": 3.0,
                "discount_amount": 0,
            },
            {
                "order_item_id": 3,
                "sku": "TEE-M",
                "name": "Tee-M",
                "product_id": 22,
                "qty": 1,
                "price": 0,
                "row_total": 0,
                "tax_amount": 0,
                "discount_amount": 0,
            },
            {
                "order_item_id": 1,
                "sku": "SCO-0001",
                "name": "Tent",
                "product_id": 3,
                "qty": 0,
                "price": 200.0,
                "row_total": 0,
                "tax_amount": 0,
                "discount_amount": 0,
            },
        ],
        "_order": {
            "entity_id": 42,
            "increment_id": "000000042",
            "customer_id": 7,
            "items": [
                {"item_id": 1, "product_id": 3, "product_type": "simple", "parent_item_id": None, "tax_percent": 10},
                {
                    "item_id": 2,
                    "product_id": 20,
                    "product_type": "configurable",
                    "parent_item_id": None,
                    "tax_percent": 10,
                },
                {
                    "item_id": 3,
                    "product_id": 22,
                    "product_type": "simple",
                    "parent_item_id": 2,
                    "tax_percent": 0,
                    "name": "Tee-M",
                },
            ],
            "applied_taxes": [{"title": "GST", "percent": 10}],
        },
        "_sequence": 2,
    }
    record.update(changes)
    return record


def by_entity(mapped: list[t.Any], entity: str) -> list[t.Any]:
    return [m for m in mapped if m.entity == entity]


# --- customers and products -----------------------------------------------------------------------


def test_a_customer_is_an_organization_named_after_its_company_and_its_primary_person() -> None:
    refs = DictRefs()
    org, person = map_record("customers", customer(), refs)
    assert isinstance(org.record, Organization)
    assert isinstance(person.record, Person)
    assert (org.remote_id, person.remote_id) == ("7", "7")
    assert org.record.name == "Lee Holdings"
    assert org.record.address.billing.line2 == "Level 2"  # type: ignore[union-attr]
    assert org.record.address.shipping.city == "Hobart"  # type: ignore[union-attr]
    assert person.record.organization_id == refs.hub_id("organizations", "7")
    assert org.remote_version == "2026-10-02 04:05:06"
    assert org.remote_updated_at == datetime(2026, 10, 2, 4, 5, 6, tzinfo=UTC)


def test_a_customer_without_an_address_is_named_after_the_person() -> None:
    org, _ = map_record("customers", customer(addresses=[]), DictRefs())
    assert org.record.name == "Kim Lee"


def test_a_product_is_an_item_coded_by_its_sku() -> None:
    [mapped] = map_record("products", product(), DictRefs())
    item = mapped.record
    assert isinstance(item, Item)
    assert (mapped.entity, mapped.remote_id) == ("items", "3")
    assert (item.code, item.reference, item.description) == ("SCO-0001", "SCO-0001", "A tent")
    assert item.sale_price is not None
    assert item.sale_price.net_amount == Decimal("199.5")
    assert (item.is_sold, item.is_purchased, item.status) == (True, False, ItemStatus.ACTIVE)


def test_a_disabled_product_is_inactive_and_a_long_name_is_cut() -> None:
    [mapped] = map_record("products", product(status=2, name="x" * 80), DictRefs())
    assert mapped.record.status == ItemStatus.INACTIVE
    assert mapped.record.name == "x" * 50


def test_a_configurable_parent_is_not_an_item() -> None:
    assert map_record("products", product(type_id="configurable"), DictRefs()) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sku": "  "}, "Magento Product 3: no SKU: Xero items are matched by code"),
        ({"sku": "MAG-EXPEDITION-TENT-4P-ULTRALIGHT-GREEN"}, "39 characters: a Xero item code holds at most 30"),
        ({"price": "12,50"}, "price '12,50': not a number"),
        ({"price": True}, "price True: not a number"),
        ({"updated_at": "2026-10-02T04:05:06Z"}, "updated_at '2026-10-02T04:05:06Z': not a Magento date and time"),
        ({"id": None}, "Magento Product: id None: missing"),
    ],
)
def test_bad_products_are_refused_with_the_reason(changes: dict[str, t.Any], reason: str) -> None:
    with pytest.raises(MappingError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        map_record("products", product(**changes), DictRefs())


# --- orders ---------------------------------------------------------------------------------------


def test_an_order_is_its_tax_codes_and_a_customer_invoice() -> None:
    refs = DictRefs()
    mapped = map_record("orders", order(), refs)
    [tax] = by_entity(mapped, "tax_codes")
    [invoice_mapped] = by_entity(mapped, "invoices")
    assert mapped[0] is tax
    assert not by_entity(mapped, "payments")
    assert isinstance(tax.record, TaxCode)
    assert (tax.remote_id, tax.record.name) == ("GST|10", "GST")
    invoice = invoice_mapped.record
    assert isinstance(invoice, Invoice)
    assert invoice_mapped.remote_id == "42"
    assert (invoice.transaction_number, invoice.reference) == ("MAG-000000042", "Order #000000042")
    assert invoice.transaction_date == invoice.due_date == date(2026, 11, 2)  # the Sydney date
    assert invoice.organization_id == refs.hub_id("organizations", "7")
    assert invoice.person_id == refs.hub_id("people", "7")
    # Not paid yet: approved all the same (in receivables from the start), with nothing applied to it.
    assert (invoice.line_amount_type, invoice.status) == (LineAmountType.EXCLUSIVE, DocumentStatus.AUTHORISED)
    assert invoice.amount is not None
    assert (invoice.amount.total_amount, invoice.amount.tax_amount, invoice.amount.net_amount) == (
        Decimal("296.95"),
        Decimal("27.0"),
        Decimal("269.95"),
    )
    assert all(m.remote_version == "2026-11-03 01:00:00" for m in mapped)


def test_a_configurable_parent_and_child_become_one_line_with_the_childs_product() -> None:
    refs = DictRefs()
    invoice = by_entity(map_record("orders", order(), refs), "invoices")[0].record
    tent, tee, shipping = invoice.lines
    assert tent.item_id == refs.hub_id("items", "3")
    assert tee.item_id == refs.hub_id("items", "22")
    assert (tee.description, tee.quantity, tee.unit_price.net_amount) == ("Tee-M", Decimal(2), Decimal("30.0"))
    assert tee.tax_code_id == refs.hub_id("tax_codes", "GST|10")
    assert (shipping.item_id, shipping.description) == (None, "Shipping: Flat Rate - Fixed")
    assert shipping.unit_price.net_amount == Decimal("9.95")
    assert shipping.tax_code_id == tee.tax_code_id  # 1.00 on 9.95 is the 10% rate, cent rounding aside


def test_tax_codes_carry_plain_rates_and_the_applied_tax_title() -> None:
    items = [order_item(1, "SCO-0001", 3, 200.0, tax_percent=10.0)]
    mapped = map_record("orders", order(items=items, shipping_tax_amount=0.99), DictRefs())
    [tax] = by_entity(mapped, "tax_codes")
    assert (tax.remote_id, tax.record.name, str(tax.record.sale_tax_rate)) == ("GST|10", "GST", "10")


def test_a_discount_is_a_negative_line_per_tax_rate_and_untaxed_items_get_a_zero_rate() -> None:
    items = [
        order_item(1, "SCO-0001", 3, 200.0, discount_amount=20.0),
        order_item(2, "GIFT", 9, 50.0, tax_percent=0, tax_amount=0, discount_amount=5.0),
    ]
    mapped = map_record("orders", order(items=items, coupon_code="WINTER10", discount_amount=-25.0), DictRefs())
    assert [t.remote_id for t in by_entity(mapped, "tax_codes")] == ["GST|10", "Tax 0%|0"]
    lines = by_entity(mapped, "invoices")[0].record.lines
    discounts = [
        (line.description, line.quantity, line.unit_price.net_amount)
        for line in lines
        if line.unit_price.net_amount < 0
    ]
    assert discounts == [
        ("Discount WINTER10", Decimal(1), Decimal("-20.0")),
        ("Discount WINTER10", Decimal(1), Decimal("-5.0")),
    ]


def invoice(entity_id: int, created_at: str, grand_total: float, state: int = 2) -> dict[str, t.Any]:
    """An invoice of the order as the client attaches it (state 1 open, 2 paid, 3 canceled)."""
    return {
        "entity_id": entity_id,
        "increment_id": f"00000000{entity_id}",
        "state": state,
        "grand_total": grand_total,
        "created_at": created_at,
    }


def test_an_order_invoiced_in_one_go_is_paid_by_that_invoice_on_its_date() -> None:
    refs = DictRefs()
    invoices = [invoice(9, "2026-11-02 14:30:00", 296.95)]
    mapped = map_record("orders", order(total_paid=296.95, _invoices=invoices), refs)
    [payment] = by_entity(mapped, "payments")
    assert isinstance(payment.record, Payment)
    assert payment.remote_id == "42/payment/9"
    assert payment.record.transaction_date == date(2026, 11, 3)  # 01:30 on 3 November in Sydney
    assert payment.record.amount.total_amount == Decimal("296.95")
    assert payment.record.payment_lines[0].invoice_id == refs.hub_id("invoices", "42")
    assert payment.record.transaction_number == "MAG-000000042-P000000009"  # the Magento invoice's number
    assert payment.record.account_id is None  # no bank account named: Xero's default one takes it


def test_an_order_invoiced_in_two_parts_gives_two_payments_with_their_own_dates_and_amounts() -> None:
    refs = DictRefs()
    invoices = [invoice(9, "2026-11-02 14:30:00", 100.0), invoice(11, "2026-11-05 03:00:00", 196.95)]
    mapped = map_record("orders", order(state="processing", total_paid=296.95, _invoices=invoices), refs)
    payments = by_entity(mapped, "payments")
    assert [(p.remote_id, p.record.transaction_date, p.record.amount.total_amount) for p in payments] == [
        ("42/payment/9", date(2026, 11, 3), Decimal("100.0")),
        ("42/payment/11", date(2026, 11, 5), Decimal("196.95")),
    ]
    assert sum(p.record.amount.total_amount for p in payments) == Decimal("296.95")
    assert len({p.record.transaction_number for p in payments}) == 2


def test_a_part_invoiced_order_gives_one_payment_of_the_part_and_its_invoice_stays_authorised() -> None:
    invoices = [invoice(9, "2026-11-02 14:30:00", 100.0), invoice(10, "2026-11-02 15:00:00", 50.0, state=1)]
    mapped = map_record("orders", order(state="processing", total_paid=100.0, _invoices=invoices), DictRefs())
    [payment] = by_entity(mapped, "payments")  # the open invoice (not captured) took nothing
    assert (payment.remote_id, payment.record.amount.total_amount) == ("42/payment/9", Decimal("100.0"))
    [part_paid] = by_entity(mapped, "invoices")
    assert part_paid.record.status == DocumentStatus.AUTHORISED


def test_an_unpaid_order_is_an_authorised_invoice_without_payment() -> None:
    mapped = map_record("orders", order(_invoices=[invoice(9, "2026-11-02 14:30:00", 296.95, state=1)]), DictRefs())
    assert not by_entity(mapped, "payments")
    assert by_entity(mapped, "invoices")[0].record.status == DocumentStatus.AUTHORISED


def test_a_paid_order_without_a_paid_invoice_read_is_paid_in_one_on_the_date_of_its_update() -> None:
    [payment] = by_entity(map_record("orders", order(total_paid=296.95, _invoices=[]), DictRefs()), "payments")
    assert (payment.remote_id, payment.record.transaction_number) == ("42/payment", "MAG-000000042")
    assert payment.record.transaction_date == date(2026, 11, 3)
    assert payment.record.amount.total_amount == Decimal("296.95")


def test_a_canceled_order_is_voided_without_payment() -> None:
    mapped = map_record("orders", order(state="canceled"), DictRefs())
    [voided] = by_entity(mapped, "invoices")
    assert voided.record.status == DocumentStatus.VOIDED
    assert not by_entity(mapped, "payments")


def test_reading_an_order_again_gives_the_same_payments_so_nothing_is_written_twice() -> None:
    refs = DictRefs()
    first = [invoice(9, "2026-11-02 14:30:00", 100.0)]
    before = map_record("orders", order(state="processing", total_paid=100.0, _invoices=first), refs)
    both = [*first, invoice(11, "2026-11-05 03:00:00", 196.95)]
    after = map_record("orders", order(updated_at="2026-11-05 03:00:00", total_paid=296.95, _invoices=both), refs)
    assert [p.remote_id for p in by_entity(after, "payments")] == ["42/payment/9", "42/payment/11"]
    assert by_entity(after, "payments")[0].record == by_entity(before, "payments")[0].record


def test_a_guest_order_is_refused_because_xero_needs_a_contact() -> None:
    with pytest.raises(
        MappingError, match=r"Magento Order 000000042 .*guest order.*Xero needs a contact on every invoice"
    ):
        map_record("orders", order(customer_id=None, customer_is_guest=1), DictRefs())


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"grand_total": "lots"}, "grand_total 'lots': not a number"),
        ({"grand_total": float("nan")}, "grand_total nan: not a finite number"),
        ({"increment_id": None}, "increment_id None: missing"),
        ({"created_at": None}, "created_at None: missing"),
        ({"items": "none"}, "items 'none': expected a list"),
    ],
)
def test_bad_orders_are_refused_naming_the_field_and_value(changes: dict[str, t.Any], reason: str) -> None:
    with pytest.raises(MappingError, match=reason):
        map_record("orders", order(**changes), DictRefs())


def test_dates_are_utc_without_a_store_timezone() -> None:
    utc_mapper = magento_mapper(SETTINGS)
    invoice = by_entity(utc_mapper("orders", order(), DictRefs()), "invoices")[0].record
    assert invoice.transaction_date == date(2026, 11, 1)


# --- credit memos ------------------------------------------------------------------------------------


def test_a_credit_memo_is_a_credit_note_paid_back_to_the_customer() -> None:
    refs = DictRefs()
    mapped = map_record("creditmemos", memo(), refs)
    [note_mapped] = by_entity(mapped, "credit_notes")
    note = note_mapped.record
    assert isinstance(note, CreditNote)
    assert note_mapped.remote_id == "5"
    assert note.transaction_number == "MAG-000000042-R2"
    assert note.transaction_date == date(2026, 11, 5)
    assert note.organization_id == refs.hub_id("organizations", "7")
    [tee, fee] = note.lines
    assert (tee.item_id, tee.quantity, tee.unit_price.net_amount) == (  # type: ignore[union-attr]
        refs.hub_id("items", "22"),
        Decimal(1),
        Decimal("30.0"),
    )
    assert tee.tax_code_id == refs.hub_id("tax_codes", "GST|10")
    assert (fee.description, fee.unit_price.net_amount) == ("Adjustment fee", Decimal("-5"))  # type: ignore[union-attr]
    assert note.allocations == []  # paid back, not allocated to the order's (already paid) invoice
    assert note.status == DocumentStatus.AUTHORISED
    [refund] = by_entity(mapped, "payments")
    paid = refund.record
    assert isinstance(paid, Payment)
    assert (refund.remote_id, refund.remote_version) == ("5/refund", note_mapped.remote_version)
    assert (paid.type, paid.amount.total_amount, paid.transaction_date) == (
        "CUSTOMER",
        Decimal("28.0"),
        date(2026, 11, 5),
    )
    assert paid.organization_id == refs.hub_id("organizations", "7")
    [line] = paid.payment_lines
    assert (line.credit_note_id, line.invoice_id, line.amount) == (
        refs.hub_id("credit_notes", "5"),
        None,
        Decimal("28.0"),
    )


def test_a_credit_memo_read_without_its_order_is_refused() -> None:
    with pytest.raises(MappingError, match="_order None: missing"):
        map_record("creditmemos", memo(_order=None), DictRefs())


def test_an_unknown_stream_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="does not read"):
        map_record("shipments", {}, DictRefs())
