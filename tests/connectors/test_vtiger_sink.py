"""The vTiger sink on the in-process sandbox: taxes, items, invoices and purchase orders written back to the CRM.

The hub is a dict (records and snapshots) and the id map ``DictRefs``; every
result is checked as the engine records it (created, revised, unchanged,
skipped with its reason, waiting, carried).
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from connectors.base.mapping import DictRefs
from connectors.vtiger import VtigerClient
from connectors.vtiger.mapping import STAND_IN_SERVICE, make_mapper
from connectors.vtiger.sink import NO_BILLS, SUPPLIERS, VtigerSink
from connectors.vtiger.tables import read_lookups
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
    ItemType,
    Organization,
    Person,
    PurchaseOrder,
    PurchaseOrderStatus,
    TaxCode,
)
from datashare.sync.push import PushResult
from sandbox.vtiger import VtigerState

AUD = "AUD"
STREET = Addresses(billing=Address(line1="1 College Rd", city="Sydney", country="AU"))


class Hub:
    """The records and snapshots the sink reads, kept as the engine keeps them after each push."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[UUID, CanonicalModel]] = {}
        self.held: dict[tuple[str, UUID], dict[str, t.Any]] = {}

    def add(self, *records: CanonicalModel) -> None:
        for record in records:
            assert record.id is not None
            self.rows.setdefault(record.entity, {})[record.id] = record

    def records(self, entity: str, ids: Sequence[UUID]) -> dict[UUID, CanonicalModel]:
        return {i: r for i, r in self.rows.get(entity, {}).items() if i in ids}

    def snapshots(self, entity: str, app: str, ids: Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        return {i: s for (e, i), s in self.held.items() if e == entity and i in ids}


class World:
    """A sink on the sandbox with a hub and an id map, pushing as the engine does (and recording what it does)."""

    def __init__(self, client: VtigerClient, state: VtigerState, *, xero_keeps_stock: bool = True) -> None:
        self.state = state
        self.hub = Hub()
        self.refs = DictRefs()
        self.sink = VtigerSink(client, hub=self.hub, xero_keeps_stock=xero_keeps_stock)

    def link(self, entity: str, hub_id: UUID, remote: str) -> None:
        self.refs.to_hub[(entity, remote)] = hub_id
        self.refs.to_remote[(entity, hub_id)] = remote

    def push(self, entity: str, *records: CanonicalModel) -> list[PushResult]:
        self.hub.add(*records)
        results = self.sink.push(entity, list(records), self.refs)
        for result in results:
            kind = result.entity or entity
            if result.ok and result.remote_id:
                self.link(kind, result.hub_id, result.remote_id)
            if result.ok and result.snapshot is not None:
                self.hub.held[(kind, result.hub_id)] = result.snapshot
        return results

    def record(self, remote: str) -> dict[str, str]:
        found = self.state.entity(int(remote.partition("x")[2]))
        assert found is not None
        return found.values

    def lines(self, remote: str) -> list[dict[str, str]]:
        found = self.state.entity(int(remote.partition("x")[2]))
        assert found is not None
        return found.line_items


@pytest.fixture
def world(vtiger_client: VtigerClient, vtiger_state: VtigerState, vtiger_add) -> World:
    """GST 10% in vTiger, an empty hub and id map, and the sink over them."""
    vtiger_add("Tax", {"taxlabel": "GST", "percentage": "10"})
    return World(vtiger_client, vtiger_state)


def _org(name: str = "Ridgeway University", **fields: t.Any) -> Organization:
    return Organization(id=uuid4(), name=name, address=STREET, **fields)


def _tax(name: str, rate: str, code: str | None = None) -> TaxCode:
    return TaxCode(id=uuid4(), name=name, code=code, sale_tax_rate=Decimal(rate), purchase_tax_rate=Decimal(rate))


def _item(code: str, price: str = "40", **fields: t.Any) -> Item:
    return Item(
        id=uuid4(), code=code, name=code.title(), sale_price=Amount(currency=AUD, net_amount=Decimal(price)), **fields
    )


def _invoice(org: Organization, *lines: DocumentLine, **fields: t.Any) -> Invoice:
    values: dict[str, t.Any] = {
        "type": InvoiceType.CUSTOMER,
        "transaction_number": "INV-0042",
        "transaction_date": date(2026, 3, 1),
        "due_date": date(2026, 3, 31),
        "organization_id": org.id,
        "currency": AUD,
        "status": DocumentStatus.AUTHORISED,
        "lines": list(lines),
    }
    return Invoice(id=uuid4(), **(values | fields))


def _line(item: Item | None, quantity: str, price: str, tax: TaxCode | None, **fields: t.Any) -> DocumentLine:
    return DocumentLine(
        item_id=item.id if item else None,
        quantity=Decimal(quantity),
        unit_price=Amount(currency=AUD, net_amount=Decimal(price)),
        tax_code_id=tax.id if tax else None,
        **fields,
    )


# --- taxes ----------------------------------------------------------------------------------------


def test_a_tax_vtiger_lacks_the_rate_of_is_made_and_one_it_has_stands_for_the_others(world: World) -> None:
    output, luxury, again, free = (
        _tax("GST on Income", "10", "OUTPUT"),
        _tax("Luxury", "15"),
        _tax("Lux 2", "15"),
        _tax("Free", "0"),
    )

    made, *skipped = world.push("tax_codes", luxury, output, again, free)

    assert made.created
    assert world.state.actors["Tax"][2] == {
        **world.state.actors["Tax"][2],
        "taxlabel": "Luxury",
        "percentage": "15.000",
    }
    assert [(r.skipped, r.error) for r in skipped] == [
        (True, "uses vTiger's tax GST (tax1) of the same percentage"),
        (True, "uses vTiger's tax Luxury (tax2) of the same percentage"),  # the one just made
        (True, "tax Free is 0%: in vTiger a product or line without a tax pays none"),
    ]
    assert world.push("tax_codes", luxury)[0].unchanged


# --- items ----------------------------------------------------------------------------------------


def test_an_item_becomes_a_product_with_its_price_and_its_tax(world: World) -> None:
    output = _tax("GST on Income", "10", "OUTPUT")
    world.hub.add(output)
    lantern = _item("LANT-1", sale_tax_code_id=output.id, quantity_on_hand=Decimal(7), is_inventoried=True)

    [result] = world.push("items", lantern)

    assert result.created
    product = world.record(str(result.remote_id))
    assert (product["productcode"], product["productname"], product["unit_price"]) == (
        "LANT-1",
        "Lant-1",
        "40.00000000",
    )
    assert product["qtyinstock"] == "7.000"  # Xero tracks it, and keeps the stock
    assert [r["taxid"] for r in world.state.actors["ProductTaxes"].values()] == ["34x1"]  # GST, of the same rate
    assert result.snapshot is not None
    assert result.snapshot["quantity_on_hand"] is None  # vTiger's copy of the count is not read back
    assert world.push("items", lantern)[0].unchanged is False  # Xero's count goes whenever the item is due


def test_an_item_xero_does_not_track_keeps_vtigers_stock_and_a_service_goes_to_services(world: World) -> None:
    untracked = _item("UNTR-1", quantity_on_hand=Decimal(3))
    consulting = _item("CONSULT", type=ItemType.SERVICE)

    [product, service] = world.push("items", untracked, consulting)

    assert world.record(str(product.remote_id))["qtyinstock"] == ""  # not Xero's to say: vTiger's count stays
    assert str(service.remote_id).startswith("24x")
    assert world.push("items", untracked)[0].unchanged


def test_where_vtiger_keeps_the_stock_xeros_count_is_never_written(vtiger_client, vtiger_state) -> None:
    world = World(vtiger_client, vtiger_state, xero_keeps_stock=False)
    [result] = world.push("items", _item("TRAK-1", quantity_on_hand=Decimal(9), is_inventoried=True))
    assert world.record(str(result.remote_id))["qtyinstock"] == ""
    assert result.snapshot is not None


def test_a_price_change_revises_only_the_price(world: World, vtiger_requests) -> None:
    lantern = _item("LANT-1")
    world.push("items", lantern)
    vtiger_requests.sent.clear()

    [result] = world.push(
        "items", lantern.model_copy(update={"sale_price": Amount(currency=AUD, net_amount=Decimal("45.5"))})
    )

    assert (result.ok, result.created, result.unchanged) == (True, False, False)
    [revise] = [params for _, operation, params in vtiger_requests.sent if operation == "revise"]
    assert set(json.loads(revise["element"])) == {"id", "unit_price"}


def test_an_item_deleted_elsewhere_is_made_inactive_not_deleted(world: World) -> None:
    lantern = _item("LANT-1")
    [made] = world.push("items", lantern)
    [gone] = world.push("items", lantern.model_copy(update={"deleted_at": date(2026, 3, 2)}))
    assert gone.ok
    assert world.record(str(made.remote_id))["discontinued"] == "0"


# --- invoices -------------------------------------------------------------------------------------


@pytest.fixture
def sold(world: World) -> dict[str, t.Any]:
    """An organization, a tax and an item, all in vTiger already."""
    org, output = _org(), _tax("GST on Income", "10", "OUTPUT")
    lantern = _item("LANT-1", sale_tax_code_id=output.id)
    world.hub.add(output)
    world.push("organizations", org)
    world.push("items", lantern)
    return {"org": org, "tax": output, "item": lantern}


def test_an_invoice_reaches_vtiger_with_its_lines_status_and_the_books_totals(world: World, sold) -> None:
    invoice = _invoice(
        sold["org"],
        _line(sold["item"], "3", "40", sold["tax"]),
        _line(None, "1", "15.5", sold["tax"], description="Delivery"),
        amount=Amount(
            currency=AUD, net_amount=Decimal("135.5"), tax_amount=Decimal("13.56"), total_amount=Decimal("149.06")
        ),
        amount_paid=Decimal(0),
    )

    [result] = world.push("invoices", invoice)

    assert result.created
    header, lines = world.record(str(result.remote_id)), world.lines(str(result.remote_id))
    assert (header["invoicestatus"], header["customerno"], header["subject"]) == (
        "Approved",
        "INV-0042",
        "Invoice INV-0042",
    )
    assert (header["bill_street"], header["ship_street"]) == ("1 College Rd", "1 College Rd")  # the organization's
    # Xero rounds tax line by line (12.00 + 1.56 = 13.56, not 13.55): the adjustment makes vTiger's total the books'.
    assert (header["hdnGrandTotal"], header["balance"], header["received"]) == (
        "149.06000000",
        "149.06000000",
        "0.00000000",
    )
    [stand_in] = [s for s in world.state.live("Services") if s.values["servicename"] == STAND_IN_SERVICE]
    assert [(line["productid"].partition("x")[0], line["quantity"], line["tax1"]) for line in lines] == [
        ("14", "3.000", "10.000"),
        ("24", "1.000", "10.000"),  # no item: the stand-in service, carrying a tax so the line has its rate
    ]
    assert lines[1]["productid"] == f"24x{stand_in.crmid}"
    assert result.snapshot is not None
    assert result.snapshot["transaction_number"] == "INV-0042"
    assert [line["item_id"] for line in result.snapshot["lines"]] == [str(sold["item"].id), None]
    assert world.push("invoices", invoice)[0].unchanged


def test_an_inclusive_line_goes_at_its_net_price(world: World, sold) -> None:
    line = DocumentLine(
        item_id=sold["item"].id,
        quantity=Decimal(2),
        unit_price=Amount(currency=AUD, total_amount=Decimal(44)),
        total_price=Amount(currency=AUD, net_amount=Decimal(80), tax_amount=Decimal(8), total_amount=Decimal(88)),
        tax_code_id=sold["tax"].id,
    )
    invoice = _invoice(sold["org"], line, amount=Amount(currency=AUD, total_amount=Decimal(88)))
    [result] = world.push("invoices", invoice)
    assert world.lines(str(result.remote_id))[0]["listprice"] == "40.00000000"
    assert world.record(str(result.remote_id))["hdnGrandTotal"] == "88.00000000"


def test_a_payment_revises_status_and_amount_received_on_the_same_invoice(world: World, sold, vtiger_requests) -> None:
    invoice = _invoice(
        sold["org"],
        _line(sold["item"], "1", "40", sold["tax"]),
        amount=Amount(currency=AUD, total_amount=Decimal(44)),
        amount_paid=Decimal(0),
    )
    [made] = world.push("invoices", invoice)
    vtiger_requests.sent.clear()

    paid = invoice.model_copy(update={"status": DocumentStatus.PAID, "amount_paid": Decimal(44), "balance": Decimal(0)})
    [result] = world.push("invoices", paid)

    assert (result.ok, result.created, result.remote_id) == (True, False, made.remote_id)
    header = world.record(str(made.remote_id))
    assert (header["invoicestatus"], header["received"], header["balance"]) == ("Paid", "44.00000000", "0.00000000")
    [revise] = [params for _, operation, params in vtiger_requests.sent if operation == "revise"]
    assert set(json.loads(revise["element"])) == {"id", "invoicestatus", "received"}  # lines stay


def test_vtigers_own_word_for_a_status_stays_when_nothing_changed(world: World, sold, vtiger_add) -> None:
    invoice = _invoice(sold["org"], _line(sold["item"], "1", "40", sold["tax"]))
    [made] = world.push("invoices", invoice)
    world.record(str(made.remote_id))["invoicestatus"] = "Sent"  # a user sent it from vTiger
    assert world.push("invoices", invoice)[0].unchanged
    assert world.record(str(made.remote_id))["invoicestatus"] == "Sent"


def test_an_invoice_waits_for_its_item_and_bills_and_foreign_money_are_skipped(world: World, sold) -> None:
    newcomer = _item("NEW-1")
    world.hub.add(newcomer)
    waiting = _invoice(sold["org"], _line(newcomer, "1", "5", None))
    bill = _invoice(sold["org"], _line(sold["item"], "1", "5", None), type=InvoiceType.SUPPLIER)
    euros = _invoice(sold["org"], currency="EUR")

    [wait, skip_bill, skip_euros] = world.push("invoices", waiting, bill, euros)

    assert wait.waiting
    assert wait.waiting_for == ("items", newcomer.id)
    assert (skip_bill.skipped, skip_bill.error) == (True, NO_BILLS)
    assert (skip_euros.skipped, skip_euros.error) == (
        True,
        "vTiger has no currency EUR: add it under Settings > Currencies",
    )


def test_a_voided_invoice_is_cancelled_and_its_stock_put_back(world: World, sold) -> None:
    sold["item"].is_inventoried = True
    sold["item"].quantity_on_hand = Decimal(10)
    world.push("items", sold["item"])
    invoice = _invoice(sold["org"], _line(sold["item"], "2", "40", sold["tax"]))
    [made] = world.push("invoices", invoice)
    product = world.refs.remote_id("items", sold["item"].id)
    assert world.record(str(product))["qtyinstock"] == "10.000"  # vTiger took 2 out; Xero's count is put back

    voided = invoice.model_copy(update={"status": DocumentStatus.VOIDED, "deleted_at": date(2026, 3, 5)})
    [gone] = world.push("invoices", voided)

    assert gone.ok
    assert world.record(str(made.remote_id))["invoicestatus"] == "Cancel"


def test_where_vtiger_keeps_the_stock_its_own_count_moves_with_the_sale(
    vtiger_client, vtiger_state, vtiger_add
) -> None:
    vtiger_add("Tax", {"taxlabel": "GST", "percentage": "10"})
    world = World(vtiger_client, vtiger_state, xero_keeps_stock=False)
    org, lantern = _org(), _item("LANT-1", quantity_on_hand=Decimal(10), is_inventoried=True)
    world.push("organizations", org)
    [product] = world.push("items", lantern)
    world.record(str(product.remote_id))["qtyinstock"] = "30.000"
    world.push("invoices", _invoice(org, _line(lantern, "2", "40", None)))
    assert world.record(str(product.remote_id))["qtyinstock"] == "28.000"


# --- purchase orders and vendors ----------------------------------------------------------------


def test_a_purchase_order_goes_to_a_vendor_made_for_its_supplier(world: World, sold) -> None:
    supplier = _org("Barossa Supplies", is_customer=False, is_supplier=True)
    [skipped] = world.push("organizations", supplier)
    assert (skipped.skipped, skipped.error) == (True, SUPPLIERS)
    order = PurchaseOrder(
        id=uuid4(),
        transaction_number="PO-0007",
        organization_id=supplier.id,
        currency=AUD,
        status=PurchaseOrderStatus.AUTHORISED,
        lines=[_line(sold["item"], "12", "11", sold["tax"])],
        amount=Amount(currency=AUD, total_amount=Decimal("145.2")),
    )

    [vendor, result] = world.push("purchase_orders", order)

    assert (vendor.entity, vendor.hub_id, vendor.created) == ("organizations", supplier.id, True)
    assert str(vendor.remote_id).startswith("2x")
    header = world.record(str(result.remote_id))
    assert (header["vendor_id"], header["requisition_no"], header["postatus"]) == (
        vendor.remote_id,
        "PO-0007",
        "Approved",
    )
    assert header["hdnGrandTotal"] == "145.20000000"
    # The supplier, now a vendor, is kept up to date; a second order goes to the same vendor.
    [renamed] = world.push("organizations", supplier.model_copy(update={"name": "Barossa Supplies Group"}))
    assert renamed.ok
    assert world.record(str(vendor.remote_id))["vendorname"] == "Barossa Supplies Group"
    second = order.model_copy(update={"id": uuid4(), "transaction_number": "PO-0008"})
    assert [r.entity for r in world.push("purchase_orders", second)] == [None]


def test_a_purchase_order_to_a_customer_account_is_skipped(world: World, sold) -> None:
    order = PurchaseOrder(
        id=uuid4(), organization_id=sold["org"].id, currency=AUD, lines=[_line(sold["item"], "1", "1", None)]
    )
    [result] = world.push("purchase_orders", order)
    assert result.skipped
    assert "vTiger purchase orders go to vendors" in str(result.error)


def test_a_written_invoice_read_back_by_the_next_pull_is_what_its_snapshot_says(
    world: World, sold, vtiger_client
) -> None:
    # 7 at 100 including GST: a net price of 12.987142857…, which vTiger keeps to 8 decimals and the hub to 6.
    line = DocumentLine(
        item_id=sold["item"].id,
        quantity=Decimal(7),
        unit_price=Amount(currency=AUD, total_amount=Decimal("14.285714")),
        total_price=Amount(
            currency=AUD, net_amount=Decimal("90.91"), tax_amount=Decimal("9.09"), total_amount=Decimal(100)
        ),
        tax_code_id=sold["tax"].id,
    )
    invoice = _invoice(
        sold["org"], line, amount=Amount(currency=AUD, total_amount=Decimal(100)), amount_paid=Decimal(0)
    )
    [result] = world.push("invoices", invoice)

    [again] = make_mapper(lookups=read_lookups(vtiger_client))(
        "Invoice", vtiger_client.retrieve(str(result.remote_id)), world.refs
    )

    assert world.record(str(result.remote_id))["hdnGrandTotal"] == "100.00000000"
    assert {**again.record.model_dump(mode="json"), "id": str(invoice.id)} == result.snapshot
    assert world.push("invoices", invoice)[0].unchanged


def test_the_people_of_a_supplier_held_as_a_vendor_are_not_written(world: World, sold) -> None:
    supplier = _org("Barossa Supplies", is_customer=False, is_supplier=True)
    world.hub.add(supplier)
    order = PurchaseOrder(
        id=uuid4(), organization_id=supplier.id, currency=AUD, lines=[_line(sold["item"], "1", "1", None)]
    )
    world.push("purchase_orders", order)
    [person] = world.push("people", Person(id=uuid4(), last_name="Lee", organization_id=supplier.id))
    assert (person.skipped, person.error) == (True, SUPPLIERS)


def test_a_shops_invoice_with_shipping_and_a_discount_reaches_vtiger_at_the_shops_total(world: World, sold) -> None:
    # As the shop connectors make them: inclusive amounts, a shipping line and a discount line naming no item.
    shop_tax = _tax("GST 10%", "10")
    world.hub.add(shop_tax)

    def inclusive(item: Item | None, quantity: str, gross: str, description: str | None = None) -> DocumentLine:
        total = Decimal(quantity) * Decimal(gross)
        tax = (total / 11).quantize(Decimal("0.01"))
        return DocumentLine(
            item_id=item.id if item else None,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Amount(currency=AUD, total_amount=Decimal(gross)),
            total_price=Amount(currency=AUD, net_amount=total - tax, tax_amount=tax, total_amount=total),
            tax_code_id=shop_tax.id,
        )

    lines = [
        inclusive(sold["item"], "2", "44"),
        inclusive(None, "1", "9.95", "Shipping"),
        inclusive(None, "1", "-8.8", "Discount"),
    ]
    invoice = _invoice(
        sold["org"],
        *lines,
        transaction_number="SHOP-1001",
        amount=Amount(currency=AUD, total_amount=Decimal("89.15")),
        amount_paid=Decimal("89.15"),
        status=DocumentStatus.PAID,
    )

    [result] = world.push("invoices", invoice)

    header, written = world.record(str(result.remote_id)), world.lines(str(result.remote_id))
    assert (header["customerno"], header["invoicestatus"], header["hdnGrandTotal"], header["balance"]) == (
        "SHOP-1001",
        "Paid",
        "89.15000000",
        "0.00000000",
    )
    assert [(line["comment"], line["listprice"]) for line in written] == [
        ("", "40.00000000"),
        ("Shipping", "9.05000000"),  # 9.95 less its 0.90 of tax
        ("Discount", "-8.00000000"),
    ]
    assert world.push("invoices", invoice)[0].unchanged
