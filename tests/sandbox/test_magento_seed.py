"""The sample Magento store: deterministic, overlapping the Xero AU sample, with the awkward records a demo needs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sandbox.common.clock import FakeClock
from sandbox.magento import MagentoState, seed_sample
from sandbox.xero import sample_directory

T0 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)


def _seeded(seed: int = 0, scale: int = 1) -> tuple[MagentoState, object]:
    state = MagentoState(clock=FakeClock(T0))
    return state, seed_sample(state, scale=scale, seed=seed)


def test_customers_and_skus_overlap_the_xero_au_sample() -> None:
    state, _ = _seeded()
    directory = sample_directory("au")
    xero_emails = {c.EmailAddress for c in directory.customers}
    xero_people = {(c.FirstName, c.LastName) for c in directory.customers}
    customers = list(state.tables["customers"].values())
    same_email = [c for c in customers if c["email"] in xero_emails]
    same_name = [c for c in customers if (c["firstname"], c["lastname"]) in xero_people]
    assert len(same_email) == 6
    assert len(same_name) == 8
    assert len(customers) == 12
    codes = set(directory.item_codes())
    skus = {p["sku"] for p in state.tables["products"].values()}
    assert len(skus & codes) == 10
    first = directory.items[0]
    product = state.product(first.Code)
    assert (product["name"], product["price"]) == (first.Name, first.UnitPrice)


def test_the_sample_is_in_aud_and_has_paid_refunded_guest_and_canceled_orders() -> None:
    state, summary = _seeded()
    orders = state.tables["orders"]
    assert {o["order_currency_code"] for o in orders.values()} == {"AUD"}
    assert all(orders[i]["total_paid"] == orders[i]["grand_total"] for i in summary.paid)  # type: ignore[attr-defined]
    assert orders[summary.guest_order]["customer_id"] is None  # type: ignore[attr-defined]
    assert orders[summary.canceled_order]["state"] == "canceled"  # type: ignore[attr-defined]
    assert len(state.tables["creditmemos"]) == len(summary.refunded) == 2  # type: ignore[attr-defined]
    assert any(i.get("parent_item_id") for o in orders.values() for i in o["items"])
    assert any(o["discount_amount"] < 0 for o in orders.values())
    assert len(summary.long_sku) > 30  # type: ignore[attr-defined]


def test_history_lies_before_now_and_every_timestamp_is_magentos_format() -> None:
    state, _ = _seeded()
    stamps = [r[k] for table in state.tables.values() for r in table.values() for k in ("created_at", "updated_at")]
    assert max(stamps) <= "2026-11-12 03:00:00"
    assert all(len(s) == 19 and s[10] == " " for s in stamps)


def test_the_same_seed_gives_the_same_store_and_scale_grows_it() -> None:
    a, _ = _seeded(seed=4)
    b, _ = _seeded(seed=4)
    assert a.tables == b.tables
    big, summary = _seeded(scale=2)
    assert summary.counts["orders"] == 48  # type: ignore[attr-defined]
    assert summary.counts["customers"] == 24  # type: ignore[attr-defined]
    assert sum((o["grand_total"] for o in big.tables["orders"].values()), Decimal(0)) > 0


def test_the_sample_has_an_order_paid_in_two_invoices_and_one_paid_in_part() -> None:
    state, summary = _seeded()
    [two_parts], [part_paid] = summary.two_part, summary.part_paid  # type: ignore[attr-defined]

    def paid_invoices(order_id: int) -> list[dict[str, Any]]:
        return [i for i in state.tables["invoices"].values() if i["order_id"] == order_id and i["state"] == 2]

    first, second = paid_invoices(two_parts)
    paid_twice = state.tables["orders"][two_parts]
    assert first["grand_total"] + second["grand_total"] == paid_twice["total_paid"] == paid_twice["grand_total"]
    assert first["created_at"] < second["created_at"]  # Magento's timestamps sort as text
    assert two_parts in summary.paid  # type: ignore[attr-defined]
    [deposit] = paid_invoices(part_paid)
    part = state.tables["orders"][part_paid]
    assert 0 < part["total_paid"] == deposit["grand_total"] < part["grand_total"]
    assert part["total_due"] == part["grand_total"] - part["total_paid"] > 0
    assert part["state"] == "processing"
