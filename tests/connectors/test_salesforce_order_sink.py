"""Customer invoices written to Salesforce as Orders, over loopback HTTP against the sandbox org.

- a Xero invoice becomes an Order (inserted as Draft, its lines, then
  activated) with Xero's status and amounts, in a few batch calls; sent again
  with what Salesforce holds, nothing is written;
- an Order from Salesforce gets Xero's status and payment, its lines untouched;
- an approved invoice activates the draft Order made for it;
- an Order an earlier send made (its answer lost) is found, not made twice;
- an invoice waits for its customer and items; a supplier bill, an invoice in
  another currency, or one whose customer was archived before it reached
  Salesforce, is not sent, with the reason.
"""

from __future__ import annotations

import copy
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from connectors.base.retry import RetryPolicy
from connectors.base.tokens import MemoryTokenStore, Token
from connectors.salesforce import SalesforceAuth, SalesforceClient, SalesforceSink
from connectors.salesforce.mapping import NO_BILLS, STAND_IN_CODE, read_order
from datashare.model import Amount, CanonicalModel, DocumentLine, DocumentStatus, Invoice, InvoiceType, Organization
from datashare.model.mapping import DictRefs
from datashare.sync.push import PushResult
from sandbox.common.clock import FakeClock
from sandbox.common.serve import serve_in_thread
from sandbox.salesforce import (
    SAMPLE_CLIENT_ID,
    SAMPLE_CLIENT_SECRET,
    SAMPLE_REFRESH_TOKEN,
    SalesforceState,
    create_app,
)
from tests.seed_moments import SEEDED_AT

pytestmark = pytest.mark.e2e

DAY = SEEDED_AT.date()


@dataclass
class _Org:
    """The sandbox org, a client to it, and the hub's side: refs and what Salesforce last held of each invoice."""

    state: SalesforceState
    client: SalesforceClient
    refs: DictRefs
    account: str
    product: str
    organization: UUID
    item: UUID
    held: dict[UUID, dict[str, t.Any]] = field(default_factory=dict)
    hub: dict[UUID, CanonicalModel] = field(default_factory=dict)

    def snapshots(self, entity: str, app: str, ids: t.Sequence[UUID]) -> dict[UUID, dict[str, t.Any]]:
        return {i: self.held[i] for i in ids if i in self.held}

    def records(self, entity: str, ids: t.Sequence[UUID]) -> dict[UUID, CanonicalModel]:
        return {i: self.hub[i] for i in ids if i in self.hub}

    def push(self, *invoices: Invoice) -> list[PushResult]:
        """Push as the engine does: results' remote ids and snapshots recorded for the next push."""
        results = SalesforceSink(self.client, currency="AUD", hub=self).push("invoices", list(invoices), self.refs)
        for result in results:
            if result.ok and result.remote_id:
                self.refs.to_remote[("invoices", result.hub_id)] = result.remote_id
                self.refs.to_hub[("invoices", result.remote_id)] = result.hub_id
            if result.ok and result.snapshot is not None:
                self.held[result.hub_id] = result.snapshot
        return results

    def order(self, order_id: str) -> dict[str, t.Any]:
        return self.state.get("Order", order_id)

    def lines(self, order_id: str) -> list[dict[str, t.Any]]:
        return [i for i in self.state.rows("OrderItem") if i["OrderId"] == order_id]

    def everything(self) -> dict[str, t.Any]:
        """Every record the org holds, as it holds it now (to tell that nothing was written)."""
        return copy.deepcopy(self.state.records)


@pytest.fixture
def sf() -> Iterator[_Org]:
    """An org with a customer, a product in the standard price book, on a clock stopped at the seed moment."""
    clock = FakeClock(SEEDED_AT - timedelta(minutes=1))
    state = SalesforceState(clock=clock)
    account = state.create("Account", {"Name": "Harbour Outfitters"})
    book = state.create("Pricebook2", {"Name": "Standard Price Book", "IsActive": True})
    state.records["Pricebook2"][book]["IsStandard"] = True
    product = state.create("Product2", {"Name": "Harbour lantern", "ProductCode": "LAMP-1", "IsActive": True})
    state.create("PricebookEntry", {"Pricebook2Id": book, "Product2Id": product, "UnitPrice": 40, "IsActive": True})
    clock.advance(60)
    with serve_in_thread(create_app(state)) as url:
        store = MemoryTokenStore(Token("expired", SAMPLE_REFRESH_TOKEN, SEEDED_AT, extra={"instance_url": url}))
        auth = SalesforceAuth(
            store,
            client_id=SAMPLE_CLIENT_ID,
            client_secret=SAMPLE_CLIENT_SECRET,
            token_url=f"{url}/services/oauth2/token",
        )
        client = SalesforceClient(auth, retry=RetryPolicy(attempts=1, sleep=lambda _: None))
        refs = DictRefs()
        organization, item = refs.hub_id("organizations", account), refs.hub_id("items", product)
        try:
            yield _Org(state, client, refs, account, product, organization, item)
        finally:
            client.close()


def _invoice(sf: _Org, **changes: t.Any) -> Invoice:
    data: dict[str, t.Any] = {
        "id": uuid4(),
        "type": InvoiceType.CUSTOMER,
        "status": DocumentStatus.AUTHORISED,
        "transaction_number": "INV-0042",
        "transaction_date": DAY,
        "organization_id": sf.organization,
        "currency": "AUD",
        "amount_paid": Decimal(0),
        "balance": Decimal(165),
        "lines": [
            DocumentLine(item_id=sf.item, description="Harbour lantern", quantity=Decimal(3),
                         unit_price=Amount(currency="AUD", net_amount=Decimal(40))),
            DocumentLine(description="Delivery", quantity=Decimal(1),
                         unit_price=Amount(currency="AUD", net_amount=Decimal(30))),
        ],
    }  # fmt: skip
    return Invoice.model_validate({**data, **changes})


def test_a_xero_invoice_becomes_an_activated_order_with_its_lines_in_a_few_calls_and_is_not_sent_twice(
    sf: _Org,
) -> None:
    invoice = _invoice(sf)
    calls = sf.client.calls

    [result] = sf.push(invoice)

    assert result.ok, result.error
    assert result.created
    order = sf.order(str(result.remote_id))
    assert (order["Status"], order["Datashare_Status__c"], order["OrderReferenceNumber"]) == (
        "Activated",
        "AUTHORISED",
        "INV-0042",
    )
    assert (order["Datashare_Amount_Paid__c"], order["Datashare_Amount_Due__c"]) == (0.0, 165.0)
    assert (order["AccountId"], order["EffectiveDate"], order["TotalAmount"]) == (sf.account, DAY, 150.0)
    [stand_in] = [p for p in sf.state.rows("Product2") if p["ProductCode"] == STAND_IN_CODE]
    assert [(i["Product2Id"], i["Quantity"], i["UnitPrice"], i["Description"]) for i in sf.lines(order["Id"])] == [
        (sf.product, 3.0, 40.0, "Harbour lantern"),
        (stand_in["Id"], 1.0, 30.0, "Delivery"),  # no item: on the stand-in product
    ]
    # Price book, prices, stand-in (looked for, made, priced), orders, lines, activation, read back (three),
    # and the first call again with a fresh session: batches, never a call per row.
    assert sf.client.calls - calls <= 11, sf.client.calls - calls
    assert result.snapshot is not None
    assert (result.snapshot["status"], result.snapshot["transaction_number"]) == ("AUTHORISED", "INV-0042")

    held, calls = sf.everything(), sf.client.calls
    [again] = sf.push(invoice)

    assert again.ok
    assert again.unchanged
    assert (sf.everything(), sf.client.calls) == (held, calls)


def test_an_order_from_salesforce_gets_xeros_status_and_payment_and_keeps_its_lines(sf: _Org) -> None:
    book = next(b["Id"] for b in sf.state.rows("Pricebook2"))
    entry = next(e["Id"] for e in sf.state.rows("PricebookEntry"))
    order_id = sf.state.create(
        "Order", {"AccountId": sf.account, "EffectiveDate": DAY.isoformat(), "Status": "Draft", "Pricebook2Id": book}
    )
    sf.state.create("OrderItem", {"OrderId": order_id, "PricebookEntryId": entry, "Quantity": 2, "UnitPrice": 40})
    sf.state.update("Order", order_id, {"Status": "Activated"})
    [as_read] = sf.client.orders([order_id])
    read = read_order(as_read, sf.refs, "AUD").record  # the Order as the pull took it into the hub
    hub_id = sf.refs.hub_id("invoices", order_id)
    sf.held[hub_id] = {**read.model_dump(mode="json"), "id": str(hub_id)}
    lines_before = sf.lines(order_id)
    paid = read.model_copy(
        update={"id": hub_id, "status": DocumentStatus.PAID, "amount_paid": Decimal(88), "balance": Decimal(0)}
    )  # Xero's word since: paid in full

    [result] = sf.push(paid)

    assert result.ok, result.error
    assert (result.remote_id, result.created) == (order_id, False)
    order = sf.order(order_id)
    assert (order["Status"], order["Datashare_Status__c"]) == ("Activated", "PAID")
    assert (order["Datashare_Amount_Paid__c"], order["Datashare_Amount_Due__c"]) == (88.0, 0.0)
    assert sf.lines(order_id) == lines_before
    assert len(sf.state.rows("Order")) == 1
    [again] = sf.push(paid)
    assert again.unchanged


def test_an_approved_invoice_activates_the_draft_order_made_for_it(sf: _Org) -> None:
    draft = _invoice(sf, status=DocumentStatus.DRAFT)
    [made] = sf.push(draft)
    assert made.ok, made.error
    assert sf.order(str(made.remote_id))["Status"] == "Draft"

    [approved] = sf.push(draft.model_copy(update={"status": DocumentStatus.AUTHORISED, "public_note": "Approved"}))

    assert approved.ok, approved.error
    order = sf.order(str(made.remote_id))
    assert (order["Status"], order["Datashare_Status__c"], order["Description"]) == (
        "Activated",
        "AUTHORISED",
        "Approved",
    )


def test_an_order_an_earlier_send_made_is_found_not_made_twice(sf: _Org) -> None:
    invoice = _invoice(sf, status=DocumentStatus.SUBMITTED)
    [first] = sf.push(invoice)
    assert first.ok, first.error
    del sf.refs.to_remote[("invoices", t.cast(UUID, invoice.id))]  # the answer was lost: the hub never learnt the id
    sf.held.clear()

    [again] = sf.push(invoice)

    assert again.ok, again.error
    assert (again.remote_id, again.created) == (first.remote_id, False)
    assert len(sf.state.rows("Order")) == 1
    assert len(sf.lines(str(first.remote_id))) == 2


def test_an_invoice_waits_for_its_customer_and_items_and_what_salesforce_cannot_take_is_not_sent(sf: _Org) -> None:
    stranger, unknown_item = uuid4(), uuid4()
    archived = Organization(id=uuid4(), name="Gone Before Pty Ltd", deleted_at=SEEDED_AT)
    sf.hub[t.cast(UUID, archived.id)] = archived
    no_customer_yet = _invoice(sf, organization_id=stranger)
    no_item_yet = _invoice(sf, transaction_number="INV-0043", lines=[DocumentLine(item_id=unknown_item, unit_price=Amount(currency="AUD", net_amount=Decimal(5)))])  # fmt: skip
    bill = _invoice(sf, type=InvoiceType.SUPPLIER)
    euros = _invoice(sf, currency="EUR", lines=[])
    never = _invoice(sf, organization_id=archived.id)
    held = sf.everything()

    waiting, waiting_item, skipped, foreign, not_coming = sf.push(no_customer_yet, no_item_yet, bill, euros, never)

    assert waiting.waiting
    assert waiting.waiting_for == ("organizations", stranger)
    assert waiting_item.waiting
    assert waiting_item.waiting_for == ("items", unknown_item)
    assert (skipped.skipped, skipped.error) == (True, NO_BILLS)
    assert foreign.skipped
    assert "EUR" in str(foreign.error)
    assert not_coming.skipped
    assert "deleted or archived" in str(not_coming.error)
    assert sf.everything() == held
