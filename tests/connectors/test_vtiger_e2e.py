"""The vTiger connector over real HTTP on loopback: the main read, write and sync flow, and faults."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.base.mapping import DictRefs
from connectors.base.retry import RetryPolicy
from connectors.vtiger import Lookups, VtigerClient, make_mapper
from connectors.vtiger.mapping import write_account, write_contact, write_invoice, write_product
from connectors.vtiger.rules import check_element
from datashare.model import Address, Addresses, Amount, DocumentLine, Invoice, InvoiceType, Item, Organization, Person
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.vtiger import SAMPLE_ACCESS_KEY, SAMPLE_USERNAME, VtigerState, create_app, seed_sample, webservice_fault

pytestmark = pytest.mark.e2e

FAST = RetryPolicy(attempts=5, sleep=lambda _: None)


@pytest.fixture
def vtiger_loopback() -> Iterator[tuple[VtigerState, FakeClock, FaultPlan, str]]:
    """A seeded sandbox mounted under /vtiger, as ``datashare sandbox serve`` serves it, on a loopback port."""
    clock = FakeClock()
    state = VtigerState(clock=clock)
    seed_sample(state, seed=11)
    clock.advance(60)
    faults = FaultPlan(seed=3)
    app = Starlette(routes=[Mount("/vtiger", app=create_app(state, faults=faults))])
    with serve_in_thread(app) as base:
        yield state, clock, faults, f"{base}/vtiger"


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


def test_read_write_and_sync_over_loopback(vtiger_loopback):
    state, clock, _, base = vtiger_loopback
    with VtigerClient(base, SAMPLE_USERNAME, SAMPLE_ACCESS_KEY, retry=FAST) as client:
        # Read: a full pull of every organization, then the cursor.
        pages = list(client.sync("Accounts"))
        cursor = pages[-1].cursor
        *_, last_invoices = client.sync("Invoice")
        accounts = [r for p in pages for r in p.updated]
        assert len(accounts) == sum(1 for r in state.entities.values() if r.module == "Accounts")
        lookups = _lookups(client)
        refs = DictRefs()
        mapped = [m for r in accounts for m in make_mapper(lookups=lookups)("Accounts", r, refs)]
        assert all(m.record.is_customer for m in mapped)

        # Write: an organization, its person, an item and an invoice, as the engine pushes them.
        clock.advance(30)
        org = Organization(
            name="Loopback Traders Pty Ltd", address=Addresses(billing=Address(line1="1 Wire St", country="AU"))
        )
        org_id, person_id, item_id = uuid4(), uuid4(), uuid4()
        created = client.create("Accounts", write_account(org, refs))
        _link(refs, "organizations", org_id, created["id"])
        contact = client.create("Contacts", write_contact(Person(last_name="Ng", organization_id=org_id), refs))
        _link(refs, "people", person_id, contact["id"])
        product = client.create(
            "Products",
            write_product(
                Item(code="LOOP-1", sale_price=Amount(currency="AUD", net_amount=Decimal(9))), refs, lookups=lookups
            ),
        )
        _link(refs, "items", item_id, product["id"])
        invoice = Invoice(
            type=InvoiceType.CUSTOMER,
            title="Over the wire",
            organization_id=org_id,
            person_id=person_id,
            currency="AUD",
            lines=[DocumentLine(item_id=item_id, quantity=Decimal(2))],
        )
        element = write_invoice(invoice, refs, lookups=lookups, fallback=org.address)
        assert check_element("Invoice", element) is None
        sent = client.create("Invoice", element)
        assert sent["hdnGrandTotal"] == "18.00000000"

        # Edit one, delete one: the next incremental read brings exactly those.
        clock.advance(30)
        client.revise({"id": created["id"], "website": "https://loopback.example"})
        client.delete(accounts[0]["id"])
        changes = list(client.sync("Accounts", cursor))
        assert [r["id"] for p in changes for r in p.updated] == [created["id"]]
        assert [i for p in changes for i in p.deleted] == [accounts[0]["id"]]
        invoices = [r for p in client.sync("Invoice", last_invoices.cursor) for r in p.updated]
        assert [(r["id"], len(r["LineItems"])) for r in invoices] == [(sent["id"], 1)]
        [read_back] = make_mapper(lookups=lookups)("Invoice", invoices[0], refs)
        assert read_back.record.organization_id == org_id
        assert len(state.sessions) == 1
    assert state.sessions == {}  # logged out on leaving the block


def test_a_flaky_server_over_loopback_loses_nothing(vtiger_loopback):
    state, _, faults, base = vtiger_loopback
    expected = sorted(f"12x{r.crmid}" for r in state.entities.values() if r.module == "Contacts")
    faults.set(webservice_fault(error_rate=0.25, error_status=503))
    with VtigerClient(base, SAMPLE_USERNAME, SAMPLE_ACCESS_KEY, retry=FAST) as client:
        synced = sorted(r["id"] for p in client.sync("Contacts") for r in p.updated)
        queried = sorted(r["id"] for r in client.query_all("Contacts", columns=["lastname"]))
        created = client.create("Accounts", {"accountname": "Storm Proof Pty Ltd"})
    assert synced == queried == expected
    assert faults.injected > 0
    names = [r.values["accountname"] for r in state.entities.values() if r.module == "Accounts"]
    assert names.count("Storm Proof Pty Ltd") == 1
    assert created["id"].startswith("11x")
