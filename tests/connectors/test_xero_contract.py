"""Contract: every request the Xero connector sends and every answer it gets fit Xero's published spec.

The connector talks to the sandbox; a recording transport keeps each exchange,
and each is checked against ``specs/xero/xero_accounting.yaml`` with
openapi-core (dates in Xero's ``/Date(…)/`` form included). Reading covers
every collection; writing covers every collection the connector writes, both
creating and updating, with payloads made by the connector's own mapping.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest

from connectors.xero import mapping as xm
from connectors.xero.mapper import xero_mapper
from connectors.xero.streams import STREAMS
from datashare.model import (
    Account,
    AccountType,
    CanonicalModel,
    CreditNote,
    DocumentStatus,
    Invoice,
    InvoiceType,
    Item,
    Journal,
    JournalType,
    Organization,
    Payment,
    Person,
    PurchaseOrder,
    TaxCode,
    Transfer,
)
from datashare.store import Hub
from datashare.sync.mapping import map_staged
from datashare.sync.refs import HubRefs
from sandbox.xero.spec import XeroSpec, xero_spec
from tests.connectors.xero_world import READ_STREAMS, Exchange, XeroWorld, make_world

WRITTEN = (
    "Contacts",
    "Items",
    "Invoices",
    "PurchaseOrders",
    "CreditNotes",
    "ManualJournals",
    "Payments",
    "TaxRates",
    "Accounts",
    "BankTransfers",
)


@pytest.fixture(scope="module")
def spec() -> XeroSpec:
    return xero_spec()


def _check(spec: XeroSpec, exchanges: list[Exchange]) -> set[tuple[str, str]]:
    checked = set()
    for e in exchanges:
        sent = {k: v for k, v in e.headers.items() if k in ("if-modified-since", "idempotency-key")}
        spec.validate_request(e.method, e.path, e.request_body or None, query=e.query, headers=sent)
        spec.validate_response(
            e.method, e.path, e.status, e.response_body, query=e.query, request_body=e.request_body or None
        )
        checked.add((e.method, e.path.split("/")[3] if e.path.count("/") >= 3 else e.path))
    return checked


def test_every_read_request_and_answer_fits_the_spec(tmp_path: Path, spec: XeroSpec) -> None:
    world = make_world(page_size=20)
    with Hub.open(tmp_path / "t.duckdb") as hub:
        world.extract_all(hub, "run-1")
        world.clock.advance(5)
        world.extract_all(hub, "run-2")  # incremental: If-Modified-Since and offsets
    world.client.organisation()
    checked = _check(spec, world.recording.exchanges)
    assert {("GET", s.name) for s in READ_STREAMS} | {("GET", "Organisation")} <= checked


def _canonical(world: XeroWorld, hub: Hub) -> dict[str, list[CanonicalModel]]:
    """Everything in the organisation, read and mapped by the connector and loaded, in reference order."""
    world.extract_all(hub, "run-1")
    mapper = xero_mapper(world.org.base_currency)
    found: dict[str, list[CanonicalModel]] = defaultdict(list)
    for stream in READ_STREAMS:
        by_type: dict[type, list[CanonicalModel]] = defaultdict(list)
        for mapped in map_staged(hub, "xero", stream.entities[0], "run-1", mapper).mapped:
            by_type[type(mapped.record)].append(mapped.record)
        for kind, records in by_type.items():
            hub.upsert_records(records, source="xero")  # loaded before the next collection refers to them
            found[kind.__name__].extend(records)
    return found


def _of(found: dict[str, list[CanonicalModel]], kind: type[CanonicalModel]) -> list[t.Any]:
    return found[kind.__name__]


def test_every_write_request_and_answer_fits_the_spec(tmp_path: Path, spec: XeroSpec) -> None:
    world = make_world()
    currency = world.org.base_currency
    with Hub.open(tmp_path / "t.duckdb") as hub:
        found = _canonical(world, hub)
        refs = HubRefs(hub, "xero")
        people: dict[t.Any, list[Person]] = defaultdict(list)
        for person in _of(found, Person):
            people[person.organization_id].append(person)
        orgs: list[Organization] = _of(found, Organization)
        new_org = Organization(id=uuid4(), name="Contract Test Pty Ltd", email="contract@test.example")
        invoices: list[Invoice] = _of(found, Invoice)
        open_invoice = next(
            i
            for i in invoices
            if i.type == InvoiceType.CUSTOMER and i.status == DocumentStatus.AUTHORISED and i.balance
        )
        banks = [a for a in _of(found, Account) if a.type == AccountType.BANK]
        draft = invoices[0].model_copy(
            update={"id": uuid4(), "transaction_number": "CT-0001", "status": DocumentStatus.DRAFT}
        )
        payloads: dict[str, list[dict[str, t.Any]]] = {
            "Contacts": [xm.contact_payload(o, people[o.id], refs)[0] for o in orgs[:10]]
            + [xm.contact_payload(new_org, [], refs)[0]],
            "Items": [xm.item_to_xero(i, refs, currency) for i in _of(found, Item)[:10]],
            "Invoices": [xm.invoice_to_xero(i, refs) for i in invoices[:10]] + [xm.invoice_to_xero(draft, refs)],
            "PurchaseOrders": [xm.purchase_order_to_xero(p, refs) for p in _of(found, PurchaseOrder)],
            "CreditNotes": [xm.credit_note_to_xero(c, refs) for c in _of(found, CreditNote)],
            "ManualJournals": [
                xm.journal_to_xero(j, refs, currency) for j in _of(found, Journal) if j.type == JournalType.MANUAL
            ],
            "TaxRates": [xm.tax_code_to_xero(c, refs) for c in _of(found, TaxCode)[:3]],
            "Accounts": [xm.account_to_xero(a, refs) for a in _of(found, Account)[:3]]
            + [
                xm.account_to_xero(
                    Account(id=uuid4(), code="299", name="Contract test income", type=AccountType.REVENUE), refs
                )
            ],
            "Payments": [
                xm.payment_to_xero(
                    Payment.model_validate(
                        {
                            "id": uuid4(),
                            "type": "CUSTOMER",
                            "transaction_date": date(2026, 1, 1),
                            "account_id": banks[0].id,
                            "amount": {"currency": currency, "total_amount": Decimal("1.00")},
                            "payment_lines": [{"amount": Decimal("1.00"), "invoice_id": open_invoice.id}],
                        }
                    ),
                    refs,
                )
            ],
            "BankTransfers": [
                xm.transfer_to_xero(
                    Transfer.model_validate(
                        {
                            "id": uuid4(),
                            "from_account_id": banks[0].id,
                            "to_account_id": banks[1].id,
                            "amount": {"currency": currency, "total_amount": Decimal("5.00")},
                            "transaction_date": date(2026, 1, 1),
                        }
                    ),
                    refs,
                )
            ],
        }
        world.recording.exchanges.clear()
        for name in WRITTEN:
            results = world.client.write(STREAMS[name], payloads[name])
            assert any(r.ok for r in results), (name, [r.errors for r in results][:3])
    checked = _check(spec, world.recording.exchanges)
    methods = {path: {m for m, p in checked if p == path} for _, path in checked}
    assert set(WRITTEN) <= set(methods)
    assert "PUT" in methods["Accounts"]
    assert "POST" in methods["Accounts"]
    assert "PUT" in methods["Payments"]
