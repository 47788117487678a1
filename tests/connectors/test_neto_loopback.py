"""The Neto connector over real HTTP: the sandbox on a loopback port, mounted as the combined server mounts it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from connectors.base.retry import RetryPolicy
from connectors.base.shop import ShopSettings
from connectors.neto import STREAMS, NetoClient, NetoSource, neto_mapper
from datashare.model import CreditNote, DocumentStatus, Invoice, Payment
from datashare.model.mapping import DictRefs, Mapped, MappingError
from sandbox.common.clock import FakeClock
from sandbox.common.serve import serve_in_thread
from sandbox.neto import SAMPLE_KEY, SAMPLE_USERNAME, NetoState, create_app, seed_sample

pytestmark = pytest.mark.e2e

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)
MAP = neto_mapper(ShopSettings(currency="AUD", number_prefix="NETO-"))


def test_orders_paid_edited_and_refunded_reach_the_canonical_model_over_loopback() -> None:
    clock = FakeClock(T0)
    state = NetoState(clock=clock, per_minute=4)
    seeded = seed_sample(state)
    waits: list[float] = []

    def wait(seconds: float) -> None:  # the minute Neto shuts the key out for, passed on the site's clock
        waits.append(seconds)
        clock.advance(seconds)

    refs = DictRefs()
    rejects: dict[str, str] = {}

    def read_and_map(stream: str, cursor: str | None = None) -> tuple[list[Mapped], str]:
        found: list[Mapped] = []
        pages = list(NetoSource(client, STREAMS[stream]).pages(cursor))
        for page in pages:
            for raw in page.records:
                try:
                    found += MAP(stream, raw, refs)
                except MappingError as error:  # a reject with its reason; the rest go on
                    rejects[str(raw.get(STREAMS[stream].id_field))] = str(error)
        return found, pages[-1].cursor

    app = Starlette(routes=[Mount("/neto", app=create_app(state))])
    with serve_in_thread(app) as base:
        client = NetoClient(
            f"{base}/neto", SAMPLE_KEY, SAMPLE_USERNAME, retry=RetryPolicy(attempts=3, sleep=wait), page_size=5
        )
        with client:
            cursors: dict[str, str] = {}
            counts: dict[str, int] = {}
            first: dict[str, list[Mapped]] = {}
            for stream in ("customers", "products", "orders", "refunds"):
                first[stream], cursors[stream] = read_and_map(stream)
                counts[stream] = len({m.remote_id for m in first[stream] if m.entity in STREAMS[stream].entities[:1]})
            assert waits
            assert all(w == 60.0 for w in waits)
            assert counts == {"customers": 8, "products": 12, "orders": 11, "refunds": 2}
            assert list(rejects) == seeded.guest
            assert "Xero needs a contact on every invoice" in rejects[seeded.guest[0]]

            # Payments as they happened: the order paid in two parts has two, the one paid in part has one.
            def payments(order_id: str, mapped: list[Mapped]) -> list[Mapped]:
                return [m for m in mapped if m.entity == "payments" and m.remote_id.startswith(f"{order_id}/")]

            [two_parts], [part_paid] = seeded.two_part, seeded.part_paid
            entries = state.tables["Order"][two_parts]["OrderPayment"]
            paid_twice = payments(two_parts, first["orders"])
            assert [m.remote_id for m in paid_twice] == [f"{two_parts}/payment/{p['Id']}" for p in entries]
            assert len({m.record.transaction_date for m in paid_twice}) == 2  # type: ignore[attr-defined]
            assert sum(m.record.amount.total_amount for m in paid_twice) == Decimal(  # type: ignore[attr-defined]
                state.tables["Order"][two_parts]["GrandTotal"]
            )
            [deposit] = payments(part_paid, first["orders"])
            [part_invoice] = [m for m in first["orders"] if m.entity == "invoices" and m.remote_id == part_paid]
            assert part_invoice.record.status == DocumentStatus.AUTHORISED  # type: ignore[attr-defined]
            assert deposit.record.amount.total_amount < part_invoice.record.amount.total_amount  # type: ignore[attr-defined]

            clock.advance(60)
            order = state.add_order("ckelly", [("SCO-0001", 1), ("SCO-0002", 2)], shipping="9.95", paid=True)
            new, cursors["orders"] = read_and_map("orders", cursors["orders"])
            assert [(m.entity, m.remote_id) for m in new if m.entity != "tax_codes"] == [
                ("invoices", order["OrderID"]),
                ("payments", f"{order['OrderID']}/payment/{order['OrderPayment'][0]['Id']}"),
            ]
            invoice = new[-2].record
            assert isinstance(invoice, Invoice)
            assert invoice.transaction_number == f"NETO-{order['OrderID']}"
            assert invoice.amount is not None
            assert str(invoice.amount.total_amount) == order["GrandTotal"]

            clock.advance(60)
            state.update_order(order["OrderID"], OrderStatus="Dispatched", ShipCity="Hobart")
            edited, cursors["orders"] = read_and_map("orders", cursors["orders"])
            assert {m.remote_id for m in edited if m.entity == "invoices"} == {order["OrderID"]}
            assert {m.remote_version for m in edited} == {order["DateUpdated"]}
            assert edited[-2].record.status == DocumentStatus.AUTHORISED  # type: ignore[attr-defined]

            clock.advance(60)
            rma = state.add_rma(order["OrderID"], [("SCO-0002", 1)])
            [*_, note, refund] = read_and_map("refunds", cursors["refunds"])[0]
            assert isinstance(note.record, CreditNote)
            assert note.remote_id == rma["RmaID"]
            assert note.record.transaction_number == f"NETO-{order['OrderID']}-R{rma['RmaID']}"
            assert note.record.allocations == []  # paid back, not allocated to the order's invoice
            assert isinstance(refund.record, Payment)
            assert refund.remote_id == f"{rma['RmaID']}/refund"
            paid = refund.record
            assert paid.amount is not None
            assert paid.amount.total_amount == Decimal(rma["RefundTotal"]) > 0
            assert paid.transaction_date == note.record.transaction_date is not None
            assert paid.organization_id == invoice.organization_id == refs.hub_id("organizations", "ckelly")
            [line] = paid.payment_lines
            assert (line.credit_note_id, line.amount) == (
                refs.hub_id("credit_notes", rma["RmaID"]),
                Decimal(rma["RefundTotal"]),
            )

            again, cursors["orders"] = read_and_map("orders", cursors["orders"])
            assert {m.remote_id for m in again if m.entity == "invoices"} == {order["OrderID"]}  # the RMA touched it

            # The balance of the order paid in part arrives: read again, its deposit is the same payment.
            clock.advance(60)
            state.pay_order(part_paid)
            balance, _ = read_and_map("orders", cursors["orders"])
            both = payments(part_paid, balance)
            assert [m.remote_id for m in both] == [deposit.remote_id, both[1].remote_id]
            assert both[0].record == deposit.record
            assert both[1].remote_id != deposit.remote_id

        # Neto answers a refused key as Ack Error over HTTP 200: fatal, and said plainly.
        raw = httpx.post(
            f"{base}/neto/do/WS/NetoAPI",
            json={"Filter": {"SKU": "x", "OutputSelector": ["Name"]}},
            headers={"NETOAPI_ACTION": "GetItem", "NETOAPI_KEY": "wrong", "NETOAPI_USERNAME": SAMPLE_USERNAME},
        )
        assert raw.status_code == 200
        assert raw.headers["content-type"].startswith("application/xml")
