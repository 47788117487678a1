"""The product spec's rules for writing to Xero, checked against the Xero sandbox through the real sink.

Hub records stand for what another app (a CRM, a shop) brought in; the sink
writes them to the sandbox organisation and the id map records each result.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from connectors.xero.sink import XeroSink
from connectors.xero.taxes import XeroTaxRate, pick_tax_rate
from datashare.model import (
    Account,
    AccountStatus,
    AccountType,
    CanonicalModel,
    Invoice,
    InvoiceType,
    Item,
    Organization,
    Payment,
    PaymentType,
    Person,
    TaxCode,
)
from datashare.store import Hub
from datashare.sync.push import PushCounts, push_entity
from tasks.pull import pull_xero
from tests.connectors.xero_world import XeroWorld, make_world


@pytest.fixture
def world() -> XeroWorld:
    return make_world()


@pytest.fixture
def hub(tmp_path: Path, world: XeroWorld) -> Iterator[Hub]:
    """A hub that has pulled the sandbox organisation once."""
    with Hub.open(tmp_path / "tenant.duckdb") as opened:
        pull_xero(opened, world.client, "first")
        yield opened


def _push(hub: Hub, world: XeroWorld, entity: str) -> PushCounts:
    return push_entity(hub, XeroSink(world.client, hub), entity, run_id="push")


def _brought_in(hub: Hub, *records: CanonicalModel, app: str = "vtiger") -> None:
    hub.upsert_records(list(records), source=app)


def _status(hub: Hub, entity: str, hub_id: UUID | None) -> tuple[str, str | None, str | None]:
    [row] = hub.query(
        "SELECT status, remote_id, last_error FROM id_map WHERE app = 'xero' AND entity = ? AND hub_id = ?",
        entity,
        str(hub_id),
    )
    return str(row[0]), row[1], row[2]


def _one(hub: Hub, sql: str, *params: object) -> t.Any:
    return hub.query(sql, *params)[0][0]


def _customer(hub: Hub) -> UUID:
    """A customer the organisation already has in Xero."""
    return t.cast(
        UUID,
        _one(
            hub,
            "SELECT o.id FROM organizations o JOIN id_map m ON m.hub_id = o.id AND m.app = 'xero' "
            "WHERE o.deleted_at IS NULL AND m.entity = 'organizations' ORDER BY o.name LIMIT 1",
        ),
    )


def _crm_tax(hub: Hub, name: str, rate: str) -> UUID:
    tax = TaxCode(id=uuid4(), name=name, sale_tax_rate=Decimal(rate), purchase_tax_rate=Decimal(rate))
    _brought_in(hub, tax)
    assert tax.id is not None
    return tax.id


def test_a_crm_tax_stands_for_the_xero_rate_of_the_same_percentage_and_one_xero_lacks_is_made() -> None:
    rates = [
        XeroTaxRate("OUTPUT", "GST on Income", Decimal(10), "OUTPUT", True),
        XeroTaxRate("INPUT", "GST on Expenses", Decimal(10), "INPUT", True),
        XeroTaxRate("EXEMPTOUTPUT", "GST Free Income", Decimal(0), "EXEMPTOUTPUT", True),
    ]
    gst = TaxCode(name="GST", sale_tax_rate=Decimal(10), purchase_tax_rate=Decimal(10))
    assert pick_tax_rate(gst, "sale", rates) == "OUTPUT"
    assert pick_tax_rate(gst, "purchase", rates) == "INPUT"
    assert pick_tax_rate(TaxCode(name="WET", sale_tax_rate=Decimal(29)), "sale", rates) is None


def test_crm_products_reach_xero_without_purchase_price_or_stock_and_with_their_first_tax(
    hub: Hub, world: XeroWorld
) -> None:
    gst, wet = _crm_tax(hub, "GST", "10"), _crm_tax(hub, "WET", "29")
    assert _push(hub, world, "tax_codes").created == 1  # WET: Xero has no 29% rate, so it is made
    assert _status(hub, "tax_codes", gst)[0] == "skipped"  # GST: Xero's own "GST on Income" stands for it
    wet_type = _status(hub, "tax_codes", wet)[1]
    shiraz = Item(
        id=uuid4(),
        code="SHIR-750",
        name="Barossa Shiraz",
        sale_price={"currency": "AUD", "net_amount": Decimal("32.50")},
        sale_tax_code_id=wet,  # a CRM product taxed GST and WET carries its first tax only: the CRM mapping's rule
        quantity_on_hand=Decimal(42),
    )
    tent = Item(id=uuid4(), code="TENT-2P", name="Two-person tent", sale_tax_code_id=gst)
    _brought_in(hub, shiraz, tent)

    counts = _push(hub, world, "items")

    assert counts.created == 2
    saved = {i["Code"]: i for i in world.org.table("Items").values()}
    assert saved["SHIR-750"]["SalesDetails"]["TaxType"] == wet_type
    assert saved["TENT-2P"]["SalesDetails"]["TaxType"] == "OUTPUT"
    assert "UnitPrice" not in saved["SHIR-750"].get("PurchaseDetails", {})  # no purchase price invented
    assert not saved["SHIR-750"].get("QuantityOnHand")  # stock flows out of Xero only
    assert _push(hub, world, "items").due == 0  # a second run sends nothing


def test_an_invoice_without_a_customer_is_not_sent_and_says_why(hub: Hub, world: XeroWorld) -> None:
    orphan = Invoice(id=uuid4(), type=InvoiceType.CUSTOMER, transaction_number="CRM-1", currency="AUD", lines=[])
    before = len(world.org.table("Invoices"))
    _brought_in(hub, orphan)

    counts = _push(hub, world, "invoices")

    assert (counts.skipped, counts.created) == (1, 0)
    status, remote, reason = _status(hub, "invoices", orphan.id)
    assert (status, remote) == ("skipped", None)
    assert reason is not None
    assert "references no customer" in reason
    assert len(world.org.table("Invoices")) == before
    assert _one(hub, "SELECT reason FROM rejects WHERE app = 'xero' AND entity = 'invoices'") == reason
    assert _push(hub, world, "invoices").due == 0  # not asked again until the invoice changes


def test_a_crm_invoice_becomes_an_accrec_invoice_with_each_lines_tax_from_its_product(
    hub: Hub, world: XeroWorld
) -> None:
    gst = _crm_tax(hub, "GST", "10")
    tent = Item(id=uuid4(), code="TENT-2P", name="Two-person tent", sale_tax_code_id=gst)
    _brought_in(hub, tent)
    _push(hub, world, "tax_codes")
    _push(hub, world, "items")
    customer = _customer(hub)
    invoice = Invoice(
        id=uuid4(),
        type=InvoiceType.CUSTOMER,
        status="AUTHORISED",
        transaction_number="CRM-INV-7",
        organization_id=customer,
        currency="AUD",
        transaction_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        lines=[
            {
                "item_id": tent.id,
                "quantity": 2,
                "unit_price": {"currency": "AUD", "net_amount": "150"},
                "tax_code_id": gst,
            }
        ],
    )
    _brought_in(hub, invoice)

    assert _push(hub, world, "invoices").created == 1

    _, remote, _ = _status(hub, "invoices", invoice.id)
    saved = world.org.table("Invoices")[str(remote)]
    assert saved["Type"] == "ACCREC"
    assert saved["Status"] == "AUTHORISED"
    assert saved["_contact"] == _status(hub, "organizations", customer)[1]
    [line] = saved["LineItems"]
    assert (line["ItemCode"], line["TaxType"]) == ("TENT-2P", "OUTPUT")
    assert Decimal(str(saved["Total"])) == Decimal("330.00")  # 2 x 150 + 10% GST
    assert _push(hub, world, "invoices").due == 0


def _paid_invoice(hub: Hub) -> Invoice:
    row = _one(
        hub,
        "SELECT i.id FROM invoices i JOIN id_map m ON m.hub_id = i.id AND m.app = 'xero' AND m.entity = 'invoices' "
        "WHERE i.status = 'PAID' AND i.type = 'CUSTOMER' ORDER BY i.transaction_number LIMIT 1",
    )
    return t.cast(Invoice, hub.records("invoices", [row])[row])


def test_an_edit_to_an_invoice_paid_in_xero_is_not_sent_and_the_reason_is_recorded(hub: Hub, world: XeroWorld) -> None:
    paid = _paid_invoice(hub)
    _, remote, _ = _status(hub, "invoices", paid.id)
    before = dict(world.org.table("Invoices")[str(remote)])
    _brought_in(hub, paid.model_copy(update={"reference": "edited in the CRM"}))

    counts = _push(hub, world, "invoices")

    assert (counts.skipped, counts.updated) == (1, 0)
    status, _, reason = _status(hub, "invoices", paid.id)
    assert status == "skipped"
    assert reason == "invoice is PAID in Xero: edits are not sent"
    assert world.org.table("Invoices")[str(remote)] == before


def _authorised_invoice(hub: Hub) -> UUID:
    return t.cast(
        UUID,
        _one(
            hub,
            "SELECT i.id FROM invoices i JOIN id_map m ON m.hub_id = i.id AND m.app = 'xero' "
            "AND m.entity = 'invoices' WHERE i.status = 'AUTHORISED' AND i.type = 'CUSTOMER' "
            "AND i.balance > 10 ORDER BY i.transaction_number LIMIT 1",
        ),
    )


def _payment(invoice: UUID) -> Payment:
    return Payment(
        id=uuid4(),
        type=PaymentType.CUSTOMER,
        transaction_number="SHOP-PAY-1",
        transaction_date=date(2026, 11, 20),
        amount={"currency": "AUD", "total_amount": "10.00"},
        payment_lines=[{"invoice_id": invoice, "amount": "10.00"}],
    )


def test_a_payment_without_a_bank_account_goes_through_the_default_one(hub: Hub, world: XeroWorld) -> None:
    invoice = _authorised_invoice(hub)
    payment = _payment(invoice)
    _brought_in(hub, payment, app="shopify")

    assert _push(hub, world, "payments").created == 1

    _, remote, _ = _status(hub, "payments", payment.id)
    saved = world.org.table("Payments")[str(remote)]
    banks = sorted(
        (a for a in world.org.table("Accounts").values() if a["Type"] == "BANK" and a["Status"] == "ACTIVE"),
        key=lambda a: a.get("Code") or "",
    )
    assert saved["_account"] == banks[0]["AccountID"]


def test_a_payment_without_a_bank_account_where_there_is_none_is_not_processed(hub: Hub, world: XeroWorld) -> None:
    for row in hub.query("SELECT id FROM accounts WHERE type = 'BANK'"):
        account = t.cast(Account, hub.records("accounts", [row[0]])[row[0]])
        _brought_in(hub, account.model_copy(update={"status": AccountStatus.ARCHIVED}), app="xero")
    assert not [
        a for a in hub.records_by("accounts", "type", [AccountType.BANK.value]) if a.status == AccountStatus.ACTIVE
    ]
    invoice = _authorised_invoice(hub)
    _, invoice_remote, _ = _status(hub, "invoices", invoice)
    payments_before = len(world.org.table("Payments"))
    payment = _payment(invoice)
    _brought_in(hub, payment, app="shopify")

    counts = _push(hub, world, "payments")

    assert (counts.skipped, counts.created) == (1, 0)
    status, _, reason = _status(hub, "payments", payment.id)
    assert status == "skipped"
    assert reason is not None
    assert "the invoice stays AUTHORISED" in reason
    assert len(world.org.table("Payments")) == payments_before
    assert world.org.table("Invoices")[str(invoice_remote)]["Status"] == "AUTHORISED"


def test_an_organization_without_people_becomes_a_contact_of_its_own(hub: Hub, world: XeroWorld) -> None:
    lone = Organization(id=uuid4(), name="Lonely Traders")
    _brought_in(hub, lone)
    assert _push(hub, world, "organizations").created == 1
    assert any(c["Name"] == "Lonely Traders" for c in world.org.table("Contacts").values())


def test_documents_dated_before_the_historical_data_cutoff_are_never_sent(hub: Hub, world: XeroWorld) -> None:
    customer = _customer(hub)
    old, recent = (
        Invoice(
            id=uuid4(),
            type=InvoiceType.CUSTOMER,
            transaction_number=number,
            organization_id=customer,
            currency="AUD",
            transaction_date=day,
            lines=[{"description": "Consulting", "quantity": 1, "unit_price": {"currency": "AUD", "net_amount": 100}}],
        )
        for number, day in (("CRM-OLD", date(2019, 6, 30)), ("CRM-NEW", date(2026, 7, 1)))
    )
    _brought_in(hub, old, recent)

    counts = push_entity(hub, XeroSink(world.client, hub), "invoices", history_from=date(2024, 7, 1))

    assert (counts.due, counts.created) == (1, 1)
    numbers = {i.get("InvoiceNumber") for i in world.org.table("Invoices").values()}
    assert "CRM-NEW" in numbers
    assert "CRM-OLD" not in numbers


def test_an_invoice_naming_only_a_person_goes_to_that_persons_organization(hub: Hub, world: XeroWorld) -> None:
    customer = _customer(hub)
    buyer, loner = (
        Person(id=uuid4(), first_name="Ann", last_name="Lee", email="ann@lee.example", organization_id=customer),
        Person(id=uuid4(), first_name="Bo", last_name="Ng", email="bo@ng.example"),
    )
    _brought_in(hub, buyer, loner)
    invoices = [
        Invoice(
            id=uuid4(),
            type=InvoiceType.CUSTOMER,
            transaction_number=number,
            person_id=person.id,
            currency="AUD",
            lines=[{"description": "Consulting", "quantity": 1, "unit_price": {"currency": "AUD", "net_amount": 100}}],
        )
        for number, person in (("CRM-P1", buyer), ("CRM-P2", loner))
    ]
    _brought_in(hub, *invoices)

    counts = _push(hub, world, "invoices")

    assert (counts.created, counts.skipped) == (1, 1)
    _, remote, _ = _status(hub, "invoices", invoices[0].id)
    assert world.org.table("Invoices")[str(remote)]["_contact"] == _status(hub, "organizations", customer)[1]
    _, _, reason = _status(hub, "invoices", invoices[1].id)
    assert reason is not None
    assert "names only a person" in reason
