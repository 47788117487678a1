"""Xero's business rules, checked before a push: contact persons, locked invoices, contacts, payment accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from connectors.xero.rules import (
    check_contact_persons,
    check_invoice_editable,
    check_invoice_has_contact,
    check_payment_account,
    select_contact_persons,
    writable_fields,
    writable_item_fields,
)
from datashare.model import Account, AccountType, Invoice, PartyStatus, Person


def _people(count: int, *, primary: bool = False) -> list[Person]:
    people = [Person(first_name=f"P{n}", last_name="Lee", email=f"p{n}@example.com") for n in range(count)]
    if primary:
        people[0].is_primary = True
    return people


def test_five_people_besides_the_primary_fit() -> None:
    assert check_contact_persons(_people(6, primary=True)) is None
    assert check_contact_persons(_people(5)) is None


def test_seven_people_without_a_primary_leave_two_out_and_say_who() -> None:
    reason = check_contact_persons(_people(7))
    assert reason is not None
    assert "2 of 7 left out" in reason
    assert "P5 Lee <p5@example.com>" in reason
    assert "P6 Lee <p6@example.com>" in reason
    assert "P4" not in reason


def test_seven_people_with_a_primary_leave_one_out() -> None:
    people = _people(7, primary=True)
    chosen = select_contact_persons(people)
    assert chosen.primary is people[0]
    assert chosen.persons == people[1:6]
    assert chosen.dropped == [people[6]]
    reason = check_contact_persons(people)
    assert reason is not None
    assert "1 of 6 left out: P6 Lee <p6@example.com>" in reason


def test_deleted_and_archived_people_are_not_sent_nor_counted() -> None:
    people = _people(7)
    people[0].deleted_at = datetime(2025, 1, 1, tzinfo=UTC)
    people[1].status = PartyStatus.ARCHIVED
    chosen = select_contact_persons(people)
    assert chosen.persons == people[2:7]
    assert chosen.dropped == []
    assert check_contact_persons(people) is None


def test_person_without_email_is_named_by_name_only() -> None:
    people = [*_people(5), Person(first_name="Bonehead", last_name="Arthurs")]
    assert check_contact_persons(people) == (
        "Xero keeps at most 5 contact persons besides the primary person: 1 of 6 left out: Bonehead Arthurs"
    )


def test_paid_invoice_edits_are_not_sent() -> None:
    assert check_invoice_editable("PAID") == "invoice is PAID in Xero: edits are not sent"
    assert check_invoice_editable("PAID", "VOIDED") == "invoice is PAID in Xero: edits are not sent"


def test_an_authorised_invoice_with_nothing_applied_takes_edits_and_voiding() -> None:
    assert check_invoice_editable("AUTHORISED", "AUTHORISED") is None
    assert check_invoice_editable("AUTHORISED", "AUTHORISED", Decimal(0)) is None
    assert check_invoice_editable("AUTHORISED", "VOIDED", Decimal(0)) is None


def test_an_authorised_invoice_with_a_payment_or_credit_applied_takes_no_edit_and_says_why() -> None:
    reason = check_invoice_editable("AUTHORISED", "AUTHORISED", Decimal("25.00"))

    assert reason == (
        "invoice has 25.00 paid or credited in Xero: Xero takes no edit to it while that stands, so it is not "
        "edited; remove the payment or allocation in Xero first"
    )
    assert "so it is not voided" in str(check_invoice_editable("AUTHORISED", "VOIDED", Decimal("0.01")))


@pytest.mark.parametrize("status", [None, "DRAFT", "SUBMITTED", "draft"])
def test_new_draft_and_submitted_invoices_are_editable(status: str | None) -> None:
    assert check_invoice_editable(status, "AUTHORISED") is None


@pytest.mark.parametrize("status", ["VOIDED", "DELETED"])
def test_voided_and_deleted_invoices_cannot_change(status: str) -> None:
    reason = check_invoice_editable(status)
    assert reason is not None
    assert status in reason


def _invoice(**fields: object) -> Invoice:
    return Invoice.model_validate(
        {"type": "CUSTOMER", "currency": "AUD", "transaction_date": date(2025, 3, 1), **fields}
    )


def test_invoice_without_a_customer_is_not_sent() -> None:
    reason = check_invoice_has_contact(_invoice())
    assert reason is not None
    assert "Xero needs a Contact" in reason


def test_invoice_naming_only_a_person_asks_for_the_organization() -> None:
    reason = check_invoice_has_contact(_invoice(person_id=uuid4()))
    assert reason is not None
    assert "only a person" in reason


def test_invoice_with_an_organization_passes() -> None:
    assert check_invoice_has_contact(_invoice(organization_id=uuid4())) is None


def test_payment_to_a_bank_account_is_processed() -> None:
    assert check_payment_account(Account(name="Cheque", code="090", type=AccountType.BANK)) is None


def test_payment_to_an_account_with_payments_enabled_is_processed() -> None:
    account = Account(name="Clearing", code="880", type=AccountType.CURRLIAB, enable_payments=True)
    assert check_payment_account(account) is None


def test_payment_to_any_other_account_leaves_the_invoice_authorised() -> None:
    reason = check_payment_account(Account(name="Sales", code="200", type=AccountType.REVENUE))
    assert reason is not None
    assert "'200 Sales'" in reason
    assert "REVENUE" in reason
    assert "stays AUTHORISED" in reason


def test_payment_without_an_account_is_refused() -> None:
    reason = check_payment_account(None)
    assert reason is not None
    assert "no account" in reason


def test_item_quantity_on_hand_and_cost_pool_are_never_written() -> None:
    payload = {"Code": "GTR", "Name": "Guitar", "QuantityOnHand": 5, "TotalCostPool": 100, "IsSold": True}
    assert writable_item_fields(payload) == {"Code": "GTR", "Name": "Guitar", "IsSold": True}


def test_contact_customer_and_supplier_flags_are_not_writable() -> None:
    payload = {"Name": "Acme", "IsCustomer": True, "IsSupplier": False}
    assert writable_fields("Contacts", payload) == {"Name": "Acme"}


def test_unknown_endpoint_keeps_every_field() -> None:
    assert writable_fields("Quotes", {"Total": 1}) == {"Total": 1}
