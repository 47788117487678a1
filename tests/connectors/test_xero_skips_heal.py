"""Skips heal once their cause is lifted: the product FAQ's payment without a bank account (issue #17).

A shop payment reaches a Xero organisation with no active bank account: it is
skipped, with its cause kept as data, and is not asked about again while
nothing changes. The user sets up a bank account in Xero, exactly the fix the
FAQ tells them to make; the next pull brings it into the hub, and the next push
sends the payment without any other action, so the invoice is PAID.
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
from connectors.xero.streams import STREAMS
from datashare.model import Payment, PaymentType
from datashare.store import Hub
from datashare.sync.causes import NO_BANK_ACCOUNT
from datashare.sync.push import PushCounts, push_entity
from tasks.pull import pull_xero
from tests.connectors.xero_world import XeroWorld, make_world


@pytest.fixture
def world() -> XeroWorld:
    """A sandbox organisation whose bank accounts were all archived."""
    made = make_world()
    for account in made.org.table("Accounts").values():
        if account["Type"] == "BANK":
            account["Status"] = "ARCHIVED"
    return made


@pytest.fixture
def hub(tmp_path: Path, world: XeroWorld) -> Iterator[Hub]:
    with Hub.open(tmp_path / "tenant.duckdb") as opened:
        pull_xero(opened, world.client, "first")
        yield opened


def _push(hub: Hub, world: XeroWorld) -> PushCounts:
    return push_entity(hub, XeroSink(world.client, hub), "payments", run_id="push")


def _unpaid_invoice(hub: Hub) -> tuple[UUID, str, Decimal]:
    """A customer invoice Xero holds AUTHORISED with nothing paid: its hub id, Xero id and amount due."""
    [(hub_id, remote, due)] = hub.query(
        "SELECT i.id, m.remote_id, i.balance FROM invoices i JOIN id_map m ON m.hub_id = i.id AND m.app = 'xero' "
        "AND m.entity = 'invoices' WHERE i.status = 'AUTHORISED' AND i.type = 'CUSTOMER' AND i.balance > 10 "
        "ORDER BY i.transaction_number LIMIT 1"
    )
    return t.cast(UUID, hub_id), str(remote), Decimal(str(due))


def _shop_payment(hub: Hub, number: str, invoice: UUID, due: Decimal) -> UUID:
    """A shop's payment of all that is due on ``invoice``, brought into the hub; its hub id."""
    payment = Payment(
        id=uuid4(),
        type=PaymentType.CUSTOMER,
        transaction_number=number,
        transaction_date=date(2026, 11, 20),
        amount={"currency": "AUD", "total_amount": str(due)},
        payment_lines=[{"invoice_id": invoice, "amount": str(due)}],
    )
    hub.upsert_records([payment], source="shopify")
    assert payment.id is not None
    return payment.id


def _state(hub: Hub, payment: UUID) -> tuple[str, str | None]:
    [(status, cause)] = hub.query(
        "SELECT status, cause FROM id_map WHERE app = 'xero' AND entity = 'payments' AND hub_id = ?", str(payment)
    )
    return str(status), cause


def test_a_payment_skipped_for_want_of_a_bank_account_is_sent_once_one_is_set_up(hub: Hub, world: XeroWorld) -> None:
    invoice, remote, due = _unpaid_invoice(hub)
    payment = _shop_payment(hub, "SHOP-PAY-9", invoice, due)

    skipped = _push(hub, world)
    assert (skipped.skipped, skipped.created) == (1, 0)
    assert _state(hub, payment) == ("skipped", NO_BANK_ACCOUNT.name)
    pull_xero(hub, world.client, "nothing changed")
    assert _push(hub, world).due == 0  # the cause stands: not asked again

    [made] = world.client.write(
        STREAMS["Accounts"],
        [{"Code": "NEWBANK1", "Name": "New cheque account", "Type": "BANK", "BankAccountNumber": "062000123456789"}],
    )
    assert made.ok, made.errors
    pull_xero(hub, world.client, "after the fix")
    healed = _push(hub, world)

    assert (healed.due, healed.created, healed.skipped) == (1, 1, 0)
    assert _state(hub, payment) == ("linked", None)
    assert world.org.table("Invoices")[remote]["Status"] == "PAID"
    history = hub.query(
        "SELECT action FROM record_history WHERE hub_id = ? AND app = 'xero' ORDER BY happened_at, rowid",
        str(payment),
    )
    assert [a for (a,) in history] == ["skipped", "created in app"]


def test_a_skip_for_a_rule_is_not_reopened_by_changes_elsewhere(hub: Hub, world: XeroWorld) -> None:
    invoice, _, due = _unpaid_invoice(hub)
    payment = _shop_payment(hub, "SHOP-PAY-10", invoice, due)
    _push(hub, world)
    hub.query(
        "UPDATE id_map SET cause = 'rule' WHERE app = 'xero' AND entity = 'payments' AND hub_id = ?", str(payment)
    )
    world.client.write(STREAMS["Accounts"], [{"Code": "NEWBANK2", "Name": "Another account", "Type": "BANK",
                                               "BankAccountNumber": "062000987654321"}])  # fmt: skip
    pull_xero(hub, world.client, "after a change elsewhere")

    assert _push(hub, world).due == 0
