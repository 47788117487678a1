"""The Magento connector over real HTTP: the sandbox on a loopback port, mounted as the combined server mounts it."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.base.errors import AuthError
from connectors.base.retry import RetryPolicy
from connectors.base.shop import ShopSettings
from connectors.magento import STREAMS, MagentoClient, MagentoSource, magento_mapper
from datashare.model import DocumentStatus
from datashare.model.mapping import DictRefs
from sandbox.common.clock import FakeClock
from sandbox.common.faults import FaultPlan
from sandbox.common.serve import serve_in_thread
from sandbox.magento import SAMPLE_PASSWORD, SAMPLE_USERNAME, MagentoState, create_app, magento_fault, seed_sample

pytestmark = pytest.mark.e2e

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)


def test_a_new_paid_order_and_its_refund_arrive_over_loopback() -> None:
    clock = FakeClock(T0)
    state = MagentoState(clock=clock)
    seeded = seed_sample(state, seed=7)
    clock.advance(60)
    plan = FaultPlan(seed=1)
    app = Starlette(routes=[Mount("/magento", app=create_app(state, faults=plan))])
    healed: list[float] = []

    def heal(seconds: float) -> None:
        healed.append(seconds)
        plan.clear()

    mapper = magento_mapper(ShopSettings(currency="AUD", number_prefix="MAG-"), timezone="Australia/Sydney")
    refs = DictRefs()
    with serve_in_thread(app) as base:
        retry = RetryPolicy(attempts=3, sleep=heal)
        client = MagentoClient(
            f"{base}/magento",
            username=SAMPLE_USERNAME,
            password=SAMPLE_PASSWORD,
            retry=retry,
            page_size=10,
            now=clock.now,
        )
        with client:
            orders, memos = MagentoSource(client, STREAMS["orders"]), MagentoSource(client, STREAMS["creditmemos"])
            first = list(orders.pages(None))
            assert sum(len(p.records) for p in first) == 24
            memo_cursor = list(memos.pages(None))[-1].cursor

            # Payments as they happened: an invoice each of the order paid in two parts, the one of the other.
            def payments_of(order_id: int, raw: dict[str, t.Any]) -> list[t.Any]:
                return [m for m in mapper("orders", raw, refs) if m.entity == "payments"]

            read = {r["entity_id"]: r for p in first for r in p.records}
            [two_parts], [part_paid] = seeded.two_part, seeded.part_paid
            invoices = [i for i in state.tables["invoices"].values() if i["order_id"] == two_parts]
            paid_twice = payments_of(two_parts, read[two_parts])
            assert [m.remote_id for m in paid_twice] == [f"{two_parts}/payment/{i['entity_id']}" for i in invoices]
            assert len({m.record.transaction_date for m in paid_twice}) == 2
            assert sum(m.record.amount.total_amount for m in paid_twice) == Decimal(str(read[two_parts]["grand_total"]))
            [deposit] = payments_of(part_paid, read[part_paid])
            [part_invoice] = [m for m in mapper("orders", read[part_paid], refs) if m.entity == "invoices"]
            assert part_invoice.record.status == DocumentStatus.AUTHORISED
            assert deposit.record.amount.total_amount == Decimal(str(read[part_paid]["total_paid"])) > 0

            clock.advance(60)
            order = state.place_order(3, [("MAG-TEE-L", 2), ("SCO-0004", 1)], coupon_code="TEN", discount_percent=10)
            clock.advance(60)
            state.invoice_order(order["entity_id"])
            clock.advance(60)
            state.refund_order(order["entity_id"], {"MAG-TEE-L": 1})
            clock.advance(60)

            plan.set(magento_fault(error_rate=1.0, error_status=503))
            changed = [r for p in orders.pages(first[-1].cursor) for r in p.records]
            assert healed
            assert plan.injected == 1
            # Over real HTTP uvicorn adds a Date of its own (the machine's clock), so the client may read the
            # last second again rather than trust it closed: the new order is there, and nothing is lost.
            assert order["entity_id"] in [r["entity_id"] for r in changed]
            raw = next(r for r in changed if r["entity_id"] == order["entity_id"])
            mapped = mapper("orders", raw, refs)
            [invoice] = [m.record for m in mapped if m.entity == "invoices"]
            [payment] = [m.record for m in mapped if m.entity == "payments"]
            assert invoice.transaction_number == f"MAG-{order['increment_id']}"  # type: ignore[attr-defined]
            assert invoice.lines[0].item_id == refs.hub_id("items", str(state.product("MAG-TEE-L")["id"]))  # type: ignore[attr-defined]
            assert payment.amount.total_amount == Decimal(str(order["grand_total"]))  # type: ignore[attr-defined]

            # The rest of the order paid in part is invoiced: read again, its first invoice is the same payment.
            clock.advance(60)
            state.invoice_order(part_paid)
            clock.advance(60)
            again = next(r for p in orders.pages(first[-1].cursor) for r in p.records if r["entity_id"] == part_paid)
            both = payments_of(part_paid, again)
            assert [m.remote_id for m in both][:1] == [deposit.remote_id]
            assert (len(both), both[0].record) == (2, deposit.record)

            [memo] = [r for p in memos.pages(memo_cursor) for r in p.records if r["order_id"] == order["entity_id"]]
            refunded = mapper("creditmemos", memo, refs)
            [note] = [m.record for m in refunded if m.entity == "credit_notes"]
            [refund] = [m for m in refunded if m.entity == "payments"]
            assert note.transaction_number == f"MAG-{order['increment_id']}-R1"  # type: ignore[attr-defined]
            assert note.allocations == []  # type: ignore[attr-defined]
            assert refund.remote_id == f"{memo['entity_id']}/refund"
            paid = refund.record
            assert paid.amount.total_amount == Decimal(str(memo["grand_total"])) > 0  # type: ignore[attr-defined]
            assert paid.transaction_date == note.transaction_date  # type: ignore[attr-defined]
            assert paid.organization_id == note.organization_id == invoice.organization_id is not None  # type: ignore[attr-defined]
            [line] = paid.payment_lines  # type: ignore[attr-defined]
            assert line.credit_note_id == refs.hub_id("credit_notes", str(memo["entity_id"]))
            assert line.amount == paid.amount.total_amount  # type: ignore[attr-defined]

        stranger = MagentoClient(f"{base}/magento", token="wrong", retry=RetryPolicy(attempts=2, sleep=lambda _: None))
        with stranger, pytest.raises(AuthError):
            stranger.get("orders", "1")
