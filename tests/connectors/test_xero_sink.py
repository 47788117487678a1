"""The product spec's rules for writing to Xero, checked against the Xero sandbox through the real sink.

Hub records stand for what another app (a CRM, a shop) brought in; the sink
writes them to the sandbox organisation and the id map records each result.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from datetime import date, timedelta
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
from datashare.sync.push import PushCounts, Retries, push_entity
from sandbox.common.faults import Fault
from tasks.pull import pull_xero
from tests.connectors.xero_world import XeroWorld, make_world
from tests.xero_stock import stock_bill


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


def _open_invoice(hub: Hub, *, paid_in_part: bool) -> Invoice:
    """An AUTHORISED customer invoice Xero holds, with nothing applied to it or with a part paid."""
    applied = "i.amount_paid > 0 AND i.balance > 0" if paid_in_part else "i.balance = i.amount.total_amount"
    row = _one(
        hub,
        "SELECT i.id FROM invoices i JOIN id_map m ON m.hub_id = i.id AND m.app = 'xero' AND m.entity = 'invoices' "
        f"WHERE i.status = 'AUTHORISED' AND i.type = 'CUSTOMER' AND {applied} ORDER BY i.transaction_number LIMIT 1",
    )
    return t.cast(Invoice, hub.records("invoices", [row])[row])


def _more_of_the_first_line(invoice: Invoice) -> Invoice:
    first, *rest = invoice.lines
    more = first.model_copy(update={"quantity": (first.quantity or Decimal(1)) + 1, "total_price": None})
    return invoice.model_copy(update={"lines": [more, *rest], "amount": None, "balance": None})


def test_an_edit_to_an_authorised_invoice_with_nothing_applied_reaches_xero(hub: Hub, world: XeroWorld) -> None:
    invoice = _open_invoice(hub, paid_in_part=False)
    _, remote, _ = _status(hub, "invoices", invoice.id)
    before = Decimal(str(world.org.table("Invoices")[str(remote)]["Total"]))
    _brought_in(hub, _more_of_the_first_line(invoice))

    counts = _push(hub, world, "invoices")

    assert (counts.updated, counts.skipped) == (1, 0)
    saved = world.org.table("Invoices")[str(remote)]
    assert saved["Status"] == "AUTHORISED"
    assert Decimal(str(saved["Total"])) > before
    assert Decimal(str(saved["AmountDue"])) == Decimal(str(saved["Total"]))


def test_an_edit_to_an_authorised_invoice_with_a_part_paid_is_not_sent_and_says_why(hub: Hub, world: XeroWorld) -> None:
    invoice = _open_invoice(hub, paid_in_part=True)
    _, remote, _ = _status(hub, "invoices", invoice.id)
    before = dict(world.org.table("Invoices")[str(remote)])
    _brought_in(hub, _more_of_the_first_line(invoice))

    counts = _push(hub, world, "invoices")

    assert (counts.skipped, counts.updated) == (1, 0)
    status, _, reason = _status(hub, "invoices", invoice.id)
    assert status == "skipped"
    assert reason is not None
    assert "paid or credited in Xero: Xero takes no edit to it while that stands" in reason
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


def _tracked_item(hub: Hub) -> tuple[UUID, str, Decimal]:
    """An item Xero tracks as inventory: its hub id, code and quantity on hand, as Xero last said."""
    for item_id, snapshot in hub.snapshots("items", "xero", [r[0] for r in hub.query("SELECT id FROM items")]).items():
        if snapshot.get("is_inventoried") and snapshot.get("quantity_on_hand") is not None:
            return item_id, str(snapshot["code"]), Decimal(str(snapshot["quantity_on_hand"]))
    raise AssertionError("the sample organisation tracks no item")


def _sale(hub: Hub, item: UUID, quantity: Decimal, number: str) -> Invoice:
    invoice = Invoice(
        id=uuid4(),
        type=InvoiceType.CUSTOMER,
        status="AUTHORISED",
        transaction_number=number,
        organization_id=_customer(hub),
        currency="AUD",
        transaction_date=date(2026, 11, 2),
        lines=[{"item_id": item, "quantity": quantity, "unit_price": {"currency": "AUD", "net_amount": "10"}}],
    )
    _brought_in(hub, invoice, app="shopify")
    return invoice


def _bill_for(world: XeroWorld, code: str, quantity: Decimal) -> None:
    """Stock bought in Xero: an approved bill for the item, from the first supplier."""
    bill = stock_bill(world.org, code, quantity)
    answer = world.client.rest.request("PUT", "/api.xro/2.0/Invoices", json={"Invoices": [bill]})
    assert answer.status_code == 200, answer.text


def test_a_sale_of_a_tracked_item_xero_lacks_the_stock_for_waits_naming_the_item_and_goes_once_stock_is_there(
    hub: Hub, world: XeroWorld
) -> None:
    item, code, on_hand = _tracked_item(hub)
    sale = _sale(hub, item, on_hand + 2, "SHOP-STOCK-1")
    before = len(world.org.table("Invoices"))

    held = _push(hub, world, "invoices")

    assert (held.waiting, held.created) == (1, 0)
    status, remote, reason = _status(hub, "invoices", sale.id)
    assert (status, remote) == ("waiting", None)
    assert reason == (
        f"waiting for stock of item {code} in Xero: {_q(on_hand + 2)} wanted, {_q(on_hand)} on hand for it; Xero approves "
        "no sale that takes a tracked item below zero, so the invoice is sent once the stock is there"
    )
    assert len(world.org.table("Invoices")) == before

    _bill_for(world, code, Decimal(5))
    pull_xero(hub, world.client, "second")  # the next run reads Xero's stock before it pushes
    sent = _push(hub, world, "invoices")

    assert sent.created == 1
    status, remote, _ = _status(hub, "invoices", sale.id)
    assert status == "linked"
    assert world.org.table("Invoices")[str(remote)]["Status"] == "AUTHORISED"


def test_a_sale_of_an_untracked_item_is_never_held_for_stock(hub: Hub, world: XeroWorld) -> None:
    untracked = Item(id=uuid4(), code="SVC-SETUP", name="Set-up service")
    _brought_in(hub, untracked)
    assert _push(hub, world, "items").created == 1
    sale = _sale(hub, t.cast(UUID, untracked.id), Decimal(1000), "SHOP-STOCK-2")

    assert _push(hub, world, "invoices").created == 1
    assert _status(hub, "invoices", sale.id)[0] == "linked"


def _q(number: Decimal) -> str:
    return format(number.normalize(), "f")


def test_a_create_whose_answers_are_all_lost_is_sent_again_by_the_next_push_under_its_key_and_made_once(
    hub: Hub, world: XeroWorld
) -> None:
    customers = [Organization(id=uuid4(), name=f"Answer Lost Traders {n}") for n in range(3)]
    _brought_in(hub, *customers)
    at_once = Retries(first=timedelta(0))
    # Xero saves the contacts each time it is asked, and every answer is lost: the push gives up.
    world.faults.set(*(Fault(path=r"/Contacts$", method=m, lost_answer_rate=1.0) for m in ("PUT", "POST")))
    given_up = push_entity(hub, XeroSink(world.client, hub), "organizations", "lost", retries=at_once)
    world.faults.clear()
    settled = push_entity(hub, XeroSink(world.client, hub), "organizations", "next", retries=at_once)

    assert (given_up.failed, settled.created) == (3, 3)
    # Every send, lost or answered, carried one key: Xero kept the first answer under it and replayed it.
    answered = [e for e in world.recording.exchanges if e.method != "GET" and e.path.endswith("/Contacts")]
    kept = [key for _, collection, key in world.org.idempotency if collection.startswith("contacts")]
    assert [e.headers["idempotency-key"] for e in answered] == kept
    names = [c["Name"] for c in world.org.table("Contacts").values()]
    assert {c.name: names.count(c.name) for c in customers} == {c.name: 1 for c in customers}
    held = {str(c["ContactID"]) for c in world.org.table("Contacts").values() if c["Name"].startswith("Answer Lost")}
    assert {_status(hub, "organizations", c.id)[1] for c in customers} == held


def test_two_equal_payments_pushed_apart_are_two_payments_in_xero_not_one_answered_twice(
    hub: Hub, world: XeroWorld
) -> None:
    invoice = _authorised_invoice(hub)
    first, second = _payment(invoice), _payment(invoice)  # the same amount, day, invoice and reference

    _brought_in(hub, first, app="shopify")
    assert _push(hub, world, "payments").created == 1
    _brought_in(hub, second, app="shopify")
    assert _push(hub, world, "payments").created == 1

    remotes = {_status(hub, "payments", p.id)[1] for p in (first, second)}
    assert len(remotes) == 2
    assert remotes <= set(world.org.table("Payments"))
