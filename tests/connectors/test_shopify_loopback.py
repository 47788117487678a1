"""The Shopify connector over real HTTP: the sandbox on a loopback port, mounted as the combined server mounts it."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.base.retry import RetryPolicy
from connectors.base.shop import ShopSettings
from connectors.shopify import STREAMS, CostPacer, ShopifyClient, ShopifySource, shopify_mapper
from datashare.model.mapping import DictRefs, MappingError
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.shopify import SAMPLE_TOKEN, ShopifyState, create_app, seed_sample, shopify_fault

pytestmark = pytest.mark.e2e

T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def test_new_paid_order_edit_and_refund_reach_the_mapping_over_loopback() -> None:
    clock = FakeClock(T0)
    state = ShopifyState(clock=clock)
    seeded = seed_sample(state)
    clock.advance(60)
    plan = FaultPlan(seed=1)
    app = Starlette(routes=[Mount("/shopify", app=create_app(state, faults=plan))])
    mapper = shopify_mapper(ShopSettings(currency="AUD", number_prefix="SHOP-"), zone=ZoneInfo("Australia/Sydney"))
    refs = DictRefs()
    healed: list[float] = []

    def heal(seconds: float) -> None:
        healed.append(seconds)
        plan.clear()
        clock.advance(seconds)

    def mapped(records: list[dict[str, t.Any]]) -> dict[str, list[t.Any]]:
        found: dict[str, list[t.Any]] = {}
        for raw in records:
            try:
                for m in mapper("orders", raw, refs):
                    found.setdefault(m.entity, []).append(m)
            except MappingError as error:
                found.setdefault("rejects", []).append(str(error))
        return found

    with serve_in_thread(app) as base:
        pacer = CostPacer(clock=clock.monotonic, sleep=clock.sleep)
        client = ShopifyClient(f"{base}/shopify", SAMPLE_TOKEN, retry=RetryPolicy(attempts=4, sleep=heal), pacer=pacer)
        with client:
            assert client.shop()["taxesIncluded"] is True
            source = ShopifySource(client, STREAMS["orders"])
            pages = list(source.pages(None))
            first = mapped([r for p in pages for r in p.records])
            assert len(first["invoices"]) == seeded.counts["orders"] - 1
            assert first["rejects"] == [
                f"Shopify Order #1004 ({seeded.guest_order}): a guest order (no customer): Xero needs a contact on every invoice"
            ]
            cursor = pages[-1].cursor

            # Payments as they happened: two captures of the order paid in two parts, the deposit of the other.
            def payments_of(order_id: int, found: dict[str, list[t.Any]]) -> list[t.Any]:
                return [p for p in found.get("payments", []) if p.remote_id.startswith(f"{order_id}/payment")]

            [two_parts], [part_paid] = seeded.two_part_orders, seeded.part_paid_orders
            captures = [tx for tx in state.orders[two_parts].transactions if tx.kind == "capture"]
            paid_twice = payments_of(two_parts, first)
            assert [p.remote_id for p in paid_twice] == [f"{two_parts}/payment/{tx.id}" for tx in captures]
            assert [p.record.amount.total_amount for p in paid_twice] == [tx.amount for tx in captures]
            assert sum(tx.amount for tx in captures) == state.orders[two_parts].total_price
            [deposit] = payments_of(part_paid, first)
            [part_invoice] = [i for i in first["invoices"] if i.remote_id == str(part_paid)]
            assert part_invoice.record.status == "AUTHORISED"
            assert (
                deposit.record.amount.total_amount
                == state.orders[part_paid].paid
                < part_invoice.record.amount.total_amount
            )

            # A new paid order, over a shop answering 503 once.
            clock.advance(30)
            customer = min(state.customers)
            variant = state.products[min(state.products)].variants[0]
            placed = state.create_order(customer, [(variant.id, 2)], paid=True, shipping=("Express", "14.95"))
            clock.advance(30)
            plan.set(shopify_fault(error_rate=1.0, error_status=503))
            pages = list(source.pages(cursor))
            assert healed
            new = mapped([r for p in pages for r in p.records])
            [invoice] = new["invoices"]
            assert (invoice.remote_id, invoice.record.transaction_number) == (str(placed.id), f"SHOP-{placed.number}")
            [payment] = new["payments"]
            assert payment.record.amount.total_amount == placed.total_price
            cursor = pages[-1].cursor

            # The order is edited, then partly refunded: the same invoice again, and a credit note.
            clock.advance(30)
            state.update_order(placed.id, note="leave at the door")
            clock.advance(30)
            refund = state.refund(placed.id, [(placed.line_items[0].id, 1)])
            clock.advance(30)
            pages = list(source.pages(cursor))
            again = mapped([r for p in pages for r in p.records])
            assert [m.remote_id for m in again["invoices"]] == [str(placed.id)]
            assert again["invoices"][0].remote_version != invoice.remote_version
            assert refs.hub_id("invoices", str(placed.id)) == refs.hub_id("invoices", invoice.remote_id)
            [note] = again["credit_notes"]
            assert (note.remote_id, note.record.transaction_number) == (str(refund.id), f"SHOP-{placed.number}-R1")
            assert note.record.amount.total_amount == refund.total

            # The balance of the order paid in part arrives: read again, its deposit is the same payment.
            clock.advance(30)
            balance = state.record_payment(part_paid)
            clock.advance(30)
            pages = list(source.pages(pages[-1].cursor))
            both = payments_of(part_paid, mapped([r for p in pages for r in p.records]))
            assert [p.remote_id for p in both] == [deposit.remote_id, f"{part_paid}/payment/{balance.id}"]
            assert both[0].record == deposit.record

            # A second run from the stored cursor reads nothing.
            clock.advance(30)
            assert [r for p in source.pages(pages[-1].cursor) for r in p.records] == []
