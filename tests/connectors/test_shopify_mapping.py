"""The Shopify mapping, pure: GraphQL nodes in, canonical records (or a reject's reason) out."""

from __future__ import annotations

import copy
import typing as t
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from connectors.base.shop import ShopSettings
from connectors.shopify import shopify_mapper
from datashare.model import Item, Organization, Person
from datashare.model.mapping import DictRefs, MappingError

SETTINGS = ShopSettings(currency="AUD", number_prefix="SHOP-")
SYDNEY = ZoneInfo("Australia/Sydney")


def bag(amount: str) -> dict[str, t.Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "AUD"}}


def gst(amount: str) -> list[dict[str, t.Any]]:
    return [{"title": "GST", "rate": 0.1, "priceSet": bag(amount)}]


def tx(number: int, kind: str, at: str, amount: str, status: str = "SUCCESS") -> dict[str, t.Any]:
    """An order transaction as the connector's query reads it."""
    return {
        "id": f"gid://shopify/OrderTransaction/{number}",
        "kind": kind,
        "status": status,
        "processedAt": at,
        "createdAt": at,
        "amountSet": bag(amount),
    }


def order(**changes: t.Any) -> dict[str, t.Any]:
    """A paid order of 2 mugs at 22.00 less 10% (code TEN) plus 11.00 shipping, GST included, placed 2026-11-19 23:30Z."""
    raw: dict[str, t.Any] = {
        "id": "gid://shopify/Order/5001",
        "legacyResourceId": "5001",
        "name": "#1001",
        "processedAt": "2026-11-19T23:30:00Z",
        "createdAt": "2026-11-19T23:30:00Z",
        "updatedAt": "2026-11-20T01:00:00Z",
        "cancelledAt": None,
        "currencyCode": "AUD",
        "taxesIncluded": True,
        "fullyPaid": True,
        "customer": {"legacyResourceId": "7001"},
        "totalPriceSet": bag("50.60"),
        "totalTaxSet": bag("4.60"),
        "lineItems": {
            "pageInfo": {"hasNextPage": False},
            "nodes": [
                {
                    "name": "Mug",
                    "quantity": 2,
                    "variant": {"legacyResourceId": "4501"},
                    "originalUnitPriceSet": bag("22.00"),
                    "taxLines": gst("3.60"),
                    "discountAllocations": [{"allocatedAmountSet": bag("4.40"), "discountApplication": {"index": 0}}],
                }
            ],
        },
        "shippingLines": {
            "nodes": [{"title": "Standard", "discountedPriceSet": bag("11.00"), "taxLines": gst("1.00")}]
        },
        "discountApplications": {"nodes": [{"index": 0, "code": "TEN", "value": {"percentage": 10.0}}]},
        "transactions": [tx(6901, "SALE", "2026-11-19T23:31:00Z", "50.60")],
        "refunds": [],
    }
    raw.update(changes)
    return raw


REFUND = {
    "legacyResourceId": "9301",
    "createdAt": "2026-11-21T02:00:00Z",
    "note": "chipped",
    "totalRefundedSet": bag("19.80"),
    "refundLineItems": {
        "pageInfo": {"hasNextPage": False},
        "nodes": [
            {
                "quantity": 1,
                "subtotalSet": bag("19.80"),
                "totalTaxSet": bag("1.80"),
                "lineItem": {"name": "Mug", "variant": {"legacyResourceId": "4501"}, "taxLines": gst("3.60")},
            }
        ],
    },
    "refundShippingLines": [],
}


def map_order(raw: dict[str, t.Any], refs: DictRefs | None = None) -> tuple[dict[str, list[t.Any]], DictRefs]:
    refs = refs or DictRefs()
    found: dict[str, list[t.Any]] = {}
    for mapped in shopify_mapper(SETTINGS, zone=SYDNEY)("orders", raw, refs):
        found.setdefault(mapped.entity, []).append(mapped)
    return found, refs


def test_a_paid_order_is_an_invoice_with_its_tax_code_and_payment_dated_in_the_shops_timezone() -> None:
    found, refs = map_order(order())
    [tax] = found["tax_codes"]
    assert (tax.remote_id, tax.record.sale_tax_rate) == ("GST|10", Decimal(10))
    [invoice] = found["invoices"]
    record = invoice.record
    assert (invoice.remote_id, record.transaction_number, record.reference) == ("5001", "SHOP-1001", "#1001")
    assert record.transaction_date == record.due_date == date(2026, 11, 20)  # 23:30Z is the 20th in Sydney
    assert (record.type, record.status, record.line_amount_type) == ("CUSTOMER", "AUTHORISED", "INCLUSIVE")
    assert record.organization_id == refs.hub_id("organizations", "7001")
    assert record.person_id == refs.hub_id("people", "7001")
    lines = [(ln.description, ln.quantity, ln.unit_price.total_amount) for ln in record.lines]
    assert lines == [
        ("Mug", 2, Decimal("22.00")),
        ("Shipping: Standard", 1, Decimal("11.00")),
        ("Discount TEN", 1, Decimal("-4.40")),
    ]
    assert sum(ln.quantity * ln.unit_price.total_amount for ln in record.lines) == record.amount.total_amount
    assert record.lines[0].item_id == refs.hub_id("items", "4501")
    assert record.lines[1].item_id is None
    assert {ln.tax_code_id for ln in record.lines} == {refs.hub_id("tax_codes", "GST|10")}
    assert (record.amount.tax_amount, record.amount.net_amount) == (Decimal("4.60"), Decimal("46.00"))
    [payment] = found["payments"]
    assert (payment.remote_id, payment.record.transaction_number) == ("5001/payment/6901", "SHOP-1001-P6901")
    assert (payment.record.amount.total_amount, payment.record.transaction_date) == (
        Decimal("50.60"),
        date(2026, 11, 20),
    )
    assert payment.record.payment_lines[0].invoice_id == refs.hub_id("invoices", "5001")
    assert payment.record.account_id is None  # no bank account named: Xero's default one takes it
    everything = [m for ms in found.values() for m in ms]
    assert {(m.remote_version, str(m.remote_updated_at)) for m in everything} == {
        ("2026-11-20T01:00:00Z", "2026-11-20 01:00:00+00:00")
    }


def test_an_order_marked_paid_without_transactions_is_paid_its_total_on_its_date() -> None:
    found, _ = map_order(order(transactions=[]))
    [payment] = found["payments"]
    assert (payment.remote_id, payment.record.transaction_number) == ("5001/payment", "SHOP-1001")
    assert (payment.record.amount.total_amount, payment.record.transaction_date) == (
        Decimal("50.60"),
        date(2026, 11, 20),
    )


def test_an_order_paid_in_two_captures_gives_two_payments_with_their_own_dates_and_amounts() -> None:
    transactions = [
        tx(6900, "AUTHORIZATION", "2026-11-19T23:31:00Z", "50.60"),
        tx(6902, "CAPTURE", "2026-11-19T23:40:00Z", "20.00"),
        tx(6903, "CAPTURE", "2026-11-21T22:00:00Z", "10.00", status="FAILURE"),
        tx(6904, "CAPTURE", "2026-11-22T01:00:00Z", "30.60"),
    ]
    found, refs = map_order(order(transactions=transactions))
    payments = found["payments"]
    assert [p.remote_id for p in payments] == ["5001/payment/6902", "5001/payment/6904"]
    assert [(p.record.transaction_date, p.record.amount.total_amount) for p in payments] == [
        (date(2026, 11, 20), Decimal("20.00")),  # in Sydney
        (date(2026, 11, 22), Decimal("30.60")),
    ]
    assert sum(p.record.amount.total_amount for p in payments) == found["invoices"][0].record.amount.total_amount
    assert [p.record.transaction_number for p in payments] == ["SHOP-1001-P6902", "SHOP-1001-P6904"]
    assert {ln.invoice_id for p in payments for ln in p.record.payment_lines} == {refs.hub_id("invoices", "5001")}
    assert found["invoices"][0].record.status == "AUTHORISED"


def test_a_deposit_and_a_manual_balance_are_two_sales_and_two_payments() -> None:
    transactions = [
        tx(6905, "SALE", "2026-11-19T23:31:00Z", "15.00"),
        tx(6906, "SALE", "2026-11-24T03:00:00Z", "35.60"),
    ]
    found, _ = map_order(order(transactions=transactions))
    assert [(p.remote_id, p.record.amount.total_amount) for p in found["payments"]] == [
        ("5001/payment/6905", Decimal("15.00")),
        ("5001/payment/6906", Decimal("35.60")),
    ]


def test_a_part_paid_order_gives_one_payment_of_the_part_and_its_invoice_stays_authorised() -> None:
    deposit = tx(6907, "SALE", "2026-11-19T23:31:00Z", "15.00")
    found, _ = map_order(order(fullyPaid=False, displayFinancialStatus="PARTIALLY_PAID", transactions=[deposit]))
    [payment] = found["payments"]
    assert (payment.remote_id, payment.record.amount.total_amount) == ("5001/payment/6907", Decimal("15.00"))
    assert found["invoices"][0].record.status == "AUTHORISED"  # not paid, and never left awaiting approval


def test_an_unpaid_order_is_an_authorised_invoice_without_payment() -> None:
    held = tx(6908, "AUTHORIZATION", "2026-11-19T23:31:00Z", "50.60")
    for transactions in ([], [held]):
        unpaid, _ = map_order(order(fullyPaid=False, transactions=transactions))
        assert "payments" not in unpaid
        assert unpaid["invoices"][0].record.status == "AUTHORISED"


def test_a_cancelled_order_is_voided_without_payment_even_if_money_was_taken() -> None:
    cancelled, _ = map_order(order(cancelledAt="2026-11-21T00:00:00Z"))
    assert cancelled["invoices"][0].record.status == "VOIDED"
    assert "payments" not in cancelled


def test_reading_an_order_again_gives_the_same_payments_so_nothing_is_written_twice() -> None:
    transactions = [tx(6902, "CAPTURE", "2026-11-19T23:40:00Z", "20.00")]
    refs = DictRefs()
    first, _ = map_order(order(fullyPaid=False, transactions=transactions), refs)
    transactions = [*transactions, tx(6904, "CAPTURE", "2026-11-22T01:00:00Z", "30.60")]
    again, _ = map_order(order(updatedAt="2026-11-22T01:00:00Z", transactions=transactions), refs)
    assert [p.remote_id for p in again["payments"]] == ["5001/payment/6902", "5001/payment/6904"]
    assert again["payments"][0].record == first["payments"][0].record


def test_a_transaction_without_its_id_is_refused() -> None:
    nameless = {**tx(6901, "SALE", "2026-11-19T23:31:00Z", "50.60"), "id": None}
    with pytest.raises(MappingError, match=r"transactions\[0\]: id None: not a Shopify transaction id"):
        map_order(order(transactions=[nameless]))


def test_prices_without_tax_are_net_amounts_on_an_exclusive_invoice() -> None:
    found, _ = map_order(order(taxesIncluded=False))
    invoice = found["invoices"][0].record
    assert invoice.line_amount_type == "EXCLUSIVE"
    assert invoice.lines[0].unit_price.net_amount == Decimal("22.00")
    assert invoice.lines[0].unit_price.total_amount is None


def test_a_refund_is_a_credit_note_paid_back_to_the_customer() -> None:
    found, refs = map_order(order(refunds=[REFUND]))
    [note] = found["credit_notes"]
    record = note.record
    assert (note.remote_id, record.transaction_number, record.reference) == ("9301", "SHOP-1001-R1", "#1001")
    assert (record.status, record.transaction_date) == ("AUTHORISED", date(2026, 11, 21))
    assert [(ln.description, ln.quantity, ln.unit_price.total_amount) for ln in record.lines] == [
        ("Mug", 1, Decimal("19.80"))
    ]
    assert record.lines[0].tax_code_id == refs.hub_id("tax_codes", "GST|10")
    assert record.allocations == []  # paid back, not allocated to the order's (already paid) invoice
    assert note.remote_version == "2026-11-20T01:00:00Z"  # the order's: a refund moves its order
    assert [p.remote_id for p in found["payments"]] == ["5001/payment/6901", "9301/refund"]
    refund = found["payments"][1]
    paid = refund.record
    assert (paid.type, paid.amount.total_amount, paid.transaction_date) == (
        "CUSTOMER",
        Decimal("19.80"),
        date(2026, 11, 21),
    )
    assert paid.organization_id == record.organization_id == refs.hub_id("organizations", "7001")
    assert [(ln.credit_note_id, ln.invoice_id, ln.amount) for ln in paid.payment_lines] == [
        (refs.hub_id("credit_notes", "9301"), None, Decimal("19.80"))
    ]
    assert refund.remote_version == note.remote_version


def test_several_taxes_on_a_line_become_one_code_at_their_summed_rate_returned_once() -> None:
    raw = order(taxesIncluded=False, shippingLines={"nodes": []}, discountApplications={"nodes": []})
    line = raw["lineItems"]["nodes"][0]
    line["discountAllocations"] = []
    line["taxLines"] = [
        {"title": "State", "rate": 0.0625, "priceSet": bag("2.75")},
        {"title": "County", "rate": 0.01, "priceSet": bag("0.44")},
    ]
    raw["lineItems"]["nodes"].append(copy.deepcopy(line))
    found, _ = map_order(raw)
    assert [(t.remote_id, t.record.sale_tax_rate) for t in found["tax_codes"]] == [
        ("State + County|7.25", Decimal("7.25"))
    ]


def test_a_guest_order_is_refused_because_xero_needs_a_contact() -> None:
    with pytest.raises(
        MappingError, match=r"Shopify Order #1001 \(5001\): a guest order .*Xero needs a contact on every invoice"
    ):
        map_order(order(customer=None))


@pytest.mark.parametrize("amount", ["12,50", "1e3", "", "NaN"])
def test_a_bad_amount_is_refused_naming_the_field_and_value(amount: str) -> None:
    with pytest.raises(MappingError, match=f"amount '{amount}': not a decimal amount"):
        map_order(order(totalPriceSet=bag(amount)))


def test_an_order_read_in_part_is_refused_rather_than_mapped_short() -> None:
    raw = order()
    raw["lineItems"]["pageInfo"]["hasNextPage"] = True
    with pytest.raises(MappingError, match=r"only part of its lineItems were read"):
        map_order(raw)


def product(*variants: dict[str, t.Any], status: str = "ACTIVE") -> dict[str, t.Any]:
    return {
        "legacyResourceId": "8801",
        "title": "Shop Logo T-Shirt",
        "description": "Soft cotton",
        "status": status,
        "updatedAt": "2026-11-01T00:00:00Z",
        "variants": {"pageInfo": {"hasNextPage": False}, "nodes": list(variants)},
    }


def variant(variant_id: str, sku: str | None, price: str = "29.95", title: str = "S") -> dict[str, t.Any]:
    return {"legacyResourceId": variant_id, "sku": sku, "price": price, "title": title}


def test_each_variant_is_an_item_known_by_its_id_and_matched_by_sku() -> None:
    raw = product(variant("4501", "TEE-S"), variant("4502", "TEE-M", "31.00", "M"))
    mapped = shopify_mapper(SETTINGS)("products", raw, DictRefs())
    items = [(m.remote_id, t.cast(Item, m.record)) for m in mapped]
    assert [(remote_id, i.code, i.reference, i.name) for remote_id, i in items] == [
        ("4501", "TEE-S", "TEE-S", "Shop Logo T-Shirt - S"),
        ("4502", "TEE-M", "TEE-M", "Shop Logo T-Shirt - M"),
    ]
    first = items[0][1]
    assert (first.is_sold, first.is_purchased, first.status) == (True, False, "ACTIVE")
    assert first.sale_price is not None
    assert first.sale_price.total_amount == Decimal("29.95")
    exclusive = t.cast(Item, shopify_mapper(SETTINGS, taxes_included=False)("products", raw, DictRefs())[0].record)
    assert exclusive.sale_price is not None
    assert exclusive.sale_price.net_amount == Decimal("29.95")
    archived = shopify_mapper(SETTINGS)("products", product(variant("4501", "TEE-S"), status="ARCHIVED"), DictRefs())
    assert t.cast(Item, archived[0].record).status == "INACTIVE"


def test_a_variant_without_a_sku_or_with_a_too_long_one_is_refused() -> None:
    mapper = shopify_mapper(SETTINGS)
    with pytest.raises(MappingError, match="ProductVariant 4502: no SKU: Xero items are matched by code"):
        mapper("products", product(variant("4501", "TEE-S"), variant("4502", None)), DictRefs())
    with pytest.raises(MappingError, match="longer than 30 characters"):
        mapper("products", product(variant("4501", "X" * 31)), DictRefs())


def test_a_customer_is_an_organization_named_after_its_company_and_its_person() -> None:
    address = {
        "company": "Lee Pty Ltd",
        "address1": "1 King St",
        "city": "Sydney",
        "provinceCode": "NSW",
        "zip": "2000",
        "countryCodeV2": "AU",
    }
    raw: dict[str, t.Any] = {
        "legacyResourceId": "7001",
        "firstName": "Ann",
        "lastName": "Lee",
        "email": "ann@example.com",
        "phone": None,
        "updatedAt": "2026-11-01T00:00:00Z",
        "defaultAddress": address,
    }
    refs = DictRefs()
    org_mapped, person_mapped = shopify_mapper(SETTINGS)("customers", raw, refs)
    org, person = t.cast(Organization, org_mapped.record), t.cast(Person, person_mapped.record)
    assert (org_mapped.entity, org_mapped.remote_id, org.name) == ("organizations", "7001", "Lee Pty Ltd")
    assert (person_mapped.entity, person.email, person.organization_id) == (
        "people",
        "ann@example.com",
        refs.hub_id("organizations", "7001"),
    )
    assert org.address is not None
    assert org.address.billing is not None
    assert org.address.billing.city == "Sydney"
    address["countryCodeV2"] = "ZZ"
    with pytest.raises(MappingError, match=r"Shopify Customer 7001: .*country"):
        shopify_mapper(SETTINGS)("customers", raw, refs)


def test_an_unknown_stream_is_refused() -> None:
    with pytest.raises(MappingError, match="does not read"):
        shopify_mapper(SETTINGS)("gift_cards", {}, DictRefs())
