"""A shop refund's credit note is paid back to the customer, not allocated: ``refund_payment``, ``refunds_paid_back``."""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime
from decimal import Decimal

from connectors.base.shop import refund_payment, refunds_paid_back
from datashare.model import (
    Amount,
    CreditAllocation,
    CreditNote,
    CreditNoteType,
    DocumentStatus,
    Organization,
    Payment,
    PaymentLine,
    PaymentType,
)
from datashare.model.mapping import DictRefs, Mapped, Refs

DAY = date(2026, 11, 21)
UPDATED = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def credit_note(
    refs: DictRefs,
    *,
    allocated: t.Sequence[str] = ("19.80",),
    total: str | None = "19.80",
    transaction_date: date | None = DAY,
    deleted_at: datetime | None = None,
) -> CreditNote:
    return CreditNote(
        type=CreditNoteType.CUSTOMER,
        status=DocumentStatus.AUTHORISED,
        transaction_number="SHOP-1001-R1",
        reference="#1001",
        transaction_date=transaction_date,
        organization_id=refs.hub_id("organizations", "7001"),
        currency="AUD",
        amount=Amount(currency="AUD", total_amount=Decimal(total)) if total is not None else None,
        allocations=[
            CreditAllocation(invoice_id=refs.hub_id("invoices", "5001"), amount=Decimal(a), transaction_date=DAY)
            for a in allocated
        ],
        deleted_at=deleted_at,
    )


def refund(record: CreditNote, remote_id: str = "9301") -> Mapped:
    return Mapped("credit_notes", remote_id, record, "v7", UPDATED)


def paid(refs: DictRefs, **changes: t.Any) -> Payment:
    found = refund_payment(refs, refund(credit_note(refs, **changes)))
    assert found is not None
    assert isinstance(found.record, Payment)
    return found.record


# --- refund_payment --------------------------------------------------------------------------------


def test_a_refund_is_paid_back_as_a_customer_payment_of_its_credit_note() -> None:
    refs = DictRefs()
    found = refund_payment(refs, refund(credit_note(refs)))
    assert found is not None
    assert (found.entity, found.remote_id, found.remote_version, found.remote_updated_at) == (
        "payments",
        "9301/refund",
        "v7",
        UPDATED,
    )
    payment = found.record
    assert isinstance(payment, Payment)
    assert payment.type == PaymentType.CUSTOMER
    assert (payment.transaction_number, payment.transaction_date) == ("SHOP-1001-R1", DAY)
    assert payment.organization_id == refs.hub_id("organizations", "7001")
    assert payment.account_id is None  # Xero's default bank account takes it
    assert (payment.amount.currency, payment.amount.total_amount) == ("AUD", Decimal("19.80"))
    [line] = payment.payment_lines
    assert (line.credit_note_id, line.invoice_id, line.amount) == (
        refs.hub_id("credit_notes", "9301"),
        None,
        Decimal("19.80"),
    )


def test_the_amount_is_what_the_refund_allocated_summed_over_its_allocations() -> None:
    payment = paid(DictRefs(), allocated=("12.00", "7.50"), total="25.00")
    assert payment.amount.total_amount == Decimal("19.50")
    assert [ln.amount for ln in payment.payment_lines] == [Decimal("19.50")]


def test_without_allocations_the_amount_is_the_credit_notes_total() -> None:
    payment = paid(DictRefs(), allocated=(), total="33.00")
    assert payment.amount.total_amount == Decimal("33.00")
    assert [ln.amount for ln in payment.payment_lines] == [Decimal("33.00")]


def test_allocations_summing_to_zero_fall_back_to_the_total() -> None:
    assert paid(DictRefs(), allocated=("0",), total="5.00").amount.total_amount == Decimal("5.00")


def test_nothing_to_pay_back_is_no_payment() -> None:
    refs = DictRefs()
    assert refund_payment(refs, refund(credit_note(refs, allocated=(), total="0"))) is None
    assert refund_payment(refs, refund(credit_note(refs, allocated=(), total=None))) is None
    assert refund_payment(refs, refund(credit_note(refs, allocated=("0",), total="0"))) is None


def test_a_credit_note_without_a_date_is_no_payment() -> None:
    refs = DictRefs()
    assert refund_payment(refs, refund(credit_note(refs, transaction_date=None))) is None


# --- refunds_paid_back ------------------------------------------------------------------------------


def wrapped(records: list[Mapped]) -> tuple[t.Callable[[str, dict[str, t.Any], Refs], list[Mapped]], list[t.Any]]:
    """A mapper returning ``records`` for any input, paid back; and the calls it saw."""
    calls: list[t.Any] = []

    def mapper(stream: str, raw: dict[str, t.Any], refs: Refs) -> list[Mapped]:
        calls.append((stream, raw, refs))
        return records

    return refunds_paid_back(mapper), calls


def test_the_credit_note_loses_its_allocations_and_its_payment_follows_it() -> None:
    refs = DictRefs()
    note = credit_note(refs, allocated=("10.00", "9.80"), total="19.80")
    original = refund(note)
    raw = {"id": "9301"}
    mapper, calls = wrapped([original])
    out = mapper("refunds", raw, refs)
    assert calls == [("refunds", raw, refs)]
    assert [(m.entity, m.remote_id) for m in out] == [("credit_notes", "9301"), ("payments", "9301/refund")]
    kept, payment = out
    assert (kept.remote_version, kept.remote_updated_at) == ("v7", UPDATED)
    assert isinstance(kept.record, CreditNote)
    assert kept.record.allocations == []
    assert kept.record.model_dump(exclude={"allocations"}) == note.model_dump(exclude={"allocations"})
    assert len(note.allocations) == 2  # the mapper's own record is not changed
    assert isinstance(payment.record, Payment)
    assert payment.record.amount.total_amount == Decimal("19.80")
    assert payment.record.transaction_date == kept.record.transaction_date == DAY
    assert payment.record.organization_id == kept.record.organization_id
    assert [ln.credit_note_id for ln in payment.record.payment_lines] == [refs.hub_id("credit_notes", "9301")]
    assert (payment.remote_version, payment.remote_updated_at) == ("v7", UPDATED)


def test_a_refund_with_nothing_to_pay_back_keeps_its_note_without_allocations_or_payment() -> None:
    refs = DictRefs()
    mapper, _ = wrapped([refund(credit_note(refs, allocated=(), total="0"))])
    [kept] = mapper("refunds", {}, refs)
    assert kept.entity == "credit_notes"
    assert isinstance(kept.record, CreditNote)
    assert kept.record.allocations == []


def test_a_deleted_credit_note_passes_through_untouched() -> None:
    refs = DictRefs()
    tombstone = refund(credit_note(refs, deleted_at=UPDATED))
    mapper, _ = wrapped([tombstone])
    [out] = mapper("refunds", {}, refs)
    assert out is tombstone
    assert isinstance(out.record, CreditNote)
    assert [a.amount for a in out.record.allocations] == [Decimal("19.80")]


def test_other_entities_pass_through_untouched_and_in_order() -> None:
    refs = DictRefs()
    org = Mapped("organizations", "7001", Organization(name="Scott-Johnson"), "v1")
    order_payment = Mapped(
        "payments",
        "5001/payment",
        Payment(
            type=PaymentType.CUSTOMER,
            transaction_date=DAY,
            amount=Amount(currency="AUD", total_amount=Decimal("50.60")),
            payment_lines=[PaymentLine(amount=Decimal("50.60"), invoice_id=refs.hub_id("invoices", "5001"))],
        ),
    )
    note = refund(credit_note(refs))
    mapper, _ = wrapped([org, note, order_payment])
    out = mapper("orders", {}, refs)
    assert [(m.entity, m.remote_id) for m in out] == [
        ("organizations", "7001"),
        ("credit_notes", "9301"),
        ("payments", "9301/refund"),
        ("payments", "5001/payment"),
    ]
    assert out[0] is org
    assert out[3] is order_payment


def test_a_mapper_without_credit_notes_is_unchanged() -> None:
    refs = DictRefs()
    org = Mapped("organizations", "7001", Organization(name="Scott-Johnson"))
    mapper, _ = wrapped([org])
    assert mapper("customers", {}, refs) == [org]
    assert wrapped([])[0]("customers", {}, refs) == []
